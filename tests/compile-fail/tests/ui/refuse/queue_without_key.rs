//! A `SecureQueue` added without `.encryption(&key)`.

use hipaa_stack::SecureQueue;
use hipaa_stack::prelude::*;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    stack.add(SecureQueue::new("Uploads"))?;
    Ok(())
}

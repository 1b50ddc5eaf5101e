//! A `SecureBucket` added without `.access_logs(&log_bucket)`.

use hipaa_stack::prelude::*;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    stack.add(SecureBucket::new("Records").encryption(&key))?;
    Ok(())
}

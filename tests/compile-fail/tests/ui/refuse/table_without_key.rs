//! A `SecureTable` added without `.encryption(&key)`.

use hipaa_stack::prelude::*;
use hipaa_stack::{KeyType, SecureTable};

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    stack.add(SecureTable::new("Results", "Id", KeyType::String))?;
    Ok(())
}

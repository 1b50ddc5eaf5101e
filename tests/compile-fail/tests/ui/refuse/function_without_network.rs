//! A `Function` added without `.network(&vpc)`: it would run outside any VPC.

use hipaa_stack::prelude::*;
use hipaa_stack::{Code, Function};

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    stack.add(Function::new("Worker", Code::cargo_bin("worker")).encryption(&key))?;
    Ok(())
}

//! A `Secret` added without `.rotation(..)`: a secret that is never rotated.

use hipaa_stack::Secret;
use hipaa_stack::prelude::*;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    stack.add(Secret::new("ReportingDb").encryption(&key))?;
    Ok(())
}

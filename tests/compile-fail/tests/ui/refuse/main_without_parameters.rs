//! `#[hipaa_stack::main]` on a function without the `app` parameter.

use hipaa_stack::prelude::*;

#[hipaa_stack::main]
fn clinic() -> Result<()> {
    Ok(())
}

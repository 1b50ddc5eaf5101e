//! `#[hipaa_stack::main]` on a generic function.

use hipaa_stack::prelude::*;

#[hipaa_stack::main]
fn clinic<N: AsRef<str>>(app: &mut App) -> Result<()> {
    app.stack("clinic")?;
    Ok(())
}

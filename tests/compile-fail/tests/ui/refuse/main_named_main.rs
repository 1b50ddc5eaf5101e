//! `#[hipaa_stack::main]` on a function called `main`: the attribute writes `main` itself.

use hipaa_stack::prelude::*;

#[hipaa_stack::main]
fn main(app: &mut App) -> Result<()> {
    let stack = app.stack("clinic")?;
    stack.add(KmsKey::new("PhiKey"))?;
    Ok(())
}

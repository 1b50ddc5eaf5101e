//! `#[hipaa_stack::main]` on an `async fn`.

use hipaa_stack::prelude::*;

#[hipaa_stack::main]
async fn clinic(app: &mut App) -> Result<()> {
    let stack = app.stack("clinic")?;
    stack.add(KmsKey::new("PhiKey"))?;
    Ok(())
}

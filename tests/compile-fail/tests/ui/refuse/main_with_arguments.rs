//! `#[hipaa_stack::main(..)]` with arguments: the attribute takes none.

use hipaa_stack::prelude::*;

#[hipaa_stack::main(name = "clinic")]
fn clinic(app: &mut App) -> Result<()> {
    app.stack("clinic")?;
    Ok(())
}

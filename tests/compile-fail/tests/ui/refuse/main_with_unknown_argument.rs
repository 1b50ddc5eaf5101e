//! `#[hipaa_stack::main(..)]` with an argument it does not know: it takes `name`, `version`
//! and `about` only.

use hipaa_stack::prelude::*;

#[hipaa_stack::main(title = "clinic")]
fn clinic(app: &mut App) -> Result<()> {
    app.stack("clinic")?;
    Ok(())
}

//! `#[hipaa_stack::main]` on a function with a second parameter: it takes only the app.

use hipaa_stack::prelude::*;

#[hipaa_stack::main]
fn clinic(app: &mut App, region: &str) -> Result<()> {
    let stack = app.stack("clinic")?.description(region);
    stack.add(KmsKey::new("PhiKey"))?;
    Ok(())
}

//! `#[hipaa_stack::main]` on a function that returns nothing: errors would be lost.

use hipaa_stack::prelude::*;

#[hipaa_stack::main]
fn clinic(app: &mut App) {
    let _ = app.stack("clinic");
}

//! A construct of hipaa-stack declared by the program as a construct of another kind, to get
//! a handle that points to a type of the program's own: `Construct` is sealed per kind, so a
//! construct is added only as what it is.

use hipaa_stack::prelude::*;

struct Forged;

impl hipaa_stack::Construct<Forged> for KmsKey {}

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let _forged: Handle<Forged> = stack.add(KmsKey::new("PhiKey"))?;
    Ok(())
}

//! A stack name with an underscore: CloudFormation allows letters, digits and hyphens.

use hipaa_stack::prelude::*;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack(stack_name!("clinic_data"))?;
    stack.add(KmsKey::new("PhiKey"))?;
    Ok(())
}

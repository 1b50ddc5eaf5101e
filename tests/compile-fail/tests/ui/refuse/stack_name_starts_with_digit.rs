//! A stack name that starts with a digit: CloudFormation stack names start with a letter.

use hipaa_stack::prelude::*;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack(stack_name!("1st-clinic"))?;
    stack.add(KmsKey::new("PhiKey"))?;
    Ok(())
}

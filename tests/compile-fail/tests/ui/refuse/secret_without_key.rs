//! A `Secret` added without `.encryption(&key)`: never the AWS-managed key.

use hipaa_stack::Secret;
use hipaa_stack::prelude::*;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    stack.add(
        Secret::new("ReportingDb")
            .rotation("arn:aws:lambda:us-east-1:123456789012:function:rotate", days!(30)),
    )?;
    Ok(())
}

//! A secret rotated once a year: credentials are rotated at least every 90 days.

use hipaa_stack::Secret;
use hipaa_stack::prelude::*;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    stack.add(
        Secret::new("ReportingDb")
            .encryption(&key)
            .rotation("arn:aws:lambda:us-east-1:123456789012:function:rotate", days!(365)),
    )?;
    Ok(())
}

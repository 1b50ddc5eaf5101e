//! `days!`'s hidden constructor called directly with 0: refused in const evaluation, like
//! `days!(0)`, wherever the value would reach a template.

use hipaa_stack::prelude::*;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    let logs = stack.add(AccessLogBucket::new("AccessLogs"))?;
    stack.add(
        SecureBucket::new("Records")
            .encryption(&key)
            .access_logs(&logs)
            .noncurrent_version_retention(Days::<0>::__from_macro()),
    )?;
    Ok(())
}

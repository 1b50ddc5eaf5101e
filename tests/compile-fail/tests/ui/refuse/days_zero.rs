//! `days!(0)`: a retention of 0 days keeps nothing.

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
            .noncurrent_version_retention(days!(0)),
    )?;
    Ok(())
}

//! A `SecureBucket` handle passed to `.access_logs`: only an `AccessLogBucket` receives them.

use hipaa_stack::prelude::*;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    let logs = stack.add(AccessLogBucket::new("AccessLogs"))?;
    let archive = stack.add(
        SecureBucket::new("Archive")
            .encryption(&key)
            .access_logs(&logs),
    )?;
    stack.add(
        SecureBucket::new("Records")
            .encryption(&key)
            .access_logs(&archive),
    )?;
    Ok(())
}

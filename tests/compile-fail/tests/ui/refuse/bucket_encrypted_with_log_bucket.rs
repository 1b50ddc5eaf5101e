//! An `AccessLogBucket` handle passed to `.encryption`: only a `KmsKey` encrypts PHI.

use hipaa_stack::prelude::*;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let logs = stack.add(AccessLogBucket::new("AccessLogs"))?;
    stack.add(
        SecureBucket::new("Records")
            .encryption(&logs)
            .access_logs(&logs),
    )?;
    Ok(())
}

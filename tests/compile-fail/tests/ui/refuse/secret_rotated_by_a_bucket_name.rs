//! A secret whose rotation function is a bucket's name: only a Lambda function rotates.

use hipaa_stack::Secret;
use hipaa_stack::prelude::*;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    let logs = stack.add(AccessLogBucket::new("AccessLogs"))?;
    let records = stack.add(SecureBucket::new("Records").encryption(&key).access_logs(&logs))?;
    stack.add(
        Secret::new("ReportingDb")
            .encryption(&key)
            .rotation(records.name(), days!(30)),
    )?;
    Ok(())
}

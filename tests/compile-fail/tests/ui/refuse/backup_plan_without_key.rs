//! A `BackupPlan` added without `.encryption(&key)` for its vault.

use hipaa_stack::BackupPlan;
use hipaa_stack::prelude::*;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    let logs = stack.add(AccessLogBucket::new("AccessLogs"))?;
    let records = stack.add(SecureBucket::new("Records").encryption(&key).access_logs(&logs))?;
    stack.add(BackupPlan::new("Daily").protect(&records))?;
    Ok(())
}

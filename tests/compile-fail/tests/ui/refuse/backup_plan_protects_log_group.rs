//! A `LogGroup` handle passed to `.protect`: AWS Backup protects databases, buckets and
//! instances.

use hipaa_stack::BackupPlan;
use hipaa_stack::prelude::*;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    let app_logs = stack.add(LogGroup::new("AppLogs").encryption(&key))?;
    stack.add(BackupPlan::new("Daily").encryption(&key).protect(&app_logs))?;
    Ok(())
}

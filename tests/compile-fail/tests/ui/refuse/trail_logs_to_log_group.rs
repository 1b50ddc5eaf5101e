//! A `LogGroup` handle passed to `.access_logs`: S3 access logs go to an `AccessLogBucket`.

use hipaa_stack::prelude::*;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    let app_logs = stack.add(LogGroup::new("AppLogs").encryption(&key))?;
    stack.add(
        AuditTrail::new("Audit")
            .encryption(&key)
            .access_logs(&app_logs),
    )?;
    Ok(())
}

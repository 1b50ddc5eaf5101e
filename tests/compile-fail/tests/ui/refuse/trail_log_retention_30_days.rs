//! A trail whose log group keeps events 30 days: audit logs are kept at least a year.

use hipaa_stack::prelude::*;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    let logs = stack.add(AccessLogBucket::new("AccessLogs"))?;
    stack.add(
        AuditTrail::new("Audit")
            .encryption(&key)
            .access_logs(&logs)
            .log_retention(days!(30)),
    )?;
    Ok(())
}

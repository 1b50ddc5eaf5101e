//! A `LogGroup` handle passed to `.encryption`: only a `KmsKey` encrypts PHI.

use hipaa_stack::prelude::*;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    let app_logs = stack.add(LogGroup::new("AppLogs").encryption(&key))?;
    stack.add(LogGroup::new("AuditLogs").encryption(&app_logs))?;
    Ok(())
}

//! A log group retention of 366 days: over a year, but not a value CloudWatch Logs accepts.

use hipaa_stack::prelude::*;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    stack.add(
        LogGroup::new("AppLogs")
            .encryption(&key)
            .retention(days!(366)),
    )?;
    Ok(())
}

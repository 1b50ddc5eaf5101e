//! A log group that keeps events 30 days: audit logs are kept at least a year.

use hipaa_stack::prelude::*;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    stack.add(
        LogGroup::new("AppLogs")
            .encryption(&key)
            .retention(days!(30)),
    )?;
    Ok(())
}

//! A `SecureBucket` added without `.encryption(&key)`.

use hipaa_stack::prelude::*;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let logs = stack.add(AccessLogBucket::new("AccessLogs"))?;
    stack.add(SecureBucket::new("Records").access_logs(&logs))?;
    Ok(())
}

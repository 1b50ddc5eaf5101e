//! `days!` given a variable: the number of days must be known when the program is compiled.

use hipaa_stack::prelude::*;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    let logs = stack.add(AccessLogBucket::new("AccessLogs"))?;
    let seven_years = 2557;
    stack.add(
        SecureBucket::new("Records")
            .encryption(&key)
            .access_logs(&logs)
            .noncurrent_version_retention(days!(seven_years)),
    )?;
    Ok(())
}

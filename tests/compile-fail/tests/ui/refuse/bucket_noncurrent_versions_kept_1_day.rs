//! Noncurrent versions kept one day: an object overwritten or deleted by mistake or by an
//! intruder would be gone the next day (rule S9 asks for a week). Refused when the program
//! is compiled, not at `synth`.

use hipaa_stack::prelude::*;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    let logs = stack.add(AccessLogBucket::new("AccessLogs"))?;
    stack.add(
        SecureBucket::new("Records")
            .encryption(&key)
            .access_logs(&logs)
            .noncurrent_version_retention(days!(1)),
    )?;
    Ok(())
}

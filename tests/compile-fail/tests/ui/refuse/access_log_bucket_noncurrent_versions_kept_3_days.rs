//! An access-log bucket that keeps noncurrent versions three days: the log of who read
//! PHI, overwritten or deleted, would be gone before a weekly review (rule S9 asks for a
//! week). Refused when the program is compiled, not at `synth`.

use hipaa_stack::prelude::*;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    stack.add(AccessLogBucket::new("AccessLogs").noncurrent_version_retention(days!(3)))?;
    Ok(())
}

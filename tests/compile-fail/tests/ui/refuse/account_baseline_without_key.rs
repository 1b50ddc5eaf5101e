//! An `AccountBaseline` added without `.encryption(&key)` for its configuration bucket.

use hipaa_stack::AccountBaseline;
use hipaa_stack::prelude::*;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let logs = stack.add(AccessLogBucket::new("AccessLogs"))?;
    stack.add(AccountBaseline::new("Baseline").access_logs(&logs))?;
    Ok(())
}

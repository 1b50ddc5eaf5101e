//! An `AccountBaseline` added without `.access_logs(&log_bucket)` for its configuration
//! bucket.

use hipaa_stack::AccountBaseline;
use hipaa_stack::prelude::*;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    stack.add(AccountBaseline::new("Baseline").encryption(&key))?;
    Ok(())
}

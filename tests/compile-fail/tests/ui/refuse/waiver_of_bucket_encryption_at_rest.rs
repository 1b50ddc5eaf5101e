//! A waiver of S1 (a bucket's encryption at rest with a customer key): rules that protect
//! PHI at rest accept no waiver.

use hipaa_stack::compliance::{Waiver, rule};
use hipaa_stack::prelude::*;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    let logs = stack.add(AccessLogBucket::new("AccessLogs"))?;
    let records = stack.add(SecureBucket::new("Records").encryption(&key).access_logs(&logs))?;
    app.waive(Waiver::new(rule::S1, &records, "the bucket holds scans that are public anyway"))?;
    Ok(())
}

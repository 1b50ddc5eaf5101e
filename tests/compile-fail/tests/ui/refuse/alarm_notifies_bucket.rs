//! A `SecureBucket` handle passed to `.notify`: only an `AlarmTopic` receives alarms.

use hipaa_stack::prelude::*;
use hipaa_stack::{Alarm, AlarmMetric};

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    let logs = stack.add(AccessLogBucket::new("AccessLogs"))?;
    let records = stack.add(SecureBucket::new("Records").encryption(&key).access_logs(&logs))?;
    stack.add(Alarm::new("Errors", AlarmMetric::new("Clinic", "Errors")).notify(&records))?;
    Ok(())
}

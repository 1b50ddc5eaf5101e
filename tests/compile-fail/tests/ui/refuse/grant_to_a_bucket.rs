//! A grant given to a bucket: permissions go to a role or a function only.

use hipaa_stack::SecureQueue;
use hipaa_stack::prelude::*;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    let logs = stack.add(AccessLogBucket::new("AccessLogs"))?;
    let queue = stack.add(SecureQueue::new("Uploads").encryption(&key))?;
    let bucket = stack.add(SecureBucket::new("Inbox").encryption(&key).access_logs(&logs))?;
    stack.add(queue.grant_send("Sends", &bucket))?;
    Ok(())
}

//! A bucket that would send its object events to a table: only a queue or a function
//! receives them.

use hipaa_stack::prelude::*;
use hipaa_stack::{KeyType, SecureTable};

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    let logs = stack.add(AccessLogBucket::new("AccessLogs"))?;
    let table = stack.add(SecureTable::new("Results", "Id", KeyType::String).encryption(&key))?;
    stack.add(
        SecureBucket::new("Inbox")
            .encryption(&key)
            .access_logs(&logs)
            .notify(&table),
    )?;
    Ok(())
}

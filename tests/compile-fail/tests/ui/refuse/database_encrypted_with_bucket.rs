//! A `SecureBucket` handle passed to a database's `.encryption`: only a `KmsKey` encrypts PHI.

use hipaa_stack::prelude::*;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    let logs = stack.add(AccessLogBucket::new("AccessLogs"))?;
    let records = stack.add(
        SecureBucket::new("Records")
            .encryption(&key)
            .access_logs(&logs),
    )?;
    let network = DbNetwork::existing(
        "vpc-0123456789abcdef0",
        &["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"],
    )?;
    stack.add(
        EncryptedDatabase::mysql("Ehr")
            .encryption(&records)
            .network(network),
    )?;
    Ok(())
}

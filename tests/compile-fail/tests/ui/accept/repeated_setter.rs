//! Calling a setter twice is allowed: the last call wins, and the construct stays complete.

use hipaa_stack::prelude::*;

fn main() -> Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let old_key = stack.add(KmsKey::new("OldKey"))?;
    let new_key = stack.add(KmsKey::new("NewKey"))?;
    let old_logs = stack.add(AccessLogBucket::new("OldLogs"))?;
    let new_logs = stack.add(AccessLogBucket::new("NewLogs"))?;
    stack.add(
        SecureBucket::new("Records")
            .encryption(&old_key)
            .access_logs(&old_logs)
            .encryption(&new_key)
            .access_logs(&new_logs),
    )?;
    stack.add(
        LogGroup::new("AppLogs")
            .encryption(&old_key)
            .encryption(&new_key)
            .retention(days!(400))
            .retention(days!(545)),
    )?;
    stack.add(
        AuditTrail::new("Audit")
            .access_logs(&old_logs)
            .encryption(&old_key)
            .access_logs(&new_logs)
            .encryption(&new_key),
    )?;
    let network = DbNetwork::existing(
        "vpc-0123456789abcdef0",
        &["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"],
    )?;
    stack.add(
        EncryptedDatabase::postgres("Ehr")
            .encryption(&old_key)
            .network(network.clone())
            .encryption(&new_key)
            .network(network)
            .backup_retention(days!(14))
            .backup_retention(days!(21)),
    )?;
    app.synth()?;
    Ok(())
}

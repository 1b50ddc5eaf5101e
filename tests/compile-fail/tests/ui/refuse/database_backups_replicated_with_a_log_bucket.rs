//! A database whose backups are copied to another region under an `AccessLogBucket`
//! handle instead of a key: the copies of PHI are encrypted with a customer-managed key.
//! (Hostile review 23.)

use hipaa_stack::prelude::*;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let dr = app.stack_in("t-dr", region!("us-west-2"))?;
    let dr_logs = dr.add(AccessLogBucket::new("DrLogs"))?;
    let data = app.stack("t")?;
    let key = data.add(KmsKey::new("PhiKey"))?;
    let net = data.add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))?;
    data.add(
        EncryptedDatabase::postgres("Ehr")
            .encryption(&key)
            .network(&net)
            .replicate_backups_to(&dr_logs),
    )?;
    Ok(())
}

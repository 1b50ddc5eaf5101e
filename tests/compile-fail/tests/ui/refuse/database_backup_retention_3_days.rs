//! A database backup retention of 3 days: RDS keeps backups 7 to 35 days, and PHI needs at least 7.

use hipaa_stack::prelude::*;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    let network = DbNetwork::existing(
        "vpc-0123456789abcdef0",
        &["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"],
    )?;
    stack.add(
        EncryptedDatabase::postgres("Ehr")
            .encryption(&key)
            .network(network)
            .backup_retention(days!(3)),
    )?;
    Ok(())
}

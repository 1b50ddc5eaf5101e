//! A `BackupVault` added without `.encryption(&key)`.

use hipaa_stack::BackupVault;
use hipaa_stack::prelude::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let app = App::new("t");
    let dr = app.stack_in("t-dr", Region::new("us-west-2")?)?;
    dr.add(BackupVault::new("DrVault"))?;
    Ok(())
}

//! An `EncryptedDatabase` added without `.network(..)`.

use hipaa_stack::prelude::*;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    stack.add(EncryptedDatabase::postgres("Ehr").encryption(&key))?;
    Ok(())
}

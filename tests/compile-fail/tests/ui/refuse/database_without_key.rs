//! An `EncryptedDatabase` added without `.encryption(&key)`.

use hipaa_stack::prelude::*;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let network = DbNetwork::existing(
        "vpc-0123456789abcdef0",
        &["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"],
    )?;
    stack.add(EncryptedDatabase::postgres("Ehr").network(network))?;
    Ok(())
}

//! A VPC given a block of public addresses: `cidr!` makes it a `PublicCidr`, which is not
//! the block of a VPC (a rule naming a block inside the VPC would name the internet).

use hipaa_stack::prelude::*;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    stack.add(SecureVpc::new("Net", cidr!("8.8.0.0/16")).encryption(&key))?;
    Ok(())
}

//! A CIDR block written as a plain string: a rule's peer is a typed value.

use hipaa_stack::prelude::*;
use hipaa_stack::{Https, SecurityGroup};

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    let net = stack.add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))?;
    stack.add(SecurityGroup::new("App", &net).ingress(
        Https,
        "10.20.0.0/16",
        "HTTPS from the VPC",
    ))?;
    Ok(())
}

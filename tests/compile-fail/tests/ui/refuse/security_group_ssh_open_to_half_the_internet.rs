//! SSH (port 22) opened to `cidr!("0.0.0.0/1")`: half the internet is the internet, so the
//! literal is a `PublicCidr`, and only HTTPS and HTTP may face it.

use hipaa_stack::prelude::*;
use hipaa_stack::{SecurityGroup, Tcp};

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    let net = stack.add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))?;
    stack.add(SecurityGroup::new("Bastion", &net).ingress(
        Tcp::<22>,
        cidr!("0.0.0.0/1"),
        "SSH from half the internet",
    ))?;
    Ok(())
}

//! Every protocol and port opened to `cidr!("::/0")`, the IPv6 internet.

use hipaa_stack::prelude::*;
use hipaa_stack::{AllTraffic, SecurityGroup};

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    let net = stack.add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))?;
    stack.add(SecurityGroup::new("Open", &net).ingress(
        AllTraffic,
        cidr!("::/0"),
        "everything from everyone",
    ))?;
    Ok(())
}

//! SSH (port 22) opened to a prefix list: its entries are not known when the app is built
//! and may hold any address, so a prefix list is named only with HTTPS and HTTP.

use hipaa_stack::prelude::*;
use hipaa_stack::{PrefixList, SecurityGroup, Tcp};

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    let net = stack.add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))?;
    stack.add(SecurityGroup::new("Bastion", &net).ingress(
        Tcp::<22>,
        PrefixList::id("pl-0123456789abcdef0"),
        "SSH from the partners' list",
    ))?;
    Ok(())
}

//! Every port let out to `cidr!("128.0.0.0/1")`, the other half of the internet: a
//! `PublicCidr`, to which, as to `Internet`, only HTTPS and HTTP may be opened.

use hipaa_stack::prelude::*;
use hipaa_stack::{AllTraffic, SecurityGroup};

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    let net = stack.add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))?;
    stack.add(SecurityGroup::new("App", &net).egress(
        AllTraffic,
        cidr!("128.0.0.0/1"),
        "everything out",
    ))?;
    Ok(())
}

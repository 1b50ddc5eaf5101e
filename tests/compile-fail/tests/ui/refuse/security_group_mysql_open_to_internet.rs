//! The MySQL port opened to `Internet::IPV4`: databases are reached from named security groups.

use hipaa_stack::prelude::*;
use hipaa_stack::{Internet, SecurityGroup, Tcp};

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    let net = stack.add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))?;
    stack.add(SecurityGroup::new("Db", &net).ingress(
        Tcp::<3306>,
        Internet::IPV4,
        "MySQL clients",
    ))?;
    Ok(())
}

//! A `SecureInstance` added without `.encryption(&key)` for its volumes.

use hipaa_stack::prelude::*;
use hipaa_stack::{Ami, Role, SecureInstance, SecurityGroup, ServicePrincipal};

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    let net = stack.add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))?;
    let sg = stack.add(SecurityGroup::new("AppSg", &net))?;
    let role = stack.add(Role::new("AppRole", ServicePrincipal::Ec2))?;
    stack.add(
        SecureInstance::new("App", Ami::id("ami-0123456789abcdef0"))
            .network(&net)
            .role(&role)
            .security_group(&sg),
    )?;
    Ok(())
}

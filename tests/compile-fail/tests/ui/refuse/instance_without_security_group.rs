//! A `SecureInstance` added without `.security_group(&group)`: the VPC's default group.

use hipaa_stack::prelude::*;
use hipaa_stack::{Ami, Role, SecureInstance, ServicePrincipal};

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    let net = stack.add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))?;
    let role = stack.add(Role::new("AppRole", ServicePrincipal::Ec2))?;
    stack.add(
        SecureInstance::new("App", Ami::id("ami-0123456789abcdef0"))
            .encryption(&key)
            .network(&net)
            .role(&role),
    )?;
    Ok(())
}

//! A `SecureInstanceGroup` added without `.network(&net)`, though its role is chosen.

use hipaa_stack::prelude::*;
use hipaa_stack::{Role, SecureInstanceGroup, ServicePrincipal};

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    let net = stack.add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))?;
    let sg = stack.add(SecurityGroup::new("AppSg", &net))?;
    let role = stack.add(Role::new("WebRole", ServicePrincipal::Ec2))?;
    stack.add(
        SecureInstanceGroup::new("Web", Ami::id("ami-0123456789abcdef0"))
            .encryption(&key)
            .security_group(&sg)
            .role(&role),
    )?;
    Ok(())
}

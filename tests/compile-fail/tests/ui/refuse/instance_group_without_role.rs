//! A `SecureInstanceGroup` added without `.role(&role)`.

use hipaa_stack::prelude::*;
use hipaa_stack::SecureInstanceGroup;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    let net = stack.add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))?;
    let sg = stack.add(SecurityGroup::new("AppSg", &net))?;
    stack.add(
        SecureInstanceGroup::new("Web", Ami::id("ami-0123456789abcdef0"))
            .encryption(&key)
            .network(&net)
            .security_group(&sg),
    )?;
    Ok(())
}

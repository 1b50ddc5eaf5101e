//! A `PublicLoadBalancer` in a `SecureVpc` added without `.public_tier()`: it has no
//! public subnets to place the load balancer in.

use hipaa_stack::prelude::*;
use hipaa_stack::PublicLoadBalancer;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    let net = stack.add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))?;
    let _ = PublicLoadBalancer::new("Front", &net);
    Ok(())
}

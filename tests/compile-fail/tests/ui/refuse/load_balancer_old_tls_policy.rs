//! A `PublicLoadBalancer` whose HTTPS listener names `ELBSecurityPolicy-2016-08`, the
//! CloudFormation default, which accepts TLS 1.0 and 1.1: `TlsPolicy` has no such variant
//! and a string is no policy.

use hipaa_stack::prelude::*;
use hipaa_stack::{Certificate, PublicLoadBalancer};

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    let net = stack.add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key).public_tier())?;
    let cert = stack.add(Certificate::dns("Cert", "portal.example.org"))?;
    let _ = PublicLoadBalancer::new("Front", &net).https(&cert, "ELBSecurityPolicy-2016-08");
    Ok(())
}

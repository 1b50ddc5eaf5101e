//! A `PublicLoadBalancer` added without `.access_logs(&log_bucket)`.

use hipaa_stack::prelude::*;
use hipaa_stack::{Certificate, PublicLoadBalancer, TlsPolicy};

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    let net = stack.add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key).public_tier())?;
    let cert = stack.add(Certificate::dns("Cert", "portal.example.org"))?;
    stack.add(
        PublicLoadBalancer::new("Front", &net)
            .encryption(&key)
            .https(&cert, TlsPolicy::default()),
    )?;
    Ok(())
}

//! A `PublicLoadBalancer` added without `.encryption(&key)` for its WAF logs.

use hipaa_stack::prelude::*;
use hipaa_stack::{Certificate, PublicLoadBalancer, TlsPolicy};

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    let logs = stack.add(AccessLogBucket::new("AccessLogs"))?;
    let net = stack.add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key).public_tier())?;
    let cert = stack.add(Certificate::dns("Cert", "portal.example.org"))?;
    stack.add(
        PublicLoadBalancer::new("Front", &net)
            .access_logs(&logs)
            .https(&cert, TlsPolicy::default()),
    )?;
    Ok(())
}

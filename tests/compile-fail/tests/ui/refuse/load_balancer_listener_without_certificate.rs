//! A `PublicLoadBalancer` whose HTTPS listener is given a certificate ARN as a plain string
//! instead of a `Certificate`: the ARN is not known to be an ACM certificate.

use hipaa_stack::prelude::*;
use hipaa_stack::{PublicLoadBalancer, TlsPolicy};

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    let logs = stack.add(AccessLogBucket::new("AccessLogs"))?;
    let net = stack.add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key).public_tier())?;
    let _ = PublicLoadBalancer::new("Front", &net)
        .encryption(&key)
        .access_logs(&logs)
        .https("arn:aws:iam::123456789012:server-certificate/portal", TlsPolicy::default());
    Ok(())
}

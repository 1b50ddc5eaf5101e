//! The HTTPS front door compiles with everything it needs: a key for the WAF logs, an
//! access-log bucket, a certificate (issued or existing) with a TLS 1.2+ policy, servers
//! as targets, and a VPC with a public tier whose handle other constructs take as well.

use hipaa_stack::prelude::*;
use hipaa_stack::{Certificate, PublicLoadBalancer, TlsPolicy};

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("portal");
    let stack = app.stack("portal")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    let logs = stack.add(AccessLogBucket::new("AccessLogs"))?;
    let net = stack.add(
        SecureVpc::new("Net", cidr!("10.20.0.0/16"))
            .encryption(&key)
            .public_tier(),
    )?;
    let app_sg = stack.add(SecurityGroup::new("AppSg", &net))?;
    let role = stack.add(Role::new("AppRole", ServicePrincipal::Ec2))?;
    let web = stack.add(
        SecureInstance::new("Web", Ami::id("ami-0123456789abcdef0"))
            .encryption(&key)
            .network(&net)
            .role(&role)
            .security_group(&app_sg),
    )?;
    let cert = stack.add(Certificate::dns("Cert", "portal.example.org"))?;
    stack.add(
        PublicLoadBalancer::new("Front", &net)
            .encryption(&key)
            .access_logs(&logs)
            .https(&cert, TlsPolicy::Tls13Tls12_2021_06)
            .redirect_http()
            .target(&web),
    )?;
    let existing = Certificate::existing(
        "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-4a0b-8c1d-2e3f4a5b6c7d",
    )?;
    stack.add(
        PublicLoadBalancer::new("Partners", &net)
            .encryption(&key)
            .access_logs(&logs)
            .https(existing, TlsPolicy::Tls13Only2021_06)
            .target(&web)
            .target_port(8443),
    )?;
    app.synth()?;
    Ok(())
}

//! A patient portal in two environments, staging and production, each in its own AWS
//! account and each of two stacks: patients reach application servers in two availability
//! zones over HTTPS, through a load balancer with a certificate and a WAF; administrators
//! reach the servers through SSM Session Manager only (no SSH, no public address).
//!
//! - `<env>-portal-security`: the customer-managed key, the access-log bucket (which the
//!   load balancer writes its access logs to) and the Session Manager preferences;
//! - `<env>-portal-web`: the network with a public tier, the certificate, the application
//!   servers (a `SecureInstanceGroup` across two zones) with their security group and role,
//!   and the `PublicLoadBalancer` in front of them.
//!
//! `cargo run -p portal -- synth --out out/portal` writes both environments; `check` checks
//! both; `up --env staging` deploys staging, and refuses before any change when the
//! credentials are not of staging's account. Production's stacks are production stacks
//! (termination protection, stack policies).

use hipaa_stack::prelude::*;
use hipaa_stack::{
    Certificate, Environment, PublicLoadBalancer, SecureInstanceGroup, SessionManagerPreferences,
    TlsPolicy,
};

/// The Route 53 hosted zone of `example.org` in which the certificate is validated.
const HOSTED_ZONE: &str = "Z0123456789ABCDEFGHIJ";

#[hipaa_stack::main]
fn portal(app: &mut App) -> Result<()> {
    app.tag("application", "patient-portal")?;
    let staging = app
        .environment("staging", account!("123456789012"), region!("us-east-1"))?
        .tag("environment", "staging")?;
    let production = app
        .environment("production", account!("111122223333"), region!("us-east-1"))?
        .production()
        .tag("environment", "production")?;
    portal_in(staging, "staging.portal.example.org")?;
    portal_in(production, "portal.example.org")?;
    Ok(())
}

/// The portal's two stacks in one environment, serving `domain`.
fn portal_in(env: Environment<'_>, domain: &str) -> Result<()> {
    let security = env
        .stack(stack_name!("portal-security"))?
        .description("portal: encryption key and access logs");
    let key = security.add(KmsKey::new("PhiKey").description("encrypts all PHI at rest"))?;
    let logs = security.add(AccessLogBucket::new("AccessLogs"))?;
    // Administrators reach the servers through Session Manager only: sessions encrypted
    // with the key and logged to an encrypted log group.
    security.add(SessionManagerPreferences::new("Sessions").encryption(&key))?;

    let web = env
        .stack(stack_name!("portal-web"))?
        .description("portal: network, certificate, application servers, HTTPS front door");
    let net = web.add(
        SecureVpc::new("Net", cidr!("10.50.0.0/16"))
            .encryption(&key)
            .availability_zones(2)
            .public_tier(),
    )?;
    let cert = web.add(
        Certificate::dns("PortalCert", domain)
            .alternative_name(format!("www.{domain}"))
            .hosted_zone(HOSTED_ZONE),
    )?;
    // The servers admit only the load balancer, which opens their port itself.
    let servers = web.add(
        SecurityGroup::new("Servers", &net).description("the application servers of the portal"),
    )?;
    let role = web.add(
        Role::new("PortalServer", ServicePrincipal::Ec2)
            .agent_permissions(AgentPermissions::SsmAgent)
            .description("the application servers of the portal, administered through SSM"),
    )?;
    // Two instances to start, one in each zone, up to four; replaced when the load balancer
    // finds them unhealthy.
    let servers_group = web.add(
        SecureInstanceGroup::new(
            "Web",
            Ami::ssm_parameter(
                "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
            ),
        )
        .encryption(&key)
        .network(&net)
        .role(&role)
        .security_group(&servers)
        .capacity(2, 2, 4),
    )?;
    let front = web.add(
        PublicLoadBalancer::new("Front", &net)
            .encryption(&key)
            .access_logs(&logs)
            .https(&cert, TlsPolicy::Tls13Tls12_2021_06)
            .redirect_http()
            .target(&servers_group)
            .target_port(8443)
            .health_check_path("/health"),
    )?;

    web.output("PortalDns", front.dns_name())?;
    web.output("LoadBalancerArn", front.arn())?;
    web.output("WebAclArn", front.web_acl_arn())?;
    web.output("CertificateArn", cert.arn())?;
    web.output("ServerGroup", servers_group.group_name())?;
    // The servers' role may open sessions encrypted with the key.
    web.add(key.grant_decrypt("ServersDecryptSessions", &role))?;
    Ok(())
}

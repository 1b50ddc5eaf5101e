//! A telehealth platform in four stacks, using every construct of hipaa-stack:
//!
//! - `telehealth-security`: the customer-managed key, the access-log bucket, the account's
//!   audit trail with its security alarms, the alarm topic, and the account baseline
//!   (GuardDuty, Security Hub, AWS Config with the HIPAA rules);
//! - `telehealth-network`: the private network with a public tier for the load balancer,
//!   and the security groups of the load balancer and the application servers;
//! - `telehealth-app`: the visit-recordings bucket, the EHR database, the application
//!   servers, their role and its grants, the database's credentials secret, the
//!   application's log group, an alarm on the database, and the daily backup plan;
//! - `telehealth-dr`, pinned to us-west-2: the disaster-recovery key, the backup vault the
//!   daily backups are copied to, and the buckets the recordings, the audit trail's log files
//!   and the configuration history replicate to.
//!
//! `cargo run -p telehealth -- synth --out out/telehealth`, or `up` against an endpoint.

// The program's own arguments are a `clap::Args`; hipaa-stack re-exports clap.
use hipaa_stack::clap;
use hipaa_stack::prelude::*;

/// The telehealth program's own flags (this doc comment must not become the description of
/// every command).
#[derive(Debug, clap::Args)]
struct Telehealth {
    /// The application stack stops being a production stack: `up` turns its termination
    /// protection off and lets its stack policy allow every update, so that `destroy` can
    /// run (its stores of PHI are still kept).
    #[arg(long)]
    decommission: bool,
}

#[hipaa_stack::main]
fn telehealth(app: &mut App, args: Telehealth) -> Result<()> {
    // Disaster recovery, in a second region: a key, a vault and buckets of its own there,
    // deployed through that region's CloudFormation. The daily backups are copied to the
    // vault; the recordings, the audit trail's log files and the configuration history
    // replicate to the buckets.
    let dr = app
        .stack_in(stack_name!("telehealth-dr"), region!("us-west-2"))?
        .description(
            "telehealth: disaster-recovery key, backup vault and copies of the recordings and audit records in us-west-2",
        );
    let dr_key = dr.add(KmsKey::new("DrKey").description("encrypts the recovery copies"))?;
    let vault = dr.add(BackupVault::new("DrVault").encryption(&dr_key))?;
    let dr_logs = dr.add(AccessLogBucket::new("DrAccessLogs"))?;
    let recordings_copy = dr.add(
        SecureBucket::new("VisitRecordingsCopy")
            .encryption(&dr_key)
            .access_logs(&dr_logs),
    )?;
    let audit_copy = dr.add(
        SecureBucket::new("AuditCopy")
            .encryption(&dr_key)
            .access_logs(&dr_logs),
    )?;
    let config_copy = dr.add(
        SecureBucket::new("ConfigCopy")
            .encryption(&dr_key)
            .access_logs(&dr_logs),
    )?;
    dr.output("DrVaultName", vault.name())?;
    dr.output("DrKeyArn", dr_key.arn())?;

    // Security: what every other stack leans on.
    let security = app.stack(stack_name!("telehealth-security"))?.description(
        "telehealth: encryption key, access logs, audit trail, alarms, account baseline",
    );
    let key = security.add(KmsKey::new("PhiKey").description("encrypts all PHI at rest"))?;
    let logs = security.add(AccessLogBucket::new("AccessLogs"))?;
    let trail = security.add(
        AuditTrail::new("Audit")
            .encryption(&key)
            .access_logs(&logs)
            .log_retention(days!(2192))
            .replicate_to(&audit_copy),
    )?;
    let oncall = security.add(
        AlarmTopic::new("OnCall")
            .encryption(&key)
            .email("security-oncall@example.com"),
    )?;
    security.add(trail.security_alarms(&oncall))?;
    security.add(
        AccountBaseline::new("Baseline")
            .encryption(&key)
            .access_logs(&logs)
            .replicate_to(&config_copy),
    )?;

    // Network: private subnets, a public tier for the load balancer only.
    let network = app
        .stack(stack_name!("telehealth-network"))?
        .description("telehealth: private network and security groups");
    let vpc = network.add(
        SecureVpc::new("Net", cidr!("10.40.0.0/16"))
            .encryption(&key)
            .availability_zones(2)
            .public_tier(),
    )?;
    let balancer = network.add(
        SecurityGroup::new("Balancer", &vpc)
            .description("the load balancer that patients reach")
            .ingress(Https, cidr!("0.0.0.0/0"), "HTTPS from patients"),
    )?;
    let servers = network.add(
        SecurityGroup::new("Servers", &vpc)
            .description("the application servers")
            .ingress(Tcp::<8443>, &balancer, "TLS from the load balancer"),
    )?;

    // Application: data, compute, identity, secrets, logs, backups.
    let application = app
        .stack(stack_name!("telehealth-app"))?
        .description("telehealth: recordings, EHR database, application servers, backups");
    let application = if args.decommission {
        application
    } else {
        application.production()
    };
    let recordings = application.add(
        SecureBucket::new("VisitRecordings")
            .encryption(&key)
            .access_logs(&logs)
            .noncurrent_version_retention(days!(2557))
            .replicate_to(&recordings_copy)
            .replication_time_control(),
    )?;
    let ehr = application.add(
        EncryptedDatabase::postgres("Ehr")
            .encryption(&key)
            .network(&vpc)
            .backup_retention(days!(35))
            // Point-in-time restore in us-west-2 too: snapshots and transaction logs.
            .replicate_backups_to(&dr_key),
    )?;
    application.add(ehr.allow_from("ServersToEhr", &servers))?;
    let role = application.add(
        Role::new("AppServer", ServicePrincipal::Ec2)
            .agent_permissions(AgentPermissions::SsmAgent)
            .description("the telehealth application servers"),
    )?;
    application.add(recordings.grant_read("ServerReadsRecordings", &role))?;
    application.add(recordings.grant_write("ServerWritesRecordings", &role))?;
    application.add(ehr.grant_connect("ServerConnectsToEhr", &role, "telehealth_app"))?;
    let server = application.add(
        SecureInstance::new(
            "Server",
            Ami::ssm_parameter(
                "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
            ),
        )
        .encryption(&key)
        .network(&vpc)
        .role(&role)
        .security_group(&servers)
        .user_data(
            UserData::script(user_data!(
                "#!/bin/bash\nset -euo pipefail\necho 'records bucket: "
            ))
            .reference(recordings.name())
            .text(user_data!("' > /etc/telehealth.conf\n")),
        ),
    )?;
    application.add(
        Secret::new("ReportingCredentials")
            .encryption(&key)
            .description("credentials of the reporting service")
            .rotation(
                "arn:aws:lambda:us-east-1:${AWS::AccountId}:function:telehealth-rotate-reporting",
                days!(30),
            ),
    )?;
    application.add(
        LogGroup::new("AppLogs")
            .encryption(&key)
            .retention(days!(2192)),
    )?;
    application.add(
        Alarm::new(
            "EhrCpu",
            AlarmMetric::new("AWS/RDS", "CPUUtilization")
                .dimension("DBInstanceIdentifier", ehr.instance_id()),
        )
        .description("the EHR database is busy")
        .above(80.0)
        .notify(&oncall),
    )?;
    application.add(
        BackupPlan::new("Daily")
            .encryption(&key)
            .retention(days!(2190))
            .protect(&ehr)
            .protect(&server)
            .protect(&recordings)
            .copy_to(&vault),
    )?;

    application.output("RecordingsBucket", recordings.name())?;
    application.output("EhrEndpoint", ehr.endpoint_address())?;
    application.output("ServerId", server.instance_id())?;
    // A value of the us-west-2 stack, read by `up` from that stack's outputs and passed in as
    // a template parameter (CloudFormation imports only within a region).
    application.output("DrVaultArn", vault.arn())?;
    Ok(())
}

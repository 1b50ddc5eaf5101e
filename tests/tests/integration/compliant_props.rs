//! Property test: random compliant apps built from the typed constructs produce zero
//! findings. The rules read meaning, not spelling; they must not refuse what the types
//! build, whatever its shape: several stacks, keys and log buckets shared across stacks,
//! networks with or without a public tier, databases of both engines, roles with grants,
//! instances, alarms and backup plans.

use hipaa_stack::compliance::Status;
use hipaa_stack::prelude::*;
use proptest::prelude::*;

/// One stack's choices.
#[derive(Debug, Clone)]
struct StackShape {
    buckets: u8,
    log_groups: u8,
    public_tier: bool,
    zones: u8,
    database: Option<bool>,
    instance: bool,
    alarm: bool,
    backup: bool,
    trail: bool,
}

fn stack_shapes() -> impl Strategy<Value = Vec<StackShape>> {
    proptest::collection::vec(
        (
            0u8..3,
            0u8..2,
            any::<bool>(),
            2u8..4,
            proptest::option::of(any::<bool>()),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(
                |(
                    buckets,
                    log_groups,
                    public_tier,
                    zones,
                    database,
                    instance,
                    alarm,
                    backup,
                    trail,
                )| {
                    StackShape {
                        buckets,
                        log_groups,
                        public_tier,
                        zones,
                        database,
                        instance,
                        alarm,
                        backup,
                        trail,
                    }
                },
            ),
        1..4,
    )
}

fn build(shapes: &[StackShape]) -> App {
    let app = App::new("compliant");
    let security = app.stack("security").unwrap();
    let key = security.add(KmsKey::new("PhiKey")).unwrap();
    let logs = security.add(AccessLogBucket::new("AccessLogs")).unwrap();
    let oncall = security
        .add(
            AlarmTopic::new("OnCall")
                .encryption(&key)
                .email("oncall@example.com"),
        )
        .unwrap();
    for (i, shape) in shapes.iter().enumerate() {
        let stack = app.stack(format!("app-{i}").as_str()).unwrap();
        let mut protect_buckets = Vec::new();
        for b in 0..shape.buckets {
            protect_buckets.push(
                stack
                    .add(
                        SecureBucket::new(format!("Records{b}"))
                            .encryption(&key)
                            .access_logs(&logs),
                    )
                    .unwrap(),
            );
        }
        for g in 0..shape.log_groups {
            stack
                .add(
                    LogGroup::new(format!("Logs{g}"))
                        .encryption(&key)
                        .retention(days!(731)),
                )
                .unwrap();
        }
        if shape.trail {
            stack
                .add(AuditTrail::new("Audit").encryption(&key).access_logs(&logs))
                .unwrap();
        }
        let vpc = SecureVpc::new("Net", cidr!("10.30.0.0/16"))
            .encryption(&key)
            .availability_zones(shape.zones);
        let net = if shape.public_tier {
            stack.add(vpc.public_tier()).unwrap().any_tier()
        } else {
            stack.add(vpc).unwrap()
        };
        let servers = stack
            .add(
                SecurityGroup::new("Servers", &net)
                    .description("application servers")
                    .ingress(Https, cidr!("10.30.0.0/16"), "HTTPS from inside the VPC"),
            )
            .unwrap();
        let role = stack
            .add(
                Role::new("App", ServicePrincipal::Ec2)
                    .agent_permissions(AgentPermissions::SsmAgent)
                    .description("application servers"),
            )
            .unwrap();
        for (b, bucket) in protect_buckets.iter().enumerate() {
            stack
                .add(bucket.grant_read(format!("Read{b}"), &role))
                .unwrap();
        }
        let mut plan = BackupPlan::new("Daily").encryption(&key);
        let mut protected = 0;
        if let Some(postgres) = shape.database {
            let db = if postgres {
                EncryptedDatabase::postgres("Ehr")
            } else {
                EncryptedDatabase::mysql("Ehr")
            };
            let db = stack
                .add(
                    db.encryption(&key)
                        .network(&net)
                        .backup_retention(days!(35)),
                )
                .unwrap();
            stack.add(db.allow_from("ServersToEhr", &servers)).unwrap();
            if shape.alarm {
                stack
                    .add(
                        Alarm::new(
                            "EhrCpu",
                            AlarmMetric::new("AWS/RDS", "CPUUtilization")
                                .dimension("DBInstanceIdentifier", db.instance_id()),
                        )
                        .above(80.0)
                        .notify(&oncall),
                    )
                    .unwrap();
            }
            plan = plan.protect(&db);
            protected += 1;
        }
        if shape.instance {
            let server = stack
                .add(
                    SecureInstance::new(
                        "Server",
                        Ami::ssm_parameter(
                            "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
                        ),
                    )
                    .encryption(&key)
                    .network(&net)
                    .role(&role)
                    .security_group(&servers),
                )
                .unwrap();
            plan = plan.protect(&server);
            protected += 1;
        }
        for bucket in &protect_buckets {
            plan = plan.protect(bucket);
            protected += 1;
        }
        if shape.backup && protected > 0 {
            stack.add(plan).unwrap();
        }
    }
    app
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn random_compliant_apps_have_no_findings(shapes in stack_shapes()) {
        let app = build(&shapes);
        let assembly = app.check().expect("check returns the assembly");
        let failed: Vec<String> = assembly
            .evaluation()
            .results
            .iter()
            .filter(|c| matches!(c.status, Status::Failed { .. }))
            .map(|c| format!("{} on {}/{}: {:?}", c.rule, c.stack, c.logical_id, c.status))
            .collect();
        prop_assert!(failed.is_empty(), "{}", failed.join("\n"));
        prop_assert!(app.synth().is_ok());
    }
}

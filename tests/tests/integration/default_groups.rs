//! Rule E14 by the engine: after `up` creates a stack with a VPC, every rule of the VPC's
//! default security group is revoked, the stack's notes say which (the evidence), an
//! unchanged stack costs no EC2 call, and `drift` reports a rule that came back.
//!
//! moto creates each VPC's default group with EC2's default rules and implements
//! `RevokeSecurityGroupIngress`/`Egress` and `AuthorizeSecurityGroupIngress` on it, so this
//! runs against the local endpoint; only CloudFormation's own drift detection, which moto
//! lacks, is injected (as "nothing drifted").

use aws_sdk_ec2::types::{Filter, IpPermission, IpRange};
use hipaa_stack::Assembly;
use hipaa_stack::deploy::{Deployer, PlanState, Regional};
use hipaa_stack::prelude::*;

use crate::deploy::{connection, options, two_stacks};
use crate::fake::{Fake, ec2_error};
use crate::faults::{Faults, Faulty};
use crate::moto::Moto;

fn network_stack() -> Assembly {
    let app = App::new("e14");
    let net = app.stack("net").unwrap();
    let key = net.add(KmsKey::new("PhiKey")).unwrap();
    let vpc = net
        .add(SecureVpc::new("Net", cidr!("10.40.0.0/16")).encryption(&key))
        .unwrap();
    net.output("VpcId", vpc.vpc_id()).unwrap();
    app.synth().unwrap()
}

async fn default_group(ec2: &aws_sdk_ec2::Client, vpc: &str) -> aws_sdk_ec2::types::SecurityGroup {
    ec2.describe_security_groups()
        .filters(Filter::builder().name("vpc-id").values(vpc).build())
        .filters(
            Filter::builder()
                .name("group-name")
                .values("default")
                .build(),
        )
        .send()
        .await
        .unwrap()
        .security_groups()[0]
        .clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn up_closes_the_default_security_group_and_drift_sees_rules_come_back() {
    let moto = Moto::start();
    let assembly = network_stack();
    let d = Deployer::with_regions(
        vec![connection(&moto.endpoint).await.into_regional()],
        &assembly,
        options(),
    );
    let deployed = d.up().await.unwrap();
    assert_eq!(deployed[0].state, PlanState::Create);
    let vpc = deployed[0]
        .outputs
        .iter()
        .find(|(k, _)| k == "VpcId")
        .map(|(_, v)| v.clone())
        .unwrap();
    let note = deployed[0]
        .notes
        .iter()
        .find(|n| n.contains("(rule E14)"))
        .unwrap_or_else(|| panic!("no E14 note in {:?}", deployed[0].notes));
    assert!(
        note.contains(&format!("of Net ({vpc}) closed: revoked")),
        "{note}"
    );
    assert!(note.contains("all traffic to 0.0.0.0/0"), "{note}");

    let ec2 = aws_sdk_ec2::Client::new(&moto.config().await);
    let group = default_group(&ec2, &vpc).await;
    assert!(group.ip_permissions().is_empty(), "{group:?}");
    assert!(group.ip_permissions_egress().is_empty(), "{group:?}");

    // An unchanged stack: `up` reads the group once more (a step an earlier run could not
    // finish is retried), and revokes nothing of a closed group.
    let again = Deployer::with_regions(
        vec![connection(&moto.endpoint).await.into_regional()],
        &assembly,
        options(),
    );
    let deployed = again.up().await.unwrap();
    assert_eq!(deployed[0].state, PlanState::Unchanged);
    let calls = again.staging_calls().by_operation();
    assert_eq!(
        calls.keys().copied().collect::<Vec<_>>(),
        ["DescribeSecurityGroups"],
        "{calls:?}"
    );
    assert_eq!(calls["DescribeSecurityGroups"], 1, "{calls:?}");
    assert!(
        deployed[0]
            .notes
            .iter()
            .any(|n| n.contains("has no rules (rule E14)") && !n.contains("retried")),
        "{:?}",
        deployed[0].notes
    );

    // Someone opens SSH in the default group: `drift` names the group, the rule, rule E14.
    ec2.authorize_security_group_ingress()
        .group_id(group.group_id().unwrap())
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(22)
                .to_port(22)
                .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    let drifts = Deployer::with_regions(vec![regional(&moto.endpoint).await], &assembly, options())
        .drift()
        .await
        .unwrap();
    assert_eq!(drifts[0].status, "DRIFTED");
    let group_drift = &drifts[0].resources[0];
    assert_eq!(group_drift.logical_id, "NetDefaultSecurityGroup");
    assert_eq!(group_drift.status, "MODIFIED");
    assert_eq!(group_drift.differences[0].1, "no rules");
    assert_eq!(group_drift.differences[0].2, "tcp 22 from 0.0.0.0/0");
    assert!(
        group_drift.differences[0].0.contains("rule E14"),
        "{:?}",
        group_drift.differences
    );
}

/// A stack with a VPC and a database that CloudFormation names at deploy and that exports
/// its logs: both steps that follow a deploy (rules E14 and L4) have work to do.
pub(crate) fn vpc_and_database_stack() -> Assembly {
    let app = App::new("retry");
    let s = app.stack("records").unwrap();
    let key = s.add(KmsKey::new("PhiKey")).unwrap();
    let net = s
        .add(SecureVpc::new("Net", cidr!("10.41.0.0/16")).encryption(&key))
        .unwrap();
    let ehr = s
        .add(
            EncryptedDatabase::postgres("Ehr")
                .encryption(&key)
                .network(&net)
                .backup_retention(days!(35)),
        )
        .unwrap();
    s.add(BackupPlan::new("Daily").encryption(&key).protect(&ehr))
        .unwrap();
    s.output("VpcId", net.vpc_id()).unwrap();
    app.synth().unwrap()
}

/// The engine's clients for `endpoint`, CloudFormation wrapped in [`Faulty`] (which records
/// its calls, and answers drift detection, which moto lacks, with "nothing drifted").
async fn regional(endpoint: &str) -> Regional<Faulty> {
    let c = connection(endpoint).await;
    Regional {
        region: Some(c.region.clone()),
        api: Faulty::new(
            c.cloudformation,
            Faults {
                drifts: Some(Vec::new()),
                ..Faults::default()
            },
        ),
        staging: Some(c.staging),
        network: Some(c.network),
        databases: Some(c.databases),
    }
}

/// The logical id of the database of the stack `records`.
pub(crate) fn database_logical_id(assembly: &Assembly) -> String {
    assembly.stacks()[0]
        .template()
        .resources()
        .iter()
        .find(|r| r.type_name() == "AWS::RDS::DBInstance")
        .map(|r| r.logical_id().to_owned())
        .unwrap()
}

/// The VPC id (the stack's output), the database's key and its two log groups.
async fn deployed_names(moto: &Moto) -> (String, String, [String; 2]) {
    let config = moto.config().await;
    let cfn = aws_sdk_cloudformation::Client::new(&config);
    let stacks = cfn
        .describe_stacks()
        .stack_name("records")
        .send()
        .await
        .unwrap();
    let vpc = stacks.stacks()[0]
        .outputs()
        .iter()
        .find(|o| o.output_key() == Some("VpcId"))
        .and_then(|o| o.output_value())
        .unwrap()
        .to_owned();
    let rds = aws_sdk_rds::Client::new(&config);
    let dbs = rds.describe_db_instances().send().await.unwrap();
    let db = &dbs.db_instances()[0];
    let name = db.db_instance_identifier().unwrap().to_ascii_lowercase();
    (
        vpc,
        db.kms_key_id().unwrap().to_owned(),
        [
            format!("/aws/rds/instance/{name}/postgresql"),
            format!("/aws/rds/instance/{name}/upgrade"),
        ],
    )
}

/// The key and retention of the log group `name`.
async fn log_group(
    logs: &aws_sdk_cloudwatchlogs::Client,
    name: &str,
) -> (Option<String>, Option<i32>) {
    let found = logs
        .describe_log_groups()
        .log_group_name_prefix(name)
        .send()
        .await
        .unwrap();
    let g = found
        .log_groups()
        .iter()
        .find(|g| g.log_group_name() == Some(name))
        .unwrap_or_else(|| panic!("no log group {name}"));
    (g.kms_key_id().map(str::to_owned), g.retention_in_days())
}

/// The calls that change something, of those the steps make.
const CHANGE_CALLS: [&str; 5] = [
    "RevokeSecurityGroupIngress",
    "RevokeSecurityGroupEgress",
    "AssociateKmsKey",
    "CreateLogGroup",
    "PutRetentionPolicy",
];

/// EC2 refuses the revocation of the default group's outbound rule (a denied permission,
/// injected by a proxy in front of the local endpoint), after the stack deployed: `up`
/// fails, saying that running it again retries the step; rule L4's step never ran. The next `up`, with the template unchanged, finishes
/// both, says what it did as notes, and a third makes no change call and takes no lock.
#[tokio::test(flavor = "multi_thread")]
async fn a_step_that_failed_is_completed_by_the_next_up_of_the_unchanged_stack() {
    let moto = Moto::start();
    let assembly = vpc_and_database_stack();
    let proxy = Fake::failing_proxy(
        &moto.endpoint,
        "Action=RevokeSecurityGroupEgress",
        1,
        (
            403,
            "text/xml",
            ec2_error(
                "UnauthorizedOperation",
                "You are not authorized to perform this operation. (injected)",
            ),
        ),
    );
    let first = Deployer::with_regions(vec![regional(&proxy.endpoint).await], &assembly, options());
    let err = first.up().await.unwrap_err().to_string();
    assert!(err.contains("records"), "{err}");
    assert!(err.contains("rule E14's step"), "{err}");
    assert!(
        err.contains("run `up` again") && err.contains("even when the template is unchanged"),
        "{err}"
    );
    drop(proxy);

    let (vpc, key, groups) = deployed_names(&moto).await;
    let config = moto.config().await;
    let ec2 = aws_sdk_ec2::Client::new(&config);
    let logs = aws_sdk_cloudwatchlogs::Client::new(&config);
    let group = default_group(&ec2, &vpc).await;
    assert!(group.ip_permissions().is_empty(), "{group:?}");
    assert!(!group.ip_permissions_egress().is_empty(), "{group:?}");
    for name in &groups {
        assert_eq!(log_group(&logs, name).await, (None, None), "{name}");
    }

    // The template is unchanged: the stack is not deployed again, the steps are retried.
    let second = Deployer::with_regions(vec![regional(&moto.endpoint).await], &assembly, options());
    let deployed = second.up().await.unwrap();
    assert_eq!(deployed[0].state, PlanState::Unchanged);
    let notes = &deployed[0].notes;
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("retried on the unchanged stack")
                && n.contains("closed: revoked 1 rule(s): all traffic to 0.0.0.0/0 (rule E14)")),
        "{notes:?}"
    );
    for name in &groups {
        assert!(
            notes
                .iter()
                .any(|n| n.starts_with("retried on the unchanged stack")
                    && n.contains(&format!("log group {name} of "))
                    && n.ends_with("(rule L4)")),
            "{name}: {notes:?}"
        );
        assert_eq!(
            log_group(&logs, name).await,
            (Some(key.clone()), Some(365)),
            "{name}"
        );
    }
    let group = default_group(&ec2, &vpc).await;
    assert!(group.ip_permissions_egress().is_empty(), "{group:?}");
    let calls = second.staging_calls().by_operation();
    assert_eq!(
        calls.get("RevokeSecurityGroupEgress"),
        Some(&1),
        "{calls:?}"
    );
    assert_eq!(calls.get("RevokeSecurityGroupIngress"), None, "{calls:?}");
    assert!(
        !second
            .api()
            .log()
            .iter()
            .any(|l| l.starts_with("CreateChangeSet")),
        "{:?}",
        second.api().log()
    );

    // Secured: a third `up` reads, and changes nothing (no change call, no run lock).
    let third = Deployer::with_regions(vec![regional(&moto.endpoint).await], &assembly, options());
    let deployed = third.up().await.unwrap();
    assert_eq!(deployed[0].state, PlanState::Unchanged);
    assert!(
        deployed[0].notes.iter().all(|n| !n.contains("retried")),
        "{:?}",
        deployed[0].notes
    );
    let calls = third.staging_calls().by_operation();
    for op in calls.keys() {
        assert!(op.starts_with("Describe"), "{op} in {calls:?}");
    }
    for op in CHANGE_CALLS {
        assert!(!calls.contains_key(op), "{op} in {calls:?}");
    }
    assert_eq!(
        third.api().log(),
        ["DescribeStacks records", "ListStackResources records"]
    );
}

/// CloudWatch Logs refuses the first `PutRetentionPolicy` after the key was associated:
/// rule L4's step stops half done. The next `up` of the unchanged stack sets the retention
/// of that group, secures the other, and associates no key twice.
#[tokio::test(flavor = "multi_thread")]
async fn a_log_group_step_stopped_half_way_is_finished_by_the_next_up() {
    let moto = Moto::start();
    let assembly = vpc_and_database_stack();
    let proxy = Fake::failing_proxy(
        &moto.endpoint,
        "Logs_20140328.PutRetentionPolicy",
        1,
        (
            400,
            "application/x-amz-json-1.1",
            r#"{"__type":"AccessDeniedException","message":"not authorized to perform logs:PutRetentionPolicy (injected)"}"#
                .to_owned(),
        ),
    );
    let first = Deployer::with_regions(vec![regional(&proxy.endpoint).await], &assembly, options());
    let err = first.up().await.unwrap_err().to_string();
    assert!(err.contains("rule L4's step"), "{err}");
    assert!(err.contains("run `up` again"), "{err}");
    drop(proxy);
    let (_, key, [postgresql, upgrade]) = deployed_names(&moto).await;
    let logs = aws_sdk_cloudwatchlogs::Client::new(&moto.config().await);
    // The key of the first group was associated before the refusal; nothing else was done.
    assert_eq!(
        log_group(&logs, &postgresql).await,
        (Some(key.clone()), None)
    );
    assert_eq!(log_group(&logs, &upgrade).await, (None, None));

    // `preview` says what `up` checks on the unchanged stack, and changes nothing.
    let preview =
        Deployer::with_regions(vec![regional(&moto.endpoint).await], &assembly, options());
    let plans = preview.preview().await.unwrap();
    assert_eq!(plans[0].state, PlanState::Unchanged);
    let text = hipaa_stack::deploy::describe_plan(&plans[0]);
    assert!(
        text.contains(
            "`up` checks, and restores if not so: the default security group of each VPC"
        ) && text.contains("hold its key and a retention of at least 365 days (rule L4)"),
        "{text}"
    );
    let calls = preview.staging_calls().by_operation();
    assert!(calls.is_empty(), "{calls:?}");
    assert_eq!(preview.api().log(), ["DescribeStacks records"]);
    assert_eq!(log_group(&logs, &upgrade).await, (None, None));

    let again = Deployer::with_regions(vec![regional(&moto.endpoint).await], &assembly, options());
    let deployed = again.up().await.unwrap();
    assert_eq!(deployed[0].state, PlanState::Unchanged);
    let notes = &deployed[0].notes;
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("retried on the unchanged stack")
                && n.contains(&format!("log group {postgresql} of "))
                && n.contains(
                    "retention 365 days (was none: the shortest that deletes none of its events)"
                )
                && !n.contains("key associated")),
        "{notes:?}"
    );
    for name in [&postgresql, &upgrade] {
        assert_eq!(
            log_group(&logs, name).await,
            (Some(key.clone()), Some(365)),
            "{name}"
        );
    }
    let calls = again.staging_calls().by_operation();
    assert_eq!(calls.get("AssociateKmsKey"), Some(&1), "{calls:?}");
    assert_eq!(calls.get("PutRetentionPolicy"), Some(&2), "{calls:?}");
    assert_eq!(calls.get("RevokeSecurityGroupEgress"), None, "{calls:?}");
}

/// The fault through the `CloudFormationApi` seam: the steps' first call (the stack's
/// resources) is refused once after the stack deployed, so neither step ran; `up` fails
/// saying that running it again retries them, and the next `up` of the unchanged stack
/// closes the default group and secures the log groups.
#[tokio::test(flavor = "multi_thread")]
async fn steps_refused_after_the_deploy_are_run_by_the_next_up() {
    let moto = Moto::start();
    let assembly = vpc_and_database_stack();
    let mut faulty = regional(&moto.endpoint).await;
    faulty.api = Faulty::new(
        connection(&moto.endpoint).await.cloudformation,
        Faults {
            stack_resources_denied: 1,
            ..Faults::default()
        },
    );
    let first = Deployer::with_regions(vec![faulty], &assembly, options());
    let err = first.up().await.unwrap_err().to_string();
    assert!(err.contains("the steps of rules E14 and L4"), "{err}");
    assert!(err.contains("run `up` again"), "{err}");
    let (vpc, key, groups) = deployed_names(&moto).await;
    let config = moto.config().await;
    let ec2 = aws_sdk_ec2::Client::new(&config);
    let logs = aws_sdk_cloudwatchlogs::Client::new(&config);
    assert!(
        !default_group(&ec2, &vpc)
            .await
            .ip_permissions_egress()
            .is_empty()
    );

    let again = Deployer::with_regions(vec![regional(&moto.endpoint).await], &assembly, options());
    let deployed = again.up().await.unwrap();
    assert_eq!(deployed[0].state, PlanState::Unchanged);
    let retried = deployed[0]
        .notes
        .iter()
        .filter(|n| n.starts_with("retried on the unchanged stack"))
        .count();
    assert_eq!(retried, 3, "{:?}", deployed[0].notes);
    let group = default_group(&ec2, &vpc).await;
    assert!(group.ip_permissions().is_empty() && group.ip_permissions_egress().is_empty());
    for name in &groups {
        assert_eq!(
            log_group(&logs, name).await,
            (Some(key.clone()), Some(365)),
            "{name}"
        );
    }
}

/// A stack whose template holds no VPC and no database costs one read when unchanged,
/// whatever clients the run has: no `ListStackResources`, no EC2, RDS or CloudWatch Logs call.
#[tokio::test(flavor = "multi_thread")]
async fn an_unchanged_stack_without_vpc_or_database_makes_no_extra_call() {
    let moto = Moto::start();
    let assembly = two_stacks(false, &[]);
    let first = Deployer::with_regions(vec![regional(&moto.endpoint).await], &assembly, options());
    first.up().await.unwrap();
    let again = Deployer::with_regions(vec![regional(&moto.endpoint).await], &assembly, options());
    let deployed = again.up().await.unwrap();
    assert!(deployed.iter().all(|d| d.state == PlanState::Unchanged));
    assert!(deployed.iter().all(|d| d.notes.is_empty()), "{deployed:?}");
    let mut log = again.api().log();
    log.sort();
    assert_eq!(log, ["DescribeStacks data", "DescribeStacks shared"]);
    assert!(
        again.staging_calls().by_operation().is_empty(),
        "{:?}",
        again.staging_calls().by_operation()
    );
}

/// `drift` reports, for rule L4, a database's log group whose retention was removed and one
/// whose key was disassociated (CloudFormation's drift detection does not see them: no
/// template declares them); the next `up` of the unchanged stack puts both right.
#[tokio::test(flavor = "multi_thread")]
async fn drift_reports_log_groups_that_lost_their_retention_or_key() {
    let moto = Moto::start();
    let assembly = vpc_and_database_stack();
    let first = Deployer::with_regions(vec![regional(&moto.endpoint).await], &assembly, options());
    first.up().await.unwrap();
    let (_, key, [postgresql, upgrade]) = deployed_names(&moto).await;
    let logs = aws_sdk_cloudwatchlogs::Client::new(&moto.config().await);
    logs.delete_retention_policy()
        .log_group_name(&postgresql)
        .send()
        .await
        .unwrap();
    logs.disassociate_kms_key()
        .log_group_name(&upgrade)
        .send()
        .await
        .unwrap();
    assert_eq!(
        log_group(&logs, &postgresql).await,
        (Some(key.clone()), None)
    );
    assert_eq!(log_group(&logs, &upgrade).await, (None, Some(365)));

    let drift = Deployer::with_regions(vec![regional(&moto.endpoint).await], &assembly, options());
    let drifts = drift.drift().await.unwrap();
    assert_eq!(drifts[0].status, "DRIFTED");
    let db = database_logical_id(&assembly);
    let entry = |id: String| {
        drifts[0]
            .resources
            .iter()
            .find(|r| r.logical_id == id)
            .unwrap_or_else(|| panic!("no {id} in {:?}", drifts[0].resources))
            .clone()
    };
    let retention = entry(format!("{db}LogGroupPostgresql"));
    assert_eq!(retention.resource_type, "AWS::Logs::LogGroup");
    assert_eq!(retention.status, "MODIFIED");
    assert_eq!(
        retention.differences,
        [(
            format!("{postgresql} RetentionInDays (rule L4)"),
            "at least 365".to_owned(),
            "none (never expires)".to_owned()
        )]
    );
    let unkeyed = entry(format!("{db}LogGroupUpgrade"));
    assert_eq!(
        unkeyed.differences,
        [(
            format!("{upgrade} KmsKeyId (rule L4)"),
            key.clone(),
            "no key".to_owned()
        )]
    );
    assert_eq!(drifts[0].resources.len(), 2, "{:?}", drifts[0].resources);
    // `drift` only reads.
    for op in drift.staging_calls().by_operation().keys() {
        assert!(op.starts_with("Describe"), "{op}");
    }
    assert_eq!(
        log_group(&logs, &postgresql).await,
        (Some(key.clone()), None)
    );

    // The next `up` of the unchanged stack gives both back, and `drift` finds nothing.
    let again = Deployer::with_regions(vec![regional(&moto.endpoint).await], &assembly, options());
    let deployed = again.up().await.unwrap();
    assert_eq!(deployed[0].state, PlanState::Unchanged);
    assert_eq!(
        deployed[0]
            .notes
            .iter()
            .filter(|n| n.starts_with("retried on the unchanged stack") && n.ends_with("(rule L4)"))
            .count(),
        2,
        "{:?}",
        deployed[0].notes
    );
    assert_eq!(
        log_group(&logs, &postgresql).await,
        (Some(key.clone()), Some(365))
    );
    assert_eq!(log_group(&logs, &upgrade).await, (Some(key), Some(365)));
    let drifts = Deployer::with_regions(vec![regional(&moto.endpoint).await], &assembly, options())
        .drift()
        .await
        .unwrap();
    assert_eq!(drifts[0].status, "IN_SYNC", "{:?}", drifts[0].resources);

    // A group deleted outside: `drift` reports it missing.
    logs.delete_log_group()
        .log_group_name(&upgrade)
        .send()
        .await
        .unwrap();
    let drifts = Deployer::with_regions(vec![regional(&moto.endpoint).await], &assembly, options())
        .drift()
        .await
        .unwrap();
    let gone = &drifts[0].resources;
    assert_eq!(gone.len(), 1, "{gone:?}");
    assert_eq!(gone[0].logical_id, format!("{db}LogGroupUpgrade"));
    assert_eq!(gone[0].status, "DELETED");
    assert!(
        gone[0].differences[0].2.starts_with("no log group"),
        "{gone:?}"
    );
}

/// CloudWatch Logs answers `OperationAbortedException` (HTTP 400, "Multiple concurrent
/// requests to update the same resource were in conflict"; PutRetentionPolicy, "Errors") when
/// another request changes the group at the same time (RDS creating it, another tool): the
/// CDK's log-retention handler retries it, and the engine, which turns the SDK's retries off,
/// must know it. The first
/// PutRetentionPolicy is refused that way: the same run retries it and rule L4's step is done.
#[tokio::test(flavor = "multi_thread")]
async fn a_conflicting_update_of_a_log_group_is_retried_in_the_same_run() {
    let moto = Moto::start();
    let assembly = vpc_and_database_stack();
    let proxy = Fake::failing_proxy(
        &moto.endpoint,
        "Logs_20140328.PutRetentionPolicy",
        1,
        (
            400,
            "application/x-amz-json-1.1",
            r#"{"__type":"OperationAbortedException","message":"Multiple concurrent requests to update the same resource were in conflict. (injected)"}"#
                .to_owned(),
        ),
    );
    let d = Deployer::with_regions(vec![regional(&proxy.endpoint).await], &assembly, options());
    let deployed = d.up().await.unwrap();
    assert_eq!(deployed[0].state, PlanState::Create);
    drop(proxy);
    let (_, key, groups) = deployed_names(&moto).await;
    let logs = aws_sdk_cloudwatchlogs::Client::new(&moto.config().await);
    for name in &groups {
        assert_eq!(
            log_group(&logs, name).await,
            (Some(key.clone()), Some(365)),
            "{name}"
        );
    }
    let calls = d.staging_calls().by_operation();
    assert_eq!(
        calls.get("PutRetentionPolicy"),
        Some(&(groups.len() as u64 + 1)),
        "{calls:?}"
    );
}

/// The EC2 API is eventually consistent ("Eventual consistency in the Amazon EC2 API"): right
/// after CloudFormation created the VPC, DescribeSecurityGroups may not yet show its default
/// group. The first answer is an empty set: rule E14's step asks again, with backoff, and
/// closes the group in the same run instead of failing the deploy.
#[tokio::test(flavor = "multi_thread")]
async fn a_default_group_not_yet_visible_is_asked_for_again() {
    let moto = Moto::start();
    let assembly = network_stack();
    let proxy = Fake::failing_proxy(
        &moto.endpoint,
        "Action=DescribeSecurityGroups",
        1,
        (
            200,
            "text/xml",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><DescribeSecurityGroupsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>fake</requestId><securityGroupInfo/></DescribeSecurityGroupsResponse>"
                .to_owned(),
        ),
    );
    let d = Deployer::with_regions(vec![regional(&proxy.endpoint).await], &assembly, options());
    let deployed = d.up().await.unwrap();
    assert_eq!(deployed[0].state, PlanState::Create);
    drop(proxy);
    let calls = d.staging_calls().by_operation();
    assert_eq!(calls.get("DescribeSecurityGroups"), Some(&2), "{calls:?}");
    let ec2 = aws_sdk_ec2::Client::new(&moto.config().await);
    let vpc = crate::deploy::output(&deployed, "net", "VpcId").to_owned();
    let group = default_group(&ec2, &vpc).await;
    assert!(group.ip_permissions().is_empty() && group.ip_permissions_egress().is_empty());
}

//! The deploy engine against a local endpoint that refuses what AWS CloudFormation refuses
//! (`tests/moto/hipaa_moto.py`: stack policies and exports in use enforced on execute,
//! change-set names unique per stack, protected databases and the resources they use not
//! deleted, paged events, resources and imports). Each test here failed against the engine
//! as it was before it learned these rules.

use std::time::Duration;

use hipaa_stack::Assembly;
use hipaa_stack::deploy::{DeployError, PlanState};
use hipaa_stack::prelude::*;

use crate::deploy::{deployer, faulty, options, second_up_only_reads, stack_exists, stack_policy};
use crate::faults::Faults;
use crate::moto::{Moto, config_for};
use crate::support::run_example_with_env;

async fn cfn(moto: &Moto) -> aws_sdk_cloudformation::Client {
    aws_sdk_cloudformation::Client::new(&moto.config().await)
}

async fn cfn_in(moto: &Moto, region: &str) -> aws_sdk_cloudformation::Client {
    let config = config_for(&moto.endpoint)
        .await
        .to_builder()
        .region(aws_config::Region::new(region.to_owned()))
        .build();
    aws_sdk_cloudformation::Client::new(&config)
}

/// The output `key` of `stack`, as CloudFormation describes it.
async fn stack_output(
    cfn: &aws_sdk_cloudformation::Client,
    stack: &str,
    key: &str,
) -> Option<String> {
    let out = cfn.describe_stacks().stack_name(stack).send().await.ok()?;
    out.stacks()
        .first()?
        .outputs()
        .iter()
        .find(|o| o.output_key() == Some(key))
        .and_then(|o| o.output_value())
        .map(str::to_owned)
}

async fn status(cfn: &aws_sdk_cloudformation::Client, stack: &str) -> Option<String> {
    let out = cfn.describe_stacks().stack_name(stack).send().await.ok()?;
    out.stacks()
        .first()
        .and_then(|s| s.stack_status())
        .map(|s| s.as_str().to_owned())
}

/// Every stack of the endpoint's region that ended in a failed state.
async fn failed_stacks(cfn: &aws_sdk_cloudformation::Client) -> Vec<String> {
    let out = cfn.list_stacks().send().await.unwrap();
    out.stack_summaries()
        .iter()
        .filter(|s| {
            s.stack_status()
                .is_some_and(|st| st.as_str().ends_with("_FAILED"))
        })
        .map(|s| s.stack_name().unwrap_or_default().to_owned())
        .collect()
}

async fn exports(cfn: &aws_sdk_cloudformation::Client) -> Vec<String> {
    let out = cfn.list_exports().send().await.unwrap();
    out.exports()
        .iter()
        .map(|e| e.name().unwrap_or_default().to_owned())
        .collect()
}

/// A producer with a key and a log bucket, and a consumer whose bucket uses the producer's
/// key (`shared_key`) or a key of its own.
fn producer_consumer(shared_key: bool) -> Assembly {
    let app = App::new("e2e");
    let shared = app.stack("shared").unwrap();
    let key = shared.add(KmsKey::new("PhiKey")).unwrap();
    let logs = shared.add(AccessLogBucket::new("AccessLogs")).unwrap();
    let data = app.stack("data").unwrap();
    let own = data.add(KmsKey::new("DataKey")).unwrap();
    let bucket = SecureBucket::new("Records").access_logs(&logs);
    if shared_key {
        data.add(bucket.encryption(&key)).unwrap();
    } else {
        data.add(bucket.encryption(&own)).unwrap();
    }
    app.synth().unwrap()
}

/// Case 3: AWS refuses to delete an export that a stack imports. The export is kept while
/// the consumer still imports it, and dropped on a second pass of the same `up` once the
/// consumer moved off it.
#[tokio::test]
async fn an_export_a_consumer_stops_importing_is_kept_then_dropped_in_the_same_up() {
    let moto = Moto::start_with(&[("HIPAA_MOTO_PAGE_SIZE", "1")]);
    let cfn = cfn(&moto).await;
    deployer(&moto, &producer_consumer(true), options())
        .await
        .up()
        .await
        .unwrap();
    assert!(
        exports(&cfn)
            .await
            .contains(&"shared:PhiKey:Arn".to_owned())
    );

    let moved = producer_consumer(false);
    let d = faulty(&moto, &moved, Faults::default(), options()).await;
    let deployed = d.up().await.unwrap();
    let shared = deployed.iter().find(|x| x.stack == "shared").unwrap();
    assert!(
        shared
            .notes
            .iter()
            .any(|n| n.contains("kept export shared:PhiKey:Arn (imported by data)")),
        "{shared:?}"
    );
    assert!(
        shared.notes.iter().any(|n| n.contains("second pass")),
        "{shared:?}"
    );
    assert!(!exports(&cfn).await.iter().any(|e| e == "shared:PhiKey:Arn"));
    // shared: updated keeping the export, then again without it.
    let log = d.api().log();
    let executions: Vec<&String> = log
        .iter()
        .filter(|l| l.starts_with("ExecuteChangeSet"))
        .collect();
    assert_eq!(
        executions,
        [
            "ExecuteChangeSet shared",
            "ExecuteChangeSet data",
            "ExecuteChangeSet shared"
        ],
        "{log:?}"
    );
    assert!(failed_stacks(&cfn).await.is_empty());
    assert_eq!(
        status(&cfn, "shared").await.as_deref(),
        Some("UPDATE_COMPLETE")
    );
}

/// Case 3, across runs: an importer outside the app keeps the export alive; once it is
/// gone, the next `up` drops the export.
#[tokio::test]
async fn an_export_imported_from_outside_the_app_is_dropped_by_a_later_up() {
    let moto = Moto::start();
    let cfn = cfn(&moto).await;
    deployer(&moto, &producer_consumer(true), options())
        .await
        .up()
        .await
        .unwrap();
    // A stack of someone else's that imports the key's ARN.
    let outside = r#"{"Resources":{"Topic":{"Type":"AWS::SNS::Topic","Properties":{"KmsMasterKeyId":{"Fn::ImportValue":"shared:PhiKey:Arn"}}}}}"#;
    cfn.create_stack()
        .stack_name("outside")
        .template_body(outside)
        .send()
        .await
        .unwrap();

    let moved = producer_consumer(false);
    let deployed = deployer(&moto, &moved, options()).await.up().await.unwrap();
    let shared = deployed.iter().find(|x| x.stack == "shared").unwrap();
    assert!(
        shared
            .notes
            .iter()
            .any(|n| n.contains("shared:PhiKey:Arn (imported by outside)")
                && n.contains("later `up`")),
        "{shared:?}"
    );
    assert!(
        exports(&cfn)
            .await
            .contains(&"shared:PhiKey:Arn".to_owned())
    );

    cfn.delete_stack()
        .stack_name("outside")
        .send()
        .await
        .unwrap();
    deployer(&moto, &moved, options()).await.up().await.unwrap();
    assert!(!exports(&cfn).await.iter().any(|e| e == "shared:PhiKey:Arn"));
    assert!(failed_stacks(&cfn).await.is_empty());
}

/// A production stack with two stores of PHI whose names can change (a change of name
/// replaces a bucket).
fn production(records: &str, archive: &str) -> Assembly {
    let app = App::new("e2e");
    let prod = app.stack("prod").unwrap().production();
    let key = prod.add(KmsKey::new("PhiKey")).unwrap();
    let logs = prod.add(AccessLogBucket::new("AccessLogs")).unwrap();
    prod.add(
        SecureBucket::new("Records")
            .name(BucketName::new(records).unwrap())
            .encryption(&key)
            .access_logs(&logs),
    )
    .unwrap();
    prod.add(
        SecureBucket::new("Archive")
            .name(BucketName::new(archive).unwrap())
            .encryption(&key)
            .access_logs(&logs),
    )
    .unwrap();
    app.synth().unwrap()
}

/// Case 2: AWS enforces a stack policy when a change set executes. `--allow-replace X`
/// relaxes a production stack's policy for X alone, for that one execution.
#[tokio::test]
async fn allow_replace_relaxes_a_production_policy_for_the_named_store_alone() {
    let moto = Moto::start();
    let cfn = cfn(&moto).await;
    deployer(
        &moto,
        &production("e2e-records-1", "e2e-archive-1"),
        options(),
    )
    .await
    .up()
    .await
    .unwrap();
    let protected = stack_policy(&cfn, "prod").await;
    assert!(
        protected.contains("LogicalResourceId/Records"),
        "{protected}"
    );

    // Both would be replaced; only Records is allowed (by its construct path): refused,
    // naming Archive, and nothing changed.
    let both = production("e2e-records-2", "e2e-archive-2");
    let err = deployer(
        &moto,
        &both,
        Options {
            allow_replace: vec!["prod/Records".to_owned()],
            ..options()
        },
    )
    .await
    .up()
    .await
    .unwrap_err();
    let DeployError::Endangered { changes, changed } = &err else {
        panic!("expected a refusal, got {err}");
    };
    assert_eq!(
        changes
            .iter()
            .map(|c| c.resource.as_str())
            .collect::<Vec<_>>(),
        ["prod/Archive"]
    );
    assert!(changed.is_empty());
    assert_eq!(stack_policy(&cfn, "prod").await, protected);

    // Records alone: the policy is relaxed for it, the bucket replaced, the policy restored.
    let one = production("e2e-records-2", "e2e-archive-1");
    let d = faulty(
        &moto,
        &one,
        Faults::default(),
        Options {
            allow_replace: vec!["prod/Records".to_owned()],
            ..options()
        },
    )
    .await;
    let deployed = d.up().await.unwrap();
    let notes = &deployed[0].notes;
    assert!(
        notes.iter().any(
            |n| n.contains("stack policy relaxed for this execution only") && n.contains("Records")
        ),
        "{notes:?}"
    );
    assert!(
        notes.iter().any(|n| n == "stack policy restored"),
        "{notes:?}"
    );
    assert_eq!(stack_policy(&cfn, "prod").await, protected);
    assert_relaxed_only_around_the_execution(&d.api().log());
    assert_eq!(
        status(&cfn, "prod").await.as_deref(),
        Some("UPDATE_COMPLETE")
    );
}

/// Case 2, as AWS would have it before: without relaxing, the endpoint itself refuses to
/// replace a store that the policy protects, and the stack rolls back.
#[tokio::test]
async fn the_endpoint_enforces_the_stack_policy_when_nothing_relaxes_it() {
    let moto = Moto::start();
    let cfn = cfn(&moto).await;
    deployer(
        &moto,
        &production("e2e-records-1", "e2e-archive-1"),
        options(),
    )
    .await
    .up()
    .await
    .unwrap();
    // What an engine that never relaxes the policy would do: execute the replacement.
    let template = production("e2e-records-3", "e2e-archive-1");
    let body = template.stack("prod").unwrap().template_json().to_owned();
    cfn.create_change_set()
        .stack_name("prod")
        .change_set_name("by-hand")
        .change_set_type(aws_sdk_cloudformation::types::ChangeSetType::Update)
        .template_body(body)
        .send()
        .await
        .unwrap();
    cfn.execute_change_set()
        .stack_name("prod")
        .change_set_name("by-hand")
        .send()
        .await
        .unwrap();
    assert_eq!(
        status(&cfn, "prod").await.as_deref(),
        Some("UPDATE_ROLLBACK_COMPLETE")
    );
    let events = cfn
        .describe_stack_events()
        .stack_name("prod")
        .send()
        .await
        .unwrap();
    assert!(
        events.stack_events().iter().any(|e| {
            e.logical_resource_id() == Some("Records")
                && e.resource_status_reason()
                    .is_some_and(|r| r.contains("denied by stack policy"))
        }),
        "{events:?}"
    );
}

/// Case 6: `.production()` added to, then removed from, a deployed stack is a change of its
/// own: termination protection and the stack policy follow it.
#[tokio::test]
async fn production_status_turns_protection_on_and_off_on_a_deployed_stack() {
    let moto = Moto::start();
    let cfn = cfn(&moto).await;
    let build = |prod: bool| {
        let app = App::new("e2e");
        let s = app.stack("data").unwrap();
        let s = if prod { s.production() } else { s };
        let key = s.add(KmsKey::new("PhiKey")).unwrap();
        let logs = s.add(AccessLogBucket::new("AccessLogs")).unwrap();
        s.add(
            SecureBucket::new("Records")
                .encryption(&key)
                .access_logs(&logs),
        )
        .unwrap();
        app.synth().unwrap()
    };
    let protection = |cfn: aws_sdk_cloudformation::Client| async move {
        cfn.describe_stacks()
            .stack_name("data")
            .send()
            .await
            .unwrap()
            .stacks()[0]
            .enable_termination_protection()
    };
    deployer(&moto, &build(false), options())
        .await
        .up()
        .await
        .unwrap();
    assert_eq!(protection(cfn.clone()).await, Some(false));

    let on = build(true);
    let plans = deployer(&moto, &on, options())
        .await
        .preview()
        .await
        .unwrap();
    assert_eq!(plans[0].state, PlanState::Unchanged);
    assert_eq!(plans[0].production, Some(true));
    assert!(plans[0].has_changes());
    let deployed = deployer(&moto, &on, options()).await.up().await.unwrap();
    assert!(deployed[0].notes.iter().any(|n| n.contains("turned on")));
    assert_eq!(protection(cfn.clone()).await, Some(true));
    assert!(
        stack_policy(&cfn, "data")
            .await
            .contains("LogicalResourceId/Records")
    );

    // Unchanged now: the stack read, and (a production stack) its policy read to see that
    // it is still ours; nothing written.
    let again = faulty(&moto, &on, Faults::default(), options()).await;
    again.up().await.unwrap();
    let calls = again.calls().by_operation();
    assert_eq!(again.calls().total(), 2, "{calls:?}");
    assert_eq!(calls.get("GetStackPolicy").copied(), Some(1), "{calls:?}");

    let off = build(false);
    let deployed = deployer(&moto, &off, options()).await.up().await.unwrap();
    assert!(
        deployed[0]
            .notes
            .iter()
            .any(|n| n.contains("no longer production"))
    );
    assert_eq!(protection(cfn.clone()).await, Some(false));
    assert!(!stack_policy(&cfn, "data").await.contains("Deny"));
    // And it can be destroyed again.
    deployer(&moto, &off, options())
        .await
        .destroy()
        .await
        .unwrap();
}

/// Case 4: a retried CreateChangeSet must not collide with its own first attempt (the
/// client token makes the retry return the same change set).
#[tokio::test]
async fn a_retried_create_returns_the_same_change_set() {
    let moto = Moto::start();
    let assembly = crate::deploy::two_stacks(false, &[]);
    let d = faulty(
        &moto,
        &assembly,
        Faults {
            create_fails_after: 2,
            ..Faults::default()
        },
        options(),
    )
    .await;
    let deployed = d.up().await.unwrap();
    assert!(deployed.iter().all(|x| x.state == PlanState::Create));
    let log = d.api().log();
    let creates = log
        .iter()
        .filter(|l| *l == "CreateChangeSet shared")
        .count();
    assert_eq!(creates, 3, "{log:?}");
    assert_eq!(d.calls().retries(), 2);
}

/// Case 4 and interruptions: `up` stopped before creating, between creating and executing,
/// and while waiting for the execution; each time the next `up` converges with no manual
/// step, and a third changes nothing.
#[tokio::test]
async fn an_up_interrupted_at_any_point_converges_on_the_next() {
    let moto = Moto::start();
    let cfn = cfn(&moto).await;
    let first = crate::deploy::two_stacks(false, &[]);

    // Between create and execute: the first change set exists (its stack under review),
    // then the run stops.
    let stopped = faulty(
        &moto,
        &first,
        Faults {
            stop_after_creates: Some(0),
            ..Faults::default()
        },
        options(),
    )
    .await;
    stopped.up().await.unwrap_err();
    assert_eq!(
        status(&cfn, "shared").await.as_deref(),
        Some("REVIEW_IN_PROGRESS")
    );
    let deployed = deployer(&moto, &first, options()).await.up().await.unwrap();
    assert_eq!(deployed.len(), 2);
    assert_eq!(
        status(&cfn, "shared").await.as_deref(),
        Some("CREATE_COMPLETE")
    );

    // Between create and execute of an update: its change set stays, and is cleared.
    let second = crate::deploy::two_stacks(false, &["Extra"]);
    faulty(
        &moto,
        &second,
        Faults {
            stop_after_creates: Some(0),
            ..Faults::default()
        },
        options(),
    )
    .await
    .up()
    .await
    .unwrap_err();
    let available = |cfn: aws_sdk_cloudformation::Client| async move {
        cfn.list_change_sets()
            .stack_name("data")
            .send()
            .await
            .unwrap()
            .summaries()
            .iter()
            .filter(|c| c.execution_status().map(|e| e.as_str()) == Some("AVAILABLE"))
            .count()
    };
    assert_eq!(available(cfn.clone()).await, 1);
    deployer(&moto, &second, options())
        .await
        .up()
        .await
        .unwrap();
    assert_eq!(available(cfn.clone()).await, 0);

    // During the execution: the run is dropped while it waits.
    let third = crate::deploy::two_stacks(false, &["Extra", "More"]);
    let slow = faulty(
        &moto,
        &third,
        Faults {
            in_progress_after_execute: vec!["data".to_owned()],
            ..Faults::default()
        },
        options(),
    )
    .await;
    let cut = tokio::time::timeout(Duration::from_secs(3), slow.up()).await;
    assert!(cut.is_err(), "the run finished before it was cut");
    assert!(
        slow.api()
            .log()
            .contains(&"ExecuteChangeSet data".to_owned())
    );
    deployer(&moto, &third, options()).await.up().await.unwrap();

    // Converged: one read per stack.
    let again = faulty(&moto, &third, Faults::default(), options()).await;
    let deployed = again.up().await.unwrap();
    assert!(deployed.iter().all(|x| x.state == PlanState::Unchanged));
    assert_eq!(
        again.calls().total(),
        2,
        "{:?}",
        again.calls().by_operation()
    );
    assert!(failed_stacks(&cfn).await.is_empty());
}

/// Case 11: a template that uses a macro asks for `CAPABILITY_AUTO_EXPAND`, which AWS
/// otherwise refuses with `InsufficientCapabilities`. (A nested stack never gets this far:
/// synth refuses it, rule U2, since the rules cannot read its template.)
#[tokio::test]
async fn a_macro_asks_for_auto_expand() {
    let moto = Moto::start();
    let nested = App::new("e2e");
    nested
        .stack("nested")
        .unwrap()
        .add(
            RawResource::new("Inner", "AWS::CloudFormation::Stack")
                .property("TemplateURL", "https://example.com/inner.json"),
        )
        .unwrap();
    match nested.synth() {
        Err(hipaa_stack::Error::Noncompliant { findings }) => {
            assert!(findings.iter().any(|f| f.rule == "U2"), "{findings:?}");
        }
        other => panic!("a nested stack was synthesized: {:?}", other.err()),
    }
    let app = App::new("e2e");
    let expander = app
        .stack("expanded")
        .unwrap()
        .add(
            RawResource::new("Expander", "AWS::CloudFormation::Macro")
                .property("Name", "Expander")
                .property(
                    "FunctionName",
                    "arn:aws:lambda:us-east-1:123456789012:function:expand",
                ),
        )
        .unwrap();
    let reason = "a macro definition: it names a function and holds no PHI";
    app.waive(hipaa_stack::compliance::Waiver::new(
        hipaa_stack::compliance::rule::U1,
        &expander,
        reason,
    ))
    .unwrap();
    app.waive(hipaa_stack::compliance::Waiver::never_holds_phi(
        &expander, reason,
    ))
    .unwrap();
    let assembly = app.synth().unwrap();
    let plans = deployer(&moto, &assembly, options())
        .await
        .preview()
        .await
        .unwrap();
    assert_eq!(plans[0].state, PlanState::Create);
    assert!(!stack_exists(&cfn(&moto).await, "expanded").await);
}

/// Case 9: a refusal in a later wave comes before anything runs, so "nothing was changed"
/// is true.
#[tokio::test]
async fn a_refusal_in_a_later_wave_comes_before_any_wave_runs() {
    let moto = Moto::start();
    let cfn = cfn(&moto).await;
    deployer(
        &moto,
        &crate::deploy::two_stacks(false, &["Archive"]),
        options(),
    )
    .await
    .up()
    .await
    .unwrap();
    // `shared` (wave 1) gains a bucket; `data` (wave 2) loses its Archive bucket.
    let app = App::new("e2e");
    let shared = app.stack("shared").unwrap();
    let key = shared.add(KmsKey::new("PhiKey")).unwrap();
    let logs = shared.add(AccessLogBucket::new("AccessLogs")).unwrap();
    shared.output("KeyArn", key.arn()).unwrap();
    shared
        .add(
            SecureBucket::new("NewInShared")
                .encryption(&key)
                .access_logs(&logs),
        )
        .unwrap();
    let data = app.stack("data").unwrap();
    data.add(LogGroup::new("Activity").encryption(&key))
        .unwrap();
    let records = data
        .add(
            SecureBucket::new("Records")
                .encryption(&key)
                .access_logs(&logs),
        )
        .unwrap();
    data.output("RecordsBucket", records.name()).unwrap();
    let assembly = app.synth().unwrap();
    let d = faulty(&moto, &assembly, Faults::default(), options()).await;
    let err = d.up().await.unwrap_err();
    let DeployError::Endangered { changes, changed } = &err else {
        panic!("expected a refusal, got {err}");
    };
    assert_eq!(changes[0].resource, "data/Archive");
    assert!(changed.is_empty(), "{changed:?}");
    assert!(err.to_string().contains("nothing was changed"), "{err}");
    let log = d.api().log();
    assert!(
        !log.iter().any(|l| l.starts_with("ExecuteChangeSet")),
        "{log:?}"
    );
    let resources = cfn
        .list_stack_resources()
        .stack_name("shared")
        .send()
        .await
        .unwrap();
    assert!(
        !resources
            .stack_resource_summaries()
            .iter()
            .any(|r| r.logical_resource_id() == Some("NewInShared"))
    );
    // No change set left behind on either stack.
    for stack in ["shared", "data"] {
        let sets = cfn
            .list_change_sets()
            .stack_name(stack)
            .send()
            .await
            .unwrap();
        assert!(
            sets.summaries()
                .iter()
                .all(|c| c.execution_status().map(|e| e.as_str()) != Some("AVAILABLE")),
            "{stack}: {sets:?}"
        );
    }
}

/// Case 7: events, resources and imports come a page at a time; with two results per page,
/// a failure's root cause and every kept store are still found.
#[tokio::test]
async fn paged_events_and_resources_are_read_to_the_end() {
    let moto = Moto::start_with(&[("HIPAA_MOTO_PAGE_SIZE", "2")]);
    // A failure: a subnet outside the VPC's block, among enough resources that its event is
    // not on the first page.
    let app = App::new("e2e");
    let net = app.stack("net").unwrap();
    let key = net.add(KmsKey::new("PhiKey")).unwrap();
    let vpc = net
        .add(SecureVpc::new("Net", cidr!("10.30.0.0/16")).encryption(&key))
        .unwrap();
    net.add(
        RawResource::new("Stray", "AWS::EC2::Subnet")
            .property("VpcId", vpc.vpc_id())
            .property("CidrBlock", "192.168.7.0/24")
            .property("MapPublicIpOnLaunch", false),
    )
    .unwrap();
    let assembly = app.synth().unwrap();
    let err = deployer(&moto, &assembly, options())
        .await
        .up()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("192.168.7.0/24"), "{err}");

    // More than 100 resources (DescribeStackResources would return only the first 100):
    // 52 buckets with their policies, every bucket kept and listed by destroy.
    let assembly = crate::deploy::big_stack(52);
    assert!(assembly.stack("big").unwrap().template().resources().len() > 100);
    let moto = Moto::start();
    let d = deployer(&moto, &assembly, options()).await;
    d.up().await.unwrap();
    let destroyed = d.destroy().await.unwrap();
    let kept: Vec<&str> = destroyed
        .retained
        .iter()
        .filter(|r| r.logical_id.starts_with("Records") && r.resource_type == "AWS::S3::Bucket")
        .map(|r| r.logical_id.as_str())
        .collect();
    assert_eq!(kept.len(), 52, "{kept:?}");
    // Each with its TLS-only policy (probe 17d F3).
    let policies = destroyed
        .retained
        .iter()
        .filter(|r| {
            r.logical_id.starts_with("Records") && r.resource_type == "AWS::S3::BucketPolicy"
        })
        .count();
    assert_eq!(policies, 52);
}

/// Case 5 (clinic): the database refuses deletion (deletion protection), and its subnet
/// group, security group, subnets and network are in use by it; `destroy` keeps exactly
/// those, says why and what keeps billing, and leaves no stack in a failed state.
#[tokio::test]
async fn clinic_destroy_keeps_the_database_and_what_it_uses_and_leaves_no_failed_stack() {
    let moto = Moto::start();
    let out = tempfile::tempdir().unwrap();
    let up = run_example_with_env(
        "clinic",
        &["up", "--yes", "--out", out.path().to_str().unwrap()],
        &moto.env(),
    );
    assert!(
        up.status.success(),
        "{}",
        String::from_utf8_lossy(&up.stderr)
    );
    let destroy = run_example_with_env("clinic", &["destroy", "--yes"], &moto.env());
    let stdout = String::from_utf8_lossy(&destroy.stdout);
    assert!(
        destroy.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&destroy.stderr)
    );
    for (kind, why) in [
        (
            "AWS::RDS::DBInstance",
            "Cannot delete protected DB Instance",
        ),
        ("AWS::RDS::DBSubnetGroup", "in use by database"),
        ("AWS::EC2::SecurityGroup", "in use by database"),
        ("AWS::EC2::Subnet", "in use by database"),
        ("AWS::EC2::VPC", "in use by database"),
    ] {
        assert!(
            stdout
                .lines()
                .any(|l| l.trim_start().starts_with(kind) && l.contains(why)),
            "{kind}: {stdout}"
        );
    }
    assert!(
        stdout.contains("billing for the running database instance"),
        "{stdout}"
    );
    let cfn = cfn(&moto).await;
    assert!(failed_stacks(&cfn).await.is_empty());
    for stack in ["clinic-data", "clinic-security"] {
        assert!(
            matches!(
                status(&cfn, stack).await.as_deref(),
                None | Some("DELETE_COMPLETE")
            ),
            "{stack}"
        );
    }
    let rds = aws_sdk_rds::Client::new(&moto.config().await);
    let dbs = rds.describe_db_instances().send().await.unwrap();
    assert_eq!(dbs.db_instances().len(), 1, "the database is kept");
}

/// Case 1 and 5 (telehealth): the disaster-recovery stack deploys to us-west-2 through that
/// region's CloudFormation; the app stack is a production stack until `--decommission`, and
/// then `destroy` finishes in both regions with nothing failed.
#[tokio::test]
async fn telehealth_dr_stack_lives_in_us_west_2_and_the_app_decommissions_then_destroys() {
    let moto = Moto::start();
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().to_str().unwrap();
    // Before anything is deployed (`preview` exits 6: changes), the app stack cannot be
    // planned: it reads the DR stack's outputs, which do not exist yet.
    let preview = run_example_with_env("telehealth", &["preview"], &moto.env());
    let said = String::from_utf8_lossy(&preview.stdout).to_string()
        + &String::from_utf8_lossy(&preview.stderr);
    assert_eq!(preview.status.code(), Some(6), "changes to deploy: {said}");
    assert!(
        said.contains(
            "telehealth-app: planned after telehealth-dr deploy(s): it reads their outputs"
        ),
        "{said}"
    );
    let up = run_example_with_env(
        "telehealth",
        &["up", "--yes", "--out", out_dir],
        &moto.env(),
    );
    let stdout = String::from_utf8_lossy(&up.stdout);
    assert!(
        up.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&up.stderr)
    );
    assert!(
        stdout.contains("telehealth-dr: created in us-west-2"),
        "{stdout}"
    );
    assert!(
        stdout.contains("telehealth-app: created in us-east-1"),
        "{stdout}"
    );
    let east = cfn_in(&moto, "us-east-1").await;
    let west = cfn_in(&moto, "us-west-2").await;
    assert!(stack_exists(&west, "telehealth-dr").await);
    assert!(!stack_exists(&east, "telehealth-dr").await);
    assert!(!stack_exists(&west, "telehealth-app").await);
    // The DR key is a key of us-west-2, found through that region's KMS and not the other's.
    let key_arn = stack_output(&west, "telehealth-dr", "DrKeyArn")
        .await
        .expect("the DR stack outputs its key's ARN");
    assert!(key_arn.contains(":us-west-2:"), "{key_arn}");
    let kms_in = |region: &'static str| {
        let endpoint = moto.endpoint.clone();
        async move {
            let config = config_for(&endpoint)
                .await
                .to_builder()
                .region(aws_config::Region::new(region))
                .build();
            aws_sdk_kms::Client::new(&config)
        }
    };
    let key_id = key_arn.rsplit('/').next().unwrap().to_owned();
    let keys = |client: aws_sdk_kms::Client| async move {
        client
            .list_keys()
            .send()
            .await
            .unwrap()
            .keys()
            .iter()
            .filter_map(|k| k.key_id().map(str::to_owned))
            .collect::<Vec<_>>()
    };
    assert!(keys(kms_in("us-west-2").await).await.contains(&key_id));
    assert!(!keys(kms_in("us-east-1").await).await.contains(&key_id));

    // A value across regions (issue 15): the app stack in us-east-1 reads the DR vault's ARN
    // from the us-west-2 stack's output through a template parameter that `up` filled in (the
    // daily backup plan copies to that vault).
    let parameter = "Xrtelehealthdr7DrVaultBackupVaultArn";
    let vault_arn = stack_output(&west, "telehealth-dr", parameter)
        .await
        .expect("the DR stack outputs its vault's ARN for the app stack");
    assert!(vault_arn.contains(":us-west-2:"), "{vault_arn}");
    assert_eq!(
        stack_output(&east, "telehealth-app", "DrVaultArn").await,
        Some(vault_arn.clone())
    );
    let app_stack = east
        .describe_stacks()
        .stack_name("telehealth-app")
        .send()
        .await
        .unwrap();
    let passed: Vec<(String, String)> = app_stack.stacks()[0]
        .parameters()
        .iter()
        .map(|p| {
            (
                p.parameter_key().unwrap_or_default().to_owned(),
                p.parameter_value().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert!(
        passed.contains(&(parameter.to_owned(), vault_arn)),
        "{passed:?}"
    );
    assert_eq!(
        passed.len(),
        3,
        "vault, recordings copy and DR key: {passed:?}"
    );

    // The recordings replicate to their copy in us-west-2, KMS-encrypted objects included,
    // re-encrypted there with the DR key: read back through S3 in the source region.
    let recordings = stack_output(&east, "telehealth-app", "RecordingsBucket")
        .await
        .unwrap();
    let copy_arn = stack_output(
        &west,
        "telehealth-dr",
        "Xrtelehealthdr19VisitRecordingsCopyArn",
    )
    .await
    .unwrap();
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&config_for(&moto.endpoint).await)
            .force_path_style(true)
            .build(),
    );
    let replication = s3
        .get_bucket_replication()
        .bucket(&recordings)
        .send()
        .await
        .unwrap();
    let config = replication.replication_configuration().unwrap();
    assert!(
        config.role().starts_with("arn:aws:iam::123456789012:role/")
            && config.role().contains("ReplicationRole"),
        "the bucket's own replication role: {}",
        config.role()
    );
    let rule = &config.rules()[0];
    let destination = rule.destination().unwrap();
    assert_eq!(destination.bucket(), copy_arn);
    assert_eq!(
        destination
            .encryption_configuration()
            .and_then(|e| e.replica_kms_key_id()),
        Some(key_arn.as_str())
    );
    assert_eq!(
        rule.source_selection_criteria()
            .and_then(|c| c.sse_kms_encrypted_objects())
            .map(|k| k.status().as_str()),
        Some("Enabled")
    );
    assert_eq!(
        destination
            .replication_time()
            .and_then(|t| t.time())
            .and_then(|t| t.minutes()),
        Some(15)
    );

    // The audit trail's log files replicate to their copy in us-west-2 as well, so that
    // every store of the app has a copy in another region (§164.308(a)(7)(ii)(B)).
    let audit = east
        .describe_stack_resource()
        .stack_name("telehealth-security")
        .logical_resource_id("AuditBucket")
        .send()
        .await
        .unwrap()
        .stack_resource_detail()
        .and_then(|d| d.physical_resource_id())
        .unwrap()
        .to_owned();
    let audit_copy = stack_output(&west, "telehealth-dr", "Xrtelehealthdr9AuditCopyArn")
        .await
        .unwrap();
    let audit_replication = s3
        .get_bucket_replication()
        .bucket(&audit)
        .send()
        .await
        .unwrap();
    let audit_rule = &audit_replication
        .replication_configuration()
        .unwrap()
        .rules()[0];
    assert_eq!(audit_rule.destination().unwrap().bucket(), audit_copy);
    assert!(audit_copy.contains("auditcopy"), "{audit_copy}");

    // The EHR database's automated backups replicate to us-west-2, encrypted there with the
    // DR key: listed by RDS in us-west-2 (and not in us-east-1's own list of replicas).
    let rds_in = |region: &'static str| {
        let endpoint = moto.endpoint.clone();
        async move {
            let config = config_for(&endpoint)
                .await
                .to_builder()
                .region(aws_config::Region::new(region))
                .build();
            aws_sdk_rds::Client::new(&config)
        }
    };
    let replicated = rds_in("us-west-2")
        .await
        .describe_db_instance_automated_backups()
        .send()
        .await
        .unwrap();
    let backup = replicated
        .db_instance_automated_backups()
        .iter()
        .find(|b| b.region() == Some("us-east-1"))
        .expect("the EHR's backups are replicated into us-west-2");
    assert_eq!(backup.kms_key_id(), Some(key_arn.as_str()));
    assert_eq!(backup.backup_retention_period(), Some(35));
    assert!(
        backup
            .db_instance_arn()
            .is_some_and(|a| a.starts_with("arn:aws:rds:us-east-1:")),
        "{backup:?}"
    );

    // Unchanged: exactly one read per stack, across both regions.
    second_up_only_reads("telehealth", out_dir, &moto.env(), 4);
    let outputs = run_example_with_env("telehealth", &["outputs"], &moto.env());
    assert!(
        String::from_utf8_lossy(&outputs.stdout).contains("telehealth-dr (us-west-2)"),
        "{}",
        String::from_utf8_lossy(&outputs.stdout)
    );

    // Production blocks destroy; decommissioning turns it off, as a change of its own.
    let blocked = run_example_with_env("telehealth", &["destroy", "--yes"], &moto.env());
    assert!(!blocked.status.success());
    let off = run_example_with_env(
        "telehealth",
        &["up", "--yes", "--decommission", "--out", out_dir],
        &moto.env(),
    );
    let stdout = String::from_utf8_lossy(&off.stdout);
    assert!(off.status.success(), "{stdout}");
    assert!(stdout.contains("no longer production"), "{stdout}");
    let destroy = run_example_with_env("telehealth", &["destroy", "--yes"], &moto.env());
    let stdout = String::from_utf8_lossy(&destroy.stdout);
    assert!(
        destroy.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&destroy.stderr)
    );
    for stack in [
        "telehealth-app",
        "telehealth-network",
        "telehealth-security",
        "telehealth-dr",
    ] {
        assert!(stdout.contains(&format!("{stack}: deleted")), "{stdout}");
    }
    assert!(stdout.contains("AWS::RDS::DBInstance"), "{stdout}");
    assert!(
        stdout
            .lines()
            .any(|l| l.contains("AWS::EC2::Subnet") && l.contains("in use by database")),
        "{stdout}"
    );
    assert!(failed_stacks(&east).await.is_empty());
    assert!(failed_stacks(&west).await.is_empty());
}

use hipaa_stack::deploy::Options;

/// Case 8: stack tags propagate to every taggable resource, so the template's hash is not a
/// tag but an output (a change of it touches no resource); an unchanged stack still costs
/// one read.
#[tokio::test]
async fn the_template_hash_is_an_output_and_no_tag_changes_with_the_template() {
    let moto = Moto::start();
    let cfn = cfn(&moto).await;
    let assembly = crate::deploy::two_stacks(false, &[]);
    let deployed = deployer(&moto, &assembly, options())
        .await
        .up()
        .await
        .unwrap();
    assert!(
        deployed
            .iter()
            .all(|d| d.outputs.iter().all(|(k, _)| k != TEMPLATE_OUTPUT)),
        "the engine's record is not shown as an output: {deployed:?}"
    );
    let tags_of = |cfn: aws_sdk_cloudformation::Client| async move {
        let out = cfn
            .describe_stacks()
            .stack_name("data")
            .send()
            .await
            .unwrap();
        let stack = &out.stacks()[0];
        let tags: Vec<(String, String)> = stack
            .tags()
            .iter()
            .map(|t| {
                (
                    t.key().unwrap_or_default().to_owned(),
                    t.value().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        let hash = stack
            .outputs()
            .iter()
            .find(|o| o.output_key() == Some(TEMPLATE_OUTPUT))
            .and_then(|o| o.output_value())
            .map(str::to_owned);
        (tags, hash)
    };
    let (tags, hash) = tags_of(cfn.clone()).await;
    assert!(
        tags.iter().all(|(k, _)| !k.contains("template")),
        "{tags:?}"
    );
    let synthesized = assembly.stack("data").unwrap().template_json();
    assert_eq!(hash.as_deref(), Some(&*sha256_hex(synthesized)));

    // A changed template: the hash moves, the tags stay as they were.
    let changed = crate::deploy::two_stacks(false, &["Extra"]);
    deployer(&moto, &changed, options())
        .await
        .up()
        .await
        .unwrap();
    let (tags_after, hash_after) = tags_of(cfn.clone()).await;
    assert_eq!(tags_after, tags);
    assert_eq!(
        hash_after.as_deref(),
        Some(&*sha256_hex(changed.stack("data").unwrap().template_json()))
    );
    let again = faulty(&moto, &changed, Faults::default(), options()).await;
    again.up().await.unwrap();
    assert_eq!(
        again.calls().by_operation().into_iter().collect::<Vec<_>>(),
        [("DescribeStacks", 2)]
    );
}

use hipaa_stack::deploy::plan::TEMPLATE_OUTPUT;
use hipaa_stack::digest::sha256_hex;

/// Case 2, when the execution fails: the relaxed policy is restored all the same, and the
/// failure is reported.
#[tokio::test]
async fn a_relaxed_policy_is_restored_when_the_execution_fails() {
    let moto = Moto::start();
    let cfn = cfn(&moto).await;
    deployer(
        &moto,
        &production("e2e-records-1", "e2e-archive-1"),
        options(),
    )
    .await
    .up()
    .await
    .unwrap();
    let protected = stack_policy(&cfn, "prod").await;
    let failing = StackEvent {
        id: "failed-1".to_owned(),
        logical_id: "Records".to_owned(),
        status: "UPDATE_FAILED".to_owned(),
        reason: Some("injected: the bucket could not be replaced".to_owned()),
        ..StackEvent::default()
    };
    let replaced = production("e2e-records-2", "e2e-archive-1");
    let d = faulty(
        &moto,
        &replaced,
        Faults {
            fail_with_events: [("prod".to_owned(), vec![failing])].into(),
            ..Faults::default()
        },
        Options {
            allow_replace: vec!["prod/Records".to_owned()],
            ..options()
        },
    )
    .await;
    let err = d.up().await.unwrap_err();
    assert!(
        err.to_string().contains("the bucket could not be replaced"),
        "{err}"
    );
    assert_eq!(stack_policy(&cfn, "prod").await, protected);
    assert_relaxed_only_around_the_execution(&d.api().log());
}

use hipaa_stack::deploy::StackEvent;

/// The stack policy of `prod` was relaxed just before its execution and restored just after.
fn assert_relaxed_only_around_the_execution(log: &[String]) {
    let order: Vec<&str> = log
        .iter()
        .map(String::as_str)
        .filter(|l| l.starts_with("SetStackPolicy") || l.starts_with("ExecuteChangeSet"))
        .collect();
    assert_eq!(
        order,
        [
            "SetStackPolicy prod",
            "ExecuteChangeSet prod",
            "SetStackPolicy prod"
        ],
        "{log:?}"
    );
}

/// CloudFormation deletes a stack asynchronously (API reference, DeleteStack), so the first
/// DescribeStacks after the call may still give the status from before it: the
/// `ROLLBACK_COMPLETE` of a failed first create, the `REVIEW_IN_PROGRESS` of a stack an
/// interrupted run left under review. Neither is the deletion's end: `up` waits until the
/// deletion shows (its status, its events, or the stack gone) and creates the stack anew,
/// where it took the stale answer for a deletion that failed ("could not be deleted").
#[tokio::test]
async fn a_status_from_before_a_deletion_is_not_taken_for_its_end() {
    let moto = Moto::start();
    let client = cfn(&moto).await;
    let assembly = crate::deploy::two_stacks(false, &[]);
    let late = |stuck: Option<&str>| Faults {
        stuck: stuck
            .map(|s| [("shared".to_owned(), s.to_owned())].into())
            .unwrap_or_default(),
        not_deleted_polls: 3,
        ..Faults::default()
    };

    // A failed first create (made up: moto never rolls a create back).
    let d = faulty(&moto, &assembly, late(Some("ROLLBACK_COMPLETE")), options()).await;
    let deployed = d.up().await.unwrap();
    assert_eq!(deployed.len(), 2);
    let log = d.api().log();
    let deleted = log.iter().position(|l| l == "DeleteStack shared").unwrap();
    let stale = log[deleted..]
        .iter()
        .take_while(|l| *l != "CreateChangeSet shared")
        .filter(|l| *l == "DescribeStacks shared")
        .count();
    assert!(
        stale > 3,
        "the engine polled past the stale answers: {log:?}"
    );
    assert_eq!(
        status(&client, "shared").await.as_deref(),
        Some("CREATE_COMPLETE")
    );

    // An empty stack under review, left by a run stopped between create and execute.
    let cleared = crate::deploy::two_stacks(false, &["Extra"]);
    let fresh = Moto::start();
    let client = cfn(&fresh).await;
    let stopped = Faults {
        stop_after_creates: Some(0),
        ..Faults::default()
    };
    faulty(&fresh, &cleared, stopped, options())
        .await
        .up()
        .await
        .unwrap_err();
    assert_eq!(
        status(&client, "shared").await.as_deref(),
        Some("REVIEW_IN_PROGRESS")
    );
    let d = faulty(&fresh, &cleared, late(None), options()).await;
    let deployed = d.up().await.unwrap();
    assert_eq!(deployed.len(), 2);
    assert!(
        d.api().log().iter().any(|l| l == "DeleteStack shared"),
        "{:?}",
        d.api().log()
    );
    assert_eq!(
        status(&client, "shared").await.as_deref(),
        Some("CREATE_COMPLETE")
    );
}

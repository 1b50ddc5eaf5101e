//! The staging keys an app's name makes, and a change set not yet executable: hostile
//! review 25, against the local endpoint taught what S3 and CloudFormation refuse.

use hipaa_stack::Assembly;
use hipaa_stack::deploy::{DeployError, PlanState};
use hipaa_stack::prelude::*;

use crate::deploy::{deployer, faulty, options, s3, stack_exists, two_stacks};
use crate::faults::Faults;
use crate::moto::Moto;

const STAGING: &str = "hipaa-stack-staging-123456789012-us-east-1";

/// An app named `app` with a stack `stack` over 51,200 bytes of template, so that it goes
/// through the staging bucket. The stack has a description of its own: the default holds
/// the app's name, which can be longer than CloudFormation takes in a description.
fn big(app: &str, stack: &str) -> Assembly {
    let app = App::new(app);
    let big = app.stack(stack).unwrap().description("records");
    let key = big.add(KmsKey::new("PhiKey")).unwrap();
    let logs = big.add(AccessLogBucket::new("AccessLogs")).unwrap();
    for i in 0..25 {
        big.add(
            SecureBucket::new(format!("Records{i}"))
                .encryption(&key)
                .access_logs(&logs),
        )
        .unwrap();
    }
    let assembly = app.synth().unwrap();
    assert!(assembly.stack(stack).unwrap().needs_upload());
    assembly
}

/// Every key of the staging bucket.
async fn keys(moto: &Moto) -> Vec<String> {
    s3(moto)
        .await
        .list_objects_v2()
        .bucket(STAGING)
        .send()
        .await
        .unwrap()
        .contents()
        .iter()
        .filter_map(|o| o.key().map(str::to_owned))
        .collect()
}

/// S3 takes a key of at most 1,024 bytes of UTF-8 (`KeyTooLongError`, which the harness
/// answers as S3 does), and an app's name may be 256 letters of 4 bytes: the template's key
/// and the run lock's hold such a name as a digest, the same on every run, and the deploy
/// goes through. Before, the run lock's PutObject failed before any change.
#[tokio::test]
async fn an_app_name_of_1024_bytes_deploys_through_keys_s3_takes() {
    use aws_sdk_s3::error::ProvideErrorMetadata;
    let moto = Moto::start();
    let name = "𝔄".repeat(256);
    assert_eq!(name.len(), 1024);
    let assembly = big(&name, "big");
    let deployed = deployer(&moto, &assembly, options())
        .await
        .up()
        .await
        .unwrap();
    assert_eq!(deployed[0].state, PlanState::Create);
    let cfn = aws_sdk_cloudformation::Client::new(&moto.config().await);
    assert!(stack_exists(&cfn, "big").await);
    let found = keys(&moto).await;
    let template = found
        .iter()
        .find(|k| k.ends_with(".template.json"))
        .unwrap_or_else(|| panic!("{found:?}"));
    assert!(template.len() <= 1024, "{template}");
    assert!(template.contains("/big/"), "{template}");
    // The same key on a second run: the template is not uploaded again under another.
    deployer(&moto, &big(&name, "big"), options())
        .await
        .up()
        .await
        .unwrap();
    let again = keys(&moto).await;
    assert_eq!(
        again
            .iter()
            .filter(|k| k.ends_with(".template.json"))
            .count(),
        1,
        "{again:?}"
    );
    // The harness refuses a key over 1,024 bytes, as S3 does.
    let refused = s3(&moto)
        .await
        .put_object()
        .bucket(STAGING)
        .key(format!("{name}/big/x.template.json"))
        .body(Vec::from(&b"{}"[..]).into())
        .send()
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Some("KeyTooLongError"), "{refused:?}");
}

/// `.` and `..` are relative path elements: a URL client resolves them before the request
/// is sent (RFC 3986, section 5.2.4), so `../big/…` in a path-style request names another
/// bucket. An app named `.`, `..` or `a/..` deploys, its keys holding no such part.
#[tokio::test]
async fn app_names_of_dots_deploy_through_keys_without_dot_segments() {
    let moto = Moto::start();
    for (app, stack) in [("..", "big"), (".", "dot"), ("a/..", "climb")] {
        let assembly = big(app, stack);
        let deployed = deployer(&moto, &assembly, options())
            .await
            .up()
            .await
            .unwrap_or_else(|e| panic!("{app}: {e}"));
        assert_eq!(deployed[0].state, PlanState::Create, "{app}");
    }
    let found = keys(&moto).await;
    assert_eq!(
        found
            .iter()
            .filter(|k| k.ends_with(".template.json"))
            .count(),
        3,
        "{found:?}"
    );
    for key in &found {
        assert!(
            key.split('/')
                .all(|part| !part.is_empty() && !part.chars().all(|c| c == '.')),
            "{key}"
        );
    }
}

/// A change set `CREATE_COMPLETE` whose `ExecutionStatus` is still UNAVAILABLE (API
/// reference, DescribeChangeSet: "UNAVAILABLE state because CloudFormation is still
/// creating it") is refused by ExecuteChangeSet with `InvalidChangeSetStatus`: the engine
/// waits with its backoff and executes it once it is AVAILABLE. One that stays so is
/// reported not executed after `retry.attempts` tries, saying what UNAVAILABLE means.
#[tokio::test]
async fn a_change_set_unavailable_for_a_moment_is_waited_for_then_executed() {
    let executes = |log: Vec<String>, stack: &str| {
        log.iter()
            .filter(|l| *l == &format!("ExecuteChangeSet {stack}"))
            .count()
    };
    let moto = Moto::start();
    let assembly = two_stacks(false, &[]);
    let faults = Faults {
        unavailable_executes: 2,
        ..Faults::default()
    };
    let d = faulty(&moto, &assembly, faults, options()).await;
    let deployed = d.up().await.unwrap();
    assert!(deployed.iter().all(|p| p.state == PlanState::Create));
    assert_eq!(executes(d.api().log(), "shared"), 3);
    assert_eq!(executes(d.api().log(), "data"), 1);

    let moto = Moto::start();
    let faults = Faults {
        unavailable_executes: u32::MAX,
        ..Faults::default()
    };
    let d = faulty(&moto, &assembly, faults, options()).await;
    let err = d.up().await.unwrap_err();
    assert!(matches!(err, DeployError::NotExecuted { .. }), "{err}");
    let message = err.to_string();
    assert!(
        message.starts_with(
            "stack `shared`: its change set was not executed (execution status UNAVAILABLE"
        ) && message.contains("UNAVAILABLE means CloudFormation could not execute it yet")
            && message.contains("run `up` again"),
        "{message}"
    );
    assert_eq!(
        executes(d.api().log(), "shared"),
        options().retry.attempts as usize
    );
    assert_eq!(executes(d.api().log(), "data"), 0);
}

//! The staging keys an app's name makes, and a change set not yet executable: hostile
//! review 25, against the local endpoint taught what S3 and CloudFormation refuse.

use hipaa_stack::Assembly;
use hipaa_stack::deploy::PlanState;

use crate::deploy::{
    big_app, deployer, faulty, options, stack_exists, two_stacks, up_creating, up_not_executed,
};
use crate::faults::Faults;
use crate::moto::{Moto, STAGING};

/// An app named `app` with a stack `stack` of 25 buckets ([`big_app`]), over 51,200 bytes
/// of template, so that it goes through the staging bucket.
fn big(app: &str, stack: &str) -> Assembly {
    let assembly = big_app(app, stack, 25);
    assert!(assembly.stack(stack).unwrap().needs_upload());
    assembly
}

/// The templates' keys among `keys`.
fn templates(keys: &[String]) -> Vec<&str> {
    keys.iter()
        .map(String::as_str)
        .filter(|k| k.ends_with(".template.json"))
        .collect()
}

/// Faults that answer the first `n` ExecuteChangeSet calls `InvalidChangeSetStatus`, the
/// change set still UNAVAILABLE.
fn unavailable(n: u32) -> Faults {
    Faults {
        unavailable_executes: n,
        ..Faults::default()
    }
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
    up_creating(&moto, &big(&name, "big")).await;
    let cfn = aws_sdk_cloudformation::Client::new(&moto.config().await);
    assert!(stack_exists(&cfn, "big").await);
    let found = moto.staging_keys().await;
    let template = *templates(&found)
        .first()
        .unwrap_or_else(|| panic!("{found:?}"));
    assert!(template.len() <= 1024, "{template}");
    assert!(template.contains("/big/"), "{template}");
    // The same key on a second run: the template is not uploaded again under another.
    deployer(&moto, &big(&name, "big"), options())
        .await
        .up()
        .await
        .unwrap();
    let again = moto.staging_keys().await;
    assert_eq!(templates(&again).len(), 1, "{again:?}");
    // The harness refuses a key over 1,024 bytes, as S3 does.
    let refused = moto
        .s3()
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
        up_creating(&moto, &big(app, stack)).await;
    }
    let found = moto.staging_keys().await;
    assert_eq!(templates(&found).len(), 3, "{found:?}");
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
    let d = faulty(&moto, &assembly, unavailable(2), options()).await;
    let deployed = d.up().await.unwrap();
    assert!(deployed.iter().all(|p| p.state == PlanState::Create));
    assert_eq!(executes(d.api().log(), "shared"), 3);
    assert_eq!(executes(d.api().log(), "data"), 1);

    let moto = Moto::start();
    let d = faulty(&moto, &assembly, unavailable(u32::MAX), options()).await;
    let message = up_not_executed(&d).await;
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

//! Stacks in statuses that CloudFormation treats apart, against a real local endpoint (moto
//! server, one per test): what each command does with them. The fault seam stands in only
//! for what moto cannot do (drift detection, a stack that stays in progress).

use std::time::Duration;

use hipaa_stack::deploy::{CloudFormationApi, DeployError, Options, PlanState, ResourceDrift};

use crate::deploy::{deployer, failing_first_create, faulty, options, two_stacks};
use crate::faults::Faults;
use crate::moto::Moto;

/// Faults that answer drift detection (which moto lacks) with no drift.
fn detecting() -> Faults {
    Faults {
        drifts: Some(Vec::<ResourceDrift>::new()),
        ..Faults::default()
    }
}

#[tokio::test]
async fn a_failed_first_create_has_no_outputs_and_no_drift_to_detect() {
    let moto = Moto::start();
    let assembly = failing_first_create(&moto).await;
    let d = deployer(&moto, &assembly, options()).await;
    let err = d.up().await.unwrap_err();
    assert!(matches!(err, DeployError::AlreadyExists { .. }), "{err}");
    let left = d.api().describe_stack("logs").await.unwrap().unwrap();
    assert_eq!(left.status, "ROLLBACK_COMPLETE");

    // It holds nothing that a deploy made (only a deletion can be done on it): `outputs`
    // does not show it as deployed.
    let err = d.outputs().await.unwrap_err();
    assert!(matches!(err, DeployError::NotDeployed { .. }), "{err}");
    assert_eq!(err.to_string(), "`logs` is not deployed; run `up` first");

    // Nor does `drift` start a detection on it, which CloudFormation would refuse.
    let d = faulty(&moto, &assembly, detecting(), options()).await;
    let err = d.drift().await.unwrap_err();
    assert_eq!(err.to_string(), "`logs` is not deployed; run `up` first");
    let log = d.api().log();
    assert!(
        !log.iter().any(|l| l.starts_with("DetectStackDrift")),
        "{log:?}"
    );
}

#[tokio::test]
async fn drift_of_a_stack_an_operation_is_changing_is_refused_before_any_detection() {
    let moto = Moto::start();
    let assembly = two_stacks(false, &[]);
    deployer(&moto, &assembly, options())
        .await
        .up()
        .await
        .unwrap();
    let faults = Faults {
        stuck: [("data".to_owned(), "UPDATE_IN_PROGRESS".to_owned())].into(),
        ..detecting()
    };
    let d = faulty(&moto, &assembly, faults, options()).await;
    let err = d.drift().await.unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, DeployError::StackState { .. }), "{message}");
    assert!(
        message.starts_with("stack `data` is UPDATE_IN_PROGRESS; CloudFormation detects drift only on a stack that is CREATE_COMPLETE, UPDATE_COMPLETE, UPDATE_ROLLBACK_COMPLETE or UPDATE_ROLLBACK_FAILED"),
        "{message}"
    );
    assert!(
        message.ends_with("wait for it to finish (`up` waits for it), then run `drift` again"),
        "{message}"
    );
    // No detection started, not even on `shared`, which could have had one.
    let log = d.api().log();
    assert!(
        !log.iter().any(|l| l.starts_with("DetectStackDrift")),
        "{log:?}"
    );

    // Once the operation is over, the detection runs on both.
    let drifts = faulty(&moto, &assembly, detecting(), options())
        .await
        .drift()
        .await
        .unwrap();
    assert_eq!(drifts.len(), 2);
    assert!(drifts.iter().all(|d| d.status == "IN_SYNC"), "{drifts:?}");
}

/// Every stack of the endpoint that is not deleted, sorted: name and status.
pub(crate) async fn live_stacks(moto: &Moto) -> Vec<(String, String)> {
    let cfn = aws_sdk_cloudformation::Client::new(&moto.config().await);
    let listed = cfn.list_stacks().send().await.unwrap();
    let mut live: Vec<(String, String)> = listed
        .stack_summaries()
        .iter()
        .map(|s| {
            (
                s.stack_name().unwrap_or_default().to_owned(),
                s.stack_status()
                    .map(|st| st.as_str().to_owned())
                    .unwrap_or_default(),
            )
        })
        .filter(|(_, status)| status != "DELETE_COMPLETE")
        .collect();
    live.sort();
    live
}

#[tokio::test]
async fn a_first_deploy_plans_a_stack_again_only_once_its_empty_stack_is_gone() {
    let moto = Moto::start();
    let assembly = two_stacks(false, &[]);
    // `data` imports from `shared`: its first change set cannot be made before `shared`
    // exists, so the empty stack that change set made is deleted and `data` planned again
    // once `shared` is deployed. CloudFormation deletes asynchronously: for a few reads the
    // deleted stack still shows as it was (`REVIEW_IN_PROGRESS`).
    let faults = Faults {
        not_deleted_polls: 3,
        ..Faults::default()
    };
    let d = faulty(&moto, &assembly, faults, options()).await;
    let deployed = d
        .up()
        .await
        .unwrap_or_else(|e| panic!("{e}\n{:?}", d.api().log()));
    let names: Vec<&str> = deployed.iter().map(|p| p.stack.as_str()).collect();
    assert_eq!(names, ["shared", "data"]);
    assert_eq!(
        live_stacks(&moto).await,
        [
            ("data".to_owned(), "CREATE_COMPLETE".to_owned()),
            ("shared".to_owned(), "CREATE_COMPLETE".to_owned())
        ]
    );
    // One deletion of the empty stack, and `data` planned again by its name after it.
    let log = d.api().log();
    let deleted = log.iter().position(|l| l == "DeleteStack data");
    let planned = log.iter().rposition(|l| l == "CreateChangeSet data");
    assert!(
        matches!((deleted, planned), (Some(a), Some(b)) if a < b),
        "{log:?}"
    );
    // Its last change set creates a stack by its name, not one for the deleted stack's id.
    let requests = d.api().requests();
    let last = requests
        .iter()
        .rfind(|r| r.stack == "data" || r.stack.contains(":stack/data/"))
        .expect("a change set of `data`");
    assert_eq!((last.stack.as_str(), last.create), ("data", true));
}

#[tokio::test]
async fn a_stack_quota_reached_stops_the_run_before_anything_changes_saying_what_to_do() {
    // An account and region that hold their quota of stacks once `shared` is planned (its
    // change set makes an empty stack, which counts).
    let moto = Moto::start_with(&[("HIPAA_MOTO_STACK_QUOTA", "1")]);
    let assembly = two_stacks(false, &[]);
    let d = deployer(&moto, &assembly, options()).await;
    let err = d.up().await.unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, DeployError::QuotaReached { .. }), "{message}");
    assert!(
        message.starts_with("stack `data`: CreateChangeSet was refused: a CloudFormation quota of the account and region is reached ("),
        "{message}"
    );
    assert!(
        message.ends_with("or ask for a higher quota (Service Quotas, AWS CloudFormation), then run the command again"),
        "{message}"
    );
    // Refused while planning: `shared` was not deployed, and its empty stack is gone.
    assert_eq!(live_stacks(&moto).await, Vec::<(String, String)>::new());
    // Not retried: waiting does not lift a quota.
    assert_eq!(d.calls().by_operation().get("CreateChangeSet"), Some(&2));
}

/// `preview` of a stack stopped in a failed status that `up` does not plan past either: an
/// error that names the stack, its status and what to run, and no change set made (AWS
/// CloudFormation User Guide, "Stack status codes"). `up` continues an
/// `UPDATE_ROLLBACK_FAILED` rollback itself; `preview` changes nothing and says so.
#[tokio::test]
async fn preview_of_a_stack_stopped_failed_says_what_to_run_and_plans_nothing() {
    let moto = Moto::start();
    let assembly = two_stacks(false, &[]);
    for (status, what) in [
        (
            "UPDATE_ROLLBACK_FAILED",
            "run `up`, which continues the rollback",
        ),
        ("DELETE_FAILED", "run `destroy` to finish deleting it"),
        ("UPDATE_FAILED", "rollback-stack --stack-name shared"),
        ("CREATE_FAILED", "rollback-stack --stack-name shared"),
        (
            "IMPORT_ROLLBACK_FAILED",
            "describe-stack-events --stack-name shared",
        ),
    ] {
        let faults = Faults {
            stuck: [("shared".to_owned(), status.to_owned())].into(),
            ..Faults::default()
        };
        let d = faulty(&moto, &assembly, faults, options()).await;
        let err = d.preview().await.map(|_| ()).unwrap_err();
        let text = err.to_string();
        assert!(
            matches!(&err, DeployError::StackState { stack, status: s, .. } if stack == "shared" && s == status),
            "{status}: {text}"
        );
        assert!(
            text.starts_with(&format!("stack `shared` is {status}; ")) && text.contains(what),
            "{status}: {text}"
        );
        let log = d.api().log();
        assert!(
            !log.iter().any(|l| l.starts_with("CreateChangeSet")
                || l.starts_with("ContinueUpdateRollback")
                || l.starts_with("DeleteStack")),
            "{status}: {log:?}"
        );
    }
}

/// `preview` of a stack that an operation is changing waits for it as `up` does (here one
/// that never ends: the wait runs out, naming the stack), where it used to refuse at once;
/// a failed first create is planned as `up` would deploy it, deleted and created anew.
#[tokio::test]
async fn preview_waits_for_an_operation_under_way_and_plans_a_failed_first_create_anew() {
    let moto = Moto::start();
    let assembly = two_stacks(false, &[]);
    for status in [
        "UPDATE_IN_PROGRESS",
        "UPDATE_ROLLBACK_IN_PROGRESS",
        "ROLLBACK_IN_PROGRESS",
        "IMPORT_IN_PROGRESS",
        "IMPORT_ROLLBACK_IN_PROGRESS",
    ] {
        let faults = Faults {
            stuck: [("shared".to_owned(), status.to_owned())].into(),
            ..Faults::default()
        };
        let quick = Options {
            timeout: Duration::from_millis(300),
            ..options()
        };
        let d = faulty(&moto, &assembly, faults, quick).await;
        let err = d.preview().await.map(|_| ()).unwrap_err();
        assert!(
            matches!(&err, DeployError::Timeout { stack, status: s, .. } if stack == "shared" && s == status),
            "{status}: {err}"
        );
        let log = d.api().log();
        let polled = log.iter().filter(|l| *l == "DescribeStacks shared").count();
        assert!(polled > 1, "{status}: {log:?}");
        assert!(
            !log.iter().any(|l| l.starts_with("CreateChangeSet")),
            "{status}: {log:?}"
        );
    }

    let faults = Faults {
        stuck: [("shared".to_owned(), "ROLLBACK_COMPLETE".to_owned())].into(),
        ..Faults::default()
    };
    let d = faulty(&moto, &assembly, faults, options()).await;
    let plans = d.preview().await.unwrap();
    assert_eq!(plans[0].stack, "shared");
    assert_eq!(plans[0].state, PlanState::Recreate);
    // Nothing deleted: the failed stack stays for `up` to delete (only the empty stack that
    // the preview's change set of `data` made is).
    assert!(
        !d.api().log().iter().any(|l| l == "DeleteStack shared"),
        "{:?}",
        d.api().log()
    );
}

//! CloudFormation's own pace, against the local endpoint taught it (`hipaa_moto_pace.py`):
//! change sets that CloudFormation is still creating, which it refuses to delete, and stacks
//! that stay `DELETE_IN_PROGRESS` for several polls. moto does both within the call.

use std::time::Duration;

use hipaa_stack::deploy::{DeployError, PlanState};

use crate::deploy::{deployer, failing_first_create, faulty, options, two_stacks};
use crate::deploy_states::live_stacks;
use crate::faults::Faults;
use crate::moto::Moto;

async fn cfn(moto: &Moto) -> aws_sdk_cloudformation::Client {
    aws_sdk_cloudformation::Client::new(&moto.config().await)
}

/// The change sets of `stack` not executed: name and status.
async fn change_sets(moto: &Moto, stack: &str) -> Vec<(String, String)> {
    cfn(moto)
        .await
        .list_change_sets()
        .stack_name(stack)
        .send()
        .await
        .unwrap()
        .summaries()
        .iter()
        .filter(|c| c.execution_status().map(|s| s.as_str()) != Some("EXECUTE_COMPLETE"))
        .map(|c| {
            (
                c.change_set_name().unwrap_or_default().to_owned(),
                c.status()
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default(),
            )
        })
        .collect()
}

fn both_created() -> Vec<(String, String)> {
    vec![
        ("data".to_owned(), "CREATE_COMPLETE".to_owned()),
        ("shared".to_owned(), "CREATE_COMPLETE".to_owned()),
    ]
}

// ---- change sets being created ----------------------------------------------------------

/// A run stopped while CloudFormation is still creating its change set (Ctrl-C while the
/// engine waits for it) deletes that change set only once it is created: DeleteChangeSet of
/// a change set `CREATE_IN_PROGRESS` is refused (`InvalidChangeSetStatus`), and the old
/// engine, deleting at once, left it behind.
#[tokio::test]
async fn a_run_stopped_while_its_change_set_is_created_deletes_it_once_created() {
    let moto = Moto::start_with(&[("HIPAA_MOTO_CHANGE_SET_CREATE_POLLS", "3")]);
    let first = two_stacks(false, &[]);
    // Change sets that take a few polls to be created deploy as before.
    let deployed = deployer(&moto, &first, options()).await.up().await.unwrap();
    assert_eq!(deployed.len(), 2);

    let changed = two_stacks(false, &["Extra"]);
    let stopped = Faults {
        stop_at_describe_change_set: Some(0),
        ..Faults::default()
    };
    let d = faulty(&moto, &changed, stopped, options()).await;
    let err = d.up().await.unwrap_err();
    assert!(err.to_string().contains("stopped here"), "{err}");
    assert_eq!(
        change_sets(&moto, "data").await,
        Vec::<(String, String)>::new(),
        "{:?}",
        d.api().log()
    );
    // Read until created, then deleted: one DeleteChangeSet, after the reads.
    let log = d.api().log();
    let deletes: Vec<usize> = log
        .iter()
        .enumerate()
        .filter(|(_, l)| *l == "DeleteChangeSet data")
        .map(|(i, _)| i)
        .collect();
    assert_eq!(deletes.len(), 1, "{log:?}");
    let reads = log[..deletes[0]]
        .iter()
        .filter(|l| *l == "DescribeChangeSet data")
        .count();
    assert!(reads >= 3, "{log:?}");
    assert_eq!(live_stacks(&moto).await, both_created());
}

/// A change set still being created when the stopped run's wait ends is left alone (a
/// deletion would be refused), and the next run waits until it is created, deletes it and
/// deploys.
#[tokio::test]
async fn a_change_set_still_created_when_the_run_stops_is_deleted_by_the_next_run() {
    let moto = Moto::start_with(&[("HIPAA_MOTO_CHANGE_SET_CREATE_POLLS", "30")]);
    let first = two_stacks(false, &[]);
    deployer(&moto, &first, options()).await.up().await.unwrap();

    let changed = two_stacks(false, &["Extra"]);
    let stopped = Faults {
        stop_at_describe_change_set: Some(0),
        ..Faults::default()
    };
    let quick = hipaa_stack::deploy::Options {
        timeout: Duration::from_millis(300),
        ..options()
    };
    let d = faulty(&moto, &changed, stopped, quick).await;
    d.up().await.unwrap_err();
    let log = d.api().log();
    assert!(
        !log.iter().any(|l| l == "DeleteChangeSet data"),
        "deleted while being created: {log:?}"
    );
    let left = change_sets(&moto, "data").await;
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(left[0].1, "CREATE_IN_PROGRESS", "{left:?}");

    let d = faulty(&moto, &changed, Faults::default(), options()).await;
    let deployed = d
        .up()
        .await
        .unwrap_or_else(|e| panic!("{e}\n{:?}", d.api().log()));
    let data = deployed.iter().find(|p| p.stack == "data").unwrap();
    assert_eq!(data.state, PlanState::Update);
    // (The change set of the earlier run is read and deleted by its ARN alone.)
    assert!(
        d.api()
            .log()
            .iter()
            .any(|l| l.starts_with("DeleteChangeSet")),
        "{:?}",
        d.api().log()
    );
    // Executing the new change set removed every other one of the stack.
    assert_eq!(change_sets(&moto, "data").await.len(), 0);
}

// ---- stacks being deleted ---------------------------------------------------------------

/// The live stacks once `data` is gone.
fn shared_only() -> Vec<(String, String)> {
    vec![("shared".to_owned(), "CREATE_COMPLETE".to_owned())]
}

/// The live stacks while `data` is being deleted.
fn data_deleting() -> Vec<(String, String)> {
    vec![
        ("data".to_owned(), "DELETE_IN_PROGRESS".to_owned()),
        ("shared".to_owned(), "CREATE_COMPLETE".to_owned()),
    ]
}

/// `assembly` deployed, then `data` deleted by another client (another run, the console),
/// whose deletion the endpoint keeps in progress for as many polls as it was started with.
async fn deployed_then_data_deleted(moto: &Moto, assembly: &hipaa_stack::Assembly) {
    deployer(moto, assembly, options())
        .await
        .up()
        .await
        .unwrap();
    cfn(moto)
        .await
        .delete_stack()
        .stack_name("data")
        .send()
        .await
        .unwrap();
}

/// `data`'s first change set cannot be made before `shared` exists: the empty stack it made
/// is deleted, and `data` planned again only once that stack is gone (a CREATE change set of
/// that name is refused while it is `DELETE_IN_PROGRESS`).
#[tokio::test]
async fn a_first_deploy_plans_again_only_once_its_empty_stack_is_deleted() {
    let moto = Moto::start_with(&[("HIPAA_MOTO_DELETE_POLLS", "3")]);
    let assembly = two_stacks(false, &[]);
    let d = faulty(&moto, &assembly, Faults::default(), options()).await;
    let deployed = d
        .up()
        .await
        .unwrap_or_else(|e| panic!("{e}\n{:?}", d.api().log()));
    let names: Vec<&str> = deployed.iter().map(|p| p.stack.as_str()).collect();
    assert_eq!(names, ["shared", "data"]);
    let log = d.api().log();
    let deleted = log.iter().position(|l| l == "DeleteStack data").unwrap();
    let polled = log[deleted..]
        .iter()
        .take_while(|l| *l != "CreateChangeSet data")
        .filter(|l| *l == "DescribeStacks data")
        .count();
    assert!(polled > 3, "{log:?}");
    assert_eq!(live_stacks(&moto).await, both_created());
}

/// The empty stack that a run stopped between create and execute left under review is
/// deleted by the next `up`, which creates the stack only once the deletion is done.
#[tokio::test]
async fn an_empty_stack_left_under_review_is_created_anew_once_deleted() {
    let moto = Moto::start_with(&[("HIPAA_MOTO_DELETE_POLLS", "3")]);
    let assembly = two_stacks(false, &[]);
    let stopped = Faults {
        stop_after_creates: Some(0),
        ..Faults::default()
    };
    faulty(&moto, &assembly, stopped, options())
        .await
        .up()
        .await
        .unwrap_err();
    // The stopped run could not delete what it never heard of.
    assert_eq!(
        live_stacks(&moto).await,
        [("shared".to_owned(), "REVIEW_IN_PROGRESS".to_owned())]
    );
    let d = faulty(&moto, &assembly, Faults::default(), options()).await;
    d.up()
        .await
        .unwrap_or_else(|e| panic!("{e}\n{:?}", d.api().log()));
    assert!(
        d.api().log().iter().any(|l| l == "DeleteStack shared"),
        "{:?}",
        d.api().log()
    );
    assert_eq!(live_stacks(&moto).await, both_created());
}

/// `destroy` deletes `data` and waits until it is gone before deleting `shared`, whose
/// export `data` imports until its deletion is done (CloudFormation refuses to delete an
/// export in use).
#[tokio::test]
async fn destroy_waits_for_each_deletion_before_the_next_wave() {
    let moto = Moto::start_with(&[("HIPAA_MOTO_DELETE_POLLS", "3")]);
    let assembly = two_stacks(false, &[]);
    deployer(&moto, &assembly, options())
        .await
        .up()
        .await
        .unwrap();
    let d = faulty(&moto, &assembly, Faults::default(), options()).await;
    let destroyed = d
        .destroy()
        .await
        .unwrap_or_else(|e| panic!("{e}\n{:?}", d.api().log()));
    assert_eq!(destroyed.deleted, ["data", "shared"]);
    assert_eq!(live_stacks(&moto).await, Vec::<(String, String)>::new());
    let log = d.api().log();
    let data = log.iter().position(|l| l == "DeleteStack data").unwrap();
    let shared = log.iter().position(|l| l == "DeleteStack shared").unwrap();
    let polled = log[data..shared]
        .iter()
        .filter(|l| *l == "DescribeStacks data")
        .count();
    assert!(polled > 3, "{log:?}");
}

/// A failed first create (`ROLLBACK_COMPLETE`) is deleted, and the stack created anew only
/// once the deletion is done.
#[tokio::test]
async fn a_failed_first_create_is_created_anew_once_deleted() {
    let moto = Moto::start_with(&[("HIPAA_MOTO_DELETE_POLLS", "3")]);
    let assembly = failing_first_create(&moto).await;
    let err = deployer(&moto, &assembly, options())
        .await
        .up()
        .await
        .unwrap_err();
    assert!(matches!(err, DeployError::AlreadyExists { .. }), "{err}");
    assert_eq!(
        live_stacks(&moto).await,
        [("logs".to_owned(), "ROLLBACK_COMPLETE".to_owned())]
    );
    // What made it fail is gone: the log group kept outside any stack.
    aws_sdk_cloudwatchlogs::Client::new(&moto.config().await)
        .delete_log_group()
        .log_group_name("e2e-legacy-audit")
        .send()
        .await
        .unwrap();
    let d = faulty(&moto, &assembly, Faults::default(), options()).await;
    let deployed = d
        .up()
        .await
        .unwrap_or_else(|e| panic!("{e}\n{:?}", d.api().log()));
    assert_eq!(deployed[0].state, PlanState::Create);
    let log = d.api().log();
    let deleted = log.iter().position(|l| l == "DeleteStack logs").unwrap();
    let polled = log[deleted..]
        .iter()
        .take_while(|l| *l != "CreateChangeSet logs")
        .filter(|l| *l == "DescribeStacks logs")
        .count();
    assert!(polled > 3, "{log:?}");
    assert_eq!(
        live_stacks(&moto).await,
        [("logs".to_owned(), "CREATE_COMPLETE".to_owned())]
    );
}

// ---- preview of stacks being deleted ------------------------------------------------------

/// `preview` of a stack that another run (or the console) is deleting waits for the
/// deletion, as `up` does, and plans the stack as a new one (a CREATE change set), instead
/// of refusing it: CloudFormation answers `DELETE_IN_PROGRESS` while it deletes, and once the
/// deletion is done the stack no longer shows up by its name (API reference, DeleteStack and
/// DescribeStacks). The empty stack that the preview's change set made is gone afterwards.
#[tokio::test]
async fn preview_waits_for_a_stack_being_deleted_and_plans_it_as_a_new_stack() {
    let moto = Moto::start_with(&[("HIPAA_MOTO_DELETE_POLLS", "3")]);
    let assembly = two_stacks(false, &[]);
    deployed_then_data_deleted(&moto, &assembly).await;
    assert_eq!(live_stacks(&moto).await, data_deleting());

    let d = faulty(&moto, &assembly, Faults::default(), options()).await;
    let plans = d
        .preview()
        .await
        .unwrap_or_else(|e| panic!("{e}\n{:?}", d.api().log()));
    let states: Vec<(&str, &PlanState)> =
        plans.iter().map(|p| (p.stack.as_str(), &p.state)).collect();
    assert_eq!(
        states,
        [
            ("shared", &PlanState::Unchanged),
            ("data", &PlanState::Create)
        ]
    );
    // Polled until the deletion was done, then planned as a create of a stack by its name.
    let log = d.api().log();
    let polled = log
        .iter()
        .take_while(|l| *l != "CreateChangeSet data")
        .filter(|l| *l == "DescribeStacks data")
        .count();
    assert!(polled > 3, "{log:?}");
    let requests = d.api().requests();
    let last = requests
        .iter()
        .rfind(|r| r.stack == "data" || r.stack.contains(":stack/data/"))
        .expect("a change set of `data`");
    assert_eq!((last.stack.as_str(), last.create), ("data", true));
    // Nothing of the preview is left: no empty stack under review, no change set.
    assert_eq!(live_stacks(&moto).await, shared_only());

    // What it planned is what `up` does.
    let deployed = deployer(&moto, &assembly, options())
        .await
        .up()
        .await
        .unwrap();
    let data = deployed.iter().find(|p| p.stack == "data").unwrap();
    assert_eq!(data.state, PlanState::Create);
    assert_eq!(live_stacks(&moto).await, both_created());
}

/// `preview` right after a `destroy` that stopped waiting (its wait ran out while
/// CloudFormation went on deleting) waits for the deletion and plans the stack as new.
#[tokio::test]
async fn preview_after_an_interrupted_destroy_waits_and_plans_a_create() {
    // More polls than the destroy's 300 ms of waiting can make (its polls start at 20 ms and
    // grow by half each time).
    let moto = Moto::start_with(&[("HIPAA_MOTO_DELETE_POLLS", "12")]);
    let assembly = two_stacks(false, &[]);
    deployer(&moto, &assembly, options())
        .await
        .up()
        .await
        .unwrap();
    let quick = hipaa_stack::deploy::Options {
        timeout: Duration::from_millis(300),
        ..options()
    };
    let err = deployer(&moto, &assembly, quick)
        .await
        .destroy()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, DeployError::Timeout { stack, status, .. } if stack == "data" && status == "DELETE_IN_PROGRESS"),
        "{err}"
    );
    assert_eq!(live_stacks(&moto).await, data_deleting());

    let d = faulty(&moto, &assembly, Faults::default(), options()).await;
    let plans = d
        .preview()
        .await
        .unwrap_or_else(|e| panic!("{e}\n{:?}", d.api().log()));
    let data = plans.iter().find(|p| p.stack == "data").unwrap();
    assert_eq!(data.state, PlanState::Create);
    assert_eq!(live_stacks(&moto).await, shared_only());
}

/// A deletion that does not end within the run's timeout stops `preview` as it stops `up`:
/// a timeout naming the stack and its status, and no change set made for it.
#[tokio::test]
async fn preview_of_a_deletion_that_does_not_end_times_out_naming_the_stack() {
    // Far more polls than 300 ms of waiting can make (the first `up` waits for the empty
    // stack of `data`'s first change set to be deleted, within its 60 s).
    let moto = Moto::start_with(&[("HIPAA_MOTO_DELETE_POLLS", "40")]);
    let assembly = two_stacks(false, &[]);
    deployed_then_data_deleted(&moto, &assembly).await;
    let quick = hipaa_stack::deploy::Options {
        timeout: Duration::from_millis(300),
        ..options()
    };
    let d = faulty(&moto, &assembly, Faults::default(), quick).await;
    let err = d.preview().await.map(|_| ()).unwrap_err();
    assert!(
        matches!(&err, DeployError::Timeout { stack, status, .. } if stack == "data" && status == "DELETE_IN_PROGRESS"),
        "{err}"
    );
    assert!(
        err.to_string()
            .starts_with("stack `data` is still DELETE_IN_PROGRESS after"),
        "{err}"
    );
    let log = d.api().log();
    assert!(
        !log.iter().any(|l| l.starts_with("CreateChangeSet data")),
        "{log:?}"
    );
}

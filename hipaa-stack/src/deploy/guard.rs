//! Guards around the engine: which stacks this app owns, the change sets this run created and
//! has not executed (deleted when the run stops early), and a prompt that Ctrl-C interrupts.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::api::{CloudFormationApi, StackInfo};
use super::error::DeployError;

/// The tag that names the app a stack belongs to.
pub const APP_TAG: &str = "hipaa-stack:app";

/// Whether `app` may change or delete the stack `info` describes: its `hipaa-stack:app` tag
/// names the app, or the user named the stack in `--adopt`.
///
/// A stack left `REVIEW_IN_PROGRESS` without tags has no resources (a change set that was
/// never executed created it): there is nothing in it to take over, and it is planned as a
/// create.
pub fn check_owner(app: &str, info: &StackInfo, adopt: &[String]) -> Result<(), DeployError> {
    let owner = info.tags.get(APP_TAG);
    if owner.map(String::as_str) == Some(app) || adopt.contains(&info.name) {
        return Ok(());
    }
    if owner.is_none() && info.status == "REVIEW_IN_PROGRESS" && info.tags.is_empty() {
        return Ok(());
    }
    Err(DeployError::NotOurs {
        stack: info.name.clone(),
        app: app.to_owned(),
        owner: owner.cloned(),
    })
}

/// The change sets this run created and has neither executed nor deleted: ARN → the stack,
/// and whether the change set created that stack (empty, `REVIEW_IN_PROGRESS`).
#[derive(Debug, Default)]
pub struct Pending {
    sets: Mutex<BTreeMap<String, (String, bool)>>,
}

impl Pending {
    /// Records a change set just created; `new_stack` when no stack of that name existed.
    pub fn created(&self, stack: &str, arn: &str, new_stack: bool) {
        if let Ok(mut sets) = self.sets.lock() {
            sets.insert(arn.to_owned(), (stack.to_owned(), new_stack));
        }
    }

    /// Forgets a change set executed or deleted.
    pub fn done(&self, arn: &str) {
        if let Ok(mut sets) = self.sets.lock() {
            sets.remove(arn);
        }
    }

    /// Takes every change set still pending.
    pub fn take(&self) -> Vec<(String, (String, bool))> {
        self.sets
            .lock()
            .map(|mut s| std::mem::take(&mut *s).into_iter().collect())
            .unwrap_or_default()
    }
}

/// What [`discard`] did.
#[derive(Debug, Default)]
pub struct Discarded {
    /// What was deleted, one line per stack.
    pub deleted: Vec<String>,
    /// What could not be deleted, one line per change set: the stack, the change set, why,
    /// and how to remove it.
    pub left: Vec<String>,
}

/// How [`discard`] waits for a change set that CloudFormation is still creating: polls
/// from `poll`, growing to `max_poll`, for `bound` at most.
#[derive(Debug, Clone, Copy)]
pub struct Pace {
    /// The first interval between two reads.
    pub poll: Duration,
    /// The longest interval.
    pub max_poll: Duration,
    /// How long to wait in all, per change set.
    pub bound: Duration,
}

/// Whether a change set in `status` is still being created (API reference, ChangeSetSummary,
/// `Status`: `CREATE_PENDING`, `CREATE_IN_PROGRESS`): CloudFormation refuses to delete it
/// (DeleteChangeSet, "Errors": `InvalidChangeSetStatus`, "the change set status might be
/// CREATE_IN_PROGRESS").
pub fn being_created(status: &str) -> bool {
    matches!(status, "CREATE_PENDING" | "CREATE_IN_PROGRESS")
}

/// Where a change set stands once [`settled`] stopped waiting for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settled {
    /// Created (or failed, or gone): it can be deleted.
    Done,
    /// Still being created when the wait ended, in this status.
    Creating(String),
    /// A second Ctrl-C ended the wait.
    Stopped,
}

/// Waits, within `pace`, until CloudFormation has finished creating the change set `arn`
/// (a change set it is creating cannot be deleted). A change set that cannot be read (gone,
/// or the read refused) is taken as done: its deletion says the rest. A second Ctrl-C stops
/// the wait.
pub async fn settled<C: CloudFormationApi>(api: &C, arn: &str, pace: Pace) -> Settled {
    let start = Instant::now();
    let mut interval = pace.poll;
    loop {
        let read = tokio::select! {
            r = tokio::time::timeout(Duration::from_secs(30), api.describe_change_set(arn)) => r,
            _ = tokio::signal::ctrl_c() => return Settled::Stopped,
        };
        let status = match read {
            Ok(Ok(info)) if being_created(&info.status) => info.status,
            _ => return Settled::Done,
        };
        if start.elapsed() >= pace.bound {
            return Settled::Creating(status);
        }
        tokio::select! {
            () = tokio::time::sleep(interval.min(pace.bound.saturating_sub(start.elapsed()))) => {}
            _ = tokio::signal::ctrl_c() => return Settled::Stopped,
        }
        interval = interval.mul_f64(1.5).min(pace.max_poll);
    }
}

/// The line that says a change set of `stack` was left, why, and how to remove it.
fn left_behind(stack: &str, arn: &str, why: &str, new_stack: bool) -> String {
    let review = if new_stack {
        format!(
            ", then the empty stack it made (`aws cloudformation delete-stack --stack-name {stack}`)"
        )
    } else {
        String::new()
    };
    format!(
        "change set {arn} of stack `{stack}` ({why}); delete it once CloudFormation has created it (`aws cloudformation delete-change-set --change-set-name {arn}`){review}, or run the command again, which deletes it"
    )
}

/// Deletes the change sets a run created and never executed, and the empty stacks that
/// those change sets created (`REVIEW_IN_PROGRESS`, no resources; AWS keeps them until they
/// are deleted). A change set that CloudFormation is still creating cannot be deleted: it is
/// waited for first, within `pace`, and said left behind, with how to remove it, when it
/// is still being created then. Each call is bounded by 30 s, and a second Ctrl-C stops it.
pub async fn discard<'c, C: CloudFormationApi + 'c>(
    api_of: impl Fn(&str) -> &'c C,
    pending: &Pending,
    pace: Pace,
) -> Discarded {
    let mut out = Discarded::default();
    for (arn, (stack, new_stack)) in pending.take() {
        let api = api_of(&stack);
        let settled = settled(api, &arn, pace).await;
        let set_deleted = match &settled {
            Settled::Done => bounded(api.delete_change_set(&arn)).await,
            Settled::Creating(_) | Settled::Stopped => false,
        };
        // Only a stack still empty and waiting for review: never one that has resources.
        // Deleting it deletes its change sets too, so it is tried even when the change set
        // could not be deleted on its own.
        let empty = new_stack
            && settled != Settled::Stopped
            && matches!(
                api.describe_stack(&stack).await,
                Ok(Some(ref i)) if i.status == "REVIEW_IN_PROGRESS"
            );
        if empty && bounded(api.delete_stack(&stack, &[], "")).await {
            out.deleted.push(format!(
                "{stack} (its change set, and the empty stack the change set had created)"
            ));
        } else if set_deleted {
            out.deleted.push(format!("{stack} (its change set)"));
        } else {
            let why = match &settled {
                Settled::Creating(status) => format!(
                    "still {status} after {} s, and CloudFormation refuses to delete a change set it is creating",
                    pace.bound.as_secs()
                ),
                Settled::Stopped => "a second Ctrl-C stopped the wait for it".to_owned(),
                Settled::Done => "CloudFormation refused to delete it".to_owned(),
            };
            out.left
                .push(left_behind(&stack, &arn, &why, new_stack && !empty));
        }
    }
    out
}

/// Whether `f` succeeded within 30 s and before a Ctrl-C.
async fn bounded<E>(f: impl std::future::Future<Output = Result<(), E>>) -> bool {
    tokio::select! {
        r = tokio::time::timeout(std::time::Duration::from_secs(30), f) => matches!(r, Ok(Ok(()))),
        _ = tokio::signal::ctrl_c() => false,
    }
}

/// What a prompt got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// `y` or `yes`.
    Yes,
    /// Anything else, or end of input.
    No,
    /// Ctrl-C while waiting.
    Interrupted,
}

/// Asks `question? [y/N]` on standard error and reads the answer on a thread of its own, so
/// that Ctrl-C ends the wait at once (a blocking read on the runtime would hold the signal
/// until Enter). The reading thread is left behind on Ctrl-C; the process ends soon after.
pub async fn ask(question: &str) -> Answer {
    let mut err = std::io::stderr();
    let _ = write!(err, "{question}? [y/N] ");
    let _ = err.flush();
    let (tx, rx) = tokio::sync::oneshot::channel();
    let spawned = std::thread::Builder::new()
        .name("prompt".to_owned())
        .spawn(move || {
            let mut answer = String::new();
            let _ = std::io::stdin().lock().read_line(&mut answer);
            let _ = tx.send(answer);
        });
    if spawned.is_err() {
        return Answer::No;
    }
    tokio::select! {
        answer = rx => match answer {
            Ok(a) if matches!(a.trim(), "y" | "Y" | "yes") => Answer::Yes,
            _ => Answer::No,
        },
        _ = tokio::signal::ctrl_c() => {
            let _ = writeln!(std::io::stderr());
            Answer::Interrupted
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stack(tags: &[(&str, &str)], status: &str) -> StackInfo {
        StackInfo {
            name: "clinic-data".to_owned(),
            status: status.to_owned(),
            tags: tags
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            ..StackInfo::default()
        }
    }

    #[test]
    fn only_stacks_tagged_with_the_app_or_adopted_are_ours() {
        let ours = stack(&[(APP_TAG, "clinic")], "CREATE_COMPLETE");
        assert!(check_owner("clinic", &ours, &[]).is_ok());
        let other = stack(&[(APP_TAG, "billing")], "CREATE_COMPLETE");
        let err = check_owner("clinic", &other, &[]).unwrap_err().to_string();
        assert!(err.contains("tag is `billing`"), "{err}");
        assert!(err.contains("--adopt clinic-data"), "{err}");
        let untagged = stack(&[("team", "x")], "UPDATE_COMPLETE");
        let err = check_owner("clinic", &untagged, &[])
            .unwrap_err()
            .to_string();
        assert!(err.contains("has no `hipaa-stack:app` tag"), "{err}");
        assert!(check_owner("clinic", &untagged, &["clinic-data".to_owned()]).is_ok());
        assert!(check_owner("clinic", &other, &["clinic-other".to_owned()]).is_err());
        // An empty stack a change set created and nobody executed.
        assert!(check_owner("clinic", &stack(&[], "REVIEW_IN_PROGRESS"), &[]).is_ok());
    }

    #[test]
    fn a_change_set_left_behind_says_why_and_how_to_remove_it() {
        let line = left_behind(
            "clinic-data",
            "arn:cs",
            "still CREATE_IN_PROGRESS after 30 s, and CloudFormation refuses to delete a change set it is creating",
            true,
        );
        assert!(
            line.starts_with(
                "change set arn:cs of stack `clinic-data` (still CREATE_IN_PROGRESS after 30 s"
            ),
            "{line}"
        );
        assert!(
            line.contains("`aws cloudformation delete-change-set --change-set-name arn:cs`"),
            "{line}"
        );
        assert!(
            line.contains("`aws cloudformation delete-stack --stack-name clinic-data`"),
            "{line}"
        );
        assert!(
            line.ends_with("or run the command again, which deletes it"),
            "{line}"
        );
        assert!(!left_behind("s", "arn", "why", false).contains("delete-stack"));
        assert!(being_created("CREATE_PENDING") && being_created("CREATE_IN_PROGRESS"));
        assert!(!being_created("CREATE_COMPLETE") && !being_created("FAILED"));
    }

    #[test]
    fn pending_change_sets_are_taken_once() {
        let p = Pending::default();
        p.created("a", "arn:1", true);
        p.created("b", "arn:2", false);
        p.done("arn:1");
        assert_eq!(
            p.take(),
            vec![("arn:2".to_owned(), ("b".to_owned(), false))]
        );
        assert!(p.take().is_empty());
    }
}

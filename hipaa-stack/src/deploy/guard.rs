//! Guards around the engine: which stacks this app owns, the change sets this run created and
//! has not executed (deleted when the run stops early), and a prompt that Ctrl-C interrupts.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::sync::Mutex;

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
    /// What could not be deleted: stack and change set.
    pub left: Vec<String>,
}

/// Deletes the change sets a run created and never executed, and the empty stacks that
/// those change sets created (`REVIEW_IN_PROGRESS`, no resources; AWS keeps them until they
/// are deleted). Each call is bounded by 30 s, and a second Ctrl-C stops it.
pub async fn discard<'c, C: CloudFormationApi + 'c>(
    api_of: impl Fn(&str) -> &'c C,
    pending: &Pending,
) -> Discarded {
    let mut out = Discarded::default();
    for (arn, (stack, new_stack)) in pending.take() {
        let api = api_of(&stack);
        let set_deleted = bounded(api.delete_change_set(&arn)).await;
        // Only a stack still empty and waiting for review: never one that has resources.
        // Deleting it deletes its change sets too, so it is tried even when the change set
        // could not be deleted on its own.
        let empty = new_stack
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
            out.left.push(format!("{stack} ({arn})"));
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

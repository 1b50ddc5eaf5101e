//! The errors of the deploy engine: each names the stack and says what to do.

use std::time::Duration;

use super::api::{ApiError, ApiErrorKind};
use super::plan::Endangered;

impl std::error::Error for ApiError {}

/// What can go wrong while previewing, deploying or destroying.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DeployError {
    /// A call failed for good.
    #[error("stack `{stack}`: {operation} failed: {source}")]
    Api {
        /// The stack.
        stack: String,
        /// The API operation.
        operation: &'static str,
        /// What the service said.
        #[source]
        source: ApiError,
    },

    /// The endpoint cannot be reached.
    #[error(
        "cannot reach CloudFormation ({message}); check AWS_ENDPOINT_URL, AWS_REGION and the network"
    )]
    Unreachable {
        /// What the connection attempt said.
        message: String,
    },

    /// Credentials are missing or refused.
    #[error(
        "AWS did not accept the credentials ({message}); set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
    )]
    Credentials {
        /// What was said.
        message: String,
    },

    /// The endpoint does not implement something the command needs.
    #[error("{endpoint} does not implement {operation}, which `{command}` needs")]
    Unsupported {
        /// The endpoint.
        endpoint: String,
        /// The API operation.
        operation: &'static str,
        /// The command.
        command: &'static str,
    },

    /// No region is configured.
    #[error("no AWS region is configured; set AWS_REGION or the region of your profile")]
    NoRegion,

    /// A change set could not be created.
    #[error("stack `{stack}`: the change set failed: {reason}")]
    ChangeSetFailed {
        /// The stack.
        stack: String,
        /// CloudFormation's reason.
        reason: String,
    },

    /// The plan replaces or deletes stores of PHI.
    #[error(
        "refusing to replace or delete stores of PHI:\n{}\n{}; if the data is safe elsewhere, pass `--allow-replace STACK/ID` for each of them",
        .changes.iter().map(|c| format!("  - {c}")).collect::<Vec<_>>().join("\n"),
        if .changed.is_empty() { "nothing was changed".to_owned() } else { format!("already deployed in this run, before this stack could be planned: {}; nothing else was changed", .changed.join(", ")) }
    )]
    Endangered {
        /// The endangering changes.
        changes: Vec<Endangered>,
        /// The stacks this run had already deployed when the refusal came (a stack that
        /// could only be planned after them); empty when nothing was changed.
        changed: Vec<String>,
    },

    /// A stack ended in a failed state.
    #[error("stack `{stack}` ended {status}: {cause}; {next}")]
    StackFailed {
        /// The stack.
        stack: String,
        /// Its final status.
        status: String,
        /// The root cause: the resource, its construct and the reason.
        cause: String,
        /// What to do next.
        next: &'static str,
    },

    /// A stack is in a state the command cannot work from.
    #[error("stack `{stack}` is {status}; {hint}")]
    StackState {
        /// The stack.
        stack: String,
        /// Its status.
        status: String,
        /// What to do.
        hint: String,
    },

    /// A wait ran out of time.
    #[error(
        "stack `{stack}` is still {status} after {}s; CloudFormation goes on: run the command again to keep waiting, or look at the stack's events",
        .waited.as_secs()
    )]
    Timeout {
        /// The stack.
        stack: String,
        /// Its status then.
        status: String,
        /// How long the tool waited.
        waited: Duration,
    },

    /// Ctrl-C.
    #[error(
        "interrupted; the tool keeps no state of its own, and CloudFormation goes on with {}: run the same command again to pick up where the stacks stand",
        if .in_flight.is_empty() { "nothing".to_owned() } else { .in_flight.join(", ") }
    )]
    Interrupted {
        /// The stacks that were changing, with their last status.
        in_flight: Vec<String>,
    },

    /// A confirmation was needed and nobody could give it.
    #[error("{action} needs a confirmation and standard input is not a terminal; pass --yes")]
    NotInteractive {
        /// What needed confirming.
        action: String,
    },

    /// The user said no.
    #[error("{action}: declined, nothing was changed")]
    Declined {
        /// What was declined.
        action: String,
    },

    /// A stack to destroy exports a value that another stack still imports.
    #[error(
        "stack `{stack}` exports `{export}`, which {} still import(s); destroy or change them first",
        .importers.join(", ")
    )]
    StillImported {
        /// The stack.
        stack: String,
        /// The export.
        export: String,
        /// The importing stacks outside the app.
        importers: Vec<String>,
    },

    /// A production stack cannot be destroyed until its termination protection is removed.
    #[error(
        "stack `{stack}` has termination protection (a production stack); turn it off deliberately, e.g. `aws cloudformation update-termination-protection --no-enable-termination-protection --stack-name {stack}`, before destroying it"
    )]
    TerminationProtected {
        /// The stack.
        stack: String,
    },

    /// Several stacks failed.
    #[error(
        "{} stacks failed:\n{}",
        .errors.len(),
        .errors.iter().map(|e| format!("  - {e}")).collect::<Vec<_>>().join("\n")
    )]
    Several {
        /// Each failure.
        errors: Vec<DeployError>,
    },
}

impl DeployError {
    /// The error for a failed call on `stack`.
    pub(crate) fn api(stack: &str, operation: &'static str, source: ApiError) -> Self {
        match source.kind {
            ApiErrorKind::Unreachable => DeployError::Unreachable {
                message: source.message,
            },
            ApiErrorKind::Credentials => DeployError::Credentials {
                message: source.to_string(),
            },
            _ => DeployError::Api {
                stack: stack.to_owned(),
                operation,
                source,
            },
        }
    }

    /// One error for several.
    pub(crate) fn combine(mut errors: Vec<DeployError>) -> Option<DeployError> {
        match errors.len() {
            0 => None,
            1 => errors.pop(),
            _ => Some(DeployError::Several { errors }),
        }
    }
}

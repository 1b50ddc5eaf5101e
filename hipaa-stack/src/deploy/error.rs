//! The errors of the deploy engine: each names the stack and says what to do.

use std::time::Duration;

use super::api::{ApiError, ApiErrorKind, is_clock_skew, is_not_aws_refusal};
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

    /// The endpoint cannot be reached, or accepted the connection and never answered.
    #[error("{message}; check AWS_ENDPOINT_URL, AWS_REGION and the network")]
    Unreachable {
        /// What the connection attempt said, naming the endpoint.
        message: String,
    },

    /// No credentials were found, or AWS does not recognise them (invalid, expired), or
    /// refused a request for the time it was signed at (`clock_skew`: a clock of this
    /// machine more than 15 minutes off AWS's, after the attempt signed with AWS's time).
    #[error("{}", credentials_message(.stack.as_deref(), .operation, .message, *.clock_skew))]
    Credentials {
        /// What was said.
        message: String,
        /// The stack (or staging bucket) the call was about, when there was one.
        stack: Option<String>,
        /// The operation refused, when known.
        operation: Option<&'static str>,
        /// Whether AWS refused the request for its signing time.
        clock_skew: bool,
    },

    /// The credentials work but lack a permission.
    #[error(
        "{}: the credentials are not allowed to call {action} ({message}); grant `{action}` to the role or user that deploys",
        match (.stack, .bucket) { (Some(s), _) => format!("stack `{s}`"), (None, Some(b)) => format!("staging bucket `{b}`"), (None, None) => "AWS".to_owned() }
    )]
    AccessDenied {
        /// The stack, when the call was about one.
        stack: Option<String>,
        /// The staging bucket, when the call was about it.
        bucket: Option<String>,
        /// The IAM action, `cloudformation:CreateChangeSet`, `s3:PutObject`, ….
        action: String,
        /// What AWS said.
        message: String,
    },

    /// The endpoint kept throttling or failing with server errors, retries included.
    #[error(
        "stack `{stack}`: {operation} failed: the endpoint is {} ({source}); run the command again later",
        if *.throttled { "throttling" } else { "failing" }
    )]
    EndpointFailing {
        /// The stack.
        stack: String,
        /// The API operation.
        operation: &'static str,
        /// Whether it was throttling rather than server errors.
        throttled: bool,
        /// The last error, with its HTTP status.
        #[source]
        source: ApiError,
    },

    /// A stack of that name exists but belongs to no app or to another one.
    #[error(
        "stack `{stack}` exists but is not part of app `{app}` ({}); it was left untouched. If this app should manage it, pass `--adopt {stack}`",
        match .owner { Some(o) => format!("its `hipaa-stack:app` tag is `{o}`"), None => "it has no `hipaa-stack:app` tag".to_owned() }
    )]
    NotOurs {
        /// The stack.
        stack: String,
        /// This app.
        app: String,
        /// The app its tag names, if any.
        owner: Option<String>,
    },

    /// The staging bucket exists but cannot be trusted, and was not used.
    #[error(
        "the staging bucket `{bucket}` was not used: {}; {hint}",
        .reasons.join("; ")
    )]
    StagingRefused {
        /// The bucket.
        bucket: String,
        /// What is wrong with it.
        reasons: Vec<String>,
        /// What to do.
        hint: String,
    },

    /// A call on the staging bucket failed for good.
    #[error("staging bucket `{bucket}`: {operation} failed: {source}")]
    Staging {
        /// The bucket.
        bucket: String,
        /// The S3 operation.
        operation: &'static str,
        /// What S3 said.
        #[source]
        source: ApiError,
    },

    /// The environment to work on is not clear: the app declares several and `--env` names
    /// none, or `--env` names one the app lacks.
    #[error("app `{app}`: {detail}")]
    Environment {
        /// The app.
        app: String,
        /// What is wrong and what to do.
        detail: String,
    },

    /// The assembly was not cleared by the rules: it comes from `App::check` of an app that
    /// breaks a rule, from `App::check_on` of another day than today, or from a check
    /// before the last midnight (hostile review 35). Nothing was changed.
    #[error("app `{app}`: the assembly is not {action}, nothing was changed: {reason}")]
    Uncleared {
        /// The app.
        app: String,
        /// What was refused: "deployed" (`up`) or "previewed" (`preview`).
        action: &'static str,
        /// Why, and what to do.
        reason: String,
    },

    /// The credentials belong to another account than the environment declares.
    #[error(
        "environment `{environment}` deploys to account {declared}, but the credentials are of account {actual}; nothing was changed. Use the credentials of account {declared} (AWS_PROFILE), or choose the environment of account {actual} with `--env`"
    )]
    WrongAccount {
        /// The environment.
        environment: String,
        /// The account it declares.
        declared: String,
        /// The account of the credentials (`GetCallerIdentity`).
        actual: String,
    },

    /// Another run of the tool works on the same app.
    #[error(
        "another run is working on app `{app}`: {detail}; nothing was changed, run the command again when it has finished"
    )]
    Busy {
        /// The app.
        app: String,
        /// What shows it.
        detail: String,
    },

    /// The run lock this run held was taken over by another run (or deleted) after its hold
    /// expired, as when a run waits at a prompt longer than the hold: this run stops before
    /// its next change.
    #[error("the run lock of app `{app}` is no longer this run's: {detail}")]
    LockLost {
        /// The app.
        app: String,
        /// What happened to the lock, and what to do.
        detail: String,
    },

    /// `outputs` or `drift` on stacks that are not deployed.
    #[error(
        "{} {} not deployed; run `up` first",
        .stacks.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", "),
        if .stacks.len() == 1 { "is" } else { "are" }
    )]
    NotDeployed {
        /// The stacks.
        stacks: Vec<String>,
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

    /// The configured region cannot be a region: AWS names its regions as `us-east-1`, and
    /// the SDK makes the endpoint's address from the name.
    #[error(
        "the configured AWS region `{region}` is not a region name; nothing was sent. Set AWS_REGION or the region of your profile to a region such as us-east-1"
    )]
    BadRegion {
        /// The region as configured.
        region: String,
    },

    /// The configured region is named like a region but belongs to no AWS partition that
    /// this version knows (the SDK's partition table in `src/partition.rs`): its ARNs and
    /// its endpoints' DNS suffix would be guessed, and a guess of `aws` makes ARNs that the
    /// region's services refuse.
    #[error(
        "the configured AWS region `{region}` belongs to no AWS partition that hipaa-stack knows ({known}); nothing was sent. Check AWS_REGION or the region of your profile; a region of a partition added since needs a newer hipaa-stack"
    )]
    UnknownPartition {
        /// The region as configured.
        region: String,
        /// The partitions known, comma-separated.
        known: String,
    },

    /// A client given to the engine for one region sends its calls to another: the stacks
    /// of that region would be made (or the staging bucket, the default groups, the log
    /// groups read) in the other.
    #[error(
        "the {service} client given for region {region} sends its calls to {sends_to}; make each region's clients from a configuration of that region (`Connection::in_region`), as the command line does"
    )]
    ClientInAnotherRegion {
        /// The service of the client (`CloudFormation`, `S3`, `EC2`, …).
        service: &'static str,
        /// The region the client was given for.
        region: String,
        /// The region it calls.
        sends_to: String,
    },

    /// A change set could not be created.
    #[error("stack `{stack}`: the change set failed: {reason}")]
    ChangeSetFailed {
        /// The stack.
        stack: String,
        /// CloudFormation's reason.
        reason: String,
    },

    /// The stack's tags differ from the program's, and CloudFormation found nothing to
    /// change: the tags were not applied.
    #[error(
        "stack `{stack}`: its tags differ from the program's ({tags}), and CloudFormation made a change set without changes, so the tags were not applied; CloudFormation takes stack tags only with a change, which this endpoint did not see: set them with `aws cloudformation update-stack --stack-name {stack} --use-previous-template --tags ...` (with the stack's parameters and capabilities), or deploy a change to the stack, then run `up` again"
    )]
    TagsNotApplied {
        /// The stack.
        stack: String,
        /// The tags that differ, as `key: deployed -> wanted`.
        tags: String,
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

    /// A template that CloudFormation would refuse, over one of its quotas per template once
    /// the engine has added what it adds (its hash, the exports other stacks still import).
    #[error(
        "stack `{stack}`: {actual} {what}, over CloudFormation's quota of {limit} per template; nothing was changed. {fix}"
    )]
    OverQuota {
        /// The stack.
        stack: String,
        /// What is counted.
        what: String,
        /// How many there would be.
        actual: usize,
        /// CloudFormation's quota.
        limit: usize,
        /// What to do.
        fix: String,
    },

    /// An export name that another stack of the region already exports: CloudFormation
    /// would roll the stack back.
    #[error(
        "stack `{stack}` would export `{export}`, which stack `{owner}` already exports in this region (export names are unique per account and region); nothing was changed. Remove that export from `{owner}` or delete `{owner}`, or deploy this app under other stack names (an environment's prefix)"
    )]
    ExportTaken {
        /// The stack.
        stack: String,
        /// The export name.
        export: String,
        /// The stack that exports it.
        owner: String,
    },

    /// A named resource that CloudFormation could not create because a resource of that
    /// name exists outside the stack (a store kept when an earlier stack was destroyed); the
    /// stack was rolled back.
    #[error(
        "stack `{stack}` was rolled back: {resource} could not be created: {reason} A {resource_type} of that name exists outside the stack, as a store kept when an earlier stack was destroyed does. `up` does not adopt it by itself: an import keeps the resource's own settings, not the template's (encryption, retention, policies), and the resource may not be this app's. Delete it once its data is safe elsewhere, or import it into the stack yourself (a CloudFormation resource import) and run `drift`; then run `up` again"
    )]
    AlreadyExists {
        /// The stack.
        stack: String,
        /// The resource: its logical id and construct path.
        resource: String,
        /// The CloudFormation type.
        resource_type: String,
        /// CloudFormation's reason.
        reason: String,
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

    /// A change set that could not be executed: nothing of the plan ran.
    #[error(
        "stack `{stack}`: its change set was not executed (execution status {execution_status}; {cause}), so nothing of this plan ran; {}: run `up` again, which plans anew and waits for an operation in progress",
        not_executed_meaning(.execution_status)
    )]
    NotExecuted {
        /// The stack.
        stack: String,
        /// The change set's execution status (`OBSOLETE`, `UNAVAILABLE`, `AVAILABLE`, …).
        execution_status: String,
        /// What ExecuteChangeSet answered.
        cause: String,
    },

    /// An instance or instance group would launch an image with a volume unencrypted: its
    /// encrypted mapping is not at the image's root device, its root device is instance
    /// store, or it maps other volumes from unencrypted snapshots (rule E1). Nothing was
    /// changed.
    #[error(
        "stack `{stack}`: construct `{construct}` launches the image {image}, and {problem}; nothing was changed (HIPAA §164.312(a)(2)(iv)). {fix}"
    )]
    ImageRefused {
        /// The stack.
        stack: String,
        /// The construct's path.
        construct: String,
        /// The image: its id, or the parameter that names it.
        image: String,
        /// What is wrong with the image, naming its `RootDeviceName` and the construct's
        /// mapping, or the volumes.
        problem: String,
        /// What to do.
        fix: &'static str,
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
        "interrupted{}{}; the tool keeps no state of its own, and CloudFormation goes on with {}: run the same command again to pick up where the stacks stand",
        if .discarded.is_empty() { String::new() } else { format!("; deleted what it had prepared and not executed: {}", .discarded.join(", ")) },
        if .left.is_empty() { String::new() } else { format!("; left behind: {}", .left.join("; ")) },
        if .in_flight.is_empty() { "nothing".to_owned() } else { .in_flight.join(", ") }
    )]
    Interrupted {
        /// The stacks that were changing, with their last status.
        in_flight: Vec<String>,
        /// The stacks whose unexecuted change sets were deleted.
        discarded: Vec<String>,
        /// Change sets that could not be deleted: stack, ARN, why, and how to remove them.
        left: Vec<String>,
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

    /// CloudFormation refused a call because a quota of the account and region is reached
    /// (`LimitExceededException`: "The quota for the resource has already been reached";
    /// API reference, CreateChangeSet, "Errors"), such as the number of stacks (User Guide,
    /// "Understand CloudFormation quotas", which counts a stack left `REVIEW_IN_PROGRESS`).
    /// Waiting does not lift it, so the call is not retried.
    #[error(
        "stack `{stack}`: {operation} was refused: a CloudFormation quota of the account and region is reached ({message}); the call changed nothing. Delete the stacks no longer used (a stack left REVIEW_IN_PROGRESS counts too: `aws cloudformation list-stacks --stack-status-filter REVIEW_IN_PROGRESS`), or ask for a higher quota (Service Quotas, AWS CloudFormation), then run the command again"
    )]
    QuotaReached {
        /// The stack.
        stack: String,
        /// The API operation.
        operation: &'static str,
        /// What CloudFormation said.
        message: String,
    },

    /// A production stack cannot be destroyed until its termination protection is removed.
    #[error(
        "stack `{stack}` has termination protection (a production stack); turn it off deliberately, e.g. `aws cloudformation update-termination-protection --no-enable-termination-protection --stack-name {stack}`, before destroying it"
    )]
    TerminationProtected {
        /// The stack.
        stack: String,
    },

    /// Several stacks failed; failures with the same cause are listed once, naming the stacks.
    #[error("{} stacks failed:\n{}", .errors.len(), grouped(.errors))]
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
            // A page that is not AWS's refused the request (a proxy, a web site): where the
            // requests go is wrong, not the stack nor the credentials.
            _ if is_not_aws_refusal(&source) => DeployError::Unreachable {
                message: format!(
                    "{}: {operation} was refused by something that is not AWS ({}): a proxy between this machine and AWS (HTTPS_PROXY, NO_PROXY, a proxy that wants its own login), or an AWS_ENDPOINT_URL that points at a web site (an S3 website endpoint serves pages, not the API); check the proxy settings",
                    if stack.is_empty() {
                        "AWS".to_owned()
                    } else {
                        format!("stack `{stack}`")
                    },
                    source.message
                ),
            },
            ApiErrorKind::Credentials => DeployError::Credentials {
                stack: (!stack.is_empty()).then(|| stack.to_owned()),
                operation: Some(operation),
                clock_skew: is_clock_skew(&source),
                message: source.to_string(),
            },
            ApiErrorKind::Denied => DeployError::AccessDenied {
                stack: Some(stack.to_owned()),
                bucket: None,
                action: action(operation),
                message: source.to_string(),
            },
            ApiErrorKind::Throttled | ApiErrorKind::Transient => DeployError::EndpointFailing {
                stack: stack.to_owned(),
                operation,
                throttled: source.kind == ApiErrorKind::Throttled,
                source,
            },
            _ => DeployError::Api {
                stack: stack.to_owned(),
                operation,
                source,
            },
        }
    }

    /// An error of a step that follows a deploy (`step`: "rule E14's step", …): the stack
    /// is deployed, and the next `up` retries the step even when the template is unchanged,
    /// which the error says. Errors that say what to do already (an unreachable endpoint,
    /// credentials, a throttling endpoint, a stack's state with its hint) are kept.
    pub(crate) fn after_deploy(self, step: &str) -> Self {
        let retry = format!(
            "run `up` again: it retries {step} after the deploy, even when the template is unchanged"
        );
        match self {
            DeployError::Api {
                stack,
                operation,
                source,
            } => DeployError::StackState {
                stack,
                status: format!("deployed, but {step} stopped: {operation} failed: {source}"),
                hint: retry,
            },
            DeployError::AccessDenied {
                stack,
                bucket,
                action,
                message,
            } => DeployError::AccessDenied {
                stack,
                bucket,
                action,
                message: format!(
                    "{message}; the stack is deployed, but {step} stopped: once it is granted, {retry}"
                ),
            },
            DeployError::Several { errors } => DeployError::Several {
                errors: errors.into_iter().map(|e| e.after_deploy(step)).collect(),
            },
            other => other,
        }
    }

    /// One error for several; the same error (an unreachable endpoint, missing credentials)
    /// reported by several stacks counts once.
    pub(crate) fn combine(errors: Vec<DeployError>) -> Option<DeployError> {
        let mut seen = std::collections::BTreeSet::new();
        let mut errors: Vec<DeployError> = errors
            .into_iter()
            .filter(|e| seen.insert(same_cause(&e.to_string())))
            .collect();
        match errors.len() {
            0 => None,
            1 => errors.pop(),
            _ => Some(DeployError::Several { errors }),
        }
    }

    /// The stack an error is about, when it is about one.
    pub fn stack(&self) -> Option<&str> {
        match self {
            DeployError::AccessDenied { stack, .. } => stack.as_deref(),
            DeployError::Api { stack, .. }
            | DeployError::EndpointFailing { stack, .. }
            | DeployError::NotOurs { stack, .. }
            | DeployError::ChangeSetFailed { stack, .. }
            | DeployError::TagsNotApplied { stack, .. }
            | DeployError::StackFailed { stack, .. }
            | DeployError::OverQuota { stack, .. }
            | DeployError::ExportTaken { stack, .. }
            | DeployError::AlreadyExists { stack, .. }
            | DeployError::StackState { stack, .. }
            | DeployError::ImageRefused { stack, .. }
            | DeployError::NotExecuted { stack, .. }
            | DeployError::Timeout { stack, .. }
            | DeployError::StillImported { stack, .. }
            | DeployError::QuotaReached { stack, .. }
            | DeployError::TerminationProtected { stack } => Some(stack),
            _ => None,
        }
    }
}

/// The IAM action of an API operation.
/// The message of [`DeployError::Credentials`]: a refusal for the signing time says to set
/// the clock right (AWS refuses a request signed more than 15 minutes from its own time:
/// common errors, `RequestExpired`), naming the stack and the operation; other refusals say
/// how to give credentials.
fn credentials_message(
    stack: Option<&str>,
    operation: &Option<&'static str>,
    message: &str,
    clock_skew: bool,
) -> String {
    let about = match (stack, operation) {
        (Some(s), Some(op)) => format!("stack `{s}`: {op} was refused: "),
        (None, Some(op)) => format!("{op} was refused: "),
        (Some(s), None) => format!("stack `{s}`: "),
        (None, None) => String::new(),
    };
    if clock_skew {
        format!(
            "{about}AWS refused the request for the time it was signed at ({message}); the clock of this machine is more than 15 minutes off AWS's time: set it right (turn on network time: `timedatectl set-ntp true` on Linux), or, if it is right, check the credentials (AWS_PROFILE), then run the command again"
        )
    } else {
        // Credentials are the run's, not a stack's: said as they always were.
        format!(
            "no usable AWS credentials ({message}); set AWS_PROFILE (after `aws sso login` for an SSO profile), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
        )
    }
}

pub(crate) fn action(operation: &str) -> String {
    let service = if operation == "GetCallerIdentity" {
        "sts"
    } else if operation.contains("SecurityGroup")
        || operation.contains("Image")
        || operation.contains("EbsEncryption")
    {
        // EC2's calls: the default groups (rule E14) and the images of instances (E1).
        "ec2"
    } else if operation.contains("LogGroup")
        || operation == "AssociateKmsKey"
        || operation == "PutRetentionPolicy"
    {
        // CloudWatch Logs' calls: the databases' log groups (rule L4).
        "logs"
    } else if operation.starts_with("DescribeDB") {
        "rds"
    } else if operation.contains("Bucket")
        || operation.contains("Object")
        || operation.contains("PublicAccessBlock")
    {
        "s3"
    } else {
        "cloudformation"
    };
    format!("{service}:{operation}")
}

/// An error's text without what differs between two reports of the same cause: the count
/// and time of the attempts, `(8 attempts in 21 s)`.
fn same_cause(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(" attempts in ") {
        let open = rest[..at].rfind(" (");
        let close = rest[at..].find(" s)").map(|c| at + c + 3);
        match (open, close) {
            (Some(o), Some(c)) if rest[o + 2..at].chars().all(|ch| ch.is_ascii_digit()) => {
                out.push_str(&rest[..o]);
                rest = &rest[c..];
            }
            _ => {
                out.push_str(&rest[..at + 1]);
                rest = &rest[at + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Errors as lines, those with the same cause once, naming their stacks.
fn grouped(errors: &[DeployError]) -> String {
    let mut groups: Vec<(String, String, Vec<&str>)> = Vec::new();
    for e in errors {
        let text = e.to_string();
        let (cause, stack) = match e.stack() {
            Some(stack) => (text.replace(&format!("`{stack}`"), "\u{0}"), Some(stack)),
            None => (text, None),
        };
        let key = same_cause(&cause);
        match groups.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, _, stacks)) => stacks.extend(stack),
            None => groups.push((key, cause, stack.into_iter().collect())),
        }
    }
    groups
        .into_iter()
        .map(|(_, cause, stacks)| {
            let names = stacks
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let line = if stacks.len() > 1 {
                cause
                    .replacen("stack \u{0}", &format!("stacks {names}"), 1)
                    .replacen('\u{0}', &names, 1)
                    .replace('\u{0}', "each")
            } else {
                cause.replace('\u{0}', &names)
            };
            format!("  - {line}")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

impl From<DeployError> for crate::Error {
    fn from(error: DeployError) -> Self {
        crate::Error::Deploy(Box::new(error))
    }
}

/// What a change set's execution status says when ExecuteChangeSet refused it (API
/// reference, DescribeChangeSet, `ExecutionStatus`: "UNAVAILABLE state because
/// CloudFormation is still creating it or in an OBSOLETE state because the stack was
/// already updated").
fn not_executed_meaning(execution_status: &str) -> &'static str {
    if execution_status == "UNAVAILABLE" {
        "UNAVAILABLE means CloudFormation could not execute it yet (it was still making it), and it stayed so through every retry of this run"
    } else {
        "a change set is OBSOLETE when another operation changed the stack after this run planned it"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn denied(stack: &str) -> DeployError {
        DeployError::api(
            stack,
            "CreateChangeSet",
            ApiError {
                kind: ApiErrorKind::Denied,
                code: Some("AccessDenied".to_owned()),
                message: "User is not authorized".to_owned(),
            },
        )
    }

    #[test]
    fn the_same_cause_in_several_stacks_is_one_line_naming_them() {
        let other = DeployError::ChangeSetFailed {
            stack: "c".to_owned(),
            reason: "bad".to_owned(),
        };
        let err = DeployError::combine(vec![denied("a"), denied("b"), other]).unwrap();
        let text = err.to_string();
        assert_eq!(text.lines().count(), 3, "{text}");
        assert!(
            text.contains("stacks `a`, `b`: the credentials are not allowed to call cloudformation:CreateChangeSet"),
            "{text}"
        );
        assert!(
            text.contains("stack `c`: the change set failed: bad"),
            "{text}"
        );
    }

    #[test]
    fn retries_that_took_different_times_are_the_same_cause() {
        let failing = |stack: &str, secs: u32| {
            DeployError::api(
                stack,
                "DescribeStacks",
                ApiError {
                    kind: ApiErrorKind::Transient,
                    code: None,
                    message: format!("HTTP 503 (8 attempts in {secs} s)"),
                },
            )
        };
        let err = DeployError::combine(vec![failing("a", 20), failing("b", 21)]).unwrap();
        let text = err.to_string();
        assert_eq!(
            text,
            "2 stacks failed:\n  - stacks `a`, `b`: DescribeStacks failed: the endpoint is failing (HTTP 503 (8 attempts in 20 s)); run the command again later"
        );
        assert_eq!(same_cause("x (12 attempts in 3 s) y"), "x y");
        assert_eq!(same_cause("no (attempts in) here"), "no (attempts in) here");
    }

    #[test]
    fn one_unreachable_endpoint_is_one_error() {
        let unreachable = || DeployError::Unreachable {
            message: "cannot connect to http://127.0.0.1:9".to_owned(),
        };
        let err = DeployError::combine(vec![unreachable(), unreachable()]).unwrap();
        assert!(matches!(err, DeployError::Unreachable { .. }), "{err}");
    }

    #[test]
    fn actions_name_their_service() {
        assert_eq!(action("PutBucketPolicy"), "s3:PutBucketPolicy");
        assert_eq!(action("PutObject"), "s3:PutObject");
        assert_eq!(action("PutPublicAccessBlock"), "s3:PutPublicAccessBlock");
        assert_eq!(action("GetCallerIdentity"), "sts:GetCallerIdentity");
        assert_eq!(action("DescribeImages"), "ec2:DescribeImages");
        assert_eq!(
            action("GetEbsEncryptionByDefault"),
            "ec2:GetEbsEncryptionByDefault"
        );
        assert_eq!(
            action("RevokeSecurityGroupIngress"),
            "ec2:RevokeSecurityGroupIngress"
        );
        assert_eq!(action("AssociateKmsKey"), "logs:AssociateKmsKey");
        assert_eq!(action("DescribeLogGroups"), "logs:DescribeLogGroups");
        assert_eq!(action("PutRetentionPolicy"), "logs:PutRetentionPolicy");
        assert_eq!(action("DescribeDBInstances"), "rds:DescribeDBInstances");
        assert_eq!(
            action("DescribeStackEvents"),
            "cloudformation:DescribeStackEvents"
        );
        assert_eq!(action("DescribeStacks"), "cloudformation:DescribeStacks");
        assert_eq!(action("CreateChangeSet"), "cloudformation:CreateChangeSet");
    }
}

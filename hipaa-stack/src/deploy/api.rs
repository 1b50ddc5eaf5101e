//! The seam between the engine and CloudFormation: a small trait with the calls the engine
//! makes, in the engine's own terms, implemented by [`SdkApi`] over `aws-sdk-cloudformation`.
//!
//! Tests wrap it to inject what a local endpoint cannot produce (throttling, server errors,
//! latency, failed resources); the engine never knows the difference.

use std::collections::BTreeMap;
use std::future::Future;

use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_cloudformation::types::{Capability, ChangeSetType, Parameter, Tag, TemplateStage};

/// What went wrong with one call, classified for retrying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// How to treat it.
    pub kind: ApiErrorKind,
    /// The service's error code, if any (`ValidationError`, `Throttling`, …).
    pub code: Option<String>,
    /// The message.
    pub message: String,
}

/// Whether CloudFormation answered that the change set does not exist (`ChangeSetNotFound`,
/// HTTP 404; API reference, DescribeChangeSet, "Errors").
pub fn is_change_set_not_found(e: &ApiError) -> bool {
    matches!(
        e.code.as_deref(),
        Some("ChangeSetNotFound" | "ChangeSetNotFoundException")
    )
}

/// How the engine treats an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiErrorKind {
    /// Too many requests: retry with a longer backoff.
    Throttled,
    /// A server error or a timeout: retry.
    Transient,
    /// The endpoint cannot be reached (connection refused, DNS): retry briefly, then stop.
    Unreachable,
    /// Credentials are missing, invalid or expired.
    Credentials,
    /// The credentials are valid but lack a permission (`AccessDenied`): the message names
    /// the action.
    Denied,
    /// The endpoint does not implement the operation (a local emulator, a partition).
    Unsupported,
    /// The request itself is wrong: do not retry.
    Client,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.code {
            Some(code) => write!(f, "{code}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl ApiError {
    /// A client error with a code and message.
    pub fn client(code: &str, message: impl Into<String>) -> Self {
        ApiError {
            kind: ApiErrorKind::Client,
            code: Some(code.to_owned()),
            message: message.into(),
        }
    }

    /// Whether the message says that the stack does not exist.
    pub fn is_missing_stack(&self) -> bool {
        self.kind == ApiErrorKind::Client && self.message.contains("does not exist")
    }
}

/// A stack as CloudFormation describes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StackInfo {
    /// The name.
    pub name: String,
    /// The stack id (an ARN).
    pub id: String,
    /// `CREATE_COMPLETE`, `UPDATE_ROLLBACK_FAILED`, …
    pub status: String,
    /// Why it is in that status.
    pub status_reason: Option<String>,
    /// Outputs: key, value, export name.
    pub outputs: Vec<(String, String, Option<String>)>,
    /// Parameters as deployed: key, value (values of stacks in other regions).
    pub parameters: BTreeMap<String, String>,
    /// Tags.
    pub tags: BTreeMap<String, String>,
    /// Whether termination protection is on.
    pub termination_protection: bool,
    /// When it was last created or updated, RFC 3339.
    pub updated_at: Option<String>,
}

/// Where a change set's template comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateSource {
    /// Sent in the request (up to 51,200 bytes).
    Body(String),
    /// Uploaded to S3 first.
    Url(String),
}

/// A request for a change set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeSetRequest {
    /// The stack.
    pub stack: String,
    /// The change set's name.
    pub name: String,
    /// Whether it creates the stack.
    pub create: bool,
    /// The template.
    pub template: TemplateSource,
    /// `CAPABILITY_IAM`, `CAPABILITY_NAMED_IAM`, `CAPABILITY_AUTO_EXPAND`, only as needed.
    pub capabilities: Vec<String>,
    /// Makes a retried request idempotent: CloudFormation answers a repeat with the first
    /// request's change set instead of refusing a second one of the same name.
    pub client_token: String,
    /// The stack's tags.
    pub tags: BTreeMap<String, String>,
    /// Template parameters: values of stacks in other regions, read from their outputs.
    pub parameters: BTreeMap<String, String>,
    /// A description.
    pub description: String,
}

/// What `CreateChangeSet` returned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreatedChangeSet {
    /// The change set's id (an ARN).
    pub id: String,
    /// The id of the stack it belongs to (an ARN), which the engine follows from then on.
    pub stack_id: String,
}

/// A change set of a stack, as listed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeSetSummary {
    /// Its name.
    pub name: String,
    /// Its id (an ARN).
    pub id: String,
    /// `CREATE_COMPLETE`, `FAILED`, …
    pub status: String,
    /// `AVAILABLE`, `EXECUTE_IN_PROGRESS`, …
    pub execution_status: String,
}

/// The most pages any paged call reads: a bound, so that an endpoint that keeps answering
/// with a next token cannot keep the engine reading forever.
pub const MAX_PAGES: usize = 200;

fn next_page(
    token: Option<&str>,
    pages: usize,
    operation: &str,
) -> Result<Option<String>, ApiError> {
    match token {
        Some(next) if !next.is_empty() => {
            if pages >= MAX_PAGES {
                Err(ApiError::client(
                    "TooManyPages",
                    format!(
                        "{operation} answered with more than {MAX_PAGES} pages; stopped reading"
                    ),
                ))
            } else {
                Ok(Some(next.to_owned()))
            }
        }
        _ => Ok(None),
    }
}

/// The status of a change set read in pages, from the status so far and a next page's:
/// every page repeats it, and the changes are whole only when every page was read from a
/// change set already `CREATE_COMPLETE` (API reference, DescribeChangeSet: `Changes` are
/// given while the status is `CREATE_COMPLETE`). A page that says it is still being made
/// makes the whole read so (the engine reads it again, every page); another status on a
/// later page (deleted meanwhile, `FAILED`) wins over `CREATE_COMPLETE`, so no decision is
/// taken on a list of changes that may lack some.
pub(crate) fn merged_status(so_far: &str, page: &str) -> String {
    let making = |s: &str| matches!(s, "CREATE_PENDING" | "CREATE_IN_PROGRESS");
    if so_far == page || making(so_far) {
        so_far.to_owned()
    } else if making(page) || so_far == "CREATE_COMPLETE" {
        page.to_owned()
    } else {
        so_far.to_owned()
    }
}

/// One resource change of a change set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResourceChange {
    /// `Add`, `Modify`, `Remove`, `Import`, `Dynamic`.
    pub action: String,
    /// The logical id.
    pub logical_id: String,
    /// The physical id, for existing resources.
    pub physical_id: Option<String>,
    /// The CloudFormation type.
    pub resource_type: String,
    /// `True`, `False` or `Conditional`, for modifications.
    pub replacement: Option<String>,
    /// What changes, property by property.
    pub details: Vec<ChangeDetail>,
}

/// One detail of a resource change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeDetail {
    /// `Properties`, `Metadata`, `Tags`, …
    pub attribute: String,
    /// The property name, for property changes.
    pub name: Option<String>,
    /// `Never`, `Conditionally`, `Always`.
    pub requires_recreation: Option<String>,
    /// `ResourceReference`, `DirectModification`, …
    pub change_source: Option<String>,
    /// The resource or parameter whose change causes this one.
    pub causing_entity: Option<String>,
}

/// A change set as described.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeSetInfo {
    /// `CREATE_PENDING`, `CREATE_COMPLETE`, `FAILED`, …
    pub status: String,
    /// Why, when it failed.
    pub status_reason: Option<String>,
    /// `AVAILABLE`, `EXECUTE_IN_PROGRESS`, `EXECUTE_COMPLETE`, …
    pub execution_status: Option<String>,
    /// The changes, every page.
    pub changes: Vec<ResourceChange>,
}

/// One stack event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StackEvent {
    /// The event id.
    pub id: String,
    /// When, RFC 3339.
    pub timestamp: String,
    /// The logical id (the stack name for stack events).
    pub logical_id: String,
    /// The CloudFormation type.
    pub resource_type: String,
    /// `CREATE_FAILED`, …
    pub status: String,
    /// Why.
    pub reason: Option<String>,
}

/// A resource of a deployed stack.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StackResource {
    /// The logical id.
    pub logical_id: String,
    /// The physical id.
    pub physical_id: Option<String>,
    /// The CloudFormation type.
    pub resource_type: String,
}

/// What drift detection found for one resource.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResourceDrift {
    /// The logical id.
    pub logical_id: String,
    /// The CloudFormation type.
    pub resource_type: String,
    /// `IN_SYNC`, `MODIFIED`, `DELETED`, `NOT_CHECKED`.
    pub status: String,
    /// The properties that differ: path, expected, actual.
    pub differences: Vec<(String, String, String)>,
}

/// The calls the engine makes to CloudFormation.
pub trait CloudFormationApi: Send + Sync {
    /// Where the calls go, for messages.
    fn endpoint(&self) -> String {
        "CloudFormation".to_owned()
    }
    /// The region the client sends its calls to, when it knows it: the engine refuses to
    /// start a command with a client given for one region ([`super::Regional::region`])
    /// that calls another, since its stacks would be made there.
    fn region(&self) -> Option<String> {
        None
    }
    /// The stack, or `None` when there is none of that name.
    fn describe_stack(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<Option<StackInfo>, ApiError>> + Send;
    /// Creates a change set and returns its id and its stack's id.
    fn create_change_set(
        &self,
        request: &ChangeSetRequest,
    ) -> impl Future<Output = Result<CreatedChangeSet, ApiError>> + Send;
    /// The change sets of a stack, every page.
    fn list_change_sets(
        &self,
        stack: &str,
    ) -> impl Future<Output = Result<Vec<ChangeSetSummary>, ApiError>> + Send;
    /// Describes a change set, every page of changes.
    fn describe_change_set(
        &self,
        arn: &str,
    ) -> impl Future<Output = Result<ChangeSetInfo, ApiError>> + Send;
    /// Executes a change set.
    fn execute_change_set(&self, arn: &str) -> impl Future<Output = Result<(), ApiError>> + Send;
    /// Deletes a change set.
    fn delete_change_set(&self, arn: &str) -> impl Future<Output = Result<(), ApiError>> + Send;
    /// The stack's events, newest first, every page (up to [`MAX_PAGES`]).
    fn stack_events(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<Vec<StackEvent>, ApiError>> + Send;
    /// The stack's events newer than the event `until` (all when `None`), newest first:
    /// reads pages only until it meets that event.
    fn stack_events_since(
        &self,
        name: &str,
        until: Option<&str>,
    ) -> impl Future<Output = Result<Vec<StackEvent>, ApiError>> + Send {
        let until = until.map(str::to_owned);
        async move {
            let events = self.stack_events(name).await?;
            Ok(match until {
                Some(until) => events.into_iter().take_while(|e| e.id != until).collect(),
                None => events,
            })
        }
    }
    /// The id of the stack's newest event (one page): a mark, so that the events of an
    /// operation can later be read back without reading the stack's whole history.
    fn latest_event(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<Option<String>, ApiError>> + Send {
        async move { Ok(self.stack_events(name).await?.first().map(|e| e.id.clone())) }
    }
    /// The stack's resources (`ListStackResources`, every page).
    fn stack_resources(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<Vec<StackResource>, ApiError>> + Send;
    /// The template the stack runs, as CloudFormation holds it (`GetTemplate`, stage
    /// `Processed`: "the template after CloudFormation has processed all transforms", the
    /// same as `Original` for a template without transforms; API reference, GetTemplate).
    /// Its `DeletionPolicy` attributes, not the program's, decide what a deletion keeps. An
    /// endpoint that cannot answer says so with [`ApiErrorKind::Unsupported`].
    fn deployed_template(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<String, ApiError>> + Send {
        let _ = name;
        async move {
            Err(ApiError {
                kind: ApiErrorKind::Unsupported,
                code: None,
                message: format!("{} cannot read a stack's template", self.endpoint()),
            })
        }
    }
    /// Deletes the stack, keeping `retain` (only for a stack in `DELETE_FAILED`). `token`
    /// (`ClientRequestToken`; empty for none) is the same for every attempt of one deletion
    /// and differs between deletions: API reference, DeleteStack, `ClientRequestToken`: "A
    /// unique identifier for this DeleteStack request. Specify this token if you plan to
    /// retry requests so that CloudFormation knows that you're not attempting to delete a
    /// stack with the same name. You might retry DeleteStack requests to ensure that
    /// CloudFormation successfully received them." Without it, a retry after an answer that
    /// was lost meets a stack no longer in `DELETE_FAILED`, and `RetainResources` ("For
    /// stacks in the DELETE_FAILED state") is refused.
    fn delete_stack(
        &self,
        name: &str,
        retain: &[String],
        token: &str,
    ) -> impl Future<Output = Result<(), ApiError>> + Send;
    /// Continues a rollback that failed. `token` (`ClientRequestToken`) is the same for
    /// every attempt of one continuation: API reference, ContinueUpdateRollback,
    /// `ClientRequestToken`: "Specify this token if you plan to retry requests so that
    /// CloudFormation knows that you're not attempting to continue the rollback to a stack
    /// with the same name. You might retry ContinueUpdateRollback requests to ensure that
    /// CloudFormation successfully received them" (a retry without it, after an answer that
    /// was lost, meets a stack already rolling back and is refused).
    fn continue_update_rollback(
        &self,
        name: &str,
        token: &str,
    ) -> impl Future<Output = Result<(), ApiError>> + Send;
    /// Turns termination protection on or off.
    fn set_termination_protection(
        &self,
        name: &str,
        enabled: bool,
    ) -> impl Future<Output = Result<(), ApiError>> + Send;
    /// Sets the stack policy.
    fn set_stack_policy(
        &self,
        name: &str,
        policy: &str,
    ) -> impl Future<Output = Result<(), ApiError>> + Send;
    /// The stack policy the stack has (`GetStackPolicy`), `None` when it has none: API
    /// reference, GetStackPolicy: "Returns the stack policy for a specified stack. If a stack
    /// doesn't have a policy, a null value is returned." An endpoint that cannot answer says
    /// so with [`ApiErrorKind::Unsupported`].
    fn stack_policy(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<Option<String>, ApiError>> + Send {
        let _ = name;
        async move {
            Err(ApiError {
                kind: ApiErrorKind::Unsupported,
                code: None,
                message: format!("{} cannot read a stack's policy", self.endpoint()),
            })
        }
    }
    /// The stacks that import an export.
    fn list_imports(
        &self,
        export: &str,
    ) -> impl Future<Output = Result<Vec<String>, ApiError>> + Send;
    /// Every export of the region (`ListExports`, every page): its name and the id of the
    /// stack that exports it.
    fn list_exports(&self) -> impl Future<Output = Result<Vec<(String, String)>, ApiError>> + Send;
    /// Starts drift detection and returns its id.
    fn detect_drift(&self, name: &str) -> impl Future<Output = Result<String, ApiError>> + Send;
    /// The status of a drift detection: `DETECTION_IN_PROGRESS`, `DETECTION_COMPLETE`, …
    fn drift_detection_status(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<(String, Option<String>), ApiError>> + Send;
    /// What drift detection found, per resource.
    fn resource_drifts(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<Vec<ResourceDrift>, ApiError>> + Send;
}

/// [`CloudFormationApi`] over `aws-sdk-cloudformation`.
#[derive(Debug, Clone)]
pub struct SdkApi {
    client: Client,
    endpoint: String,
}

impl SdkApi {
    /// Wraps a client; `endpoint` names where it goes, for error messages.
    pub fn new(client: Client, endpoint: impl Into<String>) -> Self {
        SdkApi {
            client,
            endpoint: endpoint.into(),
        }
    }

    fn error<E>(&self, err: SdkError<E, HttpResponse>) -> ApiError
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        classify(err, &self.endpoint)
    }
}

/// The raw HTTP response of every AWS SDK client.
pub(crate) type HttpResponse = aws_sdk_cloudformation::config::http::HttpResponse;

/// Classifies an SDK error for retrying and for the message the user sees.
pub(crate) fn classify<E>(err: SdkError<E, HttpResponse>, endpoint: &str) -> ApiError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let chain = source_chain(&err);
    match &err {
        // Credentials are resolved while the request is dispatched: none found is no
        // network problem.
        SdkError::DispatchFailure(_)
            if chain.contains("no credentials") || chain.contains("credential provider") =>
        {
            ApiError {
                kind: ApiErrorKind::Credentials,
                code: None,
                message: chain,
            }
        }
        SdkError::DispatchFailure(failure) => ApiError {
            kind: ApiErrorKind::Unreachable,
            code: None,
            message: if failure.is_timeout() && chain.contains("read timeout") {
                format!("{endpoint} accepted the connection but did not answer in time: {chain}")
            } else if failure.is_timeout() {
                format!("{endpoint} did not accept a connection in time: {chain}")
            } else {
                format!("cannot connect to {endpoint}: {chain}")
            },
        },
        SdkError::TimeoutError(_) => ApiError {
            kind: ApiErrorKind::Unreachable,
            code: None,
            message: format!("{endpoint} accepted the request but did not answer in time"),
        },
        SdkError::ConstructionFailure(_) => ApiError {
            kind: if chain.contains("credentials") || chain.contains("identity") {
                ApiErrorKind::Credentials
            } else {
                ApiErrorKind::Client
            },
            code: None,
            message: chain,
        },
        SdkError::ResponseError(response)
            if refusal_status(response.raw().status().as_u16())
                && !body_excerpt(response.raw()).is_empty() =>
        {
            not_aws_refusal(endpoint, response.raw())
        }
        SdkError::ResponseError(response) => {
            let status = response.raw().status().as_u16();
            ApiError {
                kind: status_kind(status).unwrap_or(ApiErrorKind::Transient),
                code: None,
                message: format!(
                    "{endpoint} answered HTTP {status} with something that is not an AWS response{}",
                    body_excerpt(response.raw())
                ),
            }
        }
        SdkError::ServiceError(service) => {
            let e = service.err();
            let code = e.code().map(str::to_owned);
            let status = service.raw().status().as_u16();
            let unreadable = code.is_none() && e.message().is_none_or(|m| m.contains("parsing"));
            if unreadable && refusal_status(status) && !body_excerpt(service.raw()).is_empty() {
                return not_aws_refusal(endpoint, service.raw());
            }
            let kind = match code.as_deref() {
                Some(c) if THROTTLING_CODES.contains(&c) => ApiErrorKind::Throttled,
                Some(c) if CREDENTIAL_CODES.contains(&c) => ApiErrorKind::Credentials,
                // A refusal for the signing time under a permission's code: see
                // `names_signing_time`.
                Some(c)
                    if DENIED_CODES.contains(&c) && e.message().is_some_and(names_signing_time) =>
                {
                    ApiErrorKind::Credentials
                }
                Some(c) if DENIED_CODES.contains(&c) => ApiErrorKind::Denied,
                Some(c) if TRANSIENT_CODES.contains(&c) => ApiErrorKind::Transient,
                // AWS answers a 500 with an AWS error document; a bare 500 page comes from an
                // emulator that does not implement the operation. A proxy in trouble answers
                // 502/503/504 with a page of its own: that is retried like any 5xx.
                _ if unreadable && status == 500 => ApiErrorKind::Unsupported,
                _ => match status_kind(status) {
                    Some(kind) => kind,
                    None if unreadable => ApiErrorKind::Unsupported,
                    None => ApiErrorKind::Client,
                },
            };
            let message = match e.message() {
                _ if unreadable => format!(
                    "{endpoint} answered HTTP {status} without an AWS error{}",
                    body_excerpt(service.raw())
                ),
                // Throttling and server errors show their HTTP status.
                Some(m) if matches!(kind, ApiErrorKind::Throttled | ApiErrorKind::Transient) => {
                    format!("HTTP {status}: {m}")
                }
                Some(m) => m.to_owned(),
                None => chain,
            };
            ApiError {
                kind,
                code,
                message,
            }
        }
        _ => ApiError {
            kind: ApiErrorKind::Transient,
            code: None,
            message: chain,
        },
    }
}

/// The error codes that mean "too many requests", whatever the HTTP status (CloudFormation
/// answers `Throttling` with HTTP 400, EC2 `RequestLimitExceeded` with 503, S3 `SlowDown`):
/// the AWS SDKs' standard retry mode's list (AWS SDKs and Tools Reference Guide, "Retry
/// behavior"; `aws-runtime`, `retries::classifiers::THROTTLING_ERRORS`), less
/// `LimitExceededException`, which CloudFormation and CloudWatch Logs answer for a quota that
/// waiting does not lift ("The quota for the resource has already been reached").
/// The engine turns the SDK's own retries off, so an error code missing here is not retried.
pub(crate) const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// The error codes of a request that may pass when sent again: the SDKs' transient errors
/// (`RequestTimeout`, HTTP 400 from S3; `RequestTimeoutException`, 408), the server errors of
/// the common errors (`InternalFailure`, `ServiceUnavailable`) and of EC2 (`InternalError`,
/// `Unavailable`; API reference, "Error codes for the Amazon EC2 API", server errors), and
/// `OperationAbortedException`: CloudWatch Logs, "Multiple concurrent requests to update the
/// same resource were in conflict" (PutRetentionPolicy, AssociateKmsKey, CreateLogGroup), and
/// S3, "A conflicting conditional operation is currently in progress against this resource.
/// Try again." (HTTP 409), both HTTP 4xx.
pub(crate) const TRANSIENT_CODES: &[&str] = &[
    "RequestTimeout",
    "RequestTimeoutException",
    "InternalFailure",
    "InternalError",
    "InternalServerError",
    "ServiceUnavailable",
    "ServiceUnavailableException",
    "Unavailable",
    "OperationAbortedException",
];

/// The error codes that say the request's credentials or signature are not accepted (common
/// errors of every AWS API: `ExpiredTokenException`, `IncompleteSignature`,
/// `InvalidClientTokenId`, `MissingAuthenticationToken`, `RequestExpired`; EC2: `AuthFailure`,
/// "The provided credentials could not be validated"; S3: `ExpiredToken`, `InvalidToken`,
/// `TokenRefreshRequired`, `InvalidAccessKeyId`, `SignatureDoesNotMatch`,
/// `RequestTimeTooSkewed`; JSON services such as CloudWatch Logs: `InvalidSignatureException`,
/// `UnrecognizedClientException`).
pub(crate) const CREDENTIAL_CODES: &[&str] = &[
    "InvalidClientTokenId",
    "ExpiredToken",
    "ExpiredTokenException",
    "UnrecognizedClientException",
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "IncompleteSignature",
    "MissingAuthenticationToken",
    "MissingAuthenticationTokenException",
    "InvalidSignatureException",
    "AuthFailure",
    "InvalidToken",
    "TokenRefreshRequired",
    "RequestExpired",
    "RequestInTheFuture",
    "RequestTimeTooSkewed",
];

/// The error codes of valid credentials that lack a permission (common errors:
/// `AccessDeniedException`, `NotAuthorized`; EC2: `UnauthorizedOperation`; S3 and the query
/// APIs: `AccessDenied`).
pub(crate) const DENIED_CODES: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "NotAuthorized",
];

/// The error codes AWS answers a request signed at a time too far from its own (more than
/// 15 minutes: common errors, `RequestExpired`; "Signature expired: … is now earlier than …
/// (… - 15 min.)"): the codes of a skewed clock that `aws-runtime`'s clock-skew correction
/// knows (`service_clock_skew::CLOCK_SKEW_ERROR_CODES`) and the time codes of the common
/// errors. The SDK client measures the skew from every answer's `Date` header and signs the
/// next request with its corrected time, so one more attempt passes when the clock of this
/// machine was the cause ([`with_retry`](super::retry) makes it). `AccessDeniedException`,
/// which `aws-runtime` also retries when it measured a skew, is left out: a missing
/// permission is reported at once.
pub(crate) const CLOCK_SKEW_CODES: &[&str] = &[
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "AuthFailure",
    "RequestTimeTooSkewed",
    "RequestExpired",
    "RequestInTheFuture",
];

/// Whether an error may come from the clock of this machine: one more attempt, signed with
/// the time the SDK measured from the answer, settles it. Besides the codes of
/// [`CLOCK_SKEW_CODES`], a refusal whose message names the signing time, whatever its code:
/// `AccessDeniedException` is among the clock-skew codes of the SDKs' own correction
/// (`aws-runtime`, `service_clock_skew::CLOCK_SKEW_ERROR_CODES`) because JSON services
/// answer a request signed too early or too late with it; S3 answers a signature whose time
/// is past with `AccessDenied`, "Request has expired".
pub(crate) fn is_clock_skew(e: &ApiError) -> bool {
    e.kind == ApiErrorKind::Credentials
        && (e
            .code
            .as_deref()
            .is_some_and(|c| CLOCK_SKEW_CODES.contains(&c))
            || names_signing_time(&e.message))
}

/// Whether a refusal's message is about the time the request was signed at, in AWS's words:
/// "Signature expired: 20260101T000000Z is now earlier than … (… - 15 min.)", "Signature not
/// yet current: … is still later than … (… + 15 min.)" (Signature Version 4, every service
/// that checks it), "Request has expired" (S3, EC2's `RequestExpired`). A missing permission
/// says "not authorized to perform", never these.
pub(crate) fn names_signing_time(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("signature expired")
        || m.contains("signature not yet current")
        || m.contains("request has expired")
}

/// The code given to a refusal (HTTP 401, 403, 407) whose body is not an AWS error document:
/// a page of a proxy, or of a web site the endpoint points at (an S3 website endpoint answers
/// a request it cannot serve with an HTML page). AWS's APIs answer a refusal with an error
/// document of their protocol (XML for the query APIs and S3, JSON for the JSON APIs), never
/// a page. Not retried: sending the request again to the same place gets the same page.
pub(crate) const NOT_AWS_REFUSAL: &str = "NotAnAwsRefusal";

/// Whether the error is such a refusal ([`NOT_AWS_REFUSAL`]).
pub(crate) fn is_not_aws_refusal(e: &ApiError) -> bool {
    e.code.as_deref() == Some(NOT_AWS_REFUSAL)
}

/// HTTP statuses of a refusal: unauthorized, forbidden, proxy authentication required.
fn refusal_status(status: u16) -> bool {
    matches!(status, 401 | 403 | 407)
}

fn not_aws_refusal(endpoint: &str, raw: &HttpResponse) -> ApiError {
    let status = raw.status().as_u16();
    ApiError {
        kind: ApiErrorKind::Client,
        code: Some(NOT_AWS_REFUSAL.to_owned()),
        message: format!(
            "{endpoint} answered HTTP {status} with a page that is not an AWS error{}",
            body_excerpt(raw)
        ),
    }
}

/// What an HTTP status says whatever the body: 429 is throttling, any 5xx a server error to
/// retry (a proxy's 502/503/504 comes with an HTML page, not an AWS error).
fn status_kind(status: u16) -> Option<ApiErrorKind> {
    match status {
        429 => Some(ApiErrorKind::Throttled),
        500..=599 => Some(ApiErrorKind::Transient),
        _ => None,
    }
}

/// The start of a response body that is not an AWS error, on one line, for the message.
fn body_excerpt(raw: &HttpResponse) -> String {
    let Some(bytes) = raw.body().bytes() else {
        return String::new();
    };
    let text: String = String::from_utf8_lossy(bytes)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if text.is_empty() {
        return String::new();
    }
    let cut: String = text.chars().take(80).collect();
    let more = if cut.len() < text.len() { "…" } else { "" };
    format!(" (body: `{cut}{more}`)")
}

fn source_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        let next = s.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = s.source();
    }
    text
}

fn time(t: Option<&aws_smithy_types::DateTime>) -> Option<String> {
    t.and_then(|t| t.fmt(aws_smithy_types::date_time::Format::DateTime).ok())
}

fn event(e: &aws_sdk_cloudformation::types::StackEvent) -> StackEvent {
    StackEvent {
        id: e.event_id().unwrap_or_default().to_owned(),
        timestamp: time(e.timestamp()).unwrap_or_default(),
        logical_id: e.logical_resource_id().unwrap_or_default().to_owned(),
        resource_type: e.resource_type().unwrap_or_default().to_owned(),
        status: e
            .resource_status()
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
        reason: e.resource_status_reason().map(str::to_owned),
    }
}

impl CloudFormationApi for SdkApi {
    fn endpoint(&self) -> String {
        self.endpoint.clone()
    }

    fn region(&self) -> Option<String> {
        self.client.config().region().map(ToString::to_string)
    }

    async fn describe_stack(&self, name: &str) -> Result<Option<StackInfo>, ApiError> {
        let out = match self.client.describe_stacks().stack_name(name).send().await {
            Ok(out) => out,
            Err(err) => {
                let err = self.error(err);
                return if err.is_missing_stack() {
                    Ok(None)
                } else {
                    Err(err)
                };
            }
        };
        let Some(s) = out.stacks().first() else {
            return Ok(None);
        };
        let status = s
            .stack_status()
            .map(|st| st.as_str().to_owned())
            .unwrap_or_default();
        if status == "DELETE_COMPLETE" {
            return Ok(None);
        }
        Ok(Some(StackInfo {
            name: s.stack_name().unwrap_or(name).to_owned(),
            id: s.stack_id().unwrap_or_default().to_owned(),
            status,
            status_reason: s.stack_status_reason().map(str::to_owned),
            outputs: s
                .outputs()
                .iter()
                .map(|o| {
                    (
                        o.output_key().unwrap_or_default().to_owned(),
                        o.output_value().unwrap_or_default().to_owned(),
                        o.export_name().map(str::to_owned),
                    )
                })
                .collect(),
            tags: s
                .tags()
                .iter()
                .map(|t| {
                    (
                        t.key().unwrap_or_default().to_owned(),
                        t.value().unwrap_or_default().to_owned(),
                    )
                })
                .collect(),
            parameters: s
                .parameters()
                .iter()
                .map(|p| {
                    (
                        p.parameter_key().unwrap_or_default().to_owned(),
                        p.parameter_value().unwrap_or_default().to_owned(),
                    )
                })
                .collect(),
            termination_protection: s.enable_termination_protection().unwrap_or(false),
            updated_at: time(s.last_updated_time().or(s.creation_time())),
        }))
    }

    async fn create_change_set(
        &self,
        request: &ChangeSetRequest,
    ) -> Result<CreatedChangeSet, ApiError> {
        let mut call = self
            .client
            .create_change_set()
            .stack_name(&request.stack)
            .change_set_name(&request.name)
            .client_token(&request.client_token)
            .change_set_type(if request.create {
                ChangeSetType::Create
            } else {
                ChangeSetType::Update
            })
            .description(&request.description);
        call = match &request.template {
            TemplateSource::Body(body) => call.template_body(body),
            TemplateSource::Url(url) => call.template_url(url),
        };
        for c in &request.capabilities {
            call = call.capabilities(Capability::from(c.as_str()));
        }
        for (k, v) in &request.tags {
            call = call.tags(Tag::builder().key(k).value(v).build());
        }
        for (k, v) in &request.parameters {
            call = call.parameters(
                Parameter::builder()
                    .parameter_key(k)
                    .parameter_value(v)
                    .build(),
            );
        }
        let out = call.send().await.map_err(|e| self.error(e))?;
        let id = out.id().map(str::to_owned).ok_or_else(|| {
            ApiError::client("MissingId", "CreateChangeSet returned no change set id")
        })?;
        Ok(CreatedChangeSet {
            id,
            stack_id: out.stack_id().unwrap_or(&request.stack).to_owned(),
        })
    }

    async fn list_change_sets(&self, stack: &str) -> Result<Vec<ChangeSetSummary>, ApiError> {
        let mut all = Vec::new();
        let mut token: Option<String> = None;
        for pages in 1.. {
            let out = self
                .client
                .list_change_sets()
                .stack_name(stack)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| self.error(e))?;
            all.extend(out.summaries().iter().map(|c| {
                ChangeSetSummary {
                    name: c.change_set_name().unwrap_or_default().to_owned(),
                    id: c.change_set_id().unwrap_or_default().to_owned(),
                    status: c
                        .status()
                        .map(|s| s.as_str().to_owned())
                        .unwrap_or_default(),
                    execution_status: c
                        .execution_status()
                        .map(|s| s.as_str().to_owned())
                        .unwrap_or_default(),
                }
            }));
            match next_page(out.next_token(), pages, "ListChangeSets")? {
                Some(next) => token = Some(next),
                None => break,
            }
        }
        Ok(all)
    }

    async fn describe_change_set(&self, arn: &str) -> Result<ChangeSetInfo, ApiError> {
        let mut info = ChangeSetInfo::default();
        let mut token: Option<String> = None;
        for pages in 1.. {
            let out = self
                .client
                .describe_change_set()
                .change_set_name(arn)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| self.error(e))?;
            let status = out
                .status()
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default();
            if pages == 1 || merged_status(&info.status, &status) != info.status {
                info.status_reason = out.status_reason().map(str::to_owned);
            }
            info.status = if pages == 1 {
                status
            } else {
                merged_status(&info.status, &status)
            };
            info.execution_status = out.execution_status().map(|s| s.as_str().to_owned());
            for change in out.changes() {
                let Some(rc) = change.resource_change() else {
                    continue;
                };
                info.changes.push(ResourceChange {
                    action: rc
                        .action()
                        .map(|a| a.as_str().to_owned())
                        .unwrap_or_default(),
                    logical_id: rc.logical_resource_id().unwrap_or_default().to_owned(),
                    physical_id: rc.physical_resource_id().map(str::to_owned),
                    resource_type: rc.resource_type().unwrap_or_default().to_owned(),
                    replacement: rc.replacement().map(|r| r.as_str().to_owned()),
                    details: rc
                        .details()
                        .iter()
                        .map(|d| ChangeDetail {
                            attribute: d
                                .target()
                                .and_then(|t| t.attribute())
                                .map(|a| a.as_str().to_owned())
                                .unwrap_or_default(),
                            name: d.target().and_then(|t| t.name()).map(str::to_owned),
                            requires_recreation: d
                                .target()
                                .and_then(|t| t.requires_recreation())
                                .map(|r| r.as_str().to_owned()),
                            change_source: d.change_source().map(|c| c.as_str().to_owned()),
                            causing_entity: d.causing_entity().map(str::to_owned),
                        })
                        .collect(),
                });
            }
            match next_page(out.next_token(), pages, "DescribeChangeSet")? {
                Some(next) => token = Some(next),
                None => break,
            }
        }
        Ok(info)
    }

    async fn execute_change_set(&self, arn: &str) -> Result<(), ApiError> {
        self.client
            .execute_change_set()
            .change_set_name(arn)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| self.error(e))
    }

    async fn delete_change_set(&self, arn: &str) -> Result<(), ApiError> {
        match self
            .client
            .delete_change_set()
            .change_set_name(arn)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) => match self.error(e) {
                // Already gone (deleted by an earlier attempt whose answer was lost, by an
                // execution of another change set of the stack, or with its stack): what
                // was asked holds.
                e if is_change_set_not_found(&e) => Ok(()),
                e => Err(e),
            },
        }
    }

    async fn stack_events(&self, name: &str) -> Result<Vec<StackEvent>, ApiError> {
        self.stack_events_since(name, None).await
    }

    async fn latest_event(&self, name: &str) -> Result<Option<String>, ApiError> {
        let out = self
            .client
            .describe_stack_events()
            .stack_name(name)
            .send()
            .await
            .map_err(|e| self.error(e))?;
        Ok(out.stack_events().first().map(|e| event(e).id))
    }

    async fn stack_events_since(
        &self,
        name: &str,
        until: Option<&str>,
    ) -> Result<Vec<StackEvent>, ApiError> {
        let mut all = Vec::new();
        let mut token: Option<String> = None;
        for pages in 1.. {
            let out = self
                .client
                .describe_stack_events()
                .stack_name(name)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| self.error(e))?;
            for e in out.stack_events() {
                let e = event(e);
                if until.is_some_and(|u| u == e.id) {
                    return Ok(all);
                }
                all.push(e);
            }
            match next_page(out.next_token(), pages, "DescribeStackEvents")? {
                Some(next) => token = Some(next),
                None => break,
            }
        }
        Ok(all)
    }

    async fn stack_resources(&self, name: &str) -> Result<Vec<StackResource>, ApiError> {
        let mut all = Vec::new();
        let mut token: Option<String> = None;
        for pages in 1.. {
            let out = self
                .client
                .list_stack_resources()
                .stack_name(name)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| self.error(e))?;
            all.extend(
                out.stack_resource_summaries()
                    .iter()
                    .map(|r| StackResource {
                        logical_id: r.logical_resource_id().unwrap_or_default().to_owned(),
                        physical_id: r.physical_resource_id().map(str::to_owned),
                        resource_type: r.resource_type().unwrap_or_default().to_owned(),
                    }),
            );
            match next_page(out.next_token(), pages, "ListStackResources")? {
                Some(next) => token = Some(next),
                None => break,
            }
        }
        Ok(all)
    }

    async fn deployed_template(&self, name: &str) -> Result<String, ApiError> {
        let out = self
            .client
            .get_template()
            .stack_name(name)
            .template_stage(TemplateStage::Processed)
            .send()
            .await
            .map_err(|e| self.error(e))?;
        out.template_body().map(str::to_owned).ok_or_else(|| {
            ApiError::client("MissingTemplate", "GetTemplate returned no template body")
        })
    }

    async fn delete_stack(
        &self,
        name: &str,
        retain: &[String],
        token: &str,
    ) -> Result<(), ApiError> {
        let mut call = self.client.delete_stack().stack_name(name);
        for r in retain {
            call = call.retain_resources(r);
        }
        if !token.is_empty() {
            call = call.client_request_token(token);
        }
        call.send().await.map(|_| ()).map_err(|e| self.error(e))
    }

    async fn continue_update_rollback(&self, name: &str, token: &str) -> Result<(), ApiError> {
        self.client
            .continue_update_rollback()
            .stack_name(name)
            .client_request_token(token)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| self.error(e))
    }

    async fn set_termination_protection(&self, name: &str, enabled: bool) -> Result<(), ApiError> {
        self.client
            .update_termination_protection()
            .stack_name(name)
            .enable_termination_protection(enabled)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| self.error(e))
    }

    async fn set_stack_policy(&self, name: &str, policy: &str) -> Result<(), ApiError> {
        self.client
            .set_stack_policy()
            .stack_name(name)
            .stack_policy_body(policy)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| self.error(e))
    }

    async fn stack_policy(&self, name: &str) -> Result<Option<String>, ApiError> {
        let out = self
            .client
            .get_stack_policy()
            .stack_name(name)
            .send()
            .await
            .map_err(|e| self.error(e))?;
        Ok(out
            .stack_policy_body()
            .filter(|b| !b.trim().is_empty())
            .map(str::to_owned))
    }

    async fn list_exports(&self) -> Result<Vec<(String, String)>, ApiError> {
        let mut all = Vec::new();
        let mut token: Option<String> = None;
        for pages in 1.. {
            let out = self
                .client
                .list_exports()
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| self.error(e))?;
            all.extend(out.exports().iter().map(|e| {
                (
                    e.name().unwrap_or_default().to_owned(),
                    e.exporting_stack_id().unwrap_or_default().to_owned(),
                )
            }));
            match next_page(out.next_token(), pages, "ListExports")? {
                Some(next) => token = Some(next),
                None => break,
            }
        }
        Ok(all)
    }

    async fn list_imports(&self, export: &str) -> Result<Vec<String>, ApiError> {
        let mut all = Vec::new();
        let mut token: Option<String> = None;
        for pages in 1.. {
            let sent = self
                .client
                .list_imports()
                .export_name(export)
                .set_next_token(token.take())
                .send()
                .await;
            let out = match sent {
                Ok(out) => out,
                Err(err) => {
                    let err = self.error(err);
                    // "Export 'x' is not imported by any stack." is not an error for us.
                    return if err.kind == ApiErrorKind::Client
                        && err.message.contains("not imported")
                    {
                        Ok(all)
                    } else {
                        Err(err)
                    };
                }
            };
            all.extend(out.imports().iter().cloned());
            match next_page(out.next_token(), pages, "ListImports")? {
                Some(next) => token = Some(next),
                None => break,
            }
        }
        Ok(all)
    }

    async fn detect_drift(&self, name: &str) -> Result<String, ApiError> {
        let out = self
            .client
            .detect_stack_drift()
            .stack_name(name)
            .send()
            .await
            .map_err(|e| self.error(e))?;
        out.stack_drift_detection_id()
            .map(str::to_owned)
            .ok_or_else(|| {
                ApiError::client("MissingId", "DetectStackDrift returned no detection id")
            })
    }

    async fn drift_detection_status(&self, id: &str) -> Result<(String, Option<String>), ApiError> {
        let out = self
            .client
            .describe_stack_drift_detection_status()
            .stack_drift_detection_id(id)
            .send()
            .await
            .map_err(|e| self.error(e))?;
        Ok((
            out.detection_status()
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
            out.detection_status_reason().map(str::to_owned),
        ))
    }

    async fn resource_drifts(&self, name: &str) -> Result<Vec<ResourceDrift>, ApiError> {
        let mut all = Vec::new();
        let mut token: Option<String> = None;
        for pages in 1.. {
            let out = self
                .client
                .describe_stack_resource_drifts()
                .stack_name(name)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| self.error(e))?;
            all.extend(out.stack_resource_drifts().iter().map(|d| {
                ResourceDrift {
                    logical_id: d.logical_resource_id().unwrap_or_default().to_owned(),
                    resource_type: d.resource_type().unwrap_or_default().to_owned(),
                    status: d
                        .stack_resource_drift_status()
                        .map(|s| s.as_str().to_owned())
                        .unwrap_or_default(),
                    differences: d
                        .property_differences()
                        .iter()
                        .map(|p| {
                            (
                                p.property_path().unwrap_or_default().to_owned(),
                                p.expected_value().unwrap_or_default().to_owned(),
                                p.actual_value().unwrap_or_default().to_owned(),
                            )
                        })
                        .collect(),
                }
            }));
            match next_page(out.next_token(), pages, "DescribeStackResourceDrifts")? {
                Some(next) => token = Some(next),
                None => break,
            }
        }
        Ok(all)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the engine makes of an AWS error document with `code`, answered with `status`.
    fn answered(code: &str, status: u16) -> ApiError {
        use aws_sdk_cloudformation::operation::describe_stacks::DescribeStacksError;
        let err = DescribeStacksError::generic(
            aws_smithy_types::error::ErrorMetadata::builder()
                .code(code)
                .message("said")
                .build(),
        );
        let raw = HttpResponse::new(
            aws_smithy_runtime_api::http::StatusCode::try_from(status).expect("a status"),
            aws_smithy_types::body::SdkBody::from("<ErrorResponse/>"),
        );
        classify(SdkError::service_error(err, raw), "http://endpoint")
    }

    #[test]
    fn every_documented_throttling_transient_and_credential_code_is_told_apart_from_a_request_error()
     {
        // The SDK's own retries are off: a code classified `Client` is never retried.
        for (code, status) in [
            ("Throttling", 400),
            ("RequestLimitExceeded", 503),
            ("PriorRequestNotComplete", 400),
            ("EC2ThrottledException", 400),
            ("RequestThrottled", 400),
            ("BandwidthLimitExceeded", 400),
            ("SlowDown", 503),
        ] {
            assert_eq!(
                answered(code, status).kind,
                ApiErrorKind::Throttled,
                "{code}"
            );
        }
        for (code, status) in [
            ("RequestTimeout", 400),
            ("RequestTimeoutException", 408),
            ("OperationAbortedException", 400),
            ("OperationAbortedException", 409),
        ] {
            assert_eq!(
                answered(code, status).kind,
                ApiErrorKind::Transient,
                "{code}"
            );
        }
        for (code, status) in [
            ("AuthFailure", 401),
            ("RequestExpired", 400),
            ("IncompleteSignature", 400),
            ("MissingAuthenticationToken", 403),
            ("InvalidSignatureException", 400),
            ("InvalidToken", 400),
            ("RequestTimeTooSkewed", 403),
            ("ExpiredTokenException", 403),
        ] {
            assert_eq!(
                answered(code, status).kind,
                ApiErrorKind::Credentials,
                "{code}"
            );
        }
        assert_eq!(answered("NotAuthorized", 401).kind, ApiErrorKind::Denied);
        // A quota that waiting does not lift, and a request error, are not retried.
        for code in [
            "LimitExceededException",
            "ValidationError",
            "AlreadyExistsException",
        ] {
            assert_eq!(answered(code, 400).kind, ApiErrorKind::Client, "{code}");
        }
        // Clock-skew codes get their one more attempt; an expired token does not.
        assert!(is_clock_skew(&answered("SignatureDoesNotMatch", 403)));
        assert!(is_clock_skew(&answered("AuthFailure", 401)));
        assert!(!is_clock_skew(&answered("ExpiredToken", 400)));
        assert!(!is_clock_skew(&answered("ValidationError", 400)));
        assert!(!is_clock_skew(&answered("AccessDeniedException", 400)));
    }

    /// What the engine makes of an answer with `status` and `body` that the SDK could not
    /// read as an AWS error (`service`: as a service error without code or message, as the
    /// query protocol gives one; otherwise as a response error).
    fn page(status: u16, body: &str, service: bool) -> ApiError {
        use aws_sdk_cloudformation::operation::describe_stacks::DescribeStacksError;
        let raw = HttpResponse::new(
            aws_smithy_runtime_api::http::StatusCode::try_from(status).expect("a status"),
            aws_smithy_types::body::SdkBody::from(body.to_owned()),
        );
        let err = if service {
            SdkError::service_error(
                DescribeStacksError::generic(
                    aws_smithy_types::error::ErrorMetadata::builder().build(),
                ),
                raw,
            )
        } else {
            SdkError::response_error(std::io::Error::other("unexpected content"), raw)
        };
        classify(err, "http://endpoint")
    }

    #[test]
    fn a_refusal_for_the_signing_time_under_a_permission_code_is_the_clock_and_a_page_is_not_aws() {
        use aws_sdk_cloudformation::operation::describe_stacks::DescribeStacksError;
        let with = |code: &str, message: &str| {
            let err = DescribeStacksError::generic(
                aws_smithy_types::error::ErrorMetadata::builder()
                    .code(code)
                    .message(message)
                    .build(),
            );
            let raw = HttpResponse::new(
                aws_smithy_runtime_api::http::StatusCode::try_from(403).expect("a status"),
                aws_smithy_types::body::SdkBody::from("{}"),
            );
            classify(SdkError::service_error(err, raw), "http://endpoint")
        };
        for (code, message) in [
            (
                "AccessDeniedException",
                "Signature expired: 20260101T000000Z is now earlier than 20260101T001500Z (20260101T003000Z - 15 min.)",
            ),
            (
                "AccessDeniedException",
                "Signature not yet current: 20260101T010000Z is still later than 20260101T004500Z (20260101T003000Z + 15 min.)",
            ),
            ("AccessDenied", "Request has expired"),
        ] {
            let e = with(code, message);
            assert_eq!(e.kind, ApiErrorKind::Credentials, "{code}: {message}");
            assert!(is_clock_skew(&e), "{code}: {message}");
            let shown = crate::deploy::DeployError::api("prod", "DescribeStacks", e).to_string();
            assert!(
                shown.starts_with("stack `prod`: DescribeStacks was refused: AWS refused the request for the time it was signed at"),
                "{shown}"
            );
            assert!(shown.contains("set it right"), "{shown}");
        }
        // A missing permission stays one.
        let denied = with(
            "AccessDenied",
            "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: cloudformation:DescribeStacks",
        );
        assert_eq!(denied.kind, ApiErrorKind::Denied);
        assert!(!is_clock_skew(&denied));

        // An HTML page answering 401, 403 or 407 (a proxy, an S3 website endpoint) is
        // refused by something that is not AWS: not retried, not "throttling", not a
        // missing permission, and said so naming the stack.
        let html = "<html><head><title>403 Forbidden</title></head><body><h1>403 Forbidden</h1><ul><li>Code: AccessDenied</li></ul></body></html>";
        for (status, service) in [(403, true), (403, false), (401, false), (407, true)] {
            let e = page(status, html, service);
            assert_eq!(e.kind, ApiErrorKind::Client, "{status} {service}");
            assert!(is_not_aws_refusal(&e), "{e:?}");
            assert!(e.message.contains("<html>"), "{e:?}");
            let shown = crate::deploy::DeployError::api("prod", "DescribeStacks", e).to_string();
            assert!(
                shown.starts_with(&format!(
                    "stack `prod`: DescribeStacks was refused by something that is not AWS (http://endpoint answered HTTP {status} with a page"
                )),
                "{shown}"
            );
            assert!(shown.contains("check the proxy settings"), "{shown}");
        }
        // A bare 403 without a body (S3's answer to a HEAD) is not such a page.
        assert!(!is_not_aws_refusal(&page(403, "", true)));
        // A proxy's 502 is still a server error to retry.
        assert_eq!(page(502, html, false).kind, ApiErrorKind::Transient);
    }

    #[test]
    fn a_change_set_read_in_pages_is_complete_only_when_every_page_says_so() {
        assert_eq!(
            merged_status("CREATE_COMPLETE", "CREATE_COMPLETE"),
            "CREATE_COMPLETE"
        );
        assert_eq!(
            merged_status("CREATE_IN_PROGRESS", "CREATE_COMPLETE"),
            "CREATE_IN_PROGRESS"
        );
        assert_eq!(
            merged_status("CREATE_COMPLETE", "CREATE_PENDING"),
            "CREATE_PENDING"
        );
        assert_eq!(
            merged_status("CREATE_COMPLETE", "DELETE_PENDING"),
            "DELETE_PENDING"
        );
        assert_eq!(merged_status("CREATE_COMPLETE", "FAILED"), "FAILED");
        assert_eq!(merged_status("FAILED", "CREATE_COMPLETE"), "FAILED");
    }

    #[test]
    fn paging_stops_at_the_last_page_and_at_the_bound() {
        assert_eq!(next_page(None, 1, "Op"), Ok(None));
        assert_eq!(next_page(Some(""), 1, "Op"), Ok(None));
        assert_eq!(next_page(Some("t"), 1, "Op"), Ok(Some("t".to_owned())));
        assert_eq!(
            next_page(Some("t"), MAX_PAGES - 1, "Op"),
            Ok(Some("t".to_owned()))
        );
        let err = next_page(Some("t"), MAX_PAGES, "DescribeStackEvents").unwrap_err();
        assert_eq!(err.kind, ApiErrorKind::Client);
        assert!(err.message.contains("more than 200 pages"), "{err:?}");
    }
}

//! A `CloudFormationApi` that wraps the real client against moto and injects what moto
//! cannot produce: throttling, server errors, latency, stacks that fail or hang. It also
//! records every call, in order, so tests can assert what the engine did.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use hipaa_stack::deploy::{
    ApiError, ApiErrorKind, ChangeSetInfo, ChangeSetRequest, ChangeSetSummary, CloudFormationApi,
    CreatedChangeSet, ResourceChange, ResourceDrift, SdkApi, StackEvent, StackInfo, StackResource,
};

/// The stack name in a stack id (`arn:…:stack/NAME/uuid`), or the name itself.
fn name_of(stack: &str) -> &str {
    stack
        .strip_prefix("arn:")
        .and_then(|rest| rest.split('/').nth(1))
        .unwrap_or(stack)
}

/// What to inject.
#[derive(Default)]
pub struct Faults {
    /// Throttle the first N attempts of every operation.
    pub throttle_first: u32,
    /// Answer ExecuteChangeSet with a server error without executing, this many times.
    pub execute_fails_before: u32,
    /// Execute, then answer with a server error anyway, this many times.
    pub execute_fails_after: u32,
    /// Sleep this long before every call.
    pub latency: Duration,
    /// Report this status for the stack (instead of moto's) until it is deleted.
    pub stuck: BTreeMap<String, String>,
    /// After ExecuteChangeSet on this stack, report ROLLBACK_COMPLETE with these events.
    pub fail_with_events: BTreeMap<String, Vec<StackEvent>>,
    /// Answer ListImports for these exports with these importing stacks.
    pub importers: BTreeMap<String, Vec<String>>,
    /// Answer every ListImports as an endpoint without the operation does.
    pub no_list_imports: bool,
    /// Answer drift detection (which moto lacks) with these drifts, for every stack.
    pub drifts: Option<Vec<ResourceDrift>>,
    /// Create the change set, then answer with a server error anyway, this many times (the
    /// retry must not collide with its own first attempt).
    pub create_fails_after: u32,
    /// After ExecuteChangeSet on these stacks, report them `UPDATE_IN_PROGRESS` for ever (the
    /// run is then cut while it waits).
    pub in_progress_after_execute: Vec<String>,
    /// Stop the run after this many change sets were created (answered with a client error,
    /// which is not retried): an interruption between create and execute.
    pub stop_after_creates: Option<u32>,
    /// Stop the run at this DescribeChangeSet (0: the first; answered with a client error
    /// without reaching the endpoint): an interruption while the engine waits for a change
    /// set that CloudFormation is still creating.
    pub stop_at_describe_change_set: Option<u32>,
    /// Answer every DescribeChangeSet with "no changes" (`FAILED`, "The submitted
    /// information didn't contain changes"), as an endpoint that compares only the template
    /// and the parameters does: moto did so for a change of the stack's tags alone.
    pub no_changes: bool,
    /// Delete the change set, then answer with a server error anyway, this many times (the
    /// retry finds it gone).
    pub delete_change_set_answer_lost: u32,
    /// Execute, then let the answer time out (as the SDK reports an attempt that got no
    /// answer in time), this many times: the request was taken all the same.
    pub execute_answer_times_out: u32,
    /// When `execute_fails_before` refuses an execution, the change set is made OBSOLETE
    /// meanwhile, as when another operation updates the stack (DescribeChangeSet,
    /// `ExecutionStatus`: "OBSOLETE state because the stack was already updated"); executing
    /// it again is `InvalidChangeSetStatus`.
    pub obsolete_after_refused_execute: bool,
    /// Answer ListStackResources with `AccessDenied` this many times: the first call of the
    /// steps that follow a deploy (rules E14 and L4) fails after the stack deployed.
    pub stack_resources_denied: u32,
    /// Report a change of these resources (logical id, type) as `Dynamic` in every change
    /// set (API reference, ResourceChange: "exact action for the resource can't be
    /// determined"), which moto never answers.
    pub dynamic: Vec<(String, String)>,
    /// With `drifts`, answer the detection's status `DETECTION_FAILED` with this reason
    /// (moto has no drift detection): CloudFormation then gives the results of the
    /// resources it could check, the others `NOT_CHECKED`.
    pub drift_failed: Option<String>,
    /// With a stack `stuck` in `UPDATE_ROLLBACK_FAILED`: continue its rollback, then answer
    /// the ContinueUpdateRollback with a server error anyway (the answer was lost).
    pub continue_answer_lost: bool,
    /// The `ClientRequestToken` of the continuation that was taken.
    pub continued_with: Option<String>,
    /// Delete a stack keeping resources (`RetainResources`), and when the stack is then
    /// gone, answer with a server error anyway, this many times (the answer was lost; the
    /// retry meets a stack no longer in `DELETE_FAILED`).
    pub retained_delete_answer_lost: u32,
    /// The `ClientRequestToken` of every DeleteStack that reached the endpoint, in order.
    pub deleted_with: Vec<String>,
    /// The credentials expire after this many SetStackPolicy calls reached the endpoint:
    /// every later SetStackPolicy is answered `ExpiredToken` (a session that ends while a
    /// change set runs, between relaxing and restoring a production stack's policy).
    pub policy_credentials_expire_after: Option<u32>,
    /// Answer every GetStackPolicy as an endpoint without the operation does.
    pub no_get_stack_policy: bool,
    /// After each ExecuteChangeSet, answer this many DescribeStacks of the stack as before
    /// the execution, with the events as they were: CloudFormation executes asynchronously
    /// (API reference, ExecuteChangeSet: "After the call successfully completes,
    /// CloudFormation starts updating the stack"), moto at once.
    pub not_started_polls: u32,
    /// After each DeleteStack, answer this many DescribeStacks of the stack as before the
    /// deletion, with the events as they were: CloudFormation deletes asynchronously (API
    /// reference, DeleteStack: the call returns while "the stack is being deleted", and
    /// DescribeStacks shows `DELETE_IN_PROGRESS` once it runs), moto at once.
    pub not_deleted_polls: u32,
    /// Called with `Operation stack` before every call that reaches the endpoint (after the
    /// engine's checks for the call, such as the run lock before a write): what happens
    /// meanwhile elsewhere (another run, time at a prompt).
    #[allow(clippy::type_complexity)]
    pub on_call: Option<Box<dyn FnMut(&str) + Send>>,
    /// Refuse this many ExecuteChangeSet calls with `InvalidChangeSetStatus`, the change set
    /// `CREATE_COMPLETE` and its `ExecutionStatus` UNAVAILABLE until it is executed (API
    /// reference, DescribeChangeSet, `ExecutionStatus`: "UNAVAILABLE state because
    /// CloudFormation is still creating it"), which moto never answers.
    pub unavailable_executes: u32,
    /// Refuse every DescribeStackEvents with `AccessDenied` (a role without
    /// `cloudformation:DescribeStackEvents`), as AWS does; moto grants everything.
    pub events_denied: bool,
    /// Answer every DescribeStackEvents as an endpoint without the call does (HTTP 501,
    /// `ApiErrorKind::Unsupported`): the engine reads no event at all.
    pub events_unsupported: bool,
}

/// A client error that stands for the run being stopped there.
pub fn stopped() -> ApiError {
    ApiError::client("Stopped", "the run was stopped here (injected)")
}

/// The wrapper.
pub struct Faulty {
    inner: SdkApi,
    faults: Mutex<Faults>,
    attempts: Mutex<BTreeMap<&'static str, u32>>,
    log: Mutex<Vec<String>>,
    failed: Mutex<Vec<String>>,
    stacks_of: Mutex<BTreeMap<String, String>>,
    requests: Mutex<Vec<ChangeSetRequest>>,
    obsolete: Mutex<Vec<String>>,
    /// Change sets that say UNAVAILABLE (see `Faults::unavailable_executes`).
    unavailable: Mutex<Vec<String>>,
    /// Per stack: polls left, and the stack and its events from before the execution (or
    /// the deletion).
    before_execute: Mutex<BTreeMap<String, BeforeExecute>>,
}

/// Polls left, and a stack and its events as they were before an execution.
type BeforeExecute = (u32, Option<StackInfo>, Vec<StackEvent>);

impl Faulty {
    pub fn new(inner: SdkApi, faults: Faults) -> Self {
        Faulty {
            inner,
            faults: Mutex::new(faults),
            attempts: Mutex::new(BTreeMap::new()),
            log: Mutex::new(Vec::new()),
            failed: Mutex::new(Vec::new()),
            stacks_of: Mutex::new(BTreeMap::new()),
            requests: Mutex::new(Vec::new()),
            obsolete: Mutex::new(Vec::new()),
            unavailable: Mutex::new(Vec::new()),
            before_execute: Mutex::new(BTreeMap::new()),
        }
    }

    /// The stack a change set belongs to.
    fn stack_of(&self, arn: &str) -> String {
        self.stacks_of
            .lock()
            .unwrap()
            .get(arn)
            .cloned()
            .unwrap_or_default()
    }

    /// Every change set requested, in order.
    pub fn requests(&self) -> Vec<ChangeSetRequest> {
        self.requests.lock().unwrap().clone()
    }

    /// Every `ClientRequestToken` of a DeleteStack, in order.
    pub fn deletion_tokens(&self) -> Vec<String> {
        self.faults.lock().unwrap().deleted_with.clone()
    }

    /// Every call that reached the endpoint (or was answered by a fault), as
    /// `Operation stack`.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    async fn before(&self, operation: &'static str, subject: &str) -> Result<(), ApiError> {
        let (latency, throttle, events_denied, events_unsupported) = {
            let f = self.faults.lock().unwrap();
            (
                f.latency,
                f.throttle_first,
                f.events_denied,
                f.events_unsupported,
            )
        };
        if events_unsupported && operation == "DescribeStackEvents" {
            return Err(ApiError {
                kind: ApiErrorKind::Unsupported,
                code: Some("NotImplemented".to_owned()),
                message: "DescribeStackEvents is not implemented (injected)".to_owned(),
            });
        }
        if events_denied && operation == "DescribeStackEvents" {
            return Err(ApiError {
                kind: ApiErrorKind::Denied,
                code: Some("AccessDenied".to_owned()),
                message: format!(
                    "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: cloudformation:DescribeStackEvents on resource: {subject} because no identity-based policy allows the cloudformation:DescribeStackEvents action"
                ),
            });
        }
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
        let attempt = {
            let mut attempts = self.attempts.lock().unwrap();
            let n = attempts.entry(operation).or_default();
            *n += 1;
            *n
        };
        if attempt <= throttle {
            return Err(ApiError {
                kind: ApiErrorKind::Throttled,
                code: Some("Throttling".to_owned()),
                message: "Rate exceeded".to_owned(),
            });
        }
        let line = format!("{operation} {subject}");
        if let Some(hook) = self.faults.lock().unwrap().on_call.as_mut() {
            hook(&line);
        }
        self.log.lock().unwrap().push(line);
        Ok(())
    }
}

/// A made-up stack of the tests' app (`e2e`), so that the engine takes it as its own.
fn made_up(name: &str, status: String) -> StackInfo {
    StackInfo {
        name: name.to_owned(),
        id: format!("arn:aws:cloudformation:us-east-1:123456789012:stack/{name}/x"),
        status,
        tags: [("hipaa-stack:app".to_owned(), "e2e".to_owned())].into(),
        ..StackInfo::default()
    }
}

fn server_error() -> ApiError {
    ApiError {
        kind: ApiErrorKind::Transient,
        code: Some("InternalFailure".to_owned()),
        message: "injected server error".to_owned(),
    }
}

impl CloudFormationApi for Faulty {
    async fn describe_stack(&self, id: &str) -> Result<Option<StackInfo>, ApiError> {
        let name = name_of(id);
        self.before("DescribeStacks", name).await?;
        let stuck = self.faults.lock().unwrap().stuck.get(name).cloned();
        if let Some(status) = stuck {
            return Ok(Some(made_up(name, status)));
        }
        let hung = {
            let f = self.faults.lock().unwrap();
            f.in_progress_after_execute.iter().any(|s| s == name)
        } && self
            .log
            .lock()
            .unwrap()
            .iter()
            .any(|l| *l == format!("ExecuteChangeSet {name}"));
        if hung {
            let real = self.inner.describe_stack(id).await?;
            return Ok(real.map(|mut i| {
                i.status = "UPDATE_IN_PROGRESS".to_owned();
                i
            }));
        }
        {
            let mut before = self.before_execute.lock().unwrap();
            if let Some((left, info, _)) = before.get_mut(name)
                && *left > 0
            {
                *left -= 1;
                return Ok(info.clone());
            }
        }
        if self.failed.lock().unwrap().iter().any(|s| s == name) {
            let real = self.inner.describe_stack(id).await?;
            return Ok(real.map(|mut i| {
                i.status = "ROLLBACK_COMPLETE".to_owned();
                i
            }));
        }
        self.inner.describe_stack(id).await
    }

    async fn create_change_set(
        &self,
        request: &ChangeSetRequest,
    ) -> Result<CreatedChangeSet, ApiError> {
        let stack = name_of(&request.stack).to_owned();
        self.before("CreateChangeSet", &stack).await?;
        self.requests.lock().unwrap().push(request.clone());
        let created = self.inner.create_change_set(request).await?;
        self.stacks_of
            .lock()
            .unwrap()
            .insert(created.id.clone(), stack);
        let mut f = self.faults.lock().unwrap();
        if f.create_fails_after > 0 {
            f.create_fails_after -= 1;
            return Err(server_error());
        }
        if let Some(left) = f.stop_after_creates.as_mut() {
            if *left == 0 {
                return Err(stopped());
            }
            *left -= 1;
        }
        Ok(created)
    }

    async fn list_change_sets(&self, stack: &str) -> Result<Vec<ChangeSetSummary>, ApiError> {
        self.before("ListChangeSets", name_of(stack)).await?;
        self.inner.list_change_sets(stack).await
    }

    async fn describe_change_set(&self, arn: &str) -> Result<ChangeSetInfo, ApiError> {
        self.before("DescribeChangeSet", &self.stack_of(arn))
            .await?;
        {
            let mut f = self.faults.lock().unwrap();
            if let Some(left) = f.stop_at_describe_change_set.as_mut() {
                if *left == 0 {
                    f.stop_at_describe_change_set = None;
                    return Err(stopped());
                }
                *left -= 1;
            }
        }
        let mut info = self.inner.describe_change_set(arn).await?;
        if self.obsolete.lock().unwrap().iter().any(|a| a == arn) {
            info.execution_status = Some("OBSOLETE".to_owned());
        }
        if self.unavailable.lock().unwrap().iter().any(|a| a == arn) {
            info.execution_status = Some("UNAVAILABLE".to_owned());
        }
        if self.faults.lock().unwrap().no_changes {
            info.status = "FAILED".to_owned();
            info.execution_status = Some("UNAVAILABLE".to_owned());
            info.status_reason = Some("The submitted information didn't contain changes. Submit different information to create a change set.".to_owned());
            info.changes.clear();
        }
        let dynamic = self.faults.lock().unwrap().dynamic.clone();
        for (logical_id, resource_type) in dynamic {
            info.changes.retain(|c| c.logical_id != logical_id);
            info.changes.push(ResourceChange {
                action: "Dynamic".to_owned(),
                logical_id,
                resource_type,
                ..ResourceChange::default()
            });
        }
        Ok(info)
    }

    async fn execute_change_set(&self, arn: &str) -> Result<(), ApiError> {
        let stack = self.stack_of(arn);
        self.before("ExecuteChangeSet", &stack).await?;
        if self.obsolete.lock().unwrap().iter().any(|a| a == arn) {
            return Err(ApiError::client(
                "InvalidChangeSetStatus",
                format!("ChangeSet [{arn}] cannot be executed in its current status of [OBSOLETE]"),
            ));
        }
        {
            let mut f = self.faults.lock().unwrap();
            let mut unavailable = self.unavailable.lock().unwrap();
            if f.unavailable_executes > 0 {
                f.unavailable_executes -= 1;
                if !unavailable.iter().any(|a| a == arn) {
                    unavailable.push(arn.to_owned());
                }
                return Err(ApiError::client(
                    "InvalidChangeSetStatus",
                    format!(
                        "ChangeSet [{arn}] cannot be executed in its current status of [UNAVAILABLE]"
                    ),
                ));
            }
            unavailable.retain(|a| a != arn);
        }
        {
            let mut f = self.faults.lock().unwrap();
            if f.execute_fails_before > 0 {
                f.execute_fails_before -= 1;
                if f.obsolete_after_refused_execute {
                    self.obsolete.lock().unwrap().push(arn.to_owned());
                }
                return Err(server_error());
            }
        }
        let polls = self.faults.lock().unwrap().not_started_polls;
        if polls > 0 {
            let info = self.inner.describe_stack(&stack).await?;
            let events = match &info {
                Some(i) => self.inner.stack_events(&i.id).await?,
                None => Vec::new(),
            };
            self.before_execute
                .lock()
                .unwrap()
                .insert(stack.clone(), (polls, info, events));
        }
        self.inner.execute_change_set(arn).await?;
        if self
            .faults
            .lock()
            .unwrap()
            .fail_with_events
            .contains_key(&stack)
        {
            self.failed.lock().unwrap().push(stack);
        }
        let mut f = self.faults.lock().unwrap();
        if f.execute_fails_after > 0 {
            f.execute_fails_after -= 1;
            return Err(server_error());
        }
        if f.execute_answer_times_out > 0 {
            f.execute_answer_times_out -= 1;
            return Err(ApiError {
                kind: ApiErrorKind::Unreachable,
                code: None,
                message:
                    "CloudFormation accepted the request but did not answer in time (injected)"
                        .to_owned(),
            });
        }
        Ok(())
    }

    async fn delete_change_set(&self, arn: &str) -> Result<(), ApiError> {
        self.before("DeleteChangeSet", &self.stack_of(arn)).await?;
        self.inner.delete_change_set(arn).await?;
        let mut f = self.faults.lock().unwrap();
        if f.delete_change_set_answer_lost > 0 {
            f.delete_change_set_answer_lost -= 1;
            return Err(server_error());
        }
        Ok(())
    }

    async fn stack_events(&self, id: &str) -> Result<Vec<StackEvent>, ApiError> {
        let name = name_of(id);
        self.before("DescribeStackEvents", name).await?;
        let crafted = self
            .faults
            .lock()
            .unwrap()
            .fail_with_events
            .get(name)
            .cloned();
        let stale = self
            .before_execute
            .lock()
            .unwrap()
            .get(name)
            .filter(|(left, _, _)| *left > 0)
            .map(|(_, _, events)| events.clone());
        match crafted {
            Some(events) if self.failed.lock().unwrap().iter().any(|s| s == name) => Ok(events),
            _ => match stale {
                Some(events) => Ok(events),
                None => self.inner.stack_events(id).await,
            },
        }
    }

    async fn stack_resources(&self, id: &str) -> Result<Vec<StackResource>, ApiError> {
        self.before("ListStackResources", name_of(id)).await?;
        let denied = {
            let mut f = self.faults.lock().unwrap();
            let denied = f.stack_resources_denied > 0;
            f.stack_resources_denied = f.stack_resources_denied.saturating_sub(1);
            denied
        };
        if denied {
            return Err(ApiError {
                kind: ApiErrorKind::Denied,
                code: Some("AccessDenied".to_owned()),
                message: "User is not authorized to perform: cloudformation:ListStackResources (injected)".to_owned(),
            });
        }
        self.inner.stack_resources(id).await
    }

    async fn deployed_template(&self, id: &str) -> Result<String, ApiError> {
        self.before("GetTemplate", name_of(id)).await?;
        self.inner.deployed_template(id).await
    }

    async fn delete_stack(&self, id: &str, retain: &[String], token: &str) -> Result<(), ApiError> {
        let name = name_of(id);
        self.before("DeleteStack", name).await?;
        let polls = self.faults.lock().unwrap().not_deleted_polls;
        if polls > 0 {
            let stuck = self.faults.lock().unwrap().stuck.get(name).cloned();
            let (info, events) = match stuck {
                Some(status) => (Some(made_up(name, status)), Vec::new()),
                None => {
                    let info = self.inner.describe_stack(id).await?;
                    let events = match &info {
                        Some(i) => self.inner.stack_events(&i.id).await?,
                        None => Vec::new(),
                    };
                    (info, events)
                }
            };
            self.before_execute
                .lock()
                .unwrap()
                .insert(name.to_owned(), (polls, info, events));
        }
        let was_stuck = {
            let mut f = self.faults.lock().unwrap();
            f.deleted_with.push(token.to_owned());
            f.stuck.remove(name).is_some()
        };
        if was_stuck {
            // The stuck stack never existed in moto: deleting it is the fault's end.
            return Ok(());
        }
        self.inner.delete_stack(id, retain, token).await?;
        if retain.is_empty() || self.faults.lock().unwrap().retained_delete_answer_lost == 0 {
            return Ok(());
        }
        let gone = self
            .inner
            .describe_stack(id)
            .await?
            .is_none_or(|i| i.status == "DELETE_COMPLETE");
        let mut f = self.faults.lock().unwrap();
        if gone && f.retained_delete_answer_lost > 0 {
            f.retained_delete_answer_lost -= 1;
            return Err(server_error());
        }
        Ok(())
    }

    /// A stack made `UPDATE_ROLLBACK_FAILED` by `stuck` continues its rollback here (moto
    /// has no ContinueUpdateRollback) to `UPDATE_ROLLBACK_COMPLETE`. As AWS does, a request
    /// for a stack that is no longer `UPDATE_ROLLBACK_FAILED` is refused unless it repeats
    /// the `ClientRequestToken` of the one that was taken (API reference,
    /// ContinueUpdateRollback: the token lets CloudFormation know a retry "successfully
    /// received"). `continue_answer_lost` takes the first request and answers a server error.
    async fn continue_update_rollback(&self, name: &str, token: &str) -> Result<(), ApiError> {
        let stack = name_of(name).to_owned();
        self.before("ContinueUpdateRollback", &stack).await?;
        let answer = {
            let mut f = self.faults.lock().unwrap();
            match f.stuck.get(&stack).cloned() {
                None => None,
                Some(status) if status == "UPDATE_ROLLBACK_FAILED" => {
                    f.stuck
                        .insert(stack.clone(), "UPDATE_ROLLBACK_COMPLETE".to_owned());
                    f.continued_with = Some(token.to_owned());
                    if f.continue_answer_lost {
                        f.continue_answer_lost = false;
                        Some(Err(server_error()))
                    } else {
                        Some(Ok(()))
                    }
                }
                // An empty token stands for none: nothing to know the request by.
                Some(_) if !token.is_empty() && f.continued_with.as_deref() == Some(token) => {
                    Some(Ok(()))
                }
                Some(status) => Some(Err(ApiError::client(
                    "ValidationError",
                    format!(
                        "Stack [{stack}] is in {status} state and ContinueUpdateRollback cannot be called from it"
                    ),
                ))),
            }
        };
        match answer {
            Some(answer) => answer,
            None => self.inner.continue_update_rollback(name, token).await,
        }
    }

    async fn set_termination_protection(&self, name: &str, enabled: bool) -> Result<(), ApiError> {
        self.before("UpdateTerminationProtection", name_of(name))
            .await?;
        self.inner.set_termination_protection(name, enabled).await
    }

    async fn set_stack_policy(&self, name: &str, policy: &str) -> Result<(), ApiError> {
        let expired = {
            let mut f = self.faults.lock().unwrap();
            match f.policy_credentials_expire_after.as_mut() {
                Some(0) => true,
                Some(n) => {
                    *n -= 1;
                    false
                }
                None => false,
            }
        };
        if expired {
            return Err(ApiError {
                kind: ApiErrorKind::Credentials,
                code: Some("ExpiredToken".to_owned()),
                message: "The security token included in the request is expired (injected)"
                    .to_owned(),
            });
        }
        self.before("SetStackPolicy", name_of(name)).await?;
        self.inner.set_stack_policy(name, policy).await
    }

    async fn stack_policy(&self, id: &str) -> Result<Option<String>, ApiError> {
        self.before("GetStackPolicy", name_of(id)).await?;
        if self.faults.lock().unwrap().no_get_stack_policy {
            return Err(ApiError {
                kind: ApiErrorKind::Unsupported,
                code: None,
                message: "the endpoint does not implement GetStackPolicy (injected)".to_owned(),
            });
        }
        self.inner.stack_policy(id).await
    }

    async fn list_imports(&self, export: &str) -> Result<Vec<String>, ApiError> {
        self.before("ListImports", export).await?;
        if self.faults.lock().unwrap().no_list_imports {
            return Err(ApiError {
                kind: ApiErrorKind::Unsupported,
                code: None,
                message: "the endpoint does not implement ListImports (injected)".to_owned(),
            });
        }
        let injected = self.faults.lock().unwrap().importers.get(export).cloned();
        match injected {
            Some(importers) => Ok(importers),
            None => self.inner.list_imports(export).await,
        }
    }

    async fn list_exports(&self) -> Result<Vec<(String, String)>, ApiError> {
        self.before("ListExports", "").await?;
        self.inner.list_exports().await
    }

    /// With `drifts`, a detection starts only on a stack whose status allows one, as on AWS
    /// (User Guide, "Detecting unmanaged configuration changes to stacks and resources": "You
    /// can perform drift detection on stacks with the following statuses: CREATE_COMPLETE,
    /// UPDATE_COMPLETE, UPDATE_ROLLBACK_COMPLETE, and UPDATE_ROLLBACK_FAILED"); any other is
    /// refused with a `ValidationError` (its words here are the seam's).
    async fn detect_drift(&self, name: &str) -> Result<String, ApiError> {
        self.before("DetectStackDrift", name).await?;
        if self.faults.lock().unwrap().drifts.is_some() {
            let stuck = self.faults.lock().unwrap().stuck.get(name).cloned();
            let status = match stuck {
                Some(status) => Some(status),
                None => self.inner.describe_stack(name).await?.map(|i| i.status),
            };
            return match status.as_deref() {
                Some(
                    "CREATE_COMPLETE"
                    | "UPDATE_COMPLETE"
                    | "UPDATE_ROLLBACK_COMPLETE"
                    | "UPDATE_ROLLBACK_FAILED",
                ) => Ok(format!("detection-{name}")),
                other => Err(ApiError::client(
                    "ValidationError",
                    format!(
                        "Stack [{name}] is {}: drift detection runs on a stack that is CREATE_COMPLETE, UPDATE_COMPLETE, UPDATE_ROLLBACK_COMPLETE or UPDATE_ROLLBACK_FAILED (injected)",
                        other.unwrap_or("missing")
                    ),
                )),
            };
        }
        self.inner.detect_drift(name).await
    }

    async fn drift_detection_status(&self, id: &str) -> Result<(String, Option<String>), ApiError> {
        self.before("DescribeStackDriftDetectionStatus", id).await?;
        let injected = {
            let faults = self.faults.lock().unwrap();
            faults.drifts.is_some().then(|| match &faults.drift_failed {
                Some(reason) => ("DETECTION_FAILED".to_owned(), Some(reason.clone())),
                None => ("DETECTION_COMPLETE".to_owned(), None),
            })
        };
        if let Some(answer) = injected {
            return Ok(answer);
        }
        self.inner.drift_detection_status(id).await
    }

    async fn resource_drifts(&self, name: &str) -> Result<Vec<ResourceDrift>, ApiError> {
        self.before("DescribeStackResourceDrifts", name).await?;
        let injected = self.faults.lock().unwrap().drifts.clone();
        match injected {
            Some(drifts) => Ok(drifts),
            None => self.inner.resource_drifts(name).await,
        }
    }
}

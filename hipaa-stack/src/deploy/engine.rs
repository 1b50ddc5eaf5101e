//! The engine: plans change sets wave by wave, executes them with bounded concurrency,
//! waits with timeouts, explains failures, destroys in reverse.
//!
//! CloudFormation holds all the state. The engine keeps none between runs: a rerun after a
//! failure or an interruption looks at the stacks as they are and converges.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use futures::stream::{self, StreamExt};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::api::{
    ApiError, ChangeSetRequest, CloudFormationApi, ResourceChange, StackEvent, StackInfo,
    TemplateSource,
};
use super::error::DeployError;
use super::guard::{self, Answer, Pending};
use super::plan::{self, Endangered, TEMPLATE_TAG};
use super::retry::{CallCounts, RetryPolicy, with_retry};
use super::staging::Staging;
use crate::compliance::report::sha256_hex;
use crate::synth::{Assembly, MAX_INLINE_TEMPLATE_BYTES, SynthesizedStack};

/// How the engine behaves.
#[derive(Debug, Clone)]
pub struct Options {
    /// Do not ask for confirmation.
    pub yes: bool,
    /// Stacks of one wave deployed at the same time.
    pub concurrency: usize,
    /// `stack/LogicalId` or `stack/Construct` of PHI stores that may be replaced or deleted.
    pub allow_replace: Vec<String>,
    /// Only these stacks (all when empty).
    pub stacks: Vec<String>,
    /// The longest wait for one stack.
    pub timeout: Duration,
    /// The first interval between two polls; it grows to `max_poll`.
    pub poll: Duration,
    /// The longest interval between two polls.
    pub max_poll: Duration,
    /// Retries of failed calls.
    pub retry: RetryPolicy,
    /// Show live progress bars (on a terminal).
    pub progress: bool,
    /// Stacks to take over although their `hipaa-stack:app` tag is missing or names another
    /// app (`--adopt STACK`).
    pub adopt: Vec<String>,
    /// How long to wait for another run of the app to finish before refusing.
    pub lock_wait: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            yes: false,
            concurrency: 4,
            allow_replace: Vec::new(),
            stacks: Vec::new(),
            timeout: Duration::from_secs(60 * 60),
            poll: Duration::from_secs(2),
            max_poll: Duration::from_secs(15),
            retry: RetryPolicy::default(),
            progress: std::io::stderr().is_terminal(),
            adopt: Vec::new(),
            lock_wait: Duration::from_secs(600),
        }
    }
}

/// What `preview` or `up` found for one stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanState {
    /// The deployed template and tags equal the new ones: no change set was created.
    Unchanged,
    /// A change set was created and had nothing to change.
    UpToDate,
    /// The stack will be created.
    Create,
    /// The stack will be updated.
    Update,
    /// A failed first create (`ROLLBACK_COMPLETE`) will be deleted and created anew.
    Recreate,
    /// The plan depends on changes of an earlier wave and is made after they deploy.
    Pending(String),
}

/// One resource change of a plan, with the construct it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedChange {
    /// `Add`, `Modify`, `Remove`, …
    pub action: String,
    /// The logical id.
    pub logical_id: String,
    /// The construct path, when the resource is in the new template.
    pub construct: Option<String>,
    /// The CloudFormation type.
    pub resource_type: String,
    /// `True`, `False` or `Conditional` for modifications.
    pub replacement: Option<String>,
    /// The properties that force a replacement, with their upstream causes.
    pub cause: String,
}

/// The plan of one stack.
#[derive(Debug, Clone)]
pub struct StackPlan {
    /// The stack.
    pub stack: String,
    /// What will happen.
    pub state: PlanState,
    /// The resource changes.
    pub changes: Vec<PlannedChange>,
    /// Changes that put PHI at risk (refused unless allowed).
    pub endangered: Vec<Endangered>,
    change_set: Option<String>,
    deployed: Option<StackInfo>,
}

impl StackPlan {
    /// Whether applying the plan changes anything.
    pub fn has_changes(&self) -> bool {
        matches!(
            self.state,
            PlanState::Create | PlanState::Update | PlanState::Recreate | PlanState::Pending(_)
        )
    }
}

/// What happened to one stack in `up`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deployed {
    /// The stack.
    pub stack: String,
    /// How it ended.
    pub state: PlanState,
    /// Its id.
    pub stack_id: String,
    /// When it was last created or updated.
    pub updated_at: Option<String>,
    /// Its outputs.
    pub outputs: Vec<(String, String)>,
}

/// A store of PHI that `destroy` kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retained {
    /// The stack it was in.
    pub stack: String,
    /// Its logical id.
    pub logical_id: String,
    /// The construct that made it.
    pub construct: String,
    /// Its CloudFormation type.
    pub resource_type: String,
    /// Its physical id (a bucket name, a key id, an instance identifier).
    pub physical_id: String,
    /// Whether it holds PHI (the access-log bucket does not).
    pub phi: bool,
    /// How it is kept: `retained`, or `final snapshot` for a database whose deletion
    /// protection is off.
    pub kept: &'static str,
}

/// What `destroy` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Destroyed {
    /// The stacks deleted, in order.
    pub deleted: Vec<String>,
    /// The stacks that did not exist.
    pub absent: Vec<String>,
    /// The stores of PHI left in place.
    pub retained: Vec<Retained>,
}

/// Drift of one stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackDrift {
    /// The stack.
    pub stack: String,
    /// `IN_SYNC`, `DRIFTED`, …
    pub status: String,
    /// The resources that drifted: logical id, type, status, differences.
    pub resources: Vec<super::api::ResourceDrift>,
}

/// A stack's name and, when it existed, the stores of PHI its deletion kept.
type StackDeletion = (String, Option<Vec<Retained>>);

/// The deploy engine over an assembly.
pub struct Deployer<'a, C> {
    api: C,
    calls: CallCounts,
    assembly: &'a Assembly,
    options: Options,
    staging: Option<Staging>,
    in_flight: Mutex<BTreeMap<String, String>>,
    bars: MultiProgress,
    pending: Pending,
    run: String,
    staging_calls: CallCounts,
}

impl<C> std::fmt::Debug for Deployer<'_, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deployer")
            .field("app", &self.assembly.app())
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// Whether a stack is in a status that no running operation will change. `REVIEW_IN_PROGRESS`
/// (a stack created by a change set that was never executed) stays so until a change set
/// runs: it is stable, and planned as a create.
fn stable(status: &str) -> bool {
    !status.ends_with("_IN_PROGRESS") || status == "REVIEW_IN_PROGRESS"
}

fn succeeded(status: &str) -> bool {
    matches!(
        status,
        "CREATE_COMPLETE" | "UPDATE_COMPLETE" | "IMPORT_COMPLETE"
    )
}

impl<'a, C: CloudFormationApi> Deployer<'a, C> {
    /// An engine that deploys `assembly` through `api`; `staging` takes templates too large
    /// to send inline.
    pub fn new(api: C, assembly: &'a Assembly, options: Options, staging: Option<Staging>) -> Self {
        let bars = MultiProgress::with_draw_target(if options.progress {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        });
        Deployer {
            api,
            calls: CallCounts::default(),
            assembly,
            options,
            staging,
            in_flight: Mutex::new(BTreeMap::new()),
            bars,
            pending: Pending::default(),
            run: guard::run_id(),
            staging_calls: CallCounts::default(),
        }
    }

    /// The API the engine calls.
    pub fn api(&self) -> &C {
        &self.api
    }

    /// Every call made so far, by operation.
    pub fn calls(&self) -> &CallCounts {
        &self.calls
    }

    /// Every call to S3 and STS for the staging bucket and the run lock, by operation.
    pub fn staging_calls(&self) -> &CallCounts {
        &self.staging_calls
    }

    /// This run's id, in the lock and in the descriptions of its change sets.
    pub fn run_id(&self) -> &str {
        &self.run
    }

    fn say(&self, line: impl AsRef<str>) {
        // Printed above the progress bars, or plainly without them.
        let _ = self.bars.println(line.as_ref());
        if !self.options.progress {
            // A closed standard error is no reason to stop a deploy.
            let _ = writeln!(std::io::stderr(), "{}", line.as_ref());
        }
    }

    fn track(&self, stack: &str, status: Option<&str>) {
        if let Ok(mut in_flight) = self.in_flight.lock() {
            match status {
                Some(s) => {
                    in_flight.insert(stack.to_owned(), s.to_owned());
                }
                None => {
                    in_flight.remove(stack);
                }
            }
        }
    }

    fn interrupted(&self) -> DeployError {
        let in_flight = self
            .in_flight
            .lock()
            .map(|f| f.iter().map(|(s, st)| format!("`{s}` ({st})")).collect())
            .unwrap_or_default();
        DeployError::Interrupted {
            in_flight,
            discarded: Vec::new(),
            left: Vec::new(),
        }
    }

    /// Runs `work` holding the app's run lock (when there is a staging bucket), stops it on
    /// Ctrl-C, and then deletes the change sets it created and never executed.
    async fn guarded<T>(
        &self,
        command: &str,
        work: impl std::future::Future<Output = Result<T, DeployError>>,
    ) -> Result<T, DeployError> {
        let lock = match &self.staging {
            Some(staging) => {
                let hold = self
                    .options
                    .timeout
                    .saturating_mul(self.waves().len() as u32 + 1)
                    + Duration::from_secs(300);
                let say = |line: String| self.say(line);
                let taken = tokio::select! {
                    l = staging.lock(
                        &say,
                        self.assembly.app(),
                        command,
                        &self.run,
                        hold,
                        self.options.lock_wait,
                        self.options.retry,
                        &self.staging_calls,
                    ) => l,
                    _ = tokio::signal::ctrl_c() => {
                        let release = staging.release(
                            self.assembly.app(),
                            &self.run,
                            self.options.retry,
                            &self.staging_calls,
                        );
                        let _ = tokio::time::timeout(Duration::from_secs(10), release).await;
                        Err(self.interrupted())
                    }
                };
                for note in staging.take_notes() {
                    self.say(note);
                }
                Some(taken?)
            }
            None => None,
        };
        let result = tokio::select! {
            r = work => r,
            _ = tokio::signal::ctrl_c() => Err(self.interrupted()),
        };
        let (discarded, left) = self.discard_pending().await;
        if let (Some(staging), Some(lock)) = (&self.staging, &lock) {
            let released = tokio::time::timeout(
                Duration::from_secs(30),
                staging.unlock(lock, self.options.retry, &self.staging_calls),
            )
            .await;
            if !matches!(released, Ok(Ok(()))) {
                self.say(format!(
                    "could not release the run lock of app `{}`; it expires by itself",
                    self.assembly.app()
                ));
            }
        }
        match result {
            Err(DeployError::Interrupted { in_flight, .. }) => Err(DeployError::Interrupted {
                in_flight,
                discarded,
                left,
            }),
            other => other,
        }
    }

    /// Deletes what this run created for change sets it never executed, and says so.
    async fn discard_pending(&self) -> (Vec<String>, Vec<String>) {
        let done = guard::discard(&self.api, &self.pending).await;
        for d in &done.deleted {
            self.say(format!(
                "deleted what this run had prepared and not executed: {d}"
            ));
        }
        for l in &done.left {
            self.say(format!(
                "could not delete the change set of {l}; delete it in the console"
            ));
        }
        (done.deleted, done.left)
    }

    async fn call<T, F, Fut>(
        &self,
        stack: &str,
        operation: &'static str,
        f: F,
    ) -> Result<T, DeployError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, ApiError>>,
    {
        with_retry(self.options.retry, &self.calls, operation, f)
            .await
            .map_err(|e| DeployError::api(stack, operation, e))
    }

    /// The selected stacks, grouped by wave, in deploy order.
    fn waves(&self) -> Vec<Vec<&'a SynthesizedStack>> {
        let mut waves: Vec<Vec<&SynthesizedStack>> = Vec::new();
        for s in self.assembly.stacks() {
            if !self.options.stacks.is_empty() && !self.options.stacks.iter().any(|n| n == s.name())
            {
                continue;
            }
            if waves.len() <= s.wave() {
                waves.resize_with(s.wave() + 1, Vec::new);
            }
            waves[s.wave()].push(s);
        }
        waves.retain(|w| !w.is_empty());
        waves
    }

    async fn confirm(&self, action: &str) -> Result<(), DeployError> {
        if self.options.yes {
            return Ok(());
        }
        if !std::io::stdin().is_terminal() {
            return Err(DeployError::NotInteractive {
                action: action.to_owned(),
            });
        }
        self.bars.set_draw_target(ProgressDrawTarget::hidden());
        let answer = guard::ask(action).await;
        if self.options.progress {
            self.bars.set_draw_target(ProgressDrawTarget::stderr());
        }
        match answer {
            Answer::Yes => Ok(()),
            Answer::No => Err(DeployError::Declined {
                action: action.to_owned(),
            }),
            Answer::Interrupted => Err(self.interrupted()),
        }
    }

    async fn template_source(
        &self,
        stack: &SynthesizedStack,
    ) -> Result<TemplateSource, DeployError> {
        if stack.template_json().len() <= MAX_INLINE_TEMPLATE_BYTES {
            return Ok(TemplateSource::Body(stack.template_json().to_owned()));
        }
        let Some(staging) = &self.staging else {
            return Err(DeployError::StackState {
                stack: stack.name().to_owned(),
                status: format!("{} bytes of template", stack.template_json().len()),
                hint: "templates over 51,200 bytes go through the S3 staging bucket, which this run has not set up"
                    .to_owned(),
            });
        };
        let url = staging
            .upload(
                self.assembly.app(),
                stack.name(),
                stack.template_json(),
                self.options.retry,
                &self.staging_calls,
            )
            .await?;
        for note in staging.take_notes() {
            self.say(note);
        }
        Ok(TemplateSource::Url(url))
    }

    async fn describe(&self, stack: &str) -> Result<Option<StackInfo>, DeployError> {
        self.call(stack, "DescribeStacks", || self.api.describe_stack(stack))
            .await
    }

    /// Waits for a stack to leave every `*_IN_PROGRESS` status, showing its progress.
    /// `None` when it is gone.
    async fn wait(
        &self,
        stack: &SynthesizedStack,
        seen_before: &BTreeSet<String>,
    ) -> Result<Option<StackInfo>, DeployError> {
        let name = stack.name();
        let start = Instant::now();
        let mut interval = self.options.poll;
        let total = stack.template().resources().len() as u64;
        let bar = self.bars.add(ProgressBar::new(total.max(1)));
        bar.set_style(
            ProgressStyle::with_template("{spinner} {prefix:<28} {pos:>3}/{len} {wide_msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_prefix(name.to_owned());
        let mut done: BTreeSet<String> = BTreeSet::new();
        let mut last_status = String::new();
        let result = loop {
            let info = self.describe(name).await?;
            let Some(info) = info else {
                break Ok(None);
            };
            if info.status != last_status {
                self.track(name, Some(&info.status));
                if !self.options.progress {
                    self.say(format!("  {name}: {}", info.status));
                }
                last_status.clone_from(&info.status);
            }
            if stable(&info.status) {
                break Ok(Some(info));
            }
            if self.options.progress {
                let events = self
                    .call(name, "DescribeStackEvents", || self.api.stack_events(name))
                    .await
                    .unwrap_or_default();
                for e in events.iter().filter(|e| !seen_before.contains(&e.id)) {
                    if e.logical_id != name && e.status.ends_with("_COMPLETE") {
                        done.insert(e.logical_id.clone());
                    }
                }
                bar.set_position(done.len() as u64);
                if let Some(latest) = events.first() {
                    bar.set_message(format!(
                        "{} {} {}",
                        info.status, latest.logical_id, latest.status
                    ));
                }
                bar.tick();
            }
            if start.elapsed() >= self.options.timeout {
                break Err(DeployError::Timeout {
                    stack: name.to_owned(),
                    status: info.status,
                    waited: start.elapsed(),
                });
            }
            tokio::time::sleep(interval).await;
            interval = interval.mul_f64(1.5).min(self.options.max_poll);
        };
        bar.finish_and_clear();
        self.bars.remove(&bar);
        result
    }

    async fn event_ids(&self, stack: &str) -> BTreeSet<String> {
        self.call(stack, "DescribeStackEvents", || {
            self.api.stack_events(stack)
        })
        .await
        .map(|events| events.into_iter().map(|e| e.id).collect())
        .unwrap_or_default()
    }

    /// The error for a stack that ended badly: its root-cause event, the construct, the
    /// next step.
    async fn failure(
        &self,
        stack: &SynthesizedStack,
        status: &str,
        seen_before: &BTreeSet<String>,
    ) -> DeployError {
        let name = stack.name();
        let events: Vec<StackEvent> = self
            .call(name, "DescribeStackEvents", || self.api.stack_events(name))
            .await
            .unwrap_or_default();
        let cause = match plan::root_cause(&events, name, seen_before) {
            Some(e) => {
                let construct = stack
                    .template()
                    .resource(&e.logical_id)
                    .and_then(crate::cfn::Resource::construct_path)
                    .map(|p| format!(" ({p})"))
                    .unwrap_or_default();
                format!(
                    "`{}`{construct} {}: {}",
                    e.logical_id,
                    e.status,
                    e.reason.as_deref().unwrap_or("no reason given")
                )
            }
            None => "no failed resource was reported".to_owned(),
        };
        DeployError::StackFailed {
            stack: name.to_owned(),
            status: status.to_owned(),
            cause,
            next: plan::next_step(status),
        }
    }

    /// Brings a stack to a state a change set can start from: waits out a running
    /// operation, deletes a failed first create, continues a failed rollback.
    async fn recover(&self, stack: &SynthesizedStack) -> Result<Option<StackInfo>, DeployError> {
        let name = stack.name();
        let Some(info) = self.describe(name).await? else {
            return Ok(None);
        };
        guard::check_owner(self.assembly.app(), &info, &self.options.adopt)?;
        let info = if stable(&info.status) {
            info
        } else {
            self.say(format!(
                "{name} is {} (another run, or an operation started elsewhere); waiting for it to finish",
                info.status
            ));
            match self.wait(stack, &BTreeSet::new()).await? {
                Some(info) => info,
                None => return Ok(None),
            }
        };
        match info.status.as_str() {
            "ROLLBACK_COMPLETE" | "ROLLBACK_FAILED" => {
                self.confirm(&format!(
                    "stack `{name}` is {} after a failed first create and cannot be updated; delete it and create it anew",
                    info.status
                ))
                .await?;
                self.say(format!("{name}: deleting the failed first create"));
                self.call(name, "DeleteStack", || self.api.delete_stack(name, &[]))
                    .await?;
                if let Some(left) = self.wait(stack, &BTreeSet::new()).await? {
                    return Err(DeployError::StackState {
                        stack: name.to_owned(),
                        status: left.status,
                        hint: "the failed stack could not be deleted; delete it in the console, then run `up` again".to_owned(),
                    });
                }
                Ok(None)
            }
            "UPDATE_ROLLBACK_FAILED" => {
                self.confirm(&format!(
                    "stack `{name}` is UPDATE_ROLLBACK_FAILED; continue the rollback"
                ))
                .await?;
                self.call(name, "ContinueUpdateRollback", || {
                    self.api.continue_update_rollback(name)
                })
                .await?;
                match self.wait(stack, &BTreeSet::new()).await? {
                    Some(i) if i.status == "UPDATE_ROLLBACK_COMPLETE" => Ok(Some(i)),
                    Some(i) => Err(self.failure(stack, &i.status, &BTreeSet::new()).await),
                    None => Ok(None),
                }
            }
            "DELETE_FAILED" => Err(DeployError::StackState {
                stack: name.to_owned(),
                status: info.status,
                hint: "run `destroy` to finish deleting it, then `up`".to_owned(),
            }),
            _ => Ok(Some(info)),
        }
    }

    /// Plans one stack: no call beyond one read when it is unchanged, else a change set,
    /// described and checked for PHI at risk.
    async fn plan(
        &self,
        stack: &SynthesizedStack,
        known: Option<Option<StackInfo>>,
        pending: &BTreeSet<&str>,
    ) -> Result<StackPlan, DeployError> {
        let name = stack.name();
        let info = match known {
            Some(info) => info,
            None => self.describe(name).await?,
        };
        if let Some(info) = &info {
            guard::check_owner(self.assembly.app(), info, &self.options.adopt)?;
        }
        let tags = plan::tags(self.assembly.app(), stack);
        let mut result = StackPlan {
            stack: name.to_owned(),
            state: PlanState::Create,
            changes: Vec::new(),
            endangered: Vec::new(),
            change_set: None,
            deployed: info.clone(),
        };
        let create = match &info {
            None => true,
            Some(i) if matches!(i.status.as_str(), "ROLLBACK_COMPLETE" | "ROLLBACK_FAILED") => {
                result.state = PlanState::Recreate;
                return Ok(result);
            }
            Some(i) if i.status == "REVIEW_IN_PROGRESS" => true,
            Some(i) if !stable(&i.status) || i.status.ends_with("_FAILED") => {
                return Err(DeployError::StackState {
                    stack: name.to_owned(),
                    status: i.status.clone(),
                    hint: "wait for it to finish, or run `up`, which waits and recovers".to_owned(),
                });
            }
            Some(i) => {
                if i.tags.get(TEMPLATE_TAG) == tags.get(TEMPLATE_TAG) && i.tags == tags {
                    result.state = PlanState::Unchanged;
                    return Ok(result);
                }
                false
            }
        };
        let waits_on: Vec<&str> = stack
            .dependencies()
            .iter()
            .map(String::as_str)
            .filter(|d| pending.contains(d))
            .collect();
        let template = self.template_source(stack).await?;
        let request = ChangeSetRequest {
            stack: name.to_owned(),
            name: format!("hipaa-stack-{}", &sha256_hex(stack.template_json())[..16]),
            create,
            template,
            capabilities: plan::capabilities(stack.template()),
            tags,
            description: format!(
                "hipaa-stack {} for app {}, run {}",
                env!("CARGO_PKG_VERSION"),
                self.assembly.app(),
                self.run
            ),
        };
        let arn = match self
            .call(name, "CreateChangeSet", || {
                self.api.create_change_set(&request)
            })
            .await
        {
            Ok(arn) => {
                self.pending.created(name, &arn, info.is_none());
                arn
            }
            Err(e) if !waits_on.is_empty() => {
                result.state = PlanState::Pending(format!(
                    "planned after {} deploy(s) ({e})",
                    waits_on.join(", ")
                ));
                return Ok(result);
            }
            Err(e) => return Err(e),
        };
        let described = self.wait_change_set(name, &arn).await?;
        if described.status == "FAILED" {
            if self
                .call(name, "DeleteChangeSet", || self.api.delete_change_set(&arn))
                .await
                .is_ok()
            {
                self.pending.done(&arn);
            }
            if plan::is_no_change(described.status_reason.as_deref()) {
                result.state = PlanState::UpToDate;
                return Ok(result);
            }
            let reason = described.status_reason.unwrap_or_default();
            if !waits_on.is_empty() {
                result.state = PlanState::Pending(format!(
                    "planned after {} deploy(s): {reason}",
                    waits_on.join(", ")
                ));
                return Ok(result);
            }
            return Err(DeployError::ChangeSetFailed {
                stack: name.to_owned(),
                reason,
            });
        }
        result.state = if create {
            PlanState::Create
        } else {
            PlanState::Update
        };
        result.endangered =
            plan::endangered(stack, None, &described.changes, &self.options.allow_replace);
        result.changes = described
            .changes
            .iter()
            .map(|c| planned(stack, c))
            .collect();
        result.change_set = Some(arn);
        Ok(result)
    }

    async fn wait_change_set(
        &self,
        stack: &str,
        arn: &str,
    ) -> Result<super::api::ChangeSetInfo, DeployError> {
        let start = Instant::now();
        let mut interval = self.options.poll.min(Duration::from_millis(500));
        loop {
            let info = self
                .call(stack, "DescribeChangeSet", || {
                    self.api.describe_change_set(arn)
                })
                .await?;
            if !matches!(
                info.status.as_str(),
                "CREATE_PENDING" | "CREATE_IN_PROGRESS"
            ) {
                return Ok(info);
            }
            if start.elapsed() >= self.options.timeout {
                return Err(DeployError::Timeout {
                    stack: stack.to_owned(),
                    status: format!("change set {}", info.status),
                    waited: start.elapsed(),
                });
            }
            tokio::time::sleep(interval).await;
            interval = interval.mul_f64(1.5).min(self.options.max_poll);
        }
    }

    async fn discard(&self, plans: &[StackPlan]) {
        for p in plans {
            if let Some(arn) = &p.change_set
                && self
                    .call(&p.stack, "DeleteChangeSet", || {
                        self.api.delete_change_set(arn)
                    })
                    .await
                    .is_ok()
            {
                self.pending.done(arn);
            }
        }
    }

    async fn plan_wave(
        &self,
        wave: &[&'a SynthesizedStack],
        known: Vec<Option<Option<StackInfo>>>,
        pending: &BTreeSet<&str>,
    ) -> (Vec<StackPlan>, Vec<DeployError>) {
        let results: Vec<Result<StackPlan, DeployError>> = stream::iter(wave.iter().zip(known))
            .map(|(s, k)| self.plan(s, k, pending))
            .buffered(self.options.concurrency.max(1))
            .collect()
            .await;
        let mut plans = Vec::new();
        let mut errors = Vec::new();
        for r in results {
            match r {
                Ok(p) => plans.push(p),
                Err(e) => errors.push(e),
            }
        }
        (plans, errors)
    }

    /// Plans every selected stack without changing anything: change sets are created,
    /// described and deleted. Stacks that depend on an earlier wave's pending changes are
    /// planned as far as CloudFormation allows.
    pub async fn preview(&self) -> Result<Vec<StackPlan>, DeployError> {
        self.guarded("preview", self.preview_inner()).await
    }

    async fn preview_inner(&self) -> Result<Vec<StackPlan>, DeployError> {
        let mut all = Vec::new();
        let mut pending: BTreeSet<&str> = BTreeSet::new();
        for wave in self.waves() {
            let (plans, errors) = self
                .plan_wave(&wave, vec![None; wave.len()], &pending)
                .await;
            self.discard(&plans).await;
            if let Some(e) = DeployError::combine(errors) {
                return Err(e);
            }
            for (p, s) in plans.iter().zip(&wave) {
                if p.has_changes() {
                    pending.insert(s.name());
                }
            }
            all.extend(plans);
        }
        Ok(all)
    }

    /// Deploys every selected stack, wave by wave, stacks of a wave concurrently.
    ///
    /// Ctrl-C stops waiting and says where the stacks stand; CloudFormation goes on, and
    /// running `up` again converges.
    pub async fn up(&self) -> Result<Vec<Deployed>, DeployError> {
        self.guarded("up", self.up_inner()).await
    }

    async fn up_inner(&self) -> Result<Vec<Deployed>, DeployError> {
        let mut deployed = Vec::new();
        for wave in self.waves() {
            // Each stack's state, read (and, when needed, recovered) concurrently.
            let recovered: Vec<Result<Option<StackInfo>, DeployError>> = stream::iter(wave.iter())
                .map(|s| self.recover(s))
                .buffered(self.options.concurrency.max(1))
                .collect()
                .await;
            let mut known = Vec::with_capacity(wave.len());
            for r in recovered {
                known.push(Some(r?));
            }
            let (plans, errors) = self.plan_wave(&wave, known, &BTreeSet::new()).await;
            if let Some(e) = DeployError::combine(errors) {
                self.discard(&plans).await;
                return Err(e);
            }
            let endangered: Vec<Endangered> =
                plans.iter().flat_map(|p| p.endangered.clone()).collect();
            if !endangered.is_empty() {
                self.discard(&plans).await;
                return Err(DeployError::Endangered {
                    changes: endangered,
                });
            }
            for p in &plans {
                self.say(describe_plan(p));
            }
            let changing: Vec<&StackPlan> =
                plans.iter().filter(|p| p.change_set.is_some()).collect();
            if !changing.is_empty() {
                let names: Vec<&str> = changing.iter().map(|p| p.stack.as_str()).collect();
                if let Err(e) = self.confirm(&format!("deploy {}", names.join(", "))).await {
                    // On Ctrl-C the guard deletes them, and says so.
                    if !matches!(e, DeployError::Interrupted { .. }) {
                        self.discard(&plans).await;
                    }
                    return Err(e);
                }
            }
            let results: Vec<Result<Deployed, DeployError>> = stream::iter(wave.iter().zip(&plans))
                .map(|(s, p)| self.apply(s, p))
                .buffered(self.options.concurrency.max(1))
                .collect()
                .await;
            let mut errors = Vec::new();
            for r in results {
                match r {
                    Ok(d) => deployed.push(d),
                    Err(e) => errors.push(e),
                }
            }
            if let Some(e) = DeployError::combine(errors) {
                return Err(e);
            }
        }
        Ok(deployed)
    }

    /// Executes one stack's plan and waits for it; unchanged stacks cost nothing more.
    async fn apply(
        &self,
        stack: &SynthesizedStack,
        p: &StackPlan,
    ) -> Result<Deployed, DeployError> {
        let name = stack.name();
        let info = match &p.change_set {
            None => p.deployed.clone(),
            Some(arn) => {
                let seen = self.event_ids(name).await;
                self.track(name, Some("EXECUTING"));
                let executed = self.execute(name, arn).await;
                if executed.is_ok() {
                    self.pending.done(arn);
                }
                if let Err(e) = executed {
                    self.track(name, None);
                    let cause = match e {
                        DeployError::Api { source, .. } => source.to_string(),
                        other => return Err(other),
                    };
                    return Err(DeployError::StackFailed {
                        stack: name.to_owned(),
                        status: "not executed".to_owned(),
                        cause,
                        next: plan::next_step(""),
                    });
                }
                let info = self.wait(stack, &seen).await;
                self.track(name, None);
                let info = info?;
                match &info {
                    Some(i) if succeeded(&i.status) => {}
                    Some(i) => return Err(self.failure(stack, &i.status, &seen).await),
                    None => {
                        return Err(DeployError::StackState {
                            stack: name.to_owned(),
                            status: "gone".to_owned(),
                            hint: "the stack was deleted while it deployed; run `up` again"
                                .to_owned(),
                        });
                    }
                }
                if stack.production() {
                    self.protect(
                        stack,
                        info.as_ref().is_some_and(|i| i.termination_protection),
                    )
                    .await?;
                }
                info
            }
        };
        let info = info.unwrap_or_default();
        Ok(Deployed {
            stack: name.to_owned(),
            state: p.state.clone(),
            stack_id: info.id,
            updated_at: info.updated_at,
            outputs: info.outputs.into_iter().map(|(k, v, _)| (k, v)).collect(),
        })
    }

    /// Executes a change set. Executing is not idempotent, so after a server error or a
    /// timeout the change set is asked whether it started before trying again; throttling
    /// means the request was not taken, and is retried as usual.
    async fn execute(&self, stack: &str, arn: &str) -> Result<(), DeployError> {
        let policy = RetryPolicy {
            attempts: 1,
            ..self.options.retry
        };
        for attempt in 1..=self.options.retry.attempts.max(1) {
            let once = with_retry(policy, &self.calls, "ExecuteChangeSet", || {
                self.api.execute_change_set(arn)
            })
            .await;
            let err = match once {
                Ok(()) => return Ok(()),
                Err(err) => err,
            };
            let last = attempt == self.options.retry.attempts.max(1);
            match err.kind {
                super::api::ApiErrorKind::Throttled if !last => {}
                super::api::ApiErrorKind::Transient if !last => {
                    let state = self
                        .call(stack, "DescribeChangeSet", || {
                            self.api.describe_change_set(arn)
                        })
                        .await?;
                    if state.execution_status.as_deref() != Some("AVAILABLE") {
                        // It started: wait for the stack rather than execute twice.
                        return Ok(());
                    }
                }
                _ => return Err(DeployError::api(stack, "ExecuteChangeSet", err)),
            }
            tokio::time::sleep(
                self.options
                    .retry
                    .base_delay
                    .saturating_mul(1 << attempt.min(6)),
            )
            .await;
        }
        Ok(())
    }

    /// Termination protection and the stack policy of a production stack.
    async fn protect(&self, stack: &SynthesizedStack, protected: bool) -> Result<(), DeployError> {
        let name = stack.name();
        if !protected {
            self.call(name, "UpdateTerminationProtection", || {
                self.api.set_termination_protection(name, true)
            })
            .await?;
        }
        if let Some(policy) = plan::stack_policy(stack.template()) {
            self.call(name, "SetStackPolicy", || {
                self.api.set_stack_policy(name, &policy)
            })
            .await?;
        }
        Ok(())
    }

    /// Deletes every selected stack, waves in reverse, stacks of a wave concurrently. Stores
    /// of PHI are kept and listed.
    pub async fn destroy(&self) -> Result<Destroyed, DeployError> {
        self.guarded("destroy", self.destroy_inner()).await
    }

    async fn destroy_inner(&self) -> Result<Destroyed, DeployError> {
        let waves = self.waves();
        let names: Vec<&str> = waves.iter().rev().flatten().map(|s| s.name()).collect();
        // Refuse stacks of another app before asking anything.
        for name in &names {
            if let Some(info) = self.describe(name).await? {
                guard::check_owner(self.assembly.app(), &info, &self.options.adopt)?;
            }
        }
        self.confirm(&format!(
            "destroy {} (stores of PHI are kept)",
            names.join(", ")
        ))
        .await?;
        let mut out = Destroyed::default();
        let ours: BTreeSet<&str> = names.iter().copied().collect();
        for wave in waves.iter().rev() {
            let results: Vec<Result<StackDeletion, DeployError>> = stream::iter(wave.iter())
                .map(|s| self.destroy_stack(s, &ours))
                .buffered(self.options.concurrency.max(1))
                .collect()
                .await;
            let mut errors = Vec::new();
            for r in results {
                match r {
                    Ok((name, Some(retained))) => {
                        out.deleted.push(name);
                        out.retained.extend(retained);
                    }
                    Ok((name, None)) => out.absent.push(name),
                    Err(e) => errors.push(e),
                }
            }
            if let Some(e) = DeployError::combine(errors) {
                return Err(e);
            }
        }
        Ok(out)
    }

    async fn destroy_stack(
        &self,
        stack: &SynthesizedStack,
        ours: &BTreeSet<&str>,
    ) -> Result<StackDeletion, DeployError> {
        let name = stack.name();
        let Some(info) = self.describe(name).await? else {
            return Ok((name.to_owned(), None));
        };
        guard::check_owner(self.assembly.app(), &info, &self.options.adopt)?;
        if info.termination_protection {
            return Err(DeployError::TerminationProtected {
                stack: name.to_owned(),
            });
        }
        for (_, _, export) in &info.outputs {
            let Some(export) = export else { continue };
            let listed = with_retry(self.options.retry, &self.calls, "ListImports", || {
                self.api.list_imports(export)
            })
            .await;
            let importers = match listed {
                Ok(importers) => importers,
                Err(e) if e.kind == super::api::ApiErrorKind::Unsupported => {
                    self.say(format!(
                        "{name}: the endpoint cannot list the importers of `{export}`; CloudFormation itself refuses to delete an export in use"
                    ));
                    Vec::new()
                }
                Err(e) => return Err(DeployError::api(name, "ListImports", e)),
            };
            let outside: Vec<String> = importers
                .into_iter()
                .filter(|i| !ours.contains(i.as_str()))
                .collect();
            if !outside.is_empty() {
                return Err(DeployError::StillImported {
                    stack: name.to_owned(),
                    export: export.clone(),
                    importers: outside,
                });
            }
        }
        let resources = self
            .call(name, "DescribeStackResources", || {
                self.api.stack_resources(name)
            })
            .await?;
        let template = stack.template();
        let retained: Vec<Retained> = resources
            .iter()
            .filter_map(|r| {
                let resource = template.resource(&r.logical_id)?;
                let keep = resource.kept()?;
                let protected = resource.properties()["DeletionProtection"] == true;
                Some(Retained {
                    stack: name.to_owned(),
                    logical_id: r.logical_id.clone(),
                    construct: resource.construct_path().unwrap_or_default().to_owned(),
                    resource_type: r.resource_type.clone(),
                    physical_id: r.physical_id.clone().unwrap_or_default(),
                    phi: plan::is_phi_store(template, &r.logical_id, &r.resource_type),
                    kept: match keep {
                        crate::cfn::Keep::Snapshot if !protected => "final snapshot",
                        _ => "retained",
                    },
                })
            })
            .collect();
        let seen = self.event_ids(name).await;
        self.say(format!("{name}: deleting"));
        self.call(name, "DeleteStack", || self.api.delete_stack(name, &[]))
            .await?;
        self.track(name, Some("DELETE_IN_PROGRESS"));
        let left = self.wait(stack, &seen).await;
        self.track(name, None);
        if let Some(left) = left? {
            if left.status == "DELETE_FAILED" {
                // Stores of PHI that refuse deletion (deletion protection) are kept on purpose.
                let keep: Vec<String> = retained
                    .iter()
                    .filter(|r| r.kept == "retained")
                    .map(|r| r.logical_id.clone())
                    .collect();
                if !keep.is_empty() {
                    self.say(format!(
                        "{name}: deleting again, keeping {}",
                        keep.join(", ")
                    ));
                    self.call(name, "DeleteStack", || self.api.delete_stack(name, &keep))
                        .await?;
                    match self.wait(stack, &seen).await? {
                        None => return Ok((name.to_owned(), Some(retained))),
                        Some(i) => return Err(self.failure(stack, &i.status, &seen).await),
                    }
                }
            }
            return Err(self.failure(stack, &left.status, &seen).await);
        }
        Ok((name.to_owned(), Some(retained)))
    }

    /// The outputs of every selected stack that exists.
    /// Stacks that are not deployed are named on standard error; when none is,
    /// [`DeployError::NotDeployed`].
    pub async fn outputs(&self) -> Result<Vec<(String, Vec<(String, String)>)>, DeployError> {
        let work = async {
            let mut out = Vec::new();
            let mut missing = Vec::new();
            for s in self.waves().into_iter().flatten() {
                let info = self.describe(s.name()).await?;
                if let Some(info) = &info {
                    guard::check_owner(self.assembly.app(), info, &self.options.adopt)?;
                }
                match info {
                    Some(info) if info.status != "REVIEW_IN_PROGRESS" => out.push((
                        s.name().to_owned(),
                        info.outputs.into_iter().map(|(k, v, _)| (k, v)).collect(),
                    )),
                    _ => missing.push(s.name().to_owned()),
                }
            }
            if out.is_empty() {
                return Err(DeployError::NotDeployed { stacks: missing });
            }
            for m in &missing {
                self.say(format!("{m}: not deployed"));
            }
            Ok(out)
        };
        tokio::select! {
            r = work => r,
            _ = tokio::signal::ctrl_c() => Err(self.interrupted()),
        }
    }

    /// Runs CloudFormation drift detection on every selected stack that exists.
    /// Stacks that are not deployed make it fail ([`DeployError::NotDeployed`]) before any
    /// detection starts: drift of those cannot be known.
    pub async fn drift(&self) -> Result<Vec<StackDrift>, DeployError> {
        tokio::select! {
            r = self.drift_inner() => r,
            _ = tokio::signal::ctrl_c() => Err(self.interrupted()),
        }
    }

    async fn drift_inner(&self) -> Result<Vec<StackDrift>, DeployError> {
        let mut missing = Vec::new();
        for s in self.waves().into_iter().flatten() {
            match self.describe(s.name()).await? {
                Some(info) if info.status != "REVIEW_IN_PROGRESS" => {
                    guard::check_owner(self.assembly.app(), &info, &self.options.adopt)?;
                }
                _ => missing.push(s.name().to_owned()),
            }
        }
        if !missing.is_empty() {
            return Err(DeployError::NotDeployed { stacks: missing });
        }
        let mut out = Vec::new();
        for s in self.waves().into_iter().flatten() {
            let name = s.name();
            let detected = with_retry(self.options.retry, &self.calls, "DetectStackDrift", || {
                self.api.detect_drift(name)
            })
            .await;
            let id = match detected {
                Ok(id) => id,
                Err(e) if e.kind == super::api::ApiErrorKind::Unsupported => {
                    return Err(DeployError::Unsupported {
                        endpoint: self.api.endpoint(),
                        operation: "DetectStackDrift",
                        command: "drift",
                    });
                }
                Err(e) => return Err(DeployError::api(name, "DetectStackDrift", e)),
            };
            let start = Instant::now();
            let mut interval = self.options.poll;
            let status = loop {
                let (status, reason) = self
                    .call(name, "DescribeStackDriftDetectionStatus", || {
                        self.api.drift_detection_status(&id)
                    })
                    .await?;
                match status.as_str() {
                    "DETECTION_COMPLETE" => break status,
                    "DETECTION_FAILED" => {
                        return Err(DeployError::StackState {
                            stack: name.to_owned(),
                            status,
                            hint: format!("drift detection failed: {}", reason.unwrap_or_default()),
                        });
                    }
                    _ if start.elapsed() >= self.options.timeout => {
                        return Err(DeployError::Timeout {
                            stack: name.to_owned(),
                            status,
                            waited: start.elapsed(),
                        });
                    }
                    _ => {
                        tokio::time::sleep(interval).await;
                        interval = interval.mul_f64(1.5).min(self.options.max_poll);
                    }
                }
            };
            let resources: Vec<_> = self
                .call(name, "DescribeStackResourceDrifts", || {
                    self.api.resource_drifts(name)
                })
                .await?
                .into_iter()
                .filter(|r| r.status != "IN_SYNC" && r.status != "NOT_CHECKED")
                .collect();
            out.push(StackDrift {
                stack: name.to_owned(),
                status: if resources.is_empty() {
                    "IN_SYNC".to_owned()
                } else {
                    "DRIFTED".to_owned()
                },
                resources,
            });
            let _ = status;
        }
        Ok(out)
    }
}

fn planned(stack: &SynthesizedStack, c: &ResourceChange) -> PlannedChange {
    PlannedChange {
        action: c.action.clone(),
        logical_id: c.logical_id.clone(),
        construct: stack
            .template()
            .resource(&c.logical_id)
            .and_then(crate::cfn::Resource::construct_path)
            .map(str::to_owned),
        resource_type: c.resource_type.clone(),
        replacement: c.replacement.clone(),
        cause: plan::replacement_cause(c),
    }
}

/// A plan as the lines a person reads.
pub fn describe_plan(p: &StackPlan) -> String {
    let mut text = match &p.state {
        PlanState::Unchanged => format!("{}: unchanged (template and tags as deployed)", p.stack),
        PlanState::UpToDate => format!(
            "{}: up to date (CloudFormation found nothing to change)",
            p.stack
        ),
        PlanState::Create => format!("{}: create {} resource(s)", p.stack, p.changes.len()),
        PlanState::Update => format!("{}: {} change(s)", p.stack, p.changes.len()),
        PlanState::Recreate => format!(
            "{}: ROLLBACK_COMPLETE after a failed first create; `up` deletes it and creates it anew",
            p.stack
        ),
        PlanState::Pending(why) => format!("{}: {why}", p.stack),
    };
    for c in &p.changes {
        let sign = match c.action.as_str() {
            "Add" => "+",
            "Remove" => "-",
            _ => "~",
        };
        let replace = match c.replacement.as_deref() {
            Some("True") => format!(" REPLACED because {}", c.cause),
            Some("Conditional") => format!(" may be replaced because {}", c.cause),
            _ => String::new(),
        };
        let construct = c
            .construct
            .as_deref()
            .map(|p| format!(" ({p})"))
            .unwrap_or_default();
        text.push_str(&format!(
            "\n    {sign} {} {}{construct}{replace}",
            c.logical_id, c.resource_type
        ));
    }
    for e in &p.endangered {
        text.push_str(&format!("\n    ! {e}"));
    }
    text
}

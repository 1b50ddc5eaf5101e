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
    ApiError, ApiErrorKind, ChangeSetRequest, CloudFormationApi, ResourceChange, StackEvent,
    StackInfo, TemplateSource,
};
use super::error::DeployError;
use super::guard::{self, Answer, Pending};
use super::plan::{self, Endangered};
use super::retry::{CallCounts, RetryPolicy, with_retry};
use super::staging::Staging;
use crate::compliance::Assembly;
use crate::digest::sha256_hex;
use crate::synth::{SynthesizedStack, sent_inline};

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
    /// How long the run lock holds before another run may take it over as a killed run's;
    /// `None`: the timeout for each wave and one more, plus five minutes. A run renews it
    /// before a change once half of it has passed (a run that waited at a prompt), and stops
    /// when another run took it over meanwhile ([`DeployError::LockLost`]).
    pub lock_hold: Option<Duration>,
    /// Also return the outputs hipaa-stack adds for itself (`--all`): the exports that
    /// carry references between stacks and the template hash. By default only the
    /// program's own outputs.
    pub internal_outputs: bool,
    /// The environment to work on (`--env NAME`), for an app that declares environments;
    /// `None` is its only environment, and an error when it has several.
    pub environment: Option<String>,
    /// Told of each step as it happens (`--json`): each stack started and finished, each
    /// change of its status and of its resources' statuses, read from its CloudFormation
    /// events while the engine waits for it.
    pub events: Option<ProgressSink>,
}

/// A step of `preview`, `up` or `destroy` as it happens, for [`Options::events`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Progress {
    /// The engine starts on a stack: `plan` (a change set made and described), `deploy`
    /// or `destroy`.
    Started {
        /// The stack.
        stack: String,
        /// `plan`, `deploy` or `destroy`.
        action: &'static str,
    },
    /// The stack's status changed (`UPDATE_IN_PROGRESS` …), while the engine waits.
    Status {
        /// The stack.
        stack: String,
        /// Its CloudFormation status.
        status: String,
    },
    /// A resource of the stack changed status: one CloudFormation stack event.
    Resource {
        /// The stack.
        stack: String,
        /// The resource's logical id.
        logical_id: String,
        /// Its CloudFormation type.
        resource_type: String,
        /// Its status (`CREATE_COMPLETE` …).
        status: String,
        /// Why, when CloudFormation says.
        reason: Option<String>,
    },
    /// The engine is done with the stack.
    Finished {
        /// The stack.
        stack: String,
        /// As in [`Progress::Started`].
        action: &'static str,
        /// Whether it went well; the error follows at the end when not.
        ok: bool,
    },
}

/// Where [`Progress`] goes: a function called from the engine's tasks as each step happens.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use hipaa_stack::deploy::{Progress, ProgressSink};
/// let seen = Arc::new(Mutex::new(Vec::new()));
/// let sink = ProgressSink::new({
///     let seen = Arc::clone(&seen);
///     move |p: &Progress| seen.lock().unwrap().push(p.clone())
/// });
/// sink.tell(&Progress::Started { stack: "clinic-data".into(), action: "deploy" });
/// assert_eq!(seen.lock().unwrap().len(), 1);
/// ```
#[derive(Clone)]
pub struct ProgressSink(std::sync::Arc<dyn Fn(&Progress) + Send + Sync>);

impl ProgressSink {
    /// A sink that calls `f` with each step.
    pub fn new(f: impl Fn(&Progress) + Send + Sync + 'static) -> Self {
        ProgressSink(std::sync::Arc::new(f))
    }

    /// Tells the sink of one step.
    pub fn tell(&self, progress: &Progress) {
        (self.0)(progress);
    }
}

impl std::fmt::Debug for ProgressSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProgressSink(..)")
    }
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
            lock_hold: None,
            internal_outputs: false,
            environment: None,
            events: None,
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
    /// Production status to turn on (`Some(true)`) or off (`Some(false)`): termination
    /// protection and the stack policy, a change of its own even when the template is unchanged.
    pub production: Option<bool>,
    /// Exports the new template drops but another stack still imports: kept (with their
    /// deployed values) until no stack imports them, as `export (imported by …)`.
    pub deferred: Vec<String>,
    /// Stores of PHI that `--allow-replace` lets this execution replace or delete (logical ids).
    pub allowed: Vec<String>,
    /// What `up` checks after the deploy, and again while the template is unchanged, and
    /// puts right when an earlier run left it undone (rules E14 and L4), in words. `preview`
    /// only says so: it changes nothing.
    pub post_deploy: Vec<String>,
    /// The stack policy that the deployed production stack has, when it is not the one
    /// hipaa-stack gives it (its text, or `none`): one set elsewhere, or one left relaxed for
    /// `--allow-replace` by an `up` whose restoring failed. `up` sets ours back, even when the
    /// template is unchanged; `preview` only says so.
    pub foreign_policy: Option<String>,
    /// The stack tags this plan changes ([`plan::tag_changes`]): a change of its own, which
    /// CloudFormation copies onto every resource that takes tags, even when the template
    /// is unchanged.
    pub tag_changes: Vec<String>,
    removed_stores: Vec<String>,
    change_set: Option<String>,
    stack_id: Option<String>,
    deployed: Option<StackInfo>,
}

impl StackPlan {
    /// Whether applying the plan changes anything.
    pub fn has_changes(&self) -> bool {
        self.production.is_some()
            || self.foreign_policy.is_some()
            || matches!(
                self.state,
                PlanState::Create | PlanState::Update | PlanState::Recreate | PlanState::Pending(_)
            )
    }

    fn new(stack: &str, deployed: Option<StackInfo>) -> Self {
        StackPlan {
            stack: stack.to_owned(),
            state: PlanState::Create,
            changes: Vec::new(),
            endangered: Vec::new(),
            production: None,
            deferred: Vec::new(),
            allowed: Vec::new(),
            post_deploy: Vec::new(),
            foreign_policy: None,
            tag_changes: Vec::new(),
            removed_stores: Vec::new(),
            change_set: None,
            stack_id: deployed.as_ref().map(|d| d.id.clone()),
            deployed,
        }
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
    /// Its region (`None`: the environment's).
    pub region: Option<String>,
    /// What else this run did to the stack: the stack policy relaxed for `--allow-replace`
    /// and restored, production status turned on or off, exports kept or dropped.
    pub notes: Vec<String>,
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
    /// Why it was kept: a store of PHI, or the reason CloudFormation gave for not deleting
    /// it (deletion protection, in use by a kept database).
    pub why: String,
    /// What keeps running and billing while it is kept, if anything does.
    pub billing: Option<&'static str>,
}

/// What a kept resource of this type keeps billing for.
pub fn billing(resource_type: &str) -> Option<&'static str> {
    Some(match resource_type {
        "AWS::RDS::DBInstance" | "AWS::RDS::DBCluster" => {
            "the running database instance, its storage and backups"
        }
        "AWS::S3::Bucket" => "the objects stored",
        "AWS::KMS::Key" => "the key (monthly, until scheduled for deletion)",
        "AWS::Logs::LogGroup" => "the stored log events",
        "AWS::Backup::BackupVault" => "the recovery points",
        "AWS::EC2::Instance" => "the running instance and its volumes",
        "AWS::EC2::Volume" => "the volume",
        "AWS::EC2::NatGateway" => "the NAT gateway, hourly",
        "AWS::SecretsManager::Secret" => "the secret, monthly",
        "AWS::DynamoDB::Table" | "AWS::DynamoDB::GlobalTable" => "the table's storage",
        "AWS::SQS::Queue" => "the requests on the messages kept",
        "AWS::Kinesis::Stream" => "the stream's shards, hourly",
        "AWS::MSK::Cluster" => "the running brokers and their storage",
        "AWS::MSK::ServerlessCluster" => "the cluster, hourly, and the data stored",
        "AWS::SageMaker::NotebookInstance" => {
            "the notebook's storage volume (and the instance while it runs)"
        }
        "AWS::S3Express::DirectoryBucket" | "AWS::S3Tables::TableBucket" => "the data stored",
        "AWS::KMS::ReplicaKey" => "the replica key (monthly, until scheduled for deletion)",
        "AWS::CloudTrail::EventDataStore" => "the stored events",
        "AWS::Backup::LogicallyAirGappedBackupVault" => "the recovery points",
        "AWS::EFS::FileSystem" => "the files stored",
        "AWS::Redshift::Cluster" => "the running cluster and its storage",
        "AWS::RedshiftServerless::Namespace" => "the namespace's managed storage",
        "AWS::OpenSearchService::Domain" | "AWS::Elasticsearch::Domain" => {
            "the running domain and its storage"
        }
        "AWS::DocDB::DBCluster" | "AWS::Neptune::DBCluster" => {
            "the database cluster's storage and backups (its instances run while kept)"
        }
        _ => return None,
    })
}

/// One region's clients: the environment's region (`region: None` when it is not known by
/// name) or a region that stacks are pinned to with `app.stack_in(name, region)`.
#[derive(Debug)]
pub struct Regional<C> {
    /// The region's name.
    pub region: Option<String>,
    /// CloudFormation in that region.
    pub api: C,
    /// The S3 staging area in that region, for large templates.
    pub staging: Option<Staging>,
    /// EC2 in that region, to close the default security groups of the VPCs the stacks
    /// create (rule E14); without it they are left as EC2 made them, and `up` says so. It
    /// also reads the images that `SecureInstance`s and `SecureInstanceGroup`s launch by id
    /// (rule E1, `ec2:DescribeImages`): without it, a stack with one is refused.
    pub network: Option<super::network::DefaultGroups>,
    /// RDS and CloudWatch Logs in that region, to give the log groups of the databases'
    /// exported logs the databases' keys and a retention (rule L4); without them the groups
    /// are left as RDS made them, and `up` says so.
    pub databases: Option<super::logs::DatabaseLogs>,
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
    /// What the run could not check, one line per stack at most (never one per export).
    pub warnings: Vec<String>,
}

/// Drift of one stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackDrift {
    /// The stack.
    pub stack: String,
    /// `IN_SYNC`, `DRIFTED`, or `DETECTION_FAILED` when CloudFormation could not check
    /// every resource (the resources it checked are listed all the same).
    pub status: String,
    /// Why detection failed, as CloudFormation says (`DetectionStatusReason`), when it did.
    pub reason: Option<String>,
    /// The resources that drifted, and with a failed detection those left unchecked
    /// (`NOT_CHECKED`): logical id, type, status, differences.
    pub resources: Vec<super::api::ResourceDrift>,
}

/// The CloudFormation type of a VPC.
const VPC: &str = "AWS::EC2::VPC";

/// A stack's name and, when it existed, the stores of PHI its deletion kept.
type StackDeletion = (String, Option<Vec<Retained>>, Option<String>);

/// The deploy engine over an assembly.
pub struct Deployer<'a, C> {
    regions: Vec<Regional<C>>,
    run: String,
    plans_made: std::sync::atomic::AtomicU32,
    relaxed: Mutex<BTreeSet<String>>,
    calls: CallCounts,
    assembly: &'a Assembly,
    options: Options,
    in_flight: Mutex<BTreeMap<String, String>>,
    bars: MultiProgress,
    pending: Pending,
    /// The stacks as last described in this run, by name: the outputs that fill the
    /// parameters of stacks in other regions, read without asking again.
    seen: Mutex<BTreeMap<String, StackInfo>>,
    staging_calls: CallCounts,
    lock: tokio::sync::OnceCell<Option<super::staging::RunLock>>,
    lock_started: std::sync::atomic::AtomicBool,
    lock_waited: std::sync::atomic::AtomicBool,
    lock_command: Mutex<String>,
    /// The lock as this run last wrote it, and when: renewed before a change once half its
    /// hold has passed.
    lease: tokio::sync::Mutex<Option<(super::staging::RunLock, std::time::Instant)>>,
    /// The deletions of stacks this run made, for their tokens.
    deletions: std::sync::atomic::AtomicU32,
}

impl<C> std::fmt::Debug for Deployer<'_, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deployer")
            .field("app", &self.assembly.app())
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// `Ok` when the rules cleared `assembly` to be `action` ("deployed", "previewed") today:
/// its rules found nothing as of today (`App::synth`, or `App::check` of an app that holds,
/// on the day they ran). An assembly from `App::check` of an app that breaks a rule, from
/// `App::check_on` of another day, or checked before the last midnight, is refused before
/// any call (hostile review 35). A preview is refused too: the change sets it makes hold the
/// templates in the account, each one call (ExecuteChangeSet) away from being deployed by
/// hand if the preview is stopped before it deletes them.
fn cleared(assembly: &Assembly, action: &'static str) -> Result<(), DeployError> {
    match assembly.uncleared_on(crate::literal::Date::today()) {
        None => Ok(()),
        Some(why) => Err(DeployError::Uncleared {
            app: assembly.app().to_owned(),
            action,
            reason: why.reason(),
        }),
    }
}

/// Whether a stack is in a status that no running operation will change. `REVIEW_IN_PROGRESS`
/// (a stack created by a change set that was never executed) stays so until a change set
/// runs: it is stable, and planned as a create.
fn stable(status: &str) -> bool {
    !status.ends_with("_IN_PROGRESS") || status == "REVIEW_IN_PROGRESS"
}

/// Whether a CloudFormation operation changes anything (and so needs the run lock).
fn writes(operation: &str) -> bool {
    !["Describe", "List", "Get", "Detect", "Validate", "Estimate"]
        .iter()
        .any(|read| operation.starts_with(read))
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
    /// Every stack goes through `api`, whatever region it is pinned to; use
    /// [`Deployer::with_regions`] for an app with stacks in several regions.
    pub fn new(api: C, assembly: &'a Assembly, options: Options, staging: Option<Staging>) -> Self {
        Self::with_regions(
            vec![Regional {
                region: None,
                api,
                staging,
                network: None,
                databases: None,
            }],
            assembly,
            options,
        )
    }

    /// An engine with one client per region: the first is the environment's region, used by
    /// the stacks that are not pinned; a stack pinned to a region uses that region's client,
    /// and a command refuses to start when a pinned region has none.
    pub fn with_regions(
        regions: Vec<Regional<C>>,
        assembly: &'a Assembly,
        options: Options,
    ) -> Self {
        let bars = MultiProgress::with_draw_target(if options.progress {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        });
        Deployer {
            regions,
            run: run_id(),
            plans_made: std::sync::atomic::AtomicU32::new(0),
            relaxed: Mutex::new(BTreeSet::new()),
            calls: CallCounts::default(),
            assembly,
            options,
            in_flight: Mutex::new(BTreeMap::new()),
            bars,
            pending: Pending::default(),
            seen: Mutex::new(BTreeMap::new()),
            staging_calls: CallCounts::default(),
            lock: tokio::sync::OnceCell::new(),
            lock_started: std::sync::atomic::AtomicBool::new(false),
            lock_waited: std::sync::atomic::AtomicBool::new(false),
            lock_command: Mutex::new(String::new()),
            lease: tokio::sync::Mutex::new(None),
            deletions: std::sync::atomic::AtomicU32::new(0),
        }
    }

    /// The API the engine calls for the environment's region.
    pub fn api(&self) -> &C {
        &self.regions[0].api
    }

    /// The APIs the engine calls, one per region.
    pub fn regions(&self) -> &[Regional<C>] {
        &self.regions
    }

    fn regional(&self, stack: &str) -> &Regional<C> {
        let pinned = self
            .assembly
            .stack(stack)
            .and_then(SynthesizedStack::region);
        match pinned {
            None => &self.regions[0],
            Some(r) => self
                .regions
                .iter()
                .find(|x| x.region.as_deref() == Some(r))
                .unwrap_or(&self.regions[0]),
        }
    }

    /// CloudFormation in the region of `stack`.
    fn cfn(&self, stack: &str) -> &C {
        &self.regional(stack).api
    }

    /// The region a stack deploys to, as shown to people.
    pub fn region_of(&self, stack: &str) -> Option<String> {
        self.assembly
            .stack(stack)
            .and_then(SynthesizedStack::region)
            .map(str::to_owned)
            .or_else(|| self.regions[0].region.clone())
    }

    /// The environment this run works on: the one `--env` names, or the app's only one;
    /// `None` for an app without environments.
    pub fn environment(&self) -> Result<Option<&'a str>, DeployError> {
        let declared = self.assembly.environments();
        match (&self.options.environment, declared.as_slice()) {
            (None, []) => Ok(None),
            (None, [only]) => Ok(Some(only)),
            (Some(name), _) => declared
                .iter()
                .copied()
                .find(|e| e == name)
                .map(Some)
                .ok_or_else(|| DeployError::Environment {
                    app: self.assembly.app().to_owned(),
                    detail: if declared.is_empty() {
                        format!("`--env {name}` names an environment, and the app declares none; leave `--env` out")
                    } else {
                        format!(
                            "the app has no environment `{name}`; its environments are {}",
                            declared.join(", ")
                        )
                    },
                }),
            (None, several) => Err(DeployError::Environment {
                app: self.assembly.app().to_owned(),
                detail: format!(
                    "the app declares the environments {}; pass `--env NAME` to choose one",
                    several.join(", ")
                ),
            }),
        }
    }

    /// Before the first change: the credentials must belong to the account the
    /// environment declares. Deploying staging's templates into production's account (or
    /// the reverse) because of the wrong `AWS_PROFILE` is refused here, before any call
    /// that could change anything.
    async fn check_account(&self) -> Result<(), DeployError> {
        let Some(environment) = self.environment()? else {
            return Ok(());
        };
        let Some(declared) = self
            .assembly
            .stacks()
            .iter()
            .find(|s| s.environment() == Some(environment))
            .and_then(SynthesizedStack::account)
        else {
            return Ok(());
        };
        let Some(staging) = self.home_staging() else {
            return Err(DeployError::Environment {
                app: self.assembly.app().to_owned(),
                detail: format!(
                    "environment `{environment}` declares account {declared}, and this run has no STS client to check the credentials' account; deploy through the command line or `Deployer::with_regions` with staging"
                ),
            });
        };
        let actual = staging
            .account(self.options.retry, &self.staging_calls)
            .await?;
        if actual != declared {
            return Err(DeployError::WrongAccount {
                environment: environment.to_owned(),
                declared: declared.to_owned(),
                actual: actual.to_owned(),
            });
        }
        Ok(())
    }

    /// Every selected stack pinned to a region must have that region's client, and so must
    /// every stack whose outputs fill a selected stack's parameters (read in its region,
    /// selected or not: without its region's client, the outputs would be read from a stack
    /// of the same name in the environment's region, whose values are of that region); and
    /// the environment must be clear.
    fn check_regions(&self) -> Result<(), DeployError> {
        self.environment()?;
        self.check_clients()?;
        for s in self.waves().into_iter().flatten() {
            let read = s.template().parameters().iter().map(|p| p.stack());
            for name in std::iter::once(s.name()).chain(read) {
                let Some(r) = self.assembly.stack(name).and_then(SynthesizedStack::region) else {
                    continue;
                };
                if !self.regions.iter().any(|x| x.region.as_deref() == Some(r)) {
                    return Err(DeployError::StackState {
                        stack: s.name().to_owned(),
                        status: if name == s.name() {
                            format!("pinned to {r}")
                        } else {
                            format!("reads the outputs of stack `{name}`, pinned to {r}")
                        },
                        hint: format!(
                            "this run has no CloudFormation client for {r}; the command line makes one per region of the app"
                        ),
                    });
                }
            }
        }
        Ok(())
    }

    /// The tags of every stack of the run, as CloudFormation takes them ([`plan::tag_problem`]):
    /// refused before any call, naming the stack and the tag.
    fn check_tags(&self) -> Result<(), DeployError> {
        for s in self.waves().into_iter().flatten() {
            if let Some(problem) = plan::tag_problem(&plan::tags(self.assembly.app(), s)) {
                return Err(DeployError::StackState {
                    stack: s.name().to_owned(),
                    status: problem,
                    hint: crate::error::TAG_FIX.to_owned(),
                });
            }
        }
        Ok(())
    }

    /// Every client of a region calls that region: a client made from another region's
    /// configuration and given for this one (the fields of [`Regional`] are public) would
    /// make this region's stacks in the other, where rules S10 and D2 count a copy "in a
    /// second region" that may be in the store's own. A client that does not say its region
    /// (a test double) is taken at its word.
    fn check_clients(&self) -> Result<(), DeployError> {
        for regional in &self.regions {
            let Some(region) = regional.region.as_deref() else {
                continue;
            };
            let mut clients = vec![("CloudFormation", regional.api.region())];
            if let Some(staging) = &regional.staging {
                clients.extend(staging.sends_to());
            }
            if let Some(network) = &regional.network {
                clients.extend(network.sends_to());
            }
            if let Some(databases) = &regional.databases {
                clients.extend(databases.sends_to());
            }
            for (service, sends_to) in clients {
                if let Some(sends_to) = sends_to
                    && sends_to != region
                {
                    return Err(DeployError::ClientInAnotherRegion {
                        service,
                        region: region.to_owned(),
                        sends_to,
                    });
                }
            }
        }
        Ok(())
    }

    /// Before a plan: no value that synth carried "across regions" (a template parameter
    /// that `up` fills from a stack of another region: a replication destination, a backup
    /// copy's vault, a replica key's primary) may join two stacks that deploy to one region.
    /// Synth makes such a parameter between a stack pinned to a region (`app.stack_in`) and
    /// one of the environment's region (`app.stack`), whatever the environment's region
    /// turns out to be; rules S10 and D2 read a copy made through it as a copy in a second
    /// region, for disaster recovery (§164.308(a)(7)(ii)(B)). Deployed with the
    /// environment's region equal to the pinned one, that copy would be in the store's own
    /// region, and the report's claim false: refused, naming both stacks.
    ///
    /// A run that does not know the environment's region (a client without one, as
    /// [`Deployer::new`] makes: every stack then goes through that one client, in one region)
    /// cannot tell the two regions apart: a selected stack that reads such a parameter, of
    /// or for a stack of the environment's region, is refused. A stack that is not selected
    /// is not deployed by this run, and one whose parameters it reads must have its region's
    /// client ([`Deployer::check_regions`]).
    fn check_regions_apart(&self) -> Result<(), DeployError> {
        let home = self.regions[0].region.as_deref();
        // `None`: a stack of the environment's region, and this run does not know it.
        let region_of = |name: &str| {
            self.assembly
                .stack(name)
                .and_then(SynthesizedStack::region)
                .or(home)
        };
        for s in self.waves().into_iter().flatten() {
            for parameter in s.template().parameters() {
                let (Some(consumer), Some(producer)) =
                    (region_of(s.name()), region_of(parameter.stack()))
                else {
                    return Err(DeployError::StackState {
                        stack: s.name().to_owned(),
                        status: format!(
                            "reads the value `{}` of stack `{}` as one of another region, and this run does not know the environment's region",
                            parameter.name(),
                            parameter.stack()
                        ),
                        hint: "the engine's first client names no region (as `Deployer::new` makes it), so the two stacks could deploy to one region; build the engine with `Deployer::with_regions`, one client per region, the environment's first, as the command line does".to_owned(),
                    });
                };
                if consumer == producer {
                    let home = home.unwrap_or(consumer);
                    return Err(DeployError::StackState {
                        stack: s.name().to_owned(),
                        status: format!(
                            "in {consumer}, as stack `{}` whose value `{}` it reads as one of another region",
                            parameter.stack(),
                            parameter.name()
                        ),
                        hint: format!(
                            "the app declares one of the two stacks in the environment's region and the other in {consumer} (`app.stack_in`), and this run deploys the environment to {home}: the copy the checks count as in a second region (rules S10 and D2) would be in the same region; deploy the environment to another region than {consumer} (`AWS_REGION` or the profile's region), or pin both stacks to two regions"
                        ),
                    });
                }
            }
        }
        Ok(())
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

    /// The span of one stack's part of a command: `stack{action=deploy stack=NAME region=R}`.
    fn span(&self, action: &'static str, stack: &SynthesizedStack) -> tracing::Span {
        tracing::info_span!(
            "stack",
            action,
            stack = stack.name(),
            region = self.region_of(stack.name()).unwrap_or_default()
        )
    }

    fn say(&self, line: impl AsRef<str>) {
        // With logs on (`-v`, `RUST_LOG`), a log event like the others, so that logs in
        // JSON stay JSON; otherwise a plain line.
        if tracing::enabled!(target: "hipaa_stack::deploy", tracing::Level::INFO) {
            tracing::info!(target: "hipaa_stack::deploy", "{}", line.as_ref());
            return;
        }
        // Printed above the progress bars, or plainly without them.
        let _ = self.bars.println(line.as_ref());
        if !self.options.progress {
            // A closed standard error is no reason to stop a deploy.
            let _ = writeln!(std::io::stderr(), "{}", line.as_ref());
        }
    }

    /// Tells [`Options::events`] of a step, if anything listens.
    fn tell(&self, progress: impl FnOnce() -> Progress) {
        if let Some(sink) = &self.options.events {
            sink.tell(&progress());
        }
    }

    /// `work` on `stack`, told as started and finished.
    async fn observed<T>(
        &self,
        action: &'static str,
        stack: &str,
        work: impl std::future::Future<Output = Result<T, DeployError>>,
    ) -> Result<T, DeployError> {
        self.tell(|| Progress::Started {
            stack: stack.to_owned(),
            action,
        });
        let result = work.await;
        self.tell(|| Progress::Finished {
            stack: stack.to_owned(),
            action,
            ok: result.is_ok(),
        });
        result
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

    /// The staging bucket of the environment's region, which holds the run lock.
    fn home_staging(&self) -> Option<&Staging> {
        self.regions.first().and_then(|r| r.staging.as_ref())
    }

    /// Runs `work` under the app's run lock, stops it on Ctrl-C, and then deletes the change
    /// sets it created and never executed.
    ///
    /// The lock is taken lazily, before the run's first write ([`Deployer::ensure_locked`]),
    /// so a run that finds nothing to change reads each stack once and touches no bucket. When
    /// another run held the lock first, what this run read may be stale: `work` runs again,
    /// from the start, under the lock (it has written nothing yet).
    async fn guarded<T, F, Fut>(&self, command: &str, work: F) -> Result<T, DeployError>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<T, DeployError>>,
    {
        // Dropped with this future: a run cancelled by its caller leaves a lock that the next
        // run of this process takes over at once.
        let _live = super::staging::LiveRun::new(&self.run);
        if let Ok(mut c) = self.lock_command.lock() {
            command.clone_into(&mut c);
        }
        let result = tokio::select! {
            r = async {
                let first = work().await;
                if self.lock_waited.swap(false, std::sync::atomic::Ordering::SeqCst) {
                    self.say("another run of the app finished first: planning again under the lock");
                    work().await
                } else {
                    first
                }
            } => r,
            _ = tokio::signal::ctrl_c() => Err(self.interrupted()),
        };
        let (discarded, left) = self.discard_pending().await;
        if matches!(result, Err(DeployError::Interrupted { .. })) {
            // CloudFormation goes on with an execution under the policy it started with.
            self.restore_relaxed().await;
        }
        if let Some(staging) = self.home_staging() {
            let released = match self.lock.get() {
                Some(Some(lock)) => Some(
                    tokio::time::timeout(
                        Duration::from_secs(30),
                        staging.unlock(lock, self.options.retry, &self.staging_calls),
                    )
                    .await,
                ),
                // Cut while the lock was being taken: release it if the request got through.
                _ if self.lock_started.load(std::sync::atomic::Ordering::SeqCst) => Some(
                    tokio::time::timeout(
                        Duration::from_secs(10),
                        staging.release(
                            self.assembly.app(),
                            &self.run,
                            self.options.retry,
                            &self.staging_calls,
                        ),
                    )
                    .await,
                ),
                _ => None,
            };
            // What releasing found (a lock another run took over meanwhile is left, and said).
            for note in staging.take_notes() {
                self.say(note);
            }
            if released.is_some_and(|r| !matches!(r, Ok(Ok(())))) {
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

    /// Takes the app's run lock before this run's first write (once; concurrent callers
    /// wait for the one taking it). When another run held it first, this run's earlier reads
    /// may be stale: the write is refused and [`Deployer::guarded`] runs the command again.
    async fn ensure_locked(&self) -> Result<(), DeployError> {
        let Some(staging) = self.home_staging() else {
            return Ok(());
        };
        let taken = self
            .lock
            .get_or_try_init(|| async {
                self.lock_started
                    .store(true, std::sync::atomic::Ordering::SeqCst);
                let hold = self.lock_hold();
                let command = self
                    .lock_command
                    .lock()
                    .map(|c| c.clone())
                    .unwrap_or_default();
                let say = |line: String| self.say(line);
                let lock = staging
                    .lock(
                        &say,
                        self.assembly.app(),
                        &command,
                        &self.run,
                        hold,
                        self.options.lock_wait,
                        self.options.retry,
                        &self.staging_calls,
                    )
                    .await;
                for note in staging.take_notes() {
                    self.say(note);
                }
                let lock = lock?;
                if lock.waited() {
                    self.lock_waited
                        .store(true, std::sync::atomic::Ordering::SeqCst);
                }
                Ok::<_, DeployError>(Some(lock))
            })
            .await?;
        if taken.as_ref().is_some_and(|l| l.waited())
            && self.lock_waited.load(std::sync::atomic::Ordering::SeqCst)
        {
            return Err(DeployError::Busy {
                app: self.assembly.app().to_owned(),
                detail: "another run finished first; this run plans again".to_owned(),
            });
        }
        self.renew_if_due().await
    }

    /// A run that has held its lock for half its hold (a prompt left waiting, a long wave)
    /// renews it ([`Staging::renew`]) before changing anything more; the renewal is refused
    /// when another run took the expired lock over meanwhile, and this run stops there.
    /// Nothing to do before the lock is taken.
    async fn renew_if_due(&self) -> Result<(), DeployError> {
        let (Some(staging), Some(Some(taken))) = (self.home_staging(), self.lock.get()) else {
            return Ok(());
        };
        let hold = self.lock_hold();
        let mut lease = self.lease.lock().await;
        let (lock, renewed) =
            lease.get_or_insert_with(|| (taken.clone(), std::time::Instant::now()));
        if renewed.elapsed() >= hold / 2 {
            staging
                .renew(lock, hold, self.options.retry, &self.staging_calls)
                .await?;
            *renewed = std::time::Instant::now();
        }
        Ok(())
    }

    /// The `ClientRequestToken` of a new deletion of `stack`: the same for every attempt of
    /// that deletion (a retry after a lost answer is the same request), another for each
    /// deletion, even of a stack of the same name made again in this run (a token met again
    /// would be taken for a retry, and the deletion not made).
    fn deletion_token(&self, stack: &str) -> String {
        let n = self
            .deletions
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        client_token(&format!("{}-delete-{n}", self.run), stack)
    }

    /// How long the run lock holds: [`Options::lock_hold`], or the timeout for each wave and
    /// one more, plus five minutes.
    fn lock_hold(&self) -> Duration {
        self.options.lock_hold.unwrap_or_else(|| {
            self.options
                .timeout
                .saturating_mul(self.waves().len() as u32 + 1)
                + Duration::from_secs(300)
        })
    }

    /// How long a change set that CloudFormation is still creating is waited for before it
    /// is deleted: the run's polls, for [`Options::timeout`] and at most 30 s (a run that
    /// stops waits no longer).
    fn pace(&self) -> guard::Pace {
        guard::Pace {
            poll: self.options.poll.min(Duration::from_millis(500)),
            max_poll: self.options.max_poll,
            bound: self.options.timeout.min(Duration::from_secs(30)),
        }
    }

    /// Deletes what this run created for change sets it never executed, and says so.
    async fn discard_pending(&self) -> (Vec<String>, Vec<String>) {
        let done = guard::discard(|stack: &str| self.cfn(stack), &self.pending, self.pace()).await;
        for d in &done.deleted {
            self.say(format!(
                "deleted what this run had prepared and not executed: {d}"
            ));
        }
        for l in &done.left {
            self.say(format!("left behind: {l}"));
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
        if writes(operation) {
            Box::pin(self.ensure_locked()).await?;
        }
        with_retry(self.options.retry, &self.calls, operation, f)
            .await
            .map_err(|e| match e.code.as_deref() {
                // A quota of the account and region (CreateChangeSet, "Errors":
                // `LimitExceededException`, "The quota for the resource has already been
                // reached"): waiting does not lift it, and the error says what does.
                Some("LimitExceededException") => DeployError::QuotaReached {
                    stack: stack.to_owned(),
                    operation,
                    message: e.message,
                },
                _ => DeployError::api(stack, operation, e),
            })
    }

    /// The selected stacks, grouped by wave, in deploy order.
    fn waves(&self) -> Vec<Vec<&'a SynthesizedStack>> {
        let mut waves: Vec<Vec<&SynthesizedStack>> = Vec::new();
        let environment = self.environment().ok().flatten();
        for s in self.assembly.stacks() {
            if !self.options.stacks.is_empty() && !self.options.stacks.iter().any(|n| n == s.name())
            {
                continue;
            }
            if s.environment() != environment {
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
        // While the question waits, the run lock is renewed as its hold runs out, so that no
        // other run takes it over as a killed run's; a renewal refused (the lock was taken
        // over already) stops the run at its next change.
        let hold = self.lock_hold();
        let answer = tokio::select! {
            answer = guard::ask(action) => answer,
            () = async {
                loop {
                    tokio::time::sleep((hold / 3).max(Duration::from_secs(1))).await;
                    let _ = self.renew_if_due().await;
                }
            } => Answer::Interrupted,
        };
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

    /// Uploads the code of the stack's functions to the staging bucket of its region,
    /// each only when the bucket does not hold it yet (assets are named by content).
    async fn upload_assets(&self, stack: &SynthesizedStack) -> Result<(), DeployError> {
        let assets: Vec<&crate::asset::Asset> = self
            .assembly
            .assets()
            .iter()
            .filter(|a| a.stack() == stack.name())
            .collect();
        if assets.is_empty() {
            return Ok(());
        }
        let Some(staging) = &self.regional(stack.name()).staging else {
            return Err(DeployError::StackState {
                stack: stack.name().to_owned(),
                status: format!("{} function code asset(s)", assets.len()),
                hint: "the code of functions goes through the S3 staging bucket, which this run has not set up".to_owned(),
            });
        };
        Box::pin(self.ensure_locked()).await?;
        for asset in assets {
            // The template names the bucket the code is read from: the app's
            // (`set_staging_bucket`) or the tool's own; the upload must go there.
            let named = stack
                .template()
                .resources()
                .iter()
                .filter(|r| r.type_name() == "AWS::Lambda::Function")
                .find(|r| r.properties()["Code"]["S3Key"] == asset.key().as_str())
                .and_then(|r| {
                    r.properties()["Code"]["S3Bucket"]
                        .as_str()
                        .map(str::to_owned)
                });
            let (same, bucket) = staging
                .holds_code_for(named.as_deref(), self.options.retry, &self.staging_calls)
                .await?;
            if !same {
                return Err(DeployError::StackState {
                    stack: stack.name().to_owned(),
                    status: format!(
                        "the code of {} is read from {}, not from the staging bucket `{bucket}` of this run",
                        asset.construct(),
                        named.map_or_else(|| "the tool's own staging bucket".to_owned(), |n| format!("`{n}`"))
                    ),
                    hint: "name the staging bucket in the program (`app.set_staging_bucket(..)`), which the templates then name, rather than only with `--staging-bucket`".to_owned(),
                });
            }
            let uploaded = staging
                .upload_asset(
                    &asset.key(),
                    asset.bytes(),
                    self.options.retry,
                    &self.staging_calls,
                )
                .await?;
            if uploaded {
                self.say(format!(
                    "uploaded the code of {} ({} bytes) as {}",
                    asset.construct(),
                    asset.bytes().len(),
                    asset.key()
                ));
            }
        }
        for note in staging.take_notes() {
            self.say(note);
        }
        Ok(())
    }

    async fn template_source(
        &self,
        stack: &SynthesizedStack,
        body: &str,
    ) -> Result<TemplateSource, DeployError> {
        if sent_inline(body.len()) {
            return Ok(TemplateSource::Body(body.to_owned()));
        }
        let Some(staging) = &self.regional(stack.name()).staging else {
            return Err(DeployError::StackState {
                stack: stack.name().to_owned(),
                status: format!("{} bytes of template", body.len()),
                hint: "templates over 51,200 bytes go through the S3 staging bucket, which this run has not set up"
                    .to_owned(),
            });
        };
        Box::pin(self.ensure_locked()).await?;
        let url = staging
            .upload(
                self.assembly.app(),
                stack.name(),
                body,
                self.options.retry,
                &self.staging_calls,
            )
            .await?;
        for note in staging.take_notes() {
            self.say(note);
        }
        Ok(TemplateSource::Url(url))
    }

    /// The stack, by name or, once known, by id (which names exactly the stack this run
    /// created or changed, not a later one of the same name).
    async fn describe(&self, stack: &str) -> Result<Option<StackInfo>, DeployError> {
        self.describe_id(stack, stack).await
    }

    async fn describe_id(&self, stack: &str, id: &str) -> Result<Option<StackInfo>, DeployError> {
        let info = self
            .call(stack, "DescribeStacks", || {
                self.cfn(stack).describe_stack(id)
            })
            .await?;
        if let Ok(mut seen) = self.seen.lock() {
            match &info {
                Some(i) => {
                    seen.insert(stack.to_owned(), i.clone());
                }
                None => {
                    seen.remove(stack);
                }
            }
        }
        Ok(info)
    }

    /// The values of the stack's parameters: the outputs of the stacks in other regions that
    /// it reads (CloudFormation imports only within a region). `None` while one of those
    /// stacks has changes of this run still to deploy.
    async fn parameter_values(
        &self,
        stack: &SynthesizedStack,
        pending: &BTreeSet<&str>,
    ) -> Result<Option<BTreeMap<String, String>>, DeployError> {
        let mut values = BTreeMap::new();
        for p in stack.template().parameters() {
            if pending.contains(p.stack()) {
                return Ok(None);
            }
            let seen = self
                .seen
                .lock()
                .ok()
                .and_then(|s| s.get(p.stack()).cloned());
            let info = match seen {
                Some(info) => Some(info),
                None => self.describe(p.stack()).await?,
            };
            let value = info.as_ref().and_then(|i| {
                i.outputs
                    .iter()
                    .find(|(k, _, _)| k == p.name())
                    .map(|(_, v, _)| v.clone())
            });
            let Some(value) = value else {
                return Err(DeployError::StackState {
                    stack: stack.name().to_owned(),
                    status: format!(
                        "needs the output `{}` of stack `{}` ({}), which it does not have",
                        p.name(),
                        p.stack(),
                        p.region().unwrap_or("the deploy region")
                    ),
                    hint: format!(
                        "deploy `{}` first: `up` deploys it before this stack when both are selected",
                        p.stack()
                    ),
                });
            };
            values.insert(p.name().to_owned(), value);
        }
        Ok(Some(values))
    }

    /// Waits for a stack to leave every `*_IN_PROGRESS` status, showing its progress.
    /// `None` when it is gone.
    async fn wait(
        &self,
        stack: &SynthesizedStack,
        id: Option<&str>,
        mark: &Mark,
    ) -> Result<Option<StackInfo>, DeployError> {
        let name = stack.name();
        let id = id.unwrap_or(name);
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
        let mut told: BTreeSet<String> = BTreeSet::new();
        let mut last_status = String::new();
        // Whether the operation this run started (marked by `mark`) shows in the stack's
        // events yet. CloudFormation runs it asynchronously (API reference,
        // ExecuteChangeSet: "After the call successfully completes, CloudFormation starts
        // updating the stack. Use the DescribeStacks action to view the status of the
        // update"): a DescribeStacks right after the call may still give the status from
        // before it (`UPDATE_COMPLETE`, `REVIEW_IN_PROGRESS`, `UPDATE_ROLLBACK_FAILED`,
        // `DELETE_FAILED`), which is stable and must not be taken for the operation's end.
        // Every such operation writes a stack event when it starts (`UPDATE_IN_PROGRESS`,
        // "User Initiated", …). Without an event in the mark (none could be read), the
        // operation has started once the status or `LastUpdatedTime` differs from what the
        // mark read before it; with neither, nothing is checked.
        let mut started = mark.event.is_none() && mark.before.is_none();
        let result = loop {
            let info = self.describe_id(name, id).await?;
            let Some(info) = info else {
                break Ok(None);
            };
            if info.status != last_status {
                self.track(name, Some(&info.status));
                self.tell(|| Progress::Status {
                    stack: name.to_owned(),
                    status: info.status.clone(),
                });
                if !self.options.progress {
                    self.say(format!("  {name}: {}", info.status));
                }
                last_status.clone_from(&info.status);
            }
            if stable(&info.status) && !started {
                started = match &mark.before {
                    Some((status, updated)) => {
                        info.status != *status || info.updated_at != *updated
                    }
                    None => !self.events_since(name, id, mark).await?.is_empty(),
                };
                if !started {
                    if start.elapsed() >= self.options.timeout {
                        break Err(DeployError::Timeout {
                            stack: name.to_owned(),
                            status: format!(
                                "{}, with no event of the operation this run started",
                                info.status
                            ),
                            waited: start.elapsed(),
                        });
                    }
                    tokio::time::sleep(interval).await;
                    interval = interval.mul_f64(1.5).min(self.options.max_poll);
                }
                // Started or not, the status was read before the events: read it again.
                continue;
            }
            if stable(&info.status) {
                // What happened since the last poll (all of it, when the stack was
                // already stable at the first).
                if self.options.events.is_some() {
                    self.read_events(name, id, mark, &mut told).await?;
                }
                break Ok(Some(info));
            }
            if self.options.progress || self.options.events.is_some() {
                let events = self.read_events(name, id, mark, &mut told).await?;
                for e in &events {
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

    /// The stack's events since `mark`, newest first; those of its resources not told yet
    /// are told to [`Options::events`], oldest first. An error that [`stops`] the run is
    /// returned; any other leaves the events unread for this poll.
    async fn read_events(
        &self,
        name: &str,
        id: &str,
        mark: &Mark,
        told: &mut BTreeSet<String>,
    ) -> Result<Vec<StackEvent>, DeployError> {
        let events = self.events_since(name, id, mark).await?;
        if self.options.events.is_some() {
            for e in events.iter().rev() {
                if e.logical_id != name && told.insert(e.id.clone()) {
                    self.tell(|| Progress::Resource {
                        stack: name.to_owned(),
                        logical_id: e.logical_id.clone(),
                        resource_type: e.resource_type.clone(),
                        status: e.status.clone(),
                        reason: e.reason.clone(),
                    });
                }
            }
        }
        Ok(events)
    }

    /// The stack as it is now, before an operation: its newest event, whose later events
    /// belong to what the engine does next; when there is none, its status and
    /// `LastUpdatedTime` (one DescribeStacks more), so that a status from before the
    /// operation is never taken for its end. A refused DescribeStackEvents stops the run
    /// before the operation ([`stops`]): `DeployError::AccessDenied` names
    /// `cloudformation:DescribeStackEvents` and the stack.
    async fn mark(&self, stack: &str, id: &str) -> Result<Mark, DeployError> {
        let event = match self
            .call(stack, "DescribeStackEvents", || {
                self.cfn(stack).latest_event(id)
            })
            .await
        {
            Ok(event) => event,
            Err(e) if stops(&e) => return Err(e),
            Err(e) => {
                self.unread(stack, &e);
                None
            }
        };
        if event.is_some() {
            return Ok(Mark {
                event,
                before: None,
            });
        }
        let before = self
            .describe_id(stack, id)
            .await?
            .map(|i| (i.status, i.updated_at));
        Ok(Mark { event, before })
    }

    /// The events since `mark`, newest first. An error that [`stops`] the run is returned;
    /// any other leaves them unread (none).
    async fn events_since(
        &self,
        stack: &str,
        id: &str,
        mark: &Mark,
    ) -> Result<Vec<StackEvent>, DeployError> {
        match self
            .call(stack, "DescribeStackEvents", || {
                self.cfn(stack)
                    .stack_events_since(id, mark.event.as_deref())
            })
            .await
        {
            Ok(events) => Ok(events),
            Err(e) if stops(&e) => Err(e),
            Err(e) => {
                self.unread(stack, &e);
                Ok(Vec::new())
            }
        }
    }

    /// Logs events left unread for an error that does not stop the run.
    fn unread(&self, stack: &str, e: &DeployError) {
        tracing::warn!(target: "hipaa_stack::deploy", "{stack}: events left unread: {e}");
    }

    /// The error for a stack that ended badly: its root-cause event, the construct, the
    /// next step.
    async fn failure(
        &self,
        stack: &SynthesizedStack,
        id: Option<&str>,
        status: &str,
        mark: &Mark,
    ) -> DeployError {
        let name = stack.name();
        let events = match self.events_since(name, id.unwrap_or(name), mark).await {
            Ok(events) => events,
            Err(e) => {
                return DeployError::StackFailed {
                    stack: name.to_owned(),
                    status: status.to_owned(),
                    cause: format!("its events, which name the cause, could not be read: {e}"),
                    next: plan::next_step(status),
                };
            }
        };
        let cause = match plan::root_cause(&events, name, &BTreeSet::new()) {
            Some(e) => {
                let resource = stack.template().resource(&e.logical_id);
                let construct = resource
                    .and_then(crate::cfn::Resource::construct_path)
                    .map(|p| format!(" ({p})"))
                    .unwrap_or_default();
                // A named resource that exists outside the stack (a store kept by an
                // earlier stack of the same name): CloudFormation does not adopt it unless
                // asked to import it, and neither does `up`.
                if let Some(r) = resource
                    && e.status == "CREATE_FAILED"
                    && e.reason
                        .as_deref()
                        .is_some_and(|r| r.contains("already exists"))
                {
                    return DeployError::AlreadyExists {
                        stack: name.to_owned(),
                        resource: format!("`{}`{construct}", e.logical_id),
                        resource_type: r.type_name().to_owned(),
                        reason: e.reason.clone().unwrap_or_default(),
                    };
                }
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

    /// Deletes the change sets that this tool left on a stack (named `hipaa-stack-…`) and
    /// that are not executing: an interrupted run's, or a failed one's.
    async fn discard_stale(&self, name: &str, id: &str) -> Result<(), DeployError> {
        let sets = self
            .call(name, "ListChangeSets", || {
                self.cfn(name).list_change_sets(id)
            })
            .await?;
        for cs in sets {
            if cs.name.starts_with(CHANGE_SET_PREFIX)
                && !cs.execution_status.starts_with("EXECUTE_")
            {
                self.say(format!(
                    "{name}: deleting change set {} left by an earlier run",
                    cs.name
                ));
                // One that CloudFormation is still creating (an earlier run stopped just
                // after making it) cannot be deleted yet (DeleteChangeSet, "Errors":
                // `InvalidChangeSetStatus`): waited for first.
                if guard::being_created(&cs.status) {
                    let pace = guard::Pace {
                        bound: self.options.timeout,
                        ..self.pace()
                    };
                    if let guard::Settled::Creating(status) =
                        guard::settled(self.cfn(name), &cs.id, pace).await
                    {
                        return Err(DeployError::StackState {
                            stack: name.to_owned(),
                            status: format!(
                                "holding change set {}, left by an earlier run, which CloudFormation is still creating ({status}) after {} s",
                                cs.name,
                                self.options.timeout.as_secs()
                            ),
                            hint: "CloudFormation deletes no change set it is creating; wait until it is created, then run the command again".to_owned(),
                        });
                    }
                }
                self.call(name, "DeleteChangeSet", || {
                    self.cfn(name).delete_change_set(&cs.id)
                })
                .await?;
            }
        }
        Ok(())
    }

    /// The stack as no running operation will change it: read, checked to be the app's, and,
    /// while an operation runs on it (any `*_IN_PROGRESS` status but `REVIEW_IN_PROGRESS`:
    /// `CREATE_`, `UPDATE_`, `ROLLBACK_`, `UPDATE_ROLLBACK_`, `DELETE_`, `IMPORT_` and
    /// `IMPORT_ROLLBACK_IN_PROGRESS`, and the two `…_CLEANUP_IN_PROGRESS`), waited for until
    /// it ends, within [`Options::timeout`]. `None` when there is no stack, or once the
    /// operation deleted it. Both `up` and `preview` start from here, so each plans against
    /// the same settled state.
    ///
    /// AWS CloudFormation User Guide, "Stack status codes": each `*_IN_PROGRESS` is an
    /// operation under way ("DELETE_IN_PROGRESS: Ongoing removal of one or more stacks"), and
    /// only the `*_COMPLETE` and `*_FAILED` statuses are where it ends. API reference,
    /// DescribeStacks: a stack whose deletion completed no longer shows up by its name (by
    /// its id it is `DELETE_COMPLETE`, which the client reads as no stack either), so a stack
    /// deleted meanwhile is planned as a new one.
    async fn settle(&self, stack: &SynthesizedStack) -> Result<Option<StackInfo>, DeployError> {
        let name = stack.name();
        let Some(info) = self.describe(name).await? else {
            return Ok(None);
        };
        guard::check_owner(self.assembly.app(), &info, &self.options.adopt)?;
        if stable(&info.status) {
            return Ok(Some(info));
        }
        self.say(format!(
            "{name} is {} (another run, or an operation started elsewhere); waiting for it to finish",
            info.status
        ));
        self.wait(stack, Some(&info.id), &Mark::default()).await
    }

    /// Brings a stack to a state a change set can start from: waits out a running
    /// operation ([`Self::settle`]), deletes a failed first create or an empty stack left
    /// under review by an interrupted run, continues a failed rollback.
    async fn recover(&self, stack: &SynthesizedStack) -> Result<Option<StackInfo>, DeployError> {
        let name = stack.name();
        let Some(info) = self.settle(stack).await? else {
            return Ok(None);
        };
        match info.status.as_str() {
            "REVIEW_IN_PROGRESS" => {
                // A stack that a CREATE change set made and nobody executed: it holds no
                // resources. Its change sets go, then the stack, and it is created anew.
                self.say(format!(
                    "{name}: REVIEW_IN_PROGRESS, left by a run that did not execute its change set; deleting the empty stack"
                ));
                self.discard_stale(name, &info.id).await?;
                // Marked before the call: CloudFormation deletes asynchronously, and a
                // DescribeStacks right after DeleteStack may still say REVIEW_IN_PROGRESS.
                let mark = self.mark(name, &info.id).await?;
                let token = self.deletion_token(name);
                self.call(name, "DeleteStack", || {
                    self.cfn(name).delete_stack(&info.id, &[], &token)
                })
                .await?;
                if let Some(left) = self.wait(stack, Some(&info.id), &mark).await? {
                    return Err(DeployError::StackState {
                        stack: name.to_owned(),
                        status: left.status,
                        hint: "the empty stack could not be deleted; delete it in the console, then run `up` again".to_owned(),
                    });
                }
                Ok(None)
            }
            "ROLLBACK_COMPLETE" | "ROLLBACK_FAILED" => {
                self.confirm(&format!(
                    "stack `{name}` is {} after a failed first create and cannot be updated; delete it and create it anew",
                    info.status
                ))
                .await?;
                self.say(format!("{name}: deleting the failed first create"));
                // Marked before the call, as above: a stale ROLLBACK_COMPLETE is no end.
                let mark = self.mark(name, &info.id).await?;
                let token = self.deletion_token(name);
                self.call(name, "DeleteStack", || {
                    self.cfn(name).delete_stack(&info.id, &[], &token)
                })
                .await?;
                if let Some(left) = self.wait(stack, Some(&info.id), &mark).await? {
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
                let mark = self.mark(name, &info.id).await?;
                // One token for every attempt: a retry after a lost answer is the same request.
                let token = client_token(&format!("{}-rollback", self.run), name);
                self.call(name, "ContinueUpdateRollback", || {
                    self.cfn(name).continue_update_rollback(&info.id, &token)
                })
                .await?;
                match self.wait(stack, Some(&info.id), &mark).await? {
                    Some(i) if i.status == "UPDATE_ROLLBACK_COMPLETE" => Ok(Some(i)),
                    Some(i) => Err(self.failure(stack, Some(&info.id), &i.status, &mark).await),
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

    /// The template to deploy: the synthesized one, plus the outputs of exports that it
    /// drops but that other stacks still import (with their deployed values, so the export
    /// does not change), which CloudFormation would refuse to delete.
    async fn keep_imported_exports(
        &self,
        stack: &SynthesizedStack,
        info: Option<&StackInfo>,
    ) -> Result<(String, Vec<String>), DeployError> {
        let name = stack.name();
        let body = stack.template_json().to_owned();
        let Some(info) = info else {
            return Ok((body, Vec::new()));
        };
        let new: BTreeSet<&str> = stack
            .template()
            .outputs()
            .iter()
            .filter_map(crate::cfn::Output::export_name)
            .collect();
        let mut kept = Vec::new();
        let mut extra = serde_json::Map::new();
        for (key, value, export) in &info.outputs {
            let Some(export) = export else { continue };
            if new.contains(export.as_str()) {
                continue;
            }
            let listed = with_retry(self.options.retry, &self.calls, "ListImports", || {
                self.cfn(name).list_imports(export)
            })
            .await;
            let importers = match listed {
                Ok(importers) => importers,
                Err(e) if e.kind == ApiErrorKind::Unsupported => Vec::new(),
                Err(e) => return Err(DeployError::api(name, "ListImports", e)),
            };
            if importers.is_empty() {
                continue;
            }
            kept.push(format!("{export} (imported by {})", importers.join(", ")));
            extra.insert(
                key.clone(),
                serde_json::json!({ "Value": value, "Export": { "Name": export } }),
            );
        }
        if extra.is_empty() {
            return Ok((body, kept));
        }
        let mut doc = crate::cfn::tree::from_str(&body).map_err(|e| DeployError::StackState {
            stack: name.to_owned(),
            status: "unreadable template".to_owned(),
            hint: format!("synthesize it again: {e}"),
        })?;
        if let Some(map) = doc.as_object_mut() {
            let outputs = map
                .entry("Outputs")
                .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
            if let Some(outputs) = outputs.as_object_mut() {
                for (k, v) in extra {
                    let key = if outputs.contains_key(&k) {
                        format!("{k}Kept")
                    } else {
                        k
                    };
                    outputs.insert(key, v);
                }
            }
        }
        let body = plan::to_template_json(&doc).map_err(|e| DeployError::StackState {
            stack: name.to_owned(),
            status: "unreadable template".to_owned(),
            hint: format!("synthesize it again: {e}"),
        })?;
        Ok((body, kept))
    }

    /// Refuses, before any change, an export name of the template that another stack of the
    /// region already exports: export names are unique per account and region (AWS
    /// CloudFormation User Guide, "Get exported outputs from a deployed CloudFormation
    /// stack"), and CloudFormation would otherwise roll the stack back at execution ("Export
    /// with name X is already exported by stack Y"). The app's own names cannot collide (each
    /// begins with its producer's stack name), so only the names this stack does not export
    /// yet are looked up, with one `ListExports` read; an endpoint without it is not asked.
    async fn check_export_names(
        &self,
        stack: &SynthesizedStack,
        info: Option<&StackInfo>,
    ) -> Result<(), DeployError> {
        let name = stack.name();
        let exported: BTreeSet<&str> = info
            .map(|i| {
                i.outputs
                    .iter()
                    .filter_map(|(_, _, e)| e.as_deref())
                    .collect()
            })
            .unwrap_or_default();
        let new: BTreeSet<&str> = stack
            .template()
            .outputs()
            .iter()
            .filter_map(crate::cfn::Output::export_name)
            .filter(|e| !exported.contains(e))
            .collect();
        if new.is_empty() {
            return Ok(());
        }
        let listed = with_retry(self.options.retry, &self.calls, "ListExports", || {
            self.cfn(name).list_exports()
        })
        .await;
        let exports = match listed {
            Ok(exports) => exports,
            Err(e) if e.kind == ApiErrorKind::Unsupported => return Ok(()),
            Err(e) => return Err(DeployError::api(name, "ListExports", e)),
        };
        let own = info.map(|i| i.id.as_str());
        match exports
            .iter()
            .find(|(export, owner)| new.contains(export.as_str()) && Some(owner.as_str()) != own)
        {
            Some((export, owner)) => Err(DeployError::ExportTaken {
                stack: name.to_owned(),
                export: export.clone(),
                owner: stack_name_of(owner).to_owned(),
            }),
            None => Ok(()),
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
        let mut result = Box::pin(self.plan_change(stack, known, pending)).await?;
        // A production stack whose template is unchanged: the policy it has is read, since
        // nothing else in this run would set it (an execution is followed by ours in any
        // case). A policy left relaxed for `--allow-replace` by an `up` whose restoring
        // failed, or set elsewhere, is set back by this `up`.
        if matches!(result.state, PlanState::Unchanged | PlanState::UpToDate)
            && let Some(deployed) = &result.deployed
        {
            let id = deployed.id.clone();
            result.foreign_policy = self.foreign_policy(stack, &id).await?;
        }
        Ok(result)
    }

    /// The stack policy that `stack` (deployed as `id`) has when it is not ours: its text,
    /// `none`, or why it could not be read (an endpoint without GetStackPolicy: ours is set
    /// then, since a policy no one read may be one that lets anything go). `None` when it is
    /// ours (compared as JSON, not as text: API reference, GetStackPolicy, `StackPolicyBody`
    /// is the "Structure that contains the stack policy body"), when the stack is not a
    /// production stack, or when its template has no store of PHI (no policy to keep).
    async fn foreign_policy(
        &self,
        stack: &SynthesizedStack,
        id: &str,
    ) -> Result<Option<String>, DeployError> {
        let name = stack.name();
        if !stack.production() {
            return Ok(None);
        }
        let Some(ours) = plan::stack_policy(stack.template()) else {
            return Ok(None);
        };
        let read = with_retry(self.options.retry, &self.calls, "GetStackPolicy", || {
            self.cfn(name).stack_policy(id)
        })
        .await;
        let theirs = match read {
            Ok(theirs) => theirs,
            Err(e) if e.kind == ApiErrorKind::Unsupported => {
                return Ok(Some(format!("unknown: {e}")));
            }
            Err(e) => return Err(DeployError::api(name, "GetStackPolicy", e)),
        };
        Ok(match theirs {
            None => Some("none".to_owned()),
            Some(text) if same_policy(&text, &ours) => None,
            Some(text) => Some(text),
        })
    }

    async fn plan_change(
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
        let mut result = StackPlan::new(name, info.clone());
        result.post_deploy = post_deploy_steps(stack);
        let production = |i: &StackInfo| {
            (i.termination_protection != stack.production()).then_some(stack.production())
        };
        let tags = plan::tags(self.assembly.app(), stack);
        if let Some(i) = info.as_ref().filter(|i| i.status != "REVIEW_IN_PROGRESS") {
            result.tag_changes = plan::tag_changes(&i.tags, &tags);
        }
        let Some(parameters) = self.parameter_values(stack, pending).await? else {
            result.state = PlanState::Pending(format!(
                "planned after {} deploy(s): it reads their outputs",
                stack
                    .template()
                    .parameters()
                    .iter()
                    .map(|p| p.stack())
                    .filter(|s| pending.contains(s))
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            return Ok(result);
        };
        let deployed_hash = |i: &StackInfo| {
            i.outputs
                .iter()
                .find(|(k, _, _)| k == plan::TEMPLATE_OUTPUT)
                .map(|(_, v, _)| v.clone())
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
                    hint: match i.status.as_str() {
                        // Left failed with rollback disabled (by another tool or the console):
                        // `up` neither updates over it nor guesses (API reference,
                        // RollbackStack: "Rolls back the specified stack to the last known
                        // stable state from CREATE_FAILED or UPDATE_FAILED stack statuses").
                        "CREATE_FAILED" | "UPDATE_FAILED" => format!(
                            "it was left failed with rollback disabled; roll it back (`aws cloudformation rollback-stack --stack-name {name}`) and wait for it, then run `up` again"
                        ),
                        "UPDATE_ROLLBACK_FAILED" => {
                            "run `up`, which continues the rollback (or `preview` once it is done)"
                                .to_owned()
                        }
                        "DELETE_FAILED" => {
                            "run `destroy` to finish deleting it, then `up`".to_owned()
                        }
                        // A resource import (by another tool) that could not be rolled back:
                        // ContinueUpdateRollback continues only from UPDATE_ROLLBACK_FAILED
                        // (API reference, ContinueUpdateRollback), so nothing `up` can do.
                        "IMPORT_ROLLBACK_FAILED" => format!(
                            "a resource import started by another tool could not be rolled back, and `up` cannot continue it; fix the resources its events name, or remove them from the stack, in the CloudFormation console (`aws cloudformation describe-stack-events --stack-name {name}`), then run `up` again"
                        ),
                        _ => "wait for it to finish, or run `up`, which waits and recovers"
                            .to_owned(),
                    },
                });
            }
            Some(i) => {
                if i.tags == tags
                    && i.parameters == parameters
                    && deployed_hash(i).as_deref() == Some(&*sha256_hex(stack.template_json()))
                {
                    result.state = PlanState::Unchanged;
                    result.production = production(i);
                    return Ok(result);
                }
                false
            }
        };
        let (body, kept) = self
            .keep_imported_exports(stack, info.as_ref().filter(|_| !create))
            .await?;
        check_outputs(stack, &kept)?;
        self.check_export_names(stack, info.as_ref()).await?;
        result.deferred = kept;
        let (body, hash) =
            plan::with_template_hash(&body).map_err(|e| DeployError::StackState {
                stack: name.to_owned(),
                status: "unreadable template".to_owned(),
                hint: format!("synthesize it again: {e}"),
            })?;
        if let Some(i) = info.as_ref().filter(|_| !create)
            && i.tags == tags
            && i.parameters == parameters
            && deployed_hash(i) == Some(hash)
        {
            result.state = PlanState::Unchanged;
            result.production = production(i);
            return Ok(result);
        }
        check_template_size(name, &body, &result.deferred)?;
        self.check_images(stack).await?;
        let waits_on: Vec<&str> = stack
            .dependencies()
            .iter()
            .map(String::as_str)
            .filter(|d| pending.contains(d))
            .collect();
        if let Some(i) = &info {
            self.discard_stale(name, &i.id).await?;
        }
        self.upload_assets(stack).await?;
        let template = self.template_source(stack, &body).await?;
        // One name per change set of this run: a stack can be planned twice in one `up`
        // (after its dependencies changed, or on the pass that drops unused exports).
        let attempt = format!(
            "{}-{}",
            self.run,
            self.plans_made
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        );
        let request = ChangeSetRequest {
            stack: info
                .as_ref()
                .map_or_else(|| name.to_owned(), |i| i.id.clone()),
            name: format!("{CHANGE_SET_PREFIX}{attempt}"),
            client_token: client_token(&attempt, name),
            create,
            template,
            capabilities: plan::stack_capabilities(stack.template(), &body),
            tags,
            parameters,
            description: format!(
                "hipaa-stack {} for app {}, run {}",
                env!("CARGO_PKG_VERSION"),
                self.assembly.app(),
                self.run
            ),
        };
        let created = match self
            .call(name, "CreateChangeSet", || {
                self.cfn(name).create_change_set(&request)
            })
            .await
        {
            Ok(created) => {
                self.pending.created(name, &created.id, info.is_none());
                created
            }
            // A quota reached is no matter of order: deploying what the stack waits on
            // would not lift it, so it stops the run before anything is executed.
            Err(e) if !waits_on.is_empty() && !matches!(e, DeployError::QuotaReached { .. }) => {
                result.state = PlanState::Pending(format!(
                    "planned after {} deploy(s) ({e})",
                    waits_on.join(", ")
                ));
                return Ok(result);
            }
            Err(e) => return Err(e),
        };
        let arn = created.id;
        result.stack_id = Some(created.stack_id);
        result.change_set = Some(arn.clone());
        let described = self.wait_change_set(name, &arn).await?;
        if described.status == "FAILED" {
            result.change_set = None;
            if self
                .call(name, "DeleteChangeSet", || {
                    self.cfn(name).delete_change_set(&arn)
                })
                .await
                .is_ok()
            {
                self.pending.done(&arn);
            }
            if plan::is_no_change(described.status_reason.as_deref()) {
                // CloudFormation takes a change of the stack's tags alone as a change (it
                // copies them onto the resources), and executes it; "no changes" with other
                // tags would leave them as deployed while the run said up to date.
                if !result.tag_changes.is_empty() {
                    return Err(DeployError::TagsNotApplied {
                        stack: name.to_owned(),
                        tags: result.tag_changes.join(", "),
                    });
                }
                result.state = PlanState::UpToDate;
                result.production = info.as_ref().and_then(production);
                return Ok(result);
            }
            if create {
                self.drop_review_stack(&result).await;
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
        // ChangeSetStatus also has DELETE_PENDING, DELETE_IN_PROGRESS, DELETE_COMPLETE and
        // DELETE_FAILED (API reference, ChangeSetSummary, `Status`): a change set that another
        // run or tool deleted while this one planned. Its changes decide nothing.
        if described.status != "CREATE_COMPLETE" {
            result.change_set = None;
            return Err(DeployError::StackState {
                stack: name.to_owned(),
                status: format!("planned with a change set that is {}", described.status),
                hint: "another run or tool deleted the change set while this run read it; run the command again".to_owned(),
            });
        }
        result.state = if create {
            PlanState::Create
        } else {
            PlanState::Update
        };
        result.endangered =
            plan::endangered(stack, None, &described.changes, &self.options.allow_replace);
        result.allowed = plan::allowed_ids(stack, &described.changes, &self.options.allow_replace);
        result.removed_stores = described
            .changes
            .iter()
            .filter(|c| c.action == "Remove" && plan::data_at_stake(&c.resource_type).is_some())
            .map(|c| c.logical_id.clone())
            .collect();
        result.changes = described
            .changes
            .iter()
            .map(|c| planned(stack, c))
            .collect();
        if !create {
            result.production = info.as_ref().and_then(production);
            if let Some(i) = &info {
                self.refuse_changed_imports(
                    name,
                    i,
                    &body,
                    &request.parameters,
                    &described.changes,
                )
                .await?;
            }
        }
        Ok(result)
    }

    /// Rule E1 at deploy, before a change set of `stack` is made: the images that its
    /// `SecureInstance`s and `SecureInstanceGroup`s launch must have their root volume where
    /// the construct maps it encrypted, and no other volume made unencrypted (see
    /// `images`). A run without an EC2 client for the stack's region cannot read them, and
    /// refuses such a stack rather than deploy what no one checked.
    async fn check_images(&self, stack: &SynthesizedStack) -> Result<(), DeployError> {
        let launches = super::images::launches(stack);
        if launches.is_empty() {
            return Ok(());
        }
        super::images::refuse_unreadable(stack.name(), &launches)?;
        let Some(ec2) = self.regional(stack.name()).network.as_ref() else {
            return Err(DeployError::StackState {
                stack: stack.name().to_owned(),
                status: format!(
                    "not planned: it launches instances ({}) whose images this run cannot read",
                    launches
                        .iter()
                        .map(|l| format!("`{}`", l.construct))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                hint: "the engine reads each image's root device and volumes with EC2 before deploying it (rule E1), and this run has no EC2 client for the stack's region; deploy through the command line, or give `Regional::network`".to_owned(),
            });
        };
        ec2.check_images(stack.name(), &launches, self.options.retry, &self.calls)
            .await
    }

    /// Refuses, before anything is executed, an update that changes the value of an export
    /// another stack imports ([`plan::exports_changing`]): CloudFormation would fail it with
    /// "Cannot update export … as it is in use by …" and roll the stack back. The deployed
    /// template (`GetTemplate`) tells an output written differently; without it (an endpoint
    /// that cannot give it) replacements and parameters still count.
    async fn refuse_changed_imports(
        &self,
        name: &str,
        info: &StackInfo,
        body: &str,
        parameters: &BTreeMap<String, String>,
        changes: &[super::api::ResourceChange],
    ) -> Result<(), DeployError> {
        let deployed: BTreeMap<String, String> = info
            .outputs
            .iter()
            .filter_map(|(_, value, export)| Some((export.clone()?, value.clone())))
            .collect();
        if deployed.is_empty() {
            return Ok(());
        }
        let Ok(new) = crate::cfn::tree::from_str(body) else {
            return Ok(());
        };
        let old = with_retry(self.options.retry, &self.calls, "GetTemplate", || {
            self.cfn(name).deployed_template(&info.id)
        })
        .await
        .ok()
        .and_then(|text| crate::cfn::tree::from_str(&text).ok());
        let changing = plan::exports_changing(
            &new,
            old.as_ref(),
            &deployed,
            changes,
            (parameters, &info.parameters),
        );
        for (export, why) in changing {
            let listed = with_retry(self.options.retry, &self.calls, "ListImports", || {
                self.cfn(name).list_imports(&export)
            })
            .await;
            let importers: Vec<String> = match listed {
                Ok(importers) => importers.into_iter().filter(|s| s != name).collect(),
                Err(e) if e.kind == ApiErrorKind::Unsupported => Vec::new(),
                Err(e) => return Err(DeployError::api(name, "ListImports", e)),
            };
            if importers.is_empty() {
                continue;
            }
            let by = importers
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ");
            return Err(DeployError::StackState {
                stack: name.to_owned(),
                status: format!(
                    "about to change its export `{export}` ({why}), which {by} import(s)"
                ),
                hint: format!(
                    "CloudFormation refuses to change an export in use and would roll the update back, so nothing was executed. Deploy {by} first without the import (`up --stack NAME` once the program no longer reads the value there), or keep what the export reads (no replacement); then run `up` again"
                ),
            });
        }
        Ok(())
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
                    self.cfn(stack).describe_change_set(arn)
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

    /// Deletes the empty `REVIEW_IN_PROGRESS` stack that a CREATE change set made, once
    /// that change set is gone (deleting a change set leaves its stack behind), and waits
    /// until it is gone. CloudFormation deletes asynchronously (API reference, DeleteStack:
    /// "Once the call completes successfully, stack deletion starts"): a plan made right
    /// after (`up` plans a stack again once the stacks it reads have deployed) would
    /// otherwise find the stack still `REVIEW_IN_PROGRESS`, and make its new change set for
    /// a stack about to be deleted, or find it `DELETE_IN_PROGRESS` and stop.
    async fn drop_review_stack(&self, p: &StackPlan) {
        let Some(id) = &p.stack_id else { return };
        let name = p.stack.as_str();
        let Ok(Some(info)) = self.describe_id(name, id).await else {
            return;
        };
        if info.status != "REVIEW_IN_PROGRESS" {
            return;
        }
        let token = self.deletion_token(name);
        if self
            .call(name, "DeleteStack", || {
                self.cfn(name).delete_stack(id, &[], &token)
            })
            .await
            .is_err()
        {
            return;
        }
        // Best effort, as the deletion: a stack that stays (or cannot be read) is found by
        // the next plan, which waits for it or says what it is. Quiet: nothing of the app
        // changes.
        let start = Instant::now();
        let mut interval = self.options.poll;
        while let Ok(Some(left)) = self.describe_id(name, id).await {
            let deleting = matches!(
                left.status.as_str(),
                "REVIEW_IN_PROGRESS" | "DELETE_IN_PROGRESS"
            );
            if !deleting || start.elapsed() >= self.options.timeout {
                break;
            }
            tokio::time::sleep(interval).await;
            interval = interval.mul_f64(1.5).min(self.options.max_poll);
        }
    }

    /// Deletes the plans' change sets, and the empty stacks their CREATE change sets made.
    async fn discard(&self, plans: &[StackPlan]) {
        for p in plans {
            if let Some(arn) = &p.change_set {
                if self
                    .call(&p.stack, "DeleteChangeSet", || {
                        self.cfn(&p.stack).delete_change_set(arn)
                    })
                    .await
                    .is_ok()
                {
                    self.pending.done(arn);
                }
                if p.state == PlanState::Create {
                    self.drop_review_stack(p).await;
                }
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
            .map(|(s, k)| {
                tracing::Instrument::instrument(
                    self.observed("plan", s.name(), self.plan(s, k, pending)),
                    self.span("plan", s),
                )
            })
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
    /// described and deleted, and so is the empty stack a first plan of a stack makes.
    /// Stacks that depend on an earlier wave's pending changes are planned as far as
    /// CloudFormation allows.
    ///
    /// A stack that an operation is changing is waited for first, as `up` waits for it
    /// ([`Self::settle`]), and planned as it ends: one still being deleted (right after
    /// `destroy`, or by another run) is planned as a new stack once it is gone, one being
    /// updated or rolled back against what it then holds. As with `up`, a stack that never
    /// settles within [`Options::timeout`] is a [`DeployError::Timeout`] naming it.
    ///
    /// Where `up` would change the stack before planning, `preview` plans what `up` would
    /// do: a failed first create (`ROLLBACK_COMPLETE`, `ROLLBACK_FAILED`) is planned as
    /// [`PlanState::Recreate`], an empty stack under review (`REVIEW_IN_PROGRESS`) as a
    /// create. A stack stopped in a failed status that only a change could move on from
    /// (`UPDATE_ROLLBACK_FAILED`, whose rollback `up` continues first) or that `up` refuses
    /// too (`DELETE_FAILED`; `CREATE_FAILED` and `UPDATE_FAILED` left without rollback;
    /// `IMPORT_ROLLBACK_FAILED`) is a [`DeployError::StackState`] that names the stack and
    /// says what to run (AWS
    /// CloudFormation User Guide, "Stack status codes": "UPDATE_ROLLBACK_FAILED … you can
    /// delete the stack or continue rollback"; "DELETE_FAILED … Delete the stack again").
    pub async fn preview(&self) -> Result<Vec<StackPlan>, DeployError> {
        self.guarded("preview", || self.preview_inner()).await
    }

    async fn preview_inner(&self) -> Result<Vec<StackPlan>, DeployError> {
        cleared(self.assembly, "previewed")?;
        self.check_regions()?;
        self.check_regions_apart()?;
        self.check_tags()?;
        Box::pin(self.check_account()).await?;
        let mut all = Vec::new();
        let mut pending: BTreeSet<&str> = BTreeSet::new();
        for wave in self.waves() {
            let settled: Vec<Result<Option<StackInfo>, DeployError>> = stream::iter(wave.iter())
                .map(|s| tracing::Instrument::instrument(self.settle(s), self.span("settle", s)))
                .buffered(self.options.concurrency.max(1))
                .collect()
                .await;
            let mut known = Vec::with_capacity(wave.len());
            let mut errors = Vec::new();
            for r in settled {
                match r {
                    Ok(info) => known.push(Some(info)),
                    Err(e) => errors.push(e),
                }
            }
            if let Some(e) = DeployError::combine(errors) {
                return Err(e);
            }
            let (plans, errors) = self.plan_wave(&wave, known, &pending).await;
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
    /// Every stack whose change set can be made before anything runs is planned and checked
    /// first, so a refusal there changes nothing; a stack that can only be planned after an
    /// earlier wave deploys is checked then, and a refusal names what was already deployed.
    /// Exports that a stack drops while another still imports them are kept, and dropped on
    /// a last pass once nothing imports them.
    ///
    /// Ctrl-C stops waiting and says where the stacks stand; CloudFormation goes on, and
    /// running `up` again converges.
    pub async fn up(&self) -> Result<Vec<Deployed>, DeployError> {
        self.guarded("up", || self.up_inner()).await
    }

    /// After an interruption: the stack policies relaxed for `--allow-replace` are restored
    /// (CloudFormation goes on with the execution, under the policy it started with).
    async fn restore_relaxed(&self) {
        let names: Vec<String> = self
            .relaxed
            .lock()
            .map(|r| r.iter().cloned().collect())
            .unwrap_or_default();
        for name in names {
            if let Some(stack) = self.assembly.stack(&name) {
                match self.restore_policy(stack, &name).await {
                    Ok(()) => self.say(format!("{name}: stack policy restored after the interruption")),
                    Err(e) => self.say(format!(
                        "{name}: the stack policy relaxed for --allow-replace could not be restored ({e}); {}",
                        set_policy_by_hand(stack)
                    )),
                }
            }
        }
    }

    async fn up_inner(&self) -> Result<Vec<Deployed>, DeployError> {
        cleared(self.assembly, "deployed")?;
        self.check_regions()?;
        self.check_regions_apart()?;
        self.check_tags()?;
        Box::pin(self.check_account()).await?;
        let waves = self.waves();
        // 1. Everything that can be planned now is planned and checked before anything runs.
        let mut planned: Vec<Vec<StackPlan>> = Vec::new();
        let mut pending: BTreeSet<&str> = BTreeSet::new();
        for wave in &waves {
            let recovered: Vec<Result<Option<StackInfo>, DeployError>> = stream::iter(wave.iter())
                .map(|s| tracing::Instrument::instrument(self.recover(s), self.span("recover", s)))
                .buffered(self.options.concurrency.max(1))
                .collect()
                .await;
            let mut known = Vec::with_capacity(wave.len());
            let mut errors = Vec::new();
            for r in recovered {
                match r {
                    Ok(info) => known.push(Some(info)),
                    Err(e) => {
                        errors.push(e);
                        known.push(None);
                    }
                }
            }
            if let Some(e) = DeployError::combine(errors) {
                self.discard(&planned.concat()).await;
                return Err(e);
            }
            let (plans, errors) = self.plan_wave(wave, known, &pending).await;
            if let Some(e) = DeployError::combine(errors) {
                self.discard(&planned.concat()).await;
                self.discard(&plans).await;
                return Err(e);
            }
            for p in &plans {
                if p.has_changes() {
                    pending.insert(self.name_in(wave, &p.stack));
                }
            }
            planned.push(plans);
        }
        let endangered: Vec<Endangered> = planned
            .iter()
            .flatten()
            .flat_map(|p| p.endangered.clone())
            .collect();
        if !endangered.is_empty() {
            self.discard(&planned.concat()).await;
            return Err(DeployError::Endangered {
                changes: endangered,
                changed: Vec::new(),
            });
        }
        // 2. Wave by wave: stacks whose dependencies changed are planned again now.
        let mut deployed: Vec<Deployed> = Vec::new();
        let mut changed: BTreeSet<String> = BTreeSet::new();
        for k in 0..waves.len() {
            let wave = &waves[k];
            let (done, later) = planned.split_at_mut(k + 1);
            let plans = &mut done[k];
            let outcome = async {
                let stale: Vec<usize> = wave
                    .iter()
                    .enumerate()
                    .filter(|&(i, s)| {
                        s.dependencies().iter().any(|d| changed.contains(d))
                            || matches!(plans[i].state, PlanState::Pending(_))
                    })
                    .map(|(i, _)| i)
                    .collect();
                if !stale.is_empty() {
                    let old: Vec<StackPlan> = stale.iter().map(|&i| plans[i].clone()).collect();
                    self.discard(&old).await;
                    let stacks: Vec<&SynthesizedStack> = stale.iter().map(|&i| wave[i]).collect();
                    let (fresh, errors) = self
                        .plan_wave(&stacks, vec![None; stacks.len()], &BTreeSet::new())
                        .await;
                    if let Some(e) = DeployError::combine(errors) {
                        self.discard(&fresh).await;
                        self.discard(plans).await;
                        return Err(self.after(e, &changed));
                    }
                    for (&i, p) in stale.iter().zip(fresh) {
                        plans[i] = p;
                    }
                    let endangered: Vec<Endangered> =
                        plans.iter().flat_map(|p| p.endangered.clone()).collect();
                    if !endangered.is_empty() {
                        self.discard(plans).await;
                        return Err(DeployError::Endangered {
                            changes: endangered,
                            changed: changed.iter().cloned().collect(),
                        });
                    }
                }
                for p in plans.iter() {
                    self.say(describe_plan(p));
                }
                let changing: Vec<&StackPlan> = plans.iter().filter(|p| p.has_changes()).collect();
                if !changing.is_empty() {
                    let names: Vec<&str> = changing.iter().map(|p| p.stack.as_str()).collect();
                    if let Err(e) = self.confirm(&format!("deploy {}", names.join(", "))).await {
                        // On Ctrl-C the guard deletes them, and says so.
                        if !matches!(e, DeployError::Interrupted { .. }) {
                            self.discard(plans).await;
                        }
                        return Err(self.after(e, &changed));
                    }
                }
                let results: Vec<Result<Deployed, DeployError>> =
                    stream::iter(wave.iter().zip(plans.iter()))
                        .map(|(s, p)| {
                            tracing::Instrument::instrument(
                                self.observed("deploy", s.name(), self.apply(s, p)),
                                self.span("deploy", s),
                            )
                        })
                        .buffered(self.options.concurrency.max(1))
                        .collect()
                        .await;
                let mut errors = Vec::new();
                for (r, p) in results.into_iter().zip(plans.iter()) {
                    match r {
                        Ok(d) => {
                            if p.change_set.is_some() {
                                changed.insert(d.stack.clone());
                            }
                            deployed.push(d);
                        }
                        Err(e) => errors.push(e),
                    }
                }
                match DeployError::combine(errors) {
                    Some(e) => Err(e),
                    None => Ok(()),
                }
            }
            .await;
            if let Err(e) = outcome {
                // The change sets planned for later waves will not run: they go too.
                self.discard(&later.concat()).await;
                return Err(e);
            }
        }
        // 3. Exports kept for an importer are dropped once no stack imports them.
        let deferred: Vec<&SynthesizedStack> = waves
            .iter()
            .flatten()
            .copied()
            .filter(|s| {
                planned
                    .iter()
                    .flatten()
                    .any(|p| p.stack == s.name() && !p.deferred.is_empty())
            })
            .collect();
        for stack in deferred {
            let p = self.plan(stack, None, &BTreeSet::new()).await?;
            let entry = deployed.iter_mut().find(|d| d.stack == stack.name());
            if p.change_set.is_none() {
                if let Some(d) = entry {
                    d.notes.extend(p.deferred.iter().map(|e| {
                        format!("kept export {e}: it goes on a later `up`, once nothing imports it")
                    }));
                }
                continue;
            }
            if !p.endangered.is_empty() {
                self.discard(std::slice::from_ref(&p)).await;
                return Err(DeployError::Endangered {
                    changes: p.endangered.clone(),
                    changed: changed.iter().cloned().collect(),
                });
            }
            self.say(format!(
                "{}: the exports kept for their importers are no longer imported; removing them",
                stack.name()
            ));
            let d =
                tracing::Instrument::instrument(self.apply(stack, &p), self.span("deploy", stack))
                    .await?;
            if let Some(entry) = deployed.iter_mut().find(|x| x.stack == stack.name()) {
                entry
                    .notes
                    .push("exports no longer imported were removed on a second pass".to_owned());
                entry.outputs = d.outputs;
                entry.updated_at = d.updated_at;
            }
        }
        Ok(deployed)
    }

    fn name_in<'w>(&self, wave: &[&'w SynthesizedStack], name: &str) -> &'w str {
        wave.iter()
            .find(|s| s.name() == name)
            .map_or("", |s| s.name())
    }

    /// An error that stopped `up` after some stacks were already changed: it says which.
    fn after(&self, e: DeployError, changed: &BTreeSet<String>) -> DeployError {
        if changed.is_empty() {
            return e;
        }
        DeployError::StackState {
            stack: e_stack(&e),
            status: "not deployed".to_owned(),
            hint: format!(
                "{e}; already deployed in this run: {}",
                changed.iter().cloned().collect::<Vec<_>>().join(", ")
            ),
        }
    }

    /// Executes one stack's plan and waits for it, then runs the steps that follow a deploy
    /// (rules E14 and L4). An unchanged stack costs nothing more (unless its production
    /// status changes) when its template holds no VPC and no database named at deploy;
    /// otherwise its resources are listed and the steps' groups read, and changed only
    /// when an earlier run left them undone.
    async fn apply(
        &self,
        stack: &SynthesizedStack,
        p: &StackPlan,
    ) -> Result<Deployed, DeployError> {
        let name = stack.name();
        let mut notes: Vec<String> = p
            .deferred
            .iter()
            .map(|e| format!("kept export {e}"))
            .collect();
        let mut relaxed = false;
        let info = match &p.change_set {
            None => p.deployed.clone(),
            Some(arn) => {
                let id = p.stack_id.clone().unwrap_or_else(|| name.to_owned());
                // Whatever marks the stack now: a production stack whose termination
                // protection was turned off elsewhere keeps its policy, and a stack that
                // stops being production keeps it until after this execution. AWS enforces
                // it on execution (API reference, ExecuteChangeSet).
                relaxed = p.state == PlanState::Update
                    && !p.allowed.is_empty()
                    && (stack.production()
                        || p.deployed
                            .as_ref()
                            .is_some_and(|d| d.termination_protection));
                if relaxed
                    && let Some(policy) =
                        plan::stack_policy_allowing(stack.template(), &p.removed_stores, &p.allowed)
                {
                    if let Ok(mut r) = self.relaxed.lock() {
                        r.insert(name.to_owned());
                    }
                    self.set_policy(name, &id, &policy).await?;
                    let note = format!(
                        "stack policy relaxed for this execution only, to replace or delete {}",
                        p.allowed.join(", ")
                    );
                    self.say(format!("{name}: {note}"));
                    notes.push(note);
                }
                let ran = self.run_change_set(stack, &id, arn).await;
                if relaxed {
                    // Restored whatever happened, before any error is returned.
                    // Said restored only once it is: a restoring that failed is an error
                    // that names the stores the policy lets go and how to set it back.
                    let restored = self.restore_policy(stack, &id).await;
                    if restored.is_ok() {
                        if let Ok(mut r) = self.relaxed.lock() {
                            r.remove(name);
                        }
                        notes.push("stack policy restored".to_owned());
                        self.say(format!("{name}: stack policy restored"));
                    }
                    restored.map_err(|e| DeployError::StackState {
                        stack: name.to_owned(),
                        status: format!(
                            "left with its stack policy relaxed for --allow-replace ({e})",
                        ),
                        hint: format!(
                            "until it is set back, an update from anywhere may replace or delete {}; {}",
                            p.allowed.join(", "),
                            set_policy_by_hand(stack)
                        ),
                    })?;
                }
                ran?
            }
        };
        if p.change_set.is_some() && !p.tag_changes.is_empty() {
            notes.push(format!("stack tags updated: {}", p.tag_changes.join(", ")));
        }
        if let Some(theirs) = &p.foreign_policy {
            notes.push(format!(
                "set back the stack policy of a production stack: it had one that is not ours ({}); CloudFormation enforces whatever policy a stack has on every update, from anywhere",
                excerpt(theirs)
            ));
        }
        let info = match (info, p.production) {
            (Some(mut i), _)
                if stack.production()
                    && (p.change_set.is_some()
                        || p.production.is_some()
                        || p.foreign_policy.is_some()) =>
            {
                if relaxed {
                    // The policy was restored just now; only the protection may be missing.
                    if !i.termination_protection {
                        self.call(name, "UpdateTerminationProtection", || {
                            self.cfn(name).set_termination_protection(&i.id, true)
                        })
                        .await?;
                    }
                } else {
                    self.protect(stack, &i.id, i.termination_protection).await?;
                }
                if p.production == Some(true) {
                    notes.push(
                        "production: termination protection and stack policy turned on".to_owned(),
                    );
                }
                i.termination_protection = true;
                Some(i)
            }
            (Some(mut i), Some(false)) => {
                self.unprotect(name, &i.id).await?;
                notes.push("no longer production: termination protection off, stack policy allows every update".to_owned());
                i.termination_protection = false;
                Some(i)
            }
            (info, _) => info,
        };
        // The steps that follow a deploy (rules E14 and L4) run after every deploy, and again
        // on every `up` of a stack whose template is unchanged: a step that an earlier run
        // could not finish (throttling, a key policy, the network) is retried, since the
        // steps change only what is not yet as they leave it. A stack whose template holds
        // no VPC and no database named at deploy costs no call for them.
        let unchanged = matches!(p.state, PlanState::Unchanged | PlanState::UpToDate);
        if !matches!(p.state, PlanState::Pending(_)) {
            let regional = self.regional(name);
            // An unchanged stack is not told again that this run has no client for a step.
            let vpcs_wanted = !unchanged || regional.network.is_some();
            let databases_wanted = !unchanged || regional.databases.is_some();
            // One read of the stack's resources for both steps.
            let (vpcs, databases): (Vec<_>, Vec<_>) = self
                .deployed(stack, |r| {
                    (vpcs_wanted && r.type_name() == VPC)
                        || (databases_wanted && super::logs::groups_named_at_deploy(r))
                })
                .await
                .map_err(|e| e.after_deploy("the steps of rules E14 and L4"))?
                .into_iter()
                .partition(|(kind, _, _)| kind == VPC);
            let mut done = self
                .close_default_groups(stack, vpcs, unchanged)
                .await
                .map_err(|e| {
                    e.after_deploy("rule E14's step (closing the VPCs' default security groups)")
                })?;
            done.extend(
                self.secure_database_logs(stack, databases, unchanged)
                    .await
                    .map_err(|e| {
                        e.after_deploy(
                            "rule L4's step (the key and retention of the databases' log groups)",
                        )
                    })?,
            );
            notes.extend(done.into_iter().map(|(changed, note)| {
                if unchanged && changed {
                    format!(
                        "retried on the unchanged stack (an earlier `up` left it undone): {note}"
                    )
                } else {
                    note
                }
            }));
        }
        for n in &notes {
            if !n.starts_with("stack policy") {
                self.say(format!("{name}: {n}"));
            }
        }
        let info = info.unwrap_or_default();
        Ok(Deployed {
            stack: name.to_owned(),
            state: p.state.clone(),
            stack_id: info.id,
            updated_at: info.updated_at,
            outputs: shown(stack, info.outputs, self.options.internal_outputs),
            region: self.region_of(name),
            notes,
        })
    }

    /// The resources of a deployed stack that `wanted` picks in its template: type, logical
    /// id and physical id. No call when the template has none.
    async fn deployed(
        &self,
        stack: &SynthesizedStack,
        wanted: impl Fn(&crate::cfn::Resource) -> bool,
    ) -> Result<Vec<(String, String, String)>, DeployError> {
        let picked: BTreeSet<&str> = stack
            .template()
            .resources()
            .iter()
            .filter(|r| wanted(r))
            .map(crate::cfn::Resource::logical_id)
            .collect();
        if picked.is_empty() {
            return Ok(Vec::new());
        }
        let name = stack.name();
        let resources = self
            .call(name, "ListStackResources", || {
                self.cfn(name).stack_resources(name)
            })
            .await?;
        Ok(resources
            .into_iter()
            .filter(|r| picked.contains(r.logical_id.as_str()))
            .filter_map(|r| {
                let id = r.physical_id?;
                Some((r.resource_type, r.logical_id, id))
            })
            .collect())
    }

    /// Rule L4, after a stack with databases that export logs and that CloudFormation names
    /// at deploy (`databases`: type, logical id, physical id) was created or updated: each
    /// group RDS writes the logs to gets the database's key and a retention (see
    /// [`super::logs`]). Returns the notes that say what was done: the evidence of the
    /// control, each with whether it changed anything. On an `unchanged` stack the groups are
    /// read first, and the run lock taken only when one needs a change.
    async fn secure_database_logs(
        &self,
        stack: &SynthesizedStack,
        databases: Vec<(String, String, String)>,
        unchanged: bool,
    ) -> Result<Vec<(bool, String)>, DeployError> {
        if databases.is_empty() {
            return Ok(Vec::new());
        }
        let Some(logs) = self.regional(stack.name()).databases.as_ref() else {
            return Ok(vec![(
                false,
                format!(
                    "the log groups of the exported logs of {} were left as RDS makes them: this run has no RDS or CloudWatch Logs client (rule L4); associate the database's key with each and set its retention, or deploy with the command line",
                    databases
                        .iter()
                        .map(|(_, l, _)| l.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )]);
        };
        let mut notes = Vec::new();
        for (kind, logical, physical) in databases {
            if unchanged {
                // Read first: a secured database's groups cost no write and no run lock.
                let reading = logs
                    .read(
                        stack.name(),
                        &kind,
                        &physical,
                        self.options.retry,
                        &self.staging_calls,
                    )
                    .await?;
                let left = match &reading {
                    // Nothing rule L4 asks of it (an instance of a cluster, no key), or gone:
                    // CloudFormation's drift detection reports a deleted database.
                    None => Some(Vec::new()),
                    Some(r) => r.as_left(),
                };
                if let Some(groups) = left {
                    notes.extend(
                        groups
                            .iter()
                            .map(|g| (false, super::logs::note(&logical, g))),
                    );
                    continue;
                }
                Box::pin(self.ensure_locked()).await?;
            }
            let groups = logs
                .secure(
                    stack.name(),
                    &kind,
                    &physical,
                    self.options.retry,
                    &self.staging_calls,
                )
                .await?;
            notes.extend(
                groups
                    .iter()
                    .map(|g| (g.change.changed(), super::logs::note(&logical, g))),
            );
        }
        Ok(notes)
    }

    /// Rule E14, after a stack with VPCs (`vpcs`: type, logical id, physical id) was created
    /// or updated: every rule of each VPC's default security group is revoked (EC2 gives the
    /// group rules that no template can remove). Returns the notes that say what was done:
    /// the evidence of the control, each with whether it changed anything. On an `unchanged`
    /// stack the group is read first, and the run lock taken only when a rule must go.
    async fn close_default_groups(
        &self,
        stack: &SynthesizedStack,
        vpcs: Vec<(String, String, String)>,
        unchanged: bool,
    ) -> Result<Vec<(bool, String)>, DeployError> {
        if vpcs.is_empty() {
            return Ok(Vec::new());
        }
        let Some(network) = self.regional(stack.name()).network.as_ref() else {
            return Ok(vec![(
                false,
                format!(
                    "the default security group of {} was not closed: this run has no EC2 client (rule E14); revoke its rules, or deploy with the command line",
                    vpcs.iter()
                        .map(|(_, l, _)| l.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )]);
        };
        let mut notes = Vec::new();
        for (_, logical, vpc) in vpcs {
            if unchanged {
                // Read first: a closed group costs no write and no run lock.
                let group = network
                    .read(stack.name(), &vpc, self.options.retry, &self.staging_calls)
                    .await?;
                if group.is_closed() {
                    notes.push((
                        false,
                        format!(
                            "default security group {} of {logical} ({vpc}) has no rules (rule E14)",
                            group.group_id
                        ),
                    ));
                    continue;
                }
                Box::pin(self.ensure_locked()).await?;
            }
            let was = network
                .close(stack.name(), &vpc, self.options.retry, &self.staging_calls)
                .await?;
            let rules = was.ingress.len() + was.egress.len();
            notes.push((rules > 0, if rules == 0 {
                format!(
                    "default security group {} of {logical} ({vpc}) has no rules (rule E14)",
                    was.group_id
                )
            } else {
                format!(
                    "default security group {} of {logical} ({vpc}) closed: revoked {rules} rule(s): {} (rule E14)",
                    was.group_id,
                    was.ingress.iter().chain(&was.egress).cloned().collect::<Vec<_>>().join("; ")
                )
            }));
        }
        Ok(notes)
    }

    /// Rule E14 in `drift`: a rule back in the default security group of one of `vpcs`
    /// (type, logical id, physical id; CloudFormation's drift detection does not see the
    /// group: no template declares it).
    async fn default_group_drift(
        &self,
        stack: &SynthesizedStack,
        vpcs: Vec<(String, String, String)>,
    ) -> Result<Vec<super::api::ResourceDrift>, DeployError> {
        let Some(network) = self.regional(stack.name()).network.as_ref() else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for (_, logical, vpc) in vpcs {
            let group = network
                .read(stack.name(), &vpc, self.options.retry, &self.staging_calls)
                .await?;
            if group.is_closed() {
                continue;
            }
            out.push(super::api::ResourceDrift {
                logical_id: format!("{logical}DefaultSecurityGroup"),
                resource_type: "AWS::EC2::SecurityGroup".to_owned(),
                status: "MODIFIED".to_owned(),
                differences: group
                    .ingress
                    .iter()
                    .chain(&group.egress)
                    .map(|r| {
                        (
                            format!(
                                "{} (default security group of {vpc}, rule E14)",
                                group.group_id
                            ),
                            "no rules".to_owned(),
                            r.clone(),
                        )
                    })
                    .collect(),
            });
        }
        Ok(out)
    }

    /// The stack policy in `drift`: a production stack whose policy is not the one `up`
    /// gives it (CloudFormation's drift detection does not look at stack policies), as one
    /// entry `StackPolicy` of type `AWS::CloudFormation::Stack`, `MODIFIED`, with our policy
    /// and the stack's (`none` when it has none; `unknown: …` when the endpoint cannot read
    /// it). `up` sets ours back.
    async fn policy_drift(
        &self,
        stack: &SynthesizedStack,
    ) -> Result<Option<super::api::ResourceDrift>, DeployError> {
        let name = stack.name();
        let Some(theirs) = self.foreign_policy(stack, name).await? else {
            return Ok(None);
        };
        let ours = plan::stack_policy(stack.template()).unwrap_or_default();
        Ok(Some(super::api::ResourceDrift {
            logical_id: "StackPolicy".to_owned(),
            resource_type: "AWS::CloudFormation::Stack".to_owned(),
            status: "MODIFIED".to_owned(),
            differences: vec![(
                format!("stack policy of {name} (`up` sets ours back)"),
                ours,
                theirs,
            )],
        }))
    }

    /// Rule L4 in `drift`: for each log group of `databases` (type, logical id, physical id:
    /// the deployed databases named at deploy), a group that is missing, that holds no key
    /// or another key than the database's, or whose retention is missing or shorter than
    /// [`super::logs::RETENTION_DAYS`] (CloudFormation's drift detection does not see the
    /// groups: no template declares them). One entry per group, as `<database>LogGroup<Log>`
    /// of type `AWS::Logs::LogGroup`: `DELETED` for a missing group, `MODIFIED` otherwise.
    async fn database_log_drift(
        &self,
        stack: &SynthesizedStack,
        databases: Vec<(String, String, String)>,
    ) -> Result<Vec<super::api::ResourceDrift>, DeployError> {
        let Some(logs) = self.regional(stack.name()).databases.as_ref() else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for (kind, logical, physical) in databases {
            let Some(reading) = logs
                .read(
                    stack.name(),
                    &kind,
                    &physical,
                    self.options.retry,
                    &self.staging_calls,
                )
                .await?
            else {
                continue;
            };
            for group in &reading.groups {
                let differences = group.differences(&reading.key);
                if differences.is_empty() {
                    continue;
                }
                out.push(super::api::ResourceDrift {
                    logical_id: format!("{logical}LogGroup{}", pascal(&group.log)),
                    resource_type: "AWS::Logs::LogGroup".to_owned(),
                    status: if group.found.is_none() {
                        "DELETED".to_owned()
                    } else {
                        "MODIFIED".to_owned()
                    },
                    differences,
                });
            }
        }
        Ok(out)
    }

    async fn run_change_set(
        &self,
        stack: &SynthesizedStack,
        id: &str,
        arn: &str,
    ) -> Result<Option<StackInfo>, DeployError> {
        let name = stack.name();
        let mark = self.mark(name, id).await?;
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
        let info = self.wait(stack, Some(id), &mark).await;
        self.track(name, None);
        let info = info?;
        match &info {
            Some(i) if succeeded(&i.status) => Ok(info),
            Some(i) => Err(self.failure(stack, Some(id), &i.status, &mark).await),
            None => Err(DeployError::StackState {
                stack: name.to_owned(),
                status: "gone".to_owned(),
                hint: "the stack was deleted while it deployed; run `up` again".to_owned(),
            }),
        }
    }

    async fn restore_policy(&self, stack: &SynthesizedStack, id: &str) -> Result<(), DeployError> {
        let name = stack.name();
        if let Some(policy) = plan::stack_policy(stack.template()) {
            self.set_policy(name, id, &policy).await?;
        }
        Ok(())
    }

    /// Sets a stack policy, refusing one longer than CloudFormation accepts (16,384 bytes,
    /// API reference, SetStackPolicy) before sending it.
    async fn set_policy(&self, name: &str, id: &str, policy: &str) -> Result<(), DeployError> {
        if policy.len() > plan::MAX_STACK_POLICY_BYTES {
            return Err(DeployError::StackState {
                stack: name.to_owned(),
                status: format!(
                    "to get a stack policy of {} bytes, over the 16,384 that SetStackPolicy accepts (it keeps the policy it has)",
                    policy.len()
                ),
                hint: "name fewer stores with --allow-replace in one run, or move constructs into another stack".to_owned(),
            });
        }
        self.call(name, "SetStackPolicy", || {
            self.cfn(name).set_stack_policy(id, policy)
        })
        .await
    }

    /// Executes a change set. Executing is not idempotent, so after a server error or a
    /// timeout the change set is asked whether it started before trying again; throttling
    /// means the request was not taken, and is retried as usual.
    async fn execute(&self, stack: &str, arn: &str) -> Result<(), DeployError> {
        // The change of a run that holds the lock (renewed if due), as every write through
        // `call` is: a run whose lock another run took over executes nothing.
        Box::pin(self.ensure_locked()).await?;
        // One attempt per call: this loop decides, after asking the change set, whether to
        // try again (an answer that timed out may hide an execution that started).
        let policy = RetryPolicy {
            attempts: 1,
            unreachable_attempts: 1,
            ..self.options.retry
        };
        for attempt in 1..=self.options.retry.attempts.max(1) {
            let once = with_retry(policy, &self.calls, "ExecuteChangeSet", || {
                self.cfn(stack).execute_change_set(arn)
            })
            .await;
            let err = match once {
                Ok(()) => return Ok(()),
                Err(err) => err,
            };
            let last = attempt == self.options.retry.attempts.max(1);
            // A server error, an answer that did not come in time (the request may have been
            // taken all the same), or `InvalidChangeSetStatus` (API reference,
            // ExecuteChangeSet, "Errors"): the change set says whether it started.
            let ask = match err.kind {
                ApiErrorKind::Throttled => false,
                ApiErrorKind::Transient | ApiErrorKind::Unreachable => true,
                _ => matches!(
                    err.code.as_deref(),
                    Some("InvalidChangeSetStatus" | "InvalidChangeSetStatusException")
                ),
            };
            if !ask && (last || err.kind != ApiErrorKind::Throttled) {
                return Err(DeployError::api(stack, "ExecuteChangeSet", err));
            }
            if ask {
                let state = self
                    .call(stack, "DescribeChangeSet", || {
                        self.cfn(stack).describe_change_set(arn)
                    })
                    .await?;
                match state.execution_status.as_deref() {
                    // Not taken: try again.
                    Some("AVAILABLE") if err.kind != ApiErrorKind::Client && !last => {}
                    Some("AVAILABLE") if err.kind != ApiErrorKind::Client => {
                        return Err(DeployError::api(stack, "ExecuteChangeSet", err));
                    }
                    // It started: wait for the stack rather than execute twice.
                    Some("EXECUTE_IN_PROGRESS" | "EXECUTE_COMPLETE" | "EXECUTE_FAILED") => {
                        return Ok(());
                    }
                    // Made (`CREATE_COMPLETE`) but not executable yet: UNAVAILABLE is what a
                    // change set says while CloudFormation still makes it (API reference,
                    // DescribeChangeSet, `ExecutionStatus`: "an UNAVAILABLE state because
                    // CloudFormation is still creating it"), and the reference does not say
                    // it ends with `CREATE_COMPLETE`. Nothing ran: wait, with the backoff
                    // below, and try again, at most `retry.attempts` times.
                    Some("UNAVAILABLE") if state.status == "CREATE_COMPLETE" && !last => {}
                    // OBSOLETE (another operation changed the stack after this run planned
                    // it), UNAVAILABLE after every retry, or a stack busy with another
                    // operation: nothing of this plan ran, whatever the stack's status says.
                    other => {
                        return Err(DeployError::NotExecuted {
                            stack: stack.to_owned(),
                            execution_status: other.unwrap_or("unknown").to_owned(),
                            cause: err.to_string(),
                        });
                    }
                }
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
    async fn protect(
        &self,
        stack: &SynthesizedStack,
        id: &str,
        protected: bool,
    ) -> Result<(), DeployError> {
        let name = stack.name();
        if !protected {
            self.call(name, "UpdateTerminationProtection", || {
                self.cfn(name).set_termination_protection(id, true)
            })
            .await?;
        }
        self.restore_policy(stack, id).await
    }

    /// A stack that stops being a production stack: termination protection off, and a stack
    /// policy that allows every update (a policy can be replaced, not removed).
    async fn unprotect(&self, name: &str, id: &str) -> Result<(), DeployError> {
        self.call(name, "UpdateTerminationProtection", || {
            self.cfn(name).set_termination_protection(id, false)
        })
        .await?;
        self.call(name, "SetStackPolicy", || {
            self.cfn(name).set_stack_policy(id, plan::ALLOW_ALL_POLICY)
        })
        .await
    }

    /// Deletes every selected stack, waves in reverse, stacks of a wave concurrently. Stores
    /// of PHI are kept and listed, and so is whatever CloudFormation could not delete because
    /// a kept store uses it (a database's subnet group, security group, subnets, network).
    pub async fn destroy(&self) -> Result<Destroyed, DeployError> {
        self.guarded("destroy", || self.destroy_inner()).await
    }

    async fn destroy_inner(&self) -> Result<Destroyed, DeployError> {
        self.check_regions()?;
        Box::pin(self.check_account()).await?;
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
                .map(|s| {
                    tracing::Instrument::instrument(
                        self.observed("destroy", s.name(), self.destroy_stack(s, &ours)),
                        self.span("destroy", s),
                    )
                })
                .buffered(self.options.concurrency.max(1))
                .collect()
                .await;
            let mut errors = Vec::new();
            for r in results {
                match r {
                    Ok((name, Some(retained), warning)) => {
                        out.deleted.push(name);
                        out.retained.extend(retained);
                        out.warnings.extend(warning);
                    }
                    Ok((name, None, _)) => out.absent.push(name),
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
            return Ok((name.to_owned(), None, None));
        };
        guard::check_owner(self.assembly.app(), &info, &self.options.adopt)?;
        // A stack that another operation is changing is waited for first: what it holds and
        // what its template keeps are known only once that operation ends (an update that
        // rolls back returns to the previous template), and CloudFormation deletes only a
        // stack that no operation is changing.
        let info = if stable(&info.status) {
            info
        } else {
            self.say(format!(
                "{name} is {} (an operation started elsewhere); waiting for it to finish before deleting",
                info.status
            ));
            match self.wait(stack, Some(&info.id), &Mark::default()).await? {
                Some(info) => info,
                None => return Ok((name.to_owned(), None, None)),
            }
        };
        let id = info.id.clone();
        if info.termination_protection {
            return Err(DeployError::TerminationProtected {
                stack: name.to_owned(),
            });
        }
        // Exports whose importers the endpoint cannot list: one warning for the stack, and
        // once the endpoint said so, no more asking.
        let mut unlisted: Vec<&str> = Vec::new();
        for (_, _, export) in &info.outputs {
            let Some(export) = export else { continue };
            if !unlisted.is_empty() {
                if !unlisted.contains(&export.as_str()) {
                    unlisted.push(export);
                }
                continue;
            }
            let listed = with_retry(self.options.retry, &self.calls, "ListImports", || {
                self.cfn(name).list_imports(export)
            })
            .await;
            let importers = match listed {
                Ok(importers) => importers,
                Err(e) if e.kind == ApiErrorKind::Unsupported => {
                    unlisted.push(export);
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
        let unlisted_warning = (!unlisted.is_empty()).then(|| {
            format!(
                "{name}: the endpoint cannot list the importers of {} export(s) ({}); CloudFormation itself refuses to delete an export in use",
                unlisted.len(),
                unlisted.join(", ")
            )
        });
        let resources = self
            .call(name, "ListStackResources", || {
                self.cfn(name).stack_resources(&id)
            })
            .await?;
        let template = stack.template();
        // What a deletion keeps is what the template the stack runs says (its
        // `DeletionPolicy`), not what the program would deploy now: a store the program
        // dropped or renamed since the last `up` is kept all the same, and one the program
        // keeps but the stack does not would be deleted.
        // A stack that holds nothing (one left under review, whose template is only its
        // change set's) has nothing to keep: no template is read.
        let deployed = if resources.is_empty() {
            Some(serde_json::Map::new())
        } else {
            self.deployed_resources(name, &id).await?
        };
        let origin = |logical_id: &str| -> (String, Option<&str>) {
            let local = template.resource(logical_id);
            let (path, kind) = deployed
                .as_ref()
                .and_then(|d| d.get(logical_id))
                .map(plan::deployed_origin)
                .unwrap_or_default();
            (
                path.or_else(|| local.and_then(crate::cfn::Resource::construct_path))
                    .map_or_else(|| format!("{name}/{logical_id}"), str::to_owned),
                kind.or_else(|| local.and_then(crate::cfn::Resource::construct_kind)),
            )
        };
        let phi_store = |kind: Option<&str>, resource_type: &str| {
            plan::data_at_stake(resource_type).is_some() && kind != Some("AccessLogBucket")
        };
        let mut at_risk: Vec<String> = Vec::new();
        let mut retained: Vec<Retained> = Vec::new();
        for r in &resources {
            let local = template.resource(&r.logical_id);
            let (construct, kind) = origin(&r.logical_id);
            let phi = phi_store(kind, &r.resource_type);
            let (keep, protected) = match &deployed {
                Some(d) => {
                    let Some(resource) = d.get(&r.logical_id) else {
                        continue;
                    };
                    let protected = matches!(
                        resource.pointer("/Properties/DeletionProtection"),
                        Some(serde_json::Value::Bool(true))
                    ) || resource
                        .pointer("/Properties/DeletionProtection")
                        .and_then(serde_json::Value::as_str)
                        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
                    match plan::deployed_keep(resource) {
                        plan::DeployedKeep::Kept(keep) => (keep, protected),
                        // The stack deletes a store of PHI that the program keeps, or keeps
                        // in a way no reader can tell: refused before anything is deleted.
                        plan::DeployedKeep::Deleted
                            if phi && local.and_then(crate::cfn::Resource::kept).is_some() =>
                        {
                            at_risk.push(format!(
                                "`{}` ({construct}, {})",
                                r.logical_id, r.resource_type
                            ));
                            continue;
                        }
                        plan::DeployedKeep::Unknown if phi => {
                            at_risk.push(format!(
                                "`{}` ({construct}, {}, whose `DeletionPolicy` cannot be read)",
                                r.logical_id, r.resource_type
                            ));
                            continue;
                        }
                        _ => continue,
                    }
                }
                None => {
                    let Some(resource) = local else { continue };
                    let Some(keep) = resource.kept() else {
                        continue;
                    };
                    (keep, resource.properties()["DeletionProtection"] == true)
                }
            };
            retained.push(Retained {
                stack: name.to_owned(),
                logical_id: r.logical_id.clone(),
                construct,
                resource_type: r.resource_type.clone(),
                physical_id: r.physical_id.clone().unwrap_or_default(),
                phi,
                kept: match keep {
                    crate::cfn::Keep::Snapshot if !protected => "final snapshot",
                    _ => "retained",
                },
                why: if protected {
                    "deletion protection (a store of PHI)".to_owned()
                } else if phi {
                    "a store of PHI".to_owned()
                } else {
                    "its deletion policy keeps it".to_owned()
                },
                billing: billing(&r.resource_type),
            });
        }
        if !at_risk.is_empty() {
            return Err(DeployError::StackState {
                stack: name.to_owned(),
                status: format!(
                    "deployed from a template that would delete {}, which the program keeps",
                    at_risk.join(", ")
                ),
                hint: "nothing was deleted; run `up` first, so that the stack keeps what the program keeps, then `destroy`".to_owned(),
            });
        }
        let unlisted_warning = match (unlisted_warning, deployed.is_none()) {
            (w, false) => w,
            (w, true) => {
                let note = format!(
                    "{name}: the endpoint cannot give the stack's deployed template; the resources kept are read from the program's, which may differ from what the stack runs"
                );
                Some(w.map_or(note.clone(), |w| format!("{w}; {note}")))
            }
        };
        let mut keep: Vec<String> = Vec::new();
        // A deletion that fails only on resources CloudFormation may not delete (deletion
        // protection, in use by a kept database) is retried keeping exactly those; each
        // retry can reveal the next layer (a kept database keeps its subnet group, which
        // keeps its subnets, which keep their network).
        for attempt in 0..4 {
            let mark = self.mark(name, &id).await?;
            if attempt == 0 {
                self.say(format!("{name}: deleting"));
            } else {
                self.say(format!(
                    "{name}: deleting again, keeping {}",
                    keep.join(", ")
                ));
            }
            // One token per deletion, the same for each of its attempts: a retry after a lost
            // answer is the same request, never a second one refused for `RetainResources`.
            let token = self.deletion_token(name);
            self.call(name, "DeleteStack", || {
                self.cfn(name).delete_stack(&id, &keep, &token)
            })
            .await?;
            self.track(name, Some("DELETE_IN_PROGRESS"));
            let left = self.wait(stack, Some(&id), &mark).await;
            self.track(name, None);
            let Some(left) = left? else {
                return Ok((name.to_owned(), Some(retained), unlisted_warning));
            };
            if left.status != "DELETE_FAILED" {
                return Err(self.failure(stack, Some(&id), &left.status, &mark).await);
            }
            let events = self.events_since(name, &id, &mark).await?;
            let failed: Vec<&StackEvent> = events
                .iter()
                .filter(|e| e.status == "DELETE_FAILED" && e.logical_id != name)
                .collect();
            let keepable = !failed.is_empty()
                && failed.iter().all(|e| {
                    e.reason.as_deref().is_some_and(|r| {
                        let r = r.to_ascii_lowercase();
                        r.contains("deletion protection")
                            || r.contains("in use")
                            || r.contains("dependencyviolation")
                            || r.contains("has dependencies")
                            || r.contains("still using")
                    })
                });
            if !keepable {
                return Err(self.failure(stack, Some(&id), &left.status, &mark).await);
            }
            for e in failed {
                if keep.contains(&e.logical_id) {
                    continue;
                }
                keep.push(e.logical_id.clone());
                let why = e.reason.clone().unwrap_or_default();
                let phys = resources
                    .iter()
                    .find(|r| r.logical_id == e.logical_id)
                    .and_then(|r| r.physical_id.clone())
                    .unwrap_or_default();
                if let Some(r) = retained.iter_mut().find(|r| r.logical_id == e.logical_id) {
                    r.kept = "retained";
                    r.why = why;
                } else {
                    let (construct, kind) = origin(&e.logical_id);
                    retained.push(Retained {
                        stack: name.to_owned(),
                        logical_id: e.logical_id.clone(),
                        construct,
                        resource_type: e.resource_type.clone(),
                        physical_id: phys,
                        phi: phi_store(kind, &e.resource_type),
                        kept: "retained",
                        why,
                        billing: billing(&e.resource_type),
                    });
                }
            }
        }
        Err(DeployError::StackState {
            stack: name.to_owned(),
            status: "DELETE_FAILED".to_owned(),
            hint: format!(
                "still not deleted after keeping {}; look at the stack's events",
                keep.join(", ")
            ),
        })
    }

    /// The resources of the template the stack `id` runs (GetTemplate), by logical id;
    /// `None` when the endpoint cannot give it.
    async fn deployed_resources(
        &self,
        name: &str,
        id: &str,
    ) -> Result<Option<serde_json::Map<String, serde_json::Value>>, DeployError> {
        let got = with_retry(self.options.retry, &self.calls, "GetTemplate", || {
            self.cfn(name).deployed_template(id)
        })
        .await;
        let body = match got {
            Ok(body) => body,
            Err(e) if e.kind == ApiErrorKind::Unsupported => return Ok(None),
            Err(e) => return Err(DeployError::api(name, "GetTemplate", e)),
        };
        // Every template `up` deploys is JSON; another tool's may be YAML, which no reader
        // here takes: what its deletion keeps is then unknown, and nothing is deleted.
        let doc = crate::cfn::tree::from_str(&body).map_err(|e| DeployError::StackState {
            stack: name.to_owned(),
            status: format!(
                "deployed from a template that is not JSON ({e}), so what its deletion keeps cannot be read"
            ),
            hint: "nothing was deleted; run `up` first (it deploys the program's JSON template), then `destroy`".to_owned(),
        })?;
        Ok(Some(
            doc.get("Resources")
                .and_then(serde_json::Value::as_object)
                .cloned()
                .unwrap_or_default(),
        ))
    }

    /// The outputs of every selected stack that exists.
    /// Stacks that are not deployed are named on standard error; when none is,
    /// [`DeployError::NotDeployed`].
    pub async fn outputs(&self) -> Result<Vec<(String, Vec<(String, String)>)>, DeployError> {
        self.check_regions()?;
        let work = async {
            let mut out = Vec::new();
            let mut missing = Vec::new();
            for s in self.waves().into_iter().flatten() {
                let info = self.describe(s.name()).await?;
                if let Some(info) = &info {
                    guard::check_owner(self.assembly.app(), info, &self.options.adopt)?;
                }
                match info {
                    Some(info) if holds_a_deploy(&info.status) => {
                        out.push((
                            s.name().to_owned(),
                            shown(s, info.outputs, self.options.internal_outputs),
                        ));
                    }
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
        self.check_regions()?;
        let mut missing = Vec::new();
        let mut refused = Vec::new();
        for s in self.waves().into_iter().flatten() {
            match self.describe(s.name()).await? {
                Some(info) if holds_a_deploy(&info.status) => {
                    guard::check_owner(self.assembly.app(), &info, &self.options.adopt)?;
                    if let Some(hint) = drift_refused(s.name(), &info.status) {
                        refused.push(DeployError::StackState {
                            stack: s.name().to_owned(),
                            status: info.status,
                            hint,
                        });
                    }
                }
                Some(info) => {
                    guard::check_owner(self.assembly.app(), &info, &self.options.adopt)?;
                    missing.push(s.name().to_owned());
                }
                None => missing.push(s.name().to_owned()),
            }
        }
        if !missing.is_empty() {
            return Err(DeployError::NotDeployed { stacks: missing });
        }
        if let Some(e) = DeployError::combine(refused) {
            return Err(e);
        }
        let mut out = Vec::new();
        for s in self.waves().into_iter().flatten() {
            let name = s.name();
            let detected = with_retry(self.options.retry, &self.calls, "DetectStackDrift", || {
                self.cfn(name).detect_drift(name)
            })
            .await;
            let id = match detected {
                Ok(id) => id,
                Err(e) if e.kind == ApiErrorKind::Unsupported => {
                    return Err(DeployError::Unsupported {
                        endpoint: self.cfn(name).endpoint(),
                        operation: "DetectStackDrift",
                        command: "drift",
                    });
                }
                Err(e) => return Err(DeployError::api(name, "DetectStackDrift", e)),
            };
            let start = Instant::now();
            let mut interval = self.options.poll;
            // "DETECTION_FAILED: The stack drift detection operation has failed for at least
            // one resource in the stack. Results will be available for resources on which
            // CloudFormation successfully completed drift detection" (API reference,
            // DescribeStackDriftDetectionStatus, `DetectionStatus`): those results are
            // read and shown, with the reason and the resources left unchecked.
            let failed = loop {
                let (status, reason) = self
                    .call(name, "DescribeStackDriftDetectionStatus", || {
                        self.cfn(name).drift_detection_status(&id)
                    })
                    .await?;
                match status.as_str() {
                    "DETECTION_COMPLETE" => break None,
                    "DETECTION_FAILED" => {
                        break Some(reason.unwrap_or_else(|| "no reason given".to_owned()));
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
            let mut resources: Vec<_> = self
                .call(name, "DescribeStackResourceDrifts", || {
                    self.cfn(name).resource_drifts(name)
                })
                .await?
                .into_iter()
                .filter(|r| {
                    r.status != "IN_SYNC" && (failed.is_some() || r.status != "NOT_CHECKED")
                })
                .collect();
            // One read of the stack's resources for both steps' groups, as `up` does.
            let regional = self.regional(name);
            let (vpcs, databases): (Vec<_>, Vec<_>) = self
                .deployed(s, |r| {
                    (regional.network.is_some() && r.type_name() == VPC)
                        || (regional.databases.is_some() && super::logs::groups_named_at_deploy(r))
                })
                .await?
                .into_iter()
                .partition(|(kind, _, _)| kind == VPC);
            resources.extend(self.default_group_drift(s, vpcs).await?);
            resources.extend(self.database_log_drift(s, databases).await?);
            resources.extend(self.policy_drift(s).await?);
            out.push(StackDrift {
                stack: name.to_owned(),
                status: if failed.is_some() {
                    "DETECTION_FAILED".to_owned()
                } else if resources.is_empty() {
                    "IN_SYNC".to_owned()
                } else {
                    "DRIFTED".to_owned()
                },
                reason: failed,
                resources,
            });
        }
        Ok(out)
    }
}

/// The outputs a stack shows: the program's own, or with `internal` also those hipaa-stack
/// adds for itself (the template hash, the exports that carry references between stacks,
/// and exports kept for their importers). The program's outputs are those its template
/// declares without an export (`Stack::output` makes none); an output the template does not
/// declare is the program's when it is not exported (one of an earlier version of the app).
fn shown(
    stack: &SynthesizedStack,
    outputs: Vec<(String, String, Option<String>)>,
    internal: bool,
) -> Vec<(String, String)> {
    let declared = stack.template().outputs();
    outputs
        .into_iter()
        .filter(|(k, _, export)| {
            internal
                || k != plan::TEMPLATE_OUTPUT
                    && match declared.iter().find(|o| o.name() == k) {
                        Some(o) => o.export_name().is_none(),
                        None => export.is_none(),
                    }
        })
        .map(|(k, v, _)| (k, v))
        .collect()
}

/// Whether a stack of this status holds what a deploy made, for `outputs` and `drift`: not one
/// left `REVIEW_IN_PROGRESS` (a change set never executed: no template, no resources), nor a
/// failed first create, `ROLLBACK_COMPLETE` or `ROLLBACK_FAILED` (AWS CloudFormation User
/// Guide, stack status codes: "This status exists only after a failed stack creation. It
/// signifies that all operations from the partially created stack have been appropriately
/// cleaned up. When in this state, only a delete operation can be performed"; `up` deletes it
/// and creates the stack anew).
fn holds_a_deploy(status: &str) -> bool {
    !matches!(
        status,
        "REVIEW_IN_PROGRESS" | "ROLLBACK_COMPLETE" | "ROLLBACK_FAILED"
    )
}

/// Why `drift` cannot run on a deployed stack of this status, as what to do; `None` when it
/// can. CloudFormation detects drift only on a stack in one of four statuses (AWS
/// CloudFormation User Guide, "Detecting unmanaged configuration changes to stacks and
/// resources": "You can perform drift detection on stacks with the following statuses:
/// CREATE_COMPLETE, UPDATE_COMPLETE, UPDATE_ROLLBACK_COMPLETE, and UPDATE_ROLLBACK_FAILED");
/// any other is refused before a detection starts on any stack.
fn drift_refused(stack: &str, status: &str) -> Option<String> {
    if matches!(
        status,
        "CREATE_COMPLETE"
            | "UPDATE_COMPLETE"
            | "UPDATE_ROLLBACK_COMPLETE"
            | "UPDATE_ROLLBACK_FAILED"
    ) {
        return None;
    }
    let what = if status.ends_with("_IN_PROGRESS") {
        "an operation is changing it; wait for it to finish (`up` waits for it), then run `drift` again".to_owned()
    } else {
        match status {
            "DELETE_FAILED" => {
                "it was partly deleted; run `destroy` to finish deleting it, or `up` after that"
                    .to_owned()
            }
            "CREATE_FAILED" | "UPDATE_FAILED" => format!(
                "it was left failed with rollback disabled; roll it back (`aws cloudformation rollback-stack --stack-name {stack}`) and wait for it, then run `drift` again"
            ),
            _ => "run `up`, then `drift` again".to_owned(),
        }
    };
    Some(format!(
        "CloudFormation detects drift only on a stack that is CREATE_COMPLETE, UPDATE_COMPLETE, UPDATE_ROLLBACK_COMPLETE or UPDATE_ROLLBACK_FAILED, so no stack was checked: {what}"
    ))
}

/// A stack as it was before an operation, so that what is read after it can be told from
/// what was there before.
#[derive(Debug, Clone, Default)]
struct Mark {
    /// The newest event (`None`: it had none, or they could not be read); the operation's
    /// events are those after it.
    event: Option<String>,
    /// Without an event: the status and `LastUpdatedTime` read before the operation. The
    /// operation has started once either differs. `None` with no event either: nothing is
    /// checked (a stack that did not exist, or a wait that needs no check).
    before: Option<(String, Option<String>)>,
}

/// Whether an error of reading a stack's events stops the run: a refusal of the
/// credentials (a role without `cloudformation:DescribeStackEvents`), credentials that do
/// not work, an endpoint that cannot be reached. Read without events, a failure would have no
/// cause and an execution no start, so the run stops there and says why. Any other error
/// (throttling past its retries, an endpoint without the call) leaves the events unread.
fn stops(e: &DeployError) -> bool {
    matches!(
        e,
        DeployError::AccessDenied { .. }
            | DeployError::Credentials { .. }
            | DeployError::Unreachable { .. }
    )
}

/// A log's name as a part of a logical id: `iam-db-auth-error` → `IamDbAuthError`.
fn pascal(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// What `up` does after deploying `stack`, and again on every `up` while its template is
/// unchanged: the steps of rules E14 and L4 its template asks for, in words.
fn post_deploy_steps(stack: &SynthesizedStack) -> Vec<String> {
    let resources = stack.template().resources();
    let vpcs: Vec<&str> = resources
        .iter()
        .filter(|r| r.type_name() == VPC)
        .map(crate::cfn::Resource::logical_id)
        .collect();
    let databases: Vec<&str> = resources
        .iter()
        .filter(|r| super::logs::groups_named_at_deploy(r))
        .map(crate::cfn::Resource::logical_id)
        .collect();
    let mut steps = Vec::new();
    if !vpcs.is_empty() {
        steps.push(format!(
            "the default security group of each VPC ({}) has no rules (rule E14)",
            vpcs.join(", ")
        ));
    }
    if !databases.is_empty() {
        steps.push(format!(
            "the log groups of the exported logs of each database ({}) hold its key and a retention of at least {} days (rule L4)",
            databases.join(", "),
            super::logs::RETENTION_DAYS
        ));
    }
    steps
}

/// Change sets this tool makes are named `hipaa-stack-<run id>`.
const CHANGE_SET_PREFIX: &str = "hipaa-stack-";

/// What to do about a production stack left with its stack policy relaxed for
/// `--allow-replace` (the restoring failed: credentials that expired during the execution,
/// throttling, an interruption). CloudFormation enforces the policy the stack has on every
/// later update (API reference, SetStackPolicy). Every `up` reads the policy of a production
/// stack whose template is unchanged and sets ours back when it differs; the command that
/// sets it back is given too, for when no `up` can run soon.
fn set_policy_by_hand(stack: &SynthesizedStack) -> String {
    match plan::stack_policy(stack.template()) {
        Some(policy) => format!(
            "once the cause is fixed, run `up` again, which reads the policy and sets it back, or set it back yourself with `aws cloudformation set-stack-policy --stack-name {} --stack-policy-body '{policy}'`",
            stack.name()
        ),
        None => "the stack holds no store of PHI any more; run `up` again".to_owned(),
    }
}

/// Whether two stack policies say the same: equal as JSON (the text CloudFormation gives
/// back need not be the text that was set), never when either is not JSON.
fn same_policy(a: &str, b: &str) -> bool {
    match (crate::cfn::tree::from_str(a), crate::cfn::tree::from_str(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// A policy (or other text) on one line, cut to 300 characters, for a message.
fn excerpt(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= 300 {
        return line;
    }
    let cut: String = line.chars().take(300).collect();
    format!("{cut}…")
}

/// The stack name in a stack id (`arn:…:stack/NAME/uuid`), or the name itself.
fn stack_name_of(id: &str) -> &str {
    id.strip_prefix("arn:")
        .and_then(|rest| rest.split('/').nth(1))
        .unwrap_or(id)
}

/// Refuses a template that the engine's own outputs (the template's hash, and the exports it
/// keeps while other stacks import them) would take over CloudFormation's quota of outputs
/// per template (AWS CloudFormation User Guide, "Understand CloudFormation quotas": Outputs,
/// 200); synthesis leaves room for the hash only. CloudFormation would refuse the change set
/// ("Template format error: Number of outputs … is greater than maximum allowed, 200").
fn check_outputs(stack: &SynthesizedStack, kept: &[String]) -> Result<(), DeployError> {
    let actual = stack.template().outputs().len() + kept.len() + 1;
    if actual <= crate::synth::MAX_OUTPUTS {
        return Ok(());
    }
    Err(DeployError::OverQuota {
        stack: stack.name().to_owned(),
        what: format!(
            "outputs ({} declared, the template's hash, and {} export(s) kept while other stacks import them: {})",
            stack.template().outputs().len(),
            kept.len(),
            kept.join(", ")
        ),
        actual,
        limit: crate::synth::MAX_OUTPUTS,
        fix: "Deploy in two steps: first remove the imports from the stacks that use those exports and run `up`, then make this change; or declare fewer outputs in this stack".to_owned(),
    })
}

/// Refuses a template body that the engine's additions (its hash output, the exports it keeps
/// while other stacks import them) take over CloudFormation's quota on a template read from
/// S3 ([`crate::synth::MAX_TEMPLATE_BYTES`], "1 MB", taken as 1,000,000 bytes): synthesis
/// measured the template before them. `body` is what would be sent, so the check is on the
/// bytes CloudFormation reads; it comes before anything is uploaded or changed.
fn check_template_size(stack: &str, body: &str, kept: &[String]) -> Result<(), DeployError> {
    let limit = crate::synth::MAX_TEMPLATE_BYTES;
    if body.len() <= limit {
        return Ok(());
    }
    Err(DeployError::OverQuota {
        stack: stack.to_owned(),
        what: if kept.is_empty() {
            "bytes of template as deployed (with the template's hash output)".to_owned()
        } else {
            format!(
                "bytes of template as deployed (with the template's hash output and {} export(s) kept while other stacks import them: {})",
                kept.len(),
                kept.join(", ")
            )
        },
        actual: body.len(),
        limit,
        fix:
            "Split the stack into several stacks, or move some of its constructs into another stack"
                .to_owned(),
    })
}

/// An id for one run of the tool: the time and the process, in base 36 (change-set names
/// allow letters, digits and hyphens, and must start with a letter).
fn run_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut n = nanos ^ (u128::from(std::process::id()) << 64);
    let mut out = String::new();
    while n > 0 {
        let d = (n % 36) as u32;
        out.push(char::from_digit(d, 36).unwrap_or('0'));
        n /= 36;
    }
    out.chars().rev().collect()
}

/// The client token of a run's change set for a stack (at most 128 characters).
fn client_token(run: &str, stack: &str) -> String {
    let mut token = format!("{CHANGE_SET_PREFIX}{run}-{stack}");
    token.truncate(128);
    token
}

fn e_stack(e: &DeployError) -> String {
    match e {
        DeployError::Api { stack, .. }
        | DeployError::ChangeSetFailed { stack, .. }
        | DeployError::StackFailed { stack, .. }
        | DeployError::StackState { stack, .. }
        | DeployError::NotExecuted { stack, .. } => stack.clone(),
        _ => "the app".to_owned(),
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
        PlanState::Update if p.changes.is_empty() && !p.tag_changes.is_empty() => {
            format!("{}: stack tags change (no resource takes tags)", p.stack)
        }
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
    if matches!(p.state, PlanState::Update) && !p.tag_changes.is_empty() {
        text.push_str(&format!(
            "\n    ~ stack tags (copied onto every resource that takes tags): {}",
            p.tag_changes.join(", ")
        ));
    }
    for e in &p.endangered {
        text.push_str(&format!("\n    ! {e}"));
    }
    if let Some(theirs) = &p.foreign_policy {
        text.push_str(&format!(
            "\n    ~ stack policy: the stack has one that is not ours ({}); `up` sets ours back",
            excerpt(theirs)
        ));
    }
    match p.production {
        Some(true) => text.push_str(
            "\n    ~ production: termination protection and the stack policy turn on",
        ),
        Some(false) => text.push_str(
            "\n    ~ no longer production: termination protection turns off, the stack policy allows every update",
        ),
        None => {}
    }
    for d in &p.deferred {
        text.push_str(&format!(
            "\n    = export {d} is kept until nothing imports it"
        ));
    }
    if !p.allowed.is_empty() {
        text.push_str(&format!(
            "\n    ! allowed by --allow-replace: {}",
            p.allowed.join(", ")
        ));
    }
    if matches!(p.state, PlanState::Unchanged | PlanState::UpToDate) {
        // `up` checks these again, and does what an earlier run left undone.
        for step in &p.post_deploy {
            text.push_str(&format!(
                "\n    = `up` checks, and restores if not so: {step}"
            ));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A CloudFormation that answers every call with a refusal and counts the calls.
    #[derive(Default)]
    struct Counting(std::sync::atomic::AtomicUsize);

    impl Counting {
        /// A deployer of `assembly` against a new counting endpoint, without progress bars.
        fn deployer(assembly: &Assembly) -> Deployer<'_, Self> {
            Deployer::new(Self::default(), assembly, crate::testing::quiet(), None)
        }

        fn refuse<T>(&self) -> Result<T, ApiError> {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Err(ApiError {
                kind: ApiErrorKind::Denied,
                code: Some("AccessDenied".to_owned()),
                message: "the test's endpoint answers nothing".to_owned(),
            })
        }
    }

    impl CloudFormationApi for Counting {
        async fn describe_stack(&self, _: &str) -> Result<Option<StackInfo>, ApiError> {
            self.refuse()
        }
        async fn create_change_set(
            &self,
            _: &ChangeSetRequest,
        ) -> Result<super::super::api::CreatedChangeSet, ApiError> {
            self.refuse()
        }
        async fn list_change_sets(
            &self,
            _: &str,
        ) -> Result<Vec<super::super::api::ChangeSetSummary>, ApiError> {
            self.refuse()
        }
        async fn describe_change_set(
            &self,
            _: &str,
        ) -> Result<super::super::api::ChangeSetInfo, ApiError> {
            self.refuse()
        }
        async fn execute_change_set(&self, _: &str) -> Result<(), ApiError> {
            self.refuse()
        }
        async fn delete_change_set(&self, _: &str) -> Result<(), ApiError> {
            self.refuse()
        }
        async fn stack_events(&self, _: &str) -> Result<Vec<StackEvent>, ApiError> {
            self.refuse()
        }
        async fn stack_resources(
            &self,
            _: &str,
        ) -> Result<Vec<super::super::api::StackResource>, ApiError> {
            self.refuse()
        }
        async fn delete_stack(&self, _: &str, _: &[String], _: &str) -> Result<(), ApiError> {
            self.refuse()
        }
        async fn continue_update_rollback(&self, _: &str, _: &str) -> Result<(), ApiError> {
            self.refuse()
        }
        async fn set_termination_protection(&self, _: &str, _: bool) -> Result<(), ApiError> {
            self.refuse()
        }
        async fn set_stack_policy(&self, _: &str, _: &str) -> Result<(), ApiError> {
            self.refuse()
        }
        async fn list_imports(&self, _: &str) -> Result<Vec<String>, ApiError> {
            self.refuse()
        }
        async fn list_exports(&self) -> Result<Vec<(String, String)>, ApiError> {
            self.refuse()
        }
        async fn detect_drift(&self, _: &str) -> Result<String, ApiError> {
            self.refuse()
        }
        async fn drift_detection_status(
            &self,
            _: &str,
        ) -> Result<(String, Option<String>), ApiError> {
            self.refuse()
        }
        async fn resource_drifts(
            &self,
            _: &str,
        ) -> Result<Vec<super::super::api::ResourceDrift>, ApiError> {
            self.refuse()
        }
    }

    /// Hostile review 35: `App::check` returns the assembly whatever the rules found, and
    /// `App::check_on` reads waivers as of any day; the engine deployed either as it deploys
    /// `synth`'s. Such an assembly is refused before any call, naming the app and what to do.
    #[tokio::test]
    async fn only_an_assembly_whose_rules_hold_today_is_deployed() {
        let broken = crate::testing::broken_app();
        let assembly = broken.check().unwrap();
        let deployer = Counting::deployer(&assembly);
        let err = deployer.up().await.unwrap_err();
        assert!(
            matches!(&err, DeployError::Uncleared { app, .. } if app == "broken"),
            "{err:?}"
        );
        let message = err.to_string();
        assert!(
            message.starts_with(
                "app `broken`: the assembly is not deployed, nothing was changed: it breaks"
            ) && message.contains("`app.synth()?`"),
            "{message}"
        );
        assert_eq!(
            deployer.api().0.load(std::sync::atomic::Ordering::SeqCst),
            0
        );

        let holds = crate::testing::holding_app();
        let day = crate::Date::parse("2020-01-15").unwrap();
        let assembly = holds.check_on(day).unwrap();
        let deployer = Counting::deployer(&assembly);
        let message = deployer.up().await.unwrap_err().to_string();
        assert!(
            message.contains("its rules were read as of 2020-01-15, not today"),
            "{message}"
        );
        assert_eq!(
            deployer.api().0.load(std::sync::atomic::Ordering::SeqCst),
            0
        );

        // What `synth` clears goes on to the endpoint.
        let assembly = holds.synth().unwrap();
        let deployer = Counting::deployer(&assembly);
        let err = deployer.up().await.unwrap_err();
        assert!(!matches!(err, DeployError::Uncleared { .. }), "{err:?}");
        assert!(deployer.api().0.load(std::sync::atomic::Ordering::SeqCst) > 0);
    }

    /// Hostile review 35, again: `preview` of an assembly that breaks a rule created its
    /// change sets (the templates in the account, one ExecuteChangeSet from deployed if the
    /// preview stops before it deletes them), and an assembly that `App::check` cleared
    /// stayed cleared in a program that held it past midnight, after a waiver it leans on
    /// ran out. Both are refused before any call.
    #[tokio::test]
    async fn an_uncleared_assembly_is_not_previewed_nor_one_held_past_midnight_deployed() {
        use crate::synth::Clearance;
        let calls =
            |d: &Deployer<'_, Counting>| d.api().0.load(std::sync::atomic::Ordering::SeqCst);
        let broken = crate::testing::broken_app();
        let assembly = broken.check().unwrap();
        let deployer = Counting::deployer(&assembly);
        let err = deployer.preview().await.unwrap_err();
        assert!(
            matches!(&err, DeployError::Uncleared { app, action: "previewed", .. } if app == "broken"),
            "{err:?}"
        );
        assert!(
            err.to_string().starts_with(
                "app `broken`: the assembly is not previewed, nothing was changed: it breaks"
            ),
            "{err}"
        );
        assert_eq!(calls(&deployer), 0);

        let holds = crate::testing::holding_app();
        let mut assembly = holds.check().unwrap();
        // What `check` clears today (an app that holds) goes on to the endpoint, for a
        // preview as for `up`.
        let deployer = Counting::deployer(&assembly);
        let err = deployer.preview().await.unwrap_err();
        assert!(!matches!(err, DeployError::Uncleared { .. }), "{err:?}");
        assert!(calls(&deployer) > 0);
        // The same assembly, as a program that checked it on 2020-01-15 holds it today.
        assembly.clearance = Clearance::Checked {
            day: crate::Date::parse("2020-01-15").unwrap(),
            findings: 0,
        };
        let deployer = Counting::deployer(&assembly);
        let message = deployer.up().await.unwrap_err().to_string();
        assert!(
            message.starts_with("app `holds`: the assembly is not deployed, nothing was changed: its rules were read as of 2020-01-15, not today"),
            "{message}"
        );
        assert_eq!(calls(&deployer), 0);
    }

    /// CloudFormation's patterns: change-set names `[a-zA-Z][-a-zA-Z0-9]*` (up to 128),
    /// client tokens `[a-zA-Z0-9][-a-zA-Z0-9]*` (up to 128).
    fn valid(name: &str, first: fn(char) -> bool) -> bool {
        name.len() <= 128
            && name.chars().next().is_some_and(first)
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    }

    /// A template that synthesis let through at its bound goes over it once the engine adds
    /// its hash output: the body as sent is measured again, and refused with the stack named
    /// and what to do; one under the bound with its hash goes through.
    #[test]
    fn a_template_at_the_bound_is_refused_once_its_hash_is_added() {
        let template = |bytes: usize| {
            let head = r#"{"Resources":{"A":{"Type":"AWS::SNS::Topic","Properties":{"TopicName":""#;
            let tail = r#""}}}}"#;
            let fill = "x".repeat(bytes - head.len() - tail.len());
            format!("{head}{fill}{tail}")
        };
        let at_bound = template(crate::synth::MAX_TEMPLATE_BYTES);
        assert_eq!(at_bound.len(), crate::synth::MAX_TEMPLATE_BYTES);
        let (sent, _) = plan::with_template_hash(&at_bound).unwrap();
        let err = check_template_size("data", &sent, &[]).unwrap_err();
        assert!(
            matches!(&err, DeployError::OverQuota { stack, actual, limit, .. }
                if stack == "data" && *actual == sent.len() && *limit == 1_000_000),
            "{err:?}"
        );
        let message = err.to_string();
        assert!(
            message.contains("stack `data`")
                && message.contains("hash")
                && message.contains("Split the stack"),
            "{message}"
        );
        let kept = ["data-Key (imported by app)".to_owned()];
        let message = check_template_size("data", &sent, &kept)
            .unwrap_err()
            .to_string();
        assert!(message.contains("data-Key (imported by app)"), "{message}");

        let (sent, _) =
            plan::with_template_hash(&template(crate::synth::MAX_TEMPLATE_BYTES - 1_000)).unwrap();
        assert!(sent.len() <= crate::synth::MAX_TEMPLATE_BYTES);
        assert!(check_template_size("data", &sent, &[]).is_ok());
    }

    /// A refusal of the credentials, credentials that do not work and an unreachable endpoint
    /// stop a run that reads events; throttling past its retries or a call the endpoint lacks
    /// leave the events unread.
    #[test]
    fn a_denied_event_read_stops_the_run_and_throttling_does_not() {
        let denied = DeployError::api(
            "data",
            "DescribeStackEvents",
            ApiError {
                kind: ApiErrorKind::Denied,
                code: Some("AccessDenied".to_owned()),
                message: "not authorized to perform: cloudformation:DescribeStackEvents".to_owned(),
            },
        );
        assert!(stops(&denied));
        let message = denied.to_string();
        assert!(
            message.contains("stack `data`")
                && message.contains("cloudformation:DescribeStackEvents")
                && message.contains("grant"),
            "{message}"
        );
        let credentials = DeployError::api(
            "data",
            "DescribeStackEvents",
            ApiError {
                kind: ApiErrorKind::Credentials,
                code: Some("ExpiredToken".to_owned()),
                message: "expired".to_owned(),
            },
        );
        assert!(stops(&credentials));
        for kind in [
            ApiErrorKind::Throttled,
            ApiErrorKind::Transient,
            ApiErrorKind::Unsupported,
        ] {
            let e = DeployError::api(
                "data",
                "DescribeStackEvents",
                ApiError {
                    kind,
                    code: None,
                    message: "x".to_owned(),
                },
            );
            assert!(!stops(&e), "{e}");
        }
    }

    #[test]
    fn log_names_become_parts_of_logical_ids() {
        assert_eq!(pascal("postgresql"), "Postgresql");
        assert_eq!(pascal("iam-db-auth-error"), "IamDbAuthError");
        assert_eq!(pascal(""), "");
    }

    #[test]
    fn errors_of_a_step_after_the_deploy_say_that_up_retries_it() {
        let e = DeployError::api(
            "records",
            "PutRetentionPolicy",
            ApiError::client("InvalidParameterException", "no"),
        )
        .after_deploy("rule L4's step")
        .to_string();
        assert!(
            e.contains("stack `records` is deployed, but rule L4's step stopped"),
            "{e}"
        );
        assert!(
            e.contains("run `up` again: it retries rule L4's step after the deploy, even when the template is unchanged"),
            "{e}"
        );
        let denied = DeployError::api(
            "records",
            "RevokeSecurityGroupEgress",
            ApiError {
                kind: ApiErrorKind::Denied,
                code: Some("UnauthorizedOperation".to_owned()),
                message: "not authorized".to_owned(),
            },
        )
        .after_deploy("rule E14's step");
        assert!(
            matches!(denied, DeployError::AccessDenied { .. }),
            "{denied:?}"
        );
        assert!(denied.to_string().contains("run `up` again"), "{denied}");
        // What says what to do already is kept.
        let unreachable = DeployError::Unreachable {
            message: "cannot connect".to_owned(),
        }
        .after_deploy("rule E14's step");
        assert!(matches!(unreachable, DeployError::Unreachable { .. }));
    }

    #[test]
    fn change_set_names_and_client_tokens_are_valid_and_differ_per_run() {
        let a = run_id();
        std::thread::sleep(Duration::from_millis(2));
        let b = run_id();
        assert_ne!(a, b);
        let name = format!("{CHANGE_SET_PREFIX}{a}-0");
        assert!(valid(&name, |c| c.is_ascii_alphabetic()), "{name}");
        let token = client_token(&format!("{a}-0"), "clinic-data");
        assert!(valid(&token, |c| c.is_ascii_alphanumeric()), "{token}");
        assert_ne!(token, client_token(&format!("{a}-1"), "clinic-data"));
        assert_ne!(token, client_token(&format!("{a}-0"), "clinic-security"));
        let long = client_token(&a, &"s".repeat(200));
        assert_eq!(long.len(), 128);
    }

    /// DeleteStack's `ClientRequestToken` ([a-zA-Z][-a-zA-Z0-9]*, up to 128; API reference,
    /// DeleteStack): one per deletion of a stack, distinct even for the longest stack name
    /// (the deletion's number comes before the name, which truncation shortens).
    #[test]
    fn deletion_tokens_are_valid_and_differ_per_deletion() {
        let a = run_id();
        let longest = "s".repeat(128);
        for stack in ["clinic-data", longest.as_str()] {
            let tokens: Vec<String> = (0..12)
                .map(|n| client_token(&format!("{a}-delete-{n}"), stack))
                .collect();
            for t in &tokens {
                assert!(valid(t, |c| c.is_ascii_alphabetic()), "{t}");
            }
            let distinct: BTreeSet<&String> = tokens.iter().collect();
            assert_eq!(distinct.len(), tokens.len(), "{tokens:?}");
        }
    }

    #[test]
    fn internal_outputs_are_shown_only_when_asked_and_kept_resources_say_what_bills() {
        let app = crate::App::new("a");
        let s = app.stack("s").unwrap();
        let key = s.add(crate::KmsKey::new("PhiKey")).unwrap();
        s.output("KeyArn", key.arn()).unwrap();
        let t = app.stack("t").unwrap();
        t.add(crate::LogGroup::new("Logs").encryption(&key))
            .unwrap();
        let assembly = app.synth().unwrap();
        let stack = assembly.stack("s").unwrap();
        let export = stack
            .template()
            .outputs()
            .iter()
            .find(|o| o.export_name().is_some())
            .unwrap();
        let outputs = vec![
            // An endpoint may report an export name on an output the template does not
            // export: the template decides.
            (
                "KeyArn".to_owned(),
                "k".to_owned(),
                Some("s:PhiKey:Arn".to_owned()),
            ),
            (plan::TEMPLATE_OUTPUT.to_owned(), "abc".to_owned(), None),
            (
                export.name().to_owned(),
                "k".to_owned(),
                export.export_name().map(ToOwned::to_owned),
            ),
            // Kept for an importer, no longer in the template.
            (
                "Export6OldKeyArn".to_owned(),
                "o".to_owned(),
                Some("s:OldKey:Arn".to_owned()),
            ),
            // The program's, of an earlier version.
            ("OldBucket".to_owned(), "b".to_owned(), None),
        ];
        assert_eq!(
            shown(stack, outputs.clone(), false),
            [
                ("KeyArn".to_owned(), "k".to_owned()),
                ("OldBucket".to_owned(), "b".to_owned())
            ]
        );
        assert_eq!(shown(stack, outputs, true).len(), 5);
        assert!(billing("AWS::RDS::DBInstance").is_some_and(|b| b.contains("database")));
        assert_eq!(billing("AWS::EC2::Subnet"), None);
        assert_eq!(billing("AWS::RDS::DBSubnetGroup"), None);
        // Every store of PHI that `destroy` may keep (each type rule D1 keeps, and R6's
        // databases) says what it keeps billing for, as do queues and secrets.
        let stores = ["D1", "R6"].into_iter().flat_map(|id| {
            crate::compliance::rule_spec(id)
                .expect("a rule of the catalogue")
                .types
        });
        for kind in stores.chain(&["AWS::SQS::Queue", "AWS::SecretsManager::Secret"]) {
            assert!(plan::data_at_stake(kind).is_some(), "{kind}");
            assert!(billing(kind).is_some(), "{kind}");
        }
    }
}

//! The [`App`], its stacks, and the cheap handles that point into it.
//!
//! An `App` owns an arena of stacks and constructs. [`Stack`] and [`Handle`] are `Copy`
//! values that point into it, so a program can hold many of them at once and pass them
//! around freely. Using a handle's reference (`key.arn()`) inside another construct records
//! a dependency; a reference that crosses stacks becomes an `Export` / `Fn::ImportValue` pair
//! when the app is synthesized.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, Ordering};

use hipaa_stack_syntax::{check_construct_id, check_logical_id};

pub(crate) mod node;

use self::node::{Construct, KeyService, Node, Used};
use crate::error::{Error, Result, shown};
use crate::literal::{AccountId, Region, StackName};

/// A waiver in the arena: the rule's id, the construct, the written reason and the last day
/// it holds. `App::waive` (in the compliance layer, which knows the rules) records it;
/// synthesis writes it into the metadata of the construct's resources that its rule reads.
#[derive(Debug, Clone)]
pub(crate) struct WaiverEntry {
    pub(crate) rule: &'static str,
    pub(crate) construct: u32,
    pub(crate) reason: String,
    pub(crate) expires: Option<crate::literal::Date>,
}

/// The id of the next app. Never wraps: once every `u64` is used (which no process lives
/// to see), new apps get [`AppId::EXHAUSTED`], whose handles no app accepts.
static NEXT_APP: AtomicU64 = AtomicU64::new(1);

/// Which app a handle belongs to. Ids are never reused within a process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct AppId(u64);

impl AppId {
    /// The id of apps made after the counter ran out.
    const EXHAUSTED: AppId = AppId(0);

    /// A fresh id, different from every id given before.
    fn fresh() -> AppId {
        NEXT_APP
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_add(1))
            .map_or(AppId::EXHAUSTED, AppId)
    }

    /// Whether a handle stamped `self` may be used in the app `app`.
    pub(crate) fn belongs_to(self, app: AppId) -> bool {
        self == app && self != AppId::EXHAUSTED
    }
}

/// A whole application: every stack and construct a program declares.
///
/// `#[hipaa_stack::main]` creates the `App` and hands it to the user's function; tests and
/// tools can create one with [`App::new`].
///
/// ```
/// use hipaa_stack::prelude::*;
///
/// let app = App::new("clinic");
/// let security = app.stack("clinic-security")?;
/// let key = security.add(KmsKey::new("PhiKey"))?;
/// let logs = security.add(AccessLogBucket::new("AccessLogs"))?;
/// let data = app.stack("clinic-data")?;
/// data.add(SecureBucket::new("Records").encryption(&key).access_logs(&logs))?;
/// let assembly = app.synth()?;
/// assert_eq!(assembly.stacks().len(), 2);
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
pub struct App {
    id: AppId,
    name: String,
    arena: RefCell<Arena>,
    staging_bucket: RefCell<Option<String>>,
}

impl fmt::Debug for App {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let arena = self.arena.borrow();
        f.debug_struct("App")
            .field("name", &self.name)
            .field("stacks", &arena.stacks.len())
            .field("constructs", &arena.constructs.len())
            .finish()
    }
}

#[derive(Default)]
/// The constructs and stacks of an app (opaque outside hipaa-stack).
#[doc(hidden)]
pub struct Arena {
    pub(crate) stacks: Vec<StackEntry>,
    pub(crate) constructs: Vec<ConstructEntry>,
    /// Which AWS services must be allowed to use each key, by key construct index.
    pub(crate) key_services: BTreeMap<u32, BTreeSet<KeyService>>,
    /// The waivers the program recorded.
    pub(crate) waivers: Vec<WaiverEntry>,
    /// The environments the program declared, in declaration order.
    pub(crate) environments: Vec<EnvironmentEntry>,
    /// Tags on every stack of the app (`app.tag(..)`).
    pub(crate) tags: BTreeMap<String, String>,
    /// The S3 key of each function's code that was built (construct index → key).
    pub(crate) asset_keys: BTreeMap<u32, String>,
    /// The staging bucket the app names, which holds the functions' code.
    pub(crate) staging_bucket: Option<String>,
}

/// An environment: where its stacks deploy, and what marks them.
pub(crate) struct EnvironmentEntry {
    pub(crate) name: String,
    pub(crate) account: AccountId,
    pub(crate) region: Region,
    pub(crate) production: bool,
    pub(crate) tags: BTreeMap<String, String>,
}

pub(crate) struct StackEntry {
    pub(crate) name: StackName,
    /// `None`: the region the deploy runs in.
    pub(crate) region: Option<Region>,
    /// Production stacks get termination protection and a stack policy.
    pub(crate) production: bool,
    pub(crate) description: Option<String>,
    pub(crate) constructs: Vec<u32>,
    pub(crate) construct_ids: HashMap<String, u32>,
    pub(crate) logical_ids: HashMap<String, u32>,
    pub(crate) outputs: Vec<OutputDecl>,
    /// The environment the stack belongs to, by index.
    pub(crate) environment: Option<u32>,
    /// The stack's own tags (`stack.tag(..)`).
    pub(crate) tags: BTreeMap<String, String>,
}

impl Arena {
    /// The tags CloudFormation puts on a stack (and copies onto its resources): the app's,
    /// then its environment's, then its own; a later one wins for the same key.
    pub(crate) fn stack_tags(&self, stack: u32) -> BTreeMap<String, String> {
        let mut tags = self.tags.clone();
        let Some(entry) = self.stacks.get(stack as usize) else {
            return tags;
        };
        if let Some(env) = entry
            .environment
            .and_then(|e| self.environments.get(e as usize))
        {
            tags.extend(env.tags.clone());
        }
        tags.extend(entry.tags.clone());
        tags
    }

    /// Whether a stack is production: marked itself, or in a production environment.
    pub(crate) fn is_production(&self, stack: u32) -> bool {
        self.stacks.get(stack as usize).is_some_and(|s| {
            s.production
                || s.environment
                    .and_then(|e| self.environments.get(e as usize))
                    .is_some_and(|e| e.production)
        })
    }

    /// The account a stack deploys to, when its environment declares one.
    pub(crate) fn account_of(&self, stack: u32) -> Option<&AccountId> {
        let env = self.stacks.get(stack as usize)?.environment?;
        self.environments.get(env as usize).map(|e| &e.account)
    }

    /// Where a stack deploys: its environment's account (`None`: the deploy account) and its
    /// region (`None`: the deploy region). Constructs of which an account and region hold
    /// one compare these.
    pub(crate) fn placement(&self, stack: u32) -> (Option<AccountId>, Option<Region>) {
        (
            self.account_of(stack).cloned(),
            self.stacks
                .get(stack as usize)
                .and_then(|e| e.region.clone()),
        )
    }

    /// The name of a stack's environment.
    pub(crate) fn environment_of(&self, stack: u32) -> Option<&str> {
        let env = self.stacks.get(stack as usize)?.environment?;
        self.environments.get(env as usize).map(|e| e.name.as_str())
    }
}

pub(crate) struct OutputDecl {
    pub(crate) name: String,
    pub(crate) target: Target,
}

pub(crate) struct ConstructEntry {
    pub(crate) stack: u32,
    pub(crate) node: Box<dyn Node + Send + Sync>,
}

impl Arena {
    /// `stack/ConstructId`.
    pub(crate) fn path(&self, construct: u32) -> String {
        // Every handle was checked to belong to this app when its user was added, so the
        // construct exists; a name stands in rather than a panic if not.
        let Some(entry) = self.constructs.get(construct as usize) else {
            return format!("<unknown construct #{construct}>");
        };
        let stack = self
            .stacks
            .get(entry.stack as usize)
            .map_or("<unknown stack>", |s| s.name.as_str());
        format!("{stack}/{}", entry.node.id())
    }

    /// The logical id of one part of a construct.
    pub(crate) fn logical_id(&self, construct: u32, part: &str) -> String {
        let id = self
            .constructs
            .get(construct as usize)
            .map_or("Unknown", |c| c.node.id());
        format!("{id}{part}")
    }
}

impl App {
    /// Creates an empty app. `name` identifies the app in the manifest and in tags.
    ///
    /// ```
    /// let app = hipaa_stack::App::new("clinic");
    /// assert_eq!(app.name(), "clinic");
    /// ```
    pub fn new(name: impl Into<String>) -> Self {
        App {
            id: AppId::fresh(),
            name: name.into(),
            arena: RefCell::new(Arena::default()),
            staging_bucket: RefCell::new(None),
        }
    }

    /// The app's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Deploys large templates through a staging bucket the organisation made, instead of the
    /// tool's own `hipaa-stack-staging-<account>-<region>` (`--staging-bucket` overrides it).
    /// The bucket is checked before each use and refused, never changed, when it falls short.
    ///
    /// ```
    /// let app = hipaa_stack::App::new("clinic");
    /// app.set_staging_bucket("acme-cfn-staging");
    /// assert_eq!(app.staging_bucket().as_deref(), Some("acme-cfn-staging"));
    /// ```
    pub fn set_staging_bucket(&self, bucket: impl Into<String>) {
        let bucket = bucket.into();
        self.arena.borrow_mut().staging_bucket = Some(bucket.clone());
        *self.staging_bucket.borrow_mut() = Some(bucket);
    }

    /// The staging bucket the app names, if any.
    pub fn staging_bucket(&self) -> Option<String> {
        self.staging_bucket.borrow().clone()
    }

    /// Declares a stack: one CloudFormation stack, deployed and destroyed as a unit.
    ///
    /// The name is a [`StackName`] (checked at compile time with `stack_name!`) or text
    /// (checked now): a letter, then up to 127 letters, digits and hyphens.
    ///
    /// ```
    /// use hipaa_stack::prelude::*;
    /// let app = App::new("clinic");
    /// let data = app.stack(stack_name!("clinic-data"))?;
    /// assert_eq!(data.name(), "clinic-data");
    /// assert!(app.stack("clinic-data").is_err()); // declared twice
    /// assert!(app.stack("9lives").is_err()); // must start with a letter
    /// # Ok::<(), hipaa_stack::Error>(())
    /// ```
    pub fn stack(&self, name: impl IntoStackName) -> Result<Stack<'_>> {
        self.declare_stack(name.into_stack_name()?, None, None)
    }

    /// Declares a stack that always deploys to `region`, e.g. a disaster-recovery copy.
    ///
    /// CloudFormation cannot import an export from another region, so a reference from a
    /// stack in one region to a construct of a stack in another is an error at synth. A stack
    /// declared with [`App::stack`] deploys to the region of the environment and counts as a
    /// region of its own: pin both stacks to share references between them.
    ///
    /// ```
    /// use hipaa_stack::prelude::*;
    /// let app = App::new("clinic");
    /// let dr = app.stack_in("clinic-dr", region!("us-west-2"))?;
    /// assert_eq!(dr.region().map(|r| r.to_string()), Some("us-west-2".to_owned()));
    /// # Ok::<(), hipaa_stack::Error>(())
    /// ```
    pub fn stack_in(&self, name: impl IntoStackName, region: Region) -> Result<Stack<'_>> {
        self.declare_stack(name.into_stack_name()?, Some(region), None)
    }

    /// Declares an environment: an AWS account and a region that its stacks deploy to, a
    /// prefix of their names, tags, and whether it is production.
    ///
    /// A program declares each environment it deploys (staging, production …) and builds the
    /// same stacks in each with [`Environment::stack`]. `up --env NAME` deploys one
    /// environment, and refuses, before it changes anything, when the credentials belong to
    /// another account than the one the environment declares. Once an app declares an
    /// environment, every stack belongs to one, and a construct may only use constructs of
    /// its own environment. The name is a lower-case letter, then up to 31 lower-case letters,
    /// digits and hyphens.
    ///
    /// ```
    /// use hipaa_stack::prelude::*;
    ///
    /// fn portal(app: &mut App) -> Result<()> {
    ///     let staging = app.environment("staging", account!("111111111111"), region!("us-east-1"))?;
    ///     let production = app
    ///         .environment("production", account!("222222222222"), region!("us-east-1"))?
    ///         .production();
    ///     for env in [staging, production] {
    ///         let security = env.stack(stack_name!("portal-security"))?;
    ///         security.add(KmsKey::new("PhiKey"))?;
    ///     }
    ///     Ok(())
    /// }
    /// let mut app = App::new("portal");
    /// portal(&mut app)?;
    /// let assembly = app.synth()?;
    /// assert!(assembly.stack("production-portal-security").unwrap().production());
    /// assert_eq!(assembly.stack("staging-portal-security").unwrap().account(), Some("111111111111"));
    /// # Ok::<(), hipaa_stack::Error>(())
    /// ```
    pub fn environment(
        &self,
        name: &str,
        account: AccountId,
        region: Region,
    ) -> Result<Environment<'_>> {
        check_environment_name(name)?;
        let mut arena = self.arena.borrow_mut();
        if arena.environments.iter().any(|e| e.name == name) {
            return Err(Error::Environment {
                subject: format!("environment `{name}`"),
                reason: "it is declared twice; give every environment of an app its own name"
                    .to_owned(),
            });
        }
        if let Some(stack) = arena.stacks.iter().find(|s| s.environment.is_none()) {
            return Err(outside_environment(&stack.name, name));
        }
        let index = index_u32(arena.environments.len());
        arena.environments.push(EnvironmentEntry {
            name: name.to_owned(),
            account,
            region,
            production: false,
            tags: BTreeMap::new(),
        });
        Ok(Environment { app: self, index })
    }

    /// Tags every stack of the app (CloudFormation copies stack tags onto every resource
    /// that takes tags). Keys and values follow AWS's rules; keys that start with `aws:` or
    /// `hipaa-stack:` are reserved.
    ///
    /// ```
    /// let app = hipaa_stack::App::new("clinic");
    /// app.tag("cost-center", "4711")?;
    /// assert!(app.tag("aws:owner", "me").is_err());
    /// # Ok::<(), hipaa_stack::Error>(())
    /// ```
    pub fn tag(&self, key: &str, value: &str) -> Result<()> {
        check_tag("app.tag(..)", key, value)?;
        self.arena
            .borrow_mut()
            .tags
            .insert(key.to_owned(), value.to_owned());
        Ok(())
    }

    fn declare_stack(
        &self,
        name: StackName,
        region: Option<Region>,
        environment: Option<u32>,
    ) -> Result<Stack<'_>> {
        let mut arena = self.arena.borrow_mut();
        if arena.stacks.iter().any(|s| s.name == name) {
            return Err(Error::DuplicateStack {
                stack: name.to_string(),
            });
        }
        if environment.is_none()
            && let Some(env) = arena.environments.first()
        {
            return Err(outside_environment(&name, &env.name));
        }
        let index = index_u32(arena.stacks.len());
        arena.stacks.push(StackEntry {
            name,
            region,
            production: false,
            description: None,
            constructs: Vec::new(),
            construct_ids: HashMap::new(),
            logical_ids: HashMap::new(),
            outputs: Vec::new(),
            environment,
            tags: BTreeMap::new(),
        });
        Ok(Stack { app: self, index })
    }

    pub(crate) fn arena(&self) -> std::cell::Ref<'_, Arena> {
        self.arena.borrow()
    }

    pub(crate) fn arena_mut(&self) -> std::cell::RefMut<'_, Arena> {
        self.arena.borrow_mut()
    }

    pub(crate) fn id(&self) -> AppId {
        self.id
    }
}

/// A stack declared outside every environment of an app that has environments.
fn outside_environment(stack: &StackName, environment: &str) -> Error {
    Error::Environment {
        subject: format!("stack `{stack}`"),
        reason: format!(
            "it belongs to no environment, while the app declares environment `{environment}`; declare every stack of an app with environments through one (`env.stack(..)`), so that each deploys to the account it declares"
        ),
    }
}

/// Checks a tag (see [`hipaa_stack_syntax::check_tag`]).
fn check_tag(place: &str, key: &str, value: &str) -> Result<()> {
    hipaa_stack_syntax::check_tag(key, value).map_err(|violation| Error::InvalidName {
        place: place.to_owned(),
        violation,
    })
}

/// An environment's name, the prefix of its stacks' names.
fn check_environment_name(name: &str) -> Result<()> {
    hipaa_stack_syntax::check_environment_name(name).map_err(|violation| Error::InvalidName {
        place: "app.environment(..)".to_owned(),
        violation,
    })
}

/// An environment of an [`App`]: an AWS account and a region, declared with
/// [`App::environment`]. A cheap `Copy` handle that declares the environment's stacks.
#[derive(Clone, Copy)]
pub struct Environment<'app> {
    app: &'app App,
    index: u32,
}

impl fmt::Debug for Environment<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Environment").field(&self.name()).finish()
    }
}

impl<'app> Environment<'app> {
    fn with<T>(&self, f: impl FnOnce(&EnvironmentEntry) -> T) -> T {
        f(&self.app.arena.borrow().environments[self.index as usize])
    }

    /// The environment's name, the prefix of its stacks' names.
    pub fn name(&self) -> String {
        self.with(|e| e.name.clone())
    }

    /// The account the environment deploys to.
    pub fn account(&self) -> AccountId {
        self.with(|e| e.account.clone())
    }

    /// The region of the environment's stacks (other than those of [`Environment::stack_in`]).
    pub fn region(&self) -> Region {
        self.with(|e| e.region.clone())
    }

    /// Whether the environment is production.
    pub fn is_production(&self) -> bool {
        self.with(|e| e.production)
    }

    /// Marks the environment as production: each of its stacks is, as with
    /// [`Stack::production`] (termination protection, and a stack policy that denies
    /// replacing or deleting its stores of PHI).
    ///
    /// ```
    /// use hipaa_stack::prelude::*;
    /// let app = App::new("portal");
    /// let prod = app.environment("production", account!("222222222222"), region!("us-east-1"))?.production();
    /// assert!(prod.is_production());
    /// # Ok::<(), hipaa_stack::Error>(())
    /// ```
    pub fn production(self) -> Self {
        self.app.arena.borrow_mut().environments[self.index as usize].production = true;
        self
    }

    /// Tags every stack of the environment (see [`App::tag`]); the environment's tag wins
    /// over the app's for the same key.
    ///
    /// ```
    /// use hipaa_stack::prelude::*;
    /// let app = App::new("portal");
    /// let staging = app
    ///     .environment("staging", account!("111111111111"), region!("us-east-1"))?
    ///     .tag("environment", "staging")?;
    /// # let _ = staging;
    /// # Ok::<(), hipaa_stack::Error>(())
    /// ```
    pub fn tag(self, key: &str, value: &str) -> Result<Self> {
        check_tag(&format!("environment `{}`", self.name()), key, value)?;
        self.app.arena.borrow_mut().environments[self.index as usize]
            .tags
            .insert(key.to_owned(), value.to_owned());
        Ok(self)
    }

    /// Declares a stack of this environment, in its region: named `<environment>-<name>`.
    ///
    /// ```
    /// use hipaa_stack::prelude::*;
    /// let app = App::new("portal");
    /// let staging = app.environment("staging", account!("111111111111"), region!("us-east-1"))?;
    /// let data = staging.stack(stack_name!("portal-data"))?;
    /// assert_eq!(data.name(), "staging-portal-data");
    /// assert_eq!(data.region().map(|r| r.to_string()).as_deref(), Some("us-east-1"));
    /// # Ok::<(), hipaa_stack::Error>(())
    /// ```
    pub fn stack(&self, name: impl IntoStackName) -> Result<Stack<'app>> {
        let region = self.region();
        self.stack_in(name, region)
    }

    /// Declares a stack of this environment (same account) in another region, e.g. its
    /// disaster-recovery copy: named `<environment>-<name>`.
    ///
    /// ```
    /// use hipaa_stack::prelude::*;
    /// let app = App::new("portal");
    /// let prod = app.environment("production", account!("222222222222"), region!("us-east-1"))?;
    /// let dr = prod.stack_in(stack_name!("portal-dr"), region!("us-west-2"))?;
    /// assert_eq!(dr.name(), "production-portal-dr");
    /// # Ok::<(), hipaa_stack::Error>(())
    /// ```
    pub fn stack_in(&self, name: impl IntoStackName, region: Region) -> Result<Stack<'app>> {
        let name = name.into_stack_name()?;
        let env = self.name();
        let full =
            StackName::new(&format!("{env}-{name}")).map_err(|violation| Error::InvalidName {
                place: format!("environment `{env}`: stack `{name}`"),
                violation,
            })?;
        self.app.declare_stack(full, Some(region), Some(self.index))
    }
}

fn index_u32(len: usize) -> u32 {
    // An app with four billion constructs cannot be synthesized anyway (500 per stack);
    // saturate rather than wrap.
    u32::try_from(len).unwrap_or(u32::MAX)
}

/// Something that can name a stack: a [`StackName`] checked at compile time, or text
/// checked when the stack is declared.
pub trait IntoStackName {
    /// Checks the name.
    fn into_stack_name(self) -> Result<StackName>;
}

impl IntoStackName for StackName {
    fn into_stack_name(self) -> Result<StackName> {
        Ok(self)
    }
}

impl IntoStackName for &str {
    fn into_stack_name(self) -> Result<StackName> {
        StackName::new(self).map_err(|violation| Error::InvalidName {
            place: "app.stack(..)".to_owned(),
            violation,
        })
    }
}

impl IntoStackName for &String {
    fn into_stack_name(self) -> Result<StackName> {
        self.as_str().into_stack_name()
    }
}

/// A stack of an [`App`]: a cheap `Copy` handle used to add constructs and outputs.
#[derive(Clone, Copy)]
pub struct Stack<'app> {
    app: &'app App,
    index: u32,
}

impl fmt::Debug for Stack<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Stack").field(&self.name()).finish()
    }
}

impl<'app> Stack<'app> {
    /// The stack's name.
    pub fn name(&self) -> String {
        self.app.arena.borrow().stacks[self.index as usize]
            .name
            .to_string()
    }

    /// The region the stack is pinned to, if any.
    pub fn region(&self) -> Option<Region> {
        self.app.arena.borrow().stacks[self.index as usize]
            .region
            .clone()
    }

    /// Marks the stack as production: `up` turns on termination protection and sets a stack
    /// policy that denies replacing or deleting its stores of PHI, whatever a later change
    /// set says.
    ///
    /// ```
    /// # let app = hipaa_stack::App::new("clinic");
    /// let data = app.stack("clinic-data")?.production();
    /// # Ok::<(), hipaa_stack::Error>(())
    /// ```
    pub fn production(self) -> Self {
        self.app.arena.borrow_mut().stacks[self.index as usize].production = true;
        self
    }

    /// Sets the template's description (default: the app and stack name).
    ///
    /// ```
    /// # let app = hipaa_stack::App::new("clinic");
    /// let data = app.stack("clinic-data")?.description("patient records and the EHR database");
    /// # Ok::<(), hipaa_stack::Error>(())
    /// ```
    pub fn description(self, text: impl Into<String>) -> Self {
        self.app.arena.borrow_mut().stacks[self.index as usize].description = Some(text.into());
        self
    }

    /// Tags the stack (see [`App::tag`]); the stack's tag wins over its environment's and
    /// the app's for the same key. CloudFormation takes at most 50 tags on a stack, counted
    /// with the three hipaa-stack sets itself.
    ///
    /// ```
    /// # let app = hipaa_stack::App::new("clinic");
    /// let data = app.stack("clinic-data")?.tag("owner", "records-team")?;
    /// # let _ = data;
    /// # Ok::<(), hipaa_stack::Error>(())
    /// ```
    pub fn tag(self, key: &str, value: &str) -> Result<Self> {
        check_tag(&format!("stack `{}`", self.name()), key, value)?;
        self.app.arena.borrow_mut().stacks[self.index as usize]
            .tags
            .insert(key.to_owned(), value.to_owned());
        Ok(self)
    }

    /// Adds a construct to this stack and returns its handle.
    ///
    /// A construct that holds PHI can only be added once it is complete: a bucket without
    /// its key or its access-log destination does not compile. At run time this checks the
    /// construct's id (a letter, then letters and digits), that the id is new in this stack,
    /// that the logical ids it produces collide with no other construct's, that every
    /// handle it uses belongs to this app, and that what it names in its own account by a
    /// fixed name (a backup plan's vault in another region) is of its own environment.
    ///
    /// ```
    /// use hipaa_stack::prelude::*;
    /// let app = App::new("clinic");
    /// let stack = app.stack("clinic-security")?;
    /// let key = stack.add(KmsKey::new("PhiKey"))?;
    /// assert!(stack.add(KmsKey::new("PhiKey")).is_err()); // declared twice
    /// assert!(stack.add(KmsKey::new("phi-key")).is_err()); // not a valid id
    /// # let _ = key;
    /// # Ok::<(), hipaa_stack::Error>(())
    /// ```
    pub fn add<K, C: Construct<K>>(&self, construct: C) -> Result<Handle<K>> {
        let node = construct.into_node();
        let mut arena = self.app.arena.borrow_mut();
        let stack_name = arena.stacks[self.index as usize].name.to_string();
        // The id as errors show it: escaped and cut short, for an id that is not one.
        let path = format!("{stack_name}/{}", shown(node.id()));

        // First, before anything reads a handle: every handle must belong to this app (a
        // handle of another app indexes another arena).
        for used in node.uses() {
            if !used.app.belongs_to(self.app.id) {
                return Err(Error::ForeignHandle {
                    place: path,
                    what: used.what,
                });
            }
        }
        check_construct_id(node.id()).map_err(|violation| Error::InvalidName {
            place: format!("{stack_name}/{} ({})", shown(node.id()), node.kind()),
            violation,
        })?;
        // What it names by a fixed name is written in its own account: no reference tells
        // synth's check of environments, so it is checked here.
        let here = arena.environment_of(self.index);
        for (named, does) in node.named() {
            let Some(entry) = arena.constructs.get(named as usize) else {
                continue;
            };
            let there = arena.environment_of(entry.stack);
            if there != here {
                return Err(Error::Environment {
                    subject: format!("construct `{path}`"),
                    reason: format!(
                        "it {does} `{}` of environment `{}` from environment `{}`, and names it in its own account, where it does not exist; an environment deploys with the credentials of its own account and reaches only its own constructs: declare one in environment `{}` and use that",
                        arena.path(named),
                        there.unwrap_or("(none)"),
                        here.unwrap_or("(none)"),
                        here.unwrap_or("(none)"),
                    ),
                });
            }
        }
        node.check()
            .and_then(|()| node.check_in(&arena, self.index))
            .map_err(|reason| Error::InvalidConstruct {
                path: path.clone(),
                reason,
            })?;
        let stack = &arena.stacks[self.index as usize];
        if stack.construct_ids.contains_key(node.id()) {
            return Err(Error::DuplicateConstruct { path });
        }
        let parts = node.parts();
        let mut claimed: Vec<String> = Vec::with_capacity(parts.len());
        for part in parts {
            let logical_id = format!("{}{part}", node.id());
            check_logical_id(&logical_id).map_err(|violation| Error::InvalidName {
                place: path.clone(),
                violation,
            })?;
            if let Some(&other) = stack.logical_ids.get(&logical_id) {
                return Err(Error::LogicalIdCollision {
                    logical_id,
                    first: arena.path(other),
                    second: path,
                });
            }
            if claimed.contains(&logical_id) {
                return Err(Error::LogicalIdCollision {
                    logical_id,
                    first: path.clone(),
                    second: path,
                });
            }
            claimed.push(logical_id);
        }

        let index = index_u32(arena.constructs.len());
        for (key, service) in node.key_services_in(&arena) {
            arena.key_services.entry(key).or_default().insert(service);
        }
        let stack = &mut arena.stacks[self.index as usize];
        stack.construct_ids.insert(node.id().to_owned(), index);
        for logical_id in claimed {
            stack.logical_ids.insert(logical_id, index);
        }
        stack.constructs.push(index);
        arena.constructs.push(ConstructEntry {
            stack: self.index,
            node,
        });
        Ok(Handle::new(self.app.id, index))
    }

    /// Declares a stack output: a value that `outputs` prints after deploy and other tools
    /// can read.
    ///
    /// Synth adds outputs of its own: `Export…` for a value another stack of the region
    /// imports, `Xr…` for one a stack of another region reads. A program output with the
    /// name synth gives one of those is refused at synth, since the consumer would read the
    /// program's value.
    ///
    /// ```
    /// use hipaa_stack::prelude::*;
    /// # let app = App::new("clinic");
    /// # let stack = app.stack("clinic-security")?;
    /// let key = stack.add(KmsKey::new("PhiKey"))?;
    /// stack.output("PhiKeyArn", key.arn())?;
    /// # Ok::<(), hipaa_stack::Error>(())
    /// ```
    pub fn output<T>(&self, name: &str, value: Reference<T>) -> Result<()> {
        let mut arena = self.app.arena.borrow_mut();
        let stack = &arena.stacks[self.index as usize];
        let place = format!("{}/outputs/{}", stack.name, shown(name));
        check_logical_id(name).map_err(|violation| Error::InvalidName {
            place: place.clone(),
            violation,
        })?;
        if !value.target.app.belongs_to(self.app.id) {
            return Err(Error::ForeignHandle {
                place,
                what: "reference",
            });
        }
        if value.target.attr.may_hold_a_secret() {
            return Err(Error::InvalidConstruct {
                path: format!("{}/outputs/{name}", stack.name),
                reason: format!(
                    "the attribute `{}` may hold a secret, and outputs are readable by anyone who may describe the stack; output its ARN or name, and read the value where it is needed",
                    value.target.attr.export_suffix()
                ),
            });
        }
        if stack.outputs.iter().any(|o| o.name == name) {
            return Err(Error::DuplicateOutput {
                stack: stack.name.to_string(),
                output: name.to_owned(),
            });
        }
        arena.stacks[self.index as usize].outputs.push(OutputDecl {
            name: name.to_owned(),
            target: value.target,
        });
        Ok(())
    }
}

/// A cheap, `Copy` handle to a construct that was added to a stack.
///
/// Handles give typed references (`key.arn()`, `bucket.name()`) and are what other
/// constructs take as inputs (`.encryption(&key)`). The type parameter says what the handle
/// points to, so a bucket cannot be passed where a key is expected.
pub struct Handle<C> {
    pub(crate) app: AppId,
    pub(crate) index: u32,
    _kind: PhantomData<fn() -> C>,
}

impl<C> Handle<C> {
    pub(crate) fn new(app: AppId, index: u32) -> Self {
        Handle {
            app,
            index,
            _kind: PhantomData,
        }
    }

    /// A handle of another kind to the same construct, for sealed conversions.
    pub(crate) fn cast<D>(self) -> Handle<D> {
        Handle::new(self.app, self.index)
    }

    pub(crate) fn attr_ref<T>(&self, part: &'static str, attr: Attr) -> Reference<T> {
        Reference {
            target: Target {
                app: self.app,
                construct: self.index,
                part,
                attr,
            },
            _meaning: PhantomData,
        }
    }

    pub(crate) fn used(&self, what: &'static str) -> Used {
        Used {
            app: self.app,
            what,
        }
    }
}

impl<C> Clone for Handle<C> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<C> Copy for Handle<C> {}

impl<C> PartialEq for Handle<C> {
    fn eq(&self, other: &Self) -> bool {
        self.app == other.app && self.index == other.index
    }
}

impl<C> Eq for Handle<C> {}

impl<C> fmt::Debug for Handle<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Handle({}#{})", std::any::type_name::<C>(), self.index)
    }
}

/// Which attribute of a resource a reference reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Attr {
    /// `Ref`.
    Ref,
    /// `Fn::GetAtt`.
    Get(&'static str),
}

impl Attr {
    /// Whether this attribute may hold a secret's value rather than an ARN, a name or an
    /// id: a raw resource's `SecretAccessKey` (an IAM access key), `Value` (an SSM
    /// parameter), `SecretString` or anything named like a password, token or key. Such a
    /// value may not go where it can be read back: user data, stack outputs.
    pub(crate) fn may_hold_a_secret(self) -> bool {
        let Attr::Get(name) = self else {
            return false;
        };
        let lower = name.to_ascii_lowercase();
        let plain = ["arn", "id", "name", "address", "endpoint", "url", "port"]
            .iter()
            .any(|end| lower.ends_with(end));
        !plain
            && ["secret", "password", "token", "key", "value", "credential"]
                .iter()
                .any(|word| lower.contains(word))
    }

    pub(crate) fn export_suffix(self) -> &'static str {
        match self {
            Attr::Ref => "Ref",
            Attr::Get(name) => name,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Target {
    pub(crate) app: AppId,
    pub(crate) construct: u32,
    pub(crate) part: &'static str,
    pub(crate) attr: Attr,
}

/// A typed reference to an attribute of a construct's resource, e.g. `key.arn()`.
///
/// Inside the same stack it becomes `Ref` or `Fn::GetAtt`; from another stack, an
/// `Fn::ImportValue` of an export that the producing stack gets automatically.
/// `T` says what the value means ([`Arn`], [`Name`], [`Id`]).
pub struct Reference<T> {
    pub(crate) target: Target,
    _meaning: PhantomData<fn() -> T>,
}

impl<T> Clone for Reference<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Reference<T> {}

impl<T> fmt::Debug for Reference<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Reference<{}>(#{}{}.{})",
            std::any::type_name::<T>(),
            self.target.construct,
            self.target.part,
            self.target.attr.export_suffix()
        )
    }
}

/// The meaning of a [`Reference`]: an Amazon Resource Name.
#[derive(Debug)]
pub enum Arn {}

/// The meaning of a [`Reference`]: a resource's name (a bucket name, a log group name).
#[derive(Debug)]
pub enum Name {}

/// The meaning of a [`Reference`]: a resource's id (a key id, an instance identifier).
#[derive(Debug)]
pub enum Id {}

#[cfg(test)]
mod tests {
    use crate::prelude::*;

    #[test]
    fn stack_names_are_checked_and_unique() {
        let app = App::new("test");
        app.stack("clinic-data").unwrap();
        let dup = app.stack("clinic-data").unwrap_err().to_string();
        assert_eq!(
            dup,
            "stack `clinic-data` is declared twice; give every stack of an app its own name"
        );
        let bad = app.stack("clinic_data").unwrap_err().to_string();
        assert!(
            bad.starts_with("app.stack(..): invalid stack name `clinic_data`"),
            "{bad}"
        );
    }

    #[test]
    fn construct_ids_are_checked_and_unique_per_stack() {
        let app = App::new("test");
        let a = app.stack("a").unwrap();
        let b = app.stack("b").unwrap();
        a.add(KmsKey::new("Key")).unwrap();
        b.add(KmsKey::new("Key")).unwrap();
        assert_eq!(
            a.add(KmsKey::new("Key")).unwrap_err().to_string(),
            "construct `a/Key` is declared twice; give every construct of a stack its own id"
        );
        let bad = a.add(KmsKey::new("phi-key")).unwrap_err().to_string();
        assert!(
            bad.starts_with("a/phi-key (KmsKey): invalid construct id `phi-key`"),
            "{bad}"
        );
    }

    #[test]
    fn colliding_logical_ids_name_both_constructs() {
        let app = App::new("test");
        let s = app.stack("s").unwrap();
        let key = s.add(KmsKey::new("Key")).unwrap();
        let logs = s.add(AccessLogBucket::new("Logs")).unwrap();
        // `AuditBucket` is a part of the trail `Audit`.
        s.add(KmsKey::new("AuditBucket")).unwrap();
        let err = s
            .add(AuditTrail::new("Audit").encryption(&key).access_logs(&logs))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "constructs `s/AuditBucket` and `s/Audit` both produce the logical id `AuditBucket`; rename one of them"
        );
        // The failed construct left nothing behind: the id is still free.
        s.add(KmsKey::new("Audit")).unwrap();
    }

    #[test]
    fn handles_of_another_app_are_refused() {
        let first = App::new("first");
        let key = first.stack("a").unwrap().add(KmsKey::new("Key")).unwrap();
        let second = App::new("second");
        let s = second.stack("a").unwrap();
        let logs = s.add(AccessLogBucket::new("Logs")).unwrap();
        let err = s
            .add(
                SecureBucket::new("Records")
                    .encryption(&key)
                    .access_logs(&logs),
            )
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "`a/Records` uses a KmsKey that belongs to another app; handles are only valid in the app that created them"
        );
        let out = s.output("KeyArn", key.arn()).unwrap_err().to_string();
        assert!(
            out.starts_with("`a/outputs/KeyArn` uses a reference"),
            "{out}"
        );
    }

    /// A handle whose index is past the end of the other app's arena is refused with the
    /// documented error before anything reads it: no panic, whatever the construct.
    #[test]
    fn foreign_handles_are_refused_before_they_are_read() {
        use crate::{Ami, Role, SecureInstance, SecurityGroup, ServicePrincipal, UserData};
        let first = App::new("first");
        let a = first.stack("a").unwrap();
        // Padding, so the handles below index past the end of `second`'s arena.
        for i in 0..20 {
            a.add(KmsKey::new(format!("Pad{i}"))).unwrap();
        }
        let key = a.add(KmsKey::new("Key")).unwrap();
        let logs = a.add(AccessLogBucket::new("Logs")).unwrap();
        let net = a
            .add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))
            .unwrap();
        let sg = a.add(SecurityGroup::new("AppSg", &net)).unwrap();
        let role = a.add(Role::new("AppRole", ServicePrincipal::Ec2)).unwrap();
        let db = a
            .add(
                EncryptedDatabase::postgres("Ehr")
                    .encryption(&key)
                    .network(&net),
            )
            .unwrap();
        let records = a
            .add(
                SecureBucket::new("Records")
                    .encryption(&key)
                    .access_logs(&logs),
            )
            .unwrap();

        let second = App::new("second");
        let b = second.stack("b").unwrap();
        let own_key = b.add(KmsKey::new("Key")).unwrap();
        let own_logs = b.add(AccessLogBucket::new("Logs")).unwrap();
        let own_net = b
            .add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&own_key))
            .unwrap();
        let own_sg = b.add(SecurityGroup::new("AppSg", &own_net)).unwrap();
        let own_role = b.add(Role::new("AppRole", ServicePrincipal::Ec2)).unwrap();

        let instance = |id: &str| SecureInstance::new(id, Ami::id("ami-0123456789abcdef0"));
        let attempts: Vec<(&str, crate::Result<()>)> = vec![
            (
                "instance on a foreign VPC",
                b.add(
                    instance("I1")
                        .encryption(&own_key)
                        .network(&net)
                        .role(&own_role)
                        .security_group(&own_sg),
                )
                .map(drop),
            ),
            (
                "instance with a foreign group",
                b.add(
                    instance("I2")
                        .encryption(&own_key)
                        .network(&own_net)
                        .role(&own_role)
                        .security_group(&sg),
                )
                .map(drop),
            ),
            (
                "instance with a foreign role",
                b.add(
                    instance("I3")
                        .encryption(&own_key)
                        .network(&own_net)
                        .role(&role)
                        .security_group(&own_sg),
                )
                .map(drop),
            ),
            (
                "instance with a foreign reference in its user data",
                b.add(
                    instance("I4")
                        .encryption(&own_key)
                        .network(&own_net)
                        .role(&own_role)
                        .security_group(&own_sg)
                        .user_data(
                            UserData::script(crate::user_data!("#!/bin/bash\n"))
                                .reference(records.name()),
                        ),
                )
                .map(drop),
            ),
            (
                "grant on a foreign database",
                b.add(db.allow_from("AppToEhr", &own_sg)).map(drop),
            ),
            (
                "connect grant on a foreign database",
                b.add(db.grant_connect("Connect", &own_role, "app_user"))
                    .map(drop),
            ),
            (
                "decrypt grant on a foreign key",
                b.add(key.grant_decrypt("Decrypt", &own_role)).map(drop),
            ),
            (
                "read grant on a foreign bucket",
                b.add(records.grant_read("Read", &own_role)).map(drop),
            ),
            (
                "database in a foreign VPC",
                b.add(
                    EncryptedDatabase::postgres("Db")
                        .encryption(&own_key)
                        .network(&net),
                )
                .map(drop),
            ),
            (
                "bucket with foreign logs",
                b.add(
                    SecureBucket::new("B")
                        .encryption(&own_key)
                        .access_logs(&logs),
                )
                .map(drop),
            ),
            (
                "raw resource with a foreign reference",
                b.add(
                    RawResource::new("Q", "AWS::SQS::Queue").property("KmsMasterKeyId", key.arn()),
                )
                .map(drop),
            ),
            (
                "raw resource that depends on a foreign construct",
                b.add(RawResource::new("Q2", "AWS::SQS::Queue").depends_on(&db))
                    .map(drop),
            ),
        ];
        for (what, result) in attempts {
            let err = result.expect_err(what).to_string();
            assert!(
                err.contains("belongs to another app") || err.contains("uses a reference"),
                "{what}: {err}"
            );
        }
        let _ = own_logs;
        // Nothing was added: the second app still synthesizes.
        second.synth().unwrap();
    }

    #[test]
    fn secret_attributes_do_not_become_outputs_or_user_data() {
        use crate::{Ami, Role, SecureInstance, SecurityGroup, ServicePrincipal, UserData};
        let app = App::new("test");
        let s = app.stack("s").unwrap();
        let user = s
            .add(RawResource::new("Ci", "AWS::IAM::AccessKey"))
            .unwrap();
        let param = s
            .add(RawResource::new("Param", "AWS::SSM::Parameter"))
            .unwrap();
        for (name, value) in [
            ("Secret", user.attribute("SecretAccessKey")),
            ("Value", param.attribute("Value")),
        ] {
            let err = s.output(name, value).unwrap_err().to_string();
            assert!(err.contains("may hold a secret"), "{err}");
        }
        s.output("ParamName", param.reference()).unwrap();
        s.output("ParamArn", param.attribute("Arn")).unwrap();

        let key = s.add(KmsKey::new("Key")).unwrap();
        let net = s
            .add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))
            .unwrap();
        let sg = s.add(SecurityGroup::new("AppSg", &net)).unwrap();
        let role = s.add(Role::new("AppRole", ServicePrincipal::Ec2)).unwrap();
        let err = s
            .add(
                SecureInstance::new("App", Ami::id("ami-0123456789abcdef0"))
                    .encryption(&key)
                    .network(&net)
                    .role(&role)
                    .security_group(&sg)
                    .user_data(
                        UserData::script(crate::user_data!("export AWS_SECRET_ACCESS_KEY="))
                            .reference(user.attribute("SecretAccessKey")),
                    ),
            )
            .unwrap_err()
            .to_string();
        assert!(err.contains("may hold a secret"), "{err}");
    }

    #[test]
    fn app_ids_never_repeat() {
        use super::AppId;
        let ids: std::collections::BTreeSet<AppId> =
            (0..1000).map(|_| App::new("a").id()).collect();
        assert_eq!(ids.len(), 1000);
        assert!(ids.iter().all(|id| id.belongs_to(*id)));
        // An exhausted id belongs to no app, not even another exhausted one.
        assert!(!AppId::EXHAUSTED.belongs_to(AppId::EXHAUSTED));
    }

    #[test]
    fn outputs_are_checked_and_unique() {
        let app = App::new("test");
        let s = app.stack("s").unwrap();
        let key = s.add(KmsKey::new("Key")).unwrap();
        s.output("KeyArn", key.arn()).unwrap();
        assert_eq!(
            s.output("KeyArn", key.key_id()).unwrap_err().to_string(),
            "output `KeyArn` of stack `s` is declared twice; give every output its own name"
        );
        assert!(s.output("key-arn", key.arn()).is_err());
    }

    #[test]
    fn handles_are_cheap_copies() {
        fn assert_copy<T: Copy>(_: T) {}
        let app = App::new("test");
        let s = app.stack("s").unwrap();
        let key = s.add(KmsKey::new("Key")).unwrap();
        assert_copy(key);
        assert_copy(s);
        assert_copy(key.arn());
        assert_eq!(key, key.clone());
    }
}

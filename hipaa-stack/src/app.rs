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
use std::sync::atomic::{AtomicU32, Ordering};

use hipaa_stack_syntax::{check_construct_id, check_logical_id};

use crate::constructs::Construct;
use crate::constructs::node::{KeyService, Node, Used};
use crate::error::{Error, Result};
use crate::literal::{Region, StackName};

static NEXT_APP: AtomicU32 = AtomicU32::new(1);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct AppId(u32);

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
    pub(crate) waivers: Vec<crate::compliance::WaiverEntry>,
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
}

pub(crate) struct OutputDecl {
    pub(crate) name: String,
    pub(crate) target: Target,
}

pub(crate) struct ConstructEntry {
    pub(crate) stack: u32,
    pub(crate) node: Box<dyn Node>,
}

impl Arena {
    /// `stack/ConstructId`.
    pub(crate) fn path(&self, construct: u32) -> String {
        let entry = &self.constructs[construct as usize];
        format!(
            "{}/{}",
            self.stacks[entry.stack as usize].name,
            entry.node.id()
        )
    }

    /// The logical id of one part of a construct.
    pub(crate) fn logical_id(&self, construct: u32, part: &str) -> String {
        format!("{}{}", self.constructs[construct as usize].node.id(), part)
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
            id: AppId(NEXT_APP.fetch_add(1, Ordering::Relaxed)),
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
        *self.staging_bucket.borrow_mut() = Some(bucket.into());
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
        self.declare_stack(name.into_stack_name()?, None)
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
    /// let dr = app.stack_in("clinic-dr", Region::new("us-west-2")?)?;
    /// assert_eq!(dr.region().map(|r| r.to_string()), Some("us-west-2".to_owned()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn stack_in(&self, name: impl IntoStackName, region: Region) -> Result<Stack<'_>> {
        self.declare_stack(name.into_stack_name()?, Some(region))
    }

    fn declare_stack(&self, name: StackName, region: Option<Region>) -> Result<Stack<'_>> {
        let mut arena = self.arena.borrow_mut();
        if arena.stacks.iter().any(|s| s.name == name) {
            return Err(Error::DuplicateStack {
                stack: name.to_string(),
            });
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

    /// Adds a construct to this stack and returns its handle.
    ///
    /// A construct that holds PHI can only be added once it is complete: a bucket without
    /// its key or its access-log destination does not compile. At run time this checks the
    /// construct's id (a letter, then letters and digits), that the id is new in this stack,
    /// that the logical ids it produces collide with no other construct's, and that every
    /// handle it uses belongs to this app.
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
        let path = format!("{stack_name}/{}", node.id());

        check_construct_id(node.id()).map_err(|violation| Error::InvalidName {
            place: format!("{stack_name}/{} ({})", node.id(), node.kind()),
            violation,
        })?;
        node.check()
            .and_then(|()| node.check_in(&arena, self.index))
            .map_err(|reason| Error::InvalidConstruct {
                path: path.clone(),
                reason,
            })?;
        for used in node.uses() {
            if used.app != self.app.id {
                return Err(Error::ForeignHandle {
                    place: path,
                    what: used.what,
                });
            }
        }
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
        for (key, service) in node.key_services() {
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
        let place = format!("{}/outputs/{name}", stack.name);
        check_logical_id(name).map_err(|violation| Error::InvalidName {
            place: place.clone(),
            violation,
        })?;
        if value.target.app != self.app.id {
            return Err(Error::ForeignHandle {
                place,
                what: "reference",
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

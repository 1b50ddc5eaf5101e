//! Synthesis: an [`App`] becomes a cloud assembly — one CloudFormation template per stack and
//! a manifest that names each stack, its template, its dependencies and its wave.
//!
//! The deploy engine reads the manifest and never re-derives what synthesis decided.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use crate::app::node::{
    CrossStack, Declare, Regions, RenderCx, resolve_target, resolve_target_in, user_path,
};
use crate::app::{App, Arena};
use crate::cfn::scan::Scanned;
use crate::cfn::{Output, Parameter, Template};
use crate::constructs::{REPLICA_NOT_REPLICATED, replica_reason};
use crate::error::{Error, Result};
use crate::graph::{AppGraph, Edge, Named, StackNode, order_stacks, resource_graph};
use crate::parallel::{parallel_each, parallel_map, workers};

/// The name of the manifest file inside an assembly folder.
pub const MANIFEST_FILE: &str = "manifest.json";

/// CloudFormation's limit on resources per stack.
pub const MAX_RESOURCES: usize = 500;
/// CloudFormation's limit on outputs per stack.
pub const MAX_OUTPUTS: usize = 200;
/// CloudFormation's limit on parameters per template.
pub const MAX_PARAMETERS: usize = 200;
/// CloudFormation's limit on a template body uploaded through S3, in bytes. AWS writes it as
/// "1 MB" (AWS CloudFormation User Guide, "Understand CloudFormation quotas": Template body
/// size in an Amazon S3 object; API reference, CreateChangeSet, `TemplateURL`: "a template
/// (max size: 1 MB)") without saying whether that is 1,000,000 or 1,048,576 bytes: the
/// smaller is taken, which is within the limit under either reading. The deploy engine
/// measures the body it sends again, after adding its own outputs.
pub const MAX_TEMPLATE_BYTES: usize = 1_000_000;
/// CloudFormation's limit on a template's description, in bytes.
pub const MAX_DESCRIPTION_BYTES: usize = 1024;
/// Templates larger than this cannot be sent inline and go through an S3 staging bucket.
pub const MAX_INLINE_TEMPLATE_BYTES: usize = 51_200;

/// Whether a template of `bytes` bytes may be sent inline (`TemplateBody`, at most 51,200
/// bytes in CloudFormation's API reference), or must go through S3 (`TemplateURL`).
pub(crate) fn sent_inline(bytes: usize) -> bool {
    bytes <= MAX_INLINE_TEMPLATE_BYTES
}
/// CloudFormation's limit on dynamic references (`{{resolve:…}}`) per template.
pub const MAX_DYNAMIC_REFERENCES: usize = 60;
/// S3's limit on the size of a bucket policy, in bytes.
pub const MAX_BUCKET_POLICY_BYTES: usize = 20_480;

/// A synthesized app: the templates and the order to deploy them in, with `E`, what the
/// checks that ran on each stack found. The assembly that `App::synth` and `App::check`
/// return keeps the evaluation of every rule in `E`: it is `hipaa_stack::Assembly`.
#[derive(Debug, Clone)]
pub struct Assembly<E> {
    app: String,
    environments: Vec<String>,
    stacks: Vec<SynthesizedStack>,
    graph: AppGraph,
    pub(crate) evaluation: E,
    timings: Timings,
    assets: Vec<crate::asset::Asset>,
    /// What the rules made of the assembly, from which [`Assembly::write`] and the deploy
    /// engine's `up` read, when they are called, whether it is cleared: only an assembly
    /// whose rules found nothing as of the day it is written or deployed is
    /// ([`App::synth`](crate::App::synth), or [`App::check`](crate::App::check) of an app
    /// that holds, on the day they ran). Set where the rules run, from their own results;
    /// an assembly made without them is not cleared.
    pub(crate) clearance: Clearance,
}

/// What the rules made of an [`Assembly`] (hostile review 35: `App::check` returns the
/// assembly whatever the rules found, and `App::check_on` as of any day, and both were
/// written and deployed as `synth`'s are).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Clearance {
    /// The rules did not run.
    Unchecked,
    /// The rules read the waivers as of `day` and found `findings` findings, neither fixed
    /// nor waived.
    Checked {
        /// The day the rules read the waivers as of.
        day: crate::literal::Date,
        /// How many findings they found.
        findings: usize,
    },
}

/// Why an [`Assembly`] may not be written as a cloud assembly nor deployed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Uncleared {
    /// The rules did not run.
    Unchecked,
    /// The rules found this many findings, neither fixed nor waived.
    Findings(usize),
    /// The rules were read as of another day than today: a waiver holds until its last day.
    /// Also an assembly that the rules cleared on a day gone by (a program that holds it
    /// past midnight): a waiver may have run out since.
    CheckedOn {
        /// The day the rules were read as of.
        day: crate::literal::Date,
        /// Today.
        today: crate::literal::Date,
    },
}

impl Uncleared {
    /// What is wrong and what to do, after "the assembly is not written: ".
    pub(crate) fn reason(&self) -> String {
        const FIX: &str = "write or deploy the assembly that `app.synth()?` returns, which refuses an app that breaks a rule as of today";
        match self {
            Uncleared::Unchecked => format!("it was made without running the HIPAA rules; {FIX}"),
            Uncleared::Findings(n) => format!(
                "it breaks {n} HIPAA rule(s), which `App::check` reports and `App::synth` refuses; fix or waive each, then {FIX}"
            ),
            Uncleared::CheckedOn { day, today } => format!(
                "its rules were read as of {day}, not today ({today}), and a waiver holds only until its last day; {FIX}"
            ),
        }
    }
}

/// How long each phase of synthesis took.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Timings {
    /// Rendering every construct into resources.
    pub render: std::time::Duration,
    /// Exports, the stack order and the resource graph.
    pub resolve: std::time::Duration,
    /// The HIPAA rules on every resource.
    pub rules: std::time::Duration,
    /// Templates to JSON, and CloudFormation's limits.
    pub serialize: std::time::Duration,
}

/// The text of a stack's template, and its length in bytes: held, or (after a synth that
/// keeps no text, [`Memory::Kept`] or [`Memory::Low`], which handed it to be written and let
/// it go) written again from the template, the same bytes, the first time something reads
/// it.
#[derive(Debug, Clone)]
struct TemplateText {
    text: std::sync::OnceLock<Arc<str>>,
    len: usize,
}

impl TemplateText {
    fn held(text: Arc<str>) -> Self {
        TemplateText {
            len: text.len(),
            text: std::sync::OnceLock::from(text),
        }
    }

    fn let_go(text: &str) -> Self {
        TemplateText {
            len: text.len(),
            text: std::sync::OnceLock::new(),
        }
    }
}

/// One stack of an [`Assembly`].
#[derive(Debug, Clone)]
pub struct SynthesizedStack {
    name: String,
    region: Option<String>,
    environment: Option<String>,
    account: Option<String>,
    tags: BTreeMap<String, String>,
    production: bool,
    template: Template,
    json: TemplateText,
    wave: usize,
    dependencies: Vec<String>,
}

impl SynthesizedStack {
    /// The stack name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The region the stack is pinned to; `None` deploys to the environment's region.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// Whether the stack is a production stack (termination protection, stack policy):
    /// marked itself, or in a production environment.
    pub fn production(&self) -> bool {
        self.production
    }

    /// The environment the stack belongs to ([`App::environment`]), if any.
    pub fn environment(&self) -> Option<&str> {
        self.environment.as_deref()
    }

    /// The AWS account the stack's environment declares; `up` refuses credentials of any
    /// other account.
    pub fn account(&self) -> Option<&str> {
        self.account.as_deref()
    }

    /// The program's tags on the stack: the app's, its environment's and its own
    /// (hipaa-stack adds its own three when it deploys).
    pub fn tags(&self) -> &BTreeMap<String, String> {
        &self.tags
    }

    /// The template model.
    pub fn template(&self) -> &Template {
        &self.template
    }

    /// The template as written to disk (by an assembly that let the text go once it was
    /// written, serialized again, the same bytes, the first time it is asked for).
    pub fn template_json(&self) -> &str {
        self.json.text.get_or_init(|| {
            // The template was serialized once: nothing in it fails to serialize (its
            // properties are trees, or read as trees, `Resource::properties`).
            Arc::from(self.template.to_json().unwrap_or_default())
        })
    }

    /// Whether the assembly holds the text (not let go, or written again since).
    #[cfg(test)]
    pub(crate) fn holds_text(&self) -> bool {
        self.json.text.get().is_some()
    }

    /// The file name of the template inside the assembly folder.
    pub fn template_file(&self) -> String {
        template_file_for(&self.name)
    }

    /// The wave: 0 for stacks that depend on no other stack, else one more than the
    /// highest wave among the stacks it depends on. Stacks of one wave can deploy together.
    pub fn wave(&self) -> usize {
        self.wave
    }

    /// The stacks whose exports this stack imports, or whose outputs it reads across regions.
    pub fn dependencies(&self) -> &[String] {
        &self.dependencies
    }

    /// Whether the template is too large to send inline and must go through S3.
    pub fn needs_upload(&self) -> bool {
        !sent_inline(self.json.len)
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Manifest<'a> {
    version: u32,
    app: &'a str,
    generator: String,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    environments: &'a [String],
    stacks: Vec<ManifestStack<'a>>,
    /// The code of the functions, built by `synth`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    assets: Vec<ManifestAsset<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ManifestAsset<'a> {
    file: String,
    key: String,
    sha256: &'a str,
    stack: &'a str,
    function: &'a str,
    bytes: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ManifestStack<'a> {
    name: &'a str,
    region: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    environment: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    account: Option<&'a str>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    tags: &'a BTreeMap<String, String>,
    production: bool,
    template: String,
    wave: usize,
    dependencies: &'a [String],
    resources: usize,
    template_bytes: usize,
    needs_upload: bool,
    /// Values of stacks in other regions, filled in by `up` from those stacks' outputs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    parameters: Vec<ManifestParameter<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ManifestParameter<'a> {
    name: &'a str,
    from_stack: &'a str,
    from_region: Option<&'a str>,
    from_output: &'a str,
}

impl<E> Assembly<E> {
    /// The app's name.
    pub fn app(&self) -> &str {
        &self.app
    }

    /// The environments the app declares ([`App::environment`]), in declaration order.
    pub fn environments(&self) -> Vec<&str> {
        self.environments.iter().map(String::as_str).collect()
    }

    /// The stacks in deploy order: by wave, then in the order the program declared them.
    pub fn stacks(&self) -> &[SynthesizedStack] {
        &self.stacks
    }

    /// How long each phase of synthesis took.
    pub fn timings(&self) -> Timings {
        self.timings
    }

    /// The graph of stacks and resources.
    pub fn graph(&self) -> &AppGraph {
        &self.graph
    }

    /// Takes the resource graph's nodes and edges out of the assembly (its stacks stay),
    /// for what reads no resource of the graph once synthesized (`check`): the caller frees
    /// them before it builds what it prints.
    pub(crate) fn take_resource_graph(
        &mut self,
    ) -> (Vec<crate::graph::ResourceNode>, Vec<(usize, usize)>) {
        (
            std::mem::take(&mut self.graph.resources),
            std::mem::take(&mut self.graph.resource_edges),
        )
    }

    /// The stack named `name`.
    pub fn stack(&self, name: &str) -> Option<&SynthesizedStack> {
        self.stacks.iter().find(|s| s.name == name)
    }

    /// The code of the functions, once built ([`App::build_assets`], then
    /// [`Assembly::with_assets`]).
    pub fn assets(&self) -> &[crate::asset::Asset] {
        &self.assets
    }

    /// The assembly with the code of its functions, built by [`App::build_assets`] before
    /// synthesis (the templates name each asset by its key).
    #[must_use]
    pub fn with_assets(mut self, assets: Vec<crate::asset::Asset>) -> Self {
        self.assets = assets;
        self
    }

    /// The day the rules read the waivers as of, if they ran.
    pub(crate) fn checked_on(&self) -> Option<crate::literal::Date> {
        match self.clearance {
            Clearance::Unchecked => None,
            Clearance::Checked { day, .. } => Some(day),
        }
    }

    /// Why the assembly may not be written nor deployed on `today`, if it may not: the rules
    /// did not run, found something, or read the waivers as of another day than `today`.
    pub(crate) fn uncleared_on(&self, today: crate::literal::Date) -> Option<Uncleared> {
        match self.clearance {
            Clearance::Unchecked => Some(Uncleared::Unchecked),
            Clearance::Checked { findings, .. } if findings > 0 => {
                Some(Uncleared::Findings(findings))
            }
            Clearance::Checked { day, .. } if day != today => {
                Some(Uncleared::CheckedOn { day, today })
            }
            Clearance::Checked { .. } => None,
        }
    }

    /// `Ok` when the rules cleared the assembly to be `action` ("written") on `today`; the
    /// error names the app, why not and what to do.
    pub(crate) fn cleared_on(
        &self,
        action: &'static str,
        today: crate::literal::Date,
    ) -> Result<()> {
        match self.uncleared_on(today) {
            None => Ok(()),
            Some(why) => Err(Error::Uncleared {
                app: self.app.clone(),
                action,
                reason: why.reason(),
            }),
        }
    }

    /// The manifest as JSON, with a final newline.
    pub fn manifest_json(&self) -> Result<String> {
        let manifest = Manifest {
            version: 1,
            app: &self.app,
            generator: format!("hipaa-stack {}", env!("CARGO_PKG_VERSION")),
            environments: &self.environments,
            stacks: self
                .stacks
                .iter()
                .map(|s| ManifestStack {
                    name: &s.name,
                    region: s.region.as_deref(),
                    environment: s.environment.as_deref(),
                    account: s.account.as_deref(),
                    tags: &s.tags,
                    production: s.production,
                    template: s.template_file(),
                    wave: s.wave,
                    dependencies: &s.dependencies,
                    resources: s.template.resources().len(),
                    template_bytes: s.json.len,
                    needs_upload: s.needs_upload(),
                    parameters: s
                        .template
                        .parameters()
                        .iter()
                        .map(|p| ManifestParameter {
                            name: p.name(),
                            from_stack: p.stack(),
                            from_region: p.region(),
                            from_output: p.name(),
                        })
                        .collect(),
                })
                .collect(),
            assets: self
                .assets
                .iter()
                .map(|a| ManifestAsset {
                    file: a.file_name(),
                    key: a.key(),
                    sha256: a.sha256(),
                    stack: a.stack(),
                    function: a.construct(),
                    bytes: a.bytes().len(),
                })
                .collect(),
        };
        let mut text =
            serde_json::to_string_pretty(&manifest).map_err(|source| Error::Serialize {
                place: format!("the manifest of app `{}`", self.app),
                source,
            })?;
        text.push('\n');
        Ok(text)
    }

    /// Writes every template and the manifest into `dir`, creating it if needed.
    ///
    /// Only an assembly whose rules hold as of today is written: [`App::synth`]'s, or
    /// [`App::check`]'s for an app that holds, on the day they ran. One that breaks a rule,
    /// that [`App::check_on`] checked as of another day, or that was checked before the
    /// last midnight (a waiver may have run out since), is refused ([`Error::Uncleared`])
    /// before anything is made in `dir`.
    ///
    /// The folder is the assembly's: the templates that the manifest already there lists
    /// and that are no longer part of the app are removed (nothing else is: other files are
    /// left alone). Each file is written atomically, through a temporary file in the folder
    /// and a rename, and a symbolic link where a file goes is refused, never followed.
    ///
    /// ```
    /// use hipaa_stack::prelude::*;
    /// let dir = tempfile::tempdir()?;
    /// let staging = App::new("clinic");
    /// staging.stack("clinic-staging")?.add(KmsKey::new("PhiKey"))?;
    /// staging.synth()?.write(dir.path())?;
    /// let production = App::new("clinic");
    /// production.stack("clinic-production")?.add(KmsKey::new("PhiKey"))?;
    /// production.synth()?.write(dir.path())?;
    /// assert!(dir.path().join("clinic-production.template.json").exists());
    /// assert!(!dir.path().join("clinic-staging.template.json").exists());
    /// # Ok::<(), hipaa_stack::Error>(())
    /// ```
    pub fn write(&self, dir: &Path) -> Result<()> {
        self.write_staged(dir, None)
    }

    /// [`Assembly::write`] as cleared on `today`: for `up`, which writes the assembly it
    /// deployed once it is done, on the day its deploy was cleared (a deploy may run past
    /// midnight).
    #[cfg(any(feature = "deploy", test))]
    pub(crate) fn write_as_of(&self, dir: &Path, today: crate::literal::Date) -> Result<()> {
        self.write_from(dir, Staging::default(), today)
    }

    /// [`Assembly::write`], with the templates that `stage` (of the same folder) wrote while
    /// the app was being synthesized renamed into place instead of written again.
    pub(crate) fn write_staged(&self, dir: &Path, stage: Option<Stage>) -> Result<()> {
        let today = crate::literal::Date::today();
        // Refused before the stage is finished: dropped unused, it removes what it wrote
        // and the folders it made (finished, it would leave the folders).
        self.cleared_on("written", today)?;
        let staging = stage
            .filter(|stage| stage.dir == dir)
            .map(Stage::finish)
            .unwrap_or_default();
        self.write_from(dir, staging, today)
    }

    /// [`Assembly::write`] as cleared on `today`, with the templates of `staging` (what a
    /// [`Stage`] of `dir` wrote) renamed into place.
    pub(crate) fn write_from(
        &self,
        dir: &Path,
        staging: Staging,
        today: crate::literal::Date,
    ) -> Result<()> {
        // Refused before anything is made in `dir` (the templates `staging` wrote are
        // removed as it is dropped).
        self.cleared_on("written", today)?;
        let mut staged: BTreeMap<String, crate::outdir::Staged> = staging
            .into_iter()
            .filter_map(|(file, staged)| Some((file, staged.ok()?)))
            .collect();
        crate::outdir::create(dir)?;
        for asset in &self.assets {
            // Named by content: a file already there holds these bytes.
            if !dir.join(asset.file_name()).is_file() {
                crate::outdir::write_bytes(dir, &asset.file_name(), asset.bytes())?;
            }
        }
        let previous = crate::outdir::listed_templates(dir, MANIFEST_FILE);
        let mut current: Vec<String> = self.assets.iter().map(|a| a.file_name()).collect();
        let files = self
            .stacks
            .iter()
            .map(|stack| template_file_name(dir, &stack.name))
            .collect::<Result<Vec<String>>>()?;
        // On every core (each write waits for its file to reach the disk); the first stack
        // in deploy order whose file fails is the error. A template already staged is only
        // renamed into place.
        let stacks = &self.stacks;
        let slots: Vec<std::sync::Mutex<Option<crate::outdir::Staged>>> = files
            .iter()
            .map(|file| std::sync::Mutex::new(staged.remove(file)))
            .collect();
        let written = parallel_map(0..files.len(), workers(), |at| {
            let staged = slots[at].lock().ok().and_then(|mut slot| slot.take());
            match staged {
                Some(staged) => staged.commit_or(|| Some(stacks[at].template_json())),
                None => crate::outdir::write_file(dir, &files[at], stacks[at].template_json()),
            }
        });
        written.into_iter().collect::<Result<Vec<()>>>()?;
        current.extend(files);
        let stale: Vec<String> = previous
            .into_iter()
            .filter(|f| !current.contains(f))
            .collect();
        crate::outdir::remove_stale(dir, &stale)?;
        crate::outdir::write_file(dir, MANIFEST_FILE, &self.manifest_json()?)
    }
}

/// The file name of the template of the stack named `stack` inside `dir`: refused unless
/// the stack name is a valid stack name and the file name is one plain path component, so
/// that no name can write outside the assembly folder.
fn template_file_name(dir: &Path, stack: &str) -> Result<String> {
    hipaa_stack_syntax::check_stack_name(stack).map_err(|violation| Error::InvalidName {
        place: format!("the template of stack `{stack}`"),
        violation,
    })?;
    let file = template_file_for(stack);
    if crate::outdir::is_plain_file_name(&file) {
        Ok(file)
    } else {
        Err(Error::Write {
            path: dir.join(&file),
            source: std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "the template's file name would leave the assembly folder",
            ),
        })
    }
}

/// The file name of the template of the stack named `stack`, unchecked (see
/// [`template_file_name`]).
fn template_file_for(stack: &str) -> String {
    format!("{stack}.template.json")
}

/// The templates of a `synth` into a folder, written while the rest of the app is still
/// being synthesized: each stack's text, as soon as it is serialized and merged, goes to a
/// thread of its own that writes it beside its file and waits for the disk, so that the
/// writes overlap the checks of the stacks after it. [`Assembly::write_staged`] then only
/// renames them into place. Dropped unused (the app failed its rules or a limit), the stage
/// removes what it wrote, and the folders it made: a synth that fails writes nothing.
#[derive(Debug)]
pub(crate) struct Stage {
    dir: PathBuf,
    /// The folders made for this stage: the out folder and those of its parents that were
    /// missing, deepest first.
    made: Vec<PathBuf>,
    sender: Option<std::sync::mpsc::SyncSender<(String, Arc<str>)>>,
    writer: Option<std::thread::JoinHandle<Staging>>,
}

/// What the writer of a [`Stage`] wrote: each template's file name, staged or the error.
pub(crate) type Staging = Vec<(String, Result<crate::outdir::Staged>)>;

impl Stage {
    /// A stage in `dir`, made if needed; none if the folder cannot be made or the thread
    /// started (then [`Assembly::write`] writes every template, and reports the error).
    pub(crate) fn new(dir: &Path) -> Option<Stage> {
        let made: Vec<PathBuf> = dir
            .ancestors()
            .take_while(|folder| {
                !folder.as_os_str().is_empty() && fs::symlink_metadata(folder).is_err()
            })
            .map(Path::to_path_buf)
            .collect();
        crate::outdir::create(dir).ok()?;
        let (sender, receiver) =
            std::sync::mpsc::sync_channel::<(String, Arc<str>)>(TEXTS_AHEAD_OF_THE_WRITER);
        let folder = dir.to_owned();
        let writer = std::thread::Builder::new()
            .name("hipaa-stack-writer".to_owned())
            .spawn(move || {
                receiver
                    .into_iter()
                    .map(|(file, json)| {
                        let staged = crate::outdir::stage_bytes(&folder, &file, json.as_bytes());
                        (file, staged)
                    })
                    .collect()
            });
        let Ok(writer) = writer else {
            remove_empty(&made);
            return None;
        };
        Some(Stage {
            dir: dir.to_owned(),
            made,
            sender: Some(sender),
            writer: Some(writer),
        })
    }

    /// Hands the text of stack `stack` to the writer, waiting while it has
    /// [`TEXTS_AHEAD_OF_THE_WRITER`] texts still to write; a name that makes no plain file
    /// name is left to [`Assembly::write`], which refuses it.
    fn send(&self, stack: &str, json: &Arc<str>) {
        if let (Ok(file), Some(sender)) = (template_file_name(&self.dir, stack), &self.sender) {
            // A writer gone: the file is written by `Assembly::write`.
            let _ = sender.send((file, Arc::clone(json)));
        }
    }

    /// Waits for the writer: what it wrote.
    pub(crate) fn finish(mut self) -> Staging {
        self.sender = None;
        self.writer
            .take()
            .and_then(|writer| writer.join().ok())
            .unwrap_or_default()
    }
}

impl Drop for Stage {
    fn drop(&mut self) {
        self.sender = None;
        // Its files, uncommitted, are removed as they drop.
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
        remove_empty(&self.made);
    }
}

/// Removes each of `folders`, deepest first, that is empty; a folder that holds anything
/// stays, and so do the folders above it.
fn remove_empty(folders: &[PathBuf]) {
    for folder in folders {
        if fs::remove_dir(folder).is_err() {
            return;
        }
    }
}

/// The checks that run on each stack once the app is resolved and before its template is
/// serialized: the compliance layer's rules, handed to [`synthesize`] by `App::check`, so
/// that synthesis reads no rule.
///
/// Stacks are checked in parallel: [`Check::stack`] only reads, and what it finds on each
/// stack is handed back to [`Check::merge`] in deploy order, so that the output does not
/// depend on which stack finished first.
pub(crate) trait Check: Sync {
    /// What the checks found, kept in the [`Assembly`].
    type Output;
    /// What the checks found on one stack.
    type Part: Send;
    /// What the checks read of one stack's properties before the first stack is checked.
    type Summary: Send;
    /// What the checks read of `template`'s properties before the first stack is checked,
    /// from what `scans` read of each resource (by position; a resource that no scan read
    /// has its tree): called as each stack is rendered, so that no stack's trees are built
    /// until its rules read them.
    fn summarize(&self, template: &Template, scans: &[Option<Scanned>]) -> Self::Summary;
    /// Every stack, in deploy order, with what [`Check::summarize`] read of each, before the
    /// first is checked.
    fn start(&mut self, in_order: &[(&str, &Template)], summaries: Vec<Self::Summary>);
    /// The stack at `at` of `in_order` (the stacks given to [`Check::start`], in the same
    /// order, some of them written since).
    fn stack(&self, in_order: &[(&str, &Template)], at: usize) -> Self::Part;
    /// What [`Check::stack`] found on the stack at `at` of `in_order`, stack after stack in
    /// deploy order, while the stacks of its round still hold their trees.
    fn merge(&mut self, in_order: &[(&str, &Template)], at: usize, part: Self::Part);
    /// What was found, once every stack is checked.
    fn finish(self) -> Self::Output;
    /// Whether [`Check::stack`] reads the properties of the stacks: with low memory, the
    /// trees of a round's stacks are built before their checks only if it does (a template
    /// is written from the packed text without them).
    fn reads_properties(&self) -> bool {
        true
    }
}

/// How many stacks are checked and serialized between two points where the templates of
/// the stacks done drop their JSON trees (which needs every reader of them gone): enough for
/// the workers to stay busy, few enough that the trees go soon.
const STACKS_PER_ROUND: usize = 16;

/// How many texts synthesis may hand to the writer of a [`Stage`] before it waits for the
/// writer: two rounds. The disk can be slower than synthesis, and each text waiting is held
/// (with low memory, by nothing else): unbounded, the texts waiting for a slow disk added
/// 45 MiB to the peak of `scale synth --buckets 20000 --low-memory` in one run, 0 in
/// another, and synthesis takes as long either way, since the assembly waits for the writer.
const TEXTS_AHEAD_OF_THE_WRITER: usize = 2 * STACKS_PER_ROUND;

/// Whether synthesis keeps its memory low: whether the JSON trees of every stack's
/// properties are built as it is rendered ([`Memory::Fast`], [`Memory::Kept`]), or only
/// those of the stacks being checked ([`Memory::Low`]); and what it keeps of each stack
/// once it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Memory {
    /// Every stack's trees are built as it is rendered, held until it is written.
    #[default]
    Fast,
    /// What synthesis reads of each stack's properties before its round is read by a scan
    /// as it is rendered, and then its properties are packed (written as compact JSON and
    /// compressed, [`crate::cfn::Template::pack`]) and the typed properties dropped; its
    /// trees are built from the packed text in its round for the checks that read them,
    /// so that a large app holds the trees of a round of stacks and the packed text of the
    /// others: a fifth of the peak memory at N=50,000, at the cost of time (glibc's
    /// allocator is slower to build trees among the ones just dropped than in fresh
    /// memory). The template is written from the packed text, not from the trees: without
    /// checks (`graph`), no tree is built at all, which is faster than building them as
    /// the stacks are rendered. Once a stack is written its trees go, and the assembly lets
    /// its text go (it was handed to the stage, which writes it): a read of either builds
    /// it again from the packed text, which stays. The templates are the same.
    Low,
    /// As [`Memory::Fast`], but the trees of the stacks written are not dropped round by
    /// round: they stay in the assembly's templates, freed with it, and the assembly lets
    /// each text go (written again from the trees if something reads it). For what reads
    /// no text and frees its assembly off the path to the exit: `synth --more-memory` into
    /// a folder (the stage writes each text) and `check --more-memory` (`graph`, which
    /// runs no rule, holds less and is faster with [`Memory::Low`]). Measured on `scale`: dropping each round's trees
    /// among the allocations of the rounds after it cost glibc's allocator
    /// 15 to 20% of `synth`'s and `graph`'s time at N=5,000 and 50,000, and the texts held
    /// 10 MiB of `synth`'s peak at N=5,000 and 120 MiB at N=50,000; keeping the trees added
    /// nothing to `synth`'s peak (reached once every stack is rendered), and 9% to `check`'s
    /// (which keeps every result), for 8 to 15% less time. Not for the report, which writes
    /// every text again to hash it (a fifth more memory). The templates are the same.
    Kept,
}

/// Synthesizes `app`: renders every construct (writing waivers and the constructs'
/// exceptions through `declare`), places cross-stack references as exports and imports,
/// resolves the graph of resources and stacks, runs `check` on each stack and serializes
/// it, checking CloudFormation's limits; stacks are rendered, checked and serialized on
/// every core.
pub(crate) fn synthesize<C: Check>(
    app: &App,
    declare: &(dyn Declare + Sync),
    check: C,
) -> Result<Assembly<C::Output>> {
    synthesize_on(app, declare, check, workers(), None, Memory::Fast)
}

/// [`synthesize`], handing each stack's text to `stage` as soon as it is serialized, with
/// `memory` kept as it says.
pub(crate) fn synthesize_staged<C: Check>(
    app: &App,
    declare: &(dyn Declare + Sync),
    check: C,
    stage: Option<&Stage>,
    memory: Memory,
) -> Result<Assembly<C::Output>> {
    synthesize_on(app, declare, check, workers(), stage, memory)
}

/// What one stack gave: what the checks found, its text, and how long each took.
type StackDone<P> = (P, Result<String>, std::time::Duration, std::time::Duration);

/// [`synthesize`] with stacks rendered, checked and serialized on `workers` threads (at
/// least one), each stack's text handed to `stage` (if any) once merged, with `memory` kept
/// as it says; the assembly is the same for any number and either memory.
pub(crate) fn synthesize_on<C: Check>(
    app: &App,
    declare: &(dyn Declare + Sync),
    mut check: C,
    workers: usize,
    stage: Option<&Stage>,
    memory: Memory,
) -> Result<Assembly<C::Output>> {
    let arena = app.arena();
    let _synth =
        tracing::info_span!("synth", app = app.name(), stacks = arena.stacks.len()).entered();
    let mut timings = Timings::default();
    let clock = std::time::Instant::now();
    let phase = tracing::debug_span!("render").entered();
    let rendered = render_stacks(app.name(), &arena, declare, &check, workers, memory)?;
    let count = rendered.len();
    let mut templates = Vec::with_capacity(count);
    let mut cross: Vec<CrossStack> = Vec::new();
    let mut named = Vec::with_capacity(count);
    let mut summaries = Vec::with_capacity(count);
    for stack in rendered {
        templates.push(stack.template);
        cross.extend(stack.cross);
        named.push(stack.named);
        summaries.push(stack.summary);
    }
    drop(phase);
    timings.render = clock.elapsed();
    let clock = std::time::Instant::now();
    let phase = tracing::debug_span!("resolve").entered();
    check_regions(&arena, &cross)?;
    add_exports(&arena, &cross, &mut templates)?;
    add_cross_region(&arena, &cross, &mut templates)?;

    let names: Vec<String> = arena.stacks.iter().map(|s| s.name.to_string()).collect();
    let edges: Vec<Edge> = cross
        .into_iter()
        .map(|c| Edge {
            producer: c.producer,
            consumer: c.consumer,
            user: c.via,
            used: c.target.construct,
        })
        .collect();
    let order = order_stacks(&names, &edges, |e| {
        (arena.path(e.used), user_path(&arena, e.consumer, e.user))
    })?;
    let position: Vec<usize> = {
        let mut position = vec![0; names.len()];
        for (at, &s) in order.order.iter().enumerate() {
            position[s as usize] = at;
        }
        position
    };
    // Only the stacks' edges are read from here on: the constructs named in each edge (for
    // the error of a cycle) go before the resource graph is built, where the peak of `synth
    // --low-memory` was (15 MiB of 132 at N=50,000).
    let stack_edges = stack_edges(&edges, &position);
    drop(edges);

    let in_order: Vec<(&str, &Template)> = order
        .order
        .iter()
        .map(|&s| (names[s as usize].as_str(), &templates[s as usize]))
        .collect();
    // Where each stack deploys, for the escape hatch's imports (`resource_graph`).
    let places: Vec<crate::graph::Place<'_>> = order
        .order
        .iter()
        .map(|&s| crate::graph::Place {
            environment: arena.environment_of(s),
            region: arena.stacks[s as usize]
                .region
                .as_ref()
                .map(crate::literal::Region::as_str),
        })
        .collect();
    let named = in_deploy_order(named, &position);
    let summaries = in_deploy_order(summaries, &position);
    // The resource graph is built (and what it read dropped) on a thread of its own while
    // the checks read the stacks they start from on this one: neither reads what the other
    // makes, and the graph and the drops were a third of a second on one core at N=50,000
    // (`scale synth`) while the other waited.
    // With low memory, one after the other: the graph's work and the checks' index, held
    // at once, raised the peak of `synth --low-memory` at N=50,000 by 4 to 10 MiB.
    let build_graph = || {
        let graph = resource_graph(&in_order, &named, &places);
        drop(named);
        graph
    };
    let graph = if memory == Memory::Low {
        let graph = build_graph();
        check.start(&in_order, summaries);
        graph
    } else {
        std::thread::scope(|scope| {
            let graph = scope.spawn(build_graph);
            check.start(&in_order, summaries);
            graph
                .join()
                // A panic of the graph's thread goes on in this one.
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    };
    let (resources, resource_edges) = graph?;
    let graph = AppGraph {
        stacks: order
            .order
            .iter()
            .map(|&s| StackNode {
                name: names[s as usize].clone(),
                wave: order.wave[s as usize],
            })
            .collect(),
        stack_edges,
        resources,
        resource_edges,
    };
    drop(in_order);
    drop(phase);
    timings.resolve = clock.elapsed();
    // The stacks in rounds: the stacks of a round checked and serialized in parallel (with
    // low memory, each stack's trees built first by the thread that checks it), then (once
    // nothing reads the templates) their trees go (the text is read back if anything later
    // asks for a property), so that a large app never holds every tree, every result and
    // every text at once.
    let mut texts: Vec<Option<TemplateText>> = vec![None; templates.len()];
    let workers = workers.max(1);
    let mut first = 0;
    while first < order.order.len() {
        let round = first..order.order.len().min(first + STACKS_PER_ROUND);
        let clock = std::time::Instant::now();
        let in_order: Vec<(&str, &Template)> = order
            .order
            .iter()
            .map(|&s| (names[s as usize].as_str(), &templates[s as usize]))
            .collect();
        let one = |at: usize| -> StackDone<C::Part> {
            let name = in_order[at].0;
            let clock = std::time::Instant::now();
            let phase = tracing::debug_span!("rules", stack = name).entered();
            // With low memory, the stack is checked and serialized from a copy of its
            // template whose trees are its own (`Template::with_trees_of_its_own`): built
            // here, on the thread that checks it, for the checks that read them, and freed
            // here when the copy goes. Built here and freed by the threads of the round's
            // drop, the trees were freed by threads that had not made them, which costs an
            // allocator more than a free of its own (mimalloc's `mi_free_block_delayed_mt`
            // and `_mi_page_free_collect`, a tenth of `scale synth`'s time in `perf`).
            let own: Template;
            let mut view: Vec<(&str, &Template)>;
            let in_order: &[(&str, &Template)] =
                if memory == Memory::Low && check.reads_properties() {
                    own = in_order[at].1.with_trees_of_its_own();
                    own.build_trees();
                    view = in_order.clone();
                    view[at].1 = &own;
                    &view
                } else {
                    &in_order
                };
            let part = check.stack(in_order, at);
            drop(phase);
            let rules = clock.elapsed();
            let clock = std::time::Instant::now();
            let phase = tracing::debug_span!("serialize", stack = name).entered();
            let template = in_order[at].1;
            let json = template
                .to_json()
                .map_err(|source| Error::Serialize {
                    place: format!("the template of stack `{name}`"),
                    source,
                })
                .and_then(|json| check_limits(name, template, &json).map(|()| json));
            drop(phase);
            (part, json, rules, clock.elapsed())
        };
        let done = parallel_map(round.clone(), workers, one);
        let (mut rules, mut serialize) = (std::time::Duration::ZERO, std::time::Duration::ZERO);
        let mut written = Vec::with_capacity(round.len());
        for (at, (part, json, r, z)) in round.clone().zip(done) {
            rules += r;
            serialize += z;
            // The first stack in deploy order that fails is the error, however many
            // stacks after it were done.
            let json: Arc<str> = Arc::from(json?);
            check.merge(&in_order, at, part);
            if let Some(stage) = stage {
                stage.send(in_order[at].0, &json);
            }
            written.push((order.order[at] as usize, json));
        }
        drop(in_order);
        // The round's trees are dropped on every core, unless they are kept: by default for
        // the text (read again if anything later asks for a property), with low memory for
        // the packed properties, and the text goes (written again if anything asks for it).
        // With low memory, so are the JSON and the trees that the round's rules unpacked of
        // other stacks (a rule that reads a resource of another stack): kept, an app whose
        // stacks read each other held the trees of every stack by the end (1,074 MiB
        // against 463 before stacks were packed, for `scale synth --low-memory` with every
        // shape at N=20,000, when a read of one resource parsed its whole stack).
        if memory == Memory::Low {
            let trees: Vec<&mut Template> = templates
                .iter_mut()
                .filter(|template| template.holds_trees())
                .collect();
            parallel_each(trees, workers, Template::drop_trees);
        } else if memory == Memory::Fast {
            let mut done: BTreeMap<usize, &Arc<str>> = BTreeMap::new();
            for (s, json) in &written {
                done.insert(*s, json);
            }
            let trees: Vec<(&mut Template, &Arc<str>)> = templates
                .iter_mut()
                .enumerate()
                .filter_map(|(s, template)| Some((template, *done.get(&s)?)))
                .collect();
            parallel_each(trees, workers, |(template, json)| {
                template.keep_only_text(json);
            });
        }
        for (s, json) in written {
            texts[s] = Some(if memory == Memory::Fast {
                TemplateText::held(json)
            } else {
                TemplateText::let_go(&json)
            });
        }
        // The round's time, shared between the phases as the workers spent it.
        let wall = clock.elapsed();
        let spent = (rules + serialize).as_secs_f64();
        let share = if spent > 0.0 {
            rules.as_secs_f64() / spent
        } else {
            0.5
        };
        timings.rules += wall.mul_f64(share);
        timings.serialize += wall.mul_f64(1.0 - share);
        first = round.end;
    }
    let ms = |d: std::time::Duration| (d.as_secs_f64() * 1e4).round() / 10.0;
    tracing::debug!(
        render_ms = ms(timings.render),
        resolve_ms = ms(timings.resolve),
        rules_ms = ms(timings.rules),
        serialize_ms = ms(timings.serialize),
        "synthesized"
    );
    let evaluation = check.finish();
    let mut templates: Vec<Option<Template>> = templates.into_iter().map(Some).collect();
    let mut stacks = Vec::with_capacity(templates.len());
    for &s in &order.order {
        let (Some(template), Some(json)) = (templates[s as usize].take(), texts[s as usize].take())
        else {
            continue;
        };
        stacks.push(SynthesizedStack {
            name: names[s as usize].clone(),
            region: arena.stacks[s as usize]
                .region
                .as_ref()
                .map(ToString::to_string),
            environment: arena.environment_of(s).map(str::to_owned),
            account: arena.account_of(s).map(ToString::to_string),
            tags: arena.stack_tags(s),
            production: arena.is_production(s),
            template,
            json,
            wave: order.wave[s as usize],
            dependencies: order.dependencies[s as usize]
                .iter()
                .map(|&d| names[d as usize].clone())
                .collect(),
        });
    }
    Ok(Assembly {
        app: app.name().to_owned(),
        environments: arena.environments.iter().map(|e| e.name.clone()).collect(),
        stacks,
        graph,
        evaluation,
        timings,
        assets: Vec::new(),
        clearance: Clearance::Unchecked,
    })
}

/// The edges between stacks (producer, consumer) by their places in deploy order, each
/// once, sorted.
fn stack_edges(edges: &[Edge], position: &[usize]) -> Vec<(usize, usize)> {
    let mut between: Vec<(usize, usize)> = edges
        .iter()
        .map(|e| (position[e.producer as usize], position[e.consumer as usize]))
        .collect();
    between.sort_unstable();
    between.dedup();
    between
}

/// `items`, one per stack in stack order, in deploy order (`position` is each stack's place
/// in it).
fn in_deploy_order<T>(items: Vec<T>, position: &[usize]) -> Vec<T> {
    let mut placed: Vec<(usize, T)> = items
        .into_iter()
        .enumerate()
        .map(|(s, item)| (position[s], item))
        .collect();
    placed.sort_unstable_by_key(|(at, _)| *at);
    placed.into_iter().map(|(_, item)| item).collect()
}

/// A stack as render leaves it: its template, with what the rest of synthesis reads of its
/// properties before its rules do, so that its trees are not built until then.
struct Rendered<S> {
    template: Template,
    /// The references the stack makes across stacks.
    cross: Vec<CrossStack>,
    /// What each resource names, for the resource graph.
    named: Named,
    /// What the checks read of its properties ([`Check::summarize`]).
    summary: S,
}

/// Renders every construct of every stack, in declaration order, and the stacks' outputs,
/// the stacks shared out between `workers` threads, reading what the resource graph and
/// `check` need of each stack's properties (from its trees, or with low memory from a scan
/// of them); the stacks (in stack order) and the first error (of the first stack that
/// fails) are those of one thread rendering them in turn.
fn render_stacks<C: Check>(
    app: &str,
    arena: &Arena,
    declare: &(dyn Declare + Sync),
    check: &C,
    workers: usize,
    memory: Memory,
) -> Result<Vec<Rendered<C::Summary>>> {
    // The buckets that are the cross-region copy of another: the copy, by the first source.
    let mut copy_of: BTreeMap<u32, u32> = BTreeMap::new();
    for (source, construct) in arena.constructs.iter().enumerate() {
        if let Some(copy) = construct.node.replica() {
            let source = u32::try_from(source).unwrap_or(u32::MAX);
            copy_of.entry(copy).or_insert(source);
        }
    }
    let count = arena.stacks.len();
    let copy_of = &copy_of;
    // Each result lands in its stack's place, whichever worker rendered it.
    let rendered = parallel_map(0..count, workers.max(1), |s| {
        let (template, cross, scans) = render_stack(app, arena, s, copy_of, declare, memory)?;
        // Every app that the unit tests synthesize holds the scans to the trees.
        #[cfg(test)]
        assert_eq!(
            Named::of(&template, &scans),
            Named::of(&template, &[]),
            "what the scans of stack {s} read"
        );
        let named = Named::of(&template, &scans);
        let summary = check.summarize(&template, &scans);
        let mut template = template;
        // With low memory, what the stack's rules read of its properties is built again
        // from a packed text when they run, not held as typed properties meanwhile.
        if memory == Memory::Low {
            template.pack().map_err(|source| Error::Serialize {
                place: format!("the properties of stack `{}`", arena.stacks[s].name),
                source,
            })?;
        }
        Ok(Rendered {
            named,
            summary,
            template,
            cross,
        })
    });
    rendered.into_iter().collect()
}

/// What a scan read of each resource of a template ([`crate::cfn::Resource::prepare`]),
/// by position (none when the trees are built as the stack is rendered).
type Scans = Vec<Option<Scanned>>;

/// Renders the constructs of stack `s`, in declaration order, and its outputs: its template,
/// the references it makes across stacks, and, with low memory, what a scan read of each
/// resource's properties (whose trees are otherwise built here).
fn render_stack(
    app: &str,
    arena: &Arena,
    s: usize,
    copy_of: &BTreeMap<u32, u32>,
    declare: &dyn Declare,
    memory: Memory,
) -> Result<(Template, Vec<CrossStack>, Scans)> {
    let stack = &arena.stacks[s];
    let s = u32::try_from(s).unwrap_or(u32::MAX);
    let mut cross = Vec::new();
    let mut resources = Vec::new();
    let mut scans = Vec::new();
    for &c in &stack.constructs {
        let node = &arena.constructs[c as usize].node;
        let path = arena.path(c);
        let mut cx = RenderCx {
            arena,
            stack: s,
            construct: c,
            cross: &mut cross,
            declare,
        };
        let rendered = node.render(&mut cx).map_err(|source| Error::Serialize {
            place: path.clone(),
            source,
        })?;
        let waivers: Vec<_> = arena.waivers.iter().filter(|w| w.construct == c).collect();
        let shared_path: std::sync::Arc<str> = std::sync::Arc::from(path);
        for mut resource in rendered {
            match memory {
                Memory::Fast | Memory::Kept => {
                    resource.build_tree().map_err(|source| Error::Serialize {
                        place: shared_path.to_string(),
                        source,
                    })?;
                    scans.push(None);
                }
                Memory::Low => {
                    scans.push(resource.prepare().map_err(|source| Error::Serialize {
                        place: shared_path.to_string(),
                        source,
                    })?)
                }
            }
            resource.set_origin(std::sync::Arc::clone(&shared_path), node.kind());
            for w in &waivers {
                if declare.reads(w.rule, resource.type_name()) {
                    let expires = w.expires.map(|d| d.to_string());
                    declare.waive(&mut resource, w.rule, &w.reason, expires.as_deref());
                }
            }
            // Rule S10 proves the copy by its source's replication rule; the rule packs,
            // which read one template at a time, read why the copy replicates no further.
            if let Some(&source) = copy_of.get(&c)
                && resource.type_name() == "AWS::S3::Bucket"
            {
                declare.suppress(
                    &mut resource,
                    REPLICA_NOT_REPLICATED,
                    &replica_reason(&arena.path(source)),
                );
            }
            resources.push(resource);
        }
    }
    let outputs = stack
        .outputs
        .iter()
        .map(|o| Output {
            name: o.name.clone(),
            value: resolve_target_in(arena, s, o.target, u32::MAX, Regions::Any, &mut cross),
            description: None,
            export: None,
        })
        .collect();
    // Held until the assembly goes: without the room a growing vector leaves (a quarter
    // of it, for a stack of 100 resources).
    resources.shrink_to_fit();
    let template = Template {
        parameters: Vec::new(),
        description: stack
            .description
            .clone()
            .unwrap_or_else(|| format!("{app} / {} (hipaa-stack)", stack.name)),
        resources,
        outputs,
    };
    Ok((template, cross, scans))
}

/// The tags a program may put on a stack: CloudFormation's 50, less the three hipaa-stack
/// sets itself.
const MAX_PROGRAM_TAGS: usize = 47;

/// CloudFormation imports only within a region, and an environment's stacks use only
/// its own: each deploys to its own account, with that account's credentials.
fn check_regions(arena: &Arena, cross: &[CrossStack]) -> Result<()> {
    for c in cross {
        let (consumer, producer) = (
            arena.environment_of(c.consumer),
            arena.environment_of(c.producer),
        );
        if consumer != producer {
            return Err(Error::Environment {
                subject: format!("construct `{}`", c.user(arena)),
                reason: format!(
                    "it uses `{}` of environment `{}` from environment `{}`; an environment deploys with the credentials of its own account and cannot read another's stacks: declare what both need in each environment",
                    c.used(arena),
                    producer.unwrap_or("(none)"),
                    consumer.unwrap_or("(none)"),
                ),
            });
        }
    }
    for (index, stack) in (0..).zip(&arena.stacks) {
        let tags = arena.stack_tags(index).len();
        if tags > MAX_PROGRAM_TAGS {
            return Err(Error::Limit {
                stack: stack.name.to_string(),
                actual: tags,
                what: "tags".to_owned(),
                limit: MAX_PROGRAM_TAGS,
                fix: "CloudFormation takes 50 tags on a stack, 3 of which hipaa-stack sets itself: tag fewer keys on the app, the environment and the stack",
            });
        }
    }
    let region = |s: u32| {
        arena.stacks[s as usize]
            .region
            .as_ref()
            .map_or_else(|| "the deploy region".to_owned(), ToString::to_string)
    };
    for c in cross {
        if c.parameter.is_none()
            && arena.stacks[c.producer as usize].region != arena.stacks[c.consumer as usize].region
        {
            return Err(Error::CrossRegion {
                consumer: c.user(arena),
                consumer_region: region(c.consumer),
                producer: c.used(arena),
                producer_region: region(c.producer),
            });
        }
    }
    Ok(())
}

/// Adds one exported output to the producing stack per distinct export name. Output names
/// are `Export<length of the logical id><logical id><attribute>`, which no two exports share.
fn add_exports(arena: &Arena, cross: &[CrossStack], templates: &mut [Template]) -> Result<()> {
    let mut exports: BTreeMap<(u32, &str), &CrossStack> = BTreeMap::new();
    for c in cross.iter().filter(|c| c.parameter.is_none()) {
        exports
            .entry((c.producer, c.export_name.as_str()))
            .or_insert(c);
    }
    let mut unused = Vec::new();
    // The outputs added here, to tell them from the program's own.
    let mut ours: BTreeSet<(u32, String)> = BTreeSet::new();
    for ((producer, export_name), c) in exports {
        // An export is an output, readable by anyone who may describe the stack.
        if c.target.attr.may_hold_a_secret() {
            return Err(Error::InvalidConstruct {
                path: c.user(arena),
                reason: format!(
                    "it uses the attribute `{}` of `{}` from another stack, which would export a value that may hold a secret; keep both in one stack, or pass an ARN or a name",
                    c.target.attr.export_suffix(),
                    c.used(arena)
                ),
            });
        }
        let logical_id = arena.logical_id(c.target.construct, c.target.part);
        let name = format!(
            "Export{}{logical_id}{}",
            logical_id.len(),
            c.target.attr.export_suffix().replace('.', "")
        );
        let template = &mut templates[producer as usize];
        if template.outputs.iter().any(|o| o.name == name) {
            let stack = arena.stacks[producer as usize].name.to_string();
            // Only the program's outputs are there before this one: its name is taken.
            return Err(if ours.contains(&(producer, name.clone())) {
                Error::DuplicateOutput {
                    stack,
                    output: name,
                }
            } else {
                Error::ReservedOutput {
                    stack,
                    output: name,
                    used: c.used(arena),
                    user: c.user(arena),
                }
            });
        }
        ours.insert((producer, name.clone()));
        let value = resolve_target(arena, producer, c.target, u32::MAX, &mut unused);
        template.outputs.push(Output {
            name,
            value,
            description: Some(format!("used by {}", c.user(arena))),
            export: Some(export_name.to_owned()),
        });
    }
    Ok(())
}

/// For each value used across regions: an output of the producing stack and a parameter of
/// the consuming stack, of one name, which `up` copies from the one to the other.
///
/// A name made for two different values (stacks whose names differ only by hyphens, `dr-a`
/// and `dra`) is refused rather than given to the first: the second consumer would read
/// the first's value, a copy sent to the wrong bucket. So is a program output that already
/// has the name: `up` would read the program's value.
fn add_cross_region(arena: &Arena, cross: &[CrossStack], templates: &mut [Template]) -> Result<()> {
    // The value each name carries: per consumer (its parameters) and per producer (its
    // outputs).
    let mut read: BTreeMap<(u32, &str), &CrossStack> = BTreeMap::new();
    let mut made: BTreeMap<(u32, &str), &CrossStack> = BTreeMap::new();
    let mut unused = Vec::new();
    for c in cross {
        let Some(name) = c.parameter.as_deref() else {
            continue;
        };
        if let Some(first) = read.get(&(c.consumer, name)) {
            if first.producer != c.producer || first.target != c.target {
                return Err(name_collision(arena, c.consumer, name, first, c));
            }
            continue;
        }
        read.insert((c.consumer, name), c);
        if c.target.attr.may_hold_a_secret() {
            return Err(Error::InvalidConstruct {
                path: c.user(arena),
                reason: format!(
                    "it uses the attribute `{}` of `{}` from a stack in another region, which would make an output of a value that may hold a secret; pass an ARN or a name",
                    c.target.attr.export_suffix(),
                    c.used(arena)
                ),
            });
        }
        let producer = &arena.stacks[c.producer as usize];
        match made.get(&(c.producer, name)) {
            Some(first) if first.target != c.target => {
                return Err(name_collision(arena, c.producer, name, first, c));
            }
            Some(_) => {}
            None => {
                let outputs = &mut templates[c.producer as usize].outputs;
                // Only the program's outputs and automatic exports are there yet.
                if outputs.iter().any(|o| o.name == name) {
                    return Err(Error::ReservedOutput {
                        stack: producer.name.to_string(),
                        output: name.to_owned(),
                        used: c.used(arena),
                        user: c.user(arena),
                    });
                }
                let value = resolve_target(arena, c.producer, c.target, u32::MAX, &mut unused);
                outputs.push(Output {
                    name: name.to_owned(),
                    value,
                    description: Some(format!("read by hipaa-stack's up for {}", c.user(arena))),
                    export: None,
                });
                made.insert((c.producer, name), c);
            }
        }
        templates[c.consumer as usize].parameters.push(Parameter {
            name: name.to_owned(),
            stack: producer.name.to_string(),
            region: producer.region.as_ref().map(ToString::to_string),
        });
    }
    Ok(())
}

/// The error of two values, `first` and `second`, that would cross regions under one
/// `name` in the stack `stack`.
fn name_collision(
    arena: &Arena,
    stack: u32,
    name: &str,
    first: &CrossStack,
    second: &CrossStack,
) -> Error {
    Error::CrossRegionNameCollision {
        stack: arena.stacks[stack as usize].name.to_string(),
        name: name.to_owned(),
        first: first.used(arena),
        second: second.used(arena),
    }
}

pub(crate) fn check_limits(stack: &str, template: &Template, json: &str) -> Result<()> {
    // What is over the limit is written out only when it is.
    let limit = |what: &dyn Fn() -> String, actual: usize, limit: usize, fix: &'static str| {
        if actual > limit {
            Err(Error::Limit {
                stack: stack.to_owned(),
                what: what(),
                actual,
                limit,
                fix,
            })
        } else {
            Ok(())
        }
    };
    limit(
        &|| "resources".to_owned(),
        template.resources.len(),
        MAX_RESOURCES,
        "move some constructs into another stack",
    )?;
    // The deploy engine adds one output of its own: the template's hash.
    limit(
        &|| "outputs (exports included)".to_owned(),
        template.outputs.len(),
        MAX_OUTPUTS - 1,
        "declare fewer outputs, or move the constructs that other stacks use into fewer stacks",
    )?;
    limit(
        &|| "parameters (values of stacks in other regions)".to_owned(),
        template.parameters.len(),
        MAX_PARAMETERS,
        "use fewer values of stacks in other regions, or move their users into fewer stacks",
    )?;
    limit(
        &|| "dynamic references".to_owned(),
        json.matches("{{resolve:").count(),
        MAX_DYNAMIC_REFERENCES,
        "move some of the constructs that read secrets or parameters into another stack",
    )?;
    limit(
        &|| "bytes of template".to_owned(),
        json.len(),
        MAX_TEMPLATE_BYTES,
        "split the stack into several stacks",
    )?;
    // "The value for the description declaration must be a literal string that is between
    // 0 and 1024 bytes in length" (CloudFormation User Guide, "CloudFormation template
    // Description syntax").
    limit(
        &|| "bytes of description".to_owned(),
        template.description.len(),
        MAX_DESCRIPTION_BYTES,
        "shorten the stack's description (`stack.description(..)`), or the app's name, which the default description holds",
    )?;
    for r in template.resources() {
        if r.type_name() == "AWS::S3::BucketPolicy" {
            // Its length as compact JSON, counted as it is written, never held.
            let bytes = r.compact_len("PolicyDocument");
            limit(
                &|| {
                    format!(
                        "bytes in the bucket policy `{}` of `{}`",
                        r.logical_id(),
                        r.construct_path().unwrap_or_default()
                    )
                },
                bytes,
                MAX_BUCKET_POLICY_BYTES,
                "grant access through fewer, broader statements (one per role, not per object)",
            )?;
        }
    }
    Ok(())
}

/// Reads a manifest written by [`Assembly::write`], for tools that work on the folder.
pub fn read_manifest(dir: &Path) -> Result<Value> {
    let path = dir.join(MANIFEST_FILE);
    let text = fs::read_to_string(&path).map_err(|source| Error::Write {
        path: path.clone(),
        source,
    })?;
    crate::cfn::tree::from_str(&text).map_err(|source| Error::Serialize {
        place: path.display().to_string(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prelude::*;

    #[test]
    fn a_secret_attribute_is_never_exported_to_another_stack() {
        let app = App::new("clinic");
        let a = app.stack("a").unwrap();
        let b = app.stack("b").unwrap();
        let user = a
            .add(RawResource::new("Ci", "AWS::IAM::AccessKey"))
            .unwrap();
        b.add(
            RawResource::new("Param", "AWS::SSM::Parameter")
                .property("Type", "String")
                .property("Value", user.attribute("SecretAccessKey")),
        )
        .unwrap();
        let err = app.synth().unwrap_err().to_string();
        assert!(err.contains("may hold a secret"), "{err}");
        assert!(err.starts_with("construct `b/Param` is invalid"), "{err}");
    }

    #[test]
    fn a_template_path_that_leaves_the_folder_is_refused() {
        let app = App::new("clinic");
        app.stack("data").unwrap().add(KmsKey::new("Key")).unwrap();
        let mut assembly = app.synth().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        for name in ["../escaped", "/tmp/abs", "a/b", ".."] {
            assembly.stacks[0].name = name.to_owned();
            let err = assembly.write(&out).unwrap_err().to_string();
            assert!(err.contains("invalid stack name"), "{name}: {err}");
        }
        assert!(!dir.path().join("escaped.template.json").exists());
        // The names the API can make are never refused.
        assembly.stacks[0].name = "data".to_owned();
        assembly.write(&out).unwrap();
        assert!(out.join("data.template.json").exists());
    }

    fn two_stacks() -> App {
        let app = App::new("test");
        let security = app.stack("security").unwrap();
        let key = security.add(KmsKey::new("PhiKey")).unwrap();
        let logs = security.add(AccessLogBucket::new("AccessLogs")).unwrap();
        let data = app.stack("data").unwrap();
        let records = data
            .add(
                SecureBucket::new("Records")
                    .encryption(&key)
                    .access_logs(&logs),
            )
            .unwrap();
        data.add(LogGroup::new("App").encryption(&key)).unwrap();
        data.output("RecordsBucket", records.name()).unwrap();
        app
    }

    #[test]
    fn synth_is_deterministic() {
        let a = two_stacks().synth().unwrap();
        let b = two_stacks().synth().unwrap();
        for (x, y) in a.stacks().iter().zip(b.stacks()) {
            assert_eq!(x.template_json(), y.template_json());
        }
        assert_eq!(a.manifest_json().unwrap(), b.manifest_json().unwrap());
    }

    #[test]
    fn an_export_is_written_once_however_often_it_is_imported() {
        let assembly = two_stacks().synth().unwrap();
        let security = assembly.stack("security").unwrap().template();
        let exports: Vec<&str> = security
            .outputs()
            .iter()
            .filter_map(|o| o.export_name())
            .collect();
        assert_eq!(exports, ["security:AccessLogs:Ref", "security:PhiKey:Arn"]);
        let data = assembly.stack("data").unwrap();
        assert_eq!(data.dependencies(), ["security"]);
        assert_eq!(data.wave(), 1);
        assert_eq!(assembly.stacks()[0].name(), "security");
    }

    #[test]
    fn the_assembly_is_written_with_a_manifest() {
        let dir = tempfile::tempdir().unwrap();
        let assembly = two_stacks().synth().unwrap();
        assembly.write(dir.path()).unwrap();
        let manifest = read_manifest(dir.path()).unwrap();
        assert_eq!(manifest["app"], "test");
        assert_eq!(manifest["stacks"][1]["name"], "data");
        assert_eq!(manifest["stacks"][1]["template"], "data.template.json");
        assert_eq!(manifest["stacks"][1]["dependencies"][0], "security");
        let written = fs::read_to_string(dir.path().join("data.template.json")).unwrap();
        assert_eq!(written, assembly.stack("data").unwrap().template_json());
    }

    #[test]
    fn stacks_that_use_each_other_are_a_cycle_error() {
        let app = App::new("test");
        let a = app.stack("a").unwrap();
        let b = app.stack("b").unwrap();
        let key_a = a.add(KmsKey::new("KeyA")).unwrap();
        let logs_b = b.add(AccessLogBucket::new("LogsB")).unwrap();
        a.add(
            SecureBucket::new("BucketA")
                .encryption(&key_a)
                .access_logs(&logs_b),
        )
        .unwrap();
        let key_b = b.add(KmsKey::new("KeyB")).unwrap();
        let c = app.stack("c").unwrap();
        let logs_c = c.add(AccessLogBucket::new("LogsC")).unwrap();
        b.add(
            SecureBucket::new("BucketB")
                .encryption(&key_b)
                .access_logs(&logs_c),
        )
        .unwrap();
        c.add(LogGroup::new("LogsFromA").encryption(&key_a))
            .unwrap();
        let err = app.synth().unwrap_err().to_string();
        assert!(
            err.starts_with("stacks reference each other in a cycle: "),
            "{err}"
        );
        for needle in ["a/BucketA", "b/BucketB", "c/LogsFromA"] {
            assert!(err.contains(needle), "{needle} missing from: {err}");
        }
    }

    #[test]
    fn a_stack_over_500_resources_fails_at_synth_naming_it() {
        let app = App::new("test");
        let s = app.stack("big").unwrap();
        let key = s.add(KmsKey::new("Key")).unwrap();
        for i in 0..499 {
            s.add(LogGroup::new(format!("L{i}")).encryption(&key))
                .unwrap();
        }
        if let Err(err) = app.synth() {
            panic!("500 resources is within the limit: {err}");
        }
        s.add(KmsKey::new("OneMore")).unwrap();
        assert_eq!(
            app.synth().unwrap_err().to_string(),
            "stack `big` has 501 resources, over CloudFormation's limit of 500; move some constructs into another stack"
        );
    }

    #[test]
    fn a_template_over_a_megabyte_fails_at_synth_naming_it() {
        let app = App::new("test");
        let s = app.stack("wide").unwrap();
        // Long descriptions are the way to a large template with few resources.
        let description = "encrypts PHI ".repeat(500);
        for i in 0..200 {
            s.add(KmsKey::new(format!("K{i}")).description(description.clone()))
                .unwrap();
        }
        let Err(err) = app.synth() else {
            panic!("200 keys with 6,500-byte descriptions should be over 1 MB");
        };
        let err = err.to_string();
        assert!(err.starts_with("stack `wide` has "), "{err}");
        assert!(
            err.contains("bytes of template, over CloudFormation's limit of 1000000"),
            "{err}"
        );
    }

    #[test]
    fn a_template_of_51200_bytes_is_the_largest_sent_inline() {
        assert!(sent_inline(0) && sent_inline(51_200));
        assert!(!sent_inline(51_201));
    }

    #[test]
    fn a_large_template_is_flagged_for_upload() {
        let app = App::new("test");
        let s = app.stack("mid").unwrap();
        let key = s.add(KmsKey::new("Key")).unwrap();
        let logs = s.add(AccessLogBucket::new("Logs")).unwrap();
        for i in 0..20 {
            s.add(
                SecureBucket::new(format!("B{i}"))
                    .encryption(&key)
                    .access_logs(&logs),
            )
            .unwrap();
        }
        app.stack("small").unwrap().add(KmsKey::new("Key")).unwrap();
        let assembly = app.synth().unwrap();
        let stack = assembly.stack("mid").unwrap();
        assert!(stack.template_json().len() > MAX_INLINE_TEMPLATE_BYTES);
        assert!(stack.needs_upload());
        assert!(!assembly.stack("small").unwrap().needs_upload());
        let manifest = assembly.manifest_json().unwrap();
        assert!(manifest.contains("\"needsUpload\": true"));
        assert!(manifest.contains("\"needsUpload\": false"));
        // An assembly that let its texts go reads their lengths all the same.
        for memory in [Memory::Kept, Memory::Low] {
            let other = app.synth_failures_only(None, memory).unwrap();
            assert_eq!(other.manifest_json().unwrap(), manifest);
            assert!(other.stack("mid").unwrap().needs_upload());
            assert!(!other.stack("small").unwrap().needs_upload());
        }
    }

    /// Checks that read, from each stack, the properties of every resource of the first
    /// stack in deploy order (as a rule reads a resource of another stack), and count them.
    struct ReadsTheFirstStack;

    impl Check for ReadsTheFirstStack {
        type Output = usize;
        type Part = usize;
        type Summary = ();
        fn summarize(&self, _: &Template, _: &[Option<Scanned>]) {}
        fn start(&mut self, _: &[(&str, &Template)], _: Vec<()>) {}
        fn stack(&self, in_order: &[(&str, &Template)], _: usize) -> usize {
            let first = in_order[0].1.resources();
            first.iter().filter(|r| !r.properties().is_null()).count()
        }
        fn merge(&mut self, _: &[(&str, &Template)], _: usize, _: usize) {}
        fn finish(self) -> usize {
            0
        }
    }

    /// With low memory, the trees that a stack's checks build of a stack written in an
    /// earlier round go at the end of the round: an app whose stacks all read one stack
    /// holds no tree once synthesized (kept, it held the trees of every stack so read).
    #[test]
    fn trees_read_of_a_stack_of_another_round_go_with_the_round() {
        let app = App::new("rounds");
        let shared = app.stack("shared").unwrap();
        let key = shared.add(KmsKey::new("Key")).unwrap();
        for i in 0..(3 * STACKS_PER_ROUND) {
            let stack = app.stack(&format!("s{i:02}")).unwrap();
            stack
                .add(LogGroup::new(format!("Logs{i}")).encryption(&key))
                .unwrap();
        }
        let declare = crate::app::node::DeclareNothing;
        let kept =
            synthesize_on(&app, &declare, ReadsTheFirstStack, 2, None, Memory::Kept).unwrap();
        for workers in [1, 2] {
            let low = synthesize_on(
                &app,
                &declare,
                ReadsTheFirstStack,
                workers,
                None,
                Memory::Low,
            )
            .unwrap();
            for (x, y) in low.stacks().iter().zip(kept.stacks()) {
                assert!(!x.template().holds_trees(), "{}", x.name());
                assert_eq!(x.template_json(), y.template_json(), "{}", x.name());
            }
            // Read after synthesis, the first stack's trees are built again.
            let first = low.stacks()[0].template();
            assert!(first.resources()[0].properties().is_object());
            assert!(first.holds_trees());
        }
    }

    #[test]
    fn a_stack_over_200_outputs_fails_at_synth_naming_it() {
        let app = App::new("test");
        let s = app.stack("many").unwrap();
        let key = s.add(KmsKey::new("Key")).unwrap();
        for i in 0..201 {
            s.output(&format!("Out{i}"), key.arn()).unwrap();
        }
        let err = app.synth().unwrap_err().to_string();
        assert!(err.starts_with("stack `many` has 201 outputs"), "{err}");
    }

    #[test]
    fn a_reference_across_regions_is_an_error_naming_both_constructs() {
        let app = App::new("test");
        let main = app
            .stack_in("main", Region::new("us-east-1").unwrap())
            .unwrap();
        let key = main.add(KmsKey::new("PhiKey")).unwrap();
        let dr = app
            .stack_in("dr", Region::new("us-west-2").unwrap())
            .unwrap();
        dr.add(LogGroup::new("Logs").encryption(&key)).unwrap();
        assert_eq!(
            app.synth().unwrap_err().to_string(),
            "`dr/Logs` (us-west-2) uses `main/PhiKey` (us-east-1), but CloudFormation cannot import \
             across regions; keep both in one region with `app.stack_in(.., region)`, or give the \
             resource a fixed name and refer to it by that name"
        );

        let unpinned = App::new("test");
        let main = unpinned.stack("main").unwrap();
        let key = main.add(KmsKey::new("PhiKey")).unwrap();
        let dr = unpinned
            .stack_in("dr", Region::new("us-west-2").unwrap())
            .unwrap();
        dr.add(LogGroup::new("Logs").encryption(&key)).unwrap();
        let err = unpinned.synth().unwrap_err().to_string();
        assert!(
            err.contains("uses `main/PhiKey` (the deploy region)"),
            "{err}"
        );
    }

    #[test]
    fn a_stack_output_may_name_a_value_of_another_region_through_a_parameter() {
        let app = App::new("test");
        let dr = app
            .stack_in("dr", Region::new("us-west-2").unwrap())
            .unwrap();
        let key = dr.add(KmsKey::new("DrKey")).unwrap();
        let main = app.stack("main").unwrap();
        main.output("DrKeyArn", key.arn()).unwrap();
        main.output("DrKeyArnAgain", key.arn()).unwrap();
        let assembly = app.synth().unwrap();

        let consumer: Value =
            crate::cfn::tree::from_str(assembly.stack("main").unwrap().template_json()).unwrap();
        let name = "Xrdr5DrKeyArn";
        assert_eq!(consumer["Parameters"][name]["Type"], "String");
        assert_eq!(
            consumer["Outputs"]["DrKeyArn"]["Value"],
            serde_json::json!({ "Ref": name })
        );
        assert_eq!(
            consumer["Parameters"].as_object().unwrap().len(),
            1,
            "one parameter per value, however often it is used"
        );
        let producer: Value =
            crate::cfn::tree::from_str(assembly.stack("dr").unwrap().template_json()).unwrap();
        assert_eq!(
            producer["Outputs"][name]["Value"],
            serde_json::json!({ "Fn::GetAtt": ["DrKey", "Arn"] })
        );
        assert!(producer["Outputs"][name].get("Export").is_none());
        assert_eq!(assembly.stack("main").unwrap().dependencies(), ["dr"]);
        assert!(assembly.stack("main").unwrap().wave() > assembly.stack("dr").unwrap().wave());
        let manifest: Value =
            crate::cfn::tree::from_str(&assembly.manifest_json().unwrap()).unwrap();
        let main_entry = manifest["stacks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == "main")
            .unwrap()
            .clone();
        assert_eq!(
            main_entry["parameters"],
            serde_json::json!([{ "name": name, "fromStack": "dr", "fromRegion": "us-west-2", "fromOutput": name }])
        );
    }

    /// A bucket of us-east-1 replicating into `Copy` of each of two DR stacks, `dr-a` and
    /// `dra`, whose keys have the given ids: the names of the values read across regions
    /// drop the stacks' hyphens, so both copies would be read as `Xrdra4CopyArn`.
    fn copies_in_stacks_named_alike(key_ids: [&str; 2]) -> App {
        let app = App::new("a");
        let data = app.stack_in("data", region!("us-east-1")).unwrap();
        let key = data.add(KmsKey::new("PhiKey")).unwrap();
        let logs = data.add(AccessLogBucket::new("Logs")).unwrap();
        for ((name, region), key_id) in [
            ("dr-a", region!("us-west-2")),
            ("dra", region!("eu-west-1")),
        ]
        .into_iter()
        .zip(key_ids)
        {
            let dr = app.stack_in(name, region).unwrap();
            let k = dr.add(KmsKey::new(key_id)).unwrap();
            let l = dr.add(AccessLogBucket::new("Logs")).unwrap();
            let copy = dr
                .add(SecureBucket::new("Copy").encryption(&k).access_logs(&l))
                .unwrap();
            let id = if name == "dr-a" {
                "Records1"
            } else {
                "Records2"
            };
            data.add(
                SecureBucket::new(id)
                    .encryption(&key)
                    .access_logs(&logs)
                    .replicate_to(&copy),
            )
            .unwrap();
        }
        app
    }

    #[test]
    fn values_of_stacks_named_alike_are_never_read_under_one_name() {
        // Before, the second copy was written as the first's parameter: `Records2` replicated
        // into `dr-a/Copy`, with `dra`'s key when the keys' ids differed.
        for key_ids in [["DrKey", "DrKey"], ["DrKey", "DrKey2"]] {
            let err = copies_in_stacks_named_alike(key_ids).synth().unwrap_err();
            assert!(
                matches!(err, Error::CrossRegionNameCollision { .. }),
                "{err:?}"
            );
            assert_eq!(
                err.to_string(),
                "`dr-a/Copy` and `dra/Copy` would both reach stack `data` as the value `Xrdra4CopyArn`, since hipaa-stack names a value read across regions after its stack's name without hyphens, its logical id and its attribute; rename one of their stacks (or one of the constructs) so that the names differ by more than hyphens"
            );
        }
    }

    #[test]
    fn a_program_output_never_takes_the_name_of_an_output_synth_adds() {
        // A value read across regions: before, synth kept the program's output, and the
        // bucket replicated into the access-log bucket it named.
        let app = App::new("a");
        let data = app.stack_in("data", region!("us-east-1")).unwrap();
        let key = data.add(KmsKey::new("PhiKey")).unwrap();
        let logs = data.add(AccessLogBucket::new("Logs")).unwrap();
        let dr = app.stack_in("dr", region!("us-west-2")).unwrap();
        let dr_key = dr.add(KmsKey::new("DrKey")).unwrap();
        let dr_logs = dr.add(AccessLogBucket::new("Logs")).unwrap();
        let copy = dr
            .add(
                SecureBucket::new("Copy")
                    .encryption(&dr_key)
                    .access_logs(&dr_logs),
            )
            .unwrap();
        dr.output("Xrdr4CopyArn", dr_logs.arn()).unwrap();
        data.add(
            SecureBucket::new("Records")
                .encryption(&key)
                .access_logs(&logs)
                .replicate_to(&copy),
        )
        .unwrap();
        let err = app.synth().unwrap_err();
        assert!(matches!(err, Error::ReservedOutput { .. }), "{err:?}");
        assert_eq!(
            err.to_string(),
            "output `Xrdr4CopyArn` of stack `dr` has the name that hipaa-stack gives the output carrying `dr/Copy` to `data/Records`; give the program's output another name"
        );
        // An automatic export, likewise.
        let app = App::new("a");
        let security = app.stack("security").unwrap();
        let key = security.add(KmsKey::new("PhiKey")).unwrap();
        let other = security.add(KmsKey::new("Other")).unwrap();
        security.output("Export6PhiKeyArn", other.arn()).unwrap();
        app.stack("data")
            .unwrap()
            .add(crate::LogGroup::new("Logs").encryption(&key))
            .unwrap();
        let err = app.synth().unwrap_err();
        assert!(matches!(err, Error::ReservedOutput { .. }), "{err:?}");
        assert!(
            err.to_string()
                .starts_with("output `Export6PhiKeyArn` of stack `security` has the name that hipaa-stack gives the output carrying `security/PhiKey` to `data/Logs`"),
            "{err}"
        );
    }

    #[test]
    fn stacks_in_one_pinned_region_share_references_and_record_it() {
        let app = App::new("test");
        let region = Region::new("eu-central-1").unwrap();
        let a = app.stack_in("a", region.clone()).unwrap();
        let key = a.add(KmsKey::new("PhiKey")).unwrap();
        let b = app.stack_in("b", region).unwrap();
        b.add(LogGroup::new("Logs").encryption(&key)).unwrap();
        let assembly = app.synth().unwrap();
        assert_eq!(assembly.stack("b").unwrap().region(), Some("eu-central-1"));
        assert!(
            assembly
                .manifest_json()
                .unwrap()
                .contains("\"region\": \"eu-central-1\"")
        );
    }

    #[test]
    fn the_graph_has_every_resource_and_each_reference_once() {
        let assembly = two_stacks().synth().unwrap();
        let graph = assembly.graph();
        assert_eq!(graph.stacks.len(), 2);
        assert_eq!(graph.stack_edges, [(0, 1)]);
        let total: usize = assembly
            .stacks()
            .iter()
            .map(|s| s.template().resources().len())
            .sum();
        assert_eq!(graph.resources.len(), total);
        let id = |name: &str| {
            graph
                .resources
                .iter()
                .position(|r| r.logical_id == name)
                .unwrap()
        };
        // The key is used across stacks by the bucket and the log group.
        assert!(
            graph
                .resource_edges
                .contains(&(id("PhiKey"), id("Records")))
        );
        assert!(graph.resource_edges.contains(&(id("PhiKey"), id("App"))));
        assert!(
            graph
                .resource_edges
                .contains(&(id("Records"), id("RecordsPolicy")))
        );
        let mut sorted = graph.resource_edges.clone();
        sorted.dedup();
        assert_eq!(sorted.len(), graph.resource_edges.len());
        assert!(
            graph
                .resources_dot()
                .contains(&format!("r{} -> r{};", id("PhiKey"), id("App")))
        );
    }
}

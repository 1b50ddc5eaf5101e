//! The auditor's report: which HIPAA controls the app enforces, by which resources and
//! template properties, what is waived and why, what no template can do.
//!
//! Three renderings of one [`Report`] value:
//! - `report.json`, for tools. Its schema is stable: `"schema": "hipaa-stack.report/v1"`;
//!   fields are only ever added within a version. Top level: `schema`, `tool {name,
//!   version}`, `app`, `checkedOn` (the day, `YYYY-MM-DD` UTC, the rules read the waivers
//!   as of: today, or the day named to `App::check_on`), `evidence` (`grouped`, the default; `full` with one row per proof;
//!   `summary` when proofs are only counted),
//!   `stacks[] {name, region, wave, template, sha256, resources,
//!   deployment}`, `summary {controls, enforced, waived, gap, failed, customer,
//!   notCovered, findings}`, `controls[] {id, title, requirement, nist[], status, rules[]
//!   {id, title, proofs, groups[], enforced[], waived[], failed[], gaps[]}, customer[]}`,
//!   `waivers[]`, `gaps[]`,
//!   `findings[]`, `unusedWaivers[] {rule, stack, logicalId, construct?, note}` (a waiver
//!   of a resource on which its rule holds, or of a construct none of whose resources is of
//!   a type its rule reads), `notVerifiedAtCompileTime[]`,
//!   `customerResponsibilities[]`, `graph {stacks[], edges[]}`. Each evidence row is
//!   `{rule, stack, logicalId, construct, path, value}`: `path` is a JSON pointer into the
//!   resource of the written template. Each group (`evidence: grouped`) is `{construct,
//!   resourceType, path, resources, stacks, values[] {value, resources}, otherValues}`:
//!   the proofs of a rule on the resources of one construct that carry one property, how
//!   many, in how many stacks, the first distinct values met with their counts, and how
//!   many proofs hold another value; the groups' `resources` add up to the rule's `proofs`.
//! - `report.md`, for a pull request or a wiki.
//! - `report.html`, one self-contained page (no external assets) for an auditor's browser,
//!   with the stack graph drawn as SVG.
//!
//! The report names the tool version and a SHA-256 of each template, so that it can be tied
//! to what was deployed.
//!
//! Text that the program or its templates wrote (a finding quoting a property name or
//! value, a resource type, an app name) is shown as written in every rendering: control
//! characters and invisible formatting characters (bidirectional overrides, zero-width
//! characters) as their code points (`\u{202e}`), and in Markdown and HTML as text, never as
//! markup, so that nothing hides or forges a line. A waiver's reason holds none of them
//! ([`App::waive`](crate::App::waive) refuses it). A control counts as enforced (with
//! waivers or not) only where some resource proves it: one whose rules were all waived is a
//! gap.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use crate::cfn::{Resource, Template};
use crate::compliance::Assembly;
use crate::compliance::catalogue::customer_led;
use crate::compliance::engine::shown;
use crate::compliance::recovery::{Lookup, Recovery, RecoveryEntry, link_replicas, written_tree};
use crate::compliance::rules::Proof;
use crate::compliance::{
    CONTROLS, CUSTOMER_RESPONSIBILITIES, Checked, Control, CustomerResponsibility, Requirement,
    Status, rule_spec, rules,
};
use crate::digest::sha256_hex;
use crate::error::{Error, Result};

/// The schema id of `report.json`.
pub const SCHEMA: &str = "hipaa-stack.report/v1";

/// The whole report.
///
/// A `Report` is made only by hipaa-stack, from an assembly it checked ([`Report::new`],
/// [`Report::full`], [`Report::summary`]), and read through its methods, one for each field
/// of `report.json`. Its fields, and those of every type in it, are private: the report is
/// the evidence an auditor reads (HIPAA 45 CFR §164.316(b)(1), documentation), so a program
/// can copy a report ([`Clone`]) and write it out, but not make one of its own, nor change what
/// the rules found, and have it written as hipaa-stack's.
///
/// ```
/// use hipaa_stack::prelude::*;
/// use hipaa_stack::compliance::report::{Report, SCHEMA};
/// let app = App::new("clinic");
/// let stack = app.stack("clinic")?;
/// let key = stack.add(KmsKey::new("PhiKey"))?;
/// stack.add(LogGroup::new("App").encryption(&key))?;
/// let report = Report::new(&app.synth()?);
/// let json: serde_json::Value = serde_json::from_str(&report.to_json()?).unwrap();
/// assert_eq!(json["schema"], SCHEMA);
/// assert_eq!(report.schema(), SCHEMA);
/// assert_eq!(json["app"], report.app());
/// assert_eq!(json["summary"]["failed"], report.counts().failed());
/// assert_eq!(json["findings"].as_array().unwrap().len(), report.findings().len());
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// [`SCHEMA`].
    pub(crate) schema: &'static str,
    /// The tool that wrote it.
    pub(crate) tool: Tool,
    /// The app.
    pub(crate) app: String,
    /// The day (UTC, `YYYY-MM-DD`) the rules read the waivers as of: today for
    /// [`App::synth`](crate::App::synth), [`App::check`](crate::App::check) and `report`,
    /// the day named for [`App::check_on`](crate::App::check_on). A waiver holds until its
    /// last day, compared with this one. `None` only for an assembly made without the rules.
    pub(crate) checked_on: Option<String>,
    /// Whether every proof is itemized (`full`) or only counted (`summary`,
    /// [`Report::summary`]).
    pub(crate) evidence: Evidence,
    /// The stacks, in deploy order, with the hash of each template.
    pub(crate) stacks: Vec<StackEntry>,
    /// Counts.
    pub(crate) summary: Summary,
    /// Every control of the catalogue with its status and evidence.
    pub(crate) controls: Vec<ControlEntry>,
    /// Every waived finding.
    pub(crate) waivers: Vec<Row>,
    /// Every gap.
    pub(crate) gaps: Vec<Row>,
    /// Every store of PHI with its copies: replication, backups, copies in other regions
    /// (§164.308(a)(7)(ii)(B)).
    pub(crate) disaster_recovery: Vec<RecoveryEntry>,
    /// Every unwaived finding (empty for an app that `synth` accepts).
    pub(crate) findings: Vec<Row>,
    /// Waivers that matched no failure.
    pub(crate) unused_waivers: Vec<UnusedWaiver>,
    /// Resources added through the escape hatch.
    pub(crate) not_verified_at_compile_time: Vec<ResourceRef>,
    /// What remains the customer's to do.
    pub(crate) customer_responsibilities: &'static [CustomerResponsibility],
    /// The stack graph.
    pub(crate) graph: Graph,
}

/// How much evidence a report itemizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Evidence {
    /// Proofs gathered per rule, construct, resource type and property (`groups`): how
    /// many resources carry the property, in how many stacks, and its most frequent values
    /// with their counts. The default: its size grows with the kinds of resources, not
    /// their number.
    Grouped,
    /// One row per proof: the property and its value (`report --full`).
    Full,
    /// Proofs counted per rule (`proofs`); waivers, gaps and findings still itemized.
    Summary,
}

/// The tool that wrote the report.
#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    /// `hipaa-stack`.
    pub(crate) name: &'static str,
    /// Its version.
    pub(crate) version: &'static str,
}

/// A stack of the report.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StackEntry {
    /// The stack name.
    pub(crate) name: String,
    /// Its pinned region, if any.
    pub(crate) region: Option<String>,
    /// Its wave.
    pub(crate) wave: usize,
    /// The template file.
    pub(crate) template: String,
    /// SHA-256 of the template file, hex.
    pub(crate) sha256: String,
    /// How many resources it has.
    pub(crate) resources: usize,
    /// Where and when it was deployed, once it was.
    pub(crate) deployment: Option<Deployment>,
}

/// A deployment of a stack.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployment {
    /// The CloudFormation stack id.
    pub(crate) stack_id: String,
    /// When, in RFC 3339.
    pub(crate) deployed_at: String,
    /// What the engine did to the stack besides the change set, the evidence of controls
    /// no template can prove: the default security groups it closed (rule E14),
    /// production protection turned on, exports kept.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) notes: Vec<String>,
}

/// Counts of controls by status, and of findings.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// Controls in the catalogue.
    pub(crate) controls: usize,
    /// Enforced by the templates.
    pub(crate) enforced: usize,
    /// Enforced except where waived.
    pub(crate) waived: usize,
    /// Not closed by any template (see `gaps`).
    pub(crate) gap: usize,
    /// Broken somewhere, unwaived.
    pub(crate) failed: usize,
    /// The customer's: outside any template, or supported by the templates and held by
    /// the customer (a contract, an analysis, a procedure of people).
    pub(crate) customer: usize,
    /// No resource of this app touches it.
    pub(crate) not_covered: usize,
    /// Unwaived findings.
    pub(crate) findings: usize,
}

/// What the report says of one control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ControlStatus {
    /// Enforced wherever it applies.
    Enforced,
    /// Enforced, with waivers: some resource proves it, and a waiver accepts what does not.
    Waived,
    /// A gap that no template closes, or a control that no resource proves and waivers
    /// accept (all its rules' results are waived).
    Gap,
    /// Broken somewhere, unwaived.
    Failed,
    /// The customer's responsibility: a control that no rule of the app serves and a
    /// customer responsibility does, or one whose requirement no template holds (a contract,
    /// an analysis, a procedure of people: `compliance::CUSTOMER_LED`), whatever the proofs
    /// of the rules that support it (listed under it). A failure or a gap of those rules
    /// still makes it failed or a gap.
    Customer,
    /// No resource of this app touches it.
    NotCovered,
}

impl ControlStatus {
    fn label(self) -> &'static str {
        match self {
            ControlStatus::Enforced => "enforced",
            ControlStatus::Waived => "enforced, with waivers",
            ControlStatus::Gap => "gap",
            ControlStatus::Failed => "failed",
            ControlStatus::Customer => "customer responsibility",
            ControlStatus::NotCovered => "not covered by this app",
        }
    }
}

/// One control of the report.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ControlEntry {
    /// The citation.
    pub(crate) id: &'static str,
    /// The title.
    pub(crate) title: &'static str,
    /// Standard, required or addressable.
    pub(crate) requirement: Requirement,
    /// NIST SP 800-53 Rev. 5 controls.
    pub(crate) nist: &'static [&'static str],
    /// The status.
    pub(crate) status: ControlStatus,
    /// The rules that serve it and what each found.
    pub(crate) rules: Vec<RuleEntry>,
    /// The customer responsibilities that serve it.
    pub(crate) customer: Vec<&'static str>,
}

/// One rule under a control.
#[derive(Debug, Clone, Serialize)]
pub struct RuleEntry {
    /// The rule id.
    pub(crate) id: &'static str,
    /// What it requires.
    pub(crate) title: &'static str,
    /// How many proofs the rule found (the rows of `enforced`, when itemized; the sum of
    /// the groups' `resources`, when grouped).
    pub(crate) proofs: usize,
    /// The evidence gathered by construct, resource type and property (only when grouped).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) groups: Vec<EvidenceGroup>,
    /// The evidence, one row per proof (only in a full report).
    pub(crate) enforced: Vec<Row>,
    /// The waived findings.
    pub(crate) waived: Vec<Row>,
    /// The unwaived findings.
    pub(crate) failed: Vec<Row>,
    /// The gaps.
    pub(crate) gaps: Vec<Row>,
}

/// A row of evidence, waiver, gap or finding.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    /// The rule.
    pub(crate) rule: &'static str,
    /// The stack.
    pub(crate) stack: String,
    /// The resource.
    pub(crate) logical_id: String,
    /// The construct that made it.
    pub(crate) construct: String,
    /// Evidence: the JSON pointer into the resource.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) path: Option<String>,
    /// Evidence: the value found there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) value: Option<Value>,
    /// Waivers, gaps and findings: what does not hold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) note: Option<String>,
    /// Waivers: the reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) reason: Option<String>,
    /// Waivers: the last day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) expires: Option<String>,
    /// Waivers: whether what is waived is a gap, not a failure (for SARIF, whose results
    /// say which; the report's JSON lists waivers as one kind, as before).
    #[serde(skip)]
    pub(crate) waived_gap: bool,
}

/// The proofs of one rule that share a construct, a resource type and a property
/// ([`Evidence::Grouped`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EvidenceGroup {
    /// The construct that made the checked resources (`SecureBucket` …), or `None` for
    /// resources added through the escape hatch.
    pub(crate) construct: Option<&'static str>,
    /// The CloudFormation type of the resource that carries the property (the checked
    /// resource, or the resource beside it that proves the rule, such as its policy).
    pub(crate) resource_type: String,
    /// The JSON pointer into that resource.
    pub(crate) path: String,
    /// How many proofs (one per resource and property).
    pub(crate) resources: usize,
    /// In how many stacks.
    pub(crate) stacks: usize,
    /// The first [`GROUP_VALUES`] distinct values met, in stack order, each with how many
    /// proofs carry it.
    pub(crate) values: Vec<GroupValue>,
    /// The proofs whose value is none of `values`; `report --full` lists each.
    pub(crate) other_values: usize,
}

/// A value of an [`EvidenceGroup`] and how many proofs carry it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupValue {
    /// The value in the template.
    pub(crate) value: Option<Value>,
    /// How many proofs carry it.
    pub(crate) resources: usize,
}

/// How many distinct values an [`EvidenceGroup`] lists.
pub const GROUP_VALUES: usize = 3;

/// A waiver that waived nothing.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UnusedWaiver {
    /// The rule.
    pub(crate) rule: String,
    /// The stack.
    pub(crate) stack: String,
    /// The resource; empty when the waiver is on no resource (see `construct`).
    pub(crate) logical_id: String,
    /// The construct of a waiver written on none of its resources, since none is of a type
    /// the rule reads; absent for a waiver of a resource on which the rule holds or does not
    /// apply.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) construct: Option<String>,
    /// Why it waives nothing.
    pub(crate) note: String,
}

/// Why a waiver of a resource waived nothing.
const WAIVES_NOTHING: &str =
    "the rule holds on this resource (or does not apply): the waiver waives nothing; remove it";

/// Why a waiver of a construct is on none of its resources.
fn on_nothing_note(rule: &str) -> String {
    format!(
        "the construct has no resource of a type rule {rule} reads: the waiver is written on no resource and waives nothing; remove it, or waive the rule on the construct that makes the resource"
    )
}

/// A resource, by stack, logical id, construct and type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceRef {
    /// The stack.
    pub(crate) stack: String,
    /// The resource.
    pub(crate) logical_id: String,
    /// The construct.
    pub(crate) construct: String,
    /// The CloudFormation type.
    pub(crate) resource_type: String,
}

/// The stack graph.
#[derive(Debug, Clone, Serialize)]
pub struct Graph {
    /// Stack names with their waves.
    pub(crate) stacks: Vec<(String, usize)>,
    /// `(producer, consumer)` stack names.
    pub(crate) edges: Vec<(String, String)>,
}

// The read-only view of a report. Every type of the report is made only by `Report::build`
// from a checked assembly, and read through these methods: no field is public, no type has a
// public constructor, `Default` or `Deserialize`, and no method hands out `&mut`, so that a
// program cannot write, as hipaa-stack's, a report that hipaa-stack did not check.

impl Report {
    /// The schema id, [`SCHEMA`] (`schema`).
    pub fn schema(&self) -> &'static str {
        self.schema
    }

    /// The tool that wrote the report (`tool`).
    pub fn tool(&self) -> &Tool {
        &self.tool
    }

    /// The app's name (`app`).
    pub fn app(&self) -> &str {
        &self.app
    }

    /// The day (UTC, `YYYY-MM-DD`) the rules read the waivers as of (`checkedOn`): today
    /// for [`App::synth`](crate::App::synth), [`App::check`](crate::App::check) and
    /// `report`, the day named for [`App::check_on`](crate::App::check_on). `None` only for
    /// an assembly made without the rules.
    pub fn checked_on(&self) -> Option<&str> {
        self.checked_on.as_deref()
    }

    /// How much evidence the report itemizes (`evidence`).
    pub fn evidence(&self) -> Evidence {
        self.evidence
    }

    /// The stacks, in deploy order, each with the SHA-256 of its template (`stacks`).
    pub fn stacks(&self) -> &[StackEntry] {
        &self.stacks
    }

    /// The counts of controls by status, and of findings (`summary`).
    ///
    /// ```no_run
    /// use hipaa_stack::prelude::*;
    /// use hipaa_stack::compliance::report::Report;
    /// let app = App::new("clinic");
    /// let stack = app.stack("clinic")?;
    /// let key = stack.add(KmsKey::new("PhiKey"))?;
    /// stack.add(LogGroup::new("App").encryption(&key))?;
    /// let report = Report::new(&app.synth()?);
    /// let counts = report.counts();
    /// println!("{} of {} controls enforced", counts.enforced(), counts.controls());
    /// assert_eq!(counts.findings(), report.findings().len());
    /// # Ok::<(), hipaa_stack::Error>(())
    /// ```
    pub fn counts(&self) -> &Summary {
        &self.summary
    }

    /// Every control of the catalogue with its status and evidence (`controls`).
    pub fn controls(&self) -> &[ControlEntry] {
        &self.controls
    }

    /// Every waived finding (`waivers`).
    pub fn waivers(&self) -> &[Row] {
        &self.waivers
    }

    /// Every gap (`gaps`).
    pub fn gaps(&self) -> &[Row] {
        &self.gaps
    }

    /// Every store of PHI with its copies: replication, backups, copies in other regions
    /// (`disasterRecovery`, §164.308(a)(7)(ii)(B)).
    pub fn disaster_recovery(&self) -> &[RecoveryEntry] {
        &self.disaster_recovery
    }

    /// Every unwaived finding (`findings`; empty for an app that `synth` accepts).
    ///
    /// ```no_run
    /// use hipaa_stack::prelude::*;
    /// use hipaa_stack::compliance::report::Report;
    /// let app = App::new("clinic");
    /// let stack = app.stack("clinic")?;
    /// let key = stack.add(KmsKey::new("PhiKey"))?;
    /// stack.add(LogGroup::new("App").encryption(&key))?;
    /// let report = Report::new(&app.check()?);
    /// for f in report.findings() {
    ///     println!("{} {}/{}: {}", f.rule(), f.stack(), f.logical_id(), f.note().unwrap_or(""));
    /// }
    /// # Ok::<(), hipaa_stack::Error>(())
    /// ```
    pub fn findings(&self) -> &[Row] {
        &self.findings
    }

    /// Waivers that matched no failure (`unusedWaivers`).
    pub fn unused_waivers(&self) -> &[UnusedWaiver] {
        &self.unused_waivers
    }

    /// Resources added through the escape hatch (`notVerifiedAtCompileTime`).
    pub fn not_verified_at_compile_time(&self) -> &[ResourceRef] {
        &self.not_verified_at_compile_time
    }

    /// What remains the customer's to do (`customerResponsibilities`).
    pub fn customer_responsibilities(&self) -> &'static [CustomerResponsibility] {
        self.customer_responsibilities
    }

    /// The stack graph (`graph`).
    pub fn graph(&self) -> &Graph {
        &self.graph
    }
}

impl Tool {
    /// `hipaa-stack` (`name`).
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Its version (`version`).
    pub fn version(&self) -> &'static str {
        self.version
    }
}

impl StackEntry {
    /// The stack name (`name`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its pinned region, if any (`region`).
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// Its wave (`wave`).
    pub fn wave(&self) -> usize {
        self.wave
    }

    /// The template file (`template`).
    pub fn template(&self) -> &str {
        &self.template
    }

    /// SHA-256 of the template file, hex (`sha256`).
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// How many resources it has (`resources`).
    pub fn resources(&self) -> usize {
        self.resources
    }

    /// Where and when it was deployed, once it was (`deployment`).
    pub fn deployment(&self) -> Option<&Deployment> {
        self.deployment.as_ref()
    }
}

impl Deployment {
    /// The CloudFormation stack id (`stackId`).
    pub fn stack_id(&self) -> &str {
        &self.stack_id
    }

    /// When, in RFC 3339 (`deployedAt`).
    pub fn deployed_at(&self) -> &str {
        &self.deployed_at
    }

    /// What the engine did to the stack besides the change set (`notes`): the default
    /// security groups it closed (rule E14), production protection turned on, exports kept.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }
}

impl Summary {
    /// Controls in the catalogue (`controls`).
    pub fn controls(&self) -> usize {
        self.controls
    }

    /// Controls enforced by the templates (`enforced`).
    pub fn enforced(&self) -> usize {
        self.enforced
    }

    /// Controls enforced except where waived (`waived`).
    pub fn waived(&self) -> usize {
        self.waived
    }

    /// Controls not closed by any template (`gap`).
    pub fn gap(&self) -> usize {
        self.gap
    }

    /// Controls broken somewhere, unwaived (`failed`).
    pub fn failed(&self) -> usize {
        self.failed
    }

    /// Controls that are the customer's (`customer`).
    pub fn customer(&self) -> usize {
        self.customer
    }

    /// Controls that no resource of this app touches (`notCovered`).
    pub fn not_covered(&self) -> usize {
        self.not_covered
    }

    /// Unwaived findings (`findings`).
    pub fn findings(&self) -> usize {
        self.findings
    }
}

impl ControlEntry {
    /// The citation (`id`).
    pub fn id(&self) -> &'static str {
        self.id
    }

    /// The title (`title`).
    pub fn title(&self) -> &'static str {
        self.title
    }

    /// Standard, required or addressable (`requirement`).
    pub fn requirement(&self) -> Requirement {
        self.requirement
    }

    /// NIST SP 800-53 Rev. 5 controls (`nist`).
    pub fn nist(&self) -> &'static [&'static str] {
        self.nist
    }

    /// The status (`status`).
    pub fn status(&self) -> ControlStatus {
        self.status
    }

    /// The rules that serve it and what each found (`rules`).
    pub fn rules(&self) -> &[RuleEntry] {
        &self.rules
    }

    /// The customer responsibilities that serve it (`customer`).
    pub fn customer(&self) -> &[&'static str] {
        &self.customer
    }
}

impl RuleEntry {
    /// The rule id (`id`).
    pub fn id(&self) -> &'static str {
        self.id
    }

    /// What it requires (`title`).
    pub fn title(&self) -> &'static str {
        self.title
    }

    /// How many proofs the rule found (`proofs`): the rows of [`enforced`](Self::enforced),
    /// when itemized; the sum of the groups' [`resources`](EvidenceGroup::resources), when
    /// grouped.
    pub fn proofs(&self) -> usize {
        self.proofs
    }

    /// The evidence gathered by construct, resource type and property (`groups`; only when
    /// grouped).
    pub fn groups(&self) -> &[EvidenceGroup] {
        &self.groups
    }

    /// The evidence, one row per proof (`enforced`; only in a full report).
    pub fn enforced(&self) -> &[Row] {
        &self.enforced
    }

    /// The waived findings (`waived`).
    pub fn waived(&self) -> &[Row] {
        &self.waived
    }

    /// The unwaived findings (`failed`).
    pub fn failed(&self) -> &[Row] {
        &self.failed
    }

    /// The gaps (`gaps`).
    pub fn gaps(&self) -> &[Row] {
        &self.gaps
    }
}

impl Row {
    /// The rule (`rule`).
    pub fn rule(&self) -> &'static str {
        self.rule
    }

    /// The stack (`stack`).
    pub fn stack(&self) -> &str {
        &self.stack
    }

    /// The resource (`logicalId`).
    pub fn logical_id(&self) -> &str {
        &self.logical_id
    }

    /// The construct that made it (`construct`).
    pub fn construct(&self) -> &str {
        &self.construct
    }

    /// Evidence: the JSON pointer into the resource (`path`).
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    /// Evidence: the value found there (`value`).
    pub fn value(&self) -> Option<&Value> {
        self.value.as_ref()
    }

    /// Waivers, gaps and findings: what does not hold (`note`).
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    /// Waivers: the reason (`reason`).
    pub fn reason(&self) -> Option<&str> {
        self.reason.as_deref()
    }

    /// Waivers: the last day (`expires`).
    pub fn expires(&self) -> Option<&str> {
        self.expires.as_deref()
    }

    /// Waivers: whether what is waived is a gap, not a failure. Not in `report.json`, which
    /// lists waivers as one kind; SARIF's results say which.
    pub fn waived_gap(&self) -> bool {
        self.waived_gap
    }
}

impl EvidenceGroup {
    /// The construct that made the checked resources (`construct`), or `None` for
    /// resources added through the escape hatch.
    pub fn construct(&self) -> Option<&'static str> {
        self.construct
    }

    /// The CloudFormation type of the resource that carries the property (`resourceType`).
    pub fn resource_type(&self) -> &str {
        &self.resource_type
    }

    /// The JSON pointer into that resource (`path`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// How many proofs, one per resource and property (`resources`).
    pub fn resources(&self) -> usize {
        self.resources
    }

    /// In how many stacks (`stacks`).
    pub fn stacks(&self) -> usize {
        self.stacks
    }

    /// The first [`GROUP_VALUES`] distinct values met, in stack order, each with how many
    /// proofs carry it (`values`).
    pub fn values(&self) -> &[GroupValue] {
        &self.values
    }

    /// The proofs whose value is none of [`values`](Self::values) (`otherValues`).
    pub fn other_values(&self) -> usize {
        self.other_values
    }
}

impl GroupValue {
    /// The value in the template (`value`).
    pub fn value(&self) -> Option<&Value> {
        self.value.as_ref()
    }

    /// How many proofs carry it (`resources`).
    pub fn resources(&self) -> usize {
        self.resources
    }
}

impl UnusedWaiver {
    /// The rule (`rule`).
    pub fn rule(&self) -> &str {
        &self.rule
    }

    /// The stack (`stack`).
    pub fn stack(&self) -> &str {
        &self.stack
    }

    /// The resource (`logicalId`); empty when the waiver is on no resource (see
    /// [`construct`](Self::construct)).
    pub fn logical_id(&self) -> &str {
        &self.logical_id
    }

    /// The construct of a waiver written on none of its resources (`construct`); `None`
    /// for a waiver of a resource on which the rule holds or does not apply.
    pub fn construct(&self) -> Option<&str> {
        self.construct.as_deref()
    }

    /// Why it waives nothing (`note`).
    pub fn note(&self) -> &str {
        &self.note
    }
}

impl ResourceRef {
    /// The stack (`stack`).
    pub fn stack(&self) -> &str {
        &self.stack
    }

    /// The resource (`logicalId`).
    pub fn logical_id(&self) -> &str {
        &self.logical_id
    }

    /// The construct (`construct`).
    pub fn construct(&self) -> &str {
        &self.construct
    }

    /// The CloudFormation type (`resourceType`).
    pub fn resource_type(&self) -> &str {
        &self.resource_type
    }
}

impl Graph {
    /// Stack names with their waves (`stacks`).
    pub fn stacks(&self) -> &[(String, usize)] {
        &self.stacks
    }

    /// `(producer, consumer)` stack names (`edges`).
    pub fn edges(&self) -> &[(String, String)] {
        &self.edges
    }
}

fn row(c: &Checked) -> Row {
    Row {
        rule: c.rule,
        stack: c.stack.to_string(),
        logical_id: c.logical_id.to_string(),
        construct: c.construct.to_string(),
        path: None,
        value: None,
        note: None,
        reason: None,
        expires: None,
        waived_gap: false,
    }
}

/// What a report lists beside its summary, findings, gaps and waivers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stacks {
    /// The stacks, with their templates' hashes, and under each control the rules that
    /// serve it with what each found: the report's.
    Hashed,
    /// Neither: each control only with its status (`check`'s).
    Left,
}

impl Report {
    /// Builds the report of an assembly (synthesized or only checked), its proofs gathered
    /// per rule, construct, resource type and property ([`Evidence::Grouped`]): every proof
    /// is counted in one group, with the values found there.
    ///
    /// ```
    /// use hipaa_stack::prelude::*;
    /// use hipaa_stack::compliance::report::{ControlStatus, Report};
    /// let app = App::new("clinic");
    /// let stack = app.stack("clinic")?;
    /// let key = stack.add(KmsKey::new("PhiKey"))?;
    /// stack.add(LogGroup::new("App").encryption(&key))?;
    /// let report = Report::new(&app.synth()?);
    /// let audit = report.controls().iter().find(|c| c.id() == "164.312(b)").unwrap();
    /// assert_eq!(audit.status(), ControlStatus::Enforced);
    /// let l2 = audit.rules().iter().find(|r| r.id() == "L2").unwrap();
    /// assert_eq!(l2.proofs(), l2.groups().iter().map(|g| g.resources()).sum::<usize>());
    /// # Ok::<(), hipaa_stack::Error>(())
    /// ```
    pub fn new(assembly: &Assembly) -> Report {
        Report::build(assembly, Evidence::Grouped, Stacks::Hashed)
    }

    /// The report with one row per proof: the resource, the property and its value
    /// (`report --full`). At thousands of resources it is hundreds of megabytes; the
    /// default report ([`Report::new`]) gathers the same proofs by construct, resource type
    /// and property.
    ///
    /// ```
    /// use hipaa_stack::prelude::*;
    /// use hipaa_stack::compliance::report::Report;
    /// let app = App::new("clinic");
    /// let stack = app.stack("clinic")?;
    /// let key = stack.add(KmsKey::new("PhiKey"))?;
    /// stack.add(LogGroup::new("App").encryption(&key))?;
    /// let assembly = app.synth()?;
    /// let (grouped, full) = (Report::new(&assembly), Report::full(&assembly));
    /// for (g, f) in grouped.controls().iter().zip(full.controls()) {
    ///     for (g, f) in g.rules().iter().zip(f.rules()) {
    ///         // The same proofs: counted in groups, or listed one by one.
    ///         assert_eq!(g.groups().iter().map(|x| x.resources()).sum::<usize>(), f.enforced().len());
    ///     }
    /// }
    /// # Ok::<(), hipaa_stack::Error>(())
    /// ```
    pub fn full(assembly: &Assembly) -> Report {
        Report::build(assembly, Evidence::Full, Stacks::Hashed)
    }

    /// The report with proofs counted per rule instead of itemized, for large apps (`report
    /// --summary`): the status of every control, every waiver, gap and finding, but not one
    /// row per property of every resource.
    ///
    /// ```
    /// use hipaa_stack::prelude::*;
    /// use hipaa_stack::compliance::report::Report;
    /// let app = App::new("clinic");
    /// let stack = app.stack("clinic")?;
    /// let key = stack.add(KmsKey::new("PhiKey"))?;
    /// stack.add(LogGroup::new("App").encryption(&key))?;
    /// let assembly = app.synth()?;
    /// let (full, summary) = (Report::full(&assembly), Report::summary(&assembly));
    /// assert_eq!(full.counts().enforced(), summary.counts().enforced());
    /// let rule = |r: &Report| r.controls().iter().flat_map(|c| c.rules()).map(|e| (e.proofs(), e.enforced().len())).max().unwrap();
    /// let (proofs, rows) = rule(&full);
    /// assert_eq!(proofs, rows);
    /// assert_eq!(rule(&summary), (proofs, 0));
    /// # Ok::<(), hipaa_stack::Error>(())
    /// ```
    pub fn summary(assembly: &Assembly) -> Report {
        Report::build(assembly, Evidence::Summary, Stacks::Hashed)
    }

    /// [`Report::summary`] without its list of stacks (each with the SHA-256 of its
    /// template) and without the rules under each control (each control keeps its status),
    /// for `check`, which prints the findings, gaps, waivers and the summary and nothing of
    /// the stacks or the rules: hashing every template took a quarter of `check`'s
    /// instructions (`scale check --buckets 1000`: 142 M of 553 M), and the rows of the
    /// rules, copied under every control they serve, 90 MiB of `check --low-memory`'s 220
    /// at N=50,000 (a gap on every bucket). Its disaster-recovery table is empty: `check`
    /// gathers no store of PHI ([`App::check_for_summary`](crate::App)), whose entries, at
    /// N=50,000, were 18 MB of the heap's peak, held twice.
    pub(crate) fn for_check(assembly: &Assembly) -> Report {
        Report::build(assembly, Evidence::Summary, Stacks::Left)
    }

    fn build(assembly: &Assembly, evidence: Evidence, listed: Stacks) -> Report {
        let evaluation = assembly.evaluation();
        // Each list at its final size: grown by doubling, `scale check`'s 50,000 gaps held
        // 65,536 rows (6 MB more at the heap's peak).
        let (mut waived, mut gapped, mut failed) = (0, 0, 0);
        for c in &evaluation.results {
            match &c.status {
                Status::Enforced { .. } => {}
                Status::Waived { .. } => waived += 1,
                Status::Gap { .. } => gapped += 1,
                Status::Failed { .. } => failed += 1,
            }
        }
        let mut waivers = Vec::with_capacity(waived);
        let mut gaps = Vec::with_capacity(gapped);
        let mut findings = Vec::with_capacity(failed);
        let mut unverified: Vec<ResourceRef> = Vec::new();
        let mut seen: HashSet<(&str, &str)> = HashSet::new();
        for c in &evaluation.results {
            if !c.verified_at_compile_time && seen.insert((&c.stack, &c.logical_id)) {
                let r = ResourceRef {
                    stack: c.stack.to_string(),
                    logical_id: c.logical_id.to_string(),
                    construct: c.construct.to_string(),
                    resource_type: c.resource_type.to_string(),
                };
                unverified.push(r);
            }
            match &c.status {
                Status::Enforced { .. } => {}
                Status::Waived {
                    finding,
                    reason,
                    expires,
                    gap,
                } => waivers.push(Row {
                    note: Some(finding.clone()),
                    reason: Some(reason.clone()),
                    expires: expires.clone(),
                    waived_gap: *gap,
                    ..row(c)
                }),
                Status::Gap { reason } => gaps.push(Row {
                    note: Some(reason.clone()),
                    ..row(c)
                }),
                Status::Failed { finding } => findings.push(Row {
                    note: Some(finding.clone()),
                    ..row(c)
                }),
            }
        }

        // The templates' hashes (if listed) on a thread of their own while this one reads
        // the rules.
        let (stacks, (by_rule, disaster_recovery)) = std::thread::scope(|scope| {
            let stacks = (listed == Stacks::Hashed).then(|| {
                scope.spawn(|| {
                    assembly
                        .stacks()
                        .iter()
                        .map(|s| StackEntry {
                            name: s.name().to_owned(),
                            region: s.region().map(str::to_owned),
                            wave: s.wave(),
                            template: s.template_file(),
                            sha256: sha256_hex(s.template_json()),
                            resources: s.template().resources().len(),
                            deployment: None,
                        })
                        .collect::<Vec<_>>()
                })
            });
            let entries = rule_entries(assembly, evidence, listed == Stacks::Hashed);
            let stacks = stacks
                .map(|stacks| {
                    stacks
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .unwrap_or_default();
            (stacks, entries)
        });
        let controls: Vec<ControlEntry> = CONTROLS
            .iter()
            .map(|control| control_entry(control, &by_rule, listed == Stacks::Hashed))
            .collect();
        let mut summary = Summary {
            controls: controls.len(),
            enforced: 0,
            waived: 0,
            gap: 0,
            failed: 0,
            customer: 0,
            not_covered: 0,
            findings: findings.len(),
        };
        for c in &controls {
            match c.status {
                ControlStatus::Enforced => summary.enforced += 1,
                ControlStatus::Waived => summary.waived += 1,
                ControlStatus::Gap => summary.gap += 1,
                ControlStatus::Failed => summary.failed += 1,
                ControlStatus::Customer => summary.customer += 1,
                ControlStatus::NotCovered => summary.not_covered += 1,
            }
        }

        Report {
            schema: SCHEMA,
            tool: Tool {
                name: "hipaa-stack",
                version: env!("CARGO_PKG_VERSION"),
            },
            app: assembly.app().to_owned(),
            checked_on: assembly.checked_on().map(|day| day.to_string()),
            evidence,
            stacks,
            summary,
            controls,
            waivers,
            gaps,
            disaster_recovery,
            findings,
            unused_waivers: evaluation
                .unused_waivers
                .iter()
                .map(|(rule, stack, logical_id)| UnusedWaiver {
                    rule: rule.clone(),
                    stack: stack.clone(),
                    logical_id: logical_id.clone(),
                    construct: None,
                    note: WAIVES_NOTHING.to_owned(),
                })
                .chain(
                    evaluation
                        .waivers_on_nothing
                        .iter()
                        .map(|(rule, stack, construct)| UnusedWaiver {
                            rule: rule.clone(),
                            stack: stack.clone(),
                            logical_id: String::new(),
                            construct: Some(construct.clone()),
                            note: on_nothing_note(rule),
                        }),
                )
                .collect(),
            not_verified_at_compile_time: unverified,
            customer_responsibilities: CUSTOMER_RESPONSIBILITIES,
            graph: Graph {
                stacks: assembly
                    .stacks()
                    .iter()
                    .map(|s| (s.name().to_owned(), s.wave()))
                    .collect(),
                edges: assembly
                    .stacks()
                    .iter()
                    .flat_map(|s| {
                        s.dependencies()
                            .iter()
                            .map(|d| (d.clone(), s.name().to_owned()))
                    })
                    .collect(),
            },
        }
    }

    /// The report as JSON (schema [`SCHEMA`]), with a final newline.
    pub fn to_json(&self) -> Result<String> {
        let mut text = serde_json::to_string_pretty(self).map_err(|source| Error::Serialize {
            place: format!("the report of app `{}`", self.app),
            source,
        })?;
        text.push('\n');
        Ok(text)
    }

    /// Writes `report.json`, `report.md` and `report.html` into `dir`.
    pub fn write(&self, dir: &Path) -> Result<()> {
        // Atomically, never through a symbolic link, and streamed: no file is first built
        // as one string.
        crate::outdir::create(dir)?;
        // Never over a file of the user's own: each of the three names only when it is a
        // report that hipaa-stack wrote (its schema, or the line naming the tool).
        let by_us = format!("Written by {} ", self.tool.name);
        for (name, marker) in [
            ("report.json", "\"hipaa-stack.report/"),
            ("report.md", by_us.as_str()),
            ("report.html", by_us.as_str()),
        ] {
            crate::outdir::refuse_anothers(dir, name, marker)?;
        }
        // The JSON, at thousands of resources the largest of the three, on a thread of its
        // own while this one writes the other two: the first error in the order json, md,
        // html is the error.
        std::thread::scope(|scope| {
            let json = scope.spawn(|| {
                crate::outdir::write_with(dir, "report.json", |file| {
                    serde_json::to_writer_pretty(&mut *file, self)?;
                    file.write_all(b"\n")
                })
            });
            let md = crate::outdir::write_with(dir, "report.md", |file| {
                let mut out = IoFmt::new(file);
                self.markdown_into(&mut out);
                out.finish()
            });
            let html = crate::outdir::write_with(dir, "report.html", |file| {
                let mut out = IoFmt::new(file);
                self.html_into(&mut out);
                out.finish()
            });
            let json = json
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            json.and(md).and(html)
        })
    }
}

/// What the report reads of one stack beside the rules' results: the evidence of its
/// checked resources, grouped by rule, construct, carrier type and property, and its stores
/// of PHI with their copies. Gathered while synthesis still holds the stack's tree, on the
/// thread that checked it, then added to the app's [`Gathered`] in deploy order.
#[derive(Debug)]
pub(crate) struct StackEvidence {
    /// The stack.
    stack: String,
    /// Its proofs, grouped, in the order first met.
    groups: Vec<StackGroup>,
    /// Its stores of PHI ([`Recovery::stack_with`]).
    recovery: Vec<RecoveryEntry>,
}

/// The proofs of one rule on one stack that share a construct, a carrier type and a
/// property: a part of an [`EvidenceGroup`].
#[derive(Debug)]
struct StackGroup {
    rule: &'static str,
    construct: Option<&'static str>,
    resource_type: String,
    path: String,
    resources: usize,
    /// Every distinct value met, in order.
    values: Vec<SeenValue>,
}

/// A distinct value of a [`StackGroup`].
#[derive(Debug)]
struct SeenValue {
    /// The value, for the first [`GROUP_VALUES`] of the group's: only those can be new to
    /// the app's group when the stack is added (an earlier one not listed means the list
    /// was full). The others are read again from the stack, while its tree is held, when
    /// their fingerprint is one of a listed value's.
    value: Option<Option<Value>>,
    /// Its [`fingerprint`].
    print: u64,
    /// Where its first proof is: the index of the checked result in the stack's, and of
    /// the proof in the result's evidence.
    at: (usize, usize),
    /// How many proofs carry it.
    resources: usize,
}

/// The position of each stack of the app in deploy order, by name.
pub(crate) type Positions = foldhash::HashMap<String, usize>;

/// The resource that carries a proof: `LogicalId` in `home`, the template of the checked
/// resource, or `stack/LogicalId` in the template that `other` finds by stack name; `by_id`
/// indexes `home` when it is given.
fn carrier<'t>(
    home: &'t Template,
    other: impl Fn(&str) -> Option<&'t Template>,
    by_id: Option<&foldhash::HashMap<&str, &'t Resource>>,
    id: &str,
) -> Option<&'t Resource> {
    match id.split_once('/') {
        None => match by_id {
            Some(by_id) => by_id.get(id).copied(),
            None => home.resource(id),
        },
        Some((stack, id)) => other(stack)?.resource(id),
    }
}

/// Every stack of the app, in deploy order, as the report reads them stack by stack: with
/// `regions` their pinned regions and `accounts` their environments' accounts by position,
/// `positions` their positions by name, and
/// `lookup` what the disaster-recovery table looks up across the app ([`Lookup::of`]).
#[derive(Clone, Copy)]
pub(crate) struct AppStacks<'a> {
    pub(crate) stacks: &'a [(&'a str, &'a Template)],
    pub(crate) regions: &'a [Option<String>],
    pub(crate) accounts: &'a [Option<String>],
    pub(crate) positions: &'a Positions,
    pub(crate) lookup: &'a Lookup,
}

impl StackEvidence {
    /// What the report reads of `stacks[at]` (of the app's stacks [`AppStacks`]), whose
    /// rules found `checked`, while its
    /// template holds its tree. The evidence is grouped only if `groups`, and the stores of
    /// PHI listed only if `recovery`.
    pub(crate) fn gather(
        AppStacks {
            stacks,
            regions,
            accounts,
            positions,
            lookup,
        }: AppStacks<'_>,
        at: usize,
        checked: &[Checked],
        groups: bool,
        recovery: bool,
    ) -> StackEvidence {
        let Some(&(name, template)) = stacks.get(at) else {
            return StackEvidence {
                stack: String::new(),
                groups: Vec::new(),
                recovery: Vec::new(),
            };
        };
        let groups = if !groups {
            Vec::new()
        } else {
            let by_id: foldhash::HashMap<&str, &Resource> = template
                .resources()
                .iter()
                .map(|r| (r.logical_id(), r))
                .collect();
            let other = |name: &str| Some(stacks.get(*positions.get(name)?)?.1);
            group_stack(
                checked.iter(),
                |c| by_id.get(&*c.logical_id).and_then(|r| r.construct_kind()),
                |_, p| {
                    let resource = carrier(template, other, Some(&by_id), &p.logical_id);
                    (
                        resource.map(Resource::type_name),
                        resource.and_then(|r| r.written_value(&p.path)),
                    )
                },
                GROUP_VALUES,
            )
        };
        let recovery = if recovery {
            let mut recovery = Recovery::with_lookup(stacks, (regions, accounts), lookup);
            recovery.stack_with(at, Resource::properties);
            recovery.take()
        } else {
            Vec::new()
        };
        StackEvidence {
            stack: name.to_owned(),
            groups,
            recovery,
        }
    }
}

/// Groups the proofs of one stack's `checked` results: `kind` names the construct of a
/// checked resource, and `read` the type of the resource that carries a proof and the value
/// it points at; the first `keep` distinct values of each group are kept.
fn group_stack<'a>(
    checked: impl Iterator<Item = &'a Checked>,
    kind: impl Fn(&Checked) -> Option<&'static str>,
    read: impl Fn(&Checked, &Proof) -> (Option<&'a str>, Option<Cow<'a, Value>>),
    keep: usize,
) -> Vec<StackGroup> {
    let mut groups: Vec<StackGroup> = Vec::new();
    // Each group's distinct values, borrowed while the tree is held.
    let mut seen: Vec<Vec<Option<Cow<'a, Value>>>> = Vec::new();
    let mut at: foldhash::HashMap<GroupKey<'a>, usize> = foldhash::HashMap::default();
    for (result, c) in checked.enumerate() {
        let Status::Enforced { evidence } = &c.status else {
            continue;
        };
        let construct = kind(c);
        for (proof, p) in evidence.iter().enumerate() {
            let (carrier, value) = read(c, p);
            let key = (c.rule, construct, carrier.unwrap_or(""), p.path.as_str());
            let i = *at.entry(key).or_insert_with(|| {
                groups.push(StackGroup {
                    rule: c.rule,
                    construct,
                    resource_type: key.2.to_owned(),
                    path: p.path.clone(),
                    resources: 0,
                    values: Vec::new(),
                });
                seen.push(Vec::new());
                groups.len() - 1
            });
            let (group, seen) = (&mut groups[i], &mut seen[i]);
            group.resources += 1;
            let print = fingerprint(value.as_deref());
            let same = group
                .values
                .iter()
                .zip(seen.iter())
                .position(|(v, s)| v.print == print && s.as_deref() == value.as_deref());
            match same {
                Some(v) => group.values[v].resources += 1,
                None => {
                    let kept = (group.values.len() < keep).then(|| value.as_deref().cloned());
                    group.values.push(SeenValue {
                        value: kept,
                        print,
                        at: (result, proof),
                        resources: 1,
                    });
                    seen.push(value);
                }
            }
        }
    }
    groups
}

/// A hash of a value that equal values share (an object's keys in any order), so that
/// values are compared in full only when their fingerprints agree.
fn fingerprint(value: Option<&Value>) -> u64 {
    use std::hash::{BuildHasher, Hash, Hasher};
    // Fast and fixed: a fingerprint is only compared with others of the same run.
    const STATE: foldhash::fast::FixedState =
        foldhash::fast::FixedState::with_seed(0x6869_7061_6121);
    fn walk(value: &Value, hasher: &mut impl Hasher) {
        match value {
            Value::Null => 0u8.hash(hasher),
            Value::Bool(b) => (1u8, b).hash(hasher),
            Value::Number(n) => {
                2u8.hash(hasher);
                if let Some(u) = n.as_u64() {
                    (0u8, u).hash(hasher);
                } else if let Some(i) = n.as_i64() {
                    (1u8, i).hash(hasher);
                } else {
                    // Zero and minus zero are equal.
                    let f = n.as_f64().unwrap_or_default();
                    (2u8, if f == 0.0 { 0 } else { f.to_bits() }).hash(hasher);
                }
            }
            Value::String(s) => (3u8, s).hash(hasher),
            Value::Array(items) => {
                (4u8, items.len()).hash(hasher);
                for item in items {
                    walk(item, hasher);
                }
            }
            Value::Object(map) => {
                // Maps are equal whatever the order of their keys: the entries are summed.
                let sum = map.iter().fold(0u64, |sum, (k, v)| {
                    let mut entry = STATE.build_hasher();
                    k.hash(&mut entry);
                    walk(v, &mut entry);
                    sum.wrapping_add(entry.finish())
                });
                (5u8, map.len(), sum).hash(hasher);
            }
        }
    }
    let mut hasher = STATE.build_hasher();
    match value {
        None => 6u8.hash(&mut hasher),
        Some(value) => walk(value, &mut hasher),
    }
    hasher.finish()
}

/// What the report reads of the whole app beside the rules' results, one stack's
/// [`StackEvidence`] after another in deploy order.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Gathered {
    /// The stacks added, in order.
    stacks: Vec<String>,
    /// The evidence groups of each rule.
    groups: AppGroups,
    /// The stores of PHI ([`link_replicas`] not yet applied).
    recovery: Vec<RecoveryEntry>,
    /// Whether the evidence was grouped.
    grouped: bool,
}

impl Gathered {
    /// What was gathered, saying whether the evidence was grouped.
    pub(crate) fn grouped(self, grouped: bool) -> Self {
        Gathered { grouped, ..self }
    }

    /// Adds the stack at `at` of `stacks` (every stack of the app, in deploy order, the
    /// stacks after it not yet added), whose rules found `checked`, while its tree is held.
    pub(crate) fn add(
        &mut self,
        stacks: &[(&str, &Template)],
        positions: &Positions,
        at: usize,
        checked: &[Checked],
        stack: StackEvidence,
    ) {
        self.stacks.push(stack.stack);
        self.groups.add(stack.groups, |(result, proof)| {
            let p = match &checked.get(result)?.status {
                Status::Enforced { evidence } => evidence.get(proof)?,
                _ => return None,
            };
            let other = |name: &str| Some(stacks.get(*positions.get(name)?)?.1);
            carrier(stacks.get(at)?.1, other, None, &p.logical_id)?
                .written_value(&p.path)
                .map(Cow::into_owned)
        });
        self.recovery.extend(stack.recovery);
    }
}

/// The evidence groups of the whole app, one stack's [`StackGroup`]s after another in
/// deploy order.
#[derive(Debug, Clone, Default, PartialEq)]
struct AppGroups {
    /// Each rule's groups, with the fingerprints of the values each lists.
    by_rule: HashMap<&'static str, Vec<(EvidenceGroup, Vec<u64>)>>,
    /// Where each group is in its rule's, by rule, construct, carrier type and property.
    at: HashMap<(&'static str, Option<&'static str>, String, String), usize>,
}

impl AppGroups {
    /// Adds the groups of the next stack: each counts that stack once, and the first
    /// [`GROUP_VALUES`] distinct values met in stack order are listed, the rest counted.
    /// A value the stack did not keep is read by `read` from where its first proof is.
    fn add(&mut self, groups: Vec<StackGroup>, read: impl Fn((usize, usize)) -> Option<Value>) {
        for g in groups {
            let list = self.by_rule.entry(g.rule).or_default();
            let at = *self
                .at
                .entry((g.rule, g.construct, g.resource_type, g.path))
                .or_insert_with_key(|(_, construct, resource_type, path)| {
                    list.push((
                        EvidenceGroup {
                            construct: *construct,
                            resource_type: resource_type.clone(),
                            path: path.clone(),
                            resources: 0,
                            stacks: 0,
                            values: Vec::new(),
                            other_values: 0,
                        },
                        Vec::new(),
                    ));
                    list.len() - 1
                });
            let (group, prints) = &mut list[at];
            group.resources += g.resources;
            group.stacks += 1;
            for seen in g.values {
                let mut value = seen.value;
                let listed = prints.iter().zip(&group.values).position(|(p, v)| {
                    *p == seen.print && *value.get_or_insert_with(|| read(seen.at)) == v.value
                });
                match listed {
                    Some(v) => group.values[v].resources += seen.resources,
                    None if group.values.len() < GROUP_VALUES => {
                        group.values.push(GroupValue {
                            value: value.unwrap_or_else(|| read(seen.at)),
                            resources: seen.resources,
                        });
                        prints.push(seen.print);
                    }
                    None => group.other_values += seen.resources,
                }
            }
        }
    }

    /// Each rule's groups, into `entries`.
    fn into_entries(self, entries: &mut RuleEntries) {
        for (rule, groups) in self.by_rule {
            entries
                .entry(rule)
                .or_insert_with(|| RuleEntry::new(rule))
                .groups = groups.into_iter().map(|(g, _)| g).collect();
        }
    }
}

impl RuleEntry {
    fn new(rule: &'static str) -> RuleEntry {
        RuleEntry {
            id: rule,
            title: rule_spec(rule).map_or("", |r| r.title),
            proofs: 0,
            groups: Vec::new(),
            enforced: Vec::new(),
            waived: Vec::new(),
            failed: Vec::new(),
            gaps: Vec::new(),
        }
    }
}

/// Counts the proofs of one stack's `checked` results under their rules, and lists its
/// waivers, findings and gaps: every row when `listed` (the report lists the rules under
/// their controls), otherwise only the first of each kind, which is all a control's status
/// reads ([`control_entry`]): `check` printed none of them, and the rows of a gap on every
/// bucket were most of `check --low-memory`'s peak at N=50,000.
fn count_rows(entries: &mut RuleEntries, checked: &[&Checked], listed: bool) {
    for c in checked {
        let entry = entries
            .entry(c.rule)
            .or_insert_with(|| RuleEntry::new(c.rule));
        let kept = |rows: &Vec<Row>| listed || rows.is_empty();
        match &c.status {
            Status::Enforced { evidence } => entry.proofs += evidence.len(),
            Status::Waived {
                finding,
                reason,
                expires,
                gap,
            } if kept(&entry.waived) => entry.waived.push(Row {
                note: Some(finding.clone()),
                reason: Some(reason.clone()),
                expires: expires.clone(),
                waived_gap: *gap,
                ..row(c)
            }),
            Status::Failed { finding } if kept(&entry.failed) => entry.failed.push(Row {
                note: Some(finding.clone()),
                ..row(c)
            }),
            Status::Gap { reason } if kept(&entry.gaps) => entry.gaps.push(Row {
                note: Some(reason.clone()),
                ..row(c)
            }),
            Status::Waived { .. } | Status::Failed { .. } | Status::Gap { .. } => {}
        }
    }
}

/// What each rule found, by rule id, and the disaster-recovery table.
///
/// From what synthesis gathered of each stack while it held the stack's tree
/// ([`StackEvidence`]) when it did and the report does not list every proof; otherwise in
/// one pass over the stacks: each stack's written template is parsed once, its evidence read
/// and its stores' copies found, then its tree is dropped, so that the report holds one
/// template's tree at a time, never the whole app's.
fn rule_entries(
    assembly: &Assembly,
    itemize: Evidence,
    listed: bool,
) -> (RuleEntries, Vec<RecoveryEntry>) {
    let results = &assembly.evaluation().results;
    // The results come stack by stack: one lookup per run of a stack's results.
    let mut by_stack: HashMap<&str, Vec<&Checked>> = HashMap::new();
    for run in results.chunk_by(|a, b| a.stack == b.stack) {
        by_stack.entry(&*run[0].stack).or_default().extend(run);
    }
    let mut entries = RuleEntries::default();
    // The proofs of the rules that hold, where the evaluation counted them
    // ([`Results::Counted`](crate::compliance::Results)) rather than kept them.
    for (&rule, &proofs) in &assembly.evaluation().proofs {
        entries
            .entry(rule)
            .or_insert_with(|| RuleEntry::new(rule))
            .proofs += proofs;
    }
    let stacks = assembly.stacks();
    // The checked results of stacks the assembly does not list (none, from `synth`) are
    // read last, without values, so that nothing is dropped.
    let mut rest: Vec<&str> = by_stack
        .keys()
        .copied()
        .filter(|k| assembly.stack(k).is_none())
        .collect();
    rest.sort_unstable();
    let gathered = assembly.evaluation().gathered.as_ref().filter(|gathered| {
        (itemize == Evidence::Summary || (itemize == Evidence::Grouped && gathered.grouped))
            && gathered.stacks.len() == stacks.len()
            && gathered
                .stacks
                .iter()
                .zip(stacks)
                .all(|(g, s)| *g == s.name())
    });
    if let Some(gathered) = gathered {
        for name in stacks.iter().map(|s| s.name()).chain(rest) {
            if let Some(checked) = by_stack.remove(name) {
                count_rows(&mut entries, &checked, listed);
            }
        }
        if itemize == Evidence::Grouped {
            gathered.groups.clone().into_entries(&mut entries);
        }
        return (entries, link_replicas(gathered.recovery.clone()));
    }

    let mut groups = AppGroups::default();
    let mut recovery = Recovery::new(assembly);
    let mut order: Vec<(Option<usize>, &str)> = stacks
        .iter()
        .enumerate()
        .map(|(i, s)| (Some(i), s.name()))
        .collect();
    order.extend(rest.into_iter().map(|name| (None, name)));
    // A second thread parses the next templates while this one reads the evidence of the
    // last; at most two trees wait, so memory stays that of a few templates.
    std::thread::scope(|scope| {
        let (send, trees) = std::sync::mpsc::sync_channel::<Value>(2);
        let texts: Vec<Option<&str>> = order
            .iter()
            .map(|(i, _)| i.map(|i| stacks[i].template_json()))
            .collect();
        scope.spawn(move || {
            for text in texts {
                if send.send(text.map_or(Value::Null, written_tree)).is_err() {
                    return;
                }
            }
        });
        for (index, name) in order {
            let tree = trees.recv().unwrap_or(Value::Null);
            if let Some(i) = index {
                recovery.stack(i, &tree);
            }
            let Some(checked) = by_stack.remove(name) else {
                continue;
            };
            count_rows(&mut entries, &checked, listed);
            if itemize == Evidence::Summary {
                continue;
            }
            let by_id: HashMap<&str, &Resource> = index
                .map(|i| {
                    stacks[i]
                        .template()
                        .resources()
                        .iter()
                        .map(|r| (r.logical_id(), r))
                        .collect()
                })
                .unwrap_or_default();
            let resources = &tree["Resources"];
            // The resource that carries the property: in this stack, or named
            // `stack/LogicalId` in another.
            let read = |c: &Checked, p: &Proof| match p.logical_id.split_once('/') {
                None => (
                    by_id.get(p.logical_id.as_str()).map(|r| r.type_name()),
                    resources
                        .get(p.logical_id.as_str())
                        .and_then(|r| crate::cfn::pointer::lookup(r, &p.path))
                        .map(Cow::Borrowed),
                ),
                Some((other, id)) => (
                    assembly
                        .stack(other)
                        .and_then(|s| s.template().resource(id))
                        .map(|r| r.type_name()),
                    assembly.evidence(&c.stack, p).map(Cow::Owned),
                ),
            };
            let kind = |c: &Checked| by_id.get(&*c.logical_id).and_then(|r| r.construct_kind());
            if itemize == Evidence::Grouped {
                let found = group_stack(checked.iter().copied(), kind, read, GROUP_VALUES);
                groups.add(found, |(result, proof)| {
                    let c = checked.get(result)?;
                    let Status::Enforced { evidence } = &c.status else {
                        return None;
                    };
                    read(c, evidence.get(proof)?).1.map(Cow::into_owned)
                });
                continue;
            }
            for c in checked {
                let Status::Enforced { evidence } = &c.status else {
                    continue;
                };
                let entry = entries
                    .entry(c.rule)
                    .or_insert_with(|| RuleEntry::new(c.rule));
                for p in evidence {
                    entry.enforced.push(Row {
                        logical_id: p.logical_id.clone(),
                        path: Some(p.path.clone()),
                        value: read(c, p).1.map(Cow::into_owned),
                        ..row(c)
                    });
                }
            }
        }
    });
    groups.into_entries(&mut entries);
    (entries, recovery.finish())
}

/// What each rule found, by rule id (looked up once per checked result).
type RuleEntries = foldhash::HashMap<&'static str, RuleEntry>;

/// A group of proofs: the rule, the construct, the carrier's type and the property.
type GroupKey<'a> = (&'static str, Option<&'static str>, &'a str, &'a str);

/// A file as a [`std::fmt::Write`], for the renderings that write text piece by piece: the
/// first error of the file is kept and returned by [`IoFmt::finish`].
struct IoFmt<'w> {
    file: &'w mut dyn std::io::Write,
    error: Option<std::io::Error>,
}

impl<'w> IoFmt<'w> {
    fn new(file: &'w mut dyn std::io::Write) -> Self {
        IoFmt { file, error: None }
    }

    fn finish(self) -> std::io::Result<()> {
        self.error.map_or(Ok(()), Err)
    }
}

impl std::fmt::Write for IoFmt<'_> {
    fn write_str(&mut self, text: &str) -> std::fmt::Result {
        if self.error.is_some() {
            return Err(std::fmt::Error);
        }
        self.file.write_all(text.as_bytes()).map_err(|e| {
            self.error = Some(e);
            std::fmt::Error
        })
    }
}

/// A control, its status from what the rules that serve it found, and, when `listed`,
/// those rules.
fn control_entry(control: &'static Control, by_rule: &RuleEntries, listed: bool) -> ControlEntry {
    let entries: Vec<&RuleEntry> = rules()
        .filter(|r| r.controls.contains(&control.id))
        .filter_map(|rule| by_rule.get(rule.id))
        .filter(|entry| {
            !(entry.proofs == 0
                && entry.waived.is_empty()
                && entry.failed.is_empty()
                && entry.gaps.is_empty())
        })
        .collect();
    let customer: Vec<&'static str> = CUSTOMER_RESPONSIBILITIES
        .iter()
        .filter(|r| r.controls.contains(&control.id))
        .map(|r| r.id)
        .collect();
    let any = |f: fn(&RuleEntry) -> bool| entries.iter().any(|e| f(e));
    // A control is enforced (with waivers or not) only where a template proves it on some
    // resource: one whose rules were all waived, wherever they ran, is enforced nowhere,
    // and is a gap that the waivers accept in writing (they are listed under its rules).
    let status = if any(|e| !e.failed.is_empty()) {
        ControlStatus::Failed
    } else if any(|e| !e.gaps.is_empty())
        || (any(|e| !e.waived.is_empty()) && !any(|e| e.proofs > 0))
    {
        ControlStatus::Gap
    } else if customer_led(control.id) {
        // A control whose requirement no template holds (a contract, an analysis, a
        // procedure of people) is the customer's, however many proofs the rules that
        // support it found: they are listed under it, and never make it "enforced".
        ControlStatus::Customer
    } else if any(|e| !e.waived.is_empty()) {
        ControlStatus::Waived
    } else if any(|e| e.proofs > 0) {
        ControlStatus::Enforced
    } else if !customer.is_empty() {
        ControlStatus::Customer
    } else {
        ControlStatus::NotCovered
    };
    ControlEntry {
        id: control.id,
        title: control.title,
        requirement: control.requirement,
        nist: control.nist,
        status,
        rules: if listed {
            entries.into_iter().cloned().collect()
        } else {
            Vec::new()
        },
        customer,
    }
}

fn value_text(v: &Option<Value>) -> String {
    match v {
        Some(Value::String(s)) => format!("\"{s}\""),
        Some(v) => {
            let text = v.to_string();
            if text.len() > 120 {
                format!(
                    "{}…",
                    &text[..text.char_indices().nth(117).map_or(text.len(), |(i, _)| i)]
                )
            } else {
                text
            }
        }
        None => String::new(),
    }
}

/// How many proofs a group holds, in how many stacks.
fn resources_text(g: &EvidenceGroup) -> String {
    let stacks = if g.stacks == 1 { "stack" } else { "stacks" };
    format!("{} in {} {stacks}", g.resources, g.stacks)
}

/// The values of a group with their counts, each shown by `show`, and how many proofs hold
/// another value.
fn group_values_text(g: &EvidenceGroup, show: impl Fn(String) -> String) -> String {
    let mut parts: Vec<String> = g
        .values
        .iter()
        .map(|v| format!("{} ({})", show(value_text(&v.value)), v.resources))
        .collect();
    if g.other_values > 0 {
        parts.push(format!(
            "{} more with other values (report --full lists each)",
            g.other_values
        ));
    }
    parts.join("; ")
}

/// Rows that say the same thing of several resources (one rule, one label, one note, one
/// reason, one last day), gathered in the order first met, so that a page lists the
/// resources of a gap once instead of repeating the gap for each.
fn gathered<'r>(
    rows: impl Iterator<Item = (&'r Row, &'static str)>,
) -> Vec<(&'static str, &'r Row, Vec<&'r Row>)> {
    let mut out: Vec<(&'static str, &'r Row, Vec<&'r Row>)> = Vec::new();
    let mut at: HashMap<RowKey<'r>, usize> = HashMap::new();
    for (row, label) in rows {
        let key = (
            row.rule,
            label,
            row.note.as_deref(),
            row.reason.as_deref(),
            row.expires.as_deref(),
        );
        match at.get(&key) {
            Some(&i) => out[i].2.push(row),
            None => {
                at.insert(key, out.len());
                out.push((label, row, vec![row]));
            }
        }
    }
    out
}

/// What gathered rows share: the rule, the label, the note, the reason, the last day.
type RowKey<'r> = (
    &'static str,
    &'static str,
    Option<&'r str>,
    Option<&'r str>,
    Option<&'r str>,
);

/// The constructs of rows, comma-separated.
fn constructs_text<'r>(rows: impl Iterator<Item = &'r str>) -> String {
    let mut out = String::new();
    for (i, c) in rows.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(c);
    }
    out
}

/// The stores of the disaster-recovery table that share their region, their copies and
/// whether one is in another region, in the order first met.
fn gathered_stores(entries: &[RecoveryEntry]) -> Vec<(&RecoveryEntry, Vec<String>, Vec<&str>)> {
    let mut out: Vec<(&RecoveryEntry, Vec<String>, Vec<&str>)> = Vec::new();
    let mut at: HashMap<(Option<&str>, Vec<String>, bool), usize> = HashMap::new();
    for e in entries {
        let copies = copies_text(e);
        let key = (e.region.as_deref(), copies.clone(), e.in_another_region);
        match at.get(&key) {
            Some(&i) => out[i].2.push(&e.construct),
            None => {
                at.insert(key, out.len());
                out.push((e, copies, vec![&e.construct]));
            }
        }
    }
    out
}

/// `text` (a note, a reason, a value a template holds) as Markdown shows it as written, in a
/// table cell when `cell`: each control or invisible formatting character as its code point
/// ([`shown`]); outside the code spans that the text writes (as CommonMark finds them: a
/// run of backticks closed by a run of the same length), `<` and `&` as entities, so that no
/// HTML (a `<!--` hides every line after it) and no character reference (`&#x202E;`) is
/// rendered, and a backslash or an unclosed backtick escaped; in a cell, every `|` escaped
/// (GFM tables take `\|` inside code spans too).
fn md_text(text: &str, cell: bool) -> String {
    let text = shown(text);
    let chars: Vec<char> = text.chars().collect();
    let run_at = |at: usize| chars[at..].iter().take_while(|&&c| c == '`').count();
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            let run = run_at(i);
            let mut j = i + run;
            let mut close = None;
            while j < chars.len() {
                if chars[j] == '`' {
                    let r = run_at(j);
                    if r == run {
                        close = Some(j);
                        break;
                    }
                    j += r;
                } else {
                    j += 1;
                }
            }
            match close {
                Some(end) => {
                    out.extend(&chars[i..i + run]);
                    for &inside in &chars[i + run..end] {
                        if cell && inside == '|' {
                            out.push_str("\\|");
                        } else {
                            out.push(inside);
                        }
                    }
                    out.extend(&chars[end..end + run]);
                    i = end + run;
                }
                None => {
                    for _ in 0..run {
                        out.push_str("\\`");
                    }
                    i += run;
                }
            }
            continue;
        }
        match c {
            '\\' => out.push_str("\\\\"),
            '<' => out.push_str("&lt;"),
            '&' => out.push_str("&amp;"),
            '|' if cell => out.push_str("\\|"),
            c => out.push(c),
        }
        i += 1;
    }
    out
}

/// [`md_text`] of a table cell.
fn md_cell(text: &str) -> String {
    md_text(text, true)
}

/// `text` as one Markdown code span (outside tables), whatever backticks it holds: fenced by
/// one backtick more than its longest run, padded with a space where it starts or ends with
/// a backtick (or a space, which CommonMark would strip), its control and invisible
/// characters as their code points.
fn md_code(text: &str) -> String {
    let text = shown(text);
    if text.is_empty() {
        return "``".to_owned();
    }
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`')
        || text.ends_with('`')
        || (text.starts_with(' ') && text.ends_with(' ') && !text.trim().is_empty())
    {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

impl Report {
    /// The report as Markdown.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        self.markdown_into(&mut out);
        out
    }

    /// The Markdown, written piece by piece into `out` (a file, through [`Report::write`]).
    fn markdown_into(&self, out: &mut impl std::fmt::Write) {
        let s = &self.summary;
        let _ = writeln!(
            out,
            "# HIPAA compliance report: {}\n",
            md_text(&self.app, false)
        );
        let _ = writeln!(
            out,
            "Written by {} {} from the synthesized templates (schema `{}`).\n",
            self.tool.name, self.tool.version, self.schema
        );
        if let Some(day) = &self.checked_on {
            let _ = writeln!(
                out,
                "The rules were read as of **{day}** (UTC): a waiver holds until its last day, compared with this one.\n"
            );
        }
        let _ = writeln!(
            out,
            "**{} controls**: {} enforced, {} enforced with waivers, {} gaps, {} failed, {} the customer's, {} not covered by this app. **{} unwaived findings.**\n",
            s.controls,
            s.enforced,
            s.waived,
            s.gap,
            s.failed,
            s.customer,
            s.not_covered,
            s.findings
        );
        let _ = out.write_str("## Templates\n\n| stack | wave | region | template | resources | SHA-256 |\n|---|---|---|---|---|---|\n");
        for st in &self.stacks {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | `{}` |",
                st.name,
                st.wave,
                st.region.as_deref().unwrap_or("deploy region"),
                st.template,
                st.resources,
                st.sha256
            );
        }
        let _ = out.write_str("\n## Controls\n\n| control | title | requirement | status | enforced by | NIST SP 800-53 |\n|---|---|---|---|---|---|\n");
        for c in &self.controls {
            let mut by: Vec<String> = c.rules.iter().map(|r| r.id.to_owned()).collect();
            if !c.customer.is_empty() {
                by.push(format!("customer: {}", c.customer.join(", ")));
            }
            let _ = writeln!(
                out,
                "| §{} | {} | {:?} | {} | {} | {} |",
                c.id,
                c.title,
                c.requirement,
                c.status.label(),
                by.join("; "),
                c.nist.join(", ")
            );
        }
        let _ = out.write_str("\n## Evidence\n");
        for c in self.controls.iter().filter(|c| !c.rules.is_empty()) {
            let _ = writeln!(out, "\n### §{} {} ({})\n", c.id, c.title, c.status.label());
            for r in &c.rules {
                let _ = writeln!(out, "- **{}** {}", r.id, r.title);
                if r.enforced.is_empty() && r.groups.is_empty() && r.proofs > 0 {
                    let _ = writeln!(
                        out,
                        "  - {} proof(s), counted (`report --full` lists each)",
                        r.proofs
                    );
                }
                for g in &r.groups {
                    let _ = writeln!(
                        out,
                        "  - {} {} {} on {}: {}",
                        g.construct.unwrap_or("raw resource"),
                        md_code(&g.resource_type),
                        md_code(&g.path),
                        resources_text(g),
                        group_values_text(g, |v| md_code(&v))
                    );
                }
                for e in &r.enforced {
                    let _ = writeln!(
                        out,
                        "  - `{}` {} = {}",
                        e.construct,
                        md_code(&format!(
                            "{}{}",
                            e.logical_id,
                            e.path.as_deref().unwrap_or("")
                        )),
                        md_code(&value_text(&e.value))
                    );
                }
                for (label, first, rows) in gathered(
                    r.waived
                        .iter()
                        .map(|w| (w, "waived"))
                        .chain(r.gaps.iter().map(|g| (g, "gap")))
                        .chain(r.failed.iter().map(|f| (f, "**failed**"))),
                ) {
                    let on = if rows.len() == 1 {
                        format!("`{}`", first.construct)
                    } else if label == "**failed**" {
                        format!(
                            "{} resources ({})",
                            rows.len(),
                            constructs_text(rows.iter().map(|r| r.construct.as_str()))
                        )
                    } else {
                        format!(
                            "{} resources (listed under {})",
                            rows.len(),
                            if label == "gap" { "Gaps" } else { "Waivers" }
                        )
                    };
                    let text = match label {
                        "waived" => first.reason.as_deref(),
                        _ => first.note.as_deref(),
                    };
                    let _ = writeln!(
                        out,
                        "  - {label} on {on}: {}",
                        md_text(text.unwrap_or(""), false)
                    );
                }
            }
        }
        let _ = out.write_str("\n## Waivers\n\n");
        if self.waivers.is_empty() {
            let _ = out.write_str("None.\n");
        } else {
            let _ = out.write_str(
                "| rule | resource | finding | reason | expires |\n|---|---|---|---|---|\n",
            );
            for (_, w, rows) in gathered(self.waivers.iter().map(|w| (w, "waived"))) {
                let on = if rows.len() == 1 {
                    format!("`{}` ({})", w.construct, w.logical_id)
                } else {
                    format!(
                        "{} resources: {}",
                        rows.len(),
                        constructs_text(rows.iter().map(|r| r.construct.as_str()))
                    )
                };
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} |",
                    w.rule,
                    on,
                    md_cell(w.note.as_deref().unwrap_or("")),
                    md_cell(w.reason.as_deref().unwrap_or("")),
                    md_cell(w.expires.as_deref().unwrap_or("never"))
                );
            }
        }
        let _ = out.write_str("\n## Gaps\n\n");
        if self.gaps.is_empty() {
            let _ = out.write_str("None.\n");
        }
        for (_, g, rows) in gathered(self.gaps.iter().map(|g| (g, "gap"))) {
            let on = if rows.len() == 1 {
                format!("`{}` ({})", g.construct, g.logical_id)
            } else {
                format!(
                    "{} resources ({})",
                    rows.len(),
                    constructs_text(rows.iter().map(|r| r.construct.as_str()))
                )
            };
            let _ = writeln!(
                out,
                "- {} on {on}: {}",
                g.rule,
                md_text(g.note.as_deref().unwrap_or(""), false)
            );
        }
        let _ = out.write_str("\n## Disaster recovery\n\n");
        if self.disaster_recovery.is_empty() {
            let _ = out.write_str("No store of PHI.\n");
        } else {
            let phi = self.disaster_recovery.iter().filter(|e| !e.audit_records);
            let stores = phi.clone().count();
            let covered = phi.filter(|e| e.in_another_region).count();
            let audit = if stores == self.disaster_recovery.len() {
                ""
            } else {
                " The buckets of audit records (the audit trail's log files, AWS Config's history, and their replicas), which are kept for audit rather than as copies of PHI (the typed exceptions of rule S10, listed under Waivers), are listed too, and not counted."
            };
            let _ = writeln!(
                out,
                "Every store of PHI, and where its copies are (§164.308(a)(7)(ii)(B)): {covered} of {stores} have a copy in another region.{audit}\n"
            );
            let _ = writeln!(
                out,
                "| store | region | copies | in another region |\n|---|---|---|---|"
            );
            for (e, copies, stores) in gathered_stores(&self.disaster_recovery) {
                let store = if stores.len() == 1 {
                    format!("`{}`", e.construct)
                } else {
                    format!(
                        "{} stores: {}",
                        stores.len(),
                        constructs_text(stores.into_iter())
                    )
                };
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    store,
                    e.region.as_deref().unwrap_or("the deploy region"),
                    if copies.is_empty() {
                        "none".to_owned()
                    } else {
                        md_cell(&copies.join("; "))
                    },
                    if e.in_another_region { "yes" } else { "no" }
                );
            }
        }
        if !self.findings.is_empty() {
            let _ = out.write_str("\n## Unwaived findings\n\n");
            for f in &self.findings {
                let fix = rule_spec(f.rule).map_or("", |r| r.fix);
                let _ = writeln!(
                    out,
                    "- {} on `{}` ({}): {}; fix: {}",
                    f.rule,
                    f.construct,
                    f.logical_id,
                    md_text(f.note.as_deref().unwrap_or(""), false),
                    fix
                );
            }
        }
        if !self.unused_waivers.is_empty() {
            let _ = out.write_str("\n## Waivers that waive nothing\n\n");
            for w in &self.unused_waivers {
                let _ = writeln!(
                    out,
                    "- {} on {}: {}",
                    w.rule,
                    unused_waiver_place(w, |t| format!("`{t}`")),
                    w.note
                );
            }
        }
        let _ = out.write_str("\n## Not verified at compile time\n\n");
        if self.not_verified_at_compile_time.is_empty() {
            let _ = out.write_str("None: every resource comes from a construct whose settings are checked by the compiler.\n");
        }
        for r in &self.not_verified_at_compile_time {
            let _ = writeln!(
                out,
                "- `{}` ({}, `{}`): raw resource, checked by the rules only",
                r.construct,
                md_text(&r.resource_type, false),
                r.logical_id
            );
        }
        let _ = out.write_str("\n## The customer's responsibilities\n\nNo template can do these; they remain the customer's under the shared responsibility model.\n\n");
        for r in self.customer_responsibilities {
            let _ = writeln!(
                out,
                "- **{}**: {} (§{})",
                r.title,
                r.detail,
                r.controls.join(", §")
            );
        }
        let _ = out.write_str("\n## Stack graph\n\n```mermaid\nflowchart LR\n");
        for (i, (name, wave)) in self.graph.stacks.iter().enumerate() {
            let _ = writeln!(out, "  s{i}[\"{name} (wave {wave})\"]");
        }
        for (a, b) in &self.graph.edges {
            let index = |n: &String| {
                self.graph
                    .stacks
                    .iter()
                    .position(|(s, _)| s == n)
                    .unwrap_or(0)
            };
            let _ = writeln!(out, "  s{} --> s{}", index(a), index(b));
        }
        let _ = out.write_str("```\n");
    }
}

/// Where an unused waiver is: its construct, or its stack and resource, each through
/// `code`.
pub(crate) fn unused_waiver_place(w: &UnusedWaiver, code: impl Fn(&str) -> String) -> String {
    match &w.construct {
        Some(construct) => format!("the construct {}", code(construct)),
        None => format!("{} in stack {}", code(&w.logical_id), code(&w.stack)),
    }
}

/// One copy of a store, in words.
fn copy_text(c: &crate::compliance::recovery::Copy) -> String {
    let region = c
        .region
        .as_deref()
        .map_or_else(String::new, |r| format!(" in {r}"));
    let by = if c.kind == "backup" { "by" } else { "to" };
    format!("{} {by} `{}`{region}: {}", c.kind, c.to, c.detail)
}

/// The copies of a store in words, or what it is the copy of (and, for a bucket of audit
/// records, that it holds no PHI).
fn copies_text(e: &RecoveryEntry) -> Vec<String> {
    let mut out: Vec<String> = e
        .audit_records
        .then(|| "audit records, no PHI (rule S10)".to_owned())
        .into_iter()
        .collect();
    out.extend(e.copy_of.iter().map(|s| format!("the replica of `{s}`")));
    out.extend(e.copies.iter().map(copy_text));
    out
}

/// The constructs of gathered rows for a page: one in `<code>`, several counted, listed in
/// a collapsed `<details>`.
fn constructs_cell(rows: &[&Row]) -> String {
    match rows {
        [one] => format!("<code>{}</code>", html(&one.construct)),
        _ => format!(
            "<details><summary>{} resources</summary>{}</details>",
            rows.len(),
            html(&constructs_text(rows.iter().map(|r| r.construct.as_str())))
        ),
    }
}

/// `text` as HTML shows it as written: the markup characters as entities, and control and
/// invisible formatting characters as their code points ([`shown`]).
fn html(text: &str) -> String {
    let text = shown(text);
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font:15px/1.5 system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1b1f24}\
h1{font-size:1.6rem}h2{margin-top:2.2rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}\
table{border-collapse:collapse;width:100%;margin:.6rem 0}th,td{border:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}\
th{background:#f6f8fa}code{font:13px ui-monospace,Menlo,Consolas,monospace;background:#f6f8fa;padding:0 .2rem;word-break:break-all}\
.badge{display:inline-block;border-radius:1rem;padding:0 .6rem;font-size:.85rem;white-space:nowrap}\
.enforced{background:#dafbe1;color:#116329}.waived{background:#fff8c5;color:#7d4e00}.gap{background:#ffebe9;color:#a40e26}\
.failed{background:#a40e26;color:#fff}.customer{background:#ddf4ff;color:#0a3069}.not-covered{background:#eaeef2;color:#57606a}\
details{border:1px solid #d0d7de;border-radius:6px;margin:.5rem 0;padding:.4rem .8rem}summary{cursor:pointer}\
.cards{display:flex;gap:.8rem;flex-wrap:wrap}.card{border:1px solid #d0d7de;border-radius:6px;padding:.6rem 1rem;min-width:8rem}\
.card b{display:block;font-size:1.5rem}svg text{font:13px system-ui,sans-serif}";

fn badge(status: ControlStatus) -> String {
    let class = match status {
        ControlStatus::Enforced => "enforced",
        ControlStatus::Waived => "waived",
        ControlStatus::Gap => "gap",
        ControlStatus::Failed => "failed",
        ControlStatus::Customer => "customer",
        ControlStatus::NotCovered => "not-covered",
    };
    format!("<span class=\"badge {class}\">{}</span>", status.label())
}

impl Report {
    /// The stack graph as an SVG picture: waves as columns, an arrow from each stack to the
    /// stacks that use it.
    pub fn graph_svg(&self) -> String {
        const W: usize = 210;
        const H: usize = 44;
        const GAP_X: usize = 70;
        const GAP_Y: usize = 24;
        let mut row_in_wave: Vec<usize> = Vec::new();
        let mut positions: Vec<(usize, usize)> = Vec::new();
        for (_, wave) in &self.graph.stacks {
            if row_in_wave.len() <= *wave {
                row_in_wave.resize(wave + 1, 0);
            }
            let row = row_in_wave[*wave];
            row_in_wave[*wave] += 1;
            positions.push((20 + wave * (W + GAP_X), 20 + row * (H + GAP_Y)));
        }
        let width = 40 + row_in_wave.len().max(1) * (W + GAP_X);
        let height = 40 + row_in_wave.iter().copied().max().unwrap_or(1) * (H + GAP_Y);
        let mut svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"stack graph\">\
<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\"><path d=\"M0,0L10,5L0,10z\" fill=\"#57606a\"/></marker></defs>"
        );
        let index = |n: &String| self.graph.stacks.iter().position(|(s, _)| s == n);
        for (a, b) in &self.graph.edges {
            if let (Some(a), Some(b)) = (index(a), index(b)) {
                let (ax, ay) = positions[a];
                let (bx, by) = positions[b];
                let _ = write!(
                    svg,
                    "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#57606a\" stroke-width=\"1.5\" marker-end=\"url(#arrow)\"/>",
                    ax + W,
                    ay + H / 2,
                    bx,
                    by + H / 2
                );
            }
        }
        for ((name, wave), (x, y)) in self.graph.stacks.iter().zip(&positions) {
            let _ = write!(
                svg,
                "<rect x=\"{x}\" y=\"{y}\" width=\"{W}\" height=\"{H}\" rx=\"6\" fill=\"#f6f8fa\" stroke=\"#8c959f\"/>\
<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#57606a\" font-size=\"11\">wave {wave}</text>",
                x + W / 2,
                y + 19,
                html(name),
                x + W / 2,
                y + 35
            );
        }
        svg.push_str("</svg>");
        svg
    }

    /// The report as one self-contained HTML page.
    pub fn to_html(&self) -> String {
        let mut out = String::new();
        self.html_into(&mut out);
        out
    }

    /// The HTML, written piece by piece into `out` (a file, through [`Report::write`]).
    fn html_into(&self, out: &mut impl std::fmt::Write) {
        let s = &self.summary;
        let _ = write!(
            out,
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>HIPAA compliance report: {app}</title><style>{STYLE}</style></head><body>\
<h1>HIPAA compliance report: {app}</h1><p>Written by {tool} {version} from the synthesized CloudFormation templates. \
Each control lists the resources and template properties that enforce it; waivers carry their reasons; what no template can do is listed as the customer's.</p>",
            app = html(&self.app),
            tool = self.tool.name,
            version = self.tool.version
        );
        if let Some(day) = &self.checked_on {
            let _ = write!(
                out,
                "<p>The rules were read as of <b>{}</b> (UTC): a waiver holds until its last day, compared with this one.</p>",
                html(day)
            );
        }
        let _ = write!(
            out,
            "<div class=\"cards\"><div class=\"card\"><b>{}</b>controls</div><div class=\"card\"><b>{}</b>{}</div><div class=\"card\"><b>{}</b>{}</div><div class=\"card\"><b>{}</b>{}</div><div class=\"card\"><b>{}</b>{}</div><div class=\"card\"><b>{}</b>{}</div><div class=\"card\"><b>{}</b>unwaived findings</div></div>",
            s.controls,
            s.enforced,
            badge(ControlStatus::Enforced),
            s.waived,
            badge(ControlStatus::Waived),
            s.gap,
            badge(ControlStatus::Gap),
            s.customer,
            badge(ControlStatus::Customer),
            s.not_covered,
            badge(ControlStatus::NotCovered),
            s.findings
        );
        let _ = out.write_str("<h2>Controls</h2><table><tr><th>control</th><th>title</th><th>requirement</th><th>status</th><th>enforced by</th><th>NIST SP 800-53 Rev. 5</th></tr>");
        for c in &self.controls {
            let rules: Vec<String> = c
                .rules
                .iter()
                .map(|r| format!("<a href=\"#{}\">{}</a>", html(c.id), r.id))
                .collect();
            let mut by = rules.join(", ");
            if !c.customer.is_empty() {
                if !by.is_empty() {
                    by.push_str("; ");
                }
                let _ = write!(by, "the customer: {}", html(&c.customer.join(", ")));
            }
            let _ = write!(
                out,
                "<tr><td>§{}</td><td>{}</td><td>{:?}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                html(c.id),
                html(c.title),
                c.requirement,
                badge(c.status),
                by,
                c.nist.join(", ")
            );
        }
        let _ = out.write_str("</table><h2>Evidence</h2>");
        for c in self.controls.iter().filter(|c| !c.rules.is_empty()) {
            let _ = write!(
                out,
                "<details id=\"{}\"><summary>§{} {} {}</summary>",
                html(c.id),
                html(c.id),
                html(c.title),
                badge(c.status)
            );
            for r in &c.rules {
                let _ = write!(
                    out,
                    "<h4>{} — {}</h4><table><tr><th>construct</th><th>resource</th><th>property</th><th>value</th></tr>",
                    r.id,
                    html(r.title)
                );
                if r.enforced.is_empty() && r.groups.is_empty() && r.proofs > 0 {
                    let _ = write!(
                        out,
                        "<tr><td colspan=\"4\">{} proof(s), counted (<code>report --full</code> lists each)</td></tr>",
                        r.proofs
                    );
                }
                for g in &r.groups {
                    let _ = write!(
                        out,
                        "<tr><td><code>{}</code></td><td>{} <code>{}</code></td><td><code>{}</code></td><td>{}</td></tr>",
                        html(g.construct.unwrap_or("raw resource")),
                        html(&resources_text(g)),
                        html(&g.resource_type),
                        html(&g.path),
                        group_values_text(g, |v| format!("<code>{}</code>", html(&v)))
                    );
                }
                for e in &r.enforced {
                    let _ = write!(
                        out,
                        "<tr><td><code>{}</code></td><td><code>{}</code></td><td><code>{}</code></td><td><code>{}</code></td></tr>",
                        html(&e.construct),
                        html(&e.logical_id),
                        html(e.path.as_deref().unwrap_or("")),
                        html(&value_text(&e.value))
                    );
                }
                for (label, w, rows) in gathered(
                    r.waived
                        .iter()
                        .map(|w| (w, "waived"))
                        .chain(r.gaps.iter().map(|g| (g, "gap")))
                        .chain(r.failed.iter().map(|f| (f, "failed"))),
                ) {
                    let on = if rows.len() == 1 {
                        format!(
                            "<td><code>{}</code></td><td><code>{}</code></td>",
                            html(&w.construct),
                            html(&w.logical_id)
                        )
                    } else if label == "failed" {
                        format!(
                            "<td colspan=\"2\"><details><summary>{} resources</summary>{}</details></td>",
                            rows.len(),
                            html(&constructs_text(rows.iter().map(|r| r.construct.as_str())))
                        )
                    } else {
                        let (anchor, section) = if label == "gap" {
                            ("gaps", "Gaps")
                        } else {
                            ("waivers", "Waivers")
                        };
                        format!(
                            "<td colspan=\"2\">{} resources, listed under <a href=\"#{anchor}\">{section}</a></td>",
                            rows.len()
                        )
                    };
                    let _ = write!(
                        out,
                        "<tr>{on}<td><span class=\"badge {label}\">{label}</span></td><td>{}{}</td></tr>",
                        html(w.note.as_deref().unwrap_or("")),
                        w.reason
                            .as_deref()
                            .map(|r| format!("<br><b>reason:</b> {}", html(r)))
                            .unwrap_or_default()
                    );
                }
                let _ = out.write_str("</table>");
            }
            let _ = out.write_str("</details>");
        }
        let _ = out.write_str("<h2 id=\"waivers\">Waivers</h2>");
        if self.waivers.is_empty() {
            let _ = out.write_str("<p>None.</p>");
        } else {
            let _ = out.write_str("<table><tr><th>rule</th><th>construct</th><th>finding</th><th>reason</th><th>expires</th></tr>");
            for (_, w, rows) in gathered(self.waivers.iter().map(|w| (w, "waived"))) {
                let _ = write!(
                    out,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    w.rule,
                    constructs_cell(&rows),
                    html(w.note.as_deref().unwrap_or("")),
                    html(w.reason.as_deref().unwrap_or("")),
                    html(w.expires.as_deref().unwrap_or("never"))
                );
            }
            let _ = out.write_str("</table>");
        }
        let _ = out.write_str("<h2 id=\"gaps\">Gaps</h2>");
        if self.gaps.is_empty() {
            let _ = out.write_str("<p>None.</p>");
        } else {
            let _ = out.write_str("<ul>");
            for (_, g, rows) in gathered(self.gaps.iter().map(|g| (g, "gap"))) {
                let _ = write!(
                    out,
                    "<li><b>{}</b> on {}: {}</li>",
                    g.rule,
                    constructs_cell(&rows),
                    html(g.note.as_deref().unwrap_or(""))
                );
            }
            let _ = out.write_str("</ul>");
        }
        let _ = out.write_str("<h2>Disaster recovery</h2>");
        if self.disaster_recovery.is_empty() {
            let _ = out.write_str("<p>No store of PHI.</p>");
        } else {
            let _ = out.write_str("<table><tr><th>store</th><th>region</th><th>copies</th><th>in another region</th></tr>");
            for (e, copies, stores) in gathered_stores(&self.disaster_recovery) {
                let copies: Vec<String> = copies.iter().map(|c| html(c)).collect();
                let store = if stores.len() == 1 {
                    format!("<code>{}</code>", html(&e.construct))
                } else {
                    format!(
                        "<details><summary>{} stores</summary>{}</details>",
                        stores.len(),
                        html(&constructs_text(stores.into_iter()))
                    )
                };
                let _ = write!(
                    out,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    store,
                    html(e.region.as_deref().unwrap_or("the deploy region")),
                    if copies.is_empty() {
                        "none".to_owned()
                    } else {
                        copies.join("<br>")
                    },
                    if e.in_another_region { "yes" } else { "no" }
                );
            }
            let _ = out.write_str("</table>");
        }
        if !self.unused_waivers.is_empty() {
            let _ = out.write_str("<h2>Waivers that waive nothing</h2><ul>");
            for w in &self.unused_waivers {
                let _ = write!(
                    out,
                    "<li>{} on {}: {}</li>",
                    html(&w.rule),
                    unused_waiver_place(w, |t| format!("<code>{}</code>", html(t))),
                    html(&w.note)
                );
            }
            let _ = out.write_str("</ul>");
        }
        let _ = out.write_str("<h2>Not verified at compile time</h2>");
        if self.not_verified_at_compile_time.is_empty() {
            let _ = out.write_str("<p>None: every resource comes from a construct whose settings the compiler checks.</p>");
        } else {
            let _ = out.write_str("<ul>");
            for r in &self.not_verified_at_compile_time {
                let _ = write!(
                    out,
                    "<li><code>{}</code> ({}): raw resource, checked by the rules only</li>",
                    html(&r.construct),
                    html(&r.resource_type)
                );
            }
            let _ = out.write_str("</ul>");
        }
        let _ = out.write_str("<h2>The customer's responsibilities</h2><p>No template can do these; they remain the customer's under the shared responsibility model.</p><table><tr><th>what</th><th>detail</th><th>controls</th></tr>");
        for r in self.customer_responsibilities {
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>§{}</td></tr>",
                html(r.title),
                html(r.detail),
                html(&r.controls.join(", §"))
            );
        }
        let _ = out.write_str("</table><h2>Stack graph</h2>");
        let _ = out.write_str(&self.graph_svg());
        let _ = out.write_str("<h2>Templates</h2><table><tr><th>stack</th><th>wave</th><th>template</th><th>resources</th><th>SHA-256</th><th>deployed</th></tr>");
        for st in &self.stacks {
            let deployed = st.deployment.as_ref().map_or_else(
                || "not yet".to_owned(),
                |d| {
                    let mut text = format!("{} at {}", html(&d.stack_id), html(&d.deployed_at));
                    for note in &d.notes {
                        let _ = write!(text, "<br>{}", html(note));
                    }
                    text
                },
            );
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td>{deployed}</td></tr>",
                html(&st.name),
                st.wave,
                html(&st.template),
                st.resources,
                st.sha256
            );
        }
        let _ = out.write_str("</table></body></html>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prelude::*;
    use serde_json::json;

    /// The retention periods the raw log groups of [`rotating`] take, more than a group
    /// lists.
    const DAYS: [u64; 6] = [365, 400, 545, 731, 1827, 3653];

    /// More stacks than a round of synthesis, each with raw log groups whose retention
    /// periods come in an order of the stack's own (so that a stack's fourth value is
    /// another's first), buckets encrypted with a key of the first stack (imports), and a
    /// resource that tests a condition.
    fn rotating() -> App {
        let app = App::new("rotating");
        let shared = app.stack("shared").unwrap();
        let key = shared.add(KmsKey::new("PhiKey")).unwrap();
        let logs = shared.add(AccessLogBucket::new("AccessLogs")).unwrap();
        for i in 0..40usize {
            let stack = app.stack(&format!("s{i:02}")).unwrap();
            for j in 0..(1 + i % 7) {
                let days = DAYS[(i * 5 + j * (1 + i % 3)) % DAYS.len()];
                stack
                    .add(
                        RawResource::new(format!("Raw{j}"), "AWS::Logs::LogGroup")
                            .property("RetentionInDays", days)
                            .property("KmsKeyId", key.arn()),
                    )
                    .unwrap();
            }
            stack
                .add(
                    SecureBucket::new("Records")
                        .encryption(&key)
                        .access_logs(&logs),
                )
                .unwrap();
            if i % 9 == 0 {
                stack
                    .add(
                        RawResource::new("Queue", "AWS::SQS::Queue")
                            .property("KmsMasterKeyId", key.arn())
                            .property(
                                "MessageRetentionPeriod",
                                json!({ "Fn::If": ["Long", 1_209_600, 345_600] }),
                            ),
                    )
                    .unwrap();
            }
        }
        app
    }

    /// An app with a finding on a raw resource and a waiver.
    fn failing_and_waived() -> App {
        crate::testing::app_with("failing", |app, stack, key, logs| {
            let records = stack
                .add(
                    SecureBucket::new("Records")
                        .encryption(&key)
                        .access_logs(&logs),
                )
                .unwrap();
            app.waive(crate::compliance::Waiver::new(
                crate::compliance::rule::S10,
                &records,
                "single-region, in writing",
            ))
            .unwrap();
            stack
                .add(RawResource::new("Plain", "AWS::SQS::Queue").property("QueueName", "plain"))
                .unwrap();
        })
    }

    /// What a program reads through the accessors is what `report.json` holds, field by
    /// field, in every kind of report: the accessors are the only way to read a report, its
    /// fields being private (a program cannot forge nor edit one, §164.316(b)(1)).
    #[test]
    fn the_accessors_return_what_report_json_holds() {
        fn row(json: &Value, r: &Row) {
            assert_eq!(json["rule"], r.rule());
            assert_eq!(json["stack"], r.stack());
            assert_eq!(json["logicalId"], r.logical_id());
            assert_eq!(json["construct"], r.construct());
            assert_eq!(json.get("path").and_then(Value::as_str), r.path());
            assert_eq!(json.get("value"), r.value());
            assert_eq!(json.get("note").and_then(Value::as_str), r.note());
            assert_eq!(json.get("reason").and_then(Value::as_str), r.reason());
            assert_eq!(json.get("expires").and_then(Value::as_str), r.expires());
        }
        fn rows(json: &Value, rs: &[Row]) {
            let list = json.as_array().unwrap();
            assert_eq!(list.len(), rs.len());
            for (j, r) in list.iter().zip(rs) {
                row(j, r);
            }
        }
        fn list(json: &Value, len: usize) -> &[Value] {
            let list = json.as_array().unwrap();
            assert_eq!(list.len(), len, "{json}");
            list
        }
        let mut seen = (0, 0, 0, 0, 0, 0);
        for app in [
            failing_and_waived(),
            crate::compliance::app_with_waivers_that_waive_nothing(),
        ] {
            let assembly = app.check().unwrap();
            for report in [
                Report::new(&assembly),
                Report::full(&assembly),
                Report::summary(&assembly),
            ] {
                let json: Value = crate::cfn::tree::from_str(&report.to_json().unwrap()).unwrap();
                assert_eq!(json["schema"], report.schema());
                assert_eq!(json["tool"]["name"], report.tool().name());
                assert_eq!(json["tool"]["version"], report.tool().version());
                assert_eq!(json["app"], report.app());
                assert_eq!(json["checkedOn"].as_str(), report.checked_on());
                assert_eq!(json["evidence"], json!(report.evidence()));
                for (j, s) in list(&json["stacks"], report.stacks().len())
                    .iter()
                    .zip(report.stacks())
                {
                    assert_eq!(j["name"], s.name());
                    assert_eq!(j["region"].as_str(), s.region());
                    assert_eq!(j["wave"], s.wave());
                    assert_eq!(j["template"], s.template());
                    assert_eq!(j["sha256"], s.sha256());
                    assert_eq!(j["resources"], s.resources());
                    assert!(j["deployment"].is_null() && s.deployment().is_none());
                }
                let counts = report.counts();
                let summary = &json["summary"];
                for (name, count) in [
                    ("controls", counts.controls()),
                    ("enforced", counts.enforced()),
                    ("waived", counts.waived()),
                    ("gap", counts.gap()),
                    ("failed", counts.failed()),
                    ("customer", counts.customer()),
                    ("notCovered", counts.not_covered()),
                    ("findings", counts.findings()),
                ] {
                    assert_eq!(summary[name], count, "{name}");
                }
                for (j, c) in list(&json["controls"], report.controls().len())
                    .iter()
                    .zip(report.controls())
                {
                    assert_eq!(j["id"], c.id());
                    assert_eq!(j["title"], c.title());
                    assert_eq!(j["requirement"], json!(c.requirement()));
                    assert_eq!(j["nist"], json!(c.nist()));
                    assert_eq!(j["status"], json!(c.status()));
                    assert_eq!(j["customer"], json!(c.customer()));
                    for (j, r) in list(&j["rules"], c.rules().len()).iter().zip(c.rules()) {
                        assert_eq!(j["id"], r.id());
                        assert_eq!(j["title"], r.title());
                        assert_eq!(j["proofs"], r.proofs());
                        rows(&j["enforced"], r.enforced());
                        rows(&j["waived"], r.waived());
                        rows(&j["failed"], r.failed());
                        rows(&j["gaps"], r.gaps());
                        // Absent when empty.
                        let groups = j
                            .get("groups")
                            .map_or(&[][..], |g| list(g, r.groups().len()));
                        assert_eq!(groups.len(), r.groups().len());
                        for (j, g) in groups.iter().zip(r.groups()) {
                            assert_eq!(j["construct"].as_str(), g.construct());
                            assert_eq!(j["resourceType"], g.resource_type());
                            assert_eq!(j["path"], g.path());
                            assert_eq!(j["resources"], g.resources());
                            assert_eq!(j["stacks"], g.stacks());
                            assert_eq!(j["otherValues"], g.other_values());
                            for (j, v) in
                                list(&j["values"], g.values().len()).iter().zip(g.values())
                            {
                                assert_eq!(j.get("value").filter(|v| !v.is_null()), v.value());
                                assert_eq!(j["resources"], v.resources());
                            }
                            seen.0 += 1;
                        }
                        seen.1 += r.enforced().len();
                    }
                }
                rows(&json["waivers"], report.waivers());
                rows(&json["gaps"], report.gaps());
                rows(&json["findings"], report.findings());
                seen.2 += report.waivers().len() + report.findings().len();
                for (j, e) in list(&json["disasterRecovery"], report.disaster_recovery().len())
                    .iter()
                    .zip(report.disaster_recovery())
                {
                    assert_eq!(j["stack"], e.stack());
                    assert_eq!(j["region"].as_str(), e.region());
                    assert_eq!(j["construct"], e.construct());
                    assert_eq!(j["logicalId"], e.logical_id());
                    assert_eq!(j["resourceType"], e.resource_type());
                    assert_eq!(j["copyOf"].as_str(), e.copy_of());
                    assert_eq!(j["inAnotherRegion"], e.in_another_region());
                    assert_eq!(j["auditRecords"], e.audit_records());
                    for (j, c) in list(&j["copies"], e.copies().len()).iter().zip(e.copies()) {
                        assert_eq!(j["kind"], c.kind());
                        assert_eq!(j["to"], c.to());
                        assert_eq!(j["region"].as_str(), c.region());
                        assert_eq!(j["detail"], c.detail());
                        assert_eq!(j["anotherRegion"], c.another_region());
                        assert_eq!(j["evidence"], c.evidence());
                    }
                    seen.3 += 1;
                }
                for (j, w) in list(&json["unusedWaivers"], report.unused_waivers().len())
                    .iter()
                    .zip(report.unused_waivers())
                {
                    assert_eq!(j["rule"], w.rule());
                    assert_eq!(j["stack"], w.stack());
                    assert_eq!(j["logicalId"], w.logical_id());
                    assert_eq!(j.get("construct").and_then(Value::as_str), w.construct());
                    assert_eq!(j["note"], w.note());
                    seen.4 += 1;
                }
                for (j, r) in list(
                    &json["notVerifiedAtCompileTime"],
                    report.not_verified_at_compile_time().len(),
                )
                .iter()
                .zip(report.not_verified_at_compile_time())
                {
                    assert_eq!(j["stack"], r.stack());
                    assert_eq!(j["logicalId"], r.logical_id());
                    assert_eq!(j["construct"], r.construct());
                    assert_eq!(j["resourceType"], r.resource_type());
                    seen.5 += 1;
                }
                assert_eq!(
                    json["customerResponsibilities"],
                    json!(report.customer_responsibilities())
                );
                assert_eq!(json["graph"]["stacks"], json!(report.graph().stacks()));
                assert_eq!(json["graph"]["edges"], json!(report.graph().edges()));
            }
        }
        // Every kind of part was compared, not only empty lists.
        assert!(
            seen.0 > 0 && seen.1 > 0 && seen.2 > 0 && seen.3 > 0 && seen.4 > 0 && seen.5 > 0,
            "{seen:?}"
        );
    }

    #[test]
    fn the_report_from_what_synthesis_gathered_is_the_report_from_the_written_templates() {
        for app in [
            rotating(),
            crate::testing::clinic_with_copies(),
            failing_and_waived(),
        ] {
            let gathered = app
                .check_for_report(Evidence::Grouped, crate::synth::Memory::Fast)
                .unwrap();
            let written = app.check().unwrap();
            let names: Vec<&str> = gathered.stacks().iter().map(|s| s.name()).collect();
            assert!(
                gathered
                    .evaluation()
                    .gathered
                    .as_ref()
                    .is_some_and(|g| g.grouped && g.stacks == names)
            );
            assert!(written.evaluation().gathered.is_none());
            // Without what was gathered, the report reads the written templates.
            assert_eq!(gathered.evaluation().results, written.evaluation().results);
            // Gathered for a summary (`check`): no group, and the rules that hold on a
            // construct's resource counted, not kept; those on a raw resource are kept, as
            // is every other result.
            let counted = app
                .check_for_report(Evidence::Summary, crate::synth::Memory::Fast)
                .unwrap();
            if app.name() == "failing" {
                let summary = Report::summary(&written);
                assert!(!summary.findings.is_empty() && !summary.waivers.is_empty());
                assert!(!summary.not_verified_at_compile_time.is_empty());
            }
            assert!(
                counted
                    .evaluation()
                    .gathered
                    .as_ref()
                    .is_some_and(|g| !g.grouped)
            );
            let held = |c: &&Checked| matches!(c.status, Status::Enforced { .. });
            let kept: Vec<&Checked> = written
                .evaluation()
                .results
                .iter()
                .filter(|c| !held(c) || !c.verified_at_compile_time)
                .collect();
            let mut proofs: std::collections::BTreeMap<&str, usize> =
                std::collections::BTreeMap::new();
            for c in &written.evaluation().results {
                if let (Status::Enforced { evidence }, true) =
                    (&c.status, c.verified_at_compile_time)
                {
                    *proofs.entry(c.rule).or_default() += evidence.len();
                }
            }
            assert!(proofs.len() > 10, "{proofs:?}");
            let evaluation = counted.evaluation();
            assert_eq!(evaluation.results.iter().collect::<Vec<_>>(), kept);
            assert_eq!(evaluation.proofs, proofs);
            assert_eq!(
                evaluation.unused_waivers,
                written.evaluation().unused_waivers
            );
            // And with low memory (`report --low-memory`).
            let low = app
                .check_for_report(Evidence::Grouped, crate::synth::Memory::Low)
                .unwrap();
            for (from_gathered, from_written) in [
                (Report::new(&gathered), Report::new(&written)),
                (Report::summary(&gathered), Report::summary(&written)),
                (Report::full(&gathered), Report::full(&written)),
                (Report::summary(&counted), Report::summary(&written)),
                (Report::new(&low), Report::new(&written)),
            ] {
                assert_eq!(
                    from_gathered.to_json().unwrap(),
                    from_written.to_json().unwrap(),
                    "app {}",
                    app.name()
                );
            }
            // `check`'s: the summary without the stacks and their hashes, nor the stores of
            // PHI (it prints no disaster-recovery table), from an assembly that kept its
            // trees and let its texts go (`check --more-memory`), or that kept its
            // properties packed (`check`).
            for memory in [crate::synth::Memory::Kept, crate::synth::Memory::Low] {
                let mut checked = Report::for_check(&app.check_for_summary(memory).unwrap());
                let mut summary = Report::summary(&written);
                assert!(checked.stacks.is_empty());
                assert!(!summary.stacks.is_empty());
                checked.stacks = summary.stacks.clone();
                assert!(checked.disaster_recovery.is_empty());
                assert!(!summary.disaster_recovery.is_empty(), "app {}", app.name());
                checked.disaster_recovery = summary.disaster_recovery.clone();
                // Each control with its status, and none of the rules under it.
                assert!(checked.controls.iter().all(|c| c.rules.is_empty()));
                assert!(summary.controls.iter().any(|c| !c.rules.is_empty()));
                for control in &mut summary.controls {
                    control.rules.clear();
                }
                assert_eq!(
                    checked.to_json().unwrap(),
                    summary.to_json().unwrap(),
                    "{memory:?}"
                );
            }
            let report = Report::new(&gathered);
            assert!(
                report
                    .controls
                    .iter()
                    .flat_map(|c| &c.rules)
                    .any(|r| !r.groups.is_empty()),
                "no group in {}",
                app.name()
            );
        }
    }

    /// Each group lists the first distinct values of its proofs in the order of the full
    /// report's rows (stack, resource, rule), counts each, and counts the others: computed
    /// here from the rows, one by one.
    #[test]
    fn each_group_lists_the_first_values_met_and_counts_the_others() {
        let app = rotating();
        let assembly = app
            .check_for_report(Evidence::Grouped, crate::synth::Memory::Fast)
            .unwrap();
        let (grouped, full) = (Report::new(&assembly), Report::full(&assembly));
        let resource = |stack: &str, id: &str| {
            let (stack, id) = id.split_once('/').unwrap_or((stack, id));
            assembly.stack(stack)?.template().resource(id)
        };
        let mut many = 0;
        for (g, f) in grouped
            .controls
            .iter()
            .flat_map(|c| &c.rules)
            .zip(full.controls.iter().flat_map(|c| &c.rules))
        {
            assert_eq!(g.id, f.id);
            type Key = (Option<&'static str>, String, String);
            let mut expected: Vec<(Key, EvidenceGroup, Vec<String>)> = Vec::new();
            for row in &f.enforced {
                let kind = assembly
                    .stack(&row.stack)
                    .unwrap()
                    .template()
                    .resources()
                    .iter()
                    .find(|r| r.construct_path() == Some(row.construct.as_str()))
                    .and_then(Resource::construct_kind);
                let carrier = resource(&row.stack, &row.logical_id)
                    .map_or("", Resource::type_name)
                    .to_owned();
                let key = (kind, carrier, row.path.clone().unwrap());
                let at = match expected.iter().position(|(k, _, _)| *k == key) {
                    Some(at) => at,
                    None => {
                        expected.push((
                            key.clone(),
                            EvidenceGroup {
                                construct: key.0,
                                resource_type: key.1.clone(),
                                path: key.2.clone(),
                                resources: 0,
                                stacks: 0,
                                values: Vec::new(),
                                other_values: 0,
                            },
                            Vec::new(),
                        ));
                        expected.len() - 1
                    }
                };
                let (_, group, stacks) = &mut expected[at];
                group.resources += 1;
                if !stacks.contains(&row.stack) {
                    stacks.push(row.stack.clone());
                    group.stacks += 1;
                }
                match group.values.iter().position(|v| v.value == row.value) {
                    Some(v) => group.values[v].resources += 1,
                    None if group.values.len() < GROUP_VALUES => group.values.push(GroupValue {
                        value: row.value.clone(),
                        resources: 1,
                    }),
                    None => group.other_values += 1,
                }
            }
            let expected: Vec<EvidenceGroup> = expected.into_iter().map(|(_, g, _)| g).collect();
            assert_eq!(g.groups, expected, "rule {}", g.id);
            many += g.groups.iter().filter(|g| g.other_values > 0).count();
        }
        // The retention periods: more values than a group lists, in every order.
        assert!(many > 0, "no group with more values than it lists");
    }

    /// Every JSON pointer into `value`, below `at`.
    fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    pointers(
                        v,
                        format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                        out,
                    );
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    pointers(v, format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
        out.push(at);
    }

    #[test]
    fn a_resource_is_read_at_a_pointer_as_its_template_writes_it() {
        let app = rotating();
        let stack = app.stack("s99").unwrap();
        let first = stack
            .add(RawResource::new("First", "AWS::SQS::Queue").keep(Keep::Retain))
            .unwrap();
        stack
            .add(
                RawResource::new("Second", "AWS::SNS::Topic")
                    .property("/Tags/0/Key", "a~b/c")
                    .depends_on(&first),
            )
            .unwrap();
        let mut read = 0;
        for app in [app, crate::testing::clinic_with_copies()] {
            let assembly = app
                .check_for_report(Evidence::Grouped, crate::synth::Memory::Fast)
                .unwrap();
            for stack in assembly.stacks() {
                for r in stack.template().resources() {
                    read += read_as_written(
                        r,
                        &["/Nothing", "/Type/0", "/DependsOn", "/Properties/Nothing"],
                    );
                }
            }
        }
        assert!(read > 1000, "{read}");
    }

    /// A resource as rendered, before synthesis names its construct: without metadata,
    /// dependencies or a deletion policy, the template writes none of them.
    #[test]
    fn a_bare_resource_is_read_as_written_too() {
        let bare = crate::cfn::Resource::raw(
            "Queue".to_owned(),
            "AWS::SQS::Queue".to_owned(),
            json!({ "DelaySeconds": 5 }),
        );
        let mut with_metadata = bare.clone();
        with_metadata
            .metadata_mut()
            .insert("Note".to_owned(), json!({ "a": [1] }));
        let waiting = bare
            .clone()
            .depends_on("Key")
            .keep(crate::cfn::Keep::Retain);
        for r in [bare, with_metadata, waiting] {
            read_as_written(
                &r,
                &[
                    "/Metadata",
                    "/DependsOn",
                    "/DeletionPolicy",
                    "/UpdateReplacePolicy",
                    "/Metadata/Note/a/0",
                ],
            );
        }
    }

    /// Checks that `r` is read at every pointer of its written JSON, and at `absent` too, as
    /// the JSON reads (the empty pointer, the whole resource, is no value of it): how many
    /// pointers were read.
    fn read_as_written(r: &crate::cfn::Resource, absent: &[&str]) -> usize {
        let written = serde_json::to_value(r).unwrap();
        let mut all = Vec::new();
        pointers(&written, String::new(), &mut all);
        all.extend(absent.iter().map(|p| (*p).to_owned()));
        for p in &all {
            assert_eq!(
                r.value_at(p),
                crate::cfn::pointer::lookup(&written, p)
                    .cloned()
                    .filter(|_| !p.is_empty()),
                "{} at {p:?} of {written}",
                r.logical_id()
            );
        }
        all.len()
    }

    /// One checked resource `id` whose rule R holds with a proof at `/Properties/X`.
    fn proven(id: &str) -> Checked {
        Checked {
            rule: "R",
            stack: "s".into(),
            logical_id: id.into(),
            resource_type: "AWS::Logs::LogGroup".into(),
            construct: format!("s/{id}").into(),
            verified_at_compile_time: true,
            status: Status::Enforced {
                evidence: vec![Proof {
                    logical_id: id.to_owned(),
                    path: "/Properties/X".to_owned(),
                }],
            },
        }
    }

    /// A stack's group of the values `values`, one proof each, in order.
    fn group_of(values: &[Value]) -> StackGroup {
        let checked: Vec<Checked> = (0..values.len())
            .map(|i| proven(&format!("R{i}")))
            .collect();
        let mut groups = group_stack(
            checked.iter(),
            |_| Some("LogGroup"),
            |c, _| {
                let i: usize = c.logical_id[1..].parse().unwrap();
                (
                    Some("AWS::Logs::LogGroup"),
                    Some(Cow::Owned(values[i].clone())),
                )
            },
            GROUP_VALUES,
        );
        assert_eq!(groups.len(), 1);
        groups.remove(0)
    }

    /// A stack keeps each distinct value once, with its count and where it was first met,
    /// and only the first three in full.
    #[test]
    fn a_stack_keeps_its_first_values_and_fingerprints_the_rest() {
        let [a, b, c, d, e] = [1, 2, 3, 4, 5].map(|n| json!({ "n": n }));
        let group = group_of(&[
            a.clone(),
            b.clone(),
            a.clone(),
            c.clone(),
            d.clone(),
            b.clone(),
            e.clone(),
        ]);
        assert_eq!(group.resources, 7);
        let seen = group
            .values
            .into_iter()
            .map(|v| (v.value, v.print, v.at, v.resources))
            .collect::<Vec<_>>();
        let print = |v: &Value| fingerprint(Some(v));
        assert_eq!(
            seen,
            [
                (Some(Some(a.clone())), print(&a), (0, 0), 2),
                (Some(Some(b.clone())), print(&b), (1, 0), 2),
                (Some(Some(c.clone())), print(&c), (3, 0), 1),
                (None, print(&d), (4, 0), 1),
                (None, print(&e), (6, 0), 1),
            ]
        );
    }

    /// A value a stack did not keep is read again only when its fingerprint is a listed
    /// value's, and then counted under it; the others are counted apart.
    #[test]
    fn an_unkept_value_is_read_again_only_when_its_fingerprint_is_listed() {
        let [a, b, c, d, e, f, g] = [1, 2, 3, 4, 5, 6, 7].map(|n| json!({ "n": n }));
        let mut app = AppGroups::default();
        app.add(vec![group_of(&[a.clone(), b.clone(), c.clone()])], |_| None);
        let values = [d, e, f, a.clone(), g, a.clone()];
        let second = group_of(&values);
        let reads = std::cell::RefCell::new(Vec::new());
        app.add(vec![second], |at| {
            reads.borrow_mut().push(at);
            Some(values[at.0].clone())
        });
        // Only `a`, first met at result 3, was read again.
        assert_eq!(reads.into_inner(), [(3, 0)]);
        let (group, _) = &app.by_rule["R"][0];
        assert_eq!(group.resources, 9);
        assert_eq!(group.stacks, 2);
        let listed: Vec<(Option<Value>, usize)> = group
            .values
            .iter()
            .map(|v| (v.value.clone(), v.resources))
            .collect();
        assert_eq!(listed, [(Some(a), 3), (Some(b), 1), (Some(c), 1)]);
        assert_eq!(group.other_values, 4);
    }

    /// A waiver of a rule on a construct with no resource of a type the rule reads (S10 on
    /// a key) is written on no resource; before, the report, its JSON, Markdown and page
    /// said nothing of it. It is listed with the waivers that waive nothing, which the
    /// Markdown and the page list too (before, only the JSON did).
    #[test]
    fn a_waiver_that_waives_nothing_is_in_every_rendering_of_the_report() {
        let app = crate::compliance::app_with_waivers_that_waive_nothing();
        let checked = app.check().unwrap();
        assert_eq!(
            checked.evaluation().waivers_on_nothing,
            [("S10".to_owned(), "s".to_owned(), "s/PhiKey".to_owned())]
        );
        let report = Report::new(
            &app.check_for_report(Evidence::Grouped, crate::synth::Memory::Fast)
                .unwrap(),
        );
        let unused: Vec<(&str, &str, Option<&str>)> = report
            .unused_waivers
            .iter()
            .map(|w| {
                (
                    w.rule.as_str(),
                    w.logical_id.as_str(),
                    w.construct.as_deref(),
                )
            })
            .collect();
        assert!(
            unused.contains(&("S10", "", Some("s/PhiKey"))),
            "{unused:?}"
        );
        assert!(unused.contains(&("U1", "Records", None)), "{unused:?}");
        let json: Value = crate::cfn::tree::from_str(&report.to_json().unwrap()).unwrap();
        let listed = json["unusedWaivers"].as_array().unwrap();
        assert!(
            listed.iter().any(|w| w["construct"] == "s/PhiKey"
                && w["note"]
                    .as_str()
                    .is_some_and(|n| n.contains("no resource of a type rule S10 reads"))),
            "{listed:?}"
        );
        let mut md = String::new();
        report.markdown_into(&mut md);
        assert!(md.contains("## Waivers that waive nothing"), "{md}");
        assert!(md.contains("- S10 on the construct `s/PhiKey`: "), "{md}");
        assert!(md.contains("- U1 on `Records` in stack `s`: "), "{md}");
        let mut page = String::new();
        report.html_into(&mut page);
        assert!(
            page.contains("<h2>Waivers that waive nothing</h2>"),
            "{page}"
        );
        assert!(
            page.contains("S10 on the construct <code>s/PhiKey</code>"),
            "{page}"
        );
        // `check`'s summary reads them too.
        let summary = Report::for_check(&app.check_for_summary(crate::synth::Memory::Low).unwrap());
        assert_eq!(summary.unused_waivers.len(), report.unused_waivers.len());
    }

    /// A database with no copy in another region is a gap of rule D2, and
    /// §164.308(a)(7)(ii)(B) is no longer "enforced" (before rule D2, it was, by the backups
    /// in the database's own region); a backup plan that copies its recovery points to a
    /// vault of a stack in another region is the copy, for the rule and for the
    /// disaster-recovery table alike, whether or not the database's stack is pinned to a
    /// region (one that is not deploys in the environment's region, which `up` refuses to
    /// be the vault's: `Deployer::check_regions_apart`).
    #[test]
    fn a_database_without_a_copy_in_another_region_is_a_gap_of_d2_and_of_the_control() {
        for (copied, pinned) in [(false, true), (true, true), (true, false)] {
            let app = App::new("dr");
            let dr = app
                .stack_in("dr-copies", crate::region!("us-west-2"))
                .unwrap();
            let dr_key = dr.add(KmsKey::new("DrKey")).unwrap();
            let vault = dr
                .add(crate::constructs::BackupVault::new("DrVault").encryption(&dr_key))
                .unwrap();
            let data = if pinned {
                app.stack_in("dr-data", crate::region!("us-east-1"))
            } else {
                app.stack("dr-data")
            }
            .unwrap();
            let key = data.add(KmsKey::new("PhiKey")).unwrap();
            let net = data
                .add(SecureVpc::new("Net", crate::cidr!("10.20.0.0/16")).encryption(&key))
                .unwrap();
            let ehr = data
                .add(
                    EncryptedDatabase::postgres("Ehr")
                        .encryption(&key)
                        .network(&net)
                        .backup_retention(crate::days!(35)),
                )
                .unwrap();
            let plan = BackupPlan::new("Daily").encryption(&key).protect(&ehr);
            data.add(if copied { plan.copy_to(&vault) } else { plan })
                .unwrap();
            let assembly = app
                .check_for_report(Evidence::Grouped, crate::synth::Memory::Fast)
                .unwrap();
            let d2 = assembly
                .evaluation()
                .results
                .iter()
                .find(|c| c.rule == "D2" && &*c.logical_id == "Ehr")
                .unwrap();
            let report = Report::new(&assembly);
            let table = report
                .disaster_recovery
                .iter()
                .find(|e| e.logical_id == "Ehr")
                .unwrap();
            let control = report
                .controls
                .iter()
                .find(|c| c.id == "164.308(a)(7)(ii)(B)")
                .unwrap();
            assert_eq!(
                table.in_another_region, copied,
                "{table:?} (pinned: {pinned})"
            );
            if copied {
                match &d2.status {
                    Status::Enforced { evidence } => {
                        assert_eq!(evidence[0].logical_id, "Daily");
                        assert_eq!(
                            evidence[0].path,
                            "/Properties/BackupPlan/BackupPlanRule/0/CopyActions/0"
                        );
                    }
                    other => panic!("{other:?}"),
                }
            } else {
                match &d2.status {
                    Status::Gap { reason } => {
                        assert!(reason.contains("`Ehr` has only copies not known to be in another region (backup to dr-data/Daily"), "{reason}");
                        assert_eq!(
                            reason.contains("backup copy to dr-copies/DrVault"),
                            copied,
                            "{reason}"
                        );
                    }
                    other => panic!("{other:?}"),
                }
                assert_eq!(control.status, ControlStatus::Gap, "{control:?}");
            }
        }
    }

    /// A DynamoDB table whose backup plan copies its recovery points to a vault of a stack
    /// of another region has no copy known to be there: AWS Backup copies a table's
    /// recovery points across regions only with the account's advanced DynamoDB backup
    /// features on, which no template shows. Rule D2 is a gap that says what to turn on,
    /// and the disaster-recovery table of the report says it beside the copy (both credited
    /// the copy before, hostile review 17); a waiver answers it.
    #[test]
    fn a_dynamodb_table_copied_by_aws_backup_says_what_the_account_must_turn_on() {
        for waived in [false, true] {
            let app = App::new("ddb");
            let dr = app.stack_in("ddb-dr", crate::region!("us-west-2")).unwrap();
            let dr_key = dr.add(KmsKey::new("DrKey")).unwrap();
            let vault = dr
                .add(crate::constructs::BackupVault::new("DrVault").encryption(&dr_key))
                .unwrap();
            let data = app
                .stack_in("ddb-data", crate::region!("us-east-1"))
                .unwrap();
            let key = data.add(KmsKey::new("PhiKey")).unwrap();
            let table = data
                .add(
                    crate::SecureTable::new("Results", "Id", crate::KeyType::String)
                        .encryption(&key),
                )
                .unwrap();
            data.add(
                BackupPlan::new("Daily")
                    .encryption(&key)
                    .protect(&table)
                    .copy_to(&vault),
            )
            .unwrap();
            if waived {
                app.waive(crate::compliance::Waiver::new(
                    crate::compliance::rule::D2,
                    &table,
                    "advanced DynamoDB backup features are on in the account (AWS Backup settings), so the Daily plan's copies reach the us-west-2 vault",
                ))
                .unwrap();
            }
            let assembly = app
                .check_for_report(Evidence::Grouped, crate::synth::Memory::Fast)
                .unwrap();
            let d2 = assembly
                .evaluation()
                .results
                .iter()
                .find(|c| c.rule == "D2" && &*c.logical_id == "Results")
                .unwrap();
            match (&d2.status, waived) {
                (Status::Gap { reason }, false) => {
                    assert!(
                        reason.contains(":backup-vault:ddb-dr-DrVault, none known in another region: AWS Backup copies a DynamoDB table's recovery points to another region only with its advanced DynamoDB backup features on"),
                        "{reason}"
                    );
                    assert!(
                        reason.contains("resource-type-management-preference DynamoDB=true"),
                        "{reason}"
                    );
                }
                (Status::Waived { .. }, true) => {}
                other => panic!("{other:?}"),
            }
            let report = Report::new(&assembly);
            let entry = report
                .disaster_recovery
                .iter()
                .find(|e| e.logical_id == "Results")
                .unwrap();
            assert!(!entry.in_another_region, "{entry:?}");
            let copy = entry
                .copies
                .iter()
                .find(|c| c.kind == "backup copy")
                .unwrap();
            assert_eq!(copy.region.as_deref(), Some("us-west-2"), "{copy:?}");
            assert!(!copy.another_region, "{copy:?}");
            assert!(
                report
                    .to_markdown()
                    .contains("advanced DynamoDB backup features"),
                "the table says what to turn on"
            );
        }
    }

    /// Each rule lists its waivers with the finding, reason and last day, its failures and
    /// its gaps with what does not hold.
    #[test]
    fn each_rule_lists_its_waivers_failures_and_gaps_with_what_does_not_hold() {
        let app = App::new("rows");
        let stack = app.stack("s").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        let logs = stack.add(AccessLogBucket::new("Logs")).unwrap();
        stack
            .add(
                SecureBucket::new("Records")
                    .encryption(&key)
                    .access_logs(&logs),
            )
            .unwrap();
        let waived = stack
            .add(RawResource::new("Waived", "AWS::CloudFormation::Macro").property("Name", "w"))
            .unwrap();
        stack
            .add(RawResource::new("Failing", "AWS::CloudFormation::Macro").property("Name", "f"))
            .unwrap();
        // The latest day a waiver may run to (a year from today).
        let last = crate::compliance::waiver::last_allowed_day(crate::literal::Date::today());
        app.waive(
            crate::compliance::Waiver::new(crate::compliance::rule::U1, &waived, "a test resource")
                .until(last),
        )
        .unwrap();
        let report = Report::new(
            &app.check_for_report(Evidence::Grouped, crate::synth::Memory::Fast)
                .unwrap(),
        );
        let rule = |id: &str| {
            report
                .controls
                .iter()
                .flat_map(|c| &c.rules)
                .find(|r| r.id == id)
                .unwrap_or_else(|| panic!("no rule {id}"))
        };
        let u1 = rule("U1");
        let row = |r: &Row| {
            (
                r.logical_id.clone(),
                r.note.is_some(),
                r.reason.clone(),
                r.expires.clone(),
            )
        };
        assert_eq!(
            u1.waived.iter().map(row).collect::<Vec<_>>(),
            [(
                "Waived".to_owned(),
                true,
                Some("a test resource".to_owned()),
                Some(last.to_string())
            )]
        );
        assert_eq!(
            u1.failed.iter().map(row).collect::<Vec<_>>(),
            [("Failing".to_owned(), true, None, None)]
        );
        let gaps: Vec<_> = report
            .controls
            .iter()
            .flat_map(|c| &c.rules)
            .flat_map(|r| &r.gaps)
            .collect();
        assert!(
            !gaps.is_empty() && gaps.iter().all(|g| g.note.is_some()),
            "{gaps:?}"
        );
    }

    /// Before, §164.308(b)(1) and §164.314(a)(1) (business associate contracts) showed
    /// "enforced" as soon as rule `H1` found every resource of an eligible service: no
    /// template holds the contract. A control whose requirement is the customer's at heart
    /// is the customer's, with the proofs of the rules that support it listed under it; a
    /// failure of those rules still shows.
    #[test]
    fn a_control_no_template_can_hold_is_the_customers_whatever_its_rules_prove() {
        let app = App::new("contracts");
        let stack = app.stack("s").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        stack.add(LogGroup::new("App").encryption(&key)).unwrap();
        let assembly = app.synth().unwrap();
        for report in [Report::new(&assembly), Report::for_check(&assembly)] {
            for id in ["164.308(b)(1)", "164.314(a)(1)"] {
                let c = report.controls.iter().find(|c| c.id == id).unwrap();
                assert_eq!(c.status, ControlStatus::Customer, "{id}: {:?}", c.rules);
                assert!(c.customer.contains(&"baa"), "{id}: {:?}", c.customer);
            }
            for c in &report.controls {
                if crate::compliance::catalogue::customer_led(c.id) {
                    assert_eq!(c.status, ControlStatus::Customer, "{}", c.id);
                }
            }
        }
        // The proofs are listed under the control.
        let report = Report::new(&assembly);
        let baa = report
            .controls
            .iter()
            .find(|c| c.id == "164.308(b)(1)")
            .unwrap();
        assert!(
            baa.rules.iter().any(|r| r.id == "H1" && r.proofs > 0),
            "{:?}",
            baa.rules
        );
        assert_eq!(
            report.summary.customer,
            report
                .controls
                .iter()
                .filter(|c| c.status == ControlStatus::Customer)
                .count()
        );

        // A resource of a service not on the eligible list: H1 fails, and the control is
        // failed, not the customer's.
        let app = App::new("contracts");
        let stack = app.stack("s").unwrap();
        stack
            .add(RawResource::new("Fleet", "AWS::GameLift::Fleet"))
            .unwrap();
        let report = Report::new(&app.check().unwrap());
        let baa = report
            .controls
            .iter()
            .find(|c| c.id == "164.308(b)(1)")
            .unwrap();
        assert_eq!(baa.status, ControlStatus::Failed, "{:?}", baa.rules);
    }

    /// probe 17c F2: an app with one `AccessLogBucket`. S1, S7 and S10 hold on it only as
    /// the construct's typed exceptions (by its kind, not a setting): each is a waived gap
    /// with the construct's reason, the controls they alone serve are gaps, not enforced,
    /// and nothing fails (`check` and `synth` accept the app).
    #[test]
    fn a_construct_kinds_exception_is_shown_with_its_reason_and_never_as_enforced() {
        let app = App::new("probe");
        let stack = app.stack("probe").unwrap();
        stack.add(AccessLogBucket::new("AccessLogs")).unwrap();
        let assembly = app.check().unwrap();
        let evaluation = assembly.evaluation();
        assert!(evaluation.findings().is_empty());
        for (rule, says) in [
            ("S1", "delivers only to buckets encrypted with SSE-S3"),
            ("S7", "logging it into itself"),
            ("S10", "this bucket is not replicated"),
        ] {
            let status: Vec<&Status> = evaluation
                .results
                .iter()
                .filter(|c| c.rule == rule && &*c.logical_id == "AccessLogs")
                .map(|c| &c.status)
                .collect();
            assert!(
                matches!(
                    status[..],
                    [Status::Waived { finding, reason, expires: None, gap: true }]
                        if finding.contains("typed exception of hipaa-stack's `AccessLogBucket`")
                            && reason.contains(says)
                            && reason.contains("the customer's responsibility")
                            && !reason.contains("never PHI")
                ),
                "{rule}: {status:?}"
            );
        }
        for report in [
            Report::full(&assembly),
            Report::new(&assembly),
            Report::summary(&assembly),
            Report::for_check(&assembly),
        ] {
            let status = |id: &str| {
                report
                    .controls
                    .iter()
                    .find(|c| c.id == id)
                    .map(|c| c.status)
                    .unwrap()
            };
            // Nothing replicates and nothing logs: gaps, accepted in writing.
            assert_eq!(status("164.308(a)(7)(ii)(C)"), ControlStatus::Gap);
            assert_eq!(status("164.312(b)"), ControlStatus::Gap);
            assert_eq!(status("164.308(a)(3)(ii)(A)"), ControlStatus::Gap);
            // S1's exception is listed beside the TLS policy that S8 proves.
            assert_ne!(status("164.312(a)(2)(iv)"), ControlStatus::Enforced);
            assert_eq!(report.findings.len(), 0);
            assert!(
                report
                    .waivers
                    .iter()
                    .any(|w| w.rule == "S1" && w.waived_gap && w.expires.is_none()),
                "{:?}",
                report.waivers
            );
        }
        let md = Report::full(&assembly).to_markdown();
        assert!(
            md.contains("delivers only to buckets encrypted with SSE-S3"),
            "{md}"
        );
        assert!(
            md.lines()
                .any(|l| l.starts_with("| §164.308(a)(7)(ii)(C) |") && l.contains("| gap |")),
            "{md}"
        );
        assert!(
            !md.contains("`AccessLogs/Metadata/hipaa-stack/construct`"),
            "{md}"
        );
    }

    /// probe 18b F4 (`t18_alarm_kind.rs`): an `AlarmTopic` mailing its rota holds A5, N2
    /// and X1 only by its kind. The report lists each as a waived gap with the topic's
    /// reason; §164.312(e)(1), which only they serve here, is a gap, not enforced by e-mail;
    /// nothing fails.
    #[test]
    fn an_alarm_topics_mail_is_listed_as_its_exception_never_as_transmission_security() {
        let app = App::new("probe");
        let stack = app.stack("probe").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        stack
            .add(
                crate::AlarmTopic::new("Oncall")
                    .encryption(&key)
                    .email("oncall@example.com"),
            )
            .unwrap();
        let assembly = app.check().unwrap();
        assert!(assembly.evaluation().findings().is_empty());
        for report in [Report::full(&assembly), Report::for_check(&assembly)] {
            let status = |id: &str| {
                report
                    .controls
                    .iter()
                    .find(|c| c.id == id)
                    .map(|c| c.status)
                    .unwrap()
            };
            assert_eq!(status("164.312(e)(1)"), ControlStatus::Gap);
            for rule in ["A5", "N2", "X1"] {
                assert!(
                    report.waivers.iter().any(|w| w.rule == rule
                        && w.waived_gap
                        && w.expires.is_none()
                        && w.reason.as_deref().is_some_and(|r| r.contains("SMTP"))),
                    "{rule}: {:?}",
                    report.waivers
                );
            }
        }
        let md = Report::full(&assembly).to_markdown();
        assert!(
            md.lines()
                .any(|l| l.starts_with("| §164.312(e)(1) |") && l.contains("| gap |")),
            "{md}"
        );
        assert!(
            !md.contains("`Oncall/Properties/Subscription/0/Protocol`"),
            "{md}"
        );
    }

    /// The compliant neighbour of the exception: a `SecureBucket` with a customer key,
    /// access logs and a replica proves S1, S7 and S10 by its settings, and stays enforced;
    /// the audit trail's and the account baseline's buckets without a replica are the
    /// exceptions of S10, with their own reasons.
    #[test]
    fn a_bucket_that_proves_the_rules_by_its_settings_stays_enforced() {
        let app = App::new("probe");
        let dr = app.stack_in("dr", crate::region!("us-west-2")).unwrap();
        let primary = app
            .stack_in("primary", crate::region!("us-east-1"))
            .unwrap();
        let key = primary.add(KmsKey::new("PhiKey")).unwrap();
        let dr_key = dr.add(KmsKey::new("DrKey")).unwrap();
        let logs = primary.add(AccessLogBucket::new("AccessLogs")).unwrap();
        let dr_logs = dr.add(AccessLogBucket::new("DrLogs")).unwrap();
        let copy = dr
            .add(
                SecureBucket::new("Copy")
                    .encryption(&dr_key)
                    .access_logs(&dr_logs),
            )
            .unwrap();
        primary
            .add(
                SecureBucket::new("Records")
                    .encryption(&key)
                    .access_logs(&logs)
                    .replicate_to(&copy),
            )
            .unwrap();
        primary
            .add(AuditTrail::new("Audit").encryption(&key).access_logs(&logs))
            .unwrap();
        primary
            .add(
                AccountBaseline::new("Baseline")
                    .encryption(&key)
                    .access_logs(&logs),
            )
            .unwrap();
        let assembly = app.check().unwrap();
        let status = |rule: &str, id: &str| -> Vec<Status> {
            assembly
                .evaluation()
                .results
                .iter()
                .filter(|c| c.rule == rule && &*c.logical_id == id)
                .map(|c| c.status.clone())
                .collect()
        };
        for rule in ["S1", "S7", "S10"] {
            assert!(
                matches!(&status(rule, "Records")[..], [Status::Enforced { evidence }]
                    if evidence.iter().all(|p| p.path != crate::compliance::CONSTRUCT_KIND_PROOF)),
                "{rule}: {:?}",
                status(rule, "Records")
            );
        }
        for (bucket, says) in [
            ("AuditBucket", "CloudTrail log files only"),
            ("BaselineBucket", "AWS Config's snapshots"),
        ] {
            assert!(
                matches!(&status("S10", bucket)[..], [Status::Waived { reason, gap: true, .. }]
                    if reason.contains(says) && reason.contains("not replicated")),
                "{bucket}: {:?}",
                status("S10", bucket)
            );
        }
        let report = Report::full(&assembly);
        let emergency = report
            .controls
            .iter()
            .find(|c| c.id == "164.308(a)(7)(ii)(C)")
            .unwrap();
        // Proven on the records, with the exceptions listed beside the proof.
        assert_eq!(
            emergency.status,
            ControlStatus::Waived,
            "{:?}",
            emergency.rules
        );
    }

    #[test]
    fn a_control_whose_rules_were_all_waived_is_not_counted_as_enforced() {
        // A resource no rule reads, waived (and, of a service not on the eligible list, waived
        // as never holding PHI): risk management (rule U1) has no proof, only a waiver.
        let app = App::new("waived-only");
        let stack = app.stack("s").unwrap();
        let thing = stack
            .add(RawResource::new("Thing", "AWS::CloudFormation::Macro").property("Name", "x"))
            .unwrap();
        let reason = "a macro definition that names a function and holds no PHI";
        app.waive(crate::compliance::Waiver::new(
            crate::compliance::rule::U1,
            &thing,
            reason,
        ))
        .unwrap();
        app.waive(crate::compliance::Waiver::never_holds_phi(&thing, reason))
            .unwrap();
        let assembly = app.synth().unwrap();
        for report in [Report::new(&assembly), Report::for_check(&assembly)] {
            let risk = report
                .controls
                .iter()
                .find(|c| c.id == "164.308(a)(1)(ii)(B)")
                .unwrap();
            assert_eq!(risk.status, ControlStatus::Gap, "{:?}", risk.rules);
            for c in &report.controls {
                if matches!(c.status, ControlStatus::Enforced | ControlStatus::Waived)
                    && !c.rules.is_empty()
                {
                    assert!(c.rules.iter().any(|r| r.proofs > 0), "{}", c.id);
                }
            }
            assert_eq!(
                report.summary.gap,
                report
                    .controls
                    .iter()
                    .filter(|c| c.status == ControlStatus::Gap)
                    .count()
            );
        }
    }

    #[test]
    fn markdown_shows_text_as_written_outside_and_inside_code_spans() {
        // Outside code spans: no HTML, no character reference, no escape of our own text.
        assert_eq!(
            md_text("a <!-- b & &#x202E; \\` c", false),
            "a &lt;!-- b &amp; &amp;#x202E; \\\\\\` c"
        );
        // A code span is kept as written, `<` and all; an unclosed backtick is escaped.
        assert_eq!(md_text("`<a>` and `x", false), "`<a>` and \\`x");
        assert_eq!(md_text("``a`b`` `c`", false), "``a`b`` `c`");
        // In a cell, every pipe; control and invisible characters written out.
        assert_eq!(
            md_text("a|`b|c`\n\u{202e}", true),
            "a\\|`b\\|c`\\\\u{a}\\\\u{202e}"
        );
        assert_eq!(md_code("plain"), "`plain`");
        assert_eq!(md_code("a`b"), "``a`b``");
        assert_eq!(md_code("`a``"), "``` `a`` ```");
        assert_eq!(md_code("x\u{2067}y"), "`x\\u{2067}y`");
        assert_eq!(html("a\u{202e}<b>"), "a\\u{202e}&lt;b&gt;");
    }

    #[test]
    fn no_text_of_the_program_or_its_templates_hides_or_forges_a_line_of_the_report() {
        let app = App::new("forged");
        let stack = app.stack("s").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        let logs = stack.add(AccessLogBucket::new("Logs")).unwrap();
        let records = stack
            .add(
                SecureBucket::new("Records")
                    .encryption(&key)
                    .access_logs(&logs),
            )
            .unwrap();
        // A reason that opens an HTML comment (which would hide the rest of the page) and a
        // code span it never closes.
        app.waive(crate::compliance::Waiver::new(
            crate::compliance::rule::S10,
            &records,
            "single-region for now <!-- and ` the rest is hidden",
        ))
        .unwrap();
        // A raw resource whose property names forge a line and open a comment: P1 quotes it.
        stack
            .add(
                RawResource::new("Worker", "AWS::Lambda::Function").property(
                    "Environment",
                    serde_json::json!({ "Variables": {
                        "DB_URL\n## Unwaived findings\n\nNone <!--": "postgresql://admin:hunter2secret@db.internal:5432/phi"
                    } }),
                ),
            )
            .unwrap();
        let report = Report::new(
            &app.check_for_report(Evidence::Grouped, crate::synth::Memory::Fast)
                .unwrap(),
        );
        let md = report.to_markdown();
        // A `<!--` is shown only inside a code span, where Markdown renders no HTML.
        for line in md.lines() {
            if let Some(at) = line.find("<!--") {
                assert!(line[..at].matches('`').count() % 2 == 1, "{line}");
            }
        }
        assert_eq!(
            md.lines()
                .filter(|l| l.starts_with("## Unwaived findings"))
                .count(),
            1,
            "{md}"
        );
        assert!(
            md.contains("single-region for now &lt;!-- and \\` the rest"),
            "{md}"
        );
        let page = report.to_html();
        assert!(!page.contains("<!--"));
        for text in [md, page, report.to_json().unwrap()] {
            assert!(
                !text
                    .chars()
                    .any(|c| crate::compliance::waiver::invisible(c) || c == '\r'),
                "{text}"
            );
        }
        assert!(
            report.findings.iter().any(|f| f.rule == "P1"
                && f.note
                    .as_deref()
                    .is_some_and(|n| n.contains("\\u{a}## Unwaived"))),
            "{:?}",
            report.findings
        );
    }

    #[test]
    fn fingerprints_of_equal_values_agree_whatever_the_order_of_keys() {
        let a = json!({ "a": 1, "b": [true, null, "x"], "c": { "d": -2, "e": 0.5 } });
        let b = json!({ "c": { "e": 0.5, "d": -2 }, "b": [true, null, "x"], "a": 1 });
        assert_eq!(a, b);
        assert_eq!(fingerprint(Some(&a)), fingerprint(Some(&b)));
        assert_eq!(
            fingerprint(Some(&json!(0.0))),
            fingerprint(Some(&json!(-0.0)))
        );
        // Values that differ mostly have fingerprints that differ.
        for (x, y) in [
            (json!(1), json!(1.0)),
            (json!("1"), json!(1)),
            (json!([1, 2]), json!([2, 1])),
            (json!({ "a": 1 }), json!({ "a": 2 })),
            (json!({ "a": 1 }), json!({ "b": 1 })),
            (json!(null), json!(false)),
        ] {
            assert_ne!(x, y);
            assert_ne!(fingerprint(Some(&x)), fingerprint(Some(&y)), "{x} {y}");
        }
        assert_ne!(fingerprint(None), fingerprint(Some(&Value::Null)));
    }

    /// The report of `App::check_on(day)` names the day the rules read the waivers as of,
    /// in its JSON, Markdown and HTML; `synth`'s and `check`'s name today.
    #[test]
    fn the_report_names_the_day_its_rules_were_read_as_of() {
        let app = App::new("dated");
        app.stack("data").unwrap().add(KmsKey::new("Key")).unwrap();
        let day = crate::Date::parse("2020-01-15").unwrap();
        let report = Report::new(&app.check_on(day).unwrap());
        assert_eq!(report.checked_on.as_deref(), Some("2020-01-15"));
        let json: Value = crate::cfn::tree::from_str(&report.to_json().unwrap()).unwrap();
        assert_eq!(json["checkedOn"], "2020-01-15");
        assert!(
            report
                .to_markdown()
                .contains("The rules were read as of **2020-01-15** (UTC)"),
            "{}",
            report.to_markdown()
        );
        assert!(
            report
                .to_html()
                .contains("The rules were read as of <b>2020-01-15</b> (UTC)")
        );
        let today = crate::Date::today().to_string();
        for assembly in [app.synth().unwrap(), app.check().unwrap()] {
            for report in [
                Report::new(&assembly),
                Report::full(&assembly),
                Report::summary(&assembly),
            ] {
                assert_eq!(report.checked_on.as_deref(), Some(today.as_str()));
            }
        }
    }
}

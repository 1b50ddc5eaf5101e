//! The template rules: every resource-level row of `docs/CONTROLS.md` as code, run on every
//! resource of every stack during synth, however the resource was made.
//!
//! A rule reads one resource (and, where the control spans resources, the rest of its
//! template) and says: it passes, with the property paths and values that prove it (the
//! evidence of the report); it fails, with what is wrong; it is a gap that no template
//! setting closes; or it does not apply.
//!
//! Each rule also exists as a unit type in [`rule`](crate::compliance::rule), so that a
//! waiver names its rule as a type, and a rule that accepts no waiver cannot be waived: the
//! program does not compile.

mod acls;
mod appsync;
pub(crate) mod arn;
pub(crate) mod branches;
mod cloudfront;
mod compute;
mod copies;
#[cfg(test)]
mod corpus_tests;
mod coverage;
mod dms;
mod eks;
mod fleets;
mod flows;
mod frontdoor;
mod graphdocs;
#[cfg(test)]
mod hostile_tests;
mod identity;
mod imports;
mod lattice;
pub(crate) mod meaning;
mod network;
#[cfg(test)]
mod placement_tests;
mod rds_options;
#[cfg(test)]
mod region_tests;
mod resilience;
mod sagemaker;
mod services;
mod storage;
mod users;

pub use coverage::ELIGIBLE;

pub(crate) use compute::{Mentioned, mentions};
pub(crate) use imports::Exports;
#[cfg(feature = "deploy")]
pub(crate) use storage::LOG_RETENTIONS;

pub(crate) use crate::cfn::pointer::lookup;
use serde_json::Value;

use crate::cfn::scan::Scanned;
use crate::cfn::{Resource, Template};

/// Evidence that a rule holds: where in a template the property that proves it is.
///
/// The value is not copied into the proof, so that checking a large app does not copy its
/// templates: the report reads it while synthesis still holds the stack's template, or
/// from the written template ([`Assembly::evidence`](crate::Assembly::evidence)).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Proof {
    /// The resource that carries the property: its logical id, or `stack/LogicalId` when it
    /// is in another stack than the resource the rule checked.
    pub logical_id: String,
    /// A JSON pointer into the resource, e.g. `/Properties/MultiAZ`.
    pub path: String,
}

impl Proof {
    /// The proof that a rule holds on `logical_id` because of what the construct that made it
    /// *is* ([`CONSTRUCT_KIND_PROOF`](crate::compliance::CONSTRUCT_KIND_PROOF)), not because
    /// of a setting: every pass that holds by the construct kind carries it, so that the
    /// engine reports it as the construct's typed exception, never as enforcement (probe 18b
    /// F4).
    pub(crate) fn construct_kind(logical_id: &str) -> Proof {
        Proof {
            logical_id: logical_id.to_owned(),
            path: crate::compliance::CONSTRUCT_KIND_PROOF.to_owned(),
        }
    }

    /// The proof as a rule of another stack names it: its logical id after the name of
    /// `stack`, the stack that holds it (`None` for the stack of the resource the rule
    /// checked, whose proofs name their resources alone).
    pub(crate) fn with_stack(mut self, stack: Option<&str>) -> Proof {
        if let Some(stack) = stack {
            self.logical_id = format!("{stack}/{}", self.logical_id);
        }
        self
    }
}

/// What a rule found on a resource.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The rule holds; the proofs point at the properties that make it hold.
    Pass(Vec<Proof>),
    /// The rule does not hold: what is wrong.
    Fail(String),
    /// Nothing in a template can close this; reported, not refused.
    Gap(String),
    /// The rule does not apply to this resource.
    NotApplicable,
}

/// One rule.
#[derive(Debug, Clone, Copy)]
pub struct RuleSpec {
    /// The id of `docs/CONTROLS.md`, e.g. `S1`.
    pub id: &'static str,
    /// What the rule requires, in a sentence.
    pub title: &'static str,
    /// The CloudFormation types it reads.
    pub types: &'static [&'static str],
    /// The HIPAA citations it serves (ids of the catalogue).
    pub controls: &'static [&'static str],
    /// What to do when it fails.
    pub fix: &'static str,
    /// The same rule in cdk-nag's HIPAA Security pack, checkov and the Guard rules registry,
    /// where there is one, so that a waiver silences them too.
    pub packs: Packs,
    pub(crate) check: fn(&Cx<'_>) -> Outcome,
}

/// The ids of a rule in the external rule packs.
#[derive(Debug, Clone, Copy, Default)]
pub struct Packs {
    /// cdk-nag (HIPAA Security pack).
    pub cdk_nag: Option<&'static str>,
    /// checkov.
    pub checkov: Option<&'static str>,
    /// AWS Guard Rules Registry.
    pub guard: Option<&'static str>,
}

impl RuleSpec {
    /// Whether the rule accepts a waiver with a reason ([`Waiver::new`](crate::compliance::Waiver::new)).
    /// `H1` accepts only the typed waiver
    /// [`Waiver::never_holds_phi`](crate::compliance::Waiver::never_holds_phi).
    pub fn waivable(&self) -> bool {
        !rule::NEVER_WAIVED.contains(&self.id) && self.id != rule::NEVER_HOLDS_PHI
    }

    /// Whether the rule reads resources of this type (some rules read every type).
    pub fn applies_to(&self, type_name: &str) -> bool {
        self.types == coverage::EVERY_TYPE || self.types.contains(&type_name)
    }
}

/// What a rule sees: one resource, its template, and every stack of the app (for controls
/// that another stack can satisfy, such as a backup plan).
#[derive(Clone, Copy)]
pub(crate) struct Cx<'a> {
    pub(crate) template: &'a Template,
    pub(crate) resource: &'a Resource,
    /// The name of the stack of `template`.
    pub(crate) stack: &'a str,
    /// Every stack of the app with its template, `template` included.
    pub(crate) stacks: &'a [(&'a str, &'a Template)],
    /// The position of `template` in `stacks`.
    pub(crate) at: usize,
    /// The resources of `stacks` by type, so that a rule that looks across the app reads
    /// the resources of one type, not every resource, for each resource it checks.
    pub(crate) index: &'a Index,
}

/// The resources of every stack of an app by type, in stack order then template order, as
/// positions (stack, resource) in the app's stacks: built once for the app, before any
/// stack is checked, and read by every stack (building it for each stack would cost the
/// stacks times the resources of the app).
pub(crate) struct Index {
    by_type: std::collections::HashMap<String, Vec<(usize, usize)>>,
    /// The bucket policies that could name a bucket of another stack than their own: every
    /// one but those whose `Bucket` is a plain `Ref` or `Fn::GetAtt` of a bucket of their
    /// own template (see [`storage`]'s rule S8).
    policies_for_elsewhere: Vec<(usize, usize)>,
    /// The bucket policies of each stack (position in its template), each with whether its
    /// bucket is known only at deploy, for a bucket of its own stack (see
    /// [`storage::bucket_known_only_at_deploy`]), and what it names by a plain `Ref`.
    policies: Vec<Vec<(usize, bool, RefersTo)>>,
    /// The resources of each stack by logical id (see [`ById`]).
    by_id: Vec<ById>,
    /// For each stack that fills a template parameter of another (only between regions),
    /// the positions of the stacks whose parameters it fills, in stack order: a bucket
    /// looks for the copies made to it in those stacks only ([`Cx::replicated_from`]), not
    /// in every stack of the app for each bucket (the square of a large app's size).
    fed_from: std::collections::HashMap<String, Vec<usize>>,
    /// The ports of the app's stores, in stack order (see [`IndexPart::store_ports`]).
    store_ports: Vec<i64>,
    /// The entries of the app's backup selections by the logical id they name in their own
    /// template (by stack position and id) and by the export they import, each as (stack,
    /// selection, entry) positions in order (see [`IndexPart::selected`]): a store looks up
    /// the selections that list it instead of reading every selection of the app (a backup
    /// plan in every stack cost the square of a large app's size).
    selected: std::collections::HashMap<(usize, String), Vec<Place>>,
    selected_by_import: std::collections::HashMap<String, Vec<Place>>,
    /// The topic and queue policies of the app by what they name (see
    /// [`IndexPart::policies_named`]).
    policies_named: PoliciesNamed,
    /// The position of each stack of the app, by name.
    stack_at: std::collections::HashMap<String, usize>,
    /// The outputs of the app that export a name written as text, by that name, as (stack,
    /// output) positions in order: an import looks up the outputs that may fill it, not
    /// every output of the app ([`flows::export_named`]; an import in every stack cost the
    /// square of a large app's size).
    exports: std::collections::HashMap<String, Vec<Position>>,
    /// The web ACL associations of the app by what their `ResourceArn` names (see
    /// [`IndexPart::associations`]), as (stack, association) positions in order: by the
    /// stack and each resource of it that it mentions, and by the export it imports. Rule
    /// F4 looks up those of a load balancer, not every association of the app for each
    /// balancer (a balancer and its web ACL in every stack cost the square of the app).
    associations: std::collections::HashMap<(usize, String), Vec<Position>>,
    associations_by_import: std::collections::HashMap<String, Vec<Position>>,
    /// The names that the resources of the app give themselves, in lower case (see
    /// [`IndexPart::names`], and [`flows`]' rule X1): read once for the app, as each stack
    /// is rendered, not once for each destination written as text (the square of the app's
    /// size), nor from every stack's properties (with low memory, that built every tree).
    pub(crate) app_names: AppNames,
    /// The logical ids of the app, gathered the first time a rule asks whether a value
    /// names a resource of the app ([`Cx::mentions_the_app`]).
    app_ids: std::sync::OnceLock<AppIds>,
    /// The ARNs of the app's buckets whose names are written, in lower case (see
    /// [`IndexPart::bucket_arns`]): read once, not by rule S1 for every bucket that
    /// replicates (every bucket of an app replicating to another region cost the square of
    /// its size).
    pub(crate) bucket_arns: std::collections::HashSet<String>,
    /// How many conditions (`Fn::If`) the resources of the app test, by stack (rule U2).
    pub(crate) conditions: usize,
    /// The region of each stack of the app, by position: `None` (or no entry) for a stack
    /// in the environment's region (`App::stack`), the region of `App::stack_in`.
    pub(crate) regions: Vec<Option<String>>,
    /// The account of each stack of the app, by position: `None` (or no entry) for a stack
    /// of no environment that names one (the deploy account). Rule `R1` reads them.
    pub(crate) accounts: Vec<Option<String>>,
    /// What the disaster-recovery table looks up across the app, gathered the first time
    /// rule `D2` asks for a store's copies ([`Cx::copies`]).
    recovery: std::sync::OnceLock<crate::compliance::recovery::Lookup>,
    /// Whether the logging service may write server access logs into a bucket, by the
    /// bucket's position (stack, logical id) and the prefix written to it, as rule `S7`
    /// reads it for the first bucket that logs there ([`storage`]'s `log_delivery_allowed`):
    /// every bucket of a large app logging to one shared bucket read that bucket's
    /// policies again (about 6% of the rules' time at 5,000 buckets).
    pub(crate) log_delivery: std::sync::Mutex<std::collections::HashMap<LogDestination, bool>>,
}

/// A bucket that receives server access logs, by its stack's position and logical id, with
/// the prefix the logs are written under (the key of [`Index::log_delivery`]).
pub(crate) type LogDestination = (usize, String, String);

/// What [`Index`] reads of one stack's properties: its bucket policies (position in its
/// template), each with whether its bucket is known only at deploy and whether it may name
/// a bucket of another stack. Read as the stack is rendered (from its trees, or from a scan
/// of its typed properties), so that the index of an app is built without reading any
/// stack's properties again.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct IndexPart {
    policies: Vec<PolicyPart>,
    /// The template's resources by logical id.
    by_id: ById,
    /// The ports of the stores of the template: `Port`, `DBPort` and `Endpoint.Port` of
    /// each resource but a load balancer's listener or target group (whose ports are what
    /// the internet is meant to reach and the servers behind it), in template order. Rule
    /// E10 reads them for every security group: read once for the app, not once per
    /// group (a security group in every stack cost the square of a large app's size).
    store_ports: Vec<i64>,
    /// Each entry of `BackupSelection.Resources` of each `AWS::Backup::BackupSelection`
    /// (positions of the selection in the template and of the entry in the list) with a
    /// name it mentions ([`compute::Mentioned`]: a `Ref`, the resource of an `Fn::GetAtt`,
    /// a `${name}` of an `Fn::Sub`), or with the name of an export it imports (any
    /// `Fn::ImportValue` inside it), once for each.
    selected: Vec<(usize, usize, Selected)>,
    /// What each policy that [`resilience::tls_only_policy`] reads names (position in the
    /// template, and type).
    policies_named: Vec<(usize, &'static str, resilience::PolicyNames)>,
    /// The ARN of each bucket of the template whose `BucketName` is written, in lower case
    /// (rule S1 reads a replication rule's destination written as text against them).
    bucket_arns: Vec<String>,
    /// The names that the template's resources give themselves, in lower case: each
    /// non-blank text of a top-level key of [`KEPT_KEYS`](crate::cfn::scan::KEPT_KEYS) from
    /// [`FIRST_NAME_KEY`](crate::cfn::scan::FIRST_NAME_KEY) on (`BucketName`, `QueueName`,
    /// …), in template order, with the position of the resource that gives it.
    names: Vec<(String, usize)>,
    /// What the `ResourceArn` of each web ACL association of the template names (position
    /// in the template), for rule F4.
    associations: Vec<(usize, frontdoor::Named)>,
}

/// The names that the resources of the app give themselves, in lower case, each with the
/// services of the ARNs of the resources that give it ([`flows::arn_service`]): a name
/// written in an ARN names a resource of the app only when the ARN's service is that
/// resource's (`arn:aws:sns:…:jobs` names no queue `jobs`).
#[derive(Debug, Default)]
pub(crate) struct AppNames {
    /// The services of the app's named resources, each once.
    services: Vec<String>,
    /// Each name, with the services of the resources that give it: bit `i` for the `i`th
    /// of `services`.
    names: std::collections::HashMap<String, u64>,
}

impl AppNames {
    /// Records that a resource of type `type_name` gives itself `name` (in lower case).
    fn insert(&mut self, name: &str, type_name: &str) {
        let service = flows::arn_service(type_name);
        let at = match self.services.iter().position(|s| *s == service) {
            Some(at) => at,
            None => {
                self.services.push(service);
                self.services.len() - 1
            }
        };
        // Past the 64th service (more than the types that carry a name key), a name is
        // still known, but of no service: an ARN written with it fails.
        let bit = u32::try_from(at)
            .ok()
            .and_then(|at| 1u64.checked_shl(at))
            .unwrap_or(0);
        *self.names.entry(name.to_owned()).or_default() |= bit;
    }

    /// Whether a resource of the app gives itself `name` (in lower case), whatever it is.
    pub(crate) fn contains(&self, name: &str) -> bool {
        self.names.contains_key(name)
    }

    /// Whether a resource of the app whose ARN's service is `service` gives itself `name`
    /// (in lower case).
    pub(crate) fn of_service(&self, name: &str, service: &str) -> bool {
        let at = self.services.iter().position(|s| s == service);
        let bit = at
            .and_then(|at| u32::try_from(at).ok())
            .and_then(|at| 1u64.checked_shl(at))
            .unwrap_or(0);
        self.names.get(name).is_some_and(|bits| bits & bit != 0)
    }

    /// Every name, each once.
    #[cfg(test)]
    fn names(&self) -> std::collections::HashSet<String> {
        self.names.keys().cloned().collect()
    }
}

/// The value of `resource`'s top-level key [`KEPT_KEYS`](crate::cfn::scan::KEPT_KEYS)`[at]`,
/// as `scanned` read it, or from its properties when no scan did.
fn kept<'r>(resource: &'r Resource, scanned: Option<&'r Scanned>, at: usize) -> &'r Value {
    match scanned {
        Some(scanned) => scanned.kept[at].as_ref().unwrap_or(&Value::Null),
        None => &resource.properties()[crate::cfn::scan::KEPT_KEYS[at]],
    }
}

/// The policies of the kinds of [`resilience::TLS_POLICIES`] by what they name, each as
/// (stack, policy) positions in order, by policy type: those that may name any resource of
/// the app, those that mention a name (by stack and name), those that import an export
/// (by name), and those that write an ARN of a name as text (by that name,
/// [`resilience::PolicyNames::arn_names`]).
#[derive(Default)]
struct PoliciesNamed {
    every: std::collections::HashMap<&'static str, Vec<Position>>,
    mentions: std::collections::HashMap<(&'static str, usize, String), Vec<Position>>,
    imports: std::collections::HashMap<(&'static str, String), Vec<Position>>,
    arn_names: std::collections::HashMap<(&'static str, String), Vec<Position>>,
}

/// A resource of the app: the positions of its stack in the app and of it in its template.
type Position = (usize, usize);

/// The logical ids of every resource of an app: those of letters and digits, which a
/// lookup of the names a value mentions finds ([`compute::Mentioned`]), and the others,
/// read the long way.
struct AppIds {
    plain: std::collections::HashSet<String>,
    other: Vec<String>,
}

impl AppIds {
    fn of(stacks: &[(&str, &Template)]) -> Self {
        let mut ids = AppIds {
            plain: std::collections::HashSet::new(),
            other: Vec::new(),
        };
        for r in stacks.iter().flat_map(|(_, t)| t.resources()) {
            let id = r.logical_id();
            if id.bytes().all(|b| b.is_ascii_alphanumeric()) {
                ids.plain.insert(id.to_owned());
            } else {
                ids.other.push(id.to_owned());
            }
        }
        ids
    }
}

/// An entry of a backup selection: the positions of its stack in the app, of the selection
/// in its template, and of the entry in `BackupSelection.Resources`.
type Place = (usize, usize, usize);

/// What an entry of a backup selection names: a resource of its own template, by a name
/// it mentions, or an export it imports. It may list that resource: [`Cx::backup_selection`]
/// reads the entry again to know whether it does (its ARN, not any reference).
#[derive(Debug, Clone, PartialEq)]
enum Selected {
    Mentions(String),
    Imports(String),
}

/// What [`IndexPart`] reads of one bucket policy.
#[derive(Debug, Clone, PartialEq)]
struct PolicyPart {
    /// Its position in its template.
    at: usize,
    /// Whether its bucket is known only at deploy.
    unknown: bool,
    /// Whether it may name a bucket of another stack.
    elsewhere: bool,
    /// What its `Bucket` names when it is a plain `Ref`.
    refers: RefersTo,
}

/// What a bucket policy's `Bucket` names in its own template when it is a plain `Ref` (one
/// key, text that is not a pseudo parameter), as [`storage`]'s rule S8 reads it: a bucket
/// of the stack checks its policies by comparing ids, not by reading each policy's
/// properties again (a stack of buckets and their policies would cost the square of its
/// size).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum RefersTo {
    /// The first resource of the template with that logical id, by position.
    Resource(usize),
    /// No resource of the template.
    Nothing,
    /// Not a plain `Ref`: the rule reads the value.
    Unread,
}

impl RefersTo {
    /// `first` gives the position of the first resource of the template with an id.
    fn of(bucket: &Value, first: impl Fn(&str) -> Option<usize>) -> Self {
        match bucket {
            Value::Object(map) if map.len() == 1 => match crate::cfn::pointer::get(map, "Ref") {
                Some(Value::String(id)) if !id.starts_with("AWS::") => {
                    first(id).map_or(RefersTo::Nothing, RefersTo::Resource)
                }
                _ => RefersTo::Unread,
            },
            _ => RefersTo::Unread,
        }
    }
}

impl IndexPart {
    /// What the index reads of `template`'s properties: a policy's `Bucket` as `scans`
    /// read it (by position among the resources), or from its properties where no scan did.
    pub(crate) fn of(template: &Template, scans: &[Option<Scanned>]) -> Self {
        let resources = template.resources();
        let by_id = ById::of(template);
        let first = |id: &str| by_id.first(resources, id);
        let mut policies = Vec::new();
        let mut store_ports = Vec::new();
        let mut selected = Vec::new();
        let mut policies_named = Vec::new();
        let mut bucket_arns = Vec::new();
        let mut names = Vec::new();
        let mut associations = Vec::new();
        for (i, r) in resources.iter().enumerate() {
            let scanned = scans.get(i).and_then(Option::as_ref);
            for key in crate::cfn::scan::FIRST_NAME_KEY..crate::cfn::scan::KEPT_KEYS.len() {
                if let Some(name) = meaning::text(kept(r, scanned, key))
                    && !name.trim().is_empty()
                {
                    names.push((name.to_ascii_lowercase(), i));
                }
            }
            if r.type_name() == frontdoor::ASSOCIATION {
                associations.push((i, frontdoor::Named::of(r)));
            }
            if let Some(kind) = resilience::TLS_POLICIES
                .into_iter()
                .find(|k| k.policy_type == r.type_name())
            {
                let names = resilience::PolicyNames::of(template, r, kind);
                policies_named.push((i, kind.policy_type, names));
            }
            if !r
                .type_name()
                .starts_with("AWS::ElasticLoadBalancingV2::Listener")
                && r.type_name() != "AWS::ElasticLoadBalancingV2::TargetGroup"
            {
                let read = |key: usize| kept(r, scanned, key);
                for v in [read(0), read(1), &read(2)["Port"]] {
                    if let Some(n) = resilience::number(v) {
                        store_ports.push(n);
                    }
                }
            }
            if r.type_name() == "AWS::Backup::BackupSelection"
                && let Some(listed) = r.properties()["BackupSelection"]["Resources"].as_array()
            {
                for (entry, v) in listed.iter().enumerate() {
                    let mut named: Vec<&str> = compute::Mentioned::of(v).plain_names().to_vec();
                    named.sort_unstable();
                    named.dedup();
                    selected.extend(
                        named
                            .into_iter()
                            .map(|n| (i, entry, Selected::Mentions(n.to_owned()))),
                    );
                    let mut imported = Vec::new();
                    imported_names(v, &mut imported);
                    imported.sort_unstable();
                    imported.dedup();
                    selected.extend(
                        imported
                            .into_iter()
                            .map(|n| (i, entry, Selected::Imports(n.to_owned()))),
                    );
                }
            }
            if r.type_name() == "AWS::S3::Bucket"
                && let Some(name) =
                    meaning::text(kept(r, scanned, crate::cfn::scan::FIRST_NAME_KEY))
            {
                bucket_arns.push(format!("arn:aws:s3:::{name}").to_ascii_lowercase());
            }
            if r.type_name() != "AWS::S3::BucketPolicy" {
                continue;
            }
            let bucket = match scanned {
                Some(scanned) => scanned.bucket.as_ref().unwrap_or(&Value::Null),
                None => &r.properties()["Bucket"],
            };
            let unknown = storage::bucket_known_only_at_deploy(
                template,
                |id| resources.get(first(id)?),
                bucket,
            );
            policies.push(PolicyPart {
                at: i,
                unknown,
                // A `Ref` or `Fn::GetAtt` of a resource of its template that is not a bucket
                // (an SSM parameter's `Value`) is known only at deploy, and may be the name of
                // a bucket of any stack.
                elsewhere: unknown || !names_own_resource(bucket),
                refers: RefersTo::of(bucket, first),
            });
        }
        IndexPart {
            policies,
            by_id,
            store_ports,
            selected,
            policies_named,
            bucket_arns,
            names,
            associations,
        }
    }
}

impl Index {
    /// The index of `stacks`, every stack of the app, reading their properties.
    #[cfg(test)]
    pub(crate) fn new(stacks: &[(&str, &Template)]) -> Self {
        let parts: Vec<IndexPart> = stacks.iter().map(|(_, t)| IndexPart::of(t, &[])).collect();
        Self::join(stacks, &parts.iter().collect::<Vec<_>>())
    }

    /// The index of `stacks`, every stack of the app, from what [`IndexPart::of`] read of
    /// each (in the same order): the types are read from the stacks, no property is. It
    /// keeps positions, never values.
    pub(crate) fn join(stacks: &[(&str, &Template)], parts: &[&IndexPart]) -> Self {
        let mut by_type: std::collections::HashMap<String, Vec<(usize, usize)>> =
            std::collections::HashMap::new();
        let mut policies_for_elsewhere = Vec::new();
        let mut policies = Vec::with_capacity(stacks.len());
        let mut by_id = Vec::with_capacity(stacks.len());
        let mut fed_from: std::collections::HashMap<String, Vec<usize>> =
            std::collections::HashMap::new();
        let mut store_ports = Vec::new();
        let mut policies_named = PoliciesNamed::default();
        let mut bucket_arns = std::collections::HashSet::new();
        let mut app_names = AppNames::default();
        let mut selected: std::collections::HashMap<(usize, String), Vec<Place>> =
            std::collections::HashMap::new();
        let mut selected_by_import: std::collections::HashMap<String, Vec<Place>> =
            std::collections::HashMap::new();
        let mut associations: std::collections::HashMap<(usize, String), Vec<Position>> =
            std::collections::HashMap::new();
        let mut associations_by_import: std::collections::HashMap<String, Vec<Position>> =
            std::collections::HashMap::new();
        let mut stack_at = std::collections::HashMap::with_capacity(stacks.len());
        let mut exports: std::collections::HashMap<String, Vec<Position>> =
            std::collections::HashMap::new();
        for (at, (name, template)) in stacks.iter().enumerate() {
            stack_at.entry((*name).to_owned()).or_insert(at);
            for (i, output) in template.outputs().iter().enumerate() {
                if let Some(export) = output.export_name() {
                    exports.entry(export.to_owned()).or_default().push((at, i));
                }
            }
            by_id.push(parts.get(at).map(|p| p.by_id.clone()).unwrap_or_default());
            for parameter in template.parameters() {
                let fed = fed_from.entry(parameter.stack().to_owned()).or_default();
                if fed.last() != Some(&at) {
                    fed.push(at);
                }
            }
            for (i, r) in template.resources().iter().enumerate() {
                match by_type.get_mut(r.type_name()) {
                    Some(list) => list.push((at, i)),
                    None => {
                        by_type.insert(r.type_name().to_owned(), vec![(at, i)]);
                    }
                }
            }
            if let Some(part) = parts.get(at) {
                store_ports.extend_from_slice(&part.store_ports);
                bucket_arns.extend(part.bucket_arns.iter().cloned());
                for (name, i) in &part.names {
                    if let Some(r) = template.resources().get(*i) {
                        app_names.insert(name, r.type_name());
                    }
                }
                for (i, kind, names) in &part.policies_named {
                    let (kind, place) = (*kind, (at, *i));
                    let named = &mut policies_named;
                    if names.every {
                        named.every.entry(kind).or_default().push(place);
                    }
                    for name in &names.mentions {
                        let key = (kind, at, name.clone());
                        named.mentions.entry(key).or_default().push(place);
                    }
                    for name in &names.imports {
                        let key = (kind, name.clone());
                        named.imports.entry(key).or_default().push(place);
                    }
                    for name in &names.arn_names {
                        let key = (kind, name.clone());
                        named.arn_names.entry(key).or_default().push(place);
                    }
                }
                for (i, named) in &part.associations {
                    for id in &named.mentioned {
                        let found = associations.entry((at, id.clone())).or_default();
                        found.push((at, *i));
                    }
                    for name in &named.imports {
                        let found = associations_by_import.entry(name.clone()).or_default();
                        found.push((at, *i));
                    }
                }
                for (selection, entry, what) in &part.selected {
                    let place = (at, *selection, *entry);
                    match what {
                        Selected::Mentions(id) => {
                            selected.entry((at, id.clone())).or_default().push(place)
                        }
                        Selected::Imports(name) => selected_by_import
                            .entry(name.clone())
                            .or_default()
                            .push(place),
                    }
                }
            }
            let part = parts.get(at).map_or(&[][..], |p| &p.policies[..]);
            policies.push(part.iter().map(|p| (p.at, p.unknown, p.refers)).collect());
            policies_for_elsewhere.extend(part.iter().filter(|p| p.elsewhere).map(|p| (at, p.at)));
        }
        Index {
            by_type,
            policies_for_elsewhere,
            policies,
            by_id,
            fed_from,
            store_ports,
            selected,
            selected_by_import,
            policies_named,
            stack_at,
            exports,
            app_names,
            app_ids: std::sync::OnceLock::new(),
            associations,
            associations_by_import,
            bucket_arns,
            conditions: 0,
            regions: Vec::new(),
            accounts: Vec::new(),
            recovery: std::sync::OnceLock::new(),
            log_delivery: std::sync::Mutex::default(),
        }
    }
}

impl Index {
    /// The policies of `kind` (one of [`resilience::TLS_POLICIES`]) that may name the
    /// resource of `cx` (whose stack exports it as `exports`), as (stack, policy) positions
    /// in order: those whose entries are known only at deploy (text of a dynamic reference,
    /// or a reference to another type of their template), those of its stack that mention
    /// it, those of other stacks of its region and account that import one of `exports`
    /// ([`Exports::looked_up`]), and those of any stack that write its ARN as text by its
    /// name ([`resilience::arn_name`]).
    pub(crate) fn policies_naming(
        &self,
        cx: &Cx<'_>,
        kind: &resilience::TlsPolicy,
        exports: &Exports<'_>,
    ) -> Vec<(usize, usize)> {
        let (at, id, policy_type) = (cx.at, cx.id(), kind.policy_type);
        let named = &self.policies_named;
        let mut found: Vec<(usize, usize)> = Vec::new();
        found.extend(named.every.get(policy_type).into_iter().flatten());
        let mentions = named.mentions.get(&(policy_type, at, id.to_owned()));
        found.extend(mentions.into_iter().flatten());
        let imports = exports.looked_up(
            cx,
            |export| named.imports.get(&(policy_type, export.to_owned())),
            |(s, _)| *s,
        );
        found.extend(imports.into_iter().filter(|(s, _)| *s != at));
        if cx.resource.type_name() == kind.own_type
            && let Some(name) = cx
                .prop(&format!("/{}", kind.name_property))
                .and_then(meaning::text)
        {
            let by_arn = named.arn_names.get(&(policy_type, name.trim().to_owned()));
            found.extend(by_arn.into_iter().flatten());
        }
        found.sort_unstable();
        found.dedup();
        found
    }
}

/// The positions of a template's resources sorted by logical id, so that a rule that asks
/// which resources a value names looks up the few names it holds instead of reading every
/// resource of the stack for each resource it checks (a stack of buckets would cost the
/// square of its size). `plain` says whether every logical id is letters and digits, the
/// only ids [`compute::Mentioned`] finds by name. Built as each stack is rendered (part of
/// [`IndexPart`]), on every core.
#[derive(Debug, Clone, Default, PartialEq)]
struct ById {
    sorted: Vec<u32>,
    plain: bool,
}

impl ById {
    fn of(template: &Template) -> Self {
        let resources = template.resources();
        let plain = resources
            .iter()
            .all(|r| r.logical_id().bytes().all(|b| b.is_ascii_alphanumeric()));
        let mut sorted: Vec<u32> = (0..resources.len())
            .filter_map(|i| u32::try_from(i).ok())
            .collect();
        // Stable: the resources of an id written twice stay in template order.
        sorted.sort_by(|&a, &b| {
            resources[a as usize]
                .logical_id()
                .cmp(resources[b as usize].logical_id())
        });
        ById { sorted, plain }
    }

    /// The position of the first resource of `resources` (the template this was built of)
    /// whose logical id is `id`, whatever its letters.
    fn first(&self, resources: &[Resource], id: &str) -> Option<usize> {
        let id_at = |p: &u32| resources.get(*p as usize).map_or("", Resource::logical_id);
        let at = self.sorted.partition_point(|p| id_at(p) < id);
        let &p = self.sorted.get(at).filter(|p| id_at(p) == id)?;
        Some(p as usize)
    }

    /// The resources of `resources` (the template this was built of) that `named` names,
    /// looked up by id; none when an id is not letters and digits, or when `resources` is
    /// not the template this was built of (another length).
    fn named<'a>(
        &self,
        resources: &'a [Resource],
        named: &compute::Mentioned<'_>,
    ) -> Option<Vec<&'a Resource>> {
        if !self.plain || self.sorted.len() != resources.len() {
            return None;
        }
        let id = |p: &u32| resources.get(*p as usize).map_or("", Resource::logical_id);
        let mut out = Vec::new();
        let mut names: Vec<&str> = named.plain_names().to_vec();
        names.sort_unstable();
        names.dedup();
        for name in names {
            let first = self.sorted.partition_point(|p| id(p) < name);
            let found = self.sorted[first..].iter().take_while(|p| id(p) == name);
            out.extend(found.filter_map(|&p| resources.get(p as usize)));
        }
        Some(out)
    }
}

/// Whether a backup selection of the stack at `at` names by its `BackupPlanId` an
/// `AWS::Backup::BackupPlan` of the app, whose rules (schedule, retention, vault) rule B1
/// reads where the plan is declared: a plan of the selection's own template, or a plan of
/// another stack whose export the `BackupPlanId` imports, written whole (alone, or all of
/// an `Fn::Sub` or `Fn::Join`), which CloudFormation resolves to that plan's value
/// ("returns the value of an output exported by another stack", `Fn::ImportValue`), made
/// by a stack of the selection's region and account ([`services::resource_named_from`]).
/// A plan named by text, by a dynamic reference, or by the import of what no stack of the
/// app exports as a plan is one whose rules no rule reads, and may back up nothing that
/// lasts (a rule that deletes after a day).
fn plan_of_the_app(cx: &Cx<'_>, at: usize, selection: &Resource) -> bool {
    let plan = &selection.properties()["BackupPlanId"];
    let Some((_, template)) = cx.stacks.get(at) else {
        return false;
    };
    template.resources().iter().any(|r| {
        r.type_name() == "AWS::Backup::BackupPlan" && compute::mentions(plan, r.logical_id())
    }) || (meaning::sole_import(plan).is_some()
        && services::resource_named_from(cx, at, plan, "AWS::Backup::BackupPlan")
            .is_some_and(|(home, _)| home != at))
}

/// The resource at `(at, i)` of `stacks`, with its stack's name.
fn resource_at<'a>(
    stacks: &'a [(&'a str, &'a Template)],
    (at, i): (usize, usize),
) -> Option<(&'a str, &'a Resource)> {
    let (stack, template) = stacks.get(at)?;
    Some((*stack, template.resources().get(i)?))
}

/// A value that is only a `Ref` or an `Fn::GetAtt`: it names a resource or parameter of its
/// own template, never a resource of another stack by name, import or dynamic reference.
fn names_own_resource(value: &Value) -> bool {
    value.as_object().is_some_and(|m| {
        m.len() == 1
            && (m.get("Ref").is_some_and(Value::is_string)
                || m.get("Fn::GetAtt").is_some_and(|a| {
                    a.as_array()
                        .is_some_and(|a| a.len() == 2 && a.iter().all(Value::is_string))
                }))
    })
}

impl<'a> Cx<'a> {
    /// The resources of the template that `named` names ([`compute::Mentioned::names`] of
    /// their logical ids), in no particular order.
    pub(crate) fn resources_named(&self, named: &compute::Mentioned<'_>) -> Vec<&'a Resource> {
        let resources = self.template.resources();
        self.index
            .by_id
            .get(self.at)
            .and_then(|by_id| by_id.named(resources, named))
            .unwrap_or_else(|| {
                resources
                    .iter()
                    .filter(|r| named.names(r.logical_id()))
                    .collect()
            })
    }

    /// The context of `resource` of the first of `stacks`, for a test.
    #[cfg(test)]
    pub(crate) fn in_first(
        stacks: &'a [(&'a str, &'a Template)],
        resource: &'a Resource,
        index: &'a Index,
    ) -> Self {
        let (stack, template) = stacks[0];
        Cx {
            template,
            resource,
            stack,
            stacks,
            at: 0,
            index,
        }
    }

    /// What `check` finds on the first of `resources` (logical id, type, properties), in a
    /// template of those resources alone, for a test.
    #[cfg(test)]
    pub(crate) fn check_first(
        check: fn(&Cx<'_>) -> Outcome,
        resources: &[(&str, &str, Value)],
    ) -> Outcome {
        let template = crate::testing::raw_template(resources);
        let stacks = [("s", &template)];
        let index = Index::new(&stacks);
        check(&Cx::in_first(&stacks, &template.resources()[0], &index))
    }

    /// The same context for another resource of the same template.
    pub(crate) fn on(&self, resource: &'a Resource) -> Cx<'a> {
        Cx { resource, ..*self }
    }

    /// `self` moved onto `resource` of the stack of the app named `stack` (as
    /// [`Cx::everywhere`] names another stack), for reading a value of that resource where
    /// it is: a reference reads its own template, and an import resolves among the exports
    /// of its own stack's region and account. `None` if the app has no such stack.
    pub(crate) fn in_stack(&self, stack: &str, resource: &'a Resource) -> Option<Cx<'a>> {
        let at = *self.index.stack_at.get(stack)?;
        let (stack, template) = *self.stacks.get(at)?;
        Some(Cx {
            template,
            resource,
            stack,
            at,
            ..*self
        })
    }

    /// [`Cx::in_stack`] of a stack named as [`Cx::everywhere`] names it: `None` for this
    /// one (then `self` moved onto `resource`, as [`Cx::on`]).
    pub(crate) fn in_stack_or_here(&self, stack: Option<&str>, resource: &'a Resource) -> Cx<'a> {
        stack
            .and_then(|stack| self.in_stack(stack, resource))
            .unwrap_or_else(|| self.on(resource))
    }

    /// The first entry of `BackupSelection.Resources` of an `AWS::Backup::BackupSelection`
    /// of any stack that lists this resource by its ARN, as [`arn::ArnOf`] reads it: a
    /// reference to its ARN, or its identifier inside the text of its ARN, in its own
    /// template; an import of an export of its stack that is one of those (hipaa-stack
    /// names those exports `STACK:LOGICAL:ATTR`) in another. A selection with
    /// `NotResources` or `Conditions` lists nothing. The proof names a selection of another
    /// stack `stack/LogicalId`.
    pub(crate) fn backup_selection(&self) -> Option<Proof> {
        let store = arn::ArnOf::of(self.template, self.resource);
        if !self.id().bytes().all(|b| b.is_ascii_alphanumeric()) {
            // An id that is not letters and digits: no lookup by name finds it.
            return self.backup_selection_read(&store);
        }
        // The entries that name this resource in its own template or import one of its
        // exports, in the order of stacks, selections and entries: the first that lists it.
        let home = self.index.selected.get(&(self.at, self.id().to_owned()));
        // Only a selection of a stack of this stack's region and account imports its
        // exports: another region's import of the same name is that region's export.
        let imported = self.own_exports().looked_up(
            self,
            |name| self.index.selected_by_import.get(name),
            |(at, _, _)| *at,
        );
        let mut found: Vec<Place> = home
            .into_iter()
            .flatten()
            .copied()
            .chain(imported)
            .collect();
        found.sort_unstable();
        found.dedup();
        found.into_iter().find_map(|(at, selection, entry)| {
            let (stack, selection) = resource_at(self.stacks, (at, selection))?;
            if !store.lists_entry(selection, entry, arn::Reader::of(self, self.at, at))
                || !plan_of_the_app(self, at, selection)
            {
                return None;
            }
            let proof = proof_of(selection, &format!("/BackupSelection/Resources/{entry}"))?;
            Some(proof.with_stack((at != self.at).then_some(stack)))
        })
    }

    /// [`Cx::backup_selection`] read from every selection of the app.
    fn backup_selection_read(&self, store: &arn::ArnOf<'_>) -> Option<Proof> {
        for (other, selection) in self.everywhere("AWS::Backup::BackupSelection") {
            let Some(at) = self.position(other) else {
                continue;
            };
            if !plan_of_the_app(self, at, selection) {
                continue;
            }
            let found = store.listed_by(selection, arn::Reader::of(self, self.at, at));
            if let Some(proof) =
                found.and_then(|i| proof_of(selection, &format!("/BackupSelection/Resources/{i}")))
            {
                return Some(proof.with_stack(other));
            }
        }
        None
    }

    /// Where a bucket of another region replicates to this one: the `Destination.Bucket` of
    /// an enabled replication rule of another stack that names it through the template
    /// parameter hipaa-stack fills from this stack's output of the same name (whose value
    /// refers to this bucket). Such parameters exist only between regions; a copy in the
    /// same template or imported within the region is no copy for disaster recovery.
    pub(crate) fn replicated_from(&self) -> Option<Proof> {
        // Only a template with a parameter filled from this stack can name a bucket of it
        // (see `across_regions`): the index knows which, so that an app of many buckets and
        // no copies costs each bucket a lookup, not a pass over its stacks.
        let fed = self
            .index
            .fed_from
            .get(self.stack)
            .map_or(&[][..], Vec::as_slice);
        for &(stack, template) in fed.iter().filter_map(|&at| self.stacks.get(at)) {
            if stack == self.stack {
                continue;
            }
            for source in template
                .resources()
                .iter()
                .filter(|r| r.type_name() == "AWS::S3::Bucket")
            {
                let Some(rules) =
                    source.properties()["ReplicationConfiguration"]["Rules"].as_array()
                else {
                    continue;
                };
                let names_this = |rule: &Value| {
                    meaning::text(&rule["Status"]).as_deref() == Some("Enabled")
                        && self
                            .across_regions(template, &rule["Destination"]["Bucket"])
                            .is_some_and(|(s, r)| s == self.stack && r.logical_id() == self.id())
                };
                if let Some(proof) = rules.iter().position(names_this).and_then(|i| {
                    proof_of(
                        source,
                        &format!("/ReplicationConfiguration/Rules/{i}/Destination/Bucket"),
                    )
                }) {
                    return Some(proof.with_stack(Some(stack)));
                }
            }
        }
        None
    }

    /// [`across_regions`] of a value of `template` (a stack of the app), the producing
    /// stack found by name in the index, not by reading every stack's name.
    pub(crate) fn across_regions(
        &self,
        template: &Template,
        value: &Value,
    ) -> Option<(&'a str, &'a Resource)> {
        let stacks = self.stacks;
        let index = self.index;
        across_regions(
            |name| stacks.get(*index.stack_at.get(name)?).copied(),
            template,
            value,
        )
    }

    /// Whether `value` refers to a resource of any stack of the app ([`compute::mentions`]
    /// of its logical id): the names it mentions looked up among the app's ids.
    pub(crate) fn mentions_the_app(&self, value: &Value) -> bool {
        let ids = self.index.app_ids.get_or_init(|| AppIds::of(self.stacks));
        compute::Mentioned::of(value)
            .plain_names()
            .iter()
            .any(|name| ids.plain.contains(*name))
            || ids.other.iter().any(|id| compute::mentions(value, id))
    }

    /// The copies of this resource, a store of PHI, as the disaster-recovery table reads
    /// them ([`crate::compliance::recovery::copies_of`]): its replication, its replicas,
    /// its replicated automated backups, the backup plans that select it and their copy
    /// actions, each with whether it is known to be in another region.
    pub(crate) fn copies(&self) -> Vec<crate::compliance::recovery::Copy> {
        let lookup = self
            .index
            .recovery
            .get_or_init(|| crate::compliance::recovery::Lookup::of(self.stacks.iter().copied()));
        crate::compliance::recovery::copies_of(
            self.stacks,
            (&self.index.regions, &self.index.accounts),
            lookup,
            self.at,
            self.resource,
            self.resource.properties(),
        )
    }

    /// The template of the stack named `stack` (as [`Cx::everywhere`] names another stack),
    /// or this resource's for `None`.
    pub(crate) fn template_of(&self, stack: Option<&str>) -> &'a Template {
        stack
            .and_then(|name| self.stacks.get(*self.index.stack_at.get(name)?))
            .map_or(self.template, |(_, t)| *t)
    }

    /// Every resource of type `type_name` of every stack of the app, with the name of its
    /// stack when it is another stack than this resource's.
    pub(crate) fn everywhere(
        &self,
        type_name: &'a str,
    ) -> impl Iterator<Item = (Option<&'a str>, &'a Resource)> + 'a {
        let home = self.stack;
        let stacks = self.stacks;
        self.index
            .by_type
            .get(type_name)
            .into_iter()
            .flatten()
            .filter_map(move |&position| {
                let (stack, r) = resource_at(stacks, position)?;
                Some(((stack != home).then_some(stack), r))
            })
    }

    /// [`Cx::everywhere`] of the resources of type `type_name` that can name a resource of
    /// this stack: every stack's where the resource is `exported` (another stack names it
    /// only by importing an export of it), this stack's alone otherwise ([`Cx::of_type_in`]),
    /// so that a rule looking for what names a resource that no export names reads (and
    /// parses) no other stack: read for a resource of every stack, every stack's would cost
    /// the square of the app.
    pub(crate) fn naming_from(
        &self,
        type_name: &'a str,
        exported: bool,
    ) -> impl Iterator<Item = (Option<&'a str>, &'a Resource)> + 'a {
        let own = (!exported).then(|| self.of_type_in(type_name, self.at));
        let every = exported.then(|| self.everywhere(type_name));
        own.into_iter()
            .flatten()
            .map(|r| (None, r))
            .chain(every.into_iter().flatten())
    }

    /// The resources of type `type_name` of the stack at `at`, in template order: a run of
    /// [`Cx::everywhere`]'s list, which is in stack order, found by halving it, so that a
    /// rule reading one stack's resources of a type does not read the whole app's.
    pub(crate) fn of_type_in(
        &self,
        type_name: &str,
        at: usize,
    ) -> impl Iterator<Item = &'a Resource> + 'a {
        let listed: &'a [(usize, usize)] = self
            .index
            .by_type
            .get(type_name)
            .map_or(&[][..], Vec::as_slice);
        let start = listed.partition_point(|&(stack, _)| stack < at);
        let end = listed.partition_point(|&(stack, _)| stack <= at);
        let stacks = self.stacks;
        listed[start..end]
            .iter()
            .filter_map(move |&position| resource_at(stacks, position).map(|(_, r)| r))
    }

    /// The positions of the stacks of the app that export a name which an `Fn::ImportValue`
    /// anywhere in `value` imports, in stack order, each once: the only stacks whose
    /// resources `value`, read in this resource's stack, can name (a `Ref`, an `Fn::GetAtt`
    /// or an `Fn::Sub` names a resource of its own template).
    pub(crate) fn stacks_exporting(&self, value: &Value) -> Vec<usize> {
        fn imports<'v>(value: &'v Value, out: &mut Vec<&'v Value>) {
            match value {
                Value::Object(map) => {
                    for (key, inner) in map {
                        if key == "Fn::ImportValue" {
                            out.push(inner);
                        }
                        imports(inner, out);
                    }
                }
                Value::Array(items) => items.iter().for_each(|item| imports(item, out)),
                _ => {}
            }
        }
        let mut found = Vec::new();
        imports(value, &mut found);
        let mut stacks: Vec<usize> = found
            .into_iter()
            .filter_map(meaning::import_name)
            .filter_map(|name| self.index.exports.get(&name))
            .flatten()
            .map(|&(at, _)| at)
            .collect();
        stacks.sort_unstable();
        stacks.dedup();
        stacks
    }

    /// The bucket policies of the app that may name this bucket, in stack order: every
    /// policy of its own stack, and those of other stacks whose `Bucket` is more than a
    /// `Ref` or `Fn::GetAtt` of their own template (an import, a name, a dynamic value);
    /// each with whether its bucket is known only at deploy (see
    /// [`storage::bucket_known_only_at_deploy`], read in the policy's own template: a
    /// dynamic reference, or an attribute of a resource of its template that is not a
    /// bucket, which may hold the name of a bucket of any stack), and what a policy of its
    /// own stack names by a plain `Ref` (see [`RefersTo`]; those of other stacks are
    /// [`RefersTo::Unread`]).
    pub(crate) fn bucket_policies(
        &self,
    ) -> impl Iterator<Item = (Option<&'a str>, &'a Resource, bool, RefersTo)> + 'a {
        let stacks = self.stacks;
        let here = self.at;
        let elsewhere = self
            .index
            .policies_for_elsewhere
            .iter()
            .filter(move |(at, _)| *at != here);
        let before = elsewhere.clone().filter(move |(at, _)| *at < here);
        let after = elsewhere.filter(move |(at, _)| *at > here);
        let resources = self.template.resources();
        let own = self
            .index
            .policies
            .get(here)
            .into_iter()
            .flatten()
            .filter_map(move |&(i, unknown, refers)| {
                Some((None, resources.get(i)?, unknown, refers))
            });
        let policies = &self.index.policies;
        let name = move |&(at, i): &(usize, usize)| {
            resource_at(stacks, (at, i)).map(|(s, r)| {
                // As its own stack's index read it: a dynamic reference, or a resource of
                // its template that is not a bucket.
                let unknown = policies.get(at).is_some_and(|part| {
                    part.binary_search_by_key(&i, |&(p, _, _)| p)
                        .is_ok_and(|found| part[found].1)
                });
                (Some(s), r, unknown, RefersTo::Unread)
            })
        };
        before
            .filter_map(name)
            .chain(own)
            .chain(after.filter_map(name))
    }

    pub(crate) fn id(&self) -> &'a str {
        self.resource.logical_id()
    }

    /// A property by JSON pointer below `Properties`.
    /// `{"Ref": "AWS::NoValue"}` removes the property: it is not set.
    pub(crate) fn prop(&self, pointer: &str) -> Option<&'a Value> {
        lookup(self.resource.properties(), pointer).filter(|v| !meaning::no_value(v))
    }

    /// A proof of the property at `pointer` (below `Properties`) of this resource.
    pub(crate) fn proof(&self, pointer: &str) -> Option<Proof> {
        self.prop(pointer).map(|_| self.found(pointer))
    }

    /// The proof of the property at `pointer`, which [`Cx::prop`] has just found.
    fn found(&self, pointer: &str) -> Proof {
        Proof {
            logical_id: self.id().to_owned(),
            path: ["/Properties", pointer].concat(),
        }
    }

    /// The property must equal `expected`; a boolean may be written as the string `true`
    /// or `false`, in any case, as CloudFormation reads it.
    pub(crate) fn equals(&self, pointer: &str, expected: &Value) -> Result<Proof, String> {
        let same = |v: &Value| match expected {
            Value::Bool(true) => is_true(v),
            Value::Bool(false) => is_false(v),
            _ => v == expected,
        };
        match self.prop(pointer) {
            Some(v) if same(v) => Ok(self.found(pointer)),
            Some(v) => Err(format!(
                "`{}` is {v}, not {expected}",
                pointer_name(pointer)
            )),
            None => Err(format!(
                "`{}` is not set (it must be {expected})",
                pointer_name(pointer)
            )),
        }
    }

    /// The property must be present and not empty (a list of removed, null or empty entries
    /// is empty). Text is read as CloudFormation resolves it: `{"Fn::Sub": ""}` is as empty
    /// as `""`.
    pub(crate) fn present(&self, pointer: &str) -> Result<Proof, String> {
        // Plain text is read in place: `present` runs on most properties of every resource.
        let blank = |v: &Value| match v {
            Value::Null => true,
            Value::String(s) => s.trim().is_empty(),
            Value::Object(_) => {
                meaning::no_value(v) || meaning::text(v).is_some_and(|t| t.trim().is_empty())
            }
            Value::Bool(_) | Value::Number(_) | Value::Array(_) => false,
        };
        match self.prop(pointer) {
            Some(Value::Null) | None => Err(format!("`{}` is not set", pointer_name(pointer))),
            Some(v @ (Value::String(_) | Value::Object(_))) if blank(v) => {
                Err(format!("`{}` is empty", pointer_name(pointer)))
            }
            // A list whose every entry is removed (`AWS::NoValue`), null or empty text holds
            // nothing either.
            Some(Value::Array(a)) if a.iter().all(blank) => {
                Err(format!("`{}` is empty", pointer_name(pointer)))
            }
            Some(_) => Ok(self.found(pointer)),
        }
    }

    /// A top-level attribute of the resource (`DeletionPolicy`, …) must be one of `allowed`.
    pub(crate) fn attribute_in(&self, name: &str, allowed: &[&str]) -> Result<Proof, String> {
        let value = match name {
            "DeletionPolicy" | "UpdateReplacePolicy" => self
                .resource
                .kept()
                .map(|k| serde_json::to_value(k).unwrap_or(Value::Null)),
            _ => None,
        };
        match value {
            Some(Value::String(v)) if allowed.contains(&v.as_str()) => Ok(Proof {
                logical_id: self.id().to_owned(),
                path: format!("/{name}"),
            }),
            Some(v) => Err(format!("`{name}` is {v}, not {}", allowed.join(" or "))),
            None => Err(format!(
                "`{name}` is not set (it must be {})",
                allowed.join(" or ")
            )),
        }
    }

    /// The other resources of the template of type `type_name`.
    pub(crate) fn others(&self, type_name: &'a str) -> impl Iterator<Item = &'a Resource> + 'a {
        self.template
            .resources()
            .iter()
            .filter(move |r| r.type_name() == type_name)
    }

    /// `{"Ref": <this resource>}`.
    pub(crate) fn self_ref(&self) -> Value {
        serde_json::json!({ "Ref": self.id() })
    }
}

/// Every name a value imports (`Fn::ImportValue` of text, or of a name built before
/// deploy, as synth reads it: [`meaning::import_name`]), anywhere inside it: names only,
/// which say nothing of whose export they are; match them against a stack's exports with
/// [`Exports::named_from`], which reads the importing stack's region and account.
pub(crate) fn imported_names(value: &Value, names: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            names.extend(map.get("Fn::ImportValue").and_then(meaning::import_name));
            map.values().for_each(|v| imported_names(v, names));
        }
        Value::Array(items) => items.iter().for_each(|v| imported_names(v, names)),
        _ => {}
    }
}

/// `true` written as a boolean or as text, in any case, or built by intrinsics that
/// resolve to it (`{"Fn::Join": ["", ["tr", "ue"]]}`).
pub(super) fn is_true(v: &Value) -> bool {
    *v == Value::Bool(true) || meaning::text(v).is_some_and(|s| s.eq_ignore_ascii_case("true"))
}

/// `false` written as a boolean or as text, in any case, or built by intrinsics that
/// resolve to it.
pub(super) fn is_false(v: &Value) -> bool {
    *v == Value::Bool(false) || meaning::text(v).is_some_and(|s| s.eq_ignore_ascii_case("false"))
}

/// What a template parameter of hipaa-stack's carries across regions: for a value
/// `{"Ref": name}` of `template` naming one, the producing stack (found by its name with
/// `stack_named`, among the stacks of the app) and the resource of it that its output of
/// the same name refers to.
pub(crate) fn across_regions<'a>(
    stack_named: impl Fn(&str) -> Option<(&'a str, &'a Template)>,
    template: &Template,
    value: &Value,
) -> Option<(&'a str, &'a Resource)> {
    let name = value.get("Ref").and_then(Value::as_str)?;
    let parameter = template.parameters().iter().find(|p| p.name() == name)?;
    let (stack, producer) = stack_named(parameter.stack())?;
    let output = producer.outputs().iter().find(|o| o.name() == name)?;
    let value = serde_json::to_value(&output.value).ok()?;
    producer
        .resources()
        .iter()
        .find(|r| mentions(&value, r.logical_id()))
        .map(|r| (stack, r))
}

/// Each resource of every stack of `assembly`, in deploy order, as a rule reads it, for the
/// tests that hold a lookup to the reading it replaces.
#[cfg(test)]
pub(crate) fn each_resource(assembly: &crate::compliance::Assembly, mut each: impl FnMut(&Cx<'_>)) {
    let stacks: Vec<(&str, &Template)> = assembly
        .stacks()
        .iter()
        .map(|s| (s.name(), s.template()))
        .collect();
    let stacks = stacks.as_slice();
    let index = Index::new(stacks);
    for (at, &(stack, template)) in stacks.iter().enumerate() {
        for resource in template.resources() {
            each(&Cx {
                template,
                resource,
                stack,
                stacks,
                at,
                index: &index,
            });
        }
    }
}

/// The entries of `lists` merged in order, each once: the positions that several lookups
/// in an index found.
pub(crate) fn merged<'l, T: Ord + Copy + 'l>(
    lists: impl IntoIterator<Item = &'l Vec<T>>,
) -> Vec<T> {
    let mut all: Vec<T> = lists.into_iter().flatten().copied().collect();
    all.sort_unstable();
    all.dedup();
    all
}

/// A proof of a property of another resource.
pub(crate) fn proof_of(resource: &Resource, pointer: &str) -> Option<Proof> {
    lookup(resource.properties(), pointer).map(|_| Proof {
        logical_id: resource.logical_id().to_owned(),
        path: format!("/Properties{pointer}"),
    })
}

trait OkOrDefault {
    fn ok_or_default(self) -> Result<Proof, String>;
}

impl OkOrDefault for Option<Proof> {
    fn ok_or_default(self) -> Result<Proof, String> {
        self.ok_or_else(|| "the property disappeared while it was read".to_owned())
    }
}

/// `/BucketEncryption/ServerSideEncryptionConfiguration/0` is written `BucketEncryption…0`.
fn pointer_name(pointer: &str) -> String {
    pointer.trim_start_matches('/').replace('/', ".")
}

/// Turns a list of checks into an outcome: all must hold.
pub(crate) fn all(checks: impl IntoIterator<Item = Result<Proof, String>>) -> Outcome {
    let mut proofs = Vec::new();
    let mut problems = Vec::new();
    for check in checks {
        match check {
            Ok(p) => proofs.push(p),
            Err(e) => problems.push(e),
        }
    }
    if problems.is_empty() {
        Outcome::Pass(proofs)
    } else {
        Outcome::Fail(problems.join("; "))
    }
}

/// Of outcomes any of which may be the one deployed (the branches of an `Fn::If`, the
/// destinations of one setting), the one to report: the first failure, else the first
/// (`None` when there is none).
pub(crate) fn worst(found: impl IntoIterator<Item = Outcome>) -> Option<Outcome> {
    let mut first = None;
    for outcome in found {
        if matches!(outcome, Outcome::Fail(_)) {
            return Some(outcome);
        }
        first.get_or_insert(outcome);
    }
    first
}

/// Outcomes that must each hold (every resource that writes one setting, when which of them
/// is applied last is not shown), none of which failed, as one: the first gap, else a pass
/// with each of their proofs once.
pub(crate) fn none_failed(outcomes: Vec<Outcome>) -> Outcome {
    if let Some(gap) = outcomes.iter().find(|o| matches!(o, Outcome::Gap(_))) {
        return gap.clone();
    }
    let mut proofs = Vec::new();
    for outcome in outcomes {
        if let Outcome::Pass(more) = outcome {
            for proof in more {
                if !proofs.contains(&proof) {
                    proofs.push(proof);
                }
            }
        }
    }
    Outcome::Pass(proofs)
}

/// Every rule, in the order of `docs/CONTROLS.md`.
pub fn rules() -> impl Iterator<Item = &'static RuleSpec> {
    storage::RULES
        .iter()
        .chain(copies::RULES)
        .chain(network::RULES)
        .chain(compute::RULES)
        .chain(identity::RULES)
        .chain(resilience::RULES)
        .chain(services::RULES)
        .chain(frontdoor::RULES)
        .chain(flows::RULES)
        .chain(dms::RULES)
        .chain(eks::RULES)
        .chain(graphdocs::RULES)
        .chain(sagemaker::RULES)
        .chain(cloudfront::RULES)
        .chain(appsync::RULES)
        .chain(acls::RULES)
        .chain(users::RULES)
        .chain(coverage::RULES)
}

/// The rules that read resources of `type_name` ([`RuleSpec::applies_to`]), in the order
/// of [`rules`]: found once per type named by a rule, and the rules of every type for any
/// other, so that the engine does not ask every rule about every resource.
pub(crate) fn rules_for(type_name: &str) -> &'static [(usize, &'static RuleSpec)] {
    // Each rule with its place in [`rules`], so that what counts per rule (`check`'s
    // proofs) counts in a vector rather than a map by id. Read once per resource: hashed
    // with foldhash, as the index's maps are.
    type ByType = (
        foldhash::HashMap<&'static str, Vec<(usize, &'static RuleSpec)>>,
        Vec<(usize, &'static RuleSpec)>,
    );
    static BY_TYPE: std::sync::LazyLock<ByType> = std::sync::LazyLock::new(|| {
        let mut by_type = foldhash::HashMap::default();
        for t in rules().flat_map(|r| r.types.iter()) {
            by_type.entry(*t).or_insert_with(|| {
                rules()
                    .enumerate()
                    .filter(|(_, r)| r.applies_to(t))
                    .collect()
            });
        }
        let every = rules()
            .enumerate()
            .filter(|(_, r)| r.types == coverage::EVERY_TYPE)
            .collect();
        (by_type, every)
    });
    let (by_type, every) = &*BY_TYPE;
    by_type.get(type_name).unwrap_or(every)
}

/// How many rules [`rules`] gives: one more than the last place [`rules_for`] names.
pub(crate) fn rule_count() -> usize {
    static COUNT: std::sync::LazyLock<usize> = std::sync::LazyLock::new(|| rules().count());
    *COUNT
}

/// The rule with this id.
///
/// ```
/// let s8 = hipaa_stack::compliance::rule_spec("S8").unwrap();
/// assert!(!s8.waivable());
/// assert!(s8.controls.contains(&"164.312(e)(1)"));
/// ```
pub fn rule_spec(id: &str) -> Option<&'static RuleSpec> {
    rules().find(|r| r.id == id)
}

/// The rules as types, for waivers: `Waiver::new(rule::S9, &bucket, "why")`.
pub mod rule {
    /// A rule of the rule engine, named as a type.
    pub trait Rule: sealed::Sealed {
        /// The rule's id.
        const ID: &'static str;
    }

    /// A rule that accepts a waiver with a written reason.
    #[diagnostic::on_unimplemented(
        message = "rule `{Self}` accepts no waiver",
        label = "this rule cannot be waived",
        note = "encryption at rest of PHI, TLS-only access, public access and wildcard principals are never waived (HIPAA 45 CFR §164.312(a)(1), (a)(2)(iv), (e)(1)); fix the resource instead"
    )]
    pub trait Waivable: Rule {}

    mod sealed {
        pub trait Sealed {}
    }

    // `rule_doc!(ID)`: each rule's API documentation, generated from the rules' catalogue
    // (`rules()`: what it checks, the types it reads, its HIPAA and NIST controls, whether it
    // accepts a waiver, the fix) by the test `rule_docs_are_generated_from_the_catalogue`,
    // which fails when the file and the catalogue differ.
    include!("rule_docs.rs");
    #[cfg(test)]
    pub(crate) use rule_doc;

    macro_rules! rules {
        (waivable: $($w:ident),* ; never: $($n:ident),* $(;)?) => {
            $(
                #[doc = rule_doc!($w)]
                #[derive(Debug, Clone, Copy)]
                pub struct $w;
                impl sealed::Sealed for $w {}
                impl Rule for $w { const ID: &'static str = stringify!($w); }
                impl Waivable for $w {}
            )*
            $(
                #[doc = rule_doc!($n)]
                #[derive(Debug, Clone, Copy)]
                pub struct $n;
                impl sealed::Sealed for $n {}
                impl Rule for $n { const ID: &'static str = stringify!($n); }
            )*
            /// Every rule id.
            #[cfg(test)]
            pub(crate) const ALL: &[&str] = &[$(stringify!($w),)* $(stringify!($n),)* "H1"];
            /// The rules that accept no waiver.
            pub(crate) const NEVER_WAIVED: &[&str] = &[$(stringify!($n)),*];
        };
    }

    rules! {
        waivable: S6, S7, S9, S10, S13, D1, D2, R3, R4, R5, R6, R7, R8, R9, R11, K1,
            T1, T3, T4, T5, T6, T7, L2, L3, L4, E3, E4, E6, E8, E11, E12, E13, E14,
            I1, I2, K4, B1, B2, M1, A1, A1K, A1T, A2D, A3B, A4, A4M, A4X, A4W, A4R, A4E, F2, F3, F4, F5, F6, F7, SM1, OS2, OS3, ECR1, ECR2, RS3, U1, X1, X2,
            ML3, CF2, CF3, AS1, AS2, E16, E17, I9, I10, I11, CG1, CG2, CG3, CG4, DD2, DD3, A3D, EC2, EKS2, EKS3, EKS4, E18;
        never: S1, S3, S8, S14, R1, R2, R12, R13, R14, K3, T2, L1, N1, N2, B4, M2, E1, E5, E10, E15,
            I8, A2, A2T, A3, A4T, A4C, A4I, A5, P2, F1, EF1, EF2, EC1, OS1, KS1, RS1, RS2, RS4, U2, P1,
            DMS1, DMS2, ML1, ML2, CF1, DD1, DD4, DD5, MSK1, EMR1, EKS1;
    }

    /// The rule of HIPAA-eligible services: its only waiver says that the resource never
    /// holds PHI ([`Waiver::never_holds_phi`](crate::compliance::Waiver::never_holds_phi)).
    pub(crate) const NEVER_HOLDS_PHI: &str = "H1";
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A stack's resources of a type are its own, in template order, and an import finds the
    /// stacks that export what it imports (however deep in the value), each once.
    #[test]
    fn a_stack_reads_its_own_resources_of_a_type_and_the_stacks_its_imports_name() {
        use crate::testing::{export, raw, template};
        let bucket = |id: &str| raw(id, "AWS::S3::Bucket", json!({}));
        let queue = raw("Q", "AWS::SQS::Queue", json!({}));
        let logs = template(
            vec![bucket("L1"), queue.clone(), bucket("L2")],
            vec![
                export("logs-arn", crate::cfn::Expr::reference("L1")),
                export("other", crate::cfn::Expr::reference("L2")),
            ],
        );
        let empty = template(vec![queue], Vec::new());
        let data = template(
            vec![bucket("D")],
            vec![export("logs-arn-too", crate::cfn::Expr::reference("D"))],
        );
        let stacks = [("logs", &logs), ("empty", &empty), ("data", &data)];
        let index = Index::new(&stacks);
        let cx = Cx {
            template: &data,
            resource: &data.resources()[0],
            stack: "data",
            stacks: &stacks,
            at: 2,
            index: &index,
        };
        let ids = |at: usize| -> Vec<&str> {
            cx.of_type_in("AWS::S3::Bucket", at)
                .map(Resource::logical_id)
                .collect()
        };
        assert_eq!(ids(0), ["L1", "L2"]);
        assert!(ids(1).is_empty());
        assert_eq!(ids(2), ["D"]);
        assert!(ids(3).is_empty());
        let value = json!({"Fn::Join": ["", [{"Fn::ImportValue": "logs-arn"}, "/",
            {"Fn::ImportValue": {"Fn::Sub": "logs-arn-too"}}, {"Fn::ImportValue": "other"},
            {"Fn::ImportValue": "nobody's"}]]});
        assert_eq!(cx.stacks_exporting(&value), [0, 2]);
        assert!(
            cx.stacks_exporting(&json!({"Fn::GetAtt": ["L1", "Arn"]}))
                .is_empty()
        );
    }

    #[test]
    fn the_index_of_ids_is_sorted_and_read_only_for_the_template_it_was_built_of() {
        let template = crate::testing::buckets_with_ids(&["B", "A", "C", "A"]);
        let by_id = ById::of(&template);
        assert!(by_id.plain);
        let ids: Vec<&str> = by_id
            .sorted
            .iter()
            .map(|&p| template.resources()[p as usize].logical_id())
            .collect();
        assert_eq!(ids, ["A", "A", "B", "C"]);
        let value = json!([{ "Ref": "A" }, { "Fn::GetAtt": ["C", "Arn"] }, { "Ref": "Z" }]);
        let named = compute::Mentioned::of(&value);
        let found: Vec<*const Resource> = by_id
            .named(template.resources(), &named)
            .expect("read by id")
            .into_iter()
            .map(std::ptr::from_ref)
            .collect();
        let resources = template.resources();
        assert_eq!(
            found,
            [&resources[1], &resources[3], &resources[2]].map(std::ptr::from_ref)
        );
        // Another template (another length), or one with an id that is not letters and
        // digits: read the long way.
        assert!(
            by_id
                .named(crate::testing::buckets_with_ids(&["A"]).resources(), &named)
                .is_none()
        );
        let odd = crate::testing::buckets_with_ids(&["A", "a.b", "A"]);
        assert!(!ById::of(&odd).plain);
        assert!(ById::of(&odd).named(odd.resources(), &named).is_none());
        // The first resource of an id, whatever its letters.
        let first = |id| ById::of(&odd).first(odd.resources(), id);
        assert_eq!(
            (first("A"), first("a.b"), first("Z")),
            (Some(0), Some(1), None)
        );
        let (resources, by_id) = (template.resources(), ById::of(&template));
        assert_eq!(by_id.first(resources, "A"), Some(1));
        assert_eq!(by_id.first(resources, "C"), Some(2));
    }

    #[test]
    fn the_index_reads_what_a_policy_names_only_from_a_plain_ref() {
        let ids: std::collections::HashMap<&str, usize> = [("A", 0), ("B", 1)].into();
        for (bucket, expected) in [
            (json!({ "Ref": "B" }), RefersTo::Resource(1)),
            (json!({ "Ref": "Z" }), RefersTo::Nothing),
            // A pseudo parameter may be a bucket's name as text (`${AWS::StackName}`).
            (json!({ "Ref": "AWS::StackName" }), RefersTo::Unread),
            (json!({ "Ref": "A", "Other": 1 }), RefersTo::Unread),
            (json!({ "Ref": ["A"] }), RefersTo::Unread),
            (json!({ "Fn::GetAtt": ["A", "Arn"] }), RefersTo::Unread),
            (json!("A"), RefersTo::Unread),
        ] {
            assert_eq!(
                RefersTo::of(&bucket, |id| ids.get(id).copied()),
                expected,
                "{bucket}"
            );
        }
    }

    #[test]
    fn every_rule_has_a_type_and_every_type_a_rule() {
        let specs: Vec<&str> = rules().map(|r| r.id).collect();
        let mut sorted = specs.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), specs.len(), "a rule id is used twice");
        let mut types = rule::ALL.to_vec();
        types.sort_unstable();
        assert_eq!(sorted, types);
    }

    /// The source of `rule_docs.rs`: one arm of `rule_doc!` per rule, its documentation
    /// written from the catalogue.
    fn rule_docs_source() -> String {
        use std::fmt::Write as _;
        let mut out = String::from(
            "// @generated from the rules' catalogue (`rules()`) by the test\n\
             // `rule_docs_are_generated_from_the_catalogue` of `compliance/rules/mod.rs`; do not edit.\n\
             // Regenerate: HIPAA_STACK_UPDATE_DOCS=1 cargo test -p hipaa-stack --lib rule_docs\n\
             macro_rules! rule_doc {\n",
        );
        for r in rules() {
            let mut doc = format!("Rule `{}`: {}.\n\n", r.id, r.title);
            let types = if r.types == coverage::EVERY_TYPE {
                "every resource type".to_owned()
            } else {
                r.types
                    .iter()
                    .map(|t| format!("`{t}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let _ = writeln!(doc, "- **Reads**: {types}.");
            let cited: Vec<String> = r
                .controls
                .iter()
                .map(|c| {
                    let title = crate::compliance::control(c).map_or("", |c| c.title);
                    format!("§{c} ({title})")
                })
                .collect();
            let _ = writeln!(doc, "- **HIPAA**: {}.", cited.join("; "));
            let nist: std::collections::BTreeSet<&str> = r
                .controls
                .iter()
                .filter_map(|c| crate::compliance::control(c))
                .flat_map(|c| c.nist.iter().copied())
                .collect();
            let _ = writeln!(
                doc,
                "- **NIST SP 800-53 Rev. 5**: {}.",
                nist.into_iter().collect::<Vec<_>>().join(", ")
            );
            let waiver = if r.waivable() {
                format!(
                    "accepts one with a written reason: `Waiver::new(rule::{}, &construct, \"why\")`.",
                    r.id
                )
            } else if r.id == rule::NEVER_HOLDS_PHI {
                "accepts only `Waiver::never_holds_phi`.".to_owned()
            } else {
                format!(
                    "accepts none: `Waiver::new(rule::{}, ..)` does not compile.",
                    r.id
                )
            };
            let _ = writeln!(doc, "- **Waiver**: {waiver}");
            let _ = writeln!(doc, "- **When it fails**: {}.", r.fix.trim_end_matches('.'));
            let _ = write!(
                doc,
                "\nGenerated from the rules' catalogue (`compliance::rules()`), as is \
                 `docs/CONTROLS.md`."
            );
            let _ = writeln!(out, "    ({}) => {{\n        {:?}\n    }};", r.id, doc);
        }
        // A rule added to the catalogue since the last generation still compiles, with a
        // placeholder that this test refuses until the file is generated again.
        out.push_str(
            "    ($id:ident) => {\n        concat!(\"Rule `\", stringify!($id), \"`: not generated yet; \
             run HIPAA_STACK_UPDATE_DOCS=1 cargo test -p hipaa-stack --lib rule_docs\")\n    };\n}\n",
        );
        out
    }

    /// Each `rule::X` type's documentation is the catalogue's entry for `X`, written into
    /// `rule_docs.rs` by this test (`HIPAA_STACK_UPDATE_DOCS=1`), which fails when the two
    /// differ: the docs cannot drift from what the rules check.
    #[test]
    fn rule_docs_are_generated_from_the_catalogue() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src/compliance/rules/rule_docs.rs"
        );
        let expected = rule_docs_source();
        if std::env::var_os("HIPAA_STACK_UPDATE_DOCS").is_some() {
            std::fs::write(path, &expected).expect("rule_docs.rs is written");
        }
        let written = std::fs::read_to_string(path).expect("rule_docs.rs is read");
        assert!(
            written == expected,
            "rule_docs.rs differs from the catalogue; regenerate it with \
             HIPAA_STACK_UPDATE_DOCS=1 cargo test -p hipaa-stack --lib rule_docs"
        );
        // And the types carry it: the documentation compiled into `rule::S1` is the
        // catalogue's.
        let s1 = rule_spec("S1").expect("S1");
        assert!(rule::rule_doc!(S1).contains(s1.title));
        assert!(rule::rule_doc!(S1).contains("does not compile"));
        assert!(rule::rule_doc!(S9).contains("written reason"));
    }

    #[test]
    fn every_rule_cites_controls_of_the_catalogue() {
        for r in rules() {
            assert!(!r.controls.is_empty(), "{} cites nothing", r.id);
            for c in r.controls {
                assert!(
                    crate::compliance::control(c).is_some(),
                    "{} cites {c}, which the catalogue lacks",
                    r.id
                );
            }
            assert!(!r.types.is_empty() && !r.fix.is_empty(), "{}", r.id);
        }
    }

    /// The status of `rule` on `stack/logical_id` after `check`.
    fn status(
        app: &crate::App,
        rule: &str,
        stack: &str,
        logical_id: &str,
    ) -> crate::compliance::Status {
        let assembly = app.check().expect("the app is checked");
        let found: Vec<_> = assembly
            .evaluation()
            .results
            .iter()
            .filter(|c| c.rule == rule && &*c.stack == stack && &*c.logical_id == logical_id)
            .map(|c| c.status.clone())
            .collect();
        assert_eq!(found.len(), 1, "{rule} on {stack}/{logical_id}: {found:?}");
        found[0].clone()
    }

    fn network() -> crate::DbNetwork {
        crate::DbNetwork::existing(
            "vpc-0123456789abcdef0",
            &["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"],
        )
        .expect("valid ids")
    }

    #[test]
    fn a_backup_selection_of_another_stack_proves_a_database_is_in_a_plan() {
        use crate::compliance::Status;
        use crate::prelude::*;
        let app = App::new("test");
        let data = app.stack("data").unwrap();
        let key = data.add(KmsKey::new("PhiKey")).unwrap();
        let ehr = data
            .add(
                EncryptedDatabase::postgres("Ehr")
                    .encryption(&key)
                    .network(network()),
            )
            .unwrap();
        data.add(
            EncryptedDatabase::postgres("Billing")
                .encryption(&key)
                .network(network()),
        )
        .unwrap();
        let backup = app.stack("backup").unwrap();
        let backup_key = backup.add(KmsKey::new("BackupKey")).unwrap();
        // A resource of the backup stack with the same logical id as the unprotected
        // database, listed by the plan: it proves nothing about `data/Billing`.
        let lookalike = backup
            .add(RawResource::new("Billing", "AWS::RDS::DBInstance"))
            .unwrap();
        backup
            .add(
                crate::BackupPlan::new("Daily")
                    .encryption(&backup_key)
                    .protect(&ehr),
            )
            .unwrap();
        let other_plan = backup
            .add(RawResource::new("OtherPlan", "AWS::Backup::BackupPlan"))
            .unwrap();
        backup
            .add(
                RawResource::new("Other", "AWS::Backup::BackupSelection")
                    .property("BackupPlanId", other_plan.reference())
                    .property("/BackupSelection/SelectionName", "other")
                    .property(
                        "/BackupSelection/IamRoleArn",
                        "arn:aws:iam::123456789012:role/b",
                    )
                    .property(
                        "/BackupSelection/Resources/0",
                        lookalike.attribute("DBInstanceArn"),
                    ),
            )
            .unwrap();
        match status(&app, "R4", "data", "Ehr") {
            Status::Enforced { evidence } => {
                assert_eq!(evidence[0].logical_id, "backup/DailySelection");
                assert_eq!(evidence[0].path, "/Properties/BackupSelection/Resources/0");
                let assembly = app.check().expect("the app is checked");
                assert_eq!(
                    assembly.evidence("data", &evidence[0]),
                    Some(serde_json::json!({ "Fn::ImportValue": "data:Ehr:DBInstanceArn" }))
                );
            }
            other => panic!("R4 on data/Ehr: {other:?}"),
        }
        assert!(matches!(
            status(&app, "R4", "data", "Billing"),
            Status::Gap { .. }
        ));
        match status(&app, "R4", "backup", "Billing") {
            Status::Enforced { evidence } => assert_eq!(evidence[0].logical_id, "Other"),
            other => panic!("R4 on backup/Billing: {other:?}"),
        }
    }

    #[test]
    fn a_backup_selection_of_another_stack_proves_an_instance_is_in_a_plan() {
        use crate::compliance::Status;
        use crate::prelude::*;
        let app = App::new("test");
        let compute = app.stack("compute").unwrap();
        let key = compute.add(KmsKey::new("Key")).unwrap();
        let net = compute
            .add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))
            .unwrap();
        let sg = compute.add(SecurityGroup::new("AppSg", &net)).unwrap();
        let role = compute
            .add(Role::new("AppRole", ServicePrincipal::Ec2))
            .unwrap();
        let worker = compute
            .add(
                SecureInstance::new("Worker", Ami::id("ami-0123456789abcdef0"))
                    .encryption(&key)
                    .network(&net)
                    .role(&role)
                    .security_group(&sg),
            )
            .unwrap();
        compute
            .add(RawResource::new("Scratch", "AWS::EC2::Volume"))
            .unwrap();
        let backup = app.stack("backup").unwrap();
        let backup_key = backup.add(KmsKey::new("BackupKey")).unwrap();
        // The instance's id, imported bare, is no ARN: this selection lists nothing.
        backup
            .add(
                RawResource::new("ById", "AWS::Backup::BackupSelection")
                    .property("BackupPlanId", "plan")
                    .property("/BackupSelection/SelectionName", "instances")
                    .property(
                        "/BackupSelection/IamRoleArn",
                        "arn:aws:iam::123456789012:role/b",
                    )
                    .property("/BackupSelection/Resources/0", worker.instance_id()),
            )
            .unwrap();
        backup
            .add(
                crate::BackupPlan::new("Nightly")
                    .encryption(&backup_key)
                    .protect(&worker),
            )
            .unwrap();
        match status(&app, "E3", "compute", "Worker") {
            Status::Enforced { evidence } => {
                assert_eq!(evidence[0].logical_id, "backup/NightlySelection");
                let assembly = app.check().expect("the app is checked");
                let entry = assembly.evidence("compute", &evidence[0]).unwrap();
                assert!(
                    entry.to_string().contains(":instance/")
                        && entry.to_string().contains("Fn::ImportValue"),
                    "the instance's ARN, joined around its imported id: {entry}"
                );
            }
            other => panic!("E3 on compute/Worker: {other:?}"),
        }
        assert!(matches!(
            status(&app, "E3", "compute", "Scratch"),
            Status::Gap { .. }
        ));
    }

    #[test]
    fn a_route_to_the_internet_reads_the_associations_of_its_table_in_every_stack() {
        use crate::compliance::Status;
        use crate::prelude::*;
        let app = App::new("routes");
        let net = app.stack("net").unwrap();
        let table = net
            .add(
                RawResource::new("Rt", "AWS::EC2::RouteTable")
                    .property("VpcId", "vpc-0123456789abcdef0"),
            )
            .unwrap();
        let gateway = net
            .add(RawResource::new("Igw", "AWS::EC2::InternetGateway"))
            .unwrap();
        net.add(
            RawResource::new("Route", "AWS::EC2::Route")
                .property("RouteTableId", table.reference())
                .property("DestinationCidrBlock", "0.0.0.0/0")
                .property("GatewayId", gateway.reference()),
        )
        .unwrap();
        let data = app.stack("data").unwrap();
        let subnet = data
            .add(
                RawResource::new("Phi", "AWS::EC2::Subnet")
                    .property("VpcId", "vpc-0123456789abcdef0")
                    .property("CidrBlock", "10.0.1.0/24")
                    .property("MapPublicIpOnLaunch", false),
            )
            .unwrap();
        // The association imports the table's id from `net`.
        data.add(
            RawResource::new("Assoc", "AWS::EC2::SubnetRouteTableAssociation")
                .property("RouteTableId", table.attribute("RouteTableId"))
                .property("SubnetId", subnet.reference()),
        )
        .unwrap();
        match status(&app, "E15", "net", "Route") {
            Status::Failed { finding } => assert!(
                finding.contains("association `data/Assoc` routes subnet `Phi`"),
                "{finding}"
            ),
            other => panic!("E15 on net/Route: {other:?}"),
        }
    }

    #[test]
    fn a_store_finds_the_selection_that_lists_it_by_lookup_as_by_reading_every_selection() {
        use crate::prelude::*;
        let app = App::new("selections");
        let raw = |id: &str, kind: &str| RawResource::new(id, kind);
        // Each stack's selections belong to a plan of their own template.
        let selection = |id: &str, plan: &str| {
            raw(id, "AWS::Backup::BackupSelection")
                .property("BackupPlanId", json!({ "Ref": plan }))
                .property("/BackupSelection/SelectionName", id)
                .property(
                    "/BackupSelection/IamRoleArn",
                    "arn:aws:iam::123456789012:role/backup",
                )
        };
        let b = app.stack("b").unwrap();
        b.add(raw("PlanB", "AWS::Backup::BackupPlan")).unwrap();
        let db3 = b.add(raw("Db3", "AWS::RDS::DBInstance")).unwrap();
        let db5 = b.add(raw("Db5", "AWS::RDS::DBInstance")).unwrap();
        let vol = b.add(raw("Vol", "AWS::EC2::Volume")).unwrap();
        let db6 = b.add(raw("Db6", "AWS::RDS::DBInstance")).unwrap();
        let a = app.stack("a").unwrap();
        a.add(raw("PlanA", "AWS::Backup::BackupPlan")).unwrap();
        a.add(raw("Db1", "AWS::RDS::DBInstance")).unwrap();
        let db2 = a.add(raw("Db2", "AWS::RDS::DBInstance")).unwrap();
        a.add(raw("Db4", "AWS::RDS::DBInstance")).unwrap();
        let entry = |n: usize| format!("/BackupSelection/Resources/{n}");
        a.add(
            selection("SelA", "PlanA")
                // A `Sub` that defines `Db4` itself names no resource.
                .property(
                    &entry(0),
                    json!({ "Fn::Sub": ["arn:aws:rds:us-east-1:123456789012:db:${Db4}", { "Db4": "x" }] }),
                )
                .property(&entry(1), db2.attribute("DBInstanceArn"))
                .property(
                    &entry(2),
                    json!({ "Fn::Sub": "arn:aws:rds:${AWS::Region}:${AWS::AccountId}:db:${Db1}" }),
                )
                // Imports of stack `b`'s exports.
                .property(&entry(3), db3.attribute("DBInstanceArn"))
                .property(&entry(4), db5.attribute("DBInstanceArn"))
                // An import of an export that is no ARN lists nothing.
                .property(&entry(5), db6.attribute("Endpoint.Address")),
        )
        .unwrap();
        // A `Ref` of a database is its identifier, no ARN: it lists nothing.
        a.add(selection("SelB", "PlanA").property(&entry(0), db2.reference()))
            .unwrap();
        b.add(
            selection("SelC", "PlanB")
                .property(
                    &entry(0),
                    json!({ "Fn::Sub": "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:volume/${Vol}" }),
                )
                .property(&entry(1), db3.attribute("DBInstanceArn"))
                .property(&entry(2), db6.reference())
                .property(&entry(3), vol.reference()),
        )
        .unwrap();
        let assembly = app.check().unwrap();
        assert_eq!(assembly.stacks()[0].name(), "b", "b is deployed first");
        let mut found = Vec::new();
        each_resource(&assembly, |cx| {
            let looked_up = cx.backup_selection();
            assert_eq!(
                looked_up,
                cx.backup_selection_read(&arn::ArnOf::of(cx.template, cx.resource)),
                "{}/{}",
                cx.stack,
                cx.id()
            );
            if let Some(proof) = looked_up {
                found.push((cx.id().to_owned(), proof.logical_id, proof.path));
            }
        });
        let proof = |id: &str, selection: &str, n: usize| {
            (
                id.to_owned(),
                selection.to_owned(),
                format!("/Properties{}", entry(n)),
            )
        };
        assert_eq!(
            found,
            [
                // Its own stack's selection comes first, in deploy order.
                proof("Db3", "SelC", 1),
                proof("Db5", "a/SelA", 4),
                proof("Vol", "SelC", 0),
                proof("Db1", "SelA", 2),
                // The first selection that lists it, in template order.
                proof("Db2", "SelA", 1),
            ]
        );
    }

    proptest::proptest! {
        // Enough cases to meet values that refer to an id not of letters and digits.
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// Whether a value refers to a resource of the app, looked up among the app's ids,
        /// is what reading every resource of every stack says.
        #[test]
        fn a_value_mentions_the_app_as_when_every_resource_was_read(
            value in crate::testing::intrinsic_values(),
            first in proptest::sample::subsequence(vec!["A", "B", "a.b"], 0..=3),
            second in proptest::sample::subsequence(vec!["B", "C", "a.b"], 0..=3),
        ) {
            let template = |ids: &[&str]| Template {
                description: String::new(),
                parameters: Vec::new(),
                resources: ids
                    .iter()
                    .map(|id| Resource::raw((*id).to_owned(), "AWS::SQS::Queue".to_owned(), json!({})))
                    .collect(),
                outputs: Vec::new(),
            };
            let (one, two) = (template(&first), template(&second));
            let stacks = [("one", &one), ("two", &two)];
            let index = Index::new(&stacks);
            let read = stacks
                .iter()
                .flat_map(|(_, t)| t.resources())
                .any(|r| compute::mentions(&value, r.logical_id()));
            let nothing = Resource::raw("Z".to_owned(), "AWS::SQS::Queue".to_owned(), json!({}));
            let cx = Cx {
                template: &one,
                resource: &nothing,
                stack: "one",
                stacks: &stacks,
                at: 0,
                index: &index,
            };
            proptest::prop_assert_eq!(cx.mentions_the_app(&value), read);
        }

        /// The names that the app's resources give themselves, read as each stack is
        /// rendered (from a scan, or from the tree where no scan did), are what reading every
        /// name key of every resource of every stack says: each non-blank text, in lower
        /// case.
        #[test]
        fn the_app_names_are_read_as_each_resource_names_itself(
            properties in proptest::collection::vec(
                proptest::collection::vec(
                    (
                        proptest::sample::select(crate::cfn::scan::KEPT_KEYS.to_vec()),
                        proptest::prop_oneof![
                            crate::testing::intrinsic_values(),
                            proptest::strategy::Strategy::prop_map("[ A-Za-z:/.-]{0,8}", Value::String),
                        ],
                    ),
                    0..4,
                ),
                1..4,
            ),
        ) {
            use proptest::prelude::*;
            let resources: Vec<Resource> = properties
                .into_iter()
                .enumerate()
                .map(|(i, entries)| {
                    let properties: serde_json::Map<String, Value> = entries
                        .into_iter()
                        .map(|(key, value)| (key.to_owned(), value))
                        .collect();
                    Resource::raw(format!("R{i}"), "AWS::SQS::Queue".to_owned(), Value::Object(properties))
                })
                .collect();
            let template = Template {
                description: String::new(),
                parameters: Vec::new(),
                resources,
                outputs: Vec::new(),
            };
            let scans: Vec<Option<Scanned>> = template
                .resources()
                .iter()
                .map(|r| crate::cfn::scan::scan(r.properties(), false).ok())
                .collect();
            let read: Vec<String> = template
                .resources()
                .iter()
                .flat_map(|r| {
                    crate::cfn::scan::KEPT_KEYS[crate::cfn::scan::FIRST_NAME_KEY..]
                        .iter()
                        .filter_map(|key| meaning::text(&r.properties()[*key]))
                })
                .filter(|n| !n.trim().is_empty())
                .map(|n| n.to_ascii_lowercase())
                .collect();
            let scanned = IndexPart::of(&template, &scans);
            let names = |part: &IndexPart| -> Vec<String> {
                part.names.iter().map(|(name, _)| name.clone()).collect()
            };
            prop_assert_eq!(&names(&scanned), &read);
            prop_assert_eq!(&names(&IndexPart::of(&template, &[])), &read);
            let index = Index::join(&[("s", &template)], &[&scanned]);
            for name in &read {
                prop_assert!(index.app_names.of_service(name, "sqs"));
                prop_assert!(!index.app_names.of_service(name, "sns"));
            }
            prop_assert_eq!(index.app_names.names(), read.into_iter().collect());
        }
    }

    #[test]
    fn the_index_names_once_each_stack_whose_parameters_a_stack_fills() {
        let assembly = crate::testing::clinic_with_copies().synth().unwrap();
        let stacks: Vec<(&str, &Template)> = assembly
            .stacks()
            .iter()
            .map(|s| (s.name(), s.template()))
            .collect();
        let index = Index::new(&stacks);
        let mut fed_any = false;
        for &(name, _) in &stacks {
            // Every stack, read the long way: those with a parameter filled from `name`.
            let expected: Vec<usize> = stacks
                .iter()
                .enumerate()
                .filter(|(_, (_, t))| t.parameters().iter().any(|p| p.stack() == name))
                .map(|(at, _)| at)
                .collect();
            let found = index.fed_from.get(name).cloned().unwrap_or_default();
            assert_eq!(found, expected, "{name}");
            fed_any |= !found.is_empty();
        }
        // The data stack reads two values of the recovery stack (the copy and its key).
        let data = &stacks.iter().find(|(n, _)| *n == "clinic-data").unwrap().1;
        assert!(
            data.parameters()
                .iter()
                .filter(|p| p.stack() == "clinic-dr")
                .count()
                > 1
        );
        assert!(fed_any);
    }

    #[test]
    fn only_policies_naming_a_resource_of_their_own_template_are_kept_from_other_stacks() {
        use serde_json::json;
        let bucket = |value: Value| json!({ "Bucket": value });
        let spellings = [
            ("Ref", bucket(json!({ "Ref": "B" })), false),
            (
                "GetAtt",
                bucket(json!({ "Fn::GetAtt": ["B", "Arn"] })),
                false,
            ),
            ("Name", bucket(json!("records")), true),
            (
                "Import",
                bucket(json!({ "Fn::ImportValue": "data:B:Ref" })),
                true,
            ),
            ("RefAndMore", bucket(json!({ "Ref": "B", "X": 1 })), true),
            ("ShortGetAtt", bucket(json!({ "Fn::GetAtt": ["B"] })), true),
            (
                "NumberGetAtt",
                bucket(json!({ "Fn::GetAtt": ["B", 3] })),
                true,
            ),
            ("NumberRef", bucket(json!({ "Ref": 5 })), true),
        ];
        let template = crate::cfn::Template {
            description: String::new(),
            parameters: Vec::new(),
            resources: spellings
                .iter()
                .map(|(id, properties, _)| {
                    Resource::raw(
                        (*id).to_owned(),
                        "AWS::S3::BucketPolicy".to_owned(),
                        properties.clone(),
                    )
                })
                .collect(),
            outputs: Vec::new(),
        };
        let stacks = [("s", &template)];
        let index = Index::new(&stacks);
        let kept: Vec<&str> = index
            .policies_for_elsewhere
            .iter()
            .filter_map(|&position| resource_at(&stacks, position))
            .map(|(_, r)| r.logical_id())
            .collect();
        let expected: Vec<&str> = spellings
            .iter()
            .filter(|(_, _, kept)| *kept)
            .map(|(id, _, _)| *id)
            .collect();
        assert_eq!(kept, expected);
    }
}

//! Disaster recovery, for the report (§164.308(a)(7)(ii)(B)): for every store of PHI of the
//! app, where its copies are: S3 replication to a bucket of another region, AWS Backup plans
//! that protect it, how often and how long, and the vaults, in which regions, that their
//! recovery points are copied to.

use std::borrow::Cow;
use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;

use crate::cfn::{Resource, Template};
use crate::compliance::Assembly;
use crate::compliance::rules::arn::{ArnOf, Reader};
use crate::compliance::rules::meaning;
use crate::compliance::rules::{Mentioned, across_regions, imported_names, merged};

/// The types of the stores of PHI that a copy can protect: general-purpose buckets (rule
/// S10's) and [`STORES_BUT_BUCKETS`], the databases and every other store of PHI that rule
/// `D1` keeps (a test holds each type `D1` reads to these or to [`NOT_STORES`]). A store of
/// a type whose copies the table cannot read is listed all the same, with no copy: the
/// table never leaves a store out because it cannot tell where its copies are.
fn is_store(type_name: &str) -> bool {
    type_name == "AWS::S3::Bucket" || STORES_BUT_BUCKETS.contains(&type_name)
}

/// The stores of PHI but general-purpose buckets, which rule `D2` reads (rule S10 reads the
/// buckets): the directory buckets included, which neither S3 replication nor AWS Backup
/// copies (a gap that a person must answer, as a waiver says how the data is copied), and
/// the databases.
pub(crate) const STORES_BUT_BUCKETS: &[&str] = &[
    "AWS::S3Express::DirectoryBucket",
    "AWS::S3Tables::TableBucket",
    "AWS::RDS::DBInstance",
    "AWS::RDS::DBCluster",
    "AWS::DynamoDB::Table",
    "AWS::DynamoDB::GlobalTable",
    "AWS::EFS::FileSystem",
    "AWS::EC2::Volume",
    "AWS::Redshift::Cluster",
    "AWS::OpenSearchService::Domain",
    "AWS::Elasticsearch::Domain",
    "AWS::DocDB::DBCluster",
    "AWS::Neptune::DBCluster",
    // Its `SnapshotCopyConfigurations` to another region are its copies
    // ([`namespace_copies`]).
    "AWS::RedshiftServerless::Namespace",
];

/// The types that rule `D1` keeps which are not stores of PHI of the table: keys, the audit
/// trail's log groups and event data stores, and the vaults that hold the stores' copies
/// (listed under each store as its copies); and the queues, streams, MSK clusters, secrets
/// and notebook instances that `D1` keeps since hostile review 11, whose copy in another
/// region rule `D2` does not ask for (what they hold passes on to, or comes from, the
/// stores of the table).
#[cfg(test)]
pub(crate) const NOT_STORES: &[&str] = &[
    "AWS::KMS::Key",
    "AWS::KMS::ReplicaKey",
    "AWS::Logs::LogGroup",
    "AWS::CloudTrail::EventDataStore",
    "AWS::Backup::BackupVault",
    "AWS::Backup::LogicallyAirGappedBackupVault",
    "AWS::SQS::Queue",
    "AWS::Kinesis::Stream",
    "AWS::SecretsManager::Secret",
    "AWS::MSK::Cluster",
    "AWS::MSK::ServerlessCluster",
    "AWS::SageMaker::NotebookInstance",
];

/// One store of PHI and its copies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecoveryEntry {
    /// The stack of the store.
    pub(crate) stack: String,
    /// The stack's region; `None` for the region of the environment.
    pub(crate) region: Option<String>,
    /// The construct that made it.
    pub(crate) construct: String,
    /// Its logical id.
    pub(crate) logical_id: String,
    /// Its CloudFormation type.
    pub(crate) resource_type: String,
    /// Its copies.
    pub(crate) copies: Vec<Copy>,
    /// The store this one is the replica of, in another region (`stack/Construct`), if any.
    pub(crate) copy_of: Option<String>,
    /// Whether one of the copies is in another region than the store.
    pub(crate) in_another_region: bool,
    /// Whether it holds audit records, not PHI: a bucket of the audit trail or of the
    /// account baseline, or a replica of one). Listed, as its copies
    /// matter to an audit, but not counted among the stores of PHI.
    pub(crate) audit_records: bool,
}

/// Whether `store` is a bucket of the audit trail or of the account baseline (CloudTrail's
/// log files, AWS Config's history): rule `S10` reads them as holding no PHI, so the
/// table marks them and their replicas as audit records rather than count them among the
/// stores of PHI (an access-log bucket is left out before).
fn holds_no_phi(store: &Resource) -> bool {
    store.type_name() == "AWS::S3::Bucket"
        && matches!(
            store.construct_kind(),
            Some("AuditTrail" | "AccountBaseline")
        )
}

/// One copy of a store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Copy {
    /// `replication`, `replica` (a DynamoDB global table's), `backup replication` (RDS
    /// automated backups), `backup` or `backup copy`.
    pub(crate) kind: &'static str,
    /// Where the copy is: a construct of the app (`stack/Construct`) or an ARN.
    pub(crate) to: String,
    /// Its region, when known; `another region` when it is only known to differ.
    pub(crate) region: Option<String>,
    /// How often and how long, for backups.
    pub(crate) detail: String,
    /// Whether it is known to be in another region than the store: a value that crossed
    /// regions (a template parameter filled from another region's stack), an ARN whose
    /// region differs from the store's pinned region, or one of a global table's replicas
    /// in two regions; and whether it will be there (a copy action for a store whose
    /// recovery points AWS Backup does not copy across regions is not).
    pub(crate) another_region: bool,
    /// The property that says so: `stack/LogicalId` and a JSON pointer.
    pub(crate) evidence: String,
}

// The read-only view of the table: its entries are made only from a checked assembly
// ([`recovery`], or the report's pass over its stacks) and read through these methods.

impl RecoveryEntry {
    /// The stack of the store (`stack`).
    pub fn stack(&self) -> &str {
        &self.stack
    }

    /// The stack's region (`region`); `None` for the region of the environment.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The construct that made it (`construct`).
    pub fn construct(&self) -> &str {
        &self.construct
    }

    /// Its logical id (`logicalId`).
    pub fn logical_id(&self) -> &str {
        &self.logical_id
    }

    /// Its CloudFormation type (`resourceType`).
    pub fn resource_type(&self) -> &str {
        &self.resource_type
    }

    /// Its copies (`copies`).
    pub fn copies(&self) -> &[Copy] {
        &self.copies
    }

    /// The store this one is the replica of, in another region (`stack/Construct`), if any
    /// (`copyOf`).
    pub fn copy_of(&self) -> Option<&str> {
        self.copy_of.as_deref()
    }

    /// Whether one of the copies is in another region than the store (`inAnotherRegion`).
    pub fn in_another_region(&self) -> bool {
        self.in_another_region
    }

    /// Whether it holds audit records, not PHI (`auditRecords`): listed, but not counted
    /// among the stores of PHI.
    pub fn audit_records(&self) -> bool {
        self.audit_records
    }
}

impl Copy {
    /// `replication`, `replica`, `backup replication`, `backup` or `backup copy` (`kind`).
    pub fn kind(&self) -> &'static str {
        self.kind
    }

    /// Where the copy is: a construct of the app (`stack/Construct`) or an ARN (`to`).
    pub fn to(&self) -> &str {
        &self.to
    }

    /// Its region, when known; `another region` when it is only known to differ
    /// (`region`).
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// How often and how long, for backups (`detail`).
    pub fn detail(&self) -> &str {
        &self.detail
    }

    /// Whether it is known to be, and will be, in another region than the store
    /// (`anotherRegion`).
    pub fn another_region(&self) -> bool {
        self.another_region
    }

    /// The property that says so: `stack/LogicalId` and a JSON pointer (`evidence`).
    pub fn evidence(&self) -> &str {
        &self.evidence
    }
}

/// The stores of PHI of the assembly and their copies, in stack order.
pub fn recovery(assembly: &Assembly) -> Vec<RecoveryEntry> {
    let mut recovery = Recovery::new(assembly);
    for (index, stack) in assembly.stacks().iter().enumerate() {
        recovery.stack(index, &written_tree(stack.template_json()));
    }
    recovery.finish()
}

/// The tree of a written template, parsed for one pass over its stack and then dropped
/// (the templates of an app are read one at a time, never all held at once).
pub(crate) fn written_tree(text: &str) -> Value {
    crate::cfn::tree::from_str(text).unwrap_or(Value::Null)
}

/// The disaster-recovery table, built one stack at a time ([`recovery`]; the report builds
/// it in the same pass over each stack's tree as its evidence).
pub(crate) struct Recovery<'a> {
    stacks: Cow<'a, [(&'a str, &'a Template)]>,
    /// The region of each stack of `stacks`, by position; `None` for the environment's.
    regions: Cow<'a, [Option<String>]>,
    /// The account of each stack of `stacks`, by position; `None` for the deploy account.
    accounts: Cow<'a, [Option<String>]>,
    /// What the table looks up across the app: read once, not once per store.
    lookup: Cow<'a, Lookup>,
    out: Vec<RecoveryEntry>,
}

impl<'a> Recovery<'a> {
    pub(crate) fn new(assembly: &'a Assembly) -> Self {
        let stacks: Vec<(&str, &Template)> = assembly
            .stacks()
            .iter()
            .map(|s| (s.name(), s.template()))
            .collect();
        let regions: Vec<Option<String>> = assembly
            .stacks()
            .iter()
            .map(|s| s.region().map(str::to_owned))
            .collect();
        let accounts: Vec<Option<String>> = assembly
            .stacks()
            .iter()
            .map(|s| s.account().map(str::to_owned))
            .collect();
        let lookup = Lookup::of(stacks.iter().copied());
        Recovery {
            stacks: Cow::Owned(stacks),
            regions: Cow::Owned(regions),
            accounts: Cow::Owned(accounts),
            lookup: Cow::Owned(lookup),
            out: Vec::new(),
        }
    }

    /// The table of `stacks` (every stack of the app, in deploy order) with `regions` and
    /// `accounts` (each stack's pinned region and its environment's account, by position),
    /// given what [`Lookup::of`] read of them, once for a table built stack by stack in
    /// several places.
    pub(crate) fn with_lookup(
        stacks: &'a [(&'a str, &'a Template)],
        (regions, accounts): (&'a [Option<String>], &'a [Option<String>]),
        lookup: &'a Lookup,
    ) -> Self {
        Recovery {
            stacks: Cow::Borrowed(stacks),
            regions: Cow::Borrowed(regions),
            accounts: Cow::Borrowed(accounts),
            lookup: Cow::Borrowed(lookup),
            out: Vec::new(),
        }
    }

    /// The stores of the stack at `index`, whose written template parses to `tree`.
    pub(crate) fn stack(&mut self, index: usize, tree: &Value) {
        self.stack_with(index, |r| &tree["Resources"][r.logical_id()]["Properties"]);
    }

    /// The stores of the stack at `index`, each resource's properties read by `props`
    /// (from the written template's tree, or from the template while synthesis holds it).
    pub(crate) fn stack_with<'t>(
        &mut self,
        index: usize,
        props: impl Fn(&'a Resource) -> &'t Value,
    ) {
        let Some(&(stack, template)) = self.stacks.get(index) else {
            return;
        };
        let app = App {
            stacks: &self.stacks,
            regions: &self.regions,
            accounts: &self.accounts,
            lookup: &self.lookup,
        };
        let region = app.region(index);
        for r in template.resources() {
            if !is_store(r.type_name()) || r.construct_kind() == Some("AccessLogBucket") {
                continue;
            }
            // An instance of an Aurora or Multi-AZ DB cluster keeps no data of its own: the
            // cluster is the store (as rule D2 reads it), and the instance no row of its own.
            let member = &props(r)["DBClusterIdentifier"];
            if r.type_name() == "AWS::RDS::DBInstance"
                && !(member.is_null()
                    || meaning::no_value(member)
                    || member.as_str().is_some_and(|m| m.trim().is_empty()))
            {
                continue;
            }
            let no_phi = holds_no_phi(r);
            let copies = copies(&app, index, r, props(r));
            let in_another_region = copies.iter().any(|c| c.another_region);
            self.out.push(RecoveryEntry {
                stack: stack.to_owned(),
                region: region.map(str::to_owned),
                construct: r.construct_path().unwrap_or(r.logical_id()).to_owned(),
                logical_id: r.logical_id().to_owned(),
                resource_type: r.type_name().to_owned(),
                copies,
                copy_of: None,
                in_another_region,
                audit_records: no_phi,
            });
        }
    }

    /// The table, once every stack was read.
    pub(crate) fn finish(self) -> Vec<RecoveryEntry> {
        link_replicas(self.out)
    }

    /// The entries found so far (those of the stacks read since the last call), taken
    /// for [`link_replicas`] to finish once every stack's are gathered.
    pub(crate) fn take(&mut self) -> Vec<RecoveryEntry> {
        std::mem::take(&mut self.out)
    }
}

/// What the disaster-recovery table looks up across the app, read once for it: each stack's
/// position by name (a copy made through a template parameter names its producing stack),
/// and the app's backup selections by what they list. A store asks only the selections
/// that may list it, not every selection of the app (a backup plan in every stack cost
/// the square of a large app's size).
#[derive(Debug, Clone, Default)]
pub(crate) struct Lookup {
    /// The position of each stack in the app (the first, for a name given twice).
    positions: HashMap<String, usize>,
    /// Every backup selection: the positions of its stack in the app and of it among the
    /// stack's resources, in deploy order.
    selections: Vec<(usize, usize)>,
    /// Every Data Lifecycle Manager policy (`AWS::DLM::LifecyclePolicy`): the positions of
    /// its stack in the app and of it among the stack's resources, in deploy order.
    lifecycle_policies: Vec<(usize, usize)>,
    /// The backup vaults of the app by their `BackupVaultName` written as text: the
    /// positions of each one's stack and of it in the stack, in deploy order.
    vaults: HashMap<String, Vec<(usize, usize)>>,
    /// By the position of a stack and a name: the selections of that stack (positions in
    /// `selections`, in order) with an entry of `BackupSelection.Resources` that mentions
    /// the name ([`Mentioned`]: a `Ref`, the resource of an `Fn::GetAtt`, a `${name}` of an
    /// `Fn::Sub`).
    named: HashMap<(usize, String), Vec<usize>>,
    /// By the name of an export: the selections with an entry `Fn::ImportValue` of it.
    imported: HashMap<String, Vec<usize>>,
    /// By the position of a stack and the logical id of a database: its read replicas
    /// (databases whose copy source names it), as (stack, resource) positions in deploy
    /// order, each with how it names it.
    replicas: HashMap<(usize, String), Vec<Replica>>,
    /// Each Aurora global database (`AWS::RDS::GlobalCluster`, by the positions of its
    /// stack and of it in the stack) with its member clusters: (stack, resource, the
    /// property that makes it a member as `stack/LogicalId/pointer`, how it is named).
    globals: Vec<((usize, usize), Vec<Member>)>,
}

/// A read replica: the positions of its stack and of it in the stack, and how it names its
/// source.
type Replica = (usize, usize, Link);

/// A member cluster of an Aurora global database.
#[derive(Debug, Clone)]
struct Member {
    /// The positions of its stack, and of it in the stack.
    at: usize,
    r: usize,
    /// The property that makes it a member, `stack/LogicalId/pointer`.
    evidence: String,
    /// How it names the global database (or the global database it).
    link: Link,
}

/// How a database names another: through a template parameter (filled from a stack of
/// another region as written: hipaa-stack carries values across regions only so), by an
/// RDS ARN written as text (with the region it names), or by a reference or an identifier
/// that says nothing of the region.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Link {
    Parameter,
    Arn(String),
    Text,
}

impl Lookup {
    /// What the table looks up across `stacks` (every stack of the app, by name, in
    /// deploy order).
    pub(crate) fn of<'t>(stacks: impl Iterator<Item = (&'t str, &'t Template)>) -> Self {
        let stacks: Vec<(&str, &Template)> = stacks.collect();
        let mut lookup = Lookup::default();
        for (at, &(name, _)) in stacks.iter().enumerate() {
            lookup.positions.entry(name.to_owned()).or_insert(at);
        }
        for (at, &(_, template)) in stacks.iter().enumerate() {
            for (r, resource) in template.resources().iter().enumerate() {
                if resource.type_name() == "AWS::DLM::LifecyclePolicy" {
                    lookup.lifecycle_policies.push((at, r));
                }
                if VAULT.types.contains(&resource.type_name())
                    && let Some(name) = meaning::text(&resource.properties()["BackupVaultName"])
                {
                    lookup.vaults.entry(name).or_default().push((at, r));
                }
                if resource.type_name() != "AWS::Backup::BackupSelection" {
                    continue;
                }
                let selection = lookup.selections.len();
                lookup.selections.push((at, r));
                for entry in listed(resource) {
                    for name in Mentioned::of(entry).plain_names() {
                        let found = lookup.named.entry((at, (*name).to_owned())).or_default();
                        if found.last() != Some(&selection) {
                            found.push(selection);
                        }
                    }
                    let mut imports = Vec::new();
                    imported_names(entry, &mut imports);
                    for export in imports {
                        let found = lookup.imported.entry(export.to_owned()).or_default();
                        if found.last() != Some(&selection) {
                            found.push(selection);
                        }
                    }
                }
            }
        }
        lookup.databases(&stacks);
        lookup
    }

    /// Reads the read replicas and global databases of `stacks` (every stack of the app;
    /// `positions` already read). A database is named by a reference (a template parameter
    /// filled from another region's stack, or a `Ref` within its template) or by its
    /// identifier written as text (`DBInstanceIdentifier`, `DBClusterIdentifier`,
    /// `GlobalClusterIdentifier`; RDS stores identifiers in lower case), alone or at the end
    /// of an RDS ARN (`arn:aws:rds:REGION:ACCOUNT:db:NAME`, `…:cluster:NAME`, `…:global-cluster:NAME`).
    fn databases(&mut self, stacks: &[(&str, &Template)]) {
        // The app's databases and global databases by their written identifiers.
        let mut named: HashMap<(&str, String), Vec<(usize, usize)>> = HashMap::new();
        for (at, &(_, template)) in stacks.iter().enumerate() {
            for (r, db) in template.resources().iter().enumerate() {
                let (kind, property) = match db.type_name() {
                    "AWS::RDS::DBInstance" => ("db", "DBInstanceIdentifier"),
                    "AWS::RDS::DBCluster" => ("cluster", "DBClusterIdentifier"),
                    "AWS::RDS::GlobalCluster" => ("global-cluster", "GlobalClusterIdentifier"),
                    _ => continue,
                };
                if let Some(name) = db.properties()[property].as_str() {
                    named
                        .entry((kind, name.to_ascii_lowercase()))
                        .or_default()
                        .push((at, r));
                }
            }
        }
        let positions = &self.positions;
        let stack_named = |name: &str| positions.get(name).and_then(|&p| stacks.get(p)).copied();
        // What a value names: the databases of `kind` it refers to, each with how.
        let names = |template: &Template, value: &Value, kind: &str| -> Vec<(usize, usize, Link)> {
            if let Some((stack, resource)) = across_regions(stack_named, template, value) {
                let Some(&at) = positions.get(stack) else {
                    return Vec::new();
                };
                // The parameter must carry the database's ARN (an identifier names a
                // database of the consumer's own region; the `Ref` of a global database
                // is its identifier, which names it in every region).
                let (wanted, attribute) = match kind {
                    "db" => ("AWS::RDS::DBInstance", Some("DBInstanceArn")),
                    "cluster" => ("AWS::RDS::DBCluster", Some("DBClusterArn")),
                    _ => ("AWS::RDS::GlobalCluster", None),
                };
                let output = value
                    .get("Ref")
                    .and_then(Value::as_str)
                    .and_then(|name| stacks[at].1.outputs().iter().find(|o| o.name() == name))
                    .and_then(|o| serde_json::to_value(&o.value).ok())
                    .unwrap_or(Value::Null);
                let fits = resource.type_name() == wanted
                    && attribute
                        .is_none_or(|a| attribute_of(&output) == Some((resource.logical_id(), a)));
                if !fits {
                    return Vec::new();
                }
                let r = position_of(stacks[at].1, resource);
                return vec![(at, r, Link::Parameter)];
            }
            // Text as AWS receives it: an ARN built with pseudo parameters
            // (`arn:${AWS::Partition}:rds:REGION:${AWS::AccountId}:db:NAME`, the library's
            // own spelling) reads as one written out; `${AWS::Region}` is the replica's own
            // region, which says no more than an identifier. Its account must be
            // `${AWS::AccountId}`, the replica's own: a number may be any account's, and a
            // replica of another account's database under the identifier of one of the
            // app's is no copy of the app's (as R1 reads a copy's source).
            let Some(text) = meaning::sent(value) else {
                return Vec::new();
            };
            let text = text.replace("${AWS::", "${AWS-");
            let (name, link) = match text.strip_prefix("arn:") {
                Some(arn) => match arn.splitn(6, ':').collect::<Vec<_>>().as_slice() {
                    [_, "rds", "${AWS-Region}", "${AWS-AccountId}", k, name] if *k == kind => {
                        ((*name).to_owned(), Link::Text)
                    }
                    [_, "rds", region, "${AWS-AccountId}", k, name] if *k == kind => {
                        ((*name).to_owned(), Link::Arn((*region).to_owned()))
                    }
                    _ => return Vec::new(),
                },
                None => (text.clone(), Link::Text),
            };
            named
                .get(&(kind, name.to_ascii_lowercase()))
                .map(|found| found.iter().map(|&(at, r)| (at, r, link.clone())).collect())
                .unwrap_or_default()
        };
        for (at, &(here, template)) in stacks.iter().enumerate() {
            for (r, db) in template.resources().iter().enumerate() {
                // Only a database is a replica or a member of a global database: the
                // properties of the rest are not read (nor parsed).
                if !matches!(
                    db.type_name(),
                    "AWS::RDS::DBInstance" | "AWS::RDS::DBCluster" | "AWS::RDS::GlobalCluster"
                ) {
                    continue;
                }
                let props = db.properties();
                if let Some((_, source)) = replica_source(db, props) {
                    let kind = if db.type_name() == "AWS::RDS::DBCluster" {
                        "cluster"
                    } else {
                        "db"
                    };
                    for (source_at, s, link) in names(template, source, kind) {
                        if (source_at, s) != (at, r) {
                            self.replicas
                                .entry((
                                    source_at,
                                    stacks[source_at].1.resources()[s].logical_id().to_owned(),
                                ))
                                .or_default()
                                .push((at, r, link));
                        }
                    }
                }
                // The member clusters of a global database: its source cluster, and each
                // cluster that names it.
                let mut members = Vec::new();
                if db.type_name() == "AWS::RDS::DBCluster" {
                    let global = &props["GlobalClusterIdentifier"];
                    let evidence = format!(
                        "{here}/{}/Properties/GlobalClusterIdentifier",
                        db.logical_id()
                    );
                    if let Some(g) = template.resources().iter().position(|g| {
                        g.type_name() == "AWS::RDS::GlobalCluster"
                            && names_exactly(global, g.logical_id(), "")
                    }) {
                        members.push((
                            (at, g),
                            Member {
                                at,
                                r,
                                evidence: evidence.clone(),
                                link: Link::Text,
                            },
                        ));
                    }
                    for (g_at, g, link) in names(template, global, "global-cluster") {
                        members.push((
                            (g_at, g),
                            Member {
                                at,
                                r,
                                evidence: evidence.clone(),
                                link,
                            },
                        ));
                    }
                }
                if db.type_name() == "AWS::RDS::GlobalCluster" {
                    let source = &props["SourceDBClusterIdentifier"];
                    let evidence = format!(
                        "{here}/{}/Properties/SourceDBClusterIdentifier",
                        db.logical_id()
                    );
                    if let Some(c) = template.resources().iter().position(|c| {
                        c.type_name() == "AWS::RDS::DBCluster"
                            && names_exactly(source, c.logical_id(), "DBClusterArn")
                    }) {
                        members.push((
                            (at, r),
                            Member {
                                at,
                                r: c,
                                evidence: evidence.clone(),
                                link: Link::Text,
                            },
                        ));
                    }
                    for (c_at, c, link) in names(template, source, "cluster") {
                        members.push((
                            (at, r),
                            Member {
                                at: c_at,
                                r: c,
                                evidence: evidence.clone(),
                                link,
                            },
                        ));
                    }
                }
                for (key, member) in members {
                    match self.globals.iter_mut().find(|(k, _)| *k == key) {
                        Some((_, found)) => {
                            if !found.iter().any(|m| (m.at, m.r) == (member.at, member.r)) {
                                found.push(member);
                            }
                        }
                        None => self.globals.push((key, vec![member])),
                    }
                }
            }
        }
    }

    /// The selections (positions in `selections`, in order) that may list `id`, a
    /// resource of the stack at `at`, or import one of `exports`: every selection of the
    /// app for an id that is not letters and digits, which no lookup by name finds.
    fn listing(&self, at: usize, id: &str, exports: &[&str]) -> Vec<usize> {
        if !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return (0..self.selections.len()).collect();
        }
        let home = self.named.get(&(at, id.to_owned()));
        let imported = exports.iter().filter_map(|e| self.imported.get(*e));
        merged(home.into_iter().chain(imported))
    }
}

/// Whether `value` is the `Ref` of the resource `id` (a database's identifier) or, when
/// `attribute` is not empty, that attribute of it, as such: a value that only mentions it
/// (an `Fn::If` whose other branch is another, or nothing) may name another in the
/// deployed stack, which the rule reads branch by branch and the table cannot.
fn names_exactly(value: &Value, id: &str, attribute: &str) -> bool {
    value.get("Ref").and_then(Value::as_str) == Some(id)
        || (!attribute.is_empty() && attribute_of(value) == Some((id, attribute)))
}

/// The entries of a backup selection's `BackupSelection.Resources`.
fn listed(selection: &Resource) -> &[Value] {
    selection.properties()["BackupSelection"]["Resources"]
        .as_array()
        .map_or(&[], Vec::as_slice)
}

/// The stacks of the app, in deploy order with their regions, and what is looked up
/// across them.
struct App<'r, 'a> {
    stacks: &'r [(&'a str, &'a Template)],
    /// The region of each stack, by position (`None`, or no entry, for the environment's).
    regions: &'r [Option<String>],
    /// The account of each stack, by position (`None`, or no entry, for the deploy
    /// account).
    accounts: &'r [Option<String>],
    lookup: &'r Lookup,
}

impl<'r, 'a> App<'r, 'a> {
    /// The position of the stack named `name`.
    fn at(&self, name: &str) -> Option<usize> {
        self.lookup.positions.get(name).copied()
    }

    /// The stack named `name`.
    fn stack(&self, name: &str) -> Option<(&'a str, &'a Template)> {
        self.stacks.get(self.at(name)?).copied()
    }

    /// The pinned region of the stack at `at`.
    fn region(&self, at: usize) -> Option<&'r str> {
        self.regions.get(at).and_then(Option::as_deref)
    }

    /// The account of the stack at `at`, as its environment names it.
    fn account(&self, at: usize) -> Option<&'r str> {
        self.accounts.get(at).and_then(Option::as_deref)
    }

    /// Whether the stacks at `a` and `b` deploy to one account (an RDS identifier, an ARN
    /// written with `${AWS::AccountId}` and an import name a resource of the writer's own
    /// account only).
    fn one_account(&self, a: usize, b: usize) -> bool {
        self.account(a) == self.account(b)
    }
}

/// The copies of `store`, a resource of the stack at `at` of `stacks` (every stack of the
/// app in deploy order, with `regions` their pinned regions and `accounts` their
/// environments' accounts by position), whose properties are `props`, as the
/// disaster-recovery table reads them: rule `D2` reads the same
/// ([`crate::compliance::rules::copies`]), so that the rule and the table never disagree on
/// whether a store has a copy in another region.
pub(crate) fn copies_of(
    stacks: &[(&str, &Template)],
    (regions, accounts): (&[Option<String>], &[Option<String>]),
    lookup: &Lookup,
    at: usize,
    store: &Resource,
    props: &Value,
) -> Vec<Copy> {
    let app = App {
        stacks,
        regions,
        accounts,
        lookup,
    };
    copies(&app, at, store, props)
}

/// The property that makes a database the read replica of another, and its value: an
/// instance's `SourceDBInstanceIdentifier` (not with `RestoreTime` or
/// `UseLatestRestorableTime`, which make it a point-in-time restore), a cluster's
/// `ReplicationSourceIdentifier` (CloudFormation, `AWS::RDS::DBInstance` and
/// `AWS::RDS::DBCluster`).
fn replica_source<'v>(db: &Resource, props: &'v Value) -> Option<(&'static str, &'v Value)> {
    let (pointer, value) = match db.type_name() {
        "AWS::RDS::DBCluster" => (
            "ReplicationSourceIdentifier",
            &props["ReplicationSourceIdentifier"],
        ),
        "AWS::RDS::DBInstance"
            if props["RestoreTime"].is_null() && props["UseLatestRestorableTime"].is_null() =>
        {
            (
                "SourceDBInstanceIdentifier",
                &props["SourceDBInstanceIdentifier"],
            )
        }
        _ => return None,
    };
    (!value.is_null()).then_some((pointer, value))
}

/// A database's read replicas in other regions, the database it is the replica of in
/// another region, and the other member clusters of its Aurora global database in another
/// region: each holds every change of the database, as RDS replicates it. A read replica
/// and its source are in two regions when their stacks are pinned to two regions and the
/// replica names the source by its ARN (through a template parameter, or written with the
/// source's region): an identifier alone names a database of the replica's own region,
/// and an ARN of another region another database. Two members of a global database are
/// in two regions when one names it through a template parameter and the other is of its
/// stack (Aurora keeps one cluster of a global database in a region), or when their
/// stacks are pinned to two regions.
fn database_copies(
    app: &App<'_, '_>,
    (at, home): (usize, Option<&str>),
    template: &Template,
    db: &Resource,
    props: &Value,
) -> Vec<Copy> {
    let Some(&(stack, _)) = app.stacks.get(at) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let found = |(other, r): (usize, usize)| {
        app.stacks.get(other).and_then(|&(s, t)| {
            let found = t.resources().get(r)?;
            Some((s, found, app.region(other)))
        })
    };
    // Made of it.
    if let Some(replicas) = app.lookup.replicas.get(&(at, db.logical_id().to_owned())) {
        for (other, r, link) in replicas {
            let Some((s, replica, region)) = found((*other, *r)) else {
                continue;
            };
            // An identifier, and an ARN of `${AWS::AccountId}`, name a database of the
            // replica's own account: one of another account names that account's.
            let names_this = app.one_account(*other, at)
                && match link {
                    Link::Parameter => true,
                    Link::Arn(written) => home.is_none_or(|h| h == written),
                    Link::Text => !apart(home, region),
                };
            if !names_this {
                continue;
            }
            let (property, _) = replica_source(replica, replica.properties()).unwrap_or_default();
            out.push(Copy {
                kind: "read replica",
                to: format!(
                    "{s}/{}",
                    replica.construct_path().unwrap_or(replica.logical_id())
                ),
                region: region.map(str::to_owned),
                another_region: *link != Link::Text && apart(home, region),
                detail: "every change, as RDS replicates it".to_owned(),
                evidence: format!("{s}/{}/Properties/{property}", replica.logical_id()),
            });
        }
    }
    // It is the replica of another.
    if let Some((property, source)) = replica_source(db, props) {
        let target = if db.type_name() == "AWS::RDS::DBCluster" {
            &SOURCE_CLUSTER
        } else {
            &SOURCE_INSTANCE
        };
        let (to, region, another_region) = destination(app, template, source, home, target);
        // A source of the app: carried by hipaa-stack's parameter (from a stack of the
        // replica's environment), or an ARN of the replica's own account
        // (`${AWS::AccountId}`); a number may be another account's database, which no
        // template of the app shows.
        let own_account = carried(app, template, source, target).is_some()
            || (source.get("Fn::Sub").is_some()
                && written_text(source).is_some_and(|t| {
                    arn_fields(&t)
                        .get(4)
                        .is_some_and(|a| a == "${AWS::AccountId}")
                }));
        out.push(Copy {
            kind: "replica source",
            to,
            region,
            another_region: another_region && own_account,
            detail: "this database is its read replica, every change replicated".to_owned(),
            evidence: format!("{stack}/{}/Properties/{property}", db.logical_id()),
        });
    }
    // The other members of its global database.
    let me = (at, position_of(template, db));
    for ((global_at, _), members) in &app.lookup.globals {
        // A global database is of one account, and an identifier names the global
        // database of the writer's own account: a cluster of another account that names
        // one of the same identifier is a member of that account's.
        if !app.one_account(at, *global_at) {
            continue;
        }
        let Some(mine) = members.iter().find(|m| (m.at, m.r) == me) else {
            continue;
        };
        // A member that names the global database through a parameter is in another region
        // than the global database's stack, and one of that stack in its region.
        let across = |m: &Member| m.link == Link::Parameter;
        let home_of_global = |m: &Member| m.at == *global_at && !across(m);
        for member in members
            .iter()
            .filter(|m| (m.at, m.r) != me && app.one_account(m.at, *global_at))
        {
            let Some((s, cluster, region)) = found((member.at, member.r)) else {
                continue;
            };
            let elsewhere = (across(mine) && home_of_global(member))
                || (home_of_global(mine) && across(member))
                || apart(home, region);
            out.push(Copy {
                kind: "global database member",
                to: format!(
                    "{s}/{}",
                    cluster.construct_path().unwrap_or(cluster.logical_id())
                ),
                region: region.map(str::to_owned),
                another_region: elsewhere,
                detail: "every change, as Aurora replicates a global database".to_owned(),
                evidence: member.evidence.clone(),
            });
        }
    }
    out
}

/// The copies that a file system or a warehouse makes of itself in another region: EFS
/// replication (`ReplicationConfiguration.Destinations`, each with its `Region`, or the
/// region of its `FileSystemId` ARN; CloudFormation, `AWS::EFS::FileSystem
/// ReplicationDestination`: EFS replicates within a region too, so only a region that
/// differs from the stack's pinned region is another), and Redshift's cross-region
/// snapshot copy (`DestinationRegion`; an encrypted cluster's snapshots are copied only
/// with a snapshot copy grant of the destination region, `SnapshotCopyGrantName`: Redshift
/// management guide, "Copying AWS KMS–encrypted snapshots to another AWS Region").
fn service_copies(
    (stack, home): (&str, Option<&str>),
    store: &Resource,
    props: &Value,
) -> Vec<Copy> {
    let another = |region: Option<&str>| apart(home, region);
    match store.type_name() {
        "AWS::EFS::FileSystem" => props["ReplicationConfiguration"]["Destinations"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(i, d)| {
                let region = d["Region"]
                    .as_str()
                    .and_then(region_name)
                    .map(str::to_owned)
                    .or_else(|| region_of_arn(&d["FileSystemId"]));
                Copy {
                    kind: "replication",
                    to: d["FileSystemId"]
                        .as_str()
                        .map_or_else(|| "a file system EFS creates".to_owned(), str::to_owned),
                    another_region: another(region.as_deref()),
                    region,
                    detail: "every file, as EFS replicates it".to_owned(),
                    evidence: format!(
                        "{stack}/{}/Properties/ReplicationConfiguration/Destinations/{i}",
                        store.logical_id()
                    ),
                }
            })
            .collect(),
        "AWS::Redshift::Cluster" => {
            let Some(region) = props["DestinationRegion"].as_str() else {
                return Vec::new();
            };
            // Encrypted unless written unencrypted: a value not known before deploy may
            // be `true` (and the stores of PHI are encrypted, rule S1).
            let unencrypted = props["Encrypted"].is_null()
                || meaning::text(&props["Encrypted"])
                    .is_some_and(|t| t.eq_ignore_ascii_case("false"))
                || props["Encrypted"] == false;
            let encrypted = !props["KmsKeyId"].is_null() || !unencrypted;
            let granted = meaning::text(&props["SnapshotCopyGrantName"])
                .is_some_and(|g| !g.trim().is_empty());
            // Redshift copies the automated snapshots, which a retention period of 0 turns
            // off ("If this value is 0, automated snapshots are disabled",
            // `AWS::Redshift::Cluster` `AutomatedSnapshotRetentionPeriod`, default 1); a
            // period not known before deploy may be 0.
            let snapshots = match &props["AutomatedSnapshotRetentionPeriod"] {
                Value::Null => true,
                v => meaning::whole_number(v).is_some_and(|d| d > 0),
            };
            let days = props["SnapshotCopyRetentionPeriod"]
                .as_i64()
                .map_or_else(|| "7 days".to_owned(), |d| format!("{d} days"));
            vec![Copy {
                kind: "snapshot copy",
                to: format!("automated snapshots in {region}"),
                region: Some(region.to_owned()),
                another_region: another(Some(region)) && (granted || !encrypted) && snapshots,
                detail: if !snapshots {
                    "none: automated snapshots are off, or their `AutomatedSnapshotRetentionPeriod` is not known before deploy (it may be 0)".to_owned()
                } else if encrypted && !granted {
                    "none: an encrypted cluster's snapshots are copied only with a snapshot copy grant (`SnapshotCopyGrantName`)".to_owned()
                } else {
                    format!("every automated snapshot, kept {days}")
                },
                evidence: format!(
                    "{stack}/{}/Properties/DestinationRegion",
                    store.logical_id()
                ),
            }]
        }
        _ => Vec::new(),
    }
}

/// The copies that Data Lifecycle Manager makes of an EBS volume's snapshots in other
/// regions: an `AWS::DLM::LifecyclePolicy` of the volume's region (of its stack, or of a
/// stack pinned to the same region: a policy acts on the resources of its own region) that
/// is `ENABLED`, of `PolicyType` `EBS_SNAPSHOT_MANAGEMENT` (the default), whose
/// `PolicyDetails.ResourceTypes` is `VOLUME` alone and whose `TargetTags` (the tags that
/// pick the resources a custom policy acts on) the volume carries, each of them, as
/// written text: a volume tagged with every one is targeted however DLM joins them. A
/// default policy (`DefaultPolicy` `VOLUME` or `INSTANCE`, its copies in
/// `CrossRegionCopyTargets`, or `PolicyDetails.PolicyLanguage` `SIMPLIFIED` with them in
/// `PolicyDetails.CrossRegionCopyTargets`) is read as no known copy ([`default_policy_copies`]).
/// A schedule of a policy so read copies in another region when it:
/// - creates snapshots in the region (`CreateRule.Location` absent or `CLOUD`) at least
///   daily: `Interval` of 1, 2, 3, 4, 6, 8, 12 or 24 `HOURS` ("The supported values are 1,
///   2, 3, 4, 6, 8, 12, and 24", `AWS::DLM::LifecyclePolicy CreateRule`), or a
///   `CronExpression` read as [`runs_daily`] reads one ("The schedule interval must be
///   between 1 hour and 1 year", DLM API, `CreateRule`);
/// - has a `CrossRegionCopyRules` entry whose `Target` (or `TargetRegion`) is a region
///   apart from the volume's pinned one ([`apart`]), whose `RetainRule` keeps the copies
///   two days or more ("The retention rule that indicates how long the cross-Region
///   snapshot or AMI copies are to be retained in the destination Region"; with none the
///   table cannot tell how long), and whose `CmkArn`, if any, is a key ARN of that region
///   (a key is of one region; "If this parameter is not specified, the default KMS key for
///   the account is used", of the destination region).
///
/// A volume copied so was listed with no copy before (hostile review 18).
fn lifecycle_copies(
    app: &App<'_, '_>,
    (at, home): (usize, Option<&str>),
    volume: &Resource,
    props: &Value,
) -> Vec<Copy> {
    if volume.type_name() != "AWS::EC2::Volume" {
        return Vec::new();
    }
    let tags: Vec<(String, String)> = props["Tags"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| {
            Some((
                t["Key"].as_str()?.to_owned(),
                t["Value"].as_str()?.to_owned(),
            ))
        })
        .collect();
    let mut out = Vec::new();
    for &(policy_at, r) in &app.lookup.lifecycle_policies {
        let same_region = policy_at == at || (home.is_some() && app.region(policy_at) == home);
        let Some(&(stack, template)) = app.stacks.get(policy_at) else {
            continue;
        };
        let Some(policy) = template.resources().get(r) else {
            continue;
        };
        let p = policy.properties();
        let details = &p["PolicyDetails"];
        if same_region && let Some(copies) = default_policy_copies(stack, policy) {
            out.extend(copies);
            continue;
        }
        let targets: Option<Vec<(&str, &str)>> = details["TargetTags"].as_array().map(|tags| {
            tags.iter()
                .filter_map(|t| Some((t["Key"].as_str()?, t["Value"].as_str()?)))
                .collect()
        });
        let targeted = targets.as_ref().is_some_and(|targets| {
            !targets.is_empty()
                && targets.len() == details["TargetTags"].as_array().map_or(0, Vec::len)
                && targets
                    .iter()
                    .all(|(k, v)| tags.iter().any(|(tk, tv)| tk == k && tv == v))
        });
        if !same_region || !targeted {
            continue;
        }
        let enabled = p["State"].as_str() == Some("ENABLED")
            && matches!(
                details["PolicyType"].as_str(),
                None | Some("EBS_SNAPSHOT_MANAGEMENT")
            )
            && details["ResourceTypes"].as_array().is_some_and(|types| {
                !types.is_empty() && types.iter().all(|t| t.as_str() == Some("VOLUME"))
            });
        for (i, schedule) in details["Schedules"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            let create = &schedule["CreateRule"];
            let in_region = create["Location"].is_null() || create["Location"] == "CLOUD";
            let daily = match (&create["CronExpression"], &create["Interval"]) {
                (Value::Null, interval) => {
                    create["IntervalUnit"].as_str() == Some("HOURS")
                        && interval
                            .as_i64()
                            .is_some_and(|n| [1, 2, 3, 4, 6, 8, 12, 24].contains(&n))
                }
                (cron, Value::Null) => cron.as_str().is_some_and(cron_daily),
                _ => false,
            };
            for (j, rule) in schedule["CrossRegionCopyRules"]
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
            {
                let written = match (&rule["Target"], &rule["TargetRegion"]) {
                    (Value::String(t), Value::Null) | (Value::Null, Value::String(t)) => {
                        Some(t.as_str())
                    }
                    _ => None,
                };
                let region = written.and_then(region_name);
                let retain = &rule["RetainRule"];
                let days = retain["Interval"].as_i64().and_then(|n| {
                    let unit = match retain["IntervalUnit"].as_str()? {
                        "DAYS" => 1,
                        "WEEKS" => 7,
                        "MONTHS" => 28,
                        "YEARS" => 365,
                        _ => return None,
                    };
                    n.checked_mul(unit)
                });
                let keyed = match &rule["CmkArn"] {
                    Value::Null => true,
                    key => {
                        region.is_some()
                            && region_of_target(key, &REPLICATION_KEY).as_deref() == region
                    }
                };
                let why = if !enabled {
                    Some(
                        "the policy is not read as an `ENABLED` snapshot policy of `VOLUME`s"
                            .to_owned(),
                    )
                } else if !(in_region && daily) {
                    Some("the schedule is not read as making snapshots in the region at least daily (`CreateRule`)".to_owned())
                } else if days.is_none_or(|d| d < 2) {
                    Some(
                        "the copies are not read as kept two days or more (`RetainRule`)"
                            .to_owned(),
                    )
                } else if !keyed {
                    Some("its `CmkArn` is not read as a key of the destination region".to_owned())
                } else {
                    None
                };
                out.push(Copy {
                    kind: "snapshot copy",
                    to: format!(
                        "snapshots in {}",
                        written.map_or_else(|| rule["Target"].to_string(), str::to_owned)
                    ),
                    region: region.map(str::to_owned),
                    another_region: why.is_none() && apart(home, region),
                    detail: match why {
                        Some(why) => format!("none known: {why}"),
                        None => format!(
                            "every snapshot of the policy `{}`, kept {} days",
                            policy.logical_id(),
                            days.unwrap_or_default()
                        ),
                    },
                    evidence: format!(
                        "{stack}/{}/Properties/PolicyDetails/Schedules/{i}/CrossRegionCopyRules/{j}",
                        policy.logical_id()
                    ),
                });
            }
        }
    }
    out
}

/// The copies of a default policy of Data Lifecycle Manager (`None` for a custom policy),
/// each read as no known copy. A default policy for EBS snapshots "creates snapshots of all
/// volumes in the Region that do not have recent backups" (DLM API, `CreateLifecyclePolicy`
/// `DefaultPolicy`; the same of instances for `INSTANCE`), and copies them to its
/// `CrossRegionCopyTargets` ("Specifies destination Regions for snapshot or AMI copies");
/// a volume backed up otherwise (by AWS Backup, as D1 asks, or by any tool of the account)
/// is skipped, and no template shows what else backs it up: so no copy of it in another
/// region is known, and D2 says why where it finds none. A policy is default when its
/// `DefaultPolicy` is set, or its `PolicyDetails.PolicyLanguage` is `SIMPLIFIED` ("the
/// policy language for default policies", CloudFormation reference, `PolicyDetails`).
fn default_policy_copies(stack: &str, policy: &Resource) -> Option<Vec<Copy>> {
    let p = policy.properties();
    let details = &p["PolicyDetails"];
    let simplified = meaning::text(&details["PolicyLanguage"]).is_some_and(|l| l == "SIMPLIFIED");
    if p["DefaultPolicy"].is_null() && !simplified {
        return None;
    }
    let (targets, at) = if p["CrossRegionCopyTargets"].is_null() {
        (
            &details["CrossRegionCopyTargets"],
            "PolicyDetails/CrossRegionCopyTargets",
        )
    } else {
        (&p["CrossRegionCopyTargets"], "CrossRegionCopyTargets")
    };
    let entries: Vec<(String, String)> = match targets {
        Value::Null => Vec::new(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(j, t)| {
                (
                    meaning::text(&t["TargetRegion"])
                        .unwrap_or_else(|| t["TargetRegion"].to_string()),
                    format!("{at}/{j}"),
                )
            })
            .collect(),
        other => vec![(meaning::text_or_json(other), at.to_owned())],
    };
    Some(
        entries
            .into_iter()
            .map(|(region, pointer)| Copy {
                kind: "snapshot copy",
                to: format!("snapshots in {region}"),
                region: region_name(&region).map(str::to_owned),
                another_region: false,
                detail: format!(
                    "none known: the default policy `{}` snapshots only the volumes with no recent backup, and what else backs this one up no template shows; copy it with a custom policy (`PolicyDetails.Schedules` with `CrossRegionCopyRules`) targeting its tags, or with AWS Backup",
                    policy.logical_id()
                ),
                evidence: format!("{stack}/{}/Properties/{pointer}", policy.logical_id()),
            })
            .collect(),
    )
}

/// The copies a Redshift Serverless namespace makes of itself in other regions: each entry
/// of `SnapshotCopyConfigurations` whose `DestinationRegion` is a region apart from the
/// namespace's pinned one ([`apart`]). Redshift Serverless copies "snapshots and recovery
/// points" there, and "Recovery points are created every 30 minutes and are kept for 24
/// hours" (Redshift management guide, "Copying backups to another AWS Region", "Snapshots
/// and recovery points"): a copy no older than the last half hour is always there, with no
/// schedule to write. A namespace encrypted with a key of the app (`KmsKeyId`) is copied
/// with a key of the destination region, named by `DestinationKmsKeyId` ("The ID of the
/// KMS key to use to encrypt your snapshots in the destination AWS Region"): its ARN with
/// that region, or a key of a stack pinned there carried by a template parameter; without
/// one the table cannot tell that the copy can be made. Listed with no copy before, as the
/// snapshots alone were read (hostile review 18).
fn namespace_copies(
    app: &App<'_, '_>,
    (stack, home): (&str, Option<&str>),
    template: &Template,
    namespace: &Resource,
    props: &Value,
) -> Vec<Copy> {
    if namespace.type_name() != "AWS::RedshiftServerless::Namespace" {
        return Vec::new();
    }
    let own_key = !(props["KmsKeyId"].is_null() || meaning::no_value(&props["KmsKeyId"]));
    props["SnapshotCopyConfigurations"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, configuration)| {
            let written = configuration["DestinationRegion"].as_str();
            let region = written.and_then(region_name);
            let key = &configuration["DestinationKmsKeyId"];
            let key_region = match carried(app, template, key, &REPLICATION_KEY) {
                Some((_, there, fits)) => there.filter(|_| fits).map(str::to_owned),
                None => region_of_target(key, &REPLICATION_KEY),
            };
            let keyed = !own_key || (region.is_some() && key_region.as_deref() == region);
            Copy {
                kind: "snapshot copy",
                to: format!(
                    "recovery points and snapshots in {}",
                    written.map_or_else(|| configuration["DestinationRegion"].to_string(), str::to_owned)
                ),
                region: region.map(str::to_owned),
                another_region: keyed && apart(home, region),
                detail: if keyed {
                    "every recovery point (made every 30 minutes, kept a day there) and snapshot, as Redshift Serverless copies them".to_owned()
                } else {
                    "none known: the namespace is encrypted with a key of the app (`KmsKeyId`), and `DestinationKmsKeyId` is not read as a key of the destination region".to_owned()
                },
                evidence: format!(
                    "{stack}/{}/Properties/SnapshotCopyConfigurations/{i}/DestinationRegion",
                    namespace.logical_id()
                ),
            }
        })
        .collect()
}

/// Why a vault's `AccessPolicy` may refuse the copies, if it may: a copy into a vault is
/// the action `backup:CopyIntoBackupVault` (the vault access policy must allow it for a
/// copy from another account, AWS knowledge center, "Access Denied trying to call AWS
/// Backup service"; "cross-account access for any action other than
/// backup:CopyIntoBackupVault will be rejected", AWS Backup developer guide, "Vault access
/// policies"), and an explicit deny of it refuses the copy from any account. A statement
/// whose `Effect` is not `Allow` and whose `Action` matches it (any case; a wildcard,
/// which "AWS Backup access policies don't support … in the Action key", is read as
/// matching, as the policy may then be refused), or whose `NotAction` does not, may refuse
/// the copies whatever its `Principal` and `Condition` say (the copying principal and the
/// request's context are not what a template shows); so does a policy the table cannot
/// read (an intrinsic, text that is no JSON). Copies into such a vault were copies in
/// another region before (hostile review 18).
fn refuses_copies(policy: &Value) -> Option<String> {
    const COPY: &str = "backup:copyintobackupvault";
    let parsed;
    let policy = match policy {
        v if v.is_null() || meaning::no_value(v) => return None,
        Value::String(text) => match crate::cfn::tree::from_str(text) {
            Ok(v) => {
                parsed = v;
                &parsed
            }
            Err(_) => {
                return Some("has an `AccessPolicy` that is no JSON the table reads".to_owned());
            }
        },
        Value::Object(map) if map.keys().any(|k| k.starts_with("Fn::") || k == "Ref") => {
            return Some("has an `AccessPolicy` not known before deploy, which may deny `backup:CopyIntoBackupVault`".to_owned());
        }
        v => v,
    };
    let statements: Vec<&Value> = match &policy["Statement"] {
        Value::Array(items) => items.iter().collect(),
        Value::Null => Vec::new(),
        one => vec![one],
    };
    let names = |v: &Value| -> Option<Vec<String>> {
        match v {
            Value::String(a) => Some(vec![a.to_ascii_lowercase()]),
            Value::Array(items) => items
                .iter()
                .map(|a| a.as_str().map(str::to_ascii_lowercase))
                .collect(),
            _ => None,
        }
    };
    for statement in statements {
        let effect = meaning::text(&statement["Effect"]);
        if effect.as_deref() == Some("Allow") {
            continue;
        }
        let denies = match (&statement["Action"], &statement["NotAction"]) {
            (action, Value::Null) => {
                names(action).is_none_or(|actions| actions.iter().any(|a| action_glob(a, COPY)))
            }
            (Value::Null, not) => {
                names(not).is_none_or(|actions| !actions.iter().any(|a| action_glob(a, COPY)))
            }
            _ => true,
        };
        if denies {
            return Some(
                "has an `AccessPolicy` that may deny `backup:CopyIntoBackupVault`, the copy into it (a `Deny` of it, or a statement the table cannot read)".to_owned(),
            );
        }
    }
    None
}

/// Whether an IAM action `pattern` (`*` any run, `?` one character; both lower-cased)
/// matches `action`.
fn action_glob(pattern: &str, action: &str) -> bool {
    let (p, a): (Vec<char>, Vec<char>) = (pattern.chars().collect(), action.chars().collect());
    // The furthest point of `p` each prefix of `a` can be matched to, by dynamic programming.
    let mut reach = vec![false; p.len() + 1];
    reach[0] = true;
    for i in 0..p.len() {
        reach[i + 1] = reach[i] && p[i] == '*';
    }
    for &c in &a {
        let mut next = vec![false; p.len() + 1];
        for i in 0..p.len() {
            next[i + 1] = match p[i] {
                '*' => next[i] || reach[i + 1],
                '?' => reach[i],
                other => reach[i] && other == c,
            };
        }
        reach = next;
    }
    reach[p.len()]
}

/// Whether `text` is a KMS key id (`1234abcd-12ab-34cd-56ef-1234567890ab`, or a
/// multi-Region key's `mrk-` and 32 hex digits) or an alias name (`alias/…`), as written.
fn key_id_or_alias(text: &str) -> bool {
    let hex = |t: &str| t.bytes().all(|b| b.is_ascii_hexdigit());
    let uuid = text.len() == 36
        && text.split('-').map(str::len).eq([8, 4, 4, 4, 12])
        && hex(&text.replace('-', ""));
    let multi_region = text
        .strip_prefix("mrk-")
        .is_some_and(|rest| rest.len() == 32 && hex(rest));
    let alias = text.strip_prefix("alias/").is_some_and(|name| {
        !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"/_-".contains(&b))
    });
    uuid || multi_region || alias
}

/// The position of `resource` among the resources of `template`.
fn position_of(template: &Template, resource: &Resource) -> usize {
    template
        .resources()
        .iter()
        .position(|r| std::ptr::eq(r, resource))
        .unwrap_or(usize::MAX)
}

/// The copies of `store` of the stack at `at` ([`copies_of`]).
fn copies(app: &App<'_, '_>, at: usize, store: &Resource, props: &Value) -> Vec<Copy> {
    let Some(&(stack, template)) = app.stacks.get(at) else {
        return Vec::new();
    };
    let region = app.region(at);
    let mut copies = replication(app, (stack, region), template, store, props);
    copies.extend(backup_replication(
        app,
        (stack, region),
        template,
        store,
        props,
    ));
    copies.extend(global_replicas((stack, region), store, props));
    copies.extend(database_copies(app, (at, region), template, store, props));
    copies.extend(service_copies((stack, region), store, props));
    copies.extend(lifecycle_copies(app, (at, region), store, props));
    copies.extend(namespace_copies(
        app,
        (stack, region),
        template,
        store,
        props,
    ));
    copies.extend(backups(app, (at, region), template, store, props));
    copies
}

/// The table, once every stack's entries are gathered in deploy order: a replica is the
/// copy of its source, not a store of its own to copy again. Only a bucket's replication
/// known to be in another region (whole, see [`replication`]) makes its destination the
/// copy in another region: a replica of the same region, or of part of its source, is
/// not. The replica of a bucket of audit records ([`holds_no_phi`]) holds audit records.
pub(crate) fn link_replicas(mut out: Vec<RecoveryEntry>) -> Vec<RecoveryEntry> {
    let sources: std::collections::HashMap<String, (String, bool, bool)> = out
        .iter()
        .filter(|e| e.resource_type == "AWS::S3::Bucket")
        .flat_map(|e| {
            e.copies
                .iter()
                .filter(|c| c.kind == "replication")
                .map(|c| {
                    (
                        c.to.clone(),
                        (e.construct.clone(), c.another_region, e.audit_records),
                    )
                })
                .collect::<Vec<_>>()
        })
        .rev()
        .collect();
    for entry in &mut out {
        if let Some((source, another_region, no_phi)) = sources.get(&entry.construct) {
            entry.copy_of = Some(source.clone());
            entry.in_another_region |= *another_region;
            entry.audit_records |= *no_phi;
        }
    }
    out
}

/// What a copy's destination must be to be the copy it is read as: the types of resource
/// a template parameter may carry to it (and the attributes of that resource the output
/// that fills the parameter may be), and the service and resource type of an ARN written
/// as text. A value of another kind names no copy there (a key's ARN where a vault's is
/// wanted, a database's identifier where RDS wants its ARN across regions).
struct Target {
    types: &'static [&'static str],
    /// The attributes (`Fn::GetAtt`) that the output filling the parameter may be; none
    /// for any value of the resource.
    attributes: &'static [&'static str],
    service: &'static str,
    /// How the resource part of the ARN begins (`backup-vault:`, `db:`).
    resources: &'static [&'static str],
    /// Whether a value carried by a parameter is in another region only when the two stacks
    /// are pinned to two regions. hipaa-stack makes a parameter whenever the two stacks'
    /// regions are written differently, a stack that is not pinned included
    /// (`resolve_target_in`), and deploys that stack in the environment's region; `preview`
    /// and `up` refuse two stacks joined by a parameter that would deploy to one region
    /// (`Deployer::check_regions_apart`), so a parameter shows two regions for a bucket's
    /// replication (rule S10) and a backup vault. The sources and keys of RDS copies ask
    /// for pinned stacks still: RDS names them by ARN, which the read replica or the
    /// replicated backups' key must carry from a stack of a known region.
    pinned: bool,
}

/// A bucket that a replication rule copies to.
const BUCKET: Target = Target {
    types: &["AWS::S3::Bucket"],
    attributes: &[],
    service: "s3",
    resources: &[""],
    pinned: false,
};

/// A backup vault that a copy action copies to: `DestinationBackupVaultArn` is "An Amazon
/// Resource Name (ARN) that uniquely identifies the destination backup vault for the
/// copied backup" (CloudFormation, `AWS::Backup::BackupPlan CopyActionResourceType`),
/// `arn:aws:backup:REGION:ACCOUNT:backup-vault:NAME`, the vault's `BackupVaultArn` (its
/// `Ref` is its name).
const VAULT: Target = Target {
    types: &[
        "AWS::Backup::BackupVault",
        "AWS::Backup::LogicallyAirGappedBackupVault",
    ],
    attributes: &["BackupVaultArn"],
    service: "backup",
    resources: &["backup-vault:"],
    pinned: false,
};

/// The source of an instance's read replica: "If the source DB instance is in a different
/// region than the read replica, specify the source DB instance's ARN" (CloudFormation,
/// `AWS::RDS::DBInstance` `SourceDBInstanceIdentifier`; RDS user guide, "Amazon Resource
/// Names (ARNs) in Amazon RDS"): an identifier alone names an instance of the replica's
/// own region.
const SOURCE_INSTANCE: Target = Target {
    types: &["AWS::RDS::DBInstance"],
    attributes: &["DBInstanceArn"],
    service: "rds",
    resources: &["db:"],
    pinned: true,
};

/// The source of a cluster's read replica, "The Amazon Resource Name (ARN) of the source
/// DB instance or DB cluster" (`AWS::RDS::DBCluster` `ReplicationSourceIdentifier`).
const SOURCE_CLUSTER: Target = Target {
    types: &["AWS::RDS::DBCluster", "AWS::RDS::DBInstance"],
    attributes: &["DBClusterArn", "DBInstanceArn"],
    service: "rds",
    resources: &["cluster:", "db:"],
    pinned: true,
};

/// The key of RDS automated backups replicated to another region: "The KMS key ID is the
/// Amazon Resource Name (ARN) for the KMS encryption key in the destination AWS Region"
/// (`AWS::RDS::DBInstance` `AutomaticBackupReplicationKmsKeyId`).
const REPLICATION_KEY: Target = Target {
    types: &["AWS::KMS::Key", "AWS::KMS::ReplicaKey"],
    attributes: &["Arn"],
    service: "kms",
    resources: &["key/", "alias/"],
    pinned: true,
};

/// A region written as text as AWS names them (`us-east-1`, `ap-southeast-2`,
/// `us-gov-west-1`): a two-letter word, lower-case words, then a number, joined by `-`.
/// Anything else (`US-EAST-1`, ` us-east-1`, a region left to `${…}`) names no region a
/// copy can be told to be in: it is the stack's own region written differently, or no
/// region CloudFormation takes.
fn region_name(text: &str) -> Option<&str> {
    let words: Vec<&str> = text.split('-').collect();
    let [first, middle @ .., last] = words.as_slice() else {
        return None;
    };
    let lower = |w: &&str| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase());
    let well_formed = first.len() == 2
        && lower(first)
        && !middle.is_empty()
        && middle.iter().all(lower)
        && !last.is_empty()
        && last.bytes().all(|b| b.is_ascii_digit());
    well_formed.then_some(text)
}

/// Whether two regions are of one partition: copies, replicas and replication stay within
/// one ("You can make cross-Region copies only within your AWS partition", FSx API
/// reference, `CopyBackup`; the same holds of every service here). The partitions are the
/// SDK's (`src/partition.rs`); a region of none of them is of no known partition, so never
/// of one with another.
fn one_partition(a: &str, b: &str) -> bool {
    match (crate::partition::of(a), crate::partition::of(b)) {
        (Some(a), Some(b)) => a.id == b.id,
        _ => false,
    }
}

/// Whether two regions are known to be two regions a copy can span: both pinned or
/// written as well-formed names ([`region_name`]), different, of one partition.
fn apart(home: Option<&str>, there: Option<&str>) -> bool {
    match (home.and_then(region_name), there.and_then(region_name)) {
        (Some(home), Some(there)) => home != there && one_partition(home, there),
        _ => false,
    }
}

/// The attribute (`Fn::GetAtt`) that an output's value is: its resource and attribute.
fn attribute_of(value: &Value) -> Option<(&str, &str)> {
    match value.get("Fn::GetAtt")? {
        Value::Array(parts) => match parts.as_slice() {
            [Value::String(id), Value::String(attribute)] => Some((id, attribute)),
            _ => None,
        },
        Value::String(dotted) => dotted.split_once('.'),
        _ => None,
    }
}

/// What a template parameter of hipaa-stack's carries to `value` of `template`: the
/// producing resource (its construct), the producing stack's pinned region, and whether
/// it is of `target`'s types, filled by an output that is one of its `attributes`.
fn carried<'r>(
    app: &App<'r, '_>,
    template: &Template,
    value: &Value,
    target: &Target,
) -> Option<(String, Option<&'r str>, bool)> {
    let (stack, resource) = across_regions(|name| app.stack(name), template, value)?;
    let at = app.at(stack)?;
    let name = value.get("Ref").and_then(Value::as_str)?;
    let output = app
        .stack(stack)?
        .1
        .outputs()
        .iter()
        .find(|o| o.name() == name)
        .and_then(|o| serde_json::to_value(&o.value).ok())
        .unwrap_or(Value::Null);
    let fits = target.types.contains(&resource.type_name())
        && (target.attributes.is_empty()
            || attribute_of(&output).is_some_and(|(id, attribute)| {
                id == resource.logical_id() && target.attributes.contains(&attribute)
            }));
    let region = app.region(at);
    Some((
        resource
            .construct_path()
            .unwrap_or(resource.logical_id())
            .to_owned(),
        region,
        fits,
    ))
}

/// The text of a value written as text, or as the text of an `Fn::Sub` (whose `${…}` the
/// readers below never take for a region or a service), or else the text another intrinsic
/// makes whole as AWS receives it ([`meaning::sent`]: an `Fn::Join` of an ARN's pieces, an
/// `Fn::Sub` with variables), which CloudFormation deploys as that text.
fn written_text(value: &Value) -> Option<Cow<'_, str>> {
    value
        .as_str()
        .or_else(|| value.get("Fn::Sub").and_then(Value::as_str))
        .map(Cow::Borrowed)
        .or_else(|| {
            value
                .is_object()
                .then(|| meaning::sent(value))
                .flatten()
                .map(Cow::Owned)
        })
}

/// The fields of an ARN written as text (`arn:partition:service:region:account:resource`),
/// the colons inside an `Fn::Sub` variable (`${AWS::Partition}`) read as part of it: split
/// at every colon, `arn:${AWS::Partition}:backup:${AWS::Region}:…` read `Partition}` as its
/// region, a region of its own, and a vault of the stack's own region as a copy in another.
fn arn_fields(text: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut depth = 0usize;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '$' if chars.peek() == Some(&'{') => depth += 1,
            '}' if depth > 0 => depth -= 1,
            ':' if depth == 0 && fields.len() < 6 => {
                fields.push(String::new());
                continue;
            }
            _ => {}
        }
        if let Some(last) = fields.last_mut() {
            last.push(c);
        }
    }
    fields
}

/// The region in an ARN written as text (`arn:partition:service:REGION:…`), when it is a
/// region's name ([`region_name`]; a variable is none).
fn region_of_arn(value: &Value) -> Option<String> {
    let fields = arn_fields(&written_text(value)?);
    match fields.as_slice() {
        [arn, _, _, region, ..] if arn == "arn" => region_name(region).map(str::to_owned),
        _ => None,
    }
}

/// The region of an ARN written as text whose service and resource are `target`'s.
fn region_of_target(value: &Value, target: &Target) -> Option<String> {
    let fields = arn_fields(&written_text(value)?);
    match fields.as_slice() {
        [arn, _, service, region, _, resource]
            if arn == "arn"
                && service == target.service
                && target.resources.iter().any(|p| resource.starts_with(p)) =>
        {
            region_name(region).map(str::to_owned)
        }
        _ => None,
    }
}

/// Where a copy goes: through a template parameter, a resource of `target`'s kind in a
/// stack of another region ([`Target::pinned`]), or an ARN of `target`'s kind written as
/// text whose region is compared with the store's pinned one ([`apart`]). Anything else is
/// listed as written, and is no copy known to be in another region.
fn destination(
    app: &App<'_, '_>,
    template: &Template,
    value: &Value,
    home: Option<&str>,
    target: &Target,
) -> (String, Option<String>, bool) {
    if let Some((to, region, fits)) = carried(app, template, value, target) {
        let another = fits && (!target.pinned || apart(home, region));
        let region = region.unwrap_or("the deploy region").to_owned();
        return (to, Some(region), another);
    }
    let to = written_text(value).map_or_else(|| value.to_string(), Cow::into_owned);
    let region = region_of_target(value, target);
    let another = apart(home, region.as_deref());
    (to, region.or_else(|| region_of_arn(value)), another)
}

/// RDS automated backups replicated to another region (`AutomaticBackupReplicationRegion`):
/// a copy in that region, encrypted with the key named beside it.
fn backup_replication(
    app: &App<'_, '_>,
    (stack, home): (&str, Option<&str>),
    template: &Template,
    database: &Resource,
    props: &Value,
) -> Option<Copy> {
    if database.type_name() != "AWS::RDS::DBInstance" {
        return None;
    }
    // The region as RDS receives it: text an intrinsic makes whole (`{"Fn::Sub":
    // "us-west-2"}`) is that text; a pseudo parameter (`${AWS::Region}`) is no region name.
    let region =
        meaning::sent(&props["AutomaticBackupReplicationRegion"]).filter(|r| !r.is_empty())?;
    let region = region.as_str();
    // The key must be of that region: through hipaa-stack's parameter a key of a stack
    // pinned there (its ARN), or a key's ARN that names the region.
    let key = &props["AutomaticBackupReplicationKmsKeyId"];
    let (to, key_region) = match carried(app, template, key, &REPLICATION_KEY) {
        Some((to, there, fits)) => (to, there.filter(|_| fits).map(str::to_owned)),
        None => (
            written_text(key).map_or_else(|| key.to_string(), Cow::into_owned),
            region_of_target(key, &REPLICATION_KEY),
        ),
    };
    let key_in_region = key_region.as_deref() == Some(region);
    // Automated backups exist only with a retention period of a day or more ("Setting this
    // parameter to 0 disables automated backups", `AWS::RDS::DBInstance`
    // `BackupRetentionPeriod`, whose default is 1): with none there is nothing to
    // replicate, and a period not known before deploy may be 0.
    let retention = match &props["BackupRetentionPeriod"] {
        Value::Null => Some(1),
        v if meaning::no_value(v) => Some(1),
        v => meaning::whole_number(v),
    };
    let days = meaning::whole_number(&props["AutomaticBackupReplicationRetentionPeriod"])
        .or(retention)
        .unwrap_or(0);
    let backed_up = retention.is_some_and(|d| d > 0);
    // RDS replicates automated backups only to another region than the instance's
    // (`StartDBInstanceAutomatedBackupsReplication` is called in the destination region with
    // the source instance's ARN): in a stack not pinned, a well-formed region is another.
    let elsewhere = region_name(region).is_some()
        && match home {
            Some(_) => apart(home, Some(region)),
            None => true,
        };
    Some(Copy {
        kind: "backup replication",
        to: format!("automated backups in {region}, encrypted with {to}"),
        region: Some(region.to_owned()),
        another_region: key_in_region && backed_up && elsewhere,
        detail: if backed_up {
            format!("every snapshot and transaction log, kept {days} days")
        } else {
            "none: automated backups are off, or their `BackupRetentionPeriod` is not known before deploy (it may be 0)".to_owned()
        },
        evidence: format!(
            "{stack}/{}/Properties/AutomaticBackupReplicationRegion",
            database.logical_id()
        ),
    })
}

/// The replicas of a DynamoDB global table in other regions than its stack's: "The list
/// must contain at least one element, the region where the stack defining the global table
/// is deployed" (CloudFormation, `AWS::DynamoDB::GlobalTable` `Replicas`), and DynamoDB
/// replicates every item to each. A replica in the stack's own region is the table
/// itself; one whose region is not written as text is listed but not known to be in
/// another region. In a stack with no pinned region, no one replica is known to be in
/// another region, but two replicas written in two regions of one partition are: the
/// stack's region is one of them (or neither), so at least one other is elsewhere, and the
/// table has a copy in another region (a single copy, `another region`, for the two).
fn global_replicas(
    (stack, home): (&str, Option<&str>),
    table: &Resource,
    props: &Value,
) -> Vec<Copy> {
    if table.type_name() != "AWS::DynamoDB::GlobalTable" {
        return Vec::new();
    }
    let replicas = props["Replicas"].as_array().map_or(&[][..], Vec::as_slice);
    if home.is_none() {
        let mut regions: Vec<String> = replicas
            .iter()
            .filter_map(|r| meaning::sent(&r["Region"]).filter(|t| region_name(t).is_some()))
            .collect();
        regions.sort_unstable();
        regions.dedup();
        let same_partition = regions.windows(2).all(|w| one_partition(&w[0], &w[1]));
        if regions.len() >= 2 && same_partition {
            let unread: Vec<Copy> = global_replica_copies(stack, None, table, replicas)
                .into_iter()
                .filter(|c| c.region.is_none())
                .collect();
            let mut out = vec![Copy {
                kind: "replica",
                to: format!("the replicas in {}", regions.join(", ")),
                region: Some("another region".to_owned()),
                another_region: true,
                detail: "every item, as DynamoDB replicates it: the stack's region is one of `Replicas`, so at least one of them is in another region".to_owned(),
                evidence: format!("{stack}/{}/Properties/Replicas", table.logical_id()),
            }];
            out.extend(unread);
            return out;
        }
    }
    global_replica_copies(stack, home, table, replicas)
}

/// Each replica of `replicas` of a global table that is not in `home`, as a copy.
fn global_replica_copies(
    stack: &str,
    home: Option<&str>,
    table: &Resource,
    replicas: &[Value],
) -> Vec<Copy> {
    replicas
        .iter()
        .enumerate()
        .filter_map(|(i, replica)| {
            // The region as DynamoDB receives it, text an intrinsic makes whole among it.
            let written = meaning::sent(&replica["Region"]);
            if written.is_some() && written.as_deref() == home {
                return None;
            }
            // A region written otherwise than AWS names it (`US-EAST-1`) is no region a
            // replica can be told to be in: it may be the stack's own ([`region_name`]).
            let region = written.as_deref().and_then(region_name).map(str::to_owned);
            Some(Copy {
                kind: "replica",
                to: region.as_deref().map_or_else(
                    || format!("a replica in {}", replica["Region"]),
                    |r| format!("the replica in {r}"),
                ),
                another_region: apart(home, region.as_deref()),
                region,
                detail: "every item, as DynamoDB replicates it".to_owned(),
                evidence: format!(
                    "{stack}/{}/Properties/Replicas/{i}/Region",
                    table.logical_id()
                ),
            })
        })
        .collect()
}

fn replication(
    app: &App<'_, '_>,
    (stack, home): (&str, Option<&str>),
    template: &Template,
    bucket: &Resource,
    props: &Value,
) -> Vec<Copy> {
    let rules = props["ReplicationConfiguration"]["Rules"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    rules
        .iter()
        .enumerate()
        .filter(|(_, rule)| rule["Status"] == "Enabled")
        .map(|(i, rule)| {
            let (to, region, another_region) =
                destination(app, template, &rule["Destination"]["Bucket"], home, &BUCKET);
            let time_control = rule["Destination"]["ReplicationTime"]["Status"] == "Enabled";
            let (every, kms) = (replicates_every_object(rule), replicates_kms_objects(rule));
            let what = match (every, kms) {
                (true, true) => "every new object".to_owned(),
                (true, false) => format!("new objects but {NOT_KMS}"),
                (false, true) => format!("only the new objects {NARROWED}"),
                (false, false) => format!("only the new objects {NARROWED}, and {NOT_KMS}"),
            };
            Copy {
                kind: "replication",
                to,
                region,
                // A copy of part of the store is no copy of the store in another region.
                another_region: another_region && every && kms,
                detail: if time_control {
                    format!("{what}, within 15 minutes (replication time control)")
                } else {
                    format!("{what}, as S3 replicates it")
                },
                evidence: format!(
                    "{stack}/{}/Properties/ReplicationConfiguration/Rules/{i}/Destination/Bucket",
                    bucket.logical_id()
                ),
            }
        })
        .collect()
}

/// What a replication rule that narrows the objects it takes leaves out, in words.
const NARROWED: &str =
    "its `Filter`, `Prefix` or `TagFilters` select (or a selection the table cannot read)";

/// What a replication rule that skips the KMS-encrypted objects leaves out, in words.
const NOT_KMS: &str = "not those encrypted with KMS (no `SourceSelectionCriteria.SseKmsEncryptedObjects.Status` `Enabled`)";

/// Whether a replication rule of a bucket takes every object, as the table can tell: no
/// legacy `Prefix` but an empty one, no `TagFilters`, and no `Filter` but an empty prefix.
/// A rule's filter "identifies the subset of objects to which the replication rule applies"
/// (CloudFormation, `AWS::S3::Bucket ReplicationRuleFilter`: `Prefix`, `TagFilter` or
/// `And`); a value the table cannot read (an intrinsic, a parameter) narrows it, so that
/// the table never calls a copy of part of a store a copy of the store.
fn replicates_every_object(rule: &Value) -> bool {
    let empty = |v: &Value| v.is_null() || v.as_str() == Some("");
    empty(&rule["Prefix"])
        && rule["TagFilters"]
            .as_array()
            .map_or(rule["TagFilters"].is_null(), Vec::is_empty)
        && match &rule["Filter"] {
            Value::Null => true,
            Value::Object(filter) => filter.iter().all(|(k, v)| k == "Prefix" && empty(v)),
            _ => false,
        }
}

/// Whether a replication rule takes the objects encrypted with KMS: "By default, Amazon S3
/// doesn't replicate objects that are stored at rest using server-side encryption with
/// AWS KMS keys" unless `SourceSelectionCriteria.SseKmsEncryptedObjects.Status` is
/// `Enabled` (Amazon S3 User Guide, "Replicating encrypted objects"), and the stores of PHI
/// are encrypted with KMS (rule S1).
fn replicates_kms_objects(rule: &Value) -> bool {
    rule["SourceSelectionCriteria"]["SseKmsEncryptedObjects"]["Status"] == "Enabled"
}

/// Whether a selection's `BackupPlanId` is the plan `id`: its `Ref` ("`Ref` returns
/// `BackupPlanId`", `AWS::Backup::BackupPlan`) or its `BackupPlanId` attribute, as such.
/// A value that only mentions it (an `Fn::If` between two plans, a `Fn::Join`) may be
/// another plan's.
fn is_plan_id(value: &Value, id: &str) -> bool {
    value.get("Ref").and_then(Value::as_str) == Some(id)
        || attribute_of(value) == Some((id, "BackupPlanId"))
}

/// Whether a backup rule runs at least once a day, as the table reads it: no
/// `ScheduleExpression` ("When no CRON expression is provided, Backup will use the default
/// expression cron(0 5 ? * * *)", AWS Backup API, `BackupRuleInput.ScheduleExpression`), or
/// `cron(…)` as AWS Backup takes it ("A cron expression in UTC"; its examples
/// `15 * ? * * *`, every hour, and `0 12 * * ? *`, every day at noon): a minute written as
/// one number (AWS Backup refuses runs less than an hour apart: "The interval between backup
/// jobs shouldn't be less than 60 minutes"), hours that name at least one hour of the day
/// (`*`, a number, a range, a list, each with an optional step), every month and year, and
/// one of day-of-month and day-of-week `?` with the other `*` (a cron expression takes
/// a value in only one of them, EventBridge cron reference). Rule B1 also reads lists and
/// ranges of days that cover every day; this reading never reads more, and a schedule it
/// cannot read (a parameter, a `rate(…)`, which is no cron expression, a month or a year
/// that may never come, an hour past 23 that never fires) makes no copy known to be there.
fn runs_daily(rule: &Value) -> bool {
    let schedule = &rule["ScheduleExpression"];
    if schedule.is_null() || meaning::no_value(schedule) {
        return true;
    }
    meaning::text(schedule).is_some_and(|text| cron_daily(&text))
}

/// Whether `text` is a cron expression that fires at least once every day ([`runs_daily`]).
fn cron_daily(text: &str) -> bool {
    let Some(inner) = text
        .trim()
        .strip_prefix("cron(")
        .and_then(|r| r.strip_suffix(')'))
    else {
        return false;
    };
    let fields: Vec<&str> = inner.split_whitespace().collect();
    let [minute, hours, day_of_month, month, day_of_week, year] = fields.as_slice() else {
        return false;
    };
    let days = matches!((*day_of_month, *day_of_week), ("*", "?") | ("?", "*"));
    number_up_to(minute, 59) && hours_of_a_day(hours) && days && *month == "*" && *year == "*"
}

/// Whether `text` is a number written in digits, at most `max`.
fn number_up_to(text: &str, max: u32) -> bool {
    !text.is_empty()
        && text.len() <= 2
        && text.bytes().all(|b| b.is_ascii_digit())
        && text.parse::<u32>().is_ok_and(|n| n <= max)
}

/// Whether the hours field of a cron expression names at least one hour of every day:
/// a list of items, each `*`, an hour, or a range of hours in order, with an optional step
/// of 1 to 23 (`0/6`, `*/4`, `8-17/2`). Anything else (an hour past 23, a range out of
/// order, a step of 0) is refused or never fires.
fn hours_of_a_day(field: &str) -> bool {
    !field.is_empty()
        && field.split(',').all(|item| {
            let (base, step) = match item.split_once('/') {
                Some((base, step)) => (base, Some(step)),
                None => (item, None),
            };
            let range = base.split_once('-').is_some_and(|(from, to)| {
                number_up_to(from, 23)
                    && number_up_to(to, 23)
                    && from.parse::<u32>().ok() <= to.parse::<u32>().ok()
            });
            let base = base == "*" || number_up_to(base, 23) || range;
            let step = step.is_none_or(|s| number_up_to(s, 23) && s.parse::<u32>() != Ok(0));
            base && step
        })
}

/// Why a backup rule's jobs are refused or canceled before they make a recovery point to
/// copy, if they are: a `StartWindowMinutes` under 60 ("If this value is included, it must
/// be at least 60 minutes to avoid errors", AWS Backup API, `BackupRuleInput`), or a
/// `CompletionWindowMinutes` under 60 (a job "must be completed or it will be canceled by
/// AWS Backup" within it, and the console asks that it leave "enough time for the backup
/// to complete"; the defaults are 8 hours and 7 days), or either not known before deploy.
/// `B1` reads each rule of a plan with it too, so that a plan whose jobs never finish is
/// not taken for one that backs up daily.
pub(crate) fn window_refused(rule: &Value) -> Option<String> {
    for name in ["StartWindowMinutes", "CompletionWindowMinutes"] {
        let value = &rule[name];
        if value.is_null() || meaning::no_value(value) {
            continue;
        }
        match meaning::whole_number(value) {
            None => {
                return Some(format!(
                    "its `{name}` is not known before deploy, and may be under the hour a backup job needs"
                ));
            }
            Some(minutes) if minutes < 60 => {
                return Some(format!(
                    "its `{name}` is {minutes} minutes, under the 60 that a backup job needs to start or complete"
                ));
            }
            Some(_) => {}
        }
    }
    None
}

/// How long a lifecycle keeps recovery points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kept {
    /// No `DeleteAfterDays`: until someone deletes them.
    UntilDeleted,
    Days(i64),
    /// A number not known before deploy.
    Unknown,
}

impl Kept {
    /// Whether a copy made each day is always there: kept two days or more, so that the
    /// last day's copy is not deleted before the next day's is made.
    fn lasts(self) -> bool {
        match self {
            Kept::UntilDeleted => true,
            Kept::Days(days) => days >= 2,
            Kept::Unknown => false,
        }
    }
}

/// How long `lifecycle` (a `Lifecycle` of a backup rule or copy action) keeps recovery
/// points.
///
/// A `Lifecycle` that is not written as an object of its properties (an `Fn::If`, a
/// parameter) keeps them a number of days not known before deploy: its `DeleteAfterDays`,
/// read through the intrinsic, read as absent before, and the rule's recovery points as
/// kept until deleted (hostile review 18). `DeleteAfterDays` `-1` is "never expire" (AWS
/// Backup developer guide, "Copy a backup").
fn kept_days(lifecycle: &Value) -> Kept {
    let Value::Object(properties) = lifecycle else {
        return Kept::Unknown;
    };
    if properties
        .keys()
        .any(|k| k == "Ref" || k == "Condition" || k.starts_with("Fn::"))
    {
        return Kept::Unknown;
    }
    match &lifecycle["DeleteAfterDays"] {
        v if v.is_null() || meaning::no_value(v) => Kept::UntilDeleted,
        v => match meaning::whole_number(v) {
            Some(-1) => Kept::UntilDeleted,
            Some(days) => Kept::Days(days),
            None => Kept::Unknown,
        },
    }
}

/// How long a copy action keeps its copies, `rule` how long the rule keeps the recovery
/// points they copy: "If you do not specify a lifecycle, AWS Backup applies the lifecycle
/// policy of the source backup to the destination backup" (`AWS::Backup::BackupPlan
/// CopyActionResourceType` `Lifecycle`), and a copy set never to expire "will still retain
/// its source's expiration date" ("The source configuration overrides its copy's
/// expiration setting, even if the copy is set to never expire", AWS Backup developer
/// guide, "Copy a backup"): a `Lifecycle` with no `DeleteAfterDays` (only
/// `MoveToColdStorageAfterDays`, say) or `-1` keeps the copies as long as the rule's. Read
/// as kept until deleted before, so that copies deleted after a day passed (hostile review
/// 18).
fn copy_kept_days(copy: &Value, rule: Kept) -> Kept {
    let lifecycle = &copy["Lifecycle"];
    if lifecycle.is_null() || meaning::no_value(lifecycle) {
        return rule;
    }
    match kept_days(lifecycle) {
        Kept::UntilDeleted => rule,
        kept => kept,
    }
}

/// How long, in words.
fn kept_text(kept: Kept) -> String {
    match kept {
        Kept::UntilDeleted => "until deleted (no `DeleteAfterDays`)".to_owned(),
        Kept::Days(days) => format!("{days} days"),
        Kept::Unknown => "a number of days not known before deploy".to_owned(),
    }
}

/// Why AWS Backup makes no copy of `store`'s recovery points in another region, if it
/// makes none: a copy action of a backup plan copies only the recovery points of the types
/// whose cross-Region copy AWS Backup supports ("You can copy backups to multiple AWS
/// accounts or AWS Regions … for most resource types. For specifics see Feature
/// availability by resource", AWS Backup developer guide, "Copy a backup"), and a copy
/// action for another type is no copy there.
///
/// - A DynamoDB table's recovery points are copied only with AWS Backup's advanced DynamoDB
///   backup features on in the account and region ("After you enable AWS Backup's advanced
///   features in your AWS Region, you unlock … cross-Region and cross-account copy",
///   "Advanced DynamoDB backup"; on by default only for accounts that created no backup
///   vault before November 21, 2021): a setting of the account that no template shows, so a
///   gap that a person answers, as a waiver says the setting is on.
/// - An RDS Multi-AZ DB cluster's are not ("copying a Multi-AZ DB cluster snapshot is not
///   supported", "Copy a backup"): a cluster whose `Engine` is not read as Aurora's.
/// - A bucket is backed up only with S3 Versioning on ("Amazon S3 backups": AWS Backup
///   requires versioning), so a bucket without `VersioningConfiguration.Status` `Enabled`
///   has no recovery point to copy.
/// - Redshift clusters, OpenSearch and Elasticsearch domains, directory and table buckets:
///   not among the types AWS Backup copies across regions (a Redshift cluster's own
///   cross-region snapshot copy, `DestinationRegion`, is read apart).
///
/// RDS instances, Aurora, EFS, EBS volumes, DocumentDB and Neptune clusters are copied (a
/// DocumentDB or Neptune cluster once a selection lists it by the RDS cluster ARN around
/// its `Ref`: [`ArnOf`]). The developer guide's table of features by resource could not
/// be read again in hostile review 18, so Redshift clusters stay read as not copied by AWS
/// Backup: at worst a gap, answered by the cluster's own `DestinationRegion`.
fn not_copied_across_regions(store: &Resource, props: &Value) -> Option<String> {
    match store.type_name() {
        "AWS::RDS::DBInstance"
        | "AWS::EFS::FileSystem"
        | "AWS::EC2::Volume"
        | "AWS::DocDB::DBCluster"
        | "AWS::Neptune::DBCluster" => None,
        "AWS::RDS::DBCluster" => {
            let aurora = meaning::text(&props["Engine"])
                .is_some_and(|e| e.trim().to_ascii_lowercase().starts_with("aurora"));
            (!aurora).then(|| {
                "AWS Backup does not copy a Multi-AZ DB cluster's snapshots, and the cluster's `Engine` is not read as Aurora's (`aurora-mysql`, `aurora-postgresql`)".to_owned()
            })
        }
        "AWS::S3::Bucket" => {
            let versioned = meaning::text(&props["VersioningConfiguration"]["Status"])
                .is_some_and(|s| s == "Enabled");
            (!versioned).then(|| {
                "AWS Backup backs up a bucket only with S3 Versioning on (`VersioningConfiguration.Status` `Enabled`)".to_owned()
            })
        }
        "AWS::DynamoDB::Table" | "AWS::DynamoDB::GlobalTable" => Some(
            "AWS Backup copies a DynamoDB table's recovery points to another region only with its advanced DynamoDB backup features on in the account and region, a setting no template shows: turn them on (`aws backup update-region-settings --resource-type-management-preference DynamoDB=true`) and say so in a waiver of D2, or give the table a global table replica in another region".to_owned(),
        ),
        other => Some(format!(
            "AWS Backup does not copy the recovery points of a `{other}` to another region"
        )),
    }
}

/// Why a copy action to `vault` (of a plan of `template`) makes no copy of an RDS or
/// Aurora `store` in another region when the vault may be of another account: "For Amazon
/// RDS and Aurora snapshots, AWS Backup only supports automating either cross-account or
/// cross-Region copies" (AWS Backup developer guide, "Copy a backup"), so a copy to a vault
/// of another account in another region is none. A vault named through hipaa-stack's
/// template parameter is of the app's account, and so is an ARN whose account is
/// `${AWS::AccountId}`; an account written as a number may be another, which no template
/// can tell.
///
/// DocumentDB and Neptune clusters are held to the same: their snapshots are RDS cluster
/// snapshots (`arn:aws:rds:…:cluster-snapshot:…`, which AWS Backup selects them by, see
/// [`ArnOf`]), encrypted with keys made as RDS makes them, which is the reason AWS gives
/// ("due to how those services create their encryption keys"); the guide names RDS and
/// Aurora only, so a copy of theirs to another account in another region is read as none
/// until AWS says otherwise: at worst a finding that a vault of the app's account answers.
fn rds_copy_to_another_account(
    app: &App<'_, '_>,
    template: &Template,
    store: &Resource,
    vault: &Value,
) -> Option<String> {
    if !matches!(
        store.type_name(),
        "AWS::RDS::DBInstance"
            | "AWS::RDS::DBCluster"
            | "AWS::DocDB::DBCluster"
            | "AWS::Neptune::DBCluster"
    ) || carried(app, template, vault, &VAULT).is_some()
    {
        return None;
    }
    let own = written_text(vault).is_some_and(|text| {
        let fields = arn_fields(&text);
        vault.get("Fn::Sub").is_some() && fields.get(4).is_some_and(|a| a == "${AWS::AccountId}")
    });
    (!own).then(|| {
        "AWS Backup copies an RDS, Aurora, DocumentDB or Neptune snapshot to another account or to another region, not both, and the vault's account is not read as the store's: write it `${AWS::AccountId}` in an `Fn::Sub`, or name a vault of a stack of the app".to_owned()
    })
}

/// Why a copy action makes no copy of an Aurora cluster between `home` and `there`: "You
/// can't copy a snapshot to or from the following AWS Regions: China (Beijing), China
/// (Ningxia)" (Aurora user guide, "DB cluster snapshot copying").
fn aurora_copy_in_china(
    store: &Resource,
    home: Option<&str>,
    there: Option<&str>,
) -> Option<String> {
    let china = |r: Option<&str>| r.is_some_and(|r| r.starts_with("cn-"));
    (store.type_name() == "AWS::RDS::DBCluster" && (china(home) || china(there)))
        .then(|| "Aurora copies no DB cluster snapshot to or from the China regions".to_owned())
}

/// The backup plans that protect `store`, and the copies of their recovery points.
fn backups(
    app: &App<'_, '_>,
    (at, home): (usize, Option<&str>),
    template: &Template,
    store: &Resource,
    props: &Value,
) -> Vec<Copy> {
    if app.lookup.selections.is_empty() {
        return Vec::new();
    }
    let uncopied = not_copied_across_regions(store, props);
    // The store and the exports of its stack that name it, which another stack's selection
    // imports: the selections it looks up are read again, as rules R4 and E3 read them.
    let listed_store = ArnOf::of(template, store);
    let mut out = Vec::new();
    let listing = app
        .lookup
        .listing(at, store.logical_id(), &listed_store.export_names());
    for &(index, r) in listing.iter().filter_map(|&s| app.lookup.selections.get(s)) {
        let Some(&(other, t)) = app.stacks.get(index) else {
            continue;
        };
        let Some(selection) = t.resources().get(r) else {
            continue;
        };
        // A selection of another region or account imports that region's or account's
        // exports, never this store's stack's ("You can't create cross-stack references
        // across Regions", CloudFormation User Guide, `Fn::ImportValue`; export names are
        // unique "for each AWS account", "Outputs").
        let reader = if index == at {
            Reader::Home
        } else if app.region(index) == app.region(at) && app.one_account(index, at) {
            Reader::Importer
        } else {
            Reader::Foreign
        };
        if listed_store.listed_by(selection, reader).is_none() {
            continue;
        }
        let plan_id = &selection.properties()["BackupPlanId"];
        let Some(plan) = t.resources().iter().find(|r| {
            r.type_name() == "AWS::Backup::BackupPlan" && is_plan_id(plan_id, r.logical_id())
        }) else {
            continue;
        };
        let plan_name = plan
            .construct_path()
            .unwrap_or(plan.logical_id())
            .to_owned();
        let rules = plan.properties()["BackupPlan"]["BackupPlanRule"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for (i, rule) in rules.iter().enumerate() {
            let schedule = match &rule["ScheduleExpression"] {
                v if v.is_null() || meaning::no_value(v) => {
                    "`cron(0 5 ? * * *)` (AWS Backup's default)".to_owned()
                }
                v => meaning::text(v).map_or_else(
                    || format!("{} (not known before deploy)", meaning::text_or_json(v)),
                    |t| format!("`{t}`"),
                ),
            };
            let daily = runs_daily(rule);
            let refused = window_refused(rule);
            let rule_kept = match &rule["Lifecycle"] {
                v if v.is_null() || meaning::no_value(v) => Kept::UntilDeleted,
                v => kept_days(v),
            };
            let kept = kept_text(rule_kept);
            out.push(Copy {
                kind: "backup",
                to: plan_name.clone(),
                region: None,
                another_region: false,
                detail: format!("recovery points on {schedule}, kept {kept}"),
                evidence: format!(
                    "{other}/{}/Properties/BackupPlan/BackupPlanRule/{i}",
                    plan.logical_id()
                ),
            });
            for (j, copy) in rule["CopyActions"]
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
            {
                let vault = &copy["DestinationBackupVaultArn"];
                let (to, region, another_region) = destination(app, t, vault, home, &VAULT);
                let uncopied = uncopied
                    .clone()
                    .or_else(|| rds_copy_to_another_account(app, t, store, vault))
                    .or_else(|| aurora_copy_in_china(store, home, region.as_deref()))
                    .or_else(|| {
                        vault_of_app(app, index, t, vault)
                            .and_then(|(at, found)| vault_keeps_nothing(app, at, found))
                    });
                let copy_kept = copy_kept_days(copy, rule_kept);
                let lasting = copy_kept.lasts();
                let detail = match (daily, &refused, lasting, &uncopied) {
                    (false, _, _, _) => format!(
                        "none known: the rule is not read as running at least daily ({schedule}), so no copy is known to be there"
                    ),
                    (true, Some(why), _, _) => {
                        format!("none known: the rule's jobs make no recovery point to copy: {why}")
                    }
                    (true, None, false, _) => format!(
                        "none known: the copies are kept {}, not the two days or more that leave one there between two daily runs",
                        kept_text(copy_kept)
                    ),
                    (true, None, true, Some(why)) => {
                        format!("none known in another region: {why}")
                    }
                    (true, None, true, None) if another_region => format!(
                        "every recovery point of `{plan_name}`, kept {}",
                        kept_text(copy_kept)
                    ),
                    (true, None, true, None) => format!(
                        "every recovery point of `{plan_name}`, kept {}; not known to be in another region than the store's (a vault of a stack of another region, `app.stack_in`, or the vault's ARN with a region other than the store's pinned one)",
                        kept_text(copy_kept)
                    ),
                };
                out.push(Copy {
                    kind: "backup copy",
                    to,
                    region,
                    another_region: another_region
                        && daily
                        && refused.is_none()
                        && lasting
                        && uncopied.is_none(),
                    detail,
                    evidence: format!(
                        "{other}/{}/Properties/BackupPlan/BackupPlanRule/{i}/CopyActions/{j}",
                        plan.logical_id()
                    ),
                });
            }
        }
    }
    out
}

/// The vault of the app that a copy action's `DestinationBackupVaultArn`, `value` of
/// `template` (the stack at `plan`), names, with the position of its stack: the vault a
/// template parameter of hipaa-stack's carries, or the vault whose `BackupVaultName` is the
/// name of an ARN written as text, of a stack pinned to the ARN's region (as
/// `BackupPlan::copy_to` names a vault of a stack of another region, by its fixed name) and
/// of the ARN's account: the plan's own for `${AWS::AccountId}`, or the environment's
/// account written as a number. A vault of that name of another account is another vault.
/// A vault of no stack of the app is none: the table reads only what the app's templates
/// show of it.
fn vault_of_app<'a>(
    app: &App<'_, 'a>,
    plan: usize,
    template: &Template,
    value: &Value,
) -> Option<(usize, &'a Resource)> {
    if let Some((stack, resource)) = across_regions(|name| app.stack(name), template, value) {
        return VAULT
            .types
            .contains(&resource.type_name())
            .then(|| Some((app.at(stack)?, resource)))
            .flatten();
    }
    let fields = arn_fields(&written_text(value)?);
    let [arn, _, service, region, account, resource] = fields.as_slice() else {
        return None;
    };
    let name = resource.strip_prefix("backup-vault:")?;
    let region = region_name(region)?;
    if arn != "arn" || service != "backup" {
        return None;
    }
    let account = account.trim();
    let of_account = |at: usize| {
        if account == "${AWS::AccountId}" {
            app.one_account(plan, at)
        } else {
            app.account(at) == Some(account)
        }
    };
    app.lookup
        .vaults
        .get(name)?
        .iter()
        .filter(|&&(at, _)| app.region(at) == Some(region) && of_account(at))
        .find_map(|&(at, r)| Some((at, app.stacks.get(at)?.1.resources().get(r)?)))
}

/// Why `vault`, of the stack at `at`, keeps no copy that a regional outage leaves in reach,
/// if it keeps none:
/// - it is deleted with its stack (no `DeletionPolicy` `Retain`), and its copies with it;
/// - its access policy may deny the copy into it ([`refuses_copies`]);
/// - its key (`EncryptionKeyArn`) is not known to be of the vault's region: a key is of one
///   region, and AWS Backup "will re-encrypt your copy using the customer managed key of
///   your destination vault" (AWS Backup developer guide, "Creating backup copies across
///   AWS Regions"), so a key of the store's region is none the copy can be encrypted with
///   there, and one lost with that region; or its key is a key of its stack deleted with
///   the stack, which leaves every copy unreadable.
///
/// A key written as the `Ref` or `Arn` of a key of the vault's stack, carried by a
/// template parameter from a stack pinned to the vault's region, written as an ARN of that
/// region (or of `${AWS::Region}`), or as an id or alias (which name a key of the vault's
/// own region) is of its region; no key is the AWS managed key of its region.
/// Copies to such a vault were copies in another region before (hostile review 18).
fn vault_keeps_nothing(app: &App<'_, '_>, at: usize, vault: &Resource) -> Option<String> {
    let &(stack, template) = app.stacks.get(at)?;
    let named = format!("`{stack}/{}`", vault.logical_id());
    if vault.kept() != Some(crate::cfn::Keep::Retain) {
        return Some(format!(
            "the vault {named} is deleted with its stack, and its copies with it (no `DeletionPolicy` `Retain`)"
        ));
    }
    if let Some(why) = refuses_copies(&vault.properties()["AccessPolicy"]) {
        return Some(format!("the vault {named} {why}"));
    }
    let key = &vault.properties()["EncryptionKeyArn"];
    if key.is_null() || meaning::no_value(key) {
        return None;
    }
    let keys = ["AWS::KMS::Key", "AWS::KMS::ReplicaKey"];
    let own = key
        .get("Ref")
        .and_then(Value::as_str)
        .or_else(|| {
            attribute_of(key)
                .filter(|(_, a)| *a == "Arn")
                .map(|(id, _)| id)
        })
        .and_then(|id| template.resource(id))
        .filter(|r| keys.contains(&r.type_name()));
    if let Some(own) = own {
        return (own.kept() != Some(crate::cfn::Keep::Retain)).then(|| {
            format!(
                "the key of the vault {named}, `{}`, is deleted with its stack, which leaves every copy unreadable (no `DeletionPolicy` `Retain`)",
                own.logical_id()
            )
        });
    }
    let here = app.region(at);
    let of_region =
        if let Some((producer, resource)) = across_regions(|name| app.stack(name), template, key) {
            keys.contains(&resource.type_name())
                && here.is_some()
                && app.at(producer).and_then(|p| app.region(p)) == here
        } else if let Some(text) = written_text(key) {
            let fields = arn_fields(&text);
            match fields.as_slice() {
                [arn, _, service, region, ..] if arn == "arn" => {
                    service == "kms"
                        && (region == "${AWS::Region}" && key.get("Fn::Sub").is_some()
                            || here.is_some() && region_name(region) == here)
                }
                // A key id or an alias names a key of the vault's own region (a dynamic
                // reference, `{{resolve:…}}`, is no key known before deploy).
                _ => key.is_string() && key_id_or_alias(&text),
            }
        } else {
            false
        };
    (!of_region).then(|| {
        format!(
            "the key of the vault {named} (`EncryptionKeyArn`) is not known to be of the vault's region, where AWS Backup encrypts each copy with it: name a key of the vault's stack"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An entry of a backup selection: any value of intrinsics, a database's ARN attribute,
    /// its ARN written around its identifier, an import, or an ARN joined around an import.
    fn entry() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        prop_oneof![
            crate::testing::intrinsic_values(),
            "A|B|a\\.b".prop_map(|id| serde_json::json!({ "Fn::GetAtt": [id, "DBInstanceArn"] })),
            "A|B".prop_map(|id| serde_json::json!({
                "Fn::Sub": format!("arn:${{AWS::Partition}}:rds:${{AWS::Region}}:${{AWS::AccountId}}:db:${{{id}}}")
            })),
            "A|B|a\\.b".prop_map(|e| serde_json::json!({ "Fn::ImportValue": e })),
            "A|B|a\\.b".prop_map(|e| serde_json::json!({
                "Fn::Join": ["", ["arn:aws:rds:us-east-1:123456789012:db:", { "Fn::ImportValue": e }]]
            })),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// The selections that a store looks up hold every selection of the app that lists
        /// it as reading each one finds them (a reference in its own stack, an import of an
        /// export of it), in the order of the app.
        #[test]
        fn a_store_looks_up_every_selection_that_lists_it(
            first in proptest::collection::vec(proptest::collection::vec(entry(), 0..3), 0..3),
            second in proptest::collection::vec(proptest::collection::vec(entry(), 0..3), 0..3),
            id in "A|B|a\\.b",
            exports in proptest::sample::subsequence(vec!["A", "B", "a.b"], 0..=3),
            at in 0usize..2,
        ) {
            let template = |selections: &[Vec<Value>]| Template {
                description: String::new(),
                parameters: Vec::new(),
                resources: selections
                    .iter()
                    .enumerate()
                    .map(|(i, entries)| {
                        Resource::raw(
                            format!("Selection{i}"),
                            "AWS::Backup::BackupSelection".to_owned(),
                            serde_json::json!({ "BackupSelection": { "Resources": entries } }),
                        )
                    })
                    .collect(),
                outputs: Vec::new(),
            };
            let templates = [template(&first), template(&second)];
            let lookup = Lookup::of(["one", "two"].into_iter().zip(&templates));
            // Its stack exports its ARN or its identifier.
            let valued = exports
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    let value = if i % 2 == 0 {
                        serde_json::json!({ "Fn::GetAtt": [id, "DBInstanceArn"] })
                    } else {
                        serde_json::json!({ "Ref": id })
                    };
                    (*name, value)
                })
                .collect();
            let store = ArnOf::new("AWS::RDS::DBInstance", &id, valued);
            let read: Vec<usize> = lookup
                .selections
                .iter()
                .enumerate()
                .filter(|&(_, &(stack, r))| {
                    let reader = if stack == at {
                        Reader::Home
                    } else {
                        Reader::Importer
                    };
                    store.listed_by(&templates[stack].resources()[r], reader).is_some()
                })
                .map(|(i, _)| i)
                .collect();
            let found = lookup.listing(at, &id, &exports);
            proptest::prop_assert!(found.windows(2).all(|w| w[0] < w[1]), "{found:?}");
            proptest::prop_assert!(
                read.iter().all(|s| found.contains(s)),
                "read {read:?}, looked up {found:?}"
            );
        }
    }

    /// A selection of another stack that lists a store through an ARN joined around an
    /// import of its stack's export: rule R4 calls the store backed up, and the table lists
    /// the backup; a store no selection lists has neither. Before they read an entry with
    /// one function, the table saw only an entry that was the import itself.
    #[test]
    fn the_table_lists_the_backups_that_rule_r4_finds_through_a_joined_import() {
        use crate::prelude::*;
        use serde_json::json;
        let app = App::new("joined");
        let data = app.stack("data").unwrap();
        let listed = data
            .add(RawResource::new("Listed", "AWS::RDS::DBInstance"))
            .unwrap();
        let unlisted = data
            .add(RawResource::new("Unlisted", "AWS::RDS::DBInstance"))
            .unwrap();
        let backup = app.stack("backup").unwrap();
        // Imports the instances' identifiers, so that `data` exports them.
        backup
            .add(
                RawResource::new("Names", "AWS::SSM::Parameter")
                    .property("Type", "String")
                    .property("/Value/0", listed.reference())
                    .property("/Value/1", unlisted.reference()),
            )
            .unwrap();
        let plan = backup
            .add(
                RawResource::new("Plan", "AWS::Backup::BackupPlan")
                    .property("/BackupPlan/BackupPlanName", "daily")
                    .property(
                        "/BackupPlan/BackupPlanRule/0",
                        json!({
                            "RuleName": "daily",
                            "TargetBackupVaultName": "vault",
                            "ScheduleExpression": "cron(0 5 * * ? *)",
                            "Lifecycle": { "DeleteAfterDays": 35 }
                        }),
                    ),
            )
            .unwrap();
        let export = "data:Listed:Ref";
        backup
            .add(
                RawResource::new("Selection", "AWS::Backup::BackupSelection")
                    .property("BackupPlanId", plan.reference())
                    .property("/BackupSelection/SelectionName", "instances")
                    .property(
                        "/BackupSelection/IamRoleArn",
                        "arn:aws:iam::123456789012:role/backup",
                    )
                    .property(
                        "/BackupSelection/Resources/0",
                        json!({ "Fn::Join": ["", [
                            { "Fn::Sub": "arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:db:" },
                            { "Fn::ImportValue": export }
                        ]] }),
                    ),
            )
            .unwrap();
        let assembly = app.check().unwrap();
        let names = crate::testing::prop(
            &crate::cfn::tree::from_str(assembly.stack("backup").unwrap().template_json()).unwrap(),
            "Names",
            "/Value/0",
        )
        .clone();
        assert_eq!(
            names,
            json!({ "Fn::ImportValue": export }),
            "the export's name"
        );
        let r4 = |id: &str| {
            let found: Vec<_> = assembly
                .evaluation()
                .results
                .iter()
                .filter(|c| c.rule == "R4" && &*c.logical_id == id)
                .map(|c| c.status.clone())
                .collect();
            assert_eq!(found.len(), 1, "R4 on {id}: {found:?}");
            found[0].clone()
        };
        let entries = recovery(&assembly);
        let backups = |id: &str| -> Vec<(&str, &str)> {
            entries
                .iter()
                .find(|e| e.logical_id == id)
                .unwrap_or_else(|| panic!("{id} in {entries:?}"))
                .copies
                .iter()
                .map(|c| (c.kind, c.to.as_str()))
                .collect()
        };
        match r4("Listed") {
            crate::compliance::Status::Enforced { evidence } => {
                assert_eq!(evidence[0].logical_id, "backup/Selection");
            }
            other => panic!("R4 on Listed: {other:?}"),
        }
        assert_eq!(backups("Listed"), [("backup", "backup/Plan")]);
        assert!(
            matches!(r4("Unlisted"), crate::compliance::Status::Gap { .. }),
            "{:?}",
            r4("Unlisted")
        );
        assert_eq!(backups("Unlisted"), []);
    }

    /// Every type that rule D1 keeps as a store of PHI is a row of the table, or is named
    /// as no store (keys, audit logs, vaults): the table listed six types while D1 kept
    /// twelve stores of PHI, so a DocumentDB cluster, an OpenSearch domain or a table
    /// bucket was left out of the disaster-recovery table without a word.
    #[test]
    fn every_store_that_rule_d1_keeps_is_a_row_of_the_table_or_named_as_no_store() {
        let d1 = crate::compliance::rule_spec("D1").unwrap();
        for t in d1.types {
            assert!(
                is_store(t) != NOT_STORES.contains(t),
                "{t}: a type D1 keeps is either a store of the table or named as none"
            );
        }
        for t in NOT_STORES {
            assert!(d1.types.contains(t), "{t} is not a type D1 reads");
        }
    }

    /// A replication rule that takes part of a bucket (a `Filter` prefix, one the table
    /// cannot read) or skips its KMS-encrypted objects is listed with what it leaves out,
    /// and is no copy in another region; a rule that takes every object, KMS-encrypted
    /// ones too, is. Before, each was "every new object" and "in another region: yes". A
    /// DocumentDB cluster is listed, with no copy.
    #[test]
    fn a_copy_of_part_of_a_bucket_is_no_copy_of_it_in_another_region() {
        use serde_json::json;
        let assembly = crate::testing::clinic_with_copies().synth().unwrap();
        let stacks: Vec<(&str, &Template)> = assembly
            .stacks()
            .iter()
            .map(|s| (s.name(), s.template()))
            .collect();
        let regions: Vec<Option<String>> = assembly
            .stacks()
            .iter()
            .map(|s| s.region().map(str::to_owned))
            .collect();
        let lookup = Lookup::of(stacks.iter().copied());
        let app = App {
            stacks: &stacks,
            regions: &regions,
            accounts: &[],
            lookup: &lookup,
        };
        let at = stacks.iter().position(|s| s.0 == "clinic-data").unwrap();
        let (stack, template) = stacks[at];
        let home = app.region(at);
        let records = template.resource("Records").unwrap();
        let written = records.properties().clone();
        let copies = |edit: &dyn Fn(&mut Value)| {
            let mut props = written.clone();
            edit(&mut props["ReplicationConfiguration"]["Rules"][0]);
            replication(&app, (stack, home), template, records, &props)
        };
        // As written: every object, the KMS-encrypted ones too, to the bucket in us-west-2.
        let whole = copies(&|_| {});
        assert_eq!(whole.len(), 1, "{whole:?}");
        assert!(whole[0].another_region, "{whole:?}");
        assert!(whole[0].detail.starts_with("every new object"), "{whole:?}");
        type Edit<'e> = &'e dyn Fn(&mut Value);
        let narrowed: [(&str, Edit<'_>); 5] = [
            ("only the new objects", &|r| {
                r["Filter"] = json!({ "Prefix": "scans/" })
            }),
            ("only the new objects", &|r| r["Prefix"] = json!("scans/")),
            ("only the new objects", &|r| {
                r["Filter"] = json!({ "Prefix": { "Ref": "AWS::StackName" } });
            }),
            ("only the new objects", &|r| {
                r["Filter"] = json!({ "TagFilter": { "Key": "phi", "Value": "yes" } });
            }),
            ("not those encrypted with KMS", &|r| {
                r["SourceSelectionCriteria"] = json!({});
            }),
        ];
        for (left_out, edit) in narrowed {
            let found = copies(edit);
            assert_eq!(found.len(), 1, "{found:?}");
            assert!(!found[0].another_region, "{found:?}");
            assert!(found[0].detail.contains(left_out), "{found:?}");
        }
    }

    /// A global table's replicas in other regions are its copies there; the one in its
    /// stack's region is the table itself, and a table of a stack with no pinned region
    /// with replicas in two regions has one of them elsewhere.
    #[test]
    fn a_global_table_lists_its_replicas_in_other_regions() {
        use crate::prelude::*;
        use serde_json::json;
        let app = App::new("global");
        let replicas = json!([{ "Region": "us-east-1" }, { "Region": "us-west-2" }]);
        for (name, region) in [
            ("pinned", Some(crate::region!("us-east-1"))),
            ("unpinned", None),
        ] {
            let stack = match region {
                Some(region) => app.stack_in(name, region),
                None => app.stack(name),
            }
            .unwrap();
            stack
                .add(
                    RawResource::new("Table", "AWS::DynamoDB::GlobalTable")
                        .property("Replicas", replicas.clone()),
                )
                .unwrap();
        }
        let entries = recovery(&app.check().unwrap());
        let copies = |stack: &str| {
            let e = entries.iter().find(|e| e.stack == stack).unwrap();
            let copies: Vec<(&str, Option<&str>, bool)> = e
                .copies
                .iter()
                .map(|c| (c.kind, c.region.as_deref(), c.another_region))
                .collect();
            (copies, e.in_another_region)
        };
        assert_eq!(
            copies("pinned"),
            (vec![("replica", Some("us-west-2"), true)], true)
        );
        // No one replica is known to be elsewhere, but the stack's region is one of the two:
        // the other is (hostile review 17; a gap before).
        assert_eq!(
            copies("unpinned"),
            (vec![("replica", Some("another region"), true)], true)
        );
    }

    /// AWS Backup copies to another region only the recovery points of the types it copies
    /// across regions, and backs up a bucket only with S3 Versioning on: a bucket without
    /// it, a DynamoDB table (advanced DynamoDB backup, a setting of the account) and a
    /// Multi-AZ DB cluster have no copy in another region from a copy action; a versioned
    /// bucket, an Aurora cluster, an RDS instance, an EFS file system and an EBS volume do.
    #[test]
    fn aws_backup_copies_across_regions_only_the_types_it_supports() {
        use serde_json::json;
        let cases = [
            ("AWS::S3::Bucket", json!({}), Some("S3 Versioning")),
            (
                "AWS::S3::Bucket",
                json!({ "VersioningConfiguration": { "Status": "Suspended" } }),
                Some("S3 Versioning"),
            ),
            (
                "AWS::S3::Bucket",
                json!({ "VersioningConfiguration": { "Status": { "Ref": "Versioning" } } }),
                Some("S3 Versioning"),
            ),
            (
                "AWS::S3::Bucket",
                json!({ "VersioningConfiguration": { "Status": "Enabled" } }),
                None,
            ),
            (
                "AWS::DynamoDB::Table",
                json!({}),
                Some("advanced DynamoDB backup"),
            ),
            (
                "AWS::DynamoDB::GlobalTable",
                json!({}),
                Some("advanced DynamoDB backup"),
            ),
            (
                "AWS::RDS::DBCluster",
                json!({ "Engine": "mysql" }),
                Some("Multi-AZ DB cluster"),
            ),
            (
                "AWS::RDS::DBCluster",
                json!({}),
                Some("Multi-AZ DB cluster"),
            ),
            (
                "AWS::RDS::DBCluster",
                json!({ "Engine": "aurora-mysql" }),
                None,
            ),
            (
                "AWS::RDS::DBCluster",
                json!({ "Engine": "Aurora-PostgreSQL" }),
                None,
            ),
            ("AWS::RDS::DBInstance", json!({}), None),
            ("AWS::EFS::FileSystem", json!({}), None),
            ("AWS::EC2::Volume", json!({}), None),
            ("AWS::DocDB::DBCluster", json!({}), None),
            ("AWS::Neptune::DBCluster", json!({}), None),
            (
                "AWS::Redshift::Cluster",
                json!({}),
                Some("AWS::Redshift::Cluster"),
            ),
            (
                "AWS::OpenSearchService::Domain",
                json!({}),
                Some("AWS::OpenSearchService::Domain"),
            ),
            (
                "AWS::S3Express::DirectoryBucket",
                json!({}),
                Some("AWS::S3Express::DirectoryBucket"),
            ),
        ];
        for (type_name, props, says) in cases {
            let store = Resource::raw("Store".to_owned(), type_name.to_owned(), props.clone());
            let why = not_copied_across_regions(&store, &props);
            match (says, &why) {
                (None, None) => {}
                (Some(says), Some(why)) => assert!(why.contains(says), "{type_name}: {why}"),
                _ => panic!("{type_name} {props}: {why:?}"),
            }
        }
    }

    /// Aurora copies no cluster snapshot to or from the China regions: a copy action of
    /// an Aurora cluster between cn-north-1 and cn-northwest-1 is none; of an RDS instance
    /// it is (hostile review 17).
    #[test]
    fn an_aurora_copy_to_or_from_china_is_none() {
        let cluster = Resource::raw(
            "C".to_owned(),
            "AWS::RDS::DBCluster".to_owned(),
            serde_json::json!({ "Engine": "aurora-mysql" }),
        );
        let instance = Resource::raw(
            "I".to_owned(),
            "AWS::RDS::DBInstance".to_owned(),
            serde_json::json!({}),
        );
        for (home, there) in [
            (Some("cn-north-1"), Some("cn-northwest-1")),
            (None, Some("cn-northwest-1")),
            (Some("cn-northwest-1"), None),
        ] {
            assert!(aurora_copy_in_china(&cluster, home, there).is_some());
            assert!(aurora_copy_in_china(&instance, home, there).is_none());
        }
        assert!(aurora_copy_in_china(&cluster, Some("us-east-1"), Some("us-west-2")).is_none());
    }

    /// A store of a type the table reads no copy of (a DocumentDB cluster) is listed, with
    /// none.
    #[test]
    fn a_store_whose_copies_the_table_cannot_read_is_listed_with_none() {
        use crate::prelude::*;
        let app = App::new("docs");
        let data = app.stack("data").unwrap();
        data.add(RawResource::new("Docs", "AWS::DocDB::DBCluster"))
            .unwrap();
        data.add(RawResource::new("Search", "AWS::OpenSearchService::Domain"))
            .unwrap();
        let entries = recovery(&app.check().unwrap());
        let types: Vec<(&str, usize, bool)> = entries
            .iter()
            .map(|e| {
                (
                    e.resource_type.as_str(),
                    e.copies.len(),
                    e.in_another_region,
                )
            })
            .collect();
        assert_eq!(
            types,
            [
                ("AWS::DocDB::DBCluster", 0, false),
                ("AWS::OpenSearchService::Domain", 0, false)
            ]
        );
    }

    #[test]
    fn each_store_lists_its_replica_backups_and_copies_in_another_region() {
        let app = crate::testing::clinic_with_copies();
        let entries = recovery(&app.synth().unwrap());
        let entry = |construct: &str| {
            entries
                .iter()
                .find(|e| e.construct == construct)
                .unwrap_or_else(|| panic!("{construct} in {entries:?}"))
        };

        // Access-log buckets hold no PHI: not listed.
        assert!(entries.iter().all(|e| !e.construct.ends_with("Logs")));
        let records = entry("clinic-data/Records");
        assert!(records.in_another_region);
        let kinds: Vec<(&str, &str, Option<&str>, bool)> = records
            .copies
            .iter()
            .map(|c| (c.kind, c.to.as_str(), c.region.as_deref(), c.another_region))
            .collect();
        assert_eq!(
            kinds,
            [
                ("replication", "clinic-dr/Copy", Some("us-west-2"), true),
                ("backup", "clinic-data/Daily", None, false),
                // Through a template parameter from a stack pinned to us-west-2, which
                // `up` never deploys in the same region as the store's.
                ("backup copy", "clinic-dr/DrVault", Some("us-west-2"), true),
            ]
        );
        assert!(
            records.copies[1].detail.contains("kept 35 days"),
            "{:?}",
            records.copies[1]
        );
        assert!(
            records.copies[0]
                .evidence
                .ends_with("/ReplicationConfiguration/Rules/0/Destination/Bucket"),
            "{:?}",
            records.copies[0]
        );
        let replica = entry("clinic-dr/Copy");
        assert_eq!(replica.copy_of.as_deref(), Some("clinic-data/Records"));
        assert!(replica.in_another_region);
        let scratch = entry("clinic-data/Scratch");
        assert!(scratch.copies.is_empty());
        assert!(!scratch.in_another_region);
    }

    /// The buckets of the audit trail and of the account baseline hold no PHI (rule S10
    /// reads them so): the table marks them and their replicas as audit records, where it
    /// listed them among the stores of PHI (hostile review 17). A bucket's replica of the
    /// same region is listed as the replica, but not as a copy in another region.
    #[test]
    fn the_table_marks_audit_buckets_and_no_same_region_replica_as_a_copy_elsewhere() {
        use crate::prelude::*;
        let app = App::new("audit");
        let dr = app.stack_in("dr", crate::region!("us-west-2")).unwrap();
        let dr_key = dr.add(KmsKey::new("DrKey")).unwrap();
        let dr_logs = dr.add(AccessLogBucket::new("DrLogs")).unwrap();
        let copy = |id: &str| {
            SecureBucket::new(id)
                .encryption(&dr_key)
                .access_logs(&dr_logs)
        };
        let audit_copy = dr.add(copy("AuditCopy")).unwrap();
        let config_copy = dr.add(copy("ConfigCopy")).unwrap();
        let security = app
            .stack_in("security", crate::region!("us-east-1"))
            .unwrap();
        let key = security.add(KmsKey::new("PhiKey")).unwrap();
        let logs = security.add(AccessLogBucket::new("Logs")).unwrap();
        security
            .add(
                AuditTrail::new("Audit")
                    .encryption(&key)
                    .access_logs(&logs)
                    .log_retention(crate::days!(2192))
                    .replicate_to(&audit_copy),
            )
            .unwrap();
        security
            .add(
                AccountBaseline::new("Baseline")
                    .encryption(&key)
                    .access_logs(&logs)
                    .replicate_to(&config_copy),
            )
            .unwrap();
        let entries = recovery(&app.check().unwrap());
        assert!(entries.len() >= 4, "{entries:?}");
        for e in &entries {
            let audit = e.construct.starts_with("security/") || e.construct.ends_with("Copy");
            assert_eq!(e.audit_records, audit, "{e:?}");
        }

        let entry = |construct: &str, to: &str, another_region: bool| RecoveryEntry {
            stack: "s".to_owned(),
            region: None,
            construct: construct.to_owned(),
            logical_id: construct.to_owned(),
            resource_type: "AWS::S3::Bucket".to_owned(),
            copies: vec![Copy {
                kind: "replication",
                to: to.to_owned(),
                region: None,
                detail: String::new(),
                another_region,
                evidence: String::new(),
            }],
            copy_of: None,
            in_another_region: another_region,
            audit_records: false,
        };
        let mut same = entry("s/Records", "s/Copy", false);
        same.copies.clear();
        let linked = link_replicas(vec![entry("s/Source", "s/Records", false), same]);
        assert_eq!(linked[1].copy_of.as_deref(), Some("s/Source"));
        assert!(!linked[1].in_another_region, "{linked:?}");
    }
}

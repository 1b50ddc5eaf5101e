//! A typed model of the CloudFormation templates that hipaa-stack writes.
//!
//! Constructs build these values; users never write them. Intrinsic functions (`Ref`,
//! `Fn::GetAtt`, `Fn::ImportValue`, …) are made only from typed references such as
//! `key.arn()`, so a template never holds a hand-typed logical id. Serialization is
//! deterministic: resources and outputs keep the order in which the program declared them,
//! and every map inside properties keeps the order of its typed fields (raw resources: the
//! order the program wrote).

pub(crate) mod apigateway;
pub(crate) mod autoscaling;
pub(crate) mod backup;
pub(crate) mod cloudtrail;
pub(crate) mod cloudwatch;
pub(crate) mod config;
pub(crate) mod dynamodb;
pub(crate) mod ec2;
pub(crate) mod frontdoor;
pub(crate) mod guardduty;
pub(crate) mod iam;
pub(crate) mod kms;
pub(crate) mod lambda;
pub(crate) mod logs;
pub(crate) mod pointer;
pub(crate) mod policy;
pub(crate) mod rds;
pub(crate) mod s3;
pub(crate) mod scan;
pub(crate) mod secretsmanager;
pub(crate) mod securityhub;
pub(crate) mod sns;
pub(crate) mod sqs;
pub(crate) mod ssm;
pub(crate) mod text;
pub(crate) mod tree;

use std::borrow::Cow;
use std::sync::Arc;

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};

/// A value in a template: a literal string or an intrinsic function.
///
/// Values are made by hipaa-stack from typed references; there is no public constructor
/// for an intrinsic, so a logical id in a template always names a resource that exists.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Expr(ExprKind);

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum ExprKind {
    Str(String),
    Ref(String),
    GetAtt(String, &'static str),
    Sub(String),
    Join(Vec<Expr>),
    Import(String),
    AvailabilityZone(u8),
}

/// CloudFormation's pseudo parameters that hipaa-stack uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pseudo {
    AccountId,
}

impl Expr {
    /// A literal string.
    pub(crate) fn lit(text: impl Into<String>) -> Self {
        Expr(ExprKind::Str(text.into()))
    }

    pub(crate) fn reference(logical_id: &str) -> Self {
        Expr(ExprKind::Ref(logical_id.to_owned()))
    }

    pub(crate) fn get_att(logical_id: &str, attribute: &'static str) -> Self {
        Expr(ExprKind::GetAtt(logical_id.to_owned(), attribute))
    }

    pub(crate) fn import(export_name: &str) -> Self {
        Expr(ExprKind::Import(export_name.to_owned()))
    }

    pub(crate) fn pseudo(p: Pseudo) -> Self {
        Expr(ExprKind::Ref(
            match p {
                Pseudo::AccountId => "AWS::AccountId",
            }
            .to_owned(),
        ))
    }

    /// `Fn::Sub` over a text that names only pseudo parameters (`${AWS::AccountId}`, …).
    /// References to resources never go through `Sub`; they use [`Expr::join`].
    pub(crate) fn sub_pseudo(template: &str) -> Self {
        Expr(ExprKind::Sub(template.to_owned()))
    }

    /// A concatenation, serialized as `Fn::Sub`. Adjacent literals are merged.
    pub(crate) fn join(parts: impl IntoIterator<Item = Expr>) -> Self {
        let mut out: Vec<Expr> = Vec::new();
        for part in parts {
            match (out.last_mut(), part.0) {
                (Some(Expr(ExprKind::Str(prev))), ExprKind::Str(next)) => prev.push_str(&next),
                (_, kind) => out.push(Expr(kind)),
            }
        }
        match out.len() {
            0 => Expr::lit(""),
            1 if matches!(out[0].0, ExprKind::Str(_)) => out.remove(0),
            _ => Expr(ExprKind::Join(out)),
        }
    }

    /// The `index`-th availability zone of the stack's region:
    /// `Fn::Select [index, Fn::GetAZs ""]`.
    pub(crate) fn availability_zone(index: u8) -> Self {
        Expr(ExprKind::AvailabilityZone(index))
    }

    /// The account root principal, `arn:<partition>:iam::<account>:root`.
    pub(crate) fn account_root() -> Self {
        Expr::sub_pseudo("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")
    }

    /// The literal text, if this value is a literal rather than an intrinsic function.
    pub fn as_literal(&self) -> Option<&str> {
        match &self.0 {
            ExprKind::Str(s) => Some(s),
            _ => None,
        }
    }
}

impl From<&str> for Expr {
    fn from(s: &str) -> Self {
        Expr::lit(s)
    }
}

impl Serialize for Expr {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            ExprKind::Str(s) => serializer.serialize_str(s),
            ExprKind::Ref(id) => single(serializer, "Ref", id),
            ExprKind::GetAtt(id, attr) => single(serializer, "Fn::GetAtt", &[id.as_str(), attr]),
            ExprKind::Sub(t) => single(serializer, "Fn::Sub", t),
            ExprKind::Import(name) => single(serializer, "Fn::ImportValue", name),
            ExprKind::Join(parts) => join_as_sub(serializer, parts),
            ExprKind::AvailabilityZone(i) => single(serializer, "Fn::Select", &SelectAz(*i)),
        }
    }
}

struct SelectAz(u8);

impl Serialize for SelectAz {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(2))?;
        seq.serialize_element(&self.0)?;
        seq.serialize_element(&GetAzs)?;
        seq.end()
    }
}

struct GetAzs;

impl Serialize for GetAzs {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        single(serializer, "Fn::GetAZs", "")
    }
}

/// A concatenation, written as `Fn::Sub` (which cfn-lint prefers to `Fn::Join` with an
/// empty delimiter): literals are escaped, `Ref`/`Fn::GetAtt` become `${Id}`/`${Id.Attr}`,
/// and anything else (an import) becomes a variable of the `Sub`.
fn join_as_sub<S: Serializer>(serializer: S, parts: &[Expr]) -> Result<S::Ok, S::Error> {
    let mut text = String::new();
    let mut vars: Vec<(String, &Expr)> = Vec::new();
    for part in parts {
        match &part.0 {
            ExprKind::Str(s) if s.contains("${") => text.push_str(&s.replace("${", "${!")),
            ExprKind::Str(s) => text.push_str(s),
            ExprKind::Ref(id) => {
                text.push_str("${");
                text.push_str(id);
                text.push('}');
            }
            ExprKind::GetAtt(id, attr) => {
                text.push_str("${");
                text.push_str(id);
                text.push('.');
                text.push_str(attr);
                text.push('}');
            }
            ExprKind::Sub(template) => text.push_str(template),
            _ => {
                let name = format!("V{}", vars.len());
                text.push_str("${");
                text.push_str(&name);
                text.push('}');
                vars.push((name, part));
            }
        }
    }
    if vars.is_empty() {
        single(serializer, "Fn::Sub", &text)
    } else {
        single(serializer, "Fn::Sub", &SubWithVars(&text, &vars))
    }
}

struct SubWithVars<'a>(&'a str, &'a [(String, &'a Expr)]);

impl Serialize for SubWithVars<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct Vars<'a>(&'a [(String, &'a Expr)]);
        impl Serialize for Vars<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(Some(self.0.len()))?;
                for (name, value) in self.0 {
                    map.serialize_entry(name, value)?;
                }
                map.end()
            }
        }
        let mut seq = serializer.serialize_seq(Some(2))?;
        seq.serialize_element(self.0)?;
        seq.serialize_element(&Vars(self.1))?;
        seq.end()
    }
}

fn single<S: Serializer, V: Serialize + ?Sized>(
    serializer: S,
    key: &str,
    value: &V,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(1))?;
    map.serialize_entry(key, value)?;
    map.end()
}

/// What CloudFormation does with a resource's physical store when the resource leaves the
/// stack (`DeletionPolicy`) or is replaced (`UpdateReplacePolicy`).
///
/// There is deliberately no `Delete`: stores of PHI are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Keep {
    /// Leave the resource in place, outside the stack.
    Retain,
    /// Take a final snapshot (databases), then delete.
    Snapshot,
}

/// A CloudFormation resource type, described by a typed struct of its properties.
pub(crate) trait ResourceType: Serialize {
    /// The CloudFormation type name, e.g. `AWS::S3::Bucket`.
    const TYPE: &'static str;
}

/// One resource of a template.
#[derive(Debug, Clone)]
pub struct Resource {
    logical_id: String,
    type_name: Cow<'static, str>,
    properties: Properties,
    depends_on: Vec<String>,
    keep: Option<Keep>,
    origin: Option<Origin>,
    /// Boxed, and only once something is written there: most resources have none but
    /// their origin, and an empty map took 72 of a resource's 256 bytes.
    metadata: Option<Box<serde_json::Map<String, serde_json::Value>>>,
}

/// The `Metadata` of a resource that has none.
static NO_METADATA: std::sync::LazyLock<serde_json::Map<String, serde_json::Value>> =
    std::sync::LazyLock::new(serde_json::Map::new);

/// The construct that made a resource, written as `Metadata.hipaa-stack`. Kept typed rather
/// than as JSON: every resource has one, and the resources of a construct share its path.
#[derive(Debug, Clone, PartialEq)]
struct Origin {
    path: Arc<str>,
    construct: &'static str,
}

impl Serialize for Origin {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("construct", self.construct)?;
        map.serialize_entry("path", &*self.path)?;
        map.end()
    }
}

/// A resource's properties: the typed properties of a construct's resource until synthesis
/// builds their JSON tree, or the JSON tree of an escape-hatch resource.
///
/// By default synthesis builds the tree as the stack is rendered, and drops the typed
/// properties; once the template is written, the tree goes too (unless synthesis keeps the
/// trees, [`crate::synth::Memory::Kept`]), for the text, parsed again only if something
/// reads the properties. With low memory a scan ([`Resource::prepare`]) reads what
/// synthesis needs of every stack as it is rendered, and then the stack's properties are
/// packed ([`Template::pack`]): written once as compact JSON and compressed, the typed
/// properties dropped. The trees are built from the packed text as the stack is checked,
/// and dropped once it is written: a read after that builds them again from it.
///
/// A large app's trees are most of synth's memory, and after the rules and the graph nothing
/// in `synth` reads them; a report or a deploy that does reads them back. The typed
/// properties of every stack were the most of the rest, with low memory: held together
/// from the end of the render to the first stack checked, they set its peak.
#[derive(Debug, Clone)]
enum Properties {
    Tree(serde_json::Value),
    Typed(Arc<TypedProperties>),
    Written(Arc<WrittenTemplate>),
    /// The properties of the resource at this position of a packed stack.
    Packed(Arc<PackedProperties>, u32),
}

/// The properties of every resource of a stack, as a JSON array written compactly and
/// compressed (LZ4: a stack of `scale`'s 50 buckets packs 66 KiB of JSON into about
/// 2 KiB), and, once something reads them, the JSON unpacked and the tree of each resource
/// read: a rule that reads one resource of another stack parses that resource only.
#[derive(Debug)]
pub(crate) struct PackedProperties {
    packed: Arc<[u8]>,
    /// Where the JSON of each resource's properties ends in the array (its `,` or `]`).
    ends: Arc<[u32]>,
    json: std::sync::OnceLock<Vec<u8>>,
    /// A place for the tree of each resource, made when the JSON is unpacked (empty, it
    /// would cost 40 bytes a resource: 6 MiB of `scale --buckets 50000`).
    trees: std::sync::OnceLock<Box<[std::sync::OnceLock<serde_json::Value>]>>,
}

impl PackedProperties {
    /// Packs `properties`, one per resource.
    fn pack(properties: &[&dyn Typed]) -> Result<Self, serde_json::Error> {
        let mut json = Vec::with_capacity(16 * 1024);
        let mut ends = Vec::with_capacity(properties.len());
        json.push(b'[');
        for (at, typed) in properties.iter().enumerate() {
            if at > 0 {
                json.push(b',');
            }
            typed.write(&mut json)?;
            let end = u32::try_from(json.len()).map_err(|_| {
                <serde_json::Error as serde::ser::Error>::custom(
                    "the properties of the stack's resources are over 4 GiB of JSON",
                )
            })?;
            ends.push(end);
        }
        json.push(b']');
        Ok(PackedProperties {
            packed: Arc::from(lz4_flex::compress_prepend_size(&json)),
            ends: Arc::from(ends),
            json: std::sync::OnceLock::new(),
            trees: std::sync::OnceLock::new(),
        })
    }

    /// The same packed text, without the JSON unpacked and the trees.
    fn without_trees(&self) -> Self {
        PackedProperties {
            packed: Arc::clone(&self.packed),
            ends: Arc::clone(&self.ends),
            json: std::sync::OnceLock::new(),
            trees: std::sync::OnceLock::new(),
        }
    }

    /// Whether something read them: the JSON is unpacked (and a tree built).
    fn holds_trees(&self) -> bool {
        self.json.get().is_some() || self.trees.get().is_some()
    }

    /// The place of each resource's tree.
    fn trees(&self) -> &[std::sync::OnceLock<serde_json::Value>] {
        self.trees.get_or_init(|| {
            (0..self.ends.len())
                .map(|_| std::sync::OnceLock::new())
                .collect()
        })
    }

    /// The tree of the properties at `at`, if it is built.
    fn built(&self, at: u32) -> Option<&serde_json::Value> {
        self.trees
            .get()
            .and_then(|trees| trees.get(at as usize))
            .and_then(std::sync::OnceLock::get)
    }

    /// Whether the tree of the properties at `at` is built.
    #[cfg(test)]
    fn holds_tree(&self, at: u32) -> bool {
        self.built(at).is_some()
    }

    /// The tree of the properties at `at`.
    fn tree(&self, at: u32) -> &serde_json::Value {
        static NULL: serde_json::Value = serde_json::Value::Null;
        let at = at as usize;
        match self.trees().get(at) {
            Some(tree) => tree.get_or_init(|| self.parse(at)),
            None => &NULL,
        }
    }

    /// Builds the tree of every resource.
    fn build_trees(&self) {
        for (at, tree) in self.trees().iter().enumerate() {
            tree.get_or_init(|| self.parse(at));
        }
    }

    /// The JSON of the properties at `at`, parsed.
    fn parse(&self, at: usize) -> serde_json::Value {
        // Packed here from what serde_json wrote, so it parses.
        self.json_at(at)
            .and_then(|json| tree::from_slice(json).ok())
            .unwrap_or(serde_json::Value::Null)
    }

    /// The JSON of the properties at `at`, the whole text unpacked once.
    fn json_at(&self, at: usize) -> Option<&[u8]> {
        // Packed here from what serde_json wrote, so it unpacks.
        let json = self
            .json
            .get_or_init(|| lz4_flex::decompress_size_prepended(&self.packed).unwrap_or_default());
        let end_of = |at: usize| self.ends.get(at).map(|&end| end as usize);
        let start = match at.checked_sub(1) {
            Some(before) => end_of(before)? + 1,
            None => 1,
        };
        json.get(start..end_of(at)?)
    }

    /// The length of the compact JSON of the property `key` of the properties at `at`, as
    /// packed (what their tree would write, as [`PackedProperties::serialize_at`] says), or
    /// `None` once their tree is built or when the JSON cannot be read without it (a key
    /// written with an escape).
    fn compact_len(&self, at: u32, key: &str) -> Option<usize> {
        if self.built(at).is_some() {
            return None;
        }
        // A typed reading (each property's text as written), not a tree.
        #[expect(
            clippy::disallowed_methods,
            reason = "a map of raw texts, read by serde's own map, builds no tree of values"
        )]
        let properties: std::collections::BTreeMap<&str, &serde_json::value::RawValue> =
            serde_json::from_slice(self.json_at(at as usize)?).ok()?;
        Some(
            properties
                .get(key)
                .map_or("null".len(), |raw| raw.get().len()),
        )
    }

    /// The compact JSON of the properties at `at`, as packed.
    fn compact_at(&self, at: u32) -> Option<&[u8]> {
        self.json_at(at as usize)
    }

    /// Writes the properties at `at` to `serializer`: from their tree once it is built,
    /// otherwise straight from the JSON, building no tree (what the serializer is told is
    /// the same: the tree was parsed from that JSON, each number read back as written).
    fn serialize_at<S: Serializer>(&self, at: u32, serializer: S) -> Result<S::Ok, S::Error> {
        if let Some(tree) = self.built(at) {
            return tree.serialize(serializer);
        }
        match self.json_at(at as usize) {
            Some(json) => {
                let mut json = serde_json::Deserializer::from_slice(json);
                serde_transcode::transcode(&mut json, serializer)
            }
            None => serializer.serialize_unit(),
        }
    }
}

/// A writer that only counts the bytes written to it.
struct ByteCount(usize);

impl std::io::Write for ByteCount {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0 += bytes.len();
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// How a resource's properties are written into its template: see
/// [`PackedProperties::serialize_at`].
struct PropertiesOf<'r>(&'r Resource);

impl Serialize for PropertiesOf<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0.properties {
            Properties::Packed(packed, at) => packed.serialize_at(*at, serializer),
            _ => self.0.properties().serialize(serializer),
        }
    }
}

/// The typed properties of a resource, and their tree once something reads it.
#[derive(Debug)]
struct TypedProperties {
    properties: Box<dyn Typed>,
    tree: std::sync::OnceLock<serde_json::Value>,
}

/// Typed properties, serialized to a tree or to compact JSON, or scanned.
trait Typed: std::fmt::Debug + Send + Sync {
    fn tree(&self) -> Result<serde_json::Value, serde_json::Error>;
    fn write(&self, out: &mut Vec<u8>) -> Result<(), serde_json::Error>;
    fn scan(&self, policy: bool) -> Result<scan::Scanned, scan::Unsupported>;
}

impl<T: Serialize + std::fmt::Debug + Send + Sync> Typed for T {
    fn tree(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::to_value(self)
    }

    fn write(&self, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
        serde_json::to_writer(out, self)
    }

    fn scan(&self, policy: bool) -> Result<scan::Scanned, scan::Unsupported> {
        scan::scan(self, policy)
    }
}

/// The text of a written template, and its tree once something asks for it.
#[derive(Debug)]
pub(crate) struct WrittenTemplate {
    text: Arc<str>,
    tree: std::sync::OnceLock<serde_json::Value>,
}

impl WrittenTemplate {
    pub(crate) fn new(text: Arc<str>) -> Self {
        WrittenTemplate {
            text,
            tree: std::sync::OnceLock::new(),
        }
    }

    fn tree(&self) -> &serde_json::Value {
        // The text was written by `Template::to_json`, so it parses.
        self.tree
            .get_or_init(|| tree::from_str(&self.text).unwrap_or(serde_json::Value::Null))
    }
}

impl PartialEq for Resource {
    fn eq(&self, other: &Self) -> bool {
        self.logical_id == other.logical_id
            && self.type_name == other.type_name
            && self.properties() == other.properties()
            && self.depends_on == other.depends_on
            && self.keep == other.keep
            && self.origin == other.origin
            && self.metadata() == other.metadata()
    }
}

/// The key of `Metadata` under which a resource names its construct.
const ORIGIN_KEY: &str = "hipaa-stack";

impl Resource {
    /// A resource of a construct, with its typed properties: synthesis builds their tree
    /// ([`Resource::build_tree`]) or scans them ([`Resource::prepare`]) as the stack is
    /// rendered, either of which reports an error of serializing them.
    pub(crate) fn new<T>(logical_id: String, properties: T) -> Result<Self, serde_json::Error>
    where
        T: ResourceType + std::fmt::Debug + Send + Sync + 'static,
    {
        Ok(Resource {
            logical_id,
            type_name: Cow::Borrowed(T::TYPE),
            properties: Properties::Typed(Arc::new(TypedProperties {
                properties: Box::new(properties),
                tree: std::sync::OnceLock::new(),
            })),
            depends_on: Vec::new(),
            keep: None,
            origin: None,
            metadata: None,
        })
    }

    /// A resource of any type with properties given as JSON (the escape hatch).
    pub(crate) fn raw(
        logical_id: String,
        type_name: String,
        properties: serde_json::Value,
    ) -> Self {
        Resource {
            logical_id,
            type_name: Cow::Owned(type_name),
            properties: Properties::Tree(properties),
            depends_on: Vec::new(),
            keep: None,
            origin: None,
            metadata: None,
        }
    }

    /// Creates this resource only after `logical_id`.
    pub(crate) fn depends_on(mut self, logical_id: &str) -> Self {
        self.depends_on.push(logical_id.to_owned());
        self
    }

    /// Sets both `DeletionPolicy` and `UpdateReplacePolicy`.
    pub(crate) fn keep(mut self, keep: Keep) -> Self {
        self.keep = Some(keep);
        self
    }

    /// Records the construct that made this resource.
    pub(crate) fn set_origin(&mut self, path: Arc<str>, construct: &'static str) {
        self.origin = Some(Origin { path, construct });
    }

    pub(crate) fn metadata_mut(&mut self) -> &mut serde_json::Map<String, serde_json::Value> {
        self.metadata.get_or_insert_default()
    }

    /// The resource's `Metadata`, but for the construct that made it
    /// ([`Resource::construct_path`], [`Resource::construct_kind`]).
    pub fn metadata(&self) -> &serde_json::Map<String, serde_json::Value> {
        self.metadata.as_deref().unwrap_or(&NO_METADATA)
    }

    /// The logical id.
    pub fn logical_id(&self) -> &str {
        &self.logical_id
    }

    /// The CloudFormation type, e.g. `AWS::S3::Bucket`.
    pub fn type_name(&self) -> &str {
        &self.type_name
    }

    /// Builds the tree of a construct's typed properties now, dropping them: an error is
    /// one of serializing them.
    pub(crate) fn build_tree(&mut self) -> Result<(), serde_json::Error> {
        if let Properties::Typed(typed) = &self.properties {
            self.properties = Properties::Tree(typed.properties.tree()?);
        }
        Ok(())
    }

    /// Scans a construct's typed properties ([`scan`]) without building their tree: what
    /// the scan read, or `None` for the properties of an escape-hatch resource (a tree
    /// already) or that a scan cannot read, whose tree is then built here. An error is one
    /// of serializing them.
    pub(crate) fn prepare(&mut self) -> Result<Option<scan::Scanned>, serde_json::Error> {
        let Properties::Typed(typed) = &self.properties else {
            return Ok(None);
        };
        let policy = self.type_name == "AWS::S3::BucketPolicy";
        match typed.properties.scan(policy) {
            Ok(scanned) => Ok(Some(scanned)),
            Err(_) => {
                self.properties = Properties::Tree(typed.properties.tree()?);
                Ok(None)
            }
        }
    }

    /// How many bytes the property `key` takes written as compact JSON (`null` when the
    /// properties have no such key): from the packed text without building the tree, when
    /// none is built.
    pub(crate) fn compact_len(&self, key: &str) -> usize {
        if let Properties::Packed(packed, at) = &self.properties
            && let Some(len) = packed.compact_len(*at, key)
        {
            return len;
        }
        let mut bytes = ByteCount(0);
        serde_json::to_writer(&mut bytes, &self.properties()[key]).map_or(0, |()| bytes.0)
    }

    /// The properties as JSON.
    pub fn properties(&self) -> &serde_json::Value {
        match &self.properties {
            Properties::Tree(tree) => tree,
            // Synthesis has scanned them, so they serialize ([`scan`] refuses what
            // serde_json may not write, such as a number beyond 64 bits); a resource read
            // before (in a construct's own tests) is serialized here alike.
            Properties::Typed(typed) => typed
                .tree
                .get_or_init(|| typed.properties.tree().unwrap_or(serde_json::Value::Null)),
            Properties::Written(written) => {
                &written.tree()["Resources"][self.logical_id.as_str()]["Properties"]
            }
            Properties::Packed(packed, at) => packed.tree(*at),
        }
    }

    /// The same resource with other properties (a reading of its conditions, for the
    /// rules).
    pub(crate) fn with_properties(&self, properties: serde_json::Value) -> Self {
        Resource {
            properties: Properties::Tree(properties),
            ..self.clone()
        }
    }

    /// The logical ids this resource waits for.
    pub fn depends_on_ids(&self) -> &[String] {
        &self.depends_on
    }

    /// The path of the construct that made this resource (`stack/Construct`), once
    /// synthesized.
    pub fn construct_path(&self) -> Option<&str> {
        self.origin.as_ref().map(|o| &*o.path)
    }

    /// The path of the construct, shared by the resources of the construct.
    pub(crate) fn construct_path_shared(&self) -> Option<&Arc<str>> {
        self.origin.as_ref().map(|o| &o.path)
    }

    /// The kind of construct that made this resource (`SecureBucket`, `RawResource`, …),
    /// once synthesized.
    pub fn construct_kind(&self) -> Option<&'static str> {
        self.origin.as_ref().map(|o| o.construct)
    }

    /// What happens to the store when the resource is deleted or replaced.
    pub fn kept(&self) -> Option<Keep> {
        self.keep
    }

    /// The value at a JSON pointer into the resource as the template writes it
    /// (`/Properties/…`, `/Metadata/…`, `/DeletionPolicy`, `/Type`, `/DependsOn/0`), if
    /// there is one.
    ///
    /// ```
    /// use hipaa_stack::prelude::*;
    /// let app = App::new("docs");
    /// let stack = app.stack("data")?;
    /// stack.add(KmsKey::new("PhiKey"))?;
    /// let assembly = app.synth()?;
    /// let key = &assembly.stack("data").unwrap().template().resources()[0];
    /// assert_eq!(key.value_at("/Properties/EnableKeyRotation"), Some(true.into()));
    /// assert_eq!(key.value_at("/DeletionPolicy"), Some("Retain".into()));
    /// assert_eq!(key.value_at("/Type"), Some("AWS::KMS::Key".into()));
    /// assert_eq!(key.value_at("/Properties/NoSuchProperty"), None);
    /// # Ok::<(), hipaa_stack::Error>(())
    /// ```
    pub fn value_at(&self, pointer: &str) -> Option<serde_json::Value> {
        self.written_value(pointer).map(Cow::into_owned)
    }

    /// [`Resource::value_at`], borrowed from the properties when the pointer is into them
    /// (the evidence of nearly every proof), and otherwise read from the resource as it is
    /// written.
    pub(crate) fn written_value(&self, pointer: &str) -> Option<Cow<'_, serde_json::Value>> {
        use self::pointer::lookup;
        let inner = pointer.strip_prefix('/')?;
        let (top, below) = match inner.find('/') {
            Some(at) => (&inner[..at], &inner[at..]),
            None => (inner, ""),
        };
        let written = match top {
            "Properties" => return lookup(self.properties(), below).map(Cow::Borrowed),
            // The rest as `Resource`'s `Serialize` writes it, without writing the
            // properties.
            "Type" => serde_json::Value::from(&*self.type_name),
            "DependsOn" if !self.depends_on.is_empty() => {
                serde_json::Value::from(self.depends_on.clone())
            }
            "DeletionPolicy" | "UpdateReplacePolicy" => serde_json::to_value(self.keep?).ok()?,
            "Metadata" if self.origin.is_some() || !self.metadata().is_empty() => {
                serde_json::to_value(self.metadata_view()).ok()?
            }
            _ => return None,
        };
        lookup(&written, below).cloned().map(Cow::Owned)
    }
}

/// `Metadata` as written: the construct first, then the rest.
struct MetadataView<'r>(&'r Resource);

impl Resource {
    fn metadata_view(&self) -> MetadataView<'_> {
        MetadataView(self)
    }
}

impl Serialize for MetadataView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        if let Some(origin) = &self.0.origin {
            map.serialize_entry(ORIGIN_KEY, origin)?;
        }
        for (key, value) in self.0.metadata() {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl Serialize for Resource {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("Type", &*self.type_name)?;
        map.serialize_entry("Properties", &PropertiesOf(self))?;
        if !self.depends_on.is_empty() {
            map.serialize_entry("DependsOn", &self.depends_on)?;
        }
        if let Some(keep) = self.keep {
            map.serialize_entry("DeletionPolicy", &keep)?;
            map.serialize_entry("UpdateReplacePolicy", &keep)?;
        }
        if self.origin.is_some() || !self.metadata().is_empty() {
            map.serialize_entry("Metadata", &self.metadata_view())?;
        }
        map.end()
    }
}

/// One output of a template, optionally exported for other stacks.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    pub(crate) name: String,
    pub(crate) value: Expr,
    pub(crate) description: Option<String>,
    pub(crate) export: Option<String>,
}

impl Output {
    /// The output's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The export name, if other stacks import this output.
    pub fn export_name(&self) -> Option<&str> {
        self.export.as_deref()
    }
}

impl Serialize for Output {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        if let Some(d) = &self.description {
            map.serialize_entry("Description", d)?;
        }
        map.serialize_entry("Value", &self.value)?;
        if let Some(name) = &self.export {
            map.serialize_entry("Export", &ExportName(name))?;
        }
        map.end()
    }
}

struct ExportName<'a>(&'a str);

impl Serialize for ExportName<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        single(serializer, "Name", self.0)
    }
}

/// A template parameter. hipaa-stack declares one only for a value of a stack in another
/// region (CloudFormation imports only within a region): `up` fills it from that stack's
/// output of the same name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parameter {
    pub(crate) name: String,
    pub(crate) stack: String,
    pub(crate) region: Option<String>,
}

impl Parameter {
    /// The parameter's name, which is also the name of the producing stack's output.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The stack whose output fills the parameter.
    pub fn stack(&self) -> &str {
        &self.stack
    }

    /// That stack's region; `None` for the environment's region.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }
}

impl Serialize for Parameter {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("Type", "String")?;
        map.serialize_entry(
            "Description",
            &format!(
                "the output {} of stack {} ({}), filled in by hipaa-stack's up",
                self.name,
                self.stack,
                self.region.as_deref().unwrap_or("the deploy region")
            ),
        )?;
        map.end()
    }
}

impl Entry for Parameter {
    fn key(&self) -> &str {
        &self.name
    }
}

/// A whole CloudFormation template: one per stack.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub(crate) description: String,
    pub(crate) parameters: Vec<Parameter>,
    pub(crate) resources: Vec<Resource>,
    pub(crate) outputs: Vec<Output>,
}

impl Template {
    /// The resources, in the order they were declared.
    pub fn resources(&self) -> &[Resource] {
        &self.resources
    }

    /// The parameters: values of stacks in other regions, which `up` fills in.
    pub fn parameters(&self) -> &[Parameter] {
        &self.parameters
    }

    /// Drops the properties' trees in favour of the written text, which `text` must be
    /// (`Template::to_json` of this template).
    pub(crate) fn keep_only_text(&mut self, text: &Arc<str>) {
        let written = Arc::new(WrittenTemplate::new(Arc::clone(text)));
        for resource in &mut self.resources {
            resource.properties = Properties::Written(Arc::clone(&written));
        }
    }

    /// What each resource holds of its properties: `"tree"`, `"typed"`, `"typed and tree"`,
    /// or `"text"` (of the written template).
    #[cfg(test)]
    pub(crate) fn held(&self) -> Vec<&'static str> {
        self.resources
            .iter()
            .map(|r| match &r.properties {
                Properties::Tree(_) => "tree",
                Properties::Typed(typed) if typed.tree.get().is_some() => "typed and tree",
                Properties::Typed(_) => "typed",
                Properties::Written(_) => "text",
                Properties::Packed(packed, at) if packed.holds_tree(*at) => "packed and tree",
                Properties::Packed(..) => "packed",
            })
            .collect()
    }

    /// Builds the trees of its resources now (those that a rule of another stack has read
    /// are built already), beside their typed properties or, with low memory, from their
    /// packed text, both of which stay: a read after [`Template::drop_trees`] builds a tree
    /// again from them.
    pub(crate) fn build_trees(&self) {
        // The resources of a stack share one packed text: its trees are built once.
        let mut built: *const PackedProperties = std::ptr::null();
        for resource in &self.resources {
            match &resource.properties {
                // A scan has read them, so they serialize (see `Resource::properties`).
                Properties::Typed(typed) => {
                    typed
                        .tree
                        .get_or_init(|| typed.properties.tree().unwrap_or(serde_json::Value::Null));
                }
                // Every tree of the stack at once, from the JSON unpacked once.
                Properties::Packed(packed, _) if Arc::as_ptr(packed) != built => {
                    built = Arc::as_ptr(packed);
                    packed.build_trees();
                }
                Properties::Packed(..) | Properties::Tree(_) | Properties::Written(_) => {}
            }
        }
    }

    /// A copy of the template whose packed properties build trees of their own: the same
    /// packed text, shared, without the trees and the unpacked JSON that the template holds
    /// or will hold. With low memory synthesis checks each stack through such a copy, so
    /// that the thread that builds a stack's trees also frees them (see `synthesize_on`).
    /// Typed properties, trees and text are copied as [`Clone`] copies them (with low
    /// memory every stack is packed).
    pub(crate) fn with_trees_of_its_own(&self) -> Template {
        let mut copy = self.clone();
        // The resources of a stack share one packed text: so do those of the copy.
        let mut detached: Vec<(Arc<PackedProperties>, Arc<PackedProperties>)> = Vec::new();
        for resource in &mut copy.resources {
            if let Properties::Packed(packed, _) = &mut resource.properties {
                let own = match detached
                    .iter()
                    .find(|(shared, _)| Arc::ptr_eq(shared, packed))
                {
                    Some((_, own)) => Arc::clone(own),
                    None => {
                        let own = Arc::new(packed.without_trees());
                        detached.push((Arc::clone(packed), Arc::clone(&own)));
                        own
                    }
                };
                *packed = own;
            }
        }
        copy
    }

    /// Packs the properties of its resources ([`PackedProperties`]), typed or trees, and
    /// drops them: read again, they are built from the packed text, alike (serde_json
    /// parses back what it wrote, floats included). With low memory, as each stack is
    /// rendered and scanned. An error is one of serializing them.
    pub(crate) fn pack(&mut self) -> Result<(), serde_json::Error> {
        let properties: Vec<&dyn Typed> = self
            .resources
            .iter()
            .map(|resource| match &resource.properties {
                Properties::Typed(typed) => &*typed.properties as &dyn Typed,
                Properties::Tree(_) | Properties::Written(_) | Properties::Packed(..) => {
                    resource.properties() as &dyn Typed
                }
            })
            .collect();
        let packed = Arc::new(PackedProperties::pack(&properties)?);
        drop(properties);
        for (at, resource) in self.resources.iter_mut().enumerate() {
            let at = u32::try_from(at).unwrap_or(u32::MAX);
            resource.properties = Properties::Packed(Arc::clone(&packed), at);
        }
        Ok(())
    }

    /// Whether a resource holds a tree beside its typed properties or packed text (which
    /// [`Template::drop_trees`] would drop).
    pub(crate) fn holds_trees(&self) -> bool {
        // The resources of a stack share one packed text: each is asked once.
        let mut asked: *const PackedProperties = std::ptr::null();
        self.resources
            .iter()
            .any(|resource| match &resource.properties {
                Properties::Typed(typed) => typed.tree.get().is_some(),
                Properties::Packed(packed, _) if Arc::as_ptr(packed) != asked => {
                    asked = Arc::as_ptr(packed);
                    packed.holds_trees()
                }
                Properties::Packed(..) | Properties::Tree(_) | Properties::Written(_) => false,
            })
    }

    /// Drops the trees that [`Template::build_trees`] built (or a rule read), keeping the
    /// typed properties or the packed text, from which a read builds a tree again: once
    /// the template is written, with low memory, whose synthesis lets the text go too.
    pub(crate) fn drop_trees(&mut self) {
        // Each packed text read, and the same without its trees.
        let mut unpacked: Vec<(Arc<PackedProperties>, Arc<PackedProperties>)> = Vec::new();
        for resource in &mut self.resources {
            match &mut resource.properties {
                Properties::Typed(typed) => {
                    // A resource cloned since (none is, in synthesis) keeps its tree.
                    if let Some(typed) = Arc::get_mut(typed) {
                        typed.tree.take();
                    }
                }
                // The stack's resources share their trees: each takes the same packed text
                // without them, and the trees go with the last.
                Properties::Packed(packed, _) if packed.holds_trees() => {
                    let fresh = match unpacked.iter().find(|(read, _)| Arc::ptr_eq(read, packed)) {
                        Some((_, fresh)) => Arc::clone(fresh),
                        None => {
                            let fresh = Arc::new(packed.without_trees());
                            unpacked.push((Arc::clone(packed), Arc::clone(&fresh)));
                            fresh
                        }
                    };
                    *packed = fresh;
                }
                Properties::Packed(..) | Properties::Tree(_) | Properties::Written(_) => {}
            }
        }
    }

    /// The resource with this logical id.
    pub fn resource(&self, logical_id: &str) -> Option<&Resource> {
        self.resources.iter().find(|r| r.logical_id == logical_id)
    }

    /// The outputs, in the order they were declared (exports last).
    pub fn outputs(&self) -> &[Output] {
        &self.outputs
    }

    /// The template as pretty-printed JSON with a final newline; the same template always
    /// gives the same bytes.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        let mut text = Text {
            out: Vec::with_capacity(64 * 1024),
            scratch: Vec::new(),
        };
        self.write(&mut text)?;
        text.out.push(b'\n');

        // serde_json writes only UTF-8, and the packed text is what it wrote.
        Ok(String::from_utf8(text.out).unwrap_or_default())
    }

    /// Writes the template as [`Template::serialize`] does through serde_json's pretty
    /// printer with one space per level, as the AWS CDK writes templates (readable, and a
    /// third smaller than two spaces for a large stack; a test holds the two to the same
    /// bytes), but with every value written compactly (a packed resource's properties
    /// copied from their packed text, a construct's from its typed properties), then laid
    /// out as that printer lays it out at its place ([`prettified`]): building no tree,
    /// and walking none that a check built (at N=20,000, writing those trees was 7% of
    /// `scale synth`'s time).
    fn write(&self, text: &mut Text) -> Result<(), serde_json::Error> {
        let mut top = text.object(0);
        text.entry(&mut top, "AWSTemplateFormatVersion", &"2010-09-09")?;
        text.entry(&mut top, "Description", &self.description)?;
        if !self.parameters.is_empty() {
            text.entry(&mut top, "Parameters", &Keyed(&self.parameters))?;
        }
        text.key(&mut top, "Resources")?;
        let mut resources = text.object(1);
        for resource in &self.resources {
            text.key(&mut resources, &resource.logical_id)?;
            let mut entry = text.object(2);
            text.entry(&mut entry, "Type", &*resource.type_name)?;
            text.key(&mut entry, "Properties")?;
            match &resource.properties {
                Properties::Packed(packed, at) if let Some(json) = packed.compact_at(*at) => {
                    prettified(&mut text.out, json, 3);
                }
                Properties::Typed(typed) => {
                    text.scratch.clear();
                    typed.properties.write(&mut text.scratch)?;
                    prettified(&mut text.out, &text.scratch, 3);
                }
                Properties::Packed(..) | Properties::Tree(_) | Properties::Written(_) => {
                    text.value(3, resource.properties())?;
                }
            }
            if !resource.depends_on.is_empty() {
                text.entry(&mut entry, "DependsOn", &resource.depends_on)?;
            }
            if let Some(keep) = resource.keep {
                text.entry(&mut entry, "DeletionPolicy", &keep)?;
                text.entry(&mut entry, "UpdateReplacePolicy", &keep)?;
            }
            if resource.origin.is_some() || !resource.metadata().is_empty() {
                text.entry(&mut entry, "Metadata", &resource.metadata_view())?;
            }
            text.end(entry);
        }
        text.end(resources);
        if !self.outputs.is_empty() {
            text.entry(&mut top, "Outputs", &Keyed(&self.outputs))?;
        }
        text.end(top);
        Ok(())
    }
}

/// Copies `json`, compact JSON as serde_json writes it, to `out` laid out as serde_json's
/// pretty printer with one space per level writes the same value `depth` levels down: a line for each entry
/// and item, indented one space per level, `": "` after a key, and `{}` and `[]` for what
/// is empty. Only the bytes between tokens change: a string is copied as it is (serde_json
/// escapes its line breaks and quotes).
fn prettified(out: &mut Vec<u8>, json: &[u8], depth: usize) {
    let line = |out: &mut Vec<u8>, level: usize| {
        out.push(b'\n');
        out.resize(out.len() + level, b' ');
    };
    let mut level = depth;
    let mut at = 0;
    while let Some(&b) = json.get(at) {
        at += 1;
        match b {
            b'"' => {
                // To the closing quote: the first that no backslash escapes (a backslash
                // and the byte after it are one escape).
                let start = at - 1;
                while let Some(next) =
                    memchr::memchr2(b'"', b'\\', json.get(at..).unwrap_or_default())
                {
                    let quote = json[at + next] == b'"';
                    at += next + if quote { 1 } else { 2 };
                    if quote {
                        break;
                    }
                }
                out.extend_from_slice(json.get(start..at).unwrap_or(&json[start..]));
            }
            b'{' | b'[' => {
                out.push(b);
                if matches!(json.get(at), Some(b'}' | b']')) {
                    out.push(json[at]);
                    at += 1;
                } else {
                    level += 1;
                    line(out, level);
                }
            }
            b'}' | b']' => {
                level = level.saturating_sub(1);
                line(out, level);
                out.push(b);
            }
            b',' => {
                out.push(b',');
                line(out, level);
            }
            b':' => out.extend_from_slice(b": "),
            _ => out.push(b),
        }
    }
}

/// A template's text being written as serde_json's pretty printer writes it (see
/// [`Template::write`]), and a buffer for the values written through it.
struct Text {
    out: Vec<u8>,
    scratch: Vec<u8>,
}

/// An object being written into a [`Text`]: how deep it is, and whether it has an entry.
struct Object {
    depth: usize,
    entries: bool,
}

impl Text {
    /// Begins an object `depth` levels down.
    fn object(&mut self, depth: usize) -> Object {
        self.out.push(b'{');
        Object {
            depth,
            entries: false,
        }
    }

    /// Writes the key of the next entry of `object`; its value comes next.
    fn key(&mut self, object: &mut Object, key: &str) -> Result<(), serde_json::Error> {
        self.out
            .extend_from_slice(if object.entries { b",\n" } else { b"\n" });
        object.entries = true;
        self.out.resize(self.out.len() + object.depth + 1, b' ');
        serde_json::to_writer(&mut self.out, key)?;
        self.out.extend_from_slice(b": ");
        Ok(())
    }

    /// Writes the next entry of `object`.
    fn entry(
        &mut self,
        object: &mut Object,
        key: &str,
        value: &(impl Serialize + ?Sized),
    ) -> Result<(), serde_json::Error> {
        self.key(object, key)?;
        self.value(object.depth + 1, value)
    }

    /// Writes `value` as it stands `depth` levels down: compactly, then laid out
    /// ([`prettified`]).
    fn value(
        &mut self,
        depth: usize,
        value: &(impl Serialize + ?Sized),
    ) -> Result<(), serde_json::Error> {
        self.scratch.clear();
        serde_json::to_writer(&mut self.scratch, value)?;
        prettified(&mut self.out, &self.scratch, depth);
        Ok(())
    }

    /// Ends `object`.
    fn end(&mut self, object: Object) {
        if object.entries {
            self.out.push(b'\n');
            self.out.resize(self.out.len() + object.depth, b' ');
        }
        self.out.push(b'}');
    }
}

impl Serialize for Template {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("AWSTemplateFormatVersion", "2010-09-09")?;
        map.serialize_entry("Description", &self.description)?;
        if !self.parameters.is_empty() {
            map.serialize_entry("Parameters", &Keyed(&self.parameters))?;
        }
        map.serialize_entry("Resources", &Keyed(&self.resources))?;
        if !self.outputs.is_empty() {
            map.serialize_entry("Outputs", &Keyed(&self.outputs))?;
        }
        map.end()
    }
}

/// A template entry that is written under its own name.
trait Entry {
    fn key(&self) -> &str;
}

impl Entry for Resource {
    fn key(&self) -> &str {
        &self.logical_id
    }
}

impl Entry for Output {
    fn key(&self) -> &str {
        &self.name
    }
}

/// Serializes a list as a map keyed by each entry's name, keeping the list's order.
struct Keyed<'a, T>(&'a [T]);

impl<T: Serialize + Entry> Serialize for Keyed<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for item in self.0 {
            map.serialize_entry(item.key(), item)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::BTreeMap;

    /// Typed properties of the tests.
    #[derive(Debug, Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Queue {
        queue_name: &'static str,
    }

    impl ResourceType for Queue {
        const TYPE: &'static str = "AWS::SQS::Queue";
    }

    fn queue(id: &str, queue_name: &'static str) -> Resource {
        Resource::new(id.to_owned(), Queue { queue_name }).unwrap()
    }

    #[test]
    fn resources_are_equal_when_all_they_write_is() {
        assert_eq!(queue("Q", "a"), queue("Q", "a"));
        // The same properties as a tree.
        let raw = Resource::raw(
            "Q".to_owned(),
            "AWS::SQS::Queue".to_owned(),
            json!({ "QueueName": "a" }),
        );
        assert_eq!(raw, queue("Q", "a"));
        assert_ne!(queue("Q", "a"), queue("Q", "b"));
        assert_ne!(queue("Q", "a"), queue("R", "a"));
        assert_ne!(queue("Q", "a").depends_on("R"), queue("Q", "a"));
        assert_ne!(queue("Q", "a").keep(Keep::Retain), queue("Q", "a"));
        let mut made = queue("Q", "a");
        made.set_origin(Arc::from("app/Q"), "SecureQueue");
        assert_ne!(made, queue("Q", "a"));
        // A metadata map made and left empty is no metadata, as written.
        let mut touched = queue("Q", "a");
        touched.metadata_mut();
        assert_eq!(touched, queue("Q", "a"));
        assert!(touched.metadata().is_empty() && queue("Q", "a").metadata().is_empty());
        touched
            .metadata_mut()
            .insert("checkov".to_owned(), json!({}));
        assert_ne!(touched, queue("Q", "a"));
    }

    /// serde_json's pretty printer with one space per level: what `Template::to_json` must
    /// write the same bytes as.
    fn pretty_serializer(
        out: &mut Vec<u8>,
    ) -> serde_json::Serializer<&mut Vec<u8>, serde_json::ser::PrettyFormatter<'static>> {
        serde_json::Serializer::with_formatter(
            out,
            serde_json::ser::PrettyFormatter::with_indent(b" "),
        )
    }

    /// Copies `json`, written by `pretty_serializer` from the top level, to `out` as that
    /// serializer writes it `depth` levels down: each line after the first indented `depth`
    /// spaces more. (A string of JSON holds no line break: serde_json writes it `\n`.)
    fn indented(out: &mut Vec<u8>, json: &[u8], depth: usize) {
        let mut lines = json.split(|&b| b == b'\n');
        if let Some(first) = lines.next() {
            out.extend_from_slice(first);
        }
        for line in lines {
            out.push(b'\n');
            out.resize(out.len() + depth, b' ');
            out.extend_from_slice(line);
        }
    }

    /// The template as serde writes it through the pretty serializer: what
    /// `Template::to_json` must write, however the properties are held.
    fn serialized(template: &Template) -> String {
        let mut out = Vec::new();
        template
            .serialize(&mut pretty_serializer(&mut out))
            .unwrap();
        out.push(b'\n');
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_template_is_written_as_serde_writes_it_however_its_properties_are_held() {
        let template = || {
            let mut made = queue("Q", "a \"quoted\" {name}, [1]: \\ é").keep(Keep::Retain);
            made.set_origin(Arc::from("app/Q"), "SecureQueue");
            made.metadata_mut()
                .insert("checkov".to_owned(), json!({ "skip": [], "note": {} }));
            let raw = Resource::raw(
                "R".to_owned(),
                "Custom::Thing".to_owned(),
                json!({ "Empty": {}, "None": [], "Nested": [[{}], { "A": [1.5, -2, null, true] }] }),
            )
            .depends_on("Q")
            .depends_on("E");
            let empty = Resource::raw("E".to_owned(), "AWS::SQS::Queue".to_owned(), json!({}));
            Template {
                description: "every part".to_owned(),
                parameters: vec![Parameter {
                    name: "P".to_owned(),
                    stack: "other".to_owned(),
                    region: Some("us-west-2".to_owned()),
                }],
                resources: vec![made, raw, empty],
                outputs: vec![Output {
                    name: "O".to_owned(),
                    value: Expr::lit("v"),
                    description: Some("d".to_owned()),
                    export: Some("app-O".to_owned()),
                }],
            }
        };
        let expected = serialized(&template());
        assert!(expected.contains("\"Empty\": {}") && expected.contains("\"None\": []"));
        // Typed and trees, as rendered.
        assert_eq!(template().to_json().unwrap(), expected);
        // With the trees built beside the typed properties.
        let built = template();
        built.build_trees();
        assert_eq!(built.to_json().unwrap(), expected);
        // Packed, then with the trees unpacked for the checks.
        let mut packed = template();
        packed.pack().unwrap();
        assert_eq!(packed.to_json().unwrap(), expected);
        packed.build_trees();
        assert_eq!(packed.to_json().unwrap(), expected);
        // Nothing but its header, and a template with neither parameters nor outputs.
        let bare = Template {
            description: String::new(),
            parameters: Vec::new(),
            resources: Vec::new(),
            outputs: Vec::new(),
        };
        assert_eq!(bare.to_json().unwrap(), serialized(&bare));
        assert!(bare.to_json().unwrap().contains("\"Resources\": {}"));
    }

    #[test]
    fn trees_built_beside_the_typed_properties_go_and_are_read_again() {
        let raw = Resource::raw("R".to_owned(), "AWS::SQS::Queue".to_owned(), json!({}));
        let mut template = Template {
            description: String::new(),
            parameters: Vec::new(),
            resources: vec![queue("Q", "a"), raw],
            outputs: Vec::new(),
        };
        assert_eq!(template.held(), ["typed", "tree"]);
        template.build_trees();
        assert_eq!(template.held(), ["typed and tree", "tree"]);
        template.drop_trees();
        assert_eq!(template.held(), ["typed", "tree"]);
        assert_eq!(
            template.resources()[0].properties(),
            &json!({ "QueueName": "a" })
        );
        assert_eq!(template.held(), ["typed and tree", "tree"]);
    }

    /// Typed properties of the tests with what JSON writes hard: floats, escapes, nesting.
    #[derive(Debug, Clone, Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Alarm {
        alarm_name: String,
        threshold: f64,
        dimensions: Vec<BTreeMap<String, String>>,
        period: Option<u64>,
    }

    impl ResourceType for Alarm {
        const TYPE: &'static str = "AWS::CloudWatch::Alarm";
    }

    fn template_of(resources: Vec<Resource>) -> Template {
        Template {
            description: "packed".to_owned(),
            parameters: Vec::new(),
            resources,
            outputs: Vec::new(),
        }
    }

    #[test]
    fn packed_properties_are_read_and_written_as_before_and_their_trees_go() {
        let alarm = Alarm {
            alarm_name: "a \"quoted\" \u{7f} é name\n".to_owned(),
            threshold: 0.1 + 0.2,
            dimensions: vec![BTreeMap::from([("K".to_owned(), "V".to_owned())])],
            period: None,
        };
        let raw = Resource::raw(
            "R".to_owned(),
            "AWS::SQS::Queue".to_owned(),
            json!({"A": [1]}),
        );
        let resources = || {
            vec![
                queue("Q", "a"),
                raw.clone(),
                Resource::new("Alarm".to_owned(), alarm.clone()).unwrap(),
            ]
        };
        let unpacked = template_of(resources());
        let mut template = template_of(resources());
        template.pack().unwrap();
        assert_eq!(template.held(), ["packed"; 3]);
        assert!(!template.holds_trees());
        // One resource read parses that resource only.
        assert_eq!(
            template.resources()[1].properties(),
            unpacked.resources()[1].properties()
        );
        assert_eq!(template.held(), ["packed", "packed and tree", "packed"]);
        assert!(template.holds_trees());
        // Writing the template builds no tree: the others are written from the JSON.
        assert_eq!(template.to_json().unwrap(), unpacked.to_json().unwrap());
        assert_eq!(template.held(), ["packed", "packed and tree", "packed"]);
        template.drop_trees();
        assert_eq!(template.held(), ["packed"; 3]);
        assert!(!template.holds_trees());
        for (packed, typed) in template.resources().iter().zip(unpacked.resources()) {
            assert_eq!(
                packed.properties(),
                typed.properties(),
                "{}",
                typed.logical_id()
            );
        }
        assert_eq!(template, unpacked);
        // A template cloned keeps the trees it shared; the one that drops them builds them
        // again.
        template.build_trees();
        let clone = template.clone();
        template.drop_trees();
        assert_eq!(clone.held(), ["packed and tree"; 3]);
        assert_eq!(template.held(), ["packed"; 3]);
        assert_eq!(clone, template);
    }

    /// A copy with trees of its own builds them apart from the template it copies, which
    /// holds none after the copy has read every resource, and reads and writes the same.
    #[test]
    fn a_copy_with_trees_of_its_own_builds_them_apart() {
        let resources = || {
            vec![
                queue("Q", "a"),
                Resource::raw(
                    "R".to_owned(),
                    "AWS::SQS::Queue".to_owned(),
                    json!({"A": [1]}),
                ),
                queue("P", "b"),
            ]
        };
        let unpacked = template_of(resources());
        let mut template = template_of(resources());
        template.pack().unwrap();
        // One resource of the template read before the copy: the copy does not share it.
        let _ = template.resources()[0].properties();
        assert_eq!(template.held(), ["packed and tree", "packed", "packed"]);
        let copy = template.with_trees_of_its_own();
        assert_eq!(copy.held(), ["packed"; 3]);
        copy.build_trees();
        assert_eq!(copy.held(), ["packed and tree"; 3]);
        assert_eq!(template.held(), ["packed and tree", "packed", "packed"]);
        // Its resources still share one packed text, and the trees built from it.
        let shared = |t: &Template| match (&t.resources[0].properties, &t.resources[2].properties) {
            (Properties::Packed(a, _), Properties::Packed(b, _)) => Arc::ptr_eq(a, b),
            _ => false,
        };
        assert!(shared(&copy));
        assert_eq!(copy, unpacked);
        assert_eq!(copy.to_json().unwrap(), unpacked.to_json().unwrap());
        template.drop_trees();
        assert!(!template.holds_trees());
        assert_eq!(copy.held(), ["packed and tree"; 3]);
    }

    /// The tree of packed properties is what the program wrote, even where serde_json would
    /// read something else (see [`tree`]): a raw resource whose properties hold serde_json's
    /// raw value key reads back that key, as the template writes it, in a low-memory synth
    /// as with more memory.
    #[test]
    fn packed_properties_read_back_serde_json_s_raw_value_key_as_a_key() {
        let properties = json!({
            "VersioningConfiguration": {"$serde_json::private::RawValue": "{\"Status\": \"Enabled\"}"},
            "Tags": [{"$serde_json::private::RawValue": "1"}],
        });
        let raw = || {
            Resource::raw(
                "B".to_owned(),
                "AWS::S3::Bucket".to_owned(),
                properties.clone(),
            )
        };
        let mut template = template_of(vec![raw()]);
        template.pack().unwrap();
        assert_eq!(template.held(), ["packed"]);
        assert_eq!(template.resources()[0].properties(), &properties);
        assert_eq!(
            template.to_json().unwrap(),
            template_of(vec![raw()]).to_json().unwrap()
        );
    }

    /// Any JSON value: strings with quotes, backslashes, line breaks, control characters
    /// and brackets in them, keys alike, floats, empty and nested lists and objects.
    fn any_json() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
        use proptest::prelude::*;
        let text = "(\\PC|[\"\\\\{}\\[\\],: \n\t\u{1}])*";
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            any::<u64>().prop_map(|n| json!(n)),
            proptest::num::f64::NORMAL.prop_map(|f| json!(f)),
            text.prop_map(serde_json::Value::String),
        ];
        leaf.prop_recursive(4, 32, 4, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
                proptest::collection::vec((text, inner), 0..4).prop_map(|entries| {
                    serde_json::Value::Object(entries.into_iter().collect())
                }),
            ]
        })
    }

    proptest::proptest! {
        /// Compact JSON laid out by `prettified` is what serde_json's pretty serializer writes
        /// of the same value, at the top level and further down.
        #[test]
        fn prettified_json_is_what_the_pretty_serializer_writes(value in any_json(), depth in 0..4usize) {
            let compact = serde_json::to_vec(&value).unwrap();
            let mut pretty = Vec::new();
            value.serialize(&mut pretty_serializer(&mut pretty)).unwrap();
            let mut expected = Vec::new();
            indented(&mut expected, &pretty, depth);
            let mut laid_out = Vec::new();
            prettified(&mut laid_out, &compact, depth);
            proptest::prop_assert_eq!(
                String::from_utf8(laid_out).unwrap(),
                String::from_utf8(expected).unwrap()
            );
        }

        /// Packed, any properties read back and write the same text as their typed form:
        /// every float (serde_json parses back the shortest text it writes for one), every
        /// string, a number up to 64 bits.
        #[test]
        fn packing_any_properties_keeps_what_they_write(
            name in "\\PC*",
            threshold in proptest::num::f64::NORMAL
                | proptest::num::f64::SUBNORMAL
                | proptest::num::f64::ZERO
                | proptest::num::f64::NEGATIVE,
            dimensions in proptest::collection::vec(
                proptest::collection::btree_map("\\PC{0,4}", "\\PC{0,4}", 0..3), 0..3),
            period in proptest::option::of(proptest::num::u64::ANY),
        ) {
            let alarm = || Alarm {
                alarm_name: name.clone(),
                threshold,
                dimensions: dimensions.clone(),
                period,
            };
            let typed = template_of(vec![
                Resource::new("A".to_owned(), alarm()).unwrap(),
                queue("Q", "q"),
            ]);
            let mut packed = template_of(vec![
                Resource::new("A".to_owned(), alarm()).unwrap(),
                queue("Q", "q"),
            ]);
            packed.pack().unwrap();
            // Read without a tree: each property's compact length, and the template
            // written straight from the packed text.
            for key in ["AlarmName", "Threshold", "Dimensions", "Period", "Missing"] {
                proptest::prop_assert_eq!(
                    packed.resources()[0].compact_len(key),
                    typed.resources()[0].compact_len(key),
                    "{}", key
                );
            }
            proptest::prop_assert_eq!(packed.to_json().unwrap(), typed.to_json().unwrap());
            proptest::prop_assert_eq!(typed.to_json().unwrap(), serialized(&typed));
            let Properties::Packed(unpacked, _) = &packed.resources()[0].properties else {
                unreachable!("packed")
            };
            proptest::prop_assert!(!unpacked.holds_tree(0) && !unpacked.holds_tree(1));
            // And from the trees.
            proptest::prop_assert_eq!(
                packed.resources()[0].properties(),
                typed.resources()[0].properties()
            );
            packed.build_trees();
            proptest::prop_assert_eq!(packed.to_json().unwrap(), typed.to_json().unwrap());
            proptest::prop_assert_eq!(
                packed.resources()[0].compact_len("Dimensions"),
                typed.resources()[0].compact_len("Dimensions")
            );
        }
    }
}

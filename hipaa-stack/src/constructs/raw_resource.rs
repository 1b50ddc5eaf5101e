//! [`RawResource`]: the escape hatch, a CloudFormation resource of any type.

use serde_json::{Map, Value};

use crate::app::node::IntoNode;
use crate::app::node::{Node, RenderCx, Used, resolve_target};
use crate::app::{Attr, Handle, Name, Reference, Target};
use crate::cfn::{Keep, Resource};
use crate::constructs::Construct;
use crate::error::shown;

/// A CloudFormation resource of any type, for what hipaa-stack has no construct for yet.
///
/// Nothing about it is checked at compile time. Its template is checked by every rule of
/// the rule engine like any other resource, so a raw bucket without encryption still fails
/// `synth`, and the report lists it as "not verified at compile time". Prefer a construct.
///
/// ```
/// use hipaa_stack::prelude::*;
/// let app = App::new("clinic");
/// let stack = app.stack("clinic")?;
/// let key = stack.add(KmsKey::new("PhiKey"))?;
/// let queue = stack.add(
///     RawResource::new("Jobs", "AWS::SQS::Queue")
///         .property("KmsMasterKeyId", key.arn())
///         .property("MessageRetentionPeriod", 1_209_600),
/// )?;
/// stack.output("JobsQueue", queue.reference())?;
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct RawResource {
    id: String,
    type_name: String,
    properties: Vec<(String, RawValue)>,
    depends_on: Vec<Target>,
    keep: Option<Keep>,
}

/// A value of a raw resource's property: JSON, or a typed reference to another construct.
#[derive(Debug, Clone)]
pub enum RawValue {
    /// A literal.
    Json(Value),
    /// A reference, resolved like any other (`Ref`, `Fn::GetAtt`, or an import).
    Reference(RawReference),
}

/// A reference inside a raw resource.
#[derive(Debug, Clone, Copy)]
pub struct RawReference(Target);

impl<T> From<Reference<T>> for RawValue {
    fn from(r: Reference<T>) -> Self {
        RawValue::Reference(RawReference(r.target))
    }
}

macro_rules! json_values {
    ($($t:ty),*) => { $(impl From<$t> for RawValue {
        fn from(v: $t) -> Self { RawValue::Json(Value::from(v)) }
    })* };
}
json_values!(&str, String, bool, i64, u32, i32, u64);

impl From<Value> for RawValue {
    fn from(v: Value) -> Self {
        RawValue::Json(v)
    }
}

impl RawResource {
    /// A resource with the construct id `id` (its logical id) and the CloudFormation type
    /// `type_name`, such as `AWS::SQS::Queue`.
    pub fn new(id: impl Into<String>, type_name: impl Into<String>) -> Self {
        RawResource {
            id: id.into(),
            type_name: type_name.into(),
            properties: Vec::new(),
            depends_on: Vec::new(),
            keep: None,
        }
    }

    /// Sets a property. `path` is a property name (`KmsMasterKeyId`) or a JSON pointer below
    /// `Properties` (`/VersioningConfiguration/Status`, `/Tags/0/Key`); objects and arrays
    /// on the way are created.
    pub fn property(mut self, path: &str, value: impl Into<RawValue>) -> Self {
        self.properties.push((path.to_owned(), value.into()));
        self
    }

    /// Creates this resource after the resources of `other` (same stack; across stacks the
    /// stack order already does it).
    pub fn depends_on<C>(mut self, other: &Handle<C>) -> Self {
        self.depends_on
            .push(other.attr_ref::<Name>("", Attr::Ref).target);
        self
    }

    /// Keeps the resource's store when it leaves the stack or is replaced
    /// (`DeletionPolicy` and `UpdateReplacePolicy`).
    pub fn keep(mut self, keep: Keep) -> Self {
        self.keep = Some(keep);
        self
    }
}

impl Handle<RawResource> {
    /// `Ref` of the resource.
    pub fn reference(&self) -> Reference<Name> {
        self.attr_ref("", Attr::Ref)
    }

    /// `Fn::GetAtt` of an attribute of the resource, such as `Arn`.
    pub fn attribute(&self, name: &'static str) -> Reference<Name> {
        self.attr_ref("", Attr::Get(name))
    }
}

impl Construct<RawResource> for RawResource {}

impl IntoNode<RawResource> for RawResource {
    fn into_node(self) -> Box<dyn Node + Send + Sync> {
        Box::new(self)
    }
}

/// The largest array index a property path may name: CloudFormation has no list that long
/// (a template is at most 1 MB), and a path such as `/Tags/4000000000/Key` must not make
/// the program allocate billions of entries.
const MAX_ARRAY_INDEX: usize = 1024;

/// The deepest nesting of objects and arrays a property value may have. CloudFormation's
/// own resource schemas nest a few levels (with intrinsics, a dozen); a value nested
/// thousands deep would overflow the stack of every recursive reader of the template (the
/// rules, the resolver, serialization) and end the program instead of returning an error.
const MAX_DEPTH: usize = 64;

/// How deeply `value` nests objects and arrays (a string is 0), counted without recursion
/// and stopping past `limit`.
fn depth(value: &Value, limit: usize) -> usize {
    let mut deepest = 0;
    let mut pending: Vec<(&Value, usize)> = vec![(value, 0)];
    while let Some((v, d)) = pending.pop() {
        let children: Box<dyn Iterator<Item = &Value>> = match v {
            Value::Array(items) => Box::new(items.iter()),
            Value::Object(map) => Box::new(map.values()),
            _ => continue,
        };
        deepest = deepest.max(d + 1);
        if deepest > limit {
            return deepest;
        }
        pending.extend(children.map(|c| (c, d + 1)));
    }
    deepest
}

/// Checks a property path: a property name, or a JSON pointer (RFC 6901) below
/// `Properties` whose segments are not empty and whose `~` escapes are `~0` or `~1`.
/// The property names of AWS's resource types are letters and digits; a custom resource's
/// (and a registry type's outside `AWS::`) may be any non-empty text.
fn check_path(path: &str, custom: bool) -> Result<(), String> {
    const HOW: &str = "give a property name (`KmsMasterKeyId`) or a JSON pointer below `Properties` (`/VersioningConfiguration/Status`)";
    let segments: Vec<&str> = match path.strip_prefix('/') {
        Some(pointer) => pointer.split('/').collect(),
        None => vec![path],
    };
    if segments.iter().any(|s| s.is_empty()) {
        return Err(format!(
            "the property path `{}` has an empty name in it; {HOW}",
            shown(path)
        ));
    }
    if path.starts_with('/') {
        for segment in &segments {
            let mut rest = segment.split('~').skip(1);
            if rest.any(|after| !after.starts_with(['0', '1'])) {
                return Err(format!(
                    "the property path `{}` has a `~` that is not `~0` (for `~`) or `~1` (for `/`); {HOW}",
                    shown(path)
                ));
            }
        }
    }
    let first = segments[0];
    // An intrinsic function may stand in for the properties, such as `Fn::Transform`
    // (AWS::Include) or `Fn::If`.
    let name = first.strip_prefix("Fn::").unwrap_or(first);
    if !custom && !name.bytes().all(|b| b.is_ascii_alphanumeric()) {
        let hint = if path.starts_with('/') {
            String::new()
        } else if first.contains('/') || first.contains('.') {
            format!(
                "; to set a value inside a property, write a JSON pointer that starts with `/`, like `/{}`",
                shown(&first.replace('.', "/"))
            )
        } else {
            String::new()
        };
        return Err(format!(
            "the property path `{}` does not start with a property name: CloudFormation's property names are ASCII letters and digits{hint}",
            shown(path)
        ));
    }
    Ok(())
}

/// Checks the property names as a whole: an intrinsic function may stand in for the
/// properties only as `Fn::If` (a branch of properties per condition), alone, or
/// `Fn::Transform` (`AWS::Include`, whose key "is a placeholder where snippets are
/// injected", beside other properties or not; the rules refuse it by `U2`). CloudFormation's
/// Template Reference writes an intrinsic function as an object of its one key and does not
/// say what it makes of `Fn::If` beside other properties, nor of another function
/// (`Fn::Select` of a list of property sets) in place of the properties: the rules could
/// not read what is deployed.
fn check_whole_properties(properties: &[(String, RawValue)]) -> Result<(), String> {
    let first = |path: &str| -> String {
        let segment = match path.strip_prefix('/') {
            Some(pointer) => pointer.split('/').next().unwrap_or_default(),
            None => path,
        };
        segment.replace("~1", "/").replace("~0", "~")
    };
    let names: Vec<String> = properties.iter().map(|(p, _)| first(p)).collect();
    let Some(function) = names
        .iter()
        .find(|n| (n.starts_with("Fn::") || *n == "Ref") && *n != "Fn::Transform")
    else {
        return Ok(());
    };
    if function != "Fn::If" {
        return Err(format!(
            "the property `{}` puts an intrinsic function in place of the properties; only `Fn::If` and `Fn::Transform` may stand for them",
            shown(function)
        ));
    }
    if let Some(other) = names.iter().find(|n| *n != function) {
        return Err(format!(
            "`{function}` stands for all the properties, so the property `{}` cannot be set beside it; set it inside each branch",
            shown(other)
        ));
    }
    Ok(())
}

/// Sets `value` at a JSON pointer below `root`, creating objects (and arrays, for numeric
/// segments) on the way.
fn set_pointer(root: &mut Value, path: &str, value: Value) {
    let segments: Vec<String> = if let Some(pointer) = path.strip_prefix('/') {
        pointer
            .split('/')
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect()
    } else {
        vec![path.to_owned()]
    };
    let mut current = root;
    for (i, segment) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        let next_is_index = segments
            .get(i + 1)
            .is_some_and(|s| s.parse::<usize>().is_ok());
        let fresh = || {
            if next_is_index {
                Value::Array(Vec::new())
            } else {
                Value::Object(Map::new())
            }
        };
        current = match current {
            Value::Array(items) => {
                // Paths were checked when the resource was added; clamp all the same.
                let index = segment
                    .parse::<usize>()
                    .unwrap_or(items.len())
                    .min(MAX_ARRAY_INDEX);
                while items.len() <= index {
                    items.push(Value::Null);
                }
                if last {
                    items[index] = value;
                    return;
                }
                if items[index].is_null() {
                    items[index] = fresh();
                }
                &mut items[index]
            }
            other => {
                if !other.is_object() {
                    *other = Value::Object(Map::new());
                }
                let Value::Object(map) = other else { return };
                if last {
                    map.insert(segment.clone(), value);
                    return;
                }
                map.entry(segment.clone()).or_insert_with(fresh)
            }
        };
    }
}

impl Node for RawResource {
    fn kind(&self) -> &'static str {
        "RawResource"
    }

    fn id(&self) -> &str {
        &self.id
    }

    fn parts(&self) -> &'static [&'static str] {
        &[""]
    }

    fn resource_type(&self) -> Option<&str> {
        Some(&self.type_name)
    }

    fn uses(&self) -> Vec<Used> {
        let refs = self.properties.iter().filter_map(|(_, v)| match v {
            RawValue::Reference(RawReference(t)) => Some(*t),
            RawValue::Json(_) => None,
        });
        refs.chain(self.depends_on.iter().copied())
            .map(|t| Used {
                app: t.app,
                what: "construct",
            })
            .collect()
    }

    fn check(&self) -> Result<(), String> {
        // A custom resource's properties, and those of a type of the registry outside AWS's
        // namespace, are named by whoever wrote them.
        let custom = self.type_name.starts_with("Custom::")
            || self.type_name == "AWS::CloudFormation::CustomResource"
            || !self.type_name.starts_with("AWS::");
        for (path, _) in &self.properties {
            check_path(path, custom)?;
        }
        check_whole_properties(&self.properties)?;
        for (path, value) in &self.properties {
            let nested = path
                .strip_prefix('/')
                .map_or(0, |p| p.split('/').count() - 1);
            if let RawValue::Json(v) = value
                && nested + depth(v, MAX_DEPTH) > MAX_DEPTH
            {
                return Err(format!(
                    "the property `{path}` nests objects and arrays more than {MAX_DEPTH} levels deep; no CloudFormation property needs that many"
                ));
            }
        }
        for (path, _) in &self.properties {
            let too_far = path
                .strip_prefix('/')
                .into_iter()
                .flat_map(|pointer| pointer.split('/'))
                .filter_map(|segment| segment.parse::<u128>().ok())
                .find(|&index| index > MAX_ARRAY_INDEX as u128);
            if let Some(index) = too_far {
                return Err(format!(
                    "the property path `{path}` names the array index {index}; give an index of at most {MAX_ARRAY_INDEX}"
                ));
            }
        }
        let parts: Vec<&str> = self.type_name.split("::").collect();
        let well_formed = match parts.as_slice() {
            ["AWS", service, kind] => [service, kind]
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric())),
            // "Custom resource type names must begin with `Custom::` and can include
            // alphanumeric characters and the following characters: `_@-`", up to 60
            // characters (CloudFormation Template Reference,
            // "AWS::CloudFormation::CustomResource").
            ["Custom", name] => {
                !name.is_empty()
                    && self.type_name.len() <= 60
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"_@-".contains(&b))
            }
            _ => false,
        };
        if well_formed {
            Ok(())
        } else {
            Err(format!(
                "`{}` is not a CloudFormation resource type; write it like `AWS::SQS::Queue`",
                shown(&self.type_name)
            ))
        }
    }

    fn render(&self, cx: &mut RenderCx<'_>) -> Result<Vec<Resource>, serde_json::Error> {
        let mut properties = Value::Object(Map::new());
        for (path, value) in &self.properties {
            let value =
                match value {
                    RawValue::Json(v) => v.clone(),
                    RawValue::Reference(RawReference(target)) => serde_json::to_value(
                        resolve_target(cx.arena, cx.stack, *target, cx.construct, cx.cross),
                    )?,
                };
            set_pointer(&mut properties, path, value);
        }
        let mut resource = Resource::raw(cx.logical(""), self.type_name.clone(), properties);
        for target in &self.depends_on {
            let Some(other) = cx.arena.constructs.get(target.construct as usize) else {
                continue;
            };
            if other.stack == cx.stack {
                // Wait for every resource the other construct renders, whatever its parts.
                for r in crate::constructs::security_group::rendered(
                    cx.arena,
                    target.construct,
                    cx.stack,
                ) {
                    resource = resource.depends_on(r.logical_id());
                }
            }
        }
        if let Some(keep) = self.keep {
            resource = resource.keep(keep);
        }
        Ok(vec![resource])
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::prelude::*;
    use crate::testing::resource;

    #[test]
    fn malformed_property_paths_are_errors_naming_the_construct() {
        let app = App::new("test");
        let s = app.stack("t").unwrap();
        for (path, says) in [
            ("", "has an empty name"),
            ("/", "has an empty name"),
            ("/Tags//Key", "has an empty name"),
            ("/Tags/0/", "has an empty name"),
            ("/Tags/~2", "`~0` (for `~`) or `~1` (for `/`)"),
            ("/Tags/a~", "`~0` (for `~`) or `~1` (for `/`)"),
            (
                "Tags/0/Key",
                "write a JSON pointer that starts with `/`, like `/Tags/0/Key`",
            ),
            ("Versioning.Status", "like `/Versioning/Status`"),
            ("/Kms-Key", "ASCII letters and digits"),
            ("\u{1b}[31mRed", "ASCII letters and digits"),
        ] {
            let error = s
                .add(RawResource::new("Topic", "AWS::SNS::Topic").property(path, "x"))
                .unwrap_err()
                .to_string();
            assert!(
                error.starts_with("construct `t/Topic` is invalid"),
                "{path:?}: {error}"
            );
            assert!(error.contains(says), "{path:?}: {error}");
            assert!(
                !error.contains('\u{1b}'),
                "{path:?}: the error holds a raw escape: {error}"
            );
        }
        // Well-formed paths, escapes and a custom resource's own property names pass.
        s.add(
            RawResource::new("Topic", "AWS::SNS::Topic")
                .property("DisplayName", "x")
                .property("/Tags/0/Key", "a~b")
                .property("/Tags/0/Value", "x"),
        )
        .unwrap();
        // An intrinsic function that stands for the properties: `Fn::Transform` beside
        // them, `Fn::If` alone.
        s.add(
            RawResource::new("Included", "AWS::SNS::Topic")
                .property("DisplayName", "x")
                .property("Fn::Transform", json!({ "Name": "AWS::Include" })),
        )
        .unwrap();
        s.add(
            RawResource::new("Branched", "AWS::SNS::Topic")
                .property("/Fn::If/0", "Big")
                .property("/Fn::If/1", json!({ "DisplayName": "a" }))
                .property("/Fn::If/2", json!({ "DisplayName": "b" })),
        )
        .unwrap();
        s.add(
            RawResource::new("Seed", "Custom::Seed")
                .property(
                    "ServiceToken",
                    "arn:aws:lambda:us-east-1:111111111111:function:seed",
                )
                .property("/table-name/a~1b~0c", "x"),
        )
        .unwrap();
    }

    #[test]
    fn only_fn_if_alone_or_fn_transform_stands_for_the_properties() {
        let app = App::new("test");
        let s = app.stack("t").unwrap();
        for (raw, says) in [
            (
                RawResource::new("Topic", "AWS::SNS::Topic")
                    .property("/Fn::If/0", "Big")
                    .property("DisplayName", "x"),
                "cannot be set beside it",
            ),
            (
                RawResource::new("Topic", "AWS::SNS::Topic")
                    .property("Fn::Select", json!([0, [{ "DisplayName": "x" }]])),
                "only `Fn::If` and `Fn::Transform` may stand for them",
            ),
            (
                RawResource::new("Seed", "Custom::Seed")
                    .property("ServiceToken", "arn:aws:sns:us-east-1:111111111111:t")
                    .property("Ref", "x"),
                "only `Fn::If` and `Fn::Transform` may stand for them",
            ),
        ] {
            let error = s.add(raw).unwrap_err().to_string();
            assert!(error.starts_with("construct `t/"), "{error}");
            assert!(error.contains(says), "{error}");
        }
    }

    #[test]
    fn a_custom_resource_type_is_named_as_cloudformation_names_one() {
        let app = App::new("test");
        let s = app.stack("t").unwrap();
        for t in [
            "Custom::",
            "Custom::a b",
            "Custom::Seed\u{0}",
            "Custom::Seed.v2",
            "Custom::Säd",
            "Custom::Seed::Inner",
            &format!("Custom::{}", "x".repeat(53)),
        ] {
            let error = s.add(RawResource::new("Seed", t)).unwrap_err().to_string();
            assert!(
                error.contains("is not a CloudFormation resource type"),
                "{t}: {error}"
            );
        }
        s.add(RawResource::new(
            "Seed",
            format!("Custom::{}", "x_@-9".repeat(10) + "ab"),
        ))
        .unwrap();
    }

    #[test]
    fn a_long_resource_type_is_shown_cut_short() {
        let app = App::new("test");
        let s = app.stack("t").unwrap();
        let error = s
            .add(RawResource::new("Raw", "x".repeat(5000)))
            .unwrap_err()
            .to_string();
        assert!(error.starts_with("construct `t/Raw` is invalid"), "{error}");
        assert!(error.len() < 400, "{error}");
    }

    #[test]
    fn depends_on_waits_for_every_resource_the_other_construct_renders() {
        let app = App::new("test");
        let s = app.stack("t").unwrap();
        let key = s.add(KmsKey::new("PhiKey")).unwrap();
        let logs = s.add(AccessLogBucket::new("AccessLogs")).unwrap();
        let records = s
            .add(
                SecureBucket::new("Records")
                    .encryption(&key)
                    .access_logs(&logs),
            )
            .unwrap();
        s.add(
            RawResource::new("Queue", "AWS::SQS::Queue")
                .property("KmsMasterKeyId", key.arn())
                .property("/Tags/0/Key", "bucket")
                .property("/Tags/0/Value", records.name())
                .depends_on(&records),
        )
        .unwrap();
        // The raw queue has no dead-letter queue and no policy (rules A2D, A2T): read the
        // template of `check`, which keeps the findings.
        let assembly = app.check().unwrap();
        let t: serde_json::Value =
            crate::cfn::tree::from_str(assembly.stack("t").unwrap().template_json()).unwrap();
        let queue = resource(&t, "Queue");
        assert_eq!(queue["DependsOn"], json!(["Records", "RecordsPolicy"]));
        assert_eq!(
            queue["Properties"]["Tags"],
            json!([{ "Key": "bucket", "Value": { "Ref": "Records" } }])
        );
        assert_eq!(
            queue["Properties"]["KmsMasterKeyId"],
            json!({ "Fn::GetAtt": ["PhiKey", "Arn"] })
        );
        assert_eq!(queue["Metadata"]["hipaa-stack"]["construct"], "RawResource");
    }

    #[test]
    fn a_huge_array_index_in_a_path_is_refused_without_allocating() {
        let app = App::new("test");
        let s = app.stack("t").unwrap();
        for path in [
            "/Tags/4000000000/Key",
            "/A/18446744073709551616/B",
            "/Tags/1025",
        ] {
            let err = s
                .add(RawResource::new("Queue", "AWS::SQS::Queue").property(path, "x"))
                .unwrap_err()
                .to_string();
            assert!(err.contains("names the array index"), "{path}: {err}");
        }
        s.add(RawResource::new("Queue", "AWS::SQS::Queue").property("/Tags/1024/Key", "x"))
            .unwrap();
    }

    #[test]
    fn a_value_nested_past_the_limit_is_refused_before_anything_reads_it() {
        let nested = |levels: usize| {
            let mut v = json!("x");
            for _ in 0..levels {
                v = json!([v]);
            }
            v
        };
        let app = App::new("test");
        let s = app.stack("t").unwrap();
        let err = s
            .add(RawResource::new("Deep", "AWS::SQS::Queue").property("Tags", nested(65)))
            .unwrap_err()
            .to_string();
        assert!(err.contains("more than 64 levels deep"), "{err}");
        // The levels of the path count too.
        let err = s
            .add(RawResource::new("Deep", "AWS::SQS::Queue").property("/A/B", nested(64)))
            .unwrap_err()
            .to_string();
        assert!(err.contains("more than 64 levels deep"), "{err}");
        s.add(RawResource::new("Deep", "AWS::SQS::Queue").property("/A/B", nested(63)))
            .unwrap();
        assert_eq!(super::depth(&nested(3), 64), 3);
        assert_eq!(super::depth(&json!({"a": [1, {"b": {}}], "c": 2}), 64), 4);
        assert_eq!(super::depth(&json!("x"), 64), 0);
        assert_eq!(super::depth(&nested(100), 10), 11);
    }

    #[test]
    fn a_malformed_type_is_refused_naming_the_construct() {
        let app = App::new("test");
        let s = app.stack("t").unwrap();
        let err = s
            .add(RawResource::new("Thing", "SQS Queue"))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "construct `t/Thing` is invalid: `SQS Queue` is not a CloudFormation resource type; write it like `AWS::SQS::Queue`"
        );
    }
}

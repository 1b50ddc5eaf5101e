//! Helpers for the unit tests: build a small app, synthesize it, read properties back.

use serde_json::Value;

/// The status of a rule on a resource, waivers and the rules as types, for the constructs'
/// tests (which import nothing from the compliance layer themselves).
pub(crate) use crate::compliance::{Status, Waiver, rule};

use crate::app::{App, Handle, Stack};
use crate::constructs::{AccessLogBucket, BackupPlan, BackupVault, KmsKey, SecureBucket};

/// The status of `rule` on the resource `logical_id` of a checked app (of the first stack
/// that holds one), if the rule ran on it.
pub(crate) fn status_of(
    assembly: &crate::compliance::Assembly,
    rule: &str,
    logical_id: &str,
) -> Option<Status> {
    assembly
        .evaluation()
        .results
        .iter()
        .find(|c| c.rule == rule && &*c.logical_id == logical_id)
        .map(|c| c.status.clone())
}

/// The evaluation of hand-written templates, one per stack, on 2026-12-01.
pub(crate) fn evaluate(stacks: &[(&str, &crate::cfn::Template)]) -> crate::compliance::Evaluation {
    evaluate_in(stacks, &[])
}

/// [`evaluate`] of stacks pinned to `regions` (by position; `None`, or no entry, for the
/// deploy region): layouts that synth refuses, for the rules that read them all the same.
pub(crate) fn evaluate_in(
    stacks: &[(&str, &crate::cfn::Template)],
    regions: &[Option<String>],
) -> crate::compliance::Evaluation {
    evaluate_placed(stacks, regions, &[])
}

/// [`evaluate_in`] of stacks pinned to `regions` and to the environments' `accounts` (by
/// position; `None`, or no entry, for the deploy region and account).
pub(crate) fn evaluate_placed(
    stacks: &[(&str, &crate::cfn::Template)],
    regions: &[Option<String>],
    accounts: &[Option<String>],
) -> crate::compliance::Evaluation {
    let today = crate::literal::Date::parse("2026-12-01").expect("a date");
    let summaries = stacks
        .iter()
        .map(|(_, t)| crate::compliance::StackSummary::of(t, &[]))
        .collect();
    let mut evaluator = crate::compliance::Evaluator::keeping(
        stacks,
        summaries,
        today,
        crate::compliance::Results::Every,
        (regions, accounts),
    );
    for at in 0..stacks.len() {
        let found = evaluator.stack(stacks, at);
        evaluator.merge(found);
    }
    evaluator.finish()
}

/// The statuses of `rule` on the resources `logical_id` of hand-written templates, one per
/// stack ([`evaluate`]), in stack order.
pub(crate) fn statuses(
    stacks: &[(&str, &crate::cfn::Template)],
    rule: &str,
    logical_id: &str,
) -> Vec<Status> {
    statuses_in(stacks, &[], rule, logical_id)
}

/// [`statuses`] of stacks pinned to `regions` ([`evaluate_in`]).
pub(crate) fn statuses_in(
    stacks: &[(&str, &crate::cfn::Template)],
    regions: &[Option<String>],
    rule: &str,
    logical_id: &str,
) -> Vec<Status> {
    statuses_placed(stacks, (regions, &[]), rule, logical_id)
}

/// [`statuses`] of stacks pinned to `regions` and `accounts` ([`evaluate_placed`]).
pub(crate) fn statuses_placed(
    stacks: &[(&str, &crate::cfn::Template)],
    (regions, accounts): (&[Option<String>], &[Option<String>]),
    rule: &str,
    logical_id: &str,
) -> Vec<Status> {
    evaluate_placed(stacks, regions, accounts)
        .results
        .into_iter()
        .filter(|c| c.rule == rule && &*c.logical_id == logical_id)
        .map(|c| c.status)
        .collect()
}

/// A one-stack app of these raw resources, `(logical id, type, properties)`, checked.
pub(crate) fn checked_raw(resources: &[(&str, &str, Value)]) -> crate::compliance::Assembly {
    let app = App::new("raw");
    let stack = app.stack("s").expect("a valid stack name");
    for (id, kind, properties) in resources {
        let mut raw = crate::constructs::RawResource::new(*id, *kind);
        for (name, value) in properties.as_object().into_iter().flatten() {
            raw = raw.property(name, value.clone());
        }
        stack.add(raw).expect("a valid raw resource");
    }
    app.check().expect("the app is checked")
}

/// An app with one stack `t` holding a key `PhiKey` and an access-log bucket `AccessLogs`,
/// plus whatever `build` adds. Returns the template of `t` as JSON.
pub(crate) fn template_with(
    build: impl FnOnce(&Stack<'_>, Handle<KmsKey>, Handle<AccessLogBucket>),
) -> Value {
    let app = app_with("test", |_, stack, key, logs| build(stack, key, logs));
    template_of(&app, "t")
}

/// An app named `name` with one stack `t` holding a key `PhiKey` and an access-log bucket
/// `AccessLogs`, plus whatever `build` adds to the app or the stack.
pub(crate) fn app_with(
    name: &str,
    build: impl FnOnce(&App, &Stack<'_>, Handle<KmsKey>, Handle<AccessLogBucket>),
) -> App {
    let app = App::new(name);
    let stack = app.stack("t").expect("valid stack name");
    let key = stack.add(KmsKey::new("PhiKey")).expect("valid key");
    let logs = stack
        .add(AccessLogBucket::new("AccessLogs"))
        .expect("valid log bucket");
    build(&app, &stack, key, logs);
    app
}

/// A template of raw buckets with these logical ids (an id may be written twice), with no
/// properties: for the tests of what reads a template by id.
pub(crate) fn buckets_with_ids(ids: &[&str]) -> crate::cfn::Template {
    let resources: Vec<(&str, &str, Value)> = ids
        .iter()
        .map(|id| (*id, "AWS::S3::Bucket", serde_json::json!({})))
        .collect();
    raw_template(&resources)
}

/// A template of these raw resources, `(logical id, type, properties)`, with no
/// description, parameters or outputs: for the tests of what reads a template that an app
/// would not synthesize (a type the rules refuse, say).
pub(crate) fn raw_template(resources: &[(&str, &str, Value)]) -> crate::cfn::Template {
    crate::cfn::Template {
        description: String::new(),
        parameters: Vec::new(),
        resources: resources
            .iter()
            .map(|(id, kind, properties)| raw(id, kind, properties.clone()))
            .collect(),
        outputs: Vec::new(),
    }
}

/// An app `broken` whose stack `data` holds a raw bucket `Plain` with no settings, which
/// breaks rules (some of them accept no waiver): `synth` refuses it, `check` returns it.
pub(crate) fn broken_app() -> App {
    let app = App::new("broken");
    app.stack("data")
        .expect("a valid stack name")
        .add(crate::constructs::RawResource::new(
            "Plain",
            "AWS::S3::Bucket",
        ))
        .expect("a valid raw resource");
    app
}

/// An app whose one stack holds a KMS key: every rule holds on it, so `synth` and `check`
/// clear it (the counterpart of [`broken_app`]).
pub(crate) fn holding_app() -> App {
    let app = App::new("holds");
    app.stack("data")
        .expect("a valid stack name")
        .add(KmsKey::new("Key"))
        .expect("a valid key");
    app
}

/// Deploy options of the engine's unit tests: no progress bars.
pub(crate) fn quiet() -> crate::deploy::Options {
    crate::deploy::Options {
        progress: false,
        ..crate::deploy::Options::default()
    }
}

/// A raw resource of a hand-written template.
pub(crate) fn raw(id: &str, kind: &str, properties: Value) -> crate::cfn::Resource {
    crate::cfn::Resource::raw(id.to_owned(), kind.to_owned(), properties)
}

/// A hand-written template of these resources and outputs, with no description or
/// parameters.
pub(crate) fn template(
    resources: Vec<crate::cfn::Resource>,
    outputs: Vec<crate::cfn::Output>,
) -> crate::cfn::Template {
    crate::cfn::Template {
        description: String::new(),
        parameters: Vec::new(),
        resources,
        outputs,
    }
}

/// The output that exports `value` as `name` (its logical id `name` without colons).
pub(crate) fn export(name: &str, value: crate::cfn::Expr) -> crate::cfn::Output {
    crate::cfn::Output {
        name: name.replace(':', ""),
        value,
        description: None,
        export: Some(name.to_owned()),
    }
}

/// The template of stack `name` as JSON.
pub(crate) fn template_of(app: &App, name: &str) -> Value {
    let assembly = app.synth().expect("the app synthesizes");
    let stack = assembly.stack(name).expect("the stack exists");
    crate::cfn::tree::from_str(stack.template_json()).expect("the template is JSON")
}

/// The resource `logical_id` of a template.
pub(crate) fn resource<'a>(template: &'a Value, logical_id: &str) -> &'a Value {
    let r = &template["Resources"][logical_id];
    assert!(r.is_object(), "no resource {logical_id} in {template:#}");
    r
}

/// A property of a resource, by JSON pointer below `Properties` (e.g. `/MultiAZ`).
pub(crate) fn prop<'a>(template: &'a Value, logical_id: &str, pointer: &str) -> &'a Value {
    let r = resource(template, logical_id);
    r["Properties"]
        .pointer(pointer)
        .unwrap_or_else(|| panic!("{logical_id} has no property {pointer}: {r:#}"))
}

/// The policy statement with this `Sid` in a policy document.
pub(crate) fn statement<'a>(document: &'a Value, sid: &str) -> &'a Value {
    document["Statement"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["Sid"] == sid))
        .unwrap_or_else(|| panic!("no statement {sid} in {document:#}"))
}

/// The `Sid`s of a policy document, in order.
pub(crate) fn sids(document: &Value) -> Vec<String> {
    document["Statement"]
        .as_array()
        .map(|s| {
            s.iter()
                .filter_map(|s| s["Sid"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Asserts that a bucket policy denies non-TLS and old-TLS requests on the bucket `bucket`
/// and its objects, for every principal (control S8).
pub(crate) fn assert_tls_only(template: &Value, policy: &str, bucket: &str) {
    let document = prop(template, policy, "/PolicyDocument");
    let arn = serde_json::json!({ "Fn::GetAtt": [bucket, "Arn"] });
    let objects = serde_json::json!({ "Fn::Sub": format!("${{{bucket}.Arn}}/*") });
    let deny = statement(document, "DenyInsecureTransport");
    assert_eq!(deny["Effect"], "Deny");
    assert_eq!(deny["Principal"], "*");
    assert_eq!(deny["Action"], serde_json::json!(["s3:*"]));
    assert_eq!(deny["Resource"], serde_json::json!([arn, objects]));
    assert_eq!(deny["Condition"]["Bool"]["aws:SecureTransport"], "false");
    let old_tls = statement(document, "DenyOutdatedTls");
    assert_eq!(
        old_tls["Condition"]["NumericLessThan"]["s3:TlsVersion"],
        "1.2"
    );
    assert_eq!(
        prop(template, policy, "/Bucket"),
        &serde_json::json!({ "Ref": bucket })
    );
}

/// Asserts every setting that all buckets share: public access blocked, ACLs disabled,
/// versioning with a lifecycle rule, retained.
pub(crate) fn assert_bucket_basics(template: &Value, bucket: &str, noncurrent_days: u64) {
    for flag in [
        "BlockPublicAcls",
        "BlockPublicPolicy",
        "IgnorePublicAcls",
        "RestrictPublicBuckets",
    ] {
        assert_eq!(
            prop(
                template,
                bucket,
                &format!("/PublicAccessBlockConfiguration/{flag}")
            ),
            true,
            "{flag}"
        );
    }
    assert_eq!(
        prop(
            template,
            bucket,
            "/OwnershipControls/Rules/0/ObjectOwnership"
        ),
        "BucketOwnerEnforced"
    );
    assert!(
        resource(template, bucket)["Properties"]
            .get("AccessControl")
            .is_none()
    );
    assert_eq!(
        prop(template, bucket, "/VersioningConfiguration/Status"),
        "Enabled"
    );
    let rule = prop(template, bucket, "/LifecycleConfiguration/Rules/0");
    assert_eq!(rule["Status"], "Enabled");
    assert_eq!(
        rule["NoncurrentVersionExpiration"]["NoncurrentDays"],
        noncurrent_days
    );
    assert_kept(template, bucket, "Retain");
}

/// Asserts `DeletionPolicy` and `UpdateReplacePolicy`.
pub(crate) fn assert_kept(template: &Value, logical_id: &str, policy: &str) {
    let r = resource(template, logical_id);
    assert_eq!(r["DeletionPolicy"], policy, "{logical_id}");
    assert_eq!(r["UpdateReplacePolicy"], policy, "{logical_id}");
}

/// A store replicated to a bucket of another region and backed up, with copies in a
/// vault there, and a store with no copy.
pub(crate) fn clinic_with_copies() -> App {
    let app = App::new("clinic");
    let dr = app
        .stack_in("clinic-dr", crate::region!("us-west-2"))
        .unwrap();
    let dr_key = dr.add(KmsKey::new("DrKey")).unwrap();
    let dr_logs = dr.add(AccessLogBucket::new("DrLogs")).unwrap();
    let vault = dr
        .add(BackupVault::new("DrVault").encryption(&dr_key))
        .unwrap();
    let copy = dr
        .add(
            SecureBucket::new("Copy")
                .encryption(&dr_key)
                .access_logs(&dr_logs),
        )
        .unwrap();
    let data = app.stack("clinic-data").unwrap();
    let key = data.add(KmsKey::new("PhiKey")).unwrap();
    let logs = data.add(AccessLogBucket::new("Logs")).unwrap();
    let records = data
        .add(
            SecureBucket::new("Records")
                .encryption(&key)
                .access_logs(&logs)
                .replicate_to(&copy),
        )
        .unwrap();
    data.add(
        SecureBucket::new("Scratch")
            .encryption(&key)
            .access_logs(&logs),
    )
    .unwrap();
    data.add(
        BackupPlan::new("Daily")
            .encryption(&key)
            .protect(&records)
            .copy_to(&vault),
    )
    .unwrap();
    app
}

/// Properties of any shape, as typed properties of a bucket policy: a resource made of them
/// with [`crate::cfn::Resource::new`] is read by a scan, one made with
/// [`crate::cfn::Resource::raw`] from its tree, so that the two readings can be compared.
#[derive(Debug, Clone)]
pub(crate) struct AnyProperties(pub(crate) Value);

impl serde::Serialize for AnyProperties {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl crate::cfn::ResourceType for AnyProperties {
    const TYPE: &'static str = "AWS::S3::BucketPolicy";
}

/// [`AnyProperties`] of a bucket.
#[derive(Debug, Clone)]
pub(crate) struct AnyBucketProperties(pub(crate) Value);

impl serde::Serialize for AnyBucketProperties {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl crate::cfn::ResourceType for AnyBucketProperties {
    const TYPE: &'static str = "AWS::S3::Bucket";
}

/// The same properties as two templates of the same resources: one of typed properties
/// (read by a scan, with what it read of each), one of trees. The resources are bucket
/// policies and buckets in turn, the first a policy.
pub(crate) fn typed_and_tree(
    properties: &[Value],
) -> (
    crate::cfn::Template,
    Vec<Option<crate::cfn::scan::Scanned>>,
    crate::cfn::Template,
) {
    use crate::cfn::{Resource, ResourceType, Template};
    let template = |resources| Template {
        description: String::new(),
        parameters: Vec::new(),
        resources,
        outputs: Vec::new(),
    };
    let mut scans = Vec::new();
    let mut typed = Vec::new();
    let bucket = |i: usize| i % 2 == 1;
    for (i, p) in properties.iter().enumerate() {
        let id = format!("R{i}");
        let mut r = if bucket(i) {
            Resource::new(id, AnyBucketProperties(p.clone()))
        } else {
            Resource::new(id, AnyProperties(p.clone()))
        }
        .unwrap();
        scans.push(r.prepare().unwrap());
        typed.push(r);
    }
    let trees = properties
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let type_name = if bucket(i) {
                AnyBucketProperties::TYPE
            } else {
                AnyProperties::TYPE
            };
            Resource::raw(format!("R{i}"), type_name.to_owned(), p.clone())
        })
        .collect();
    (template(typed), scans, template(trees))
}

/// Values built from the intrinsic functions that name resources (`Ref`, `Fn::GetAtt`,
/// `Fn::Sub`, `Fn::ImportValue`), conditions (`Fn::If`) and plain values (ports among
/// them, as numbers and text), alone or beside other keys (`Bucket`, `BucketName`, the
/// ports' keys), nested in lists and objects, over a few names: for comparing a scan of
/// properties with a reading of their tree.
pub(crate) fn intrinsic_values() -> impl proptest::strategy::Strategy<Value = Value> {
    use proptest::prelude::*;
    let name = "A|B|AWS::Region|a.b";
    let key = prop_oneof![
        Just("Ref"),
        Just("Fn::GetAtt"),
        Just("Fn::Sub"),
        Just("Fn::ImportValue"),
        Just("Fn::If"),
        Just("Bucket"),
        Just("Port"),
        Just("DBPort"),
        Just("Endpoint"),
        Just("BucketName"),
        Just("Other"),
    ];
    let leaf = prop_oneof![
        name.prop_map(|n| serde_json::json!(n)),
        name.prop_map(|n| serde_json::json!({ "Fn::GetAtt": [n, "Arn"] })),
        "\\$\\{(A|B|!A|AWS::Region|A\\.Arn)\\}[a-z]{0,2}".prop_map(|t| serde_json::json!(t)),
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (0u32..9).prop_map(|n| serde_json::json!(n)),
        " ?[0-9]{1,4}".prop_map(|t| serde_json::json!(t)),
    ];
    leaf.prop_recursive(4, 24, 4, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec((key.clone(), inner.clone()), 0..3).prop_map(|entries| {
                Value::Object(
                    entries
                        .into_iter()
                        .map(|(k, v)| (k.to_owned(), v))
                        .collect(),
                )
            }),
            ("C|D", inner.clone(), inner.clone())
                .prop_map(|(c, a, b)| serde_json::json!({ "Fn::If": [c, a, b] })),
            ("\\$\\{(A|X|X\\.Arn)\\}", inner)
                .prop_map(|(t, v)| serde_json::json!({ "Fn::Sub": [t, { "X": v }] })),
        ]
    })
}

/// An internet-facing Application Load Balancer of the escape hatch, in two subnets: the
/// load balancer that rule F4 asks for a web ACL that blocks and logs.
pub(crate) fn public_balancer(id: &str) -> crate::constructs::RawResource {
    crate::constructs::RawResource::new(id, "AWS::ElasticLoadBalancingV2::LoadBalancer")
        .property("Scheme", "internet-facing")
        .property(
            "Subnets",
            serde_json::json!(["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"]),
        )
}

/// A regional web ACL of the escape hatch that allows by default and has one rule that
/// blocks: one that F4 and A4W accept, once it logs.
pub(crate) fn blocking_web_acl(id: &str) -> crate::constructs::RawResource {
    crate::constructs::RawResource::new(id, "AWS::WAFv2::WebACL")
        .property("Scope", "REGIONAL")
        .property("/DefaultAction/Allow", serde_json::json!({}))
        .property("/Rules/0/Name", "common")
        .property("/Rules/0/Action/Block", serde_json::json!({}))
}

/// A log group named as WAF asks of its destinations (`aws-waf-logs-…`), kept a year.
pub(crate) fn waf_log_group(id: &str) -> crate::constructs::RawResource {
    crate::constructs::RawResource::new(id, "AWS::Logs::LogGroup")
        .property("LogGroupName", "aws-waf-logs-edge")
        .property("RetentionInDays", 365)
}

/// The properties of a regional web ACL that allows by default, with `rules`.
pub(crate) fn web_acl_properties(rules: Value) -> Value {
    serde_json::json!({
        "Scope": "REGIONAL", "DefaultAction": { "Allow": {} },
        "VisibilityConfig": { "SampledRequestsEnabled": true,
            "CloudWatchMetricsEnabled": true, "MetricName": "acl" },
        "Rules": rules
    })
}

/// A web ACL's `Rules` of one rule, AWS's managed common rule set: rules that filter, as
/// A4W asks.
pub(crate) fn managed_common_rules() -> Value {
    serde_json::json!([{
        "Name": "common", "Priority": 0, "OverrideAction": { "None": {} },
        "Statement": { "ManagedRuleGroupStatement": {
            "VendorName": "AWS", "Name": "AWSManagedRulesCommonRuleSet" } },
        "VisibilityConfig": { "SampledRequestsEnabled": true,
            "CloudWatchMetricsEnabled": true, "MetricName": "c" }
    }])
}

/// A REST API `Api` and its stage `Stage` (`v1`), of a hand-written template.
pub(crate) fn rest_api_and_stage() -> [crate::cfn::Resource; 2] {
    [
        raw(
            "Api",
            "AWS::ApiGateway::RestApi",
            serde_json::json!({ "Name": "api" }),
        ),
        raw(
            "Stage",
            "AWS::ApiGateway::Stage",
            serde_json::json!({ "RestApiId": { "Ref": "Api" }, "DeploymentId": "d1", "StageName": "v1" }),
        ),
    ]
}

//! Where copies of data go: `X1`, every destination that a resource copies its data to
//! (a delivery stream's bucket, a table's change stream, a function's dead letters, a log
//! subscription, a subscription's queue, an event rule's targets, a trail's bucket) is a
//! resource of the app, which the rules read, and never a third party's endpoint.
//!
//! A copy sent to a bucket, queue or stream that no template of the app declares leaves
//! every other rule behind: nothing shows how it is encrypted, who reads it, or that it is
//! in this account at all.

use serde_json::Value;

use super::meaning::text;
use super::{Cx, Outcome, Packs, Proof, RuleSpec, all};

/// Each type that copies data somewhere, with the JSON pointers (below `Properties`) of
/// the destinations; `*` stands for every entry of a list.
const DESTINATIONS: &[(&str, &[&str])] = &[
    (
        "AWS::KinesisFirehose::DeliveryStream",
        &[
            "/S3DestinationConfiguration/BucketARN",
            "/ExtendedS3DestinationConfiguration/BucketARN",
            "/ExtendedS3DestinationConfiguration/S3BackupConfiguration/BucketARN",
            "/AmazonopensearchserviceDestinationConfiguration/DomainARN",
            "/AmazonopensearchserviceDestinationConfiguration/S3Configuration/BucketARN",
            "/ElasticsearchDestinationConfiguration/DomainARN",
            "/ElasticsearchDestinationConfiguration/S3Configuration/BucketARN",
            "/RedshiftDestinationConfiguration/S3Configuration/BucketARN",
            "/HttpEndpointDestinationConfiguration/S3Configuration/BucketARN",
            "/SplunkDestinationConfiguration/S3Configuration/BucketARN",
            // Firehose sends to an OpenSearch domain named by `DomainARN` or by its
            // `ClusterEndpoint` (the Firehose API), to a serverless collection by its
            // endpoint, and to a Redshift cluster by its JDBC URL: an endpoint or URL of
            // no resource of the app is a store no rule reads.
            "/AmazonopensearchserviceDestinationConfiguration/ClusterEndpoint",
            "/ElasticsearchDestinationConfiguration/ClusterEndpoint",
            "/AmazonOpenSearchServerlessDestinationConfiguration/CollectionEndpoint",
            "/AmazonOpenSearchServerlessDestinationConfiguration/S3Configuration/BucketARN",
            "/RedshiftDestinationConfiguration/ClusterJDBCURL",
            "/RedshiftDestinationConfiguration/S3BackupConfiguration/BucketARN",
            // The records it reads from another account's stream or cluster.
            "/KinesisStreamSourceConfiguration/KinesisStreamARN",
            "/MSKSourceConfiguration/MSKClusterARN",
        ],
    ),
    (
        "AWS::DynamoDB::Table",
        &["/KinesisStreamSpecification/StreamArn"],
    ),
    // Each replica of a global table streams its changes where its own
    // `KinesisStreamSpecification` says.
    (
        "AWS::DynamoDB::GlobalTable",
        &["/Replicas/*/KinesisStreamSpecification/StreamArn"],
    ),
    ("AWS::Lambda::Function", &["/DeadLetterConfig/TargetArn"]),
    (
        "AWS::Lambda::EventInvokeConfig",
        &[
            "/DestinationConfig/OnSuccess/Destination",
            "/DestinationConfig/OnFailure/Destination",
        ],
    ),
    ("AWS::Logs::SubscriptionFilter", &["/DestinationArn"]),
    // A function reading a queue or stream of another account reads data that no rule
    // reads the protection of; its failed batches go to its `OnFailure` destination.
    (
        "AWS::Lambda::EventSourceMapping",
        &[
            "/EventSourceArn",
            "/DestinationConfig/OnFailure/Destination",
        ],
    ),
    // A target's dead-letter queue gets every event the rule could not deliver
    // (`AWS::Events::Rule` DeadLetterConfig: "the ARN of the SQS queue specified as the
    // target for the dead-letter queue").
    (
        "AWS::Events::Rule",
        &["/Targets/*/Arn", "/Targets/*/DeadLetterConfig/Arn"],
    ),
    ("AWS::CloudTrail::Trail", &["/S3BucketName"]),
    (
        "AWS::S3::Bucket",
        &[
            // Object keys (which may name a patient) in notifications, inventories and
            // access logs.
            "/NotificationConfiguration/QueueConfigurations/*/Queue",
            "/NotificationConfiguration/TopicConfigurations/*/Topic",
            "/NotificationConfiguration/LambdaConfigurations/*/Function",
            "/InventoryConfigurations/*/Destination/BucketArn",
            "/LoggingConfiguration/DestinationBucketName",
            // Every object it replicates: `Destination.Bucket` is the ARN of the bucket
            // that stores the replicas, which may be another account's
            // (`AWS::S3::Bucket` ReplicationDestination: `Account`, `AccessControlTranslation`
            // for "a cross-account scenario").
            "/ReplicationConfiguration/Rules/*/Destination/Bucket",
        ],
    ),
];

/// Delivery stream destinations that are a third party's endpoint by nature: the records
/// leave AWS (or the account) for a service no template declares.
const THIRD_PARTY: &[&str] = &[
    "/HttpEndpointDestinationConfiguration",
    "/SplunkDestinationConfiguration",
    "/SnowflakeDestinationConfiguration",
    "/MongoDBDestinationConfiguration",
    "/IcebergDestinationConfiguration",
];

/// The types `X1` reads.
const TYPES: &[&str] = &[
    "AWS::KinesisFirehose::DeliveryStream",
    "AWS::DynamoDB::Table",
    "AWS::Lambda::Function",
    "AWS::Lambda::EventInvokeConfig",
    "AWS::Logs::SubscriptionFilter",
    "AWS::Events::Rule",
    "AWS::CloudTrail::Trail",
    "AWS::SNS::Subscription",
    // A topic's own `Subscription` list: the same deliveries as `AWS::SNS::Subscription`.
    "AWS::SNS::Topic",
    "AWS::DynamoDB::GlobalTable",
    "AWS::S3::Bucket",
    "AWS::Lambda::EventSourceMapping",
];

/// What a subscription (`AWS::SNS::Subscription`, or an entry of a topic's
/// `Subscription`) delivers to: queues, functions, delivery streams and mobile endpoints are
/// resources (of the app or not), read by the destination; HTTP(S), e-mail and SMS deliver
/// every message to a third party by nature (A5 reads only their transport); a protocol
/// known only at deploy may be any of them (the SNS API's `Subscribe`).
fn subscription<'a>(
    pointer: &str,
    protocol: Option<&Value>,
    endpoint: Option<&'a Value>,
    destinations: &mut Vec<(String, &'a Value)>,
    checks: &mut Vec<Result<Proof, String>>,
) {
    let Some(endpoint) = endpoint.filter(|e| !super::meaning::no_value(e)) else {
        return;
    };
    let protocol = protocol
        .and_then(text)
        .map(|p| p.trim().to_ascii_lowercase());
    match protocol.as_deref() {
        Some("sqs" | "lambda" | "firehose" | "application") => {
            destinations.push((format!("{pointer}/Endpoint"), endpoint));
        }
        Some(p @ ("http" | "https" | "email" | "email-json" | "sms")) => checks.push(Err(format!(
            "`{}` delivers every message by {p} to {}, a third party's endpoint that no rule reads",
            format!("{pointer}/Endpoint").trim_start_matches('/').replace('/', "."),
            super::meaning::text_or_json(endpoint)
        ))),
        _ => checks.push(Err(format!(
            "`{}` is {}, not known before deploy: the subscription may deliver every message to a third party's endpoint ({})",
            format!("{pointer}/Protocol").trim_start_matches('/').replace('/', "."),
            protocol.as_deref().unwrap_or("not set"),
            super::meaning::text_or_json(endpoint)
        ))),
    }
}

pub(crate) static RULES: &[RuleSpec] = &[
    RuleSpec {
        id: "X2",
        title: "resource policies grant access to no principal of another AWS account",
        types: super::services::X2_TYPES,
        controls: &["164.308(b)(1)", "164.312(a)(1)"],
        fix: "grant the roles of this account (a role's `Arn`, or `${AWS::AccountId}`) or an AWS service, and restrict `*` or a service by `aws:PrincipalAccount`, `aws:SourceAccount` (a function permission's `SourceAccount`) to `${AWS::AccountId}`; if a partner's account must read the data under a business associate agreement, waive `X2` on the construct with the agreement named in the reason",
        packs: Packs {
            cdk_nag: None,
            checkov: None,
            guard: None,
        },
        check: x2,
    },
    RuleSpec {
        id: "X1",
        title: "data is copied only to destinations of the app, never to a bucket, queue, stream or endpoint that no rule reads",
        types: TYPES,
        controls: &["164.308(b)(1)", "164.312(a)(1)", "164.312(e)(1)"],
        fix: "send the copy to a resource of the app (a `SecureBucket`, or an escape-hatch resource the rules read) by reference, and subscribe to topics only queues, functions and delivery streams of the app (not HTTP(S), e-mail or SMS endpoints); if it must leave for a partner under a business associate agreement, waive `X1` on the construct with the agreement named in the reason",
        packs: Packs {
            cdk_nag: None,
            checkov: None,
            guard: None,
        },
        check: x1,
    },
];

/// Whether a destination is a resource of the app: a reference to a resource of this
/// template, an import (synth refuses an import that no stack of the app exports), or text
/// that names a resource of the app (its name, or an ARN that ends with it).
fn of_the_app(cx: &Cx<'_>, value: &Value) -> bool {
    // An ARN or URL built around a reference or an import, its account written as a number
    // (`arn:aws:sqs:REGION:999999999999:${Queue.QueueName}`), is that account's resource
    // whatever name of the app it ends with: the template's own account is
    // `${AWS::AccountId}`.
    if written_account(&super::meaning::skeleton(value)) {
        return false;
    }
    // An import first: it costs one pass over the value, the references one per resource.
    if imports(value) {
        return true;
    }
    // A parameter of hipaa-stack's that carries a resource of a stack of another region of
    // the app (a replica bucket), which a reference cannot cross.
    if cx.across_regions(cx.template, value).is_some() {
        return true;
    }
    let named = super::compute::Mentioned::of(value);
    if cx
        .resources_named(&named)
        .iter()
        .any(|r| r.logical_id() != cx.id())
    {
        return true;
    }
    let Some(t) = text(value) else {
        return false;
    };
    // A name of the app in any case, the whole text or what follows a `:` or `/` (an ARN,
    // a URL, a path), looked up among the names of the app (`BucketName`, `QueueName`, …,
    // read as each stack is rendered), so that a destination written as an ARN or a name
    // in text (a stack pinned to another region, which a reference cannot cross) is known
    // as the app's. An ARN or URL that writes its account as a number is another
    // account's (the stack's own is `${AWS::AccountId}`), whatever name it ends with.
    names_in(&cx.index.app_names, &t) && !another_account(&t)
}

/// Whether text names an account as a number: the account of an ARN (`arn:…:…:…:ACCOUNT:…`)
/// that is not `${AWS::AccountId}`, or a path segment of twelve digits in a URL (a queue's
/// `https://sqs.…/ACCOUNT/name`).
fn another_account(text: &str) -> bool {
    let t = text.trim().replace("${AWS::", "${AWS-");
    let twelve_digits = |s: &str| s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(rest) = t.strip_prefix("arn:") {
        return rest
            .split(':')
            .nth(3)
            .is_some_and(|account| !account.is_empty() && account != "${AWS-AccountId}");
    }
    t.contains("://") && t.split('/').any(twelve_digits)
}

/// The functions a delivery stream sends every record to before delivery: the
/// `ParameterValue` of each `LambdaArn` parameter of a processor of any destination's
/// `ProcessingConfiguration` (CloudFormation reference, `AWS::KinesisFirehose::DeliveryStream`
/// Processor and ProcessorParameter: a `Lambda` processor names its function by
/// `LambdaArn`), with their pointers.
fn processors<'a>(cx: &Cx<'a>) -> Vec<(String, &'a Value)> {
    let Some(configurations) = cx.resource.properties().as_object() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for (key, configuration) in configurations {
        let Some(list) = configuration["ProcessingConfiguration"]["Processors"].as_array() else {
            continue;
        };
        for (i, processor) in list.iter().enumerate() {
            let Some(parameters) = processor["Parameters"].as_array() else {
                continue;
            };
            for (j, parameter) in parameters.iter().enumerate() {
                let name = text(&parameter["ParameterName"]);
                let value = &parameter["ParameterValue"];
                if name.is_some_and(|n| n.trim().eq_ignore_ascii_case("LambdaArn"))
                    && !value.is_null()
                    && !super::meaning::no_value(value)
                {
                    found.push((
                        format!(
                            "/{key}/ProcessingConfiguration/Processors/{i}/Parameters/{j}/ParameterValue"
                        ),
                        value,
                    ));
                }
            }
        }
    }
    found
}

/// The EventBridge API destination a target names, if it names one: an
/// `AWS::Events::ApiDestination` of the template, or an ARN of one
/// (`…:api-destination/…`). An API destination is "an HTTP invocation endpoint configured
/// as a target for events" (EventBridge API, `CreateApiDestination`): a target of it sends
/// every event to its `InvocationEndpoint`, whatever resource of the app it is.
fn api_destination(cx: &Cx<'_>, value: &Value) -> Option<String> {
    let named = super::compute::Mentioned::of(value);
    if let Some(api) = cx
        .resources_named(&named)
        .into_iter()
        .find(|r| r.type_name() == "AWS::Events::ApiDestination")
    {
        let endpoint = api.properties().get("InvocationEndpoint").map_or_else(
            || "an endpoint not set".to_owned(),
            super::meaning::text_or_json,
        );
        return Some(format!(
            "API destination `{}` ({endpoint})",
            api.logical_id()
        ));
    }
    super::meaning::skeleton(value)
        .to_ascii_lowercase()
        .contains(":api-destination/")
        .then(|| {
            format!(
                "the API destination {}",
                super::meaning::text_or_json(value)
            )
        })
}

/// Whether a [`super::meaning::skeleton`] writes an account as a number: the account field of an ARN
/// (`arn:PARTITION:SERVICE:REGION:ACCOUNT:…`), or a path segment of twelve digits in a URL.
fn written_account(skeleton: &str) -> bool {
    let t = skeleton.trim().replace("${AWS::", "${AWS-");
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(rest) = t.strip_prefix("arn:") {
        return rest.split(':').nth(3).is_some_and(digits);
    }
    t.contains("://") && t.split('/').any(|s| s.len() == 12 && digits(s))
}

/// Whether `text` (trimmed) is one of `names` (in lower case) in any case, or ends with one
/// after a `:` or `/` (`…:name`, `…/name`, `…:::name`).
fn names_in(names: &std::collections::HashSet<String>, text: &str) -> bool {
    let t = text.trim().to_ascii_lowercase();
    names.contains(&t)
        || t.match_indices([':', '/'])
            .any(|(at, sep)| names.contains(&t[at + sep.len()..]))
}

/// Whether a value holds an `Fn::ImportValue` anywhere.
fn imports(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.contains_key("Fn::ImportValue") || map.values().any(imports),
        Value::Array(items) => items.iter().any(imports),
        _ => false,
    }
}

/// The destinations at `pointer` (`*` for every entry of a list), with their pointers.
fn at<'a>(cx: &Cx<'a>, pointer: &str) -> Vec<(String, &'a Value)> {
    match pointer.split_once("/*") {
        Some((list, rest)) => match cx.prop(list) {
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .filter_map(|(i, item)| {
                    super::lookup(item, rest)
                        .filter(|v| !super::meaning::no_value(v))
                        .map(|v| (format!("{list}/{i}{rest}"), v))
                })
                .collect(),
            _ => Vec::new(),
        },
        None => cx
            .prop(pointer)
            .map(|v| (pointer.to_owned(), v))
            .into_iter()
            .collect(),
    }
}

fn x1(cx: &Cx<'_>) -> Outcome {
    let t = cx.resource.type_name();
    let mut checks: Vec<Result<Proof, String>> = Vec::new();
    let mut destinations: Vec<(String, &Value)> = DESTINATIONS
        .iter()
        .filter(|(ty, _)| *ty == t)
        .flat_map(|(_, pointers)| pointers.iter().flat_map(|p| at(cx, p)))
        .collect();
    if t == "AWS::KinesisFirehose::DeliveryStream" {
        for outside in THIRD_PARTY.iter().filter(|p| cx.prop(p).is_some()) {
            checks.push(Err(format!(
                "`{}` delivers every record to a third party's endpoint, which no rule reads",
                &outside[1..]
            )));
        }
    }
    if t == "AWS::KinesisFirehose::DeliveryStream" {
        destinations.extend(processors(cx));
    }
    if t == "AWS::SNS::Subscription" {
        subscription(
            "",
            cx.prop("/Protocol"),
            cx.prop("/Endpoint"),
            &mut destinations,
            &mut checks,
        );
    }
    if t == "AWS::SNS::Topic"
        && let Some(Value::Array(subscriptions)) = cx.prop("/Subscription")
    {
        for (i, s) in subscriptions.iter().enumerate() {
            // The typed exception: an `AlarmTopic` mails its on-call rota the alarms of
            // CloudWatch, the only service its policy lets publish, never records; the
            // construct kind is written in metadata, which a raw resource cannot write.
            if cx.resource.construct_kind() == Some("AlarmTopic")
                && s.get("Protocol").and_then(text).as_deref() == Some("email")
            {
                checks.push(Ok(Proof {
                    logical_id: cx.id().to_owned(),
                    path: "/Metadata/hipaa-stack/construct".to_owned(),
                }));
                continue;
            }
            subscription(
                &format!("/Subscription/{i}"),
                s.get("Protocol"),
                s.get("Endpoint"),
                &mut destinations,
                &mut checks,
            );
        }
    }
    if t == "AWS::Lambda::EventSourceMapping" && cx.prop("/SelfManagedEventSource").is_some() {
        checks.push(Err(
            "`SelfManagedEventSource` reads records from a Kafka cluster that is no resource of the app: no rule reads how it is protected or whose it is".to_owned(),
        ));
    }
    for (pointer, value) in destinations {
        if let Some(api) = api_destination(cx, value) {
            checks.push(Err(format!(
                "`{}` sends every event to {api}, which calls a third party's HTTP endpoint (its `InvocationEndpoint`) that no rule reads",
                pointer.trim_start_matches('/').replace('/', ".")
            )));
        } else if of_the_app(cx, value) {
            checks.push(
                cx.proof(&pointer)
                    .ok_or_else(|| "the property disappeared while it was read".to_owned()),
            );
        } else {
            let verb = if pointer == "/EventSourceArn" {
                "reads data from"
            } else if pointer.ends_with("/ParameterValue") {
                "(a `LambdaArn`) sends every record to be transformed by"
            } else {
                "copies data to"
            };
            checks.push(Err(format!(
                "`{}` {verb} {}, which is no resource of the app: no rule reads how it is protected or whose it is",
                pointer.trim_start_matches('/').replace('/', "."),
                text(value).unwrap_or_else(|| value.to_string())
            )));
        }
    }
    if checks.is_empty() {
        return Outcome::NotApplicable;
    }
    all(checks)
}

/// Why a principal may belong to another account: a literal account id, ARN or unique id
/// (the template's own account is `${AWS::AccountId}`, never written as a number), a
/// canonical user, a federated identity, or a value known only at deploy. `None` for a
/// principal of this account (by the account pseudo parameter, or a resource of the app,
/// imported or not) and for `*`, which is P2's.
fn foreign(principal: &Value, cx: &Cx<'_>) -> Option<String> {
    let mentions_app = cx.mentions_the_app(principal) || imports(principal);
    if mentions_app {
        return None;
    }
    let written = serde_json::to_string(principal).unwrap_or_default();
    if written.contains("{{resolve:") {
        return Some("a value known only at deploy (a dynamic reference)".to_owned());
    }
    if written.contains("AWS::AccountId") {
        return None;
    }
    match text(principal) {
        // Everyone is P2's to judge.
        Some(t) if t.trim() == "*" => None,
        // A literal account id or ARN (or an IAM unique id): this account is never written
        // as a number in a template of the app.
        Some(t) => {
            let t = t.trim();
            let account = t
                .strip_prefix("arn:")
                .and_then(|rest| rest.split(':').nth(3))
                .unwrap_or(t);
            Some(format!("the account {account}"))
        }
        None => Some(format!("{written}, which no rule can read")),
    }
}

/// The principals of a statement that may belong to another account.
fn foreign_principals(statement: &Value, cx: &Cx<'_>) -> Vec<String> {
    let principal = &statement["Principal"];
    let mut out = Vec::new();
    for key in ["CanonicalUser", "Federated"] {
        if principal.get(key).is_some() {
            out.push(format!("a `{key}` principal"));
        }
    }
    let aws = match principal.get("AWS") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one) => vec![one],
        None => Vec::new(),
    };
    out.extend(aws.into_iter().filter_map(|p| foreign(p, cx)));
    out.extend(foreign_by_condition(statement, cx));
    out
}

/// The accounts that the conditions of a statement to everyone or to a service admit: a
/// principal `*` limited by `aws:PrincipalAccount` or `aws:PrincipalArn` is that account's
/// principals, and a service limited by `aws:SourceAccount` or `aws:SourceOwner` acts for
/// that account's resources (IAM User Guide, AWS global condition context keys:
/// `aws:SourceAccount` is the account of the resource on whose behalf a service makes a
/// service-to-service request). Only a condition that
/// requires a value admits (`…Equals`, `…Like`, with or without `IfExists`), never a
/// negation, which admits all it does not name and is `P2`'s to judge, nor `Null` or
/// `Bool`, whose values are no account.
///
/// Two keys admit more than one account by what they name:
/// - `aws:SourceArn` a resource, whose account is the fourth field of its ARN (another
///   account's when written as a number, not `${AWS::AccountId}`);
/// - `aws:PrincipalOrgID` and `aws:PrincipalOrgPaths` the principals of every account of an
///   organization or organizational unit (IAM User Guide, AWS global condition context
///   keys: `aws:PrincipalOrgID` is "an alternative to listing all the account IDs for all
///   AWS accounts in an organization"). A template knows no organization of its own (there
///   is no pseudo parameter of it, only `AWS::AccountId`), so any organization admits
///   accounts other than this one: a finding that `aws:PrincipalAccount` closes, or a
///   waiver that names the agreement with the accounts of the organization.
fn foreign_by_condition(statement: &Value, cx: &Cx<'_>) -> Vec<String> {
    const KEYS: &[&str] = &[
        "aws:principalaccount",
        "aws:principalarn",
        "aws:sourceaccount",
        "aws:sourceowner",
        "kms:calleraccount",
        "aws:sourcearn",
        "aws:principalorgid",
        "aws:principalorgpaths",
    ];
    let principal = &statement["Principal"];
    let open = super::identity::may_be_everyone(principal)
        || principal.get("Service").is_some()
        || statement.get("NotPrincipal").is_some();
    let Some(conditions) = statement["Condition"].as_object().filter(|_| open) else {
        return Vec::new();
    };
    // The keys of a statement's conditions must all hold: an organization, or another
    // account's resource, admits nothing beyond this account when another key of the
    // statement pins the principal's, or the source's, account to this one.
    let principal_here = pinned_here(conditions, &["aws:principalaccount", "kms:calleraccount"]);
    let source_here = pinned_here(conditions, &["aws:sourceaccount", "aws:sourceowner"]);
    conditions
        .iter()
        .filter(|(operator, _)| {
            let operator = operator.to_ascii_lowercase();
            let base = operator.rsplit(':').next().unwrap_or(&operator);
            !operator.contains("not") && !base.starts_with("null") && !base.starts_with("bool")
        })
        .filter_map(|(_, keys)| keys.as_object())
        .flat_map(|keys| keys.iter())
        .filter(|(key, _)| KEYS.contains(&key.trim().to_ascii_lowercase().as_str()))
        .flat_map(|(key, values)| {
            let values = super::meaning::one_or_many(values);
            let lower = key.trim().to_ascii_lowercase();
            values
                .into_iter()
                .filter_map(|v| match lower.as_str() {
                    "aws:principalorgid" | "aws:principalorgpaths" if principal_here => None,
                    "aws:sourcearn" if source_here => None,
                    "aws:principalorgid" | "aws:principalorgpaths" => Some(format!(
                        "every account of the organization {}",
                        text(v).unwrap_or_else(|| v.to_string())
                    )),
                    "aws:sourcearn" => foreign_resource(v, cx),
                    _ => foreign(v, cx),
                })
                .map(|who| format!("{who} (by `{key}`)"))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Whether a condition that compares its key (a string or ARN operator, alone or
/// `ForAnyValue:`, as P2 reads it: [`super::services::compares`]) requires one of `keys` to
/// be `${AWS::AccountId}`, and nothing else (a pattern without a wildcard is the value).
fn pinned_here(conditions: &serde_json::Map<String, Value>, keys: &[&str]) -> bool {
    conditions
        .iter()
        .filter(|(operator, _)| super::services::compares(operator).is_some())
        .filter_map(|(_, k)| k.as_object())
        .flat_map(|k| k.iter())
        .filter(|(key, _)| keys.contains(&key.trim().to_ascii_lowercase().as_str()))
        .any(|(_, values)| {
            let values = super::meaning::one_or_many(values);
            !values.is_empty()
                && values
                    .iter()
                    .all(|v| text(v).is_some_and(|t| t.trim() == "${AWS::AccountId}"))
        })
}

/// Why the resource an ARN names may be another account's: its account written as a number
/// (the stack's own is `${AWS::AccountId}`), or a value known only at deploy. `None` for a
/// resource of the app and for an ARN without an account (an S3 bucket's), which names no
/// account to judge.
fn foreign_resource(arn: &Value, cx: &Cx<'_>) -> Option<String> {
    if cx.mentions_the_app(arn) || imports(arn) {
        return None;
    }
    let written = text(arn).unwrap_or_else(|| arn.to_string());
    if written.contains("{{resolve:") {
        return Some("a resource known only at deploy (a dynamic reference)".to_owned());
    }
    if !another_account(&written) {
        return None;
    }
    // The region may be `${AWS::Region}`, whose colons are no fields of the ARN.
    let fields = written.trim().replace("${AWS::", "${AWS-");
    let account = fields.split(':').nth(4).unwrap_or_default();
    Some(format!("a resource of the account {account}"))
}

fn x2(cx: &Cx<'_>) -> Outcome {
    if cx.resource.type_name() == "AWS::Lambda::Permission" {
        let Some(principal) = cx.prop("/Principal") else {
            return Outcome::NotApplicable;
        };
        let service = text(principal).is_some_and(|t| t.trim().ends_with(".amazonaws.com"));
        // A service (or everyone) limited to a `SourceAccount` acts for that account's
        // resources (CloudFormation reference, `AWS::Lambda::Permission` `SourceAccount`:
        // the account that owns the resource that invokes the function).
        let source = cx
            .prop("/SourceAccount")
            .filter(|v| !super::meaning::no_value(v))
            .and_then(|v| foreign(v, cx));
        return match (service, foreign(principal, cx), source) {
            (false, Some(why), _) => Outcome::Fail(format!(
                "`Principal` is {why}: another account may invoke the function"
            )),
            (_, _, Some(why)) => Outcome::Fail(format!(
                "`SourceAccount` is {why}: the resources of another account may invoke the function through the service; name `${{AWS::AccountId}}`"
            )),
            _ => all([cx
                .proof("/Principal")
                .ok_or_else(|| "no `Principal`".to_owned())]),
        };
    }
    // A role's trust policy says who may act as the role; every other policy is one of
    // `P2`'s, at the pointers it reads.
    // A policy resource without a document is `P2`'s finding; a policy absent grants nothing.
    let pointers = if cx.resource.type_name() == "AWS::IAM::Role" {
        vec!["/AssumeRolePolicyDocument".to_owned()]
    } else {
        super::services::policy_pointers(cx)
    };
    let mut checks = Vec::new();
    for pointer in &pointers {
        let Some(document) = super::services::resource_policy(cx, pointer) else {
            continue;
        };
        let granted: Vec<String> = super::identity::statements(&document)
            .into_iter()
            .filter(|(_, s)| super::identity::allows(s))
            .flat_map(|(suffix, s)| {
                let name = super::services::statement_name(cx, &pointer[1..], &suffix);
                foreign_principals(s, cx)
                    .into_iter()
                    .map(move |who| format!("`{name}` allows {who}"))
            })
            .collect();
        checks.push(if granted.is_empty() {
            cx.present(pointer)
        } else {
            Err(format!(
                "{}: another account reads or writes what the policy guards",
                granted.join(", ")
            ))
        });
    }
    if checks.is_empty() {
        return Outcome::NotApplicable;
    }
    all(checks)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    proptest::proptest! {
        /// A text names a name of the app as the rule read it before the names were looked
        /// up: in any case, whole or after a `:`, `/` or `:::`.
        #[test]
        fn a_text_names_a_name_of_the_app_as_when_every_name_was_compared(
            names in proptest::collection::vec("(/?[a-cA-C]{1,3}(/|:)?){1,2}", 1..4),
            text in " ?(arn:aws:[a-c]{0,2}:::?|https://[a-c]/|/)?[a-cA-C:/]{0,6} ?",
        ) {
            let compared = names.iter().filter(|n| !n.trim().is_empty()).any(|n| {
                let t = text.trim();
                t.eq_ignore_ascii_case(n)
                    || [":", "/", ":::"].iter().any(|sep| {
                        t.to_ascii_lowercase()
                            .ends_with(&format!("{sep}{}", n.to_ascii_lowercase()))
                    })
            });
            let lower = names
                .iter()
                .filter(|n| !n.trim().is_empty())
                .map(|n| n.to_ascii_lowercase())
                .collect();
            proptest::prop_assert_eq!(super::names_in(&lower, &text), compared);
        }
    }

    use super::imports;

    /// A principal imported from another stack of the app is this account's; a role of
    /// another account is not.
    #[test]
    fn x2_reads_principals_across_stacks_of_the_app() {
        use crate::prelude::*;
        let verdict = |principal_of_other_stack: bool| {
            let app = App::new("t");
            let iam = app.stack("iam").unwrap();
            let role = iam
                .add(
                    RawResource::new("Reader", "AWS::IAM::Role")
                        .property("/AssumeRolePolicyDocument", json!({
                            "Version": "2012-10-17",
                            "Statement": [{ "Effect": "Allow", "Principal": { "Service": "ec2.amazonaws.com" }, "Action": "sts:AssumeRole" }]
                        }))
                        .property("/Description", "reads the queue"),
                )
                .unwrap();
            let data = app.stack("data").unwrap();
            let principal = if principal_of_other_stack {
                RawResource::new("Policy", "AWS::SQS::QueuePolicy").property(
                    "/PolicyDocument/Statement/0/Principal/AWS",
                    role.attribute("Arn"),
                )
            } else {
                RawResource::new("Policy", "AWS::SQS::QueuePolicy").property(
                    "/PolicyDocument/Statement/0/Principal/AWS",
                    "AIDAJQABLZS4A3QDU576Q",
                )
            };
            data.add(
                principal
                    .property(
                        "/Queues/0",
                        "https://sqs.us-east-1.amazonaws.com/123456789012/q",
                    )
                    .property("/PolicyDocument/Version", "2012-10-17")
                    .property("/PolicyDocument/Statement/0/Effect", "Allow")
                    .property("/PolicyDocument/Statement/0/Action", "sqs:ReceiveMessage")
                    .property("/PolicyDocument/Statement/0/Resource", "*"),
            )
            .unwrap();
            let assembly = app.check().unwrap();
            assembly
                .evaluation()
                .results
                .iter()
                .find(|r| r.rule == "X2" && &*r.logical_id == "Policy")
                .map(|r| r.status.clone())
                .unwrap()
        };
        assert!(
            matches!(verdict(true), crate::compliance::Status::Enforced { .. }),
            "{:?}",
            verdict(true)
        );
        match verdict(false) {
            crate::compliance::Status::Failed { finding } => {
                assert!(
                    finding.contains("the account AIDAJQABLZS4A3QDU576Q"),
                    "{finding}"
                );
            }
            other => panic!("{other:?}"),
        }
    }

    /// A number written beside a reference or an import is seen; the stack's own account
    /// and what is unknown are not numbers.
    #[test]
    fn a_written_account_is_seen_around_references() {
        use super::super::meaning::skeleton;
        use super::written_account;
        for foreign in [
            json!({"Fn::Sub": ["arn:aws:sqs:${AWS::Region}:999999999999:${N}", {"N": {"Fn::GetAtt": ["Q", "QueueName"]}}]}),
            json!({"Fn::Join": ["", ["arn:aws:sqs:us-east-1:", "999999999999", ":", {"Ref": "Q"}]]}),
            json!({"Fn::Sub": ["arn:aws:sqs:us-east-1:${A}:${Q}", {"A": "999999999999"}]}),
            json!({"Fn::Join": ["/", ["https://sqs.us-east-1.amazonaws.com", "999999999999", {"Fn::ImportValue": "x"}]]}),
        ] {
            assert!(written_account(&skeleton(&foreign)), "{foreign}");
        }
        for own in [
            json!({"Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${Q.QueueName}"}),
            json!({"Fn::Join": [":", ["arn:aws:sqs", {"Ref": "AWS::Region"}, {"Ref": "AWS::AccountId"}, {"Ref": "Q"}]]}),
            json!({"Fn::GetAtt": ["Q", "Arn"]}),
            json!({"Fn::Sub": "arn:aws:s3:::${B}"}),
            json!({"Fn::Sub": ["arn:aws:sqs:us-east-1:${A}:q", {"A": {"Ref": "Other"}}]}),
        ] {
            assert!(!written_account(&skeleton(&own)), "{own}");
        }
    }

    #[test]
    fn imports_are_found_anywhere_in_a_value() {
        assert!(imports(&json!({ "Fn::ImportValue": "data:Jobs:Arn" })));
        assert!(imports(&json!([{ "Fn::ImportValue": "data:Jobs:Arn" }])));
        assert!(imports(
            &json!({ "Fn::Join": ["", ["arn:", { "Fn::ImportValue": "data:Jobs:Arn" }]] })
        ));
        assert!(!imports(&json!(["Fn::ImportValue"])));
        assert!(!imports(&json!({ "Fn::GetAtt": ["Jobs", "Arn"] })));
    }
}

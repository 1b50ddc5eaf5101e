//! AWS Database Migration Service: replication instances (which hold the data they copy on
//! their storage, and reach both databases) and endpoints (the connections to them), as
//! cdk-nag's HIPAA Security pack (`DMSReplicationNotPublic`) and the AWS Config HIPAA
//! conformance pack (`dms-replication-not-public`) check them, and as AWS Config's
//! `dms-endpoint-ssl-configured` checks the connections.
//!
//! Both accept no waiver: one is public access and encryption at rest of the PHI the
//! instance copies, the other encryption in transit.

use super::meaning::{text, text_or_json};
use super::resilience::customer_key;
use serde_json::Value;

use super::{Cx, OkOrDefault, Outcome, Packs, Proof, RuleSpec, all, is_false, pointer_name};

/// A DMS replication instance.
const INSTANCE: &str = "AWS::DMS::ReplicationInstance";
/// A DMS endpoint.
const ENDPOINT: &str = "AWS::DMS::Endpoint";
/// A DMS Serverless replication, which provisions its own capacity (and storage) for the
/// data it copies.
const SERVERLESS: &str = "AWS::DMS::ReplicationConfig";
/// A DMS data provider: the connection to a database of DMS homogeneous data migrations
/// and schema conversion.
const PROVIDER: &str = "AWS::DMS::DataProvider";
/// A DMS instance profile: the network settings of the compute that runs DMS homogeneous
/// data migrations, which reaches both databases.
const PROFILE: &str = "AWS::DMS::InstanceProfile";

pub(crate) static RULES: &[RuleSpec] = &[
    RuleSpec {
        id: "DMS1",
        title: "DMS replication instances are not publicly accessible and encrypt their storage with a customer-managed key, and DMS Serverless replications and the S3 and Redshift target endpoints encrypt with one; DMS instance profiles are not publicly accessible",
        types: &[INSTANCE, SERVERLESS, PROFILE, ENDPOINT],
        controls: &["164.312(a)(1)", "164.312(a)(2)(iv)", "164.312(e)(1)"],
        fix: "set `PubliclyAccessible` to false (DMS makes a replication instance public when it is not set) and `KmsKeyId` to a key of the app; on a DMS Serverless replication (`AWS::DMS::ReplicationConfig`), set `ComputeConfig.KmsKeyId` to a key of the app (DMS uses the AWS-managed key when it is not set); on an `AWS::DMS::InstanceProfile`, set `PubliclyAccessible` to false (it is public when not set); on an S3 or Redshift target endpoint, set `S3Settings` (or `RedshiftSettings`) `EncryptionMode` to SSE_KMS and `ServerSideEncryptionKmsKeyId` to a key of the app (SSE_S3 is the default), with no `encryptionMode` in `ExtraConnectionAttributes` that says otherwise, no `serverSideEncryptionKmsKeyId` there that is no key of the app and no attribute read at deploy, and no `CannedAclForObjects` public-read, public-read-write or authenticated-read",
        packs: Packs {
            cdk_nag: Some("HIPAA.Security-DMSReplicationNotPublic"),
            checkov: Some("CKV_AWS_89"),
            guard: Some("DMS_REPLICATION_NOT_PUBLIC"),
        },
        check: dms1,
    },
    RuleSpec {
        id: "DMS2",
        title: "DMS endpoints connect to their databases over TLS",
        types: &[ENDPOINT, PROVIDER, SERVERLESS],
        controls: &["164.312(e)(1)", "164.312(e)(2)(ii)"],
        fix: "set `SslMode` to require, verify-ca or verify-full on database endpoints, and on the engine's settings of every `AWS::DMS::DataProvider` (`Settings.PostgreSqlSettings.SslMode`, …); `KafkaSettings.SecurityProtocol` to ssl-encryption, ssl-authentication or sasl-ssl; `RedisSettings.SslSecurityProtocol` to ssl-encryption; an `ElasticsearchSettings.EndpointUri` with https:// or no scheme, never `http://` nor a scheme known only at deploy (S3, DynamoDB, Kinesis, Neptune and Redshift endpoints always use TLS); a DMS Serverless replication (`AWS::DMS::ReplicationConfig`) names as `SourceEndpointArn` and `TargetEndpointArn` endpoints of the app (their `Ref`, or an import of a stack that exports one), whose settings this rule reads there",
        packs: Packs {
            cdk_nag: None,
            checkov: None,
            guard: Some("DMS_ENDPOINT_SSL_CONFIGURED"),
        },
        check: dms2,
    },
];

impl Cx<'_> {
    /// The property at `pointer` must read, through intrinsics, exactly as one of `allowed`
    /// (AWS spells these values one way); `why` says what it means when it does not.
    pub(crate) fn reads_as(
        &self,
        pointer: &str,
        allowed: &[&str],
        why: &str,
    ) -> Result<Proof, String> {
        let wanted = allowed.join(" or ");
        match self.prop(pointer) {
            Some(v) if text(v).is_some_and(|t| allowed.contains(&t.as_str())) => {
                self.proof(pointer).ok_or_default()
            }
            Some(v) => Err(format!(
                "`{}` is {}, not {wanted}: {why}",
                pointer_name(pointer),
                text_or_json(v)
            )),
            None => Err(format!(
                "`{}` is not set (it must be {wanted}): {why}",
                pointer_name(pointer)
            )),
        }
    }
}

fn dms1(cx: &Cx<'_>) -> Outcome {
    if cx.resource.type_name() == ENDPOINT {
        return target_at_rest(cx);
    }
    // DMS Serverless: "If you don't specify a value for the KmsKeyId parameter, AWS DMS uses
    // your default encryption key" (the DMS API's `ComputeConfig`), which AWS manages.
    if cx.resource.type_name() == SERVERLESS {
        return all([customer_key(cx, "/ComputeConfig/KmsKeyId")]);
    }
    let public = match cx.prop("/PubliclyAccessible") {
        Some(v) if is_false(v) => cx.proof("/PubliclyAccessible").ok_or_default(),
        Some(v) => Err(format!(
            "`PubliclyAccessible` is {}: the instance gets a public address, and reaches both databases",
            text_or_json(v)
        )),
        None => Err(
            "`PubliclyAccessible` is not set, and DMS makes a replication instance (or instance profile) public by default"
                .to_owned(),
        ),
    };
    // An instance profile (the compute of DMS homogeneous data migrations) is public by
    // default too ("The default value is true", the DMS API's `InstanceProfile`).
    if cx.resource.type_name() == PROFILE {
        return all([public]);
    }
    all([public, customer_key(cx, "/KmsKeyId")])
}

/// The data an S3 or Redshift target endpoint writes at rest: DMS writes the records it
/// migrates to S3 objects (an S3 target's bucket; the intermediate files a Redshift target
/// loads with `COPY`), encrypted as `EncryptionMode` says: "You can choose either SSE_S3 (the
/// default) or SSE_KMS", and with SSE_KMS, `ServerSideEncryptionKmsKeyId` names the key (the
/// DMS API's `S3Settings` and `RedshiftSettings`, `EncryptionMode`; the CloudFormation
/// reference, `AWS::DMS::Endpoint S3Settings` and `RedshiftSettings`). The mode is "part of
/// the endpoint settings or the extra connections attributes", so an `encryptionMode`
/// attribute that is not SSE_KMS, or attributes read at deploy, may write the objects under
/// SSE-S3 whatever the settings say (which of the two DMS applies is not documented). A
/// source endpoint writes nothing; an engine or endpoint type read at deploy may be an S3
/// target. The other targets (Kinesis, DynamoDB, Kafka, OpenSearch, Neptune, the databases)
/// are encrypted by the store they write to, read by that store's rules (rule `X1` holds
/// that store to be one of the app, as it holds an S3 target's bucket); DMS documents no
/// at-rest setting on their endpoints.
fn target_at_rest(cx: &Cx<'_>) -> Outcome {
    let engine = cx
        .prop("/EngineName")
        .map(|v| text(v).map(|e| e.trim().to_ascii_lowercase()));
    let settings = match engine {
        Some(Some(ref e)) if e == "s3" => "/S3Settings",
        Some(Some(ref e)) if e == "redshift" || e == "redshift-serverless" => "/RedshiftSettings",
        Some(Some(_)) | None => return Outcome::NotApplicable,
        Some(None) => {
            return Outcome::Fail(format!(
                "`EngineName` is {}, which cannot be read before deploy: the endpoint may be an S3 target that writes the records under SSE-S3; write the engine",
                cx.prop("/EngineName")
                    .map_or_else(String::new, text_or_json)
            ));
        }
    };
    match cx.prop("/EndpointType").map(text) {
        Some(Some(t)) if t.trim().eq_ignore_ascii_case("source") => {
            return Outcome::NotApplicable;
        }
        Some(Some(t)) if t.trim().eq_ignore_ascii_case("target") => {}
        Some(_) => {
            return Outcome::Fail(format!(
                "`EndpointType` is {}, not source or target as written: the endpoint may be a target that writes the records under SSE-S3",
                cx.prop("/EndpointType")
                    .map_or_else(String::new, text_or_json)
            ));
        }
        None => {}
    }
    let name = pointer_name(settings);
    let mode_pointer = format!("{settings}/EncryptionMode");
    let mode = match cx.prop(&mode_pointer) {
        Some(v) if text(v).is_some_and(|m| sse_kms(&m)) => cx.proof(&mode_pointer).ok_or_default(),
        Some(v) => Err(format!(
            "`{name}.EncryptionMode` is {}, not SSE_KMS: DMS writes the records it migrates to S3 without a key of the app",
            text_or_json(v)
        )),
        None => Err(format!(
            "`{name}.EncryptionMode` is not set, and DMS writes the records it migrates to S3 under SSE_S3 by default: set SSE_KMS and `ServerSideEncryptionKmsKeyId`"
        )),
    };
    let mut checks = vec![
        mode,
        customer_key(cx, &format!("{settings}/ServerSideEncryptionKmsKeyId")),
    ];
    if settings == "/S3Settings" {
        checks.extend(canned_acl(cx));
    }
    checks.extend(encryption_attributes(cx));
    all(checks)
}

/// The canned ACLs that grant an S3 target's objects to everyone (`public-read`,
/// `public-read-write`) or to every AWS account (`authenticated-read`): "A value that
/// enables AWS DMS to specify a predefined (canned) access control list (ACL) for objects
/// created in an Amazon S3 bucket as .csv or .parquet files" (the CloudFormation reference,
/// `AWS::DMS::Endpoint S3Settings`, `CannedAclForObjects`; Amazon S3 user guide, "Canned
/// ACL"). Not written, it is none; a value read at deploy may be any of them.
const OPEN_ACLS: &[&str] = &["public-read", "public-read-write", "authenticated-read"];

fn canned_acl(cx: &Cx<'_>) -> Option<Result<Proof, String>> {
    let value = cx.prop("/S3Settings/CannedAclForObjects")?;
    let acl = text(value).map(|a| a.trim().to_ascii_lowercase().replace('_', "-"));
    match acl {
        Some(a) if !OPEN_ACLS.contains(&a.as_str()) && !super::identity::dynamic(&a) => None,
        _ => Some(Err(format!(
            "`S3Settings.CannedAclForObjects` is {}, which grants the objects DMS writes to everyone or every AWS account, or is read at deploy: leave it unset or write private or bucket-owner-full-control",
            text_or_json(value)
        ))),
    }
}

/// Whether an encryption mode reads as SSE-KMS: DMS's documents write it `SSE_KMS` and its
/// API's values `sse-kms`.
fn sse_kms(mode: &str) -> bool {
    mode.trim().to_ascii_lowercase().replace('_', "-") == "sse-kms"
}

/// An endpoint's `ExtraConnectionAttributes` as written, if it has any: `Err` (saying that
/// they `may` do something) when a part is known only at deploy (a parameter, an attribute,
/// a dynamic reference), which may be or hold whole attributes (`…;sslMode=none`),
/// whatever is written around it.
fn attributes_as_written(cx: &Cx<'_>, may: &str) -> Option<Result<String, String>> {
    let value = cx
        .prop("/ExtraConnectionAttributes")
        .filter(|v| !v.is_null() && !super::meaning::no_value(v))?;
    let written = super::meaning::skeleton(value);
    Some(
        if written.contains(super::meaning::UNKNOWN) || super::identity::dynamic(&written) {
            Err(format!(
                "`ExtraConnectionAttributes` is {}, part of which no rule can read before deploy: it may {may}; write the attributes as text",
                text_or_json(value)
            ))
        } else {
            Ok(written)
        },
    )
}

/// What `ExtraConnectionAttributes` says of an S3 or Redshift target's encryption: an
/// `encryptionMode` attribute that is not SSE-KMS, or attributes of which a part cannot be
/// read before deploy, may write the objects under SSE-S3 (see [`target_at_rest`]); a
/// `serverSideEncryptionKmsKeyId` attribute that names no key of the app, under that key.
fn encryption_attributes(cx: &Cx<'_>) -> Vec<Result<Proof, String>> {
    let written = match attributes_as_written(cx, "set `encryptionMode=SSE_S3`") {
        None => return Vec::new(),
        Some(Err(unread)) => return vec![Err(unread)],
        Some(Ok(written)) => written,
    };
    let normal = |name: &str| -> String {
        name.chars()
            .filter(|c| !matches!(c, '_' | '-' | ' '))
            .collect::<String>()
            .to_ascii_lowercase()
    };
    // The key DMS writes with, as an attribute: "This encryption type is part of the
    // endpoint settings or the extra connections attributes" (the DMS API's `S3Settings`,
    // `EncryptionMode`), and `serverSideEncryptionKmsKeyId` is the attribute of the key that
    // `ServerSideEncryptionKmsKeyId` names in the settings ("If you are using SSE_KMS for the
    // EncryptionMode, provide the KMS key ID", `S3Settings` and `RedshiftSettings`). Which of
    // the two DMS applies is not documented, so the attribute must name a key of the app as
    // the settings must ([`customer_key`]): an AWS-managed key (`alias/aws/s3`), a bare key
    // id, or another account's key written as text fails, whatever the settings say.
    let keys = written
        .split(';')
        .filter_map(|attribute| attribute.split_once('='))
        .filter(|(name, _)| normal(name) == "serversideencryptionkmskeyid")
        .filter_map(|(name, key)| {
            let key = Value::String(
                key.trim()
                    .trim_matches(|c| c == '"' || c == '\'')
                    .to_owned(),
            );
            let why = if super::meaning::aws_managed_key(&key) {
                Some("the AWS-managed key")
            } else {
                super::resilience::not_a_key(cx, &key)
            }?;
            Some(Err(format!(
                "`ExtraConnectionAttributes` sets `{}` to {} ({why}): DMS may write the records to S3 under that key, not a key of the app, whatever `ServerSideEncryptionKmsKeyId` says; remove it",
                name.trim(),
                text_or_json(&key)
            )))
        })
        .collect::<Vec<_>>();
    written
        .split(';')
        .filter_map(|attribute| attribute.split_once('='))
        .filter(|(name, _)| {
            let key = normal(name);
            key == "encryptionmode" || key == "cannedaclforobjects"
        })
        .filter(|(name, setting)| {
            let setting = setting.trim().trim_matches(|c| c == '"' || c == '\'');
            if name.to_ascii_lowercase().contains("acl") {
                OPEN_ACLS.contains(&setting.to_ascii_lowercase().replace('_', "-").as_str())
            } else {
                !sse_kms(setting)
            }
        })
        .map(|(name, setting)| {
            Err(format!(
                "`ExtraConnectionAttributes` sets `{}` to {}: DMS may write the records to S3 without a key of the app (an encryption mode that is not SSE_KMS) or open them to everyone (a public canned ACL), whatever the settings say; remove it",
                name.trim(),
                setting.trim()
            ))
        })
        .chain(keys)
        .collect()
}

/// The engines whose connections DMS always makes over TLS (through the service's API, or
/// as Redshift requires), which have no SSL mode to set.
const ALWAYS_TLS: &[&str] = &[
    "s3",
    "dynamodb",
    "kinesis",
    "neptune",
    "redshift",
    "redshift-serverless",
];

fn dms2(cx: &Cx<'_>) -> Outcome {
    if cx.resource.type_name() == PROVIDER {
        return data_provider(cx);
    }
    if cx.resource.type_name() == SERVERLESS {
        return replication_endpoints(cx);
    }
    let engine = cx
        .prop("/EngineName")
        .and_then(text)
        .map(|e| e.trim().to_ascii_lowercase());
    let mut checks = match engine.as_deref() {
        Some(e) if ALWAYS_TLS.contains(&e) => return Outcome::NotApplicable,
        Some("kafka") => vec![cx.reads_as(
            "/KafkaSettings/SecurityProtocol",
            &["ssl-encryption", "ssl-authentication", "sasl-ssl"],
            "the records go to the brokers in plain text",
        )],
        Some("redis") => vec![cx.reads_as(
            "/RedisSettings/SslSecurityProtocol",
            &["ssl-encryption"],
            "write it explicitly; plaintext sends the records to Redis unencrypted",
        )],
        Some("elasticsearch" | "opensearch") => {
            let pointer = "/ElasticsearchSettings/EndpointUri";
            match cx.prop(pointer) {
                // Without a scheme DMS uses HTTPS. What cannot be resolved is read from its
                // literal parts: `http://` among them, or a scheme that is known only at
                // deploy (`${Scheme}://…`), may be plain HTTP.
                Some(v) if plain_http(v) => vec![Err(format!(
                    "`{}` is {}: DMS may write to the domain over plain HTTP (write https:// or no scheme)",
                    pointer_name(pointer),
                    text_or_json(v)
                ))],
                _ => vec![cx.present(pointer)],
            }
        }
        // Relational databases, MongoDB and DocumentDB, and any engine that cannot be
        // read before deploy: the connection's SSL mode, `none` unless set.
        _ => vec![cx.reads_as(
            "/SslMode",
            &["require", "verify-ca", "verify-full"],
            "DMS connects to the database in plain text",
        )],
    };
    checks.extend(extra_attributes(cx));
    all(checks)
}

/// What `ExtraConnectionAttributes` says of TLS, as findings: each attribute that names a
/// TLS switch with a value that does not turn TLS on, or attributes of which a part cannot
/// be read before deploy.
///
/// The DMS API (`CreateEndpoint`, `ExtraConnectionAttributes`) writes them as `name=value`
/// pairs separated by `;`, and DMS takes endpoint settings as extra connection attributes
/// too (the API's `S3Settings.EncryptionMode`: "part of the endpoint settings or the extra
/// connections attributes"), so `sslMode=none`, `securityProtocol=plaintext` or
/// `sslSecurityProtocol=plaintext` may turn off what `SslMode`, `KafkaSettings` or
/// `RedisSettings` turn on. Which of the two DMS applies when both are written, and
/// whether a later attribute of the same name replaces an earlier one, is not documented:
/// any attribute that may turn TLS off is a finding, wherever it is and whatever the
/// settings say. Names are read in any case, around spaces, `_` and `-`; an
/// `afterConnectScript`'s SQL is no attribute of its own (only a name that is a TLS switch
/// is judged).
fn extra_attributes(cx: &Cx<'_>) -> Vec<Result<Proof, String>> {
    let written = match attributes_as_written(cx, "turn TLS off (e.g. `sslMode=none`)") {
        None => return Vec::new(),
        Some(Err(unread)) => return vec![Err(unread)],
        Some(Ok(written)) => written,
    };
    let mut findings = Vec::new();
    for attribute in written.split(';') {
        let Some((name, setting)) = attribute.split_once('=') else {
            continue;
        };
        let key: String = name
            .trim()
            .chars()
            .filter(|c| !matches!(c, '_' | '-' | ' '))
            .collect::<String>()
            .to_ascii_lowercase();
        let setting = setting.trim().trim_matches(|c| c == '"' || c == '\'');
        if !tls_switch(&key) {
            continue;
        }
        if !TLS_ON.contains(&setting.to_ascii_lowercase().as_str()) {
            findings.push(Err(format!(
                "`ExtraConnectionAttributes` sets `{}` to {setting}, which turns TLS off or is no value that turns it on, whatever `SslMode` or the engine's settings say; remove it",
                name.trim()
            )));
        }
    }
    findings
}

/// Whether an extra connection attribute (its name in lower case, without `_`, `-` and
/// spaces) switches TLS: the names of DMS's TLS settings (`SslMode`,
/// `KafkaSettings.SecurityProtocol`, `RedisSettings.SslSecurityProtocol`) and any other
/// name of SSL or TLS that is not a certificate, key, password, file, cipher or version
/// (`sslCaCertificateArn`), nor the hostname check `SslEndpointIdentificationAlgorithm`
/// (which leaves TLS on).
fn tls_switch(key: &str) -> bool {
    const NOT_A_SWITCH: &[&str] = &[
        "arn",
        "cert",
        "key",
        "password",
        "path",
        "file",
        "identificationalgorithm",
        "cipher",
        "version",
    ];
    matches!(key, "securityprotocol" | "encrypt")
        || ((key.contains("ssl") || key.contains("tls"))
            && !NOT_A_SWITCH.iter().any(|n| key.contains(n)))
}

/// The values of a TLS switch that turn TLS on: DMS's (`require`, `verify-ca`,
/// `verify-full`; `ssl-encryption`, `ssl-authentication`, `sasl-ssl`) and a boolean's
/// (`true`, `yes`, `y`, `1`, `on`). Anything else (`none`, `plaintext`, `false`,
/// `disable`, `prefer`, …) may leave the connection in plain text.
const TLS_ON: &[&str] = &[
    "require",
    "verify-ca",
    "verify-full",
    "ssl-encryption",
    "ssl-authentication",
    "sasl-ssl",
    "true",
    "yes",
    "y",
    "1",
    "on",
];

/// A data provider's connection: `Settings` holds one engine's settings (a union), each
/// with an `SslMode` of none, require, verify-ca or verify-full, "The default value is
/// none" (the DMS API's `PostgreSqlDataProviderSettings`, and alike for the other
/// engines). `RedshiftSettings` has no SSL mode: how DMS reaches Redshift through it is
/// not shown, a gap. Settings that cannot be read before deploy may hold anything.
fn data_provider(cx: &Cx<'_>) -> Outcome {
    let engines: Vec<&String> = match cx.prop("/Settings") {
        Some(Value::Object(map)) => map
            .iter()
            .filter(|(_, v)| !v.is_null() && !super::meaning::no_value(v))
            .map(|(k, _)| k)
            .collect(),
        Some(other) => {
            return Outcome::Fail(format!(
                "`Settings` is {}, which no rule can read before deploy: the connection may be plain text",
                text_or_json(other)
            ));
        }
        None => Vec::new(),
    };
    if engines.is_empty() {
        return Outcome::Fail(
            "`Settings` names no engine's settings with an `SslMode`: DMS connects to the database in plain text unless it is require, verify-ca or verify-full".to_owned(),
        );
    }
    let redshift = engines.iter().any(|e| *e == "RedshiftSettings");
    let checks: Vec<Result<Proof, String>> = engines
        .into_iter()
        .filter(|e| *e != "RedshiftSettings")
        .map(|engine| {
            cx.reads_as(
                &format!("/Settings/{engine}/SslMode"),
                &["require", "verify-ca", "verify-full"],
                "DMS connects to the database in plain text (none is the default)",
            )
        })
        .collect();
    match all(checks) {
        Outcome::Pass(_) | Outcome::NotApplicable if redshift => Outcome::Gap(
            "a Redshift data provider (`Settings.RedshiftSettings`) has no `SslMode`: whether DMS reaches the cluster over TLS is not shown by the template".to_owned(),
        ),
        other => other,
    }
}

/// The endpoints a DMS Serverless replication connects through: "The Amazon Resource Name
/// (ARN) of the source endpoint for this AWS DMS Serverless replication configuration" and
/// of its target (`SourceEndpointArn`, `TargetEndpointArn`, `AWS::DMS::ReplicationConfig`,
/// CloudFormation reference). DMS reads and writes every record it copies through their
/// connections, whose TLS settings (`SslMode`, the engine's settings) this rule reads only
/// where the endpoint is declared: each must be an `AWS::DMS::Endpoint` of the app, of this
/// template (its `Ref`, which is its ARN, however written: [`super::meaning::names`]) or
/// the import of an export of one by a stack of the app. An endpoint written as an ARN of
/// text is no endpoint of the app (a gap: its connection is read nowhere); a value known
/// only at deploy (a parameter, a custom resource's attribute, a dynamic reference) may
/// name any endpoint, and fails.
fn replication_endpoints(cx: &Cx<'_>) -> Outcome {
    let mut checks = Vec::new();
    let mut outside = Vec::new();
    for pointer in ["/SourceEndpointArn", "/TargetEndpointArn"] {
        let Some(value) = cx.prop(pointer) else {
            checks.push(Err(format!(
                "`{}` is not set: the endpoint the replication connects through is read nowhere",
                pointer_name(pointer)
            )));
            continue;
        };
        let local = cx
            .others(ENDPOINT)
            .any(|e| super::meaning::names(value, e.logical_id()));
        let imported = super::meaning::imported(value)
            && super::services::imports_an_export_of(cx, value, &[ENDPOINT], |v, id| {
                super::meaning::names(v, id)
            });
        if local || imported {
            checks.push(cx.proof(pointer).ok_or_default());
            continue;
        }
        let written = text(value).filter(|t| {
            !super::identity::dynamic(t) && t.trim().starts_with("arn:") && !t.contains("${")
        });
        match written {
            Some(_) => {
                outside.push(format!(
                    "`{}` is {}, no `AWS::DMS::Endpoint` of the app: whether the replication reaches that database over TLS is read nowhere",
                    pointer_name(pointer),
                    text_or_json(value)
                ));
                checks.extend(cx.proof(pointer).map(Ok));
            }
            None => checks.push(Err(format!(
                "`{}` is {}, known only at deploy, which may name any endpoint: whether the replication reaches that database over TLS is read nowhere; name an `AWS::DMS::Endpoint` of the app (its `Ref`, or an import of a stack that exports one)",
                pointer_name(pointer),
                text_or_json(value)
            ))),
        }
    }
    match all(checks) {
        Outcome::Pass(_) if !outside.is_empty() => Outcome::Gap(format!(
            "{}; declare the endpoints in the app",
            outside.join("; ")
        )),
        other => other,
    }
}

/// Whether an endpoint URI may use plain HTTP: its text, with what cannot be resolved before
/// deploy as an unknown part (`Fn::Join` and `Fn::Sub` read piece by piece), holds
/// `http://`, or a scheme that is not plainly `https`.
fn plain_http(value: &Value) -> bool {
    let uri = super::meaning::skeleton(value).to_ascii_lowercase();
    let uri = uri.trim();
    uri.contains("http://") || (uri.contains("://") && !uri.starts_with("https://"))
}

#[cfg(test)]
pub(super) mod tests {
    use serde_json::{Value, json};

    use super::*;

    /// The outcome of `check` on a resource of `type_name` with `properties`, alone in its
    /// template.
    pub(crate) fn outcome_of(
        check: fn(&Cx<'_>) -> Outcome,
        type_name: &str,
        properties: Value,
    ) -> Outcome {
        Cx::check_first(check, &[("R", type_name, properties)])
    }

    #[test]
    fn a_serverless_replication_connects_only_through_endpoints_of_the_app() {
        let replication = |source: Value, target: Value| {
            Cx::check_first(
                dms2,
                &[
                    (
                        "R",
                        SERVERLESS,
                        json!({ "ReplicationConfigIdentifier": "r", "ReplicationType": "full-load",
                            "SourceEndpointArn": source, "TargetEndpointArn": target,
                            "ComputeConfig": { "MaxCapacityUnits": 16 }, "TableMappings": {} }),
                    ),
                    (
                        "Source",
                        ENDPOINT,
                        json!({ "EndpointType": "source", "EngineName": "postgres", "SslMode": "require" }),
                    ),
                    (
                        "Target",
                        ENDPOINT,
                        json!({ "EndpointType": "target", "EngineName": "postgres", "SslMode": "require" }),
                    ),
                ],
            )
        };
        let source = json!({ "Ref": "Source" });
        let target = json!({ "Fn::Sub": "${Target}" });
        assert!(matches!(
            replication(source.clone(), target.clone()),
            Outcome::Pass(_)
        ));
        assert!(matches!(
            replication(
                source.clone(),
                json!("arn:aws:dms:us-east-1:111122223333:endpoint:ELSEWHERE")
            ),
            Outcome::Gap(_)
        ));
        for unread in [
            json!({ "Ref": "TargetArn" }),
            json!({ "Fn::GetAtt": ["Lookup", "Arn"] }),
            json!("{{resolve:ssm:/dms/target}}"),
            json!({ "Fn::Sub": "${Target}-old" }),
            json!({ "Fn::ImportValue": "data:Target" }),
        ] {
            let found = replication(source.clone(), unread.clone());
            assert!(matches!(found, Outcome::Fail(_)), "{unread}: {found:?}");
        }
    }

    /// A target's key named again in `ExtraConnectionAttributes` must be a key of the app,
    /// as the settings' must: DMS may write with either.
    #[test]
    fn a_key_named_in_extra_connection_attributes_is_read_as_the_settings_key_is() {
        let target = |engine: &str, attributes: &str| {
            let settings = if engine == "s3" {
                "S3Settings"
            } else {
                "RedshiftSettings"
            };
            Cx::check_first(
                dms1,
                &[
                    (
                        "T",
                        ENDPOINT,
                        json!({ "EndpointType": "target", "EngineName": engine,
                            settings: { "EncryptionMode": "SSE_KMS", "ServerSideEncryptionKmsKeyId": { "Ref": "Key" } },
                            "ExtraConnectionAttributes": attributes }),
                    ),
                    ("Key", "AWS::KMS::Key", json!({ "EnableKeyRotation": true })),
                ],
            )
        };
        for (engine, attributes) in [
            ("s3", "serverSideEncryptionKmsKeyId=alias/aws/s3"),
            (
                "s3",
                "dataFormat=parquet; server_side_encryption_kms_key_id = arn:aws:kms:us-east-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            ),
            (
                "redshift",
                "ServerSideEncryptionKmsKeyId=\"mrk-1234abcd12ab34cd56ef1234567890ab\"",
            ),
        ] {
            let found = target(engine, attributes);
            assert!(
                matches!(&found, Outcome::Fail(why) if why.contains("ExtraConnectionAttributes")),
                "{attributes}: {found:?}"
            );
        }
        for attributes in [
            "serverSideEncryptionKmsKeyId=alias/dms-target",
            "dataFormat=parquet",
        ] {
            let found = target("s3", attributes);
            assert!(matches!(found, Outcome::Pass(_)), "{attributes}: {found:?}");
        }
    }

    #[test]
    fn extra_connection_attributes_that_turn_tls_off_fail_whatever_the_settings_say() {
        let dms2_of = |properties: Value| outcome_of(dms2, ENDPOINT, properties);
        let failing = |engine: &str, settings: Value, attributes: Value| {
            let mut p = json!({ "EngineName": engine, "ExtraConnectionAttributes": attributes });
            if let (Value::Object(p), Value::Object(s)) = (&mut p, settings) {
                p.extend(s);
            }
            match dms2_of(p) {
                Outcome::Fail(why) => why,
                other => panic!("{other:?}"),
            }
        };
        let require = json!({ "SslMode": "require" });
        for attributes in [
            json!("sslmode=none"),
            json!("heartbeatEnable=true; SSLMODE = None ;"),
            json!("ssl_mode=disable"),
            json!("useSSL=false"),
            json!("sslmode=require;sslmode=prefer"),
            json!("Encrypt=no"),
            json!({ "Fn::Join": [";", ["heartbeatEnable=true", "sslMode=none"]] }),
        ] {
            let why = failing("postgres", require.clone(), attributes.clone());
            assert!(why.contains("turns TLS off"), "{attributes}: {why}");
        }
        // A part known only at deploy may hold any attribute.
        for attributes in [
            json!({ "Ref": "Attributes" }),
            json!({ "Fn::Join": [";", ["heartbeatEnable=true", { "Ref": "More" }]] }),
            json!({ "Fn::Sub": "executeTimeout=${Timeout}" }),
            json!("{{resolve:ssm:/dms/attributes}}"),
        ] {
            let why = failing("postgres", require.clone(), attributes.clone());
            assert!(why.contains("before deploy"), "{attributes}: {why}");
        }
        let kafka = json!({ "KafkaSettings": { "SecurityProtocol": "sasl-ssl" } });
        let why = failing("kafka", kafka, json!("securityProtocol=plaintext"));
        assert!(why.contains("`securityProtocol`"), "{why}");
        let redis = json!({ "RedisSettings": { "SslSecurityProtocol": "ssl-encryption" } });
        let why = failing("redis", redis, json!("sslSecurityProtocol=plaintext"));
        assert!(why.contains("plaintext"), "{why}");
        // Attributes that turn TLS on, or say nothing of it, change nothing.
        for attributes in [
            json!("heartbeatEnable=true;executeTimeout=60"),
            json!("sslmode=verify-full"),
            json!("afterConnectScript=SET ssl_renegotiation_limit=0"),
            json!(
                "sslCaCertificateArn=arn:aws:dms:us-east-1:111122223333:cert:X;sslEndpointIdentificationAlgorithm=none"
            ),
            json!({ "Fn::Sub": "heartbeatSchema=${AWS::StackName}" }),
        ] {
            let outcome = dms2_of(
                json!({ "EngineName": "postgres", "SslMode": "require", "ExtraConnectionAttributes": attributes }),
            );
            assert!(
                matches!(outcome, Outcome::Pass(_)),
                "{attributes}: {outcome:?}"
            );
        }
        // Endpoints that always use TLS are not read.
        assert!(matches!(
            dms2_of(
                json!({ "EngineName": "s3", "ExtraConnectionAttributes": { "Fn::Sub": "bucketName=${B}" } })
            ),
            Outcome::NotApplicable
        ));
    }

    #[test]
    fn a_value_that_reads_as_an_allowed_one_passes_and_others_say_what_they_are() {
        let fail = |properties: Value| match outcome_of(dms2, ENDPOINT, properties) {
            Outcome::Fail(why) => why,
            other => panic!("{other:?}"),
        };
        assert!(matches!(
            outcome_of(
                dms2,
                ENDPOINT,
                json!({ "EngineName": "postgres", "SslMode": { "Fn::Join": ["-", ["verify", "full"]] } })
            ),
            Outcome::Pass(ref p) if p.len() == 1 && p[0].path == "/Properties/SslMode"
        ));
        let why = fail(json!({ "EngineName": "postgres", "SslMode": "Require" }));
        assert!(
            why.contains("`SslMode` is Require, not require or verify-ca or verify-full"),
            "{why}"
        );
        let why = fail(json!({ "EngineName": "postgres" }));
        assert!(
            why.contains("`SslMode` is not set (it must be require"),
            "{why}"
        );
        assert!(why.ends_with("in plain text"), "{why}");
        assert!(matches!(
            outcome_of(dms2, ENDPOINT, json!({ "EngineName": { "Fn::Sub": "S3" } })),
            Outcome::NotApplicable
        ));
    }
}

#[cfg(test)]
mod review11_tests {
    use serde_json::json;

    use super::tests::outcome_of;
    use super::*;

    #[test]
    fn s3_and_redshift_targets_write_under_a_key_of_the_app() {
        let key = json!({ "Fn::Sub": "arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/1234abcd-12ab-34cd-56ef-1234567890ab" });
        for mode in ["SSE_KMS", "sse-kms", " Sse_Kms "] {
            assert!(sse_kms(mode), "{mode}");
        }
        for mode in ["SSE_S3", "sse-s3", "kms", ""] {
            assert!(!sse_kms(mode), "{mode}");
        }
        let held = outcome_of(
            dms1,
            ENDPOINT,
            json!({ "EndpointType": "target", "EngineName": "s3", "S3Settings": { "EncryptionMode": "SSE_KMS", "ServerSideEncryptionKmsKeyId": key } }),
        );
        assert!(
            matches!(held, Outcome::Pass(ref p) if p.len() == 2),
            "{held:?}"
        );
        let Outcome::Fail(why) = outcome_of(
            dms1,
            ENDPOINT,
            json!({ "EndpointType": "target", "EngineName": "redshift" }),
        ) else {
            panic!("a Redshift target without settings");
        };
        assert!(
            why.contains("`RedshiftSettings.EncryptionMode` is not set"),
            "{why}"
        );
        // A source writes nothing; other targets are their stores' rules'.
        for properties in [
            json!({ "EndpointType": "source", "EngineName": "s3" }),
            json!({ "EndpointType": "target", "EngineName": "kinesis" }),
            json!({ "EndpointType": "target", "EngineName": "postgres", "SslMode": "require" }),
        ] {
            assert!(
                matches!(
                    outcome_of(dms1, ENDPOINT, properties.clone()),
                    Outcome::NotApplicable
                ),
                "{properties}"
            );
        }
    }
}

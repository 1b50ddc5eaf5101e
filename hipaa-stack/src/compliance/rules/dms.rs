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
        title: "DMS replication instances are not publicly accessible and encrypt their storage with a customer-managed key, and DMS Serverless replications encrypt with one; DMS instance profiles are not publicly accessible",
        types: &[INSTANCE, SERVERLESS, PROFILE],
        controls: &["164.312(a)(1)", "164.312(a)(2)(iv)", "164.312(e)(1)"],
        fix: "set `PubliclyAccessible` to false (DMS makes a replication instance public when it is not set) and `KmsKeyId` to a key of the app; on a DMS Serverless replication (`AWS::DMS::ReplicationConfig`), set `ComputeConfig.KmsKeyId` to a key of the app (DMS uses the AWS-managed key when it is not set); on an `AWS::DMS::InstanceProfile`, set `PubliclyAccessible` to false (it is public when not set)",
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
        types: &[ENDPOINT, PROVIDER],
        controls: &["164.312(e)(1)", "164.312(e)(2)(ii)"],
        fix: "set `SslMode` to require, verify-ca or verify-full on database endpoints, and on the engine's settings of every `AWS::DMS::DataProvider` (`Settings.PostgreSqlSettings.SslMode`, …); `KafkaSettings.SecurityProtocol` to ssl-encryption, ssl-authentication or sasl-ssl; `RedisSettings.SslSecurityProtocol` to ssl-encryption; an `ElasticsearchSettings.EndpointUri` with https:// or no scheme, never `http://` nor a scheme known only at deploy (S3, DynamoDB, Kinesis, Neptune and Redshift endpoints always use TLS)",
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
    let Some(value) = cx
        .prop("/ExtraConnectionAttributes")
        .filter(|v| !v.is_null() && !super::meaning::no_value(v))
    else {
        return Vec::new();
    };
    // A part known only at deploy (a parameter, an attribute, a dynamic reference) may be
    // or hold whole attributes (`…;sslMode=none`), whatever is written around it.
    let written = super::meaning::skeleton(value);
    if written.contains(super::meaning::UNKNOWN) || super::identity::dynamic(&written) {
        return vec![Err(format!(
            "`ExtraConnectionAttributes` is {}, part of which no rule can read before deploy: it may turn TLS off (e.g. `sslMode=none`); write the attributes as text",
            text_or_json(value)
        ))];
    }
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
    use crate::cfn::{Resource, Template};
    use crate::compliance::rules::Index;

    /// The outcome of `check` on a resource of `type_name` with `properties`, alone in its
    /// template.
    pub(crate) fn outcome_of(
        check: fn(&Cx<'_>) -> Outcome,
        type_name: &str,
        properties: Value,
    ) -> Outcome {
        let template = Template {
            description: String::new(),
            parameters: Vec::new(),
            resources: vec![Resource::raw(
                "R".to_owned(),
                type_name.to_owned(),
                properties,
            )],
            outputs: Vec::new(),
        };
        let stacks = [("s", &template)];
        let index = Index::new(&stacks);
        check(&Cx::in_first(&stacks, &template.resources()[0], &index))
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

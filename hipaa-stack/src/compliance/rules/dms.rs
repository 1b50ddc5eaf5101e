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
use super::{Cx, OkOrDefault, Outcome, Packs, Proof, RuleSpec, all, is_false, pointer_name};

/// A DMS replication instance.
const INSTANCE: &str = "AWS::DMS::ReplicationInstance";
/// A DMS endpoint.
const ENDPOINT: &str = "AWS::DMS::Endpoint";

pub(crate) static RULES: &[RuleSpec] = &[
    RuleSpec {
        id: "DMS1",
        title: "DMS replication instances are not publicly accessible and encrypt their storage with a customer-managed key",
        types: &[INSTANCE],
        controls: &["164.312(a)(1)", "164.312(a)(2)(iv)", "164.312(e)(1)"],
        fix: "set `PubliclyAccessible` to false (DMS makes a replication instance public when it is not set) and `KmsKeyId` to a key of the app",
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
        types: &[ENDPOINT],
        controls: &["164.312(e)(1)", "164.312(e)(2)(ii)"],
        fix: "set `SslMode` to require, verify-ca or verify-full on database endpoints; `KafkaSettings.SecurityProtocol` to ssl-encryption, ssl-authentication or sasl-ssl; `RedisSettings.SslSecurityProtocol` to ssl-encryption; never an `http://` `ElasticsearchSettings.EndpointUri` (S3, DynamoDB, Kinesis, Neptune and Redshift endpoints always use TLS)",
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
    let public = match cx.prop("/PubliclyAccessible") {
        Some(v) if is_false(v) => cx.proof("/PubliclyAccessible").ok_or_default(),
        Some(v) => Err(format!(
            "`PubliclyAccessible` is {}: the instance gets a public address, and reaches both databases",
            text_or_json(v)
        )),
        None => Err(
            "`PubliclyAccessible` is not set, and DMS makes a replication instance public by default"
                .to_owned(),
        ),
    };
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
    let engine = cx
        .prop("/EngineName")
        .and_then(text)
        .map(|e| e.trim().to_ascii_lowercase());
    match engine.as_deref() {
        Some(e) if ALWAYS_TLS.contains(&e) => Outcome::NotApplicable,
        Some("kafka") => all([cx.reads_as(
            "/KafkaSettings/SecurityProtocol",
            &["ssl-encryption", "ssl-authentication", "sasl-ssl"],
            "the records go to the brokers in plain text",
        )]),
        Some("redis") => all([cx.reads_as(
            "/RedisSettings/SslSecurityProtocol",
            &["ssl-encryption"],
            "write it explicitly; plaintext sends the records to Redis unencrypted",
        )]),
        Some("elasticsearch" | "opensearch") => {
            let pointer = "/ElasticsearchSettings/EndpointUri";
            match cx.prop(pointer) {
                // Without a scheme DMS uses HTTPS; an intrinsic that cannot be resolved
                // still shows its literal parts.
                Some(v) if text_or_json(v).to_ascii_lowercase().contains("http://") => {
                    Outcome::Fail(format!(
                        "`{}` is {}: DMS writes to the domain over plain HTTP",
                        pointer_name(pointer),
                        text_or_json(v)
                    ))
                }
                _ => all([cx.present(pointer)]),
            }
        }
        // Relational databases, MongoDB and DocumentDB, and any engine that cannot be
        // read before deploy: the connection's SSL mode, `none` unless set.
        _ => all([cx.reads_as(
            "/SslMode",
            &["require", "verify-ca", "verify-full"],
            "DMS connects to the database in plain text",
        )]),
    }
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

//! Amazon SageMaker notebook instances (whose volumes hold the data scientists load, PHI
//! included), Studio domains (whose EFS volume holds every user's notebooks and data) and
//! endpoint configurations (whose instances' volumes, captured requests and
//! asynchronous results hold what the model is asked about), as cdk-nag's HIPAA Security
//! pack and the AWS Config HIPAA conformance pack check them
//! (`SageMakerNotebookInstanceKMSKeyConfigured`, `SageMakerEndpointConfigurationKMSKeyConfigured`,
//! `SageMakerNotebookNoDirectInternetAccess`), and root access as AWS Config's
//! `sagemaker-notebook-instance-root-access-check` does.
//!
//! Encryption at rest and a notebook's own way to the internet accept no waiver; root
//! access on the notebook does, with a reason.

use super::resilience::customer_key;
use super::{Cx, Outcome, Packs, RuleSpec, all};

/// A notebook instance.
const NOTEBOOK: &str = "AWS::SageMaker::NotebookInstance";
/// An endpoint configuration.
const ENDPOINT_CONFIG: &str = "AWS::SageMaker::EndpointConfig";
/// A SageMaker Studio domain, whose notebooks (JupyterLab, Code Editor, Studio Classic)
/// reach the internet as a notebook instance may.
const DOMAIN: &str = "AWS::SageMaker::Domain";

pub(crate) static RULES: &[RuleSpec] = &[
    RuleSpec {
        id: "ML1",
        title: "SageMaker notebook instances, Studio domains and endpoint configurations encrypt what they store with a customer-managed key",
        types: &[NOTEBOOK, DOMAIN, ENDPOINT_CONFIG],
        controls: &["164.312(a)(2)(iv)", "164.312(e)(2)(ii)"],
        fix: "set `KmsKeyId` to a key of the app on the notebook instance, Studio domain or endpoint configuration; on a domain also `S3KmsKeyId` of its shared notebook output (`SharingSettings`) and of its Canvas artifacts (`CanvasAppSettings.WorkspaceSettings`) where written; on an endpoint configuration also `DataCaptureConfig.KmsKeyId` when it captures requests and `AsyncInferenceConfig.OutputConfig.KmsKeyId` when it answers asynchronously and `CoreDumpConfig.KmsKeyId` on each (shadow) production variant that writes core dumps (an endpoint configuration whose every production and shadow variant names, as text, an instance type with local NVMe storage, such as `ml.g4dn`, `ml.g5`, `ml.p4d` or `ml.m5d`, takes no `KmsKeyId`: SageMaker refuses one there and the instance's hardware encrypts that storage; a serverless variant or a type known only at deploy still needs it)",
        packs: Packs {
            cdk_nag: Some("HIPAA.Security-SageMakerNotebookInstanceKMSKeyConfigured"),
            checkov: Some("CKV_AWS_187"),
            guard: Some("SAGEMAKER_NOTEBOOK_INSTANCE_KMS_KEY_CONFIGURED"),
        },
        check: ml1,
    },
    RuleSpec {
        id: "ML2",
        title: "SageMaker notebook instances and Studio domains reach the internet only through the app's VPC",
        types: &[NOTEBOOK, DOMAIN],
        controls: &["164.312(a)(1)", "164.312(e)(1)"],
        fix: "set `DirectInternetAccess` to Disabled and `SubnetId` (with `SecurityGroupIds`) to a private subnet of the app on a notebook instance, and `AppNetworkAccessType` to VpcOnly on a Studio domain; reach package mirrors through VPC endpoints or a NAT gateway",
        packs: Packs {
            cdk_nag: Some("HIPAA.Security-SageMakerNotebookNoDirectInternetAccess"),
            checkov: None,
            guard: Some("SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET_ACCESS"),
        },
        check: ml2,
    },
    RuleSpec {
        id: "ML3",
        title: "SageMaker notebook users have no root access on the instance",
        types: &[NOTEBOOK],
        controls: &["164.308(a)(3)(i)", "164.308(a)(4)(i)", "164.312(a)(1)"],
        fix: "set `RootAccess` to Disabled; a lifecycle configuration runs as root whatever `RootAccess` says and leaves the rule a gap",
        packs: Packs {
            cdk_nag: None,
            checkov: None,
            guard: Some("SAGEMAKER_NOTEBOOK_INSTANCE_ROOT_ACCESS_CHECK"),
        },
        check: ml3,
    },
];

fn ml1(cx: &Cx<'_>) -> Outcome {
    if cx.resource.type_name() == DOMAIN {
        // "SageMaker uses the AWS Key Management Service (AWS KMS) to encrypt the EFS volume
        // attached to the domain with an AWS managed key by default" (`AWS::SageMaker::Domain`,
        // the CloudFormation reference): every user's home directory, notebooks and data.
        let volume = all([customer_key(cx, "/KmsKeyId").map_err(|e| {
            if cx.prop("/KmsKeyId").is_none() {
                format!("{e}: SageMaker encrypts the domain's EFS volume, every user's notebooks and data, with an AWS-managed key")
            } else {
                e
            }
        })]);
        return [shared_output(cx), canvas_output(cx)]
            .into_iter()
            .flatten()
            .fold(volume, |outcome, other| match (outcome, other) {
                (Outcome::Fail(a), Outcome::Fail(b)) => Outcome::Fail(format!("{a}; {b}")),
                (Outcome::Fail(a), _) => Outcome::Fail(a),
                (_, Outcome::Fail(b)) => Outcome::Fail(b),
                (Outcome::Gap(a), Outcome::Gap(b)) => Outcome::Gap(format!("{a}; {b}")),
                (Outcome::Gap(a), _) => Outcome::Gap(a),
                (_, other) => other,
            });
    }
    let mut checks = match local_storage_variants(cx) {
        Some(proofs) if cx.prop("/KmsKeyId").is_none() => proofs.into_iter().map(Ok).collect(),
        _ => vec![customer_key(cx, "/KmsKeyId")],
    };
    if cx.resource.type_name() == ENDPOINT_CONFIG {
        // Captured requests and responses, and asynchronous results, are written to S3
        // with the key of their own configuration (the bucket's default key otherwise).
        // A capture that `EnableCapture` turns off writes nothing: "Whether data capture
        // should be enabled or disabled (defaults to enabled)" (the SageMaker API's
        // `DataCaptureConfig`; `AWS::SageMaker::EndpointConfig DataCaptureConfig`, the
        // CloudFormation reference: "Set to True to enable data capture"). Only a value
        // that reads as false turns it off.
        let capture_off = cx
            .prop("/DataCaptureConfig/EnableCapture")
            .is_some_and(super::is_false);
        for (config, key) in [
            ("/DataCaptureConfig", "/DataCaptureConfig/KmsKeyId"),
            (
                "/AsyncInferenceConfig",
                "/AsyncInferenceConfig/OutputConfig/KmsKeyId",
            ),
        ] {
            if config == "/DataCaptureConfig" && capture_off {
                continue;
            }
            if cx.prop(config).is_some() {
                checks.push(customer_key(cx, key));
            }
        }
        // A variant that writes core dumps of its container (its memory, the requests it
        // was serving included) to S3: "If you don't provide a KMS key ID, SageMaker uses
        // the default KMS key for Amazon S3" (the SageMaker API's
        // `ProductionVariantCoreDumpConfig`), which AWS manages.
        // A list, or a variant, that cannot be read before deploy (a custom resource's
        // attribute, `Fn::Select` of lists) may hold a variant that writes core dumps
        // under that default key: it fails, as an unread variant must not pass.
        for variants in ["/ProductionVariants", "/ShadowProductionVariants"] {
            let entries = match cx.prop(variants) {
                None => &[][..],
                Some(serde_json::Value::Array(items)) => items.as_slice(),
                Some(other) => {
                    checks.push(Err(format!(
                        "`{}` is {}, which no rule can read as a list of variants before deploy: a variant it holds may write core dumps under the AWS-managed key of Amazon S3; write the variants themselves",
                        super::pointer_name(variants),
                        super::meaning::text_or_json(other)
                    )));
                    &[][..]
                }
            };
            for (i, entry) in entries.iter().enumerate() {
                if super::meaning::no_value(entry) {
                    continue;
                }
                let literal = entry
                    .as_object()
                    .is_some_and(|m| !m.keys().any(|k| k == "Ref" || k.starts_with("Fn::")));
                if !literal {
                    checks.push(Err(format!(
                        "`{}` is {}, which no rule can read as a variant before deploy: it may write core dumps under the AWS-managed key of Amazon S3; write the variant itself",
                        super::pointer_name(&format!("{variants}/{i}")),
                        super::meaning::text_or_json(entry)
                    )));
                    continue;
                }
                let dump = format!("{variants}/{i}/CoreDumpConfig");
                if cx.prop(&dump).is_some() {
                    checks.push(customer_key(cx, &format!("{dump}/KmsKeyId")));
                }
            }
        }
    }
    all(checks)
}

/// The families of SageMaker instance types with local NVMe instance storage whose name
/// carries no `d`: "ML instance families with the NVMe-type instance storage include
/// ml.p4d, ml.g4dn, and ml.g5" (the SageMaker API's `ResourceConfig` `VolumeSizeInGB`);
/// G6, G6e, P5 (P5e, P5en), Trn1 (Trn1n) and Trn2 have NVMe SSD instance store on every
/// size (EC2 instance types guide, "Accelerated computing" specifications, instance store).
const NVME_FAMILIES: &[&str] = &[
    "g5", "g6", "g6e", "p5", "p5e", "p5en", "trn1", "trn1n", "trn2",
];

/// Whether a SageMaker instance type written as text (`ml.<family>.<size>`) has local
/// instance storage: a family whose additional capabilities (the letters after its
/// generation) include `d`, "d – Instance store volumes" (EC2 instance types guide,
/// "Amazon EC2 instance type naming conventions": `ml.m5d`, `ml.c5d`, `ml.r5d`, `ml.g4dn`,
/// `ml.p3dn`, `ml.p4d`, `ml.c6id`), or one of [`NVME_FAMILIES`].
fn has_local_storage(instance_type: &str) -> bool {
    let Some(family) = instance_type
        .strip_prefix("ml.")
        .and_then(|rest| rest.split_once('.'))
        .map(|(family, _)| family)
    else {
        return false;
    };
    if NVME_FAMILIES.contains(&family) {
        return true;
    }
    // The series letters, the generation digits, then the capabilities.
    let after_series = family.trim_start_matches(|c: char| c.is_ascii_lowercase());
    let capabilities = after_series.trim_start_matches(|c: char| c.is_ascii_digit());
    after_series.len() != family.len()
        && capabilities.len() != after_series.len()
        && capabilities.chars().all(|c| c.is_ascii_lowercase())
        && capabilities.contains('d')
}

/// An endpoint configuration whose every production and shadow variant runs on an instance
/// type with local instance storage, each written as text ([`has_local_storage`]): the
/// proofs of those types. SageMaker refuses `KmsKeyId` there, and the hardware encrypts
/// the storage: "Certain Nitro-based instances include local storage, dependent on the
/// instance type. Local storage volumes are encrypted using a hardware module on the
/// instance. You can't request a KmsKeyId when using an instance type with local storage.
/// If any of the models that you specify in the ProductionVariants parameter use
/// nitro-based instances with local storage, do not specify a value for the KmsKeyId
/// parameter" (the SageMaker API's `CreateEndpointConfig` `KmsKeyId`; probe 17b #4). A
/// serverless variant (`ServerlessConfig`, no `InstanceType`), a type known only at
/// deploy, a variant or list no rule can read, or one type without local storage among
/// them (whose EBS volume the configuration's key would encrypt, and which then takes the
/// AWS-managed key) is `None`: the configuration needs its key.
fn local_storage_variants(cx: &Cx<'_>) -> Option<Vec<super::Proof>> {
    if cx.resource.type_name() != ENDPOINT_CONFIG {
        return None;
    }
    let mut proofs = Vec::new();
    for variants in ["/ProductionVariants", "/ShadowProductionVariants"] {
        let entries = match cx.prop(variants) {
            None => continue,
            Some(v) if super::meaning::no_value(v) => continue,
            Some(serde_json::Value::Array(items)) => items,
            Some(_) => return None,
        };
        for (i, entry) in entries.iter().enumerate() {
            if super::meaning::no_value(entry) {
                continue;
            }
            let pointer = format!("{variants}/{i}/InstanceType");
            // The type as SageMaker receives it: text an intrinsic makes whole is that text.
            entry
                .get("InstanceType")
                .and_then(super::meaning::sent)
                .filter(|t| has_local_storage(t.trim()))?;
            proofs.push(cx.proof(&pointer)?);
        }
    }
    (!proofs.is_empty()).then_some(proofs)
}

/// What the domain's shared notebook output says, when it is not shown encrypted with a
/// key of the app (a failure for a key that is not, a gap for none): `DefaultUserSettings.SharingSettings` with `NotebookOutputOption` Allowed
/// copies notebook cell output to S3, encrypted with `S3KmsKeyId` ("When
/// NotebookOutputOption is Allowed, the AWS KMS key ID used to encrypt the notebook cell
/// output in the Amazon S3 bucket", `AWS::SageMaker::Domain` `SharingSettings`); the
/// reference does not say which key encrypts it without one. Not written, the option is
/// Disabled ("Whether to include the notebook cell output when sharing the notebook. The
/// default is `Disabled`", the SageMaker API's `SharingSettings`); written as anything but
/// the text Disabled (a parameter, a dynamic reference, another resource's value), it may
/// be Allowed at deploy and is read as Allowed.
fn shared_output(cx: &Cx<'_>) -> Option<Outcome> {
    let sharing = "/DefaultUserSettings/SharingSettings";
    let option = cx.prop(&format!("{sharing}/NotebookOutputOption"))?;
    let written = super::meaning::text(option)
        .filter(|o| !super::identity::dynamic(o))
        .map(|o| o.trim().to_owned());
    let allowed = match written.as_deref() {
        Some("Disabled") => return None,
        Some("Allowed") => "`NotebookOutputOption` Allowed".to_owned(),
        _ => format!(
            "`NotebookOutputOption` {}, known only at deploy, which may be Allowed",
            super::meaning::text_or_json(option)
        ),
    };
    let key = format!("{sharing}/S3KmsKeyId");
    match cx.prop(&key) {
        Some(_) => customer_key(cx, &key).err().map(|e| {
            Outcome::Fail(format!(
                "{e}: set `S3KmsKeyId` to a key of the app for the shared notebook output"
            ))
        }),
        None => Some(Outcome::Gap(format!(
            "`DefaultUserSettings.SharingSettings` shares notebook cell output to S3 ({allowed}) without `S3KmsKeyId`, and the reference does not say which key encrypts it then; set `S3KmsKeyId` to a key of the app, or set `NotebookOutputOption` to Disabled"
        ))),
    }
}

/// What the domain's Canvas artifacts say, when they are not shown encrypted with a key of
/// the app (a failure for a key that is not, a gap for none):
/// `DefaultUserSettings.CanvasAppSettings.WorkspaceSettings` names "The Amazon S3 bucket
/// used to store artifacts generated by Canvas" (`S3ArtifactPath`: the datasets users
/// import and the models they build, PHI and all) and `S3KmsKeyId`, "The AWS Key
/// Management Service (KMS) encryption key ID that is used to encrypt artifacts generated
/// by Canvas in the Amazon S3 bucket" (the SageMaker API's `WorkspaceSettings`, which
/// `AWS::SageMaker::Domain WorkspaceSettings` takes); neither reference says which key
/// encrypts them without one. Read only where the workspace settings are written.
fn canvas_output(cx: &Cx<'_>) -> Option<Outcome> {
    let workspace = "/DefaultUserSettings/CanvasAppSettings/WorkspaceSettings";
    cx.prop(workspace)?;
    let key = format!("{workspace}/S3KmsKeyId");
    match cx.prop(&key) {
        Some(_) => customer_key(cx, &key).err().map(|e| {
            Outcome::Fail(format!(
                "{e}: set `S3KmsKeyId` to a key of the app for the Canvas artifacts"
            ))
        }),
        None => Some(Outcome::Gap(
            "`DefaultUserSettings.CanvasAppSettings.WorkspaceSettings` stores Canvas artifacts (imported datasets, models) in S3 without `S3KmsKeyId`, and the reference does not say which key encrypts them then; set `S3KmsKeyId` to a key of the app".to_owned(),
        )),
    }
}

fn ml2(cx: &Cx<'_>) -> Outcome {
    if cx.resource.type_name() == DOMAIN {
        // "PublicInternetOnly - Non-EFS traffic goes through a VPC managed by Amazon
        // SageMaker, which allows internet access. This is the default value. VpcOnly - All
        // traffic is through the specified VPC and subnets." (`AWS::SageMaker::Domain`, the
        // CloudFormation reference).
        return all([cx.reads_as(
            "/AppNetworkAccessType",
            &["VpcOnly"],
            "the domain's apps reach the internet through a VPC of SageMaker, outside the app's VPC and its flow logs (PublicInternetOnly is the default)",
        )]);
    }
    all([
        cx.reads_as(
            "/DirectInternetAccess",
            &["Disabled"],
            "SageMaker gives the notebook its own way to the internet, outside the app's VPC and its flow logs",
        ),
        cx.present("/SubnetId"),
    ])
}

fn ml3(cx: &Cx<'_>) -> Outcome {
    let outcome = all([cx.reads_as(
        "/RootAccess",
        &["Disabled"],
        "every notebook user can become root and read or change anything on the instance",
    )]);
    // A lifecycle configuration runs as root whatever `RootAccess` says: "lifecycle
    // configurations associated with a notebook instance always run with root access even
    // if you disable root access for users" (the SageMaker API's `RootAccess`), and
    // "Updates to lifecycle configurations affect all notebook instances using that
    // configuration upon their next start. Lifecycle configuration scripts execute with
    // root access" (`UpdateNotebookInstanceLifecycleConfig`). Its script, which no rule
    // reads, may give the users root again at every start: a gap where the rule holds.
    match cx.prop("/LifecycleConfigName") {
        Some(name) => super::frontdoor::Unfiltered::gap_unless_failed(
            format!(
                "`LifecycleConfigName` is {}: its scripts run as root at every start of the notebook, whatever `RootAccess` says, and may give its users root again; no rule reads them",
                super::meaning::text_or_json(name)
            ),
            outcome,
        ),
        None => outcome,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    /// probe 17b #4: an endpoint configuration whose every variant runs on an instance type
    /// with local NVMe storage takes no `KmsKeyId` (SageMaker refuses one; the hardware
    /// encrypts the storage); captured data, asynchronous results and core dumps still
    /// need a key of the app, and a serverless variant, a type without local storage among
    /// them or a type known only at deploy still needs the configuration's key.
    #[test]
    fn variants_on_local_nvme_storage_need_no_volume_key() {
        let config = |variants: Value, more: Value| {
            let mut properties = json!({ "ProductionVariants": variants });
            if let (Some(p), Some(m)) = (properties.as_object_mut(), more.as_object()) {
                p.extend(m.clone());
            }
            Cx::check_first(
                ml1,
                &[
                    ("Infer", ENDPOINT_CONFIG, properties),
                    ("Key", "AWS::KMS::Key", json!({ "EnableKeyRotation": true })),
                ],
            )
        };
        let variant = |kind: Value| json!({ "VariantName": "v", "ModelName": "m", "InitialInstanceCount": 1, "InstanceType": kind });
        for kind in [
            "ml.g4dn.xlarge",
            "ml.g5.2xlarge",
            "ml.p4d.24xlarge",
            "ml.m5d.large",
            "ml.c5d.xlarge",
            "ml.r5d.large",
            "ml.p3dn.24xlarge",
            "ml.c6id.large",
            "ml.g6.xlarge",
            "ml.p5.48xlarge",
        ] {
            let found = config(json!([variant(json!(kind))]), json!({}));
            assert!(matches!(found, Outcome::Pass(_)), "{kind}: {found:?}");
        }
        // A key removed by `AWS::NoValue` is no key, as SageMaker asks there.
        assert!(matches!(
            config(
                json!([variant(json!("ml.g4dn.xlarge"))]),
                json!({ "KmsKeyId": { "Ref": "AWS::NoValue" } })
            ),
            Outcome::Pass(_)
        ));
        // Its nearest neighbours: types on EBS alone still need the key.
        for kind in [
            json!("ml.g4.xlarge"),
            json!("ml.m5.large"),
            json!("ml.c5.xlarge"),
            json!("ml.inf2.xlarge"),
            json!("ml.p3.2xlarge"),
            json!("ml.g4dn"),
            json!("g4dn.xlarge"),
            json!({ "Ref": "InstanceType" }),
            json!("{{resolve:ssm:/ml/type}}"),
            json!({ "Ref": "AWS::NoValue" }),
        ] {
            let found = config(json!([variant(kind.clone())]), json!({}));
            assert!(
                matches!(found, Outcome::Fail(ref f) if f.contains("KmsKeyId")),
                "{kind}: {found:?}"
            );
            let keyed = config(
                json!([variant(kind.clone())]),
                json!({ "KmsKeyId": { "Ref": "Key" } }),
            );
            assert!(matches!(keyed, Outcome::Pass(_)), "{kind}: {keyed:?}");
        }
        // A serverless variant, and a mix with a type on EBS.
        let serverless = json!({ "VariantName": "s", "ModelName": "m", "ServerlessConfig": { "MaxConcurrency": 1, "MemorySizeInMB": 2048 } });
        assert!(matches!(
            config(json!([serverless]), json!({})),
            Outcome::Fail(_)
        ));
        assert!(matches!(
            config(
                json!([
                    variant(json!("ml.g5.xlarge")),
                    variant(json!("ml.m5.large"))
                ]),
                json!({})
            ),
            Outcome::Fail(_)
        ));
        assert!(matches!(
            config(
                json!([variant(json!("ml.g5.xlarge"))]),
                json!({ "ShadowProductionVariants": [variant(json!("ml.c5.large"))] })
            ),
            Outcome::Fail(_)
        ));
        assert!(matches!(
            config(
                json!([variant(json!("ml.g5.xlarge"))]),
                json!({ "ShadowProductionVariants": [variant(json!("ml.g4dn.xlarge"))] })
            ),
            Outcome::Pass(_)
        ));
        // The other keys are still read.
        assert!(matches!(
            config(
                json!([variant(json!("ml.g4dn.xlarge"))]),
                json!({ "DataCaptureConfig": { "InitialSamplingPercentage": 100, "DestinationS3Uri": "s3://b/c", "CaptureOptions": [{ "CaptureMode": "Input" }] } })
            ),
            Outcome::Fail(ref f) if f.contains("DataCaptureConfig")
        ));
        assert!(matches!(
            config(
                json!([variant(json!("ml.g4dn.xlarge"))]),
                json!({ "DataCaptureConfig": { "KmsKeyId": { "Ref": "Key" }, "InitialSamplingPercentage": 100, "DestinationS3Uri": "s3://b/c", "CaptureOptions": [{ "CaptureMode": "Input" }] } })
            ),
            Outcome::Pass(_)
        ));
        assert!(matches!(
            config(
                json!([variant(json!("ml.g4dn.xlarge"))]),
                json!({ "AsyncInferenceConfig": { "OutputConfig": { "S3OutputPath": "s3://b/o" } } })
            ),
            Outcome::Fail(_)
        ));
        let dumping = json!({ "VariantName": "v", "ModelName": "m", "InitialInstanceCount": 1, "InstanceType": "ml.g5.xlarge", "CoreDumpConfig": { "DestinationS3Uri": "s3://b/d" } });
        assert!(matches!(
            config(json!([dumping]), json!({})),
            Outcome::Fail(_)
        ));
    }

    /// ML1 of a Studio domain (with the app's key `Key`) whose shared notebook output is
    /// `sharing`.
    fn domain_with(sharing: Value) -> Outcome {
        Cx::check_first(
            ml1,
            &[
                (
                    "Domain",
                    DOMAIN,
                    json!({
                        "DomainName": "research",
                        "AuthMode": "IAM",
                        "KmsKeyId": { "Ref": "Key" },
                        "DefaultUserSettings": { "SharingSettings": sharing },
                    }),
                ),
                ("Key", "AWS::KMS::Key", json!({ "EnableKeyRotation": true })),
            ],
        )
    }

    #[test]
    fn a_sharing_option_known_only_at_deploy_is_read_as_allowed() {
        for option in [
            json!({ "Ref": "ShareOutput" }),
            json!("{{resolve:ssm:/studio/share-output}}"),
            json!("Allowed"),
        ] {
            let found = domain_with(json!({ "NotebookOutputOption": option.clone() }));
            assert!(matches!(found, Outcome::Gap(_)), "{option}: {found:?}");
            let found = domain_with(
                json!({ "NotebookOutputOption": option.clone(), "S3KmsKeyId": "alias/aws/s3" }),
            );
            assert!(matches!(found, Outcome::Fail(_)), "{option}: {found:?}");
            let found = domain_with(
                json!({ "NotebookOutputOption": option.clone(), "S3KmsKeyId": { "Ref": "Key" } }),
            );
            assert!(matches!(found, Outcome::Pass(_)), "{option}: {found:?}");
        }
        for off in [json!({ "NotebookOutputOption": "Disabled" }), json!({})] {
            let found = domain_with(off.clone());
            assert!(matches!(found, Outcome::Pass(_)), "{off}: {found:?}");
        }
    }

    #[test]
    fn variants_that_cannot_be_read_may_write_core_dumps_under_an_aws_key() {
        let config = |variants: Value| {
            Cx::check_first(
                ml1,
                &[
                    (
                        "Config",
                        ENDPOINT_CONFIG,
                        json!({ "KmsKeyId": { "Ref": "Key" }, "ProductionVariants": variants }),
                    ),
                    ("Key", "AWS::KMS::Key", json!({ "EnableKeyRotation": true })),
                ],
            )
        };
        let variant = json!({ "VariantName": "a", "ModelName": "m", "InstanceType": "ml.m5.large", "InitialInstanceCount": 1 });
        let dumping = json!({ "VariantName": "a", "ModelName": "m", "InstanceType": "ml.m5.large", "InitialInstanceCount": 1, "CoreDumpConfig": { "DestinationS3Uri": "s3://dumps/a" } });
        assert!(matches!(config(json!([variant.clone()])), Outcome::Pass(_)));
        assert!(matches!(
            config(json!([variant.clone(), { "Ref": "AWS::NoValue" }])),
            Outcome::Pass(_)
        ));
        for unread in [
            json!({ "Fn::GetAtt": ["Lookup", "Variants"] }),
            json!([variant, { "Fn::GetAtt": ["Lookup", "Variant"] }]),
            json!([dumping]),
        ] {
            let found = config(unread.clone());
            assert!(matches!(found, Outcome::Fail(_)), "{unread}: {found:?}");
        }
    }
}

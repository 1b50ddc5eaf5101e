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
        fix: "set `KmsKeyId` to a key of the app on the notebook instance, Studio domain or endpoint configuration; on a domain also `S3KmsKeyId` of its shared notebook output (`SharingSettings`) and of its Canvas artifacts (`CanvasAppSettings.WorkspaceSettings`) where written; on an endpoint configuration also `DataCaptureConfig.KmsKeyId` when it captures requests and `AsyncInferenceConfig.OutputConfig.KmsKeyId` when it answers asynchronously and `CoreDumpConfig.KmsKeyId` on each (shadow) production variant that writes core dumps (instance types with local NVMe storage take no `KmsKeyId`: choose another type)",
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
    let mut checks = vec![customer_key(cx, "/KmsKeyId")];
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
        for variants in ["/ProductionVariants", "/ShadowProductionVariants"] {
            let count = cx
                .prop(variants)
                .and_then(|v| v.as_array())
                .map_or(0, Vec::len);
            for i in 0..count {
                let dump = format!("{variants}/{i}/CoreDumpConfig");
                if cx.prop(&dump).is_some() {
                    checks.push(customer_key(cx, &format!("{dump}/KmsKeyId")));
                }
            }
        }
    }
    all(checks)
}

/// What the domain's shared notebook output says, when it is not shown encrypted with a
/// key of the app (a failure for a key that is not, a gap for none): `DefaultUserSettings.SharingSettings` with `NotebookOutputOption` Allowed
/// copies notebook cell output to S3, encrypted with `S3KmsKeyId` ("When
/// NotebookOutputOption is Allowed, the AWS KMS key ID used to encrypt the notebook cell
/// output in the Amazon S3 bucket", `AWS::SageMaker::Domain` `SharingSettings`); the
/// reference does not say which key encrypts it without one.
fn shared_output(cx: &Cx<'_>) -> Option<Outcome> {
    let sharing = "/DefaultUserSettings/SharingSettings";
    let allowed = cx
        .prop(&format!("{sharing}/NotebookOutputOption"))
        .and_then(super::meaning::text)
        .is_some_and(|o| o.trim() == "Allowed");
    if !allowed {
        return None;
    }
    let key = format!("{sharing}/S3KmsKeyId");
    match cx.prop(&key) {
        Some(_) => customer_key(cx, &key).err().map(|e| {
            Outcome::Fail(format!(
                "{e}: set `S3KmsKeyId` to a key of the app for the shared notebook output"
            ))
        }),
        None => Some(Outcome::Gap(
            "`DefaultUserSettings.SharingSettings` shares notebook cell output to S3 (`NotebookOutputOption` Allowed) without `S3KmsKeyId`, and the reference does not say which key encrypts it then; set `S3KmsKeyId` to a key of the app, or set `NotebookOutputOption` to Disabled".to_owned(),
        )),
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

//! Amazon SageMaker notebook instances (whose volumes hold the data scientists load, PHI
//! included) and endpoint configurations (whose instances' volumes, captured requests and
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

pub(crate) static RULES: &[RuleSpec] = &[
    RuleSpec {
        id: "ML1",
        title: "SageMaker notebook instances and endpoint configurations encrypt what they store with a customer-managed key",
        types: &[NOTEBOOK, ENDPOINT_CONFIG],
        controls: &["164.312(a)(2)(iv)", "164.312(e)(2)(ii)"],
        fix: "set `KmsKeyId` to a key of the app on the notebook instance or endpoint configuration, and on an endpoint configuration also `DataCaptureConfig.KmsKeyId` when it captures requests and `AsyncInferenceConfig.OutputConfig.KmsKeyId` when it answers asynchronously and `CoreDumpConfig.KmsKeyId` on each (shadow) production variant that writes core dumps (instance types with local NVMe storage take no `KmsKeyId`: choose another type)",
        packs: Packs {
            cdk_nag: Some("HIPAA.Security-SageMakerNotebookInstanceKMSKeyConfigured"),
            checkov: Some("CKV_AWS_187"),
            guard: Some("SAGEMAKER_NOTEBOOK_INSTANCE_KMS_KEY_CONFIGURED"),
        },
        check: ml1,
    },
    RuleSpec {
        id: "ML2",
        title: "SageMaker notebook instances reach the internet only through the app's VPC",
        types: &[NOTEBOOK],
        controls: &["164.312(a)(1)", "164.312(e)(1)"],
        fix: "set `DirectInternetAccess` to Disabled and `SubnetId` (with `SecurityGroupIds`) to a private subnet of the app; reach package mirrors through VPC endpoints or a NAT gateway",
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
        fix: "set `RootAccess` to Disabled (lifecycle configurations still run as root)",
        packs: Packs {
            cdk_nag: None,
            checkov: None,
            guard: Some("SAGEMAKER_NOTEBOOK_INSTANCE_ROOT_ACCESS_CHECK"),
        },
        check: ml3,
    },
];

fn ml1(cx: &Cx<'_>) -> Outcome {
    let mut checks = vec![customer_key(cx, "/KmsKeyId")];
    if cx.resource.type_name() == ENDPOINT_CONFIG {
        // Captured requests and responses, and asynchronous results, are written to S3
        // with the key of their own configuration (the bucket's default key otherwise).
        for (config, key) in [
            ("/DataCaptureConfig", "/DataCaptureConfig/KmsKeyId"),
            (
                "/AsyncInferenceConfig",
                "/AsyncInferenceConfig/OutputConfig/KmsKeyId",
            ),
        ] {
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

fn ml2(cx: &Cx<'_>) -> Outcome {
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
    all([cx.reads_as(
        "/RootAccess",
        &["Disabled"],
        "every notebook user can become root and read or change anything on the instance",
    )])
}

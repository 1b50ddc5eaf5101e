//! The S3 staging bucket for templates too large to send inline (over 51,200 bytes).
//!
//! Created on first use, in the account and region of the deploy, named
//! `hipaa-stack-staging-<account>-<region>`: encrypted, versioned, public access blocked,
//! TLS only, ACLs disabled. It holds templates, never PHI, and is never deleted by the tool.

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    BucketVersioningStatus, ObjectOwnership, OwnershipControls, OwnershipControlsRule,
    PublicAccessBlockConfiguration, ServerSideEncryption, ServerSideEncryptionByDefault,
    ServerSideEncryptionConfiguration, ServerSideEncryptionRule, VersioningConfiguration,
};
use tokio::sync::OnceCell;

use super::api::{ApiError, classify};
use crate::compliance::report::sha256_hex;

/// Uploads templates to the staging bucket.
#[derive(Debug)]
pub struct Staging {
    s3: aws_sdk_s3::Client,
    sts: aws_sdk_sts::Client,
    region: String,
    endpoint: String,
    bucket: OnceCell<String>,
}

impl Staging {
    /// A staging area in `region`; `endpoint` names it in messages.
    pub fn new(
        s3: aws_sdk_s3::Client,
        sts: aws_sdk_sts::Client,
        region: impl Into<String>,
        endpoint: impl Into<String>,
    ) -> Self {
        Staging {
            s3,
            sts,
            region: region.into(),
            endpoint: endpoint.into(),
            bucket: OnceCell::new(),
        }
    }

    async fn bucket(&self) -> Result<&str, ApiError> {
        self.bucket
            .get_or_try_init(|| self.create_bucket())
            .await
            .map(String::as_str)
    }

    async fn create_bucket(&self) -> Result<String, ApiError> {
        let e = |err| classify(err, &self.endpoint);
        let identity = self
            .sts
            .get_caller_identity()
            .send()
            .await
            .map_err(|err| classify(err, &self.endpoint))?;
        let account = identity.account().unwrap_or("account");
        let bucket = format!("hipaa-stack-staging-{account}-{}", self.region);
        if self.s3.head_bucket().bucket(&bucket).send().await.is_ok() {
            return Ok(bucket);
        }
        let mut create = self.s3.create_bucket().bucket(&bucket);
        if self.region != "us-east-1" {
            create = create.create_bucket_configuration(
                aws_sdk_s3::types::CreateBucketConfiguration::builder()
                    .location_constraint(self.region.as_str().into())
                    .build(),
            );
        }
        create
            .send()
            .await
            .map_err(|err| classify(err, &self.endpoint))?;
        self.s3
            .put_public_access_block()
            .bucket(&bucket)
            .public_access_block_configuration(
                PublicAccessBlockConfiguration::builder()
                    .block_public_acls(true)
                    .block_public_policy(true)
                    .ignore_public_acls(true)
                    .restrict_public_buckets(true)
                    .build(),
            )
            .send()
            .await
            .map_err(|err| classify(err, &self.endpoint))?;
        let rule = ServerSideEncryptionRule::builder()
            .apply_server_side_encryption_by_default(
                ServerSideEncryptionByDefault::builder()
                    .sse_algorithm(ServerSideEncryption::Aes256)
                    .build()
                    .map_err(|err| ApiError::client("Build", err.to_string()))?,
            )
            .build();
        self.s3
            .put_bucket_encryption()
            .bucket(&bucket)
            .server_side_encryption_configuration(
                ServerSideEncryptionConfiguration::builder()
                    .rules(rule)
                    .build()
                    .map_err(|err| ApiError::client("Build", err.to_string()))?,
            )
            .send()
            .await
            .map_err(e)?;
        self.s3
            .put_bucket_versioning()
            .bucket(&bucket)
            .versioning_configuration(
                VersioningConfiguration::builder()
                    .status(BucketVersioningStatus::Enabled)
                    .build(),
            )
            .send()
            .await
            .map_err(|err| classify(err, &self.endpoint))?;
        self.s3
            .put_bucket_ownership_controls()
            .bucket(&bucket)
            .ownership_controls(
                OwnershipControls::builder()
                    .rules(
                        OwnershipControlsRule::builder()
                            .object_ownership(ObjectOwnership::BucketOwnerEnforced)
                            .build()
                            .map_err(|err| ApiError::client("Build", err.to_string()))?,
                    )
                    .build()
                    .map_err(|err| ApiError::client("Build", err.to_string()))?,
            )
            .send()
            .await
            .map_err(|err| classify(err, &self.endpoint))?;
        let policy = serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")],
                "Condition": { "Bool": { "aws:SecureTransport": "false" } },
            }],
        });
        self.s3
            .put_bucket_policy()
            .bucket(&bucket)
            .policy(policy.to_string())
            .send()
            .await
            .map_err(|err| classify(err, &self.endpoint))?;
        Ok(bucket)
    }

    /// Uploads a template and returns the URL CloudFormation reads it from.
    pub async fn upload(&self, app: &str, stack: &str, template: &str) -> Result<String, ApiError> {
        let bucket = self.bucket().await?.to_owned();
        let key = format!("{app}/{stack}/{}.template.json", sha256_hex(template));
        self.s3
            .put_object()
            .bucket(&bucket)
            .key(&key)
            .body(ByteStream::from(template.as_bytes().to_vec()))
            .content_type("application/json")
            .send()
            .await
            .map_err(|err| classify(err, &self.endpoint))?;
        Ok(format!(
            "https://{bucket}.s3.{}.amazonaws.com/{key}",
            self.region
        ))
    }
}

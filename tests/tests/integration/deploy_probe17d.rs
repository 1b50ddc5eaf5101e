//! Probe 17d: the deploy engine against AWS's documented behaviour, where moto is lenient.
//! Each test fails against the engine at `cd2d110`; see `/tmp/p17/report-d.md`.

use crate::deploy::{deployer, options, output, two_stacks};
use crate::fake::Fake;
use crate::moto::{Moto, STAGING};

/// S3 API reference, PutObject, `SSEKMSKeyId`: "If you specify
/// x-amz-server-side-encryption:aws:kms … but do not provide
/// x-amz-server-side-encryption-aws-kms-key-id, Amazon S3 uses the Amazon Web Services managed
/// key (aws/s3) to protect the data." The bucket's default key (ServerSideEncryptionByDefault:
/// "If a PUT Object request doesn't specify any server-side encryption, this default encryption
/// will be applied") applies only to a request that names no encryption. moto fills the
/// bucket's default key in anyway (`moto/s3/models.py`, put_object), so it hides this.
///
/// The staging bucket's default is a customer managed key of the account (accepted by
/// `own_key`): every object the engine writes there (templates, the run lock) must be under
/// that key, i.e. the request either names no encryption or names that key.
#[tokio::test]
async fn deploy_staging_uploads_are_under_the_buckets_default_kms_key() {
    let moto = Moto::start();
    let (proxy, seen) = Fake::recording_proxy(&moto.endpoint);
    let first = crate::deploy::big_stack(25);
    deployer_at(&proxy.endpoint, &first)
        .await
        .up()
        .await
        .unwrap();

    // The organisation sets its own customer managed key as the bucket's default.
    let key = staging_default_key(&moto, true).await;
    seen.lock().unwrap().clear();

    let second = crate::deploy::big_stack(26);
    deployer_at(&proxy.endpoint, &second)
        .await
        .up()
        .await
        .unwrap();

    let requests = seen.lock().unwrap().clone();
    let prefix = format!("PUT /{STAGING}/");
    let puts: Vec<String> = requests
        .iter()
        .filter(|r| r.starts_with(&prefix))
        .filter(|r| {
            // Objects only: not the bucket's own subresources (`PUT /bucket/?policy`).
            let path = r.split_whitespace().nth(1).unwrap_or_default();
            let rest = path
                .strip_prefix(&format!("/{STAGING}/"))
                .unwrap_or_default();
            !rest.is_empty() && !rest.starts_with('?')
        })
        .cloned()
        .collect();
    assert!(
        puts.iter().any(|r| r.contains("/e2e/big/")),
        "no template upload seen: {:?}",
        puts.iter().map(|r| r.lines().next()).collect::<Vec<_>>()
    );
    let wrong: Vec<String> = puts
        .iter()
        .filter(|r| {
            let lower = r.to_ascii_lowercase();
            lower.contains("x-amz-server-side-encryption: aws:kms")
                && !lower.contains(&format!(
                    "x-amz-server-side-encryption-aws-kms-key-id: {}",
                    key.to_ascii_lowercase()
                ))
        })
        .map(|r| r.lines().next().unwrap_or_default().to_owned())
        .collect();
    assert!(
        wrong.is_empty(),
        "PutObject with SSE aws:kms and no key id: AWS encrypts these with aws/s3, not the bucket's key {key}: {wrong:#?}"
    );
}

/// `destroy` keeps a `SecureBucket` (DeletionPolicy Retain) and says it is kept as a store of
/// PHI, but its TLS-only `AWS::S3::BucketPolicy` has no DeletionPolicy and goes with the
/// stack (CloudFormation User Guide, DeletionPolicy attribute: "If a resource has no
/// DeletionPolicy attribute, CloudFormation deletes the resource by default"; deleting an
/// `AWS::S3::BucketPolicy` is DeleteBucketPolicy). The kept bucket of PHI then takes requests
/// without TLS, and nothing in what `destroy` returns says so.
#[tokio::test]
async fn deploy_a_bucket_kept_by_destroy_keeps_its_tls_only_policy() {
    let moto = Moto::start();
    let assembly = two_stacks(false, &[]);
    let deployed = deployer(&moto, &assembly, options())
        .await
        .up()
        .await
        .unwrap();
    let bucket = output(&deployed, "data", "RecordsBucket").to_owned();
    let s3 = moto.s3().await;
    let before = s3.get_bucket_policy().bucket(&bucket).send().await.unwrap();
    assert!(
        before
            .policy()
            .unwrap_or_default()
            .contains("aws:SecureTransport")
    );

    let destroyed = deployer(&moto, &assembly, options())
        .await
        .destroy()
        .await
        .unwrap();
    let kept = destroyed
        .retained
        .iter()
        .find(|r| r.physical_id == bucket)
        .expect("the bucket is kept");
    let after = s3.get_bucket_policy().bucket(&bucket).send().await;
    let tls_only = after
        .as_ref()
        .ok()
        .and_then(|p| p.policy())
        .is_some_and(|p| p.contains("aws:SecureTransport"));
    let said = destroyed
        .warnings
        .iter()
        .chain(std::iter::once(&kept.why))
        .any(|w| w.contains("bucket policy") || w.contains("TLS"));
    assert!(
        tls_only || said,
        "kept bucket `{bucket}` ({}) lost its TLS-only bucket policy and nothing says so: {:?}",
        kept.why,
        after.map(|p| p.policy().map(str::to_owned)).map_err(|e| {
            use aws_sdk_s3::error::ProvideErrorMetadata;
            e.code().map(str::to_owned)
        })
    );
}

async fn deployer_at<'a>(
    endpoint: &str,
    assembly: &'a hipaa_stack::Assembly,
) -> hipaa_stack::deploy::Deployer<'a, hipaa_stack::deploy::SdkApi> {
    let c = crate::deploy::connection(endpoint).await;
    hipaa_stack::deploy::Deployer::new(c.cloudformation, assembly, options(), Some(c.staging))
}

/// The partition of the European Sovereign Cloud: `aws-eusc`, region `eusc-de-east-1`, DNS
/// suffix `amazonaws.eu` (the SDK's own partition table, `aws-sdk-s3` 1.157,
/// `endpoint_lib.rs`: `{"id":"aws-eusc","outputs":{"dnsSuffix":"amazonaws.eu",…},
/// "regionRegex":"^eusc\\-(de)\\-\\w+\\-\\d+$"}`; likewise `aws-iso-e` (`eu-isoe-`,
/// `cloud.adc-e.uk`) and `aws-iso-f` (`us-isof-`, `csp.hci.ic.gov`)). `staging::partition`
/// knows none of them and answers `aws`/`amazonaws.com`: the staging bucket's policy names
/// `arn:aws:s3:::…` and the `TemplateURL` points at `….amazonaws.com`, a host that does not
/// serve that partition. As the GovCloud test in `safety.rs` does for `aws-us-gov`.
#[tokio::test]
async fn deploy_in_the_european_sovereign_cloud_the_staging_bucket_has_its_arns_and_urls() {
    use hipaa_stack::deploy::{Connection, Deployer, TemplateSource};
    let moto = Moto::start();
    let assembly = crate::deploy::big_stack(25);
    let region = "eusc-de-east-1";
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(&moto.endpoint)
        .region(aws_config::Region::new(region))
        .credentials_provider(aws_sdk_s3::config::Credentials::new(
            "test", "test", None, None, "tests",
        ))
        .retry_config(aws_config::retry::RetryConfig::disabled())
        .timeout_config(hipaa_stack::deploy::timeouts())
        .load()
        .await;
    let c = Connection::from_config(&config).unwrap();
    let d = Deployer::new(
        crate::faults::Faulty::new(c.cloudformation, crate::faults::Faults::default()),
        &assembly,
        options(),
        Some(c.staging),
    );
    let result = d.up().await;
    let bucket = format!("hipaa-stack-staging-123456789012-{region}");
    let requests = d.api().requests();
    let url = match requests.first().map(|r| &r.template) {
        Some(TemplateSource::Url(url)) => url.clone(),
        other => panic!("no TemplateURL sent ({result:?}): {other:?}"),
    };
    assert!(
        url.starts_with(&format!("https://{bucket}.s3.{region}.amazonaws.eu/")),
        "TemplateURL outside the aws-eusc partition: {url}"
    );
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&config)
            .force_path_style(true)
            .build(),
    );
    let policy = s3.get_bucket_policy().bucket(&bucket).send().await.unwrap();
    assert!(
        policy
            .policy()
            .unwrap_or_default()
            .contains(&format!("arn:aws-eusc:s3:::{bucket}")),
        "{:?}",
        policy.policy()
    );
}

/// A role without `cloudformation:DescribeStackEvents` (AWS answers `AccessDenied`; moto
/// grants everything): the engine reads events only through `mark`, `events_since` and
/// `read_events`, each `.unwrap_or_default()` (engine.rs 1426-1465), so the refusal is
/// dropped. A failed update is then explained as "no failed resource was reported", and the
/// missing permission is named nowhere; the promise is "a missing permission gets a clear
/// error naming the stack and saying what to do".
#[tokio::test]
async fn deploy_a_failure_read_without_describe_stack_events_names_the_permission() {
    use hipaa_stack::deploy::StackEvent;
    let moto = Moto::start();
    let assembly = two_stacks(false, &[]);
    let event = |id: &str, logical: &str, status: &str, reason: &str| StackEvent {
        id: id.to_owned(),
        logical_id: logical.to_owned(),
        status: status.to_owned(),
        reason: Some(reason.to_owned()),
        ..StackEvent::default()
    };
    let faults = crate::faults::Faults {
        events_denied: true,
        fail_with_events: [(
            "data".to_owned(),
            vec![
                event("2", "data", "ROLLBACK_COMPLETE", ""),
                event(
                    "1",
                    "Records",
                    "CREATE_FAILED",
                    "Access Denied for kms:GenerateDataKey",
                ),
            ],
        )]
        .into(),
        ..crate::faults::Faults::default()
    };
    let err = crate::deploy::faulty(&moto, &assembly, faults, options())
        .await
        .up()
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("DescribeStackEvents"),
        "the refused DescribeStackEvents is not named: {err}"
    );
}

/// With `DescribeStackEvents` refused, `mark` is `None` and `wait` takes `started` as true
/// (engine.rs 1351, "Without a mark (no event could be read) nothing is checked"): the first
/// DescribeStacks after ExecuteChangeSet, which on AWS may still give the status from before
/// (API reference, ExecuteChangeSet: "After the call successfully completes, CloudFormation
/// starts updating the stack"), is taken for the execution's end. `up` then reports the
/// update done with the old outputs (and would set a production stack's policy back while
/// the execution runs). The refusal should stop the run, or the engine should wait for the
/// status to change.
#[tokio::test]
async fn deploy_without_describe_stack_events_a_stale_status_is_not_taken_for_the_end() {
    use hipaa_stack::deploy::PlanState;
    let moto = Moto::start();
    let first = two_stacks(false, &[]);
    deployer(&moto, &first, options()).await.up().await.unwrap();
    let second = two_stacks(true, &[]);
    let faults = crate::faults::Faults {
        events_denied: true,
        not_started_polls: 3,
        ..crate::faults::Faults::default()
    };
    let d = crate::deploy::faulty(&moto, &second, faults, options()).await;
    match d.up().await {
        Err(e) => assert!(
            e.to_string().contains("DescribeStackEvents"),
            "refused without naming the permission: {e}"
        ),
        Ok(deployed) => {
            let data = deployed.iter().find(|d| d.stack == "data").unwrap();
            assert_eq!(data.state, PlanState::Update, "{deployed:?}");
            assert!(
                data.outputs.iter().any(|(k, _)| k == "DataKeyArn"),
                "`up` reported the update of `data` done from a status read before it ran: outputs {:?}",
                data.outputs
            );
        }
    }
}

/// Creates a customer managed key and makes it the staging bucket's default encryption
/// (SSE-KMS, with an S3 Bucket Key when `bucket_key`, else no Bucket Key setting), as an
/// organisation may after the tool made the bucket; the key's ARN.
async fn staging_default_key(moto: &Moto, bucket_key: bool) -> String {
    use aws_sdk_s3::types::{
        ServerSideEncryption, ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration,
        ServerSideEncryptionRule,
    };
    let config = moto.config().await;
    let key = aws_sdk_kms::Client::new(&config)
        .create_key()
        .send()
        .await
        .unwrap()
        .key_metadata()
        .unwrap()
        .arn()
        .unwrap()
        .to_owned();
    moto.s3()
        .await
        .put_bucket_encryption()
        .bucket(STAGING)
        .server_side_encryption_configuration(
            ServerSideEncryptionConfiguration::builder()
                .rules(
                    ServerSideEncryptionRule::builder()
                        .apply_server_side_encryption_by_default(
                            ServerSideEncryptionByDefault::builder()
                                .sse_algorithm(ServerSideEncryption::AwsKms)
                                .kms_master_key_id(&key)
                                .build()
                                .unwrap(),
                        )
                        .set_bucket_key_enabled(bucket_key.then_some(true))
                        .build(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    key
}

/// The key each staging object is under, as S3 reports it (HeadObject `SSEKMSKeyId`).
async fn object_keys(moto: &Moto) -> Vec<(String, Option<String>)> {
    let s3 = moto.s3().await;
    let mut out = Vec::new();
    for key in moto.staging_keys().await {
        let head = s3
            .head_object()
            .bucket(STAGING)
            .key(&key)
            .send()
            .await
            .unwrap();
        out.push((key, head.ssekms_key_id().map(str::to_owned)));
    }
    out
}

/// The neighbours of the key id, read back from the endpoint rather than a proxy (the harness
/// encrypts a request that names `aws:kms` and no key with `aws/s3`, as S3 does): the tool's
/// own bucket, whose default is the AWS managed key, holds its templates under `aws/s3`; once
/// the organisation sets its own key as the default, the templates written after are under
/// that key, the ones before are left as they were, and a template deployed again unchanged is
/// not written again.
#[tokio::test]
async fn deploy_staging_objects_read_back_under_the_key_of_the_bucket_when_written() {
    let moto = Moto::start();
    let first = crate::deploy::big_stack(25);
    deployer(&moto, &first, options()).await.up().await.unwrap();
    let before = object_keys(&moto).await;
    let templates_before: Vec<&(String, Option<String>)> = before
        .iter()
        .filter(|(k, _)| k.ends_with(".template.json"))
        .collect();
    assert!(!templates_before.is_empty(), "{before:?}");
    assert!(
        templates_before
            .iter()
            .all(|(_, key)| key.as_deref() == Some("alias/aws/s3")),
        "the tool's own bucket has the AWS managed key as its default: {before:?}"
    );

    let key = staging_default_key(&moto, false).await;
    let second = crate::deploy::big_stack(26);
    deployer(&moto, &second, options())
        .await
        .up()
        .await
        .unwrap();
    let after = object_keys(&moto).await;
    let new: Vec<&(String, Option<String>)> = after
        .iter()
        .filter(|(k, _)| k.ends_with(".template.json") && !before.iter().any(|(b, _)| b == k))
        .collect();
    assert!(!new.is_empty(), "no new template: {after:?}");
    assert!(
        new.iter().all(|(_, k)| k.as_deref() == Some(key.as_str())),
        "templates written after the organisation set its key are not under it ({key}): {new:?}"
    );
    for (object, was) in &before {
        let now = after.iter().find(|(k, _)| k == object).map(|(_, k)| k);
        assert_eq!(now, Some(was), "{object} was written again");
    }
}

/// The neighbour of a refused DescribeStackEvents: an endpoint without the call (no event can
/// be read, and none is refused). The run goes on, and the status read before the execution
/// (`not_started_polls`) is still not taken for its end: the engine waits until the status or
/// `LastUpdatedTime` moves past what it read before the execute.
#[tokio::test]
async fn deploy_with_no_event_readable_a_stale_status_is_still_not_taken_for_the_end() {
    use hipaa_stack::deploy::PlanState;
    let moto = Moto::start();
    let first = two_stacks(false, &[]);
    deployer(&moto, &first, options()).await.up().await.unwrap();
    let second = two_stacks(true, &[]);
    let faults = crate::faults::Faults {
        events_unsupported: true,
        not_started_polls: 3,
        ..crate::faults::Faults::default()
    };
    let d = crate::deploy::faulty(&moto, &second, faults, options()).await;
    let deployed = d.up().await.unwrap();
    let data = deployed.iter().find(|d| d.stack == "data").unwrap();
    assert_eq!(data.state, PlanState::Update, "{deployed:?}");
    assert!(
        data.outputs.iter().any(|(k, _)| k == "DataKeyArn"),
        "`up` reported the update of `data` done from a status read before it ran: outputs {:?}",
        data.outputs
    );
}

/// `destroy` reads the events of a failed deletion to keep what CloudFormation may not delete;
/// with DescribeStackEvents refused it stops before deleting, naming the permission and the
/// stack, rather than deleting with no way to tell why a deletion failed.
#[tokio::test]
async fn deploy_destroy_without_describe_stack_events_names_the_permission() {
    let moto = Moto::start();
    let assembly = two_stacks(false, &[]);
    deployer(&moto, &assembly, options())
        .await
        .up()
        .await
        .unwrap();
    let faults = crate::faults::Faults {
        events_denied: true,
        ..crate::faults::Faults::default()
    };
    let err = crate::deploy::faulty(&moto, &assembly, faults, options())
        .await
        .destroy()
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("cloudformation:DescribeStackEvents") && err.contains("stack `"),
        "{err}"
    );
    let cfn = aws_sdk_cloudformation::Client::new(&moto.config().await);
    let left = cfn.describe_stacks().stack_name("data").send().await;
    assert!(
        left.is_ok(),
        "`data` was deleted with its events unreadable"
    );
}

//! The S3 staging bucket: templates too large to send inline (over 51,200 bytes), and the
//! lock that keeps two runs of one app apart.
//!
//! By default the bucket is `hipaa-stack-staging-<account>-<region>`, created on first use in
//! the account and region of the deploy. A predictable name can be claimed by anyone, so the
//! bucket is never trusted by its name:
//!
//! - every call names the expected owner (`ExpectedBucketOwner`, the account of
//!   `GetCallerIdentity`): S3 refuses the call when another account owns the bucket;
//! - an existing bucket is checked before use: encryption with a KMS key of the account
//!   (SSE-KMS), a TLS-only bucket policy that grants nothing to anyone, the public-access
//!   block, versioning, ownership controls (`BucketOwnerEnforced`) and a lifecycle rule for
//!   old templates. The tool's own bucket is repaired (and each repair said); a bucket named
//!   with `--staging-bucket` belongs to the organisation that made it and is refused, with
//!   every reason, rather than changed;
//! - ARNs and URLs follow the partition of the region (`aws`, `aws-cn`, `aws-us-gov`,
//!   `aws-eusc`, …; the SDK's table in `src/partition.rs`);
//! - every object is written under the bucket's own default KMS key, named in the request
//!   (see `Ready::put`).
//!
//! It holds templates, never PHI, and is never deleted by the tool.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    AbortIncompleteMultipartUpload, BucketLifecycleConfiguration, BucketVersioningStatus,
    ExpirationStatus, LifecycleExpiration, LifecycleRule, LifecycleRuleFilter,
    NoncurrentVersionExpiration, ObjectOwnership, OwnershipControls, OwnershipControlsRule,
    PublicAccessBlockConfiguration, ServerSideEncryption, ServerSideEncryptionByDefault,
    ServerSideEncryptionConfiguration, ServerSideEncryptionRule, VersioningConfiguration,
};
use tokio::sync::OnceCell;

use super::api::{ApiError, ApiErrorKind, classify};
use super::error::{DeployError, action};
use super::retry::{CallCounts, RetryPolicy, with_retry};
use crate::digest::sha256_hex;

/// The partition of a region and its DNS suffix: `("aws-us-gov", "amazonaws.com")` for
/// `us-gov-west-1`, `("aws-cn", "amazonaws.com.cn")` for `cn-north-1`,
/// `("aws-eusc", "amazonaws.eu")` for `eusc-de-east-1`, from the SDK's partition table
/// (`src/partition.rs`). A region of no partition reaches here only with a local endpoint
/// (`AWS_ENDPOINT_URL`, which takes other names; for AWS the connection refuses it first):
/// it is written as `aws`.
pub fn partition(region: &str) -> (&'static str, &'static str) {
    crate::partition::of(region).map_or(("aws", "amazonaws.com"), |p| (p.id, p.dns_suffix))
}

/// The ARN of a bucket in `region`'s partition.
pub fn bucket_arn(bucket: &str, region: &str) -> String {
    format!("arn:{}:s3:::{bucket}", partition(region).0)
}

/// The URL CloudFormation reads an object of the bucket from, in `region`'s partition.
///
/// The key is percent-encoded (RFC 3986, section 2) but for its unreserved characters and
/// the `/` between its parts, and a part that is `.` or `..` has its dots encoded: written
/// raw, a key with a space or a letter outside ASCII (an app named `Klinik Zürich`) makes no
/// URL at all, `#` and `?` end the path, and `..` climbs a level, so CloudFormation would
/// read another object or none (API reference, CreateChangeSet, `TemplateURL`; S3 decodes
/// the path back into the key).
pub fn object_url(bucket: &str, region: &str, key: &str) -> String {
    format!(
        "https://{bucket}.s3.{region}.{}/{}",
        partition(region).1,
        url_path(key)
    )
}

/// The most bytes of a name that a staging key holds as written (see [`key_part`]).
const MAX_KEY_PART: usize = 200;

/// The staging key of a template: `{app}/{stack}/{sha256}.template.json`, named by its
/// content, each name as [`key_part`] writes it. At most 480 bytes whatever the names: S3
/// takes a key of up to 1,024 bytes of UTF-8 (Amazon S3 User Guide, "Naming Amazon S3
/// objects"; a longer one is `KeyTooLongError`), and an app's name may be 256 letters of 4
/// bytes each.
pub(crate) fn template_key(app: &str, stack: &str, template: &str) -> String {
    format!(
        "{}/{}/{}.template.json",
        key_part(app),
        key_part(stack),
        sha256_hex(template)
    )
}

/// The key of the run lock of `app`: `locks/{app}.json`, the name as [`key_part`] writes it,
/// so that it too stays within S3's 1,024 bytes and holds no relative path element.
fn lock_key(app: &str) -> String {
    format!("locks/{}.json", key_part(app))
}

/// A name as one part of a staging key: as written, unless it is empty, over
/// [`MAX_KEY_PART`] bytes, holds a `/`, or is dots alone (`.`, `..`: relative path elements,
/// which URL clients resolve before a request is sent, RFC 3986, section 5.2.4, so that the
/// object written and the one CloudFormation reads could differ). Such a name is written as
/// its ASCII letters, digits, `-` and `_` (at most 64) and the first 128 bits of its
/// SHA-256: the same on every run, and as unique as the template's own digest after it (two
/// names that met here would name the same stack's same template, the same bytes).
fn key_part(name: &str) -> String {
    if !name.is_empty()
        && name.len() <= MAX_KEY_PART
        && !name.contains('/')
        && !name.chars().all(|c| c == '.')
    {
        return name.to_owned();
    }
    let readable: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .take(64)
        .collect();
    let digest = &sha256_hex(name)[..32];
    if readable.is_empty() {
        digest.to_owned()
    } else {
        format!("{readable}-{digest}")
    }
}

/// `key` as the path of a URL (see [`object_url`]).
fn url_path(key: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(key.len());
    for (i, part) in key.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        if part == "." || part == ".." {
            out.push_str(&"%2E".repeat(part.len()));
            continue;
        }
        for b in part.bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                out.push(char::from(b));
            } else {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

/// The bucket policy of the staging bucket: deny every request not made over TLS. It grants
/// nothing; access comes from the account's own IAM policies.
pub fn bucket_policy(bucket: &str, region: &str) -> serde_json::Value {
    let arn = bucket_arn(bucket, region);
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [arn.clone(), format!("{arn}/*")],
            "Condition": { "Bool": { "aws:SecureTransport": "false" } },
        }],
    })
}

/// The name of the tool's own staging bucket for an account and region.
pub fn default_bucket_name(account: &str, region: &str) -> String {
    format!("hipaa-stack-staging-{account}-{region}")
}

/// A bucket checked and ready.
#[derive(Debug, Clone)]
struct Ready {
    bucket: String,
    account: String,
    /// The KMS key of the bucket's default encryption, as `GetBucketEncryption` gives it
    /// (`None`: the AWS managed key `aws/s3`), which every PutObject names (see
    /// [`Ready::put`]).
    key: Option<String>,
}

impl Ready {
    /// A PutObject into the bucket, with its owner expected and under the bucket's own KMS
    /// key. A request that names `aws:kms` and no key id is encrypted with the AWS managed key
    /// `aws/s3`, whatever the bucket's default (S3 API reference, PutObject, `SSEKMSKeyId`:
    /// "If you specify x-amz-server-side-encryption:aws:kms … but do not provide
    /// x-amz-server-side-encryption-aws-kms-key-id, Amazon S3 uses the Amazon Web Services
    /// managed key (aws/s3) to protect the data"): so the key read from the bucket is named,
    /// with the `aws:kms` header, which a bucket policy that requires that header also takes.
    fn put(
        &self,
        s3: &aws_sdk_s3::Client,
        key: &str,
    ) -> aws_sdk_s3::operation::put_object::builders::PutObjectFluentBuilder {
        let put = s3
            .put_object()
            .bucket(&self.bucket)
            .expected_bucket_owner(&self.account)
            .key(key)
            .server_side_encryption(ServerSideEncryption::AwsKms);
        match &self.key {
            Some(k) => put.ssekms_key_id(k),
            None => put,
        }
    }
}

/// Uploads templates to the staging bucket, and holds the run lock of an app.
#[derive(Debug)]
pub struct Staging {
    s3: aws_sdk_s3::Client,
    sts: aws_sdk_sts::Client,
    region: String,
    endpoint: String,
    name: Option<String>,
    account: OnceCell<String>,
    ready: OnceCell<Ready>,
    notes: std::sync::Mutex<Vec<String>>,
}

/// The lock of one run of an app, released with [`Staging::unlock`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunLock {
    /// The app's name as the program gave it (`App::new`), which messages show: the key
    /// may hold it as a digest ([`key_part`]).
    app: String,
    key: String,
    run: String,
    /// Whether another run held the lock first, so that this one waited for it.
    waited: bool,
    /// The ETag of the lock as this run last wrote it (`None` when S3 gave none): a renewal
    /// replaces that object and only it (`If-Match`).
    etag: Option<String>,
    /// The command and start of the run, written again by a renewal.
    command: String,
    started: u64,
}

impl RunLock {
    /// Whether another run held the lock first: what this run read before may be stale.
    pub fn waited(&self) -> bool {
        self.waited
    }
}

/// What a lock object says.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct LockBody {
    run: String,
    pid: u32,
    started: u64,
    expires: u64,
    command: String,
    /// The boot of the machine the run is on (Linux's `boot_id`), so that a run of this
    /// machine that no longer exists can be told from one elsewhere.
    #[serde(default)]
    boot: Option<String>,
}

/// The runs of this process that are under way (a run whose future was dropped is not).
static LIVE_RUNS: std::sync::Mutex<std::collections::BTreeSet<String>> =
    std::sync::Mutex::new(std::collections::BTreeSet::new());

/// Marks a run of this process as under way for as long as it lives; a run cancelled by
/// dropping its future (as a caller's timeout does) stops being one, and its lock can be
/// taken over at once.
#[derive(Debug)]
pub struct LiveRun(String);

impl LiveRun {
    /// Marks `run` as under way.
    pub fn new(run: &str) -> Self {
        if let Ok(mut live) = LIVE_RUNS.lock() {
            live.insert(run.to_owned());
        }
        LiveRun(run.to_owned())
    }
}

impl Drop for LiveRun {
    fn drop(&mut self) {
        if let Ok(mut live) = LIVE_RUNS.lock() {
            live.remove(&self.0);
        }
    }
}

/// This machine's boot, where the system says (Linux).
fn boot_id() -> Option<String> {
    std::fs::read_to_string("/proc/sys/kernel/random/boot_id")
        .ok()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// Whether the run holding a lock is known to be gone: a run of this very process that is
/// no longer under way, or a process of this machine (same boot) that no longer exists. A
/// run on another machine is never judged gone: its lock expires.
fn holder_gone(holder: &LockBody) -> bool {
    let (Some(theirs), Some(ours)) = (&holder.boot, boot_id()) else {
        return false;
    };
    if *theirs != ours {
        return false;
    }
    if holder.pid == std::process::id() {
        return LIVE_RUNS
            .lock()
            .map(|live| !live.contains(&holder.run))
            .unwrap_or(false);
    }
    !std::path::Path::new(&format!("/proc/{}", holder.pid)).exists()
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
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
            name: None,
            account: OnceCell::new(),
            ready: OnceCell::new(),
            notes: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// Uses a bucket the organisation made instead of the tool's own: it is checked, never
    /// changed, and refused when it falls short.
    pub fn with_bucket(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The region.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The regions it works in, by what: the region it was made for (where its bucket is
    /// named and made) and the one its S3 client sends its calls to, when the client knows it.
    pub(crate) fn sends_to(&self) -> Vec<(&'static str, Option<String>)> {
        vec![
            ("S3 staging area", Some(self.region.clone())),
            ("S3", self.s3.config().region().map(ToString::to_string)),
        ]
    }

    /// What preparing the bucket did (created it, repaired a setting), one line each; taken,
    /// so each is said once.
    pub fn take_notes(&self) -> Vec<String> {
        self.notes
            .lock()
            .map(|mut n| std::mem::take(&mut *n))
            .unwrap_or_default()
    }

    fn note(&self, line: String) {
        if let Ok(mut n) = self.notes.lock() {
            n.push(line);
        }
    }

    /// The bucket, checked (and, when it is the tool's own, created or repaired) once per run.
    async fn ready(&self, retry: RetryPolicy, counts: &CallCounts) -> Result<&Ready, DeployError> {
        self.ready
            .get_or_try_init(|| self.prepare(retry, counts))
            .await
    }

    /// The account of the credentials (`GetCallerIdentity`), asked once per run.
    pub async fn account(
        &self,
        retry: RetryPolicy,
        counts: &CallCounts,
    ) -> Result<&str, DeployError> {
        self.account
            .get_or_try_init(|| async {
                let endpoint = self.endpoint.clone();
                let identity = with_retry(retry, counts, "GetCallerIdentity", || async {
                    self.sts
                        .get_caller_identity()
                        .send()
                        .await
                        .map_err(|e| classify(e, &endpoint))
                })
                .await
                .map_err(|e| match e.kind {
                    ApiErrorKind::Denied => DeployError::AccessDenied {
                        stack: None,
                        bucket: None,
                        action: action("GetCallerIdentity"),
                        message: e.to_string(),
                    },
                    ApiErrorKind::Unreachable | ApiErrorKind::Credentials => {
                        DeployError::api("", "GetCallerIdentity", e)
                    }
                    _ => DeployError::Staging {
                        bucket: self
                            .name
                            .clone()
                            .unwrap_or_else(|| "(not yet known)".to_owned()),
                        operation: "GetCallerIdentity",
                        source: e,
                    },
                })?;
                identity
                    .account()
                    .map(str::to_owned)
                    .ok_or_else(|| DeployError::Credentials {
                        stack: None,
                        operation: Some("GetCallerIdentity"),
                        clock_skew: false,
                        message: "GetCallerIdentity named no account".to_owned(),
                    })
            })
            .await
            .map(String::as_str)
    }

    async fn prepare(&self, retry: RetryPolicy, counts: &CallCounts) -> Result<Ready, DeployError> {
        let endpoint = self.endpoint.clone();
        let account = self.account(retry, counts).await?.to_owned();
        let own = self.name.is_none();
        let bucket = self
            .name
            .clone()
            .unwrap_or_else(|| default_bucket_name(&account, &self.region));
        let refuse = |reasons: Vec<String>| DeployError::StagingRefused {
            bucket: bucket.clone(),
            reasons,
            hint: if own {
                "another account owns this name: pass `--staging-bucket NAME` with a bucket of your account".to_owned()
            } else {
                "fix the bucket, or leave `--staging-bucket` out so that the tool makes its own"
                    .to_owned()
            },
        };

        // Is there a bucket of that name, and is it ours? HeadBucket answers with a bare 403
        // a request signed at a time S3 takes as too far from its own (`RequestTimeTooSkewed`,
        // more than 15 minutes; common errors, `RequestExpired`) as well as a bucket of another
        // account: the S3 client took S3's time from that answer's `Date` header and signs the
        // next request with it, so only a second 403 is the bucket's own answer.
        let mut attempt = 0;
        let head = loop {
            attempt += 1;
            let head = with_retry(retry, counts, "HeadBucket", || async {
                self.s3
                    .head_bucket()
                    .bucket(&bucket)
                    .expected_bucket_owner(&account)
                    .send()
                    .await
                    .map_err(|e| {
                        let status = e.raw_response().map(|r| r.status().as_u16());
                        (status, classify(e, &endpoint))
                    })
                    .map_err(|(status, mut e)| {
                        // HeadBucket answers with a status and no body.
                        if status == Some(404) {
                            e.code = Some("NotFound".to_owned());
                            e.kind = ApiErrorKind::Client;
                        } else if status == Some(403) {
                            e.code = Some("Forbidden".to_owned());
                            e.kind = ApiErrorKind::Client;
                        }
                        e
                    })
            })
            .await;
            match &head {
                Err(e) if attempt == 1 && e.code.as_deref() == Some("Forbidden") => {}
                _ => break head,
            }
        };
        let exists = match head {
            Ok(_) => true,
            Err(e) if e.code.as_deref() == Some("NotFound") => false,
            Err(e) if e.code.as_deref() == Some("Forbidden") => {
                return Err(refuse(vec![format!(
                    "S3 refused HeadBucket with ExpectedBucketOwner {account}: the bucket belongs to another account, or these credentials lack s3:ListBucket on it"
                )]));
            }
            Err(e) => return Err(self.error(&bucket, "HeadBucket", e)),
        };
        let mut created = false;
        if !exists && !own {
            return Err(refuse(vec![
                "it does not exist (the tool creates only its own bucket)".to_owned(),
            ]));
        }
        if own {
            // CreateBucket also tells who owns an existing name: `BucketAlreadyExists` for
            // another account, `BucketAlreadyOwnedByYou` (or, in us-east-1, success) for ours.
            // It matters where ExpectedBucketOwner is not enforced (S3-compatible endpoints).
            let mut create = self.s3.create_bucket().bucket(&bucket);
            if self.region != "us-east-1" {
                create = create.create_bucket_configuration(
                    aws_sdk_s3::types::CreateBucketConfiguration::builder()
                        .location_constraint(self.region.as_str().into())
                        .build(),
                );
            }
            let made = with_retry(retry, counts, "CreateBucket", || {
                let create = create.clone();
                async { create.send().await.map_err(|e| classify(e, &endpoint)) }
            })
            .await;
            match made {
                Ok(_) => created = !exists,
                Err(e) if e.code.as_deref() == Some("BucketAlreadyOwnedByYou") => {}
                Err(e) if e.code.as_deref() == Some("BucketAlreadyExists") => {
                    return Err(refuse(vec![
                        "a bucket of that name exists and belongs to another account".to_owned(),
                    ]));
                }
                Err(e) => return Err(self.error(&bucket, "CreateBucket", e)),
            }
            if created {
                self.note(format!(
                    "created the staging bucket `{bucket}` (SSE-KMS, versioned, TLS only, public access blocked)"
                ));
            }
        }

        let mut wrong = Vec::new();
        let ctx = Ctx {
            staging: self,
            bucket: &bucket,
            account: &account,
            retry,
            counts,
            key: std::sync::Mutex::new(None),
        };
        for check in CHECKS {
            let found = (check.read)(&ctx).await?;
            let Some(problem) = found else { continue };
            if own {
                (check.repair)(&ctx).await?;
                if !created {
                    self.note(format!(
                        "repaired the staging bucket `{bucket}`: {problem}; now {}",
                        check.wanted
                    ));
                }
            } else {
                wrong.push(problem);
            }
        }
        if !wrong.is_empty() {
            return Err(refuse(wrong));
        }
        let key = ctx.key.lock().ok().and_then(|k| k.clone());
        Ok(Ready {
            bucket,
            account,
            key,
        })
    }

    fn error(&self, bucket: &str, operation: &'static str, e: ApiError) -> DeployError {
        match e.kind {
            ApiErrorKind::Denied => DeployError::AccessDenied {
                stack: None,
                bucket: Some(bucket.to_owned()),
                action: action(operation),
                message: e.to_string(),
            },
            ApiErrorKind::Unreachable | ApiErrorKind::Credentials => {
                DeployError::api(bucket, operation, e)
            }
            _ => DeployError::Staging {
                bucket: bucket.to_owned(),
                operation,
                source: e,
            },
        }
    }

    /// Uploads a template under its key (`{app}/{stack}/{sha256}.template.json`, each name
    /// bounded and without a `.` or `..` part) and returns the URL CloudFormation reads it
    /// from.
    pub async fn upload(
        &self,
        app: &str,
        stack: &str,
        template: &str,
        retry: RetryPolicy,
        counts: &CallCounts,
    ) -> Result<String, DeployError> {
        let ready = self.ready(retry, counts).await?;
        let key = template_key(app, stack, template);
        let endpoint = self.endpoint.clone();
        with_retry(retry, counts, "PutObject", || async {
            ready
                .put(&self.s3, &key)
                .body(ByteStream::from(template.as_bytes().to_vec()))
                .content_type("application/json")
                .send()
                .await
                .map_err(|e| classify(e, &endpoint))
        })
        .await
        .map_err(|e| self.error(&ready.bucket, "PutObject", e))?;
        Ok(object_url(&ready.bucket, &self.region, &key))
    }

    /// Uploads the code of a function under `key` (`assets/<sha256>.zip`) unless the bucket
    /// holds that key already: named by content, an object there holds these bytes.
    /// Returns whether it uploaded.
    pub async fn upload_asset(
        &self,
        key: &str,
        bytes: &[u8],
        retry: RetryPolicy,
        counts: &CallCounts,
    ) -> Result<bool, DeployError> {
        let ready = self.ready(retry, counts).await?;
        let endpoint = self.endpoint.clone();
        let found = with_retry(retry, counts, "HeadObject", || async {
            self.s3
                .head_object()
                .bucket(&ready.bucket)
                .expected_bucket_owner(&ready.account)
                .key(key)
                .send()
                .await
                .map_err(|e| classify(e, &endpoint))
        })
        .await;
        match found {
            Ok(_) => return Ok(false),
            Err(e) if matches!(e.code.as_deref(), Some("NotFound" | "NoSuchKey" | "404")) => {}
            Err(e) => return Err(self.error(&ready.bucket, "HeadObject", e)),
        }
        with_retry(retry, counts, "PutObject", || async {
            ready
                .put(&self.s3, key)
                .body(ByteStream::from(bytes.to_vec()))
                .content_type("application/zip")
                .send()
                .await
                .map_err(|e| classify(e, &endpoint))
        })
        .await
        .map_err(|e| self.error(&ready.bucket, "PutObject", e))?;
        Ok(true)
    }

    /// Whether the bucket is the one a template names for a function's code: `named` is
    /// the literal name the template writes, or `None` for the tool's own bucket of the
    /// account and region (`hipaa-stack-staging-${AWS::AccountId}-${AWS::Region}`).
    pub async fn holds_code_for(
        &self,
        named: Option<&str>,
        retry: RetryPolicy,
        counts: &CallCounts,
    ) -> Result<(bool, String), DeployError> {
        let ready = self.ready(retry, counts).await?;
        let expected = named.map_or_else(
            || default_bucket_name(&ready.account, &self.region),
            str::to_owned,
        );
        Ok((ready.bucket == expected, ready.bucket.clone()))
    }

    /// Takes the lock of `app` for one run: an object created only if absent
    /// (`If-None-Match: *`). While another run holds it, waits up to `wait` (telling `say`
    /// once), then refuses. A lock past its expiry (a run that was killed) is taken over, and
    /// that is said.
    #[allow(clippy::too_many_arguments)]
    pub async fn lock(
        &self,
        say: &(dyn Fn(String) + Sync),
        app: &str,
        command: &str,
        run: &str,
        hold: Duration,
        wait: Duration,
        retry: RetryPolicy,
        counts: &CallCounts,
    ) -> Result<RunLock, DeployError> {
        let ready = self.ready(retry, counts).await?;
        let key = lock_key(app);
        let endpoint = self.endpoint.clone();
        let start = std::time::Instant::now();
        let mut said = false;
        // `None`: create the lock only if there is none; `Some`: replace the expired lock
        // with this ETag, and only it (`If-Match`), so that two runs cannot both take it over.
        let mut expired: Option<(String, LockBody)> = None;
        loop {
            let body = LockBody {
                run: run.to_owned(),
                pid: std::process::id(),
                started: now_secs(),
                expires: now_secs() + hold.as_secs(),
                command: command.to_owned(),
                boot: boot_id(),
            };
            let text = serde_json::to_string(&body).unwrap_or_default();
            let condition = expired.as_ref().map(|(etag, _)| etag.clone());
            let put = with_retry(retry, counts, "PutObject", || async {
                let put = ready.put(&self.s3, &key);
                let put = match &condition {
                    None => put.if_none_match("*"),
                    Some(etag) => put.if_match(etag),
                };
                put.body(ByteStream::from(text.clone().into_bytes()))
                    .content_type("application/json")
                    .send()
                    .await
                    .map_err(|e| {
                        let status = e.raw_response().map(|r| r.status().as_u16());
                        let mut e = classify(e, &endpoint);
                        if matches!(status, Some(412 | 409)) {
                            e.kind = ApiErrorKind::Client;
                            e.code = Some("PreconditionFailed".to_owned());
                        }
                        e
                    })
            })
            .await;
            match put {
                Ok(out) => {
                    if let Some((_, holder)) = expired.take() {
                        let why = if holder.expires < now_secs() {
                            format!(
                                "which had expired {} s before",
                                now_secs().saturating_sub(holder.expires)
                            )
                        } else {
                            "which is no longer running on this machine".to_owned()
                        };
                        self.note(format!(
                            "took over the lock of app `{app}` left by run {} (`{}`, pid {}), {why}",
                            holder.run, holder.command, holder.pid,
                        ));
                    }
                    return Ok(RunLock {
                        app: app.to_owned(),
                        key,
                        run: run.to_owned(),
                        waited: said,
                        etag: out.e_tag().map(str::to_owned),
                        command: command.to_owned(),
                        started: body.started,
                    });
                }
                // Taken, or changed since it was read (another run took it over first).
                Err(e) if matches!(e.code.as_deref(), Some("PreconditionFailed" | "NoSuchKey")) => {
                    expired = None;
                }
                Err(e) => return Err(self.error(&ready.bucket, "PutObject", e)),
            }
            let Some((holder, etag)) = self.read_lock(ready, &key, retry, counts).await? else {
                continue; // released in between
            };
            // This run's own lock: an earlier attempt of this write reached S3, and its answer
            // was lost (a 5xx, a timeout, a dropped connection), so the retry met the object
            // it had made and S3 answered 412 (Amazon S3 User Guide, "How to prevent object
            // overwrites with conditional writes": with `If-None-Match`, "if the object key
            // name already exists", the write fails with 412 Precondition Failed). The run id
            // is this run's alone (its time and process), so the lock is held: waiting would
            // wait for this very run, then refuse naming it.
            if holder.run == run && holder.pid == std::process::id() {
                return Ok(RunLock {
                    app: app.to_owned(),
                    key,
                    run: run.to_owned(),
                    waited: said,
                    etag,
                    command: command.to_owned(),
                    started: holder.started,
                });
            }
            if (holder.expires < now_secs() || holder_gone(&holder))
                && let Some(etag) = etag
            {
                expired = Some((etag, holder));
                continue;
            }
            let detail = format!(
                "run {} (`{}`, pid {}) has held its lock `s3://{}/{key}` for {} s",
                holder.run,
                holder.command,
                holder.pid,
                ready.bucket,
                now_secs().saturating_sub(holder.started)
            );
            if start.elapsed() >= wait {
                return Err(DeployError::Busy {
                    app: app.to_owned(),
                    detail: format!(
                        "{detail}; waited {} s. If no such run is going on any more (it was killed), delete the lock: `aws s3 rm s3://{}/{key}`",
                        start.elapsed().as_secs(),
                        ready.bucket
                    ),
                });
            }
            if !said {
                for note in self.take_notes() {
                    say(note);
                }
                say(format!(
                    "waiting for the other run of app `{app}`: {detail}"
                ));
                said = true;
            }
            tokio::time::sleep(Duration::from_millis(500).min(wait)).await;
        }
    }

    /// Renews a lock this run holds for `hold` more: the lock is written again only if it is
    /// still the object this run last wrote (`If-Match` with its ETag; Amazon S3 User Guide,
    /// "How to prevent object overwrites with conditional writes": a `PUT` with `If-Match`
    /// whose ETag does not match fails with 412 Precondition Failed, one for a key that no
    /// longer exists with 404 `NoSuchKey`), so that a lock another run took over after this
    /// one's hold expired (a run that waited at a prompt longer than the hold) is never
    /// overwritten. Refused, naming that run, when the lock is not this run's any more: the
    /// run must not change anything the other run may be changing. The new ETag is kept in
    /// `lock`.
    pub async fn renew(
        &self,
        lock: &mut RunLock,
        hold: Duration,
        retry: RetryPolicy,
        counts: &CallCounts,
    ) -> Result<(), DeployError> {
        let ready = self.ready(retry, counts).await?;
        let lost = |detail: String| DeployError::LockLost {
            app: lock.app.clone(),
            detail: format!(
                "`s3://{}/{}` {detail}; this run stopped before its next change. Check what the other run changes, then run the command again once it has finished",
                ready.bucket, lock.key
            ),
        };
        let Some(etag) = lock.etag.clone() else {
            return Err(lost(
                "has no ETag (S3 answered without one), so it cannot be renewed only if unchanged, and its hold ended".to_owned(),
            ));
        };
        let body = LockBody {
            run: lock.run.clone(),
            pid: std::process::id(),
            started: lock.started,
            expires: now_secs() + hold.as_secs(),
            command: lock.command.clone(),
            boot: boot_id(),
        };
        let text = serde_json::to_string(&body).unwrap_or_default();
        let endpoint = self.endpoint.clone();
        let put = with_retry(retry, counts, "PutObject", || async {
            ready
                .put(&self.s3, &lock.key)
                .if_match(&etag)
                .body(ByteStream::from(text.clone().into_bytes()))
                .content_type("application/json")
                .send()
                .await
                .map_err(|e| {
                    let status = e.raw_response().map(|r| r.status().as_u16());
                    let mut e = classify(e, &endpoint);
                    if matches!(status, Some(412 | 409 | 404)) {
                        e.kind = ApiErrorKind::Client;
                        e.code = Some("PreconditionFailed".to_owned());
                    }
                    e
                })
        })
        .await;
        match put {
            Ok(out) => {
                lock.etag = out.e_tag().map(str::to_owned);
                Ok(())
            }
            Err(e) if matches!(e.code.as_deref(), Some("PreconditionFailed" | "NoSuchKey")) => {
                // Changed since this run wrote it: a retry of this very renewal whose first
                // answer was lost finds this run's own renewed lock; anything else is not
                // this run's lock any more.
                match self.read_lock(ready, &lock.key, retry, counts).await? {
                    Some((holder, new_etag))
                        if holder.run == lock.run
                            && holder.pid == std::process::id()
                            && holder.expires == body.expires =>
                    {
                        lock.etag = new_etag;
                        Ok(())
                    }
                    Some((holder, _)) => Err(lost(format!(
                        "was taken over by run {} (`{}`, pid {}) after its hold expired",
                        holder.run, holder.command, holder.pid
                    ))),
                    None => Err(lost(
                        "was deleted while this run held it (its hold had expired)".to_owned(),
                    )),
                }
            }
            Err(e) => Err(self.error(&ready.bucket, "PutObject", e)),
        }
    }

    async fn read_lock(
        &self,
        ready: &Ready,
        key: &str,
        retry: RetryPolicy,
        counts: &CallCounts,
    ) -> Result<Option<(LockBody, Option<String>)>, DeployError> {
        let endpoint = self.endpoint.clone();
        let got = with_retry(retry, counts, "GetObject", || async {
            let out = self
                .s3
                .get_object()
                .bucket(&ready.bucket)
                .expected_bucket_owner(&ready.account)
                .key(key)
                .send()
                .await
                .map_err(|e| classify(e, &endpoint))?;
            let etag = out.e_tag().map(str::to_owned);
            let bytes = out
                .body
                .collect()
                .await
                .map_err(|e| ApiError {
                    kind: ApiErrorKind::Transient,
                    code: None,
                    message: e.to_string(),
                })?
                .into_bytes();
            Ok((bytes, etag))
        })
        .await;
        match got {
            Ok((bytes, etag)) => {
                #[expect(
                    clippy::disallowed_methods,
                    reason = "the lock's own typed body, read into its struct, not a tree"
                )]
                let body = serde_json::from_slice(&bytes).unwrap_or(LockBody {
                    run: "unknown".to_owned(),
                    pid: 0,
                    started: 0,
                    expires: u64::MAX,
                    command: "unreadable lock".to_owned(),
                    boot: None,
                });
                Ok(Some((body, etag)))
            }
            Err(e) if e.code.as_deref() == Some("NoSuchKey") => Ok(None),
            Err(e) => Err(self.error(&ready.bucket, "GetObject", e)),
        }
    }

    /// Deletes the lock only if it is still the object read (`If-Match` with its ETag), so
    /// that a lock another run took between the read and the delete is never deleted.
    ///
    /// Amazon S3 User Guide, "How to perform conditional deletes": general purpose and
    /// directory buckets take `DeleteObject` with `If-Match: <ETag>`; an ETag that does not
    /// match fails the delete with 412 Precondition Failed, a concurrent `PUT` or `DELETE`
    /// that succeeds first may fail it with 409 Conflict (`ConditionalRequestConflict`), and
    /// a key deleted meanwhile answers 404; "Conditional delete evaluations only apply to the
    /// current version of the object" (the staging bucket is versioned: the delete leaves a
    /// delete marker). A conditional delete with an ETag needs `s3:GetObject` besides
    /// `s3:DeleteObject`, which reading the lock needs anyway. moto (5.2) evaluates `If-Match`
    /// on `DeleteObject` as S3 does (412, or 404 for a missing key): the harness needs nothing.
    async fn delete_lock_if(
        &self,
        ready: &Ready,
        key: &str,
        etag: &str,
        retry: RetryPolicy,
        counts: &CallCounts,
    ) -> Result<Deleted, DeployError> {
        let endpoint = self.endpoint.clone();
        let deleted = with_retry(retry, counts, "DeleteObject", || async {
            self.s3
                .delete_object()
                .bucket(&ready.bucket)
                .expected_bucket_owner(&ready.account)
                .key(key)
                .if_match(etag)
                .send()
                .await
                .map_err(|e| {
                    let status = e.raw_response().map(|r| r.status().as_u16());
                    let mut e = classify(e, &endpoint);
                    let code = match status {
                        Some(412) => Some("PreconditionFailed"),
                        Some(409) => Some("ConditionalRequestConflict"),
                        Some(404) => Some("NoSuchKey"),
                        _ => None,
                    };
                    if let Some(code) = code {
                        e.kind = ApiErrorKind::Client;
                        e.code = Some(code.to_owned());
                    }
                    e
                })
        })
        .await;
        match deleted {
            Ok(_) => Ok(Deleted::Done),
            Err(e)
                if matches!(
                    e.code.as_deref(),
                    Some("PreconditionFailed" | "ConditionalRequestConflict" | "NoSuchKey")
                ) =>
            {
                Ok(Deleted::Changed)
            }
            Err(e) => Err(self.error(&ready.bucket, "DeleteObject", e)),
        }
    }

    /// Releases the lock of `app` if `run` holds it: after an interruption while the lock
    /// was being taken, when the request may have reached S3 without its answer reaching us.
    pub async fn release(
        &self,
        app: &str,
        run: &str,
        retry: RetryPolicy,
        counts: &CallCounts,
    ) -> Result<(), DeployError> {
        let lock = RunLock {
            app: app.to_owned(),
            key: lock_key(app),
            run: run.to_owned(),
            waited: false,
            etag: None,
            command: String::new(),
            started: 0,
        };
        self.unlock(&lock, retry, counts).await
    }

    /// Releases a lock this run holds (only if it is still this run's): the delete is
    /// conditional on the ETag of the lock read (`Staging::delete_lock_if`), so a lock
    /// another run took after the read stays. A lock found to be another run's is left, and
    /// said (a note): this run outlived its lock.
    pub async fn unlock(
        &self,
        lock: &RunLock,
        retry: RetryPolicy,
        counts: &CallCounts,
    ) -> Result<(), DeployError> {
        let ready = self.ready(retry, counts).await?;
        // A changed lock (412, 409, 404) is read again: it is gone, another run's, or (after
        // a retry whose first answer was lost) this run's delete marker.
        for _ in 0..4 {
            match self.read_lock(ready, &lock.key, retry, counts).await? {
                None => return Ok(()),
                Some((holder, Some(etag))) if holder.run == lock.run => {
                    match self
                        .delete_lock_if(ready, &lock.key, &etag, retry, counts)
                        .await?
                    {
                        Deleted::Done => return Ok(()),
                        Deleted::Changed => continue,
                    }
                }
                Some((holder, None)) if holder.run == lock.run => {
                    return Err(self.error(
                        &ready.bucket,
                        "GetObject",
                        ApiError::client(
                            "MissingETag",
                            format!(
                                "S3 answered the lock `{}` without an ETag, so it cannot be deleted only if unchanged; it expires by itself, or delete it once no run of the app is going on: `aws s3 rm s3://{}/{}`",
                                lock.key, ready.bucket, lock.key
                            ),
                        ),
                    ));
                }
                Some((holder, _)) => {
                    self.note(format!(
                        "left the run lock `s3://{}/{}` in place: run {} (`{}`, pid {}) took it over while this run held it (this run outlived the lock's hold); check that the two runs did not change the same stacks",
                        ready.bucket, lock.key, holder.run, holder.command, holder.pid
                    ));
                    return Ok(());
                }
            }
        }
        Err(self.error(
            &ready.bucket,
            "DeleteObject",
            ApiError::client(
                "ConditionalRequestConflict",
                format!(
                    "the lock `{}` kept changing while this run released it; it expires by itself",
                    lock.key
                ),
            ),
        ))
    }
}

/// What a conditional delete of the lock did.
enum Deleted {
    Done,
    /// The lock was not the object read any more (412, 409) or was gone (404).
    Changed,
}

/// What the checks of a bucket need.
struct Ctx<'a> {
    staging: &'a Staging,
    bucket: &'a str,
    account: &'a str,
    retry: RetryPolicy,
    counts: &'a CallCounts,
    /// The KMS key of the bucket's default encryption, as [`read_encryption`] found it
    /// accepted (`None` after a repair, which sets the AWS managed key).
    key: std::sync::Mutex<Option<String>>,
}

type Found<'a> =
    std::pin::Pin<Box<dyn Future<Output = Result<Option<String>, DeployError>> + Send + 'a>>;
type Done<'a> = std::pin::Pin<Box<dyn Future<Output = Result<(), DeployError>> + Send + 'a>>;

/// One setting of the bucket: how to read it (`Some(problem)` when wrong) and to set it.
struct Check {
    wanted: &'static str,
    read: for<'a> fn(&'a Ctx<'a>) -> Found<'a>,
    repair: for<'a> fn(&'a Ctx<'a>) -> Done<'a>,
}

const CHECKS: &[Check] = &[
    Check {
        wanted: "every public access blocked",
        read: |c| Box::pin(read_public_access_block(c)),
        repair: |c| Box::pin(put_public_access_block(c)),
    },
    Check {
        wanted: "ACLs disabled (BucketOwnerEnforced)",
        read: |c| Box::pin(read_ownership(c)),
        repair: |c| Box::pin(put_ownership(c)),
    },
    Check {
        wanted: "encrypted with the account's KMS key for S3 (SSE-KMS)",
        read: |c| Box::pin(read_encryption(c)),
        repair: |c| Box::pin(put_encryption(c)),
    },
    Check {
        wanted: "versioned",
        read: |c| Box::pin(read_versioning(c)),
        repair: |c| Box::pin(put_versioning(c)),
    },
    Check {
        wanted: "a policy that denies requests without TLS and grants nothing",
        read: |c| Box::pin(read_policy(c)),
        repair: |c| Box::pin(put_policy(c)),
    },
    Check {
        wanted: "old templates expire after 30 days",
        read: |c| Box::pin(read_lifecycle(c)),
        repair: |c| Box::pin(put_lifecycle(c)),
    },
];

impl Ctx<'_> {
    /// Runs one S3 call with retries; `missing` error codes read as `Ok(None)`.
    async fn call<T, F, Fut>(
        &self,
        operation: &'static str,
        missing: &[&str],
        f: F,
    ) -> Result<Option<T>, DeployError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        match with_retry(self.retry, self.counts, operation, f).await {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.code.as_deref().is_some_and(|c| missing.contains(&c)) => Ok(None),
            Err(e) => Err(self.staging.error(self.bucket, operation, e)),
        }
    }

    fn endpoint(&self) -> &str {
        &self.staging.endpoint
    }
}

/// A request the SDK's builders refused (a required field left out): a bug of ours.
fn build_error(e: impl std::fmt::Display) -> DeployError {
    DeployError::Staging {
        bucket: "(any)".to_owned(),
        operation: "a request to S3",
        source: ApiError::client("InvalidRequest", e.to_string()),
    }
}

async fn read_public_access_block(c: &Ctx<'_>) -> Result<Option<String>, DeployError> {
    let got = c
        .call(
            "GetPublicAccessBlock",
            &["NoSuchPublicAccessBlockConfiguration"],
            || async {
                c.staging
                    .s3
                    .get_public_access_block()
                    .bucket(c.bucket)
                    .expected_bucket_owner(c.account)
                    .send()
                    .await
                    .map_err(|e| classify(e, c.endpoint()))
            },
        )
        .await?;
    let all = got
        .as_ref()
        .and_then(|o| o.public_access_block_configuration())
        .is_some_and(|p| {
            p.block_public_acls() == Some(true)
                && p.ignore_public_acls() == Some(true)
                && p.block_public_policy() == Some(true)
                && p.restrict_public_buckets() == Some(true)
        });
    Ok((!all).then(|| {
        if got.is_none() {
            "it has no public-access block".to_owned()
        } else {
            "its public-access block leaves some public access open".to_owned()
        }
    }))
}

async fn put_public_access_block(c: &Ctx<'_>) -> Result<(), DeployError> {
    c.call("PutPublicAccessBlock", &[], || async {
        c.staging
            .s3
            .put_public_access_block()
            .bucket(c.bucket)
            .expected_bucket_owner(c.account)
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
            .map_err(|e| classify(e, c.endpoint()))
    })
    .await
    .map(|_| ())
}

async fn read_ownership(c: &Ctx<'_>) -> Result<Option<String>, DeployError> {
    let got = c
        .call(
            "GetBucketOwnershipControls",
            &["OwnershipControlsNotFoundError"],
            || async {
                c.staging
                    .s3
                    .get_bucket_ownership_controls()
                    .bucket(c.bucket)
                    .expected_bucket_owner(c.account)
                    .send()
                    .await
                    .map_err(|e| classify(e, c.endpoint()))
            },
        )
        .await?;
    let enforced = got
        .as_ref()
        .and_then(|o| o.ownership_controls())
        .is_some_and(|o| {
            o.rules()
                .iter()
                .any(|r| r.object_ownership() == &ObjectOwnership::BucketOwnerEnforced)
        });
    Ok((!enforced)
        .then(|| "ACLs are not disabled (ownership is not BucketOwnerEnforced)".to_owned()))
}

async fn put_ownership(c: &Ctx<'_>) -> Result<(), DeployError> {
    let controls = OwnershipControls::builder()
        .rules(
            OwnershipControlsRule::builder()
                .object_ownership(ObjectOwnership::BucketOwnerEnforced)
                .build()
                .map_err(build_error)?,
        )
        .build()
        .map_err(build_error)?;
    c.call("PutBucketOwnershipControls", &[], || async {
        c.staging
            .s3
            .put_bucket_ownership_controls()
            .bucket(c.bucket)
            .expected_bucket_owner(c.account)
            .ownership_controls(controls.clone())
            .send()
            .await
            .map_err(|e| classify(e, c.endpoint()))
    })
    .await
    .map(|_| ())
}

/// Whether a KMS key id of a bucket's default encryption is the account's own: the AWS
/// managed key (`alias/aws/s3`, or no id), a bare key id or alias (resolved in the account),
/// or an ARN in the account and partition.
fn own_key(key: Option<&str>, account: &str, region: &str) -> bool {
    match key {
        None => true,
        Some(k) if !k.starts_with("arn:") => true,
        Some(k) => k.starts_with(&format!(
            "arn:{}:kms:{region}:{account}:",
            partition(region).0
        )),
    }
}

async fn read_encryption(c: &Ctx<'_>) -> Result<Option<String>, DeployError> {
    let got = c
        .call(
            "GetBucketEncryption",
            &["ServerSideEncryptionConfigurationNotFoundError"],
            || async {
                c.staging
                    .s3
                    .get_bucket_encryption()
                    .bucket(c.bucket)
                    .expected_bucket_owner(c.account)
                    .send()
                    .await
                    .map_err(|e| classify(e, c.endpoint()))
            },
        )
        .await?;
    let rule = got
        .as_ref()
        .and_then(|o| o.server_side_encryption_configuration())
        .and_then(|s| s.rules().first())
        .and_then(|r| r.apply_server_side_encryption_by_default());
    Ok(match rule {
        None => Some("it has no default encryption".to_owned()),
        Some(d) if !d.sse_algorithm().as_str().starts_with("aws:kms") => Some(format!(
            "it is encrypted with {} rather than a KMS key",
            d.sse_algorithm().as_str()
        )),
        Some(d) if !own_key(d.kms_master_key_id(), c.account, &c.staging.region) => Some(format!(
            "it is encrypted with a KMS key of another account ({})",
            d.kms_master_key_id().unwrap_or_default()
        )),
        Some(d) => {
            if let Ok(mut key) = c.key.lock() {
                *key = d.kms_master_key_id().map(str::to_owned);
            }
            None
        }
    })
}

async fn put_encryption(c: &Ctx<'_>) -> Result<(), DeployError> {
    let config = ServerSideEncryptionConfiguration::builder()
        .rules(
            ServerSideEncryptionRule::builder()
                .apply_server_side_encryption_by_default(
                    ServerSideEncryptionByDefault::builder()
                        .sse_algorithm(ServerSideEncryption::AwsKms)
                        .build()
                        .map_err(build_error)?,
                )
                .bucket_key_enabled(true)
                .build(),
        )
        .build()
        .map_err(build_error)?;
    c.call("PutBucketEncryption", &[], || async {
        c.staging
            .s3
            .put_bucket_encryption()
            .bucket(c.bucket)
            .expected_bucket_owner(c.account)
            .server_side_encryption_configuration(config.clone())
            .send()
            .await
            .map_err(|e| classify(e, c.endpoint()))
    })
    .await
    .map(|_| ())
}

async fn read_versioning(c: &Ctx<'_>) -> Result<Option<String>, DeployError> {
    let got = with_retry(c.retry, c.counts, "GetBucketVersioning", || async {
        c.staging
            .s3
            .get_bucket_versioning()
            .bucket(c.bucket)
            .expected_bucket_owner(c.account)
            .send()
            .await
            .map_err(|e| classify(e, c.endpoint()))
    })
    .await;
    match got {
        Ok(out) if out.status() == Some(&BucketVersioningStatus::Enabled) => Ok(None),
        Ok(_) => Ok(Some("it is not versioned".to_owned())),
        // An answer that is not an S3 reply at all (some S3-compatible endpoints, e.g. the
        // local emulator, send a GetBucketVersioning body the SDK cannot read). The state is
        // unknown: for the tool's own bucket that is a problem to repair (enabling versioning
        // is idempotent); a bucket of the organisation is refused.
        Err(e) if e.kind == ApiErrorKind::Unsupported && e.code.is_none() => Ok(Some(
            "its versioning could not be read (the endpoint's answer is not an S3 reply)"
                .to_owned(),
        )),
        Err(e) => Err(c.staging.error(c.bucket, "GetBucketVersioning", e)),
    }
}

async fn put_versioning(c: &Ctx<'_>) -> Result<(), DeployError> {
    c.call("PutBucketVersioning", &[], || async {
        c.staging
            .s3
            .put_bucket_versioning()
            .bucket(c.bucket)
            .expected_bucket_owner(c.account)
            .versioning_configuration(
                VersioningConfiguration::builder()
                    .status(BucketVersioningStatus::Enabled)
                    .build(),
            )
            .send()
            .await
            .map_err(|e| classify(e, c.endpoint()))
    })
    .await
    .map(|_| ())
}

/// What is wrong with a bucket policy: it must deny requests without TLS, and allow nothing
/// to anyone outside the account.
pub(crate) fn policy_problem(policy: &serde_json::Value, account: &str) -> Option<String> {
    let statements: Vec<&serde_json::Value> = match &policy["Statement"] {
        serde_json::Value::Array(a) => a.iter().collect(),
        s @ serde_json::Value::Object(_) => vec![s],
        _ => Vec::new(),
    };
    let grants_outside = statements.iter().any(|s| {
        s["Effect"] == "Allow" && {
            let p = &s["Principal"];
            let principals: Vec<String> = match p {
                serde_json::Value::String(x) => vec![x.clone()],
                serde_json::Value::Object(m) => m
                    .values()
                    .flat_map(|v| match v {
                        serde_json::Value::Array(a) => a
                            .iter()
                            .filter_map(|x| x.as_str().map(str::to_owned))
                            .collect(),
                        serde_json::Value::String(x) => vec![x.clone()],
                        _ => Vec::new(),
                    })
                    .collect(),
                _ => Vec::new(),
            };
            principals
                .iter()
                .any(|x| x == "*" || !(x == account || x.contains(&format!(":{account}:"))))
        }
    });
    if grants_outside {
        return Some("its policy grants access outside the account".to_owned());
    }
    let tls_only = statements.iter().any(|s| {
        s["Effect"] == "Deny"
            && (s["Principal"] == "*" || s["Principal"]["AWS"] == "*")
            && s["Condition"]["Bool"]["aws:SecureTransport"]
                .as_str()
                .or_else(|| {
                    s["Condition"]["Bool"]["aws:SecureTransport"]
                        .as_bool()
                        .map(|b| if b { "true" } else { "false" })
                })
                == Some("false")
    });
    (!tls_only).then(|| "its policy does not deny requests made without TLS".to_owned())
}

async fn read_policy(c: &Ctx<'_>) -> Result<Option<String>, DeployError> {
    let got = c
        .call("GetBucketPolicy", &["NoSuchBucketPolicy"], || async {
            c.staging
                .s3
                .get_bucket_policy()
                .bucket(c.bucket)
                .expected_bucket_owner(c.account)
                .send()
                .await
                .map_err(|e| classify(e, c.endpoint()))
        })
        .await?;
    let Some(text) = got.as_ref().and_then(|o| o.policy()) else {
        return Ok(Some(
            "it has no bucket policy (TLS is not required)".to_owned(),
        ));
    };
    let Ok(policy) = crate::cfn::tree::from_str(text) else {
        return Ok(Some("its bucket policy is not JSON".to_owned()));
    };
    if c.staging.name.is_none() && policy != bucket_policy(c.bucket, &c.staging.region) {
        // The tool's own bucket has exactly the tool's policy.
        return Ok(Some(policy_problem(&policy, c.account).unwrap_or_else(
            || "its policy differs from the tool's".to_owned(),
        )));
    }
    Ok(policy_problem(&policy, c.account))
}

async fn put_policy(c: &Ctx<'_>) -> Result<(), DeployError> {
    let policy = bucket_policy(c.bucket, &c.staging.region).to_string();
    c.call("PutBucketPolicy", &[], || async {
        c.staging
            .s3
            .put_bucket_policy()
            .bucket(c.bucket)
            .expected_bucket_owner(c.account)
            .policy(&policy)
            .send()
            .await
            .map_err(|e| classify(e, c.endpoint()))
    })
    .await
    .map(|_| ())
}

async fn read_lifecycle(c: &Ctx<'_>) -> Result<Option<String>, DeployError> {
    let got = c
        .call(
            "GetBucketLifecycleConfiguration",
            &["NoSuchLifecycleConfiguration"],
            || async {
                c.staging
                    .s3
                    .get_bucket_lifecycle_configuration()
                    .bucket(c.bucket)
                    .expected_bucket_owner(c.account)
                    .send()
                    .await
                    .map_err(|e| classify(e, c.endpoint()))
            },
        )
        .await?;
    let expires = got.as_ref().is_some_and(|o| {
        o.rules().iter().any(|r| {
            r.status() == &ExpirationStatus::Enabled
                && (r.expiration().is_some() || r.noncurrent_version_expiration().is_some())
        })
    });
    // A lifecycle is housekeeping, not security: a bucket of the organisation without one is
    // used as it is; the tool's own gets one.
    Ok((!expires && c.staging.name.is_none())
        .then(|| "old templates never expire (no lifecycle rule)".to_owned()))
}

async fn put_lifecycle(c: &Ctx<'_>) -> Result<(), DeployError> {
    let rule = LifecycleRule::builder()
        .id("hipaa-stack-old-templates")
        .status(ExpirationStatus::Enabled)
        .filter(LifecycleRuleFilter::builder().prefix("").build())
        .expiration(LifecycleExpiration::builder().days(30).build())
        .noncurrent_version_expiration(
            NoncurrentVersionExpiration::builder()
                .noncurrent_days(7)
                .build(),
        )
        .abort_incomplete_multipart_upload(
            AbortIncompleteMultipartUpload::builder()
                .days_after_initiation(1)
                .build(),
        )
        .build()
        .map_err(build_error)?;
    let config = BucketLifecycleConfiguration::builder()
        .rules(rule)
        .build()
        .map_err(build_error)?;
    c.call("PutBucketLifecycleConfiguration", &[], || async {
        c.staging
            .s3
            .put_bucket_lifecycle_configuration()
            .bucket(c.bucket)
            .expected_bucket_owner(c.account)
            .lifecycle_configuration(config.clone())
            .send()
            .await
            .map_err(|e| classify(e, c.endpoint()))
    })
    .await
    .map(|_| ())
}

#[cfg(test)]
mod tests {
    fn lock_of(run: &str, pid: u32, boot: Option<String>) -> LockBody {
        LockBody {
            run: run.to_owned(),
            pid,
            started: 0,
            expires: u64::MAX,
            command: "up".to_owned(),
            boot,
        }
    }

    #[test]
    fn a_lock_holder_is_gone_only_when_this_machine_knows_it_ended() {
        let boot = boot_id();
        let me = std::process::id();
        // Another machine's run, or one that says nothing of its machine: never judged gone.
        assert!(!holder_gone(&lock_of(
            "r",
            me,
            Some("another-boot".to_owned())
        )));
        assert!(!holder_gone(&lock_of("r", me, None)));
        if boot.is_some() {
            // A run of this process: gone once its `LiveRun` is dropped.
            let live = LiveRun::new("run-under-way");
            assert!(!holder_gone(&lock_of("run-under-way", me, boot.clone())));
            drop(live);
            assert!(holder_gone(&lock_of("run-under-way", me, boot.clone())));
            // A process of this machine that does not exist.
            assert!(holder_gone(&lock_of("r", u32::MAX - 1, boot.clone())));
            // One that does (pid 1 always runs).
            assert!(!holder_gone(&lock_of("r", 1, boot)));
        }
    }

    use super::*;

    #[test]
    fn arns_and_urls_follow_the_partition_of_the_region() {
        assert_eq!(bucket_arn("b", "us-gov-west-1"), "arn:aws-us-gov:s3:::b");
        assert_eq!(
            object_url("b", "us-gov-west-1", "k.json"),
            "https://b.s3.us-gov-west-1.amazonaws.com/k.json"
        );
        assert_eq!(bucket_arn("b", "cn-north-1"), "arn:aws-cn:s3:::b");
        assert_eq!(
            object_url("b", "cn-northwest-1", "k"),
            "https://b.s3.cn-northwest-1.amazonaws.com.cn/k"
        );
        assert_eq!(bucket_arn("b", "eu-west-1"), "arn:aws:s3:::b");
        assert_eq!(
            object_url("b", "eu-west-1", "k"),
            "https://b.s3.eu-west-1.amazonaws.com/k"
        );
        let policy = bucket_policy("b", "us-gov-east-1");
        assert_eq!(
            policy["Statement"][0]["Resource"],
            serde_json::json!(["arn:aws-us-gov:s3:::b", "arn:aws-us-gov:s3:::b/*"])
        );
    }

    /// A staging key stays within S3's 1,024 bytes and holds no relative path element,
    /// whatever the app's name: a long name, letters of 4 bytes, `.`, `..`, `/`; a plain name
    /// is kept as written, and a name changed is changed the same on every run (hostile
    /// review 25).
    #[test]
    fn template_keys_are_bounded_and_hold_no_dot_segment() {
        let key = |app: &str| template_key(app, "big", "{}");
        let digest = sha256_hex("{}");
        assert_eq!(key("e2e"), format!("e2e/big/{digest}.template.json"));
        assert_eq!(
            key("Klinik Zürich"),
            format!("Klinik Zürich/big/{digest}.template.json")
        );
        let wide = "𝔄".repeat(256);
        let long = "a".repeat(1000);
        let hostile = [
            wide.as_str(),
            long.as_str(),
            "",
            ".",
            "..",
            "...",
            "./a",
            "a/..",
            "../..",
            "a//b",
            "/",
            "clinic/records",
        ];
        for app in hostile {
            let k = key(app);
            assert!(k.len() <= 480, "{app}: {} bytes", k.len());
            assert!(
                k.split('/')
                    .all(|p| !p.is_empty() && !p.chars().all(|c| c == '.')),
                "{app}: {k}"
            );
            assert_eq!(k.split('/').count(), 3, "{app}: {k}");
            assert!(k.ends_with(&format!("/big/{digest}.template.json")), "{k}");
            assert_eq!(k, key(app), "stable");
        }
        assert!(key("clinic/records").starts_with("clinicrecords-"));
        // The run lock's key too.
        assert_eq!(lock_key("e2e"), "locks/e2e.json");
        for app in hostile {
            let k = lock_key(app);
            assert!(k.len() <= 480 && k.split('/').count() == 2, "{app}: {k}");
        }
        assert_ne!(key("."), key(".."));
        assert_ne!(key(&long), key(&"a".repeat(1001)));
        // The longest name kept as written, and one byte more.
        let at = "b".repeat(MAX_KEY_PART);
        assert!(key(&at).starts_with(&format!("{at}/")));
        assert!(!key(&format!("{at}b")).starts_with(&at));
    }

    /// A key holds the app's name as written; its URL carries it percent-encoded, so that
    /// CloudFormation reads that object (hostile review 24).
    #[test]
    fn template_urls_percent_encode_the_key() {
        let url = |key| object_url("b", "eu-west-1", key);
        assert_eq!(
            url("Klinik Zürich/big/a.template.json"),
            "https://b.s3.eu-west-1.amazonaws.com/Klinik%20Z%C3%BCrich/big/a.template.json"
        );
        assert_eq!(
            url("a#b?c%d+e/s/x.json"),
            "https://b.s3.eu-west-1.amazonaws.com/a%23b%3Fc%25d%2Be/s/x.json"
        );
        assert_eq!(
            url("../s/x.json"),
            "https://b.s3.eu-west-1.amazonaws.com/%2E%2E/s/x.json"
        );
        assert_eq!(
            url("./s/x.json"),
            "https://b.s3.eu-west-1.amazonaws.com/%2E/s/x.json"
        );
        // Unreserved characters and dots inside a part stay as written.
        assert_eq!(
            url("e2e/my_app-1.~/x.json"),
            "https://b.s3.eu-west-1.amazonaws.com/e2e/my_app-1.~/x.json"
        );
    }

    #[test]
    fn a_kms_key_of_another_account_or_partition_is_not_ours() {
        assert!(own_key(None, "111122223333", "us-east-1"));
        assert!(own_key(Some("alias/aws/s3"), "111122223333", "us-east-1"));
        assert!(own_key(
            Some("arn:aws:kms:us-east-1:111122223333:key/k"),
            "111122223333",
            "us-east-1"
        ));
        assert!(!own_key(
            Some("arn:aws:kms:us-east-1:444455556666:key/k"),
            "111122223333",
            "us-east-1"
        ));
        assert!(!own_key(
            Some("arn:aws:kms:us-gov-west-1:111122223333:key/k"),
            "111122223333",
            "us-gov-west-1"
        ));
    }

    #[test]
    fn a_policy_must_require_tls_and_grant_nothing_outside() {
        let ours = bucket_policy("b", "us-east-1");
        assert_eq!(policy_problem(&ours, "111122223333"), None);
        let public = serde_json::json!({"Statement": [
            ours["Statement"][0].clone(),
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
        ]});
        assert_eq!(
            policy_problem(&public, "111122223333").as_deref(),
            Some("its policy grants access outside the account")
        );
        let no_tls = serde_json::json!({"Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:*", "Resource": "*"}
        ]});
        assert_eq!(
            policy_problem(&no_tls, "111122223333").as_deref(),
            Some("its policy does not deny requests made without TLS")
        );
    }
}

//! Deploy safety (issue 11): stacks and a staging bucket the tool owns, errors by cause with
//! their exit codes, bounded time, Ctrl-C, one run at a time, and output to a closed pipe.
//! Against the local endpoint (moto), and fake endpoints on 127.0.0.1 for what it cannot do.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use hipaa_stack::Assembly;
use hipaa_stack::deploy::{
    Connection, DeployError, Deployer, Options, Regional, SdkApi, TemplateSource,
};
use hipaa_stack::prelude::*;

use crate::deploy::options;
use crate::fake::{Fake, forward, query_error};
use crate::faults::{Faults, Faulty};
use crate::moto::{Moto, config_for};
use crate::support::example_binary;

const STAGING: &str = "hipaa-stack-staging-123456789012-us-east-1";

/// A small app of two stacks, `shared` then `data`.
fn app(name: &str) -> Assembly {
    let app = App::new(name);
    let shared = app.stack("shared").unwrap();
    let key = shared.add(KmsKey::new("PhiKey")).unwrap();
    let logs = shared.add(AccessLogBucket::new("AccessLogs")).unwrap();
    let data = app.stack("data").unwrap();
    data.add(
        SecureBucket::new("Records")
            .encryption(&key)
            .access_logs(&logs),
    )
    .unwrap();
    app.synth().unwrap()
}

async fn config_in(endpoint: &str, region: &'static str) -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(aws_config::Region::new(region))
        .credentials_provider(aws_sdk_s3::config::Credentials::new(
            "test", "test", None, None, "tests",
        ))
        .retry_config(aws_config::retry::RetryConfig::disabled())
        .timeout_config(hipaa_stack::deploy::timeouts())
        .load()
        .await
}

async fn deployer<'a>(
    endpoint: &str,
    assembly: &'a Assembly,
    options: Options,
) -> Deployer<'a, hipaa_stack::deploy::SdkApi> {
    let c = Connection::from_config(&config_for(endpoint).await).unwrap();
    Deployer::new(c.cloudformation, assembly, options, Some(c.staging))
}

async fn s3_in(endpoint: &str, region: &'static str) -> aws_sdk_s3::Client {
    let config = config_in(endpoint, region).await;
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&config)
            .force_path_style(true)
            .build(),
    )
}

/// Runs the clinic program with the given environment (none of the caller's AWS settings).
fn clinic(args: &[&str], env: &[(&str, String)], stdout: Stdio) -> std::process::Output {
    let mut command = Command::new(example_binary("clinic"));
    command.args(args);
    for (k, _) in std::env::vars() {
        if k.starts_with("AWS_") {
            command.env_remove(k);
        }
    }
    command.envs(env.iter().map(|(k, v)| (k, v)));
    command
        .stdout(stdout)
        .stderr(Stdio::piped())
        .output()
        .expect("clinic runs")
}

/// A standard output whose reader is already gone, as in `clinic synth | true`.
fn closed_pipe() -> Stdio {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    Stdio::from(writer)
}

fn code(output: &std::process::Output) -> i32 {
    output.status.code().expect("an exit code, not a signal")
}

#[tokio::test]
async fn every_command_ends_quietly_with_its_own_code_when_stdout_is_closed() {
    let moto = Moto::start();
    let env = moto.env();
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().to_str().unwrap();
    let cases: &[(&[&str], i32)] = &[
        (&["synth", "--out", dir], 0),
        (&["graph"], 0),
        (&["graph", "--resources", "--format", "mermaid"], 0),
        (&["check"], 0),
        (&["check", "--format", "sarif"], 0),
        (&["report", "--out", dir], 0),
        (&["--help"], 0),
        (&["up", "--yes", "--out", dir], 0),
        (&["preview"], 0),
        (&["preview", "--json"], 0),
        (&["outputs"], 0),
        (&["outputs", "--json"], 0),
        // The local endpoint has no drift detection: it could not run.
        (&["drift"], 7),
        (&["destroy", "--yes"], 0),
    ];
    for (args, expected) in cases {
        std::fs::remove_dir_all(out.path()).ok();
        let run = clinic(args, &env, closed_pipe());
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(code(&run), *expected, "{args:?}: {stderr}");
        if args[0] == "up" {
            // The deployed assembly and its report are written although nothing could be
            // printed.
            assert!(out.path().join("manifest.json").exists(), "{stderr}");
            assert!(out.path().join("report.json").exists(), "{stderr}");
        }
    }
}

#[tokio::test]
async fn missing_credentials_are_named_as_such_with_their_own_exit_code() {
    let moto = Moto::start();
    let home = tempfile::tempdir().unwrap();
    let nowhere = home.path().join("none");
    let env = vec![
        ("AWS_ENDPOINT_URL", moto.endpoint.clone()),
        ("AWS_REGION", "us-east-1".to_owned()),
        ("AWS_EC2_METADATA_DISABLED", "true".to_owned()),
        ("AWS_CONFIG_FILE", nowhere.display().to_string()),
        ("AWS_SHARED_CREDENTIALS_FILE", nowhere.display().to_string()),
        ("HOME", home.path().display().to_string()),
    ];
    let start = Instant::now();
    let run = clinic(&["outputs"], &env, Stdio::piped());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(code(&run), 12, "{stderr}");
    assert!(stderr.contains("no usable AWS credentials"), "{stderr}");
    assert!(!stderr.contains("cannot reach"), "{stderr}");
    assert!(start.elapsed() < Duration::from_secs(30));
}

/// A refusal for the signing time that arrives under a permission's code (JSON services
/// answer `AccessDeniedException`, "Signature expired: …"; the SDKs' own clock-skew
/// correction counts that code among the skew codes, `aws-runtime`,
/// `service_clock_skew::CLOCK_SKEW_ERROR_CODES`) is the clock, not a missing permission:
/// signed again once with the time of the answer, then said so naming the stack and what to
/// do, with the credentials' exit code. An HTML page refusing the request (a proxy, an S3
/// website endpoint) is not AWS at all: said so, not retried, with the exit code of an
/// endpoint that cannot be reached.
#[tokio::test]
async fn a_refusal_for_the_signing_time_and_a_refusing_page_say_what_they_are() {
    let env = |endpoint: &str| {
        vec![
            ("AWS_ENDPOINT_URL", endpoint.to_owned()),
            ("AWS_ACCESS_KEY_ID", "test".to_owned()),
            ("AWS_SECRET_ACCESS_KEY", "test".to_owned()),
            ("AWS_REGION", "us-east-1".to_owned()),
            ("AWS_EC2_METADATA_DISABLED", "true".to_owned()),
        ]
    };
    let skewed = Fake::start(|_, _| {
        Some((
            403,
            "text/xml",
            query_error(
                "AccessDenied",
                "Signature expired: 20260101T000000Z is now earlier than 20260101T001500Z (20260101T003000Z - 15 min.)",
            ),
        ))
    });
    let run = clinic(&["outputs"], &env(&skewed.endpoint), Stdio::piped());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(code(&run), 12, "{stderr}");
    assert!(
        stderr.contains("stack `clinic-security`: DescribeStacks was refused: AWS refused the request for the time it was signed at"),
        "{stderr}"
    );
    assert!(stderr.contains("set it right"), "{stderr}");
    assert!(!stderr.contains("not allowed to call"), "{stderr}");
    assert_eq!(skewed.hits(), 2, "signed again once");

    let page = Fake::start(|_, _| {
        Some((
            403,
            "text/html",
            "<html><head><title>403 Forbidden</title></head><body><h1>403 Forbidden</h1></body></html>".to_owned(),
        ))
    });
    let run = clinic(&["outputs"], &env(&page.endpoint), Stdio::piped());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(code(&run), 10, "{stderr}");
    assert!(
        stderr.contains(
            "stack `clinic-security`: DescribeStacks was refused by something that is not AWS"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("<title>403 Forbidden</title>"), "{stderr}");
    assert!(stderr.contains("check the proxy settings"), "{stderr}");
    assert!(!stderr.contains("throttling"), "{stderr}");
    assert_eq!(page.hits(), 1, "not retried");
}

#[tokio::test]
async fn access_denied_names_the_action_and_the_stack() {
    let fake = Fake::start(|_, request| {
        let action = if request.contains("Action=DescribeStacks") {
            "cloudformation:DescribeStacks"
        } else {
            "cloudformation:Other"
        };
        Some((
            403,
            "text/xml",
            query_error(
                "AccessDenied",
                &format!(
                    "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: {action}"
                ),
            ),
        ))
    });
    let env = vec![
        ("AWS_ENDPOINT_URL", fake.endpoint.clone()),
        ("AWS_ACCESS_KEY_ID", "test".to_owned()),
        ("AWS_SECRET_ACCESS_KEY", "test".to_owned()),
        ("AWS_REGION", "us-east-1".to_owned()),
        ("AWS_EC2_METADATA_DISABLED", "true".to_owned()),
    ];
    let run = clinic(&["outputs"], &env, Stdio::piped());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(code(&run), 13, "{stderr}");
    assert!(
        stderr.contains(
            "stack `clinic-security`: the credentials are not allowed to call cloudformation:DescribeStacks"
        ),
        "{stderr}"
    );
    assert!(
        !stderr.contains("did not accept the credentials"),
        "{stderr}"
    );
    // Refused is final: one request, no retries.
    assert_eq!(fake.hits(), 1);
}

const HTML_503: &str = "<html><head><title>503 Service Temporarily Unavailable</title></head><body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>";

#[tokio::test]
async fn a_503_with_an_html_body_is_retried_and_its_status_shown() {
    // Two proxy error pages, then CloudFormation's own answer: the stack does not exist.
    let fake = Fake::start(|n, _| {
        if n < 2 {
            Some((503, "text/html", HTML_503.to_owned()))
        } else {
            Some((
                400,
                "text/xml",
                query_error("ValidationError", "Stack with id shared does not exist"),
            ))
        }
    });
    let assembly = app("e2e");
    let c = Connection::from_config(&config_for(&fake.endpoint).await).unwrap();
    let d = Deployer::new(
        c.cloudformation,
        &assembly,
        Options {
            stacks: vec!["shared".to_owned()],
            ..options()
        },
        None,
    );
    let err = d.outputs().await.unwrap_err();
    assert!(matches!(err, DeployError::NotDeployed { .. }), "{err}");
    assert_eq!(fake.hits(), 3);
    assert_eq!(d.calls().retries(), 2);

    // Always 503: the error says so, with the status, after the retries.
    let fake = Fake::start(|_, _| Some((503, "text/html", HTML_503.to_owned())));
    let c = Connection::from_config(&config_for(&fake.endpoint).await).unwrap();
    let d = Deployer::new(c.cloudformation, &assembly, options(), None);
    let err = d.outputs().await.unwrap_err();
    assert!(matches!(err, DeployError::EndpointFailing { .. }), "{err}");
    let text = err.to_string();
    assert!(text.contains("HTTP 503"), "{text}");
    assert!(
        text.contains("503 Service Temporarily Unavailable"),
        "{text}"
    );
    assert!(text.contains("8 attempts"), "{text}");
    assert!(!text.contains("parsing XML"), "{text}");

    // Throttled through every retry: said so, with the status.
    let fake =
        Fake::start(|_, _| Some((400, "text/xml", query_error("Throttling", "Rate exceeded"))));
    let c = Connection::from_config(&config_for(&fake.endpoint).await).unwrap();
    let d = Deployer::new(c.cloudformation, &assembly, options(), None);
    let err = d.outputs().await.unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with("stack `shared`: DescribeStacks failed: the endpoint is throttling (Throttling: HTTP 400: Rate exceeded (8 attempts"),
        "{text}"
    );
}

#[tokio::test]
async fn an_endpoint_that_never_answers_is_unreachable_within_a_minute() {
    let fake = Fake::start(|_, _| None);
    let env = vec![
        ("AWS_ENDPOINT_URL", fake.endpoint.clone()),
        ("AWS_ACCESS_KEY_ID", "test".to_owned()),
        ("AWS_SECRET_ACCESS_KEY", "test".to_owned()),
        ("AWS_REGION", "us-east-1".to_owned()),
        ("AWS_EC2_METADATA_DISABLED", "true".to_owned()),
    ];
    let start = Instant::now();
    let run = clinic(&["outputs"], &env, Stdio::piped());
    let took = start.elapsed();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(code(&run), 10, "{stderr}");
    assert!(took < Duration::from_secs(60), "took {took:?}");
    assert!(stderr.contains("did not answer in time"), "{stderr}");
    assert!(stderr.contains(&fake.endpoint), "{stderr}");
}

#[tokio::test]
async fn outputs_and_drift_of_an_app_never_deployed_say_so_and_fail() {
    let moto = Moto::start();
    for command in ["outputs", "drift"] {
        let run = clinic(&[command], &moto.env(), Stdio::piped());
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(code(&run), 17, "{command}: {stderr}");
        assert!(
            stderr.contains("`clinic-security`, `clinic-data` are not deployed; run `up` first"),
            "{command}: {stderr}"
        );
    }
}

/// A stack of another team, made directly through CloudFormation: one queue, tagged with
/// its team and no app.
async fn foreign_stack(cfn: &aws_sdk_cloudformation::Client, name: &str) -> String {
    let template = serde_json::json!({
        "Resources": { "TeamQueue": { "Type": "AWS::SQS::Queue", "Properties": { "QueueName": "team-queue" } } }
    });
    cfn.create_stack()
        .stack_name(name)
        .template_body(template.to_string())
        .tags(
            aws_sdk_cloudformation::types::Tag::builder()
                .key("team")
                .value("billing")
                .build(),
        )
        .send()
        .await
        .unwrap()
        .stack_id()
        .unwrap()
        .to_owned()
}

async fn resources(cfn: &aws_sdk_cloudformation::Client, name: &str) -> Vec<String> {
    cfn.describe_stack_resources()
        .stack_name(name)
        .send()
        .await
        .unwrap()
        .stack_resources()
        .iter()
        .map(|r| r.logical_resource_id().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn a_foreign_stack_of_the_same_name_is_refused_untouched_until_adopted() {
    let moto = Moto::start();
    let cfn = aws_sdk_cloudformation::Client::new(&moto.config().await);
    let id = foreign_stack(&cfn, "shared").await;
    let assembly = app("e2e");

    let preview = deployer(&moto.endpoint, &assembly, options())
        .await
        .preview()
        .await
        .unwrap_err();
    let up = deployer(&moto.endpoint, &assembly, options())
        .await
        .up()
        .await
        .unwrap_err();
    let destroy = deployer(&moto.endpoint, &assembly, options())
        .await
        .destroy()
        .await
        .unwrap_err();
    for err in [&preview, &up, &destroy] {
        assert!(matches!(err, DeployError::NotOurs { .. }), "{err}");
        assert_eq!(
            err.to_string(),
            "stack `shared` exists but is not part of app `e2e` (it has no `hipaa-stack:app` tag); it was left untouched. If this app should manage it, pass `--adopt shared`"
        );
    }
    // Untouched: the same stack, its resources, no change set, and `data` never created.
    let described = cfn
        .describe_stacks()
        .stack_name("shared")
        .send()
        .await
        .unwrap();
    let stack = &described.stacks()[0];
    assert_eq!(stack.stack_id(), Some(id.as_str()));
    assert_eq!(stack.stack_status().unwrap().as_str(), "CREATE_COMPLETE");
    assert_eq!(resources(&cfn, "shared").await, ["TeamQueue"]);
    let sets = cfn
        .list_change_sets()
        .stack_name("shared")
        .send()
        .await
        .unwrap();
    assert!(sets.summaries().is_empty(), "{:?}", sets.summaries());
    assert!(
        cfn.describe_stacks()
            .stack_name("data")
            .send()
            .await
            .is_err()
    );

    // A stack of another app is refused too, naming that app.
    cfn.create_stack()
        .stack_name("data")
        .template_body(
            serde_json::json!({"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}).to_string(),
        )
        .tags(
            aws_sdk_cloudformation::types::Tag::builder()
                .key("hipaa-stack:app")
                .value("billing")
                .build(),
        )
        .send()
        .await
        .unwrap();
    let err = deployer(
        &moto.endpoint,
        &assembly,
        Options {
            stacks: vec!["data".to_owned()],
            ..options()
        },
    )
    .await
    .destroy()
    .await
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("its `hipaa-stack:app` tag is `billing`"),
        "{err}"
    );
    assert!(
        cfn.describe_stacks()
            .stack_name("data")
            .send()
            .await
            .is_ok()
    );

    // Adopted deliberately, it becomes the app's. The app's templates have no queue, so
    // adopting deletes the other teams' queues: stores of PHI, deleted only when named.
    let adopt = Options {
        adopt: vec!["shared".to_owned(), "data".to_owned()],
        allow_replace: vec!["shared/TeamQueue".to_owned(), "data/Q".to_owned()],
        ..options()
    };
    deployer(&moto.endpoint, &assembly, adopt)
        .await
        .up()
        .await
        .unwrap();
    let described = cfn
        .describe_stacks()
        .stack_name("shared")
        .send()
        .await
        .unwrap();
    let tags: Vec<(&str, &str)> = described.stacks()[0]
        .tags()
        .iter()
        .map(|t| (t.key().unwrap(), t.value().unwrap()))
        .collect();
    assert!(tags.contains(&("hipaa-stack:app", "e2e")), "{tags:?}");
    deployer(&moto.endpoint, &assembly, options())
        .await
        .destroy()
        .await
        .unwrap();
}

#[tokio::test]
async fn two_concurrent_ups_on_a_fresh_app_leave_one_stack_per_name() {
    let moto = Moto::start();
    let assembly = app("e2e");
    let a = deployer(&moto.endpoint, &assembly, options()).await;
    let b = deployer(&moto.endpoint, &assembly, options()).await;
    let (ra, rb) = tokio::join!(a.up(), b.up());
    // One run waits for the other, then finds the stacks deployed.
    let ra = ra.unwrap();
    let rb = rb.unwrap();
    let created = ra
        .iter()
        .chain(&rb)
        .filter(|d| d.state == hipaa_stack::deploy::PlanState::Create)
        .count();
    assert_eq!(created, 2, "{ra:?} {rb:?}");

    let cfn = aws_sdk_cloudformation::Client::new(&moto.config().await);
    let listed = cfn.list_stacks().send().await.unwrap();
    for name in ["shared", "data"] {
        let live = listed
            .stack_summaries()
            .iter()
            .filter(|s| s.stack_name() == Some(name))
            .filter(|s| s.stack_status().map(|x| x.as_str()) != Some("DELETE_COMPLETE"))
            .count();
        assert_eq!(live, 1, "{name}: {:?}", listed.stack_summaries());
    }
    let buckets = s3_in(&moto.endpoint, "us-east-1")
        .await
        .list_buckets()
        .send()
        .await
        .unwrap();
    let records = buckets
        .buckets()
        .iter()
        .filter(|b| b.name().is_some_and(|n| n.contains("records")))
        .count();
    assert_eq!(records, 1, "{:?}", buckets.buckets());
    // The lock was released.
    let objects = s3_in(&moto.endpoint, "us-east-1")
        .await
        .list_objects_v2()
        .bucket(STAGING)
        .prefix("locks/")
        .send()
        .await
        .unwrap();
    assert!(objects.contents().is_empty());
}

#[tokio::test]
async fn a_run_that_finds_the_app_locked_waits_then_refuses_naming_the_other_run() {
    let moto = Moto::start();
    let assembly = app("e2e");
    // Another run holds the lock (as one that is deploying right now would).
    let holder = deployer(&moto.endpoint, &assembly, options()).await;
    holder.preview().await.unwrap();
    let cfn = aws_sdk_cloudformation::Client::new(&moto.config().await);
    let stacks = |cfn: aws_sdk_cloudformation::Client| async move {
        let listed = cfn.list_stacks().send().await.unwrap();
        listed
            .stack_summaries()
            .iter()
            .map(|s| format!("{:?} {:?}", s.stack_name(), s.stack_status()))
            .collect::<Vec<_>>()
    };
    let before = stacks(cfn.clone()).await;
    let s3 = s3_in(&moto.endpoint, "us-east-1").await;
    let lock = serde_json::json!({
        "run": "other-run", "pid": 4242, "started": 1, "expires": u64::MAX / 2, "command": "up"
    });
    s3.put_object()
        .bucket(STAGING)
        .key("locks/e2e.json")
        .body(lock.to_string().into_bytes().into())
        .send()
        .await
        .unwrap();
    let start = Instant::now();
    let err = deployer(
        &moto.endpoint,
        &assembly,
        Options {
            lock_wait: Duration::from_secs(1),
            ..options()
        },
    )
    .await
    .up()
    .await
    .unwrap_err();
    assert!(start.elapsed() >= Duration::from_secs(1));
    assert!(matches!(err, DeployError::Busy { .. }), "{err}");
    let text = err.to_string();
    assert!(text.contains("run other-run (`up`, pid 4242)"), "{text}");
    assert!(text.contains("nothing was changed"), "{text}");
    assert_eq!(stacks(cfn).await, before);
}

/// Creates a bucket the way someone else would, with a raw request (moto takes the account
/// from `x-moto-account-id`).
fn raw_create_bucket(endpoint: &str, bucket: &str, account: &str) {
    let address = endpoint.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    let request = format!(
        "PUT /{bucket} HTTP/1.1\r\nHost: {address}\r\nx-moto-account-id: {account}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
}

#[tokio::test]
async fn a_staging_bucket_of_another_account_is_refused_and_never_written() {
    let moto = Moto::start();
    raw_create_bucket(&moto.endpoint, STAGING, "999988887777");
    let assembly = app("e2e");
    let err = deployer(&moto.endpoint, &assembly, options())
        .await
        .up()
        .await
        .unwrap_err();
    assert!(matches!(err, DeployError::StagingRefused { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("a bucket of that name exists and belongs to another account"),
        "{err}"
    );
    assert!(err.to_string().contains("--staging-bucket"), "{err}");
    let s3 = s3_in(&moto.endpoint, "us-east-1").await;
    let objects = s3.list_objects_v2().bucket(STAGING).send().await.unwrap();
    assert!(objects.contents().is_empty());
    let cfn = aws_sdk_cloudformation::Client::new(&moto.config().await);
    assert!(
        cfn.describe_stacks()
            .stack_name("shared")
            .send()
            .await
            .is_err()
    );
}

/// A bucket of ours, set up badly: SSE-S3, a public read policy, no public-access block.
async fn badly_configured(s3: &aws_sdk_s3::Client, bucket: &str) {
    use aws_sdk_s3::types::{
        ServerSideEncryption, ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration,
        ServerSideEncryptionRule,
    };
    s3.create_bucket().bucket(bucket).send().await.unwrap();
    s3.put_bucket_encryption()
        .bucket(bucket)
        .server_side_encryption_configuration(
            ServerSideEncryptionConfiguration::builder()
                .rules(
                    ServerSideEncryptionRule::builder()
                        .apply_server_side_encryption_by_default(
                            ServerSideEncryptionByDefault::builder()
                                .sse_algorithm(ServerSideEncryption::Aes256)
                                .build()
                                .unwrap(),
                        )
                        .build(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let public = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{ "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::{bucket}/*") }]
    });
    s3.put_bucket_policy()
        .bucket(bucket)
        .policy(public.to_string())
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn the_tools_own_staging_bucket_badly_configured_is_repaired_before_use() {
    let moto = Moto::start();
    let s3 = s3_in(&moto.endpoint, "us-east-1").await;
    badly_configured(&s3, STAGING).await;
    let assembly = app("e2e");
    deployer(&moto.endpoint, &assembly, options())
        .await
        .up()
        .await
        .unwrap();

    let block = s3
        .get_public_access_block()
        .bucket(STAGING)
        .send()
        .await
        .unwrap();
    let block = block.public_access_block_configuration().unwrap();
    assert_eq!(
        (
            block.block_public_acls(),
            block.ignore_public_acls(),
            block.block_public_policy(),
            block.restrict_public_buckets()
        ),
        (Some(true), Some(true), Some(true), Some(true))
    );
    let encryption = s3
        .get_bucket_encryption()
        .bucket(STAGING)
        .send()
        .await
        .unwrap();
    let rule = &encryption
        .server_side_encryption_configuration()
        .unwrap()
        .rules()[0];
    assert_eq!(
        rule.apply_server_side_encryption_by_default()
            .unwrap()
            .sse_algorithm()
            .as_str(),
        "aws:kms"
    );
    let policy = s3.get_bucket_policy().bucket(STAGING).send().await.unwrap();
    let policy: serde_json::Value = serde_json::from_str(policy.policy().unwrap()).unwrap();
    assert_eq!(policy["Statement"].as_array().unwrap().len(), 1, "{policy}");
    assert_eq!(policy["Statement"][0]["Effect"], "Deny");
    let ownership = s3
        .get_bucket_ownership_controls()
        .bucket(STAGING)
        .send()
        .await
        .unwrap();
    assert_eq!(
        ownership.ownership_controls().unwrap().rules()[0]
            .object_ownership()
            .as_str(),
        "BucketOwnerEnforced"
    );
    let lifecycle = s3
        .get_bucket_lifecycle_configuration()
        .bucket(STAGING)
        .send()
        .await
        .unwrap();
    assert_eq!(lifecycle.rules()[0].expiration().unwrap().days(), Some(30));
}

#[tokio::test]
async fn an_organisation_bucket_that_falls_short_is_refused_unchanged() {
    let moto = Moto::start();
    let s3 = s3_in(&moto.endpoint, "us-east-1").await;
    badly_configured(&s3, "acme-cfn-staging").await;
    let assembly = app("e2e");
    let c = Connection::from_config(&config_for(&moto.endpoint).await).unwrap();
    let d = Deployer::new(
        c.cloudformation,
        &assembly,
        options(),
        Some(c.staging.with_bucket("acme-cfn-staging")),
    );
    let err = d.up().await.unwrap_err();
    assert!(matches!(err, DeployError::StagingRefused { .. }), "{err}");
    let text = err.to_string();
    for reason in [
        "it has no public-access block",
        "it is encrypted with AES256 rather than a KMS key",
        "its policy grants access outside the account",
        "ACLs are not disabled",
    ] {
        assert!(text.contains(reason), "{reason}: {text}");
    }
    // Unchanged: the public policy is still there, and no lock or template was written.
    let policy = s3
        .get_bucket_policy()
        .bucket("acme-cfn-staging")
        .send()
        .await
        .unwrap();
    assert!(policy.policy().unwrap().contains("\"Allow\""));
    assert!(
        s3.get_public_access_block()
            .bucket("acme-cfn-staging")
            .send()
            .await
            .is_err()
    );
    let objects = s3
        .list_objects_v2()
        .bucket("acme-cfn-staging")
        .send()
        .await
        .unwrap();
    assert!(objects.contents().is_empty());
}

#[tokio::test]
async fn in_govcloud_the_staging_bucket_has_govcloud_arns_and_template_urls() {
    let moto = Moto::start();
    let assembly = crate::deploy::big_stack(25);
    assert!(assembly.stack("big").unwrap().needs_upload());
    let config = config_in(&moto.endpoint, "us-gov-west-1").await;
    let c = Connection::from_config(&config).unwrap();
    let d = Deployer::new(
        Faulty::new(c.cloudformation, Faults::default()),
        &assembly,
        options(),
        Some(c.staging),
    );
    d.up().await.unwrap();

    let bucket = "hipaa-stack-staging-123456789012-us-gov-west-1";
    let requests = d.api().requests();
    let TemplateSource::Url(url) = &requests[0].template else {
        panic!("the template was sent inline: {:?}", requests[0].stack);
    };
    assert!(
        url.starts_with(&format!(
            "https://{bucket}.s3.us-gov-west-1.amazonaws.com/e2e/big/"
        )),
        "{url}"
    );
    let s3 = s3_in(&moto.endpoint, "us-gov-west-1").await;
    let policy = s3.get_bucket_policy().bucket(bucket).send().await.unwrap();
    let policy: serde_json::Value = serde_json::from_str(policy.policy().unwrap()).unwrap();
    assert_eq!(
        policy["Statement"][0]["Resource"],
        serde_json::json!([
            format!("arn:aws-us-gov:s3:::{bucket}"),
            format!("arn:aws-us-gov:s3:::{bucket}/*")
        ])
    );
    let location = s3
        .get_bucket_location()
        .bucket(bucket)
        .send()
        .await
        .unwrap();
    assert_eq!(
        location.location_constraint().map(|l| l.as_str()),
        Some("us-gov-west-1")
    );
}

#[test]
fn a_typo_in_an_escape_hatch_ref_names_the_users_construct() {
    let app = App::new("e2e");
    let stack = app.stack("jobs").unwrap();
    let key = stack.add(KmsKey::new("PhiKey")).unwrap();
    stack
        .add(
            RawResource::new("Jobs", "AWS::SQS::Queue")
                .property("KmsMasterKeyId", key.arn())
                .property("RedrivePolicy", serde_json::json!({ "deadLetterTargetArn": { "Fn::GetAtt": ["DeadLeters", "Arn"] } })),
        )
        .unwrap();
    let err = app.synth().unwrap_err().to_string();
    assert!(
        err.starts_with("the escape-hatch resource `jobs/Jobs` refers to `DeadLeters`, which stack `jobs` does not contain"),
        "{err}"
    );
    assert!(err.contains("PhiKey"), "{err}");
    assert!(!err.contains("bug in hipaa-stack"), "{err}");
}

/// Ctrl-C typed at the `[y/N]` prompt (through a terminal that `script` provides) ends the
/// run at once, and the change sets made for the question are deleted.
#[tokio::test]
async fn ctrl_c_at_the_prompt_stops_at_once_and_deletes_the_change_sets() {
    let moto = Moto::start();
    let out = tempfile::tempdir().unwrap();
    let binary = example_binary("clinic");
    let command = format!("{} up --out {}", binary.display(), out.path().display());
    let mut child = Command::new("script")
        .args(["-qefc", &command, "/dev/null"])
        .envs(moto.env())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script(1) runs");
    let mut stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut seen = Vec::new();
        let mut buf = [0u8; 1024];
        while let Ok(k) = stdout.read(&mut buf) {
            if k == 0 {
                break;
            }
            seen.extend_from_slice(&buf[..k]);
            let _ = tx.send(String::from_utf8_lossy(&seen).to_string());
        }
    });
    let mut text = String::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !text.contains("[y/N]") {
        assert!(Instant::now() < deadline, "no prompt: {text}");
        if let Ok(t) = rx.recv_timeout(Duration::from_millis(200)) {
            text = t;
        }
    }
    let cfn = aws_sdk_cloudformation::Client::new(&moto.config().await);
    let sets = cfn
        .list_change_sets()
        .stack_name("clinic-security")
        .send()
        .await
        .unwrap();
    assert_eq!(
        sets.summaries().len(),
        1,
        "the prompt waits on a change set"
    );

    // Ctrl-C, typed on the terminal.
    let pressed = Instant::now();
    child.stdin.as_mut().unwrap().write_all(b"\x03").unwrap();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            pressed.elapsed() < Duration::from_secs(20),
            "Ctrl-C did not end the run"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    while let Ok(t) = rx.recv_timeout(Duration::from_millis(300)) {
        text = t;
    }
    assert_eq!(status.code(), Some(130), "{text}");
    assert!(
        text.contains(
            "deleted what it had prepared and not executed: clinic-security (its change set, and the empty stack the change set had created)"
        ),
        "{text}"
    );
    // The change set is gone, and so is the empty stack it had created.
    if let Ok(sets) = cfn
        .list_change_sets()
        .stack_name("clinic-security")
        .send()
        .await
    {
        assert!(sets.summaries().is_empty(), "{:?}", sets.summaries());
    }
    let listed = cfn.list_stacks().send().await.unwrap();
    assert!(
        listed
            .stack_summaries()
            .iter()
            .all(|s| s.stack_status().map(|x| x.as_str()) == Some("DELETE_COMPLETE")),
        "{:?}\n{text}",
        listed.stack_summaries()
    );

    // Running the command again converges: each stack created once.
    let again = crate::support::run_example_with_env(
        "clinic",
        &["up", "--yes", "--out", &out.path().display().to_string()],
        &moto.env(),
    );
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let listed = cfn.list_stacks().send().await.unwrap();
    for name in ["clinic-security", "clinic-data"] {
        let live: Vec<_> = listed
            .stack_summaries()
            .iter()
            .filter(|s| s.stack_name() == Some(name))
            .filter(|s| s.stack_status().map(|x| x.as_str()) != Some("DELETE_COMPLETE"))
            .collect();
        assert_eq!(live.len(), 1, "{name}: {live:?}");
    }
}

/// Every S3 call names the expected owner of the bucket (all but CreateBucket, which has no
/// such parameter): seen on the wire through a recording proxy in front of the local endpoint.
#[tokio::test]
async fn every_s3_call_names_the_expected_bucket_owner() {
    let moto = Moto::start();
    let (proxy, seen) = Fake::recording_proxy(&moto.endpoint);
    let assembly = crate::deploy::big_stack(25);
    deployer(&proxy.endpoint, &assembly, options())
        .await
        .up()
        .await
        .unwrap();
    let requests = seen.lock().unwrap().clone();
    let s3: Vec<&String> = requests
        .iter()
        .filter(|r| {
            r.split_whitespace()
                .nth(1)
                .is_some_and(|p| p.starts_with(&format!("/{STAGING}")))
        })
        .collect();
    let line = |r: &String| r.lines().next().unwrap_or_default().to_owned();
    let creates: Vec<String> = s3
        .iter()
        .filter(|r| r.starts_with(&format!("PUT /{STAGING}/ HTTP")))
        .map(|r| line(r))
        .collect();
    let lines: Vec<String> = requests.iter().map(&line).collect();
    assert_eq!(creates.len(), 1, "{lines:#?}");
    let uploads = s3
        .iter()
        .filter(|r| r.starts_with(&format!("PUT /{STAGING}/e2e/big/")))
        .count();
    assert_eq!(uploads, 1);
    let without: Vec<String> = s3
        .iter()
        .filter(|r| !r.starts_with(&format!("PUT /{STAGING}/ HTTP")))
        .filter(|r| {
            !r.to_ascii_lowercase()
                .contains("x-amz-expected-bucket-owner: 123456789012")
        })
        .map(|r| line(r))
        .collect();
    assert!(
        without.is_empty(),
        "calls without ExpectedBucketOwner: {without:?}"
    );
    assert!(s3.len() > 10, "{} S3 calls", s3.len());
}

/// Where S3 enforces `ExpectedBucketOwner` (AWS does; the local endpoint does not), a bucket
/// of another account answers 403, and it is refused without another call.
#[tokio::test]
async fn a_staging_bucket_that_fails_the_owner_check_is_refused() {
    let unexpected = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = unexpected.clone();
    let fake = Fake::start(move |_, request| {
        if request.contains("Action=GetCallerIdentity") {
            return Some((
                200,
                "text/xml",
                "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/dev</Arn><UserId>AIDA</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>".to_owned(),
            ));
        }
        if request.starts_with("HEAD ")
            && request
                .to_ascii_lowercase()
                .contains("x-amz-expected-bucket-owner: 123456789012")
        {
            return Some((403, "application/xml", String::new()));
        }
        // The region's exports, read before a new export is planned: none.
        if request.contains("Action=ListExports") {
            return Some((
                200,
                "text/xml",
                "<ListExportsResponse xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\"><ListExportsResult><Exports/></ListExportsResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ListExportsResponse>".to_owned(),
            ));
        }
        // The stacks do not exist yet: the run reads them, then needs the lock to write.
        if request.contains("Action=DescribeStacks") {
            return Some((
                400,
                "text/xml",
                crate::fake::query_error("ValidationError", "Stack with id shared does not exist"),
            ));
        }
        seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Some((500, "text/plain", "unexpected".to_owned()))
    });
    let assembly = app("e2e");
    let err = deployer(&fake.endpoint, &assembly, options())
        .await
        .up()
        .await
        .unwrap_err();
    assert!(matches!(err, DeployError::StagingRefused { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("S3 refused HeadBucket with ExpectedBucketOwner 123456789012"),
        "{err}"
    );
    // The stacks were read, then the lock (GetCallerIdentity, HeadBucket) was refused before
    // the first write: no change set, no upload, nothing else reached the endpoint.
    assert_eq!(
        unexpected.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "a request other than reads and the owner check reached the endpoint"
    );
    assert!(fake.hits() >= 3, "{} requests", fake.hits());
}

/// As a user meets them: a stack of another team and an organisation's staging bucket that
/// falls short, through the clinic program's flags.
#[tokio::test]
async fn the_clinic_program_refuses_what_is_not_its_own_with_exit_15() {
    let moto = Moto::start();
    let cfn = aws_sdk_cloudformation::Client::new(&moto.config().await);
    foreign_stack(&cfn, "clinic-security").await;
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().to_str().unwrap();
    for args in [
        &["up", "--yes", "--out", dir][..],
        &["preview"][..],
        &["destroy", "--yes"][..],
        // Its outputs are not shown as the app's either.
        &["outputs"][..],
        &["drift"][..],
    ] {
        let run = clinic(args, &moto.env(), Stdio::piped());
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(code(&run), 15, "{args:?}: {stderr}");
        assert!(
            stderr.contains("pass `--adopt clinic-security`"),
            "{args:?}: {stderr}"
        );
    }
    assert_eq!(resources(&cfn, "clinic-security").await, ["TeamQueue"]);
    let run = clinic(
        &["up", "--yes", "--adopt", "nosuch"],
        &moto.env(),
        Stdio::piped(),
    );
    assert_eq!(code(&run), 2, "{}", String::from_utf8_lossy(&run.stderr));

    let s3 = s3_in(&moto.endpoint, "us-east-1").await;
    badly_configured(&s3, "acme-cfn-staging").await;
    let run = clinic(
        &[
            "up",
            "--yes",
            "--adopt",
            "clinic-security",
            "--staging-bucket",
            "acme-cfn-staging",
            "--out",
            dir,
        ],
        &moto.env(),
        Stdio::piped(),
    );
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(code(&run), 15, "{stderr}");
    assert!(
        stderr.contains(
            "the staging bucket `acme-cfn-staging` was not used: it has no public-access block"
        ),
        "{stderr}"
    );
    assert_eq!(resources(&cfn, "clinic-security").await, ["TeamQueue"]);
}

/// Ctrl-C (SIGINT) between creating a change set and executing it, with `--yes`: the run
/// stops, executes nothing, and deletes what it prepared. A proxy holds the first
/// `DescribeChangeSet` so that the signal lands in that window.
#[tokio::test]
async fn ctrl_c_between_create_and_execute_deletes_the_change_set_and_executes_nothing() {
    let moto = Moto::start();
    let address = moto.endpoint.trim_start_matches("http://").to_owned();
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let tx = std::sync::Mutex::new(Some(tx));
    let proxy = Fake::start_raw(move |_, request| {
        if request.contains("Action=DescribeChangeSet")
            && let Some(tx) = tx.lock().unwrap().take()
        {
            let _ = tx.send(());
            std::thread::sleep(Duration::from_secs(3));
        }
        if request.contains("Action=ExecuteChangeSet") {
            panic!("the change set was executed");
        }
        forward(&address, request)
    });
    let mut env = moto.env();
    env.retain(|(k, _)| *k != "AWS_ENDPOINT_URL");
    env.push(("AWS_ENDPOINT_URL", proxy.endpoint.clone()));
    let out = tempfile::tempdir().unwrap();
    let mut child = Command::new(example_binary("clinic"))
        .args(["up", "--yes", "--out", out.path().to_str().unwrap()])
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    rx.recv_timeout(Duration::from_secs(60))
        .expect("the run reaches its first change set");
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "still running");
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("deleted what it had prepared and not executed: clinic-security"),
        "{stderr}"
    );
    let cfn = aws_sdk_cloudformation::Client::new(&moto.config().await);
    let listed = cfn.list_stacks().send().await.unwrap();
    assert!(
        listed
            .stack_summaries()
            .iter()
            .all(|s| s.stack_status().map(|x| x.as_str()) == Some("DELETE_COMPLETE")),
        "{:?}",
        listed.stack_summaries()
    );
}

/// A lock left by a run that was killed expires: the next run takes it over (only that lock,
/// by its ETag), says so, deploys, and releases it.
#[tokio::test]
async fn an_expired_lock_of_a_killed_run_is_taken_over_and_said() {
    let moto = Moto::start();
    let s3 = s3_in(&moto.endpoint, "us-east-1").await;
    s3.create_bucket().bucket(STAGING).send().await.unwrap();
    let lock = serde_json::json!({
        "run": "dead-run", "pid": 4242, "started": 1, "expires": 2, "command": "up"
    });
    s3.put_object()
        .bucket(STAGING)
        .key("locks/clinic.json")
        .body(lock.to_string().into_bytes().into())
        .send()
        .await
        .unwrap();
    let out = tempfile::tempdir().unwrap();
    let run = clinic(
        &["up", "--yes", "--out", out.path().to_str().unwrap()],
        &moto.env(),
        Stdio::piped(),
    );
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(code(&run), 0, "{stderr}");
    assert!(
        stderr.contains("took over the lock of app `clinic` left by run dead-run (`up`, pid 4242)"),
        "{stderr}"
    );
    let objects = s3
        .list_objects_v2()
        .bucket(STAGING)
        .prefix("locks/")
        .send()
        .await
        .unwrap();
    assert!(objects.contents().is_empty(), "{:?}", objects.contents());
}

/// Lets the first conditional write of the run lock (`PUT …/locks/…` with `If-None-Match`)
/// reach S3, then answers it with a server error: an answer lost after S3 took the write,
/// which the retry then meets as 412 Precondition Failed.
#[derive(Debug, Default)]
struct LoseFirstLockAnswer {
    /// 0: not seen yet; 1: the write is on its way; 2: its answer was lost.
    state: std::sync::atomic::AtomicU8,
}

impl aws_sdk_s3::config::Intercept for LoseFirstLockAnswer {
    fn name(&self) -> &'static str {
        "LoseFirstLockAnswer"
    }

    fn read_before_transmit(
        &self,
        context: &aws_sdk_s3::config::interceptors::BeforeTransmitInterceptorContextRef<'_>,
        _: &aws_sdk_s3::config::RuntimeComponents,
        _: &mut aws_sdk_s3::config::ConfigBag,
    ) -> Result<(), aws_sdk_s3::error::BoxError> {
        let request = context.request();
        if request.method() == "PUT"
            && request.uri().contains("/locks/")
            && request.headers().get("If-None-Match").is_some()
        {
            let _ = self.state.compare_exchange(
                0,
                1,
                std::sync::atomic::Ordering::SeqCst,
                std::sync::atomic::Ordering::SeqCst,
            );
        }
        Ok(())
    }

    fn modify_before_deserialization(
        &self,
        context: &mut aws_sdk_s3::config::interceptors::BeforeDeserializationInterceptorContextMut<
            '_,
        >,
        _: &aws_sdk_s3::config::RuntimeComponents,
        _: &mut aws_sdk_s3::config::ConfigBag,
    ) -> Result<(), aws_sdk_s3::error::BoxError> {
        let lose = self
            .state
            .compare_exchange(
                1,
                2,
                std::sync::atomic::Ordering::SeqCst,
                std::sync::atomic::Ordering::SeqCst,
            )
            .is_ok();
        if lose {
            let response = context.response_mut();
            *response.status_mut() = 500u16.try_into()?;
            *response.body_mut() = aws_sdk_s3::primitives::SdkBody::from(
                "<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message></Error>",
            );
        }
        Ok(())
    }
}

/// A run whose lock write reached S3 but whose answer was lost retries it, meets its own
/// lock (412), and goes on holding it, rather than waiting for itself and then refusing
/// with its own run named as the holder.
#[tokio::test]
async fn a_lock_write_whose_answer_was_lost_is_the_runs_own_lock() {
    let moto = Moto::start();
    let assembly = app("e2e");
    let config = config_for(&moto.endpoint).await;
    let lose = std::sync::Arc::new(LoseFirstLockAnswer::default());
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&config)
            .force_path_style(true)
            .request_checksum_calculation(
                aws_sdk_s3::config::RequestChecksumCalculation::WhenRequired,
            )
            .interceptor(aws_sdk_s3::config::SharedInterceptor::new(
                LoseFirstLockAnswerRef(lose.clone()),
            ))
            .build(),
    );
    let staging = hipaa_stack::deploy::Staging::new(
        s3,
        aws_sdk_sts::Client::new(&config),
        "us-east-1",
        moto.endpoint.clone(),
    );
    let c = Connection::from_config(&config).unwrap();
    let d = Deployer::new(
        c.cloudformation,
        &assembly,
        Options {
            lock_wait: Duration::from_secs(5),
            ..options()
        },
        Some(staging),
    );
    let start = Instant::now();
    let deployed = d.up().await;
    assert_eq!(
        lose.state.load(std::sync::atomic::Ordering::SeqCst),
        2,
        "the lock's answer was not lost"
    );
    let deployed = deployed.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(deployed.len(), 2);
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    // The lock was released at the end, as after any run.
    let objects = s3_in(&moto.endpoint, "us-east-1")
        .await
        .list_objects_v2()
        .bucket(STAGING)
        .prefix("locks/")
        .send()
        .await
        .unwrap();
    assert!(objects.contents().is_empty());
}

/// [`LoseFirstLockAnswer`] shared with the test, which reads its state.
#[derive(Debug)]
struct LoseFirstLockAnswerRef(std::sync::Arc<LoseFirstLockAnswer>);

impl aws_sdk_s3::config::Intercept for LoseFirstLockAnswerRef {
    fn name(&self) -> &'static str {
        "LoseFirstLockAnswer"
    }

    fn read_before_transmit(
        &self,
        context: &aws_sdk_s3::config::interceptors::BeforeTransmitInterceptorContextRef<'_>,
        components: &aws_sdk_s3::config::RuntimeComponents,
        cfg: &mut aws_sdk_s3::config::ConfigBag,
    ) -> Result<(), aws_sdk_s3::error::BoxError> {
        self.0.read_before_transmit(context, components, cfg)
    }

    fn modify_before_deserialization(
        &self,
        context: &mut aws_sdk_s3::config::interceptors::BeforeDeserializationInterceptorContextMut<
            '_,
        >,
        components: &aws_sdk_s3::config::RuntimeComponents,
        cfg: &mut aws_sdk_s3::config::ConfigBag,
    ) -> Result<(), aws_sdk_s3::error::BoxError> {
        self.0
            .modify_before_deserialization(context, components, cfg)
    }
}

/// Another run takes the lock between this run's read of it and its delete (as a run that
/// judged this one's lock expired would): the release deletes only the object it read
/// (`DeleteObject` with `If-Match: <ETag>`, Amazon S3 User Guide, "How to perform
/// conditional deletes": a changed object answers 412 Precondition Failed), so the other
/// run's lock stays, and the run says it left it. A proxy in front of moto writes the other
/// run's lock just before it forwards the run's `DELETE` of the lock.
#[tokio::test]
async fn a_lock_taken_by_another_run_between_the_read_and_the_delete_is_left() {
    let moto = Moto::start();
    let address = moto.endpoint.trim_start_matches("http://").to_owned();
    let taken = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let conditional = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let proxy = {
        let taken = taken.clone();
        let conditional = conditional.clone();
        Fake::start_raw(move |_, request| {
            if request.starts_with("DELETE ")
                && request.contains("/locks/clinic.json")
                && !taken.swap(true, std::sync::atomic::Ordering::SeqCst)
            {
                conditional.store(
                    request.to_ascii_lowercase().contains("\r\nif-match:"),
                    std::sync::atomic::Ordering::SeqCst,
                );
                let body = serde_json::json!({
                    "run": "other-run", "pid": 4242, "started": 1,
                    "expires": u64::MAX / 2, "command": "up"
                })
                .to_string();
                // Signed as the account (moto reads the caller from the credential; an
                // anonymous request meets the bucket's policy, which grants nothing).
                let authorization = request
                    .lines()
                    .find(|l| l.to_ascii_lowercase().starts_with("authorization:"))
                    .expect("a signed request");
                let put = format!(
                    "PUT /{STAGING}/locks/clinic.json HTTP/1.1\r\nHost: {address}\r\n{authorization}\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                );
                let reply = forward(&address, &put).expect("moto answers");
                assert!(reply.starts_with(b"HTTP/1.1 200"), "{reply:?}");
            }
            forward(&address, request)
        })
    };
    let mut env = moto.env();
    env.retain(|(k, _)| *k != "AWS_ENDPOINT_URL");
    env.push(("AWS_ENDPOINT_URL", proxy.endpoint.clone()));
    let out = tempfile::tempdir().unwrap();
    let run = clinic(
        &["up", "--yes", "--out", out.path().to_str().unwrap()],
        &env,
        Stdio::piped(),
    );
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(code(&run), 0, "{stderr}");
    assert!(
        taken.load(std::sync::atomic::Ordering::SeqCst),
        "the run never released its lock: {stderr}"
    );
    assert!(
        conditional.load(std::sync::atomic::Ordering::SeqCst),
        "the lock was deleted without If-Match"
    );
    assert!(
        stderr.contains("run other-run (`up`, pid 4242) took it over while this run held it"),
        "{stderr}"
    );
    // The other run's lock is still there, untouched.
    let s3 = s3_in(&moto.endpoint, "us-east-1").await;
    let got = s3
        .get_object()
        .bucket(STAGING)
        .key("locks/clinic.json")
        .send()
        .await
        .expect("the other run's lock is still there");
    let body = got.body.collect().await.unwrap().into_bytes();
    let body = String::from_utf8_lossy(&body);
    assert!(body.contains("\"other-run\""), "{body}");
}

/// App `name`: a stack `dr` pinned to us-east-1 (or, `pinned` false, of the environment's
/// region) with a backup vault, and a stack `data` of the environment's region whose backup
/// plan copies a bucket's recovery points to that vault (a value carried across regions).
fn dr_and_data(name: &str, pinned: bool) -> Assembly {
    let app = App::new(name);
    let dr = if pinned {
        app.stack_in("dr", region!("us-east-1")).unwrap()
    } else {
        app.stack("dr").unwrap()
    };
    let dr_key = dr.add(KmsKey::new("DrKey")).unwrap();
    let vault = dr
        .add(BackupVault::new("DrVault").encryption(&dr_key))
        .unwrap();
    let data = app.stack("data").unwrap();
    let key = data.add(KmsKey::new("PhiKey")).unwrap();
    let logs = data.add(AccessLogBucket::new("Logs")).unwrap();
    let records = data
        .add(
            SecureBucket::new("Records")
                .encryption(&key)
                .access_logs(&logs),
        )
        .unwrap();
    data.add(
        BackupPlan::new("Daily")
            .encryption(&key)
            .protect(&records)
            .copy_to(&vault),
    )
    .unwrap();
    app.synth().unwrap()
}

/// A stack pinned to the region the environment deploys to, whose backup plan copies to
/// a vault of a stack of the environment's region "across regions" (a template parameter):
/// rules S10 and D2 would count the copy as in a second region, and it would be in the
/// same one. `preview` and `up` refuse before any CloudFormation call, naming both stacks;
/// deployed from another region, the same app plans.
#[tokio::test]
async fn two_stacks_joined_across_regions_that_deploy_to_one_region_are_refused() {
    let moto = Moto::start();
    let assembly = dr_and_data("oneregion", true);
    assert!(
        assembly
            .stack("data")
            .unwrap()
            .template()
            .parameters()
            .iter()
            .any(|p| p.stack() == "dr"),
        "the copy's vault is a parameter filled from `dr`"
    );
    let east = Connection::from_config(&config_in(&moto.endpoint, "us-east-1").await).unwrap();
    let d = Deployer::with_regions(vec![east.into_regional()], &assembly, options());
    for err in [
        d.preview().await.map(|_| ()).unwrap_err(),
        d.up().await.map(|_| ()).unwrap_err(),
    ] {
        let text = err.to_string();
        assert!(
            matches!(err, DeployError::StackState { ref stack, .. } if stack == "data"),
            "{text}"
        );
        assert!(text.contains("stack `dr`"), "{text}");
        assert!(text.contains("would be in the same region"), "{text}");
    }
    assert_eq!(d.calls().total(), 0, "no CloudFormation call was made");
    // The environment in us-west-2: the copy is in another region, and the app plans.
    let west = Connection::from_config(&config_in(&moto.endpoint, "us-west-2").await).unwrap();
    let east =
        Connection::in_region(&config_in(&moto.endpoint, "us-west-2").await, "us-east-1").unwrap();
    let d = Deployer::with_regions(
        vec![west.into_regional(), east.into_regional()],
        &assembly,
        options(),
    );
    let plans = d.preview().await.unwrap();
    assert!(plans.iter().any(|p| p.stack == "data"), "{plans:?}");
}

/// The run lock at `key` (`locks/….json`) in the staging bucket of us-east-1, read with
/// boto3 (from a hook of the fault seam, which is not async).
fn read_lock(endpoint: &str, key: &str) -> serde_json::Value {
    crate::support::python_json(
        "import sys, boto3\n\
         s3 = boto3.client('s3', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id='t', aws_secret_access_key='t')\n\
         print(s3.get_object(Bucket=sys.argv[2], Key=sys.argv[3])['Body'].read().decode())",
        &[endpoint, STAGING, key],
    )
}

/// Writes the run lock at `key` as another run that took it over does.
fn write_lock(endpoint: &str, key: &str, body: &serde_json::Value) {
    let body = body.to_string();
    crate::support::python_json(
        "import sys, boto3\n\
         s3 = boto3.client('s3', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id='t', aws_secret_access_key='t')\n\
         s3.put_object(Bucket=sys.argv[2], Key=sys.argv[3], Body=sys.argv[4].encode())\n\
         print('{}')",
        &[endpoint, STAGING, key, &body],
    );
}

/// The key of the one run lock in the staging bucket of us-east-1 (the app's name, or its
/// digest form when the name is not a plain key part), listed with boto3.
fn held_lock_key(endpoint: &str) -> String {
    let keys = crate::support::python_json(
        "import sys, json, boto3\n\
         s3 = boto3.client('s3', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id='t', aws_secret_access_key='t')\n\
         print(json.dumps([o['Key'] for o in s3.list_objects_v2(Bucket=sys.argv[2], Prefix='locks/').get('Contents', [])]))",
        &[endpoint, STAGING],
    );
    match keys.as_array().map(Vec::as_slice) {
        Some([key]) => key.as_str().expect("a key is a string").to_owned(),
        _ => panic!("not one run lock: {keys}"),
    }
}

/// A run that keeps its lock for longer than half its hold (here a pause before its first
/// execution, as at a prompt) renews it before the next change, with `If-Match` on the
/// ETag it wrote: the lock's expiry moves on, so no other run takes it over as a killed
/// run's while this one is going on.
#[tokio::test(flavor = "multi_thread")]
async fn a_run_that_holds_its_lock_past_half_its_hold_renews_it_before_changing_more() {
    let moto = Moto::start();
    let assembly = app("renew");
    let endpoint = moto.endpoint.clone();
    let seen: std::sync::Arc<std::sync::Mutex<Vec<u64>>> = Default::default();
    let record = std::sync::Arc::clone(&seen);
    let mut described = 0;
    let faults = Faults {
        on_call: Some(Box::new(move |call: &str| {
            let at_first_describe = call.starts_with("DescribeChangeSet") && {
                described += 1;
                described == 1
            };
            if at_first_describe || call == "ExecuteChangeSet shared" {
                let lock = read_lock(&endpoint, "locks/renew.json");
                record
                    .lock()
                    .unwrap()
                    .push(lock["expires"].as_u64().unwrap());
            }
            if at_first_describe {
                std::thread::sleep(Duration::from_millis(1600));
            }
        })),
        ..Faults::default()
    };
    let c = crate::deploy::connection(&moto.endpoint).await;
    let d = Deployer::new(
        Faulty::new(c.cloudformation, faults),
        &assembly,
        Options {
            lock_hold: Some(Duration::from_secs(2)),
            ..options()
        },
        Some(c.staging),
    );
    d.up().await.unwrap();
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(
        seen[1] > seen[0],
        "the lock was not renewed before the execution: {seen:?}"
    );
    assert!(
        d.staging_calls().by_operation()["PutObject"] >= 2,
        "{:?}",
        d.staging_calls().by_operation()
    );
}

/// A run whose hold expired while it waited (at a prompt) and whose lock another run took
/// over meanwhile stops before its next change: the renewal (`If-Match` on the ETag this run
/// wrote) is refused, the error names the other run, nothing is executed, and the other
/// run's lock stays. The error names the app as the program gave it and the lock's key,
/// also when the key holds the name as a digest (a name with `/`; hostile review 26: the
/// digest form was shown as the app's name).
#[tokio::test(flavor = "multi_thread")]
async fn a_run_whose_expired_lock_was_taken_over_stops_before_its_next_change() {
    for name in ["takeover", "take/over"] {
        stops_when_taken_over(name).await;
    }
}

/// [`a_run_whose_expired_lock_was_taken_over_stops_before_its_next_change`] for the app `name`.
async fn stops_when_taken_over(name: &str) {
    let moto = Moto::start();
    let assembly = app(name);
    let endpoint = moto.endpoint.clone();
    let other = serde_json::json!({
        "run": "other-run", "pid": 4243, "started": 1, "expires": 4_000_000_000u64, "command": "up"
    });
    let theirs = other.clone();
    let taken: std::sync::Arc<std::sync::Mutex<Option<String>>> = Default::default();
    let key_taken = std::sync::Arc::clone(&taken);
    let mut described = 0;
    let faults = Faults {
        on_call: Some(Box::new(move |call: &str| {
            if call.starts_with("DescribeChangeSet") {
                described += 1;
                if described == 1 {
                    // The hold (2 s) passes, and another run takes the expired lock over.
                    std::thread::sleep(Duration::from_millis(2200));
                    let key = held_lock_key(&endpoint);
                    write_lock(&endpoint, &key, &theirs);
                    *key_taken.lock().unwrap() = Some(key);
                }
            }
        })),
        ..Faults::default()
    };
    let c = crate::deploy::connection(&moto.endpoint).await;
    let d = Deployer::new(
        Faulty::new(c.cloudformation, faults),
        &assembly,
        Options {
            lock_hold: Some(Duration::from_secs(2)),
            ..options()
        },
        Some(c.staging),
    );
    let err = d.up().await.unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(err, DeployError::LockLost { ref app, .. } if app == name),
        "{text}"
    );
    assert!(
        text.starts_with(&format!(
            "the run lock of app `{name}` is no longer this run's"
        )),
        "{text}"
    );
    assert!(text.contains("other-run"), "{text}");
    let key = taken
        .lock()
        .unwrap()
        .clone()
        .expect("the lock was taken over");
    assert_eq!(
        key == format!("locks/{name}.json"),
        !name.contains('/'),
        "{key}"
    );
    assert!(text.contains(&format!("`s3://{STAGING}/{key}`")), "{text}");
    let log = d.api().log();
    assert!(
        !log.iter().any(|l| l.starts_with("ExecuteChangeSet")),
        "{log:?}"
    );
    assert_eq!(read_lock(&moto.endpoint, &key)["run"], "other-run");
}

/// A stack that reads a value of a stack pinned to another region is refused when this run
/// has no client for that region, even when that stack is not selected: its outputs would
/// otherwise be read from a stack of the same name in the environment's region (here one
/// deployed there by mistake), and the copy the checks count as in a second region would be
/// in the store's own region. An engine whose client names no region (`Deployer::new`)
/// cannot tell the regions apart and is refused too.
#[tokio::test]
async fn a_stack_reading_a_region_this_run_has_no_client_for_is_refused() {
    let moto = Moto::start();
    let assembly = dr_and_data("noclient", true);
    // `dr` deployed in us-west-2 by mistake (an earlier version of the app that did not pin it).
    let west = Connection::from_config(&config_in(&moto.endpoint, "us-west-2").await).unwrap();
    let only_dr = Options {
        stacks: vec!["dr".to_owned()],
        ..options()
    };
    Deployer::with_regions(
        vec![west.into_regional()],
        &dr_and_data("noclient", false),
        only_dr,
    )
    .up()
    .await
    .unwrap();

    let only_data = || Options {
        stacks: vec!["data".to_owned()],
        ..options()
    };
    // The environment in us-west-2, and no client for us-east-1.
    let west = Connection::from_config(&config_in(&moto.endpoint, "us-west-2").await).unwrap();
    let d = Deployer::with_regions(vec![west.into_regional()], &assembly, only_data());
    let err = d.preview().await.map(|_| ()).unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(err, DeployError::StackState { ref stack, .. } if stack == "data"),
        "{text}"
    );
    assert!(text.contains("stack `dr`, pinned to us-east-1"), "{text}");
    assert!(
        text.contains("no CloudFormation client for us-east-1"),
        "{text}"
    );
    assert_eq!(d.calls().total(), 0, "no CloudFormation call was made");

    // One client that names no region: every stack would go through it, in one region.
    let c = Connection::from_config(&config_in(&moto.endpoint, "us-west-2").await).unwrap();
    let d = Deployer::new(c.cloudformation, &assembly, only_data(), Some(c.staging));
    for err in [
        d.preview().await.map(|_| ()).unwrap_err(),
        d.up().await.map(|_| ()).unwrap_err(),
    ] {
        let text = err.to_string();
        assert!(
            matches!(err, DeployError::StackState { ref stack, .. } if stack == "data"),
            "{text}"
        );
        assert!(text.contains("stack `dr`"), "{text}");
    }
    assert_eq!(d.calls().total(), 0, "no CloudFormation call was made");
}

/// A client given for one region that calls another is refused before any call, whichever
/// of the region's clients it is: the stacks of the region would be made in the other, and
/// a copy that rules S10 and D2 count as in a second region could be in the store's own.
/// (The fields of `Regional` are public; the command line makes each region's clients from
/// that region's configuration.)
#[tokio::test]
async fn a_client_given_for_one_region_that_calls_another_is_refused() {
    let moto = Moto::start();
    let app = App::new("mislabelled");
    let dr = app.stack_in("dr", region!("us-east-1")).unwrap();
    dr.add(KmsKey::new("DrKey")).unwrap();
    let data = app.stack("data").unwrap();
    data.add(KmsKey::new("PhiKey")).unwrap();
    let assembly = app.synth().unwrap();
    let endpoint = moto.endpoint.as_str();
    let west = move || async move {
        Connection::from_config(&config_in(endpoint, "us-west-2").await).unwrap()
    };
    let east = move || async move {
        Connection::in_region(&config_in(endpoint, "us-west-2").await, "us-east-1").unwrap()
    };
    // us-west-2's CloudFormation client given for us-east-1; then each other client.
    let mut cases: Vec<(&str, Regional<SdkApi>)> = Vec::new();
    let mut r = west().await.into_regional();
    r.region = Some("us-east-1".to_owned());
    cases.push(("CloudFormation", r));
    let mut r = east().await.into_regional();
    r.staging = west().await.into_regional().staging;
    cases.push(("S3 staging area", r));
    let mut r = east().await.into_regional();
    r.network = west().await.into_regional().network;
    cases.push(("EC2", r));
    let mut r = east().await.into_regional();
    r.databases = west().await.into_regional().databases;
    cases.push(("RDS", r));
    for (service, mislabelled) in cases {
        let d = Deployer::with_regions(
            vec![west().await.into_regional(), mislabelled],
            &assembly,
            options(),
        );
        for err in [
            d.preview().await.map(|_| ()).unwrap_err(),
            d.up().await.map(|_| ()).unwrap_err(),
            d.destroy().await.map(|_| ()).unwrap_err(),
        ] {
            let text = err.to_string();
            assert!(
                matches!(
                    err,
                    DeployError::ClientInAnotherRegion { service: s, ref region, ref sends_to }
                        if s == service && region == "us-east-1" && sends_to == "us-west-2"
                ),
                "{service}: {text}"
            );
            assert!(
                text.contains(&format!(
                    "the {service} client given for region us-east-1 sends its calls to us-west-2"
                )),
                "{text}"
            );
        }
        assert_eq!(
            d.calls().total(),
            0,
            "{service}: no CloudFormation call was made"
        );
    }
    // Each region's clients made from its own configuration: the app plans.
    let d = Deployer::with_regions(
        vec![west().await.into_regional(), east().await.into_regional()],
        &assembly,
        options(),
    );
    assert_eq!(d.preview().await.unwrap().len(), 2);
}

//! The serverless document processor (`examples/docproc`): its function is built by `synth`
//! from the `docproc-worker` crate of this workspace (with `cargo zigbuild`, glibc 2.34),
//! packed in a zip whose bytes and name depend only on the binary; `check` finds nothing and
//! builds nothing; it deploys on the local endpoint, where the function's VPC, key,
//! dead-letter queue, concurrency and tracing, the queue's key and policy, the trigger, the
//! bucket's notification and the table's key and point-in-time recovery read back through
//! the service APIs; a second `up` uploads nothing.
//!
//! The worker is built once per run of the suite: every later build is cargo's freshness
//! check alone.

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

use crate::moto::Moto;
use crate::support::{python, python_json, run_example, run_example_with_env};

/// One `synth` of the example (which builds the worker), shared by the tests that read it.
fn synthesized() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let synth = run_example("docproc", &["synth", "--out", dir.path().to_str().unwrap()]);
        assert!(
            synth.status.success(),
            "{}{}",
            String::from_utf8_lossy(&synth.stdout),
            String::from_utf8_lossy(&synth.stderr)
        );
        dir
    })
    .path()
}

/// The files of an assembly folder, by name, with their bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// The zip of the worker in an assembly folder.
fn asset(dir: &Path) -> (String, Vec<u8>) {
    let zips: Vec<(String, Vec<u8>)> = files(dir)
        .into_iter()
        .filter(|(name, _)| name.ends_with(".zip"))
        .collect();
    assert_eq!(
        zips.len(),
        1,
        "one asset: {:?}",
        zips.iter().map(|z| &z.0).collect::<Vec<_>>()
    );
    zips.into_iter().next().unwrap()
}

/// The member `bootstrap` of a zip, through Python's `zipfile` (a reader we did not write),
/// with its mode and date.
fn unzip_bootstrap(zip: &Path, to: &Path) -> Value {
    const UNZIP: &str = r#"
import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
info = z.getinfo("bootstrap")
open(sys.argv[2], "wb").write(z.read("bootstrap"))
print(json.dumps({"names": z.namelist(), "mode": info.external_attr >> 16, "date": list(info.date_time)}))
"#;
    let out = Command::new(python())
        .args(["-c", UNZIP])
        .arg(zip)
        .arg(to)
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The glibc symbol versions an ELF binary needs (`GLIBC_2.34`, …), from `readelf -V`.
fn glibc_versions(binary: &Path) -> Vec<(u32, u32)> {
    let out = Command::new("readelf")
        .arg("-V")
        .arg(binary)
        .output()
        .expect("readelf (binutils) runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let mut versions: Vec<(u32, u32)> = text
        .split_whitespace()
        .filter_map(|w| w.strip_prefix("GLIBC_"))
        .filter_map(|v| {
            let mut parts = v.split('.');
            Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
        })
        .collect();
    versions.sort_unstable();
    versions.dedup();
    versions
}

#[test]
fn the_worker_is_packed_as_bootstrap_and_needs_no_glibc_newer_than_al2023s() {
    let dir = synthesized();
    let (name, bytes) = asset(dir);
    // Named by the SHA-256 of its bytes.
    let hash = {
        use sha2::Digest;
        sha2::Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    assert_eq!(name, format!("asset.{hash}.zip"));
    let template: Value =
        serde_json::from_slice(&std::fs::read(dir.join("docproc-app.template.json")).unwrap())
            .unwrap();
    assert_eq!(
        template["Resources"]["Worker"]["Properties"]["Code"]["S3Key"],
        format!("assets/{hash}.zip")
    );
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["assets"][0]["function"], "docproc-app/Worker");
    assert_eq!(manifest["assets"][0]["sha256"], hash.as_str());

    let unpacked = tempfile::tempdir().unwrap();
    let bootstrap = unpacked.path().join("bootstrap");
    let info = unzip_bootstrap(&dir.join(&name), &bootstrap);
    assert_eq!(info["names"], serde_json::json!(["bootstrap"]));
    assert_eq!(info["mode"], 0o100_755);
    assert_eq!(info["date"], serde_json::json!([1980, 1, 1, 0, 0, 0]));
    let elf = std::fs::read(&bootstrap).unwrap();
    assert_eq!(&elf[..4], b"\x7fELF", "an ELF binary");
    assert_eq!(elf[4], 2, "64-bit");
    assert_eq!(u16::from_le_bytes([elf[18], elf[19]]), 62, "x86-64");
    let versions = glibc_versions(&bootstrap);
    assert!(!versions.is_empty(), "the worker links glibc dynamically");
    let newest = versions.last().copied().unwrap();
    assert!(
        newest <= (2, 34),
        "the worker needs GLIBC_{}.{}, newer than Amazon Linux 2023's 2.34",
        newest.0,
        newest.1
    );
}

#[test]
fn a_second_synth_with_no_change_is_byte_identical() {
    let first = synthesized();
    let again = tempfile::tempdir().unwrap();
    let clock = std::time::Instant::now();
    let synth = run_example(
        "docproc",
        &["synth", "--out", again.path().to_str().unwrap()],
    );
    let took = clock.elapsed();
    assert!(
        synth.status.success(),
        "{}",
        String::from_utf8_lossy(&synth.stderr)
    );
    let (a, b) = (files(first), files(again.path()));
    assert_eq!(
        a.iter().map(|f| &f.0).collect::<Vec<_>>(),
        b.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        assert!(
            x == y,
            "{name} differs between two synths of the same source"
        );
    }
    // Cargo's freshness check, no rebuild: well under the first build's time.
    assert!(took.as_secs() < 60, "a synth with no change took {took:?}");
}

#[test]
fn check_finds_nothing_and_builds_nothing() {
    let out = tempfile::tempdir().unwrap();
    // A `cargo-zigbuild` that cannot run: `check` must not need it.
    let check = run_example_with_env(
        "docproc",
        &["check"],
        &[(
            "HIPAA_STACK_CARGO_ZIGBUILD",
            "/nonexistent/cargo-zigbuild".to_owned(),
        )],
    );
    let stdout = String::from_utf8_lossy(&check.stdout);
    assert!(
        check.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(stdout.contains("0 finding(s)"), "{stdout}");
    // `synth` does need it, and says which function failed and why.
    let synth = run_example_with_env(
        "docproc",
        &["synth", "--out", out.path().to_str().unwrap()],
        &[(
            "HIPAA_STACK_CARGO_ZIGBUILD",
            "/nonexistent/cargo-zigbuild".to_owned(),
        )],
    );
    let stderr = String::from_utf8_lossy(&synth.stderr);
    assert!(!synth.status.success());
    assert!(
        stderr.contains("docproc-app/Worker: its code could not be built"),
        "{stderr}"
    );
    assert!(stderr.contains("cargo zigbuild"), "{stderr}");
}

/// Reads the app back from `endpoint` through the Lambda, SQS, DynamoDB, S3 and
/// CloudFormation APIs, as JSON.
const READ_BACK: &str = r#"
import json, sys, boto3
kw = dict(endpoint_url=sys.argv[1], region_name="us-east-1",
          aws_access_key_id="test", aws_secret_access_key="test")
cfn = boto3.client("cloudformation", **kw)
stack = cfn.describe_stacks(StackName="docproc-app")["Stacks"][0]
outs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
resources = {r["LogicalResourceId"]: r["PhysicalResourceId"]
             for r in cfn.list_stack_resources(StackName="docproc-app")["StackResourceSummaries"]}
security = {r["LogicalResourceId"]: r["PhysicalResourceId"]
            for r in cfn.list_stack_resources(StackName="docproc-security")["StackResourceSummaries"]}
lam = boto3.client("lambda", **kw)
sqs = boto3.client("sqs", **kw)
queue = sqs.get_queue_attributes(QueueUrl=outs["UploadsQueue"], AttributeNames=["All"])["Attributes"]
ddb = boto3.client("dynamodb", **kw)
s3 = boto3.client("s3", **kw)
notify = s3.get_bucket_notification_configuration(Bucket=outs["InboxBucket"])
notify.pop("ResponseMetadata", None)
apigw = boto3.client("apigateway", **kw)
def api_state(api_id):
    stage = apigw.get_stage(restApiId=api_id, stageName="v1")
    methods = []
    for r in apigw.get_resources(restApiId=api_id)["items"]:
        for verb in (r.get("resourceMethods") or {}):
            m = apigw.get_method(restApiId=api_id, resourceId=r["id"], httpMethod=verb)
            methods.append({"path": r["path"], "method": verb,
                            "authorizationType": m["authorizationType"],
                            "integration": m["methodIntegration"]["type"]})
    arn = "arn:aws:apigateway:us-east-1::/restapis/%s/stages/v1" % api_id
    acl = boto3.client("wafv2", **kw).get_web_acl_for_resource(ResourceArn=arn).get("WebACL") or {}
    return {
        "endpoint": apigw.get_rest_api(restApiId=api_id)["endpointConfiguration"],
        "stage": {k: stage.get(k) for k in ("tracingEnabled", "methodSettings", "accessLogSettings", "webAclArn", "cacheClusterEnabled")},
        "methods": methods,
        "acl": {"arn": acl.get("ARN"), "rules": [r["Name"] for r in acl.get("Rules", [])]},
        "account": apigw.get_account().get("cloudwatchRoleArn"),
        "log_groups": [g["logGroupName"] for g in boto3.client("logs", **kw).describe_log_groups()["logGroups"]],
    }
print(json.dumps({
    "outputs": outs,
    "resources": resources,
    # moto's DescribeKey fails on keys made by CloudFormation: the ARN from the key's id.
    "key": "arn:aws:kms:us-east-1:123456789012:key/" + security["PhiKey"],
    "function": lam.get_function_configuration(FunctionName=outs["WorkerFunction"]),
    "concurrency": lam.get_function_concurrency(FunctionName=outs["WorkerFunction"]),
    "mappings": lam.list_event_source_mappings(EventSourceArn=queue["QueueArn"])["EventSourceMappings"],
    "queue": queue,
    "vpcs": boto3.client("ec2", **kw).describe_vpcs(VpcIds=[resources["Net"]])["Vpcs"],
    "table": ddb.describe_table(TableName=outs["ResultsTable"])["Table"],
    "backups": ddb.describe_continuous_backups(TableName=outs["ResultsTable"])["ContinuousBackupsDescription"],
    "notify": notify,
    "api": api_state(outs["DocumentsApi"]),
}, default=str))
"#;

fn read_back(moto: &Moto) -> Value {
    python_json(READ_BACK, &[&moto.endpoint])
}

#[test]
fn docproc_deploys_reads_back_and_a_second_up_uploads_nothing() {
    let moto = Moto::start();
    let out = tempfile::tempdir().unwrap();
    let up = || {
        run_example_with_env(
            "docproc",
            &["up", "--yes", "--out", out.path().to_str().unwrap()],
            &moto.env(),
        )
    };
    let first = up();
    let stdout = String::from_utf8_lossy(&first.stdout);
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(first.status.success(), "{stdout}{stderr}");
    for stack in ["docproc-security", "docproc-app"] {
        assert!(stdout.contains(&format!("{stack}: created")), "{stdout}");
    }
    let all = format!("{stdout}{stderr}");
    assert_eq!(
        all.matches("uploaded the code of docproc-app/Worker")
            .count(),
        1,
        "{all}"
    );

    let state = read_back(&moto);
    let key = state["key"].as_str().unwrap();
    let function = &state["function"];
    // The function: in the VPC's private subnets, behind its own group, its environment
    // encrypted with the key, failed events to its dead-letter queue, traced.
    assert_eq!(function["Runtime"], "provided.al2023");
    assert_eq!(function["Handler"], "bootstrap");
    assert_eq!(function["VpcConfig"]["VpcId"], state["resources"]["Net"]);
    assert_eq!(state["vpcs"][0]["CidrBlock"], "10.60.0.0/16");
    // The private subnets reach DynamoDB through a gateway endpoint.
    assert!(
        state["resources"]["NetDynamoDbEndpoint"].is_string(),
        "{}",
        state["resources"]
    );
    let subnets: Vec<&Value> = function["VpcConfig"]["SubnetIds"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(
        subnets,
        [
            &state["resources"]["NetPrivate0"],
            &state["resources"]["NetPrivate1"]
        ]
    );
    assert_eq!(
        function["VpcConfig"]["SecurityGroupIds"][0],
        state["resources"]["WorkerSecurityGroup"]
    );
    assert_eq!(function["KMSKeyArn"], key);
    assert_eq!(function["TracingConfig"]["Mode"], "Active");
    let dead_letters = function["DeadLetterConfig"]["TargetArn"].as_str().unwrap();
    assert!(
        dead_letters.ends_with(
            state["resources"]["WorkerDeadLetters"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
        ),
        "{dead_letters}"
    );
    assert_eq!(state["concurrency"]["ReservedConcurrentExecutions"], 5);
    assert_eq!(function["Timeout"], 60);
    assert_eq!(
        function["Environment"]["Variables"]["RESULTS_TABLE"],
        state["outputs"]["ResultsTable"]
    );

    // The queue: the key, its dead-letter queue, TLS only, and S3 of this account may send.
    let queue = &state["queue"];
    assert_eq!(queue["KmsMasterKeyId"], key);
    assert_eq!(queue["SqsManagedSseEnabled"], "false");
    assert_eq!(queue["VisibilityTimeout"], "360");
    let redrive: Value = serde_json::from_str(queue["RedrivePolicy"].as_str().unwrap()).unwrap();
    assert_eq!(redrive["maxReceiveCount"], 5);
    let policy: Value = serde_json::from_str(queue["Policy"].as_str().unwrap()).unwrap();
    let deny = &policy["Statement"][0];
    assert_eq!(deny["Effect"], "Deny");
    assert_eq!(deny["Condition"]["Bool"]["aws:SecureTransport"], "false");
    assert_eq!(
        policy["Statement"][1]["Principal"]["Service"],
        "s3.amazonaws.com"
    );
    // The trigger, and the bucket's events to the queue.
    let mapping = &state["mappings"][0];
    assert_eq!(mapping["FunctionArn"], function["FunctionArn"]);
    assert_eq!(mapping["BatchSize"], 10);
    assert_eq!(
        mapping["FunctionResponseTypes"],
        serde_json::json!(["ReportBatchItemFailures"])
    );
    assert_eq!(
        state["notify"]["QueueConfigurations"][0]["QueueArn"],
        queue["QueueArn"]
    );

    // The table: the key, point-in-time recovery, deletion protection.
    let table = &state["table"];
    assert_eq!(table["SSEDescription"]["SSEType"], "KMS");
    assert_eq!(table["SSEDescription"]["KMSMasterKeyArn"], key);
    assert_eq!(table["DeletionProtectionEnabled"], true);
    assert_eq!(
        state["backups"]["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"],
        "ENABLED"
    );

    // The API: a regional REST API whose one route is signed with IAM and calls the reader
    // through a Lambda proxy; its stage logs every call into the encrypted access-log group,
    // logs errors without bodies, traces, throttles, caches nothing, and is behind the web
    // ACL; the account's CloudWatch role is the API's.
    let api = &state["api"];
    assert_eq!(api["endpoint"]["types"], serde_json::json!(["REGIONAL"]));
    assert_eq!(
        api["methods"],
        serde_json::json!([{
            "path": "/documents/{key}",
            "method": "GET",
            "authorizationType": "AWS_IAM",
            "integration": "AWS_PROXY"
        }])
    );
    let stage = &api["stage"];
    assert_eq!(stage["tracingEnabled"], true);
    assert_eq!(stage["cacheClusterEnabled"], false);
    let access_logs = stage["accessLogSettings"]["destinationArn"]
        .as_str()
        .unwrap();
    let access_group = state["resources"]["DocumentsAccessLogs"].as_str().unwrap();
    assert_eq!(
        access_logs,
        format!("arn:aws:logs:us-east-1:123456789012:log-group:{access_group}")
    );
    let every = &stage["methodSettings"]["*/*"];
    assert_eq!(every["loggingLevel"], "ERROR");
    assert_eq!(every["dataTraceEnabled"], false);
    assert_eq!(every["metricsEnabled"], true);
    assert_eq!(every["throttlingRateLimit"], 20.0);
    assert_eq!(every["throttlingBurstLimit"], 40);
    assert_eq!(every["cachingEnabled"], false);
    assert_eq!(stage["webAclArn"], api["acl"]["arn"]);
    for rule in [
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
        "RateLimitPerAddress",
    ] {
        assert!(
            api["acl"]["rules"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r == rule),
            "{}",
            api["acl"]
        );
    }
    let role = api["account"].as_str().unwrap();
    assert!(
        role.ends_with(
            state["resources"]["DocumentsCloudWatchRole"]
                .as_str()
                .unwrap()
        ),
        "{role}"
    );
    let api_id = state["outputs"]["DocumentsApi"].as_str().unwrap();
    assert!(
        api["log_groups"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| *g == format!("API-Gateway-Execution-Logs_{api_id}/v1")),
        "{}",
        api["log_groups"]
    );

    // A second `up` with no change: nothing uploaded, nothing deployed.
    let second = up();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&second.stdout),
        String::from_utf8_lossy(&second.stderr)
    );
    assert!(second.status.success(), "{all}");
    assert!(!all.contains("uploaded the code"), "{all}");
    for stack in ["docproc-security", "docproc-app"] {
        assert!(all.contains(&format!("{stack}: unchanged")), "{all}");
    }

    // `destroy` keeps the stores of PHI and says so: the queues (uploads' keys, failed
    // events whole), the table, the inbox and every log group the API writes.
    let destroy = run_example_with_env("docproc", &["destroy", "--yes", "--json"], &moto.env());
    let stdout = String::from_utf8_lossy(&destroy.stdout);
    assert!(
        destroy.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&destroy.stderr)
    );
    let retained: Vec<Value> = stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|e| e["event"] == "retained")
        .collect();
    let phi = |id: &str| {
        retained
            .iter()
            .find(|e| e["logicalId"] == id)
            .map(|e| e["phi"] == true)
    };
    for id in [
        "Uploads",
        "UploadsDeadLetters",
        "WorkerDeadLetters",
        "ReaderDeadLetters",
        "Results",
        "Inbox",
        "DocumentsAccessLogs",
        "DocumentsExecutionLogs",
        "DocumentsWafLogs",
    ] {
        assert_eq!(phi(id), Some(true), "{id}: {stdout}");
    }
    assert_eq!(phi("AccessLogs"), Some(false), "{stdout}");
}

// ---------------------------------------------------------------------------------------
// Assets on `up`, and what the harness refuses as AWS does (hipaa_moto_serverless.py).
// ---------------------------------------------------------------------------------------

mod endpoint {
    use hipaa_stack::prelude::*;
    use hipaa_stack::{Code, Function, SecureQueue};

    use crate::deploy::{deployer, options};
    use crate::moto::Moto;

    /// A stack `fn` with a key, a VPC, a queue hiding messages `visibility` seconds and a
    /// function running at most 60, whose code is the zip `code`; plus `build`'s resources.
    /// Its assets are built, as `up` builds them.
    fn serverless(
        code: &std::path::Path,
        visibility: u32,
        build: impl FnOnce(&Stack<'_>, Handle<SecureQueue>, Handle<Function>),
    ) -> hipaa_stack::Assembly {
        let app = App::new("fn");
        {
            let stack = app.stack("fn").unwrap();
            let key = stack.add(KmsKey::new("PhiKey")).unwrap();
            let net = stack
                .add(SecureVpc::new("Net", cidr!("10.70.0.0/16")).encryption(&key))
                .unwrap();
            let queue = stack
                .add(
                    SecureQueue::new("Jobs")
                        .encryption(&key)
                        .visibility_timeout_seconds(visibility),
                )
                .unwrap();
            let function = stack
                .add(
                    Function::new("Worker", Code::zip(code))
                        .encryption(&key)
                        .network(&net)
                        .timeout_seconds(60),
                )
                .unwrap();
            build(&stack, queue, function);
        }
        let assets = app.build_assets().expect("the zip is read");
        app.synth()
            .expect("the app is compliant")
            .with_assets(assets)
    }

    /// A real zip `name` in `dir`, written by the `zip` crate, holding `script` as
    /// `bootstrap` (deflated, mode 0755).
    fn zip(dir: &std::path::Path, name: &str, script: &[u8]) -> std::path::PathBuf {
        use std::io::Write;
        let path = dir.join(name);
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .unix_permissions(0o755);
        zip.start_file("bootstrap", options).unwrap();
        zip.write_all(script).unwrap();
        zip.finish().unwrap();
        path
    }

    /// A raw mapping from the queue to the function.
    fn mapping(queue: Handle<SecureQueue>, function: Handle<Function>, batch: u32) -> RawResource {
        RawResource::new("JobsToWorker", "AWS::Lambda::EventSourceMapping")
            .property("EventSourceArn", queue.arn())
            .property("FunctionName", function.arn())
            .property("BatchSize", batch)
    }

    /// What the endpoint refuses of `assembly`, whose rules hold (`synth`'s, with its
    /// assets), deployed by the deploy engine on a server of its own: the error `up` ends
    /// with.
    async fn refusal(assembly: &hipaa_stack::Assembly) -> String {
        let moto = Moto::start();
        let err = deployer(&moto, assembly, options())
            .await
            .up()
            .await
            .expect_err("the endpoint refuses the stack");
        format!("{err:#}")
    }

    #[tokio::test]
    async fn a_queue_that_hides_messages_for_less_than_the_function_runs_is_refused_as_on_aws() {
        let dir = tempfile::tempdir().unwrap();
        let code = zip(dir.path(), "worker.zip", b"#!/bin/sh\necho one\n");
        let assembly = serverless(&code, 30, |stack, queue, function| {
            stack.add(mapping(queue, function, 10)).unwrap();
        });
        let err = refusal(&assembly).await;
        assert!(
            err.contains(
                "Queue visibility timeout: 30 seconds is less than Function timeout: 60 seconds"
            ),
            "{err}"
        );
    }

    #[tokio::test]
    async fn a_batch_over_ten_without_a_window_is_refused_as_on_aws() {
        let dir = tempfile::tempdir().unwrap();
        let code = zip(dir.path(), "worker.zip", b"#!/bin/sh\necho one\n");
        let assembly = serverless(&code, 360, |stack, queue, function| {
            stack.add(mapping(queue, function, 20)).unwrap();
        });
        let err = refusal(&assembly).await;
        assert!(
            err.contains("Maximum batch window in seconds must be greater than 0"),
            "{err}"
        );
    }

    /// What the endpoint refuses of `assembly`, whose rules do not hold (a raw resource
    /// through `check`, so that the endpoint judges it, not the rules), created by hand on
    /// a server of its own: the deploy engine deploys no such assembly.
    async fn refusal_by_hand(assembly: &hipaa_stack::Assembly) -> String {
        assert!(
            !assembly.evaluation().findings().is_empty(),
            "an app whose rules hold goes through `refusal`, the deploy engine's"
        );
        Moto::start().refusal_without_the_engine(assembly).await
    }

    /// A REST API of raw resources (an API, a method on its root, a deployment) and
    /// `build`'s resources, through `check` (the endpoint judges it, not the rules).
    fn raw_api(
        build: impl FnOnce(&Stack<'_>, Handle<RawResource>, Handle<RawResource>),
    ) -> hipaa_stack::Assembly {
        let app = App::new("api");
        {
            let stack = app.stack("api").unwrap();
            let api = stack
                .add(RawResource::new("Api", "AWS::ApiGateway::RestApi").property("Name", "api"))
                .unwrap();
            let method = stack
                .add(
                    RawResource::new("Root", "AWS::ApiGateway::Method")
                        .property("RestApiId", api.reference())
                        .property("ResourceId", api.attribute("RootResourceId"))
                        .property("HttpMethod", "GET")
                        .property("AuthorizationType", "AWS_IAM")
                        .property(
                            "Integration",
                            hipaa_stack::json::json!({
                                "Type": "MOCK",
                                "IntegrationHttpMethod": "POST",
                                "Uri": ""
                            }),
                        ),
                )
                .unwrap();
            let deployment = stack
                .add(
                    RawResource::new("Deployment", "AWS::ApiGateway::Deployment")
                        .property("RestApiId", api.reference())
                        .depends_on(&method),
                )
                .unwrap();
            build(&stack, api, deployment);
        }
        app.check().expect("check returns the assembly")
    }

    /// API Gateway writes no logs until the account names a CloudWatch role: a stage that
    /// logs in an account without one is refused (UpdateStage).
    #[tokio::test]
    async fn a_stage_that_logs_before_the_account_has_a_cloudwatch_role_is_refused_as_on_aws() {
        let assembly = raw_api(|stack, api, deployment| {
            stack
                .add(
                    RawResource::new("Stage", "AWS::ApiGateway::Stage")
                        .property("RestApiId", api.reference())
                        .property("DeploymentId", deployment.reference())
                        .property("StageName", "v1")
                        .property(
                            "MethodSettings",
                            hipaa_stack::json::json!([{
                                "ResourcePath": "/*", "HttpMethod": "*", "LoggingLevel": "INFO"
                            }]),
                        ),
                )
                .unwrap();
        });
        let err = refusal_by_hand(&assembly).await;
        assert!(
            err.contains(
                "CloudWatch Logs role ARN must be set in account settings to enable logging"
            ),
            "{err}"
        );
    }

    /// An enhanced security policy (TLS 1.2 and later only on the API's own endpoint) needs
    /// an endpoint access mode (CreateRestApi); `SecureApi` writes both, and the endpoint
    /// takes them.
    #[tokio::test]
    async fn an_enhanced_security_policy_without_an_access_mode_is_refused_as_on_aws() {
        let app = App::new("tls");
        {
            let stack = app.stack("tls").unwrap();
            stack
                .add(
                    RawResource::new("Api", "AWS::ApiGateway::RestApi")
                        .property("Name", "api")
                        .property(
                            "EndpointConfiguration",
                            hipaa_stack::json::json!({ "Types": ["REGIONAL"] }),
                        )
                        .property("SecurityPolicy", "SecurityPolicy_TLS13_1_2_2021_06"),
                )
                .unwrap();
        }
        let assembly = app.check().expect("check returns the assembly");
        let err = refusal_by_hand(&assembly).await;
        assert!(err.contains("requires an endpoint access mode"), "{err}");
    }

    /// A Cognito method needs an authorizer of the API (PutMethod).
    #[tokio::test]
    async fn a_cognito_method_without_an_authorizer_is_refused_as_on_aws() {
        let assembly = raw_api(|stack, api, _| {
            stack
                .add(
                    RawResource::new("Users", "AWS::ApiGateway::Method")
                        .property("RestApiId", api.reference())
                        .property("ResourceId", api.attribute("RootResourceId"))
                        .property("HttpMethod", "POST")
                        .property("AuthorizationType", "COGNITO_USER_POOLS")
                        .property(
                            "Integration",
                            hipaa_stack::json::json!({
                                "Type": "MOCK", "IntegrationHttpMethod": "POST", "Uri": ""
                            }),
                        ),
                )
                .unwrap();
        });
        let err = refusal_by_hand(&assembly).await;
        assert!(err.contains("requires a valid authorizer"), "{err}");
    }

    /// WAF protects only a stage that exists (AssociateWebACL).
    #[tokio::test]
    async fn a_web_acl_on_a_stage_that_does_not_exist_is_refused_as_on_aws() {
        let assembly = raw_api(|stack, api, _| {
            let acl = stack
                .add(
                    RawResource::new("Acl", "AWS::WAFv2::WebACL")
                        .property("Scope", "REGIONAL")
                        .property("DefaultAction", hipaa_stack::json::json!({ "Allow": {} }))
                        .property(
                            "VisibilityConfig",
                            hipaa_stack::json::json!({
                                "SampledRequestsEnabled": true,
                                "CloudWatchMetricsEnabled": true,
                                "MetricName": "acl"
                            }),
                        ),
                )
                .unwrap();
            let _ = api;
            stack
                .add(
                    RawResource::new("Association", "AWS::WAFv2::WebACLAssociation")
                        .property(
                            "ResourceArn",
                            "arn:aws:apigateway:us-east-1::/restapis/abc123/stages/v1",
                        )
                        .property("WebACLArn", acl.attribute("Arn")),
                )
                .unwrap();
        });
        let err = refusal_by_hand(&assembly).await;
        assert!(err.contains("WAFNonexistentItemException"), "{err}");
    }

    /// A new zip changes only the function's code key, and `up` uploads only it.
    #[tokio::test]
    async fn changed_code_changes_only_its_key_and_up_uploads_only_it() {
        let dir = tempfile::tempdir().unwrap();
        let first = serverless(
            &zip(dir.path(), "one.zip", b"#!/bin/sh\necho one\n"),
            30,
            |_, _, _| {},
        );
        let second = serverless(
            &zip(dir.path(), "two.zip", b"#!/bin/sh\necho two\n"),
            30,
            |_, _, _| {},
        );
        let (a, b) = (
            first.stack("fn").unwrap().template_json(),
            second.stack("fn").unwrap().template_json(),
        );
        let changed: Vec<(&str, &str)> = a.lines().zip(b.lines()).filter(|(x, y)| x != y).collect();
        assert_eq!(changed.len(), 1, "{changed:?}");
        assert!(changed[0].0.contains("\"S3Key\": \"assets/"), "{changed:?}");
        assert_eq!(first.assets().len(), 1);
        assert_ne!(first.assets()[0].key(), second.assets()[0].key());

        let moto = Moto::start();
        let once = deployer(&moto, &first, options()).await;
        once.up().await.unwrap();
        let first_puts = once
            .staging_calls()
            .by_operation()
            .get("PutObject")
            .copied();
        let config = moto.config().await;
        let s3 = aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&config)
                .force_path_style(true)
                .build(),
        );
        let keys = |listed: aws_sdk_s3::operation::list_objects_v2::ListObjectsV2Output| {
            listed
                .contents()
                .iter()
                .filter_map(|o| o.key().map(str::to_owned))
                .filter(|k| k.starts_with("assets/"))
                .collect::<Vec<_>>()
        };
        let bucket = "hipaa-stack-staging-123456789012-us-east-1";
        let after_first = keys(s3.list_objects_v2().bucket(bucket).send().await.unwrap());
        assert_eq!(after_first, [first.assets()[0].key()]);
        let again = deployer(&moto, &second, options()).await;
        again.up().await.unwrap();
        let mut after_second = keys(s3.list_objects_v2().bucket(bucket).send().await.unwrap());
        after_second.sort();
        let mut expected = vec![first.assets()[0].key(), second.assets()[0].key()];
        expected.sort();
        assert_eq!(after_second, expected);
        // The second run looked for its one asset, did not find it, and wrote as many
        // objects as the first (the run lock, and the asset).
        let calls = again.staging_calls().by_operation();
        assert_eq!(calls.get("HeadObject"), Some(&1), "{calls:?}");
        assert_eq!(calls.get("PutObject").copied(), first_puts, "{calls:?}");
    }
}

/// Functions built from zips on disk that a writer we did not write made (Python's
/// `zipfile`): read with the `zip` crate, refused naming the function when Lambda could not
/// start them or unzip tools would read them otherwise (two entries of one path, a loop of
/// links, two end-of-central-directory records read differently), and passed when it could
/// (ZIP64, deflated, `./bootstrap`, a link to a link through a link to a folder).
mod code_zips {
    use std::path::{Path, PathBuf};

    use hipaa_stack::prelude::*;
    use hipaa_stack::{Architecture, Code, Function};

    use crate::support::python_json;

    /// Writes the zips of the cases with Python's `zipfile` into `dir`; returns their paths
    /// by name. Each holds the first bytes of an x86-64 ELF executable, or a script.
    fn zips(dir: &Path) -> serde_json::Value {
        const WRITE: &str = r##"
import io, json, os, sys, zipfile
out = sys.argv[1]
elf = b"\x7fELF\x02\x01\x01" + bytes(11) + (62).to_bytes(2, "little") + bytes(44) + bytes(4096)
def entry(name, mode, system=3):
    info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
    info.create_system = system
    info.external_attr = mode << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    return info
cases = {
    "zip64": [("bootstrap", 0o100755, elf)],
    "dotted": [("./bootstrap", 0o100755, b"#!/bin/sh\n")],
    "twice": [("bootstrap", 0o100755, elf), ("./bootstrap", 0o100644, b"#!/bin/sh\n")],
    "folder": [("bootstrap/", 0o40755, b""), ("bootstrap/app", 0o100755, elf)],
    "backslash": [("bootstrap", 0o100755, elf), ("lib\\x", 0o100644, b"a"), ("lib/x", 0o100644, b"b")],
    "chained": [
        ("bootstrap", 0o120777, b"current/app"),
        ("current", 0o120777, b"releases/v2"),
        ("releases/v2/app", 0o100755, elf),
    ],
    "loop": [("bootstrap", 0o120777, b"a"), ("a", 0o120777, b"bootstrap")],
}
paths = {}
for case, entries in cases.items():
    path = os.path.join(out, case + ".zip")
    with zipfile.ZipFile(path, "w") as z:
        for name, mode, data in entries:
            if case == "zip64":
                with z.open(entry(name, mode), "w", force_zip64=True) as f:
                    f.write(data)
            else:
                z.writestr(entry(name, mode), data)
    paths[case] = path
# Hostile review 24: a ZIP64 end record and locator, which zipfile writes past 65535
# entries, forced here (allowZip64, its limit lowered) for one entry.
limit = zipfile.ZIP_FILECOUNT_LIMIT
zipfile.ZIP_FILECOUNT_LIMIT = 0
end64 = os.path.join(out, "zip64_end.zip")
with zipfile.ZipFile(end64, "w", allowZip64=True) as z:
    with z.open(entry("bootstrap", 0o100755), "w", force_zip64=True) as f:
        f.write(elf)
zipfile.ZIP_FILECOUNT_LIMIT = limit
paths["zip64_end"] = end64
text = os.path.join(out, "text.zip")
open(text, "w").write("not a zip\n")
paths["text"] = text
# Two zips end to end, the last record's comment cut short: zipfile (like Info-ZIP) reads
# the last record, the arm64 `bootstrap`.
two = os.path.join(out, "two_ends.zip")
with zipfile.ZipFile(two, "w") as z:
    z.writestr(entry("bootstrap", 0o100755), elf)
arm = io.BytesIO()
with zipfile.ZipFile(arm, "w") as z:
    z.writestr(entry("bootstrap", 0o100755), elf[:18] + (183).to_bytes(2, "little") + elf[20:])
data = bytearray(open(two, "rb").read() + arm.getvalue())
data[-2:] = (100).to_bytes(2, "little")
open(two, "wb").write(data)
paths["two_ends"] = two
paths["two_ends_machine"] = zipfile.ZipFile(two).read("bootstrap")[18]
print(json.dumps(paths))
"##;
        python_json(WRITE, &[dir.to_str().unwrap()])
    }

    /// Builds the assets of an app whose function of `arch` runs the zip `code`.
    fn build(code: PathBuf, arch: Architecture) -> Result<Vec<hipaa_stack::asset::Asset>, String> {
        let app = App::new("z");
        let stack = app.stack("z").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        let net = stack
            .add(SecureVpc::new("Net", cidr!("10.80.0.0/16")).encryption(&key))
            .unwrap();
        stack
            .add(
                Function::new("Worker", Code::zip(code))
                    .architecture(arch)
                    .encryption(&key)
                    .network(&net),
            )
            .unwrap();
        app.build_assets().map_err(|e| e.to_string())
    }

    #[test]
    fn real_zips_pass_or_are_refused_naming_the_function() {
        let dir = tempfile::tempdir().unwrap();
        let zips = zips(dir.path());
        let path = |case: &str| PathBuf::from(zips[case].as_str().unwrap());
        // ZIP64 (Python writes its extra field when asked), deflated: read and passed, its
        // bytes the asset's.
        let zip64 = std::fs::read(path("zip64")).unwrap();
        assert!(
            zip64.windows(4).any(|w| w == [0x01, 0x00, 0x10, 0x00]),
            "ZIP64"
        );
        let assets = build(path("zip64"), Architecture::X86_64).expect("a ZIP64 zip passes");
        assert_eq!(assets[0].bytes(), zip64.as_slice());
        // Hostile review 24: with a ZIP64 end record and its locator, read where the locator
        // points.
        let end64 = std::fs::read(path("zip64_end")).unwrap();
        assert!(
            end64.windows(4).any(|w| w == b"PK\x06\x06"),
            "ZIP64 end record"
        );
        assert!(
            end64.windows(4).any(|w| w == b"PK\x06\x07"),
            "ZIP64 locator"
        );
        assert!(
            build(path("zip64_end"), Architecture::X86_64).is_ok(),
            "a zip with a ZIP64 end record passes"
        );
        let err = build(path("zip64_end"), Architecture::Arm64).expect_err("zip64_end");
        assert!(err.contains("is built for x86-64"), "{err}");
        assert!(
            build(path("dotted"), Architecture::Arm64).is_ok(),
            "`./bootstrap` is `bootstrap`"
        );
        // Hostile review 23: a link to a link through a link to a folder is followed.
        assert!(
            build(path("chained"), Architecture::X86_64).is_ok(),
            "links are followed as Linux follows them"
        );
        // Python's zipfile reads the last end-of-central-directory record of `two_ends`,
        // whose `bootstrap` is arm64 (the `zip` crate alone would read the first's, x86-64).
        assert_eq!(zips["two_ends_machine"], 183);
        for (case, arch, needle) in [
            (
                "zip64",
                Architecture::Arm64,
                "is built for x86-64, and the function runs on arm64",
            ),
            (
                "text",
                Architecture::X86_64,
                "is not a zip that Lambda could unpack",
            ),
            (
                "twice",
                Architecture::X86_64,
                "which both unpack to `bootstrap`",
            ),
            (
                "folder",
                Architecture::X86_64,
                "holds `bootstrap/` as a folder",
            ),
            (
                "backslash",
                Architecture::X86_64,
                "which unzip tools may both unpack to `lib/x`",
            ),
            (
                "loop",
                Architecture::X86_64,
                "a chain of more than 40 links",
            ),
            (
                "two_ends",
                Architecture::X86_64,
                "end-of-central-directory record(s), and unzip tools read the last one",
            ),
        ] {
            let err = build(path(case), arch).expect_err(case);
            let start = format!(
                "z/Worker: its code could not be built: the zip `{}` ",
                path(case).display()
            );
            assert!(err.starts_with(&start), "{case}: {err}");
            assert!(err.contains(needle), "{case}: {err}");
        }
    }
}

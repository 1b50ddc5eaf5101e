//! A serverless document processor in two stacks: uploads land in a bucket of PHI, which
//! sends an event for each new object to an encrypted queue; the queue triggers a Rust
//! function built by `synth` from the `docproc-worker` crate of this workspace; the
//! function records its results in a DynamoDB table. An API Gateway REST API
//! (`SecureApi`) answers `GET /documents/{key}` through a second function, `Reader`, for
//! callers that sign with IAM, behind a WAF web ACL.
//!
//! - `docproc-security`: the customer-managed key and the access-log bucket;
//! - `docproc-app`: the network, the uploads bucket, the queue, the functions, the table and
//!   the API.
//!
//! `cargo run -p docproc -- synth --out out/docproc` builds the worker (with
//! `cargo zigbuild`, see the README) into the cloud assembly; `check` and `report` never
//! build it; `up` uploads it to the staging bucket when it changed.

use hipaa_stack::compliance::{Waiver, rule};
use hipaa_stack::prelude::*;
use hipaa_stack::{
    Auth, Code, Function, HttpMethod, KeyType, SecureApi, SecureQueue, SecureTable, Waf,
};

#[hipaa_stack::main]
fn docproc(app: &mut App) -> Result<()> {
    let security = app
        .stack(stack_name!("docproc-security"))?
        .description("docproc: encryption key and access logs");
    let key = security.add(KmsKey::new("PhiKey").description("encrypts all PHI at rest"))?;
    let logs = security.add(AccessLogBucket::new("AccessLogs"))?;

    let data = app
        .stack(stack_name!("docproc-app"))?
        .description("docproc: uploads, queue, worker function, results");
    let net = data.add(
        SecureVpc::new("Net", cidr!("10.60.0.0/16"))
            .encryption(&key)
            .availability_zones(2),
    )?;
    // The queue hides a message six times as long as the function may run.
    let queue = data.add(
        SecureQueue::new("Uploads")
            .encryption(&key)
            .retention(days!(4))
            .visibility_timeout_seconds(360)
            .max_receives(5),
    )?;
    // Every document uploaded to the inbox becomes a message of the queue.
    let inbox = data.add(
        SecureBucket::new("Inbox")
            .encryption(&key)
            .access_logs(&logs)
            .notify(&queue),
    )?;
    let results = data.add(
        SecureTable::new("Results", "DocumentKey", KeyType::String)
            .encryption(&key)
            .sort_key("ProcessedAt", KeyType::Number),
    )?;
    let worker = data.add(
        Function::new("Worker", Code::cargo_bin("docproc-worker"))
            .encryption(&key)
            .network(&net)
            .memory_mb(256)
            .timeout_seconds(60)
            .reserved_concurrency(5)
            .env_reference("RESULTS_TABLE", results.name()),
    )?;
    data.add(queue.trigger("UploadsToWorker", &worker).batch_size(10))?;
    data.add(inbox.grant_read("WorkerReadsInbox", &worker))?;
    data.add(results.grant_write("WorkerWritesResults", &worker))?;

    // The API: one route, for callers that sign their requests with IAM (execute-api:Invoke).
    let reader = data.add(
        Function::new("Reader", Code::cargo_bin("docproc-worker"))
            .encryption(&key)
            .network(&net)
            .memory_mb(256)
            .reserved_concurrency(5)
            .env_reference("RESULTS_TABLE", results.name()),
    )?;
    data.add(results.grant_read("ReaderReadsResults", &reader))?;
    let api = data.add(
        SecureApi::new("Documents")
            .encryption(&key)
            .waf(Waf::managed_rules().rate_limit(1000))
            .route(HttpMethod::Get, "/documents/{key}", &reader, Auth::iam())
            .throttling(20, 40),
    )?;

    // Every store of PHI is in a backup plan: daily recovery points kept 35 days, encrypted
    // with the key.
    data.add(
        BackupPlan::new("Daily")
            .encryption(&key)
            .protect(&inbox)
            .protect(&results),
    )?;
    // The inbox stays in one region, in writing: the reason goes into the report and into
    // the metadata that cdk-nag, checkov and cfn-guard read.
    app.waive(Waiver::new(
        rule::S10,
        &inbox,
        "single-region service: uploads are versioned and copied daily into the Daily backup plan's vault, and a document that is lost in a regional outage is uploaded again by its sender; the service accepts that risk in its contingency plan",
    ))?;
    app.waive(Waiver::new(
        rule::D2,
        &results,
        "single-region service: the results table's point-in-time recovery and the Daily backup plan's recovery points stay in this region, and a result lost in a regional outage is computed again from its document; the service accepts that risk in its contingency plan",
    ))?;
    data.output("InboxBucket", inbox.name())?;
    data.output("UploadsQueue", queue.url())?;
    data.output("WorkerFunction", worker.name())?;
    data.output("ResultsTable", results.name())?;
    data.output("DocumentsApi", api.id())?;
    Ok(())
}

//! A moto server of our own per test: started on a free loopback port through the harness
//! in `tests/moto/hipaa_moto.py`, stopped when the test ends.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use aws_sdk_cloudformation::config::{BehaviorVersion, Credentials, Region};

use crate::support::repo_root;

/// The staging bucket a deploy makes in the server's account (moto's default) and us-east-1.
pub const STAGING: &str = "hipaa-stack-staging-123456789012-us-east-1";

/// A running moto server.
pub struct Moto {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
}

impl Moto {
    /// Starts a server and waits until it listens (a few seconds at most).
    pub fn start() -> Moto {
        Moto::start_with(&[])
    }

    /// Starts a server with extra environment variables for the harness, such as
    /// `HIPAA_MOTO_PAGE_SIZE` (results per page of the paged calls).
    pub fn start_with(env: &[(&str, &str)]) -> Moto {
        let python = std::env::var_os("HIPAA_STACK_PYTHON")
            .map_or_else(|| repo_root().join(".venv/bin/python"), Into::into);
        assert!(
            python.exists(),
            "no Python with moto at {}; run `scripts/test`, which installs it",
            python.display()
        );
        let mut child = Command::new(&python)
            .arg(repo_root().join("tests/moto/hipaa_moto.py"))
            .args(["-H", "127.0.0.1", "-p", "0"])
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the moto harness starts");
        let stderr = child.stderr.take().expect("stderr is piped");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut sent = false;
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let found = line.find("Running on http://127.0.0.1:").filter(|_| !sent);
                if let Some(at) = found {
                    let rest = &line[at + "Running on ".len()..];
                    let url: String = rest.chars().take_while(|c| !c.is_whitespace()).collect();
                    let _ = tx.send(url);
                    sent = true;
                }
                // Keep reading so that the server never blocks on a full pipe.
            }
        });
        let endpoint = match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(url) => url,
            Err(_) => {
                let _ = child.kill();
                panic!("the moto server did not start within 30 s");
            }
        };
        Moto { child, endpoint }
    }

    /// The environment that points an AWS program at this server.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL", self.endpoint.clone()),
            ("AWS_ACCESS_KEY_ID", "test".to_owned()),
            ("AWS_SECRET_ACCESS_KEY", "test".to_owned()),
            ("AWS_REGION", "us-east-1".to_owned()),
            ("AWS_EC2_METADATA_DISABLED", "true".to_owned()),
        ]
    }

    /// An SDK configuration for this server.
    pub async fn config(&self) -> aws_config::SdkConfig {
        config_for(&self.endpoint).await
    }

    /// An S3 client for this server, with path-style requests (the bucket in the path).
    pub async fn s3(&self) -> aws_sdk_s3::Client {
        let config = self.config().await;
        aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&config)
                .force_path_style(true)
                .build(),
        )
    }

    /// Every key of the staging bucket ([`STAGING`]).
    pub async fn staging_keys(&self) -> Vec<String> {
        self.s3()
            .await
            .list_objects_v2()
            .bucket(STAGING)
            .send()
            .await
            .expect("the staging bucket is listed")
            .contents()
            .iter()
            .filter_map(|o| o.key().map(str::to_owned))
            .collect()
    }

    /// A CloudFormation client for this server.
    pub async fn cloudformation(&self) -> aws_sdk_cloudformation::Client {
        aws_sdk_cloudformation::Client::new(&self.config().await)
    }

    /// Creates each stack of `assembly` on this server by hand, as any CloudFormation client
    /// would (CreateChangeSet of type CREATE with the stack's template body, then
    /// ExecuteChangeSet), and returns what the endpoint refused: the status reason of a
    /// change set that failed, or the `*_FAILED` events of the stack that rolled back
    /// (`LogicalId (Type) STATUS: reason`, one a line, in the order the endpoint lists
    /// them). Panics if every stack was created.
    ///
    /// For the tests that prove the harness refuses what AWS refuses with a template that
    /// breaks the HIPAA rules on purpose (a raw resource through [`App::check`]): the
    /// library's deploy engine deploys only an assembly whose rules hold as of today
    /// (`DeployError::Uncleared`), and has no way around that; a test that needs the
    /// endpoint's own refusal calls CloudFormation itself, as this does. The stacks are
    /// created in the assembly's deploy order, without the engine's staging bucket, tags
    /// or outputs, so the templates must be sent inline (at most 51,200 bytes) and need no
    /// asset.
    ///
    /// [`App::check`]: hipaa_stack::App::check
    pub async fn refusal_without_the_engine(&self, assembly: &hipaa_stack::Assembly) -> String {
        use aws_sdk_cloudformation::types::{Capability, ChangeSetStatus, ChangeSetType};
        let cfn = self.cloudformation().await;
        for stack in assembly.stacks() {
            let name = stack.name();
            let created = cfn
                .create_change_set()
                .stack_name(name)
                .change_set_name("by-hand")
                .change_set_type(ChangeSetType::Create)
                .template_body(stack.template_json())
                .capabilities(Capability::CapabilityIam)
                .capabilities(Capability::CapabilityNamedIam)
                .capabilities(Capability::CapabilityAutoExpand)
                .send()
                .await
                .unwrap_or_else(|e| panic!("{name}: CreateChangeSet: {e:?}"));
            let id = created.id().expect("a change set has an id").to_owned();
            // moto answers at once; AWS would take a while.
            let mut waited = Duration::ZERO;
            let (status, reason) = loop {
                let cs = cfn
                    .describe_change_set()
                    .change_set_name(&id)
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("{name}: DescribeChangeSet: {e:?}"));
                let status = cs.status().cloned();
                let pending = matches!(
                    status,
                    Some(ChangeSetStatus::CreatePending | ChangeSetStatus::CreateInProgress)
                );
                if !pending || waited >= Duration::from_secs(30) {
                    break (status, cs.status_reason().map(str::to_owned));
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
                waited += Duration::from_millis(50);
            };
            if status != Some(ChangeSetStatus::CreateComplete) {
                return format!(
                    "{name}: change set {status:?}: {}",
                    reason.unwrap_or_default()
                );
            }
            cfn.execute_change_set()
                .change_set_name(&id)
                .send()
                .await
                .unwrap_or_else(|e| panic!("{name}: ExecuteChangeSet: {e:?}"));
            let mut waited = Duration::ZERO;
            let status = loop {
                let described = cfn
                    .describe_stacks()
                    .stack_name(name)
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("{name}: DescribeStacks: {e:?}"));
                let status = described
                    .stacks()
                    .first()
                    .and_then(|s| s.stack_status())
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default();
                if !status.ends_with("_IN_PROGRESS") || waited >= Duration::from_secs(60) {
                    break status;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
                waited += Duration::from_millis(50);
            };
            if status == "CREATE_COMPLETE" {
                continue;
            }
            let events = cfn
                .describe_stack_events()
                .stack_name(name)
                .send()
                .await
                .unwrap_or_else(|e| panic!("{name}: DescribeStackEvents: {e:?}"));
            let failed: Vec<String> = events
                .stack_events()
                .iter()
                .filter(|e| {
                    e.resource_status()
                        .is_some_and(|s| s.as_str().ends_with("_FAILED"))
                })
                .map(|e| {
                    format!(
                        "{} ({}) {}: {}",
                        e.logical_resource_id().unwrap_or_default(),
                        e.resource_type().unwrap_or_default(),
                        e.resource_status().map_or("", |s| s.as_str()),
                        e.resource_status_reason().unwrap_or_default()
                    )
                })
                .collect();
            assert!(
                !failed.is_empty(),
                "{name} ended {status} with no failed event: {events:?}"
            );
            return failed.join("\n");
        }
        panic!(
            "the endpoint created every stack of app `{}`",
            assembly.app()
        );
    }
}

/// An SDK configuration for any endpoint, with dummy credentials.
pub async fn config_for(endpoint: &str) -> aws_config::SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "tests"))
        .retry_config(aws_config::retry::RetryConfig::disabled())
        .timeout_config(hipaa_stack::deploy::timeouts())
        .load()
        .await
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

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

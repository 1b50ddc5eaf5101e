//! A moto server of our own per test: started on a free loopback port through the harness
//! in `tests/moto/hipaa_moto.py`, taken as started once it answers there, stopped when the
//! test ends.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

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
    /// Starts a server and waits until it answers (a few seconds at most).
    pub fn start() -> Moto {
        Moto::start_with(&[])
    }

    /// Starts a server with extra environment variables for the harness, such as
    /// `HIPAA_MOTO_PAGE_SIZE` (results per page of the paged calls).
    ///
    /// The server binds a free port of 127.0.0.1 (`-p 0`) and is taken as started once it
    /// answers `GET /moto-api/` there, not when it prints its address: a test's first call
    /// never meets a refused connection, however loaded the machine. A server that exits
    /// first (a port taken meanwhile, a harness that fails to load) or does not answer
    /// within [`START_WITHIN`] is stopped and started again, [`START_ATTEMPTS`] times in all.
    pub fn start_with(env: &[(&str, &str)]) -> Moto {
        let python = std::env::var_os("HIPAA_STACK_PYTHON")
            .map_or_else(|| repo_root().join(".venv/bin/python"), Into::into);
        assert!(
            python.exists(),
            "no Python with moto at {}; run `scripts/test`, which installs it",
            python.display()
        );
        let harness = repo_root().join("tests/moto/hipaa_moto.py");
        Moto::launch(|| {
            let mut command = Command::new(&python);
            command
                .arg(&harness)
                .args(["-H", "127.0.0.1", "-p", "0"])
                .envs(env.iter().copied());
            command
        })
    }

    /// Starts the server that `command` runs (it prints `Running on http://127.0.0.1:PORT`
    /// on standard error, as moto does), as [`Moto::start_with`] says.
    pub(crate) fn launch(command: impl Fn() -> Command) -> Moto {
        let mut failures = Vec::new();
        for _ in 0..START_ATTEMPTS {
            match Moto::try_start(command()) {
                Ok(moto) => return moto,
                Err(why) => failures.push(why),
            }
        }
        panic!(
            "the moto server did not start in {START_ATTEMPTS} attempts: {}",
            failures.join("; ")
        );
    }

    /// One start: the server, once it answers, or why not (its last lines of output).
    fn try_start(mut command: Command) -> Result<Moto, String> {
        let mut child = command
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("the harness could not be run: {e}"))?;
        let stderr = child.stderr.take().expect("stderr is piped");
        let (tx, rx) = mpsc::channel();
        let said = Arc::new(Mutex::new(Vec::<String>::new()));
        let kept = said.clone();
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
                // The last lines, for a start that fails; and reading on, so that the
                // server never blocks on a full pipe.
                if let Ok(mut said) = kept.lock() {
                    if said.len() == 20 {
                        said.remove(0);
                    }
                    said.push(line);
                }
            }
        });
        let deadline = Instant::now() + START_WITHIN;
        let fail = |child: &mut Child, why: String| -> Result<Moto, String> {
            let _ = child.kill();
            let _ = child.wait();
            let tail = said.lock().map(|s| s.join(" | ")).unwrap_or_default();
            Err(format!("{why} (it said: {tail})"))
        };
        let endpoint = loop {
            match rx.recv_timeout(Duration::from_millis(100)) {
                Ok(url) => break url,
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return fail(&mut child, "the server closed its output".to_owned());
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
            }
            if let Ok(Some(status)) = child.try_wait() {
                return fail(&mut child, format!("the server exited ({status})"));
            }
            if Instant::now() >= deadline {
                return fail(
                    &mut child,
                    format!("no address within {} s", START_WITHIN.as_secs()),
                );
            }
        };
        let address = endpoint.trim_start_matches("http://").to_owned();
        while !answers(&address) {
            if let Ok(Some(status)) = child.try_wait() {
                return fail(
                    &mut child,
                    format!("the server at {address} exited ({status})"),
                );
            }
            if Instant::now() >= deadline {
                return fail(
                    &mut child,
                    format!(
                        "{address} did not answer within {} s",
                        START_WITHIN.as_secs()
                    ),
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(Moto { child, endpoint })
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

/// How long one start of the server may take, from its launch to its first answer (a loaded
/// machine takes seconds to load moto).
const START_WITHIN: Duration = Duration::from_secs(60);

/// How many times a server that fails to start is started again.
const START_ATTEMPTS: usize = 3;

/// Whether the server at `address` (`127.0.0.1:PORT`) answers `GET /moto-api/` with 200.
fn answers(address: &str) -> bool {
    let Ok(socket) = address.parse::<SocketAddr>() else {
        return false;
    };
    let Ok(mut stream) = TcpStream::connect_timeout(&socket, Duration::from_secs(2)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(2)));
    let request = format!("GET /moto-api/ HTTP/1.0\r\nHost: {address}\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0_u8; 12];
    stream.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/") && &head[9..12] == b"200"
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// A stand-in for the harness, in Python: prints moto's line for a free port of
    /// 127.0.0.1, and listens there `delay` seconds later, answering 200; with `fail_first`,
    /// the first run (of those sharing `marker`) exits at once, as a server whose port was
    /// taken does.
    fn stand_in(delay: f64, marker: &Path, fail_first: bool) -> Command {
        let script = r#"
import http.server, os, socket, sys, time
delay, marker, fail_first = float(sys.argv[1]), sys.argv[2], sys.argv[3] == "1"
if fail_first and not os.path.exists(marker):
    open(marker, "w").close()
    print("OSError: [Errno 98] Address already in use", file=sys.stderr, flush=True)
    sys.exit(1)
probe = socket.socket()
probe.bind(("127.0.0.1", 0))
port = probe.getsockname()[1]
probe.close()
print(f" * Running on http://127.0.0.1:{port}", file=sys.stderr, flush=True)
time.sleep(delay)
class Answer(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
http.server.HTTPServer(("127.0.0.1", port), Answer).serve_forever()
"#;
        let mut command = Command::new("python3");
        command.arg("-c").arg(script).args([
            delay.to_string(),
            marker.display().to_string(),
            if fail_first { "1" } else { "0" }.to_owned(),
        ]);
        command
    }

    /// A server is started once it answers, not once it prints its address: under load the
    /// two are apart, and a first call in between met "connection refused".
    #[test]
    fn a_server_is_started_once_it_answers_not_once_it_prints_its_address() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("started");
        let moto = Moto::launch(|| stand_in(1.0, &marker, false));
        let address = moto.endpoint.trim_start_matches("http://");
        assert!(
            TcpStream::connect(address).is_ok(),
            "{address} refused a connection after the start"
        );
    }

    /// A server that exits before it answers (its port taken, as "Address already in use")
    /// is started again, on another free port.
    #[test]
    fn a_server_that_exits_before_it_answers_is_started_again() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("failed-once");
        let started = Instant::now();
        let moto = Moto::launch(|| stand_in(0.0, &marker, true));
        assert!(marker.exists(), "the first run did not fail");
        assert!(answers(moto.endpoint.trim_start_matches("http://")));
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{:?}",
            started.elapsed()
        );
    }
}

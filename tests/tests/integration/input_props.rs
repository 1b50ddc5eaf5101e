//! Property tests of the public API that takes text and numbers at run time: whatever a
//! program passes (empty text, unicode, control characters, `../`, quotes, `${`,
//! `{{resolve:`, very long text, huge numbers, duplicate ids), nothing panics, every error
//! names the construct or stack it is about, and every template synth writes is JSON.

use std::panic::{AssertUnwindSafe, catch_unwind};

use hipaa_stack::json::{Value, json};
use hipaa_stack::prelude::*;
use hipaa_stack::{
    Alarm, AlarmMetric, AlarmTopic, Auth, Certificate, Code, Function, KeyType, SecureQueue,
    SecureTable,
};
use proptest::prelude::*;

/// Text a hostile or careless program might pass.
fn nasty() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("../../etc/passwd".to_owned()),
        Just("Records".to_owned()),
        Just("a\"b'c`d".to_owned()),
        Just("${AWS::AccountId}".to_owned()),
        Just("{{resolve:ssm:/x}}".to_owned()),
        Just("\u{0}\u{7}\n\r\t\u{1b}[31m".to_owned()),
        Just("Ünïcödé✓日本".to_owned()),
        Just("x".repeat(5000)),
        Just("/Tags/99999999999999999999/Key".to_owned()),
        Just("/a//b/~2/~".to_owned()),
        Just("/".to_owned()),
        Just("pl-63a5400a".to_owned()),
        Just("vpc-0123456789abcdef0".to_owned()),
        "\\PC{0,40}",
        "[A-Za-z][A-Za-z0-9]{0,20}",
        any::<String>(),
    ]
}

/// Mostly `valid`, sometimes nasty text.
fn or_nasty(valid: &'static str) -> impl Strategy<Value = String> {
    prop_oneof![2 => Just(valid.to_owned()), 1 => nasty()]
}

/// Runs `build` and checks its outcome: no panic; an error names one of `names`; a
/// synthesized app's templates are JSON.
fn outcome(
    names: &[&str],
    build: impl FnOnce() -> Result<Option<App>>,
) -> Result<(), TestCaseError> {
    let result = catch_unwind(AssertUnwindSafe(|| {
        build().and_then(|app| match app {
            Some(app) => app.synth().map(Some),
            None => Ok(None),
        })
    }));
    let result = match result {
        Ok(result) => result,
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            return Err(TestCaseError::fail(format!("panicked: {message}")));
        }
    };
    match result {
        Ok(Some(assembly)) => {
            for stack in assembly.stacks() {
                let parsed: Result<Value, _> = serde_json::from_str(stack.template_json());
                prop_assert!(parsed.is_ok(), "template of {} is not JSON", stack.name());
            }
        }
        Ok(None) => {}
        Err(error) => {
            let text = error.to_string();
            prop_assert!(
                names.iter().any(|n| text.contains(n)),
                "error names none of {names:?}: {text}"
            );
            prop_assert!(
                text.chars().next().is_some_and(|c| !c.is_uppercase()),
                "error is not lower-case: {text}"
            );
            prop_assert!(
                !text.chars().any(|c| c.is_control() && c != '\n'),
                "error holds a raw control character: {text:?}"
            );
        }
    }
    Ok(())
}

fn config() -> ProptestConfig {
    ProptestConfig::with_cases(96)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn stack_names_and_tags(app_name in or_nasty("props"), stack in or_nasty("props"), key in or_nasty("owner"), value in or_nasty("team"), description in or_nasty("records")) {
        outcome(&["app.stack", "app.tag", "stack `", "app `"], || {
            let app = App::new(app_name.as_str());
            app.tag(&key, &value)?;
            let s = app.stack(stack.as_str())?.description(description.as_str());
            s.tag(&key, &value)?;
            s.add(KmsKey::new("Key").description(description.as_str()))?;
            Ok(Some(app))
        })?;
    }

    #[test]
    fn environments(env in or_nasty("staging"), stack in or_nasty("props"), key in or_nasty("owner"), value in or_nasty("team")) {
        outcome(&["environment", "app.stack", "stack `"], || {
            let app = App::new("props");
            let e = app.environment(&env, account!("111111111111"), region!("us-east-1"))?;
            let e = e.tag(&key, &value)?;
            let s = e.stack(stack.as_str())?;
            s.add(KmsKey::new("Key"))?;
            Ok(Some(app))
        })?;
    }

    #[test]
    fn construct_ids_and_outputs(a in or_nasty("Records"), b in or_nasty("Logs"), output in or_nasty("Out")) {
        outcome(&["props/", "props/outputs"], || {
            let app = App::new("props");
            let s = app.stack("props")?;
            let key = s.add(KmsKey::new(a.as_str()))?;
            let logs = s.add(AccessLogBucket::new(b.as_str()))?;
            let bucket = s.add(SecureBucket::new(a.as_str()).encryption(&key).access_logs(&logs))?;
            s.add(LogGroup::new(b.as_str()).encryption(&key))?;
            s.output(&output, bucket.name())?;
            s.output(&output, key.arn())?;
            Ok(Some(app))
        })?;
    }

    #[test]
    fn raw_resources(id in or_nasty("Raw"), type_name in or_nasty("AWS::SNS::Topic"), path in or_nasty("/Tags/0/Key"), text in nasty(), number in any::<u64>(), other in or_nasty("DisplayName")) {
        outcome(&["props/"], || {
            let app = App::new("props");
            let s = app.stack("props")?;
            let key = s.add(KmsKey::new("Key"))?;
            s.add(
                RawResource::new(id.as_str(), type_name.as_str())
                    .property(&path, text.as_str())
                    .property(&other, number)
                    .property(&text, key.arn())
                    .property(&path, json!({ text.clone(): [number, other.clone()] })),
            )?;
            Ok(Some(app))
        })?;
    }

    #[test]
    fn raw_queue_properties(path in nasty(), value in nasty()) {
        outcome(&["props/"], || {
            let app = App::new("props");
            let s = app.stack("props")?;
            let key = s.add(KmsKey::new("Key"))?;
            s.add(
                RawResource::new("Jobs", "AWS::SQS::Queue")
                    .property("KmsMasterKeyId", key.arn())
                    .property(&path, value.as_str()),
            )?;
            Ok(Some(app))
        })?;
    }

    #[test]
    fn existing_networks_and_prefix_lists(vpc in or_nasty("vpc-0123456789abcdef0"), a in or_nasty("subnet-0a1b2c3d"), b in or_nasty("subnet-0a1b2c3e"), pl in or_nasty("pl-63a5400a")) {
        outcome(&["database network", "props/"], || {
            let app = App::new("props");
            let s = app.stack("props")?;
            let key = s.add(KmsKey::new("Key"))?;
            let net = s.add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))?;
            s.add(SecurityGroup::new("Web", &net).ingress(Https, PrefixList::id(pl.as_str()), a.as_str()))?;
            let network = DbNetwork::existing(&vpc, &[a.as_str(), b.as_str()])?;
            s.add(EncryptedDatabase::postgres("Db").encryption(&key).network(network))?;
            Ok(Some(app))
        })?;
    }

    #[test]
    fn database_settings(class in or_nasty("db.m5.large"), gib in any::<u32>()) {
        outcome(&["props/"], || {
            let app = App::new("props");
            let s = app.stack("props")?;
            let key = s.add(KmsKey::new("Key"))?;
            let net = s.add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))?;
            s.add(
                EncryptedDatabase::postgres("Db")
                    .encryption(&key)
                    .network(&net)
                    .instance_class(class.as_str())
                    .storage_gib(gib),
            )?;
            Ok(Some(app))
        })?;
    }

    #[test]
    fn vpc_and_instances(zones in prop_oneof![2 => 2u8..=6, 1 => any::<u8>()], zone in prop_oneof![2 => 0u8..=1, 1 => any::<u8>()], ami in or_nasty("ami-0123456789abcdef0"), itype in or_nasty("m5.large"), gib in prop_oneof![2 => 8u32..=100, 1 => any::<u32>()], device in or_nasty("/dev/xvda")) {
        outcome(&["props/", "ami", "image"], || {
            let app = App::new("props");
            let s = app.stack("props")?;
            let key = s.add(KmsKey::new("Key"))?;
            let net = s.add(
                SecureVpc::new("Net", cidr!("10.20.0.0/16"))
                    .encryption(&key)
                    .availability_zones(zones),
            )?;
            let _ = net.private_subnet_id(zone);
            let sg = s.add(SecurityGroup::new("Sg", &net).description(ami.as_str()))?;
            let role = s.add(Role::new("Box", ServicePrincipal::Ec2))?;
            let image = if zone % 2 == 0 { Ami::id(ami.as_str()) } else { Ami::ssm_parameter(ami.as_str()) };
            s.add(
                SecureInstance::new("Box", image)
                    .encryption(&key)
                    .network(&net)
                    .security_group(&sg)
                    .role(&role)
                    .instance_type(itype.as_str())
                    .availability_zone(zone)
                    .root_volume_gib(gib)
                    .root_device_name(device.as_str()),
            )?;
            Ok(Some(app))
        })?;
    }

    #[test]
    fn functions_queues_and_tables(name in or_nasty("MODE"), value in nasty(), mb in prop_oneof![2 => 128u32..=10240, 1 => any::<u32>()], secs in prop_oneof![2 => 1u32..=900, 1 => any::<u32>()], calls in any::<u32>(), attr in or_nasty("pk")) {
        outcome(&["props/"], || {
            let app = App::new("props");
            let s = app.stack("props")?;
            let key = s.add(KmsKey::new("Key"))?;
            let net = s.add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))?;
            let f = s.add(
                Function::new("Worker", Code::zip("/nonexistent/worker.zip"))
                    .encryption(&key)
                    .network(&net)
                    .memory_mb(mb)
                    .timeout_seconds(secs)
                    .reserved_concurrency(calls)
                    .env(name.as_str(), value.as_str()),
            )?;
            let q = s.add(
                SecureQueue::new("Jobs")
                    .encryption(&key)
                    .visibility_timeout_seconds(secs)
                    .max_receives(u16::try_from(calls % 70_000).unwrap_or(u16::MAX)),
            )?;
            s.add(q.trigger("Trigger", &f).batch_size(u16::try_from(mb % 70_000).unwrap_or(u16::MAX)))?;
            s.add(
                SecureTable::new("Table", attr.as_str(), KeyType::String)
                    .encryption(&key)
                    .sort_key(attr.as_str(), KeyType::Number)
                    .name(name.as_str()),
            )?;
            Ok(Some(app))
        })?;
    }

    #[test]
    fn secrets_topics_and_alarms(name in or_nasty("AWS/Lambda"), text in or_nasty("Errors"), len in any::<u16>(), period in prop_oneof![2 => Just(60u32), 1 => any::<u32>()], threshold in any::<f64>()) {
        outcome(&["props/"], || {
            let app = App::new("props");
            let s = app.stack("props")?;
            let key = s.add(KmsKey::new("Key"))?;
            let topic = s.add(
                AlarmTopic::new("Ops")
                    .encryption(&key)
                    .display_name(text.as_str())
                    .email(name.as_str()),
            )?;
            s.add(
                Alarm::new("Errors", AlarmMetric::new(name.as_str(), text.as_str()).dimension(text.as_str(), name.as_str()))
                    .notify(&topic)
                    .description(text.as_str())
                    .period_seconds(period)
                    .evaluation_periods(period)
                    .above(threshold),
            )?;
            let _ = len;
            Ok(Some(app))
        })?;
    }

    #[test]
    fn certificates_and_cognito(arn in nasty(), domain in or_nasty("portal.example.com"), zone in or_nasty("Z0123456789ABCDEFGHIJ")) {
        outcome(&["props/", "certificate", "user pool", "cognito"], || {
            let app = App::new("props");
            let s = app.stack("props")?;
            s.add(Certificate::dns("Cert", domain.as_str()).alternative_name(arn.as_str()).hosted_zone(zone.as_str()))?;
            let _ = Certificate::existing(&arn)?;
            let _ = Auth::cognito(&arn)?;
            Ok(Some(app))
        })?;
    }

    #[test]
    fn roles(account in or_nasty("111111111111"), arn in or_nasty("arn:aws:iam::111111111111:role/ops"), description in nasty()) {
        outcome(&["props/"], || {
            let app = App::new("props");
            let s = app.stack("props")?;
            s.add(Role::new("A", Trusted::account(account.as_str())).description(description.as_str()))?;
            s.add(Role::new("B", Trusted::role_arn(arn.as_str())))?;
            Ok(Some(app))
        })?;
    }

    #[test]
    fn manifests(files in proptest::collection::vec((nasty(), nasty()), 0..4)) {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let result = catch_unwind(|| {
            for (name, body) in &files {
                let _ = std::fs::write(dir.path().join(name.replace(['/', '\0'], "_").chars().take(100).collect::<String>()), body);
            }
            let _ = std::fs::write(dir.path().join("manifest.json"), files.first().map_or("", |f| f.1.as_str()));
            hipaa_stack::synth::read_manifest(dir.path())
        });
        prop_assert!(result.is_ok(), "read_manifest panicked");
        if let Ok(Err(error)) = result {
            let text = error.to_string();
            prop_assert!(text.contains("manifest") || text.contains(&dir.path().display().to_string()), "{text}");
        }
    }
}

/// The same construct id twice, and the same stack twice, are errors that name them.
#[test]
fn duplicates_are_named() {
    let app = App::new("props");
    let s = app.stack("props").unwrap();
    s.add(KmsKey::new("Key")).unwrap();
    let error = s.add(KmsKey::new("Key")).unwrap_err().to_string();
    assert!(error.contains("props/Key"), "{error}");
    let error = app.stack("props").unwrap_err().to_string();
    assert!(error.contains("`props`"), "{error}");
}

/// A construct id or output name that is not one is shown escaped and cut short.
#[test]
fn bad_ids_are_shown_escaped_and_short() {
    let app = App::new("props");
    let s = app.stack("props").unwrap();
    let error = s.add(KmsKey::new("\u{1b}[31mRed")).unwrap_err().to_string();
    assert!(
        error.starts_with("props/\\u{1b}[31mRed (KmsKey): "),
        "{error}"
    );
    let key = s.add(KmsKey::new("Key")).unwrap();
    let error = s.output("Out\u{7}", key.arn()).unwrap_err().to_string();
    assert!(error.starts_with("props/outputs/Out\\u{7}: "), "{error}");
    let error = s
        .add(KmsKey::new("K".repeat(5000)))
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with(&format!("props/{}… (KmsKey)", "K".repeat(80))),
        "{error:.200}"
    );
}

/// A description over CloudFormation's 1024 bytes, the stack's own or the default one that
/// holds the app's name, is an error naming the stack.
#[test]
fn long_descriptions_are_refused_naming_the_stack() {
    let app = App::new("props");
    let s = app.stack("props").unwrap().description("é".repeat(513));
    s.add(KmsKey::new("Key")).unwrap();
    let error = app.synth().unwrap_err().to_string();
    assert!(
        error.starts_with("stack `props` has 1026 bytes of description"),
        "{error}"
    );
    assert!(error.contains("stack.description(..)"), "{error}");

    let app = App::new("p".repeat(1100));
    app.stack("props").unwrap().add(KmsKey::new("Key")).unwrap();
    let error = app.synth().unwrap_err().to_string();
    assert!(error.starts_with("stack `props` has"), "{error:.200}");
    assert!(error.contains("the app's name"), "{error:.300}");

    let app = App::new("props");
    let s = app.stack("props").unwrap().description("x".repeat(1024));
    s.add(KmsKey::new("Key")).unwrap();
    assert!(app.synth().is_ok());
}

/// Writing the assembly where a file stands, not a folder, is an error that names the place.
#[test]
fn writing_into_a_file_is_an_error_naming_it() {
    let app = App::new("props");
    app.stack("props").unwrap().add(KmsKey::new("Key")).unwrap();
    let assembly = app.synth().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("out");
    std::fs::write(&file, "not a folder").unwrap();
    let result = catch_unwind(AssertUnwindSafe(|| assembly.write(&file)));
    let error = result.expect("no panic").unwrap_err().to_string();
    assert!(error.contains(&file.display().to_string()), "{error}");
}

/// The command line of a `#[hipaa_stack::main]` program (the `clinic` example), driven with
/// arbitrary arguments: flags it does not know, flags twice, `--`, values that are empty,
/// control characters, not UTF-8 or very long, `--out` where a file stands or where nothing
/// can be written, `--stack` and `--env` names the app does not have, on every command. The
/// commands that talk to AWS are given an endpoint on 127.0.0.1 where nothing listens, and no
/// other AWS setting of the caller's. Each run happens in a temporary folder (its working
/// folder and `HOME`), and every path it is given is inside it or cannot be written.
mod command_line {
    use std::ffi::OsString;
    use std::os::unix::ffi::OsStringExt as _;
    use std::path::Path;
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    use proptest::prelude::*;

    use crate::support::{example_binary, repo_root};

    /// The commands of the program, `help` among them.
    const COMMANDS: [&str; 11] = [
        "synth", "check", "report", "graph", "preview", "up", "destroy", "outputs", "drift",
        "help", "deploy",
    ];

    /// The commands that talk to AWS.
    const TALKS_TO_AWS: [&str; 5] = ["preview", "up", "destroy", "outputs", "drift"];

    /// The flags of the commands, and some that no command has.
    const FLAGS: [&str; 30] = [
        "--out",
        "-o",
        "--stack",
        "--env",
        "--format",
        "--json",
        "--yes",
        "-y",
        "--concurrency",
        "--timeout",
        "--adopt",
        "--staging-bucket",
        "--allow-replace",
        "--resources",
        "--summary",
        "--full",
        "--low-memory",
        "--more-memory",
        "--timings",
        "--all",
        "-v",
        "-vvv",
        "--log-format",
        "--",
        "--unknown",
        "-x",
        "--out=",
        "--stack=",
        "--verbose=3",
        "-",
    ];

    /// Values: names the app has and has not, numbers out of range, paths.
    const VALUES: [&str; 24] = [
        "clinic-data",
        "clinic-security",
        "nope",
        "production",
        "json",
        "sarif",
        "mermaid",
        "text",
        "0",
        "-1",
        "18446744073709551615",
        "18446744073709551616",
        "out",
        "file",
        "file/out",
        ".",
        "",
        "/dev/null/out",
        "/proc/hipaa-out",
        "clinic-data/KeyBucket",
        "${AWS::Region}",
        "ümlaut",
        "a\u{1}b\nc\u{1b}[31m",
        "\u{7f}\t\r",
    ];

    /// An argument: a flag, a value, the help and version flags, or arbitrary text. Text is
    /// made relative (no leading `/`, no `..`) so that, read as a path, it stays inside the
    /// run's folder.
    fn argument() -> impl Strategy<Value = OsString> {
        let text = prop_oneof![
            super::nasty(),
            "[a-z/.-]{0,12}",
            Just("x".repeat(300)),
            Just("a/".repeat(2100)),
        ]
        .prop_map(|s| OsString::from(relative(&s)));
        prop_oneof![
            6 => proptest::sample::select(&FLAGS[..]).prop_map(OsString::from),
            5 => proptest::sample::select(&VALUES[..]).prop_map(OsString::from),
            1 => proptest::sample::select(&["--help", "-h", "--version", "-V", "help"][..])
                .prop_map(OsString::from),
            1 => Just(OsString::from_vec(vec![b'-', b'-', b'o', b'u', b't', b'=', 0xff])),
            1 => Just(OsString::from_vec(vec![0xfe, b'x', 0xff])),
            3 => text,
        ]
    }

    /// `text` as a path that stays in the working folder: no leading `/`, no `..`, no NUL
    /// (which no command line can hold).
    fn relative(text: &str) -> String {
        let text = text.replace("..", "__").replace('\0', "\\0");
        match text.strip_prefix('/') {
            Some(rest) => format!("rel/{rest}"),
            None => text,
        }
    }

    /// The exit codes each command may end with, besides 0 for `--help` and `--version`.
    fn allowed(command: &str) -> &'static [u8] {
        use hipaa_stack::cli::exit::*;
        match command {
            "synth" | "report" => &[SUCCESS, USAGE, WRITE_FAILED],
            "check" | "graph" | "help" => &[SUCCESS, USAGE],
            // Nothing is listening on the endpoint: a usage error before any call, or AWS
            // cannot be reached.
            talks if TALKS_TO_AWS.contains(&talks) => &[USAGE, UNREACHABLE],
            _ => &[USAGE],
        }
    }

    /// Whether `arg` is a cluster of short flags that reaches `-h` or `-V` (`-h-`, `-vh`):
    /// clap reads a cluster from the left and prints the help (or the version) and exits 0
    /// at `h` (or `V`) after flags it knows (`-v`, `-y`), before any it does not.
    fn short_help(arg: &OsString) -> bool {
        let Some(cluster) = arg.to_str().and_then(|a| a.strip_prefix('-')) else {
            return false;
        };
        if cluster.starts_with('-') {
            return false;
        }
        for c in cluster.chars() {
            match c {
                'h' | 'V' => return true,
                'v' | 'y' => {}
                _ => return false,
            }
        }
        false
    }

    /// A port on 127.0.0.1 where nothing listens.
    fn closed_port() -> u16 {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        listener.local_addr().expect("its address").port()
    }

    /// Runs `PROGRAM COMMAND ARGS` in a temporary folder and checks its outcome.
    fn run(program: &'static str, command: &str, args: &[OsString]) -> Result<(), TestCaseError> {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let cwd = dir.path().join("work");
        std::fs::create_dir(&cwd).expect("the working folder");
        std::fs::write(cwd.join("file"), "a file, not a folder").expect("a file");
        let mut child = Command::new(example_binary(program));
        child.current_dir(&cwd).arg(command).args(args);
        for (k, _) in std::env::vars_os() {
            let k = k.to_string_lossy().into_owned();
            if k.starts_with("AWS_") || k == "HOME" || k.starts_with("HIPAA_STACK") {
                child.env_remove(k);
            }
        }
        child
            .env("HOME", dir.path())
            .env(
                "AWS_ENDPOINT_URL",
                format!("http://127.0.0.1:{}", closed_port()),
            )
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_CONFIG_FILE", dir.path().join("aws-config"))
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                dir.path().join("aws-credentials"),
            )
            .stdin(Stdio::null());
        let start = Instant::now();
        let output = child.output().expect("the example runs");
        let took = start.elapsed();
        let stderr = String::from_utf8_lossy(&output.stderr);
        let shown = format!("{program} {command} {args:?}");
        prop_assert!(
            took < Duration::from_secs(60),
            "{shown} took {took:?}: {stderr}"
        );
        let Some(code) = output.status.code() else {
            return Err(TestCaseError::fail(format!(
                "{shown} was killed: {:?}: {stderr}",
                output.status
            )));
        };
        prop_assert!(
            !stderr.contains("panicked") && code != 101,
            "{shown} panicked: {stderr}"
        );
        let asks_help = args
            .iter()
            .any(|a| ["--help", "-h", "--version", "-V"].iter().any(|f| a == *f) || short_help(a))
            || command == "help";
        let code = u8::try_from(code).expect("an exit code is a byte");
        prop_assert!(
            allowed(command).contains(&code) || (asks_help && code == 0),
            "{shown} exited {code}: {stderr}"
        );
        prop_assert!(
            !stderr.contains("amazonaws.com"),
            "{shown} named an AWS host: {stderr}"
        );
        if code != 0 {
            // One error, on standard error: lower-case, naming the argument or the command,
            // saying what to do, without a raw control character.
            let message = stderr
                .lines()
                .find_map(|l| l.strip_prefix("error: "))
                .unwrap_or_default();
            prop_assert!(
                !message.is_empty(),
                "{shown} exited {code} without an error: {stderr}"
            );
            prop_assert!(
                message.chars().next().is_some_and(|c| !c.is_uppercase()),
                "{shown}: the error is not lower-case: {message}"
            );
            prop_assert!(
                !stderr.chars().any(|c| c.is_control() && c != '\n'),
                "{shown}: the error holds a raw control character: {stderr:?}"
            );
            let named = message.contains('\'')
                || message.contains('`')
                || message.contains(command)
                || message.contains("127.0.0.1");
            prop_assert!(named, "{shown}: the error names nothing: {stderr}");
            // What to do: clap's errors end "For more information, try '--help'", the
            // program's own name the flag to change.
            if code == hipaa_stack::cli::exit::USAGE {
                prop_assert!(
                    stderr.contains("--help") || message.contains("`--"),
                    "{shown}: the usage error does not say what to do: {stderr}"
                );
            }
            if code == hipaa_stack::cli::exit::WRITE_FAILED {
                prop_assert!(
                    stderr.contains("`--out"),
                    "{shown}: the write error does not say what to do: {stderr}"
                );
            }
        }
        // With `--json`, every line of standard output is an event, the last the result
        // with the exit code.
        let stdout = String::from_utf8_lossy(&output.stdout);
        if !asks_help && ["preview", "up", "destroy"].contains(&command) && !stdout.is_empty() {
            let events: Vec<serde_json::Value> = stdout
                .lines()
                .map(|l| serde_json::from_str(l).unwrap_or_default())
                .collect();
            prop_assert!(
                events.iter().all(|e| e["event"].is_string()),
                "{shown}: standard output is not JSON events: {stdout}"
            );
            let last = events.last().cloned().unwrap_or_default();
            prop_assert!(
                last["event"] == "result" && last["exit"] == u64::from(code),
                "{shown}: the last event is not the result {code}: {stdout}"
            );
        }
        // What `synth` and `report` write is in the run's folder.
        if code == 0 && !asks_help && ["synth", "report"].contains(&command) {
            prop_assert!(
                holds_files(dir.path(), 2),
                "{shown} exited 0 and wrote nothing in its folder: {stdout}"
            );
        }
        // Nothing is written beside the repository or its tests, where `cargo test` runs.
        let tests = Path::new(env!("CARGO_MANIFEST_DIR"));
        for place in ["hipaa.out", "out", "rel", "file", "a", "x"] {
            for root in [repo_root(), tests.to_owned()] {
                prop_assert!(
                    !root.join(place).exists(),
                    "{shown} wrote {}",
                    root.join(place).display()
                );
            }
        }
        Ok(())
    }

    /// Whether `dir` holds more than `more_than` files, in any folder below it.
    fn holds_files(dir: &Path, more_than: usize) -> bool {
        fn count(dir: &Path) -> usize {
            std::fs::read_dir(dir).map_or(0, |entries| {
                entries
                    .flatten()
                    .map(|e| {
                        let path = e.path();
                        if path.is_dir() { count(&path) } else { 1 }
                    })
                    .sum()
            })
        }
        count(dir) > more_than
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn any_arguments_on_any_command(command in proptest::sample::select(&COMMANDS[..]), args in proptest::collection::vec(argument(), 0..6)) {
            run("clinic", command, &args)?;
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// A program with a flag of its own (`telehealth --decommission`), which every
        /// command takes beside its own.
        #[test]
        fn a_programs_own_flags_beside_any_arguments(command in proptest::sample::select(&COMMANDS[..]), own in proptest::sample::select(&["--decommission", "--decommission=yes", "--decommission=", "--decomission"][..]), args in proptest::collection::vec(argument(), 0..4)) {
            let mut all = vec![OsString::from(own)];
            all.extend(args);
            run("telehealth", command, &all)?;
        }
    }

    /// Every command once with the arguments of each class, so that none goes untried
    /// whatever the property draws.
    #[test]
    fn each_class_on_each_command() {
        let classes: Vec<Vec<OsString>> = [
            &["--out", "file"][..],
            &["--out", ""],
            &["--out", "/dev/null/out"],
            &["--out", "/proc/hipaa-out"],
            &["--out", "a\u{1}b\nc"],
            &["--stack", "nope"],
            &["--stack", "\u{1b}[31mred"],
            &["--env", "nope"],
            &["--stack", "clinic-data", "--stack", "clinic-data"],
            &["--out", "a", "--out", "b"],
            &["--", "--out", "x"],
            &["--unknown"],
            &["\u{7}\r\t\u{1b}[31m"],
            &["--format", "\u{1b}[31m"],
            &[
                "--concurrency",
                "0",
                "--timeout",
                "18446744073709551615",
                "--stack",
                "clinic-data",
            ],
            &["--yes", "--stack", "clinic-data"],
        ]
        .iter()
        .map(|args| args.iter().map(OsString::from).collect())
        .chain([
            vec![OsString::from("--out"), OsString::from("x".repeat(300))],
            vec![OsString::from("--out"), OsString::from("a/".repeat(2100))],
            vec![OsString::from("--stack"), OsString::from_vec(vec![0xff])],
        ])
        .collect();
        let mut failures = Vec::new();
        for command in COMMANDS {
            for args in &classes {
                if let Err(failure) = run("clinic", command, args) {
                    failures.push(failure.to_string());
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}

//! The command line is the user's program's: its name, version and description, each
//! command's own description, and on each command only the flags it honours.

use crate::support::{repo_root, run_example};

/// A field of an example's `[package]`, as written in its Cargo.toml.
fn package_field(example: &str, field: &str) -> String {
    let path = repo_root().join(format!("examples/{example}/Cargo.toml"));
    let text = std::fs::read_to_string(&path).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with(&format!("{field} = ")))
        .unwrap_or_else(|| panic!("{} has no {field}", path.display()));
    line.split_once(" = ")
        .unwrap()
        .1
        .trim_matches('"')
        .to_owned()
}

fn stdout(example: &'static str, args: &[&str]) -> String {
    let output = run_example(example, args);
    assert!(
        output.status.success(),
        "{example} {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The `NAME  Description` lines under `Commands:`.
fn commands(help: &str) -> Vec<(String, String)> {
    help.lines()
        .skip_while(|l| *l != "Commands:")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .map(|l| {
            let (name, about) = l.trim().split_once(' ').unwrap();
            (name.to_owned(), about.trim().to_owned())
        })
        .collect()
}

#[test]
fn help_and_version_are_the_programs_own() {
    let help = stdout("clinic", &["--help"]);
    let description = package_field("clinic", "description");
    assert!(help.starts_with(&format!("{description}\n")), "{help}");
    assert!(help.contains("Usage: clinic [OPTIONS] <COMMAND>"), "{help}");
    assert!(!help.contains("Declares HIPAA-compliant"), "{help}");

    let version = stdout("clinic", &["-V"]);
    assert_eq!(
        version,
        format!("clinic {}\n", package_field("clinic", "version"))
    );
    assert!(!version.contains("hipaa-stack"), "{version}");

    let commands = commands(&help);
    let names: Vec<&str> = commands.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "synth", "check", "report", "preview", "up", "destroy", "outputs", "drift", "graph",
            "help"
        ]
    );
    // One line per command, each its own.
    let mut abouts: Vec<&str> = commands.iter().map(|(_, a)| a.as_str()).collect();
    abouts.sort_unstable();
    abouts.dedup();
    assert_eq!(abouts.len(), commands.len(), "{help}");
    assert_eq!(
        commands[4].1,
        "Deploy the stacks through CloudFormation change sets, wave by wave"
    );
}

#[test]
fn a_program_with_arguments_of_its_own_keeps_each_commands_description() {
    let help = stdout("telehealth", &["--help"]);
    assert!(
        help.starts_with(&format!("{}\n", package_field("telehealth", "description"))),
        "{help}"
    );
    for (name, about) in commands(&help) {
        assert!(!about.contains("own flags"), "{name}: {about}");
    }
    let synth = stdout("telehealth", &["synth", "--help"]);
    assert!(
        synth.starts_with("Write the cloud assembly: one CloudFormation template per stack"),
        "{synth}"
    );
    assert!(
        synth.contains("Usage: telehealth synth [OPTIONS]"),
        "{synth}"
    );
    // The program's own flag is on every command.
    assert!(synth.contains("--decommission"), "{synth}");
    assert!(!synth.contains("own flags"), "{synth}");
}

/// Every usage error ends saying what to do, the one clap writes for an unknown command
/// given to `help` too (it stops at its usage line).
#[test]
fn a_usage_error_says_to_try_help() {
    for args in [
        &["help", "help", "--out"][..],
        &["help", "nope"],
        &["synth", "--nope"],
        &["nope"],
    ] {
        let run = run_example("clinic", args);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
        assert!(
            stderr
                .trim_end()
                .ends_with("For more information, try '--help'."),
            "{args:?}: {stderr}"
        );
    }
}

/// A usage error that repeats an argument holding a bidirectional override or a
/// zero-width space (which make a terminal show text otherwise than it is written) shows
/// each as its code point; before, only control characters were escaped.
#[test]
fn a_usage_error_shows_invisible_characters_as_code_points() {
    let run = run_example("clinic", &["synth", "--n\u{202e}pe\u{200b}"]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--n\\u{202e}pe\\u{200b}"), "{stderr}");
    assert!(
        !stderr.contains('\u{202e}') && !stderr.contains('\u{200b}'),
        "{stderr}"
    );
}

#[test]
fn each_command_shows_only_the_flags_it_honours() {
    let flags = |command: &str| -> Vec<String> {
        stdout("clinic", &[command, "--help"])
            .lines()
            .filter_map(|l| {
                l.split_whitespace()
                    .find(|w| w.starts_with("--"))
                    .map(|w| w.trim_end_matches(',').to_owned())
            })
            .collect()
    };
    let up = flags("up");
    for flag in ["--yes", "--allow-replace", "--stack", "--out", "--adopt"] {
        assert!(up.iter().any(|f| f == flag), "up: {up:?}");
    }
    let preview = flags("preview");
    assert!(
        !preview.iter().any(|f| f == "--yes"),
        "preview: {preview:?}"
    );
    assert!(
        preview.iter().any(|f| f == "--allow-replace"),
        "{preview:?}"
    );
    let destroy = flags("destroy");
    assert!(
        !destroy.iter().any(|f| f == "--allow-replace"),
        "destroy: {destroy:?}"
    );
    assert!(destroy.iter().any(|f| f == "--yes"), "{destroy:?}");
    for read_only in ["outputs", "drift", "synth", "check"] {
        let flags = flags(read_only);
        assert!(
            !flags.iter().any(|f| f == "--yes" || f == "--allow-replace"),
            "{read_only}: {flags:?}"
        );
    }
    // `--yes` is refused where it means nothing.
    let refused = run_example("clinic", &["preview", "--yes"]);
    assert_eq!(refused.status.code(), Some(2));
}

#[tokio::test]
async fn outputs_and_up_hide_what_hipaa_stack_adds_for_itself_unless_all() {
    let moto = crate::moto::Moto::start();
    let env = moto.env();
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().to_str().unwrap();
    let internal = |text: &str| -> Vec<String> {
        text.lines()
            .map(str::trim)
            .filter(|l| l.starts_with("Export") || l.starts_with("HipaaStackTemplateSha256"))
            .map(ToOwned::to_owned)
            .collect()
    };
    let run = |args: &[&str]| {
        let output = crate::support::run_example_with_env("clinic", args, &env);
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    };

    let up = run(&["up", "--yes", "--out", dir]);
    assert!(up.contains("    RecordsBucket = "), "{up}");
    assert_eq!(internal(&up), Vec::<String>::new(), "{up}");

    let shown = run(&["outputs"]);
    assert!(shown.contains("    AuditLogGroup = "), "{shown}");
    assert_eq!(internal(&shown), Vec::<String>::new(), "{shown}");
    let json: serde_json::Value = serde_json::from_str(&run(&["outputs", "--json"])).unwrap();
    let security = json["clinic-security"].as_object().unwrap();
    assert!(security.keys().all(|k| !k.starts_with("Export")), "{json}");

    let all = run(&["outputs", "--all"]);
    let all = internal(&all);
    // The security stack exports the key and the log bucket to the data stack; each stack
    // records its template's hash.
    assert!(
        all.iter().any(|l| l.starts_with("Export6PhiKeyArn = arn:")),
        "{all:?}"
    );
    assert!(
        all.iter()
            .any(|l| l.starts_with("Export10AccessLogsRef = ")),
        "{all:?}"
    );
    assert_eq!(
        all.iter()
            .filter(|l| l.starts_with("HipaaStackTemplateSha256 = "))
            .count(),
        2,
        "{all:?}"
    );
}

#[tokio::test]
async fn destroy_warns_once_per_stack_about_exports_whose_importers_it_cannot_list() {
    use crate::deploy::{deployer, faulty, options, two_stacks};
    use crate::faults::Faults;
    let moto = crate::moto::Moto::start();
    // `shared` exports the key's ARN and the log bucket's name to `data`.
    let assembly = two_stacks(false, &[]);
    deployer(&moto, &assembly, options())
        .await
        .up()
        .await
        .unwrap();
    let faults = Faults {
        no_list_imports: true,
        ..Faults::default()
    };
    let d = faulty(&moto, &assembly, faults, options()).await;
    let done = d.destroy().await.unwrap();
    assert_eq!(done.deleted, ["data", "shared"]);
    assert_eq!(done.warnings.len(), 1, "{:?}", done.warnings);
    let warning = &done.warnings[0];
    assert!(
        warning.starts_with("shared: the endpoint cannot list the importers of 2 export(s) ("),
        "{warning}"
    );
    assert!(warning.contains("shared:PhiKey:Arn"), "{warning}");
    // Asked once: an endpoint without the operation is not asked again for each export.
    let asked = d
        .api()
        .log()
        .iter()
        .filter(|l| l.starts_with("ListImports"))
        .count();
    assert_eq!(asked, 1, "{:?}", d.api().log());
}

/// The names of the files in `dir`, sorted.
fn files_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

#[test]
fn synth_of_another_app_into_the_same_folder_leaves_only_its_own_files_and_the_users() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    stdout("clinic", &["synth", "--out", out]);
    assert_eq!(
        files_in(dir.path()),
        [
            "clinic-data.template.json",
            "clinic-security.template.json",
            "manifest.json"
        ]
    );
    // A file of the user's own, which no manifest lists, is never removed.
    std::fs::write(dir.path().join("NOTES.md"), "mine").unwrap();
    stdout("telehealth", &["synth", "--out", out]);
    assert_eq!(
        files_in(dir.path()),
        [
            "NOTES.md",
            "manifest.json",
            "telehealth-app.template.json",
            "telehealth-dr.template.json",
            "telehealth-network.template.json",
            "telehealth-security.template.json",
        ]
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["app"], "telehealth");
    // And back: the telehealth templates go, the clinic's come back.
    stdout("clinic", &["synth", "--out", out]);
    assert_eq!(
        files_in(dir.path()),
        [
            "NOTES.md",
            "clinic-data.template.json",
            "clinic-security.template.json",
            "manifest.json"
        ]
    );
}

#[cfg(unix)]
#[test]
fn synth_refuses_to_write_through_a_symbolic_link_planted_in_its_folder() {
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("authorized_keys");
    std::fs::write(&target, "ssh-ed25519 AAAA… admin").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let planted = dir.path().join("clinic-data.template.json");
    std::os::unix::fs::symlink(&target, &planted).unwrap();

    let run = run_example("clinic", &["synth", "--out", dir.path().to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("clinic-data.template.json"), "{stderr}");
    assert!(stderr.contains("symbolic link"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "ssh-ed25519 AAAA… admin"
    );
    assert!(
        std::fs::symlink_metadata(&planted)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    // No temporary file is left behind.
    assert!(
        files_in(dir.path()).iter().all(|f| !f.ends_with(".tmp")),
        "{:?}",
        files_in(dir.path())
    );
}

#[tokio::test]
async fn a_deploy_logged_at_trace_shows_every_api_call_and_no_credential() {
    let moto = crate::moto::Moto::start();
    // Distinct values, so that any trace of them in the logs is found.
    let secret_key = "hsSecretKeyValue7f3a9c1e";
    let session_token = "hsSessionTokenValue2b8d4e6f";
    let access_key = "AKIAHSACCESSKEY4C8E2";
    let mut env = moto.env();
    env.retain(|(k, _)| *k != "AWS_SECRET_ACCESS_KEY" && *k != "AWS_ACCESS_KEY_ID");
    env.push(("AWS_ACCESS_KEY_ID", access_key.to_owned()));
    env.push(("AWS_SECRET_ACCESS_KEY", secret_key.to_owned()));
    env.push(("AWS_SESSION_TOKEN", session_token.to_owned()));
    env.push(("RUST_LOG", "trace".to_owned()));
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().to_str().unwrap();

    let mut logs = String::new();
    for args in [
        &["up", "--yes", "--out", dir][..],
        &["outputs"][..],
        &["destroy", "--yes"][..],
    ] {
        let run = crate::support::run_example_with_env("clinic", args, &env);
        let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
        assert!(run.status.success(), "{args:?}: {stderr}");
        logs.push_str(&stderr);
    }
    assert!(
        !logs.contains(secret_key),
        "the secret key reached the logs"
    );
    assert!(
        !logs.contains(session_token),
        "the session token reached the logs"
    );
    assert!(
        !logs.contains(access_key),
        "the access key id reached the logs"
    );
    // Nor the signature, nor what was sent: no template body, no request parameters.
    assert!(!logs.contains("Signature="), "a signature reached the logs");
    assert!(!logs.contains("AWSTemplateFormatVersion"));
    assert!(!logs.contains("TemplateBody"));
    assert!(!logs.contains("x-amz-security-token"));

    // Every call: its service, operation, region, latency, status and request id.
    let calls: Vec<&str> = logs
        .lines()
        .filter(|l| l.contains("hipaa_stack::aws: aws call"))
        .collect();
    for operation in [
        "CreateChangeSet",
        "ExecuteChangeSet",
        "DescribeStacks",
        "DeleteStack",
        "GetCallerIdentity",
    ] {
        assert!(
            calls
                .iter()
                .any(|l| l.contains(&format!("operation=\"{operation}\""))),
            "no logged call of {operation}"
        );
    }
    for call in &calls {
        assert!(call.contains("region=\"us-east-1\""), "{call}");
        assert!(call.contains("latency_ms="), "{call}");
        assert!(call.contains("attempt=1"), "{call}");
        let id = call
            .split("request_id=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_default();
        assert!(!id.is_empty(), "no request id: {call}");
    }
    // Each stack's deploy is a span.
    assert!(
        logs.contains("stack{action=\"deploy\" stack=\"clinic-data\" region=\"us-east-1\"}"),
        "no span of the data stack's deploy"
    );
}

#[tokio::test]
async fn log_format_json_writes_one_json_object_per_line() {
    let moto = crate::moto::Moto::start();
    let env = moto.env();
    let out = tempfile::tempdir().unwrap();
    let run = crate::support::run_example_with_env(
        "clinic",
        &[
            "preview",
            "-vv",
            "--log-format",
            "json",
            "--stack",
            "clinic-security",
        ],
        &env,
    );
    drop(out);
    let stderr = String::from_utf8_lossy(&run.stderr);
    let events: Vec<serde_json::Value> = stderr
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let call = events
        .iter()
        .find(|e| e["fields"]["operation"] == "CreateChangeSet")
        .unwrap_or_else(|| panic!("no CreateChangeSet event in {stderr}"));
    assert_eq!(call["target"], "hipaa_stack::aws");
    assert_eq!(call["fields"]["service"], "CloudFormation");
    assert!(call["fields"]["latency_ms"].is_number(), "{call}");
    assert!(
        call["fields"]["request_id"]
            .as_str()
            .is_some_and(|id| !id.is_empty())
    );
    assert!(
        events
            .iter()
            .any(|e| e["span"]["name"] == "synth" || e["target"] == "hipaa_stack::synth")
    );
}

#[test]
fn without_v_or_rust_log_nothing_is_logged() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_example("clinic", &["synth", "--out", dir.path().to_str().unwrap()]);
    assert!(run.status.success());
    assert_eq!(String::from_utf8_lossy(&run.stderr), "");
    let run = run_example(
        "clinic",
        &["synth", "-vv", "--out", dir.path().to_str().unwrap()],
    );
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("hipaa_stack::synth: synthesized"),
        "{stderr}"
    );
}

/// The lines of standard output as JSON events; each line must be one.
fn events(output: &std::process::Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not one JSON event: {e}: {l}")))
        .collect()
}

fn named<'a>(events: &'a [serde_json::Value], name: &str) -> Vec<&'a serde_json::Value> {
    events.iter().filter(|e| e["event"] == name).collect()
}

/// `up --json` prints each step as it happens: the first event is on standard output while
/// the program still runs, and the events come in the order of the deploy (each stack
/// planned, then deployed wave by wave, its resources' statuses read from CloudFormation's
/// events in between), then the end-of-run events; `destroy --json` likewise.
#[tokio::test]
async fn up_and_destroy_json_events_arrive_as_each_step_happens() {
    use std::io::BufRead as _;
    let moto = crate::moto::Moto::start();
    let env = moto.env();
    let out = tempfile::tempdir().unwrap();
    let live = |args: &[&str]| -> (Vec<serde_json::Value>, bool, std::process::ExitStatus) {
        let mut command = std::process::Command::new(crate::support::example_binary("clinic"));
        command.args(args);
        for (k, _) in std::env::vars() {
            if k.starts_with("AWS_") {
                command.env_remove(k);
            }
        }
        command.envs(env.iter().map(|(k, v)| (k, v)));
        command.stdout(std::process::Stdio::piped());
        command.stderr(std::process::Stdio::null());
        let mut child = command.spawn().expect("clinic starts");
        let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().expect("an event").expect("a line");
        // The first event is read while the program still works: it was flushed when it
        // happened, not at the end.
        let running = child.try_wait().expect("the child is polled").is_none();
        let mut events = vec![serde_json::from_str(&first).expect("one JSON event")];
        for line in lines {
            events.push(serde_json::from_str(&line.expect("a line")).expect("one JSON event"));
        }
        (events, running, child.wait().expect("clinic ends"))
    };
    let position = |e: &[serde_json::Value], event: &str, stack: &str, action: Option<&str>| {
        e.iter()
            .position(|x| {
                x["event"] == event
                    && x["stack"] == stack
                    && action.is_none_or(|a| x["action"] == a)
            })
            .unwrap_or_else(|| panic!("no {event} {action:?} of {stack}: {e:#?}"))
    };

    let (e, running, status) = live(&[
        "up",
        "--yes",
        "--json",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(status.success(), "{e:#?}");
    assert!(running, "the first event came only at the end: {e:#?}");
    assert_eq!(e[0]["event"], "started", "{e:#?}");
    for stack in ["clinic-security", "clinic-data"] {
        let planned = position(&e, "finished", stack, Some("plan"));
        let started = position(&e, "started", stack, Some("deploy"));
        let finished = position(&e, "finished", stack, Some("deploy"));
        let deployed = position(&e, "deployed", stack, None);
        assert!(position(&e, "started", stack, Some("plan")) < planned);
        assert!(
            planned < started && started < finished && finished < deployed,
            "{e:#?}"
        );
        assert_eq!(e[finished]["ok"], true);
        // Between its start and its end: the stack's statuses and its resources' events.
        let between = &e[started..finished];
        assert!(
            between
                .iter()
                .any(|x| x["event"] == "status" && x["stack"] == stack),
            "{e:#?}"
        );
        assert!(
            between.iter().any(|x| x["event"] == "resource"
                && x["stack"] == stack
                && x["status"] == "CREATE_COMPLETE"),
            "{e:#?}"
        );
    }
    // Wave by wave: the data stack starts once the security stack is done.
    assert!(
        position(&e, "finished", "clinic-security", Some("deploy"))
            < position(&e, "started", "clinic-data", Some("deploy"))
    );
    let records = e
        .iter()
        .find(|x| x["event"] == "resource" && x["logicalId"] == "PatientRecords")
        .expect("the records bucket's events");
    assert_eq!(records["type"], "AWS::S3::Bucket");
    assert_eq!(e.last().unwrap()["event"], "result");

    let (e, running, status) = live(&["destroy", "--yes", "--json"]);
    assert!(status.success(), "{e:#?}");
    assert!(running, "{e:#?}");
    let data = position(&e, "finished", "clinic-data", Some("destroy"));
    assert!(position(&e, "started", "clinic-data", Some("destroy")) < data);
    assert!(data < position(&e, "started", "clinic-security", Some("destroy")));
    assert!(data < position(&e, "deleted", "clinic-data", None));
    assert_eq!(e.last().unwrap()["exit"], 0);
}

#[tokio::test]
async fn preview_up_and_destroy_print_one_json_event_per_line() {
    let moto = crate::moto::Moto::start();
    let env = moto.env();
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().to_str().unwrap();
    let run = |args: &[&str]| crate::support::run_example_with_env("clinic", args, &env);

    let preview = run(&["preview", "--json"]);
    assert_eq!(preview.status.code(), Some(6), "{preview:?}");
    let e = events(&preview);
    let plans = named(&e, "plan");
    assert_eq!(plans.len(), 2, "{e:?}");
    assert_eq!(plans[0]["stack"], "clinic-security");
    assert_eq!(plans[0]["state"], "create");
    assert!(
        plans[1]["changes"]
            .as_array()
            .is_some_and(|c| !c.is_empty())
    );
    // What `up` checks after the deploy (rules E14 and L4), as the text plan says it.
    let steps: Vec<&str> = plans
        .iter()
        .flat_map(|p| p["postDeploy"].as_array().unwrap())
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(steps.iter().any(|s| s.contains("(rule E14)")), "{steps:?}");
    assert!(steps.iter().any(|s| s.contains("(rule L4)")), "{steps:?}");
    assert_eq!(
        e.last().unwrap(),
        &serde_json::json!({ "event": "result", "command": "preview", "exit": 6 })
    );

    let up = run(&["up", "--yes", "--json", "--out", dir]);
    assert!(up.status.success(), "{up:?}");
    let e = events(&up);
    let deployed = named(&e, "deployed");
    assert_eq!(deployed.len(), 2, "{e:?}");
    assert_eq!(deployed[1]["stack"], "clinic-data");
    assert_eq!(deployed[1]["state"], "created");
    assert_eq!(deployed[1]["region"], "us-east-1");
    assert!(deployed[1]["outputs"]["RecordsBucket"].is_string(), "{e:?}");
    assert!(
        deployed[0]["outputs"]
            .as_object()
            .unwrap()
            .keys()
            .all(|k| !k.starts_with("Export"))
    );
    assert_eq!(named(&e, "written")[0]["out"], dir);
    assert_eq!(e.last().unwrap()["event"], "result");
    assert_eq!(e.last().unwrap()["exit"], 0);

    // A destroy that cannot ask (no terminal, no --yes): an error event, then the result.
    let declined = run(&["destroy", "--json"]);
    assert_eq!(declined.status.code(), Some(11));
    let e = events(&declined);
    assert_eq!(e.len(), 2, "{e:?}");
    assert_eq!(e[0]["event"], "error");
    assert_eq!(e[0]["exit"], 11);
    assert!(
        e[0]["message"].as_str().unwrap().contains("destroy"),
        "{e:?}"
    );
    assert_eq!(
        e[1],
        serde_json::json!({ "event": "result", "command": "destroy", "exit": 11 })
    );

    let destroy = run(&["destroy", "--yes", "--json"]);
    assert!(destroy.status.success(), "{destroy:?}");
    let e = events(&destroy);
    let deleted: Vec<&str> = named(&e, "deleted")
        .iter()
        .map(|d| d["stack"].as_str().unwrap())
        .collect();
    assert_eq!(deleted, ["clinic-data", "clinic-security"]);
    let retained = named(&e, "retained");
    assert!(
        retained
            .iter()
            .any(|r| r["phi"] == true && r["type"] == "AWS::S3::Bucket"),
        "{e:?}"
    );
    // Each kept resource once.
    let mut ids: Vec<String> = retained
        .iter()
        .map(|r| format!("{}/{}", r["stack"], r["logicalId"]))
        .collect();
    let count = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), count, "{e:?}");
    assert_eq!(e.last().unwrap()["exit"], 0);
}

#[test]
fn report_summary_counts_the_proofs_that_the_full_report_lists() {
    let dir = tempfile::tempdir().unwrap();
    let full = dir.path().join("full");
    let summary = dir.path().join("summary");
    stdout(
        "clinic",
        &["report", "--full", "--out", full.to_str().unwrap()],
    );
    stdout(
        "clinic",
        &["report", "--summary", "--out", summary.to_str().unwrap()],
    );
    let read = |dir: &std::path::Path| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap()
    };
    let (full, summary) = (read(&full), read(&summary));
    assert_eq!(full["evidence"], "full");
    assert_eq!(summary["evidence"], "summary");
    assert_eq!(full["summary"], summary["summary"]);
    assert_eq!(full["gaps"], summary["gaps"]);
    assert_eq!(full["waivers"], summary["waivers"]);
    let rules = |report: &serde_json::Value| -> Vec<(String, u64, usize)> {
        report["controls"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|c| c["rules"].as_array().unwrap().iter())
            .map(|r| {
                (
                    r["id"].as_str().unwrap().to_owned(),
                    r["proofs"].as_u64().unwrap(),
                    r["enforced"].as_array().unwrap().len(),
                )
            })
            .collect()
    };
    let (full, summary) = (rules(&full), rules(&summary));
    assert_eq!(full.len(), summary.len());
    assert!(full.iter().any(|(_, proofs, _)| *proofs > 0));
    for ((id, proofs, rows), (sid, sproofs, srows)) in full.iter().zip(&summary) {
        assert_eq!((id, proofs), (sid, sproofs));
        assert_eq!(*proofs as usize, *rows, "{id}");
        assert_eq!(*srows, 0, "{id}");
    }
}

#[test]
fn a_json_command_that_fails_before_it_starts_still_ends_with_its_result_event() {
    let run = run_example("clinic", &["up", "--json", "--yes", "--stack", "nope"]);
    assert_eq!(run.status.code(), Some(2));
    let e = events(&run);
    assert_eq!(e.len(), 2, "{e:?}");
    assert_eq!(e[0]["event"], "error");
    assert!(
        e[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("the app has no stack `nope`"),
        "{e:?}"
    );
    assert_eq!(
        e[1],
        serde_json::json!({ "event": "result", "command": "up", "exit": 2 })
    );
    assert!(String::from_utf8_lossy(&run.stderr).contains("error: the app has no stack `nope`"));
}

#[test]
fn synth_with_more_or_low_memory_writes_the_same_files() {
    let dir = tempfile::tempdir().unwrap();
    let (fast, low, default) = (
        dir.path().join("fast"),
        dir.path().join("low"),
        dir.path().join("default"),
    );
    for example in ["telehealth", "clinic"] {
        stdout(
            example,
            &["synth", "--more-memory", "--out", fast.to_str().unwrap()],
        );
        stdout(
            example,
            &["synth", "--low-memory", "--out", low.to_str().unwrap()],
        );
        stdout(example, &["synth", "--out", default.to_str().unwrap()]);
        let names = files_in(&fast);
        assert!(names.len() > 2, "{example}: {names:?}");
        for other in [&low, &default] {
            assert_eq!(files_in(other), names, "{example}");
            for name in &names {
                assert_eq!(
                    std::fs::read(other.join(name)).unwrap(),
                    std::fs::read(fast.join(name)).unwrap(),
                    "{example}: {name}"
                );
            }
        }
    }
    // The two flags say opposite things: the command line is refused.
    let both = run_example("telehealth", &["synth", "--more-memory", "--low-memory"]);
    assert_eq!(both.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&both.stderr).contains("cannot be used with"));
}

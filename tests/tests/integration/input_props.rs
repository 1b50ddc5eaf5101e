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

//! Attempts of a hostile review to get a non-compliant template past both the compiler and
//! `check` through the typed API (no `RawResource`, no `unsafe`): each must be refused when
//! the construct is added, or fail a rule at synth. (Attempts that rustc refuses are
//! compile-fail cases in `tests/compile-fail/tests/ui/refuse/`; escape-hatch spellings are in
//! `tests/corpora/spellings.json`.)

use crate::compliance::{Status, Waiver, rule};
use crate::prelude::*;

/// What became of an attempt.
#[derive(Debug, PartialEq)]
enum Fate {
    /// `Stack::add` (or `app.waive`) returned an error.
    Refused(String),
    /// `check` failed these rules.
    Failed(Vec<&'static str>),
    /// Nothing stopped it.
    Accepted,
}

fn fate(app: &App, added: crate::Result<()>) -> Fate {
    if let Err(e) = added {
        return Fate::Refused(e.to_string());
    }
    let assembly = match app.check() {
        Ok(a) => a,
        Err(e) => return Fate::Refused(e.to_string()),
    };
    let failed: Vec<&'static str> = assembly
        .evaluation()
        .results
        .iter()
        .filter(|c| matches!(c.status, Status::Failed { .. }))
        .map(|c| c.rule)
        .collect();
    if failed.is_empty() {
        Fate::Accepted
    } else {
        Fate::Failed(failed)
    }
}

fn network(app: &App) -> (Stack<'_>, Handle<KmsKey>, Handle<SecureVpc>) {
    let s = app.stack("s").unwrap();
    let key = s.add(KmsKey::new("PhiKey")).unwrap();
    let net = s
        .add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))
        .unwrap();
    (s, key, net)
}

fn refused(f: Fate, says: &str) {
    match f {
        Fate::Refused(e) => assert!(e.contains(says), "refused, but: {e}"),
        other => panic!("not refused ({says}): {other:?}"),
    }
}

#[test]
fn addresses_made_at_run_time_are_judged_like_literals() {
    // SSH from the internet, the range parsed at run time.
    let app = App::new("a");
    let (s, _, net) = network(&app);
    let added = s
        .add(SecurityGroup::new("G", &net).description("g").ingress(
            Tcp::<22>,
            Cidr::parse("0.0.0.0/0").unwrap(),
            "ssh",
        ))
        .map(drop);
    refused(fate(&app, added), "to the internet");
    // A public range, halves of the internet, a shared range, IPv6: outside the VPC.
    for text in [
        "8.8.8.0/24",
        "0.0.0.0/1",
        "128.0.0.0/1",
        "100.64.0.0/10",
        "2000::/3",
    ] {
        let app = App::new("a");
        let (s, _, net) = network(&app);
        let added = s
            .add(SecurityGroup::new("G", &net).description("g").ingress(
                AllTraffic,
                Cidr::parse(text).unwrap(),
                "all",
            ))
            .map(drop);
        match fate(&app, added) {
            Fate::Refused(_) => {}
            other => panic!("{text}: {other:?}"),
        }
    }
    // Every port to the internet as egress, written as a range.
    let app = App::new("a");
    let (s, _, net) = network(&app);
    let added = s
        .add(SecurityGroup::new("G", &net).description("g").egress(
            AllTraffic,
            Cidr::parse("0.0.0.0/0").unwrap(),
            "e",
        ))
        .map(drop);
    refused(fate(&app, added), "the internet");
}

#[test]
fn principals_made_at_run_time_are_checked() {
    for trusted in [
        Trusted::account("*"),
        Trusted::account(" 123456789012"),
        Trusted::role_arn("*"),
        Trusted::role_arn("arn:aws:iam::*:role/*"),
    ] {
        let app = App::new("a");
        let s = app.stack("s").unwrap();
        let added = s.add(Role::new("R", trusted)).map(drop);
        refused(fate(&app, added), "rule I8");
    }
}

#[test]
fn rotation_functions_made_at_run_time_are_checked() {
    for function in [
        "my-bucket",
        "arn:aws:s3:::my-bucket",
        "arn:aws:lambda:us-east-1:1:layer:x",
    ] {
        let app = App::new("a");
        let s = app.stack("s").unwrap();
        let key = s.add(KmsKey::new("K")).unwrap();
        let added = s
            .add(
                Secret::new("S")
                    .encryption(&key)
                    .rotation(function.to_owned(), days!(30)),
            )
            .map(drop);
        refused(fate(&app, added), "not the ARN of a Lambda function");
    }
}

#[test]
fn settings_made_at_run_time_are_checked() {
    let app = App::new("a");
    let (s, key, net) = network(&app);
    let added = s
        .add(
            EncryptedDatabase::postgres("Db")
                .encryption(&key)
                .network(&net)
                .instance_class("db.t2.micro".to_owned()),
        )
        .map(drop);
    refused(fate(&app, added), "cannot encrypt");
    let app = App::new("a");
    let (s, key, net) = network(&app);
    let added = s
        .add(
            EncryptedDatabase::postgres("Db")
                .encryption(&key)
                .network(&net)
                .storage_gib(0),
        )
        .map(drop);
    refused(fate(&app, added), "outside RDS's range");
}

#[test]
fn secret_attributes_never_reach_readable_places() {
    // An alarm dimension, user data and an output, each from an access key's secret or a
    // parameter's value.
    let app = App::new("a");
    let s = app.stack("s").unwrap();
    let key = s.add(KmsKey::new("K")).unwrap();
    let topic = s.add(AlarmTopic::new("T").encryption(&key)).unwrap();
    let access = s
        .add(RawResource::new("AK", "AWS::IAM::AccessKey").property("UserName", "u"))
        .unwrap();
    let added = s
        .add(
            Alarm::new(
                "A",
                AlarmMetric::new("x", "y").dimension("k", access.attribute("SecretAccessKey")),
            )
            .notify(&topic),
        )
        .map(drop);
    refused(fate(&app, added), "may hold a secret");

    let app = App::new("a");
    let s = app.stack("s").unwrap();
    let parameter = s
        .add(
            RawResource::new("P", "AWS::SSM::Parameter")
                .property("Type", "String")
                .property("Value", "x"),
        )
        .unwrap();
    let added = s.output("X", parameter.attribute("Value"));
    refused(fate(&app, added), "may hold a secret");
}

#[test]
fn waivers_cannot_come_from_another_app_or_without_a_reason() {
    let other = App::new("other");
    let foreign = other
        .stack("s")
        .unwrap()
        .add(RawResource::new("X", "AWS::SQS::Queue"))
        .unwrap();
    let app = App::new("a");
    let s = app.stack("s").unwrap();
    s.add(RawResource::new("X", "AWS::SQS::Queue")).unwrap();
    // A handle of another app with the same index does not waive this app's resource.
    let waived = app.waive(Waiver::new(rule::A1, &foreign, "a reason an auditor reads"));
    refused(fate(&app, waived.map(drop)), "belongs to another app");
    let bucket = s.add(RawResource::new("B", "AWS::S3::Bucket")).unwrap();
    let waived = app.waive(Waiver::never_holds_phi(&bucket, "no phi"));
    refused(fate(&app, waived.map(drop)), "write the reason");
}

#[test]
fn a_waiver_of_u1_does_not_admit_a_nested_template() {
    // A stack set deploys a template no rule reads: U2, which accepts no waiver, not U1.
    let app = App::new("a");
    let s = app.stack("s").unwrap();
    let set = s
        .add(
            RawResource::new("Set", "AWS::CloudFormation::StackSet")
                .property("StackSetName", "x")
                .property("PermissionModel", "SELF_MANAGED")
                .property(
                    "TemplateBody",
                    "{\"Resources\":{\"B\":{\"Type\":\"AWS::S3::Bucket\"}}}",
                ),
        )
        .unwrap();
    app.waive(Waiver::new(
        rule::U1,
        &set,
        "the stack set only deploys a read-only role to member accounts",
    ))
    .unwrap();
    assert_eq!(fate(&app, Ok(())), Fate::Failed(vec!["U2"]));
}

/// A web tier of `app` in stack `s`: key, logs, public VPC, group, role, instance group.
struct Tier {
    key: Handle<KmsKey>,
    logs: Handle<AccessLogBucket>,
    net: Handle<crate::PublicVpc>,
    sg: Handle<SecurityGroup>,
    role: Handle<Role>,
    web: Handle<crate::SecureInstanceGroup>,
    cert: Handle<crate::Certificate>,
}

fn tier(s: &Stack<'_>) -> Tier {
    let key = s.add(KmsKey::new("PhiKey")).unwrap();
    let logs = s.add(AccessLogBucket::new("AccessLogs")).unwrap();
    let net = s
        .add(
            SecureVpc::new("Net", cidr!("10.20.0.0/16"))
                .encryption(&key)
                .public_tier(),
        )
        .unwrap();
    let sg = s
        .add(SecurityGroup::new("AppSg", &net).description("servers"))
        .unwrap();
    let role = s.add(Role::new("AppRole", ServicePrincipal::Ec2)).unwrap();
    let web = s
        .add(
            crate::SecureInstanceGroup::new("Web", crate::Ami::id("ami-0123456789abcdef0"))
                .encryption(&key)
                .network(&net)
                .role(&role)
                .security_group(&sg),
        )
        .unwrap();
    let cert = s
        .add(crate::Certificate::dns("Cert", "portal.example.org"))
        .unwrap();
    Tier {
        key,
        logs,
        net,
        sg,
        role,
        web,
        cert,
    }
}

/// An attempt to add a construct to a stack of a tier.
type Attempt<'t> = Box<dyn Fn(&Stack<'_>, &Tier) -> crate::Result<()> + 't>;

#[test]
fn handles_of_another_app_never_reach_the_new_constructs() {
    use crate::{PublicLoadBalancer, SecureInstanceGroup, TlsPolicy};
    // A twin app with the same constructs in the same order: every handle has the index of
    // one of this app's.
    let twin = App::new("twin");
    let theirs = tier(&twin.stack("s").unwrap());
    let attempts: Vec<Attempt<'_>> = vec![
        Box::new(|s, ours| {
            s.add(
                PublicLoadBalancer::new("Front", &ours.net)
                    .encryption(&ours.key)
                    .access_logs(&ours.logs)
                    .https(&theirs.cert, TlsPolicy::default())
                    .target(&ours.web),
            )
            .map(drop)
        }),
        Box::new(|s, ours| {
            s.add(
                PublicLoadBalancer::new("Front", &ours.net)
                    .encryption(&ours.key)
                    .access_logs(&ours.logs)
                    .https(&ours.cert, TlsPolicy::default())
                    .target(&theirs.web),
            )
            .map(drop)
        }),
        Box::new(|s, ours| {
            s.add(
                PublicLoadBalancer::new("Front", &theirs.net)
                    .encryption(&ours.key)
                    .access_logs(&theirs.logs)
                    .https(&ours.cert, TlsPolicy::default()),
            )
            .map(drop)
        }),
        Box::new(|s, ours| {
            s.add(
                SecureInstanceGroup::new("Web2", crate::Ami::id("ami-0123456789abcdef0"))
                    .encryption(&ours.key)
                    .network(&ours.net)
                    .role(&theirs.role)
                    .security_group(&ours.sg),
            )
            .map(drop)
        }),
        Box::new(|s, ours| {
            s.add(
                SecureInstanceGroup::new("Web2", crate::Ami::id("ami-0123456789abcdef0"))
                    .encryption(&ours.key)
                    .network(&ours.net)
                    .role(&ours.role)
                    .security_group(&theirs.sg),
            )
            .map(drop)
        }),
        Box::new(|s, _| {
            s.add(crate::SessionManagerPreferences::new("Prefs").encryption(&theirs.key))
                .map(drop)
        }),
        Box::new(|s, ours| {
            s.add(
                SecureBucket::new("Records")
                    .encryption(&ours.key)
                    .access_logs(&theirs.logs),
            )
            .map(drop)
        }),
    ];
    for (i, attempt) in attempts.iter().enumerate() {
        let app = App::new("a");
        let s = app.stack("s").unwrap();
        let ours = tier(&s);
        match fate(&app, attempt(&s, &ours)) {
            Fate::Refused(e) => assert!(e.contains("another app"), "attempt {i}: {e}"),
            other => panic!("attempt {i} not refused: {other:?}"),
        }
    }
}

#[test]
fn copies_to_another_app_are_refused() {
    let twin = App::new("twin");
    let west = twin
        .stack_in("west", crate::Region::new("us-west-2").unwrap())
        .unwrap();
    let their_key = west.add(KmsKey::new("PhiKey")).unwrap();
    let their_logs = west.add(AccessLogBucket::new("AccessLogs")).unwrap();
    let their_copy = west
        .add(
            SecureBucket::new("Copy")
                .encryption(&their_key)
                .access_logs(&their_logs),
        )
        .unwrap();
    let their_vault = west
        .add(crate::BackupVault::new("Vault").encryption(&their_key))
        .unwrap();
    let app = App::new("a");
    let s = app.stack("s").unwrap();
    let key = s.add(KmsKey::new("PhiKey")).unwrap();
    let logs = s.add(AccessLogBucket::new("AccessLogs")).unwrap();
    let added = s
        .add(
            SecureBucket::new("Records")
                .encryption(&key)
                .access_logs(&logs)
                .replicate_to(&their_copy),
        )
        .map(drop);
    refused(fate(&app, added), "another app");
    let app = App::new("a");
    let s = app.stack("s").unwrap();
    let key = s.add(KmsKey::new("PhiKey")).unwrap();
    let added = s
        .add(
            crate::BackupPlan::new("Daily")
                .encryption(&key)
                .copy_to(&their_vault),
        )
        .map(drop);
    refused(fate(&app, added), "another app");
}

#[test]
fn secrets_in_waiver_reasons_are_found() {
    use crate::{PublicLoadBalancer, TlsPolicy};
    // A waiver's reason, text made at run time, is written in the template's metadata.
    let app = App::new("a");
    let s = app.stack("s").unwrap();
    let function = s
        .add(RawResource::new("F", "AWS::Lambda::Function"))
        .unwrap();
    let reason = format!("the function logs in with DB_PASSWORD={}", "hunter2");
    app.waive(Waiver::new(rule::A1, &function, reason)).unwrap();
    match fate(&app, Ok(())) {
        Fate::Failed(rules) => assert!(rules.contains(&"P1"), "{rules:?}"),
        other => panic!("not failed: {other:?}"),
    }
    // The reason of a typed waiver, and a URL with a password.
    let app = App::new("a");
    let s = app.stack("s").unwrap();
    let ours = tier(&s);
    let added = s
        .add(
            PublicLoadBalancer::new("Front", &ours.net)
                .encryption(&ours.key)
                .access_logs(&ours.logs)
                .https(&ours.cert, TlsPolicy::default())
                .target(&ours.web)
                .plain_http_to_targets("the appliance is reached at http://admin:hunter2@10.0.0.5"),
        )
        .map(drop);
    match fate(&app, added) {
        Fate::Failed(rules) => assert!(rules.contains(&"P1"), "{rules:?}"),
        other => panic!("not failed: {other:?}"),
    }
}

#[test]
fn the_serverless_constructs_carry_no_secret_and_no_handle_of_another_app() {
    use crate::{Code, Function, KeyType, SecureQueue, SecureTable};
    struct Serverless {
        key: Handle<KmsKey>,
        net: Handle<SecureVpc>,
        queue: Handle<SecureQueue>,
        function: Handle<Function>,
        table: Handle<SecureTable>,
    }
    fn build(s: &Stack<'_>) -> Serverless {
        let key = s.add(KmsKey::new("PhiKey")).unwrap();
        let net = s
            .add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))
            .unwrap();
        let queue = s.add(SecureQueue::new("Jobs").encryption(&key)).unwrap();
        let function = s
            .add(
                Function::new("Worker", Code::zip("target/lambda/worker.zip"))
                    .encryption(&key)
                    .network(&net),
            )
            .unwrap();
        let table = s
            .add(SecureTable::new("Docs", "id", KeyType::String).encryption(&key))
            .unwrap();
        Serverless {
            key,
            net,
            queue,
            function,
            table,
        }
    }
    let twin = App::new("twin");
    let theirs = build(&twin.stack("s").unwrap());
    type Try<'t> = Box<dyn Fn(&Stack<'_>, &Serverless) -> crate::Result<()> + 't>;
    let env = |name: &'static str, value: &'static str| -> Try<'_> {
        Box::new(move |s, o| {
            s.add(
                Function::new("F2", Code::zip("target/lambda/worker.zip"))
                    .encryption(&o.key)
                    .network(&o.net)
                    .env(name, value),
            )
            .map(drop)
        })
    };
    let attempts: Vec<(&str, Try<'_>)> = vec![
        ("env password", env("DB_PASSWORD", "hunter2hunter2")),
        (
            "env url",
            env("DATABASE_URL", "postgres://app:S3cretPass@db.internal/phi"),
        ),
        (
            "env resolve",
            env(
                "CONFIG",
                "{{resolve:secretsmanager:prod/db:SecretString:password}}",
            ),
        ),
        (
            "env assignment",
            env("SETTINGS", "user=app;password=hunter2hunter2"),
        ),
        (
            "env aws secret key",
            env(
                "AWS_SECRET_ACCESS_KEY",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            ),
        ),
        ("env lower name", env("db_pass", "Tr0ub4dor&3xyzzy")),
        (
            "env private key",
            env(
                "TLS_KEY",
                "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----",
            ),
        ),
        (
            "env bearer",
            env(
                "AUTH_HEADER",
                "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc123def456",
            ),
        ),
        (
            "env api key github",
            env("GH", "ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
        ),
        (
            "env stripe",
            env("PAYMENTS", "sk_live_abcdefghijklmnopqrstuvwx"),
        ),
        (
            "env cmd flag",
            env("CMD", "mysql -u root -pHunter2pass phi"),
        ),
        (
            "env ssm resolve",
            env("X", "{{resolve:ssm-secure:/db/password}}"),
        ),
        (
            "their key",
            Box::new(|s, o| {
                s.add(
                    Function::new("F2", Code::zip("target/lambda/worker.zip"))
                        .encryption(&theirs.key)
                        .network(&o.net),
                )
                .map(drop)
            }),
        ),
        (
            "their net",
            Box::new(|s, o| {
                s.add(
                    Function::new("F2", Code::zip("target/lambda/worker.zip"))
                        .encryption(&o.key)
                        .network(&theirs.net),
                )
                .map(drop)
            }),
        ),
        (
            "their function trigger",
            Box::new(|s, o| s.add(o.queue.trigger("T", &theirs.function)).map(drop)),
        ),
        (
            "their queue trigger",
            Box::new(|s, o| s.add(theirs.queue.trigger("T", &o.function)).map(drop)),
        ),
        (
            "their queue notify",
            Box::new(|s, o| {
                s.add(
                    SecureBucket::new("B")
                        .encryption(&o.key)
                        .access_logs(&s.add(AccessLogBucket::new("L")).unwrap())
                        .notify(&theirs.queue),
                )
                .map(drop)
            }),
        ),
        (
            "their function notify",
            Box::new(|s, o| {
                s.add(
                    SecureBucket::new("B")
                        .encryption(&o.key)
                        .access_logs(&s.add(AccessLogBucket::new("L")).unwrap())
                        .notify(&theirs.function),
                )
                .map(drop)
            }),
        ),
        (
            "grant on their table",
            Box::new(|s, o| s.add(theirs.table.grant_read("G", &o.function)).map(drop)),
        ),
        (
            "grant their function on our table",
            Box::new(|s, o| s.add(o.table.grant_write("G", &theirs.function)).map(drop)),
        ),
        (
            "grant invoke their function",
            Box::new(|s, _| {
                let r = s.add(Role::new("R", ServicePrincipal::Ec2)).unwrap();
                s.add(theirs.function.grant_invoke("G", &r)).map(drop)
            }),
        ),
        (
            "env reference their table",
            Box::new(|s, o| {
                s.add(
                    Function::new("F2", Code::zip("target/lambda/worker.zip"))
                        .encryption(&o.key)
                        .network(&o.net)
                        .env_reference("T", theirs.table.name()),
                )
                .map(drop)
            }),
        ),
        (
            "queue visibility huge",
            Box::new(|s, o| {
                s.add(
                    SecureQueue::new("Q2")
                        .encryption(&o.key)
                        .visibility_timeout_seconds(u32::MAX),
                )
                .map(drop)
            }),
        ),
        (
            "queue max receives 0",
            Box::new(|s, o| {
                s.add(SecureQueue::new("Q2").encryption(&o.key).max_receives(0))
                    .map(drop)
            }),
        ),
        (
            "table name arn",
            Box::new(|s, o| {
                s.add(
                    SecureTable::new("T2", "id", KeyType::String)
                        .encryption(&o.key)
                        .name("arn:aws:dynamodb:us-east-1:999999999999:table/theirs"),
                )
                .map(drop)
            }),
        ),
        (
            "table partition empty",
            Box::new(|s, o| {
                s.add(SecureTable::new("T2", "", KeyType::String).encryption(&o.key))
                    .map(drop)
            }),
        ),
        (
            "function memory 0",
            Box::new(|s, o| {
                s.add(
                    Function::new("F2", Code::zip("target/lambda/worker.zip"))
                        .encryption(&o.key)
                        .network(&o.net)
                        .memory_mb(0),
                )
                .map(drop)
            }),
        ),
        (
            "function concurrency 0",
            Box::new(|s, o| {
                s.add(
                    Function::new("F2", Code::zip("target/lambda/worker.zip"))
                        .encryption(&o.key)
                        .network(&o.net)
                        .reserved_concurrency(0),
                )
                .map(drop)
            }),
        ),
        (
            "code cargo bin weird",
            Box::new(|s, o| {
                s.add(
                    Function::new("F2", Code::cargo_bin("x; rm -rf /"))
                        .encryption(&o.key)
                        .network(&o.net),
                )
                .map(drop)
            }),
        ),
        (
            "secret weak",
            Box::new(|s, o| {
                s.add(
                    crate::Secret::new("S")
                        .encryption(&o.key)
                        .rotation(
                            "arn:aws:lambda:us-east-1:${AWS::AccountId}:function:rotate",
                            days!(30),
                        )
                        .password_length(4),
                )
                .map(drop)
            }),
        ),
        (
            "secret username password",
            Box::new(|s, o| {
                s.add(
                    crate::Secret::new("S")
                        .encryption(&o.key)
                        .rotation(
                            "arn:aws:lambda:us-east-1:${AWS::AccountId}:function:rotate",
                            days!(30),
                        )
                        .username("admin:password=hunter2hunter2"),
                )
                .map(drop)
            }),
        ),
    ];
    for (name, attempt) in &attempts {
        let app = App::new("a");
        let s = app.stack("s").unwrap();
        let ours = build(&s);
        match fate(&app, attempt(&s, &ours)) {
            Fate::Failed(rules) if name.starts_with("env") || name.starts_with("secret") => {
                assert!(rules.contains(&"P1"), "{name}: {rules:?}");
            }
            Fate::Refused(e) if name.contains("their") => {
                assert!(e.contains("another app"), "{name}: {e}");
            }
            Fate::Refused(e) => assert!(e.contains("is invalid"), "{name}: {e}"),
            other => panic!("{name} got through: {other:?}"),
        }
    }
}

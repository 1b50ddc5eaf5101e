//! Environments (`app.environment(..)`): one program declares staging and production, each
//! bound to an account and a region; `up` deploys the one it is asked for, into the account
//! it declares, and refuses credentials of any other account before it changes anything.
//!
//! moto keeps one set of resources per account and answers `GetCallerIdentity` with the
//! account of the credentials: the default test credentials are account 123456789012, and
//! those of `AssumeRole` on a role of another account are that account's, as on AWS. So the
//! tests deploy to two real (local) accounts and read each back with its own credentials.

use aws_sdk_cloudformation::config::Credentials;
use hipaa_stack::Assembly;
use hipaa_stack::deploy::{Connection, DeployError, Deployer, Options};
use hipaa_stack::prelude::*;

use crate::deploy::{connection, options};
use crate::moto::Moto;

/// moto's default account: the account of the default test credentials.
const STAGING: &str = "123456789012";
/// A second account, reached by assuming a role in it.
const PRODUCTION: &str = "111122223333";

/// The same two stacks in staging and production; tags on the app, the environments and
/// one stack.
fn two_environments() -> Assembly {
    let app = App::new("envs");
    app.tag("application", "records").unwrap();
    let staging = app
        .environment("staging", account!("123456789012"), region!("us-east-1"))
        .unwrap()
        .tag("environment", "staging")
        .unwrap();
    let production = app
        .environment("production", account!("111122223333"), region!("us-east-1"))
        .unwrap()
        .production()
        .tag("environment", "production")
        .unwrap();
    for env in [staging, production] {
        let security = env.stack(stack_name!("security")).unwrap();
        let key = security.add(KmsKey::new("PhiKey")).unwrap();
        let logs = security.add(AccessLogBucket::new("AccessLogs")).unwrap();
        let data = env
            .stack(stack_name!("data"))
            .unwrap()
            .tag("owner", "records-team")
            .unwrap();
        let records = data
            .add(
                SecureBucket::new("Records")
                    .encryption(&key)
                    .access_logs(&logs),
            )
            .unwrap();
        data.output("RecordsBucket", records.name()).unwrap();
    }
    app.synth().unwrap()
}

fn for_env(name: &str) -> Options {
    Options {
        environment: Some(name.to_owned()),
        ..options()
    }
}

async fn deployer_with<'a>(
    connection: Connection,
    assembly: &'a Assembly,
    options: Options,
) -> Deployer<'a, hipaa_stack::deploy::SdkApi> {
    Deployer::with_regions(vec![connection.into_regional()], assembly, options)
}

/// The SDK configuration of a role in `account`, through moto's STS.
async fn credentials_of(moto: &Moto, account: &str) -> aws_config::SdkConfig {
    let sts = aws_sdk_sts::Client::new(&moto.config().await);
    let assumed = sts
        .assume_role()
        .role_arn(format!("arn:aws:iam::{account}:role/deployer"))
        .role_session_name("hipaa-stack-tests")
        .send()
        .await
        .unwrap();
    let c = assumed.credentials().unwrap();
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(&moto.endpoint)
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            c.access_key_id(),
            c.secret_access_key(),
            Some(c.session_token().to_owned()),
            None,
            "assumed",
        ))
        .retry_config(aws_config::retry::RetryConfig::disabled())
        .timeout_config(hipaa_stack::deploy::timeouts())
        .load()
        .await
}

/// The stacks of the account whose credentials `config` holds.
async fn stacks_of(config: &aws_config::SdkConfig) -> Vec<String> {
    let cfn = aws_sdk_cloudformation::Client::new(config);
    let mut names: Vec<String> = cfn
        .describe_stacks()
        .send()
        .await
        .unwrap()
        .stacks()
        .iter()
        .filter_map(|s| s.stack_name().map(str::to_owned))
        .collect();
    names.sort();
    names
}

#[test]
fn each_environment_prefixes_its_stacks_and_the_manifest_records_where_they_go() {
    let assembly = two_environments();
    assert_eq!(assembly.environments(), ["staging", "production"]);
    let data = assembly.stack("production-data").unwrap();
    assert_eq!(data.environment(), Some("production"));
    assert_eq!(data.account(), Some(PRODUCTION));
    assert_eq!(data.region(), Some("us-east-1"));
    assert!(data.production(), "a production environment's stacks are");
    assert!(!assembly.stack("staging-data").unwrap().production());
    assert_eq!(
        data.tags()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>(),
        [
            "application=records",
            "environment=production",
            "owner=records-team"
        ]
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&assembly.manifest_json().unwrap()).unwrap();
    assert_eq!(
        manifest["environments"],
        serde_json::json!(["staging", "production"])
    );
    let staging = manifest["stacks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "staging-security")
        .unwrap();
    assert_eq!(staging["account"], STAGING);
    assert_eq!(staging["environment"], "staging");
}

#[tokio::test(flavor = "multi_thread")]
async fn each_environment_deploys_to_its_own_account_and_the_wrong_one_is_refused_first() {
    let moto = Moto::start();
    let assembly = two_environments();

    // Without `--env`, an app of two environments does not guess.
    let d = deployer_with(connection(&moto.endpoint).await, &assembly, options()).await;
    let err = d.up().await.unwrap_err();
    assert!(matches!(err, DeployError::Environment { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("declares the environments staging, production; pass `--env NAME`"),
        "{err}"
    );
    let err = deployer_with(connection(&moto.endpoint).await, &assembly, for_env("qa"))
        .await
        .up()
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("has no environment `qa`; its environments are staging, production"),
        "{err}"
    );

    // Production with staging's credentials: refused before any CloudFormation call.
    let d = deployer_with(
        connection(&moto.endpoint).await,
        &assembly,
        for_env("production"),
    )
    .await;
    let err = d.up().await.unwrap_err();
    match &err {
        DeployError::WrongAccount {
            environment,
            declared,
            actual,
        } => {
            assert_eq!(environment, "production");
            assert_eq!(declared, PRODUCTION);
            assert_eq!(actual, STAGING);
        }
        other => panic!("expected WrongAccount, got {other}"),
    }
    assert!(err.to_string().contains("nothing was changed"), "{err}");
    assert_eq!(d.calls().total(), 0, "no CloudFormation call was made");
    let preview = deployer_with(
        connection(&moto.endpoint).await,
        &assembly,
        for_env("production"),
    )
    .await
    .preview()
    .await;
    assert!(matches!(preview, Err(DeployError::WrongAccount { .. })));
    let destroy = deployer_with(
        connection(&moto.endpoint).await,
        &assembly,
        for_env("production"),
    )
    .await
    .destroy()
    .await;
    assert!(matches!(destroy, Err(DeployError::WrongAccount { .. })));
    let staging_config = moto.config().await;
    assert!(stacks_of(&staging_config).await.is_empty());

    // Staging with staging's credentials: only staging's stacks, in staging's account,
    // with the program's tags beside hipaa-stack's own.
    let deployed = deployer_with(
        connection(&moto.endpoint).await,
        &assembly,
        for_env("staging"),
    )
    .await
    .up()
    .await
    .unwrap();
    let names: Vec<&str> = deployed.iter().map(|d| d.stack.as_str()).collect();
    assert_eq!(names, ["staging-security", "staging-data"]);
    assert_eq!(
        stacks_of(&staging_config).await,
        ["staging-data", "staging-security"]
    );
    let cfn = aws_sdk_cloudformation::Client::new(&staging_config);
    let data = cfn
        .describe_stacks()
        .stack_name("staging-data")
        .send()
        .await
        .unwrap();
    let tags: Vec<String> = data.stacks()[0]
        .tags()
        .iter()
        .map(|t| format!("{}={}", t.key().unwrap_or(""), t.value().unwrap_or("")))
        .collect();
    for tag in [
        "application=records",
        "environment=staging",
        "owner=records-team",
        "hipaa-stack:app=envs",
        "hipaa-stack:stack=staging-data",
    ] {
        assert!(tags.iter().any(|t| t == tag), "{tag} in {tags:?}");
    }

    // Production with production's credentials: its stacks land in its own account, as
    // production stacks (termination protection on).
    let production_config = credentials_of(&moto, PRODUCTION).await;
    let d = deployer_with(
        Connection::from_config(&production_config).unwrap(),
        &assembly,
        for_env("production"),
    )
    .await;
    let deployed = d.up().await.unwrap();
    let names: Vec<&str> = deployed.iter().map(|d| d.stack.as_str()).collect();
    assert_eq!(names, ["production-security", "production-data"]);
    assert_eq!(
        stacks_of(&production_config).await,
        ["production-data", "production-security"]
    );
    assert_eq!(
        stacks_of(&staging_config).await,
        ["staging-data", "staging-security"],
        "staging's account holds only staging"
    );
    let prod = aws_sdk_cloudformation::Client::new(&production_config)
        .describe_stacks()
        .stack_name("production-data")
        .send()
        .await
        .unwrap();
    assert_eq!(prod.stacks()[0].enable_termination_protection(), Some(true));
}

#[test]
fn a_stack_outside_every_environment_is_refused_either_way_round() {
    let app = App::new("mixed");
    app.stack("loose").unwrap();
    let err = app
        .environment("staging", account!("123456789012"), region!("us-east-1"))
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("stack `loose`: it belongs to no environment"),
        "{err}"
    );

    let app = App::new("mixed");
    app.environment("staging", account!("123456789012"), region!("us-east-1"))
        .unwrap();
    let err = app.stack("loose").unwrap_err().to_string();
    assert!(
        err.contains("declare every stack of an app with environments through one"),
        "{err}"
    );
    assert!(app.stack_in("loose", region!("us-west-2")).is_err());
}

#[test]
fn a_reference_between_environments_is_refused_at_synth() {
    let app = App::new("crossed");
    let staging = app
        .environment("staging", account!("123456789012"), region!("us-east-1"))
        .unwrap();
    let production = app
        .environment("production", account!("111122223333"), region!("us-east-1"))
        .unwrap();
    let key = staging
        .stack("security")
        .unwrap()
        .add(KmsKey::new("PhiKey"))
        .unwrap();
    let logs = staging
        .stack("logs")
        .unwrap()
        .add(AccessLogBucket::new("AccessLogs"))
        .unwrap();
    production
        .stack("data")
        .unwrap()
        .add(
            SecureBucket::new("Records")
                .encryption(&key)
                .access_logs(&logs),
        )
        .unwrap();
    let err = app.synth().unwrap_err().to_string();
    assert!(
        err.starts_with("construct `production-data/Records`: it uses `staging-"),
        "{err}"
    );
    assert!(
        err.contains("of environment `staging` from environment `production`"),
        "{err}"
    );
}

#[test]
fn one_account_baseline_per_account_and_region_across_the_program() {
    fn baseline(stack: Stack<'_>) -> Result<()> {
        let key = stack.add(KmsKey::new("AuditKey"))?;
        let logs = stack.add(AccessLogBucket::new("AccessLogs"))?;
        stack.add(
            AccountBaseline::new("Baseline")
                .encryption(&key)
                .access_logs(&logs),
        )?;
        Ok(())
    }
    let app = App::new("baselines");
    let staging = app
        .environment("staging", account!("123456789012"), region!("us-east-1"))
        .unwrap();
    let production = app
        .environment("production", account!("111122223333"), region!("us-east-1"))
        .unwrap();
    // One per environment's account, and one more in another region: all allowed.
    baseline(staging.stack("audit").unwrap()).unwrap();
    baseline(production.stack("audit").unwrap()).unwrap();
    baseline(
        staging
            .stack_in("audit-west", region!("us-west-2"))
            .unwrap(),
    )
    .unwrap();
    // A second in staging's account and region: refused, naming the first.
    let err = baseline(staging.stack("audit-again").unwrap())
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("construct `staging-audit-again/Baseline` is invalid: `staging-audit/Baseline` is already the account baseline of account 123456789012 in `us-east-1`"),
        "{err}"
    );

    // Without environments: two in the deploy region, or two pinned to one region.
    let app = App::new("plain");
    baseline(app.stack("a").unwrap()).unwrap();
    assert!(baseline(app.stack("b").unwrap()).is_err());
    baseline(app.stack_in("c", region!("eu-west-1")).unwrap()).unwrap();
    assert!(baseline(app.stack_in("d", region!("eu-west-1")).unwrap()).is_err());
}

#[test]
fn tags_follow_aws_rules_and_stay_within_cloudformation_s_limit() {
    let app = App::new("tags");
    for (key, value) in [
        ("aws:createdBy", "me"),
        ("hipaa-stack:app", "other"),
        ("", "empty"),
        ("semi;colon", "x"),
        ("ok", "new\nline"),
    ] {
        assert!(app.tag(key, value).is_err(), "{key}={value} accepted");
    }
    assert!(app.tag(&"k".repeat(129), "v").is_err());
    assert!(app.tag("k", &"v".repeat(257)).is_err());
    app.tag("team name", "records / EHR @ clinic").unwrap();

    let stack = app.stack("many").unwrap();
    for i in 0..46 {
        stack.tag(&format!("t{i}"), "v").unwrap();
    }
    stack.add(KmsKey::new("PhiKey")).unwrap();
    // 46 of the stack's and 1 of the app's: 47, with hipaa-stack's three, 50.
    app.synth().unwrap();
    stack.tag("one-more", "v").unwrap();
    let err = app.synth().unwrap_err().to_string();
    assert!(err.starts_with("stack `many` has 48 tags"), "{err}");
}

/// CloudFormation copies a stack's tags onto every resource of the stack, where anyone who
/// may read tags sees them: a tag is no place for a secret, whichever of the three places
/// sets it, and the refusal does not repeat the value.
#[test]
fn a_tag_that_holds_a_secret_is_refused_without_repeating_it() {
    let app = App::new("tags");
    let stack = app.stack("data").unwrap();
    let with_environments = App::new("tags-env");
    let env = with_environments
        .environment("prod", account!("123456789012"), region!("us-east-1"))
        .unwrap();
    for (key, value) in [
        ("DB_PASSWORD", "hunter2x"),
        ("db-password", "hunter2x"),
        ("app:db-password", "hunter2x"),
        ("dbPass", "hunter2x"),
        ("api-token-2", "hunter2x"),
        ("Secret", "hunter2x"),
        ("owner", "AKIAIOSFODNN7EXAMPLE"),
        ("runbook", "mysql -u admin -phunter2x ehr"),
    ] {
        for err in [
            app.tag(key, value),
            stack.tag(key, value).map(|_| ()),
            env.tag(key, value).map(|_| ()),
        ] {
            let err = err.expect_err(key).to_string();
            assert!(err.contains("like a secret"), "{key}: {err}");
            assert!(
                !err.contains("hunter2x") && !err.contains("AKIAIOSF"),
                "{err}"
            );
        }
    }
    // Names that only look alike, and a secret's own name or URL, are tags.
    for (key, value) in [
        ("token-url", "https://auth.example.com"),
        ("PASSWORD_FILE", "/etc/app/db"),
        ("compass", "north"),
        ("passenger-app", "yes"),
        (
            "secret-arn",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:db",
        ),
    ] {
        app.tag(key, value).unwrap();
    }
}

#[test]
fn environment_names_and_duplicates_are_refused_with_the_place() {
    let app = App::new("names");
    let err = app
        .environment("Prod", account!("123456789012"), region!("us-east-1"))
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("app.environment(..): invalid environment name `Prod`"),
        "{err}"
    );
    app.environment("prod", account!("123456789012"), region!("us-east-1"))
        .unwrap();
    let err = app
        .environment("prod", account!("111122223333"), region!("us-east-1"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("declared twice"), "{err}");
    assert!(AccountId::new("1234").is_err());
    // A prefixed name over CloudFormation's 128 characters is refused, naming both parts.
    let env = app
        .environment(
            "a-long-environment-name-of-32-ch",
            account!("123456789012"),
            region!("us-east-1"),
        )
        .unwrap();
    let err = env.stack(&"s".repeat(100)).unwrap_err().to_string();
    assert!(
        err.starts_with("environment `a-long-environment-name-of-32-ch`: stack `sss"),
        "{err}"
    );
}

//! Rule L4 by the engine: the log groups that RDS writes a database's exported logs to get
//! the database's key and a retention of a year, whether RDS made them first (as it does when
//! a database is created) or not, once; a group that holds another customer key is left with
//! it; a key that CloudWatch Logs may not use is refused with an error that names the stack.
//!
//! Against the local endpoint, with the harness's `hipaa_moto_logs.py`: RDS's creation of the
//! groups, `AssociateKmsKey`, and CloudWatch Logs' refusal of a key it may not use (none of
//! which moto has).

use aws_sdk_rds::types::Tag;
use hipaa_stack::deploy::{CallCounts, DatabaseLogs, GroupChange, RetryPolicy, SecuredGroup};

use crate::moto::Moto;

const REGION: &str = "us-east-1";

/// A key policy with the account's root and, when `logs` is set, CloudWatch Logs.
fn key_policy(logs: bool) -> String {
    let mut statements = vec![serde_json::json!({
        "Sid": "Root",
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
        "Action": "kms:*",
        "Resource": "*",
    })];
    if logs {
        statements.push(serde_json::json!({
            "Sid": "AllowCloudWatchLogs",
            "Effect": "Allow",
            "Principal": {"Service": format!("logs.{REGION}.amazonaws.com")},
            "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*", "kms:ReEncrypt*", "kms:Describe*"],
            "Resource": "*",
        }));
    }
    serde_json::json!({"Version": "2012-10-17", "Statement": statements}).to_string()
}

struct Clients {
    kms: aws_sdk_kms::Client,
    rds: aws_sdk_rds::Client,
    logs: aws_sdk_cloudwatchlogs::Client,
    databases: DatabaseLogs,
}

async fn clients(moto: &Moto) -> Clients {
    let config = moto.config().await;
    let rds = aws_sdk_rds::Client::new(&config);
    let logs = aws_sdk_cloudwatchlogs::Client::new(&config);
    Clients {
        kms: aws_sdk_kms::Client::new(&config),
        databases: DatabaseLogs::new(rds.clone(), logs.clone(), moto.endpoint.clone()),
        rds,
        logs,
    }
}

/// A key, its ARN.
async fn key(c: &Clients, logs: bool) -> String {
    c.kms
        .create_key()
        .policy(key_policy(logs))
        .send()
        .await
        .unwrap()
        .key_metadata()
        .unwrap()
        .arn()
        .unwrap()
        .to_owned()
}

/// A PostgreSQL instance encrypted with `key` that exports two logs.
async fn database(c: &Clients, name: &str, key: &str) {
    c.rds
        .create_db_instance()
        .db_instance_identifier(name)
        .db_instance_class("db.t3.micro")
        .engine("postgres")
        .allocated_storage(20)
        .master_username("app")
        .manage_master_user_password(true)
        .storage_encrypted(true)
        .kms_key_id(key)
        .enable_cloudwatch_logs_exports("postgresql")
        .enable_cloudwatch_logs_exports("upgrade")
        .tags(Tag::builder().key("app").value("l4").build())
        .send()
        .await
        .unwrap();
}

/// The key and retention of group `name`.
async fn group(c: &Clients, name: &str) -> (Option<String>, Option<i32>) {
    let groups = c
        .logs
        .describe_log_groups()
        .log_group_name_prefix(name)
        .send()
        .await
        .unwrap();
    let g = groups
        .log_groups()
        .iter()
        .find(|g| g.log_group_name() == Some(name))
        .unwrap_or_else(|| panic!("no log group {name}"));
    (g.kms_key_id().map(str::to_owned), g.retention_in_days())
}

fn retry() -> RetryPolicy {
    RetryPolicy {
        base_delay: std::time::Duration::from_millis(5),
        max_delay: std::time::Duration::from_millis(50),
        ..RetryPolicy::default()
    }
}

fn change_of<'a>(secured: &'a [SecuredGroup], name: &str) -> &'a GroupChange {
    &secured
        .iter()
        .find(|g| g.name == name)
        .unwrap_or_else(|| panic!("no {name} in {secured:?}"))
        .change
}

#[tokio::test(flavor = "multi_thread")]
async fn the_groups_get_the_database_key_and_a_retention_once() {
    let moto = Moto::start();
    let c = clients(&moto).await;
    let key = key(&c, true).await;
    database(&c, "Ehr-Db", &key).await;
    // RDS made the first group already (as it does when the database starts exporting):
    // no key, never expiring. The second it has not made yet.
    let postgresql = "/aws/rds/instance/ehr-db/postgresql";
    let upgrade = "/aws/rds/instance/ehr-db/upgrade";
    c.logs
        .create_log_group()
        .log_group_name(postgresql)
        .send()
        .await
        .unwrap();

    let counts = CallCounts::default();
    let secured = c
        .databases
        .secure("l4", "AWS::RDS::DBInstance", "Ehr-Db", retry(), &counts)
        .await
        .unwrap();
    assert_eq!(secured.len(), 2, "{secured:?}");
    assert_eq!(
        change_of(&secured, postgresql),
        &GroupChange::Secured {
            key: true,
            retention: Some((None, 365))
        }
    );
    assert_eq!(change_of(&secured, upgrade), &GroupChange::Created);
    for name in [postgresql, upgrade] {
        assert_eq!(
            group(&c, name).await,
            (Some(key.clone()), Some(365)),
            "{name}"
        );
    }
    let note = hipaa_stack::deploy::log_group_note("Ehr", &secured[0]);
    assert!(note.ends_with("(rule L4)"), "{note}");

    // Again: nothing to do, and said so.
    let again = c
        .databases
        .secure("l4", "AWS::RDS::DBInstance", "Ehr-Db", retry(), &counts)
        .await
        .unwrap();
    for g in &again {
        assert_eq!(
            g.change,
            GroupChange::Secured {
                key: false,
                retention: None
            },
            "{}",
            g.name
        );
    }

    // A longer retention, set by the team, is kept.
    c.logs
        .put_retention_policy()
        .log_group_name(upgrade)
        .retention_in_days(3653)
        .send()
        .await
        .unwrap();
    c.databases
        .secure("l4", "AWS::RDS::DBInstance", "ehr-db", retry(), &counts)
        .await
        .unwrap();
    assert_eq!(group(&c, upgrade).await.1, Some(3653));

    // The endpoint takes only the retentions CloudWatch Logs allows, as AWS does: a
    // retention `up` chose outside them would fail here, not on a real account.
    let refused = c
        .logs
        .put_retention_policy()
        .log_group_name(upgrade)
        .retention_in_days(1000)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| format!("{:?}", e.into_service_error()));
    assert!(
        refused
            .as_ref()
            .is_err_and(|e| e.contains("InvalidParameterException")),
        "{refused:?}"
    );
    assert_eq!(group(&c, upgrade).await.1, Some(3653));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_that_cloudwatch_logs_may_not_use_is_refused_naming_the_stack() {
    let moto = Moto::start();
    let c = clients(&moto).await;
    let key = key(&c, false).await;
    database(&c, "lab-db", &key).await;
    let err = c
        .databases
        .secure(
            "lab-data",
            "AWS::RDS::DBInstance",
            "lab-db",
            retry(),
            &CallCounts::default(),
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("lab-data"), "{err}");
    assert!(err.contains("logs.<region>.amazonaws.com"), "{err}");
    // `up` retries the step on the unchanged stack; the commands by hand stay an alternative.
    assert!(
        err.contains("run `up` again, which retries this step even when the template is unchanged"),
        "{err}"
    );
    assert!(
        err.contains("aws logs associate-kms-key --log-group-name /aws/rds/instance/lab-db/")
            && err.contains("--retention-in-days 365"),
        "{err}"
    );
    // Nothing was created under CloudWatch Logs' own key in its place.
    let groups = c
        .logs
        .describe_log_groups()
        .log_group_name_prefix("/aws/rds/instance/lab-db/")
        .send()
        .await
        .unwrap();
    assert!(groups.log_groups().is_empty(), "{groups:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_group_that_holds_another_customer_key_is_left_with_it() {
    let moto = Moto::start();
    let c = clients(&moto).await;
    let database_key = key(&c, true).await;
    let their_key = key(&c, true).await;
    database(&c, "billing-db", &database_key).await;
    let postgresql = "/aws/rds/instance/billing-db/postgresql";
    c.logs
        .create_log_group()
        .log_group_name(postgresql)
        .kms_key_id(&their_key)
        .send()
        .await
        .unwrap();
    let secured = c
        .databases
        .secure(
            "billing",
            "AWS::RDS::DBInstance",
            "billing-db",
            retry(),
            &CallCounts::default(),
        )
        .await
        .unwrap();
    assert_eq!(
        change_of(&secured, postgresql),
        &GroupChange::OtherKey(their_key.clone())
    );
    assert_eq!(group(&c, postgresql).await.0, Some(their_key));
}

//! The log groups a database writes its exported logs to, given the database's key and a
//! retention by the engine (rule L4).
//!
//! RDS (and DocumentDB and Neptune, which share its API) writes each log a database exports
//! to a log group named for the database (`/aws/rds/instance/<name>/<log>`,
//! `/aws/rds/cluster/<name>/<log>`, `/aws/docdb/<name>/<log>`, `/aws/neptune/<name>/<log>`),
//! and creates the group itself unless one of that name exists: under CloudWatch Logs' own
//! key, its events kept forever. A database that CloudFormation names at deploy (every
//! `EncryptedDatabase`: a named database cannot be replaced) has no such name in its
//! template, so no template can declare its groups. So after `up` creates or updates a stack
//! with such a database, and on every `up` of such a stack whose template is unchanged (so
//! that a step an earlier run could not finish is retried), the engine asks RDS which logs it exports and which key encrypts it
//! (`DescribeDBInstances`/`DescribeDBClusters`), and gives each group that key and a
//! retention: it creates the group with them when RDS has not yet, and otherwise associates
//! the key (`AssociateKmsKey`) and sets the retention (`PutRetentionPolicy`). The notes it
//! returns are the evidence, kept in the deployed report. `drift` reads the groups without
//! changing them ([`DatabaseLogs::read`]) and reports a missing group, a key other than the
//! database's, and a retention missing or shorter than [`RETENTION_DAYS`].
//!
//! AWS's references: CloudWatch Logs API Reference, `AssociateKmsKey` ("Only the log events
//! ingested after the key is associated are encrypted with that key"; a key that does not
//! exist, is disabled or whose policy does not let CloudWatch Logs use it is refused with
//! `InvalidParameterException`), `CreateLogGroup` (`ResourceAlreadyExistsException`),
//! `PutRetentionPolicy` (the allowed numbers of days); Amazon RDS User Guide, "Publishing
//! database logs to Amazon CloudWatch Logs" (the group names, and that RDS creates a group
//! that does not exist).
//!
//! A group that never expired is given the shortest retention that deletes none of its
//! events ([`retention_keeping_every_event`]): a year for a group made since the database
//! was, more for a group older than that (one that held events before the app managed the
//! database), and none at all for a group older than the longest retention allowed.
//!
//! What it does not do: events RDS wrote before the first `up` that follows the database's
//! creation stay under CloudWatch Logs' own key (AWS re-encrypts nothing); a group that
//! holds another customer key is left with it and said so.

use aws_sdk_cloudwatchlogs::types::LogGroup;

use super::api::{ApiError, classify};
use super::error::DeployError;
use super::retry::{CallCounts, RetryPolicy, with_retry};
// The retentions that CloudWatch Logs takes of a year or more, which rule L2 accepts.
use crate::compliance::LOG_RETENTIONS as RETENTIONS;

/// The retention the engine gives a group that has none, or a shorter one: the default of
/// [`crate::LogGroup`] (a year, which rule L2 asks of a log group of PHI).
pub const RETENTION_DAYS: i32 = crate::constructs::DEFAULT_LOG_RETENTION as i32;

/// How far before its group's creation an event can be dated: "None of the log events in the
/// batch can be more than 14 days in the past" (CloudWatch Logs API Reference,
/// `PutLogEvents`). A retention deletes events by their date, not by when they came.
const BACKDATED_DAYS: i64 = 14;

/// The retention that a group which never expired is given without deleting any of its
/// events: the shortest of the allowed retentions of a year or more that keeps an event as
/// old as the group (created at `created_ms`, milliseconds since the epoch, as
/// `DescribeLogGroups` says, and read at `now_ms`) and dated `BACKDATED_DAYS` before it.
/// `None` when no allowed retention is that long, or the group's age is not known: then
/// the group is left to keep every event.
///
/// ```
/// use hipaa_stack::deploy::retention_keeping_every_event;
///
/// let day = 86_400_000;
/// let now = 20_000 * day;
/// // A group RDS made today: a year.
/// assert_eq!(retention_keeping_every_event(Some(now), now), Some(365));
/// // A group of two years: the shortest retention that deletes none of its events.
/// assert_eq!(retention_keeping_every_event(Some(now - 730 * day), now), Some(1096));
/// // Older than ten years: none would keep every event.
/// assert_eq!(retention_keeping_every_event(Some(now - 3650 * day), now), None);
/// assert_eq!(retention_keeping_every_event(None, now), None);
/// ```
pub fn retention_keeping_every_event(created_ms: Option<i64>, now_ms: i64) -> Option<i32> {
    const DAY_MS: i64 = 86_400_000;
    let age_ms = now_ms.saturating_sub(created_ms?).max(0);
    let age_days = age_ms / DAY_MS + i64::from(age_ms % DAY_MS != 0);
    let needed = age_days.saturating_add(BACKDATED_DAYS + 1);
    RETENTIONS
        .into_iter()
        .find(|&days| i64::from(days) >= needed)
}

/// Now, in milliseconds since the epoch (as CloudWatch Logs writes a group's creation).
fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// A database of a stack whose exported logs go to groups it names itself: one of the
/// types below, with its physical id (the name RDS gave it).
pub const DATABASE_TYPES: [&str; 4] = [
    "AWS::RDS::DBInstance",
    "AWS::RDS::DBCluster",
    "AWS::DocDB::DBCluster",
    "AWS::Neptune::DBCluster",
];

/// Whether `resource` is a database of [`DATABASE_TYPES`] that exports logs and that
/// CloudFormation names at deploy (no `DBInstanceIdentifier`/`DBClusterIdentifier`): the
/// groups RDS writes its logs to are named by RDS, and declared by no template.
pub(crate) fn groups_named_at_deploy(resource: &crate::cfn::Resource) -> bool {
    let properties = resource.properties();
    DATABASE_TYPES.contains(&resource.type_name())
        && ["DBInstanceIdentifier", "DBClusterIdentifier"]
            .iter()
            .all(|k| properties.get(k).is_none_or(serde_json::Value::is_null))
        && properties
            .get("EnableCloudwatchLogsExports")
            .is_some_and(|v| v.as_array().is_none_or(|logs| !logs.is_empty()))
}

/// What was done to one log group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupChange {
    /// The group did not exist: created with the key and the retention.
    Created,
    /// The group existed: the key associated (when it had none) and the retention set
    /// (when it had none or a shorter one).
    Secured {
        /// The key was associated.
        key: bool,
        /// The retention it had (`None`: it never expired) and the one it was given, if it
        /// was changed.
        retention: Option<(Option<i32>, i32)>,
    },
    /// The group existed and never expired, and is older than any allowed retention would
    /// keep ([`retention_keeping_every_event`]): left to keep every event, the key
    /// associated if it had none.
    KeptForever {
        /// The key was associated.
        key: bool,
    },
    /// The group holds another customer key: left with it.
    OtherKey(String),
}

/// One exported log of a database and what was done to its group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecuredGroup {
    /// The group's name.
    pub name: String,
    /// What was done.
    pub change: GroupChange,
}

impl GroupChange {
    /// Whether this run changed the group (created it, associated the key, or set the
    /// retention): what a retried step reports as done.
    pub fn changed(&self) -> bool {
        match self {
            GroupChange::Created => true,
            GroupChange::Secured { key, retention } => *key || retention.is_some(),
            GroupChange::KeptForever { key } => *key,
            GroupChange::OtherKey(_) => false,
        }
    }
}

/// One exported log's group as `drift` reads it, without changing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupReading {
    /// The log the database exports (`postgresql`, `audit`, …).
    pub log: String,
    /// The group's name.
    pub name: String,
    /// The group's key and retention in days, or `None` when there is no such group.
    pub found: Option<(Option<String>, Option<i32>)>,
}

/// A database's exported logs' groups as `drift` reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseReading {
    /// The ARN of the key that encrypts the database: the one each group should hold.
    pub key: String,
    /// One reading per exported log.
    pub groups: Vec<GroupReading>,
}

impl DatabaseReading {
    /// What [`DatabaseLogs::secure`] would find, when it would change nothing: each group
    /// holds the database's key and a retention of at least [`RETENTION_DAYS`], or holds
    /// another key (left with it). `None` when a group needs a change: then `up` takes the
    /// run lock and secures the groups.
    pub fn as_left(&self) -> Option<Vec<SecuredGroup>> {
        self.groups
            .iter()
            .map(|g| {
                let (held, retention) = g.found.as_ref()?;
                let change = match held.as_deref() {
                    Some(theirs) if theirs != self.key => GroupChange::OtherKey(theirs.to_owned()),
                    Some(_) if retention.is_some_and(|d| d >= RETENTION_DAYS) => {
                        GroupChange::Secured {
                            key: false,
                            retention: None,
                        }
                    }
                    _ => return None,
                };
                Some(SecuredGroup {
                    name: g.name.clone(),
                    change,
                })
            })
            .collect()
    }
}

impl GroupReading {
    /// What differs from what rule L4 asks of the group: property, expected, actual.
    pub fn differences(&self, key: &str) -> Vec<(String, String, String)> {
        let name = &self.name;
        let Some((held, retention)) = &self.found else {
            return vec![(
                format!("{name} (log group of exported log {}, rule L4)", self.log),
                "a log group with the database's key".to_owned(),
                "no log group (RDS makes one under CloudWatch Logs' own key when it next writes)"
                    .to_owned(),
            )];
        };
        let mut out = Vec::new();
        match held.as_deref() {
            Some(theirs) if theirs == key => {}
            other => out.push((
                format!("{name} KmsKeyId (rule L4)"),
                key.to_owned(),
                other.map_or_else(|| "no key".to_owned(), str::to_owned),
            )),
        }
        match retention {
            Some(days) if *days >= RETENTION_DAYS => {}
            other => out.push((
                format!("{name} RetentionInDays (rule L4)"),
                format!("at least {RETENTION_DAYS}"),
                other.map_or_else(|| "none (never expires)".to_owned(), |d| d.to_string()),
            )),
        }
        out
    }
}

/// What RDS answers for a database of a stack.
enum Found {
    /// No database of that name: deleted outside the stack.
    Missing,
    /// An instance of a cluster: its cluster exports the logs.
    OfCluster,
    /// A database that exports its own logs.
    Database(Database),
}

/// What RDS says of one database.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Database {
    /// The group prefix: `/aws/rds/instance/<name>`, …
    prefix: String,
    /// The logs it exports.
    exports: Vec<String>,
    /// The ARN of the key that encrypts it, if it is encrypted.
    key: Option<String>,
}

/// RDS and CloudWatch Logs in one region: give the groups of databases' exported logs the
/// databases' keys and a retention.
#[derive(Debug, Clone)]
pub struct DatabaseLogs {
    rds: aws_sdk_rds::Client,
    logs: aws_sdk_cloudwatchlogs::Client,
    endpoint: String,
}

impl DatabaseLogs {
    /// Wraps the two clients; `endpoint` names where they go, for error messages.
    pub fn new(
        rds: aws_sdk_rds::Client,
        logs: aws_sdk_cloudwatchlogs::Client,
        endpoint: String,
    ) -> Self {
        DatabaseLogs {
            rds,
            logs,
            endpoint,
        }
    }

    /// The regions its clients send their calls to, by service, when the clients know them.
    pub(crate) fn sends_to(&self) -> Vec<(&'static str, Option<String>)> {
        vec![
            ("RDS", self.rds.config().region().map(ToString::to_string)),
            (
                "CloudWatch Logs",
                self.logs.config().region().map(ToString::to_string),
            ),
        ]
    }

    /// Gives the group of each log that the database `name` (of CloudFormation type
    /// `kind`, one of [`DATABASE_TYPES`]) exports the database's key and a retention of at
    /// least [`RETENTION_DAYS`]. An instance of a cluster exports nothing of its own (its
    /// cluster does), and a database without a key has none to give: both are left.
    pub async fn secure(
        &self,
        stack: &str,
        kind: &str,
        name: &str,
        retry: RetryPolicy,
        counts: &CallCounts,
    ) -> Result<Vec<SecuredGroup>, DeployError> {
        let Some(database) = self.database(stack, kind, name, retry, counts).await? else {
            return Ok(Vec::new());
        };
        let Some(key) = database.key.as_deref() else {
            return Ok(Vec::new());
        };
        let mut secured = Vec::with_capacity(database.exports.len());
        for log in &database.exports {
            let group = format!("{}/{log}", database.prefix);
            let change = self.secure_group(stack, &group, key, retry, counts).await?;
            secured.push(SecuredGroup {
                name: group,
                change,
            });
        }
        Ok(secured)
    }

    /// Reads, without changing anything, the group of each log that the database `name`
    /// exports: its key and retention (for `drift`). `None` when there is nothing rule L4
    /// asks of it: an instance of a cluster, a database without a key, or one that no
    /// longer exists (CloudFormation's own drift detection reports it deleted).
    pub async fn read(
        &self,
        stack: &str,
        kind: &str,
        name: &str,
        retry: RetryPolicy,
        counts: &CallCounts,
    ) -> Result<Option<DatabaseReading>, DeployError> {
        let Found::Database(database) = self.find(stack, kind, name, retry, counts).await? else {
            return Ok(None);
        };
        let Some(key) = database.key else {
            return Ok(None);
        };
        let mut groups = Vec::with_capacity(database.exports.len());
        for log in database.exports {
            let group = format!("{}/{log}", database.prefix);
            let found = self
                .group(stack, &group, retry, counts)
                .await?
                .map(|g| (g.kms_key_id().map(str::to_owned), g.retention_in_days()));
            groups.push(GroupReading {
                log,
                name: group,
                found,
            });
        }
        Ok(Some(DatabaseReading { key, groups }))
    }

    /// What RDS says of the database `name`: `None` for an instance of a cluster; an error
    /// when it does not exist.
    async fn database(
        &self,
        stack: &str,
        kind: &str,
        name: &str,
        retry: RetryPolicy,
        counts: &CallCounts,
    ) -> Result<Option<Database>, DeployError> {
        match self.find(stack, kind, name, retry, counts).await? {
            Found::Missing => Err(missing(stack, kind, name)),
            Found::OfCluster => Ok(None),
            Found::Database(d) => Ok(Some(d)),
        }
    }

    /// What RDS says of the database `name`.
    async fn find(
        &self,
        stack: &str,
        kind: &str,
        name: &str,
        retry: RetryPolicy,
        counts: &CallCounts,
    ) -> Result<Found, DeployError> {
        let endpoint = &self.endpoint;
        if kind == "AWS::RDS::DBInstance" {
            let found = with_retry(retry, counts, "DescribeDBInstances", || async {
                self.rds
                    .describe_db_instances()
                    .db_instance_identifier(name)
                    .send()
                    .await
                    .map_err(|e| classify(e, endpoint))
            })
            .await;
            // RDS answers a database that does not exist with `DBInstanceNotFound` (RDS
            // API Reference, DescribeDBInstances, "Errors"), not with an empty list.
            let found = match found {
                Err(e) if e.code.as_deref() == Some("DBInstanceNotFound") => {
                    return Ok(Found::Missing);
                }
                found => found.map_err(|e| DeployError::api(stack, "DescribeDBInstances", e))?,
            };
            let Some(db) = found.db_instances().first() else {
                return Ok(Found::Missing);
            };
            if db.db_cluster_identifier().is_some() {
                return Ok(Found::OfCluster);
            }
            return Ok(Found::Database(Database {
                prefix: format!(
                    "/aws/rds/instance/{}",
                    lower(db.db_instance_identifier(), name)
                ),
                exports: db.enabled_cloudwatch_logs_exports().to_vec(),
                key: encrypted_key(db.storage_encrypted(), db.kms_key_id()),
            }));
        }
        let found = with_retry(retry, counts, "DescribeDBClusters", || async {
            self.rds
                .describe_db_clusters()
                .db_cluster_identifier(name)
                .send()
                .await
                .map_err(|e| classify(e, endpoint))
        })
        .await;
        // `DBClusterNotFoundFault` (RDS API Reference, DescribeDBClusters, "Errors").
        let found = match found {
            Err(e) if e.code.as_deref() == Some("DBClusterNotFoundFault") => {
                return Ok(Found::Missing);
            }
            found => found.map_err(|e| DeployError::api(stack, "DescribeDBClusters", e))?,
        };
        let Some(db) = found.db_clusters().first() else {
            return Ok(Found::Missing);
        };
        let named = lower(db.db_cluster_identifier(), name);
        let prefix = match kind {
            "AWS::DocDB::DBCluster" => format!("/aws/docdb/{named}"),
            "AWS::Neptune::DBCluster" => format!("/aws/neptune/{named}"),
            _ => format!("/aws/rds/cluster/{named}"),
        };
        Ok(Found::Database(Database {
            prefix,
            exports: db.enabled_cloudwatch_logs_exports().to_vec(),
            key: encrypted_key(db.storage_encrypted(), db.kms_key_id()),
        }))
    }

    /// Gives the group `name` the key `key` and a retention of at least [`RETENTION_DAYS`].
    async fn secure_group(
        &self,
        stack: &str,
        name: &str,
        key: &str,
        retry: RetryPolicy,
        counts: &CallCounts,
    ) -> Result<GroupChange, DeployError> {
        let existing = match self.group(stack, name, retry, counts).await? {
            Some(group) => group,
            None => match self.create(stack, name, key, retry, counts).await? {
                // RDS made it between the two calls: secured as one it made.
                Some(group) => group,
                None => {
                    self.retain(stack, name, RETENTION_DAYS, retry, counts)
                        .await?;
                    return Ok(GroupChange::Created);
                }
            },
        };
        let associate = match existing.kms_key_id() {
            None => true,
            Some(theirs) if theirs == key => false,
            Some(theirs) => return Ok(GroupChange::OtherKey(theirs.to_owned())),
        };
        if associate {
            let endpoint = &self.endpoint;
            with_retry(retry, counts, "AssociateKmsKey", || async {
                self.logs
                    .associate_kms_key()
                    .log_group_name(name)
                    .kms_key_id(key)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| classify(e, endpoint))
            })
            .await
            .map_err(|e| refused(stack, "AssociateKmsKey", name, key, e))?;
        }
        let retention = existing.retention_in_days();
        let given = match retention {
            Some(days) if days >= RETENTION_DAYS => None,
            // A shorter retention is raised, which deletes nothing.
            Some(_) => Some(RETENTION_DAYS),
            // A group that never expired may hold events older than a year: it is given a
            // retention that keeps them all, or none.
            None => match retention_keeping_every_event(existing.creation_time(), now_ms()) {
                Some(days) => Some(days),
                None => return Ok(GroupChange::KeptForever { key: associate }),
            },
        };
        if let Some(days) = given {
            self.retain(stack, name, days, retry, counts).await?;
        }
        Ok(GroupChange::Secured {
            key: associate,
            retention: given.map(|days| (retention, days)),
        })
    }

    /// The group named `name`, if it exists.
    async fn group(
        &self,
        stack: &str,
        name: &str,
        retry: RetryPolicy,
        counts: &CallCounts,
    ) -> Result<Option<LogGroup>, DeployError> {
        let endpoint = &self.endpoint;
        // A prefix finds every group that begins with the name: the one named so is read
        // from the pages (CloudWatch Logs API Reference, `DescribeLogGroups`: `limit`, "If
        // you don't specify a value, the default is up to 50 items"; `nextToken`, "The token
        // for the next set of items to return"; the results are sorted by name).
        let mut token: Option<String> = None;
        loop {
            let page = with_retry(retry, counts, "DescribeLogGroups", || async {
                self.logs
                    .describe_log_groups()
                    .log_group_name_prefix(name)
                    .set_next_token(token.clone())
                    .send()
                    .await
                    .map_err(|e| classify(e, endpoint))
            })
            .await
            .map_err(|e| DeployError::api(stack, "DescribeLogGroups", e))?;
            if let Some(group) = page
                .log_groups()
                .iter()
                .find(|g| g.log_group_name() == Some(name))
            {
                return Ok(Some(group.clone()));
            }
            match page.next_token() {
                Some(next) if !next.is_empty() && token.as_deref() != Some(next) => {
                    token = Some(next.to_owned());
                }
                _ => return Ok(None),
            }
        }
    }

    /// Creates the group with the key: `None` once created, or the group that RDS created
    /// first.
    async fn create(
        &self,
        stack: &str,
        name: &str,
        key: &str,
        retry: RetryPolicy,
        counts: &CallCounts,
    ) -> Result<Option<LogGroup>, DeployError> {
        let endpoint = &self.endpoint;
        let created = with_retry(retry, counts, "CreateLogGroup", || async {
            self.logs
                .create_log_group()
                .log_group_name(name)
                .kms_key_id(key)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| classify(e, endpoint))
        })
        .await;
        match created {
            Ok(()) => Ok(None),
            Err(e) if e.code.as_deref() == Some("ResourceAlreadyExistsException") => {
                match self.group(stack, name, retry, counts).await? {
                    Some(group) => Ok(Some(group)),
                    None => Err(refused(stack, "CreateLogGroup", name, key, e)),
                }
            }
            Err(e) => Err(refused(stack, "CreateLogGroup", name, key, e)),
        }
    }

    /// Sets the group's retention to `days`.
    async fn retain(
        &self,
        stack: &str,
        name: &str,
        days: i32,
        retry: RetryPolicy,
        counts: &CallCounts,
    ) -> Result<(), DeployError> {
        let endpoint = &self.endpoint;
        with_retry(retry, counts, "PutRetentionPolicy", || async {
            self.logs
                .put_retention_policy()
                .log_group_name(name)
                .retention_in_days(days)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| classify(e, endpoint))
        })
        .await
        .map_err(|e| DeployError::api(stack, "PutRetentionPolicy", e))
    }
}

/// The note that says what was done to a group: the evidence of the control.
pub fn note(logical: &str, group: &SecuredGroup) -> String {
    let name = &group.name;
    match &group.change {
        GroupChange::Created => format!(
            "log group {name} of {logical} created with the database's key and a retention of {RETENTION_DAYS} days (rule L4)"
        ),
        GroupChange::Secured {
            key: false,
            retention: None,
        } => format!(
            "log group {name} of {logical} holds the database's key and a retention of at least {RETENTION_DAYS} days (rule L4)"
        ),
        GroupChange::Secured { key, retention } => {
            let mut done = Vec::new();
            if *key {
                done.push(KEY_ASSOCIATED.to_owned());
            }
            match retention {
                Some((Some(was), days)) => {
                    done.push(format!("retention {days} days (was {was})"));
                }
                Some((None, days)) => done.push(format!(
                    "retention {days} days (was none: the shortest that deletes none of its events)"
                )),
                None => {}
            }
            format!(
                "log group {name} of {logical}: {} (rule L4)",
                done.join("; ")
            )
        }
        GroupChange::KeptForever { key } => format!(
            "log group {name} of {logical}: {}kept without a retention, as it was: it is older than the longest retention CloudWatch Logs allows (3653 days) would keep, so any would delete events (rule L4)",
            if *key {
                format!("{KEY_ASSOCIATED}; ")
            } else {
                String::new()
            }
        ),
        GroupChange::OtherKey(theirs) => format!(
            "log group {name} of {logical} holds key {theirs}, not the database's: left as it is (rule L4)"
        ),
    }
}

/// What a note says of a key associated with a group that had none.
const KEY_ASSOCIATED: &str =
    "the database's key associated (events written before stay under CloudWatch Logs' own key)";

/// The identifier RDS gives, in lower case as it stores it, or the physical id.
fn lower(identifier: Option<&str>, physical: &str) -> String {
    identifier.unwrap_or(physical).to_ascii_lowercase()
}

/// The key of an encrypted database.
fn encrypted_key(encrypted: Option<bool>, key: Option<&str>) -> Option<String> {
    key.filter(|_| encrypted != Some(false))
        .filter(|k| !k.is_empty())
        .map(str::to_owned)
}

fn missing(stack: &str, kind: &str, name: &str) -> DeployError {
    DeployError::StackState {
        stack: stack.to_owned(),
        status: format!("deployed, but {kind} {name} of the stack was not found, so its exported logs' groups were not given its key (rule L4)"),
        hint: "the stack says it holds the database; check whether it was deleted outside the stack (`drift` shows it), then run `up` again, which retries this step even when the template is unchanged".to_owned(),
    }
}

/// CloudWatch Logs refused the key or the group: says which, and what to check.
fn refused(
    stack: &str,
    operation: &'static str,
    group: &str,
    key: &str,
    e: ApiError,
) -> DeployError {
    if e.code.as_deref() == Some("InvalidParameterException") {
        return DeployError::StackState {
            stack: stack.to_owned(),
            status: format!(
                "deployed, but CloudWatch Logs refused key {key} for log group {group} (rule L4): {e}"
            ),
            hint: format!(
                "the key must exist, be enabled, and its policy must let `logs.<region>.amazonaws.com` use it (an `EncryptedDatabase`'s `KmsKey` has that statement); then run `up` again, which retries this step even when the template is unchanged (or give the group the key and a retention yourself: `aws logs associate-kms-key --log-group-name {group} --kms-key-id {key}`, `aws logs put-retention-policy --log-group-name {group} --retention-in-days {RETENTION_DAYS}`)"
            ),
        };
    }
    DeployError::api(stack, operation, e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(change: GroupChange) -> SecuredGroup {
        SecuredGroup {
            name: "/aws/rds/instance/db-1/postgresql".to_owned(),
            change,
        }
    }

    #[test]
    fn notes_say_what_was_done() {
        assert_eq!(
            note("Ehr", &group(GroupChange::Created)),
            "log group /aws/rds/instance/db-1/postgresql of Ehr created with the database's key and a retention of 365 days (rule L4)"
        );
        assert_eq!(
            note(
                "Ehr",
                &group(GroupChange::Secured {
                    key: true,
                    retention: Some((None, 365))
                })
            ),
            "log group /aws/rds/instance/db-1/postgresql of Ehr: the database's key associated (events written before stay under CloudWatch Logs' own key); retention 365 days (was none: the shortest that deletes none of its events) (rule L4)"
        );
        assert_eq!(
            note(
                "Ehr",
                &group(GroupChange::Secured {
                    key: false,
                    retention: Some((Some(30), 365))
                })
            ),
            "log group /aws/rds/instance/db-1/postgresql of Ehr: retention 365 days (was 30) (rule L4)"
        );
        let kept = note("Ehr", &group(GroupChange::KeptForever { key: false }));
        assert!(
            kept.contains(": kept without a retention, as it was")
                && !kept.contains("key associated"),
            "{kept}"
        );
        assert!(
            note(
                "Ehr",
                &group(GroupChange::Secured {
                    key: false,
                    retention: None
                })
            )
            .contains("holds the database's key")
        );
        assert!(
            note("Ehr", &group(GroupChange::OtherKey("arn:k".into()))).contains("left as it is")
        );
    }

    fn reading(found: Option<(Option<&str>, Option<i32>)>) -> GroupReading {
        GroupReading {
            log: "postgresql".to_owned(),
            name: "/aws/rds/instance/db-1/postgresql".to_owned(),
            found: found.map(|(k, r)| (k.map(str::to_owned), r)),
        }
    }

    #[test]
    fn drift_names_a_missing_group_a_wrong_or_missing_key_and_a_short_retention() {
        let key = "arn:aws:kms:us-east-1:123456789012:key/db";
        assert!(
            reading(Some((Some(key), Some(365))))
                .differences(key)
                .is_empty()
        );
        assert!(
            reading(Some((Some(key), Some(3653))))
                .differences(key)
                .is_empty()
        );
        let missing = reading(None).differences(key);
        assert_eq!(missing.len(), 1);
        assert!(missing[0].2.starts_with("no log group"), "{missing:?}");
        let d = reading(Some((None, None))).differences(key);
        assert_eq!(
            d,
            [
                (
                    "/aws/rds/instance/db-1/postgresql KmsKeyId (rule L4)".to_owned(),
                    key.to_owned(),
                    "no key".to_owned()
                ),
                (
                    "/aws/rds/instance/db-1/postgresql RetentionInDays (rule L4)".to_owned(),
                    "at least 365".to_owned(),
                    "none (never expires)".to_owned()
                ),
            ]
        );
        let d = reading(Some((Some("arn:other"), Some(30)))).differences(key);
        assert_eq!(d[0].2, "arn:other");
        assert_eq!(d[1].2, "30");
    }

    #[test]
    fn an_unchanged_stack_needs_a_change_only_when_a_group_is_not_as_secured() {
        let key = "arn:k";
        let of = |groups: Vec<GroupReading>| DatabaseReading {
            key: key.to_owned(),
            groups,
        };
        let left = of(vec![reading(Some((Some(key), Some(400))))])
            .as_left()
            .unwrap();
        assert!(!left[0].change.changed());
        // Another key is left with it (as `secure` does), whatever its retention.
        let left = of(vec![reading(Some((Some("arn:theirs"), None)))])
            .as_left()
            .unwrap();
        assert_eq!(left[0].change, GroupChange::OtherKey("arn:theirs".into()));
        for needs in [
            reading(None),
            reading(Some((None, Some(365)))),
            reading(Some((Some(key), None))),
            reading(Some((Some(key), Some(364)))),
        ] {
            assert_eq!(of(vec![needs.clone()]).as_left(), None, "{needs:?}");
        }
        assert!(GroupChange::Created.changed());
        assert!(
            GroupChange::Secured {
                key: false,
                retention: Some((Some(30), 365))
            }
            .changed()
        );
        assert!(GroupChange::KeptForever { key: true }.changed());
        assert!(!GroupChange::KeptForever { key: false }.changed());
        assert!(!GroupChange::OtherKey("arn:x".into()).changed());
    }

    #[test]
    fn a_group_that_never_expired_loses_none_of_its_events() {
        let day = 86_400_000;
        let now = 20_000 * day;
        // Made now, or within the year less the two weeks an event can be dated back: a year.
        for age in [0, 1, day, 350 * day] {
            assert_eq!(
                retention_keeping_every_event(Some(now - age), now),
                Some(365),
                "{age}"
            );
        }
        // An event dated 14 days before a group of 351 days and a moment is 366 days old.
        assert_eq!(
            retention_keeping_every_event(Some(now - 350 * day - 1), now),
            Some(400)
        );
        // Each allowed retention keeps every event of the oldest group it is chosen for.
        let mut last = 0;
        for age_days in 0..3700_i64 {
            let chosen = retention_keeping_every_event(Some(now - age_days * day), now);
            match chosen {
                Some(days) => {
                    assert!(i64::from(days) > age_days + BACKDATED_DAYS, "{age_days}");
                    assert!(RETENTIONS.contains(&days) && days >= last, "{age_days}");
                    last = days;
                }
                None => assert!(age_days + BACKDATED_DAYS >= 3653, "{age_days}"),
            }
        }
        // A creation in the future (a clock behind AWS's) is a group made now.
        assert_eq!(
            retention_keeping_every_event(Some(now + day), now),
            Some(365)
        );
        assert_eq!(retention_keeping_every_event(None, now), None);
    }

    #[test]
    fn only_an_encrypted_database_has_a_key_to_give() {
        assert_eq!(encrypted_key(Some(false), Some("arn:k")), None);
        assert_eq!(encrypted_key(Some(true), Some("")), None);
        assert_eq!(encrypted_key(None, Some("arn:k")).as_deref(), Some("arn:k"));
        assert_eq!(lower(Some("Db-ABC"), "x"), "db-abc");
    }
}

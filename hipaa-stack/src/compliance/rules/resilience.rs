//! Rules for alarms, notifications, backups and secrets: CloudWatch alarms, SNS, AWS Backup,
//! Secrets Manager.
//!
//! `number` and `customer_key` are shared with the network and compute rules.

use std::borrow::Cow;

use serde_json::Value;

use super::identity::{everyone, glob, policy_document, statement_proof, statements, strings};
use super::imports::{Place, Placed};
use super::{Cx, OkOrDefault, Outcome, Packs, Proof, RuleSpec, all, pointer_name, proof_of};
use crate::cfn::{Resource, Template};

const BACKUP: &[&str] = &[
    "164.308(a)(7)(i)",
    "164.308(a)(7)(ii)(A)",
    "164.308(a)(7)(ii)(B)",
];
const TOPIC: &[&str] = &["AWS::SNS::Topic"];
/// Vaults, whose access policy B2 reads, and plans, whose rules must store in one of them.
const VAULT: &[&str] = &["AWS::Backup::BackupVault", "AWS::Backup::BackupPlan"];
/// Backup vaults and logically air-gapped vaults, which AWS Backup encrypts with an
/// AWS-owned key unless `EncryptionKeyArn` names a customer key (the
/// `AWS::Backup::LogicallyAirGappedBackupVault` reference; they are locked in compliance
/// mode, so B2's access policy does not apply to them).
const VAULTS: &[&str] = &[
    "AWS::Backup::BackupVault",
    "AWS::Backup::LogicallyAirGappedBackupVault",
];
const SECRET: &[&str] = &["AWS::SecretsManager::Secret"];
/// A logically air-gapped vault.
const AIR_GAPPED: &str = "AWS::Backup::LogicallyAirGappedBackupVault";
/// The key of a backup plan rule that names a logically air-gapped vault the rule backs up
/// to ("The ARN of a logically air-gapped vault. ARN must be in the same account and
/// Region. If provided, supported fully managed resources back up directly to logically
/// air-gapped vault, while other supported resources create a temporary (billable)
/// snapshot in backup vault, then copy it to logically air-gapped vault", AWS Backup API,
/// `BackupRule.TargetLogicallyAirGappedBackupVaultArn`, which `AWS::Backup::BackupPlan
/// BackupRuleResourceType` takes).
const AIR_GAPPED_TARGET: &str = "TargetLogicallyAirGappedBackupVaultArn";

pub(crate) static RULES: &[RuleSpec] = &[
    RuleSpec {
        id: "L3",
        title: "every alarm notifies someone when it fires and when its data stops",
        types: &["AWS::CloudWatch::Alarm"],
        controls: &["164.312(b)"],
        fix: "set `AlarmActions` and `InsufficientDataActions` to actions that notify (e.g. an SNS topic that pages the on-call, subscribed in the app; an EC2 action or a scaling policy tells no one), and leave `ActionsEnabled` true; a topic's KMS key must be a customer-managed key (never `alias/aws/sns`, whose key policy no one can change) that allows `cloudwatch.amazonaws.com` `kms:GenerateDataKey*` and `kms:Decrypt` in its key policy",
        packs: Packs {
            cdk_nag: Some("HIPAA.Security-CloudWatchAlarmAction"),
            checkov: None,
            guard: Some("CLOUDWATCH_ALARM_ACTION_CHECK"),
        },
        check: l3,
    },
    RuleSpec {
        id: "N1",
        title: "topics encrypt messages with a customer-managed key",
        types: TOPIC,
        controls: &["164.312(a)(2)(iv)", "164.312(e)(2)(ii)"],
        fix: "set `KmsMasterKeyId` to a customer-managed key, not `alias/aws/sns`",
        packs: Packs {
            cdk_nag: Some("HIPAA.Security-SNSEncryptedKMS"),
            checkov: Some("CKV_AWS_26"),
            guard: Some("SNS_ENCRYPTED_KMS"),
        },
        check: n1,
    },
    RuleSpec {
        id: "N2",
        title: "a topic policy denies every publish not made over TLS",
        types: TOPIC,
        controls: &["164.312(e)(1)", "164.312(e)(2)(ii)"],
        fix: "add an `AWS::SNS::TopicPolicy` naming the topic in `Topics` (or an `AWS::SNS::TopicInlinePolicy` naming it in `TopicArn`), with a Deny of `sns:Publish` to `*` when `aws:SecureTransport` is false; every policy of the topic needs it, since the last one applied replaces the others; subscribe no `http`, `sms`, `email` or `email-json` endpoint to it (the topic's `Subscription` or an `AWS::SNS::Subscription` of the app), which deliver the messages outside TLS (an `AlarmTopic`'s own e-mail subscriptions are its typed exception, as for `A5`: reported as a waived gap with the topic's reason, never as enforced)",
        packs: Packs {
            cdk_nag: None,
            checkov: None,
            guard: None,
        },
        check: n2,
    },
    RuleSpec {
        id: "B1",
        title: "backup plans back up at least daily and keep recovery points at least 35 days",
        types: &["AWS::Backup::BackupPlan"],
        controls: BACKUP,
        fix: "give every rule of `BackupPlan.BackupPlanRule` a daily (or more frequent) `ScheduleExpression`, or none (AWS Backup's default, `cron(0 5 ? * * *)`, is daily), and `Lifecycle.DeleteAfterDays` of 35 or more; leave `StartWindowMinutes` and `CompletionWindowMinutes` unset (8 hours and 7 days) or write 60 or more, so that its jobs start and complete",
        packs: Packs {
            cdk_nag: None,
            checkov: None,
            guard: None,
        },
        check: b1,
    },
    RuleSpec {
        id: "B2",
        title: "the vault's access policy stops anyone deleting recovery points or shortening their life",
        types: VAULT,
        controls: &["164.308(a)(7)(ii)(A)", "164.312(c)(1)"],
        fix: "set `AccessPolicy` with a Deny to `*` of `backup:DeleteRecoveryPoint`, `backup:UpdateRecoveryPointLifecycle`, `backup:PutBackupVaultAccessPolicy` and `backup:DeleteBackupVaultAccessPolicy`, and give every rule of a backup plan a `TargetBackupVault` of the app (its `Ref`)",
        packs: Packs {
            cdk_nag: None,
            checkov: None,
            guard: None,
        },
        check: b2,
    },
    RuleSpec {
        id: "B4",
        title: "backup vaults encrypt recovery points with a customer-managed key",
        types: VAULTS,
        controls: &["164.312(a)(2)(iv)"],
        fix: "set `EncryptionKeyArn` to a customer-managed key",
        packs: Packs {
            cdk_nag: None,
            checkov: Some("CKV_AWS_166"),
            guard: None,
        },
        check: b4,
    },
    RuleSpec {
        id: "M1",
        title: "every secret is rotated on a schedule",
        types: SECRET,
        controls: &["164.308(a)(4)(ii)(B)"],
        fix: "add an `AWS::SecretsManager::RotationSchedule` with `SecretId` set to the secret's `Ref`",
        packs: Packs {
            cdk_nag: Some("HIPAA.Security-SecretsManagerRotationEnabled"),
            checkov: Some("CKV2_AWS_57"),
            guard: Some("SECRETSMANAGER_ROTATION_ENABLED_CHECK"),
        },
        check: m1,
    },
    RuleSpec {
        id: "M2",
        title: "secrets are encrypted with a customer-managed key, never `aws/secretsmanager`",
        types: SECRET,
        controls: &["164.312(a)(2)(iv)"],
        fix: "set `KmsKeyId`, and the `KmsKeyId` of every entry of `ReplicaRegions`, to a customer-managed key",
        packs: Packs {
            cdk_nag: Some("HIPAA.Security-SecretsManagerUsingKMSKey"),
            checkov: Some("CKV_AWS_149"),
            guard: Some("SECRETSMANAGER_USING_CMK"),
        },
        check: m2,
    },
];

// ---------------------------------------------------------------------------------------
// Shared with the network and compute rules.
// ---------------------------------------------------------------------------------------

/// A whole number written as a number or a string, or built by intrinsics whose text is
/// known (`{"Fn::Sub": "443"}`): CloudFormation deploys the text they make, as it takes a
/// number written as text ([`super::meaning::whole_number`]).
pub(super) fn number(v: &Value) -> Option<i64> {
    super::meaning::whole_number(v)
}

/// The key at `pointer` (below `Properties`) must be set, a key of the stack's own account
/// and not an AWS-managed key (`alias/aws/…`).
pub(super) fn customer_key(cx: &Cx<'_>, pointer: &str) -> Result<Proof, String> {
    match cx.prop(pointer) {
        Some(key) if super::meaning::aws_managed_key(key) => Err(format!(
            "`{}` is the AWS-managed key {}, not a customer-managed key",
            pointer_name(pointer),
            super::meaning::text_or_json(key)
        )),
        Some(key) => match not_a_key(cx, key) {
            Some(why) => Err(format!(
                "`{}` is {}, {why}",
                pointer_name(pointer),
                super::meaning::text_or_json(key)
            )),
            None => cx.present(pointer),
        },
        None => cx.present(pointer),
    }
}

/// Why a value does not name a KMS key of the stack's own account, if it does not. It does
/// by reference to a key (or alias) of the template, by the import of an export that is
/// itself such a key of the stack that makes it ([`imported_key`]), by the template
/// parameter that carries a key of the app from another region, or as text that is a
/// key's ARN or alias (`alias/…`, `arn:…:kms:…:key/…`; a bare key id, `mrk-…` or a UUID,
/// may be an AWS-managed key's). A key ARN that writes its account as a number is another
/// account's: the stack's own account is `${AWS::AccountId}`, never written as a number in
/// a template of the app, and a key of another account is used and disabled at that
/// account's will.
pub(super) fn not_a_key(cx: &Cx<'_>, value: &Value) -> Option<&'static str> {
    key_read(cx, value, 0)
}

/// [`not_a_key`], `depth` imports deep.
fn key_read(cx: &Cx<'_>, value: &Value, depth: usize) -> Option<&'static str> {
    const KEYS: &[&str] = &["AWS::KMS::Key", "AWS::KMS::Alias", "AWS::KMS::ReplicaKey"];
    // Text that resolves is what the service reads, whatever else the value mentions: the
    // entries of a `Fn::Select` list that it does not select name nothing.
    if let Some(text) = super::meaning::text(value) {
        return text_not_a_key(&text);
    }
    let named = super::compute::Mentioned::of(value);
    let mentioned: Vec<&str> = cx
        .resources_named(&named)
        .iter()
        .map(|r| r.type_name())
        .collect();
    if !mentioned.is_empty() {
        return (!mentioned.iter().all(|t| KEYS.contains(t))).then_some(NOT_A_KEY);
    }
    if let Some((_, r)) = cx.across_regions(cx.template, value) {
        return (!KEYS.contains(&r.type_name())).then_some(NOT_A_KEY);
    }
    if let Some(name) = value
        .as_object()
        .filter(|m| m.len() == 1)
        .and_then(|m| m.get("Fn::ImportValue"))
    {
        return imported_key(cx, name, depth);
    }
    // Anything else that cannot be read may be any key.
    Some(
        "which no rule can read as a key of the app: refer to a `KmsKey` of the app or write the key's ARN",
    )
}

/// Why the import of the export named `name` carries no key of the app, if it does not.
/// `Fn::ImportValue` "returns the value of an output exported by another stack"
/// (CloudFormation User Guide, `Fn::ImportValue`), and a stack may export anything: an
/// AWS-managed key's alias (`alias/aws/s3`), another account's key ARN, the name of a log
/// group. The service reads the value exported, so it is read as [`not_a_key`] reads a key
/// in the stack that exports it ([`super::flows::export_named`]): the export must be made
/// by a stack of the app of this stack's own region and account (the only exports an import
/// reads), and be a key of that stack (the `Ref` or `Arn` of its `AWS::KMS::Key` or
/// `AWS::KMS::ReplicaKey`, an alias of it, its ARN in `${AWS::AccountId}`), never
/// `alias/aws/…`. An export of no stack of the app, of another region or account, or named
/// only at deploy may be any key.
fn imported_key(cx: &Cx<'_>, name: &Value, depth: usize) -> Option<&'static str> {
    use super::flows::{Export, export_named};
    const NO_EXPORT: &str = "an import that carries no key of the app: no stack of the app in this stack's region and account exports that name (an export made elsewhere, or a name known only at deploy, may be any key); import the export of a `KmsKey` of the app";
    let Some(name) = super::meaning::import_name(name) else {
        return Some(NO_EXPORT);
    };
    match export_named(cx, &name) {
        // An export that is itself an import is read where that one is made, a few
        // stacks deep at most.
        Export::Made(there, carried) if depth < 4 => {
            if super::meaning::aws_managed_key(&carried) {
                Some(
                    "an import that carries no key of the app: its export is an AWS-managed key (`alias/aws/…`), not a customer-managed key; export a `KmsKey` of the app (its `Arn`) and import that",
                )
            } else {
                key_read(&there, &carried, depth + 1).map(|_| {
                    "an import that carries no key of the app: its export is not a customer-managed key of the stack that makes it (another account's key, a key id written bare, or no key at all); export a `KmsKey` of the app (its `Arn`) and import that"
                })
            }
        }
        _ => Some(NO_EXPORT),
    }
}

const NOT_A_KEY: &str = "which is not a KMS key (a key of the app, its ARN, id or alias)";

/// Why text does not name a KMS key of the stack's own account, if it does not: it must be
/// a key's ARN or an alias (`alias/…`, `arn:…:kms:…:key/…`), and an ARN must write its
/// account as `${AWS::AccountId}`; a bare key id (`mrk-…`, a UUID) fails. Text that holds a dynamic reference
/// (`alias/{{resolve:ssm:…}}`) is a name CloudFormation reads from Parameter Store or Secrets
/// Manager at deploy ("CloudFormation retrieves the value of the specified reference when
/// necessary during stack and change set operations", the CloudFormation user guide, "Get
/// values stored in other services using dynamic references"), which may name `alias/aws/…`
/// then.
fn text_not_a_key(text: &str) -> Option<&'static str> {
    if super::identity::dynamic(text) {
        return Some(
            "whose dynamic reference CloudFormation reads only at deploy (it may name an AWS-managed key then): write the key of the app in the template",
        );
    }
    // The pseudo parameters that `text` keeps hold `::`: read them as one field each.
    const OWN_ACCOUNT: &str = "\u{0}account";
    let text = text
        .trim()
        .replace("${AWS::AccountId}", OWN_ACCOUNT)
        .replace("${AWS::Region}", "\u{0}region");
    let parts: Vec<&str> = text.splitn(6, ':').collect();
    if let ["arn", _, "kms", _, account, rest] = parts.as_slice()
        && (rest.starts_with("key/") || rest.starts_with("alias/"))
    {
        return (*account != OWN_ACCOUNT).then_some(
            "a key of the account written in its ARN, not of the stack's own account (write `${AWS::AccountId}` in `Fn::Sub` for a key of this account, or refer to a `KmsKey` of the app)",
        );
    }
    if !shaped_as_key(&text) {
        return Some(NOT_A_KEY);
    }
    // A key id written bare (a UUID, `mrk-…`) names neither a key of the app nor an account:
    // KMS reads it in the caller's account, whose AWS-managed keys have key ids of the
    // same UUID shape (AWS KMS developer guide, "Key identifiers (KeyId)": every KMS key
    // has one), so a UUID may be the id of `aws/s3` as well as of a key the user made. A key
    // is customer-managed only as a key of the app or an ARN the user declared as one (the
    // design's "Meaning, not spelling"), as OS1 reads the key of an encryption policy: write
    // the key's ARN in `${AWS::AccountId}`, or refer to a `KmsKey` of the app. An alias
    // other than `alias/aws/…` (refused before this is read) passes: that prefix is AWS's.
    (!text.starts_with("alias/")).then_some(
        "a key id written bare, which names no key of the app and no account (KMS reads it in the deploying account, whose AWS-managed keys have ids of the same shape): write the key's ARN in the stack's own account (`arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/<id>` in `Fn::Sub`), or refer to a `KmsKey` of the app",
    )
}

/// Whether text has the shape of a KMS key's name: a key's or alias's ARN
/// (`arn:…:kms:…:key/…`, `arn:…:kms:…:alias/…`), an alias (`alias/…`), a multi-Region key
/// id (`mrk-…`) or a key id (a UUID), whatever account an ARN names.
pub(super) fn shaped_as_key(text: &str) -> bool {
    let text = text.trim();
    let parts: Vec<&str> = text.splitn(6, ':').collect();
    if let ["arn", _, "kms", _, _, rest] = parts.as_slice() {
        return rest.starts_with("key/") || rest.starts_with("alias/");
    }
    // A key id is the whole text: a multi-Region key's (`mrk-` and 32 hexadecimal digits)
    // or another key's (a UUID). The id after a `/` or `:` of other text (`arn:aws:s3:::b/mrk-…`,
    // `keys/1234abcd-…`) is a name of something else, which no service reads as a key.
    let hex = |t: &str, dashes: bool| {
        t.chars()
            .all(|c| c.is_ascii_hexdigit() || (dashes && c == '-'))
    };
    let uuid = text.len() == 36
        && text
            .char_indices()
            .all(|(i, c)| (c == '-') == matches!(i, 8 | 13 | 18 | 23))
        && hex(text, true);
    let multi_region = text
        .strip_prefix("mrk-")
        .is_some_and(|id| !id.is_empty() && hex(id, false));
    text.starts_with("alias/") || multi_region || uuid
}

// ---------------------------------------------------------------------------------------
// The rules.
// ---------------------------------------------------------------------------------------

fn l3(cx: &Cx<'_>) -> Outcome {
    let mut checks = vec![
        notifying(cx, "/AlarmActions"),
        notifying(cx, "/InsufficientDataActions"),
    ];
    // `ActionsEnabled` is true when it is not written (CloudFormation's
    // `AWS::CloudWatch::Alarm` reference); false, the alarm runs none of its actions.
    match cx.prop("/ActionsEnabled") {
        None | Some(Value::Null) => {}
        Some(v) if super::is_true(v) => checks.push(cx.present("/ActionsEnabled")),
        Some(v) => checks.push(Err(format!(
            "`ActionsEnabled` is {}, not true: the alarm runs none of its actions",
            super::meaning::text_or_json(v)
        ))),
    }
    let lists = ["/AlarmActions", "/InsufficientDataActions"];
    if let Outcome::Pass(_) = all(checks.iter().cloned()) {
        let undelivered: Vec<String> = lists
            .iter()
            .filter_map(|pointer| undeliverable(cx, pointer))
            .collect();
        if !undelivered.is_empty() {
            return Outcome::Fail(undelivered.join("; "));
        }
    }
    match all(checks) {
        // Each list is read on its own: a subscribed topic told when the alarm fires says
        // nothing of the one told when its data stops.
        Outcome::Pass(proofs) => match lists
            .iter()
            .find_map(|pointer| unsubscribed(cx, pointer).map(|topic| (pointer, topic)))
        {
            Some((pointer, topic)) => Outcome::Gap(format!(
                "every action of `{}` that notifies is the topic `{topic}`, which no subscription of the app reads (its `Subscription` or an `AWS::SNS::Subscription`): whether anyone is told is not shown; subscribe the on-call rota (`AlarmTopic::email`), or waive L3 with where the topic is subscribed outside the app",
                pointer_name(pointer)
            )),
            None => Outcome::Pass(proofs),
        },
        other => other,
    }
}

/// The actions at `pointer` (`AlarmActions`, …) of an alarm that notify (a topic, or
/// anything [`notifies`] takes for one).
fn notifying_actions<'a>(cx: &Cx<'a>, pointer: &str) -> Vec<&'a Value> {
    cx.prop(pointer)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|a| notifies(cx, a))
        .collect()
}

/// The topic, when every action of the alarm's list at `pointer` that notifies
/// ([`notifies`]) is a topic of the app (a `Ref` in its stack, its ARN written as text with
/// its `TopicName` in the stack's own account and region, an import of its export in
/// another stack) and none of them has a
/// subscriber in the app: an entry of its `Subscription`, or an `AWS::SNS::Subscription` of
/// any stack whose `TopicArn` names it and that has no `FilterPolicy`, whose matching of
/// the alarm's messages no rule reads. A topic with no subscriber delivers to no one
/// (SNS developer guide). `None` when an action is anything else (a function, an incident
/// plan, a topic named by text), whose readers the template does not show either way.
fn unsubscribed<'a>(cx: &Cx<'a>, pointer: &str) -> Option<&'a str> {
    let actions = notifying_actions(cx, pointer);
    let topics: Vec<(Option<&str>, &Resource, super::Exports<'_>)> = cx
        .everywhere("AWS::SNS::Topic")
        .map(|(stack, topic)| (stack, topic, cx.exports_of(stack, topic.logical_id())))
        .collect();
    // The topic each action names: by a `Ref` of its own stack, or an import of an export.
    let named = |action: &Value| {
        topics.iter().find(|(stack, topic, exports)| {
            (stack.is_none()
                && (is_topic_arn(action, topic.logical_id()) || is_named_topic(action, topic)))
                || is_import_of(cx, None, action, exports)
        })
    };
    let mut first = None;
    for action in actions {
        let (stack, topic, exports) = named(action)?;
        let subscribed = topic.properties()["Subscription"]
            .as_array()
            .is_some_and(|entries| {
                entries
                    .iter()
                    .any(|e| !e.is_null() && !super::meaning::no_value(e))
            })
            || cx
                .everywhere("AWS::SNS::Subscription")
                .any(|(home, subscription)| {
                    let p = subscription.properties();
                    let arn = &p["TopicArn"];
                    // A filter policy delivers only the messages it matches, and an alarm's
                    // carry no message attributes: no rule reads whether it matches them.
                    let filtered = !p["FilterPolicy"].is_null()
                        && !super::meaning::no_value(&p["FilterPolicy"]);
                    !filtered
                        && ((home == *stack && is_topic_arn(arn, topic.logical_id()))
                            || is_import_of(cx, home, arn, exports))
                });
        if subscribed {
            return None;
        }
        first.get_or_insert(topic.logical_id());
    }
    first
}

/// Why no one is told through the list of actions at `pointer`, when every action of it that
/// notifies ([`notifies`]) is a topic of this template encrypted with a KMS key of this
/// template whose key policy does not allow CloudWatch to use it: an AWS service that
/// publishes to an encrypted topic needs `kms:GenerateDataKey*` and `kms:Decrypt` on the
/// topic's key in the key policy (SNS developer guide, "Enable compatibility between event
/// sources from AWS services and encrypted topics", which lists CloudWatch), and a service
/// principal gets nothing from IAM policies: without them the alarm's notification is
/// never published. A key without `KeyPolicy` has KMS's default key policy, which allows
/// only the account's principals (`AWS::KMS::Key` `KeyPolicy`). An AWS-managed key
/// (`alias/aws/sns`, in any spelling [`meaning::aws_managed_key`](super::meaning::aws_managed_key)
/// reads) never allows it: "you can only change the key policy for a customer managed key.
/// The policies of AWS managed keys are created and managed by the AWS service that created
/// the KMS key" (KMS developer guide, "Change a key policy"), and the SNS section above asks
/// for a customer managed key for event sources of AWS services. A policy no rule can read,
/// or a key written as text or a topic outside the template, is not judged here.
fn undeliverable(cx: &Cx<'_>, pointer: &str) -> Option<String> {
    let actions = notifying_actions(cx, pointer);
    let mut refused = Vec::new();
    for action in &actions {
        // A topic of another stack, named by an import of its export, is read there.
        let (there, action) = super::flows::where_made(cx, action)?;
        let topic = there
            .others("AWS::SNS::Topic")
            .find(|t| is_topic_arn(&action, t.logical_id()) || is_named_topic(&action, t))?;
        let cx = &there.on(topic);
        let written = &topic.properties()["KmsMasterKeyId"];
        let value =
            &super::flows::where_made(cx, written).map_or_else(|| written.clone(), |(_, v)| v);
        if super::meaning::aws_managed_key(value) {
            refused.push(format!(
                "`{}` (the AWS-managed key {}, whose key policy no one can change)",
                topic.logical_id(),
                super::meaning::text_or_json(value)
            ));
            continue;
        }
        let key = topic_key(cx, written)?;
        if cloudwatch_may_use(key)? {
            return None;
        }
        refused.push(format!(
            "`{}` (key `{}`)",
            topic.logical_id(),
            key.logical_id()
        ));
    }
    (!refused.is_empty()).then(|| {
        format!(
            "every action of `{}` that notifies is a topic encrypted with a key whose key policy does not allow `cloudwatch.amazonaws.com` `kms:GenerateDataKey*` and `kms:Decrypt` ({}): CloudWatch cannot publish to it, so no one is told; encrypt the topic with a key of the app that allows the service (as `KmsKey` does for an `AlarmTopic`)",
            pointer_name(pointer),
            refused.join(", ")
        )
    })
}

/// The `AWS::KMS::Key` of the app a topic's `KmsMasterKeyId` (written in the stack of `cx`)
/// names: by reference to the key, or to an `AWS::KMS::Alias` (or its `AliasName` as text)
/// whose `TargetKeyId` names it. A key or alias of another stack named by an import of its
/// export is read in that stack ([`super::flows::where_made`]), and an alias named as text
/// may be of any stack of the topic's region and account, where the name is the one alias
/// of that name ("The alias name must be unique in the AWS account and Region",
/// `AWS::KMS::Alias` `AliasName`). `None` when it names no one key of the app.
fn topic_key<'a>(cx: &Cx<'a>, value: &Value) -> Option<&'a Resource> {
    // The keys a value names, read in the stack that makes it.
    let named = |cx: &Cx<'a>, v: &Value| -> Vec<&'a Resource> {
        let Some((there, v)) = super::flows::where_made(cx, v) else {
            return Vec::new();
        };
        there
            .others("AWS::KMS::Key")
            .filter(|k| super::compute::mentions(&v, k.logical_id()))
            .collect()
    };
    let mut found = named(cx, value);
    if found.is_empty() {
        let (there, value) = super::flows::where_made(cx, value)?;
        let text = super::meaning::text(&value);
        for (stack, alias) in there.importable(there.at, "AWS::KMS::Alias") {
            let by_name = text.as_deref().is_some_and(|t| {
                super::meaning::text(&alias.properties()["AliasName"])
                    .is_some_and(|own| own.trim() == t.trim())
            });
            let by_reference =
                stack.is_none() && super::compute::mentions(&value, alias.logical_id());
            if by_name || by_reference {
                let home = there.in_stack_or_here(stack, alias);
                found.extend(named(&home, &alias.properties()["TargetKeyId"]));
            }
        }
    }
    match found.as_slice() {
        [key] => Some(key),
        _ => None,
    }
}

/// Whether the key policy of `key` may allow CloudWatch (`cloudwatch.amazonaws.com`, or
/// every principal) both `kms:GenerateDataKey` and `kms:Decrypt`, read for the best: an
/// action or principal that cannot be read may be them. `None` when the policy cannot be
/// read at all.
fn cloudwatch_may_use(key: &Resource) -> Option<bool> {
    if super::lookup(key.properties(), "/KeyPolicy").is_none_or(super::meaning::no_value) {
        return Some(false);
    }
    let document = policy_document(key, "/KeyPolicy")?;
    if super::identity::unreadable_statements(&document, "KeyPolicy").is_some() {
        return None;
    }
    let unreadable = |v: &Value| {
        super::meaning::text(v)
            .is_none_or(|t| super::identity::dynamic(&t) || t.contains(super::meaning::UNKNOWN))
    };
    let for_cloudwatch = |s: &Value| {
        let principal = &s["Principal"];
        let service = &principal["Service"];
        let entries: Vec<&Value> = match service {
            Value::Array(items) => items.iter().collect(),
            Value::Null => Vec::new(),
            v => vec![v],
        };
        everyone(principal)
            || entries.iter().any(|v| {
                unreadable(v)
                    || super::meaning::text(v)
                        .is_some_and(|t| t.trim() == "cloudwatch.amazonaws.com")
            })
    };
    let allowed = |action: &str| {
        statements(&document).iter().any(|(_, s)| {
            super::identity::allows(s)
                && for_cloudwatch(s)
                && match &s["Action"] {
                    Value::Array(items) => items.iter().any(|a| {
                        unreadable(a)
                            || super::meaning::text(a).is_some_and(|t| glob(t.trim(), action))
                    }),
                    Value::Null => false,
                    a => {
                        unreadable(a)
                            || super::meaning::text(a).is_some_and(|t| glob(t.trim(), action))
                    }
                }
        })
    };
    Some(allowed("kms:GenerateDataKey") && allowed("kms:Decrypt"))
}

/// Whether `value` is the ARN of the topic `id` of its template: its `Ref`, or
/// `Fn::GetAtt` of its `TopicArn`.
fn is_topic_arn(value: &Value, id: &str) -> bool {
    match (value.get("Ref"), value.get("Fn::GetAtt")) {
        (Some(Value::String(name)), _) => name == id,
        (_, Some(Value::Array(a))) => {
            a.len() == 2 && a[0].as_str() == Some(id) && a[1].as_str() == Some("TopicArn")
        }
        (_, Some(Value::String(s))) => s.split_once('.') == Some((id, "TopicArn")),
        _ => false,
    }
}

/// Whether `value` is, as text, the ARN of `topic` (of the same template) by its
/// `TopicName`: `arn:<partition>:sns:${AWS::Region}:${AWS::AccountId}:<name>`, the topic's
/// ARN (`Ref` of `AWS::SNS::Topic` returns it, the CloudFormation reference). A region or
/// account written out may be another's, whose topic the template does not show.
fn is_named_topic(value: &Value, topic: &Resource) -> bool {
    let Some(name) = super::meaning::text(&topic.properties()["TopicName"]) else {
        return false;
    };
    let Some(arn) = super::meaning::text(value) else {
        return false;
    };
    let name = name.trim();
    arn.trim()
        .strip_prefix("arn:")
        .and_then(|rest| rest.split_once(':'))
        .is_some_and(|(_, rest)| {
            !name.is_empty() && rest == format!("sns:${{AWS::Region}}:${{AWS::AccountId}}:{name}")
        })
}

/// Whether `value` is, as text, an SNS topic ARN whose name is `topic`'s `TopicName`, in
/// whatever partition, region and account it writes: written out, they may be the stack's
/// own (a subscription so written subscribes to the topic once deployed there).
fn may_be_named_topic(value: &Value, topic: &Resource) -> bool {
    let Some(name) = super::meaning::text(&topic.properties()["TopicName"]) else {
        return false;
    };
    let Some(arn) = super::meaning::text(value) else {
        return false;
    };
    let name = name.trim();
    let parts: Vec<&str> = arn.trim().splitn(6, ':').collect();
    !name.is_empty() && matches!(parts.as_slice(), ["arn", _, "sns", _, _, last] if *last == name)
}

/// Whether `value`, of the stack named `home` (`None`: the stack of `cx`), is an
/// `Fn::ImportValue` of one of `exports` where CloudFormation resolves it: from a stack of
/// the exporting stack's region and account ([`super::Exports::named_from`]); the import of
/// the same name in another region is that region's export.
fn is_import_of(
    cx: &Cx<'_>,
    home: Option<&str>,
    value: &Value,
    exports: &super::Exports<'_>,
) -> bool {
    value
        .get("Fn::ImportValue")
        .and_then(super::meaning::import_name)
        .is_some_and(|name| {
            cx.position(home)
                .is_some_and(|at| exports.named_from(cx, at, &name))
        })
}

/// The list of actions at `pointer` holds one that notifies someone ([`notifies`]).
fn notifying(cx: &Cx<'_>, pointer: &str) -> Result<Proof, String> {
    let proof = cx.present(pointer)?;
    let name = pointer_name(pointer);
    let Some(actions) = cx.prop(pointer).and_then(Value::as_array) else {
        return Err(format!(
            "`{name}` is {}, not a list of actions",
            super::meaning::text_or_json(cx.prop(pointer).unwrap_or(&Value::Null))
        ));
    };
    if actions.iter().any(|a| notifies(cx, a)) {
        Ok(proof)
    } else {
        Err(format!(
            "no action of `{name}` notifies anyone: it is empty, or an EC2 action (`arn:aws:automate:…`) or a scaling policy, which tell no one, or a value read at deploy (a dynamic reference, an SSM parameter's or a custom resource's value), which may be either"
        ))
    }
}

/// Whether an alarm action may notify someone (an SNS topic, a Lambda function, an
/// incident or an OpsItem): not empty or removed (`AWS::NoValue`), not an EC2 action that
/// stops, terminates, reboots or recovers an instance (`arn:aws:automate:…`), and not a
/// scaling policy (`arn:aws:autoscaling:…`, or a reference to one of the template). An
/// import of another stack's export is "the value of an output exported by another stack"
/// (`Fn::ImportValue`), an action "specified as an Amazon Resource Name (ARN)" (CloudWatch
/// `PutMetricAlarm`, `AlarmActions`) all the same: it is read as the value the export
/// carries, in the stack that makes it ([`super::flows::where_made`]), so that an imported
/// scaling policy or SSM parameter's value tells no one as it does in one stack (the import
/// written alone, in an `Fn::Join` of it alone, or as `${V}` of an `Fn::Sub` whose `V` it
/// is); an import no rule can follow, or text built around one, may be either, and is read
/// for the worst.
fn notifies(cx: &Cx<'_>, action: &Value) -> bool {
    if super::meaning::no_value(action) {
        return false;
    }
    if super::meaning::sole_import(action).is_some() {
        return super::flows::where_made(cx, action)
            .is_some_and(|(there, made)| notifies(&there, &made));
    }
    // Text built around an import (`Fn::Join` of it and more) is an ARN whose pieces are
    // known only where another stack makes them: any action, read for the worst.
    if super::coverage::holds_key(action, "Fn::ImportValue") {
        return false;
    }
    // Text read at deploy (a dynamic reference) may be an EC2 action or a scaling policy.
    if let Some(text) = super::meaning::text(action) {
        let text = text.trim();
        return !text.is_empty()
            && !super::identity::dynamic(text)
            && !matches!(text.split(':').nth(2), Some("automate" | "autoscaling"));
    }
    // A value that refers to resources of the template notifies only when each is one that
    // an alarm action reaches someone through: the value of an SSM parameter, a custom
    // resource's attribute or a scaling policy is chosen elsewhere, or tells no one.
    const NOTIFYING: &[&str] = &[
        "AWS::SNS::Topic",
        "AWS::Lambda::Function",
        "AWS::Lambda::Alias",
        "AWS::Lambda::Version",
        "AWS::SSMIncidents::ResponsePlan",
    ];
    super::Mentioned::of(action)
        .plain_names()
        .iter()
        .filter_map(|id| cx.template.resource(id))
        .all(|r| NOTIFYING.contains(&r.type_name()))
}

fn n1(cx: &Cx<'_>) -> Outcome {
    all([customer_key(cx, "/KmsMasterKeyId")])
}

/// Whether a statement denies everyone `action` without TLS, with no other condition
/// narrowing the denial.
fn denies_insecure(statement: &Value, action: &str) -> bool {
    super::identity::denies(statement)
        && everyone(&statement["Principal"])
        && strings(&statement["Action"])
            .iter()
            .any(|a| glob(a, action))
        && super::storage::only_without_tls(statement)
}

fn n2(cx: &Cx<'_>) -> Outcome {
    let policy = tls_only_policy(cx, &TLS_TOPIC);
    let (plain, mails_alarms) = plain_deliveries(cx);
    if plain.is_empty() {
        // A topic that mails by the `AlarmTopic` exception holds N2 by what the construct
        // is, not by a setting: the construct kind joins the proofs, so the engine reports
        // the pass as the topic's recorded exception, a waived gap (probe 18b F4).
        return match policy {
            Outcome::Pass(mut evidence) if mails_alarms => {
                evidence.push(super::Proof::construct_kind(cx.id()));
                Outcome::Pass(evidence)
            }
            other => other,
        };
    }
    let why = format!(
        "{}: the topic delivers its messages outside TLS (in plain text over HTTP, as text messages over the carriers' networks, or as mail relayed by SMTP, which a server on the way may relay without TLS), or may where no rule can read the subscription, whatever its policy asks of publishers; subscribe an `https` endpoint, a queue, a function or a delivery stream instead",
        plain.join("; ")
    );
    match policy {
        Outcome::Fail(f) => Outcome::Fail(format!("{f}; {why}")),
        _ => Outcome::Fail(why),
    }
}

/// The subscriptions of the app by which the topic delivers outside TLS. A subscription's
/// `Protocol` `http` is "delivery of JSON-encoded message via HTTP POST" to "a URL beginning
/// with http://" (SNS API reference, `Subscribe`; the `Protocol` of `AWS::SNS::Subscription`
/// and of the topic's own `Subscription` entries is that parameter): every message published,
/// over TLS or not, leaves SNS unencrypted. hostile review 20: so does `sms`, "delivery of
/// message via SMS" (the same reference), a text message carried by the mobile carriers'
/// networks to a phone number, outside any TLS session of the account's. hostile review 21:
/// and so do `email` and `email-json`, "delivery of message via SMTP" (the same reference),
/// which mail servers relay in plain text wherever one on the way offers no TLS, as `A5`
/// reads them; the one exception is `A5`'s ([`alarm_mail`]): the `email` subscriptions of an
/// `AlarmTopic` (the typed construct, which a raw resource cannot claim), on the topic or on
/// a subscription of its template whose `TopicArn` is its `Ref`, which mail CloudWatch alarm
/// notices, not records. Read are the topic's `Subscription` entries and every
/// `AWS::SNS::Subscription` of its stack whose `TopicArn` mentions it, of any stack of the
/// app whose `TopicArn` is its ARN written with its `TopicName` (in the deploying stack's
/// region and account, or any written out, which may be the topic's own: a subscription of
/// another stack so written subscribes to the topic as well), of any stack importing an
/// export of it anywhere inside `TopicArn` (an `Fn::Sub` of `${V}` whose variable is the
/// import makes the same ARN, as `${Topic}` does in the topic's own stack), and of a stack
/// of another region whose
/// `TopicArn` is the template parameter of hipaa-stack's that this stack's output fills
/// (`AWS::SNS::Subscription` `Region`: "The region in which the topic resides"). A protocol
/// that cannot be read before deploy (a dynamic reference, another resource's value) may be
/// `http`. The second value: whether an `AlarmTopic`'s e-mail was let through by that
/// exception.
fn plain_deliveries(cx: &Cx<'_>) -> (Vec<String>, bool) {
    let plain = |protocol: &Value| match super::meaning::text(protocol) {
        Some(t) if super::identity::dynamic(&t) => true,
        Some(t) => ["http", "sms", "email", "email-json"]
            .iter()
            .any(|p| t.trim().eq_ignore_ascii_case(p)),
        None => !(protocol.is_null() || super::meaning::no_value(protocol)),
    };
    let alarms = cx.resource.construct_kind() == Some("AlarmTopic");
    let mut found = Vec::new();
    let mut excepted = false;
    // hostile review 20: a list, or an entry of it, written whole as an intrinsic function
    // (`Fn::Select` of lists of entries, a custom resource's attribute) subscribes endpoints
    // no rule reads before deploy, which may be `http` or `sms` ones.
    match cx.prop("/Subscription") {
        Some(Value::Array(entries)) => {
            for (i, entry) in entries.iter().enumerate() {
                if super::meaning::no_value(entry) {
                    continue;
                }
                if super::identity::intrinsic(entry) {
                    found.push(format!(
                        "`Subscription.{i}` is {}, a subscription no rule can read before deploy",
                        super::meaning::text_or_json(entry)
                    ));
                } else if alarm_mail(&entry["Protocol"], alarms) {
                    excepted = true;
                } else if plain(&entry["Protocol"]) {
                    found.push(format!(
                        "`Subscription.{i}.Protocol` is {}",
                        super::meaning::text_or_json(&entry["Protocol"])
                    ));
                }
            }
        }
        Some(other) if !other.is_null() => found.push(format!(
            "`Subscription` is {}, a list no rule can read before deploy",
            super::meaning::text_or_json(other)
        )),
        _ => {}
    }
    let exports = cx.own_exports();
    for (home, subscription) in cx.everywhere("AWS::SNS::Subscription") {
        let p = subscription.properties();
        let arn = &p["TopicArn"];
        let of_topic = (home.is_none() && super::mentions(arn, cx.id()))
            || is_named_topic(arn, cx.resource)
            || may_be_named_topic(arn, cx.resource)
            || exports.imported_in(cx, home, arn)
            || home.is_some_and(|stack| {
                cx.across_regions(cx.template_of(Some(stack)), arn)
                    .is_some_and(|(from, r)| from == cx.stack && r.logical_id() == cx.id())
            });
        let own_alarm_mail = alarms
            && home.is_none()
            && arn.get("Ref").and_then(Value::as_str) == Some(cx.id())
            && alarm_mail(&p["Protocol"], true);
        excepted |= of_topic && own_alarm_mail;
        if of_topic && plain(&p["Protocol"]) && !own_alarm_mail {
            let name = home.map_or_else(
                || subscription.logical_id().to_owned(),
                |stack| format!("{stack}/{}", subscription.logical_id()),
            );
            found.push(format!(
                "the subscription `{name}` has `Protocol` {}",
                super::meaning::text_or_json(&p["Protocol"])
            ));
        }
    }
    (found, excepted)
}

/// Whether `protocol` is the `email` an `AlarmTopic` writes for its on-call rota, on a topic
/// that is one (`alarm_topic`): the exception `A5` makes (`services.rs`, `alarm_mail`), in
/// the same exact spelling.
fn alarm_mail(protocol: &Value, alarm_topic: bool) -> bool {
    alarm_topic && super::meaning::text(protocol).as_deref() == Some("email")
}

/// What [`tls_only_policy`] reads for one kind of resource.
pub(crate) struct TlsPolicy {
    /// The policy type, e.g. `AWS::SNS::TopicPolicy`.
    pub(crate) policy_type: &'static str,
    /// The property of the policy that lists the resources, e.g. `Topics`.
    pub(crate) list: &'static str,
    /// The type of the resource the rule reads, e.g. `AWS::SNS::Topic`.
    pub(crate) own_type: &'static str,
    /// The actions that must each be denied without TLS (by one statement or several),
    /// e.g. `sns:Publish`: those that carry the messages in or out.
    pub(crate) actions: &'static [&'static str],
    /// What the resource is called in messages, e.g. `topic`.
    pub(crate) noun: &'static str,
    /// The service in the resource's ARN, e.g. `sns`.
    pub(crate) service: &'static str,
    /// The property that names the resource, e.g. `TopicName`.
    pub(crate) name_property: &'static str,
    /// The attribute that is its ARN, e.g. `TopicArn`.
    pub(crate) arn_attribute: &'static str,
    /// Whether its `Ref` is its ARN (a topic's is; a queue's is its URL).
    pub(crate) ref_is_arn: bool,
    /// The policy type that names one resource, and its property that names it, e.g.
    /// `AWS::SNS::TopicInlinePolicy` and `TopicArn`: it sets the same single policy of the
    /// resource as the list type does (whichever is applied last replaces the others).
    pub(crate) inline: (&'static str, &'static str),
}

const TLS_TOPIC: TlsPolicy = TlsPolicy {
    policy_type: "AWS::SNS::TopicPolicy",
    list: "Topics",
    own_type: "AWS::SNS::Topic",
    actions: &["sns:Publish"],
    noun: "topic",
    service: "sns",
    name_property: "TopicName",
    arn_attribute: "TopicArn",
    ref_is_arn: true,
    inline: ("AWS::SNS::TopicInlinePolicy", "TopicArn"),
};

pub(super) const TLS_QUEUE: TlsPolicy = TlsPolicy {
    policy_type: "AWS::SQS::QueuePolicy",
    list: "Queues",
    own_type: "AWS::SQS::Queue",
    // A message is read as it was sent: denying only `sqs:SendMessage` without TLS still
    // lets a consumer receive it, PHI and all, over plain HTTP.
    actions: &["sqs:SendMessage", "sqs:ReceiveMessage"],
    noun: "queue",
    service: "sqs",
    name_property: "QueueName",
    arn_attribute: "Arn",
    ref_is_arn: false,
    inline: ("AWS::SQS::QueueInlinePolicy", "Queue"),
};

/// The kinds of policy that [`tls_only_policy`] reads, which the [`super::Index`] reads
/// once for the app ([`PolicyNames`]).
pub(super) const TLS_POLICIES: [&TlsPolicy; 2] = [&TLS_TOPIC, &TLS_QUEUE];

/// What a policy of a [`TlsPolicy`] kind names in its list (`Topics`, `Queues`), read once
/// as its stack is rendered, so that a topic or queue looks up the policies that may name
/// it instead of reading every policy of the app (a queue in every stack cost the square
/// of a large app's size).
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct PolicyNames {
    /// An entry is known only at deploy: text of a dynamic reference, or a reference to a
    /// resource of its template of another type than the one the rule reads (an SSM
    /// parameter's `Value`, a custom resource's attribute), whose value may be the ARN of
    /// a resource of any stack of the app, as a bucket policy's `Bucket` so written may
    /// name a bucket of any stack for S8: the policy may name any resource of the app.
    pub(super) every: bool,
    /// The names the entries mention ([`super::compute::Mentioned`]), each once: the
    /// resources of its template they name.
    pub(super) mentions: Vec<String>,
    /// The exports the entries import, each once: the resources of other stacks they name.
    pub(super) imports: Vec<String>,
    /// The names the entries written as text give as an ARN of the kind's service
    /// ([`arn_name`]), each once: a resource of that name in any stack of the app, whose
    /// policy a policy of another stack replaces as well as one of its own (an ARN's region
    /// and account written as text, or as the deploying stack's, may be its own).
    pub(super) arn_names: Vec<String>,
}

impl PolicyNames {
    /// What `policy`, of `kind` and of `template`, names.
    pub(super) fn of(template: &Template, policy: &Resource, kind: &TlsPolicy) -> Self {
        let listed = &policy.properties()[kind.list];
        let unknown = |t: &Value| known_only_at_deploy(template, kind, t);
        let items = match listed {
            Value::Array(items) => items.as_slice(),
            other => {
                return PolicyNames {
                    every: unknown(other),
                    ..PolicyNames::default()
                };
            }
        };
        let mut mentions: Vec<&str> = Vec::new();
        let mut imports: Vec<String> = Vec::new();
        let mut arn_names: Vec<String> = Vec::new();
        for t in items {
            mentions.extend_from_slice(super::compute::Mentioned::of(t).plain_names());
            mentions.extend(
                template
                    .resources()
                    .iter()
                    .filter(|r| named_by_arn(kind, r, t))
                    .map(Resource::logical_id),
            );
            super::imported_names(t, &mut imports);
            arn_names.extend(arn_name(kind, t));
        }
        mentions.sort_unstable();
        mentions.dedup();
        imports.sort_unstable();
        imports.dedup();
        arn_names.sort_unstable();
        arn_names.dedup();
        PolicyNames {
            every: items.iter().any(unknown),
            mentions: mentions.into_iter().map(str::to_owned).collect(),
            imports,
            arn_names,
        }
    }
}

/// Whether an entry of a policy of `kind`, written in `template`, is known only at deploy:
/// text of a dynamic reference, or a reference to a resource of its template of another
/// type than the one the rule reads (an SSM parameter's `Value`), whose value may name a
/// resource of any stack of the app ([`PolicyNames::every`]).
fn known_only_at_deploy(template: &Template, kind: &TlsPolicy, value: &Value) -> bool {
    super::meaning::text(value).is_some_and(|t| super::identity::dynamic(&t))
        || template.resources().iter().any(|r| {
            r.type_name() != kind.own_type && super::compute::mentions(value, r.logical_id())
        })
}

/// Whether `value`, an entry of a policy's list (or an inline policy's one resource), is
/// text that may be the ARN of `resource` by its name: an ARN of the kind's service
/// (`arn:<partition>:sns:<region>:<account>:<name>`) whose last field is the resource's
/// name property (`TopicName`). The region and account are not compared: written as text
/// they are the deploy's when the stack is deployed there, so the policy may replace the
/// resource's own (whichever is applied last is its policy). Only for kinds whose
/// policies list ARNs (`Topics` of `AWS::SNS::TopicPolicy`, "The Amazon Resource Names
/// (ARN) of the topics to which you want to add the policy", and `TopicArn` of
/// `AWS::SNS::TopicInlinePolicy`); a queue's policies list URLs. Read in a policy of any
/// stack of the app: a policy of another stack that writes the topic's ARN as text sets
/// the topic's one policy as well as one of its own stack.
fn named_by_arn(kind: &TlsPolicy, resource: &Resource, value: &Value) -> bool {
    if resource.type_name() != kind.own_type {
        return false;
    }
    let Some(name) = super::meaning::text(&resource.properties()[kind.name_property]) else {
        return false;
    };
    !name.trim().is_empty() && arn_name(kind, value).as_deref() == Some(name.trim())
}

/// The name that `value`, written as text, gives as an ARN of the kind's service (its last
/// field, [`named_by_arn`]), for kinds whose policies list ARNs.
pub(super) fn arn_name(kind: &TlsPolicy, value: &Value) -> Option<String> {
    if !kind.ref_is_arn {
        return None;
    }
    let arn = super::meaning::text(value)?;
    let arn = arn.trim().replace("${AWS::", "${AWS-");
    let fields: Vec<&str> = arn.splitn(6, ':').collect();
    match fields.as_slice() {
        ["arn", _, service, _, _, last] if *service == kind.service => Some((*last).to_owned()),
        _ => None,
    }
}

/// The policies of `kind` of the app that may name the resource of `cx`, in the order of
/// stacks and templates, each with the name of its stack when it is another: a policy of
/// its own stack names it by reference, one of another stack by an import of an export of
/// its stack, one of any stack by its ARN written as text ([`named_by_arn`]) or by an
/// entry known only at deploy ([`PolicyNames::every`]).
fn naming_policies<'a>(cx: &Cx<'a>, kind: &TlsPolicy) -> Vec<(Option<&'a str>, &'a Resource)> {
    let exports = cx.own_exports();
    if cx.id().bytes().all(|b| b.is_ascii_alphanumeric()) {
        return cx
            .index
            .policies_naming(cx, kind, &exports)
            .into_iter()
            .filter_map(|position| {
                let (stack, policy) = super::resource_at(cx.stacks, position)?;
                Some(((position.0 != cx.at).then_some(stack), policy))
            })
            .collect();
    }
    // An id that is not letters and digits: no lookup by name finds it.
    naming_policies_read(cx, kind, &exports)
}

/// [`naming_policies`] read from every policy of `kind` of the app.
fn naming_policies_read<'a>(
    cx: &Cx<'a>,
    kind: &TlsPolicy,
    exports: &super::Exports<'_>,
) -> Vec<(Option<&'a str>, &'a Resource)> {
    cx.everywhere(kind.policy_type)
        .filter(|(stack, policy)| {
            let listed = &policy.properties()[kind.list];
            let unknown = |t: &Value| known_only_at_deploy(cx.template_of(*stack), kind, t);
            match listed {
                Value::Array(items) => items.iter().any(|t| {
                    unknown(t)
                        || named_by_arn(kind, cx.resource, t)
                        || match stack {
                            None => super::compute::mentions(t, cx.id()),
                            Some(_) => exports.imported_in(cx, *stack, t),
                        }
                }),
                other => unknown(other),
            }
        })
        .collect()
}

/// Every policy of the app that names the resource denies `action` without TLS, and at
/// least one names it.
pub(crate) fn tls_only_policy(cx: &Cx<'_>, kind: &TlsPolicy) -> Outcome {
    // A resource has one policy: whichever policy is applied last replaces the others, so
    // every policy that names the resource must deny the action without TLS. Policies of
    // other stacks name it by import; a policy whose resources are known only at deploy
    // (a dynamic reference, another resource's attribute) may name it.
    let mut proofs = Vec::new();
    let mut policies = Vec::new();
    let exports = cx.own_exports();
    let mut naming = naming_policies(cx, kind);
    naming.extend(naming_inline_policies(cx, kind, &exports));
    for (stack, policy) in naming {
        // For each action, the first statement that denies it without TLS on this resource.
        let found: Option<Vec<Proof>> =
            policy_document(policy, "/PolicyDocument").and_then(|document| {
                let statements = statements(&document);
                let mut found: Vec<Proof> = Vec::new();
                for action in kind.actions {
                    let (suffix, _) = statements.iter().find(|(_, s)| {
                        denies_insecure(s, action) && covers_own(cx, kind, s, &exports, stack)
                    })?;
                    let proof = statement_proof(policy, "/PolicyDocument", suffix)?;
                    if !found.contains(&proof) {
                        found.push(proof);
                    }
                }
                Some(found)
            });
        match found {
            Some(found) => proofs.extend(found.into_iter().map(|proof| proof.with_stack(stack))),
            None => policies.push(match stack {
                Some(stack) => format!("`{stack}/{}`", policy.logical_id()),
                None => format!("`{}`", policy.logical_id()),
            }),
        }
    }
    if !policies.is_empty() {
        return Outcome::Fail(format!(
            "{} policy {} has no Deny of {} to `*` on this {} (`Resource`) when `aws:SecureTransport` is false",
            kind.noun,
            policies.join(", "),
            kind.actions
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(" and "),
            kind.noun
        ));
    }
    if proofs.is_empty() {
        return Outcome::Fail(format!(
            "no `{}` of the app names the {} in `{}` (nor an `{}` in `{}`)",
            kind.policy_type, kind.noun, kind.list, kind.inline.0, kind.inline.1
        ));
    }
    Outcome::Pass(proofs)
}

/// The inline policies of `kind` (`AWS::SNS::TopicInlinePolicy`, …) of the app that may
/// name the resource of `cx`, each with the name of its stack when it is another: one of
/// its own stack by reference, one of another stack by an import of an export of its
/// stack, one of any stack by its ARN written as text ([`named_by_arn`]) or by a value
/// known only at deploy (a dynamic reference, an attribute of another resource of its
/// template: [`PolicyNames::every`]). AWS's reference: the inline policy "associates one
/// topic with one policy", the topic's only policy.
fn naming_inline_policies<'a>(
    cx: &Cx<'a>,
    kind: &TlsPolicy,
    exports: &super::Exports<'_>,
) -> Vec<(Option<&'a str>, &'a Resource)> {
    let (inline_type, property) = kind.inline;
    cx.everywhere(inline_type)
        .filter(|(stack, policy)| {
            let named = &policy.properties()[property];
            known_only_at_deploy(cx.template_of(*stack), kind, named)
                || named_by_arn(kind, cx.resource, named)
                || match stack {
                    None => super::compute::mentions(named, cx.id()),
                    Some(_) => exports.imported_in(cx, *stack, named),
                }
        })
        .collect()
}

/// Whether a statement of a policy of `kind` applies to the resource of `cx`: its
/// `Resource` holds `*`, a reference to it (`Fn::GetAtt` of its ARN attribute; `Ref` of a
/// topic, whose value is its ARN; an import of one of its exports, for a policy of another
/// stack), or an ARN pattern of its service whose name matches its name. `NotResource`
/// applies to it unless such an entry names it. A policy may list several queues or topics
/// (`Queues`, `Topics`) and a statement name only one of them: a Deny of another leaves this
/// one on plain HTTP. `stack`: the policy's stack (`None`: the resource's own), whose
/// imports read the exports of its own region and account only.
fn covers_own(
    cx: &Cx<'_>,
    kind: &TlsPolicy,
    statement: &Value,
    exports: &super::Exports<'_>,
    stack: Option<&str>,
) -> bool {
    let home = stack.is_none();
    let id = cx.id();
    let name = cx
        .prop(&format!("/{}", kind.name_property))
        .and_then(super::meaning::text)
        .filter(|n| !n.trim().is_empty());
    let names_own = |entry: &Value| -> bool {
        if super::meaning::no_value(entry) {
            return false;
        }
        if home {
            let attribute = match entry.get("Fn::GetAtt") {
                Some(Value::Array(a)) if a.len() == 2 && a[0].as_str() == Some(id) => a[1].as_str(),
                Some(Value::String(s)) => {
                    s.split_once('.').filter(|(r, _)| *r == id).map(|(_, a)| a)
                }
                _ => None,
            };
            if attribute == Some(kind.arn_attribute)
                || (kind.ref_is_arn && entry.get("Ref").and_then(Value::as_str) == Some(id))
            {
                return true;
            }
        } else if exports.imported_in(cx, stack, entry) {
            return true;
        }
        let arn = format!(
            "arn:aws:{}:region:account:{}",
            kind.service,
            name.as_deref().unwrap_or("<unnamed>")
        );
        let own = super::meaning::Own {
            id,
            // `${Topic}` in `Fn::Sub` is the topic's ARN; a queue's `Ref` is its URL.
            reference: if kind.ref_is_arn {
                arn.clone()
            } else {
                String::new()
            },
            arn,
            other: None,
        };
        let Some(pattern) = super::meaning::text_about(entry, &own) else {
            return false;
        };
        let pattern = pattern.trim();
        if pattern == "*" || pattern == own.arn {
            return true;
        }
        // `arn:partition:service:region:account:name`: the region and account are the
        // deploy's, which the template does not fix (`${AWS::Region}` is read as itself).
        let pattern = pattern.replace("${AWS::", "${AWS-");
        let fields: Vec<&str> = pattern.splitn(6, ':').collect();
        let [arn, _, service, _, _, resource] = fields.as_slice() else {
            return false;
        };
        glob(arn, "arn")
            && glob(service, kind.service)
            && match &name {
                Some(name) => glob(resource, name),
                // A name CloudFormation makes: only a pattern of every name matches it.
                None => resource.bytes().all(|b| b == b'*'),
            }
    };
    let entries = |key: &str| -> Option<Vec<&Value>> {
        match &statement[key] {
            Value::Null => None,
            Value::Array(items) => Some(items.iter().collect()),
            other if super::meaning::no_value(other) => None,
            other => Some(vec![other]),
        }
    };
    match (entries("Resource"), entries("NotResource")) {
        (Some(resources), _) => resources.into_iter().any(names_own),
        (None, Some(excluded)) => !excluded.into_iter().any(names_own),
        (None, None) => false,
    }
}

/// Whether a schedule runs at least once a day: `cron(…)` whose day-of-month, month,
/// day-of-week and year fields allow every day, or `rate(…)` of a day or less.
fn at_least_daily(expression: &str) -> bool {
    let expression = expression.trim();
    if let Some(inner) = expression
        .strip_prefix("cron(")
        .and_then(|rest| rest.strip_suffix(')'))
    {
        let fields: Vec<&str> = inner.split_whitespace().collect();
        // Every day of the month, every month, every day of the week, written as a
        // wildcard or as the whole range or list of values: AWS Backup reads AWS cron
        // expressions (API reference, `BackupRule.ScheduleExpression`, which points to the
        // schedule expressions of CloudWatch Events), whose day-of-month is 1-31, month
        // 1-12 or JAN-DEC and day-of-week 1-7 or SUN-SAT, with `,` and `-` (EventBridge
        // user guide, "Cron expressions reference"): `cron(0 5 ? * SUN-SAT *)` runs daily
        // as `cron(0 5 ? * * *)` does.
        const MONTHS: &[&str] = &[
            "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
        ];
        const DAYS: &[&str] = &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
        return fields.len() == 6
            && covers(fields[2], &[], 31)
            && (fields[3] == "*" || covers(fields[3], MONTHS, 12))
            && covers(fields[4], DAYS, 7)
            && fields[5] == "*";
    }
    if let Some(inner) = expression
        .strip_prefix("rate(")
        .and_then(|rest| rest.strip_suffix(')'))
    {
        let parts: Vec<&str> = inner.split_whitespace().collect();
        let [n, unit] = parts.as_slice() else {
            return false;
        };
        let Ok(n) = n.parse::<u64>() else {
            return false;
        };
        let minutes = match *unit {
            "minute" | "minutes" => Some(n),
            "hour" | "hours" => n.checked_mul(60),
            "day" | "days" => n.checked_mul(1440),
            _ => None,
        };
        return n > 0 && minutes.is_some_and(|m| m <= 1440);
    }
    false
}

/// Whether a cron field names every one of the values `1..=count` (`*`, `?`, or a list of
/// single values and ranges, numbers or the `names` of `1..=count` in order, in any case);
/// anything else (a step, `L`, `W`, `#`) is read as not every value.
fn covers(field: &str, names: &[&str], count: u32) -> bool {
    if field == "*" || field == "?" {
        return true;
    }
    let value = |v: &str| -> Option<u32> {
        v.parse::<u32>()
            .ok()
            .or_else(|| {
                names
                    .iter()
                    .position(|n| n.eq_ignore_ascii_case(v))
                    .and_then(|i| u32::try_from(i + 1).ok())
            })
            .filter(|n| (1..=count).contains(n))
    };
    let mut seen = vec![false; count as usize + 1];
    for part in field.split(',') {
        let (from, to) = match part.split_once('-') {
            Some((a, b)) => (value(a), value(b)),
            None => (value(part), value(part)),
        };
        let (Some(from), Some(to)) = (from, to) else {
            return false;
        };
        if from > to {
            return false;
        }
        for n in from..=to {
            seen[n as usize] = true;
        }
    }
    seen.iter().skip(1).all(|s| *s)
}

fn b1(cx: &Cx<'_>) -> Outcome {
    let Some(rules) = cx
        .prop("/BackupPlan/BackupPlanRule")
        .and_then(Value::as_array)
    else {
        return Outcome::Fail("`BackupPlan.BackupPlanRule` is not set".to_owned());
    };
    if rules.is_empty() {
        return Outcome::Fail("`BackupPlan.BackupPlanRule` is empty".to_owned());
    }
    let mut checks = Vec::new();
    for i in 0..rules.len() {
        let schedule = format!("/BackupPlan/BackupPlanRule/{i}/ScheduleExpression");
        // No schedule (not written, or removed by `AWS::NoValue`) is AWS Backup's default,
        // daily: "When no CRON expression is provided, Backup will use the default
        // expression cron(0 5 ? * * *)" (AWS Backup API, `BackupRuleInput.ScheduleExpression`;
        // `ScheduleExpression` is not required in `AWS::Backup::BackupPlan`
        // `BackupRuleResourceType`). The rule itself is the evidence.
        // Text built by intrinsics (`Fn::Sub`, `Fn::Join`) is read as CloudFormation
        // resolves it; a dynamic reference is read only at deploy, and is no schedule here.
        checks.push(match cx.prop(&schedule) {
            Some(v) if super::meaning::text(v).is_some_and(|e| at_least_daily(&e)) => {
                cx.proof(&schedule).ok_or_default()
            }
            Some(v) => Err(format!(
                "`{}` is {}; back up at least once a day",
                pointer_name(&schedule),
                super::meaning::text_or_json(v)
            )),
            None => cx
                .proof(&format!("/BackupPlan/BackupPlanRule/{i}"))
                .ok_or_default(),
        });
        let retention = format!("/BackupPlan/BackupPlanRule/{i}/Lifecycle/DeleteAfterDays");
        // A number built by intrinsics is read as CloudFormation resolves it; one read
        // from Parameter Store at deploy may be any number then.
        let kept = cx.prop(&retention).and_then(super::meaning::whole_number);
        if let Some(n) = kept
            && n >= 35
        {
            checks.extend(locked_out(cx, i, n));
        }
        checks.push(match cx.prop(&retention).map(super::meaning::whole_number) {
            Some(Some(n)) if n >= 35 => cx.proof(&retention).ok_or_default(),
            Some(Some(n)) => Err(format!(
                "`{}` is {n}, under 35 days",
                pointer_name(&retention)
            )),
            Some(None) => Err(format!(
                "`{}` is {}, which cannot be read as a number of days before deploy; write 35 or more",
                pointer_name(&retention),
                super::meaning::text_or_json(cx.prop(&retention).unwrap_or(&Value::Null))
            )),
            None => Err(format!(
                "`{}` is not set; keep recovery points 35 days or more, explicitly",
                pointer_name(&retention)
            )),
        });
        checks.extend(copies_kept(cx, i));
        // A rule whose jobs are refused or canceled before they complete makes no recovery
        // point, whatever its schedule: "If this value is included, it must be at least 60
        // minutes to avoid errors" (AWS Backup API, `BackupRuleInput.StartWindowMinutes`),
        // and a job not done within `CompletionWindowMinutes` "will be canceled by AWS
        // Backup" (`BackupRuleInput.CompletionWindowMinutes`; its window "begins counting
        // down from when the backup was scheduled", `StartBackupJob.CompleteWindowMinutes`).
        // The same reading as `D2`'s ([`crate::compliance::recovery::window_refused`]).
        if let Some(why) = cx
            .prop(&format!("/BackupPlan/BackupPlanRule/{i}"))
            .and_then(crate::compliance::recovery::window_refused)
        {
            checks.push(Err(format!(
                "rule {i} of `BackupPlan.BackupPlanRule` makes no recovery point: {why}; leave `StartWindowMinutes` and `CompletionWindowMinutes` unset (8 hours and 7 days) or write 60 or more"
            )));
        }
    }
    all(checks)
}

/// The copies rule `i` makes are recovery points too, kept as long: a copy action's
/// `Lifecycle` "Defines when a protected resource is transitioned to cold storage and when
/// it expires", and "If you do not specify a lifecycle, AWS Backup applies the lifecycle
/// policy of the source backup to the destination backup" (`AWS::Backup::BackupPlan
/// CopyActionResourceType`). A `DeleteAfterDays` written there under 35 days, or that cannot
/// be read as a number before deploy, lets the copy (the one kept in another region or
/// account for disaster recovery) expire before the source; none written is the source's.
fn copies_kept(cx: &Cx<'_>, i: usize) -> Vec<Result<Proof, String>> {
    let copies = format!("/BackupPlan/BackupPlanRule/{i}/CopyActions");
    let count = cx
        .prop(&copies)
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    (0..count)
        .filter_map(|j| {
            let pointer = format!("{copies}/{j}/Lifecycle/DeleteAfterDays");
            let value = cx.prop(&pointer)?;
            Some(match super::meaning::whole_number(value) {
                Some(n) if n >= 35 => cx.proof(&pointer).ok_or_default(),
                Some(n) => Err(format!(
                    "`{}` is {n}: the copy expires after {n} days, under 35",
                    pointer_name(&pointer)
                )),
                None => Err(format!(
                    "`{}` is {}, which cannot be read as a number of days before deploy; write 35 or more, or leave it out (the copy then keeps the source's lifecycle)",
                    pointer_name(&pointer),
                    super::meaning::text_or_json(value)
                )),
            })
        })
        .collect()
}

/// Why the vault rule `i` of a plan stores its recovery points in, or a vault it copies
/// them to, refuses them: a retention bound of that vault (of this template) under or over
/// the days they are kept. A backup vault's Vault Lock: "If the job's retention period is
/// longer than that maximum retention period, then the vault fails the backup or copy
/// job", and so for a retention shorter than the minimum (CloudFormation reference,
/// `AWS::Backup::BackupVault LockConfigurationType`). A logically air-gapped vault's own
/// `MinRetentionDays` and `MaxRetentionDays` (both required) bound every job the same way:
/// "any backup or copy job to the vault must have a lifecycle policy with a retention
/// period equal to or longer than the minimum retention period. If a job retention period
/// is shorter than that minimum retention period, then the vault fails the backup or copy
/// job", and likewise for the maximum (AWS Backup API, `CreateLogicallyAirGappedBackupVault`).
/// No recovery point, or no copy, is made at all. A bound that cannot be read as a number
/// before deploy may be either.
fn locked_out(cx: &Cx<'_>, i: usize, days: i64) -> Vec<Result<Proof, String>> {
    let rule = format!("/BackupPlan/BackupPlanRule/{i}");
    let mut problems = Vec::new();
    if let Some(target) = cx.prop(&format!("{rule}/TargetBackupVault")) {
        for vault in vaults_named(cx, target, VAULTS, super::meaning::names) {
            problems.extend(refused_by(
                vault,
                days,
                &format!("rule {i} keeps its recovery points"),
                "backup",
            ));
        }
    }
    // A rule that backs up to a logically air-gapped vault as well
    // (`TargetLogicallyAirGappedBackupVaultArn`: "supported fully managed resources back
    // up directly to logically air-gapped vault", AWS Backup API, `BackupRule`) makes that
    // backup job in the air-gapped vault, whose own bounds refuse it as they refuse a copy.
    if let Some(target) = cx
        .prop(&format!("{rule}/{AIR_GAPPED_TARGET}"))
        .filter(|v| !v.is_null())
    {
        for vault in vaults_named(cx, target, &[AIR_GAPPED], super::compute::mentions) {
            problems.extend(refused_by(
                vault,
                days,
                &format!("rule {i} keeps its recovery points"),
                "backup",
            ));
        }
    }
    // A copy is kept as its own `Lifecycle` says, or as the source is when it has none
    // (`AWS::Backup::BackupPlan CopyActionResourceType`); one that cannot be read is
    // `copies_kept`'s finding.
    let copies = format!("{rule}/CopyActions");
    let count = cx
        .prop(&copies)
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    for j in 0..count {
        let Some(destination) = cx
            .prop(&format!("{copies}/{j}/DestinationBackupVaultArn"))
            .filter(|v| !(v.is_null() || super::meaning::no_value(v)))
        else {
            continue;
        };
        let kept = match cx.prop(&format!("{copies}/{j}/Lifecycle/DeleteAfterDays")) {
            None => Some(days),
            Some(v) if super::meaning::no_value(v) => Some(days),
            Some(v) => super::meaning::whole_number(v),
        };
        let Some(kept) = kept else { continue };
        for vault in vaults_named(cx, destination, VAULTS, super::compute::mentions) {
            problems.extend(refused_by(
                vault,
                kept,
                &format!("copy action {j} of rule {i} keeps its copies"),
                "copy",
            ));
        }
    }
    if problems.is_empty() {
        Vec::new()
    } else {
        vec![Err(problems.join("; "))]
    }
}

/// The vaults of the app, of `types`, that `value` (a vault a backup plan rule of the stack
/// of `cx` backs up or copies to) names: one of its own stack that `names` reads in it (a
/// `Ref`, its ARN); one of another stack whose export it imports anywhere inside it (alone,
/// in an `Fn::Sub` variable of an ARN), which CloudFormation resolves to that vault's
/// value ("returns the value of an output exported by another stack", `Fn::ImportValue`);
/// and one of any stack of the plan's region and account whose `BackupVaultName` it is as
/// text ("Backup vaults are identified by names that are unique to the account used to
/// create them and the AWS Region where they are created", `AWS::Backup::BackupVault`
/// `BackupVaultName`). Read only in the plan's own stack, a
/// vault split into another stack locked every job out unseen. A vault the app does not
/// declare (another region's, for a copy) is not read here.
fn vaults_named<'a>(
    cx: &Cx<'a>,
    value: &Value,
    types: &[&'a str],
    names: fn(&Value, &str) -> bool,
) -> Vec<&'a Resource> {
    let text = super::meaning::text(value);
    types
        .iter()
        .flat_map(|t| cx.everywhere(t))
        .filter(|(stack, vault)| {
            (stack.is_none() && names(value, vault.logical_id()))
                || cx
                    .exports_of(*stack, vault.logical_id())
                    .imported_by(cx, cx.at, value)
                || (cx.beside(*stack)
                    && text.as_deref().is_some_and(|name| {
                        super::meaning::text(&vault.properties()["BackupVaultName"])
                            .is_some_and(|own| own.trim() == name.trim())
                    }))
        })
        .map(|(_, vault)| vault)
        .collect()
}

/// Why `vault` fails a `job` (backup or copy) whose recovery points are kept `days` days
/// (`kept` says whose): its Vault Lock (`LockConfiguration`), or a logically air-gapped
/// vault's own bounds, exclude them ([`locked_out`]).
fn refused_by(vault: &Resource, days: i64, kept: &str, job: &str) -> Vec<String> {
    let (bounds, prefix) = match vault.type_name() {
        "AWS::Backup::LogicallyAirGappedBackupVault" => (Some(vault.properties()), ""),
        _ => (
            vault.properties().get("LockConfiguration"),
            "LockConfiguration.",
        ),
    };
    let Some(bounds) = bounds else {
        return Vec::new();
    };
    let bound = |key: &str| {
        bounds
            .get(key)
            .filter(|v| !(v.is_null() || super::meaning::no_value(v)))
            .map(|v| (super::meaning::whole_number(v), v))
    };
    let refused = |key: &str, bad: fn(i64, i64) -> bool, what: &str| match bound(key) {
        Some((Some(n), _)) if bad(n, days) => Some(format!(
            "vault `{}` is locked with `{prefix}{key}` {n}, {what} the {days} days {kept}, so the vault fails every {job} job of it",
            vault.logical_id()
        )),
        Some((None, v)) => Some(format!(
            "vault `{}` is locked with `{prefix}{key}` {}, which cannot be read as a number of days before deploy: if it is {what} the {days} days {kept}, the vault fails every {job} job of it",
            vault.logical_id(),
            super::meaning::text_or_json(v)
        )),
        _ => None,
    };
    [
        refused("MaxRetentionDays", |max, days| max < days, "under"),
        refused("MinRetentionDays", |min, days| min > days, "over"),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// What a vault's access policy must deny to everyone: deleting a recovery point, shortening
/// its life, and rewriting or removing the policy that denies them
/// (`DeleteBackupVaultAccessPolicy` "deletes the policy document that manages permissions on
/// a backup vault", AWS Backup API reference: once it is gone, nothing denies the rest).
const GUARDED: &[&str] = &[
    "backup:DeleteRecoveryPoint",
    "backup:UpdateRecoveryPointLifecycle",
    "backup:PutBackupVaultAccessPolicy",
    "backup:DeleteBackupVaultAccessPolicy",
];

fn b2(cx: &Cx<'_>) -> Outcome {
    if cx.resource.type_name() == "AWS::Backup::BackupPlan" {
        return plan_vaults(cx);
    }
    let pointer = "/AccessPolicy";
    let Some(document) = policy_document(cx.resource, pointer) else {
        return Outcome::Fail(format!(
            "`AccessPolicy` is not set; deny {} to `*`",
            GUARDED.join(", ")
        ));
    };
    // A denial narrowed by a `Condition` (IAM ANDs it onto the statement) or to some
    // resources protects only those requests: it must hold for every request on `*`.
    let unconditional = |s: &Value| {
        s.get("Condition")
            .is_none_or(|c| c.is_null() || c.as_object().is_some_and(|m| m.is_empty()))
    };
    let everything = |s: &Value| strings(&s["Resource"]).iter().any(|r| r == "*");
    let denials: Vec<(String, &Value)> = statements(&document)
        .into_iter()
        .filter(|(_, s)| {
            super::identity::denies(s)
                && everyone(&s["Principal"])
                && unconditional(s)
                && everything(s)
        })
        .collect();
    let mut proofs: Vec<Proof> = Vec::new();
    let mut missing = Vec::new();
    for action in GUARDED {
        let denial = denials
            .iter()
            .find(|(_, s)| strings(&s["Action"]).iter().any(|a| glob(a, action)));
        match denial.and_then(|(suffix, _)| statement_proof(cx.resource, pointer, suffix)) {
            Some(p) if proofs.iter().all(|q| q.path != p.path) => proofs.push(p),
            Some(_) => {}
            None => missing.push(format!("`{action}`")),
        }
    }
    if missing.is_empty() {
        Outcome::Pass(proofs)
    } else {
        Outcome::Fail(format!(
            "`AccessPolicy` does not deny {} to `*` on every resource (`Resource` `*`) without a `Condition`",
            missing.join(", ")
        ))
    }
}

/// Every rule of a backup plan stores its recovery points in a vault of the app, whose
/// access policy B2 reads: `TargetBackupVault` ("The name of a logical container where
/// backups are stored", `AWS::Backup::BackupPlan` `BackupRuleResourceType`) is the `Ref` of
/// a vault of the template (its name), `${Vault}` alone in `Fn::Sub`, text equal to the
/// `BackupVaultName` of one, or an import from another stack of the app. Any other name
/// (`Default`, the vault AWS Backup makes with no access policy; text joined onto a
/// vault's `Ref`) is a vault whose policy no rule reads: a gap.
fn plan_vaults(cx: &Cx<'_>) -> Outcome {
    let count = cx
        .prop("/BackupPlan/BackupPlanRule")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    // A target that may be any vault fails before any gap is told.
    let (air_gapped, air_gapped_gap) = match air_gapped_targets(cx, count) {
        Ok(found) => found,
        Err(why) => return Outcome::Fail(why),
    };
    let mut proofs = Vec::new();
    for i in 0..count {
        let pointer = format!("/BackupPlan/BackupPlanRule/{i}/TargetBackupVault");
        let Some(target) = cx.prop(&pointer) else {
            continue;
        };
        if !of_the_app(cx, target) {
            return Outcome::Gap(format!(
                "`{}` is {}, no backup vault of the app, so whether its access policy stops anyone deleting the recovery points cannot be read (the `Default` vault has none); store them in a vault of the app",
                pointer_name(&pointer),
                super::meaning::text_or_json(target)
            ));
        }
        proofs.extend(cx.proof(&pointer));
    }
    if proofs.is_empty() {
        return Outcome::Fail(
            "no rule of `BackupPlan.BackupPlanRule` names a `TargetBackupVault`".to_owned(),
        );
    }
    proofs.extend(air_gapped);
    // A copy action puts a copy of every recovery point in the vault its
    // `DestinationBackupVaultArn` names ("An Amazon Resource Name (ARN) that uniquely
    // identifies the destination backup vault for the copied backup", `AWS::Backup::BackupPlan`
    // `CopyActionResourceType`), which may be of another region or account: one that is no
    // vault of the app has an access policy and a key no rule reads.
    for i in 0..count {
        let copies = format!("/BackupPlan/BackupPlanRule/{i}/CopyActions");
        let n = cx
            .prop(&copies)
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        for j in 0..n {
            let pointer = format!("{copies}/{j}/DestinationBackupVaultArn");
            let Some(destination) = cx
                .prop(&pointer)
                .filter(|v| !(v.is_null() || super::meaning::no_value(v)))
            else {
                continue;
            };
            if let Err(unplaced) = copy_of_the_app(cx, destination) {
                let unplaced = unplaced.map_or_else(String::new, |why| format!(" ({why})"));
                return Outcome::Gap(format!(
                    "`{}` is {}, no backup vault of the app (another account's or region's, or one no rule can read){unplaced}, so whether its access policy stops anyone deleting the copies, and which key encrypts them, cannot be read; copy to a vault of the app (`Fn::GetAtt` of its `BackupVaultArn`)",
                    pointer_name(&pointer),
                    super::meaning::text_or_json(destination)
                ));
            }
            proofs.extend(cx.proof(&pointer));
        }
    }
    match air_gapped_gap {
        Some(why) => Outcome::Gap(why),
        None => Outcome::Pass(proofs),
    }
}

/// The text of an `Fn::Sub` of a list (`[text, variables]`) whose every variable is the
/// `Ref` of a resource, each written as `${Id}` as the text alone would write it (the same
/// value: "`${MyVar}`" stands for the variable's value, and `${Id}` for the `Ref` of the
/// resource `Id`, `Fn::Sub` in the CloudFormation User Guide); `None` when a variable is
/// anything else.
fn references_written(sub: &[Value]) -> Option<String> {
    let [Value::String(text), Value::Object(variables)] = sub else {
        return None;
    };
    let mut ids = std::collections::HashMap::new();
    for (name, value) in variables {
        let id = value.get("Ref").and_then(Value::as_str)?;
        if value.as_object().is_none_or(|m| m.len() != 1) || id.contains("::") {
            return None;
        }
        ids.insert(name.as_str(), id);
    }
    // One pass, so that a variable's `${Id}` is not read again as another variable.
    let mut written = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(start) = rest.find("${") {
        written.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find('}')?;
        match ids.get(&after[..end]) {
            Some(id) => written.push_str(&format!("${{{id}}}")),
            None => written.push_str(&rest[start..start + 2 + end + 1]),
        }
        rest = &after[end + 1..];
    }
    written.push_str(rest);
    Some(written)
}

/// The logically air-gapped vault each rule of a plan backs up to directly
/// ([`AIR_GAPPED_TARGET`]), which holds its recovery points as `TargetBackupVault` does:
/// its key (B4) and its retention bounds (B1) are read only where it is declared, so it
/// must be a vault of the app ([`copy_of_the_app`]: its `Fn::GetAtt` `BackupVaultArn`, an
/// import of an export of it, its ARN in the stack's account with its name). The proofs of
/// those that are, and why the first that is not leaves a gap (an ARN written as text of a
/// vault no template of the app declares); `Err` for a value known only at deploy (a
/// parameter, a custom resource's attribute, a dynamic reference), which may name any vault.
fn air_gapped_targets(cx: &Cx<'_>, count: usize) -> Result<(Vec<Proof>, Option<String>), String> {
    let mut proofs = Vec::new();
    let mut gap = None;
    for i in 0..count {
        let pointer = format!("/BackupPlan/BackupPlanRule/{i}/{AIR_GAPPED_TARGET}");
        let Some(target) = cx.prop(&pointer).filter(|v| !v.is_null()) else {
            continue;
        };
        let unplaced = match copy_of_the_app(cx, target) {
            Ok(()) => {
                proofs.extend(cx.proof(&pointer));
                continue;
            }
            Err(unplaced) => unplaced.map_or_else(String::new, |why| format!(" ({why})")),
        };
        let written = super::meaning::text(target)
            .filter(|t| !super::identity::dynamic(t) && t.trim().starts_with("arn:"));
        let why = |unread: &str| {
            format!(
                "`{}` is {}, no logically air-gapped vault of the app{unread}{unplaced}, so the key that encrypts the recovery points backed up there and how long they are kept are read by no rule; back up to a vault of the app (`Fn::GetAtt` of its `BackupVaultArn`)",
                pointer_name(&pointer),
                super::meaning::text_or_json(target)
            )
        };
        match written {
            Some(_) => {
                gap.get_or_insert_with(|| why(""));
            }
            None => {
                return Err(why(
                    " (a value known only at deploy, which may name any vault)",
                ));
            }
        }
    }
    Ok((proofs, gap))
}

/// Whether a plan rule's `TargetBackupVault` names a vault of the app ([`plan_vaults`]):
/// an import from another stack of the app ([`super::meaning::imported`]), a reference to a
/// vault of the template in any spelling that names it ([`super::meaning::names`]: its
/// `Ref`, which is its name, `Fn::GetAtt` of its `BackupVaultName`, `${Vault}` alone in an
/// `Fn::Sub`, …), or text equal to the `BackupVaultName` of one. Text built around a
/// reference names another vault ("The name of a logical container where backups are
/// stored", `AWS::Backup::BackupPlan` `BackupRuleResourceType`; AWS Backup API `BackupRule`:
/// a vault name is letters, digits, `-` and `_`).
///
/// An import, written whole (alone, `${Var}` alone in an `Fn::Sub` whose variable is the
/// import, an `Fn::Select` that picks it), is read as the value its export carries in the
/// stack that makes it ([`super::flows::where_made`]), which CloudFormation resolves it to
/// ("returns the value of an output exported by another stack", `Fn::ImportValue`): it
/// counts as the export of a vault of that stack (its `Ref`, its name), not of anything.
fn of_the_app(cx: &Cx<'_>, target: &Value) -> bool {
    if super::meaning::imported(target) {
        return super::services::imports_an_export_of(cx, target, VAULTS, |v, id| {
            super::meaning::names(v, id)
        }) || super::flows::where_made(cx, target).is_some_and(|(there, made)| {
            there.at != cx.at
                && !super::meaning::imported(&made)
                && vault_of_template(&there, &made)
        });
    }
    vault_of_template(cx, target)
}

/// Whether `target` names a vault of the template of `cx` by a reference that names it or
/// by its written `BackupVaultName` ([`of_the_app`]).
fn vault_of_template(cx: &Cx<'_>, target: &Value) -> bool {
    let name = super::meaning::text(target);
    VAULTS.iter().flat_map(|t| cx.others(t)).any(|v| {
        super::meaning::names(target, v.logical_id())
            || name.as_deref().is_some_and(|name| {
                super::meaning::text(&v.properties()["BackupVaultName"])
                    .is_some_and(|own| own.trim() == name.trim())
            })
    })
}

/// Whether a copy action's `DestinationBackupVaultArn` names a vault of the app: an import
/// from another stack of the app, a reference that names a vault of the template
/// ([`super::meaning::names`]: `Fn::GetAtt` of its `BackupVaultArn`, …), the template
/// parameter that carries a vault of the app from another region (as hipaa-stack's
/// cross-region copies do), or the ARN `arn:…:backup:REGION:${AWS::AccountId}:backup-vault:NAME`
/// (in an `Fn::Sub` or as text) of the stack's own account, whose NAME is the
/// `BackupVaultName` of a vault of a stack of that account and REGION (`${AWS::Region}`:
/// a stack of the plan's stack's region; a region written as text: a stack pinned to it),
/// or `${Vault}` of a vault of the template with REGION `${AWS::Region}`. A vault's ARN
/// holds its account and region: one written as a number is another account's, and a vault
/// of the same name in a stack of another account or region is another vault. A stack of
/// the run's region or account (`app.stack`) beside a region written as text or a pinned
/// stack is not shown to be there ([`Placed::Unknown`]): `Err` with what a finding adds
/// ([`super::imports::unplaced`]) when the vault of that name is of such a stack, `Err(None)`
/// when no vault of the app is named.
pub(super) fn copy_of_the_app(cx: &Cx<'_>, destination: &Value) -> Result<(), Option<String>> {
    let found = |yes: bool| if yes { Ok(()) } else { Err(None) };
    // An import counts as the export of a vault of the app (its ARN), not of anything.
    if super::meaning::imported(destination) {
        return found(super::services::imports_an_export_of(
            cx,
            destination,
            VAULTS,
            super::meaning::names,
        ));
    }
    // An ARN built around imports (`…:backup-vault:${Name}` with `Name` the import of a
    // vault's `Ref`, its name) is read as written in the stack that makes what it imports,
    // each import replaced by the value its export carries ([`super::flows::made_there`]):
    // that stack is of this one's region and account, so `${AWS::Region}` and
    // `${AWS::AccountId}` read the same there.
    if let Some((there, made)) = super::flows::made_there(cx, destination)
        && there.at != cx.at
    {
        return copy_of_the_app(&there, &made);
    }
    let vaults: Vec<&Resource> = VAULTS.iter().flat_map(|t| cx.others(t)).collect();
    if vaults
        .iter()
        .any(|v| super::meaning::names(destination, v.logical_id()))
    {
        return Ok(());
    }
    if let Some((_, r)) = cx.across_regions(cx.template, destination) {
        return found(VAULTS.contains(&r.type_name()));
    }
    let written = super::meaning::text(destination).or_else(|| match destination.get("Fn::Sub") {
        Some(Value::String(t)) => Some(t.clone()),
        Some(Value::Array(sub)) => references_written(sub),
        _ => None,
    });
    let Some(written) = written else {
        return Err(None);
    };
    const OWN_ACCOUNT: &str = "\u{0}account";
    const OWN_REGION: &str = "\u{0}region";
    let written = written
        .trim()
        .replace("${AWS::AccountId}", OWN_ACCOUNT)
        .replace("${AWS::Region}", OWN_REGION)
        .replace("${AWS::Partition}", "aws");
    let parts: Vec<&str> = written.splitn(7, ':').collect();
    let ["arn", _, "backup", region, account, "backup-vault", name] = parts.as_slice() else {
        return Err(None);
    };
    if *account != OWN_ACCOUNT {
        return Err(None);
    }
    if *region == OWN_REGION
        && vaults
            .iter()
            .any(|v| *name == format!("${{{}}}", v.logical_id()))
    {
        return Ok(());
    }
    // The vault's stack is of the plan's account, and of the ARN's region.
    let own = Place::Of(cx.at);
    let there = if *region == OWN_REGION {
        own
    } else {
        Place::Written(region)
    };
    let mut unplaced = None;
    for t in VAULTS {
        for (stack, v) in cx.everywhere(t) {
            let named = super::meaning::text(&v.properties()["BackupVaultName"])
                .is_some_and(|own| own.trim() == *name);
            if !named {
                continue;
            }
            match cx.placed(stack, there, own) {
                Placed::There => return Ok(()),
                Placed::Unknown => {
                    let place = stack.map_or_else(
                        || v.logical_id().to_owned(),
                        |s| format!("{s}/{}", v.logical_id()),
                    );
                    let region = if *region == OWN_REGION {
                        "the plan's region".to_owned()
                    } else {
                        (*region).to_owned()
                    };
                    unplaced.get_or_insert_with(|| {
                        super::imports::unplaced(
                            "backup vault",
                            &place,
                            &format!("in {region} and the plan's account"),
                        )
                    });
                }
                Placed::Elsewhere => {}
            }
        }
    }
    Err(unplaced)
}

fn b4(cx: &Cx<'_>) -> Outcome {
    all([customer_key(cx, "/EncryptionKeyArn")])
}

/// The longest rotation interval: 90 days (AWS Config's `secretsmanager-rotation-enabled-check`
/// default, and the access-key age of the account baseline).
const MAX_ROTATION_DAYS: i64 = 90;

/// How many days a rotation schedule lets pass between rotations, if it can be known:
/// `AutomaticallyAfterDays`, `rate(N days|hours)`, or a `cron(…)` that runs at least every
/// month (day-of-month a number or `*`, month `*`).
///
/// When both are written, the longer interval is taken: the `RotationRules` reference of
/// `AWS::SecretsManager::RotationSchedule` does not say which of the two Secrets Manager
/// follows, and a short `AutomaticallyAfterDays` beside a yearly `ScheduleExpression` must
/// not pass for the expression it hides. One that is written but cannot be read makes the
/// interval unknown.
fn rotation_days(rules: &Value) -> Option<i64> {
    let written = |key: &str| {
        let v = &rules[key];
        !(v.is_null() || super::meaning::no_value(v))
    };
    let after = written("AutomaticallyAfterDays")
        .then(|| super::meaning::whole_number(&rules["AutomaticallyAfterDays"]));
    let scheduled = written("ScheduleExpression").then(|| schedule_days(rules));
    match (after, scheduled) {
        (Some(a), Some(s)) => Some(a?.max(s?)),
        (Some(a), None) => a,
        (None, Some(s)) => s,
        (None, None) => None,
    }
}

/// The days between rotations that `ScheduleExpression` lets pass, if it can be known.
fn schedule_days(rules: &Value) -> Option<i64> {
    let expression = super::meaning::text(&rules["ScheduleExpression"])?;
    let expression = expression.trim();
    if let Some(inner) = expression
        .strip_prefix("rate(")
        .and_then(|r| r.strip_suffix(')'))
    {
        let (n, unit) = inner.trim().split_once(' ')?;
        let n: i64 = n.trim().parse().ok()?;
        return match unit.trim() {
            "day" | "days" => Some(n),
            "hour" | "hours" => Some((n + 23) / 24),
            _ => None,
        };
    }
    let inner = expression.strip_prefix("cron(")?.strip_suffix(')')?;
    let fields: Vec<&str> = inner.split_whitespace().collect();
    (fields.len() == 6 && fields[3] == "*" && fields[5] == "*" && every_month(fields[4]))
        .then_some(31)
}

/// Whether a cron day-of-week field names a day that every month has: not the fifth
/// weekday of the month (`MON#5`, `2#5`), which only some months have ("The # wildcard
/// specifies the nth occurrence of a day of the week within a month", Secrets Manager user
/// guide, "Schedule expressions in Secrets Manager rotation"): a rotation on it skips the
/// months without one, months apart. The first to fourth (`#1`…`#4`) and the last (`L`)
/// are in every month; a list needs one entry that is.
fn every_month(day_of_week: &str) -> bool {
    day_of_week
        .split(',')
        .any(|part| match part.split_once('#') {
            Some((_, nth)) => nth.trim().parse::<u8>().is_ok_and(|n| (1..=4).contains(&n)),
            None => true,
        })
}

/// Whether a rotation function value is a Lambda function: of this template (by reference),
/// of another stack (the import of an export whose value is one, read in the exporting
/// stack: [`super::flows::export_named`]), or an ARN of one.
fn lambda_function(cx: &Cx<'_>, value: &Value) -> bool {
    if let Some(name) = value
        .get("Fn::ImportValue")
        .and_then(super::meaning::import_name)
        && value.as_object().is_some_and(|m| m.len() == 1)
    {
        return match super::flows::export_named(cx, &name) {
            super::flows::Export::Made(there, carried) => {
                carried.get("Fn::ImportValue").is_none() && lambda_function(&there, &carried)
            }
            super::flows::Export::Unmade | super::flows::Export::Unread => false,
        };
    }
    let template = cx.template;
    let of_template = template
        .resources()
        .iter()
        .filter(|r| r.type_name() == "AWS::Lambda::Function")
        .any(|f| super::compute::mentions(value, f.logical_id()));
    // An import inside the value (not the whole of it) is a resource of another stack,
    // read as another resource of the template is: `${F.Arn}${B}` with `B` imported names
    // no function.
    let mut imported = Vec::new();
    super::imported_names(value, &mut imported);
    let others_mentioned = !imported.is_empty()
        || template
            .resources()
            .iter()
            .filter(|r| r.type_name() != "AWS::Lambda::Function")
            .any(|r| super::compute::mentions(value, r.logical_id()));
    if of_template {
        return !others_mentioned;
    }
    !others_mentioned
        && super::meaning::text(value).is_some_and(|t| {
            !super::identity::dynamic(&t) && t.contains(":lambda:") && t.contains(":function:")
        })
}

/// The secret's own name as the template writes it (`Name`, text that the stack resolves
/// alike wherever it is written; `${AWS::StackName}` and the like kept as written), when it
/// is one: not empty, not a dynamic reference (whatever a parameter holds at deploy).
fn secret_name(cx: &Cx<'_>) -> Option<String> {
    cx.prop("/Name")
        .and_then(super::meaning::text)
        .filter(|n| !n.trim().is_empty() && !super::identity::dynamic(n))
}

/// Whether a rotation schedule's `SecretId` is this secret. `SecretId` is "The ARN or name
/// of the secret" (`AWS::SecretsManager::RotationSchedule`): the secret's `Ref` or `Id`
/// attribute (both its ARN) in any spelling that names it ([`super::meaning::names`]; text
/// built around them names another secret), or text equal to the secret's own `Name`
/// written in this template (names are unique in an account and region, so that text finds
/// this secret and no other). An ARN written as text is never this secret's: its complete
/// ARN ends with six random characters that Secrets Manager adds at creation, unknown before
/// deploy, and a partial ARN "can work as long as it uniquely matches only one secret"
/// (Secrets Manager API reference, `SecretId`; "Finding a secret from a partial ARN"), which
/// another secret of the account whose name shares the prefix defeats.
fn rotates_this_secret(cx: &Cx<'_>, secret_id: &Value, own_name: Option<&str>) -> bool {
    super::meaning::names(secret_id, cx.id())
        || own_name.is_some_and(|name| {
            super::meaning::text(secret_id).is_some_and(|t| t == name && !t.starts_with("arn:"))
        })
}

fn m1(cx: &Cx<'_>) -> Outcome {
    let own_name = secret_name(cx);
    let exports = cx.own_exports();
    // Schedules whose `SecretId` may be meant for this secret: of its own stack, they
    // mention it or hold its name in text (as a name, within an ARN, in other text); of
    // another stack of its region and account, they import an export of it (read as the
    // export's value, [`Cx::as_exported`]) or hold its name in text. A stack that declares
    // a resource of the secret's logical id of its own is read for text only: its `Ref`
    // names that resource.
    let mut mentioning: Vec<(Option<&str>, &crate::cfn::Resource, Cow<'_, Value>)> = Vec::new();
    for (stack, s) in cx.everywhere("AWS::SecretsManager::RotationSchedule") {
        let written = &s.properties()["SecretId"];
        let by_name = cx.beside(stack)
            && own_name.as_deref().is_some_and(|name| {
                super::meaning::text(written).is_some_and(|t| t.contains(name))
            });
        let id = match stack {
            None => Cow::Borrowed(written),
            Some(_) if exports.imported_in(cx, stack, written) => {
                let shadowed = cx.template_of(stack).resource(cx.id()).is_some();
                if shadowed {
                    Cow::Owned(Value::Null)
                } else {
                    cx.as_exported(stack, written)
                }
            }
            Some(_) => Cow::Owned(Value::Null),
        };
        if by_name || super::compute::mentions(&id, cx.id()) {
            mentioning.push((
                stack,
                s,
                if by_name && id.is_null() {
                    Cow::Borrowed(written)
                } else {
                    id
                },
            ));
        }
    }
    let schedules: Vec<(Option<&str>, &crate::cfn::Resource)> = mentioning
        .iter()
        .filter(|(_, _, id)| rotates_this_secret(cx, id, own_name.as_deref()))
        .map(|(stack, s, _)| (*stack, *s))
        .collect();
    if schedules.is_empty() {
        return Outcome::Fail(match mentioning.first().map(|(_, s, _)| s) {
            Some(s) => format!(
                "rotation schedule `{}` has `SecretId` {}, which mentions the secret without naming it whatever the conditions (an `Fn::Select` of another entry, one branch of an `Fn::If`, text around it, a partial ARN, which Secrets Manager matches against every secret of the account), so it may rotate another secret; set `SecretId` to the secret's `Ref`",
                s.logical_id(),
                super::meaning::text_or_json(&s.properties()["SecretId"])
            ),
            None => "no `AWS::SecretsManager::RotationSchedule` of the app rotates the secret (`SecretId` is its `Ref`, or its `Name` written as text; in another stack of its region and account, the import of its `Ref`'s export)".to_owned(),
        });
    }
    let mut checks = Vec::new();
    for (stack, schedule) in schedules {
        let p = schedule.properties();
        let name = match stack {
            Some(stack) => format!("{stack}/{}", schedule.logical_id()),
            None => schedule.logical_id().to_owned(),
        };
        let proof_of = |pointer: &str| proof_of(schedule, pointer).map(|p| p.with_stack(stack));
        let hosted = p
            .get("HostedRotationLambda")
            .is_some_and(|h| h.is_object() && !super::meaning::no_value(h));
        // The function of a schedule of another stack is read in that stack's template.
        let function = if hosted {
            proof_of("/HostedRotationLambda").ok_or_default()
        } else if lambda_function(
            &cx.in_stack_or_here(stack, schedule),
            &p["RotationLambdaARN"],
        ) {
            proof_of("/RotationLambdaARN").ok_or_default()
        } else {
            Err(format!(
                "rotation schedule `{name}`: `RotationLambdaARN` is not a Lambda function"
            ))
        };
        checks.push(function);
        checks.push(match rotation_days(&p["RotationRules"]) {
            Some(n) if (1..=MAX_ROTATION_DAYS).contains(&n) => {
                proof_of("/RotationRules").ok_or_default()
            }
            Some(n) => Err(format!(
                "rotation schedule `{name}` rotates every {n} days; rotate at least every {MAX_ROTATION_DAYS} days"
            )),
            None => Err(format!(
                "rotation schedule `{name}` has no rotation interval that can be read (`RotationRules.AutomaticallyAfterDays` or a `rate(…)`/monthly `cron(…)` `ScheduleExpression`)"
            )),
        });
    }
    all(checks)
}

/// The secret's key, and the key of each of its replicas: a replica whose `KmsKeyId` is not
/// written is encrypted with `aws/secretsmanager` of its region (the `ReplicaRegion`
/// reference of `AWS::SecretsManager::Secret`).
fn m2(cx: &Cx<'_>) -> Outcome {
    let replicas = match cx.prop("/ReplicaRegions") {
        Some(Value::Array(replicas)) => replicas.as_slice(),
        None | Some(Value::Null) => &[],
        Some(v) if super::meaning::no_value(v) => &[],
        // A list an intrinsic makes at deploy (a parameter, an SSM parameter's `Value`, a
        // custom resource's attribute) may name replicas with no `KmsKeyId`.
        Some(other) => {
            return all([
                customer_key(cx, "/KmsKeyId"),
                Err(format!(
                    "`ReplicaRegions` is {}, known only at deploy: no rule can read the keys of the replicas it makes (`aws/secretsmanager` where none is written); write each replica with its `KmsKeyId` in the template",
                    super::meaning::text_or_json(other)
                )),
            ]);
        }
    };
    let replica_keys = replicas
        .iter()
        .enumerate()
        .filter(|(_, r)| !super::meaning::no_value(r))
        .map(|(i, _)| {
            customer_key(cx, &format!("/ReplicaRegions/{i}/KmsKeyId")).map_err(|why| {
                format!(
                    "{why}: the replica in `ReplicaRegions.{i}` is encrypted with that key (`aws/secretsmanager` when none is written); give it a customer-managed key of its region"
                )
            })
        });
    all(std::iter::once(customer_key(cx, "/KmsKeyId")).chain(replica_keys))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A number is read as CloudFormation deploys it: written, as text, or as the text an
    /// intrinsic makes whole; a value unknown before deploy is none.
    #[test]
    fn a_number_is_read_through_intrinsics_that_make_its_text() {
        assert_eq!(number(&json!(443)), Some(443));
        assert_eq!(number(&json!(" 443 ")), Some(443));
        assert_eq!(number(&json!({"Fn::Sub": "443"})), Some(443));
        assert_eq!(number(&json!({"Fn::Join": ["", ["4", "43"]]})), Some(443));
        assert_eq!(number(&json!({"Ref": "Port"})), None);
        assert_eq!(number(&json!("80-443")), None);
    }

    /// Probe 14a #4: a rule whose jobs are refused or canceled before they complete makes
    /// no recovery point, however daily its schedule and long its retention.
    #[test]
    fn b1_refuses_a_rule_whose_windows_cancel_its_jobs() {
        let run = |windows: Value| {
            let mut rule = json!({
                "RuleName": "r",
                "TargetBackupVault": "phi",
                "ScheduleExpression": "cron(0 5 ? * * *)",
                "Lifecycle": { "DeleteAfterDays": 35 },
            });
            for (k, v) in windows.as_object().into_iter().flatten() {
                rule[k] = v.clone();
            }
            Cx::check_first(
                b1,
                &[(
                    "Plan",
                    "AWS::Backup::BackupPlan",
                    json!({ "BackupPlan": { "BackupPlanName": "p", "BackupPlanRule": [rule] } }),
                )],
            )
        };
        let fails = |windows: Value, says: &str| {
            let out = run(windows.clone());
            assert!(
                matches!(out, Outcome::Fail(ref why) if why.contains(says)),
                "{windows}: {out:?}"
            );
        };
        fails(
            json!({ "CompletionWindowMinutes": 1 }),
            "`CompletionWindowMinutes` is 1 minutes",
        );
        fails(json!({ "CompletionWindowMinutes": "59" }), "is 59 minutes");
        fails(
            json!({ "StartWindowMinutes": 30 }),
            "`StartWindowMinutes` is 30",
        );
        fails(
            json!({ "StartWindowMinutes": 60, "CompletionWindowMinutes": 0 }),
            "`CompletionWindowMinutes` is 0",
        );
        fails(
            json!({ "CompletionWindowMinutes": { "Ref": "Window" } }),
            "not known before deploy",
        );
        fails(
            json!({ "StartWindowMinutes": "{{resolve:ssm:/backup/start}}" }),
            "not known before deploy",
        );
        // The nearest compliant neighbours: the defaults (unset, or removed by
        // `AWS::NoValue`), the hour itself, and numbers written as text or by intrinsics.
        for windows in [
            json!({}),
            json!({ "StartWindowMinutes": { "Ref": "AWS::NoValue" }, "CompletionWindowMinutes": { "Ref": "AWS::NoValue" } }),
            json!({ "StartWindowMinutes": 60, "CompletionWindowMinutes": 60 }),
            json!({ "StartWindowMinutes": "480", "CompletionWindowMinutes": 10080 }),
            json!({ "CompletionWindowMinutes": { "Fn::Sub": "120" } }),
        ] {
            assert!(
                matches!(run(windows.clone()), Outcome::Pass(_)),
                "{windows}"
            );
        }
    }

    #[test]
    fn a_plan_rule_backs_up_to_an_air_gapped_vault_only_of_the_app_and_within_its_bounds() {
        let plan = |target: Value, days: i64| {
            json!({ "BackupPlan": { "BackupPlanName": "p", "BackupPlanRule": [{
                "RuleName": "r",
                "TargetBackupVault": { "Ref": "Vault" },
                "TargetLogicallyAirGappedBackupVaultArn": target,
                "Lifecycle": { "DeleteAfterDays": days },
            }] } })
        };
        let run = |check: fn(&Cx<'_>) -> Outcome, target: Value, days: i64| {
            Cx::check_first(
                check,
                &[
                    ("Plan", "AWS::Backup::BackupPlan", plan(target, days)),
                    (
                        "Vault",
                        "AWS::Backup::BackupVault",
                        json!({ "BackupVaultName": "phi" }),
                    ),
                    (
                        "Lag",
                        AIR_GAPPED,
                        json!({ "BackupVaultName": "phi-lag", "MinRetentionDays": 30, "MaxRetentionDays": 400 }),
                    ),
                ],
            )
        };
        let own = json!({ "Fn::GetAtt": ["Lag", "BackupVaultArn"] });
        assert!(matches!(run(b2, own.clone(), 35), Outcome::Pass(_)));
        assert!(matches!(run(b1, own.clone(), 35), Outcome::Pass(_)));
        // Kept longer than the air-gapped vault's maximum: the backup job there fails.
        assert!(matches!(run(b1, own, 500), Outcome::Fail(ref why) if why.contains("Lag")));
        let by_name = json!({ "Fn::Sub": "arn:${AWS::Partition}:backup:${AWS::Region}:${AWS::AccountId}:backup-vault:phi-lag" });
        assert!(matches!(run(b2, by_name, 35), Outcome::Pass(_)));
        assert!(matches!(
            run(
                b2,
                json!("arn:aws:backup:us-east-1:111122223333:backup-vault:elsewhere"),
                35
            ),
            Outcome::Gap(_)
        ));
        for unread in [
            json!({ "Ref": "LagArn" }),
            json!("{{resolve:ssm:/backup/lag-arn}}"),
            json!({ "Fn::GetAtt": ["Custom", "Arn"] }),
        ] {
            assert!(
                matches!(run(b2, unread.clone(), 35), Outcome::Fail(_)),
                "{unread}"
            );
        }
        // A target that may be any vault fails even where the other vault is a gap.
        let mut default_vault = plan(json!({ "Ref": "LagArn" }), 35);
        default_vault["BackupPlan"]["BackupPlanRule"][0]["TargetBackupVault"] = json!("Default");
        let found = Cx::check_first(b2, &[("Plan", "AWS::Backup::BackupPlan", default_vault)]);
        assert!(matches!(found, Outcome::Fail(_)), "{found:?}");
    }

    #[test]
    fn a_cron_field_covers_every_value_only_when_it_names_each() {
        const DAYS: &[&str] = &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
        assert!(covers("*", DAYS, 7));
        assert!(covers("?", DAYS, 7));
        assert!(covers("SUN-SAT", DAYS, 7));
        assert!(covers("1-7", DAYS, 7));
        assert!(covers("sun,MON-wed,4-5,SAT,FRI", DAYS, 7));
        assert!(!covers("MON-SAT", DAYS, 7));
        assert!(!covers("MON-SUN", DAYS, 7));
        assert!(!covers("1-8", DAYS, 7));
        assert!(!covers("0-7", DAYS, 7));
        assert!(!covers("1/1", DAYS, 7));
        assert!(!covers("L", DAYS, 7));
        assert!(covers("1-31", &[], 31));
        assert!(!covers("1-30", &[], 31));
        assert!(at_least_daily("cron(0 5 ? * SUN-SAT *)"));
        assert!(at_least_daily("cron(0 5 1-31 JAN-DEC ? *)"));
        assert!(!at_least_daily("cron(0 5 ? * MON-FRI *)"));
        assert!(!at_least_daily("cron(0 5 1-28 * ? *)"));
    }

    #[test]
    fn a_key_written_as_text_is_the_stack_accounts_only_whole_and_by_its_shape() {
        // A key of the stack's own account written as text is accepted as the storage
        // rules accept it (the compliant corpus: a key ARN in `${AWS::AccountId}`, an alias
        // name); what is no key, another account's key, a name read only at deploy, or a
        // bare key id (which names no account, and may be an AWS-managed key's) is not.
        for own in [
            "arn:aws:kms:${AWS::Region}:${AWS::AccountId}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws:kms:${AWS::Region}:${AWS::AccountId}:key/mrk-1234abcd12ab34cd56ef1234567890ab",
            "arn:aws:kms:${AWS::Region}:${AWS::AccountId}:alias/phi",
            "alias/phi",
        ] {
            assert_eq!(text_not_a_key(own), None, "{own}");
        }
        for bare in [
            "1234abcd-12ab-34cd-56ef-1234567890ab",
            " mrk-1234abcd12ab34cd56ef1234567890ab ",
        ] {
            assert!(
                text_not_a_key(bare).is_some_and(|why| why.contains("bare")),
                "{bare}"
            );
        }
        for not in [
            "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws:kms:us-east-1::key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws:s3:::keys/mrk-1234abcd12ab34cd56ef1234567890ab",
            "keys/1234abcd-12ab-34cd-56ef-1234567890ab",
            "mrk-phi",
            "alias/{{resolve:ssm:/phi/key}}",
            "phi-key",
        ] {
            assert!(text_not_a_key(not).is_some(), "{not}");
        }
    }

    #[test]
    fn text_has_a_key_shape_only_as_a_key_or_alias() {
        for key in [
            "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws:kms:us-east-1:111122223333:alias/sessions",
            "alias/sessions",
            "mrk-1234abcd12ab34cd56ef1234567890ab",
            "1234abcd-12ab-34cd-56ef-1234567890ab",
        ] {
            assert!(shaped_as_key(key), "{key}");
        }
        for other in [
            "arn:aws:s3:::session-logs",
            "session-key",
            "arn:aws:kms:us-east-1:111122223333:grant/1234",
            "arn:aws:s3:::b/1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws:s3:::b/mrk-1234abcd12ab34cd56ef1234567890ab",
            "keys/1234abcd-12ab-34cd-56ef-1234567890ab",
            "session:mrk-1234abcd12ab34cd56ef1234567890ab",
            "mrk-",
            "mrk-sessions",
            "------------------------------------",
            "1234abcd12ab34cd56ef1234567890ab-1-2",
            "",
        ] {
            assert!(!shaped_as_key(other), "{other}");
        }
    }

    #[test]
    fn a_topic_or_queue_finds_the_policies_that_may_name_it_by_lookup_as_by_reading_each() {
        use crate::prelude::*;
        let app = App::new("policies");
        let raw = |id: &str, kind: &str| RawResource::new(id, kind);
        let queue_policy = |id: &str| raw(id, "AWS::SQS::QueuePolicy");
        let topic_policy = |id: &str| raw(id, "AWS::SNS::TopicPolicy");
        let b = app.stack("b").unwrap();
        let far = b.add(raw("Far", "AWS::SQS::Queue")).unwrap();
        let far_topic = b.add(raw("FarTopic", "AWS::SNS::Topic")).unwrap();
        b.add(raw("Lonely", "AWS::SQS::Queue")).unwrap();
        let a = app.stack("a").unwrap();
        let near = a.add(raw("Near", "AWS::SQS::Queue")).unwrap();
        a.add(raw("Other", "AWS::SQS::Queue")).unwrap();
        let bucket = a.add(raw("Store", "AWS::S3::Bucket")).unwrap();
        let topic = a.add(raw("Topic", "AWS::SNS::Topic")).unwrap();
        a.add(queue_policy("ByRef").property("/Queues/0", near.reference()))
            .unwrap();
        // Another type's attribute: known only at deploy, it may be any queue of the app (a
        // queue of stack `b` too, whose URL the value may hold).
        a.add(queue_policy("ByOtherType").property("/Queues/0", bucket.attribute("Arn")))
            .unwrap();
        // A dynamic reference may be any queue of the app.
        b.add(queue_policy("Dynamic").property("/Queues/0", "{{resolve:ssm:/queue/url}}"))
            .unwrap();
        // An import of the other stack's queue.
        a.add(queue_policy("Imported").property("/Queues/0", far.reference()))
            .unwrap();
        // Not a list: only what is known at deploy counts.
        a.add(queue_policy("NotAList").property("Queues", near.reference()))
            .unwrap();
        a.add(
            topic_policy("Topics")
                .property("/Topics/0", topic.reference())
                .property("/Topics/1", far_topic.reference()),
        )
        .unwrap();
        let assembly = app.check().unwrap();
        assert_eq!(assembly.stacks()[0].name(), "b", "b is deployed first");
        let mut found: Vec<(String, Vec<String>)> = Vec::new();
        super::super::each_resource(&assembly, |cx| {
            for kind in TLS_POLICIES {
                let named = |list: Vec<(Option<&str>, &Resource)>| -> Vec<String> {
                    list.into_iter()
                        .map(|(s, p)| match s {
                            Some(s) => format!("{s}/{}", p.logical_id()),
                            None => p.logical_id().to_owned(),
                        })
                        .collect()
                };
                let looked_up = named(naming_policies(cx, kind));
                let read = named(naming_policies_read(cx, kind, &cx.own_exports()));
                assert_eq!(looked_up, read, "{}/{} {}", cx.stack, cx.id(), kind.noun);
                if cx.resource.type_name() == kind.own_type {
                    found.push((cx.id().to_owned(), looked_up));
                }
            }
        });
        let names = |id: &str, list: &[&str]| {
            let list = list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
            (id.to_owned(), list)
        };
        assert_eq!(
            found,
            [
                names("Far", &["Dynamic", "a/ByOtherType", "a/Imported"]),
                names("FarTopic", &["a/Topics"]),
                names("Lonely", &["Dynamic", "a/ByOtherType"]),
                names("Near", &["b/Dynamic", "ByRef", "ByOtherType"]),
                names("Other", &["b/Dynamic", "ByOtherType"]),
                names("Topic", &["Topics"]),
            ]
        );
    }

    #[test]
    fn daily_schedules_are_recognised() {
        for e in [
            "cron(0 5 ? * * *)",
            "cron(0 5 * * ? *)",
            "cron(0 */6 * * ? *)",
            "rate(12 hours)",
            "rate(1 day)",
            "rate(24 hours)",
            "rate(90 minutes)",
        ] {
            assert!(at_least_daily(e), "{e}");
        }
        for e in [
            "cron(0 5 ? * SUN *)",
            "cron(0 5 1 * ? *)",
            "cron(0 5 ? 1 * *)",
            "cron(0 5 * * ? 2030)",
            "cron(0 5 * *)",
            "rate(2 days)",
            "rate(25 hours)",
            "rate(0 hours)",
            "daily",
        ] {
            assert!(!at_least_daily(e), "{e}");
        }
    }

    #[test]
    fn insecure_publish_denials_are_recognised() {
        let deny = json!({
            "Effect": "Deny",
            "Principal": "*",
            "Action": "SNS:Publish",
            "Resource": "*",
            "Condition": { "Bool": { "aws:SecureTransport": "false" } },
        });
        assert!(denies_insecure(&deny, "sns:Publish"));
        let mut all_sns = deny.clone();
        all_sns["Action"] = json!(["sns:*"]);
        assert!(denies_insecure(&all_sns, "sns:Publish"));
        let mut named = deny.clone();
        named["Principal"] = json!({ "AWS": "arn:aws:iam::123456789012:root" });
        assert!(!denies_insecure(&named, "sns:Publish"));
        let with = |condition: Value| {
            let mut statement = deny.clone();
            statement["Condition"] = condition;
            denies_insecure(&statement, "sns:Publish")
        };
        // `BoolIfExists` false also denies a request without the key; the key's name is
        // read in any case.
        assert!(with(
            json!({ "BoolIfExists": { "aws:SecureTransport": "false" } })
        ));
        assert!(with(json!({ "Bool": { "AWS:SecureTransport": [false] } })));
        // The same key asked to be true too leaves no request denied.
        assert!(!with(json!({
            "Bool": { "aws:SecureTransport": "false" },
            "BoolIfExists": { "aws:SecureTransport": "true" },
        })));
        assert!(!with(json!({
            "Bool": { "aws:SecureTransport": "false", "AWS:SECURETRANSPORT": "true" },
        })));
        assert!(!with(
            json!({ "Bool": { "aws:SecureTransport": ["false", "true"] } })
        ));
        assert!(!with(
            json!({ "ForAnyValue:Bool": { "aws:SecureTransport": "false" } })
        ));
        assert!(!with(json!({ "bool": { "aws:SecureTransport": "false" } })));
        assert!(!with(json!({ "Bool": {} })));
        assert!(!with(json!({})));
    }

    /// B2 of plan `Plan` of stack `app` whose rule stores in `target` and copies to `copy`,
    /// where stack `vaults` exports `vaults:Name` (its vault's `Ref`), `vaults:Arn` (its
    /// `BackupVaultArn`) and `vaults:Text` (the name `Default` written as text).
    fn b2_plan(target: Value, copy: Value) -> Outcome {
        use crate::cfn::{Expr, Output, Resource, Template};
        let output = |name: &str, value: Expr| Output {
            name: name.to_owned(),
            value,
            description: None,
            export: Some(format!("vaults:{name}")),
        };
        let vaults = Template {
            description: String::new(),
            parameters: Vec::new(),
            resources: vec![Resource::raw(
                "V".to_owned(),
                "AWS::Backup::BackupVault".to_owned(),
                json!({ "BackupVaultName": "phi" }),
            )],
            outputs: vec![
                output("Name", Expr::reference("V")),
                output("Arn", Expr::get_att("V", "BackupVaultArn")),
                output("Text", Expr::lit("Default")),
            ],
        };
        let app = Template {
            description: String::new(),
            parameters: Vec::new(),
            resources: vec![Resource::raw(
                "Plan".to_owned(),
                "AWS::Backup::BackupPlan".to_owned(),
                json!({ "BackupPlan": { "BackupPlanName": "p", "BackupPlanRule": [{
                    "RuleName": "daily", "TargetBackupVault": target,
                    "CopyActions": [{ "DestinationBackupVaultArn": copy }]
                }] } }),
            )],
            outputs: Vec::new(),
        };
        let stacks = [("app", &app), ("vaults", &vaults)];
        let index = super::super::Index::new(&stacks);
        b2(&Cx::in_first(&stacks, &app.resources()[0], &index))
    }

    #[test]
    fn an_imported_vault_counts_only_as_the_export_of_a_vault_of_the_app() {
        let name = json!({ "Fn::ImportValue": "vaults:Name" });
        let arn = json!({ "Fn::ImportValue": "vaults:Arn" });
        let text = json!({ "Fn::ImportValue": "vaults:Text" });
        let found = b2_plan(name.clone(), arn.clone());
        assert!(matches!(found, Outcome::Pass(_)), "{found:?}");
        for (target, copy) in [(text.clone(), arn.clone()), (name.clone(), text.clone())] {
            let found = b2_plan(target.clone(), copy.clone());
            assert!(
                matches!(&found, Outcome::Gap(why) if why.contains("no backup vault of the app")),
                "{target} {copy}: {found:?}"
            );
        }
    }

    /// A stack `keys` of one key that exports `value` as `keys:PhiKey:Arn`.
    fn key_export(value: crate::cfn::Expr) -> crate::cfn::Template {
        let mut keys = crate::testing::raw_template(&[(
            "Key",
            "AWS::KMS::Key",
            json!({ "EnableKeyRotation": true }),
        )]);
        keys.outputs = vec![crate::cfn::Output {
            name: "PhiKey".into(),
            value,
            description: None,
            export: Some("keys:PhiKey:Arn".into()),
        }];
        keys
    }

    /// The stores whose key `customer_key` reads, each with the rule that reads it; `{K}`
    /// stands for the key.
    fn keyed_stores() -> Vec<(&'static str, &'static str, Value)> {
        vec![
            (
                "AWS::S3::Bucket",
                "S1",
                json!({"BucketEncryption": {"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "{K}"}, "BucketKeyEnabled": true}]}}),
            ),
            ("AWS::SQS::Queue", "A2", json!({"KmsMasterKeyId": "{K}"})),
            (
                "AWS::Logs::LogGroup",
                "L1",
                json!({"RetentionInDays": 400, "KmsKeyId": "{K}"}),
            ),
            (
                "AWS::DynamoDB::Table",
                "A3",
                json!({"SSESpecification": {"SSEEnabled": true, "SSEType": "KMS", "KMSMasterKeyId": "{K}"}}),
            ),
            (
                "AWS::RDS::DBInstance",
                "R1",
                json!({"Engine": "postgres", "DBInstanceClass": "db.r6g.large", "StorageEncrypted": true, "KmsKeyId": "{K}"}),
            ),
            (
                "AWS::EFS::FileSystem",
                "EF1",
                json!({"Encrypted": true, "KmsKeyId": "{K}"}),
            ),
        ]
    }

    /// `template` with every string `{K}` replaced by `key`.
    fn keyed(template: &Value, key: &Value) -> Value {
        match template {
            Value::String(s) if s == "{K}" => key.clone(),
            Value::Object(m) => {
                Value::Object(m.iter().map(|(k, v)| (k.clone(), keyed(v, key))).collect())
            }
            Value::Array(a) => Value::Array(a.iter().map(|v| keyed(v, key)).collect()),
            v => v.clone(),
        }
    }

    /// The statuses of each store's key rule, its key the import `name`, with the stack
    /// `keys` in `regions`.
    fn imported_key_statuses(
        keys: &crate::cfn::Template,
        name: &str,
        regions: &[Option<String>],
    ) -> Vec<(&'static str, Vec<crate::testing::Status>)> {
        keyed_stores()
            .into_iter()
            .map(|(ty, rule, props)| {
                let props = keyed(&props, &json!({ "Fn::ImportValue": name }));
                let t = crate::testing::raw_template(&[("Store", ty, props)]);
                let stacks = [("keys", keys), ("s", &t)];
                (
                    rule,
                    crate::testing::statuses_in(&stacks, regions, rule, "Store"),
                )
            })
            .collect()
    }

    /// Probe p1: a key imported from another stack was taken on trust ("checked where it is
    /// made"), but no rule reads an export: an export of `alias/aws/s3`, of another
    /// account's key, or of a log group's name passed as the key of every store. An import
    /// is the key its export carries, read in the stack that makes it.
    #[test]
    fn an_imported_key_is_the_key_its_export_carries() {
        use crate::cfn::Expr;
        use crate::testing::Status;
        let held = |found: &[(&str, Vec<Status>)]| {
            found.iter().all(|(_, st)| {
                !st.is_empty() && st.iter().all(|s| matches!(s, Status::Enforced { .. }))
            })
        };
        let refused = |found: &[(&str, Vec<Status>)], why: &str| {
            found.iter().all(|(_, st)| {
                st.iter()
                    .any(|s| matches!(s, Status::Failed { finding } if finding.contains(why)))
            })
        };
        for key in [
            Expr::get_att("Key", "Arn"),
            Expr::reference("Key"),
            Expr::sub_pseudo(
                "arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            ),
        ] {
            let found = imported_key_statuses(&key_export(key.clone()), "keys:PhiKey:Arn", &[]);
            assert!(held(&found), "{key:?}: {found:?}");
        }
        for key in [
            Expr::lit("alias/aws/s3"),
            Expr::lit(
                "arn:aws:kms:us-east-1:999999999999:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            ),
            Expr::lit("1234abcd-12ab-34cd-56ef-1234567890ab"),
        ] {
            let found = imported_key_statuses(&key_export(key.clone()), "keys:PhiKey:Arn", &[]);
            assert!(
                refused(&found, "an import that carries no key of the app"),
                "{key:?}: {found:?}"
            );
        }
        // An export of no stack of the app, and one of a stack of another region (an import
        // reads the exports of its own region only), may be any key.
        let keys = key_export(Expr::get_att("Key", "Arn"));
        let found = imported_key_statuses(&keys, "keys:Other:Arn", &[]);
        assert!(refused(&found, "no stack of the app"), "{found:?}");
        let found =
            imported_key_statuses(&keys, "keys:PhiKey:Arn", &[Some("us-west-2".to_owned())]);
        assert!(refused(&found, "no stack of the app"), "{found:?}");
    }

    /// Probe p1, through the public API: a raw log group named `alias/aws/sqs`, whose `Ref`
    /// (its name) hipaa-stack exports and imports as the key of a queue of another stack.
    /// SQS reads the import as the AWS-managed key `alias/aws/sqs`.
    #[test]
    fn a_queue_keyed_by_an_exported_name_that_is_an_aws_managed_alias_fails() {
        use crate::app::App;
        use crate::constructs::RawResource;
        let app = App::new("raw");
        let keys = app.stack("keys").expect("stack");
        let name = keys
            .add(
                RawResource::new("PhiKeyName", "AWS::Logs::LogGroup")
                    .property("LogGroupName", json!("alias/aws/sqs")),
            )
            .expect("added");
        let s = app.stack("s").expect("stack");
        s.add(
            RawResource::new("Store", "AWS::SQS::Queue")
                .property("KmsMasterKeyId", name.reference()),
        )
        .expect("added");
        let checked = app.check().expect("checked");
        let found: Vec<_> = checked
            .evaluation()
            .results
            .iter()
            .filter(|c| &*c.logical_id == "Store" && c.rule == "A2")
            .map(|c| c.status.clone())
            .collect();
        assert!(
            found.iter().any(|s| matches!(s, crate::compliance::Status::Failed { finding } if finding.contains("carries no key of the app"))),
            "{found:?}"
        );
    }
}

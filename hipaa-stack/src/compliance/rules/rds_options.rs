//! `X1` on RDS option groups (hostile review 23): the options that send a database's data to
//! Amazon S3, which review 21 left a documented gap.
//!
//! - SQL Server's `SQLSERVER_BACKUP_RESTORE` writes native backups to, and restores them
//!   from, a bucket through the role of its `IAM_ROLE_ARN` setting ("IAM_ROLE_ARN: The
//!   Amazon Resource Name (ARN) of the IAM role", RDS user guide, "Setting up for native
//!   backup and restore"); the bucket itself is the one a stored procedure names at run time
//!   (`msdb.dbo.rds_backup_database @s3_arn_to_backup_to`).
//! - Oracle's `S3_INTEGRATION` copies files between the host and a bucket through the role
//!   the database associates for that feature (`AssociatedRoles`, `FeatureName`
//!   `S3_INTEGRATION`: RDS user guide, "Configuring IAM permissions for RDS for Oracle
//!   integration with Amazon S3"); the bucket is the one
//!   `rdsadmin.rdsadmin_s3_tasks.upload_to_s3` names at run time.
//!
//! No template shows the bucket a procedure names, but the role bounds it: it can reach only
//! the buckets its policies grant. So the role must be a role of this template whose every
//! statement that allows an S3 action names buckets of the app only (a bucket's `Arn`, its
//! ARN built on it, `${Bucket.Arn}/*`, or the import of its export), as `X1` asks of every
//! copy. A role of another stack of the app, imported, is read where its export is made. A
//! role of no template of the app (an ARN written as text, an import no export of the app
//! resolves) is a gap that names the option; a role that may reach any bucket (`*`, `NotResource`, a bucket no
//! template of the app declares, a managed policy no rule reads) fails, as does a value no
//! rule can read before deploy.

use std::borrow::Cow;

use serde_json::Value;

use super::meaning::{names, no_value, text, text_or_json};
use super::{Cx, Outcome, Proof, proof_of};
use crate::cfn::Resource;

/// An option group.
pub(super) const OPTION_GROUP: &str = "AWS::RDS::OptionGroup";
const ROLE: &str = "AWS::IAM::Role";

/// `X1` of an option group: each option that sends data to S3 reaches only buckets of the
/// app, through a role of this template (see the module's documentation).
pub(super) fn x1(cx: &Cx<'_>) -> Outcome {
    let options = match cx.prop("/OptionConfigurations") {
        None => return Outcome::NotApplicable,
        Some(Value::Array(options)) => options,
        Some(other) => {
            return Outcome::Fail(format!(
                "`OptionConfigurations` is {}, which no rule can read before deploy: it may hold `SQLSERVER_BACKUP_RESTORE` or `S3_INTEGRATION`, which send the database's data to a bucket no rule reads; write the list of options",
                text_or_json(other)
            ));
        }
    };
    let mut checks: Vec<Result<Proof, String>> = Vec::new();
    let mut gaps: Vec<String> = Vec::new();
    for (i, option) in options.iter().enumerate() {
        if option.is_null() || no_value(option) {
            continue;
        }
        let name =
            super::meaning::entry_text(option, "OptionName").map(|n| n.trim().to_ascii_uppercase());
        let at = format!("OptionConfigurations.{i}");
        let Some(name) = name else {
            checks.push(Err(format!(
                "`{at}` is {}, an option no rule can read before deploy: it may be `SQLSERVER_BACKUP_RESTORE` or `S3_INTEGRATION`, which send the database's data to a bucket; write the option's name and settings",
                text_or_json(option)
            )));
            continue;
        };
        let roles: Vec<(String, &Value, Cx<'_>)> = match name.as_str() {
            "SQLSERVER_BACKUP_RESTORE" => match backup_roles(option, &at) {
                Ok(roles) => roles.into_iter().map(|(p, r)| (p, r, *cx)).collect(),
                Err(why) => {
                    checks.push(Err(why));
                    continue;
                }
            },
            "S3_INTEGRATION" => {
                let roles = integration_roles(cx);
                if roles.is_empty() {
                    gaps.push(format!(
                        "the `S3_INTEGRATION` option (`{at}`) copies files between the database and a bucket through the role a database associates for `S3_INTEGRATION`, and no database of the app that names the option group associates one (`AssociatedRoles`): the role, and the buckets it reaches, are chosen outside the template"
                    ));
                    continue;
                }
                roles
            }
            _ => continue,
        };
        let label = format!("the `{name}` option (`{at}`)");
        let mut passed = true;
        for (place, role, home) in roles {
            match judge_role(&home, role, &format!("{label} {place}")) {
                Outcome::Fail(why) => {
                    passed = false;
                    checks.push(Err(why));
                }
                Outcome::Gap(why) => {
                    passed = false;
                    gaps.push(why);
                }
                Outcome::Pass(_) | Outcome::NotApplicable => {}
            }
        }
        if passed {
            checks.extend(proof_of(cx.resource, &format!("/OptionConfigurations/{i}")).map(Ok));
        }
    }
    match super::all(checks) {
        Outcome::Pass(_) if !gaps.is_empty() => Outcome::Gap(gaps.join("; ")),
        Outcome::Pass(proofs) if proofs.is_empty() => Outcome::NotApplicable,
        outcome => outcome,
    }
}

/// `X1` of a database: each role it associates (`AssociatedRoles`) for a feature that sends
/// its data to S3 reaches only buckets of the app, as [`x1`] asks of an option's role:
/// `S3_INTEGRATION` (RDS for Oracle and SQL Server: "transfer files between" the DB instance
/// and a bucket, RDS user guide, "Integrating an Amazon RDS for SQL Server DB instance with
/// Amazon S3"), `s3Export` (PostgreSQL and Aurora PostgreSQL's `aws_s3.query_export_to_s3`),
/// and, on Aurora MySQL, an entry of no feature (the role of `SELECT … INTO OUTFILE S3`).
/// `FeatureName` is read in any case; one no rule can read may be any of them. A role for
/// another feature (`s3Import`, Lambda, SageMaker) is not read here.
pub(super) fn x1_database(cx: &Cx<'_>) -> Outcome {
    let entries = match cx.prop("/AssociatedRoles") {
        None => return Outcome::NotApplicable,
        Some(Value::Array(entries)) => entries,
        Some(other) => {
            return Outcome::Fail(format!(
                "`AssociatedRoles` is {}, which no rule can read before deploy: it may give the database a role for `S3_INTEGRATION` or `s3Export` that reaches a bucket no rule reads; write the list",
                text_or_json(other)
            ));
        }
    };
    let engine = cx
        .prop("/Engine")
        .and_then(text)
        .map(|e| e.trim().to_ascii_lowercase());
    let aurora_mysql = cx.resource.type_name() == "AWS::RDS::DBCluster"
        && engine
            .as_deref()
            .is_none_or(|e| e == "aurora" || e == "aurora-mysql");
    let mut checks: Vec<Result<Proof, String>> = Vec::new();
    let mut gaps: Vec<String> = Vec::new();
    for (k, entry) in entries.iter().enumerate() {
        if entry.is_null() || no_value(entry) {
            continue;
        }
        let at = format!("AssociatedRoles.{k}");
        if !entry.is_object() || super::identity::intrinsic(entry) {
            checks.push(Err(format!(
                "`{at}` is {}, which no rule can read before deploy: it may be a role for `S3_INTEGRATION` or `s3Export` that reaches a bucket no rule reads; write its `RoleArn` and `FeatureName`",
                text_or_json(entry)
            )));
            continue;
        }
        let feature = &entry["FeatureName"];
        let exports = if feature.is_null() || no_value(feature) {
            aurora_mysql.then(|| {
                "no `FeatureName` (Aurora MySQL's role for `SELECT … INTO OUTFILE S3`)".to_owned()
            })
        } else {
            match text(feature).filter(|f| !super::identity::dynamic(f)) {
                Some(f)
                    if ["s3_integration", "s3export"]
                        .contains(&f.trim().to_ascii_lowercase().as_str()) =>
                {
                    Some(format!("`FeatureName` {}", f.trim()))
                }
                Some(_) => None,
                None => Some(format!(
                    "`FeatureName` {}, which no rule can read before deploy",
                    text_or_json(feature)
                )),
            }
        };
        let Some(why) = exports else {
            continue;
        };
        let label = format!("`{at}` ({why})");
        match judge_role(cx, &entry["RoleArn"], &label) {
            Outcome::Fail(f) => checks.push(Err(f)),
            Outcome::Gap(g) => gaps.push(g),
            Outcome::Pass(_) | Outcome::NotApplicable => {
                checks.extend(proof_of(cx.resource, &format!("/AssociatedRoles/{k}")).map(Ok));
            }
        }
    }
    match super::all(checks) {
        Outcome::Pass(_) if !gaps.is_empty() => Outcome::Gap(gaps.join("; ")),
        Outcome::Pass(proofs) if proofs.is_empty() => Outcome::NotApplicable,
        outcome => outcome,
    }
}

/// The roles of a `SQLSERVER_BACKUP_RESTORE` option: each `IAM_ROLE_ARN` setting (its name
/// read in any case), with where it is written, or why they cannot be read.
fn backup_roles<'v>(option: &'v Value, at: &str) -> Result<Vec<(String, &'v Value)>, String> {
    let settings = match &option["OptionSettings"] {
        Value::Array(settings) => settings,
        v if v.is_null() || no_value(v) => {
            return Err(format!(
                "the `SQLSERVER_BACKUP_RESTORE` option (`{at}`) sets no `IAM_ROLE_ARN`: the role it writes backups with, and the buckets that role reaches, are not shown; set `IAM_ROLE_ARN` to the `Arn` of a role of this template that reaches only buckets of the app"
            ));
        }
        other => {
            return Err(format!(
                "`{at}.OptionSettings` is {}, which no rule can read before deploy: the role the `SQLSERVER_BACKUP_RESTORE` option writes backups with is not shown; write each setting as a `Name` and a `Value`",
                text_or_json(other)
            ));
        }
    };
    let mut roles = Vec::new();
    for (j, setting) in settings.iter().enumerate() {
        if setting.is_null() || no_value(setting) {
            continue;
        }
        let name = super::meaning::entry_text(setting, "Name");
        match name {
            Some(n) if n.trim().eq_ignore_ascii_case("IAM_ROLE_ARN") => {
                roles.push((format!("`{at}.OptionSettings.{j}`"), &setting["Value"]));
            }
            Some(_) => {}
            None => {
                return Err(format!(
                    "`{at}.OptionSettings.{j}` is {}, a setting no rule can read before deploy: it may be the `IAM_ROLE_ARN` of the `SQLSERVER_BACKUP_RESTORE` option; write its `Name` and `Value`",
                    text_or_json(setting)
                ));
            }
        }
    }
    if roles.is_empty() {
        return Err(format!(
            "the `SQLSERVER_BACKUP_RESTORE` option (`{at}`) sets no `IAM_ROLE_ARN`: the role it writes backups with, and the buckets that role reaches, are not shown; set `IAM_ROLE_ARN` to the `Arn` of a role of this template that reaches only buckets of the app"
        ));
    }
    Ok(roles)
}

/// The roles that the databases naming the option group associate for `S3_INTEGRATION`
/// (`AssociatedRoles`, `FeatureName` read in any case), each with where it is written and
/// the context of the database's stack: the databases of this template that name it, and
/// those of another stack of the app that name it by the import of its export, which
/// CloudFormation resolves to the group's name (`Fn::ImportValue`, "returns the value of an
/// output exported by another stack"). An entry no rule can read is returned as itself, to
/// fail.
fn integration_roles<'a>(cx: &Cx<'a>) -> Vec<(String, &'a Value, Cx<'a>)> {
    let mut roles = Vec::new();
    let exports = cx.own_exports();
    for (stack, db) in ["AWS::RDS::DBInstance", "AWS::RDS::DBCluster"]
        .into_iter()
        .flat_map(|t| cx.everywhere(t))
    {
        let p = db.properties();
        let named = match stack {
            None => names(&p["OptionGroupName"], cx.id()),
            Some(_) => exports.imported_in(cx, stack, &p["OptionGroupName"]),
        };
        if !named {
            continue;
        }
        let home = cx.in_stack_or_here(stack, cx.resource);
        let db_id = match stack {
            Some(stack) => format!("{stack}/{}", db.logical_id()),
            None => db.logical_id().to_owned(),
        };
        let Some(entries) = p["AssociatedRoles"].as_array() else {
            if !p["AssociatedRoles"].is_null() && !no_value(&p["AssociatedRoles"]) {
                roles.push((
                    format!("through `{db_id}.AssociatedRoles`"),
                    &p["AssociatedRoles"],
                    home,
                ));
            }
            continue;
        };
        for (k, entry) in entries.iter().enumerate() {
            if entry.is_null() || no_value(entry) {
                continue;
            }
            let feature = text(&entry["FeatureName"]).filter(|f| !super::identity::dynamic(f));
            let place = format!("through `{db_id}.AssociatedRoles.{k}`");
            match feature {
                Some(f) if f.trim().eq_ignore_ascii_case("S3_INTEGRATION") => {
                    roles.push((place, &entry["RoleArn"], home));
                }
                Some(_) => {}
                // A feature no rule can read may be `S3_INTEGRATION`.
                None => roles.push((place, entry, home)),
            }
        }
    }
    roles
}

/// Whether the role `value` names reaches only buckets of the app (see the module's
/// documentation); `label` says which option and setting name it.
fn judge_role(cx: &Cx<'_>, value: &Value, label: &str) -> Outcome {
    if let Some(branches) = super::meaning::if_branches(value) {
        return super::worst(branches.iter().map(|b| judge_role(cx, b, label)))
            .unwrap_or(Outcome::NotApplicable);
    }
    if value.is_null() || no_value(value) {
        return Outcome::Fail(format!(
            "{label} names no role: the role the option sends data to S3 with, and the buckets it reaches, are not shown; name the `Arn` of a role of this template that reaches only buckets of the app"
        ));
    }
    // A role of another stack, imported, is read in the stack that makes the export, as the
    // value the export carries: `Fn::ImportValue` "returns the value of an output exported
    // by another stack" (CloudFormation User Guide), the role's ARN there.
    if let Some((there, carried)) = super::flows::where_made(cx, value)
        && there.at != cx.at
    {
        return judge_role(&there, &carried, label);
    }
    if let Some(role) = cx.others(ROLE).find(|r| role_arn(value, r)) {
        return match role_buckets(cx, role) {
            Ok(()) => Outcome::Pass(Vec::new()),
            Err(why) => Outcome::Fail(format!(
                "{label} sends the database's data to S3 through role `{}`, {why}: the data may go to a bucket no rule reads; grant the role S3 actions on buckets of the app only (their `Arn`, or `${{Bucket.Arn}}/*`)",
                role.logical_id()
            )),
        };
    }
    // Hostile review 24: a role of another stack of the app, named by its ARN built on the
    // `RoleName` and `Path` it writes, is read where it is declared (as an instance
    // profile's `Roles` are read when they name a role of the app by its `RoleName`), each
    // such role of the app judged, the worst winning: one of a stack of the database's
    // account (the ARN's account is `${AWS::AccountId}`, the database's own; a role of the
    // same name in another account is that account's).
    let elsewhere: Vec<Outcome> = cx
        .everywhere(ROLE)
        .filter(|(stack, _)| cx.in_own_account(*stack))
        .filter_map(|(stack, role)| stack.map(|stack| (stack, role)))
        .filter(|(_, role)| arn_by_name(value, role))
        .map(|(stack, role)| {
            let home = cx.in_stack_or_here(Some(stack), role);
            match role_buckets(&home, role) {
                Ok(()) => Outcome::Pass(Vec::new()),
                Err(why) => Outcome::Fail(format!(
                    "{label} sends the database's data to S3 through role `{stack}/{}`, {why}: the data may go to a bucket no rule reads; grant the role S3 actions on buckets of the app only (their `Arn`, or `${{Bucket.Arn}}/*`)",
                    role.logical_id()
                )),
            }
        })
        .collect();
    if let Some(worst) = super::worst(elsewhere) {
        return worst;
    }
    let readable = text(value).is_some_and(|t| !super::identity::dynamic(&t))
        || super::meaning::imported(value);
    if readable {
        Outcome::Gap(format!(
            "{label} sends the database's data to S3 through the role {}, which is no role of this template: which buckets it reaches (where the procedures that name a bucket at run time may send the data) is read by no rule; name the `Arn` of a role of this template that reaches only buckets of the app",
            text_or_json(value)
        ))
    } else {
        Outcome::Fail(format!(
            "{label} names the role {}, which no rule can read before deploy: it may reach any bucket; name the `Arn` of a role of this template that reaches only buckets of the app",
            text_or_json(value)
        ))
    }
}

/// Whether `value` is the ARN of `role`, a role of this template: its `Arn` attribute
/// however written ([`reads_as_arn`]), or its ARN in the stack's account built on its name,
/// the `Ref` of the role or, when it writes one, its `RoleName` ([`arn_by_name`]).
pub(super) fn role_arn(value: &Value, role: &Resource) -> bool {
    if names(value, role.logical_id()) {
        return reads_as_arn(value, role.logical_id());
    }
    if let Some((before, reference, after)) = super::flows::around_one_reference(value) {
        return after.is_empty()
            && reference.get("Ref").and_then(Value::as_str) == Some(role.logical_id())
            && role_prefix(role).is_some_and(|prefix| of_this_account(&before, &prefix));
    }
    arn_by_name(value, role)
}

/// Whether `value` reads, whole, as the `Arn` attribute of the resource `id` of its
/// template: `Fn::GetAtt` of `Arn`, or `${Id.Arn}` alone in an `Fn::Sub`, an `Fn::Join` of
/// it alone, the entry an `Fn::Select` of a written list picks, each read as
/// [`super::meaning::sent_about`] reads them. Its `Ref` (a role's is its name: "When you pass
/// the logical ID of this resource to the intrinsic `Ref` function, `Ref` returns the
/// resource name", CloudFormation reference, `AWS::IAM::Role`) and its other attributes
/// (`RoleId`) are no ARN, however they are wrapped (hostile review: read only at the top of
/// the value, an `Fn::Select` of the role's `Ref` passed as its ARN).
pub(super) fn reads_as_arn(value: &Value, id: &str) -> bool {
    const ARN: &str = "\u{0}arn";
    let own = super::meaning::Own {
        id,
        reference: "\u{0}ref".to_owned(),
        arn: ARN.to_owned(),
        other: None,
    };
    super::meaning::sent_about(value, &own).as_deref() == Some(ARN)
}

/// The part of a role's ARN after the partition and before its name:
/// `iam::${AWS::AccountId}:role` and the role's `Path` (`/` when it writes none: "The path
/// to the role", CloudFormation reference, `AWS::IAM::Role`; the ARN is
/// `arn:aws:iam::account:role/path/name`, IAM user guide, "IAM identifiers"). `None` for a
/// path no rule can read before deploy.
fn role_prefix(role: &Resource) -> Option<String> {
    let path = &role.properties()["Path"];
    let path = if path.is_null() || no_value(path) {
        "/".to_owned()
    } else {
        super::meaning::sent(path).filter(|p| !super::identity::dynamic(p))?
    };
    Some(format!("iam::${{AWS::AccountId}}:role{path}"))
}

/// Whether `before` (the text of an ARN before a role's name) is `arn:`, a partition, `:`
/// and `prefix` ([`role_prefix`]): the role's path exactly, in the stack's own account (an
/// account written as a number may be another's: the rules never take it for the stack's).
fn of_this_account(before: &str, prefix: &str) -> bool {
    before
        .strip_prefix("arn:")
        .and_then(|rest| rest.split_once(':'))
        .is_some_and(|(_, rest)| rest == prefix)
}

/// Whether `value` is, as text, the ARN of `role` in the stack's own account built on the
/// `RoleName` the role writes: `arn:PARTITION:iam::${AWS::AccountId}:role`, its path and its
/// name, both exactly the role's (hostile review 24: `role/service/name` of a role whose
/// `Path` is `/service/`). A role that writes no `RoleName` has a name made at deploy,
/// which no text names.
pub(super) fn arn_by_name(value: &Value, role: &Resource) -> bool {
    let Some(name) = super::meaning::sent(&role.properties()["RoleName"])
        .filter(|n| !n.is_empty() && !super::identity::dynamic(n))
    else {
        return false;
    };
    let Some(written) = super::meaning::sent(value) else {
        return false;
    };
    written
        .strip_suffix(name.as_str())
        .zip(role_prefix(role))
        .is_some_and(|(before, prefix)| of_this_account(before, &prefix))
}

/// Why the policies of `role` may let it reach a bucket that is not of the app, if they may:
/// its inline `Policies`, the `AWS::IAM::Policy`, `AWS::IAM::RolePolicy` and
/// `AWS::IAM::ManagedPolicy` of this template attached to it, and its `ManagedPolicyArns`
/// (each a managed policy of this template, or one no rule reads, which fails).
fn role_buckets(cx: &Cx<'_>, role: &Resource) -> Result<(), String> {
    let id = role.logical_id();
    let mut documents: Vec<(String, Option<Cow<'_, Value>>)> = Vec::new();
    match &role.properties()["Policies"] {
        Value::Array(policies) => {
            for (i, p) in policies.iter().enumerate() {
                if p.is_null() || no_value(p) {
                    continue;
                }
                documents.push((
                    format!("`{id}.Policies.{i}`"),
                    super::identity::policy_document(
                        role,
                        &format!("/Policies/{i}/PolicyDocument"),
                    ),
                ));
            }
        }
        v if v.is_null() || no_value(v) => {}
        other => {
            return Err(format!(
                "whose `Policies` is {}, which no rule can read before deploy",
                text_or_json(other)
            ));
        }
    }
    match &role.properties()["ManagedPolicyArns"] {
        Value::Array(arns) => {
            for arn in arns.iter().filter(|a| !a.is_null() && !no_value(a)) {
                let own = cx
                    .others("AWS::IAM::ManagedPolicy")
                    .find(|m| names(arn, m.logical_id()));
                match own {
                    Some(m) => documents.push((
                        format!("`{}`", m.logical_id()),
                        super::identity::policy_document(m, "/PolicyDocument"),
                    )),
                    None => {
                        return Err(format!(
                            "whose managed policy {} is none of this template, so no rule reads which buckets it grants",
                            text_or_json(arn)
                        ));
                    }
                }
            }
        }
        v if v.is_null() || no_value(v) => {}
        other => {
            return Err(format!(
                "whose `ManagedPolicyArns` is {}, which no rule can read before deploy",
                text_or_json(other)
            ));
        }
    }
    for (t, key) in [
        ("AWS::IAM::Policy", "Roles"),
        ("AWS::IAM::ManagedPolicy", "Roles"),
        ("AWS::IAM::RolePolicy", "RoleName"),
    ] {
        for p in cx.others(t) {
            let attached = &p.properties()[key];
            let to_it = match attached {
                Value::Array(items) => items.iter().any(|r| names(r, id)),
                v => names(v, id),
            };
            let already = documents
                .iter()
                .any(|(n, _)| *n == format!("`{}`", p.logical_id()));
            if to_it && !already {
                documents.push((
                    format!("`{}`", p.logical_id()),
                    super::identity::policy_document(p, "/PolicyDocument"),
                ));
            }
        }
    }
    for (name, document) in documents {
        let Some(document) = document else {
            return Err(format!(
                "whose policy {name} no rule can read before deploy"
            ));
        };
        if let Some(why) = super::identity::unreadable_statements(&document, &name) {
            return Err(format!("whose policy says {why}"));
        }
        for (at, statement) in super::identity::statements(&document) {
            if !super::identity::allows(statement) {
                continue;
            }
            if !reaches_s3(statement) {
                continue;
            }
            let here = format!("{name}{}", at.replace('/', "."));
            if statement.get("NotResource").is_some() {
                return Err(format!(
                    "whose statement {here} allows S3 actions on every resource but those of `NotResource`"
                ));
            }
            let resources = super::meaning::one_or_many(&statement["Resource"]);
            if resources.is_empty() {
                return Err(format!(
                    "whose statement {here} allows S3 actions and names no `Resource` a rule can read"
                ));
            }
            for r in resources {
                if !bucket_of_the_app(cx, r) {
                    return Err(format!(
                        "whose statement {here} allows S3 actions on {}, which is no bucket of the app",
                        text_or_json(r)
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Whether a statement may allow an S3 action: an `Action` that names one (`s3:…`, a
/// pattern that matches one, `*`), a `NotAction`, or actions no rule can read.
fn reaches_s3(statement: &Value) -> bool {
    if statement.get("NotAction").is_some() {
        return true;
    }
    let written = super::meaning::one_or_many(&statement["Action"]);
    let read = super::identity::strings(&statement["Action"]);
    if read.len() < written.len() {
        return true;
    }
    read.iter().any(|a| {
        let a = a.trim().to_ascii_lowercase();
        a.starts_with("s3")
            || super::identity::glob(&a, "s3:putobject")
            || super::identity::glob(&a, "s3:getobject")
    })
}

/// Whether `resource` names a bucket of the app or objects in it: the bucket's ARN
/// ([`super::services::bucket_arn_of_the_app`]), or that ARN with a `/` and a key pattern
/// after it, written around the reference or as text.
fn bucket_of_the_app(cx: &Cx<'_>, resource: &Value) -> bool {
    if let Some(branches) = super::meaning::if_branches(resource) {
        return branches.iter().all(|b| bucket_of_the_app(cx, b));
    }
    if super::services::bucket_arn_of_the_app(cx, resource) {
        return true;
    }
    if let Some((before, reference, after)) = super::flows::around_one_reference(resource)
        && before.is_empty()
        && after.starts_with('/')
        && super::services::bucket_arn_of_the_app(cx, &reference)
    {
        return true;
    }
    text(resource).is_some_and(|t| {
        t.split_once('/').is_some_and(|(bucket, _)| {
            !bucket.contains('*')
                && super::services::bucket_arn_of_the_app(cx, &Value::String(bucket.to_owned()))
        })
    })
}

/// Hostile review 23: the options of an option group that send data to S3 reach only
/// buckets of the app.
#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::super::{Cx, Index, Outcome};

    fn x1(resources: &[(&str, &str, Value)]) -> Outcome {
        Cx::check_first(super::x1, resources)
    }

    fn backup(role: Value) -> Value {
        json!({"EngineName": "sqlserver-se", "MajorEngineVersion": "16.00", "OptionGroupDescription": "backups",
            "OptionConfigurations": [{"OptionName": "SQLSERVER_BACKUP_RESTORE",
                "OptionSettings": [{"Name": "IAM_ROLE_ARN", "Value": role}]}]})
    }

    fn role(resource: Value) -> Value {
        json!({"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Principal": {"Service": "rds.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
            "Policies": [{"PolicyName": "s3", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation"], "Resource": {"Fn::GetAtt": ["B", "Arn"]}},
                {"Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject"], "Resource": resource}]}}]})
    }

    fn judged(group: Value, role_resource: Value) -> Outcome {
        x1(&[
            ("O", super::OPTION_GROUP, group),
            ("R", super::ROLE, role(role_resource)),
            ("B", "AWS::S3::Bucket", json!({})),
        ])
    }

    #[test]
    fn a_backup_option_passes_only_through_a_role_that_reaches_buckets_of_the_app() {
        let arn = json!({"Fn::GetAtt": ["R", "Arn"]});
        for objects in [
            json!({"Fn::Sub": "${B.Arn}/*"}),
            json!({"Fn::Join": ["", [{"Fn::GetAtt": ["B", "Arn"]}, "/backups/*"]]}),
            json!([{"Fn::Sub": "${B.Arn}/*"}]),
        ] {
            let found = judged(backup(arn.clone()), objects.clone());
            assert!(matches!(found, Outcome::Pass(_)), "{objects}: {found:?}");
        }
        for objects in [
            json!("*"),
            json!("arn:aws:s3:::elsewhere/*"),
            json!({"Fn::Sub": "arn:${AWS::Partition}:s3:::*"}),
            json!({"Fn::Sub": "${B.Arn}*"}),
        ] {
            let found = judged(backup(arn.clone()), objects.clone());
            assert!(
                matches!(found, Outcome::Fail(ref f) if f.contains("SQLSERVER_BACKUP_RESTORE")),
                "{objects}: {found:?}"
            );
        }
        // The setting's and the option's names in another case are the same.
        let mut group = backup(arn.clone());
        group["OptionConfigurations"][0]["OptionName"] = json!(" sqlserver_backup_restore ");
        group["OptionConfigurations"][0]["OptionSettings"][0]["Name"] = json!("iam_role_arn");
        let found = judged(group, json!("*"));
        assert!(matches!(found, Outcome::Fail(_)), "{found:?}");
        // A role of no template is a gap naming the option; one no rule can read fails.
        let found = judged(
            backup(json!("arn:aws:iam::111122223333:role/backups")),
            json!("*"),
        );
        assert!(
            matches!(found, Outcome::Gap(ref g) if g.contains("SQLSERVER_BACKUP_RESTORE")),
            "{found:?}"
        );
        // The role's ARN built on its name is the role too; on its `Ref` alone (its name),
        // another account's partition or a path it does not have, it is not.
        for built in [
            json!({"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${R}"}),
            json!({"Fn::Join": ["", ["arn:aws:iam::", {"Ref": "AWS::AccountId"}, ":role/", {"Ref": "R"}]]}),
            json!({"Fn::Sub": "${R.Arn}"}),
        ] {
            let found = judged(backup(built.clone()), json!({"Fn::Sub": "${B.Arn}/*"}));
            assert!(matches!(found, Outcome::Pass(_)), "{built}: {found:?}");
            let found = judged(backup(built.clone()), json!("*"));
            assert!(matches!(found, Outcome::Fail(_)), "{built}: {found:?}");
        }
        for other in [
            json!({"Ref": "R"}),
            json!({"Fn::Sub": "arn:aws:iam::111122223333:role/${R}"}),
            json!({"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:role/app/${R}"}),
        ] {
            let found = judged(backup(other.clone()), json!({"Fn::Sub": "${B.Arn}/*"}));
            assert!(!matches!(found, Outcome::Pass(_)), "{other}: {found:?}");
        }
        for unread in [
            json!("{{resolve:ssm:/role}}"),
            json!({"Ref": "AWS::NoValue"}),
        ] {
            let found = judged(backup(unread.clone()), json!("*"));
            assert!(matches!(found, Outcome::Fail(_)), "{unread}: {found:?}");
        }
        let mut no_role = backup(arn.clone());
        no_role["OptionConfigurations"][0]["OptionSettings"] = json!([]);
        assert!(matches!(judged(no_role, json!("*")), Outcome::Fail(_)));
        let mut hidden = backup(arn);
        hidden["OptionConfigurations"][0] = json!({"Ref": "Options"});
        assert!(matches!(judged(hidden, json!("*")), Outcome::Fail(_)));
    }

    #[test]
    fn a_role_s_attached_and_managed_policies_are_read_too() {
        let group = backup(json!({"Fn::GetAtt": ["R", "Arn"]}));
        let mut own = role(json!({"Fn::Sub": "${B.Arn}/*"}));
        own["ManagedPolicyArns"] = json!(["arn:aws:iam::aws:policy/AmazonS3FullAccess"]);
        let found = x1(&[
            ("O", super::OPTION_GROUP, group.clone()),
            ("R", super::ROLE, own),
            ("B", "AWS::S3::Bucket", json!({})),
        ]);
        assert!(
            matches!(found, Outcome::Fail(ref f) if f.contains("AmazonS3FullAccess")),
            "{found:?}"
        );
        let found = x1(&[
            ("O", super::OPTION_GROUP, group),
            ("R", super::ROLE, role(json!({"Fn::Sub": "${B.Arn}/*"}))),
            ("B", "AWS::S3::Bucket", json!({})),
            (
                "P",
                "AWS::IAM::Policy",
                json!({"PolicyName": "more", "Roles": [{"Ref": "R"}], "PolicyDocument": {"Version": "2012-10-17",
                    "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}}),
            ),
        ]);
        assert!(
            matches!(found, Outcome::Fail(ref f) if f.contains("`P`")),
            "{found:?}"
        );
    }

    /// A database's own associated roles for features that send data to S3.
    #[test]
    fn a_database_s_roles_for_s3_exports_reach_only_buckets_of_the_app() {
        let judge = |kind: &str, engine: &str, entry: Value, objects: Value| {
            Cx::check_first(
                super::x1_database,
                &[
                    (
                        "D",
                        kind,
                        json!({"Engine": engine, "AssociatedRoles": [entry]}),
                    ),
                    ("R", super::ROLE, role(objects)),
                    ("B", "AWS::S3::Bucket", json!({})),
                ],
            )
        };
        let arn = json!({"Fn::GetAtt": ["R", "Arn"]});
        let own = json!({"Fn::Sub": "${B.Arn}/*"});
        for (kind, engine, feature) in [
            (
                "AWS::RDS::DBInstance",
                "sqlserver-se",
                json!("S3_INTEGRATION"),
            ),
            ("AWS::RDS::DBInstance", "postgres", json!("s3Export")),
            (
                "AWS::RDS::DBCluster",
                "aurora-postgresql",
                json!("S3EXPORT"),
            ),
            (
                "AWS::RDS::DBInstance",
                "oracle-ee",
                json!(" s3_integration "),
            ),
            ("AWS::RDS::DBCluster", "aurora-mysql", Value::Null),
            (
                "AWS::RDS::DBInstance",
                "postgres",
                json!({"Fn::GetAtt": ["P", "Value"]}),
            ),
        ] {
            let mut entry = json!({"RoleArn": arn.clone()});
            if !feature.is_null() {
                entry["FeatureName"] = feature.clone();
            }
            let found = judge(kind, engine, entry.clone(), json!("*"));
            assert!(
                matches!(found, Outcome::Fail(_)),
                "{engine} {feature}: {found:?}"
            );
            if !feature.is_object() {
                let found = judge(kind, engine, entry.clone(), own.clone());
                assert!(
                    matches!(found, Outcome::Pass(_)),
                    "{engine} {feature}: {found:?}"
                );
            }
            entry["RoleArn"] = json!("arn:aws:iam::111122223333:role/export");
            let found = judge(kind, engine, entry, own.clone());
            assert!(
                matches!(found, Outcome::Gap(_)),
                "{engine} {feature}: {found:?}"
            );
        }
        // A role for a feature that sends nothing out is not read here.
        for (engine, feature) in [("postgres", "s3Import"), ("postgres", "Lambda")] {
            let found = judge(
                "AWS::RDS::DBInstance",
                engine,
                json!({"RoleArn": arn.clone(), "FeatureName": feature}),
                json!("*"),
            );
            assert!(
                matches!(found, Outcome::NotApplicable),
                "{feature}: {found:?}"
            );
        }
    }

    #[test]
    fn oracle_s3_integration_is_read_through_the_role_its_databases_associate() {
        let group = json!({"EngineName": "oracle-ee", "MajorEngineVersion": "19", "OptionGroupDescription": "s3",
            "OptionConfigurations": [{"OptionName": "S3_INTEGRATION", "OptionVersion": "1.0"}]});
        let judge = |feature: &str, objects: Value| {
            x1(&[
                ("O", super::OPTION_GROUP, group.clone()),
                ("R", super::ROLE, role(objects)),
                ("B", "AWS::S3::Bucket", json!({})),
                (
                    "D",
                    "AWS::RDS::DBInstance",
                    json!({"Engine": "oracle-ee", "OptionGroupName": {"Ref": "O"},
                        "AssociatedRoles": [{"FeatureName": feature, "RoleArn": {"Fn::GetAtt": ["R", "Arn"]}}]}),
                ),
            ])
        };
        let found = judge("S3_INTEGRATION", json!({"Fn::Sub": "${B.Arn}/*"}));
        assert!(matches!(found, Outcome::Pass(_)), "{found:?}");
        for feature in ["S3_INTEGRATION", "s3_integration"] {
            let found = judge(feature, json!("*"));
            assert!(
                matches!(found, Outcome::Fail(ref f) if f.contains("S3_INTEGRATION")),
                "{found:?}"
            );
        }
        // No database of the template associates a role for it: a gap naming the option.
        let found = judge("SQLSERVER_BACKUP_RESTORE", json!("*"));
        assert!(
            matches!(found, Outcome::Gap(ref g) if g.contains("S3_INTEGRATION")),
            "{found:?}"
        );
        // Other options are not read here.
        let found = x1(&[(
            "O",
            super::OPTION_GROUP,
            json!({"EngineName": "oracle-ee", "MajorEngineVersion": "19", "OptionGroupDescription": "x",
                "OptionConfigurations": [{"OptionName": "Timezone", "OptionSettings": [{"Name": "TIME_ZONE", "Value": "UTC"}]}]}),
        )]);
        assert!(matches!(found, Outcome::NotApplicable), "{found:?}");
    }

    /// Hostile review 24: a role's ARN written with its path, built on its `Ref` or on its
    /// `RoleName`, names the role of the template whose path and name are exactly those; a
    /// role of another stack of the app named so is read there. Another path, an account
    /// written as a number or a name in another case names none.
    #[test]
    fn a_role_is_named_by_its_arn_with_its_path() {
        let with = |path: Value, name: Value| {
            let mut r = role(json!({"Fn::Sub": "${B.Arn}/*"}));
            if !path.is_null() {
                r["Path"] = path;
            }
            if !name.is_null() {
                r["RoleName"] = name;
            }
            r
        };
        let judged_with = |arn: &Value, r: Value| {
            x1(&[
                ("O", super::OPTION_GROUP, backup(arn.clone())),
                ("R", super::ROLE, r),
                ("B", "AWS::S3::Bucket", json!({})),
            ])
        };
        for (arn, path, name) in [
            (
                json!({"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/service/${R}"}),
                json!("/service/"),
                Value::Null,
            ),
            (
                json!({"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:role/service/backup-writer"}),
                json!("/service/"),
                json!("backup-writer"),
            ),
            (
                json!({"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:role/backup-writer"}),
                Value::Null,
                json!("backup-writer"),
            ),
        ] {
            let found = judged_with(&arn, with(path, name));
            assert!(matches!(found, Outcome::Pass(_)), "{arn}: {found:?}");
        }
        for (arn, path, name) in [
            (
                json!({"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:role/${R}"}),
                json!("/service/"),
                Value::Null,
            ),
            (
                json!({"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:role/other/backup-writer"}),
                json!("/service/"),
                json!("backup-writer"),
            ),
            (
                json!("arn:aws:iam::123456789012:role/service/backup-writer"),
                json!("/service/"),
                json!("backup-writer"),
            ),
            (
                json!({"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:role/service/Backup-Writer"}),
                json!("/service/"),
                json!("backup-writer"),
            ),
        ] {
            let found = judged_with(&arn, with(path, name));
            assert!(!matches!(found, Outcome::Pass(_)), "{arn}: {found:?}");
        }
        // A role of another stack, by its name and path: read where it is declared.
        let options = crate::testing::raw_template(&[(
            "O",
            super::OPTION_GROUP,
            backup(json!({"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:role/service/backup-writer"})),
        )]);
        for (objects, passes) in [
            (json!({"Fn::Sub": "${B.Arn}/*"}), true),
            (json!("arn:aws:s3:::elsewhere/*"), false),
        ] {
            let mut r = role(objects.clone());
            r["Path"] = json!("/service/");
            r["RoleName"] = json!("backup-writer");
            let roles = crate::testing::raw_template(&[
                ("R", super::ROLE, r),
                ("B", "AWS::S3::Bucket", json!({})),
            ]);
            let stacks = [("data", &options), ("roles", &roles)];
            let index = Index::new(&stacks);
            let found = super::x1(&Cx::in_first(&stacks, &options.resources()[0], &index));
            if passes {
                assert!(matches!(found, Outcome::Pass(_)), "{objects}: {found:?}");
            } else {
                assert!(
                    matches!(found, Outcome::Fail(ref f) if f.contains("roles/R")),
                    "{objects}: {found:?}"
                );
            }
        }
    }

    /// An IAM role's name is one of an account, in every region: the ARN
    /// `arn:aws:iam::${AWS::AccountId}:role/…` that an option group writes names the role of
    /// that name in the database's own account. A role of the same name and path in a stack
    /// of another account is that account's, not the one the option uses (before, it was read
    /// as the option's role, and its grants on buckets of the app passed X1); one of a stack
    /// of another region of the same account is the same role.
    #[test]
    fn a_role_named_by_arn_is_of_the_option_group_s_account_only() {
        let options = crate::testing::raw_template(&[(
            "O",
            super::OPTION_GROUP,
            backup(json!({"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:role/service/backup-writer"})),
        )]);
        let mut r = role(json!({"Fn::Sub": "${B.Arn}/*"}));
        r["Path"] = json!("/service/");
        r["RoleName"] = json!("backup-writer");
        let roles = crate::testing::raw_template(&[
            ("R", super::ROLE, r),
            ("B", "AWS::S3::Bucket", json!({})),
        ]);
        let stacks = [("data", &options), ("roles", &roles)];
        let east = Some("us-east-1".to_owned());
        for (region, account, read) in [
            (east.clone(), None, true),
            (Some("us-west-2".to_owned()), None, true),
            (east.clone(), Some("222222222222".to_owned()), false),
        ] {
            let mut index = Index::new(&stacks);
            index.regions = vec![east.clone(), region.clone()];
            index.accounts = vec![None, account.clone()];
            let found = super::x1(&Cx::in_first(&stacks, &options.resources()[0], &index));
            assert_eq!(
                matches!(found, Outcome::Pass(_)),
                read,
                "{region:?} {account:?}: {found:?}"
            );
        }
    }
}

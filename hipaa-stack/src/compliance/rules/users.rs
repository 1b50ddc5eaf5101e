//! IAM users and their access keys, as the AWS Config HIPAA conformance pack
//! (`access-keys-rotated`, `iam-user-unused-credentials-check`, `iam-user-no-policies-check`)
//! and cdk-nag's HIPAA Security pack (`IAMUserNoPolicies`, `IAMUserGroupMembership`) check
//! them.
//!
//! An access key declared in a template is a credential that never expires: AWS Config's
//! pack flags it once it is 90 days old, and nothing in CloudFormation rotates it (only a
//! change of `Serial`, made by hand, replaces it), while its secret is an attribute any
//! template of the account can read. A rule over a template cannot see the key's age, so it
//! asks for what makes the age moot: no active key; workloads take a role. Both rules
//! accept a waiver with a reason (a partner's system that cannot assume a role).

use serde_json::Value;

use super::meaning::text_or_json;
use super::{Cx, Outcome, Packs, RuleSpec, proof_of};

/// An access key of an IAM user.
const ACCESS_KEY: &str = "AWS::IAM::AccessKey";
/// An IAM user.
const USER: &str = "AWS::IAM::User";
/// The resources that attach policies to users.
const MANAGED_POLICY: &str = "AWS::IAM::ManagedPolicy";
const POLICY: &str = "AWS::IAM::Policy";
const USER_POLICY: &str = "AWS::IAM::UserPolicy";

const ACCESS: &[&str] = &["164.308(a)(3)(i)", "164.308(a)(4)(i)", "164.312(a)(1)"];

pub(crate) static RULES: &[RuleSpec] = &[
    RuleSpec {
        id: "I9",
        title: "no active long-lived access key is declared for an IAM user",
        types: &[ACCESS_KEY],
        controls: &["164.308(a)(5)(ii)(D)", "164.312(a)(1)", "164.312(d)"],
        fix: "give the workload a role (an instance profile, a task or function role, IAM Roles Anywhere for servers outside AWS) instead of a user's access key; a key kept for rotation may stay with `Status` Inactive",
        packs: Packs {
            cdk_nag: None,
            checkov: None,
            guard: Some("ACCESS_KEYS_ROTATED"),
        },
        check: i9,
    },
    RuleSpec {
        id: "I10",
        title: "IAM users get their permissions only from groups they belong to",
        types: &[USER, MANAGED_POLICY, POLICY, USER_POLICY],
        controls: ACCESS,
        fix: "put the user in a group (`Groups`, or an `AWS::IAM::UserToGroupAddition`) and attach the policies to the group: remove `ManagedPolicyArns` and `Policies` from the user, `Users` from managed policies and policies, and every `AWS::IAM::UserPolicy`",
        packs: Packs {
            cdk_nag: Some("HIPAA.Security-IAMUserNoPolicies"),
            checkov: Some("CKV_AWS_40"),
            guard: Some("IAM_USER_NO_POLICIES_CHECK"),
        },
        check: i10,
    },
];

fn i9(cx: &Cx<'_>) -> Outcome {
    match cx.reads_as("/Status", &["Inactive"], "the key works") {
        Ok(proof) => Outcome::Pass(vec![proof]),
        Err(why) => Outcome::Fail(format!(
            "{why}: an access key of the user {} never expires, nothing in CloudFormation rotates it (only a change of `Serial` by hand), and its secret is an attribute any template can read",
            cx.prop("/UserName")
                .map_or_else(|| "(not set)".to_owned(), text_or_json)
        )),
    }
}

/// Whether a list property of `value` names anything: a list with an entry that stays, or a
/// value that is no list (an intrinsic that may resolve to one). CloudFormation drops an
/// entry that is `{"Ref": "AWS::NoValue"}` ("Removes the corresponding resource property",
/// Pseudo parameters reference, `AWS::NoValue`), so a list of nothing else attaches nothing.
fn lists_any(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Array(items) => items
            .iter()
            .any(|item| !item.is_null() && !super::meaning::no_value(item)),
        _ => !super::meaning::no_value(value),
    }
}

/// Whether an `AWS::IAM::UserToGroupAddition` adds the user of `cx` to its group: an entry
/// of its `Users` ("A list of the names of the users that you want to add to the group")
/// names the user ([`super::meaning::names`]: its `Ref`, which is its name, in any spelling
/// that names it) or is text equal to its `UserName`. Text built around the user's `Ref`
/// names another user.
fn adds_user(cx: &Cx<'_>, addition: &crate::cfn::Resource) -> bool {
    let user_name = cx.prop("/UserName").and_then(super::meaning::text);
    addition.properties()["Users"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|entry| {
            super::meaning::names(entry, cx.id())
                || user_name.as_deref().is_some_and(|own| {
                    !own.trim().is_empty()
                        && super::meaning::text(entry).is_some_and(|t| t.trim() == own.trim())
                })
        })
}

fn i10(cx: &Cx<'_>) -> Outcome {
    match cx.resource.type_name() {
        USER_POLICY => {
            return Outcome::Fail(format!(
                "an `AWS::IAM::UserPolicy` is a policy of the user {} itself",
                cx.prop("/UserName")
                    .map_or_else(|| "(not set)".to_owned(), text_or_json)
            ));
        }
        USER => {}
        _ => {
            return if lists_any(&cx.resource.properties()["Users"]) {
                Outcome::Fail(
                    "`Users` attaches the policy to users themselves, not to a group".to_owned(),
                )
            } else {
                Outcome::NotApplicable
            };
        }
    }
    let properties = cx.resource.properties();
    let mut problems = Vec::new();
    for (key, what) in [
        ("ManagedPolicyArns", "managed policies"),
        ("Policies", "inline policies"),
    ] {
        if lists_any(&properties[key]) {
            problems.push(format!("`{key}` gives the user {what} of its own"));
        }
    }
    // The policies of the template that attach to the user by `Users`.
    for kind in [MANAGED_POLICY, POLICY] {
        for policy in cx.others(kind) {
            if super::compute::mentions(&policy.properties()["Users"], cx.id()) {
                problems.push(format!(
                    "`{}` attaches to the user itself through `Users`",
                    policy.logical_id()
                ));
            }
        }
    }
    // Only a list of groups shows membership: a value known at deploy may be empty, and a
    // list whose every entry is removed (`AWS::NoValue`), null or empty names no group.
    let group = if properties["Groups"].as_array().is_some() && cx.present("/Groups").is_ok() {
        cx.proof("/Groups")
    } else {
        cx.others("AWS::IAM::UserToGroupAddition")
            .find(|a| adds_user(cx, a))
            .and_then(|a| proof_of(a, "/Users"))
    };
    match group {
        Some(proof) if problems.is_empty() => Outcome::Pass(vec![proof]),
        Some(_) => Outcome::Fail(problems.join("; ")),
        None => {
            problems.push("the user belongs to no group (`Groups` is not set and no `AWS::IAM::UserToGroupAddition` of the template adds it to one)".to_owned());
            Outcome::Fail(problems.join("; "))
        }
    }
}

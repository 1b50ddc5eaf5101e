//! IAM users and their access keys, as the AWS Config HIPAA conformance pack
//! (`access-keys-rotated`, `iam-user-unused-credentials-check`, `iam-user-no-policies-check`,
//! `mfa-enabled-for-iam-console-access`) and cdk-nag's HIPAA Security pack
//! (`IAMUserNoPolicies`, `IAMUserGroupMembership`) check them.
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
/// An IAM group, and the resources that attach policies to it alone.
const GROUP: &str = "AWS::IAM::Group";
const GROUP_POLICY: &str = "AWS::IAM::GroupPolicy";
/// A Cognito user pool: the directory of an application's people (patients, staff).
const USER_POOL: &str = "AWS::Cognito::UserPool";
/// An app client of a user pool: the tokens it issues are the sessions of the pool's
/// people.
const USER_POOL_CLIENT: &str = "AWS::Cognito::UserPoolClient";

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
    RuleSpec {
        id: "I11",
        title: "IAM users who sign in to the console can do nothing without MFA",
        types: &[USER],
        controls: &["164.312(d)", "164.308(a)(5)(ii)(D)", "164.312(a)(1)"],
        fix: "sign people in through IAM Identity Center or an identity provider that asks for MFA, not with a user's `LoginProfile`; or put the user in a group of the template whose policy denies every action (`Action` `*`, or a `NotAction` of only the actions AWS's example policies leave to set up MFA and change a password: `iam:CreateVirtualMFADevice`, `iam:EnableMFADevice`, `iam:ResyncMFADevice`, `iam:DeleteVirtualMFADevice`, `iam:ChangePassword`, `sts:GetSessionToken`, and IAM's `Get…` and `List…` actions written out) on `Resource` `*` under the one condition `BoolIfExists` (or `Bool`) `aws:MultiFactorAuthPresent` false, as AWS's example policy \"IAM: Allows IAM users to self-manage an MFA device\" does",
        packs: Packs {
            cdk_nag: None,
            checkov: None,
            guard: None,
        },
        check: i11,
    },
    RuleSpec {
        id: "CG1",
        title: "Cognito user pools ask every user for MFA",
        types: &[USER_POOL],
        controls: &["164.312(d)", "164.308(a)(5)(ii)(D)"],
        fix: "set `MfaConfiguration` to `ON` (`OFF` is the default, and `OPTIONAL` lets each user decline), with `EnabledMfas` naming `SOFTWARE_TOKEN_MFA` (or `SMS_MFA`, `EMAIL_OTP` with their configurations); Cognito applies no MFA to users who sign in through a federated identity provider (an `AWS::Cognito::UserPoolIdentityProvider` of the pool, or a client whose `SupportedIdentityProviders` names any but `COGNITO`), which fails unless a waiver states the provider's MFA",
        packs: Packs {
            cdk_nag: None,
            checkov: None,
            guard: None,
        },
        check: cg1,
    },
    RuleSpec {
        id: "CG2",
        title: "Cognito user pools ask for passwords of at least 8 characters and let temporary passwords live at most 7 days",
        types: &[USER_POOL],
        controls: &["164.308(a)(5)(ii)(D)", "164.312(d)"],
        fix: "write `Policies.PasswordPolicy.MinimumLength` as a whole number of at least 8 (Cognito accepts 6 to 99), and `TemporaryPasswordValidityDays` of at most 7 or not at all (7 is Cognito's default; where it is not written, the older `AdminCreateUserConfig.UnusedAccountValidityDays` sets the same limit and is read alike)",
        packs: Packs {
            cdk_nag: None,
            checkov: None,
            guard: None,
        },
        check: cg2,
    },
    RuleSpec {
        id: "CG3",
        title: "Cognito app clients let sign-out revoke their tokens, end sessions within Cognito's default lifetimes, and take no sign-in that sends the password itself",
        types: &[USER_POOL_CLIENT],
        controls: &["164.312(a)(1)", "164.312(d)"],
        fix: "write `EnableTokenRevocation` true, and leave `AccessTokenValidity` and `IdTokenValidity` at most one hour and `RefreshTokenValidity` at most 30 days (Cognito's defaults) in the units `TokenValidityUnits` names (hours for access and ID tokens, days for refresh tokens, when it names none); leave `ExplicitAuthFlows` unset (Cognito's default: `ALLOW_USER_SRP_AUTH`, `ALLOW_REFRESH_TOKEN_AUTH`, `ALLOW_CUSTOM_AUTH`) or list none of `ALLOW_USER_PASSWORD_AUTH`, `ALLOW_ADMIN_USER_PASSWORD_AUTH` and their older names `USER_PASSWORD_AUTH`, `ADMIN_NO_SRP_AUTH`, each of which sends the user's password itself to Cognito instead of a Secure Remote Password proof (sign in with `ALLOW_USER_SRP_AUTH`); list `ALLOW_USER_AUTH` (choice-based sign-in) only on a client whose `UserPoolId` names a user pool of the app (its `Ref`, or an import of its export) whose `Policies.SignInPolicy.AllowedFirstAuthFactors` leaves out PASSWORD (passkeys `WEB_AUTHN`, one-time codes `EMAIL_OTP`, `SMS_OTP`; without a `SignInPolicy` a pool's only first factor is PASSWORD), since the app may answer its PASSWORD challenge with the password itself; a client that must take passwords while a user-migration trigger moves users from an older directory is waived with that reason",
        packs: Packs {
            cdk_nag: None,
            checkov: None,
            guard: None,
        },
        check: cg3,
    },
    RuleSpec {
        id: "CG4",
        title: "Cognito user pools monitor sign-in attempts with threat protection",
        types: &[USER_POOL],
        controls: &["164.308(a)(5)(ii)(C)", "164.312(b)"],
        fix: "write `UserPoolAddOns.AdvancedSecurityMode` `AUDIT` (logs each sign-in's risk) or `ENFORCED` (also blocks or challenges risky ones) with `UserPoolTier` `PLUS` (threat protection is a feature of the Plus plan only; the default plan is ESSENTIALS), and, where the pool has a `LambdaConfig.DefineAuthChallenge` trigger (custom authentication), `UserPoolAddOns.AdvancedSecurityAdditionalFlows.CustomAuthMode` `AUDIT` or `ENFORCED` too",
        packs: Packs {
            cdk_nag: None,
            checkov: None,
            guard: None,
        },
        check: cg4,
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
///
/// An addition of another stack (`stack`) names the user by the import of its export
/// ([`imports_user`]), which CloudFormation resolves to its `Ref`.
fn adds_user(cx: &Cx<'_>, stack: Option<&str>, addition: &crate::cfn::Resource) -> bool {
    let user_name = cx.prop("/UserName").and_then(super::meaning::text);
    addition.properties()["Users"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|entry| match stack {
            Some(_) => imports_user(cx, stack, entry),
            None => {
                super::meaning::names(entry, cx.id())
                    || user_name.as_deref().is_some_and(|own| {
                        !own.trim().is_empty()
                            && super::meaning::text(entry).is_some_and(|t| t.trim() == own.trim())
                    })
            }
        })
}

/// Whether `value`, written in the stack `stack` (another than the user's), is the import of
/// an export of the user of `cx` ([`Cx::named_in_app`]): "returns the value of an output
/// exported by another stack" (`Fn::ImportValue`), the user's `Ref`, its name.
fn imports_user(cx: &Cx<'_>, stack: Option<&str>, value: &Value) -> bool {
    cx.named_in_app(stack, value, USER)
        .is_some_and(|(_, user)| std::ptr::eq(user, cx.resource))
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
    // The policies of the app that attach to the user by `Users`: of its template by its
    // `Ref`, of another stack by the import of its export.
    let exported = !cx.own_exports().is_empty();
    for kind in [MANAGED_POLICY, POLICY] {
        for (stack, policy) in cx.naming_from(kind, exported) {
            let users = &policy.properties()["Users"];
            let attaches = match stack {
                None => super::compute::mentions(users, cx.id()),
                Some(_) => super::meaning::one_or_many(users)
                    .into_iter()
                    .any(|entry| imports_user(cx, stack, entry)),
            };
            if attaches {
                problems.push(format!(
                    "`{}` attaches to the user itself through `Users`",
                    stack.map_or_else(
                        || policy.logical_id().to_owned(),
                        |stack| format!("{stack}/{}", policy.logical_id())
                    )
                ));
            }
        }
    }
    // Only a list of groups shows membership: a value known at deploy may be empty, and a
    // list whose every entry is removed (`AWS::NoValue`), null or empty names no group.
    let group = if properties["Groups"].as_array().is_some() && cx.present("/Groups").is_ok() {
        cx.proof("/Groups")
    } else {
        cx.naming_from("AWS::IAM::UserToGroupAddition", exported)
            .find(|(stack, a)| adds_user(cx, *stack, a))
            .and_then(|(stack, a)| proof_of(a, "/Users").map(|p| p.with_stack(stack)))
    };
    match group {
        Some(proof) if problems.is_empty() => Outcome::Pass(vec![proof]),
        Some(_) => Outcome::Fail(problems.join("; ")),
        None => {
            problems.push("the user belongs to no group (`Groups` is not set and no `AWS::IAM::UserToGroupAddition` of the app adds it to one)".to_owned());
            Outcome::Fail(problems.join("; "))
        }
    }
}

/// Whether a value names the group `group` of the template: its `Ref` (its name) in any
/// spelling [`super::meaning::names`] reads, or text equal to its `GroupName`.
fn names_group(value: &Value, group: &crate::cfn::Resource) -> bool {
    super::meaning::names(value, group.logical_id())
        || super::meaning::text(&group.properties()["GroupName"]).is_some_and(|own| {
            !own.trim().is_empty()
                && super::meaning::text(value).is_some_and(|t| t.trim() == own.trim())
        })
}

/// The groups of the template the user of `cx` belongs to: named in its `Groups`, or by an
/// `AWS::IAM::UserToGroupAddition` that adds it ([`adds_user`]) to its `GroupName`.
fn groups_of<'a>(cx: &Cx<'a>) -> Vec<&'a crate::cfn::Resource> {
    let mut named: Vec<&Value> = cx
        .prop("/Groups")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .collect();
    named.extend(
        cx.others("AWS::IAM::UserToGroupAddition")
            .filter(|a| adds_user(cx, None, a))
            .map(|a| &a.properties()["GroupName"]),
    );
    cx.others(GROUP)
        .filter(|g| named.iter().any(|v| names_group(v, g)))
        .collect()
}

/// The policy documents attached to `group`, each with its resource and pointer: its own
/// `Policies`, the managed policies of the template its `ManagedPolicyArns` names, and the
/// managed policies, policies and group policies of the template that name it (`Groups`,
/// `GroupName`).
fn group_documents<'a>(
    cx: &Cx<'a>,
    group: &'a crate::cfn::Resource,
) -> Vec<(&'a crate::cfn::Resource, String)> {
    let mut found: Vec<(&crate::cfn::Resource, String)> = group.properties()["Policies"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, _)| (group, format!("/Policies/{i}/PolicyDocument")))
        .collect();
    let arns: Vec<&Value> = group.properties()["ManagedPolicyArns"]
        .as_array()
        .into_iter()
        .flatten()
        .collect();
    for policy in cx.others(MANAGED_POLICY) {
        let attached = arns
            .iter()
            .any(|arn| super::meaning::names(arn, policy.logical_id()))
            || policy.properties()["Groups"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|v| names_group(v, group));
        if attached {
            found.push((policy, "/PolicyDocument".to_owned()));
        }
    }
    for policy in cx.others(POLICY) {
        if policy.properties()["Groups"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|v| names_group(v, group))
        {
            found.push((policy, "/PolicyDocument".to_owned()));
        }
    }
    for policy in cx.others(GROUP_POLICY) {
        if names_group(&policy.properties()["GroupName"], group) {
            found.push((policy, "/PolicyDocument".to_owned()));
        }
    }
    found
}

/// The actions AWS's example policies leave out of their deny without MFA, which a user
/// needs to set up MFA and change a password: "IAM: Allows IAM users to self-manage an MFA
/// device" and "AWS: Allows MFA-authenticated IAM users to manage their own MFA device on
/// the Security credentials page" (IAM User Guide, example policies, their
/// `BlockMostAccessUnlessSignedInWithMFA` and `DenyAllExceptListedIfNoMFA` statements). Any
/// other action left out is allowed without MFA: `iam:RemoveUserFromGroup` drops the deny
/// with the group, `sts:AssumeRole` steps around it (the eighteenth probe).
const MFA_SELF_SERVICE: &[&str] = &[
    "iam:changepassword",
    "iam:createvirtualmfadevice",
    "iam:enablemfadevice",
    "iam:getaccountpasswordpolicy",
    "iam:getmfadevice",
    "iam:getuser",
    "iam:listmfadevices",
    "iam:listusers",
    "iam:listvirtualmfadevices",
    "iam:resyncmfadevice",
    "sts:getsessiontoken",
];

/// Whether `action` (in lower case) only reads IAM, or deletes a virtual MFA device no user
/// holds: an `iam:Get…` or `iam:List…` action written out, or `iam:DeleteVirtualMFADevice`
/// (which fails on a device assigned to a user), as AWS's earlier example policy
/// `BlockMostAccessUnlessSignedInWithMFA` leaves them (`iam:ListAccountAliases`,
/// `iam:ListAccessKeys`, `iam:GetAccountSummary`, …; the nineteenth probe's false refusal).
/// None changes a group, a policy, a login profile or a key, nor reaches PHI.
fn read_only_iam(action: &str) -> bool {
    action == "iam:deletevirtualmfadevice"
        || action.strip_prefix("iam:").is_some_and(|a| {
            (a.starts_with("get") || a.starts_with("list"))
                && a.len() > 4
                && a.chars().all(|c| c.is_ascii_alphanumeric())
        })
}

/// Whether a statement denies every action a user may take without MFA: `Effect` `Deny`;
/// `Action` `*`, or a `NotAction` whose every entry is one of [`MFA_SELF_SERVICE`], written
/// out; `Resource` `*`; and one condition, `BoolIfExists` or `Bool` on
/// `aws:MultiFactorAuthPresent` with the value false ("BoolIfExists … evaluates to true if
/// the key is not present", "aws:MultiFactorAuthPresent", IAM User Guide, global condition
/// context keys). Any other condition narrows the deny to some requests.
fn denies_without_mfa(statement: &Value) -> bool {
    let strings = super::identity::strings;
    let denies = super::identity::denies(statement);
    let every_action = if statement.get("NotAction").is_some() {
        statement.get("Action").is_none() && {
            let left = strings(&statement["NotAction"]);
            !left.is_empty()
                && left.len() == super::meaning::one_or_many(&statement["NotAction"]).len()
                && left.iter().all(|a| {
                    let a = a.trim().to_ascii_lowercase();
                    MFA_SELF_SERVICE.contains(&a.as_str()) || read_only_iam(&a)
                })
        }
    } else {
        strings(&statement["Action"])
            .iter()
            .any(|a| a.trim() == "*")
    };
    let every_resource = statement.get("NotResource").is_none()
        && strings(&statement["Resource"])
            .iter()
            .any(|r| r.trim() == "*");
    let condition = statement["Condition"].as_object().is_some_and(|operators| {
        let mut keys = operators.iter().flat_map(|(operator, keys)| {
            let operator = operator.trim().to_ascii_lowercase();
            keys.as_object()
                .into_iter()
                .flatten()
                .map(move |(key, values)| (operator.clone(), key, values))
        });
        match (keys.next(), keys.next()) {
            (Some((operator, key, values)), None) => {
                matches!(operator.as_str(), "bool" | "boolifexists")
                    && key
                        .trim()
                        .eq_ignore_ascii_case("aws:MultiFactorAuthPresent")
                    && super::meaning::one_or_many(values).iter().any(|v| {
                        v.as_bool() == Some(false)
                            || super::meaning::sent(v)
                                .is_some_and(|t| t.trim().eq_ignore_ascii_case("false"))
                    })
            }
            _ => false,
        }
    });
    denies && every_action && every_resource && condition
}

/// `I11`: a user with a `LoginProfile` signs in to the console with a password. HIPAA asks
/// that a person seeking access to ePHI be authenticated (§164.312(d)); a password alone is
/// what AWS Config's `mfa-enabled-for-iam-console-access` (in its HIPAA conformance pack)
/// flags. No template can show an MFA device enabled for a user (`EnableMFADevice` takes two
/// codes from the device), so the rule asks for what makes one necessary: a group of the
/// user whose policy denies everything else while `aws:MultiFactorAuthPresent` is false
/// ([`denies_without_mfa`]). A user without `LoginProfile` signs in to no console (its keys
/// are I9's). The seventeenth probe's user `Alice` had a console password and no such deny.
fn i11(cx: &Cx<'_>) -> Outcome {
    let Some(profile) = cx
        .proof("/LoginProfile")
        .filter(|_| cx.prop("/LoginProfile").is_some_and(|v| !v.is_null()))
    else {
        return Outcome::NotApplicable;
    };
    for group in groups_of(cx) {
        for (resource, pointer) in group_documents(cx, group) {
            let Some(document) = super::identity::policy_document(resource, &pointer) else {
                continue;
            };
            if let Some((suffix, _)) = super::identity::statements(&document)
                .into_iter()
                .find(|(_, s)| denies_without_mfa(s))
                && let Some(proof) = super::identity::statement_proof(resource, &pointer, &suffix)
            {
                return Outcome::Pass(vec![profile, proof]);
            }
        }
    }
    Outcome::Fail(format!(
        "user {} signs in to the console with a password (`LoginProfile`), and no group of the template it belongs to denies what it does without MFA (`BoolIfExists` `aws:MultiFactorAuthPresent` false, leaving out only the actions of setting up MFA and changing a password): a password alone authenticates a person who reaches PHI",
        cx.prop("/UserName")
            .map_or_else(|| format!("`{}`", cx.id()), text_or_json)
    ))
}

/// Whether the user pool of `cx` signs users in through a federated identity provider, in
/// any stack of the app: an `AWS::Cognito::UserPoolIdentityProvider` of the pool, or a
/// client of the pool whose `SupportedIdentityProviders` names any provider but `COGNITO`
/// (the nineteenth probe). The pool is named by its `Ref`, or by an import of an export of
/// it. What it says, or `None`.
fn federated_sign_in(cx: &Cx<'_>) -> Option<String> {
    // The pool, as `resource_named_from` reads a value of the stack `stack` (its own
    // template's `Ref`, or an import of its export from a stack of the same region and
    // account).
    let of_the_pool = |stack: Option<&str>, pool: &Value| {
        let home = stack.map_or(Some(cx.at), |name| cx.index.stack_at.get(name).copied());
        home.and_then(|home| super::services::resource_named_from(cx, home, pool, USER_POOL))
            .is_some_and(|(at, found)| at == cx.at && found.logical_id() == cx.id())
    };
    let at = |stack: Option<&str>, id: &str| {
        stack.map_or_else(|| format!("`{id}`"), |s| format!("`{s}/{id}`"))
    };
    if let Some((stack, provider)) = cx
        .everywhere("AWS::Cognito::UserPoolIdentityProvider")
        .find(|(stack, p)| of_the_pool(*stack, &p.properties()["UserPoolId"]))
    {
        return Some(format!(
            "{} signs its users in through the identity provider {}",
            at(None, cx.id()),
            at(stack, provider.logical_id())
        ));
    }
    cx.everywhere("AWS::Cognito::UserPoolClient")
        .filter(|(stack, c)| of_the_pool(*stack, &c.properties()["UserPoolId"]))
        .find_map(|(stack, client)| {
            let listed = &client.properties()["SupportedIdentityProviders"];
            let named = super::meaning::one_or_many(listed);
            let other = named.iter().find(|v| {
                !super::meaning::no_value(v)
                    && super::meaning::text(v).is_none_or(|t| t.trim() != "COGNITO")
            })?;
            Some(format!(
                "its client {} signs users in through {}",
                at(stack, client.logical_id()),
                text_or_json(other)
            ))
        })
}

/// `CG1`: a Cognito user pool authenticates the people of an application (a patient portal's
/// patients, its staff) who reach PHI through it (§164.312(d)). `MfaConfiguration` "OFF"
/// (the default: "Users are not required to use MFA", CloudFormation reference,
/// `AWS::Cognito::UserPool` `MfaConfiguration`, "Default: OFF"), or "OPTIONAL" ("Users have
/// the option when registering to create an MFA token"), lets a password alone sign a
/// person in; only "ON" ("Users are required to use MFA as an authentication factor") does
/// not. A value read only at deploy may be any of them.
fn cg1(cx: &Cx<'_>) -> Outcome {
    if let Some(federated) = federated_sign_in(cx) {
        return Outcome::Fail(format!(
            "user pool {}: {federated}, and \"in the case of federated users, Amazon Cognito delegates all authentication processes to the IdP and doesn't offer them additional authentication factors\" (Cognito developer guide, \"Adding MFA to a user pool\"): whatever `MfaConfiguration` says, those users sign in with what that provider asks; state the provider's MFA in a waiver, or sign users in with the pool's own accounts only",
            cx.prop("/UserPoolName")
                .map_or_else(|| format!("`{}`", cx.id()), text_or_json)
        ));
    }
    let pointer = "/MfaConfiguration";
    let said = match cx.prop(pointer) {
        None => "not set, and Cognito's default is OFF".to_owned(),
        Some(v) => match super::meaning::text(v) {
            Some(t) if t.trim().eq_ignore_ascii_case("ON") => {
                return cx
                    .proof(pointer)
                    .map_or(Outcome::NotApplicable, |p| Outcome::Pass(vec![p]));
            }
            Some(t) if t.trim().eq_ignore_ascii_case("OPTIONAL") => {
                "OPTIONAL: each user may decline MFA".to_owned()
            }
            Some(t) => format!(
                "{}: no user is asked for MFA",
                text_or_json(&Value::from(t))
            ),
            None => format!("{}, which is not known before deploy", text_or_json(v)),
        },
    };
    Outcome::Fail(format!(
        "user pool {}: `MfaConfiguration` is {said}; a password alone signs a person in to what the pool guards: write ON",
        pool_name(cx)
    ))
}

/// The name a finding gives a user pool: its `UserPoolName`, or its logical id.
fn pool_name(cx: &Cx<'_>) -> String {
    cx.prop("/UserPoolName")
        .map_or_else(|| format!("`{}`", cx.id()), text_or_json)
}

/// `CG2`: a user pool's password policy (§164.308(a)(5)(ii)(D), "procedures for creating,
/// changing, and safeguarding passwords"). `MinimumLength`: "The minimum length of the
/// password in the policy that you have set. This value can't be less than 6"
/// (CloudFormation reference, `AWS::Cognito::UserPool PasswordPolicy`); 8 is the least
/// NIST SP 800-63B allows for a password used with a second factor, which `CG1` asks for.
/// Cognito's default is 8 too, but a pool that does not write it shows the auditor nothing:
/// the length is asked for in the template. `TemporaryPasswordValidityDays`: "The number of
/// days a temporary password is valid in the password policy. If the user doesn't sign in
/// during this time, an administrator must reset their password" (the same reference),
/// default 7, up to 365: a password an administrator sent by email that still signs in
/// months later is a standing credential nobody chose. `AdminCreateUserConfig`'s older
/// `UnusedAccountValidityDays` sets the same limit ("The user account expiration limit, in
/// days, after which a new account that hasn't signed in is no longer usable … If you set a
/// value for `TemporaryPasswordValidityDays` in `PasswordPolicy`, that value will be used",
/// CloudFormation reference, `AWS::Cognito::UserPool AdminCreateUserConfig`): it is read
/// where the newer one is not written.
fn cg2(cx: &Cx<'_>) -> Outcome {
    const LENGTH: &str = "/Policies/PasswordPolicy/MinimumLength";
    const TEMPORARY: &str = "/Policies/PasswordPolicy/TemporaryPasswordValidityDays";
    const UNUSED: &str = "/AdminCreateUserConfig/UnusedAccountValidityDays";
    let mut wrong = Vec::new();
    let mut proofs = Vec::new();
    match cx.prop(LENGTH) {
        None => wrong.push(
            "`PasswordPolicy.MinimumLength` is not set: the template does not say how long a password must be".to_owned(),
        ),
        Some(v) => match super::meaning::whole_number(v) {
            Some(n) if n >= 8 => proofs.extend(cx.proof(LENGTH)),
            Some(n) => wrong.push(format!(
                "`PasswordPolicy.MinimumLength` is {n}: a password of fewer than 8 characters"
            )),
            None => wrong.push(format!(
                "`PasswordPolicy.MinimumLength` is {}, which is not known before deploy",
                text_or_json(v)
            )),
        },
    }
    // The older spelling of the same limit counts where the newer one is not written.
    let temporary = [TEMPORARY, UNUSED]
        .into_iter()
        .find_map(|pointer| cx.prop(pointer).map(|v| (pointer, v)));
    if let Some((pointer, v)) = temporary {
        let name = if pointer == TEMPORARY {
            "PasswordPolicy.TemporaryPasswordValidityDays"
        } else {
            "AdminCreateUserConfig.UnusedAccountValidityDays"
        };
        match super::meaning::whole_number(v) {
            Some(n) if n <= 7 => proofs.extend(cx.proof(pointer)),
            Some(n) => wrong.push(format!(
                "`{name}` is {n}: a temporary password signs in for more than 7 days"
            )),
            None => wrong.push(format!(
                "`{name}` is {}, which is not known before deploy",
                text_or_json(v)
            )),
        }
    }
    if wrong.is_empty() {
        Outcome::Pass(proofs)
    } else {
        Outcome::Fail(format!("user pool {}: {}", pool_name(cx), wrong.join("; ")))
    }
}

/// `CG3`: an app client's sessions (access control, §164.312(a)(1), and its
/// implementation specification §164.312(a)(2)(iii), automatic logoff: "terminate an
/// electronic session after a predetermined time of inactivity", which the catalogue
/// counts under its standard). A Cognito session is its
/// tokens: the access and ID tokens ("duration can range from five minutes to one day",
/// default one hour) and the refresh token that gets new ones without a password
/// ("duration can range from 60 minutes to 10 years", default 30 days), in the units of
/// `TokenValidityUnits` ("The default AccessTokenValidity time unit is hours … The default
/// RefreshTokenValidity time unit is days", CloudFormation reference,
/// `AWS::Cognito::UserPoolClient TokenValidityUnits`). A client that stretches them past
/// Cognito's defaults keeps a lost phone or a copied token signed in for as long. Sign-out
/// ends a session only where `EnableTokenRevocation` holds ("Activates or deactivates
/// token revocation", the same reference for `AWS::Cognito::UserPoolClient`: with it off,
/// `RevokeToken` and sign-out leave a refresh token working until it expires); it is asked
/// for in writing, so that the template shows it.
///
/// Person or entity authentication (§164.312(d), "verify that a person or entity seeking
/// access to electronic protected health information is the one claimed") is also how the
/// client lets people prove who they are: its `ExplicitAuthFlows`. `ALLOW_USER_PASSWORD_AUTH`
/// ("Cognito receives the password in the request instead of using the SRP (Secure Remote
/// Password protocol) protocol to verify passwords"), `ALLOW_ADMIN_USER_PASSWORD_AUTH`
/// ("your app passes a user name and password to Amazon Cognito in the request, instead of
/// using the Secure Remote Password (SRP) protocol to securely transmit the password"; it
/// "replaces the `ADMIN_NO_SRP_AUTH` setting") and the older names `USER_PASSWORD_AUTH`
/// and `ADMIN_NO_SRP_AUTH` (Cognito API reference, `UserPoolClientType.ExplicitAuthFlows`)
/// put each user's password in every request, where the app's servers, their logs and
/// anything that ends TLS before Cognito read it: they are refused ([`PASSWORD_FLOWS`]),
/// and a client that must take them for a while (a user-migration trigger needs the
/// password) is waived with that reason. "If you don't specify a value for
/// `ExplicitAuthFlows`, your app client supports `ALLOW_REFRESH_TOKEN_AUTH`,
/// `ALLOW_USER_SRP_AUTH`, and `ALLOW_CUSTOM_AUTH`" (the same reference): no flow that sends
/// the password, so a client that writes none passes. `ALLOW_CUSTOM_AUTH` runs the pool's
/// own Lambda challenges, which `CG4` asks threat protection to watch; `ALLOW_USER_AUTH`
/// (choice-based sign-in: passkeys, one-time codes, a password) offers what the pool's
/// `Policies.SignInPolicy.AllowedFirstAuthFactors` allows, a password sent itself wherever
/// that is PASSWORD, the default ([`choice_takes_a_password`]).
///
/// Refresh-token rotation (`RefreshTokenRotation.Feature` `ENABLED`, a new refresh token at
/// each refresh, the old one void after `RetryGracePeriodSeconds`, 0 to 60) is not asked
/// for: "You can't authenticate with `REFRESH_TOKEN_AUTH` in app clients with refresh
/// token rotation enabled" (Cognito developer guide, "Refresh tokens"), so it breaks every
/// client that refreshes by `InitiateAuth`, and a stolen refresh token is already bounded
/// by the lifetime and the revocation this rule asks for.
fn cg3(cx: &Cx<'_>) -> Outcome {
    const REVOCATION: &str = "/EnableTokenRevocation";
    const FLOWS: &str = "/ExplicitAuthFlows";
    let mut wrong = Vec::new();
    let mut proofs = Vec::new();
    match cx.prop(REVOCATION) {
        Some(v) if super::is_true(v) => proofs.extend(cx.proof(REVOCATION)),
        Some(v) if super::is_false(v) => wrong.push(
            "`EnableTokenRevocation` is false: signing out revokes no token".to_owned(),
        ),
        Some(v) => wrong.push(format!(
            "`EnableTokenRevocation` is {}, which is not known before deploy",
            text_or_json(v)
        )),
        None => wrong.push(
            "`EnableTokenRevocation` is not set: the template does not show that signing out revokes the client's tokens".to_owned(),
        ),
    }
    // (validity, unit key, default unit, most seconds, what it is)
    let tokens = [
        (
            "AccessTokenValidity",
            "AccessToken",
            "hours",
            3_600,
            "one hour",
        ),
        ("IdTokenValidity", "IdToken", "hours", 3_600, "one hour"),
        (
            "RefreshTokenValidity",
            "RefreshToken",
            "days",
            30 * 86_400,
            "30 days",
        ),
    ];
    for (property, unit_key, default_unit, most, said) in tokens {
        let pointer = format!("/{property}");
        let Some(v) = cx.prop(&pointer) else {
            continue;
        };
        let unit_pointer = format!("/TokenValidityUnits/{unit_key}");
        let unit = match cx.prop(&unit_pointer) {
            None => Some(default_unit.to_owned()),
            Some(u) => super::meaning::text(u).map(|t| t.trim().to_ascii_lowercase()),
        };
        let seconds_per = match unit.as_deref() {
            Some("seconds") => Some(1),
            Some("minutes") => Some(60),
            Some("hours") => Some(3_600),
            Some("days") => Some(86_400),
            _ => None,
        };
        match (super::meaning::whole_number(v), seconds_per) {
            (Some(n), Some(per)) if n.saturating_mul(per) <= most => {
                proofs.extend(cx.proof(&pointer));
                proofs.extend(cx.proof(&unit_pointer));
            }
            (Some(n), Some(_)) => wrong.push(format!(
                "`{property}` is {n} {}: more than {said}",
                unit.unwrap_or_default()
            )),
            (None, _) => wrong.push(format!(
                "`{property}` is {}, which is not known before deploy",
                text_or_json(v)
            )),
            (Some(_), None) => wrong.push(format!(
                "`TokenValidityUnits.{unit_key}` is {}, not a unit known before deploy",
                cx.prop(&unit_pointer)
                    .map_or_else(String::new, text_or_json)
            )),
        }
    }
    if let Some(v) = cx
        .prop(FLOWS)
        .filter(|v| !v.is_null() && !super::meaning::no_value(v))
    {
        let mut listed = Vec::new();
        match flows_listed(v, &mut listed) {
            Err(unread) => wrong.push(format!(
                "`ExplicitAuthFlows` holds {unread}, which is not known before deploy: it may let the app send users' passwords to Cognito instead of a Secure Remote Password proof"
            )),
            Ok(()) => {
                let mut sent: Vec<String> = listed
                    .iter()
                    .map(|f| f.trim().to_owned())
                    .filter(|f| PASSWORD_FLOWS.contains(&f.to_ascii_uppercase().as_str()))
                    .collect();
                sent.dedup();
                let choice = listed
                    .iter()
                    .any(|f| f.trim().eq_ignore_ascii_case(CHOICE_FLOW));
                let chosen = if choice {
                    choice_takes_a_password(cx)
                } else {
                    None
                };
                if !sent.is_empty() {
                    wrong.push(format!(
                        "`ExplicitAuthFlows` lists {}: the app sends each user's password itself to Cognito instead of a Secure Remote Password proof, so whatever it passes through on the way reads it; sign in with `ALLOW_USER_SRP_AUTH`",
                        sent.join(", ")
                    ));
                }
                if let Some(why) = &chosen {
                    wrong.push(format!(
                        "`ExplicitAuthFlows` lists {CHOICE_FLOW} (choice-based sign-in), and {why}: the app may answer Cognito's `PASSWORD` challenge with the user's password itself instead of a Secure Remote Password proof, so whatever it passes through on the way reads it; write the pool's `Policies.SignInPolicy.AllowedFirstAuthFactors` without PASSWORD (passkeys `WEB_AUTHN`, one-time codes `EMAIL_OTP`, `SMS_OTP`), or sign in with `ALLOW_USER_SRP_AUTH` instead of {CHOICE_FLOW}"
                    ));
                }
                if sent.is_empty() && chosen.is_none() {
                    proofs.extend(cx.proof(FLOWS));
                }
            }
        }
    }
    if wrong.is_empty() {
        Outcome::Pass(proofs)
    } else {
        Outcome::Fail(format!(
            "app client {}: {}",
            cx.prop("/ClientName")
                .map_or_else(|| format!("`{}`", cx.id()), text_or_json),
            wrong.join("; ")
        ))
    }
}

/// The `ExplicitAuthFlows` that send the user's password itself in the request rather than
/// a Secure Remote Password proof (see [`cg3`]), in upper case.
const PASSWORD_FLOWS: [&str; 4] = [
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "USER_PASSWORD_AUTH",
    "ADMIN_NO_SRP_AUTH",
];

/// Choice-based sign-in: "Enable selection-based sign-in with `USER_AUTH`. This setting
/// covers username-password, secure remote password (SRP), passwordless, and passkey
/// authentication. This authentication flow can do username-password and SRP
/// authentication without other ExplicitAuthFlows permitting them" (Cognito API reference,
/// `UserPoolClientType.ExplicitAuthFlows`).
const CHOICE_FLOW: &str = "ALLOW_USER_AUTH";

/// Whether choice-based sign-in ([`CHOICE_FLOW`]) on the client of `cx` may take the
/// password itself, and why: the first factors it offers are the user pool's
/// `Policies.SignInPolicy.AllowedFirstAuthFactors` ("The sign-in methods that a user pool
/// supports as the first factor. You can permit users to start authentication with a
/// standard username and password, or with other one-time password and hardware factors",
/// `PASSWORD | EMAIL_OTP | SMS_OTP | WEB_AUTHN`, CloudFormation reference,
/// `AWS::Cognito::UserPool SignInPolicy`), and where `PASSWORD` is one of them the app
/// chooses the `PASSWORD` challenge ("Respond with the user's password as `PASSWORD`",
/// Cognito API reference, `RespondToAuthChallenge` `ChallengeName`) as freely as
/// `PASSWORD_SRP`: Cognito cannot make it take the proof. A pool that writes no
/// `SignInPolicy` signs users in with a password only (the AWS CDK's `SignInPolicy`,
/// `allowedFirstAuthFactors` "default: Password only"; user pools had no other first factor
/// before choice-based sign-in). The pool is the one the client's `UserPoolId` names
/// (its `Ref`, or an import of its export: [`super::services::resource_named_from`]); one
/// that is no pool of the app has first factors no rule reads. Each branch of an `Fn::If`
/// of the pool's properties is read, as either may be deployed.
fn choice_takes_a_password(cx: &Cx<'_>) -> Option<String> {
    let named = cx
        .prop("/UserPoolId")
        .filter(|v| !v.is_null() && !super::meaning::no_value(v));
    let Some((_, pool)) =
        named.and_then(|v| super::services::resource_named_from(cx, cx.at, v, USER_POOL))
    else {
        return Some(format!(
            "its `UserPoolId` {} is no user pool of the app, so whether the pool offers PASSWORD as a first factor cannot be read",
            named.map_or_else(|| "(not set)".to_owned(), text_or_json)
        ));
    };
    first_factor_password(
        pool.properties(),
        &["Policies", "SignInPolicy", "AllowedFirstAuthFactors"],
    )
    .map(|why| {
        format!(
            "`Policies.SignInPolicy.AllowedFirstAuthFactors` of its user pool `{}` {why}",
            pool.logical_id()
        )
    })
}

/// Whether the first factors at `path` below `value` (each branch of an `Fn::If` on the
/// way, `AWS::NoValue` or nothing written being Cognito's default, PASSWORD alone) may
/// hold `PASSWORD`, and what they are then.
fn first_factor_password(value: &Value, path: &[&str]) -> Option<String> {
    const DEFAULT: &str = "is not set, and Cognito's default is PASSWORD alone";
    if value.is_null() || super::meaning::no_value(value) {
        return Some(DEFAULT.to_owned());
    }
    if let Some(branches) = super::meaning::if_branches(value) {
        return branches
            .iter()
            .find_map(|branch| first_factor_password(branch, path));
    }
    match path.split_first() {
        Some((key, below)) => match value {
            Value::Object(map) if !super::identity::intrinsic(value) => {
                first_factor_password(map.get(*key).unwrap_or(&Value::Null), below)
            }
            other => Some(format!(
                "is read from {}, which is not known before deploy",
                text_or_json(other)
            )),
        },
        None => {
            let mut listed = Vec::new();
            match flows_listed(value, &mut listed) {
                Err(unread) => Some(format!("holds {unread}, which is not known before deploy")),
                Ok(()) if listed.is_empty() => Some(DEFAULT.to_owned()),
                Ok(()) => listed
                    .iter()
                    .any(|f| f.trim().eq_ignore_ascii_case("PASSWORD"))
                    .then(|| "lists PASSWORD".to_owned()),
            }
        }
    }
}

/// The flows an `ExplicitAuthFlows` value lists, into `listed`: each entry of the list, of
/// each branch of an `Fn::If` (a branch or an entry `AWS::NoValue` lists nothing); or the
/// first value that no rule can read before deploy (a parameter, a `Fn::Split`, a dynamic
/// reference).
fn flows_listed(value: &Value, listed: &mut Vec<String>) -> Result<(), String> {
    if super::meaning::no_value(value) {
        return Ok(());
    }
    if let Some(branches) = super::meaning::if_branches(value) {
        return branches.iter().try_for_each(|b| flows_listed(b, listed));
    }
    match value {
        Value::Array(items) => items.iter().try_for_each(|item| match item {
            Value::Array(_) => Err(text_or_json(item)),
            _ => flows_listed(item, listed),
        }),
        other => match known_text(other) {
            Some(flow) => {
                listed.push(flow);
                Ok(())
            }
            None => Err(text_or_json(other)),
        },
    }
}

/// `CG4`: a user pool's log-in monitoring (§164.308(a)(5)(ii)(C), "procedures for
/// monitoring log-in attempts and reporting discrepancies"; §164.312(b), audit controls).
/// Cognito monitors sign-ins only with threat protection: `UserPoolAddOns`
/// `AdvancedSecurityMode` "The operating mode of threat protection for standard
/// authentication types in your user pool, including username-password and secure remote
/// password (SRP) authentication", `OFF | AUDIT | ENFORCED` ("To log user security
/// information but take no action, set to AUDIT. To configure automatic security responses
/// to risky traffic to your user pool, set to ENFORCED", CloudFormation reference,
/// `AWS::Cognito::UserPool UserPoolAddOns`); unwritten, it is off. "To activate this
/// setting, your user pool must be on the Plus tier" (the same page): `UserPoolTier`
/// `LITE | ESSENTIALS | PLUS`, whose default is ESSENTIALS (Cognito API reference,
/// `UserPoolType.UserPoolTier`), so a mode written on a pool of another plan monitors
/// nothing (Cognito refuses it). Custom authentication (a `DefineAuthChallenge` trigger)
/// is covered only by `AdvancedSecurityAdditionalFlows.CustomAuthMode` ("Threat
/// protection configuration options for additional authentication types in your user pool,
/// including custom authentication"): a pool with that trigger writes it too.
fn cg4(cx: &Cx<'_>) -> Outcome {
    const MODE: &str = "/UserPoolAddOns/AdvancedSecurityMode";
    const CUSTOM: &str = "/UserPoolAddOns/AdvancedSecurityAdditionalFlows/CustomAuthMode";
    const TRIGGER: &str = "/LambdaConfig/DefineAuthChallenge";
    const TIER: &str = "/UserPoolTier";
    let mut wrong = Vec::new();
    let mut proofs = Vec::new();
    let mut monitored = |pointer: &str, name: &str, what: &str| match cx.prop(pointer) {
        None => wrong.push(format!(
            "`{name}` is not set, and Cognito's default is OFF: {what} are not monitored"
        )),
        Some(v) => match known_text(v) {
            Some(t) if ["AUDIT", "ENFORCED"].contains(&t.trim().to_ascii_uppercase().as_str()) => {
                proofs.extend(cx.proof(pointer))
            }
            Some(t) => wrong.push(format!(
                "`{name}` is {}: {what} are not monitored",
                t.trim()
            )),
            None => wrong.push(format!(
                "`{name}` is {}, which is not known before deploy",
                text_or_json(v)
            )),
        },
    };
    monitored(
        MODE,
        "UserPoolAddOns.AdvancedSecurityMode",
        "password and SRP sign-ins",
    );
    if cx
        .prop(TRIGGER)
        .is_some_and(|v| !v.is_null() && !super::meaning::no_value(v))
    {
        monitored(
            CUSTOM,
            "UserPoolAddOns.AdvancedSecurityAdditionalFlows.CustomAuthMode",
            "the custom-authentication sign-ins of its `DefineAuthChallenge` trigger",
        );
    }
    match cx.prop(TIER) {
        None => wrong.push(
            "`UserPoolTier` is not set, and Cognito's default plan is ESSENTIALS: threat protection works on the Plus plan only".to_owned(),
        ),
        Some(v) => match known_text(v) {
            Some(t) if t.trim().eq_ignore_ascii_case("PLUS") => proofs.extend(cx.proof(TIER)),
            Some(t) => wrong.push(format!(
                "`UserPoolTier` is {}: threat protection works on the Plus plan only",
                t.trim()
            )),
            None => wrong.push(format!(
                "`UserPoolTier` is {}, which is not known before deploy",
                text_or_json(v)
            )),
        },
    }
    if wrong.is_empty() {
        Outcome::Pass(proofs)
    } else {
        Outcome::Fail(format!(
            "user pool {}: {}; nothing records or answers a run of failed or risky sign-ins",
            pool_name(cx),
            wrong.join("; ")
        ))
    }
}

/// The text `value` is before deploy: none for a value an intrinsic builds from what only
/// the deploy knows, nor for a dynamic reference (`{{resolve:ssm:…}}`), which CloudFormation
/// replaces with a parameter's value as it deploys.
fn known_text(value: &Value) -> Option<String> {
    super::meaning::text(value).filter(|t| !t.contains("{{resolve:"))
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    /// AWS's example statement ("Allows MFA-authenticated IAM users to manage their own
    /// credentials"), trimmed to its deny.
    fn deny() -> Value {
        json!({"Sid": "DenyAllExceptListedIfNoMFA", "Effect": "Deny",
            "NotAction": ["iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:GetUser",
                "iam:ListMFADevices", "iam:ListVirtualMFADevices", "iam:ResyncMFADevice",
                "sts:GetSessionToken"],
            "Resource": "*",
            "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}})
    }

    fn document(statement: Value) -> Value {
        json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::records/*"},
            statement]})
    }

    fn alice(groups: Value) -> Value {
        json!({"UserName": "alice", "Groups": groups,
            "LoginProfile": {"Password": "{{resolve:secretsmanager:alice:SecretString:password}}",
                "PasswordResetRequired": true}})
    }

    /// I11 on the user `Alice` (first), beside `others`.
    fn i11_of(user: Value, others: &[(&str, &str, Value)]) -> Outcome {
        let mut resources = vec![("Alice", USER, user)];
        resources.extend(others.iter().cloned());
        Cx::check_first(i11, &resources)
    }

    fn group(statement: Value) -> (&'static str, &'static str, Value) {
        (
            "Clinicians",
            GROUP,
            json!({"GroupName": "clinicians",
                "Policies": [{"PolicyName": "p", "PolicyDocument": document(statement)}]}),
        )
    }

    #[test]
    fn a_console_user_passes_only_in_a_group_that_denies_everything_without_mfa() {
        // The probe's user: a password, a group that grants reads and denies nothing.
        let probe = i11_of(
            alice(json!([{"Ref": "Clinicians"}])),
            &[(
                "Clinicians",
                GROUP,
                json!({"Policies": [{"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}}]}),
            )],
        );
        assert!(
            matches!(probe, Outcome::Fail(ref why) if why.contains("LoginProfile")),
            "{probe:?}"
        );
        // No group at all.
        let alone = i11_of(alice(json!([])), &[]);
        assert!(matches!(alone, Outcome::Fail(_)), "{alone:?}");
        // The nearest compliant neighbour, by `Ref` and by the group's name.
        for groups in [json!([{"Ref": "Clinicians"}]), json!(["clinicians"])] {
            let held = i11_of(alice(groups.clone()), &[group(deny())]);
            assert!(
                matches!(held, Outcome::Pass(ref p) if p.len() == 2),
                "{groups}: {held:?}"
            );
        }
        // A user with no console password is no person signing in (keys are I9's).
        for user in [
            json!({"Groups": ["clinicians"]}),
            json!({"Groups": ["clinicians"], "LoginProfile": {"Ref": "AWS::NoValue"}}),
        ] {
            assert_eq!(i11_of(user, &[]), Outcome::NotApplicable);
        }
    }

    #[test]
    fn a_deny_that_leaves_anything_but_mfa_self_service_holds_nothing() {
        let with = |key: &str, value: Value| {
            let mut d = deny();
            if value.is_null() {
                d.as_object_mut().unwrap().remove(key);
            } else {
                d[key] = value;
            }
            d
        };
        for (why, statement) in [
            ("an Allow", with("Effect", json!("Allow"))),
            (
                "another service left",
                with("NotAction", json!(["iam:GetUser", "s3:GetObject"])),
            ),
            ("a wildcard left", with("NotAction", json!(["iam:*"]))),
            (
                "leaving the group",
                with(
                    "NotAction",
                    json!(["iam:GetUser", "iam:RemoveUserFromGroup"]),
                ),
            ),
            (
                "a role",
                with("NotAction", json!(["iam:GetUser", "sts:AssumeRole"])),
            ),
            (
                "mfa off",
                with("NotAction", json!(["iam:DeactivateMFADevice"])),
            ),
            ("a read wildcard", with("NotAction", json!(["iam:Get*"]))),
            (
                "a login profile",
                with("NotAction", json!(["iam:UpdateLoginProfile"])),
            ),
            (
                "an action read at deploy",
                with("NotAction", json!(["iam:GetUser", {"Ref": "Left"}])),
            ),
            (
                "one resource",
                with("Resource", json!("arn:aws:s3:::records/*")),
            ),
            (
                "true",
                with(
                    "Condition",
                    json!({"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}),
                ),
            ),
            (
                "another key",
                with(
                    "Condition",
                    json!({"BoolIfExists": {"aws:SecureTransport": "false"}}),
                ),
            ),
            (
                "a second key narrows",
                with(
                    "Condition",
                    json!({"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"},
                    "IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}),
                ),
            ),
            (
                "a string operator",
                with(
                    "Condition",
                    json!({"StringEquals": {"aws:MultiFactorAuthPresent": "false"}}),
                ),
            ),
            ("no condition", with("Condition", Value::Null)),
        ] {
            let found = i11_of(alice(json!([{"Ref": "Clinicians"}])), &[group(statement)]);
            assert!(matches!(found, Outcome::Fail(_)), "{why}: {found:?}");
        }
        // Other spellings of the same deny hold.
        let mut every_action = with("NotAction", Value::Null);
        every_action["Action"] = json!("*");
        // AWS's earlier example list, with its read-only IAM actions.
        let earlier = with(
            "NotAction",
            json!([
                "iam:CreateVirtualMFADevice",
                "iam:DeleteVirtualMFADevice",
                "iam:EnableMFADevice",
                "iam:GetUser",
                "iam:ListMFADevices",
                "iam:ListVirtualMFADevices",
                "iam:ResyncMFADevice",
                "iam:ListAccountAliases",
                "iam:ListSSHPublicKeys",
                "iam:ListAccessKeys",
                "iam:ListServiceSpecificCredentials",
                "iam:GetAccountSummary",
                "sts:GetSessionToken"
            ]),
        );
        for (why, statement) in [
            ("AWS's earlier list", earlier),
            ("Action *", every_action),
            (
                "Bool",
                with(
                    "Condition",
                    json!({"Bool": {"aws:MultiFactorAuthPresent": false}}),
                ),
            ),
            (
                "case",
                with(
                    "Condition",
                    json!({"boolIfExists": {"AWS:MultiFactorAuthPresent": "False"}}),
                ),
            ),
        ] {
            let found = i11_of(alice(json!([{"Ref": "Clinicians"}])), &[group(statement)]);
            assert!(matches!(found, Outcome::Pass(_)), "{why}: {found:?}");
        }
    }

    #[test]
    fn the_deny_is_read_in_every_policy_attached_to_a_group_of_the_user() {
        let managed = |attach: Value| {
            (
                "NoMfa",
                MANAGED_POLICY,
                json!({"PolicyDocument": {"Version": "2012-10-17", "Statement": deny()}, "Groups": attach}),
            )
        };
        let plain_group = ("Clinicians", GROUP, json!({"GroupName": "clinicians"}));
        for (why, user, others) in [
            (
                "a managed policy naming the group",
                alice(json!([{"Ref": "Clinicians"}])),
                vec![plain_group.clone(), managed(json!([{"Ref": "Clinicians"}]))],
            ),
            (
                "the group's ManagedPolicyArns",
                alice(json!([{"Ref": "Clinicians"}])),
                vec![
                    (
                        "Clinicians",
                        GROUP,
                        json!({"ManagedPolicyArns": [{"Ref": "NoMfa"}]}),
                    ),
                    managed(json!([])),
                ],
            ),
            (
                "a group policy",
                alice(json!(["clinicians"])),
                vec![
                    plain_group.clone(),
                    (
                        "Inline",
                        GROUP_POLICY,
                        json!({"GroupName": {"Ref": "Clinicians"}, "PolicyName": "p",
                            "PolicyDocument": {"Version": "2012-10-17", "Statement": [deny()]}}),
                    ),
                ],
            ),
            (
                "a user to group addition",
                json!({"LoginProfile": {"Password": "{{resolve:ssm-secure:alice}}"}}),
                vec![
                    group(deny()),
                    (
                        "Add",
                        "AWS::IAM::UserToGroupAddition",
                        json!({"GroupName": {"Ref": "Clinicians"}, "Users": [{"Ref": "Alice"}]}),
                    ),
                ],
            ),
        ] {
            let found = i11_of(user, &others);
            assert!(matches!(found, Outcome::Pass(_)), "{why}: {found:?}");
        }
        // The deny on a group the user is not in, or on the user's group of no template.
        for (why, groups) in [
            ("another group", json!([{"Ref": "Readers"}])),
            ("a group of no template", json!(["outside"])),
        ] {
            let found = i11_of(
                alice(groups),
                &[group(deny()), ("Readers", GROUP, json!({}))],
            );
            assert!(matches!(found, Outcome::Fail(_)), "{why}: {found:?}");
        }
    }

    #[test]
    fn a_user_pool_passes_only_when_every_user_is_asked_for_mfa() {
        let of = |props: Value| Cx::check_first(cg1, &[("Patients", USER_POOL, props)]);
        let on = of(json!({"MfaConfiguration": "ON", "EnabledMfas": ["SOFTWARE_TOKEN_MFA"]}));
        assert!(matches!(on, Outcome::Pass(ref p) if p.len() == 1), "{on:?}");
        for (why, props, says) in [
            (
                "the default",
                json!({"UserPoolName": "patients"}),
                "default is OFF",
            ),
            (
                "off",
                json!({"MfaConfiguration": "OFF"}),
                "no user is asked",
            ),
            (
                "optional",
                json!({"MfaConfiguration": "OPTIONAL"}),
                "may decline",
            ),
            (
                "no value",
                json!({"MfaConfiguration": {"Ref": "AWS::NoValue"}}),
                "default is OFF",
            ),
            (
                "a parameter",
                json!({"MfaConfiguration": {"Ref": "Mfa"}}),
                "not known before deploy",
            ),
            (
                "built off",
                json!({"MfaConfiguration": {"Fn::Join": ["", ["OF", "F"]]}}),
                "no user is asked",
            ),
        ] {
            let found = of(props);
            assert!(
                matches!(found, Outcome::Fail(ref why) if why.contains(says)),
                "{why}: {found:?}"
            );
        }
        // Other spellings of ON.
        for on in [json!(" ON"), json!({"Fn::Sub": "ON"}), json!("on")] {
            let found = of(json!({"MfaConfiguration": on}));
            assert!(matches!(found, Outcome::Pass(_)), "{found:?}");
        }
    }

    /// The nineteenth probe: MFA ON says nothing of users a federated provider signs in.
    #[test]
    fn a_user_pool_that_federates_sign_in_fails_whatever_its_mfa() {
        let on = json!({"MfaConfiguration": "ON", "EnabledMfas": ["SOFTWARE_TOKEN_MFA"]});
        let with = |other: (&str, &str, Value)| {
            Cx::check_first(cg1, &[("Patients", USER_POOL, on.clone()), other])
        };
        for (why, other) in [
            (
                "a Google provider",
                (
                    "Google",
                    "AWS::Cognito::UserPoolIdentityProvider",
                    json!({"UserPoolId": {"Ref": "Patients"}, "ProviderName": "Google",
                        "ProviderType": "Google"}),
                ),
            ),
            (
                "a client of Google",
                (
                    "Web",
                    "AWS::Cognito::UserPoolClient",
                    json!({"UserPoolId": {"Ref": "Patients"},
                        "SupportedIdentityProviders": ["COGNITO", "Google"]}),
                ),
            ),
            (
                "a client of a provider read at deploy",
                (
                    "Web",
                    "AWS::Cognito::UserPoolClient",
                    json!({"UserPoolId": {"Ref": "Patients"},
                        "SupportedIdentityProviders": [{"Ref": "Provider"}]}),
                ),
            ),
        ] {
            let found = with(other);
            assert!(
                matches!(found, Outcome::Fail(ref f) if f.contains("federated")),
                "{why}: {found:?}"
            );
        }
        for (why, other) in [
            (
                "a client of the pool's own accounts",
                (
                    "Web",
                    "AWS::Cognito::UserPoolClient",
                    json!({"UserPoolId": {"Ref": "Patients"},
                        "SupportedIdentityProviders": ["COGNITO"]}),
                ),
            ),
            (
                "a provider of another pool",
                (
                    "Google",
                    "AWS::Cognito::UserPoolIdentityProvider",
                    json!({"UserPoolId": {"Ref": "Staff"}, "ProviderName": "Google",
                        "ProviderType": "Google"}),
                ),
            ),
        ] {
            let found = with(other);
            assert!(matches!(found, Outcome::Pass(_)), "{why}: {found:?}");
        }
    }

    /// A client of another stack that imports the pool is read as the pool's own.
    #[test]
    fn a_client_of_another_stack_federates_the_pool_it_imports() {
        use crate::compliance::Status;
        use crate::prelude::*;
        let run = |providers: Value| {
            let app = App::new("portal");
            let pool = app
                .stack("id")
                .unwrap()
                .add(
                    RawResource::new("Patients", USER_POOL)
                        .property("MfaConfiguration", "ON")
                        .property("EnabledMfas", json!(["SOFTWARE_TOKEN_MFA"])),
                )
                .unwrap();
            app.stack("web")
                .unwrap()
                .add(
                    RawResource::new("Web", "AWS::Cognito::UserPoolClient")
                        .property("UserPoolId", pool.reference())
                        .property("SupportedIdentityProviders", providers),
                )
                .unwrap();
            let assembly = app.check().unwrap();
            crate::testing::status_of(&assembly, "CG1", "Patients")
        };
        let google = run(json!(["COGNITO", "Google"]));
        assert!(
            matches!(google, Some(Status::Failed { ref finding }) if finding.contains("web/Web")),
            "{google:?}"
        );
        let own = run(json!(["COGNITO"]));
        assert!(matches!(own, Some(Status::Enforced { .. })), "{own:?}");
    }

    /// CG2's finding on a pool of this password policy, or `None` when it passes (with
    /// the proofs' paths).
    fn cg2_of(policy: Value) -> Result<Vec<String>, String> {
        let props = json!({"UserPoolName": "patients", "Policies": {"PasswordPolicy": policy}});
        match Cx::check_first(cg2, &[("Patients", USER_POOL, props)]) {
            Outcome::Pass(proofs) => Ok(proofs.into_iter().map(|p| p.path).collect()),
            Outcome::Fail(finding) => Err(finding),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_user_pool_passes_cg2_only_with_a_written_length_of_8_and_short_temporary_passwords() {
        assert_eq!(
            cg2_of(json!({"MinimumLength": 12})),
            Ok(vec![
                "/Properties/Policies/PasswordPolicy/MinimumLength".to_owned()
            ])
        );
        assert_eq!(
            cg2_of(json!({"MinimumLength": "8", "TemporaryPasswordValidityDays": 1}))
                .map(|p| p.len()),
            Ok(2)
        );
        // Cognito's default length is 8, but a template that does not write it shows
        // nothing; so is a pool with no policy at all.
        let unset = cg2_of(json!({"RequireSymbols": true})).unwrap_err();
        assert!(
            unset.contains("`PasswordPolicy.MinimumLength` is not set"),
            "{unset}"
        );
        let none = Cx::check_first(cg2, &[("Patients", USER_POOL, json!({}))]);
        assert!(
            matches!(none, Outcome::Fail(ref f) if f.contains("`Patients`")),
            "{none:?}"
        );
        let short = cg2_of(json!({"MinimumLength": {"Fn::Join": ["", ["", "6"]]}})).unwrap_err();
        assert!(
            short.contains("is 6: a password of fewer than 8"),
            "{short}"
        );
        let unknown = cg2_of(json!({"MinimumLength": {"Ref": "Length"}})).unwrap_err();
        assert!(unknown.contains("not known before deploy"), "{unknown}");
        // The older spelling of the temporary passwords' days, alone and beside the newer.
        let older = |days: Value, policy: Value| {
            let props = json!({"UserPoolName": "patients",
                "AdminCreateUserConfig": {"UnusedAccountValidityDays": days},
                "Policies": {"PasswordPolicy": policy}});
            Cx::check_first(cg2, &[("Patients", USER_POOL, props)])
        };
        let unused = older(json!(90), json!({"MinimumLength": 8}));
        assert!(
            matches!(&unused, Outcome::Fail(f) if f.contains("`AdminCreateUserConfig.UnusedAccountValidityDays` is 90")),
            "{unused:?}"
        );
        let newer = older(
            json!(90),
            json!({"MinimumLength": 8, "TemporaryPasswordValidityDays": 2}),
        );
        assert!(matches!(newer, Outcome::Pass(_)), "{newer:?}");
        let lasting =
            cg2_of(json!({"MinimumLength": 14, "TemporaryPasswordValidityDays": 90})).unwrap_err();
        assert!(
            lasting.starts_with(
                "user pool patients: `PasswordPolicy.TemporaryPasswordValidityDays` is 90"
            ),
            "{lasting}"
        );
    }

    /// CG4's finding on a pool of these properties, or its proofs' paths.
    fn cg4_of(props: Value) -> Result<Vec<String>, String> {
        match Cx::check_first(cg4, &[("Patients", USER_POOL, props)]) {
            Outcome::Pass(proofs) => Ok(proofs.into_iter().map(|p| p.path).collect()),
            Outcome::Fail(finding) => Err(finding),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_user_pool_passes_cg4_only_with_threat_protection_on_the_plus_plan() {
        assert_eq!(
            cg4_of(json!({"UserPoolTier": "PLUS",
                "UserPoolAddOns": {"AdvancedSecurityMode": "AUDIT"}})),
            Ok(vec![
                "/Properties/UserPoolAddOns/AdvancedSecurityMode".to_owned(),
                "/Properties/UserPoolTier".to_owned()
            ])
        );
        // Nothing written: off, on the default plan.
        let unset = cg4_of(json!({"UserPoolName": "patients"})).unwrap_err();
        assert!(
            unset.starts_with("user pool patients: `UserPoolAddOns.AdvancedSecurityMode` is not set, and Cognito's default is OFF")
                && unset.contains("default plan is ESSENTIALS"),
            "{unset}"
        );
        let off = cg4_of(json!({"UserPoolTier": "PLUS",
            "UserPoolAddOns": {"AdvancedSecurityMode": {"Fn::Join": ["", ["O", "FF"]]}}}))
        .unwrap_err();
        assert!(
            off.contains("is OFF: password and SRP sign-ins are not monitored"),
            "{off}"
        );
        // Enforced on a plan that has no threat protection.
        let essentials = cg4_of(json!({"UserPoolTier": "ESSENTIALS",
            "UserPoolAddOns": {"AdvancedSecurityMode": "ENFORCED"}}))
        .unwrap_err();
        assert!(
            essentials.contains(
                "`UserPoolTier` is ESSENTIALS: threat protection works on the Plus plan only"
            ),
            "{essentials}"
        );
        let unknown = cg4_of(json!({"UserPoolTier": {"Ref": "Plan"},
            "UserPoolAddOns": {"AdvancedSecurityMode": "{{resolve:ssm:/mode}}"}}))
        .unwrap_err();
        assert_eq!(
            unknown.matches("not known before deploy").count(),
            2,
            "{unknown}"
        );
        // A custom-authentication trigger asks for the additional flows' mode as well.
        let custom = |flows: Value| {
            cg4_of(json!({"UserPoolTier": "PLUS",
                "LambdaConfig": {"DefineAuthChallenge": "arn:aws:lambda:us-east-1:111122223333:function:define"},
                "UserPoolAddOns": {"AdvancedSecurityMode": "ENFORCED",
                    "AdvancedSecurityAdditionalFlows": flows}}))
        };
        let uncovered = custom(json!({})).unwrap_err();
        assert!(
            uncovered.contains(
                "`UserPoolAddOns.AdvancedSecurityAdditionalFlows.CustomAuthMode` is not set"
            ) && uncovered.contains("`DefineAuthChallenge` trigger"),
            "{uncovered}"
        );
        assert_eq!(
            custom(json!({"CustomAuthMode": "AUDIT"})).map(|p| p.len()),
            Ok(3)
        );
        // A trigger removed by `AWS::NoValue` is no trigger.
        assert!(
            cg4_of(json!({"UserPoolTier": "PLUS",
            "LambdaConfig": {"DefineAuthChallenge": {"Ref": "AWS::NoValue"}},
            "UserPoolAddOns": {"AdvancedSecurityMode": "AUDIT"}}))
            .is_ok()
        );
    }

    /// CG3's finding on a client of these properties, or its proofs' paths.
    fn cg3_of(props: Value) -> Result<Vec<String>, String> {
        match Cx::check_first(cg3, &[("Web", USER_POOL_CLIENT, props)]) {
            Outcome::Pass(proofs) => Ok(proofs.into_iter().map(|p| p.path).collect()),
            Outcome::Fail(finding) => Err(finding),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_app_client_passes_cg3_only_with_revocation_and_default_lifetimes_at_most() {
        assert_eq!(
            cg3_of(json!({"UserPoolId": "p", "EnableTokenRevocation": true})),
            Ok(vec!["/Properties/EnableTokenRevocation".to_owned()])
        );
        // The same lifetimes in other units.
        let held = cg3_of(json!({"EnableTokenRevocation": "True",
            "AccessTokenValidity": 15, "IdTokenValidity": 3600, "RefreshTokenValidity": 12,
            "TokenValidityUnits": {"AccessToken": "minutes", "IdToken": "seconds",
                "RefreshToken": "hours"}}))
        .unwrap();
        assert_eq!(held.len(), 7, "{held:?}");
        assert_eq!(
            cg3_of(json!({"EnableTokenRevocation": true, "RefreshTokenValidity": 30}))
                .map(|p| p.len()),
            Ok(2)
        );
        let off = cg3_of(json!({"EnableTokenRevocation": false})).unwrap_err();
        assert!(off.contains("signing out revokes no token"), "{off}");
        let unset = cg3_of(json!({"ClientName": "web"})).unwrap_err();
        assert!(
            unset.starts_with("app client web: `EnableTokenRevocation` is not set"),
            "{unset}"
        );
        // Ten years of refresh, in the default unit (days), and in hours.
        let decade = cg3_of(json!({"EnableTokenRevocation": true, "RefreshTokenValidity": 3650}))
            .unwrap_err();
        assert!(
            decade.contains("`RefreshTokenValidity` is 3650 days: more than 30 days"),
            "{decade}"
        );
        let hours = cg3_of(
            json!({"EnableTokenRevocation": true, "RefreshTokenValidity": 721,
            "TokenValidityUnits": {"RefreshToken": "hours"}}),
        )
        .unwrap_err();
        assert!(hours.contains("721 hours"), "{hours}");
        // A day-long access token in the default unit (hours), and an ID token of two.
        let day = cg3_of(
            json!({"EnableTokenRevocation": true, "AccessTokenValidity": 24,
            "IdTokenValidity": {"Fn::Join": ["", ["", "2"]]}}),
        )
        .unwrap_err();
        assert!(
            day.contains("`AccessTokenValidity` is 24 hours")
                && day.contains("`IdTokenValidity` is 2 hours"),
            "{day}"
        );
        let unknown = cg3_of(
            json!({"EnableTokenRevocation": true, "AccessTokenValidity": 1,
            "TokenValidityUnits": {"AccessToken": {"Ref": "Unit"}}}),
        )
        .unwrap_err();
        assert!(
            unknown.contains("not a unit known before deploy"),
            "{unknown}"
        );
        let parameter = cg3_of(json!({"EnableTokenRevocation": {"Ref": "Revoke"}})).unwrap_err();
        assert!(parameter.contains("not known before deploy"), "{parameter}");
    }

    /// A client that lets the app send a user's password itself, rather than a Secure Remote
    /// Password proof, fails CG3 in every name Cognito has had for such a flow; no
    /// `ExplicitAuthFlows`, Cognito's default, sends none.
    #[test]
    fn an_app_client_that_takes_the_password_itself_fails_cg3() {
        let flows = |listed: Value| {
            cg3_of(json!({"EnableTokenRevocation": true, "ExplicitAuthFlows": listed}))
        };
        assert_eq!(
            flows(json!([
                "ALLOW_USER_SRP_AUTH",
                "ALLOW_REFRESH_TOKEN_AUTH",
                "ALLOW_CUSTOM_AUTH"
            ])),
            Ok(vec![
                "/Properties/EnableTokenRevocation".to_owned(),
                "/Properties/ExplicitAuthFlows".to_owned()
            ])
        );
        assert!(flows(json!({"Ref": "AWS::NoValue"})).is_ok());
        assert!(
            flows(json!(["ALLOW_USER_SRP_AUTH", {"Ref": "AWS::NoValue"},
                {"Fn::If": ["Passkeys", {"Ref": "AWS::NoValue"}, "ALLOW_REFRESH_TOKEN_AUTH"]}]))
            .is_ok()
        );
        for (listed, says) in [
            (
                json!(["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]),
                "lists ALLOW_USER_PASSWORD_AUTH:",
            ),
            (
                json!(["ALLOW_ADMIN_USER_PASSWORD_AUTH"]),
                "lists ALLOW_ADMIN_USER_PASSWORD_AUTH:",
            ),
            (json!(["USER_PASSWORD_AUTH"]), "lists USER_PASSWORD_AUTH:"),
            (
                json!(["ADMIN_NO_SRP_AUTH", "CUSTOM_AUTH_FLOW_ONLY"]),
                "lists ADMIN_NO_SRP_AUTH:",
            ),
            (
                json!([" allow_user_password_auth "]),
                "lists allow_user_password_auth:",
            ),
            (
                json!([{"Fn::Join": ["_", ["ALLOW", "USER", "PASSWORD", "AUTH"]]}]),
                "lists ALLOW_USER_PASSWORD_AUTH:",
            ),
            (
                json!(["ALLOW_USER_SRP_AUTH", {"Fn::If": ["Migrating", "ALLOW_USER_PASSWORD_AUTH", {"Ref": "AWS::NoValue"}]}]),
                "lists ALLOW_USER_PASSWORD_AUTH:",
            ),
            (
                json!({"Fn::If": ["Legacy", ["ADMIN_NO_SRP_AUTH"], ["ALLOW_USER_SRP_AUTH"]]}),
                "lists ADMIN_NO_SRP_AUTH:",
            ),
        ] {
            let found = flows(listed.clone()).unwrap_err();
            assert!(
                found.contains(says) && found.contains("instead of a Secure Remote Password proof"),
                "{listed}: {found}"
            );
        }
        for unread in [
            json!({"Ref": "Flows"}),
            json!(["ALLOW_USER_SRP_AUTH", {"Ref": "Flow"}]),
            json!({"Fn::Split": [",", {"Ref": "Flows"}]}),
            json!(["{{resolve:ssm:/cognito/flow}}"]),
        ] {
            let found = flows(unread.clone()).unwrap_err();
            assert!(
                found.contains("which is not known before deploy"),
                "{unread}: {found}"
            );
        }
    }

    /// CG3 on a client `Web` of `flows` beside a user pool `Patients` of `pool`
    /// (properties), the client naming the pool by `pool_id`.
    fn cg3_with_pool(flows: Value, pool_id: Value, pool: Value) -> Result<Vec<String>, String> {
        let client = json!({"UserPoolId": pool_id, "EnableTokenRevocation": true,
            "ExplicitAuthFlows": flows});
        match Cx::check_first(
            cg3,
            &[
                ("Web", USER_POOL_CLIENT, client),
                ("Patients", USER_POOL, pool),
            ],
        ) {
            Outcome::Pass(proofs) => Ok(proofs.into_iter().map(|p| p.path).collect()),
            Outcome::Fail(finding) => Err(finding),
            other => panic!("{other:?}"),
        }
    }

    /// Choice-based sign-in (`ALLOW_USER_AUTH`) offers a `PASSWORD` challenge, answered with
    /// the password itself, wherever the client's pool allows `PASSWORD` as a first factor:
    /// written, by default (no `SignInPolicy`), in a branch, or not known before deploy; and
    /// wherever the pool is no pool of the app. A pool of passkeys and one-time codes only
    /// passes.
    #[test]
    fn choice_based_sign_in_fails_cg3_where_the_pool_takes_a_password_first() {
        let pool = json!({"Ref": "Patients"});
        let factors =
            |f: Value| json!({"Policies": {"SignInPolicy": {"AllowedFirstAuthFactors": f}}});
        for held in [
            factors(json!(["WEB_AUTHN"])),
            factors(json!(["EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"])),
            factors(json!(["WEB_AUTHN", {"Fn::If": ["Sms", "SMS_OTP", {"Ref": "AWS::NoValue"}]}])),
            json!({"Policies": {"Fn::If": ["Strict",
                {"SignInPolicy": {"AllowedFirstAuthFactors": ["WEB_AUTHN"]}},
                {"SignInPolicy": {"AllowedFirstAuthFactors": ["EMAIL_OTP"]}}]}}),
        ] {
            let found = cg3_with_pool(
                json!(["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]),
                pool.clone(),
                held.clone(),
            );
            assert!(found.is_ok(), "{held}: {found:?}");
        }
        // A client without choice-based sign-in does not read the pool.
        assert!(cg3_with_pool(json!(["ALLOW_USER_SRP_AUTH"]), pool.clone(), json!({})).is_ok());
        for (pool_props, says) in [
            (json!({}), "is not set, and Cognito's default is PASSWORD"),
            (
                json!({"Policies": {"PasswordPolicy": {"MinimumLength": 12}}}),
                "is not set, and Cognito's default is PASSWORD",
            ),
            (factors(json!(["PASSWORD", "WEB_AUTHN"])), "lists PASSWORD"),
            (factors(json!([" password "])), "lists PASSWORD"),
            (
                factors(
                    json!(["WEB_AUTHN", {"Fn::If": ["Legacy", "PASSWORD", {"Ref": "AWS::NoValue"}]}]),
                ),
                "lists PASSWORD",
            ),
            (
                factors(json!({"Ref": "AWS::NoValue"})),
                "is not set, and Cognito's default is PASSWORD",
            ),
            (
                factors(json!({"Ref": "Factors"})),
                "not known before deploy",
            ),
            (
                json!({"Policies": {"SignInPolicy": {"Fn::If": ["Strict",
                {"AllowedFirstAuthFactors": ["WEB_AUTHN"]}, {"Ref": "AWS::NoValue"}]}}}),
                "is not set, and Cognito's default is PASSWORD",
            ),
        ] {
            let found = cg3_with_pool(json!(["ALLOW_USER_AUTH"]), pool.clone(), pool_props.clone())
                .unwrap_err();
            assert!(
                found.contains("ALLOW_USER_AUTH")
                    && found.contains(says)
                    && found.contains("`Patients`"),
                "{pool_props}: {found}"
            );
        }
        // In any spelling of the flow, in a branch of the client's own list.
        for flows in [
            json!([" allow_user_auth "]),
            json!({"Fn::If": ["Choice", ["ALLOW_USER_AUTH"], ["ALLOW_USER_SRP_AUTH"]]}),
        ] {
            assert!(
                cg3_with_pool(flows.clone(), pool.clone(), json!({})).is_err(),
                "{flows}"
            );
        }
        // A pool that is no pool of the app: its first factors cannot be read.
        for other in [
            json!("us-east-1_AbCdEfGhI"),
            json!({"Ref": "PoolId"}),
            json!({"Fn::ImportValue": "shared-pool"}),
        ] {
            let found = cg3_with_pool(
                json!(["ALLOW_USER_AUTH"]),
                other.clone(),
                factors(json!(["WEB_AUTHN"])),
            )
            .unwrap_err();
            assert!(
                found.contains("no user pool of the app"),
                "{other}: {found}"
            );
        }
    }

    /// The pool of a client of another stack is read where it is declared.
    #[test]
    fn choice_based_sign_in_reads_the_pool_a_client_imports() {
        use crate::compliance::Status;
        use crate::prelude::*;
        let run = |factors: Value| {
            let app = App::new("portal");
            let pool = app
                .stack("id")
                .unwrap()
                .add(RawResource::new("Patients", USER_POOL).property(
                    "Policies",
                    json!({"SignInPolicy": {"AllowedFirstAuthFactors": factors}}),
                ))
                .unwrap();
            app.stack("web")
                .unwrap()
                .add(
                    RawResource::new("Web", USER_POOL_CLIENT)
                        .property("UserPoolId", pool.reference())
                        .property("EnableTokenRevocation", true)
                        .property("ExplicitAuthFlows", json!(["ALLOW_USER_AUTH"])),
                )
                .unwrap();
            let assembly = app.check().unwrap();
            crate::testing::status_of(&assembly, "CG3", "Web")
        };
        let password = run(json!(["PASSWORD", "WEB_AUTHN"]));
        assert!(
            matches!(password, Some(Status::Failed { ref finding }) if finding.contains("lists PASSWORD")),
            "{password:?}"
        );
        let passkeys = run(json!(["WEB_AUTHN"]));
        assert!(
            matches!(passkeys, Some(Status::Enforced { .. })),
            "{passkeys:?}"
        );
    }
}

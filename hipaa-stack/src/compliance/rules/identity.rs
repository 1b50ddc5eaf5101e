//! Rules for IAM: inline policies, wildcards, trust policies, and who may decrypt.
//!
//! The helpers that read policy documents (`policy_document`, `statements`, `strings`,
//! `everyone`, `glob`, `statement_proof`) are shared with the resilience rules, which read
//! topic and backup-vault policies.

use serde_json::Value;

use super::{Cx, OkOrDefault, Outcome, Packs, Proof, RuleSpec, all, pointer_name, proof_of};
use crate::cfn::Resource;

/// The types `I8` reads: roles' trust policies, and the Cognito identity pools they trust
/// (whether a pool lets guests in).
const TRUSTS: &[&str] = &["AWS::IAM::Role", IDENTITY_POOL];
const IDENTITIES: &[&str] = &[
    "AWS::IAM::Role",
    "AWS::IAM::User",
    "AWS::IAM::Group",
    "AWS::IAM::Policy",
    "AWS::IAM::RolePolicy",
    "AWS::IAM::UserPolicy",
    "AWS::IAM::GroupPolicy",
];
/// What `I2` and `K4` read: the IAM policies, and IAM Identity Center's permission sets, which
/// IAM Identity Center provisions as a role with these policies in every account it is
/// assigned to (IAM Identity Center user guide, "Permission sets": an inline policy,
/// AWS managed policies, customer managed policies by name).
const I2_TYPES: &[&str] = &[
    "AWS::IAM::ManagedPolicy",
    "AWS::IAM::Policy",
    "AWS::IAM::RolePolicy",
    "AWS::IAM::UserPolicy",
    "AWS::IAM::GroupPolicy",
    "AWS::IAM::Role",
    "AWS::IAM::User",
    "AWS::IAM::Group",
    PERMISSION_SET,
];
const PERMISSION_SET: &str = "AWS::SSO::PermissionSet";
/// What `I2` reads besides [`I2_TYPES`]: an instance profile, which gives every instance
/// launched with it the permissions of its role ([`roles_elsewhere`]).
const INSTANCE_PROFILE: &str = "AWS::IAM::InstanceProfile";
/// What `I2` reads besides [`I2_TYPES`]: the addition of users to a group
/// ([`additions_elsewhere`]).
const USER_TO_GROUP: &str = "AWS::IAM::UserToGroupAddition";
/// What `I2` reads besides [`I2_TYPES`]: the assignment of a permission set to a user or
/// group of IAM Identity Center in an account ([`assignments_elsewhere`]).
const ASSIGNMENT: &str = "AWS::SSO::Assignment";
const I2_READS: &[&str] = &[
    "AWS::IAM::ManagedPolicy",
    "AWS::IAM::Policy",
    "AWS::IAM::RolePolicy",
    "AWS::IAM::UserPolicy",
    "AWS::IAM::GroupPolicy",
    "AWS::IAM::Role",
    "AWS::IAM::User",
    "AWS::IAM::Group",
    PERMISSION_SET,
    INSTANCE_PROFILE,
    USER_TO_GROUP,
    ASSIGNMENT,
    EMR_CLUSTER,
];
/// An EMR cluster, whose instances get the permissions of its `JobFlowRole` and whose
/// service acts with those of its `ServiceRole` ([`emr_roles`]).
const EMR_CLUSTER: &str = "AWS::EMR::Cluster";
const ACCESS: &[&str] = &["164.308(a)(3)(i)", "164.308(a)(4)(i)", "164.312(a)(1)"];

pub(crate) static RULES: &[RuleSpec] = &[
    RuleSpec {
        id: "I1",
        title: "permissions come from managed policies, never inline policies",
        types: IDENTITIES,
        controls: ACCESS,
        fix: "remove `Policies` from the role, user or group and replace every `AWS::IAM::Policy` with an `AWS::IAM::ManagedPolicy`",
        packs: Packs {
            cdk_nag: Some("HIPAA.Security-IAMNoInlinePolicy"),
            checkov: None,
            guard: Some("IAM_NO_INLINE_POLICY_CHECK"),
        },
        check: i1,
    },
    RuleSpec {
        id: "I2",
        title: "no policy allows every action of a service, or on every resource a data action, a sharing action or an action that turns a HIPAA control off",
        types: I2_READS,
        controls: ACCESS,
        fix: "name the actions instead of `*` or `service:*` in `Action`, and name the buckets, tables, keys, secrets, queues and topics in `Resource` for data actions, for actions that share a store with another account, and for actions that turn a control off after deploy (`cloudtrail:StopLogging`, `logs:DisassociateKmsKey`, `logs:PutRetentionPolicy`, `s3:PutEncryptionConfiguration`, `kms:ScheduleKeyDeletion`, `backup:DeleteRecoveryPoint`, `rds:ModifyDBInstance`, `guardduty:DeleteDetector`, `cloudwatch:DisableAlarmActions`, …), never every one of a type, as `table/*` or `secret:*`; attach customer managed policies of the app by the `Ref` of their `AWS::IAM::ManagedPolicy`, never one the app does not hold by its ARN; add a user (`Groups`, or an `AWS::IAM::UserToGroupAddition`'s `GroupName`) only to an `AWS::IAM::Group` of the app, by its `Ref`; give an instance profile (`Roles`) only an `AWS::IAM::Role` of the app, by its `Ref`; give an EMR cluster a `JobFlowRole` that is an `AWS::IAM::InstanceProfile` of the app and a `ServiceRole` that is an `AWS::IAM::Role` of the app, by their `Ref`; give a permission set its permissions in `InlinePolicy`, not by `CustomerManagedPolicyReferences`, and assign (`AWS::SSO::Assignment`) only a permission set of the app, by the `Fn::GetAtt` of its `PermissionSetArn`",
        packs: Packs {
            cdk_nag: Some("HIPAA.Security-IAMPolicyNoStatementsWithFullAccess"),
            checkov: Some("CKV_AWS_63"),
            guard: Some("IAM_POLICY_NO_STATEMENTS_WITH_FULL_ACCESS"),
        },
        check: i2,
    },
    RuleSpec {
        id: "I8",
        title: "trust policies name the principals that may assume the role, never `*`",
        types: TRUSTS,
        controls: &["164.312(a)(1)"],
        fix: "name the service, account or role in the `Principal` of every Allow of `AssumeRolePolicyDocument`; bind a federated provider by `StringEquals` or `StringLike` on its audience or subject (for GitHub, `token.actions.githubusercontent.com:sub` naming the owner: `repo:OWNER/…`), never by an `…IfExists`, `ForAllValues:` or `Null` condition, which holds when the key is absent; never admit a Cognito identity pool's guests (`…:amr` `unauthenticated`); bind IAM Roles Anywhere (`rolesanywhere.amazonaws.com`) by `aws:SourceArn` (`ArnEquals`) to a trust anchor or by `StringEquals` on a certificate attribute (`aws:PrincipalTag/x509Subject/CN`)",
        packs: Packs {
            cdk_nag: None,
            checkov: Some("CKV_AWS_60"),
            guard: None,
        },
        check: i8,
    },
    RuleSpec {
        id: "K4",
        title: "no IAM policy allows decrypting or re-encrypting with every KMS key",
        // A permission set's `InlinePolicy` is provisioned as an inline policy of a role in
        // every account it is assigned to (IAM Identity Center user guide, "Permission
        // sets"), read as a role's policies are. Its `ManagedPolicies`, like a role's
        // `ManagedPolicyArns`, are AWS-managed policies, which `I2` judges.
        types: I2_TYPES,
        controls: &["164.312(a)(1)", "164.312(a)(2)(iv)"],
        fix: "name the key ARNs in `Resource` of statements that allow `kms:Decrypt`, `kms:ReEncrypt*`, `kms:CreateGrant`, `kms:PutKeyPolicy`, `kms:ReplicateKey` or `kms:*`, in IAM policies and in a permission set's `InlinePolicy`",
        packs: Packs {
            cdk_nag: None,
            checkov: None,
            guard: None,
        },
        check: k4,
    },
];

// ---------------------------------------------------------------------------------------
// Policy documents, shared with the resilience rules.
// ---------------------------------------------------------------------------------------

/// The policy document at `pointer` (below `Properties`) of `resource`: the JSON object, or
/// a JSON string parsed.
///
/// A document property is of type `Json` (CloudFormation reference, `AWS::IAM::ManagedPolicy`
/// `PolicyDocument`: `Json`), which takes the document as JSON text too, so text that an
/// intrinsic makes (`Fn::Sub`, `Fn::Join`) is parsed as the document it stands for, with
/// what it reads from elsewhere ([`meaning::skeleton`](super::meaning::skeleton)) as
/// [`UNKNOWN`](super::meaning::UNKNOWN); an intrinsic that makes no such text is no document
/// a rule can read (`None`), never an empty one.
pub(super) fn policy_document<'r>(
    resource: &'r Resource,
    pointer: &str,
) -> Option<std::borrow::Cow<'r, Value>> {
    let parse = |text: &str| {
        crate::cfn::tree::from_str(text)
            .ok()
            .filter(Value::is_object)
            .map(std::borrow::Cow::Owned)
    };
    match super::lookup(resource.properties(), pointer)? {
        Value::String(text) => parse(text),
        v @ Value::Object(map)
            if map.len() == 1 && map.keys().all(|k| k == "Ref" || k.starts_with("Fn::")) =>
        {
            // Read again as `Fn::Sub` where it resolved a pseudo parameter, so that the
            // stack's account it names is not read as the characters `${AWS::AccountId}`
            // written as text ([`meaning::literal`](super::meaning::literal)).
            super::meaning::resolved_json(&super::meaning::skeleton_sent(v))
                .filter(Value::is_object)
                .map(std::borrow::Cow::Owned)
        }
        v @ Value::Object(_) => Some(std::borrow::Cow::Borrowed(v)),
        _ => None,
    }
}

/// The statements of a policy document (`Statement` is one object or a list), each with its
/// pointer below the document (`/Statement/0`, or `/Statement` for a single object).
pub(super) fn statements(document: &Value) -> Vec<(String, &Value)> {
    match &document["Statement"] {
        Value::Array(list) => list
            .iter()
            .enumerate()
            .map(|(i, s)| (format!("/Statement/{i}"), s))
            .collect(),
        s @ Value::Object(_) => vec![("/Statement".to_owned(), s)],
        _ => Vec::new(),
    }
}

/// Whether a value is an intrinsic function written whole (`Ref`, `Fn::GetAtt`, `Fn::Split`,
/// …): an object of one key that names one.
pub(super) fn intrinsic(value: &Value) -> bool {
    value
        .as_object()
        .is_some_and(|m| m.len() == 1 && m.keys().all(|k| k == "Ref" || k.starts_with("Fn::")))
}

/// Why the statements of a policy document cannot be read before deploy: its `Statement`,
/// or a statement of the list, written whole as an intrinsic function (a parameter's `Ref`,
/// an SSM parameter's `Value`), which may grant any account. `None` when every statement
/// is written in the template (an `Fn::If` is read branch by branch before).
pub(super) fn unreadable_statements(document: &Value, name: &str) -> Option<String> {
    // `AWS::NoValue` removes the statement, as everywhere else the rules read it.
    let intrinsic = |v: &Value| intrinsic(v) && !super::meaning::no_value(v);
    match &document["Statement"] {
        s if intrinsic(s) => Some(format!(
            "`{name}.Statement` is {}, known only at deploy",
            super::meaning::sent_or_json(s)
        )),
        Value::Array(items) => {
            items
                .iter()
                .enumerate()
                .find(|(_, s)| intrinsic(s))
                .map(|(i, s)| {
                    format!(
                        "`{name}.Statement.{i}` is {}, known only at deploy",
                        super::meaning::sent_or_json(s)
                    )
                })
        }
        _ => None,
    }
}

/// A proof of the statement at `suffix` of the document at `document` (below `Properties`)
/// of `resource`; the whole document when it is written as a JSON string.
///
/// A document written as JSON text that an intrinsic makes (`Fn::Sub`, `Fn::Join`: read by
/// [`policy_document`]) has no statement at `suffix` in the template either: its proof is
/// the whole document, as for a JSON string (not none, which refused every such document).
pub(super) fn statement_proof(resource: &Resource, document: &str, suffix: &str) -> Option<Proof> {
    match super::lookup(resource.properties(), document) {
        Some(v @ Value::Object(_)) if !intrinsic(v) => {
            proof_of(resource, &format!("{document}{suffix}"))
        }
        _ => proof_of(resource, document),
    }
}

/// A string or a list of strings, as a list, with intrinsics resolved where they can be
/// (`{"Fn::Sub": "s3:*"}` is `s3:*`); what cannot be resolved is left out.
pub(super) fn strings(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().filter_map(super::meaning::sent).collect(),
        v => super::meaning::sent(v).into_iter().collect(),
    }
}

/// Whether text is (or holds) a dynamic reference, `{{resolve:…}}`: CloudFormation puts
/// a value there at deploy that no rule can read.
pub(super) fn dynamic(text: &str) -> bool {
    text.contains("{{resolve:")
}

/// The actions a statement may allow, read for the worst: an action that an intrinsic
/// reads from elsewhere (a resource's attribute, an import) or a dynamic reference may be
/// anything at deploy, so it counts as `*`.
fn allowed_actions(statement: &Value) -> Vec<String> {
    // An action of a document written as text around a reference (see [`policy_document`])
    // holds [`UNKNOWN`](super::meaning::UNKNOWN) where it reads it.
    // Blanks around an action are read away, as the patterns of the lists are written
    // without them: ` s3:GetObject` is read as `s3:GetObject`, never as no data action.
    // IAM replaces policy variables in `Resource` and in conditions ("IAM policy elements:
    // Variables and tags", IAM User Guide); one written in an action (`s3:${aws:…}`) is read
    // for the worst, as the `*` it would be there ([`policy_variables_as_wildcards`]).
    let one = |v: &Value| match super::meaning::sent(v) {
        Some(t) if !dynamic(&t) && !t.contains(super::meaning::UNKNOWN) => {
            policy_variables_as_wildcards(t.trim()).into_owned()
        }
        _ => "*".to_owned(),
    };
    match &statement["Action"] {
        Value::Null => Vec::new(),
        Value::Array(items) => items.iter().map(one).collect(),
        v => vec![one(v)],
    }
}

/// Whether a `Principal` names every principal: `*` or `{"AWS": "*"}`, written as text or
/// made by an intrinsic (`{"Fn::Sub": "*"}`, `Fn::Join`, …).
pub(super) fn everyone(principal: &Value) -> bool {
    let one = |v: &Value| super::meaning::sent(v).is_some_and(|t| t.trim() == "*");
    let star = |value: &Value| match value {
        Value::Array(items) => items.iter().any(one),
        v => one(v),
    };
    star(principal) || star(&principal["AWS"])
}

/// [`everyone`], read for the worst where a statement allows: a dynamic reference
/// (`{{resolve:ssm:…}}`) anywhere in the principal may resolve to `*` at deploy, and so may
/// a principal (or an entry of its `AWS`) that an intrinsic computes out of text and no rule
/// resolves ([`computed`]: `Fn::Split` of `"…,*"`, an `Fn::Select` of one). So may a
/// principal written with an IAM policy variable ([`holds_policy_variable`]:
/// `arn:aws:iam::${aws:PrincipalAccount}:root`, `${aws:PrincipalTag/trusted}`), whose value
/// the request supplies ("IAM policy elements: Variables and tags", IAM User Guide): the
/// account of whoever calls, as `*` is.
pub(super) fn may_be_everyone(principal: &Value) -> bool {
    let unread = |v: &Value| super::meaning::sent(v).is_none() && computed(v);
    let any = |value: &Value| match value {
        Value::Array(items) => items.iter().any(unread),
        v => unread(v),
    };
    let intrinsic = principal
        .as_object()
        .is_some_and(|map| map.keys().any(|k| k == "Ref" || k.starts_with("Fn::")));
    let variable = |v: &Value| super::meaning::sent(v).is_some_and(|t| holds_policy_variable(&t));
    let kinds = match principal {
        Value::Object(map) if !intrinsic => map
            .values()
            .flat_map(super::meaning::one_or_many)
            .any(variable),
        v => variable(v),
    };
    everyone(principal)
        || kinds
        || super::meaning::sent_or_json(principal).contains("{{resolve:")
        || (intrinsic && any(principal))
        || any(&principal["AWS"])
}

/// Whether a value uses, anywhere inside it, an intrinsic that computes a value out of
/// others rather than naming one (`Fn::Split`, `Fn::Select`, `Fn::FindInMap`, `Fn::Base64`,
/// `Fn::GetAZs`, `Fn::Cidr`, …): anything but a reference (`Ref`, `Fn::GetAtt`,
/// `Fn::ImportValue`), text around references (`Fn::Sub`, `Fn::Join`) and `Fn::If`, whose
/// branches are read one by one.
fn computed(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.iter().any(|(key, argument)| {
            (key.starts_with("Fn::")
                && !matches!(
                    key.as_str(),
                    "Fn::GetAtt" | "Fn::ImportValue" | "Fn::Sub" | "Fn::Join" | "Fn::If"
                ))
                || computed(argument)
        }),
        Value::Array(items) => items.iter().any(computed),
        _ => false,
    }
}

/// Whether the IAM pattern `pattern` (with `*` and `?`) matches `text`, ignoring case as IAM
/// does for actions. A pattern also matches a pattern it covers, character for character.
pub(super) fn glob(pattern: &str, text: &str) -> bool {
    if pattern.is_ascii() && text.is_ascii() {
        ascii_glob(pattern.as_bytes(), text.as_bytes())
    } else {
        glob_by_table(pattern, text)
    }
}

/// [`glob`] of ASCII text, in one pass and without allocating: a star first matches
/// nothing, and when a later character fails, the last star takes one more character of the
/// text and the pattern after it is read again from there (an earlier star never needs to
/// take more: whatever it would take, the last star can).
fn ascii_glob(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    // The position after the last star read, and the text position it was tried at.
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(b'*') => {
                p += 1;
                star = Some((p, t));
            }
            Some(&c) if c == b'?' || c.eq_ignore_ascii_case(&text[t]) => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((after, tried)) => {
                    p = after;
                    t = tried + 1;
                    star = Some((after, t));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

/// [`glob`] of any text, lower-cased as Unicode: a table of which prefixes of the text the
/// pattern read so far matches.
fn glob_by_table(pattern: &str, text: &str) -> bool {
    let t: Vec<char> = text.to_lowercase().chars().collect();
    // `matches[j]`: the pattern read so far matches the first `j` characters of the text.
    let mut matches = vec![false; t.len() + 1];
    matches[0] = true;
    for c in pattern.to_lowercase().chars() {
        let mut next = vec![false; t.len() + 1];
        if c == '*' {
            // A star matches any run: every prefix from the shortest one matched so far.
            let mut seen = false;
            for (j, slot) in next.iter_mut().enumerate() {
                seen |= matches[j];
                *slot = seen;
            }
        } else {
            for (j, slot) in next.iter_mut().enumerate().skip(1) {
                *slot = matches[j - 1] && (c == '?' || c == t[j - 1]);
            }
        }
        matches = next;
    }
    matches[t.len()]
}

/// Whether a resource pattern names every resource of a service: `*`, or an ARN whose
/// resource part is only wildcards (`arn:aws:s3:::*`, `arn:aws:kms:*:*:*`).
///
/// A pattern that covers every KMS key or alias counts too, however its stars are placed:
/// its service matches `kms` (`kms`, `*`, `k*`) and its resource part covers `key/*` or
/// `alias/*` (`key/*`, `key*`, `*`); IAM's `*` spans `/` and `:`. The account and region
/// that [`meaning::sent`](super::meaning::sent) keeps as `${AWS::AccountId}` and
/// `${AWS::Region}` (whose `::` would split them) are read as one field each.
fn every_resource(resource: &str) -> bool {
    let read = policy_variables_as_wildcards(resource.trim());
    let resource = read.as_ref();
    if only_wildcards(resource) {
        return true;
    }
    let resource = if resource.contains("${AWS::") {
        std::borrow::Cow::Owned(
            resource
                .replace("${AWS::AccountId}", "account")
                .replace("${AWS::Region}", "region"),
        )
    } else {
        std::borrow::Cow::Borrowed(resource)
    };
    let parts: Vec<&str> = resource.splitn(6, ':').collect();
    let stars = only_wildcards;
    match parts.as_slice() {
        ["arn", _, service, _, account, rest] => {
            rest.split(['/', ':']).all(stars)
                || (glob(service, "kms") && (glob(rest, "key/*") || glob(rest, "alias/*")))
                || if named_first(service, account) {
                    // Every bucket (`*/phi/*`), queue or topic: the name itself is a star;
                    // every FIFO queue or topic (`*.fifo`) too ([`GIVEN_SUFFIXES`]).
                    rest.split(['/', ':']).next().is_some_and(|name| {
                        names_no_one(name) || names_no_one_but_a_given_suffix(service, "", name)
                    })
                } else {
                    every_of_a_type(rest)
                        || every_generated_id(service, rest)
                        || every_with_a_given_suffix(service, rest)
                        // A HealthLake data store is `datastore/fhir/${DatastoreId}` (Service
                        // Authorization Reference, AWS HealthLake resource types): its type is
                        // two segments long.
                        || (glob(service, "healthlake")
                            && rest
                                .to_ascii_lowercase()
                                .strip_prefix("datastore/fhir/")
                                .is_some_and(names_no_one))
                }
        }
        // An ARN cut short by a star (`arn:aws:s3:*`, `arn:*`): "If the `*` wildcard is the
        // last character of a resource ARN segment, it can expand to match beyond the colon
        // boundaries" (IAM User Guide, "IAM JSON policy elements: Resource"), so it matches
        // every resource of the fields written before it.
        ["arn", .., last] => last.ends_with('*'),
        _ => false,
    }
}

/// A resource pattern with each IAM policy variable read as the `*` it may stand for: IAM
/// replaces `${key}` (`${aws:username}`, `${aws:PrincipalTag/team}`, `${saml:sub}`,
/// `${cognito-identity.amazonaws.com:sub}`, `${s3:prefix}`, with or without a default,
/// `${aws:PrincipalTag/team, 'all'}`) by the value the key has in the request when it
/// evaluates the policy ("IAM policy elements: Variables and tags", IAM User Guide: "the
/// policy variables are replaced with values that come from the conditional context keys
/// passed in the request"), and a request chooses many of those values: session tags
/// passed to `sts:AssumeRole` with `sts:TagSession` override the role's tags of the same
/// key (`aws:PrincipalTag`), and a web identity's or SAML assertion's claims
/// (`…:sub`, `saml:sub`) are its issuer's, `aws:SourceIdentity` the caller's, `s3:prefix`
/// the request's own. `key/${aws:PrincipalTag/k}` is then any key whose id a caller can
/// write into a tag, as `key/*` is; `${aws:username}` of an IAM user is the user's name,
/// but the rule reads the pattern, not who holds it, so every variable counts as `*`.
/// The three that stand for a character (`${*}`, `${?}`, `${$}`: a literal `*`, `?` and
/// `$`, no wildcard) are read as that character, written with a stand-in that is no
/// wildcard ([`LITERAL_STAR`], [`LITERAL_QUESTION`]). The pseudo parameters that
/// [`super::meaning::sent`] keeps (`${AWS::AccountId}`, `${AWS::Region}`) are
/// CloudFormation's, filled at deploy, and stay; a `${` without its `}` is text.
///
/// Inside an `Fn::Sub` a policy variable is written `${!aws:username}` (CloudFormation
/// Template Reference, `Fn::Sub`: "To write a dollar sign and curly braces (`${}`)
/// literally, add an exclamation point (!) after the open curly brace"), which
/// [`super::meaning::sent`] reads as `${aws:username}`; written there without the `!`, it
/// is a variable that is none of the template's ("template parameter names, resource
/// logical IDs, resource attributes, or a variable in a key-value map"): the assembly
/// refuses it as a reference to nothing of the template before any rule reads it (as
/// CloudFormation, which cannot resolve it, would), and were it read, no rule resolves it
/// to text ([`unreadable_resource`] reads it as `*` unless it names a resource of the app).
fn policy_variables_as_wildcards(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("${") {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("${") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[at..]);
            return std::borrow::Cow::Owned(out);
        };
        match &after[..end] {
            "*" => out.push(LITERAL_STAR),
            "?" => out.push(LITERAL_QUESTION),
            "$" => out.push('$'),
            name if name.starts_with("AWS::") => {
                out.push_str(&rest[at..at + 2 + end + 1]);
            }
            _ => out.push('*'),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// The stand-ins of a literal `*` and `?` (`${*}`, `${?}`) in a pattern read by
/// [`policy_variables_as_wildcards`]: characters no wildcard and no name of AWS holds.
const LITERAL_STAR: char = '\u{2217}';
const LITERAL_QUESTION: char = '\u{FF1F}';

/// Whether text holds an IAM policy variable (see [`policy_variables_as_wildcards`]):
/// `${…}` other than a pseudo parameter [`super::meaning::sent`] keeps and the three that
/// stand for a character.
pub(super) fn holds_policy_variable(text: &str) -> bool {
    text.split("${").skip(1).any(|part| {
        part.find('}').is_some_and(|end| {
            let name = &part[..end];
            !matches!(name, "*" | "?" | "$") && !name.starts_with("AWS::")
        })
    })
}

/// Whether the resource part of a service's ARNs starts with the resource's name, not its
/// type: a bucket (`arn:aws:s3:::records/*` is every object of one bucket), a queue, a
/// topic. Every other service writes a type first (Service Authorization Reference,
/// resource types: `table/${TableName}`, `secret:${SecretId}`, `role/${RoleNameWithPath}`,
/// `dbuser:${DbiResourceId}/${DbUserName}`, `function:${FunctionName}`); an S3 ARN with an
/// account (an access point, `accesspoint/${AccessPointName}`) does too.
fn named_first(service: &str, account: &str) -> bool {
    let service = service.trim().to_ascii_lowercase();
    (service == "s3" && account.is_empty()) || service == "sqs" || service == "sns"
}

/// Whether the resource part of an ARN covers every resource of a type: the type followed
/// by a name that is only wildcards (`table/*`, `secret:*`, `role/*`, `dbuser:*/*`, and
/// `table/*/index/*`, every index of every table), which IAM's `*` matches whatever the name
/// is; or a type written with a wildcard (`secret*`, `*table/*`), whose `*` "can expand to
/// replace everything within a segment, including characters like a forward slash" (IAM
/// User Guide, "IAM JSON policy elements: Resource") and so spans the name too.
fn every_of_a_type(rest: &str) -> bool {
    let mut segments = rest.split(['/', ':']);
    segments.next().is_some_and(|kind| {
        kind.contains(['*', '?']) || (!kind.is_empty() && segments.next().is_some_and(names_no_one))
    })
}

/// The prefixes of the identifiers that EC2 and Systems Manager generate for their resources,
/// followed by random hexadecimal digits (EC2 User Guide, "Resource IDs": `i-`, `vol-`,
/// `snap-`, `ami-`, `eni-`, `sg-`, `subnet-`, `vpc-`, `lt-`; an EC2 Instance Connect
/// Endpoint's `eice-`; a Systems Manager managed node's `mi-`), which appear in their ARNs
/// (`instance/${InstanceId}`, `instance-connect-endpoint/${InstanceConnectEndpointId}`,
/// `managed-instance/${InstanceId}`: Service Authorization Reference, resource types).
const GENERATED_IDS: &[&str] = &[
    "i-", "vol-", "snap-", "ami-", "eni-", "sg-", "subnet-", "vpc-", "lt-", "eice-", "mi-",
];

/// Whether the resource part of an ARN of a service whose resources AWS names by a random
/// identifier covers identifiers no one chose: a KMS key (`key/${KeyId}`, a UUID, or `mrk-`
/// and 32 hexadecimal digits: AWS KMS Developer Guide, "Key identifiers (KeyId)"), an EC2
/// or Systems Manager managed node (its fixed prefix, [`GENERATED_IDS`], and random digits),
/// a database user of IAM database authentication, an EFS file system or access point, or
/// a Neptune Analytics graph (each with the prefix of its id, below)
/// whose identifier is written with a wildcard inside the fixed prefix (`instance/i*`,
/// `key/m*`) or with nothing but wildcards and punctuation after it
/// (`key/????????-????-????-????-????????????`, `key/mrk-*`, `instance/i-*`,
/// `instance-connect-endpoint/eice-*`): each matches every identifier of its shape, as
/// `key/*` does, though `?` matches only names of its length elsewhere (a chosen name).
/// Digits of the identifier written before a wildcard (`key/1234*`) name the key they start.
fn every_generated_id(service: &str, rest: &str) -> bool {
    let service = service.trim().to_ascii_lowercase();
    let rest = rest.trim().to_ascii_lowercase();
    let mut segments = rest.split(['/', ':']);
    let (Some(kind), Some(name)) = (segments.next(), segments.next()) else {
        return false;
    };
    let Some(wild) = name.find(['*', '?']) else {
        return false;
    };
    let prefixes: &[&str] = match service.as_str() {
        "kms" if glob(kind, "key") => &["mrk-"],
        "ec2" => GENERATED_IDS,
        // Systems Manager's other resources (parameters, documents) have chosen names.
        "ssm" if glob(kind, "managed-instance") => &["mi-"],
        // A database user of IAM database authentication is
        // `dbuser:${DbiResourceId}/${DbUserName}` (Service Authorization Reference, Amazon
        // RDS IAM Authentication), whose resource id RDS generates: `db-` and random
        // characters for an instance, `cluster-` and random characters for an Aurora
        // cluster (RDS and Aurora user guides, "Creating and using an IAM policy for IAM
        // database access": `db-ABCDEFGHIJKL01234`, `cluster-ABCDEFGHIJKL01234`), so
        // `dbuser:db-*/app` is the user `app` of every instance, as `dbuser:*/app` is.
        "rds-db" if glob(kind, "dbuser") => &["db-", "cluster-"],
        // An EFS file system is `file-system/${FileSystemId}` and an access point
        // `access-point/${AccessPointId}` (Service Authorization Reference, Amazon EFS),
        // ids EFS generates: `fs-` and `fsap-` followed by hexadecimal digits (EFS API
        // Reference, `FileSystemId` pattern `fs-[0-9a-f]{8,40}`, `AccessPointId`
        // `fsap-[0-9a-f]{8,40}`).
        "elasticfilesystem" if glob(kind, "file-system") => &["fs-"],
        "elasticfilesystem" if glob(kind, "access-point") => &["fsap-"],
        // A Neptune Analytics graph is `graph/${GraphId}`, an id Neptune generates: `g-` and
        // random characters (Neptune Analytics User Guide, "Working with ARNs":
        // `arn:aws:neptune-graph:us-east-1:123456789012:graph/g-vgebxfyat7`).
        "neptune-graph" if glob(kind, "graph") => &["g-"],
        _ => return false,
    };
    let head = &name[..wild];
    if prefixes.iter().any(|p| p.starts_with(head)) {
        return true;
    }
    let id = prefixes
        .iter()
        .find_map(|p| name.strip_prefix(p))
        .unwrap_or(name);
    !id.chars().any(char::is_alphanumeric)
}

/// The suffixes AWS makes every name of a type end with, by service and resource type (`""`
/// where the name comes first, [`named_first`]), and whether a zone id comes before it:
/// - a directory bucket is `base-name--zone-id--x-s3` ("A directory bucket name consists of
///   a base name that you provide, and a suffix that contains the ID of the AWS Zone … and
///   `--x-s3`", S3 User Guide, "Directory bucket naming rules"), and an access point of a
///   directory bucket `name--zone-id--xa-s3` (S3 User Guide, "Naming rules for access
///   points for directory buckets");
/// - a Multi-Region Access Point is `accesspoint/ALIAS.mrap` in its ARN
///   (`arn:aws:s3::ACCOUNT:accesspoint/mfzwi23gnjvgw.mrap`, S3 User Guide, "Multi-Region
///   Access Point ARNs"; general purpose bucket names "must not end with the suffix
///   `.mrap`", which is "reserved for Multi-Region Access Point names");
/// - a FIFO queue's or topic's name "must end with the `.fifo` suffix" (SQS Developer
///   Guide, "Amazon SQS FIFO queue … names"; SNS Developer Guide, FIFO topics).
///
/// A pattern that writes only that suffix (`bucket/*--x-s3`, `*--use1-az4--x-s3`,
/// `accesspoint/*.mrap`, `*.fifo`, or a star before part of it: `*-s3`, `*o`) names every
/// resource of the type (of one zone), as `*` does: the suffix is AWS's, not a name.
const GIVEN_SUFFIXES: &[(&str, &str, &str, bool)] = &[
    ("s3express", "bucket", "--x-s3", true),
    ("s3express", "accesspoint", "--xa-s3", true),
    ("s3", "accesspoint", ".mrap", false),
    ("sqs", "", ".fifo", false),
    ("sns", "", ".fifo", false),
];

/// Whether the resource part `rest` of an ARN of `service` writes, as the name of a type
/// of [`GIVEN_SUFFIXES`], only the suffix AWS gives every name of the type.
fn every_with_a_given_suffix(service: &str, rest: &str) -> bool {
    let mut segments = rest.split(['/', ':']);
    let (Some(kind), Some(name)) = (segments.next(), segments.next()) else {
        return false;
    };
    names_no_one_but_a_given_suffix(service, kind, name)
}

/// Whether `name`, a name pattern of the resource type `kind` of `service`, is only
/// wildcards and punctuation ([`names_no_one`]) once the suffix AWS gives every name of
/// the type ([`GIVEN_SUFFIXES`]) is read away, with the zone id before it where there is
/// one: `*--use1-az4--x-s3` is every directory bucket of a zone, and so is `*az4--x-s3`,
/// whose star spans the base name and the start of the zone id; a star before part of the
/// suffix (`*-s3`, `*o`) spans the rest of it. A base name written (`records--*--x-s3`,
/// `*records--use1-az4--x-s3`) names the resources it matches, as elsewhere.
fn names_no_one_but_a_given_suffix(service: &str, kind: &str, name: &str) -> bool {
    let service = service.trim().to_ascii_lowercase();
    let kind = kind.trim().to_ascii_lowercase();
    let name = name.trim().to_ascii_lowercase();
    GIVEN_SUFFIXES
        .iter()
        .filter(|(s, k, _, _)| *s == service && *k == kind)
        .any(|(_, _, suffix, zoned)| {
            if let Some(rest) = name.strip_suffix(suffix) {
                let base = match (zoned, rest.rfind("--")) {
                    (false, _) => rest,
                    (true, Some(at)) => &rest[..at],
                    // No `--` before the suffix: the text after the last wildcard may be
                    // the zone id's end, which the wildcard reaches into.
                    (true, None) => rest.rfind(['*', '?']).map_or(rest, |at| &rest[..=at]),
                };
                return names_no_one(base);
            }
            // A star before part of the suffix: `*-s3`, `*fo`.
            (1..suffix.len()).any(|k| {
                let part = &suffix[suffix.len() - k..];
                name.strip_suffix(part)
                    .is_some_and(|rest| rest.ends_with('*') && names_no_one(rest))
            })
        })
}

/// Whether the name part of a resource pattern writes no letter or digit of any name, only
/// wildcards (a star among them) and the punctuation names share: it matches every name of
/// the type, or names none of the app's in particular. A secret's ARN always ends in a
/// hyphen and six random characters Secrets Manager adds after the secret's name (Secrets
/// Manager user guide, "Secret ARN"; `AWS::SecretsManager::Secret`'s `Ref`), so
/// `secret:*-??????` is every secret as `secret:*` is; `*-*` or `*.*` is every name that
/// holds a hyphen or a dot, whoever's.
fn names_no_one(pattern: &str) -> bool {
    pattern.contains('*') && !pattern.chars().any(char::is_alphanumeric)
}

/// Whether a pattern (a resource, a segment of one, or the part of an action after its
/// service) is only wildcards, one of them a star: it matches every name, however long
/// (`*`, `**`, `?*`, which matches every name of one character or more, as every name is).
/// Only `?` (`???`) matches names of that length alone.
fn only_wildcards(pattern: &str) -> bool {
    !pattern.is_empty() && pattern.chars().all(|c| c == '*' || c == '?') && pattern.contains('*')
}

/// Whether a statement allows, on every resource (`Resource` `*` in any spelling, or
/// `NotResource`, which allows everything it does not name).
fn allows_on_everything(statement: &Value) -> bool {
    allows(statement)
        && (statement
            .get("NotResource")
            .is_some_and(|v| !super::meaning::no_value(v))
            || strings(&statement["Resource"])
                .iter()
                .any(|r| every_resource(r) || dynamic(r)))
}

/// Whether a statement may allow: its `Effect` is `Allow`, in any spelling an intrinsic
/// resolves to, or anything that is not known to be `Deny` (a dynamic reference, a value
/// read from elsewhere), read for the worst.
pub(super) fn allows(statement: &Value) -> bool {
    super::meaning::sent(&statement["Effect"]).is_none_or(|e| e != "Deny")
}

/// Whether a statement denies: its `Effect` is `Deny` as AWS receives it, in any spelling an
/// intrinsic resolves to (`{"Fn::Sub": "Deny"}`, an `Fn::Join` of its pieces). IAM reads
/// the text CloudFormation deploys ("Effect: Use Allow or Deny to indicate whether the
/// policy allows or denies access", IAM JSON policy elements), not how the template spells
/// it; a value that cannot be known before deploy is no denial.
pub(super) fn denies(statement: &Value) -> bool {
    super::meaning::sent(&statement["Effect"]).is_some_and(|e| e == "Deny")
}

// ---------------------------------------------------------------------------------------
// The rules.
// ---------------------------------------------------------------------------------------

/// The key of an `AWS::IAM::ManagedPolicy` that attaches it to identities of this type.
fn attachment_key(type_name: &str) -> Option<&'static str> {
    match type_name {
        "AWS::IAM::Role" => Some("Roles"),
        "AWS::IAM::User" => Some("Users"),
        "AWS::IAM::Group" => Some("Groups"),
        _ => None,
    }
}

fn i1(cx: &Cx<'_>) -> Outcome {
    if matches!(
        cx.resource.type_name(),
        "AWS::IAM::Policy"
            | "AWS::IAM::RolePolicy"
            | "AWS::IAM::UserPolicy"
            | "AWS::IAM::GroupPolicy"
    ) {
        return Outcome::Fail(
            "an `AWS::IAM::Policy` is an inline policy of the identities it names; use an `AWS::IAM::ManagedPolicy`"
                .to_owned(),
        );
    }
    match cx.prop("/Policies") {
        Some(Value::Array(list)) if list.is_empty() => all([cx.proof("/Policies").ok_or_default()]),
        // An entry `AWS::NoValue` removes itself: a list of nothing else holds no policy,
        // and the permissions come from elsewhere, as when `Policies` is not written.
        Some(Value::Array(list)) if list.iter().all(super::meaning::no_value) => {
            Outcome::Pass(managed_permissions(cx))
        }
        Some(Value::Array(list)) => {
            let held = list.iter().filter(|v| !super::meaning::no_value(v)).count();
            Outcome::Fail(format!(
                "`Policies` holds {} inline {}",
                held,
                if held == 1 { "policy" } else { "policies" }
            ))
        }
        Some(_) => Outcome::Fail("`Policies` is set: inline policies are not allowed".to_owned()),
        None => Outcome::Pass(managed_permissions(cx)),
    }
}

/// The evidence that an identity without `Policies` gets its permissions from managed
/// policies: its `ManagedPolicyArns`, the managed policies of the template that attach to
/// it, or else its properties (in which `Policies` is absent).
fn managed_permissions(cx: &Cx<'_>) -> Vec<Proof> {
    if let Ok(p) = cx.present("/ManagedPolicyArns") {
        return vec![p];
    }
    let me = cx.self_ref();
    let attached: Vec<Proof> = attachment_key(cx.resource.type_name())
        .map(|key| {
            cx.others("AWS::IAM::ManagedPolicy")
                .filter_map(|policy| {
                    let i = policy.properties()[key]
                        .as_array()
                        .and_then(|list| list.iter().position(|v| *v == me))?;
                    proof_of(policy, &format!("/{key}/{i}"))
                })
                .collect()
        })
        .unwrap_or_default();
    if attached.is_empty() {
        cx.proof("").into_iter().collect()
    } else {
        attached
    }
}

/// The pointers (below `Properties`) of the policy documents a resource carries.
fn documents(cx: &Cx<'_>) -> Vec<String> {
    match cx.resource.type_name() {
        "AWS::IAM::ManagedPolicy"
        | "AWS::IAM::Policy"
        | "AWS::IAM::RolePolicy"
        | "AWS::IAM::UserPolicy"
        | "AWS::IAM::GroupPolicy" => vec!["/PolicyDocument".to_owned()],
        PERMISSION_SET => cx
            .prop("/InlinePolicy")
            .filter(|v| !super::meaning::no_value(v))
            .map(|_| "/InlinePolicy".to_owned())
            .into_iter()
            .collect(),
        _ => match cx.prop("/Policies") {
            Some(Value::Array(list)) => (0..list.len())
                .filter(|i| !super::meaning::no_value(&list[*i]))
                .map(|i| format!("/Policies/{i}/PolicyDocument"))
                .collect(),
            // A list that an intrinsic makes (a custom resource's attribute, `Fn::Split`)
            // holds policies no rule can read: read as one document that cannot be read.
            Some(v) if !v.is_null() && !super::meaning::no_value(v) => vec!["/Policies".to_owned()],
            _ => Vec::new(),
        },
    }
}

/// Runs `problem` on every statement of every policy document of the resource. Passes with
/// the documents as evidence; not applicable to an identity without inline policies.
fn every_statement(cx: &Cx<'_>, problem: fn(&Value) -> Option<String>) -> Outcome {
    let documents = documents(cx);
    if documents.is_empty() {
        return Outcome::NotApplicable;
    }
    let mut checks = Vec::new();
    for pointer in documents {
        if pointer == "/Policies" {
            checks.push(Err(format!(
                "`Policies` is {}, a list known only at deploy, whose policies no rule can read; write each inline policy in the list, or attach managed policies",
                super::meaning::sent_or_json(&cx.resource.properties()["Policies"])
            )));
            continue;
        }
        let Some(document) = policy_document(cx.resource, &pointer) else {
            checks.push(Err(format!(
                "`{}` is not set or not a policy document",
                pointer_name(&pointer)
            )));
            continue;
        };
        // A statement written whole as an intrinsic function (an SSM parameter's `Value`)
        // may allow anything.
        if let Some(why) = unreadable_statements(&document, &pointer_name(&pointer)) {
            checks.push(Err(format!(
                "{why}: it may allow any action on any resource; write the statements in the template"
            )));
            continue;
        }
        // A document written as text around references reads each as `UNKNOWN`: one of
        // them a value someone else chose may stand for any resource.
        let text_carries = text_carries_a_value(cx, &pointer);
        let problems: Vec<String> = statements(&document)
            .into_iter()
            .filter_map(|(suffix, statement)| {
                let read = resources_for_the_worst(cx, statement, text_carries);
                let why = if read.is_some() {
                    " (its `Resource` holds a value that a parameter, custom resource or nested stack hands out at deploy, or that no rule can read before deploy, read as `*`)"
                } else {
                    ""
                };
                problem(read.as_ref().unwrap_or(statement)).map(|p| {
                    format!("`{}`: {p}{why}", pointer_name(&format!("{pointer}{suffix}")))
                })
            })
            .collect();
        if problems.is_empty() {
            checks.push(cx.proof(&pointer).ok_or_default());
        } else {
            checks.extend(problems.into_iter().map(Err));
        }
    }
    all(checks)
}

/// A statement whose `Resource` names something someone else chooses, read for the worst:
/// each entry that an attribute of a resource handing out values makes (an SSM parameter's
/// `Value`, a custom resource's `Ref` or attribute, a nested stack's output, a wait
/// condition's `Data`: see [`super::flows::carries_values`]), or, in a document written as
/// text around such a reference (`text_carries`), each entry read as
/// [`UNKNOWN`](super::meaning::UNKNOWN), may be `*` at deploy, and is read as `*`. `None`
/// when no entry is.
fn resources_for_the_worst(cx: &Cx<'_>, statement: &Value, text_carries: bool) -> Option<Value> {
    let worst = |v: &Value| match super::meaning::sent(v) {
        Some(t) => text_carries && t.contains(super::meaning::UNKNOWN),
        None => carries_a_value(cx, v) || unreadable_resource(cx, v),
    };
    let resource = &statement["Resource"];
    let read = match resource {
        Value::Array(items) if items.iter().any(worst) => Value::Array(
            items
                .iter()
                .map(|v| {
                    if worst(v) {
                        Value::from("*")
                    } else {
                        v.clone()
                    }
                })
                .collect(),
        ),
        Value::Array(_) | Value::Null => return None,
        v if worst(v) => Value::from("*"),
        _ => return None,
    };
    let mut statement = statement.clone();
    statement["Resource"] = read;
    Some(statement)
}

/// Whether a `Resource` entry that no rule resolves to text names nothing a rule can read: it
/// refers to no resource of the app (`Ref`, `Fn::GetAtt`, `${…}`), imports nothing, and is
/// no value of a stack of another region. Text that an intrinsic cuts or picks out of other
/// text (`Fn::Select` of an `Fn::Split`, `Fn::Split` of a list written as one text) is
/// known only at deploy, and may be `*`.
fn unreadable_resource(cx: &Cx<'_>, value: &Value) -> bool {
    if super::meaning::no_value(value) {
        return false;
    }
    // An `Fn::If` is read branch by branch.
    if let Some(Value::Array(branches)) = value.get("Fn::If")
        && branches.len() == 3
    {
        return branches[1..].iter().any(|b| {
            super::meaning::sent(b).is_none()
                && !b.is_array()
                && (carries_a_value(cx, b) || unreadable_resource(cx, b))
        });
    }
    // A template parameter of hipaa-stack's carries a resource of a stack of another region
    // of the app (a replica bucket's ARN, whole or inside an `Fn::Join`).
    !cx.mentions_the_app(value)
        && !super::storage::has_import(value)
        && !cx
            .template
            .parameters()
            .iter()
            .any(|p| super::compute::mentions(value, p.name()))
}

/// Whether the document at `pointer` of the resource is written as text around references
/// (read by [`policy_document`] with each as [`UNKNOWN`](super::meaning::UNKNOWN)), one of
/// which is a value someone else chose ([`carries_a_value`]): any `UNKNOWN` in it may be
/// that value.
pub(super) fn text_carries_a_value(cx: &Cx<'_>, pointer: &str) -> bool {
    // As [`policy_document`] reads it: text, or text an intrinsic makes.
    super::lookup(cx.resource.properties(), pointer).is_some_and(|v| {
        let text = match v {
            Value::String(_) => true,
            Value::Object(map) => {
                map.len() == 1 && map.keys().all(|k| k == "Ref" || k.starts_with("Fn::"))
            }
            _ => false,
        };
        text && carries_a_value(cx, v)
    })
}

/// Whether a principal (or any value of a statement) may be a value someone else chose: an
/// attribute of a resource that hands out such values, or, in a document written as text
/// around one (`text_carries`), any part read as [`UNKNOWN`](super::meaning::UNKNOWN).
pub(super) fn may_be_carried(cx: &Cx<'_>, value: &Value, text_carries: bool) -> bool {
    carries_a_value(cx, value)
        || (text_carries && super::meaning::sent_or_json(value).contains(super::meaning::UNKNOWN))
}

/// Whether a value refers anywhere inside it (`Ref`, `Fn::GetAtt`, `${…}` of `Fn::Sub`) to
/// what a resource of the template hands out that someone else chose
/// ([`super::flows::carries_values`]): any attribute of one, or the `Ref` of a custom
/// resource (its handler's `PhysicalResourceId`), or imports such a value of another stack
/// ([`super::flows::export_named`]).
pub(super) fn carries_a_value(cx: &Cx<'_>, value: &Value) -> bool {
    let carrier = |id: &str, attribute: bool| {
        cx.template.resources().iter().any(|r| {
            r.logical_id() == id
                && super::flows::carries_values(r.type_name())
                && (attribute
                    || r.type_name().starts_with("Custom::")
                    || r.type_name() == "AWS::CloudFormation::CustomResource")
        })
    };
    let in_sub = |text: &str| {
        text.split("${").skip(1).any(|part| {
            let name = part.split('}').next().unwrap_or_default();
            !name.starts_with('!')
                && match name.split_once('.') {
                    Some((id, _)) => carrier(id, true),
                    None => carrier(name, false),
                }
        })
    };
    match value {
        Value::Object(map) => map.iter().any(|(key, arg)| match (key.as_str(), arg) {
            ("Ref", Value::String(id)) => carrier(id, false),
            ("Fn::GetAtt", Value::Array(a)) => a
                .first()
                .and_then(Value::as_str)
                .is_some_and(|id| carrier(id, true)),
            ("Fn::GetAtt", Value::String(s)) => {
                s.split_once('.').is_some_and(|(id, _)| carrier(id, true))
            }
            ("Fn::Sub", Value::String(t)) => in_sub(t),
            ("Fn::Sub", Value::Array(a)) => {
                a.first().and_then(Value::as_str).is_some_and(in_sub)
                    || a.get(1).is_some_and(|v| carries_a_value(cx, v))
            }
            // An import carries what its export carries, read in the stack that makes it
            // (`Fn::ImportValue` "returns the value of an output exported by another
            // stack"): a custom resource's attribute exported is someone else's choice there
            // as here.
            ("Fn::ImportValue", name) => super::meaning::import_name(name).is_some_and(|name| {
                matches!(
                    super::flows::export_named(cx, &name),
                    super::flows::Export::Made(there, carried) if carries_a_value(&there, &carried)
                )
            }),
            (_, v) => carries_a_value(cx, v),
        }),
        Value::Array(items) => items.iter().any(|v| carries_a_value(cx, v)),
        _ => false,
    }
}

/// Data actions: reading, writing or deleting PHI, or what unlocks it.
const DATA_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:GetObjectVersion",
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
    "s3:RestoreObject",
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:PartiQLSelect",
    "dynamodb:PartiQLInsert",
    "dynamodb:PartiQLUpdate",
    "dynamodb:PartiQLDelete",
    "rds-db:connect",
    "secretsmanager:GetSecretValue",
    "kms:Decrypt",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:GenerateDataKeyPair",
    "kms:GenerateDataKeyPairWithoutPlaintext",
    "sqs:ReceiveMessage",
    "sns:Publish",
    // The messages and records of every queue and stream written and deleted, as
    // `sns:Publish` writes a topic's and `sqs:ReceiveMessage` reads a queue's (Service
    // Authorization Reference, the actions of each): SQS `SendMessage` delivers a message to
    // a queue (and authorizes `SendMessageBatch`), `DeleteMessage` deletes one (and
    // `DeleteMessageBatch`), `PurgeQueue` deletes them all; Kinesis `PutRecord` and
    // `PutRecords` write records into a data stream, Firehose `PutRecord` and
    // `PutRecordBatch` into a Firehose stream. On every resource, each writes PHI into any
    // queue or stream, another account's among them when its policy lets it.
    "sqs:SendMessage",
    "sqs:DeleteMessage",
    "sqs:PurgeQueue",
    "kinesis:PutRecord",
    "kinesis:PutRecords",
    "firehose:PutRecord",
    "firehose:PutRecordBatch",
    // The records of a table's stream and of a data stream are the items as written
    // (DynamoDB developer guide, change data capture: a stream record holds the item as it
    // was before or after the change, by its view type).
    "dynamodb:GetRecords",
    "kinesis:GetRecords",
    // The RDS Data API runs SQL on an Aurora cluster with a secret's credentials: every
    // row a statement selects (RDS Data API, `ExecuteStatement`, `BatchExecuteStatement`).
    "rds-data:ExecuteStatement",
    "rds-data:BatchExecuteStatement",
    // The events of every log group, which hold whatever the app logs (CloudWatch Logs API
    // Reference: `GetLogEvents` "Lists log events from the specified log stream",
    // `FilterLogEvents`, `StartQuery` of Logs Insights); `L1` encrypts them as PHI.
    "logs:GetLogEvents",
    "logs:FilterLogEvents",
    "logs:StartQuery",
    // Every parameter's value, SecureString ones decrypted (Systems Manager API Reference,
    // `GetParameter`, `GetParameters`, `GetParametersByPath`, `GetParameterHistory`:
    // `WithDecryption`).
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
    "ssm:GetParameterHistory",
    // Database credentials for any Redshift user of any cluster (Redshift API Reference,
    // `GetClusterCredentials`, `GetClusterCredentialsWithIAM`), and SQL through the Redshift
    // Data API (`ExecuteStatement`, `BatchExecuteStatement`).
    "redshift:GetClusterCredentials",
    "redshift:GetClusterCredentialsWithIAM",
    "redshift-data:ExecuteStatement",
    "redshift-data:BatchExecuteStatement",
    // The FHIR resources of a HealthLake data store (HealthLake: `ReadResource`,
    // `SearchWithGet`, `SearchWithPost`), OpenSearch documents (`es:ESHttpGet`,
    // `es:ESHttpPost`) and Neptune graphs read by query (`neptune-db:ReadDataViaQuery`).
    "healthlake:ReadResource",
    "healthlake:SearchWithGet",
    "healthlake:SearchWithPost",
    "es:ESHttpGet",
    "es:ESHttpPost",
    "neptune-db:ReadDataViaQuery",
    // The blocks of any EBS snapshot, read through the EBS direct APIs (`GetSnapshotBlock`:
    // "Returns the data in a block in an Amazon Elastic Block Store snapshot").
    "ebs:GetSnapshotBlock",
    // The other stores' data actions, each "reading, writing or deleting" a store of PHI
    // of its service (Service Authorization Reference, the actions of each): objects of
    // directory buckets, whose every read and write runs in the session `CreateSession`
    // opens (S3 Express One Zone: "CreateSession … to grant access to all Zonal endpoint API
    // operations"), and of Object Lambda access points; the rows of S3 Tables
    // (`GetTableData`, `PutTableData`), Timestream (`Select`, `WriteRecords`), Keyspaces
    // (`Select`, `Modify`), QLDB (`SendCommand`), Aurora DSQL and Redshift Serverless
    // (`DbConnect`, `DbConnectAdmin`, `GetCredentials`: a database login), MemoryDB and
    // ElastiCache (`Connect` as an IAM-authenticated user); the files of every EFS file
    // system mounted with IAM authorization (`ClientMount`, `ClientWrite`,
    // `ClientRootAccess`); the media of Kinesis video streams (`GetMedia`,
    // `GetMediaForFragmentList`, `GetClip`, the HLS and DASH session URLs, `GetImages`); the
    // documents of OpenSearch written and deleted (`ESHttpPut`, `ESHttpPatch`,
    // `ESHttpDelete`) and of OpenSearch Serverless (`APIAccessAll`); FHIR resources written
    // (`CreateResource`, `UpdateResource`, `DeleteResource`); Neptune graphs written
    // (`WriteDataViaQuery`, `DeleteDataViaQuery`) and Neptune Analytics graphs read
    // (`ReadDataViaQuery`); the messages of every topic sent to an endpoint one chooses
    // (SNS `Subscribe`), of every stream's shard pushed (`SubscribeToShard`); a log group's
    // events streamed live or read one by one, masked data unmasked (CloudWatch Logs
    // `StartLiveTail`, `GetLogRecord`, `Unmask`); a database's log files, which hold the
    // statements it ran (RDS `DownloadDBLogFilePortion`, `DownloadCompleteDBLogFile`);
    // credentials to every registered data location (Lake Formation `GetDataAccess`); and
    // a recovery point restored into a resource of the caller's choosing (AWS Backup
    // `StartRestoreJob`).
    "s3express:CreateSession",
    "s3-object-lambda:GetObject",
    "s3-object-lambda:PutObject",
    "s3tables:GetTableData",
    "s3tables:PutTableData",
    "timestream:Select",
    "timestream:WriteRecords",
    "cassandra:Select",
    "cassandra:Modify",
    "qldb:SendCommand",
    "dsql:DbConnect",
    "dsql:DbConnectAdmin",
    "redshift-serverless:GetCredentials",
    "memorydb:Connect",
    "elasticache:Connect",
    "elasticfilesystem:ClientMount",
    "elasticfilesystem:ClientWrite",
    "elasticfilesystem:ClientRootAccess",
    "kinesisvideo:GetMedia",
    "kinesisvideo:GetMediaForFragmentList",
    "kinesisvideo:GetClip",
    "kinesisvideo:GetHLSStreamingSessionURL",
    "kinesisvideo:GetDASHStreamingSessionURL",
    "kinesisvideo:GetImages",
    "es:ESHttpPut",
    "es:ESHttpPatch",
    "es:ESHttpDelete",
    "aoss:APIAccessAll",
    "healthlake:CreateResource",
    "healthlake:UpdateResource",
    "healthlake:DeleteResource",
    "neptune-db:WriteDataViaQuery",
    "neptune-db:DeleteDataViaQuery",
    "neptune-graph:ReadDataViaQuery",
    "sns:Subscribe",
    "kinesis:SubscribeToShard",
    "logs:StartLiveTail",
    "logs:GetLogRecord",
    "logs:Unmask",
    "rds:DownloadDBLogFilePortion",
    "rds:DownloadCompleteDBLogFile",
    "lakeformation:GetDataAccess",
    "backup:StartRestoreJob",
    // The hostile review of session 34, each named as the Service Authorization Reference
    // names it: the records of every topic of every MSK cluster that takes IAM access control
    // (Apache Kafka APIs for Amazon MSK clusters, `kafka-cluster:ReadData`, `WriteData`);
    // every route of every API that authorizes by IAM (`execute-api:Invoke`, which `A4M`
    // takes as a route's authorization) and every field of every GraphQL API that does
    // (`appsync:GraphQL`); what every function returns, which reads with its own role
    // (`lambda:InvokeFunction`); the users of every user pool and their attributes
    // (Cognito user pools, `ListUsers`, `AdminGetUser`); the images of a HealthImaging data
    // store (`medical-imaging:GetImageFrame`, `GetImageSetMetadata`) and the read sets of
    // HealthOmics (`omics:GetReadSet`); the input and output of every state machine's runs
    // (Step Functions `DescribeExecution`, `GetExecutionHistory`); a Glacier archive
    // retrieved (`glacier:GetJobOutput`); and a snapshot or a point in time of every
    // database restored into a database of the caller's choosing, publicly accessible
    // among them, as `backup:StartRestoreJob` restores a recovery point (RDS API
    // Reference, `RestoreDBInstanceFromDBSnapshot`, `RestoreDBClusterFromSnapshot`,
    // `RestoreDBInstanceToPointInTime`, `RestoreDBClusterToPointInTime`).
    "kafka-cluster:ReadData",
    "kafka-cluster:WriteData",
    "execute-api:Invoke",
    "appsync:GraphQL",
    "lambda:InvokeFunction",
    "cognito-idp:ListUsers",
    "cognito-idp:AdminGetUser",
    "medical-imaging:GetImageFrame",
    "medical-imaging:GetImageSetMetadata",
    "omics:GetReadSet",
    "states:DescribeExecution",
    "states:GetExecutionHistory",
    "glacier:GetJobOutput",
    "rds:RestoreDBInstanceFromDBSnapshot",
    "rds:RestoreDBClusterFromSnapshot",
    "rds:RestoreDBInstanceToPointInTime",
    "rds:RestoreDBClusterToPointInTime",
];

/// Actions that, on every resource, let an identity give itself (or a role it passes or
/// assumes) any permission: a way around every other grant.
const ESCALATION_ACTIONS: &[&str] = &[
    "iam:PassRole",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:AttachRolePolicy",
    "iam:AttachUserPolicy",
    "iam:AttachGroupPolicy",
    "iam:PutRolePolicy",
    "iam:PutUserPolicy",
    "iam:PutGroupPolicy",
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:UpdateAssumeRolePolicy",
    "iam:AddUserToGroup",
    "sts:AssumeRole",
    "lambda:UpdateFunctionCode",
    "kms:PutKeyPolicy",
    "kms:CreateGrant",
    "s3:PutBucketPolicy",
    "s3:DeleteBucketPolicy",
    // A permissions boundary caps what an identity's policies allow: removing or replacing
    // it "might increase its permissions. For example, it might allow anyone who assumes the
    // role to perform all the actions granted in its permissions policies" (IAM API
    // Reference, `DeleteRolePermissionsBoundary`; `PutRolePermissionsBoundary` replaces it
    // with any policy).
    "iam:PutRolePermissionsBoundary",
    "iam:DeleteRolePermissionsBoundary",
    "iam:PutUserPermissionsBoundary",
    "iam:DeleteUserPermissionsBoundary",
    // A Glue development endpoint runs as its role and takes the SSH key this call sets
    // (Glue API, `UpdateDevEndpoint` `PublicKey`): on every endpoint, a way into every
    // endpoint's role.
    "glue:UpdateDevEndpoint",
    // Code run where another role's credentials are, as `lambda:UpdateFunctionCode` is: a
    // command on any managed node ("Runs commands on one or more managed nodes", Systems
    // Manager API Reference, `SendCommand`; a Session Manager session, `StartSession`), in
    // any container of any task (`ExecuteCommand`: "Runs a command remotely on a container
    // within a task", ECS API Reference), by SSH to any instance (EC2 Instance Connect
    // `SendSSHPublicKey`: "Pushes an SSH public key to the specified EC2 instance"; its
    // serial console, `SendSerialConsoleSSHPublicKey`), in any notebook's Jupyter server
    // (SageMaker `CreatePresignedNotebookInstanceUrl`), in any build project's build, whose
    // commands `buildspecOverride` replaces (CodeBuild `StartBuild`, `StartBuildBatch`), in
    // any function through the layers and settings it runs with (Lambda
    // `UpdateFunctionConfiguration`), and in any instance's user data, run at its next start
    // (EC2 `ModifyInstanceAttribute` `userData`): each runs as that node's, task's,
    // notebook's, project's or function's role, and reads what it holds.
    "ssm:SendCommand",
    "ssm:StartSession",
    "ecs:ExecuteCommand",
    "ec2-instance-connect:SendSSHPublicKey",
    "ec2-instance-connect:SendSerialConsoleSSHPublicKey",
    // A TCP tunnel through an EC2 Instance Connect Endpoint to an instance or private IP
    // address of its VPC, on any port (SSH, RDP, a database's): the Service Authorization
    // Reference (EC2 Instance Connect, `OpenTunnel`) gives it the resource
    // `instance-connect-endpoint` and the condition keys `ec2-instance-connect:remotePort`,
    // `…:privateIpAddress` and `…:maxTunnelDuration`, and the EC2 User Guide ("Grant IAM
    // permissions to use EC2 Instance Connect Endpoint") says that it grants a TCP
    // connection to an instance through the endpoint, and that a `Resource` of `*` lets the
    // user use any endpoint there is. Limited by naming the endpoints, or by
    // [`tunnels_to_named_hosts`].
    OPEN_TUNNEL,
    // A Session Manager session picked up again, whoever started it: "Reconnects a session
    // to a managed node after it has been disconnected" (Systems Manager API Reference,
    // `ResumeSession`, on resource `session`); on every session, a shell someone else
    // opened. An association runs a document (`AWS-RunShellScript`) on the nodes it targets,
    // as `SendCommand` does (`CreateAssociation`, `CreateAssociationBatch`, and
    // `UpdateAssociation`, which replaces its document, parameters and targets: resources
    // `document`, `instance`, `managed-instance`).
    "ssm:ResumeSession",
    "ssm:CreateAssociation",
    "ssm:CreateAssociationBatch",
    "ssm:UpdateAssociation",
    // A SageMaker Studio session as any user profile of any domain, whose apps run as the
    // profile's execution role over its home directory: `CreatePresignedDomainUrl` returns
    // a URL with which a browser connects to a domain as the user profile named (SageMaker
    // API Reference; resource `user-profile` in the Service Authorization Reference), as
    // `CreatePresignedNotebookInstanceUrl` opens a notebook.
    "sagemaker:CreatePresignedDomainUrl",
    "sagemaker:CreatePresignedNotebookInstanceUrl",
    "codebuild:StartBuild",
    "codebuild:StartBuildBatch",
    "lambda:UpdateFunctionConfiguration",
    "ec2:ModifyInstanceAttribute",
    // The hostile review of session 34: a way in as any user of the app's sign-in, or as
    // any person of the organization. Cognito user pools' `AdminSetUserPassword` sets any
    // user's password, `AdminUpdateUserAttributes` their e-mail or phone (where the reset
    // code goes), `AdminAddUserToGroup` gives them a group's role, `AdminCreateUser` makes
    // a user who passes every authorizer of the pool; IAM Identity Center's
    // `sso:CreateAccountAssignment` gives a user or group a permission set in any account,
    // and `PutInlinePolicyToPermissionSet`, `AttachManagedPolicyToPermissionSet` and
    // `AttachCustomerManagedPolicyReferenceToPermissionSet` give a permission set any
    // permission; the identity store's `CreateGroupMembership` puts a user into any group,
    // and with it the group's assignments.
    "cognito-idp:AdminSetUserPassword",
    "cognito-idp:AdminUpdateUserAttributes",
    "cognito-idp:AdminAddUserToGroup",
    "cognito-idp:AdminCreateUser",
    "sso:CreateAccountAssignment",
    "sso:PutInlinePolicyToPermissionSet",
    "sso:AttachManagedPolicyToPermissionSet",
    "sso:AttachCustomerManagedPolicyReferenceToPermissionSet",
    "identitystore:CreateGroupMembership",
];

/// EC2 Instance Connect's tunnel to an instance through an endpoint (see
/// [`ESCALATION_ACTIONS`]).
const OPEN_TUNNEL: &str = "ec2-instance-connect:OpenTunnel";

/// Whether a statement's `Condition` limits the tunnels of `OpenTunnel` to hosts it names:
/// `ec2-instance-connect:privateIpAddress` (the private address of the instance the TCP
/// connection is made to; a connection to any other address fails: EC2 User Guide, "Grant
/// IAM permissions to use EC2 Instance Connect Endpoint", its condition keys) under
/// `IpAddress` (alone or after `ForAnyValue:`), every value an address or a range of at
/// most 256 addresses (an IPv4 `/24`, an IPv6 `/120`) written as is. Never `…IfExists`,
/// `ForAllValues:` or `NotIpAddress`, which hold for what they do not name, nor a value
/// read at deploy, nor a range as wide as a VPC (`10.0.0.0/16`, `0.0.0.0/0`), through which
/// the tunnel reaches every instance; `remotePort` alone still reaches every instance.
fn tunnels_to_named_hosts(statement: &Value) -> bool {
    let narrow = |text: &str| {
        let (address, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text, None),
        };
        let Ok(address) = address.parse::<std::net::IpAddr>() else {
            return false;
        };
        let least = if address.is_ipv4() { 24 } else { 120 };
        prefix.is_none_or(|p| {
            p.parse::<u8>()
                .is_ok_and(|p| p >= least && p <= if address.is_ipv4() { 32 } else { 128 })
        })
    };
    statement["Condition"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(operator, _)| {
            let operator = operator.trim().to_ascii_lowercase();
            operator.strip_prefix("foranyvalue:").unwrap_or(&operator) == "ipaddress"
        })
        .filter_map(|(_, keys)| keys.as_object())
        .flatten()
        .filter(|(key, _)| {
            key.trim()
                .eq_ignore_ascii_case("ec2-instance-connect:privateIpAddress")
        })
        .any(|(_, values)| {
            let values = super::meaning::one_or_many(values);
            !values.is_empty()
                && values.iter().all(|v| {
                    super::meaning::sent(v)
                        .is_some_and(|t| written_as_is(t.trim()) && narrow(t.trim()))
                })
        })
}

/// Actions that, on every resource, hand a store of PHI (or a copy of it) to other
/// accounts or to everyone, or take away what keeps it private: a way around every
/// account boundary and public-access block the other rules check.
const SHARING_ACTIONS: &[&str] = &[
    // "To share a manual DB snapshot with other AWS accounts, specify restore as the
    // AttributeName … Uses the value all to make the manual DB snapshot public" (RDS API
    // Reference, `ModifyDBSnapshotAttribute`; `ModifyDBClusterSnapshotAttribute` alike).
    "rds:ModifyDBSnapshotAttribute",
    "rds:ModifyDBClusterSnapshotAttribute",
    // "Adds or removes permission settings for the specified snapshot. You may add or remove
    // specified AWS account IDs from a snapshot's list of create volume permissions" (EC2 API
    // Reference, `ModifySnapshotAttribute`, with the group `all` to make it public).
    "ec2:ModifySnapshotAttribute",
    // An AMI's launch permission, which may add accounts or the group `all` (EC2 API
    // Reference, `ModifyImageAttribute`): its snapshots hold the instance's volumes.
    "ec2:ModifyImageAttribute",
    // "Authorizes the specified AWS account to restore the specified snapshot" (Redshift API
    // Reference, `AuthorizeSnapshotAccess`).
    "redshift:AuthorizeSnapshotAccess",
    // "Exports table data to an S3 bucket", whose `S3BucketOwner` is "the ID of the AWS
    // account that owns the bucket" (DynamoDB API Reference, `ExportTableToPointInTime`).
    "dynamodb:ExportTableToPointInTime",
    // What keeps a bucket private (S3 API Reference, `PutPublicAccessBlock`, `PutBucketAcl`)
    // and a replication rule's destination, which may be a bucket of another account
    // (`PutBucketReplication`, `Destination.Account`).
    "s3:PutBucketPublicAccessBlock",
    "s3:PutAccountPublicAccessBlock",
    "s3:PutBucketAcl",
    // Object Ownership other than `BucketOwnerEnforced` turns ACLs back on (S3 API
    // Reference, `PutBucketOwnershipControls`), which `S6` keeps off.
    "s3:PutBucketOwnershipControls",
    "s3:PutReplicationConfiguration",
    // Resource policies that may grant any account (Secrets Manager API Reference,
    // `PutResourcePolicy`; DynamoDB API Reference, `PutResourcePolicy`).
    "secretsmanager:PutResourcePolicy",
    "dynamodb:PutResourcePolicy",
    // Every other action that sends a store's data, or a copy of it, to a destination of
    // another account, or writes a resource policy (or share) that may grant any account.
    // "A logical destination created with PutDestination that belongs to a different
    // account, for cross-account delivery" (CloudWatch Logs API Reference,
    // `PutSubscriptionFilter` `destinationArn`); an account-wide subscription filter policy
    // does so for every log group (`PutAccountPolicy`, `SUBSCRIPTION_FILTER_POLICY`, whose
    // `DestinationArn` may be another account's destination: CloudWatch Logs user guide,
    // "Create an account-level subscription filter policy"); an export task writes a log
    // group's events to any bucket the caller may write (`CreateExportTask`: "you must use
    // credentials that have permission to write to the S3 bucket that you specify as the
    // destination"), and a delivery sends vended logs to a delivery destination that may be
    // another account's (`CreateDelivery`, `PutDeliveryDestination`).
    "logs:PutSubscriptionFilter",
    "logs:PutAccountPolicy",
    "logs:CreateExportTask",
    "logs:CreateDelivery",
    "logs:PutDeliveryDestination",
    // A copy of a recovery point to "a destination backup vault", by its ARN, of any account
    // (AWS Backup API Reference, `StartCopyJob` `DestinationBackupVaultArn`); a backup
    // plan's copy actions do so for every backup (`CreateBackupPlan`, `UpdateBackupPlan`:
    // `CopyActions.DestinationBackupVaultArn`); a vault's access policy may grant any
    // account its recovery points (`PutBackupVaultAccessPolicy`).
    "backup:StartCopyJob",
    "backup:CreateBackupPlan",
    "backup:UpdateBackupPlan",
    "backup:PutBackupVaultAccessPolicy",
    // A resource share names principals of other accounts, or of any account when it
    // allows external principals (AWS RAM API Reference, `CreateResourceShare`,
    // `AssociateResourceShare`, `UpdateResourceShare` `allowExternalPrincipals`).
    "ram:CreateResourceShare",
    "ram:AssociateResourceShare",
    "ram:UpdateResourceShare",
    "ram:PutResourcePolicy",
    // The other resource policies that may grant any account a store or what reads it:
    // streams (Kinesis `PutResourcePolicy`), the Glue Data Catalog (`PutResourcePolicy`)
    // and Lake Formation's grants to other accounts (`GrantPermissions`,
    // `BatchGrantPermissions`), queues and topics (`AddPermission`, and the `Policy`
    // attribute of `SetQueueAttributes` and `SetTopicAttributes`), file systems (EFS
    // `PutFileSystemPolicy`), access points (S3 `PutAccessPointPolicy`, of an Object Lambda
    // or multi-Region access point too), directory buckets and table buckets (S3 Express
    // `PutBucketPolicy`, S3 Tables `PutTableBucketPolicy`, `PutTablePolicy`), vaults of
    // Glacier (`SetVaultAccessPolicy`), Redshift (`PutResourcePolicy`,
    // `AuthorizeDataShare`, Redshift Serverless `PutResourcePolicy`, which shares
    // snapshots), CloudTrail Lake (`PutResourcePolicy`), OpenSearch Serverless data access
    // and network policies (`CreateAccessPolicy`, `UpdateAccessPolicy`,
    // `CreateSecurityPolicy`, `UpdateSecurityPolicy`), and an OpenSearch domain's inbound
    // cross-cluster connection from another account's domain (`AcceptInboundConnection`).
    "kinesis:PutResourcePolicy",
    "glue:PutResourcePolicy",
    "lakeformation:GrantPermissions",
    "lakeformation:BatchGrantPermissions",
    "sqs:AddPermission",
    "sqs:SetQueueAttributes",
    "sns:AddPermission",
    "sns:SetTopicAttributes",
    "elasticfilesystem:PutFileSystemPolicy",
    "s3:PutAccessPointPolicy",
    "s3:PutAccessPointPolicyForObjectLambda",
    "s3:PutMultiRegionAccessPointPolicy",
    "s3:PutAccessPointPublicAccessBlock",
    "s3express:PutBucketPolicy",
    "s3tables:PutTableBucketPolicy",
    "s3tables:PutTablePolicy",
    "glacier:SetVaultAccessPolicy",
    "redshift:PutResourcePolicy",
    "redshift:AuthorizeDataShare",
    "redshift-serverless:PutResourcePolicy",
    "cloudtrail:PutResourcePolicy",
    "aoss:CreateAccessPolicy",
    "aoss:UpdateAccessPolicy",
    "aoss:CreateSecurityPolicy",
    "aoss:UpdateSecurityPolicy",
    "es:AcceptInboundConnection",
    // The writers of the other resource policies `P2` reads in the template (probe 14b #2:
    // each made `P2`'s guarantee false after deploy), each named as the Service
    // Authorization Reference names it: a function's permission (Lambda API Reference,
    // `AddPermission`: "Grants a principal permission to use a function", `Principal` `*`
    // among them), its URL (`CreateFunctionUrlConfig`, `UpdateFunctionUrlConfig`, whose
    // `AuthType` `NONE` lets anyone call it) and a layer's (`AddLayerVersionPermission`,
    // "to all accounts in an organization, or all AWS accounts"); a log group's or the
    // account's CloudWatch Logs policy (`PutResourcePolicy`), a log destination's
    // (`PutDestinationPolicy`) and a delivery destination's
    // (`PutDeliveryDestinationPolicy`); an event bus's (EventBridge `PutPermission`,
    // `Principal` `*` for every account); a repository's (ECR `SetRepositoryPolicy`) and a
    // registry's (ECR `PutRegistryPolicy`, which lets other accounts replicate into it); the
    // Data Catalog's (Glue `PutResourcePolicy`), a parameter's or OpsItem group's (Systems
    // Manager `PutResourcePolicy`) and a model package group's (SageMaker
    // `PutModelPackageGroupPolicy`), X-Ray's (`xray:PutResourcePolicy`), a Lex bot's
    // (`CreateResourcePolicy`, `UpdateResourcePolicy`), a schema registry's (EventBridge
    // Schemas `PutResourcePolicy`), a CodeArtifact domain's and repository's
    // (`PutDomainPermissionsPolicy`, `PutRepositoryPermissionsPolicy`), an S3 on Outposts
    // bucket's and access point's (`s3-outposts:PutBucketPolicy`,
    // `s3-outposts:PutAccessPointPolicy`); an
    // OpenSearch or Elasticsearch domain's access policies (`UpdateDomainConfig`,
    // `UpdateElasticsearchDomainConfig` `AccessPolicies`); a REST API's policy or a private
    // custom domain name's (API Gateway `UpdateRestApi` and `UpdateDomainName`, patch
    // operations, authorized as `apigateway:PATCH`; `PutRestApi`, which imports a
    // definition and its `x-amazon-apigateway-policy`, as `apigateway:PUT`); an MSK
    // cluster's (`PutClusterPolicy`); and a VPC endpoint service's allowed principals (EC2
    // `ModifyVpcEndpointServicePermissions`, `*` for every principal); a repository
    // creation template's `RepositoryPolicy`, the policy of every repository ECR creates from
    // it (`CreateRepositoryCreationTemplate`, `UpdateRepositoryCreationTemplate`); and an
    // Entity Resolution workflow's or namespace's policy (`AddPolicyStatement`, and
    // `PutPolicy`, which "Updates the resource-based policy"). The test
    // `every_resource_policy_p2_reads_has_its_writer_listed` keeps this closed.
    "lambda:AddPermission",
    "lambda:CreateFunctionUrlConfig",
    "lambda:UpdateFunctionUrlConfig",
    "lambda:AddLayerVersionPermission",
    "logs:PutResourcePolicy",
    "logs:PutDestinationPolicy",
    "logs:PutDeliveryDestinationPolicy",
    "events:PutPermission",
    "ecr:SetRepositoryPolicy",
    "ecr:PutRegistryPolicy",
    "glue:PutResourcePolicy",
    "ssm:PutResourcePolicy",
    "sagemaker:PutModelPackageGroupPolicy",
    "xray:PutResourcePolicy",
    "lex:CreateResourcePolicy",
    "lex:UpdateResourcePolicy",
    "schemas:PutResourcePolicy",
    "codeartifact:PutDomainPermissionsPolicy",
    "codeartifact:PutRepositoryPermissionsPolicy",
    "s3-outposts:PutBucketPolicy",
    "s3-outposts:PutAccessPointPolicy",
    "es:UpdateDomainConfig",
    "es:UpdateElasticsearchDomainConfig",
    "apigateway:PATCH",
    "apigateway:PUT",
    "kafka:PutClusterPolicy",
    "ec2:ModifyVpcEndpointServicePermissions",
    "ecr:CreateRepositoryCreationTemplate",
    "ecr:UpdateRepositoryCreationTemplate",
    "entityresolution:AddPolicyStatement",
    "entityresolution:PutPolicy",
    // What keeps snapshots and images private account-wide (EC2 API Reference,
    // `DisableSnapshotBlockPublicAccess`, `DisableImageBlockPublicAccess`).
    "ec2:DisableSnapshotBlockPublicAccess",
    "ec2:DisableImageBlockPublicAccess",
    // A delivery stream's destination, which may be a bucket, cluster or endpoint of
    // another account (Firehose API Reference, `UpdateDestination`).
    "firehose:UpdateDestination",
    // The other exports of a store, or of a copy of it, to a bucket the request names,
    // which may be another account's where its policy lets the writer in: a snapshot's or
    // cluster's data ("Starts an export of DB snapshot or DB cluster data to Amazon S3",
    // RDS API Reference, `StartExportTask`, its `S3BucketName`); an image and an instance
    // with their volumes (EC2 API Reference, `ExportImage`, `CreateInstanceExportTask`,
    // and `CreateStoreImageTask`, which "Stores an AMI as a single object in an Amazon S3
    // bucket"); a ledger's journal (QLDB API Reference, `ExportJournalToS3`); and a FHIR
    // data store's records, by the API and by the FHIR `$export` operation, which "have
    // separate IAM actions" (HealthLake developer guide, "Setting up permissions for
    // export jobs": `StartFHIRExportJob`, `StartFHIRExportJobWithPost`).
    "rds:StartExportTask",
    "ec2:ExportImage",
    "ec2:CreateInstanceExportTask",
    "ec2:CreateStoreImageTask",
    "qldb:ExportJournalToS3",
    "healthlake:StartFHIRExportJob",
    "healthlake:StartFHIRExportJobWithPost",
];

/// Actions that, on every resource, turn off after deploy a HIPAA control that the other
/// rules check in the template: the audit trail and its event selection, log groups and
/// their key and retention, a bucket's encryption, access logs, versioning and lifecycle,
/// keys and their rotation, recovery points, vaults and plans, databases' settings, flow
/// logs, AWS Config, GuardDuty, Security Hub, IAM Access Analyzer, point-in-time recovery,
/// alarms and their notification, secret rotation, MSK clusters' and AppSync APIs' access
/// and streams' keys. Each is named as the Service
/// Authorization Reference names it (the "Actions defined by" table of each service; every
/// name checked there):
/// - CloudTrail `StopLogging` ("Suspends the recording of Amazon Web Services API calls and
///   log file delivery for the specified trail", CloudTrail API Reference), `DeleteTrail`,
///   `UpdateTrail` (its bucket, key and log group), `PutEventSelectors` (which events a
///   trail logs), and an event data store's `DeleteEventDataStore`, `UpdateEventDataStore`,
///   `StopEventDataStoreIngestion`;
/// - CloudWatch Logs `DeleteLogGroup`, `DeleteLogStream`, `DisassociateKmsKey` (with a log
///   group, it stops the key encrypting the events ingested from then on, which "will be
///   encrypted with the default CloudWatch Logs method": CloudWatch Logs API Reference),
///   `PutRetentionPolicy`, `DeleteRetentionPolicy`;
/// - S3 `PutEncryptionConfiguration` (also what `DeleteBucketEncryption` needs),
///   `PutBucketLogging`, `PutLifecycleConfiguration`, `PutBucketVersioning`, `DeleteBucket`,
///   `BypassGovernanceRetention`;
/// - KMS `DisableKey`, `ScheduleKeyDeletion`, `DisableKeyRotation`,
///   `DeleteImportedKeyMaterial`;
/// - AWS Backup `DeleteRecoveryPoint`, `UpdateRecoveryPointLifecycle`, `DeleteBackupVault`,
///   `DeleteBackupVaultAccessPolicy` (the deny `B2` asks for), `DeleteBackupVaultLockConfiguration`,
///   `DeleteBackupPlan`, `DeleteBackupSelection`;
/// - RDS `ModifyDBInstance`, `ModifyDBCluster` (backups, log exports, deletion protection,
///   public access), `DeleteDBInstance`, `DeleteDBCluster`, `ModifyDBParameterGroup`,
///   `ModifyDBClusterParameterGroup` (TLS and audit logging), `ModifyOptionGroup`;
/// - EC2 `DeleteFlowLogs`, `DisableEbsEncryptionByDefault`, `ModifyEbsDefaultKmsKeyId` (the
///   key of every new volume, which may be `alias/aws/ebs`);
/// - IAM `UpdateAccountPasswordPolicy`, `DeleteAccountPasswordPolicy` (the password policy
///   the account baseline checks), `DeactivateMFADevice`;
/// - AWS Config `StopConfigurationRecorder`, `DeleteConfigurationRecorder`,
///   `DeleteDeliveryChannel`, `DeleteConfigRule`; GuardDuty `DeleteDetector`,
///   `UpdateDetector`; Security Hub `DisableSecurityHub`, `BatchDisableStandards`; IAM Access
///   Analyzer `DeleteAnalyzer`;
/// - DynamoDB `UpdateContinuousBackups` (point-in-time recovery), `UpdateTable` (its key and
///   deletion protection), `DeleteTable`;
/// - CloudWatch `DeleteAlarms`, `DisableAlarmActions`, `PutMetricAlarm` (which replaces an
///   alarm's actions); SNS `Unsubscribe`, `DeleteTopic` (who an alarm tells);
/// - Secrets Manager `CancelRotateSecret` (`M1`'s rotation);
/// - the encryption of streams and delivery streams (Kinesis `StopStreamEncryption`,
///   Firehose `StopDeliveryStreamEncryption`), a Redshift cluster's audit logging
///   (`DisableLogging`), a file system's automatic backups (EFS `PutBackupPolicy`), a log
///   group's masking (`DeleteDataProtectionPolicy`), a load balancer's access logs and
///   deletion protection (`elasticloadbalancing:ModifyLoadBalancerAttributes`), a web ACL's
///   association and logging (WAF `DisassociateWebACL`, `DeleteLoggingConfiguration`);
/// - what the network and transport rules check (probe 14b #2): a security group's rules
///   (EC2 `AuthorizeSecurityGroupIngress`, `ModifySecurityGroupRules`: `0.0.0.0/0` to any
///   port, `E10`), a listener's protocol, certificate and TLS policy (Elastic Load
///   Balancing `CreateListener`, `ModifyListener`: `HTTP`, `F1`), a distribution's viewer
///   and origin protocols (CloudFront `UpdateDistribution`: `allow-all`, `CF1`), a Redshift
///   cluster's public access and settings (`ModifyCluster`: `PubliclyAccessible`, `RS1`,
///   `RS2`) and an RDS proxy's TLS (`ModifyDBProxy` `RequireTLS`, `R14`);
/// - what `MSK1`, `AS1`, `AS2` and `KS1` read (probe 16 #6; the test
///   `every_setting_msk1_as1_as2_ks1_read_has_its_writer_listed` keeps them closed): an MSK
///   cluster's client authentication and client-broker encryption (`kafka:UpdateSecurity`,
///   "Updates the security settings for the cluster. You can use this operation to specify
///   encryption and authentication on existing clusters", MSK API Reference: unauthenticated
///   access, `TLS_PLAINTEXT` or `PLAINTEXT`), its public access
///   (`kafka:UpdateConnectivity`, `ConnectivityInfo.PublicAccess`) and its brokers'
///   configuration (`kafka:UpdateClusterConfiguration`, which applies a configuration's
///   server properties, `allow.everyone.if.no.acl.found` among them, that no rule reads:
///   `U1` refuses `AWS::MSK::Configuration`); an AppSync GraphQL API's authorization modes
///   and logging (`appsync:UpdateGraphqlApi`: `authenticationType` `API_KEY`,
///   `logConfig`), an Event API's (`appsync:UpdateApi`, its `eventConfig`) and a channel
///   namespace's publish and subscribe modes (`appsync:UpdateChannelNamespace`); a stream's
///   key, which `kinesis:StartStreamEncryption` replaces with any key, `alias/aws/kinesis`
///   among them ("Enables or updates server-side encryption using an Amazon Web Services
///   KMS key for a specified stream", Kinesis API Reference), and a delivery stream's
///   (`firehose:StartDeliveryStreamEncryption`, `KeyType` `AWS_OWNED_CMK`); and the Glue
///   Data Catalog's encryption of its metadata and of the connection passwords it holds,
///   account-wide as `ec2:DisableEbsEncryptionByDefault` is
///   (`glue:PutDataCatalogEncryptionSettings`: "Sets the security configuration for a
///   specified catalog", Glue API Reference, `EncryptionAtRest` and
///   `ConnectionPasswordEncryption`). Each name is the Service Authorization Reference's
///   (Amazon Managed Streaming for Apache Kafka, AWS AppSync, Amazon Kinesis Data Streams,
///   Amazon Data Firehose, AWS Glue: "Actions defined by").
///
/// Named resources are judged by the rules of those resources; on every resource, any of
/// these undoes a control of every resource of its type.
const CONTROL_OFF_ACTIONS: &[&str] = &[
    "cloudtrail:StopLogging",
    "cloudtrail:DeleteTrail",
    "cloudtrail:UpdateTrail",
    "cloudtrail:PutEventSelectors",
    "cloudtrail:DeleteEventDataStore",
    "cloudtrail:UpdateEventDataStore",
    "cloudtrail:StopEventDataStoreIngestion",
    "logs:DeleteLogGroup",
    "logs:DeleteLogStream",
    "logs:DisassociateKmsKey",
    "logs:PutRetentionPolicy",
    "logs:DeleteRetentionPolicy",
    "s3:PutEncryptionConfiguration",
    "s3:PutBucketLogging",
    "s3:PutLifecycleConfiguration",
    "s3:PutBucketVersioning",
    "s3:DeleteBucket",
    "s3:BypassGovernanceRetention",
    "kms:DisableKey",
    "kms:ScheduleKeyDeletion",
    "kms:DisableKeyRotation",
    "kms:DeleteImportedKeyMaterial",
    "backup:DeleteRecoveryPoint",
    "backup:UpdateRecoveryPointLifecycle",
    "backup:DeleteBackupVault",
    "backup:DeleteBackupVaultAccessPolicy",
    "backup:DeleteBackupVaultLockConfiguration",
    "backup:DeleteBackupPlan",
    "backup:DeleteBackupSelection",
    "rds:ModifyDBInstance",
    "rds:ModifyDBCluster",
    "rds:DeleteDBInstance",
    "rds:DeleteDBCluster",
    "rds:ModifyDBParameterGroup",
    "rds:ModifyDBClusterParameterGroup",
    "rds:ModifyOptionGroup",
    "ec2:DeleteFlowLogs",
    "ec2:DisableEbsEncryptionByDefault",
    "ec2:ModifyEbsDefaultKmsKeyId",
    "iam:UpdateAccountPasswordPolicy",
    "iam:DeleteAccountPasswordPolicy",
    "iam:DeactivateMFADevice",
    "config:StopConfigurationRecorder",
    "config:DeleteConfigurationRecorder",
    "config:DeleteDeliveryChannel",
    "config:DeleteConfigRule",
    "guardduty:DeleteDetector",
    "guardduty:UpdateDetector",
    "securityhub:DisableSecurityHub",
    "securityhub:BatchDisableStandards",
    "access-analyzer:DeleteAnalyzer",
    "dynamodb:UpdateContinuousBackups",
    "dynamodb:UpdateTable",
    "dynamodb:DeleteTable",
    "cloudwatch:DeleteAlarms",
    "cloudwatch:DisableAlarmActions",
    "cloudwatch:PutMetricAlarm",
    "sns:Unsubscribe",
    "sns:DeleteTopic",
    "secretsmanager:CancelRotateSecret",
    "kinesis:StopStreamEncryption",
    "firehose:StopDeliveryStreamEncryption",
    "redshift:DisableLogging",
    "elasticfilesystem:PutBackupPolicy",
    "logs:DeleteDataProtectionPolicy",
    "elasticloadbalancing:ModifyLoadBalancerAttributes",
    "wafv2:DisassociateWebACL",
    "wafv2:DeleteLoggingConfiguration",
    "ec2:AuthorizeSecurityGroupIngress",
    "ec2:ModifySecurityGroupRules",
    "elasticloadbalancing:CreateListener",
    "elasticloadbalancing:ModifyListener",
    "cloudfront:UpdateDistribution",
    "redshift:ModifyCluster",
    "rds:ModifyDBProxy",
    "kafka:UpdateSecurity",
    "kafka:UpdateConnectivity",
    "kafka:UpdateClusterConfiguration",
    "appsync:UpdateGraphqlApi",
    "appsync:UpdateApi",
    "appsync:UpdateChannelNamespace",
    "kinesis:StartStreamEncryption",
    "firehose:StartDeliveryStreamEncryption",
    "glue:PutDataCatalogEncryptionSettings",
];

/// Whether an action (or action pattern) of a statement grants a data action.
fn is_data_action(action: &str) -> bool {
    DATA_ACTIONS.iter().any(|d| glob(action, d)) || glob("s3:*Object*", action)
}

/// Whether an action pattern allows every action of a service: `*` or `service:*`, in any
/// number of stars and `?` ([`only_wildcards`]: `s3:?*` too), or a pattern whose wildcard
/// comes before the service's `:`, which IAM's `*` spans (IAM User Guide, "IAM JSON policy
/// elements: Action": "You can use wildcards (`*` or `?`) as part of the action name"; a
/// wildcard matches any characters, `:` among them): `s3*` matches `s3:GetObject` and every
/// other action of S3, as `s*3:*` does. Such a pattern is read with the service its text
/// before the `:` names, its stars taken as nothing and each `?` as one letter (`s3*` is
/// read for `s3`), and allows every action of it when it matches `service:*` character for
/// character ([`glob`]).
fn whole_service(action: &str) -> bool {
    let action = action.trim();
    if only_wildcards(action) {
        return true;
    }
    let (head, rest) = action.split_once(':').unwrap_or((action, ""));
    if only_wildcards(rest) {
        return true;
    }
    if !head.contains(['*', '?']) {
        return false;
    }
    let service: String = head
        .chars()
        .filter(|c| *c != '*')
        .map(|c| if c == '?' { 'a' } else { c })
        .collect();
    glob(action, &format!("{service}:*"))
}

fn too_broad(statement: &Value) -> Option<String> {
    if !allows(statement) {
        return None;
    }
    // `{"Ref": "AWS::NoValue"}` removes the `NotAction` (and IAM reads the `Action`).
    if statement
        .get("NotAction")
        .is_some_and(|v| !super::meaning::no_value(v))
    {
        return Some(
            "allows every action but those of `NotAction`; name the actions in `Action` instead"
                .to_owned(),
        );
    }
    let actions = allowed_actions(statement);
    if let Some(a) = actions.iter().find(|a| whole_service(a)) {
        return Some(format!("allows `{a}`; name the actions instead"));
    }
    if allows_on_everything(statement)
        && let Some(a) = actions.iter().find(|a| is_data_action(a))
    {
        return Some(format!(
            "allows the data action `{a}` on every resource (`*`); name the resources"
        ));
    }
    // `OpenTunnel` on every endpoint is limited when the condition names the hosts.
    let named_hosts = tunnels_to_named_hosts(statement);
    if allows_on_everything(statement)
        && let Some(a) = actions.iter().find(|a| {
            ESCALATION_ACTIONS
                .iter()
                .any(|e| glob(a, e) && !(named_hosts && *e == OPEN_TUNNEL))
        })
    {
        if glob(a, OPEN_TUNNEL) && !named_hosts {
            return Some(format!(
                "allows `{a}` through every EC2 Instance Connect Endpoint (`*`) to any instance of their VPCs, with which an identity opens a shell on any instance; name the endpoints in `Resource`, or pin `ec2-instance-connect:privateIpAddress` by `IpAddress` to the instances' addresses"
            ));
        }
        return Some(format!(
            "allows `{a}` on every resource (`*`), with which an identity gives itself any permission; name the resources"
        ));
    }
    if allows_on_everything(statement)
        && let Some(a) = actions
            .iter()
            .find(|a| SHARING_ACTIONS.iter().any(|e| glob(a, e)))
    {
        return Some(format!(
            "allows `{a}` on every resource (`*`), with which an identity shares any store of PHI, or a copy of it, with another account or everyone; name the resources"
        ));
    }
    if allows_on_everything(statement)
        && let Some(a) = actions
            .iter()
            .find(|a| CONTROL_OFF_ACTIONS.iter().any(|e| glob(a, e)))
    {
        return Some(format!(
            "allows `{a}` on every resource (`*`), with which an identity turns off after deploy a HIPAA control of every resource of its type (an audit trail, a log group's key or retention, a bucket's encryption, logging or versioning, a key, a recovery point, a database's settings, a detector, an alarm); name the resources"
        ));
    }
    None
}

/// The AWS-managed policies an identity may attach: each names its actions, and a customer
/// policy of the same statements passes I2 (the test
/// `each_narrow_managed_policy_written_out_passes_i2` holds them, copied from AWS's managed
/// policy reference, and judges them with the statement check of a customer policy). AWS has
/// more than a thousand managed policies and adds more; a list of the broad ones
/// (`AdministratorAccess`, `…FullAccess`) always lags behind them
/// (`job-function/SystemAdministrator`, `ReadOnlyAccess`, which reads every bucket and table),
/// so every other AWS-managed policy fails I2 until it is read and added here, or waived with
/// a reason.
///
/// Not on it, though common: `AmazonSSMManagedInstanceCore` (v2) allows `ssm:GetParameter` and
/// `ssm:GetParameters` on `*`, every parameter of the account, SecureString ones decrypted,
/// and `CloudWatchAgentServerPolicy` allows `logs:PutRetentionPolicy` on `*`, which shortens
/// the retention of every log group (the audit trail's among them); see [`MANAGED_FIXES`]
/// (hostile review 11).
const NARROW_MANAGED: &[&str] = &[
    // RDS enhanced monitoring: its own `RDS*` log groups.
    "service-role/amazonrdsenhancedmonitoringrole",
    // Lambda's own logs and network interfaces, ECS pulling images and writing logs.
    "service-role/awslambdabasicexecutionrole",
    "service-role/awslambdavpcaccessexecutionrole",
    "service-role/amazonecstaskexecutionrolepolicy",
    "awsxraydaemonwriteaccess",
];

/// The AWS-managed policies of a service role that reach every store of the service on every
/// resource, by design, each with the one service that may use them. AWS Backup's read every
/// table, volume, file system and database to back them up and write them back on restore
/// (`AWSBackupServiceRolePolicyForS3Backup`: "read access to all S3 objects and any decrypt
/// access for all KMS keys", AWS managed policy reference), AWS Config's reads the
/// configuration of every resource it records. Attached to a role that only that service may
/// assume (its trust policy's every Allow names that service alone as `Principal`), only the
/// service acts with them, on the resources the app selects for it (a backup plan's
/// selection, the recorder's types); attached to any other identity (a user, a group, a role
/// that an account or another service assumes), they fail I2 as any broad policy does.
const SERVICE_MANAGED: &[(&str, &str)] = &[
    (
        "service-role/awsbackupservicerolepolicyforbackup",
        "backup.amazonaws.com",
    ),
    (
        "service-role/awsbackupservicerolepolicyforrestores",
        "backup.amazonaws.com",
    ),
    (
        "awsbackupservicerolepolicyfors3backup",
        "backup.amazonaws.com",
    ),
    (
        "awsbackupservicerolepolicyfors3restore",
        "backup.amazonaws.com",
    ),
    ("service-role/aws_configrole", "config.amazonaws.com"),
];

/// AWS-managed policies that I2 refuses for a grant that hipaa-stack writes without: what
/// each grants on every resource, and what to use instead.
const MANAGED_FIXES: &[(&str, &str)] = &[
    (
        "amazonssmmanagedinstancecore",
        "which allows `ssm:GetParameter` and `ssm:GetParameters` on every parameter (`*`), SecureString ones decrypted; give the role `Role::agent_permissions(AgentPermissions::SsmAgent)`, a managed policy of the app with the policy's other actions, and grant the parameters the instances read by name",
    ),
    (
        "cloudwatchagentserverpolicy",
        "which allows `logs:PutRetentionPolicy` on every log group (`*`), the audit trail's among them; give the role `Role::agent_permissions(AgentPermissions::CloudWatchAgent)`, a managed policy of the app with the policy's other actions",
    ),
];

/// The name of the AWS-managed policy an ARN attaches (`service-role/aws_configrole`), in
/// lower case; `None` for any other ARN.
fn aws_managed_name(arn: &str) -> Option<String> {
    let lower = arn.trim().to_ascii_lowercase();
    lower
        .split_once(":iam::aws:policy/")
        .map(|(_, name)| name.to_owned())
}

/// Whether an ARN attaches an AWS-managed policy that is not on [`NARROW_MANAGED`] (nor, on
/// a role that only its service may assume, on [`SERVICE_MANAGED`]).
fn broad_managed_policy(arn: &str, only_assumed_by: impl Fn(&str) -> bool) -> bool {
    aws_managed_name(arn).is_some_and(|name| {
        !NARROW_MANAGED.contains(&name.as_str())
            && !SERVICE_MANAGED
                .iter()
                .any(|(n, service)| *n == name && only_assumed_by(service))
    })
}

/// Why I2 refuses the AWS-managed policy `arn` attached as `at`: what it grants, and the fix.
fn broad_managed_finding(at: &str, arn: &str) -> String {
    let name = aws_managed_name(arn).unwrap_or_default();
    if let Some((_, why)) = MANAGED_FIXES.iter().find(|(n, _)| *n == name) {
        return format!("{at} attaches the AWS-managed policy {arn}, {why}");
    }
    if let Some((_, service)) = SERVICE_MANAGED.iter().find(|(n, _)| *n == name) {
        return format!(
            "{at} attaches the AWS-managed policy {arn}, which reaches every store of its service on every resource; attach it only to a role that `{service}` alone may assume (every Allow of `AssumeRolePolicyDocument` naming only `{{\"Service\": \"{service}\"}}`)"
        );
    }
    format!(
        "{at} attaches the AWS-managed policy {arn}, which is not on hipaa-stack's list of AWS-managed policies that name their actions and read no data on every resource; attach a managed policy of your own that names the actions"
    )
}

/// Whether `service` alone may assume the role being checked: its trust policy is written in
/// the template, and every statement of it that may allow names that service, and nothing
/// else, as its `Principal` (`{"Service": "backup.amazonaws.com"}`, or a list of that one
/// name), with no `NotPrincipal`. Any other principal (an account, a role, a second service,
/// a value known only at deploy) could act with the role's permissions.
fn only_service_assumes(cx: &Cx<'_>, service: &str) -> bool {
    if cx.resource.type_name() != "AWS::IAM::Role" {
        return false;
    }
    let Some(document) = policy_document(cx.resource, "/AssumeRolePolicyDocument") else {
        return false;
    };
    if unreadable_statements(&document, "AssumeRolePolicyDocument").is_some() {
        return false;
    }
    let allowing: Vec<&Value> = statements(&document)
        .into_iter()
        .map(|(_, s)| s)
        .filter(|s| allows(s) && !super::meaning::no_value(s))
        .collect();
    let names_only = |principal: &Value| {
        principal.as_object().is_some_and(|p| {
            p.len() == 1
                && p.get("Service").is_some_and(|v| {
                    let written = match v {
                        Value::Array(items) => items.len(),
                        _ => 1,
                    };
                    let names = strings(v);
                    names.len() == written
                        && names.iter().all(|n| n.trim().eq_ignore_ascii_case(service))
                })
        })
    };
    !allowing.is_empty()
        && allowing
            .iter()
            .all(|s| s.get("NotPrincipal").is_none() && names_only(&s["Principal"]))
}

/// Whether an ARN, written as text, attaches a customer managed policy
/// (`arn:aws:iam::ACCOUNT:policy/…`, the account as a number or `${AWS::AccountId}`):
/// CloudFormation attaches whatever policy of that name the account holds (IAM User Guide,
/// managed policies: a customer managed policy is a standalone policy created and
/// administered in the account), and the template shows nothing of its statements. A
/// policy of the template is attached by the `Ref` of its `AWS::IAM::ManagedPolicy`, which
/// is no text, or by the ARN of its `ManagedPolicyName`; so the name (after the path) is
/// returned, for the caller to look up.
fn customer_policy_elsewhere(arn: &str) -> Option<String> {
    let lower = arn.trim().to_ascii_lowercase();
    let (account, path) = lower
        .strip_prefix("arn:")?
        .split_once(":iam::")?
        .1
        .split_once(":policy/")?;
    (account != "aws").then(|| path.rsplit('/').next().unwrap_or(path).to_owned())
}

/// The AWS-managed policies known to be broad that an identity attaches by ARN (a
/// permission set by `ManagedPolicies`), and the customer managed policies of a permission
/// set, which are those of the accounts it is assigned to.
fn broad_attachments(cx: &Cx<'_>) -> Vec<Result<Proof, String>> {
    let (pointer, name) = if cx.resource.type_name() == PERMISSION_SET {
        ("/ManagedPolicies", "ManagedPolicies")
    } else {
        ("/ManagedPolicyArns", "ManagedPolicyArns")
    };
    let mut out = Vec::new();
    // IAM Identity Center attaches a customer managed policy by its name and path in each
    // account the permission set is assigned to, whatever that account's policy of the
    // name allows (IAM Identity Center user guide, "Customer managed policies": the policy
    // must be made in every account first); no template of the app shows it.
    if cx.resource.type_name() == PERMISSION_SET
        && let Some(references) = cx
            .prop("/CustomerManagedPolicyReferences")
            .filter(|v| !super::meaning::no_value(v))
    {
        out.push(Err(format!(
            "`CustomerManagedPolicyReferences` attaches {}, the policies of that name in each account the permission set is assigned to, which no rule reads; write the permissions in `InlinePolicy`",
            super::meaning::sent_or_json(references)
        )));
    }
    out.extend(attachments(cx, pointer, name));
    out.extend(groups_elsewhere(cx));
    out.extend(additions_elsewhere(cx));
    out.extend(assignments_elsewhere(cx));
    out.extend(roles_elsewhere(cx));
    out
}

/// The roles an instance profile passes to the instances launched with it (`Roles`, the
/// name of the role the profile holds: CloudFormation reference,
/// `AWS::IAM::InstanceProfile`) that no template of the app holds: programs running on an
/// instance get temporary credentials of the role of its instance profile (IAM User Guide,
/// "Use instance profiles"), so every program of those instances has that role's
/// permissions, which no rule reads, as a group outside the
/// app ([`groups_elsewhere`]). A role of the app is named by its `Ref` (its name) or an
/// attribute, by its `RoleName` written as text (IAM names ignore case), or imported from
/// another stack of the app, and read where it is declared; any other value, a list made
/// at deploy included, may be any role of the account (an administrator's).
fn roles_elsewhere(cx: &Cx<'_>) -> Vec<Result<Proof, String>> {
    if cx.resource.type_name() != INSTANCE_PROFILE {
        return Vec::new();
    }
    names_elsewhere(
        cx,
        "Roles",
        ("AWS::IAM::Role", "RoleName"),
        "which may give the instances any role of the account; name the `AWS::IAM::Role` of the app by its `Ref`",
        "gives the instances launched with the profile",
        "a role that no template of the app holds, whose policies no rule reads; name an `AWS::IAM::Role` of the app by its `Ref`",
    )
}

/// The roles an EMR cluster acts with, each of the app ([`named_in_the_app`]), as an
/// instance's profile and an instance profile's roles are: `JobFlowRole`, "Also called
/// instance profile and Amazon EC2 role. An IAM role for an Amazon EMR cluster. The Amazon
/// EC2 instances of the cluster assume this role", and `ServiceRole`, "The IAM role that
/// Amazon EMR assumes in order to access AWS resources on your behalf" (CloudFormation
/// reference, `AWS::EMR::Cluster`). One that no template of the app holds (the account's
/// `EMR_EC2_DefaultRole`, whose managed policy reads and writes every bucket) gives every
/// program of the cluster, or EMR, permissions that no rule reads.
fn emr_roles(cx: &Cx<'_>) -> Vec<Result<Proof, String>> {
    [
        (
            "JobFlowRole",
            (INSTANCE_PROFILE, "InstanceProfileName"),
            "the instances of the cluster",
            "`AWS::IAM::InstanceProfile`",
        ),
        (
            "ServiceRole",
            ("AWS::IAM::Role", "RoleName"),
            "EMR",
            "`AWS::IAM::Role`",
        ),
    ]
    .into_iter()
    .map(|(property, (type_name, name_property), who, kind)| {
        let pointer = format!("/{property}");
        match cx
            .prop(&pointer)
            .filter(|v| !v.is_null() && !super::meaning::no_value(v))
        {
            Some(v) if named_in_the_app(cx, v, type_name, name_property) => {
                cx.proof(&pointer).ok_or_default()
            }
            Some(v) => Err(format!(
                "`{property}` gives {who} {}, which no template of the app holds, whose policies no rule reads; name an {kind} of the app by its `Ref`",
                super::meaning::sent_or_json(v)
            )),
            None => Err(format!(
                "`{property}` is not set, so {who} act with a role no rule reads; name an {kind} of the app by its `Ref`"
            )),
        }
    })
    .collect()
}

/// Each name of the list property `property` (of IAM roles or groups, `of` their type and
/// the property that names one) that is not one of the app ([`named_in_the_app`]), as a
/// finding that the name `does` what follows it, `elsewhere`; a list made at deploy may
/// name any, `unreadable` says what then. A property removed by `AWS::NoValue`, or an item
/// removed so, names none.
fn names_elsewhere(
    cx: &Cx<'_>,
    property: &str,
    (type_name, name_property): (&str, &str),
    unreadable: &str,
    does: &str,
    elsewhere: &str,
) -> Vec<Result<Proof, String>> {
    let names = match cx.prop(&format!("/{property}")) {
        None => return Vec::new(),
        Some(v) if super::meaning::no_value(v) => return Vec::new(),
        Some(Value::Array(names)) => names,
        Some(v) => {
            return vec![Err(format!(
                "`{property}` is {}, a list known only at deploy, {unreadable}",
                super::meaning::sent_or_json(v)
            ))];
        }
    };
    names
        .iter()
        .enumerate()
        .filter(|(_, v)| !super::meaning::no_value(v))
        .map(|(i, v)| {
            if named_in_the_app(cx, v, type_name, name_property) {
                cx.proof(&format!("/{property}/{i}")).ok_or_default()
            } else {
                Err(format!(
                    "`{property}.{i}` {does} {}, {elsewhere}",
                    super::meaning::sent_or_json(v)
                ))
            }
        })
        .collect()
}

/// The groups a user joins (`Groups`, "A list of group names to which you want to add the
/// user": CloudFormation reference, `AWS::IAM::User`) that no template of the app holds:
/// the user gets whatever that group's policies allow (IAM User Guide, "IAM user groups":
/// "Any user in that user group automatically has the permissions that are assigned to the
/// user group"), which no rule reads, as a customer managed policy attached by its ARN.
/// A group of the app is named by its `Ref` (its name), by its `GroupName` written as text
/// (IAM names ignore case), or imported from another stack of the app, and read where it
/// is declared; any other value, a list made at deploy included, may be any group.
fn groups_elsewhere(cx: &Cx<'_>) -> Vec<Result<Proof, String>> {
    if cx.resource.type_name() != "AWS::IAM::User" {
        return Vec::new();
    }
    names_elsewhere(
        cx,
        "Groups",
        ("AWS::IAM::Group", "GroupName"),
        "which may add the user to any group; name the `AWS::IAM::Group`s of the app by their `Ref`",
        "adds the user to",
        "a group that no template of the app holds, whose policies no rule reads; add the user to an `AWS::IAM::Group` of the app by its `Ref`",
    )
}

/// Whether a group name (of a user's `Groups`, or an addition's `GroupName`) is a group of
/// the app ([`named_in_the_app`]).
fn group_of_the_app(cx: &Cx<'_>, v: &Value) -> bool {
    named_in_the_app(cx, v, "AWS::IAM::Group", "GroupName")
}

/// Whether `v`, the name of an IAM role or group (of a profile's `Roles`, a user's
/// `Groups`, an addition's `GroupName`), names a resource of type `type_name` of the app:
/// the `Ref` of one of the template (its name), an import of the export of one by another
/// stack of the app ([`Cx::named_in_app`]), or
/// the name written as text that one of a stack of this stack's account gives itself in
/// `name_property` (IAM names ignore case; an IAM name is one of an account, in every
/// region, so a role or group of the same name in a stack of another account is another
/// account's). A name made at deploy names none.
fn named_in_the_app(cx: &Cx<'_>, v: &Value, type_name: &str, name_property: &str) -> bool {
    let written = super::meaning::sent(v).filter(|t| !dynamic(t));
    cx.others(type_name)
        .any(|r| super::meaning::names(v, r.logical_id()))
        || super::meaning::imported(v) && cx.named_in_app(None, v, type_name).is_some()
        || written.as_deref().is_some_and(|name| {
            cx.everywhere(type_name).any(|(stack, r)| {
                cx.in_own_account(stack)
                    && super::meaning::sent(&r.properties()[name_property])
                        .is_some_and(|n| n.trim().eq_ignore_ascii_case(name.trim()))
            })
        })
}

/// The group an `AWS::IAM::UserToGroupAddition` adds its users to (`GroupName`, "The name of
/// the group to update": CloudFormation reference, `AWS::IAM::UserToGroupAddition`) when no
/// template of the app holds it: each user gets whatever that group's policies allow (IAM
/// User Guide, "IAM user groups"), an administrators' group of the account as much as any,
/// as a user's own `Groups` would give it ([`groups_elsewhere`]), whose policies no rule
/// reads. A value known only at deploy may be any group.
fn additions_elsewhere(cx: &Cx<'_>) -> Vec<Result<Proof, String>> {
    if cx.resource.type_name() != USER_TO_GROUP {
        return Vec::new();
    }
    match cx.prop("/GroupName") {
        Some(v) if group_of_the_app(cx, v) => vec![cx.proof("/GroupName").ok_or_default()],
        Some(v) => vec![Err(format!(
            "`GroupName` adds the users to {}, a group that no template of the app holds, whose policies no rule reads; add them to an `AWS::IAM::Group` of the app by its `Ref`",
            super::meaning::sent_or_json(v)
        ))],
        None => vec![Err(
            "`GroupName` is not set: the addition names no group of the app; set it to the `Ref` of an `AWS::IAM::Group` of the app".to_owned(),
        )],
    }
}

/// The permission set an `AWS::SSO::Assignment` gives its principal in its target account
/// (`PermissionSetArn`, "The ARN of the permission set": CloudFormation reference,
/// `AWS::SSO::Assignment`) when no template of the app holds it: IAM Identity Center
/// provisions the permission set as a role in that account that the user or group assumes
/// (IAM Identity Center user guide, "Permission sets"), with whatever policies the set has,
/// an administrator's set as much as any, which no rule reads. A permission set of the app
/// is named by the `Fn::GetAtt` of its `PermissionSetArn` (or its `Ref`), or imported from
/// another stack of the app; its ARN written as text, or a value known only at deploy, may
/// be any set of the instance.
fn assignments_elsewhere(cx: &Cx<'_>) -> Vec<Result<Proof, String>> {
    if cx.resource.type_name() != ASSIGNMENT {
        return Vec::new();
    }
    match cx.prop("/PermissionSetArn") {
        Some(v)
            if cx
                .others(PERMISSION_SET)
                .any(|p| super::meaning::names(v, p.logical_id()))
                || super::meaning::imported(v)
                    && cx.named_in_app(None, v, PERMISSION_SET).is_some() =>
        {
            vec![cx.proof("/PermissionSetArn").ok_or_default()]
        }
        Some(v) => vec![Err(format!(
            "`PermissionSetArn` assigns {}, a permission set that no template of the app holds, whose policies no rule reads; assign an `AWS::SSO::PermissionSet` of the app by the `Fn::GetAtt` of its `PermissionSetArn`",
            super::meaning::sent_or_json(v)
        ))],
        None => vec![Err(
            "`PermissionSetArn` is not set: the assignment names no permission set of the app; set it to the `Fn::GetAtt` of an `AWS::SSO::PermissionSet` of the app".to_owned(),
        )],
    }
}

/// [`broad_attachments`] of the list of ARNs at `pointer`, called `name` in findings.
fn attachments(cx: &Cx<'_>, pointer: &str, name: &str) -> Vec<Result<Proof, String>> {
    let arns = match cx.prop(pointer) {
        Some(Value::Array(arns)) => arns,
        None => return Vec::new(),
        Some(v) if super::meaning::no_value(v) => return Vec::new(),
        // A list that an intrinsic makes (`Fn::Split`, a `Ref` of a list) is known only at
        // deploy: it may attach any policy.
        Some(v) => {
            return vec![Err(format!(
                "`{name}` is {}, a list known only at deploy; write the list of ARNs",
                super::meaning::sent_or_json(v)
            ))];
        }
    };
    arns.iter()
        .enumerate()
        .map(|(i, v)| {
            let arn = super::meaning::sent_or_json(v);
            // A policy only known at deploy (a dynamic reference, another resource's
            // attribute that is not a managed policy of the template, text that no rule
            // resolves, as an `Fn::Select` of an `Fn::Split`) may be any policy. A managed
            // policy of the template or of another stack of the app (an import) is read by
            // the rules where it is declared.
            let resources = cx.template.resources();
            let mentions_policy = |policy: bool| {
                resources.iter().any(|r| {
                    (r.type_name() == "AWS::IAM::ManagedPolicy") == policy
                        && super::compute::mentions(v, r.logical_id())
                })
            };
            let unknown = dynamic(&arn)
                || mentions_policy(false)
                || (super::meaning::sent(v).is_none()
                    && !mentions_policy(true)
                    && !super::meaning::imported(v));
            if unknown {
                Err(format!(
                    "`{name}.{i}` is {arn}, a policy known only at deploy; attach a managed policy of the app or an AWS-managed policy by its ARN"
                ))
            } else if customer_policy_elsewhere(&arn).is_some_and(|name| {
                // A managed policy of the template named so is read by the rules.
                !cx.template.resources().iter().any(|r| {
                    r.type_name() == "AWS::IAM::ManagedPolicy"
                        && super::meaning::sent(&r.properties()["ManagedPolicyName"])
                            .is_some_and(|n| n.trim().eq_ignore_ascii_case(&name))
                })
            }) {
                Err(format!(
                    "`{name}.{i}` attaches {arn}, a customer managed policy that this template does not hold, so no rule reads what it allows; attach an `AWS::IAM::ManagedPolicy` of the app by its `Ref`"
                ))
            } else if broad_managed_policy(&arn, |service| only_service_assumes(cx, service)) {
                Err(broad_managed_finding(&format!("`{name}.{i}`"), &arn))
            } else {
                cx.proof(&format!("{pointer}/{i}")).ok_or_default()
            }
        })
        .collect()
}

fn i2(cx: &Cx<'_>) -> Outcome {
    if cx.resource.type_name() == EMR_CLUSTER {
        return all(emr_roles(cx));
    }
    let attached = broad_attachments(cx);
    match (every_statement(cx, too_broad), attached.is_empty()) {
        (outcome, true) => outcome,
        (Outcome::NotApplicable, false) => all(attached),
        (Outcome::Pass(proofs), false) => all(proofs.into_iter().map(Ok).chain(attached)),
        (Outcome::Fail(f), false) => match all(attached) {
            Outcome::Fail(g) => Outcome::Fail(format!("{f}; {g}")),
            _ => Outcome::Fail(f),
        },
        (other, false) => other,
    }
}

fn i8(cx: &Cx<'_>) -> Outcome {
    // A Cognito identity pool gives its identities credentials only through the roles that
    // trust it (Cognito developer guide, "IAM roles": a role's trust policy names the pool
    // by `cognito-identity.amazonaws.com:aud`); I8 reads whether the pool lets guests in
    // (`AllowUnauthenticatedIdentities`) where it judges those roles, and the pool alone
    // grants nothing.
    if cx.resource.type_name() == IDENTITY_POOL {
        return Outcome::NotApplicable;
    }
    let pointer = "/AssumeRolePolicyDocument";
    let Some(document) = policy_document(cx.resource, pointer) else {
        return Outcome::Fail(
            "`AssumeRolePolicyDocument` is not set, or not a policy document a rule can read before deploy; write the trust policy in the template".to_owned(),
        );
    };
    // A statement written whole as an intrinsic function (an SSM parameter's `Value`) may
    // let anyone in.
    if let Some(why) = unreadable_statements(&document, "AssumeRolePolicyDocument") {
        return Outcome::Fail(format!(
            "{why}: it may let every principal assume the role; write the trust policy's statements in the template"
        ));
    }
    // The statements that allow and `holds`, each named by its place.
    let allowing = |holds: &dyn Fn(&Value) -> bool| -> Vec<String> {
        statements(&document)
            .into_iter()
            .filter(|(_, s)| allows(s) && holds(s))
            .map(|(suffix, _)| format!("`{}`", pointer_name(&format!("{pointer}{suffix}"))))
            .collect()
    };
    // No condition makes `*` named principals, an organization's (`aws:PrincipalOrgID`,
    // `aws:PrincipalOrgPaths`) least of all: even with a literal id it lets every principal
    // of every account of the organization assume the role, accounts the template cannot
    // show to be the app's (IAM User Guide, "AWS global condition context keys":
    // `aws:PrincipalOrgID` is "an alternative to listing all the account IDs for all AWS
    // accounts in an organization"); the promise is a named principal, as `K3` asks a
    // key policy for (`aws:PrincipalAccount` there binds the caller to the account).
    let open = allowing(&|s| may_be_everyone(&s["Principal"]) || s.get("NotPrincipal").is_some());
    if !open.is_empty() {
        return Outcome::Fail(format!(
            "{} let every principal (`*`) assume the role",
            open.join(", ")
        ));
    }
    // A principal under a key IAM does not name (`aws`), or with a wildcard other than `*`
    // itself (`{"Service": "*"}`, `arn:aws:iam::*:root`): IAM's `Principal` element ("AWS
    // JSON policy elements: Principal", IAM user guide) names the kinds `AWS`, `Service`,
    // `Federated` and `CanonicalUser`, and "You cannot use a wildcard to match part of a
    // principal name or ARN"; such a principal is read for the worst, as `K3` reads it.
    let odd = allowing(&|s| odd_principal(&s["Principal"]).is_some());
    if !odd.is_empty() {
        let what = statements(&document)
            .into_iter()
            .find_map(|(_, s)| allows(s).then(|| odd_principal(&s["Principal"])).flatten())
            .unwrap_or_default();
        return Outcome::Fail(format!(
            "{} name the principal {what}, which IAM reads as no one principal (a wildcard in a principal, or a kind other than `AWS`, `Service`, `Federated` and `CanonicalUser`): it may let every principal assume the role; name the service, account or role",
            odd.join(", ")
        ));
    }
    // A principal that no rule can read before deploy (text that `Fn::Split` cuts, an entry
    // `Fn::Select` picks out of it) may be `*`.
    let unread = allowing(&|s| unreadable_principal(cx, &s["Principal"]));
    if !unread.is_empty() {
        return Outcome::Fail(format!(
            "{} name the principal by a value that no rule can read before deploy, which may be `*`; write the service, account or role as text or by reference",
            unread.join(", ")
        ));
    }
    // A principal that a parameter, custom resource or nested stack hands out at deploy may
    // be `*`.
    let text_carries = text_carries_a_value(cx, pointer);
    let carried = allowing(&|s| may_be_carried(cx, &s["Principal"], text_carries));
    if !carried.is_empty() {
        return Outcome::Fail(format!(
            "{} name the principal by a value that a parameter, custom resource or nested stack hands out at deploy, which may be `*`; name the service, account or role in the trust policy",
            carried.join(", ")
        ));
    }
    let pool = |v: &Value| pool_named(cx, v, false);
    let federated =
        allowing(&|s| !s["Principal"]["Federated"].is_null() && !bound_federation(&pool, s));
    if !federated.is_empty() {
        return Outcome::Fail(format!(
            "{} let every identity of a federated provider assume the role: no condition names the audience or subject (`…:aud`, `…:sub`, `SAML:aud`) it must be",
            federated.join(", ")
        ));
    }
    // IAM Roles Anywhere gives the role to whoever holds a certificate of a trust anchor.
    let anywhere = allowing(&|s| trusts_roles_anywhere(s) && !bound_certificates(s));
    if !anywhere.is_empty() {
        return Outcome::Fail(format!(
            "{} let the holder of any certificate of any trust anchor assume the role through IAM Roles Anywhere (`rolesanywhere.amazonaws.com`): no condition names the trust anchor (`aws:SourceArn`) or the certificate (`aws:PrincipalTag/x509Subject/CN`, …) it must be",
            anywhere.join(", ")
        ));
    }
    // The identity pools of the app that let guests in (of this template or imported):
    // their guest tokens carry the pool's id as audience too, so only a condition on `amr`
    // keeps the guests out.
    let open_pool = |v: &Value| pool_named(cx, v, true);
    let guests =
        allowing(&|s| admits_guests(s) || (audience_of(s, &open_pool) && !signed_in_only(s)));
    if !guests.is_empty() {
        return Outcome::Fail(format!(
            "{} let unauthenticated (guest) identities of a Cognito identity pool assume the role: anyone on the internet who has the pool's id",
            guests.join(", ")
        ));
    }
    all([cx.present(pointer)])
}

/// What is odd in a `Principal` written as an object of principal kinds: a kind IAM does not
/// name (`aws`, `Services`), or an entry with a wildcard (`{"AWS": "*"}` is read before, by
/// [`may_be_everyone`]; `*` of another kind, `{"Service": "*"}`, is no principal IAM
/// documents). `None` for anything else, an intrinsic included (read on its own).
fn odd_principal(principal: &Value) -> Option<String> {
    let map = principal.as_object().filter(|_| !intrinsic(principal))?;
    if let Some(kind) = map
        .keys()
        .find(|k| !super::storage::PRINCIPAL_KINDS.contains(&k.as_str()))
    {
        return Some(format!("under the key `{kind}`"));
    }
    map.values()
        .flat_map(super::meaning::one_or_many)
        .filter_map(super::meaning::sent)
        // What a document written as text reads from elsewhere is no wildcard.
        .find(|t| t.replace(super::meaning::UNKNOWN, "").contains(['*', '?']))
        .map(|t| format!("`{t}`"))
}

/// Whether a `Principal` (the whole value, or an entry of its `AWS`, `Service`, `Federated`
/// or `CanonicalUser`) is a value no rule resolves to text and that refers to nothing a rule
/// reads ([`unreadable_resource`]): an `Fn::Split` of written text, an `Fn::Select` of one.
fn unreadable_principal(cx: &Cx<'_>, principal: &Value) -> bool {
    let unread = |v: &Value| super::meaning::sent(v).is_none() && unreadable_resource(cx, v);
    match principal {
        Value::Object(map) if map.keys().any(|k| k == "Ref" || k.starts_with("Fn::")) => {
            unread(principal)
        }
        Value::Object(map) => map.values().any(|v| match v {
            Value::Array(items) => items.iter().any(unread),
            v => unread(v),
        }),
        _ => false,
    }
}

/// Whether a statement that trusts a federated provider (an OIDC provider, Cognito, SAML)
/// binds it to an audience or a subject: a condition on a key ending in `:aud` or `:sub`
/// (`token.actions.githubusercontent.com:sub`, `cognito-identity.amazonaws.com:aud`,
/// `SAML:aud`) whose every value names one. Without one, every identity the provider issues
/// (every GitHub repository, every Cognito user of any pool) may assume the role.
///
/// Only an operator that requires a value binds: `String…` or `ForAnyValue:String…`, never
/// a negation (`StringNotEquals` lets in all it does not name), an `…IfExists`, a
/// `ForAllValues:` or a `Null` check, which IAM evaluates as true when the key is absent
/// from the request (IAM User Guide, condition operators: "this logic applies to all
/// condition operators except ...IfExists and Null check"; a `ForAllValues` condition
/// "returns true if there are no context keys in the request"), as a key of another
/// provider, or misspelled, always is. GitHub's audience binds nothing: every workflow of
/// every repository on GitHub asks for the audience it wants (`sts.amazonaws.com` by
/// default), so only its subject does. The same holds of the other issuers that every
/// customer of a CI service shares ([`shared_issuer`]: GitLab.com, HCP Terraform), whose
/// subject must name the customer.
///
/// A Cognito audience may also be an `AWS::Cognito::IdentityPool` of the app (`pool`,
/// [`pool_named`]), whose `Ref` is the pool's id (`AWS::Cognito::IdentityPool` return
/// values: `Ref` returns the `IdentityPoolId`).
fn bound_federation(pool: &dyn Fn(&Value) -> bool, statement: &Value) -> bool {
    required(&statement["Condition"]).any(|r| {
        let audience = r.key.ends_with(":aud");
        let shared = shared_issuer(&r.key);
        ((audience && shared.is_none()) || r.key.ends_with(":sub"))
            && !r.values.is_empty()
            && r.values.iter().all(|v| {
                (audience && pool(v))
                    || super::meaning::sent(v).is_some_and(|t| {
                        let t = t.trim();
                        // A subject may be a pattern (`repo:OWNER/*`), read by
                        // `names_one`; nothing else may be read at deploy.
                        written_as_is(&t.replace(['*', '?'], ""))
                            && names_one(t, audience)
                            && shared.is_none_or(|owner_named| audience || owner_named(t))
                    })
            })
    })
}

/// IAM Roles Anywhere's service principal, which assumes a role for a workload that
/// presents an X.509 certificate issued by the certificate authority of a trust anchor.
const ROLES_ANYWHERE: &str = "rolesanywhere.amazonaws.com";

/// Whether a statement trusts [`ROLES_ANYWHERE`] (in its `Service`, in any case).
fn trusts_roles_anywhere(statement: &Value) -> bool {
    super::meaning::one_or_many(&statement["Principal"]["Service"])
        .into_iter()
        .filter_map(super::meaning::sent)
        .any(|t| t.trim().eq_ignore_ascii_case(ROLES_ANYWHERE))
}

/// Whether a statement that trusts IAM Roles Anywhere binds the certificates it accepts:
/// IAM Roles Anywhere assumes the role for every certificate of every trust anchor of the
/// account unless the trust policy says otherwise, and AWS recommends "condition statements
/// in the Assume Role Policy Document to restrict authorization based on attributes that
/// are extracted from an end-entity X.509 certificate" (IAM Roles Anywhere User Guide,
/// "Attribute mapping and trust policy", whose example pins `aws:PrincipalTag/x509Issuer/CN`
/// by `StringEquals` and `aws:SourceArn` to a trust anchor by `ArnEquals`). So one of:
/// - a certificate attribute (`aws:PrincipalTag/x509Subject/…`, `…/x509Issuer/…`,
///   `…/x509SAN/…`) required ([`required`]) to values that each name one ([`names_one`],
///   [`written_as_is`] but for a pattern's wildcards: no policy variable, which the session
///   tags the request carries would fill);
/// - `aws:SourceArn` (the trust anchor the request came through) under `ArnEquals`,
///   `ArnLike`, `StringEquals` or `StringLike` (never `…IfExists`, `ForAllValues:` or a
///   negation), every value the ARN of a trust anchor written without a wildcard, or the
///   `TrustAnchorArn` attribute of an `AWS::RolesAnywhere::TrustAnchor`.
fn bound_certificates(statement: &Value) -> bool {
    let attribute = required(&statement["Condition"]).any(|r| {
        ["x509subject/", "x509issuer/", "x509san/"]
            .iter()
            .any(|k| r.key.starts_with(&format!("aws:principaltag/{k}")))
            && !r.values.is_empty()
            && r.values.iter().all(|v| {
                super::meaning::sent(v).is_some_and(|t| {
                    written_as_is(&t.trim().replace(['*', '?'], "")) && names_one(t.trim(), false)
                })
            })
    });
    let anchor = |v: &Value| match super::meaning::sent(v) {
        // Read as written before its case is folded: `written_as_is` knows the pseudo
        // parameters as `${AWS::…}` (`${aws::region}` would be read as a policy variable,
        // which refused an anchor's ARN built by `Fn::Sub`).
        Some(t) => {
            let t = t.trim();
            let folded = t.to_ascii_lowercase();
            written_as_is(t)
                && folded.contains(":rolesanywhere:")
                && folded.contains(":trust-anchor/")
        }
        None => {
            let attribute = match &v["Fn::GetAtt"] {
                Value::Array(a) => a.get(1).and_then(Value::as_str),
                Value::String(s) => s.split_once('.').map(|(_, a)| a),
                _ => None,
            };
            attribute == Some("TrustAnchorArn")
        }
    };
    let source = statement["Condition"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(operator, _)| {
            let operator = operator.trim().to_ascii_lowercase();
            let base = operator.strip_prefix("foranyvalue:").unwrap_or(&operator);
            matches!(
                base,
                "arnequals" | "arnlike" | "stringequals" | "stringlike"
            )
        })
        .filter_map(|(_, keys)| keys.as_object())
        .flatten()
        .filter(|(key, _)| key.trim().eq_ignore_ascii_case("aws:SourceArn"))
        .any(|(_, values)| {
            let values = super::meaning::one_or_many(values);
            !values.is_empty() && values.into_iter().all(anchor)
        });
    attribute || source
}

/// For a condition key (in lower case) of an OpenID Connect issuer that every customer of a
/// CI service shares, the test that a subject names one customer; `None` for any other
/// key. On such an issuer any customer's job mints a token with the audience it asks for,
/// so the audience binds nothing and only a subject that names the customer does:
/// - GitHub Actions (`token.actions.githubusercontent.com`, and its enterprise form
///   `…/ENTERPRISE`): [`github_owner_named`].
/// - GitLab.com (`gitlab.com:…`; a self-managed instance is one customer's own): "`aud`:
///   Intended audience for the token … Specified in the ID tokens configuration" of the job,
///   and `sub` is `project_path:{group}/{project}:ref_type:{type}:ref:{branch_name}`
///   (GitLab docs, "OpenID Connect (OIDC) Authentication Using ID Tokens", token payload):
///   the group must be written, without a wildcard.
/// - HCP Terraform (`app.terraform.io:…`): every organization's runs ask for the audience
///   `aws.workload.identity` unless told otherwise, and `sub` is
///   `organization:[org name]:project:[project name]:workspace:[workspace name]:run_phase:[run
///   phase]` (HashiCorp support, "Updating Workload Identity for Projects"): the
///   organization must be written, without a wildcard.
/// - Buildkite (`agent.buildkite.com:…`, one issuer for every organization): a job asks for
///   the audience it wants (`buildkite-agent oidc request-token --audience …`), and `sub`
///   is `organization:ORGANIZATION_SLUG:pipeline:PIPELINE_SLUG:ref:REF:commit:…:step:…`
///   (Buildkite docs, "OIDC with AWS", the example trust policy binds `…:sub` to it): the
///   organization must be written, without a wildcard.
/// - An EKS cluster's issuer (`oidc.eks.REGION.amazonaws.com/id/ID:…`, probe 14b #4): every
///   pod of the cluster whose service account is annotated with the role gets a token of
///   the audience `sts.amazonaws.com` ("the audience is `sts.amazonaws.com`", EKS user
///   guide, "Assign IAM roles to Kubernetes service accounts"), and any namespace's admin
///   may annotate one; the guide's trust policy binds `…:sub` to
///   `system:serviceaccount:NAMESPACE:SERVICE_ACCOUNT` with `StringEquals`, and "If you
///   want all service accounts in a namespace to be able to use the role" a
///   `StringLike` of `system:serviceaccount:NAMESPACE:*`: the namespace must be written,
///   without a wildcard, and a service account's name follow it
///   ([`service_account_named`]).
fn shared_issuer(key: &str) -> Option<fn(&str) -> bool> {
    let issuer = key.rsplit_once(':').map_or(key, |(issuer, _)| issuer);
    let host = issuer.split('/').next().unwrap_or_default().trim();
    match host {
        "token.actions.githubusercontent.com" => Some(github_owner_named),
        "gitlab.com" => Some(|t| claim_named(t, "project_path:", '/')),
        "app.terraform.io" | "agent.buildkite.com" => {
            Some(|t| claim_named(t, "organization:", ':'))
        }
        h if h.starts_with("oidc.eks.")
            && (h.ends_with(".amazonaws.com") || h.ends_with(".amazonaws.com.cn")) =>
        {
            Some(service_account_named)
        }
        _ => None,
    }
}

/// Whether an EKS subject names a service account of one namespace:
/// `system:serviceaccount:NAMESPACE:NAME`, the namespace written without a wildcard and a
/// name after it (a pattern of names, `*`, admits every service account of that namespace
/// alone): `system:serviceaccount:ehr:reader` and `system:serviceaccount:ehr:*` do,
/// `system:serviceaccount:*:reader`, `system:serviceaccount:e*` and `system:*` do not.
fn service_account_named(subject: &str) -> bool {
    let lower = subject.trim().to_ascii_lowercase();
    lower
        .strip_prefix("system:serviceaccount:")
        .and_then(|rest| rest.split_once(':'))
        .is_some_and(|(namespace, name)| {
            !namespace.is_empty() && !namespace.contains(['*', '?']) && !name.is_empty()
        })
}

/// Whether a subject starts with `prefix` (in any case) followed by a name, ended by `end`,
/// that is written without a wildcard: `project_path:clinic/*` names the group `clinic`,
/// `project_path:*` and `project_path:cl*/x` name none.
fn claim_named(subject: &str, prefix: &str, end: char) -> bool {
    let lower = subject.trim().to_ascii_lowercase();
    lower.strip_prefix(prefix).is_some_and(|rest| {
        let name = rest.split(end).next().unwrap_or_default();
        // The name must end where `end` is written: `project_path:clinic*` spans groups.
        !name.is_empty() && !name.contains(['*', '?']) && rest.len() > name.len()
    })
}

/// An identity pool of Amazon Cognito.
const IDENTITY_POOL: &str = "AWS::Cognito::IdentityPool";

/// Whether `value` is the ID of an identity pool of the app (that lets guests in, if
/// `open`): the `Ref` of one of the template, or `Fn::Sub` of `${Pool}` alone, or an import
/// of an export that is one (read as `X2` reads it, [`super::flows::imports_of_kind`]: an
/// import of another kind of resource is no pool, probe 18b R1). Every branch of an
/// `Fn::If` must be a pool; for `open`, one branch that is an open pool is enough.
fn pool_named(cx: &Cx<'_>, value: &Value, open: bool) -> bool {
    if let Some(each) = super::flows::alternatives(value) {
        let mut each = each
            .into_iter()
            .filter(|v| !super::meaning::no_value(v))
            .peekable();
        return if open {
            each.any(|v| pool_named(cx, v, open))
        } else {
            each.peek().is_some() && each.all(|v| pool_named(cx, v, open))
        };
    }
    let admits = |p: &crate::cfn::Resource| {
        p.type_name() == IDENTITY_POOL
            && (!open || !super::is_false(&p.properties()["AllowUnauthenticatedIdentities"]))
    };
    if super::meaning::imported(value) {
        return super::flows::imports_where(cx, value, &admits);
    }
    let id = value.get("Ref").and_then(Value::as_str).or_else(|| {
        value
            .get("Fn::Sub")
            .and_then(Value::as_str)
            .and_then(|t| t.trim().strip_prefix("${")?.strip_suffix('}'))
            .filter(|id| !id.contains(['.', '$', '{', '}', '!']))
    });
    id.is_some_and(|id| {
        cx.others(IDENTITY_POOL)
            .any(|p| p.logical_id() == id && admits(p))
    })
}

/// Whether a statement trusts the identities of a pool for which `pool` holds (by a
/// condition that requires its `…:aud` to be the pool's ID).
fn audience_of(statement: &Value, pool: &dyn Fn(&Value) -> bool) -> bool {
    required_values(statement, ":aud").any(|values| values.iter().any(|v| pool(v)))
}

/// The values of each key of a statement's conditions that ends with `suffix` (`:aud`,
/// `:amr`) under an operator that requires the key to hold one of them.
fn required_values<'v>(
    statement: &'v Value,
    suffix: &'v str,
) -> impl Iterator<Item = Vec<&'v Value>> {
    required(&statement["Condition"])
        .filter(move |r| r.key.ends_with(suffix))
        .map(|r| r.values)
}

/// Whether a statement admits only signed-in identities of a Cognito identity pool: a
/// condition that requires the token's `amr` to hold a value, none of which matches
/// `unauthenticated` (Cognito developer guide, security best practices for identity pools:
/// apply both the `…:aud` and the `…:amr` conditions to roles that trust the pool).
fn signed_in_only(statement: &Value) -> bool {
    required_values(statement, ":amr").any(|values| {
        // A value known only at deploy, or a policy variable, may be `unauthenticated`.
        !values.is_empty()
            && values.iter().all(|v| {
                super::meaning::sent(v).is_some_and(|t| {
                    written_as_is(&t.replace(['*', '?'], "")) && !glob(t.trim(), "unauthenticated")
                })
            })
    })
}

/// Whether a GitHub subject pattern names the owner of the repositories it admits. The
/// default subject starts with `repo:OWNER/REPO`, but an owner may customize the subject of
/// its own repositories to any list of claims (`include_claim_keys`), each written
/// `key:value` in the order listed (GitHub docs, OpenID Connect reference, "Customizing the
/// subject claims for an organization or repository"). So a subject that starts with a
/// claim its owner chooses (`ref:refs/heads/main`, `environment:prod`, `context`,
/// `job_workflow_ref` of a shared workflow) matches the workflows of every owner on GitHub
/// whose template starts so; only a first claim that is the owner's own (`repo`,
/// `repository`, `repository_owner`, `repository_owner_id`, `repository_id`), written
/// without a wildcard, binds the role to one owner.
fn github_owner_named(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    let wild = |c: char| c == '*' || c == '?';
    // The owner ends at `/` in `repo:OWNER/REPO` and `repository:OWNER/REPO`; an id or
    // an owner's name of its own claim ends at the next `:`.
    let field = [("repo:", '/'), ("repository:", '/')]
        .into_iter()
        .chain(
            [
                "repository_owner:",
                "repository_owner_id:",
                "repository_id:",
            ]
            .into_iter()
            .map(|p| (p, ':')),
        )
        .find_map(|(prefix, end)| {
            let rest = lower.strip_prefix(prefix)?;
            Some(rest.split(end).next().unwrap_or_default().to_owned())
        });
    field.is_some_and(|owner| !owner.is_empty() && !owner.contains(wild))
}

/// Whether a statement admits the guests of a Cognito identity pool: a condition (not a
/// negation) on the token's `amr` claim with a value that matches `unauthenticated`, which
/// Cognito sets for every identity that signed in to nothing (Cognito developer guide, role
/// trust and permissions: the token's `amr` is "either unauthenticated or authenticated").
fn admits_guests(statement: &Value) -> bool {
    let Some(conditions) = statement["Condition"].as_object() else {
        return false;
    };
    conditions
        .iter()
        .filter(|(operator, _)| {
            let operator = operator.to_ascii_lowercase();
            !operator.contains("not") && operator.trim() != "null"
        })
        .filter_map(|(_, keys)| keys.as_object())
        .flat_map(|keys| keys.iter())
        .filter(|(key, _)| key.to_ascii_lowercase().ends_with(":amr"))
        .any(|(_, values)| {
            strings(values)
                .iter()
                .any(|v| glob(v.trim(), "unauthenticated"))
        })
}

/// One key of a statement's `Condition` under an operator that holds only for a request
/// whose key has one of the values the condition names: `StringEquals`,
/// `StringEqualsIgnoreCase` or `StringLike`, alone or after `ForAnyValue:`.
pub(crate) struct Required<'v> {
    /// The key, trimmed and in lower case: IAM User Guide, "IAM JSON policy elements:
    /// Condition": "Condition key names are not case-sensitive".
    pub(crate) key: String,
    /// Its values (one value or a list); under `StringLike`, patterns, whose `*` and `?`
    /// are wildcards.
    pub(crate) values: Vec<&'v Value>,
}

/// The keys of a statement's `Condition` that must hold one of the values named for the
/// statement to apply (see [`Required`]), the one reading of "a condition that requires a
/// value" of `I8`, `K3` and `X2`.
///
/// Never a negation (`StringNotEquals` lets in all it does not name), an `…IfExists`, a
/// `ForAllValues:` or a `Null` check, which IAM evaluates as true when the key is absent
/// from the request (IAM User Guide, "IAM JSON policy elements: Condition operators": "this
/// logic applies to all condition operators except ...IfExists and Null check"; a
/// `ForAllValues` condition "returns true if there are no context keys in the request"), nor
/// an `Arn…` operator, whose values are ARNs, not the text these rules read. `ForAnyValue:`
/// with a key of one value holds when that value is one of those named, as the operator
/// alone does; every value named must then be one the rule accepts. A `Condition` that is
/// not written as an object (an `Fn::If` of the whole, a reference) requires nothing a rule
/// can read.
pub(crate) fn required(conditions: &Value) -> impl Iterator<Item = Required<'_>> {
    conditions
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(operator, keys)| {
            let operator = operator.trim().to_ascii_lowercase();
            let base = operator.strip_prefix("foranyvalue:").unwrap_or(&operator);
            matches!(
                base,
                "stringequals" | "stringequalsignorecase" | "stringlike"
            )
            .then(|| keys.as_object())
            .flatten()
        })
        .flat_map(|keys| {
            keys.iter().map(|(key, values)| Required {
                key: key.trim().to_ascii_lowercase(),
                values: super::meaning::one_or_many(values),
            })
        })
}

/// Whether text written as a condition value is read by IAM as what it says: no wildcard
/// (`*`, `?`, a pattern under `StringLike`, and under `StringEquals` no name AWS gives), no
/// dynamic reference or part read at deploy ([`UNKNOWN`](super::meaning::UNKNOWN)), and no
/// policy variable (`${aws:PrincipalTag/x}`, `${aws:PrincipalAccount}`: "IAM policy
/// elements: Variables and tags", IAM User Guide: a variable is replaced by a value "from
/// the request context" when the policy is evaluated, so the request names what it
/// matches). The pseudo parameters that [`super::meaning::sent`] keeps (`${AWS::AccountId}`,
/// `${AWS::Region}`) are CloudFormation's, filled at deploy with the stack's own.
pub(crate) fn written_as_is(text: &str) -> bool {
    !text.contains(['*', '?'])
        && !dynamic(text)
        && !text.contains(super::meaning::UNKNOWN)
        && text
            .match_indices("${")
            .all(|(at, _)| text[at..].starts_with("${AWS::"))
}

/// Whether `conditions` (a statement's `Condition`) pin one of `keys` (in lower case) to
/// values every one of which is text [`written_as_is`] that `accepted` takes (the text
/// trimmed): see [`required`] for the operators that pin. A value an intrinsic makes that
/// cannot be read before deploy (an attribute, a parameter, an `Fn::If` not resolved)
/// pins nothing, and nor does an empty list.
///
/// A value that holds a pseudo parameter written as characters (`"${AWS::AccountId}"`
/// outside `Fn::Sub`, read as [`super::meaning::literal`] gives it) and no wildcard matches
/// no request: IAM reads `${…}` there as a policy variable it cannot resolve ("IAM policy
/// elements: Variables and tags", IAM User Guide: "if AWS cannot resolve a variable this
/// might cause the entire statement to be invalid"), and read as the characters it is no
/// account, ARN or service name. The statement it is required for then applies to no
/// request, which pins it as tightly as any value `accepted` takes; it is never read as the
/// stack's own account (a rule that credits a `Deny` or a `Principal` reads that apart).
pub(crate) fn pins(conditions: &Value, keys: &[&str], accepted: &dyn Fn(&str) -> bool) -> bool {
    required(conditions)
        .filter(|r| keys.contains(&r.key.as_str()))
        .any(|r| {
            !r.values.is_empty()
                && r.values.iter().all(|v| {
                    super::meaning::sent(v).is_some_and(|t| {
                        let t = t.trim();
                        (written_as_is(t) && accepted(t)) || matches_nothing(t)
                    })
                })
        })
}

/// Whether a condition value holds a pseudo parameter written as characters
/// ([`super::meaning::literal`]) and nothing a request could fill or widen (no wildcard, no
/// dynamic reference, nothing read at deploy): a value that no request matches (see
/// [`pins`]).
fn matches_nothing(text: &str) -> bool {
    text.contains("${!AWS::")
        && !text.contains(['*', '?'])
        && !dynamic(text)
        && !text.contains(super::meaning::UNKNOWN)
}

/// Whether a value of an audience or subject condition names one, not every one: it starts
/// with a written letter or digit, not a wildcard (`*`, `us-east-1:*` of an audience,
/// `?*`); an audience has no wildcard at all (it is one client or pool id); a GitHub
/// subject (`repo:OWNER/REPO:…`) writes its owner without one (`repo:*/*` and `repo:o*/x`
/// match repositories of every owner, or of any owner whose name starts so).
fn names_one(value: &str, audience: bool) -> bool {
    let wild = |c: char| c == '*' || c == '?';
    if audience && value.contains(wild) {
        return false;
    }
    let rest = match value.strip_prefix("repo:") {
        Some(rest) => {
            let owner = rest.split('/').next().unwrap_or_default();
            if owner.is_empty() || owner.contains(wild) {
                return false;
            }
            rest
        }
        None => value,
    };
    rest.chars().next().is_some_and(char::is_alphanumeric)
}

/// The KMS actions that must never be allowed on every key: decrypting and re-encrypting,
/// and the two ways to give oneself either on any key: a grant ("A grant is a policy
/// instrument that allows AWS principals to use KMS keys in cryptographic operations",
/// `Decrypt` among them, whoever the grantee principal named: AWS KMS API Reference,
/// `CreateGrant`) and a key policy of one's own writing (`PutKeyPolicy`, which replaces the
/// key's policy whole), or a copy of the key under such a policy: `ReplicateKey` makes a
/// replica of a multi-Region key in another Region with the "key policy to attach to the
/// KMS key" the caller passes (`Policy`), and a primary key and its replicas "have the same
/// key ID and key material", so that "you can use them interchangeably to encrypt data in
/// one Amazon Web Services Region and decrypt it in a different" one, while "all other
/// properties of a replica key can differ, including its key policy" (AWS KMS API
/// Reference, `ReplicateKey`): on every key, the caller decrypts whatever any
/// multi-Region key of the account encrypted.
const BLOCKED_KMS: &[&str] = &[
    "kms:Decrypt",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:CreateGrant",
    "kms:PutKeyPolicy",
    "kms:ReplicateKey",
];

fn kms_on_every_key(statement: &Value) -> Option<String> {
    if !allows_on_everything(statement) {
        return None;
    }
    // `{"Ref": "AWS::NoValue"}` removes the `NotAction` (and IAM reads the `Action`).
    if let Some(not) = statement
        .get("NotAction")
        .filter(|v| !super::meaning::no_value(v))
    {
        return left_by_not_action(not, BLOCKED_KMS).map(|b| {
            format!(
                "allows every action but those of `NotAction`, `{b}` included, on every KMS key (`Resource` `*`); name the actions in `Action` and the keys in `Resource`"
            )
        });
    }
    allowed_actions(statement)
        .into_iter()
        .find(|a| BLOCKED_KMS.iter().any(|b| glob(a, b)))
        .map(|a| format!("allows `{a}` on every KMS key (`Resource` `*`); name the keys"))
}

/// The first of `actions` that a `NotAction` (of an Allow) leaves allowed: one that none of
/// its patterns matches. A pattern that cannot be read (an attribute, an import, a dynamic
/// reference) is read for the worst, as excluding nothing.
fn left_by_not_action<'a>(not_action: &Value, actions: &[&'a str]) -> Option<&'a str> {
    let excluded = strings(not_action);
    actions
        .iter()
        .find(|a| !excluded.iter().any(|p| !dynamic(p) && glob(p, a)))
        .copied()
}

fn k4(cx: &Cx<'_>) -> Outcome {
    every_statement(cx, kms_on_every_key)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// A statement denies when its `Effect` is `Deny` as IAM receives it: text an
    /// intrinsic makes whole among it, never a value unknown before deploy.
    #[test]
    fn a_denial_is_read_in_every_spelling_of_deny() {
        for effect in [
            json!("Deny"),
            json!({"Fn::Sub": "Deny"}),
            json!({"Fn::Join": ["", ["De", "ny"]]}),
            json!({"Fn::Select": [0, ["Deny"]]}),
        ] {
            let statement = json!({ "Effect": effect });
            assert!(denies(&statement), "{statement}");
            assert!(!allows(&statement), "{statement}");
        }
        for effect in [
            json!("Allow"),
            json!({"Fn::Sub": "Allow"}),
            json!({"Ref": "Effect"}),
            json!({"Fn::ImportValue": "effect"}),
            json!("deny"),
        ] {
            let statement = json!({ "Effect": effect });
            assert!(!denies(&statement), "{statement}");
        }
    }

    /// The hostile review p2: an EMR cluster's `JobFlowRole` (the instance profile of its
    /// instances) and `ServiceRole` were read by no rule; I2 asks them of the app, as it asks
    /// an instance profile's `Roles`.
    #[test]
    fn an_emr_cluster_acts_with_roles_of_the_app() {
        let judge = |job_flow: Value, service: Value| {
            Cx::check_first(
                i2,
                &[
                    (
                        "Emr",
                        EMR_CLUSTER,
                        json!({"Name": "etl", "ReleaseLabel": "emr-7.1.0", "Instances": {},
                            "JobFlowRole": job_flow, "ServiceRole": service}),
                    ),
                    (
                        "Profile",
                        INSTANCE_PROFILE,
                        json!({"Roles": [{"Ref": "Nodes"}],
                        "InstanceProfileName": "etl-nodes"}),
                    ),
                    ("Nodes", "AWS::IAM::Role", json!({})),
                    (
                        "Service",
                        "AWS::IAM::Role",
                        json!({"RoleName": "etl-service"}),
                    ),
                ],
            )
        };
        for (job_flow, service) in [
            (json!({"Ref": "Profile"}), json!({"Ref": "Service"})),
            (
                json!("etl-nodes"),
                json!({"Fn::GetAtt": ["Service", "Arn"]}),
            ),
            (json!({"Ref": "Profile"}), json!("etl-service")),
        ] {
            let found = judge(job_flow.clone(), service.clone());
            assert!(
                matches!(found, Outcome::Pass(_)),
                "{job_flow} {service}: {found:?}"
            );
        }
        for (job_flow, service, says) in [
            (
                json!("EMR_EC2_DefaultRole"),
                json!({"Ref": "Service"}),
                "JobFlowRole",
            ),
            (
                json!({"Ref": "Nodes"}),
                json!({"Ref": "Service"}),
                "JobFlowRole",
            ),
            (
                json!({"Ref": "Profile"}),
                json!("EMR_DefaultRole"),
                "ServiceRole",
            ),
            (
                json!({"Ref": "Profile"}),
                json!({"Ref": "AWS::NoValue"}),
                "ServiceRole` is not set",
            ),
        ] {
            let found = judge(job_flow.clone(), service.clone());
            assert!(
                matches!(&found, Outcome::Fail(f) if f.contains(says)),
                "{job_flow} {service}: {found:?}"
            );
        }
    }

    /// `Groups` and `Roles` removed by `AWS::NoValue` name nothing (a user's `Groups` was
    /// read as a list known only at deploy, unlike a profile's `Roles`); a list made at
    /// deploy still fails, and a name of no template still fails.
    #[test]
    fn a_list_of_names_removed_by_no_value_names_nothing() {
        use crate::compliance::Status;
        use crate::prelude::*;
        let i2 = |resource: RawResource| {
            let app = App::new("names");
            let stack = app.stack("s").unwrap();
            stack.add(resource).unwrap();
            let assembly = app.check().unwrap();
            assembly
                .evaluation()
                .results
                .iter()
                .find(|c| c.rule == "I2" && &*c.logical_id == "U")
                .map(|c| c.status.clone())
        };
        let failed = |s: &Option<Status>| matches!(s, Some(Status::Failed { .. }));
        for (kind, property) in [
            ("AWS::IAM::User", "Groups"),
            ("AWS::IAM::InstanceProfile", "Roles"),
        ] {
            let removed =
                i2(RawResource::new("U", kind).property(property, json!({"Ref": "AWS::NoValue"})));
            assert!(!failed(&removed), "{kind}: {removed:?}");
            let made = i2(RawResource::new("U", kind)
                .property(property, json!({"Fn::Split": [",", "Admins"]})));
            assert!(failed(&made), "{kind}: {made:?}");
            let elsewhere = i2(RawResource::new("U", kind).property(property, json!(["Admins"])));
            assert!(failed(&elsewhere), "{kind}: {elsewhere:?}");
        }
    }

    #[test]
    fn a_key_is_pinned_only_by_a_string_operator_that_requires_every_value_as_written() {
        let own = json!({"Ref": "AWS::AccountId"});
        let here = |t: &str| t == "${AWS::AccountId}";
        let keys = ["aws:sourceaccount"];
        for pinned in [
            json!({"StringEquals": {"aws:SourceAccount": own}}),
            json!({"StringEqualsIgnoreCase": {"AWS:SOURCEACCOUNT": "${AWS::AccountId}"}}),
            json!({"stringlike": {" aws:sourceaccount ": {"Fn::Sub": "${AWS::AccountId}"}}}),
            json!({"ForAnyValue:StringEquals": {"aws:SourceAccount": [own, own]}}),
        ] {
            assert!(pins(&pinned, &keys, &here), "{pinned}");
        }
        for open in [
            json!({"StringEqualsIfExists": {"aws:SourceAccount": own}}),
            json!({"ForAllValues:StringEquals": {"aws:SourceAccount": own}}),
            json!({"StringNotEquals": {"aws:SourceAccount": own}}),
            json!({"ArnEquals": {"aws:SourceAccount": own}}),
            json!({"Null": {"aws:SourceAccount": "false"}}),
            json!({"ForAnyValue:StringEquals": {"aws:SourceAccount": [own, "111122223333"]}}),
            json!({"StringEquals": {"aws:SourceAccount": []}}),
            json!({"StringLike": {"aws:SourceAccount": "*"}}),
            json!({"StringLike": {"aws:SourceAccount": "${AWS::AccountId}*"}}),
            json!({"StringEquals": {"aws:SourceAccount": {"Fn::Sub": "${!aws:PrincipalAccount}"}}}),
            json!({"StringEquals": {"aws:SourceAccount": {"Fn::If": ["C", own, "111122223333"]}}}),
            json!({"StringEquals": {"aws:SourceAccount": {"Fn::GetAtt": ["P", "Value"]}}}),
            json!({"StringEquals": {"aws:SourceAccount": "{{resolve:ssm:/account}}"}}),
            json!({"StringEquals": {"aws:SourceAccountX": own}}),
            json!({"Fn::If": ["C", {"StringEquals": {"aws:SourceAccount": own}}, {}]}),
        ] {
            assert!(!pins(&open, &keys, &here), "{open}");
        }
        assert!(written_as_is("s3.${AWS::Region}.amazonaws.com"));
        for unread in [
            "s3${aws:PrincipalTag/svc}.amazonaws.com",
            "s3.*.amazonaws.com",
            "s3.{?}.amazonaws.com",
            "{{resolve:ssm:/svc}}",
        ] {
            assert!(!written_as_is(unread), "{unread}");
        }
    }

    #[test]
    fn a_principal_with_a_wildcard_or_an_unnamed_kind_is_odd() {
        for odd in [
            json!({"Service": "*"}),
            json!({"Service": ["ec2.amazonaws.com", "*.amazonaws.com"]}),
            json!({"AWS": "arn:aws:iam::*:root"}),
            json!({"AWS": "arn:aws:iam::11112222333?:root"}),
            json!({"CanonicalUser": "*"}),
            json!({"aws": "arn:aws:iam::111122223333:root"}),
            json!({"Services": "ec2.amazonaws.com"}),
        ] {
            assert!(odd_principal(&odd).is_some(), "{odd}");
        }
        for named in [
            json!({"Service": "ec2.amazonaws.com"}),
            json!({"AWS": ["arn:aws:iam::111122223333:root"], "Service": "lambda.amazonaws.com"}),
            json!({"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}}),
            json!({"Federated": "arn:aws:iam::111122223333:oidc-provider/gitlab.com"}),
            json!({"Fn::GetAtt": ["P", "Value"]}),
            json!("*"),
        ] {
            assert!(odd_principal(&named).is_none(), "{named}");
        }
    }

    #[test]
    fn a_principal_computed_out_of_text_may_be_everyone() {
        for open in [
            json!({"AWS": {"Fn::Split": [",", "arn:aws:iam::111122223333:root,*"]}}),
            json!({"AWS": [{"Fn::Select": [1, {"Fn::Split": [",", "a,*"]}]}]}),
            json!({"Fn::Select": [0, {"Fn::Split": [",", "*"]}]}),
        ] {
            assert!(may_be_everyone(&open), "{open}");
        }
        for named in [
            json!({"AWS": [{"Fn::Select": [0, ["arn:aws:iam::111122223333:root", "*"]]}]}),
            json!({"AWS": {"Fn::GetAtt": ["Role", "Arn"]}, "Service": "ec2.amazonaws.com"}),
            json!({"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}}),
            json!({"Service": {"Fn::Join": [".", ["s3", "amazonaws", "com"]]}}),
        ] {
            assert!(!may_be_everyone(&named), "{named}");
        }
    }

    #[test]
    fn federation_is_bound_only_by_a_required_audience_or_subject() {
        let with = |condition: Value| json!({ "Condition": condition });
        assert!(bound_federation(
            &|_| false,
            &with(json!({"StringEquals": {"x:aud": "a"}}))
        ));
        assert!(bound_federation(
            &|_| false,
            &with(json!({"StringLike": {"X:SUB": ["repo:o/r:*"]}}))
        ));
        assert!(bound_federation(
            &|_| false,
            &with(
                json!({"StringEquals": {"SAML:aud": {"Fn::Sub": "https://signin.aws.amazon.com/saml"}}})
            )
        ));
        assert!(bound_federation(
            &|_| false,
            &with(
                json!({"ForAnyValue:StringLike": {"token.actions.githubusercontent.com:sub": "repo:clinic/*"}})
            )
        ));
        assert!(bound_federation(
            &|_| false,
            &with(
                json!({"StringEquals": {"token.actions.githubusercontent.com:sub": "repository_owner_id:123456:environment:prod"}})
            )
        ));
        for bound in [
            json!({"StringLike": {"gitlab.com:sub": "project_path:clinic/records:ref_type:branch:ref:main"}}),
            json!({"StringLike": {"app.terraform.io:sub": "organization:clinic:project:*:workspace:*:run_phase:*"}}),
            json!({"StringLike": {"agent.buildkite.com:sub": "organization:clinic:pipeline:deploy:*"}}),
            // A self-managed GitLab instance is one customer's own: its audience binds.
            json!({"StringEquals": {"gitlab.clinic.example:aud": "https://gitlab.clinic.example"}}),
            json!({"StringEquals": {"gitlab.company.example:aud": "aws"}}),
            // An EKS cluster's service account, or every one of a namespace (probe 14b #4).
            json!({"StringEquals": {"oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub": "system:serviceaccount:ehr:reader"}}),
            json!({"StringLike": {"oidc.eks.us-east-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:ehr:*"}}),
            json!({"StringEquals": {"oidc.eks.${AWS::Region}.amazonaws.com/id/ABC:aud": "sts.amazonaws.com",
                "oidc.eks.${AWS::Region}.amazonaws.com/id/ABC:sub": ["system:serviceaccount:ehr:reader", "system:serviceaccount:jobs:export"]}}),
            json!({"StringEquals": {"oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC:sub": "system:serviceaccount:ehr:reader"}}),
        ] {
            assert!(
                bound_federation(&|_| false, &with(bound.clone())),
                "{bound}"
            );
        }
        for unbound in [
            json!({"StringEquals": {"x:aud": []}}),
            json!({"StringLike": {"x:sub": ["repo:o/r", "*"]}}),
            json!({"StringLike": {"x:sub": "?*"}}),
            json!({"StringLike": {"x:sub": "repo:"}}),
            json!({"StringNotLike": {"x:sub": "repo:o/r"}}),
            json!({"StringEquals": {"x:amr": "authenticated"}}),
            json!({"StringEquals": {"x:aud": {"Ref": "Unknown"}}}),
            json!("x:aud"),
            // Operators that hold when the key is absent from the request.
            json!({"StringEqualsIfExists": {"x:sub": "repo:o/r"}}),
            json!({"ForAllValues:StringEquals": {"x:aud": "a"}}),
            json!({"Null": {"x:sub": "false"}}),
            // Patterns of every owner, or of every pool of a region.
            json!({"StringLike": {"x:sub": "repo:*/*:ref:refs/heads/main"}}),
            json!({"StringLike": {"x:sub": "repo:o*/r"}}),
            json!({"StringLike": {"x:aud": "us-east-1:*"}}),
            // GitHub's audience is the workflow's choice.
            json!({"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}),
            // A GitHub subject whose first claim any owner's customized template can make.
            json!({"StringEquals": {"token.actions.githubusercontent.com:sub": "ref:refs/heads/main"}}),
            json!({"StringLike": {"token.actions.githubusercontent.com:sub": "environment:prod"}}),
            json!({"StringLike": {"token.actions.githubusercontent.com:sub": "repository_owner:cl*"}}),
            // GitLab.com's and HCP Terraform's audiences are each job's or run's choice; a
            // subject must name the group or organization, without a wildcard.
            json!({"StringEquals": {"gitlab.com:aud": "https://gitlab.com"}}),
            json!({"StringLike": {"GitLab.com:sub": "project_path:*"}}),
            json!({"StringLike": {"gitlab.com:sub": "project_path:cl*/records:*"}}),
            json!({"StringLike": {"gitlab.com:sub": "ref_type:branch:ref:main"}}),
            json!({"StringEquals": {"app.terraform.io:aud": "aws.workload.identity"}}),
            json!({"StringLike": {"app.terraform.io:sub": "organization:*:project:*"}}),
            json!({"StringLike": {"app.terraform.io:sub": "organization:clinic*"}}),
            // Buildkite's one issuer serves every organization, and a job asks for the
            // audience it wants.
            json!({"StringEquals": {"agent.buildkite.com:aud": "sts.amazonaws.com"}}),
            json!({"StringLike": {"agent.buildkite.com:sub": "organization:*:pipeline:deploy:*"}}),
            json!({"StringLike": {"AGENT.BUILDKITE.COM:sub": "pipeline:deploy:*"}}),
            // Every pod of an EKS cluster gets the audience `sts.amazonaws.com`; a subject
            // must name the namespace, without a wildcard (probe 14b #4).
            json!({"StringEquals": {"oidc.eks.us-east-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com"}}),
            json!({"StringEquals": {"OIDC.EKS.us-east-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com"}}),
            json!({"StringLike": {"oidc.eks.us-east-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:*:reader"}}),
            json!({"StringLike": {"oidc.eks.us-east-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:e*"}}),
            json!({"StringLike": {"oidc.eks.us-east-1.amazonaws.com/id/ABC:sub": "system:*"}}),
            json!({"StringLike": {"oidc.eks.us-east-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:ehr:"}}),
            json!({"StringEquals": {"oidc.eks.us-east-1.amazonaws.com/id/ABC:sub": ["system:serviceaccount:ehr:reader", "system:serviceaccount:?:x"]}}),
            json!({"StringEquals": {"oidc.eks.us-east-1.amazonaws.com/id/ABC:sub": {"Ref": "Subject"}}}),
            // A policy variable is filled from the request, a part read at deploy is
            // unknown: neither names an owner.
            json!({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:${token.actions.githubusercontent.com:repository_owner}/*"}}),
            json!({"StringEquals": {"x:aud": {"Fn::Sub": "a${!x:aud}"}}}),
            json!({"StringLike": {"x:sub": {"Fn::Sub": ["repo:${O}/*", {"O": {"Ref": "Owner"}}]}}}),
        ] {
            assert!(
                !bound_federation(&|_| false, &with(unbound.clone())),
                "{unbound}"
            );
        }
        assert!(!bound_federation(&|_| false, &json!({})));
    }

    #[test]
    fn a_pattern_on_every_kms_key_is_on_every_resource_however_its_stars_are_placed() {
        for every in [
            "*",
            "arn:aws:kms:*:*:key/*",
            "arn:aws:kms:*:*:key*",
            "arn:aws:*:*:*:key/*",
            "arn:aws:k*:us-east-1:111122223333:alias/*",
            "arn:aws:kms:${AWS::Region}:${AWS::AccountId}:key/*",
            "arn:aws:kms:${AWS::Region}:${AWS::AccountId}:*",
            // A key's id is random: a pattern of its shape is every key.
            "arn:aws:kms:us-east-1:111122223333:key/????????-????-????-????-????????????",
            "arn:aws:kms:us-east-1:111122223333:key/mrk-*",
            "arn:aws:kms:us-east-1:111122223333:key/m*",
            "arn:aws:kms:us-east-1:111122223333:KEY/MRK-????????????????????????????????",
            "arn:aws:ec2:*:*:instance/i-*",
            "arn:aws:ec2:us-east-1:111122223333:instance/i*",
            "arn:aws:ec2:us-east-1:111122223333:instance-connect-endpoint/eice-*",
            "arn:aws:ssm:us-east-1:111122223333:managed-instance/mi-*",
        ] {
            assert!(every_resource(every), "{every}");
        }
        for every in [
            "arn:aws:s3:*",
            "arn:*",
            "arn:aws:secretsmanager:us-east-1:*",
            "arn:aws:secretsmanager:us-east-1:111122223333:secret*",
            "arn:aws:dynamodb:us-east-1:111122223333:*table/*",
            "arn:aws:dynamodb:us-east-1:111122223333:table/*/index/*",
            "arn:aws:s3:::*/phi/*",
            "arn:aws:sqs:us-east-1:111122223333:*",
            // `?*` matches every name, as `*` does.
            "?*",
            "arn:aws:s3:::?*/*",
            "arn:aws:dynamodb:us-east-1:111122223333:table/?*",
            "arn:aws:secretsmanager:us-east-1:111122223333:secret:*?",
            "arn:aws:healthlake:us-east-1:111122223333:datastore/fhir/*",
            // Every secret's ARN ends in `-` and six characters; a name of no letter or
            // digit names none of the app's.
            "arn:aws:secretsmanager:us-east-1:111122223333:secret:*-??????",
            "arn:aws:dynamodb:us-east-1:111122223333:table/*-*",
            "arn:aws:s3:::*.*/*",
            "arn:aws:sqs:us-east-1:111122223333:*_*",
        ] {
            assert!(every_resource(every), "{every}");
        }
        for one in [
            "arn:aws:secretsmanager:us-east-1:111122223333:secret:app-db-*",
            "arn:aws:dynamodb:us-east-1:111122223333:table/records/index/*",
            "arn:aws:s3:::records*/phi/*",
            "arn:aws:sqs:us-east-1:111122223333:app-*",
            "arn:aws:s3:::records",
            "arn:aws:kms:*:*:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws:kms:${AWS::Region}:${AWS::AccountId}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws:kms:*:*:key/1234*",
            "arn:aws:kms:*:*:key/mrk-1234abcd*",
            "arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0",
            "arn:aws:ec2:us-east-1:111122223333:instance-connect-endpoint/eice-0123*",
            "arn:aws:ssm:us-east-1::document/AWS-StartSSHSession",
            "arn:aws:ssm:us-east-1::document/AWS-*",
            "arn:aws:ssm:us-east-1:111122223333:parameter/i-app/*",
            "arn:aws:ssm:us-east-1:111122223333:parameter/mi-*",
            "arn:aws:s3:::bucket/*",
            "arn:aws:healthlake:us-east-1:111122223333:datastore/fhir/1f2f459836ac6c513ce899f9e4f66a59",
            // Only `?`: names of that length alone.
            "arn:aws:s3:::???/*",
        ] {
            assert!(!every_resource(one), "{one}");
        }
    }

    #[test]
    fn a_policy_variable_in_a_resource_stands_for_every_name_it_may_take() {
        for every in [
            "arn:aws:s3:::${aws:PrincipalTag/team}/*",
            "arn:aws:kms:*:*:key/${aws:ResourceTag/k}",
            "arn:aws:kms:${AWS::Region}:${AWS::AccountId}:key/${aws:userid}",
            "arn:aws:dynamodb:us-east-1:111122223333:table/${aws:username}",
            "arn:aws:secretsmanager:us-east-1:111122223333:secret:${saml:sub}",
            "arn:aws:s3:::${cognito-identity.amazonaws.com:sub}/*",
            "arn:aws:sqs:us-east-1:111122223333:${s3:prefix}",
            "arn:aws:kms:*:*:key/${aws:PrincipalTag/k, 'none'}",
            "arn:aws:kms:*:*:${aws:PrincipalTag/kind}/x",
            "${aws:PrincipalTag/anything}",
            "arn:aws:dynamodb:us-east-1:111122223333:table/${aws:PrincipalTag/t}-${aws:PrincipalTag/u}",
            // A case IAM does not read as CloudFormation's: a variable.
            "arn:aws:kms:*:*:key/${aws::accountid}",
        ] {
            assert!(every_resource(every), "{every}");
            let statement = json!({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": every});
            assert!(
                kms_on_every_key(&statement).is_some() || !every.contains(":kms:"),
                "{every}"
            );
        }
        for one in [
            // The name is written: the variable only narrows it.
            "arn:aws:s3:::records/${aws:username}/*",
            "arn:aws:secretsmanager:us-east-1:111122223333:secret:app-${aws:PrincipalTag/env}-*",
            // A literal `*`, `?` or `$` is no wildcard: no key is named so.
            "arn:aws:kms:*:*:key/${*}",
            "arn:aws:kms:*:*:key/${?}${?}",
            "arn:aws:dynamodb:us-east-1:111122223333:table/${$}",
            "arn:aws:s3:::${*}/*",
            // A `${` without its `}` is text.
            "arn:aws:dynamodb:us-east-1:111122223333:table/${records",
        ] {
            assert!(!every_resource(one), "{one}");
        }
        // In an action, read for the worst.
        let action =
            json!({"Effect": "Allow", "Action": "kms:${aws:PrincipalTag/op}", "Resource": "*"});
        assert!(kms_on_every_key(&action).is_some());
        assert!(too_broad(&action).is_some());
        let literal = json!({"Effect": "Allow", "Action": "kms:Describe${*}", "Resource": "*"});
        assert!(kms_on_every_key(&literal).is_none());
        // Written in an `Fn::Sub` as IAM reads it, `${!…}`, it is a variable there too.
        let sub = json!({"Fn::Sub": "arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/${!aws:PrincipalTag/k}"});
        let statement = json!({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": sub});
        assert!(kms_on_every_key(&statement).is_some());
        assert!(too_broad(&statement).is_some());
    }

    #[test]
    fn a_principal_written_with_a_policy_variable_may_be_everyone() {
        for open in [
            json!({"AWS": "arn:aws:iam::${aws:PrincipalAccount}:root"}),
            json!({"AWS": ["arn:aws:iam::111122223333:root", "${aws:PrincipalTag/trusted}"]}),
            json!({"Service": "${aws:PrincipalTag/svc}.amazonaws.com"}),
            json!({"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${!aws:SourceAccount}:root"}}),
            json!({"Federated": "${aws:SourceIdentity}"}),
            json!({"Fn::Sub": "${!aws:userid}"}),
        ] {
            assert!(may_be_everyone(&open), "{open}");
        }
        for named in [
            json!({"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}}),
            json!({"AWS": "arn:aws:iam::111122223333:role/${$}"}),
            json!({"Service": "lambda.amazonaws.com"}),
        ] {
            assert!(!may_be_everyone(&named), "{named}");
        }
    }

    #[test]
    fn roles_anywhere_is_bound_by_a_trust_anchor_or_a_certificate_attribute() {
        let trust = |service: Value, condition: Value| json!({"Effect": "Allow", "Principal": {"Service": service}, "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"], "Condition": condition});
        let anchor = "arn:aws:rolesanywhere:us-east-1:111122223333:trust-anchor/0123-abcd";
        for bound in [
            json!({"ArnEquals": {"aws:SourceArn": anchor}}),
            json!({"ArnLike": {"AWS:SOURCEARN": [anchor]}}),
            json!({"ArnEquals": {"aws:SourceArn": {"Fn::GetAtt": ["Anchor", "TrustAnchorArn"]}}}),
            json!({"StringEquals": {"aws:PrincipalTag/x509Subject/CN": "ingest-worker"}}),
            json!({"StringLike": {"aws:PrincipalTag/x509Issuer/CN": "clinic-ca*"}}),
            // An anchor's ARN built with the pseudo parameters by `Fn::Sub`.
            json!({"ArnEquals": {"aws:SourceArn": {"Fn::Sub": "arn:${AWS::Partition}:rolesanywhere:${AWS::Region}:${AWS::AccountId}:trust-anchor/0123-abcd"}}}),
        ] {
            let statement = trust(json!(ROLES_ANYWHERE), bound.clone());
            assert!(trusts_roles_anywhere(&statement));
            assert!(bound_certificates(&statement), "{bound}");
        }
        for open in [
            json!({}),
            json!({"ArnEqualsIfExists": {"aws:SourceArn": anchor}}),
            json!({"ArnNotEquals": {"aws:SourceArn": anchor}}),
            json!({"ArnLike": {"aws:SourceArn": "arn:aws:rolesanywhere:*:111122223333:trust-anchor/*"}}),
            json!({"ArnEquals": {"aws:SourceArn": []}}),
            json!({"ArnEquals": {"aws:SourceArn": {"Ref": "AnchorArn"}}}),
            json!({"ArnEquals": {"aws:SourceArn": "arn:aws:s3:::bucket"}}),
            json!({"StringLike": {"aws:PrincipalTag/x509Subject/CN": "*"}}),
            json!({"StringEquals": {"aws:PrincipalTag/x509Subject/CN": "${aws:PrincipalTag/cn}"}}),
            json!({"StringNotEquals": {"aws:PrincipalTag/x509Subject/CN": "ingest-worker"}}),
            json!({"StringEquals": {"aws:PrincipalTag/team": "ingest"}}),
            // The same written as characters outside `Fn::Sub`: no anchor IAM can resolve.
            json!({"ArnEquals": {"aws:SourceArn": "arn:aws:rolesanywhere:${AWS::Region}:${AWS::AccountId}:trust-anchor/*"}}),
        ] {
            let statement = trust(json!([" RolesAnywhere.amazonaws.com "]), open.clone());
            assert!(trusts_roles_anywhere(&statement));
            assert!(!bound_certificates(&statement), "{open}");
        }
        assert!(!trusts_roles_anywhere(&trust(
            json!("ec2.amazonaws.com"),
            json!({})
        )));
    }

    #[test]
    fn not_action_leaves_allowed_what_it_does_not_name() {
        let actions = &["kms:Decrypt", "kms:ReEncryptFrom"];
        assert_eq!(
            left_by_not_action(&json!(["s3:*"]), actions),
            Some("kms:Decrypt")
        );
        assert_eq!(
            left_by_not_action(&json!("kms:Decrypt"), actions),
            Some("kms:ReEncryptFrom")
        );
        assert_eq!(left_by_not_action(&json!(["kms:*"]), actions), None);
        assert_eq!(left_by_not_action(&json!("*"), actions), None);
        // An entry known only at deploy excludes nothing.
        assert_eq!(
            left_by_not_action(&json!(["{{resolve:ssm:/a}}"]), actions),
            Some("kms:Decrypt")
        );
    }

    #[test]
    fn replicating_every_key_under_a_policy_of_one_s_own_fails() {
        for action in ["kms:ReplicateKey", "kms:Replicate*", "KMS:REPLICATEKEY"] {
            let statement = json!({"Effect": "Allow", "Action": action, "Resource": "*"});
            assert!(
                kms_on_every_key(&statement).is_some_and(|f| f.contains(action)),
                "{action}"
            );
        }
        let named = json!({"Effect": "Allow", "Action": "kms:ReplicateKey", "Resource": "arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab"});
        assert!(kms_on_every_key(&named).is_none());
        let not_action = json!({"Effect": "Allow", "NotAction": ["kms:Decrypt", "kms:ReEncrypt*", "kms:CreateGrant", "kms:PutKeyPolicy"], "Resource": "*"});
        assert!(kms_on_every_key(&not_action).is_some_and(|f| f.contains("kms:ReplicateKey")));
    }

    #[test]
    fn only_listed_aws_managed_policies_are_narrow() {
        let nobody = |_: &str| false;
        assert!(!broad_managed_policy(
            " arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            nobody
        ));
        // The agents' policies grant on `*` what I2 refuses a customer policy (hostile
        // review 11).
        assert!(broad_managed_policy(
            " arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
            nobody
        ));
        assert!(broad_managed_policy(
            "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy",
            nobody
        ));
        // A service role's policy, only where that service alone assumes the role.
        assert!(broad_managed_policy(
            "arn:aws-us-gov:iam::aws:policy/service-role/AWS_ConfigRole",
            nobody
        ));
        assert!(!broad_managed_policy(
            "arn:aws-us-gov:iam::aws:policy/service-role/AWS_ConfigRole",
            |service| service == "config.amazonaws.com"
        ));
        assert!(broad_managed_policy(
            "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
            |service| service == "config.amazonaws.com"
        ));
        assert!(broad_managed_policy(
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
            |_| true
        ));
        assert!(broad_managed_policy(
            "arn:aws:iam::aws:policy/job-function/SystemAdministrator",
            |_| true
        ));
        // `AWS_ConfigRole` under another path is another policy.
        assert!(broad_managed_policy(
            "arn:aws:iam::aws:policy/AWS_ConfigRole",
            |_| true
        ));
        // Customer-managed policies are read by their statements instead.
        assert!(!broad_managed_policy(
            "arn:aws:iam::111122223333:policy/ReadOnlyAccess",
            nobody
        ));
    }

    /// The statements of each policy of [`NARROW_MANAGED`], as AWS publishes them (AWS
    /// Managed Policy Reference, `docs.aws.amazon.com/aws-managed-policy/latest/reference/
    /// <name>.html`, the default version named), written out as a customer policy: each passes
    /// I2's statement check, so that the list allows no grant that I2 refuses a policy of the
    /// app. A policy added to the list without its statements here fails the test.
    #[test]
    fn each_narrow_managed_policy_written_out_passes_i2() {
        let published: &[(&str, serde_json::Value)] = &[
            // v1 (November 11, 2015).
            (
                "service-role/amazonrdsenhancedmonitoringrole",
                json!([
                    {"Sid": "EnableCreationAndManagementOfRDSCloudwatchLogGroups", "Effect": "Allow",
                     "Action": ["logs:CreateLogGroup", "logs:PutRetentionPolicy"],
                     "Resource": ["arn:aws:logs:*:*:log-group:RDS*"]},
                    {"Sid": "EnableCreationAndManagementOfRDSCloudwatchLogStreams", "Effect": "Allow",
                     "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams", "logs:GetLogEvents"],
                     "Resource": ["arn:aws:logs:*:*:log-group:RDS*:log-stream:*"]}
                ]),
            ),
            // v1.
            (
                "service-role/awslambdabasicexecutionrole",
                json!([
                    {"Effect": "Allow", "Action": "logs:CreateLogGroup", "Resource": "*"},
                    {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}
                ]),
            ),
            // v3 (January 5, 2024).
            (
                "service-role/awslambdavpcaccessexecutionrole",
                json!([
                    {"Sid": "AWSLambdaVPCAccessExecutionPermissions", "Effect": "Allow",
                     "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents",
                                "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets",
                                "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"],
                     "Resource": "*"}
                ]),
            ),
            // v1 (the ECS developer guide, "Amazon ECS task execution IAM role").
            (
                "service-role/amazonecstaskexecutionrolepolicy",
                json!([
                    {"Effect": "Allow",
                     "Action": ["ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer",
                                "ecr:BatchGetImage", "logs:CreateLogStream", "logs:PutLogEvents"],
                     "Resource": "*"}
                ]),
            ),
            // v2 (February 13, 2024).
            (
                "awsxraydaemonwriteaccess",
                json!([
                    {"Sid": "AWSXRayDaemonWriteAccess", "Effect": "Allow",
                     "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules",
                                "xray:GetSamplingTargets", "xray:GetSamplingStatisticSummaries"],
                     "Resource": ["*"]}
                ]),
            ),
        ];
        for name in NARROW_MANAGED {
            let (_, statements) = published
                .iter()
                .find(|(n, _)| n == name)
                .unwrap_or_else(|| panic!("{name}: no published statements in this test"));
            for statement in statements.as_array().unwrap() {
                assert_eq!(too_broad(statement), None, "{name}: {statement}");
            }
        }
        // The statements of the two agents' policies that they are not listed for: each is
        // refused (AWS managed policy reference: `AmazonSSMManagedInstanceCore` v2, its first
        // statement; `CloudWatchAgentServerPolicy`, `CWACloudWatchServerPermissions`).
        let ssm_core = json!({"Effect": "Allow", "Action": [
            "ssm:DescribeAssociation", "ssm:GetDeployablePatchSnapshotForInstance", "ssm:GetDocument",
            "ssm:DescribeDocument", "ssm:GetManifest", "ssm:GetParameter", "ssm:GetParameters",
            "ssm:ListAssociations", "ssm:ListInstanceAssociations", "ssm:PutInventory",
            "ssm:PutComplianceItems", "ssm:PutConfigurePackageResult", "ssm:UpdateAssociationStatus",
            "ssm:UpdateInstanceAssociationStatus", "ssm:UpdateInstanceInformation"], "Resource": "*"});
        assert!(too_broad(&ssm_core).is_some_and(|f| f.contains("ssm:GetParameter")));
        let agent = json!({"Sid": "CWACloudWatchServerPermissions", "Effect": "Allow", "Action": [
            "cloudwatch:PutMetricData", "ec2:DescribeVolumes", "ec2:DescribeTags", "logs:PutLogEvents",
            "logs:PutRetentionPolicy", "logs:DescribeLogStreams", "logs:DescribeLogGroups",
            "logs:CreateLogStream", "logs:CreateLogGroup", "xray:PutTraceSegments",
            "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets",
            "xray:GetSamplingStatisticSummaries"], "Resource": "*"});
        assert!(too_broad(&agent).is_some_and(|f| f.contains("logs:PutRetentionPolicy")));
    }

    /// A role with `AmazonSSMManagedInstanceCore` fails I2, as a customer policy of the same
    /// grant does (hostile review 11, case `f1_ssm_core`), and the finding names the fix; a
    /// service role's policy holds only on a role its service alone assumes.
    #[test]
    fn aws_managed_attachments_fail_i2_with_the_fix() {
        use crate::compliance::Status;
        use crate::prelude::*;
        let trust = |principal: serde_json::Value| {
            json!({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]})
        };
        let i2 = |principal: serde_json::Value, arn: &str| {
            let app = App::new("managed");
            let stack = app.stack("s").unwrap();
            stack
                .add(
                    RawResource::new("R", "AWS::IAM::Role")
                        .property("AssumeRolePolicyDocument", trust(principal))
                        .property("ManagedPolicyArns", json!([arn])),
                )
                .unwrap();
            let assembly = app.check().unwrap();
            assembly
                .evaluation()
                .results
                .iter()
                .find(|c| c.rule == "I2" && &*c.logical_id == "R")
                .map(|c| c.status.clone())
        };
        let ec2 = json!({"Service": "ec2.amazonaws.com"});
        let core = i2(
            ec2.clone(),
            "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        );
        assert!(
            matches!(&core, Some(Status::Failed { finding })
                if finding.contains("ssm:GetParameter") && finding.contains("AgentPermissions::SsmAgent")),
            "{core:?}"
        );
        let agent = i2(
            ec2.clone(),
            "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy",
        );
        assert!(
            matches!(&agent, Some(Status::Failed { finding })
                if finding.contains("logs:PutRetentionPolicy") && finding.contains("AgentPermissions::CloudWatchAgent")),
            "{agent:?}"
        );
        let backup = "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup";
        let by_backup = i2(json!({"Service": "backup.amazonaws.com"}), backup);
        assert!(
            matches!(by_backup, Some(Status::Enforced { .. })),
            "{by_backup:?}"
        );
        let by_list = i2(json!({"Service": ["backup.amazonaws.com"]}), backup);
        assert!(
            matches!(by_list, Some(Status::Enforced { .. })),
            "{by_list:?}"
        );
        for other in [
            ec2,
            json!({"Service": ["backup.amazonaws.com", "ec2.amazonaws.com"]}),
            json!({"Service": "backup.amazonaws.com", "AWS": "arn:aws:iam::111122223333:root"}),
            json!({"AWS": "arn:aws:iam::111122223333:root"}),
            json!({"Service": "{{resolve:ssm:/svc}}"}),
        ] {
            let found = i2(other.clone(), backup);
            assert!(
                matches!(&found, Some(Status::Failed { finding }) if finding.contains("backup.amazonaws.com")),
                "{other}: {found:?}"
            );
        }
    }

    proptest::proptest! {
        /// The one-pass reading of ASCII text agrees with the table on every pattern and
        /// text over a small alphabet (where stars, `?` and case meet most often).
        #[test]
        fn ascii_glob_agrees_with_the_table(
            pattern in "[abAB*?]{0,8}",
            text in "[abAB*?]{0,10}",
        ) {
            proptest::prop_assert_eq!(
                ascii_glob(pattern.as_bytes(), text.as_bytes()),
                glob_by_table(&pattern, &text),
                "pattern {:?} text {:?}", pattern, text
            );
        }
    }

    #[test]
    fn glob_reads_text_beyond_ascii_by_unicode_case() {
        assert!(glob("s3:*É*", "s3:cafébucket"));
        assert!(!glob("s3:*É?", "s3:café"));
        assert!(glob("ÄB?", "äbc"));
        // `?` is one character, however many bytes it takes.
        assert!(glob("a?b", "aéb"));
    }

    #[test]
    fn glob_matches_iam_patterns_ignoring_case() {
        assert!(glob("s3:Get*", "s3:GetObject"));
        assert!(glob("S3:*object*", "s3:PutObjectAcl"));
        assert!(glob("kms:ReEncrypt*", "kms:ReEncryptFrom"));
        assert!(glob("*", "sns:Publish"));
        assert!(glob("sqs:Receive?essage", "sqs:ReceiveMessage"));
        assert!(!glob("s3:Get*", "s3:PutObject"));
        assert!(!glob("kms:Encrypt", "kms:Decrypt"));
        // Backtracking: a star gives back what a later literal needs.
        assert!(glob("*ab", "aab"));
        assert!(glob("a*b*c", "aXbYbZc"));
        assert!(glob("*a*", "bab"));
        assert!(glob("s3:*Object", "s3:GetObjectObject"));
        assert!(!glob("*ab", "aba"));
        assert!(!glob("a*b", "a"));
        assert!(glob("a**", "a"));
        assert!(glob("", ""));
        assert!(!glob("", "a"));
        assert!(!glob("a", ""));
        assert!(glob("*", ""));
        assert!(!glob("?", ""));
        assert!(glob("s3:*", "s3:*"));
        assert!(!glob("s3:Get*", "s3:*"));
        assert!(glob("*b", "*cb"));
    }

    #[test]
    fn statements_are_read_as_a_list_or_one_object_with_their_proofs() {
        let one = json!({ "Statement": { "Effect": "Allow" } });
        assert_eq!(statements(&one).len(), 1);
        assert_eq!(statements(&one)[0].0, "/Statement");
        let list = json!({ "Statement": [{ "Effect": "Allow" }, { "Effect": "Deny" }] });
        let read = statements(&list);
        assert_eq!(read.len(), 2);
        assert_eq!(read[1].0, "/Statement/1");
        assert!(statements(&json!({ "Statement": "x" })).is_empty());
        let resource = crate::cfn::Resource::raw(
            "P".to_owned(),
            "AWS::IAM::ManagedPolicy".to_owned(),
            json!({ "PolicyDocument": list }),
        );
        let proof = statement_proof(&resource, "/PolicyDocument", "/Statement/1").unwrap();
        assert_eq!(proof.path, "/Properties/PolicyDocument/Statement/1");
        let text = crate::cfn::Resource::raw(
            "P".to_owned(),
            "AWS::IAM::ManagedPolicy".to_owned(),
            json!({ "PolicyDocument": list.to_string() }),
        );
        let proof = statement_proof(&text, "/PolicyDocument", "/Statement/1").unwrap();
        assert_eq!(proof.path, "/Properties/PolicyDocument");
        assert_eq!(
            policy_document(&text, "/PolicyDocument").unwrap()["Statement"][1]["Effect"],
            "Deny"
        );
        assert!(policy_document(&text, "/Missing").is_none());
    }

    #[test]
    fn data_actions_include_their_wildcard_forms() {
        for a in [
            "s3:GetObject",
            "s3:*Object*",
            "s3:GetObjectTagging",
            "dynamodb:*Item",
            "kms:GenerateDataKey*",
            "secretsmanager:Get*",
            "SNS:Publish",
        ] {
            assert!(is_data_action(a), "{a}");
        }
        for a in ["s3:ListBucket", "logs:PutLogEvents", "kms:DescribeKey"] {
            assert!(!is_data_action(a), "{a}");
        }
    }

    /// The action that writes each resource policy `P2` reads in the template (Service
    /// Authorization Reference): a type `P2` reads without a writer here fails, so a
    /// policy `P2` refuses at deploy cannot be written after it by an identity `I2`
    /// passes (probe 14b #2).
    const POLICY_WRITERS: &[(&str, &[&str])] = &[
        ("AWS::S3::BucketPolicy", &["s3:PutBucketPolicy"]),
        (
            "AWS::SNS::TopicPolicy",
            &["sns:SetTopicAttributes", "sns:AddPermission"],
        ),
        (
            "AWS::SQS::QueuePolicy",
            &["sqs:SetQueueAttributes", "sqs:AddPermission"],
        ),
        ("AWS::SQS::QueueInlinePolicy", &["sqs:SetQueueAttributes"]),
        ("AWS::SNS::TopicInlinePolicy", &["sns:SetTopicAttributes"]),
        (
            "AWS::SecretsManager::ResourcePolicy",
            &["secretsmanager:PutResourcePolicy"],
        ),
        ("AWS::Logs::ResourcePolicy", &["logs:PutResourcePolicy"]),
        (
            "AWS::S3::MultiRegionAccessPointPolicy",
            &["s3:PutMultiRegionAccessPointPolicy"],
        ),
        (
            "AWS::S3ObjectLambda::AccessPointPolicy",
            &["s3:PutAccessPointPolicyForObjectLambda"],
        ),
        (
            "AWS::Kinesis::ResourcePolicy",
            &["kinesis:PutResourcePolicy"],
        ),
        (
            "AWS::S3Express::BucketPolicy",
            &["s3express:PutBucketPolicy"],
        ),
        ("AWS::Events::EventBusPolicy", &["events:PutPermission"]),
        ("AWS::S3::AccessPoint", &["s3:PutAccessPointPolicy"]),
        ("AWS::DynamoDB::Table", &["dynamodb:PutResourcePolicy"]),
        (
            "AWS::EFS::FileSystem",
            &["elasticfilesystem:PutFileSystemPolicy"],
        ),
        (
            "AWS::Backup::BackupVault",
            &["backup:PutBackupVaultAccessPolicy"],
        ),
        (
            "AWS::Backup::LogicallyAirGappedBackupVault",
            &["backup:PutBackupVaultAccessPolicy"],
        ),
        ("AWS::OpenSearchService::Domain", &["es:UpdateDomainConfig"]),
        (
            "AWS::Elasticsearch::Domain",
            &["es:UpdateElasticsearchDomainConfig"],
        ),
        ("AWS::ECR::Repository", &["ecr:SetRepositoryPolicy"]),
        (
            "AWS::ECR::RepositoryCreationTemplate",
            &[
                "ecr:CreateRepositoryCreationTemplate",
                "ecr:UpdateRepositoryCreationTemplate",
            ],
        ),
        (
            "AWS::EntityResolution::PolicyStatement",
            &[
                "entityresolution:AddPolicyStatement",
                "entityresolution:PutPolicy",
            ],
        ),
        (
            "AWS::S3Outposts::BucketPolicy",
            &["s3-outposts:PutBucketPolicy"],
        ),
        (
            "AWS::S3Outposts::AccessPoint",
            &["s3-outposts:PutAccessPointPolicy"],
        ),
        ("AWS::Events::EventBus", &["events:PutPermission"]),
        (
            "AWS::ApiGateway::RestApi",
            &["apigateway:PATCH", "apigateway:PUT"],
        ),
        ("AWS::Logs::LogGroup", &["logs:PutResourcePolicy"]),
        ("AWS::Redshift::Cluster", &["redshift:PutResourcePolicy"]),
        ("AWS::ApiGateway::DomainNameV2", &["apigateway:PATCH"]),
        (
            "AWS::S3Tables::TableBucketPolicy",
            &["s3tables:PutTableBucketPolicy"],
        ),
        ("AWS::S3Tables::TablePolicy", &["s3tables:PutTablePolicy"]),
        ("AWS::MSK::ClusterPolicy", &["kafka:PutClusterPolicy"]),
        ("AWS::ECR::RegistryPolicy", &["ecr:PutRegistryPolicy"]),
        ("AWS::Glue::ResourcePolicy", &["glue:PutResourcePolicy"]),
        ("AWS::SSM::ResourcePolicy", &["ssm:PutResourcePolicy"]),
        (
            "AWS::SageMaker::ModelPackageGroup",
            &["sagemaker:PutModelPackageGroupPolicy"],
        ),
        ("AWS::XRay::ResourcePolicy", &["xray:PutResourcePolicy"]),
        (
            "AWS::Lex::ResourcePolicy",
            &["lex:CreateResourcePolicy", "lex:UpdateResourcePolicy"],
        ),
        (
            "AWS::EventSchemas::RegistryPolicy",
            &["schemas:PutResourcePolicy"],
        ),
        (
            "AWS::CodeArtifact::Domain",
            &["codeartifact:PutDomainPermissionsPolicy"],
        ),
        (
            "AWS::CodeArtifact::Repository",
            &["codeartifact:PutRepositoryPermissionsPolicy"],
        ),
        (
            "AWS::CloudTrail::ResourcePolicy",
            &["cloudtrail:PutResourcePolicy"],
        ),
        (
            "AWS::DynamoDB::GlobalTable",
            &["dynamodb:PutResourcePolicy"],
        ),
        (
            "AWS::RedshiftServerless::Namespace",
            &["redshift-serverless:PutResourcePolicy"],
        ),
        ("AWS::Logs::Destination", &["logs:PutDestinationPolicy"]),
        (
            "AWS::Logs::DeliveryDestination",
            &["logs:PutDeliveryDestinationPolicy"],
        ),
        ("AWS::Lambda::Permission", &["lambda:AddPermission"]),
        (
            "AWS::Lambda::Url",
            &[
                "lambda:CreateFunctionUrlConfig",
                "lambda:UpdateFunctionUrlConfig",
            ],
        ),
        (
            "AWS::Lambda::LayerVersionPermission",
            &["lambda:AddLayerVersionPermission"],
        ),
        (
            "AWS::EC2::VPCEndpointServicePermissions",
            &["ec2:ModifyVpcEndpointServicePermissions"],
        ),
    ];

    #[test]
    fn every_resource_policy_p2_reads_has_its_writer_listed() {
        let allow = |action: &str| json!({ "Effect": "Allow", "Action": action, "Resource": "*" });
        for t in super::super::services::P2_TYPES {
            let writers = POLICY_WRITERS
                .iter()
                .find(|(kind, _)| kind == t)
                .map(|(_, w)| *w);
            let Some(writers) = writers else {
                panic!("{t}: P2 reads its policy, but no action that writes it is named here");
            };
            for w in writers {
                let listed = SHARING_ACTIONS
                    .iter()
                    .chain(ESCALATION_ACTIONS)
                    .any(|a| a.eq_ignore_ascii_case(w));
                assert!(listed, "{t}: `{w}` is not refused on `*`");
                assert!(too_broad(&allow(w)).is_some(), "{t}: `{w}`");
            }
        }
    }

    /// The actions that change after deploy the settings `MSK1`, `AS1`, `AS2` and `KS1` read,
    /// by the type that holds them (Service Authorization Reference; see
    /// [`CONTROL_OFF_ACTIONS`]): a type one of these rules reads without its writers here
    /// fails, so a setting the rule refuses at deploy cannot be written after it by an
    /// identity `I2` passes (probe 16 #6).
    const SETTING_WRITERS: &[(&str, &[&str])] = &[
        (
            "AWS::MSK::Cluster",
            &[
                "kafka:UpdateSecurity",
                "kafka:UpdateConnectivity",
                "kafka:UpdateClusterConfiguration",
            ],
        ),
        // `MSK1` refuses every serverless cluster (its topics are under a key of AWS's own):
        // nothing of one passes that an update could undo.
        ("AWS::MSK::ServerlessCluster", &[]),
        ("AWS::AppSync::GraphQLApi", &["appsync:UpdateGraphqlApi"]),
        ("AWS::AppSync::Api", &["appsync:UpdateApi"]),
        (
            "AWS::AppSync::ChannelNamespace",
            &["appsync:UpdateChannelNamespace"],
        ),
        // `AS1` reads which API a key belongs to, which no update changes
        // (`UpdateApiKey` takes its description and expiry); whether the API takes keys at
        // all is the API's writer's.
        ("AWS::AppSync::ApiKey", &[]),
        (
            "AWS::Kinesis::Stream",
            &[
                "kinesis:StartStreamEncryption",
                "kinesis:StopStreamEncryption",
            ],
        ),
        (
            "AWS::KinesisFirehose::DeliveryStream",
            &[
                "firehose:StartDeliveryStreamEncryption",
                "firehose:StopDeliveryStreamEncryption",
                "firehose:UpdateDestination",
            ],
        ),
    ];

    #[test]
    fn every_setting_msk1_as1_as2_ks1_read_has_its_writer_listed() {
        let allow = |action: &str, resource: &str| json!({ "Effect": "Allow", "Action": action, "Resource": resource });
        let rules: Vec<_> = super::super::rules()
            .filter(|r| ["MSK1", "AS1", "AS2", "KS1"].contains(&r.id))
            .collect();
        assert_eq!(rules.len(), 4);
        for rule in rules {
            for t in rule.types {
                let Some((_, writers)) = SETTING_WRITERS.iter().find(|(kind, _)| kind == t) else {
                    panic!(
                        "{}: reads {t}, but no action that changes it after deploy is named here",
                        rule.id
                    );
                };
                for w in *writers {
                    let listed = CONTROL_OFF_ACTIONS
                        .iter()
                        .chain(SHARING_ACTIONS)
                        .chain(ESCALATION_ACTIONS)
                        .any(|a| a.eq_ignore_ascii_case(w));
                    assert!(listed, "{}: `{w}` is not refused on `*`", rule.id);
                    assert!(too_broad(&allow(w, "*")).is_some(), "{}: `{w}`", rule.id);
                }
            }
        }
        // Probe 16's actions, in other spellings and as wildcards, fail on `*` as actions
        // that turn a control off, and pass on a resource the statement names.
        for action in [
            "kafka:UpdateSecurity",
            "kafka:UpdateConnectivity",
            "kafka:UpdateClusterConfiguration",
            "appsync:UpdateGraphqlApi",
            "appsync:UpdateApi",
            "appsync:UpdateChannelNamespace",
            "glue:PutDataCatalogEncryptionSettings",
            "kinesis:StartStreamEncryption",
            "firehose:StartDeliveryStreamEncryption",
            "KAFKA:updatesecurity",
            " kafka:UpdateConnectivity ",
            "kafka:Update*",
            "kafka:Update?ecurity",
            "appsync:Update*Api",
            "appsync:*GraphqlApi",
            "glue:Put*EncryptionSettings",
            "kinesis:Start*",
        ] {
            let found = too_broad(&allow(action, "*"));
            assert!(
                found
                    .as_deref()
                    .is_some_and(|f| f.contains("turns off after deploy")),
                "{action}: {found:?}"
            );
            let named = allow(
                action,
                "arn:aws:kafka:us-east-1:111122223333:cluster/app/0f2a7c3e-1b4d-4e8f-9a6b-2c5d8e1f3a7b-1",
            );
            assert!(too_broad(&named).is_none(), "{action}");
        }
        // The neighbours that change none of those settings still pass on `*`.
        for action in [
            "kafka:DescribeCluster",
            "appsync:GetGraphqlApi",
            "kafka:ListClusters",
        ] {
            assert!(too_broad(&allow(action, "*")).is_none(), "{action}");
        }
    }

    #[test]
    fn the_actions_of_probe_14b_fail_on_every_resource() {
        let allow = |action: &str, resource: &str| json!({ "Effect": "Allow", "Action": action, "Resource": resource });
        for action in [
            "lambda:AddPermission",
            "lambda:CreateFunctionUrlConfig",
            "lambda:UpdateFunctionUrlConfig",
            "lambda:AddLayerVersionPermission",
            "logs:PutResourcePolicy",
            "events:PutPermission",
            "ecr:SetRepositoryPolicy",
            "es:UpdateDomainConfig",
            "es:UpdateElasticsearchDomainConfig",
            "apigateway:PATCH",
            "apigateway:PUT",
            "ec2:ModifyVpcEndpointServicePermissions",
            "LAMBDA:addpermission",
            "lambda:Add*",
            "es:Update*Config",
        ] {
            let found = too_broad(&allow(action, "*"));
            assert!(
                found
                    .as_deref()
                    .is_some_and(|f| f.contains("another account")),
                "{action}: {found:?}"
            );
            let named = allow(action, "arn:aws:lambda:us-east-1:111122223333:function:app");
            assert!(too_broad(&named).is_none(), "{action}");
        }
        for action in [
            "ec2:AuthorizeSecurityGroupIngress",
            "ec2:ModifySecurityGroupRules",
            "elasticloadbalancing:ModifyListener",
            "elasticloadbalancing:CreateListener",
            "cloudfront:UpdateDistribution",
            "redshift:ModifyCluster",
            "rds:ModifyDBProxy",
            "ec2:Authorize*",
            "elasticloadbalancing:*Listener",
        ] {
            let found = too_broad(&allow(action, "*"));
            assert!(
                found.as_deref().is_some_and(|f| f.contains("turns off")),
                "{action}: {found:?}"
            );
            let named = allow(
                action,
                "arn:aws:ec2:us-east-1:111122223333:security-group/sg-1",
            );
            assert!(too_broad(&named).is_none(), "{action}");
        }
        // Reading a listener or a security group stays allowed on every resource.
        for action in [
            "elasticloadbalancing:DescribeListeners",
            "ec2:DescribeSecurityGroups",
        ] {
            assert!(too_broad(&allow(action, "*")).is_none(), "{action}");
        }
    }

    /// The hostile review of session 34: reads of every stream, API, function, user pool,
    /// image, read set, run and archive, restores of every database, and the ways in as any
    /// user of a pool or person of an organization fail on every resource, in any spelling
    /// that matches them; named resources leave them to the rules of those resources.
    #[test]
    fn data_and_takeover_actions_of_other_services_fail_on_every_resource() {
        let allow = |action: &str, resource: &str| json!({ "Effect": "Allow", "Action": action, "Resource": resource });
        for action in [
            "kafka-cluster:ReadData",
            "kafka-cluster:*Data",
            "execute-api:Invoke",
            "appsync:GraphQL",
            "lambda:InvokeFunction",
            "lambda:Invoke*",
            "cognito-idp:ListUsers",
            "cognito-idp:AdminGetUser",
            "medical-imaging:GetImageFrame",
            "omics:GetReadSet",
            "states:DescribeExecution",
            "glacier:GetJobOutput",
            "rds:RestoreDBInstanceFromDBSnapshot",
            "rds:Restore*",
            "cognito-idp:AdminSetUserPassword",
            "cognito-idp:Admin*",
            "sso:CreateAccountAssignment",
            "sso:PutInlinePolicyToPermissionSet",
            "identitystore:CreateGroupMembership",
        ] {
            assert!(too_broad(&allow(action, "*")).is_some(), "{action}");
        }
        assert!(
            too_broad(&allow(
                "lambda:InvokeFunction",
                "arn:aws:lambda:us-east-1:123456789012:function:reader"
            ))
            .is_none()
        );
    }

    #[test]
    fn actions_that_move_a_store_out_of_the_account_fail_on_every_resource() {
        let allow = |action: &str, resource: &str| json!({ "Effect": "Allow", "Action": action, "Resource": resource });
        for sharing in [
            "logs:PutSubscriptionFilter",
            "logs:Put*Filter",
            "LOGS:PUTACCOUNTPOLICY",
            "logs:CreateExportTask",
            "logs:CreateDelivery",
            "backup:StartCopyJob",
            "backup:*CopyJob",
            "backup:UpdateBackupPlan",
            "ram:CreateResourceShare",
            "ram:*ResourceShare",
            "kinesis:PutResourcePolicy",
            "glue:PutResourcePolicy",
            "lakeformation:GrantPermissions",
            "sqs:SetQueueAttributes",
            "sns:Set*Attributes",
            "elasticfilesystem:PutFileSystemPolicy",
            "s3:PutAccessPoint*",
            "s3tables:PutTable*Policy",
            "redshift:AuthorizeDataShare",
            "aoss:UpdateSecurityPolicy",
            "ec2:DisableSnapshotBlockPublicAccess",
            "firehose:UpdateDestination",
            "rds:StartExportTask",
            "ec2:Export*",
            "ec2:CreateInstanceExportTask",
            "ec2:CreateStoreImageTask",
            "qldb:ExportJournalToS3",
            "healthlake:StartFHIRExportJob",
            "healthlake:StartFHIRExportJob*",
            "HealthLake:startfhirexportjobwithpost",
        ] {
            let found = too_broad(&allow(sharing, "*"));
            assert!(
                found
                    .as_deref()
                    .is_some_and(|f| f.contains("another account")),
                "{sharing}: {found:?}"
            );
            // Named resources are judged by the rules of those resources.
            assert!(
                too_broad(&allow(
                    sharing,
                    "arn:aws:logs:us-east-1:111122223333:log-group:app"
                ))
                .is_none(),
                "{sharing}"
            );
        }
        for data in [
            "s3express:CreateSession",
            "s3tables:GetTableData",
            "timestream:Select",
            "cassandra:Select",
            "dsql:DbConnect*",
            "memorydb:Connect",
            "elasticfilesystem:Client*",
            "kinesisvideo:GetMedia",
            "es:ESHttp*",
            "aoss:APIAccessAll",
            "neptune-graph:ReadDataViaQuery",
            "sns:Subscribe",
            "logs:StartLiveTail",
            "logs:Unmask",
            "rds:Download*",
            "backup:StartRestoreJob",
            "sqs:SendMessage",
            "sqs:Delete*",
            "sqs:PurgeQueue",
            "kinesis:PutRecords",
            "firehose:PutRecord*",
        ] {
            let found = too_broad(&allow(data, "*"));
            assert!(
                found.as_deref().is_some_and(|f| f.contains("data action")),
                "{data}: {found:?}"
            );
        }
        for escalation in [
            "ssm:SendCommand",
            "ssm:Start*",
            "ecs:ExecuteCommand",
            "ec2-instance-connect:Send*",
            "sagemaker:CreatePresigned*",
            "codebuild:StartBuild",
            "lambda:Update*",
            "ec2:ModifyInstanceAttribute",
        ] {
            let found = too_broad(&allow(escalation, "*"));
            assert!(
                found
                    .as_deref()
                    .is_some_and(|f| f.contains("any permission")),
                "{escalation}: {found:?}"
            );
        }
        // Actions that move nothing out of the account stay allowed on `*`.
        for harmless in [
            "logs:DescribeSubscriptionFilters",
            "backup:ListCopyJobs",
            "ram:GetResourceShares",
            "sqs:GetQueueAttributes",
            "sns:ListSubscriptions",
        ] {
            assert!(too_broad(&allow(harmless, "*")).is_none(), "{harmless}");
        }
    }

    #[test]
    fn a_tunnel_through_every_endpoint_fails_unless_its_condition_names_the_hosts() {
        let tunnel = |resource: &str, condition: Value| json!({ "Effect": "Allow", "Action": "ec2-instance-connect:OpenTunnel", "Resource": resource, "Condition": condition });
        let every = "arn:aws:ec2:us-east-1:111122223333:instance-connect-endpoint/*";
        let key = "ec2-instance-connect:privateIpAddress";
        for (resource, condition) in [
            ("*", json!({})),
            (every, json!({})),
            (
                "*",
                json!({"NumericEquals": {"ec2-instance-connect:remotePort": "22"}}),
            ),
            ("*", json!({"IpAddressIfExists": {key: "10.0.1.5"}})),
            ("*", json!({"NotIpAddress": {key: "10.0.1.5"}})),
            ("*", json!({"ForAllValues:IpAddress": {key: "10.0.1.5"}})),
            ("*", json!({"IpAddress": {key: "10.0.0.0/16"}})),
            ("*", json!({"IpAddress": {key: ["10.0.1.5", "0.0.0.0/0"]}})),
            ("*", json!({"IpAddress": {key: "::/0"}})),
            ("*", json!({"IpAddress": {key: []}})),
            ("*", json!({"IpAddress": {key: {"Ref": "Allowed"}}})),
            ("*", json!({"IpAddress": {key: "${aws:PrincipalTag/ip}"}})),
            ("*", json!({"IpAddress": {key: "10.0.1.5/40"}})),
        ] {
            let found = too_broad(&tunnel(resource, condition.clone()));
            assert!(
                found
                    .as_deref()
                    .is_some_and(|f| f.contains("Instance Connect Endpoint")),
                "{resource} {condition}: {found:?}"
            );
        }
        for (resource, condition) in [
            ("*", json!({"IpAddress": {key: "10.0.1.5"}})),
            (
                "*",
                json!({" ipaddress ": {"EC2-Instance-Connect:PrivateIpAddress": ["10.0.1.5/32", "10.0.2.0/24"]}}),
            ),
            ("*", json!({"ForAnyValue:IpAddress": {key: "fd00::5/128"}})),
            (
                "arn:aws:ec2:us-east-1:111122223333:instance-connect-endpoint/eice-0123456789abcdef0",
                json!({}),
            ),
        ] {
            assert!(
                too_broad(&tunnel(resource, condition.clone())).is_none(),
                "{resource} {condition}"
            );
        }
        // The other interactive ways in fail on every resource whatever their condition.
        for action in [
            "ssm:ResumeSession",
            "ssm:CreateAssociation*",
            "ssm:UpdateAssociation",
            "sagemaker:CreatePresignedDomainUrl",
        ] {
            let statement = json!({ "Effect": "Allow", "Action": action, "Resource": "*", "Condition": {"IpAddress": {key: "10.0.1.5"}} });
            assert!(
                too_broad(&statement)
                    .as_deref()
                    .is_some_and(|f| f.contains("any permission")),
                "{action}"
            );
        }
    }

    #[test]
    fn actions_that_turn_a_control_off_fail_on_every_resource_of_their_type() {
        let allow = |action: &str, resource: &str| json!({ "Effect": "Allow", "Action": action, "Resource": resource });
        for (off, every) in [
            ("cloudtrail:StopLogging", "*"),
            ("cloudtrail:Stop*", "*"),
            (
                "CLOUDTRAIL:PUTEVENTSELECTORS",
                "arn:aws:cloudtrail:*:*:trail/*",
            ),
            ("cloudtrail:UpdateTrail", "*"),
            (
                "logs:DisassociateKmsKey",
                "arn:aws:logs:us-east-1:111122223333:log-group:*",
            ),
            ("logs:*RetentionPolicy", "*"),
            ("logs:DeleteLogGroup", "*"),
            ("s3:PutEncryptionConfiguration", "arn:aws:s3:::*"),
            ("s3:PutBucketV*", "*"),
            ("s3:PutLifecycleConfiguration", "*"),
            ("kms:ScheduleKeyDeletion", "arn:aws:kms:*:*:key/*"),
            ("kms:Disable*", "*"),
            ("backup:DeleteRecoveryPoint", "*"),
            (
                "backup:UpdateRecoveryPointLifecycle",
                "arn:aws:backup:us-east-1:111122223333:recovery-point:*",
            ),
            ("backup:DeleteBackupVaultAccessPolicy", "*"),
            (
                "rds:ModifyDBInstance",
                "arn:aws:rds:us-east-1:111122223333:db:*",
            ),
            ("rds:ModifyDBInst*", "*"),
            ("ec2:DeleteFlowLogs", "*"),
            ("config:StopConfigurationRecorder", "*"),
            ("guardduty:DeleteDetector", "*"),
            ("guardduty:UpdateDetector", "*"),
            ("securityhub:DisableSecurityHub", "*"),
            (
                "dynamodb:UpdateContinuousBackups",
                "arn:aws:dynamodb:us-east-1:111122223333:table/*",
            ),
            ("access-analyzer:DeleteAnalyzer", "*"),
            ("cloudwatch:DeleteAlarms", "*"),
            (
                "cloudwatch:DisableAlarmActions",
                "arn:aws:cloudwatch:us-east-1:111122223333:alarm:*",
            ),
            ("secretsmanager:CancelRotateSecret", "*"),
            (" sns:Unsubscribe", "*"),
            ("iam:DeleteAccountPasswordPolicy", "*"),
            (
                "iam:DeactivateMFADevice",
                "arn:aws:iam::111122223333:user/*",
            ),
            ("ec2:ModifyEbsDefaultKmsKeyId", "*"),
            (
                "kinesis:StopStreamEncryption",
                "arn:aws:kinesis:*:*:stream/*",
            ),
            ("wafv2:DisassociateWebACL", "*"),
        ] {
            let found = too_broad(&allow(off, every));
            assert!(
                found
                    .as_deref()
                    .is_some_and(|f| f.contains("turns off after deploy")),
                "{off} on {every}: {found:?}"
            );
        }
        // `NotResource` allows every resource it does not name.
        let not = json!({ "Effect": "Allow", "Action": "kms:DisableKeyRotation", "NotResource": "arn:aws:kms:us-east-1:111122223333:key/k" });
        assert!(too_broad(&not).is_some());
        // Named resources are judged by the rules of those resources.
        for (off, one) in [
            (
                "cloudtrail:StopLogging",
                "arn:aws:cloudtrail:us-east-1:111122223333:trail/audit",
            ),
            (
                "logs:PutRetentionPolicy",
                "arn:aws:logs:us-east-1:111122223333:log-group:/app/api:*",
            ),
            (
                "kms:ScheduleKeyDeletion",
                "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            ),
            (
                "rds:ModifyDBInstance",
                "arn:aws:rds:us-east-1:111122223333:db:records",
            ),
            ("s3:PutBucketVersioning", "arn:aws:s3:::records"),
        ] {
            assert!(too_broad(&allow(off, one)).is_none(), "{off} on {one}");
        }
        // Reading a control's state turns nothing off.
        for read in [
            "cloudtrail:GetTrailStatus",
            "cloudtrail:DescribeTrails",
            "logs:DescribeLogGroups",
            "kms:GetKeyRotationStatus",
            "rds:DescribeDBInstances",
            "guardduty:GetDetector",
            "cloudwatch:DescribeAlarms",
            "cloudwatch:PutMetricData",
            "s3:GetEncryptionConfiguration",
        ] {
            assert!(too_broad(&allow(read, "*")).is_none(), "{read}");
        }
    }

    #[test]
    fn broad_statements_are_named() {
        let allow = |action: Value, resource: Value| json!({ "Effect": "Allow", "Action": action, "Resource": resource });
        assert!(too_broad(&allow(json!("*"), json!("arn:aws:s3:::b"))).is_some());
        assert!(too_broad(&allow(json!(["s3:*"]), json!("arn:aws:s3:::b"))).is_some());
        // A wildcard before the service's `:` spans it; `?*` matches every name.
        for every in ["s3*", "S3:?*", "s?:*", "*3:??*", "?*", "s*3:*"] {
            assert!(
                too_broad(&allow(json!(every), json!("arn:aws:s3:::b"))).is_some(),
                "{every}"
            );
        }
        for some in [
            "s3:Get*",
            "s3:Get*Object",
            "*:GetObject",
            "s*:Get*",
            "s3:???",
        ] {
            assert!(
                too_broad(&allow(json!(some), json!("arn:aws:s3:::b/*"))).is_none(),
                "{some}"
            );
        }
        // `AWS::NoValue` removes a `NotAction` or a `NotResource`.
        let removed = json!({ "Effect": "Allow", "Action": "s3:GetObject", "NotAction": {"Ref": "AWS::NoValue"}, "NotResource": {"Ref": "AWS::NoValue"}, "Resource": "arn:aws:s3:::b/*" });
        assert!(too_broad(&removed).is_none());
        assert!(too_broad(&allow(json!("s3:GetObject"), json!("*"))).is_some());
        assert!(too_broad(&allow(json!("s3:GetObject"), json!("arn:aws:s3:::b/*"))).is_none());
        assert!(too_broad(&allow(json!("ec2:DescribeInstances"), json!("*"))).is_none());
        let deny = json!({ "Effect": "Deny", "Action": "*", "Resource": "*" });
        assert!(too_broad(&deny).is_none());
        assert!(kms_on_every_key(&allow(json!("kms:*"), json!(["*"]))).is_some());
        assert!(kms_on_every_key(&allow(json!("kms:ReEncrypt*"), json!("*"))).is_some());
        assert!(kms_on_every_key(&allow(json!("kms:Decrypt"), json!("arn:aws:kms:k"))).is_none());
        assert!(kms_on_every_key(&allow(json!("kms:Encrypt"), json!("*"))).is_none());
        // A grant or a key policy of one's own gives Decrypt on any key.
        assert!(kms_on_every_key(&allow(json!("kms:CreateGrant"), json!("*"))).is_some());
        assert!(
            kms_on_every_key(&allow(json!("kms:Put*"), json!("arn:aws:kms:*:*:key/*"))).is_some()
        );
        let not = json!({ "Effect": "Allow", "NotAction": ["kms:Decrypt", "kms:ReEncrypt*"], "Resource": "*" });
        assert!(kms_on_every_key(&not).is_some_and(|f| f.contains("kms:CreateGrant")));
        assert!(kms_on_every_key(&allow(json!("kms:ListGrants"), json!("*"))).is_none());
    }

    /// A name pattern that writes only what AWS gives every name of a type (a generated
    /// id's prefix, a mandated suffix) covers every resource of the type; one that writes a
    /// name of its own does not.
    #[test]
    fn prefixes_and_suffixes_aws_gives_every_name_name_no_one() {
        for every in [
            "arn:aws:rds-db:us-east-1:123456789012:dbuser:db-*/app",
            "arn:aws:rds-db:us-east-1:123456789012:dbuser:cluster-*/*",
            "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-*",
            "arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-*",
            "arn:aws:neptune-graph:us-east-1:123456789012:graph/g-*",
            "arn:aws:s3express:us-east-1:123456789012:bucket/*--x-s3",
            "arn:aws:s3express:us-east-1:123456789012:bucket/*--use1-az4--x-s3",
            "arn:aws:s3express:us-east-1:123456789012:bucket/*az4--x-s3",
            "arn:aws:s3express:us-east-1:123456789012:bucket/*-s3",
            "arn:aws:s3express:us-east-1:123456789012:accesspoint/*--use1-az4--xa-s3",
            "arn:aws:s3::123456789012:accesspoint/*.mrap/object/*",
            "arn:aws:sqs:us-east-1:123456789012:*.fifo",
            "arn:aws:sqs:us-east-1:123456789012:*o",
            "arn:aws:sns:us-east-1:123456789012:*.FIFO",
        ] {
            assert!(every_resource(every), "{every}");
        }
        for one in [
            "arn:aws:rds-db:us-east-1:123456789012:dbuser:db-ABCDEFGHIJKL01234/app",
            "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0123456789abcdef0",
            "arn:aws:neptune-graph:us-east-1:123456789012:graph/g-vgebxfyat7",
            "arn:aws:s3express:us-east-1:123456789012:bucket/records--use1-az4--x-s3",
            "arn:aws:s3express:us-east-1:123456789012:bucket/records--*--x-s3",
            "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap/object/*",
            "arn:aws:sqs:us-east-1:123456789012:orders.fifo",
            "arn:aws:sqs:us-east-1:123456789012:orders*.fifo",
            // A general purpose bucket's name has no suffix AWS gives it.
            "arn:aws:s3:::records.fifo/*",
        ] {
            assert!(!every_resource(one), "{one}");
        }
    }
}

/// Probe 18b R1: the audience of a role that trusts an identity pool, in every spelling X2
/// reads: `Ref`, `Fn::Sub` of `${Pool}` alone, each branch of an `Fn::If`.
#[cfg(test)]
mod probe_18b {
    use serde_json::{Value, json};

    use super::super::{Cx, Outcome};

    fn judge(aud: Value, amr: bool) -> Outcome {
        let mut condition =
            json!({ "StringEquals": { "cognito-identity.amazonaws.com:aud": aud } });
        if amr {
            condition["ForAnyValue:StringLike"] =
                json!({ "cognito-identity.amazonaws.com:amr": "authenticated" });
        }
        Cx::check_first(
            super::i8,
            &[
                (
                    "R",
                    "AWS::IAM::Role",
                    json!({ "AssumeRolePolicyDocument": { "Version": "2012-10-17", "Statement": [{
                        "Effect": "Allow",
                        "Principal": { "Federated": "cognito-identity.amazonaws.com" },
                        "Action": "sts:AssumeRoleWithWebIdentity",
                        "Condition": condition
                    }] } }),
                ),
                (
                    "Closed",
                    "AWS::Cognito::IdentityPool",
                    json!({ "AllowUnauthenticatedIdentities": false }),
                ),
                (
                    "Open",
                    "AWS::Cognito::IdentityPool",
                    json!({ "AllowUnauthenticatedIdentities": true }),
                ),
                ("Table", "AWS::DynamoDB::Table", json!({})),
            ],
        )
    }

    #[test]
    fn i8_reads_the_pool_an_audience_names_in_every_spelling() {
        for aud in [
            json!({ "Ref": "Closed" }),
            json!({ "Fn::Sub": "${Closed}" }),
            json!({ "Fn::If": ["C", { "Ref": "Closed" }, { "Fn::Sub": "${Closed}" }] }),
        ] {
            let found = judge(aud.clone(), false);
            assert!(matches!(found, Outcome::Pass(_)), "{aud}: {found:?}");
        }
        // An open pool, in any branch, needs `amr`.
        for aud in [
            json!({ "Ref": "Open" }),
            json!({ "Fn::Sub": "${Open}" }),
            json!({ "Fn::If": ["C", { "Ref": "Closed" }, { "Ref": "Open" }] }),
        ] {
            match judge(aud.clone(), false) {
                Outcome::Fail(why) => assert!(why.contains("guest"), "{aud}: {why}"),
                other => panic!("{aud}: {other:?}"),
            }
            let found = judge(aud.clone(), true);
            assert!(matches!(found, Outcome::Pass(_)), "{aud}: {found:?}");
        }
        // No pool: another resource, text around a pool, a branch that names no pool.
        for aud in [
            json!({ "Ref": "Table" }),
            json!({ "Fn::Sub": "${Closed}-x" }),
            json!({ "Fn::Sub": "${Closed.Name}" }),
            json!({ "Fn::If": ["C", { "Ref": "Closed" }, { "Ref": "Table" }] }),
        ] {
            match judge(aud.clone(), true) {
                Outcome::Fail(why) => assert!(why.contains("audience"), "{aud}: {why}"),
                other => panic!("{aud}: {other:?}"),
            }
        }
    }
}

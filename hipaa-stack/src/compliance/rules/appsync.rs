//! AWS AppSync GraphQL and Event APIs: who may call them and whether their calls are
//! logged. Neither cdk-nag's HIPAA Security pack nor the AWS Config HIPAA conformance pack
//! reads them; these rules check what AWS Config's `appsync-authorization-check` and `appsync-logging-enabled`,
//! cdk-nag's AWS Solutions `ASC3` and checkov's `CKV_AWS_193`/`CKV_AWS_194` do.
//!
//! An API key is a shared secret shipped inside every client: an API that takes it by default
//! lets anyone who has a copy of the app read every field that names no other mode. Both
//! rules accept a waiver with a reason (as `A4M` does for API Gateway).

use serde_json::Value;

use super::meaning::{text, text_or_json};
use super::{Cx, OkOrDefault, Outcome, Packs, Proof, RuleSpec, all, proof_of};
use crate::cfn::Resource;

/// A GraphQL API.
const API: &str = "AWS::AppSync::GraphQLApi";
/// An API key of a GraphQL API.
const API_KEY: &str = "AWS::AppSync::ApiKey";
/// An Event API, whose handlers log as a GraphQL API's resolvers do.
const EVENT_API: &str = "AWS::AppSync::Api";
/// A channel namespace of an Event API, whose auth modes override the API's defaults.
const NAMESPACE: &str = "AWS::AppSync::ChannelNamespace";
/// A Cognito user pool, which a Cognito mode names by its ID.
const USER_POOL: &str = "AWS::Cognito::UserPool";

/// The lists of an Event API's `EventConfig` whose modes decide who may connect, publish
/// and subscribe: "A list of valid authorization modes" for each (the AppSync API
/// reference, `EventConfig`), every one of which AppSync takes.
const EVENT_MODES: &[&str] = &[
    "/EventConfig/ConnectionAuthModes",
    "/EventConfig/DefaultPublishAuthModes",
    "/EventConfig/DefaultSubscribeAuthModes",
];
/// A channel namespace's lists, which override the API's defaults when written
/// (`AWS::AppSync::ChannelNamespace`).
const NAMESPACE_MODES: &[&str] = &["/PublishAuthModes", "/SubscribeAuthModes"];

/// The authentication types that identify the caller.
const IDENTIFYING: &[&str] = &[
    "AWS_IAM",
    "AMAZON_COGNITO_USER_POOLS",
    "OPENID_CONNECT",
    "AWS_LAMBDA",
];

pub(crate) static RULES: &[RuleSpec] = &[
    RuleSpec {
        id: "AS1",
        title: "AppSync APIs authenticate callers by identity, not by an API key",
        types: &[API, API_KEY, EVENT_API, NAMESPACE],
        controls: &["164.312(a)(1)", "164.312(d)"],
        fix: "set the API's `AuthenticationType` to AWS_IAM, AMAZON_COGNITO_USER_POOLS (with `UserPoolConfig.UserPoolId` the `Ref` of a user pool of the app whose `AdminCreateUserConfig.AllowAdminCreateUserOnly` is true, and `AppIdClientRegex` naming only its app clients of the template: a client's `Ref`, or `^(${Web}|${Ios})$` in an `Fn::Sub`; the same for every additional Cognito provider and an Event API's `CognitoConfig`), OPENID_CONNECT (with `OpenIDConnectConfig.ClientId` naming the app's own clients: their ids written out, as `^(id-one|id-two)$`, with no class, `.*`, unbounded repetition or flag, or the `ClientId` of a Cognito user pool client of the template, which an `Issuer` that is a user pool of the app requires, that pool closed to sign-up) or AWS_LAMBDA (with `LambdaAuthorizerConfig.AuthorizerUri` a function of the app: its `Arn`, an alias's or version's `Ref`, or an import of one); an API key may stay only as an additional provider, for the fields that name `@aws_api_key`, on an API of the app; an Event API and its channel namespaces list only those modes (never API_KEY) to connect, publish and subscribe",
        packs: Packs {
            cdk_nag: None,
            checkov: None,
            guard: Some("APPSYNC_AUTHORIZATION_CHECK"),
        },
        check: as1,
    },
    RuleSpec {
        id: "AS2",
        title: "AppSync APIs log field errors to CloudWatch, without every field's request and response",
        types: &[API, EVENT_API],
        controls: &["164.308(a)(1)(ii)(D)", "164.312(b)"],
        fix: "set `LogConfig.CloudWatchLogsRoleArn` and `LogConfig.FieldLogLevel` ERROR, INFO or DEBUG (not NONE, and not ALL, which logs every resolved field's request and response, PHI and all); on an Event API, `EventConfig.EventLogConfig.CloudWatchLogsRoleArn` and `EventConfig.EventLogConfig.LogLevel` the same",
        packs: Packs {
            cdk_nag: None,
            checkov: Some("CKV_AWS_193"),
            guard: Some("APPSYNC_LOGGING_ENABLED"),
        },
        check: as2,
    },
];

/// The APIs of the template that an API key's `ApiId` names (`Fn::GetAtt [Api, ApiId]`):
/// every one it mentions, since a value that mentions several (`Fn::Select`, `Fn::If`
/// of a list) may resolve to any of them.
fn apis_of<'a>(cx: &Cx<'a>) -> Vec<&'a Resource> {
    let Some(named) = cx.prop("/ApiId") else {
        return Vec::new();
    };
    cx.others(API)
        .chain(cx.others(EVENT_API))
        .filter(|api| super::compute::mentions(named, api.logical_id()))
        .collect()
}

/// Why an OpenID Connect `ClientId` (a regular expression that AppSync matches the token's
/// audience against: "a regular expression so that AWS AppSync can validate against
/// multiple client identifiers at a time", the AppSync API reference, `OpenIDConnectConfig`)
/// may admit a client the app did not name, if it may: a pattern one of whose alternatives
/// requires no literal character (`.*`, `^.+$`, `*`, `app|.*`, `app|`, `\w+`, `[a-z0-9]{26}`,
/// `(app)?`: such an alternative is satisfied by a client id of anyone's choosing, or any
/// client of the issuer), a pattern that matches more than literal client ids (a class
/// `[0-9a-z]+`, `[^/]*`, a `.` but one alone between two literal characters, `\w`, `\d`, a repetition without bound `+`, `*`, `{n,}`,
/// an inline flag such as `(?i)`, a back-reference: each admits ids that the app did not
/// write, as `[0-9]+-app\.apps…` admits `1-app.apps…` of another), or a value read at
/// deploy (`{{resolve:…}}`), which may be one. What passes is a finite list of the app's
/// client ids written out, as alternatives, optional parts (`?`) and bounded repetitions.
fn unnamed_clients(pattern: &str) -> Option<String> {
    if pattern.contains("{{resolve:") {
        return Some(format!(
            "{pattern}, read at deploy: it may hold a pattern that matches every client"
        ));
    }
    let chars: Vec<char> = pattern.trim().chars().collect();
    let mut at = 0;
    let mut open = false;
    let named = alternation(&chars, &mut at, &mut open);
    // A pattern not read exactly to its end (a `)` that closes nothing, a `[` that nothing
    // closes) is not read at all.
    if !named || at != chars.len() {
        return Some(format!("{pattern}, a pattern that matches every client"));
    }
    open.then(|| {
        format!(
            "{pattern}, a pattern that matches client ids the app did not write (a class, `.`, a repetition without bound or a flag): write the app's client ids out, as `^(id-one|id-two)$`"
        )
    })
}

/// Why the `ClientId` at `pointer` (which is set) may admit a client the app did not name:
/// a pattern read as [`unnamed_clients`] reads it, or a value that cannot be read before
/// deploy (a parameter, an SSM parameter's `Value`, an import, a custom resource's
/// attribute), which may be `.*` then. The id of a Cognito user pool client of the
/// template (its `Ref` or its `ClientId` attribute: CloudFormation reference,
/// `AWS::Cognito::UserPoolClient` return values) names one client of the app.
fn client_id_problem(cx: &Cx<'_>, pointer: &str) -> Option<String> {
    let value = cx.prop(pointer)?;
    if let Some(config) = pointer.strip_suffix("/ClientId")
        && cx
            .prop(&format!("{config}/Issuer"))
            .is_some_and(|issuer| super::flows::issued_by_a_pool_of_the_app(cx, issuer))
    {
        return (!super::flows::names_only_clients_of_the_app(cx, value)).then(|| {
            format!(
                "{}, which names no app client of the app though the issuer is a user pool of the app: a client made outside the templates signs callers in on terms no rule reads; name the pool's clients of the template (their `Ref`, as `^(${{Web}}|${{Ios}})$` in an `Fn::Sub`)",
                text_or_json(value)
            )
        });
    }
    if let Some(id) = text(value) {
        return unnamed_clients(&id);
    }
    let client = match value.as_object().filter(|m| m.len() == 1)?.iter().next()? {
        (k, Value::String(id)) if k == "Ref" => Some(id.clone()),
        (k, Value::Array(a)) if k == "Fn::GetAtt" && a.len() == 2 && a[1] == "ClientId" => {
            a[0].as_str().map(str::to_owned)
        }
        (k, Value::String(s)) if k == "Fn::GetAtt" => {
            s.strip_suffix(".ClientId").map(str::to_owned)
        }
        _ => None,
    };
    let own = client.is_some_and(|id| {
        cx.others("AWS::Cognito::UserPoolClient")
            .any(|c| c.logical_id() == id)
    });
    (!own).then(|| {
        format!(
            "{}, a value known only at deploy: it may hold a pattern that matches every client",
            super::meaning::text_or_json(value)
        )
    })
}

/// Whether every alternative of the regular expression from `at` (up to its end or the `)`
/// that closes the group) requires a literal character; `at` is left on that `)`. `open` is
/// set when a part matches more than literal text (see [`unnamed_clients`]).
fn alternation(p: &[char], at: &mut usize, open: &mut bool) -> bool {
    let mut every = sequence(p, at, open);
    while p.get(*at) == Some(&'|') {
        *at += 1;
        every &= sequence(p, at, open);
    }
    every
}

/// Whether a sequence of atoms (up to `|`, `)` or the end) requires a literal character: an
/// atom that is one (or a group whose every alternative requires one), not made optional
/// by `?`, `*` or a `{0,…}` repetition. Classes (`.`, `[…]`, `\w`, `\d`, …) and anchors are
/// no literal; an escaped punctuation character (`\.`) is.
fn sequence(p: &[char], at: &mut usize, open: &mut bool) -> bool {
    let mut requires = false;
    // Whether the atom before is one literal character, repeated at most once.
    let mut after_literal = false;
    while let Some(&c) = p.get(*at) {
        let literal = match c {
            '|' | ')' => break,
            // A lone `.` between two literal characters (`…-app.apps.googleusercontent.com`,
            // a domain written without escaping its dots) stands for one character among
            // written ones; any other `.` (`.+`, `..`, `a.`) admits ids the app did not
            // write.
            '.' if after_literal
                && p.get(*at + 1)
                    .is_some_and(|n| n.is_alphanumeric() || matches!(n, '-' | '_'))
                && !matches!(p.get(*at + 2), Some('*' | '+' | '?' | '{')) =>
            {
                *at += 1;
                false
            }
            '(' => {
                *at += 1;
                let mut counts = true;
                if p.get(*at) == Some(&'?') {
                    *at += 1;
                    match p.get(*at) {
                        Some(':') => *at += 1,
                        // Look-arounds match no character.
                        Some('=' | '!') => {
                            *at += 1;
                            counts = false;
                        }
                        Some('<') if matches!(p.get(*at + 1), Some('=' | '!')) => {
                            *at += 2;
                            counts = false;
                        }
                        // A named group: `(?P<name>…)`, `(?<name>…)` (`(?P=name)`, a
                        // back-reference, matches what the group matched: not read).
                        Some('P' | '<') => {
                            if p.get(*at) == Some(&'P') && p.get(*at + 1) != Some(&'<') {
                                *open = true;
                            }
                            while p.get(*at).is_some_and(|c| *c != '>') {
                                *at += 1;
                            }
                            *at += 1;
                        }
                        // Flags: `(?i)`, `(?i:…)`, which change what the literals match.
                        _ => {
                            *open = true;
                            while p.get(*at).is_some_and(|c| !matches!(c, ':' | ')')) {
                                *at += 1;
                            }
                            if p.get(*at) == Some(&':') {
                                *at += 1;
                            }
                        }
                    }
                }
                let inner = alternation(p, at, open);
                if p.get(*at) == Some(&')') {
                    *at += 1;
                }
                counts && inner
            }
            '[' => {
                *at += 1;
                if p.get(*at) == Some(&'^') {
                    *at += 1;
                }
                if p.get(*at) == Some(&']') {
                    *at += 1;
                }
                while p.get(*at).is_some_and(|c| *c != ']') {
                    if p[*at] == '\\' {
                        *at += 1;
                    }
                    *at += 1;
                }
                *at += 1;
                *open = true;
                false
            }
            '\\' => {
                *at += 2;
                let punctuation = p.get(*at - 1).is_some_and(|e| !e.is_ascii_alphanumeric());
                *open |= !punctuation;
                punctuation
            }
            // Anchors match no character.
            '^' | '$' => {
                *at += 1;
                false
            }
            '.' | '*' | '+' | '?' => {
                *at += 1;
                *open = true;
                false
            }
            _ => {
                *at += 1;
                true
            }
        };
        // The atom's repetition, if any: optional when it may repeat zero times.
        let (quantified, optional) = match p.get(*at) {
            Some('*') => {
                *at += 1;
                *open = true;
                (true, true)
            }
            Some('?') => {
                *at += 1;
                (true, true)
            }
            Some('+') => {
                *at += 1;
                *open = true;
                (true, false)
            }
            Some('{') if p.get(*at + 1).is_some_and(char::is_ascii_digit) => {
                *at += 1;
                let least: String = p[*at..].iter().take_while(|c| c.is_ascii_digit()).collect();
                let start = *at;
                while p.get(*at).is_some_and(|c| *c != '}') {
                    *at += 1;
                }
                // `{n,}` repeats without bound.
                let bounds: String = p[start..(*at).min(p.len())].iter().collect();
                *open |= bounds.ends_with(',') || p.get(*at).is_none();
                *at += 1;
                (true, least.parse::<u64>().map_or(true, |n| n == 0))
            }
            _ => (false, false),
        };
        // A lazy or possessive repetition (`*?`, `++`) repeats as often.
        if quantified && matches!(p.get(*at), Some('?' | '+')) {
            *at += 1;
        }
        requires |= literal && !optional;
        after_literal = literal && !quantified;
    }
    requires
}

/// An API whose default mode is OpenID Connect must name the clients whose tokens it takes:
/// without `OpenIDConnectConfig.ClientId` AppSync checks no audience (every client of the
/// issuer, the CDK's `OpenIdConnectConfig.clientId` "default: * (All)"), so with a public
/// issuer anyone who signs in to it for an app of their own calls the API.
fn oidc_clients(cx: &Cx<'_>) -> Result<Proof, String> {
    const WHY: &str = "AppSync then takes a token that the issuer gave to any client, and anyone who signs in to the issuer for an app of their own calls the API";
    let pointer = "/OpenIDConnectConfig/ClientId";
    let proof = cx.present(pointer).map_err(|e| format!("{e}: {WHY}"))?;
    match client_id_problem(cx, pointer) {
        Some(why) => Err(format!("`OpenIDConnectConfig.ClientId` is {why}: {WHY}")),
        None => Ok(proof),
    }
}

/// The modes of an Event API's (or a channel namespace's) lists at `pointers`: each must be
/// written (an Event API's are required; a namespace's that are not written take the API's),
/// and each mode identify the caller. An API key in any list lets whoever holds a copy of
/// it connect, publish or subscribe.
fn event_modes(cx: &Cx<'_>, pointers: &[&str], required: bool) -> Vec<Result<Proof, String>> {
    let mut checks = Vec::new();
    for pointer in pointers {
        let name = pointer.trim_start_matches('/').replace('/', ".");
        let Some(modes) = cx.prop(pointer).filter(|v| !super::meaning::no_value(v)) else {
            if required {
                checks.push(Err(format!(
                    "`{name}` is not set: nothing shows who may use the API"
                )));
            }
            continue;
        };
        let Some(items) = modes.as_array() else {
            checks.push(Err(format!(
                "`{name}` is {}, which no rule can read as a list of modes",
                text_or_json(modes)
            )));
            continue;
        };
        if items.is_empty() {
            checks.push(Err(format!("`{name}` lists no mode")));
        }
        for at in 0..items.len() {
            checks.push(cx.reads_as(
                &format!("{pointer}/{at}/AuthType"),
                IDENTIFYING,
                "whoever holds a copy of an API key, or anyone, may use the API",
            ));
        }
    }
    checks
}

/// An Event API's OpenID Connect providers must name the clients whose tokens they take,
/// as a GraphQL API's must ([`oidc_clients`]). A provider whose `AuthType` cannot be read
/// before deploy (a custom resource's attribute, a dynamic reference) and that writes an
/// `OpenIDConnectConfig` may be one, as an additional provider of a GraphQL API may
/// ([`additional_oidc_clients`]): the modes that name OPENID_CONNECT to connect, publish or
/// subscribe then take its tokens.
fn event_oidc_clients(cx: &Cx<'_>) -> Vec<Result<Proof, String>> {
    let providers = cx
        .prop("/EventConfig/AuthProviders")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    (0..providers)
        .filter(|at| {
            let provider = format!("/EventConfig/AuthProviders/{at}");
            let oidc_config = cx
                .prop(&format!("{provider}/OpenIDConnectConfig"))
                .is_some_and(|c| !c.is_null());
            cx.prop(&format!("{provider}/AuthType")).is_some_and(|t| {
                match text(t).filter(|t| !super::identity::dynamic(t)) {
                    Some(t) => t.trim() == "OPENID_CONNECT",
                    None => oidc_config,
                }
            })
        })
        .map(|at| {
            let pointer = format!("/EventConfig/AuthProviders/{at}/OpenIDConnectConfig/ClientId");
            let why = "AppSync then takes a token that the issuer gave to any client";
            let proof = cx.present(&pointer).map_err(|e| format!("{e}: {why}"))?;
            match client_id_problem(cx, &pointer) {
                Some(what) => Err(format!(
                    "`{}` is {what}: {why}",
                    pointer.trim_start_matches('/').replace('/', ".")
                )),
                None => Ok(proof),
            }
        })
        .collect()
}

/// A GraphQL API's additional OpenID Connect providers must name the clients whose tokens
/// they take, as its default one must ([`oidc_clients`]): an entry of
/// `AdditionalAuthenticationProviders` takes an `OpenIDConnectConfig` as the API does
/// (`AWS::AppSync::GraphQLApi AdditionalAuthenticationProvider`, the CloudFormation
/// reference), whose `ClientId` is "a regular expression so that AWS AppSync can validate
/// against multiple client identifiers at a time" (the AppSync API reference,
/// `OpenIDConnectConfig`); every field marked `@aws_oidc` is open to what it admits. A
/// provider whose type cannot be read before deploy may be one.
fn additional_oidc_clients(cx: &Cx<'_>) -> Vec<Result<Proof, String>> {
    const WHY: &str = "AppSync then takes a token that the issuer gave to any client for the fields that name `@aws_oidc`";
    let providers = "/AdditionalAuthenticationProviders";
    let count = cx
        .prop(providers)
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    (0..count)
        .filter(|at| {
            cx.prop(&format!("{providers}/{at}/AuthenticationType"))
                .is_some_and(|t| text(t).is_none_or(|t| t.trim() == "OPENID_CONNECT"))
        })
        .map(|at| {
            let pointer = format!("{providers}/{at}/OpenIDConnectConfig/ClientId");
            let name = pointer.trim_start_matches('/').replace('/', ".");
            let proof = cx.present(&pointer).map_err(|e| format!("{e}: {WHY}"))?;
            match client_id_problem(cx, &pointer) {
                Some(what) => Err(format!("`{name}` is {what}: {WHY}")),
                None => Ok(proof),
            }
        })
        .collect()
}

/// The user pool configs of the API's Cognito modes, and the OpenID Connect configs whose
/// issuer is a user pool of the app, as pointers: the default mode's `UserPoolConfig`, each
/// additional provider's, each Event API provider's `CognitoConfig` (a provider whose type
/// cannot be read before deploy and that writes one may be one), and each
/// `OpenIDConnectConfig` (of the default mode, of an additional or Event API provider)
/// whose `Issuer` is a pool of the app.
fn user_pool_configs(cx: &Cx<'_>) -> (Vec<String>, Vec<String>) {
    let written = |pointer: &str| {
        cx.prop(pointer)
            .is_some_and(|c| !c.is_null() && !super::meaning::no_value(c))
    };
    let cognito = |kind: &str, config: &str| {
        cx.prop(kind)
            .is_some_and(|t| match text(t).filter(|t| !super::identity::dynamic(t)) {
                Some(t) => t.trim() == "AMAZON_COGNITO_USER_POOLS",
                None => written(config),
            })
            && written(config)
    };
    let count = |pointer: &str| {
        cx.prop(pointer)
            .and_then(Value::as_array)
            .map_or(0, Vec::len)
    };
    let mut pools = Vec::new();
    let mut oidc = vec!["/OpenIDConnectConfig".to_owned()];
    if cognito("/AuthenticationType", "/UserPoolConfig") {
        pools.push("/UserPoolConfig".to_owned());
    }
    let providers = [
        (
            "/AdditionalAuthenticationProviders",
            "AuthenticationType",
            "UserPoolConfig",
        ),
        ("/EventConfig/AuthProviders", "AuthType", "CognitoConfig"),
    ];
    for (list, mode, pool) in providers {
        for at in 0..count(list) {
            let provider = format!("{list}/{at}");
            let config = format!("{provider}/{pool}");
            if cognito(&format!("{provider}/{mode}"), &config) {
                pools.push(config);
            }
            oidc.push(format!("{provider}/OpenIDConnectConfig"));
        }
    }
    let oidc = oidc
        .into_iter()
        .filter(|config| {
            cx.prop(&format!("{config}/Issuer"))
                .is_some_and(|issuer| super::flows::issued_by_a_pool_of_the_app(cx, issuer))
        })
        .collect();
    (pools, oidc)
}

/// A Cognito mode of the API decides who calls the fields it covers as an API Gateway
/// authorizer of a user pool does (`X2`, [`super::flows::open_pools_named`]), and is read as
/// one: its `UserPoolId` ("The user pool ID", AppSync API reference, `UserPoolConfig` and
/// `CognitoConfig`) must be a user pool of the app (its `Ref`, or an import of its export),
/// whose sign-up and sign-in the `CG` rules read, closed to sign-up (whoever signs up to a
/// pool open to it gets a token AppSync accepts); and its `AppIdClientRegex`, "A regular
/// expression for validating the incoming Amazon Cognito user pool app client ID. If this
/// value isn't set, no filtering is applied" (the same reference), must name only app
/// clients of the app ([`super::flows::names_only_clients_of_the_app`]): unset, AppSync
/// takes the tokens of every client of the pool, a client made outside the templates
/// among them, whose sign-in flows and token lifetimes `CG3` does not read (what `X2` asks
/// of a JWT authorizer's `Audience` and `EKS3` of an identity provider's `Oidc.ClientId`).
/// An `OpenIDConnectConfig` whose `Issuer` is a pool of the app is read for the pool's
/// sign-up too (its `ClientId` by [`client_id_problem`]).
fn user_pool_modes(cx: &Cx<'_>) -> Vec<Result<Proof, String>> {
    const SIGNED_UP: &str =
        "whoever signs up gets a token AppSync accepts and calls the fields the mode covers";
    const WAIVE: &str = "set `AdminCreateUserConfig.AllowAdminCreateUserOnly` to `true` on the pool (users are invited), or waive AS1 with the reason named (a patient self-registration portal whose fields return only the caller's own records)";
    let (pools, oidc) = user_pool_configs(cx);
    let mut checks = Vec::new();
    for config in pools {
        let pool_at = format!("{config}/UserPoolId");
        let name = pool_at.trim_start_matches('/').replace('/', ".");
        checks.push(match cx.prop(&pool_at) {
            Some(pool)
                if {
                    let of_the_app = |p: &Value| super::flows::whole_of_kind(cx, p, &[USER_POOL]);
                    super::flows::every_branch(pool, of_the_app).unwrap_or_else(|| of_the_app(pool))
                } =>
            {
                super::flows::closed_to_sign_up(cx, pool, &pool_at, |open| {
                    format!("`{name}` names {open}: {SIGNED_UP}; {WAIVE}")
                })
            }
            pool => Err(format!(
                "`{name}` is {}, no user pool of the app: who that pool signs up, and how it signs them in, no rule reads, and its users call the fields the mode covers; name a user pool of the app (its `Ref`, or an import of its export)",
                pool.map_or_else(|| "not set".to_owned(), text_or_json)
            )),
        });
        let clients_at = format!("{config}/AppIdClientRegex");
        let name = clients_at.trim_start_matches('/').replace('/', ".");
        checks.push(match cx.prop(&clients_at).filter(|v| !super::meaning::no_value(v)) {
            Some(clients) if super::flows::names_only_clients_of_the_app(cx, clients) => {
                proof_of(cx.resource, &clients_at).ok_or_default()
            }
            clients => Err(format!(
                "`{name}` is {}: AppSync takes the tokens of {}, whose sign-in flows and token lifetimes no rule reads; set it to the pool's app clients of the template (a client's `Ref`, or `^(${{Web}}|${{Ios}})$` in an `Fn::Sub`)",
                clients.map_or_else(|| "not set".to_owned(), text_or_json),
                if clients.is_none() {
                    "every app client of the pool, one made outside the templates among them"
                } else {
                    "a client that is no app client of the app"
                }
            )),
        });
    }
    for config in oidc {
        let issuer_at = format!("{config}/Issuer");
        let Some(issuer) = cx.prop(&issuer_at) else {
            continue;
        };
        let name = issuer_at.trim_start_matches('/').replace('/', ".");
        let closed = super::flows::closed_to_sign_up(cx, issuer, &issuer_at, |open| {
            format!("`{name}` is of {open}: {SIGNED_UP}; {WAIVE}")
        });
        checks.extend(closed.err().map(Err));
    }
    checks
}

/// Every `LambdaAuthorizerConfig.AuthorizerUri` of the API (of its default mode, of each
/// additional provider, of each of an Event API's `EventConfig.AuthProviders`) names a
/// function of the app: its `Arn` (or an alias's or version's `Ref`), or an import of one.
/// The function decides who calls the API ("AWS AppSync invokes the Lambda function …
/// the function returns whether the request is authorized", AppSync developer guide,
/// `AWS_LAMBDA` authorization); one the app does not hold, of this account or another's,
/// decides it where no rule reads it, as `X2` refuses an API Gateway authorizer's
/// `AuthorizerUri` that invokes no function of the app.
fn lambda_authorizers(cx: &Cx<'_>) -> Vec<Result<Proof, String>> {
    let count = |pointer: &str| {
        cx.prop(pointer)
            .and_then(Value::as_array)
            .map_or(0, Vec::len)
    };
    let mut pointers = vec!["/LambdaAuthorizerConfig".to_owned()];
    for at in 0..count("/AdditionalAuthenticationProviders") {
        pointers.push(format!(
            "/AdditionalAuthenticationProviders/{at}/LambdaAuthorizerConfig"
        ));
    }
    for at in 0..count("/EventConfig/AuthProviders") {
        pointers.push(format!(
            "/EventConfig/AuthProviders/{at}/LambdaAuthorizerConfig"
        ));
    }
    pointers
        .into_iter()
        .filter(|config| {
            cx.prop(config)
                .is_some_and(|c| !c.is_null() && !super::meaning::no_value(c))
        })
        .map(|config| {
            let pointer = format!("{config}/AuthorizerUri");
            let name = pointer.trim_start_matches('/').replace('/', ".");
            match cx.prop(&pointer) {
                Some(uri) if super::flows::whole_of_kind(cx, uri, super::flows::LAMBDA_FUNCTIONS) => {
                    proof_of(cx.resource, &pointer).ok_or_default()
                }
                uri => Err(format!(
                    "`{name}` is {}, no Lambda function of the app: whoever holds that function decides who calls the API; name a function of the app (its `Arn`, an alias's or version's `Ref`, or an import of one)",
                    uri.map_or_else(|| "not set".to_owned(), text_or_json)
                )),
            }
        })
        .collect()
}

fn as1(cx: &Cx<'_>) -> Outcome {
    match cx.resource.type_name() {
        EVENT_API => {
            let mut checks = event_modes(cx, EVENT_MODES, true);
            checks.extend(event_oidc_clients(cx));
            checks.extend(lambda_authorizers(cx));
            checks.extend(user_pool_modes(cx));
            return all(checks);
        }
        NAMESPACE => {
            let mut checks = event_modes(cx, NAMESPACE_MODES, false);
            // A list the namespace does not write is its API's ("This configuration
            // overrides the default Api authorization configuration",
            // `AWS::AppSync::ChannelNamespace` `PublishAuthModes` and `SubscribeAuthModes`,
            // the CloudFormation reference), which AS1 reads on the API: it must be an Event
            // API of this template, or the modes that publish or subscribe on the namespace
            // are read nowhere.
            let inherits = NAMESPACE_MODES.iter().any(|pointer| {
                cx.prop(pointer)
                    .filter(|v| !super::meaning::no_value(v))
                    .is_none()
            });
            if inherits {
                // An import names an API of another stack of the app (hipaa-stack refuses
                // one that no stack exports), read there.
                let read = cx.prop("/ApiId").is_some_and(|id| {
                    super::meaning::imported(id)
                        || cx
                            .others(EVENT_API)
                            .any(|api| super::meaning::names(id, api.logical_id()))
                });
                match read {
                    true => checks.push(proof_of(cx.resource, "/ApiId").ok_or_default()),
                    false => checks.push(Err(format!(
                        "`ApiId` is {}, which names no `AWS::AppSync::Api` of the app: the namespace takes that API's modes to publish or subscribe where it writes none, and they are read nowhere; name an Event API of the app, or write `PublishAuthModes` and `SubscribeAuthModes`",
                        cx.prop("/ApiId")
                            .map_or_else(|| "not set".to_owned(), text_or_json)
                    ))),
                }
            }
            return all(checks);
        }
        _ => {}
    }
    if cx.resource.type_name() == API {
        let mut checks = vec![cx.reads_as(
            "/AuthenticationType",
            IDENTIFYING,
            "the default mode decides who may call every field that names no other",
        )];
        let default = cx.prop("/AuthenticationType").and_then(text);
        if default.as_deref() == Some("OPENID_CONNECT") {
            checks.push(oidc_clients(cx));
        }
        checks.extend(additional_oidc_clients(cx));
        checks.extend(lambda_authorizers(cx));
        checks.extend(user_pool_modes(cx));
        return all(checks);
    }
    let apis = apis_of(cx);
    if apis.is_empty() {
        return Outcome::Fail(format!(
            "`ApiId` is {}, which names no `AWS::AppSync::GraphQLApi` or `AWS::AppSync::Api` of this template: nothing shows what the key opens",
            cx.prop("/ApiId")
                .map_or_else(|| "not set".to_owned(), text_or_json)
        ));
    }
    let api_checks = apis.iter().flat_map(|api| {
        let checks = if api.type_name() == EVENT_API {
            event_modes(&cx.on(api), EVENT_MODES, true)
        } else {
            vec![cx.on(api).reads_as(
                "/AuthenticationType",
                IDENTIFYING,
                "so the key opens every field that names no other mode",
            )]
        };
        checks.into_iter().map(|check| {
            check.map_err(|why| format!("the key's API `{}`: {why}", api.logical_id()))
        })
    });
    all(std::iter::once(proof_of(cx.resource, "/ApiId").ok_or_default()).chain(api_checks))
}

fn as2(cx: &Cx<'_>) -> Outcome {
    // An Event API logs its handlers as `EventConfig.EventLogConfig` says: `LogLevel` "NONE |
    // ERROR | ALL | INFO | DEBUG" (`AWS::AppSync::Api EventLogConfig`, the CloudFormation
    // reference); at ALL, "generated request mapping with source and arguments for each
    // field" and "the transformed response mapping for each field" (AppSync Events
    // developer guide, "Configuring CloudWatch Logs on Event APIs"). Not written, nothing
    // is logged.
    let (config, level) = if cx.resource.type_name() == EVENT_API {
        ("/EventConfig/EventLogConfig", "LogLevel")
    } else {
        ("/LogConfig", "FieldLogLevel")
    };
    // A GraphQL API's `FieldLogLevel` (AppSync developer guide, "Monitoring and logging",
    // "Field-level logs"; the same words in the `AWS::AppSync::GraphQLApi LogConfig`
    // reference):
    // - ERROR logs, "only for the fields that are in the error category", the error section
    //   of the response, field-level errors and the request/response functions resolved for
    //   those fields;
    // - INFO logs, "only for the fields that are in the info and error categories",
    //   info-level messages and "the user messages sent through `$util.log.info` and
    //   `console.log`"; DEBUG adds `$util.log.debug` and `console.debug`; for both,
    //   "Field-level tracing and mapping logs are not shown";
    // - ALL logs "Field-level tracing information" and "The generated request/response
    //   functions that were resolved for each field": every field's data, PHI and all.
    // None of ERROR, INFO and DEBUG traces every resolver call by itself: each records the
    // fields in error, INFO and DEBUG also what the resolvers' own code chooses to write
    // (the 164.312(b) record of who did what is as complete as that code makes it, which no
    // rule reads). They keep field data out of the logs only without verbose content: "If
    // field-level logging is set to `INFO` or higher with verbose-content included, AWS
    // AppSync adds the transformed mapping template logging messages. This will contain
    // any information added to the transformed mapping template, or the output of the
    // resolver or function executed JavaScript code" (the same page). Verbose content is
    // excluded only by `ExcludeVerboseContent` true ("Set to TRUE to exclude sections that
    // contain information such as headers, context, and evaluated mapping templates,
    // regardless of logging level"); not written, it is included.
    //
    // An Event API's `EventLogConfig` has no such switch, and the AppSync Events guide
    // describes only None, Error and All ("Configuring CloudWatch Logs on Event APIs"):
    // what INFO and DEBUG log there is not documented, and they are left as they were read.
    let level = format!("{config}/{level}");
    let name = level.trim_start_matches('/').replace('/', ".");
    let written = cx.prop(&level).map(text_or_json);
    let verbose = cx.resource.type_name() == API
        && !cx
            .prop("/LogConfig/ExcludeVerboseContent")
            .is_some_and(super::is_true);
    let field = match written.as_deref() {
        Some("ALL") => Err(format!(
            "`{name}` is ALL: every resolved field's request and response is written to the logs, PHI and all"
        )),
        Some(l @ ("INFO" | "DEBUG")) if verbose => Err(format!(
            "`{name}` is {l} with verbose content (`LogConfig.ExcludeVerboseContent` is not true): AppSync then adds the transformed mapping template messages, the output of every resolver, to the logs, PHI and all (AppSync developer guide, \"Monitoring and logging\"); set `ExcludeVerboseContent` true, or log at ERROR"
        )),
        _ => cx.reads_as(
            &level,
            &["ERROR", "INFO", "DEBUG"],
            "failing fields are not logged",
        ),
    };
    // INFO and DEBUG hold only with verbose content excluded: that is their proof too.
    let excluded = matches!(written.as_deref(), Some("INFO" | "DEBUG"))
        && cx.resource.type_name() == API
        && !verbose;
    all([
        cx.present(&format!("{config}/CloudWatchLogsRoleArn")),
        field,
    ]
    .into_iter()
    .chain(excluded.then(|| cx.proof("/LogConfig/ExcludeVerboseContent").ok_or_default())))
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::{Cx, EVENT_API, Outcome, as1, unnamed_clients};

    #[test]
    fn an_event_provider_whose_type_is_known_only_at_deploy_is_read_as_openid_connect() {
        let api = |auth_type: Value, oidc: Value| {
            Cx::check_first(
                as1,
                &[(
                    "E",
                    EVENT_API,
                    json!({ "Name": "events", "EventConfig": {
                        "AuthProviders": [{ "AuthType": auth_type, "OpenIDConnectConfig": oidc }],
                        "ConnectionAuthModes": [{ "AuthType": "OPENID_CONNECT" }],
                        "DefaultPublishAuthModes": [{ "AuthType": "OPENID_CONNECT" }],
                        "DefaultSubscribeAuthModes": [{ "AuthType": "OPENID_CONNECT" }],
                    } }),
                )],
            )
        };
        let issuer = json!({ "Issuer": "https://accounts.example.org" });
        let named =
            json!({ "Issuer": "https://accounts.example.org", "ClientId": "^(events-web)$" });
        for auth_type in [
            json!({ "Fn::GetAtt": ["Lookup", "AuthType"] }),
            json!("{{resolve:ssm:/events/auth-type}}"),
            json!("OPENID_CONNECT"),
        ] {
            let found = api(auth_type.clone(), issuer.clone());
            assert!(matches!(found, Outcome::Fail(_)), "{auth_type}: {found:?}");
            let found = api(auth_type.clone(), named.clone());
            assert!(matches!(found, Outcome::Pass(_)), "{auth_type}: {found:?}");
        }
        // Without an `OpenIDConnectConfig`, a provider is no OpenID Connect provider.
        let found = api(json!({ "Fn::GetAtt": ["Lookup", "AuthType"] }), Value::Null);
        assert!(matches!(found, Outcome::Pass(_)), "{found:?}");
    }

    /// The hostile review of session 34: an API whose Lambda authorizer is a function the
    /// app does not hold lets that function's owner decide who calls it.
    #[test]
    fn a_lambda_authorizer_is_a_function_of_the_app() {
        let function = (
            "Authorize",
            "AWS::Lambda::Function",
            json!({ "Runtime": "provided.al2023", "Handler": "bootstrap" }),
        );
        let graphql = |uri: Value, additional: bool| {
            let config = json!({ "AuthorizerUri": uri });
            let props = if additional {
                json!({ "Name": "g", "AuthenticationType": "AWS_IAM",
                    "AdditionalAuthenticationProviders": [
                        { "AuthenticationType": "AWS_LAMBDA", "LambdaAuthorizerConfig": config }
                    ] })
            } else {
                json!({ "Name": "g", "AuthenticationType": "AWS_LAMBDA",
                    "LambdaAuthorizerConfig": config })
            };
            Cx::check_first(
                as1,
                &[("G", "AWS::AppSync::GraphQLApi", props), function.clone()],
            )
        };
        let events = |uri: Value| {
            Cx::check_first(
                as1,
                &[
                    (
                        "E",
                        EVENT_API,
                        json!({ "Name": "events", "EventConfig": {
                            "AuthProviders": [{ "AuthType": "AWS_LAMBDA",
                                "LambdaAuthorizerConfig": { "AuthorizerUri": uri } }],
                            "ConnectionAuthModes": [{ "AuthType": "AWS_LAMBDA" }],
                            "DefaultPublishAuthModes": [{ "AuthType": "AWS_LAMBDA" }],
                            "DefaultSubscribeAuthModes": [{ "AuthType": "AWS_LAMBDA" }],
                        } }),
                    ),
                    function.clone(),
                ],
            )
        };
        let own = json!({ "Fn::GetAtt": ["Authorize", "Arn"] });
        let elsewhere = [
            json!("arn:aws:lambda:us-east-1:999999999999:function:allow-everyone"),
            json!({ "Fn::Sub": "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:not-of-the-app" }),
            json!({ "Fn::Join": ["", [{ "Fn::GetAtt": ["Authorize", "Arn"] }, "-other"]] }),
        ];
        for additional in [false, true] {
            let found = graphql(own.clone(), additional);
            assert!(matches!(found, Outcome::Pass(_)), "{found:?}");
            for uri in &elsewhere {
                let found = graphql(uri.clone(), additional);
                assert!(
                    matches!(&found, Outcome::Fail(why) if why.contains("no Lambda function of the app")),
                    "{uri}: {found:?}"
                );
            }
        }
        assert!(matches!(events(own), Outcome::Pass(_)));
        for uri in elsewhere {
            let found = events(uri.clone());
            assert!(matches!(found, Outcome::Fail(_)), "{uri}: {found:?}");
        }
    }

    #[test]
    fn a_client_pattern_names_clients_only_when_every_alternative_requires_a_literal() {
        for every in [
            "",
            ".*",
            "^.*$",
            "*",
            "^.+$",
            "app|.*",
            ".*|app",
            "app|",
            "(app)?",
            "(?:app|.+)",
            "\\w+",
            "[a-z0-9]{26}",
            "(?i).*",
            "a?b*c{0,3}",
            "\\S*",
            "app)",
            "{{resolve:ssm:/oidc/client}}",
            "^(?:app-one|[^x]+)$",
            "(?=app).*",
            // Hostile review 13: patterns that require a literal but match ids the app did
            // not write.
            "[0-9]+-app\\.apps\\.googleusercontent\\.com",
            "app[0-9a-z]+",
            "app.+",
            "app[^/]*",
            "app\\w{1,64}",
            "(?i)app",
            "ab+",
            "app{2,}",
            "app(?P=x)",
            "app[abc",
            "app\\d",
            "app..",
            "app.*",
            "a.b.c.d.",
            "app.-x.+",
        ] {
            assert!(
                unnamed_clients(every).is_some(),
                "{every:?} names no client"
            );
        }
        for named in [
            "1234567890-app.apps.googleusercontent.com",
            "app",
            "^app$",
            "app-one|app-two",
            "(app-one|app-two)-web",
            "app\\.example",
            "a{2}",
            "app-(web|ios)?",
            "^app-web$|^app-ios$",
            "(?:app-one|app-two)",
            "app-web{1,2}",
            "1234567890-app.apps.googleusercontent.com|1234567890-ios.apps.googleusercontent.com",
        ] {
            assert_eq!(unnamed_clients(named), None, "{named:?} names its clients");
        }
    }
}

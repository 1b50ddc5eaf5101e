//! AWS AppSync GraphQL APIs: who may call them and whether their calls are logged. Neither
//! cdk-nag's HIPAA Security pack nor the AWS Config HIPAA conformance pack reads them; these
//! rules check what AWS Config's `appsync-authorization-check` and `appsync-logging-enabled`,
//! cdk-nag's AWS Solutions `ASC3` and checkov's `CKV_AWS_193`/`CKV_AWS_194` do.
//!
//! An API key is a shared secret shipped inside every client: an API that takes it by default
//! lets anyone who has a copy of the app read every field that names no other mode. Both
//! rules accept a waiver with a reason (as `A4M` does for API Gateway).

use super::meaning::{text, text_or_json};
use super::{Cx, OkOrDefault, Outcome, Packs, Proof, RuleSpec, all, proof_of};
use crate::cfn::Resource;

/// A GraphQL API.
const API: &str = "AWS::AppSync::GraphQLApi";
/// An API key of a GraphQL API.
const API_KEY: &str = "AWS::AppSync::ApiKey";

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
        types: &[API, API_KEY],
        controls: &["164.312(a)(1)", "164.312(d)"],
        fix: "set the API's `AuthenticationType` to AWS_IAM, AMAZON_COGNITO_USER_POOLS, OPENID_CONNECT (with `OpenIDConnectConfig.ClientId` naming the app's own clients) or AWS_LAMBDA; an API key may stay only as an additional provider, for the fields that name `@aws_api_key`, on an API of the app",
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
        types: &[API],
        controls: &["164.308(a)(1)(ii)(D)", "164.312(b)"],
        fix: "set `LogConfig.CloudWatchLogsRoleArn` and `LogConfig.FieldLogLevel` ERROR, INFO or DEBUG (not NONE, and not ALL, which logs every resolved field's request and response, PHI and all)",
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
        .filter(|api| super::compute::mentions(named, api.logical_id()))
        .collect()
}

/// Whether an OpenID Connect `ClientId` (a regular expression that AppSync matches the
/// token's audience against) has no literal character, so that it matches every client:
/// `.*`, `^.+$`, `*`, ….
fn matches_every_client(pattern: &str) -> bool {
    pattern
        .trim()
        .chars()
        .all(|c| matches!(c, '.' | '*' | '+' | '?' | '^' | '$' | '(' | ')' | '|'))
}

/// An API whose default mode is OpenID Connect must name the clients whose tokens it takes:
/// without `OpenIDConnectConfig.ClientId` AppSync checks no audience (every client of the
/// issuer, the CDK's `OpenIdConnectConfig.clientId` "default: * (All)"), so with a public
/// issuer anyone who signs in to it for an app of their own calls the API.
fn oidc_clients(cx: &Cx<'_>) -> Result<Proof, String> {
    const WHY: &str = "AppSync then takes a token that the issuer gave to any client, and anyone who signs in to the issuer for an app of their own calls the API";
    let pointer = "/OpenIDConnectConfig/ClientId";
    let proof = cx.present(pointer).map_err(|e| format!("{e}: {WHY}"))?;
    match cx.prop(pointer).and_then(text) {
        Some(id) if matches_every_client(&id) => Err(format!(
            "`OpenIDConnectConfig.ClientId` is {id}, a pattern that matches every client: {WHY}"
        )),
        _ => Ok(proof),
    }
}

fn as1(cx: &Cx<'_>) -> Outcome {
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
        return all(checks);
    }
    let apis = apis_of(cx);
    if apis.is_empty() {
        return Outcome::Fail(format!(
            "`ApiId` is {}, which names no `AWS::AppSync::GraphQLApi` of this template: nothing shows what the key opens",
            cx.prop("/ApiId")
                .map_or_else(|| "not set".to_owned(), text_or_json)
        ));
    }
    let api_checks = apis.iter().map(|api| {
        cx.on(api)
            .reads_as(
                "/AuthenticationType",
                IDENTIFYING,
                "so the key opens every field that names no other mode",
            )
            .map_err(|why| format!("the key's API `{}`: {why}", api.logical_id()))
    });
    all(std::iter::once(proof_of(cx.resource, "/ApiId").ok_or_default()).chain(api_checks))
}

fn as2(cx: &Cx<'_>) -> Outcome {
    let level = "/LogConfig/FieldLogLevel";
    let field = match cx.prop(level).map(text_or_json) {
        Some(l) if l == "ALL" => Err(
            "`LogConfig.FieldLogLevel` is ALL: every resolved field's request and response is written to the logs, PHI and all"
                .to_owned(),
        ),
        _ => cx.reads_as(
            level,
            &["ERROR", "INFO", "DEBUG"],
            "failing fields are not logged",
        ),
    };
    all([cx.present("/LogConfig/CloudWatchLogsRoleArn"), field])
}

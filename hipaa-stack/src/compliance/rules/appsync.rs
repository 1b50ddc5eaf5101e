//! AWS AppSync GraphQL APIs: who may call them and whether their calls are logged. Neither
//! cdk-nag's HIPAA Security pack nor the AWS Config HIPAA conformance pack reads them; these
//! rules check what AWS Config's `appsync-authorization-check` and `appsync-logging-enabled`,
//! cdk-nag's AWS Solutions `ASC3` and checkov's `CKV_AWS_193`/`CKV_AWS_194` do.
//!
//! An API key is a shared secret shipped inside every client: an API that takes it by default
//! lets anyone who has a copy of the app read every field that names no other mode. Both
//! rules accept a waiver with a reason (as `A4M` does for API Gateway).

use super::meaning::text_or_json;
use super::{Cx, OkOrDefault, Outcome, Packs, RuleSpec, all, proof_of};
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
        fix: "set the API's `AuthenticationType` to AWS_IAM, AMAZON_COGNITO_USER_POOLS, OPENID_CONNECT or AWS_LAMBDA; an API key may stay only as an additional provider, for the fields that name `@aws_api_key`, on an API of the app",
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

/// The API of the template that an API key's `ApiId` names (`Fn::GetAtt [Api, ApiId]`).
fn api_of<'a>(cx: &Cx<'a>) -> Option<&'a Resource> {
    let named = cx.prop("/ApiId")?;
    cx.others(API)
        .find(|api| super::compute::mentions(named, api.logical_id()))
}

fn as1(cx: &Cx<'_>) -> Outcome {
    if cx.resource.type_name() == API {
        return all([cx.reads_as(
            "/AuthenticationType",
            IDENTIFYING,
            "the default mode decides who may call every field that names no other",
        )]);
    }
    let Some(api) = api_of(cx) else {
        return Outcome::Fail(format!(
            "`ApiId` is {}, which names no `AWS::AppSync::GraphQLApi` of this template: nothing shows what the key opens",
            cx.prop("/ApiId")
                .map_or_else(|| "not set".to_owned(), text_or_json)
        ));
    };
    match cx.on(api).reads_as(
        "/AuthenticationType",
        IDENTIFYING,
        "so the key opens every field that names no other mode",
    ) {
        Ok(proof) => all([proof_of(cx.resource, "/ApiId").ok_or_default(), Ok(proof)]),
        Err(why) => Outcome::Fail(format!("the key's API `{}`: {why}", api.logical_id())),
    }
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

//! [`SecureApi`]: an API Gateway REST API in front of [`Function`]s, every route behind an
//! authorizer, behind a WAF web ACL, logged and traced.

use std::collections::BTreeMap;

use crate::app::node::Exception;
use crate::app::node::IntoNode;
use crate::app::node::{KeyService, Node, RenderCx, Used};
use crate::app::{Attr, Handle, Id, Name, Reference};
use crate::cfn::apigateway::{
    AccessLogSetting, Account, ApiResource, Authorizer, Deployment, EndpointConfiguration,
    ExecutionLogGroup, Integration, Method as CfnMethod, MethodSetting, RestApi, Stage,
};
use crate::cfn::iam::{ManagedPolicy, Role as CfnRole};
use crate::cfn::lambda::Permission;
use crate::cfn::policy::{PolicyDocument, Principal, Statement};
use crate::cfn::{Expr, Keep, Pseudo, Resource};
use crate::constructs::log_group::{DEFAULT_LOG_RETENTION, LogRetention, encrypted_log_group};
use crate::constructs::own_account::{
    OWN_ACCOUNT, OWN_ACCOUNT_FIELD, another_account, own_account_arn,
};
use crate::constructs::public_load_balancer::web_acl;
use crate::constructs::{Construct, EncryptionKey, Function, KeyChosen, KmsKey, NoKey};
use crate::error::{Error, Result};
use crate::literal::Days;

/// A4C on the stage of a `SecureApi`, which caches nothing: the packs ask for a cache.
pub(crate) const API_STAGE_NO_CACHE: Exception = Exception {
    rule: "A4C",
    reason: "this stage caches no response (CacheClusterEnabled false, CachingEnabled false for \
             every method): responses hold PHI and are kept nowhere, so there is no cache to \
             encrypt; hipaa-stack's rule A4C accepts a stage without a cache or with an \
             encrypted one",
};

/// A4I on the stage of a `SecureApi`, whose backends are Lambda functions.
pub(crate) const API_STAGE_LAMBDA_BACKENDS: Exception = Exception {
    rule: "A4I",
    reason: "every integration of this stage is a Lambda proxy (AWS_PROXY), which API Gateway \
             calls through Lambda's API over TLS with its own credentials (rule A4I); a client \
             certificate authenticates API Gateway to an HTTP backend, and this API has none",
};

/// The most routes one API has (each is a method, an integration and a permission).
pub const MAX_ROUTES: usize = 16;
/// The most path segments (API Gateway resources) one API has.
pub const MAX_PATH_SEGMENTS: usize = 24;

/// The parts of an API after its construct id: fixed ones, then `Path0…`, `Route0…`,
/// `Invoke0…` and `Authorizer0…` up to the maxima.
const PARTS: &[&str] = &[
    "",
    "Deployment",
    "Stage",
    "AccessLogs",
    "ExecutionLogs",
    "WebAcl",
    "WebAclAssociation",
    "WafLogs",
    "WafLogging",
    "CloudWatchRole",
    "CloudWatchPolicy",
    "Account",
    "Path0",
    "Path1",
    "Path2",
    "Path3",
    "Path4",
    "Path5",
    "Path6",
    "Path7",
    "Path8",
    "Path9",
    "Path10",
    "Path11",
    "Path12",
    "Path13",
    "Path14",
    "Path15",
    "Path16",
    "Path17",
    "Path18",
    "Path19",
    "Path20",
    "Path21",
    "Path22",
    "Path23",
    "Route0",
    "Route1",
    "Route2",
    "Route3",
    "Route4",
    "Route5",
    "Route6",
    "Route7",
    "Route8",
    "Route9",
    "Route10",
    "Route11",
    "Route12",
    "Route13",
    "Route14",
    "Route15",
    "Invoke0",
    "Invoke1",
    "Invoke2",
    "Invoke3",
    "Invoke4",
    "Invoke5",
    "Invoke6",
    "Invoke7",
    "Invoke8",
    "Invoke9",
    "Invoke10",
    "Invoke11",
    "Invoke12",
    "Invoke13",
    "Invoke14",
    "Invoke15",
    "Authorizer0",
    "Authorizer1",
    "Authorizer2",
    "Authorizer3",
];

/// The most distinct Cognito user pools the routes of one API name.
const MAX_USER_POOLS: usize = 4;

/// The part named `prefix` followed by `index`, from [`PARTS`].
fn part(prefix: &str, index: usize) -> &'static str {
    PARTS
        .iter()
        .find(|p| {
            p.strip_prefix(prefix)
                .and_then(|n| n.parse::<usize>().ok())
                .is_some_and(|n| n == index)
        })
        .copied()
        .unwrap_or("")
}

/// An HTTP method of a route. There is no `OPTIONS`: a CORS preflight is answered without
/// authentication, so hipaa-stack offers no route for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum HttpMethod {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
    /// `PUT`.
    Put,
    /// `PATCH`.
    Patch,
    /// `DELETE`.
    Delete,
    /// `HEAD`.
    Head,
    /// Every method (`ANY`).
    Any,
}

impl HttpMethod {
    fn name(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Head => "HEAD",
            HttpMethod::Any => "ANY",
        }
    }

    /// The method as an execute-api ARN names it (`*` for every method).
    fn in_arn(self) -> &'static str {
        match self {
            HttpMethod::Any => "*",
            other => other.name(),
        }
    }
}

/// Who may call a route: an IAM principal with `execute-api:Invoke` (requests signed with
/// SigV4), or a user of a Cognito user pool (an ID token in `Authorization`).
///
/// There is no unauthenticated route (HIPAA 45 CFR §164.312(d)): every value of `Auth` names
/// an authorizer.
///
/// ```
/// use hipaa_stack::Auth;
/// let signed = Auth::iam();
/// // A pool of the stack's own account: `${AWS::AccountId}`, or the stack's account id.
/// let users = Auth::cognito("arn:aws:cognito-idp:us-east-1:${AWS::AccountId}:userpool/us-east-1_Ab12Cd34E")?;
/// assert!(Auth::cognito("arn:aws:iam::123456789012:role/x").is_err());
/// # let _ = (signed, users);
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Auth(AuthKind);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum AuthKind {
    Iam,
    Cognito(String),
}

impl Auth {
    /// IAM authorization (`AWS_IAM`): the caller signs the request with SigV4 and needs
    /// `execute-api:Invoke` on the route.
    pub fn iam() -> Self {
        Auth(AuthKind::Iam)
    }

    /// A Cognito user pool authorizer (`COGNITO_USER_POOLS`) of the pool with this ARN
    /// (`arn:aws:cognito-idp:REGION:ACCOUNT:userpool/REGION_ID`), checked.
    ///
    /// The pool must be of the stack's own account: `ACCOUNT` written `${AWS::AccountId}`,
    /// or the twelve digits of the account of the stack's environment. Whoever a user pool
    /// signs up calls the routes it authorizes, and API Gateway takes a pool of another
    /// account ("Configure cross-account Amazon Cognito authorizer for a REST API", API
    /// Gateway developer guide), which would hand that account the choice of who reads PHI
    /// (rule X2, 45 CFR §164.308(b)(1)): [`Stack::add`](crate::Stack::add) refuses the API
    /// whose route names a pool of any other account. A pool of the stack's account that no
    /// template of the app declares is a gap of X2 in the report: whether it lets anyone
    /// sign up (`AdminCreateUserConfig.AllowAdminCreateUserOnly`), and so who calls the
    /// routes, is not shown.
    pub fn cognito(user_pool_arn: &str) -> Result<Self> {
        match user_pool_problem(user_pool_arn) {
            None => Ok(Auth(AuthKind::Cognito(user_pool_arn.to_owned()))),
            Some(reason) => Err(Error::InvalidConstruct {
                path: "Auth::cognito".to_owned(),
                reason,
            }),
        }
    }
}

/// Why `arn` is not the ARN of a Cognito user pool, if it is not.
fn user_pool_problem(arn: &str) -> Option<String> {
    let fields = arn.replace(OWN_ACCOUNT, OWN_ACCOUNT_FIELD);
    let parts: Vec<&str> = fields.splitn(6, ':').collect();
    let ok = parts.len() == 6
        && parts[0] == "arn"
        && matches!(parts[1], "aws" | "aws-cn" | "aws-us-gov")
        && parts[2] == "cognito-idp"
        && !parts[3].is_empty()
        && parts[3]
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && (parts[4] == OWN_ACCOUNT_FIELD
            || (parts[4].len() == 12 && parts[4].bytes().all(|b| b.is_ascii_digit())))
        && parts[5]
            .strip_prefix("userpool/")
            .and_then(|id| id.split_once('_'))
            .is_some_and(|(region, id)| {
                region == parts[3]
                    && !id.is_empty()
                    && id.bytes().all(|b| b.is_ascii_alphanumeric())
            });
    (!ok).then(|| {
        format!(
            "`{arn}` is not the ARN of a Cognito user pool (`arn:aws:cognito-idp:REGION:ACCOUNT:userpool/REGION_ID`)"
        )
    })
}

/// Something that authorizes the calls of a route: only an [`Auth`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an authorizer of a route",
    label = "pass `Auth::iam()` or `Auth::cognito(user_pool_arn)?` here",
    note = "HIPAA 45 CFR §164.312(d) and §164.312(a)(1) (hipaa-stack rule A4M): every route of a `SecureApi` authenticates its caller; there is no unauthenticated route"
)]
pub trait RouteAuthorizer: sealed::Authorizes {}

impl RouteAuthorizer for Auth {}

mod sealed {
    #[diagnostic::on_unimplemented(
        message = "`{Self}` is not an authorizer of hipaa-stack",
        label = "only `Auth` authorizes a route",
        note = "`RouteAuthorizer` is sealed: HIPAA 45 CFR §164.312(d) and §164.312(a)(1) (hipaa-stack rule A4M) ask every route to authenticate its caller; pass `Auth::iam()` or `Auth::cognito(user_pool_arn)?`"
    )]
    pub trait Authorizes {
        fn auth(self) -> super::Auth;
    }

    impl Authorizes for super::Auth {
        fn auth(self) -> super::Auth {
            self
        }
    }

    pub trait ChosenWaf {
        fn waf(&self) -> super::Waf;
    }

    impl ChosenWaf for super::Waf {
        fn waf(&self) -> super::Waf {
            *self
        }
    }

    pub trait ChosenRoutes {}

    impl ChosenRoutes for super::Routes {}
}

/// The WAFv2 web ACL in front of a [`SecureApi`]: the AWS managed rule groups of
/// [`MANAGED_RULE_GROUPS`](crate::MANAGED_RULE_GROUPS) (IP reputation, the common rule set,
/// known bad inputs, SQL injection) and a rate limit per client address.
///
/// ```
/// use hipaa_stack::Waf;
/// let default = Waf::managed_rules();
/// let stricter = Waf::managed_rules().rate_limit(500);
/// # let _ = (default, stricter);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Waf {
    rate_limit: u32,
}

impl Waf {
    /// The managed rule groups, and at most 2,000 requests per client address in 5 minutes.
    pub fn managed_rules() -> Self {
        Waf { rate_limit: 2000 }
    }

    /// How many requests one client address may make in 5 minutes before WAF blocks it,
    /// 100 to 2,000,000,000 (checked when the API is added). Default: 2,000.
    pub fn rate_limit(mut self, requests: u32) -> Self {
        self.rate_limit = requests;
        self
    }
}

/// The state of a [`SecureApi`] whose web ACL has not been chosen yet.
#[derive(Debug, Clone, Copy)]
pub struct NoWaf;

/// The state of a [`SecureApi`] that has no route yet.
#[derive(Debug, Clone, Copy)]
pub struct NoRoutes;

/// The state of a [`SecureApi`] with at least one route.
#[derive(Debug, Clone, Copy)]
pub struct Routes;

/// Implemented by a chosen web ACL: the state of a [`SecureApi`] after `.waf(..)`.
#[diagnostic::on_unimplemented(
    message = "`{C}` has no WAF web ACL",
    label = "call `.waf(Waf::managed_rules())` on this `{C}` before adding it to a stack",
    note = "HIPAA 45 CFR §164.312(e)(1) and §164.308(a)(1)(ii)(B) (hipaa-stack rule A4W): an API that carries PHI over the internet is filtered by a WAF web ACL with AWS's managed rule groups and a rate limit"
)]
pub trait WafChosen<C>: sealed::ChosenWaf {}

impl<C> WafChosen<C> for Waf {}

/// Implemented once a route is declared: the state of a [`SecureApi`] after `.route(..)`.
#[diagnostic::on_unimplemented(
    message = "`{C}` has no route",
    label = "call `.route(HttpMethod::Get, \"/path\", &function, Auth::iam())` on this `{C}` before adding it to a stack",
    note = "API Gateway deploys no API without a method, and every method of a `SecureApi` authenticates its caller (HIPAA 45 CFR §164.312(d), hipaa-stack rule A4M)"
)]
pub trait RoutesChosen<C>: sealed::ChosenRoutes {}

impl<C> RoutesChosen<C> for Routes {}

/// How much API Gateway writes into the execution logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum ExecutionLogging {
    /// Errors only (`ERROR`). The default.
    #[default]
    Errors,
    /// Every request's progress through API Gateway (`INFO`), never its body.
    Info,
}

impl ExecutionLogging {
    fn level(self) -> &'static str {
        match self {
            ExecutionLogging::Errors => "ERROR",
            ExecutionLogging::Info => "INFO",
        }
    }
}

/// One route: a method on a path, the function it calls and who may call it.
#[derive(Debug, Clone)]
struct Route {
    method: HttpMethod,
    path: String,
    function: Handle<Function>,
    auth: Auth,
}

/// The access-log format: who called what and how it ended, never a path's values, a query
/// string or a body (they may be PHI).
const ACCESS_LOG_FORMAT: &str = r#"{"requestId":"$context.requestId","extendedRequestId":"$context.extendedRequestId","ip":"$context.identity.sourceIp","caller":"$context.identity.caller","user":"$context.identity.user","cognitoUser":"$context.authorizer.claims.sub","requestTime":"$context.requestTime","httpMethod":"$context.httpMethod","resourcePath":"$context.resourcePath","status":"$context.status","protocol":"$context.protocol","responseLength":"$context.responseLength","wafResponseCode":"$context.wafResponseCode","integrationLatency":"$context.integrationLatency"}"#;

/// An API Gateway REST API in front of [`Function`]s: every route authenticates its caller,
/// a WAF web ACL filters what reaches it, and every call is logged and traced.
///
/// It needs a customer-managed key for its logs ([`encryption`](SecureApi::encryption)), a
/// web ACL ([`waf`](SecureApi::waf)) and at least one route
/// ([`route`](SecureApi::route)), each with an [`Auth`]; without any of them,
/// [`Stack::add`](crate::Stack::add) does not compile, and a route without an authorizer
/// does not compile either. REST APIs (`AWS::ApiGateway::*`) rather than HTTP APIs, since
/// only REST APIs take a WAF web ACL, execution logs and X-Ray tracing.
///
/// What it creates (logical ids after the construct id `Docs`): `Docs` (the REST API),
/// `DocsPath0…` (one resource per path segment), `DocsRoute0…` (one method per route, a
/// Lambda proxy integration), `DocsInvoke0…` (the permission of API Gateway to invoke the
/// route's function, from that route of that stage only), `DocsAuthorizer0…` (one per
/// Cognito user pool), `DocsDeployment`, `DocsStage`, `DocsAccessLogs` (the access-log
/// group), `DocsExecutionLogs` (the execution-log group), `DocsWebAcl`, `DocsWebAclAssociation`, `DocsWafLogs` and `DocsWafLogging`; the
/// first API of an account and region also `DocsCloudWatchRole`, `DocsCloudWatchPolicy` and `DocsAccount` (API
/// Gateway's account settings: the role it writes execution logs with, one per account and
/// region; the other APIs of that account and region deploy after it).
///
/// # Secure defaults
/// - Every route authenticates its caller: IAM (`AWS_IAM`) or a Cognito user pool
///   (`COGNITO_USER_POOLS`) (A4M, §164.312(d)); there is no `Auth` without an authorizer and
///   no `OPTIONS` route.
/// - A regional endpoint that accepts TLS 1.3 and 1.2 only (`SecurityPolicy_TLS13_1_2_2021_06`,
///   `EndpointAccessMode` `STRICT`): API Gateway's default policy for a regional API's own
///   endpoint takes TLS 1.0 too (§164.312(e)(1), rule A4T).
/// - Access logs of every call to a log group encrypted with the customer key and kept at
///   least a year (A4, A4E, L1, L2, §164.312(b)), in a format that records who called which
///   route and how it ended, never a path's values, a query string or a body.
/// - Execution logs at `ERROR` (or `INFO`), never with data trace, which would log bodies of
///   PHI (A4); metrics of every method. API Gateway writes them into
///   `API-Gateway-Execution-Logs_{api}/{stage}`, which the API makes beforehand (`DocsExecutionLogs`),
///   encrypted with the customer key and kept as long as the access logs (L1, L2).
/// - Lambda proxy integrations: API Gateway calls the functions through Lambda's API, over
///   TLS (A4I).
/// - Throttling of every method (A4R): 50 requests a second, bursts of 100 by default.
/// - X-Ray tracing of every call (A4X, §164.312(b)).
/// - No cache (A4C): responses of PHI are kept nowhere.
/// - A WAFv2 web ACL (REGIONAL) associated with the stage, with the AWS managed rule groups
///   and a rate limit per client address (A4W, §164.312(e)(1)), logging to a log group
///   named `aws-waf-logs-…`, encrypted with the customer key and kept a year.
/// - The permission of API Gateway to invoke a route's function names that route's
///   execute-api ARN (`api/stage/METHOD/path`) and the account (P2, X2).
///
/// # Changing the routes of a deployed API
/// An API Gateway deployment is a snapshot of the methods, and CloudFormation updates the
/// deployment resource in place (only its description changes), so a route added to an API
/// that is already deployed is in the template but not yet served: deploy the stage again
/// (`aws apigateway create-deployment --rest-api-id ID --stage-name v1`) after `up`. A new
/// API serves its routes at once.
///
/// # Options
/// - [`stage_name`](SecureApi::stage_name). Default: `v1`.
/// - [`throttling`](SecureApi::throttling). Default: 50 requests a second, bursts of 100.
/// - [`execution_logging`](SecureApi::execution_logging). Default: errors only.
/// - [`log_retention`](SecureApi::log_retention). Default: 365 days.
///
/// ```
/// use hipaa_stack::prelude::*;
/// use hipaa_stack::{Auth, Code, Function, HttpMethod, SecureApi, Waf};
/// let app = App::new("docproc");
/// let stack = app.stack("docproc")?;
/// let key = stack.add(KmsKey::new("PhiKey"))?;
/// let net = stack.add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))?;
/// let reader = stack.add(Function::new("Reader", Code::zip("reader.zip")).encryption(&key).network(&net))?;
/// let api = stack.add(
///     SecureApi::new("Docs")
///         .encryption(&key)
///         .waf(Waf::managed_rules())
///         .route(HttpMethod::Get, "/docs/{id}", &reader, Auth::iam()),
/// )?;
/// stack.output("DocsApi", api.id())?;
/// # app.check()?;
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
///
/// A route without an authorizer does not compile:
///
/// ```compile_fail
/// use hipaa_stack::prelude::*;
/// use hipaa_stack::{Code, Function, HttpMethod, SecureApi, Waf};
/// # let app = App::new("docproc");
/// # let stack = app.stack("docproc")?;
/// # let key = stack.add(KmsKey::new("PhiKey"))?;
/// # let net = stack.add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))?;
/// # let reader = stack.add(Function::new("Reader", Code::zip("reader.zip")).encryption(&key).network(&net))?;
/// let _ = SecureApi::new("Docs").route(HttpMethod::Get, "/docs/{id}", &reader, ());
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct SecureApi<K = Handle<KmsKey>, W = Waf, R = Routes> {
    id: String,
    key: K,
    waf: W,
    routes_state: R,
    routes: Vec<Route>,
    stage_name: String,
    rate: u32,
    burst: u32,
    logging: ExecutionLogging,
    log_retention: u16,
}

impl SecureApi<NoKey, NoWaf, NoRoutes> {
    /// An API with the construct id `id`.
    pub fn new(id: impl Into<String>) -> Self {
        SecureApi {
            id: id.into(),
            key: NoKey,
            waf: NoWaf,
            routes_state: NoRoutes,
            routes: Vec::new(),
            stage_name: "v1".to_owned(),
            rate: 50,
            burst: 100,
            logging: ExecutionLogging::Errors,
            log_retention: DEFAULT_LOG_RETENTION,
        }
    }
}

impl<K, W, R> SecureApi<K, W, R> {
    fn into_state<K2, W2, R2>(
        self,
        change: impl FnOnce(K, W, R) -> (K2, W2, R2),
    ) -> SecureApi<K2, W2, R2> {
        let (key, waf, routes_state) = change(self.key, self.waf, self.routes_state);
        SecureApi {
            id: self.id,
            key,
            waf,
            routes_state,
            routes: self.routes,
            stage_name: self.stage_name,
            rate: self.rate,
            burst: self.burst,
            logging: self.logging,
            log_retention: self.log_retention,
        }
    }

    /// Encrypts the access logs and the WAF logs with this customer-managed key.
    pub fn encryption<E: EncryptionKey>(self, key: &Handle<E>) -> SecureApi<Handle<KmsKey>, W, R> {
        let key = key.cast();
        self.into_state(|_, waf, routes| (key, waf, routes))
    }

    /// Filters every request through a WAFv2 web ACL with these rules.
    pub fn waf(self, waf: Waf) -> SecureApi<K, Waf, R> {
        self.into_state(|key, _, routes| (key, waf, routes))
    }

    /// Adds a route: `method` on `path` calls `function` (a Lambda proxy integration), and
    /// only callers that `auth` authenticates may call it. `path` starts with `/`; its
    /// segments are letters, digits, `-`, `_` and `.`, or a variable `{name}` (the last may be
    /// `{name+}`, every path below); checked when the API is added, as is a method declared
    /// twice on a path.
    pub fn route<A: RouteAuthorizer>(
        mut self,
        method: HttpMethod,
        path: &str,
        function: &Handle<Function>,
        auth: A,
    ) -> SecureApi<K, W, Routes> {
        self.routes.push(Route {
            method,
            path: path.to_owned(),
            function: *function,
            auth: auth.auth(),
        });
        self.into_state(|key, waf, _| (key, waf, Routes))
    }

    /// The name of the stage: letters, digits and `_`, at most 128. Default: `v1`.
    pub fn stage_name(mut self, name: impl Into<String>) -> Self {
        self.stage_name = name.into();
        self
    }

    /// Throttles every method to `rate` requests a second with bursts of `burst`, 1 to
    /// 10,000 and 1 to 5,000 (an account's default quota in a region; checked when the API
    /// is added). Default: 50 and 100.
    pub fn throttling(mut self, rate: u32, burst: u32) -> Self {
        self.rate = rate;
        self.burst = burst;
        self
    }

    /// How much the execution logs hold. Default: errors only.
    pub fn execution_logging(mut self, logging: ExecutionLogging) -> Self {
        self.logging = logging;
        self
    }

    /// How long the access-log events are kept. Default: 365 days.
    pub fn log_retention<const D: u16>(mut self, days: Days<D>) -> Self
    where
        Days<D>: LogRetention,
    {
        self.log_retention = days.get();
        self
    }
}

impl Handle<SecureApi> {
    /// The REST API's id.
    pub fn id(&self) -> Reference<Id> {
        self.attr_ref("", Attr::Ref)
    }

    /// The name of the stage that serves it.
    pub fn stage(&self) -> Reference<Name> {
        self.attr_ref("Stage", Attr::Ref)
    }

    /// The name of the access-log group.
    pub fn access_log_group_name(&self) -> Reference<Name> {
        self.attr_ref("AccessLogs", Attr::Ref)
    }
}

impl<K, W, R> Construct<SecureApi> for SecureApi<K, W, R>
where
    K: KeyChosen<SecureApi>,
    W: WafChosen<SecureApi>,
    R: RoutesChosen<SecureApi>,
{
}

impl<K, W, R> IntoNode<SecureApi> for SecureApi<K, W, R>
where
    K: KeyChosen<SecureApi>,
    W: WafChosen<SecureApi>,
    R: RoutesChosen<SecureApi>,
{
    fn into_node(self) -> Box<dyn Node + Send + Sync> {
        Box::new(ApiNode {
            key: self.key.key(),
            waf: self.waf.waf(),
            id: self.id,
            routes: self.routes,
            stage_name: self.stage_name,
            rate: self.rate,
            burst: self.burst,
            logging: self.logging,
            log_retention: self.log_retention,
        })
    }
}

struct ApiNode {
    id: String,
    key: Handle<KmsKey>,
    waf: Waf,
    routes: Vec<Route>,
    stage_name: String,
    rate: u32,
    burst: u32,
    logging: ExecutionLogging,
    log_retention: u16,
}

/// Why `path` is not a route path API Gateway accepts, if it is not.
fn path_problem(path: &str) -> Option<String> {
    let Some(rest) = path.strip_prefix('/') else {
        return Some(format!("the route path `{path}` does not start with `/`"));
    };
    if rest.is_empty() {
        return None;
    }
    let segments: Vec<&str> = rest.split('/').collect();
    let plain = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    };
    for (i, segment) in segments.iter().enumerate() {
        if segment.is_empty() {
            return Some(format!(
                "the route path `{path}` has an empty segment (`//` or a trailing `/`)"
            ));
        }
        if let Some(inner) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            let (name, greedy) = match inner.strip_suffix('+') {
                Some(name) => (name, true),
                None => (inner, false),
            };
            if !plain(name) || name.contains('.') {
                return Some(format!(
                    "the route path `{path}` has the variable `{segment}`; a variable is `{{name}}` with letters, digits, `-` and `_`"
                ));
            }
            if greedy && i + 1 != segments.len() {
                return Some(format!(
                    "the route path `{path}` has `{segment}` before its last segment; a greedy variable (`{{name+}}`) is the last"
                ));
            }
        } else if !plain(segment) {
            return Some(format!(
                "the route path `{path}` has the segment `{segment}`; a segment is letters, digits, `-`, `_` and `.`, or a variable `{{name}}`"
            ));
        }
    }
    None
}

impl ApiNode {
    /// Every path prefix of every route ("/docs", "/docs/{id}"), sorted, each a resource.
    fn resources(&self) -> Vec<String> {
        let mut prefixes = std::collections::BTreeSet::new();
        for route in &self.routes {
            let mut prefix = String::new();
            for segment in route.path.split('/').filter(|s| !s.is_empty()) {
                prefix.push('/');
                prefix.push_str(segment);
                prefixes.insert(prefix.clone());
            }
        }
        prefixes.into_iter().collect()
    }

    /// The Cognito user pools the routes name, in the order first named.
    fn user_pools(&self) -> Vec<&str> {
        let mut pools: Vec<&str> = Vec::new();
        for route in &self.routes {
            if let AuthKind::Cognito(arn) = &route.auth.0
                && !pools.contains(&arn.as_str())
            {
                pools.push(arn);
            }
        }
        pools
    }

    /// The first API of the app deployed in the same account and region as stack `stack`:
    /// the one that writes API Gateway's account settings there.
    fn account_owner(arena: &crate::app::Arena, stack: u32) -> Option<u32> {
        let here = arena.placement(stack);
        arena
            .constructs
            .iter()
            .position(|c| c.node.kind() == "SecureApi" && arena.placement(c.stack) == here)
            .and_then(|i| u32::try_from(i).ok())
    }
}

impl Node for ApiNode {
    fn kind(&self) -> &'static str {
        "SecureApi"
    }

    fn id(&self) -> &str {
        &self.id
    }

    fn parts(&self) -> &'static [&'static str] {
        PARTS
    }

    fn uses(&self) -> Vec<Used> {
        let mut used = vec![self.key.used("KmsKey")];
        used.extend(self.routes.iter().map(|r| r.function.used("Function")));
        used
    }

    fn key_services(&self) -> Vec<(u32, KeyService)> {
        vec![(self.key.index, KeyService::Logs)]
    }

    fn encryption_key(&self) -> Option<u32> {
        Some(self.key.index)
    }

    fn check(&self) -> std::result::Result<(), String> {
        if self.routes.len() > MAX_ROUTES {
            return Err(format!(
                "the API has {} routes; hipaa-stack declares at most {MAX_ROUTES} per API: split it into APIs",
                self.routes.len()
            ));
        }
        let mut seen = std::collections::BTreeSet::new();
        for route in &self.routes {
            if let Some(problem) = path_problem(&route.path) {
                return Err(problem);
            }
            if !seen.insert((route.path.as_str(), route.method)) {
                return Err(format!(
                    "the route {} `{}` is declared twice; declare it once",
                    route.method.name(),
                    route.path
                ));
            }
        }
        // API Gateway refuses two variables of different names at one place of the tree.
        let resources = self.resources();
        let mut variables: BTreeMap<&str, &str> = BTreeMap::new();
        for resource in &resources {
            let (parent, last) = resource.rsplit_once('/').unwrap_or(("", resource));
            if last.starts_with('{')
                && let Some(other) = variables.insert(parent, last)
                && other != last
            {
                return Err(format!(
                    "the route paths name two variables, `{other}` and `{last}`, under `{}`; API Gateway accepts one variable per place of the path: use one name",
                    if parent.is_empty() { "/" } else { parent }
                ));
            }
        }
        if resources.len() > MAX_PATH_SEGMENTS {
            return Err(format!(
                "the routes make {} path segments; hipaa-stack declares at most {MAX_PATH_SEGMENTS} per API: split it into APIs",
                resources.len()
            ));
        }
        if self.user_pools().len() > MAX_USER_POOLS {
            return Err(format!(
                "the routes name more than {MAX_USER_POOLS} Cognito user pools; name at most {MAX_USER_POOLS}"
            ));
        }
        let stage_ok = !self.stage_name.is_empty()
            && self.stage_name.len() <= 128
            && self
                .stage_name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !stage_ok {
            return Err(format!(
                "`{}` is not a stage name API Gateway accepts: 1 to 128 letters, digits and `_`",
                self.stage_name
            ));
        }
        if !(1..=10_000).contains(&self.rate) || !(1..=5_000).contains(&self.burst) {
            return Err(format!(
                "throttling of {} requests a second with bursts of {} is outside 1 to 10,000 and 1 to 5,000 (rule A4R: an API without a limit is not throttled)",
                self.rate, self.burst
            ));
        }
        if !(100..=2_000_000_000).contains(&self.waf.rate_limit) {
            return Err(format!(
                "a rate limit of {} requests is outside WAF's 100 to 2,000,000,000",
                self.waf.rate_limit
            ));
        }
        Ok(())
    }

    /// Every Cognito user pool a route names is of the stack's own account: written
    /// `${AWS::AccountId}`, or the account of the stack's environment.
    fn check_in(&self, arena: &crate::app::Arena, stack: u32) -> std::result::Result<(), String> {
        for pool in self.user_pools() {
            if let Some((account, whose)) = another_account(arena, stack, pool) {
                return Err(format!(
                    "a route names the Cognito user pool `{pool}` of the account {account}, {whose}: whoever that account signs up would call the API (rule X2, HIPAA 45 CFR §164.308(b)(1)); name a pool of this stack's account, written `arn:aws:cognito-idp:REGION:${{AWS::AccountId}}:userpool/ID`"
                ));
            }
        }
        Ok(())
    }

    fn render(
        &self,
        cx: &mut RenderCx<'_>,
    ) -> std::result::Result<Vec<Resource>, serde_json::Error> {
        let path = cx.path();
        let key = cx.resolve(self.key.arn());
        let mut out = Vec::new();

        out.push(Resource::new(
            cx.logical(""),
            RestApi {
                name: cx.logical(""),
                description: format!("{path} (hipaa-stack)"),
                endpoint_configuration: EndpointConfiguration {
                    types: ["REGIONAL"],
                },
                disable_execute_api_endpoint: false,
                // TLS 1.3 and 1.2 only; the default of a regional API takes TLS 1.0 too.
                security_policy: "SecurityPolicy_TLS13_1_2_2021_06",
                endpoint_access_mode: "STRICT",
            },
        )?);

        // One resource per path segment, parents first.
        let resources = self.resources();
        let resource_ref = |cx: &RenderCx<'_>, prefix: &str| -> Expr {
            match resources.iter().position(|r| r == prefix) {
                Some(i) => cx.own_ref(part("Path", i)),
                None => cx.own_att("", "RootResourceId"),
            }
        };
        for (i, resource) in resources.iter().enumerate() {
            let (parent, last) = resource.rsplit_once('/').unwrap_or(("", resource));
            out.push(Resource::new(
                cx.logical(part("Path", i)),
                ApiResource {
                    rest_api_id: cx.own_ref(""),
                    parent_id: resource_ref(cx, parent),
                    path_part: last.to_owned(),
                },
            )?);
        }

        let pools = self.user_pools();
        for (i, pool) in pools.iter().enumerate() {
            out.push(Resource::new(
                cx.logical(part("Authorizer", i)),
                Authorizer {
                    rest_api_id: cx.own_ref(""),
                    name: format!("{}Cognito{i}", self.id),
                    kind: "COGNITO_USER_POOLS",
                    provider_arns: vec![own_account_arn(pool)],
                    identity_source: "method.request.header.Authorization",
                },
            )?);
        }

        let mut methods = Vec::new();
        for (i, route) in self.routes.iter().enumerate() {
            let function_arn = cx.resolve(route.function.arn());
            let (authorization_type, authorizer_id) = match &route.auth.0 {
                AuthKind::Iam => ("AWS_IAM", None),
                AuthKind::Cognito(arn) => {
                    let n = pools.iter().position(|p| *p == arn).unwrap_or(0);
                    (
                        "COGNITO_USER_POOLS",
                        Some(cx.own_ref(part("Authorizer", n))),
                    )
                }
            };
            let method = cx.logical(part("Route", i));
            out.push(Resource::new(
                method.clone(),
                CfnMethod {
                    rest_api_id: cx.own_ref(""),
                    resource_id: resource_ref(cx, route.path.trim_end_matches('/')),
                    http_method: route.method.name(),
                    authorization_type,
                    authorizer_id,
                    integration: Integration {
                        kind: "AWS_PROXY",
                        integration_http_method: "POST",
                        uri: Expr::join([
                            Expr::sub_pseudo(
                                "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/",
                            ),
                            function_arn.clone(),
                            Expr::lit("/invocations"),
                        ]),
                    },
                },
            )?);
            methods.push(method);
            // API Gateway may invoke the function for this route of this stage only.
            let arn_path: Vec<&str> = route
                .path
                .split('/')
                .filter(|s| !s.is_empty())
                .map(|s| if s.starts_with('{') { "*" } else { s })
                .collect();
            out.push(Resource::new(
                cx.logical(part("Invoke", i)),
                Permission {
                    action: "lambda:InvokeFunction",
                    function_name: function_arn,
                    principal: "apigateway.amazonaws.com",
                    source_account: Expr::pseudo(Pseudo::AccountId),
                    source_arn: Some(Expr::join([
                        Expr::sub_pseudo(
                            "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:",
                        ),
                        cx.own_ref(""),
                        Expr::lit(format!(
                            "/{}/{}/{}",
                            self.stage_name,
                            route.method.in_arn(),
                            arn_path.join("/")
                        )),
                    ])),
                },
            )?);
        }

        // The deployment snapshots the methods, so it waits for them.
        let mut deployment = Resource::new(
            cx.logical("Deployment"),
            Deployment {
                rest_api_id: cx.own_ref(""),
                description: format!("{path}: {} routes", self.routes.len()),
            },
        )?;
        for method in &methods {
            deployment = deployment.depends_on(method);
        }
        out.push(deployment);

        out.push(encrypted_log_group(
            cx,
            "AccessLogs",
            key.clone(),
            self.log_retention,
        )?);

        // API Gateway's account settings: the first API of an account and region writes
        // them; the others wait for them (DependsOn in its stack, an import from another).
        let owner = Self::account_owner(cx.arena, cx.stack).unwrap_or(cx.construct);
        let mut description = Expr::lit(format!(
            "{path}: every route authenticated, logged, traced and throttled"
        ));
        let mut account_dependency = None;
        if owner == cx.construct {
            out.push(Resource::new(
                cx.logical("CloudWatchRole"),
                CfnRole {
                    description: format!(
                        "{path}: the role API Gateway writes the execution logs of this account and region with"
                    ),
                    assume_role_policy_document: PolicyDocument::new(vec![Statement::allow(
                        "TrustApiGateway",
                        Principal::Service("apigateway.amazonaws.com".into()),
                        &["sts:AssumeRole"],
                        Vec::new(),
                    )]),
                    managed_policy_arns: Vec::new(),
                },
            )?);
            // What AWS's `AmazonAPIGatewayPushToCloudWatchLogs` grants, less reading the
            // logs back, on the execution-log groups only.
            out.push(Resource::new(
                cx.logical("CloudWatchPolicy"),
                ManagedPolicy {
                    description: format!(
                        "{path}: API Gateway writes execution logs into `API-Gateway-Execution-Logs_` groups"
                    ),
                    policy_document: PolicyDocument::new(vec![Statement::allow_identity(
                        "WriteExecutionLogs",
                        &[
                            "logs:CreateLogGroup",
                            "logs:CreateLogStream",
                            "logs:DescribeLogGroups",
                            "logs:DescribeLogStreams",
                            "logs:PutLogEvents",
                        ],
                        vec![Expr::sub_pseudo(
                            "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:API-Gateway-Execution-Logs_*",
                        )],
                    )]),
                    roles: vec![cx.own_ref("CloudWatchRole")],
                },
            )?);
            out.push(
                Resource::new(
                    cx.logical("Account"),
                    Account {
                        cloud_watch_role_arn: cx.own_att("CloudWatchRole", "Arn"),
                    },
                )?
                // CloudFormation's reference for `AWS::ApiGateway::Account`: in an account
                // that has never had an API Gateway resource, the settings wait for one.
                .depends_on(&cx.logical("CloudWatchPolicy"))
                .depends_on(&cx.logical("")),
            );
            account_dependency = Some(cx.logical("Account"));
        } else if cx.arena.constructs.get(owner as usize).map(|c| c.stack) == Some(cx.stack) {
            account_dependency = Some(cx.arena.logical_id(owner, "Account"));
        } else {
            let settings = cx.resolve(
                Handle::<SecureApi>::new(self.key.app, owner).attr_ref::<Id>("Account", Attr::Ref),
            );
            description = Expr::join([
                Expr::lit(format!(
                    "{path}: every route authenticated, logged, traced and throttled; account settings "
                )),
                settings,
            ]);
        }

        // API Gateway writes the execution logs into a group of this name, which it would
        // make unencrypted and kept forever: it is made here, encrypted and kept.
        out.push(
            Resource::new(
                cx.logical("ExecutionLogs"),
                ExecutionLogGroup {
                    log_group_name: Expr::join([
                        Expr::lit("API-Gateway-Execution-Logs_"),
                        cx.own_ref(""),
                        Expr::lit(format!("/{}", self.stage_name)),
                    ]),
                    kms_key_id: key.clone(),
                    retention_in_days: self.log_retention,
                },
            )?
            .keep(Keep::Retain),
        );
        let access_log_arn = Expr::join([
            Expr::sub_pseudo(
                "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:",
            ),
            cx.own_ref("AccessLogs"),
        ]);
        let mut stage = Resource::new(
            cx.logical("Stage"),
            Stage {
                rest_api_id: cx.own_ref(""),
                deployment_id: cx.own_ref("Deployment"),
                stage_name: self.stage_name.clone(),
                description,
                access_log_setting: AccessLogSetting {
                    destination_arn: access_log_arn,
                    format: ACCESS_LOG_FORMAT.to_owned(),
                },
                method_settings: [MethodSetting {
                    resource_path: "/*",
                    http_method: "*",
                    logging_level: self.logging.level(),
                    data_trace_enabled: false,
                    metrics_enabled: true,
                    throttling_rate_limit: self.rate,
                    throttling_burst_limit: self.burst,
                    caching_enabled: false,
                }],
                tracing_enabled: true,
                cache_cluster_enabled: false,
            },
        )?;
        if let Some(account) = account_dependency {
            stage = stage.depends_on(&account);
        }
        stage = stage.depends_on(&cx.logical("ExecutionLogs"));
        // What the rule packs ask of a stage that this one meets another way, with why.
        for exception in [API_STAGE_NO_CACHE, API_STAGE_LAMBDA_BACKENDS] {
            cx.except(&mut stage, &exception);
        }
        out.push(stage);

        let stage_arn = Expr::join([
            Expr::sub_pseudo("arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/"),
            cx.own_ref(""),
            Expr::lit("/stages/"),
            cx.own_ref("Stage"),
        ]);
        out.extend(web_acl(cx, &path, key, stage_arn, self.waf.rate_limit)?);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::prelude::*;
    use crate::testing::{prop, resource, statement, template_with};
    use crate::{Auth, Code, Function, HttpMethod, SecureApi, Waf};

    const POOL: &str =
        "arn:aws:cognito-idp:us-east-1:${AWS::AccountId}:userpool/us-east-1_Ab12Cd34E";

    fn docs() -> serde_json::Value {
        template_with(|stack, key, _| {
            let net = stack
                .add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))
                .unwrap();
            let reader = stack
                .add(
                    Function::new("Reader", Code::zip("reader.zip"))
                        .encryption(&key)
                        .network(&net),
                )
                .unwrap();
            stack
                .add(
                    SecureApi::new("Docs")
                        .encryption(&key)
                        .waf(Waf::managed_rules().rate_limit(500))
                        .route(HttpMethod::Get, "/docs/{id}", &reader, Auth::iam())
                        .route(
                            HttpMethod::Get,
                            "/docs",
                            &reader,
                            Auth::cognito(POOL).unwrap(),
                        )
                        .throttling(20, 40),
                )
                .unwrap();
        })
    }

    #[test]
    fn every_route_has_its_authorizer_and_a_proxy_integration() {
        let t = docs();
        assert_eq!(prop(&t, "DocsRoute0", "/AuthorizationType"), "AWS_IAM");
        assert_eq!(
            prop(&t, "DocsRoute0", "/ResourceId"),
            &json!({ "Ref": "DocsPath1" })
        );
        assert_eq!(prop(&t, "DocsPath1", "/PathPart"), "{id}");
        assert_eq!(
            prop(&t, "DocsPath1", "/ParentId"),
            &json!({ "Ref": "DocsPath0" })
        );
        assert_eq!(
            prop(&t, "DocsPath0", "/ParentId"),
            &json!({ "Fn::GetAtt": ["Docs", "RootResourceId"] })
        );
        assert_eq!(
            prop(&t, "DocsRoute1", "/AuthorizationType"),
            "COGNITO_USER_POOLS"
        );
        assert_eq!(
            prop(&t, "DocsRoute1", "/AuthorizerId"),
            &json!({ "Ref": "DocsAuthorizer0" })
        );
        assert_eq!(
            prop(&t, "DocsAuthorizer0", "/ProviderARNs"),
            &json!([{ "Fn::Sub": POOL.replace("arn:aws:", "arn:${AWS::Partition}:") }])
        );
        assert_eq!(prop(&t, "DocsRoute0", "/Integration/Type"), "AWS_PROXY");
        assert_eq!(
            resource(&t, "DocsDeployment")["DependsOn"],
            json!(["DocsRoute0", "DocsRoute1"])
        );
    }

    #[test]
    fn api_gateway_may_invoke_the_function_for_that_route_of_that_stage_only() {
        let t = docs();
        assert_eq!(
            prop(&t, "DocsInvoke0", "/SourceArn"),
            &json!({ "Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Docs}/v1/GET/docs/*" })
        );
        assert_eq!(
            prop(&t, "DocsInvoke0", "/Principal"),
            "apigateway.amazonaws.com"
        );
        assert_eq!(
            prop(&t, "DocsInvoke0", "/SourceAccount"),
            &json!({ "Ref": "AWS::AccountId" })
        );
    }

    #[test]
    fn the_stage_logs_traces_throttles_and_caches_nothing() {
        let t = docs();
        assert_eq!(
            prop(&t, "DocsStage", "/AccessLogSetting/DestinationArn"),
            &json!({ "Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${DocsAccessLogs}" })
        );
        assert_eq!(
            prop(&t, "DocsStage", "/MethodSettings"),
            &json!([{
                "ResourcePath": "/*",
                "HttpMethod": "*",
                "LoggingLevel": "ERROR",
                "DataTraceEnabled": false,
                "MetricsEnabled": true,
                "ThrottlingRateLimit": 20,
                "ThrottlingBurstLimit": 40,
                "CachingEnabled": false
            }])
        );
        assert_eq!(prop(&t, "DocsStage", "/TracingEnabled"), true);
        assert_eq!(prop(&t, "DocsStage", "/CacheClusterEnabled"), false);
        assert_eq!(
            prop(&t, "DocsAccessLogs", "/KmsKeyId"),
            &json!({ "Fn::GetAtt": ["PhiKey", "Arn"] })
        );
        assert_eq!(
            prop(&t, "Docs", "/EndpointConfiguration/Types"),
            &json!(["REGIONAL"])
        );
        // Its own endpoint refuses TLS 1.0, which a regional API's default policy takes.
        assert_eq!(
            prop(&t, "Docs", "/SecurityPolicy"),
            "SecurityPolicy_TLS13_1_2_2021_06"
        );
        assert_eq!(prop(&t, "Docs", "/EndpointAccessMode"), "STRICT");
        let format = prop(&t, "DocsStage", "/AccessLogSetting/Format")
            .as_str()
            .unwrap();
        assert!(format.contains("$context.resourcePath"), "{format}");
        assert!(!format.contains("$context.path"), "{format}");
        // The packs ask for a cache and a client certificate; the stage says why it has
        // neither, in the metadata they read.
        let nag = &resource(&t, "DocsStage")["Metadata"]["cdk_nag"]["rules_to_suppress"];
        let ids: Vec<&str> = nag
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap())
            .collect();
        assert_eq!(
            ids,
            [
                "HIPAA.Security-APIGWCacheEnabledAndEncrypted",
                "HIPAA.Security-APIGWSSLEnabled"
            ]
        );
        assert_eq!(
            resource(&t, "DocsStage")["Metadata"]["checkov"]["skip"][0]["id"],
            "CKV_AWS_120"
        );
    }

    #[test]
    fn a_web_acl_filters_the_stage_and_logs_encrypted() {
        let t = docs();
        assert_eq!(
            prop(&t, "DocsWebAclAssociation", "/ResourceArn"),
            &json!({ "Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/${Docs}/stages/${DocsStage}" })
        );
        assert_eq!(prop(&t, "DocsWebAcl", "/Scope"), "REGIONAL");
        let rules = prop(&t, "DocsWebAcl", "/Rules").as_array().unwrap();
        assert!(
            rules
                .iter()
                .any(|r| r["Name"] == "AWSManagedRulesCommonRuleSet")
        );
        assert!(
            rules
                .iter()
                .any(|r| r["Name"] == "AWSManagedRulesKnownBadInputsRuleSet")
        );
        assert_eq!(
            rules.last().unwrap()["Statement"]["RateBasedStatement"]["Limit"],
            500
        );
        assert_eq!(
            prop(&t, "DocsWafLogs", "/KmsKeyId"),
            &json!({ "Fn::GetAtt": ["PhiKey", "Arn"] })
        );
    }

    #[test]
    fn the_first_api_of_an_account_and_region_sets_the_logging_role() {
        let t = docs();
        assert_eq!(
            prop(&t, "DocsAccount", "/CloudWatchRoleArn"),
            &json!({ "Fn::GetAtt": ["DocsCloudWatchRole", "Arn"] })
        );
        let trust = statement(
            prop(&t, "DocsCloudWatchRole", "/AssumeRolePolicyDocument"),
            "TrustApiGateway",
        );
        assert_eq!(
            trust["Principal"],
            json!({ "Service": "apigateway.amazonaws.com" })
        );
        assert_eq!(
            resource(&t, "DocsStage")["DependsOn"],
            json!(["DocsAccount", "DocsExecutionLogs"])
        );
        assert_eq!(
            resource(&t, "DocsAccount")["DependsOn"],
            json!(["DocsCloudWatchPolicy", "Docs"])
        );
    }

    /// Two APIs of one account and region, in two stacks: one writes the account settings,
    /// the other imports them, so it deploys later.
    #[test]
    fn a_second_api_uses_the_account_settings_of_the_first() {
        let app = App::new("test");
        let a = app.stack("a").unwrap();
        let b = app.stack("b").unwrap();
        let key = a.add(KmsKey::new("PhiKey")).unwrap();
        let net = a
            .add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))
            .unwrap();
        let f = a
            .add(
                Function::new("F", Code::zip("f.zip"))
                    .encryption(&key)
                    .network(&net),
            )
            .unwrap();
        let api = |id: &str| {
            SecureApi::new(id)
                .encryption(&key)
                .waf(Waf::managed_rules())
                .route(HttpMethod::Post, "/", &f, Auth::iam())
        };
        a.add(api("One")).unwrap();
        a.add(api("Two")).unwrap();
        b.add(api("Three")).unwrap();
        let assembly = app.synth().unwrap();
        let ta: serde_json::Value =
            crate::cfn::tree::from_str(assembly.stack("a").unwrap().template_json()).unwrap();
        let tb: serde_json::Value =
            crate::cfn::tree::from_str(assembly.stack("b").unwrap().template_json()).unwrap();
        assert!(ta["Resources"].get("OneAccount").is_some());
        assert!(ta["Resources"].get("TwoAccount").is_none());
        assert!(tb["Resources"].get("ThreeAccount").is_none());
        assert_eq!(
            resource(&ta, "TwoStage")["DependsOn"],
            json!(["OneAccount", "TwoExecutionLogs"])
        );
        let description = prop(&tb, "ThreeStage", "/Description").to_string();
        assert!(description.contains("Fn::ImportValue"), "{description}");
        // The root path's method is on the root resource.
        assert_eq!(
            prop(&ta, "OneRoute0", "/ResourceId"),
            &json!({ "Fn::GetAtt": ["One", "RootResourceId"] })
        );
        let findings = assembly.evaluation().findings();
        assert!(findings.is_empty(), "{findings:?}");
    }

    #[test]
    fn bad_paths_and_settings_are_refused_naming_the_api() {
        let app = App::new("test");
        let stack = app.stack("t").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        let net = stack
            .add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))
            .unwrap();
        let f = stack
            .add(
                Function::new("F", Code::zip("f.zip"))
                    .encryption(&key)
                    .network(&net),
            )
            .unwrap();
        let with = |path: &str| {
            SecureApi::new("Docs")
                .encryption(&key)
                .waf(Waf::managed_rules())
                .route(HttpMethod::Get, path, &f, Auth::iam())
        };
        for (api, needle) in [
            (with("docs"), "does not start with `/`"),
            (with("/docs//x"), "empty segment"),
            (with("/docs/"), "empty segment"),
            (with("/docs/a b"), "the segment `a b`"),
            (with("/docs/{}"), "the variable `{}`"),
            (with("/{rest+}/x"), "greedy variable"),
            (
                with("/docs/{id}").route(HttpMethod::Get, "/docs/{docId}", &f, Auth::iam()),
                "two variables",
            ),
            (
                with("/docs").route(HttpMethod::Get, "/docs", &f, Auth::iam()),
                "declared twice",
            ),
            (with("/docs").stage_name("prod stage"), "not a stage name"),
            (with("/docs").stage_name("prod-1"), "not a stage name"),
            (with("/docs").throttling(0, 10), "rule A4R"),
            (with("/docs").throttling(10, 6000), "rule A4R"),
        ] {
            let err = stack.add(api).unwrap_err().to_string();
            assert!(err.contains("t/Docs"), "{err}");
            assert!(err.contains(needle), "{needle}: {err}");
        }
        let low = SecureApi::new("Docs")
            .encryption(&key)
            .waf(Waf::managed_rules().rate_limit(10))
            .route(HttpMethod::Get, "/", &f, Auth::iam());
        let err = stack.add(low).unwrap_err().to_string();
        assert!(err.contains("outside WAF's 100"), "{err}");
        for bad in [
            "arn:aws:iam::123456789012:role/x",
            "arn:aws:cognito-idp:us-east-1:123456789012:userpool/eu-west-1_Abc",
            "arn:aws:cognito-idp:us-east-1:1234:userpool/us-east-1_Abc",
            "",
        ] {
            let err = Auth::cognito(bad).unwrap_err().to_string();
            assert!(err.contains("Auth::cognito"), "{err}");
        }
    }

    /// Probes 17b #1 and 17c F1: a route's user pool of another account is refused at
    /// `add`, naming the construct; the stack's own account, as its environment's id or as
    /// `${AWS::AccountId}`, is written `${AWS::AccountId}` and meets every rule.
    #[test]
    fn a_user_pool_of_another_account_is_refused() {
        const FOREIGN: &str =
            "arn:aws:cognito-idp:us-east-1:999999999999:userpool/us-east-1_Ab12Cd34E";
        const HERE: &str =
            "arn:aws:cognito-idp:us-east-1:111111111111:userpool/us-east-1_Ab12Cd34E";
        let build = |pool: &str, environment: bool| {
            let app = App::new("test");
            let stack = if environment {
                app.environment("prod", account!("111111111111"), region!("us-east-1"))
                    .unwrap()
                    .stack("t")
                    .unwrap()
            } else {
                app.stack("t").unwrap()
            };
            let key = stack.add(KmsKey::new("PhiKey")).unwrap();
            let net = stack
                .add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))
                .unwrap();
            let f = stack
                .add(
                    Function::new("F", Code::zip("f.zip"))
                        .encryption(&key)
                        .network(&net),
                )
                .unwrap();
            let added = stack.add(
                SecureApi::new("Docs")
                    .encryption(&key)
                    .waf(Waf::managed_rules())
                    .route(HttpMethod::Get, "/docs", &f, Auth::cognito(pool).unwrap()),
            );
            added.map(|_| app.synth().unwrap())
        };
        for (pool, environment) in [(FOREIGN, true), (FOREIGN, false), (HERE, false)] {
            let err = build(pool, environment).err().unwrap().to_string();
            assert!(err.contains("t/Docs"), "{err}");
            assert!(err.contains("Cognito user pool"), "{err}");
            assert!(err.contains("${AWS::AccountId}"), "{err}");
        }
        let own = "arn:aws:cognito-idp:us-east-1:${AWS::AccountId}:userpool/us-east-1_Ab12Cd34E";
        for (pool, environment) in [(HERE, true), (own, false), (own, true)] {
            let assembly = build(pool, environment).unwrap();
            let findings = assembly.evaluation().findings();
            assert!(findings.is_empty(), "{pool}: {findings:?}");
            // The pool is declared by no template of the app: its sign-up is not shown.
            let x2 = assembly
                .evaluation()
                .results
                .iter()
                .find(|r| r.rule == "X2" && &*r.logical_id == "DocsAuthorizer0")
                .map(|r| &r.status);
            assert!(
                matches!(x2, Some(crate::testing::Status::Gap { reason }) if reason.contains("no template of the app declares")),
                "{pool}: {x2:?}"
            );
            let template: serde_json::Value =
                crate::cfn::tree::from_str(assembly.stacks()[0].template_json()).unwrap();
            assert_eq!(
                prop(&template, "DocsAuthorizer0", "/ProviderARNs"),
                &json!([{ "Fn::Sub": own.replace("arn:aws:", "arn:${AWS::Partition}:") }])
            );
        }
    }

    #[test]
    fn the_api_meets_every_rule() {
        let app = App::new("test");
        let stack = app.stack("t").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        let net = stack
            .add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))
            .unwrap();
        let f = stack
            .add(
                Function::new("F", Code::zip("f.zip"))
                    .encryption(&key)
                    .network(&net),
            )
            .unwrap();
        stack
            .add(
                SecureApi::new("Docs")
                    .encryption(&key)
                    .waf(Waf::managed_rules())
                    .route(HttpMethod::Get, "/docs/{id}", &f, Auth::iam()),
            )
            .unwrap();
        let assembly = app.synth().unwrap();
        let findings = assembly.evaluation().findings();
        assert!(findings.is_empty(), "{findings:?}");
        for rule in [
            "A4", "A4M", "A4X", "A4W", "A4R", "A4C", "A4E", "A4I", "P2", "L1", "I2",
        ] {
            assert!(
                assembly.evaluation().results.iter().any(|r| r.rule == rule
                    && matches!(r.status, crate::testing::Status::Enforced { .. })),
                "{rule} has no evidence"
            );
        }
    }
}

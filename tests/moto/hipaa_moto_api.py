"""API Gateway REST APIs for the local endpoint: what moto lacks to deploy a `SecureApi` and
read its settings back through API Gateway's and WAF's APIs. Imported by `hipaa_moto.py`.

* `AWS::ApiGateway::Stage` has no CloudFormation model in moto: the stage is created in moto's
  API Gateway backend (`CreateStage`), with its access-log setting, its method settings
  (logging level, data trace, metrics, throttling, caching) and tracing applied, so
  `GetStage` answers them as API Gateway does. A WAF web ACL associated with the stage shows
  as its `webAclArn`.
* `AWS::ApiGateway::Account` has no CloudFormation model in moto: the account's CloudWatch
  role is set (`UpdateAccount`), so `GetAccount` answers it.
* `AWS::ApiGateway::Authorizer` has no CloudFormation model in moto: it is created
  (`CreateAuthorizer`).
* `AWS::ApiGateway::RestApi`: moto keeps `EndpointConfiguration` in CloudFormation's casing
  (`Types`), which `GetRestApi` then answers where the API has `types`; it is kept as the API
  answers it, with `DisableExecuteApiEndpoint`.
* `AWS::ApiGateway::Deployment`: moto's model has no physical id, so a `Ref` to it is the
  model itself; it is the deployment's id, as on AWS ("AWS::ApiGateway::Deployment", return
  values: "Ref returns the deployment ID").
* `AWS::ApiGateway::Method`: moto's model drops `AuthorizerId`; it is kept, so `GetMethod`
  answers the authorizer of a Cognito route.

Where moto accepts what AWS refuses, the harness refuses as AWS does; each refusal cites the
API reference it follows.
"""

import itertools

from moto.apigateway.models import Deployment, Method, RestAPI, apigateway_backends
from moto.core.common_models import CloudFormationModel
from moto.iam.models import iam_backends
from moto.logs.models import logs_backends
from moto.wafv2.models import wafv2_backends

import hipaa_moto_frontdoor
from hipaa_moto_frontdoor import Refused

_counter = itertools.count(1)

# CreateRestApi, `endpointConfiguration.types`: "The endpoint type. The valid values are
# EDGE for edge-optimized API setup, most suitable for mobile applications; REGIONAL for
# regional API endpoint setup, most suitable for calling from AWS Region; and PRIVATE for
# private APIs."
ENDPOINT_TYPES = ("EDGE", "REGIONAL", "PRIVATE")

# CreateRestApi, `securityPolicy`: "Valid Values: TLS_1_0 | TLS_1_2 |
# SecurityPolicy_TLS13_1_3_2025_09 | … | SecurityPolicy_TLS12_2018_EDGE"; `endpointAccessMode`:
# BASIC or STRICT. The developer guide ("Security policies for REST APIs in API Gateway"):
# "When you use an enhanced security policy, you must also set the endpoint access mode."
SECURITY_POLICIES = (
    "TLS_1_0",
    "TLS_1_2",
    "SecurityPolicy_TLS13_1_3_2025_09",
    "SecurityPolicy_TLS13_1_3_FIPS_2025_09",
    "SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09",
    "SecurityPolicy_TLS13_1_2_FIPS_PQ_2025_09",
    "SecurityPolicy_TLS13_1_2_PQ_2025_09",
    "SecurityPolicy_TLS13_1_2_2021_06",
    "SecurityPolicy_TLS13_2025_EDGE",
    "SecurityPolicy_TLS12_PFS_2025_EDGE",
    "SecurityPolicy_TLS12_2018_EDGE",
)
ENDPOINT_ACCESS_MODES = ("BASIC", "STRICT")

# PutMethod, `authorizationType`: "The method's authorization type. Valid values are NONE
# for open access, AWS_IAM for using AWS IAM permissions, CUSTOM for using a custom
# authorizer, or COGNITO_USER_POOLS for using a Cognito user pool."
AUTHORIZATION_TYPES = ("NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS")

# MethodSetting, `loggingLevel`: "Valid values are OFF, ERROR, and INFO."
LOGGING_LEVELS = ("OFF", "ERROR", "INFO")


def _props(cloudformation_json):
    return cloudformation_json.get("Properties", {}) or {}


def _flag(value):
    return str(value).lower() == "true"


def _backend(account_id, region_name):
    return apigateway_backends[account_id][region_name]


def _api(account_id, region_name, api_id, logical_id, resource_type):
    """The REST API `api_id`; AWS answers NotFoundException "Invalid API identifier
    specified" for one that does not exist (CreateStage, PutMethod, CreateAuthorizer)."""
    api = _backend(account_id, region_name).apis.get(api_id)
    if api is None:
        raise Refused(logical_id, resource_type, "NotFoundException",
                      f"Invalid API identifier specified {account_id}:{api_id}")
    return api


# -- RestApi -------------------------------------------------------------------------------

_original_rest_api_create = RestAPI.create_from_cloudformation_json.__func__


def rest_api_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    """CreateRestApi. AWS requires `name` (CreateRestApi, "Required: Yes") and accepts only
    EDGE, REGIONAL and PRIVATE endpoints, one type per API, the security policies and endpoint
    access modes it lists, and an access mode with an enhanced policy (BadRequestException).
    moto reads none of the last three."""
    props = _props(cloudformation_json)
    if not props.get("Name") and not props.get("Body") and not props.get("BodyS3Location"):
        raise Refused(resource_name, "AWS::ApiGateway::RestApi", "BadRequestException",
                      "Invalid REST API name specified: the name is required")
    types = (props.get("EndpointConfiguration") or {}).get("Types") or ["EDGE"]
    if len(types) != 1 or types[0] not in ENDPOINT_TYPES:
        raise Refused(resource_name, "AWS::ApiGateway::RestApi", "BadRequestException",
                      f"Invalid endpoint configuration type {types}: one of {', '.join(ENDPOINT_TYPES)}")
    policy, mode = props.get("SecurityPolicy"), props.get("EndpointAccessMode")
    if policy is not None and policy not in SECURITY_POLICIES:
        raise Refused(resource_name, "AWS::ApiGateway::RestApi", "BadRequestException",
                      f"Invalid security policy {policy}: one of {', '.join(SECURITY_POLICIES)}")
    if mode is not None and mode not in ENDPOINT_ACCESS_MODES:
        raise Refused(resource_name, "AWS::ApiGateway::RestApi", "BadRequestException",
                      f"Invalid endpoint access mode {mode}: one of {', '.join(ENDPOINT_ACCESS_MODES)}")
    if str(policy or "").startswith("SecurityPolicy_") and mode is None:
        raise Refused(resource_name, "AWS::ApiGateway::RestApi", "BadRequestException",
                      f"The security policy {policy} requires an endpoint access mode")
    cloudformation_json = dict(cloudformation_json)
    cloudformation_json["Properties"] = dict(props, EndpointConfiguration=None)
    api = _original_rest_api_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
    api.endpoint_configuration = {"types": list(types)}
    api.disable_execute_api_endpoint = _flag(props.get("DisableExecuteApiEndpoint", False))
    return api


RestAPI.create_from_cloudformation_json = classmethod(rest_api_create)


# -- Deployment ----------------------------------------------------------------------------

Deployment.physical_resource_id = property(lambda self: self.id)


# -- Method --------------------------------------------------------------------------------

_original_method_create = Method.create_from_cloudformation_json.__func__


def method_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    """PutMethod with its authorizer. AWS refuses an authorization type outside NONE,
    AWS_IAM, CUSTOM and COGNITO_USER_POOLS, and COGNITO_USER_POOLS or CUSTOM without an
    authorizer of the API (PutMethod, BadRequestException: "Invalid authorizer ID specified.
    Setting the authorization type to COGNITO_USER_POOLS requires a valid authorizer."); an
    `AWS_PROXY` integration with Lambda takes `POST` (Put Integration, `httpMethod`: "For
    Lambda integrations, you must set the integration method to POST")."""
    props = _props(cloudformation_json)
    kind = props.get("AuthorizationType") or "NONE"
    if kind not in AUTHORIZATION_TYPES:
        raise Refused(resource_name, Method.cloudformation_type(), "BadRequestException",
                      f"Invalid authorization type {kind}")
    api = _api(account_id, region_name, props.get("RestApiId"), resource_name, Method.cloudformation_type())
    authorizer_id = props.get("AuthorizerId")
    if kind in ("COGNITO_USER_POOLS", "CUSTOM") and authorizer_id not in api.authorizers:
        raise Refused(resource_name, Method.cloudformation_type(), "BadRequestException",
                      f"Invalid authorizer ID specified. Setting the authorization type to {kind} requires a valid authorizer.")
    integration = props.get("Integration") or {}
    if integration.get("Type") == "AWS_PROXY" and ":lambda:path/" in str(integration.get("Uri")) \
            and integration.get("IntegrationHttpMethod") != "POST":
        raise Refused(resource_name, Method.cloudformation_type(), "BadRequestException",
                      "Lambda integrations take the integration method POST")
    method = _original_method_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
    method.authorizer_id = authorizer_id
    return method


Method.create_from_cloudformation_json = classmethod(method_create)


# -- Authorizer ----------------------------------------------------------------------------


class HarnessAuthorizer(CloudFormationModel):
    """An authorizer of a REST API: `Ref` is its id."""

    # moto files a model under the service named by its module.
    __module__ = "moto.apigateway.hipaa_harness"

    def __init__(self, api_id, authorizer_id):
        self.api_id = api_id
        self.authorizer_id = authorizer_id

    @staticmethod
    def cloudformation_name_type():
        return "Name"

    @staticmethod
    def cloudformation_type():
        return "AWS::ApiGateway::Authorizer"

    @property
    def physical_resource_id(self):
        return self.authorizer_id

    @classmethod
    def has_cfn_attr(cls, attr):
        return attr == "AuthorizerId"

    def get_cfn_attribute(self, attribute_name):
        return self.authorizer_id

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        """CreateAuthorizer. AWS requires `name` and `type` (TOKEN, REQUEST or
        COGNITO_USER_POOLS), and `providerARNs` for COGNITO_USER_POOLS (CreateAuthorizer,
        BadRequestException)."""
        props = _props(cloudformation_json)
        kind = props.get("Type")
        if kind not in ("TOKEN", "REQUEST", "COGNITO_USER_POOLS") or not props.get("Name"):
            raise Refused(resource_name, cls.cloudformation_type(), "BadRequestException",
                          "an authorizer needs a Name and a Type of TOKEN, REQUEST or COGNITO_USER_POOLS")
        if kind == "COGNITO_USER_POOLS" and not props.get("ProviderARNs"):
            raise Refused(resource_name, cls.cloudformation_type(), "BadRequestException",
                          "ProviderARNs is required for COGNITO_USER_POOLS authorizers")
        api_id = props.get("RestApiId")
        _api(account_id, region_name, api_id, resource_name, cls.cloudformation_type())
        authorizer = _backend(account_id, region_name).create_authorizer(
            api_id,
            name=props["Name"],
            authorizer_type=kind,
            provider_arns=props.get("ProviderARNs"),
            auth_type=props.get("AuthType"),
            authorizer_uri=props.get("AuthorizerUri"),
            authorizer_credentials=props.get("AuthorizerCredentials"),
            identity_source=props.get("IdentitySource"),
            identiy_validation_expression=props.get("IdentityValidationExpression"),
            authorizer_result_ttl=props.get("AuthorizerResultTtlInSeconds"),
        )
        return cls(api_id, authorizer["id"] if isinstance(authorizer, dict) else authorizer.id)


# -- Account -------------------------------------------------------------------------------


def _role_trusts_api_gateway(account_id, arn):
    """Whether `arn` names a role of the account that API Gateway may assume."""
    try:
        role = iam_backends[account_id]["global"].get_role_by_arn(arn)
    except Exception:  # no such role
        return False
    document = role.assume_role_policy_document
    return "apigateway.amazonaws.com" in (document if isinstance(document, str) else str(document))


class HarnessAccount(CloudFormationModel):
    """API Gateway's settings of the account in the region: the role it writes CloudWatch
    Logs with."""

    # moto files a model under the service named by its module.
    __module__ = "moto.apigateway.hipaa_harness"

    def __init__(self, physical_id):
        self.physical_id = physical_id

    @staticmethod
    def cloudformation_name_type():
        return ""

    @staticmethod
    def cloudformation_type():
        return "AWS::ApiGateway::Account"

    @property
    def physical_resource_id(self):
        return self.physical_id

    @classmethod
    def has_cfn_attr(cls, attr):
        return attr == "Id"

    def get_cfn_attribute(self, attribute_name):
        return self.physical_id

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        """UpdateAccount `cloudwatchRoleArn`. AWS refuses a role that does not exist or that
        API Gateway may not assume (UpdateAccount, BadRequestException: "The role ARN does not
        have required permissions set to API Gateway")."""
        props = _props(cloudformation_json)
        arn = props.get("CloudWatchRoleArn")
        if arn and not _role_trusts_api_gateway(account_id, arn):
            raise Refused(resource_name, cls.cloudformation_type(), "BadRequestException",
                          "The role ARN does not have required permissions set to API Gateway")
        _backend(account_id, region_name).update_account(
            [{"op": "replace", "path": "/cloudwatchRoleArn", "value": arn}] if arn else []
        )
        return cls(f"{resource_name}-{next(_counter):06d}")

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name):
        """Deleting the resource leaves the account's settings as they are: they belong to
        the account and region, not to the stack (CloudFormation template reference,
        "AWS::ApiGateway::Account": one such resource per account and region, so that one
        stack's role does not overwrite another's)."""


# -- Stage ---------------------------------------------------------------------------------

# MethodSetting keys as CloudFormation writes them, and the paths UpdateStage patches.
_SETTING_PATHS = {
    "LoggingLevel": "logging/loglevel",
    "DataTraceEnabled": "logging/dataTrace",
    "MetricsEnabled": "metrics/enabled",
    "ThrottlingRateLimit": "throttling/rateLimit",
    "ThrottlingBurstLimit": "throttling/burstLimit",
    "CachingEnabled": "caching/enabled",
    "CacheDataEncrypted": "caching/dataEncrypted",
    "CacheTtlInSeconds": "caching/ttlInSeconds",
}


def _log_group_of(arn):
    """The name of the log group an access-log destination ARN names, if it names one."""
    if ":logs:" not in arn or ":log-group:" not in arn:
        return None
    return arn.split(":log-group:", 1)[1].removesuffix(":*")


class HarnessStage(CloudFormationModel):
    """A stage of a REST API: `Ref` is its name."""

    # moto files a model under the service named by its module.
    __module__ = "moto.apigateway.hipaa_harness"

    def __init__(self, api_id, name):
        self.api_id = api_id
        self.name = name

    @staticmethod
    def cloudformation_name_type():
        return "StageName"

    @staticmethod
    def cloudformation_type():
        return "AWS::ApiGateway::Stage"

    @property
    def physical_resource_id(self):
        return self.name

    @classmethod
    def has_cfn_attr(cls, attr):
        return False

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        """CreateStage, then UpdateStage with the access-log setting, the method settings and
        tracing. AWS refuses:

        * a stage name other than letters, digits and `_` (CreateStage, BadRequestException:
          "Stage name only allows a-zA-Z0-9_");
        * a deployment that does not exist (NotFoundException: "Invalid deployment
          identifier specified");
        * logging (a method setting's `loggingLevel` other than OFF, data trace, or access
          logs) while the account has no CloudWatch role (UpdateStage, BadRequestException:
          "CloudWatch Logs role ARN must be set in account settings to enable logging");
        * an access-log destination that is not the ARN of a log group that exists, or of a
          Firehose stream named `amazon-apigateway-…` (AccessLogSettings, `destinationArn`;
          BadRequestException);
        * a logging level other than OFF, ERROR and INFO (MethodSetting, `loggingLevel`);
        * a method setting without `ResourcePath` and `HttpMethod` (MethodSetting, "Required:
          Yes" for both in CloudFormation's `MethodSetting`)."""
        props = _props(cloudformation_json)
        kind = cls.cloudformation_type()
        name = props.get("StageName") or resource_name
        if not name or not all(c.isascii() and (c.isalnum() or c == "_") for c in name):
            raise Refused(resource_name, kind, "BadRequestException", "Stage name only allows a-zA-Z0-9_")
        api_id = props.get("RestApiId")
        api = _api(account_id, region_name, api_id, resource_name, kind)
        deployment_id = props.get("DeploymentId")
        if deployment_id not in api.deployments:
            raise Refused(resource_name, kind, "NotFoundException", "Invalid deployment identifier specified")
        settings = props.get("MethodSettings") or []
        access = props.get("AccessLogSetting") or {}
        for setting in settings:
            if not setting.get("ResourcePath") or not setting.get("HttpMethod"):
                raise Refused(resource_name, kind, "BadRequestException",
                              "a method setting needs ResourcePath and HttpMethod")
            level = setting.get("LoggingLevel", "OFF")
            if level not in LOGGING_LEVELS:
                raise Refused(resource_name, kind, "BadRequestException",
                              f"Invalid logging level {level}: one of {', '.join(LOGGING_LEVELS)}")
        logging = access.get("DestinationArn") or any(
            s.get("LoggingLevel", "OFF") != "OFF" or _flag(s.get("DataTraceEnabled", False)) for s in settings
        )
        backend = _backend(account_id, region_name)
        if logging and not backend.get_account().cloudwatch_role_arn:
            raise Refused(resource_name, kind, "BadRequestException",
                          "CloudWatch Logs role ARN must be set in account settings to enable logging")
        destination = access.get("DestinationArn")
        if destination:
            group = _log_group_of(destination)
            firehose = ":firehose:" in destination and "/amazon-apigateway-" in destination
            if not firehose and (group is None or group not in logs_backends[account_id][region_name].groups):
                raise Refused(resource_name, kind, "BadRequestException",
                              f"Invalid ARN specified in the request: {destination} is no log group of the account")
        stage = backend.create_stage(
            api_id,
            name,
            deployment_id,
            variables=props.get("Variables"),
            description=props.get("Description", ""),
            cacheClusterEnabled=_flag(props.get("CacheClusterEnabled", False)),
            cacheClusterSize=props.get("CacheClusterSize"),
            tags=None,
            tracing_enabled=_flag(props.get("TracingEnabled", False)),
        )
        operations = []
        if destination:
            operations.append({"op": "replace", "path": "/accessLogSettings/destinationArn", "value": destination})
            operations.append({"op": "replace", "path": "/accessLogSettings/format", "value": access.get("Format", "")})
        for setting in settings:
            path = setting["ResourcePath"].lstrip("/") + "/" + setting["HttpMethod"]
            for key, patch in _SETTING_PATHS.items():
                if key in setting:
                    operations.append({"op": "replace", "path": f"/{path}/{patch}", "value": str(setting[key])})
        stage.apply_operations(operations)
        return cls(api_id, name)

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name):
        api_id = _props(cloudformation_json).get("RestApiId")
        try:
            _backend(account_id, region_name).delete_stage(api_id, resource_name)
        except Exception:  # already gone with its API
            pass


# -- WAF on stages -------------------------------------------------------------------------

_original_association_create = hipaa_moto_frontdoor.HarnessWebAclAssociation.create_from_cloudformation_json.__func__


def association_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    """AssociateWebACL with an API Gateway stage. AWS refuses a stage that does not exist
    (AssociateWebACL, `ResourceArn` "for an Amazon API Gateway REST API:
    arn:partition:apigateway:region::/restapis/api-id/stages/stage-name";
    WAFNonexistentItemException), and a web ACL of scope CLOUDFRONT for a regional resource
    (WAFInvalidParameterException)."""
    props = _props(cloudformation_json)
    arn = props.get("ResourceArn", "")
    if ":apigateway:" in arn:
        tail = arn.split("::/restapis/", 1)[-1].split("/")
        stage = None
        if len(tail) == 3 and tail[1] == "stages":
            api = _backend(account_id, region_name).apis.get(tail[0])
            stage = api.stages.get(tail[2]) if api else None
        if stage is None:
            raise Refused(resource_name, cls.cloudformation_type(), "WAFNonexistentItemException",
                          "AWS WAF couldn’t perform the operation because your resource doesn’t exist.")
        acl = wafv2_backends[account_id][region_name].wacls.get(props.get("WebACLArn"))
        if acl is not None and "/global/" in acl.arn:
            raise Refused(resource_name, cls.cloudformation_type(), "WAFInvalidParameterException",
                          "a web ACL of scope CLOUDFRONT cannot protect a regional resource")
    return _original_association_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)


hipaa_moto_frontdoor.HarnessWebAclAssociation.create_from_cloudformation_json = classmethod(association_create)

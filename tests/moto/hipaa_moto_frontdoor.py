"""The HTTPS front door for the local endpoint: what moto lacks to deploy a `PublicLoadBalancer`
and read its settings back through the service APIs. Imported by `hipaa_moto.py`.

* `AWS::CertificateManager::Certificate` has no CloudFormation model in moto: it is created in
  moto's ACM backend (`RequestCertificate`). With a Route 53 hosted zone for every name,
  CloudFormation writes the validation records itself and the resource completes only once the
  certificate is issued, so it is `ISSUED`; without one it stays `PENDING_VALIDATION`, as moto
  leaves requested certificates (AWS: "AWS::CertificateManager::Certificate",
  `DomainValidationOptions.HostedZoneId`, in the CloudFormation template reference).
* `AWS::WAFv2::WebACL`, `AWS::WAFv2::WebACLAssociation` and `AWS::WAFv2::LoggingConfiguration`
  have no CloudFormation model in moto: they are created in moto's WAFv2 backend
  (`CreateWebACL`, `AssociateWebACL`, `PutLoggingConfiguration`), so `GetWebACLForResource`
  and `GetLoggingConfiguration` answer.
* moto ignores `LoadBalancerAttributes` of `AWS::ElasticLoadBalancingV2::LoadBalancer` and
  `Targets` and `TargetGroupAttributes` of `AWS::ElasticLoadBalancingV2::TargetGroup`: they
  are applied (`ModifyLoadBalancerAttributes`, `RegisterTargets`,
  `ModifyTargetGroupAttributes`), so `DescribeLoadBalancerAttributes` and
  `DescribeTargetHealth` answer as on AWS.
* moto ignores `MetricsCollection` of `AWS::AutoScaling::AutoScalingGroup`: it is enabled
  (`EnableMetricsCollection`).
* An `AWS::SSM::Document` (the Session Manager preferences) whose `Content` is an object is
  stored as its JSON text, so `GetDocument` returns JSON as on AWS.

Where moto accepts what AWS refuses, the harness refuses as AWS does; each refusal cites the
API reference it follows.
"""

import itertools
import json

from moto.acm.models import acm_backends
from moto.core.common_models import CloudFormationModel
from moto.elbv2.models import FakeLoadBalancer, FakeTargetGroup, elbv2_backends
from moto.logs.models import logs_backends
from moto.s3.models import s3_backends
from moto.wafv2.models import wafv2_backends

_counter = itertools.count(1)


class Refused(Exception):
    """A resource the service refuses: `hipaa_moto.py` fails it (`CREATE_FAILED` with
    `reason`) and rolls the stack back, as CloudFormation does."""

    def __init__(self, logical_id, resource_type, code, message):
        super().__init__(f"{code}: {message}")
        self.logical_id = logical_id
        self.resource_type = resource_type
        self.reason = f"Resource handler returned message: \"{message}\" (Service: {resource_type.split('::')[1]}, Status Code: 400, Error Code: {code})"

# Elastic Load Balancing writes access logs as this service principal (or, in Regions
# launched before August 2022, as the Elastic Load Balancing account of the Region).
ELB_LOG_DELIVERY = "logdelivery.elasticloadbalancing.amazonaws.com"


def _props(cloudformation_json):
    return cloudformation_json.get("Properties", {}) or {}


def _flag(value):
    return str(value).lower() == "true"


# -- ACM ------------------------------------------------------------------------------------


class HarnessCertificate(CloudFormationModel):
    """An ACM certificate requested through CloudFormation."""

    # moto files a model under the service named by its module.
    __module__ = "moto.acm.hipaa_harness"

    def __init__(self, arn):
        self.arn = arn

    @staticmethod
    def cloudformation_name_type():
        return ""

    @staticmethod
    def cloudformation_type():
        return "AWS::CertificateManager::Certificate"

    @property
    def physical_resource_id(self):
        return self.arn

    @classmethod
    def has_cfn_attr(cls, attr):
        return False

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name, cloudformation_json, account_id, region_name, **kwargs
    ):
        """`RequestCertificate` with the domain and its alternative names.

        AWS refuses a `ValidationMethod` other than `DNS` or `EMAIL` (RequestCertificate,
        `ValidationMethod`: "Valid Values: EMAIL | DNS"), and a hosted zone given for a name
        the certificate does not carry ("AWS::CertificateManager::Certificate
        DomainValidationOption": `DomainName` must be the certificate's `DomainName` or one of
        its `SubjectAlternativeNames`).
        """
        props = _props(cloudformation_json)
        domain = props["DomainName"]
        names = props.get("SubjectAlternativeNames") or []
        method = props.get("ValidationMethod", "EMAIL")
        if method not in ("DNS", "EMAIL"):
            raise Refused(
                resource_name,
                cls.cloudformation_type(),
                "ValidationException",
                f"1 validation error detected: Value '{method}' at 'validationMethod' failed to satisfy constraint: Member must satisfy enum value set: [EMAIL, DNS]",
            )
        options = props.get("DomainValidationOptions") or []
        for option in options:
            if option.get("DomainName") not in [domain, *names]:
                raise Refused(
                    resource_name,
                    cls.cloudformation_type(),
                    "InvalidParameterException",
                    f"DomainValidationOption {option.get('DomainName')} is not a name of the certificate",
                )
        backend = acm_backends[account_id][region_name]
        arn = backend.request_certificate(
            domain_name=domain,
            idempotency_token=None,
            subject_alt_names=names,
            tags=[],
        )
        zoned = {o.get("DomainName") for o in options if o.get("HostedZoneId")}
        if method == "DNS" and zoned >= {domain, *names}:
            # CloudFormation writes the records in the zones and waits for issuance.
            backend._certificates[arn].status = "ISSUED"
        return cls(arn)

    @classmethod
    def delete_from_cloudformation_json(
        cls, resource_name, cloudformation_json, account_id, region_name
    ):
        try:
            acm_backends[account_id][region_name].delete_certificate(resource_name)
        except Exception:  # already gone
            pass


# -- WAFv2 ----------------------------------------------------------------------------------


class HarnessWebAcl(CloudFormationModel):
    """A WAFv2 web ACL: `Ref` is `name|id|scope`, `Fn::GetAtt` `Arn`, `Id`, `LabelNamespace`."""

    # moto files a model under the service named by its module.
    __module__ = "moto.wafv2.hipaa_harness"

    def __init__(self, acl, scope):
        self.acl = acl
        self.scope = scope

    @staticmethod
    def cloudformation_name_type():
        return "Name"

    @staticmethod
    def cloudformation_type():
        return "AWS::WAFv2::WebACL"

    @property
    def physical_resource_id(self):
        return f"{self.acl.name}|{self.acl.id}|{self.scope}"

    @classmethod
    def has_cfn_attr(cls, attr):
        return attr in ("Arn", "Id", "LabelNamespace", "Capacity")

    def get_cfn_attribute(self, attribute_name):
        return {
            "Arn": self.acl.arn,
            "Id": self.acl.id,
            "LabelNamespace": self.acl.label_namespace,
            "Capacity": self.acl.capacity,
        }[attribute_name]

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name, cloudformation_json, account_id, region_name, **kwargs
    ):
        """`CreateWebACL`. AWS requires `Scope` `CLOUDFRONT` or `REGIONAL`, a `DefaultAction`
        and a `VisibilityConfig` (CreateWebACL, "Required: Yes" for each), and rule priorities
        unique within the ACL (WAFInvalidParameterException)."""
        props = _props(cloudformation_json)
        scope = props.get("Scope")
        if scope not in ("CLOUDFRONT", "REGIONAL"):
            raise Refused(
                resource_name,
                cls.cloudformation_type(),
                "WAFInvalidParameterException",
                f"Scope {scope} is not valid",
            )
        for required in ("DefaultAction", "VisibilityConfig"):
            if required not in props:
                raise Refused(
                    resource_name,
                    cls.cloudformation_type(),
                    "WAFInvalidParameterException",
                    f"{required} is required",
                )
        rules = props.get("Rules") or []
        priorities = [r.get("Priority") for r in rules]
        if len(priorities) != len(set(priorities)):
            raise Refused(
                resource_name,
                cls.cloudformation_type(),
                "WAFInvalidParameterException",
                "rule priorities must be unique",
            )
        name = props.get("Name") or f"{resource_name}-{next(_counter):06d}"
        acl = wafv2_backends[account_id][region_name].create_web_acl(
            name=name,
            visibility_config=props["VisibilityConfig"],
            default_action=props["DefaultAction"],
            scope=scope,
            description=props.get("Description"),
            tags=props.get("Tags") or [],
            rules=rules,
            association_config=None,
            captcha_config=None,
            challenge_config=None,
            custom_response_bodies=None,
            token_domains=None,
        )
        return cls(acl, scope)

    @classmethod
    def delete_from_cloudformation_json(
        cls, resource_name, cloudformation_json, account_id, region_name
    ):
        backend = wafv2_backends[account_id][region_name]
        name, _id, scope = (resource_name.split("|") + ["", "", ""])[:3]
        for acl in list(backend.wacls.values()):
            if acl.id == _id:
                backend.delete_web_acl(name, scope, _id, acl.lock_token)


def _load_balancer(account_id, region_name, arn):
    return elbv2_backends[account_id][region_name].load_balancers.get(arn)


class HarnessWebAclAssociation(CloudFormationModel):
    """A web ACL associated with a resource."""

    # moto files a model under the service named by its module.
    __module__ = "moto.wafv2.hipaa_harness"

    def __init__(self, resource_arn):
        self.resource_arn = resource_arn

    @staticmethod
    def cloudformation_name_type():
        return ""

    @staticmethod
    def cloudformation_type():
        return "AWS::WAFv2::WebACLAssociation"

    @property
    def physical_resource_id(self):
        return self.resource_arn

    @classmethod
    def has_cfn_attr(cls, attr):
        return False

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name, cloudformation_json, account_id, region_name, **kwargs
    ):
        """`AssociateWebACL`. AWS refuses a load balancer that does not exist
        (WAFNonexistentItemException) and one that is not an Application Load Balancer: WAF
        protects "an Application Load Balancer" among the resource types it lists, never a
        Network or Gateway Load Balancer (AssociateWebACL, `ResourceArn`;
        WAFInvalidParameterException)."""
        props = _props(cloudformation_json)
        resource_arn = props["ResourceArn"]
        acl_arn = props["WebACLArn"]
        if ":elasticloadbalancing:" in resource_arn:
            balancer = _load_balancer(account_id, region_name, resource_arn)
            if balancer is None:
                raise Refused(
                    resource_name,
                    cls.cloudformation_type(),
                    "WAFNonexistentItemException",
                    "AWS WAF couldn’t perform the operation because your resource doesn’t exist.",
                )
            if "/app/" not in resource_arn:
                raise Refused(
                    resource_name,
                    cls.cloudformation_type(),
                    "WAFInvalidParameterException",
                    "only Application Load Balancers can be associated with a web ACL",
                )
        wafv2_backends[account_id][region_name].associate_web_acl(acl_arn, resource_arn)
        return cls(resource_arn)

    @classmethod
    def delete_from_cloudformation_json(
        cls, resource_name, cloudformation_json, account_id, region_name
    ):
        wafv2_backends[account_id][region_name].disassociate_web_acl(resource_name)


class HarnessWafLogging(CloudFormationModel):
    """The logging configuration of a web ACL."""

    # moto files a model under the service named by its module.
    __module__ = "moto.wafv2.hipaa_harness"

    def __init__(self, acl_arn):
        self.acl_arn = acl_arn

    @staticmethod
    def cloudformation_name_type():
        return ""

    @staticmethod
    def cloudformation_type():
        return "AWS::WAFv2::LoggingConfiguration"

    @property
    def physical_resource_id(self):
        return self.acl_arn

    @classmethod
    def has_cfn_attr(cls, attr):
        return False

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name, cloudformation_json, account_id, region_name, **kwargs
    ):
        """`PutLoggingConfiguration`. AWS refuses a CloudWatch Logs destination whose log
        group name does not start with `aws-waf-logs-`, or that does not exist
        (PutLoggingConfiguration, `LogDestinationConfigs`; "the name of the log group must
        start with aws-waf-logs-", WAFInvalidParameterException /
        WAFNonexistentItemException), and a log group ARN ending in `:*`."""
        props = _props(cloudformation_json)
        acl_arn = props["ResourceArn"]
        destinations = props.get("LogDestinationConfigs") or []
        if len(destinations) != 1:
            raise Refused(
                resource_name,
                cls.cloudformation_type(),
                "WAFInvalidParameterException",
                "LogDestinationConfigs takes exactly one ARN",
            )
        for arn in destinations:
            if ":logs:" not in arn:
                continue
            name = arn.split(":log-group:", 1)[-1]
            if not name.startswith("aws-waf-logs-") or name.endswith(":*"):
                raise Refused(
                    resource_name,
                    cls.cloudformation_type(),
                    "WAFInvalidParameterException",
                    f"The ARN isn't valid. A valid ARN begins with arn: and includes other information separated by colons or slashes: {arn}; the log group name must start with aws-waf-logs-",
                )
            if name not in logs_backends[account_id][region_name].groups:
                raise Refused(
                    resource_name,
                    cls.cloudformation_type(),
                    "WAFNonexistentItemException",
                    f"AWS WAF couldn’t perform the operation because your resource doesn’t exist: {arn}",
                )
        wafv2_backends[account_id][region_name].put_logging_configuration(
            acl_arn, destinations, None, False, None
        )
        return cls(acl_arn)

    @classmethod
    def delete_from_cloudformation_json(
        cls, resource_name, cloudformation_json, account_id, region_name
    ):
        try:
            wafv2_backends[account_id][region_name].delete_logging_configuration(resource_name)
        except Exception:  # already gone
            pass


# -- Elastic Load Balancing -----------------------------------------------------------------


def _allows_elb_log_delivery(account_id, bucket_name):
    """Whether the bucket's policy lets Elastic Load Balancing's log delivery put objects."""
    try:
        bucket = s3_backends[account_id]["aws"].get_bucket(bucket_name)
    except Exception:
        return False
    if bucket.policy is None:
        return False
    document = json.loads(bucket.policy.decode())
    statements = document.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    for statement in statements:
        if statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal", {})
        services = principal.get("Service", []) if isinstance(principal, dict) else []
        services = [services] if isinstance(services, str) else services
        accounts = principal.get("AWS", []) if isinstance(principal, dict) else []
        accounts = [accounts] if isinstance(accounts, str) else accounts
        actions = statement.get("Action", [])
        actions = [actions] if isinstance(actions, str) else actions
        if (ELB_LOG_DELIVERY in services or accounts) and any(
            a in ("s3:PutObject", "s3:*", "*") for a in actions
        ):
            return True
    return False


def protected_load_balancers(backend, resources, parsed, deleting):
    """The load balancers of a stack being deleted that AWS refuses to delete: those with
    `deletion_protection.enabled` true ("Load balancer '…' cannot be deleted because
    deletion protection is enabled", OperationNotPermitted; DeleteLoadBalancer API
    reference, and LoadBalancerAttribute `deletion_protection.enabled`). The stack then ends
    `DELETE_FAILED`, as on AWS."""
    refused = []
    for lid in deleting:
        if resources[lid].get("Type") != "AWS::ElasticLoadBalancingV2::LoadBalancer":
            continue
        arn = getattr(parsed[lid], "physical_resource_id", None)
        balancer = _load_balancer(backend.account_id, backend.region_name, arn)
        if balancer is not None and _flag(balancer.attrs.get("deletion_protection.enabled")):
            refused.append((
                lid,
                arn,
                "AWS::ElasticLoadBalancingV2::LoadBalancer",
                f"Load balancer '{arn}' cannot be deleted because deletion protection is enabled (Service: ElasticLoadBalancingV2, Status Code: 400, Error Code: OperationNotPermitted)",
            ))
    return refused


_original_lb_create = FakeLoadBalancer.create_from_cloudformation_json.__func__


def load_balancer_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    """The load balancer as moto makes it, then its `LoadBalancerAttributes` applied
    (`ModifyLoadBalancerAttributes`).

    AWS refuses access logs to a bucket that does not exist or whose policy does not let
    Elastic Load Balancing write ("Access Denied for bucket: … Please check S3bucket
    permission", InvalidConfigurationRequest; Elastic Load Balancing User Guide, "Enable
    access logs for your Application Load Balancer", step 2), and access logs enabled
    without a bucket (LoadBalancerAttribute, `access_logs.s3.bucket`: "This attribute is
    required if access logs are enabled").
    """
    balancer = _original_lb_create(
        cls, resource_name, cloudformation_json, account_id, region_name, **kwargs
    )
    props = _props(cloudformation_json)
    balancer.type = props.get("Type", balancer.type)
    balancer.ip_address_type = props.get("IpAddressType", balancer.ip_address_type)
    attributes = {a["Key"]: str(a["Value"]) for a in props.get("LoadBalancerAttributes") or []}
    if _flag(attributes.get("access_logs.s3.enabled")):
        bucket = attributes.get("access_logs.s3.bucket")
        if not bucket:
            raise Refused(
                resource_name,
                cls.cloudformation_type(),
                "InvalidConfigurationRequest",
                "The value of 'access_logs.s3.bucket' cannot be empty when access logs are enabled",
            )
        if not _allows_elb_log_delivery(account_id, bucket):
            raise Refused(
                resource_name,
                cls.cloudformation_type(),
                "InvalidConfigurationRequest",
                f"Access Denied for bucket: {bucket}. Please check S3bucket permission",
            )
    if attributes:
        elbv2_backends[account_id][region_name].modify_load_balancer_attributes(
            balancer.arn, attributes
        )
    return balancer


FakeLoadBalancer.create_from_cloudformation_json = classmethod(load_balancer_create)

_original_tg_create = FakeTargetGroup.create_from_cloudformation_json.__func__


def target_group_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    """The target group as moto makes it, then its `TargetGroupAttributes` and `Targets`
    applied (`ModifyTargetGroupAttributes`, `RegisterTargets`)."""
    group = _original_tg_create(
        cls, resource_name, cloudformation_json, account_id, region_name, **kwargs
    )
    props = _props(cloudformation_json)
    backend = elbv2_backends[account_id][region_name]
    attributes = {a["Key"]: str(a["Value"]) for a in props.get("TargetGroupAttributes") or []}
    if attributes:
        backend.modify_target_group_attributes(group.arn, attributes)
    targets = [
        {"Id": t["Id"], "Port": int(t.get("Port", group.port))} for t in props.get("Targets") or []
    ]
    if targets:
        backend.register_targets(group.arn, targets)
    return group


FakeTargetGroup.create_from_cloudformation_json = classmethod(target_group_create)


# -- Auto Scaling ---------------------------------------------------------------------------

from moto.autoscaling.models import FakeAutoScalingGroup, autoscaling_backends  # noqa: E402

# The group metrics of EC2 Auto Scaling (EnableMetricsCollection, `Metrics`).
GROUP_METRICS = [
    "GroupMinSize",
    "GroupMaxSize",
    "GroupDesiredCapacity",
    "GroupInServiceInstances",
    "GroupPendingInstances",
    "GroupStandbyInstances",
    "GroupTerminatingInstances",
    "GroupTotalInstances",
]

_original_group_create = FakeAutoScalingGroup.create_from_cloudformation_json.__func__


def group_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    """The group as moto makes it, then its `MetricsCollection` enabled (moto ignores it):
    "If you specify Granularity and don't specify any metrics, all metrics are enabled"
    (EnableMetricsCollection, `Metrics`)."""
    group = _original_group_create(
        cls, resource_name, cloudformation_json, account_id, region_name, **kwargs
    )
    for collection in _props(cloudformation_json).get("MetricsCollection") or []:
        metrics = collection.get("Metrics") or GROUP_METRICS
        autoscaling_backends[account_id][region_name].enable_metrics_collection(
            group.name, metrics
        )
    return group


FakeAutoScalingGroup.create_from_cloudformation_json = classmethod(group_create)


# -- Systems Manager documents (Session Manager preferences) --------------------------------

from moto.ssm.models import Document  # noqa: E402

_original_document_create = Document.create_from_cloudformation_json.__func__


def document_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    """The document with an object `Content` stored as its JSON text: CloudFormation takes
    `Content` as JSON (AWS::SSM::Document, `Content`: "Type: Json") and `GetDocument` returns
    the document's text in its `DocumentFormat` (moto keeps the Python object and returns
    its `repr`)."""
    props = cloudformation_json.get("Properties", {}) or {}
    if isinstance(props.get("Content"), dict) and props.get("DocumentFormat", "JSON") == "JSON":
        props = dict(props, Content=json.dumps(props["Content"]))
        cloudformation_json = dict(cloudformation_json, Properties=props)
    return _original_document_create(
        cls, resource_name, cloudformation_json, account_id, region_name, **kwargs
    )


Document.create_from_cloudformation_json = classmethod(document_create)

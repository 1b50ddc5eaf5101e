"""Starts moto server for hipaa-stack's tests and demo, with the gaps that matter to us filled.

Run as `python tests/moto/hipaa_moto.py -H 127.0.0.1 -p 0` (the arguments of `moto_server`).

hipaa-stack never changes what it emits to suit the emulator. Instead, this harness teaches
moto what it lacks, using moto's own service backends, so that the real templates deploy
unchanged and their settings can be read back through the service APIs:

* `AWS::CloudTrail::Trail` and `AWS::S3::BucketPolicy` have no CloudFormation model in moto
  (moto skips them silently): they are registered here, delegating to moto's CloudTrail and
  S3 backends.
* A stack created through a CREATE change set gets neither its outputs nor its exports, and
  cannot import another stack's exports; an UPDATE change set does not apply the stack's new
  tags. Both are fixed around moto's own change-set code (AWS does all of this).
* `Fn::GetAtt` of `DBInstanceArn`, `DbiResourceId` and `MasterUserSecret.SecretArn` on `AWS::RDS::DBInstance`
  is answered from moto's RDS model, and a `Ref` to an `AWS::RDS::DBParameterGroup` is its
  name (moto hands the Python object to the database, which then fails).
* Deleting an `AWS::IAM::Role` detaches its managed policies first, as AWS does (moto
  refuses with "must detach all policies first").
* A resource with `DeletionPolicy: Retain` that an update removes from the template is kept,
  as on AWS (moto deletes it; it keeps it only when the whole stack is deleted).
* Bucket policies: moto ignores conditions, so a TLS-only Deny (`aws:SecureTransport` false,
  `s3:TlsVersion` below 1.2) would deny every request. Requests to the emulated AWS count as
  made over TLS 1.2, so those statements do not apply, as on AWS over HTTPS.
* An `AWS::EC2::Instance` launched from an `AWS::EC2::LaunchTemplate` takes its image and type
  from the launch template (moto reads them only from the instance's own properties).
* `UpdateTerminationProtection`, which moto does not implement, sets the stack's flag (and
  `DescribeStacks` shows it).
* Types moto has no CloudFormation model for (SNS topic policies, CloudWatch alarms, log
  metric filters, AWS Backup, Secrets Manager, GuardDuty, Security Hub, AWS Config) are
  registered: secrets, backup vaults, topic policies and alarms are created in moto's own
  backends, so their settings can be read back; the others get a physical id and answer
  `Ref` and `Fn::GetAtt` (an ARN built from the type), as AWS would.
* An `AWS::EC2::RouteTable` of a stack is deleted with it (moto keeps it, and the VPC then
  cannot be deleted), and so are the VPC's flow logs.
"""

import json
import sys

from moto.cloudformation.models import CloudFormationBackend
from moto.cloudformation.parsing import ResourceMap
from moto.cloudtrail.models import cloudtrail_backends
from moto.core.common_models import CloudFormationModel
from moto.ec2.models import ec2_backends
from moto.ec2.models.route_tables import RouteTable
from moto.ec2.models.vpcs import VPC
from moto.iam.models import Role, iam_backends
from moto.rds.models import DBInstance, DBParameterGroup
from moto.s3.models import s3_backends


def _truthy(value, default=False):
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return str(value).lower() == "true"


class HarnessTrail(CloudFormationModel):
    """`AWS::CloudTrail::Trail`, created in moto's CloudTrail backend."""

    # moto files its models under the service named by the module: `moto.<service>.…`.
    __module__ = "moto.cloudtrail.hipaa_harness"

    def __init__(self, trail, account_id, region_name):
        self.trail = trail
        self.account_id = account_id
        self.region_name = region_name

    @staticmethod
    def cloudformation_name_type():
        return "TrailName"

    @staticmethod
    def cloudformation_type():
        return "AWS::CloudTrail::Trail"

    @property
    def physical_resource_id(self):
        return self.trail.trail_name

    @classmethod
    def has_cfn_attr(cls, attr):
        return attr in ["Arn", "SnsTopicArn"]

    def get_cfn_attribute(self, attribute_name):
        if attribute_name == "Arn":
            return self.trail.arn
        return ""

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name, cloudformation_json, account_id, region_name, **kwargs
    ):
        props = cloudformation_json.get("Properties", {})
        backend = cloudtrail_backends[account_id][region_name]
        trail = backend.create_trail(
            name=props.get("TrailName") or resource_name,
            bucket_name=props["S3BucketName"],
            s3_key_prefix=props.get("S3KeyPrefix"),
            sns_topic_name=props.get("SnsTopicName"),
            is_global=_truthy(props.get("IncludeGlobalServiceEvents"), True),
            is_multi_region=_truthy(props.get("IsMultiRegionTrail")),
            log_validation=_truthy(props.get("EnableLogFileValidation")),
            is_org_trail=_truthy(props.get("IsOrganizationTrail")),
            cw_log_group_arn=props.get("CloudWatchLogsLogGroupArn"),
            cw_role_arn=props.get("CloudWatchLogsRoleArn"),
            kms_key_id=props.get("KMSKeyId"),
            tags_list=props.get("Tags", []),
        )
        if _truthy(props.get("IsLogging")):
            backend.start_logging(trail.trail_name)
        return cls(trail, account_id, region_name)

    @classmethod
    def delete_from_cloudformation_json(
        cls, resource_name, cloudformation_json, account_id, region_name
    ):
        backend = cloudtrail_backends[account_id][region_name]
        backend.delete_trail(resource_name)


class HarnessBucketPolicy(CloudFormationModel):
    """`AWS::S3::BucketPolicy`, applied through moto's S3 backend."""

    __module__ = "moto.s3.hipaa_harness"

    def __init__(self, bucket_name):
        self.bucket_name = bucket_name

    @staticmethod
    def cloudformation_name_type():
        return ""

    @staticmethod
    def cloudformation_type():
        return "AWS::S3::BucketPolicy"

    @property
    def physical_resource_id(self):
        return self.bucket_name

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name, cloudformation_json, account_id, region_name, **kwargs
    ):
        props = cloudformation_json.get("Properties", {})
        bucket = props["Bucket"]
        document = json.dumps(props["PolicyDocument"]).encode("utf-8")
        s3_backends[account_id]["aws"].put_bucket_policy(bucket, document)
        return cls(bucket)

    @classmethod
    def update_from_cloudformation_json(
        cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name
    ):
        return cls.create_from_cloudformation_json(
            new_resource_name, cloudformation_json, account_id, region_name
        )

    @classmethod
    def delete_from_cloudformation_json(
        cls, resource_name, cloudformation_json, account_id, region_name
    ):
        bucket = cloudformation_json.get("Properties", {}).get("Bucket")
        try:
            s3_backends[account_id]["aws"].delete_bucket_policy(bucket)
        except Exception:  # the bucket may be retained or gone already
            pass


_original_create_change_set = CloudFormationBackend.create_change_set
_original_execute_change_set = CloudFormationBackend.execute_change_set


def create_change_set(self, *args, **kwargs):
    change_set_id, stack_id = _original_create_change_set(self, *args, **kwargs)
    stack = self.stacks[stack_id]
    # Imports resolve against the region's exports, as CreateStack does.
    stack.cross_stack_resources = self.exports
    stack.resource_map.cross_stack_resources = self.exports
    return change_set_id, stack_id


def execute_change_set(self, change_set_name, stack_name=None):
    change_set = self.change_sets.get(change_set_name)
    _original_execute_change_set(self, change_set_name, stack_name)
    if change_set is None:
        return
    stack = self.stacks[change_set.stack_id]
    stack._parse_template()
    stack.output_map = stack._create_output_map()
    for name in [n for n, e in self.exports.items() if e.exporting_stack_id == stack.stack_id]:
        del self.exports[name]
    for export in stack.exports:
        self.exports[export.name] = export
    if change_set.tags:
        stack.tags = change_set.tags


_original_has_cfn_attr = DBInstance.has_cfn_attr.__func__
_original_get_cfn_attribute = DBInstance.get_cfn_attribute


def has_cfn_attr(cls, attr):
    return attr in [
        "DBInstanceArn",
        "DbiResourceId",
        "MasterUserSecret.SecretArn",
    ] or _original_has_cfn_attr(cls, attr)


def get_cfn_attribute(self, attribute_name):
    if attribute_name == "DBInstanceArn":
        return self.db_instance_arn
    if attribute_name == "DbiResourceId":
        return self.dbi_resource_id
    if attribute_name == "MasterUserSecret.SecretArn":
        secret = getattr(self, "master_user_secret", None)
        if secret is not None:
            return secret.secret.arn
        return f"arn:aws:secretsmanager:{self.region}:{self.account_id}:secret:rds!{self.db_instance_identifier}"
    return _original_get_cfn_attribute(self, attribute_name)


_original_role_delete = Role.delete_from_cloudformation_json.__func__


def role_delete(cls, resource_name, cloudformation_json, account_id, region_name):
    for backend in iam_backends[account_id].values():
        for role in list(backend.roles.values()):
            if role.name == resource_name:
                for arn in list(role.managed_policies):
                    backend.detach_role_policy(arn, role.name)
    return _original_role_delete(cls, resource_name, cloudformation_json, account_id, region_name)


Role.delete_from_cloudformation_json = classmethod(role_delete)

def route_table_delete(cls, resource_name, cloudformation_json, account_id, region_name):
    ec2 = ec2_backends[account_id][region_name]
    table = ec2.route_tables.get(resource_name)
    if table is not None:
        table._associations.clear()
        ec2.route_tables.pop(resource_name, None)


_original_vpc_delete = VPC.delete_from_cloudformation_json.__func__


def vpc_delete(cls, resource_name, cloudformation_json, account_id, region_name):
    ec2 = ec2_backends[account_id][region_name]
    flow_logs = [f.id for f in ec2.flow_logs.values() if f.resource_id == resource_name]
    if flow_logs:
        ec2.delete_flow_logs(flow_logs)
    return _original_vpc_delete(cls, resource_name, cloudformation_json, account_id, region_name)


_original_delete_resource = ResourceMap._delete_resource


def delete_resource(self, parsed_resource, resource_json):
    if resource_json.get("DeletionPolicy") == "Retain":
        return
    return _original_delete_resource(self, parsed_resource, resource_json)


ResourceMap._delete_resource = delete_resource
RouteTable.delete_from_cloudformation_json = classmethod(route_table_delete)
VPC.delete_from_cloudformation_json = classmethod(vpc_delete)
DBParameterGroup.physical_resource_id = property(lambda self: self.name)
CloudFormationBackend.create_change_set = create_change_set
CloudFormationBackend.execute_change_set = execute_change_set
DBInstance.has_cfn_attr = classmethod(has_cfn_attr)
DBInstance.get_cfn_attribute = get_cfn_attribute

# -- Bucket policies: TLS-only statements do not apply to the emulated HTTPS requests --------

from moto.iam.access_control import IAMPolicy
from moto.s3.models import FakeBucket


def _insecure_only(statement):
    condition = statement.get("Condition", {}) or {}
    insecure = str(condition.get("Bool", {}).get("aws:SecureTransport", "")).lower() == "false"
    old_tls = "s3:TlsVersion" in condition.get("NumericLessThan", {})
    return statement.get("Effect") == "Deny" and (insecure or old_tls)


def get_permission(self, action, resource):
    if self.policy is None:
        return _original_get_permission(self, action, resource)
    document = json.loads(self.policy.decode())
    statements = document.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    document["Statement"] = [s for s in statements if not _insecure_only(s)]
    return IAMPolicy(json.dumps(document)).is_action_permitted(action, resource)


_original_get_permission = FakeBucket.get_permission
FakeBucket.get_permission = get_permission

# -- Instances launched from a launch template ----------------------------------------------

from moto.ec2.models.instances import Instance

_original_instance_create = Instance.create_from_cloudformation_json.__func__


def instance_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    props = cloudformation_json.setdefault("Properties", {})
    template_ref = props.get("LaunchTemplate") or {}
    template_id = template_ref.get("LaunchTemplateId")
    if "ImageId" not in props and template_id:
        ec2 = ec2_backends[account_id][region_name]
        template = ec2.launch_templates.get(template_id)
        if template is not None:
            data = template.latest_version().data
            props.setdefault("ImageId", data.get("ImageId"))
            props.setdefault("InstanceType", data.get("InstanceType", "m6i.large"))
    return _original_instance_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)


Instance.create_from_cloudformation_json = classmethod(instance_create)

# -- UpdateTerminationProtection ------------------------------------------------------------

from moto.cloudformation.responses import CloudFormationResponse
from moto.core.responses import ActionResult


def update_termination_protection(self):
    stack = self.cloudformation_backend.get_stack(self._get_param("StackName"))
    stack.enable_termination_protection = str(
        self._get_param("EnableTerminationProtection")
    ).lower() == "true"
    return ActionResult({"StackId": stack.stack_id})


CloudFormationResponse.update_termination_protection = update_termination_protection

# -- Types moto has no CloudFormation model for -------------------------------------------

import itertools
import secrets as _secrets

from moto.backup.models import backup_backends
from moto.cloudwatch.models import cloudwatch_backends
from moto.secretsmanager.models import secretsmanager_backends
from moto.sns.models import sns_backends

_counter = itertools.count(1)


def _make(cfn_type, service, create=None, delete=None, attributes=None):
    """A CloudFormation model for `cfn_type`, filed under moto's `service`.

    `create(name, props, account_id, region_name)` returns (physical id, ARN) after creating
    the resource in a moto backend; without it, the resource only gets ids.
    """

    def __init__(self, physical_id, arn, props):
        self.physical_id = physical_id
        self.arn = arn
        self.props = props

    def create_from_cloudformation_json(
        cls, resource_name, cloudformation_json, account_id, region_name, **kwargs
    ):
        props = cloudformation_json.get("Properties", {}) or {}
        kind = cfn_type.split("::")[-1].lower()
        if create is not None:
            physical_id, arn = create(resource_name, props, account_id, region_name)
        else:
            physical_id = f"{resource_name}-{next(_counter):06d}"
            arn = f"arn:aws:{service}:{region_name}:{account_id}:{kind}/{physical_id}"
        return cls(physical_id, arn, props)

    def update_from_cloudformation_json(
        cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name
    ):
        props = cloudformation_json.get("Properties", {}) or {}
        original_resource.props = props
        if create is not None and attributes == "recreate-on-update":
            create(new_resource_name, props, account_id, region_name)
        return original_resource

    def delete_from_cloudformation_json(
        cls, resource_name, cloudformation_json, account_id, region_name
    ):
        if delete is not None:
            try:
                delete(resource_name, account_id, region_name)
            except Exception:  # already gone, or kept by a retention setting
                pass

    def get_cfn_attribute(self, attribute_name):
        if attribute_name.endswith("Arn") or attribute_name == "Id":
            return self.arn
        return self.physical_id

    namespace = {
        "__module__": f"moto.{service}.hipaa_harness",
        "__init__": __init__,
        "cloudformation_type": staticmethod(lambda: cfn_type),
        "cloudformation_name_type": staticmethod(lambda: ""),
        "physical_resource_id": property(lambda self: self.physical_id),
        "has_cfn_attr": classmethod(lambda cls, attr: True),
        "get_cfn_attribute": get_cfn_attribute,
        "create_from_cloudformation_json": classmethod(create_from_cloudformation_json),
        "update_from_cloudformation_json": classmethod(update_from_cloudformation_json),
        "delete_from_cloudformation_json": classmethod(delete_from_cloudformation_json),
    }
    name = "Harness" + cfn_type.replace("AWS::", "").replace("::", "")
    return type(name, (CloudFormationModel,), namespace)


def _create_secret(name, props, account_id, region_name):
    backend = secretsmanager_backends[account_id][region_name]
    secret_name = props.get("Name") or f"{name}-{next(_counter):06d}"
    response = json.loads(
        backend.create_secret(
            name=secret_name,
            secret_string=_secrets.token_urlsafe(32),
            secret_binary=None,
            description=props.get("Description"),
            tags=props.get("Tags", []),
            kms_key_id=props.get("KmsKeyId"),
            client_request_token=None,
            replica_regions=[],
            force_overwrite=False,
        )
    )
    return response["ARN"], response["ARN"]


def _delete_secret(physical_id, account_id, region_name):
    secretsmanager_backends[account_id][region_name].delete_secret(
        physical_id, recovery_window_in_days=None, force_delete_without_recovery=True
    )


def _create_vault(name, props, account_id, region_name):
    backend = backup_backends[account_id][region_name]
    vault_name = props.get("BackupVaultName") or f"{name}-{next(_counter):06d}"
    vault = backend.create_backup_vault(
        backup_vault_name=vault_name,
        backup_vault_tags=props.get("BackupVaultTags", {}),
        encryption_key_arn=props.get("EncryptionKeyArn"),
        creator_request_id=None,
    )
    return vault_name, vault.backup_vault_arn


def _create_topic_policy(name, props, account_id, region_name):
    backend = sns_backends[account_id][region_name]
    document = json.dumps(props.get("PolicyDocument", {}))
    for topic in props.get("Topics", []):
        backend.set_topic_attribute(topic, "Policy", document)
    return f"{name}-{next(_counter):06d}", ""


def _create_alarm(name, props, account_id, region_name):
    backend = cloudwatch_backends[account_id][region_name]
    alarm_name = props.get("AlarmName") or f"{name}-{next(_counter):06d}"
    alarm = backend.put_metric_alarm(
        name=alarm_name,
        namespace=props.get("Namespace"),
        metric_name=props.get("MetricName"),
        comparison_operator=props.get("ComparisonOperator"),
        evaluation_periods=int(props.get("EvaluationPeriods", 1)),
        period=int(props.get("Period", 60)),
        threshold=float(props.get("Threshold", 0)),
        statistic=props.get("Statistic"),
        description=props.get("AlarmDescription"),
        dimensions=props.get("Dimensions", []),
        alarm_actions=props.get("AlarmActions", []),
        ok_actions=props.get("OKActions", []),
        insufficient_data_actions=props.get("InsufficientDataActions", []),
        treat_missing_data=props.get("TreatMissingData"),
    )
    return alarm_name, alarm.alarm_arn


def _delete_alarm(physical_id, account_id, region_name):
    cloudwatch_backends[account_id][region_name].delete_alarms([physical_id])


HARNESS_MODELS = [
    _make("AWS::SecretsManager::Secret", "secretsmanager", _create_secret, _delete_secret),
    _make("AWS::SecretsManager::RotationSchedule", "secretsmanager"),
    _make("AWS::Backup::BackupVault", "backup", _create_vault),
    _make("AWS::Backup::BackupPlan", "backup"),
    _make("AWS::Backup::BackupSelection", "backup"),
    _make("AWS::SNS::TopicPolicy", "sns", _create_topic_policy, None, "recreate-on-update"),
    _make("AWS::CloudWatch::Alarm", "cloudwatch", _create_alarm, _delete_alarm),
    _make("AWS::Logs::MetricFilter", "logs"),
    _make("AWS::GuardDuty::Detector", "guardduty"),
    _make("AWS::SecurityHub::Hub", "securityhub"),
    _make("AWS::SecurityHub::Standard", "securityhub"),
    _make("AWS::Config::ConfigurationRecorder", "config"),
    _make("AWS::Config::DeliveryChannel", "config"),
    _make("AWS::Config::ConformancePack", "config"),
]

if __name__ == "__main__":
    from moto.server import main

    main(sys.argv[1:])

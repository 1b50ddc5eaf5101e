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
* `Fn::GetAtt` of `DBInstanceArn` and `MasterUserSecret.SecretArn` on `AWS::RDS::DBInstance`
  is answered from moto's RDS model, and a `Ref` to an `AWS::RDS::DBParameterGroup` is its
  name (moto hands the Python object to the database, which then fails).
* Deleting an `AWS::IAM::Role` detaches its managed policies first, as AWS does (moto
  refuses with "must detach all policies first").
* A resource with `DeletionPolicy: Retain` that an update removes from the template is kept,
  as on AWS (moto deletes it; it keeps it only when the whole stack is deleted).
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
    return attr in ["DBInstanceArn", "MasterUserSecret.SecretArn"] or _original_has_cfn_attr(
        cls, attr
    )


def get_cfn_attribute(self, attribute_name):
    if attribute_name == "DBInstanceArn":
        return self.db_instance_arn
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

if __name__ == "__main__":
    from moto.server import main

    main(sys.argv[1:])

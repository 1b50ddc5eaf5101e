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
* The HTTPS front door (ACM certificates, WAFv2, load balancer attributes and targets): see
  `hipaa_moto_frontdoor.py`; Lambda functions, queues, tables and bucket notifications in
  `hipaa_moto_serverless.py`; API Gateway REST APIs (stages, the account's CloudWatch role,
  authorizers, web ACLs on stages) in `hipaa_moto_api.py`; the log groups RDS makes for a
  database's exported logs, `AssociateKmsKey` and CloudWatch Logs' refusal of a key it may not
  use in `hipaa_moto_logs.py`; network ACLs, their entries and subnets' associations in
  `hipaa_moto_acls.py`; images' root devices, their volumes and their snapshots' encryption
  (`DescribeImages`, `RegisterImage`) in `hipaa_moto_images.py`.
* A change set that changes only the stack's tags is a change (moto fails it "didn't contain
  changes"): see `_stack_tag_changes`.
* CloudFormation's pace, when a test asks for it: change sets that stay `CREATE_IN_PROGRESS`
  (and cannot be deleted meanwhile) and stacks that stay `DELETE_IN_PROGRESS` for some polls
  (`HIPAA_MOTO_CHANGE_SET_CREATE_POLLS`, `HIPAA_MOTO_DELETE_POLLS`): see `hipaa_moto_pace.py`.
* Requests signed more than 15 minutes from the emulated AWS's time are refused, with each
  service's code, and every answer's `Date` is that time (`HIPAA_MOTO_CLOCK_AHEAD_SECONDS`
  moves it): see `hipaa_moto_clock.py`.
"""

import json
import sys
import re

from moto.cloudformation.models import CloudFormationBackend
from moto.cloudformation.parsing import ResourceMap
from moto.cloudtrail.models import cloudtrail_backends
from moto.core.common_models import CloudFormationModel
from moto.ec2.models import ec2_backends
from moto.ec2.models.route_tables import RouteTable
from moto.ec2.models.vpcs import VPC
from moto.iam.models import Role, iam_backends
from moto.rds.models import DBInstance, DBParameterGroup
from moto.s3.models import S3Backend, s3_backends


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
        # The template's `Bucket` is often a `Ref` (unresolved here): the physical id is the
        # bucket's name. AWS deletes the bucket's policy with the resource (DeleteBucketPolicy),
        # whatever the bucket's own DeletionPolicy.
        if not isinstance(bucket, str):
            bucket = resource_name
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


_STATUS_OF_ACTION = {"Add": "CREATE", "Modify": "UPDATE", "Remove": "DELETE"}


def _resource_events(stack, change_set):
    """The events of each resource that a change set changes, as CloudFormation writes them:
    every resource of the stack goes through `CREATE_IN_PROGRESS` then `CREATE_COMPLETE`
    (`UPDATE_…`, `DELETE_…`) and DescribeStackEvents returns them with the stack's own
    (AWS CloudFormation User Guide, "Monitor stack progress": "the stack events ... for each
    resource"; API reference, DescribeStackEvents: "Returns all stack related events for a
    specified stack in reverse chronological order"). moto writes only the stack's own events;
    the resources' are put before the stack's final one, where AWS has them."""
    final = None
    if stack.events and stack.events[-1].logical_resource_id == stack.name:
        final = stack.events.pop()
    for change in getattr(change_set, "changes", None) or []:
        verb = _STATUS_OF_ACTION.get(getattr(change, "action", None))
        if verb is None:
            continue
        lid = change.logical_resource_id
        _event(stack, lid, lid, change.resource_type, f"{verb}_IN_PROGRESS", None)
        _event(stack, lid, lid, change.resource_type, f"{verb}_COMPLETE", None)
    if final is not None:
        stack.events.append(final)


def execute_change_set(self, change_set_name, stack_name=None):
    change_set = self.change_sets.get(change_set_name)
    _original_execute_change_set(self, change_set_name, stack_name)
    if change_set is None:
        return
    stack = self.stacks[change_set.stack_id]
    _resource_events(stack, change_set)
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

# -- Buckets from CloudFormation: versioning and replication --------------------------------

from moto.s3.exceptions import S3ClientError


class ReplicationRefused(S3ClientError):
    def __init__(self, message):
        super().__init__("InvalidRequest", message)


def _bucket_settings(bucket, props, account_id):
    """What moto's CloudFormation model of `AWS::S3::Bucket` drops, applied as S3 would:
    `VersioningConfiguration`, and `ReplicationConfiguration` with the refusals of
    PutBucketReplication (Amazon S3 API reference, PutBucketReplication; User Guide,
    "Requirements and considerations for replication"): the source and the destination must
    be versioned, the destination must exist, and a rule that selects objects encrypted with
    KMS (`SseKmsEncryptedObjects`) must name the key that encrypts the copies
    (`ReplicaKmsKeyID`)."""
    backend = s3_backends[account_id]["aws"]
    status = (props.get("VersioningConfiguration") or {}).get("Status")
    if status:
        backend.put_bucket_versioning(bucket.name, status)
    config = props.get("ReplicationConfiguration")
    if not config:
        return
    if bucket.versioning_status != "Enabled":
        raise ReplicationRefused("Versioning must be 'Enabled' on the bucket to apply a replication configuration")
    rules = []
    for rule in config.get("Rules") or []:
        destination = dict(rule.get("Destination") or {})
        name = str(destination.get("Bucket", "")).split(":::")[-1]
        target = backend.buckets.get(name)
        if target is None:
            raise ReplicationRefused("Destination bucket must exist.")
        if target.versioning_status != "Enabled":
            raise ReplicationRefused("Destination bucket must have versioning enabled.")
        selection = rule.get("SourceSelectionCriteria") or {}
        kms = (selection.get("SseKmsEncryptedObjects") or {}).get("Status") == "Enabled"
        if kms and not (destination.get("EncryptionConfiguration") or {}).get("ReplicaKmsKeyID"):
            raise ReplicationRefused("ReplicaKmsKeyID must be specified if SseKmsEncryptedObjects tag is present.")
        rules.append({
            "ID": rule.get("Id"),
            "Priority": rule.get("Priority", 1),
            "Status": rule.get("Status"),
            "Destination": destination,
            "SourceSelectionCriteria": selection,
        })
    backend.put_bucket_replication(bucket.name, {"Role": config.get("Role"), "Rule": rules})


_original_bucket_create = FakeBucket.create_from_cloudformation_json.__func__
_original_bucket_update = FakeBucket.update_from_cloudformation_json.__func__


def bucket_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    bucket = _original_bucket_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
    _bucket_settings(bucket, cloudformation_json.get("Properties") or {}, account_id)
    return bucket


def bucket_update(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
    bucket = _original_bucket_update(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name)
    _bucket_settings(bucket, cloudformation_json.get("Properties") or {}, account_id)
    return bucket


FakeBucket.create_from_cloudformation_json = classmethod(bucket_create)
FakeBucket.update_from_cloudformation_json = classmethod(bucket_update)


def get_bucket_replication_response(self):
    """GetBucketReplication answers the rules as they were put, `SourceSelectionCriteria`
    included (moto drops it)."""
    self.data["Action"] = "GetBucketReplication"
    replication = self.backend.get_bucket_replication(self.bucket_name)
    if not replication:
        from moto.s3.exceptions import ReplicationConfigurationNotFoundError

        raise ReplicationConfigurationNotFoundError(bucket_name=self.bucket_name)
    rules = []
    for rule in replication["Rule"]:
        shown = {
            "ID": rule["ID"],
            "Priority": rule["Priority"],
            "Status": rule["Status"],
            "DeleteMarkerReplication": {"Status": "Disabled"},
            "Filter": {"Prefix": ""},
            "Destination": rule["Destination"],
        }
        if rule.get("SourceSelectionCriteria"):
            shown["SourceSelectionCriteria"] = rule["SourceSelectionCriteria"]
        rules.append(shown)
    return self.serialized(
        ActionResult({"ReplicationConfiguration": {"Role": replication["Role"], "Rules": rules}})
    )


from moto.s3.responses import S3Response

S3Response.get_bucket_replication = get_bucket_replication_response

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

# -- RDS automated backups replicated to another region ---------------------------------------

from moto.rds.exceptions import InvalidParameterValue as RdsInvalidParameterValue
from moto.rds.responses import RDSResponse

# (account, destination region) -> {source DB instance ARN: what DescribeDBInstanceAutomatedBackups
# shows there}.
_REPLICATED_BACKUPS = {}

_original_db_create = DBInstance.create_from_cloudformation_json.__func__


def _check_backup_replication(props, region_name):
    """The refusals of automated-backup replication (`AutomaticBackupReplicationRegion` of
    AWS::RDS::DBInstance, CloudFormation's resource reference; the same checks as
    StartDBInstanceAutomatedBackupsReplication, RDS API reference): the copies go to another
    region than the instance's, the key that encrypts them is a key of that destination
    region ("The KMS key ID is the ARN for the KMS encryption key in the destination AWS
    Region"), and they are kept at most 35 days. moto ignores the three properties."""
    destination = props.get("AutomaticBackupReplicationRegion")
    if not destination:
        return None
    if destination == region_name:
        raise RdsInvalidParameterValue(
            f"Automated backups can only be replicated to a different region than the source ({region_name})."
        )
    key = str(props.get("AutomaticBackupReplicationKmsKeyId") or "")
    if props.get("StorageEncrypted") in (True, "true", "True") and not key:
        raise RdsInvalidParameterValue(
            "KmsKeyId is required to replicate the automated backups of an encrypted DB instance."
        )
    if key.startswith("arn:") and key.split(":")[3] != destination:
        raise RdsInvalidParameterValue(
            f"The KMS key {key} is not in the destination region {destination}."
        )
    retention = int(props.get("AutomaticBackupReplicationRetentionPeriod") or props.get("BackupRetentionPeriod") or 7)
    if not 1 <= retention <= 35:
        raise RdsInvalidParameterValue(
            "The retention period for replicated automated backups must be between 1 and 35 days."
        )
    return destination, key, retention


def db_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    props = cloudformation_json.get("Properties") or {}
    replication = _check_backup_replication(props, region_name)
    db = _original_db_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
    if replication:
        destination, key, retention = replication
        _REPLICATED_BACKUPS.setdefault((account_id, destination), {})[db.arn] = {
            "DBInstanceArn": db.arn,
            "DBInstanceIdentifier": db.db_instance_identifier,
            "Region": region_name,
            "Status": "replicating",
            "Engine": db.engine,
            "Encrypted": True,
            "KmsKeyId": key,
            "BackupRetentionPeriod": retention,
            "DBInstanceAutomatedBackupsArn": f"arn:aws:rds:{destination}:{account_id}:auto-backup:{db.db_instance_identifier}",
        }
    return db


DBInstance.create_from_cloudformation_json = classmethod(db_create)

_original_describe_automated_backups = RDSResponse.describe_db_instance_automated_backups


def describe_db_instance_automated_backups_response(self):
    """DescribeDBInstanceAutomatedBackups in a region also lists the automated backups
    replicated into it from instances of other regions, as RDS does."""
    result = _original_describe_automated_backups(self)
    replicated = list(_REPLICATED_BACKUPS.get((self.current_account, self.region), {}).values())
    if replicated:
        wanted = self._get_param("DBInstanceIdentifier")
        if wanted:
            replicated = [r for r in replicated if r["DBInstanceIdentifier"] == wanted]
        result.result["DBInstanceAutomatedBackups"] = list(result.result["DBInstanceAutomatedBackups"]) + replicated
    return result


RDSResponse.describe_db_instance_automated_backups = describe_db_instance_automated_backups_response

# -- Multi-Region keys and their replicas --------------------------------------------------

from copy import copy as _shallow_copy

from moto.kms.exceptions import NotFoundException as KmsNotFound
from moto.kms.exceptions import ValidationException as KmsValidation
from moto.kms.models import Key as KmsKeyModel
from moto.kms.models import kms_backends


def kms_key_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    """`AWS::KMS::Key` as CloudFormation creates it, `MultiRegion` included (moto's model
    drops it, so its keys could never be replicated): a multi-Region key's id starts with
    `mrk-` and it is a PRIMARY key (KMS Developer Guide, "Multi-Region keys")."""
    props = cloudformation_json["Properties"]
    policy = props.get("KeyPolicy")
    key = kms_backends[account_id][region_name].create_key(
        policy=json.dumps(policy) if isinstance(policy, dict) else policy,
        key_usage=props.get("KeyUsage", "ENCRYPT_DECRYPT"),
        key_spec=props.get("KeySpec", "SYMMETRIC_DEFAULT"),
        description=props.get("Description"),
        tags=props.get("Tags", []),
        multi_region=_truthy(props.get("MultiRegion")),
    )
    key.key_rotation_status = _truthy(props.get("EnableKeyRotation"))
    key.enabled = _truthy(props.get("Enabled"), True)
    return key


KmsKeyModel.create_from_cloudformation_json = classmethod(kms_key_create)


def _create_replica_key(name, props, account_id, region_name):
    """`AWS::KMS::ReplicaKey` (CloudFormation resource reference; KMS API reference,
    ReplicateKey), with KMS's refusals: `PrimaryKeyArn` names an existing multi-Region key
    ("The primary key must be a multi-Region key"), of another region than the replica ("you
    cannot replicate a key into its own Region"), and a region holds one replica of a key.
    The replica is a REPLICA key with its own key policy and description."""
    primary_arn = str(props.get("PrimaryKeyArn") or "")
    parts = primary_arn.split(":")
    if len(parts) < 6 or not parts[5].startswith("key/"):
        raise KmsValidation(f"PrimaryKeyArn {primary_arn!r} is not the ARN of a KMS key")
    primary_region, key_id = parts[3], parts[5][len("key/"):]
    if primary_region == region_name:
        raise KmsValidation(
            f"Replica key cannot be created in the same Region as its primary key ({region_name})"
        )
    backend = kms_backends[account_id][primary_region]
    primary = backend.keys.get(key_id)
    if primary is None:
        raise KmsNotFound(f"Key '{primary_arn}' does not exist")
    if not primary.multi_region:
        raise KmsValidation(f"{primary_arn} is not a multi-Region key")
    config = primary.multi_region_configuration
    if any(r["Region"] == region_name for r in config["ReplicaKeys"]):
        raise KmsValidation(f"Key {primary_arn} already has a replica in {region_name}")
    replica = _shallow_copy(primary)
    replica.region = region_name
    replica.arn = primary.arn.replace(f":{primary_region}:", f":{region_name}:", 1)
    policy = props.get("KeyPolicy")
    replica.policy = json.dumps(policy) if isinstance(policy, dict) else policy
    replica.description = props.get("Description") or ""
    replica.enabled = _truthy(props.get("Enabled"), True)
    config["ReplicaKeys"].append({"Arn": replica.arn, "Region": region_name})
    replica.multi_region_configuration = {
        "MultiRegionKeyType": "REPLICA",
        "PrimaryKey": dict(config["PrimaryKey"]),
        "ReplicaKeys": [],
    }
    kms_backends[account_id][region_name].keys[replica.id] = replica
    return replica.id, replica.arn


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


import hipaa_moto_frontdoor  # noqa: E402,F401  (registers its models and patches)
import hipaa_moto_serverless  # noqa: E402,F401  (registers its models and patches)
import hipaa_moto_api  # noqa: E402,F401  (registers its models and patches)
import hipaa_moto_logs  # noqa: E402,F401  (registers its models and patches)
import hipaa_moto_acls  # noqa: E402,F401  (registers its models and patches)
import hipaa_moto_images  # noqa: E402,F401  (images' root devices, volumes and encryption)
import hipaa_moto_pace  # noqa: E402  (change sets being created, stacks being deleted)
import hipaa_moto_clock  # noqa: E402,F401  (checks the signing time as AWS does)

HARNESS_MODELS = [
    _make("AWS::SecretsManager::Secret", "secretsmanager", _create_secret, _delete_secret),
    _make("AWS::SecretsManager::RotationSchedule", "secretsmanager"),
    _make("AWS::Backup::BackupVault", "backup", _create_vault),
    _make("AWS::KMS::ReplicaKey", "kms", _create_replica_key),
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

# == A stricter CloudFormation: what AWS refuses ============================================
#
# Each rule below cites the AWS CloudFormation API reference (or user guide) it follows.

import fnmatch
import os

from moto.cloudformation.exceptions import AlreadyExistsException, CloudFormationError, ValidationError
from moto.cloudformation.models import Event, Stack
from moto.logs.models import logs_backends
from moto.rds.models import rds_backends


def _page_size(default):
    """Results per page of the paged calls; `HIPAA_MOTO_PAGE_SIZE` makes it small in tests."""
    value = os.environ.get("HIPAA_MOTO_PAGE_SIZE")
    return int(value) if value and int(value) > 0 else default


def _page(items, token, size):
    start = int(token) if token else 0
    chunk = items[start : start + size]
    next_token = str(start + size) if start + size < len(items) else None
    return chunk, next_token


def _template(stack):
    body = stack.template
    if isinstance(body, dict):
        return body
    try:
        return json.loads(body or "{}")
    except ValueError:
        return {}


_moto_stack_outputs = Stack.outputs.fget


def _stack_outputs(self):
    """DescribeStacks gives an output its `ExportName` only when that output declares the
    export (API reference, Output, `ExportName`: "The name of the export associated with the
    output"); moto gives it to every output whose value equals an export's value."""
    outputs = _moto_stack_outputs(self)
    if not outputs:
        return outputs
    declared = _template(self).get("Outputs") or {}
    for o in outputs:
        export = ((declared.get(o["OutputKey"]) or {}).get("Export") or {}).get("Name")
        if isinstance(export, str) or o["OutputKey"] in declared:
            o["ExportName"] = export if isinstance(export, str) else None
    return outputs


Stack.outputs = property(_stack_outputs)


def _imports_of(template):
    found = set()

    def walk(value):
        if isinstance(value, dict):
            for k, v in value.items():
                if k == "Fn::ImportValue" and isinstance(v, str):
                    found.add(v)
                else:
                    walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(template.get("Resources", {}))
    walk(template.get("Outputs", {}))
    return found


def _importers(backend, export_name, exclude=None):
    return sorted(
        s.name
        for s in backend.stacks.values()
        if s.stack_id != exclude
        and s.status not in ("DELETE_COMPLETE", "REVIEW_IN_PROGRESS")
        and export_name in _imports_of(_template(s))
    )


def _export_names(template):
    names = set()
    for output in (template.get("Outputs") or {}).values():
        name = (output.get("Export") or {}).get("Name")
        if isinstance(name, str):
            names.add(name)
    return names


def _event(stack, logical_id, physical_id, resource_type, status, reason):
    stack.events.append(
        Event(
            stack_id=stack.stack_id,
            stack_name=stack.name,
            logical_resource_id=logical_id,
            physical_resource_id=physical_id,
            resource_type=resource_type,
            resource_status=status,
            resource_status_reason=reason,
            resource_properties=None,
        )
    )


# Properties whose change replaces the resource ("Update requires: Replacement" in the AWS
# resource and property types reference), for the types whose replacement puts data at risk.
REPLACING = {
    "AWS::S3::Bucket": {"BucketName", "ObjectLockEnabled"},
    "AWS::KMS::Key": {"KeySpec", "KeyUsage", "MultiRegion"},
    "AWS::RDS::DBInstance": {
        "DBInstanceIdentifier",
        "DBName",
        "KmsKeyId",
        "StorageEncrypted",
        "MasterUsername",
        "DBSubnetGroupName",
        "Engine",
    },
    "AWS::Logs::LogGroup": {"LogGroupName", "DataProtectionPolicy"},
    "AWS::DynamoDB::Table": {"TableName"},
    "AWS::SecretsManager::Secret": {"Name"},
    "AWS::Backup::BackupVault": {"BackupVaultName", "EncryptionKeyArn"},
    "AWS::EC2::Volume": {"AvailabilityZone", "Encrypted", "KmsKeyId"},
}


def _replaced_by(old, new):
    """The properties whose change replaces the resource, or None when it is kept."""
    if old.get("Type") != new.get("Type"):
        return ["Type"]
    props_old = old.get("Properties") or {}
    props_new = new.get("Properties") or {}
    changed = [
        p
        for p in sorted(REPLACING.get(new.get("Type"), ()))
        if props_old.get(p) != props_new.get(p)
    ]
    return changed or None


def _condition_holds(condition, resource_type):
    """A stack policy statement's `Condition`: `StringEquals` or `StringLike` on the key
    `ResourceType` (AWS CloudFormation User Guide, "Prevent updates to stack resources",
    "Condition"); a statement without one holds for every resource."""
    if not condition:
        return True
    for operator, keys in condition.items():
        for key, values in (keys or {}).items():
            if key != "ResourceType":
                return False
            values = values if isinstance(values, list) else [values]
            if operator == "StringEquals":
                if resource_type not in values:
                    return False
            elif operator == "StringLike":
                if not any(fnmatch.fnmatchcase(resource_type or "", v) for v in values):
                    return False
            else:
                return False
    return True


def _policy_refusal(policy_body, action, logical_id, resource_type=None):
    """Why a stack policy refuses `action` on `logical_id`, or None when it allows it.

    Stack policies (AWS CloudFormation User Guide, "Prevent updates to stack resources"): once
    a stack has a policy, every update action is denied unless a statement allows it, and an
    explicit Deny beats any Allow; a statement's `Condition` narrows it to resource types.
    CloudFormation enforces it when a change set is executed.
    """
    if not policy_body:
        return None
    try:
        document = json.loads(policy_body)
    except ValueError:
        return None
    statements = document.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    target = f"LogicalResourceId/{logical_id}"

    def listed(value):
        return value if isinstance(value, list) else [value]

    allowed = False
    for index, s in enumerate(statements, start=1):
        if "Action" in s:
            acts = any(fnmatch.fnmatchcase(action, a) for a in listed(s["Action"]))
        else:
            acts = not any(fnmatch.fnmatchcase(action, a) for a in listed(s.get("NotAction", [])))
        if "Resource" in s:
            res = any(fnmatch.fnmatchcase(target, r) for r in listed(s["Resource"]))
        else:
            res = not any(fnmatch.fnmatchcase(target, r) for r in listed(s.get("NotResource", [])))
        if acts and res and _condition_holds(s.get("Condition"), resource_type):
            if s.get("Effect") == "Deny":
                return f"Action denied by stack policy: Statement [#{index}] has a Deny Effect"
            allowed = True
    return None if allowed else "Action not allowed by stack policy"


_strict_token = {"value": None, "caps": []}


def _require_auto_expand(body, capabilities):
    """A template with a transform or a nested stack needs `CAPABILITY_AUTO_EXPAND`
    (API reference, CreateChangeSet, Capabilities: "If your template contains macros and
    nested stacks, you must create or update the stack directly from the template ... or
    acknowledge this capability"); without it CloudFormation answers
    `InsufficientCapabilitiesException`."""
    try:
        template = json.loads(body) if isinstance(body, str) else (body or {})
    except ValueError:
        return
    text = body if isinstance(body, str) else json.dumps(body)
    nested = any(
        (r or {}).get("Type", "") in ("AWS::CloudFormation::Stack", "AWS::CloudFormation::Macro")
        or (r or {}).get("Type", "").startswith("AWS::Serverless::")
        for r in (template.get("Resources") or {}).values()
    )
    if (nested or "Transform" in template or '"Fn::Transform"' in text) and (
        "CAPABILITY_AUTO_EXPAND" not in capabilities
    ):
        from moto.cloudformation.exceptions import CloudFormationError

        class InsufficientCapabilities(CloudFormationError):
            code = "InsufficientCapabilitiesException"

        raise InsufficientCapabilities("Requires capabilities : [CAPABILITY_AUTO_EXPAND]")


# The IAM resources that need `CAPABILITY_IAM` or `CAPABILITY_NAMED_IAM`, and the properties
# that give one a custom name (API reference, CreateChangeSet and CreateStack, Capabilities).
IAM_CAPABILITY_TYPES = {
    "AWS::IAM::AccessKey": None,
    "AWS::IAM::Group": "GroupName",
    "AWS::IAM::InstanceProfile": "InstanceProfileName",
    "AWS::IAM::ManagedPolicy": "ManagedPolicyName",
    "AWS::IAM::Policy": None,
    "AWS::IAM::Role": "RoleName",
    "AWS::IAM::User": "UserName",
    "AWS::IAM::UserToGroupAddition": None,
}


def _require_iam_capabilities(body, capabilities):
    """IAM resources need `CAPABILITY_IAM` or `CAPABILITY_NAMED_IAM`, and IAM resources with
    custom names `CAPABILITY_NAMED_IAM` (API reference, CreateChangeSet, Capabilities: "If you
    have IAM resources with custom names, you must specify CAPABILITY_NAMED_IAM. If you don't
    specify either of these capabilities, CloudFormation returns an InsufficientCapabilities
    error."). moto accepts any template without them."""
    try:
        template = json.loads(body) if isinstance(body, str) else (body or {})
    except ValueError:
        return
    iam = [
        r for r in (template.get("Resources") or {}).values()
        if isinstance(r, dict) and r.get("Type") in IAM_CAPABILITY_TYPES
    ]
    if not iam:
        return
    named = any(
        IAM_CAPABILITY_TYPES[r["Type"]] in (r.get("Properties") or {})
        for r in iam
        if IAM_CAPABILITY_TYPES[r["Type"]]
    )
    need = None
    if named and "CAPABILITY_NAMED_IAM" not in capabilities:
        need = "CAPABILITY_NAMED_IAM"
    elif not named and not {"CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"} & set(capabilities):
        need = "CAPABILITY_IAM"
    if need:
        class InsufficientCapabilities(CloudFormationError):
            code = "InsufficientCapabilitiesException"

        raise InsufficientCapabilities(f"Requires capabilities : [{need}]")


def _require_parameters(template, given):
    """CreateChangeSet refuses a template parameter without a `Default` that the request
    gives no value ("Parameters: [P] must have values"), and a value for a parameter the
    template does not declare ("Parameters: [P] do not exist in the template"), as AWS does
    (API reference, CreateChangeSet, `Parameters`; ValidationError). moto accepts both."""
    try:
        declared = (json.loads(template) if isinstance(template, str) else template or {}).get("Parameters") or {}
    except ValueError:
        return
    given = dict(given)
    missing = [p for p, spec in declared.items() if "Default" not in (spec or {}) and p not in given]
    if missing:
        raise ValidationError(message=f"Parameters: [{', '.join(missing)}] must have values")
    unknown = [p for p in given if p not in declared]
    if unknown:
        raise ValidationError(message=f"Parameters: [{', '.join(unknown)}] do not exist in the template")


# CloudFormation's quotas on one template (AWS CloudFormation User Guide, "Understand
# CloudFormation quotas": Resources 500, Outputs 200, Parameters 200, Mappings 200 per
# template); CreateChangeSet refuses a template over one with a `ValidationError` ("Template
# format error: Number of resources, 501, is greater than maximum allowed, 500"). moto
# accepts any number.
TEMPLATE_QUOTAS = (("Resources", "resources", 500), ("Outputs", "outputs", 200),
                   ("Parameters", "parameters", 200), ("Mappings", "mappings", 200))


def _require_quotas(template):
    try:
        document = json.loads(template) if isinstance(template, str) else (template or {})
    except ValueError:
        return
    for section, noun, limit in TEMPLATE_QUOTAS:
        count = len(document.get(section) or {})
        if count > limit:
            raise ValidationError(
                message=f"Template format error: Number of {noun}, {count}, is greater than maximum allowed, {limit}"
            )


STACK_NAME = re.compile(r"[a-zA-Z][-a-zA-Z0-9]{0,127}")


class LimitExceeded(CloudFormationError):
    code = "LimitExceededException"


def _require_stack_quota(backend):
    """A new stack is refused once the account and region hold as many stacks as their quota
    (AWS CloudFormation User Guide, "Understand CloudFormation quotas": Stacks, "Maximum
    number of CloudFormation stacks that you can create", 2,000, adjustable; stack status
    codes, `REVIEW_IN_PROGRESS`: "A stack with this status code counts against the maximum
    possible number of stacks"), with `LimitExceededException` (API reference,
    CreateChangeSet, "Errors": "The quota for the resource has already been reached"). moto
    has no quota. `HIPAA_MOTO_STACK_QUOTA` sets it (2,000 when unset); the refusal's words
    are the harness's."""
    value = os.environ.get("HIPAA_MOTO_STACK_QUOTA")
    quota = int(value) if value and int(value) > 0 else 2000
    live = [s for s in backend.stacks.values() if s.status != "DELETE_COMPLETE"]
    if len(live) >= quota:
        raise LimitExceeded(
            f"The account and region hold {len(live)} stacks, their quota of {quota}; no stack can be created"
        )


def strict_create_change_set(self, stack_name, change_set_name, *args, **kwargs):
    """CreateChangeSet as AWS does it (API reference, CreateChangeSet):

    * a change-set name is unique per stack: a second one of the same name fails with
      `AlreadyExistsException`, unless it carries the same `ClientToken` (then the first
      request's ids are returned: the call is idempotent);
    * a template over a quota (`TEMPLATE_QUOTAS`) is refused;
    * a CREATE change set for a stack in `REVIEW_IN_PROGRESS` adds to that stack; for any
      other existing stack it fails with `AlreadyExistsException`;
    * `DescribeChangeSet` reports `Replacement: True` for modifications that replace;
    * `StackName` may be the stack's id as well as its name; an id names that stack only
      while it exists: a change set for a stack deleted (or being deleted) is refused, and a
      new stack is never named after an id (CreateStack and CreateChangeSet, `StackName`: "A
      stack name can contain only alphanumeric characters (case sensitive) and hyphens. It
      must start with an alphabetical character and can't be longer than 128 characters").
      moto made a new stack whose name was the id. The refusal's words are the harness's.
    """
    token = _strict_token["value"]
    change_set_type = kwargs.get("change_set_type", "CREATE")
    _require_quotas(kwargs.get("template"))
    _require_parameters(kwargs.get("template"), kwargs.get("parameters") or {})
    _require_auto_expand(kwargs.get("template"), _strict_token.get("caps") or [])
    _require_iam_capabilities(kwargs.get("template"), _strict_token.get("caps") or [])
    # StackName is "the name or the unique ID of the stack" (moto matches names only).
    if stack_name in self.stacks:
        stack_name = self.stacks[stack_name].name
    elif not STACK_NAME.fullmatch(stack_name or ""):
        raise ValidationError(
            message=f"Stack [{stack_name}] does not exist, and a new stack cannot take it as its name"
        )
    if change_set_type == "UPDATE":
        hipaa_moto_pace.refuse_update_while_deleting(self, stack_name)
    existing = [s for s in self.stacks.values() if s.name == stack_name]
    for cs in list(self.change_sets.values()):
        live = cs.stack_id in self.stacks
        if live and cs.stack_name == stack_name and cs.change_set_name == change_set_name:
            if token is not None and getattr(cs, "client_token", None) == token:
                return cs.change_set_id, cs.stack_id
            raise AlreadyExistsException(f"ChangeSet {change_set_name} already exists")
    if change_set_type == "CREATE" and not existing:
        _require_stack_quota(self)
    reuse = None
    if change_set_type == "CREATE" and existing:
        if existing[0].status != "REVIEW_IN_PROGRESS":
            raise AlreadyExistsException(f"Stack [{stack_name}] already exists")
        reuse = existing[0]
        kwargs["change_set_type"] = "UPDATE"
        if not isinstance(reuse.template, str):
            reuse.template = json.dumps(reuse.template or {})
    change_set_id, stack_id = create_change_set(self, stack_name, change_set_name, *args, **kwargs)
    cs = self.change_sets[change_set_id]
    cs.client_token = token
    if reuse is not None:
        cs.change_set_type = "CREATE"
        cs.status = "CREATE_COMPLETE"
        cs.execution_status = "AVAILABLE"
        cs.status_reason = None
    stack = self.stacks[stack_id]
    old = _template(stack).get("Resources", {}) if stack.status != "REVIEW_IN_PROGRESS" else {}
    new = cs.template_dict.get("Resources", {}) if isinstance(cs.template_dict, dict) else {}
    for change in cs.changes:
        change.replacement = None
        change.details = []
        if change.action == "Modify" and change.logical_resource_id in old:
            replaced = _replaced_by(old[change.logical_resource_id], new.get(change.logical_resource_id, {}))
            change.replacement = "True" if replaced else "False"
            change.details = [
                {
                    "Target": {"Attribute": "Properties", "Name": p, "RequiresRecreation": "Always"},
                    "ChangeSource": "DirectModification",
                }
                for p in replaced or []
            ]
    if reuse is None and change_set_type == "UPDATE":
        _stack_tag_changes(stack, cs, old, new)
    hipaa_moto_pace.creating(cs)
    return change_set_id, stack_id


def _tag_map(tags):
    if isinstance(tags, dict):
        return dict(tags)
    return {t["Key"]: t["Value"] for t in tags or []}


_TAGGABLE = {}


def _taggable(resource_type):
    """Whether CloudFormation tags a resource of this type: its resource provider schema says
    `tagging.taggable` (AWS CloudFormation CLI User Guide, "Resource type schema", `tagging`;
    the schemas as cfn-lint ships them). A type without a schema is taken as taggable."""
    if resource_type not in _TAGGABLE:
        try:
            from cfnlint.schema.manager import PROVIDER_SCHEMA_MANAGER

            schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", resource_type).schema
            tagging = schema.get("tagging")
            _TAGGABLE[resource_type] = (
                bool(tagging.get("taggable", True)) if isinstance(tagging, dict) else "Tags" in schema.get("properties", {})
            )
        except Exception:
            _TAGGABLE[resource_type] = True
    return _TAGGABLE[resource_type]


def _stack_tag_changes(stack, cs, old, new):
    """A change set that changes the stack's tags is a change, even when the template and the
    parameters stay: CloudFormation propagates stack tags to the stack's resources (API
    reference, CreateChangeSet, `Tags`: "CloudFormation also propagates these tags to
    resources in the stack"), and the change set lists a `Modify` of every resource that
    takes tags, with `Scope: [Tags]` and no replacement (API reference, ResourceChange,
    `Scope`: "Tags"; as the AWS CDK's users have seen it, aws-cdk-cli#1960: "CloudFormation
    does report this as a change. It lists a Modify operation for all supported resources").
    A stack none of whose resources takes tags gets a change set with no changes that can be
    executed and updates the stack's tags (envato/stack_master#302). moto compares only the
    template and the parameters, and fails such a change set "didn't contain changes"."""
    if cs.tags is None:
        return
    if _tag_map(cs.tags) == _tag_map(stack.tags):
        return
    if cs.status == "FAILED" and "didn't contain changes" in (cs.status_reason or ""):
        cs.status = "CREATE_COMPLETE"
        cs.execution_status = "AVAILABLE"
        cs.status_reason = None
    from moto.cloudformation.models import Change

    changed = {c.logical_resource_id for c in cs.changes}
    for logical_id, resource in new.items():
        if logical_id in changed or logical_id not in old or not isinstance(resource, dict):
            continue
        if not _taggable(resource.get("Type", "")):
            continue
        change = Change(action="Modify", logical_resource_id=logical_id, resource_type=resource.get("Type"))
        change.replacement = "False"
        change.scope = ["Tags"]
        change.details = [
            {
                "Target": {"Attribute": "Tags", "RequiresRecreation": "Never"},
                "Evaluation": "Static",
                "ChangeSource": "DirectModification",
            }
        ]
        cs.changes.append(change)


def _update_refusals(backend, stack, cs):
    """What AWS refuses when an UPDATE change set executes: resource changes a stack policy
    denies (`Update:Modify`, `Update:Replace`, `Update:Delete`), and removing an export that
    another stack imports ("Export X cannot be deleted as it is in use by Y"; AWS CloudFormation
    User Guide, "Exporting stack output values": you can't delete or modify an export that is
    imported)."""
    refusals = []
    for change in cs.changes:
        if change.action == "Remove":
            action = "Update:Delete"
        elif change.action == "Modify":
            action = "Update:Replace" if getattr(change, "replacement", None) == "True" else "Update:Modify"
        else:
            continue
        reason = _policy_refusal(stack.policy, action, change.logical_resource_id, change.resource_type)
        if reason:
            refusals.append((change.logical_resource_id, change.resource_type, reason))
    new_template = cs.template_dict if isinstance(cs.template_dict, dict) else {}
    new_names = _export_names(new_template)
    refusals += _export_changes(backend, stack, cs, new_template)
    for export in stack.exports:
        if export.name in new_names:
            continue
        users = _importers(backend, export.name, exclude=stack.stack_id)
        if users:
            refusals.append(
                (
                    stack.name,
                    "AWS::CloudFormation::Stack",
                    f"Export {export.name} cannot be deleted as it is in use by {', '.join(users)}",
                )
            )
    return refusals


def _exported_values(template):
    """The `Value` of each exported output of a template, by export name."""
    values = {}
    for output in (template.get("Outputs") or {}).values():
        name = (output.get("Export") or {}).get("Name")
        if isinstance(name, str):
            values[name] = output.get("Value")
    return values


def _reads(value, found):
    """The logical ids a value reads (`Ref`, `Fn::GetAtt`, `${X}` of `Fn::Sub`)."""
    if isinstance(value, dict):
        for k, v in value.items():
            if k == "Ref" and isinstance(v, str):
                found.add(v)
            elif k == "Fn::GetAtt":
                first = v[0] if isinstance(v, list) and v else v
                if isinstance(first, str):
                    found.add(first.split(".")[0])
            elif k == "Fn::Sub":
                text = v[0] if isinstance(v, list) and v else v
                if isinstance(text, str):
                    found.update(
                        m.split(".")[0] for m in re.findall(r"\$\{([^}!][^}]*)\}", text)
                    )
                _reads(v, found)
            else:
                _reads(v, found)
    elif isinstance(value, list):
        for v in value:
            _reads(v, found)
    return found


def _export_changes(backend, stack, cs, new_template):
    """An export another stack imports whose value the update changes: AWS refuses it with
    "Cannot update export X as it is in use by Y" and rolls the stack back (AWS CloudFormation
    Template Reference, `Fn::ImportValue`: "After another stack imports an output value, you
    can't delete the stack that is exporting the output value or modify the exported output
    value"). moto changes the export under its importers. The value changes when the output
    is written differently or reads a resource the change set replaces (the new physical id
    or ARN is known only once it exists, so this is judged from the change set, as the
    refusal comes during the update)."""
    old_values = _exported_values(_template(stack))
    current = {e.name: e.value for e in stack.exports}
    replaced = {
        c.logical_resource_id
        for c in cs.changes
        if getattr(c, "replacement", None) == "True" or c.action in ("Add", "Remove")
    }
    refusals = []
    for name, value in sorted(_exported_values(new_template).items()):
        if name not in old_values:
            continue
        if isinstance(value, str):
            # Written as text (as an export kept for its importers is): the value itself.
            if value == current.get(name, value):
                continue
        elif old_values[name] == value and not (_reads(value, set()) & replaced):
            continue
        users = _importers(backend, name, exclude=stack.stack_id)
        if users:
            refusals.append(
                (
                    stack.name,
                    "AWS::CloudFormation::Stack",
                    f"Cannot update export {name} as it is in use by {', '.join(users)}",
                )
            )
    return refusals


def _export_clashes(backend, stack, cs):
    """Export names of the change set's template that another stack of the region already
    exports. AWS refuses them: "For each AWS account, Export names must be unique within a
    region" (AWS CloudFormation User Guide, "Get exported outputs from a deployed
    CloudFormation stack", Considerations); the operation fails and rolls back with "Export
    with name X is already exported by stack Y". moto's change sets take the name over."""
    clashes = []
    for name in sorted(_export_names(cs.template_dict if isinstance(cs.template_dict, dict) else {})):
        export = backend.exports.get(name)
        if export is None or export.exporting_stack_id == stack.stack_id:
            continue
        owner = backend.stacks.get(export.exporting_stack_id)
        owner_name = owner.name if owner is not None else export.exporting_stack_id
        clashes.append(
            (stack.name, "AWS::CloudFormation::Stack",
             f"Export with name {name} is already exported by stack {owner_name}")
        )
    return clashes


# The name property of the types whose name is theirs alone in an account and region (a
# bucket's in the partition), and how to tell that a resource of that name exists already.
NAMED = {
    "AWS::Logs::LogGroup": (
        "LogGroupName",
        lambda account, region, name: name in logs_backends[account][region].groups,
    ),
    "AWS::S3::Bucket": (
        "BucketName",
        lambda account, region, name: name in s3_backends[account]["aws"].buckets,
    ),
}


def _already_existing(backend, stack, cs):
    """The resources a change set adds under a name that a resource outside any stack of the
    region already holds: a store kept (`DeletionPolicy: Retain`) when an earlier stack was
    deleted keeps its name, and CloudFormation's create of a new one fails with "Resource of
    type 'T' with identifier 'N' already exists." (AWS CloudFormation User Guide,
    "Troubleshooting CloudFormation", "Resource ... already exists"; such a resource is
    adopted only by an import: CreateChangeSet `ImportExistingResources`, or an `IMPORT`
    change set). moto's service backends answer ExecuteChangeSet itself with an error."""
    owned = set()
    for other in backend.stacks.values():
        for r in getattr(other.resource_map, "_parsed_resources", {}).values():
            owned.add(getattr(r, "physical_resource_id", None))
    template = cs.template_dict if isinstance(cs.template_dict, dict) else {}
    resources = template.get("Resources") or {}
    found = []
    for change in cs.changes:
        if change.action != "Add":
            continue
        lid = change.logical_resource_id
        spec = resources.get(lid) or {}
        named = NAMED.get(spec.get("Type"))
        if named is None:
            continue
        prop, exists = named
        name = (spec.get("Properties") or {}).get(prop)
        if isinstance(name, str) and name not in owned and exists(backend.account_id, backend.region_name, name):
            found.append(
                (lid, spec["Type"], f"Resource of type '{spec['Type']}' with identifier '{name}' already exists.")
            )
    return found


def _rolled_back(stack, cs, refusals):
    """The stack rolls back with the refusals as the failed resources' events."""
    create = cs.change_set_type == "CREATE"
    verb = "CREATE" if create else "UPDATE"
    rollback = "ROLLBACK" if create else "UPDATE_ROLLBACK"
    _event(stack, stack.name, stack.stack_id, "AWS::CloudFormation::Stack", f"{verb}_IN_PROGRESS", "User Initiated")
    for logical_id, resource_type, reason in refusals:
        if logical_id == stack.name:
            _event(stack, stack.name, stack.stack_id, resource_type, f"{verb}_FAILED", reason)
        else:
            _event(stack, logical_id, logical_id, resource_type, f"{verb}_FAILED", reason)
    _event(stack, stack.name, stack.stack_id, "AWS::CloudFormation::Stack", f"{rollback}_IN_PROGRESS",
           f"The following resource(s) failed to {verb.lower()}: [" + ", ".join(r[0] for r in refusals) + "]. ")
    _event(stack, stack.name, stack.stack_id, "AWS::CloudFormation::Stack", f"{rollback}_COMPLETE", None)
    stack.status = f"{rollback}_COMPLETE"
    cs.execution_status = "EXECUTE_FAILED"


def _tag_text_taken(text):
    """Whether S3 takes `text` in a bucket tag: letters, numbers, spaces and `+ - = . _ : / @`
    (Amazon S3 User Guide, "Categorizing your storage using tags"; AWS resource tagging, "Tag
    naming limits and requirements")."""
    import unicodedata

    return all(c.isalnum() or unicodedata.category(c) == "Zs" or c in "_.:/=+-@" for c in text)


def _tag_refusals(stack, cs):
    """CloudFormation copies a stack's tags onto the stack's resources (API reference,
    CreateChangeSet, `Tags`: "Key-value pairs to associate with this stack. CloudFormation also
    propagates these tags to resources in the stack"), and S3 refuses a bucket tag with any other character (S3 API Reference, PutBucketTagging,
    `InvalidTag`): each bucket of the change set's template fails with S3's reason, and the
    stack rolls back. moto copies no stack tags onto resources."""
    tags = cs.tags if isinstance(cs.tags, dict) else {t["Key"]: t["Value"] for t in cs.tags or []}
    if all(_tag_text_taken(k) and _tag_text_taken(v) for k, v in tags.items()):
        return []
    template = cs.template_dict if isinstance(cs.template_dict, dict) else {}
    return [
        (
            logical_id,
            "AWS::S3::Bucket",
            "The TagValue you have provided is invalid (Service: S3, Status Code: 400, Error Code: InvalidTag)",
        )
        for logical_id, resource in (template.get("Resources") or {}).items()
        if isinstance(resource, dict) and resource.get("Type") == "AWS::S3::Bucket"
    ]


class InvalidChangeSetStatus(CloudFormationError):
    code = "InvalidChangeSetStatus"


class ChangeSetNotFound(CloudFormationError):
    code = "ChangeSetNotFoundException"


def strict_execute_change_set(self, change_set_name, stack_name=None):
    """ExecuteChangeSet as AWS does it: the stack policy and the exports in use are enforced
    (see `_update_refusals`), export names stay unique in the region (`_export_clashes`), a
    named resource that exists outside the stack is not created again (`_already_existing`),
    a bucket does not take a stack tag S3 refuses (`_tag_refusals`);
    a refused operation rolls back (`ROLLBACK_COMPLETE`, `UPDATE_ROLLBACK_COMPLETE`) with the
    reason in the stack's events, and the change set ends `EXECUTE_FAILED`. A change set that
    is not `AVAILABLE` (already executed, being created, obsolete) is refused with
    `InvalidChangeSetStatus` (API reference, ExecuteChangeSet, "Errors": "The specified change
    set can't be used to update the stack"); moto answers a `ValidationError`."""
    cs = self.change_sets.get(change_set_name)
    if cs is None:
        cs = next((c for c in self.change_sets.values() if c.change_set_name == change_set_name), None)
    if cs is None:
        raise ChangeSetNotFound(f"ChangeSet [{change_set_name}] does not exist")
    if cs.execution_status != "AVAILABLE":
        raise InvalidChangeSetStatus(
            f"ChangeSet [{cs.change_set_id}] cannot be executed in its current status of [{cs.execution_status}]"
        )
    stack = self.stacks[cs.stack_id]
    refusals = _export_clashes(self, stack, cs) + _already_existing(self, stack, cs) + _tag_refusals(stack, cs)
    if cs.change_set_type == "UPDATE":
        refusals = _update_refusals(self, stack, cs) + refusals
    if refusals:
        _rolled_back(stack, cs, refusals)
        return
    try:
        execute_change_set(self, cs.change_set_id, stack_name)
    except hipaa_moto_frontdoor.Refused as refused:
        # A resource that the service refuses fails, and the stack rolls back with the
        # service's reason in its events, as on AWS.
        rollback = "ROLLBACK" if cs.change_set_type == "CREATE" else "UPDATE_ROLLBACK"
        failed = "CREATE_FAILED" if cs.change_set_type == "CREATE" else "UPDATE_FAILED"
        _event(stack, refused.logical_id, refused.logical_id, refused.resource_type, failed, refused.reason)
        _event(stack, stack.name, stack.stack_id, "AWS::CloudFormation::Stack", f"{rollback}_IN_PROGRESS",
               f"The following resource(s) failed to create: [{refused.logical_id}]")
        _event(stack, stack.name, stack.stack_id, "AWS::CloudFormation::Stack", f"{rollback}_COMPLETE", None)
        stack.status = f"{rollback}_COMPLETE"
        cs.execution_status = "EXECUTE_FAILED"
        return
    # Executing a change set makes the stack's other change sets invalid, and AWS deletes
    # them (API reference, ExecuteChangeSet: "When you execute a change set, CloudFormation
    # deletes all other change sets associated with the stack because they aren't valid for
    # the updated stack").
    for other in [c for c in self.change_sets.values() if c.stack_id == stack.stack_id and c is not cs]:
        del self.change_sets[other.change_set_id]


def _db_in_use(backend, kept_dbs):
    """Physical ids in use by the databases that stay: subnet groups, their subnets and VPC,
    security groups (RDS API reference, DeleteDBSubnetGroup: "The specified database subnet
    group must not be associated with any DB instances"; DeleteDBParameterGroup: "The DB
    parameter group to be deleted can't be associated with any DB instances"; EC2
    DeleteSecurityGroup, DeleteSubnet,
    DeleteVpc: `DependencyViolation` while in use)."""
    used = {}
    for db in kept_dbs:
        label = f"database {db.db_instance_identifier}"
        group = getattr(db, "db_subnet_group", None)
        if group is not None:
            used[str(group.name).lower()] = label
            for subnet in getattr(group, "_subnets", []) or []:
                used[subnet.id] = label
                used[subnet.vpc_id] = label
        for sg in getattr(db, "vpc_security_group_ids", []) or []:
            used[sg] = label
    return used


def strict_delete_stack(self, name_or_stack_id, retain=None, token=None):
    """DeleteStack as AWS does it (API reference, DeleteStack and DescribeStacks):

    * a stack with termination protection is not deleted (`ValidationError`);
    * `RetainResources` is accepted only for a stack in `DELETE_FAILED` ("For stacks in the
      DELETE_FAILED state, a list of resource logical IDs ... you want to retain"), unless
      the request repeats the `ClientRequestToken` of the deletion that was taken
      (`ClientRequestToken`: "Specify this token if you plan to retry requests so that
      CloudFormation knows that you're not attempting to delete a stack with the same name.
      You might retry DeleteStack requests to ensure that CloudFormation successfully
      received them"): that retry is the same request, and changes nothing, whatever the
      stack's state is by then (a deletion that failed again is not started again by a
      token already used: a new attempt needs a new token; the API's
      `TokenAlreadyExistsException`, "A client request token already exists", is the answer
      to a token reused for another request). moto deletes at once, so a retry meets the
      stack `DELETE_COMPLETE` (found by its id) where AWS would show `DELETE_IN_PROGRESS`;
      moto accepted it without looking;
    * an `AWS::RDS::DBInstance` with `DeletionProtection` is not deleted ("Cannot delete
      protected DB Instance, please disable deletion protection and try again."): the stack
      ends `DELETE_FAILED`;
    * a subnet group, parameter group, option group, subnet, VPC or security group in use by
      a database that stays is not deleted (the stack ends `DELETE_FAILED`), nor is an export
      another stack imports;
    * a load balancer with deletion protection is not deleted (see
      `hipaa_moto_frontdoor.protected_load_balancers`).
    """
    retain = list(retain or [])
    stack = self.stacks.get(name_or_stack_id) or next(
        (s for s in self.stacks.values() if s.name == name_or_stack_id), None
    )
    if stack is None and retain:
        stack = self.deleted_stacks.get(name_or_stack_id)
    if stack is None:
        return delete_stack(self, name_or_stack_id)
    if getattr(stack, "enable_termination_protection", False):
        raise ValidationError(
            message=f"Stack [{stack.name}] cannot be deleted while TerminationProtection is enabled"
        )
    if token and getattr(stack, "hipaa_delete_token", None) == token:
        return
    if retain and stack.status != "DELETE_FAILED":
        raise ValidationError(
            message="Invalid operation: RetainResources can only be specified for a stack in the DELETE_FAILED state"
        )
    if stack.status in ("DELETE_COMPLETE", "DELETE_IN_PROGRESS"):
        return
    stack.hipaa_delete_token = token
    if stack.status == "REVIEW_IN_PROGRESS":
        return hipaa_moto_pace.delete_later(self, stack, delete_stack)
    resources = stack.resource_map._resource_json_map
    parsed = stack.resource_map._parsed_resources
    deleting = [
        lid for lid, j in resources.items()
        if lid not in retain and j.get("DeletionPolicy") != "Retain" and lid in parsed
    ]
    failures = []
    for export in stack.exports:
        users = _importers(self, export.name, exclude=stack.stack_id)
        if users:
            failures.append((stack.name, stack.stack_id, "AWS::CloudFormation::Stack",
                             f"Export {export.name} cannot be deleted as it is in use by {', '.join(users)}"))
    rds = rds_backends[self.account_id][self.region_name]
    leaving = set()
    for lid in deleting:
        if resources[lid].get("Type") != "AWS::RDS::DBInstance":
            continue
        db = rds.databases.get(getattr(parsed[lid], "physical_resource_id", None))
        if db is None:
            continue
        # moto's CloudFormation model of the instance drops `DeletionProtection`; the
        # template says what AWS would have set.
        props = resources[lid].get("Properties") or {}
        if db.deletion_protection or _truthy(props.get("DeletionProtection")):
            failures.append((lid, db.db_instance_identifier, "AWS::RDS::DBInstance",
                             "Cannot delete protected DB Instance, please disable deletion protection and try again."))
        else:
            leaving.add(id(db))
    failures.extend(hipaa_moto_frontdoor.protected_load_balancers(self, resources, parsed, deleting))
    if not failures:
        used = _db_in_use(self, [db for db in rds.databases.values() if id(db) not in leaving])
        # The instance's own subnet group and security groups, by the template's references
        # (moto's models do not always give them the physical ids the instance records).
        for lid, j in resources.items():
            if j.get("Type") != "AWS::RDS::DBInstance" or lid in deleting:
                continue
            props = j.get("Properties") or {}
            label = f"database {getattr(parsed.get(lid), 'physical_resource_id', lid)}"
            for prop in ("DBSubnetGroupName", "DBParameterGroupName", "OptionGroupName"):
                group = props.get(prop)
                if isinstance(group, dict) and "Ref" in group:
                    used[("logical", group["Ref"])] = label
            for sg in props.get("VPCSecurityGroups") or []:
                if isinstance(sg, dict) and "Ref" in sg:
                    used[("logical", sg["Ref"])] = label
                elif isinstance(sg, dict) and "Fn::GetAtt" in sg:
                    used[("logical", sg["Fn::GetAtt"][0])] = label
        for lid in deleting:
            physical = getattr(parsed[lid], "physical_resource_id", None)
            kind = resources[lid].get("Type")
            if kind not in (
                "AWS::RDS::DBSubnetGroup",
                "AWS::RDS::DBParameterGroup",
                "AWS::RDS::OptionGroup",
                "AWS::EC2::Subnet",
                "AWS::EC2::VPC",
                "AWS::EC2::SecurityGroup",
            ):
                continue
            key = str(physical).lower() if kind == "AWS::RDS::DBSubnetGroup" else physical
            user = used.get(key) or used.get(("logical", lid))
            if user:
                failures.append((lid, physical, kind, f"{physical or lid} is in use by {user} (DependencyViolation)"))
    if failures:
        _event(stack, stack.name, stack.stack_id, "AWS::CloudFormation::Stack", "DELETE_IN_PROGRESS", "User Initiated")
        for lid, physical, kind, reason in failures:
            _event(stack, lid, physical, kind, "DELETE_FAILED", reason)
        _event(stack, stack.name, stack.stack_id, "AWS::CloudFormation::Stack", "DELETE_FAILED",
               "The following resource(s) failed to delete: [" + ", ".join(f[0] for f in failures) + "]. ")
        stack.status = "DELETE_FAILED"
        return
    for lid in retain:
        if lid in resources:
            resources[lid]["DeletionPolicy"] = "Retain"
    return hipaa_moto_pace.delete_later(self, stack, delete_stack)


_moto_delete_change_set = CloudFormationBackend.delete_change_set


def strict_delete_change_set(self, change_set_name):
    """DeleteChangeSet of a change set that does not exist is refused as AWS does
    (`ChangeSetNotFound`, HTTP 404: "The specified change set name or ID doesn't exist"; API
    reference, DescribeChangeSet and ExecuteChangeSet, "Errors"); moto answers HTTP 500
    (an `UnboundLocalError` in its backend). A change set still being created is not deleted
    (`hipaa_moto_pace.creating_refusal`)."""
    known = change_set_name in self.change_sets or any(
        cs.change_set_name == change_set_name for cs in self.change_sets.values()
    )
    if not known:
        raise ChangeSetNotFound(f"ChangeSet [{change_set_name}] does not exist")
    hipaa_moto_pace.creating_refusal(
        self.change_sets.get(change_set_name)
        or next((cs for cs in self.change_sets.values() if cs.change_set_name == change_set_name), None)
    )
    return _moto_delete_change_set(self, change_set_name)


_moto_set_stack_policy = CloudFormationBackend.set_stack_policy


def strict_set_stack_policy(self, stack_name, policy_body):
    """SetStackPolicy refuses a `StackPolicyBody` over 16,384 characters, as AWS does (API
    reference, SetStackPolicy, `StackPolicyBody`: "Length Constraints: Minimum length of 1.
    Maximum length of 16384."; a `ValidationError`). moto stores any length."""
    if policy_body is not None and len(policy_body) > 16384:
        raise ValidationError(
            message="1 validation error detected: Value at 'stackPolicyBody' failed to satisfy "
            "constraint: Member must have length less than or equal to 16384"
        )
    return _moto_set_stack_policy(self, stack_name, policy_body)


CloudFormationBackend.set_stack_policy = strict_set_stack_policy
CloudFormationBackend.delete_change_set = strict_delete_change_set
CloudFormationBackend.create_change_set = strict_create_change_set
CloudFormationBackend.execute_change_set = strict_execute_change_set
delete_stack = CloudFormationBackend.delete_stack
CloudFormationBackend.delete_stack = strict_delete_stack

_original_create_change_set_response = CloudFormationResponse.create_change_set


def _require_stack_tags(tags):
    """A stack's tags as CloudFormation takes them, which moto does not check (API reference,
    CreateChangeSet, `Tags`: "Maximum number of 50 items"; Tag: `Key` "Minimum length of 1.
    Maximum length of 128", `Value` "Minimum length of 1. Maximum length of 256"): a
    `ValidationError` in the words of AWS's request validation."""
    if len(tags) > 50:
        raise ValidationError(
            message="1 validation error detected: Value at 'tags' failed to satisfy constraint: "
            "Member must have length less than or equal to 50"
        )
    for i, tag in enumerate(tags, start=1):
        for field, low, high in (("Key", 1, 128), ("Value", 1, 256)):
            value = tag.get(field) or ""
            if len(value) < low or len(value) > high:
                bound = (
                    f"greater than or equal to {low}" if len(value) < low else f"less than or equal to {high}"
                )
                raise ValidationError(
                    message=f"1 validation error detected: Value '{value}' at 'tags.{i}.member.{field.lower()}' "
                    f"failed to satisfy constraint: Member must have length {bound}"
                )


def create_change_set_response(self):
    """A `TemplateBody` over 51,200 bytes is refused (AWS CloudFormation User Guide,
    "CloudFormation quotas": template body size in a request, 51,200 bytes; larger templates
    go through `TemplateURL`); moto accepts any size. Tags are checked
    (`_require_stack_tags`)."""
    _require_stack_tags(self._get_param("Tags", []) or [])
    body = self._get_param("TemplateBody")
    if body is not None and len(body.encode("utf-8")) > 51200:
        raise ValidationError(
            message="1 validation error detected: Value at 'templateBody' failed to satisfy "
            "constraint: Member must have length less than or equal to 51200"
        )
    _strict_token["value"] = self._get_param("ClientToken")
    _strict_token["caps"] = self._get_param("Capabilities", []) or []
    try:
        return _original_create_change_set_response(self)
    finally:
        _strict_token["value"] = None
        _strict_token["caps"] = []


def delete_stack_response(self):
    name = self._get_param("StackName")
    retain = self._get_param("RetainResources", []) or []
    token = self._get_param("ClientRequestToken")
    self.cloudformation_backend.delete_stack(name, retain, token)
    from moto.core.responses import EmptyResult

    return EmptyResult()


def describe_stack_events_response(self):
    """DescribeStackEvents is paged (API reference: "returns ... in reverse chronological
    order", with `NextToken`)."""
    stack = self.cloudformation_backend.get_stack(self._get_param("StackName"))
    events, token = _page(stack.events[::-1], self._get_param("NextToken"), _page_size(100))
    return ActionResult({"StackEvents": events, "NextToken": token})


def describe_stack_resources_response(self):
    """DescribeStackResources returns at most 100 resources (API reference: "Only the first
    100 resources will be returned. If your stack has more resources than this, you should use
    ListStackResources instead.")."""
    from moto.cloudformation.responses import StackResourceDTO

    stack, resources = self.cloudformation_backend.describe_stack_resources(
        self._get_param("StackName"), self._get_param("LogicalResourceId")
    )
    resources = list(resources)[:100]
    return ActionResult({"StackResources": [StackResourceDTO(stack, r) for r in resources]})


def list_stack_resources_response(self):
    """ListStackResources is paged with `NextToken` (API reference)."""
    stack, resources = self.cloudformation_backend.list_stack_resources(self._get_param("StackName"))
    items = [
        {
            "ResourceStatus": "CREATE_COMPLETE",
            "LogicalResourceId": getattr(r, "logical_resource_id", ""),
            "LastUpdatedTimestamp": stack.creation_time,
            "PhysicalResourceId": getattr(r, "physical_resource_id", ""),
            "ResourceType": getattr(r, "cf_resource_type", ""),
        }
        for r in resources
    ]
    page, token = _page(items, self._get_param("NextToken"), _page_size(100))
    return ActionResult({"StackResourceSummaries": page, "NextToken": token})


def list_imports_response(self):
    """ListImports (not in moto): the stacks that import an export, paged; an export nobody
    imports is a `ValidationError` ("Export 'X' is not imported by any stack.")."""
    name = self._get_param("ExportName")
    backend = self.cloudformation_backend
    if name not in backend.exports:
        raise ValidationError(message=f"Export '{name}' does not exist.")
    users = _importers(backend, name, exclude=backend.exports[name].exporting_stack_id)
    if not users:
        raise ValidationError(message=f"Export '{name}' is not imported by any stack.")
    page, token = _page(users, self._get_param("NextToken"), _page_size(100))
    return ActionResult({"Imports": page, "NextToken": token})


def describe_change_set_response(self):
    """DescribeChangeSet pages the change set's `Changes` with `NextToken` (API reference,
    DescribeChangeSet, `NextToken`: "A string (provided by the DescribeChangeSet response
    output) that identifies the next page of information that you want to retrieve"); every
    page repeats the change set's status. moto returns every change at once."""
    import copy

    change_set = self.cloudformation_backend.describe_change_set(
        change_set_name=self._get_param("ChangeSetName")
    )
    if change_set is not None:
        hipaa_moto_pace.described(change_set)
    page, token = _page(list(change_set.changes or []), self._get_param("NextToken"), _page_size(100))
    shown = copy.copy(change_set)
    shown.changes = page
    shown.next_token = token
    return ActionResult(shown)


def list_change_sets_response(self):
    """ListChangeSets lists the change sets of the stack named by `StackName` (required; moto
    lists every change set of the region), paged."""
    backend = self.cloudformation_backend
    stack = backend.get_stack(self._get_param("StackName"))
    sets = [c for c in backend.change_sets.values() if c.stack_id == stack.stack_id]
    page, token = _page(sets, self._get_param("NextToken"), _page_size(100))
    return ActionResult({"Summaries": page, "NextToken": token})


def list_exports_response(self):
    """ListExports is paged with `NextToken` (API reference, ListExports: "Lists all exported
    output values in the account and Region in which you call this action", `NextToken`: "A
    string (provided by the ListExports response output) that identifies the next page of
    exported output values"); moto pages by 100 whatever the test asks.
    `HIPAA_MOTO_EXPORTS_PAGE_SIZE` makes its pages small (apart from `HIPAA_MOTO_PAGE_SIZE`,
    whose tests read ListExports with one call of their own)."""
    exports = list(self.cloudformation_backend.exports.values())
    value = os.environ.get("HIPAA_MOTO_EXPORTS_PAGE_SIZE")
    size = int(value) if value and int(value) > 0 else 100
    page, token = _page(exports, self._get_param("NextToken"), size)
    return ActionResult({"Exports": page, "NextToken": token})


_URI_TEXT = re.compile(r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})+")


def _resolved_path(path):
    """A URL's path with its dot segments removed, as every URL client does before sending it
    (RFC 3986, section 5.2.4, "Remove Dot Segments")."""
    out = []
    for segment in path.split("/"):
        if segment == "..":
            if len(out) > 1:
                out.pop()
        elif segment != ".":
            out.append(segment)
    return "/".join(out)


def strict_template_from_url(self, template_url):
    """`TemplateURL` as CloudFormation reads it (API reference, CreateChangeSet, `TemplateURL`:
    "The URL must point to a template (max size: 1 MB) that's located in an Amazon S3
    bucket"). It is a URL: only the characters of RFC 3986, section 2 (a space, a control or
    a letter outside ASCII appears percent-encoded), or CloudFormation answers
    `ValidationError` "TemplateURL must be a supported URL."; `#` starts a fragment and `?` a
    query, neither part of the path, and dot segments are resolved (RFC 3986, 5.2.4). The
    path is the object's key percent-encoded (Amazon S3 User Guide, "Naming Amazon S3
    objects": such characters in a key "might require additional code handling and will
    likely need to be URL encoded"), decoded before the object is read; an object that is not
    there is "TemplateURL must reference a valid S3 object to which you have access." moto
    reads the raw path as the key: an encoded key is not found, and a raw space is read."""
    from urllib.parse import unquote, urlsplit

    if not template_url or not _URI_TEXT.fullmatch(template_url):
        raise ValidationError(message="TemplateURL must be a supported URL.")
    parts = urlsplit(template_url)
    path = _resolved_path(parts.path).lstrip("/")
    hosted = re.match(r"^(.+)\.s3[.-]", parts.netloc)
    if hosted and not parts.netloc.startswith("s3"):
        bucket, key = hosted.group(1), path
    else:
        bucket, _, key = path.partition("/")
    try:
        found = s3_backends[self.current_account][self.partition].get_object(bucket, unquote(key))
    except Exception:
        found = None
    if found is None:
        raise ValidationError(message="TemplateURL must reference a valid S3 object to which you have access.")
    return found.value.decode("utf-8")


CloudFormationResponse._get_stack_from_s3_url = strict_template_from_url


class KeyTooLong(S3ClientError):
    def __init__(self):
        super().__init__("KeyTooLongError", "Your key is too long")


_put_object = S3Backend.put_object


# The key S3 uses for SSE-KMS when a request names `aws:kms` and no key: the AWS managed key
# of the account for S3, written here by its alias.
AWS_MANAGED_S3_KEY = "alias/aws/s3"


def strict_put_object(self, bucket_name, key_name, value, *args, **kwargs):
    """PutObject as S3 takes it: a key is at most 1,024 bytes of UTF-8 (Amazon S3 User Guide,
    "Naming Amazon S3 objects": "a maximum length of 1,024 bytes"; Amazon S3 API Reference,
    "Error responses": `KeyTooLongError`, "Your key is too long", 400). moto stores any key.

    A request with `x-amz-server-side-encryption: aws:kms` and no key id is encrypted with the
    AWS managed key, not the bucket's default key (Amazon S3 API Reference, PutObject,
    `x-amz-server-side-encryption-aws-kms-key-id`: "If you specify
    x-amz-server-side-encryption:aws:kms … but do not provide
    x-amz-server-side-encryption-aws-kms-key-id, Amazon S3 uses the Amazon Web Services managed
    key (aws/s3) to protect the data"; the bucket's default applies only "If a PUT Object request
    doesn't specify any server-side encryption", ServerSideEncryptionByDefault). moto fills in
    the bucket's default key instead; here such an object reads back as `alias/aws/s3`."""
    if len(key_name.encode("utf-8")) > 1024:
        raise KeyTooLong()
    if kwargs.get("encryption") == "aws:kms" and not kwargs.get("kms_key_id"):
        kwargs["kms_key_id"] = AWS_MANAGED_S3_KEY
    return _put_object(self, bucket_name, key_name, value, *args, **kwargs)


S3Backend.put_object = strict_put_object


CloudFormationResponse.list_exports = list_exports_response
CloudFormationResponse.list_change_sets = list_change_sets_response
CloudFormationResponse.describe_change_set = describe_change_set_response
CloudFormationResponse.create_change_set = create_change_set_response
CloudFormationResponse.delete_stack = delete_stack_response
CloudFormationResponse.describe_stack_events = describe_stack_events_response
CloudFormationResponse.describe_stack_resources = describe_stack_resources_response
CloudFormationResponse.list_stack_resources = list_stack_resources_response
CloudFormationResponse.list_imports = list_imports_response


if __name__ == "__main__":
    from moto.server import main

    main(sys.argv[1:])

"""The log groups of databases' exported logs, for the local endpoint: what moto lacks to show
what `up` does for rule L4. Imported by `hipaa_moto.py`.

* `AWS::RDS::DBInstance`: moto's CloudFormation model drops `EnableCloudwatchLogsExports`;
  it is kept (`DescribeDBInstances` answers `EnabledCloudwatchLogsExports`), and, as RDS does,
  each exported log gets its log group `/aws/rds/instance/<name>/<log>` when the database is
  created, unless one of that name exists: without a key and never expiring (Amazon RDS User
  Guide, "Publishing database logs to Amazon CloudWatch Logs": "If a log group with the
  specified name doesn't exist, Amazon RDS creates it").
* `AssociateKmsKey` and `DisassociateKmsKey` are not in moto: they are answered, with
  CloudWatch Logs' refusals.
* `PutRetentionPolicy` takes only the numbers of days CloudWatch Logs allows, as moto does
  not (CloudWatch Logs API Reference, `PutRetentionPolicy`, `retentionInDays`: "Possible
  values are: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827,
  2192, 2557, 2922, 3288, and 3653"); any other is `InvalidParameterException`.
* `CreateLogGroup` and `AssociateKmsKey` refuse a key that does not exist, is not enabled,
  or whose policy does not let CloudWatch Logs use it, with `InvalidParameterException`, as
  CloudWatch Logs does and moto does not (CloudWatch Logs API Reference, `AssociateKmsKey`:
  "If you attempt to associate a KMS key with a log group but the KMS key does not exist or
  the KMS key is disabled, you receive an InvalidParameterException error"; CloudWatch Logs
  User Guide, "Encrypt log data in CloudWatch Logs using AWS Key Management Service": the key
  policy must allow the principal `logs.<region>.amazonaws.com`, or the call fails).
"""

import json

from moto.kms.models import kms_backends
from moto.logs.exceptions import InvalidParameterException, ResourceNotFoundException
from moto.logs.models import logs_backends
from moto.logs.responses import LogsResponse
from moto.rds.models import DBInstance


# ---------------------------------------------------------------------------------------
# RDS: the groups of a database's exported logs.
# ---------------------------------------------------------------------------------------

_original_db_create = DBInstance.create_from_cloudformation_json.__func__


def db_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    """CreateDBInstance, keeping the exported logs and creating their groups as RDS does."""
    database = _original_db_create(
        cls, resource_name, cloudformation_json, account_id, region_name, **kwargs
    )
    props = cloudformation_json.get("Properties", {}) or {}
    exports = [e for e in props.get("EnableCloudwatchLogsExports") or [] if isinstance(e, str)]
    database.enabled_cloudwatch_logs_exports = exports
    if getattr(database, "db_cluster_identifier", None) is None:
        logs = logs_backends[account_id][region_name]
        name = database.db_instance_identifier.lower()
        for log in exports:
            group = f"/aws/rds/instance/{name}/{log}"
            if group not in logs.groups:
                logs.create_log_group(group, tags={})
    return database


DBInstance.create_from_cloudformation_json = classmethod(db_create)


# ---------------------------------------------------------------------------------------
# CloudWatch Logs: keys.
# ---------------------------------------------------------------------------------------


def _allows_logs(policy, region):
    """Whether a key policy has an `Allow` statement for `logs.<region>.amazonaws.com` that
    lets it encrypt (`kms:Encrypt*`, `kms:GenerateDataKey*` or `kms:*`)."""
    try:
        document = json.loads(policy)
    except (TypeError, ValueError):
        return False
    statements = document.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    wanted = f"logs.{region}.amazonaws.com"
    for statement in statements:
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal", {})
        services = principal.get("Service", []) if isinstance(principal, dict) else []
        if isinstance(services, str):
            services = [services]
        actions = statement.get("Action", [])
        if isinstance(actions, str):
            actions = [actions]
        encrypts = any(a in ("kms:*", "kms:Encrypt*", "kms:GenerateDataKey*") for a in actions)
        if wanted in services and encrypts:
            return True
    return False


def _check_key(account_id, region, key_id):
    """Refuses a key CloudWatch Logs cannot use, as it does."""
    if not key_id:
        return
    kms = kms_backends[account_id][region]
    try:
        key = kms.describe_key(key_id)
    except Exception:  # moto raises its own NotFoundException
        raise InvalidParameterException(
            msg=f"The specified KMS key does not exist or is not allowed to be used with LogGroup. KMS Key Id: {key_id}"
        )
    if key.key_state != "Enabled" or not _allows_logs(key.policy, region):
        raise InvalidParameterException(
            msg=f"The specified KMS key does not exist or is not allowed to be used with LogGroup. KMS Key Id: {key_id}"
        )


_original_create_log_group = LogsResponse.create_log_group


def create_log_group_response(self):
    _check_key(self.current_account, self.region, self._get_param("kmsKeyId"))
    return _original_create_log_group(self)


def associate_kms_key_response(self):
    """AssociateKmsKey: the key becomes the group's (`DescribeLogGroups` answers it)."""
    name = self._get_param("logGroupName")
    key_id = self._get_param("kmsKeyId")
    backend = logs_backends[self.current_account][self.region]
    group = backend.groups.get(name)
    if group is None:
        raise ResourceNotFoundException(msg="The specified log group does not exist.")
    _check_key(self.current_account, self.region, key_id)
    group.kms_key_id = key_id
    return ""


def disassociate_kms_key_response(self):
    """DisassociateKmsKey: the group holds no key any more (`DescribeLogGroups` answers none);
    CloudWatch Logs encrypts what it ingests next with its own key (CloudWatch Logs API
    Reference, `DisassociateKmsKey`: "Specify the logGroupName parameter to stop using the KMS
    key to encrypt future log events ingested and stored in the log group. Instead, they will
    be encrypted with the default CloudWatch Logs method"). A group that does not exist is
    `ResourceNotFoundException`, as for `AssociateKmsKey`."""
    name = self._get_param("logGroupName")
    backend = logs_backends[self.current_account][self.region]
    group = backend.groups.get(name)
    if group is None:
        raise ResourceNotFoundException(msg="The specified log group does not exist.")
    group.kms_key_id = None
    return ""


# CloudWatch Logs API Reference, `PutRetentionPolicy`, `retentionInDays`.
_RETENTIONS = {
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
    2922, 3288, 3653,
}

_original_put_retention_policy = LogsResponse.put_retention_policy


def put_retention_policy_response(self):
    """PutRetentionPolicy: a number of days CloudWatch Logs does not allow is refused."""
    days = self._get_param("retentionInDays")
    if days not in _RETENTIONS:
        raise InvalidParameterException(
            msg=f"1 validation error detected: Value '{days}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: {sorted(_RETENTIONS)}"
        )
    return _original_put_retention_policy(self)


LogsResponse.put_retention_policy = put_retention_policy_response
LogsResponse.create_log_group = create_log_group_response
LogsResponse.associate_kms_key = associate_kms_key_response
LogsResponse.disassociate_kms_key = disassociate_kms_key_response

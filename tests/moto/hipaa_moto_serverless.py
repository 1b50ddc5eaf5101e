"""Serverless resources for the local endpoint: what moto lacks to deploy a `Function`, a
`SecureQueue`, a `SecureTable` and the triggers between them, and read their settings back
through the service APIs. Imported by `hipaa_moto.py`. Functions are created and read back;
they never run.

* `AWS::Lambda::Function`: moto's CloudFormation model drops `TracingConfig`, `KmsKeyArn`,
  `DeadLetterConfig`, `Architectures` and `LoggingConfig`; they are kept, and
  `GetFunctionConfiguration` answers them as Lambda does. moto names every function's VPC
  `vpc-123abc`; the harness answers the VPC of the function's subnets.
* `AWS::SQS::QueuePolicy` has no CloudFormation model in moto: its policy is set on each
  queue it names (`SetQueueAttributes` `Policy`), so `GetQueueAttributes` answers it. A queue
  encrypted with a KMS key reports `SqsManagedSseEnabled` false, as SQS does.
* `AWS::DynamoDB::Table`: moto reads the API's `SSESpecification.Enabled` where CloudFormation
  writes `SSEEnabled`, and ignores `PointInTimeRecoverySpecification`; both are applied, so
  `DescribeTable` answers `SSEDescription` and `DescribeContinuousBackups` the recovery.
* `AWS::S3::Bucket`: moto's model ignores `NotificationConfiguration`; it is applied
  (`PutBucketNotificationConfiguration`).

Where moto accepts what AWS refuses, the harness refuses as AWS does; each refusal cites the
API reference it follows.
"""

import json

from moto.awslambda.models import EventSourceMapping, LambdaFunction, lambda_backends
from moto.core.common_models import CloudFormationModel
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.table import Table
from moto.ec2.models import ec2_backends
from moto.s3.models import FakeBucket, s3_backends
from moto.sqs.models import Queue, sqs_backends

from hipaa_moto_frontdoor import Refused


def _props(cloudformation_json):
    return cloudformation_json.get("Properties", {}) or {}


def _queue_by_arn(account_id, region_name, arn):
    backend = sqs_backends[account_id][region_name]
    return next((q for q in backend.queues.values() if q.queue_arn == arn), None)


# ---------------------------------------------------------------------------------------
# Lambda functions.
# ---------------------------------------------------------------------------------------

_original_function_create = LambdaFunction.create_from_cloudformation_json.__func__


def function_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    """CreateFunction with what moto's model drops, and AWS's refusals:

    * the subnets and security groups of `VpcConfig` must exist, in one VPC (CreateFunction,
      `InvalidParameterValueException`: "Error occurred while DescribeSubnets. EC2 Error
      Code: InvalidSubnetID.NotFound"; Lambda Developer Guide, "Giving Lambda functions
      access to resources in an Amazon VPC": the subnets and security groups belong to one
      VPC);
    * `DeadLetterConfig.TargetArn` must name an existing queue or topic (CreateFunction,
      `DeadLetterConfig`; `InvalidParameterValueException`);
    * `KmsKeyArn` must name a key of KMS (CreateFunction, `KMSKeyArn`;
      `InvalidParameterValueException`).
    """
    props = _props(cloudformation_json)
    kind = "AWS::Lambda::Function"
    vpc = props.get("VpcConfig") or {}
    ec2 = ec2_backends[account_id][region_name]
    vpcs = set()
    for subnet_id in vpc.get("SubnetIds") or []:
        subnet = next((s for zone in ec2.subnets.values() for s in zone.values() if s.id == subnet_id), None)
        if subnet is None:
            raise Refused(resource_name, kind, "InvalidParameterValueException",
                          f"Error occurred while DescribeSubnets. EC2 Error Code: InvalidSubnetID.NotFound. EC2 Error Message: The subnet ID '{subnet_id}' does not exist")
        vpcs.add(subnet.vpc_id)
    for group_id in vpc.get("SecurityGroupIds") or []:
        group = ec2.get_security_group_from_id(group_id)
        if group is None:
            raise Refused(resource_name, kind, "InvalidParameterValueException",
                          f"Error occurred while DescribeSecurityGroups. EC2 Error Code: InvalidGroup.NotFound. EC2 Error Message: The security group '{group_id}' does not exist")
        vpcs.add(group.vpc_id)
    if len(vpcs) > 1:
        raise Refused(resource_name, kind, "InvalidParameterValueException",
                      "Security groups and subnets must belong to the same VPC")
    target = (props.get("DeadLetterConfig") or {}).get("TargetArn")
    if target and ":sqs:" in target and _queue_by_arn(account_id, region_name, target) is None:
        raise Refused(resource_name, kind, "InvalidParameterValueException",
                      f"The provided target arn {target} is invalid: the queue does not exist")
    key = props.get("KmsKeyArn")
    if key:
        from moto.kms.models import kms_backends
        key_id = key.split("/")[-1]
        if key_id not in kms_backends[account_id][region_name].keys:
            raise Refused(resource_name, kind, "InvalidParameterValueException",
                          f"Lambda was unable to configure access to your environment variables because the KMS key is invalid for CreateGrant: {key}")
    fn = _original_function_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
    fn.tracing_config = props.get("TracingConfig") or {"Mode": "PassThrough"}
    fn.kms_key_arn = key
    fn.architectures = props.get("Architectures") or ["x86_64"]
    fn.harness_dead_letter_config = props.get("DeadLetterConfig")
    fn.harness_logging_config = props.get("LoggingConfig")
    fn.harness_vpc_id = next(iter(vpcs), None)
    return fn


_original_get_configuration = LambdaFunction.get_configuration


def get_configuration(self, *args, **kwargs):
    config = _original_get_configuration(self, *args, **kwargs)
    dead_letters = getattr(self, "harness_dead_letter_config", None)
    if dead_letters:
        config["DeadLetterConfig"] = dead_letters
    logging = getattr(self, "harness_logging_config", None)
    if logging:
        config["LoggingConfig"] = logging
    vpc_id = getattr(self, "harness_vpc_id", None)
    if vpc_id and config.get("VpcConfig"):
        config["VpcConfig"] = dict(config["VpcConfig"], VpcId=vpc_id)
    return config


LambdaFunction.create_from_cloudformation_json = classmethod(function_create)
LambdaFunction.get_configuration = get_configuration


_original_mapping_create = EventSourceMapping.create_from_cloudformation_json.__func__


def mapping_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    """CreateEventSourceMapping with AWS's refusals for a queue:

    * the queue's visibility timeout must be at least the function's timeout (Lambda
      Developer Guide, "Using Lambda with Amazon SQS": "If your function's timeout exceeds the
      queue's visibility timeout, the event source mapping can't be created";
      `InvalidParameterValueException`);
    * a batch of more than 10 messages needs a batching window (CreateEventSourceMapping,
      `BatchSize`: "When you set BatchSize to a value greater than 10, you must set
      MaximumBatchingWindowInSeconds to at least 1").
    """
    props = _props(cloudformation_json)
    kind = "AWS::Lambda::EventSourceMapping"
    queue = _queue_by_arn(account_id, region_name, props.get("EventSourceArn", ""))
    if queue is not None:
        backend = lambda_backends[account_id][region_name]
        fn = backend.get_function(props.get("FunctionName", ""))
        visibility = int(queue.visibility_timeout)
        if fn is not None and visibility < int(fn.timeout):
            raise Refused(resource_name, kind, "InvalidParameterValueException",
                          f"Invalid request provided: Queue visibility timeout: {visibility} seconds is less than Function timeout: {fn.timeout} seconds")
        if int(props.get("BatchSize", 10)) > 10 and int(props.get("MaximumBatchingWindowInSeconds", 0)) < 1:
            raise Refused(resource_name, kind, "InvalidParameterValueException",
                          "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10")
    return _original_mapping_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)


EventSourceMapping.create_from_cloudformation_json = classmethod(mapping_create)


# ---------------------------------------------------------------------------------------
# Queues.
# ---------------------------------------------------------------------------------------

_original_queue_create = Queue.create_from_cloudformation_json.__func__


def queue_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    """CreateQueue: a `RedrivePolicy` must name an existing dead-letter queue (SQS API
    reference, SetQueueAttributes, `RedrivePolicy`: "deadLetterTargetArn – The Amazon
    Resource Name (ARN) of the dead-letter queue"; `InvalidParameterValue` "Dead letter target
    does not exist"). A queue encrypted with a KMS key is not encrypted with SQS-managed keys
    as well (`SqsManagedSseEnabled` false)."""
    props = _props(cloudformation_json)
    redrive = props.get("RedrivePolicy")
    if isinstance(redrive, str):
        redrive = json.loads(redrive)
    target = (redrive or {}).get("deadLetterTargetArn")
    if target and _queue_by_arn(account_id, region_name, target) is None:
        raise Refused(resource_name, "AWS::SQS::Queue", "InvalidParameterValue",
                      f"Value {json.dumps(redrive)} for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist.")
    queue = _original_queue_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
    if props.get("KmsMasterKeyId"):
        queue.sqs_managed_sse_enabled = "false"
    return queue


Queue.create_from_cloudformation_json = classmethod(queue_create)


class HarnessQueuePolicy(CloudFormationModel):
    """`AWS::SQS::QueuePolicy`: the policy of every queue it names (by URL, what `Ref` of a
    queue gives)."""

    # moto files a model under the service its module names.
    __module__ = "moto.sqs.hipaa_harness"

    def __init__(self, physical_id, queues):
        self.physical_id = physical_id
        self.queues = queues

    @staticmethod
    def cloudformation_name_type():
        return ""

    @staticmethod
    def cloudformation_type():
        return "AWS::SQS::QueuePolicy"

    @property
    def physical_resource_id(self):
        return self.physical_id

    @classmethod
    def _apply(cls, resource_name, props, account_id, region_name, document):
        backend = sqs_backends[account_id][region_name]
        names = []
        for url in props.get("Queues") or []:
            name = str(url).rstrip("/").split("/")[-1]
            if name not in backend.queues:
                raise Refused(resource_name, "AWS::SQS::QueuePolicy", "AWS.SimpleQueueService.NonExistentQueue",
                              f"The specified queue {url} does not exist")
            backend.set_queue_attributes(name, {"Policy": document})
            names.append(name)
        return names

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        props = _props(cloudformation_json)
        document = json.dumps(props.get("PolicyDocument") or {})
        names = cls._apply(resource_name, props, account_id, region_name, document)
        return cls(resource_name, names)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
        return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name):
        try:
            cls._apply(resource_name, _props(cloudformation_json), account_id, region_name, "")
        except Refused:  # the queue is gone already
            pass


# ---------------------------------------------------------------------------------------
# Tables.
# ---------------------------------------------------------------------------------------

_original_table_create = Table.create_from_cloudformation_json.__func__


def table_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    props = _props(cloudformation_json)
    sse = props.get("SSESpecification")
    if sse is not None:
        # CloudFormation's `SSEEnabled` is the API's `Enabled`.
        cloudformation_json = json.loads(json.dumps(cloudformation_json))
        api = {"Enabled": bool(sse.get("SSEEnabled")), "SSEType": sse.get("SSEType", "KMS")}
        if sse.get("KMSMasterKeyId"):
            api["KMSMasterKeyId"] = sse["KMSMasterKeyId"]
        cloudformation_json["Properties"]["SSESpecification"] = api
    table = _original_table_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
    pitr = props.get("PointInTimeRecoverySpecification") or {}
    if str(pitr.get("PointInTimeRecoveryEnabled")).lower() == "true":
        dynamodb_backends[account_id][region_name].update_continuous_backups(
            table.name, {"PointInTimeRecoveryEnabled": True})
    return table


Table.create_from_cloudformation_json = classmethod(table_create)


# ---------------------------------------------------------------------------------------
# Bucket notifications.
# ---------------------------------------------------------------------------------------

def _allows_s3(document, action):
    """Whether a resource policy lets the S3 service principal take `action`."""
    try:
        policy = json.loads(document) if isinstance(document, str) else document
    except ValueError:
        return False
    for statement in (policy or {}).get("Statement") or []:
        if statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal") or {}
        services = principal.get("Service") if isinstance(principal, dict) else None
        services = services if isinstance(services, list) else [services]
        actions = statement.get("Action")
        actions = actions if isinstance(actions, list) else [actions]
        if "s3.amazonaws.com" in services and any(a in (action, "*", action.split(":")[0] + ":*") for a in actions):
            return True
    return False


def _notifications(bucket, props, account_id, region_name):
    """PutBucketNotificationConfiguration: S3 refuses a destination it may not send to
    (Amazon S3 API reference, PutBucketNotificationConfiguration: "Amazon S3 ... verifies that
    the destination ... allows the S3 service principal the necessary permissions";
    `InvalidArgument` "Unable to validate the following destination configurations"): a
    queue whose policy does not let `s3.amazonaws.com` send, a function that S3 may not
    invoke."""
    config = props.get("NotificationConfiguration")
    if not config:
        return
    api = {}
    for entry in config.get("QueueConfigurations") or []:
        queue = _queue_by_arn(account_id, region_name, entry.get("Queue", ""))
        if queue is None or not _allows_s3(getattr(queue, "policy", None), "sqs:SendMessage"):
            raise Refused(bucket.name, "AWS::S3::Bucket", "InvalidArgument",
                          f"Unable to validate the following destination configurations: {entry.get('Queue')}")
        api.setdefault("QueueConfiguration", []).append({"Queue": entry["Queue"], "Event": [entry["Event"]]})
    for entry in config.get("LambdaConfigurations") or []:
        backend = lambda_backends[account_id][region_name]
        fn = backend.get_function(entry.get("Function", ""))
        if fn is None or not _allows_s3(fn.policy.wire_format() if fn.policy.statements else None, "lambda:InvokeFunction"):
            raise Refused(bucket.name, "AWS::S3::Bucket", "InvalidArgument",
                          f"Unable to validate the following destination configurations: {entry.get('Function')}")
        api.setdefault("CloudFunctionConfiguration", []).append({"CloudFunction": entry["Function"], "Event": [entry["Event"]]})
    s3_backends[account_id]["aws"].put_bucket_notification_configuration(bucket.name, api)


_original_bucket_create = FakeBucket.create_from_cloudformation_json.__func__


def bucket_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    bucket = _original_bucket_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
    _notifications(bucket, _props(cloudformation_json), account_id, region_name)
    return bucket


FakeBucket.create_from_cloudformation_json = classmethod(bucket_create)

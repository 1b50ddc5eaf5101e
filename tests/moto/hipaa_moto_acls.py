"""Network ACLs for the local endpoint: what moto lacks to deploy a `SecureVpc`'s network ACLs
and read them back through the EC2 API. Imported by `hipaa_moto.py`.

* `AWS::EC2::NetworkAcl`, `AWS::EC2::NetworkAclEntry` and `AWS::EC2::SubnetNetworkAclAssociation`
  have no CloudFormation model in moto (it skips them silently, and a `Ref` to one is null):
  they are created in moto's EC2 backend (`CreateNetworkAcl`, `CreateNetworkAclEntry`,
  `ReplaceNetworkAclAssociation`), so `DescribeNetworkAcls` shows the entries and which subnets
  each ACL holds, as on AWS.
* Deleting an association puts the subnet back on its VPC's default network ACL, as AWS does
  ("If you delete the association, the subnet is associated with the default network ACL":
  CloudFormation template reference, `AWS::EC2::SubnetNetworkAclAssociation`).
* A network ACL that a subnet still uses cannot be deleted (`DependencyViolation`, EC2 API
  reference, `DeleteNetworkAcl`: "You can't delete the ACL if it's associated with any
  subnets"); moto refuses that too. A VPC that still has a network ACL of its own cannot be
  deleted (`DeleteVpc`: "You must detach or delete all gateways and resources that are
  associated with the VPC before you can delete it"); moto deletes it, so the harness refuses
  it as AWS does, and CloudFormation (moto's deletion, which retries what a dependency held)
  deletes the ACL first.
* An entry's rule number must be 1 to 32766 (`CreateNetworkAclEntry`: "Constraints: Positive
  integer from 1 to 32766"), its protocol a number or -1, its action `allow` or `deny`, and a
  TCP or UDP entry needs its port range; moto takes anything.
"""

from moto.core.common_models import CloudFormationModel
from moto.ec2.exceptions import DependencyViolationError
from moto.ec2.models import ec2_backends
from moto.ec2.models.vpcs import VPCBackend

from hipaa_moto_frontdoor import Refused


def _props(cloudformation_json):
    return cloudformation_json.get("Properties", {}) or {}


def _ec2(account_id, region_name):
    return ec2_backends[account_id][region_name]


class HarnessNetworkAcl(CloudFormationModel):
    """`AWS::EC2::NetworkAcl`: a network ACL of its VPC, created with no entries (AWS gives a
    new ACL only its `*` rules, which deny everything)."""

    # moto files a model under the service its module names.
    __module__ = "moto.ec2.hipaa_harness"

    def __init__(self, acl_id):
        self.acl_id = acl_id

    @staticmethod
    def cloudformation_name_type():
        return ""

    @staticmethod
    def cloudformation_type():
        return "AWS::EC2::NetworkAcl"

    @property
    def physical_resource_id(self):
        return self.acl_id

    @classmethod
    def has_cfn_attr(cls, attr):
        return attr == "Id"

    def get_cfn_attribute(self, attribute_name):
        return self.acl_id

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        props = _props(cloudformation_json)
        backend = _ec2(account_id, region_name)
        tags = [{"Key": t["Key"], "Value": t["Value"]} for t in props.get("Tags") or []]
        try:
            acl = backend.create_network_acl(str(props.get("VpcId")), tags=tags)
        except Exception as e:  # an unknown VPC
            raise Refused(resource_name, "AWS::EC2::NetworkAcl", "InvalidVpcID.NotFound", str(e))
        return cls(acl.id)

    def delete(self, account_id, region_name):
        backend = _ec2(account_id, region_name)
        if self.acl_id in backend.network_acls:
            # Refuses while a subnet uses it (DependencyViolation); moto's deletion retries.
            backend.delete_network_acl(self.acl_id)


class HarnessNetworkAclEntry(CloudFormationModel):
    """`AWS::EC2::NetworkAclEntry`: one rule of a network ACL."""

    __module__ = "moto.ec2.hipaa_harness"

    def __init__(self, physical_id, acl_id, rule_number, egress):
        self.physical_id = physical_id
        self.acl_id = acl_id
        self.rule_number = rule_number
        self.egress = egress

    @staticmethod
    def cloudformation_name_type():
        return ""

    @staticmethod
    def cloudformation_type():
        return "AWS::EC2::NetworkAclEntry"

    @property
    def physical_resource_id(self):
        return self.physical_id

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        props = _props(cloudformation_json)
        backend = _ec2(account_id, region_name)
        kind = "AWS::EC2::NetworkAclEntry"

        def refuse(message):
            raise Refused(resource_name, kind, "InvalidParameterValue", message)

        try:
            number = int(props.get("RuleNumber"))
            protocol = int(props.get("Protocol"))
        except (TypeError, ValueError):
            refuse("RuleNumber and Protocol must be integers")
        if not 1 <= number <= 32766:
            refuse(f"Invalid rule number {number}: it must be from 1 to 32766")
        action = str(props.get("RuleAction", "")).lower()
        if action not in ("allow", "deny"):
            refuse(f"Invalid RuleAction {props.get('RuleAction')!r}: allow or deny")
        ports = props.get("PortRange") or {}
        if protocol in (6, 17) and ("From" not in ports or "To" not in ports):
            raise Refused(resource_name, kind, "MissingParameter",
                          "The request must contain the parameter portRange or portRange.from/to (TCP and UDP entries)")
        egress = str(props.get("Egress", False)).lower() == "true"
        acl_id = str(props.get("NetworkAclId"))
        try:
            backend.create_network_acl_entry(
                network_acl_id=acl_id,
                rule_number=number,
                protocol=str(protocol),
                rule_action=action,
                egress=egress,
                cidr_block=props.get("CidrBlock"),
                icmp_code=None,
                icmp_type=None,
                port_range_from=ports.get("From"),
                port_range_to=ports.get("To"),
                ipv6_cidr_block=props.get("Ipv6CidrBlock"),
            )
        except Exception as e:  # an unknown ACL, or the number taken in that direction
            raise Refused(resource_name, kind, "InvalidParameterValue", str(e))
        return cls(f"{acl_id}|{number}|{'egress' if egress else 'ingress'}", acl_id, number, egress)

    def delete(self, account_id, region_name):
        backend = _ec2(account_id, region_name)
        acl = backend.network_acls.get(self.acl_id)
        if acl is None:  # the ACL went first, with its entries
            return
        acl.network_acl_entries[:] = [
            e for e in acl.network_acl_entries
            if not (e.rule_number == self.rule_number and e.egress == self.egress)
        ]


class HarnessSubnetNetworkAclAssociation(CloudFormationModel):
    """`AWS::EC2::SubnetNetworkAclAssociation`: moves a subnet from the ACL it uses (its VPC's
    default one when it was created) to the ACL named; deleted, the subnet goes back to the
    default ACL."""

    __module__ = "moto.ec2.hipaa_harness"

    def __init__(self, association_id, subnet_id, acl_id):
        self.association_id = association_id
        self.subnet_id = subnet_id
        self.acl_id = acl_id

    @staticmethod
    def cloudformation_name_type():
        return ""

    @staticmethod
    def cloudformation_type():
        return "AWS::EC2::SubnetNetworkAclAssociation"

    @property
    def physical_resource_id(self):
        return self.association_id

    @classmethod
    def has_cfn_attr(cls, attr):
        return attr == "AssociationId"

    def get_cfn_attribute(self, attribute_name):
        return self.association_id

    @staticmethod
    def _current(backend, subnet_id):
        """The ACL and association id that `subnet_id` uses now, if any."""
        for acl in backend.network_acls.values():
            for association_id, association in acl._associations.items():
                if association.subnet_id == subnet_id:
                    return acl, association_id
        return None, None

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        props = _props(cloudformation_json)
        backend = _ec2(account_id, region_name)
        kind = "AWS::EC2::SubnetNetworkAclAssociation"
        subnet_id = str(props.get("SubnetId"))
        acl_id = str(props.get("NetworkAclId"))
        acl = backend.network_acls.get(acl_id)
        if acl is None:
            raise Refused(resource_name, kind, "InvalidNetworkAclID.NotFound",
                          f"The networkAcl ID '{acl_id}' does not exist")
        try:
            subnet = backend.get_subnet(subnet_id)
        except Exception:
            raise Refused(resource_name, kind, "InvalidSubnetID.NotFound",
                          f"The subnet ID '{subnet_id}' does not exist")
        if subnet.vpc_id != acl.vpc_id:
            # ReplaceNetworkAclAssociation: the subnet and the ACL must be in the same VPC.
            raise Refused(resource_name, kind, "InvalidParameterValue",
                          f"Network ACL {acl_id} and subnet {subnet_id} belong to different VPCs")
        _, current = cls._current(backend, subnet_id)
        if current is None:
            backend.associate_default_network_acl_with_subnet(subnet_id, subnet.vpc_id)
            _, current = cls._current(backend, subnet_id)
        association = backend.replace_network_acl_association(current, acl_id)
        return cls(association.id, subnet_id, acl_id)

    def delete(self, account_id, region_name):
        backend = _ec2(account_id, region_name)
        acl, current = self._current(backend, self.subnet_id)
        if acl is None or current != self.association_id:
            return
        del acl._associations[current]
        try:
            subnet = backend.get_subnet(self.subnet_id)
        except Exception:  # the subnet went first: nothing to move back
            return
        backend.associate_default_network_acl_with_subnet(self.subnet_id, subnet.vpc_id)


_original_delete_vpc = VPCBackend.delete_vpc


def delete_vpc(self, vpc_id):
    """Refuses, as AWS does, while the VPC has a network ACL of its own (`DeleteVpc`)."""
    if any(acl.vpc_id == vpc_id and not acl.default for acl in self.network_acls.values()):
        raise DependencyViolationError(f"The vpc '{vpc_id}' has dependencies and cannot be deleted.")
    return _original_delete_vpc(self, vpc_id)


VPCBackend.delete_vpc = delete_vpc


"""Machine images for the local endpoint: what moto lacks for the engine to read an image's root
device and volumes before it deploys instances of it (rule E1). Imported by `hipaa_moto.py`.

* `DescribeImages` gives each EBS mapping's `Encrypted`, the encryption of its snapshot
  (EC2 API Reference, `EbsBlockDevice`: "Encrypted: Indicates whether the encryption state of
  an EBS volume is changed while being restored from a backing snapshot"; for an AMI's
  mapping, DescribeImages answers the snapshot's state). moto leaves it out.
* An image's `RootDeviceType` is `ebs` or `instance-store` (EC2 API Reference, `Image`:
  "RootDeviceType: The type of root device used by the AMI. The AMI can use an Amazon EBS
  volume or an instance store volume. Valid Values: ebs | instance-store"); moto answers
  `standard` for the images that `RegisterImage`, `CreateImage` and `CopyImage` make, which
  are EBS-backed.
* `RegisterImage` takes the image's `RootDeviceName` and `BlockDeviceMappings` (EC2 API
  Reference, `RegisterImage`: "BlockDeviceMapping: The block device mapping entries ... If you
  specify an Amazon EBS volume using the ID of an Amazon EBS snapshot, you can't specify the
  encryption state of the volume"; "RootDeviceName: The device name of the root device
  volume"). moto ignores both, so every registered image had `/dev/sda1` and one volume. A
  mapping's `Ebs` volume comes from its snapshot, with the snapshot's encryption, or is
  empty and unencrypted unless it says `Encrypted`; `NoDevice` and `VirtualName` entries are
  kept as given.
"""

from moto.ec2.exceptions import EC2ClientError
from moto.ec2.models.amis import Ami
from moto.ec2.responses.amis import AmisResponse
from moto.core.responses import ActionResult

_original_init = Ami.__init__


def _ami_init(self, *args, **kwargs):
    _original_init(self, *args, **kwargs)
    if self.root_device_type == "standard":
        self.root_device_type = "ebs"
    # The mappings given to RegisterImage, as DescribeImages gives them; None: moto's one
    # root volume from its auto-created snapshot.
    self.hipaa_mappings = None


Ami.__init__ = _ami_init


def _truthy(value):
    return value is True or str(value).lower() == "true"


def _block_device_mappings(self):
    if self.hipaa_mappings is not None:
        return self.hipaa_mappings
    return [
        {
            "DeviceName": self.root_device_name,
            "Ebs": {
                "SnapshotId": self.ebs_snapshot.id,
                "VolumeSize": 15,
                "DeleteOnTermination": False,
                "VolumeType": "standard",
                "Encrypted": bool(self.ebs_snapshot.encrypted),
            },
        }
    ]


Ami.block_device_mappings = property(_block_device_mappings)


def _mapping(backend, given):
    out = {"DeviceName": given.get("DeviceName")}
    if given.get("NoDevice") is not None:
        out["NoDevice"] = ""
        return out
    if given.get("VirtualName"):
        out["VirtualName"] = given["VirtualName"]
        return out
    ebs = given.get("Ebs") or {}
    snapshot_id = ebs.get("SnapshotId")
    if snapshot_id:
        snapshot = backend.get_snapshot(snapshot_id)
        encrypted = bool(snapshot.encrypted)
        size = ebs.get("VolumeSize") or snapshot.volume.size
    else:
        encrypted = _truthy(ebs.get("Encrypted"))
        size = ebs.get("VolumeSize")
    out["Ebs"] = {
        "DeleteOnTermination": _truthy(ebs.get("DeleteOnTermination", True)),
        "VolumeSize": int(size) if size is not None else 8,
        "VolumeType": ebs.get("VolumeType") or "gp2",
        "Encrypted": encrypted,
    }
    if snapshot_id:
        out["Ebs"]["SnapshotId"] = snapshot_id
    return out


def register_image(self):
    name = self._get_param("Name")
    description = self._get_param("Description", "")
    root = self._get_param("RootDeviceName")
    given = self._get_param("BlockDeviceMappings", []) or []
    self.error_on_dryrun()
    mappings = [_mapping(self.ec2_backend, m) for m in given]
    if root and not any(m["DeviceName"] == root for m in mappings):
        # An EBS-backed image needs a mapping of its root device (EC2 API Reference, "Error
        # codes": "InvalidBlockDeviceMapping").
        raise EC2ClientError(
            "InvalidBlockDeviceMapping",
            f"The root device name {root} has no block device mapping",
        )
    image = self.ec2_backend.register_image(name, description)
    if root:
        image.root_device_name = root
        root_mapping = next(m for m in mappings if m["DeviceName"] == root)
        image.root_device_type = "ebs" if "Ebs" in root_mapping else "instance-store"
        image.hipaa_mappings = mappings
    return ActionResult({"ImageId": image.id})


AmisResponse.register_image = register_image

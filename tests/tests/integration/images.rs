//! Rule E1 at deploy: `preview` and `up` read the image a `SecureInstance` or a
//! `SecureInstanceGroup` launches (`ec2:DescribeImages`) before making a change set, and refuse
//! one whose root device is not the one the construct encrypts, whose root is instance store,
//! or that maps another volume from an unencrypted snapshot while the account's EBS encryption
//! by default (`ec2:GetEbsEncryptionByDefault`) is off. hostile review 19: the root device of an
//! image given by id was a guess the construct vouched for.
//!
//! moto registers images with their root device and mappings and describes their snapshots'
//! encryption through the harness (`tests/moto/hipaa_moto_images.py`), so this runs against
//! the local endpoint.

use aws_sdk_ec2::types::{BlockDeviceMapping, EbsBlockDevice};
use hipaa_stack::deploy::{DeployError, Deployer, PlanState};
use hipaa_stack::prelude::*;
use hipaa_stack::{Assembly, SecureInstanceGroup};

use crate::deploy::{connection, options};
use crate::fake::{Fake, ec2_error};
use crate::moto::Moto;

const AL2023: &str = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";

/// How the app's machine is launched.
enum Machine {
    Instance(Ami, Option<&'static str>),
    Group(Ami),
}

/// One stack `servers` with a machine of `image`.
fn app(machine: Machine) -> Assembly {
    let app = App::new("images");
    let s = app.stack("servers").unwrap();
    let key = s.add(KmsKey::new("PhiKey")).unwrap();
    let net = s
        .add(SecureVpc::new("Net", cidr!("10.42.0.0/16")).encryption(&key))
        .unwrap();
    let sg = s.add(SecurityGroup::new("Servers", &net)).unwrap();
    let role = s.add(Role::new("App", ServicePrincipal::Ec2)).unwrap();
    match machine {
        Machine::Instance(ami, root) => {
            let mut i = SecureInstance::new("Server", ami)
                .encryption(&key)
                .network(&net)
                .role(&role)
                .security_group(&sg);
            if let Some(root) = root {
                i = i.root_device_name(root);
            }
            s.add(i).unwrap();
        }
        Machine::Group(ami) => {
            s.add(
                SecureInstanceGroup::new("Web", ami)
                    .encryption(&key)
                    .network(&net)
                    .role(&role)
                    .security_group(&sg),
            )
            .unwrap();
        }
    }
    app.synth().unwrap()
}

async fn ec2(moto: &Moto) -> aws_sdk_ec2::Client {
    aws_sdk_ec2::Client::new(&moto.config().await)
}

/// A snapshot of an 8 GiB volume made unencrypted.
async fn plain_snapshot(ec2: &aws_sdk_ec2::Client) -> String {
    let volume = ec2
        .create_volume()
        .size(8)
        .availability_zone("us-east-1a")
        .send()
        .await
        .unwrap();
    ec2.create_snapshot()
        .volume_id(volume.volume_id().unwrap())
        .send()
        .await
        .unwrap()
        .snapshot_id()
        .unwrap()
        .to_owned()
}

/// Registers an image with the root device `root` and a volume of `snapshot` at each of
/// `devices` (the root among them).
async fn register(
    ec2: &aws_sdk_ec2::Client,
    name: &str,
    root: &str,
    devices: &[&str],
    snapshot: &str,
) -> String {
    let mut call = ec2.register_image().name(name).root_device_name(root);
    for device in devices {
        call = call.block_device_mappings(
            BlockDeviceMapping::builder()
                .device_name(*device)
                .ebs(EbsBlockDevice::builder().snapshot_id(snapshot).build())
                .build(),
        );
    }
    call.send().await.unwrap().image_id().unwrap().to_owned()
}

async fn preview(moto: &Moto, assembly: &Assembly) -> Result<Vec<PlanState>, DeployError> {
    let d = Deployer::with_regions(
        vec![connection(&moto.endpoint).await.into_regional()],
        assembly,
        options(),
    );
    let plans = d.preview().await?;
    Ok(plans.into_iter().map(|p| p.state).collect())
}

async fn stack_exists(moto: &Moto) -> bool {
    let cfn = aws_sdk_cloudformation::Client::new(&moto.config().await);
    cfn.describe_stacks()
        .stack_name("servers")
        .send()
        .await
        .is_ok_and(|out| {
            out.stacks().iter().any(|s| {
                s.stack_status()
                    .is_some_and(|st| st.as_str() != "DELETE_COMPLETE")
            })
        })
}

fn assert_refused(err: &DeployError, needles: &[&str]) {
    assert!(matches!(err, DeployError::ImageRefused { .. }), "{err}");
    let text = err.to_string();
    for needle in ["stack `servers`", "nothing was changed"]
        .iter()
        .chain(needles)
    {
        assert!(text.contains(needle), "{needle}: {text}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_image_whose_root_device_is_not_the_one_encrypted_is_refused_before_any_change() {
    let moto = Moto::start();
    let ec2 = ec2(&moto).await;
    let snapshot = plain_snapshot(&ec2).await;
    let ubuntu_like = register(&ec2, "sda1-root", "/dev/sda1", &["/dev/sda1"], &snapshot).await;

    // The default root device (`/dev/xvda`) is not this image's: refused by preview and by
    // up, for an instance and for a group, and nothing is made.
    let instance = app(Machine::Instance(Ami::id(ubuntu_like.as_str()), None));
    let err = preview(&moto, &instance).await.unwrap_err();
    assert_refused(
        &err,
        &[
            "`servers/Server`",
            &ubuntu_like,
            "(`RootDeviceName`) is `/dev/sda1`",
            "at `/dev/xvda`",
            ".root_device_name(",
        ],
    );
    let d = Deployer::with_regions(
        vec![connection(&moto.endpoint).await.into_regional()],
        &instance,
        options(),
    );
    assert_refused(&d.up().await.unwrap_err(), &["`servers/Server`"]);
    assert!(!d.calls().by_operation().contains_key("CreateChangeSet"));
    assert!(!stack_exists(&moto).await, "nothing was created");
    let group = app(Machine::Group(Ami::id(ubuntu_like.as_str())));
    assert_refused(
        &preview(&moto, &group).await.unwrap_err(),
        &["`servers/Web`", "is `/dev/sda1`"],
    );

    // Told the image's root device, the instance is planned.
    let told = app(Machine::Instance(
        Ami::id(ubuntu_like.as_str()),
        Some("/dev/sda1"),
    ));
    assert_eq!(preview(&moto, &told).await.unwrap(), [PlanState::Create]);

    // An image id EC2 does not know is refused, naming it.
    let unknown = app(Machine::Instance(Ami::id("ami-0123456789abcdef0"), None));
    assert_refused(
        &preview(&moto, &unknown).await.unwrap_err(),
        &["ami-0123456789abcdef0", "does not know it"],
    );

    // An instance-store image (one of moto's public images) has a root no key encrypts.
    let store = ec2
        .describe_images()
        .send()
        .await
        .unwrap()
        .images()
        .iter()
        .find(|i| i.root_device_type().map(|t| t.as_str()) == Some("instance-store"))
        .map(|i| {
            (
                i.image_id().unwrap().to_owned(),
                i.root_device_name().unwrap().to_owned(),
            )
        });
    let (store, root) = store.expect("moto has an instance-store image");
    let instance = app(Machine::Instance(
        Ami::id(store.as_str()),
        Some(if root == "/dev/sda" {
            "/dev/sda"
        } else {
            "/dev/sda1"
        }),
    ));
    assert_refused(
        &preview(&moto, &instance).await.unwrap_err(),
        &["`instance-store`", "instance store"],
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_image_with_another_unencrypted_volume_is_refused_unless_ebs_encrypts_by_default() {
    let moto = Moto::start();
    let ec2 = ec2(&moto).await;
    let snapshot = plain_snapshot(&ec2).await;
    let image = register(
        &ec2,
        "data-volume",
        "/dev/xvda",
        &["/dev/xvda", "/dev/sdf"],
        &snapshot,
    )
    .await;
    let instance = app(Machine::Instance(Ami::id(image.as_str()), None));
    let err = preview(&moto, &instance).await.unwrap_err();
    assert_refused(
        &err,
        &[
            "`servers/Server`",
            "`/dev/sdf`",
            "encryption by default is off",
        ],
    );
    assert!(!err.to_string().contains("`/dev/xvda` from"), "{err}");

    // With the account's EBS encryption by default on, the volume is encrypted at launch.
    ec2.enable_ebs_encryption_by_default().send().await.unwrap();
    assert_eq!(
        preview(&moto, &instance).await.unwrap(),
        [PlanState::Create]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_image_the_engine_cannot_read_is_refused_and_a_known_family_is_not_read() {
    let moto = Moto::start();
    // A parameter of no known family: no Systems Manager client reads it.
    let custom = app(Machine::Instance(
        Ami::ssm_parameter("/golden/images/latest"),
        None,
    ));
    assert_refused(
        &preview(&moto, &custom).await.unwrap_err(),
        &["`/golden/images/latest`", "Ami::id"],
    );
    // A run without EC2 cannot read an image id, and says so rather than deploy it.
    let pinned = app(Machine::Instance(Ami::id("ami-0123456789abcdef0"), None));
    let c = connection(&moto.endpoint).await;
    let d = Deployer::new(c.cloudformation, &pinned, options(), Some(c.staging));
    let err = d.preview().await.unwrap_err();
    assert!(
        err.to_string().contains("cannot read") && err.to_string().contains("`servers/Server`"),
        "{err}"
    );
    // AWS's public Amazon Linux parameter: the family's root device, nothing read.
    let amazon = app(Machine::Instance(Ami::ssm_parameter(AL2023), None));
    let d = Deployer::with_regions(
        vec![connection(&moto.endpoint).await.into_regional()],
        &amazon,
        options(),
    );
    let plans = d.preview().await.unwrap();
    assert_eq!(plans[0].state, PlanState::Create);
    assert!(!d.calls().by_operation().contains_key("DescribeImages"));
}

/// EC2 throttles `DescribeImages` once (retried, then planned), and refuses it to credentials
/// without the permission: `preview` names the stack and the IAM action to grant, and no
/// change set is made.
#[tokio::test(flavor = "multi_thread")]
async fn reading_an_image_is_retried_when_throttled_and_a_denied_read_names_the_permission() {
    let moto = Moto::start();
    let ec2 = ec2(&moto).await;
    let snapshot = plain_snapshot(&ec2).await;
    let image = register(&ec2, "plain-root", "/dev/xvda", &["/dev/xvda"], &snapshot).await;
    let instance = app(Machine::Instance(Ami::id(image.as_str()), None));

    let throttling = Fake::failing_proxy(
        &moto.endpoint,
        "Action=DescribeImages",
        1,
        (
            503,
            "text/xml",
            ec2_error("RequestLimitExceeded", "Request limit exceeded. (injected)"),
        ),
    );
    let d = Deployer::with_regions(
        vec![connection(&throttling.endpoint).await.into_regional()],
        &instance,
        options(),
    );
    let plans = d.preview().await.unwrap();
    assert_eq!(plans[0].state, PlanState::Create);
    assert_eq!(d.calls().by_operation().get("DescribeImages"), Some(&2));
    drop(throttling);

    let denied = Fake::failing_proxy(
        &moto.endpoint,
        "Action=DescribeImages",
        usize::MAX,
        (
            403,
            "text/xml",
            ec2_error(
                "UnauthorizedOperation",
                "You are not authorized to perform this operation. (injected)",
            ),
        ),
    );
    let d = Deployer::with_regions(
        vec![connection(&denied.endpoint).await.into_regional()],
        &instance,
        options(),
    );
    let err = d.preview().await.unwrap_err();
    assert!(matches!(err, DeployError::AccessDenied { .. }), "{err}");
    let text = err.to_string();
    assert!(
        text.contains("stack `servers`") && text.contains("grant `ec2:DescribeImages`"),
        "{text}"
    );
    assert!(!d.calls().by_operation().contains_key("CreateChangeSet"));
}

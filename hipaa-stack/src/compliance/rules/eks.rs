//! Amazon EKS clusters (`AWS::EKS::Cluster`): the Kubernetes control plane that a raw
//! resource declares, which stores the cluster's secrets, serves the Kubernetes API and
//! records who called it. Their node groups are read by `E4` and `E5` (`compute.rs`), and
//! the log group their control-plane logs go to by `L4` (`storage.rs`). Who may use a
//! cluster, and which roles it and its pods act with, is read by `EKS3` on the cluster and
//! on the resources that grant access to it: access entries, pod identity associations,
//! add-ons, Fargate profiles and OpenID Connect identity providers.
//!
//! The settings are those of checkov's `CKV_AWS_58` (secrets encryption) and, since
//! checkov reads neither in CloudFormation, of its Terraform checks of a private endpoint
//! and of control-plane logging, and of AWS Config's `eks-secrets-encrypted`,
//! `eks-endpoint-no-public-access` and `eks-cluster-logging-enabled`.

use serde_json::Value;

use super::meaning::{if_branches, no_value, sent_or_json, text, text_or_json};
use super::resilience::customer_key;
use super::{Cx, OkOrDefault, Outcome, Packs, Proof, RuleSpec, all, is_false, is_true};

/// An EKS cluster's control plane.
pub(super) const EKS_CLUSTER: &str = "AWS::EKS::Cluster";

/// An IAM principal's access to a cluster's Kubernetes API ("Creates an access entry. An
/// access entry allows an IAM principal to access your cluster": CloudFormation reference,
/// `AWS::EKS::AccessEntry`).
const ACCESS_ENTRY: &str = "AWS::EKS::AccessEntry";

/// The IAM role a Kubernetes service account's pods get credentials of ("Amazon EKS Pod
/// Identity associations provide the ability to manage credentials for your applications":
/// `AWS::EKS::PodIdentityAssociation`).
const POD_IDENTITY: &str = "AWS::EKS::PodIdentityAssociation";

/// Software EKS installs on a cluster (`AWS::EKS::Addon`), which may act with an IAM role
/// of its own (`ServiceAccountRoleArn`, `PodIdentityAssociations`).
const ADDON: &str = "AWS::EKS::Addon";

/// Which pods run on Fargate, and the role Fargate acts with for them
/// (`AWS::EKS::FargateProfile`, `PodExecutionRoleArn`).
const FARGATE_PROFILE: &str = "AWS::EKS::FargateProfile";

/// An OpenID Connect identity provider whose users authenticate to a cluster's Kubernetes
/// API beside the IAM principals of its access entries ("If you want to authenticate
/// identities using an identity provider, you can create an identity provider configuration
/// and associate it to your cluster. After configuring authentication to your cluster you
/// can create Kubernetes `Role` and `ClusterRole` objects, assign permissions to them, and
/// then bind them to the identities": CloudFormation reference,
/// `AWS::EKS::IdentityProviderConfig`).
const IDENTITY_PROVIDER: &str = "AWS::EKS::IdentityProviderConfig";

/// A managed node group: EC2 instances that act with its `NodeRole` ("The Amazon Resource
/// Name (ARN) of the IAM role to associate with your node group. The Amazon EKS worker node
/// `kubelet` daemon makes calls to AWS APIs on your behalf. Nodes receive permissions for
/// these API calls through an IAM instance profile and associated policies":
/// CloudFormation reference, `AWS::EKS::Nodegroup`). Its cluster, subnets and launch
/// template are read by `E1`, `E5` and `E8` (`compute.rs`).
const NODEGROUP: &str = "AWS::EKS::Nodegroup";

/// The IAM role of the app that a role ARN may name.
const ROLE: &str = "AWS::IAM::Role";

/// The control-plane logs that EKS can send to CloudWatch Logs, as the `Type` of an entry
/// of `Logging.ClusterLogging.EnabledTypes` spells them (CloudFormation reference,
/// `AWS::EKS::Cluster LoggingTypeConfig`: "Allowed values: api | audit | authenticator |
/// controllerManager | scheduler").
const LOG_TYPES: [&str; 5] = [
    "api",
    "audit",
    "authenticator",
    "controllerManager",
    "scheduler",
];

pub(crate) static RULES: &[RuleSpec] = &[
    RuleSpec {
        id: "EKS1",
        title: "EKS clusters encrypt Kubernetes secrets with a customer-managed key of the app and serve the Kubernetes API on a private endpoint only",
        types: &[EKS_CLUSTER],
        controls: &["164.312(a)(1)", "164.312(a)(2)(iv)", "164.312(e)(1)"],
        fix: "set `EncryptionConfig` to one entry whose `Resources` is [\"secrets\"] and whose `Provider.KeyArn` is a customer-managed key of the app (its `Fn::GetAtt` `Arn`), and in `ResourcesVpcConfig` set `EndpointPublicAccess` false (EKS serves the API on the internet when it is not set) and `EndpointPrivateAccess` true; reach the API from inside the network (a bastion through Session Manager, a VPN, or a pipeline that runs in the VPC)",
        packs: Packs {
            cdk_nag: None,
            checkov: Some("CKV_AWS_58"),
            guard: None,
        },
        check: eks1,
    },
    RuleSpec {
        id: "EKS2",
        title: "EKS clusters send every control-plane log (API server, audit, authenticator, controller manager, scheduler) to CloudWatch Logs",
        types: &[EKS_CLUSTER],
        controls: &["164.308(a)(1)(ii)(D)", "164.312(b)"],
        fix: "set `Logging.ClusterLogging.EnabledTypes` to the five entries `{\"Type\": \"api\"}`, `audit`, `authenticator`, `controllerManager` and `scheduler` (EKS sends none when it is not set), and declare their log group as `L4` asks",
        packs: Packs {
            cdk_nag: None,
            checkov: None,
            guard: None,
        },
        check: eks2,
    },
    RuleSpec {
        id: "EKS3",
        title: "Who may use an EKS cluster is declared in the app: the cluster authenticates by access entries only, with no standing administrator for the principal that created it, and acts with a role of the app; its access entries, pod identity associations, add-ons and Fargate profiles join a cluster of the app and grant roles of the app, as its managed node groups do, and an OpenID Connect identity provider joined to it is a user pool of the app that admits no one by sign-up",
        types: &[
            EKS_CLUSTER,
            ACCESS_ENTRY,
            POD_IDENTITY,
            ADDON,
            FARGATE_PROFILE,
            NODEGROUP,
            IDENTITY_PROVIDER,
        ],
        controls: &["164.308(a)(3)(i)", "164.308(a)(4)(i)", "164.312(a)(1)"],
        fix: "on the cluster set `AccessConfig.AuthenticationMode` to `API` (not `CONFIG_MAP`, CloudFormation's default, nor `API_AND_CONFIG_MAP`: the `aws-auth` ConfigMap is Kubernetes data no template holds) and `AccessConfig.BootstrapClusterCreatorAdminPermissions` to false, and grant access with `AWS::EKS::AccessEntry` resources; give the cluster's `RoleArn` (the role the control plane acts with), access entries, pod identity associations (`RoleArn`, `TargetRoleArn`), add-ons (`ServiceAccountRoleArn`, `PodIdentityAssociations`) and Fargate profiles (`PodExecutionRoleArn`) and managed node groups (`NodeRole`) the `Fn::GetAtt` `Arn` of an `AWS::IAM::Role` of the app (an access entry may name an `AWS::IAM::User` of the app), and a `ClusterName` of an `AWS::EKS::Cluster` of the app (its `Ref`, the `Name` it writes, or an import of its export); give an `AWS::EKS::IdentityProviderConfig` (whose users no access entry declares) an `Oidc.IssuerUrl` of a user pool of the app (`https://cognito-idp.${AWS::Region}.amazonaws.com/${Pool}`, or its `ProviderURL` after `https://`) whose `AdminCreateUserConfig.AllowAdminCreateUserOnly` is true, and an `Oidc.ClientId` of an `AWS::Cognito::UserPoolClient` of the app (its `Ref`), with an `Oidc.GroupsClaim` and `Oidc.UsernameClaim` that name no attribute that client lets users write (`cognito:groups`, `sub`, `email` as the username, or an attribute left out of the client's `WriteAttributes` or declared `DeveloperOnlyAttribute` in the pool's `Schema`), and a `ClusterName` of a cluster of the app, or declare none; a role that the app does not declare (an IAM Identity Center permission set's) is waived on the resource with the reason its policies are governed elsewhere",
        packs: Packs {
            cdk_nag: None,
            checkov: None,
            guard: None,
        },
        check: eks3,
    },
    RuleSpec {
        id: "EKS4",
        title: "Storage that EKS makes for pods from Kubernetes objects (the EBS, EFS, FSx and S3 CSI drivers' add-ons, EKS Auto Mode's block storage) is shown as a gap: its encryption is set where no template reaches",
        types: &[EKS_CLUSTER, ADDON],
        controls: &["164.312(a)(2)(iv)", "164.312(e)(2)(ii)"],
        fix: "give every StorageClass and PersistentVolume of the cluster the encryption its driver takes (EBS: `encrypted: \"true\"` with `kmsKeyId` a customer-managed key of the app; EFS: leave `encryptInTransit` on and mount file systems the app declares; FSx for Lustre: `kmsKeyId`; Mountpoint for S3: buckets the app declares), keep the manifests under review beside the app, and turn on EBS encryption by default in every Region of the account; the gap stays in the report as the customer's part",
        packs: Packs {
            cdk_nag: None,
            checkov: None,
            guard: None,
        },
        check: eks4,
    },
];

/// EKS1: the cluster's secrets are under a key of the app and its API endpoint is private.
///
/// - "Envelope encryption ... with a KMS key that you create" of the Kubernetes secrets is
///   what `EncryptionConfig` turns on (`Resources`: "Specifies the resources to be
///   encrypted. The only supported value is `secrets`"; `Provider.KeyArn`: "Amazon Resource
///   Name (ARN) or alias of the KMS key. The KMS key must be symmetric and created in the
///   same AWS Region as the cluster", CloudFormation reference, `AWS::EKS::Cluster
///   EncryptionConfig` and `Provider`). Without it, the API data is encrypted only by a key
///   of AWS's own, which no key policy of the app governs and no CloudTrail event of the
///   account records the use of.
/// - "`EndpointPublicAccess`: Set this value to false to disable public access to your
///   cluster's Kubernetes API server endpoint ... The default value for this parameter is
///   true"; "`EndpointPrivateAccess` ... The default value for this parameter is false"
///   (`AWS::EKS::Cluster ResourcesVpcConfig`): an endpoint the internet reaches lets anyone
///   with a stolen credential, from anywhere, read the pods and secrets that hold PHI.
fn eks1(cx: &Cx<'_>) -> Outcome {
    all([
        secrets_under_a_key(cx),
        flag(
            cx,
            "/ResourcesVpcConfig/EndpointPublicAccess",
            false,
            "EKS serves the Kubernetes API on the internet",
        ),
        flag(
            cx,
            "/ResourcesVpcConfig/EndpointPrivateAccess",
            true,
            "the Kubernetes API is not reachable from inside the network, so it must be public",
        ),
    ])
}

/// The entry of `EncryptionConfig` that encrypts `secrets`, and its key a customer-managed
/// key of the app.
fn secrets_under_a_key(cx: &Cx<'_>) -> Result<Proof, String> {
    const CONFIG: &str = "/EncryptionConfig";
    let fix = "set `EncryptionConfig` to [{\"Resources\": [\"secrets\"], \"Provider\": {\"KeyArn\": <a key of the app>}}]";
    let entries = match cx.prop(CONFIG).filter(|v| !no_value(v)) {
        None => {
            return Err(format!(
                "`EncryptionConfig` is not set, so the cluster's Kubernetes secrets are encrypted only under a key of AWS's own that no key policy of the app governs; {fix}"
            ));
        }
        Some(Value::Array(entries)) => entries,
        Some(other) => {
            return Err(format!(
                "`EncryptionConfig` is {}, which no rule can read before deploy, so nothing shows that the Kubernetes secrets are encrypted under a key of the app; {fix}",
                text_or_json(other)
            ));
        }
    };
    let secrets = entries.iter().position(|entry| {
        entry
            .pointer("/Resources")
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|r| text(r).as_deref() == Some("secrets")))
    });
    let Some(at) = secrets else {
        return Err(format!(
            "no entry of `EncryptionConfig` lists `secrets` in its `Resources` (written as a list of text), so the Kubernetes secrets are not encrypted under a key of the app; {fix}"
        ));
    };
    let key = format!("{CONFIG}/{at}/Provider/KeyArn");
    match cx.prop(&key) {
        None => Err(format!(
            "`EncryptionConfig[{at}].Provider.KeyArn` is not set, so no key of the app encrypts the Kubernetes secrets; {fix}"
        )),
        Some(_) => customer_key(cx, &key),
    }
}

/// The boolean at `pointer` must read `wanted`; `otherwise` says what it means when it
/// does not (or is not set, when its default is the other value).
fn flag(cx: &Cx<'_>, pointer: &str, wanted: bool, otherwise: &str) -> Result<Proof, String> {
    let shown = super::pointer_name(pointer);
    match cx.prop(pointer).filter(|v| !no_value(v)) {
        Some(v) if (wanted && is_true(v)) || (!wanted && is_false(v)) => {
            cx.proof(pointer).ok_or_default()
        }
        None => Err(format!(
            "`{shown}` is not set, so it is {}: {otherwise}; write {wanted}",
            !wanted
        )),
        Some(v) if is_true(v) || is_false(v) => Err(format!(
            "`{shown}` is {}: {otherwise}; write {wanted}",
            !wanted
        )),
        Some(v) => Err(format!(
            "`{shown}` is {}, which is not known before deploy, so it may be {}: {otherwise}; write {wanted}",
            text_or_json(v),
            !wanted
        )),
    }
}

/// EKS2: every control-plane log is on. "Amazon EKS control plane logging provides audit
/// and diagnostic logs directly from the Amazon EKS control plane to CloudWatch Logs in your
/// account"; "By default, cluster control plane logs aren't sent to CloudWatch Logs. You
/// must enable each log type individually" (Amazon EKS user guide, "Send control plane logs
/// to CloudWatch Logs"). The audit log ("a record of the individual users, administrators,
/// or system components that have affected your cluster") and the authenticator log (which
/// IAM principal each Kubernetes user is) are the record of who read what; the API server,
/// controller manager and scheduler logs show what the cluster did, as checkov's Terraform
/// check `CKV_AWS_37` and AWS Config's `eks-cluster-logging-enabled` ask of all five.
fn eks2(cx: &Cx<'_>) -> Outcome {
    const ENABLED: &str = "/Logging/ClusterLogging/EnabledTypes";
    let wanted = LOG_TYPES.join(", ");
    let entries = match cx.prop(ENABLED).filter(|v| !no_value(v)) {
        None => {
            return Outcome::Fail(format!(
                "`Logging.ClusterLogging.EnabledTypes` is not set, so EKS sends no control-plane log to CloudWatch Logs and no record shows who called the Kubernetes API; enable {wanted}"
            ));
        }
        Some(Value::Array(entries)) => entries,
        Some(other) => {
            return Outcome::Fail(format!(
                "`Logging.ClusterLogging.EnabledTypes` is {}, which no rule can read before deploy; write the list of the five log types ({wanted})",
                text_or_json(other)
            ));
        }
    };
    let mut on = Vec::with_capacity(entries.len());
    for entry in entries.iter().filter(|e| !no_value(e)) {
        match entry.pointer("/Type").and_then(text) {
            Some(t) if LOG_TYPES.contains(&t.as_str()) => on.push(t),
            Some(t) => {
                return Outcome::Fail(format!(
                    "`Logging.ClusterLogging.EnabledTypes` lists the type `{t}`, which is none of EKS's log types ({wanted}, spelled so): EKS refuses it or logs nothing for it"
                ));
            }
            None => {
                return Outcome::Fail(format!(
                    "an entry of `Logging.ClusterLogging.EnabledTypes` is {}, whose `Type` no rule can read before deploy; write each type as text",
                    text_or_json(entry)
                ));
            }
        }
    }
    let missing: Vec<&str> = LOG_TYPES
        .iter()
        .copied()
        .filter(|t| !on.iter().any(|o| o == t))
        .collect();
    if missing.is_empty() {
        all([cx.present(ENABLED)])
    } else {
        Outcome::Fail(format!(
            "`Logging.ClusterLogging.EnabledTypes` leaves out {}: EKS does not send {} to CloudWatch Logs; enable all five ({wanted})",
            missing.join(", "),
            if missing.len() == 1 {
                "that log"
            } else {
                "those logs"
            }
        ))
    }
}

/// Whether `named`, a `ClusterName`, names an `AWS::EKS::Cluster` of the app: one of this
/// template by its `Ref` (its name) or the `Name` it writes as text, or one of another
/// stack of the app by the import of its export ([`super::network::app_resource`], which
/// reads only exports an import of this stack's region and account can read). A name
/// written as text of a cluster no stack declares, or made at deploy, names none.
pub(super) fn cluster_of_the_app(cx: &Cx<'_>, named: &Value) -> bool {
    let written = text(named).filter(|t| !super::identity::dynamic(t));
    let by_name = written.as_deref().is_some_and(|name| {
        cx.others(EKS_CLUSTER)
            .any(|c| text(&c.properties()["Name"]).is_some_and(|n| n.trim() == name.trim()))
    });
    by_name || super::network::app_resource(cx, named, EKS_CLUSTER).is_some()
}

/// EKS3: who may use the cluster, and which roles its pods act with, is declared in the app
/// and read by the rules that read IAM roles.
///
/// - On a cluster, `AccessConfig.AuthenticationMode`: "If you create a cluster by using the
///   EKS API, AWS SDKs, or AWS CloudFormation, the default is `CONFIG_MAP`" (CloudFormation
///   reference, `AWS::EKS::Cluster AccessConfig`). In `CONFIG_MAP` and
///   `API_AND_CONFIG_MAP`, the `aws-auth` ConfigMap inside Kubernetes maps IAM principals to
///   Kubernetes groups (`system:masters` among them): who may read the cluster's pods and
///   secrets is data no template holds. `API` takes access entries only, which a template
///   declares. `BootstrapClusterCreatorAdminPermissions`: "Specifies whether or not the
///   cluster creator IAM principal was set as a cluster admin access entry during cluster
///   creation time. The default value is true": the principal that deployed the stack keeps
///   administrator access to every namespace, declared nowhere.
/// - An access entry ("allows an IAM principal to access your cluster", `PrincipalArn`), a
///   pod identity association (`RoleArn`; `TargetRoleArn`, a role assumed from it, whose
///   credentials the pods get), an add-on (`ServiceAccountRoleArn`,
///   `PodIdentityAssociations[].RoleArn`), a Fargate profile (`PodExecutionRoleArn`) and a
///   managed node group (`NodeRole`, whose credentials every pod that reaches the node's
///   instance metadata gets too) grant a principal or a role: one of the app (its `Fn::GetAtt` `Arn`, an import of its
///   export, or its ARN written with `${AWS::AccountId}` and the `RoleName` and `Path` it
///   declares) is read by the rules of IAM; any other, another account's included, has
///   permissions no rule reads. Each joins a cluster of the app ([`cluster_of_the_app`]):
///   access to a cluster the app does not declare is access no rule reads.
/// - The cluster's `RoleArn`: "The Amazon Resource Name (ARN) of the IAM role that provides
///   permissions for the Kubernetes control plane to make calls to AWS API operations on
///   your behalf" (CloudFormation reference, `AWS::EKS::Cluster`): a role of the app, as a
///   node group's `NodeRole` is, whose policies the rules of IAM read.
/// - An OpenID Connect identity provider joined to the cluster
///   ([`IDENTITY_PROVIDER`]) authenticates whoever its issuer vouches for (`Oidc.IssuerUrl`:
///   "The URL of the OIDC identity provider that allows the API server to discover public
///   signing keys for verifying tokens", API reference, `OidcIdentityProviderConfigRequest`),
///   users that no access entry of the app declares, to whom RoleBindings inside Kubernetes,
///   which no template holds, give permissions. It holds only where the issuer is a user
///   pool of the app ([`issuer_of_the_app`]), whose users the app chooses: as `X2` asks of an
///   API's JWT issuer, a pool that lets anyone sign up admits the public. Any other issuer
///   (Okta, a partner's, a public one) decides alone who authenticates to the cluster: a
///   finding a waiver that names the agreement with its operator answers. The tokens it
///   takes are those of its `Oidc.ClientId`, which must be an app client of the app
///   ([`client_of_the_app`]), and the groups and username it reads from them no attribute
///   that client lets users write ([`claims_users_cannot_write`]).
fn eks3(cx: &Cx<'_>) -> Outcome {
    let mut checks = Vec::new();
    match cx.resource.type_name() {
        EKS_CLUSTER => {
            checks.push(api_authentication(cx));
            checks.extend(grants(
                cx,
                "/RoleArn",
                true,
                &[ROLE],
                "the control plane acts with the role",
            ));
            checks.push(flag(
                cx,
                "/AccessConfig/BootstrapClusterCreatorAdminPermissions",
                false,
                "the principal that deployed the stack is a cluster administrator, by an access entry no template declares",
            ));
        }
        ACCESS_ENTRY => {
            checks.push(joins_a_cluster(cx));
            checks.extend(grants(
                cx,
                "/PrincipalArn",
                true,
                &[ROLE, "AWS::IAM::User"],
                "the principal gets access to the cluster",
            ));
        }
        POD_IDENTITY => {
            checks.push(joins_a_cluster(cx));
            checks.extend(grants(
                cx,
                "/RoleArn",
                true,
                &[ROLE],
                "the pods of the service account act with the role",
            ));
            checks.extend(grants(
                cx,
                "/TargetRoleArn",
                false,
                &[ROLE],
                "the pods of the service account act with the role it assumes",
            ));
        }
        ADDON => {
            checks.push(joins_a_cluster(cx));
            checks.extend(grants(
                cx,
                "/ServiceAccountRoleArn",
                false,
                &[ROLE],
                "the add-on acts with the role",
            ));
            match cx.prop("/PodIdentityAssociations") {
                None => {}
                Some(Value::Array(associations)) => {
                    for at in 0..associations.len() {
                        checks.extend(grants(
                            cx,
                            &format!("/PodIdentityAssociations/{at}/RoleArn"),
                            true,
                            &[ROLE],
                            "the add-on's pods act with the role",
                        ));
                    }
                }
                Some(other) => checks.push(Err(format!(
                    "`PodIdentityAssociations` is {}, which no rule can read before deploy: the add-on's pods may act with any role; write the list of associations, each with the `Arn` of a role of the app",
                    text_or_json(other)
                ))),
            }
        }
        FARGATE_PROFILE => {
            checks.push(joins_a_cluster(cx));
            checks.extend(grants(
                cx,
                "/PodExecutionRoleArn",
                true,
                &[ROLE],
                "Fargate acts with the role for the pods",
            ));
        }
        // The node group's cluster is E5's to read.
        NODEGROUP => {
            checks.extend(grants(
                cx,
                "/NodeRole",
                true,
                &[ROLE],
                "every node acts with the role, and so does every pod that reaches the node's instance metadata",
            ));
        }
        IDENTITY_PROVIDER => {
            checks.push(joins_a_cluster(cx));
            checks.push(issuer_of_the_app(cx));
            checks.push(client_of_the_app(cx));
            checks.extend(claims_users_cannot_write(cx));
        }
        _ => return Outcome::NotApplicable,
    }
    all(checks)
}

/// An identity provider's issuer (`Oidc.IssuerUrl`) is a user pool of the app
/// ([`super::flows::issued_by_a_pool_of_the_app`], read as `X2` reads a JWT authorizer's
/// issuer) that admits no one by sign-up ([`super::flows::open_pools_named`]).
fn issuer_of_the_app(cx: &Cx<'_>) -> Result<Proof, String> {
    const ISSUER: &str = "/Oidc/IssuerUrl";
    let fix = "name a user pool of the app as the issuer (`https://cognito-idp.${AWS::Region}.amazonaws.com/${Pool}`) with `AdminCreateUserConfig.AllowAdminCreateUserOnly` true, or grant access with access entries only; if the provider's operator is bound by a business associate agreement, waive EKS3 on the provider with the agreement named in the reason";
    match cx.prop(ISSUER).filter(|v| !v.is_null() && !no_value(v)) {
        None => Err(format!(
            "`Oidc.IssuerUrl` is not set, so which identity provider vouches for the users who authenticate to the cluster is not shown; {fix}"
        )),
        Some(issuer) if !super::flows::issued_by_a_pool_of_the_app(cx, issuer) => Err(format!(
            "`Oidc.IssuerUrl` is {}, no user pool of the app: whoever runs that identity provider decides who authenticates to the Kubernetes API, users that no access entry of the app declares; {fix}",
            sent_or_json(issuer)
        )),
        Some(issuer) => super::flows::closed_to_sign_up(cx, issuer, ISSUER, |open| {
            format!("{open}: whoever signs up authenticates to the Kubernetes API; {fix}")
        }),
    }
}

/// An identity provider's `Oidc.ClientId` is an app client of the app
/// ([`super::flows::client_of_the_app`], the reader `X2` gives a JWT authorizer's
/// `Audience`: the `Ref` of an `AWS::Cognito::UserPoolClient`, its `ClientId`, or an import
/// of its export; each branch of an `Fn::If`). The client ID "is also known as audience" (EKS API reference,
/// `OidcIdentityProviderConfigRequest` `clientId`): the API server accepts the ID tokens the
/// issuer gives that client, whose `aud` claim is the client ID (Cognito developer guide,
/// "Understanding the identity (ID) token"). A client of the app is read by `CG3` (no flow
/// that sends the password itself, tokens of at most Cognito's default lifetimes, revoked
/// at sign-out); any other client of the pool, made outside the templates or named by a
/// value only the deploy knows, signs operators in to the Kubernetes API on terms no rule
/// reads. `RequiredClaims` only narrows which of those tokens the cluster takes, so it is
/// not read. Nor is whether the client is one of the pool `Oidc.IssuerUrl` names: a pool
/// signs ID tokens only for its own clients, so a client of another pool of the app is in
/// no token the issuer gives, and the provider authenticates nobody (as `X2` reads a JWT
/// authorizer's `Audience`).
fn client_of_the_app(cx: &Cx<'_>) -> Result<Proof, String> {
    const CLIENT: &str = "/Oidc/ClientId";
    let fix = "name the `Ref` of an `AWS::Cognito::UserPoolClient` of the app, a client of the issuer's pool, so that `CG3` reads how operators sign in and how long their tokens last";
    match cx.prop(CLIENT).filter(|v| !v.is_null() && !no_value(v)) {
        None => Err(format!(
            "`Oidc.ClientId` is not set, so which client's tokens the cluster accepts is not shown; {fix}"
        )),
        Some(client) if super::flows::client_of_the_app(cx, client) => {
            cx.proof(CLIENT).ok_or_default()
        }
        Some(client) => Err(format!(
            "`Oidc.ClientId` is {}, no app client of the app: the cluster accepts the ID tokens the issuer gives that client (their audience), whose sign-in flows and token lifetimes no rule reads; {fix}",
            text_or_json(client)
        )),
    }
}

/// The standard attributes of a user pool (Cognito developer guide, "Working with user
/// attributes"), which a client lets each user write with their own access token
/// (`UpdateUserAttributes`) unless its `WriteAttributes` leaves them out. `updated_at` is
/// one, but names no group or user anyone would pick.
const STANDARD_ATTRIBUTES: [&str; 16] = [
    "address",
    "birthdate",
    "email",
    "family_name",
    "gender",
    "given_name",
    "locale",
    "middle_name",
    "name",
    "nickname",
    "phone_number",
    "picture",
    "preferred_username",
    "profile",
    "website",
    "zoneinfo",
];

/// The claims of an identity provider ([`IDENTITY_PROVIDER`]) that name who a user is to
/// Kubernetes are none that the user writes. `Oidc.GroupsClaim` is "The JWT claim that the
/// provider uses to return your groups", `Oidc.UsernameClaim` "The JSON Web Token (JWT)
/// claim to use as the username. The default is `sub`" (EKS API reference,
/// `OidcIdentityProviderConfigRequest`): RoleBindings grant those groups and names, and
/// `system:masters` is a group. A user pool client's `WriteAttributes` is "The list of
/// user attributes that you want your app client to have write access to. After your user
/// authenticates in your app, their access token authorizes them to set or modify their own
/// attribute value for any attribute in this list"; "When you don't specify the
/// `WriteAttributes` for your app client, your app can write the values of the Standard
/// attributes of your user pool" (Cognito API reference, `UserPoolClientType`), read here as
/// every attribute a user may change, custom ones included, unless the pool's `Schema`
/// declares it `Mutable` false (set once by an administrator: `EKS3` asks that the pool
/// invite only) or `DeveloperOnlyAttribute` true ("Users won't be able to modify this
/// attribute using their access token", `SchemaAttributeType`). So a claim naming an
/// attribute of a client of the app ([`client_of_the_app`]) that it lets users write fails:
/// for groups whatever `GroupsPrefix` says, since "The prefix that is prepended to group
/// claims to prevent clashes with existing names (such as `system:` groups)" only keeps
/// `system:` out and the user still names any group under it that a RoleBinding grants; for
/// the username whatever `UsernamePrefix` says, since the user names another user under
/// the same prefix and takes their RoleBindings, except `email`, which Kubernetes takes
/// only with `email_verified` true (Kubernetes documentation, "Authenticating", OpenID
/// Connect tokens), and Cognito marks a changed address unverified until its code is
/// entered. The pool's groups (`cognito:groups`, which only an administrator changes by
/// `AdminAddUserToGroup`), `sub`, a claim that no attribute holds (one a pre-token-generation
/// trigger of the app adds) and a developer-only attribute (`dev:custom:…`) pass. A claim
/// not written as text is not known before deploy and fails.
fn claims_users_cannot_write(cx: &Cx<'_>) -> Vec<Result<Proof, String>> {
    const USER_POOL_CLIENT: &str = "AWS::Cognito::UserPoolClient";
    let Some(client) = cx.prop("/Oidc/ClientId") else {
        return Vec::new();
    };
    let clients: Vec<_> = if_branches(client)
        .map_or_else(|| vec![client], Vec::from)
        .into_iter()
        .filter_map(|c| super::network::app_resource(cx, c, USER_POOL_CLIENT))
        .collect();
    let mut checks = Vec::new();
    for (pointer, shown, groups) in [
        ("/Oidc/GroupsClaim", "Oidc.GroupsClaim", true),
        ("/Oidc/UsernameClaim", "Oidc.UsernameClaim", false),
    ] {
        let Some(claim) = cx.prop(pointer).filter(|v| !v.is_null() && !no_value(v)) else {
            continue;
        };
        let does = if groups {
            "a user names their own Kubernetes groups (a `GroupsPrefix` only keeps out `system:` names: any group a RoleBinding grants stays theirs to claim)"
        } else {
            "a user names themselves as another user, whose RoleBindings they then hold (a `UsernamePrefix` does not tell them apart)"
        };
        let fix = if groups {
            "write `cognito:groups` (the pool's groups, which only an administrator changes), or leave the claim out of the client's `WriteAttributes` (listing the attributes users may write) or declare it `DeveloperOnlyAttribute` in the pool's `Schema`"
        } else {
            "leave `UsernameClaim` at `sub` (or write `email`, which Kubernetes takes only verified), or leave the claim out of the client's `WriteAttributes` (listing the attributes users may write) or declare it `DeveloperOnlyAttribute` in the pool's `Schema`"
        };
        let Some(name) = text(claim).filter(|t| !super::identity::dynamic(t)) else {
            checks.push(Err(format!(
                "`{shown}` is {}, which is not known before deploy, so it may name an attribute users write: {does}; {fix}",
                text_or_json(claim)
            )));
            continue;
        };
        if !groups && name == "email" {
            continue;
        }
        match clients
            .iter()
            .find(|(there, c)| users_write(there, c, &name))
        {
            None => checks.push(cx.proof(pointer).ok_or_default()),
            Some((_, c)) => checks.push(Err(format!(
                "`{shown}` is `{name}`, an attribute the client `{}` lets each user write with their own token (its `WriteAttributes`, or every attribute when it writes none): {does}; {fix}",
                c.logical_id()
            ))),
        }
    }
    checks
}

/// Whether `client` (an `AWS::Cognito::UserPoolClient` in `there`'s stack) lets each user
/// write the attribute a token carries as the claim `name` ([`claims_users_cannot_write`]).
fn users_write(there: &Cx<'_>, client: &crate::cfn::Resource, name: &str) -> bool {
    let custom = name.strip_prefix("custom:");
    if custom.is_none() && !STANDARD_ATTRIBUTES.contains(&name) {
        return false;
    }
    let properties = client.properties();
    let schema_says = |key: &str, holds: fn(&Value) -> bool| {
        custom.is_some_and(|attribute| {
            super::network::app_resource(there, &properties["UserPoolId"], "AWS::Cognito::UserPool")
                .and_then(|(_, pool)| pool.properties()["Schema"].as_array().cloned())
                .is_some_and(|schema| {
                    schema
                        .iter()
                        .any(|a| text(&a["Name"]).as_deref() == Some(attribute) && holds(&a[key]))
                })
        })
    };
    if schema_says("DeveloperOnlyAttribute", is_true) || schema_says("Mutable", is_false) {
        return false;
    }
    // Left out (on a branch too), the client writes every attribute; a list written with
    // one that only the deploy knows may name it.
    fn writes(value: &Value, name: &str) -> bool {
        if value.is_null() || no_value(value) {
            return true;
        }
        match value {
            Value::Array(items) => items.iter().any(|item| {
                !no_value(item)
                    && text(item).is_none_or(|t| t == name || super::identity::dynamic(&t))
            }),
            _ => if_branches(value).is_none_or(|branches| branches.iter().any(|b| writes(b, name))),
        }
    }
    writes(&properties["WriteAttributes"], name)
}

/// A cluster authenticates by access entries only (`AccessConfig.AuthenticationMode`
/// `API`), never by the `aws-auth` ConfigMap.
fn api_authentication(cx: &Cx<'_>) -> Result<Proof, String> {
    const MODE: &str = "/AccessConfig/AuthenticationMode";
    let configmap = "the `aws-auth` ConfigMap inside Kubernetes, which no template holds, maps IAM principals to Kubernetes groups (`system:masters` among them)";
    match cx.prop(MODE) {
        Some(v) if text(v).as_deref() == Some("API") => cx.proof(MODE).ok_or_default(),
        None => Err(format!(
            "`AccessConfig.AuthenticationMode` is not set, so it is `CONFIG_MAP` (CloudFormation's default): {configmap}; write `API` and grant access with access entries"
        )),
        Some(v) => Err(match text(v).filter(|t| !super::identity::dynamic(t)) {
            Some(mode) => format!(
                "`AccessConfig.AuthenticationMode` is `{mode}`, not `API`: {configmap}; write `API` and grant access with access entries"
            ),
            None => format!(
                "`AccessConfig.AuthenticationMode` is {}, which is not known before deploy, so it may not be `API`: {configmap}; write `API` and grant access with access entries",
                text_or_json(v)
            ),
        }),
    }
}

/// The resource's `ClusterName` names a cluster of the app ([`cluster_of_the_app`]).
fn joins_a_cluster(cx: &Cx<'_>) -> Result<Proof, String> {
    let kind = cx.resource.type_name();
    match cx.prop("/ClusterName").filter(|v| !v.is_null()) {
        Some(named) if cluster_of_the_app(cx, named) => cx.proof("/ClusterName").ok_or_default(),
        Some(named) => Err(format!(
            "`ClusterName` is {}, no cluster of the app: the `{kind}` grants access to a cluster whose endpoint, authentication and logs no rule reads; name an `AWS::EKS::Cluster` of the app (its `Ref`)",
            text_or_json(named)
        )),
        None => Err(format!(
            "`ClusterName` is not set, so which cluster the `{kind}` grants access to is not shown; name an `AWS::EKS::Cluster` of the app (its `Ref`)"
        )),
    }
}

/// The principal at `pointer` is one of `kinds` of the app ([`of_the_app`]); `required`
/// when the resource cannot leave it out (`None`: an optional one left out); `does` says
/// what it is given.
fn grants(
    cx: &Cx<'_>,
    pointer: &str,
    required: bool,
    kinds: &[&str],
    does: &str,
) -> Option<Result<Proof, String>> {
    let shown = super::pointer_name(pointer);
    let Some(value) = cx.prop(pointer).filter(|v| !v.is_null()) else {
        return required.then(|| {
            Err(format!(
                "`{shown}` is not set, so which principal {does} is not shown; name an `AWS::IAM::Role` of the app by its `Fn::GetAtt` `Arn`"
            ))
        });
    };
    let branches = if_branches(value).map_or_else(|| vec![value], Vec::from);
    Some(match branches.iter().find(|v| !of_the_app(cx, v, kinds)) {
        None => cx.proof(pointer).ok_or_default(),
        Some(other) => Err(format!(
            "`{shown}` is {}, no role of the app: {does}, whose permissions no rule reads (another account's, or an administrator's of this one); name an `AWS::IAM::Role` of the app by its `Fn::GetAtt` `Arn`, or waive EKS3 on the resource with the reason that role is governed elsewhere",
            sent_or_json(other)
        )),
    })
}

/// Whether `value` names an IAM principal of one of `kinds` of the app by its ARN: the
/// `Fn::GetAtt` of one of this template, or the import of an export of one
/// ([`super::network::app_resource`]); or a role's ARN written as text with
/// `${AWS::AccountId}` and the `RoleName` and `Path` the role declares, of a stack of this
/// region and account ([`super::rds_options::role_arn`]): a role of another account has
/// the same name and another owner. A `Ref` is a name, not an ARN, and no other attribute
/// is one, however the value wraps it ([`super::rds_options::reads_as_arn`]: an
/// `Fn::Select` of the role's `Ref` names no ARN).
fn of_the_app(cx: &Cx<'_>, value: &Value, kinds: &[&str]) -> bool {
    kinds.iter().any(|kind| arn_of_kind(cx, value, kind, 0))
        || (kinds.contains(&ROLE)
            && cx.importable(cx.at, ROLE).any(|(stack, role)| match stack {
                None => super::rds_options::role_arn(value, role),
                Some(_) => super::rds_options::arn_by_name(value, role),
            }))
}

/// Whether `value` is the ARN of a resource of type `kind` of this template
/// ([`super::rds_options::reads_as_arn`]), or the import of an export of one by a stack of
/// the app of this region and account, read in that stack ([`super::flows::export_named`]),
/// through at most four imports.
fn arn_of_kind(cx: &Cx<'_>, value: &Value, kind: &str, depth: usize) -> bool {
    if let Some(holds) = super::flows::through_import(cx, value, depth, |there, carried, depth| {
        arn_of_kind(there, carried, kind, depth)
    }) {
        return holds;
    }
    cx.template
        .resources()
        .iter()
        .filter(|r| r.type_name() == kind)
        .any(|r| super::rds_options::reads_as_arn(value, r.logical_id()))
}

/// The CSI drivers EKS installs as add-ons that make or mount storage for pods, with what
/// decides the storage's encryption, which lives in Kubernetes objects (StorageClasses,
/// PersistentVolumes), never in a CloudFormation template.
///
/// - `aws-ebs-csi-driver`: a volume per PersistentVolumeClaim, from a StorageClass whose
///   parameters `encrypted` ("Whether the volume should be encrypted or not") and `kmsKeyId`
///   choose its encryption (the driver's documentation, "CreateVolume Parameters"); without
///   them the volume is encrypted only where the account turned EBS encryption by default
///   on, an account and Region setting no template shows.
/// - `aws-efs-csi-driver`: mounts of file systems (and access points it makes on one,
///   provisioning dynamically) that a PersistentVolume or StorageClass names, by id, which
///   may be a file system no template of the app declares; a mount goes over TLS unless the
///   volume turns `encryptInTransit` off.
/// - `aws-fsx-csi-driver`: FSx for Lustre file systems made from StorageClasses, whose
///   `kmsKeyId` parameter chooses the key (an AWS-managed key without it).
/// - `aws-mountpoint-s3-csi-driver`: buckets a PersistentVolume names by name.
const STORAGE_ADDONS: [(&str, &str); 4] = [
    (
        "aws-ebs-csi-driver",
        "the EBS CSI driver makes an EBS volume for each PersistentVolumeClaim from a Kubernetes StorageClass, which no template holds: the volume is encrypted only if its StorageClass sets `encrypted: \"true\"` (under a customer-managed key only with `kmsKeyId`), or if the account's EBS encryption by default is on in the cluster's Region, which no template shows either",
    ),
    (
        "aws-efs-csi-driver",
        "the EFS CSI driver mounts the file systems (and makes access points on them) that Kubernetes PersistentVolumes and StorageClasses name by id, which no template holds: they may be file systems the app does not declare, which no rule reads, and a volume that turns `encryptInTransit` off mounts without TLS",
    ),
    (
        "aws-fsx-csi-driver",
        "the FSx CSI driver makes FSx for Lustre file systems from Kubernetes StorageClasses, which no template holds: their key is an AWS-managed one unless the StorageClass sets `kmsKeyId`, and no rule reads them",
    ),
    (
        "aws-mountpoint-s3-csi-driver",
        "the Mountpoint for Amazon S3 CSI driver mounts the buckets Kubernetes PersistentVolumes name, which no template holds: they may be buckets the app does not declare, which no rule reads",
    ),
];

/// EKS4: storage made from Kubernetes objects. An add-on of a storage driver
/// ([`STORAGE_ADDONS`]), or one whose `AddonName` is known only at deploy (it may be one),
/// is a gap that names what decides the storage's encryption; so is a cluster that turns
/// on EKS Auto Mode's block storage (`StorageConfig.BlockStorage.Enabled`: "Indicates
/// whether the block storage capability is enabled on your EKS Auto Mode cluster. If the
/// block storage capability is enabled, EKS Auto Mode will create and delete EBS volumes in
/// your AWS account", CloudFormation reference, `AWS::EKS::Cluster BlockStorage`), whose
/// volumes come from StorageClasses of the `ebs.csi.eks.amazonaws.com` provisioner as the
/// driver's do. Any other add-on, or a cluster without it, makes no storage.
fn eks4(cx: &Cx<'_>) -> Outcome {
    if cx.resource.type_name() == EKS_CLUSTER {
        return match cx.prop("/StorageConfig/BlockStorage/Enabled") {
            Some(v) if super::is_false(v) => Outcome::NotApplicable,
            None => Outcome::NotApplicable,
            Some(v) => Outcome::Gap(format!(
                "cluster `{}`: `StorageConfig.BlockStorage.Enabled` is {}: EKS Auto Mode makes an EBS volume for each PersistentVolumeClaim from a Kubernetes StorageClass, which no template holds; the volume is encrypted only if its StorageClass sets `encrypted: \"true\"` (under a customer-managed key only with `kmsKeyId`), or if the account's EBS encryption by default is on, which no template shows either",
                cx.id(),
                super::meaning::text_or_json(v)
            )),
        };
    }
    let Some(name) = cx.prop("/AddonName") else {
        return Outcome::NotApplicable;
    };
    // A dynamic reference (`{{resolve:ssm:…}}`) is text that names the add-on only at
    // deploy.
    match super::meaning::text(name).filter(|text| !text.contains("{{resolve:")) {
        Some(text) => STORAGE_ADDONS
            .iter()
            .find(|(addon, _)| text.trim() == *addon)
            .map_or(Outcome::NotApplicable, |(_, what)| {
                Outcome::Gap(format!("add-on `{}`: {what}", cx.id()))
            }),
        None => Outcome::Gap(format!(
            "add-on `{}`: `AddonName` is {}, which is not known before deploy: it may be a storage driver (the EBS, EFS, FSx or S3 CSI driver), whose volumes' encryption Kubernetes StorageClasses decide, which no template holds",
            cx.id(),
            super::meaning::text_or_json(name)
        )),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    /// A key of the template, by the `Arn` EKS asks for.
    fn key_arn() -> Value {
        json!({ "Fn::GetAtt": ["Key", "Arn"] })
    }

    /// The properties of a cluster that both rules pass, changed by `change`.
    fn cluster(change: impl FnOnce(&mut Value)) -> Value {
        let mut properties = json!({
            "RoleArn": { "Fn::GetAtt": ["ClusterRole", "Arn"] },
            "ResourcesVpcConfig": {
                "SubnetIds": [{ "Ref": "SubnetA" }, { "Ref": "SubnetB" }],
                "EndpointPublicAccess": false,
                "EndpointPrivateAccess": true
            },
            "EncryptionConfig": [{ "Resources": ["secrets"], "Provider": { "KeyArn": key_arn() } }],
            "AccessConfig": { "AuthenticationMode": "API", "BootstrapClusterCreatorAdminPermissions": false },
            "Logging": { "ClusterLogging": { "EnabledTypes": LOG_TYPES.iter().map(|t| json!({ "Type": t })).collect::<Vec<_>>() } }
        });
        change(&mut properties);
        properties
    }

    fn outcome(check: fn(&Cx<'_>) -> Outcome, properties: Value) -> Outcome {
        Cx::check_first(
            check,
            &[
                ("Cluster", EKS_CLUSTER, properties),
                ("Key", "AWS::KMS::Key", json!({ "KeyPolicy": {} })),
                cluster_role(),
            ],
        )
    }

    /// The role the cluster of [`cluster`] acts with, named `eks-cluster`.
    fn cluster_role() -> (&'static str, &'static str, Value) {
        ("ClusterRole", ROLE, json!({ "RoleName": "eks-cluster" }))
    }

    fn fails_saying(outcome: &Outcome, says: &str) -> bool {
        matches!(outcome, Outcome::Fail(why) if why.contains(says))
    }

    #[test]
    fn a_private_cluster_with_secrets_under_a_key_of_the_app_and_every_log_passes() {
        for check in [eks1 as fn(&Cx<'_>) -> Outcome, eks2, eks3] {
            let found = outcome(check, cluster(|_| {}));
            assert!(matches!(found, Outcome::Pass(_)), "{found:?}");
        }
    }

    #[test]
    fn secrets_not_under_a_key_of_the_app_fail_eks1() {
        let cases: Vec<(Value, &str)> = vec![
            (Value::Null, "`EncryptionConfig` is not set"),
            (json!([]), "no entry of `EncryptionConfig` lists `secrets`"),
            (
                json!([{ "Resources": ["configmaps"], "Provider": { "KeyArn": key_arn() } }]),
                "no entry of `EncryptionConfig` lists `secrets`",
            ),
            (
                json!([{ "Resources": ["secrets"] }]),
                "`EncryptionConfig[0].Provider.KeyArn` is not set",
            ),
            (
                json!([{ "Resources": ["secrets"], "Provider": { "KeyArn": "alias/aws/eks" } }]),
                "AWS-managed key",
            ),
            (
                json!([{ "Resources": ["secrets"], "Provider": { "KeyArn": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" } }]),
                "KeyArn",
            ),
            (
                json!({ "Fn::If": ["Encrypt", [{ "Resources": ["secrets"], "Provider": { "KeyArn": key_arn() } }], { "Ref": "AWS::NoValue" }] }),
                "no rule can read before deploy",
            ),
        ];
        for (config, says) in cases {
            let found = outcome(
                eks1,
                cluster(|p| {
                    if config.is_null() {
                        p.as_object_mut().unwrap().remove("EncryptionConfig");
                    } else {
                        p["EncryptionConfig"] = config.clone();
                    }
                }),
            );
            assert!(fails_saying(&found, says), "{config}: {found:?}");
        }
    }

    #[test]
    fn an_endpoint_the_internet_reaches_fails_eks1() {
        let cases: Vec<(&str, Option<Value>, &str)> = vec![
            (
                "EndpointPublicAccess",
                None,
                "`ResourcesVpcConfig.EndpointPublicAccess` is not set, so it is true",
            ),
            ("EndpointPublicAccess", Some(json!(true)), "is true"),
            ("EndpointPublicAccess", Some(json!("true")), "is true"),
            (
                "EndpointPublicAccess",
                Some(json!({ "Ref": "Public" })),
                "not known before deploy",
            ),
            (
                "EndpointPrivateAccess",
                None,
                "`ResourcesVpcConfig.EndpointPrivateAccess` is not set, so it is false",
            ),
            ("EndpointPrivateAccess", Some(json!(false)), "is false"),
            (
                "EndpointPublicAccess",
                Some(json!({ "Fn::If": ["Private", false, true] })),
                "not known before deploy",
            ),
        ];
        for (setting, value, says) in cases {
            let found = outcome(
                eks1,
                cluster(|p| {
                    let config = p["ResourcesVpcConfig"].as_object_mut().unwrap();
                    match &value {
                        Some(v) => config.insert(setting.to_owned(), v.clone()),
                        None => config.remove(setting),
                    };
                }),
            );
            assert!(fails_saying(&found, says), "{setting} {value:?}: {found:?}");
        }
    }

    #[test]
    fn control_plane_logs_left_out_fail_eks2() {
        let types = |ts: &[&str]| -> Value { ts.iter().map(|t| json!({ "Type": t })).collect() };
        let cases: Vec<(Option<Value>, &str)> = vec![
            (None, "is not set"),
            (Some(json!([])), "leaves out api, audit"),
            (
                Some(types(&[
                    "api",
                    "authenticator",
                    "controllerManager",
                    "scheduler",
                ])),
                "leaves out audit:",
            ),
            (
                Some(types(&[
                    "api",
                    "Audit",
                    "authenticator",
                    "controllerManager",
                    "scheduler",
                ])),
                "the type `Audit`",
            ),
            (
                Some(json!([{ "Type": { "Ref": "LogType" } }])),
                "no rule can read before deploy",
            ),
            (
                Some(json!({ "Ref": "Types" })),
                "no rule can read before deploy",
            ),
        ];
        for (enabled, says) in cases {
            let found = outcome(
                eks2,
                cluster(|p| match &enabled {
                    Some(v) => p["Logging"]["ClusterLogging"]["EnabledTypes"] = v.clone(),
                    None => {
                        p.as_object_mut().unwrap().remove("Logging");
                    }
                }),
            );
            assert!(fails_saying(&found, says), "{enabled:?}: {found:?}");
        }
    }

    /// What U1 would fail (a type no rule reads) is read by these rules: the cluster by
    /// all three, and what grants access to it by EKS3.
    #[test]
    fn an_eks_cluster_and_what_grants_access_to_it_are_types_the_rules_read() {
        let eks: Vec<_> = super::super::rules()
            .filter(|r| r.id.starts_with("EKS"))
            .collect();
        assert!(eks.iter().all(|r| r.types.contains(&EKS_CLUSTER)));
        let u1 = super::super::rule_spec("U1").expect("U1").check;
        for kind in [
            EKS_CLUSTER,
            ACCESS_ENTRY,
            POD_IDENTITY,
            ADDON,
            FARGATE_PROFILE,
            IDENTITY_PROVIDER,
        ] {
            let found = Cx::check_first(u1, &[("It", kind, json!({}))]);
            assert!(matches!(found, Outcome::NotApplicable), "{kind}: {found:?}");
        }
    }

    /// The cluster's own role, the one its control plane acts with, is a role of the app,
    /// as a node group's is.
    #[test]
    fn a_cluster_acting_with_a_role_outside_the_app_fails_eks3() {
        let by_name =
            json!({ "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/eks-cluster" });
        for role in [json!({ "Fn::GetAtt": ["ClusterRole", "Arn"] }), by_name] {
            let found = outcome(eks3, cluster(|p| p["RoleArn"] = role.clone()));
            assert!(matches!(found, Outcome::Pass(_)), "{role}: {found:?}");
        }
        let cases: Vec<(Value, &str)> = vec![
            (
                json!("arn:aws:iam::111122223333:role/eks-cluster"),
                "`RoleArn` is arn:aws:iam::111122223333:role/eks-cluster, no role of the app: the control plane acts with the role",
            ),
            (
                json!({ "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/admin" }),
                "no role of the app",
            ),
            (json!({ "Ref": "ClusterRole" }), "no role of the app"),
            (
                json!({ "Fn::If": ["Own", { "Fn::GetAtt": ["ClusterRole", "Arn"] }, "arn:aws:iam::111122223333:role/eks"] }),
                "no role of the app",
            ),
            (Value::Null, "`RoleArn` is not set"),
        ];
        for (role, says) in cases {
            let found = outcome(
                eks3,
                cluster(|p| {
                    if role.is_null() {
                        p.as_object_mut().unwrap().remove("RoleArn");
                    } else {
                        p["RoleArn"] = role.clone();
                    }
                }),
            );
            assert!(fails_saying(&found, says), "{role}: {found:?}");
        }
    }

    /// EKS3 on an identity provider of `properties`, beside a cluster `Cluster` of the app,
    /// an invitation-only user pool `Pool` and a user pool `Open` that lets anyone sign up.
    fn provider(properties: Value) -> Outcome {
        let pool = |invited: bool| json!({ "AdminCreateUserConfig": { "AllowAdminCreateUserOnly": invited } });
        Cx::check_first(
            eks3,
            &[
                ("Oidc", IDENTITY_PROVIDER, properties),
                ("Cluster", EKS_CLUSTER, cluster(|_| {})),
                ("Key", "AWS::KMS::Key", json!({ "KeyPolicy": {} })),
                cluster_role(),
                ("Pool", "AWS::Cognito::UserPool", pool(true)),
                ("Open", "AWS::Cognito::UserPool", pool(false)),
                (
                    "Kubectl",
                    "AWS::Cognito::UserPoolClient",
                    json!({ "UserPoolId": { "Ref": "Pool" } }),
                ),
                (
                    "OpenKubectl",
                    "AWS::Cognito::UserPoolClient",
                    json!({ "UserPoolId": { "Ref": "Open" } }),
                ),
            ],
        )
    }

    fn oidc(issuer: Value) -> Value {
        json!({ "ClusterName": { "Ref": "Cluster" }, "Type": "oidc",
            "Oidc": { "IssuerUrl": issuer, "ClientId": { "Ref": "Kubectl" } } })
    }

    /// The cluster accepts the ID tokens issued to the client of `Oidc.ClientId` (their
    /// audience): it must be an app client of the app, whose flows and lifetimes `CG3`
    /// reads; any other (a client made outside the templates, one known only at deploy)
    /// fails.
    #[test]
    fn an_identity_provider_fails_eks3_with_a_client_that_is_not_the_apps() {
        let issuer =
            json!({ "Fn::Sub": "https://cognito-idp.${AWS::Region}.amazonaws.com/${Pool}" });
        let with = |client: Value| {
            let mut p = oidc(issuer.clone());
            p["Oidc"]["ClientId"] = client;
            p
        };
        for held in [
            json!({ "Ref": "Kubectl" }),
            json!({ "Fn::If": ["Ops", { "Ref": "Kubectl" }, { "Ref": "OpenKubectl" }] }),
        ] {
            let found = provider(with(held.clone()));
            assert!(
                matches!(&found, Outcome::Pass(proofs) if proofs.iter().any(|p| p.path == "/Properties/Oidc/ClientId")),
                "{held}: {found:?}"
            );
        }
        for (client, says) in [
            (
                json!("kubernetes"),
                "`Oidc.ClientId` is kubernetes, no app client of the app",
            ),
            (
                json!("1example23456789abcdefghij"),
                "no app client of the app",
            ),
            (json!({ "Ref": "ClientId" }), "no app client of the app"),
            (
                json!({ "Fn::If": ["Ops", { "Ref": "Kubectl" }, "kubernetes"] }),
                "no app client of the app",
            ),
            (
                json!({ "Fn::ImportValue": "shared-client" }),
                "no app client of the app",
            ),
            (
                json!({ "Ref": "AWS::NoValue" }),
                "`Oidc.ClientId` is not set",
            ),
        ] {
            let found = provider(with(client.clone()));
            assert!(fails_saying(&found, says), "{client}: {found:?}");
        }
    }

    /// Hostile review he 2: EKS3 on an identity provider whose `Oidc` adds `claims`, of the
    /// invitation-only pool `Pool` (with the custom attributes `role`, `team` developer-only
    /// and `tier` immutable) through the client `Kubectl` with `write` as its
    /// `WriteAttributes` (left out when null).
    fn claimed(claims: Value, write: Value) -> Outcome {
        let mut client = json!({ "UserPoolId": { "Ref": "Pool" } });
        if !write.is_null() {
            client["WriteAttributes"] = write;
        }
        let mut p =
            oidc(json!({ "Fn::Sub": "https://cognito-idp.${AWS::Region}.amazonaws.com/${Pool}" }));
        for (k, v) in claims.as_object().unwrap() {
            p["Oidc"][k] = v.clone();
        }
        Cx::check_first(
            eks3,
            &[
                ("Oidc", IDENTITY_PROVIDER, p),
                ("Cluster", EKS_CLUSTER, cluster(|_| {})),
                ("Key", "AWS::KMS::Key", json!({ "KeyPolicy": {} })),
                cluster_role(),
                (
                    "Pool",
                    "AWS::Cognito::UserPool",
                    json!({ "AdminCreateUserConfig": { "AllowAdminCreateUserOnly": true }, "Schema": [
                        { "Name": "role", "AttributeDataType": "String" },
                        { "Name": "team", "AttributeDataType": "String", "DeveloperOnlyAttribute": true },
                        { "Name": "tier", "AttributeDataType": "String", "Mutable": false }
                    ] }),
                ),
                ("Kubectl", "AWS::Cognito::UserPoolClient", client),
            ],
        )
    }

    /// A groups or username claim that names an attribute the client lets each user write
    /// lets the user pick their Kubernetes groups (`system:masters`) or another user's name,
    /// whatever prefix is written; the pool's groups, `sub`, `email` as the username, a
    /// developer-only or immutable attribute, or one the client's `WriteAttributes` leaves
    /// out pass.
    #[test]
    fn an_identity_provider_fails_eks3_with_a_claim_users_write() {
        let none = Value::Null;
        for (claims, write) in [
            (json!({ "GroupsClaim": "cognito:groups" }), none.clone()),
            (
                json!({ "GroupsClaim": "cognito:groups", "GroupsPrefix": "oidc:", "UsernameClaim": "email" }),
                none.clone(),
            ),
            (
                json!({ "UsernameClaim": "sub", "UsernamePrefix": "oidc:" }),
                none.clone(),
            ),
            (json!({ "GroupsClaim": "custom:team" }), none.clone()),
            (json!({ "GroupsClaim": "custom:tier" }), none.clone()),
            (
                json!({ "GroupsClaim": "custom:role" }),
                json!(["email", "name"]),
            ),
            (
                json!({ "GroupsClaim": "custom:role" }),
                json!(["email", { "Ref": "AWS::NoValue" }]),
            ),
            (
                json!({ "UsernameClaim": "preferred_username" }),
                json!(["custom:role"]),
            ),
            (json!({ "GroupsClaim": "groups" }), none.clone()),
        ] {
            let found = claimed(claims.clone(), write.clone());
            assert!(
                matches!(found, Outcome::Pass(_)),
                "{claims} {write}: {found:?}"
            );
        }
        for (claims, write, says) in [
            (
                json!({ "GroupsClaim": "custom:role" }),
                none.clone(),
                "`Oidc.GroupsClaim` is `custom:role`, an attribute the client `Kubectl` lets each user write",
            ),
            (
                json!({ "GroupsClaim": "custom:role", "GroupsPrefix": "oidc:" }),
                none.clone(),
                "names their own Kubernetes groups",
            ),
            (
                json!({ "GroupsClaim": "custom:role" }),
                json!(["custom:role"]),
                "`Oidc.GroupsClaim` is `custom:role`",
            ),
            (
                json!({ "GroupsClaim": "custom:role" }),
                json!({ "Fn::If": ["C", ["email"], { "Ref": "AWS::NoValue" }] }),
                "`Oidc.GroupsClaim` is `custom:role`",
            ),
            (
                json!({ "GroupsClaim": "custom:role" }),
                json!([{ "Ref": "Writable" }]),
                "`Oidc.GroupsClaim` is `custom:role`",
            ),
            (
                json!({ "GroupsClaim": "nickname" }),
                none.clone(),
                "`Oidc.GroupsClaim` is `nickname`",
            ),
            (
                json!({ "GroupsClaim": "email" }),
                none.clone(),
                "`Oidc.GroupsClaim` is `email`",
            ),
            (
                json!({ "UsernameClaim": "preferred_username", "UsernamePrefix": "oidc:" }),
                none.clone(),
                "`Oidc.UsernameClaim` is `preferred_username`",
            ),
            (
                json!({ "UsernameClaim": "custom:role" }),
                json!(["custom:role"]),
                "names themselves as another user",
            ),
            (
                json!({ "GroupsClaim": { "Ref": "Claim" } }),
                none.clone(),
                "not known before deploy",
            ),
        ] {
            let found = claimed(claims.clone(), write.clone());
            assert!(fails_saying(&found, says), "{claims} {write}: {found:?}");
        }
    }

    /// Users of an OpenID Connect provider authenticate to the cluster beside its access
    /// entries: only a user pool of the app, open to no sign-up, may be that provider.
    #[test]
    fn an_identity_provider_passes_eks3_only_as_an_invitation_only_user_pool_of_the_app() {
        for issuer in [
            json!({ "Fn::Sub": "https://cognito-idp.${AWS::Region}.amazonaws.com/${Pool}" }),
            json!({ "Fn::Join": ["", ["https://", { "Fn::GetAtt": ["Pool", "ProviderURL"] }]] }),
        ] {
            let found = provider(oidc(issuer.clone()));
            assert!(
                matches!(&found, Outcome::Pass(proofs) if proofs.iter().any(|p| p.path == "/Properties/Oidc/IssuerUrl")),
                "{issuer}: {found:?}"
            );
        }
        let cases: Vec<(Value, &str)> = vec![
            (
                oidc(json!("https://example.okta.com")),
                "`Oidc.IssuerUrl` is https://example.okta.com, no user pool of the app: whoever runs that identity provider decides who authenticates",
            ),
            (
                oidc(json!(
                    "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI"
                )),
                "no user pool of the app",
            ),
            (
                oidc(json!({ "Fn::If": ["Own",
                    { "Fn::Sub": "https://cognito-idp.${AWS::Region}.amazonaws.com/${Pool}" },
                    "https://accounts.google.com"] })),
                "no user pool of the app",
            ),
            (
                oidc(
                    json!({ "Fn::Sub": "https://cognito-idp.${AWS::Region}.amazonaws.com/${Open}" }),
                ),
                "the user pool `Open` lets anyone sign up",
            ),
            (
                json!({ "ClusterName": { "Ref": "Cluster" }, "Type": "oidc" }),
                "`Oidc.IssuerUrl` is not set",
            ),
            (
                {
                    let mut other = oidc(
                        json!({ "Fn::Sub": "https://cognito-idp.${AWS::Region}.amazonaws.com/${Pool}" }),
                    );
                    other["ClusterName"] = json!("billing");
                    other
                },
                "`ClusterName` is billing, no cluster of the app",
            ),
        ];
        for (properties, says) in cases {
            let found = provider(properties.clone());
            assert!(fails_saying(&found, says), "{properties}: {found:?}");
        }
    }

    /// A cluster that authenticates by the `aws-auth` ConfigMap, or keeps its creator as an
    /// administrator, fails EKS3 in every spelling of the default.
    #[test]
    fn a_cluster_whose_users_no_template_declares_fails_eks3() {
        let cases: Vec<(Value, &str)> = vec![
            (Value::Null, "is not set, so it is `CONFIG_MAP`"),
            (
                json!({ "AuthenticationMode": "CONFIG_MAP", "BootstrapClusterCreatorAdminPermissions": false }),
                "is `CONFIG_MAP`, not `API`",
            ),
            (
                json!({ "AuthenticationMode": "API_AND_CONFIG_MAP", "BootstrapClusterCreatorAdminPermissions": false }),
                "is `API_AND_CONFIG_MAP`, not `API`",
            ),
            (
                json!({ "AuthenticationMode": { "Ref": "Mode" }, "BootstrapClusterCreatorAdminPermissions": false }),
                "not known before deploy, so it may not be `API`",
            ),
            (
                json!({ "AuthenticationMode": "API" }),
                "`AccessConfig.BootstrapClusterCreatorAdminPermissions` is not set, so it is true",
            ),
            (
                json!({ "AuthenticationMode": "API", "BootstrapClusterCreatorAdminPermissions": "true" }),
                "is true: the principal that deployed the stack is a cluster administrator",
            ),
        ];
        for (config, says) in cases {
            let found = outcome(
                eks3,
                cluster(|p| {
                    if config.is_null() {
                        p.as_object_mut().unwrap().remove("AccessConfig");
                    } else {
                        p["AccessConfig"] = config.clone();
                    }
                }),
            );
            assert!(fails_saying(&found, says), "{config}: {found:?}");
        }
    }

    /// EKS3 on `kind` with `properties`, in a template of a cluster `Cluster` (named
    /// `records`) and a role `PodRole` (named `pods`).
    fn granted(kind: &str, properties: Value) -> Outcome {
        Cx::check_first(
            eks3,
            &[
                ("It", kind, properties),
                (
                    "Cluster",
                    EKS_CLUSTER,
                    cluster(|p| p["Name"] = json!("records")),
                ),
                ("Key", "AWS::KMS::Key", json!({ "KeyPolicy": {} })),
                cluster_role(),
                ("PodRole", ROLE, json!({ "RoleName": "pods" })),
            ],
        )
    }

    fn role() -> Value {
        json!({ "Fn::GetAtt": ["PodRole", "Arn"] })
    }

    #[test]
    fn grants_of_roles_of_the_app_to_a_cluster_of_the_app_pass_eks3() {
        let by_name =
            json!({ "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/pods" });
        let cases = [
            (
                ACCESS_ENTRY,
                json!({ "ClusterName": { "Ref": "Cluster" }, "PrincipalArn": role() }),
            ),
            (
                ACCESS_ENTRY,
                json!({ "ClusterName": "records", "PrincipalArn": by_name }),
            ),
            (
                POD_IDENTITY,
                json!({ "ClusterName": { "Ref": "Cluster" }, "Namespace": "app", "ServiceAccount": "app", "RoleArn": role(), "TargetRoleArn": role() }),
            ),
            (
                ADDON,
                json!({ "ClusterName": { "Ref": "Cluster" }, "AddonName": "vpc-cni" }),
            ),
            (
                ADDON,
                json!({ "ClusterName": { "Ref": "Cluster" }, "AddonName": "aws-ebs-csi-driver", "ServiceAccountRoleArn": role(),
                    "PodIdentityAssociations": [{ "ServiceAccount": "ebs-csi-controller-sa", "RoleArn": role() }] }),
            ),
            (
                FARGATE_PROFILE,
                json!({ "ClusterName": { "Ref": "Cluster" }, "PodExecutionRoleArn": role(), "Selectors": [{ "Namespace": "app" }] }),
            ),
            (
                NODEGROUP,
                json!({ "ClusterName": { "Ref": "Cluster" }, "NodeRole": role(), "Subnets": ["subnet-0a1b2c3d4e5f60718"] }),
            ),
        ];
        for (kind, properties) in cases {
            let found = granted(kind, properties.clone());
            assert!(
                matches!(found, Outcome::Pass(_)),
                "{kind} {properties}: {found:?}"
            );
        }
    }

    #[test]
    fn grants_of_roles_outside_the_app_or_to_a_cluster_outside_it_fail_eks3() {
        let foreign = json!("arn:aws:iam::111122223333:role/pods");
        let cases: Vec<(&str, Value, &str)> = vec![
            (
                ACCESS_ENTRY,
                json!({ "ClusterName": { "Ref": "Cluster" }, "PrincipalArn": foreign }),
                "`PrincipalArn` is arn:aws:iam::111122223333:role/pods, no role of the app",
            ),
            (
                ACCESS_ENTRY,
                json!({ "ClusterName": { "Ref": "Cluster" }, "PrincipalArn": { "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/admin" } }),
                "no role of the app",
            ),
            (
                ACCESS_ENTRY,
                json!({ "ClusterName": { "Ref": "Cluster" }, "PrincipalArn": { "Ref": "PodRole" } }),
                "no role of the app",
            ),
            (
                ACCESS_ENTRY,
                json!({ "ClusterName": { "Ref": "Cluster" }, "PrincipalArn": { "Fn::If": ["Ops", role(), foreign] } }),
                "no role of the app",
            ),
            (
                ACCESS_ENTRY,
                json!({ "ClusterName": { "Ref": "Cluster" } }),
                "`PrincipalArn` is not set",
            ),
            (
                ACCESS_ENTRY,
                json!({ "ClusterName": "billing", "PrincipalArn": role() }),
                "`ClusterName` is billing, no cluster of the app",
            ),
            (
                ACCESS_ENTRY,
                json!({ "PrincipalArn": role() }),
                "`ClusterName` is not set",
            ),
            (
                POD_IDENTITY,
                json!({ "ClusterName": { "Ref": "Cluster" }, "RoleArn": role(), "TargetRoleArn": foreign }),
                "`TargetRoleArn` is arn:aws:iam::111122223333:role/pods, no role of the app",
            ),
            (
                ADDON,
                json!({ "ClusterName": { "Ref": "Cluster" }, "PodIdentityAssociations": [{ "RoleArn": foreign }] }),
                "`PodIdentityAssociations.0.RoleArn` is arn:aws:iam::111122223333:role/pods",
            ),
            (
                ADDON,
                json!({ "ClusterName": { "Ref": "Cluster" }, "PodIdentityAssociations": { "Ref": "Associations" } }),
                "no rule can read before deploy",
            ),
            (
                ADDON,
                json!({ "ClusterName": { "Ref": "Cluster" }, "ServiceAccountRoleArn": "arn:aws:iam::123456789012:role/pods" }),
                "`ServiceAccountRoleArn` is arn:aws:iam::123456789012:role/pods, no role of the app",
            ),
            (
                FARGATE_PROFILE,
                json!({ "ClusterName": { "Ref": "Cluster" } }),
                "`PodExecutionRoleArn` is not set",
            ),
            (
                NODEGROUP,
                json!({ "ClusterName": { "Ref": "Cluster" }, "NodeRole": "arn:aws:iam::123456789012:role/node" }),
                "`NodeRole` is arn:aws:iam::123456789012:role/node, no role of the app: every node acts with the role",
            ),
        ];
        for (kind, properties, says) in cases {
            let found = granted(kind, properties.clone());
            assert!(fails_saying(&found, says), "{kind} {properties}: {found:?}");
        }
    }

    /// A role's ARN written by name names the role of a stack of this region and account
    /// only: a stack of another account declares another role of that name.
    #[test]
    fn a_role_named_by_arn_is_one_of_a_stack_of_this_account() {
        use crate::testing::raw_template;
        let roles = raw_template(&[("PodRole", ROLE, json!({ "RoleName": "pods" }))]);
        let kube = raw_template(&[
            ("Cluster", EKS_CLUSTER, cluster(|_| {})),
            ("Key", "AWS::KMS::Key", json!({ "KeyPolicy": {} })),
            (
                "Entry",
                ACCESS_ENTRY,
                json!({ "ClusterName": { "Ref": "Cluster" },
                    "PrincipalArn": { "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/pods" } }),
            ),
        ]);
        let statuses = |region: &str| {
            crate::testing::statuses_in(
                &[("roles", &roles), ("kube", &kube)],
                &[Some(region.to_owned()), Some("us-east-1".to_owned())],
                "EKS3",
                "Entry",
            )
        };
        use crate::compliance::Status;
        assert!(
            matches!(statuses("us-east-1").as_slice(), [Status::Enforced { .. }]),
            "{:?}",
            statuses("us-east-1")
        );
        assert!(
            matches!(statuses("us-west-2").as_slice(), [Status::Failed { .. }]),
            "{:?}",
            statuses("us-west-2")
        );
    }

    /// L4 reads where the control-plane logs go: `/aws/eks/<Name>/cluster`, declared in
    /// the cluster's stack, or a group EKS makes itself with no key and no expiry.
    #[test]
    fn control_plane_logs_go_to_a_log_group_of_the_app_for_l4() {
        let l4 = super::super::rule_spec("L4").expect("L4").check;
        let named = |name: Value| cluster(|p| p["Name"] = name);
        let group = |name: &str| {
            (
                "Logs",
                "AWS::Logs::LogGroup",
                json!({ "LogGroupName": name, "KmsKeyId": key_arn(), "RetentionInDays": 2192 }),
            )
        };
        let on = |properties: Value, groups: &[(&str, &str, Value)]| {
            let mut resources = vec![("Cluster", EKS_CLUSTER, properties)];
            resources.extend(groups.iter().cloned());
            Cx::check_first(l4, &resources)
        };
        let held = on(
            named(json!("records")),
            &[group("/aws/eks/records/cluster")],
        );
        assert!(matches!(held, Outcome::Pass(_)), "{held:?}");
        let unnamed = on(cluster(|_| {}), &[group("/aws/eks/records/cluster")]);
        assert!(
            fails_saying(&unnamed, "names the cluster at deploy"),
            "{unnamed:?}"
        );
        let other = on(named(json!("records")), &[group("/aws/eks/other/cluster")]);
        assert!(
            fails_saying(
                &other,
                "no log group of the stack is named `/aws/eks/records/cluster`"
            ),
            "{other:?}"
        );
        let unread = on(
            named(json!({ "Ref": "ClusterName" })),
            &[group("/aws/eks/records/cluster")],
        );
        assert!(
            fails_saying(&unread, "no rule can read before deploy"),
            "{unread:?}"
        );
        let silent = on(
            cluster(|p| {
                p.as_object_mut().unwrap().remove("Logging");
            }),
            &[],
        );
        assert!(matches!(silent, Outcome::NotApplicable), "{silent:?}");
    }

    fn eks4_of(addon: Value) -> Outcome {
        Cx::check_first(
            eks4,
            &[
                (
                    "Storage",
                    ADDON,
                    json!({ "ClusterName": { "Ref": "Cluster" }, "AddonName": addon }),
                ),
                ("Cluster", EKS_CLUSTER, cluster(|_| {})),
            ],
        )
    }

    #[test]
    fn a_storage_driver_add_on_or_auto_mode_block_storage_is_a_gap_naming_its_storage_class() {
        let ebs = eks4_of(json!("aws-ebs-csi-driver"));
        assert!(
            matches!(&ebs, Outcome::Gap(why) if why.starts_with("add-on `Storage`: the EBS CSI driver") && why.contains("`encrypted: \"true\"`")),
            "{ebs:?}"
        );
        for (name, says) in [
            (json!("aws-efs-csi-driver"), "encryptInTransit"),
            (json!({ "Fn::Sub": "aws-fsx-csi-driver" }), "kmsKeyId"),
            (json!("aws-mountpoint-s3-csi-driver"), "buckets"),
            (json!({ "Ref": "AddonName" }), "not known before deploy"),
            (json!("{{resolve:ssm:/addon}}"), "not known before deploy"),
        ] {
            let outcome = eks4_of(name.clone());
            assert!(
                matches!(&outcome, Outcome::Gap(why) if why.contains(says)),
                "{name}: {outcome:?}"
            );
        }
        for other in ["vpc-cni", "coredns", "kube-proxy", "eks-pod-identity-agent"] {
            assert!(
                matches!(eks4_of(json!(other)), Outcome::NotApplicable),
                "{other}"
            );
        }
        // EKS Auto Mode's block storage, on the cluster.
        let auto = |enabled: Value| {
            outcome(
                eks4,
                cluster(|c| c["StorageConfig"] = json!({ "BlockStorage": { "Enabled": enabled } })),
            )
        };
        assert!(
            matches!(auto(json!(true)), Outcome::Gap(ref why) if why.contains("EKS Auto Mode"))
        );
        assert!(matches!(auto(json!({ "Ref": "Auto" })), Outcome::Gap(_)));
        assert!(matches!(auto(json!("false")), Outcome::NotApplicable));
        assert!(matches!(
            outcome(eks4, cluster(|_| {})),
            Outcome::NotApplicable
        ));
    }
}

//! `AWS::IAM::Role`, `AWS::IAM::ManagedPolicy` and `AWS::IAM::InstanceProfile`.
//!
//! There is no model of inline policies or `AWS::IAM::Policy`: permissions are always
//! managed policies (rule I1 of `docs/CONTROLS.md`).

use serde::Serialize;

use super::policy::PolicyDocument;
use super::{Expr, ResourceType};

/// `AWS::IAM::Role`, trusted by one named service.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Role {
    pub description: String,
    pub assume_role_policy_document: PolicyDocument,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub managed_policy_arns: Vec<Expr>,
}

impl ResourceType for Role {
    const TYPE: &'static str = "AWS::IAM::Role";
}

/// `AWS::IAM::ManagedPolicy` attached to roles of the same stack.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ManagedPolicy {
    pub description: String,
    pub policy_document: PolicyDocument,
    pub roles: Vec<Expr>,
}

impl ResourceType for ManagedPolicy {
    const TYPE: &'static str = "AWS::IAM::ManagedPolicy";
}

/// `AWS::IAM::InstanceProfile`: how an EC2 instance gets the credentials of one role.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct InstanceProfile {
    pub roles: Vec<Expr>,
}

impl ResourceType for InstanceProfile {
    const TYPE: &'static str = "AWS::IAM::InstanceProfile";
}

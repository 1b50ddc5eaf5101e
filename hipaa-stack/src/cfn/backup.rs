//! `AWS::Backup::BackupVault`, `AWS::Backup::BackupPlan` and `AWS::Backup::BackupSelection`.

use serde::Serialize;

use super::policy::PolicyDocument;
use super::{Expr, ResourceType};

/// `AWS::Backup::BackupVault`, encrypted with a customer key (rule B4 of `docs/CONTROLS.md`), with an
/// access policy that keeps recovery points (B2).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct BackupVault {
    pub backup_vault_name: String,
    pub encryption_key_arn: Expr,
    pub access_policy: PolicyDocument,
}

impl ResourceType for BackupVault {
    const TYPE: &'static str = "AWS::Backup::BackupVault";
}

/// `AWS::Backup::BackupPlan` (rule B1 of `docs/CONTROLS.md`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct BackupPlan {
    pub backup_plan: PlanBody,
}

impl ResourceType for BackupPlan {
    const TYPE: &'static str = "AWS::Backup::BackupPlan";
}

/// The `BackupPlan` property of a plan.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PlanBody {
    pub backup_plan_name: String,
    pub backup_plan_rule: Vec<PlanRule>,
}

/// One rule of a plan: when to back up, where to, how long to keep it, where to copy it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PlanRule {
    pub rule_name: String,
    pub target_backup_vault: Expr,
    pub schedule_expression: String,
    pub start_window_minutes: u32,
    pub completion_window_minutes: u32,
    pub lifecycle: Lifecycle,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub copy_actions: Vec<CopyAction>,
}

/// How long recovery points are kept.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Lifecycle {
    pub delete_after_days: u16,
}

/// A copy of every recovery point to another vault.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct CopyAction {
    pub destination_backup_vault_arn: Expr,
    pub lifecycle: Lifecycle,
}

/// `AWS::Backup::BackupSelection`: the resources a plan backs up, listed by ARN.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct BackupSelection {
    pub backup_plan_id: Expr,
    pub backup_selection: SelectionBody,
}

impl ResourceType for BackupSelection {
    const TYPE: &'static str = "AWS::Backup::BackupSelection";
}

/// The `BackupSelection` property of a selection.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct SelectionBody {
    pub selection_name: String,
    pub iam_role_arn: Expr,
    pub resources: Vec<Expr>,
}

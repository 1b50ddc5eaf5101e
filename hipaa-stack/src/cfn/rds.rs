//! `AWS::RDS::DBInstance`, `AWS::RDS::DBSubnetGroup`, `AWS::RDS::DBParameterGroup`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Expr, ResourceType};

/// Cross-region replication of a database's automated backups (properties of
/// `AWS::RDS::DBInstance`).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct BackupReplication {
    #[serde(rename = "AutomaticBackupReplicationRegion")]
    pub region: String,
    #[serde(rename = "AutomaticBackupReplicationKmsKeyId")]
    pub kms_key_id: Expr,
    #[serde(rename = "AutomaticBackupReplicationRetentionPeriod")]
    pub retention_period: u16,
}

/// `AWS::RDS::DBInstance` (rules R1–R13 of `docs/CONTROLS.md`). There is no `MasterUserPassword` field:
/// the password is managed by RDS in Secrets Manager.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct DbInstance {
    #[serde(rename = "Engine")]
    pub engine: &'static str,
    #[serde(rename = "EngineVersion")]
    pub engine_version: &'static str,
    #[serde(rename = "DBInstanceClass")]
    pub instance_class: String,
    #[serde(rename = "AllocatedStorage")]
    pub allocated_storage: String,
    #[serde(rename = "StorageType")]
    pub storage_type: &'static str,
    #[serde(rename = "StorageEncrypted")]
    pub storage_encrypted: bool,
    #[serde(rename = "KmsKeyId")]
    pub kms_key_id: Expr,
    #[serde(rename = "PubliclyAccessible")]
    pub publicly_accessible: bool,
    #[serde(rename = "MultiAZ")]
    pub multi_az: bool,
    #[serde(rename = "DBSubnetGroupName")]
    pub subnet_group: Expr,
    #[serde(rename = "VPCSecurityGroups")]
    pub security_groups: Vec<Expr>,
    #[serde(rename = "DBParameterGroupName")]
    pub parameter_group: Expr,
    #[serde(rename = "OptionGroupName", skip_serializing_if = "Option::is_none")]
    pub option_group: Option<Expr>,
    #[serde(rename = "BackupRetentionPeriod")]
    pub backup_retention_period: u16,
    /// Automated backups replicated to another region, encrypted there with a key of that
    /// region, kept as long as at home.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub backup_replication: Option<BackupReplication>,
    #[serde(rename = "CopyTagsToSnapshot")]
    pub copy_tags_to_snapshot: bool,
    #[serde(rename = "DeleteAutomatedBackups")]
    pub delete_automated_backups: bool,
    #[serde(rename = "DeletionProtection")]
    pub deletion_protection: bool,
    #[serde(rename = "MonitoringInterval")]
    pub monitoring_interval: u8,
    #[serde(rename = "MonitoringRoleArn")]
    pub monitoring_role_arn: Expr,
    #[serde(rename = "EnableCloudwatchLogsExports")]
    pub log_exports: Vec<&'static str>,
    #[serde(rename = "EnablePerformanceInsights")]
    pub performance_insights: bool,
    #[serde(rename = "PerformanceInsightsKMSKeyId")]
    pub performance_insights_key: Expr,
    #[serde(rename = "PerformanceInsightsRetentionPeriod")]
    pub performance_insights_retention: u16,
    #[serde(rename = "AutoMinorVersionUpgrade")]
    pub auto_minor_version_upgrade: bool,
    #[serde(rename = "EnableIAMDatabaseAuthentication")]
    pub iam_authentication: bool,
    #[serde(rename = "MasterUsername")]
    pub master_username: String,
    #[serde(rename = "ManageMasterUserPassword")]
    pub manage_master_user_password: bool,
    #[serde(rename = "MasterUserSecret")]
    pub master_user_secret: MasterUserSecret,
}

impl ResourceType for DbInstance {
    const TYPE: &'static str = "AWS::RDS::DBInstance";
}

/// The RDS-managed master password's secret, encrypted with the customer key (R13).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct MasterUserSecret {
    #[serde(rename = "KmsKeyId")]
    pub kms_key_id: Expr,
}

/// `AWS::RDS::DBSubnetGroup`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct DbSubnetGroup {
    #[serde(rename = "DBSubnetGroupDescription")]
    pub description: String,
    #[serde(rename = "SubnetIds")]
    pub subnet_ids: Vec<Expr>,
}

impl ResourceType for DbSubnetGroup {
    const TYPE: &'static str = "AWS::RDS::DBSubnetGroup";
}

/// `AWS::RDS::DBParameterGroup`, used to force TLS (R12).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct DbParameterGroup {
    #[serde(rename = "Description")]
    pub description: String,
    #[serde(rename = "Family")]
    pub family: &'static str,
    #[serde(rename = "Parameters")]
    pub parameters: BTreeMap<&'static str, &'static str>,
}

impl ResourceType for DbParameterGroup {
    const TYPE: &'static str = "AWS::RDS::DBParameterGroup";
}

/// `AWS::RDS::OptionGroup`, used to turn on MySQL's audit plugin (R8).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct OptionGroup {
    #[serde(rename = "EngineName")]
    pub engine_name: &'static str,
    #[serde(rename = "MajorEngineVersion")]
    pub major_engine_version: &'static str,
    #[serde(rename = "OptionGroupDescription")]
    pub description: String,
    #[serde(rename = "OptionConfigurations")]
    pub options: Vec<OptionConfiguration>,
}

impl ResourceType for OptionGroup {
    const TYPE: &'static str = "AWS::RDS::OptionGroup";
}

/// One option of an option group.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct OptionConfiguration {
    #[serde(rename = "OptionName")]
    pub name: &'static str,
    #[serde(rename = "OptionSettings")]
    pub settings: Vec<OptionSetting>,
}

/// One setting of an option.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct OptionSetting {
    #[serde(rename = "Name")]
    pub name: &'static str,
    #[serde(rename = "Value")]
    pub value: &'static str,
}

//! `AWS::SecurityHub::Hub` and `AWS::SecurityHub::Standard`.

use serde::Serialize;

use super::{Expr, ResourceType};

/// `AWS::SecurityHub::Hub`: Security Hub enabled in the account and region.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Hub {
    pub enable_default_standards: bool,
    pub control_finding_generator: &'static str,
    pub auto_enable_controls: bool,
}

impl ResourceType for Hub {
    const TYPE: &'static str = "AWS::SecurityHub::Hub";
}

/// `AWS::SecurityHub::Standard`: one security standard turned on.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Standard {
    pub standards_arn: Expr,
}

impl ResourceType for Standard {
    const TYPE: &'static str = "AWS::SecurityHub::Standard";
}

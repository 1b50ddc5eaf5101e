//! `AWS::GuardDuty::Detector`.

use serde::Serialize;

use super::ResourceType;

/// `AWS::GuardDuty::Detector`, enabled.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Detector {
    pub enable: bool,
    pub finding_publishing_frequency: &'static str,
    pub features: Vec<Feature>,
}

impl ResourceType for Detector {
    const TYPE: &'static str = "AWS::GuardDuty::Detector";
}

/// A protection plan of the detector.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Feature {
    pub name: &'static str,
    pub status: &'static str,
}

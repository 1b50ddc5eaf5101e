//! Rules for compute resources.

use super::RuleSpec;

pub(crate) static RULES: &[RuleSpec] = &[];

//! Rules for network resources.

use super::RuleSpec;

pub(crate) static RULES: &[RuleSpec] = &[];

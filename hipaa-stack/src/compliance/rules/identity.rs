//! Rules for identity resources.

use super::RuleSpec;

pub(crate) static RULES: &[RuleSpec] = &[];

//! Rules for resilience resources.

use super::RuleSpec;

pub(crate) static RULES: &[RuleSpec] = &[];

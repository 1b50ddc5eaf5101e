//! IAM policy documents: key policies, bucket policies, trust policies, managed policies.
//!
//! An `Allow` always names its principal; only a `Deny` may apply to every principal (`*`).
//! There is no way to write an `Allow` for `*`.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::Expr;

/// A policy document (`Version` 2012-10-17).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PolicyDocument {
    version: &'static str,
    statement: Vec<Statement>,
}

impl PolicyDocument {
    pub(crate) fn new(statements: Vec<Statement>) -> Self {
        PolicyDocument {
            version: "2012-10-17",
            statement: statements,
        }
    }
}

/// A principal that an `Allow` may name.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Principal {
    /// An AWS service, e.g. `cloudtrail.amazonaws.com`.
    Service(Expr),
    /// An account or role ARN.
    Aws(Expr),
}

#[derive(Debug, Clone, PartialEq)]
enum Who {
    Named(Principal),
    Everyone,
    /// Identity policies (managed policies) have no principal.
    Identity,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
enum Effect {
    Allow,
    Deny,
}

/// One statement of a policy document.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Statement {
    sid: &'static str,
    effect: Effect,
    who: Who,
    actions: Vec<&'static str>,
    resources: Vec<Expr>,
    /// The conditions: each operator with its keys and values, both in sorted order (the
    /// order they are written in). A list, not a `BTreeMap`, whose nodes hold room for
    /// eleven entries: a statement has one or two, and every bucket's policy has two
    /// statements.
    conditions: Vec<(&'static str, Vec<(String, Expr)>)>,
}

impl Statement {
    /// Allows `principal` to take `actions` on `resources`.
    pub(crate) fn allow(
        sid: &'static str,
        principal: Principal,
        actions: &[&'static str],
        resources: Vec<Expr>,
    ) -> Self {
        Statement {
            sid,
            effect: Effect::Allow,
            who: Who::Named(principal),
            actions: actions.to_vec(),
            resources,
            conditions: Vec::new(),
        }
    }

    /// Denies every principal `actions` on `resources` (used with a condition).
    pub(crate) fn deny_everyone(
        sid: &'static str,
        actions: &[&'static str],
        resources: Vec<Expr>,
    ) -> Self {
        Statement {
            sid,
            effect: Effect::Deny,
            who: Who::Everyone,
            actions: actions.to_vec(),
            resources,
            conditions: Vec::new(),
        }
    }

    /// Allows the identity the policy is attached to (managed policies).
    pub(crate) fn allow_identity(
        sid: &'static str,
        actions: &[&'static str],
        resources: Vec<Expr>,
    ) -> Self {
        Statement {
            sid,
            effect: Effect::Allow,
            who: Who::Identity,
            actions: actions.to_vec(),
            resources,
            conditions: Vec::new(),
        }
    }

    /// Adds a condition, e.g. `when("Bool", "aws:SecureTransport", "false")`.
    pub(crate) fn when(
        mut self,
        operator: &'static str,
        key: impl Into<String>,
        value: impl Into<Expr>,
    ) -> Self {
        // Each list grows by one: a statement has one or two conditions, and a vector
        // that grows on its own makes room for four (every bucket's policy held 1 KiB of
        // room that nothing used, until its stack was checked with low memory).
        let at = match self.conditions.binary_search_by(|(o, _)| o.cmp(&operator)) {
            Ok(at) => at,
            Err(at) => {
                self.conditions.reserve_exact(1);
                self.conditions
                    .insert(at, (operator, Vec::with_capacity(1)));
                at
            }
        };
        let keys = &mut self.conditions[at].1;
        let key = key.into();
        match keys.binary_search_by(|(k, _)| k.cmp(&key)) {
            Ok(i) => keys[i].1 = value.into(),
            Err(i) => {
                keys.reserve_exact(1);
                keys.insert(i, (key, value.into()));
            }
        }
        self
    }
}

impl Serialize for Statement {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("Sid", self.sid)?;
        map.serialize_entry("Effect", &self.effect)?;
        match &self.who {
            Who::Named(Principal::Service(s)) => {
                map.serialize_entry("Principal", &OneKey("Service", s))?
            }
            Who::Named(Principal::Aws(a)) => map.serialize_entry("Principal", &OneKey("AWS", a))?,
            Who::Everyone => map.serialize_entry("Principal", "*")?,
            Who::Identity => {}
        }
        map.serialize_entry("Action", &self.actions)?;
        // Trust policies name no resource.
        if !self.resources.is_empty() {
            map.serialize_entry("Resource", &self.resources)?;
        }
        if !self.conditions.is_empty() {
            map.serialize_entry("Condition", &Conditions(&self.conditions))?;
        }
        map.end()
    }
}

/// A statement's conditions, written as an object of objects.
struct Conditions<'a>(&'a [(&'static str, Vec<(String, Expr)>)]);

impl Serialize for Conditions<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (operator, keys) in self.0 {
            map.serialize_entry(operator, &Keys(keys))?;
        }
        map.end()
    }
}

/// An operator's keys and values, written as an object.
struct Keys<'a>(&'a [(String, Expr)]);

impl Serialize for Keys<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

struct OneKey<'a, V: ?Sized>(&'static str, &'a V);

impl<V: Serialize + ?Sized> Serialize for OneKey<'_, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(self.0, self.1)?;
        map.end()
    }
}

/// The statement every bucket policy carries: deny any request that is not over TLS 1.2+,
/// on the bucket and on its objects (rule S8 of `docs/CONTROLS.md`).
pub(crate) fn deny_insecure_transport(bucket_arn: &Expr) -> [Statement; 2] {
    let both = vec![
        bucket_arn.clone(),
        Expr::join([bucket_arn.clone(), "/*".into()]),
    ];
    [
        Statement::deny_everyone("DenyInsecureTransport", &["s3:*"], both.clone()).when(
            "Bool",
            "aws:SecureTransport",
            "false",
        ),
        Statement::deny_everyone("DenyOutdatedTls", &["s3:*"], both).when(
            "NumericLessThan",
            "s3:TlsVersion",
            "1.2",
        ),
    ]
}

/// The statement every queue policy carries: deny any request that is not over TLS, on
/// the queue and its dead-letter queue (rule A2 of `docs/CONTROLS.md`).
pub(crate) fn deny_insecure_queue_transport(queue_arns: Vec<Expr>) -> Statement {
    Statement::deny_everyone("DenyInsecureTransport", &["sqs:*"], queue_arns).when(
        "Bool",
        "aws:SecureTransport",
        "false",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// A statement's conditions are written as a map of maps would write them: each
        /// operator and each key once, in sorted order, a key given twice with its last
        /// value.
        #[test]
        fn conditions_are_written_sorted_with_the_last_value_of_a_key(
            given in proptest::collection::vec((0usize..3, "k[a-c]", "[a-z]{1,3}"), 0..8),
        ) {
            const OPERATORS: [&str; 3] = ["StringEquals", "Bool", "ArnLike"];
            let mut statement =
                Statement::deny_everyone("Deny", &["s3:*"], vec![Expr::lit("arn")]);
            let mut expected: std::collections::BTreeMap<&str, std::collections::BTreeMap<String, String>> =
                std::collections::BTreeMap::new();
            for (operator, key, value) in &given {
                statement = statement.when(OPERATORS[*operator], key.clone(), value.as_str());
                expected
                    .entry(OPERATORS[*operator])
                    .or_default()
                    .insert(key.clone(), value.clone());
            }
            let written = serde_json::to_string(&statement).unwrap();
            let condition = serde_json::to_string(&expected).unwrap();
            if expected.is_empty() {
                proptest::prop_assert!(!written.contains("Condition"));
            } else {
                let wanted = format!(",\"Condition\":{condition}}}");
                proptest::prop_assert!(written.ends_with(&wanted), "{}", written);
            }
        }
    }
}

//! IAM policy documents: key policies, bucket policies, trust policies, managed policies.
//!
//! An `Allow` always names its principal; only a `Deny` may apply to every principal (`*`).
//! There is no way to write an `Allow` for `*`.

use std::collections::BTreeMap;

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
    conditions: BTreeMap<&'static str, BTreeMap<String, Expr>>,
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
            conditions: BTreeMap::new(),
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
            conditions: BTreeMap::new(),
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
            conditions: BTreeMap::new(),
        }
    }

    /// Adds a condition, e.g. `when("Bool", "aws:SecureTransport", "false")`.
    pub(crate) fn when(
        mut self,
        operator: &'static str,
        key: impl Into<String>,
        value: impl Into<Expr>,
    ) -> Self {
        self.conditions
            .entry(operator)
            .or_default()
            .insert(key.into(), value.into());
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
            map.serialize_entry("Condition", &self.conditions)?;
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

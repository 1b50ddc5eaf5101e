//! Synthesis with the rules: the compliance layer hands its rule engine and its way of
//! writing waivers to [`synthesize`], which reads no rule itself, and keeps what the rules
//! found in the [`Assembly`].

use serde_json::Value;

use crate::app::App;
use crate::cfn::Template;
use crate::compliance::{Declarations, Evaluation, Evaluator, Proof};
use crate::error::{Error, Result};
use crate::literal::Date;
use crate::synth::{Check, synthesize};

/// A synthesized app with the [`Evaluation`] of every rule on every resource: what
/// [`App::synth`] and [`App::check`] return, and what `report` and the deploy engine read.
pub type Assembly = crate::synth::Assembly<Evaluation>;

impl Assembly {
    /// What every rule found on every resource.
    pub fn evaluation(&self) -> &Evaluation {
        &self.evaluation
    }

    /// The value that a proof points at, read from the template of `stack` (the stack of
    /// the checked resource) or of the stack that the proof names (`stack/LogicalId`).
    ///
    /// ```
    /// # use hipaa_stack::{App, KmsKey};
    /// # use hipaa_stack::compliance::Status;
    /// let app = App::new("docs");
    /// let stack = app.stack("data")?;
    /// stack.add(KmsKey::new("PhiKey"))?;
    /// let assembly = app.synth()?;
    /// for checked in &assembly.evaluation().results {
    ///     if let Status::Enforced { evidence } = &checked.status {
    ///         for proof in evidence {
    ///             assert!(assembly.evidence(&checked.stack, proof).is_some());
    ///         }
    ///     }
    /// }
    /// # Ok::<(), hipaa_stack::Error>(())
    /// ```
    pub fn evidence(&self, stack: &str, proof: &Proof) -> Option<Value> {
        let (stack, logical_id) = proof
            .logical_id
            .split_once('/')
            .unwrap_or((stack, proof.logical_id.as_str()));
        self.stack(stack)?
            .template()
            .resource(logical_id)?
            .value_at(&proof.path)
    }
}

/// The rule engine, run on each stack as synthesis reaches it.
struct Rules {
    today: Date,
    evaluator: Option<Evaluator>,
}

impl Check for Rules {
    type Output = Evaluation;

    fn start(&mut self, in_order: &[(&str, &Template)]) {
        self.evaluator = Some(Evaluator::new(in_order, self.today));
    }

    fn stack(&mut self, in_order: &[(&str, &Template)], at: usize) {
        if let Some(evaluator) = &mut self.evaluator {
            evaluator.stack(in_order, at);
        }
    }

    fn finish(self) -> Evaluation {
        self.evaluator.map(Evaluator::finish).unwrap_or_default()
    }
}

impl App {
    /// Synthesizes the app: renders every construct, places cross-stack references as
    /// exports and imports, resolves the graph of resources and stacks, and checks
    /// CloudFormation's limits.
    ///
    /// The same program always gives the same templates, byte for byte.
    ///
    /// ```
    /// use hipaa_stack::prelude::*;
    /// let app = App::new("clinic");
    /// let security = app.stack("clinic-security")?;
    /// let key = security.add(KmsKey::new("PhiKey"))?;
    /// let logs = security.add(AccessLogBucket::new("AccessLogs"))?;
    /// let data = app.stack("clinic-data")?;
    /// data.add(SecureBucket::new("Records").encryption(&key).access_logs(&logs))?;
    ///
    /// let assembly = app.synth()?;
    /// let data = assembly.stack("clinic-data").unwrap();
    /// assert_eq!(data.dependencies(), ["clinic-security"]);
    /// assert_eq!(data.wave(), 1);
    /// assert!(data.template_json().contains("Fn::ImportValue"));
    /// # Ok::<(), hipaa_stack::Error>(())
    /// ```
    pub fn synth(&self) -> Result<Assembly> {
        let assembly = self.check()?;
        let findings = assembly.evaluation().findings();
        if findings.is_empty() {
            Ok(assembly)
        } else {
            Err(Error::Noncompliant { findings })
        }
    }

    /// Like [`App::synth`], but returns the assembly even when rules fail, with the
    /// [`Evaluation`] of every rule on every resource: for `check` and the report.
    ///
    /// ```
    /// use hipaa_stack::prelude::*;
    /// let app = App::new("clinic");
    /// let stack = app.stack("clinic")?;
    /// let key = stack.add(KmsKey::new("PhiKey"))?;
    /// stack.add(LogGroup::new("App").encryption(&key))?;
    /// let assembly = app.check()?;
    /// assert!(assembly.evaluation().findings().is_empty());
    /// # Ok::<(), hipaa_stack::Error>(())
    /// ```
    pub fn check(&self) -> Result<Assembly> {
        self.check_on(Date::today())
    }

    /// [`App::check`] as if today were `today` (waivers expire relative to it).
    pub fn check_on(&self, today: Date) -> Result<Assembly> {
        synthesize(
            self,
            &Declarations,
            Rules {
                today,
                evaluator: None,
            },
        )
    }
}

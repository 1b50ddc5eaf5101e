//! The rule engine: every rule on every resource of every stack.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use crate::cfn::Template;
use crate::cfn::scan::Scanned;
use crate::compliance::report::Gathered;
use crate::compliance::rules::branches::{self, MOST_CONDITIONS, Reading};
use crate::compliance::rules::{Cx, Index, IndexPart, Outcome, Proof, rule_count, rules_for};
use crate::compliance::waiver::{invisible, reason_problem, too_far};
use crate::compliance::{CONSTRUCT_KIND_PROOF, EXCEPTIONS_KEY, WAIVERS_KEY, rule_spec};
use crate::error::Finding;
use crate::literal::Date;

/// What happened to one rule on one resource.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Checked {
    /// The rule id.
    pub rule: &'static str,
    /// The stack.
    pub stack: Arc<str>,
    /// The resource's logical id.
    pub logical_id: Arc<str>,
    /// The resource's CloudFormation type.
    pub resource_type: Arc<str>,
    /// The construct that made the resource.
    pub construct: Arc<str>,
    /// False for raw resources added through the escape hatch: only the rules vouch for
    /// them, not the types of the program.
    pub verified_at_compile_time: bool,
    /// The outcome.
    pub status: Status,
}

/// The outcome of a rule on a resource.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase", tag = "status")]
pub enum Status {
    /// The rule holds; the evidence points at the template.
    Enforced {
        /// The properties that prove it.
        evidence: Vec<Proof>,
    },
    /// The rule does not hold (or is a gap no template closes), and a waiver says why that
    /// is accepted. A construct's typed exception is one too, built in: a rule that holds
    /// on a resource only because of what its construct is (an `AccessLogBucket`'s SSE-S3,
    /// no access logs and no replica; the unreplicated bucket of an `AuditTrail` or an
    /// `AccountBaseline`) proves no setting, and is reported as a waived gap with the
    /// reason the construct recorded, which nothing expires.
    Waived {
        /// What does not hold.
        finding: String,
        /// The waiver's reason.
        reason: String,
        /// The waiver's last day, if any.
        expires: Option<String>,
        /// Whether what is waived is a gap (nothing in a template can close it), not a
        /// failure.
        gap: bool,
    },
    /// The rule does not hold and nothing waives it: synth refuses the app.
    Failed {
        /// What does not hold.
        finding: String,
    },
    /// Nothing in a template closes this; the report shows it.
    Gap {
        /// What is missing.
        reason: String,
    },
}

/// The result of every rule on every resource, in the order of stacks, resources, rules.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Evaluation {
    /// Every rule that applied to a resource.
    pub results: Vec<Checked>,
    /// Waivers that matched no failure: `(rule, stack, logical id)`.
    pub unused_waivers: Vec<(String, String, String)>,
    /// Waivers of a rule on a construct none of whose resources is of a type the rule
    /// reads, so that the waiver was written on no resource: `(rule, stack, construct
    /// path)`, in the order the program wrote them. The report lists them with the unused
    /// waivers rather than lose them.
    pub waivers_on_nothing: Vec<(String, String, String)>,
    /// What the report reads of each stack, in deploy order, gathered while synthesis held
    /// the stack's tree (for the report only).
    #[serde(skip)]
    pub(crate) gathered: Option<Gathered>,
    /// The number of proofs of each rule that holds on a construct's resource, by rule, when
    /// those results were counted rather than kept ([`Results::Counted`]); empty otherwise.
    #[serde(skip)]
    pub(crate) proofs: BTreeMap<&'static str, usize>,
}

/// What an evaluation keeps of the results: the failures and the unused waivers are always
/// kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Results {
    /// Every result, with the evidence of the rules that hold: for the report, the deploy
    /// engine and [`crate::App::check`].
    Every,
    /// The rules that hold on a construct's resource only counted, with their proofs, in
    /// [`Evaluation::proofs`]; the results on escape-hatch resources are kept, since the
    /// report lists those resources. For what prints counts (`check` and `report
    /// --summary`): at N=50,000 `scale`'s kept results held 400 MiB of `check`'s peak.
    Counted,
    /// Only the failures that nothing waives (and the unused waivers): for `synth`, which
    /// reads only what stops it. At N=50,000 `scale`'s gaps (one per bucket) held 17 MiB of
    /// `synth --low-memory`'s peak, and nothing of `synth` reads them.
    Failures,
}

impl Evaluation {
    /// The unwaived failures.
    pub fn findings(&self) -> Vec<Finding> {
        self.results
            .iter()
            .filter_map(|c| match &c.status {
                Status::Failed { finding } => {
                    let spec = rule_spec(c.rule)?;
                    Some(Finding {
                        rule: c.rule,
                        controls: spec.controls,
                        stack: c.stack.to_string(),
                        construct: c.construct.to_string(),
                        logical_id: c.logical_id.to_string(),
                        what: finding.clone(),
                        fix: spec.fix,
                    })
                }
                _ => None,
            })
            .collect()
    }
}

/// The status of a rule that holds on `resource` only because of what a construct *is*:
/// its evidence names a construct kind ([`CONSTRUCT_KIND_PROOF`]), which hipaa-stack writes
/// in the metadata and a raw resource cannot: the resource's own, or that of the resource
/// the proof names in `template` (an `AWS::SNS::Subscription` to an `AlarmTopic` passes
/// `A5` by the topic's kind). Such a pass proves no setting, so the control is not met
/// there: it is reported as a waived gap (a built-in waiver, which nothing expires) with
/// the reason the construct recorded for the rule ([`EXCEPTIONS_KEY`], written by
/// [`Declare::suppress`](crate::app::node::Declare::suppress)), and a control whose only
/// rows are such waivers is a gap in the report, not enforced. Without a recorded reason
/// the pass is still never enforcement (probe 18b F4): it is a waived gap whose reason
/// says that no reason was recorded. `None` only for a pass with no kind proof, which the
/// template's settings prove.
fn excepted(
    template: &Template,
    resource: &crate::cfn::Resource,
    rule: &str,
    evidence: &[Proof],
) -> Option<Status> {
    let proof = evidence.iter().find(|p| p.path == CONSTRUCT_KIND_PROOF)?;
    let holder = if proof.logical_id == resource.logical_id() {
        Some(resource)
    } else {
        template
            .resources()
            .iter()
            .find(|r| r.logical_id() == proof.logical_id)
    };
    let kind = holder
        .and_then(crate::cfn::Resource::construct_kind)
        .unwrap_or("construct");
    let recorded = holder.and_then(|holder| {
        holder
            .metadata()
            .get(EXCEPTIONS_KEY)
            .and_then(Value::as_array)
            .and_then(|list| {
                list.iter()
                    .find(|e| e["rule"].as_str() == Some(rule))
                    .and_then(|e| e["reason"].as_str())
            })
    });
    let reason = match recorded {
        Some(reason) => shown(reason).into_owned(),
        None => format!(
            "hipaa-stack's `{kind}` recorded no reason for this exception of {rule}: the rule holds here only by what the construct is, which proves no setting of the template, so the control is not shown as met here"
        ),
    };
    Some(Status::Waived {
        finding: format!(
            "not met here: the rule holds only as a typed exception of hipaa-stack's `{kind}` (the construct kind in the metadata of `{}`), not by a setting of the template",
            shown(&proof.logical_id)
        ),
        reason,
        expires: None,
        gap: true,
    })
}

struct WaiverNote {
    rule: String,
    reason: String,
    expires: Option<String>,
    never_holds_phi: bool,
    used: bool,
}

impl WaiverNote {
    /// Whether the waiver's last day is before `today`: it no longer waives. A last day
    /// that is no date (metadata written by no [`Waiver`](crate::compliance::Waiver)) is
    /// read as past: a waiver never holds longer than it can be shown to.
    fn expired(&self, today: Date) -> bool {
        self.expires
            .as_deref()
            .is_some_and(|e| Date::parse(e).map_or(true, |last| last < today))
    }

    /// Why the waiver does not waive, when it does not: it expired before `today`, its last
    /// day is more than a year after `today` ([`too_far`]), or its reason is not one an
    /// auditor can read ([`reason_problem`]): a construct's typed exception, or metadata
    /// written by any other way, skips [`App::waive`](crate::App::waive)'s checks.
    fn refused(&self, today: Date) -> Option<String> {
        if let Some(problem) = reason_problem(&self.reason) {
            Some(format!("the waiver's reason is refused: {problem}"))
        } else if self.expired(today) {
            Some(format!(
                "the waiver expired after {}",
                shown(self.expires.as_deref().unwrap_or_default())
            ))
        } else {
            self.expires
                .as_deref()
                .and_then(|e| Date::parse(e).ok())
                .and_then(|last| too_far(last, today))
                .map(|problem| format!("the waiver is refused: {problem}"))
        }
    }
}

/// `text` as every rendering of the results shows it: each control character and each
/// invisible formatting character ([`invisible`]: bidirectional overrides, zero-width
/// characters, line separators) written as its code point (`\u{202e}`), so that text a
/// template holds (a raw resource's property, named or valued) and a finding quotes can
/// neither hide nor forge a line of `check`'s output or of the report.
pub(crate) fn shown(text: &str) -> std::borrow::Cow<'_, str> {
    // Printable ASCII holds neither (every invisible character is past U+00AC): read a
    // byte at a time, as most text is (`check` shows a line per gap: 50,000 at N=50,000).
    if printable_ascii(text) || !text.chars().any(|c| c.is_control() || invisible(c)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() || invisible(c) {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Whether `text` is printable ASCII only (U+0020 to U+007E): read without a branch per
/// byte, so that the compiler reads many bytes at a time.
pub(crate) fn printable_ascii(text: &str) -> bool {
    !text
        .bytes()
        .fold(false, |outside, b| outside | !(b' '..=b'~').contains(&b))
}

/// [`shown`] of an owned text, reusing it when nothing is escaped.
fn shown_owned(text: String) -> String {
    match shown(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(escaped) => escaped,
    }
}

/// The outcome of a rule on a resource of an app that tests conditions: it fails if it fails
/// in any reading of the app (the finding says in which), is a gap if it is one in any, does
/// not apply if it applies in none, and otherwise holds, with the evidence of every reading,
/// pointing at the branches of the template as written.
fn every_reading(
    count: usize,
    check: impl Fn(usize) -> Outcome,
    when: impl Fn(usize) -> String,
    original: impl Fn(usize, &mut Proof),
) -> Outcome {
    // Each finding once, with the first reading it is found in and how many it is in.
    let mut failures: Vec<(String, String, usize)> = Vec::new();
    let mut gap = None;
    let mut evidence: Vec<Proof> = Vec::new();
    let mut applies = false;
    for at in 0..count {
        match check(at) {
            Outcome::Fail(finding) => match failures.iter_mut().find(|(_, f, _)| *f == finding) {
                Some((_, _, seen)) => *seen += 1,
                None => failures.push((when(at), finding, 1)),
            },
            Outcome::Gap(reason) => gap = gap.or(Some(reason)),
            Outcome::NotApplicable => {}
            Outcome::Pass(proofs) => {
                applies = true;
                for mut proof in proofs {
                    original(at, &mut proof);
                    if !evidence.contains(&proof) {
                        evidence.push(proof);
                    }
                }
            }
        }
    }
    if !failures.is_empty() {
        let findings: Vec<String> = failures
            .into_iter()
            .map(|(when, finding, seen)| {
                if seen == count {
                    finding
                } else {
                    format!("{when}: {finding}")
                }
            })
            .collect();
        Outcome::Fail(findings.join("; "))
    } else if let Some(reason) = gap {
        Outcome::Gap(reason)
    } else if applies {
        Outcome::Pass(evidence)
    } else {
        Outcome::NotApplicable
    }
}

/// What the engine reads of one stack's properties before the first stack is checked: the
/// conditions its resources test (`Fn::If`, each once) and what the [`Index`] reads. It is
/// read as the stack is rendered, from its trees or (with low memory) from a scan of its
/// typed properties, so that no stack's trees need be held until it is checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct StackSummary {
    index: IndexPart,
    conditions: Vec<String>,
}

impl StackSummary {
    /// What the engine reads of `template`'s properties before any stack is checked, from
    /// what `scans` read of each resource (by position), or from its properties where no
    /// scan did or a scan found a condition tested.
    pub(crate) fn of(template: &Template, scans: &[Option<Scanned>]) -> Self {
        let mut found: Vec<&str> = Vec::new();
        for (i, r) in template.resources().iter().enumerate() {
            let scanned = scans.get(i).and_then(Option::as_ref);
            if scanned.is_some_and(|s| !s.tests_condition) {
                continue;
            }
            for name in branches::conditions(r.properties()) {
                if !found.contains(&name) {
                    found.push(name);
                }
            }
        }
        StackSummary {
            index: IndexPart::of(template, scans),
            conditions: found.into_iter().map(str::to_owned).collect(),
        }
    }
}

/// One reading of an app that tests conditions: every stack that tests one, with each
/// `Fn::If` of each of its resources replaced by the branch the reading's conditions take,
/// so that a rule reads the resource it checks and every resource it reads beside it (a
/// bucket policy, a key policy, a security group, a stage, in any stack) in the same
/// reading.
struct View {
    /// Which of the app's conditions are true in this reading (bit `i` for condition `i`).
    bits: u32,
    /// The stacks that test a condition, by position, resolved.
    resolved: Vec<(usize, Template)>,
    /// The reading of each resource that tests a condition, by stack position and logical
    /// id, for evidence to point into the template as written (properties left out).
    readings: std::collections::HashMap<(usize, String), Reading>,
}

impl View {
    /// Every reading of an app whose resources test `conditions` (at most
    /// [`MOST_CONDITIONS`]).
    fn all(stacks: &[(&str, &Template)], conditions: &[(usize, String)]) -> Vec<View> {
        (0..1u32 << conditions.len())
            .map(|bits| {
                let value = |at: usize, name: &str| {
                    conditions
                        .iter()
                        .position(|(s, n)| *s == at && n == name)
                        .is_some_and(|i| bits & (1 << i) != 0)
                };
                let mut resolved = Vec::new();
                let mut readings = std::collections::HashMap::new();
                for (at, (_, template)) in stacks.iter().enumerate() {
                    if !conditions.iter().any(|(s, _)| *s == at) {
                        continue;
                    }
                    let mut copy = (*template).clone();
                    for r in &mut copy.resources {
                        let names = branches::conditions(r.properties());
                        if names.is_empty() {
                            continue;
                        }
                        let taken = names
                            .iter()
                            .map(|n| ((*n).to_owned(), value(at, n)))
                            .collect();
                        let mut reading = branches::reading(r.properties(), taken);
                        let read = r.with_properties(std::mem::take(&mut reading.properties));
                        readings.insert((at, read.logical_id().to_owned()), reading);
                        *r = read;
                    }
                    resolved.push((at, copy));
                }
                View {
                    bits,
                    resolved,
                    readings,
                }
            })
            .collect()
    }

    /// The stacks of the app as this reading sees them.
    fn stacks<'a>(&'a self, stacks: &[(&'a str, &'a Template)]) -> Vec<(&'a str, &'a Template)> {
        stacks
            .iter()
            .enumerate()
            .map(|(at, &(name, template))| {
                let read = self.resolved.iter().find(|(s, _)| *s == at);
                (name, read.map_or(template, |(_, t)| t))
            })
            .collect()
    }

    /// The conditions as a finding on a resource of stack `home` states them: ``when `A`
    /// is true and `other/B` false`` (a condition of another stack is named with it).
    fn when(
        &self,
        conditions: &[(usize, String)],
        stacks: &[(&str, &Template)],
        home: usize,
    ) -> String {
        let parts: Vec<String> = conditions
            .iter()
            .enumerate()
            .map(|(i, (at, name))| {
                let value = self.bits & (1 << i) != 0;
                match stacks.get(*at).filter(|_| *at != home) {
                    Some((stack, _)) => format!("`{stack}/{name}` is {value}"),
                    None => format!("`{name}` is {value}"),
                }
            })
            .collect();
        format!("when {}", parts.join(" and "))
    }

    /// Points `proof` (of a resource of stack `home`, or `stack/LogicalId` of another) into
    /// the branches of the template as written.
    fn original(&self, stacks: &[(&str, &Template)], home: usize, proof: &mut Proof) {
        let (at, id) = match proof.logical_id.split_once('/') {
            Some((stack, id)) => match stacks.iter().position(|(s, _)| *s == stack) {
                Some(at) => (at, id),
                None => return,
            },
            None => (home, proof.logical_id.as_str()),
        };
        if let Some(reading) = self.readings.get(&(at, id.to_owned()))
            && let Some(below) = proof.path.strip_prefix("/Properties")
        {
            proof.path = format!("/Properties{}", reading.original(below));
        }
    }
}

/// The results of an app's rules, one stack at a time ([`Evaluator::stack`], which only
/// reads, so that stacks are checked in parallel), merged in deploy order
/// ([`Evaluator::merge`]) so that the results do not depend on which stack finished first.
pub(crate) struct Evaluator {
    evaluation: Evaluation,
    today: Date,
    /// The resources of the app by type, found once for the whole app.
    index: Index,
    /// The conditions that the app's resources test, by stack position, found as the
    /// stacks were rendered.
    conditions: Vec<(usize, String)>,
    /// The readings of an app whose resources test conditions (none otherwise, and none for
    /// an app that tests more than [`MOST_CONDITIONS`]), made once for every stack.
    views: Vec<View>,
    /// The index of each reading of [`Evaluator::views`], made once.
    indexes: Vec<Index>,
    /// What the results keep of the rules that hold.
    results: Results,
}

impl Evaluator {
    /// An evaluation of `stacks` (every stack of the app), whose properties `summaries`
    /// read ([`StackSummary::of`], one per stack, in the same order), as if today were
    /// `today`, keeping what `results` says of the rules that hold (`synth` into a folder
    /// reads only the failures, `check` counts, the report and the deploy engine read every
    /// result). `placement` is the stacks' pinned regions, by position (`None`, or no entry,
    /// for the environment's region), which rule `D2` reads, and their environments'
    /// accounts (`None`, or no entry, for the deploy account), which rule `R1` reads.
    pub(crate) fn keeping(
        stacks: &[(&str, &Template)],
        summaries: Vec<StackSummary>,
        today: Date,
        results: Results,
        placement: (&[Option<String>], &[Option<String>]),
    ) -> Self {
        let (regions, accounts) = placement;
        // One result per rule that reads a resource's type, at most: reserving them avoids
        // doubling the vector (and holding both copies) while a large app is checked. Only
        // when every result is kept (counted at N=50,000, a reading of every resource:
        // 30 ms of `synth`, which keeps the failures).
        let most = if results == Results::Every {
            stacks
                .iter()
                .flat_map(|(_, template)| template.resources())
                .map(|r| rules_for(r.type_name()).len())
                .sum()
        } else {
            0
        };
        let conditions: Vec<(usize, String)> = summaries
            .iter()
            .enumerate()
            .flat_map(|(at, s)| s.conditions.iter().map(move |name| (at, name.clone())))
            .collect();
        let parts: Vec<&IndexPart> = summaries.iter().map(|s| &s.index).collect();
        let mut index = Index::join(stacks, &parts);
        index.conditions = conditions.len();
        index.regions = regions.to_vec();
        index.accounts = accounts.to_vec();
        // An app whose resources test conditions (`Fn::If`) is read once per combination of
        // them, every stack resolved alike, so that a branch of a resource that a rule reads
        // beside the one it checks is read too. An app that tests more than
        // `MOST_CONDITIONS` is not resolved: rule U2 fails every resource that tests one.
        let views = if conditions.len() <= MOST_CONDITIONS && !conditions.is_empty() {
            View::all(stacks, &conditions)
        } else {
            Vec::new()
        };
        // Each reading's index: the stacks it resolves read again, the others as they are.
        let indexes = views
            .iter()
            .map(|view| {
                let resolved: Vec<(usize, IndexPart)> = view
                    .resolved
                    .iter()
                    .map(|(at, template)| (*at, IndexPart::of(template, &[])))
                    .collect();
                let parts: Vec<&IndexPart> = parts
                    .iter()
                    .enumerate()
                    .map(|(at, &part)| {
                        resolved
                            .iter()
                            .find(|(s, _)| *s == at)
                            .map_or(part, |(_, p)| p)
                    })
                    .collect();
                let mut index = Index::join(&view.stacks(stacks), &parts);
                index.conditions = conditions.len();
                index.regions = regions.to_vec();
                index.accounts = accounts.to_vec();
                index
            })
            .collect();
        Evaluator {
            evaluation: Evaluation {
                results: Vec::with_capacity(most),
                ..Evaluation::default()
            },
            today,
            index,
            conditions,
            views,
            indexes,
            results,
        }
    }

    /// Runs every rule on every resource of `stacks[at]`, applying the waivers written in
    /// each resource's metadata; the other stacks are there for the rules that another stack
    /// can satisfy (`stacks` are the stacks [`Evaluator::keeping`] saw, in the same order,
    /// though some may have been written since). A waiver past its last day (`today` is
    /// later) no longer waives. What it finds is for [`Evaluator::merge`].
    pub(crate) fn stack(&self, stacks: &[(&str, &Template)], at: usize) -> Evaluation {
        let mut found = Evaluation::default();
        let Some((stack, template)) = stacks.get(at) else {
            return found;
        };
        let (index, conditions, views) = (&self.index, &self.conditions, &self.views);
        let seen: Vec<Vec<(&str, &Template)>> = views.iter().map(|v| v.stacks(stacks)).collect();
        let indexes = &self.indexes;
        let (evaluation, today) = (&mut found, self.today);
        let stack_name: Arc<str> = Arc::from(*stack);
        // Counted, the proofs of each rule by its place in `rules()` (a map by id cost
        // `check` a search of its keys for every rule that holds).
        let mut counted = if self.results == Results::Counted {
            vec![None; rule_count()]
        } else {
            Vec::new()
        };
        for (position, resource) in template.resources().iter().enumerate() {
            let meta = resource.metadata();
            let construct: Arc<str> = resource
                .construct_path_shared()
                .map_or_else(|| Arc::from(""), Arc::clone);
            let logical_id: Arc<str> = Arc::from(resource.logical_id());
            let resource_type: Arc<str> = Arc::from(resource.type_name());
            let verified = resource.construct_kind() != Some("RawResource");
            let mut waivers: Vec<WaiverNote> = meta
                .get(WAIVERS_KEY)
                .and_then(Value::as_array)
                .map(|list| {
                    list.iter()
                        .map(|w| WaiverNote {
                            rule: w["rule"].as_str().unwrap_or_default().to_owned(),
                            reason: w["reason"].as_str().unwrap_or_default().to_owned(),
                            expires: w["expires"].as_str().map(str::to_owned),
                            never_holds_phi: w["kind"] == crate::compliance::NEVER_HOLDS_PHI_KIND,
                            used: false,
                        })
                        .collect()
                })
                .unwrap_or_default();
            let cx = Cx {
                template,
                resource,
                stack,
                stacks,
                at,
                index,
            };
            // The same resource in reading `v`, with the app as that reading sees it.
            let cx_in = |v: usize| -> Option<Cx<'_>> {
                let (_, template) = seen.get(v)?.get(at)?;
                Some(Cx {
                    template,
                    resource: template.resources().get(position)?,
                    stack,
                    stacks: &seen[v],
                    at,
                    index: &indexes[v],
                })
            };
            for &(place, rule) in rules_for(resource.type_name()) {
                let outcome = if views.is_empty() {
                    (rule.check)(&cx)
                } else {
                    every_reading(
                        views.len(),
                        |v| cx_in(v).map_or(Outcome::NotApplicable, |cx| (rule.check)(&cx)),
                        |v| views[v].when(conditions, stacks, at),
                        |v, proof| views[v].original(stacks, at, proof),
                    )
                };
                // A pass that holds by what the construct is, not by a setting, is the
                // construct's typed exception: reported with its reason, never as
                // enforcement (probe 17c F2).
                let excepted = match &outcome {
                    Outcome::Pass(evidence) => excepted(template, resource, rule.id, evidence),
                    _ => None,
                };
                let status = match (outcome, excepted) {
                    (Outcome::NotApplicable, _) => continue,
                    (Outcome::Pass(_), Some(status)) => status,
                    (Outcome::Pass(_), None) if self.results == Results::Failures => continue,
                    (Outcome::Pass(evidence), None)
                        if self.results == Results::Counted && verified =>
                    {
                        *counted[place].get_or_insert(0) += evidence.len();
                        continue;
                    }
                    (Outcome::Pass(evidence), None) => Status::Enforced { evidence },
                    // A gap that the program accepts in writing (a waiver of the rule) is
                    // reported as waived, with the reason; when the waiver has expired (or
                    // its reason is refused) it is a gap again. Gaps never stop synth, so
                    // neither does the expiry. What a rule says is shown with its invisible
                    // characters written out ([`shown`]).
                    (Outcome::Gap(reason), _) => {
                        let reason = shown_owned(reason);
                        match waivers
                            .iter_mut()
                            .find(|w| w.rule == rule.id && rule.waivable())
                        {
                            Some(w) => {
                                w.used = true;
                                if let Some(refused) = w.refused(today) {
                                    Status::Gap {
                                        reason: format!("{reason} ({refused})"),
                                    }
                                } else {
                                    Status::Waived {
                                        finding: reason,
                                        reason: w.reason.clone(),
                                        expires: w.expires.clone(),
                                        gap: true,
                                    }
                                }
                            }
                            None => Status::Gap { reason },
                        }
                    }
                    (Outcome::Fail(finding), _) => {
                        let finding = shown_owned(finding);
                        match waivers.iter_mut().find(|w| w.rule == rule.id) {
                            Some(w)
                                if rule.waivable()
                                    || (rule.id == crate::compliance::rule::NEVER_HOLDS_PHI
                                        && w.never_holds_phi) =>
                            {
                                w.used = true;
                                if let Some(refused) = w.refused(today) {
                                    Status::Failed {
                                        finding: format!("{finding} ({refused})"),
                                    }
                                } else {
                                    Status::Waived {
                                        finding,
                                        reason: w.reason.clone(),
                                        expires: w.expires.clone(),
                                        gap: false,
                                    }
                                }
                            }
                            _ => Status::Failed { finding },
                        }
                    }
                };
                if self.results == Results::Failures && !matches!(status, Status::Failed { .. }) {
                    continue;
                }
                evaluation.results.push(Checked {
                    rule: rule.id,
                    stack: Arc::clone(&stack_name),
                    logical_id: Arc::clone(&logical_id),
                    resource_type: Arc::clone(&resource_type),
                    construct: Arc::clone(&construct),
                    verified_at_compile_time: verified,
                    status,
                });
            }
            for w in waivers.into_iter().filter(|w| !w.used) {
                evaluation.unused_waivers.push((
                    w.rule,
                    (*stack).to_owned(),
                    resource.logical_id().to_owned(),
                ));
            }
        }
        // A rule that held with no proof is listed too, as the map by id listed it.
        for (rule, proofs) in crate::compliance::rules::rules().zip(counted) {
            if let Some(proofs) = proofs {
                *found.proofs.entry(rule.id).or_default() += proofs;
            }
        }
        found
    }

    /// Adds what [`Evaluator::stack`] found on a stack; called in deploy order, the
    /// results are in the order of stacks, resources, rules.
    pub(crate) fn merge(&mut self, found: Evaluation) {
        self.evaluation.results.extend(found.results);
        self.evaluation.unused_waivers.extend(found.unused_waivers);
        for (rule, proofs) in found.proofs {
            *self.evaluation.proofs.entry(rule).or_default() += proofs;
        }
    }

    /// The results, in the order of stacks, resources, rules.
    pub(crate) fn finish(self) -> Evaluation {
        self.evaluation
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1000))]
        /// What the engine reads of a stack before checking it (the conditions tested, each
        /// bucket policy's `Bucket`, the stores' ports, the buckets' names) is the same from
        /// a scan of typed properties as from their tree.
        #[test]
        fn a_scan_gives_the_summary_that_the_tree_gives(
            properties in proptest::collection::vec(crate::testing::intrinsic_values(), 1..4),
        ) {
            let (typed, scans, trees) = crate::testing::typed_and_tree(&properties);
            proptest::prop_assert_eq!(
                StackSummary::of(&typed, &scans),
                StackSummary::of(&trees, &[])
            );
        }
    }

    /// probe 17c F2: a construct's recorded exception turns a pass into a waived gap only
    /// where the pass is proved by the construct kind; where a setting proves the rule (the
    /// route of a `SecureVpc`'s public tier, whose E15 exception is for the rule packs and
    /// which E15 reads by the tier's subnets), the rule stays enforced.
    #[test]
    fn a_recorded_exception_is_reported_only_where_the_construct_kind_is_the_proof() {
        use crate::prelude::*;
        let app = crate::App::new("probe");
        let stack = app.stack("s").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        stack
            .add(
                SecureVpc::new("Net", crate::cidr!("10.20.0.0/16"))
                    .encryption(&key)
                    .public_tier(),
            )
            .unwrap();
        stack.add(AccessLogBucket::new("Logs")).unwrap();
        let assembly = app.check().unwrap();
        let template = assembly.stack("s").unwrap().template();
        let recorded = |r: &crate::cfn::Resource, rule: &str| {
            r.metadata()
                .get(EXCEPTIONS_KEY)
                .and_then(Value::as_array)
                .is_some_and(|l| {
                    l.iter()
                        .any(|e| e["rule"] == rule && e["reason"].is_string())
                })
        };
        let mut routes = 0;
        for c in &assembly.evaluation().results {
            let r = template
                .resources()
                .iter()
                .find(|r| r.logical_id() == &*c.logical_id)
                .unwrap();
            if c.rule == "E15" && recorded(r, "E15") {
                routes += 1;
                assert!(matches!(c.status, Status::Enforced { .. }), "{c:?}");
            }
            if &*c.logical_id == "Logs" && matches!(c.rule, "S1" | "S7" | "S10") {
                assert!(recorded(r, c.rule), "{c:?}");
                assert!(
                    matches!(
                        &c.status,
                        Status::Waived {
                            gap: true,
                            expires: None,
                            ..
                        }
                    ),
                    "{c:?}"
                );
            }
            // No result anywhere is enforced by a construct kind, recorded or not (probe
            // 18b F4).
            if let Status::Enforced { evidence } = &c.status {
                assert!(
                    evidence.iter().all(|p| p.path != CONSTRUCT_KIND_PROOF),
                    "{c:?}"
                );
            }
        }
        assert!(
            routes > 0,
            "no route of the public tier carries its exception"
        );
    }

    /// probe 18b F4 (`t18_alarm_kind.rs`): an `AlarmTopic` mailing its rota passes A5, N2
    /// and X1 only by what it is. Each is a waived gap with the reason the topic records (it
    /// records one for each, and only when it mails), and so is A5 on a raw e-mail
    /// subscription to it; the same topic without e-mail enforces N2 by its policy, and a
    /// raw topic's e-mail still fails.
    #[test]
    fn a_recorded_exception_of_an_alarm_topics_mail_is_a_waived_gap_of_a5_n2_and_x1() {
        use crate::prelude::*;
        let run = |emails: &[&str], extra: bool| {
            let app = crate::App::new("probe");
            let stack = app.stack("probe").unwrap();
            let key = stack.add(KmsKey::new("PhiKey")).unwrap();
            let mut topic = crate::AlarmTopic::new("Oncall").encryption(&key);
            for e in emails {
                topic = topic.email(*e);
            }
            let topic = stack.add(topic).unwrap();
            if extra {
                stack
                    .add(
                        RawResource::new("Extra", "AWS::SNS::Subscription")
                            .property("Protocol", "email")
                            .property("Endpoint", "second@clinic.example")
                            .property("TopicArn", topic.arn()),
                    )
                    .unwrap();
            }
            stack
                .add(RawResource::new("Plain", "AWS::SNS::Topic").property(
                    "Subscription",
                    serde_json::json!([{"Protocol": "email", "Endpoint": "x@clinic.example"}]),
                ))
                .unwrap();
            let assembly = app.check().unwrap();
            let recorded = assembly
                .stack("probe")
                .unwrap()
                .template()
                .resource("Oncall")
                .unwrap()
                .metadata()
                .get(EXCEPTIONS_KEY)
                .cloned();
            (assembly.evaluation().results.clone(), recorded)
        };
        let status = |results: &[Checked], rule: &str, id: &str| {
            results
                .iter()
                .find(|c| c.rule == rule && &*c.logical_id == id)
                .map(|c| c.status.clone())
        };
        let (results, recorded) = run(&["oncall@example.com"], true);
        let rules: Vec<_> = recorded
            .as_ref()
            .and_then(Value::as_array)
            .unwrap()
            .iter()
            .map(|e| e["rule"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(rules, ["A5", "N2", "X1"]);
        for (rule, id) in [
            ("A5", "Oncall"),
            ("N2", "Oncall"),
            ("X1", "Oncall"),
            ("A5", "Extra"),
        ] {
            match status(&results, rule, id) {
                Some(Status::Waived {
                    reason,
                    gap: true,
                    expires: None,
                    ..
                }) => {
                    assert!(reason.contains("SMTP"), "{rule} {id}: {reason}");
                    assert!(reason.contains("no record"), "{rule} {id}: {reason}");
                    assert!(!reason.contains("recorded no reason"), "{reason}");
                }
                other => panic!("{rule} {id}: {other:?}"),
            }
        }
        assert!(
            matches!(status(&results, "A5", "Plain"), Some(Status::Failed { .. })),
            "{:?}",
            status(&results, "A5", "Plain")
        );
        for c in &results {
            if let Status::Enforced { evidence } = &c.status {
                assert!(
                    evidence.iter().all(|p| p.path != CONSTRUCT_KIND_PROOF),
                    "{c:?}"
                );
            }
        }
        // Without e-mail, the topic records nothing and its policy enforces N2.
        let (results, recorded) = run(&[], false);
        assert_eq!(recorded, None);
        assert!(
            matches!(
                status(&results, "N2", "Oncall"),
                Some(Status::Enforced { .. })
            ),
            "{:?}",
            status(&results, "N2", "Oncall")
        );
        // A raw e-mail subscription to it passes A5 and N2 by the topic's kind, for which the
        // topic recorded no reason: waived gaps that say so, never enforcement.
        let (results, recorded) = run(&[], true);
        assert_eq!(recorded, None);
        for (rule, id) in [("A5", "Extra"), ("N2", "Oncall")] {
            assert!(
                matches!(
                    status(&results, rule, id),
                    Some(Status::Waived { ref reason, gap: true, .. }) if reason.contains("recorded no reason")
                ),
                "{rule} {id}: {:?}",
                status(&results, rule, id)
            );
        }
    }

    /// probe 18b F4: a pass proved by a construct kind is never enforcement. With the
    /// reason the construct recorded for the rule it is a waived gap with that reason; with
    /// none (a construct that forgot to record it, a kind proof of a resource the template
    /// does not hold) it is a waived gap whose reason says so; without the kind proof, a
    /// recorded exception changes nothing.
    #[test]
    fn a_recorded_exception_or_none_makes_a_kind_proof_a_waived_gap_never_enforcement() {
        let mut template = crate::testing::raw_template(&[
            ("Logs", "AWS::S3::Bucket", serde_json::json!({})),
            ("Sub", "AWS::SNS::Subscription", serde_json::json!({})),
        ]);
        let proof = |id: &str, path: &str| Proof {
            logical_id: id.to_owned(),
            path: path.to_owned(),
        };
        let kind = proof("Logs", CONSTRUCT_KIND_PROOF);
        let setting = proof("Logs", "/Properties/X");
        let generic = |status: Option<Status>, rule: &str| match status {
            Some(Status::Waived {
                reason,
                finding,
                gap: true,
                expires: None,
            }) => {
                assert!(reason.contains("recorded no reason"), "{reason}");
                assert!(reason.contains(rule), "{reason}");
                assert!(finding.contains("typed exception"), "{finding}");
            }
            other => panic!("{other:?}"),
        };
        // No reason recorded: still a waived gap, never `None` (which means enforced).
        let logs = template.resources[0].clone();
        generic(
            excepted(&template, &logs, "S10", std::slice::from_ref(&kind)),
            "S10",
        );
        template.resources[0].metadata_mut().insert(
            EXCEPTIONS_KEY.to_owned(),
            serde_json::json!([{ "rule": "S10", "reason": "a reason an auditor reads here" }]),
        );
        let logs = template.resources[0].clone();
        // A setting proves the rule: the recorded exception changes nothing.
        assert_eq!(
            excepted(&template, &logs, "S10", std::slice::from_ref(&setting)),
            None
        );
        // The reason of another rule is no reason of this one.
        generic(
            excepted(&template, &logs, "S7", std::slice::from_ref(&kind)),
            "S7",
        );
        let with_reason = |status: Option<Status>| {
            matches!(status, Some(Status::Waived { reason, gap: true, expires: None, .. })
                if reason == "a reason an auditor reads here")
        };
        assert!(with_reason(excepted(
            &template,
            &logs,
            "S10",
            &[setting.clone(), kind.clone()]
        )));
        // Another resource's kind proof (a subscription passing by its topic's kind) takes
        // that resource's recorded reason.
        let sub = template.resources[1].clone();
        assert!(with_reason(excepted(
            &template,
            &sub,
            "S10",
            std::slice::from_ref(&kind)
        )));
        // A kind proof of a resource the template does not hold: still a waived gap.
        generic(
            excepted(
                &template,
                &sub,
                "A5",
                &[proof("other/Topic", CONSTRUCT_KIND_PROOF)],
            ),
            "A5",
        );
        assert_eq!(excepted(&template, &sub, "A5", &[]), None);
    }

    /// A raw resource of a type that no rule reads (a finding of `U1`) with `waiver` written
    /// in its metadata, as a construct's typed exception writes it (without `App::waive`).
    fn unread_with(waiver: serde_json::Value) -> Template {
        let mut template = crate::testing::raw_template(&[(
            "Thing",
            "AWS::CloudFormation::Macro",
            serde_json::json!({ "Name": "x" }),
        )]);
        template.resources[0]
            .metadata_mut()
            .insert(WAIVERS_KEY.to_owned(), serde_json::json!([waiver]));
        template
    }

    #[test]
    fn a_waiver_written_without_a_readable_reason_or_date_waives_nothing() {
        let readable = "a macro definition that names a function and holds no PHI";
        let waived = unread_with(serde_json::json!({ "rule": "U1", "reason": readable }));
        let statuses = crate::testing::statuses(&[("s", &waived)], "U1", "Thing");
        assert!(
            matches!(&statuses[..], [Status::Waived { reason, .. }] if reason == readable),
            "{statuses:?}"
        );
        for (waiver, why) in [
            (
                serde_json::json!({ "rule": "U1", "reason": "..........!!!!" }),
                "the waiver's reason is refused",
            ),
            (
                serde_json::json!({ "rule": "U1", "reason": "" }),
                "the waiver's reason is refused",
            ),
            (
                serde_json::json!({ "rule": "U1", "reason": format!("{readable}\n0 finding(s)") }),
                "control character",
            ),
            (
                serde_json::json!({ "rule": "U1", "reason": format!("{readable}\u{202e}") }),
                "invisible formatting character",
            ),
            (
                serde_json::json!({ "rule": "U1", "reason": readable, "expires": "2099-02-30" }),
                "the waiver expired after 2099-02-30",
            ),
            (
                serde_json::json!({ "rule": "U1", "reason": readable, "expires": "someday" }),
                "the waiver expired after someday",
            ),
        ] {
            let template = unread_with(waiver.clone());
            let evaluation = crate::testing::evaluate(&[("s", &template)]);
            let statuses: Vec<&Status> = evaluation
                .results
                .iter()
                .filter(|c| c.rule == "U1")
                .map(|c| &c.status)
                .collect();
            assert!(
                matches!(&statuses[..], [Status::Failed { finding }] if finding.contains(why)),
                "{waiver}: {statuses:?}"
            );
            // Used, though refused: the report says why it waives nothing, not that the rule
            // holds.
            assert!(evaluation.unused_waivers.is_empty(), "{waiver}");
        }
    }

    /// A waiver written in the metadata by another way than `App::waive` (which refuses
    /// it) with a last day more than a year after today waives nothing: it reads as
    /// permanent.
    #[test]
    fn a_waiver_written_to_run_more_than_a_year_waives_nothing() {
        let readable = "a macro definition that names a function and holds no PHI";
        // `evaluate` reads today as 2026-12-01.
        for (expires, waives) in [
            ("2027-12-01", true),
            ("2027-12-02", false),
            ("2999-12-31", false),
        ] {
            let template = unread_with(
                serde_json::json!({ "rule": "U1", "reason": readable, "expires": expires }),
            );
            let statuses = crate::testing::statuses(&[("s", &template)], "U1", "Thing");
            if waives {
                assert!(
                    matches!(&statuses[..], [Status::Waived { .. }]),
                    "{expires}: {statuses:?}"
                );
            } else {
                assert!(
                    matches!(&statuses[..], [Status::Failed { finding }] if finding.contains("more than a year after today (2026-12-01)")),
                    "{expires}: {statuses:?}"
                );
            }
        }
    }

    #[test]
    fn text_a_template_holds_is_shown_with_its_invisible_characters_written_out() {
        assert_eq!(shown("plain `text`"), "plain `text`");
        assert_eq!(
            shown("a\nb\r\u{1b}[2Kc\u{202e}d\u{2066}e\u{200b}f\u{2028}g"),
            "a\\u{a}b\\u{d}\\u{1b}[2Kc\\u{202e}d\\u{2066}e\\u{200b}f\\u{2028}g"
        );
        // A finding that quotes a property name of a raw resource: `P1` names the property
        // that holds a secret.
        let template = crate::testing::raw_template(&[(
            "Fn",
            "AWS::Lambda::Function",
            serde_json::json!({ "Environment": { "Variables": {
                "DB_URL\n0 finding(s), 0 gap(s), 0 waiver(s)\u{202e}": "postgresql://admin:hunter2secret@db.internal:5432/phi"
            } } }),
        )]);
        let evaluation = crate::testing::evaluate(&[("s", &template)]);
        let findings = evaluation.findings();
        let p1 = findings.iter().find(|f| f.rule == "P1").expect("P1 fails");
        assert!(p1.what.contains("DB_URL\\u{a}0 finding(s)"), "{}", p1.what);
        for f in &findings {
            assert!(
                !f.what.chars().any(|c| c.is_control() || invisible(c)),
                "{}",
                f.what
            );
        }
    }

    #[test]
    fn a_scan_finds_a_condition_inside_an_intrinsic_and_a_policy_bucket_at_the_top() {
        let properties = serde_json::json!({
            "Bucket": { "Fn::ImportValue": "data:Bucket:Ref" },
            "PolicyDocument": { "Fn::Sub": ["${X}", { "X": { "Fn::If": ["Prod", "a", "b"] } }] },
        });
        let (typed, scans, trees) = crate::testing::typed_and_tree(&[properties]);
        let scanned = scans[0].as_ref().unwrap();
        assert!(scanned.tests_condition);
        assert_eq!(
            scanned.bucket,
            Some(serde_json::json!({ "Fn::ImportValue": "data:Bucket:Ref" }))
        );
        let summary = StackSummary::of(&typed, &scans);
        assert_eq!(summary.conditions, ["Prod"]);
        assert_eq!(summary, StackSummary::of(&trees, &[]));
    }
}

//! Synthesis with the rules: the compliance layer hands its rule engine and its way of
//! writing waivers to [`synthesize`], which reads no rule itself, and keeps what the rules
//! found in the [`Assembly`].

use std::collections::HashMap;

use serde_json::Value;

use crate::app::App;
use crate::cfn::Template;
use crate::cfn::scan::Scanned;
use crate::compliance::recovery::Lookup;
use crate::compliance::report::{AppStacks, Evidence, Gathered, Positions, StackEvidence};
use crate::compliance::{Declarations, Evaluation, Evaluator, Proof, Results, StackSummary};
use crate::error::{Error, Result};
use crate::literal::Date;
use crate::synth::Clearance;
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
    /// What the evaluation keeps of the rules that hold ([`Evaluator::keeping`]).
    results: Results,
    /// Whether the rules run at all (not for what reads only the templates and the graph).
    run: bool,
    evaluator: Option<Evaluator>,
    /// For the report: whether to gather what the report reads of each stack while its
    /// tree is held ([`StackEvidence`]).
    gather: bool,
    /// Whether what is gathered groups the evidence too (for [`Evidence::Grouped`]).
    groups: bool,
    /// Whether what is gathered lists the stores of PHI for the disaster-recovery table
    /// (not for `check`, which never prints it).
    recovery: bool,
    /// Once started: each stack's region, in deploy order (rule `D2` and the
    /// disaster-recovery table read them); and, gathering, each stack's position by name
    /// and what the disaster-recovery table looks up across the app.
    regions: Vec<Option<String>>,
    /// The account of each stack, by position (`None` for the deploy account).
    accounts: Vec<Option<String>>,
    positions: Positions,
    lookup: Lookup,
    gathered: Gathered,
    /// Where each stack of the app deploys, by name ([`Rules::of`]): its environment's
    /// account (rule `R1` reads it) and its pinned region (rule `D2` and the
    /// disaster-recovery table read it), `None` for the deploy account and region.
    stack_placements: HashMap<String, (Option<String>, Option<String>)>,
    /// The program's waivers: `(rule, stack, construct path)`, in the order written.
    waivers: Vec<(&'static str, String, String)>,
    /// Those of `waivers` that no resource of their construct takes, found at the start.
    on_nothing: Vec<(String, String, String)>,
}

/// Where each stack of `app` deploys ([`crate::app::Arena::placement`]), by name.
fn placements_of(app: &App) -> HashMap<String, (Option<String>, Option<String>)> {
    let arena = app.arena();
    arena
        .stacks
        .iter()
        .enumerate()
        .map(|(at, s)| {
            let (account, region) = arena.placement(u32::try_from(at).unwrap_or(u32::MAX));
            (
                s.name.to_string(),
                (
                    account.as_ref().map(ToString::to_string),
                    region.as_ref().map(ToString::to_string),
                ),
            )
        })
        .collect()
}

/// The waivers of `app`: `(rule, stack, construct path)`.
fn waivers_of(app: &App) -> Vec<(&'static str, String, String)> {
    let arena = app.arena();
    arena
        .waivers
        .iter()
        .map(|w| {
            let path = arena.path(w.construct);
            let stack = path.split_once('/').map_or("", |(s, _)| s).to_owned();
            (w.rule, stack, path)
        })
        .collect()
}

/// The waivers of `waivers` that land on no resource of `stacks`: synthesis writes a waiver
/// only on the resources of its construct of a type its rule reads
/// ([`Declarations::reads`](crate::app::node::Declare::reads)), so a waiver of a rule on a
/// construct with none (rule S10 on a key) was written nowhere, and the report said
/// nothing of it.
fn landing_nowhere(
    waivers: &[(&'static str, String, String)],
    stacks: &[(&str, &Template)],
) -> Vec<(String, String, String)> {
    if waivers.is_empty() {
        return Vec::new();
    }
    let mut landed = vec![false; waivers.len()];
    let mut by_path: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, (_, _, path)) in waivers.iter().enumerate() {
        by_path.entry(path.as_str()).or_default().push(i);
    }
    for (_, template) in stacks {
        for r in template.resources() {
            let Some(found) = r.construct_path().and_then(|p| by_path.get(p)) else {
                continue;
            };
            for &i in found {
                if crate::compliance::rule_spec(waivers[i].0)
                    .is_some_and(|spec| spec.applies_to(r.type_name()))
                {
                    landed[i] = true;
                }
            }
        }
    }
    waivers
        .iter()
        .zip(landed)
        .filter(|(_, landed)| !landed)
        .map(|((rule, stack, path), _)| ((*rule).to_owned(), stack.clone(), path.clone()))
        .collect()
}

impl Rules {
    /// The rules as if today were `today`, keeping what `results` says of the rules that
    /// hold, not run at all unless `run`.
    fn new(today: Date, results: Results, run: bool) -> Self {
        Rules {
            today,
            results,
            run,
            evaluator: None,
            gather: false,
            groups: false,
            recovery: false,
            regions: Vec::new(),
            accounts: Vec::new(),
            positions: Positions::default(),
            lookup: Lookup::default(),
            gathered: Gathered::default(),
            stack_placements: HashMap::new(),
            waivers: Vec::new(),
            on_nothing: Vec::new(),
        }
    }

    /// The rules, told the waivers of `app`, to find those that land on no resource, and
    /// the regions of its stacks.
    fn of(self, app: &App) -> Self {
        Rules {
            waivers: waivers_of(app),
            stack_placements: placements_of(app),
            ..self
        }
    }

    /// Every rule kept (counted, for a summary), gathering what a report of `evidence` reads
    /// of each stack on the way ([`StackEvidence`]).
    fn for_report(today: Date, evidence: Evidence) -> Self {
        Rules {
            gather: true,
            groups: evidence == Evidence::Grouped,
            recovery: true,
            ..Rules::new(
                today,
                if evidence == Evidence::Summary {
                    Results::Counted
                } else {
                    Results::Every
                },
                true,
            )
        }
    }
}

impl Check for Rules {
    type Output = Evaluation;
    type Part = (Evaluation, Option<StackEvidence>);
    type Summary = Option<StackSummary>;

    fn summarize(&self, template: &Template, scans: &[Option<Scanned>]) -> Self::Summary {
        let summary = self.run.then(|| StackSummary::of(template, scans));
        // Every app that the unit tests check holds the scans to the trees.
        #[cfg(test)]
        if let Some(summary) = &summary {
            assert_eq!(summary, &StackSummary::of(template, &[]));
        }
        summary
    }

    fn start(&mut self, in_order: &[(&str, &Template)], summaries: Vec<Self::Summary>) {
        let placement = |name: &str| self.stack_placements.get(name).cloned().unwrap_or_default();
        self.accounts = in_order.iter().map(|(name, _)| placement(name).0).collect();
        self.regions = in_order.iter().map(|(name, _)| placement(name).1).collect();
        if self.run {
            self.on_nothing = landing_nowhere(&self.waivers, in_order);
            let summaries = summaries
                .into_iter()
                .map(Option::unwrap_or_default)
                .collect();
            self.evaluator = Some(Evaluator::keeping(
                in_order,
                summaries,
                self.today,
                self.results,
                (&self.regions, &self.accounts),
            ));
        }
        if self.gather {
            self.positions = in_order
                .iter()
                .enumerate()
                .map(|(at, (name, _))| ((*name).to_owned(), at))
                .collect();
            if self.recovery {
                self.lookup = Lookup::of(in_order.iter().copied());
            }
        }
    }

    fn stack(&self, in_order: &[(&str, &Template)], at: usize) -> Self::Part {
        let found = self
            .evaluator
            .as_ref()
            .map(|evaluator| evaluator.stack(in_order, at))
            .unwrap_or_default();
        let gathered = self.gather.then(|| {
            StackEvidence::gather(
                AppStacks {
                    stacks: in_order,
                    regions: &self.regions,
                    accounts: &self.accounts,
                    positions: &self.positions,
                    lookup: &self.lookup,
                },
                at,
                &found.results,
                self.groups,
                self.recovery,
            )
        });
        (found, gathered)
    }

    fn merge(&mut self, in_order: &[(&str, &Template)], at: usize, (found, gathered): Self::Part) {
        if let Some(stack) = gathered {
            self.gathered
                .add(in_order, &self.positions, at, &found.results, stack);
        }
        if let Some(evaluator) = &mut self.evaluator {
            evaluator.merge(found);
        }
    }

    fn reads_properties(&self) -> bool {
        self.run || self.gather
    }

    fn finish(self) -> Evaluation {
        let mut evaluation = self.evaluator.map(Evaluator::finish).unwrap_or_default();
        evaluation.waivers_on_nothing = self.on_nothing;
        if self.gather {
            evaluation.gathered = Some(self.gathered.grouped(self.groups));
        }
        evaluation
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
    /// [`Evaluation`] of every rule on every resource: for `check` and the report. An
    /// assembly whose rules fail is not written ([`Assembly::write`](crate::synth::Assembly::write))
    /// nor deployed: that is the assembly of [`App::synth`].
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

    /// [`App::synth`] for `synth` into a folder, which reads only what stops it: the
    /// evaluation keeps the unwaived failures and the unused waivers, not the rules that
    /// hold nor their evidence (the largest part of a large app's memory), nor the gaps and
    /// waivers. Each template is handed to `stage`, if any, as soon as it is serialized;
    /// `memory` says whether the trees of every stack are held (`synth` holds a round's
    /// unless told `--more-memory`).
    pub(crate) fn synth_failures_only(
        &self,
        stage: Option<&crate::synth::Stage>,
        memory: crate::synth::Memory,
    ) -> Result<Assembly> {
        let today = Date::today();
        let mut assembly = crate::synth::synthesize_staged(
            self,
            &Declarations,
            Rules::new(today, Results::Failures, true).of(self),
            stage,
            memory,
        )?;
        checked(&mut assembly, today);
        let findings = assembly.evaluation().findings();
        if findings.is_empty() {
            Ok(assembly)
        } else {
            Err(Error::Noncompliant { findings })
        }
    }

    /// The app synthesized without its rules, for what reads only the templates and the
    /// graph (`graph`): the evaluation is empty, and no finding refuses it. `memory` says
    /// what synthesis holds ([`Memory::Kept`](crate::synth::Memory), or `Low`).
    pub(crate) fn synth_unchecked(&self, memory: crate::synth::Memory) -> Result<Assembly> {
        crate::synth::synthesize_staged(
            self,
            &Declarations,
            Rules::new(Date::today(), Results::Failures, false),
            None,
            memory,
        )
    }

    /// [`App::check`] for a report of `evidence`: what the report reads of each stack beside
    /// the rules' results (the stores of PHI and their copies, and the values of the
    /// evidence when it is grouped) is gathered while synthesis holds the stack's tree, on
    /// every core, so that [`Report`](crate::compliance::report::Report) parses no template.
    /// A full report reads every proof's value from the written templates.
    /// `memory` says what synthesis holds ([`Memory::Fast`](crate::synth::Memory), or
    /// `Low`).
    pub(crate) fn check_for_report(
        &self,
        evidence: Evidence,
        memory: crate::synth::Memory,
    ) -> Result<Assembly> {
        let today = Date::today();
        let rules = if evidence == Evidence::Full {
            Rules::new(today, Results::Every, true)
        } else {
            Rules::for_report(today, evidence)
        }
        .of(self);
        let mut assembly =
            crate::synth::synthesize_staged(self, &Declarations, rules, None, memory)?;
        checked(&mut assembly, today);
        Ok(assembly)
    }

    /// [`App::check_for_report`] of a summary, for `check`, which reads no template's text
    /// (it prints [`Report::for_check`](crate::compliance::report::Report::for_check)): the
    /// rules that hold are counted, not kept, no store of PHI is listed (it prints no
    /// disaster-recovery table), and `memory` says what synthesis holds of each stack (by
    /// default, [`Memory::Low`](crate::synth::Memory): the trees of a round, the others'
    /// properties packed; with `--more-memory`, [`Memory::Kept`](crate::synth::Memory)).
    pub(crate) fn check_for_summary(&self, memory: crate::synth::Memory) -> Result<Assembly> {
        let today = Date::today();
        let rules = Rules {
            recovery: false,
            ..Rules::for_report(today, Evidence::Summary)
        }
        .of(self);
        let mut assembly =
            crate::synth::synthesize_staged(self, &Declarations, rules, None, memory)?;
        checked(&mut assembly, today);
        Ok(assembly)
    }

    /// [`App::check`] as if today were `today` (waivers expire relative to it).
    ///
    /// The assembly is written ([`Assembly::write`](crate::synth::Assembly::write)) or
    /// deployed only when its rules hold and `today` is today: a waiver holds until its last
    /// day of the calendar, not of the day a program names.
    pub fn check_on(&self, today: Date) -> Result<Assembly> {
        let mut assembly = synthesize(
            self,
            &Declarations,
            Rules::new(today, Results::Every, true).of(self),
        )?;
        checked(&mut assembly, today);
        Ok(assembly)
    }
}

/// Records in `assembly`, whose rules read the waivers as of `day`, what they found: the
/// clearance that [`Assembly::write`](crate::synth::Assembly::write) and the deploy engine
/// read, from the rules' own results (the evaluation, which no program can edit), and the
/// day the report names.
fn checked(assembly: &mut Assembly, day: Date) {
    assembly.clearance = Clearance::Checked {
        day,
        findings: assembly.evaluation().findings().len(),
    };
}

#[cfg(test)]
impl App {
    /// [`App::check_on`] with stacks checked and serialized on `workers` threads, with
    /// `memory` kept as it says.
    fn check_on_workers(
        &self,
        today: Date,
        workers: usize,
        memory: crate::synth::Memory,
    ) -> Result<Assembly> {
        crate::synth::synthesize_on(
            self,
            &Declarations,
            Rules::for_report(today, Evidence::Grouped).of(self),
            workers,
            None,
            memory,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::Assembly;
    use crate::compliance::{Status, Waiver, rule};
    use crate::literal::Date;
    use crate::prelude::*;
    use crate::synth::Memory;

    /// More stacks than one round of synthesis checks, some failing, some waived, some with
    /// a waiver that waives nothing, and stacks that import from others (rendered, checked
    /// and serialized on as many workers as each test asks).
    fn many_stacks() -> App {
        stacks_of_buckets("many", 150, true)
    }

    /// More stacks than one round of synthesis checks, every one compliant.
    fn many_stacks_that_hold() -> App {
        stacks_of_buckets("holds", 40, false)
    }

    /// `count` stacks of a bucket and a log group each, sharing a key and an access-log
    /// bucket; with `failing`, every seventh stack also has a resource no rule reads, half
    /// of them waived.
    fn stacks_of_buckets(name: &str, count: usize, failing: bool) -> App {
        let app = App::new(name);
        let shared = app.stack("shared").unwrap();
        let key = shared.add(KmsKey::new("PhiKey")).unwrap();
        let logs = shared.add(AccessLogBucket::new("AccessLogs")).unwrap();
        for i in 0..count {
            let stack = app.stack(&format!("s{i:03}")).unwrap();
            stack
                .add(
                    SecureBucket::new("Records")
                        .encryption(&key)
                        .access_logs(&logs),
                )
                .unwrap();
            stack
                .add(LogGroup::new(format!("Logs{i}")).encryption(&key))
                .unwrap();
            if failing && i % 7 == 0 {
                let raw = stack
                    .add(
                        RawResource::new("Thing", "AWS::CloudFormation::Macro")
                            .property("Name", "x"),
                    )
                    .unwrap();
                if i % 14 == 0 {
                    app.waive(Waiver::new(rule::U1, &raw, "a test resource"))
                        .unwrap();
                    app.waive(Waiver::never_holds_phi(&raw, "a test resource"))
                        .unwrap();
                }
            }
        }
        app
    }

    /// `x` and `y` have the same evaluation, manifest and stacks (the texts are compared
    /// by the callers, which first look at what each holds).
    fn assert_same_assembly(x: &Assembly, y: &Assembly) {
        assert_eq!(x.evaluation(), y.evaluation());
        assert_eq!(x.manifest_json().unwrap(), y.manifest_json().unwrap());
        let names = |a: &Assembly| a.stacks().iter().map(|s| s.name().to_owned()).collect();
        let (xs, ys): (Vec<String>, Vec<String>) = (names(x), names(y));
        assert_eq!(xs, ys);
    }

    /// Kept, each stack's trees stay and its text goes; with low memory, its properties stay
    /// packed (an escape hatch's too, no tree and no typed properties) and its text goes;
    /// either way each is read again as the default (trees dropped for the text) writes it.
    #[test]
    fn each_memory_holds_what_it_says_and_reads_again_what_the_default_writes() {
        let today = Date::parse("2026-01-01").unwrap();
        // An app of every kind of copy, and one of many stacks.
        for app in [crate::testing::clinic_with_copies(), many_stacks()] {
            let fast = app.check_on_workers(today, 2, Memory::Fast).unwrap();
            let runs: [(Memory, &[&str]); 2] =
                [(Memory::Kept, &["tree"]), (Memory::Low, &["packed"])];
            for (memory, holds) in runs {
                let other = app.check_on_workers(today, 2, memory).unwrap();
                assert_same_assembly(&other, &fast);
                for (x, y) in other.stacks().iter().zip(fast.stacks()) {
                    let name = format!("{memory:?} {}", x.name());
                    let held = x.template().held();
                    assert!(held.iter().all(|h| holds.contains(h)), "{name}: {held:?}");
                    assert!(held.contains(&holds[0]), "{name}: {held:?}");
                    assert!(y.template().held().iter().all(|h| *h == "text"));
                    assert!(!x.holds_text() && y.holds_text(), "{name}");
                    for (r, s) in x
                        .template()
                        .resources()
                        .iter()
                        .zip(y.template().resources())
                    {
                        assert_eq!(r.properties(), s.properties(), "{name}: {}", r.logical_id());
                    }
                    assert!(!x.template().held().contains(&"typed"), "{name}");
                    if memory == Memory::Low {
                        // Read, each stack's trees are built again from its packed text.
                        assert!(x.template().held().iter().all(|h| *h == "packed and tree"));
                    }
                    assert_eq!(x.template_json(), y.template_json(), "{name}");
                    assert!(x.holds_text(), "{name}");
                }
            }
        }
    }

    #[test]
    fn stacks_checked_in_parallel_give_the_one_thread_assembly() {
        let today = Date::parse("2026-01-01").unwrap();
        let one = many_stacks()
            .check_on_workers(today, 1, Memory::Fast)
            .unwrap();
        let failed = one
            .evaluation()
            .results
            .iter()
            .filter(|c| matches!(c.status, Status::Failed { .. }))
            .count();
        let waived = one
            .evaluation()
            .results
            .iter()
            .filter(|c| matches!(c.status, Status::Waived { .. }))
            .count();
        assert!(failed > 0 && waived > 0, "{failed} failed, {waived} waived");
        // The results are in deploy order: stacks, then resources, then rules.
        let order: Vec<&str> = one.stacks().iter().map(|s| s.name()).collect();
        let mut last = 0;
        for checked in &one.evaluation().results {
            let at = order.iter().position(|s| **s == *checked.stack).unwrap();
            assert!(at >= last, "{} after {}", checked.stack, order[last]);
            last = at;
        }
        // On any number of threads, with the trees of every stack built as it is rendered
        // or only those of the stacks being checked.
        let runs = [2, 3, 8]
            .map(|workers| (workers, Memory::Fast))
            .into_iter()
            .chain([1, 2, 8].map(|workers| (workers, Memory::Low)))
            .chain([1, 2].map(|workers| (workers, Memory::Kept)));
        for (workers, memory) in runs {
            let many = many_stacks()
                .check_on_workers(today, workers, memory)
                .unwrap();
            let workers = format!("{workers} workers, {memory:?}");
            assert_eq!(many.evaluation(), one.evaluation(), "{workers}");
            assert_eq!(many.manifest_json().unwrap(), one.manifest_json().unwrap());
            assert_eq!(many.stacks().len(), one.stacks().len());
            for (x, y) in many.stacks().iter().zip(one.stacks()) {
                assert_eq!(x.name(), y.name());
                assert_eq!(x.template_json(), y.template_json(), "{}", x.name());
            }
        }
    }

    /// The files of `dir`, by name, with their bytes.
    fn files_of(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap())
            .map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                (name, std::fs::read(e.path()).unwrap())
            })
            .collect();
        files.sort();
        files
    }

    #[test]
    fn templates_staged_during_synthesis_are_the_files_a_plain_write_makes() {
        use crate::synth::Stage;
        let app = many_stacks_that_hold();
        let dir = tempfile::tempdir().unwrap();
        let (plain, staged) = (dir.path().join("plain"), dir.path().join("staged"));
        app.synth_failures_only(None, Memory::Kept)
            .unwrap()
            .write(&plain)
            .unwrap();
        let stage = Stage::new(&staged).unwrap();
        // Staged with the trees of each stack built only as it is checked.
        let assembly = app.synth_failures_only(Some(&stage), Memory::Low).unwrap();
        // Every template is written (and on the disk) before the assembly is, under a
        // temporary name beside its own: none is in place yet.
        let staging = stage.finish();
        let early = files_of(&staged);
        assert!(
            early.len() > 16,
            "more stacks than one round: {}",
            early.len()
        );
        for (name, bytes) in &early {
            assert!(name.starts_with('.') && name.ends_with(".tmp"), "{name}");
            let stack = assembly
                .stacks()
                .iter()
                .find(|s| name.starts_with(&format!(".{}.", s.template_file())))
                .unwrap_or_else(|| panic!("{name} is no stack's template"));
            assert_eq!(bytes.as_slice(), stack.template_json().as_bytes(), "{name}");
        }
        assert_eq!(early.len(), assembly.stacks().len());
        assert_eq!(staging.len(), assembly.stacks().len());
        assembly
            .write_from(&staged, staging, Date::today())
            .unwrap();
        assert_eq!(files_of(&staged), files_of(&plain));
        // A stage of another folder is not used, and leaves nothing behind.
        let elsewhere = dir.path().join("elsewhere");
        let stage = Stage::new(&elsewhere);
        let assembly = app
            .synth_failures_only(stage.as_ref(), Memory::Fast)
            .unwrap();
        let again = dir.path().join("again");
        assembly.write_staged(&again, stage).unwrap();
        assert_eq!(files_of(&again), files_of(&plain));
        assert!(!elsewhere.exists(), "the stage's own folder is removed");
    }

    /// Writing the templates again into the folder of an earlier synth replaces only the
    /// files that do not hold what would be written: an unchanged stack's file is left as
    /// it is (the same file, not renamed over), one edited since is written again, a new
    /// stack's is added; the folder then holds what a synth into an empty one writes.
    #[cfg(unix)]
    #[test]
    fn a_synth_again_into_its_folder_writes_only_the_templates_that_differ() {
        use crate::synth::Stage;
        use std::os::unix::fs::MetadataExt as _;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let synth = |app: &App, folder: &std::path::Path| {
            let stage = Stage::new(folder);
            app.synth_failures_only(stage.as_ref(), Memory::Fast)
                .unwrap()
                .write_staged(folder, stage)
                .unwrap();
        };
        let inodes = || -> std::collections::BTreeMap<String, u64> {
            std::fs::read_dir(&out)
                .unwrap()
                .map(|e| e.unwrap())
                .map(|e| {
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        e.metadata().unwrap().ino(),
                    )
                })
                .collect()
        };
        synth(&many_stacks_that_hold(), &out);
        let first = inodes();
        synth(&many_stacks_that_hold(), &out);
        let again = inodes();
        let templates = |of: &std::collections::BTreeMap<String, u64>| {
            of.iter()
                .filter(|(name, _)| name.ends_with(".template.json"))
                .map(|(name, inode)| (name.clone(), *inode))
                .collect::<Vec<_>>()
        };
        assert!(templates(&first).len() > 16, "{first:?}");
        assert_eq!(
            templates(&again),
            templates(&first),
            "no template was replaced"
        );
        // One edited by hand, and an app of one more stack.
        let edited = out.join("s005.template.json");
        let text = std::fs::read_to_string(&edited).unwrap();
        std::fs::write(&edited, text.replace("Records", "Recordz")).unwrap();
        let bigger = stacks_of_buckets("holds", 41, false);
        synth(&bigger, &out);
        let last = inodes();
        for (name, inode) in templates(&last) {
            match (name.as_str(), first.get(&name)) {
                ("s005.template.json", Some(before)) => assert_ne!(inode, *before, "{name}"),
                ("s040.template.json", None) => {}
                (_, before) => assert_eq!(Some(&inode), before, "{name}"),
            }
        }
        let fresh = dir.path().join("fresh");
        synth(&bigger, &fresh);
        assert_eq!(files_of(&out), files_of(&fresh));
    }

    #[test]
    fn a_synth_that_fails_its_rules_leaves_no_file_and_no_folder() {
        use crate::synth::Stage;
        let failing = many_stacks();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let deep = dir.path().join("a").join("b").join("out");
        for folder in [&out, &deep] {
            let stage = Stage::new(folder);
            assert!(folder.is_dir());
            let err = failing
                .synth_failures_only(stage.as_ref(), Memory::Fast)
                .unwrap_err();
            assert!(matches!(err, crate::Error::Noncompliant { .. }), "{err}");
            drop(stage);
            assert!(!folder.exists(), "the folder it made is removed");
        }
        assert!(!dir.path().join("a").exists(), "and the parents it made");
        // A parent that holds something else stays.
        std::fs::create_dir(dir.path().join("a")).unwrap();
        std::fs::write(dir.path().join("a").join("keep"), "").unwrap();
        let stage = Stage::new(&deep);
        failing
            .synth_failures_only(stage.as_ref(), Memory::Fast)
            .unwrap_err();
        drop(stage);
        assert!(!dir.path().join("a").join("b").exists());
        assert!(dir.path().join("a").join("keep").exists());
        // A folder that was there stays, with only what it held.
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("notes.txt"), "mine").unwrap();
        let stage = Stage::new(&out);
        failing
            .synth_failures_only(stage.as_ref(), Memory::Fast)
            .unwrap_err();
        drop(stage);
        assert_eq!(files_of(&out), [("notes.txt".to_owned(), b"mine".to_vec())]);
    }

    #[test]
    fn synth_into_a_folder_keeps_only_what_stops_it() {
        let failing = many_stacks();
        assert_eq!(
            failing
                .synth_failures_only(None, Memory::Fast)
                .unwrap_err()
                .to_string(),
            failing.synth().unwrap_err().to_string()
        );
        let app = App::new("lean");
        let shared = app.stack("shared").unwrap();
        let key = shared.add(KmsKey::new("PhiKey")).unwrap();
        let logs = shared.add(AccessLogBucket::new("AccessLogs")).unwrap();
        let data = app.stack("data").unwrap();
        data.add(
            SecureBucket::new("Records")
                .encryption(&key)
                .access_logs(&logs),
        )
        .unwrap();
        let raw = data
            .add(RawResource::new("Thing", "AWS::CloudFormation::Macro").property("Name", "x"))
            .unwrap();
        app.waive(Waiver::new(rule::U1, &raw, "a test resource"))
            .unwrap();
        app.waive(Waiver::never_holds_phi(&raw, "a test resource"))
            .unwrap();
        let full = app.synth().unwrap();
        let lean = app.synth_failures_only(None, Memory::Fast).unwrap();
        // An app that synthesizes has no unwaived failure, so a synth into a folder keeps
        // no result at all: not the waived one, not the gaps, not what holds.
        let statuses = |kind: fn(&Status) -> bool| {
            full.evaluation()
                .results
                .iter()
                .filter(|c| kind(&c.status))
                .count()
        };
        assert!(statuses(|s| matches!(s, Status::Waived { .. })) > 0);
        assert!(statuses(|s| matches!(s, Status::Gap { .. })) > 0);
        assert_eq!(statuses(|s| matches!(s, Status::Failed { .. })), 0);
        assert_eq!(lean.evaluation().results, []);
        assert_eq!(
            lean.evaluation().unused_waivers,
            full.evaluation().unused_waivers
        );
        assert_eq!(lean.manifest_json().unwrap(), full.manifest_json().unwrap());
        for (x, y) in lean.stacks().iter().zip(full.stacks()) {
            assert_eq!(x.template_json(), y.template_json());
        }
        // Without the rules: the same templates and graph, nothing found, even for an app
        // that fails them.
        for (app, memory) in [
            (&app, Memory::Kept),
            (&failing, Memory::Kept),
            (&app, Memory::Low),
            (&failing, Memory::Low),
        ] {
            let unchecked = app.synth_unchecked(memory).unwrap();
            // With low memory and no rule, no tree was built: each template was written
            // from its packed text.
            if memory == Memory::Low {
                for stack in unchecked.stacks() {
                    let held = stack.template().held();
                    assert!(held.iter().all(|h| *h == "packed"), "{held:?}");
                }
            }
            let checked = app.check().unwrap();
            assert_eq!(
                unchecked.evaluation(),
                &crate::compliance::Evaluation::default()
            );
            assert_eq!(
                unchecked.graph().resources_dot(),
                checked.graph().resources_dot()
            );
            assert_eq!(unchecked.graph().stacks_dot(), checked.graph().stacks_dot());
            assert_eq!(
                unchecked.manifest_json().unwrap(),
                checked.manifest_json().unwrap()
            );
        }
    }

    #[test]
    fn the_first_failing_stack_in_deploy_order_is_the_error_on_any_thread() {
        let app = App::new("limits");
        for name in ["b", "a", "c"] {
            let stack = app.stack(name).unwrap();
            let key = stack.add(KmsKey::new("Key")).unwrap();
            for i in 0..201 {
                stack.output(&format!("Out{i}"), key.arn()).unwrap();
            }
        }
        let today = Date::parse("2026-01-01").unwrap();
        for workers in [1, 2, 4] {
            let err = app
                .check_on_workers(today, workers, Memory::Low)
                .unwrap_err()
                .to_string();
            assert!(
                err.starts_with("stack `b` has 201 outputs"),
                "{workers}: {err}"
            );
        }
    }

    /// Hostile review 35: `App::check` returns the assembly whatever the rules found, and
    /// `App::check_on` reads the waivers as of any day; `Assembly::write` wrote either as a
    /// cloud assembly (and the deploy engine deployed it), so a program wrote and deployed
    /// what `synth` refuses. Only an assembly whose rules hold as of today is written.
    #[test]
    fn only_an_assembly_whose_rules_hold_today_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let written = |dir: &std::path::Path| std::fs::read_dir(dir).map_or(0, Iterator::count);

        // A raw bucket that breaks rules, checked today.
        let broken = crate::testing::broken_app();
        assert!(broken.synth().is_err());
        let assembly = broken.check().unwrap();
        let findings = assembly.evaluation().findings().len();
        assert!(findings > 0);
        let out = dir.path().join("broken");
        let err = assembly.write(&out).unwrap_err().to_string();
        assert!(
            err.starts_with(&format!(
                "app `broken`: the assembly is not written: it breaks {findings} HIPAA rule(s)"
            )),
            "{err}"
        );
        assert!(err.contains("`app.synth()?`"), "{err}");
        assert_eq!(written(&out), 0, "nothing is written");

        // Resources waived until a day gone by, read as of that day.
        let lapsed = App::new("lapsed");
        let raw = lapsed
            .stack("data")
            .unwrap()
            .add(RawResource::new("Thing", "AWS::CloudFormation::Macro").property("Name", "x"))
            .unwrap();
        let until = Date::parse("2020-01-31").unwrap();
        lapsed
            .waive(Waiver::new(rule::U1, &raw, "a test resource of the review").until(until))
            .unwrap();
        lapsed
            .waive(Waiver::never_holds_phi(&raw, "a test resource of the review").until(until))
            .unwrap();
        assert!(lapsed.synth().is_err(), "the waivers ran out");
        let then = Date::parse("2020-01-15").unwrap();
        let assembly = lapsed.check_on(then).unwrap();
        assert!(assembly.evaluation().findings().is_empty());
        let out = dir.path().join("lapsed");
        let err = assembly.write(&out).unwrap_err().to_string();
        assert!(
            err.starts_with(
                "app `lapsed`: the assembly is not written: its rules were read as of 2020-01-15, not today"
            ),
            "{err}"
        );
        assert_eq!(written(&out), 0, "nothing is written");

        // What holds today is written, from `synth` or `check`.
        let holds = crate::testing::holding_app();
        holds
            .synth()
            .unwrap()
            .write(&dir.path().join("synth"))
            .unwrap();
        holds
            .check()
            .unwrap()
            .write(&dir.path().join("check"))
            .unwrap();
        assert!(written(&dir.path().join("check")) > 0);
    }

    /// Hostile review 35, again: the clearance was computed once, when the rules ran, and
    /// kept, so an assembly that `App::check` cleared stayed cleared in a program that held
    /// it past midnight, after a waiver it leans on ran out. It is judged as of the day it
    /// is written. A clone of an uncleared assembly, or one given assets, is refused as it
    /// is (these were already closed).
    #[test]
    fn an_assembly_cleared_on_a_day_gone_by_is_not_written() {
        use crate::synth::Clearance;
        let dir = tempfile::tempdir().unwrap();
        let app = App::new("held");
        app.stack("data").unwrap().add(KmsKey::new("Key")).unwrap();
        let mut assembly = app.check().unwrap();
        assembly.write(&dir.path().join("today")).unwrap();
        // The same assembly, as a program that checked it on 2020-01-15 holds it today.
        let then = Date::parse("2020-01-15").unwrap();
        assembly.clearance = Clearance::Checked {
            day: then,
            findings: 0,
        };
        let out = dir.path().join("later");
        for held in [assembly.clone(), assembly.clone().with_assets(Vec::new())] {
            let err = held.write(&out).unwrap_err().to_string();
            assert!(
                err.starts_with(
                    "app `held`: the assembly is not written: its rules were read as of 2020-01-15, not today"
                ),
                "{err}"
            );
            assert!(!out.exists(), "nothing is made");
        }
        // `up` writes what it deployed as of the day its deploy was cleared.
        assembly.write_as_of(&out, then).unwrap();
        assert!(out.join("data.template.json").exists());

        // A clone of what `check` found broken, or with assets, is refused as it is.
        let broken = crate::testing::broken_app();
        let assembly = broken.check().unwrap();
        let out = dir.path().join("broken");
        for copy in [assembly.clone(), assembly.with_assets(Vec::new())] {
            let err = copy.write(&out).unwrap_err();
            assert!(matches!(err, crate::Error::Uncleared { .. }), "{err}");
            assert!(!out.exists(), "nothing is made");
        }
    }

    /// `synth` into a folder stages each template there while the app is synthesized. An
    /// assembly refused then ([`Assembly::write_staged`] of one the rules no longer clear)
    /// finished the stage first, which left the folders it had made (empty, once the
    /// staged files were removed): it is refused before, and nothing is left.
    #[test]
    fn a_staged_assembly_that_is_refused_leaves_no_folder() {
        use crate::synth::{Clearance, Stage};
        let dir = tempfile::tempdir().unwrap();
        let app = many_stacks_that_hold();
        let top = dir.path().join("made");
        let out = top.join("out");
        let stage = Stage::new(&out).unwrap();
        let mut assembly = app.synth_failures_only(Some(&stage), Memory::Fast).unwrap();
        assembly.clearance = Clearance::Checked {
            day: Date::parse("2020-01-15").unwrap(),
            findings: 0,
        };
        let err = assembly.write_staged(&out, Some(stage)).unwrap_err();
        assert!(matches!(err, crate::Error::Uncleared { .. }), "{err}");
        assert!(!top.exists(), "the folders the stage made are removed");
    }
}

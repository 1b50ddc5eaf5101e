//! The command line that `#[hipaa_stack::main]` gives a user's program.
//!
//! `main` only maps outcomes to the documented [exit codes](exit).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::app::App;
use crate::compliance::report::Report;
use crate::error::{Error, Result};

/// The exit codes of a hipaa-stack program.
pub mod exit {
    /// The command did what was asked.
    pub const SUCCESS: u8 = 0;
    /// The user's program returned an error while declaring the app (an invalid name, a
    /// duplicate id, a handle of another app, …).
    pub const PROGRAM_ERROR: u8 = 1;
    /// The command line could not be parsed.
    pub const USAGE: u8 = 2;
    /// The app was declared but cannot be synthesized (a cycle between stacks, a
    /// CloudFormation limit).
    pub const SYNTH_FAILED: u8 = 3;
    /// The cloud assembly could not be written.
    pub const WRITE_FAILED: u8 = 4;
    /// The templates break HIPAA rules that no waiver covers (`synth`, `check`, `report`).
    pub const NONCOMPLIANT: u8 = 5;
}

/// Declares HIPAA-compliant AWS infrastructure and synthesizes it to CloudFormation.
#[derive(Debug, Parser)]
#[command(version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write the cloud assembly: one CloudFormation template per stack and a manifest.
    Synth {
        /// The folder to write into.
        #[arg(long, short, default_value = "hipaa.out")]
        out: PathBuf,
    },
    /// Run every HIPAA rule on every resource and print what fails; exit 5 on any
    /// unwaived finding. For CI.
    Check {
        /// The output format.
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
    },
    /// Write the auditor's report: report.md, report.json and report.html.
    Report {
        /// The folder to write into.
        #[arg(long, short, default_value = "hipaa.out")]
        out: PathBuf,
    },
    /// Print the graph of stacks (or, with --resources, of resources), with an edge from what
    /// is used to what uses it.
    Graph {
        /// Print the resource graph instead of the stack graph.
        #[arg(long)]
        resources: bool,
        /// The notation.
        #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
        format: GraphFormat,
    },
}

/// The formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum CheckFormat {
    /// One line per finding.
    Text,
    /// Machine-readable: findings, gaps and waivers.
    Json,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
}

/// The notations of `graph`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum GraphFormat {
    /// Graphviz DOT: `dot -Tsvg`.
    Dot,
    /// A Mermaid flowchart, for Markdown.
    Mermaid,
}

/// Runs a user's program: parses the command line, builds the app, runs the command.
pub fn run<F>(app_name: &str, program: F) -> ExitCode
where
    F: FnOnce(&mut App) -> Result<()>,
{
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let code = if err.use_stderr() {
                exit::USAGE
            } else {
                exit::SUCCESS
            };
            // Printing help or a usage error to a closed pipe is not worth a panic.
            let _ = err.print();
            return ExitCode::from(code);
        }
    };
    let mut app = App::new(app_name);
    if let Err(err) = program(&mut app) {
        eprintln!("error: {err}");
        return ExitCode::from(exit::PROGRAM_ERROR);
    }
    match cli.command {
        Command::Synth { out } => synth(&app, &out),
        Command::Graph { resources, format } => graph(&app, resources, format),
        Command::Check { format } => check(&app, format),
        Command::Report { out } => report(&app, &out),
    }
}

/// The exit code of a synth-time error.
fn code_of(err: &Error) -> u8 {
    match err {
        Error::Write { .. } => exit::WRITE_FAILED,
        Error::Noncompliant { .. } => exit::NONCOMPLIANT,
        _ => exit::SYNTH_FAILED,
    }
}

fn check(app: &App, format: CheckFormat) -> ExitCode {
    let assembly = match app.check() {
        Ok(assembly) => assembly,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(code_of(&err));
        }
    };
    let report = Report::new(&assembly);
    let findings = assembly.evaluation().findings();
    match format {
        CheckFormat::Text => {
            for f in &findings {
                println!("finding: {f}");
            }
            for g in &report.gaps {
                println!(
                    "gap: {} at `{}`: {}",
                    g.rule,
                    g.construct,
                    g.note.as_deref().unwrap_or_default()
                );
            }
            for w in &report.waivers {
                println!(
                    "waived: {} at `{}`: {}",
                    w.rule,
                    w.construct,
                    w.reason.as_deref().unwrap_or_default()
                );
            }
            let s = &report.summary;
            println!(
                "{} finding(s), {} gap(s), {} waiver(s); {} of {} controls enforced",
                findings.len(),
                report.gaps.len(),
                report.waivers.len(),
                s.enforced + s.waived,
                s.controls
            );
        }
        CheckFormat::Json => {
            let doc = serde_json::json!({
                "schema": "hipaa-stack.check/v1",
                "findings": report.findings,
                "gaps": report.gaps,
                "waivers": report.waivers,
                "summary": report.summary,
            });
            println!("{doc:#}");
        }
        CheckFormat::Sarif => println!("{:#}", sarif(&assembly, &report)),
    }
    if findings.is_empty() {
        ExitCode::from(exit::SUCCESS)
    } else {
        ExitCode::from(exit::NONCOMPLIANT)
    }
}

/// The findings as SARIF 2.1.0.
fn sarif(assembly: &crate::synth::Assembly, report: &Report) -> serde_json::Value {
    let rules: Vec<serde_json::Value> = crate::compliance::rules()
        .map(|r| {
            serde_json::json!({
                "id": r.id,
                "shortDescription": { "text": r.title },
                "help": { "text": r.fix },
                "properties": { "hipaa": r.controls },
            })
        })
        .collect();
    let results: Vec<serde_json::Value> = report
        .findings
        .iter()
        .map(|f| {
            let file = assembly
                .stack(&f.stack)
                .map(crate::synth::SynthesizedStack::template_file)
                .unwrap_or_default();
            serde_json::json!({
                "ruleId": f.rule,
                "level": "error",
                "message": { "text": f.note },
                "locations": [{
                    "physicalLocation": { "artifactLocation": { "uri": file } },
                    "logicalLocations": [{ "fullyQualifiedName": f.construct, "name": f.logical_id }],
                }],
            })
        })
        .collect();
    serde_json::json!({
        "version": "2.1.0",
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "runs": [{
            "tool": { "driver": {
                "name": "hipaa-stack",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    })
}

fn report(app: &App, out: &std::path::Path) -> ExitCode {
    let assembly = match app.check() {
        Ok(assembly) => assembly,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(code_of(&err));
        }
    };
    let report = Report::new(&assembly);
    if let Err(err) = report.write(out) {
        eprintln!("error: {err}");
        return ExitCode::from(code_of(&err));
    }
    let s = &report.summary;
    println!(
        "wrote report.md, report.json and report.html to {}: {} of {} controls enforced, {} gap(s), {} waiver(s), {} unwaived finding(s)",
        out.display(),
        s.enforced + s.waived,
        s.controls,
        report.gaps.len(),
        report.waivers.len(),
        s.findings
    );
    if s.findings == 0 {
        ExitCode::from(exit::SUCCESS)
    } else {
        ExitCode::from(exit::NONCOMPLIANT)
    }
}

fn graph(app: &App, resources: bool, format: GraphFormat) -> ExitCode {
    let assembly = match app.check() {
        Ok(assembly) => assembly,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(code_of(&err));
        }
    };
    let graph = assembly.graph();
    let text = match (resources, format) {
        (false, GraphFormat::Dot) => graph.stacks_dot(),
        (false, GraphFormat::Mermaid) => graph.stacks_mermaid(),
        (true, GraphFormat::Dot) => graph.resources_dot(),
        (true, GraphFormat::Mermaid) => graph.resources_mermaid(),
    };
    print!("{text}");
    ExitCode::from(exit::SUCCESS)
}

fn synth(app: &App, out: &std::path::Path) -> ExitCode {
    let assembly = match app.synth() {
        Ok(assembly) => assembly,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(code_of(&err));
        }
    };
    if let Err(err) = assembly.write(out) {
        eprintln!("error: {err}");
        return ExitCode::from(code_of(&err));
    }
    println!(
        "synthesized {} stack(s) of app `{}` into {}",
        assembly.stacks().len(),
        assembly.app(),
        out.display()
    );
    for stack in assembly.stacks() {
        let deps = if stack.dependencies().is_empty() {
            String::new()
        } else {
            format!(", after {}", stack.dependencies().join(", "))
        };
        println!(
            "  wave {}  {:<32} {:>3} resources{}",
            stack.wave(),
            stack.name(),
            stack.template().resources().len(),
            deps
        );
    }
    ExitCode::from(exit::SUCCESS)
}

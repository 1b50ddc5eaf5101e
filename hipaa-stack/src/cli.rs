//! The command line that `#[hipaa_stack::main]` gives a user's program.
//!
//! `main` only maps outcomes to the documented [exit codes](exit).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::app::App;
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
    }
}

fn graph(app: &App, resources: bool, format: GraphFormat) -> ExitCode {
    let assembly = match app.synth() {
        Ok(assembly) => assembly,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(exit::SYNTH_FAILED);
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
            return ExitCode::from(exit::SYNTH_FAILED);
        }
    };
    if let Err(err) = assembly.write(out) {
        eprintln!("error: {err}");
        let code = match err {
            Error::Write { .. } => exit::WRITE_FAILED,
            _ => exit::SYNTH_FAILED,
        };
        return ExitCode::from(code);
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

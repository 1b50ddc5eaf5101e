//! The command line that `#[hipaa_stack::main]` gives a user's program.
//!
//! `main` only maps outcomes to the documented [exit codes](exit).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::app::App;
use crate::compliance::report::{Evidence, Report};
use crate::error::{Error, Result};

/// The exit codes of a hipaa-stack program.
pub mod exit {
    /// The command did what was asked.
    pub const SUCCESS: u8 = 0;
    /// The user's program returned an error while declaring the app (an invalid name, a
    /// duplicate id, a handle of another app, …), or gave the deploy engine it built a
    /// client of another region than the one it was given for.
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
    /// `preview` found changes to deploy (0 means nothing would change).
    pub const CHANGES: u8 = 6;
    /// A stack failed to deploy or to delete; the message names the root cause.
    pub const DEPLOY_FAILED: u8 = 7;
    /// The plan would replace or delete a store of PHI; nothing was changed.
    pub const PHI_AT_RISK: u8 = 8;
    /// `drift` found stacks that differ from their templates.
    pub const DRIFTED: u8 = 9;
    /// AWS could not be reached (refused connection, DNS, an endpoint that accepts the
    /// connection and never answers), or no region is set.
    pub const UNREACHABLE: u8 = 10;
    /// A confirmation was declined or could not be asked; nothing was changed.
    pub const DECLINED: u8 = 11;
    /// No usable credentials: none found, or AWS does not recognise them (invalid, expired).
    pub const CREDENTIALS: u8 = 12;
    /// The credentials lack a permission (`AccessDenied`); the message names the action.
    pub const ACCESS_DENIED: u8 = 13;
    /// The endpoint kept throttling or failing (HTTP 5xx) through every retry.
    pub const ENDPOINT_FAILING: u8 = 14;
    /// A stack of the same name belongs to no app or another app (see `--adopt`), or the
    /// staging bucket cannot be trusted; nothing was changed.
    pub const NOT_OURS: u8 = 15;
    /// Another run works on the same app; nothing was changed.
    pub const BUSY: u8 = 16;
    /// `outputs` or `drift` on stacks that are not deployed.
    pub const NOT_DEPLOYED: u8 = 17;
    /// Interrupted with Ctrl-C; CloudFormation goes on, and a rerun converges.
    pub const INTERRUPTED: u8 = 130;
}

/// Writes a line to standard output. A closed pipe (`| head`, `| true`) is not an error: the
/// command goes on and ends with its own exit code.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// Writes a line to standard error, which may be closed too. A control character in it (a
/// path or a name the command line gave, `\u{1b}[31m`) is written escaped, never sent to
/// the terminal; the line's own new lines stay.
macro_rules! err {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), "{}", escaped(&format!($($arg)*)));
    }};
}

/// `text` with every control character but the new line escaped (`\u{1b}`, `\r`).
fn escaped(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() && c != '\n') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() && c != '\n' {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A path as a message shows it: lossy UTF-8, control characters (new lines too)
/// escaped, so that a `--out` of `a\u{1b}[31m` is not sent to the terminal.
fn shown_path(path: &std::path::Path) -> String {
    let mut out = String::new();
    for c in path.to_string_lossy().chars() {
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    out
}

/// A mistake on the command line found once the app is built: a name it does not have.
/// Each names the flag and the value, and says what to pass instead. Exit 2
/// ([`exit::USAGE`]).
#[cfg(feature = "deploy")]
#[derive(Debug, thiserror::Error)]
pub(crate) enum UsageError {
    /// `--stack NAME` or `--adopt NAME` names no stack of the app.
    #[error(
        "the app has no stack `{shown}` (`--{flag} {shown}`); name one of its stacks ({stacks}), or see `{command} --help`",
        shown = crate::error::shown(name)
    )]
    NoStack {
        /// The flag, without its dashes: `stack` or `adopt`.
        flag: &'static str,
        /// The name given.
        name: String,
        /// The app's stacks, joined by commas.
        stacks: String,
        /// The command, e.g. `up`.
        command: &'static str,
    },
}

/// The value of a flag that takes a name: UTF-8 text, or a usage error that names the flag
/// (clap's own says only "invalid UTF-8 was detected in one or more arguments").
#[cfg(feature = "deploy")]
#[derive(Debug, Clone, Copy)]
struct Text;

#[cfg(feature = "deploy")]
impl clap::builder::TypedValueParser for Text {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> std::result::Result<String, clap::Error> {
        value.to_str().map(str::to_owned).ok_or_else(|| {
            let flag = arg
                .and_then(clap::Arg::get_long)
                .map_or_else(|| "an argument".to_owned(), |long| format!("`--{long}`"));
            cmd.clone().error(
                clap::error::ErrorKind::InvalidUtf8,
                format!(
                    "the value of {flag} is not UTF-8 text (`{}`); write the name in UTF-8",
                    crate::error::shown(&value.to_string_lossy())
                ),
            )
        })
    }
}

/// Declares HIPAA-compliant AWS infrastructure and synthesizes it to CloudFormation.
#[derive(Debug, Parser)]
#[command(version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Log to standard error: -v steps and API call counts, -vv every AWS API call, -vvv
    /// everything (`RUST_LOG` overrides).
    #[arg(long, short, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    /// The format of the logs.
    #[arg(long, value_enum, default_value_t = crate::logging::LogFormat::Text, global = true)]
    log_format: crate::logging::LogFormat,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write the cloud assembly: one CloudFormation template per stack and a manifest.
    Synth {
        /// The folder to write into.
        #[arg(long, short, default_value = "hipaa.out")]
        out: PathBuf,
        /// Print the time of each phase and the peak memory on standard error.
        #[arg(long)]
        timings: bool,
        /// Hold every stack's JSON tree until the end, instead of the trees of only the
        /// stacks being checked and the others' properties packed: faster for a large app
        /// (a third less time at 50,000 buckets), for more memory (five times as much). The
        /// templates are the same.
        #[arg(long, conflicts_with = "low_memory")]
        more_memory: bool,
        /// Hold the JSON of only the stacks being checked, and the others' properties
        /// packed: what `synth` does unless told `--more-memory` (the flag is kept for the
        /// scripts that name it).
        #[arg(long)]
        low_memory: bool,
    },
    /// Run every HIPAA rule on every resource and print what fails; exit 5 on any
    /// unwaived finding. For CI.
    Check {
        /// The output format.
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
        /// Hold every stack's JSON tree until the end, as `synth --more-memory` does: a
        /// third less time for a large app, for five times the memory. The findings are
        /// the same.
        #[arg(long, conflicts_with = "low_memory")]
        more_memory: bool,
        /// Hold the JSON of only the stacks being checked, and the others' properties
        /// packed: what `check` does unless told `--more-memory` (the flag is kept for the
        /// scripts that name it).
        #[arg(long)]
        low_memory: bool,
    },
    /// Write the auditor's report: report.md, report.json and report.html.
    Report {
        /// The folder to write into.
        #[arg(long, short, default_value = "hipaa.out")]
        out: PathBuf,
        /// Only count the proofs of each rule; waivers, gaps and findings are still listed.
        #[arg(long, conflicts_with = "full")]
        summary: bool,
        /// List every proof, one row per resource and property (by default proofs are
        /// gathered per construct, resource type and property, with their values).
        #[arg(long)]
        full: bool,
        /// Print how long each phase took (synthesis, then the report's own work) and the
        /// peak memory, on standard error.
        #[arg(long)]
        timings: bool,
        /// Hold the JSON of only the stacks being checked, and the others' properties
        /// packed, as `synth --low-memory` does. The report is the same.
        #[arg(long)]
        low_memory: bool,
    },
    /// Show what `up` would change, stack by stack, without changing anything.
    #[cfg(feature = "deploy")]
    Preview {
        #[command(flatten)]
        deploy: DeployArgs,
        #[command(flatten)]
        replace: AllowReplace,
        /// Print one JSON event per line: a plan per stack, then the result.
        #[arg(long)]
        json: bool,
    },
    /// Deploy the stacks through CloudFormation change sets, wave by wave.
    #[cfg(feature = "deploy")]
    Up {
        #[command(flatten)]
        deploy: DeployArgs,
        #[command(flatten)]
        confirm: Confirm,
        #[command(flatten)]
        replace: AllowReplace,
        /// Where to write the deployed assembly and its report.
        #[arg(long, short, default_value = "hipaa.out")]
        out: PathBuf,
        /// Also print the outputs hipaa-stack adds for itself: the exports between stacks
        /// and the template hash.
        #[arg(long)]
        all: bool,
        /// Print one JSON event per line: each stack deployed, the folder written, the
        /// result.
        #[arg(long)]
        json: bool,
    },
    /// Delete the stacks in reverse order; stores of PHI are kept and listed.
    #[cfg(feature = "deploy")]
    Destroy {
        #[command(flatten)]
        deploy: DeployArgs,
        #[command(flatten)]
        confirm: Confirm,
        /// Print one JSON event per line: each stack deleted or absent, each resource kept,
        /// each warning, the result.
        #[arg(long)]
        json: bool,
    },
    /// Print the outputs of the deployed stacks.
    #[cfg(feature = "deploy")]
    Outputs {
        /// Only these stacks.
        #[arg(long = "stack", value_name = "NAME", value_parser = Text)]
        stacks: Vec<String>,
        /// The environment to read, for an app that declares several.
        #[arg(long = "env", value_name = "NAME", value_parser = Text)]
        env: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Also print the outputs hipaa-stack adds for itself: the exports between stacks
        /// and the template hash.
        #[arg(long)]
        all: bool,
    },
    /// Run CloudFormation drift detection; exit 9 when a stack drifted.
    #[cfg(feature = "deploy")]
    Drift {
        /// Only these stacks.
        #[arg(long = "stack", value_name = "NAME", value_parser = Text)]
        stacks: Vec<String>,
        /// The environment to read, for an app that declares several.
        #[arg(long = "env", value_name = "NAME", value_parser = Text)]
        env: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
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

/// The flags of the commands that change stacks.
#[cfg(feature = "deploy")]
#[derive(Debug, clap::Args)]
struct DeployArgs {
    /// Only these stacks (repeatable); all when absent.
    #[arg(long = "stack", value_name = "NAME", value_parser = Text)]
    stacks: Vec<String>,
    /// The environment to work on, for an app that declares several
    /// (`app.environment(..)`); its account must be the credentials' account.
    #[arg(long = "env", value_name = "NAME", value_parser = Text)]
    env: Option<String>,
    /// Stacks of one wave worked on at the same time.
    #[arg(long, default_value_t = 4)]
    concurrency: usize,
    /// The longest wait for one stack, in seconds (1 to 604800, a week).
    #[arg(long, default_value_t = 3600, value_parser = clap::value_parser!(u64).range(1..=MAX_TIMEOUT))]
    timeout: u64,
    /// Take over this existing stack although its `hipaa-stack:app` tag is missing or names
    /// another app (repeatable). Without it such stacks are refused, untouched.
    #[arg(long = "adopt", value_name = "STACK", value_parser = Text)]
    adopt: Vec<String>,
    /// The S3 bucket for large templates and the run lock, made by your organisation
    /// (checked, never changed); by default the tool's own
    /// `hipaa-stack-staging-<account>-<region>`.
    #[arg(long = "staging-bucket", value_name = "NAME", value_parser = Text)]
    staging_bucket: Option<String>,
}

/// The longest `--timeout`, a week: the engine adds the waits of every wave to hold its run
/// lock, which a larger one would overflow.
#[cfg(feature = "deploy")]
const MAX_TIMEOUT: u64 = 7 * 24 * 3600;

/// `--yes`, for the commands that ask before they change anything.
#[cfg(feature = "deploy")]
#[derive(Debug, clap::Args)]
struct Confirm {
    /// Do not ask for confirmation.
    #[arg(long, short)]
    yes: bool,
}

/// `--allow-replace`, for the commands that plan changes.
#[cfg(feature = "deploy")]
#[derive(Debug, clap::Args)]
struct AllowReplace {
    /// Allow replacing or deleting this store of PHI (`STACK/LogicalId` or `STACK/Construct`,
    /// repeatable).
    #[arg(long = "allow-replace", value_name = "STACK/ID", value_parser = Text)]
    allow_replace: Vec<String>,
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

/// What `#[hipaa_stack::main]` knows of the user's program, read from the Cargo metadata of
/// the program's own crate (or given to the attribute): `--help` and `-V` show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Program {
    /// The app's name, in its stacks' `hipaa-stack:app` tag: the package name.
    pub app: &'static str,
    /// The program's name in `--help` and `-V` (the binary's name); the app's when `None`.
    pub name: Option<&'static str>,
    /// The version `-V` prints.
    pub version: &'static str,
    /// The description `--help` starts with; when `None` or empty, a line naming the app.
    pub about: Option<&'static str>,
}

impl Program {
    /// The command line of this program: hipaa-stack's commands under the program's name,
    /// version and description, with `A`'s arguments on every command and each command's
    /// own description kept.
    fn command<A: clap::Args>(&self) -> clap::Command {
        use clap::CommandFactory;
        let about = match self.about.map(str::trim) {
            Some(about) if !about.is_empty() => about.to_owned(),
            _ => format!("The AWS stacks of {}: synthesize, check, deploy.", self.app),
        };
        Cli::command()
            .name(self.name.unwrap_or(self.app))
            .bin_name(self.name.unwrap_or(self.app))
            .version(self.version)
            .about(about)
            .long_about(None)
            .mut_subcommands(|sub| {
                // `augment_args` also sets the description to the doc comment of `A`.
                let about = sub.get_about().cloned();
                let long_about = sub.get_long_about().cloned();
                let sub = A::augment_args(sub);
                let sub = match about {
                    Some(about) => sub.about(about),
                    None => sub.about(None::<&'static str>),
                };
                match long_about {
                    Some(long_about) => sub.long_about(long_about),
                    None => sub.long_about(None::<&'static str>),
                }
            })
    }
}

/// Runs a user's program: parses the command line, builds the app, runs the command.
pub fn run<F>(program: Program, build: F) -> ExitCode
where
    F: FnOnce(&mut App) -> Result<()>,
{
    run_with_args(program, |app, NoArgs {}| build(app))
}

/// A program without arguments of its own.
#[derive(Debug, clap::Args)]
pub struct NoArgs {}

fn usage_error(err: &clap::Error) -> ExitCode {
    let code = if err.use_stderr() {
        exit::USAGE
    } else {
        exit::SUCCESS
    };
    // A usage error repeats what the command line held: one that holds a control character
    // (`\u{1b}[31m`, a carriage return) is written escaped, never sent to the terminal.
    let mut text = err.render().to_string();
    // Every usage error says what to do. clap's own end "For more information, try
    // '--help'", except the one for an unknown command given to `help` (`help help --out`),
    // which ends at its usage line: it gets the same last line.
    let told = code == exit::SUCCESS || text.contains("--help");
    if !told {
        text = format!(
            "{}\n\nFor more information, try '--help'.\n",
            text.trim_end()
        );
    }
    if code != exit::SUCCESS && (!told || text.chars().any(|c| c.is_control() && c != '\n')) {
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), "{}", escaped(&text));
        return ExitCode::from(code);
    }
    // Printing help or a usage error to a closed pipe is not worth a panic.
    let _ = err.print();
    ExitCode::from(code)
}

/// Runs a user's program that takes arguments of its own (`A`, a type deriving
/// `clap::Args`): they are accepted by every command, e.g. `synth --buckets 5000`.
pub fn run_with_args<A, F>(program: Program, build: F) -> ExitCode
where
    A: clap::Args,
    F: FnOnce(&mut App, A) -> Result<()>,
{
    use clap::FromArgMatches;
    let command = program.command::<A>();
    let matches = match command.try_get_matches() {
        Ok(matches) => matches,
        Err(err) => return usage_error(&err),
    };
    let parsed = Cli::from_arg_matches(&matches).and_then(|cli| {
        let sub = matches.subcommand().map(|(_, m)| m).unwrap_or(&matches);
        A::from_arg_matches(sub).map(|args| (cli, args))
    });
    let (cli, args) = match parsed {
        Ok(parsed) => parsed,
        Err(err) => return usage_error(&err),
    };
    let logging = crate::logging::init(cli.verbose, cli.log_format);
    #[cfg(feature = "deploy")]
    let logs = Logs {
        counts: cli.verbose > 0,
        logging,
    };
    #[cfg(not(feature = "deploy"))]
    let _ = logging;
    let mut app = App::new(program.app);
    let start = std::time::Instant::now();
    if let Err(err) = build(&mut app, args) {
        err!("error: {err}");
        return ExitCode::from(exit::PROGRAM_ERROR);
    }
    let built = start.elapsed();
    match cli.command {
        Command::Synth {
            out,
            timings,
            more_memory,
            low_memory: _,
        } => synth(&app, &out, timings.then_some(built), held(more_memory)),
        Command::Graph { resources, format } => graph(&app, resources, format),
        Command::Check {
            format,
            more_memory,
            low_memory: _,
        } => check(&app, format, held(more_memory)),
        Command::Report {
            out,
            summary,
            full,
            timings,
            low_memory,
        } => {
            let evidence = if summary {
                Evidence::Summary
            } else if full {
                Evidence::Full
            } else {
                Evidence::Grouped
            };
            let memory = memory(low_memory, crate::synth::Memory::Fast);
            report(&app, &out, evidence, timings.then_some(built), memory)
        }
        #[cfg(feature = "deploy")]
        Command::Preview {
            deploy,
            replace,
            json,
        } => deploying(
            logs,
            &app,
            &deploy,
            Change::plan(replace),
            Action::Preview { json },
        ),
        #[cfg(feature = "deploy")]
        Command::Up {
            deploy,
            confirm,
            replace,
            out,
            all,
            json,
        } => deploying(
            logs,
            &app,
            &deploy,
            Change {
                yes: confirm.yes,
                allow_replace: replace.allow_replace,
                all_outputs: all,
            },
            Action::Up { out, json },
        ),
        #[cfg(feature = "deploy")]
        Command::Destroy {
            deploy,
            confirm,
            json,
        } => deploying(
            logs,
            &app,
            &deploy,
            Change {
                yes: confirm.yes,
                allow_replace: Vec::new(),
                all_outputs: false,
            },
            Action::Destroy { json },
        ),
        #[cfg(feature = "deploy")]
        Command::Outputs {
            stacks,
            env,
            json,
            all,
        } => {
            let args = DeployArgs::read_only(stacks, env);
            let change = Change {
                all_outputs: all,
                ..Change::read_only()
            };
            deploying(logs, &app, &args, change, Action::Outputs { json })
        }
        #[cfg(feature = "deploy")]
        Command::Drift { stacks, env, json } => {
            let args = DeployArgs::read_only(stacks, env);
            deploying(
                logs,
                &app,
                &args,
                Change::read_only(),
                Action::Drift { json },
            )
        }
    }
}

#[cfg(feature = "deploy")]
impl DeployArgs {
    fn read_only(stacks: Vec<String>, env: Option<String>) -> Self {
        DeployArgs {
            stacks,
            env,
            concurrency: 4,
            timeout: 3600,
            adopt: Vec::new(),
            staging_bucket: None,
        }
    }
}

/// What `-v` asks of a deploy command.
#[cfg(feature = "deploy")]
#[derive(Debug, Clone, Copy)]
struct Logs {
    /// Print the number of API calls per operation.
    counts: bool,
    /// Logs are on: no progress bars between their lines.
    logging: bool,
}

/// What a command allows: to go on without asking, to replace stores of PHI.
#[cfg(feature = "deploy")]
struct Change {
    yes: bool,
    allow_replace: Vec<String>,
    /// Show the outputs hipaa-stack adds for itself too (`--all`).
    all_outputs: bool,
}

#[cfg(feature = "deploy")]
impl Change {
    /// A command that plans and changes nothing (`preview`): it never asks, and were it
    /// to, the answer is no.
    fn plan(replace: AllowReplace) -> Self {
        Change {
            yes: false,
            allow_replace: replace.allow_replace,
            all_outputs: false,
        }
    }

    /// A command that only reads (`outputs`, `drift`).
    fn read_only() -> Self {
        Change {
            yes: true,
            allow_replace: Vec::new(),
            all_outputs: false,
        }
    }
}

#[cfg(feature = "deploy")]
enum Action {
    Preview { json: bool },
    Up { out: PathBuf, json: bool },
    Destroy { json: bool },
    Outputs { json: bool },
    Drift { json: bool },
}

#[cfg(feature = "deploy")]
fn deploy_code(err: &crate::deploy::DeployError) -> u8 {
    use crate::deploy::DeployError as D;
    match err {
        D::Unreachable { .. } | D::NoRegion => exit::UNREACHABLE,
        D::Credentials { .. } | D::WrongAccount { .. } => exit::CREDENTIALS,
        D::Environment { .. } => exit::USAGE,
        // The program built the engine with a client of another region (the command line
        // never does).
        D::ClientInAnotherRegion { .. } => exit::PROGRAM_ERROR,
        D::AccessDenied { .. } => exit::ACCESS_DENIED,
        D::EndpointFailing { .. } => exit::ENDPOINT_FAILING,
        D::Staging { source, .. }
            if matches!(
                source.kind,
                crate::deploy::ApiErrorKind::Throttled | crate::deploy::ApiErrorKind::Transient
            ) =>
        {
            exit::ENDPOINT_FAILING
        }
        D::NotOurs { .. } | D::StagingRefused { .. } => exit::NOT_OURS,
        D::Busy { .. } | D::LockLost { .. } => exit::BUSY,
        D::NotDeployed { .. } => exit::NOT_DEPLOYED,
        D::Endangered { .. } => exit::PHI_AT_RISK,
        D::Interrupted { .. } => exit::INTERRUPTED,
        D::Declined { .. } | D::NotInteractive { .. } => exit::DECLINED,
        D::Several { errors } => errors
            .iter()
            .map(deploy_code)
            .max()
            .unwrap_or(exit::DEPLOY_FAILED),
        _ => exit::DEPLOY_FAILED,
    }
}

/// Runs a command that talks to CloudFormation.
#[cfg(feature = "deploy")]
fn deploying(logs: Logs, app: &App, args: &DeployArgs, change: Change, action: Action) -> ExitCode {
    // A failure before the command starts: on standard error, and with `--json` as the
    // `error` and `result` events too.
    let json = match &action {
        Action::Preview { json } | Action::Destroy { json } | Action::Up { json, .. } => *json,
        Action::Outputs { .. } | Action::Drift { .. } => false,
    };
    let command = match &action {
        Action::Preview { .. } => "preview",
        Action::Up { .. } => "up",
        Action::Destroy { .. } => "destroy",
        Action::Outputs { .. } => "outputs",
        Action::Drift { .. } => "drift",
    };
    let early = |message: String, code: u8| {
        err!("error: {message}");
        if json {
            out!("{}", crate::cli_events::error(command, &message, code));
            out!("{}", crate::cli_events::result(command, code));
        }
        ExitCode::from(code)
    };
    let built = match action {
        Action::Preview { .. } | Action::Up { .. } => synth_with_assets(app),
        _ => app.synth(),
    };
    let assembly = match built {
        Ok(assembly) => assembly,
        Err(err) => return early(err.to_string(), code_of(&err)),
    };
    let named =
        (args.stacks.iter().map(|n| ("stack", n))).chain(args.adopt.iter().map(|n| ("adopt", n)));
    for (flag, name) in named {
        if assembly.stack(name).is_none() {
            let error = UsageError::NoStack {
                flag,
                name: name.clone(),
                stacks: assembly
                    .stacks()
                    .iter()
                    .map(|s| s.name())
                    .collect::<Vec<_>>()
                    .join(", "),
                command,
            };
            return early(error.to_string(), exit::USAGE);
        }
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            return early(
                format!("could not start the async runtime: {err}"),
                exit::DEPLOY_FAILED,
            );
        }
    };
    runtime.block_on(async {
        let regions = match crate::deploy::connect_regions(&assembly).await {
            Ok(c) => c,
            Err(err) => return early(err.to_string(), deploy_code(&err)),
        };
        let endpoint = regions
            .iter()
            .map(|r| crate::deploy::CloudFormationApi::endpoint(&r.api))
            .collect::<Vec<_>>()
            .join(", ");
        let options = crate::deploy::Options {
            yes: change.yes,
            concurrency: args.concurrency.max(1),
            allow_replace: change.allow_replace,
            stacks: args.stacks.clone(),
            timeout: std::time::Duration::from_secs(args.timeout),
            adopt: args.adopt.clone(),
            internal_outputs: change.all_outputs,
            environment: args.env.clone(),
            progress: !logs.logging && crate::deploy::Options::default().progress,
            // With `--json`, each step is an event on standard output as it happens (one
            // line each: standard output flushes at every line).
            events: matches!(
                action,
                Action::Preview { json: true }
                    | Action::Up { json: true, .. }
                    | Action::Destroy { json: true }
            )
            .then(|| {
                crate::deploy::ProgressSink::new(|p: &crate::deploy::Progress| {
                    out!("{}", crate::cli_events::progress(p));
                })
            }),
            ..crate::deploy::Options::default()
        };
        // Read-only commands need neither the staging bucket nor the run lock. A staging
        // bucket named by the organisation is the environment region's (it holds the lock).
        let read_only = matches!(action, Action::Outputs { .. } | Action::Drift { .. });
        let chosen = args.staging_bucket.clone().or_else(|| app.staging_bucket());
        let regions = regions
            .into_iter()
            .enumerate()
            .map(|(i, mut r)| {
                let staging = r.staging.take();
                r.staging = match (read_only, i, staging, &chosen) {
                    (true, ..) => None,
                    (false, 0, Some(s), Some(bucket)) => Some(s.with_bucket(bucket.clone())),
                    (false, _, s, _) => s,
                };
                r
            })
            .collect();
        let deployer = crate::deploy::Deployer::with_regions(regions, &assembly, options);
        let code = run_action(&deployer, &assembly, action).await;
        if logs.counts {
            let calls = deployer.calls();
            err!(
                "API calls to {}: {} in all ({} retries)",
                endpoint,
                calls.total(),
                calls.retries()
            );
            for (op, n) in calls.by_operation() {
                err!("  {op:<36} {n}");
            }
            let staged = deployer.staging_calls();
            if staged.total() > 0 {
                err!(
                    "S3, STS, EC2, RDS and CloudWatch Logs calls for the staging bucket, the run lock, the default security groups and the databases' log groups: {} ({} retries)",
                    staged.total(),
                    staged.retries()
                );
                for (op, n) in staged.by_operation() {
                    err!("  {op:<36} {n}");
                }
            }
        }
        code
    })
}

#[cfg(feature = "deploy")]
async fn run_action<C: crate::deploy::CloudFormationApi>(
    deployer: &crate::deploy::Deployer<'_, C>,
    assembly: &crate::compliance::Assembly,
    action: Action,
) -> ExitCode {
    use crate::cli_events as events;
    use crate::deploy::{PlanState, describe_plan};
    let (command, json) = match &action {
        Action::Preview { json } => ("preview", *json),
        Action::Up { json, .. } => ("up", *json),
        Action::Destroy { json } => ("destroy", *json),
        Action::Outputs { .. } => ("outputs", false),
        Action::Drift { .. } => ("drift", false),
    };
    // With `--json`, every line of standard output is one event, the last the result.
    let emit = |event: serde_json::Value| out!("{event}");
    let result = |code: u8| {
        if json {
            emit(events::result(command, code));
        }
        ExitCode::from(code)
    };
    let fail = |err: crate::deploy::DeployError| {
        err!("error: {err}");
        let code = deploy_code(&err);
        if json {
            emit(events::error(command, &err.to_string(), code));
        }
        result(code)
    };
    match action {
        Action::Preview { json } => match deployer.preview().await {
            Ok(plans) => {
                for p in &plans {
                    if json {
                        emit(events::plan(plan_json(p)));
                    } else {
                        out!("{}", describe_plan(p));
                    }
                }
                if plans.iter().any(|p| !p.endangered.is_empty()) {
                    result(exit::PHI_AT_RISK)
                } else if plans.iter().any(crate::deploy::StackPlan::has_changes) {
                    result(exit::CHANGES)
                } else {
                    result(exit::SUCCESS)
                }
            }
            Err(err) => fail(err),
        },
        Action::Up { out, json } => match deployer.up().await {
            Ok(deployed) => {
                // The deployed assembly and its report first: nothing printed may stop them.
                let mut report = Report::new(assembly);
                for s in &mut report.stacks {
                    if let Some(d) = deployed.iter().find(|d| d.stack == s.name) {
                        if s.region.is_none() {
                            s.region.clone_from(&d.region);
                        }
                        s.deployment = Some(crate::compliance::report::Deployment {
                            stack_id: d.stack_id.clone(),
                            deployed_at: d.updated_at.clone().unwrap_or_default(),
                            notes: d.notes.clone(),
                        });
                    }
                }
                let written = assembly.write(&out).and_then(|()| report.write(&out));
                for d in &deployed {
                    let how = match d.state {
                        PlanState::Create | PlanState::Recreate => "created",
                        PlanState::Update => "updated",
                        PlanState::Unchanged | PlanState::UpToDate => "unchanged",
                        PlanState::Pending(_) => "planned",
                    };
                    if json {
                        emit(events::deployed(d, how));
                        continue;
                    }
                    match &d.region {
                        Some(region) => out!("{}: {how} in {region}", d.stack),
                        None => out!("{}: {how}", d.stack),
                    }
                    for (k, v) in &d.outputs {
                        out!("    {k} = {v}");
                    }
                    for n in &d.notes {
                        out!("    note: {n}");
                    }
                }
                if let Err(err) = written {
                    let message = format!("the stacks are deployed, but {err}");
                    err!("error: {message}");
                    if json {
                        emit(events::error(command, &message, code_of(&err)));
                    }
                    return result(code_of(&err));
                }
                if json {
                    emit(events::written(&out));
                } else {
                    out!(
                        "wrote the deployed assembly and its report to {}",
                        shown_path(&out)
                    );
                }
                result(exit::SUCCESS)
            }
            Err(err) => fail(err),
        },
        Action::Destroy { json } => match deployer.destroy().await {
            Ok(done) => {
                let mut warnings: Vec<&String> = done.warnings.iter().collect();
                warnings.sort_unstable();
                warnings.dedup();
                // One line per kept resource, however many attempts it took to keep it.
                let mut seen = std::collections::BTreeSet::new();
                let retained: Vec<_> = done
                    .retained
                    .iter()
                    .filter(|r| seen.insert((r.stack.as_str(), r.logical_id.as_str())))
                    .collect();
                if json {
                    for s in &done.deleted {
                        emit(events::stack("deleted", s));
                    }
                    for s in &done.absent {
                        emit(events::stack("absent", s));
                    }
                    for w in warnings {
                        emit(events::warning(w));
                    }
                    for r in retained {
                        emit(events::retained(r));
                    }
                    return result(exit::SUCCESS);
                }
                for s in &done.deleted {
                    out!("{s}: deleted");
                }
                for s in &done.absent {
                    out!("{s}: not deployed");
                }
                for w in warnings {
                    err!("warning: {w}");
                }
                let phi: Vec<_> = retained.iter().filter(|r| r.phi).collect();
                if !phi.is_empty() {
                    out!("retained, still billed, still holding PHI:");
                    for r in phi {
                        let how = if r.kept == "retained" {
                            String::new()
                        } else {
                            format!(" [{}: deletion protection was off]", r.kept)
                        };
                        out!(
                            "    {} {} ({}){how}: {}{}",
                            r.resource_type,
                            r.physical_id,
                            r.construct,
                            r.why,
                            r.billing
                                .map(|b| format!("; billing for {b}"))
                                .unwrap_or_default()
                        );
                    }
                }
                let other: Vec<_> = retained.iter().filter(|r| !r.phi).collect();
                if !other.is_empty() {
                    out!("also retained (no PHI):");
                    for r in other {
                        out!(
                            "    {} {} ({}): {}{}",
                            r.resource_type,
                            r.physical_id,
                            r.construct,
                            r.why,
                            r.billing
                                .map(|b| format!("; billing for {b}"))
                                .unwrap_or_default()
                        );
                    }
                }
                ExitCode::from(exit::SUCCESS)
            }
            Err(err) => fail(err),
        },
        Action::Outputs { json } => match deployer.outputs().await {
            Ok(outputs) => {
                if json {
                    let doc: serde_json::Map<String, serde_json::Value> = outputs
                        .iter()
                        .map(|(s, o)| {
                            let values: serde_json::Map<String, serde_json::Value> = o
                                .iter()
                                .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                                .collect();
                            (s.clone(), serde_json::Value::Object(values))
                        })
                        .collect();
                    out!("{:#}", serde_json::Value::Object(doc));
                } else {
                    for (s, o) in &outputs {
                        match deployer.region_of(s) {
                            Some(region) => out!("{s} ({region})"),
                            None => out!("{s}"),
                        }
                        for (k, v) in o {
                            out!("    {k} = {v}");
                        }
                    }
                }
                ExitCode::from(exit::SUCCESS)
            }
            Err(err) => fail(err),
        },
        Action::Drift { json } => match deployer.drift().await {
            Ok(drifts) => {
                if json {
                    let doc: Vec<serde_json::Value> = drifts
                        .iter()
                        .map(|d| {
                            serde_json::json!({
                                "stack": d.stack,
                                "status": d.status,
                                "reason": d.reason,
                                "resources": d.resources.iter().map(|r| serde_json::json!({
                                    "logicalId": r.logical_id,
                                    "type": r.resource_type,
                                    "status": r.status,
                                    "differences": r.differences,
                                })).collect::<Vec<_>>(),
                            })
                        })
                        .collect();
                    out!("{:#}", serde_json::Value::Array(doc));
                } else {
                    for d in &drifts {
                        match &d.reason {
                            Some(reason) => out!(
                                "{}: {} ({reason}); what CloudFormation could check is below, and the resources it could not are NOT_CHECKED: run `drift` again, or check them by hand",
                                d.stack,
                                d.status
                            ),
                            None => out!("{}: {}", d.stack, d.status),
                        }
                        for r in &d.resources {
                            out!("    {} {} {}", r.logical_id, r.resource_type, r.status);
                            for (path, expected, actual) in &r.differences {
                                out!("        {path}: expected {expected}, found {actual}");
                            }
                        }
                    }
                }
                if drifts.iter().any(|d| d.status != "IN_SYNC") {
                    ExitCode::from(exit::DRIFTED)
                } else {
                    ExitCode::from(exit::SUCCESS)
                }
            }
            Err(err) => fail(err),
        },
    }
}

#[cfg(feature = "deploy")]
fn plan_json(p: &crate::deploy::StackPlan) -> serde_json::Value {
    use crate::deploy::PlanState;
    let (state, note) = match &p.state {
        PlanState::Unchanged => ("unchanged", None),
        PlanState::UpToDate => ("up-to-date", None),
        PlanState::Create => ("create", None),
        PlanState::Update => ("update", None),
        PlanState::Recreate => ("recreate", None),
        PlanState::Pending(why) => ("pending", Some(why.clone())),
    };
    serde_json::json!({
        "stack": p.stack,
        "state": state,
        "note": note,
        "changes": p.changes.iter().map(|c| serde_json::json!({
            "action": c.action,
            "logicalId": c.logical_id,
            "construct": c.construct,
            "type": c.resource_type,
            "replacement": c.replacement,
            "cause": c.cause,
        })).collect::<Vec<_>>(),
        "endangered": p.endangered.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "postDeploy": p.post_deploy,
    })
}

/// Prints a synth-time error, with what to do when a file could not be written, and
/// returns its exit code.
fn failed(err: &Error) -> ExitCode {
    err!("error: {err}");
    if matches!(err, Error::Write { .. }) {
        err!(
            "hint: pass `--out DIR` naming a folder that can be written (not a file, nor a place without write access)"
        );
    }
    ExitCode::from(code_of(err))
}

/// The exit code of a synth-time error.
fn code_of(err: &Error) -> u8 {
    match err {
        Error::Write { .. } => exit::WRITE_FAILED,
        Error::Noncompliant { .. } => exit::NONCOMPLIANT,
        #[cfg(feature = "deploy")]
        Error::Deploy(err) => err
            .downcast_ref::<crate::deploy::DeployError>()
            .map_or(exit::SYNTH_FAILED, deploy_code),
        _ => exit::SYNTH_FAILED,
    }
}

/// What `synth` and `check` hold as they synthesize: the trees of the stacks being checked
/// and the others' properties packed, unless told `--more-memory` (every stack's trees, to
/// the end). Measured on `scale` at N=50,000: `synth` 2.06 s and 123 MiB against 1.48 s and
/// 697 MiB, `check` 1.56 s and 143 MiB against 1.32 s and 715 MiB; at N=5,000 both as fast
/// either way, in 31 to 33 MiB against 79 to 80.
fn held(more_memory: bool) -> crate::synth::Memory {
    if more_memory {
        crate::synth::Memory::Kept
    } else {
        crate::synth::Memory::Low
    }
}

/// What `report` holds as it synthesizes: with `--low-memory` the trees of a round,
/// otherwise `default` (each text rather than every tree, for it writes every text again
/// to hash it). `synth` and `check` hold a round's unless told `--more-memory`.
fn memory(low_memory: bool, default: crate::synth::Memory) -> crate::synth::Memory {
    if low_memory {
        crate::synth::Memory::Low
    } else {
        default
    }
}

fn check(app: &App, format: CheckFormat, memory: crate::synth::Memory) -> ExitCode {
    // The summary's reading of the stacks is gathered while synthesis holds them.
    let mut assembly = match app.check_for_summary(memory) {
        Ok(assembly) => assembly,
        Err(err) => {
            return failed(&err);
        }
    };
    // Nothing below reads the resource graph: it is freed before the report is built,
    // whose rows take its place (`scale check` at N=50,000: 19 MB).
    drop(assembly.take_resource_graph());
    // `check` prints findings, gaps, waivers and counts, never a proof: no need to itemize.
    let report = Report::for_check(&assembly);
    let findings = assembly.evaluation().findings();
    match format {
        CheckFormat::Text => {
            for f in &findings {
                out!("finding: {f}");
            }
            for g in &report.gaps {
                out!(
                    "gap: {} at `{}`: {}",
                    g.rule,
                    g.construct,
                    g.note.as_deref().unwrap_or_default()
                );
            }
            for w in &report.waivers {
                out!(
                    "waived: {} at `{}`: {}",
                    w.rule,
                    w.construct,
                    w.reason.as_deref().unwrap_or_default()
                );
            }
            let s = &report.summary;
            out!(
                "{} finding(s), {} gap(s), {} waiver(s); {} of {} controls enforced{}",
                findings.len(),
                report.gaps.len(),
                report.waivers.len(),
                s.enforced + s.waived,
                s.controls,
                with_waivers(s.waived)
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
            out!("{doc:#}");
        }
        CheckFormat::Sarif => out!("{:#}", sarif(&assembly, &report)),
    }
    free_aside((assembly, report));
    if findings.is_empty() {
        ExitCode::from(exit::SUCCESS)
    } else {
        ExitCode::from(exit::NONCOMPLIANT)
    }
}

/// The findings, gaps and waivers as SARIF 2.1.0, as many results as `check`'s text and
/// JSON count (SARIF 2.1.0, §3.27.9 `kind` and §3.27.10 `level`; §3.35 `suppression`):
/// - a finding: `kind` `fail`, `level` `error`;
/// - a gap, which nothing in a template can close and a person must judge: `kind`
///   `review`, whose `level` must be `none` ("If kind has any value other than "fail",
///   then if level is absent, it SHALL default to "none", and if it is present, it SHALL
///   have the value "none"");
/// - a waiver: the finding or gap it waives, with a suppression of kind `inSource` (the
///   waiver is written in the program) whose `justification` is the waiver's reason and
///   `status` `accepted`.
fn sarif(assembly: &crate::compliance::Assembly, report: &Report) -> serde_json::Value {
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
    let result = |row: &crate::compliance::report::Row, gap: bool| {
        let mut location = serde_json::json!({
            "logicalLocations": [{ "fullyQualifiedName": row.construct, "name": row.logical_id }],
        });
        // A row names a stack of the assembly; its template file is where the resource is.
        if let Some(stack) = assembly.stack(&row.stack) {
            location["physicalLocation"] =
                serde_json::json!({ "artifactLocation": { "uri": stack.template_file() } });
        }
        let mut result = serde_json::json!({
            "ruleId": row.rule,
            "kind": if gap { "review" } else { "fail" },
            "level": if gap { "none" } else { "error" },
            "message": { "text": row.note.as_deref().unwrap_or_default() },
            "locations": [location],
        });
        if let Some(reason) = &row.reason {
            let mut suppression = serde_json::json!({
                "kind": "inSource",
                "status": "accepted",
                "justification": reason,
            });
            if let Some(expires) = &row.expires {
                suppression["properties"] = serde_json::json!({ "expires": expires });
            }
            result["suppressions"] = serde_json::json!([suppression]);
        }
        result
    };
    let results: Vec<serde_json::Value> = (report.findings.iter().map(|f| result(f, false)))
        .chain(report.gaps.iter().map(|g| result(g, true)))
        .chain(report.waivers.iter().map(|w| result(w, w.waived_gap)))
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

/// How many of the controls counted as enforced have a waiver on some resource (a waiver is
/// the organization's written acceptance of a risk, not a setting in place), in words:
/// nothing when none has.
fn with_waivers(waived: usize) -> String {
    if waived == 0 {
        String::new()
    } else {
        format!(" ({waived} of them with waivers)")
    }
}

fn report(
    app: &App,
    out: &std::path::Path,
    evidence: Evidence,
    built: Option<std::time::Duration>,
    memory: crate::synth::Memory,
) -> ExitCode {
    let assembly = match app.check_for_report(evidence, memory) {
        Ok(assembly) => assembly,
        Err(err) => {
            return failed(&err);
        }
    };
    let clock = std::time::Instant::now();
    let report = match evidence {
        Evidence::Summary => Report::summary(&assembly),
        Evidence::Full => Report::full(&assembly),
        Evidence::Grouped => Report::new(&assembly),
    };
    let made = clock.elapsed();
    if let Err(err) = report.write(out) {
        return failed(&err);
    }
    let written = clock.elapsed() - made;
    if let Some(built) = built {
        let t = assembly.timings();
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
        err!(
            "timings (ms): build {:.1}, render {:.1}, resolve {:.1}, rules {:.1}, serialize {:.1}, report {:.1}, write {:.1}, total {:.1}",
            ms(built),
            ms(t.render),
            ms(t.resolve),
            ms(t.rules),
            ms(t.serialize),
            ms(made),
            ms(written),
            ms(built + t.render + t.resolve + t.rules + t.serialize + made + written)
        );
        if let Some(kib) = peak_rss_kib() {
            err!("peak RSS (KiB): {kib}");
        }
    }
    let s = &report.summary;
    out!(
        "wrote report.md, report.json and report.html to {}: {} of {} controls enforced{}, {} gap(s), {} waiver(s), {} unwaived finding(s)",
        shown_path(out),
        s.enforced + s.waived,
        s.controls,
        with_waivers(s.waived),
        report.gaps.len(),
        report.waivers.len(),
        s.findings
    );
    let code = if s.findings == 0 {
        ExitCode::from(exit::SUCCESS)
    } else {
        ExitCode::from(exit::NONCOMPLIANT)
    };
    free_aside((assembly, report));
    code
}

/// Frees `value` on a thread of its own, off the path to the exit: at thousands of
/// resources an assembly is hundreds of thousands of allocations, which the end of the
/// program would otherwise wait for (the thread is not waited for; the process's end frees
/// what it has not).
fn free_aside<T: Send + 'static>(value: T) {
    // A thread that cannot be started drops its closure, and `value` with it, here.
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}

fn graph(app: &App, resources: bool, format: GraphFormat) -> ExitCode {
    // The graph reads no rule: they are not run, so no stack's tree is built, and its
    // properties are packed as it is rendered, then written from the packed text. Measured
    // on `scale graph --buckets 50000`: 725 MiB and 2.1 s with every stack's trees built
    // (`Memory::Kept`), 147 MiB and 1.7 s packed; at 5,000, 79 and 24 MiB, as fast.
    let assembly = match app.synth_unchecked(crate::synth::Memory::Low) {
        Ok(assembly) => assembly,
        Err(err) => {
            return failed(&err);
        }
    };
    let graph = assembly.graph();
    let text = match (resources, format) {
        (false, GraphFormat::Dot) => graph.stacks_dot(),
        (false, GraphFormat::Mermaid) => graph.stacks_mermaid(),
        (true, GraphFormat::Dot) => graph.resources_dot(),
        (true, GraphFormat::Mermaid) => graph.resources_mermaid(),
    };
    {
        use std::io::Write as _;
        let _ = std::io::stdout().write_all(text.as_bytes());
    }
    free_aside(assembly);
    ExitCode::from(exit::SUCCESS)
}

/// Builds the code of the app's functions, then synthesizes: what `preview` and `up` do
/// (`synth` builds them too, keeping only the failures; `check`, `graph` and `report` never
/// build code).
#[cfg(feature = "deploy")]
fn synth_with_assets(app: &App) -> crate::Result<crate::Assembly> {
    let assets = app.build_assets()?;
    Ok(app.synth()?.with_assets(assets))
}

fn synth(
    app: &App,
    out: &std::path::Path,
    built: Option<std::time::Duration>,
    memory: crate::synth::Memory,
) -> ExitCode {
    // Only the failures: nothing here reads what holds. The templates are written (beside
    // their files) while the stacks after them are checked, and put in place once the app
    // holds.
    let stage = crate::synth::Stage::new(out);
    let assembly = match app.build_assets().and_then(|assets| {
        Ok(app
            .synth_failures_only(stage.as_ref(), memory)?
            .with_assets(assets))
    }) {
        Ok(assembly) => assembly,
        Err(err) => {
            return failed(&err);
        }
    };
    let clock = std::time::Instant::now();
    if let Err(err) = assembly.write_staged(out, stage) {
        return failed(&err);
    }
    let written = clock.elapsed();
    out!(
        "synthesized {} stack(s) of app `{}` into {}",
        assembly.stacks().len(),
        assembly.app(),
        shown_path(out)
    );
    const SHOWN: usize = 20;
    for stack in assembly.stacks().iter().take(SHOWN) {
        let deps = if stack.dependencies().is_empty() {
            String::new()
        } else {
            format!(", after {}", stack.dependencies().join(", "))
        };
        out!(
            "  wave {}  {:<32} {:>3} resources{}",
            stack.wave(),
            stack.name(),
            stack.template().resources().len(),
            deps
        );
    }
    if assembly.stacks().len() > SHOWN {
        out!("  … and {} more stacks", assembly.stacks().len() - SHOWN);
    }
    if let Some(built) = built {
        let t = assembly.timings();
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
        let total = built + t.render + t.resolve + t.rules + t.serialize + written;
        err!(
            "timings (ms): build {:.1}, render {:.1}, resolve {:.1}, rules {:.1}, serialize {:.1}, write {:.1}, total {:.1}",
            ms(built),
            ms(t.render),
            ms(t.resolve),
            ms(t.rules),
            ms(t.serialize),
            ms(written),
            ms(total)
        );
        if let Some(kib) = peak_rss_kib() {
            err!("peak RSS (KiB): {kib}");
        }
    }
    free_aside(assembly);
    ExitCode::from(exit::SUCCESS)
}

/// The process's peak resident set size, from `/proc/self/status` (Linux).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

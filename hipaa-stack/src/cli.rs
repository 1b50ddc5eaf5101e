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

/// Writes a line of text to standard output. A closed pipe (`| head`, `| true`) is not an
/// error: the command goes on and ends with its own exit code. A control character or an
/// invisible formatting character in it (text of the program, its templates or AWS: a
/// stack output, a reason, `\u{1b}[31m`, `\u{202e}`) is written escaped ([`escaped`]), never
/// sent to the terminal; the line's own new lines stay. JSON goes through [`print_json`].
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), "{}", escaped(&format!($($arg)*)));
    }};
}

/// Writes a line to standard error, which may be closed too, escaped as [`out!`] escapes
/// (a path or a name the command line gave).
macro_rules! err {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), "{}", escaped(&format!($($arg)*)));
    }};
}

/// Whether a text printer writes `c` escaped: a control character (but the new line, which
/// the printer's own lines hold) or an invisible formatting character (a bidirectional
/// override, a zero-width character, a line separator: CVE-2021-42574, "Trojan Source").
fn hidden(c: char) -> bool {
    (c.is_control() && c != '\n') || crate::compliance::invisible(c)
}

/// `text` with every control character but the new line escaped (`\u{1b}`, `\r`), and
/// every invisible formatting character written as its code point (`\u{202e}`).
fn escaped(text: &str) -> std::borrow::Cow<'_, str> {
    // Printable ASCII and new lines hide nothing: read a byte at a time, as most lines are.
    // (Without a branch per byte, so that the compiler reads many bytes at a time.)
    let plain = !text.bytes().fold(false, |outside, b| {
        outside | !(b == b'\n' || (b' '..=b'~').contains(&b))
    });
    if plain || !text.chars().any(hidden) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() && c != '\n' {
            out.extend(c.escape_debug());
        } else if hidden(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `value` as JSON text (indented when `pretty`) in which no character is hidden: serde_json
/// escapes the control characters below U+0020 in strings, and writes DEL, the C1 controls
/// and the invisible formatting characters as they are; each is written here as the JSON
/// escape `\uXXXX` (a pair of them above U+FFFF), which reads back as the same string.
/// JSON's own structure is ASCII, so every such character is inside a string.
fn json_text(value: &serde_json::Value, pretty: bool) -> String {
    let text = if pretty {
        format!("{value:#}")
    } else {
        value.to_string()
    };
    if !text.chars().any(hidden) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if hidden(c) {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                let _ = std::fmt::Write::write_fmt(&mut out, format_args!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Writes `value` as one JSON document ([`json_text`]) and a new line to standard output.
/// Prints on standard error how long each phase of a command took, as `--timings` asks:
/// building the app (`built`), synthesis's phases (`synthesis`), then the command's own
/// (`after`, by name), their total, and the peak memory of the process.
fn print_timings(
    built: std::time::Duration,
    synthesis: &crate::synth::Timings,
    after: &[(&str, std::time::Duration)],
) {
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
    let mut phases = vec![
        ("build", built),
        ("render", synthesis.render),
        ("resolve", synthesis.resolve),
        ("rules", synthesis.rules),
        ("serialize", synthesis.serialize),
    ];
    phases.extend_from_slice(after);
    let total: std::time::Duration = phases.iter().map(|(_, d)| *d).sum();
    let shown: Vec<String> = phases
        .iter()
        .map(|(name, d)| format!("{name} {:.1}", ms(*d)))
        .collect();
    err!("timings (ms): {}, total {:.1}", shown.join(", "), ms(total));
    if let Some(kib) = peak_rss_kib() {
        err!("peak RSS (KiB): {kib}");
    }
}

/// Writes `text` (lines that hide nothing: [`check_text`]'s) to standard output in one
/// write rather than one per line: `check` prints a line per gap, 50,000 at N=50,000.
fn out_text(text: &str) {
    use std::io::Write as _;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

fn print_json(value: &serde_json::Value, pretty: bool) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stdout(), "{}", json_text(value, pretty));
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
        value
            .to_str()
            .map(str::to_owned)
            .ok_or_else(|| not_utf8(cmd, arg, value, "name"))
    }
}

/// A value parser `P` whose value must first be UTF-8 text: a number's flag names itself in
/// the error, where clap's own says only "invalid UTF-8 was detected in one or more
/// arguments".
#[cfg(feature = "deploy")]
#[derive(Debug, Clone, Copy)]
struct Utf8<P>(P);

#[cfg(feature = "deploy")]
impl<P: clap::builder::TypedValueParser> clap::builder::TypedValueParser for Utf8<P> {
    type Value = P::Value;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> std::result::Result<P::Value, clap::Error> {
        if value.to_str().is_none() {
            return Err(not_utf8(cmd, arg, value, "number"));
        }
        self.0.parse_ref(cmd, arg, value)
    }
}

/// The usage error of a flag's value that is not UTF-8 text, naming the flag.
#[cfg(feature = "deploy")]
fn not_utf8(
    cmd: &clap::Command,
    arg: Option<&clap::Arg>,
    value: &std::ffi::OsStr,
    what: &str,
) -> clap::Error {
    let flag = arg
        .and_then(clap::Arg::get_long)
        .map_or_else(|| "an argument".to_owned(), |long| format!("`--{long}`"));
    cmd.clone().error(
        clap::error::ErrorKind::InvalidUtf8,
        format!(
            "the value of {flag} is not UTF-8 text (`{}`); write the {what} in UTF-8",
            crate::error::shown(&value.to_string_lossy())
        ),
    )
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
    /// Run every HIPAA rule on every resource and print what fails, the gaps, the waivers
    /// and the waivers that waive nothing; exit 5 on any unwaived finding. For CI.
    Check {
        /// The output format.
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
        /// Print the time of each phase (synthesis, then the report's counts and the
        /// printing) and the peak memory, on standard error.
        #[arg(long)]
        timings: bool,
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
    #[arg(long, default_value_t = 4, value_parser = Utf8(clap::value_parser!(u16)))]
    concurrency: u16,
    /// The longest wait for one stack, in seconds (1 to 604800, a week).
    #[arg(long, default_value_t = 3600, value_parser = Utf8(clap::value_parser!(u64).range(1..=MAX_TIMEOUT)))]
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
    /// Machine-readable: findings, gaps, waivers and the waivers that waive nothing.
    Json,
    /// SARIF 2.1.0, for code-scanning dashboards (the waivers that waive nothing as
    /// notifications of the run).
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
    // (`\u{1b}[31m`, a carriage return) or an invisible formatting character (`\u{202e}`) is
    // written escaped, never sent to the terminal.
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
    if code != exit::SUCCESS && (!told || text.chars().any(hidden)) {
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
            timings,
            more_memory,
            low_memory: _,
        } => check(&app, format, timings.then_some(built), held(more_memory)),
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
        D::Environment { .. } | D::BadRegion { .. } | D::UnknownPartition { .. } => exit::USAGE,
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
        D::Uncleared { .. } => exit::NONCOMPLIANT,
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
            print_json(&crate::cli_events::error(command, &message, code), false);
            print_json(&crate::cli_events::result(command, code), false);
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
            concurrency: usize::from(args.concurrency.max(1)),
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
                    print_json(&crate::cli_events::progress(p), false);
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
    let emit = |event: serde_json::Value| print_json(&event, false);
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
        Action::Up { out, json } => {
            // The day `up` clears the assembly on, taken before it starts: what it deployed
            // is written as cleared then, however long the deploy runs (past midnight).
            let cleared_on = crate::literal::Date::today();
            match deployer.up().await {
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
                    let written = assembly
                        .write_as_of(&out, cleared_on)
                        .and_then(|()| report.write(&out));
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
            }
        }
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
                    print_json(&serde_json::Value::Object(doc), true);
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
                    print_json(&serde_json::Value::Array(doc), true);
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
        Error::Noncompliant { .. } | Error::Uncleared { .. } => exit::NONCOMPLIANT,
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

fn check(
    app: &App,
    format: CheckFormat,
    built: Option<std::time::Duration>,
    memory: crate::synth::Memory,
) -> ExitCode {
    // The summary's reading of the stacks is gathered while synthesis holds them.
    let mut assembly = match app
        .check_for_summary(memory)
        .and_then(|assembly| crate::stack_tags::refused(&assembly).map(|()| assembly))
    {
        Ok(assembly) => assembly,
        Err(err) => {
            return failed(&err);
        }
    };
    // Nothing below reads the resource graph: it is freed before the report is built,
    // whose rows take its place (`scale check` at N=50,000: 19 MB).
    drop(assembly.take_resource_graph());
    // `check` prints findings, gaps, waivers and counts, never a proof: no need to itemize.
    let clock = std::time::Instant::now();
    let report = Report::for_check(&assembly);
    let findings = assembly.evaluation().findings();
    let made = clock.elapsed();
    match format {
        CheckFormat::Text => out_text(&check_text(&findings, &report)),
        CheckFormat::Json => print_json(&check_json(&report), true),
        CheckFormat::Sarif => print_json(&sarif(&assembly, &report), true),
    }
    let printed = clock.elapsed() - made;
    if let Some(built) = built {
        print_timings(
            built,
            &assembly.timings(),
            &[("report", made), ("print", printed)],
        );
    }
    free_aside((assembly, report));
    if findings.is_empty() {
        ExitCode::from(exit::SUCCESS)
    } else {
        ExitCode::from(exit::NONCOMPLIANT)
    }
}

/// `check`'s text: a line per finding, gap, waiver and waiver that waives nothing (as the
/// report lists them), then the counts. Each line is one record: what the program or its
/// templates wrote in it (a construct path, a stack name, a reason, a note, a rule named in
/// a resource's metadata) is shown with its control and invisible characters written out
/// ([`shown`](crate::compliance::shown)), new lines too, so that nothing forges or
/// hides a line.
fn check_text(findings: &[crate::error::Finding], report: &Report) -> String {
    use crate::compliance::shown;
    let mut text = String::new();
    // Each line is written straight into the text from its parts, then shown: what `shown`
    // escapes (a control character, new lines too, or an invisible one) is all that `out!`
    // escapes, so the text is printed as it is.
    let mut line = |parts: &[&str]| {
        let start = text.len();
        for part in parts {
            text.push_str(part);
        }
        let escaped = match shown(&text[start..]) {
            std::borrow::Cow::Owned(escaped) => Some(escaped),
            std::borrow::Cow::Borrowed(_) => None,
        };
        if let Some(escaped) = escaped {
            text.truncate(start);
            text.push_str(&escaped);
        }
        text.push('\n');
    };
    for f in findings {
        line(&["finding: ", &f.to_string()]);
    }
    for g in &report.gaps {
        let note = g.note.as_deref().unwrap_or_default();
        line(&["gap: ", g.rule, " at `", &g.construct, "`: ", note]);
    }
    for w in &report.waivers {
        let reason = w.reason.as_deref().unwrap_or_default();
        line(&["waived: ", w.rule, " at `", &w.construct, "`: ", reason]);
    }
    for w in &report.unused_waivers {
        let place = crate::compliance::report::unused_waiver_place(w, |t| format!("`{t}`"));
        line(&["waives nothing: ", &w.rule, " on ", &place, ": ", &w.note]);
    }
    let s = &report.summary;
    let unused = match report.unused_waivers.len() {
        0 => String::new(),
        n => format!(", {n} waiver(s) that waive nothing"),
    };
    line(&[&format!(
        "{} finding(s), {} gap(s), {} waiver(s){unused}; {} of {} controls enforced{}",
        findings.len(),
        report.gaps.len(),
        report.waivers.len(),
        s.enforced + s.waived,
        s.controls,
        with_waivers(s.waived)
    )]);
    text
}

/// [`check_text`]'s lines.
#[cfg(test)]
fn check_lines(findings: &[crate::error::Finding], report: &Report) -> Vec<String> {
    check_text(findings, report)
        .lines()
        .map(str::to_owned)
        .collect()
}

/// `check --format json`: the findings, gaps, waivers, the waivers that waive nothing (the
/// report's `unusedWaivers`, with the same fields) and the summary.
fn check_json(report: &Report) -> serde_json::Value {
    serde_json::json!({
        "schema": "hipaa-stack.check/v1",
        "findings": report.findings,
        "gaps": report.gaps,
        "waivers": report.waivers,
        "unusedWaivers": report.unused_waivers,
        "summary": report.summary,
    })
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
///   `status` `accepted`;
/// - a waiver that waives nothing, which is no result (there is nothing in a template to
///   show): a notification of the run's invocation in `toolConfigurationNotifications`
///   ("a list of conditions detected by the tool that are relevant to the tool's
///   configuration", SARIF 2.1.0 §3.20.22; the waivers configure what `check` accepts),
///   `level` `warning`, with the rule as its `associatedRule` (§3.58.7) and the construct,
///   or the resource and its template, as its location. The invocation says
///   `executionSuccessful` `true` (§3.20.14, required): findings are results, not a failure
///   of the tool.
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
    let notifications: Vec<serde_json::Value> = report
        .unused_waivers
        .iter()
        .map(|w| {
            let mut location = match &w.construct {
                Some(construct) => serde_json::json!({
                    "logicalLocations": [{ "fullyQualifiedName": construct }],
                }),
                None => serde_json::json!({
                    "logicalLocations": [{ "name": w.logical_id }],
                }),
            };
            if let Some(stack) = assembly.stack(&w.stack) {
                location["physicalLocation"] =
                    serde_json::json!({ "artifactLocation": { "uri": stack.template_file() } });
            }
            let mut notification = serde_json::json!({
                "level": "warning",
                "message": { "text": format!(
                    "the waiver of {} on {} waives nothing: {}",
                    w.rule,
                    crate::compliance::report::unused_waiver_place(w, |t| format!("`{t}`")),
                    w.note
                ) },
                "locations": [location],
            });
            let mut rule = serde_json::json!({ "id": w.rule });
            // A rule of the catalogue is referred to by its index too; a rule named in a
            // resource's metadata that no rule has is referred to by its name only.
            if let Some(index) = crate::compliance::rules().position(|r| r.id == w.rule) {
                rule["index"] = serde_json::json!(index);
            }
            notification["associatedRule"] = rule;
            notification
        })
        .collect();
    let mut invocation = serde_json::json!({ "executionSuccessful": true });
    if !notifications.is_empty() {
        invocation["toolConfigurationNotifications"] = serde_json::json!(notifications);
    }
    serde_json::json!({
        "version": "2.1.0",
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "runs": [{
            "tool": { "driver": {
                "name": "hipaa-stack",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "invocations": [invocation],
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
        print_timings(
            built,
            &assembly.timings(),
            &[("report", made), ("write", written)],
        );
    }
    let s = &report.summary;
    // As `check` counts them: the waivers that waive nothing only when there are any.
    let unused = match report.unused_waivers.len() {
        0 => String::new(),
        n => format!(", {n} waiver(s) that waive nothing"),
    };
    out!(
        "wrote report.md, report.json and report.html to {}: {} of {} controls enforced{}, {} gap(s), {} waiver(s){unused}, {} unwaived finding(s)",
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
        // A raw resource's type is the program's text: its control and invisible
        // characters are written escaped, as in every other output ([`escaped`]).
        let _ = std::io::stdout().write_all(escaped(&text).as_bytes());
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
        let assembly = app
            .synth_failures_only(stage.as_ref(), memory)?
            .with_assets(assets);
        // What `up` would refuse before any call, said before anything is written.
        crate::stack_tags::refused(&assembly)?;
        Ok(assembly)
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
        print_timings(built, &assembly.timings(), &[("write", written)]);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compliance::report::{Row, UnusedWaiver};

    /// An app with a waiver written on no resource (S10 on a key, which has no bucket) and
    /// one of a resource on which its rule holds (U1 on a bucket), and what `check` reads
    /// of it.
    fn with_waivers_that_waive_nothing() -> (crate::compliance::Assembly, Report) {
        let app = crate::compliance::app_with_waivers_that_waive_nothing();
        let assembly = app.check_for_summary(crate::synth::Memory::Low).unwrap();
        let report = Report::for_check(&assembly);
        (assembly, report)
    }

    /// A number's flag given bytes that are not UTF-8 is named in the usage error (clap's
    /// own said only "invalid UTF-8 was detected in one or more arguments", found by the
    /// command-line property test); a number that is not one keeps clap's error, which names
    /// the flag too.
    #[cfg(all(feature = "deploy", unix))]
    #[test]
    fn a_number_flag_given_bytes_that_are_not_utf8_is_named() {
        use std::os::unix::ffi::OsStringExt;
        for flag in ["--concurrency", "--timeout"] {
            let bytes = std::ffi::OsString::from_vec(vec![0xfe, b'x', 0xff]);
            let args = [
                std::ffi::OsString::from("clinic"),
                "preview".into(),
                flag.into(),
                bytes,
            ];
            let err = Cli::try_parse_from(args).unwrap_err().to_string();
            assert!(
                err.contains(&format!("the value of `{flag}` is not UTF-8 text")),
                "{err}"
            );
            let err = Cli::try_parse_from(["clinic", "preview", flag, "abc"])
                .unwrap_err()
                .to_string();
            assert!(err.contains(flag), "{err}");
        }
        let parsed = Cli::try_parse_from(["clinic", "preview", "--concurrency", "8"]);
        assert!(parsed.is_ok(), "{parsed:?}");
    }

    /// `synth` and `check` refuse an app whose name (the stacks' `hipaa-stack:app` tag)
    /// `up` would refuse before any call, as `up` does through the same check
    /// ([`crate::stack_tags::tag_problem`]), and write nothing; a name of letters of any
    /// script passes both (hostile review 25).
    #[test]
    fn synth_and_check_refuse_an_app_name_up_would_refuse() {
        let app_named = |name: &str| {
            let app = App::new(name);
            app.stack("data")
                .unwrap()
                .add(crate::constructs::KmsKey::new("PhiKey"))
                .unwrap();
            app
        };
        let memory = crate::synth::Memory::Low;
        for bad in ["Clinic #2", "a,b", "(prod)", ""] {
            let dir = tempfile::tempdir().unwrap();
            let out = dir.path().join("out");
            let app = app_named(bad);
            let code = synth(&app, &out, None, memory);
            assert_eq!(code, ExitCode::from(exit::SYNTH_FAILED), "{bad}");
            let written: Vec<_> = std::fs::read_dir(&out)
                .map(|d| d.flatten().map(|e| e.file_name()).collect())
                .unwrap_or_default();
            assert!(written.is_empty(), "{bad}: {written:?}");
            let code = check(&app, CheckFormat::Json, None, memory);
            assert_eq!(code, ExitCode::from(exit::SYNTH_FAILED), "{bad}");
        }
        for good in ["Klinik Zürich", "clinic", "病院 1", "..", "𝔄𝔄"] {
            let dir = tempfile::tempdir().unwrap();
            let out = dir.path().join("out");
            let app = app_named(good);
            assert_eq!(
                synth(&app, &out, None, memory),
                ExitCode::from(exit::SUCCESS),
                "{good}"
            );
            assert!(out.join("data.template.json").exists(), "{good}");
            assert_eq!(
                check(&app, CheckFormat::Json, None, memory),
                ExitCode::from(exit::SUCCESS),
                "{good}"
            );
        }
    }

    /// Before, `check` printed nothing of the waivers that waive nothing in any format,
    /// where `report` lists them: its text now has a line for each and counts them, its
    /// JSON has the report's `unusedWaivers`, and its SARIF a configuration notification
    /// of the run for each.
    #[test]
    fn check_says_which_waivers_waive_nothing_in_every_format() {
        let (assembly, report) = with_waivers_that_waive_nothing();
        // The U1 waiver lands on the bucket and its policy, on neither of which U1 fails.
        assert_eq!(
            report.unused_waivers.len(),
            3,
            "{:?}",
            report.unused_waivers
        );
        let findings = assembly.evaluation().findings();
        let lines = check_lines(&findings, &report);
        assert!(
            lines.iter().any(|l| l.starts_with(
                "waives nothing: S10 on the construct `s/PhiKey`: the construct has no resource of a type rule S10 reads"
            )),
            "{lines:#?}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("waives nothing: U1 on `Records` in stack `s`: ")),
            "{lines:#?}"
        );
        let last = lines.last().unwrap();
        assert!(
            last.contains(", 3 waiver(s) that waive nothing; "),
            "{last}"
        );

        let json = check_json(&report);
        let unused = json["unusedWaivers"].as_array().unwrap();
        assert_eq!(unused.len(), 3, "{json:#}");
        assert!(
            unused
                .iter()
                .any(|w| w["rule"] == "S10" && w["construct"] == "s/PhiKey"),
            "{json:#}"
        );

        let doc = sarif(&assembly, &report);
        let invocation = &doc["runs"][0]["invocations"][0];
        assert_eq!(invocation["executionSuccessful"], true);
        let notes = invocation["toolConfigurationNotifications"]
            .as_array()
            .unwrap();
        assert_eq!(notes.len(), 3, "{doc:#}");
        let s10 = notes
            .iter()
            .find(|n| n["associatedRule"]["id"] == "S10")
            .unwrap();
        assert_eq!(s10["level"], "warning");
        assert_eq!(
            s10["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
            "s/PhiKey"
        );
        let index = usize::try_from(s10["associatedRule"]["index"].as_u64().unwrap()).unwrap();
        assert_eq!(
            doc["runs"][0]["tool"]["driver"]["rules"][index]["id"],
            "S10"
        );
        assert!(
            s10["message"]["text"]
                .as_str()
                .is_some_and(|t| t.contains("waives nothing")),
            "{s10:#}"
        );
        // No waiver that waives nothing is a result: the results are as many as the text
        // counts (findings, gaps and waivers).
        assert_eq!(
            doc["runs"][0]["results"].as_array().unwrap().len(),
            findings.len() + report.gaps.len() + report.waivers.len()
        );
    }

    /// Text that the program, its templates or AWS wrote, with a line break, a carriage
    /// return, a terminal escape and invisible formatting characters, in every field that
    /// `check` prints: each text line stays one line and shows none of them, and the JSON
    /// and SARIF carry none raw, yet read back as the same strings.
    #[test]
    fn check_escapes_what_it_prints_in_every_format() {
        let (assembly, mut report) = with_waivers_that_waive_nothing();
        let forged = "x\n0 finding(s), 0 gap(s), 0 waiver(s); 32 of 32 controls enforced\r\u{1b}[2K\u{202e}\u{200b}\u{2028}\u{85}\u{7f}\u{e0041}";
        let row = Row {
            rule: "S10",
            stack: format!("s{forged}"),
            logical_id: format!("L{forged}"),
            construct: format!("s/{forged}"),
            path: None,
            value: None,
            note: Some(format!("note {forged}")),
            reason: Some(format!("reason {forged}")),
            expires: None,
            waived_gap: true,
        };
        report.gaps.push(row.clone());
        report.waivers.push(row);
        report.unused_waivers.push(UnusedWaiver {
            rule: format!("S1{forged}"),
            stack: format!("s{forged}"),
            logical_id: format!("L{forged}"),
            construct: None,
            note: format!("note {forged}"),
        });
        let findings = assembly.evaluation().findings();
        let lines = check_lines(&findings, &report);
        assert_eq!(
            lines.len(),
            findings.len()
                + report.gaps.len()
                + report.waivers.len()
                + report.unused_waivers.len()
                + 1
        );
        for line in &lines {
            assert!(
                !line
                    .chars()
                    .any(|c| c.is_control() || crate::compliance::invisible(c)),
                "{line:?}"
            );
        }
        assert!(
            lines
                .iter()
                .any(|l| l.contains("reason x\\u{a}0 finding(s)")),
            "{lines:#?}"
        );
        assert_eq!(escaped("a\nb\u{202e}\u{1b}"), "a\nb\\u{202e}\\u{1b}");
        for (doc, pretty) in [
            (check_json(&report), true),
            (sarif(&assembly, &report), true),
            (check_json(&report), false),
        ] {
            let text = json_text(&doc, pretty);
            assert!(!text.chars().any(hidden), "{text}");
            assert!(
                text.contains("\\u202e") && text.contains("\\udb40\\udc41"),
                "{text}"
            );
            let read = crate::cfn::tree::from_str(&text).unwrap();
            assert_eq!(read, doc);
        }
    }
}

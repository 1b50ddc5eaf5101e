//! Public error types.
//!
//! Every error names the construct (by its path, `stack/Construct`) or the stack that
//! failed, and says what to do. Messages are lower-case sentences.

use std::path::PathBuf;

pub use hipaa_stack_syntax::Violation;

/// The result type of everything a user program calls.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What to do about a stack tag that CloudFormation refuses (`stack_tags::tag_problem`):
/// said by `synth`, `check` and `up` alike.
pub const TAG_FIX: &str = "change or remove that tag where the program sets it (`app.tag`, `environment.tag` or `stack.tag`; `hipaa-stack:app` is the app's name, given to `App::new`)";

/// Everything that can go wrong while building or synthesizing an [`App`](crate::App).
///
/// A `#[hipaa_stack::main]` function returns it, and `?` converts into it what a program
/// meets on the way: a [`Violation`] of a value checked at run time (`Region::new(..)?`,
/// `Cidr::parse(..)?`), an [`std::io::Error`], or any error of the program's own, boxed
/// (`Box<dyn std::error::Error + Send + Sync>`) or through [`Error::program`].
///
/// ```no_run
/// use hipaa_stack::prelude::*;
///
/// /// The program's own error.
/// #[derive(Debug)]
/// struct NoSite(String);
///
/// impl std::fmt::Display for NoSite {
///     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
///         write!(f, "no region configured for site `{}`", self.0)
///     }
/// }
///
/// impl std::error::Error for NoSite {}
///
/// fn site_region(site: &str) -> std::result::Result<&'static str, NoSite> {
///     match site {
///         "west" => Ok("us-west-2"),
///         _ => Err(NoSite(site.to_owned())),
///     }
/// }
///
/// #[hipaa_stack::main]
/// fn clinic(app: &mut App) -> Result<()> {
///     // A region read at run time: `?` turns its `Violation` into an `Error`.
///     let region = Region::new(&std::env::var("CLINIC_DR_REGION").unwrap_or_default())?;
///     app.stack_in("clinic-dr", region)?;
///     // The program's own error, through `Error::program`.
///     let site = site_region("west").map_err(hipaa_stack::Error::program)?;
///     app.stack_in("clinic-west", Region::new(site)?)?;
///     // A file of the program's own: `?` on `std::io::Error`.
///     let _notes = std::fs::read_to_string("clinic-notes.txt")?;
///     Ok(())
/// }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A stack name, construct id, bucket name or output name broke a syntax rule.
    #[error("{place}: {}", tidy(&.violation.to_string()))]
    InvalidName {
        /// The stack or construct path the name was given to.
        place: String,
        /// The rule that was broken.
        #[source]
        violation: Violation,
    },

    /// A value checked at run time (`Region::new`, `StackName::new`, `Cidr::parse`, …)
    /// broke its rule.
    #[error(transparent)]
    Invalid(#[from] Violation),

    /// The user's program failed with an error of its own.
    #[error(transparent)]
    Program(Box<dyn std::error::Error + Send + Sync + 'static>),

    /// The code of a function could not be built or read (`synth`, `preview`, `up`).
    #[error("{function}: its code could not be built: {reason}")]
    AssetBuild {
        /// The function (`stack/Construct`).
        function: String,
        /// What went wrong, with cargo's error output when the build failed.
        reason: String,
    },

    /// The user's program could not read or write a file of its own.
    #[error(transparent)]
    Io(#[from] std::io::Error),

    /// A construct's settings are impossible.
    #[error("construct `{path}` is invalid: {}", tidy(.reason))]
    InvalidConstruct {
        /// The construct.
        path: String,
        /// What is wrong and what to do.
        reason: String,
    },

    /// A database network was given ids that cannot be right.
    #[error("the database network given to `DbNetwork::existing(..)` is invalid: {}", tidy(.reason))]
    InvalidNetwork {
        /// What is wrong and what to do.
        reason: String,
    },

    /// A waiver cannot be recorded.
    #[error("the waiver of rule {rule} on `{path}` is refused: {reason}")]
    InvalidWaiver {
        /// The rule.
        rule: &'static str,
        /// The construct.
        path: String,
        /// Why, and what to do.
        reason: String,
    },

    /// Synthesized templates break HIPAA rules that no waiver covers.
    #[error(
        "the app breaks {} HIPAA rule(s); synth writes nothing until each is fixed or waived with a reason:\n{}",
        .findings.len(),
        .findings.iter().map(|f| format!("  - {f}")).collect::<Vec<_>>().join("\n")
    )]
    Noncompliant {
        /// Every unwaived finding.
        findings: Vec<Finding>,
    },

    /// An assembly that the rules did not clear, given to [`Assembly::write`](crate::Assembly)
    /// or to the deploy engine's `up`: one from [`App::check`](crate::App::check) of an app
    /// that breaks a rule, from [`App::check_on`](crate::App::check_on) of another day
    /// than today, or from a check before the last midnight (hostile review 35).
    #[error("app `{app}`: the assembly is not {action}: {reason}")]
    Uncleared {
        /// The app's name.
        app: String,
        /// What was refused: "written" or "deployed".
        action: &'static str,
        /// Why, and what to do.
        reason: String,
    },

    /// A stack's tags, the app's name among them (`hipaa-stack:app`), break what
    /// CloudFormation takes in a stack tag (`stack_tags::tag_problem`): `up` would
    /// refuse it before any call, so `synth` and `check` report it first.
    #[error(
        "app `{app}`: stack `{stack}` is {problem}, so `up` would refuse to deploy it; {}",
        TAG_FIX
    )]
    StackTags {
        /// The app's name.
        app: String,
        /// The stack.
        stack: String,
        /// What CloudFormation refuses, said as the rest of "stack `x` is …".
        problem: String,
    },

    /// Two stacks of one app have the same name.
    #[error("stack `{stack}` is declared twice; give every stack of an app its own name")]
    DuplicateStack {
        /// The name used twice.
        stack: String,
    },

    /// Two constructs of one stack have the same id.
    #[error("construct `{path}` is declared twice; give every construct of a stack its own id")]
    DuplicateConstruct {
        /// The path used twice.
        path: String,
    },

    /// Two constructs would produce the same CloudFormation logical id.
    #[error(
        "constructs `{first}` and `{second}` both produce the logical id `{logical_id}`; rename one of them"
    )]
    LogicalIdCollision {
        /// The logical id produced twice.
        logical_id: String,
        /// The construct that claimed it first.
        first: String,
        /// The construct that claimed it second.
        second: String,
    },

    /// Two outputs of one stack have the same name.
    #[error(
        "output `{output}` of stack `{stack}` is declared twice; give every output its own name"
    )]
    DuplicateOutput {
        /// The stack.
        stack: String,
        /// The output name used twice.
        output: String,
    },

    /// A program's stack output has the name of an output that hipaa-stack adds to the
    /// stack itself: an automatic export (`Export…`) or a value that a stack of another
    /// region reads (`Xr…`). Either would replace the other, and the consumer would read the
    /// program's value.
    #[error(
        "output `{output}` of stack `{stack}` has the name that hipaa-stack gives the output carrying `{used}` to `{user}`; give the program's output another name"
    )]
    ReservedOutput {
        /// The stack.
        stack: String,
        /// The program's output name.
        output: String,
        /// The construct whose value hipaa-stack's output carries (`stack/Construct`).
        used: String,
        /// The construct that reads it (`stack/Construct`).
        user: String,
    },

    /// Two values that one stack reads from stacks of other regions would be carried under
    /// one name (`Xr…`, made of the producing stack's name without its hyphens, the
    /// construct's logical id and the attribute): one would silently take the other's place.
    #[error(
        "`{first}` and `{second}` would both reach stack `{stack}` as the value `{name}`, since hipaa-stack names a value read across regions after its stack's name without hyphens, its logical id and its attribute; rename one of their stacks (or one of the constructs) so that the names differ by more than hyphens"
    )]
    CrossRegionNameCollision {
        /// The stack that reads both values (or, for its outputs, the stack that makes them).
        stack: String,
        /// The parameter and output name both would have.
        name: String,
        /// The first construct read (`stack/Construct`).
        first: String,
        /// The second construct read (`stack/Construct`).
        second: String,
    },

    /// Environments declared in a way that cannot be deployed: a stack outside every
    /// environment, a reference between environments, two account baselines for one
    /// account and region.
    #[error("{subject}: {reason}")]
    Environment {
        /// The environment, stack or construct at fault.
        subject: String,
        /// What is wrong and what to do.
        reason: String,
    },

    /// A handle or stack of another [`App`](crate::App) was used.
    #[error(
        "`{place}` uses a {what} that belongs to another app; handles are only valid in the app that created them"
    )]
    ForeignHandle {
        /// Where the handle was used.
        place: String,
        /// What kind of handle it was.
        what: &'static str,
    },

    /// Stacks reference each other in a cycle.
    #[error(
        "stacks reference each other in a cycle: {}; move the constructs that both sides use into a stack of their own",
        .cycle.join(", ")
    )]
    StackCycle {
        /// Each reference on the cycle, in order: which construct uses which.
        cycle: Vec<String>,
    },

    /// A construct uses a construct of a stack in another region.
    #[error(
        "`{consumer}` ({consumer_region}) uses `{producer}` ({producer_region}), but CloudFormation cannot import across regions; keep both in one region with `app.stack_in(.., region)`, or give the resource a fixed name and refer to it by that name"
    )]
    CrossRegion {
        /// The construct that made the reference.
        consumer: String,
        /// Its stack's region.
        consumer_region: String,
        /// The construct referred to.
        producer: String,
        /// Its stack's region.
        producer_region: String,
    },

    /// An escape-hatch resource (`RawResource`) refers to a logical id or export that the
    /// app does not have: a typo in the user's `Ref`, `Fn::GetAtt` or `Fn::Sub`.
    #[error(
        "the escape-hatch resource `{construct}` refers to `{target}`, which stack `{stack}` does not contain; check the logical id in its `Ref`, `Fn::GetAtt` or `Fn::Sub` (the stack's logical ids: {known})"
    )]
    RawReference {
        /// The stack.
        stack: String,
        /// The construct path of the raw resource.
        construct: String,
        /// The logical id (or `export NAME`) that is missing.
        target: String,
        /// The logical ids the stack does have, comma-separated.
        known: String,
    },

    /// A template refers to a logical id it does not contain; a bug in hipaa-stack.
    #[error(
        "`{place}` refers to `{target}`, which stack `{stack}` does not contain; this is a bug in hipaa-stack, please report it"
    )]
    DanglingReference {
        /// The stack.
        stack: String,
        /// The resource or output that refers.
        place: String,
        /// The logical id that is missing.
        target: String,
    },

    /// Resources of a stack wait for each other in a cycle.
    #[error(
        "resources wait for each other in a cycle: {}; remove one of the references or `DependsOn`",
        .cycle.join(" -> ")
    )]
    ResourceCycle {
        /// The resources on the cycle, as `stack/LogicalId (construct path)`.
        cycle: Vec<String>,
    },

    /// A stack is over one of CloudFormation's limits.
    #[error("stack `{stack}` has {actual} {what}, over CloudFormation's limit of {limit}; {fix}")]
    Limit {
        /// The stack.
        stack: String,
        /// What is counted.
        what: String,
        /// How many the stack has.
        actual: usize,
        /// The limit.
        limit: usize,
        /// What to do.
        fix: &'static str,
    },

    /// The cloud assembly could not be written.
    #[error("could not write the cloud assembly to `{}`: {source}", .path.display())]
    Write {
        /// The file or folder.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },

    /// Deploying, previewing or destroying failed. The deploy engine's error sits above this
    /// layer (constructs never return it); `?` converts it, and `downcast_ref` reads it back.
    #[cfg(feature = "deploy")]
    #[error(transparent)]
    Deploy(Box<dyn std::error::Error + Send + Sync + 'static>),

    /// A template could not be serialized; a bug in hipaa-stack.
    #[error(
        "could not serialize `{place}`; this is a bug in hipaa-stack, please report it: {source}"
    )]
    Serialize {
        /// The construct or stack.
        place: String,
        /// What serde said.
        #[source]
        source: serde_json::Error,
    },
}

impl Error {
    /// An error of the user's program: any error type, or a message.
    ///
    /// ```
    /// use hipaa_stack::prelude::*;
    /// fn clinic(app: &mut App) -> Result<()> {
    ///     let sites = std::env::var("CLINIC_SITES").unwrap_or_else(|_| "1".to_owned());
    ///     let sites: u32 = sites.parse().map_err(hipaa_stack::Error::program)?;
    ///     if sites == 0 {
    ///         return Err(hipaa_stack::Error::program("CLINIC_SITES must be at least 1"));
    ///     }
    ///     app.stack("clinic")?;
    ///     Ok(())
    /// }
    /// # clinic(&mut App::new("clinic"))?;
    /// # Ok::<(), hipaa_stack::Error>(())
    /// ```
    pub fn program(error: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>) -> Self {
        Error::Program(error.into())
    }
}

impl From<Box<dyn std::error::Error + Send + Sync + 'static>> for Error {
    fn from(error: Box<dyn std::error::Error + Send + Sync + 'static>) -> Self {
        Error::Program(error)
    }
}

/// An unwaived failure, as `synth` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule id.
    pub rule: &'static str,
    /// The HIPAA citations of the rule.
    pub controls: &'static [&'static str],
    /// The stack.
    pub stack: String,
    /// The construct path.
    pub construct: String,
    /// The resource.
    pub logical_id: String,
    /// What does not hold.
    pub what: String,
    /// What to do.
    pub fix: &'static str,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} (§{}) at `{}` (resource `{}` of stack `{}`): {}; fix: {}",
            self.rule,
            self.controls.join(", §"),
            self.construct,
            self.logical_id,
            self.stack,
            self.what,
            self.fix
        )
    }
}

/// Text a program passed, as an error message shows it: escaped (a control character or
/// a terminal escape is written out, not sent to the terminal) and cut after 80 characters.
pub(crate) fn shown(text: &str) -> String {
    const LONGEST: usize = 80;
    let escaped: String = text.escape_debug().collect();
    match escaped.char_indices().nth(LONGEST) {
        Some((cut, _)) => format!("{}…", &escaped[..cut]),
        None => escaped,
    }
}

/// A message as it is shown: every control character escaped (`\u{1b}`, never a raw
/// terminal escape), and every `quoted` span over 200 characters, where a message repeats
/// what a program passed, cut after 80. (Text that holds a backtick itself shifts what
/// counts as quoted: only very long spans are cut, so that advice is not.) The error keeps
/// the full text in its fields.
fn tidy(message: &str) -> String {
    const LONGEST: usize = 80;
    const CUT_OVER: usize = 200;
    let mut out = String::with_capacity(message.len().min(1024));
    for (i, piece) in message.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        let quoted = i % 2 == 1 && piece.chars().nth(CUT_OVER).is_some();
        for (shown, c) in piece.chars().enumerate() {
            if quoted && shown == LONGEST {
                out.push('…');
                break;
            }
            if c.is_control() {
                out.extend(c.escape_debug());
            } else {
                out.push(c);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_escape_control_characters_and_cut_long_quotes() {
        let error = Error::InvalidConstruct {
            path: "s/Cert".to_owned(),
            reason: format!(
                "`{}\u{1b}[31m` is not a DNS name; write `a.example.org`",
                "x".repeat(5000)
            ),
        };
        let text = error.to_string();
        assert!(
            text.starts_with("construct `s/Cert` is invalid: `xxx"),
            "{text}"
        );
        assert!(
            text.ends_with("…` is not a DNS name; write `a.example.org`"),
            "{text}"
        );
        assert!(text.len() < 200, "{text}");
        let error = Error::InvalidConstruct {
            path: "s/Sg".to_owned(),
            reason: "the description contains `\u{0}`; EC2 accepts only letters".to_owned(),
        };
        assert_eq!(
            error.to_string(),
            "construct `s/Sg` is invalid: the description contains `\\0`; EC2 accepts only letters"
        );
    }
}

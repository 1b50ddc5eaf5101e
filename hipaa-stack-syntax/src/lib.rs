//! The syntax rules for the names and literals of hipaa-stack.
//!
//! This crate is the single source of truth for what a valid stack name,
//! bucket name, construct id, logical id, export name, CIDR block or
//! retention in days looks like. The `hipaa-stack` library checks values with
//! it at run time, and the `hipaa-stack-macros` crate checks literals with it
//! at compile time, so both always agree.
//!
//! Every check returns a [`Violation`] whose [`Display`](std::fmt::Display)
//! text says what was wrong and which rule it broke:
//!
//! ```
//! use hipaa_stack_syntax::check_bucket_name;
//!
//! assert!(check_bucket_name("patient-records").is_ok());
//!
//! let err = check_bucket_name("My_Bucket").unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     "invalid bucket name `My_Bucket`: bucket names use only lower-case letters, digits and hyphens",
//! );
//! ```

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// `c` in lower case, as [`u8::to_ascii_lowercase`] gives it, written as a macro: the
/// budget of const evaluation counts calls, and the user data check lowers many bytes.
/// Whether `b[i]` may start a password reader's name or flag ([`reader_named_at`]), tested
/// without a call (a macro: the budget of const evaluation counts calls).
/// Whether the byte at `i` may start what [`text_run_at`] reads, tested without a call (a
/// macro: the budget of const evaluation counts calls): `|` before a shell's first letter, a path, a
/// quote or `.`; `<` on a line that may name a shell; `eval`; a cluster of flags holding a `c`.
macro_rules! text_run_trigger {
    ($b:expr, $i:expr, $n:expr) => {{
        let (b, i, n): (&[u8], usize, usize) = ($b, $i, $n);
        match b[i] {
            b'|' => {
                let mut j = i + 1;
                while j < n && matches!(b[j], b' ' | b'\t') {
                    j += 1;
                }
                // (Two letters of a shell's name or a lead's: `sh`, `su`, `so`urce, `ba`sh,
                // `bu`sybox, `da`sh, `zs`h, `ks`h, `mk`sh, `as`h, `ru`nuser, `en`v, `ex`ec,
                // `no`hup, `co`mmand, `cr`ontab, `at`, `batch`; a path, a quote or `.`.)
                j + 1 < n
                    && (matches!(b[j], b'.' | b'/' | b'"' | b'\'')
                        || matches!(
                            (b[j], b[j + 1]),
                            (b's', b'h' | b'u' | b'o')
                                | (b'b', b'a' | b'u')
                                | (b'd', b'a')
                                | (b'z' | b'k', b's')
                                | (b'm', b'k')
                                | (b'a', b's' | b't')
                                | (b'r', b'u')
                                | (b'e', b'n' | b'x')
                                | (b'n', b'o')
                                | (b'c', b'o' | b'r')
                        ))
            }
            b'<' => (i == 0 || b[i - 1] != b'<') && line_may_name_shell(b, i),
            b'e' => i + 3 < n && b[i + 1] == b'v' && b[i + 2] == b'a' && b[i + 3] == b'l',
            b'-' => {
                let mut j = i + 1;
                while j < n && b[j].is_ascii_alphabetic() && b[j] != b'c' {
                    j += 1;
                }
                j < n && b[j] == b'c' && i > 0 && matches!(b[i - 1], b' ' | b'\t')
            }
            _ => false,
        }
    }};
}

macro_rules! reader_trigger {
    ($b:expr, $i:expr, $n:expr) => {{
        let (b, i, n): (&[u8], usize, usize) = ($b, $i, $n);
        i + 4 < n
            && match b[i] {
                b'c' => {
                    (b[i + 1] == b'h' && matches!(b[i + 2], b'p' | b'g'))
                        || (b[i + 1] == b'r' && b[i + 2] == b'y' && b[i + 3] == b'p')
                }
                b'p' => {
                    (b[i + 1] == b'a' && b[i + 2] == b's' && i + 5 < n && b[i + 5] == b'd')
                        || (b[i + 1] == b'd' && b[i + 2] == b'b')
                }
                b's' => {
                    (b[i + 1] == b'm' && b[i + 2] == b'b')
                        || (b[i + 1] == b's' && b[i + 2] == b'h' && b[i + 3] == b'p')
                }
                b'v' => {
                    (b[i + 1] == b'n' && b[i + 2] == b'c') || (b[i + 1] == b'a' && b[i + 2] == b'u')
                }
                b'k' => b[i + 1] == b'i' && b[i + 2] == b'n' && b[i + 3] == b'i',
                b'r' => {
                    (b[i + 1] == b'e' && b[i + 2] == b'a' && b[i + 3] == b'l')
                        || (b[i + 1] == b'a' && b[i + 2] == b'b' && b[i + 3] == b'b')
                }
                b'g' => b[i + 1] == b'l' && b[i + 2] == b'a' && b[i + 3] == b'b',
                b'l' => b[i + 1] == b'd' && b[i + 2] == b'a' && b[i + 3] == b'p',
                b'n' => b[i + 1] == b'e' && b[i + 2] == b'w' && b[i + 3] == b'u',
                b'h' => b[i + 1] == b't' && b[i + 2] == b'p' && b[i + 3] == b'a',
                b'm' => b[i + 1] == b'k' && b[i + 2] == b'p' && b[i + 3] == b'a',
                b'o' => b[i + 1] == b'p' && b[i + 2] == b'e' && b[i + 3] == b'n',
                b'd' => b[i + 1] == b'o' && b[i + 2] == b'c' && b[i + 3] == b'k',
                // The flags of `READER_FLAGS`, and `-S`, `-kS`, `-A` for `sudo`.
                b'-' => {
                    if b[i + 1] == b'-' {
                        (b[i + 2] == b'p' && b[i + 3] == b'a' && b[i + 4] == b's')
                            || (b[i + 2] == b's' && b[i + 3] == b't' && b[i + 4] == b'd')
                            || (b[i + 2] == b'w' && b[i + 3] == b'i' && b[i + 4] == b't')
                            || (b[i + 2] == b'k' && b[i + 3] == b'e' && b[i + 4] == b'y')
                    } else {
                        let mut j = i + 1;
                        while j < n && b[j].is_ascii_alphabetic() && b[j] != b'S' && b[j] != b'A' {
                            j += 1;
                        }
                        j < n && matches!(b[j], b'S' | b'A')
                    }
                }
                _ => false,
            }
    }};
}

/// Whether the word at `k` differs from the flag `name` in its first bytes (up to three),
/// read where the shell removes nothing (no quote, no backslash): a byte test before
/// [`match_word`] is called (the budget of const evaluation counts calls; hostile review
/// 29).
macro_rules! plain_mismatch {
    ($b:expr, $k:expr, $name:expr) => {{
        let (b, k, name): (&[u8], usize, &[u8]) = ($b, $k, $name);
        k + 2 < b.len() && name.len() >= 2 && {
            let plain0 = !matches!(b[k], b'"' | b'\'' | b'\\');
            let plain1 = plain0 && !matches!(b[k + 1], b'"' | b'\'' | b'\\');
            (plain0 && b[k] != name[0])
                || (plain1 && b[k + 1] != name[1])
                || (plain1
                    && name.len() > 2
                    && !matches!(b[k + 2], b'"' | b'\'' | b'\\')
                    && b[k + 2] != name[2])
        }
    }};
}

macro_rules! lower {
    ($c:expr) => {
        match $c {
            c @ b'A'..=b'Z' => c | 0x20,
            c => c,
        }
    };
}

/// A literal that breaks one of the rules of this crate.
///
/// Its [`Display`](std::fmt::Display) text is one lower-case sentence: what
/// the literal is, its value, and the rule it breaks.
///
/// ```
/// use hipaa_stack_syntax::check_bucket_name;
///
/// let err = check_bucket_name("My_Bucket").unwrap_err();
/// assert_eq!(err.what(), "bucket name");
/// assert_eq!(err.value(), "My_Bucket");
/// assert_eq!(err.rule(), "bucket names use only lower-case letters, digits and hyphens");
/// assert_eq!(
///     err.to_string(),
///     "invalid bucket name `My_Bucket`: bucket names use only lower-case letters, digits and hyphens",
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    what: &'static str,
    value: String,
    rule: String,
}

impl Violation {
    fn new(what: &'static str, value: impl Into<String>, rule: impl Into<String>) -> Self {
        Self {
            what,
            value: value.into(),
            rule: rule.into(),
        }
    }

    /// What kind of literal broke the rule, e.g. `"stack name"`.
    ///
    /// ```
    /// let err = hipaa_stack_syntax::check_stack_name("1st-stack").unwrap_err();
    /// assert_eq!(err.what(), "stack name");
    /// ```
    pub fn what(&self) -> &'static str {
        self.what
    }

    /// The offending value, exactly as it was given.
    ///
    /// ```
    /// let err = hipaa_stack_syntax::check_stack_name("1st-stack").unwrap_err();
    /// assert_eq!(err.value(), "1st-stack");
    /// ```
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The rule that was broken: one lower-case sentence, without a final
    /// full stop.
    ///
    /// ```
    /// let err = hipaa_stack_syntax::check_stack_name("1st-stack").unwrap_err();
    /// assert_eq!(err.rule(), "stack names start with an ASCII letter");
    /// ```
    pub fn rule(&self) -> &str {
        &self.rule
    }
}

/// Writes "invalid WHAT \`VALUE\`: RULE". Control characters and unusual
/// white space in the value are escaped, so the message stays on one line.
///
/// ```
/// let err = hipaa_stack_syntax::check_export_name("vpc id").unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "invalid export name `vpc id`: export names use only ASCII letters, digits, colons and hyphens",
/// );
/// ```
impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {} `", self.what)?;
        for c in self.value.chars() {
            if c.is_control() || (c.is_whitespace() && c != ' ') {
                write!(f, "{}", c.escape_default())?;
            } else {
                write!(f, "{c}")?;
            }
        }
        write!(f, "`: {}", self.rule)
    }
}

/// A `Violation` is an ordinary error, so it works with `?` and `Box<dyn Error>`.
///
/// ```
/// fn name() -> Result<(), Box<dyn std::error::Error>> {
///     hipaa_stack_syntax::check_logical_id("Bucket-1")?;
///     Ok(())
/// }
/// assert!(name().is_err());
/// ```
impl std::error::Error for Violation {}

/// Checks the length of `value` in characters against `min..=max`.
///
/// `plural` names the kind of value in the rule text, e.g. "stack names".
fn check_length(
    what: &'static str,
    plural: &str,
    value: &str,
    min: usize,
    max: usize,
) -> Result<(), Violation> {
    let len = value.chars().count();
    if len == 0 && min > 0 {
        return Err(Violation::new(
            what,
            value,
            format!("{plural} cannot be empty"),
        ));
    }
    if len < min {
        return Err(Violation::new(
            what,
            value,
            format!("{plural} are {min} to {max} characters long, and this one has {len}"),
        ));
    }
    if len > max {
        return Err(Violation::new(
            what,
            value,
            format!("{plural} are at most {max} characters long, and this one has {len}"),
        ));
    }
    Ok(())
}

/// Checks a CloudFormation stack name: an ASCII letter, then ASCII letters,
/// digits and hyphens, at most 128 characters in all
/// (`^[A-Za-z][-A-Za-z0-9]{0,127}$`).
///
/// ```
/// use hipaa_stack_syntax::check_stack_name;
///
/// assert!(check_stack_name("clinic-data").is_ok());
/// assert_eq!(
///     check_stack_name("clinic_data").unwrap_err().to_string(),
///     "invalid stack name `clinic_data`: stack names use only ASCII letters, digits and hyphens",
/// );
/// ```
pub fn check_stack_name(name: &str) -> Result<(), Violation> {
    const WHAT: &str = "stack name";
    check_length(WHAT, "stack names", name, 1, 128)?;
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(Violation::new(
            WHAT,
            name,
            "stack names use only ASCII letters, digits and hyphens",
        ));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err(Violation::new(
            WHAT,
            name,
            "stack names start with an ASCII letter",
        ));
    }
    Ok(())
}

/// Prefixes that S3 reserves, each with the reason given in the rule text.
const RESERVED_BUCKET_PREFIXES: [(&str, &str); 3] = [
    ("xn--", "which marks internationalized domain names"),
    ("sthree-", "which S3 reserves for itself"),
    (
        "amzn-s3-demo-",
        "which AWS reserves for its documentation examples",
    ),
];

/// Suffixes that S3 reserves, each with the reason given in the rule text.
const RESERVED_BUCKET_SUFFIXES: [(&str, &str); 4] = [
    ("-s3alias", "which S3 reserves for access point aliases"),
    (
        "--ol-s3",
        "which S3 reserves for Object Lambda access point aliases",
    ),
    ("--x-s3", "which S3 reserves for directory buckets"),
    ("--table-s3", "which S3 reserves for table buckets"),
];

/// Checks an S3 general-purpose bucket name.
///
/// A bucket name has 3 to 63 characters; uses only lower-case ASCII letters,
/// digits and hyphens; starts and ends with a letter or digit; does not start
/// with `xn--`, `sthree-` or `amzn-s3-demo-`; and does not end with
/// `-s3alias`, `--ol-s3`, `--x-s3` or `--table-s3`.
///
/// S3 itself allows dots, but this check refuses them: a dotted name cannot
/// be reached over virtual-hosted HTTPS without certificate errors, and the
/// buckets of hipaa-stack accept TLS only.
///
/// ```
/// use hipaa_stack_syntax::check_bucket_name;
///
/// assert!(check_bucket_name("patient-records").is_ok());
/// assert!(check_bucket_name("patient.records").is_err());
/// assert_eq!(
///     check_bucket_name("records-").unwrap_err().rule(),
///     "bucket names start and end with a lower-case letter or digit",
/// );
/// ```
pub fn check_bucket_name(name: &str) -> Result<(), Violation> {
    const WHAT: &str = "bucket name";
    check_length(WHAT, "bucket names", name, 3, 63)?;
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    if !name.chars().all(|c| allowed(c) || c == '.') {
        return Err(Violation::new(
            WHAT,
            name,
            "bucket names use only lower-case letters, digits and hyphens",
        ));
    }
    if name.contains('.') {
        return Err(Violation::new(
            WHAT,
            name,
            "bucket names may not contain dots, because a dotted name cannot be reached over \
             virtual-hosted HTTPS without certificate errors and these buckets accept TLS only",
        ));
    }
    let edge_ok = |c: Option<char>| c.is_some_and(|c| c != '-');
    if !edge_ok(name.chars().next()) || !edge_ok(name.chars().next_back()) {
        return Err(Violation::new(
            WHAT,
            name,
            "bucket names start and end with a lower-case letter or digit",
        ));
    }
    for (prefix, why) in RESERVED_BUCKET_PREFIXES {
        if name.starts_with(prefix) {
            return Err(Violation::new(
                WHAT,
                name,
                format!("bucket names may not start with `{prefix}`, {why}"),
            ));
        }
    }
    for (suffix, why) in RESERVED_BUCKET_SUFFIXES {
        if name.ends_with(suffix) {
            return Err(Violation::new(
                WHAT,
                name,
                format!("bucket names may not end with `{suffix}`, {why}"),
            ));
        }
    }
    Ok(())
}

/// Checks a construct id: an ASCII letter, then ASCII letters and digits, at
/// most 64 characters in all (`^[A-Za-z][A-Za-z0-9]{0,63}$`). Construct ids
/// become CloudFormation logical ids, which are alphanumeric.
///
/// ```
/// use hipaa_stack_syntax::check_construct_id;
///
/// assert!(check_construct_id("PatientRecords").is_ok());
/// assert_eq!(
///     check_construct_id("patient-records").unwrap_err().rule(),
///     "construct ids use only ASCII letters and digits, because they become CloudFormation logical ids",
/// );
/// ```
pub fn check_construct_id(id: &str) -> Result<(), Violation> {
    const WHAT: &str = "construct id";
    check_length(WHAT, "construct ids", id, 1, 64)?;
    if !id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(Violation::new(
            WHAT,
            id,
            "construct ids use only ASCII letters and digits, because they become \
             CloudFormation logical ids",
        ));
    }
    if !id.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err(Violation::new(
            WHAT,
            id,
            "construct ids start with an ASCII letter",
        ));
    }
    Ok(())
}

/// Checks a CloudFormation logical id: 1 to 255 ASCII letters and digits
/// (`^[A-Za-z0-9]{1,255}$`).
///
/// ```
/// use hipaa_stack_syntax::check_logical_id;
///
/// assert!(check_logical_id("PatientRecords1A2B3C").is_ok());
/// assert_eq!(
///     check_logical_id("").unwrap_err().to_string(),
///     "invalid logical id ``: logical ids cannot be empty",
/// );
/// ```
pub fn check_logical_id(id: &str) -> Result<(), Violation> {
    const WHAT: &str = "logical id";
    check_length(WHAT, "logical ids", id, 1, 255)?;
    if !id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(Violation::new(
            WHAT,
            id,
            "logical ids use only ASCII letters and digits",
        ));
    }
    Ok(())
}

/// Checks a CloudFormation export name: 1 to 255 ASCII letters, digits,
/// colons and hyphens (`^[A-Za-z0-9:-]{1,255}$`).
///
/// ```
/// use hipaa_stack_syntax::check_export_name;
///
/// assert!(check_export_name("clinic-security:KeyArn").is_ok());
/// assert!(check_export_name("clinic/security").is_err());
/// ```
pub fn check_export_name(name: &str) -> Result<(), Violation> {
    const WHAT: &str = "export name";
    check_length(WHAT, "export names", name, 1, 255)?;
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == ':' || c == '-')
    {
        return Err(Violation::new(
            WHAT,
            name,
            "export names use only ASCII letters, digits, colons and hyphens",
        ));
    }
    Ok(())
}

/// Checks an AWS region name such as `us-east-1`, `eu-central-2` or `us-gov-west-1`:
/// lower-case words joined by hyphens, ending in a number.
///
/// ```
/// use hipaa_stack_syntax::check_region;
///
/// assert!(check_region("us-east-1").is_ok());
/// assert!(check_region("us-gov-west-1").is_ok());
/// assert!(check_region("US-EAST-1").is_err());
/// assert!(check_region("us-east").is_err());
/// ```
pub fn check_region(name: &str) -> Result<(), Violation> {
    const WHAT: &str = "region";
    check_length(WHAT, "region names", name, 9, 30)?;
    let parts: Vec<&str> = name.split('-').collect();
    let words_ok = parts.len() >= 3
        && parts[..parts.len() - 1]
            .iter()
            .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase()));
    let number_ok = parts
        .last()
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    if !(words_ok && number_ok) {
        return Err(Violation::new(
            WHAT,
            name,
            "region names are lower-case words joined by hyphens and end in a number, like `us-east-1`",
        ));
    }
    Ok(())
}

/// Checks an AWS account id: exactly twelve ASCII digits, as AWS writes it
/// (leading zeros included).
///
/// ```
/// use hipaa_stack_syntax::check_account_id;
///
/// assert!(check_account_id("012345678901").is_ok());
/// assert!(check_account_id("12345678901").is_err());
/// assert!(check_account_id("1234-5678-9012").is_err());
/// ```
pub fn check_account_id(id: &str) -> Result<(), Violation> {
    const WHAT: &str = "account id";
    if !is_account_id(id) {
        return Err(Violation::new(
            WHAT,
            id,
            "account ids are exactly twelve digits, like `123456789012`, without hyphens or spaces",
        ));
    }
    Ok(())
}

/// Checks a tag as AWS does: a key of 1 to 128 and a value of 1 to 256 Unicode letters,
/// digits, spaces and `_ . : / = + - @`. Keys starting with `aws:` are AWS's own
/// (CloudFormation refuses them), and `hipaa-stack:` is the prefix of the tags hipaa-stack
/// sets itself. A tag is no place for a secret: a key named like one (`DB_PASSWORD`,
/// `api-token`, read as [`user_data_problem`] reads `NAME=value`) with a value, or a value
/// that is a credential, is refused without repeating the value.
///
/// ```
/// use hipaa_stack_syntax::check_tag;
///
/// assert!(check_tag("cost-center", "4711").is_ok());
/// assert!(check_tag("token-url", "https://auth.example.com").is_ok());
/// let refused = check_tag("DB_PASSWORD", "hunter2").unwrap_err();
/// assert!(!refused.to_string().contains("hunter2"));
/// assert!(check_tag("owner", "AKIAIOSFODNN7EXAMPLE").is_err());
/// assert!(check_tag("aws:owner", "me").is_err());
/// assert!(check_tag("", "x").is_err());
/// assert!(check_tag("team", "").is_err());
/// assert!(check_tag("team", "a;b").is_err());
/// ```
pub fn check_tag(key: &str, value: &str) -> Result<(), Violation> {
    let allowed = |c: char| c.is_alphanumeric() || c == ' ' || "_.:/=+-@".contains(c);
    let lower = key.to_ascii_lowercase();
    let rule = if key.is_empty() || key.chars().count() > 128 {
        "tag keys have 1 to 128 characters"
    } else if value.is_empty() || value.chars().count() > 256 {
        // CloudFormation's `Tag` (API reference, data type `Tag`): a stack tag's `Value` is
        // required, of 1 to 256 characters; CreateChangeSet refuses an empty one.
        "tag values have 1 to 256 characters"
    } else if !key.chars().all(allowed) || !value.chars().all(allowed) {
        "tags use only letters, digits, spaces and `_ . : / = + - @`"
    } else if lower.starts_with("aws:") {
        "the tag prefix `aws:` is reserved by AWS"
    } else if lower.starts_with("hipaa-stack:") {
        "the tag prefix `hipaa-stack:` is reserved for the tags hipaa-stack sets itself"
    } else if user_data_problem(&format!("{key}={value}\n")).is_some()
        || command_secret(value).is_some()
    {
        // Read as user data reads `NAME=value`: a name like a secret's given a written value,
        // or a credential (an access key id, a password flag) anywhere. The value is not
        // repeated in the error.
        return Err(Violation::new(
            "tag",
            key,
            "a tag named like a secret (`DB_PASSWORD`, `api-token`) may not hold a written value, nor any tag a credential: CloudFormation copies a stack's tags onto every resource of the stack, where anyone who may read tags sees them (HIPAA 45 CFR §164.312(a)(2)(iv), hipaa-stack rule P1); keep the secret in Secrets Manager and pass its ARN",
        ));
    } else {
        return Ok(());
    };
    Err(Violation::new("tag", format!("{key}={value}"), rule))
}

/// Checks an environment's name, the prefix of its stacks' names: a lower-case letter, then
/// up to 31 lower-case letters, digits and hyphens, not ending in a hyphen.
///
/// ```
/// use hipaa_stack_syntax::check_environment_name;
///
/// assert!(check_environment_name("production").is_ok());
/// assert!(check_environment_name("Prod").is_err());
/// assert!(check_environment_name("staging-").is_err());
/// ```
pub fn check_environment_name(name: &str) -> Result<(), Violation> {
    let ok = (1..=32).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.ends_with('-');
    if ok {
        return Ok(());
    }
    Err(Violation::new(
        "environment name",
        name,
        "environment names are a lower-case letter, then up to 31 lower-case letters, digits and hyphens, not ending in a hyphen, like `production`",
    ))
}

/// Parses a CIDR block: an IPv4 address and a prefix length of at most 32,
/// as in `10.20.0.0/16`, or an IPv6 address and a prefix length of at most
/// 128, as in `fd00:10::/48`.
///
/// The prefix length is required and is written in plain decimal. The bits of
/// the address after the prefix must be zero; when they are not, the error
/// names the network address that was probably meant. IPv4 octets with leading
/// zeros are refused, because some tools read them as octal. The address
/// comes back exactly as written, with the prefix length.
///
/// ```
/// use std::net::{IpAddr, Ipv4Addr};
/// use hipaa_stack_syntax::parse_cidr;
///
/// assert_eq!(
///     parse_cidr("10.20.0.0/16"),
///     Ok((IpAddr::V4(Ipv4Addr::new(10, 20, 0, 0)), 16)),
/// );
/// assert!(parse_cidr("fd00:10::/48").is_ok());
/// assert_eq!(
///     parse_cidr("10.20.1.0/16").unwrap_err().to_string(),
///     "invalid CIDR block `10.20.1.0/16`: the host bits after a /16 prefix must be zero; \
///      did you mean `10.20.0.0/16`?",
/// );
/// ```
pub fn parse_cidr(text: &str) -> Result<(IpAddr, u8), Violation> {
    const WHAT: &str = "CIDR block";
    let fail = |rule: String| Violation::new(WHAT, text, rule);

    let Some((address, prefix)) = text.split_once('/') else {
        let example = if text.contains(':') {
            "fd00:10::/48"
        } else {
            "10.20.0.0/16"
        };
        return Err(fail(format!(
            "a CIDR block needs a prefix length after a `/`, e.g. `{example}`"
        )));
    };

    let leading_zero =
        |o: &&str| o.len() > 1 && o.starts_with('0') && o.bytes().all(|b| b.is_ascii_digit());
    if !address.contains(':')
        && let Some(octet) = address.split('.').find(leading_zero)
    {
        return Err(fail(format!(
            "the octet `{octet}` has a leading zero, which some tools read as octal, \
             so write it without one"
        )));
    }
    let Ok(address) = address.parse::<IpAddr>() else {
        return Err(fail(format!("`{address}` is not an IPv4 or IPv6 address")));
    };

    let (family, max): (&str, u8) = match address {
        IpAddr::V4(_) => ("IPv4", 32),
        IpAddr::V6(_) => ("IPv6", 128),
    };
    let plain_decimal = !prefix.is_empty()
        && prefix.bytes().all(|b| b.is_ascii_digit())
        && (prefix == "0" || !prefix.starts_with('0'));
    let prefix_len = match prefix.parse::<u32>() {
        Ok(p) if plain_decimal => match u8::try_from(p) {
            Ok(p) if p <= max => p,
            _ => {
                return Err(fail(format!(
                    "the prefix length of an {family} block is at most {max}, not {p}"
                )));
            }
        },
        _ => {
            return Err(fail(format!(
                "the prefix length `{prefix}` must be a whole number from 0 to {max}, \
                 without sign or leading zeros"
            )));
        }
    };

    let network = match address {
        IpAddr::V4(a) => {
            let mask = u32::MAX
                .checked_shl(u32::from(32 - prefix_len))
                .unwrap_or(0);
            IpAddr::V4(Ipv4Addr::from(u32::from(a) & mask))
        }
        IpAddr::V6(a) => {
            let mask = u128::MAX
                .checked_shl(u32::from(128 - prefix_len))
                .unwrap_or(0);
            IpAddr::V6(Ipv6Addr::from(u128::from(a) & mask))
        }
    };
    if network != address {
        return Err(fail(format!(
            "the host bits after a /{prefix_len} prefix must be zero; \
             did you mean `{network}/{prefix_len}`?"
        )));
    }
    Ok((address, prefix_len))
}

/// Checks a retention period in days: at least 1 and at most 36500 (100
/// years). Returns the number of days as a `u16`.
///
/// ```
/// use hipaa_stack_syntax::check_days;
///
/// assert_eq!(check_days(2190), Ok(2190));
/// assert_eq!(
///     check_days(0).unwrap_err().to_string(),
///     "invalid number of days `0`: a retention of 0 days keeps nothing",
/// );
/// ```
pub fn check_days(days: u64) -> Result<u16, Violation> {
    const WHAT: &str = "number of days";
    match u16::try_from(days) {
        Ok(0) => Err(Violation::new(
            WHAT,
            "0",
            "a retention of 0 days keeps nothing",
        )),
        Ok(d @ 1..=36500) => Ok(d),
        _ => Err(Violation::new(
            WHAT,
            days.to_string(),
            "a retention is at most 36500 days (100 years)",
        )),
    }
}

/// Parses a calendar date written `YYYY-MM-DD` (ISO 8601), as used for the expiry of a
/// waiver, and returns `(year, month, day)`.
///
/// ```
/// use hipaa_stack_syntax::parse_date;
///
/// assert_eq!(parse_date("2027-02-28"), Ok((2027, 2, 28)));
/// assert!(parse_date("2027-02-29").is_err()); // not a leap year
/// assert!(parse_date("2027-2-28").is_err());
/// ```
pub fn parse_date(text: &str) -> Result<(u16, u8, u8), Violation> {
    const WHAT: &str = "date";
    let bad = |rule: &str| Violation::new(WHAT, text, rule);
    let bytes = text.as_bytes();
    let shape_ok = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shape_ok {
        return Err(bad("dates are written YYYY-MM-DD, like `2027-03-31`"));
    }
    let number = |range: std::ops::Range<usize>| {
        text[range]
            .bytes()
            .fold(0u16, |n, b| n * 10 + u16::from(b - b'0'))
    };
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    if !(2000..=2999).contains(&year) {
        return Err(bad("the year is between 2000 and 2999"));
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(bad("the month is from 01 to 12")),
    };
    if day == 0 || day > days_in_month {
        return Err(bad(&format!(
            "that month has {days_in_month} days in {year}"
        )));
    }
    // Both fit: month <= 12 and day <= 31 were checked above.
    Ok((year, month as u8, day as u8))
}

// ---------------------------------------------------------------------------------------
// The same rules in const context.
//
// The hidden constructors that the literal macros of hipaa-stack expand to run these in a
// `const { .. }` block, so a value that skipped the macro's check is still refused when the
// program is compiled. They agree with the `check_*` functions above (the tests compare
// them on every case of those functions and on random input).
// ---------------------------------------------------------------------------------------

/// Whether `bytes` starts with `prefix`, in const context.
const fn starts_with(bytes: &[u8], prefix: &[u8]) -> bool {
    if prefix.len() > bytes.len() {
        return false;
    }
    let mut i = 0;
    while i < prefix.len() {
        if bytes[i] != prefix[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether `bytes` ends with `suffix`, in const context.
const fn ends_with(bytes: &[u8], suffix: &[u8]) -> bool {
    if suffix.len() > bytes.len() {
        return false;
    }
    let offset = bytes.len() - suffix.len();
    let mut i = 0;
    while i < suffix.len() {
        if bytes[offset + i] != suffix[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether [`check_account_id`] accepts `id`, in const context.
///
/// ```
/// use hipaa_stack_syntax::is_account_id;
/// const OK: bool = is_account_id("123456789012");
/// assert!(OK);
/// assert!(!is_account_id("12345678901a"));
/// ```
pub const fn is_account_id(id: &str) -> bool {
    let b = id.as_bytes();
    if b.len() != 12 {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether [`check_stack_name`] accepts `name`, in const context.
///
/// ```
/// use hipaa_stack_syntax::is_stack_name;
/// const OK: bool = is_stack_name("clinic-data");
/// assert!(OK);
/// assert!(!is_stack_name("../escaped"));
/// ```
pub const fn is_stack_name(name: &str) -> bool {
    let b = name.as_bytes();
    if b.is_empty() || b.len() > 128 || !b[0].is_ascii_alphabetic() {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if !(b[i].is_ascii_alphanumeric() || b[i] == b'-') {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether [`check_bucket_name`] accepts `name`, in const context.
///
/// ```
/// use hipaa_stack_syntax::is_bucket_name;
/// assert!(is_bucket_name("patient-records"));
/// assert!(!is_bucket_name("patient.records"));
/// ```
pub const fn is_bucket_name(name: &str) -> bool {
    let b = name.as_bytes();
    if b.len() < 3 || b.len() > 63 || b[0] == b'-' || b[b.len() - 1] == b'-' {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if !(b[i].is_ascii_lowercase() || b[i].is_ascii_digit() || b[i] == b'-') {
            return false;
        }
        i += 1;
    }
    let mut p = 0;
    while p < RESERVED_BUCKET_PREFIXES.len() {
        if starts_with(b, RESERVED_BUCKET_PREFIXES[p].0.as_bytes()) {
            return false;
        }
        p += 1;
    }
    let mut s = 0;
    while s < RESERVED_BUCKET_SUFFIXES.len() {
        if ends_with(b, RESERVED_BUCKET_SUFFIXES[s].0.as_bytes()) {
            return false;
        }
        s += 1;
    }
    true
}

/// Whether [`check_region`] accepts `name`, in const context.
///
/// ```
/// use hipaa_stack_syntax::is_region;
/// assert!(is_region("us-gov-west-1"));
/// assert!(!is_region("us-east"));
/// ```
pub const fn is_region(name: &str) -> bool {
    let b = name.as_bytes();
    if b.len() < 9 || b.len() > 30 {
        return false;
    }
    // Words of lower-case letters joined by hyphens, then a number after the last hyphen.
    let mut last_hyphen = b.len();
    let mut i = b.len();
    while i > 0 {
        i -= 1;
        if b[i] == b'-' {
            last_hyphen = i;
            break;
        }
    }
    if last_hyphen == b.len() || last_hyphen + 1 == b.len() {
        return false;
    }
    let mut j = last_hyphen + 1;
    while j < b.len() {
        if !b[j].is_ascii_digit() {
            return false;
        }
        j += 1;
    }
    let mut words = 1;
    let mut word_len = 0;
    let mut k = 0;
    while k < last_hyphen {
        if b[k] == b'-' {
            if word_len == 0 {
                return false;
            }
            words += 1;
            word_len = 0;
        } else if b[k].is_ascii_lowercase() {
            word_len += 1;
        } else {
            return false;
        }
        k += 1;
    }
    word_len > 0 && words >= 2
}

/// Whether `address/prefix` is a CIDR block that [`parse_cidr`] accepts, with a prefix of
/// at least 1 (the blocks of prefix 0, the internet, have a type of their own in
/// hipaa-stack), in const context.
///
/// ```
/// use std::net::{IpAddr, Ipv4Addr};
/// use hipaa_stack_syntax::is_network;
/// assert!(is_network(IpAddr::V4(Ipv4Addr::new(10, 20, 0, 0)), 16));
/// assert!(!is_network(IpAddr::V4(Ipv4Addr::new(10, 20, 1, 0)), 16));
/// assert!(!is_network(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 0));
/// ```
pub const fn is_network(address: IpAddr, prefix: u8) -> bool {
    if prefix == 0 {
        return false;
    }
    match address {
        IpAddr::V4(a) => {
            if prefix > 32 {
                return false;
            }
            let host = if prefix == 32 { 0 } else { u32::MAX >> prefix };
            a.to_bits() & host == 0
        }
        IpAddr::V6(a) => {
            if prefix > 128 {
                return false;
            }
            let host = if prefix == 128 {
                0
            } else {
                u128::MAX >> prefix
            };
            a.to_bits() & host == 0
        }
    }
}

/// The IPv4 ranges whose addresses are not on the internet: private networks (RFC 1918),
/// shared address space (RFC 6598, which a VPC may use), loopback and link-local (the
/// instance metadata service, the Amazon DNS resolver's `169.254.169.253`).
const OFF_INTERNET_V4: [(u32, u8); 6] = [
    (0x0A00_0000, 8),  // 10.0.0.0/8
    (0xAC10_0000, 12), // 172.16.0.0/12
    (0xC0A8_0000, 16), // 192.168.0.0/16
    (0x6440_0000, 10), // 100.64.0.0/10
    (0x7F00_0000, 8),  // 127.0.0.0/8
    (0xA9FE_0000, 16), // 169.254.0.0/16
];

/// The IPv6 ranges whose addresses are not on the internet: unique local addresses
/// (RFC 4193), link-local and loopback.
const OFF_INTERNET_V6: [(u128, u8); 3] = [
    (0xFC00 << 112, 7),  // fc00::/7
    (0xFE80 << 112, 10), // fe80::/10
    (1, 128),            // ::1/128
];

/// Whether every address of the block `address/prefix` lies in a range that is not on the
/// internet (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, 127.0.0.0/8,
/// 169.254.0.0/16, fc00::/7, fe80::/10, ::1/128), in const context. A block that holds
/// even one other address holds addresses of the internet: `0.0.0.0/1` is as much the
/// internet as `0.0.0.0/0`, and hipaa-stack opens to it only what it opens to the internet.
///
/// ```
/// use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
/// use hipaa_stack_syntax::is_off_internet;
/// assert!(is_off_internet(IpAddr::V4(Ipv4Addr::new(10, 20, 0, 0)), 16));
/// assert!(is_off_internet(IpAddr::V4(Ipv4Addr::new(169, 254, 169, 254)), 32));
/// assert!(!is_off_internet(IpAddr::V4(Ipv4Addr::new(0, 0, 0, 0)), 1));
/// assert!(!is_off_internet(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 0)), 7));
/// assert!(!is_off_internet(IpAddr::V4(Ipv4Addr::new(203, 0, 113, 0)), 24));
/// assert!(is_off_internet(IpAddr::V6(Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, 0)), 8));
/// assert!(!is_off_internet(IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0)), 32));
/// ```
pub const fn is_off_internet(address: IpAddr, prefix: u8) -> bool {
    match address {
        IpAddr::V4(a) => {
            let bits = a.to_bits();
            let mut i = 0;
            while i < OFF_INTERNET_V4.len() {
                let (base, len) = OFF_INTERNET_V4[i];
                if prefix >= len && bits >> (32 - len as u32) == base >> (32 - len as u32) {
                    return true;
                }
                i += 1;
            }
            false
        }
        IpAddr::V6(a) => {
            let bits = a.to_bits();
            let mut i = 0;
            while i < OFF_INTERNET_V6.len() {
                let (base, len) = OFF_INTERNET_V6[i];
                if prefix >= len && bits >> (128 - len as u32) == base >> (128 - len as u32) {
                    return true;
                }
                i += 1;
            }
            false
        }
    }
}

/// Whether `year-month-day` is a date that [`parse_date`] accepts, in const context.
///
/// ```
/// use hipaa_stack_syntax::is_date;
/// assert!(is_date(2028, 2, 29));
/// assert!(!is_date(2027, 2, 29));
/// ```
pub const fn is_date(year: u16, month: u8, day: u8) -> bool {
    if year < 2000 || year > 2999 {
        return false;
    }
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    day >= 1 && day <= days_in_month
}

/// Whether [`check_days`] accepts `days`, in const context.
///
/// ```
/// assert!(hipaa_stack_syntax::is_days(35));
/// assert!(!hipaa_stack_syntax::is_days(0));
/// ```
pub const fn is_days(days: u16) -> bool {
    days >= 1 && days <= 36500
}

// ---------------------------------------------------------------------------------------
// User data: text that goes into a template, readable by anyone who may describe the
// instance, so it never carries a secret.
// ---------------------------------------------------------------------------------------

/// Words that, at the end of a name assigned a value, say the value is a secret.
const SECRET_WORDS: [&str; 15] = [
    "password",
    "passwords",
    "passwd",
    "passphrase",
    "secret",
    "secrets",
    "token",
    "tokens",
    "apikey",
    "api_key",
    "api-key",
    "private_key",
    "access_key",
    // Django's `SECRET_KEY`, s3cmd's `secret_key`.
    "secret_key",
    // SSSD's bind password, `ldap_default_authtok` (sssd-ldap(5)).
    "authtok",
];

/// Whether `b[i..]` starts with `needle`, ignoring ASCII case.
/// Abbreviations of "password" that name a secret only as a word of their own: at the
/// start of a word (after a byte that is not a letter or digit, or as the upper-case start
/// of a camel-case word) and at the end of the name (`DB_PW=`, `PGPASS=`, `dbPass=`), never
/// inside another word (`COMPASS=`, `BYPASS=`).
///
/// `auth` is such a word too (`REDISCLI_AUTH=`, npm's `_auth=`), unless the value is a
/// setting rather than a credential ([`auth_setting`]: `ENABLE_AUTH=true`, `AUTH=iam`).
const SECRET_ABBREVIATIONS: [&str; 6] = ["pw", "pwd", "pass", "pword", "pswd", "auth"];

/// [`SECRET_WORDS`] as bytes, made once: the loop of [`user_data_problem`] reads them
/// without a call for each word (the budget of const evaluation counts calls).
const SECRET_WORD_BYTES: [&[u8]; SECRET_WORDS.len()] = byte_strings(SECRET_WORDS);

/// [`SECRET_ABBREVIATIONS`] as bytes, made once (see [`SECRET_WORD_BYTES`]).
const SECRET_ABBREVIATION_BYTES: [&[u8]; SECRET_ABBREVIATIONS.len()] =
    byte_strings(SECRET_ABBREVIATIONS);

/// The number of [`SECRET_WORDS`] and of [`SECRET_ABBREVIATIONS`], as constants (see
/// [`SECRET_WORD_BYTES`]).
const SECRET_WORD_COUNT: usize = SECRET_WORDS.len();
const SECRET_ABBREVIATION_COUNT: usize = SECRET_ABBREVIATIONS.len();

/// The bytes of each of `words`, in const context.
const fn byte_strings<const N: usize>(words: [&'static str; N]) -> [&'static [u8]; N] {
    let mut out: [&'static [u8]; N] = [b""; N];
    let mut k = 0;
    while k < N {
        out[k] = words[k].as_bytes();
        k += 1;
    }
    out
}

/// Values that choose how to authenticate, never a credential: `MONGO_AUTH=true`,
/// `AUTH=iam`, `auth: required`.
const AUTH_SETTINGS: [&str; 22] = [
    "true", "false", "yes", "no", "on", "off", "0", "1", "none", "enabled", "disabled", "required",
    "optional", "iam", "basic", "md5", "trust", "tls", "sasl", "ldap", "oauth", "token",
];

/// Whether the value assigned after the name ending at `end` is a setting of
/// [`AUTH_SETTINGS`] (the whole value, in any case) or a structure (`{`, `[`).
const fn auth_setting(b: &[u8], end: usize) -> bool {
    let Some(v) = value_after_name(b, end) else {
        return false;
    };
    if v < b.len() && matches!(b[v], b'{' | b'[') {
        return true;
    }
    let mut e = v;
    while e < b.len() && (b[e].is_ascii_alphanumeric() || b[e] == b'-' || b[e] == b'_') {
        e += 1;
    }
    if !(e == b.len()
        || matches!(
            b[e],
            b'"' | b'\'' | b' ' | b'\t' | b'\n' | b'\r' | b';' | b',' | b'}' | b'&' | b'|'
        ))
    {
        return false;
    }
    let mut w = 0;
    while w < AUTH_SETTINGS.len() {
        let word = AUTH_SETTINGS[w].as_bytes();
        if e - v == word.len() && at_ignore_case(b, v, word) {
            return true;
        }
        w += 1;
    }
    false
}

/// Whether a word may start at `i`: the text starts there, the byte before is not a letter
/// or digit, or a lower-case letter is followed by an upper-case one there.
const fn word_start(b: &[u8], i: usize) -> bool {
    i == 0
        || !b[i - 1].is_ascii_alphanumeric()
        || (b[i - 1].is_ascii_lowercase() && b[i].is_ascii_uppercase())
        || (b[i - 1].is_ascii_digit() && b[i].is_ascii_alphabetic())
}

/// Where a name that holds a secret word at `end` ends: at `end` when no byte of a name
/// follows, or after a numbered suffix (`PASSWORD1`, `DB_PASSWORD_2`, `api-token-3`), which
/// numbers secrets without making them anything else. `None` when the name goes on
/// (`PASSWORD_FILE`, `TOKEN_URL`).
const fn name_end(b: &[u8], end: usize) -> Option<usize> {
    if end == b.len() || !name_byte(b[end]) {
        let key = key_end(b, end);
        return Some(if key > end {
            key
        } else {
            subscript_end(b, end)
        });
    }
    let mut j = end;
    if b[j] == b'_' || b[j] == b'-' {
        j += 1;
    }
    let digits = j;
    while j < b.len() && b[j].is_ascii_digit() {
        j += 1;
    }
    if j > digits && (j == b.len() || !name_byte(b[j])) {
        Some(subscript_end(b, j))
    } else {
        None
    }
}

/// The index after the `]` that closes a subscript in which a name ends at `end`
/// (`creds[password]`, `creds["db_password"]`, `([password]=…)` in a compound assignment),
/// or `end` when the name is no key: an associative array's element keyed by a secret's
/// name holds the secret as much as a variable of that name (bash(1), Arrays; hostile
/// review 19).
const fn key_end(b: &[u8], end: usize) -> usize {
    let mut k = end;
    while k < b.len() && matches!(b[k], b'"' | b'\'') {
        k += 1;
    }
    if !(k < b.len() && b[k] == b']') {
        return end;
    }
    // Back over the name and quotes to the `[` that opens the subscript.
    let mut s = end;
    while s > 0 && end - s < 64 && (name_byte(b[s - 1]) || matches!(b[s - 1], b'"' | b'\'' | b'.'))
    {
        s -= 1;
    }
    if s > 0 && b[s - 1] == b'[' {
        k + 1
    } else {
        end
    }
}

/// Whether the name whose secret word is at `i` (the name ending at `end`) is given written
/// text by a shell builtin rather than by `=`: `read -r NAME <<< VALUE` (a here-string),
/// `printf -v NAME VALUE` or `printf -v NAME '%s' VALUE`. A value read at boot (`<<<
/// "$(aws …)"`, `'%s' "$PW"`) is not written.
const fn assigned_by_command(b: &[u8], i: usize, end: usize) -> bool {
    let mut s = i;
    while s > 0 && name_byte(b[s - 1]) {
        s -= 1;
    }
    let mut k = skip_blanks(b, end);
    if k > end && word_at(b, k, b"in") && for_loop_name(b, s) {
        // `for NAME in WORD…`: the loop gives NAME each written word in turn.
        let (ws, we) = next_word(b, k + 2);
        return ws < we && written_at(b, ws);
    }
    // A command's word of its own (`read … NAME`, `set … NAME`): the budget of const
    // evaluation counts steps, and most names are not.
    let alone = s > 0 && matches!(b[s - 1], b' ' | b'\t');
    // fish's `set [-gx…] NAME VALUE…` (fish(1), `set`): the name is given the words after it.
    if alone && k > end && fish_set_before(b, s) {
        let (ws, we) = next_word(b, k);
        if ws < we {
            let q = skip_quotes(b, ws);
            return if q < b.len() && b[q] == b'(' {
                // fish's command substitution, `(echo hunter2)`.
                substitution_written(b, q + 1, b')')
            } else {
                written_at(b, ws)
            };
        }
    }
    // Other names read after this one (`read -r PASSWORD REST <<< …`).
    while k > end && !at_exactly(b, k, b"<<") {
        let (ws, we) = next_word(b, k);
        if !(ws == k && plain_name(b, ws, we)) {
            break;
        }
        k = skip_blanks(b, we);
    }
    let reader = if alone { reader_before(b, s) } else { None };
    // `{ read -r NAME; } <<< …`: the group's input is the command's (hostile review 19).
    if reader.is_some() && k < b.len() && b[k] == b';' {
        let g = skip_blanks(b, k + 1);
        if g < b.len() && b[g] == b'}' {
            k = skip_blanks(b, g + 1);
        }
    }
    // `while read -r NAME; do …; done <<< …`: the loop's input is its `read`'s (hostile
    // review 19), after the first `done` that ends a command.
    if let Some(w) = reader
        && loop_keyword_before(b, w)
    {
        let mut d = k;
        while d + 4 <= b.len() {
            if b[d] == b'd' && word_at(b, d, b"done") && command_position(b, d) {
                k = skip_blanks(b, d + 4);
                break;
            }
            d += 1;
        }
    }
    if let Some(w) = reader {
        // `read NAME < <(echo …)`: a process substitution that prints written text.
        if k < b.len() && b[k] == b'<' && !at_exactly(b, k, b"<<") {
            let p = skip_blanks(b, k + 1);
            if at_exactly(b, p, b"<(") && substitution_written(b, p + 2, b')') {
                return true;
            }
        }
        // `echo … | read NAME`, `… | while read NAME`, `… | { read NAME; }`: the command
        // before the pipe prints written text.
        if let Some(pipe) = pipe_before(b, w)
            && piped_text_written(b, pipe)
        {
            return true;
        }
        // `read NAME < /dev/stdin <<< …`: past redirections from files.
        while k < b.len() && b[k] == b'<' && !at_exactly(b, k, b"<<") && !at_exactly(b, k, b"<(") {
            let (_, we) = next_word(b, k + 1);
            k = skip_blanks(b, we);
        }
    }
    if at_exactly(b, k, b"<<") {
        if reader.is_none() {
            return false;
        }
        if !at_exactly(b, k, b"<<<") {
            // A here-document: its lines are written unless it expands a variable or a
            // command (`read -r PW <<EOF` then `hunter2`).
            return !here_document_expands(b, k) && here_document_holds_text(b, k);
        }
        let h = skip_blanks(b, k + 3);
        let v = skip_quotes(b, h);
        // Written text, or a substitution or variable that prints some (`<<< "$(echo …)"`;
        // hostile review 19), or a fetched value mixed with written text in one word
        // (`<<< "$S hunter2"`; hostile review 23).
        return v < b.len()
            && (!matches!(b[v], b'$' | b'`' | b'\n' | b'\r' | b';' | b'|' | b'&')
                || (matches!(b[v], b'$' | b'`')
                    && (substitution_written_at(b, v)
                        || variable_written(b, v)
                        || word_mixes_text(b, h, shell_word_end(b, h)))));
    }
    // `printf -v NAME`: back over the name, the blanks, `-v`, the blanks, `printf`.
    let mut p = s;
    while p > 0 && matches!(b[p - 1], b' ' | b'\t') {
        p -= 1;
    }
    if p == s || p < 2 || b[p - 1] != b'v' || b[p - 2] != b'-' {
        return false;
    }
    let mut q = p - 2;
    while q > 0 && matches!(b[q - 1], b' ' | b'\t') {
        q -= 1;
    }
    if q == p - 2 || q < 6 || !at_exactly(b, q - 6, b"printf") {
        return false;
    }
    let mut h = skip_blanks(b, end);
    let mut v = skip_quotes(b, h);
    if v < b.len() && b[v] == b'%' {
        // A format (`'%s'`), then the value it prints.
        while v < b.len() && !matches!(b[v], b' ' | b'\t' | b'\n' | b'\r') {
            v += 1;
        }
        h = skip_blanks(b, v);
        v = skip_quotes(b, h);
    }
    v > end
        && v < b.len()
        && (!matches!(
            b[v],
            b'$' | b'`' | b'%' | b'\n' | b'\r' | b';' | b'|' | b'&' | b' ' | b'\t'
        ) || (matches!(b[v], b'$' | b'`') && word_mixes_text(b, h, shell_word_end(b, h))))
}

/// Where the `read`, `mapfile` or `readarray` starts that reads into the name at `s`, back
/// over the blanks, the flags (`-r`, `-a`) and the names read before it (`read -r USER
/// PASSWORD`); `None` when no such command reads it.
const fn reader_before(b: &[u8], s: usize) -> Option<usize> {
    let mut r = s;
    loop {
        while r > 0 && matches!(b[r - 1], b' ' | b'\t') {
            r -= 1;
        }
        let mut w = r;
        while w > 0 && !matches!(b[w - 1], b' ' | b'\t' | b'\n' | b';' | b'&' | b'|') {
            w -= 1;
        }
        if (r == w + 4 && at_exactly(b, w, b"read"))
            || (r == w + 7 && at_exactly(b, w, b"mapfile"))
            || (r == w + 9 && at_exactly(b, w, b"readarray"))
        {
            return Some(w);
        }
        if w < r && (b[w] == b'-' || plain_name(b, w, r)) {
            r = w;
            continue;
        }
        return None;
    }
}

/// Commands that print the text given to them, or a part of it, as it is: a stage of a
/// pipeline between written text and the command that reads it hides nothing (`echo … |
/// cat | read NAME`, `| head -n 1 |`, `| jq -r .password |`; hostile review 19). `xargs`
/// is one when it runs no command of its own. So is moreutils' `sponge`, which writes its
/// input into its file as `tee` does (hostile review 20).
const PASS_THROUGH: [&str; 17] = [
    "cat", "tee", "head", "tail", "sort", "uniq", "grep", "egrep", "fgrep", "jq", "yq", "stdbuf",
    "dos2unix", "fold", "column", "tac", "sponge",
];

/// Whether the stage of a pipeline that starts at `k` (after spaces and `sudo`) is a
/// command of [`PASS_THROUGH`], or `xargs` running no command (which prints its input's
/// words as `echo` does).
const fn pass_through_at(b: &[u8], k: usize) -> bool {
    let k = after_sudo(b, skip_blanks(b, k));
    if word_at(b, k, b"xargs") {
        let mut e = k + 5;
        loop {
            let (s, we) = next_word(b, e);
            if s == we {
                return true;
            }
            if !is_flag(b, s, we) {
                return word_at(b, s, b"echo");
            }
            e = we;
            // The flags of xargs(1) whose value is the next word (`-n 1`, `-d '\n'`).
            let q = skip_quotes(b, s);
            if we == q + 2 && matches!(b[q + 1], b'n' | b'L' | b'd' | b'P' | b's' | b'E' | b'a') {
                e = next_word(b, we).1;
            }
        }
    }
    let mut t = 0;
    while t < PASS_THROUGH.len() {
        if word_at(b, k, PASS_THROUGH[t].as_bytes()) {
            return true;
        }
        t += 1;
    }
    false
}

/// Whether the pipe at `pipe` is fed text written in the script: the stage before it
/// prints written text ([`substitution_written`]), or passes on ([`PASS_THROUGH`]) what a
/// stage before it is fed (`echo hunter2 | cat | read PW`).
const fn piped_text_written(b: &[u8], mut pipe: usize) -> bool {
    loop {
        let start = command_start(b, pipe);
        // A stage that prints written text, or passes on a here-document or here-string of
        // written text (`cat <<'EOF' | read NAME`; hostile review 19).
        if substitution_written(b, start, b'|')
            || (pass_through_at(b, start) && input_written(b, skip_blanks(b, start)) == FED_WRITTEN)
        {
            return true;
        }
        if !(pass_through_at(b, start)
            && start >= 1
            && b[start - 1] == b'|'
            && !(start >= 2 && b[start - 2] == b'|'))
        {
            return false;
        }
        pipe = start - 1;
    }
}

/// Whether the command at `w` is the condition of a `while` or `until` loop (`while read
/// …; do`).
const fn loop_keyword_before(b: &[u8], w: usize) -> bool {
    let mut k = w;
    while k > 0 && matches!(b[k - 1], b' ' | b'\t') {
        k -= 1;
    }
    k >= 5
        && (at_exactly(b, k - 5, b"while") || at_exactly(b, k - 5, b"until"))
        && (k == 5 || !word_byte(b[k - 6]))
}

/// The `|` (not `||`) whose pipe feeds the command at `w`, back over blanks, `{`, `(` and
/// the keywords `while` and `until` (`… | while read NAME; do`).
const fn pipe_before(b: &[u8], w: usize) -> Option<usize> {
    let mut k = w;
    loop {
        while k > 0 && matches!(b[k - 1], b' ' | b'\t' | b'{' | b'(') {
            k -= 1;
        }
        if k >= 5 && (at_exactly(b, k - 5, b"while") || at_exactly(b, k - 5, b"until")) {
            k -= 5;
            continue;
        }
        if k > 0 && b[k - 1] == b'|' && !(k > 1 && b[k - 2] == b'|') {
            return Some(k - 1);
        }
        return None;
    }
}

/// Whether the name at `s` is set by fish's `set` (`set -gx NAME …`, `set NAME …`): `set`
/// starts the command, and only flags stand between it and the name.
const fn fish_set_before(b: &[u8], s: usize) -> bool {
    let mut r = s;
    loop {
        while r > 0 && matches!(b[r - 1], b' ' | b'\t') {
            r -= 1;
        }
        if r == s {
            return false;
        }
        let mut w = r;
        while w > 0 && !matches!(b[w - 1], b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'(') {
            w -= 1;
        }
        if r == w + 3 && at_exactly(b, w, b"set") {
            return skip_blanks(b, command_start(b, w)) == w;
        }
        if w < r && b[w] == b'-' {
            r = w;
            continue;
        }
        return false;
    }
}

/// Whether `b[s..e]` holds a word of [`SECRET_WORDS`] (anywhere, in any case), or of
/// [`SECRET_ABBREVIATIONS`] as a word of its own (`__PW__`, `DB_PASS`).
const fn holds_secret_word(b: &[u8], s: usize, e: usize) -> bool {
    let mut p = s;
    while p < e {
        let mut w = 0;
        while w < SECRET_WORDS.len() {
            let word = SECRET_WORDS[w].as_bytes();
            if p + word.len() <= e && at_ignore_case(b, p, word) {
                return true;
            }
            w += 1;
        }
        let mut w = 0;
        while w < SECRET_ABBREVIATIONS.len() {
            let word = SECRET_ABBREVIATIONS[w].as_bytes();
            let end = p + word.len();
            if end <= e
                && at_ignore_case(b, p, word)
                && word_start(b, p)
                && (end == e || !b[end].is_ascii_lowercase())
            {
                return true;
            }
            w += 1;
        }
        p += 1;
    }
    false
}

/// Whether the `sed` or `perl` command at `i` replaces text named like a secret with
/// written text: a substitution `s/PATTERN/REPLACEMENT/` (any delimiter, any expression of
/// the line) whose pattern holds a secret's word (`s/DB_PASSWORD_HERE/hunter2/`,
/// `s|%%API_TOKEN%%|abc|`) and whose replacement is written text, a variable last given
/// written text, or an argument. A replacement that names the secret itself
/// (`s/^password=.*/password=$PW/`) is read by the other checks as an assignment; one
/// without a letter or digit (`s/^PasswordAuthentication/#&/`) writes no value.
const fn sed_secret_at(b: &[u8], i: usize) -> bool {
    if !((word_at(b, i, b"sed") || word_at(b, i, b"perl"))
        && (i == 0 || !name_byte(b[i - 1]))
        && !(i > 0 && matches!(b[i - 1], b'-' | b'.')))
    {
        return false;
    }
    let mut j = i + 3;
    while j + 1 < b.len() && (b[j] != b'\n' || continued_newline(b, j)) {
        let d = b[j + 1];
        if b[j] == b's'
            && matches!(b[j - 1], b'\'' | b'"' | b' ' | b'\t' | b';' | b'{')
            && !(d.is_ascii_alphanumeric()
                || matches!(
                    d,
                    b' ' | b'\t' | b'\n' | b'\r' | b'\\' | b'\'' | b'"' | b'_'
                ))
        {
            let p = j + 2;
            let pe = delimiter_after(b, p, d);
            if pe >= b.len() {
                j += 1;
                continue;
            }
            let re = delimiter_after(b, pe + 1, d);
            if re < b.len()
                && ((holds_secret_word(b, p, pe)
                    && !keyword_pattern(b, p, pe)
                    && !holds_secret_word(b, pe + 1, re)
                    && replacement_written(b, pe + 1, re))
                    // A replacement that is a configuration line writing a credential
                    // (`s/^rocommunity .*/rocommunity s3cr3t/`).
                    || credential_directive_at(b, pe)
                    // or a settings line `NAME VALUE` whose name is a secret's
                    // (`s/^password .*/password hunter2/` in a `.conf`).
                    || replacement_setting_line(b, pe + 1))
            {
                return true;
            }
        }
        j += 1;
    }
    false
}

/// Whether the pattern `b[p..pe]` of a `sed` names a secret's word only as a keyword
/// of the file it edits, not a placeholder for a value (hostile review 30: CIS hardening
/// of PAM and sudoers was refused):
/// - in a PAM file (`/etc/pam.d/…`, the one file it edits), a line of the module type
///   `password` (pam.d(5)): the pattern `^password`, perhaps after `#`, `-` or blanks
///   (spelled ` `, `\s*`, `[[:space:]]*`), then a blank or its escape, and no other
///   secret's word;
/// - in a sudoers file (`/etc/sudoers…`, the one file), the tags `PASSWD:` and `NOPASSWD:` (sudoers(5),
///   "Tag_Spec") and no other secret's word.
const fn keyword_pattern(b: &[u8], p: usize, pe: usize) -> bool {
    let mut e = pe;
    while e < b.len() && (b[e] != b'\n' || continued_newline(b, e)) {
        e += 1;
    }
    while e > pe && matches!(b[e - 1], b' ' | b'\t' | b'\r') {
        e -= 1;
    }
    // The one file it edits, last on its line, right after the script's closing quote (a
    // file of another kind beside it, `/etc/app.conf /etc/sudoers`, may hold a placeholder).
    let mut f = e;
    while f > pe && !matches!(b[f - 1], b' ' | b'\t') {
        f -= 1;
    }
    let mut q = f;
    while q > pe && matches!(b[q - 1], b' ' | b'\t') {
        q -= 1;
    }
    if !(q > pe && matches!(b[q - 1], b'\'' | b'"')) {
        return false;
    }
    if at_exactly(b, f, b"/etc/pam.d/") {
        let mut k = p;
        if k < pe && b[k] == b'^' {
            k += 1;
        }
        loop {
            if k < pe && matches!(b[k], b'#' | b'-' | b' ' | b'\t' | b'*') {
                k += 1;
            } else if k + 1 < pe && b[k] == b'\\' && b[k + 1] == b's' {
                k += 2;
            } else if at_exactly(b, k, b"[[:space:]]") {
                k += 11;
            } else {
                break;
            }
        }
        return at_exactly(b, k, b"password")
            && k + 8 < pe
            && matches!(b[k + 8], b' ' | b'\t' | b'\\' | b'[')
            && !holds_secret_word(b, k + 8, pe);
    }
    if at_exactly(b, f, b"/etc/sudoers") {
        let mut k = p;
        let mut from = p;
        while k + 7 <= pe {
            if at_exactly(b, k, b"PASSWD:") {
                if holds_secret_word(b, from, k) {
                    return false;
                }
                from = k + 7;
                k += 7;
                continue;
            }
            k += 1;
        }
        return from > p && !holds_secret_word(b, from, pe);
    }
    false
}

/// Whether the replacement of a substitution, at `s`, is a line of a settings file that
/// gives a name ending in a secret's word a written value after white space (`password
/// hunter2`, `db.password hunter2`), in a script that names a settings file
/// ([`SETTINGS_FILES`]) or a `.properties` file, as [`properties_value_at`] reads the line
/// when `echo` writes it.
const fn replacement_setting_line(b: &[u8], s: usize) -> bool {
    let mut e = s;
    while e < b.len() && (name_byte(b[e]) || b[e] == b'.') {
        e += 1;
    }
    e > s
        && e < b.len()
        && matches!(b[e], b' ' | b'\t')
        && secret_name_ends(b, s, e)
        && line_operand_written(b, e, 0)
        && (settings_file_named(b) || text_holds(b, b".properties"))
}

/// The index of the next `d` at or after `k` on the line that no backslash escapes; the
/// length of the text when there is none.
const fn delimiter_after(b: &[u8], mut k: usize, d: u8) -> usize {
    while k < b.len() && b[k] != b'\n' {
        if b[k] == b'\\' {
            k += 2;
            continue;
        }
        if b[k] == d {
            return k;
        }
        k += 1;
    }
    b.len()
}

/// Whether the replacement `b[s..e]` of a substitution writes a value: a variable last given
/// written text or an argument at its start, or else a letter or digit.
const fn replacement_written(b: &[u8], s: usize, e: usize) -> bool {
    if s < e && (b[s] == b'$' || b[s] == b'`') {
        return literal_expansion(b, s) || (b[s] == b'$' && variable_written(b, s));
    }
    let mut k = s;
    while k < e {
        if b[k].is_ascii_alphanumeric() {
            return true;
        }
        k += 1;
    }
    false
}

/// Flags that name a secret but take no value, or whose value is optional, so that the
/// word after them is no password (`psql --password ehr` prompts, `mysql --password ehr`
/// too): only `--password=VALUE` writes one (and the tools of [`TOOLS`] are read on their
/// own).
const BARE_PASSWORD_FLAGS: [&str; 5] = ["password", "pass", "passwd", "pw", "pwd"];

/// Whether a flag of a command named like a secret starts at `i` (`--master-user-password`,
/// `--secret-string`, `--passphrase`, `-storepass`, `--api-token`) and is given a written
/// value, after `=` or a blank: the AWS CLI (`aws secretsmanager create-secret
/// --secret-string …`, `aws rds create-db-instance --master-user-password …`), `gpg
/// --passphrase …`, `keytool -storepass …`. A flag whose name goes on (`--password-stdin`,
/// `--secret-id`, `--token-file`) names no secret; one that asks for it (`--no-password`,
/// `--ask-password`, `--prompt-password`) takes none.
const fn secret_flag_at(b: &[u8], i: usize) -> bool {
    let mut s = i + 1;
    if s < b.len() && b[s] == b'-' {
        s += 1;
    }
    // The name, and whether it may hold a secret's word at all (a pair of its letters:
    // `pa`, `pw`, `ps`, `et`, `ke`, `ok`), which keeps the check of a script's many other
    // flags short.
    let mut e = s;
    let mut maybe = false;
    while e < b.len() && (b[e].is_ascii_alphanumeric() || b[e] == b'-' || b[e] == b'_') {
        if e > s {
            let pair = [lower!(b[e - 1]), lower!(b[e])];
            if matches!(
                pair,
                [b'p', b'a']
                    | [b'p', b'w']
                    | [b'p', b's']
                    | [b'e', b't']
                    | [b'k', b'e']
                    | [b'o', b'k']
            ) {
                maybe = true;
            }
        }
        e += 1;
    }
    let arg =
        (e == s + 3 && at_exactly(b, s, b"arg")) || (e == s + 7 && at_exactly(b, s, b"argjson"));
    let value = e == s + 5 && at_exactly(b, s, b"value");
    // One letter is a tool's own flag (`-p`), read with [`TOOLS`].
    if !(maybe || arg || value)
        || e < s + 2
        || !blank_before(b, i)
        || at_ignore_case(b, s, b"no-")
        || at_ignore_case(b, s, b"ask-")
        || at_ignore_case(b, s, b"stdin-")
    {
        return false;
    }
    if at_ignore_case(b, s, b"prompt") {
        return false;
    }
    // `jq --arg NAME VALUE`: a variable of the filter named like a secret.
    if arg {
        let (ns, ne) = next_word(b, e);
        let (vs, ve) = next_word(b, ne);
        return ns < ne && vs < ve && secret_name_ends(b, skip_quotes(b, ns), ne) && {
            let q = skip_quotes(b, vs);
            written_at(b, vs) || (q < ve && b[q] == b'{')
        };
    }
    // `aws ssm put-parameter --type SecureString --value …`: the parameter is a secret.
    let mut secure = false;
    if value && aws_command(b, i) {
        let mut j = command_start(b, i);
        while j < b.len() && !command_end(b, j) {
            if at_exactly(b, j, b"SecureString") {
                secure = true;
            }
            j += 1;
        }
    }
    // The name's secret word at its end, perhaps before `-string` or `-binary` (the AWS
    // CLI's `--secret-string`, `--secret-binary`).
    let mut end = e;
    if e >= s + 7 && (at_ignore_case(b, e - 7, b"-string") || at_ignore_case(b, e - 7, b"-binary"))
    {
        end = e - 7;
    }
    let mut named = secure;
    let mut w = 0;
    while w < SECRET_WORDS.len() {
        let word = SECRET_WORDS[w].as_bytes();
        if end >= s + word.len() && at_ignore_case(b, end - word.len(), word) {
            named = true;
        }
        w += 1;
    }
    // `-storepass`, `-keypass`: an abbreviation at the end of a flag names a password.
    let mut w = 0;
    while w < SECRET_ABBREVIATIONS.len() {
        let word = SECRET_ABBREVIATIONS[w].as_bytes();
        if w != 5 && end >= s + word.len() && at_ignore_case(b, end - word.len(), word) {
            named = true;
        }
        w += 1;
    }
    // The last word of the name cut short (`--passw`, `--passwo`, `--passph`): getopt_long
    // and argparse read an unambiguous prefix of a long option as the option (hostile
    // review 29). A prefix of `password` is bare, as `--password` is.
    let mut prefix_of_password = false;
    if !named {
        let mut ws = end;
        while ws > s && b[ws - 1] != b'-' && b[ws - 1] != b'_' {
            ws -= 1;
        }
        if end >= ws + 5 && lower!(b[ws]) == b'p' && lower!(b[ws + 1]) == b'a' {
            let (pw, pp): (&[u8], &[u8]) = (b"password", b"passphrase");
            let mut m = 0;
            let (mut in_pw, mut in_pp) = (end - ws < pw.len(), end - ws < pp.len());
            while m < end - ws {
                let x = lower!(b[ws + m]);
                in_pw = in_pw && m < pw.len() && x == pw[m];
                in_pp = in_pp && m < pp.len() && x == pp[m];
                m += 1;
            }
            prefix_of_password = in_pw;
            named = in_pw || (in_pp && end - ws >= 6);
        }
    }
    if !named {
        return false;
    }
    if e < b.len() && b[e] == b'=' {
        return flag_secret_written(b, e + 1);
    }
    if prefix_of_password && !aws_command(b, i) {
        return false;
    }
    // After a blank: not for a bare `--password`, whose value is optional (but for the
    // AWS CLI's, whose options all take one).
    let mut w = 0;
    while w < BARE_PASSWORD_FLAGS.len() {
        let word = BARE_PASSWORD_FLAGS[w].as_bytes();
        if e - s == word.len() && at_ignore_case(b, s, word) && !aws_command(b, i) {
            return false;
        }
        w += 1;
    }
    if blank(b, e) == 0 {
        return false;
    }
    let (vs, ve) = next_word(b, e);
    vs < ve && !is_flag(b, vs, ve) && flag_secret_written(b, vs)
}

/// Whether the command that holds `i` is the AWS CLI's (`aws …`).
const fn aws_command(b: &[u8], i: usize) -> bool {
    word_at(b, skip_blanks(b, command_start(b, i)), b"aws")
}

/// Whether the value at `v` of a flag named like a secret is written: text, a variable
/// last given written text, an argument, or a JSON object (`'{"password":"…"}'`), not a
/// description of where the secret comes from ([`secret_spec_at`]).
const fn flag_secret_written(b: &[u8], v: usize) -> bool {
    let q = skip_quotes(b, v);
    (written_at(b, v) || (q + 1 < b.len() && b[q] == b'{' && b[q + 1] == b'"'))
        && !secret_spec_at(b, v)
}

/// Whether the value at `v` describes where a secret comes from rather than holding it:
/// `docker build --secret id=npm,src=/run/npmrc` (a `key=value` list that starts with
/// `id=`, `type=`, `src=`, `source=` or `env=`).
const fn secret_spec_at(b: &[u8], v: usize) -> bool {
    let v = skip_quotes(b, v);
    at_ignore_case(b, v, b"id=")
        || at_ignore_case(b, v, b"type=")
        || at_ignore_case(b, v, b"src=")
        || at_ignore_case(b, v, b"source=")
        || at_ignore_case(b, v, b"env=")
}

/// Whether the last part of the path `b[s..e]` (without an extension) ends in a secret's
/// word: `/etc/app/db_password`, `/run/secrets/token`, `~/.vnc/passwd`, `api-key.txt`.
const fn secret_file(b: &[u8], s: usize, e: usize) -> bool {
    // A path held by a variable (`F=/etc/app/db_password; echo … > "$F"`, `$f =
    // 'C:\app\db_password.txt'; … | Out-File $f`): the path it was last given (hostile
    // review 20).
    let q = skip_quotes(b, s);
    if q < e && b[q] == b'$' {
        return variable_names_secret_file(b, q);
    }
    // The last part of the path as the shell reads it, without its quotes (`/etc/app/"db_password"`,
    // `db_pass''word`; hostile review 19): its last 64 bytes, copied.
    let mut name = [0u8; 64];
    let mut n = 0;
    let mut k = e;
    while k > s && n < 64 && b[k - 1] != b'/' {
        k -= 1;
        if !matches!(b[k], b'"' | b'\'') {
            n += 1;
            name[64 - n] = b[k];
        }
    }
    // A PAM configuration file (`/etc/pam.d/system-auth`, `common-password`, `passwd`): a
    // service's stack of modules, named by the service (pam.d(5)), which PAM reads as
    // configuration, never as a secret (hostile review 29). The name as PAM services are
    // named (letters, digits, `-`, `.`), so `/etc/pam.d/db_password` stays refused.
    if k > s + 6
        && b[k - 1] == b'/'
        && at_exactly(b, k - 7, b"/pam.d")
        && pam_service_name(&name, 64 - n)
    {
        return false;
    }
    let base = 64 - n;
    let mut end = 64;
    let mut dot = end;
    while dot > base + 1 && name[dot - 1] != b'.' {
        dot -= 1;
    }
    if dot > base + 1 && end - dot <= 4 {
        end = dot - 1;
    }
    end > base && secret_name_ends(&name, base, end)
}

/// Whether `name[base..]` is named as a PAM service's configuration file is: lower-case
/// letters, digits, `-` and `.` only (`system-auth`, `common-password`, `system-auth-ac`).
const fn pam_service_name(name: &[u8; 64], base: usize) -> bool {
    let mut j = base;
    while j < 64 {
        if !(name[j].is_ascii_lowercase()
            || name[j].is_ascii_digit()
            || matches!(name[j], b'-' | b'.'))
        {
            return false;
        }
        j += 1;
    }
    base < 64
}

/// Whether the variable expanded at `v` (`$F`, `${F}`, PowerShell's `$f`) was last given,
/// before `v`, a path named like a secret ([`secret_file`]): `F=/etc/app/db_password`,
/// `$f = 'C:\app\db_password.txt'` (hostile review 20).
const fn variable_names_secret_file(b: &[u8], v: usize) -> bool {
    let braced = v + 1 < b.len() && b[v + 1] == b'{';
    let start = if braced { v + 2 } else { v + 1 };
    let mut end = start;
    while end < b.len() && (b[end].is_ascii_alphanumeric() || b[end] == b'_') {
        end += 1;
    }
    let len = end - start;
    if len == 0 {
        return false;
    }
    let mut k = v;
    while k > 0 {
        k -= 1;
        if b[k] != b[start]
            || k + len >= v
            || (k > 0 && (b[k - 1].is_ascii_alphanumeric() || b[k - 1] == b'_'))
            || !names_equal(b, k, start, len)
        {
            continue;
        }
        let value = if b[k + len] == b'=' {
            k + len + 1
        } else if k > 0 && b[k - 1] == b'$' && matches!(b[k + len], b' ' | b'\t') {
            let eq = skip_blanks(b, k + len);
            if !(eq + 1 < b.len() && b[eq] == b'=' && b[eq + 1] != b'=') {
                continue;
            }
            skip_blanks(b, eq + 1)
        } else {
            continue;
        };
        if value >= v {
            continue;
        }
        let ve = file_word_end(b, value);
        let ve = if ve > v { v } else { ve };
        let vs = skip_quotes(b, value);
        return vs < ve && b[vs] != b'$' && secret_file(b, vs, ve);
    }
    false
}

/// Whether the redirection `>` or `>>` at `i` writes written text into a file named like a
/// secret (`echo hunter2 > /etc/app/db_password`, `printf %s … > /run/secrets/token`,
/// `cat > /etc/app/secret <<EOF` with a document that expands nothing, `tee
/// /etc/app/password <<< …`): the file holds the secret, and the text holds it too.
const fn secret_file_written_at(b: &[u8], i: usize) -> bool {
    let tee = b[i] == b't' || b[i] == b's';
    let mut k = if tee {
        // `tee` as a command, perhaps after `sudo` and its flags (`sudo -u app tee …`), or
        // moreutils' `sponge FILE`, which writes its input into the file as `tee` does
        // (hostile review 20).
        let n = if b[i] == b't' { 3 } else { 6 };
        if !((word_at(b, i, b"tee") || word_at(b, i, b"sponge"))
            && (command_position(b, i) || after_sudo(b, skip_blanks(b, command_start(b, i))) == i))
        {
            return false;
        }
        i + n
    } else {
        if !(b[i] == b'>' && (i == 0 || b[i - 1] != b'>')) {
            return false;
        }
        // `>>`, and `>|`, which writes over a file as `>` does.
        if i + 1 < b.len() && matches!(b[i + 1], b'>' | b'|') {
            i + 2
        } else {
            i + 1
        }
    };
    if tee {
        // Past `tee`'s flags (`-a`).
        loop {
            let (s, e) = next_word(b, k);
            if !(s < e && is_flag(b, s, e)) {
                break;
            }
            k = e;
        }
    } else if k < b.len() && b[k] == b'&' {
        return false;
    }
    // The file: the word after `>`, or any file `tee` writes (`tee FILE… `; hostile review
    // 19).
    let mut named = false;
    loop {
        let (ps, pe) = next_word(b, k);
        if ps == pe || (tee && matches!(b[ps], b'>' | b'<')) {
            break;
        }
        // A name with blanks in quotes or after a backslash (`"/etc/app/db password"`).
        let fe = file_word_end(b, ps);
        let pe = if fe > pe { fe } else { pe };
        if secret_file(b, ps, pe) {
            named = true;
            break;
        }
        if !tee {
            break;
        }
        k = pe;
    }
    if !named {
        return false;
    }
    // `&>` writes the output as `>` does: the command starts before its `&`.
    let at = if i > 0 && b[i - 1] == b'&' { i - 1 } else { i };
    let start = skip_blanks(b, command_start(b, at));
    let fed = input_written(b, start);
    if fed != NOT_FED {
        return fed == FED_WRITTEN;
    }
    if tee || pass_through_at(b, start) {
        // Fed by `echo`/`printf` of a word mixing a fetched value with written text
        // (`echo "$S-hunter2" | tee FILE`; hostile review 22).
        if let Some(pipe) = pipe_before(b, start) {
            let stage = skip_blanks(b, command_start(b, pipe));
            if printed_words_mix_text(b, stage, pipe) {
                return true;
            }
        }
    }
    if tee {
        return false;
    }
    // The text of `sh -c '…'` (`sudo sh -c 'echo … > FILE'`; hostile review 19), or of
    // Windows' `cmd /c "…"` (`/k` too; hostile review 20): its command starts after the
    // quote.
    let mut start = start;
    let mut c = start;
    while c + 2 < i {
        if matches!(b[c], b'-' | b'/')
            && (b[c + 1] == b'c' || (b[c] == b'/' && matches!(b[c + 1], b'C' | b'k' | b'K')))
            && blank(b, c + 2) > 0
        {
            let q = skip_blanks(b, c + 2);
            if q < i && matches!(b[q], b'"' | b'\'') {
                start = skip_blanks(b, q + 1);
            }
        }
        c += 1;
    }
    // A subshell or a group (`(echo …) > FILE`, `{ echo …; } > FILE`): its first command.
    while start < i && matches!(b[start], b'(' | b'{') {
        start = skip_blanks(b, start + 1);
    }
    // A PowerShell statement that is a value, redirected (`'hunter2' > FILE`, `$p > FILE`
    // after `$p = @'…'@`: about_Redirection; hostile review 20).
    if start < i && matches!(b[start], b'"' | b'\'' | b'@' | b'$') {
        return windows_written_at(b, start);
    }
    // cmd's `set /p="…"`, which prints its prompt (`echo|set /p="…" > FILE`; set, Windows
    // Commands reference): the prompt is written unless it expands a `%NAME%`.
    if word_at(b, start, b"set") || word_at(b, start, b"SET") {
        let p = skip_blanks(b, start + 3);
        if !(at_ignore_case(b, p, b"/p=") || at_ignore_case(b, p, b"/p ")) {
            return false;
        }
        let mut j = p + 3;
        let mut word = false;
        while j < i {
            if b[j] == b'%' {
                return false;
            }
            if !matches!(b[j], b' ' | b'\t' | b'"' | b'\'' | b'=') {
                word = true;
            }
            j += 1;
        }
        return word;
    }
    // `echo`/`printf` (or PowerShell's `Write-Output`, `write`) of written words: no
    // variable but one last given written text, no command, a word that is no flag.
    if !(word_at(b, start, b"echo")
        || word_at(b, start, b"printf")
        || word_at(b, start, b"write")
        || (at_ignore_case(b, start, b"write-output") && blank(b, start + 12) > 0))
    {
        return false;
    }
    let mut j = start;
    let mut variable = false;
    while j < i {
        // (`$'…'` quotes a literal, and prints `$'…'` itself in double quotes: no
        // expansion either way; hostile review 20.)
        if b[j] == b'$' && written_before(b, j, j) {
            variable = true;
        } else if expands_at(b, j) {
            // A fetched value: written only mixed with written text (hostile review 22).
            return printed_words_mix_text(b, start, i);
        }
        j += 1;
    }
    if variable {
        return true;
    }
    let (_, mut k) = next_word(b, start);
    loop {
        let (s, e) = next_word(b, k);
        if s == e || s >= i {
            return false;
        }
        let q = skip_quotes(b, s);
        if !is_flag(b, s, e) && q < e && b[q] != b'%' && written_at(b, s) {
            return true;
        }
        k = e;
    }
}

/// The end of the shell word that starts at `s`, read as the shell splits words (hostile
/// review 23): quotes group (`"$S hunter2"`, `"$S"'hunter2'` and `"$S"hunter2` are one
/// word), a backslash escapes the byte after it (`$S\ hunter2`), `$'…'` quotes with
/// escapes, and `$(…)`, `${…}` and backquotes hold their blanks. The word ends at a blank
/// or an operator outside quotes (`;`, `|`, `&`, `<`, `>`, `)`, a new line), or at the end
/// of the line for a quote left open.
const fn shell_word_end(b: &[u8], s: usize) -> usize {
    let n = b.len();
    let mut e = s;
    let mut quote = 0u8;
    let mut depth = 0usize;
    while e < n {
        let x = b[e];
        if quote == b'\'' {
            if x == b'\'' {
                quote = 0;
            }
        } else if x == b'\\' {
            if quote == 0 && e + 1 < n && b[e + 1] == b'\n' {
                // A line continuation: the shell joins the lines.
                e += 2;
                continue;
            }
            e += 1;
        } else if quote == b'$' {
            // `$'…'`: a backslash escapes the quote.
            if x == b'\'' {
                quote = 0;
            }
        } else if x == b'$' && e + 1 < n && matches!(b[e + 1], b'(' | b'{') {
            depth += 1;
            e += 1;
        } else if depth > 0 && matches!(x, b')' | b'}') {
            depth -= 1;
        } else if x == b'`' {
            e += 1;
            while e < n && b[e] != b'`' && b[e] != b'\n' {
                e += 1;
            }
        } else if quote == b'"' {
            if x == b'"' {
                quote = 0;
            }
        } else if depth > 0 {
            if x == b'"' {
                quote = b'"';
            } else if x == b'\n' {
                return e;
            }
        } else if x == b'"' {
            quote = b'"';
        } else if x == b'\'' {
            quote = if e > s && b[e - 1] == b'$' && !escaping(b, e - 1) {
                b'$'
            } else {
                b'\''
            };
        } else if matches!(
            x,
            b' ' | b'\t' | b'\r' | b'\n' | b';' | b'|' | b'&' | b'<' | b'>' | b')'
        ) {
            return e;
        }
        if x == b'\n' && quote != 0 {
            // A quote left open at the end of the line: the word ends there for the check.
            return e;
        }
        e += 1;
    }
    if e > n { n } else { e }
}

/// The start and the end of the next shell word of the command at `k` (after blanks), read
/// as the shell splits words ([`shell_word_end`]); an operator (`>`, `<`) is a word of one
/// byte. Equal when the command ends first.
const fn next_shell_word(b: &[u8], k: usize) -> (usize, usize) {
    let s = skip_blanks(b, k);
    if s >= b.len() || command_end(b, s) {
        return (s, s);
    }
    let e = shell_word_end(b, s);
    if e == s { (s, s + 1) } else { (s, e) }
}

/// Whether the shell word `b[s..e]` mixes an expansion fetched at boot with written text
/// (hostile review 22: `"$S-hunter2"`, `"hunter2${S}"`, `"x$(fetch)"`): a letter or digit
/// outside its expansions and escapes of blanks, after an expansion, or before the first
/// one unless that text is a setting's key (ends with `=` or `:`, as `password=$S` in a
/// settings file). A variable last given written text is written
/// ([`written_before`]). A word without an expansion is read by [`written_at`].
const fn word_mixes_text(b: &[u8], s: usize, e: usize) -> bool {
    word_mixes_text_by(b, s, e, true)
}

/// [`word_mixes_text`]; without `trace`, a variable is not traced to its setter (the
/// caller has traced every expansion of the word to a fetch: [`expansion_not_fetched`]).
const fn word_mixes_text_by(b: &[u8], s: usize, e: usize, trace: bool) -> bool {
    let mut e = e;
    let mut j = s;
    let mut expanded = false;
    let mut before = false;
    let mut key = false;
    let mut double = false;
    while j < e {
        let x = b[j];
        if x == b'"' {
            double = !double;
        }
        // Single quotes, and `$'…'`, hold text: a `$` there expands nothing (hostile review
        // 23: `"$S "'hunter2'`, `"$S"$'hunter2'`).
        if x == b'\'' && !double {
            let ansi = j > s && ansi_c_quote_at(b, j);
            j += 1;
            while j < e && b[j] != b'\'' {
                if ansi && b[j] == b'\\' && j + 1 < e {
                    j += if matches!(b[j + 1], b'n' | b't' | b'r') {
                        2
                    } else {
                        1
                    };
                    continue;
                }
                if b[j].is_ascii_alphanumeric() {
                    if expanded {
                        return true;
                    }
                    before = true;
                }
                j += 1;
            }
            j += 1;
            continue;
        }
        if x == b'\\' && j + 1 < e && matches!(b[j + 1], b'$' | b'`') {
            // An escaped `$` is text, not an expansion.
            j += 2;
            continue;
        }
        if x == b'$' && j + 1 < e && !matches!(b[j + 1], b'\'' | b'"') {
            if trace && written_before(b, j, j) {
                return true;
            }
            if !expanded {
                // The text before the first expansion, back past quotes: a key? (Or a
                // key named like a secret then blanks, `"password $S"`: hostile review
                // 24.)
                let mut p = j;
                while p > s && matches!(b[p - 1], b'"' | b'\'' | b'\\') {
                    p -= 1;
                }
                key = p > s && (matches!(b[p - 1], b'=' | b':') || blank_key_before(b, s, p));
            }
            expanded = true;
            j += 1;
            if b[j] == b'{' || b[j] == b'(' {
                j = past_group(b, j, b.len());
                if j > e {
                    e = j;
                    while e < b.len() && blank(b, e) == 0 && !command_end(b, e) {
                        e += 1;
                    }
                }
            } else {
                while j < e && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                    j += 1;
                }
            }
            continue;
        }
        if x == b'`' {
            expanded = true;
            j += 1;
            while j < b.len() && b[j] != b'`' && b[j] != b'\n' {
                j += 1;
            }
            j += 1;
            // A substitution's blanks do not end the word (`"$(cat FILE)-x"`).
            if j > e {
                e = j;
                while e < b.len() && blank(b, e) == 0 && !command_end(b, e) {
                    e += 1;
                }
            }
            continue;
        }
        if x == b'\\' && j + 1 < e && matches!(b[j + 1], b'n' | b't' | b'r') {
            j += 2;
            continue;
        }
        if x.is_ascii_alphanumeric() {
            if expanded {
                return true;
            }
            before = true;
        }
        j += 1;
    }
    expanded && before && !key
}

/// Directives whose value follows after a blank, one a line (`requirepass VALUE` in
/// `redis.conf`, `masterauth`, keepalived's `auth_pass`, LDAP's `bindpw` and `rootpw`).
const BLANK_KEYS: [&str; 5] = ["requirepass", "masterauth", "auth_pass", "bindpw", "rootpw"];

/// Whether `b[lo..p]` is a key then blanks, at most after blanks and quotes (`password `,
/// `"requirepass `): a name (letters, digits, `_`, `.`, `-`) that names a secret
/// ([`holds_secret_word`]) or is one of [`BLANK_KEYS`]. Before a fetched value alone it
/// writes the setting `KEY VALUE` (hostile review 24); written text is no such key
/// (`hunter2 $S`).
const fn blank_key_before(b: &[u8], lo: usize, p: usize) -> bool {
    let mut e = p;
    while e > lo && matches!(b[e - 1], b' ' | b'\t') {
        e -= 1;
    }
    if e == p {
        return false;
    }
    let mut s = e;
    while s > lo && (name_byte(b[s - 1]) || matches!(b[s - 1], b'.' | b'-')) {
        s -= 1;
    }
    let mut q = s;
    while q > lo && matches!(b[q - 1], b' ' | b'\t' | b'"' | b'\'') {
        q -= 1;
    }
    if s == e || q != lo {
        return false;
    }
    if holds_secret_word(b, s, e) {
        return true;
    }
    let mut w = 0;
    while w < BLANK_KEYS.len() {
        let key = BLANK_KEYS[w].as_bytes();
        if e - s == key.len() && at_ignore_case(b, s, key) {
            return true;
        }
        w += 1;
    }
    false
}

/// Whether the `echo` or `printf` at `start` writes, up to `end`, a word that mixes an
/// expansion fetched at boot with written text ([`word_mixes_text`]), or a `printf` format
/// with text of its own beside its conversions given such a value (`printf
/// '%s-hunter2\n' "$S"`), unless that text is a setting's key (`printf 'password=%s\n'`;
/// hostile review 22).
const fn printed_words_mix_text(b: &[u8], start: usize, end: usize) -> bool {
    let printf = word_at(b, start, b"printf");
    if !(printf || word_at(b, start, b"echo")) {
        return false;
    }
    let (_, mut k) = next_word(b, start);
    let mut format = printf;
    // A word that expands a fetched value, and a written word beside it (`echo "$S"
    // hunter2`): the output mixes them as one word would (hostile review 23).
    let mut fetched = false;
    let mut written = false;
    loop {
        // Words as the shell splits them (`"$S hunter2"` is one; hostile review 23).
        let (s, e) = next_shell_word(b, k);
        if s == e || s >= end || matches!(b[s], b'<' | b'>') {
            return fetched && written;
        }
        k = e;
        if is_flag(b, s, e) {
            continue;
        }
        if format {
            format = false;
            if word_mixes_text(b, s, e) {
                return true;
            }
            // The format's own text: letters or digits beside its conversions (`%s`,
            // `%-10s`) and escapes, not ending as a key before its first conversion.
            let mut j = s;
            let mut converted = false;
            let mut before = false;
            let mut key = false;
            while j < e {
                let x = b[j];
                if x == b'%' && j + 1 < e {
                    j += 1;
                    if b[j] == b'%' {
                        j += 1;
                        continue;
                    }
                    if !converted {
                        let mut p = j - 1;
                        while p > s && matches!(b[p - 1], b'"' | b'\'') {
                            p -= 1;
                        }
                        key = p > s && matches!(b[p - 1], b'=' | b':');
                    }
                    while j < e && matches!(b[j], b'-' | b'+' | b'#' | b'0'..=b'9' | b'.') {
                        j += 1;
                    }
                    converted = true;
                    j += 1;
                    continue;
                }
                if x == b'\\' && j + 1 < e && matches!(b[j + 1], b'n' | b't' | b'r') {
                    j += 2;
                    continue;
                }
                if x.is_ascii_alphanumeric() {
                    if converted {
                        return true;
                    }
                    before = true;
                }
                j += 1;
            }
            if converted && before && !key {
                return true;
            }
            continue;
        }
        if word_mixes_text(b, s, e) {
            return true;
        }
        let mut j = s;
        let mut expands = false;
        while j < e {
            if expands_at(b, j) {
                expands = true;
            }
            j += 1;
        }
        if expands {
            fetched = true;
        } else if written_at(b, s) && (fetched || !(e > s + 1 && matches!(b[e - 1], b'=' | b':'))) {
            // (A key before the value, `echo password: "$S"`, is not written text.)
            written = true;
        }
    }
}

/// Whether the here-document at `i` (`<<`) holds one line, one word that mixes an expansion
/// fetched at boot with written text ([`word_mixes_text`]; hostile review 22: `cat >
/// /etc/app/db_password <<EOF` / `$S-hunter2` / `EOF`). A settings file (`[client]` /
/// `password=$S`, `password: $S`) is not one such word.
const fn here_document_word_mixes_text(b: &[u8], i: usize) -> bool {
    let mut k = i;
    while k < b.len() && b[k] != b'\n' {
        k += 1;
    }
    let mut s = k + 1;
    while s < b.len() && matches!(b[s], b' ' | b'\t') {
        s += 1;
    }
    let mut e = s;
    while e < b.len() && !matches!(b[e], b' ' | b'\t' | b'\n' | b'\r') {
        e += 1;
    }
    // One word on the line, and the delimiter's line next (a line of one word without
    // an expansion, the delimiter being such a word).
    let mut t = e;
    while t < b.len() && matches!(b[t], b' ' | b'\t' | b'\r') {
        t += 1;
    }
    if !(t < b.len() && b[t] == b'\n') {
        return false;
    }
    let mut d = t + 1;
    while d < b.len() && b[d] == b'\t' {
        d += 1;
    }
    let mut de = d;
    while de < b.len() && name_byte(b[de]) {
        de += 1;
    }
    de > d && (de == b.len() || matches!(b[de], b'\n' | b'\r')) && word_mixes_text(b, s, e)
}

/// Whether the here-document at `i` (`<<`), which expands, mixes a value fetched at boot
/// with written text in any of its lines (hostile review 23: `cat > /etc/app/db_password
/// <<EOF` / `$S hunter2` / `EOF`, or `$S` / `hunter2`): a line with an expansion and a
/// letter or digit after it, or before it unless that text is a key (`password=$S`,
/// `password: $S`); or, beside a line with an expansion, a line of text
/// that is no setting (no `=`, `:`, bracket or quote). In the body quotes and blanks are
/// text. A quoted delimiter (`<<'EOF'`) expands nothing: its lines are read as written
/// ([`here_document_holds_text`]).
const fn here_document_lines_mix_text(b: &[u8], i: usize) -> bool {
    let mut d = i + 2;
    let strip = d < b.len() && b[d] == b'-';
    if strip {
        d += 1;
    }
    d = skip_blanks(b, d);
    if d < b.len() && matches!(b[d], b'"' | b'\'' | b'\\') {
        return false;
    }
    let mut de = d;
    while de < b.len() && name_byte(b[de]) {
        de += 1;
    }
    if de == d {
        return false;
    }
    let mut k = i;
    while k < b.len() && b[k] != b'\n' {
        k += 1;
    }
    let mut fetched = false;
    let mut plain = false;
    let (mut seen, mut seen_len) = (0, 0);
    while k < b.len() {
        let mut j = k + 1;
        let mut le = j;
        while le < b.len() && b[le] != b'\n' {
            le += 1;
        }
        let mut t = j;
        while strip && t < le && b[t] == b'\t' {
            t += 1;
        }
        if le - t == de - d && names_equal(b, t, d, de - d)
            || (le > t
                && b[le - 1] == b'\r'
                && le - 1 - t == de - d
                && names_equal(b, t, d, de - d))
        {
            break;
        }
        let mut expanded = false;
        let mut before = false;
        let mut key = false;
        let mut setting = false;
        while j < le {
            let x = b[j];
            if x == b'\\' && j + 1 < le {
                if b[j + 1].is_ascii_alphanumeric() {
                    if expanded {
                        return true;
                    }
                    before = true;
                }
                j += 2;
                continue;
            }
            if x == b'$' && j + 1 < le && (name_byte(b[j + 1]) || matches!(b[j + 1], b'{' | b'(')) {
                // Each name once: the first use's assignment decides for the document (the
                // budget of const evaluation counts steps).
                let mut ne = if b[j + 1] == b'{' { j + 2 } else { j + 1 };
                while ne < le && name_byte(b[ne]) {
                    ne += 1;
                }
                let same = ne - j == seen_len && names_equal(b, j, seen, seen_len);
                if !same {
                    if written_before(b, j, j) {
                        return true;
                    }
                    seen = j;
                    seen_len = ne - j;
                }
                if !expanded {
                    // The text before: a key (`password=`, `password: "`, or a key named
                    // like a secret then blanks, `password $S`: hostile review 24).
                    let mut p = j;
                    while p > k + 1 && matches!(b[p - 1], b'"' | b'\'') {
                        p -= 1;
                    }
                    key = blank_key_before(b, k + 1, p);
                    while p > k + 1 && matches!(b[p - 1], b'"' | b'\'' | b' ' | b'\t') {
                        p -= 1;
                    }
                    key = key || (p > k + 1 && matches!(b[p - 1], b'=' | b':'));
                }
                expanded = true;
                j += 1;
                if b[j] == b'{' || b[j] == b'(' {
                    j = past_group(b, j, le);
                } else {
                    while j < le && name_byte(b[j]) {
                        j += 1;
                    }
                }
                continue;
            }
            if x == b'`' {
                expanded = true;
                j += 1;
                while j < le && b[j] != b'`' {
                    j += 1;
                }
                j += 1;
                continue;
            }
            if matches!(
                x,
                b'=' | b':' | b'{' | b'}' | b'[' | b']' | b'"' | b'\'' | b'<' | b'#'
            ) {
                setting = true;
            }
            if x.is_ascii_alphanumeric() {
                if expanded {
                    return true;
                }
                before = true;
            }
            j += 1;
        }
        if expanded {
            if before && !key {
                return true;
            }
            fetched = true;
        } else if before && !setting {
            plain = true;
        }
        k = le;
    }
    fetched && plain
}

/// What [`input_written`] finds: no input of the command's own, input that is written text,
/// or input of another kind (fetched at boot).
const NOT_FED: u8 = 0;
const FED_WRITTEN: u8 = 1;
const FED_OTHERWISE: u8 = 2;

/// Whether the input of the command that starts at `start` is text written in the script:
/// a here-string or a here-document in the command (which decides), or, for a command that
/// prints its input ([`PASS_THROUGH`]: `cat`, `tee`) or copies it (`dd`, `install`, `cp`),
/// a pipe fed written text ([`piped_text_written`]: `echo hunter2 | sudo tee FILE`).
const fn input_written(b: &[u8], start: usize) -> u8 {
    let mut h = start;
    while h < b.len() && !command_end(b, h) {
        if at_exactly(b, h, b"<<<") {
            let v = skip_blanks(b, h + 3);
            return if v < b.len()
                && (written_at(b, v) || word_mixes_text(b, v, shell_word_end(b, v)))
            {
                FED_WRITTEN
            } else {
                FED_OTHERWISE
            };
        }
        if at_exactly(b, h, b"<<") {
            return if (!here_document_expands(b, h) && here_document_holds_text(b, h))
                || here_document_word_mixes_text(b, h)
                || here_document_lines_mix_text(b, h)
            {
                FED_WRITTEN
            } else {
                FED_OTHERWISE
            };
        }
        h += 1;
    }
    let w = after_sudo(b, start);
    if (pass_through_at(b, start)
        || word_at(b, w, b"dd")
        || word_at(b, w, b"install")
        || word_at(b, w, b"cp"))
        && let Some(pipe) = pipe_before(b, start)
        && piped_text_written(b, pipe)
    {
        return FED_WRITTEN;
    }
    NOT_FED
}

/// The index of the command after `sudo` and its flags at `k` (`sudo -u app tee` → `tee`),
/// or `k` when the command there is not `sudo`.
const fn after_sudo(b: &[u8], k: usize) -> usize {
    if !word_at(b, k, b"sudo") {
        return k;
    }
    let mut k = k + 4;
    loop {
        let (s, e) = next_word(b, k);
        if !(s < e && is_flag(b, s, e)) {
            return s;
        }
        // The flags of sudo(8) that take a value as the next word.
        let q = skip_quotes(b, s);
        k = if e == q + 2
            && matches!(
                b[q + 1],
                b'u' | b'g' | b'C' | b'D' | b'h' | b'p' | b'r' | b't' | b'U' | b'T' | b'R'
            ) {
            next_word(b, e).1
        } else {
            e
        };
    }
}

/// Whether the command around `i` copies its input into a file named like a secret —
/// `dd of=FILE` (without an `if=` of another file), `install … /dev/stdin FILE`, `cp
/// /dev/stdin FILE` — and its input is text written in the script ([`input_written`]:
/// `echo hunter2 | dd of=/etc/app/db_password`; hostile review 19). `i` is at `of=` or at
/// `/dev/stdin`.
const fn secret_file_copied_at(b: &[u8], i: usize) -> bool {
    if !blank_before(b, i) {
        return false;
    }
    let start = skip_blanks(b, command_start(b, i));
    let w = after_sudo(b, start);
    let dd = b[i] == b'o';
    if dd && !word_at(b, w, b"dd") {
        return false;
    }
    if !(dd || word_at(b, w, b"install") || word_at(b, w, b"cp")) {
        return false;
    }
    let mut k = w;
    let mut file = false;
    loop {
        let (s, e) = next_word(b, k);
        if s == e {
            break;
        }
        if dd && at_exactly(b, s, b"if=") && !at_exactly(b, s, b"if=/dev/stdin") {
            return false;
        }
        if (dd && s == i && secret_file(b, s + 3, e))
            || (!dd && s > i && !is_flag(b, s, e) && secret_file(b, s, e))
        {
            file = true;
        }
        k = e;
    }
    file && input_written(b, start) == FED_WRITTEN
}

/// Whether the process substitution at `i` (bash's `<(…)`, zsh's `=(…)`, which makes a
/// temporary file: zshexpn(1), "Process Substitution") of written text is an operand of a
/// command that names a file like a secret (`cp =(echo hunter2) /etc/app/db_password`,
/// `install -m 600 <(printf …) /run/secrets/token`, `cat <(echo …) > /etc/app/api_key`):
/// the command copies the text into it (hostile review 20).
const fn process_file_copied_at(b: &[u8], i: usize) -> bool {
    if !(i + 1 < b.len() && matches!(b[i], b'<' | b'=') && b[i + 1] == b'(')
        || !(i == 0 || matches!(b[i - 1], b' ' | b'\t'))
        || !substitution_written(b, i + 2, b')')
    {
        return false;
    }
    let start = command_start(b, i);
    let w = after_sudo(b, skip_blanks(b, start));
    // A file named as an operand is written by a command that copies (not `diff`, which
    // reads both).
    let copies = word_at(b, w, b"cp")
        || word_at(b, w, b"install")
        || word_at(b, w, b"mv")
        || word_at(b, w, b"rsync")
        || word_at(b, w, b"tee");
    let mut k = start;
    loop {
        let (s, e) = next_word(b, k);
        if s == e {
            return false;
        }
        k = e;
        if s == i {
            // Past the substitution itself, to its `)`.
            let mut j = i + 2;
            while j < b.len() && b[j] != b')' && b[j] != b'\n' {
                j += 1;
            }
            k = j + 1;
            continue;
        }
        let mut f = s;
        while f < e && b[f] == b'>' {
            f += 1;
        }
        let redirect = f > s;
        // `> FILE`: the file is the next word.
        let (fs, fe) = if redirect && f == e {
            next_word(b, e)
        } else {
            (f, e)
        };
        let fs = skip_quotes(b, fs);
        if fs < fe
            && (copies || redirect)
            && !is_flag(b, fs, fe)
            && secret_file(b, fs, skip_quotes_back(b, fs, fe))
        {
            return true;
        }
    }
}

/// Whether the process substitution at `i` (`<(echo …)`, `<(printf …)`) makes a file of
/// written text for a flag named like a secret (`--vault-password-file <(echo …)`,
/// `--passphrase-file=<(printf …)`): the command reads the password from text the script
/// holds.
const fn secret_process_file_at(b: &[u8], i: usize) -> bool {
    if !(i + 1 < b.len() && b[i] == b'<' && b[i + 1] == b'(') {
        return false;
    }
    let c = skip_blanks(b, i + 2);
    if !(word_at(b, c, b"echo") || word_at(b, c, b"printf")) {
        return false;
    }
    let mut k = c;
    while k < b.len() && b[k] != b')' {
        if matches!(b[k], b'$' | b'`' | b'\n') {
            return false;
        }
        k += 1;
    }
    // The flag before: `--name=` or `--name ` then the substitution.
    let mut e = i;
    if e > 0 && b[e - 1] == b'=' {
        e -= 1;
    } else {
        while e > 0 && matches!(b[e - 1], b' ' | b'\t') {
            e -= 1;
        }
    }
    let mut f = e;
    while f > 0 && (b[f - 1].is_ascii_alphanumeric() || matches!(b[f - 1], b'-' | b'_')) {
        f -= 1;
    }
    // Or a tool's flag that reads a password file (`ipmitool -f <(echo …)`; hostile review
    // 29).
    f < e
        && b[f] == b'-'
        && (holds_secret_word(b, f, e)
            || password_file_flag(
                b,
                skip_quotes(b, after_sudo(b, skip_blanks(b, command_start(b, f)))),
                f,
                e,
            ))
}

/// Whether the `=` at `i` gives a name that tools read as a user and a password a written
/// password after the separator (hostile review 29): Samba's clients read `USER` as
/// `user%password`, `etcdctl` reads `ETCDCTL_USER` as `user:password`, and a CIFS mount's
/// `username=` (or `user=`) option `user%password` (mount.cifs(8)), on a line of a mount of
/// `cifs` or `smb3` (`mount -t cifs … -o username=…`, a line of `/etc/fstab`).
const fn user_password_value_at(b: &[u8], i: usize) -> bool {
    let mut s = i;
    while s > 0 && (b[s - 1].is_ascii_alphanumeric() || b[s - 1] == b'_') {
        s -= 1;
    }
    let name = i - s;
    let before = if s == 0 { b' ' } else { b[s - 1] };
    // 1: `USER`, 2: `ETCDCTL_USER`, 3: a mount option.
    let kind = if !name_byte(before) && before != b'$' && before != b'.' {
        if name == 4 && at_exactly(b, s, b"USER") {
            1
        } else if name == 12 && at_exactly(b, s, b"ETCDCTL_USER") {
            2
        } else if ((name == 8 && at_exactly(b, s, b"username"))
            || (name == 4 && at_exactly(b, s, b"user")))
            && matches!(before, b',' | b' ' | b'\t' | b'"' | b'\'')
            && cifs_line(b, s)
        {
            3
        } else {
            0
        }
    } else if name == 8 && s >= 2 && b[s - 1] == b'o' && b[s - 2] == b'-' {
        // `-ousername=…`
        if at_exactly(b, s, b"username") && cifs_line(b, s) {
            3
        } else {
            0
        }
    } else {
        0
    };
    if kind == 0 {
        return false;
    }
    let sep = if kind == 2 { b':' } else { b'%' };
    let mut k = i + 1;
    while k < b.len() && blank(b, k) == 0 && !command_end(b, k) && b[k] != b',' {
        if b[k] == sep {
            return written_at(b, k + 1);
        }
        k += 1;
    }
    false
}

/// Whether the line that holds `i` mounts a CIFS share before `i` (`mount -t cifs`,
/// `mount.cifs`, the type of an `/etc/fstab` line: `cifs`, `smb3`), read back to the start
/// of the line with byte tests only.
const fn cifs_line(b: &[u8], i: usize) -> bool {
    let mut j = i;
    while j >= 4 && b[j - 1] != b'\n' {
        j -= 1;
        if (b[j] == b's' && b[j - 1] == b'f' && b[j - 2] == b'i' && b[j - 3] == b'c')
            || (b[j] == b'3' && b[j - 1] == b'b' && b[j - 2] == b'm' && b[j - 3] == b's')
        {
            return true;
        }
    }
    false
}

/// Whether a line that an FTP client reads as a command starts at `i` with `user NAME
/// PASSWORD`, the password written (ftp(1), lftp(1)), in a script that runs `ftp` or
/// `lftp`, which read their commands from their input (`ftp -n HOST <<EOF`; hostile review
/// 29).
const fn ftp_user_line_at(b: &[u8], i: usize) -> bool {
    at_exactly(b, i, b"user")
        && i + 4 < b.len()
        && matches!(b[i + 4], b' ' | b'\t')
        && config_line_start(b, i)
        && line_operand_written(b, i + 4, 1)
        && runs_ftp_client(b)
}

/// Whether the script runs `ftp` or `lftp` as a command: the name as a word of its own, or
/// the last part of a path (not `sftp`, `vsftpd`, nor `ftp://`).
const fn runs_ftp_client(b: &[u8]) -> bool {
    let n = b.len();
    let mut k = 0;
    while k + 3 <= n {
        if b[k] == b'f'
            && b[k + 1] == b't'
            && b[k + 2] == b'p'
            && (k + 3 == n || matches!(b[k + 3], b' ' | b'\t' | b'\n' | b';'))
        {
            let s = if k > 0 && b[k - 1] == b'l' { k - 1 } else { k };
            if s == 0
                || matches!(
                    b[s - 1],
                    b' ' | b'\t' | b'\n' | b'/' | b';' | b'|' | b'&' | b'(' | b'"' | b'\''
                )
            {
                return true;
            }
        }
        k += 1;
    }
    false
}

/// The flags with which a tool reads its password (or a configuration that may hold one)
/// from a file, by the tool's name at the start of its command: `ldapsearch -y FILE`,
/// `ipmitool -f FILE`, `sshpass -f FILE`, `curl -K FILE` (`--config`), `smbclient -A FILE`
/// (`--authentication-file`), `mysql --defaults-extra-file=FILE`, a registry client's
/// `--authfile FILE` (`skopeo`, `podman`, `buildah`; hostile review 29), `ansible-playbook
/// --vault-password-file FILE`, `--become-password-file`, `--connection-password-file`
/// (ansible-playbook(1)), `keytool -storepass:file FILE` and its like (keytool(1), "Password
/// options": `:file`), `x11vnc -passwdfile FILE` (x11vnc(1)) and `slappasswd -T FILE`
/// (slappasswd(8); hostile review 29, tenth probe).
const fn password_file_flag(b: &[u8], c: usize, f: usize, e: usize) -> bool {
    password_file_flag_of(password_file_tool(b, c), b, f, e)
}

/// Which tool of [`password_file_flag`] is named at `c` (0: none), read once for all the
/// flags of its command.
const fn password_file_tool(b: &[u8], c: usize) -> u8 {
    if at_exactly(b, c, b"ldap") {
        1
    } else if word_at(b, c, b"ipmitool") || word_at(b, c, b"sshpass") {
        2
    } else if word_at(b, c, b"curl") {
        3
    } else if word_at(b, c, b"smbclient") || word_at(b, c, b"rpcclient") || word_at(b, c, b"net") {
        4
    } else if word_at(b, c, b"skopeo") || word_at(b, c, b"podman") || word_at(b, c, b"buildah") {
        5
    } else if at_exactly(b, c, b"mysql") || at_exactly(b, c, b"mariadb") {
        6
    } else if word_at(b, c, b"ansible-playbook") || word_at(b, c, b"ansible") {
        7
    } else if word_at(b, c, b"keytool") {
        8
    } else if word_at(b, c, b"x11vnc") {
        9
    } else if word_at(b, c, b"slappasswd") {
        10
    } else {
        0
    }
}

/// Whether `b[f..e]` is a flag with which the tool `tool` ([`password_file_tool`]) reads a
/// password file.
const fn password_file_flag_of(tool: u8, b: &[u8], f: usize, e: usize) -> bool {
    match tool {
        1 => span_is(b, f, e, b"-y"),
        2 => span_is(b, f, e, b"-f"),
        3 => span_is(b, f, e, b"-K") || span_is(b, f, e, b"--config"),
        4 => span_is(b, f, e, b"-A") || span_is(b, f, e, b"--authentication-file"),
        5 => span_is(b, f, e, b"--authfile"),
        6 => span_is(b, f, e, b"--defaults-file") || span_is(b, f, e, b"--defaults-extra-file"),
        7 => {
            span_is(b, f, e, b"--vault-password-file")
                || span_is(b, f, e, b"--vault-pass-file")
                || span_is(b, f, e, b"--become-password-file")
                || span_is(b, f, e, b"--connection-password-file")
        }
        // (`-storepass:file`, `-keypass:file`, `-srcstorepass:file`, …: the flag's `:file`.)
        8 => e > f + 5 && at_exactly(b, e - 5, b":file"),
        9 => span_is(b, f, e, b"-passwdfile"),
        10 => span_is(b, f, e, b"-T"),
        _ => false,
    }
}

/// Whether `b[s..e]` is `name`, exactly.
const fn span_is(b: &[u8], s: usize, e: usize, name: &[u8]) -> bool {
    e - s == name.len() && at_exactly(b, s, name)
}

/// Whether the command named at `c` reads its input as a password file
/// ([`password_file_flag`] given `/dev/stdin`, `/dev/fd/0`, `/proc/self/fd/0`, or `-` for
/// curl's `-K`): `ldapsearch -y /dev/stdin <<< …`, `echo … | curl -K -`.
const fn password_file_reads_input(b: &[u8], c: usize) -> bool {
    password_file_given(b, c, false)
}

/// Whether the command named at `c` is given, by a [`password_file_flag`], a file that
/// something but a fetch may write (`printf hunter2 > ./pw; ldapsearch -y ./pw`, a copy of
/// it, a name made by an expansion; [`file_only_fetched`]; hostile review 29).
const fn password_file_written(b: &[u8], c: usize) -> bool {
    password_file_given(b, c, true)
}

/// [`password_file_reads_input`] (`written` false) or [`password_file_written`].
const fn password_file_given(b: &[u8], c: usize, written: bool) -> bool {
    let tool = password_file_tool(b, c);
    if tool == 0 {
        return false;
    }
    let mut j = c;
    // (A call only at an operator's byte or a flag's dash: the budget of const evaluation
    // counts calls.)
    while j < b.len() && !(matches!(b[j], b';' | b'|' | b'&' | b'\n') && command_end(b, j)) {
        if b[j] == b'-' && blank_before(b, j) {
            let mut f = j;
            while f < b.len() && (name_byte(b[f]) || b[f] == b'-' || (tool == 8 && b[f] == b':')) {
                f += 1;
            }
            if password_file_flag_of(tool, b, j, f) {
                let v = if f < b.len() && b[f] == b'=' {
                    f + 1
                } else {
                    skip_blanks(b, f)
                };
                let v = skip_quotes(b, v);
                let (_, ve) = next_word(b, v);
                let mut ve = ve;
                while ve > v && matches!(b[ve - 1], b'"' | b'\'') {
                    ve -= 1;
                }
                let input = span_is(b, v, ve, b"/dev/stdin")
                    || span_is(b, v, ve, b"/dev/fd/0")
                    || span_is(b, v, ve, b"/proc/self/fd/0")
                    || (span_is(b, v, ve, b"-") && b[c] == b'c');
                if (!written && input)
                    || (written
                        && !input
                        && ve > v
                        && b[v] != b'<'
                        && (b[v] == b'$' || !file_only_fetched(b, v, ve, c)))
                {
                    return true;
                }
            }
            j = f;
            continue;
        }
        j += 1;
    }
    false
}

/// Whether the `<` at `i` feeds a command that reads a password from its input
/// ([`password_reader_at`]: `chpasswd < FILE`) a file the script wrote before from written
/// text (`echo 'admin:hunter2' > FILE`, `printf …`, or a here-document without a
/// variable): the text is in the script as much as in `echo 'admin:hunter2' | chpasswd`.
const fn password_file_fed_at(b: &[u8], i: usize) -> bool {
    if !(b[i] == b'<' && (i + 1 >= b.len() || !matches!(b[i + 1], b'<' | b'(' | b'&')))
        || (i > 0 && b[i - 1] == b'<')
    {
        return false;
    }
    let start = command_start(b, i);
    if !password_reader_at(b, start) {
        return false;
    }
    let (s, e) = next_word(b, i + 1);
    let q = skip_quotes(b, s);
    let mut f = e;
    while f > q && matches!(b[f - 1], b'"' | b'\'') {
        f -= 1;
    }
    if f <= q || b[q] == b'$' {
        return false;
    }
    file_written_from_text(b, q, f, start)
}

/// Whether a command before `before` writes text of the script into the file named
/// `b[q..f]`: an earlier `>` or `>>` into the same file, by a command that writes text
/// ([`text_written_by`]), or `tee` given it after a `|` from such a command (`echo … | tee
/// FILE`; hostile review 26).
const fn file_written_from_text(b: &[u8], q: usize, f: usize, before: usize) -> bool {
    let mut k = 0;
    while k < before {
        if b[k] == b't' && word_at(b, k, b"tee") && command_start(b, k) > 0 {
            let pipe = {
                let mut p = command_start(b, k);
                while p > 0 && matches!(b[p - 1], b' ' | b'\t') {
                    p -= 1;
                }
                p
            };
            if pipe > 0 && b[pipe - 1] == b'|' {
                let mut t = k + 3;
                while t < before && !command_end(b, t) {
                    let (s, e) = next_word(b, t);
                    if s == e {
                        break;
                    }
                    t = e;
                    let s = skip_quotes(b, s);
                    if e >= s
                        && e - s >= f - q
                        && names_equal(b, s, q, f - q)
                        && (s + (f - q) == e || matches!(b[s + (f - q)], b'"' | b'\''))
                    {
                        let mut p = pipe - 1;
                        while p > 0 && !command_end(b, p - 1) {
                            p -= 1;
                        }
                        if text_written_by(b, p, pipe - 1) {
                            return true;
                        }
                    }
                }
            }
        }
        // A copy, a move or a link of such a file (`cp ./a ./b`, `ln -s ./a ./b`; hostile
        // review 29), read by its last word.
        if k + 3 < before
            && matches!(
                (b[k], b[k + 1]),
                (b'c', b'p') | (b'm', b'v') | (b'l', b'n') | (b'i', b'n')
            )
            && (k == 0 || matches!(b[k - 1], b' ' | b'\t' | b'\n' | b';' | b'&' | b'|'))
            && (matches!(b[k + 2], b' ' | b'\t') || word_at(b, k, b"install"))
            && copied_from_text(b, k, q, f)
        {
            return true;
        }
        if b[k] == b'>' && (k == 0 || b[k - 1] != b'>') {
            let mut t = k + 1;
            if t < b.len() && b[t] == b'>' {
                t += 1;
            }
            let t = skip_quotes(b, skip_blanks(b, t));
            if t + (f - q) <= b.len()
                && names_equal(b, t, q, f - q)
                && (t + (f - q) == b.len()
                    || blank(b, t + (f - q)) > 0
                    || matches!(
                        b[t + (f - q)],
                        b'"' | b'\'' | b'\n' | b'\r' | b';' | b'&' | b'|'
                    ))
                && text_written_by(b, command_start(b, k), k)
            {
                return true;
            }
        }
        k += 1;
    }
    false
}

/// Walks the words of a `cp`, `ln`, `mv` or `install` from `$from` (the end of its name) to
/// the end of the command (an empty word, or one that starts with `>`, `<` or `|`), for
/// both [`copied_from_text`] and [`tool_renamed_at`] (a macro: the budget of const
/// evaluation counts calls, and each caller acts on every word as the walk reaches it): a
/// flag (a word that starts with `-`) is bound to `$flag` and the block `$on_flag` run, every
/// operand before the last is bound to `$source` and the block `$on_source` run, both as
/// `(start, end)`; its value is the last operand, the destination, or `(0, 0)` when there is
/// none.
macro_rules! copy_operands {
    (
        $b:expr,
        $from:expr,
        |$flag:pat_param| $on_flag:block,
        |$source:pat_param| $on_source:block
    ) => {{
        let (b, mut w): (&[u8], usize) = ($b, $from);
        let mut last = (0, 0);
        loop {
            let (s, e) = next_word(b, w);
            if s == e || matches!(b[s], b'>' | b'<' | b'|') {
                break;
            }
            w = e;
            if b[s] == b'-' {
                let $flag = (s, e);
                $on_flag
                continue;
            }
            if last.1 > last.0 {
                let $source = last;
                $on_source
            }
            last = (s, e);
        }
        last
    }};
}

/// Whether the `cp`, `mv`, `ln` or `install` at `k` makes the file named `b[q..f]` (its
/// last word, as `copy_operands!` walks them) from a file written with text before it
/// ([`file_written_from_text`]). Up to four operands before it are read as its sources,
/// each after its opening quotes.
const fn copied_from_text(b: &[u8], k: usize, q: usize, f: usize) -> bool {
    let mut sources = [(0usize, 0usize); 4];
    let mut count = 0;
    let last = copy_operands!(b, next_word(b, k).1, |_| {}, |(s, e)| {
        if count < 4 {
            let s = skip_quotes(b, s);
            if e > s {
                sources[count] = (s, e);
                count += 1;
            }
        }
    });
    let last = if last.1 > last.0 {
        (skip_quotes(b, last.0), last.1)
    } else {
        last
    };
    let (ds, mut de) = last;
    while de > ds && matches!(b[de - 1], b'"' | b'\'') {
        de -= 1;
    }
    if !(de > ds && de - ds == f - q && names_equal(b, ds, q, f - q)) {
        return false;
    }
    let mut i = 0;
    while i < count {
        let (s, mut e) = sources[i];
        while e > s && matches!(b[e - 1], b'"' | b'\'') {
            e -= 1;
        }
        if e > s && file_written_from_text(b, s, e, k) {
            return true;
        }
        i += 1;
    }
    false
}

/// The decoders that read a file named as an operand or on their input, with the flag
/// that makes them decode (`""` when they always do): `base64 -d`, `base32 -d`, `basenc
/// -d`, `xxd -r`, `openssl base64 -d` (or `enc -d`), `uudecode`, `gzip -d`, `gunzip`,
/// `zcat`, `bzip2 -d`, `bunzip2`, `bzcat`, `xz -d`, `unxz`, `xzcat`, and Windows'
/// `certutil -decode` (or `-decodehex`).
const FILE_DECODERS: [(&str, &str); 16] = [
    ("base64", "d"),
    ("base32", "d"),
    ("basenc", "d"),
    ("xxd", "r"),
    ("openssl", "d"),
    ("uudecode", ""),
    ("gzip", "d"),
    ("gunzip", ""),
    ("zcat", ""),
    ("bzip2", "d"),
    ("bunzip2", ""),
    ("bzcat", ""),
    ("xz", "d"),
    ("unxz", ""),
    ("xzcat", ""),
    ("certutil", "decode"),
];

/// Whether the command at `i` decodes a file that the script wrote from its own text
/// (`echo aHVudGVyMg== > /tmp/p.b64; base64 -d /tmp/p.b64 > …`, `certutil -decode
/// C:\tmp\p.b64 C:\app\db_password.txt`, `zcat < FILE`): what the text becomes cannot be
/// read, as with `echo … | base64 -d` (hostile review 20).
const fn decoded_written_file_at(b: &[u8], i: usize) -> bool {
    let mut d = 0;
    let mut end = 0;
    while d < FILE_DECODERS.len() {
        let word = FILE_DECODERS[d].0.as_bytes();
        let e = match_word(b, i, word, true);
        if e != 0 && (e == b.len() || blank(b, e) > 0 || at_ignore_case(b, e, b".exe")) {
            end = e;
            break;
        }
        d += 1;
    }
    if d == FILE_DECODERS.len() || !command_position(b, i) {
        return false;
    }
    let flag = FILE_DECODERS[d].1.as_bytes();
    let mut decodes = flag.is_empty();
    let mut k = end;
    let mut output = false;
    let mut found = false;
    loop {
        let (s, e) = next_word(b, k);
        if s == e {
            break;
        }
        k = e;
        let q = skip_quotes(b, s);
        if q >= e {
            continue;
        }
        if b[q] == b'>' || (e > q + 1 && b[q].is_ascii_digit() && b[q + 1] == b'>') {
            // An output file, named in the word or in the next one.
            output = b[e - 1] == b'>';
            continue;
        }
        if b[q] == b'<' {
            continue;
        }
        if b[q] == b'-' || b[q] == b'/' && flag.len() > 1 {
            // `-d`, `--decode`, a cluster holding the letter, `-decode`, `/decode`.
            let mut n = q + 1;
            if n < e && b[n] == b'-' {
                n += 1;
            }
            if (flag.len() == 1 && (cluster_has(b, s, e, flag[0]) || at_exactly(b, n, b"decode")))
                || (flag.len() > 1 && at_ignore_case(b, n, flag))
            {
                decodes = true;
            }
            if !(b[q] == b'/'
                && q + 1 < e
                && b[q + 1] != b'-'
                && !at_ignore_case(b, q + 1, b"decode"))
            {
                continue;
            }
        }
        if output {
            output = false;
            continue;
        }
        let mut f = e;
        while f > q && matches!(b[f - 1], b'"' | b'\'') {
            f -= 1;
        }
        if f > q && b[q] != b'$' && file_written_from_text(b, q, f, command_start(b, i)) {
            found = true;
        }
    }
    found && decodes
}

/// Whether the command from `start` whose output goes to a file at `redirect` writes text
/// of the script: `echo` or `printf` without a variable or a command before `redirect`, or
/// `cat` given a here-document that expands nothing.
const fn text_written_by(b: &[u8], start: usize, redirect: usize) -> bool {
    let c = skip_blanks(b, start);
    // A PowerShell value redirected (`'…' > FILE`, `$p > FILE`; hostile review 20).
    if c < redirect && matches!(b[c], b'"' | b'\'' | b'@' | b'$') {
        return windows_written_at(b, c);
    }
    if word_at(b, c, b"echo")
        || word_at(b, c, b"printf")
        || (at_ignore_case(b, c, b"write-output") && blank(b, c + 12) > 0)
    {
        let mut k = c;
        while k < redirect {
            if matches!(b[k], b'$' | b'`') {
                return false;
            }
            k += 1;
        }
        return true;
    }
    if word_at(b, c, b"cat") {
        let mut k = c;
        while k + 1 < b.len() && b[k] != b'\n' {
            if b[k] == b'<' && b[k + 1] == b'<' && (k + 2 >= b.len() || b[k + 2] != b'<') {
                return !here_document_expands(b, k);
            }
            k += 1;
        }
    }
    false
}

/// Whether `b` holds `needle`, ignoring case.
const fn text_holds(b: &[u8], needle: &[u8]) -> bool {
    let mut u = 0;
    while u + needle.len() <= b.len() {
        if at_ignore_case(b, u, needle) {
            return true;
        }
        u += 1;
    }
    false
}

/// Whether a line of a PgBouncer user list starts at the `"` at `i`: `"NAME" "VALUE"`, the
/// value written (not a variable, not empty), at the start of a line or of quoted text
/// (`echo '"app" "hunter2"' > …`), in a script that names `userlist` (PgBouncer's
/// `auth_file`: "a line per user, `"username" "password"`", PgBouncer's configuration
/// documentation, "Authentication file format"). A hash written there (`"md5…"`,
/// `"SCRAM-SHA-256$…"`) logs in as well as the password.
const fn pgbouncer_entry_at(b: &[u8], i: usize) -> bool {
    if !(i == 0 || matches!(b[i - 1], b'\n' | b'\'' | b' ' | b'\t')) {
        return false;
    }
    let mut k = i + 1;
    while k < b.len() && !matches!(b[k], b'"' | b'\n' | b' ' | b'$' | b'`') {
        k += 1;
    }
    if !(k > i + 1 && k < b.len() && b[k] == b'"') {
        return false;
    }
    let mut v = k + 1;
    if !(v < b.len() && matches!(b[v], b' ' | b'\t')) {
        return false;
    }
    while v < b.len() && matches!(b[v], b' ' | b'\t') {
        v += 1;
    }
    if !(v + 1 < b.len() && b[v] == b'"' && !matches!(b[v + 1], b'"' | b'$' | b'`' | b'\n')) {
        return false;
    }
    text_holds(b, b"userlist")
}

/// Whether an XML element named like a secret starts at `i` with written text and closes
/// on its line (`<password>hunter2</password>`, `<apiKey>…</apiKey>`): not a variable, a
/// placeholder (`${…}`) or another element.
const fn xml_secret_at(b: &[u8], i: usize) -> bool {
    if b[i] != b'<' {
        return false;
    }
    let s = i + 1;
    let mut e = s;
    while e < b.len() && (b[e].is_ascii_alphanumeric() || matches!(b[e], b'_' | b'-' | b'.' | b':'))
    {
        e += 1;
    }
    if !(e > s && e < b.len() && b[e] == b'>' && secret_name_ends(b, s, e)) {
        return false;
    }
    let v = e + 1;
    if v >= b.len()
        || matches!(
            b[v],
            b'<' | b'$' | b'`' | b'{' | b' ' | b'\t' | b'\n' | b'\r'
        )
    {
        return false;
    }
    // The element closes on its line (`</password>`): a placeholder such as
    // `postgres://app:<password>@db` is no element.
    let mut k = v;
    while k + 1 < b.len() && !matches!(b[k], b'<' | b'\n') {
        k += 1;
    }
    k + 1 < b.len() && b[k] == b'<' && b[k + 1] == b'/'
}

/// Whether `b[s..e]` is a plain variable name: letters, digits and `_`, not starting with
/// a digit.
const fn plain_name(b: &[u8], s: usize, e: usize) -> bool {
    if s >= e || b[s].is_ascii_digit() {
        return false;
    }
    let mut j = s;
    while j < e {
        if !(b[j].is_ascii_alphanumeric() || b[j] == b'_') {
            return false;
        }
        j += 1;
    }
    true
}

/// Whether the name that starts at `s` is the variable of a `for` loop: `for` is the word
/// before it, at the start of a command.
const fn for_loop_name(b: &[u8], s: usize) -> bool {
    let mut f = s;
    while f > 0 && matches!(b[f - 1], b' ' | b'\t') {
        f -= 1;
    }
    f < s && f >= 3 && at_exactly(b, f - 3, b"for") && command_position(b, f - 3)
}

/// Whether the here-document that starts at `i` (`<<`) has a line of text before its
/// delimiter's (or the end of the text).
const fn here_document_holds_text(b: &[u8], i: usize) -> bool {
    let mut k = i;
    while k < b.len() && b[k] != b'\n' {
        k += 1;
    }
    k + 1 < b.len() && !matches!(b[k + 1], b'\n' | b'\r')
}

/// Whether the name around `i` is the last part of a file path (`/run/secrets`,
/// `./secret` before `:` in a volume mount `/run/secrets:/run/secrets:ro`): a file, not a
/// variable, so what follows its `:` is another path, not a value.
const fn path_component(b: &[u8], i: usize) -> bool {
    let mut s = i;
    while s > 0 && name_byte(b[s - 1]) {
        s -= 1;
    }
    s > 0 && b[s - 1] == b'/'
}

/// The index after an array subscript at `k` (`PASSWORDS[0]`, `DB_PASSWORD[primary]`,
/// which the shell assigns as much as the name alone), or `k` when none is there.
const fn subscript_end(b: &[u8], k: usize) -> usize {
    if k >= b.len() || b[k] != b'[' {
        return k;
    }
    let mut j = k + 1;
    while j < b.len() && !matches!(b[j], b']' | b'\n' | b'\r' | b'[') {
        j += 1;
    }
    if j < b.len() && b[j] == b']' {
        j + 1
    } else {
        k
    }
}

/// HTTP authentication schemes: after one of them (`Authorization: Bearer …`), the
/// credential is the next word.
const AUTH_SCHEMES: [&str; 8] = [
    "bearer",
    "basic",
    "token",
    "digest",
    "negotiate",
    "ntlm",
    "apikey",
    "key",
];

/// Whether an HTTP `Authorization` (or `Proxy-Authorization`) header with a written
/// credential starts at `i`: `curl -H 'Authorization: Bearer eyJ…'`,
/// `--header="Authorization: Basic dXNlcjpodW50ZXIy"`, `authorization: token abc` in a
/// configuration file. A credential read at boot (`Bearer $TOKEN`, `Bearer '"$TOKEN"'`,
/// `Bearer %s` in a format) is not written.
const fn authorization_at(b: &[u8], i: usize) -> bool {
    const NAME: &[u8] = b"authorization";
    if !at_ignore_case(b, i, NAME) || (i > 0 && b[i - 1].is_ascii_alphanumeric()) {
        return false;
    }
    let mut k = i + NAME.len();
    while k < b.len() && matches!(b[k], b' ' | b'\t' | b'"' | b'\'') {
        k += 1;
    }
    if !(k < b.len() && (b[k] == b':' || b[k] == b'=')) {
        return false;
    }
    k += 1;
    while k < b.len() && matches!(b[k], b' ' | b'\t' | b'"' | b'\'') {
        k += 1;
    }
    // A scheme, then the credential after white space; a scheme alone writes none, and
    // text without a scheme is prose (`the Authorization: header is …`).
    let mut s = 0;
    while s < AUTH_SCHEMES.len() {
        let scheme = AUTH_SCHEMES[s].as_bytes();
        let end = k + scheme.len();
        if at_ignore_case(b, k, scheme) && end < b.len() && matches!(b[end], b' ' | b'\t') {
            let v = skip_quotes(b, skip_blanks(b, end));
            if v < b.len() && (b[v] == b'$' || b[v] == b'`') {
                return literal_expansion(b, v) || (b[v] == b'$' && variable_written(b, v));
            }
            return v < b.len()
                && !matches!(
                    b[v],
                    b'$' | b'`' | b'%' | b'\n' | b'\r' | b';' | b'|' | b'&' | b' ' | b'\t' | b'{'
                );
        }
        s += 1;
    }
    false
}

/// Whether a line of a PostgreSQL password file with a written password starts at `i`:
/// `HOST:PORT:DATABASE:USER:PASSWORD` (the format of `~/.pgpass`, which `psql` and libpq
/// read), five fields, the port digits or `*`, the password not read at boot (`$PW`).
const fn pgpass_entry_at(b: &[u8], i: usize) -> bool {
    if i > 0
        && !matches!(
            b[i - 1],
            b' ' | b'\t' | b'\n' | b'\r' | b'"' | b'\'' | b'>' | b'='
        )
    {
        return false;
    }
    let mut k = i;
    let mut field = 0;
    let mut start = i;
    loop {
        let end = k == b.len()
            || matches!(
                b[k],
                b' ' | b'\t'
                    | b'\n'
                    | b'\r'
                    | b'"'
                    | b'\''
                    | b';'
                    | b'|'
                    | b'&'
                    | b')'
                    | b'<'
                    | b'>'
            );
        if end || b[k] == b':' {
            if k == start {
                return false;
            }
            if field == 1 {
                let mut d = start;
                while d < k && b[d].is_ascii_digit() {
                    d += 1;
                }
                if d < k && !(k == start + 1 && b[start] == b'*') {
                    return false;
                }
            }
            field += 1;
            if end {
                return field == 5
                    && (!(b[start] == b'$' || b[start] == b'`')
                        || literal_expansion(b, start)
                        || (b[start] == b'$' && variable_written(b, start)));
            }
            if field == 5 {
                return false;
            }
            start = k + 1;
        }
        k += 1;
    }
}

/// Whether a written value follows the blanks at `k` on the same line: not a variable, a
/// command substitution, a format's placeholder, or the end of the line. A fetched value
/// with written text after it in its token (`requirepass $S-x`, `"$S x"` where the value
/// runs to the end of the line, `line` true) is written (hostile review 24).
const fn written_after_blanks(b: &[u8], k: usize) -> bool {
    setting_value_written(b, k, false)
}

/// [`written_after_blanks`] for a setting whose value runs to the end of its line when
/// `line` (`requirepass VALUE` in `redis.conf`), or is one token (`.netrc`'s `password
/// VALUE login …`). Quotes around the value, escaped ones too (`echo "masterauth
/// \"$S\""`), are no text; a `printf` conversion is written unless it is given a fetched
/// value alone ([`printf_conversion_fetched`]).
const fn setting_value_written(b: &[u8], k: usize, line: bool) -> bool {
    let mut v = k;
    while v < b.len() && matches!(b[v], b' ' | b'\t') {
        v += 1;
    }
    if v == k {
        return false;
    }
    while v + 1 < b.len() && b[v] == b'\\' && matches!(b[v + 1], b'"' | b'\'') {
        v += 2;
    }
    let v = skip_quotes(b, v);
    if v < b.len() && (b[v] == b'$' || b[v] == b'`') {
        return literal_expansion(b, v)
            || (b[v] == b'$' && variable_written(b, v))
            || expansion_followed_by_text(b, v, line);
    }
    // A `%` is a format's placeholder (`printf "… password %s\n" "$PW"`), written when
    // `printf` is given written text for it (`printf 'requirepass %s\n' hunter2`).
    if v < b.len() && b[v] == b'%' {
        return word_at(b, skip_blanks(b, command_start(b, v)), b"printf")
            && !printf_conversion_fetched(b, v);
    }
    v < b.len()
        && !matches!(b[v], b'$' | b'`' | b'\n' | b'\r' | b';' | b'|' | b'&')
        && !sed_pattern_wildcard(b, v)
}

/// Whether the value at `v` is a wildcard only (`.*`, `.+`, `[^ ]*`… without a letter or a
/// digit) that ends the pattern of a `sed` `s` command: the setting is what the command
/// matches to replace it (`sed -i "s|^# requirepass .*|requirepass $PW|"`; hostile review
/// 29), when the replacement gives no written value after a blank.
const fn sed_pattern_wildcard(b: &[u8], v: usize) -> bool {
    let n = b.len();
    let mut j = v;
    while j < n && matches!(b[j], b'.' | b'*' | b'+' | b'?' | b'[' | b']' | b'^' | b'\\') {
        j += 1;
    }
    if j == v || j >= n {
        return false;
    }
    let d = b[j];
    if d.is_ascii_alphanumeric() || matches!(d, b' ' | b'\t' | b'\n' | b'\r' | b'\\') {
        return false;
    }
    // The `s` and the delimiter that open the pattern, before `v` on its line, with no
    // delimiter between.
    let mut k = v;
    while k > 0 && b[k - 1] != d && b[k - 1] != b'\n' {
        k -= 1;
    }
    if !(k >= 3
        && b[k - 1] == d
        && b[k - 2] == b's'
        && matches!(b[k - 3], b'\'' | b'"' | b' ' | b';' | b'{' | b'\t')
        && word_at(b, first_word_from(b, command_start(b, v)), b"sed"))
    {
        return false;
    }
    // The replacement, up to the next delimiter: a name, then after blanks nothing or a
    // variable alone that was not given written text nor is an argument (`requirepass
    // hunter2` or `requirepass $PW-x` there are written).
    let mut r = j + 1;
    while r < n && b[r] != d && b[r] != b'\n' && !matches!(b[r], b' ' | b'\t') {
        r += 1;
    }
    if r < n && b[r] == d {
        return true;
    }
    let r = skip_blanks(b, r);
    if !(r + 1 < n && b[r] == b'$') || argument_at(b, r) || variable_written(b, r) {
        return false;
    }
    let braced = b[r + 1] == b'{';
    let mut t = if braced { r + 2 } else { r + 1 };
    let name = t;
    while t < n && (b[t].is_ascii_alphanumeric() || b[t] == b'_') {
        t += 1;
    }
    if braced {
        if !(t < n && b[t] == b'}') {
            return false;
        }
        t += 1;
    }
    t > name && t < n && b[t] == d
}

/// Past the group that opens at `j` (`{` or `(`: `${…}`, `$(…)`): the index after its
/// matching close, counting nested groups of the same kind, or one past where the line (or
/// `end`) ends when it does not close on its line.
const fn past_group(b: &[u8], j: usize, end: usize) -> usize {
    let (open, close) = if b[j] == b'{' {
        (b'{', b'}')
    } else {
        (b'(', b')')
    };
    let mut j = j;
    let mut depth = 0;
    while j < end && b[j] != b'\n' {
        if b[j] == open {
            depth += 1;
        } else if b[j] == close {
            depth -= 1;
            if depth == 0 {
                break;
            }
        }
        j += 1;
    }
    j + 1
}

/// Whether written text follows the expansion at `v` (`$S`, `${S}`, `$(…)`, a backquoted
/// command) in its token, or on its line when `line`: a letter, a digit or a sign before
/// a blank, a quote, the escape of a new line (`\n`), a redirection or an operator
/// (hostile review 24: `requirepass $S-x`, `requirepass "$S x"`).
const fn expansion_followed_by_text(b: &[u8], v: usize, line: bool) -> bool {
    let mut j = v + 1;
    if b[v] == b'`' {
        while j < b.len() && b[j] != b'`' && b[j] != b'\n' {
            j += 1;
        }
        j += 1;
    } else if j < b.len() && matches!(b[j], b'{' | b'(') {
        j = past_group(b, j, b.len());
    } else {
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
            j += 1;
        }
    }
    while j < b.len() {
        let x = b[j];
        if x == b'\\' && j + 1 < b.len() {
            if b[j + 1] == b'n' {
                return false;
            }
            if matches!(b[j + 1], b'"' | b'\'' | b't' | b'r') {
                j += 2;
                continue;
            }
        }
        if matches!(x, b'\n' | b'>' | b'<' | b'|' | b';' | b'&' | b')') {
            return false;
        }
        if matches!(x, b' ' | b'\t' | b'\r') {
            if !line {
                return false;
            }
            // A comment after a blank ends the line (`requirepass $S # fetched`).
            let n = skip_blanks(b, j);
            if n < b.len() && b[n] == b'#' {
                return false;
            }
        } else if !matches!(x, b'"' | b'\'') {
            return true;
        }
        j += 1;
    }
    false
}

/// The length of the separator of tokens at `k` in a configuration file written by the
/// script: white space, a line end, or the escape of one that `printf` or `echo -e` writes
/// (`\n`, `\t`); 0 if there is none.
const fn separator(b: &[u8], k: usize) -> usize {
    if k >= b.len() {
        return 0;
    }
    if matches!(b[k], b' ' | b'\t' | b'\n' | b'\r') {
        return 1;
    }
    if b[k] == b'\\' && k + 1 < b.len() && matches!(b[k + 1], b'n' | b't') {
        return 2;
    }
    0
}

/// The index after the separators ([`separator`]) at `k`.
const fn skip_separators(b: &[u8], mut k: usize) -> usize {
    loop {
        let n = separator(b, k);
        if n == 0 {
            return k;
        }
        k += n;
    }
}

/// Whether the token `word` (ignoring case) is at `k`, followed by a separator.
const fn keyword_at(b: &[u8], k: usize, word: &[u8]) -> bool {
    at_ignore_case(b, k, word) && separator(b, k + word.len()) > 0
}

/// Whether `b[i..]` is the word `word` (ignoring case) with no byte of a word before it
/// and white space after it.
const fn spaced_word_at(b: &[u8], i: usize, word: &[u8]) -> bool {
    let end = i + word.len();
    at_ignore_case(b, i, word)
        && (i == 0 || matches!(b[i - 1], b' ' | b'\t' | b'\n' | b'\r' | b'"' | b'\''))
        && end < b.len()
        && matches!(b[end], b' ' | b'\t' | b'\n' | b'\r')
}

/// Whether a secret is written at `i` as a name followed by its value after white space,
/// where a format or a command reads it so: a `.netrc` entry (`login admin password
/// hunter2` after `machine HOST` or `default`, on one line or several) or `aws configure set aws_secret_access_key …` (any
/// setting whose name ends in a secret word).
const fn spaced_secret_at(b: &[u8], i: usize) -> bool {
    // Each word below starts with its own letter: only the words of this one are read.
    let c = lower!(b[i]);
    // A `.netrc` entry: `machine HOST` or `default`, then its tokens in any order (`login
    // NAME`, `account NAME`, `port N`, `password VALUE`: netrc(5), "the remaining tokens
    // can be in any order"); or `user NAME` then `password VALUE`, as msmtp's `.msmtprc`
    // (one a line) and fetchmail's `.fetchmailrc` (`poll HOST user NAME password VALUE`)
    // write them. Lines may be escapes of `printf` or `echo -e` (`\n`).
    let mut l = if c == b'm' && spaced_word_at(b, i, b"machine") {
        let mut k = skip_separators(b, i + 7);
        while k < b.len() && separator(b, k) == 0 {
            k += 1;
        }
        k
    } else if c == b'd' && spaced_word_at(b, i, b"default") {
        i + 7
    } else if c == b'u'
        && keyword_at(b, i, b"user")
        && (i == 0
            || matches!(b[i - 1], b' ' | b'\t' | b'\n' | b'\r' | b'"' | b'\'')
            || (i >= 2 && b[i - 2] == b'\\' && matches!(b[i - 1], b'n' | b't')))
    {
        i
    } else {
        b.len()
    };
    let mut tokens = 0;
    while tokens < 4 {
        l = skip_separators(b, l);
        if l >= b.len() {
            break;
        }
        if keyword_at(b, l, b"password") {
            // `user NAME password VALUE` is read in the files of msmtp and fetchmail only,
            // which the script names: elsewhere it may be prose.
            return written_after_blanks(b, l + 8) && (c != b'u' || mail_client_file_named(b));
        }
        if !(keyword_at(b, l, b"login")
            || keyword_at(b, l, b"account")
            || keyword_at(b, l, b"port")
            || keyword_at(b, l, b"user"))
        {
            break;
        }
        // The keyword, then its value.
        while l < b.len() && separator(b, l) == 0 {
            l += 1;
        }
        l = skip_separators(b, l);
        let value = l;
        while l < b.len() && separator(b, l) == 0 {
            l += 1;
        }
        // A value that ends a phrase (`user app, password …`) is prose, not a token.
        if l == value || matches!(b[l - 1], b',' | b'.' | b';' | b'$' | b'`') {
            break;
        }
        tokens += 1;
    }
    // SQL that sets a password: `ALTER USER app WITH PASSWORD 'hunter2'`,
    // `CREATE USER app IDENTIFIED BY 'hunter2'` (in `psql -c`, `mysql -e` or a file).
    if c == b'i' && spaced_word_at(b, i, b"identified") {
        let k = skip_blanks(b, i + 10);
        return spaced_word_at(b, k, b"by") && sql_literal_at(b, skip_blanks(b, k + 2));
    }
    if c == b'p' && spaced_word_at(b, i, b"password") && sql_literal_at(b, skip_blanks(b, i + 8)) {
        return true;
    }
    // MySQL's `SET PASSWORD FOR 'app'@'%' = 'hunter2'` (MySQL reference manual, "SET
    // PASSWORD Statement"): the account, then `=`, then the literal.
    if c == b'p' && spaced_word_at(b, i, b"password") {
        let k = skip_blanks(b, i + 8);
        if spaced_word_at(b, k, b"for") {
            let mut e = k + 3;
            while e < b.len() && !matches!(b[e], b'=' | b'\n' | b';') {
                e += 1;
            }
            if e < b.len() && b[e] == b'=' && sql_literal_at(b, skip_blanks(b, e + 1)) {
                return true;
            }
        }
    }
    // A debconf answer of type `password`: `OWNER QUESTION password VALUE`
    // (debconf-set-selections(1): "owner, question name, question type, value"), as
    // `echo "mysql-server mysql-server/root_password password …" | debconf-set-selections`
    // preseeds a package's password.
    if c == b'p'
        && spaced_word_at(b, i, b"password")
        && debconf_question_before(b, i)
        && written_after_blanks(b, i + 8)
        && text_holds(b, b"debconf")
    {
        return true;
    }
    // Redis's own settings, in `redis.conf` or by `CONFIG SET`: `requirepass VALUE`,
    // `masterauth VALUE`.
    if c == b'r' && spaced_word_at(b, i, b"requirepass") {
        return setting_value_written(b, i + 11, true);
    }
    if c == b'm' && spaced_word_at(b, i, b"masterauth") {
        return setting_value_written(b, i + 10, true);
    }
    // keepalived's VRRP password, in `authentication { auth_type PASS auth_pass VALUE }`
    // (keepalived.conf(5)).
    if c == b'a' && spaced_word_at(b, i, b"auth_pass") {
        return setting_value_written(b, i + 9, true);
    }
    // An LDAP client's or server's bind password: nslcd.conf(5) and ldap.conf of pam_ldap
    // `bindpw VALUE`, slapd.conf(5) `rootpw VALUE` (a `{SSHA}` hash of it included).
    if (c == b'b' && spaced_word_at(b, i, b"bindpw"))
        || (c == b'r' && spaced_word_at(b, i, b"rootpw"))
    {
        return setting_value_written(b, i + 6, true);
    }
    // A Redis ACL rule that sets a password, `>VALUE`, in `user NAME on >VALUE …` (an ACL
    // file or `redis.conf`) or `ACL SETUSER NAME on >VALUE` (Redis documentation, "ACL":
    // "`>&lt;password&gt;`: add this password to the list of valid passwords").
    if c == b'a' && spaced_word_at(b, i, b"acl") {
        let k = skip_blanks(b, i + 3);
        return at_ignore_case(b, k, b"setuser") && acl_password_after(b, k + 7);
    }
    if c == b'u' && spaced_word_at(b, i, b"user") && (i == 0 || b[i - 1] != b' ') {
        return acl_password_after(b, i + 4);
    }
    if c == b'c' && spaced_word_at(b, i, b"configure") {
        let mut k = skip_blanks(b, i + 9);
        if !spaced_word_at(b, k, b"set") {
            return false;
        }
        k = skip_blanks(b, k + 3);
        // The setting's name, perhaps with a profile (`profile.ops.aws_session_token`).
        let start = k;
        while k < b.len() && (name_byte(b[k]) || b[k] == b'.') {
            k += 1;
        }
        let mut w = 0;
        while w < SECRET_WORDS.len() {
            let word = SECRET_WORDS[w].as_bytes();
            if k >= start + word.len() && at_ignore_case(b, k - word.len(), word) {
                return written_after_blanks(b, k);
            }
            w += 1;
        }
        return k >= start + 13
            && at_ignore_case(b, k - 13, b"session_token")
            && written_after_blanks(b, k);
    }
    false
}

/// Whether the word before the blanks before `i` is a debconf question, `OWNER/NAME`
/// (`mysql-server/root_password`), on the same line.
const fn debconf_question_before(b: &[u8], i: usize) -> bool {
    let mut e = i;
    while e > 0 && matches!(b[e - 1], b' ' | b'\t') {
        e -= 1;
    }
    if e == i {
        return false;
    }
    let mut s = e;
    let mut slash = false;
    while s > 0 && !matches!(b[s - 1], b' ' | b'\t' | b'\n' | b'"' | b'\'') {
        slash |= b[s - 1] == b'/';
        s -= 1;
    }
    slash && s < e && b[s] != b'/'
}

/// Whether the script names a configuration file of msmtp or fetchmail, or an HAProxy
/// `userlist`, where `user NAME password VALUE` is read: `.msmtprc` or `/etc/msmtprc`, `.fetchmailrc`, or a file given to
/// either (`msmtp -C FILE`, `msmtp --file=FILE`, `fetchmail -f FILE`, `fetchmail
/// --fetchmailrc FILE`: msmtp(1), fetchmail(1)). Prose that names the programs (a comment,
/// `echo "install msmtp"`, `dnf install -y msmtp`) names no such file.
const fn mail_client_file_named(b: &[u8]) -> bool {
    // HAProxy's `userlist` sections write `user NAME password HASH` too.
    text_holds(b, b"userlist")
        || text_holds(b, b"msmtprc")
        || text_holds(b, b"fetchmailrc")
        || text_holds(b, b"msmtp -c")
        || text_holds(b, b"msmtp --file")
        || text_holds(b, b"fetchmail -f")
}

/// Whether a line of a configuration file (or a line a shell writes: `echo '…'`, a
/// here-document, `printf '…\n…'`) may start at `s`: only blanks lie between `s` and the
/// start of the text, a new line, the escape of one (`\n`), or an opening quote.
const fn config_line_start(b: &[u8], s: usize) -> bool {
    let mut k = s;
    while k > 0 && matches!(b[k - 1], b' ' | b'\t') {
        k -= 1;
    }
    k == 0
        || matches!(b[k - 1], b'\n' | b'"' | b'\'' | b'{' | b';')
        || (k >= 2 && b[k - 2] == b'\\' && matches!(b[k - 1], b'n' | b't'))
}

/// Whether a written value is the `index`-th word (from 0) after `k` on its line of a
/// configuration file: words are separated by spaces and tabs (or their escapes, `\t`), and
/// a word starting with `-` (`-Cn CONTEXT`, `-e ENGINE`) is skipped with the word after it.
/// A value that is a variable (`$COMMUNITY`), a command, a placeholder (`<…>`, `{…}`) or
/// the end of the line is not written, unless the variable was last given written text.
const fn line_operand_written(b: &[u8], mut k: usize, index: usize) -> bool {
    let mut n = 0;
    loop {
        let start = k;
        while k < b.len()
            && (matches!(b[k], b' ' | b'\t')
                || (b[k] == b'\\' && k + 1 < b.len() && b[k + 1] == b't'))
        {
            k += if b[k] == b'\\' { 2 } else { 1 };
        }
        if k == start || k >= b.len() {
            return false;
        }
        let v = skip_quotes(b, k);
        if v >= b.len()
            || matches!(
                b[v],
                b'\n' | b'\r' | b'\\' | b';' | b'|' | b'&' | b'#' | b'<' | b'{' | b'%'
            )
        {
            return false;
        }
        let flag = b[v] == b'-' && v + 1 < b.len() && b[v + 1].is_ascii_alphabetic();
        if !flag && n == index {
            return if b[v] == b'$' || b[v] == b'`' {
                literal_expansion(b, v) || (b[v] == b'$' && variable_written(b, v))
            } else {
                true
            };
        }
        // Past the word, and past the flag's value after it. A quote inside a word closes
        // the text that `echo` or `printf` writes (`sh -c 'passwd -l app'; echo …`): the
        // words after it are no longer the line's.
        let mut words = if flag { 2 } else { 1 };
        while words > 0 {
            while k < b.len() && matches!(b[k], b' ' | b'\t') && words == 1 && flag {
                k += 1;
            }
            let start = k;
            while k < b.len() && !matches!(b[k], b' ' | b'\t' | b'\n' | b'\r' | b'\\') {
                if k > start && matches!(b[k], b'\'' | b'"') {
                    return false;
                }
                k += 1;
            }
            words -= 1;
        }
        if !flag {
            n += 1;
        }
    }
}

/// Directives of configuration files that write a credential as a word after their name,
/// with the index (from 0) of that word among the words that follow, flags and their
/// values skipped:
/// - net-snmp's `snmpd.conf(5)`: an SNMPv1 or v2c community is the agent's password
///   (`rocommunity COMMUNITY [SOURCE …]`, `rwcommunity`, their `6` forms, `com2sec
///   [-Cn CONTEXT] SECNAME SOURCE COMMUNITY`, `authcommunity TYPES COMMUNITY`,
///   `trapcommunity COMMUNITY`, `trapsink HOST COMMUNITY`, `trap2sink`, `informsink`), and
///   `createUser [-e ENGINEID] NAME PROTOCOL PASSPHRASE …` sets an SNMPv3 user's passphrase;
///   `snmp.conf(5)`: `defCommunity`, `defAuthPassphrase`, `defPrivPassphrase`,
///   `defPassphrase`;
/// - the configuration of a router's image (Cisco IOS, as a CSR 1000v or Catalyst 8000V on
///   EC2 reads it from user data): `snmp-server community COMMUNITY`, `enable secret`,
///   `enable password`; VyOS: `set service snmp community COMMUNITY`;
/// - a router's `username NAME … secret VALUE` (last: read by [`router_password_after`]).
const CREDENTIAL_DIRECTIVES: [(&str, u8); 22] = [
    ("rocommunity", 0),
    ("rwcommunity", 0),
    ("rocommunity6", 0),
    ("rwcommunity6", 0),
    ("com2sec", 2),
    ("com2sec6", 2),
    ("com2secunix", 2),
    ("authcommunity", 1),
    ("trapcommunity", 0),
    ("trapsink", 1),
    ("trap2sink", 1),
    ("informsink", 1),
    ("createuser", 2),
    ("defcommunity", 0),
    ("defauthpassphrase", 0),
    ("defprivpassphrase", 0),
    ("defpassphrase", 0),
    ("snmp-server community", 0),
    ("enable secret", 0),
    ("enable password", 0),
    ("set service snmp community", 0),
    ("username", 0),
];

/// Whether a directive of [`CREDENTIAL_DIRECTIVES`] starts the line that the new line, the
/// quote or the escape of a new line at `i` starts (or the text, at 0), and writes its
/// credential, or HAProxy's `stats auth USER:PASSWORD` does, or a router's `username NAME [privilege N] secret|password [TYPE] VALUE`
/// does (Cisco IOS). A level (`enable secret level 15 …`) and an encryption type (`0`, `5`,
/// `7`, `8`, `9`: a hash is as much a credential, rule P1) before the value are skipped.
const fn credential_directive_at(b: &[u8], i: usize) -> bool {
    // The quote that opens the text, if the line starts the text of `echo` or the like.
    let quote = if matches!(b[i], b'"' | b'\'') {
        i
    } else if b[i] == b'\\' {
        // The escape of a new line inside quoted text (`printf 'x\nrocommunity is
        // disabled'`): the quote that opened the text.
        opening_quote(b, i)
    } else {
        b.len()
    };
    // Past the new line, the quote or the escape (`\n`, `\t`) that ends at `i`, and the
    // blanks after it.
    let mut i = if i == 0 && !matches!(b[0], b'\n' | b'"' | b'\'' | b'\\' | b'{' | b';') {
        0
    } else if b[i] == b'\\' {
        if !(i + 1 < b.len() && matches!(b[i + 1], b'n' | b't')) {
            return false;
        }
        i + 2
    } else {
        i + 1
    };
    while i < b.len() && matches!(b[i], b' ' | b'\t') {
        i += 1;
    }
    if i < b.len() && b[i] == b'[' {
        return postfix_credential_at(b, i);
    }
    if i >= b.len() || !b[i].is_ascii_alphabetic() {
        return false;
    }
    let c = lower!(b[i]);
    // The first letters of the directives: the other lines are not read on.
    if !matches!(
        c,
        b'r' | b'c' | b'a' | b't' | b'i' | b'd' | b's' | b'e' | b'u'
    ) {
        return false;
    }
    // A TSIG key of BIND (`named.conf`, `rndc.key`, `rndc.conf`): `key "NAME" { algorithm
    // hmac-sha256; secret "BASE64"; };` (BIND 9 reference manual, "key Block Grammar"). The
    // quoted value and the `;` after it tell the statement from prose.
    if c == b's' && at_ignore_case(b, i, b"secret ") {
        let v = skip_blanks(b, i + 7);
        let mut q = v;
        if q < b.len() && b[q] == b'\\' {
            q += 1;
        }
        if !(q < b.len() && b[q] == b'"') {
            return false;
        }
        let mut e = q + 1;
        while e < b.len() && !matches!(b[e], b'"' | b'\\' | b'\n' | b' ') {
            e += 1;
        }
        if e < b.len() && b[e] == b'\\' {
            e += 1;
        }
        return e > q + 1
            && e + 1 < b.len()
            && b[e] == b'"'
            && b[e + 1] == b';'
            && written_at(b, q + 1);
    }
    if c == b's' && at_ignore_case(b, i, b"stats auth") {
        let v = skip_quotes(b, skip_blanks(b, i + 10));
        return v > i + 10 && flag_value_written(b, v, Takes::UserAndPassword);
    }
    let mut d = 0;
    while d < CREDENTIAL_DIRECTIVES.len() {
        let (name, index) = CREDENTIAL_DIRECTIVES[d];
        d += 1;
        if name.as_bytes()[0] != c || !(i + 1 < b.len() && lower!(b[i + 1]) == name.as_bytes()[1]) {
            continue;
        }
        let e = match_word(b, i, name.as_bytes(), true);
        if e == 0 || !(e < b.len() && matches!(b[e], b' ' | b'\t' | b'\\')) {
            continue;
        }
        if d == CREDENTIAL_DIRECTIVES.len() {
            // `username NAME`, then its options up to `secret` or `password`, in a router's
            // configuration (`ios-config-1="…"` of a CSR 1000v, the `Section: IOS
            // configuration` of a Catalyst 8000V): elsewhere it may be prose.
            return router_password_after(b, e)
                && (text_holds(b, b"ios-config") || text_holds(b, b"section: ios configuration"));
        }
        if quote < b.len() && shown_prose(b, quote, e) {
            return false;
        }
        if c == b'e' {
            return router_value_written(b, e);
        }
        return line_operand_written(b, e, index as usize);
    }
    false
}

/// The quote that opened the quoted text holding `i`, read from the start of its line as
/// the shell reads quotes (a backslash escapes the next byte outside single quotes), or
/// `b.len()` when `i` is not inside quoted text opened on its line.
const fn opening_quote(b: &[u8], i: usize) -> usize {
    let mut k = i;
    while k > 0 && b[k - 1] != b'\n' {
        k -= 1;
    }
    let mut open = b.len();
    while k < i {
        let c = b[k];
        if open < b.len() {
            if c == b[open] {
                open = b.len();
            } else if b[open] == b'"' && c == b'\\' {
                k += 1;
            }
        } else if c == b'"' || c == b'\'' {
            open = k;
        } else if c == b'\\' {
            k += 1;
        }
        k += 1;
    }
    open
}

/// Words that start prose, never an SNMP community, a pass phrase or a router's secret:
/// `echo "rocommunity is disabled"`, `logger 'createUser was not run'`.
const PROSE_WORDS: [&str; 32] = [
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "not",
    "no",
    "has",
    "have",
    "had",
    "will",
    "would",
    "can",
    "cannot",
    "could",
    "should",
    "must",
    "may",
    "the",
    "a",
    "an",
    "and",
    "or",
    "of",
    "to",
    "for",
    "in",
    "disabled",
    "enabled",
    "removed",
    "configured",
];

/// Whether the quoted text opened by the quote at `q` is prose that the script only shows
/// (its directive `b[..e]` is followed by a word of [`PROSE_WORDS`]): the command is `echo`,
/// `printf` or `logger`, and after the closing quote nothing redirects or pipes the text
/// (`>`, `|`, `tee`) before the command ends. Text written into a file (`echo 'rocommunity
/// is' >> /etc/snmp/snmpd.conf`) is a configuration line, whatever its words.
const fn shown_prose(b: &[u8], q: usize, e: usize) -> bool {
    // The first word after the directive.
    let v = skip_blanks(b, e);
    let mut w = v;
    while w < b.len() && b[w].is_ascii_alphabetic() {
        w += 1;
    }
    if !(w < b.len() && matches!(b[w], b' ' | b'\t' | b'.' | b',')) {
        return false;
    }
    let mut prose = false;
    let mut p = 0;
    while p < PROSE_WORDS.len() {
        let word = PROSE_WORDS[p].as_bytes();
        if w - v == word.len() && at_ignore_case(b, v, word) {
            prose = true;
        }
        p += 1;
    }
    if !prose {
        return false;
    }
    // The command that shows the text: the first word of the command the quote is in.
    let mut s = q;
    while s > 0 && !matches!(b[s - 1], b'\n' | b';' | b'&' | b'|' | b'(' | b'`') {
        s -= 1;
    }
    s = skip_blanks(b, s);
    if !(word_at(b, s, b"echo") || word_at(b, s, b"printf") || word_at(b, s, b"logger")) {
        return false;
    }
    // The closing quote, then the rest of the command.
    let mut k = q + 1;
    while k < b.len() && b[k] != b[q] {
        if b[q] == b'"' && b[k] == b'\\' {
            k += 1;
        }
        k += 1;
    }
    k += 1;
    while k < b.len() && !matches!(b[k], b'\n' | b';' | b'&') {
        if matches!(b[k], b'>' | b'|' | b'"' | b'\'' | b'$' | b'`') || at_exactly(b, k, b"tee") {
            return false;
        }
        k += 1;
    }
    true
}

/// Whether a line of Postfix's SASL password map starts at `i`: `[HOST]:PORT USER:PASSWORD`
/// (Postfix SASL README, "Enabling SASL authentication in the Postfix SMTP client": "The
/// `/etc/postfix/sasl_passwd` file … `[mail.isp.example] username:password`"), the password
/// written, in a script that names such a map (`sasl_passwd`, `smtp_sasl_password_maps`).
const fn postfix_credential_at(b: &[u8], i: usize) -> bool {
    let mut k = i + 1;
    while k < b.len() && !matches!(b[k], b']' | b' ' | b'\t' | b'\n') {
        k += 1;
    }
    if !(k < b.len() && b[k] == b']') {
        return false;
    }
    k += 1;
    if k < b.len() && b[k] == b':' {
        k += 1;
        while k < b.len() && b[k].is_ascii_digit() {
            k += 1;
        }
    }
    let v = skip_blanks(b, k);
    v > k
        && v < b.len()
        && flag_value_written(b, v, Takes::UserAndPassword)
        && (text_holds(b, b"sasl_passw") || text_holds(b, b"smtp_sasl_password_maps"))
}

/// Whether, after `username NAME` (at `k`), a word `secret` or `password` on the line is
/// followed by a written value.
const fn router_password_after(b: &[u8], k: usize) -> bool {
    let mut j = k;
    while j < b.len() && !matches!(b[j], b'\n' | b'\r') {
        if matches!(b[j - 1], b' ' | b'\t')
            && (at_ignore_case(b, j, b"secret ") || at_ignore_case(b, j, b"password "))
        {
            let e = if b[j].eq_ignore_ascii_case(&b's') {
                j + 6
            } else {
                j + 8
            };
            return router_value_written(b, e);
        }
        j += 1;
    }
    false
}

/// Whether a router's secret or password after `k` is written: `[level N] [TYPE] VALUE`.
const fn router_value_written(b: &[u8], k: usize) -> bool {
    let mut v = k;
    let w = skip_blanks(b, v);
    if at_ignore_case(b, w, b"level ") {
        v = skip_blanks(b, w + 6);
        while v < b.len() && b[v].is_ascii_digit() {
            v += 1;
        }
    }
    let w = skip_blanks(b, v);
    if w + 1 < b.len() && b[w].is_ascii_digit() && matches!(b[w + 1], b' ' | b'\t') {
        v = w + 1;
    }
    line_operand_written(b, v, 0)
}

/// Whether the line starting at `s` is text that `echo` or `printf` writes: only blanks
/// lie between `s` and a quote or the escape of a new line (`\n`) before it.
const fn echoed_line(b: &[u8], s: usize) -> bool {
    let mut k = s;
    while k > 0 && matches!(b[k - 1], b' ' | b'\t') {
        k -= 1;
    }
    // An opening quote: at the start of the text or after a blank (`echo 'NAME …`), not
    // the closing quote of an earlier word (`printf '%s\n' NAME …`).
    (k > 0
        && matches!(b[k - 1], b'"' | b'\'')
        && (k == 1 || matches!(b[k - 2], b' ' | b'\t' | b'\n')))
        || (k >= 2 && b[k - 2] == b'\\' && b[k - 1] == b'n')
}

/// Whether the script names a settings file ([`SETTINGS_FILES`]).
const fn settings_file_named(b: &[u8]) -> bool {
    let mut f = 0;
    while f < SETTINGS_FILES.len() {
        if text_holds(b, SETTINGS_FILES[f].as_bytes()) {
            return true;
        }
        f += 1;
    }
    false
}

/// Whether a `.properties` line at `i` (the secret word of its key, which ends at `end`)
/// gives the key a written value after white space (or `printf`'s `\t`): `db.password hunter2` (Java's
/// `Properties.load`: "the key … is terminated by the first unescaped `=`, `:`, or white
/// space character"), in a script that names a `.properties` file. The key starts a line;
/// its value after `=` or `:` is read as any assignment is.
///
/// The same line written by `echo` or `printf` (it starts right after a quote or the escape
/// of a new line) into a settings file ([`SETTINGS_FILES`]: `echo 'DB_PASSWD hunter2' >>
/// /etc/app/app.conf`) is read so too: many such files take `NAME VALUE`; and so is a line
/// of a here-document written into one ([`settings_here_document_line`]: `cat >
/// /etc/app.conf <<'EOF'`, `db_password hunter2`, `EOF`; `<<-`, `tee` forms).
const fn properties_value_at(b: &[u8], i: usize, end: usize) -> bool {
    if !(end < b.len() && matches!(b[end], b' ' | b'\t' | b'\\')) {
        return false;
    }
    // `password = VALUE`, `password : VALUE`: an assignment, read as any is.
    let v = skip_blanks(b, end);
    if v < b.len() && matches!(b[v], b'=' | b':') {
        return false;
    }
    // After white space, `auth` names a method or a file, never a credential (OpenVPN's
    // `auth SHA256`, `tls-auth ta.key 0`: openvpn(8)), and a path is a file that holds the
    // secret, not the secret (`auth-user-pass /etc/openvpn/creds`).
    let q = skip_quotes(b, v);
    if (end == i + 4 && at_ignore_case(b, i, b"auth"))
        || (q < b.len() && (b[q] == b'/' || at_exactly(b, q, b"~/") || at_exactly(b, q, b"./")))
    {
        return false;
    }
    // A value that chooses how to log on ([`AUTH_SETTINGS`]: `Password required`, `token
    // none`) is no credential.
    let mut w = q;
    while w < b.len() && !matches!(b[w], b' ' | b'\t' | b'\n' | b'\r' | b'\\' | b'"' | b'\'') {
        w += 1;
    }
    if names_a_setting(b, q, w) {
        return false;
    }
    // Back to the key's start, not past the escape of a new line (`\ndb.password`).
    let mut s = i;
    while s > 0
        && (name_byte(b[s - 1]) || b[s - 1] == b'.')
        && !(s >= 2 && b[s - 2] == b'\\' && matches!(b[s - 1], b'n' | b't'))
    {
        s -= 1;
    }
    if !(config_line_start(b, s) && line_operand_written(b, end, 0)) {
        return false;
    }
    if text_holds(b, b".properties") || (echoed_line(b, s) && settings_file_named(b)) {
        return true;
    }
    // A file under `/etc/` without an extension may be a settings file (`/etc/app/config`,
    // `/etc/default/app`) or text (`/etc/motd`): its line is read so only when it is the
    // key and one value, as a setting is (`db_password hunter2`), never a sentence.
    match settings_here_document_line(b, s) {
        SETTINGS => true,
        ETC_FILE => sole_value(b, end),
        _ => echoed_line(b, s) && line_writes_etc_file(b, s) && sole_value(b, end),
    }
}

/// Whether the key named like a secret whose word is at `i` (ending at `end`) takes its
/// value on the next line of a settings file: YAML's `password:` at the end of its line,
/// then a more indented line that is a plain scalar or a sequence's item (`  hunter2`, `  -
/// hunter2`; YAML 1.2, "Plain Style": a plain scalar may continue on more indented lines,
/// and "Block Mappings": a value may start on the next line), not a mapping of its own
/// (`  file: /run/db`), whose keys are read where they are; or TOML's multi-line string,
/// `password = """` (or three single quotes) then the text (TOML 1.0, "String":
/// "Multi-line basic strings … A newline immediately following the opening delimiter will
/// be trimmed"). The line is one a here-document, or text `echo` or `printf` writes, puts
/// into a settings file ([`settings_here_document_line`], [`echoed_line`]).
const fn next_line_value_at(b: &[u8], i: usize, end: usize) -> bool {
    let Some(v) = value_after_name(b, end) else {
        return false;
    };
    // The end of the key's line: a new line or its escape (`printf 'password:\n  …'`).
    let n = if v < b.len() && b[v] == b'\n' {
        v + 1
    } else if v + 1 < b.len() && b[v] == b'\\' && b[v + 1] == b'n' {
        v + 2
    } else {
        return false;
    };
    // The key starts its line, after its indentation.
    let mut s = i;
    while s > 0 && (name_byte(b[s - 1]) || matches!(b[s - 1], b'.' | b'"' | b'\'')) {
        s -= 1;
    }
    let mut ls = s;
    while ls > 0 && matches!(b[ls - 1], b' ' | b'\t') {
        ls -= 1;
    }
    if !config_line_start(b, s) {
        return false;
    }
    let triple = v >= 3 && (at_exactly(b, v - 3, b"\"\"\"") || at_exactly(b, v - 3, b"'''"));
    let mut n = n;
    let mut t = n;
    while t < b.len() && matches!(b[t], b' ' | b'\t') {
        t += 1;
    }
    // Past blank lines and comments between a YAML key and its value.
    while !triple && t < b.len() && matches!(b[t], b'#' | b'\n') {
        while t < b.len() && b[t] != b'\n' {
            t += 1;
        }
        n = t + 1;
        t = n;
        while t < b.len() && matches!(b[t], b' ' | b'\t') {
            t += 1;
        }
    }
    if !triple {
        if t - n <= s - ls {
            return false;
        }
        // A mapping of its own: `key: …`, or `key:` at the end of the line.
        let mut k = t;
        while k < b.len()
            && b[k] != b'\n'
            && !(b[k] == b'\\' && k + 1 < b.len() && b[k + 1] == b'n')
        {
            if b[k] == b':'
                && (k + 1 == b.len() || matches!(b[k + 1], b' ' | b'\t' | b'\n' | b'\\'))
            {
                return false;
            }
            k += 1;
        }
        if t + 1 < b.len() && b[t] == b'-' && matches!(b[t + 1], b' ' | b'\t') {
            // Compose's `secrets:` of a service lists the names of secrets, which the file's
            // top-level `secrets:` maps to files (Compose specification, "secrets").
            if end == i + 7 && at_ignore_case(b, i, b"secrets") {
                return false;
            }
            t = skip_blanks(b, t + 1);
        }
    }
    t < b.len()
        && !matches!(b[t], b'#' | b'\\')
        && written_at(b, t)
        && (settings_here_document_line(b, s) != NO_SETTINGS
            || (echoed_line(b, s) && settings_file_named(b)))
}

/// What a command writes ([`writes_settings_file`]): no settings file.
const NO_SETTINGS: u8 = 0;
/// A file named as a settings file is ([`SETTINGS_FILES`]).
const SETTINGS: u8 = 1;
/// A file under `/etc/` whose name has no extension ([`etc_file_named`]).
const ETC_FILE: u8 = 2;

/// Whether one value, and nothing but blanks after it, follows the key that ends at `end`
/// on its line: a line ends at a new line, its escape (`\n`), a quote or a comment.
const fn sole_value(b: &[u8], end: usize) -> bool {
    let mut k = end;
    // Blanks, and the escapes of tabs (`printf 'password\thunter2\n'`).
    while k < b.len()
        && (matches!(b[k], b' ' | b'\t') || (b[k] == b'\\' && k + 1 < b.len() && b[k + 1] == b't'))
    {
        k += if b[k] == b'\\' { 2 } else { 1 };
    }
    let v = k;
    while k < b.len() && !matches!(b[k], b' ' | b'\t' | b'\n' | b'\r' | b'\\' | b'"' | b'\'') {
        k += 1;
    }
    let e = k;
    let k = skip_blanks(b, k);
    // A value that chooses how to log on ([`AUTH_SETTINGS`]: `Password required`) is none.
    k > v
        && (k >= b.len() || matches!(b[k], b'\n' | b'\r' | b'\\' | b'"' | b'\'' | b'#'))
        && !names_a_setting(b, v, e)
}

/// Whether `b[s..e]` names a file under `/etc/` whose last path component has no `.`
/// (`/etc/app/config`, `/etc/default/app`, `/etc/sysconfig/app`): many programs read their
/// settings from such a file.
const fn etc_file_named(b: &[u8], s: usize, e: usize) -> bool {
    let mut u = s;
    while u + 5 <= e {
        if at_exactly(b, u, b"/etc/") {
            let mut k = u + 5;
            let mut dot = false;
            let mut last = k;
            while k < e
                && !matches!(
                    b[k],
                    b' ' | b'\t'
                        | b'\n'
                        | b'\r'
                        | b'"'
                        | b'\''
                        | b';'
                        | b'|'
                        | b'&'
                        | b')'
                        | b'<'
                        | b'>'
                )
            {
                if b[k] == b'/' {
                    dot = false;
                    last = k + 1;
                } else if b[k] == b'.' {
                    dot = true;
                }
                k += 1;
            }
            if k > last && !dot {
                return true;
            }
        }
        u += 1;
    }
    false
}

/// Whether the line that holds `s` writes into a file under `/etc/` without an extension
/// ([`etc_file_named`]): it redirects (`echo 'db_password hunter2' > /etc/app/config`) or
/// runs `tee` (`echo … | tee /etc/app/config`).
const fn line_writes_etc_file(b: &[u8], s: usize) -> bool {
    let mut ls = s;
    while ls > 0 && b[ls - 1] != b'\n' {
        ls -= 1;
    }
    let mut le = s;
    while le < b.len() && b[le] != b'\n' {
        le += 1;
    }
    (range_holds(b, ls, le, b">") || range_holds(b, ls, le, b"tee ")) && etc_file_named(b, ls, le)
}

/// Whether `b[s..e]` holds `needle`, ignoring case.
const fn range_holds(b: &[u8], s: usize, e: usize, needle: &[u8]) -> bool {
    let mut u = s;
    while u + needle.len() <= e {
        if at_ignore_case(b, u, needle) {
            return true;
        }
        u += 1;
    }
    false
}

/// Whether the command line `b[s..e]` that opens a here-document writes it into a settings
/// file ([`SETTINGS_FILES`]): it redirects (`cat > /etc/app.conf <<EOF`) or runs `tee`
/// (`tee -a /etc/app.conf <<'EOF'`, `cat <<EOF | sudo tee /etc/app.ini`), and names such a
/// file, or names it through a variable (`cat > "$CONF" <<EOF`) in a script that names one.
const fn writes_settings_file(b: &[u8], s: usize, e: usize) -> u8 {
    let mut redirects = range_holds(b, s, e, b"tee ");
    let mut k = s;
    while !redirects && k < e {
        redirects = b[k] == b'>' && (k == s || b[k - 1] != b'<');
        k += 1;
    }
    if !redirects {
        return NO_SETTINGS;
    }
    let mut f = 0;
    while f < SETTINGS_FILES.len() {
        if range_holds(b, s, e, SETTINGS_FILES[f].as_bytes()) {
            return SETTINGS;
        }
        f += 1;
    }
    if range_holds(b, s, e, b"$") && settings_file_named(b) {
        SETTINGS
    } else if etc_file_named(b, s, e) {
        ETC_FILE
    } else {
        NO_SETTINGS
    }
}

/// Whether the line that holds `s` is a line of text the script writes into a settings file
/// ([`SETTINGS_FILES`]) as it is, though no quote nor `\n` starts it: a line of the body of
/// a here-document written into one ([`writes_settings_file`]: `cat > /etc/app.conf <<EOF`,
/// then `db_password hunter2`, then `EOF`), or a line of quoted text that an earlier line
/// opened (`echo "[db]`, then `password hunter2" >> /etc/app.ini`) in a script that names
/// one. The shell reads the body as text up to the line that is the delimiter (bash(1),
/// "Here Documents": with `<<-`, after its leading tabs; a quoted delimiter, `'EOF'`,
/// `"EOF"` or `\EOF`, ends the body as the bare word does), and quoted text up to its
/// closing quote ("Quoting"); the file reads either as its own lines, as it reads a line
/// written by `echo`.
const fn settings_here_document_line(b: &[u8], s: usize) -> u8 {
    let mut target = s;
    while target > 0 && b[target - 1] != b'\n' {
        target -= 1;
    }
    if target == 0 {
        return NO_SETTINGS;
    }
    // The lines before it, from the first, as the shell reads them: an open document, its
    // delimiter (`ds..de`), whether `<<-` strips tabs, and whether it writes a settings
    // file; or the quote left open at the end of a line.
    let mut line = 0;
    let mut open = false;
    let mut quote = 0u8;
    let (mut ds, mut de, mut tabs, mut settings) = (0, 0, false, NO_SETTINGS);
    while line < target {
        let mut end = line;
        while end < b.len() && b[end] != b'\n' {
            end += 1;
        }
        if open {
            let mut k = line;
            while tabs && k < end && b[k] == b'\t' {
                k += 1;
            }
            if end - k == de - ds && names_equal(b, k, ds, de - ds) {
                open = false;
            }
        } else {
            let mut k = line;
            while k < end {
                let c = b[k];
                if quote != 0 {
                    if c == quote {
                        quote = 0;
                    } else if quote == b'"' && c == b'\\' {
                        k += 1;
                    }
                } else if c == b'\'' || c == b'"' {
                    quote = c;
                } else if c == b'\\' {
                    k += 1;
                } else if c == b'#' && (k == line || matches!(b[k - 1], b' ' | b'\t' | b';')) {
                    // A comment, to the end of the line.
                    break;
                } else if c == b'<'
                    && k + 1 < end
                    && b[k + 1] == b'<'
                    && (k + 2 >= end || b[k + 2] != b'<')
                    && !open
                {
                    let mut d = k + 2;
                    let strip = d < end && b[d] == b'-';
                    if strip {
                        d += 1;
                    }
                    d = skip_blanks(b, d);
                    while d < end && matches!(b[d], b'\'' | b'"' | b'\\') {
                        d += 1;
                    }
                    let mut e = d;
                    while e < end && name_byte(b[e]) {
                        e += 1;
                    }
                    if e > d {
                        open = true;
                        tabs = strip;
                        ds = d;
                        de = e;
                        settings = writes_settings_file(b, line, end);
                        k = e;
                        // The closing quote of the delimiter.
                        while k < end && matches!(b[k], b'\'' | b'"') {
                            k += 1;
                        }
                        continue;
                    }
                }
                k += 1;
            }
        }
        line = end + 1;
    }
    if open {
        settings
    } else if quote != 0 && settings_file_named(b) {
        SETTINGS
    } else {
        NO_SETTINGS
    }
}

/// Whether a Redis ACL rule `>VALUE` with written text follows `k` on its line, among
/// rules that turn the user `on`: the word `on`, then a word starting with `>` (perhaps
/// quoted) followed by a written byte, not a variable, a space or another `>`.
const fn acl_password_after(b: &[u8], k: usize) -> bool {
    let mut on = false;
    let mut j = k;
    while j < b.len() && b[j] != b'\n' {
        if j > 0 && matches!(b[j - 1], b' ' | b'\t') {
            if word_at(b, j, b"on") || at_exactly(b, j, b"on'") || at_exactly(b, j, b"on\"") {
                on = true;
            }
            let q = skip_quotes(b, j);
            if on
                && q + 1 < b.len()
                && b[q] == b'>'
                && !matches!(
                    b[q + 1],
                    b' ' | b'\t' | b'\n' | b'>' | b'&' | b'$' | b'`' | b'/'
                )
            {
                return true;
            }
        }
        j += 1;
    }
    false
}

/// Whether an SQL string literal with written text starts at `v`: `'hunter2'`, not `''`
/// and not a variable the shell or `psql` fills in (`'$PW'`, `:'pw'`).
const fn sql_literal_at(b: &[u8], v: usize) -> bool {
    v + 1 < b.len() && b[v] == b'\'' && !matches!(b[v + 1], b'\'' | b'$' | b'`' | b'\n')
}

/// Whether `b[i..]` is the resource type of a Secrets Manager ARN,
/// `arn:PARTITION:secretsmanager:REGION:ACCOUNT:secret:NAME` (the ARN format of the Secrets
/// Manager user guide, "Resources in Secrets Manager"): what follows `secret:` is the
/// secret's name, which user data passes to fetch the value at boot, not the value.
const fn secret_of_an_arn_at(b: &[u8], i: usize) -> bool {
    if !at_exactly(b, i, b"secret:") {
        return false;
    }
    // Back to the start of the word the ARN is, counting its colons.
    let mut start = i;
    let mut colons = 0;
    while start > 0
        && !matches!(
            b[start - 1],
            b' ' | b'\t'
                | b'\n'
                | b'\r'
                | b'"'
                | b'\''
                | b'='
                | b'('
                | b','
                | b';'
                | b'|'
                | b'&'
                | b'`'
        )
    {
        if b[start - 1] == b':' {
            colons += 1;
        }
        start -= 1;
    }
    if colons != 5 || !at_exactly(b, start, b"arn:") {
        return false;
    }
    // The service, after the partition.
    let mut k = start + 4;
    while k < i && b[k] != b':' {
        k += 1;
    }
    at_exactly(b, k, b":secretsmanager:")
}

/// Whether a literal value is assigned at `k` (just after a name): optional spaces and
/// quotes, `=` or `:`, optional spaces and quotes, then a byte that starts a written value
/// (not `$` or a backquote, which fetch the value at boot, and not the end of the line).
///
/// A value that starts with a variable is written when that variable was last given written
/// text (`X=hunter2; DB_PASSWORD=$X`, through any number of copies), or when written text
/// follows the variable (`"${X}hunter2"`).
const fn literal_assigned(b: &[u8], k: usize) -> bool {
    let Some(k) = value_after_name(b, k) else {
        return false;
    };
    k < b.len()
        && b[k] != b'}'
        && (!(b[k] == b'$' || b[k] == b'`')
            || literal_expansion(b, k)
            || substitution_written_at(b, k)
            || expansions_written(b, k))
        && b[k] != b'\n'
        && b[k] != b'\r'
        && b[k] != b';'
        && !(b[k] == b'%' && printf_conversion_fetched(b, k))
        && !(b[k] == b'.' && sed_pattern_value(b, k))
}

/// Whether the value at `k` is the `.*` (or `.\+`, `.+`) that ends the pattern of a `sed`
/// `s` command (`sed -i "s/^password=.*/password=$S/"`): the pattern matches the line the
/// replacement writes, whose value [`literal_assigned`] reads at its own name (hostile
/// review 23: a third spelling of a settings line `key=$FETCHED`).
const fn sed_pattern_value(b: &[u8], k: usize) -> bool {
    let mut j = k + 1;
    if j < b.len() && b[j] == b'\\' {
        j += 1;
    }
    if !(j < b.len() && matches!(b[j], b'*' | b'+')) {
        return false;
    }
    j += 1;
    if j < b.len() && b[j] == b'$' {
        j += 1;
    }
    if !(j < b.len() && matches!(b[j], b'/' | b'|' | b'#' | b',' | b'@' | b':')) {
        return false;
    }
    if !word_at(b, command_word(b, k), b"sed") {
        return false;
    }
    // The replacement: a key, then one fetched variable and nothing written after it.
    let d = b[j];
    let mut r = j + 1;
    let mut keyed = false;
    while r < b.len() && b[r] != d && !matches!(b[r], b'$' | b'\n' | b'"' | b'\'') {
        keyed = matches!(b[r], b'=' | b':' | b' ');
        r += 1;
    }
    // Quotes that close and open around the value (`password='"$S"'|`; hostile review 24).
    r = skip_quotes(b, r);
    if !(keyed && r + 1 < b.len() && b[r] == b'$' && !written_before(b, r, r)) {
        return false;
    }
    r += 1;
    let braced = b[r] == b'{';
    if braced {
        r += 1;
    }
    let name = r;
    while r < b.len() && (b[r].is_ascii_alphanumeric() || b[r] == b'_') {
        r += 1;
    }
    if r == name || (braced && !(r < b.len() && b[r] == b'}')) {
        return false;
    }
    if braced {
        r += 1;
    }
    while r < b.len() && matches!(b[r], b'"' | b'\'') {
        r += 1;
    }
    r < b.len() && b[r] == d
}

/// Whether the value at `k`, which starts with a variable (`$X`, `${X}`), holds written
/// text: one of its variables was last given written text, or a letter or digit is
/// written after one of them in the same word (`${X}hunter2`, `"$X"hunter2`, and after
/// other written characters, `"$X-hunter2"`: hostile review 21), but for the escape of a
/// new line or a tab (`"$X\n"`).
const fn expansions_written(b: &[u8], mut k: usize) -> bool {
    // Inside double quotes at the value's start (`export DB_PASSWORD="$S hunter2"`, `echo
    // "password=$S hunter2"`): read from the start of the line, as the shell reads quotes
    // (hostile review 23).
    let mut double = false;
    let mut closed_single = false;
    {
        let mut j = k;
        while j > 0 && b[j - 1] != b'\n' {
            j -= 1;
        }
        let mut single = false;
        while j < k {
            if b[j] == b'\\' && !single {
                j += 2;
                continue;
            }
            if b[j] == b'"' && !single {
                double = !double;
            } else if b[j] == b'\'' && !double {
                single = !single;
            }
            j += 1;
        }
        if single {
            // `'{password:$p}'` (a `jq` program): no expansion, and the quote ends it.
            double = false;
            closed_single = true;
        }
    }
    // A quote closed after the value (`db_password: "$S", user: app`): a `,` then ends it.
    let mut closed = false;
    // Whether the line is one of a settings file a here-document or open quotes write,
    // whose value runs to the end of the line (0 not asked yet, 1 yes, 2 no, 3 the words
    // of an `echo`).
    let mut settings_line = 0u8;
    loop {
        if !(k < b.len() && b[k] == b'$') {
            return false;
        }
        if written_before(b, k, k) {
            return true;
        }
        // Past the variable: `${NAME}` or `$NAME`.
        let braced = at_exactly(b, k, b"${");
        let mut e = if braced { k + 2 } else { k + 1 };
        let start = e;
        while e < b.len() && (b[e].is_ascii_alphanumeric() || b[e] == b'_') {
            e += 1;
        }
        if e == start {
            return false;
        }
        if braced {
            if !(e < b.len() && b[e] == b'}') {
                return false;
            }
            e += 1;
        }
        // The rest of the word, to the next variable, as the shell splits words: quotes
        // group (`"$S hunter2"`, `"$S"'hunter2'`) and `\ ` escapes a blank (hostile review
        // 23). A line of a settings file (a here-document's: `db_password=$S hunter2`) runs
        // to its end, quotes and blanks included. The escape of a new line (`\n`) ends it.
        k = e;
        while k < b.len() && b[k] != b'$' {
            let x = b[k];
            if x == b'\n' {
                return false;
            }
            if x == b'"' {
                closed = double;
                double = !double;
                k += 1;
                continue;
            }
            if x == b',' && closed {
                return false;
            }
            // A comment after a blank (`DB_PASSWORD=$S # fetched` in an `.env` file or the
            // shell) ends the value.
            if x == b'#' && !double && k > 0 && matches!(b[k - 1], b' ' | b'\t') {
                return false;
            }
            if x == b'\'' && !double {
                if closed_single {
                    return false;
                }
                k += 1;
                while k < b.len() && b[k] != b'\'' && b[k] != b'\n' {
                    if b[k].is_ascii_alphanumeric() {
                        return true;
                    }
                    k += 1;
                }
                k += 1;
                closed = true;
                continue;
            }
            if x == b'\\' && k + 1 < b.len() {
                // The escape of a new line ends the line; of a tab or a carriage return, a
                // blank or a quote (`"DB_PASSWORD=\"$S\""`), it is no written text.
                if b[k + 1] == b'n' {
                    return false;
                }
                if matches!(b[k + 1], b't' | b'r' | b' ' | b'\t' | b'"' | b'\'' | b'\\') {
                    k += 2;
                    continue;
                }
            }
            if !double
                && matches!(
                    x,
                    b' ' | b'\t' | b'\r' | b';' | b'&' | b'|' | b')' | b'<' | b'>' | b'`'
                )
            {
                if settings_line == 0 {
                    // (A line of a settings file starts with its key: only then is the
                    // text read from its start, which the budget of const evaluation
                    // counts.)
                    settings_line = if key_starts_line(b, k)
                        && settings_here_document_line(b, k) != NO_SETTINGS
                    {
                        1
                    } else if word_at(b, skip_blanks(b, command_start(b, k)), b"echo") {
                        // `echo` joins its words with a space on one line (`echo
                        // "password=$S" hunter2`): up to a redirection or an operator.
                        3
                    } else {
                        2
                    };
                }
                if settings_line == 2 || (settings_line == 3 && !matches!(x, b' ' | b'\t')) {
                    return false;
                }
            }
            if x.is_ascii_alphanumeric() {
                return true;
            }
            k += 1;
        }
    }
}

/// Whether the name whose value holds `k` starts its line, after blanks (`password=…`,
/// `  password: …`), as a line of a settings file does; `export PASSWORD=…` does not.
const fn key_starts_line(b: &[u8], k: usize) -> bool {
    // Back to the `=` or `:` before the value.
    let mut j = k;
    while j > 0 && !matches!(b[j - 1], b'=' | b':' | b'\n') {
        j -= 1;
    }
    if j == 0 || b[j - 1] == b'\n' {
        return false;
    }
    j -= 1;
    while j > 0 && matches!(b[j - 1], b' ' | b'\t' | b'"' | b'\'') {
        j -= 1;
    }
    while j > 0 && (name_byte(b[j - 1]) || matches!(b[j - 1], b'.' | b'-')) {
        j -= 1;
    }
    while j > 0 && matches!(b[j - 1], b' ' | b'\t' | b'"' | b'\'') {
        j -= 1;
    }
    j == 0 || b[j - 1] == b'\n'
}

/// Whether the `%` at `k` is a conversion of a `printf` format (`printf 'password=%s\n'
/// "$S"`) given a value fetched at boot, with no text after it on its line: a fetched value
/// put in place, as `password=$S` in a here-document is (hostile review 23). Text after the
/// conversion (`'password=%s-hunter2\n'`) or an argument that is written or mixes written
/// text is not.
const fn printf_conversion_fetched(b: &[u8], k: usize) -> bool {
    let start = command_word(b, k);
    if !word_at(b, start, b"printf") {
        return false;
    }
    let (fs, fe) = next_shell_word(b, start + 6);
    if !(fs < k && k < fe) {
        return false;
    }
    // Which conversion it is.
    let mut index = 0;
    let mut j = fs;
    while j < k {
        if b[j] == b'%' {
            if j + 1 < fe && b[j + 1] == b'%' {
                j += 2;
                continue;
            }
            index += 1;
        }
        j += 1;
    }
    // The conversion, then blanks or escapes to the end of its line or of the format.
    // `%s` and `%b` put the value in place, `%q` too, quoted for the shell; a width pads it
    // with blanks (`%-10s`). A precision cuts it (`%.3s`), and the numeric and character
    // conversions (`%d`, `%x`, `%c`) print something else than the value fetched: written
    // by the format (hostile review 24).
    j = k + 1;
    while j < fe && matches!(b[j], b'-' | b'+' | b'#' | b' ' | b'0'..=b'9') {
        j += 1;
    }
    if !(j < fe && matches!(b[j], b's' | b'b' | b'q')) {
        return false;
    }
    j += 1;
    while j < fe {
        if b[j] == b'\\' && j + 1 < fe {
            if b[j + 1] == b'n' {
                break;
            }
            if matches!(b[j + 1], b't' | b'r') {
                j += 2;
                continue;
            }
        }
        if !matches!(b[j], b' ' | b'\t' | b'"' | b'\'') {
            return false;
        }
        j += 1;
    }
    // Its argument.
    let mut w = fe;
    let mut n = 0;
    loop {
        let (s, e) = next_shell_word(b, w);
        if s == e || matches!(b[s], b'<' | b'>') {
            return false;
        }
        if n == index {
            let v = skip_quotes(b, s);
            return v < e
                && (b[v] == b'$' || b[v] == b'`')
                && !written_at(b, s)
                && !word_mixes_text(b, s, e);
        }
        n += 1;
        w = e;
    }
}

/// Where the value assigned just after a name (at `k`) starts: after optional spaces and
/// quotes, `=`, `+=` or `:` (or `${NAME:-…}`'s operator), and optional spaces and quotes.
/// `None` when no value is assigned there.
const fn value_after_name(b: &[u8], mut k: usize) -> Option<usize> {
    // Blanks are spaces or tabs (`password\t= hunter2` in an INI or TOML file), or the
    // escape of a tab that `printf` and `echo -e` write as one.
    while k < b.len() && matches!(b[k], b' ' | b'\t' | b'"' | b'\'' | b'\\') {
        if b[k] == b'\\' {
            if !(k + 1 < b.len() && b[k + 1] == b't') {
                break;
            }
            k += 1;
        }
        k += 1;
    }
    // `NAME+=value` appends a written value as much as `NAME=value` assigns one.
    if k + 1 < b.len() && b[k] == b'+' && b[k + 1] == b'=' {
        k += 1;
    }
    if !(k < b.len() && (b[k] == b'=' || b[k] == b':')) {
        return None;
    }
    k = after_parameter_operator(b, k);
    // A quote that closes the word right after the `=` (`grep -q "^password=" FILE`, a
    // pattern of a text command): no value is given (hostile review 24), but for `echo`,
    // which writes its next word on the same line (`echo "password=" hunter2`).
    if k + 1 < b.len()
        && matches!(b[k], b'"' | b'\'')
        && matches!(b[k + 1], b' ' | b'\t' | b'\n' | b';' | b'|' | b'&' | b')')
        && quoted_at(b, k)
        && !word_at(b, command_word(b, k), b"echo")
    {
        return None;
    }
    // `$'…'` and `$"…"` quote a literal as `'…'` and `"…"` do (bash(1), QUOTING):
    // `PASSWORD=$'hunter2'` assigns `hunter2`. An escaped quote (`echo
    // "DB_PASSWORD=\"$S\""`) quotes the value of the line written (hostile review 23).
    while k < b.len() && matches!(b[k], b' ' | b'\t' | b'"' | b'\'' | b'\\' | b'$') {
        if b[k] == b'$' {
            if !(k + 1 < b.len() && matches!(b[k + 1], b'\'' | b'"')) {
                break;
            }
        } else if b[k] == b'\\' {
            if !(k + 1 < b.len() && matches!(b[k + 1], b't' | b'"' | b'\'')) {
                break;
            }
            k += 1;
        }
        k += 1;
    }
    Some(k)
}

/// Whether the value assigned just after a name (at `k`) is a Secrets Manager ARN, whose
/// `secret:` is followed by the secret's name: `DB_SECRET=arn:aws:secretsmanager:…:secret:db`
/// names the secret that user data fetches at boot; it does not hold it.
const fn secret_arn_assigned(b: &[u8], k: usize) -> bool {
    let Some(v) = value_after_name(b, k) else {
        return false;
    };
    // The sixth part of the ARN, after its fifth colon.
    let mut j = v;
    let mut colons = 0;
    while j < b.len() && colons < 5 && !matches!(b[j], b' ' | b'\t' | b'\n' | b'\r') {
        if b[j] == b':' {
            colons += 1;
        }
        j += 1;
    }
    colons == 5 && secret_of_an_arn_at(b, j)
}

/// The index after the `=` or `:` at `k` that follows a name, and after the operator of
/// `${NAME:-…}` (`:-`, `:=`, `:+`, `:?`), whose value is what follows it.
const fn after_parameter_operator(b: &[u8], k: usize) -> usize {
    if b[k] == b':' && k + 1 < b.len() && matches!(b[k + 1], b'-' | b'=' | b'+' | b'?') {
        k + 2
    } else {
        k + 1
    }
}

/// Whether the variable expanded at `v` (`$PW`, `${PW}`) was last given written text
/// before it: `PW=hunter2`, `export PW='hunter2'`, `read -r PW <<< hunter2`. Its value is
/// then in the text, whatever the variable is called (`X=hunter2; mysql -p"$X"`). The last
/// assignment before the use decides (`X=$(fetch)` after `X=placeholder` is fetched).
const fn variable_written(b: &[u8], v: usize) -> bool {
    written_before(b, v, v)
}

/// Whether the variable expanded at `v` was last given written text before `limit` (see
/// [`variable_written`]). A copy of another variable (`Y=$X`) is written when that one was,
/// before the copy.
const fn written_before(b: &[u8], v: usize, limit: usize) -> bool {
    // The name.
    let braced = at_exactly(b, v, b"${");
    let start = if braced { v + 2 } else { v + 1 };
    let mut end = start;
    while end < b.len() && (b[end].is_ascii_alphanumeric() || b[end] == b'_') {
        end += 1;
    }
    // A braced name may go on with a subscript or an operator (`${C[0]}`, `${C[@]}`,
    // `${C:-…}`, `${C#…}`): its value is still the variable's (hostile review 26).
    if end == start || (braced && end >= b.len()) {
        return false;
    }
    let len = end - start;
    let first = b[start];
    // bash's variables that hold what a command was given or read, without `NAME=` in the
    // text: `$_` (the last argument), `$REPLY` (`read` without a name), `MAPFILE`,
    // `BASH_REMATCH`, `BASH_ALIASES`, `PWD` ([`bash_set_name`]; hostile review 26). Whatever
    // the script wrote may be there.
    if (len == 1 && first == b'_')
        || (matches!(
            first,
            b'B' | b'C' | b'R' | b'M' | b'O' | b'P' | b'D' | b'F' | b'G' | b'H'
        ) && bash_set_name(b, start, end))
    {
        return true;
    }
    // Back from the use to the last assignment of the name.
    let mut k = limit;
    while k > 0 {
        k -= 1;
        if b[k] != first
            || k + len >= b.len()
            || (k > 0
                && (b[k - 1].is_ascii_alphanumeric() || b[k - 1] == b'_')
                // Glued to `printf -v` or `read -a` (`-vC`, `-raC`; hostile review 27).
                && !(matches!(b[k - 1], b'v' | b'a') && flag_attached(b, k)))
            // Another expansion of the name sets nothing (but PowerShell's `$NAME = …`).
            || (k > 0 && b[k - 1] == b'$' && !matches!(b[k + len], b' ' | b'\t'))
            || !names_equal(b, k, start, len)
        {
            continue;
        }
        // PowerShell's `Set-Variable NAME VALUE` and its spellings (hostile review 21).
        if k > 0 && matches!(b[k - 1], b' ' | b'\t' | b'"' | b'\'' | b':') {
            let c = skip_blanks(b, command_start(b, k));
            if c < k && matches!(lower!(b[c]), b's' | b'n') {
                let (ns, ne, value) = variable_setter_at(b, c);
                if ns == k && ne == k + len {
                    return c < v && value < v && variable_setter_written(b, c, value);
                }
            }
        }
        // PowerShell's `$NAME = VALUE`, spaced (hostile review 20).
        if k > 0 && b[k - 1] == b'$' && matches!(b[k + len], b' ' | b'\t') {
            let eq = skip_blanks(b, k + len);
            if eq + 1 < b.len() && b[eq] == b'=' && b[eq + 1] != b'=' {
                let value = skip_blanks(b, eq + 1);
                if value >= limit {
                    // The assignment whose value holds the use (`$p = "$p$p"`): the one
                    // before it decides.
                    continue;
                }
                return value < v && powershell_value_written(b, value);
            }
        }
        // The `=` of an assignment: `NAME=`, `NAME+=` (which appends), a subscript's
        // (`NAME[0]=`, `NAME[k]+=`), and `${NAME:=…}`, which assigns its text to an unset
        // name (hostile review 26).
        let mut eq = subscript_end(b, k + len);
        let appended = eq + 1 < b.len() && b[eq] == b'+' && b[eq + 1] == b'=';
        let defaulted = eq == k + len
            && eq + 1 < b.len()
            && b[eq] == b':'
            && b[eq + 1] == b'='
            && k >= 2
            && b[k - 1] == b'{'
            && b[k - 2] == b'$';
        if appended || defaulted {
            eq += 1;
        }
        if eq < b.len() && b[eq] == b'=' {
            if secret_arn_assigned(b, k + len) {
                // A Secrets Manager ARN names the secret; it does not hold it.
                return false;
            }
            let value = skip_quotes(b, eq + 1);
            let end = shell_word_end(b, eq + 1);
            // (A substitution read by its parentheses too: a `}` inside it, `$(echo } $c)`,
            // ends the word `shell_word_end` reads.)
            // Read only when the word does not end at the substitution's close (cheap first:
            // the budget of const evaluation counts steps).
            let substitution = value < b.len()
                && (b[value] == b'`'
                    || (b[value] == b'$' && value + 1 < b.len() && b[value + 1] == b'('));
            let closed = end > value
                && (matches!(b[end - 1], b')' | b'`')
                    || (end >= 2
                        && matches!(b[end - 1], b'"' | b'\'')
                        && matches!(b[end - 2], b')' | b'`')));
            if value < v
                && (v < end || (substitution && !closed && substitution_holds(b, value, v)))
            {
                // The assignment whose value holds the use (`c=$(echo "$c" | tr a b)`)
                // reads the value before it: the setter before decides (and reading this
                // one again would not end).
                continue;
            }
            return value < v
                && value < b.len()
                && !matches!(
                    b[value],
                    b'\n' | b'\r' | b';' | b' ' | b'\t' | b'&' | b'|' | b')' | b'}'
                )
                && (!(b[value] == b'$' || b[value] == b'`')
                    || literal_expansion(b, value)
                    || substitution_written_at(b, value)
                    || (b[value] == b'$' && written_before(b, value, k))
                    // A copy that mixes written text with a fetched value (`X="$S
                    // hunter2"`; hostile review 23).
                    || word_mixes_text(b, eq + 1, end));
        }
        // `read … NAME <<< text`.
        if k > 0 && matches!(b[k - 1], b' ' | b'\t') && blank(b, k + len) > 0 {
            let h = skip_blanks(b, k + len);
            if at_exactly(b, h, b"<<<") && word_at(b, skip_blanks(b, command_start(b, k)), b"read")
            {
                let t = skip_blanks(b, h + 3);
                let text = skip_quotes(b, t);
                return text < b.len()
                    && (!matches!(b[text], b'$' | b'`' | b'\n')
                        || word_mixes_text(b, t, shell_word_end(b, t)));
            }
        }
        // A builtin that sets the name given as its operand (`read`, `mapfile`, `printf
        // -v`, `for`), unless the use is one of its own words (`for c in $c`, `read c <<<
        // "$c"`), which expands the value before it.
        let set = named_setter(b, k, len, v);
        if set != NOT_SET {
            return set == SET_WRITTEN;
        }
    }
    false
}

/// [`named_setter`]: the word is no operand of a builtin that sets a variable.
const NOT_SET: u8 = 0;
/// [`named_setter`]: the builtin sets the variable to a value fetched at boot.
const SET_FETCHED: u8 = 1;
/// [`named_setter`]: the builtin sets the variable to text written in the script.
const SET_WRITTEN: u8 = 2;

/// How the name at `k` (`len` bytes) is set when it is the operand of one of bash's
/// builtins that set a variable named as an operand (Bash Reference Manual, "Bash Builtin
/// Commands" and "Looping Constructs"; hostile review 26): `read` and `mapfile` (or
/// `readarray`) from their input ([`input_text_written`]: `mapfile -t C <<< 'root:…'`, `read
/// C <<'EOF'`, `read C < <(echo …)`), `printf -v NAME FORMAT …` ([`printf_value_written`]),
/// and `for NAME in WORDS` or `select` ([`loop_words_written`]). [`SET_WRITTEN`] when the
/// value is text written in the script, [`SET_FETCHED`] when it is not, [`NOT_SET`] when the
/// word is no such operand (`echo C`), or when the use at `v` is one of the builtin's own
/// words (`for C in $C`, `read C <<< "$C"`), which expand the value before it.
const fn named_setter(b: &[u8], k: usize, len: usize, v: usize) -> u8 {
    let n = b.len();
    // An operand: a word of its own (quoted or not), or attached to a flag cluster (`printf
    // -vC`, `read -raC`).
    let attached = flag_attached(b, k);
    if !(attached || (k > 0 && matches!(b[k - 1], b' ' | b'\t' | b'"' | b'\''))) {
        return NOT_SET;
    }
    let mut after = k + len;
    while after < n && matches!(b[after], b'"' | b'\'') {
        after += 1;
    }
    if !(after == n
        || matches!(
            b[after],
            b' ' | b'\t' | b'\r' | b'\n' | b';' | b'<' | b'|' | b'&' | b')'
        ))
    {
        return NOT_SET;
    }
    let mut j = k;
    while j < v && !matches!(b[j], b'\n' | b';') {
        j += 1;
    }
    // A PowerShell script sets its variables otherwise (see [`variable_setter_at`]).
    if j >= v || (b[0] == b'<' && ec2launch_text(b)) {
        return NOT_SET;
    }
    // The use may still be one of the command's words, as the readers of its words below
    // read them (a `;` inside quotes: `printf -v c "…; $c"`): then, too, it is no use of
    // what the command sets, and reading it again would not end.
    if j < n && b[j] == b';' {
        let mut w = k;
        loop {
            let (ws, we) = next_shell_word(b, w);
            if ws == we || ws > v {
                break;
            }
            if we > v {
                return NOT_SET;
            }
            w = we;
        }
    }
    // The command (past `sudo`, `if` and the like, a group's `{` or `(`, and assignments
    // for it alone: `IFS= read`).
    let mut c = command_word(b, k);
    let mut words = 0;
    while c < k && words < 8 {
        if matches!(b[c], b'{' | b'(') {
            c = skip_blanks(b, c + 1);
        } else if b[c].is_ascii_alphabetic() || b[c] == b'_' {
            let mut e = c;
            while e < k && (b[e].is_ascii_alphanumeric() || b[e] == b'_') {
                e += 1;
            }
            if !(e < k && b[e] == b'=') {
                break;
            }
            c = skip_blanks(b, shell_word_end(b, e + 1));
        } else {
            break;
        }
        words += 1;
    }
    if c >= k {
        return NOT_SET;
    }
    let written = if word_at(b, c, b"for") || word_at(b, c, b"select") {
        if skip_blanks(b, next_word(b, c).1) != k {
            return NOT_SET;
        }
        loop_words_written(b, after)
    } else if word_at(b, c, b"printf") {
        // The name after `-v`.
        let mut p = k;
        while p > 0 && matches!(b[p - 1], b'"' | b'\'') {
            p -= 1;
        }
        while p > 0 && matches!(b[p - 1], b' ' | b'\t') {
            p -= 1;
        }
        if !((attached && b[k - 1] == b'v')
            || (p >= 3 && b[p - 1] == b'v' && b[p - 2] == b'-' && blank_before(b, p - 2)))
        {
            return NOT_SET;
        }
        printf_value_written(b, after)
    } else if word_at(b, c, b"read") || word_at(b, c, b"mapfile") || word_at(b, c, b"readarray") {
        input_text_written(b, c)
    } else {
        return NOT_SET;
    };
    if written { SET_WRITTEN } else { SET_FETCHED }
}

/// Whether the words of a `for` or `select` loop, from `k` (after its name), hold text
/// written in the script: `in root:hunter2`, a variable given written text, a substitution
/// printing some. Without `in`, the loop reads the script's arguments, which count as
/// written ([`argument_at`]).
const fn loop_words_written(b: &[u8], k: usize) -> bool {
    let k = skip_blanks(b, k);
    if !word_at(b, k, b"in") {
        return true;
    }
    let mut k = k + 2;
    loop {
        let (s, e) = next_shell_word(b, k);
        if s == e || word_at(b, s, b"do") {
            return false;
        }
        if written_at(b, s) || word_mixes_text(b, s, e) {
            return true;
        }
        k = e;
    }
}

/// Whether `printf -v NAME FORMAT ARGUMENTS…`, whose words start at `k` (after the name),
/// gives the name text written in the script: a format with letters or digits of its own
/// (`'root:%s'`), or an argument that is written text, a variable given some, or a
/// substitution printing some. A format of conversions alone (`'%s'`, `'%s\n'`) writes
/// nothing of its own.
const fn printf_value_written(b: &[u8], k: usize) -> bool {
    let mut k = k;
    let mut format = true;
    loop {
        let (s, e) = next_shell_word(b, k);
        if s == e || matches!(b[s], b'<' | b'>') {
            return false;
        }
        k = e;
        if format {
            format = false;
            // The format's own letters and digits: after a conversion, or before the first
            // one unless they are a key (`'admin:%s'`, as [`printed_words_mix_text`] reads
            // them).
            let mut j = s;
            let mut converted = false;
            let mut before = false;
            let mut key = false;
            while j < e {
                let x = b[j];
                if x == b'%' && j + 1 < e && b[j + 1] == b'%' {
                    j += 2;
                    continue;
                }
                if x == b'%' {
                    if !converted {
                        let mut p = j;
                        while p > s && matches!(b[p - 1], b'"' | b'\'') {
                            p -= 1;
                        }
                        key = p > s && matches!(b[p - 1], b'=' | b':');
                    }
                    j += 1;
                    while j < e && matches!(b[j], b'-' | b'+' | b'#' | b' ' | b'0'..=b'9' | b'.') {
                        j += 1;
                    }
                    converted = true;
                } else if x == b'\\' {
                    j += 1;
                } else if x == b'$' || x == b'`' {
                    if written_at(b, j) {
                        return true;
                    }
                } else if x.is_ascii_alphanumeric() {
                    if converted {
                        return true;
                    }
                    before = true;
                }
                j += 1;
            }
            if before && !(converted && key) {
                return true;
            }
            continue;
        }
        if written_at(b, s) || word_mixes_text(b, s, e) {
            return true;
        }
    }
}

/// Whether the input of the `read`, `mapfile` or `readarray` command at `c` is text written
/// in the script: a here-string of written text (or a variable given some), a
/// here-document that expands nothing, a process substitution that prints written text
/// (`< <(echo …)`), a file the script wrote from its text, or the stage before it in a
/// pipeline (`echo … | read C`, read in bash's `lastpipe` or a group) printing written
/// text.
const fn input_text_written(b: &[u8], c: usize) -> bool {
    let n = b.len();
    // `while read …; do …; done <<< …`: the loop's input (hostile review 26).
    let mut w = c;
    while w > 0 && matches!(b[w - 1], b' ' | b'\t') {
        w -= 1;
    }
    if w >= 5 && (at_exactly(b, w - 5, b"while") || at_exactly(b, w - 5, b"until")) {
        let mut d = c;
        while d + 4 <= n && !(b[d] == b'd' && word_at(b, d, b"done") && command_position(b, d)) {
            d += 1;
        }
        if d + 4 <= n && redirected_text_written(b, d + 4, c) {
            return true;
        }
    }
    let start = command_start(b, c);
    if start > 0 && b[start - 1] == b'|' {
        let mut p = start - 1;
        while p > 0 && !(matches!(b[p - 1], b';' | b'|' | b'&' | b'\n') && command_end(b, p - 1)) {
            p -= 1;
        }
        if text_written_by(b, p, start - 1) || substitution_written(b, p, b'|') {
            return true;
        }
    }
    if redirected_text_written(b, c, c) {
        return true;
    }
    // Without an input the check reads (a file descriptor, `-u N`, the script's own input):
    // what it reads may be anything the script wrote (`exec 3<<< …; read -u3 C`).
    let mut j = c;
    let mut input = start > 0 && b[start - 1] == b'|';
    while j < n && !(matches!(b[j], b';' | b'|' | b'&' | b'\n') && command_end(b, j)) {
        if b[j] == b'<' {
            let r = skip_blanks(b, j + 1);
            input = !(r < n && b[r] == b'&');
        }
        if b[j] == b'-' && blank_before(b, j) && cluster_has(b, j, next_word(b, j).1, b'u') {
            return true;
        }
        j += 1;
    }
    !input && !(w >= 5 && (at_exactly(b, w - 5, b"while") || at_exactly(b, w - 5, b"until")))
}

/// Whether the command's words from `j` redirect text written in the script into it (see
/// [`input_text_written`]); a file must have been written before `before`.
const fn redirected_text_written(b: &[u8], j: usize, before: usize) -> bool {
    let n = b.len();
    let mut j = j;
    while j < n && !(matches!(b[j], b';' | b'|' | b'&' | b'\n') && command_end(b, j)) {
        if b[j] == b'<' {
            if at_exactly(b, j, b"<<<") {
                let t = skip_blanks(b, j + 3);
                return written_at(b, t) || word_mixes_text(b, t, shell_word_end(b, t));
            }
            if at_exactly(b, j, b"<<") {
                return here_document_holds_text(b, j) && !here_document_expands(b, j);
            }
            let r = skip_blanks(b, j + 1);
            if at_exactly(b, r, b"<(") {
                return substitution_written(b, r + 2, b')');
            }
            let (s, e) = next_word(b, j + 1);
            let q = skip_quotes(b, s);
            let mut f = e;
            while f > q && matches!(b[f - 1], b'"' | b'\'') {
                f -= 1;
            }
            return f > q && b[q] != b'$' && file_written_from_text(b, q, f, before);
        }
        j += 1;
    }
    false
}

/// Whether the `len` bytes at `a` and at `c` are the same.
const fn names_equal(b: &[u8], a: usize, c: usize, len: usize) -> bool {
    let mut j = 0;
    while j < len {
        if b[a + j] != b[c + j] {
            return false;
        }
        j += 1;
    }
    true
}

/// Whether the expansion at `k` (a `$` or a backquote) makes text written in the script:
/// a command substitution of `echo` or `printf` with written words (`$(echo hunter2)`),
/// of `cat <<< hunter2`, or a parameter with a written default or alternative
/// (`${PW:-hunter2}`, `${PW:=hunter2}`, `${PW:+hunter2}`). Such a value is not fetched at
/// boot: it is in the text.
///
/// An argument of the script or of a shell function ([`argument_at`]: `$1`, `"$@"`,
/// `$OPTARG`, `${!N}`) counts as written too: its text is whatever the caller wrote
/// (`f() { PASSWORD=$1; }; f hunter2`, `set -- hunter2`), which the check cannot follow, so
/// it is refused where written text would be.
const fn literal_expansion(b: &[u8], k: usize) -> bool {
    if argument_at(b, k) {
        return true;
    }
    let (start, close) = if at_exactly(b, k, b"$(") && !at_exactly(b, k, b"$((") {
        (k + 2, b')')
    } else if k < b.len() && b[k] == b'`' {
        (k + 1, b'`')
    } else if at_exactly(b, k, b"${") {
        // `${NAME` then an operator with a default or an alternative.
        let mut j = k + 2;
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
            j += 1;
        }
        if j < b.len() && b[j] == b':' {
            j += 1;
        }
        if !(j < b.len() && matches!(b[j], b'-' | b'=' | b'+')) {
            return false;
        }
        let v = skip_quotes(b, j + 1);
        return v < b.len() && !matches!(b[v], b'}' | b'$' | b'`' | b'\n');
    } else {
        return false;
    };
    let s = skip_blanks(b, start);
    let cat = word_at(b, s, b"cat");
    if !(word_at(b, s, b"echo") || word_at(b, s, b"printf") || cat) {
        return false;
    }
    // Written words up to the end of the substitution: no variable, command or pipe.
    let mut j = s;
    let mut here_string = false;
    while j < b.len() && b[j] != close && b[j] != b'\n' {
        if at_exactly(b, j, b"<<<") {
            here_string = true;
            j += 3;
            continue;
        }
        if cat && at_exactly(b, j, b"<<") {
            // `$(cat <<EOF` then lines that expand nothing: written text.
            return !here_document_expands(b, j) && here_document_holds_text(b, j);
        }
        if matches!(b[j], b'$' | b'`' | b'|' | b'<' | b';' | b'&') {
            return false;
        }
        j += 1;
    }
    j < b.len() && b[j] == close && (!cat || here_string)
}

/// Whether the command substitution (or process substitution) whose text starts at
/// `start` and ends at `close` prints text written in the script, whatever command it
/// ends in: a here-string of written text anywhere in it (`$(rev <<< 2retnuh)`,
/// `$(xargs <<< hunter2)`, `$(<<< hunter2 cat)`, `$(jq -r .pw <<< '{…}')`), or an `echo`,
/// `printf` or `yes` of written words in any of its commands (`$(true; echo hunter2)`,
/// `$(echo hunter2 | head -c 7)`). What such a command prints is not fetched at boot: it is
/// in the text, whatever the commands after it do with it (hostile review 18).
const fn substitution_written(b: &[u8], start: usize, close: u8) -> bool {
    let mut j = start;
    let mut command = true;
    // Each byte is tested once, with calls only where a here-string or a command may
    // start: the budget of const evaluation counts calls.
    while j < b.len() && b[j] != close && b[j] != b'\n' {
        let c = b[j];
        if c == b'<' && j + 2 < b.len() && b[j + 1] == b'<' && b[j + 2] == b'<' {
            let v = skip_quotes(b, skip_blanks(b, j + 3));
            if v < b.len() && !matches!(b[v], b'$' | b'`' | b'\n' | b')' | b';' | b'|' | b'&') {
                return true;
            }
            j += 3;
            continue;
        }
        if matches!(c, b';' | b'|' | b'&' | b'(' | b'{') {
            command = true;
        } else if !matches!(c, b' ' | b'\t') {
            if command
                && matches!(c, b'e' | b'p' | b'y' | b'"' | b'\'' | b'\\')
                && (word_at(b, j, b"echo") || word_at(b, j, b"printf") || word_at(b, j, b"yes"))
                && printed_written(b, j, close)
            {
                return true;
            }
            if (command && matches!(c, b'j' | b's') && stage_writes_text(b, j))
                || (c == b'-' && at_exactly(b, j, b"--query") && query_literal(b, j + 7))
            {
                return true;
            }
            command = false;
        }
        j += 1;
    }
    false
}

/// Whether the string of a jq program at `p` (its `"`, or `\"` in a double-quoted word)
/// only joins what jq reads (`.username + " " + .password`, `"\t"`, `":"`; hostile review
/// 29): one to three blanks or separators (` `, `:`, `,`, `;`, `|`, `=`, `/`, `@`, `-`,
/// `_`, `.`) or the escapes `\t` and `\n`, closed on the line, and joined by `+` to a path
/// on each side (`.u + "-" + "@"` gives written text: not a separator).
const fn jq_separator(b: &[u8], p: usize) -> bool {
    let escaped = b[p] == b'\\';
    let mut k = if escaped { p + 2 } else { p + 1 };
    let mut n = 0;
    while k < b.len() && n <= 3 {
        let x = b[k];
        if x == b'"' && !escaped {
            return n > 0 && jq_joins_paths(b, p, k + 1);
        }
        if x == b'\\' {
            if k + 1 < b.len() && b[k + 1] == b'"' && escaped {
                return n > 0 && jq_joins_paths(b, p, k + 2);
            }
            if !(k + 1 < b.len() && matches!(b[k + 1], b't' | b'n')) {
                return false;
            }
            k += 2;
        } else if matches!(
            x,
            b' ' | b':' | b',' | b';' | b'|' | b'=' | b'/' | b'@' | b'-' | b'_' | b'.'
        ) {
            k += 1;
        } else {
            return false;
        }
        n += 1;
    }
    false
}

/// Whether the jq string `b[s..e]` stands between two paths joined by `+` (`.u + " " +
/// .p`): a name, `]` or `)` before the `+` before it, a `.` after the `+` after it.
const fn jq_joins_paths(b: &[u8], s: usize, e: usize) -> bool {
    let mut a = s;
    while a > 0 && matches!(b[a - 1], b' ' | b'\t') {
        a -= 1;
    }
    if !(a > 0 && b[a - 1] == b'+') {
        return false;
    }
    a -= 1;
    while a > 0 && matches!(b[a - 1], b' ' | b'\t') {
        a -= 1;
    }
    let mut z = skip_blanks(b, e);
    if !(z < b.len() && b[z] == b'+') {
        return false;
    }
    z = skip_blanks(b, z + 1);
    a > 0 && (name_byte(b[a - 1]) || matches!(b[a - 1], b']' | b')')) && z < b.len() && b[z] == b'.'
}

/// Whether the stage at `j` of a substitution gives text written in the script whatever it
/// reads (hostile review 20: `$(aws secretsmanager get-secret-value … | jq -r '"hunter2"')`
/// passed): `jq` whose program holds a string or a number of its own (a key, `."db-pw"` or
/// `.["db-pw"]`, and an index, `.[0]`, are not), or `sed` whose `s` command replaces with
/// written letters or digits (`sed 's/.*/hunter2/'`; `\1` and `&` are what it read).
const fn stage_writes_text(b: &[u8], j: usize) -> bool {
    let jq = word_at(b, j, b"jq");
    if !(jq || word_at(b, j, b"sed")) {
        return false;
    }
    // The program: the first word that is no flag (past `-e`, and `--arg NAME VALUE`'s two
    // values for `jq`).
    let mut k = if jq { j + 2 } else { j + 3 };
    let mut program = 0;
    loop {
        let (s, e) = next_word(b, k);
        if s == e {
            break;
        }
        k = e;
        let q = skip_quotes(b, s);
        if q < e && b[q] == b'-' {
            if jq && (at_exactly(b, q, b"--arg ") || at_exactly(b, q, b"--argjson ")) {
                k = next_word(b, next_word(b, e).1).1;
            }
            continue;
        }
        program = s;
        break;
    }
    if program == 0 || !matches!(b[program], b'\'' | b'"') {
        return false;
    }
    let quote = b[program];
    let mut p = program + 1;
    if jq {
        // An object or an array built around what it reads or a variable (`{"user":
        // "app", "password": $p}`) holds the fetched value: read as `"user=app $PW"` is.
        let open = skip_blanks(b, p);
        if open < b.len() && matches!(b[open], b'{' | b'[') {
            let mut t = open;
            while t < b.len() && b[t] != quote && b[t] != b'\n' {
                if matches!(b[t], b'$' | b'.') {
                    return false;
                }
                t += 1;
            }
        }
        while p < b.len() && b[p] != quote && b[p] != b'\n' {
            let x = b[p];
            let mut before = p;
            while before > program + 1 && matches!(b[before - 1], b' ' | b'\t') {
                before -= 1;
            }
            let key = before > program + 1 && matches!(b[before - 1], b'.' | b'[');
            if x == b'"' || (x == b'\\' && p + 1 < b.len() && b[p + 1] == b'"') {
                if !key && !jq_separator(b, p) {
                    return true;
                }
                // Past the key.
                p += if x == b'\\' { 2 } else { 1 };
                while p < b.len() && b[p] != b'"' && b[p] != b'\n' {
                    p += 1;
                }
            } else if x.is_ascii_digit() && !key && !name_byte(b[p - 1]) {
                return true;
            }
            p += 1;
        }
        return false;
    }
    // `sed 's/PATTERN/REPLACEMENT/'`.
    if !(p + 1 < b.len() && b[p] == b's') {
        return false;
    }
    let d = b[p + 1];
    let mut parts = 0;
    p += 2;
    while p < b.len() && b[p] != quote && b[p] != b'\n' && parts < 2 {
        if b[p] == b'\\' {
            p += 2;
            continue;
        }
        if b[p] == b'$' && quote == b'"' {
            // An expansion (`s/x/$PW/` in double quotes): past its name.
            p += 1;
            while p < b.len() && (name_byte(b[p]) || matches!(b[p], b'{' | b'}')) {
                p += 1;
            }
            continue;
        }
        if b[p] == d {
            parts += 1;
        } else if parts == 1 && b[p].is_ascii_alphanumeric() {
            return true;
        }
        p += 1;
    }
    false
}

/// Whether the AWS CLI's `--query` at `k` (after the flag) gives a JMESPath expression that
/// holds a literal outside a filter (`--query "'hunter2'"`, `` --query '`"hunter2"`' ``,
/// `--query "SecretString || 'x'"`): the CLI prints the literal, not what it fetched
/// (JMESPath specification, "Raw String Literals" and "Literal Expressions"; hostile
/// review 20). A literal inside a filter (`SecretList[?Name=='db']`) only selects.
const fn query_literal(b: &[u8], k: usize) -> bool {
    let mut v = k;
    if v < b.len() && b[v] == b'=' {
        v += 1;
    }
    v = skip_blanks(b, v);
    if !(v < b.len() && matches!(b[v], b'"' | b'\'')) {
        return v < b.len() && b[v] == b'`';
    }
    let quote = b[v];
    let mut p = v + 1;
    let mut filter = 0;
    while p < b.len() && b[p] != quote && b[p] != b'\n' {
        let x = b[p];
        if x == b'[' && p + 1 < b.len() && b[p + 1] == b'?' {
            filter += 1;
        } else if x == b']' && filter > 0 {
            filter -= 1;
        } else if filter == 0 && matches!(x, b'\'' | b'"' | b'`') {
            return true;
        }
        p += 1;
    }
    false
}

/// Whether the command substitution at `k` (`$(…)` or a backquote) prints text written in
/// the script (see [`substitution_written`]).
const fn substitution_written_at(b: &[u8], k: usize) -> bool {
    if k + 1 < b.len() && b[k] == b'$' && b[k + 1] == b'(' && !(k + 2 < b.len() && b[k + 2] == b'(')
    {
        substitution_written(b, k + 2, b')')
    } else if k < b.len() && b[k] == b'`' {
        substitution_written(b, k + 1, b'`')
    } else {
        false
    }
}

/// Whether a variable or a command substitution starts at `k`: a `$` or a backquote, but
/// not the `$` of `$'…'` or `$"…"`, which quote a literal.
const fn expands_at(b: &[u8], k: usize) -> bool {
    b[k] == b'`' || (b[k] == b'$' && !(k + 1 < b.len() && matches!(b[k + 1], b'\'' | b'"')))
}

/// Whether the `echo`, `printf` or `yes` at `j` prints written words: a word after its
/// flags, and no variable or command substitution in its command (up to a shell operator
/// or `close`).
const fn printed_written(b: &[u8], j: usize, close: u8) -> bool {
    let mut k = j;
    while k < b.len() && blank(b, k) == 0 && b[k] != close {
        k += 1;
    }
    let mut word = false;
    while k < b.len() && b[k] != close && b[k] != b'\n' && !matches!(b[k], b';' | b'|' | b'&') {
        let n = blank(b, k);
        if n > 0 {
            k += n;
            continue;
        }
        // A word: a flag (`-n`, `-e`) prints nothing of its own. A variable prints written
        // text when it was last given some (`X=hunter2; echo "$X" | …`; hostile review 19);
        // any other expansion makes the words fetched.
        let q = skip_quotes(b, k);
        if q < b.len() && b[q] != b'-' && b[q] != close && !matches!(b[q], b'"' | b'\'') {
            word = true;
        }
        while k < b.len() && blank(b, k) == 0 && b[k] != close && !command_end(b, k) {
            if expands_at(b, k) {
                if !(b[k] == b'$' && variable_written(b, k)) {
                    return false;
                }
                word = true;
            }
            k += 1;
        }
    }
    // Piped into a decoder (`echo … | base64 -d`), it is refused as unreadable instead,
    // with that reason.
    word && !(k < b.len() && b[k] == b'|' && transform_at(b, k + 1))
}

/// Whether the expansion at `k` gives an argument of the script or of a shell function, or
/// a variable named at boot: a positional parameter (`$1` to `$9`, `${1}`, `${12}`, `$@`,
/// `$*`, `${@:2}`), `getopts`' `$OPTARG`, `${BASH_ARGV[…]}`, or an indirect expansion
/// (`${!N}`). `$0` (the script's name) and `$#` (the number of arguments) are not.
const fn argument_at(b: &[u8], k: usize) -> bool {
    if !(k + 1 < b.len() && b[k] == b'$') {
        return false;
    }
    let braced = b[k + 1] == b'{';
    let n = if braced { k + 2 } else { k + 1 };
    if n >= b.len() {
        return false;
    }
    if matches!(b[n], b'1'..=b'9' | b'@' | b'*') || (braced && b[n] == b'!') {
        return true;
    }
    let name: &[u8] = if at_exactly(b, n, b"OPTARG") {
        b"OPTARG"
    } else if braced && at_exactly(b, n, b"BASH_ARGV") {
        b"BASH_ARGV"
    } else {
        return false;
    };
    let e = n + name.len();
    e == b.len() || !(b[e].is_ascii_alphanumeric() || b[e] == b'_')
}

/// Whether a URL starts at `i` (just after `://`) whose user information holds a written
/// password: `user:password@host`, the password not starting with `$`, `{`, `<` or a
/// backquote (a variable or a placeholder).
const fn url_password_at(b: &[u8], i: usize) -> bool {
    let mut k = i;
    let mut colon = 0;
    while k < b.len() {
        let c = b[k];
        if c == b'/' || c == b'?' || c == b'#' || c == b' ' || c == b'\n' || c == b'"' || c == b'\''
        {
            return false;
        }
        if c == b':' && colon == 0 {
            colon = k;
        }
        if c == b'@' {
            return colon != 0
                && colon + 1 < k
                && (!(b[colon + 1] == b'$' || b[colon + 1] == b'`')
                    || literal_expansion(b, colon + 1)
                    || (b[colon + 1] == b'$' && variable_written(b, colon + 1)))
                && b[colon + 1] != b'{'
                && b[colon + 1] != b'<';
        }
        k += 1;
    }
    false
}

const fn at_ignore_case(b: &[u8], i: usize, needle: &[u8]) -> bool {
    // The lengths once and the lower case inline (`lower!`): the budget of const
    // evaluation counts calls, and this is called for many bytes of the text.
    let n = needle.len();
    if i + n > b.len() {
        return false;
    }
    let mut k = 0;
    while k < n {
        if lower!(b[i + k]) != needle[k] {
            return false;
        }
        k += 1;
    }
    true
}

/// A byte of a name (`DB_PASSWORD`, `api-token`).
const fn name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// How a flag of a command-line tool takes a password.
#[derive(Clone, Copy)]
enum Takes {
    /// The password itself: `-pVALUE` (attached), `--password VALUE`, `--password=VALUE`.
    Password,
    /// `user:password` (or `user%password`): only the part after the separator is secret.
    UserAndPassword,
    /// An OpenSSL pass phrase argument: only `pass:VALUE` writes it.
    PassPhrase,
    /// A password hash (`useradd -p HASH`), written as a password is; a marker that locks
    /// the account (`'*'`, `'!'`, `'!!'`, `'!*'`) is none (shadow(5); hostile review 29).
    Hash,
    /// `user,password` (lftp's `-u`): only the part after the `,` is secret.
    UserCommaPassword,
    /// A RAR password (`rar a -pPASSWORD`): written as a password is, but `-p-` asks for none
    /// (rar.txt: "p- Do not query password"; hostile review 29, tenth probe).
    RarPassword,
}

/// A flag of a tool that takes a password on its command line.
struct Flag {
    /// The flag, exactly (flags are case-sensitive: `sqlcmd -P`, not `-p`).
    name: &'static str,
    /// Whether the value may follow the flag directly (`-phunter2`).
    attached: bool,
    /// Whether the value may follow after white space (`-p hunter2`).
    spaced: bool,
    /// What the value is.
    takes: Takes,
    /// For a short flag of a tool that reads clusters of them (`-vphunter2` is `-v -p
    /// hunter2`), the tool's short flags that take a value, after which the rest of the
    /// cluster is that value (`-uphil`); empty for a tool that reads no clusters.
    cluster: &'static [u8],
}

const fn flag(name: &'static str, attached: bool, spaced: bool, takes: Takes) -> Flag {
    clustered(name, attached, spaced, takes, b"")
}

/// A short flag of a tool that reads clusters of short flags (getopt and its kin): `takes`
/// are its short flags that take a value (see [`Flag::cluster`]). A letter that is no flag
/// of the tool makes it fail, so only flags that take no value may be missing here.
const fn clustered(
    name: &'static str,
    attached: bool,
    spaced: bool,
    takes: Takes,
    values: &'static [u8],
) -> Flag {
    Flag {
        name,
        attached,
        spaced,
        takes,
        cluster: values,
    }
}

/// The MySQL and MariaDB clients: `-pVALUE` (a space after `-p` makes them prompt) and
/// `--password=VALUE`.
/// curl's short flags that take a value (curl(1)).
const CURL_VALUES: &[u8] = b"AbcCdDeEFHKmoPQrTtuUwxXyYz";

/// ssh-keygen's short flags that take a value (ssh-keygen(1)).
const SSH_KEYGEN_VALUES: &[u8] = b"CDEFGIJMNOPRSTVWZabfjmnrstwz";

const MYSQL: &[Flag] = &[
    clustered("-p", true, false, Takes::Password, b"DehPSu#"),
    flag("--password", false, false, Takes::Password),
];
/// curl: `-u user:password`, `--user user:password`, and the same for its proxy.
/// `--pass PASSPHRASE` (a private key's), `-E`/`--cert CERTIFICATE:PASSPHRASE`, and
/// `--oauth2-bearer TOKEN` (hostile review 29), `--variable NAME=VALUE`.
const CURL: &[Flag] = &[
    clustered("-u", true, true, Takes::UserAndPassword, CURL_VALUES),
    flag("--user", false, true, Takes::UserAndPassword),
    clustered("-U", true, true, Takes::UserAndPassword, CURL_VALUES),
    flag("--proxy-user", false, true, Takes::UserAndPassword),
    flag("--pass", false, true, Takes::Password),
    flag("--proxy-pass", false, true, Takes::Password),
    clustered("-E", true, true, Takes::UserAndPassword, CURL_VALUES),
    flag("--cert", false, true, Takes::UserAndPassword),
    flag("--proxy-cert", false, true, Takes::UserAndPassword),
    flag("--oauth2-bearer", false, true, Takes::Password),
    // `--variable NAME=VALUE`, which `--expand-user 'u:{{NAME}}'` and the other `--expand-`
    // options put in place (curl 8.3; hostile review 29).
    flag("--variable", false, true, Takes::Password),
];
/// wget: its password flags take the value after `=` or a space.
const WGET: &[Flag] = &[
    flag("--password", false, true, Takes::Password),
    flag("--http-password", false, true, Takes::Password),
    flag("--ftp-password", false, true, Takes::Password),
    flag("--proxy-password", false, true, Takes::Password),
];
/// `sshpass -p PASSWORD` (`-e` and `-f` read it from the environment or a file).
const SSHPASS: &[Flag] = &[
    clustered("-p", true, true, Takes::Password, b"fdP"),
    flag("--password", false, true, Takes::Password),
];
/// `redis-cli -a PASSWORD`, `--pass PASSWORD`.
const REDIS: &[Flag] = &[
    flag("-a", true, true, Takes::Password),
    flag("--pass", false, true, Takes::Password),
];
/// The MongoDB shells and tools: `-p PASSWORD`, `--password PASSWORD`.
const MONGO: &[Flag] = &[
    clustered("-p", true, true, Takes::Password, b"hudcoqjn"),
    flag("--password", false, true, Takes::Password),
];
/// `sqlcmd -P PASSWORD` (and `bcp`).
const SQLCMD: &[Flag] = &[
    flag("-P", true, true, Takes::Password),
    flag("--password", false, true, Takes::Password),
];
/// The OpenLDAP clients: `-w PASSWORD`.
const LDAP: &[Flag] = &[clustered(
    "-w",
    true,
    true,
    Takes::Password,
    b"HhpDbsfyeEoORUXYlzP",
)];
/// Samba's clients (and `net ads join`): `-U user%password`, `--user=user%password`,
/// `--password PASSWORD`.
const SMB: &[Flag] = &[
    flag("-U", true, true, Takes::UserAndPassword),
    flag("--user", false, true, Takes::UserAndPassword),
    flag("--password", false, true, Takes::Password),
];
/// Registry logins: `-p PASSWORD`, `--password PASSWORD` (`--password-stdin` reads it).
const LOGIN: &[Flag] = &[
    clustered("-p", true, true, Takes::Password, b"ut"),
    flag("--password", false, true, Takes::Password),
];
/// OpenSSL: `-passin pass:VALUE`, `-passout pass:VALUE`, `-pass pass:VALUE`, and `openssl
/// enc -k PASSWORD` (openssl-enc(1): "-k password: The password to derive the key from").
const OPENSSL: &[Flag] = &[
    flag("-passin", false, true, Takes::PassPhrase),
    flag("-passout", false, true, Takes::PassPhrase),
    flag("-pass", false, true, Takes::PassPhrase),
    flag("-k", false, true, Takes::Password),
];

/// `useradd` and `usermod` (shadow-utils): `-p HASH`, `--password HASH` set the account's
/// encrypted password, a hash that can be cracked offline by anyone who may read it, as
/// much a credential as the password (rule P1).
const USERADD: &[Flag] = &[
    clustered("-p", true, true, Takes::Hash, b"bcdefgGkKRPsuZ"),
    flag("--password", false, true, Takes::Hash),
];

/// `ssh-keygen -N PASSPHRASE` (new) and `-P PASSPHRASE` (old): an empty one (`-N ''`) is
/// none.
const SSH_KEYGEN: &[Flag] = &[
    clustered("-N", true, true, Takes::Password, SSH_KEYGEN_VALUES),
    clustered("-P", true, true, Takes::Password, SSH_KEYGEN_VALUES),
];
/// `zip -P PASSWORD` (and `--password`).
const ZIP: &[Flag] = &[
    clustered("-P", false, true, Takes::Password, b"bnPtZsO"),
    flag("--password", false, true, Takes::Password),
];

/// `ipmitool -P PASSWORD` (ipmitool(1): "Remote server password is specified on the
/// command line"; `-f FILE` and `-E` read it from a file or the environment).
const IPMITOOL: &[Flag] = &[clustered(
    "-P",
    true,
    true,
    Takes::Password,
    b"IHpULAtbmoTBCkKyfeSOR",
)];
/// Cassandra's `cqlsh -p PASSWORD`, `--password=PASSWORD`.
const CQLSH: &[Flag] = &[
    clustered("-p", true, true, Takes::Password, b"ukfe"),
    flag("--password", false, true, Takes::Password),
];
/// Mosquitto's clients: `-P PASSWORD`, `--pw PASSWORD` (mosquitto_pub(1)).
const MOSQUITTO: &[Flag] = &[
    flag("-P", true, true, Takes::Password),
    flag("--pw", false, true, Takes::Password),
];
/// net-snmp's `net-snmp-create-v3-user -A PASSPHRASE -X PASSPHRASE` and `net-snmp-config
/// --create-snmpv3-user -A … -X …` (net-snmp-create-v3-user(1)).
const NET_SNMP: &[Flag] = &[
    flag("-A", true, true, Takes::Password),
    flag("-X", true, true, Takes::Password),
];
/// InfluxDB 1.x's `influx -password PASSWORD` (an empty `-password ''` prompts).
const INFLUX: &[Flag] = &[flag("-password", false, true, Takes::Password)];

/// Tools whose `--password` always takes a value (cobra's and argparse's string options,
/// Subversion's, ClickHouse's, go-sqlcmd's): `--password VALUE` as `--password=VALUE`
/// (hostile review 29; `mysql --password` and `psql --password` prompt instead).
const VALUED_PASSWORD: &[Flag] = &[flag("--password", false, true, Takes::Password)];
/// `7z a -pPASSWORD` (and `7za`, `7zr`, `7zz`): attached only, a bare `-p` prompts.
const SEVEN_ZIP: &[Flag] = &[flag("-p", true, false, Takes::Password)];
/// `unzip -P PASSWORD` (unzip(1): "-P password use password to decrypt encrypted zipfile
/// entries").
const UNZIP: &[Flag] = &[clustered("-P", true, true, Takes::Password, b"dxP")];
/// `lftp -u USER,PASSWORD` (lftp(1)) and `--password`.
const LFTP: &[Flag] = &[
    flag("-u", true, true, Takes::UserCommaPassword),
    flag("--user", false, true, Takes::UserCommaPassword),
    flag("--password", false, true, Takes::Password),
];
/// `etcdctl --user USER:PASSWORD`, `--password PASSWORD` (etcdctl v3).
const ETCDCTL: &[Flag] = &[
    flag("--user", false, true, Takes::UserAndPassword),
    flag("--password", false, true, Takes::Password),
];
/// FreeRDP's `/p:PASSWORD`, the gateway's `/gp:PASSWORD`, a hash's `/pth:HASH`.
const FREERDP: &[Flag] = &[
    flag("/p:", true, false, Takes::Password),
    flag("/gp:", true, false, Takes::Password),
    flag("/pth:", true, false, Takes::Password),
];
/// `slappasswd -s SECRET` (slappasswd(8): "-s secret  The secret to hash"; `-T FILE` reads
/// it from a file).
const SLAPPASSWD: &[Flag] = &[clustered("-s", true, true, Takes::Password, b"shcT")];
/// `twine upload -p PASSWORD`, `--password PASSWORD` (argparse).
const TWINE: &[Flag] = &[
    flag("-p", true, true, Takes::Password),
    flag("--password", false, true, Takes::Password),
];
/// `doveadm pw -p PASSWORD` (doveadm-pw(1)).
const DOVEADM_PW: &[Flag] = &[clustered("-p", true, true, Takes::Password, b"prsu")];
/// `kadmin -w PASSWORD` (the administrator's), and the `-pw PASSWORD` of `addprinc`,
/// `cpw` and `ank` in a query given with `-q` (kadmin(1)).
const KADMIN: &[Flag] = &[
    flag("-w", true, true, Takes::Password),
    flag("-pw", false, true, Takes::Password),
];
/// A TSIG key given as `-y [ALGORITHM:]NAME:SECRET` (`nsupdate`, `dig`; nsupdate(1)): the
/// part after the first `:` holds the secret.
const TSIG: &[Flag] = &[clustered(
    "-y",
    true,
    true,
    Takes::UserAndPassword,
    b"bcfkpqtxy",
)];
/// skopeo's `--creds USER:PASSWORD`, `--src-creds`, `--dest-creds` (skopeo-copy(1)).
const SKOPEO: &[Flag] = &[
    flag("--creds", false, true, Takes::UserAndPassword),
    flag("--src-creds", false, true, Takes::UserAndPassword),
    flag("--dest-creds", false, true, Takes::UserAndPassword),
];

/// `-p PASSWORD` (spaced or attached) and `--password PASSWORD` (hostile review 29, tenth
/// probe): `cypher-shell` (Neo4j Operations Manual, "Cypher Shell": `-p, --password`),
/// `influx setup` (InfluxDB 2 CLI reference: `-p, --password`), `ncftpput` (ncftpput(1):
/// `-p XX`), `rabbitmqadmin` (RabbitMQ management CLI: `-p PASSWORD, --password`),
/// `couchbase-cli` (couchbase-cli(1): `-p, --password`), `rdesktop` (rdesktop(1): `-p
/// <password>`), `mycli` (mycli --help: `-p, --password TEXT`), `mydumper` (mydumper docs:
/// `-p, --password`), `racadm` (iDRAC RACADM CLI guide: `-p <password>`), `openfortivpn`
/// (openfortivpn(1): `-p <pass>, --password=<pass>`), and FreeIPMI's `ipmi-power`
/// (freeipmi(7), ipmi-power(8): `-p PASSWORD`, `--password=PASSWORD`; `-P` prompts).
const DASH_P: &[Flag] = &[
    flag("-p", true, true, Takes::Password),
    flag("--password", false, true, Takes::Password),
];
/// `db2 connect to DB user USER using PASSWORD` (Db2 command reference, CONNECT: "USING
/// password").
const DB2: &[Flag] = &[flag("using", false, true, Takes::Password)];
/// `java -jar jenkins-cli.jar -auth USER:TOKEN` (Jenkins handbook, "Jenkins CLI": `-auth
/// [ USER:SECRET | @FILE ]`; `@FILE` reads it from a file).
const JENKINS_CLI: &[Flag] = &[flag("-auth", false, true, Takes::UserAndPassword)];
/// `ipa-client-install -w PASSWORD`, `--password PASSWORD` (ipa-client-install(1); `-W`
/// prompts).
const IPA_CLIENT_INSTALL: &[Flag] = &[
    flag("-w", true, true, Takes::Password),
    flag("--password", false, true, Takes::Password),
];
/// Cassandra's `nodetool -pw PASSWORD`, `--password PASSWORD` (nodetool help; `-pwf FILE`
/// reads it from a file).
const NODETOOL: &[Flag] = &[
    flag("-pw", false, true, Takes::Password),
    flag("--password", false, true, Takes::Password),
];
/// `wbinfo -a USER%PASSWORD`, `--authenticate=USER%PASSWORD` (wbinfo(1)).
const WBINFO: &[Flag] = &[
    flag("-a", true, true, Takes::UserAndPassword),
    flag("--authenticate", false, true, Takes::UserAndPassword),
];
/// HTTPie's `http -a USER:PASSWORD`, `--auth USER:PASSWORD` (HTTPie docs, "Authentication";
/// `-a USER` prompts), and `xh`'s (xh(1)).
const HTTPIE: &[Flag] = &[
    flag("-a", true, true, Takes::UserAndPassword),
    flag("--auth", false, true, Takes::UserAndPassword),
];
/// PuTTY's `plink`, `pscp` and `psftp` `-pw PASSWORD` (PuTTY user manual, 3.11.3.8 "-pw").
const PUTTY: &[Flag] = &[flag("-pw", false, true, Takes::Password)];
/// `rar a -pPASSWORD`, `unrar x -pPASSWORD` (rar.txt, "p[password]"): attached only, a bare
/// `-p` prompts.
const RAR: &[Flag] = &[flag("-p", true, false, Takes::RarPassword)];
/// OpenSC's `pkcs11-tool -p PIN`, `--pin PIN`, `--so-pin`, `--new-pin`, `--puk`
/// (pkcs11-tool(1)).
const PKCS11_TOOL: &[Flag] = &[
    flag("-p", true, true, Takes::Password),
    flag("--pin", false, true, Takes::Password),
    flag("--so-pin", false, true, Takes::Password),
    flag("--new-pin", false, true, Takes::Password),
    flag("--puk", false, true, Takes::Password),
];

/// Command-line tools that take a password as a flag, with their flags. Whatever is on a
/// command line is in the text that holds it (user data, a container's command, a
/// document's steps) and in the process list of the machine.
const TOOLS: &[(&str, &[Flag])] = &[
    ("mysql", MYSQL),
    ("mysqldump", MYSQL),
    ("mysqladmin", MYSQL),
    ("mysqlimport", MYSQL),
    ("mysqlcheck", MYSQL),
    ("mysqlpump", MYSQL),
    ("mysqlsh", MYSQL),
    ("mariadb", MYSQL),
    ("mariadb-dump", MYSQL),
    ("mariadb-admin", MYSQL),
    ("curl", CURL),
    ("wget", WGET),
    ("sshpass", SSHPASS),
    ("redis-cli", REDIS),
    ("valkey-cli", REDIS),
    ("keydb-cli", REDIS),
    ("mongo", MONGO),
    ("mongosh", MONGO),
    ("mongodump", MONGO),
    ("mongorestore", MONGO),
    ("mongoexport", MONGO),
    ("mongoimport", MONGO),
    ("sqlcmd", SQLCMD),
    ("bcp", SQLCMD),
    ("ldapsearch", LDAP),
    ("ldapadd", LDAP),
    ("ldapmodify", LDAP),
    ("ldapdelete", LDAP),
    ("ldapwhoami", LDAP),
    ("ldappasswd", LDAP),
    ("smbclient", SMB),
    ("rpcclient", SMB),
    ("docker login", LOGIN),
    ("podman login", LOGIN),
    ("buildah login", LOGIN),
    ("skopeo login", LOGIN),
    ("helm registry login", LOGIN),
    // The Azure CLI's `az login -u USER -p PASSWORD` (`--password`).
    ("az login", LOGIN),
    ("openssl", OPENSSL),
    ("useradd", USERADD),
    ("usermod", USERADD),
    ("ssh-keygen", SSH_KEYGEN),
    ("zip", ZIP),
    ("ipmitool", IPMITOOL),
    ("cqlsh", CQLSH),
    ("mosquitto_pub", MOSQUITTO),
    ("mosquitto_sub", MOSQUITTO),
    ("mosquitto_rr", MOSQUITTO),
    ("influx", INFLUX),
    ("net-snmp-create-v3-user", NET_SNMP),
    ("net-snmp-config", NET_SNMP),
    // Hostile review 29.
    ("net", SMB),
    ("oc login", LOGIN),
    ("helm", VALUED_PASSWORD),
    ("az", VALUED_PASSWORD),
    ("oc", VALUED_PASSWORD),
    ("kubectl", VALUED_PASSWORD),
    ("gcloud", VALUED_PASSWORD),
    ("svn", VALUED_PASSWORD),
    ("svnsync", VALUED_PASSWORD),
    ("svnmucc", VALUED_PASSWORD),
    ("clickhouse-client", VALUED_PASSWORD),
    ("clickhouse client", VALUED_PASSWORD),
    ("7z", SEVEN_ZIP),
    ("7za", SEVEN_ZIP),
    ("7zr", SEVEN_ZIP),
    ("7zz", SEVEN_ZIP),
    ("unzip", UNZIP),
    ("lftp", LFTP),
    ("etcdctl", ETCDCTL),
    ("xfreerdp", FREERDP),
    ("xfreerdp3", FREERDP),
    ("wlfreerdp", FREERDP),
    ("sdl-freerdp", FREERDP),
    ("slappasswd", SLAPPASSWD),
    ("twine", TWINE),
    ("doveadm pw", DOVEADM_PW),
    ("kadmin", KADMIN),
    ("kadmin.local", KADMIN),
    ("skopeo", SKOPEO),
    ("nsupdate", TSIG),
    ("dig", TSIG),
    // Hostile review 29, tenth probe (see each list of flags for its manual).
    ("cypher-shell", DASH_P),
    ("influx setup", DASH_P),
    ("ncftpput", DASH_P),
    ("rabbitmqadmin", DASH_P),
    ("couchbase-cli", DASH_P),
    ("java -jar jenkins-cli.jar", JENKINS_CLI),
    ("db2", DB2),
    ("rdesktop", DASH_P),
    // Sybase's `isql` and `osql`, FreeTDS's `tsql` (tsql(1)) and `sqsh` (sqsh(1)): `-P
    // PASSWORD`.
    ("isql", SQLCMD),
    ("osql", SQLCMD),
    ("tsql", SQLCMD),
    ("sqsh", SQLCMD),
    ("ipa-client-install", IPA_CLIENT_INSTALL),
    // nerdctl-login(1), crane_auth_login.md, oras login --help, cosign-login(1).
    ("nerdctl login", LOGIN),
    ("crane auth login", LOGIN),
    ("oras login", LOGIN),
    ("cosign login", LOGIN),
    // argocd_login.md: `--password string`.
    ("argocd", VALUED_PASSWORD),
    ("mycli", DASH_P),
    ("nodetool", NODETOOL),
    // redis-benchmark --help: `-a <password>`.
    ("redis-benchmark", REDIS),
    // mysqlslap(1), mysqlshow(1), mysqlbinlog(1): the clients' `-pPASSWORD`.
    ("mysqlslap", MYSQL),
    ("mysqlshow", MYSQL),
    ("mysqlbinlog", MYSQL),
    ("mydumper", DASH_P),
    // smbget(1), smbcacls(1): `-U USER%PASSWORD`.
    ("smbget", SMB),
    ("smbcacls", SMB),
    ("wbinfo", WBINFO),
    // ldapmodrdn(1), ldapcompare(1): `-w PASSWORD`.
    ("ldapmodrdn", LDAP),
    ("ldapcompare", LDAP),
    ("ipmi-power", DASH_P),
    ("racadm", DASH_P),
    ("http", HTTPIE),
    ("xh", HTTPIE),
    ("openfortivpn", DASH_P),
    ("plink", PUTTY),
    ("pscp", PUTTY),
    ("psftp", PUTTY),
    ("rar", RAR),
    ("unrar", RAR),
    ("pkcs11-tool", PKCS11_TOOL),
    // mongostat(1), mongotop(1): the MongoDB tools' `-p PASSWORD`.
    ("mongostat", MONGO),
    ("mongotop", MONGO),
];

/// The names of [`TOOLS`] as bytes, made once: `command_secret_at` compares their first
/// two letters without a call for each tool (the budget of const evaluation counts calls).
const TOOL_NAMES: [&[u8]; TOOL_COUNT] = tool_names();

/// The number of [`TOOLS`], as a constant: `len` is a call, which const evaluation counts.
const TOOL_COUNT: usize = TOOLS.len();

/// Whether the flags of each of [`TOOLS`] are not those of a tool before it (`mysqldump`'s
/// are `mysql`'s): a value is read once for each list of flags, not once for each tool.
const FIRST_OF_ITS_FLAGS: [bool; TOOLS.len()] = first_of_its_flags();

/// For each first byte (in lower case), the bits of the [`TOOLS`] whose name starts with it:
/// `command_secret_at` reads only those (the budget of const evaluation counts steps).
const TOOLS_BY_FIRST: [u128; 128] = tools_by_first();

/// For each first and second letter (`a`–`z`, in lower case), the bits
/// of the [`TOOLS`] whose name starts with both: `command_secret_at` reads only those when
/// the word starts with two letters (the budget of const evaluation counts the steps of
/// each tool of the first letter alone; hostile review 29, tenth probe).
const TOOLS_BY_FIRST_TWO: [[u128; 26]; 26] = tools_by_first_two();

/// See [`TOOLS_BY_FIRST_TWO`].
const fn tools_by_first_two() -> [[u128; 26]; 26] {
    let mut out = [[0u128; 26]; 26];
    let mut t = 0;
    while t < TOOLS.len() {
        let name = TOOLS[t].0.as_bytes();
        let c = name[0].to_ascii_lowercase();
        if c.is_ascii_lowercase() && name.len() > 1 && name[1].is_ascii_lowercase() {
            out[(c - b'a') as usize][(name[1] - b'a') as usize] |= 1 << t;
        }
        t += 1;
    }
    out
}

/// See [`TOOLS_BY_FIRST`].
const fn tools_by_first() -> [u128; 128] {
    assert!(TOOLS.len() <= 128);
    let mut out = [0u128; 128];
    let mut t = 0;
    while t < TOOLS.len() {
        let c = TOOLS[t].0.as_bytes()[0].to_ascii_lowercase();
        out[(c & 127) as usize] |= 1 << t;
        t += 1;
    }
    out
}

/// See [`TOOL_NAMES`].
const fn tool_names() -> [&'static [u8]; TOOLS.len()] {
    let mut out: [&'static [u8]; TOOLS.len()] = [b""; TOOLS.len()];
    let mut t = 0;
    while t < TOOLS.len() {
        out[t] = TOOLS[t].0.as_bytes();
        t += 1;
    }
    out
}

/// See [`FIRST_OF_ITS_FLAGS`].
const fn first_of_its_flags() -> [bool; TOOLS.len()] {
    let mut out = [true; TOOLS.len()];
    let mut t = 0;
    while t < TOOLS.len() {
        let mut u = 0;
        while u < t {
            if same_flags(TOOLS[t].1, TOOLS[u].1) {
                out[t] = false;
            }
            u += 1;
        }
        t += 1;
    }
    out
}

/// Whether two lists of flags are the same, flag by flag.
const fn same_flags(a: &[Flag], c: &[Flag]) -> bool {
    if a.len() != c.len() {
        return false;
    }
    let mut f = 0;
    while f < a.len() {
        let (x, y) = (&a[f], &c[f]);
        if !(starts_with(x.name.as_bytes(), y.name.as_bytes())
            && x.name.len() == y.name.len()
            && x.attached == y.attached
            && x.spaced == y.spaced
            && x.takes as u8 == y.takes as u8)
        {
            return false;
        }
        f += 1;
    }
    true
}

/// The commands of net-snmp that take a community or SNMPv3 pass phrases on their command
/// line (snmpcmd(1): `-c COMMUNITY`, `-A PASSPHRASE`, `-X PASSPHRASE`), after `snmp`.
/// `snmpd` and `snmptrapd` are not among them: their `-c` names a configuration file.
const SNMP_COMMANDS: [&str; 16] = [
    "get", "getnext", "bulkget", "bulkwalk", "walk", "set", "trap", "inform", "table", "delta",
    "df", "netstat", "status", "test", "usm", "vacm",
];

/// The flags of [`SNMP_COMMANDS`] that take a credential (snmpcmd(1)).
const SNMP: &[Flag] = &[
    flag("-c", true, true, Takes::Password),
    flag("-A", true, true, Takes::Password),
    flag("-X", true, true, Takes::Password),
];

/// The net-snmp command at `i` (just after its `snmp`) if it passes a written community or
/// pass phrase as a flag (`snmpwalk -v2c -c public HOST`).
const fn snmp_tool_secret_at(b: &[u8], i: usize) -> Option<&'static str> {
    let mut e = i;
    while e < b.len() && b[e].is_ascii_lowercase() {
        e += 1;
    }
    let mut t = 0;
    while t < SNMP_COMMANDS.len() {
        let name = SNMP_COMMANDS[t].as_bytes();
        if e - i == name.len()
            && at_exactly(b, i, name)
            && (e == b.len() || blank(b, e) > 0)
            && flags_written(b, e, SNMP)
        {
            return Some("snmp");
        }
        t += 1;
    }
    None
}

/// Whether a word (a tool's name, a flag) may start at `i`: the text starts there or the
/// byte before separates words of a command line (white space, a path's `/`, a quote, a
/// shell operator, a `case` pattern's `)`, as in `x)mysql …` (hostile review 29), the `{`
/// of a brace expansion such as `{mysql,-phunter2}`).
const fn command_word_start(b: &[u8], i: usize) -> bool {
    i == 0
        || matches!(
            b[i - 1],
            b' ' | b'\t'
                | b'\n'
                | b'\r'
                | b'/'
                | b'"'
                | b'\''
                | b'`'
                | b';'
                | b'|'
                | b'&'
                | b'('
                | b')'
                | b'{'
        )
}

/// Whether `b[i..]` starts with `needle`, exactly.
const fn at_exactly(b: &[u8], i: usize, needle: &[u8]) -> bool {
    let n = needle.len();
    if i + n > b.len() {
        return false;
    }
    let mut k = 0;
    while k < n {
        if b[i + k] != needle[k] {
            return false;
        }
        k += 1;
    }
    true
}

/// Whether the quote at `k` opens ANSI-C quotes, `$'…'`, in which a backslash escapes (a
/// quote too): the `$` before it is the shell's, not escaped and not the second of `$$`
/// (the shell's process id, after which `'\'` is a plain single quote; hostile review 25).
const fn ansi_c_quote_at(b: &[u8], k: usize) -> bool {
    let mut s = k;
    while s > 0 && b[s - 1] == b'$' {
        s -= 1;
    }
    if s == k {
        // No `$` before the quote (`\'`): plain quotes.
        return false;
    }
    // A `$` escaped by a backslash is text, and the `$` after it may start `$'…'`
    // (`\\$$'a\\'`; hostile review 25).
    let escaped = s > 0 && b[s - 1] == b'\\' && escaping(b, s - 1);
    let live = if escaped { k - s - 1 } else { k - s };
    live % 2 == 1
}

/// Whether the `\` at `k` is one the shell reads as an escape: an odd number of backslashes
/// ends at `k` (`\\` is a backslash itself).
const fn escaping(b: &[u8], k: usize) -> bool {
    let mut n = 0;
    let mut j = k + 1;
    while j > 0 && b[j - 1] == b'\\' {
        n += 1;
        j -= 1;
    }
    n % 2 == 1
}

/// The length of the line continuation at `k` (`\` then a new line, or `\`, a carriage
/// return and a new line), which the shell removes: 0 when there is none.
const fn continuation(b: &[u8], k: usize) -> usize {
    if k < b.len() && b[k] == b'\\' && escaping(b, k) {
        if k + 1 < b.len() && b[k + 1] == b'\n' {
            return 2;
        }
        if k + 2 < b.len() && b[k + 1] == b'\r' && b[k + 2] == b'\n' {
            return 3;
        }
    }
    0
}

/// Whether the new line at `k` is the end of a line continuation (the shell goes on with
/// the same command).
const fn continued_newline(b: &[u8], k: usize) -> bool {
    (k >= 1 && b[k - 1] == b'\\' && continuation(b, k - 1) == 2)
        || (k >= 2 && b[k - 2] == b'\\' && continuation(b, k - 2) == 3)
}

/// The length of the `$IFS` or `${IFS…}` at `k`, which the shell splits into a space between
/// words (`mysql${IFS}-phunter2`): 0 when there is none.
const fn ifs_at(b: &[u8], k: usize) -> usize {
    if at_exactly(b, k, b"$IFS") && (k + 4 == b.len() || !name_byte(b[k + 4]) || b[k + 4] == b'-') {
        return 4;
    }
    if at_exactly(b, k, b"${IFS") {
        let mut j = k + 5;
        while j < b.len() && j < k + 40 && b[j] != b'\n' {
            if b[j] == b'}' {
                return j + 1 - k;
            }
            j += 1;
        }
    }
    0
}

/// The length of the space between two words at `k`, as the shell reads it inside one
/// command: a space, a tab, a carriage return (which the shell does not end a command
/// with), a line continuation, or `$IFS`. 0 when there is none.
const fn blank(b: &[u8], k: usize) -> usize {
    if k >= b.len() {
        return 0;
    }
    // Only a backslash starts a continuation and only a `$` starts `$IFS`: the others are
    // not called for (the budget of const evaluation counts calls).
    match b[k] {
        b' ' | b'\t' | b'\r' => 1,
        b'\\' => continuation(b, k),
        b'$' => ifs_at(b, k),
        _ => 0,
    }
}

/// Whether a space between words ends right before `k` (see [`blank`]).
const fn blank_before(b: &[u8], k: usize) -> bool {
    if k == 0 {
        return false;
    }
    if matches!(b[k - 1], b' ' | b'\t' | b'\r')
        || (b[k - 1] == b'\n' && continued_newline(b, k - 1))
    {
        return true;
    }
    if k >= 4 && b[k - 1] == b'S' && at_exactly(b, k - 4, b"$IFS") {
        return true;
    }
    if b[k - 1] == b'}' {
        // The `${IFS…}` that ends here, if one does.
        let mut j = k - 1;
        while j > 0 && k - j < 40 && b[j - 1] != b'\n' {
            j -= 1;
            if b[j] == b'$' {
                return ifs_at(b, j) == k - j;
            }
        }
    }
    false
}

/// Skips the spaces between words at `k` (see [`blank`]).
const fn skip_blanks(b: &[u8], mut k: usize) -> usize {
    loop {
        let n = blank(b, k);
        if n == 0 {
            return k;
        }
        k += n;
    }
}

/// Skips quotes at `k`: `"`, `'`, and the `$` of `$'…'` and `$"…"`, which quote a literal.
const fn skip_quotes(b: &[u8], mut k: usize) -> usize {
    while k < b.len() {
        if b[k] == b'"' || b[k] == b'\'' {
            k += 1;
        } else if b[k] == b'$' && k + 1 < b.len() && (b[k + 1] == b'\'' || b[k + 1] == b'"') {
            k += 2;
        } else {
            break;
        }
    }
    k
}

/// Whether the byte at `k` ends a command: a new line (not a continued one) or a shell
/// operator the shell reads as one, not quoted or escaped ([`quoted_at`]). A carriage
/// return does not: the shell reads it as part of a word.
const fn command_end(b: &[u8], k: usize) -> bool {
    match b[k] {
        // A redirection's `&` and `|` end nothing (`2>&1`, `>&2`, `<&0`, `&>FILE`, `&>>`,
        // `>|FILE`): bash reads the command's words on after them (hostile review 28).
        b'&' | b'|'
            if (k > 0 && matches!(b[k - 1], b'>' | b'<'))
                || (b[k] == b'&' && k + 1 < b.len() && b[k + 1] == b'>') =>
        {
            false
        }
        b';' | b'|' | b'&' => !quoted_at(b, k),
        b'\n' => !continued_newline(b, k),
        _ => false,
    }
}

/// Commands whose quoted arguments are text, a pattern or a program of their own, never
/// a command the shell runs (`sed "s|a|$S|"`, `echo "a;b"`, `printf '%s|%s'`, `grep -q
/// "x && y"`): operators inside them end nothing ([`quoted_at`]; hostile review 24).
const TEXT_COMMANDS: [&str; 7] = ["echo", "printf", "sed", "grep", "egrep", "fgrep", "logger"];

/// Words that may come before a command and run it (`sudo sed …`, `if grep -q …`).
const COMMAND_LEADS: [&str; 10] = [
    "sudo", "if", "then", "do", "else", "elif", "while", "until", "!", "time",
];

/// Whether the command that starts at `c` (after blanks and [`COMMAND_LEADS`]) is one of
/// [`TEXT_COMMANDS`], on a line (to `end`) that names no shell nor anything else that could
/// run the text as commands (`| sh`, `bash`, `ssh`, a `.sh` file, `eval`, `source`,
/// `crontab`, `at`): only then are its quotes read as quotes. What `echo` and `printf`
/// print is text only when it goes nowhere: a line that redirects it or pipes it (outside
/// quotes) may write a script (`echo "a | b" > /etc/rc.local`, `| su`).
const fn text_command_at(b: &[u8], mut c: usize, end: usize) -> bool {
    let first = c;
    let mut leads = 0;
    let mut found = false;
    let mut printing = false;
    let mut sed = false;
    while !found && leads < 4 {
        while c < end && matches!(b[c], b' ' | b'\t') {
            c += 1;
        }
        let mut w = 0;
        let mut lead = false;
        while w < TEXT_COMMANDS.len() || w < COMMAND_LEADS.len() {
            if w < TEXT_COMMANDS.len() {
                let word = TEXT_COMMANDS[w].as_bytes();
                let e = c + word.len();
                if e < end
                    && b[c] == word[0]
                    && at_exactly(b, c, word)
                    && matches!(b[e], b' ' | b'\t')
                {
                    found = true;
                    printing = w < 2;
                    sed = w == 2;
                }
            }
            if w < COMMAND_LEADS.len() {
                let word = COMMAND_LEADS[w].as_bytes();
                let e = c + word.len();
                if e < end
                    && b[c] == word[0]
                    && at_exactly(b, c, word)
                    && matches!(b[e], b' ' | b'\t')
                {
                    lead = true;
                    c = e;
                }
            }
            w += 1;
        }
        if !lead {
            break;
        }
        leads += 1;
    }
    if !found {
        return false;
    }
    // The whole line, to its end (past line continuations: `echo '…' \` then `| bash`;
    // hostile review 25): nothing on it may run text as commands.
    let mut e = c;
    while e < b.len() && (b[e] != b'\n' || lf_continued(b, e)) {
        e += 1;
    }
    if sed && sed_executes(b, c, e) {
        return false;
    }
    // `printf -v NAME` stores what it prints in a variable, which may be run later (`eval
    // "$NAME"`): no text (hostile review 26).
    // What `echo` or `printf` prints in a command substitution (`C=$(printf '…')`) is a
    // value, which may be run later: no text (hostile review 26).
    let mut p = first;
    while p > 0 && matches!(b[p - 1], b' ' | b'\t') {
        p -= 1;
    }
    if printing && p >= 2 && b[p - 1] == b'(' && b[p - 2] == b'$' {
        return false;
    }
    // (Read byte by byte: the words are read by `command_end`, which asks this.)
    if printing && b[c] == b'p' {
        let mut s = c + 6;
        while s < e && matches!(b[s], b' ' | b'\t') {
            s += 1;
        }
        if s < e && b[s] == b'-' {
            s += 1;
            while s < e && b[s].is_ascii_alphabetic() {
                if b[s] == b'v' {
                    return false;
                }
                s += 1;
            }
        }
    }
    let mut j = c;
    let mut quote = 0u8;
    while printing && j < e {
        let x = b[j];
        if quote == b'\'' {
            if x == b'\'' {
                quote = 0;
            }
        } else if x == b'\\' {
            j += 1;
        } else if quote == b'"' {
            if x == b'"' {
                quote = 0;
            }
        } else if x == b'"' || x == b'\'' {
            quote = x;
        } else if x == b'>' || x == b'|' {
            return false;
        }
        j += 1;
    }
    j = c;
    while j + 1 < e {
        let x = lower!(b[j]);
        if (x == b's'
            && lower!(b[j + 1]) == b'h'
            && (j + 2 == e || !(b[j + 2].is_ascii_alphanumeric() || b[j + 2] == b'_')))
            || (x == b'e' && at_ignore_case(b, j, b"eval"))
            || (x == b's' && at_ignore_case(b, j, b"source"))
            || (x == b'c' && at_ignore_case(b, j, b"crontab"))
            || (x == b'a'
                && lower!(b[j + 1]) == b't'
                && (j == 0 || !b[j - 1].is_ascii_alphanumeric())
                && (j + 2 == e || !b[j + 2].is_ascii_alphanumeric()))
            // `.` reads a file as commands (`| . /dev/stdin`), and so may whatever reads
            // standard input by its path (hostile review 25).
            || (x == b'.'
                && (j == 0 || matches!(b[j - 1], b' ' | b'\t' | b'|' | b';' | b'&'))
                && matches!(b[j + 1], b' ' | b'\t'))
            || (x == b'/' && (at_exactly(b, j, b"/dev/stdin") || at_exactly(b, j, b"/dev/fd/")))
        {
            return false;
        }
        j += 1;
    }
    // What a process substitution prints is a file that the command given it may run
    // (`. <(echo …)`, `bash <(echo …)`): no text.
    !(p >= 2 && b[p - 1] == b'(' && matches!(b[p - 2], b'<' | b'>'))
}

/// Whether the `sed` command of `b[c..e]` may run text as a command: GNU sed's `e` command
/// (`1e CMD`) or the `e` flag of `s` (`s/x/y/e`, `s|x|y|ge`), seen as a run of letters of
/// the flags of `s` (`g p i I m M w e`) holding an `e`, not an option (`-e`) nor a variable
/// (`$e`): its quotes are then no text (hostile review 25). A word such as `secret` holds
/// other letters and is none.
const fn sed_executes(b: &[u8], c: usize, e: usize) -> bool {
    let mut j = c;
    while j < e {
        if b[j].is_ascii_alphabetic() && (j == 0 || !b[j - 1].is_ascii_alphabetic()) {
            let start = j;
            let mut flags = true;
            let mut has_e = false;
            while j < e && b[j].is_ascii_alphabetic() {
                flags =
                    flags && matches!(b[j], b'g' | b'p' | b'i' | b'I' | b'm' | b'M' | b'w' | b'e');
                has_e = has_e || b[j] == b'e';
                j += 1;
            }
            if flags && has_e && !(start > 0 && matches!(b[start - 1], b'-' | b'$' | b'{')) {
                return true;
            }
        } else {
            j += 1;
        }
    }
    false
}

/// The first word of the command that holds `k`, past the words that lead to it
/// ([`COMMAND_LEADS`]: `then sed …`, `sudo -u app printf …`; hostile review 24).
const fn command_word(b: &[u8], k: usize) -> usize {
    let mut c = skip_blanks(b, command_start(b, k));
    let mut leads = 0;
    while leads < 4 {
        let mut w = 0;
        let mut lead = false;
        while w < COMMAND_LEADS.len() {
            let word = COMMAND_LEADS[w].as_bytes();
            if c < b.len() && b[c] == word[0] && word_at(b, c, word) {
                c = if w == 0 {
                    after_sudo(b, c)
                } else {
                    skip_blanks(b, c + word.len())
                };
                lead = true;
                break;
            }
            w += 1;
        }
        if !lead {
            break;
        }
        leads += 1;
    }
    c
}

/// Whether the shell reads the byte at `k` as text rather than as an operator (hostile
/// review 24): escaped by a backslash, or inside a quote opened in the arguments of a
/// command of [`TEXT_COMMANDS`] (single quotes, `$'…'`, double quotes and the parameter
/// expansions, `${…}`, they hold), but not inside a command substitution (`$(…)`,
/// backquotes), whose operators end its own commands (`echo "$(a; b)"`). A quote of any
/// other command may hold a script (`sh -c "a | b"`, `ssh HOST 'a; b'`, `[ sh, -c, "…" ]`
/// in cloud-config): its operators count. Read from the start of the line (after a new line
/// that is not continued): a line that a quote opened on one of the three lines before may
/// start inside ([`line_starts_quoted`]) has every operator count; a line inside a quote
/// opened earlier still is read from its start, and a script with such a line whose
/// operators this reads as text is refused by [`operator_misread_across_lines`], which reads
/// the whole script once (hostile review 25). In a PowerShell script every operator counts.
const fn quoted_at(b: &[u8], k: usize) -> bool {
    // A PowerShell script for EC2Launch (`<powershell>`): its operators count as they did
    // (tested by its first byte only: the budget of const evaluation counts steps).
    if b[0] == b'<' {
        return false;
    }
    // Back to the line's start; without a quote or a backslash on the way nothing is
    // quoted (the budget of const evaluation counts steps).
    let mut j = k;
    let mut quotes = false;
    while j > 0 && (b[j - 1] != b'\n' || lf_continued(b, j - 1)) {
        quotes = quotes || matches!(b[j - 1], b'"' | b'\'' | b'\\');
        j -= 1;
    }
    if !quotes {
        return false;
    }
    // The open contexts, two bits each, innermost lowest: command substitution or group
    // (0), double quotes (1), parameter expansion (2), backquotes (3); `single` is 1 inside
    // single quotes, 2 inside `$'…'`.
    let mut stack: u64 = 0;
    let mut depth = 0u32;
    let mut single = 0u8;
    // Where the command at the top level starts, and whether it is a text command (0 not
    // asked yet, 1 yes, 2 no).
    let mut command = j;
    let mut text = 0u8;
    while j < k {
        let x = b[j];
        let top = if depth == 0 { 0 } else { stack & 3 };
        if single == 1 {
            if x == b'\'' {
                single = 0;
            }
        } else if single == 2 {
            if x == b'\\' {
                j += 1;
            } else if x == b'\'' {
                single = 0;
            }
        } else if x == b'\\' {
            // The byte after a backslash is text (and so is `k` when it is that byte).
            j += 1;
        } else if depth == 0 && matches!(x, b';' | b'|' | b'&' | b'(') {
            command = j + 1;
            text = 0;
        } else if depth == 0 && matches!(x, b'"' | b'\'') {
            if text == 0 {
                text = if text_command_at(b, command, j) { 1 } else { 2 };
            }
            if text == 1 {
                if x == b'"' {
                    stack = 1;
                    depth = 1;
                } else {
                    single = if ansi_c_quote_at(b, j) { 2 } else { 1 };
                }
            } else {
                // A quote of another command (`sh -c "a; b"`) may hold a script: its
                // operators count (`k` inside it is no text), and they end no command of
                // this line (`sh -c "x; echo 'a" ; …` runs `…` after the quote), so it is
                // read to its close. One holding a substitution is not followed: every
                // operator after it counts.
                let escapes = x == b'"' || ansi_c_quote_at(b, j);
                let mut q = j + 1;
                while q < k && b[q] != x {
                    if x == b'"' && (b[q] == b'`' || (b[q] == b'$' && b[q + 1] == b'(')) {
                        return false;
                    }
                    if escapes && b[q] == b'\\' {
                        q += 1;
                    }
                    q += 1;
                }
                if q >= k {
                    return false;
                }
                j = q;
            }
        } else if depth == 0 {
            // Unquoted text of the command at the top level.
        } else if x == b'$' && j + 1 < k && matches!(b[j + 1], b'(' | b'{') {
            if depth == 32 {
                return false;
            }
            stack = (stack << 2) | if b[j + 1] == b'{' { 2 } else { 0 };
            depth += 1;
            j += 1;
        } else if x == b'`' {
            if top == 3 {
                stack >>= 2;
                depth -= 1;
            } else {
                if depth == 32 {
                    return false;
                }
                stack = (stack << 2) | 3;
                depth += 1;
            }
        } else if top == 1 {
            if x == b'"' {
                stack >>= 2;
                depth -= 1;
            }
        } else if top == 2 {
            // Quotes inside a parameter expansion (`${X:-"a;b"}`) quote.
            if x == b'}' {
                stack >>= 2;
                depth -= 1;
            } else if x == b'"' {
                if depth == 32 {
                    return false;
                }
                stack = (stack << 2) | 1;
                depth += 1;
            } else if x == b'\'' {
                single = if ansi_c_quote_at(b, j) { 2 } else { 1 };
            }
        } else if top == 0 && x == b'\'' {
            // Quotes inside a substitution quote its text (`"$(echo ')' ; …)"` does not end
            // there); what they hold may be a script (`"$(sh -c 'a; b')"`): see the end.
            single = if ansi_c_quote_at(b, j) { 2 } else { 1 };
        } else if top == 0 && x == b'"' {
            if depth == 32 {
                return false;
            }
            stack = (stack << 2) | 1;
            depth += 1;
        } else if top == 0 && x == b'c' && shell_keyword_at(b, j, b"case") {
            // A `case` pattern's `)` closes no substitution: not followed.
            return false;
        } else if x == b'(' {
            // (Quotes inside a substitution may hold a script: `"$(sh -c 'a; b')"`.)
            // A group inside a substitution (`$( (a; b) )`, `$((1 + 2))`) closes with its
            // own parenthesis.
            if depth == 32 {
                return false;
            }
            stack <<= 2;
            depth += 1;
        } else if x == b')' && top == 0 {
            stack >>= 2;
            depth -= 1;
        }
        j += 1;
    }
    // Past `k` by a backslash's escape: `k` was escaped. A quote inside a substitution or
    // backquotes may hold a script of a command of theirs: its operators count.
    let mut d = 0;
    let mut inside = stack;
    let mut substitution = false;
    while d < depth {
        substitution = substitution || matches!(inside & 3, 0 | 3);
        inside >>= 2;
        d += 1;
    }
    (j > k || ((single != 0 || (depth > 0 && matches!(stack & 3, 1 | 2))) && !substitution))
        && !line_starts_quoted(b, command)
}

/// Whether the line of `k` may start inside a quote opened on an earlier line (`X="` then
/// `echo "; …; echo "`, whose operators the shell runs): a quote left open by the three
/// lines before it, read from the first of them (an escaped quote, and a quote inside the
/// other kind, do not count). Asked only once an operator is found quoted, and only three
/// lines back (the budget of const evaluation counts steps): a quote opened before that is
/// left to [`operator_misread_across_lines`].
const fn line_starts_quoted(b: &[u8], k: usize) -> bool {
    let mut j = k;
    while j > 0 && b[j - 1] != b'\n' {
        j -= 1;
    }
    let end = j;
    let mut lines = 0;
    while j > 0 && lines < 4 {
        j -= 1;
        if j == 0 || b[j - 1] == b'\n' {
            lines += 1;
        }
    }
    let mut quote = 0u8;
    while j < end {
        let x = b[j];
        if quote == b'\'' {
            if x == b'\'' {
                quote = 0;
            }
        } else if x == b'\\' {
            j += 1;
        } else if quote == b'"' {
            if x == b'"' {
                quote = 0;
            }
        } else if x == b'"' || x == b'\'' {
            quote = x;
        }
        j += 1;
    }
    quote != 0
}

/// Why a line of `b` that the shell starts inside a quote holds an operator (`;`, `|`, `&`)
/// that [`quoted_at`] reads as text where the shell may not, if it does (hostile review
/// 25). [`quoted_at`] reads a line from its start and looks for a quote left open only
/// three lines back ([`line_starts_quoted`]): after a quote opened earlier (`X="a`, four
/// lines, then `echo 'b" ; echo root:hunter2 | chpasswd # '`) it would read the real `;`
/// and `|` as text, and the checks that end a command there would miss the command after
/// them. The text of a quote may be a script of its own (`sh -c "…"`, `bash -c '…'`), whose
/// own quotes the line may start inside: every line that starts inside a quote is checked.
///
/// This reads the whole script once, as bash does, carrying its state forward (so its cost
/// is bounded by the script's length, not by the number of operators): quotes, `$'…'` (not
/// after `$$`, after `\$$`), backslashes and line continuations (`\` right before a new
/// line: a carriage return between them ends the command), command substitutions,
/// parameter expansions, arithmetic (`((a<<b))`, `$((1<<2))` and the groups inside them
/// shift, and hold no comment; `$[…]` is not followed), backquotes (ended by the first
/// backquote no backslash escapes, whatever they hold), `case` patterns (their `)` closes
/// nothing; a `case` or `esac` where no command starts, and any `alias`, is not followed),
/// comments (a word that starts with `#`, not the `#` right after `$(…)`, `<(…)`, `a=(…)`
/// or `@(…)`), and here-documents: their bodies start after the line (and the
/// substitutions opened on it) and are read as a script of their own, which `bash <<'EOF'`
/// runs, up to the line that is the delimiter word with its quotes removed (a carriage
/// return included), and the state before them is taken up again after it (bash(1), "Here
/// Documents"). A body whose delimiter is unquoted is read as the shell expands it (`\\` is
/// `\`, `\`` a backquote, `\` then a new line joins the lines), and every line of it after
/// an expansion (a value spliced into the script) or a here-document of its own is checked.
/// A state this cannot follow (contexts nested deeper than 32, more than four here-documents
/// opened on one line, a delimiter that goes on past its line or follows a `[`) checks
/// every line after it; so does cloud-config or a MIME message of parts, which is no one
/// script (its own message). A PowerShell script (`<powershell>`) is not read:
/// [`quoted_at`] reads none of its operators as text.
const fn operator_misread_across_lines(b: &[u8]) -> Option<&'static str> {
    let n = b.len();
    if n == 0 || b[0] == b'<' {
        return None;
    }
    // Cloud-config and MIME parts are no one script: text read as shell across their
    // entries could hold a quote of no script, so every line is checked.
    let parts = !shell_script(b);
    let mut lost = parts;
    // The open contexts, two bits each, innermost lowest, as in `quoted_at`: command
    // substitution or group (0), double quotes (1), parameter expansion (2), backquotes
    // (3); `single` is 1 inside single quotes, 2 inside `$'…'`.
    let mut stack: u64 = 0;
    let mut depth = 0u32;
    let mut single = 0u8;
    let mut comment = false;
    // The contexts opened by `$(`, `<(` or `>(` (a bit a depth): their `)` ends no word,
    // so a `#` right after it starts none (`$(x)#"` is one word); the last such `)`.
    let mut wordy: u64 = 0;
    let mut word_close = usize::MAX;
    // The `case` commands open at each depth: a `)` there ends a pattern, not a group.
    let mut cases = [0u8; 33];
    // The contexts of arithmetic (a bit a depth): the parentheses of `$((…))` and `((…))`
    // and the groups inside them, where `<<` shifts and `#` starts no comment.
    let mut arith: u64 = 0;
    // Every line is checked after a state this cannot follow (`lost`, above).
    // The here-documents opened on the line being read (their delimiter words, `b[s..e]`,
    // and whether `<<-` strips leading tabs), and, once their bodies are read, the one whose
    // body is read and the state to take up after the last.
    let mut docs = [(0usize, 0usize, false); 4];
    let mut pending = 0usize;
    // The depth of the first of them: their bodies start after a new line outside any
    // substitution opened since (bash reads one opened after `<<` to its end first).
    let mut doc_depth = 0u32;
    let mut reading = false;
    let mut current = 0usize;
    let mut saved = (0u64, 0u32, 0u64, 0u64);
    let mut saved_cases = [0u8; 33];
    // Whether the body being read is expanded first (its delimiter is unquoted): the shell
    // that opened it removes a backslash before `\`, `$`, a backquote and a new line, and
    // splices the values of its expansions into the script of the body, which no reading
    // before boot knows: every line of the body after one is checked (`body_lost`), as
    // after a here-document opened inside a body.
    let mut expands = false;
    let mut body_lost = false;
    // Whether the operators of the line being read are checked (it started inside a quote:
    // [`quoted_at`] reads it from its start all the same), and whether a quote or a
    // backslash is on it yet (without one [`quoted_at`] reads no operator as text).
    let mut check = false;
    let mut quotes_seen = false;
    // The byte a backslash escaped last: text, which starts no word after it (`a\ #"` is
    // one word, `x\;case` too, and `\<<<EOF` opens a here-document).
    let mut escaped_at = usize::MAX;
    let mut i = 0;
    while i < n {
        let x = b[i];
        if matches!(x, b'"' | b'\'' | b'\\') {
            quotes_seen = true;
        }
        if !comment && check && quotes_seen && matches!(x, b';' | b'|' | b'&') && quoted_at(b, i) {
            return Some(if parts {
                QUOTED_OPERATOR_IN_PARTS
            } else {
                QUOTE_ACROSS_LINES
            });
        }
        let top = if depth == 0 { 0 } else { stack & 3 };
        if reading
            && expands
            && (x == b'`' || (x == b'$' && i + 1 < n && expansion_start(b[i + 1])))
        {
            // A value spliced into the script of an expanded body, quoted or not: what it
            // holds is known only at boot.
            body_lost = true;
            check = true;
        }
        if x == b'\n' {
            comment = false;
            // A line continuation, as `quoted_at` reads one: the same line goes on (but the
            // next may end a body that is not expanded).
            let continued = lf_continued(b, i);
            let mut fresh = !continued;
            // A substitution or backquotes opened since the `<<` are read to their end
            // first; a group, `( … )`, is not (bash 5).
            let mut deferred = false;
            let mut d = doc_depth;
            while d < depth {
                let kind = (stack >> (2 * (depth - 1 - d))) & 3;
                deferred = deferred || kind == 3 || (kind == 0 && wordy & (1 << d) != 0);
                d += 1;
            }
            if pending > 0
                && !reading
                && fresh
                && single == 0
                && !deferred
                && !depth_quoted(stack, depth)
            {
                // The bodies start on the next line, read as a script of their own.
                reading = true;
                current = 0;
                expands = word_expands(b, docs[0].0, docs[0].1);
                body_lost = false;
                saved = (stack, depth, wordy, arith);
                saved_cases = cases;
                stack = 0;
                depth = 0;
                wordy = 0;
                arith = 0;
            }
            // The next line: a delimiter ends the body being read (the line is skipped),
            // unless the shell that expands the body joined it to this one.
            let mut s = i + 1;
            while reading && s < n && !(continued && expands) {
                let mut e = s;
                while e < n && b[e] != b'\n' {
                    e += 1;
                }
                let (ds, de, tabs) = docs[current];
                if !delimiter_line(b, s, e, ds, de, tabs) {
                    break;
                }
                current += 1;
                expands = current < pending && word_expands(b, docs[current].0, docs[current].1);
                body_lost = false;
                if current == pending {
                    reading = false;
                    pending = 0;
                    (stack, depth, wordy, arith) = saved;
                    cases = saved_cases;
                    single = 0;
                }
                i = e;
                s = e + 1;
                fresh = true;
            }
            if fresh {
                let top = if depth == 0 { 0 } else { stack & 3 };
                check = lost || body_lost || single != 0 || (depth > 0 && top != 0);
                quotes_seen = false;
            }
        } else if comment {
            // To the end of the line.
        } else if single == 1 {
            if x == b'\'' {
                single = 0;
            }
        } else if single == 2 {
            if x == b'\\' {
                i += 1;
            } else if x == b'\'' {
                single = 0;
            }
        } else if x == b'\\' {
            // A run of backslashes and the byte after it.
            let mut r = 0;
            while i + r < n && b[i + r] == b'\\' {
                r += 1;
            }
            let c = if i + r < n { b[i + r] } else { 0 };
            // Whether the byte after them is escaped in the script read: in an expanded
            // body, `\\` is `\`, and `$`, a backquote and a new line lose the backslash
            // before them (`\`` is a backquote of the body's script).
            let escaped = if reading && expands && matches!(c, b'$' | b'`' | b'\n') {
                (r / 2) % 2 == 1
            } else if reading && expands {
                r.div_ceil(2) % 2 == 1
            } else {
                r % 2 == 1
            };
            i += r - 1;
            if escaped && i + 1 < n && (c != b'\n' || !reading) {
                // The escaped byte is text (in a body, a new line escaped is seen by the
                // next turn, so that a delimiter line is still found).
                i += 1;
                // (A line continuation is removed: what follows it is read as after the
                // byte before it, which a `case` there leaves unfollowed.)
                if c != b'\n' {
                    escaped_at = i;
                }
            }
        } else if depth > 0 && top == 3 {
            // Backquotes end at the first backquote that no backslash escapes; what they
            // hold is read as a script only then (bash(1), "Command Substitution").
            if x == b'`' {
                stack >>= 2;
                depth -= 1;
            }
        } else {
            let command = top == 0;
            let in_arith = depth > 0 && arith & 1 << (depth - 1) != 0;
            // A `(` that goes on with the word before it: process substitution, an array's
            // value, an extended pattern (`<(…)`, `a=(…)`, `@(…)`): its `)` ends no word.
            let joined = x == b'('
                && i > 0
                && matches!(
                    b[i - 1],
                    b'<' | b'>' | b'=' | b'@' | b'+' | b'*' | b'?' | b'!'
                );
            let arithmetic = in_arith
                || (i + 1 < n
                    && b[i + 1] == b'('
                    && ((x == b'(' && command) || (x == b'$' && i + 2 < n && b[i + 2] == b'(')));
            let opens = if x == b'$' && i + 1 < n && matches!(b[i + 1], b'(' | b'{') {
                // `$(` (and `$((`) or `${`, in any context but single quotes.
                i += 1;
                if b[i] == b'{' { 2 } else { 0 }
            } else if x == b'$' && i + 1 < n && b[i + 1] == b'[' {
                // `$[…]`, arithmetic of old: not followed.
                lost = true;
                check = true;
                4
            } else if x == b'`' {
                3
            } else if x == b'"' && top != 1 {
                1
            } else if x == b'(' && command {
                0
            } else {
                4
            };
            if opens < 4 {
                if depth == 32 {
                    lost = true;
                    check = true;
                } else {
                    stack = (stack << 2) | opens;
                    depth += 1;
                    let bit = 1 << (depth - 1);
                    wordy = if opens == 0 && (x == b'$' || joined) {
                        wordy | bit
                    } else {
                        wordy & !bit
                    };
                    // `$(` inside arithmetic holds commands again.
                    arith = if opens == 0
                        && arithmetic
                        && !(in_arith
                            && x == b'$'
                            && b[i] == b'('
                            && !(i + 1 < n && b[i + 1] == b'('))
                    {
                        arith | bit
                    } else {
                        arith & !bit
                    };
                    cases[depth as usize] = 0;
                }
            } else if depth > 0
                && ((x == b'"' && top == 1)
                    || (x == b'}' && top == 2)
                    || (x == b')' && top == 0 && cases[depth as usize] == 0))
            {
                if x == b')' && wordy & 1 << (depth - 1) != 0 {
                    word_close = i;
                }
                stack >>= 2;
                depth -= 1;
            } else if x == b'\'' && top != 1 {
                single = if ansi_c_quote_at(b, i) { 2 } else { 1 };
            } else if command
                && !in_arith
                && x == b'#'
                && (i == 0
                    || (escaped_at != i - 1
                        && matches!(
                            b[i - 1],
                            b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'(' | b'<' | b'>'
                        ))
                    || (b[i - 1] == b')' && word_close != i - 1))
            {
                comment = true;
            } else if command
                && matches!(x, b'c' | b'e' | b'a')
                && (i == 0 || (escaped_at != i - 1 && !word_byte(b[i - 1])))
                && (shell_keyword_at(b, i, b"case")
                    || shell_keyword_at(b, i, b"esac")
                    || shell_keyword_at(b, i, b"alias"))
            {
                // `case` and `esac` where a command starts count the patterns open (a word
                // spelled so elsewhere, `echo case`, cannot be told from one: not followed);
                // an alias may stand for any text, a quote too (dash expands them in scripts).
                let d = depth as usize;
                if x == b'a' || !command_position(b, i) {
                    lost = true;
                    check = true;
                } else if x == b'c' {
                    cases[d] = cases[d].saturating_add(1);
                } else if cases[d] > 0 {
                    cases[d] -= 1;
                }
                i += 3;
            } else if command
                && !in_arith
                && x == b'<'
                && i + 2 < n
                && b[i + 1] == b'<'
                && b[i + 2] != b'<'
                && (i == 0 || b[i - 1] != b'<' || escaped_at == i - 1)
            {
                if reading {
                    // A here-document inside a body: not followed.
                    body_lost = true;
                    check = true;
                } else if let Some((d, e, tabs)) = here_document_word(b, i) {
                    if pending == docs.len() {
                        lost = true;
                        check = true;
                    } else {
                        if pending == 0 {
                            doc_depth = depth;
                        }
                        docs[pending] = (d, e, tabs);
                        pending += 1;
                        i = e - 1;
                    }
                } else {
                    lost = true;
                    check = true;
                }
            }
        }
        i += 1;
    }
    None
}

/// Whether `word` is at `i` as a word of its own, unquoted (a quoted or escaped spelling,
/// `c''ase`, `\\case`, is no keyword of the shell): the bytes as written, nothing of a word
/// after them.
const fn shell_keyword_at(b: &[u8], i: usize, word: &[u8]) -> bool {
    let e = i + word.len();
    at_exactly(b, i, word)
        && (i == 0 || b[i - 1] != b'\\')
        && (e == b.len() || !word_byte(b[e]) || matches!(b[e], b'(' | b')'))
        && !(e < b.len() && matches!(b[e], b'\'' | b'"' | b'\\' | b'$' | b'`'))
}

/// Whether `b` is one shell script (not cloud-config, not a MIME message of parts, whose
/// entries are no one script): its first line is not `#cloud-config` (nor another
/// cloud-init part: `#cloud-`, `## template`, `#include`), and its first lines name no
/// `Content-Type`.
const fn shell_script(b: &[u8]) -> bool {
    if at_ignore_case(b, 0, b"#cloud-")
        || at_ignore_case(b, 0, b"## template")
        || at_ignore_case(b, 0, b"#include")
    {
        return false;
    }
    let mut k = 0;
    while k < b.len() && k < 1024 {
        if (b[k] == b'c' || b[k] == b'C') && at_ignore_case(b, k, b"content-type:") {
            return false;
        }
        k += 1;
    }
    true
}

/// Whether the new line at `k` ends a line continuation as bash reads one: `\` right before
/// it, escaping (a carriage return between them is a byte of the word, and the new line
/// ends the command: hostile review 25).
const fn lf_continued(b: &[u8], k: usize) -> bool {
    k >= 1 && b[k - 1] == b'\\' && continuation(b, k - 1) == 2
}

/// Whether the byte after a `$` starts an expansion: a name, a digit, a special parameter,
/// `{`, `(` or `[`.
const fn expansion_start(c: u8) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            b'_' | b'{' | b'(' | b'[' | b'@' | b'*' | b'#' | b'?' | b'$' | b'!' | b'-'
        )
}

/// The delimiter word of the here-document whose `<<` is at `i` (`b[d..e]`, and whether
/// `<<-` strips leading tabs), when it can be followed: a word on the line (a quote closed
/// on it, no line continuation; a carriage return before the new line is part of it, as
/// the shell reads it), not inside an array subscript (`a[1<<2]=3` shifts; `echo a[1<<2]`
/// opens a document).
const fn here_document_word(b: &[u8], i: usize) -> Option<(usize, usize, bool)> {
    let n = b.len();
    // A `[` open in the word before `<<`.
    let mut w = i;
    let mut open = false;
    while w > 0
        && !matches!(
            b[w - 1],
            b' ' | b'\t' | b'\n' | b';' | b'|' | b'&' | b'(' | b')'
        )
    {
        if b[w - 1] == b']' {
            break;
        }
        if b[w - 1] == b'[' {
            open = true;
            break;
        }
        w -= 1;
    }
    if open {
        return None;
    }
    let mut d = i + 2;
    let tabs = d < n && b[d] == b'-';
    if tabs {
        d += 1;
    }
    d = skip_blanks(b, d);
    if d >= n
        || matches!(
            b[d],
            b' ' | b'\t' | b'\r' | b'\n' | b';' | b'|' | b'&' | b'<' | b'>' | b'(' | b')'
        )
    {
        return None;
    }
    let mut e = shell_word_end(b, d);
    e = if e > n { n } else { e };
    while e < n && b[e] == b'\r' {
        e += 1;
    }
    let mut j = d;
    let mut quote = 0u8;
    while j < e && b[j] != b'\n' {
        if quote != 0 {
            if b[j] == quote {
                quote = 0;
            }
        } else if matches!(b[j], b'"' | b'\'') {
            quote = b[j];
        } else if b[j] == b'\\' {
            j += 1;
        }
        j += 1;
    }
    if j < e || quote != 0 {
        None
    } else {
        Some((d, e, tabs))
    }
}

/// Whether the innermost of the open contexts `stack` (`depth` of them; see
/// [`operator_misread_across_lines`]) quotes: double quotes or a parameter expansion.
const fn depth_quoted(stack: u64, depth: u32) -> bool {
    depth > 0 && matches!(stack & 3, 1 | 2)
}

/// Whether the here-document whose delimiter is the word `b[ds..de]` is expanded before it
/// is read: the word has no quote nor backslash (bash(1), "Here Documents").
const fn word_expands(b: &[u8], ds: usize, de: usize) -> bool {
    let mut d = ds;
    while d < de {
        if matches!(b[d], b'"' | b'\'' | b'\\') {
            return false;
        }
        d += 1;
    }
    true
}

/// Whether the script may change what one of [`TEXT_COMMANDS`] runs, whose quotes
/// [`quoted_at`] reads as text (hostile review 25): a function of that name (`echo() { eval
/// "$*"; }`, `function logger`, or any function defined through `eval`), an alias of it
/// (`alias echo=eval`, `BASH_ALIASES[echo]=…`), `enable -n` (a builtin turned off), `hash -p`
/// or `BASH_CMDS[…]=`, a function imported from the environment (`BASH_FUNC_…`), or a file of
/// that name the script makes: a path ending in the name (its quotes and backslashes
/// removed: `"/opt/bin/"sed`, `s\ed`) that is not run, or the name alone as the target of a
/// redirection (`> logger`) or the last word of `cp`, `mv`, `ln`, `install` or `tee`; and a
/// `sed` whose script runs text ([`sed_executes`]).
const fn text_command_redefined(b: &[u8]) -> bool {
    let n = b.len();
    // A PowerShell script: `quoted_at` reads none of its quotes as text.
    if n == 0 || b[0] == b'<' {
        return false;
    }
    let mut i = 0;
    while i < n {
        // The first letters of the words read: the others are skipped at once (the budget
        // of const evaluation counts steps).
        let x = b[i];
        if x == b'$'
            && i > 0
            && matches!(b[i - 1], b'/' | b'"' | b'\'' | b' ' | b'\t' | b'>')
            && file_named_by_expansion(b, i)
        {
            return true;
        }
        if !matches!(
            x,
            b'e' | b'p'
                | b's'
                | b'g'
                | b'f'
                | b'l'
                | b'h'
                | b'B'
                | b'a'
                | b'c'
                | b'w'
                | b'o'
                | b't'
                | b'b'
                | b'u'
                | b'j'
                | b'v'
        ) {
            i += 1;
            continue;
        }
        // The commands a password reader is fed by (hostile review 27: `aws() { echo
        // root:…; }` then `aws … | chpasswd`), at the start of a word (or after a quote or
        // a backslash), by their first two letters.
        if !matches!(x, b'e' | b'g' | b'f' | b'l' | b'B')
            && (i == 0
                || matches!(
                    b[i - 1],
                    b' ' | b'\t'
                        | b'\n'
                        | b';'
                        | b'&'
                        | b'|'
                        | b'('
                        | b'{'
                        | b'/'
                        | b'"'
                        | b'\''
                        | b'\\'
                ))
            && feeder_redefined(b, i)
        {
            return true;
        }
        if !matches!(x, b'e' | b'p' | b's' | b'g' | b'f' | b'l' | b'h' | b'B') {
            i += 1;
            continue;
        }
        let start = i == 0 || !word_byte(b[i - 1]);
        if !start && !matches!(b[i - 1], b'/' | b'"' | b'\'' | b'\\') {
            i += 1;
            continue;
        }
        if (x == b'B'
            && (at_exactly(b, i, b"BASH_ALIASES")
                || at_exactly(b, i, b"BASH_CMDS")
                || at_exactly(b, i, b"BASH_FUNC_")))
            || (start
                && ((shell_keyword_at(b, i, b"enable")
                    && at_exactly(b, skip_blanks(b, i + 6), b"-n"))
                    || (shell_keyword_at(b, i, b"hash")
                        && at_exactly(b, skip_blanks(b, i + 4), b"-p"))))
        {
            return true;
        }
        if start && x == b's' && shell_keyword_at(b, i, b"sed") && command_position(b, i) {
            // GNU sed's `e` runs text as a command (`sed -n '1e …'`, `s/x/y/e`).
            let mut j = i + 3;
            while j < n && (b[j] != b'\n' || lf_continued(b, j)) {
                j += 1;
            }
            if sed_executes(b, i + 3, j) {
                return true;
            }
        }
        if start && x == b'e' && shell_keyword_at(b, i, b"eval") {
            // A function defined by the text `eval` runs: `eval 'ech''o() { …; }'`.
            let mut j = i + 4;
            while j < n && (b[j] != b'\n' || lf_continued(b, j)) {
                if b[j] == b'(' && skip_blanks(b, j + 1) < n && b[skip_blanks(b, j + 1)] == b')' {
                    return true;
                }
                j += 1;
            }
        }
        let mut w = 0;
        while w < TEXT_COMMANDS.len() {
            let name = TEXT_COMMANDS[w].as_bytes();
            // The name as the shell reads it, its quotes and backslashes removed.
            let e = if b[i] == name[0] {
                match_word(b, i, name, false)
            } else {
                0
            };
            if e != 0 && (e == n || !name_byte(b[e])) {
                let after = skip_blanks(b, e);
                // `NAME()`, `NAME ()`, `function NAME`, `alias NAME=`.
                let defined = start && after < n && b[after] == b'(' && {
                    let close = skip_blanks(b, after + 1);
                    close < n && b[close] == b')'
                };
                // The word that holds the name, and whether a `/` comes before it there.
                let mut ws = i;
                let mut path = false;
                while ws > 0 && word_byte(b[ws - 1]) {
                    path = path || b[ws - 1] == b'/';
                    ws -= 1;
                }
                let mut before = ws;
                while before > 0 && matches!(b[before - 1], b' ' | b'\t') {
                    before -= 1;
                }
                let named = start && before >= 8 && at_exactly(b, before - 8, b"function");
                let aliased =
                    e < n && b[e] == b'=' && before >= 5 && at_exactly(b, before - 5, b"alias");
                // What follows the name in its word: nothing but quotes.
                let mut end = e;
                while end < n && matches!(b[end], b'"' | b'\'') {
                    end += 1;
                }
                let whole = end == n || !word_byte(b[end]);
                // Before the name in its word: a path, or nothing but quotes.
                let mut bare = true;
                let mut q = ws;
                while q < i {
                    bare = bare && matches!(b[q], b'"' | b'\'' | b'\\');
                    q += 1;
                }
                let file = whole
                    && ((path
                        && (b[i - 1] == b'/' || matches!(b[i - 1], b'"' | b'\'' | b'\\'))
                        && !command_position(b, ws))
                        || (bare && before > 0 && b[before - 1] == b'>')
                        || (bare
                            && !command_position(b, ws)
                            && command_end_or_line(b, skip_blanks(b, end))
                            && {
                                let c = command_word(b, ws);
                                word_at(b, c, b"cp")
                                    || word_at(b, c, b"mv")
                                    || word_at(b, c, b"ln")
                                    || word_at(b, c, b"install")
                                    || word_at(b, c, b"tee")
                            }));
                if defined || named || aliased || file {
                    return true;
                }
            }
            w += 1;
        }
        i += 1;
    }
    false
}

/// Commands whose output a password reader may be fed, as [`reader_fed_readably`],
/// [`fetching_command`] and [`transform_stage`] trust them (`echo`, `printf`, `sed` and
/// `grep` are [`TEXT_COMMANDS`]).
const FEEDERS: [&str; 16] = [
    "aws", "curl", "cut", "cat", "wget", "openssl", "head", "tail", "tr", "base64", "sort", "uniq",
    "uuidgen", "jq", "pwgen", "vault",
];

/// The range of [`FEEDERS`] that may start with the bytes at `i` (their first two letters,
/// or a first letter then a quote or backslash, which may split a name: `c"u"rl`).
const fn feeders_at(b: &[u8], i: usize) -> (usize, usize) {
    if i + 1 >= b.len() {
        return (0, 0);
    }
    let split = matches!(b[i + 1], b'"' | b'\'' | b'\\');
    match (b[i], b[i + 1]) {
        (b'a', b'w') => (0, 1),
        (b'c', b'u') => (1, 3),
        (b'c', b'a') => (3, 4),
        (b'c', _) if split => (1, 4),
        (b'a', _) if split => (0, 1),
        (b'w', b'g') => (4, 5),
        (b'w', _) if split => (4, 5),
        (b'o', b'p') => (5, 6),
        (b'o', _) if split => (5, 6),
        (b'h', b'e') => (6, 7),
        (b'h', _) if split => (6, 7),
        (b't', b'a') => (7, 8),
        (b't', b'r') => (8, 9),
        (b't', _) if split => (7, 9),
        (b'b', b'a') => (9, 10),
        (b'b', _) if split => (9, 10),
        (b's', b'o') => (10, 11),
        (b's', _) if split => (10, 11),
        (b'u', b'n' | b'u') => (11, 13),
        (b'u', _) if split => (11, 13),
        (b'j', b'q') => (13, 14),
        (b'j', _) if split => (13, 14),
        (b'p', b'w') => (14, 15),
        (b'p', _) if split => (14, 15),
        (b'v', b'a') => (15, 16),
        (b'v', _) if split => (15, 16),
        _ => (0, 0),
    }
}

/// Whether the word at `i` redefines one of [`FEEDERS`] (hostile review 27): a function
/// (`aws() {`, `function aws`), an alias, or a file of that name the script writes (a
/// redirection's target, `tee`'s) or copies, moves, links or installs from a file of
/// another name (`cp /tmp/x /usr/local/bin/aws`; `ln -s /usr/local/bin/aws /usr/bin/aws`
/// passes). Found first on the PATH, it would print what the script says.
const fn feeder_redefined(b: &[u8], i: usize) -> bool {
    let n = b.len();
    let (mut f, last) = feeders_at(b, i);
    while f < last {
        let name = FEEDERS[f].as_bytes();
        let e = match_word(b, i, name, false);
        f += 1;
        if e == 0 || (e < n && (name_byte(b[e]) || matches!(b[e], b'-' | b'.' | b'/'))) {
            continue;
        }
        // The word that holds the name, its end past quotes.
        let mut ws = i;
        while ws > 0 && word_byte(b[ws - 1]) {
            ws -= 1;
        }
        let mut end = e;
        while end < n && matches!(b[end], b'"' | b'\'') {
            end += 1;
        }
        let after = skip_blanks(b, end);
        let mut before = ws;
        while before > 0 && matches!(b[before - 1], b' ' | b'\t') {
            before -= 1;
        }
        // `NAME()`, `function NAME`, `alias NAME=`.
        if (ws == i
            && after < n
            && b[after] == b'('
            && skip_blanks(b, after + 1) < n
            && b[skip_blanks(b, after + 1)] == b')')
            || (before >= 8 && at_exactly(b, before - 8, b"function") && ws == i)
            || (end < n && b[end] == b'=' && before >= 5 && at_exactly(b, before - 5, b"alias"))
        {
            return true;
        }
        if end < n && word_byte(b[end]) {
            continue;
        }
        // A file of that name: a redirection's target, `dd`'s `of=`, a download of a
        // local file (`curl -o …/aws file:///…`).
        if (before > 0 && b[before - 1] == b'>') || at_exactly(b, ws, b"of=") {
            return true;
        }
        if before >= 2
            && matches!(b[before - 1], b'o' | b'O' | b't')
            && (b[before - 2] == b'-' || b[before - 2] == b'u')
            && range_holds(b, command_start(b, ws), logical_line_end(b, ws), b"file:")
        {
            return true;
        }
        // The last word of `tee`, `cp`, `mv`, `ln` or `install` (from a file of another
        // name but for `tee`).
        // (Before the command's end or its redirections.)
        if ws > 0
            && !command_position(b, ws)
            && (command_end_or_line(b, after) || (after < n && matches!(b[after], b'<' | b'>')))
        {
            let c = command_word(b, ws);
            if word_at(b, c, b"tee") {
                return true;
            }
            if word_at(b, c, b"cp")
                || word_at(b, c, b"mv")
                || word_at(b, c, b"ln")
                || word_at(b, c, b"install")
            {
                // The word before: the source. A file of the same name passes (`ln -s
                // /usr/local/bin/aws /usr/bin/aws`), and one the script does not make
                // (`mv jq-linux64 /usr/local/bin/jq`); not one it writes, a descriptor's or
                // a process substitution's, or a name made at boot.
                let mut se = before;
                while se > 0 && matches!(b[se - 1], b'"' | b'\'') {
                    se -= 1;
                }
                let mut ss = se;
                while ss > 0 && word_byte(b[ss - 1]) {
                    ss -= 1;
                }
                let mut ps = se;
                while ps > ss && b[ps - 1] != b'/' {
                    ps -= 1;
                }
                // Its last part must start with the name (`jq-linux64`, `aws`): another
                // program linked under the name runs as it (`ln -s /usr/bin/env …/aws`).
                return ps >= se
                    || !at_exactly(b, ps, name)
                    || range_holds(b, ss, se, b"$")
                    || range_holds(b, ss, se, b"`")
                    || range_holds(b, ss, se, b"(")
                    || range_holds(b, ss, se, b"/dev/")
                    || range_holds(b, ss, se, b"/proc/")
                    || file_written_by_script(b, ps, se);
            }
        }
    }
    false
}

/// Whether the script writes a file whose last part is `b[p..e]` (elsewhere than at `p`):
/// the target of a redirection or of `tee`, by that last part.
const fn file_written_by_script(b: &[u8], p: usize, e: usize) -> bool {
    let n = b.len();
    let m = e - p;
    let mut k = 0;
    while k + m <= n {
        if k != p
            && b[k] == b[p]
            && names_equal(b, k, p, m)
            && (k == 0 || matches!(b[k - 1], b'/' | b' ' | b'\t' | b'"' | b'\'' | b'>'))
            && (k + m == n || !(name_byte(b[k + m]) || matches!(b[k + m], b'.' | b'-')))
        {
            let mut ws = k;
            while ws > 0 && word_byte(b[ws - 1]) {
                ws -= 1;
            }
            let mut before = ws;
            while before > 0 && matches!(b[before - 1], b' ' | b'\t') {
                before -= 1;
            }
            if before > 0 && b[before - 1] == b'>' {
                return true;
            }
            let c = command_word(b, ws);
            if c < ws && word_at(b, c, b"tee") {
                return true;
            }
        }
        k += 1;
    }
    false
}

/// Whether the name before the `=` at `i` follows a flag cluster holding `n` (`declare -n
/// r=…`), tested without a call for every `=` ([`nameref_made_at`] reads the command).
const fn nameref_flag_before(b: &[u8], i: usize) -> bool {
    let mut k = i;
    while k > 0 && matches!(b[k - 1], b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_') {
        k -= 1;
    }
    if k < 4 || !matches!(b[k - 1], b' ' | b'\t') {
        return false;
    }
    let mut f = k - 1;
    let mut n_flag = false;
    while f > 0 && b[f - 1].is_ascii_alphabetic() {
        n_flag = n_flag || b[f - 1] == b'n';
        f -= 1;
    }
    n_flag && f > 0 && b[f - 1] == b'-'
}

/// Whether the `=` at `i` gives a name reference (`declare -n`, `local -n`, `typeset -n`) a
/// target made at boot (`declare -n r=${U:-X}`; hostile review 27): what `r=…` then sets
/// is a variable the check cannot name.
const fn nameref_made_at(b: &[u8], i: usize) -> bool {
    let c = first_word_from(b, command_start(b, i));
    c < i
        && (word_at(b, c, b"declare") || word_at(b, c, b"local") || word_at(b, c, b"typeset"))
        && command_has_flag(b, c, b'n', b"")
}

/// Whether the `=` at `i` follows a brace expansion that makes the names assigned (`export
/// {PW,X}=…`, `declare {A,B}=…`; hostile review 26): the check cannot read which names get
/// the text.
const fn brace_named_at(b: &[u8], i: usize) -> bool {
    let mut j = i - 1;
    let mut comma = false;
    while j > 0 && !matches!(b[j - 1], b' ' | b'\t' | b'\n' | b';' | b'{') {
        j -= 1;
        comma = comma || b[j] == b',';
    }
    j > 0 && b[j - 1] == b'{' && (j < 2 || b[j - 2] != b'$') && comma
}

/// Whether the expansion at `i` names a file the script makes that may be one of
/// [`TEXT_COMMANDS`] (hostile review 26: `n=logger; ln -sf /bin/bash DIR/$n`): the last
/// part of a path (`DIR/$n`, `"$DIR/${n}"`) or the whole word (`"$D"`) that is the target of
/// a redirection, of `curl -o` or `wget -O`, or the last word of `cp`, `mv`, `ln`,
/// `install` or `tee`, whose variable was given written text ([`written_before`]) that is
/// not plainly a name that is none of them ([`plainly_assigned_other_name`]). A name fetched
/// at boot (`D=$(mktemp)`) is not in the text.
const fn file_named_by_expansion(b: &[u8], i: usize) -> bool {
    let n = b.len();
    // The expansion ends its word, but for quotes (tested before anything is called: the
    // budget of const evaluation counts calls).
    let mut e = i + 1;
    if e < n && b[e] == b'{' {
        while e < n && b[e] != b'}' && b[e] != b'\n' {
            e += 1;
        }
        e += 1;
    } else {
        while e < n && (b[e].is_ascii_alphanumeric() || b[e] == b'_') {
            e += 1;
        }
    }
    let mut t = e;
    while t < n && matches!(b[t], b'"' | b'\'') {
        t += 1;
    }
    if e == i + 1
        || !(t >= n
            || matches!(
                b[t],
                b' ' | b'\t' | b'\r' | b'\n' | b';' | b'|' | b'&' | b')'
            ))
    {
        return false;
    }
    // The word that holds the expansion.
    let mut ws = i;
    while ws > 0 && (word_byte(b[ws - 1]) || matches!(b[ws - 1], b'{' | b'}')) {
        ws -= 1;
    }
    let mut p = i;
    while p > ws && matches!(b[p - 1], b'"' | b'\'') {
        p -= 1;
    }
    let path = p > ws && b[p - 1] == b'/';
    let mut before = ws;
    while before > 0 && matches!(b[before - 1], b' ' | b'\t') {
        before -= 1;
    }
    // The target of a redirection or of `-o`, or a word after one of `cp`, `mv`, `ln`,
    // `install`, `tee` on its line (looked for without a call first: the budget of const
    // evaluation counts calls).
    let mut named = before > 0 && matches!(b[before - 1], b'>' | b'o' | b'O');
    let mut l = ws;
    while !named && l > 1 && b[l - 1] != b'\n' {
        l -= 1;
        named = matches!(
            (b[l - 1], b[l]),
            (b'c', b'p') | (b'm', b'v') | (b'l', b'n') | (b'l', b'l') | (b'e', b'e')
        );
    }
    if !named || !(path || p == ws) || t != shell_word_end(b, ws) {
        return false;
    }
    // The target of a redirection, of `curl -o` or `wget -O`, or the last word of `cp`,
    // `mv`, `ln`, `install` or `tee`.
    let file = (before > 0 && b[before - 1] == b'>')
        || (before >= 2
            && b[before - 2] == b'-'
            && matches!(b[before - 1], b'o' | b'O')
            && blank_before(b, before - 2))
        || (!(before > 0 && b[before - 1] == b'<')
            && command_end_or_line(b, skip_blanks(b, t))
            && {
                let c = command_word(b, ws);
                c < ws
                    && matches!(b[c], b'c' | b'm' | b'l' | b'i' | b't')
                    && (word_at(b, c, b"cp")
                        || word_at(b, c, b"mv")
                        || word_at(b, c, b"ln")
                        || word_at(b, c, b"install")
                        || word_at(b, c, b"tee"))
            });
    file && written_before(b, i, i) && !plainly_assigned_other_name(b, i)
}

/// Whether the variable expanded at `v` (`$n`, `${n}`) was last assigned, before it, a
/// written word without expansions whose last part (after a `/`) is none of
/// [`TEXT_COMMANDS`] (`BIN=app`, `D=/usr/local/bin/app`). A value set otherwise (fetched,
/// `printf -v`, `read`) is not known to be another name.
const fn plainly_assigned_other_name(b: &[u8], v: usize) -> bool {
    let braced = at_exactly(b, v, b"${");
    let start = if braced { v + 2 } else { v + 1 };
    let mut end = start;
    while end < b.len() && (b[end].is_ascii_alphanumeric() || b[end] == b'_') {
        end += 1;
    }
    let len = end - start;
    if len == 0 {
        return false;
    }
    let mut k = v;
    while k > 0 {
        k -= 1;
        let named = k + len < b.len()
            && names_equal(b, k, start, len)
            && (k == 0 || !(word_byte(b[k - 1]) || b[k - 1] == b'{'));
        // `for NAME in WORDS`: each word plainly a name that is none of them.
        if named && for_loop_name(b, k) {
            let mut j = skip_blanks(b, k + len);
            if !word_at(b, j, b"in") {
                return false;
            }
            j += 2;
            loop {
                let (s, e) = next_word(b, j);
                if s == e || word_at(b, s, b"do") {
                    return true;
                }
                let mut t = s;
                while t < e {
                    if matches!(b[t], b'$' | b'`' | b'\\' | b'*' | b'?') {
                        return false;
                    }
                    t += 1;
                }
                let mut w = 0;
                while w < TEXT_COMMANDS.len() {
                    if word_at(b, skip_quotes(b, s), TEXT_COMMANDS[w].as_bytes()) {
                        return false;
                    }
                    w += 1;
                }
                j = e;
            }
        }
        if !(named && b[k + len] == b'=') {
            continue;
        }
        let s = k + len + 1;
        let e = shell_word_end(b, s);
        // The value, its quotes removed, and where its last part starts.
        let mut j = s;
        let mut last = s;
        while j < e {
            if matches!(b[j], b'$' | b'`' | b'\\') {
                return false;
            }
            if b[j] == b'/' {
                last = j + 1;
            }
            j += 1;
        }
        let last = skip_quotes(b, last);
        let mut w = 0;
        while w < TEXT_COMMANDS.len() {
            let name = TEXT_COMMANDS[w].as_bytes();
            if at_exactly(b, last, name) {
                let mut after = last + name.len();
                while after < e && matches!(b[after], b'"' | b'\'') {
                    after += 1;
                }
                if after == e {
                    return false;
                }
            }
            w += 1;
        }
        return e > s;
    }
    false
}

/// Whether `k` is at the end of the script, of a line or of a command.
const fn command_end_or_line(b: &[u8], k: usize) -> bool {
    k >= b.len() || b[k] == b'\n' || command_end(b, k)
}

/// Whether the line `b[s..e]` ends a here-document whose delimiter is the word `b[ds..de]`
/// (after its leading tabs when `tabs`, for `<<-`): the line is the word with its quotes and
/// backslashes removed, as the shell compares them (bash(1), "Here Documents").
const fn delimiter_line(
    b: &[u8],
    mut s: usize,
    e: usize,
    ds: usize,
    de: usize,
    tabs: bool,
) -> bool {
    while tabs && s < e && b[s] == b'\t' {
        s += 1;
    }
    let mut d = ds;
    let mut quote = 0u8;
    while d < de {
        let x = b[d];
        if quote != 0 && x == quote {
            quote = 0;
        } else if quote == 0 && (x == b'\'' || x == b'"') {
            quote = x;
        } else {
            if x == b'\\' && quote != b'\'' && d + 1 < de {
                d += 1;
            }
            if s >= e || b[s] != b[d] {
                return false;
            }
            s += 1;
        }
        d += 1;
    }
    s == e
}

/// Matches `needle` at `i` as the shell reads a word: quotes (`c"u"rl`, `my''sql`), a
/// backslash before an ordinary byte (`m\ysql`) and line continuations between its bytes
/// are skipped, and a space in `needle` matches any space between words (see [`blank`]).
/// Returns the index after the match, or 0 when it does not match.
const fn match_word(b: &[u8], i: usize, needle: &[u8], ignore_case: bool) -> usize {
    // The lengths once, and `continuation` called only at a backslash: the budget of const
    // evaluation counts calls, and this runs for many words of the text.
    let (len, size) = (b.len(), needle.len());
    let mut k = i;
    let mut n = 0;
    while n < size {
        if needle[n] == b' ' {
            // Past the quote that closes the word before (`"az" login`; hostile review 19).
            while k < len && (b[k] == b'"' || b[k] == b'\'') {
                k += 1;
            }
            let after = skip_blanks(b, k);
            if after == k {
                return 0;
            }
            k = after;
            n += 1;
            continue;
        }
        // What the shell removes before the next byte.
        loop {
            if k >= len {
                return 0;
            }
            let c = if b[k] == b'\\' { continuation(b, k) } else { 0 };
            if c > 0 {
                k += c;
            } else if b[k] == b'"'
                || b[k] == b'\''
                // The `$` of `$'…'` and `$"…"` (`my$''sql`, `cu$'r'l`; hostile review 29).
                || (b[k] == b'$' && k + 1 < len && (b[k + 1] == b'\'' || b[k + 1] == b'"'))
            {
                k += 1;
            } else if b[k] == b'\\' && k + 1 < len && b[k + 1] != b'\n' {
                k += 1;
                break;
            } else {
                break;
            }
        }
        if k >= len {
            return 0;
        }
        let c = if ignore_case { lower!(b[k]) } else { b[k] };
        if c != needle[n] {
            return 0;
        }
        k += 1;
        n += 1;
    }
    k
}

/// The end of the phrase `needle` (a tool and its subcommands, `helm registry login`) at
/// `i`, as [`match_word`] reads it, with option words allowed between its words (`docker
/// --debug login`, `podman --log-level=debug login`, `docker --config /x login`: an
/// option without `=` may take the word after it; hostile review 29); 0 when it is not
/// there.
const fn match_phrase(b: &[u8], i: usize, needle: &[u8]) -> usize {
    let mut sp = 0;
    while sp < needle.len() && needle[sp] != b' ' {
        sp += 1;
    }
    if sp == needle.len() {
        return match_word(b, i, needle, true);
    }
    let (head, rest) = needle.split_at(sp);
    let rest = rest.split_at(1).1;
    let mut k = match_word(b, i, head, true);
    if k == 0 {
        return 0;
    }
    // Past the quote that closes the word before (`"az" login`).
    while k < b.len() && (b[k] == b'"' || b[k] == b'\'') {
        k += 1;
    }
    let mut at = skip_blanks(b, k);
    if at == k {
        return 0;
    }
    let mut valued = false;
    let mut words = 0;
    while words < 8 {
        let r = match_phrase(b, at, rest);
        if r != 0 {
            return r;
        }
        let q = skip_quotes(b, at);
        let we = shell_word_end(b, at);
        if we == at || q >= we {
            return 0;
        }
        if b[q] == b'-' {
            let mut j = q;
            while j < we && b[j] != b'=' {
                j += 1;
            }
            valued = j == we;
        } else if valued {
            valued = false;
        } else {
            return 0;
        }
        let next = skip_blanks(b, we);
        if next == we {
            return 0;
        }
        at = next;
        words += 1;
    }
    0
}

/// Whether a written value starts at `v` (after optional quotes, `$'` or `$"`): a byte that
/// is not the end of the word or of the text, nor `$`, a backquote, `<` or `{` (a variable,
/// a command fetching the value at boot, a placeholder).
const fn written_at(b: &[u8], v: usize) -> bool {
    let v = skip_quotes(b, v);
    if v < b.len() && (b[v] == b'$' || b[v] == b'`') {
        return literal_expansion(b, v) || substitution_written_at(b, v) || variable_written(b, v);
    }
    // A brace expansion makes written words (`{h..h}unter2`, `{,}hunter2`; hostile review
    // 29), a placeholder (`{{password}}`, `{password}`) none.
    if v + 1 < b.len() && b[v] == b'{' && b[v + 1] != b'{' {
        let mut j = v + 1;
        while j < b.len() && !matches!(b[j], b'}' | b' ' | b'\t' | b'\n' | b'"' | b'\'') {
            if b[j] == b',' || (b[j] == b'.' && j + 1 < b.len() && b[j + 1] == b'.') {
                return true;
            }
            j += 1;
        }
    }
    v < b.len()
        && blank(b, v) == 0
        && !matches!(
            b[v],
            b'$' | b'`' | b'<' | b'{' | b'\n' | b';' | b'|' | b'&' | b')'
        )
}

/// Whether the value starting at `v` writes what the flag takes.
const fn flag_value_written(b: &[u8], v: usize, takes: Takes) -> bool {
    match takes {
        // Written, or a fetched value mixed with written text in one word (`-p"$S
        // hunter2"`; hostile review 23).
        Takes::Password => {
            let q = skip_quotes(b, v);
            if q < b.len() && (b[q] == b'$' || b[q] == b'`') {
                // [`written_at`] without its [`variable_written`] (each trace walks back
                // through the text: the budget of const evaluation counts the steps).
                // Every expansion traced to a fetch once ([`expansion_not_fetched`]); then
                // the word is read for text mixed in, without tracing them again, but in a
                // PowerShell script, whose `$NAME = …` only [`written_before`] reads.
                literal_expansion(b, q)
                    || substitution_written_at(b, q)
                    || expansion_not_fetched(b, v)
                    || word_mixes_text_by(b, v, shell_word_end(b, v), b[0] == b'<')
            } else {
                written_at(b, v) || word_mixes_text(b, v, shell_word_end(b, v))
            }
        }
        Takes::Hash => {
            (written_at(b, v) || word_mixes_text(b, v, shell_word_end(b, v))) && !lock_marker(b, v)
        }
        Takes::RarPassword => {
            !(v < b.len() && b[v] == b'-' && (v + 1 == b.len() || !name_byte(b[v + 1])))
                && flag_value_written(b, v, Takes::Password)
        }
        Takes::PassPhrase | Takes::UserAndPassword | Takes::UserCommaPassword => {
            let p = password_at(b, v, takes);
            p < b.len() && (written_at(b, p) || expansion_not_fetched(b, p))
        }
    }
}

/// Whether the value at `v` expands something the check cannot trace to a fetch at boot
/// (hostile review 29): a password is given only what [`fed_words_fetched`] traces to a
/// fetch (`-p"$(aws secretsmanager …)"`, `-p"$PW"` after `PW=$(aws …)`, a file the script
/// only fetches into, a name from the environment), as a password reader's input is; not
/// the output of any other command (`-p"$(pw)"` for `pw() { echo hunter2; }`, `$(date
/// +hunter2)`, `$(basename /x/hunter2)`, `$(awk …)`), a variable `read` from the input of a
/// function or a group (`f <<< hunter2`), nor a function's argument.
const fn expansion_not_fetched(b: &[u8], v: usize) -> bool {
    let q = skip_quotes(b, v);
    q < b.len() && (b[q] == b'$' || b[q] == b'`') && !fed_words_fetched(b, v, shell_word_end(b, v))
}

/// Whether the word at `v` is only a marker that locks an account in place of its hash
/// (shadow(5): `*`, `!`, `!!`, `!*`), quoted as one word (`'*'`, `"!"`), or `!` and `!!`
/// unquoted (an unquoted `*` is a pattern, which names files the script may make).
const fn lock_marker(b: &[u8], v: usize) -> bool {
    let quote = if v < b.len() && matches!(b[v], b'"' | b'\'') {
        b[v]
    } else {
        0
    };
    let mut k = if quote != 0 { v + 1 } else { v };
    let start = k;
    while k < b.len() && (b[k] == b'!' || (quote != 0 && b[k] == b'*')) && k < start + 2 {
        k += 1;
    }
    if k == start {
        return false;
    }
    if quote != 0 {
        if !(k < b.len() && b[k] == quote) {
            return false;
        }
        k += 1;
    }
    k == b.len() || blank(b, k) > 0 || matches!(b[k], b'\n' | b';' | b'&' | b'|' | b')')
}

/// Whether the tool at `i` is run by `xargs` fed text the script wrote, which becomes its
/// words (`echo -phunter2 | xargs mysql -u root`; hostile review 28), or with `operands`
/// its operands too (`echo hunter2 | xargs htpasswd -b FILE USER`; hostile review 29),
/// whatever the words printed: a stage before it
/// that prints (`echo`, `printf`, `yes`, `cat` of a here-document or of a file the script
/// wrote), or a here-string, a here-document or a written file given to `xargs`.
const fn xargs_fed_text(b: &[u8], i: usize, operands: bool) -> bool {
    let c = command_start(b, i);
    // `xargs` first, or after a wrapper (`env xargs`, `nice -n 5 xargs`; hostile review
    // 29): a word of the command before the tool.
    let mut w = i;
    let mut k = c;
    while k < i {
        let (s, e) = next_word(b, k);
        if s == e || s >= i {
            break;
        }
        if b[s] == b'x' && word_at(b, s, b"xargs") {
            w = s;
            break;
        }
        k = e;
    }
    // (Text spliced into a word or after a flag is refused as unreadable, by
    // [`xargs_splices_at`].)
    if w >= i || xargs_splices_at(b, w) {
        return false;
    }
    if input_written_or_text(b, w) {
        return true;
    }
    let mut p = c;
    while p > 0 && matches!(b[p - 1], b' ' | b'\t') {
        p -= 1;
    }
    if !(p > 0 && b[p - 1] == b'|' && !(p > 1 && b[p - 2] == b'|')) {
        return false;
    }
    let f = first_word_from(b, command_start(b, p - 1));
    // What `echo` or `printf` prints may start a word with `-` unless its words are plain
    // (`printf '%s\n' ehr audit | xargs -n1 mysqldump …`; hostile review 29).
    ((word_at(b, f, b"echo") || word_at(b, f, b"printf"))
        && (operands || xargs_delimiter(b, w, i) || !plain_words(b, f, p - 1)))
        || word_at(b, f, b"yes")
        || (word_at(b, f, b"cat") && input_written_or_text(b, f))
}

/// Whether the `xargs` at `w` splits its input at a delimiter of its own (`-d`,
/// `--delimiter`) among its words before `i`: a word printed plainly may then hold a flag
/// (`echo a-phunter2 | xargs -d a mysql`).
const fn xargs_delimiter(b: &[u8], w: usize, i: usize) -> bool {
    let mut k = w + 5;
    while k < i {
        let (s, e) = next_word(b, k);
        if s == e || s >= i {
            return false;
        }
        if is_flag(b, s, e)
            && (cluster_has(b, s, e, b'd') || at_exactly(b, skip_quotes(b, s), b"--delim"))
        {
            return true;
        }
        k = e;
    }
    false
}

/// Whether the words of the command whose name is at `f`, up to `end`, print no word that
/// may start with `-`: no `-` at the start of a word or after a quote, a blank or an
/// escape, no expansion, pattern, brace, tilde or escape but `\n` and `\t` (the words
/// `xargs` reads of them; xargs(1) reads quotes and backslashes too).
const fn plain_words(b: &[u8], f: usize, end: usize) -> bool {
    let mut k = f;
    while k < end && !matches!(b[k], b' ' | b'\t') {
        k += 1;
    }
    while k < end {
        let x = b[k];
        if matches!(x, b'$' | b'`' | b'*' | b'?' | b'[' | b'{' | b'~' | b'\n') {
            return false;
        }
        if x == b'\\' {
            if !(k + 1 < end && matches!(b[k + 1], b'n' | b't')) {
                return false;
            }
            k += 2;
            continue;
        }
        if x == b'-' && !(b[k - 1].is_ascii_alphanumeric() && !(k >= 2 && b[k - 2] == b'\\')) {
            return false;
        }
        k += 1;
    }
    true
}

/// Whether the command at `w` reads a here-string, a here-document or a file the script
/// writes ([`file_written_by_script`]), given with `<` or as an operand.
const fn input_written_or_text(b: &[u8], w: usize) -> bool {
    let mut k = w;
    loop {
        let (s, e) = next_shell_word(b, k);
        if s == e {
            return false;
        }
        if b[s] == b'<' {
            if s + 1 < b.len() && b[s + 1] == b'<' {
                return true;
            }
        } else {
            let mut p = s;
            let mut j = s;
            while j < e {
                if b[j] == b'/' {
                    p = j + 1;
                }
                j += 1;
            }
            let mut last = e;
            while last > p && matches!(b[last - 1], b'"' | b'\'') {
                last -= 1;
            }
            while p < last && matches!(b[p], b'"' | b'\'') {
                p += 1;
            }
            if last > p && file_written_by_script(b, p, last) {
                return true;
            }
        }
        k = e;
    }
}

/// Whether the word at `k` is a cluster of short flags (`-vphunter2`) that holds `flag` after
/// flags that take no value ([`Flag::cluster`]), given a written value (attached, or the
/// next word for a flag that takes it spaced: `zip -rP hunter2 …`).
const fn flag_in_cluster(b: &[u8], k: usize, flag: &Flag, later: &mut LaterSetters) -> bool {
    let n = b.len();
    let values = flag.cluster;
    if values.is_empty() {
        return false;
    }
    let letter = flag.name.as_bytes()[1];
    let mut l = k + 1;
    // `#` and `:` are flag letters too (curl's `-#`, its progress bar, and `-:`, `--next`:
    // `-#u USER:PASSWORD`; hostile review 29).
    while l < n && (b[l].is_ascii_alphanumeric() || matches!(b[l], b'#' | b':')) && b[l] != letter {
        let mut t = 0;
        while t < values.len() {
            if values[t] == b[l] {
                return false;
            }
            t += 1;
        }
        l += 1;
    }
    if !(l > k + 1 && l < n && b[l] == letter) {
        return false;
    }
    let q = l + 1;
    let v = if flag.attached && q < n && blank(b, q) == 0 && !command_end(b, q) {
        q
    } else if flag.spaced && blank(b, q) > 0 {
        skip_blanks(b, q)
    } else {
        return false;
    };
    flag_value_written(b, v, flag.takes)
        || set_later_written(b, password_at(b, v, flag.takes), &[], later)
}

/// The end of the word at `k` when it is a prefix of the long option `name` that names a
/// password (`--password`, `--http-password`) cut no shorter than its `passw` (`--passw`,
/// `--passwo`, `--passwor`), followed by `=`, a blank or the end: getopt_long reads an
/// unambiguous prefix of a long option as the option. 0 otherwise.
const fn long_prefix_end(b: &[u8], k: usize, name: &[u8]) -> usize {
    let len = name.len();
    if !(len >= 10 && name[1] == b'-' && ends_with(name, b"password")) {
        return 0;
    }
    let mut m = 0;
    while m < len && k + m < b.len() && b[k + m] == name[m] {
        m += 1;
    }
    if m + 3 < len || m == len {
        return 0;
    }
    let e = k + m;
    if e == b.len() || b[e] == b'=' || blank(b, e) > 0 {
        e
    } else {
        0
    }
}

/// Where the password starts in the flag's value at `v`: the value itself, after `pass:`
/// (an OpenSSL pass phrase), or after the separator of `user:password` (`:` or `%`); the
/// end of the text when the value holds none.
const fn password_at(b: &[u8], v: usize, takes: Takes) -> usize {
    match takes {
        Takes::Password | Takes::Hash | Takes::RarPassword => v,
        Takes::PassPhrase => {
            let e = match_word(b, v, b"pass:", false);
            if e != 0 {
                return e;
            }
            // `env:NAME`: the variable's value, written when the script gave it written
            // text (`K=hunter2 openssl … -pass env:K`; hostile review 29).
            let e = match_word(b, v, b"env:", false);
            if e != 0 && written_before(b, e - 1, e - 1) {
                return e;
            }
            // `file:PATH` of a file the script wrote from text (`echo hunter2 > /tmp/k`).
            let e = match_word(b, v, b"file:", false);
            if e != 0 {
                let mut f = e;
                while f < b.len()
                    && blank(b, f) == 0
                    && !command_end(b, f)
                    && !matches!(b[f], b'"' | b'\'')
                {
                    f += 1;
                }
                if f > e && file_written_from_text(b, e, f, command_start(b, v)) {
                    return e;
                }
            }
            b.len()
        }
        Takes::UserAndPassword | Takes::UserCommaPassword => {
            let comma = matches!(takes, Takes::UserCommaPassword);
            let mut k = v;
            while k < b.len() && blank(b, k) == 0 && !command_end(b, k) {
                if (!comma && (b[k] == b':' || b[k] == b'%')) || (comma && b[k] == b',') {
                    return k + 1;
                }
                k += 1;
            }
            b.len()
        }
    }
}

/// Whether one of `flags` is given a written value in the command whose words start at
/// `after` (up to the end of the command).
///
/// A tool named as an element of a Python list (`["mysql", "-u", "app", "-p"]`: `after`
/// is at the `,` after the quote; in the shell, `"mysql",` names no tool) has one word in
/// each element: a flag's value is attached inside its element (`"-phunter2"`) or joined
/// to it by Python (`"-p" "hunter2"`, `"-p" + "hunter2"`), or is the next element for a
/// flag that takes it spaced. `"-p",` alone has none, as `mysql -p` has none (hostile
/// review 22).
const fn flags_written(b: &[u8], after: usize, flags: &[Flag]) -> bool {
    let mut later = LaterSetters::NONE;
    flags_written_by(b, after, flags, false, &mut later)
}

/// [`flags_written`]; `nested` when the words are a function's call, read for the tool in
/// its body ([`arguments_may_flag`]); `later` what [`set_later_written`] found before.
const fn flags_written_by(
    b: &[u8],
    after: usize,
    flags: &[Flag],
    nested: bool,
    later: &mut LaterSetters,
) -> bool {
    let list =
        after > 0 && after < b.len() && b[after] == b',' && matches!(b[after - 1], b'"' | b'\'');
    let n = b.len();
    let mut k = after;
    // Every byte of a tool's command is read: the tests of the loop are bytes before calls
    // (the budget of const evaluation counts calls).
    while k < n && !(matches!(b[k], b';' | b'|' | b'&' | b'\n') && command_end(b, k)) {
        // A flag starts a word: after a space between words, or a `,` of a brace
        // expansion.
        let token = k > 0
            && (matches!(b[k - 1], b' ' | b'\t' | b',' | b'{' | b'}')
                || (matches!(b[k - 1], b'\r' | b'\n' | b'S' | b'}') && blank_before(b, k)));
        // An f-string element of a Python list (`f"-p{pw}"`): the flag after its prefix,
        // its value the fields after it (hostile review 23).
        let fstring = list
            && token
            && matches!(b[k], b'f' | b'F')
            && k + 1 < b.len()
            && matches!(b[k + 1], b'"' | b'\'');
        // A word that is only `$_`, `$REPLY`, `$MAPFILE` or `$BASH_REMATCH`: what the script
        // last wrote may be a flag with its value (`: -phunter2; mysql "$_"`; hostile review
        // 26).
        if token {
            if matches!(b[k], b'$' | b'"' | b'\'') && special_variable_word(b, k) {
                return true;
            }
            // A word that may become a flag at boot, made of parts the script wrote (shell
            // only: a Python list's elements are read above, PowerShell sets its variables
            // otherwise).
            // Tested without a call for most words (`-u`, `-p"$S"`, `'select 1'`): the
            // budget of const evaluation counts calls.
            let x = if k + 1 < b.len() { b[k + 1] } else { 0 };
            if !list
                && (matches!(b[k], b'$' | b'`' | b'*' | b'?' | b'[')
                    || (matches!(b[k], b'-' | b'"' | b'\'' | b'\\')
                        && matches!(x, b'-' | b'$' | b'"' | b'\'' | b'`' | b'\\'))
                    || (matches!(b[k], b'@' | b'!' | b'+') && x == b'('))
                && flag_made_at_boot(b, after, k, flags, nested)
                && !(b[0] == b'<' && ec2launch_text(b))
            {
                return true;
            }
        }
        let mut f = 0;
        while token && f < flags.len() {
            let flag = &flags[f];
            let name = flag.name.as_bytes();
            // The first bytes of the word against the flag's, when the shell removes none of
            // them, before the call (the budget of const evaluation counts calls).
            let e = if !fstring && plain_mismatch!(b, k, name) {
                0
            } else {
                match_word(b, if fstring { k + 1 } else { k }, name, false)
            };
            if e != 0 && fstring {
                if (flag.attached || b[e] == b'=') && python_fields_written(b, e, b[k + 1]) {
                    return true;
                }
                f += 1;
                continue;
            }
            if e == 0 && !list && !fstring && b[k] == b'-' && flag_in_cluster(b, k, flag, later) {
                return true;
            }
            // `--passw=…`: getopt_long (and MariaDB's clients, argparse) read an
            // unambiguous prefix of a long option as the option (hostile review 29).
            let e = if e == 0 && !list && !fstring && b[k] == b'-' && k + 1 < n && b[k + 1] == b'-'
            {
                long_prefix_end(b, k, flag.name.as_bytes())
            } else {
                e
            };
            if e != 0 {
                let q = skip_quotes(b, e);
                // In a list, the flag's element ends at its closing quote.
                let closed = list && q > e && q < b.len();
                let value = if q < b.len() && b[q] == b'=' {
                    Some(q + 1)
                } else if flag.spaced && closed && b[q] == b',' {
                    Some(skip_blanks(b, q + 1))
                } else if flag.spaced && blank(b, q) > 0 {
                    Some(skip_blanks(b, q))
                } else if closed && matches!(b[q], b',' | b']' | b')') {
                    None
                } else if flag.attached && q < b.len() && blank(b, q) == 0 && !command_end(b, q) {
                    Some(e)
                } else if flag.attached && closed {
                    // `"-p" "hunter2"` and `"-p" + "hunter2"`: one string to Python; and
                    // `"-p" + PW`, a variable joined to it (hostile review 23).
                    let mut n = skip_blanks(b, q);
                    let plus = n < b.len() && b[n] == b'+';
                    if plus {
                        n = skip_blanks(b, n + 1);
                    }
                    if n < b.len()
                        && (matches!(b[n], b'"' | b'\'')
                            || (plus && (b[n].is_ascii_alphabetic() || b[n] == b'_')))
                    {
                        Some(n)
                    } else {
                        None
                    }
                } else {
                    None
                };
                if let Some(v) = value {
                    // In a Python list, a name is a variable (`["sshpass", "-p", pw]`): written
                    // unless the check follows it to a value fetched at boot (hostile review
                    // 23).
                    let written =
                        if list && v < b.len() && (b[v].is_ascii_alphabetic() || b[v] == b'_') {
                            let end = python_operand_end(b, v, line_end_of(b, v), true, false);
                            let mut last = end;
                            while last > v && matches!(b[last - 1], b' ' | b'\t') {
                                last -= 1;
                            }
                            !python_only_fetched(b, v, last)
                        } else {
                            flag_value_written(b, v, flag.takes)
                        };
                    if written
                        || (!list
                            && set_later_written(b, password_at(b, v, flag.takes), flags, later))
                    {
                        return true;
                    }
                }
            }
            f += 1;
        }
        k += 1;
    }
    false
}

/// Whether the `pass` at `i` ends one of nginx's directives that name an upstream server
/// (`proxy_pass http://…;`, `fastcgi_pass`, `uwsgi_pass`, `scgi_pass`, `grpc_pass`,
/// `memcached_pass`: nginx documentation, ngx_http_proxy_module and its siblings), not a
/// password (hostile review 26).
const fn nginx_pass_directive(b: &[u8], i: usize) -> bool {
    (i >= 6 && at_exactly(b, i - 6, b"proxy_"))
        || (i >= 8 && at_exactly(b, i - 8, b"fastcgi_"))
        || (i >= 6 && at_exactly(b, i - 6, b"uwsgi_"))
        || (i >= 5 && (at_exactly(b, i - 5, b"scgi_") || at_exactly(b, i - 5, b"grpc_")))
        || (i >= 10 && at_exactly(b, i - 10, b"memcached_"))
}

/// Whether the word at `k` is only an expansion of a variable bash sets itself
/// ([`bash_set_name`]: `$_`, `$REPLY`, `$MAPFILE`, `${BASH_ALIASES[x]}`, quoted or braced,
/// with a subscript), which may hold what a command was last given or read; or of a variable
/// given written text in which a word looks like a flag ([`named_with_flag_text`]: `read
/// -rac <<< -phunter2; mysql "$c"`, `for c in -phunter2`, `c=$(echo -phunter2)`; hostile
/// review 27): `for db in ehr audit; do mysqldump … "$db"` passes.
const fn special_variable_word(b: &[u8], k: usize) -> bool {
    let v = skip_quotes(b, k);
    if !(v < b.len() && b[v] == b'$') {
        return false;
    }
    let braced = v + 1 < b.len() && b[v + 1] == b'{';
    let s = if braced { v + 2 } else { v + 1 };
    let mut e = s;
    while e < b.len() && (b[e].is_ascii_alphanumeric() || b[e] == b'_') {
        e += 1;
    }
    if e == s || !bash_set_name(b, s, e) {
        return false;
    }
    let mut t = e;
    if braced {
        while t < b.len() && b[t] != b'}' && b[t] != b'\n' {
            t += 1;
        }
        t += 1;
    }
    while t < b.len() && matches!(b[t], b'"' | b'\'') {
        t += 1;
    }
    t >= b.len() || blank(b, t) > 0 || matches!(b[t], b'\n' | b';' | b'|' | b'&' | b')')
}

/// Whether a word of the name `b[s..e]` before `v` (a setter: `C=…`, `read … C <<< …`, `for
/// C in …`, `printf -v C …`) is followed, in its command or the lines of its here-document,
/// by a word that looks like a flag (`-p…`, `--password…`): the variable may hold one.
const fn named_with_flag_text(b: &[u8], v: usize, s: usize, e: usize) -> bool {
    let n = b.len();
    let len = e - s;
    let mut k = v;
    while k > 0 {
        k -= 1;
        if b[k] != b[s]
            || k + len >= n
            || (k > 0
                && ((name_byte(b[k - 1]) && !flag_attached(b, k))
                    || matches!(b[k - 1], b'$' | b'{')))
            || name_byte(b[k + len])
            || !names_equal(b, k, s, len)
        {
            continue;
        }
        // Its command and its here-document's lines; for `read` or `mapfile` without an
        // input of its own, the input of the loop it is in (`while read -r c; do …; done
        // <<< …`); from a descriptor (`read -u 3`), unknown.
        let c = first_word_from(b, command_start(b, k));
        let reads = c < k
            && (word_at(b, c, b"read") || word_at(b, c, b"mapfile") || word_at(b, c, b"readarray"));
        if reads && command_has_flag(b, c, b'u', b"") {
            return true;
        }
        let (flagged, own_input) = command_text_flagged(b, k + len);
        if flagged {
            return true;
        }
        if reads && !own_input {
            let mut d = k + len;
            while d + 4 <= n && !(word_at(b, d, b"done") && command_position(b, d)) {
                d += 1;
            }
            if d + 4 <= n && command_text_flagged(b, d + 4).0 {
                return true;
            }
        }
    }
    false
}

/// Whether the word at `k`, an argument of a tool that takes a password as a flag
/// ([`TOOLS`]; the tool's words start at `from`), may become at boot a flag holding text
/// the script wrote, which no flag of the text shows (hostile reviews 27 and 28): a word
/// whose first part may give a `-` ([`expansion_value`]: `c=-; c+=phunter2; mysql "$c"`,
/// `"$a$b"` after `a=-p`, `"${c#x}"`, `"${c/x/-p}"`, `"${U:--}phunter2"`, `$c` split at a
/// blank or by an `IFS` the script sets, a substitution printing written text or reading a
/// file the script wrote), or whose first parts may be empty before a `-` (`"$U-phunter2"`,
/// `$''-phunter2`); a flag whose letters are expanded (`"-$c"`); a pattern that may match a
/// file the script named with a `-` ([`dash_files_made`]); an argument of a function whose
/// calls may pass such a word, or of the script after `set --` ([`arguments_may_flag`]).
/// Every setter of a variable is read, wherever it is ([`variable_value`]): a setter after
/// the use gives its value too when a function or a loop's body runs later. `nested` when
/// the words are a function's call, whose own arguments passed on are not read again.
const fn flag_made_at_boot(b: &[u8], from: usize, k: usize, flags: &[Flag], nested: bool) -> bool {
    // Most words decide at their first byte: read it before the word's end.
    let mut j = k;
    while j < b.len() && b[j] == b'"' {
        j += 1;
    }
    if j >= b.len() {
        return false;
    }
    let outside = (j - k).is_multiple_of(2);
    if !matches!(b[j], b'$' | b'`') {
        return match b[j] {
            b'-' => flag_letters_expanded(b, j),
            // Outside double quotes only (an even number of them before).
            b'\\' | b'\'' => {
                outside && j + 1 < b.len() && b[j + 1] == b'-' && flag_letters_expanded(b, j + 1)
            }
            b'*' | b'?' | b'[' => outside && dash_files_made(b),
            b'@' | b'!' | b'+' => {
                outside && j + 1 < b.len() && b[j + 1] == b'(' && dash_files_made(b)
            }
            _ => false,
        };
    }
    // A blank inside quotes starts no word (`-H "Bearer $T"`).
    if inside_quotes(b, from, k) {
        return false;
    }
    let end = shell_word_end(b, k);
    let mut dq = false;
    let mut expanded = false;
    while j < end {
        let x = b[j];
        if x == b'"' {
            dq = !dq;
            j += 1;
            continue;
        }
        if x == b'\'' && !dq {
            // A literal: an empty one goes on, else its first byte decides.
            if j + 1 < end && b[j + 1] == b'\'' {
                j += 2;
                continue;
            }
            return j + 1 < end
                && b[j + 1] == b'-'
                && (expanded || flag_letters_expanded(b, j + 1));
        }
        if x == b'\\' {
            return j + 1 < end
                && b[j + 1] == b'-'
                && (expanded || flag_letters_expanded(b, j + 1));
        }
        if x == b'-' {
            return expanded || flag_letters_expanded(b, j);
        }
        if x == b'$' && j + 2 < end && matches!(b[j + 1], b'\'' | b'"') {
            // `$'…'` and `$"…"` quote a literal: an empty one goes on (the flag after it is
            // read by no flag test), else its first byte decides.
            if b[j + 2] == b[j + 1] {
                expanded = true;
                j += 3;
                continue;
            }
            return matches!(b[j + 2], b'-' | b'\\');
        }
        if x != b'$' && x != b'`' {
            return !dq && matches!(x, b'*' | b'?' | b'[') && dash_files_made(b);
        }
        let (value, next) = expansion_value(b, j, end, dq, 2, flags, nested, b.len());
        if value & VALUE_DASH != 0 {
            return true;
        }
        if value & VALUE_EMPTY == 0 || next <= j {
            return false;
        }
        expanded = true;
        j = next;
    }
    false
}

/// What the expansion at `j` (`$NAME`, `${NAME…}`, `$(…)`, a backquote, `$1`, `$@`) may
/// give, read to `end` at most: [`VALUE_DASH`] (a `-` first, or text the check cannot
/// read), [`VALUE_EMPTY`], [`VALUE_WRITTEN`]; and the index after it. A variable's setters
/// are read by [`variable_value`], `depth` copies deep; a substitution prints written text
/// when [`substitution_written_at`] says so or when it reads a file the script wrote
/// ([`substitution_reads_written_file`]); defaults and alternatives (`${U:-…}`) give their
/// word; removals, replacements, case changes and substrings (`${c#x}`) make a new value
/// of written text; arguments are read by [`arguments_may_flag`].
#[allow(clippy::too_many_arguments)]
const fn expansion_value(
    b: &[u8],
    j: usize,
    end: usize,
    quoted: bool,
    depth: u8,
    flags: &[Flag],
    nested: bool,
    outer: usize,
) -> (u8, usize) {
    let n = b.len();
    if b[j] == b'`' || (j + 1 < n && b[j + 1] == b'(') {
        let close = substitution_close(b, j, end);
        // A fetching command (`aws …`) prints no written text and names no file of the
        // script's (read first: most substitutions of a script are such).
        if b[j] == b'$' && j + 2 < n && b[j + 2] == b'(' {
            return (VALUE_DASH | VALUE_WRITTEN, close);
        }
        if substitution_fetches(b, j, j) {
            return (VALUE_EMPTY, close);
        }
        if substitution_written_at(b, j)
            || echo_prints_flag(b, j, close)
            || substitution_reads_written_file(b, j, close)
        {
            return (VALUE_DASH | VALUE_WRITTEN, close);
        }
        return (VALUE_EMPTY, close);
    }
    if j + 1 >= n {
        return (0, j + 1);
    }
    let braced = b[j + 1] == b'{';
    let s = if braced { j + 2 } else { j + 1 };
    if s >= n {
        return (0, n);
    }
    // The closing brace, past nested expansions in a default word.
    let mut close = s;
    if braced {
        let mut inner = 0usize;
        while close < n && b[close] != b'\n' && !(b[close] == b'}' && inner == 0) {
            if b[close] == b'{' && b[close - 1] == b'$' {
                inner += 1;
            } else if b[close] == b'}' {
                inner -= 1;
            }
            close += 1;
        }
    }
    let after = if braced { close + 1 } else { s + 1 };
    let c = b[s];
    if braced && c == b'!' {
        return (VALUE_DASH | VALUE_WRITTEN, after);
    }
    if matches!(c, b'1'..=b'9' | b'@' | b'*') {
        let value = if nested || !arguments_may_flag(b, flags) {
            VALUE_EMPTY
        } else {
            VALUE_DASH
        };
        return (value, after);
    }
    if !(c.is_ascii_alphabetic() || c == b'_') {
        // `$#`, `$?`, `$$`, `$!`, `$-`, `$0`, `${#X}`: numbers and the shell's flag letters.
        return (0, after);
    }
    let mut e = s;
    while e < n && (b[e].is_ascii_alphanumeric() || b[e] == b'_') {
        e += 1;
    }
    if bash_set_name(b, s, e) || depth == 0 {
        return (VALUE_DASH | VALUE_WRITTEN, if braced { after } else { e });
    }
    // The variable whose setter this is (`KEY=${KEY:-…}`): its other setters are read
    // already.
    let own = outer + (e - s) <= n && b[outer] == c && names_equal(b, outer, s, e - s) && {
        let o = outer + (e - s);
        o >= n || !(b[o].is_ascii_alphanumeric() || b[o] == b'_')
    };
    let var = if own {
        0
    } else {
        variable_value(b, s, e, quoted, j, depth - 1, flags, nested)
    };
    if !braced || e >= close || matches!(b[e], b'}' | b'[') {
        return (var, if braced { after } else { e });
    }
    let o = if b[e] == b':' && e + 1 < close {
        e + 1
    } else {
        e
    };
    let colon = o > e;
    if matches!(b[o], b'-' | b'=' | b'+' | b'?') {
        let w = skip_quotes(b, o + 1);
        let word = w < close;
        if word && matches!(b[w], b'-' | b'$' | b'`' | b'\\' | b'{') {
            return (VALUE_DASH | VALUE_WRITTEN, after);
        }
        let value = match b[o] {
            b'+' => {
                if word {
                    VALUE_WRITTEN | VALUE_EMPTY
                } else {
                    VALUE_EMPTY
                }
            }
            b'?' => var,
            _ => {
                if colon && word {
                    (var & (VALUE_DASH | VALUE_WRITTEN)) | VALUE_WRITTEN
                } else if word {
                    var | VALUE_WRITTEN
                } else {
                    var
                }
            }
        };
        return (value, after);
    }
    // A removal, a replacement, a case change or a substring.
    if var & (VALUE_WRITTEN | VALUE_DASH) != 0 {
        (VALUE_DASH | VALUE_WRITTEN, after)
    } else {
        (VALUE_EMPTY, after)
    }
}

/// Whether the command substitution at `j` (closing before `close`) names a file that the
/// script writes ([`file_written_by_script`], by its last part): `$(< FILE)`, `$(cat FILE)`,
/// `$(head -1 FILE)` print what the script wrote there.
const fn substitution_reads_written_file(b: &[u8], j: usize, close: usize) -> bool {
    let mut k = if b[j] == b'`' { j + 1 } else { j + 2 };
    while k < close {
        while k < close && matches!(b[k], b' ' | b'\t' | b'<' | b'"' | b'\'' | b'|' | b';') {
            k += 1;
        }
        let s = k;
        let mut p = k;
        while k < close
            && !matches!(
                b[k],
                b' ' | b'\t' | b'<' | b'>' | b'"' | b'\'' | b'|' | b';' | b')' | b'`'
            )
        {
            if b[k] == b'/' {
                p = k + 1;
            }
            k += 1;
        }
        if k > p && k > s && file_written_by_script(b, p, k) {
            return true;
        }
        if k == s {
            k += 1;
        }
    }
    false
}

/// Whether the command substitution at `j` (closing before `close`) is an `echo` that
/// prints a word starting with `-` (`$(echo -phunter2)`): `echo` prints what is no option
/// of its own (`-n`, `-e`, `-E`).
const fn echo_prints_flag(b: &[u8], j: usize, close: usize) -> bool {
    let c = skip_blanks(b, if b[j] == b'`' { j + 1 } else { j + 2 });
    if !word_at(b, c, b"echo") {
        return false;
    }
    let mut k = c + 4;
    loop {
        let (s, e) = next_shell_word(b, k);
        if s == e || e > close {
            return false;
        }
        let q = skip_quotes(b, s);
        if q < e && b[q] == b'-' {
            let mut l = q + 1;
            while l < e && matches!(b[l], b'n' | b'e' | b'E') {
                l += 1;
            }
            if l == q + 1 || (l < e && !matches!(b[l], b'"' | b'\'')) {
                return true;
            }
        }
        k = e;
    }
}

/// Whether the script names a file with a `-` first, which a pattern may then give as a
/// flag (`: > -phunter2; mysql *`): a `-` after a `/` (`./-p…`), after a redirection's `>`,
/// or after `--` (`touch -- -p…`).
const fn dash_files_made(b: &[u8]) -> bool {
    let n = b.len();
    let mut k = 1;
    while k < n {
        if b[k] != b'-' {
            k += 1;
            continue;
        }
        let mut p = k;
        while p > 0 && matches!(b[p - 1], b'"' | b'\'') {
            p -= 1;
        }
        if p > 0 && b[p - 1] == b'/' {
            return true;
        }
        while p > 0 && matches!(b[p - 1], b' ' | b'\t') {
            p -= 1;
        }
        if p > 0 && (b[p - 1] == b'>' || (p >= 3 && at_exactly(b, p - 3, b" --") && p < k)) {
            return true;
        }
        k += 1;
    }
    false
}

/// Whether the arguments of a function of the script may hold a password flag of a tool
/// taking `flags` (`f() { mysql -u root "$@"; }`): a call of any function of the script
/// (`NAME()`, `NAME ( )`, `function NAME`), read as the tool's own words
/// ([`flags_written`]: `f -phunter2`, `f "$c"` after `c=-phunter2` are refused,
/// `run_sql -e 'select 1'` passes), and the script's own arguments when `set` gives some
/// ([`set_gives_arguments`]). Every function's calls are read, not only the one whose body
/// holds the word: which body holds it the check cannot tell for certain (braces in
/// quotes or comments), and arguments passed on (`g() { f "$@"; }`) come from calls read too.
/// Every word that names the function, but its definition, is read as a call: bash may
/// run it from after a redirection (`2>/dev/null f …`), inside `$(…)`, after `time -p`,
/// `!`, `command`, a quote, a backslash, a `)`, `eval` or `coproc` (hostile review 29).
const fn arguments_may_flag(b: &[u8], flags: &[Flag]) -> bool {
    if set_gives_arguments(b) {
        return true;
    }
    let n = b.len();
    let mut i = 0;
    while i < n {
        let mut s = i;
        let mut e = i;
        if b[i] == b'(' {
            let q = skip_blanks(b, i + 1);
            if q < n && b[q] == b')' {
                e = i;
                while e > 0 && matches!(b[e - 1], b' ' | b'\t') {
                    e -= 1;
                }
                s = e;
                while s > 0 && function_name_byte(b[s - 1]) {
                    s -= 1;
                }
            }
        } else if b[i] == b'f'
            && at_exactly(b, i, b"function")
            && i + 8 < n
            && matches!(b[i + 8], b' ' | b'\t')
            && (i == 0 || !function_name_byte(b[i - 1]))
        {
            s = skip_blanks(b, i + 8);
            e = s;
            while e < n && function_name_byte(b[e]) {
                e += 1;
            }
        }
        // bash calls `command_not_found_handle` with the words of any command it does not
        // find (`run-query -u root -p…`; hostile review 29): any command's words.
        if s < e && e - s == 24 && at_exactly(b, s, b"command_not_found_handle") {
            return true;
        }
        if s < e && function_calls_flag(b, s, e, flags) {
            return true;
        }
        i += 1;
    }
    false
}

/// A byte of a function's name: bash allows any but blanks, quotes and its operators
/// (`db.run`, `db:query`, `run-sql`).
const fn function_name_byte(x: u8) -> bool {
    !matches!(
        x,
        b' ' | b'\t'
            | b'\n'
            | b'\r'
            | b';'
            | b'&'
            | b'|'
            | b'('
            | b')'
            | b'{'
            | b'}'
            | b'"'
            | b'\''
            | b'`'
            | b'$'
            | b'<'
            | b'>'
            | b'='
            | b'\\'
    )
}

/// Whether a call of the function named `b[s..e]` gives it words that pass a password flag
/// of a tool taking `flags` (see [`arguments_may_flag`]).
const fn function_calls_flag(b: &[u8], s: usize, e: usize, flags: &[Flag]) -> bool {
    let n = b.len();
    let len = e - s;
    let mut c = 0;
    while c + len <= n {
        if b[c] != b[s]
            || c == s
            || (c > 0 && function_name_byte(b[c - 1]) && b[c - 1] != b'\\')
            || (c + len < n && function_name_byte(b[c + len]))
            || !names_equal(b, c, s, len)
            || defines_function_at(b, c, len)
        {
            c += 1;
            continue;
        }
        // `mapfile -C NAME` calls it with the lines it reads (hostile review 29).
        let mut p = c;
        while p > 0 && matches!(b[p - 1], b' ' | b'\t') {
            p -= 1;
        }
        if p >= 2 && b[p - 1] == b'C' && b[p - 2] == b'-' {
            return true;
        }
        let mut later = LaterSetters::NONE;
        if flags_written_by(b, c + len, flags, true, &mut later) {
            return true;
        }
        c += len;
    }
    false
}

/// Whether a `set` command of the script gives it arguments (`set -- -phunter2`, `set a b`,
/// `set - …`: the words after `--` or `-`, or from one that is no option nor the name after
/// `-o`) of which one may be a flag ([`argument_may_flag`]): `set -- https://…; curl "$1"`
/// passes (hostile review 29).
const fn set_gives_arguments(b: &[u8]) -> bool {
    let n = b.len();
    // Words split at other bytes than blanks may start anywhere.
    let split = ifs_set(b);
    let mut k = 0;
    while k + 3 <= n {
        if !(b[k] == b's' && b[k + 1] == b'e' && b[k + 2] == b't')
            || (k > 0 && function_name_byte(b[k - 1]))
            || !word_at(b, k, b"set")
            || first_word_from(b, command_start(b, k)) != k
        {
            k += 1;
            continue;
        }
        let mut w = k + 3;
        let mut skip = false;
        let mut arguments = false;
        loop {
            let (ws, we) = next_shell_word(b, w);
            if ws == we || matches!(b[ws], b'<' | b'>') {
                break;
            }
            let q = skip_quotes(b, ws);
            if arguments {
                if argument_may_flag(b, ws, we, split) {
                    return true;
                }
            } else if skip {
                skip = false;
            } else if q >= we
                || !matches!(b[q], b'-' | b'+')
                || we - q == 1
                || (b[q] == b'-' && q + 1 < we && b[q + 1] == b'-')
            {
                // The arguments: this word, or those after `--` or `-`.
                arguments = true;
                if q < we
                    && !(b[q] == b'-' && (we - q == 1 || (we - q == 2 && b[q + 1] == b'-')))
                    && argument_may_flag(b, ws, we, split)
                {
                    return true;
                }
            } else if b[we - 1] == b'o' {
                skip = true;
            }
            w = we;
        }
        k += 3;
    }
    false
}

/// Whether the word `b[s..e]` given to `set` as an argument may be or become a flag: it
/// starts with `-` (after quotes), or holds an expansion, a pattern, a brace, a tilde or a
/// backslash; any word when `split` (`IFS` set to other bytes splits and joins them).
const fn argument_may_flag(b: &[u8], s: usize, e: usize, split: bool) -> bool {
    let q = skip_quotes(b, s);
    // `"$*"` joins the arguments with the first byte of `IFS`: any of them may start a flag.
    if split || (q < e && b[q] == b'-') {
        return true;
    }
    let mut j = s;
    while j < e {
        if matches!(
            b[j],
            b'$' | b'`' | b'*' | b'?' | b'[' | b'{' | b'~' | b'\\' | b'(' | b'<'
        ) || (b[j] == b'-' && j > s && matches!(b[j - 1], b'"' | b'\''))
        {
            return true;
        }
        j += 1;
    }
    false
}

/// Whether `k` is inside quotes opened after `from` (single, double, `$'…'`), read as the
/// shell reads them (a backslash escapes outside single quotes, and in `$'…'`).
const fn inside_quotes(b: &[u8], from: usize, k: usize) -> bool {
    let mut j = from;
    let mut quote = 0u8;
    while j < k {
        let x = b[j];
        if x == b'\\' && quote != b'\'' {
            j += 2;
            continue;
        }
        if quote == 0 && x == b'$' && j + 1 < k && b[j + 1] == b'\'' {
            quote = b'$';
            j += 2;
            continue;
        }
        if quote == 0 && matches!(x, b'"' | b'\'') {
            quote = x;
        } else if x == quote || (quote == b'$' && x == b'\'') {
            quote = 0;
        }
        j += 1;
    }
    quote != 0
}

/// Whether the `-` at `d` (one or two) is followed by an expansion: the flag's letters are
/// made at boot (`-$c`, `-"$c"`, `--${c}`).
const fn flag_letters_expanded(b: &[u8], d: usize) -> bool {
    let mut j = d;
    while j < b.len() && j < d + 2 && b[j] == b'-' {
        j += 1;
    }
    while j < b.len() && matches!(b[j], b'"' | b'\'') {
        j += 1;
    }
    j < b.len() && matches!(b[j], b'$' | b'`' | b'\\')
}

/// The index after the command substitution at `j` (`$(…)` or backquotes), at most `end`.
const fn substitution_close(b: &[u8], j: usize, end: usize) -> usize {
    if b[j] == b'`' {
        let mut k = j + 1;
        while k < end && b[k] != b'`' {
            k += 1;
        }
        return if k < end { k + 1 } else { end };
    }
    let mut depth = 0usize;
    let mut k = j + 1;
    while k < end {
        if b[k] == b'(' {
            depth += 1;
        } else if b[k] == b')' {
            depth -= 1;
            if depth == 0 {
                return k + 1;
            }
        }
        k += 1;
    }
    end
}

/// What [`set_later_written`] found last, which the next uses of the same name read instead
/// of the script again: no setter of the name `b[name..name + len]` at or after `from`
/// gives it written text (a flag used in every block of a long script is read once; the
/// budget of const evaluation counts steps).
struct LaterSetters {
    name: usize,
    len: usize,
    from: usize,
    /// Whether the script may run text again ([`runs_text_again`]): 0 not read yet, 1 no,
    /// 2 yes.
    again: u8,
}

impl LaterSetters {
    /// Nothing found yet.
    const NONE: LaterSetters = LaterSetters {
        name: 0,
        len: 0,
        from: 0,
        again: 0,
    };
}

/// Whether the variable that the password flag's value at `v` expands (`-p"$X"`), not given
/// written text before it ([`flag_value_written`]), is given some by a setter after it
/// ([`variable_value_from`]) in a script that may run text again ([`runs_text_again`]: a
/// function, a loop, a trap, a here-document kept to run later): `f() { mysql -p"$X"; };
/// X=hunter2; f` (hostile review 26's G1). `later` keeps what the last read found.
const fn set_later_written(b: &[u8], v: usize, flags: &[Flag], later: &mut LaterSetters) -> bool {
    let n = b.len();
    let q = skip_quotes(b, v);
    if !(q + 1 < n && b[q] == b'$') {
        return false;
    }
    let s = if b[q + 1] == b'{' { q + 2 } else { q + 1 };
    let mut e = s;
    while e < n && (b[e].is_ascii_alphanumeric() || b[e] == b'_') {
        e += 1;
    }
    if e == s || !(b[s].is_ascii_alphabetic() || b[s] == b'_') {
        return false;
    }
    let len = e - s;
    if later.len == len && v >= later.from && names_equal(b, later.name, s, len) {
        return false;
    }
    // A script that runs nothing again runs no setter before a use it follows (read once).
    if later.again == 0 {
        later.again = if runs_text_again(b) { 2 } else { 1 };
    }
    if later.again == 1 {
        return false;
    }
    let value = variable_value_from(b, s, e, true, q, 1, flags, false, v);
    if value & (VALUE_WRITTEN | VALUE_DASH) != 0 {
        return true;
    }
    later.name = s;
    later.len = len;
    later.from = v;
    false
}

/// Whether the script may run text after a setter that comes after it: it defines a
/// function (`()`, `function`), loops (`do`), sets a trap, or keeps a here-document with a
/// quoted delimiter (a script written to run later).
const fn runs_text_again(b: &[u8]) -> bool {
    let n = b.len();
    let mut k = 0;
    while k + 1 < n {
        // One test of the byte for most bytes (the budget of const evaluation counts steps).
        let found = match b[k] {
            b'(' => {
                let q = skip_blanks(b, k + 1);
                q < n && b[q] == b')'
            }
            b'<' => b[k + 1] == b'<' && k + 2 < n && matches!(b[k + 2], b'\'' | b'"' | b'\\'),
            b'd' => (k == 0 || !name_byte(b[k - 1])) && word_at(b, k, b"do"),
            b't' => (k == 0 || !name_byte(b[k - 1])) && word_at(b, k, b"trap"),
            b'f' => (k == 0 || !name_byte(b[k - 1])) && at_exactly(b, k, b"function"),
            _ => false,
        };
        if found {
            return true;
        }
        k += 1;
    }
    false
}

/// [`variable_value`]: a setter may give the variable a value that starts with `-`, or one
/// the check cannot read.
const VALUE_DASH: u8 = 1;
/// [`variable_value`]: the variable may be empty (no setter before the use, `unset`,
/// `local`, `X=`, a value fetched at boot).
const VALUE_EMPTY: u8 = 2;
/// [`variable_value`]: a setter gives the variable text written in the script.
const VALUE_WRITTEN: u8 = 4;

/// What the setters of the variable `b[s..e]`, anywhere in the script, may give it, for a
/// use at `at` (quoted or not): [`VALUE_DASH`], [`VALUE_EMPTY`], [`VALUE_WRITTEN`]. Read
/// are `NAME=`, `NAME+=`, `NAME[…]=`, `NAME=(…)`, `${NAME=…}`, `${NAME:=…}`, `read`,
/// `mapfile`, `printf -v` ([`named_setter`]), `for`/`select` loops ([`loop_value`]),
/// `getopts`, `unset`, `local`, `declare`, and name references (`declare -n`, a name after
/// `=`), which the check cannot follow. Values are read by [`value_text`], `depth` copies
/// deep; `flags` and `nested` are the tool's, for arguments ([`arguments_may_flag`]).
#[allow(clippy::too_many_arguments)]
const fn variable_value(
    b: &[u8],
    s: usize,
    e: usize,
    quoted: bool,
    at: usize,
    depth: u8,
    flags: &[Flag],
    nested: bool,
) -> u8 {
    variable_value_from(b, s, e, quoted, at, depth, flags, nested, 0)
}

/// [`variable_value`], reading the setters from `from` on only.
#[allow(clippy::too_many_arguments)]
const fn variable_value_from(
    b: &[u8],
    s: usize,
    e: usize,
    quoted: bool,
    at: usize,
    depth: u8,
    flags: &[Flag],
    nested: bool,
    from: usize,
) -> u8 {
    let n = b.len();
    let len = e - s;
    let first = b[s];
    let mut value = 0;
    let mut before = false;
    let mut k = from;
    while k + len <= n {
        if b[k] != first
            || (k > 0 && name_byte(b[k - 1]) && !flag_attached(b, k))
            || (k + len < n && name_byte(b[k + len]))
            || !names_equal(b, k, s, len)
        {
            k += 1;
            continue;
        }
        let after = k + len;
        if k > 0 && b[k - 1] == b'$' {
            k = after;
            continue;
        }
        if k > 1 && b[k - 1] == b'{' && b[k - 2] == b'$' {
            // `${NAME=…}` and `${NAME:=…}` assign their word.
            let d = if after < n && b[after] == b':' {
                after + 1
            } else {
                after
            };
            if d < n && b[d] == b'=' {
                let w = skip_quotes(b, d + 1);
                value |= VALUE_WRITTEN;
                if w < n && matches!(b[w], b'-' | b'$' | b'`' | b'\\' | b'{') {
                    value |= VALUE_DASH;
                }
                before = before || k < at;
            }
            k = after;
            continue;
        }
        let mut eq = subscript_end(b, after);
        if eq + 1 < n && b[eq] == b'+' && b[eq + 1] == b'=' {
            eq += 1;
        }
        if eq < n && b[eq] == b'=' {
            if nameref_flag_before(b, eq) && nameref_made_at(b, eq) {
                value |= VALUE_DASH;
            } else if !secret_arn_assigned(b, after) {
                value |= value_text(b, eq + 1, quoted, depth, flags, nested, false, s);
            }
            before = before || k < at;
            k = eq + 1;
            continue;
        }
        if k > 0 && b[k - 1] == b'=' {
            // The target of a name reference (`declare -n r=NAME`), set through it.
            value |= VALUE_DASH;
            k = after;
            continue;
        }
        let mut last = after;
        while last < n && !matches!(b[last], b'\n' | b';') {
            last += 1;
        }
        let c = first_word_from(b, command_start(b, k));
        if c >= k {
            k = after;
            continue;
        }
        if word_at(b, c, b"unset")
            || word_at(b, c, b"local")
            || word_at(b, c, b"declare")
            || word_at(b, c, b"typeset")
        {
            value |= if command_has_flag(b, c, b'n', b"") {
                VALUE_DASH
            } else {
                VALUE_EMPTY
            };
        } else if (word_at(b, c, b"for") || word_at(b, c, b"select"))
            && skip_blanks(b, next_word(b, c).1) == k
        {
            value |= loop_value(b, after, depth, flags, nested, s);
            before = before || k < at;
        } else if word_at(b, c, b"getopts") || last >= n {
            // What `getopts` sets comes from the arguments; a setter on the script's last
            // line, unterminated, is not read (a trap may run after it).
            value |= VALUE_DASH;
        } else {
            let set = named_setter(b, k, len, n);
            let reads =
                word_at(b, c, b"read") || word_at(b, c, b"mapfile") || word_at(b, c, b"readarray");
            if reads && set != NOT_SET && read_input(b, after) != READ_OTHER {
                // From a descriptor (`read -u 3`) or a text that expands something
                // (`${D}phunter2` in a here-document): what it reads the check cannot tell.
                if command_has_flag(b, c, b'u', b"") || read_input(b, after) == READ_EXPANDING {
                    value |= VALUE_DASH | VALUE_WRITTEN;
                }
            }
            if set == SET_WRITTEN {
                // Lines read from a here-string or here-document (`while read -r u; do …;
                // done <<EOF`) are words of their own unless `IFS` splits them elsewhere:
                // a word that looks like a flag counts ([`named_with_flag_text`]). What
                // `printf -v` formats may join parts.
                value |= VALUE_WRITTEN;
                if !reads
                    || read_input(b, after) != READ_TEXT
                    || ifs_set(b)
                    || named_with_flag_text(b, n, s, e)
                {
                    value |= VALUE_DASH;
                }
                before = before || k < at;
            } else if set == SET_FETCHED {
                value |= VALUE_EMPTY;
                before = before || k < at;
            }
        }
        k = after;
    }
    if !before {
        value |= VALUE_EMPTY;
    }
    value
}

/// [`read_input`]: a file, a pipe, a process substitution or a descriptor.
const READ_OTHER: u8 = 0;
/// [`read_input`]: a here-string or a here-document that expands nothing.
const READ_TEXT: u8 = 1;
/// [`read_input`]: a here-string or a here-document that expands something.
const READ_EXPANDING: u8 = 2;

/// What the `read` (or `mapfile`) whose operand ends at `k` reads, its own input or its
/// loop's (`while read -r u; do …; done <<EOF`): [`READ_TEXT`] (whose words
/// [`named_with_flag_text`] reads), [`READ_EXPANDING`] (`${D}phunter2` in a here-document
/// may join a `-` the check does not see), or [`READ_OTHER`].
const fn read_input(b: &[u8], k: usize) -> u8 {
    let n = b.len();
    let mut j = k;
    while j < n && !(matches!(b[j], b';' | b'|' | b'&' | b'\n') && command_end(b, j)) {
        if b[j] == b'<' {
            return text_input(b, j);
        }
        j += 1;
    }
    if j < n && b[j] == b'|' {
        return READ_OTHER;
    }
    // The loop's input, after its `done`.
    while j + 4 <= n && !(word_at(b, j, b"done") && command_position(b, j)) {
        j += 1;
    }
    if j + 4 > n {
        return READ_OTHER;
    }
    let i = skip_blanks(b, j + 4);
    if i < n && b[i] == b'<' {
        text_input(b, i)
    } else {
        READ_OTHER
    }
}

/// What the input at `i` (a `<`) is, as [`read_input`] says.
const fn text_input(b: &[u8], i: usize) -> u8 {
    let n = b.len();
    if !(i + 1 < n && b[i + 1] == b'<') {
        return READ_OTHER;
    }
    if i + 2 < n && b[i + 2] == b'<' {
        let (s, e) = next_shell_word(b, i + 3);
        let mut j = s;
        while j < e {
            if matches!(b[j], b'$' | b'`') {
                return READ_EXPANDING;
            }
            j += 1;
        }
        return READ_TEXT;
    }
    let Some((d, de, tabs)) = here_document_word(b, i) else {
        return READ_EXPANDING;
    };
    let mut j = i;
    while j < n && b[j] != b'\n' {
        j += 1;
    }
    while j < n {
        let (t, closes) = document_line(b, j + 1, d, de, tabs);
        if closes {
            return READ_TEXT;
        }
        j = t;
        while j < n && b[j] != b'\n' {
            if matches!(b[j], b'$' | b'`') {
                return READ_EXPANDING;
            }
            j += 1;
        }
    }
    READ_TEXT
}

/// What the value of an assignment at `v` (after its `=`), or a loop's word (`words`, which
/// brace expansion may make several of), may be, as [`variable_value`] reads it: empty
/// (`X=`, `X=""`, a value fetched at boot), starting with `-`, an escape, a brace expansion,
/// or an expansion that may ([`expansion_value`], `depth` copies deep); an array's elements
/// (`X=(…)`) each. Unquoted at its use (`mysql $c`), the value is split at blanks and new
/// lines (and at the bytes of an `IFS` the script sets, [`ifs_set`]) and expanded as a
/// pattern ([`unquoted_value_splits`]).
#[allow(clippy::too_many_arguments)]
const fn value_text(
    b: &[u8],
    v: usize,
    quoted: bool,
    depth: u8,
    flags: &[Flag],
    nested: bool,
    words: bool,
    outer: usize,
) -> u8 {
    let end = shell_word_end(b, v);
    if words {
        // `{-,}p…`, `{a..b}`: several words, which the check does not make.
        let mut p = v;
        while p < end {
            if b[p] == b'{' && !(p > v && b[p - 1] == b'$') {
                return VALUE_DASH | VALUE_WRITTEN;
            }
            p += 1;
        }
    }
    let mut j = v;
    let mut dq = false;
    let mut value = 0;
    while j < end {
        let x = b[j];
        if x == b'"' {
            dq = !dq;
            j += 1;
            continue;
        }
        if x == b'\'' && !dq && j + 1 < end && b[j + 1] == b'\'' {
            j += 2;
            continue;
        }
        if x == b'$' && j + 2 < end && matches!(b[j + 1], b'\'' | b'"') {
            if b[j + 2] == b[j + 1] {
                j += 3;
                continue;
            }
            if matches!(b[j + 2], b'-' | b'\\') {
                return VALUE_DASH | VALUE_WRITTEN;
            }
            value |= VALUE_WRITTEN;
            break;
        }
        if x == b'$' || x == b'`' {
            let (part, next) = expansion_value(b, j, end, quoted, depth, flags, nested, outer);
            if part & VALUE_DASH != 0 {
                return VALUE_DASH | VALUE_WRITTEN;
            }
            value |= part & VALUE_WRITTEN;
            if part & VALUE_EMPTY == 0 || next <= j {
                break;
            }
            j = next;
            continue;
        }
        if x == b'(' && j == v {
            return array_value(b, v + 1, quoted, depth, flags, nested, outer);
        }
        let mut t = j;
        if x == b'\'' || x == b'\\' {
            t += 1;
        }
        if t < end && b[t] == b'-' {
            return VALUE_DASH | VALUE_WRITTEN;
        }
        value |= VALUE_WRITTEN;
        break;
    }
    if j >= end {
        value |= VALUE_EMPTY;
    }
    if !quoted && unquoted_value_splits(b, v, end, depth, flags, nested, outer) {
        return VALUE_DASH | VALUE_WRITTEN;
    }
    value
}

/// Whether the value written at `b[v..end]`, expanded unquoted, may split into a word that
/// starts with `-` or match files the check cannot list: a blank or a new line before a
/// `-`, an escape or an expansion; a new line inside its quotes (the word goes on past the
/// line); an expansion inside whose value may ([`variable_value`]); a pattern (`*`, `?`,
/// `[`, an extended one's `(`) when the script names files with a `-` first
/// ([`dash_files_made`]); a `-` anywhere when the script sets `IFS` ([`ifs_set`]).
const fn unquoted_value_splits(
    b: &[u8],
    v: usize,
    end: usize,
    depth: u8,
    flags: &[Flag],
    nested: bool,
    outer: usize,
) -> bool {
    let n = b.len();
    let mut j = v;
    let mut quote = 0u8;
    let mut dash = false;
    while j < end {
        let x = b[j];
        if quote == b'\'' {
            if x == b'\'' {
                quote = 0;
            } else if matches!(x, b' ' | b'\t' | b'\r') && blank_then_dash(b, j + 1, end) {
                return true;
            }
            dash = dash || x == b'-';
            j += 1;
            continue;
        }
        if x == b'\'' || (x == b'"' && quote == 0) {
            quote = x;
            j += 1;
            continue;
        }
        if x == b'"' {
            quote = 0;
            j += 1;
            continue;
        }
        if x == b'\\' {
            j += 2;
            continue;
        }
        if x == b'$' || x == b'`' {
            if x == b'$' && j + 1 < end && matches!(b[j + 1], b'\'' | b'"') {
                // An escape in `$'…'` may make a new line.
                if b[j + 1] == b'\'' {
                    let mut q = j + 2;
                    while q < end && b[q] != b'\'' {
                        if b[q] == b'\\' {
                            return true;
                        }
                        q += 1;
                    }
                }
                j += 2;
                continue;
            }
            let (part, next) = expansion_value(b, j, end, false, depth, flags, nested, outer);
            if part & VALUE_DASH != 0 {
                return true;
            }
            j = if next > j { next } else { j + 1 };
            continue;
        }
        if matches!(x, b' ' | b'\t' | b'\r') && blank_then_dash(b, j + 1, end) {
            return true;
        }
        if matches!(x, b'*' | b'?' | b'[' | b'(') && dash_files_made(b) {
            return true;
        }
        dash = dash || x == b'-';
        j += 1;
    }
    // A quote open at the word's end: the value goes on past a new line.
    (quote != 0 && end < n && b[end] == b'\n') || (dash && ifs_set(b))
}

/// Whether the next byte from `j` (to `end`) past blanks and quotes is a `-`, an escape or
/// an expansion.
const fn blank_then_dash(b: &[u8], j: usize, end: usize) -> bool {
    let mut j = j;
    while j < end && matches!(b[j], b' ' | b'\t' | b'\r' | b'"' | b'\'') {
        j += 1;
    }
    j < end && matches!(b[j], b'-' | b'\\' | b'$' | b'`')
}

/// What the elements of the array assigned from `j` (after its `(`) may be, each read as a
/// loop's word ([`value_text`]; `[i]=…` by its value).
const fn array_value(
    b: &[u8],
    j: usize,
    quoted: bool,
    depth: u8,
    flags: &[Flag],
    nested: bool,
    outer: usize,
) -> u8 {
    let n = b.len();
    let mut k = j;
    loop {
        while k < n && matches!(b[k], b' ' | b'\t' | b'\r' | b'\n') {
            k += 1;
        }
        if k >= n || b[k] == b')' {
            return VALUE_WRITTEN;
        }
        let mut s = k;
        if b[k] == b'[' {
            let t = subscript_end(b, k);
            if t > k && t < n && b[t] == b'=' {
                s = t + 1;
            }
        }
        if value_text(b, s, quoted, depth, flags, nested, s == k, outer) & VALUE_DASH != 0 {
            return VALUE_DASH | VALUE_WRITTEN;
        }
        let e = shell_word_end(b, s);
        k = if e > k { e } else { k + 1 };
    }
}

/// What the words of a `for` or `select` loop from `k` (after its name) may give its
/// variable ([`variable_value`]), each read as a value ([`value_text`], unquoted, brace
/// expansions refused); without `in`, the script's or the function's arguments.
const fn loop_value(
    b: &[u8],
    k: usize,
    depth: u8,
    flags: &[Flag],
    nested: bool,
    outer: usize,
) -> u8 {
    let k = skip_blanks(b, k);
    if !word_at(b, k, b"in") {
        return if nested || !arguments_may_flag(b, flags) {
            VALUE_EMPTY
        } else {
            VALUE_DASH
        };
    }
    let mut k = k + 2;
    loop {
        let (s, e) = next_shell_word(b, k);
        if s == e || word_at(b, s, b"do") {
            return VALUE_WRITTEN;
        }
        if value_text(b, s, false, depth, flags, nested, true, outer) & VALUE_DASH != 0 {
            return VALUE_DASH | VALUE_WRITTEN;
        }
        k = e;
    }
}

/// Whether the script sets `IFS` to bytes other than blanks: an unquoted expansion is then
/// split at them. `IFS=$'\n\t'`, `IFS=` (no splitting), `unset IFS`, `local IFS` and an
/// assignment for one `read` or `mapfile` alone (`IFS=, read -r a b`) keep blanks; any other
/// setter (`IFS=x`, `IFS+=x`, `for IFS in x`, `printf -v IFS`, `read IFS`) does not.
const fn ifs_set(b: &[u8]) -> bool {
    let n = b.len();
    let mut k = 0;
    while k + 3 <= n {
        if !(b[k] == b'I' && b[k + 1] == b'F' && b[k + 2] == b'S')
            || (k > 0 && (name_byte(b[k - 1]) || matches!(b[k - 1], b'$' | b'{')))
            || (k + 3 < n && name_byte(b[k + 3]))
        {
            k += 1;
            continue;
        }
        if !(k + 3 < n && b[k + 3] == b'=') {
            let c = first_word_from(b, command_start(b, k));
            if !(c < k && (word_at(b, c, b"unset") || word_at(b, c, b"local"))) {
                return true;
            }
            k += 3;
            continue;
        }
        let end = shell_word_end(b, k + 4);
        let (next, _) = next_shell_word(b, end);
        if word_at(b, next, b"read")
            || word_at(b, next, b"mapfile")
            || word_at(b, next, b"readarray")
        {
            k += 4;
            continue;
        }
        let mut j = k + 4;
        let ansi = j + 1 < end && b[j] == b'$' && b[j + 1] == b'\'';
        while j < end {
            let x = b[j];
            if x == b'\\' && ansi && j + 1 < end && matches!(b[j + 1], b'n' | b't') {
                j += 2;
                continue;
            }
            if !(matches!(x, b'"' | b'\'' | b' ' | b'\t') || (ansi && x == b'$' && j == k + 4)) {
                return true;
            }
            j += 1;
        }
        k += 4;
    }
    false
}

/// Whether the rest of the command from `j`, and the lines of a here-document it opens,
/// hold a word that looks like a flag ([`flag_text_at`]), and whether it is given an
/// input of its own (`<`, `<<`, `<<<`).
const fn command_text_flagged(b: &[u8], j: usize) -> (bool, bool) {
    let n = b.len();
    let mut j = j;
    let mut document = None;
    let mut input = false;
    while j < n && !(matches!(b[j], b';' | b'|' | b'&' | b'\n') && command_end(b, j)) {
        if flag_text_at(b, j) {
            return (true, true);
        }
        if b[j] == b'<' {
            input = true;
            if j + 2 < n && b[j + 1] == b'<' && b[j + 2] != b'<' && document.is_none() {
                document = here_document_word(b, j);
            }
        }
        j += 1;
    }
    if let Some((d, de, tabs)) = document {
        // To the delimiter's line (or the end).
        while j < n {
            let (t, closes) = document_line(b, j + 1, d, de, tabs);
            if closes {
                break;
            }
            j = t;
            while j < n && b[j] != b'\n' {
                if flag_text_at(b, j) {
                    return (true, true);
                }
                j += 1;
            }
        }
    }
    (false, input)
}

/// The first byte of the line at `line` past the tabs that `<<-` strips (`tabs`), and
/// whether that whole line is the here-document's delimiter `b[d..e]`.
const fn document_line(b: &[u8], line: usize, d: usize, e: usize, tabs: bool) -> (usize, bool) {
    let n = b.len();
    let mut t = line;
    while tabs && t < n && b[t] == b'\t' {
        t += 1;
    }
    let len = e - d;
    (
        t,
        t + len <= n && names_equal(b, t, d, len) && (t + len == n || b[t + len] == b'\n'),
    )
}

/// Whether a word that looks like a flag starts at `j`: `-` or `--` then a letter, not
/// inside a word (`my-host`) ([`named_with_flag_text`]).
const fn flag_text_at(b: &[u8], j: usize) -> bool {
    let n = b.len();
    if b[j] != b'-' || (j > 0 && (name_byte(b[j - 1]) || b[j - 1] == b'-')) {
        return false;
    }
    let l = if j + 1 < n && b[j + 1] == b'-' {
        j + 2
    } else {
        j + 1
    };
    l < n && b[l].is_ascii_alphabetic()
}

/// Whether the rest of a Python f-string from `v` to its closing `quote` writes text: a
/// letter or digit outside its fields, or a field the check cannot follow to a value
/// fetched at boot ([`python_value_fetched`]; `f"-p{pw}"` after `pw = "hunter2"`). Nothing
/// but fetched fields writes nothing (hostile review 23).
const fn python_fields_written(b: &[u8], v: usize, quote: u8) -> bool {
    let mut j = v;
    while j < b.len() && b[j] != quote && b[j] != b'\n' {
        if b[j] == b'{' {
            if j + 1 < b.len() && b[j + 1] == b'{' {
                return true;
            }
            let fs = skip_blanks(b, j + 1);
            let mut fe = fs;
            while fe < b.len() && !matches!(b[fe], b'}' | b'!' | b':' | b'\n') {
                fe += 1;
            }
            let mut last = fe;
            while last > fs && matches!(b[last - 1], b' ' | b'\t') {
                last -= 1;
            }
            if !python_value_fetched(b, fs, last, 4) {
                return true;
            }
            while fe < b.len() && b[fe] != b'}' && b[fe] != b'\n' {
                fe += 1;
            }
            j = fe + 1;
            continue;
        }
        if b[j].is_ascii_alphanumeric() {
            return true;
        }
        j += 1;
    }
    false
}

/// The start and the end of the next word of the command at `k` (after blanks); equal when
/// the command ends first.
const fn next_word(b: &[u8], k: usize) -> (usize, usize) {
    let s = skip_blanks(b, k);
    let mut e = s;
    // Byte tests before the calls (the budget of const evaluation counts calls).
    while e < b.len()
        && !(matches!(b[e], b' ' | b'\t' | b'\r' | b'\\' | b'$') && blank(b, e) > 0)
        && !(matches!(b[e], b';' | b'|' | b'&' | b'\n') && command_end(b, e))
    {
        e += 1;
    }
    (s, e)
}

/// Whether the word at `s..e` is a flag (`-b`, `--node`): it starts with `-`, perhaps
/// after quotes.
const fn is_flag(b: &[u8], s: usize, e: usize) -> bool {
    let q = skip_quotes(b, s);
    q < e && b[q] == b'-'
}

/// Whether the flag word at `s..e` is a cluster of short flags (`-bc`) that holds `letter`.
const fn cluster_has(b: &[u8], s: usize, e: usize, letter: u8) -> bool {
    let q = skip_quotes(b, s);
    if !(q + 1 < e && b[q] == b'-' && b[q + 1] != b'-') {
        return false;
    }
    let mut j = q + 1;
    while j < e {
        if b[j] == letter {
            return true;
        }
        j += 1;
    }
    false
}

/// Whether the command whose words start at `after` gives a written value as its
/// `index`-th operand (counting from 0 the words that are not flags), skipping the value
/// of each flag in `valued` (short flags, by letter, as `htpasswd -C 10` takes one).
const fn operand_written(b: &[u8], after: usize, index: usize, valued: &[u8]) -> bool {
    let mut k = after;
    let mut n = 0;
    loop {
        let (s, e) = next_word(b, k);
        if s == e {
            return false;
        }
        let q = skip_quotes(b, s);
        let redirect = q < e
            && (matches!(b[q], b'<' | b'>')
                || (q + 1 < e && b[q].is_ascii_digit() && matches!(b[q + 1], b'<' | b'>')));
        if redirect {
            // `> FILE`, `2>/dev/null`: a redirection, not an operand.
            let mut j = q;
            while j < e && (b[j].is_ascii_digit() || matches!(b[j], b'<' | b'>' | b'&')) {
                j += 1;
            }
            k = if j == e { next_word(b, e).1 } else { e };
            continue;
        }
        if is_flag(b, s, e) {
            let mut v = 0;
            let mut skip = false;
            while v < valued.len() {
                if cluster_has(b, s, e, valued[v]) {
                    skip = true;
                }
                v += 1;
            }
            k = e;
            if skip {
                k = next_word(b, k).1;
            }
            continue;
        }
        if n == index {
            return written_at(b, s);
        }
        n += 1;
        k = e;
    }
}

/// The index just after the command `name` at `i` (a word of its own, matched as the shell
/// reads it: [`match_word`]), or 0 when the command there is another; `first` is the
/// letter the command at `i` starts with (0 when the shell removes something first), so
/// that a name of another letter is not matched at all.
const fn command_named(b: &[u8], i: usize, first: u8, name: &[u8]) -> usize {
    if first != 0 && first != name[0] {
        return 0;
    }
    let e = match_word(b, i, name, false);
    if e == 0 {
        return 0;
    }
    // Past the quote that closes the name (`"htpasswd" -b …`, `g"it" config …`).
    let e = skip_quotes(b, e);
    if e == b.len() || blank(b, e) > 0 {
        e
    } else {
        0
    }
}

/// The tools of [`operand_secret_at`] that take a password as an operand.
const OPERAND_TOOLS: [&str; 7] = [
    "wpa_passphrase",
    "htpasswd",
    "rabbitmqctl",
    "mysqladmin",
    "mkpasswd",
    "openssl",
    "vault",
];

/// [`OPERAND_TOOLS`] as bytes, made once, and their number (see [`SECRET_WORD_BYTES`]).
const OPERAND_TOOL_BYTES: [&[u8]; OPERAND_TOOLS.len()] = byte_strings(OPERAND_TOOLS);
const OPERAND_TOOL_COUNT: usize = OPERAND_TOOLS.len();

/// The tool whose command at `i` (just after its name) passes a written password as an
/// operand, if one does: `htpasswd -b FILE USER PASSWORD` (`-nb USER PASSWORD` writes no
/// file; without `-b` it prompts), `rabbitmqctl add_user USER PASSWORD`
/// (`change_password`, `authenticate_user`).
const fn operand_secret_at(b: &[u8], i: usize) -> Option<&'static str> {
    // A name starts with its first letter, unless the shell removes something first; then
    // the letter it reads first decides which names may follow.
    let first = if b[i].is_ascii_alphabetic() { b[i] } else { 0 };
    let lead = if first == 0 { first_read(b, i) } else { first };
    // Hostile review 29's first, by their first two letters (`grep` goes no further).
    if matches!(lead, b'm' | b'g' | b's' | b'd')
        && (first == 0
            || (i + 1 < b.len()
                && matches!(
                    (first, b[i + 1]),
                    (b'm', b'c' | b'o') | (b'g', b'r') | (b's', b'a') | (b'd', b'o')
                )))
        && let Some(tool) = admin_operand_secret(b, i, first)
    {
        return Some(tool);
    }
    if !matches!(
        lead,
        b'h' | b'r' | b'm' | b'o' | b'v' | b'e' | b's' | b'w' | b'k'
    ) {
        return None;
    }
    // Text fed to `xargs` that runs one of these tools becomes its operands, where they take
    // the password (`echo hunter2 | xargs htpasswd -b FILE USER`; hostile review 29).
    let mut x = 0;
    while x < OPERAND_TOOL_COUNT {
        if OPERAND_TOOL_BYTES[x][0] == lead {
            let e = match_word(b, i, OPERAND_TOOL_BYTES[x], false);
            let a = skip_quotes(b, e);
            if e != 0
                && (a == b.len() || blank(b, a) > 0 || command_end_or_line(b, a))
                && xargs_fed_text(b, i, true)
            {
                return Some(OPERAND_TOOLS[x]);
            }
        }
        x += 1;
    }
    // The letter the shell reads first, for `command_named`'s test before its call (as in
    // [`setting_secret_at`]: names start with a lower-case letter and are compared case and
    // all).
    let first = lead;
    // `wpa_passphrase SSID PASSPHRASE` (wpa_passphrase(8): without the pass phrase it reads
    // it from its input).
    let e = command_named(b, i, first, b"wpa_passphrase");
    if e != 0 {
        return if operand_written(b, e, 1, b"") {
            Some("wpa_passphrase")
        } else {
            None
        };
    }
    let e = command_named(b, i, first, b"htpasswd");
    if e != 0 {
        return if htpasswd_operands(b, e) {
            Some("htpasswd")
        } else {
            None
        };
    }
    // `htdbm -b FILE USER PASSWORD` (htdbm(1): "-b Use batch mode; i.e., get the password
    // from the command line"; `-nb USER PASSWORD`; hostile review 29, tenth probe).
    let e = command_named(b, i, first, b"htdbm");
    if e != 0 && htpasswd_operands(b, e) {
        return Some("htdbm");
    }
    let e = command_named(b, i, first, b"rabbitmqctl");
    if e != 0 && rabbitmq_operands(b, e) {
        return Some("rabbitmqctl");
    }
    let e = command_named(b, i, first, b"mysqladmin");
    if e != 0 && subcommand_operand(b, e, b"password", 0) {
        return Some("mysqladmin");
    }
    // `mkpasswd [-m METHOD] [-S SALT] [-R ROUNDS] PASSWORD`: the password is its first
    // operand (`-s` reads it from the input instead).
    let e = command_named(b, i, first, b"mkpasswd");
    if e != 0 && operand_written(b, e, 0, b"mSRP") {
        return Some("mkpasswd");
    }
    // `openssl passwd [-6] [-salt SALT] PASSWORD…`: every operand is a password to hash
    // (`-stdin` and `-in FILE` read them instead).
    let e = command_named(b, i, first, b"openssl");
    if e != 0 && openssl_passwd_operands(b, e) {
        return Some("openssl passwd");
    }
    let e = command_named(b, i, first, b"vault");
    if e != 0 && vault_login_token(b, e) {
        return Some("vault login");
    }
    let e = command_named(b, i, first, b"rclone");
    // `rclone obscure PASSWORD` too (hostile review 29).
    if e != 0 && (rclone_config_secret(b, e) || subcommand_operand(b, e, b"obscure", 0)) {
        return Some("rclone config");
    }
    let e = command_named(b, i, first, b"expect");
    if e != 0 && expect_sends_text(b, e) {
        return Some("expect");
    }
    let e = command_named(b, i, first, b"sqlplus");
    if e != 0 && oracle_logon_written(b, e) {
        return Some("sqlplus");
    }
    // MySQL Shell's connection without a scheme, `mysqlsh USER:PASSWORD@HOST` (MySQL Shell
    // manual, "Connecting using URI-like connection strings": `[user[:password]@]host`;
    // hostile review 29, tenth probe).
    let e = command_named(b, i, first, b"mysqlsh");
    if e != 0 && uri_password_operand(b, e) {
        return Some("mysqlsh");
    }
    // Oracle's Data Pump export, `expdp USER/PASSWORD@DB …` (Oracle Database Utilities,
    // "Starting Data Pump Export": `expdp username/password@connect_identifier`), and
    // SQLcl, `sql [-s] USER/PASSWORD@DB` (SQLcl User's Guide, "Starting SQLcl"; hostile
    // review 29, tenth probe).
    let e = command_named(b, i, first, b"expdp");
    if e != 0 && oracle_logon_written(b, e) {
        return Some("expdp");
    }
    let e = command_named(b, i, first, b"sql");
    if e != 0 && oracle_logon_written(b, e) {
        return Some("sql");
    }
    // `rman target USER/PASSWORD@DB` (and `catalog`, `auxiliary`; Oracle Backup and
    // Recovery Reference, "RMAN": `TARGET connectStringSpec`).
    let e = command_named(b, i, first, b"rman");
    if e != 0 && rman_logon_written(b, e) {
        return Some("rman");
    }
    let mut c = 0;
    while c < REDIS_CLIENTS.len() {
        let e = command_named(b, i, first, REDIS_CLIENTS[c].as_bytes());
        if e != 0 && redis_command_secret(b, e) == REDIS_AUTH {
            return Some("redis-cli");
        }
        c += 1;
    }
    None
}

/// Whether a line that Redis reads as a command starts at `i` with a command of
/// [`REDIS_SETTERS`] that gives a key or field named like a secret a written value
/// ([`setting_written`]: `echo 'SET db_password …' | redis-cli`, `redis-cli <<EOF`, then
/// `HSET app password …`), in a script that runs a Redis client ([`REDIS_CLIENTS`]), which
/// reads its commands from its input. The line starts as a line of a configuration file
/// does ([`config_line_start`]).
const fn redis_setter_line_at(b: &[u8], i: usize) -> bool {
    if !config_line_start(b, i) {
        return false;
    }
    let mut w = 0;
    while w < REDIS_SETTERS.len() {
        let word = REDIS_SETTERS[w].as_bytes();
        let e = i + word.len();
        if at_ignore_case(b, i, word) && e < b.len() && matches!(b[e], b' ' | b'\t') {
            // The reading of the line first: the search of the whole text is the longer.
            return setting_written(b, e, b"", u8::MAX) && runs_redis_client(b);
        }
        w += 1;
    }
    false
}

/// Whether a line that Redis reads as a command starts at `i` with `AUTH [USERNAME]
/// PASSWORD`, the password written (the Redis command reference, "AUTH"), in a script that
/// runs a Redis client ([`REDIS_CLIENTS`]), which reads its commands from its input (`echo
/// 'AUTH …' | redis-cli`, `redis-cli <<EOF`, then `AUTH …`). The line starts as a line of a
/// configuration file does ([`config_line_start`]).
const fn redis_auth_line_at(b: &[u8], i: usize) -> bool {
    if !(at_ignore_case(b, i, b"auth")
        && i + 4 < b.len()
        && matches!(b[i + 4], b' ' | b'\t')
        && config_line_start(b, i)
        && runs_redis_client(b))
    {
        return false;
    }
    // One operand (the password) or two (the user, then the password).
    let mut k = skip_blanks(b, i + 4);
    while k < b.len() && !matches!(b[k], b' ' | b'\t' | b'\n' | b'\r' | b'\\') {
        k += 1;
    }
    let k = skip_blanks(b, k);
    let one = k >= b.len() || matches!(b[k], b'\n' | b'\r' | b'\\' | b'"' | b'\'' | b';' | b'|');
    // Prose the script shows (`echo "auth failed for app"`) has more words, or starts as
    // prose does ([`shown_prose`]).
    let mut e = k;
    while e < b.len() && !matches!(b[e], b' ' | b'\t' | b'\n' | b'\r' | b'\\') {
        e += 1;
    }
    let e = skip_blanks(b, e);
    let more =
        !one && e < b.len() && !matches!(b[e], b'\n' | b'\r' | b'\\' | b'"' | b'\'' | b';' | b'|');
    let q = if i > 0 && matches!(b[i - 1], b'"' | b'\'') {
        i - 1
    } else {
        opening_quote(b, i)
    };
    let prose = q < b.len() && shown_prose(b, q, i + 4);
    !more && !prose && line_operand_written(b, i + 4, if one { 0 } else { 1 })
}

/// The command-line clients of Redis and its forks (Valkey, KeyDB, whose `keydb-cli` takes
/// redis-cli's flags and commands), which run the command given as their operands
/// (redis-cli(1), "Command line usage").
const REDIS_CLIENTS: [&str; 3] = ["redis-cli", "valkey-cli", "keydb-cli"];

/// Whether `b` names a Redis client anywhere ([`REDIS_CLIENTS`]): a script that runs one.
const fn runs_redis_client(b: &[u8]) -> bool {
    let mut c = 0;
    while c < REDIS_CLIENTS.len() {
        if text_holds(b, REDIS_CLIENTS[c].as_bytes()) {
            return true;
        }
        c += 1;
    }
    false
}

/// The flags of `redis-cli` that take a value as the next word (`redis-cli --help`): the
/// word after one is no command.
const REDIS_VALUED: [&str; 22] = [
    "-h",
    "-p",
    "-s",
    "-a",
    "-u",
    "-n",
    "-r",
    "-i",
    "-d",
    "-D",
    "-t",
    "--user",
    "--pass",
    "--cacert",
    "--cacertdir",
    "--cert",
    "--key",
    "--sni",
    "--tls-ciphers",
    "--eval",
    "--pattern",
    "--count",
];

/// Redis commands that give a key (or a hash's field) a value, `SET KEY VALUE`, `HSET KEY
/// FIELD VALUE`, `MSET KEY VALUE …` (Redis command reference): a key named like a secret
/// (`SET db_password …`, `HSET app:config password …`) given written text stores it.
const REDIS_SETTERS: [&str; 11] = [
    "set", "setnx", "setex", "psetex", "getset", "mset", "msetnx", "hset", "hsetnx", "hmset",
    "append",
];

/// [`redis_command_secret`]: `AUTH` with a written password.
const REDIS_AUTH: u8 = 1;
/// [`redis_command_secret`]: a key named like a secret given a written value.
const REDIS_SETTING: u8 = 2;

/// Which secret, if any ([`REDIS_AUTH`], [`REDIS_SETTING`], 0 for none), the Redis command that `redis-cli` runs (its first operand, after its flags and
/// their values, in any case, as Redis reads command names) passes a written secret:
/// `AUTH [USERNAME] PASSWORD` with the password written (the Redis command reference,
/// "AUTH"; `redis-cli AUTH …` puts it on the command line as `-a` does), or a command of
/// [`REDIS_SETTERS`] that gives a key or field named like a secret
/// ([`setting_names_secret`]) a written value. `CONFIG SET requirepass …` and `ACL SETUSER
/// … >…` are read where `requirepass` and the ACL's rules are, anywhere in the text.
const fn redis_command_secret(b: &[u8], after: usize) -> u8 {
    let mut k = after;
    loop {
        let (s, e) = next_word(b, k);
        if s == e {
            return 0;
        }
        k = e;
        if is_flag(b, s, e) {
            let mut f = 0;
            while f < REDIS_VALUED.len() {
                let flag = REDIS_VALUED[f].as_bytes();
                if match_word(b, s, flag, false) == e {
                    k = next_word(b, e).1;
                }
                f += 1;
            }
            continue;
        }
        if match_word(b, s, b"auth", true) == e {
            // The password is the last operand: `AUTH PASSWORD`, `AUTH USERNAME PASSWORD`.
            let (s1, e1) = next_word(b, e);
            if s1 == e1 {
                return 0;
            }
            let (s2, e2) = next_word(b, e1);
            let written = if s2 == e2 {
                written_at(b, s1)
            } else {
                written_at(b, s2)
            };
            return if written { REDIS_AUTH } else { 0 };
        }
        let mut w = 0;
        while w < REDIS_SETTERS.len() {
            if match_word(b, s, REDIS_SETTERS[w].as_bytes(), true) == e {
                return if setting_written(b, e, b"", u8::MAX) {
                    REDIS_SETTING
                } else {
                    0
                };
            }
            w += 1;
        }
        return 0;
    }
}

/// Why a setting named like a secret given a written value on a command's line is refused.
const SETTING_SECRET: &str = "user data may not give a setting named like a password, secret, token or key a written value on a command's line (`git config credential.password …`, `npm config set _auth …`, `pip config set global.password …`, `crudini --set FILE SECTION password …`, `xmlstarlet ed -u //password -v …`, `augtool set /files/…/password …`, `etcdctl put /app/db_password …`): it is readable by anyone who may describe the instance (HIPAA 45 CFR §164.312(a)(2)(iv) and §164.312(d), hipaa-stack rule P1); fetch the value at boot from Secrets Manager, by ARN, into a variable (`crudini --set FILE SECTION password \"$DB_PASSWORD\"`)";

/// Tools that write a setting given on their command line, by name then value, after a
/// word of their own: `(tool, word, key)`. `key` is the index (from 0) of the setting's
/// name among the operands after the word, or `u8::MAX` when any operand followed by a
/// written one may be it (the tool's flags may take values the check does not know).
/// `xmlstarlet ed` takes the value by a flag instead: [`xml_value_secret`].
/// - `git config [--global|--file FILE] NAME VALUE`, `git config set NAME VALUE`
///   (git-config(1));
/// - `npm config set KEY VALUE` (`_auth`, `_password`, `//HOST/:_authToken`: npmrc(5)),
///   `npm set`, and yarn's and pnpm's `config set`;
/// - `pip config set global.KEY VALUE` (pip documentation, "pip config");
/// - `crudini --set FILE SECTION PARAM VALUE` (crudini(1)): the section may be named like
///   a secret (`keystone_authtoken`), so the parameter is the third operand;
/// - `augtool set PATH VALUE` (augtool(1));
/// - `etcdctl put KEY VALUE`, `consul kv put KEY VALUE`, `wp config set NAME VALUE`,
///   `conda config --set KEY VALUE`, `launchctl setenv NAME VALUE`, csh's `setenv NAME
///   VALUE`, Windows' `setx NAME VALUE`;
/// - `poetry config NAME VALUE…`, `composer config [--global] NAME VALUE…`, and their
///   credentials named by kind ([`CREDENTIAL_PREFIXES`]);
/// - `nmcli connection modify NAME 802-1x.password VALUE`, `nmcli device wifi connect SSID
///   password VALUE` (nmcli(1), nm-settings-nmcli(5)), `dconf write KEY VALUE`.
const SETTERS: [(&str, &str, u8); 19] = [
    ("git", "config", u8::MAX),
    ("npm", "set", u8::MAX),
    ("yarn", "set", u8::MAX),
    ("pnpm", "set", u8::MAX),
    ("pip", "set", u8::MAX),
    ("pip3", "set", u8::MAX),
    ("crudini", "--set", 2),
    ("augtool", "set", u8::MAX),
    ("etcdctl", "put", u8::MAX),
    ("consul", "put", u8::MAX),
    ("wp", "set", u8::MAX),
    ("conda", "--set", u8::MAX),
    ("launchctl", "setenv", u8::MAX),
    ("setenv", "", 0),
    // Windows' `setx NAME VALUE` (setx, Windows Commands reference; hostile review 19).
    ("setx", "", u8::MAX),
    ("poetry", "config", u8::MAX),
    ("composer", "config", u8::MAX),
    ("nmcli", "", u8::MAX),
    ("dconf", "write", u8::MAX),
];

/// The first letter of each tool of [`SETTERS`], made once (see `setting_secret_at`).
const SETTER_FIRSTS: [u8; SETTERS.len()] = setter_firsts();

/// See [`SETTER_FIRSTS`].
const fn setter_firsts() -> [u8; SETTERS.len()] {
    let mut out = [0; SETTERS.len()];
    let mut t = 0;
    while t < SETTERS.len() {
        out[t] = SETTERS[t].0.as_bytes()[0];
        t += 1;
    }
    out
}

/// Settings of Poetry and Composer whose name starts with the kind of credential they hold,
/// then the repository or host: `(prefix, words)`, the credential being the `words`-th word
/// (from 0) after the name. `poetry config http-basic.NAME USER PASSWORD`, `poetry config
/// pypi-token.NAME TOKEN` (Poetry documentation, "Repositories": configuring credentials);
/// `composer config http-basic.HOST USER PASSWORD`, `github-oauth.HOST TOKEN`,
/// `gitlab-token.HOST TOKEN`, `gitlab-oauth.HOST TOKEN`, `bearer.HOST TOKEN` (Composer
/// documentation, "Authentication for privately hosted packages"); NetworkManager's Wi-Fi
/// pre-shared key, `wifi-sec.psk VALUE` (nm-settings-nmcli(5)).
const CREDENTIAL_PREFIXES: [(&str, u8); 8] = [
    ("http-basic.", 1),
    ("wifi-sec.psk", 0),
    ("802-11-wireless-security.psk", 0),
    ("pypi-token.", 0),
    ("github-oauth.", 0),
    ("gitlab-token.", 0),
    ("gitlab-oauth.", 0),
    ("bearer.", 0),
];

/// Whether the setting's name `b[s..e]` (a word, perhaps quoted) names a secret: a part of
/// its last path segment (after `/` or `:`), split at `.`, ends in a secret's word
/// ([`secret_name_ends`]): `credential.password`, `//registry/:_authToken`,
/// `/files/etc/app.conf/password`, `pypi-token.pypi`, `DB_PASSWORD`.
const fn setting_names_secret(b: &[u8], s: usize, mut e: usize) -> bool {
    while e > s && matches!(b[e - 1], b'"' | b'\'') {
        e -= 1;
    }
    let mut base = e;
    while base > s && !matches!(b[base - 1], b'/' | b':' | b'"' | b'\'') {
        base -= 1;
    }
    let mut part = e;
    while part > base {
        let mut start = part;
        while start > base && b[start - 1] != b'.' {
            start -= 1;
        }
        if start < part && secret_name_ends(b, start, part) {
            return true;
        }
        if start == base {
            break;
        }
        part = start - 1;
    }
    false
}

/// Whether a step or a predicate of the XPath `b[s..e]` names a secret: a name that ends in
/// a secret's word ([`secret_name_ends`]) anywhere in it, `//password`,
/// `/config/db/password/text()`, `//add[@key='password']/@value`.
const fn path_names_secret(b: &[u8], s: usize, e: usize) -> bool {
    let mut j = s;
    while j < e {
        if name_byte(b[j]) && (j + 1 == e || !name_byte(b[j + 1])) {
            let mut n = j;
            while n > s && name_byte(b[n - 1]) {
                n -= 1;
            }
            if secret_name_ends(b, n, j + 1) {
                return true;
            }
        }
        j += 1;
    }
    false
}

/// Whether the written value at `s..e` chooses how to authenticate ([`AUTH_SETTINGS`]:
/// `git config http.emptyAuth true`), rather than being a credential.
const fn names_a_setting(b: &[u8], s: usize, mut e: usize) -> bool {
    let s = skip_quotes(b, s);
    while e > s && matches!(b[e - 1], b'"' | b'\'') {
        e -= 1;
    }
    let mut w = 0;
    while w < AUTH_SETTINGS.len() {
        let word = AUTH_SETTINGS[w].as_bytes();
        if e - s == word.len() && at_ignore_case(b, s, word) {
            return true;
        }
        w += 1;
    }
    false
}

/// Whether the words at `after` hold `word` (none when empty), then a setting's name that
/// names a secret ([`setting_names_secret`]) as the `key`-th operand (any, at `u8::MAX`)
/// after it, then a written value ([`written_at`]) that is not a setting
/// ([`names_a_setting`]).
const fn setting_written(b: &[u8], after: usize, word: &[u8], key: u8) -> bool {
    let mut k = after;
    let mut seen = word.is_empty();
    let mut n: u8 = 0;
    let mut named = false;
    let mut skip = 0;
    loop {
        let (s, e) = next_word(b, k);
        if s == e {
            return false;
        }
        k = e;
        if !seen {
            seen = word_at(b, s, word);
            continue;
        }
        if is_flag(b, s, e) {
            continue;
        }
        if named {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            return written_at(b, s) && !names_a_setting(b, s, e);
        }
        if key == u8::MAX || n == key {
            let q = skip_quotes(b, s);
            let mut p = 0;
            while p < CREDENTIAL_PREFIXES.len() {
                let (prefix, words) = CREDENTIAL_PREFIXES[p];
                let after = q + prefix.len();
                // A whole name (`wifi-sec.psk`, not `wifi-sec.psk-flags`), or a prefix.
                if at_ignore_case(b, q, prefix.as_bytes())
                    && (prefix.as_bytes()[prefix.len() - 1] == b'.'
                        || after == b.len()
                        || !name_byte(b[after]))
                {
                    named = true;
                    skip = words;
                }
                p += 1;
            }
            named = named || setting_names_secret(b, s, e);
            if key != u8::MAX && !named {
                return false;
            }
        }
        n = n.saturating_add(1);
    }
}

/// Whether `xmlstarlet ed` (or `xml ed`) at `after` gives a written value (`-v VALUE`,
/// `--value VALUE`) to a node whose path or name, the word before the flag, names a secret:
/// `-u //password -v …`, `-s /config -t elem -n password -v …` (XMLStarlet's `ed`
/// options: `-u XPATH -v VALUE`, `-s XPATH -t elem|attr -n NAME -v VALUE`).
const fn xml_value_secret(b: &[u8], after: usize) -> bool {
    let mut k = after;
    let mut seen = false;
    let (mut ps, mut pe) = (0, 0);
    loop {
        let (s, e) = next_word(b, k);
        if s == e {
            return false;
        }
        k = e;
        if !seen {
            seen = word_at(b, s, b"ed") || word_at(b, s, b"edit");
            continue;
        }
        if (word_at(b, s, b"-v") || word_at(b, s, b"--value")) && pe > ps {
            let (vs, ve) = next_word(b, e);
            if vs < ve
                && path_names_secret(b, ps, pe)
                && written_at(b, vs)
                && !names_a_setting(b, vs, ve)
            {
                return true;
            }
        }
        (ps, pe) = (s, e);
    }
}

/// The tool at `i` (a word's start) that gives a setting named like a secret a written
/// value on its command line ([`SETTERS`], `xmlstarlet ed`), if one does.
const fn setting_secret_at(b: &[u8], i: usize) -> bool {
    // The tool's first letter, or what the shell removes before it (`"git" config`,
    // `\git config`: see `first_read`); `first` is 0 then, as `command_named` takes it.
    let plain = b[i].is_ascii_alphabetic();
    if !(plain || matches!(b[i], b'"' | b'\'' | b'\\')) {
        return false;
    }
    let lead = if plain { b[i] } else { first_read(b, i) };
    if !matches!(
        lead,
        b'g' | b'n'
            | b'y'
            | b'p'
            | b'c'
            | b'a'
            | b'e'
            | b'w'
            | b'l'
            | b's'
            | b'x'
            | b'd'
            | b'r'
            | b'v'
            | b'k'
    ) {
        return false;
    }
    // The letter the shell reads first, for `command_named`'s test before its call: every
    // tool's name starts with a lower-case letter, and `match_word` compares case and all,
    // so a word whose first letter read differs cannot match (the budget of const
    // evaluation counts calls, and words that start with a quote are many).
    let first = lead;
    // `redis-cli SET db_password …` ([`redis_command_secret`]).
    if lead == b'r' || lead == b'v' || lead == b'k' {
        let mut c = 0;
        while c < REDIS_CLIENTS.len() {
            let e = command_named(b, i, first, REDIS_CLIENTS[c].as_bytes());
            if e != 0 {
                return redis_command_secret(b, e) == REDIS_SETTING;
            }
            c += 1;
        }
        return false;
    }
    // augtool's own command, `set /files/PATH VALUE`, read from a here-document or a file
    // (`augtool <<EOF`, `augtool -f FILE`): a path of Augeas's tree names the setting.
    if lead == b's' {
        let e = command_named(b, i, first, b"set");
        if e != 0 {
            let (s, _) = next_word(b, e);
            if at_exactly(b, skip_quotes(b, s), b"/files/") && setting_written(b, e, b"", 0) {
                return true;
            }
        }
    }
    if lead == b'x' {
        let e = command_named(b, i, first, b"xmlstarlet");
        let e = if e == 0 {
            command_named(b, i, first, b"xml")
        } else {
            e
        };
        return e != 0 && xml_value_secret(b, e);
    }
    let mut t = 0;
    while t < SETTERS.len() {
        let (tool, word, key) = SETTERS[t];
        // The first letter before the call (the budget of const evaluation counts calls).
        let other = first != 0 && SETTER_FIRSTS[t] != first;
        t += 1;
        if other {
            continue;
        }
        let e = command_named(b, i, first, tool.as_bytes());
        if e != 0 && setting_written(b, e, word.as_bytes(), key) {
            return true;
        }
    }
    false
}

/// Whether the logon of `sqlplus` (its first operand, after its flags; `-M`, `-R` and `-C`
/// take a value) writes a password: `USER/PASSWORD[@CONNECT]` (SQL*Plus User's Guide,
/// "SQLPLUS Program Syntax": "logon … {username[/password][@connect_identifier] | / }").
/// `/` and `/nolog` log on without one; `USER@DB` prompts for it.
const fn oracle_logon_written(b: &[u8], after: usize) -> bool {
    let mut k = after;
    loop {
        let (s, e) = next_word(b, k);
        if s == e {
            return false;
        }
        let q = skip_quotes(b, s);
        if q < e && b[q] == b'-' {
            k = e;
            if q + 1 < e && matches!(b[q + 1], b'M' | b'R' | b'C') {
                k = next_word(b, k).1;
            }
            continue;
        }
        let mut p = q + 1;
        while p < e && b[p] != b'/' && b[p] != b'@' {
            p += 1;
        }
        return q < e
            && b[q] != b'/'
            && p + 1 < e
            && b[p] == b'/'
            && b[p + 1] != b'@'
            && written_at(b, p + 1);
    }
}

/// Whether an operand after `after` (not a flag, with no `://`) is `USER:PASSWORD@HOST`
/// with a written password ([`oracle_logon_written`]'s kin for MySQL Shell).
const fn uri_password_operand(b: &[u8], after: usize) -> bool {
    let mut k = after;
    loop {
        let (s, e) = next_word(b, k);
        if s == e {
            return false;
        }
        k = e;
        let q = skip_quotes(b, s);
        if q < e && b[q] != b'-' {
            let mut c = q;
            while c < e && b[c] != b':' && b[c] != b'@' && b[c] != b'/' {
                c += 1;
            }
            let mut a = c + 1;
            while a < e && b[a] != b'@' && b[a] != b'/' {
                a += 1;
            }
            if c > q && c + 1 < a && a < e && b[c] == b':' && b[a] == b'@' && written_at(b, c + 1) {
                return true;
            }
        }
    }
}

/// Whether a connection of `rman` after `after` writes a password: `target`, `catalog` or
/// `auxiliary` followed by `USER/PASSWORD[@DB]` ([`oracle_logon_written`]).
const fn rman_logon_written(b: &[u8], after: usize) -> bool {
    let mut k = after;
    loop {
        let (s, e) = next_word(b, k);
        if s == e {
            return false;
        }
        k = e;
        if (word_at(b, s, b"target") || word_at(b, s, b"catalog") || word_at(b, s, b"auxiliary"))
            && oracle_logon_written(b, e)
        {
            return true;
        }
    }
}

/// Flags of `vault login` that take no value (Vault's CLI documentation, `vault login`,
/// "Command options" and "Output options"); every other flag written without `=` takes the
/// next word (`-method userpass`, `-path p`, `-format json`).
const VAULT_SWITCHES: [&str; 5] = [
    "-no-print",
    "-no-store",
    "-token-only",
    "-tls-skip-verify",
    "-non-interactive",
];

/// Whether the words at `after` (after `vault`) are `login` given a written token: the
/// first operand of `vault login [flags] [TOKEN]` (Vault's CLI documentation: "If no
/// argument is given, the CLI prompts for the token"; `-` reads it from the input). With
/// `-method` the operands are `K=V` pairs of the auth method, which are read as
/// assignments (`password=…`).
const fn vault_login_token(b: &[u8], after: usize) -> bool {
    let (s, e) = next_word(b, after);
    if !(s < e && word_at(b, s, b"login")) {
        return false;
    }
    let mut k = e;
    loop {
        let (s, e) = next_word(b, k);
        if s == e {
            return false;
        }
        k = e;
        if is_flag(b, s, e) {
            let q = skip_quotes(b, s);
            if e == q + 1 || match_word(b, q, b"-method", false) != 0 {
                // `-` reads the token from the input; `-method` logs in otherwise.
                return false;
            }
            let mut equals = false;
            let mut j = q;
            while j < e {
                if b[j] == b'=' {
                    equals = true;
                }
                j += 1;
            }
            let mut switch = false;
            let mut w = 0;
            while w < VAULT_SWITCHES.len() {
                if word_at(b, q, VAULT_SWITCHES[w].as_bytes()) {
                    switch = true;
                }
                w += 1;
            }
            if !equals && !switch {
                k = next_word(b, k).1;
            }
            continue;
        }
        let mut j = s;
        while j < e {
            if b[j] == b'=' {
                return false;
            }
            j += 1;
        }
        return written_at(b, s);
    }
}

/// Whether the words at `after` (after `rclone`) are `config create NAME TYPE` or `config
/// update NAME` followed by a pair `KEY VALUE` (or `KEY=VALUE`) whose key ends in a secret
/// word or in `pass` or `key` (`pass`, `secret_access_key`, `client_secret`, `token`,
/// `key`) with a written value: rclone keeps it in its configuration file, and an obscured
/// `pass` can be revealed (rclone documentation, `rclone config create` and `rclone
/// obscure`).
const fn rclone_config_secret(b: &[u8], after: usize) -> bool {
    let (s, e) = next_word(b, after);
    if !(s < e && word_at(b, s, b"config")) {
        return false;
    }
    let (s, e) = next_word(b, e);
    let skip = if s < e && word_at(b, s, b"create") {
        2
    } else if s < e && word_at(b, s, b"update") {
        1
    } else {
        return false;
    };
    let mut k = e;
    let mut n = 0;
    // Whether the last operand was a key named like a secret, waiting for its value.
    let mut pending = false;
    loop {
        let (s, e) = next_word(b, k);
        if s == e {
            return false;
        }
        k = e;
        if is_flag(b, s, e) {
            continue;
        }
        if n < skip {
            n += 1;
            continue;
        }
        if pending {
            if written_at(b, s) {
                return true;
            }
            pending = false;
            continue;
        }
        // The key, up to `=` or the end of the word.
        let q = skip_quotes(b, s);
        let mut j = q;
        while j < e && b[j] != b'=' {
            j += 1;
        }
        let mut key = j;
        while key > q && matches!(b[key - 1], b'"' | b'\'') {
            key -= 1;
        }
        // `password2` is the salt of rclone's `crypt` remote, as secret as `password`.
        // (`env_auth`, `use_auth` choose how to authenticate: settings, not credentials.)
        let secret = (secret_name_ends(b, q, key)
            && !(key >= q + 4 && at_ignore_case(b, key - 4, b"auth")))
            || (key >= q + 3 && at_ignore_case(b, key - 3, b"key"))
            || (key >= q + 9 && at_ignore_case(b, key - 9, b"password2"));
        if j < e {
            if secret && written_at(b, j + 1) {
                return true;
            }
        } else {
            pending = secret;
        }
    }
}

/// Whether the words at `after` (after `expect`) are a script given by `-c` that answers a
/// prompt with written text (`expect -c 'spawn passwd app; expect "word:"; send
/// "hunter2\r"'`): `send` followed by text that is neither a variable (`$pw`, `$env(PW)`)
/// nor a bare line end. Expect's `send` types what a prompt reads, a password as often as
/// not, and the check cannot read which prompt it answers.
const fn expect_sends_text(b: &[u8], after: usize) -> bool {
    let (s, e) = next_word(b, after);
    if !(s < e && word_at(b, s, b"-c")) {
        return false;
    }
    let mut k = e;
    while k + 5 < b.len() && b[k] != b'\n' {
        if at_exactly(b, k, b"send")
            && (k == 0 || matches!(b[k - 1], b' ' | b'\t' | b';' | b'\'' | b'"' | b'{'))
            && matches!(b[k + 4], b' ' | b'\t')
        {
            let mut v = skip_blanks(b, k + 4);
            // `send -- "…"`, `send -s "…"`.
            while v + 1 < b.len() && b[v] == b'-' {
                v = next_word(b, v).1;
                v = skip_blanks(b, v);
            }
            if v < b.len() && matches!(b[v], b'"' | b'{' | b'\\') {
                v += 1;
            }
            if v < b.len() && !matches!(b[v], b'$' | b'\\' | b'"' | b'}' | b'\'' | b'\n' | b'[') {
                return true;
            }
        }
        k += 1;
    }
    false
}

/// Whether the words at `after` (after `openssl`) are `passwd` with a written operand: a
/// word that is neither a flag nor the value of `-salt` or `-in`.
const fn openssl_passwd_operands(b: &[u8], after: usize) -> bool {
    let (s, e) = next_word(b, after);
    if !(s < e && word_at(b, s, b"passwd")) {
        return false;
    }
    let mut k = e;
    loop {
        let (s, e) = next_word(b, k);
        if s == e {
            return false;
        }
        if word_at(b, s, b"-stdin") || word_at(b, s, b"-in") {
            // The passwords are read from the input or a file.
            return false;
        }
        if word_at(b, s, b"-salt") {
            k = next_word(b, e).1;
            continue;
        }
        let q = skip_quotes(b, s);
        let redirect = q < e
            && (matches!(b[q], b'<' | b'>')
                || (q + 1 < e && b[q].is_ascii_digit() && matches!(b[q + 1], b'<' | b'>')));
        if redirect {
            // `> FILE`, `2>/dev/null`: a redirection, not an operand.
            let mut j = q;
            while j < e && (b[j].is_ascii_digit() || matches!(b[j], b'<' | b'>' | b'&')) {
                j += 1;
            }
            k = if j == e { next_word(b, e).1 } else { e };
            continue;
        }
        if !is_flag(b, s, e) && written_at(b, s) {
            return true;
        }
        // The `)` of a substitution that holds the command ends its operands
        // (`"$(openssl passwd -6 "$PW")" app`; hostile review 29).
        if closes_group(b, s, e) {
            return false;
        }
        k = e;
    }
}

/// Whether the word `b[s..e]` holds a `)` outside quotes that no `(` of the word opened:
/// the end of a substitution or a group that holds the command, where its words end.
const fn closes_group(b: &[u8], s: usize, e: usize) -> bool {
    let mut j = s;
    let mut quote = 0u8;
    let mut depth = 0usize;
    while j < e {
        let x = b[j];
        if quote != 0 {
            if x == quote {
                quote = 0;
            } else if x == b'\\' && quote == b'"' {
                j += 1;
            }
        } else if x == b'"' || x == b'\'' {
            quote = x;
        } else if x == b'\\' {
            j += 1;
        } else if x == b'(' {
            depth += 1;
        } else if x == b')' {
            if depth == 0 {
                return true;
            }
            depth -= 1;
        }
        j += 1;
    }
    false
}

/// Whether the `printf` at `i` prints a line `NAME=VALUE` from its arguments (a format
/// holding `%s=` or `%s:`, `%b` and `%q` too) with a written argument after the first:
/// the name is an argument (`printf '%s=%s\n' "$K" hunter2`, `printf '%s=%s\n'
/// DB_PASSWORD hunter2`), which the check does not read as a name.
const fn printf_pair_at(b: &[u8], i: usize) -> bool {
    if !(word_at(b, i, b"printf") && command_position(b, i)) {
        return false;
    }
    let mut k = i + 6;
    // `-v NAME` and `--`.
    let (mut fs, mut fe) = next_word(b, k);
    if fe == fs + 2 && at_exactly(b, fs, b"-v") {
        k = next_word(b, fe).1;
        (fs, fe) = next_word(b, k);
    }
    if fe == fs + 2 && at_exactly(b, fs, b"--") {
        (fs, fe) = next_word(b, fe);
    }
    // The format, quoted as one word or not.
    let mut pair = false;
    let mut j = fs;
    while j + 2 < fe {
        if b[j] == b'%' && matches!(b[j + 1], b's' | b'b' | b'q') && matches!(b[j + 2], b'=' | b':')
        {
            pair = true;
        }
        j += 1;
    }
    if !pair {
        return false;
    }
    let mut n = 0;
    k = fe;
    loop {
        let (s, e) = next_word(b, k);
        if s == e {
            return false;
        }
        let q = skip_quotes(b, s);
        if q < e && matches!(b[q], b'<' | b'>') {
            return false;
        }
        if n > 0 && written_at(b, s) {
            return true;
        }
        n += 1;
        k = e;
    }
}

/// Whether the words at `after` hold the word `subcommand` followed by a written value as
/// its `index`-th operand (`mysqladmin -u root password NEW`).
const fn subcommand_operand(b: &[u8], after: usize, subcommand: &[u8], index: usize) -> bool {
    let mut k = after;
    loop {
        let (s, w) = next_word(b, k);
        if s == w {
            return false;
        }
        if word_at(b, s, subcommand) && operand_written(b, w, index, b"") {
            return true;
        }
        k = w;
    }
}

/// Whether the words at `after` are `htpasswd`'s in batch mode (`-b`) with a written
/// password: the third operand, or the second with `-n` (no file).
const fn htpasswd_operands(b: &[u8], after: usize) -> bool {
    // The flags, wherever they are among the operands.
    let mut batch = false;
    let mut no_file = false;
    let mut k = after;
    loop {
        let (s, w) = next_word(b, k);
        if s == w {
            break;
        }
        if cluster_has(b, s, w, b'b') {
            batch = true;
        }
        if cluster_has(b, s, w, b'n') {
            no_file = true;
        }
        k = w;
    }
    let index = if no_file { 1 } else { 2 };
    batch && operand_written(b, after, index, b"Cr")
}

/// Administration tools that take a password as an operand (hostile review 29), at `i` (see
/// [`operand_secret_at`]; `first` as there): `mc alias set ALIAS URL ACCESS_KEY SECRET_KEY`
/// (and the older `mc config host add`, `mc admin user add`), `grafana-cli admin
/// reset-admin-password PASSWORD` (`grafana cli`), `mosquitto_passwd -b FILE USER
/// PASSWORD`, `samba-tool user create NAME PASSWORD` (`user add`).
const fn admin_operand_secret(b: &[u8], i: usize, first: u8) -> Option<&'static str> {
    // The second byte before the calls, for a name that starts plainly (the budget of const
    // evaluation counts calls).
    let second = if first != 0 && i + 1 < b.len() {
        b[i + 1]
    } else {
        0
    };
    let (m, g, sa) = (
        matches!(first, 0 | b'm'),
        matches!(first, 0 | b'g'),
        matches!(first, 0 | b's'),
    );
    let e = if m && matches!(second, 0 | b'c') {
        command_named(b, i, first, b"mc")
    } else {
        0
    };
    if e != 0
        && (pair_operand(b, e, b"alias", b"set", 3)
            || pair_operand(b, e, b"host", b"add", 3)
            || pair_operand(b, e, b"user", b"add", 2))
    {
        return Some("mc alias set");
    }
    let mut e = 0;
    if g && matches!(second, 0 | b'r') {
        e = command_named(b, i, first, b"grafana-cli");
        if e == 0 {
            e = command_named(b, i, first, b"grafana");
        }
    }
    if e != 0 && subcommand_operand(b, e, b"reset-admin-password", 0) {
        return Some("grafana-cli");
    }
    let e = if m && matches!(second, 0 | b'o') {
        command_named(b, i, first, b"mosquitto_passwd")
    } else {
        0
    };
    if e != 0 && mosquitto_passwd_operands(b, e) {
        return Some("mosquitto_passwd");
    }
    let e = if sa && matches!(second, 0 | b'a') {
        command_named(b, i, first, b"samba-tool")
    } else {
        0
    };
    if e != 0
        && (pair_operand(b, e, b"user", b"create", 1) || pair_operand(b, e, b"user", b"add", 1))
    {
        return Some("samba-tool");
    }
    // `doveadm auth test [-a SOCKET] [-x INFO] USER PASSWORD` (doveadm-auth(1); without the
    // password it prompts; hostile review 29, tenth probe).
    let e = if matches!(first, 0 | b'd') && matches!(second, 0 | b'o') {
        command_named(b, i, first, b"doveadm")
    } else {
        0
    };
    if e != 0 && pair_operand_flags(b, e, b"auth", b"test", 1, b"ax") {
        return Some("doveadm auth test");
    }
    None
}

/// Whether the words at `after` hold the words `first` and `second` one after the other,
/// followed by a written value as the `index`-th operand (`mc alias set ALIAS URL KEY
/// SECRET`).
const fn pair_operand(b: &[u8], after: usize, first: &[u8], second: &[u8], index: usize) -> bool {
    pair_operand_flags(b, after, first, second, index, b"")
}

/// [`pair_operand`], where the short flags `valued` take a value.
const fn pair_operand_flags(
    b: &[u8],
    after: usize,
    first: &[u8],
    second: &[u8],
    index: usize,
    valued: &[u8],
) -> bool {
    let mut k = after;
    loop {
        let (s, w) = next_word(b, k);
        if s == w {
            return false;
        }
        if word_at(b, s, first) {
            let (t, x) = next_word(b, w);
            if t < x && word_at(b, t, second) && operand_written(b, x, index, valued) {
                return true;
            }
        }
        k = w;
    }
}

/// Whether the words at `after` are `mosquitto_passwd`'s in batch mode (`-b`) with a
/// written password, its third operand (mosquitto_passwd(1)).
const fn mosquitto_passwd_operands(b: &[u8], after: usize) -> bool {
    let mut k = after;
    loop {
        let (s, w) = next_word(b, k);
        if s == w {
            return false;
        }
        if cluster_has(b, s, w, b'b') {
            return operand_written(b, after, 2, b"HI");
        }
        k = w;
    }
}

/// Whether the words at `after` are `rabbitmqctl`'s `add_user`, `change_password` or
/// `authenticate_user` with a written password, the operand after the user's name.
const fn rabbitmq_operands(b: &[u8], after: usize) -> bool {
    subcommand_operand(b, after, b"add_user", 1)
        || subcommand_operand(b, after, b"change_password", 1)
        || subcommand_operand(b, after, b"authenticate_user", 1)
}

/// The first byte `match_word` compares at `i`, in lower case, after what the shell removes
/// before it (quotes, a backslash, line continuations); 0 at the end of the text.
const fn first_read(b: &[u8], i: usize) -> u8 {
    let mut lead = i;
    loop {
        if lead >= b.len() {
            return 0;
        }
        let c = if b[lead] == b'\\' {
            continuation(b, lead)
        } else {
            0
        };
        if c > 0 {
            lead += c;
        } else if b[lead] == b'"'
            || b[lead] == b'\''
            || (b[lead] == b'$'
                && lead + 1 < b.len()
                && (b[lead + 1] == b'\'' || b[lead + 1] == b'"'))
        {
            lead += 1;
        } else {
            if b[lead] == b'\\' && lead + 1 < b.len() && b[lead + 1] != b'\n' {
                lead += 1;
            }
            return lower!(b[lead]);
        }
    }
}

/// The tool whose command at `i` passes a written password as a flag, if one does. The
/// command is read as the shell reads it: quotes inside words (`my"sql"`), backslashes
/// before ordinary bytes, line continuations, `$IFS` and carriage returns between words.
const fn command_secret_at(b: &[u8], i: usize, later: &mut LaterSetters) -> Option<&'static str> {
    // The first byte of a tool's name, or what the shell removes before it. The only tools
    // starting with `a` are the Azure CLI (`az login`), `argocd` and `ansible-playbook`'s
    // password files, tested first: the budget of const evaluation counts steps, and many
    // words start with `a`.
    if (matches!(b[i], b'a' | b'A')
        && !(b[i] == b'a'
            && i + 2 < b.len()
            && (b[i + 1] == b'z'
                && matches!(b[i + 2], b' ' | b'\t' | b'\\' | b'$' | b'"' | b'\'')
                || (b[i + 1] == b'r' && b[i + 2] == b'g')
                || (b[i + 1] == b'n' && b[i + 2] == b's')
                || matches!(b[i + 1], b'"' | b'\'' | b'\\'))))
        || !command_word_start(b, i)
        || !matches!(
            lower!(b[i]),
            b'a' | b'b'
                | b'c'
                | b'd'
                | b'e'
                | b'g'
                | b'h'
                | b'i'
                | b'j'
                | b'k'
                | b'l'
                | b'm'
                | b'n'
                | b'o'
                | b'p'
                | b'r'
                | b's'
                | b't'
                | b'u'
                | b'v'
                | b'w'
                | b'x'
                | b'z'
                | b'7'
                | b'"'
                | b'\''
                | b'\\'
                | b'$'
        )
    {
        return None;
    }
    // The only tools starting with `n` are net-snmp's, Samba's `net`, `nsupdate`,
    // `nerdctl`, `ncftpput` and `nodetool`.
    if b[i] == b'n'
        && !at_exactly(b, i, b"net-snmp-")
        && !at_exactly(b, i, b"net ")
        && !at_exactly(b, i, b"nsupdate")
        && !at_exactly(b, i, b"nerdctl")
        && !at_exactly(b, i, b"ncftpput")
        && !at_exactly(b, i, b"nodetool")
    {
        return None;
    }
    // The only ones starting with `t`, `g`, `x` or `7` are `twine`, `tsql`, `gcloud` and
    // `grafana-cli`, FreeRDP's, `xh`, `x11vnc` and 7-Zip's: the second byte first, unless the shell removes
    // it (the budget of const evaluation counts steps, and many words start with `t`).
    // (`grep` is no `grafana-cli`: its third byte too.)
    if b[i] == b'g'
        && i + 2 < b.len()
        && b[i + 1] == b'r'
        && !matches!(b[i + 2], b'a' | b'"' | b'\'' | b'\\')
    {
        return None;
    }
    if matches!(b[i], b't' | b'g' | b'x' | b'7')
        && i + 1 < b.len()
        && !(b[i] == b'g' && b[i + 1] == b'r')
        && !matches!(
            (b[i], b[i + 1]),
            (b't', b'w' | b's')
                | (b'g', b'c')
                | (b'x', b'f' | b'h' | b'1')
                | (b'7', b'z')
                | (_, b'"' | b'\'' | b'\\')
        )
    {
        return None;
    }
    if let Some(tool) = operand_secret_at(b, i) {
        return Some(tool);
    }
    if b[i] == b's' && at_exactly(b, i, b"snmp") {
        return snmp_tool_secret_at(b, i + 4);
    }
    if i + 1 < b.len()
        && matches!(
            (b[i], b[i + 1]),
            (b'p', b's' | b'g')
                | (b'c', b'r')
                | (b'l', b'd')
                | (b'i', b'p')
                | (b'h', b't')
                | (b's', b's')
        )
        && prompting_tool_fed_text(b, i)
    {
        return Some("a password prompt");
    }
    if i + 1 < b.len()
        && b[i] == b'm'
        && matches!(b[i + 1], b'y' | b'a')
        && mysql_client_secret(b, i)
    {
        return Some("mysql");
    }
    if i + 1 < b.len()
        && matches!(
            (b[i], b[i + 1]),
            (b'l', b'd')
                | (b'i', b'p')
                | (b'c', b'u')
                | (b's', b'm' | b'k' | b'l')
                | (b'r', b'p')
                | (b'n', b'e')
                | (b'p', b'o')
                | (b'b', b'u')
                | (b'a', b'n')
                | (b'k', b'e')
                | (b'x', b'1')
        )
        && password_file_written(b, i)
    {
        return Some("password file");
    }
    // The first byte `match_word` compares (see `first_read`): a tool of another first
    // letter is not matched at all (the budget of const evaluation counts the steps of
    // `match_word`, and most words are no tool).
    let first = first_read(b, i);
    if first == 0 {
        return None;
    }
    // The same for the second letter of a name that starts plainly (0: any).
    let second = if b[i].is_ascii_alphabetic() && i + 1 < b.len() && b[i + 1].is_ascii_alphabetic()
    {
        lower!(b[i + 1])
    } else {
        0
    };
    // Only the tools of that first letter, by the bits of [`TOOLS_BY_FIRST`], and of that
    // second letter too, by those of [`TOOLS_BY_FIRST_TWO`].
    let mut mask = if first.is_ascii_lowercase() && second.is_ascii_lowercase() {
        TOOLS_BY_FIRST_TWO[(first - b'a') as usize][(second - b'a') as usize]
    } else {
        TOOLS_BY_FIRST[(first & 127) as usize]
    };
    while mask != 0 {
        let t = mask.trailing_zeros() as usize;
        mask &= mask - 1;
        let name = TOOL_NAMES[t];
        if second != 0 && name[1] != second {
            continue;
        }
        let (tool, flags) = TOOLS[t];
        let end = match_phrase(b, i, name);
        if end != 0 {
            let after = skip_quotes(b, end);
            // (`)` after an extended pattern's name: `@(mysql) -p…`; hostile review 29.)
            let separated = after == b.len()
                || blank(b, after) > 0
                || matches!(b[after], b',' | b'<' | b'>')
                || (b[after] == b')'
                    && after + 1 < b.len()
                    && blank(b, after + 1) > 0
                    && i >= 2
                    && b[i - 1] == b'('
                    && matches!(b[i - 2], b'@' | b'!' | b'+' | b'?' | b'*'));
            if (separated && flags_written_by(b, after, flags, false, later))
                || ((separated || matches!(b[after], b'\n' | b';' | b'|' | b'&' | b')'))
                    && xargs_fed_text(b, i, false))
            {
                return Some(tool);
            }
        }
    }
    None
}

// ---------------------------------------------------------------------------------------
// User data the check cannot read: shell that hides what a command is or what text becomes.
// An unreadable command is refused, never passed.
// ---------------------------------------------------------------------------------------

/// Why written text into a file named like a secret is refused.
const SECRET_FILE: &str = "user data may not write text it holds into a file named like a password, secret, token or key, alone or mixed with a fetched value, in the shell (`echo … > /etc/app/db_password`, `echo \"$S …\" > …`, `cat > /run/secrets/token <<EOF`, `tee /etc/app/api_key <<< …`), in PowerShell (`'…' | Out-File …`, `Set-Content`) or in Python (`open(…, \"w\").write(\"…\")`, `print(…, file=f)`): it is readable by anyone who may describe the instance (HIPAA 45 CFR §164.312(a)(2)(iv) and §164.312(d), hipaa-stack rule P1); fetch the value at boot from Secrets Manager, by ARN, into the file, alone (`aws secretsmanager get-secret-value … > /etc/app/db_password`, PowerShell `(Get-SECSecretValue -SecretId ARN).SecretString | Out-File …`, Python `f.write(pw)`)";

/// Why a word split across lines is refused.
const SPLIT_WORD: &str = "user data may not break a word across lines (`my\\` at the end of a line, `sql` on the next): the check cannot read the word the shell joins, nor whether it passes a secret (HIPAA 45 CFR §164.312(a)(2)(iv) and §164.312(d), hipaa-stack rule P1); keep the word on one line, or end the line after a space (` \\`)";
/// Why an operator on a line inside a quote opened lines before is refused
/// ([`operator_misread_across_lines`]; hostile review 25).
const QUOTE_ACROSS_LINES: &str = "user data may not hold `;`, `|` or `&` that the check reads as quoted text on a line the shell starts inside a quote opened more than three lines before (`X=\"a`, four lines, then `echo 'b\" ; echo root:hunter2 | chpasswd # '`): the check reads a line's quotes from three lines back, and cannot tell which commands the shell runs there, nor whether they pass a secret (HIPAA 45 CFR §164.312(a)(2)(iv) and §164.312(d), hipaa-stack rule P1); close the quote within three lines, or write long text or a script with a here-document (`cat > FILE <<'EOF'`)";
/// Why a quoted operator of a text command in cloud-config or a MIME message of parts is
/// refused ([`operator_misread_across_lines`]; hostile review 25).
const QUOTED_OPERATOR_IN_PARTS: &str = "user data in cloud-config or MIME parts may not hold `;`, `|` or `&` inside the quotes of `echo`, `printf`, `sed`, `grep` or `logger` (`sed -i 's|a|b|'`): the check reads the parts' text as no one script, so it cannot tell whether a quote of an entry before left the shell inside a quote there, and runs the operators (HIPAA 45 CFR §164.312(a)(2)(iv) and §164.312(d), hipaa-stack rule P1); use another delimiter (`sed -i 's#a#b#'`), or give the commands as user data that is one shell script (starting with `#!`)";
/// Why a script that redefines a text command is refused ([`text_command_redefined`];
/// hostile review 25).
/// The reason [`user_data_problem`] gives for text the script runs as commands that the check
/// cannot read as script (hostile review 26).
const RUN_TEXT: &str = "user data may not run text it makes as commands: printed (`echo`, `printf`, `yes`, a here-string, `sed`, a `jq` that writes text) into a shell (`| bash`, `| sh`, `| . /dev/stdin`, `| su`), a here-string given to a shell (`bash <<< …`), a process substitution read as a script (`. <(echo …)`), nor a variable or a substitution holding written text expanded into the script of `eval`, of a shell's `-c` or of a here-document given to a shell (`c=$(echo '…'); eval \"$c\"`, `printf -v c …; bash -c \"$c\"`): the check reads the script as written, not the commands that text becomes, and cannot tell whether they pass a secret (HIPAA 45 CFR §164.312(a)(2)(iv) and §164.312(d), hipaa-stack rule P1); write the commands themselves, in the script, in `-c '…'` or in a here-document (`bash <<'EOF'`), and give a shell's script values as arguments or exported variables (`bash -c 'git clone \"$1\"' _ \"$REPO\"`)";
const TEXT_COMMAND_REDEFINED: &str = "user data may not redefine `echo`, `printf`, `sed`, `grep`, `egrep`, `fgrep` or `logger` (a function or an alias of that name, also through `eval` or `BASH_ALIASES`, `enable -n`, `hash -p`, `BASH_CMDS`, or a file of that name that it writes, copies, moves or links), nor turn on `shopt -s expand_aliases`, which lets an alias of any name run anything, nor redefine a command whose output a password reader may be fed (`aws`, `curl`, `wget`, `cat`, `jq`, `head`, `tail`, `tr`, `cut`, `base64`, `sort`, `uniq`, `openssl`, `pwgen`, `uuidgen`, `vault`: a function, an alias, or a file of that name written, or copied, moved, linked or installed from a file of another name), nor run text through `sed`'s `e` command or flag: the check reads what their quotes hold as text, which would then run as commands, and cannot tell whether they pass a secret (HIPAA 45 CFR §164.312(a)(2)(iv) and §164.312(d), hipaa-stack rule P1); give the script's own commands names of their own";
/// Why a word spelled by a brace expansion is refused.
const BRACE_SPELLED: &str = "user data may not spell a command's name or a flag with a brace expansion (`ch{p..p}asswd`, `-{p..p}…`, `--pass{w,}ord=…`, `{x..x}`, `{,}`): the check cannot read the words bash makes of it, nor whether they pass a secret (HIPAA 45 CFR §164.312(a)(2)(iv) and §164.312(d), hipaa-stack rule P1); write the word itself";
/// Why a NUL byte is refused.
/// Whether the word at `i` points the AWS CLI or an SDK at a server other than AWS's own, or
/// takes from it the check of AWS's TLS certificate (hostile review 30: `export
/// AWS_ENDPOINT_URL=http://127.0.0.1:9000`, then `aws secretsmanager get-secret-value`
/// printed what a server the script started answered, and passed for a fetch). Read as the
/// shell reads a word (quotes, backslashes: [`match_word`]), in any case:
/// - `endpoint_url` or `endpoint-url` (`--endpoint-url`, `AWS_ENDPOINT_URL`, its service's
///   forms `AWS_ENDPOINT_URL_S3`, a configuration file's or boto3's `endpoint_url`) with a
///   value that is not `https://HOST…` for a host ending in `.amazonaws.com` or
///   `.amazonaws.com.cn`, with no `@`, `\\`, `$` or backquote in the URL (AWS CLI User Guide,
///   "Service-specific endpoints": the option, the variables and the setting). Not
///   `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`, which turns them off, nor a name given no
///   value (`unset AWS_ENDPOINT_URL`);
/// - `ca_bundle` or `ca-bundle` (`--ca-bundle`, `AWS_CA_BUNDLE`, a configuration file's
///   `ca_bundle`) given any value: a certificate authority the script may make;
/// - `no-verify-ssl` (`--no-verify-ssl`).
///
/// Not in a comment.
const fn aws_endpoint_at(b: &[u8], i: usize) -> bool {
    let c = lower!(b[i]);
    let (mut k, endpoint) = if c == b'e' {
        let k = match_word(b, i, b"endpoint_url", true);
        (
            if k == 0 {
                match_word(b, i, b"endpoint-url", true)
            } else {
                k
            },
            true,
        )
    } else if c == b'c' {
        let k = match_word(b, i, b"ca_bundle", true);
        (
            if k == 0 {
                match_word(b, i, b"ca-bundle", true)
            } else {
                k
            },
            false,
        )
    } else {
        return match_word(b, i, b"no-verify-ssl", true) != 0 && !in_comment(b, i);
    };
    let n = b.len();
    if k == 0 || (endpoint && k < n && lower!(b[k]) == b's' && (k + 1 == n || !name_byte(b[k + 1])))
    {
        return false;
    }
    // The AWS CLI's own names: a word of its own (`endpoint_url`, `--endpoint-url`,
    // `default.ca_bundle`) or after `AWS_`; not another program's (`METRICS_ENDPOINT_URL`,
    // `REQUESTS_CA_BUNDLE`).
    if i > 0
        && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')
        && !(i >= 4 && at_ignore_case(b, i - 4, b"aws_"))
    {
        return false;
    }
    // The rest of a service's variable (`AWS_ENDPOINT_URL_SECRETS_MANAGER`), the quote that
    // closes a key (`"endpoint_url": …`), then `=` or `:`, or the next word.
    while k < n && name_byte(b[k]) {
        k += 1;
    }
    // Another setter's spelling (`AWS_ENDPOINT_URL+=…`, `AWS_ENDPOINT_URL[0]=…`): a value
    // the check does not read.
    if k < n && matches!(b[k], b'+' | b'[') {
        return !in_comment(b, i);
    }
    k = skip_blanks(b, skip_quotes(b, k));
    if k >= n || matches!(b[k], b'\n' | b';' | b'|' | b'&' | b')' | b'#') {
        // No value: only `unset` (`unset AWS_ENDPOINT_URL`); a name given its value by
        // another setter (`read -r AWS_ENDPOINT_URL < f`, then `export`) is not read.
        let mut p = i;
        while p > 0 && !matches!(b[p - 1], b'\n' | b';' | b'|' | b'&') {
            p -= 1;
        }
        return !word_at(b, skip_blanks(b, p), b"unset") && !in_comment(b, i);
    }
    if in_comment(b, i) {
        return false;
    }
    let flag = i > 0 && matches!(b[i - 1], b'-' | b'.');
    // `set`, blanks and perhaps a quote before the name (`configure set  "endpoint_url"`).
    let mut p = i;
    while p > 0 && matches!(b[p - 1], b'"' | b'\'') {
        p -= 1;
    }
    let quoted = p;
    while p > 0 && matches!(b[p - 1], b' ' | b'\t') {
        p -= 1;
    }
    let set = p < quoted
        && p >= 3
        && at_ignore_case(b, p - 3, b"set")
        && (p == 3 || matches!(b[p - 4], b' ' | b'\t'));
    if b[k] == b'=' || b[k] == b':' {
        k = skip_blanks(b, k + 1);
    } else if !flag && !set {
        // The next word is the value only of a flag (`--endpoint-url URL`) or of `aws
        // configure set [PROFILE.]endpoint_url URL`: not of a name (`unset
        // AWS_ENDPOINT_URL AWS_CA_BUNDLE`).
        return false;
    }
    if !endpoint {
        return true;
    }
    k = skip_quotes(b, k);
    if !at_ignore_case(b, k, b"https://") {
        return true;
    }
    let h = k + 8;
    let mut e = h;
    while e < n && (b[e].is_ascii_alphanumeric() || b[e] == b'.' || b[e] == b'-') {
        e += 1;
    }
    // The rest of the URL: no user, no expansion, no backslash a parser may read as `/`.
    let mut r = e;
    while r < n
        && !matches!(
            b[r],
            b' ' | b'\t' | b'\n' | b'\r' | b'"' | b'\'' | b';' | b')'
        )
    {
        if matches!(b[r], b'@' | b'\\' | b'$' | b'`') {
            return true;
        }
        r += 1;
    }
    if e < n
        && !matches!(
            b[e],
            b'/' | b':' | b' ' | b'\t' | b'\n' | b'\r' | b'"' | b'\'' | b';' | b')' | b',' | b'}'
        )
    {
        return true;
    }
    !(ends_with_ignore_case(b, h, e, b".amazonaws.com")
        || ends_with_ignore_case(b, h, e, b".amazonaws.com.cn"))
}

/// Whether the text at `i` writes the AWS CLI's configuration where the check cannot read
/// what it sets (hostile review 30: `printf 'endpoint_%s = …' url > ~/.aws/config`, `aws
/// configure set $K …` with `K=endpoint_url`): a file `.aws/config` (or `.aws/credentials`)
/// written on its line (`>`, `tee`, `cp`, `mv`, `install`, `ln`, `dd`), `AWS_CONFIG_FILE`
/// given a value, or `aws configure set` of a name made at boot. (`aws configure set region
/// …` of a written name is read by [`aws_endpoint_at`].)
const fn aws_configuration_written_at(b: &[u8], i: usize) -> bool {
    let n = b.len();
    if b[i] == b'.' {
        if !(at_exactly(b, i, b".aws/config") || at_exactly(b, i, b".aws/credentials")) {
            return false;
        }
        let mut p = i;
        while p > 0 && b[p - 1] != b'\n' {
            p -= 1;
        }
        let mut x = p;
        while x < i {
            let start = x == p || matches!(b[x - 1], b' ' | b'\t' | b';' | b'|' | b'&');
            if b[x] == b'>'
                || (start
                    && (at_exactly(b, x, b"tee ")
                        || at_exactly(b, x, b"cp ")
                        || at_exactly(b, x, b"mv ")
                        || at_exactly(b, x, b"install ")
                        || at_exactly(b, x, b"ln ")
                        || at_exactly(b, x, b"dd ")))
            {
                return !in_comment(b, i);
            }
            x += 1;
        }
        return false;
    }
    if b[i] == b'_' {
        if !(at_ignore_case(b, i, b"_config_file") && at_ignore_case(b, i - 3, b"aws")) {
            return false;
        }
        // Given a value by any setter (`=`, `read`): but `unset`.
        let mut p = i;
        while p > 0 && !matches!(b[p - 1], b'\n' | b';' | b'|' | b'&') {
            p -= 1;
        }
        return !word_at(b, skip_blanks(b, p), b"unset") && !in_comment(b, i);
    }
    if !at_exactly(b, i, b"configure set") {
        return false;
    }
    let key = skip_quotes(b, skip_blanks(b, i + 13));
    key < n && matches!(b[key], b'$' | b'`') && !in_comment(b, i)
}

/// Whether the flag at `i` gives a Secrets Manager or Systems Manager command its whole input
/// (`--cli-input-json`, `--cli-input-yaml`; AWS CLI User Guide, "Loading parameters from a
/// file"): a `SecretString` or a parameter's `Value` the check cannot read, which the script
/// may then read back as if fetched (hostile review 30).
const fn cli_input_to_store_at(b: &[u8], i: usize) -> bool {
    if !at_exactly(b, i, b"--cli-input-") {
        return false;
    }
    // In a script that names either service anywhere (the flag may be on a continued line,
    // or in an array given to the command).
    (range_holds(b, 0, b.len(), b"secretsmanager") || range_holds(b, 0, b.len(), b"ssm "))
        && !in_comment(b, i)
}

/// Whether `b[s..e]` ends with `tail` (in lower case), in any case.
const fn ends_with_ignore_case(b: &[u8], s: usize, e: usize, tail: &[u8]) -> bool {
    e >= s + tail.len() && at_ignore_case(b, e - tail.len(), tail)
}

/// The refusal of a secret that a program of the script writes and the AWS CLI reads back
/// (hostile review 31): [`secret_written_at`].
const SECRET_READ_BACK: &str = "user data may not write a secret of Secrets Manager with an SDK or another program (`boto3.client('secretsmanager').put_secret_value(…)`, `create_secret`, `PutSecretValueCommand`, `secretsmanager.PutSecretValue`) and read a secret back with the AWS CLI (`aws secretsmanager get-secret-value`): the check cannot read the value the program writes, which may be written in the text and would then pass for a secret fetched at boot (HIPAA 45 CFR §164.312(a)(2)(iv) and §164.312(d), hipaa-stack rule P1); create the secret with the stack (`Secret`, which generates its value), give the instance a role that only reads it, and fetch it at boot by ARN";

/// The refusal of an AWS CLI (or SDK) pointed at a server that is not AWS's own, or whose
/// TLS certificate it does not check (hostile review 30): [`aws_endpoint_at`].
const AWS_ENDPOINT: &str = "user data may point the AWS CLI only at AWS's own endpoints, over TLS it checks: no endpoint but `https://….amazonaws.com` (`--endpoint-url`, `AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_<SERVICE>`, `endpoint_url` in a configuration file or an SDK's call, a value the check cannot read, `$EP`), no other certificate authority (`--ca-bundle`, `AWS_CA_BUNDLE`, `ca_bundle`), no `--no-verify-ssl`, and no configuration the check cannot read (a file `~/.aws/config` the script writes, `AWS_CONFIG_FILE`, `aws configure set $NAME …`): a server of the script's own, on the instance or elsewhere, could answer `aws secretsmanager get-secret-value` with a password written in the text, which would then pass for a fetched one, and data would leave without checked encryption in transit (HIPAA 45 CFR §164.312(a)(2)(iv), §164.312(d) and §164.312(e)(1), hipaa-stack rule P1); use AWS's names of the service or of its VPC endpoint (`https://vpce-….secretsmanager.REGION.vpce.amazonaws.com`), and the certificate authorities the CLI ships with";

const NUL_BYTE: &str = "user data may not hold a NUL byte: bash drops it from the words it reads (`my\\0sql` runs `mysql`, `-\\0p…` is `-p…`), so the check cannot read the words the shell runs, nor whether they pass a secret (HIPAA 45 CFR §164.312(a)(2)(iv) and §164.312(d), hipaa-stack rule P1); remove it";
/// Why escapes that spell characters are refused.
const SPELLED: &str = "user data may not spell printable characters with escapes (`\\x6d`, `\\155`, `\\u006d`, `\\x7c` in `$'…'`, `printf` or `echo`): the check cannot read the text they make, nor whether it is a secret (HIPAA 45 CFR §164.312(a)(2)(iv) and §164.312(d), hipaa-stack rule P1); write the characters themselves";
/// Why a command named at boot is refused when it is given a password flag.
const DYNAMIC_COMMAND: &str = "user data may not run a command named by a variable, a command substitution or a pattern (`$cmd -p…`, `$(…) -u …`, `eval \"$a$b …\"`, `/usr/bin/mysq? -p…`) with a flag that can pass a password: the check cannot read which command it is, nor whether the flag passes a secret (HIPAA 45 CFR §164.312(a)(2)(iv) and §164.312(d), hipaa-stack rule P1); write the command's name";
/// Why literal text that is decoded or transformed is refused.
const TRANSFORMED: &str = "user data may not decode or transform text it holds (`echo … | base64 -d`, `| rev`, `| tr`, `base64 -d <<< …`, a here-document into a decoder): the check cannot read what the text becomes, nor whether it is a secret (HIPAA 45 CFR §164.312(a)(2)(iv) and §164.312(d), hipaa-stack rule P1); write the text itself, or fetch it at boot from Secrets Manager, by ARN";

/// Why a literal assigned to a name of a secret is refused.
const LITERAL_SECRET: &str = "user data may not assign a literal to a password, secret, token or key, nor a fetched value mixed with written text, in the shell, in PowerShell or in Python, or in a settings line it writes (`DB_PASSWORD=\"$S …\"`, `password=$S…` in a here-document, `printf 'password=%s…'`), directly, through another variable given written text (`X=…; DB_PASSWORD=$X`, `$env:DB_PASSWORD = '…'`, `db_password = \"…\"`), through an argument of the script or of a shell function, which the check cannot follow (`f() { DB_PASSWORD=$1; }; f …`), or by replacing a placeholder named like one (`sed -i 's/DB_PASSWORD_HERE/…/'`): it is readable by anyone who may describe the instance (HIPAA 45 CFR §164.312(a)(2)(iv) and §164.312(d), hipaa-stack rule P1); fetch the value at boot from Secrets Manager, by ARN, and give it alone (`DB_PASSWORD=$(aws secretsmanager get-secret-value ..)`, `password=$DB_PASSWORD` as a line of its own, PowerShell `(Get-SECSecretValue -SecretId ARN).SecretString`, Python `get_secret_value(SecretId=ARN)[\"SecretString\"]`)";
/// Why a dynamic reference is refused.
const DYNAMIC_REFERENCE: &str = "user data may not hold a dynamic reference (`{{resolve:…}}`): CloudFormation puts the value into the instance's user data, readable by anyone who may describe it (HIPAA 45 CFR §164.312(a)(2)(iv) and §164.312(d), hipaa-stack rule P1); fetch secrets at boot from Secrets Manager, by ARN";
/// Why a private key is refused.
const PRIVATE_KEY: &str = "user data may not hold a private key: it is readable by anyone who may describe the instance (HIPAA 45 CFR §164.312(a)(2)(iv) and §164.312(d), hipaa-stack rule P1); fetch it at boot from Secrets Manager, by ARN";
/// Why an access key id is refused.
const ACCESS_KEY_ID: &str = "user data may not hold an AWS access key id: it is readable by anyone who may describe the instance (HIPAA 45 CFR §164.312(a)(2)(iv) and §164.312(d), hipaa-stack rule P1); give the instance a role instead";
/// Why a password passed on a command line is refused.
const COMMAND_PASSWORD: &str = "user data may not pass a password to a command as a flag or an argument, nor a password hash, written, mixed with written text, or given as an argument of the script or of a shell function, in the shell or PowerShell (`mysql -p…`, `mysql -p\"$S …\"`, `curl -u user:…`, `sshpass -p …`, `htpasswd -b FILE USER …`, `rabbitmqctl add_user USER …`, `useradd -p HASH`, `openssl passwd …`, `vault login TOKEN`, `rclone config create NAME TYPE pass …`, `expect -c '… send \"…\"'`, `f() { mysql -p\"$1\"; }`), nor a value the check cannot trace to a fetch at boot: the output of another command (`-p\"$(date +…)\"`, `-p\"$(f)\"` for a function that prints text, `$(cat FILE)` of a file the script wrote) or a variable read from the input of a function or a group (`f <<< …` for `f() { read X; mysql -p\"$X\"; }`), nor through a program or a file the tool reads it from (`--password-command 'echo …'`, `GIT_ASKPASS`, `ldapsearch -y FILE` of a file the script writes or copies) or a prompt given written input (`mysql -p <<< …`), nor to a tool copied or linked under another name or run by `find -exec {}`, nor a word that may become such a flag at boot, made of parts the script wrote, of a function's arguments or of what `xargs` is fed (`c=-; c+=p…; mysql \"$c\"`, `\"-$c\"`, `\"${c#x}\"`, `$c` split by `IFS`, `f -p…` for `f() { mysql \"$@\"; }`, `echo -p… | xargs mysql`), nor such a flag in a cluster of short flags (`-vp…`) or after a redirection (`2>&1 -p…`), nor a flag's variable given written text after it in a function, a loop or a trap (`f() { mysql -p\"$X\"; }; X=…; f`), or in a Python list (`[\"mysql\", \"-p\" + X]` after `X = \"…\"`, `[\"sshpass\", \"-p\", \"…\"]`): it is readable by anyone who may describe the instance (HIPAA 45 CFR §164.312(a)(2)(iv) and §164.312(d), hipaa-stack rule P1); fetch the value at boot from Secrets Manager, by ARN, into a variable (`aws …`, `curl`, `vault`, a function that runs one, or a file only they write) and pass it alone (`-p\"$DB_PASSWORD\"`, Python `[\"sshpass\", \"-p\", pw]` after `pw = …get_secret_value(…)[\"SecretString\"]`)";
/// Why a URL with a password is refused.
const URL_PASSWORD: &str = "user data may not hold a URL with a password (`scheme://user:password@host`): it is readable by anyone who may describe the instance (HIPAA 45 CFR §164.312(a)(2)(iv) and §164.312(d), hipaa-stack rule P1); fetch the password at boot from Secrets Manager, by ARN";
/// Why a variable named at boot and given written text is refused.
const DYNAMIC_NAME: &str = "user data may not give written text to a variable whose name is made at boot, nor to a line whose name is (`eval \"$NAME=…\"`, `declare \"$N=…\"`, `DB_${E}=…`, `printf -v \"$N\" …`, `echo \"$K=$V\" >> FILE`, `echo \"$K: …\" >> FILE.yml`, `printf '%s=%s' \"$K\" …`, `export $(printf …)=…`) or through a reference (`declare -n`): the check cannot read whether it names a password, secret, token or key (HIPAA 45 CFR §164.312(a)(2)(iv) and §164.312(d), hipaa-stack rule P1); write the variable's name";

/// Why written text fed to a command that reads a password is refused.
const FED_PASSWORD: &str = "user data may not feed written text, alone or mixed with a fetched value, to a command that reads a password from its input, in the shell (`echo 'admin:…' | chpasswd`, `echo \"$S …\" | docker login --password-stdin`, `passwd`, `smbpasswd`, `kinit`, `realm join`, `sudo -S`, `yes … |`, a here-string or here-document, a file the script wrote from text (`echo … > FILE; chpasswd < FILE`), a file made by `<(echo …)` for a password flag) or in Python (`subprocess.run([\"chpasswd\"], input=\"admin:…\")`, `p.communicate(b\"…\")`): it is readable by anyone who may describe the instance (HIPAA 45 CFR §164.312(a)(2)(iv) and §164.312(d), hipaa-stack rule P1); fetch the value at boot from Secrets Manager, by ARN, into a variable and feed it alone (`echo \"$DB_PASSWORD\" | docker login --password-stdin …`, Python `input=f\"admin:{pw}\"` after `pw = …get_secret_value(…)[\"SecretString\"]`)";

/// Why a credential written as a word of a configuration line is refused.
const CONFIG_CREDENTIAL: &str = "user data may not write a community string, passphrase, password or secret into a configuration line (`rocommunity …`, `com2sec NAME SOURCE …` or `createUser NAME SHA …` for SNMP, `snmp-server community …`, `enable secret …` or `username NAME secret …` for a router, `insecure-password …` or `stats auth USER:…` for HAProxy, `[HOST]:PORT USER:…` in Postfix's `sasl_passwd`): it is readable by anyone who may describe the instance (HIPAA 45 CFR §164.312(a)(2)(iv) and §164.312(d), hipaa-stack rule P1); fetch the value at boot from Secrets Manager, by ARN, into a variable (`rocommunity \"$COMMUNITY\"`)";

/// A byte of a word: not a space, a new line or a shell operator.
const fn word_byte(c: u8) -> bool {
    !matches!(
        c,
        b' ' | b'\t' | b'\n' | b'\r' | b';' | b'|' | b'&' | b'(' | b')' | b'<' | b'>'
    )
}

/// Commands that run the word after them as a command (`eval $cmd`, `sudo $cmd`, `trap '…'`, whose
/// text runs at a signal or at exit: hostile review 26), and the
/// shell's words after which a command comes.
const PREFIXES: [&str; 17] = [
    "eval", "exec", "sudo", "env", "command", "builtin", "nohup", "xargs", "time", "nice", "then",
    "do", "else", "if", "while", "until", "trap",
];

/// Commands that decode or transform the text given to them.
const TRANSFORMS: [&str; 25] = [
    "base64", "base32", "basenc", "xxd", "uudecode", "openssl", "gunzip", "gzip", "zcat",
    "bunzip2", "bzip2", "bzcat", "xz", "unxz", "xzcat", "rev", "tr", "sed", "awk", "gawk", "perl",
    "python", "python3", "cut", "iconv",
];

/// The start of the command that holds `k`: after the last end of a command before it.
const fn command_start(b: &[u8], k: usize) -> usize {
    let mut j = k;
    // A byte test before the call: the budget of const evaluation counts calls, and this
    // walks back over every byte of the command.
    while j > 0 && !(matches!(b[j - 1], b';' | b'|' | b'&' | b'\n') && command_end(b, j - 1)) {
        j -= 1;
    }
    // After the `- ` of a YAML sequence entry at the start of a line (`  - echo …` in
    // cloud-config's `runcmd` or `bootcmd`; hostile review 19).
    if j == 0 || b[j - 1] == b'\n' {
        let mut d = j;
        while d < k && matches!(b[d], b' ' | b'\t') {
            d += 1;
        }
        if d + 1 < k && b[d] == b'-' && matches!(b[d + 1], b' ' | b'\t') {
            return d + 1;
        }
    }
    j
}

/// Whether user data `b` is a PowerShell script for EC2Launch (it starts with
/// `<powershell>`, or `#ps1` for EC2Config), in which `$NAME = …` assigns a variable.
const fn powershell_text(b: &[u8]) -> bool {
    let mut k = 0;
    while k < b.len() && matches!(b[k], b' ' | b'\t' | b'\r' | b'\n') {
        k += 1;
    }
    at_ignore_case(b, k, b"<powershell>") || at_ignore_case(b, k, b"#ps1")
}

/// What [`powershell_item_written_at`] finds: nothing, written text into a file named like
/// a secret, or a written value of an environment variable named like one.
const ITEM_FILE: u8 = 1;
const ITEM_VARIABLE: u8 = 2;

/// Whether `Set-Content`, `Add-Content`, `Out-File` or `Tee-Object` at `i` writes written
/// text into a file named like a secret ([`ITEM_FILE`]), or `Set-Item` or `New-Item` gives
/// an environment variable named like one a written value (`Set-Item -Path Env:DB_PASSWORD
/// -Value '…'`, [`ITEM_VARIABLE`]): its `-Value` (or second operand) written, or a quoted
/// string piped into it (`"hunter2" | Out-File C:\app\db_password.txt`; hostile review
/// 19), or a variable or a here-string that holds written text (hostile review 20).
const fn powershell_item_written_at(b: &[u8], i: usize) -> u8 {
    let n = if at_ignore_case(b, i, b"set-content") || at_ignore_case(b, i, b"add-content") {
        11
    } else if at_ignore_case(b, i, b"out-file")
        || at_ignore_case(b, i, b"set-item")
        || at_ignore_case(b, i, b"new-item")
    {
        8
    } else if at_ignore_case(b, i, b"tee-object") {
        // `Tee-Object -FilePath FILE` (or positional) writes what is piped into it
        // (hostile review 20).
        10
    } else {
        return 0;
    };
    let item = n == 8 && lower!(b[i]) != b'o';
    if !(i + n < b.len() && matches!(b[i + n], b' ' | b'\t')) {
        return 0;
    }
    let (mut path, mut value) = (0, 0);
    let mut positional = 0;
    let mut k = i + n;
    loop {
        let (s, e) = next_word(b, k);
        if s == e || matches!(b[s], b')' | b'}') {
            break;
        }
        k = e;
        if b[s] == b'-' && e > s + 1 && b[s + 1].is_ascii_alphabetic() {
            let (vs, ve) = next_word(b, e);
            if matches!(lower!(b[s + 1]), b'p' | b'f' | b'l') {
                path = vs;
                k = ve;
            } else if matches!(lower!(b[s + 1]), b'v' | b'i' | b'e') {
                // `-Value`, `-InputObject`, and `-Encoding`'s value, read as a value.
                if lower!(b[s + 1]) != b'e' {
                    value = vs;
                }
                k = ve;
            }
            continue;
        }
        if positional == 0 && path == 0 {
            path = s;
        } else if (n == 11 || item) && value == 0 {
            value = s;
        }
        positional += 1;
    }
    if path == 0 {
        return 0;
    }
    let path = skip_quotes(b, path);
    let pe = file_word_end(b, path);
    let mut pe2 = pe;
    while pe2 > path && matches!(b[pe2 - 1], b'"' | b'\'') {
        pe2 -= 1;
    }
    let found = if item {
        // `Env:NAME` or `Env:\NAME` (about_Environment_Provider).
        let mut ns = path + 4;
        if ns < pe2 && b[ns] == b'\\' {
            ns += 1;
        }
        if !(at_ignore_case(b, path, b"env:") && ns < pe2 && secret_name_ends(b, ns, pe2)) {
            return 0;
        }
        ITEM_VARIABLE
    } else {
        if !secret_file(b, path, pe2) {
            return 0;
        }
        ITEM_FILE
    };
    if (value != 0 && windows_written_at(b, value)) || piped_quote_before(b, i) {
        return found;
    }
    0
}

/// Whether the PowerShell command at `i` is piped a quoted string without a variable
/// (`'hunter2' | ConvertTo-SecureString …`, `$s = "hunter2" | Out-File …`).
const fn piped_quote_before(b: &[u8], i: usize) -> bool {
    let start = command_start(b, i);
    if !(start > 0 && b[start - 1] == b'|' && !(start > 1 && b[start - 2] == b'|')) {
        return false;
    }
    let mut prev = skip_blanks(b, command_start(b, start - 1));
    // In a script block (`{ 'hunter2' | Out-File … }`, a function's body): after its `{`
    // (hostile review 20).
    let mut o = start - 1;
    while o > prev {
        o -= 1;
        if b[o] == b'{' {
            prev = skip_blanks(b, o + 1);
            break;
        }
    }
    // Past an assignment of the pipeline's result (`$s = …`).
    if prev < b.len() && b[prev] == b'$' {
        let v = skip_blanks(b, next_word(b, prev).1);
        if v + 1 < b.len() && b[v] == b'=' {
            prev = skip_blanks(b, v + 1);
        }
    }
    // A quoted string, a here-string, or a variable last given written text (`$p |
    // Out-File …` after `$p = @'…'@`), or one of them given to `Write-Output` (its aliases
    // `write`, `echo`; hostile review 20).
    let printed = prev < b.len()
        && (word_at(b, prev, b"write")
            || word_at(b, prev, b"echo")
            || (at_ignore_case(b, prev, b"write-output") && blank(b, prev + 12) > 0));
    if printed {
        prev = skip_blanks(b, next_word(b, prev).1);
    }
    // (A printed bare word is written text too: `echo hunter2 | Tee-Object …`.)
    prev < b.len()
        && (printed || matches!(b[prev], b'"' | b'\'' | b'@' | b'$'))
        && windows_written_at(b, prev)
}

/// The word `word` at `i`, exactly, ending the word there (followed by a space, the end of
/// the text or of the command).
const fn word_at(b: &[u8], i: usize, word: &[u8]) -> bool {
    let e = match_word(b, i, word, false);
    e != 0 && (e == b.len() || blank(b, e) > 0 || command_end(b, e) || b[e] == b')')
}

/// Whether a command may start at `i`: at the start of a line or after a shell operator,
/// or after a word that runs the next one as a command (`eval`, `sudo`, `then`).
const fn command_position(b: &[u8], i: usize) -> bool {
    // A quote that opens the text of a command: `sh -c "echo …"`, `eval 'echo …'`, and
    // the remote command of `ssh HOST "echo …"` (hostile review 24).
    if i > 0 && matches!(b[i - 1], b'"' | b'\'') {
        return command_position(b, i - 1)
            || (i > 1 && blank_before(b, i - 1) && word_at(b, command_word(b, i - 1), b"ssh"))
            || script_quote(b, i - 1);
    }
    if i > 0 && word_byte(b[i - 1]) && !blank_before(b, i) {
        return false;
    }
    // `j` is where the spaces before `i` start; the byte before them decides.
    let mut j = i;
    while j > 0 && matches!(b[j - 1], b' ' | b'\t') {
        j -= 1;
    }
    if j == 0 {
        return true;
    }
    if matches!(b[j - 1], b';' | b'|' | b'&' | b'(' | b'`' | b'{' | b'!') {
        return true;
    }
    // An entry of a YAML sequence (`  - echo …` in cloud-config's `runcmd` or `bootcmd`,
    // which cloud-init runs as a command), and the text after `-c,` in a flow sequence
    // (`[ sh, -c, "echo …" ]`; hostile review 19).
    if b[j - 1] == b'-' && j < i {
        let mut d = j - 1;
        while d > 0 && matches!(b[d - 1], b' ' | b'\t') {
            d -= 1;
        }
        if d == 0 || b[d - 1] == b'\n' {
            return true;
        }
    }
    if b[j - 1] == b',' && j >= 3 && at_exactly(b, j - 3, b"-c") {
        return true;
    }
    if b[j - 1] == b'\n' {
        return !continued_newline(b, j - 1);
    }
    // The word before: a prefix such as `eval` or `sudo`.
    let end = j;
    let mut s = end;
    while s > 0 && word_byte(b[s - 1]) {
        s -= 1;
    }
    // `sh -c "…"`, `bash -c '…'`: the quoted text is a command.
    if end - s == 2 && at_exactly(b, s, b"-c") {
        return true;
    }
    let mut p = 0;
    while p < PREFIXES.len() {
        let word = PREFIXES[p].as_bytes();
        if end - s == word.len() && at_exactly(b, s, word) {
            return true;
        }
        p += 1;
    }
    false
}

/// Whether the quote at `q` opens text that may become a script, read as one from its first
/// byte (hostile review 26): a variable's value (`C='echo …'`, `C+="…"`, `C=$'…'`), which
/// `eval "$C"`, `bash -c "$C"` or a file may run, or an argument of `echo` or `printf` whose
/// output is no text ([`text_command_at`]: it goes to a file, a pipe, a variable or a shell:
/// `echo 'chpasswd <<< …' >> /etc/rc.local`, `printf -v C '…'`).
const fn script_quote(b: &[u8], q: usize) -> bool {
    let mut p = q;
    if p > 0 && b[p - 1] == b'$' {
        p -= 1;
    }
    if p > 1
        && b[p - 1] == b'='
        && (b[p - 2].is_ascii_alphanumeric() || matches!(b[p - 2], b'_' | b'+' | b']'))
    {
        return true;
    }
    if !(p > 0 && matches!(b[p - 1], b' ' | b'\t')) || (b[0] == b'<' && ec2launch_text(b)) {
        return false;
    }
    // `echo` or `printf` before it on its line, read without a call (the budget of const
    // evaluation counts calls).
    let mut j = p;
    let mut named = false;
    while !named && j >= 4 && b[j - 1] != b'\n' {
        j -= 1;
        named = (b[j] == b'o' && b[j - 1] == b'h' && b[j - 2] == b'c' && b[j - 3] == b'e')
            || (b[j] == b'f' && b[j - 1] == b't' && b[j - 2] == b'n' && b[j - 3] == b'i');
    }
    if !named {
        return false;
    }
    // What `echo` or `printf` prints in a command substitution is a value (`C=$(echo
    // '…')`): back past the words before the quote to `$(` or a backquote.
    let mut w = p;
    while w > 0 && !matches!(b[w - 1], b'\n' | b';' | b'|' | b'&') {
        w -= 1;
        if b[w] == b'`' || (b[w] == b'(' && w > 0 && b[w - 1] == b'$') {
            let x = skip_blanks(b, w + 1);
            if word_at(b, x, b"echo") || word_at(b, x, b"printf") {
                return true;
            }
        }
    }
    let c = command_word(b, q);
    if !(c < q && (word_at(b, c, b"echo") || word_at(b, c, b"printf"))) {
        return false;
    }
    let mut e = q;
    while e < b.len() && (b[e] != b'\n' || lf_continued(b, e)) {
        e += 1;
    }
    !text_command_at(b, c, e)
}

/// Whether the line continuation at `k` joins two parts of one word.
const fn splits_word(b: &[u8], k: usize) -> bool {
    let n = continuation(b, k);
    n > 0 && k > 0 && word_byte(b[k - 1]) && k + n < b.len() && word_byte(b[k + n])
}

/// The character the escape at `k` (a `\`) spells, when it spells one with a number
/// (`\x6d`, `\155`, `\0155`, `\u006d`).
const fn escape_value(b: &[u8], k: usize) -> Option<u32> {
    if k + 1 >= b.len() {
        return None;
    }
    let (radix, mut j, most) = match b[k + 1] {
        b'x' => (16, k + 2, 2),
        b'u' => (16, k + 2, 4),
        b'U' => (16, k + 2, 8),
        b'0' if k + 4 < b.len()
            && matches!(b[k + 2], b'0'..=b'7')
            && matches!(b[k + 3], b'0'..=b'7')
            && matches!(b[k + 4], b'0'..=b'7') =>
        {
            (8, k + 2, 3)
        }
        b'0'..=b'7' => (8, k + 1, 3),
        _ => return None,
    };
    let start = j;
    let mut value: u32 = 0;
    while j < b.len() && j - start < most {
        let digit = match b[j] {
            c @ b'0'..=b'9' => (c - b'0') as u32,
            c @ b'a'..=b'f' => (c - b'a' + 10) as u32,
            c @ b'A'..=b'F' => (c - b'A' + 10) as u32,
            _ => break,
        };
        if digit >= radix {
            break;
        }
        value = value * radix + digit;
        j += 1;
    }
    if j == start { None } else { Some(value) }
}

/// Whether the escape at `k` spells a printable character (a letter, a digit, a dash, an
/// operator, a quote) where the shell makes text of it: in `$'…'`, or in a command of
/// `printf` or `echo`.
const fn spells(b: &[u8], k: usize) -> bool {
    if b[k] != b'\\' || !escaping(b, k) {
        return false;
    }
    let spelled = match escape_value(b, k) {
        Some(v) => {
            // Any printable character, operators and quotes too (`\x7c` is `|`: hostile
            // review 26).
            v >= 0x20 && v < 0x7f
        }
        None => false,
    };
    if !spelled {
        return false;
    }
    let mut j = command_start(b, k);
    while j < k {
        if at_exactly(b, j, b"$'") || at_exactly(b, j, b"printf") || at_exactly(b, j, b"echo") {
            return true;
        }
        j += 1;
    }
    false
}

/// Whether the `$` or backquote at `i` makes part of a command's name at boot (`$cmd`,
/// `${cmd}`, `$(…)`, `` `…` ``, `my${x}sql`, `/usr/bin/$tool`) and that command is given a
/// flag that can pass a password, with a written value. `$'…'` and `$"…"` quote literals,
/// and a `$` after the `=` of an assignment is its value, not a command.
const fn dynamic_command_at(b: &[u8], i: usize) -> bool {
    if !(b[i] == b'$' || b[i] == b'`') || skip_quotes(b, i) != i {
        return false;
    }
    // The start of the word that holds `i`.
    let mut ws = i;
    while ws > 0 && word_byte(b[ws - 1]) && !blank_before(b, ws) {
        if b[ws - 1] == b'=' || b[ws - 1] == b'`' || at_exactly(b, ws - 1, b"$(") {
            return false;
        }
        ws -= 1;
    }
    if !command_position(b, ws) {
        return false;
    }
    // A PowerShell assignment (`$pw = ConvertTo-SecureString …`) runs no command named by
    // the variable (hostile review 19); the shell would run one (`$a = -p…`).
    if b[i] == b'$' && powershell_text(b) {
        let v = skip_blanks(b, next_word(b, i).1);
        if v + 1 < b.len() && b[v] == b'=' && matches!(b[v + 1], b' ' | b'\t') {
            return false;
        }
    }
    any_tool_given_password(b, i)
}

/// Whether the command whose name holds `i` is given a flag that passes a written password
/// to any tool of [`TOOLS`], or the operands that `htpasswd` or `rabbitmqctl` take one as:
/// what [`dynamic_command_at`] and [`pattern_command_at`] ask of a command they cannot name.
const fn any_tool_given_password(b: &[u8], i: usize) -> bool {
    let mut t = 0;
    while t < TOOL_COUNT {
        if FIRST_OF_ITS_FLAGS[t] && flags_written(b, i + 1, TOOLS[t].1) {
            return true;
        }
        t += 1;
    }
    // The operands of the tools that take a password as one, after the word at `i`.
    let (_, end) = next_word(b, i);
    htpasswd_operands(b, end) || rabbitmq_operands(b, end)
}

/// Whether the pattern word `b[ws..we]` ([`pattern_word`], its last part from `ps`) is one
/// the shell expands at boot whose last part matches the name of a password reader that reads whatever its flags (`chpasswd` …
/// `kinit` of [`READER_NAMES`], and `sudo`) and not every name that long
/// ([`matches_only`]; hostile review 27), run as a command (`echo … | /usr/sbin/chpass?d`,
/// `[[:lower:]]hpasswd`, `chpas@(s)wd`) or copied, moved, linked or installed under another
/// name (`ln -s /usr/sbin/chpass?d /x/setpw`): the check cannot follow it. A copy into a
/// directory keeps its names (`cp -a /etc/*passwd /root/backup/` passes), as does a
/// pattern of every name (`*`, `*.conf`).
const fn pattern_reader_at(b: &[u8], ws: usize, ps: usize, we: usize) -> bool {
    // Run as a command, or an operand of `cp`, `mv`, `ln` or `install`.
    let command = command_position(b, ws);
    let c = command_word(b, ws);
    if !command
        && !(c < ws
            && (word_at(b, c, b"cp")
                || word_at(b, c, b"mv")
                || word_at(b, c, b"ln")
                || word_at(b, c, b"install")))
    {
        return false;
    }
    let mut r = 0;
    let mut named = false;
    while !named && r < 10 {
        named = if r < 9 {
            matches_only(b, ps, we, READER_NAMES[r].as_bytes())
        } else {
            matches_only(b, ps, we, b"sudo")
        };
        r += 1;
    }
    if !named {
        return false;
    }
    if command {
        return true;
    }
    // Not into a directory (`cp -a /etc/*passwd /root/backup/`, which keeps its names).
    let mut j = we;
    while j < b.len() && !(matches!(b[j], b';' | b'|' | b'&' | b'\n') && command_end(b, j)) {
        j += 1;
    }
    while j > we && matches!(b[j - 1], b' ' | b'\t' | b'"' | b'\'') {
        j -= 1;
    }
    !(j > we && b[j - 1] == b'/')
}

/// The word that holds the pattern byte at `i` (its start, the start of its last part,
/// after a `/`, and its end), or an empty range when it is a test's `[` or `[[`, or a
/// `case` pattern (a `)` it does not open).
const fn pattern_word(b: &[u8], i: usize) -> (usize, usize, usize) {
    let n = b.len();
    let mut ws = i;
    while ws > 0
        && (word_byte(b[ws - 1]) || matches!(b[ws - 1], b'(' | b')' | b'|' | b'@' | b'!' | b'+'))
        && !matches!(b[ws - 1], b' ' | b'\t' | b'\n' | b';' | b'&')
    {
        if b[ws - 1] == b'(' && !(ws >= 2 && matches!(b[ws - 2], b'@' | b'?' | b'*' | b'+' | b'!'))
        {
            break;
        }
        ws -= 1;
    }
    let mut we = i + 1;
    let mut depth = 0;
    while we < n
        && !matches!(
            b[we],
            b' ' | b'\t' | b'\n' | b'\r' | b';' | b'&' | b'<' | b'>'
        )
    {
        if b[we] == b'(' {
            depth += 1;
        } else if b[we] == b')' {
            if depth == 0 {
                return (0, 0, 0);
            }
            depth -= 1;
        } else if b[we] == b'|' && depth == 0 {
            break;
        }
        we += 1;
    }
    if b[i] == b'[' && i == ws && (i + 1 == n || matches!(b[i + 1], b' ' | b'\t' | b'[')) {
        return (0, 0, 0);
    }
    // Not an expansion's (`${a[0]}`), an assignment's (`a[0]=1`), a section's (`[Unit]`).
    let mut j = ws;
    while j < we {
        if matches!(b[j], b'$' | b'{' | b'}' | b'=')
            || (b[j] == b']' && j + 1 == we && b[ws] == b'[')
        {
            return (0, 0, 0);
        }
        j += 1;
    }
    let mut ps = we;
    while ps > ws && b[ps - 1] != b'/' {
        ps -= 1;
    }
    (ws, ps, we)
}

/// Whether the pattern `b[ps..we]` matches `name` and not every name that long (a probe
/// of `z`s: `????????`, `*` name anything and are no reader's in particular).
const fn matches_only(b: &[u8], ps: usize, we: usize, name: &[u8]) -> bool {
    if !glob_match(b, ps, we, name, 0, 3) {
        return false;
    }
    // As long as the longest name of a reader or a tool (`net-snmp-create-v3-user`).
    let mut any = [b'z'; 32];
    let (probe, _) = any.split_at_mut(name.len());
    !glob_match(b, ps, we, probe, 0, 3)
}

/// Whether the shell pattern `b[p..pe]` matches `name` from `t` (`?`, `*`, `[…]` with `!`
/// or `^` and ranges; a backslash or quote makes nothing special, read as the pattern's
/// own bytes). Past `stars` more `*`, it matches (read as a pattern that may name
/// anything).
const fn glob_match(b: &[u8], p: usize, pe: usize, name: &[u8], t: usize, stars: u8) -> bool {
    if p >= pe {
        return t == name.len();
    }
    // An extended pattern (`@(…)`, `?(…)`, `*(…)`, `+(…)`, `!(…)`, with `shopt -s
    // extglob`) may match anything: read as `*`.
    if matches!(b[p], b'@' | b'?' | b'*' | b'+' | b'!') && p + 1 < pe && b[p + 1] == b'(' {
        let mut q = p + 2;
        let mut depth = 1;
        while q < pe && depth > 0 {
            if b[q] == b'(' {
                depth += 1;
            } else if b[q] == b')' {
                depth -= 1;
            }
            q += 1;
        }
        if stars == 0 {
            return true;
        }
        let mut k = t;
        loop {
            if glob_match(b, q, pe, name, k, stars - 1) {
                return true;
            }
            if k == name.len() {
                return false;
            }
            k += 1;
        }
    }
    match b[p] {
        b'*' => {
            if stars == 0 {
                return true;
            }
            let mut k = t;
            loop {
                if glob_match(b, p + 1, pe, name, k, stars - 1) {
                    return true;
                }
                if k == name.len() {
                    return false;
                }
                k += 1;
            }
        }
        b'?' => t < name.len() && glob_match(b, p + 1, pe, name, t + 1, stars),
        b'"' | b'\'' | b'\\' => glob_match(b, p + 1, pe, name, t, stars),
        b'[' => {
            // The class, to its `]` (a `]` first is one of its bytes); a class inside
            // (`[:alpha:]`), an equivalence class or a collating symbol is read as any byte.
            let mut c = p + 1;
            let negated = c < pe && matches!(b[c], b'!' | b'^');
            if negated {
                c += 1;
            }
            let first = c;
            let mut close = c;
            let mut any = false;
            while close < pe && !(b[close] == b']' && close > first) {
                if b[close] == b'[' && close + 1 < pe && matches!(b[close + 1], b':' | b'=' | b'.')
                {
                    any = true;
                    let mut m = close + 2;
                    while m + 1 < pe && !(b[m + 1] == b']' && matches!(b[m], b':' | b'=' | b'.')) {
                        m += 1;
                    }
                    close = m + 2;
                    continue;
                }
                close += 1;
            }
            if close >= pe {
                // No class: a `[` of its own.
                return t < name.len()
                    && name[t] == b'['
                    && glob_match(b, p + 1, pe, name, t + 1, stars);
            }
            if t >= name.len() {
                return false;
            }
            let x = name[t];
            let mut hit = any;
            let mut k = first;
            while k < close {
                if k + 2 < close && b[k + 1] == b'-' {
                    hit = hit || (b[k] <= x && x <= b[k + 2]);
                    k += 3;
                } else {
                    hit = hit || b[k] == x;
                    k += 1;
                }
            }
            (hit != negated || any) && glob_match(b, close + 1, pe, name, t + 1, stars)
        }
        x => t < name.len() && name[t] == x && glob_match(b, p + 1, pe, name, t + 1, stars),
    }
}

/// Whether the pattern byte at `i` (`?`, `*`, `[`, an extended pattern's `@(`), in the
/// word `b[ws..we]` ([`pattern_word`], its last part from `ps`), makes a command's name a
/// pattern that the shell expands at boot, whose last part matches the
/// name of a tool of [`TOOLS`] and not every name that long ([`matches_only`]:
/// `/usr/bin/mysq? -phunter2`, `?ysql`, `/usr/bin/"mys"*`, `mysq@(l)`; hostile review 27),
/// and that command is given a flag that can pass a password, with a written value
/// ([`any_tool_given_password`]). Not a `case` pattern (`mysql*)`), an assignment
/// (`a[0]=1`), `[`/`[[` themselves, nor `/opt/app-*/bin/server -p 8080`.
const fn pattern_command_at(b: &[u8], i: usize, ws: usize, ps: usize, we: usize) -> bool {
    if !command_position(b, ws) {
        return false;
    }
    // Not an assignment, nor a name made at boot (read as such by the other checks).
    let mut j = ws;
    while j < we {
        if matches!(b[j], b'=' | b'$' | b'`') {
            return false;
        }
        j += 1;
    }
    let mut t = 0;
    while t < TOOL_COUNT {
        if matches_only(b, ps, we, TOOL_NAMES[t]) {
            return any_tool_given_password(b, i);
        }
        t += 1;
    }
    false
}

/// Whether `i` starts a setting that names a program a tool runs for its password
/// (hostile review 29), given one the check cannot trace to a fetch: `--password-command`
/// and `--passcommand` (restic, rclone), `…_PASSWORD_COMMAND=` and `…_PASSCOMMAND=`
/// (`RESTIC_PASSWORD_COMMAND`, `BORG_PASSCOMMAND`), whose text must run a fetch
/// ([`fetching_command`]: `'aws secretsmanager get-secret-value …'`, not `'echo …'`); and
/// `…_ASKPASS=` (`GIT_ASKPASS`, `SSH_ASKPASS`, `SUDO_ASKPASS`), whose program may not be a
/// file the script writes or a name made at boot ([`file_only_fetched`]).
const fn password_command_at(b: &[u8], i: usize) -> bool {
    let (command, len) = if at_exactly(b, i, b"--password-command") {
        (true, 18)
    } else if at_exactly(b, i, b"--passcommand") {
        (true, 13)
    } else if at_exactly(b, i, b"_PASSWORD_COMMAND=") {
        (true, 17)
    } else if at_exactly(b, i, b"_PASSCOMMAND=") {
        (true, 12)
    } else if at_exactly(b, i, b"_ASKPASS=") {
        (false, 8)
    } else {
        return false;
    };
    let mut v = i + len;
    if v < b.len() && b[v] == b'=' {
        v += 1;
    } else if command && v < b.len() && matches!(b[v], b' ' | b'\t') {
        v = skip_blanks(b, v);
    } else {
        return false;
    }
    let q = skip_quotes(b, v);
    if q >= b.len() || matches!(b[q], b'\n' | b';' | b'&' | b'|') {
        return false;
    }
    if command {
        return !fetching_command(b, q);
    }
    let (_, e) = next_word(b, q);
    let mut e = e;
    while e > q && matches!(b[e - 1], b'"' | b'\'') {
        e -= 1;
    }
    e > q && (b[q] == b'$' || b[q] == b'`' || !file_only_fetched(b, q, e, i))
}

/// Whether the `cp`, `ln`, `mv` or `install` at `i` copies a password tool of [`TOOLS`] or a
/// reader of [`READER_NAMES`] under another name, which the check then cannot follow (`ln
/// -sf "$(command -v mysql)" ./db; ./db -p…`; hostile review 29): an operand naming the
/// tool as a word of its own (`/usr/bin/mysql`, `$(command -v mysql)`) and a destination
/// whose last part is not that name. A copy into a directory (its last part ending with
/// `/`, or `-t DIR`) keeps the name. Its words are walked by `copy_operands!`.
const fn tool_renamed_at(b: &[u8], i: usize) -> bool {
    if !(word_at(b, i, b"cp")
        || word_at(b, i, b"ln")
        || word_at(b, i, b"mv")
        || word_at(b, i, b"install"))
        || first_word_from(b, command_start(b, i)) != i
    {
        return false;
    }
    let mut tool: &[u8] = b"";
    let last = copy_operands!(
        b,
        next_word(b, i).1,
        |(s, e)| {
            if e == s + 2 && b[s + 1] == b't' {
                // `-t DIR`: every operand goes into the directory.
                return false;
            }
        },
        |(s, e)| {
            if tool.is_empty() {
                tool = tool_named_in(b, s, e);
            }
        }
    );
    if tool.is_empty() {
        return false;
    }
    let (ds, mut de) = last;
    while de > ds && matches!(b[de - 1], b'"' | b'\'') {
        de -= 1;
    }
    if de == ds || b[de - 1] == b'/' {
        return false;
    }
    let mut p = de;
    while p > ds && b[p - 1] != b'/' {
        p -= 1;
    }
    while p < de && matches!(b[p], b'"' | b'\'') {
        p += 1;
    }
    !(de - p == tool.len() && at_exactly(b, p, tool))
}

/// The name of a tool of [`TOOLS`] or a reader of [`READER_NAMES`] that the word `b[s..e]`
/// holds as a word of its own (at its start, after a blank, a quote or `(`, or after a
/// `bin/` directory: not `/etc/passwd`), before a byte that ends a name; or an empty name.
const fn tool_named_in(b: &[u8], s: usize, e: usize) -> &'static [u8] {
    let mut p = s;
    while p < e {
        if (p == s
            || matches!(b[p - 1], b' ' | b'\t' | b'"' | b'\'' | b'(')
            || (b[p - 1] == b'/' && p >= 4 && at_exactly(b, p - 4, b"bin/")))
            && b[p].is_ascii_alphabetic()
        {
            let mut mask = TOOLS_BY_FIRST[lower!(b[p]) as usize];
            while mask != 0 {
                let t = mask.trailing_zeros() as usize;
                mask &= mask - 1;
                let name = TOOL_NAMES[t];
                if word_named(b, p, e, name) {
                    return name;
                }
            }
            let mut r = 0;
            while r < READER_NAMES.len() {
                let name = READER_NAMES[r].as_bytes();
                if name[0] == b[p] && word_named(b, p, e, name) {
                    return name;
                }
                r += 1;
            }
        }
        p += 1;
    }
    b""
}

/// Whether `b[p..]` is `name` then (before `e`) a byte that ends a name, or `e`.
const fn word_named(b: &[u8], p: usize, e: usize, name: &[u8]) -> bool {
    let end = p + name.len();
    end <= e
        && at_exactly(b, p, name)
        && (end == e || !(name_byte(b[end]) || matches!(b[end], b'-' | b'.')))
}

/// The brace expansion that the `{` at `i` may open, read up to the first `}`, blank or
/// operator after it, for both [`brace_spells_at`] and [`brace_command_at`] (a macro: the
/// budget of const evaluation counts calls): `(closed, j, empty, plain)`, where `closed`
/// says a `,` or `..` comes before a `}` at `j` (a brace expansion, in one word), `empty`
/// that it holds nothing else (of a closed one: only `,`, as `{,}` and `{,,}`), and `plain`
/// that all of it is letters, digits, `,`, `.`, `-` and `_` (tested by byte ranges, which
/// make no call).
macro_rules! brace_scan {
    ($b:expr, $i:expr) => {{
        let (b, i): (&[u8], usize) = ($b, $i);
        let n = b.len();
        let mut j = i + 1;
        let mut list = false;
        let mut plain = true;
        let mut empty = true;
        while j < n && !matches!(b[j], b'}' | b' ' | b'\t' | b'\n' | b';' | b'|' | b'&') {
            let x = b[j];
            if x == b',' || (x == b'.' && j + 1 < n && b[j + 1] == b'.') {
                list = true;
            } else {
                empty = false;
            }
            plain = plain
                && matches!(x, b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b',' | b'.' | b'-' | b'_');
            j += 1;
        }
        (list && j < n && b[j] == b'}', j, empty, plain)
    }};
}

/// Whether the `{` at `i` opens a brace expansion that spells a word bash makes at boot
/// (hostile review 29): a sequence of one value (`{p..p}`) or a list of empty words (`{,}`),
/// anywhere; any brace expansion in a flag's name (`-{p..p}…`, `--pass{w,}ord=…`, not
/// `--exclude={a,b}`), or in a command's name of letters (`ch{p..p}asswd`, `{,mysql}`; not a
/// path's `/opt/{a,b}/x`, nor JSON's `{"a":1,"b":2}`). Its braces are read by `brace_scan!`.
const fn brace_spells_at(b: &[u8], i: usize) -> bool {
    let (closed, j, empty, plain) = brace_scan!(b, i);
    if !closed {
        return false;
    }
    // `{,}`, `{,,}`, and `{X..X}`.
    if empty || (j == i + 5 && b[i + 2] == b'.' && b[i + 3] == b'.' && b[i + 1] == b[i + 4]) {
        return true;
    }
    // The word that holds it.
    let mut ws = i;
    while ws > 0
        && !matches!(
            b[ws - 1],
            b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'(' | b')' | b'`'
        )
    {
        ws -= 1;
    }
    let q = skip_quotes(b, ws);
    if q < i && b[q] == b'-' {
        // A flag's name: the brace before any `=`.
        let mut k = q;
        while k < i && b[k] != b'=' {
            k += 1;
        }
        return k == i;
    }
    plain && command_position(b, ws)
}

/// Whether the `{` at `i` opens a brace expansion (a `,` or `..` before its `}`, in one
/// word, as `brace_scan!` reads it) in the name of a command, which bash expands at boot
/// into names the check does not read (`{,mysql} -phunter2`, `mysq{l,} …`, `mysql{,} …` run
/// `mysql`; hostile review 29), given a flag that can pass a password with a written value
/// ([`any_tool_given_password`]).
const fn brace_command_at(b: &[u8], i: usize) -> bool {
    let (closed, ..) = brace_scan!(b, i);
    if !closed {
        return false;
    }
    let mut ws = i;
    while ws > 0
        && !matches!(
            b[ws - 1],
            b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'(' | b')' | b'`'
        )
    {
        ws -= 1;
    }
    command_position(b, ws) && any_tool_given_password(b, i)
}

/// The first word of the stage of a pipeline that starts at `k` (after spaces and `sudo`)
/// is a command that transforms text.
const fn transform_at(b: &[u8], k: usize) -> bool {
    let mut k = skip_blanks(b, k);
    if word_at(b, k, b"sudo") {
        k = skip_blanks(b, k + 4);
    }
    let mut t = 0;
    while t < TRANSFORMS.len() {
        if word_at(b, k, TRANSFORMS[t].as_bytes()) {
            return true;
        }
        t += 1;
    }
    false
}

/// Commands that read a password from their input whatever their flags: `chpasswd` and
/// `chgpasswd` (`user:password` lines), `passwd` (which reads the new password twice from
/// an input that is not a terminal, `--stdin` or not), `smbpasswd`, `vncpasswd`, `kinit`,
/// and `realm join`; `saslpasswd2` (saslpasswd2(8): `-p` reads it from its input),
/// `grub-mkpasswd-pbkdf2` (GRUB manual, "Invoking grub-mkpasswd-pbkdf2": reads it twice),
/// `pure-pw useradd`/`passwd` (pure-pw(8): prompts twice, from its input without a
/// terminal), `zfs load-key` (zfs-load-key(8): `keylocation=prompt` reads it from its
/// input), `ipa user-add` and `ipa passwd` (ipa(1): `--password` reads it from its input;
/// hostile review 29, tenth probe).
const PASSWORD_READERS: [&str; 14] = [
    "chpasswd",
    "chgpasswd",
    "passwd",
    "smbpasswd",
    "vncpasswd",
    "kinit",
    "realm join",
    "saslpasswd2",
    "grub-mkpasswd-pbkdf2",
    "pure-pw useradd",
    "pure-pw passwd",
    "zfs load-key",
    "ipa user-add",
    "ipa passwd",
];

/// Whether the stage of a pipeline at `k` reads a password from its input: a command of
/// [`PASSWORD_READERS`] (after `sudo` too), `sudo -S`, `htpasswd -i`, `mkpasswd -s`,
/// `openssl passwd -stdin`, or any command given `--password-stdin` or `--stdin-password`
/// (`docker login`, `podman login`, `helm registry login`, `adcli join`, …).
const fn password_reader_at(b: &[u8], k: usize) -> bool {
    let k = skip_blanks(b, k);
    // A command named by a variable or a substitution (`| $p`, `| sudo "$(…)"`) may be any
    // of them: the check cannot read which (hostile review 26).
    let c = skip_quotes(b, after_sudo(b, k));
    if c < b.len() && (b[c] == b'$' || b[c] == b'`') {
        return true;
    }
    // So may a command whose name is a pattern (`/usr/sbin/chpass?d`, `chpas*d`).
    let mut g = c;
    while g < b.len()
        && !matches!(
            b[g],
            b' ' | b'\t' | b'\n' | b';' | b'|' | b'&' | b'<' | b'>'
        )
    {
        if matches!(b[g], b'?' | b'*' | b'[') {
            return true;
        }
        g += 1;
    }
    // (The tool's first two bytes before the call: the budget of const evaluation counts
    // calls.)
    if c + 1 < b.len()
        && matches!(
            (b[c], b[c + 1]),
            (b'l', b'd')
                | (b'i', b'p')
                | (b's', b's' | b'm' | b'l')
                | (b'c', b'u')
                | (b'r', b'p')
                | (b'n', b'e')
                | (b'm', b'y' | b'a')
                | (b's', b'k')
                | (b'p', b'o')
                | (b'b', b'u')
                | (b'a', b'n')
                | (b'k', b'e')
                | (b'x', b'1')
        )
        && password_file_reads_input(b, c)
    {
        return true;
    }
    let sudo = word_at(b, k, b"sudo");
    let htpasswd = word_at(b, k, b"htpasswd");
    let mkpasswd = word_at(b, k, b"mkpasswd");
    let openssl = word_at(b, k, b"openssl");
    let mut j = k;
    while j < b.len() && !command_end(b, j) {
        // After a path to it (`/usr/sbin/chpasswd`; hostile review 26).
        if b[j] == b'/' && j + 1 < b.len() && !blank_before(b, j + 1) {
            let mut w = j;
            while w > k && !matches!(b[w - 1], b' ' | b'\t') {
                w -= 1;
            }
            if w == k || (sudo && w == after_sudo(b, k)) {
                let mut r = 0;
                while r < PASSWORD_READERS.len() {
                    if word_at(b, j + 1, PASSWORD_READERS[r].as_bytes()) {
                        return true;
                    }
                    r += 1;
                }
            }
        }
        // (Only at the start of the stage or after `sudo`, before the loop: the budget of
        // const evaluation counts its steps.)
        if j == k || (sudo && blank_before(b, j)) {
            let mut r = 0;
            while r < PASSWORD_READERS.len() {
                // A reader's name at the start of the stage, or after `sudo` and its flags.
                // (Its name may end the quoted text of `sh -c '… | chpasswd'`.)
                let reader = PASSWORD_READERS[r].as_bytes();
                if b[j] == reader[0]
                    && (word_at(b, j, reader)
                        || (at_exactly(b, j, reader)
                            && j + reader.len() < b.len()
                            && matches!(b[j + reader.len()], b'"' | b'\'')))
                {
                    return true;
                }
                r += 1;
            }
        }
        if blank_before(b, j)
            && (word_at(b, j, b"--password-stdin")
                || word_at(b, j, b"--stdin-password")
                || word_at(b, j, b"--passwd-on-stdin")
                || (sudo && word_at(b, j, b"-S"))
                || (sudo && word_at(b, j, b"--stdin"))
                || (htpasswd && b[j] == b'-' && cluster_has(b, j, next_word(b, j).1, b'i'))
                || (mkpasswd && (word_at(b, j, b"--stdin") || word_at(b, j, b"-s")))
                || (openssl && word_at(b, j, b"-stdin")))
        {
            return true;
        }
        j += 1;
    }
    false
}

/// Whether the here-document that starts at `i` (`<<`) holds a variable or a command
/// substitution in its lines, up to the line of its delimiter: a value fetched at boot
/// rather than written. A quoted delimiter (`<<'EOF'`) expands nothing.
const fn here_document_expands(b: &[u8], i: usize) -> bool {
    // The delimiter: after `<<` or `<<-`, optional blanks and quotes.
    let mut d = i + 2;
    if d < b.len() && b[d] == b'-' {
        d += 1;
    }
    d = skip_blanks(b, d);
    let quoted = d < b.len() && matches!(b[d], b'"' | b'\'' | b'\\');
    d = skip_quotes(b, d);
    let mut e = d;
    while e < b.len() && (b[e].is_ascii_alphanumeric() || b[e] == b'_') {
        e += 1;
    }
    if quoted {
        return false;
    }
    // The lines of the document, from the next line to the delimiter's.
    let mut k = i;
    while k < b.len() && b[k] != b'\n' {
        k += 1;
    }
    while k < b.len() {
        // `k` is a new line: the next line starts after it.
        let line = k + 1;
        let mut t = line;
        while t < b.len() && b[t] == b'\t' {
            t += 1;
        }
        if e > d
            && t + (e - d) <= b.len()
            && names_equal(b, t, d, e - d)
            && (t + (e - d) == b.len() || matches!(b[t + (e - d)], b'\n' | b'\r'))
        {
            return false;
        }
        k = line;
        while k < b.len() && b[k] != b'\n' {
            if b[k] == b'$' || b[k] == b'`' {
                return true;
            }
            k += 1;
        }
    }
    false
}

/// Whether text written in the script is fed at `i` to a command that reads a password
/// from its input: `echo`/`printf` of text without a variable piped into it
/// (`echo 'admin:hunter2' | chpasswd`, `echo hunter2 | docker login --password-stdin`), a
/// here-string of written text (`chpasswd <<< 'admin:hunter2'`) or a here-document
/// without a variable given to it.
const fn password_fed_at(b: &[u8], i: usize) -> bool {
    written_into(b, i, true)
}

/// Whether text written in the script is decoded or transformed at `i`: `echo`/`printf`
/// of text without a variable piped into a transform, a here-string of written text
/// (`<<< …`) or a here-document given to one.
const fn transformed_at(b: &[u8], i: usize) -> bool {
    written_into(b, i, false)
}

/// Whether text written in the script reaches, at `i`, a stage that transforms it
/// (`password` false, [`transform_at`]) or that reads a password from it (`password` true,
/// [`password_reader_at`]).
const fn written_into(b: &[u8], i: usize, password: bool) -> bool {
    if (word_at(b, i, b"echo") || word_at(b, i, b"printf") || (password && word_at(b, i, b"yes")))
        && command_position(b, i)
    {
        // The written text, up to the first `|` of the pipeline. A fetched value is not
        // written unless a word mixes it with written text (`echo "$S hunter2" | docker
        // login --password-stdin`; hostile review 23).
        let mut k = i;
        let mut fetched = false;
        while k < b.len() && !(matches!(b[k], b';' | b'|' | b'&' | b'\n') && command_end(b, k)) {
            if b[k] == b'$' || b[k] == b'`' {
                fetched = true;
            }
            k += 1;
        }
        if fetched && !password {
            return false;
        }
        // (The words are read only before a password reader: the budget of const
        // evaluation counts steps.)
        return later_stage_reads(b, k, password) && (!fetched || printed_words_mix_text(b, i, k));
    }
    // `cat FILE | …` of a file the script wrote from its text (`echo … > FILE`, `… | tee
    // FILE`; hostile review 26), as `chpasswd < FILE` is.
    if word_at(b, i, b"cat") && command_position(b, i) {
        let mut k = i + 3;
        let mut found = false;
        while k < b.len() && !(matches!(b[k], b';' | b'|' | b'&' | b'\n') && command_end(b, k)) {
            let (s, e) = next_word(b, k);
            if s == e || matches!(b[s], b'<' | b'>') {
                break;
            }
            k = e;
            let q = skip_quotes(b, s);
            let mut f = e;
            while f > q && matches!(b[f - 1], b'"' | b'\'') {
                f -= 1;
            }
            if f > q && !matches!(b[q], b'$' | b'-') && file_written_from_text(b, q, f, i) {
                found = true;
            }
        }
        while found
            && k < b.len()
            && !(matches!(b[k], b';' | b'|' | b'&' | b'\n') && command_end(b, k))
        {
            k += 1;
        }
        return found && later_stage_reads(b, k, password);
    }
    if at_exactly(b, i, b"<<") && (i == 0 || b[i - 1] != b'<') {
        let here_string = at_exactly(b, i, b"<<<");
        if here_string {
            let v = skip_quotes(b, skip_blanks(b, i + 3));
            if v >= b.len() || (!password && (b[v] == b'$' || b[v] == b'`')) {
                return false;
            }
            // A password reader reads all of the string: a variable anywhere in it
            // (`<<< "admin:$PW"`) is fetched at boot, unless the word mixes it with
            // written text (`<<< "$S hunter2"`; hostile review 23), read only for a
            // password reader (the budget of const evaluation counts steps).
            let mut w = v;
            while password
                && w < b.len()
                && !(matches!(b[w], b';' | b'|' | b'&' | b'\n') && command_end(b, w))
            {
                if b[w] == b'$' || b[w] == b'`' {
                    let h = skip_blanks(b, i + 3);
                    return (password_reader_at(b, stage_start(b, i))
                        || later_stage_reads(b, w, true))
                        && word_mixes_text(b, h, shell_word_end(b, h));
                }
                w += 1;
            }
        }
        // The stage's command, and the stages after it, to which it may print what it
        // reads (`cat <<< 'root:…' | chpasswd`, `cat <<'EOF' | chpasswd`; hostile review
        // 26).
        let s = stage_start(b, i);
        let mut k = i;
        while k < b.len() && !(matches!(b[k], b';' | b'|' | b'&' | b'\n') && command_end(b, k)) {
            k += 1;
        }
        if password {
            return (password_reader_at(b, s) || later_stage_reads(b, k, true))
                && (here_string || !here_document_expands(b, i));
        }
        return transform_at(b, s) || later_stage_reads(b, k, false);
    }
    false
}

/// Where the stage of a pipeline that holds `i` starts: after the last end of a command
/// before it ([`command_end`]), or after a quote that opens the text of a command there
/// (`bash -c 'chpasswd <<< …'`, `ssh HOST 'chpasswd <<< …'`: [`command_position`]; hostile
/// review 26) or after the `$(` of a command substitution.
const fn stage_start(b: &[u8], i: usize) -> usize {
    let mut s = i;
    while s > 0 && !(matches!(b[s - 1], b';' | b'|' | b'&' | b'\n') && command_end(b, s - 1)) {
        s -= 1;
    }
    let mut start = s;
    let mut j = s;
    while j < i {
        if matches!(b[j], b'"' | b'\'') && command_position(b, j + 1) {
            start = j + 1;
        } else if b[j] == b'$' && j + 1 < i && b[j + 1] == b'(' {
            // A command substitution's commands (`X="$(cat <<EOF`).
            start = j + 2;
        }
        j += 1;
    }
    start
}

/// Whether a later stage of the pipeline whose stage ends at `k` (a `|`, never `||`)
/// transforms text (`password` false: [`transform_at`], [`xargs_splices_at`]) or reads a
/// password from its input (`password` true: [`password_reader_at`]).
const fn later_stage_reads(b: &[u8], mut k: usize, password: bool) -> bool {
    while k < b.len() && b[k] == b'|' && !(k + 1 < b.len() && b[k + 1] == b'|') {
        if (!password && (transform_at(b, k + 1) || xargs_splices_at(b, k + 1)))
            || (password && password_reader_at(b, k + 1))
        {
            return true;
        }
        k += 1;
        while k < b.len() && !(matches!(b[k], b';' | b'|' | b'&' | b'\n') && command_end(b, k)) {
            k += 1;
        }
    }
    false
}

/// Whether the assignment whose `=` is at `i` stores a password flag with its written
/// value for a later command (`OPTS=-phunter2`, `ARGS="-u admin --password=hunter2"`,
/// `args=(-phunter2)`): the flag written attached or with `=`, as any tool of [`TOOLS`]
/// takes it.
const fn assigned_flag_at(b: &[u8], i: usize) -> bool {
    if !(b[i] == b'=' && i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')) {
        return false;
    }
    let mut v = i + 1;
    let close = if v < b.len() && matches!(b[v], b'"' | b'\'' | b'(') {
        v += 1;
        Some(if b[v - 1] == b'(' { b')' } else { b[v - 1] })
    } else {
        None
    };
    let mut k = v;
    while k < b.len() && !command_end(b, k) {
        match close {
            Some(c) if b[k] == c => return false,
            None if k > v && blank(b, k) > 0 => return false,
            _ => {}
        }
        // Every flag of `TOOLS` begins with `-` (a test holds it): a word that does not is
        // no flag, and each list of flags is read once.
        if (k == v || blank_before(b, k)) && first_read(b, k) == b'-' {
            let mut t = 0;
            while t < TOOL_COUNT {
                if !FIRST_OF_ITS_FLAGS[t] {
                    t += 1;
                    continue;
                }
                let flags = TOOLS[t].1;
                let mut f = 0;
                while f < flags.len() {
                    let flag = &flags[f];
                    let name = flag.name.as_bytes();
                    let e = if plain_mismatch!(b, k, name) {
                        0
                    } else {
                        match_word(b, k, name, false)
                    };
                    if e != 0 {
                        let q = skip_quotes(b, e);
                        let value = if q < b.len() && b[q] == b'=' {
                            Some(q + 1)
                        } else if flag.attached
                            && q < b.len()
                            && blank(b, q) == 0
                            && !command_end(b, q)
                            && (close.is_none() || b[q] != b'"')
                        {
                            Some(e)
                        } else {
                            None
                        };
                        if let Some(value) = value
                            && flag_value_written(b, value, flag.takes)
                        {
                            return true;
                        }
                    }
                    f += 1;
                }
                t += 1;
            }
        }
        k += 1;
    }
    false
}

/// Builtins whose operands are assignments (`export NAME=value`, `declare -x NAME=value`).
const DECLARERS: [&str; 5] = ["export", "declare", "typeset", "local", "readonly"];

/// The declarer of [`DECLARERS`] whose operand starts at `ws`, after its flags (`declare -x
/// -g NAME=…`), if one is: the index of its name.
const fn declarer_before(b: &[u8], ws: usize) -> Option<usize> {
    let mut j = ws;
    loop {
        // Back over the blanks, then the word before them.
        let mut e = j;
        while e > 0 && matches!(b[e - 1], b' ' | b'\t') {
            e -= 1;
        }
        if e == j || e == 0 {
            return None;
        }
        let mut s = e;
        while s > 0 && word_byte(b[s - 1]) {
            s -= 1;
        }
        if s == e {
            return None;
        }
        if b[s] == b'-' {
            j = s;
            continue;
        }
        let mut d = 0;
        while d < DECLARERS.len() {
            let word = DECLARERS[d].as_bytes();
            if e - s == word.len() && at_exactly(b, s, word) {
                return Some(s);
            }
            d += 1;
        }
        return None;
    }
}

/// Whether a flag cluster between the declarer at `d` and the operand at `ws` holds `n`
/// (`declare -n REF=NAME`, `local -rn …`): the operand makes a reference to a variable.
const fn declares_reference(b: &[u8], d: usize, ws: usize) -> bool {
    let mut k = d;
    while k < ws {
        let (s, e) = next_word(b, k);
        if s >= ws || s == e {
            return false;
        }
        if cluster_has(b, s, e, b'n') {
            return true;
        }
        k = e;
    }
    false
}

/// Whether the name that ends at `e` (its first byte at or after `s`) ends in a word of
/// [`SECRET_WORDS`], or of [`SECRET_ABBREVIATIONS`] at the start of a word.
const fn secret_name_ends(b: &[u8], s: usize, e: usize) -> bool {
    let mut w = 0;
    while w < SECRET_WORDS.len() {
        let word = SECRET_WORDS[w].as_bytes();
        if e >= s + word.len() && at_ignore_case(b, e - word.len(), word) {
            return true;
        }
        w += 1;
    }
    let mut w = 0;
    while w < SECRET_ABBREVIATIONS.len() {
        let word = SECRET_ABBREVIATIONS[w].as_bytes();
        if e >= s + word.len()
            && at_ignore_case(b, e - word.len(), word)
            && word_start(b, e - word.len())
        {
            return true;
        }
        w += 1;
    }
    false
}

/// Whether the `=` at `i` gives written text to a variable whose name the check cannot
/// read, or makes a reference to a secret's variable: an assignment (at the start of a
/// command, after `eval`, `env` or a declarer such as `export`) whose name holds a
/// variable, a command substitution, quotes or a backslash (`eval "$N=hunter2"`,
/// `DB_${E}=hunter2`, `export DB_"PASS"WORD=hunter2`), or `declare -n REF=DB_PASSWORD`.
const fn dynamic_name_at(b: &[u8], i: usize) -> bool {
    if b[i] != b'=' || i == 0 {
        return false;
    }
    // The start of the word.
    let mut ws = i;
    while ws > 0 && word_byte(b[ws - 1]) && !blank_before(b, ws) {
        ws -= 1;
    }
    let ns = skip_quotes(b, ws);
    if ns >= i {
        return false;
    }
    let mut hidden = false;
    let mut j = ns;
    while j < i {
        match b[j] {
            b'$' | b'`' | b'"' | b'\'' | b'\\' => hidden = true,
            c if c.is_ascii_alphanumeric() || matches!(c, b'_' | b'{' | b'}') => {}
            _ => return false,
        }
        j += 1;
    }
    let declarer = declarer_before(b, ws);
    if !(command_position(b, ws) || declarer.is_some()) {
        return false;
    }
    if let Some(d) = declarer
        && !hidden
        && declares_reference(b, d, ws)
    {
        // The reference's target, after the `=`.
        let t = skip_quotes(b, i + 1);
        let mut e = t;
        while e < b.len() && (b[e].is_ascii_alphanumeric() || b[e] == b'_') {
            e += 1;
        }
        return e > t && secret_name_ends(b, t, e);
    }
    if !hidden {
        return false;
    }
    // The value: written, not a variable or a command (nor one escaped for `eval`).
    let v = skip_quotes(b, i + 1);
    if v + 1 < b.len() && b[v] == b'\\' && matches!(b[v + 1], b'$' | b'`') {
        return false;
    }
    written_at(b, i + 1)
}

/// Whether the word at `s..e` names a variable the check cannot read: it holds a variable,
/// a command substitution, or quotes or a backslash inside it.
const fn hidden_name(b: &[u8], s: usize, e: usize) -> bool {
    let ns = skip_quotes(b, s);
    let mut j = ns;
    while j < e {
        if matches!(b[j], b'$' | b'`' | b'\\') {
            return true;
        }
        if matches!(b[j], b'"' | b'\'') {
            // A closing quote at the end of the word quotes it whole.
            let rest = skip_quotes(b, j);
            if rest < e {
                return true;
            }
        }
        j += 1;
    }
    false
}

/// Whether the `=` at `i` follows a name made at boot in a line of text rather than an
/// assignment (`echo "$K=$V" >> /etc/app.env`, `f() { echo "$1=$2"; }`, `echo
/// "${K}=…"`, `export $(printf 'DB_%s' PASSWORD)=…`) and is given written text, a variable
/// last given written text or an argument: the check cannot read whether the line names a
/// password, secret, token or key. `==`, `${K:=…}` and `${K=…}` are not such lines.
const fn key_made_at_boot_at(b: &[u8], i: usize) -> bool {
    if b[i] != b'=' || i == 0 || (i + 1 < b.len() && b[i + 1] == b'=') {
        return false;
    }
    if !expansion_ends_at(b, i, true) {
        return false;
    }
    // A value escaped for `eval` (`\$(fetch)`) is fetched when `eval` runs.
    let v = skip_quotes(b, i + 1);
    if v + 1 < b.len() && b[v] == b'\\' && matches!(b[v + 1], b'$' | b'`') {
        return false;
    }
    written_at(b, i + 1)
}

/// Files whose lines are `key: value` (YAML) or read as settings, by the ends of their
/// names: a line written into one names a setting.
const SETTINGS_FILES: [&str; 8] = [
    ".yml", ".yaml", ".conf", ".cfg", ".ini", ".env", ".toml", ".cnf",
];

/// Whether the `:` at `i` follows a key made at boot in a line of YAML that `echo` or
/// `printf` writes into a settings file ([`SETTINGS_FILES`]) with written text after it
/// (`echo "$K: hunter2" >> /etc/app/config.yml`): the check cannot read whether the key
/// names a password, secret, token or key. A command substitution before the `:` (`echo
/// "$(date): started" >> …`) is a log line's time, not a key.
const fn yaml_key_made_at_boot_at(b: &[u8], i: usize) -> bool {
    if !(b[i] == b':' && i + 1 < b.len() && matches!(b[i + 1], b' ' | b'\t')) {
        return false;
    }
    if !expansion_ends_at(b, i, false) {
        return false;
    }
    let v = skip_blanks(b, i + 1);
    if !written_at(b, v) {
        return false;
    }
    let c = skip_blanks(b, command_start(b, i));
    if !(word_at(b, c, b"echo") || word_at(b, c, b"printf")) {
        return false;
    }
    // The file the line goes to: after `>`, `>>` or `| tee [-a]`, up to the command's end.
    let mut k = i;
    while k < b.len() && b[k] != b'\n' && b[k] != b';' && b[k] != b'&' {
        let into = b[k] == b'>' || (b[k] == b'|' && word_at(b, skip_blanks(b, k + 1), b"tee"));
        if into {
            let mut t = k + 1;
            while t < b.len() && matches!(b[t], b'>' | b' ' | b'\t' | b'|') {
                t += 1;
            }
            if word_at(b, t, b"tee") {
                t = skip_blanks(b, t + 3);
                if word_at(b, t, b"-a") {
                    t = skip_blanks(b, t + 2);
                }
            }
            let (s, e) = next_word(b, t);
            let mut f = 0;
            while f < SETTINGS_FILES.len() {
                let ext = SETTINGS_FILES[f].as_bytes();
                let mut p = s;
                while p + ext.len() <= e {
                    if at_ignore_case(b, p, ext) {
                        return true;
                    }
                    p += 1;
                }
                f += 1;
            }
        }
        k += 1;
    }
    false
}

/// Whether a shell expansion (`$K`, `${K}`, or with `substitution` a command substitution
/// `$(…)`) ends at `i`, perhaps before quotes: the name of a line made at boot.
const fn expansion_ends_at(b: &[u8], i: usize, substitution: bool) -> bool {
    if i == 0 {
        return false;
    }
    let mut j = i;
    while j > 0 && matches!(b[j - 1], b'"' | b'\'') {
        j -= 1;
    }
    if j == 0 {
        return false;
    }
    // The `$` that starts the expansion before the `=`.
    let start = match b[j - 1] {
        b'}' => {
            let mut s = j - 1;
            loop {
                if s == 0 || b[s - 1] == b'\n' {
                    return false;
                }
                s -= 1;
                if b[s] == b'{' {
                    break;
                }
            }
            s
        }
        b')' if substitution => {
            let mut s = j - 1;
            let mut depth = 0;
            loop {
                if b[s] == b')' {
                    depth += 1;
                } else if b[s] == b'(' {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                if s == 0 || b[s] == b'\n' {
                    return false;
                }
                s -= 1;
            }
            if s > 0 && b[s - 1] == b'(' {
                // `$((…))`: arithmetic, not a name.
                return false;
            }
            s
        }
        c if c.is_ascii_alphanumeric() || c == b'_' => {
            let mut s = j - 1;
            while s > 0 && (b[s - 1].is_ascii_alphanumeric() || b[s - 1] == b'_') {
                s -= 1;
            }
            s
        }
        _ => return false,
    };
    !(start == 0 || b[start - 1] != b'$' || (start >= 2 && escaping(b, start - 2)))
}

/// Whether `printf -v NAME …` or `read … NAME <<< …` at `i` gives written text to a
/// variable whose name the check cannot read (`printf -v "$N" hunter2`,
/// `read -r "$N" <<< hunter2`).
const fn dynamic_name_by_command_at(b: &[u8], i: usize) -> bool {
    if !(at_exactly(b, i, b"printf") || at_exactly(b, i, b"read")) || !command_position(b, i) {
        return false;
    }
    if word_at(b, i, b"printf") {
        let (fs, fe) = next_word(b, i + 6);
        if !(fe == fs + 2 && at_exactly(b, fs, b"-v")) {
            return false;
        }
        let (ns, ne) = next_word(b, fe);
        if ns == ne || !hidden_name(b, ns, ne) {
            return false;
        }
        // The value, after a format (`'%s'`) if one is given.
        let (mut vs, mut ve) = next_word(b, ne);
        let q = skip_quotes(b, vs);
        if q < ve && b[q] == b'%' {
            (vs, ve) = next_word(b, ve);
        }
        return vs < ve && written_at(b, vs);
    }
    if word_at(b, i, b"read") {
        let mut k = i + 4;
        let mut hidden = false;
        loop {
            let (s, e) = next_word(b, k);
            if s == e {
                return false;
            }
            if at_exactly(b, s, b"<<<") {
                let v = skip_blanks(b, s + 3);
                return hidden && v < b.len() && written_at(b, v);
            }
            if !is_flag(b, s, e) && hidden_name(b, s, e) {
                hidden = true;
            }
            k = e;
        }
    }
    false
}

/// Why the shell of user data `text` cannot be read, if it cannot: a word split by a line
/// continuation, escapes that spell letters, a command named at boot given a password
/// flag, or written text that is decoded or transformed. Works in const context.
/// The reason [`user_data_problem`] gives for a password reader fed in a way the check cannot
/// read (hostile review 26).
const READER_SHAPE: &str = "user data may feed a command that reads a password from its input (`chpasswd`, `chgpasswd`, `passwd`, `smbpasswd`, `vncpasswd`, `kinit`, `realm join`, `sudo -S`, `--password-stdin`, `--stdin-password`, `htpasswd -i`, `mkpasswd -s`, `openssl passwd -stdin`) only as the first word of its command, its name written plainly, from `echo`, `printf`, `cat`, `aws` or `jq` piped straight into it, or from a here-string, a here-document or a file the script does not write given to it; and what it is fed may only expand variables fetched at boot by a command substitution (`PW=$(aws secretsmanager get-secret-value …)`) or read from one, by every setter of the variable, those after the use too (a function, a loop or a trap runs it later): the check cannot read what a group, a function, a wrapper, a file descriptor, a process substitution, a variable it cannot trace or any other command feeds it (HIPAA 45 CFR §164.312(a)(2)(iv) and §164.312(d), hipaa-stack rule P1); write `echo \"admin:$PW\" | chpasswd` after `PW=$(aws secretsmanager get-secret-value … --output text)`";

/// Names of commands that read a password from their input or a file: `chpasswd`,
/// `chgpasswd`, `smbpasswd`, `vncpasswd`, `newusers` (lines `name:password:…`), `sshpass`
/// (`-d FD`, `-f FILE`, `-e` from `SSHPASS`), `ldappasswd`, `passwd`, `kinit` (not with a
/// keytab), `realm join`, `htpasswd -i`, `mkpasswd -s`, `openssl … -stdin` and `sudo -S` or
/// `-A`, `vault login`, `docker secret create`, `pdbedit -t`, `cryptsetup -d -`, `glab …
/// --stdin` and `rabbitmqctl add_user NAME` (hostile review 26: the first seven always, the
/// others with the words that make them read one; see [`reader_named_at`]).
const READER_NAMES: [&str; 19] = [
    "chpasswd",
    "chgpasswd",
    "smbpasswd",
    "vncpasswd",
    "newusers",
    "sshpass",
    "ldappasswd",
    "passwd",
    "kinit",
    "realm",
    "htpasswd",
    "mkpasswd",
    "openssl",
    "vault",
    "docker",
    "pdbedit",
    "cryptsetup",
    "glab",
    "rabbitmqctl",
];

/// Flags that make a command read a password from its input, a file descriptor or a file:
/// `--password-stdin` (`docker login` and its like), `--stdin-password` (`adcli`),
/// `--password-from-stdin` (`pdbedit`), `--with-token` (`gh auth login`), `--passphrase-fd`
/// and `--passphrase-file` (`gpg`), `--password-file` (`kinit`), `--key-file` (`cryptsetup`),
/// `--passwd-on-stdin` (`openconnect`; openconnect(8); hostile review 29, tenth probe), and
/// `--stdin` for `passwd`, `sudo` and `mkpasswd` (last: see [`reader_word_at`]).
const READER_FLAGS: [&str; 10] = [
    "--password-stdin",
    "--stdin-password",
    "--password-from-stdin",
    "--with-token",
    "--passphrase-fd",
    "--passphrase-file",
    "--password-file",
    "--key-file",
    "--passwd-on-stdin",
    "--stdin",
];

/// Whether the word at `i` is a word of its own: a byte that is no part of a name (nor of a
/// path, nor `-`) before it and after `e`.
const fn whole_word(b: &[u8], i: usize, e: usize) -> bool {
    (i == 0 || !(name_byte(b[i - 1]) || b[i - 1] == b'-'))
        && (e >= b.len() || !(name_byte(b[e]) || matches!(b[e], b'-' | b'.')))
}

/// Whether the byte at `i` is inside a comment: after a `#` that starts a word outside
/// quotes on its line.
const fn in_comment(b: &[u8], i: usize) -> bool {
    let mut s = i;
    while s > 0 && b[s - 1] != b'\n' {
        s -= 1;
    }
    let mut j = s;
    let mut quote = 0u8;
    while j < i {
        let x = b[j];
        if quote != 0 {
            if x == quote {
                quote = 0;
            } else if x == b'\\' && quote == b'"' {
                j += 1;
            }
        } else if x == b'\\' {
            j += 1;
        } else if x == b'"' || x == b'\'' {
            quote = x;
        } else if x == b'#' && (j == s || matches!(b[j - 1], b' ' | b'\t' | b';')) {
            return true;
        }
        j += 1;
    }
    false
}

/// Whether the words of the command from `e` (to its end) hold a flag cluster with
/// `letter` (`-kS`, `-ic`) or the long flag `long` (`--stdin`).
const fn command_has_flag(b: &[u8], e: usize, letter: u8, long: &[u8]) -> bool {
    let mut k = e;
    let mut words = 0;
    while words < 16 {
        let (s, t) = next_word(b, k);
        if s == t {
            return false;
        }
        let q = skip_quotes(b, s);
        if q + 1 < t && b[q] == b'-' && b[q + 1] != b'-' && cluster_has(b, q, t, letter) {
            return true;
        }
        if !long.is_empty() && at_exactly(b, q, long) {
            return true;
        }
        k = t;
        words += 1;
    }
    false
}

/// Whether a tool at `i` that prompts for a password reads it from its input, given text
/// the script wrote (hostile review 29): with no terminal at boot, the prompt reads the
/// standard input (`echo hunter2 | psql -W …`; `mysql -u root -p <<< hunter2` is read by
/// [`mysql_client_secret`]). The tools that prompt: `psql`, `pg_dump`, `createdb` given `-W` or `--password` (without it they
/// prompt only when the server asks and no `PGPASSWORD` or `.pgpass` answers);
/// `ldapsearch` and the other LDAP clients given `-W`; `ipmitool -a`; `htpasswd` without `-b`
/// or `-i`; `ssh-keygen` without `-N`. Their input is a here-string or here-document of
/// written text ([`input_written`]) or a pipe fed written text ([`piped_text_written`]).
const fn prompting_tool_fed_text(b: &[u8], i: usize) -> bool {
    let e = next_word(b, i).1;
    let prompts =
        if word_at(b, i, b"psql") || word_at(b, i, b"pg_dump") || word_at(b, i, b"createdb") {
            command_has_flag(b, e, b'W', b"--password")
        } else if at_exactly(b, i, b"ldap") {
            command_has_flag(b, e, b'W', b"--askpass")
        } else if word_at(b, i, b"ipmitool") {
            command_has_flag(b, e, b'a', b"")
        } else if word_at(b, i, b"htpasswd") {
            !command_has_flag(b, e, b'b', b"") && !command_has_flag(b, e, b'i', b"")
        } else if word_at(b, i, b"ssh-keygen") {
            !command_has_flag(b, e, b'N', b"")
        } else {
            false
        };
    prompts && input_given_text(b, i)
}

/// Whether the command that holds `i` is given written text on its input: a here-string
/// or a here-document of written text ([`input_written`]), or a pipe fed written text
/// ([`piped_text_written`]).
const fn input_given_text(b: &[u8], i: usize) -> bool {
    let start = command_start(b, i);
    if input_written(b, start) == FED_WRITTEN {
        return true;
    }
    match pipe_before(b, skip_blanks(b, start)) {
        Some(pipe) => piped_text_written(b, pipe),
        None => false,
    }
}

/// Whether the MySQL or MariaDB client at `i` (`mysql`, `mariadb`, `mysqldump`,
/// `mysqladmin`) prompts for its password (a bare `-p` or `--password`) and is given written
/// text on its input ([`prompting_tool_fed_text`]), or reads its options from a file that
/// something but a fetch may write (`--defaults-file`, `--defaults-extra-file`:
/// [`password_file_written`]). Its words are read byte by byte before any call (the budget
/// of const evaluation counts calls, and `mysql` is common).
const fn mysql_client_secret(b: &[u8], i: usize) -> bool {
    if !(word_at(b, i, b"mysql")
        || word_at(b, i, b"mariadb")
        || word_at(b, i, b"mysqldump")
        || word_at(b, i, b"mysqladmin"))
    {
        return false;
    }
    let mut k = i + 5;
    let mut bare = false;
    let mut defaults = false;
    while k + 2 < b.len() && !matches!(b[k], b'\n' | b';' | b'|' | b'&') {
        if b[k] == b'-' && matches!(b[k - 1], b' ' | b'\t') {
            if b[k + 1] == b'p' && matches!(b[k + 2], b' ' | b'\t' | b'\n' | b';' | b'|' | b'&') {
                bare = true;
            } else if b[k + 1] == b'-' && b[k + 2] == b'p' && at_exactly(b, k, b"--password") {
                bare = bare
                    || k + 10 == b.len()
                    || matches!(b[k + 10], b' ' | b'\t' | b'\n' | b';' | b'|' | b'&');
            } else if b[k + 1] == b'-' && b[k + 2] == b'd' {
                defaults = true;
            }
        }
        k += 1;
    }
    (bare && input_given_text(b, i)) || (defaults && password_file_written(b, i))
}

/// Whether a command that reads a password from its input (or a file, or a file
/// descriptor) is named at `i` ([`READER_NAMES`], after any path, `./` or `{,`), or given a
/// flag that makes it read one ([`READER_FLAGS`]), where the check must then read what
/// feeds it ([`reader_fed_readably`]). Not in a comment, in the text of a text command
/// ([`quoted_at`]), in a YAML key (cloud-config's `chpasswd:`), an element of a Python or
/// flow list (`["chpasswd"]`), nor `/etc/passwd` or `getent passwd`; `passwd` not with a
/// flag that reads nothing (`-l`, `-S`, `-e`, …), `kinit` not with a keytab.
const fn reader_named_at(b: &[u8], i: usize) -> bool {
    reader_word_at(b, i) && !in_comment(b, i) && !quoted_at(b, i)
}

/// Whether a reader's name or flag is at `i` ([`reader_named_at`], before its context is
/// read).
const fn reader_word_at(b: &[u8], i: usize) -> bool {
    let n = b.len();
    if b[i] == b'-' {
        if !blank_before(b, i) {
            return false;
        }
        let mut f = 0;
        while f < READER_FLAGS.len() {
            let flag = READER_FLAGS[f].as_bytes();
            // (The third byte before the call: the budget of const evaluation counts calls.)
            if i + 2 < n
                && b[i + 2] == flag[2]
                && at_exactly(b, i, flag)
                && (i + flag.len() >= n
                    || !(name_byte(b[i + flag.len()]) || b[i + flag.len()] == b'-'))
            {
                if f + 1 < READER_FLAGS.len() {
                    return true;
                }
                // `--stdin` makes `passwd`, `sudo` and `mkpasswd` read one, not every
                // command.
                return range_holds(b, command_start(b, i), i, b"sudo")
                    || range_holds(b, command_start(b, i), i, b"passwd")
                    || range_holds(b, command_start(b, i), i, b"glab");
            }
            f += 1;
        }
        // `sudo -S`, `-kS`, `-A` (its askpass program prints the password), its name
        // spelled in any way (`{,sudo}`).
        let (_, t) = next_word(b, i);
        return i + 1 < n
            && b[i + 1] != b'-'
            && (cluster_has(b, i, t, b'S') || cluster_has(b, i, t, b'A'))
            && range_holds(b, command_start(b, i), i, b"sudo");
    }
    let mut r = 0;
    while r < READER_NAMES.len() {
        let name = READER_NAMES[r].as_bytes();
        let e = i + name.len();
        if b[i] == name[0] && at_exactly(b, i, name) && whole_word(b, i, e) {
            if e < n && b[e] == b':' {
                return false;
            }
            // An element of a list: `["chpasswd"`, `, "chpasswd"` after a `[` on the line,
            // `("sshpass"` (a Python tuple).
            let mut l = i;
            while l > 0 && matches!(b[l - 1], b' ' | b'\t' | b'"' | b'\'') {
                l -= 1;
            }
            if l > 0
                && (b[l - 1] == b'['
                    || (b[l - 1] == b',' && l < i && list_before(b, l - 1))
                    || (b[l - 1] == b'(' && l < i && matches!(b[i - 1], b'"' | b'\'')))
            {
                return false;
            }
            if names_without_running(b, i) {
                return false;
            }
            if r < 7 {
                return true;
            }
            // A path to the command (`/usr/bin/passwd`, `./passwd`), not a file
            // (`/etc/passwd`, `~/.vnc/passwd`).
            let path = i > 0 && b[i - 1] == b'/';
            if path
                && !((i >= 4 && at_exactly(b, i - 4, b"bin/"))
                    || (i >= 2 && b[i - 2] == b'.' && (i == 2 || !name_byte(b[i - 3]))))
            {
                return false;
            }
            let mut ws = i;
            while ws > 0 && (word_byte(b[ws - 1]) || b[ws - 1] == b'\\') {
                ws -= 1;
            }
            if r == 7
                && !(path
                    || command_position(b, ws)
                    || (ws > 0 && matches!(b[ws - 1], b'{' | b','))
                    || wrapped(b, ws))
            {
                return false;
            }
            return match r {
                // `passwd` reads one unless a flag says it does something else.
                7 => {
                    let mut k = e;
                    let mut words = 0;
                    let mut reads = true;
                    while reads && words < 8 {
                        let (s, t) = next_word(b, k);
                        if s == t {
                            break;
                        }
                        let q = skip_quotes(b, s);
                        if q + 1 < t && b[q] == b'-' {
                            if b[q + 1] == b'-' {
                                reads = at_exactly(b, q, b"--stdin");
                            } else {
                                let mut j = q + 1;
                                while j < t {
                                    if matches!(
                                        b[j],
                                        b'l' | b'u'
                                            | b'd'
                                            | b'e'
                                            | b'S'
                                            | b'n'
                                            | b'x'
                                            | b'w'
                                            | b'i'
                                            | b'k'
                                            | b'a'
                                    ) {
                                        reads = false;
                                    }
                                    j += 1;
                                }
                            }
                        }
                        k = t;
                        words += 1;
                    }
                    reads
                }
                8 => !command_has_flag(b, e, b'k', b"--keytab"),
                9 => {
                    let mut j = e;
                    while j < n && !command_end(b, j) {
                        if b[j] == b'j' && word_at(b, j, b"join") {
                            return true;
                        }
                        j += 1;
                    }
                    false
                }
                10 => command_has_flag(b, e, b'i', b"--stdin"),
                11 => command_has_flag(b, e, b's', b"--stdin"),
                // `openssl passwd -stdin`, or `-in FILE` (the password from a file).
                12 => {
                    command_has_flag(b, e, 0, b"-stdin")
                        || command_has_flag(b, e, 0, b"stdin")
                        || (word_at(b, skip_blanks(b, e), b"passwd")
                            && command_has_flag(b, e, 0, b"-in"))
                }
                // `vault login -` (or no token: it reads one); a token operand is read by
                // the checks of tokens.
                13 => {
                    let l = skip_blanks(b, e);
                    if !word_at(b, l, b"login") {
                        return false;
                    }
                    let mut k = l + 5;
                    let mut words = 0;
                    while words < 8 {
                        let (s, t) = next_word(b, k);
                        if s == t {
                            return true;
                        }
                        let q = skip_quotes(b, s);
                        if t == q + 1 && b[q] == b'-' {
                            return true;
                        }
                        if b[q] != b'-' {
                            return false;
                        }
                        k = t;
                        words += 1;
                    }
                    false
                }
                14 => word_at(b, skip_blanks(b, e), b"secret"),
                15 => command_has_flag(b, e, b't', b"--password-from-stdin"),
                // `cryptsetup … -` or `-d -`: a key from the input or a file.
                16 => command_has_flag(b, e, b'd', b"--key-file") || dash_operand(b, e),
                17 => command_has_flag(b, e, 0, b"--stdin"),
                // `rabbitmqctl add_user NAME` without a password reads one.
                _ => {
                    let a = skip_blanks(b, e);
                    if !word_at(b, a, b"add_user") && !word_at(b, a, b"change_password") {
                        return false;
                    }
                    let (_, u) = next_word(b, a);
                    let (_, t) = next_word(b, u);
                    let (p, q) = next_word(b, t);
                    p == q || b[p] == b'-'
                }
            };
        }
        r += 1;
    }
    false
}

/// Commands that name a program without running it: package managers, `which`, `type`,
/// `whereis`, file commands (`chmod 4755 /usr/bin/passwd`, `ls -l`), `grep`, `getent`.
const NON_RUNNERS: [&str; 20] = [
    "yum", "dnf", "apt", "apt-get", "zypper", "rpm", "dpkg", "apk", "snap", "which", "type",
    "whereis", "chmod", "chown", "chgrp", "ls", "stat", "file", "grep", "getent",
];

/// Whether the reader named at `i` is an operand of a command that names it without running
/// it ([`NON_RUNNERS`], `command -v`): `yum install -y sshpass`, `which chpasswd`.
const fn names_without_running(b: &[u8], i: usize) -> bool {
    let w = command_word(b, i);
    if w >= i {
        return false;
    }
    // The word that holds `i` (a path to the reader) is the command itself.
    let mut ws = i;
    while ws > w && !matches!(b[ws - 1], b' ' | b'\t') {
        ws -= 1;
    }
    if ws == w {
        return false;
    }
    if word_at(b, w, b"command") {
        let f = skip_blanks(b, w + 7);
        return word_at(b, f, b"-v") || word_at(b, f, b"-V");
    }
    let mut r = 0;
    while r < NON_RUNNERS.len() {
        if word_at(b, w, NON_RUNNERS[r].as_bytes()) {
            return true;
        }
        r += 1;
    }
    false
}

/// Whether a word of the command from `e` is `-` alone (the input, as a file).
const fn dash_operand(b: &[u8], e: usize) -> bool {
    let mut k = e;
    let mut words = 0;
    while words < 16 {
        let (s, t) = next_word(b, k);
        if s == t {
            return false;
        }
        if t == s + 1 && b[s] == b'-' {
            return true;
        }
        k = t;
        words += 1;
    }
    false
}

/// Commands that run the command given them (`nice -n 5 passwd`, `timeout 10 kinit`).
const WRAPPERS: [&str; 18] = [
    "nice", "timeout", "setsid", "stdbuf", "flock", "chroot", "ionice", "taskset", "nohup", "env",
    "command", "exec", "time", "doas", "unbuffer", "xargs", "sg", "runuser",
];

/// Whether the word at `ws` is run by a wrapper ([`WRAPPERS`]) its command starts with.
const fn wrapped(b: &[u8], ws: usize) -> bool {
    let c = first_word_from(b, command_start(b, ws));
    if c >= ws {
        return false;
    }
    let mut r = 0;
    while r < WRAPPERS.len() {
        if word_at(b, c, WRAPPERS[r].as_bytes()) {
            return true;
        }
        r += 1;
    }
    false
}

/// Whether the `,` at `c` is inside a list (`[`) rather than a brace expansion (`{`): the
/// nearer of the two before it on its line.
const fn list_before(b: &[u8], c: usize) -> bool {
    let mut j = c;
    while j > 0 && b[j - 1] != b'\n' {
        j -= 1;
        if b[j] == b'[' {
            return true;
        }
        if b[j] == b'{' {
            return false;
        }
    }
    false
}

/// The first word of the command that starts at `s`, past blanks and the `{` or `(` of
/// groups.
const fn group_skipped(b: &[u8], s: usize) -> usize {
    let mut c = skip_blanks(b, s);
    while c < b.len() && matches!(b[c], b'{' | b'(' | b'!') {
        c = skip_blanks(b, c + 1);
    }
    c
}

/// Whether the variable expanded at `v` (`$PW`, `${PW}`, `${PW:?}`) holds a value fetched at
/// boot, traced to its last setter before `limit`: an assignment of a command substitution
/// that fetches ([`substitution_fetches`]), a copy of such a variable, or `read`/`mapfile`
/// from a here-string of one or from a process substitution that fetches, or a name
/// written nowhere before but in expansions (from the environment, or a file the script
/// sources). A variable named otherwise before (`for PW in …`, `declare -n r=PW`), `$_`,
/// `$REPLY`, `$MAPFILE`, `$BASH_REMATCH` and the arguments (`$0`, `$1`) are not. (A
/// setter after the use is read by [`fed_variables_set_later`].)
const fn variable_fetched(b: &[u8], v: usize, limit: usize) -> bool {
    fetched_from(b, v, limit, 0)
}

/// Whether the command substitution at `s` (`$(…)` or backquotes) is still open at `v`: `v`
/// is inside it ([`closes_group`] reads a `$(…)` to `v`).
const fn substitution_holds(b: &[u8], s: usize, v: usize) -> bool {
    if b[s] != b'`' {
        return !closes_group(b, s + 2, v);
    }
    let mut j = s + 1;
    while j < v {
        if b[j] == b'`' {
            return false;
        }
        j += 1;
    }
    true
}

/// Whether the operator of a parameter expansion at `o` (after the name) gives nothing of its
/// own: an empty default, `${NAME:-}` or `${NAME-}`, or a pattern replaced by nothing,
/// `${NAME/PATTERN/}`, `${NAME//PATTERN/}` (also anchored, `/#`, `/%`), the pattern holding no
/// command or parameter expansion and no quote but `$'…'` of escapes (Bash Reference Manual,
/// "Shell Parameter Expansion").
const fn empty_default_or_removal(b: &[u8], o: usize) -> bool {
    let n = b.len();
    if o + 2 < n && b[o] == b':' && b[o + 1] == b'-' && b[o + 2] == b'}' {
        return true;
    }
    if o + 1 < n && b[o] == b'-' && b[o + 1] == b'}' {
        return true;
    }
    if b[o] != b'/' {
        return false;
    }
    let mut j = o + 1;
    if j < n && matches!(b[j], b'/' | b'#' | b'%') {
        j += 1;
    }
    while j < n && b[j] != b'/' {
        if b[j] == b'\\' {
            j += 1;
        } else if b[j] == b'$' {
            // Only `$'…'` of escapes (`$'\r\n'`): no expansion.
            if !(j + 1 < n && b[j + 1] == b'\'') {
                return false;
            }
            j += 2;
            while j < n && b[j] != b'\'' {
                if b[j] == b'\\' {
                    j += 1;
                } else if !matches!(b[j], b'r' | b'n' | b't') {
                    return false;
                }
                j += 1;
            }
        } else if matches!(b[j], b'}' | b'`' | b'"' | b'\'' | b'\n') {
            return false;
        }
        j += 1;
    }
    j + 1 < n && b[j] == b'/' && b[j + 1] == b'}'
}

/// [`variable_fetched`], reading also the setters after the use (and after a copy's
/// source) when `depth` is more than 0 ([`fed_variables_set_later`]): from a `limit` after
/// `v` it reads the setter before `limit` alone ([`later_setter`] calls it so).
const fn fetched_from(b: &[u8], v: usize, limit: usize, depth: u8) -> bool {
    let braced = at_exactly(b, v, b"${");
    let start = if braced { v + 2 } else { v + 1 };
    let mut end = start;
    while end < b.len() && (b[end].is_ascii_alphanumeric() || b[end] == b'_') {
        end += 1;
    }
    if end == start
        || b[start].is_ascii_digit()
        || bash_set_name(b, start, end)
        || argument_at(b, v)
    {
        return false;
    }
    // After an element's subscript (`${PW[0]…}`), the operator that follows it.
    let mut op = end;
    if braced && op < b.len() && b[op] == b'[' {
        while op < b.len() && b[op] != b']' {
            op += 1;
        }
        op += 1;
    }
    if braced && op < b.len() && !matches!(b[op], b'}' | b'%' | b'#') {
        // `${PW:-…}` and its like may give text of their own; `${PW%…}` and `${PW#…}` only
        // remove some of the value, and so do an empty default (`${PW:-}`, `${PW-}`, for `set
        // -u`) and a pattern replaced by nothing (`${PW//[$'\r\n']/}`; hostile review 30).
        let required = b[op] == b':' && op + 1 < b.len() && b[op + 1] == b'?';
        if !required && !empty_default_or_removal(b, op) {
            return false;
        }
    }
    if limit <= v && depth > 0 && later_setter(b, start, end, v, depth - 1) {
        return false;
    }
    let len = end - start;
    let first = b[start];
    let mut k = limit;
    while k > 0 {
        k -= 1;
        if b[k] != first
            || k + len >= b.len()
            || (k > 0
                && (name_byte(b[k - 1]) || matches!(b[k - 1], b'/' | b'.' | b'-' | b':' | b'@'))
                && !flag_attached(b, k))
            || name_byte(b[k + len])
            || !names_equal(b, k, start, len)
        {
            continue;
        }
        // Another expansion of the name sets nothing (`${PW:=…}` and `${PW=…}` aside).
        if k > 0 && (b[k - 1] == b'$' || (b[k - 1] == b'{' && k > 1 && b[k - 2] == b'$')) {
            if (b[k + len] == b':' && k + len + 1 < b.len() && b[k + len + 1] == b'=')
                || (b[k - 1] == b'{' && b[k + len] == b'=')
            {
                return false;
            }
            continue;
        }
        let eq = k + len;
        // `PW+=…` appends to it (hostile review 27).
        if b[eq] == b'+' && eq + 1 < b.len() && b[eq + 1] == b'=' {
            return false;
        }
        if b[eq] == b'=' {
            // `PW=` empties it (`PW=; unset PW` after a use): the setter before decides.
            if emptied_at(b, eq) {
                continue;
            }
            let value = skip_quotes(b, eq + 1);
            if value >= b.len() {
                return false;
            }
            if b[value] == b'$' && value + 1 < b.len() && b[value + 1] != b'(' {
                return fetched_from(b, value, k, depth);
            }
            // The use inside this setter's own substitution (`PW=$(curl … $PW)`) reads the
            // value before it: the setter before decides (and the trace does not loop).
            if v > value
                && (b[value] == b'`' || (b[value] == b'$' && value + 1 < b.len()))
                && substitution_holds(b, value, v)
            {
                continue;
            }
            return substitution_fetches(b, value, k);
        }
        // `read`/`mapfile` … NAME, `printf -v NAME FORMAT ARGUMENTS`.
        if k > 0 && (matches!(b[k - 1], b' ' | b'\t') || flag_attached(b, k)) && !name_byte(b[eq]) {
            let c = first_word_from(b, command_start(b, k));
            if word_at(b, c, b"printf") {
                let mut e = eq;
                while e < b.len()
                    && !(matches!(b[e], b';' | b'|' | b'&' | b'\n') && command_end(b, e))
                {
                    e += 1;
                }
                return !printf_value_written(b, eq) && fed_words_fetched(b, eq, e);
            }
            if word_at(b, c, b"read") || word_at(b, c, b"mapfile") || word_at(b, c, b"readarray") {
                let mut j = k;
                while j < b.len()
                    && !(matches!(b[j], b';' | b'|' | b'&' | b'\n') && command_end(b, j))
                {
                    if at_exactly(b, j, b"<<<") {
                        let t = skip_quotes(b, skip_blanks(b, j + 3));
                        return t + 1 < b.len()
                            && ((b[t] == b'$'
                                && b[t + 1] != b'('
                                && fetched_from(b, t, k, depth))
                                || substitution_fetches(b, t, k));
                    }
                    if at_exactly(b, j, b"< <(") {
                        return substitution_fetches(b, j + 2, k);
                    }
                    if b[j] == b'<' && !(j + 1 < b.len() && matches!(b[j + 1], b'<' | b'(' | b'&'))
                    {
                        // `read PW < FILE`: a file the script only fetches into (hostile
                        // review 29).
                        return stage_reads_fetched_files(b, j, k);
                    }
                    if b[j] == b'-'
                        && blank_before(b, j)
                        && cluster_has(b, j, next_word(b, j).1, b'u')
                    {
                        // `read -u FD`: what the descriptor holds is not read.
                        return false;
                    }
                    j += 1;
                }
                return false;
            }
        }
        // `export PW`, `readonly PW`, `local PW`: attributes, not a value (but `-n`, a
        // reference); `unset PW` empties it.
        if k > 0
            && matches!(b[k - 1], b' ' | b'\t')
            && (eq >= b.len() || !matches!(b[eq], b'=' | b'['))
        {
            let c = first_word_from(b, command_start(b, k));
            if (word_at(b, c, b"export")
                || word_at(b, c, b"readonly")
                || word_at(b, c, b"local")
                || word_at(b, c, b"declare")
                || word_at(b, c, b"typeset")
                || word_at(b, c, b"unset"))
                && !command_has_flag(b, c, b'n', b"")
            {
                continue;
            }
        }
        // The value of an `--output` flag (`aws … --output json` with a variable named
        // `json`; the twelfth probe's false refusal 13): no builtin that sets a variable
        // takes that flag, so the word names a format, not a variable set.
        if output_flag_value(b, k) {
            continue;
        }
        // The name written anywhere else as a word (`for PW in …`, `declare -n r=PW`,
        // `getopts a PW`, `command read -r PW<<<…`, `declare PW\=…`): a setter the check
        // does not read. (Not a key, `PW:`.)
        if eq >= b.len()
            || matches!(
                b[eq],
                b' ' | b'\t'
                    | b'\n'
                    | b'\r'
                    | b';'
                    | b')'
                    | b'}'
                    | b'"'
                    | b'\''
                    | b'['
                    | b','
                    | b'<'
                    | b'>'
                    | b'|'
                    | b'&'
                    | b'\\'
            )
        {
            return false;
        }
    }
    // Named nowhere before but where it is expanded: from the environment or a file the
    // script sources, fetched at boot.
    true
}

/// Whether the word at `k` is the value of an `--output` flag (`--output json`,
/// `--output=json`), as the AWS CLI and other programs take one: a program's option, which
/// no builtin that sets a variable (`read`, `mapfile`, `printf -v`, `getopts`, `declare`,
/// `wait -p`) takes.
const fn output_flag_value(b: &[u8], k: usize) -> bool {
    if k >= 9 && b[k - 1] == b'=' {
        return at_exactly(b, k - 9, b"--output=");
    }
    let mut p = k;
    while p > 0 && matches!(b[p - 1], b' ' | b'\t') {
        p -= 1;
    }
    p < k
        && p >= 8
        && at_exactly(b, p - 8, b"--output")
        && (p == 8 || matches!(b[p - 9], b' ' | b'\t'))
}

/// Whether a variable that a password reader at `i` is fed (a `$NAME` or `${NAME…}` in the
/// stages piped into it, its own words, or the lines of its here-document) is given, by a
/// setter after the use in the text, a value not fetched at boot (hostile review 27): in a
/// function's body, a loop or a trap's text the use runs after the text that follows it
/// (`f() { echo "root:$X" | chpasswd; }; X=hunter2; f`, `for i in 1 2; do echo "root:$X" |
/// chpasswd; X=hunter2; done`, `trap 'echo "root:$X" | chpasswd' EXIT; X=hunter2`). Read
/// only when the script may run its text again ([`unreadable_problem`] tells): it reads
/// the script once more for each variable.
const fn fed_variables_set_later(b: &[u8], i: usize) -> bool {
    let n = b.len();
    // The reader's stage, and the pipeline's first.
    let rs = sink_stage_start(b, i);
    let mut s = rs;
    while s > 1 && b[s - 1] == b'|' && b[s - 2] != b'|' {
        s = sink_stage_start(b, s - 1);
    }
    // The stages piped into it, and the bodies of the script's functions they run (`fetch |
    // chpasswd` after `fetch() { curl -s "$U"; }`).
    let mut st = s;
    while st < rs {
        let mut end = st;
        while end < rs && !(end > 0 && b[end] == b'|' && b[end + 1] != b'|' && b[end - 1] != b'|') {
            end += 1;
        }
        let w = first_word_from(b, st);
        let (open, close) = function_body(b, w);
        if scan_set_later(b, open, close) || scan_set_later(b, st, end) {
            return true;
        }
        st = end + 1;
    }
    // Its own input: its here-string's word, its here-document (not its arguments, which
    // name what it does: `docker login … "$REGISTRY"`).
    let mut j = rs;
    let mut document = None;
    while j < n && !(j > i && b[j] == b'\n' && !lf_continued(b, j)) {
        if b[j] == b'<' && j + 2 < n && b[j + 1] == b'<' {
            if b[j + 2] == b'<' {
                let t = skip_blanks(b, j + 3);
                if scan_set_later(b, t, shell_word_end(b, t)) {
                    return true;
                }
            } else if document.is_none() {
                document = here_document_word(b, j);
            }
        }
        j += 1;
    }
    // The lines of its here-document (a quoted delimiter expands nothing), to the
    // delimiter's.
    let Some((d, e, tabs)) = document else {
        return false;
    };
    let mut q = d;
    while q < e {
        if matches!(b[q], b'"' | b'\'' | b'\\') {
            return false;
        }
        q += 1;
    }
    while j < n {
        let (t, closes) = document_line(b, j + 1, d, e, tabs);
        if closes {
            return false;
        }
        j = t;
        while j < n && b[j] != b'\n' {
            if set_later_at(b, j) {
                return true;
            }
            j += 1;
        }
    }
    false
}

/// Whether an expansion in `b[from..to]` is given, by a setter after it, a value not
/// fetched at boot ([`set_later_at`]), but in the words of `aws` commands, which name what
/// they fetch (`--secret-id "$SECRET_ID"`, `--region "$AWS_REGION"`).
const fn scan_set_later(b: &[u8], from: usize, to: usize) -> bool {
    let mut j = from;
    while j < to {
        if b[j] == b'a'
            && word_at(b, j, b"aws")
            && (j == 0 || matches!(b[j - 1], b' ' | b'\t' | b'\n' | b'{' | b'(' | b';' | b'|'))
        {
            while j < to && !matches!(b[j], b'|' | b';' | b'\n' | b'}' | b')' | b'&') {
                j += 1;
            }
            continue;
        }
        if set_later_at(b, j) {
            return true;
        }
        j += 1;
    }
    false
}

/// Whether the name at `k` (`len` bytes) is defined there as a function (`NAME()`, `NAME (
/// )`, `function NAME`).
const fn defines_function_at(b: &[u8], k: usize, len: usize) -> bool {
    let p = skip_blanks(b, k + len);
    (p + 1 < b.len() && b[p] == b'(' && {
        let q = skip_blanks(b, p + 1);
        q < b.len() && b[q] == b')'
    }) || {
        // `function NAME`, after any blanks (`function<TAB>NAME`; hostile review 29).
        let mut p = k;
        while p > 0 && matches!(b[p - 1], b' ' | b'\t') {
            p -= 1;
        }
        p < k
            && p >= 8
            && at_exactly(b, p - 8, b"function")
            && (p == 8 || !function_name_byte(b[p - 9]))
    }
}

/// The body (from its `{` to its `}`) of the function of the script that the word at `w`
/// names, defined before it (`NAME()`, `NAME ( )`, `function NAME`), or an empty range.
const fn function_body(b: &[u8], w: usize) -> (usize, usize) {
    let n = b.len();
    let mut e = w;
    while e < n && name_byte(b[e]) {
        e += 1;
    }
    let len = e - w;
    let mut k = 0;
    while len > 0 && k + len < w {
        if b[k] == b[w]
            && names_equal(b, k, w, len)
            && (k == 0 || !name_byte(b[k - 1]))
            && !name_byte(b[k + len])
        {
            let p = skip_blanks(b, k + len);
            if defines_function_at(b, k, len) {
                let mut j = p;
                while j < n && b[j] != b'{' {
                    j += 1;
                }
                let open = j;
                let mut depth = 0;
                while j < n {
                    if b[j] == b'{' {
                        depth += 1;
                    } else if b[j] == b'}' {
                        depth -= 1;
                        if depth == 0 {
                            return (open, j);
                        }
                    }
                    j += 1;
                }
                return (open, n);
            }
        }
        k += 1;
    }
    (0, 0)
}

/// Whether `b[j]` expands a variable (`$NAME`, `${NAME…}`) fetched at boot as the text
/// before it reads ([`variable_fetched`]) that a setter after it, of it or of a variable it
/// copies, gives a value not fetched ([`fed_variables_set_later`]). (A variable not fetched
/// before it was read where it feeds the reader: a fetching command's words name what it
/// fetches.)
const fn set_later_at(b: &[u8], j: usize) -> bool {
    b[j] == b'$'
        && j + 1 < b.len()
        && (b[j + 1] == b'{' || b[j + 1].is_ascii_alphabetic() || b[j + 1] == b'_')
        && fetched_from(b, j, j, 0)
        && !fetched_from(b, j, j, 2)
}

/// Whether a setter of the variable named `b[start..end]` after `v`, its use, gives it a
/// value not fetched at boot ([`fetched_from`] of the setter, `depth` copies deep). Every
/// later word of the name but its expansions is read as a setter (a word the check does
/// not know as one is not fetched); a line repeated without expansions is read once.
const fn later_setter(b: &[u8], start: usize, end: usize, v: usize, depth: u8) -> bool {
    let n = b.len();
    let len = end - start;
    let first = b[start];
    // The last setter read: a setter of the same line need not be read again.
    let mut read = n;
    let mut k = end;
    while k + len < n {
        let x = b[k];
        if x == first
            && !matches!(b[k + len], b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_')
            && b[k - 1] != b'$'
            && (!matches!(b[k - 1], b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_')
                || flag_attached(b, k))
            && (b[k - 1] != b'{' || matches!(b[k + len], b':' | b'='))
            && names_equal(b, k, start, len)
            && !(read < n && same_plain_line(b, read, k))
            && !emptied_at(b, k + len)
        {
            if !fetched_from(b, v, k + 1, depth) {
                return true;
            }
            read = k;
        }
        k += 1;
    }
    false
}

/// Whether `b[e]` is the `=` of an assignment of nothing (`PW=`, `PW=""`, `PW=''`), which
/// empties a variable rather than giving it a value.
const fn emptied_at(b: &[u8], e: usize) -> bool {
    let n = b.len();
    if e >= n || b[e] != b'=' {
        return false;
    }
    let mut v = e + 1;
    if v + 1 < n && matches!(b[v], b'"' | b'\'') && b[v + 1] == b[v] {
        v += 2;
    }
    v >= n
        || matches!(
            b[v],
            b'\n' | b'\r' | b';' | b' ' | b'\t' | b'&' | b'|' | b')'
        )
}

/// Whether the text from `a` to the end of its line is the text from `c` (after `a`) to
/// the end of its line, and expands no variable (a `$` only as a substitution's `$(`): a
/// setter of that text gives the same value wherever it is.
const fn same_plain_line(b: &[u8], a: usize, c: usize) -> bool {
    let d = c - a;
    let mut j = a;
    while j + d < b.len() {
        let x = b[j];
        // (A substitution's command must be `aws`, which the script cannot redefine: a
        // function of the script may be defined again between the two lines.)
        if x != b[j + d]
            || (x == b'$' && !(b[j + 1] == b'(' && word_at(b, skip_blanks(b, j + 2), b"aws")))
            || x == b'`'
        {
            return false;
        }
        if x == b'\n' {
            return true;
        }
        j += 1;
    }
    false
}

/// Whether the name at `k` is glued to a flag cluster before it (`printf -vNAME`, `read
/// -raNAME`), which may set it.
const fn flag_attached(b: &[u8], k: usize) -> bool {
    let mut j = k;
    while j > 0 && b[j - 1].is_ascii_alphabetic() {
        j -= 1;
    }
    j < k && j > 0 && b[j - 1] == b'-' && (j == 1 || matches!(b[j - 2], b' ' | b'\t'))
}

/// Whether `b[s..e]` names a variable bash sets itself, without `NAME=` in the text (Bash
/// Reference Manual, "Bash Variables"): `_`, `REPLY`, `MAPFILE`, `OPTARG`, `PWD`, `OLDPWD`,
/// `DIRSTACK`, `FUNCNAME`, `COPROC`, `GROUPS`, `PIPESTATUS`, `HOSTNAME` and every `BASH_…`,
/// `COMP_…` and `READLINE_…` (`BASH_ALIASES`, `BASH_REMATCH`, `BASH_ARGV`): what the
/// script wrote may be there (hostile review 26).
const fn bash_set_name(b: &[u8], s: usize, e: usize) -> bool {
    let len = e - s;
    (len == 1 && b[s] == b'_')
        || at_exactly(b, s, b"BASH_")
        || at_exactly(b, s, b"COMP_")
        || at_exactly(b, s, b"READLINE_")
        || (len == 5 && at_exactly(b, s, b"REPLY"))
        || (len == 7 && at_exactly(b, s, b"MAPFILE"))
        || (len == 8
            && (at_exactly(b, s, b"DIRSTACK")
                || at_exactly(b, s, b"FUNCNAME")
                || at_exactly(b, s, b"HOSTNAME")))
        || (len == 6
            && (at_exactly(b, s, b"OPTARG")
                || at_exactly(b, s, b"OLDPWD")
                || at_exactly(b, s, b"COPROC")
                || at_exactly(b, s, b"GROUPS")))
        || (len == 3 && at_exactly(b, s, b"PWD"))
        || (len == 10 && at_exactly(b, s, b"PIPESTATUS"))
}

/// Whether the command substitution at `s` (`$(…)`, backquotes, or the process substitution
/// `<(…)`) fetches its value at boot: one pipeline (stages joined by `|` alone) whose first
/// command fetches ([`fetching_command`]: `aws secretsmanager get-secret-value …`, `curl …`
/// from the metadata service, `openssl rand`, a function of the script that runs one) or
/// whose variables are all fetched before `limit` (`$(jq -r .pw <<< "$JSON")`), and which
/// prints no text written in the script ([`substitution_written`], `jq -n`, `jq --arg`).
const fn substitution_fetches(b: &[u8], s: usize, limit: usize) -> bool {
    let (open, close) =
        if (at_exactly(b, s, b"$(") && !at_exactly(b, s, b"$((")) || at_exactly(b, s, b"<(") {
            (s + 2, b')')
        } else if s < b.len() && b[s] == b'`' {
            (s + 1, b'`')
        } else {
            return false;
        };
    // (`$(echo …)`, `$(cat <<EOF …)` start with no fetching command: refused below.)
    if substitution_written(b, open, close) {
        return false;
    }
    let first = skip_blanks(b, open);
    let fetches = fetching_command(b, first) || stage_reads_fetched_files(b, first, limit);
    let mut j = open;
    let mut traced = false;
    let mut depth = 0;
    // In the fetching command, written values name what is fetched (`--region "$REGION"`).
    let mut fetching = fetches;
    while j < b.len() && !(b[j] == close && depth == 0) {
        let x = b[j];
        if x == b'(' {
            depth += 1;
        } else if x == b')' && depth > 0 {
            depth -= 1;
        } else if (matches!(x, b';' | b'&') || (x == b'\n' && !continued_newline(b, j)))
            || (x == b'|' && j + 1 < b.len() && b[j + 1] == b'|')
        {
            // More than one pipeline: what the others print is not read.
            return false;
        } else if x == b'|' {
            if !transform_stage(b, skip_blanks(b, j + 1)) {
                return false;
            }
            fetching = false;
        }
        if !fetching && x == b'$' && j + 1 < b.len() && (b[j + 1] == b'{' || name_byte(b[j + 1])) {
            if !variable_fetched(b, j, limit) {
                return false;
            }
            traced = true;
        }
        j += 1;
    }
    (fetches || (traced && transform_stage(b, first))) && jq_stage_fetched(b, first)
}

/// Whether the stage at `k` (the first of a substitution) prints files that the script
/// only reads or fetches into ([`file_only_fetched`], before `at`; hostile review 29:
/// `printf hunter2 > ./p; mysql -p"$(< ./p)"` passed): `< FILE`, `cat FILE`, `head` or
/// `tail` (not `-v`, which prints the file's name), `jq`, `cut` or `base64` given files,
/// each named as a path (`/etc/app/pw`, `./pw`), none named by an expansion. A stage that
/// reads no file reads its input (`$(cat)`, text given to a function or a group): not
/// fetched. `awk`, `sed`, `grep`, `date` and the like may print text of their own.
const fn stage_reads_fetched_files(b: &[u8], k: usize, at: usize) -> bool {
    if k >= b.len() {
        return false;
    }
    // 0: `< FILE`; 1: `cat`; 2: `head`, `tail`; 3: `jq`, `cut`, `base64`.
    let kind = if b[k] == b'<' {
        0
    } else if word_at(b, k, b"cat") {
        1
    } else if word_at(b, k, b"head") || word_at(b, k, b"tail") {
        2
    } else if word_at(b, k, b"jq") || word_at(b, k, b"cut") || word_at(b, k, b"base64") {
        3
    } else {
        return false;
    };
    let mut w = if kind == 0 {
        k
    } else {
        next_shell_word(b, k).1
    };
    let mut files = 0;
    let mut redirected = kind == 0;
    loop {
        let (s, e) = next_shell_word(b, w);
        if s == e || matches!(b[s], b')' | b'`' | b'|' | b'>') {
            break;
        }
        w = e;
        if b[s] == b'<' {
            redirected = true;
            continue;
        }
        let mut q = s;
        while q < e && matches!(b[q], b'"' | b'\'') {
            q += 1;
        }
        let mut last = e;
        while last > q && matches!(b[last - 1], b'"' | b'\'') {
            last -= 1;
        }
        if q >= last {
            return false;
        }
        let path = b[q] == b'/' || (b[q] == b'.' && q + 1 < last && b[q + 1] == b'/');
        if redirected || path {
            if !(path && file_only_fetched(b, q, last, at)) {
                return false;
            }
            redirected = false;
            files += 1;
        } else if b[q] == b'-' {
            let verbose = cluster_has(b, q, last, b'v')
                || (q + 2 < last && b[q + 1] == b'-' && b[q + 2] == b'v');
            if kind == 1 || (kind == 2 && verbose) {
                return false;
            }
        } else if kind <= 1 {
            return false;
        }
    }
    files > 0 && !redirected
}

/// Whether the stage at `k` only reshapes what it reads or expands: `jq` (not writing text
/// of its own: [`jq_stage_fetched`]), `tr`, `head`, `tail`, `cut`, `base64`, `grep`, `sort`,
/// `uniq`, `sed` (not writing letters: [`stage_writes_text`]), `echo` and `printf` (of
/// fetched values: [`substitution_written`] reads their words). Not `awk`, `date`, `stat`,
/// `basename`, `cat` or any other command that may print text of its own (hostile review 26).
const fn transform_stage(b: &[u8], k: usize) -> bool {
    if word_at(b, k, b"jq") {
        return jq_stage_fetched(b, k) && stage_reads_input(b, k + 2, 1, b"", b"fL");
    }
    if word_at(b, k, b"sed") {
        return !stage_writes_text(b, k)
            && stage_reads_input(b, k + 3, 1, b"el", b"f")
            && sed_one_substitution(b, k + 3);
    }
    // `xargs` alone runs `echo` on the words it reads (xargs(1)): it trims them.
    if word_at(b, k, b"xargs") {
        let t = skip_blanks(b, k + 5);
        return t >= b.len() || matches!(b[t], b')' | b'|' | b'\n' | b';' | b'`');
    }
    // Each reading its input alone, no file (hostile review 30: `| head /tmp/pw`,
    // `| tr -d x < /tmp/pw`, `| grep -f /tmp/pw`): the operands a tool takes besides
    // files, and its flags that take a value.
    if word_at(b, k, b"tr") {
        return stage_reads_input(b, k + 2, 2, b"", b"");
    }
    if word_at(b, k, b"head") || word_at(b, k, b"tail") {
        return stage_reads_input(b, k + 4, 0, b"nc", b"");
    }
    if word_at(b, k, b"cut") {
        return stage_reads_input(b, k + 3, 0, b"dfcb", b"");
    }
    if word_at(b, k, b"base64") {
        return stage_reads_input(b, k + 6, 0, b"w", b"");
    }
    if word_at(b, k, b"grep") {
        return stage_reads_input(b, k + 4, 1, b"emABC", b"frRd");
    }
    if word_at(b, k, b"sort") {
        return stage_reads_input(b, k + 4, 0, b"ktST", b"");
    }
    if word_at(b, k, b"uniq") {
        return stage_reads_input(b, k + 4, 0, b"fsw", b"");
    }
    word_at(b, k, b"echo") || word_at(b, k, b"printf")
}

/// Whether the `sed` whose words follow `s` runs one command, `s` or `y` (its script's first
/// letter after quotes), and no other: no `;`, new line or brace in the script, which may
/// add `r FILE` (a file read into the output; hostile review 30).
const fn sed_one_substitution(b: &[u8], s: usize) -> bool {
    let mut k = s;
    let mut seen = false;
    loop {
        let ws = skip_blanks(b, k);
        if ws >= b.len() || matches!(b[ws], b'|' | b')' | b'`' | b';' | b'&' | b'\n') {
            return seen;
        }
        let we = shell_word_end(b, ws);
        if we == ws {
            return false;
        }
        let q = skip_quotes(b, ws);
        if q < we && b[q] != b'-' {
            if seen || !matches!(b[q], b's' | b'y') {
                return false;
            }
            let mut j = q;
            while j < we {
                if matches!(b[j], b';' | b'\n' | b'}' | b'{') {
                    return false;
                }
                j += 1;
            }
            seen = true;
        }
        k = we;
    }
}

/// Whether the stage whose words follow `s` (after the tool's name) reads only its input
/// (hostile review 30): no redirection of its input but a here-string (`< FILE`, `<(…)`),
/// none of its short flags in `files` nor a long flag that names a file to read (`grep -f`,
/// `--file`, `grep -r`, `--recursive`, `--files0-from`), and at most `operands` operands (a
/// pattern, a script, the sets of `tr`), one fewer for each `-e` (a pattern given by a
/// flag); `valued` are its short flags that take the word after them (`head -n 1`). Words
/// are read with their quotes ([`shell_word_end`]).
const fn stage_reads_input(b: &[u8], s: usize, operands: u8, valued: &[u8], files: &[u8]) -> bool {
    let mut left = operands;
    let mut k = s;
    let mut value = false;
    loop {
        let ws = skip_blanks(b, k);
        if ws >= b.len() || matches!(b[ws], b'|' | b')' | b'`' | b';' | b'&' | b'\n') {
            return true;
        }
        if b[ws] == b'<' || b[ws] == b'>' {
            if !at_exactly(b, ws, b"<<<") {
                return false;
            }
            // The here-string's word is its input.
            let t = skip_blanks(b, ws + 3);
            k = shell_word_end(b, t);
            if k == t {
                return false;
            }
            continue;
        }
        let we = shell_word_end(b, ws);
        if we == ws {
            return false;
        }
        k = we;
        if value {
            value = false;
            continue;
        }
        let q = skip_quotes(b, ws);
        if q + 1 < we && b[q] == b'-' {
            let f = b[q + 1];
            if f == b'-' {
                if range_holds(b, q, we, b"file") || range_holds(b, q, we, b"recursive") {
                    return false;
                }
                // A pattern or a script given by a long flag (`--regexp=…`, `--expression`).
                if (range_holds(b, q, we, b"regexp") || range_holds(b, q, we, b"expression"))
                    && left > 0
                {
                    left -= 1;
                }
                continue;
            }
            // Each letter of a cluster.
            let mut c = q + 1;
            while c < we {
                let mut x = 0;
                while x < files.len() {
                    if files[x] == b[c] {
                        return false;
                    }
                    x += 1;
                }
                c += 1;
            }
            // A pattern or a script given by `-e`, alone or in a cluster (`-e.`, `-ne1p`),
            // for the tools whose `-e` takes one.
            let mut takes = false;
            let mut v = 0;
            while v < valued.len() {
                if valued[v] == b'e' {
                    takes = true;
                }
                v += 1;
            }
            let mut c = q + 1;
            while takes && c < we {
                if b[c] == b'e' && left > 0 {
                    left -= 1;
                    break;
                }
                c += 1;
            }
            // A flag alone that takes the next word (`-n 1`).
            if q + 2 == we {
                let mut v = 0;
                while v < valued.len() {
                    if valued[v] == f {
                        value = true;
                    }
                    v += 1;
                }
            }
            continue;
        }
        if left == 0 {
            return false;
        }
        left -= 1;
    }
}

/// Whether the stage at `k` prints only what it reads, as far as `jq` goes: not `jq` given
/// no input (`-n`) or values of its own (`--arg`, `--args`, `--rawfile`, `--slurpfile`, a
/// string in its program: [`stage_writes_text`]; hostile review 26). Other commands pass
/// (what `echo`, `printf` and `sed` write is read by [`substitution_written`]).
const fn jq_stage_fetched(b: &[u8], k: usize) -> bool {
    if !word_at(b, k, b"jq") {
        return true;
    }
    let mut e = k;
    while e < b.len() && !matches!(b[e], b'|' | b')' | b'\n' | b';') {
        e += 1;
    }
    !stage_writes_text(b, k)
        && !range_holds(b, k, e, b"env")
        && !range_holds(b, k, e, b"ENV")
        && !command_has_flag(b, k + 2, b'f', b"--from-file")
        && !command_has_flag(b, k + 2, b'n', b"--arg")
        && !command_has_flag(b, k + 2, 0, b"--rawfile")
        && !command_has_flag(b, k + 2, 0, b"--slurpfile")
        && !command_has_flag(b, k + 2, 0, b"--null-input")
}

/// Whether the command at `k` fetches what it prints at boot: the AWS CLI (not `aws
/// configure`, which reads what the script may have set), `curl` or `wget` (not of a
/// `file:` URL, nor sending data of the script's: `-d`, `--data…`, `-F`, `--form`, `-T`,
/// `--json`, `--post-data`), `vault`, `openssl rand`, `pwgen`, `uuidgen`, `head` or `tr` of
/// `/dev/urandom`, or a function of the script that runs one ([`fetching_function`]).
const fn fetching_command(b: &[u8], k: usize) -> bool {
    // The command's end, where its last `--q…` is, and whether it redirects, in one reading
    // (the budget of const evaluation counts steps).
    let mut e = k;
    let mut query = 0;
    let mut redirected = false;
    while e < b.len()
        && !(matches!(b[e], b';' | b'|' | b'&' | b'\n') && command_end(b, e))
        && b[e] != b')'
    {
        if b[e] == b'>' {
            redirected = true;
        } else if b[e] == b'-' && e + 2 < b.len() && b[e + 1] == b'-' && b[e + 2] == b'q' {
            query = e;
        }
        e += 1;
    }
    // Nor what it sends to its errors given to the output (`2>/dev/stdout`, `2>/dev/fd/1`,
    // `2>/proc/self/fd/1`; hostile review 30): an error names what the script asked for
    // (`--secret-id hunter2`), which `grep -o` may then pick.
    if redirected && errors_to_output(b, k, e) {
        return false;
    }
    if k < b.len() && b[k] == b'a' && word_at(b, k, b"aws") {
        let query = if query != 0 && at_exactly(b, query, b"--query") {
            query + 7
        } else {
            0
        };
        return aws_fetches(b, k + 3, e, query) && !(query != 0 && query_writes_text(b, query, e));
    }
    if word_at(b, k, b"curl") || word_at(b, k, b"wget") {
        // Not a local file in any spelling (`file:`, `"fi"le:`, `--proto-default file`), a
        // config file (`-K`), its own text (`-w`, `-d`, `-F`, `-T`, `--json`), nor a URL or
        // value from an expansion the check cannot follow to a fetch (`curl "$1"`).
        let mut j = k;
        let mut quote = 0u8;
        while j < e {
            if lower!(b[j]) == b'f' && at_ignore_case(b, j, b"file") {
                return false;
            }
            // Nor the metadata service's `latest/user-data`, the script's own text (hostile
            // review 29).
            if b[j] == b'u'
                && (at_ignore_case(b, j, b"user-data") || at_ignore_case(b, j, b"userdata"))
            {
                return false;
            }
            if quote != 0 {
                if b[j] == quote {
                    quote = 0;
                }
            } else if matches!(b[j], b'"' | b'\'') {
                // A quote that opens or closes inside a word splits it (`"fi"le:`).
                let mut c = j + 1;
                while c < e && b[c] != b[j] {
                    c += 1;
                }
                if (j > k && !matches!(b[j - 1], b' ' | b'\t' | b'='))
                    || (c + 1 < e && !matches!(b[c + 1], b' ' | b'\t' | b')'))
                {
                    return false;
                }
                quote = b[j];
            }
            if b[j] == b'$'
                && j + 1 < e
                && !(if b[j + 1] == b'(' {
                    substitution_fetches(b, j, j)
                } else {
                    variable_fetched(b, j, j)
                })
            {
                return false;
            }
            j += 1;
        }
        // Nor a server of the instance itself, which the script may start and give its
        // text (`python3 -m http.server` in a folder it wrote; hostile review 29): the
        // loopback names and addresses.
        if range_holds(b, k, e, b"localhost")
            || range_holds(b, k, e, b"127.")
            || range_holds(b, k, e, b"0.0.0.0")
            || ipv6_literal(b, k, e)
        {
            return false;
        }
        return !command_has_flag(b, k + 4, b'd', b"--data")
            && !command_has_flag(b, k + 4, b'F', b"--form")
            && !command_has_flag(b, k + 4, b'T', b"--json")
            && !command_has_flag(b, k + 4, b'w', b"--write-out")
            && !command_has_flag(b, k + 4, b'K', b"--config")
            && !command_has_flag(b, k + 4, 0, b"--post-data")
            && !command_has_flag(b, k + 4, 0, b"--post-file")
            && !command_has_flag(b, k + 4, 0, b"--upload-file")
            // Nor its own diagnostics sent to its output, which name the host asked for
            // (`--trace-ascii -`, `-v --stderr -`, `--libcurl -`; hostile review 30).
            && !command_has_flag(b, k + 4, 0, b"--trace")
            && !command_has_flag(b, k + 4, 0, b"--stderr")
            && !command_has_flag(b, k + 4, 0, b"--libcurl")
            && !odd_numeric_host(b, k + 4, e);
    }
    if word_at(b, k, b"openssl") {
        let sub = skip_blanks(b, k + 7);
        return word_at(b, sub, b"rand")
            || (word_at(b, sub, b"passwd") && openssl_passwd_of_fetched(b, sub + 6, e, k));
    }
    if word_at(b, k, b"head") || word_at(b, k, b"tr") {
        // Reading `/dev/urandom` (an operand or `< /dev/urandom`), no other file.
        let mut j = k;
        while j + 12 <= e {
            if b[j] == b'/' && at_exactly(b, j, b"/dev/urandom") {
                let mut p = j;
                while p > k && matches!(b[p - 1], b' ' | b'\t') {
                    p -= 1;
                }
                return b[p - 1] != b'>'
                    && !(b[p - 1] == b'<' && p >= 2 && b[p - 2].is_ascii_digit());
            }
            j += 1;
        }
        return false;
    }
    // Not `uuidgen --sha1 -N NAME` nor `pwgen -H FILE`, whose output the text decides
    // (hostile review 29).
    (word_at(b, k, b"vault") && vault_fetches(b, k + 5, e))
        || (word_at(b, k, b"pwgen") && !command_has_flag(b, k + 5, b'H', b"--sha1"))
        || (word_at(b, k, b"uuidgen") && !command_has_flag(b, k + 7, b'N', b"--name"))
        || fetching_function(b, k)
}

/// Whether the AWS CLI command whose words are `b[s..e]` (after `aws`) prints a value the
/// script did not write: an operation of AWS's stores of secrets and of its services that
/// make credentials (AWS CLI Command Reference):
/// - `secretsmanager get-secret-value`, `batch-get-secret-value`, `get-random-password`;
/// - `ssm get-parameter`, `get-parameters`, `get-parameters-by-path`;
/// - `rds generate-db-auth-token`, `redshift get-cluster-credentials`, `eks get-token`,
///   `ecr`/`ecr-public get-login-password` or `get-authorization-token`, `codeartifact
///   get-authorization-token`, any `sts` operation, `kms generate-random`.
///
/// Hostile review 30: any `aws` command passed for a fetch, so a value the script stored
/// passed when read back (`echo hunter2 | aws s3 cp - s3://b/k`, then `aws s3 cp s3://b/k
/// -`; a queue's message, a tag, `aws configure set`/`get` behind a global option). Nor a
/// parameter the script may write itself ([`parameter_written_in_script`]). Global options before the service are skipped (`--region R`, `--profile P`,
/// `--output text`). (Its last `--query` is read by [`fetching_command`]:
/// [`query_writes_text`].)
const fn aws_fetches(b: &[u8], s: usize, e: usize, query: usize) -> bool {
    let mut j = skip_blanks(b, s);
    loop {
        if j >= e {
            return false;
        }
        let q = skip_quotes(b, j);
        if q >= e || b[q] != b'-' {
            break;
        }
        let (_, we) = next_word(b, j);
        let valued = (at_exactly(b, q, b"--region")
            || at_exactly(b, q, b"--profile")
            || at_exactly(b, q, b"--output")
            || at_exactly(b, q, b"--query")
            || at_exactly(b, q, b"--color")
            || at_exactly(b, q, b"--cli-"))
            && !range_holds(b, q, we, b"=");
        j = skip_blanks(b, we);
        if valued {
            j = skip_blanks(b, next_word(b, j).1);
        }
    }
    let service = j;
    let op = skip_blanks(b, next_word(b, service).1);
    // What follows the command: another stage of its pipeline (`| jq …`), or none.
    let piped = e + 1 < b.len() && b[e] == b'|' && b[e + 1] != b'|';
    if word_at(b, service, b"secretsmanager") {
        if word_at(b, op, b"get-random-password") {
            // Not a password of few characters the script chose (`--password-length 1
            // --exclude-characters …`).
            return !range_holds(b, op, e, b"--exclude-char")
                && !range_holds(b, op, e, b"--password-length");
        }
        // The secret's value alone: its other fields name what the script asked for
        // (`Name`, `ARN`, an error's `SecretId`).
        word_at(b, op, b"get-secret-value") && selects_field(b, query, e, piped, false)
    } else if word_at(b, service, b"ssm") {
        (word_at(b, op, b"get-parameter")
            || word_at(b, op, b"get-parameters")
            || word_at(b, op, b"get-parameters-by-path"))
            && selects_field(b, query, e, piped, true)
            && !parameter_written_in_script(b)
    } else if word_at(b, service, b"ecr") || word_at(b, service, b"ecr-public") {
        word_at(b, op, b"get-login-password") || word_at(b, op, b"get-authorization-token")
    } else {
        // A token of RDS is a signed URL that holds the host and the user it was asked for:
        // used whole only.
        (word_at(b, service, b"rds") && word_at(b, op, b"generate-db-auth-token") && !piped)
            || (word_at(b, service, b"codeartifact") && word_at(b, op, b"get-authorization-token"))
            || (word_at(b, service, b"kms") && word_at(b, op, b"generate-random"))
    }
}

/// Whether the AWS CLI's `--query` (its value at `query`, 0 when none) or the `jq` stage
/// after it (`piped`) selects the value of a store of secrets alone (hostile review 30:
/// `--query InvalidParameters[0]` printed the name asked for, and the other fields name it
/// too): for Secrets Manager (`ssm` false) the query `SecretString` or `SecretBinary`, or a
/// program that starts `.SecretString` then ends or pipes it on; for Systems Manager a query
/// that starts `Parameter` and ends `.Value` (`Parameter.Value`, `Parameters[*].Value`), or
/// a program that starts `.Parameter.Value` then ends or pipes it on. With neither, the
/// whole output (the value with the other fields) is used as it is.
const fn selects_field(b: &[u8], query: usize, e: usize, piped: bool, ssm: bool) -> bool {
    if query != 0 {
        let v = if query < e && b[query] == b'=' {
            query + 1
        } else {
            skip_blanks(b, query)
        };
        let s = skip_quotes(b, v);
        let mut f = shell_word_end(b, v);
        while f > s && matches!(b[f - 1], b'"' | b'\'') {
            f -= 1;
        }
        return if ssm {
            at_exactly(b, s, b"Parameter") && f >= s + 15 && at_exactly(b, f - 6, b".Value")
        } else {
            f == s + 12 && (at_exactly(b, s, b"SecretString") || at_exactly(b, s, b"SecretBinary"))
        };
    }
    // The whole output, fields and all, holds the value too: no stage picks another field.
    if !piped {
        return true;
    }
    let t = skip_blanks(b, e + 1);
    if !word_at(b, t, b"jq") {
        return false;
    }
    // The program: the first word after its flags.
    let mut w = t + 2;
    loop {
        let ws = skip_blanks(b, w);
        if ws >= b.len() || matches!(b[ws], b'|' | b')' | b'\n' | b';') {
            return false;
        }
        let we = shell_word_end(b, ws);
        if we == ws {
            return false;
        }
        let q = skip_quotes(b, ws);
        if b[q] != b'-' {
            let field: &[u8] = if ssm {
                b".Parameter.Value"
            } else {
                b".SecretString"
            };
            if !at_exactly(b, q, field) {
                return false;
            }
            let mut r = q + field.len();
            while r < we && b[r] == b' ' {
                r += 1;
            }
            return r >= we || matches!(b[r], b'|' | b'"' | b'\'');
        }
        w = we;
    }
}

/// Whether the script may write a parameter of Systems Manager, which it may read back with
/// the AWS CLI, which then passes for a fetch (hostile review 30): outside a comment, the
/// operation that writes one in any spelling (the CLI's `put-parameter`, an SDK's
/// `put_parameter`, `PutParameterCommand`, `putParameter`, the API's
/// `AmazonSSM.PutParameter`, PowerShell's `Write-SSMParameter`, as [`operation_at`] and
/// [`spelled_at`] read them; hostile review 31, the twelfth probe's `boto3` case), the
/// resource type that makes one (`AWS::SSM::Parameter` given to `aws cloudcontrol` or to a
/// template the script deploys, Terraform's `aws_ssm_parameter`), `chamber`, whose store is
/// Systems Manager, an `aws ssm` operation named by an expansion (`aws ssm $op-parameter`;
/// the fifteenth probe), or `--cli-input-json`/`--cli-input-yaml`, which carry any
/// parameter. Its value may be any text (`--value prod` is an ordinary setting, not
/// refused), so no read of a parameter is a fetch in such a script. A tool or a name made
/// at run time that this list does not know (Python's `getattr`) is not read: the
/// instance's role, which should not allow `ssm:PutParameter` on what the script reads,
/// stops it. (Secrets Manager's values written by the CLI go through flags named like a
/// secret, `--secret-string`, which the password flags read, and written otherwise are
/// refused by [`secret_written_at`]; the text is read here only for `ssm`, whose reads are
/// few.)
const fn parameter_written_in_script(b: &[u8]) -> bool {
    let mut x = 0;
    let n = b.len();
    while x + 9 < n {
        let c = lower!(b[x]);
        let quote = matches!(c, b'"' | b'\'' | b'\\');
        let written = ((c == b'c' || quote) && match_word(b, x, b"cli-input-", true) != 0)
            || ((c == b'p' || quote) && operation_at(b, x, b"putparameter"))
            || (matches!(c, b'a' | b'w' | b'c' | b's')
                && (x == 0 || !b[x - 1].is_ascii_alphanumeric())
                && match c {
                    b'a' => spelled_at(b, x, b"awsssmparameter") != 0,
                    b'w' => spelled_at(b, x, b"writessmparameter") != 0,
                    b'c' => word_at(b, x, b"chamber"),
                    _ => word_at(b, x, b"ssm") && operation_made_at_boot(b, x + 3),
                });
        if written && !in_comment(b, x) {
            return true;
        }
        x += 1;
    }
    false
}

/// Whether the word after `w` (the operation of an `aws` service) holds an expansion or a
/// command substitution, which may name any operation (`aws ssm $op-parameter`).
const fn operation_made_at_boot(b: &[u8], w: usize) -> bool {
    let (s, e) = next_word(b, w);
    let mut k = s;
    while k < e {
        if b[k] == b'$' || b[k] == b'`' {
            return true;
        }
        k += 1;
    }
    false
}

/// Whether `b[i..]` writes a secret of Secrets Manager otherwise than by the AWS CLI's own
/// words, outside a comment: an SDK's `put_secret_value`, `PutSecretValueCommand`,
/// `createSecret`, `update_secret`, the API's `secretsmanager.PutSecretValue`, PowerShell's
/// `Write-SECSecretValue`, `New-SECSecret`, `Update-SECSecret` (as [`operation_at`] reads
/// them), or the resource type that makes one (`AWS::SecretsManager::Secret` given to `aws
/// cloudcontrol` or to a template the script deploys, Terraform's
/// `aws_secretsmanager_secret_version`; the fifteenth probe), in a script that reads a
/// secret back ([`secret_read_in_script`]): the check cannot read the value such a program
/// writes, which the script may read back and pass for a fetched one (hostile review 31,
/// the twelfth probe's `boto3` case: `put_secret_value(SecretId='app',
/// SecretString='hunter2')`, then `mysql -p"$(aws secretsmanager get-secret-value …)"`). The
/// CLI's `put-secret-value`, `create-secret` and `update-secret` give the value by
/// `--secret-string`, which the password flags read, or `--cli-input-json`
/// ([`cli_input_to_store_at`]). A tool or a name made at run time that this list does not
/// know (Python's `getattr`) is not read: the instance's role, which should not allow
/// `secretsmanager:PutSecretValue` on what the script reads, stops it. Dispatched on the
/// first letter, as the main loop calls it at many words.
const fn secret_written_at(b: &[u8], i: usize) -> bool {
    let written = match lower!(b[i]) {
        b'p' => operation_at(b, i, b"putsecretvalue") && !at_exactly(b, i, b"put-secret-value"),
        b'c' => operation_at(b, i, b"createsecret") && !at_exactly(b, i, b"create-secret"),
        b'u' => {
            (operation_at(b, i, b"updatesecret") && !at_exactly(b, i, b"update-secret"))
                || operation_at(b, i, b"updatesecsecret")
        }
        b'w' => operation_at(b, i, b"writesecsecretvalue"),
        b'n' => operation_at(b, i, b"newsecsecret"),
        _ => {
            (i == 0 || !b[i - 1].is_ascii_alphanumeric())
                && spelled_at(b, i, b"awssecretsmanagersecret") != 0
        }
    };
    written && !in_comment(b, i) && secret_read_in_script(b)
}

/// Whether the script reads a secret of Secrets Manager, outside a comment: `get-secret-value`
/// in any spelling (the CLI's, an SDK's `get_secret_value`, PowerShell's
/// `Get-SECSecretValue`), or a parameter of Systems Manager that refers to one
/// (`/aws/reference/secretsmanager/NAME`; the fifteenth probe).
const fn secret_read_in_script(b: &[u8]) -> bool {
    let mut x = 0;
    while x + 14 <= b.len() {
        let c = lower!(b[x]);
        if ((c == b'g'
            && (spelled_at(b, x, b"getsecretvalue") != 0
                || spelled_at(b, x, b"getsecsecretvalue") != 0))
            || (c == b'r' && spelled_at(b, x, b"reference/secretsmanager") != 0))
            && !in_comment(b, x)
        {
            return true;
        }
        x += 1;
    }
    false
}

/// Where the letters of `needle` (lower case, no separator) end when they are spelled at
/// `i`, in any case, with any of `-`, `_`, `:`, the shell's quotes, `$`, backslashes and line
/// ends between them (`put-parameter`, `put_parameter`, `PutParameter`, `put-"param"eter`,
/// `AWS::SSM::Parameter`): how the AWS CLI, the SDKs, PowerShell, CloudFormation and a shell
/// spell one operation or type. 0 when they are not.
const fn spelled_at(b: &[u8], i: usize, needle: &[u8]) -> usize {
    let mut k = i;
    let mut n = 0;
    while n < needle.len() {
        while k < b.len()
            && matches!(
                b[k],
                b'-' | b'_' | b':' | b'"' | b'\'' | b'\\' | b'$' | b'\n'
            )
        {
            k += 1;
        }
        if k >= b.len() || lower!(b[k]) != needle[n] {
            return 0;
        }
        k += 1;
        n += 1;
    }
    k
}

/// Whether the operation spelled `needle` ([`spelled_at`]) is named at `i` as a word of its
/// own: after no letter or digit, and before no lower-case letter, digit, `_` or file
/// extension (an SDK's `PutSecretValueCommand` and `put_secret_value(` are;
/// `create_secret_key` and `update_secret.sh` are not).
const fn operation_at(b: &[u8], i: usize, needle: &[u8]) -> bool {
    if i > 0 && b[i - 1].is_ascii_alphanumeric() {
        return false;
    }
    let e = spelled_at(b, i, needle);
    e != 0
        && (e >= b.len()
            || !(b[e].is_ascii_lowercase()
                || b[e].is_ascii_digit()
                || b[e] == b'_'
                || (b[e] == b'.' && e + 1 < b.len() && b[e + 1].is_ascii_alphabetic())))
}

/// Whether the value of `--query` that follows `v` (`=VALUE` or a word) may print text of the
/// script: a literal of JMESPath, a raw string `'…'` or a JSON value `` `…` `` (JMESPath
/// Specification, "Raw String Literals" and "Literal Expressions"), as the CLI reads it
/// after the shell's quotes, outside a filter `[?…]`, where it is only compared.
const fn query_writes_text(b: &[u8], v: usize, e: usize) -> bool {
    let mut j = if v < e && b[v] == b'=' {
        v + 1
    } else {
        skip_blanks(b, v)
    };
    // 0: no quote of the shell; `'` or `"`: inside one.
    let mut quote = 0u8;
    let mut depth = 0u32;
    let mut last = 0u8;
    while j < e {
        let x = b[j];
        let mut seen = 0u8;
        if quote == b'\'' {
            if x == b'\'' {
                quote = 0;
            } else {
                seen = x;
            }
        } else if quote == b'"' {
            if x == b'"' {
                quote = 0;
            } else if x == b'\\' && j + 1 < e {
                j += 1;
                seen = b[j];
            } else {
                seen = x;
            }
        } else if x == b'\'' || x == b'"' {
            quote = x;
        } else if x == b'\\' && j + 1 < e {
            j += 1;
            seen = b[j];
        } else if matches!(x, b' ' | b'\t' | b'\n' | b';' | b'|' | b'&' | b')') {
            return false;
        } else {
            seen = x;
        }
        // An expansion makes the query at boot (`--query "$Q"`): not read.
        if quote != b'\'' && (x == b'$' || x == b'`') {
            return true;
        }
        if (seen == b'?' && last == b'[') || (seen == b'[' && depth > 0) {
            depth += 1;
        } else if seen == b']' && depth > 0 {
            depth -= 1;
        } else if (seen == b'\'' || seen == b'`') && depth == 0 {
            return true;
        }
        if seen != 0 {
            last = seen;
        }
        j += 1;
    }
    false
}

/// Whether the command `b[s..e]` names a host by an IPv6 literal (`[::1]`, `[00::1]`,
/// `[0000:0000::1]`, `[::ffff:127.0.0.1]`: hostile review 30), which may be the instance
/// itself in more spellings than a list holds: `[` then hexadecimal digits and a `:`.
const fn ipv6_literal(b: &[u8], s: usize, e: usize) -> bool {
    let mut j = s;
    while j + 1 < e {
        if b[j] == b'[' && (b[j + 1] == b':' || b[j + 1].is_ascii_hexdigit()) {
            let mut t = j + 1;
            while t < e && (b[t].is_ascii_hexdigit() || matches!(b[t], b':' | b'.')) {
                if b[t] == b':' {
                    return true;
                }
                t += 1;
            }
        }
        j += 1;
    }
    false
}

/// Whether a word of the command `b[s..e]` names a host by a number that is not a plain
/// dotted quad (hostile review 30: `http://0:8000`, `2130706433`, `0177.0.0.1` and
/// `0x7f000001` all reach the instance itself, which `127.` does not spell): a host, after
/// a scheme's `://` or at a word's start, that starts with a digit and holds only digits,
/// dots, `x` and the letters of hexadecimal, but is not four decimal parts of at most 255
/// without a leading zero; not the number after a flag of curl's or wget's that takes one
/// (`--retry 3`, `-m 10`, `--tries 5`), nor one inside quoted text (a header).
const fn odd_numeric_host(b: &[u8], s: usize, e: usize) -> bool {
    let mut j = s;
    // The quote open at `j` (0: none), and whether the last word was a flag (whose value a
    // number may be: `--retry 3`).
    let mut quote = 0u8;
    let mut flag = false;
    while j < e {
        let x = b[j];
        let word = j == s || matches!(b[j - 1], b' ' | b'\t');
        if word && quote == 0 && x != b'"' && x != b'\'' {
            let was = flag;
            // A flag of curl's that takes a number (curl(1)).
            flag = x == b'-'
                && (at_exactly(b, j, b"-m ")
                    || at_exactly(b, j, b"-y ")
                    || at_exactly(b, j, b"-Y ")
                    || at_exactly(b, j, b"--max-time")
                    || at_exactly(b, j, b"--retry")
                    || at_exactly(b, j, b"--connect-timeout")
                    || at_exactly(b, j, b"--limit-rate")
                    || at_exactly(b, j, b"--speed-")
                    || at_exactly(b, j, b"--max-filesize")
                    || at_exactly(b, j, b"--keepalive-time")
                    || at_exactly(b, j, b"--expect100-timeout")
                    || at_exactly(b, j, b"--tries")
                    || at_exactly(b, j, b"--timeout")
                    || at_exactly(b, j, b"-T ")
                    || at_exactly(b, j, b"-t "));
            if was && x.is_ascii_digit() {
                j += 1;
                continue;
            }
        }
        // A quote that opens a word may hold a URL (`"http://0:8000/"`); others hold text.
        let opens = quote == 0 && (x == b'"' || x == b'\'');
        if opens {
            quote = x;
            j += 1;
            continue;
        }
        if quote != 0 && x == quote {
            quote = 0;
            j += 1;
            continue;
        }
        let start = (quote == 0 && word)
            || (j > s
                && quote != 0
                && b[j - 1] == quote
                && (j - 1 == s || matches!(b[j - 2], b' ' | b'\t')))
            || (j >= 3 && b[j - 1] == b'/' && b[j - 2] == b'/' && b[j - 3] == b':');
        if start && b[j].is_ascii_digit() {
            let mut h = j;
            let mut numeric = true;
            while h < e
                && !matches!(
                    b[h],
                    b'/' | b':' | b'?' | b'#' | b'"' | b'\'' | b' ' | b'\t' | b')'
                )
            {
                if !(b[h].is_ascii_hexdigit() || b[h] == b'.' || b[h] == b'x' || b[h] == b'X') {
                    numeric = false;
                }
                h += 1;
            }
            if numeric {
                // Four decimal parts of at most 255, no leading zero.
                let mut parts = 0;
                let mut p = j;
                let mut plain = true;
                while p <= h && plain {
                    let mut q = p;
                    let mut value = 0u32;
                    while q < h && b[q].is_ascii_digit() && value < 1000 {
                        value = value * 10 + (b[q] - b'0') as u32;
                        q += 1;
                    }
                    plain = q > p
                        && q - p <= 3
                        && value <= 255
                        && !(b[p] == b'0' && q - p > 1)
                        && (q == h || b[q] == b'.');
                    parts += 1;
                    p = q + 1;
                }
                if !(plain && parts == 4) {
                    return true;
                }
            }
            j = h;
            continue;
        }
        j += 1;
    }
    false
}

/// Whether the Vault command whose words are `b[s..e]` (after `vault`) reads a secret the
/// script did not write (hostile review 30: `vault kv put secret/app v=hunter2` then `vault kv
/// get`; `VAULT_ADDR=http://127.0.0.1:8200`, a server of the script's own): `vault kv get`
/// or `vault read`, in a script that writes no secret to Vault (`kv put`, `kv patch`,
/// `write`) and names its server (`VAULT_ADDR`, `-address`) only over `https://` and not by
/// a loopback name (Vault CLI documentation, "kv get", "read", "VAULT_ADDR").
const fn vault_fetches(b: &[u8], s: usize, e: usize) -> bool {
    let mut j = skip_blanks(b, s);
    while j < e && b[skip_quotes(b, j)] == b'-' {
        j = skip_blanks(b, next_word(b, j).1);
    }
    if !((word_at(b, j, b"kv") && word_at(b, skip_blanks(b, j + 2), b"get"))
        || word_at(b, j, b"read"))
    {
        return false;
    }
    let mut x = 0;
    let n = b.len();
    while x + 6 < n {
        let c = b[x];
        if ((c == b'k' || matches!(c, b'"' | b'\'' | b'\\'))
            && (match_word(b, x, b"kv put", true) != 0 || match_word(b, x, b"kv patch", true) != 0))
            || (c == b'w'
                && at_exactly(b, x, b"write")
                && x > 0
                && matches!(b[x - 1], b' ' | b'\t'))
        {
            return false;
        }
        if (c == b'V' && at_exactly(b, x, b"VAULT_ADDR"))
            || (c == b'-' && at_exactly(b, x, b"-address"))
        {
            let mut v = x + if c == b'V' { 10 } else { 8 };
            while v < n && matches!(b[v], b'=' | b' ' | b'\t' | b'"' | b'\'') {
                v += 1;
            }
            let mut f = v;
            while f < n && !matches!(b[f], b' ' | b'\t' | b'\n' | b'"' | b'\'' | b';') {
                f += 1;
            }
            // No value but from another setter (`read -r VAULT_ADDR < f`): not read; `unset`
            // alone gives none.
            if f == v {
                let mut p = x;
                while p > 0 && !matches!(b[p - 1], b'\n' | b';' | b'|' | b'&') {
                    p -= 1;
                }
                if !word_at(b, skip_blanks(b, p), b"unset") {
                    return false;
                }
            }
            if f > v
                && (!at_ignore_case(b, v, b"https://")
                    || range_holds(b, v, f, b"localhost")
                    || range_holds(b, v, f, b"127.")
                    || range_holds(b, v, f, b"[::")
                    || odd_numeric_host(b, v + 8, f))
            {
                return false;
            }
        }
        x += 1;
    }
    true
}

/// Whether a redirection in `b[s..e]` may send a command's errors to its output: its error
/// stream given anything but `/dev/null`, in any spelling of the redirection (`2>`, `2>>`,
/// `2>|`, `2<>`, `&>`, `&>>`; hostile review 30: `2<>/dev/stdout`), to a descriptor
/// (`2>&1`), a path of one (`/dev/stdout`, `/proc/self/fd/1`) or a file that may be a link
/// to one.
const fn errors_to_output(b: &[u8], s: usize, e: usize) -> bool {
    let mut j = s;
    while j + 1 < e {
        let errors = (b[j] == b'2'
            && (j == 0 || !name_byte(b[j - 1]))
            && (b[j + 1] == b'>' || (b[j + 1] == b'<' && j + 2 < e && b[j + 2] == b'>')))
            || (b[j] == b'&' && b[j + 1] == b'>');
        if errors {
            let mut t = j + 1;
            while t < e && matches!(b[t], b'<' | b'>' | b'|') {
                t += 1;
            }
            let t = skip_blanks(b, t);
            if !(at_exactly(b, t, b"/dev/null")
                && (t + 9 >= b.len() || !(name_byte(b[t + 9]) || matches!(b[t + 9], b'/' | b'.'))))
            {
                return true;
            }
        }
        j += 1;
    }
    false
}

/// Whether `openssl passwd` (its words `b[s..e]`, the command at `k`) hashes only values
/// fetched before it: each operand one expansion of a fetched variable (`"$PW"`), its flags
/// an algorithm (`-1`, `-5`, `-6`, `-apr1`, `-aixmd5`, `-crypt`), `-salt SALT` or `-quiet`;
/// not `-stdin` or `-in FILE`, which read text, nor `-table`, which prints the password
/// (openssl-passwd(1)). What it prints is a hash of a fetched value (`chpasswd -e`; hostile
/// review 30).
const fn openssl_passwd_of_fetched(b: &[u8], s: usize, e: usize, k: usize) -> bool {
    let mut w = s;
    let mut operands = 0;
    loop {
        let (ws, we) = next_word(b, w);
        if ws >= e || ws == we {
            return operands > 0;
        }
        // (The word ends at the substitution's `)` at the latest.)
        let we = if we > e { e } else { we };
        w = we;
        let q = skip_quotes(b, ws);
        if q < we && b[q] == b'-' {
            if at_exactly(b, q, b"-salt") {
                w = next_word(b, w).1;
            } else if !(at_exactly(b, q, b"-1 ")
                || at_exactly(b, q, b"-5 ")
                || at_exactly(b, q, b"-6 ")
                || at_exactly(b, q, b"-apr1")
                || at_exactly(b, q, b"-aixmd5")
                || at_exactly(b, q, b"-crypt")
                || at_exactly(b, q, b"-quiet"))
            {
                return false;
            }
            continue;
        }
        // One expansion, quoted or not: `"$PW"`, `$PW`, `"${PW}"`.
        if !(q < we && b[q] == b'$' && q + 1 < we && b[q + 1] != b'(' && variable_fetched(b, q, k))
        {
            return false;
        }
        let mut t = q + 1;
        if t < we && b[t] == b'{' {
            t += 1;
        }
        while t < we && name_byte(b[t]) {
            t += 1;
        }
        while t < we && matches!(b[t], b'}' | b'"') {
            t += 1;
        }
        if t != we {
            return false;
        }
        operands += 1;
    }
}

/// Whether the words `b[s..e]` fed to a password reader expand only variables fetched at
/// boot ([`variable_fetched`]) and command substitutions that fetch, and hold no `$'…'`
/// (written text) nor `${…:-…}` (a default written in the script).
const fn fed_words_fetched(b: &[u8], s: usize, e: usize) -> bool {
    let mut j = s;
    let mut single = false;
    while j < e {
        let x = b[j];
        if single {
            if x == b'\'' {
                single = false;
            }
        } else if x == b'\\' {
            j += 1;
        } else if x == b'\'' && !double_quoted(b, s, j) {
            single = true;
        } else if x == b'$' && j + 1 < e && b[j + 1] == b'\'' {
            return false;
        } else if x == b'$' && j + 1 < e && (b[j + 1] == b'(' || b[j + 1] == b'`') {
            if !substitution_fetches(b, j, j) {
                return false;
            }
        } else if x == b'`' {
            if !substitution_fetches(b, j, j) {
                return false;
            }
            j += 1;
            while j < e && b[j] != b'`' {
                j += 1;
            }
        } else if x == b'$'
            && j + 1 < e
            && (b[j + 1] == b'{' || name_byte(b[j + 1]))
            && !variable_fetched(b, j, j)
        {
            return false;
        }
        j += 1;
    }
    true
}

/// Whether the file named `b[q..f]` (given to a password reader at `at`) is only read by
/// the script: its last part is named nowhere else but where a fetching command
/// ([`fetching_command`]) writes it (`aws … --output text > /root/pw`) or `echo`/`printf`
/// write fetched values alone into it, before `at`.
///
/// Not a file the system writes from what the script gives it (`useradd -c hunter2 …` then
/// `/etc/passwd`, `hostnamectl set-hostname` then `/etc/hostname`, `logger` then
/// `/var/log/…`), nor cloud-init's copy of the user data itself (`/var/lib/cloud/`; hostile
/// review 29): [`system_written_path`].
const fn file_only_fetched(b: &[u8], q: usize, f: usize, at: usize) -> bool {
    // (Not a file descriptor's path, `/dev/fd/3`, `/dev/stdin`, `/proc/self/fd/…`.)
    if f == q + 9 && at_exactly(b, q, b"/dev/null") {
        return true;
    }
    // The kernel's random UUID, new at each read, which no script writes (proc(5),
    // `/proc/sys/kernel/random/uuid`; hostile review 30).
    if f == q + 28 && at_exactly(b, q, b"/proc/sys/kernel/random/uuid") {
        return true;
    }
    if f <= q
        || range_holds(b, q, f, b"dev/")
        || range_holds(b, q, f, b"proc/")
        || system_written_path(b, q, f)
    {
        return false;
    }
    // A brace expansion anywhere may make any name (`cp /d/{a,p}w`).
    let mut x = 0;
    while x + 1 < b.len() {
        if b[x] == b'{' && (x == 0 || b[x - 1] != b'$') {
            let mut y = x + 1;
            while y < b.len() && !matches!(b[y], b'}' | b' ' | b'\n' | b'\t') {
                if b[y] == b',' {
                    return false;
                }
                y += 1;
            }
        }
        x += 1;
    }
    let mut j = q;
    while j < f {
        if matches!(b[j], b'$' | b'`' | b'*' | b'?' | b'[') {
            return false;
        }
        j += 1;
    }
    // Compared by its last part (`/d//p`, `./p` and `p` after `cd /d` are the same file).
    let mut base = q;
    let mut j = q;
    while j < f {
        if b[j] == b'/' {
            base = j + 1;
        }
        j += 1;
    }
    if base >= f {
        return false;
    }
    let q = base;
    let len = f - q;
    let mut k = 0;
    while k + len <= b.len() {
        if k != q
            && b[k] == b[q]
            && names_equal(b, k, q, len)
            && (k == 0 || !(name_byte(b[k - 1]) || matches!(b[k - 1], b'.' | b'-' | b'$' | b'{')))
            && (k + len == b.len()
                || !(name_byte(b[k + len]) || matches!(b[k + len], b'/' | b'.' | b'-')))
        {
            let c = skip_blanks(b, command_start(b, k));
            // Commands that do not write it, before or after (`chmod 600`, `rm -f`).
            let harmless = word_at(b, c, b"chmod")
                || word_at(b, c, b"chown")
                || word_at(b, c, b"rm")
                || word_at(b, c, b"shred")
                || word_at(b, c, b"ls")
                || word_at(b, c, b"stat")
                || read_there(b, k);
            // After the read, only those (tested first: each writer's reads then come before
            // the read traced, so a trace through files always ends; `printf)mysql
            // -p$(</p>p` looped).
            if k > at && !harmless {
                return false;
            }
            let mut fetched = harmless || fetching_command(b, c);
            // Or `echo`/`printf` of fetched values alone into it (`echo "app:$PW" > FILE`).
            let mut r = k;
            while r > 0 && word_byte(b[r - 1]) && !matches!(b[r - 1], b'"' | b'\'' | b'>') {
                r -= 1;
            }
            while r > 0 && matches!(b[r - 1], b' ' | b'\t' | b'"' | b'\'') {
                r -= 1;
            }
            if r > 0
                && b[r - 1] == b'>'
                && ((at_exactly(b, c, b"echo") && word_at(b, c, b"echo"))
                    || (at_exactly(b, c, b"printf") && word_at(b, c, b"printf")))
                && fed_words_fetched(b, c, r)
                && !text_written_by(b, c, r)
                && !printed_words_mix_text(b, c, r)
            {
                fetched = true;
            }
            if !fetched {
                return false;
            }
        }
        k += 1;
    }
    true
}

/// Whether the path `b[q..f]` names a file that the system writes from what a script gives
/// it, or a copy of the user data: the account databases (`/etc/passwd`, `/etc/group`,
/// `/etc/shadow`, `/etc/gshadow`), `/etc/hostname`, `/etc/hosts`, `/etc/machine-info`,
/// anything under `/var/log/`, `/run/log/` or `/sys/`, and cloud-init's `/var/lib/cloud/`
/// (which keeps the user data, `/var/lib/cloud/instance/user-data.txt`).
const fn system_written_path(b: &[u8], q: usize, f: usize) -> bool {
    let mut p = q;
    while p < f && matches!(b[p], b'"' | b'\'') {
        p += 1;
    }
    let len = f - p;
    (len == 11 && at_exactly(b, p, b"/etc/passwd"))
        || (len == 10 && at_exactly(b, p, b"/etc/group"))
        || (len == 11 && at_exactly(b, p, b"/etc/shadow"))
        || (len == 12 && at_exactly(b, p, b"/etc/gshadow"))
        || (len == 13 && at_exactly(b, p, b"/etc/hostname"))
        || (len == 10 && at_exactly(b, p, b"/etc/hosts"))
        || (len == 17 && at_exactly(b, p, b"/etc/machine-info"))
        || at_exactly(b, p, b"/var/log/")
        || at_exactly(b, p, b"/var/lib/cloud/")
        || at_exactly(b, p, b"/run/log/")
        || at_exactly(b, p, b"/sys/")
}

/// Whether the file named by the word that holds `k` is only read there: after `<` (not
/// `<<`, `><`) or as the operand right after `cat`, `head` or `tail` (`$(< FILE)`, `$(cat
/// FILE)`, `read X < FILE`), which write nothing into it (hostile review 29).
const fn read_there(b: &[u8], k: usize) -> bool {
    let mut p = k;
    while p > 0
        && !matches!(
            b[p - 1],
            b' ' | b'\t' | b'\n' | b';' | b'(' | b'`' | b'<' | b'>'
        )
    {
        p -= 1;
    }
    let mut q = p;
    while q > 0 && matches!(b[q - 1], b' ' | b'\t') {
        q -= 1;
    }
    if q == 0 {
        return false;
    }
    if b[q - 1] == b'<' {
        return !(q > 1 && matches!(b[q - 2], b'<' | b'>'));
    }
    let mut s = q;
    while s > 0 && !matches!(b[s - 1], b' ' | b'\t' | b'\n' | b';' | b'(' | b'`' | b'|') {
        s -= 1;
    }
    q - s == 3 && word_at(b, s, b"cat")
        || q - s == 4 && (word_at(b, s, b"head") || word_at(b, s, b"tail"))
}

/// Whether the password reader named at `i` is fed in a way the check reads
/// ([`READER_SHAPE`]): it is the first word of its command, named plainly as
/// [`password_reader_at`] knows it, inside no group, and its input is its own here-string
/// (of fetched values or text the other checks read), here-document, or file that the script
/// does not write ([`file_only_fetched`]), or the stages piped straight into it are `echo`,
/// `printf`, `cat`, `aws` or `jq` (after `sudo`), whose words expand only fetched values
/// ([`fed_words_fetched`]).
const fn reader_fed_readably(b: &[u8], i: usize) -> bool {
    // The command that holds the reader (a flag's, or the reader named at `i`), from the
    // start of its stage (after `|`, or a quote that opens a command's text: `bash -c '…'`).
    // (Recognised where its stage starts, as the checks of written text read it: not in a
    // group, `echo … | { passwd --stdin root; }`.)
    let start = sink_stage_start(b, i);
    let w = first_word_from(b, start);
    // (The reader's word may be a path to it: `/usr/sbin/chpasswd`.)
    let mut wi = i;
    while wi > w && !matches!(b[wi - 1], b' ' | b'\t') {
        wi -= 1;
    }
    if b[i] != b'-' && w != wi {
        return false;
    }
    // A reader the checks of written text do not know there (`sshpass`, `newusers`, `vault
    // login`, a reader in a group): only fetched input, no text printed into it.
    let known = password_reader_at(b, skip_blanks(b, start));
    // `sudo -A` runs the askpass program the script names; a flag's file or descriptor.
    if b[i] == b'-' && !flag_input_readable(b, i) {
        return false;
    }
    if word_at(b, w, b"sshpass") && !sshpass_readable(b, w) {
        return false;
    }
    // Its own input.
    let mut own = false;
    let mut j = skip_blanks(b, start);
    while j < b.len() && !(matches!(b[j], b';' | b'|' | b'&' | b'\n') && command_end(b, j)) {
        if b[j] == b'<' {
            if at_exactly(b, j, b"<<<") {
                let t = skip_blanks(b, j + 3);
                if !known || !fed_words_fetched(b, t, shell_word_end(b, t)) {
                    return false;
                }
                own = true;
                j += 3;
                continue;
            }
            if at_exactly(b, j, b"<<") {
                own = true;
                if !known || !here_document_fetched(b, j) {
                    return false;
                }
                j += 2;
                continue;
            }
            let r = skip_blanks(b, j + 1);
            if r < b.len() && matches!(b[r], b'&' | b'(' | b'<') {
                return false;
            }
            let (s, e) = next_word(b, j + 1);
            let q = skip_quotes(b, s);
            let mut f = e;
            while f > q && matches!(b[f - 1], b'"' | b'\'') {
                f -= 1;
            }
            if !file_only_fetched(b, q, f, j) {
                return false;
            }
            own = true;
        }
        if b[j] == b'>' && j + 1 < b.len() && b[j + 1] == b'(' {
            return false;
        }
        j += 1;
    }
    // A pipe that ends the line before, or `|&` (which pipes error output too): not read.
    let mut p = start;
    while p > 0 && matches!(b[p - 1], b' ' | b'\t' | b'\n' | b'\r') {
        p -= 1;
    }
    if p > 0 && b[p - 1] == b'&' && p > 1 && b[p - 2] == b'|' {
        return false;
    }
    if p < start && p > 0 && b[p - 1] == b'|' {
        return false;
    }
    // The line before ending in a pipe and a comment (`| # …`).
    if start > 0 && b[start - 1] == b'\n' {
        let mut l = start - 1;
        while l > 0 && b[l - 1] != b'\n' {
            l -= 1;
            if b[l] == b'#' && l > 0 && matches!(b[l - 1], b' ' | b'\t') {
                let mut q = l - 1;
                while q > 0 && matches!(b[q], b' ' | b'\t') {
                    q -= 1;
                }
                if b[q] == b'|' {
                    return false;
                }
            }
        }
    }
    // The stages piped into it.
    let mut s = start;
    let mut piped = false;
    while s > 0 && b[s - 1] == b'|' {
        if s >= 2 && b[s - 2] == b'|' {
            break;
        }
        let end = s - 1;
        let p = sink_stage_start(b, end);
        // Spelled plainly (not `\echo`, `e''cho`), as the other checks read it.
        let w = first_word_from(b, p);
        // Only a group or `sudo` before it (not `LC_ALL=C echo`, which the checks of
        // written text do not read as `echo`).
        if !no_assignment_before(b, p, w) {
            return false;
        }
        let cat = known && at_exactly(b, w, b"cat") && word_at(b, w, b"cat");
        let jq = at_exactly(b, w, b"jq") && word_at(b, w, b"jq");
        let printing = (at_exactly(b, w, b"echo") && word_at(b, w, b"echo"))
            || (at_exactly(b, w, b"printf") && word_at(b, w, b"printf"));
        // (Asked only of other words: it looks for a function through the whole text.)
        let fetcher = !printing
            && !cat
            && !jq
            && ((at_exactly(b, w, b"aws") && fetching_command(b, w)) || fetching_function(b, w));
        if !((known && printing) || cat || (jq && jq_stage_fetched(b, w)) || fetcher)
            // (A fetching command's written words name what it fetches: `--region "$R"`.)
            || (!fetcher && !fed_words_fetched(b, w, end))
            || range_holds(b, p, end, b"<(")
            || range_holds(b, p, end, b"<&")
            || ((cat || jq) && !operand_files_only_fetched(b, w, end, jq))
            || (cat && !cat_reads_its_own(b, w, end))
        {
            return false;
        }
        piped = true;
        s = p;
    }
    // Without an input of its own, it reads the script's (nothing, from cloud-init) when it
    // starts its command (not in a loop, a condition or a group, whose input may be
    // redirected) and the script redirects its own input nowhere (`exec 0<<< …`).
    // Without an input of its own it reads one inherited (a group's, a function's, a loop's,
    // a shell's script on its input: `bash <<'EOF'` then `chpasswd` and the text), which the
    // check does not follow: refused, but for `realm join` (which may use a ticket), `sshpass`
    // given the password otherwise, and a flag given a file ([`flag_input_readable`]).
    own || piped || {
        let s0 = skip_blanks(b, start);
        (word_at(b, w, b"realm")
            || (word_at(b, w, b"sshpass") && !command_has_flag(b, w + 7, b'd', b""))
            || (b[i] == b'-' && flag_reads_file(b, i)))
            && (s0 == i
                || s0 == w
                || b[i] == b'-'
                || (word_at(b, s0, b"sudo") && after_sudo(b, s0) == i))
            && !input_redirected_by_exec(b)
    }
}

/// Whether the reader flag at `i` is given a file (not `-`, `STDIN`, `/dev/stdin` or `0`).
const fn flag_reads_file(b: &[u8], i: usize) -> bool {
    let (_, t) = next_word(b, i);
    if !(at_exactly(b, i, b"--passphrase-file")
        || at_exactly(b, i, b"--password-file")
        || at_exactly(b, i, b"--key-file"))
    {
        return false;
    }
    let mut v = i;
    while v < t && b[v] != b'=' {
        v += 1;
    }
    let (s, e) = if v < t { (v + 1, t) } else { next_word(b, t) };
    let q = skip_quotes(b, s);
    let stdin = (e == q + 1 && matches!(b[q], b'-' | b'0'))
        || at_exactly(b, q, b"STDIN")
        || at_exactly(b, q, b"/dev/stdin");
    !stdin
}

/// Whether the script redirects its own input or opens a file descriptor for reading with
/// `exec` (`exec 0<<< …`, `exec < FILE`, `exec 3<<< …`, `exec {fd}< …`).
const fn input_redirected_by_exec(b: &[u8]) -> bool {
    let mut k = 0;
    while k + 4 < b.len() {
        if b[k] == b'e' && word_at(b, k, b"exec") {
            let mut j = k + 4;
            while j < b.len() && !(matches!(b[j], b';' | b'|' | b'&' | b'\n') && command_end(b, j))
            {
                if b[j] == b'<' {
                    return true;
                }
                j += 1;
            }
        }
        k += 1;
    }
    false
}

/// Whether the word at `w` names a shell function the script defines before it (`NAME() {
/// … }`, `function NAME`) whose body prints only what fetching commands print
/// ([`function_body_fetches`]: `fetch() { aws secretsmanager get-secret-value … --output
/// text; }`, with `local id=$1`, `|| return 1`, a retry loop or a log line sent to its
/// errors), and whose errors are not given to the output at the call (`$(fetch 2>&1)`) nor
/// for the whole function (`fetch() { …; } 2>&1`).
const fn fetching_function(b: &[u8], w: usize) -> bool {
    let mut e = w;
    while e < b.len() && (b[e].is_ascii_alphanumeric() || b[e] == b'_') {
        e += 1;
    }
    if e == w {
        return false;
    }
    let len = e - w;
    let mut k = 0;
    while k + len < w {
        if b[k] == b[w]
            && names_equal(b, k, w, len)
            && (k == 0 || !name_byte(b[k - 1]))
            && !name_byte(b[k + len])
        {
            let p = skip_blanks(b, k + len);
            if defines_function_at(b, k, len) {
                // Defined again before the use (`get() { aws …; }` then `get() { echo …;
                // }`): bash runs the last definition (hostile review 27).
                let mut again = k + len;
                while again + len < w {
                    if b[again] == b[w]
                        && names_equal(b, again, w, len)
                        && !name_byte(b[again - 1])
                        && !name_byte(b[again + len])
                        && defines_function_at(b, again, len)
                    {
                        return false;
                    }
                    again += 1;
                }
                // The body: its statements, to the closing brace ([`function_body_fetches`]).
                let mut j = p;
                while j < b.len() && b[j] != b'{' {
                    j += 1;
                }
                if j + 1 >= w || j + 1 == k {
                    return false;
                }
                // Nor what the function sends to its errors given to the output it prints:
                // at the call (`$(f 2>&1)`, `f |& …`), or for the whole function (`f() { …;
                // } 2>&1`).
                let mut c = w + len;
                while c < b.len() && !matches!(b[c], b')' | b';' | b'\n' | b'`' | b'|') {
                    c += 1;
                }
                if (c + 1 < b.len() && b[c] == b'|' && b[c + 1] == b'&')
                    || errors_to_output(b, w + len, c)
                {
                    return false;
                }
                // Nor a use inside the function's own body (a call of itself, which the
                // trace would follow without end), nor one after `unset` or a sourced file
                // that may define it again or leave a command of its name to run.
                return !body_holds(b, j + 1, w)
                    && !redefined_between(b, j + 1, w)
                    && function_body_fetches(b, j + 1, w);
            }
        }
        k += 1;
    }
    false
}

/// Whether a command between `s` and `w` may define a function again or take it away,
/// other than a definition the text spells (hostile review 30): `unset` (`unset -f f`, after
/// which a command of that name on the `PATH` runs), or a file sourced (`. FILE`, `source
/// FILE`), which may define it.
const fn redefined_between(b: &[u8], s: usize, w: usize) -> bool {
    let mut x = s;
    while x + 1 < w {
        let start = x == 0
            || matches!(
                b[x - 1],
                b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'(' | b'{'
            );
        if start
            && ((b[x] == b'u'
                && at_exactly(b, x, b"unset")
                && x + 5 < w
                && matches!(b[x + 5], b' ' | b'\t'))
                || (b[x] == b's'
                    && at_exactly(b, x, b"source")
                    && x + 6 < w
                    && matches!(b[x + 6], b' ' | b'\t'))
                || (b[x] == b'.' && matches!(b[x + 1], b' ' | b'\t')))
        {
            return true;
        }
        x += 1;
    }
    false
}

/// Whether the body of a function that starts at `s` (after its `{`) is still open at `w`:
/// no `}` outside quotes and parameter expansions (`${1:-x}`) before it.
const fn body_holds(b: &[u8], s: usize, w: usize) -> bool {
    let mut j = s;
    let mut quote = 0u8;
    while j < w {
        let x = b[j];
        if quote != 0 {
            if x == quote {
                quote = 0;
            } else if x == b'\\' && quote == b'"' {
                j += 1;
            }
        } else if x == b'\\' {
            j += 1;
        } else if x == b'"' || x == b'\'' {
            quote = x;
        } else if x == b'$' && j + 1 < w && b[j + 1] == b'{' {
            while j < w && b[j] != b'}' {
                j += 1;
            }
        } else if x == b'}' {
            return false;
        }
        j += 1;
    }
    true
}

/// Whether the body of a function, from `j` (after its `{`) to its closing brace before `w`,
/// prints only what fetching commands print, and prints something (hostile review 30: the
/// functions engineers write, `local id=$1`, `|| return 1`, retries, a log line to stderr,
/// were refused; and a `}` in quotes, `--query '}'`, ended the body the check read, so that
/// `echo hunter2` after it passed). Each statement, between `;`, new lines, `&&` and `||`,
/// is one of:
/// - a pipeline that starts with a fetching command ([`fetching_command`]) and goes on
///   through stages that only reshape what they read ([`transform_stage`]):
///   [`fetch_statement_end`];
/// - `jq` given a here-string of a variable fetched before it (`s=$(aws …); jq -r .password
///   <<< "$s"`);
/// - a statement that prints nothing: [`silent_statement_end`].
///
/// No here-document (whose lines the check does not read here), no group, subshell or
/// backquote, and the closing brace only where a command may start.
const fn function_body_fetches(b: &[u8], mut j: usize, w: usize) -> bool {
    let body = j;
    let mut fetches = false;
    loop {
        while j < w && matches!(b[j], b' ' | b'\t' | b'\n' | b'\r' | b';') {
            j += 1;
        }
        if j >= w {
            return false;
        }
        if b[j] == b'}' {
            break;
        }
        // A comment, to its line's end.
        if b[j] == b'#' {
            while j < w && b[j] != b'\n' {
                j += 1;
            }
            continue;
        }
        let piped = echo_of_fetched(b, j, w);
        let end = if fetching_command(b, j) {
            fetches = true;
            fetch_statement_end(b, j, w, false)
        } else if piped != 0 {
            fetches = true;
            fetch_statement_end(b, piped, w, false)
        } else if word_at(b, j, b"jq") && jq_stage_fetched(b, j) {
            fetches = true;
            fetch_statement_end(b, j, w, true)
        } else {
            silent_statement_end(b, j, w, body)
        };
        if end == 0 {
            return false;
        }
        j = end;
    }
    // Nothing after the closing brace that redirects the function (`} 2>&1`, `} >&3`).
    let after = skip_blanks(b, j + 1);
    fetches
        && !(after < b.len()
            && (matches!(b[after], b'>' | b'<' | b'&') || b[after].is_ascii_digit()))
}

/// Where the pipe is of a statement at `j` that echoes one variable fetched before it into
/// later stages (`echo "$secret" | jq -r .password`, hostile review 30's false refusal): `echo`,
/// one expansion alone (`"$s"`, `$s`, `"${s}"`) of a fetched variable, then `|`; 0 otherwise.
const fn echo_of_fetched(b: &[u8], j: usize, w: usize) -> usize {
    if !word_at(b, j, b"echo") {
        return 0;
    }
    let v = skip_blanks(b, j + 4);
    let d = if v < w && b[v] == b'"' { v + 1 } else { v };
    if !(d + 1 < w && b[d] == b'$' && b[d + 1] != b'(' && variable_fetched(b, d, d)) {
        return 0;
    }
    let mut t = d + 1;
    let braced = b[t] == b'{';
    if braced {
        t += 1;
    }
    while t < w && name_byte(b[t]) && b[t] != b'-' {
        t += 1;
    }
    if braced {
        if !(t < w && b[t] == b'}') {
            return 0;
        }
        t += 1;
    }
    if d > v {
        if !(t < w && b[t] == b'"') {
            return 0;
        }
        t += 1;
    }
    let p = skip_blanks(b, t);
    if p + 1 < w && b[p] == b'|' && b[p + 1] != b'|' {
        p
    } else {
        0
    }
}

/// The end of the statement at `j` (the byte after it, at `;`, a new line, `&&` or `||`), a
/// pipeline that prints only what its first command fetches (or, when `fed`, what `jq` reads
/// from a here-string of a fetched variable): quotes read as the shell reads them, the later
/// stages only reshaping ([`transform_stage`]), and no `&` alone, `>&`, `(`, `{`, `}`,
/// backquote, expansion of a command, here-document or other here-string. 0 when it is not
/// such a statement.
const fn fetch_statement_end(b: &[u8], mut j: usize, w: usize, fed: bool) -> usize {
    let mut quote = 0u8;
    let mut herestring = false;
    while j < w {
        let x = b[j];
        if quote == b'\'' {
            if x == b'\'' {
                quote = 0;
            }
        } else if x == b'\\' {
            // Outside single quotes a backslash escapes the next byte (a new line too).
            j += 1;
        } else if x == b'`' || (x == b'$' && j + 1 < w && b[j + 1] == b'(') {
            return 0;
        } else if quote == b'"' {
            if x == b'"' {
                quote = 0;
            }
        } else if x == b'"' || x == b'\'' {
            quote = x;
        } else if matches!(x, b';' | b'\n') {
            return j;
        } else if x == b'&' {
            return if j + 1 < w && b[j + 1] == b'&' {
                j + 2
            } else {
                0
            };
        } else if x == b'|' {
            if j + 1 < w && b[j + 1] == b'|' {
                return j + 2;
            }
            // (Not `echo` or `printf`, which print their words, not what they are fed.)
            let next = skip_blanks(b, j + 1);
            if !transform_stage(b, next) || word_at(b, next, b"echo") || word_at(b, next, b"printf")
            {
                return 0;
            }
        } else if matches!(x, b'(' | b')' | b'{' | b'}') {
            return 0;
        } else if x == b'<' && j + 1 < w && b[j + 1] == b'<' {
            // Only `jq <<< "$s"` of a variable fetched before: one expansion, nothing else.
            if !fed || herestring || !at_exactly(b, j, b"<<<") {
                return 0;
            }
            herestring = true;
            let v = skip_blanks(b, j + 3);
            let d = if v < w && b[v] == b'"' { v + 1 } else { v };
            if !(d < w && b[d] == b'$' && variable_fetched(b, d, d)) {
                return 0;
            }
            let mut e = d + 1;
            let braced = e < w && b[e] == b'{';
            if braced {
                e += 1;
            }
            while e < w && name_byte(b[e]) {
                e += 1;
            }
            if braced {
                if !(e < w && b[e] == b'}') {
                    return 0;
                }
                e += 1;
            }
            if d > v {
                if !(e < w && b[e] == b'"') {
                    return 0;
                }
                e += 1;
            }
            if !(e >= w || matches!(b[e], b' ' | b'\t' | b';' | b'\n' | b'|' | b'&')) {
                return 0;
            }
            j = e;
            continue;
        } else if fed && x == b'$' {
            // What `jq` is given may only be the fetched here-string.
            return 0;
        }
        j += 1;
    }
    0
}

/// The end of the statement at `j` of a fetching function's body (the byte after it, at `;`,
/// a new line, `&&` or `||`) when it prints nothing to the function's output; 0 otherwise:
/// - the words of a loop or a test (`until`, `while`, `if`, `do`, `done`, `then`, `else`,
///   `fi`; the statement after the first three is read as one of its own);
/// - `return`, `exit`, `sleep`, `true`, `false` or `:` with at most one plain word;
/// - a test, `[ … ]`, `[[ … ]]` or `test …`, of no expansion of a command;
/// - `local`, `declare`, `typeset` or `readonly` (flags of `r`, `a`, `A`, `i`, `l`, `u`
///   only: not `-p`, `-f` or `-F`, which print, nor `-n` or `-x`), or none, then names or
///   assignments: each name in lower case and not a proxy's (`local -x https_proxy=…` would
///   send a fetch to a server of the script's), its value a word of no command expansion
///   other than one that fetches ([`substitution_fetches`]) and arithmetic (`n=$((n+1))`);
/// - `echo` or `printf` whose output is sent to the errors (`>&2` or `1>&2` last).
const fn silent_statement_end(b: &[u8], j: usize, w: usize, body: usize) -> usize {
    let mut e = j;
    while e < w && !matches!(b[e], b' ' | b'\t' | b';' | b'\n' | b'&' | b'|' | b'}') {
        e += 1;
    }
    let len = e - j;
    if (len == 2 && (at_exactly(b, j, b"do") || at_exactly(b, j, b"if") || at_exactly(b, j, b"fi")))
        || (len == 4
            && (at_exactly(b, j, b"done")
                || at_exactly(b, j, b"then")
                || at_exactly(b, j, b"else")))
        || (len == 5 && (at_exactly(b, j, b"until") || at_exactly(b, j, b"while")))
        || (len == 1 && b[j] == b'!')
    {
        // A word of its own (`!}` is a command's name, not `!` and the closing brace).
        return if e < w && matches!(b[e], b' ' | b'\t' | b'\n' | b';') {
            e
        } else {
            0
        };
    }
    // `for NAME in WORDS` of a retry loop: a name in lower case given plain words (`for i in
    // 1 2 3`), which print nothing.
    if len == 3 && at_exactly(b, j, b"for") {
        let ns = skip_blanks(b, e);
        let mut t = ns;
        while t < w && (b[t].is_ascii_lowercase() || b[t] == b'_') {
            t += 1;
        }
        if t == ns || !word_at(b, skip_blanks(b, t), b"in") {
            return 0;
        }
        t = skip_blanks(b, t) + 2;
        while t < w && !matches!(b[t], b';' | b'\n') {
            if !(b[t].is_ascii_alphanumeric() || matches!(b[t], b' ' | b'\t' | b'-' | b'.')) {
                return 0;
            }
            t += 1;
        }
        return statement_end(b, t, w);
    }
    let plain = (len == 6 && at_exactly(b, j, b"return"))
        || (len == 4 && (at_exactly(b, j, b"exit") || at_exactly(b, j, b"true")))
        || (len == 5 && (at_exactly(b, j, b"sleep") || at_exactly(b, j, b"false")))
        || (len == 1 && b[j] == b':');
    if plain {
        // At most one word: digits, `$?` or a name's value.
        let s = skip_blanks(b, e);
        let mut t = s;
        while t < w && (b[t].is_ascii_alphanumeric() || matches!(b[t], b'$' | b'?' | b'_' | b'.')) {
            t += 1;
        }
        return statement_end(b, t, w);
    }
    if (len == 1 && b[j] == b'[')
        || (len == 2 && at_exactly(b, j, b"[["))
        || (len == 4 && at_exactly(b, j, b"test"))
    {
        let double = len == 2;
        let mut t = e;
        let mut quote = 0u8;
        while t < w {
            let x = b[t];
            if x == b'`' || (x == b'$' && t + 1 < w && b[t + 1] == b'(') {
                return 0;
            }
            // `[[`'s arithmetic comparisons evaluate their operands, which may run a command
            // in a subscript (`[[ $v -eq 0 ]]` for `v='a[$(…)]'`; `[` compares numbers only).
            if double
                && quote == 0
                && x == b'-'
                && t + 3 <= w
                && matches!(b[t + 1], b'e' | b'n' | b'l' | b'g')
                && matches!(b[t + 2], b'q' | b'e' | b't')
                && matches!(b[t + 3], b' ' | b'\t')
            {
                return 0;
            }
            if quote != 0 {
                if x == quote {
                    quote = 0;
                }
            } else if x == b'"' || x == b'\'' {
                quote = x;
            } else if matches!(x, b';' | b'\n' | b'&' | b'|') {
                break;
            } else if matches!(x, b'<' | b'>' | b'(' | b')' | b'{' | b'}') {
                return 0;
            }
            t += 1;
        }
        return statement_end(b, t, w);
    }
    // The redirection first (`>&2 echo …`): the same as after it.
    if (at_exactly(b, j, b">&2 ") || at_exactly(b, j, b"1>&2 ")) && {
        let c = skip_blanks(b, j + if b[j] == b'1' { 4 } else { 3 });
        word_at(b, c, b"echo") || word_at(b, c, b"printf")
    } {
        let mut t = j + 4;
        let mut quote = 0u8;
        while t < w {
            let x = b[t];
            if x == b'`' || (x == b'$' && t + 1 < w && b[t + 1] == b'(') {
                return 0;
            }
            if quote != 0 {
                if x == quote {
                    quote = 0;
                } else if x == b'\\' && quote == b'"' {
                    t += 1;
                }
            } else if x == b'\\' {
                t += 1;
            } else if x == b'"' || x == b'\'' {
                quote = x;
            } else if matches!(x, b';' | b'\n' | b'|' | b'&' | b'}') {
                break;
            } else if matches!(x, b'<' | b'>' | b'(' | b')' | b'{') {
                return 0;
            }
            t += 1;
        }
        return statement_end(b, t, w);
    }
    if (len == 4 && at_exactly(b, j, b"echo")) || (len == 6 && at_exactly(b, j, b"printf")) {
        // To the end, outside quotes, then `>&2` or `1>&2` last and no other redirection.
        let mut t = e;
        let mut quote = 0u8;
        let mut last = 0;
        while t < w {
            let x = b[t];
            if x == b'`' || (x == b'$' && t + 1 < w && b[t + 1] == b'(') {
                return 0;
            }
            if quote != 0 {
                if x == quote {
                    quote = 0;
                } else if x == b'\\' && quote == b'"' {
                    t += 1;
                }
            } else if x == b'\\' {
                t += 1;
            } else if x == b'"' || x == b'\'' {
                quote = x;
            } else if matches!(x, b';' | b'\n' | b'|' | b'}')
                || (x == b'&' && !(t > 0 && b[t - 1] == b'>'))
            {
                break;
            } else if matches!(x, b'<' | b'(' | b')' | b'{') {
                return 0;
            } else if x == b'>' {
                if last != 0 {
                    return 0;
                }
                last = t;
            }
            t += 1;
        }
        let mut r = t;
        while r > e && matches!(b[r - 1], b' ' | b'\t') {
            r -= 1;
        }
        let before = last != 0
            && (b[last - 1] == b' ' || (b[last - 1] == b'1' && last >= 2 && b[last - 2] == b' '));
        let target = skip_blanks(b, last + 1);
        let to_errors = last != 0
            && before
            && ((r == last + 3 && b[last + 1] == b'&' && b[last + 2] == b'2')
                || (r == target + 11 && at_exactly(b, target, b"/dev/stderr")));
        return if to_errors { statement_end(b, t, w) } else { 0 };
    }
    // Declarations and assignments.
    let declaration = (len == 5 && at_exactly(b, j, b"local"))
        || (len == 7 && (at_exactly(b, j, b"declare") || at_exactly(b, j, b"typeset")))
        || (len == 8 && at_exactly(b, j, b"readonly"));
    let mut t = j;
    if declaration {
        t = skip_blanks(b, e);
        while t < w && b[t] == b'-' {
            t += 1;
            // (Not `-i`, whose values are arithmetic, which runs `a[$(…)]`.)
            while t < w && matches!(b[t], b'r' | b'a' | b'A' | b'l' | b'u') {
                t += 1;
            }
            if !(t < w && matches!(b[t], b' ' | b'\t')) {
                return 0;
            }
            t = skip_blanks(b, t);
        }
    }
    // (`local` alone prints the function's variables: a name at least.)
    let mut names = 0;
    loop {
        t = skip_blanks(b, t);
        if t >= w || matches!(b[t], b';' | b'\n' | b'&' | b'|' | b'}') {
            break;
        }
        let s = t;
        while t < w && (b[t].is_ascii_lowercase() || b[t].is_ascii_digit() || b[t] == b'_') {
            t += 1;
        }
        if t == s || b[s].is_ascii_digit() || range_holds(b, s, t, b"proxy") {
            return 0;
        }
        if t < w && b[t] == b'=' {
            t = assigned_word_end(b, t + 1, w, body);
            if t == 0 {
                return 0;
            }
        } else if !declaration || !(t >= w || matches!(b[t], b' ' | b'\t' | b';' | b'\n')) {
            // A command after an assignment (`n=0 echo …`), or a word that is no name.
            return 0;
        }
        names += 1;
    }
    if names == 0 {
        return 0;
    }
    statement_end(b, t, w)
}

/// The end of an assigned value from `j` (after `=`): a word whose quotes are read as the
/// shell reads them, of no command expansion but arithmetic (`$((n+1))`) and one that
/// fetches ([`substitution_fetches`]), and no redirection; 0 when it holds another.
const fn assigned_word_end(b: &[u8], mut j: usize, w: usize, body: usize) -> usize {
    let mut quote = 0u8;
    while j < w {
        let x = b[j];
        if quote == b'\'' {
            if x == b'\'' {
                quote = 0;
            } else if x == b'`' || (x == b'$' && j + 1 < w && b[j + 1] == b'(') {
                // A command in quotes, which arithmetic would run later (`'a[$(…)]'`).
                return 0;
            }
            j += 1;
            continue;
        }
        if x == b'`' {
            return 0;
        }
        if x == b'$' && j + 1 < w && b[j + 1] == b'(' {
            let arithmetic = j + 2 < w && b[j + 2] == b'(';
            if !arithmetic && !substitution_fetches(b, j, j) {
                return 0;
            }
            if arithmetic && !arithmetic_of_numbers(b, j + 3, w, body) {
                return 0;
            }
            // To the matching `)`.
            let mut depth = 0;
            j += 1;
            while j < w {
                if b[j] == b'(' {
                    depth += 1;
                } else if b[j] == b')' {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                j += 1;
            }
            if j >= w {
                return 0;
            }
            j += 1;
            continue;
        }
        if x == b'\\' {
            j += 2;
            continue;
        }
        if quote == b'"' {
            if x == b'"' {
                quote = 0;
            }
        } else if x == b'"' || x == b'\'' {
            quote = x;
        } else if matches!(x, b' ' | b'\t' | b';' | b'\n' | b'&' | b'|') {
            return j;
        } else if x == b'$' && j + 1 < w && b[j + 1] == b'{' {
            // A parameter's expansion, to its `}`, of no command in it (`${1}`, `${n:-0}`).
            j += 2;
            while j < w && b[j] != b'}' {
                if matches!(b[j], b'`' | b'(' | b'{' | b'\n') {
                    return 0;
                }
                j += 1;
            }
        } else if matches!(x, b'<' | b'>' | b'(' | b')' | b'{' | b'}') {
            return 0;
        }
        j += 1;
    }
    0
}

/// Whether the arithmetic from `s` (after `$((`) to its `))` holds only numbers, operators
/// and names that the function's body (from `body`, before `w`) gives numbers alone
/// (`local n=0`, `n=$((n+1))`): a name holding text would be evaluated as an expression,
/// and an array's subscript in it runs commands (`a[$(…)]`, hostile review 30).
const fn arithmetic_of_numbers(b: &[u8], s: usize, w: usize, body: usize) -> bool {
    let mut j = s;
    while j + 1 < w && !(b[j] == b')' && b[j + 1] == b')') {
        let x = b[j];
        if x.is_ascii_alphabetic() || x == b'_' {
            let ns = j;
            while j < w && name_byte(b[j]) {
                j += 1;
            }
            if !name_numeric_in_body(b, body, w, ns, j) {
                return false;
            }
            continue;
        }
        if !(x.is_ascii_digit() || matches!(x, b' ' | b'+' | b'-' | b'*' | b'/' | b'%')) {
            return false;
        }
        j += 1;
    }
    j + 1 < w
}

/// Whether every assignment of the name `b[ns..ne]` in the body `b[body..w]` gives it a
/// number or arithmetic (`n=0`, `n=$((n+1))`), and one declares it with a number (`local
/// n=0`).
const fn name_numeric_in_body(b: &[u8], body: usize, w: usize, ns: usize, ne: usize) -> bool {
    let len = ne - ns;
    let mut declared = false;
    let mut k = body;
    while k + len < w {
        if names_equal(b, k, ns, len)
            && (k == 0 || !name_byte(b[k - 1]))
            && !name_byte(b[k + len])
            && k >= 4
            && at_exactly(b, k - 4, b"for ")
        {
            // A loop's name, given words (`for n in x`).
            return false;
        }
        if names_equal(b, k, ns, len) && (k == 0 || !name_byte(b[k - 1])) && b[k + len] == b'=' {
            let v = k + len + 1;
            // Digits alone (`0`, not `0+x`), or arithmetic.
            let mut d = v;
            while d < w && b[d].is_ascii_digit() {
                d += 1;
            }
            let digits = d > v
                && (d >= w || matches!(b[d], b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'}'));
            if !(v < w && (digits || at_exactly(b, v, b"$(("))) {
                return false;
            }
            // In a declaration of its statement (`local id=$1 n=0`).
            let mut p = k;
            while p > body && !matches!(b[p - 1], b';' | b'\n' | b'{' | b'&' | b'|') {
                p -= 1;
            }
            let p = skip_blanks(b, p);
            if b[v].is_ascii_digit()
                && (at_exactly(b, p, b"local ")
                    || at_exactly(b, p, b"declare ")
                    || at_exactly(b, p, b"typeset "))
            {
                declared = true;
            }
        }
        k += 1;
    }
    declared
}

/// The end of a statement whose words end at `t`: past blanks, at `;` or a new line (the
/// byte itself), or past `&&` or `||`; 0 when something else follows.
const fn statement_end(b: &[u8], t: usize, w: usize) -> usize {
    let t = skip_blanks(b, t);
    if t < w && matches!(b[t], b';' | b'\n') {
        t
    } else if t + 1 < w
        && ((b[t] == b'&' && b[t + 1] == b'&') || (b[t] == b'|' && b[t + 1] == b'|'))
    {
        t + 2
    } else {
        0
    }
}

/// Where the stage of a pipeline that holds `i` starts, for [`reader_fed_readably`]: after
/// the last end of a command before it, or after a quote that opens a command's text
/// ([`command_text_quote`]: `bash -c '…'`, `eval '…'`, `ssh HOST '…'`), or a `$(`.
const fn sink_stage_start(b: &[u8], i: usize) -> usize {
    let mut s = i;
    while s > 0 && !(matches!(b[s - 1], b';' | b'|' | b'&' | b'\n') && command_end(b, s - 1)) {
        s -= 1;
    }
    let mut start = s;
    // A substitution still open at `i` (`X=$(… | chpasswd`), not one closed before it.
    let mut before = s;
    let mut depth = 0;
    let mut j = s;
    while j < i {
        if matches!(b[j], b'"' | b'\'') && command_text_quote(b, j) {
            start = j + 1;
        } else if b[j] == b'$' && j + 1 < i && b[j + 1] == b'(' {
            if depth == 0 {
                before = start;
            }
            depth += 1;
            start = j + 2;
        } else if b[j] == b')' && depth > 0 {
            depth -= 1;
            if depth == 0 {
                start = before;
            }
        }
        j += 1;
    }
    start
}

/// Whether the quote at `q` opens the text of a command: after `-c` (or a cluster ending in
/// `c`: `bash -lc`), `eval` or `trap`, or an argument of `ssh`.
const fn command_text_quote(b: &[u8], q: usize) -> bool {
    let mut p = q;
    while p > 0 && matches!(b[p - 1], b' ' | b'\t') {
        p -= 1;
    }
    if p == q || p == 0 {
        return false;
    }
    let mut w = p;
    while w > 0 && word_byte(b[w - 1]) {
        w -= 1;
    }
    (b[w] == b'-' && p > w + 1 && b[p - 1] == b'c' && b[w + 1] != b'-')
        || (p == w + 4 && (at_exactly(b, w, b"eval") || at_exactly(b, w, b"trap")))
        || word_at(b, command_word(b, q), b"ssh")
}

/// The first word of the command that starts at `p`, past blanks, the `{`, `(` or `!` of
/// groups, and the words that lead to it ([`COMMAND_LEADS`]: `then`, `do`, `sudo -u app`).
const fn first_word_from(b: &[u8], p: usize) -> usize {
    let mut c = group_skipped(b, p);
    let mut leads = 0;
    while leads < 6 {
        // A function's header (`NAME() {`) and assignments for the command (`A=b cmd`).
        let mut e = c;
        while e < b.len() && (b[e].is_ascii_alphanumeric() || b[e] == b'_') {
            e += 1;
        }
        if e > c && e < b.len() && b[e] == b'(' && at_exactly(b, skip_blanks(b, e + 1), b")") {
            c = group_skipped(b, skip_blanks(b, e + 1) + 1);
            leads += 1;
            continue;
        }
        if e > c && e < b.len() && b[e] == b'=' {
            c = group_skipped(b, shell_word_end(b, e + 1));
            leads += 1;
            continue;
        }
        let mut w = 0;
        let mut lead = false;
        while w < COMMAND_LEADS.len() {
            let word = COMMAND_LEADS[w].as_bytes();
            if c < b.len() && b[c] == word[0] && word_at(b, c, word) {
                c = if w == 0 {
                    after_sudo(b, c)
                } else {
                    group_skipped(b, c + word.len())
                };
                lead = true;
                break;
            }
            w += 1;
        }
        if !lead {
            break;
        }
        leads += 1;
    }
    c
}

/// Whether no `=` comes between `p` and the command at `w`, but groups, a function's
/// header and the words that lead to a command ([`COMMAND_LEADS`]): no assignment for it
/// (`LC_ALL=C echo`, which the checks of written text do not read as `echo`).
const fn no_assignment_before(b: &[u8], p: usize, w: usize) -> bool {
    let mut j = p;
    while j < w {
        if b[j] == b'=' {
            return false;
        }
        j += 1;
    }
    true
}

/// Whether `cat` at `w` (to `end`) reads files or a here-string or here-document of its own,
/// not an input it inherits (`{ cat | chpasswd; } <<< …`).
const fn cat_reads_its_own(b: &[u8], w: usize, end: usize) -> bool {
    let (_, mut k) = next_word(b, w);
    while k < end {
        let (s, e) = next_word(b, k);
        if s == e || s >= end {
            return false;
        }
        let q = skip_quotes(b, s);
        if b[q] == b'<' || (b[q] != b'-' && b[q] != b'>') {
            return true;
        }
        k = e;
    }
    false
}

/// Whether the files named by the operands of `cat` or `jq` (after its program) at `w`, to
/// `end`, are only fetched ([`file_only_fetched`]).
const fn operand_files_only_fetched(b: &[u8], w: usize, end: usize, jq: bool) -> bool {
    let (_, mut k) = next_word(b, w);
    let mut program = jq;
    while k < end {
        let (s, e) = next_word(b, k);
        if s == e || s >= end {
            return true;
        }
        k = e;
        let q = skip_quotes(b, s);
        if matches!(b[q], b'<' | b'>' | b'-') && e > q + 1 {
            continue;
        }
        if program {
            program = false;
            continue;
        }
        let mut f = e;
        while f > q && matches!(b[f - 1], b'"' | b'\'') {
            f -= 1;
        }
        if !file_only_fetched(b, q, f, w) {
            return false;
        }
    }
    true
}

/// Whether the reader flag at `i` reads what the check can follow: `sudo -A` never (its
/// askpass program prints the password); a descriptor other than 0 (`--passphrase-fd 3`)
/// never; a file (`--password-file F`, `--passphrase-file F`, `--key-file F`) only when the
/// script does not write it ([`file_only_fetched`]); `-`, `STDIN`, `/dev/stdin` and `0`
/// read the input, which the caller reads.
const fn flag_input_readable(b: &[u8], i: usize) -> bool {
    let (_, t) = next_word(b, i);
    if b[i + 1] != b'-' {
        return !cluster_has(b, i, t, b'A');
    }
    let valued = at_exactly(b, i, b"--passphrase-fd")
        || at_exactly(b, i, b"--passphrase-file")
        || at_exactly(b, i, b"--password-file")
        || at_exactly(b, i, b"--key-file");
    if !valued {
        return true;
    }
    // The value: after `=`, or the next word.
    let mut v = i;
    while v < t && b[v] != b'=' {
        v += 1;
    }
    let (s, e) = if v < t { (v + 1, t) } else { next_word(b, t) };
    let q = skip_quotes(b, s);
    let mut f = e;
    while f > q && matches!(b[f - 1], b'"' | b'\'') {
        f -= 1;
    }
    if f == q + 1 && matches!(b[q], b'-' | b'0') {
        return true;
    }
    if (f == q + 5 && at_exactly(b, q, b"STDIN"))
        || (f == q + 10 && at_exactly(b, q, b"/dev/stdin"))
    {
        return true;
    }
    !at_exactly(b, i, b"--passphrase-fd") && file_only_fetched(b, q, f, i)
}

/// Whether `sshpass` at `w` reads what the check can follow: `-d FD` only 0, `-f FILE` only a
/// file the script does not write, `-e` only a `SSHPASS` the script does not set but from a
/// fetch, and `-p` is read by the checks of flags.
const fn sshpass_readable(b: &[u8], w: usize) -> bool {
    let mut k = w + 7;
    let mut words = 0;
    while words < 6 {
        let (s, e) = next_word(b, k);
        if s == e || b[s] != b'-' {
            return true;
        }
        if e == s + 2 && b[s + 1] == b'd' {
            let (vs, ve) = next_word(b, e);
            return ve == vs + 1 && b[vs] == b'0';
        }
        if e > s + 2 && b[s + 1] == b'd' {
            return e == s + 3 && b[s + 2] == b'0';
        }
        // (`e > s + 1`: a `-` alone may end the text.)
        if e > s + 1 && b[s + 1] == b'f' {
            let (vs, ve) = if e > s + 2 {
                (s + 2, e)
            } else {
                next_word(b, e)
            };
            return file_only_fetched(b, skip_quotes(b, vs), ve, w);
        }
        if e == s + 2 && b[s + 1] == b'e' {
            // Each `SSHPASS=` before must assign a fetch, and no other setter may name it
            // (`read -r SSHPASS <<< …`, `printf -v SSHPASS …`; hostile review 29): only
            // its expansions and `export`, `readonly`, `unset` of the name alone.
            let mut j = 0;
            while j + 7 < w {
                if b[j] == b'S' && at_exactly(b, j, b"SSHPASS") && (j == 0 || !name_byte(b[j - 1]))
                {
                    let after = j + 7;
                    if after < b.len() && b[after] == b'=' {
                        let value = skip_quotes(b, after + 1);
                        if !substitution_fetches(b, value, j) {
                            return false;
                        }
                    } else if !(after < b.len() && name_byte(b[after]))
                        && !(j > 0
                            && (b[j - 1] == b'$'
                                || (b[j - 1] == b'{' && j > 1 && b[j - 2] == b'$')))
                    {
                        let c = first_word_from(b, command_start(b, j));
                        if !(c < j
                            && (word_at(b, c, b"export")
                                || word_at(b, c, b"readonly")
                                || word_at(b, c, b"unset"))
                            && !command_has_flag(b, c, b'n', b""))
                        {
                            return false;
                        }
                    }
                }
                j += 1;
            }
            return true;
        }
        k = e;
        words += 1;
    }
    true
}

/// Whether the here-document at `i` given to a password reader expands only fetched values
/// (a quoted delimiter expands nothing: its text is read by the other checks).
const fn here_document_fetched(b: &[u8], i: usize) -> bool {
    let d = skip_blanks(
        b,
        if at_exactly(b, i, b"<<-") {
            i + 3
        } else {
            i + 2
        },
    );
    if d >= b.len() || matches!(b[d], b'"' | b'\'' | b'\\') {
        return true;
    }
    let mut k = logical_line_end(b, i);
    while k < b.len() {
        let line = k + 1;
        let mut e = line;
        while e < b.len() && b[e] != b'\n' {
            e += 1;
        }
        let mut t = line;
        while t < e && b[t] == b'\t' {
            t += 1;
        }
        let mut de = d;
        while de < b.len() && (b[de].is_ascii_alphanumeric() || b[de] == b'_') {
            de += 1;
        }
        if de > d && t + (de - d) <= e && names_equal(b, t, d, de - d) && t + (de - d) >= e - 1 {
            return true;
        }
        if !fed_words_fetched(b, line, e) {
            return false;
        }
        k = e;
    }
    true
}

/// Shells and the commands that read their input or a `-c` text as a shell's commands.
const SHELLS: [&str; 11] = [
    "sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "busybox", "su", "runuser", "source",
];

/// Whether the command of the stage that starts at `k` is a shell ([`SHELLS`], `.`), past
/// blanks, quotes, `sudo` and its flags, and `env`, `exec`, `nohup` or `command`, its path
/// removed (`/bin/bash`).
const fn shell_stage_at(b: &[u8], k: usize) -> bool {
    let mut c = skip_blanks(b, k);
    if c < b.len() && b[c] == b's' {
        c = after_sudo(b, c);
    }
    c = skip_quotes(b, c);
    let mut leads = 0;
    while leads < 3
        && c < b.len()
        && matches!(b[c], b'e' | b'n' | b'c')
        && (word_at(b, c, b"env")
            || word_at(b, c, b"exec")
            || word_at(b, c, b"nohup")
            || word_at(b, c, b"command"))
    {
        c = skip_quotes(b, skip_blanks(b, next_word(b, c).1));
        leads += 1;
    }
    if c < b.len() && b[c] == b'.' && c + 1 < b.len() && matches!(b[c + 1], b' ' | b'\t') {
        return true;
    }
    // Past a path (`/bin/bash`, `/usr/bin/env`).
    let mut w = c;
    while w < b.len() && word_byte(b[w]) && !matches!(b[w], b'"' | b'\'') {
        if b[w] == b'/' {
            c = w + 1;
        }
        w += 1;
    }
    let mut s = 0;
    while c < b.len() && s < SHELLS.len() {
        let word = SHELLS[s].as_bytes();
        if b[c] == word[0] && word_at(b, c, word) {
            return true;
        }
        s += 1;
    }
    false
}

/// Whether the line that holds `i` may name a shell ([`SHELLS`], `.`): a word ending in
/// `sh`, `su`, `runuser`, `source`, `busybox` or a `.` alone, read without a call (the
/// budget of const evaluation counts calls) before [`text_run_at`] reads the line.
const fn line_may_name_shell(b: &[u8], i: usize) -> bool {
    let n = b.len();
    let mut s = i;
    while s > 0 && b[s - 1] != b'\n' {
        s -= 1;
    }
    let mut j = s;
    while j < n && (b[j] != b'\n' || (j > 0 && b[j - 1] == b'\\')) {
        let end = j + 1 == n || !(b[j + 1].is_ascii_alphanumeric() || b[j + 1] == b'_');
        if end
            && ((j > s && b[j - 1] == b's' && matches!(b[j], b'h' | b'u'))
                || (b[j] == b'r' && j >= s + 6 && b[j - 6] == b'r' && b[j - 1] == b'e')
                || (b[j] == b'e' && j >= s + 5 && b[j - 5] == b's' && b[j - 1] == b'c')
                || (b[j] == b'x' && j >= s + 6 && b[j - 6] == b'b' && b[j - 1] == b'o')
                || (b[j] == b'.'
                    && (j == s || matches!(b[j - 1], b' ' | b'\t' | b'|' | b';' | b'&'))))
        {
            return true;
        }
        j += 1;
    }
    false
}

/// Whether the text `b[s..e]` expands, outside single quotes, a variable last given written
/// text ([`written_before`]) or a substitution that prints written text
/// ([`literal_expansion`], [`substitution_written_at`]).
const fn expands_written(b: &[u8], s: usize, e: usize) -> bool {
    let mut j = s;
    let mut single = false;
    while j < e {
        let x = b[j];
        if single {
            if x == b'\'' {
                single = false;
            }
        } else if x == b'\\' {
            j += 1;
        } else if x == b'\'' && !double_quoted(b, s, j) {
            single = true;
        } else if (x == b'$' || x == b'`')
            && ((x == b'$' && written_before(b, j, j))
                || literal_expansion(b, j)
                || substitution_written_at(b, j))
        {
            return true;
        }
        j += 1;
    }
    false
}

/// Whether the byte at `j` is inside double quotes opened in `b[s..j]`.
const fn double_quoted(b: &[u8], s: usize, j: usize) -> bool {
    let mut k = s;
    let mut quote = 0u8;
    while k < j {
        let x = b[k];
        if quote == b'\'' {
            if x == b'\'' {
                quote = 0;
            }
        } else if x == b'\\' {
            k += 1;
        } else if quote == b'"' {
            if x == b'"' {
                quote = 0;
            }
        } else if x == b'"' || x == b'\'' {
            quote = x;
        }
        k += 1;
    }
    quote == b'"'
}

/// The end of the logical line that holds `k` (past continued new lines).
const fn logical_line_end(b: &[u8], k: usize) -> usize {
    let mut e = k;
    while e < b.len() && (b[e] != b'\n' || lf_continued(b, e)) {
        e += 1;
    }
    e
}

/// Whether the script runs, at `i`, text it makes as commands that the check cannot read
/// as script (hostile review 26; see [`RUN_TEXT`]): a pipeline that prints text (`echo`,
/// `printf`, `yes`, a here-string, `sed`, a `jq` writing text: [`stage_writes_text`]) into
/// a later stage that is a shell ([`shell_stage_at`]); a here-string given to a shell; a
/// process substitution read by `.`, `source` or a shell that prints written text; and a
/// variable or substitution of written text ([`expands_written`]) in the words of `eval`,
/// in the `-c` text of a shell, or in the lines of a here-document with an unquoted
/// delimiter given to a shell.
const fn text_run_at(b: &[u8], i: usize) -> bool {
    let n = b.len();
    let x = b[i];
    if x == b'|' && !(i + 1 < n && b[i + 1] == b'|') && (i == 0 || b[i - 1] != b'|') {
        // `crontab`, `at` and `batch` run their input's lines later: a variable or a
        // substitution of written text printed into them is text the check did not read as
        // script (`echo "$C" | crontab -`).
        let a = skip_blanks(b, i + 1);
        if a < n
            && matches!(b[a], b'c' | b'a' | b'b')
            && (word_at(b, a, b"crontab") || word_at(b, a, b"at") || word_at(b, a, b"batch"))
            && command_end(b, i)
        {
            let mut s = i;
            while s > 0
                && !(matches!(b[s - 1], b';' | b'|' | b'&' | b'\n') && command_end(b, s - 1))
            {
                s -= 1;
            }
            return expands_written(b, s, i);
        }
        if !(shell_stage_at(b, i + 1) && command_end(b, i)) {
            return false;
        }
        // The stages before, back to the start of the pipeline.
        let mut end = i;
        loop {
            let mut s = end;
            while s > 0
                && !(matches!(b[s - 1], b';' | b'|' | b'&' | b'\n') && command_end(b, s - 1))
            {
                s -= 1;
            }
            let c = command_word(b, s);
            if word_at(b, c, b"echo")
                || word_at(b, c, b"printf")
                || word_at(b, c, b"yes")
                || word_at(b, c, b"sed")
                || stage_writes_text(b, c)
                || range_holds(b, s, end, b"<<<")
            {
                return true;
            }
            if !(s > 0 && b[s - 1] == b'|') {
                return false;
            }
            end = s - 1;
        }
    }
    if x == b'<' && at_exactly(b, i, b"<<<") {
        return shell_stage_at(b, stage_start(b, i));
    }
    if x == b'<' && i + 1 < n && b[i + 1] == b'(' && (i == 0 || b[i - 1] != b'<') {
        let c = command_word(b, i);
        return (shell_stage_at(b, c) || (b[c] == b'.' && c + 1 < n && blank(b, c + 1) > 0))
            && substitution_written(b, i + 2, b')');
    }
    if x == b'<' && at_exactly(b, i, b"<<") && (i == 0 || b[i - 1] != b'<') {
        // A here-document given to a shell, its delimiter unquoted: its lines are the
        // shell's script once expanded.
        let mut d = skip_blanks(
            b,
            if at_exactly(b, i, b"<<-") {
                i + 3
            } else {
                i + 2
            },
        );
        if d >= n || matches!(b[d], b'"' | b'\'' | b'\\') {
            return false;
        }
        let mut k = i;
        while k < n && !(matches!(b[k], b';' | b'|' | b'&' | b'\n') && command_end(b, k)) {
            k += 1;
        }
        if !(shell_stage_at(b, stage_start(b, i)) || later_stage_runs(b, k)) {
            return false;
        }
        let ds = d;
        while d < n && (b[d].is_ascii_alphanumeric() || b[d] == b'_') {
            d += 1;
        }
        // The lines of the document, to the line of its delimiter.
        let mut k = logical_line_end(b, i);
        while k < n {
            let line = k + 1;
            let mut t = line;
            while t < n && b[t] == b'\t' {
                t += 1;
            }
            if d > ds
                && t + (d - ds) <= n
                && names_equal(b, t, ds, d - ds)
                && (t + (d - ds) == n || matches!(b[t + (d - ds)], b'\n' | b'\r'))
            {
                return false;
            }
            let mut e = line;
            while e < n && b[e] != b'\n' {
                e += 1;
            }
            // (Quotes in a here-document quote nothing: every expansion counts.)
            let mut j = line;
            while j < e {
                if (b[j] == b'$' || b[j] == b'`')
                    && !(j > line && b[j - 1] == b'\\')
                    && ((b[j] == b'$' && written_before(b, j, j))
                        || literal_expansion(b, j)
                        || substitution_written_at(b, j))
                {
                    return true;
                }
                j += 1;
            }
            k = e;
        }
        return false;
    }
    if x == b'e' && shell_keyword_at(b, i, b"eval") && command_position(b, i) {
        let e = words_end(b, i + 4);
        return expands_written(b, i + 4, e);
    }
    if x == b'-' && i > 0 && matches!(b[i - 1], b' ' | b'\t') && i + 1 < n && b[i + 1] != b'-' {
        let (_, fe) = next_word(b, i);
        if !cluster_has(b, i, fe, b'c') {
            return false;
        }
        let c = command_word(b, i);
        if c >= i || !shell_stage_at(b, c) {
            return false;
        }
        let (s, e) = next_shell_word(b, fe);
        return s < e && expands_written(b, s, e);
    }
    false
}

/// Whether a later stage of the pipeline whose stage ends at `k` is a shell.
const fn later_stage_runs(b: &[u8], mut k: usize) -> bool {
    while k < b.len() && b[k] == b'|' && !(k + 1 < b.len() && b[k + 1] == b'|') {
        if shell_stage_at(b, k + 1) {
            return true;
        }
        k += 1;
        while k < b.len() && !(matches!(b[k], b';' | b'|' | b'&' | b'\n') && command_end(b, k)) {
            k += 1;
        }
    }
    false
}

/// The end of the words of the command from `k`, reading quotes as the shell does (not as
/// [`command_end`] reads a command's quotes): the first `;`, `|`, `&` or new line (not
/// continued) outside quotes.
const fn words_end(b: &[u8], k: usize) -> usize {
    let mut j = k;
    let mut quote = 0u8;
    while j < b.len() {
        let x = b[j];
        if quote == b'\'' {
            if x == b'\'' {
                quote = 0;
            }
        } else if x == b'\\' {
            j += 1;
        } else if quote == b'"' {
            if x == b'"' {
                quote = 0;
            }
        } else if x == b'"' || x == b'\'' {
            quote = x;
        } else if matches!(x, b';' | b'|' | b'&') || (x == b'\n' && !lf_continued(b, j)) {
            return j;
        }
        j += 1;
    }
    j
}

/// Whether the text is a script for EC2Launch (`<powershell>`, `<script>`, `<persist>` at its
/// start), which the shell's checks do not read. A shell script may start with `<` too
/// (`<<< … cmd`, `<FILE cmd`): only these tags tell (hostile review 26).
const fn ec2launch_text(b: &[u8]) -> bool {
    at_ignore_case(b, 0, b"<powershell>")
        || at_ignore_case(b, 0, b"<script>")
        || at_ignore_case(b, 0, b"<persist>")
}

const fn unreadable_problem(b: &[u8]) -> Option<&'static str> {
    if text_command_redefined(b) {
        return Some(TEXT_COMMAND_REDEFINED);
    }
    if let Some(problem) = operator_misread_across_lines(b) {
        return Some(problem);
    }

    // Text run as commands is reported after the other reasons (it is found in the same
    // pass: the budget of const evaluation counts steps).
    // Neither is read in a script for EC2Launch.
    let ec2launch = !b.is_empty() && b[0] == b'<' && ec2launch_text(b);
    let mut run_text = ec2launch;
    let mut unread_reader = ec2launch;
    // Whether a reader was fed readably, and whether the script may run some of its text
    // again, after what follows it (a function, a loop, a trap, a here-document's text
    // kept for later): then what feeds the readers is read once more, for setters after
    // it ([`fed_variables_set_later`]; looked for here, in the pass over the text: the
    // budget of const evaluation counts steps).
    let mut reader_read = false;
    let mut again = false;
    // `shopt -s expand_aliases` lets an alias of any name run anything (`alias
    // setpw=chp"asswd"`; hostile review 26): the check cannot read what a word runs then.
    let mut aliases = false;
    let n = b.len();
    let mut i = 0;
    while i < n {
        if b[i] == b'x' && i > 0 && b[i - 1] == b'e' && at_exactly(b, i - 1, b"expand_aliases") {
            aliases = true;
        }
        if !run_text && matches!(b[i], b'|' | b'<' | b'e' | b'-') && text_run_trigger!(b, i, n) {
            run_text = text_run_at(b, i);
        }
        if !unread_reader
            && matches!(
                b[i],
                b'c' | b'p'
                    | b's'
                    | b'v'
                    | b'k'
                    | b'r'
                    | b'n'
                    | b'h'
                    | b'm'
                    | b'o'
                    | b'd'
                    | b'g'
                    | b'l'
                    | b'-'
            )
            && reader_trigger!(b, i, n)
            && reader_named_at(b, i)
        {
            unread_reader = !reader_fed_readably(b, i);
            reader_read = true;
        }
        if !again {
            again = match b[i] {
                // `NAME()`, `NAME ( )`.
                b'(' => {
                    let mut c = i + 1;
                    while c < n && matches!(b[c], b' ' | b'\t') {
                        c += 1;
                    }
                    c < n && b[c] == b')'
                }
                // `do` (every `while` and `until` has one), `for` and `select` (whose body
                // may be a `{ … }` group), `trap`, `function`: as any word's start.
                b'd' => {
                    i + 1 < n
                        && b[i + 1] == b'o'
                        && (i + 2 == n
                            || !matches!(b[i + 2], b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_'))
                }
                b't' => i + 3 < n && b[i + 1] == b'r' && b[i + 2] == b'a' && b[i + 3] == b'p',
                b'f' => {
                    i + 3 < n
                        && ((b[i + 1] == b'u' && b[i + 2] == b'n' && b[i + 3] == b'c')
                            || (b[i + 1] == b'o'
                                && b[i + 2] == b'r'
                                && matches!(b[i + 3], b' ' | b'\t' | b'(')
                                && (i == 0
                                    || matches!(
                                        b[i - 1],
                                        b' ' | b'\t' | b'\n' | b';' | b'&' | b'|'
                                    ))))
                }
                b's' => {
                    i + 6 < n
                        && b[i + 1] == b'e'
                        && b[i + 2] == b'l'
                        && b[i + 3] == b'e'
                        && b[i + 6] == b' '
                        && (i == 0 || matches!(b[i - 1], b' ' | b'\t' | b'\n' | b';' | b'&' | b'|'))
                }
                // A here-document whose delimiter is quoted keeps its text unexpanded, for a
                // file the script may run later.
                b'<' => {
                    let mut d = i + 2;
                    while d < n && matches!(b[d], b'-' | b' ' | b'\t') {
                        d += 1;
                    }
                    i + 1 < n && b[i + 1] == b'<' && d < n && matches!(b[d], b'"' | b'\'' | b'\\')
                }
                _ => false,
            };
        }
        match b[i] {
            b'\\' if splits_word(b, i) => return Some(SPLIT_WORD),
            b'\\' if spells(b, i) => return Some(SPELLED),
            b'$' | b'`' if dynamic_command_at(b, i) => return Some(DYNAMIC_COMMAND),
            b'{' if i + 1 < n
                && !matches!(b[i + 1], b' ' | b'\t' | b'\n')
                && (i == 0 || b[i - 1] != b'$')
                && brace_command_at(b, i)
                && !quoted_at(b, i)
                && !in_comment(b, i) =>
            {
                return Some(DYNAMIC_COMMAND);
            }
            // `find … -exec {} -p…`: the files `find` finds, run as the command (hostile
            // review 29).
            b'{' if i + 2 < n
                && b[i + 1] == b'}'
                && matches!(b[i + 2], b' ' | b'\t')
                && i >= 1
                && matches!(b[i - 1], b' ' | b'\t')
                && any_tool_given_password(b, i + 1)
                && !quoted_at(b, i)
                && !in_comment(b, i) =>
            {
                return Some(DYNAMIC_COMMAND);
            }
            b'{' if i + 1 < n
                && !matches!(b[i + 1], b' ' | b'\t' | b'\n')
                && (i == 0 || b[i - 1] != b'$')
                && brace_spells_at(b, i)
                && !quoted_at(b, i)
                && !in_comment(b, i) =>
            {
                return Some(BRACE_SPELLED);
            }
            b'?' | b'*' | b'[' | b'@' | b'+' | b'!'
                if !ec2launch
                    && (matches!(b[i], b'?' | b'*' | b'[') || (i + 1 < n && b[i + 1] == b'('))
                    // (Not a test's `[` or `[[`, a list's `["…"]`.)
                    && !(b[i] == b'['
                        && (i + 1 == n
                            || matches!(b[i + 1], b' ' | b'\t' | b'"' | b'\'')
                            || (b[i + 1] == b'[' && i + 2 < n && matches!(b[i + 2], b' ' | b'\t')))) =>
            {
                // (Not in the text of a text command, `sed "s|x.*|…|"`, nor a comment.)
                let (ws, ps, we) = pattern_word(b, i);
                if ws < we
                    && pattern_command_at(b, i, ws, ps, we)
                    && !quoted_at(b, i)
                    && !in_comment(b, i)
                {
                    return Some(DYNAMIC_COMMAND);
                }
                if ws < we
                    && !unread_reader
                    && pattern_reader_at(b, ws, ps, we)
                    && !quoted_at(b, i)
                    && !in_comment(b, i)
                {
                    unread_reader = true;
                }
            }
            b'=' if dynamic_name_at(b, i)
                || key_made_at_boot_at(b, i)
                || (i + 2 < n
                    && (matches!(b[i + 1], b'$' | b'`')
                        || (b[i + 1] == b'"' && b[i + 2] == b'$'))
                    && nameref_flag_before(b, i)
                    && nameref_made_at(b, i))
                || (i > 0 && b[i - 1] == b'}' && brace_named_at(b, i)) =>
            {
                return Some(DYNAMIC_NAME);
            }
            b':' if yaml_key_made_at_boot_at(b, i) => return Some(DYNAMIC_NAME),
            b'p' | b'r'
                if i + 1 < b.len()
                    && matches!((b[i], b[i + 1]), (b'p', b'r') | (b'r', b'e'))
                    && dynamic_name_by_command_at(b, i) =>
            {
                return Some(DYNAMIC_NAME);
            }
            b'p' if i + 1 < b.len() && b[i + 1] == b'r' && printf_pair_at(b, i) => {
                return Some(DYNAMIC_NAME);
            }
            b'e' | b'p' | b'y'
                if i > 0 && word_byte(b[i - 1]) && !matches!(b[i - 1], b'"' | b'\'') => {}
            b'e' | b'p' | b'<' if transformed_at(b, i) => return Some(TRANSFORMED),
            b'b' | b'x' | b'o' | b'u' | b'g' | b'z' | b'c' | b'C'
                if (i == 0
                    || matches!(
                        b[i - 1],
                        b' ' | b'\t' | b'\n' | b';' | b'|' | b'&' | b'(' | b'"' | b'\''
                    ))
                    && decoded_written_file_at(b, i) =>
            {
                return Some(TRANSFORMED);
            }
            b'e' | b'p' | b'y' | b'<' if password_fed_at(b, i) => return Some(FED_PASSWORD),
            // `cat FILE | …` (its first letters tested before anything is called: the
            // budget of const evaluation counts calls).
            b'c' if i + 2 < b.len() && b[i + 1] == b'a' && b[i + 2] == b't' => {
                if transformed_at(b, i) {
                    return Some(TRANSFORMED);
                }
                if password_fed_at(b, i) {
                    return Some(FED_PASSWORD);
                }
            }
            _ => {}
        }
        i += 1;
    }
    if again && reader_read && !unread_reader && !ec2launch {
        // The readers again, for setters after what feeds them.
        let mut i = 0;
        while i < n && !unread_reader {
            if reader_trigger!(b, i, n) && reader_named_at(b, i) {
                unread_reader = fed_variables_set_later(b, i);
            }
            i += 1;
        }
    }
    if aliases && !ec2launch {
        Some(TEXT_COMMAND_REDEFINED)
    } else if run_text && !ec2launch {
        Some(RUN_TEXT)
    } else if unread_reader && !ec2launch {
        Some(READER_SHAPE)
    } else {
        None
    }
}

/// The command-line tool to which `text` passes a written password as a flag or an operand,
/// if it does: `mysql -phunter2`, `mysql --password=hunter2`, `curl -u admin:hunter2`,
/// `sshpass -p hunter2`, `redis-cli -a hunter2`, `docker login -p hunter2`,
/// `openssl … -passin pass:hunter2`, `htpasswd -b FILE USER hunter2`,
/// `rabbitmqctl add_user USER hunter2`, … A value read at boot (`-p"$DB_PASSWORD"`,
/// `` -p`fetch` ``) or prompted for (`mysql -p`, `curl -u admin`) is not written. Works in
/// const context.
///
/// ```
/// use hipaa_stack_syntax::command_secret;
/// assert_eq!(command_secret("mysql -u admin -phunter2 ehr"), Some("mysql"));
/// assert_eq!(command_secret("curl -u admin:hunter2 https://example.com"), Some("curl"));
/// assert_eq!(command_secret("mysql -u admin -p\"$DB_PASSWORD\" ehr"), None);
/// assert_eq!(command_secret("mkdir -p /var/lib/app && docker run -p 443:8443 app"), None);
/// ```
pub const fn command_secret(text: &str) -> Option<&'static str> {
    let b = text.as_bytes();
    // Every flag of `TOOLS` begins with `-` (a test holds it), as does `htpasswd -b`: text
    // without one passes none, but for `rabbitmqctl add_user USER PASSWORD`, `mkpasswd
    // PASSWORD`, `openssl passwd PASSWORD`, `vault login TOKEN`, `rclone config create
    // NAME TYPE pass PASSWORD`, `sqlplus USER/PASSWORD@DB`, `mc alias set … SECRET`,
    // FreeRDP's `/p:PASSWORD` (hostile review 29), and `db2 connect … using PASSWORD`,
    // `expdp`, `sql` and `rman` logons and `doveadm auth test USER PASSWORD` (its tenth
    // probe).
    let mut dash = 0;
    while dash < b.len() && b[dash] != b'-' {
        dash += 1;
    }
    let mut r = 0;
    // (Their first letters first: most bytes start none of them.)
    while dash == b.len()
        && r < b.len()
        && !(matches!(b[r], b'r' | b'p' | b'v' | b's' | b'm' | b'f' | b'd' | b'e')
            && (at_exactly(b, r, b"rabbitmqctl")
                || at_exactly(b, r, b"passwd")
                || at_exactly(b, r, b"vault")
                || at_exactly(b, r, b"rclone")
                || at_exactly(b, r, b"sqlplus")
                || at_exactly(b, r, b"mc")
                || at_exactly(b, r, b"freerdp")
                || at_exactly(b, r, b"db2")
                || at_exactly(b, r, b"sql")
                || at_exactly(b, r, b"expdp")
                || at_exactly(b, r, b"rman")
                || at_exactly(b, r, b"doveadm")))
    {
        r += 1;
    }
    if dash == b.len() && r == b.len() {
        return None;
    }
    let mut later = LaterSetters::NONE;
    let mut i = 0;
    while i < b.len() {
        if let Some(tool) = command_secret_at(b, i, &mut later) {
            return Some(tool);
        }
        i += 1;
    }
    None
}

/// Why the token of a well-known service is refused.
const SERVICE_TOKEN: &str = "user data may not hold the token or key of a well-known service (GitHub `ghp_…` or `github_pat_…`, GitLab `glpat-…`, Slack `xoxb-…`, Stripe `sk_live_…`, Google `AIza…`), in a URL (`https://ghp_…@github.com/…`) or anywhere else: it is readable by anyone who may describe the instance (HIPAA 45 CFR §164.312(a)(2)(iv) and §164.312(d), hipaa-stack rule P1); fetch it at boot from Secrets Manager, by ARN, into a variable";

/// The prefixes of the tokens and keys of well-known services, with the fewest token
/// characters that follow one (the same list as the template rules read: GitHub's token
/// formats, GitLab's personal access tokens, Slack's bot, user and app tokens, Stripe's
/// live secret and restricted keys, Google's API keys).
const SERVICE_TOKENS: [(&str, usize); 14] = [
    ("ghp_", 36),
    ("gho_", 36),
    ("ghu_", 36),
    ("ghs_", 36),
    ("ghr_", 36),
    ("github_pat_", 22),
    ("glpat-", 20),
    ("xoxb-", 10),
    ("xoxp-", 10),
    ("xoxa-", 10),
    ("xapp-", 10),
    ("sk_live_", 16),
    ("rk_live_", 16),
    ("AIza", 35),
];

/// Whether the token of a well-known service ([`SERVICE_TOKENS`]) starts at `i`: its prefix,
/// then at least as many token characters (letters, digits, `_ - + / = .`) as it has.
const fn service_token_at(b: &[u8], i: usize) -> bool {
    let mut t = 0;
    while t < SERVICE_TOKENS.len() {
        let (prefix, fewest) = SERVICE_TOKENS[t];
        t += 1;
        if prefix.as_bytes()[0] != b[i] || !at_exactly(b, i, prefix.as_bytes()) {
            continue;
        }
        let mut k = i + prefix.len();
        while k < b.len()
            && (b[k].is_ascii_alphanumeric()
                || matches!(b[k], b'_' | b'-' | b'+' | b'/' | b'=' | b'.'))
        {
            k += 1;
        }
        if k - (i + prefix.len()) >= fewest {
            return true;
        }
    }
    false
}

/// The labels of PEM blocks that hold nothing secret (RFC 7468, "Textual Encodings of PKIX,
/// PKCS, and CMS Structures", and OpenPGP's armor): a certificate, a request, a list of
/// revoked certificates, a public key, parameters, a signature. Any other block (`PRIVATE
/// KEY`, `ENCRYPTED PRIVATE KEY`, `OPENSSH PRIVATE KEY`, OpenVPN's `Static key V1`, a label
/// the check does not know) is refused as a private key.
const PUBLIC_PEM_LABELS: [&str; 13] = [
    "CERTIFICATE-----",
    "TRUSTED CERTIFICATE-----",
    "X509 CRL-----",
    "CERTIFICATE REQUEST-----",
    "NEW CERTIFICATE REQUEST-----",
    "PUBLIC KEY-----",
    "RSA PUBLIC KEY-----",
    "PKCS7-----",
    "CMS-----",
    "DH PARAMETERS-----",
    "EC PARAMETERS-----",
    "PGP PUBLIC KEY BLOCK-----",
    "PGP SIGNATURE-----",
];

/// Whether the label of a PEM block at `k` (after `-----BEGIN `) is one of
/// [`PUBLIC_PEM_LABELS`], exactly.
const fn public_pem_at(b: &[u8], k: usize) -> bool {
    let mut l = 0;
    while l < PUBLIC_PEM_LABELS.len() {
        if at_exactly(b, k, PUBLIC_PEM_LABELS[l].as_bytes()) {
            return true;
        }
        l += 1;
    }
    false
}

/// The most user data EC2 accepts for an instance, in bytes, before base64: "User data is
/// limited to 16 KB, in raw form, before it is base64-encoded" (Amazon EC2 User Guide,
/// "Run commands when you launch an EC2 instance with user data input"; the EC2 API
/// Reference's `RequestLaunchTemplateData` `UserData` says the same).
pub const MAX_USER_DATA_BYTES: usize = 16 * 1024;

const USER_DATA_TOO_LONG: &str = "user data may not be longer than 16384 bytes, the most EC2 accepts for an instance before base64; keep the boot script short and fetch the rest at boot from a bucket of the app (`aws s3 cp s3://BUCKET/boot.sh - | bash`)";

/// Why one piece of text given to `user_data!` may not be user data, if it may not: longer
/// than EC2 accepts ([`MAX_USER_DATA_BYTES`]), which is refused before the text is read, so
/// that the compiler's evaluation of the check is bounded by the longest piece EC2 could
/// run; otherwise as [`user_data_problem`] reads it.
///
/// ```
/// use hipaa_stack_syntax::{user_data_piece_problem, MAX_USER_DATA_BYTES};
///
/// assert_eq!(user_data_piece_problem("#!/bin/bash\necho ready\n"), None);
/// assert!(user_data_piece_problem("PGPASSWORD=hunter2\n").is_some());
/// let long = "#".repeat(MAX_USER_DATA_BYTES + 1);
/// assert!(user_data_piece_problem(&long).unwrap().contains("16384 bytes"));
/// assert_eq!(user_data_piece_problem(&long[1..]), None);
/// ```
pub const fn user_data_piece_problem(text: &str) -> Option<&'static str> {
    if text.len() > MAX_USER_DATA_BYTES {
        return Some(USER_DATA_TOO_LONG);
    }
    user_data_problem(text)
}

/// Why user data `text` may carry a secret, if it may: a CloudFormation dynamic reference
/// (`{{resolve:…}}`, which CloudFormation would replace with the secret's value in the
/// template it deploys), a private key (any PEM block but a certificate, a request, a
/// revocation list, a public key, parameters or a signature), an AWS access key id, the
/// token of a well-known service (`ghp_…`, `glpat-…`, `xoxb-…`, `sk_live_…`, `AIza…`), or a name ending in a word
/// such as `password`, `secret` or `token` (or an abbreviation such as `PW` or `PASS` as the
/// name's last word, or a plural such as `SECRETS`) assigned a literal value (`=` or `:`,
/// to an array element `PASSWORD[0]=` too, or by `read NAME <<< …` and `printf -v NAME …`;
/// `AUTH` as the name's last word, as in `REDISCLI_AUTH` or npm's `_auth`, unless the value
/// is a setting such as `true` or `iam`), directly or through other variables given written
/// text (`X=hunter2; DB_PASSWORD=$X`), a Redis `requirepass` or `masterauth` setting or
/// ACL password (`>…`), keepalived's `auth_pass`, LDAP's `bindpw` or `rootpw`, a `.netrc`
/// entry (its tokens in any order) or an msmtp or fetchmail `user NAME password …` (in a
/// script that names their file: prose naming the programs is no such line), a
/// PgBouncer user list line, a Java `.properties` key named like a secret given a value
/// after white space (`db.password hunter2`), an SNMP community or pass phrase
/// (`rocommunity …`, `com2sec NAME SOURCE …`, `createUser NAME SHA …`, `snmpwalk -c …`), a
/// router's `snmp-server community …`, `enable secret …` or `username NAME secret …`,
/// HAProxy's `insecure-password …` or `stats auth USER:…`, a line of Postfix's
/// `sasl_passwd`, a BIND TSIG `secret "…";`, `NAME VALUE` echoed into a settings file
/// (`echo 'DB_PASSWD hunter2' >> app.conf`) or written there by a here-document or by
/// quoted text spanning lines, a setting named like a secret given its value on a settings
/// tool's command line (`git config`, `npm config set`, `pip config set`, `crudini --set`,
/// `xmlstarlet ed … -v`, `augtool set`, `poetry config http-basic.…`), a
/// debconf answer of type `password`, a password fed to `chpasswd` from a file the script wrote
/// from text, or a URL with a password (`postgres://app:hunter2@db`), an HTTP `Authorization` header
/// with its credential (`Bearer eyJ…`), a line of a PostgreSQL password file
/// (`host:5432:db:user:password`), or a password passed to a command as a flag
/// or as an operand (`htpasswd -b FILE USER PASSWORD`, `rabbitmqctl add_user USER PASSWORD`,
/// `vault login TOKEN`, `rclone config create NAME TYPE pass …`, an `expect` script's
/// `send "…"`, `sqlplus USER/PASSWORD@DB`)
/// ([`command_secret`], which reads quotes inside words, line continuations, `$IFS` and
/// carriage returns as the shell does). Other boot formats are read too (hostile review 19):
/// a cloud-config `chpasswd` list's `NAME:PASSWORD` (but `RANDOM`), the `write_files` (in
/// a block, a flow mapping or JSON) or Ignition content of a file named like a secret, the
/// commands of `runcmd` and `bootcmd` (`- echo …`, `[ sh, -c, "…" ]`) as the shell's;
/// PowerShell's `ConvertTo-SecureString '…'`, `net user NAME PASSWORD`, ADSI's
/// `SetPassword('…')`, `Set-Content`, `Add-Content` or `Out-File` of written text into a
/// secret's file, `Set-Item Env:NAME`; Python's `os.putenv`, `os.environ.setdefault` and
/// `open(…).write('…')` into a secret's file, and `NAME = …get_secret_value(…)` as fetched;
/// PowerShell's `Set-Variable` and `New-Variable` (`sv`, `nv`, `set`) as assignments, written
/// text mixed in with a fetched variable in a double-quoted string or here-string, Python's
/// `subprocess` feeding written text to a password reader (`input=…`, `communicate(…)`),
/// and a container of a fetch and written text picked by a key (hostile review 21). A value that starts with `$` or a backquote (a shell
/// variable or command, fetched at boot) is not a literal, unless the variable was last given
/// written text.
///
/// Shell that hides what it runs is refused because it cannot be read, never passed: a
/// word split by a line continuation (`my\` then `sql`), an operator that a line inside a
/// quote opened more than three lines before seems to quote (`X="a`, four lines, then
/// `echo 'b" ; …`; hostile review 25), escapes that spell letters, digits
/// or dashes (`$'\x6dysql'`, `printf '\155…'`), a command named by a variable or a command
/// substitution given a flag that can pass a password (`a=mysql; $a -p…`,
/// `eval "$a$b -p…"`), text of the script decoded or transformed (`echo … | base64 -d`,
/// `| rev`, `| tr`, `base64 -d <<< …`), and written text given to a variable whose name is
/// made at boot (`eval "$N=…"`, `DB_${E}=…`, `printf -v "$N" …`) or to a reference
/// (`declare -n REF=DB_PASSWORD`), and an encoded part: a MIME part with a transfer
/// encoding (`base64`, `quoted-printable`), a cloud-config file with `encoding: b64` or
/// `gzip`, a YAML `!!binary` value, a `data:…;base64,` URL, `powershell -EncodedCommand …`, a decoder called on a literal (`b64decode('…')`,
/// `[Convert]::FromBase64String('…')`), or written text fed to `xargs` that splices it into
/// a word or after a password tool's flag. Every message cites HIPAA 45 CFR §164.312(a)(2)(iv) and
/// §164.312(d) and rule P1. Works in const context.
///
/// ```
/// use hipaa_stack_syntax::user_data_problem;
/// assert_eq!(user_data_problem("#!/bin/bash\ndnf -y update\n"), None);
/// assert_eq!(user_data_problem("export PGPASSWORD=$(fetch-secret db)\n"), None);
/// assert!(user_data_problem("export PGPASSWORD=hunter2\n").is_some());
/// assert!(user_data_problem("echo {{resolve:secretsmanager:db}}").is_some());
/// assert!(user_data_problem("mysql -u admin \\\n  -phunter2 ehr\n").is_some());
/// assert!(user_data_problem("a=mysql; $a -phunter2\n").is_some());
/// assert!(user_data_problem("echo bXlzcWwgLXBodW50ZXIy | base64 -d | sh\n").is_some());
/// assert!(user_data_problem("echo 'rocommunity public' >> /etc/snmp/snmpd.conf\n").is_some());
/// assert!(user_data_problem("echo 'db.password hunter2' >> /opt/app/app.properties\n").is_some());
/// assert!(user_data_problem("cat > /etc/app.conf <<'EOF'\ndb_password hunter2\nEOF\n").is_some());
/// assert!(user_data_problem("crudini --set /etc/app.ini db password hunter2\n").is_some());
/// assert_eq!(user_data_problem("echo \"rocommunity is disabled\"\n"), None);
/// assert_eq!(user_data_problem("dnf install -y msmtp\nlogger 'user app password reset'\n"), None);
/// assert_eq!(user_data_problem("dnf install -y \\\n  jq\n"), None);
/// ```
pub const fn user_data_problem(text: &str) -> Option<&'static str> {
    let b = text.as_bytes();
    // The length once (`len` is a call, and the budget of const evaluation counts calls).
    let n = b.len();
    // What the password flags' variables read of their setters after them (G1).
    let mut later = LaterSetters::NONE;
    let mut i = 0;
    while i < n {
        // Each check starts with a byte of its own; the others are skipped at once, which
        // keeps a script of 16 KiB within the compiler's budget for const evaluation.
        let c = lower!(b[i]);
        // The next byte, in lower case (0 at the end), which most checks below look at
        // before they call anything.
        let next = if i + 1 < n { lower!(b[i + 1]) } else { 0 };
        if c == 0 {
            return Some(NUL_BYTE);
        }
        if c == b'{' && at_ignore_case(b, i, b"{{resolve:") {
            return Some(DYNAMIC_REFERENCE);
        }
        // The AWS CLI's configuration written by the script, or set by a name made at boot,
        // and a secret's or parameter's whole input given by `--cli-input-json` (hostile
        // review 30).
        if ((c == b'.'
            && next == b'a'
            && i + 5 < n
            && b[i + 2] == b'w'
            && b[i + 3] == b's'
            && b[i + 4] == b'/')
            || (c == b'_' && next == b'c' && i >= 3)
            || (c == b'c' && next == b'o' && i + 13 < n && b[i + 2] == b'n' && b[i + 3] == b'f'))
            && aws_configuration_written_at(b, i)
        {
            return Some(AWS_ENDPOINT);
        }
        if c == b'-'
            && next == b'-'
            && i + 12 < n
            && b[i + 2] == b'c'
            && b[i + 3] == b'l'
            && cli_input_to_store_at(b, i)
        {
            return Some(COMMAND_PASSWORD);
        }
        // A secret written by a program, read back by the AWS CLI (hostile review 31).
        if ((c == b'p' && next == b'u')
            || (c == b'c' && next == b'r')
            || (c == b'u' && next == b'p')
            || (c == b'a' && next == b'w')
            || (c == b'w' && next == b'r')
            || (c == b'n' && next == b'e'))
            && (i == 0 || !b[i - 1].is_ascii_alphanumeric())
            && i + 2 < n
            && matches!(
                lower!(b[i + 2]),
                b't' | b'e'
                    | b'd'
                    | b's'
                    | b'i'
                    | b'w'
                    | b'"'
                    | b'\''
                    | b'\\'
                    | b'$'
                    | b'_'
                    | b'-'
                    | b'\n'
            )
            && secret_written_at(b, i)
        {
            return Some(SECRET_READ_BACK);
        }
        // The AWS CLI's endpoint and certificate authority (hostile review 30), by the first
        // letters read, without a call for most bytes.
        if ((c == b'e'
            && i + 2 < n
            && next == b'n'
            && matches!(lower!(b[i + 2]), b'd' | b'"' | b'\'' | b'\\' | b'$'))
            || (c == b'c'
                && i + 2 < n
                && next == b'a'
                && matches!(b[i + 2], b'_' | b'-' | b'"' | b'\'' | b'\\' | b'$'))
            || (c == b'n'
                && i + 2 < n
                && next == b'o'
                && matches!(b[i + 2], b'-' | b'"' | b'\'' | b'\\' | b'$'))
            || (matches!(c, b'e' | b'c' | b'n') && matches!(next, b'"' | b'\'' | b'\\' | b'$')))
            && aws_endpoint_at(b, i)
        {
            return Some(AWS_ENDPOINT);
        }
        if (c == b'-' && at_ignore_case(b, i, b"-----begin ") && !public_pem_at(b, i + 11))
            || (c == b'p' && at_ignore_case(b, i, b"private key-----"))
        {
            return Some(PRIVATE_KEY);
        }
        if c == b'a'
            && matches!(next, b'k' | b's')
            && (at_ignore_case(b, i, b"akia") || at_ignore_case(b, i, b"asia"))
            && (i == 0 || !b[i - 1].is_ascii_alphanumeric())
            && i + 20 <= n
        {
            let mut k = i + 4;
            while k < i + 20 && (b[k].is_ascii_uppercase() || b[k].is_ascii_digit()) {
                k += 1;
            }
            if k == i + 20 && (k == n || !b[k].is_ascii_alphanumeric()) {
                return Some(ACCESS_KEY_ID);
            }
        }
        // The byte before a word (see `command_word_start`), tested here rather than in a
        // call for every byte: the budget of const evaluation counts calls.
        let at_word = i == 0
            || matches!(
                b[i - 1],
                b' ' | b'\t'
                    | b'\n'
                    | b'\r'
                    | b'/'
                    | b'"'
                    | b'\''
                    | b'`'
                    | b';'
                    | b'|'
                    | b'&'
                    | b'('
                    | b')'
                    | b'{'
            );
        if (at_word && command_secret_at(b, i, &mut later).is_some())
            || (c == b'=' && assigned_flag_at(b, i))
            || (at_word
                && matches!(
                    (c, next),
                    (b'c', b'p') | (b'l', b'n') | (b'm', b'v') | (b'i', b'n')
                )
                && tool_renamed_at(b, i))
            || (((c == b'-'
                && next == b'-'
                && i + 11 < n
                && b[i + 2] == b'p'
                && (b[i + 6] == b'c' || b[i + 11] == b'c'))
                || (c == b'_'
                    && i + 10 < n
                    && ((next == b'p' && (b[i + 5] == b'C' || b[i + 10] == b'C'))
                        || (next == b'a' && b[i + 8] == b'='))))
                && password_command_at(b, i))
        {
            return Some(COMMAND_PASSWORD);
        }
        if at_word
            && (setting_secret_at(b, i)
                || (matches!(c, b'r' | b's' | b'n') && registry_secret_at(b, i)))
        {
            return Some(SETTING_SECRET);
        }
        if matches!(b[i], b'g' | b'x' | b's' | b'r' | b'A')
            && (i == 0 || !b[i - 1].is_ascii_alphanumeric())
            && service_token_at(b, i)
        {
            return Some(SERVICE_TOKEN);
        }
        if c == b':' && at_ignore_case(b, i, b"://") && url_password_at(b, i + 3) {
            return Some(URL_PASSWORD);
        }
        if (matches!(c, b'm' | b'd' | b'c' | b'r' | b'b' | b'u')
            || (c == b'a' && (at_ignore_case(b, i, b"auth_pass") || at_ignore_case(b, i, b"acl ")))
            || (c == b'p' && at_ignore_case(b, i, b"password"))
            || (c == b'i' && at_ignore_case(b, i, b"identified")))
            && spaced_secret_at(b, i)
        {
            return Some(
                "user data may not write a password, secret, token or key after its name (`login admin password …` in a `.netrc`, `aws configure set aws_secret_access_key …`, `user NAME password …` for msmtp or fetchmail, `requirepass …` or an ACL's `>…` for Redis, `auth_pass …` for keepalived, `bindpw …` or `rootpw …` for LDAP, `PASSWORD '…'` or `IDENTIFIED BY '…'` in SQL): it is readable by anyone who may describe the instance (HIPAA 45 CFR §164.312(a)(2)(iv) and §164.312(d), hipaa-stack rule P1); give the instance a role, or fetch the value at boot from Secrets Manager, by ARN, into a variable",
            );
        }
        if ((c == b's' && next == b'e') || (c == b'p' && next == b'u'))
            && environment_variable_set_at(b, i)
        {
            return Some(LITERAL_SECRET);
        }
        // Encoded parts, cloud-init's passwords and Windows commands (hostile review 19).
        if (c == b'c' && next == b'o' && transfer_encoded_at(b, i))
            || (c == b'e' && next == b'n' && yaml_encoding_at(b, i))
            || (c == b'-' && next == b'e' && encoded_command_at(b, i))
            || (b[i] == b'(' && i > 0 && b[i - 1].is_ascii_alphanumeric() && decoder_call_at(b, i))
            || (b[i] == b'!' && next == b'!' && at_exactly(b, i, b"!!binary"))
            || (c == b'd' && next == b'a' && base64_data_url_at(b, i))
        {
            return Some(ENCODED);
        }
        if (c == b'p' && next == b'a' && written_secret_file_at(b, i))
            || (c == b'c' && next == b'h' && chpasswd_list_at(b, i))
            || (((b[i] == b'"' && next == b'p') || (c == b'p' && next == b'a'))
                && flow_secret_file_at(b, i))
        {
            return Some(CLOUD_CONFIG_PASSWORD);
        }
        if (matches!(c, b'w' | b'a')
            && i > 0
            && matches!(b[i - 1], b'.' | b':')
            && (python_file_written_at(b, i) || dotnet_file_written_at(b, i)))
            || (b[i] == b'p' && next == b'r' && python_print_written_at(b, i))
        {
            return Some(SECRET_FILE);
        }
        if ((b[i] == b'i' && next == b'n') || (b[i] == b'c' && next == b'o'))
            && python_fed_password_at(b, i)
        {
            return Some(FED_PASSWORD);
        }
        if (c == b'c' && next == b'o' && secure_string_written_at(b, i))
            || (c == b'n' && next == b'e' && at_word && net_user_password_at(b, i))
            || (matches!(c, b's' | b'c') && i > 0 && b[i - 1] == b'.' && adsi_password_at(b, i))
        {
            return Some(WINDOWS_PASSWORD);
        }
        if at_word && matches!(c, b's' | b'n') && variable_setter_secret_at(b, i) {
            return Some(LITERAL_SECRET);
        }
        if at_word && matches!(c, b's' | b'a' | b'o' | b'n' | b't') {
            match powershell_item_written_at(b, i) {
                ITEM_FILE => return Some(SECRET_FILE),
                ITEM_VARIABLE => return Some(LITERAL_SECRET),
                _ => {}
            }
        }
        if c == b'a' && next == b'u' && authorization_at(b, i) {
            return Some(
                "user data may not write the credential of an HTTP `Authorization` header (`curl -H 'Authorization: Bearer …'`): it is readable by anyone who may describe the instance (HIPAA 45 CFR §164.312(a)(2)(iv) and §164.312(d), hipaa-stack rule P1); fetch the token at boot from Secrets Manager, by ARN, into a variable (`-H \"Authorization: Bearer $TOKEN\"`)",
            );
        }
        if i + 3 < n
            && ((b[i] == b's' && b[i + 1] == b'e' && b[i + 2] == b'd')
                || (b[i] == b'p' && b[i + 1] == b'e' && b[i + 2] == b'r' && b[i + 3] == b'l'))
            && sed_secret_at(b, i)
        {
            return Some(LITERAL_SECRET);
        }
        if c == b'-' && secret_flag_at(b, i) {
            return Some(COMMAND_PASSWORD);
        }
        if (b[i] == b'>'
            || (b[i] == b't' && i + 2 < n && b[i + 1] == b'e' && b[i + 2] == b'e')
            || (b[i] == b's' && next == b'p' && at_exactly(b, i, b"sponge")))
            && secret_file_written_at(b, i)
        {
            return Some(SECRET_FILE);
        }
        if ((b[i] == b'/' && next == b'd' && at_exactly(b, i, b"/dev/stdin"))
            || (b[i] == b'o' && next == b'f' && i + 2 < n && b[i + 2] == b'='))
            && secret_file_copied_at(b, i)
        {
            return Some(SECRET_FILE);
        }
        if c == b'<' && xml_secret_at(b, i) {
            return Some(LITERAL_SECRET);
        }
        if c == b'<' && (secret_process_file_at(b, i) || password_file_fed_at(b, i)) {
            return Some(FED_PASSWORD);
        }
        if matches!(c, b'<' | b'=') {
            if next == b'(' && process_file_copied_at(b, i) {
                return Some(SECRET_FILE);
            }
            // `USER=user%password`, `ETCDCTL_USER=user:password`, a CIFS mount's
            // `username=user%password` (the bytes before the `=` first).
            if c == b'='
                && i >= 4
                && matches!(
                    (b[i - 4], b[i - 3], b[i - 2], b[i - 1]),
                    (b'U', b'S', b'E', b'R') | (b'u', b's', b'e', b'r') | (b'n', b'a', b'm', b'e')
                )
                && user_password_value_at(b, i)
            {
                return Some(COMMAND_PASSWORD);
            }
        }
        // A line of a configuration file starts after a new line, a quote or the escape of
        // a new line (`\n`), then blanks: its directive is read there, once a line.
        if i == 0 || matches!(b[i], b'\n' | b'"' | b'\'' | b'\\' | b'{' | b';') {
            if credential_directive_at(b, i) {
                return Some(CONFIG_CREDENTIAL);
            }
            // `user NAME PASSWORD` in the commands an FTP client reads (`ftp -n <<EOF`), on
            // a line of its own (a byte test first: many bytes start a line here).
            let mut u = i + 1;
            while b[i] == b'\n' && u < n && matches!(b[u], b' ' | b'\t') {
                u += 1;
            }
            if b[i] == b'\n'
                && u + 4 < n
                && b[u] == b'u'
                && b[u + 1] == b's'
                && b[u + 2] == b'e'
                && b[u + 3] == b'r'
                && ftp_user_line_at(b, u)
            {
                return Some(FED_PASSWORD);
            }
        }
        // HAProxy's `user NAME insecure-password VALUE` (HAProxy configuration manual,
        // "userlist").
        if c == b'i'
            && at_ignore_case(b, i, b"insecure-password")
            && i > 0
            && matches!(b[i - 1], b' ' | b'\t')
            && line_operand_written(b, i + 17, 0)
        {
            return Some(CONFIG_CREDENTIAL);
        }
        if c == b'a' && next == b'u' && redis_auth_line_at(b, i) {
            return Some(COMMAND_PASSWORD);
        }
        if at_word
            && matches!(c, b's' | b'h' | b'm' | b'p' | b'g' | b'a')
            && redis_setter_line_at(b, i)
        {
            return Some(SETTING_SECRET);
        }
        if c == b'"' && pgbouncer_entry_at(b, i) {
            return Some(
                "user data may not write a line of a PgBouncer user list (`\"app\" \"password\"` in `userlist.txt`): it is readable by anyone who may describe the instance (HIPAA 45 CFR §164.312(a)(2)(iv) and §164.312(d), hipaa-stack rule P1); fetch the password at boot from Secrets Manager, by ARN, into a variable (`\"app\" \"$DB_PASSWORD\"`), or let PgBouncer query the database (`auth_query`)",
            );
        }
        if (i == 0
            || matches!(
                b[i - 1],
                b' ' | b'\t' | b'\n' | b'\r' | b'"' | b'\'' | b'>' | b'='
            ))
            && pgpass_entry_at(b, i)
        {
            return Some(
                "user data may not write a line of a PostgreSQL password file (`host:5432:db:user:password` in a `.pgpass`): it is readable by anyone who may describe the instance (HIPAA 45 CFR §164.312(a)(2)(iv) and §164.312(d), hipaa-stack rule P1); fetch the password at boot from Secrets Manager, by ARN, into a variable (`host:5432:db:user:$DB_PASSWORD`), or connect with IAM authentication",
            );
        }
        // Every word of `SECRET_WORDS` and `SECRET_ABBREVIATIONS` starts with one of these
        // pairs of letters: the others are skipped before the loops over the words.
        if !matches!(
            (c, next),
            (b'p', b'a' | b'r' | b'w' | b's')
                | (b's', b'e')
                | (b't', b'o')
                | (b'a', b'p' | b'c' | b'u')
        ) {
            i += 1;
            continue;
        }
        // An abbreviation of "password" as the last word of a name, assigned a literal.
        let mut w = 0;
        let abbreviation =
            (c == b'p' || (c == b'a' && at_ignore_case(b, i, b"auth"))) && word_start(b, i);
        while abbreviation && w < SECRET_ABBREVIATION_COUNT {
            let word = SECRET_ABBREVIATION_BYTES[w];
            if word[0] != c {
                w += 1;
                continue;
            }
            let end = i + word.len();
            if word[0] == c
                && at_ignore_case(b, i, word)
                && !path_component(b, i)
                && let Some(end) = name_end(b, end)
                && (literal_assigned(b, end)
                    || assigned_by_command(b, i, end)
                    || properties_value_at(b, i, end)
                    || next_line_value_at(b, i, end))
                && !secret_arn_assigned(b, end)
                && !credential_file_named(b, i, end)
                && !(c == b'a' && auth_setting(b, end))
                && !(c == b'p' && nginx_pass_directive(b, i))
                && !fetched_by_call(b, end)
                && !python_field_fetched(b, i, end)
                && !cloud_init_setting(b, i, end)
            {
                return Some(LITERAL_SECRET);
            }
            w += 1;
        }
        // The end of a name: a secret word right before a byte that is not part of a name
        // (not the resource type of a Secrets Manager ARN, which names the secret).
        let mut w = 0;
        while w < SECRET_WORD_COUNT {
            // The first two letters before anything is called (the budget of const
            // evaluation counts calls).
            let word = SECRET_WORD_BYTES[w];
            if word[0] != c || word[1] != next {
                w += 1;
                continue;
            }
            let end = i + word.len();
            if at_ignore_case(b, i, word)
                && !secret_of_an_arn_at(b, i)
                && !path_component(b, i)
                && let Some(end) = name_end(b, end)
                && ((literal_assigned(b, end)
                    && !powershell_fetched(b, i, end)
                    && !fetched_by_call(b, end)
                    && !python_field_fetched(b, i, end)
                    && !cloud_init_setting(b, i, end))
                    || powershell_quoted_value(b, i, end) == QUOTED_WRITTEN
                    || assigned_by_command(b, i, end)
                    || properties_value_at(b, i, end)
                    || next_line_value_at(b, i, end))
                && !secret_arn_assigned(b, end)
                && !sudoers_tag(b, i, end)
                && !credential_file_named(b, i, end)
            {
                return Some(LITERAL_SECRET);
            }
            w += 1;
        }
        i += 1;
    }
    unreadable_problem(b)
}

/// Whether the PowerShell call at `i`, `[Environment]::SetEnvironmentVariable("NAME",
/// "VALUE", …)`, gives a variable named like a secret a written value: quoted, without a
/// variable or a subexpression in double quotes (.NET, `Environment.SetEnvironmentVariable`;
/// hostile review 19).
const fn environment_variable_set_at(b: &[u8], i: usize) -> bool {
    const CALL: &[u8] = b"setenvironmentvariable";
    // Python's `os.putenv(NAME, VALUE)` and `os.environ.setdefault(NAME, VALUE)` too, whose
    // strings expand nothing (hostile review 19).
    let n = if at_ignore_case(b, i, CALL) {
        CALL.len()
    } else if at_exactly(b, i, b"setdefault") && i >= 8 && at_exactly(b, i - 8, b"environ.") {
        10
    } else if at_exactly(b, i, b"putenv") {
        6
    } else {
        return false;
    };
    let dotnet = n == CALL.len();
    let mut k = skip_blanks(b, i + n);
    if !(k < b.len() && b[k] == b'(') {
        return false;
    }
    k = skip_blanks(b, k + 1);
    if !(k < b.len() && matches!(b[k], b'"' | b'\'')) {
        return false;
    }
    let (q, s) = (b[k], k + 1);
    let mut e = s;
    while e < b.len() && b[e] != q && b[e] != b'\n' {
        e += 1;
    }
    if !(e < b.len() && b[e] == q && secret_name_ends(b, s, e)) {
        return false;
    }
    k = skip_blanks(b, e + 1);
    if !(k < b.len() && b[k] == b',') {
        return false;
    }
    let v = skip_blanks(b, k + 1);
    if dotnet && v < b.len() && matches!(b[v], b'$' | b'@') {
        // A variable last given written text, or a here-string (hostile review 20).
        return windows_written_at(b, v);
    }
    if !dotnet && v < b.len() && (b[v].is_ascii_alphabetic() || b[v] == b'_') {
        // A Python variable the check cannot follow to a fetched value (hostile review 20).
        return !python_value_fetched(b, v, line_end_of(b, v), 4);
    }
    if !(v < b.len() && matches!(b[v], b'"' | b'\'')) {
        return false;
    }
    let q = b[v];
    let mut j = v + 1;
    while j < b.len() && b[j] != q && b[j] != b'\n' {
        if b[j] == b'$' && q == b'"' && dotnet {
            return windows_written_at(b, v);
        }
        j += 1;
    }
    j < b.len() && b[j] == q && j > v + 1
}

/// Whether the name whose secret word is at `i` (ending at `end`) is a PowerShell variable
/// (`$env:NAME`, `$NAME`) given a subexpression in parentheses that prints no written text
/// (`$env:PGPASSWORD = (aws secretsmanager get-secret-value …)`, `$DbPassword =
/// (Get-SECSecretValue -SecretId db).SecretString`): PowerShell runs the command, which
/// fetches the value at boot (hostile review 19). In a shell, `NAME=(…)` is an array of
/// written words, and `$NAME` names no variable to assign.
const fn powershell_fetched(b: &[u8], i: usize, end: usize) -> bool {
    if powershell_quoted_value(b, i, end) == QUOTED_FETCHED {
        return true;
    }
    let mut s = i;
    while s > 0 && (b[s - 1].is_ascii_alphanumeric() || b[s - 1] == b'_') {
        s -= 1;
    }
    if !((s >= 5 && at_ignore_case(b, s - 5, b"$env:")) || (s >= 1 && b[s - 1] == b'$')) {
        return false;
    }
    let Some(v) = value_after_name(b, end) else {
        return false;
    };
    powershell_subexpression_fetched(b, v)
}

/// The PowerShell command at `c` that gives a variable its value: `Set-Variable` or
/// `New-Variable` (their aliases `sv` and `nv`, and `set` in a PowerShell script), read as
/// PowerShell binds their parameters (about_Parameters): `-Name` and `-Value` in any order,
/// abbreviated (`-Na`, `-Va`) or with a colon (`-Name:p`), and positional words bound to
/// the name first, then to the value; the other parameters' values (`-Scope`, `-Option`,
/// `-Description`, `-Visibility`) are skipped. Returns where the name starts and ends (0
/// and 0 when no setter is at `c`) and where the value starts (0 when none is given: it is
/// piped in; hostile review 21).
const fn variable_setter_at(b: &[u8], c: usize) -> (usize, usize, usize) {
    let n = if at_ignore_case(b, c, b"set-variable") || at_ignore_case(b, c, b"new-variable") {
        12
    } else if (lower!(b[c]) == b's' || lower!(b[c]) == b'n')
        && c + 1 < b.len()
        && lower!(b[c + 1]) == b'v'
    {
        2
    } else if at_ignore_case(b, c, b"set") && powershell_text(b) {
        3
    } else {
        return (0, 0, 0);
    };
    if !(c + n < b.len() && matches!(b[c + n], b' ' | b'\t')) {
        return (0, 0, 0);
    }
    let (mut name, mut name_end, mut value) = (0, 0, 0);
    let mut k = c + n;
    loop {
        let (s, e) = next_word(b, k);
        if s == e || matches!(b[s], b')' | b'}' | b'#') {
            break;
        }
        k = e;
        if b[s] == b'-' && e > s + 1 && b[s + 1].is_ascii_alphabetic() {
            // A parameter, and its value after a colon or in the next word.
            let mut colon = s;
            while colon < e && b[colon] != b':' {
                colon += 1;
            }
            let (vs, ve) = if colon < e {
                (colon + 1, e)
            } else {
                next_word(b, e)
            };
            let p1 = lower!(b[s + 1]);
            let p2 = if s + 2 < e { lower!(b[s + 2]) } else { 0 };
            if p1 == b'n' {
                name = vs;
                name_end = ve;
            } else if p1 == b'v' && p2 != b'i' && p2 != b'e' {
                value = vs;
            } else if matches!(p1, b's' | b'o' | b'i' | b'e')
                || (p1 == b'd' && p2 != b'e')
                || (p1 == b'd' && at_ignore_case(b, s, b"-des"))
                || (p1 == b'v' && p2 == b'i')
                || (p1 == b'p' && p2 == b'v')
                || (p1 == b'w' && p2 == b'a')
            {
                // A parameter that takes a value.
            } else {
                // A switch (`-Force`, `-PassThru`, `-WhatIf`, `-Confirm`, `-Verbose`).
                continue;
            }
            if colon >= e {
                k = ve;
            }
            continue;
        }
        if name == 0 {
            name = s;
            name_end = e;
        } else if value == 0 {
            value = s;
        }
    }
    if name == 0 {
        return (0, 0, 0);
    }
    // The name without its quotes.
    let ns = skip_quotes(b, name);
    let mut ne = name_end;
    while ne > ns && matches!(b[ne - 1], b'"' | b'\'') {
        ne -= 1;
    }
    if ne <= ns {
        return (0, 0, 0);
    }
    (ns, ne, value)
}

/// Whether the value at `v` of a PowerShell command's parameter is written text: a quoted
/// string, a here-string, a variable or a bare word as [`windows_written_at`] reads them,
/// a subexpression that fetches nothing, or a cast of written text (hostile review 21).
const fn powershell_operand_written(b: &[u8], v: usize) -> bool {
    if v >= b.len() {
        return false;
    }
    match b[v] {
        b'(' => !powershell_subexpression_fetched(b, v),
        b'[' => powershell_value_written(b, v),
        _ => windows_written_at(b, v),
    }
}

/// Whether the PowerShell setter at `c` ([`variable_setter_at`]) gives its variable written
/// text: its value, or a quoted string or written variable piped into it (`'hunter2' |
/// Set-Variable p`).
const fn variable_setter_written(b: &[u8], c: usize, value: usize) -> bool {
    if value != 0 {
        powershell_operand_written(b, value)
    } else {
        piped_quote_before(b, c)
    }
}

/// Whether the PowerShell setter at `i` ([`variable_setter_at`]) gives a variable named
/// like a secret written text (`Set-Variable -Name DbPassword -Value 'hunter2'`, `sv
/// DbPassword hunter2`; hostile review 21).
const fn variable_setter_secret_at(b: &[u8], i: usize) -> bool {
    let (ns, ne, value) = variable_setter_at(b, i);
    ne > ns && secret_name_ends(b, ns, ne) && variable_setter_written(b, i, value)
}

/// What [`powershell_quoted_value`] finds: no double-quoted value, one that holds written
/// text, or one that only expands values fetched at boot.
const QUOTED_NONE: u8 = 0;
const QUOTED_WRITTEN: u8 = 1;
const QUOTED_FETCHED: u8 = 2;

/// Whether the name whose secret word is at `i` (ending at `end`) is a PowerShell variable
/// (`$env:NAME`, `$NAME`) given a double-quoted string or here-string after a spaced `=`,
/// and what it holds ([`windows_written_at`]): written text, mixed in with a fetched
/// variable too (`$env:DB_PASSWORD = "$s-hunter2"`), is [`QUOTED_WRITTEN`]; only fetched
/// variables (`@"` / `$s` / `"@`) are [`QUOTED_FETCHED`] (hostile review 21).
const fn powershell_quoted_value(b: &[u8], i: usize, end: usize) -> u8 {
    let mut s = i;
    while s > 0 && (b[s - 1].is_ascii_alphanumeric() || b[s - 1] == b'_') {
        s -= 1;
    }
    if !((s >= 5 && at_ignore_case(b, s - 5, b"$env:")) || (s >= 1 && b[s - 1] == b'$')) {
        return QUOTED_NONE;
    }
    let eq = skip_blanks(b, end);
    if !(eq + 1 < b.len() && b[eq] == b'=' && b[eq + 1] != b'=') {
        return QUOTED_NONE;
    }
    let v = skip_blanks(b, eq + 1);
    if !(v + 1 < b.len() && (b[v] == b'"' || (b[v] == b'@' && b[v + 1] == b'"'))) {
        return QUOTED_NONE;
    }
    if windows_written_at(b, v) {
        QUOTED_WRITTEN
    } else {
        QUOTED_FETCHED
    }
}

/// Whether the PowerShell subexpression in parentheses at `v` gives no written text: a
/// command's name first (`('hunter2')`, `("a" + "b")` and `([string]…)` are written text),
/// not one that prints its words (`Write-Output`, its alias `write`, `echo`), no `echo` of
/// written words in it, and, after its first command, in a later stage of its pipeline
/// or a later statement (`| ForEach-Object { 'hunter2' }`, `; 'hunter2'`), nor after it to
/// the end of the line (`(…) + 'x'`, `(…) | % { … }`), no quoted text, no number in a
/// script block (`{ 1234 }`) and no `+`: PowerShell's grouping operator returns what the
/// whole pipeline gives (about_Operators, "Grouping operator `( )`"), which such a stage
/// writes (hostile review 20). Only `.Name` (`.SecretString`) may follow it otherwise.
const fn powershell_subexpression_fetched(b: &[u8], v: usize) -> bool {
    if !(v < b.len() && b[v] == b'(') {
        return false;
    }
    let c = skip_blanks(b, v + 1);
    if !(c < b.len()
        && b[c].is_ascii_alphabetic()
        && !at_ignore_case(b, c, b"write-output")
        && !at_ignore_case(b, c, b"write ")
        && !at_ignore_case(b, c, b"echo ")
        && !substitution_written(b, v + 1, b')'))
    {
        return false;
    }
    // The first command, up to a `|` or `;` at the parenthesis' own depth (or its end).
    let mut j = c;
    let mut depth = 1;
    let mut quote = 0u8;
    while j < b.len() && b[j] != b'\n' {
        let x = b[j];
        if quote != 0 {
            if x == quote {
                quote = 0;
            }
        } else if x == b'"' || x == b'\'' {
            quote = x;
        } else if x == b'(' {
            depth += 1;
        } else if x == b')' {
            depth -= 1;
            if depth == 0 {
                break;
            }
        } else if depth == 1 && matches!(x, b'|' | b';') {
            break;
        }
        j += 1;
    }
    if j >= b.len() || b[j] == b'\n' {
        // Open to the end of the line: not read.
        return false;
    }
    if b[j] == b')' {
        // Past `.Name` accessors, to the end of the statement.
        j += 1;
        while j < b.len() && b[j] == b'.' {
            j += 1;
            while j < b.len() && name_byte(b[j]) {
                j += 1;
            }
        }
        j = skip_blanks(b, j);
        if j >= b.len() || matches!(b[j], b'\n' | b'\r' | b';' | b'#' | b'}') {
            return true;
        }
    }
    // The rest of the line: later stages or statements, and what follows the parenthesis.
    let mut block = false;
    while j < b.len() && b[j] != b'\n' {
        let x = b[j];
        if matches!(x, b'"' | b'\'' | b'+') || (block && x.is_ascii_digit() && !name_byte(b[j - 1]))
        {
            return false;
        }
        if x == b'{' {
            block = true;
        } else if x == b'}' {
            block = false;
        }
        j += 1;
    }
    true
}

/// Why user data that carries an encoded part is refused (hostile review 19).
const ENCODED: &str = "user data may not carry an encoded part (a MIME part with `Content-Transfer-Encoding: base64` or `quoted-printable`, a cloud-config file with `encoding: b64` or `gzip`, a YAML `!!binary` value, a `data:…;base64,` URL, `powershell -EncodedCommand …`, `[Convert]::FromBase64String('…')`, Python's `b64decode('…')` or `zlib.decompress(b'…')`): the check cannot read what it becomes, nor whether it is a secret (HIPAA 45 CFR §164.312(a)(2)(iv) and §164.312(d), hipaa-stack rule P1); write the text itself, or fetch it at boot from Secrets Manager, by ARN";

/// Why a password given to cloud-init (or Ignition) is refused (hostile review 19).
const CLOUD_CONFIG_PASSWORD: &str = "user data may not give cloud-init a password or the content of a secret's file (`chpasswd: list:` lines `NAME:PASSWORD`, the `write_files` `content` or the Ignition `contents` (`inline:`, a `data:` URL) of a file named like a password, secret, token or key): it is readable by anyone who may describe the instance (HIPAA 45 CFR §164.312(a)(2)(iv) and §164.312(d), hipaa-stack rule P1); let cloud-init make a random password (`RANDOM`) or lock it (`lock_passwd: true`) and log in by key, or fetch the value at boot from Secrets Manager, by ARN, in `runcmd`";

/// Why a written password given to a Windows or PowerShell command is refused (hostile
/// review 19).
const WINDOWS_PASSWORD: &str = "user data may not give a Windows or PowerShell command a written password (`ConvertTo-SecureString '…' -AsPlainText`, `net user NAME PASSWORD /add`, `$user.SetPassword('…')`): it is readable by anyone who may describe the instance (HIPAA 45 CFR §164.312(a)(2)(iv) and §164.312(d), hipaa-stack rule P1); fetch the value at boot from Secrets Manager, by ARN (`ConvertTo-SecureString (Get-SECSecretValue -SecretId ARN).SecretString -AsPlainText -Force`)";

/// The start of the line that holds `i`.
const fn line_start_of(b: &[u8], i: usize) -> usize {
    let mut s = i;
    while s > 0 && b[s - 1] != b'\n' {
        s -= 1;
    }
    s
}

/// The end of the line that holds `i`: its `\n`, or the end of the text.
const fn line_end_of(b: &[u8], i: usize) -> usize {
    let mut e = i;
    while e < b.len() && b[e] != b'\n' {
        e += 1;
    }
    e
}

/// Where the YAML key of the line that starts at `ls` starts (after blanks and a sequence
/// entry's `- `), and whether a `- ` stands before it.
const fn yaml_key_start(b: &[u8], ls: usize) -> (usize, bool) {
    let mut k = ls;
    while k < b.len() && matches!(b[k], b' ' | b'\t') {
        k += 1;
    }
    if k + 1 < b.len() && b[k] == b'-' && matches!(b[k + 1], b' ' | b'\t') {
        k += 1;
        while k < b.len() && matches!(b[k], b' ' | b'\t') {
            k += 1;
        }
        return (k, true);
    }
    (k, false)
}

/// Whether the line that starts at `ls` is blank (or holds only a carriage return).
const fn blank_line(b: &[u8], ls: usize) -> bool {
    let mut k = ls;
    while k < b.len() && matches!(b[k], b' ' | b'\t' | b'\r') {
        k += 1;
    }
    k == b.len() || b[k] == b'\n'
}

/// Whether the PowerShell variable at `v` holds an argument of the script or of a function,
/// whose text is whatever the caller wrote, which the check cannot follow (as a shell
/// function's `$1`, [`argument_at`]; hostile review 20): `$args` (about_Automatic_Variables),
/// or a parameter declared in `param(…)` or `function NAME(…)` (about_Functions) before it.
const fn powershell_argument_at(b: &[u8], v: usize) -> bool {
    if at_ignore_case(b, v, b"$args") && !(v + 5 < b.len() && name_byte(b[v + 5])) {
        return true;
    }
    let start = v + 1;
    let mut end = start;
    while end < b.len() && (b[end].is_ascii_alphanumeric() || b[end] == b'_') {
        end += 1;
    }
    let len = end - start;
    if len == 0 {
        return false;
    }
    let mut k = v;
    while k > 0 {
        k -= 1;
        if b[k] != b'$'
            || k + 1 + len > b.len()
            || !names_equal(b, k + 1, start, len)
            || (k + 1 + len < b.len() && name_byte(b[k + 1 + len]))
        {
            continue;
        }
        // Back past blanks and type constraints (`[string]`) to a `(` or a `,`.
        let mut j = k;
        while j > 0 && matches!(b[j - 1], b' ' | b'\t' | b'\n' | b'\r' | b']') {
            if b[j - 1] == b']' {
                while j > 0 && b[j - 1] != b'[' {
                    j -= 1;
                }
            }
            j -= 1;
        }
        if !(j > 0 && matches!(b[j - 1], b'(' | b',')) {
            continue;
        }
        // The list's `(` (back past earlier parameters), after `param` or a function's name.
        let mut o = j - 1;
        while o > 0 && b[o] != b'(' && b[o] != b'\n' {
            o -= 1;
        }
        if b[o] != b'(' {
            continue;
        }
        let mut w = o;
        while w > 0 && matches!(b[w - 1], b' ' | b'\t') {
            w -= 1;
        }
        let mut ws = w;
        while ws > 0 && (name_byte(b[ws - 1]) || b[ws - 1] == b'-') {
            ws -= 1;
        }
        if ws < w
            && (at_ignore_case(b, ws, b"param")
                || (ws >= 9 && at_ignore_case(b, line_start_of(b, ws), b"function ")))
        {
            return true;
        }
    }
    false
}

/// Whether the PowerShell here-string that opens at `v` (`@'` or `@"` at the end of a line,
/// closed by `'@` or `"@` at the start of a line: about_Quoting_Rules, "Here-strings")
/// holds written text: any character in a single-quoted one, which expands nothing; in a
/// double-quoted one, as in a double-quoted string ([`windows_written_at`]), written
/// characters and no expansion (`$NAME`, `${…}`, `$(…)`) but of a variable last given
/// written text (hostile review 20).
const fn here_string_written(b: &[u8], v: usize) -> bool {
    let q = b[v + 1];
    let mut j = v + 2;
    while j < b.len() && matches!(b[j], b' ' | b'\t' | b'\r') {
        j += 1;
    }
    if !(j < b.len() && b[j] == b'\n') {
        // Not a here-string: read as the quoted string it starts.
        return false;
    }
    j += 1;
    let mut written = false;
    while j < b.len() {
        // The closing `'@` (or `"@`) at the start of a line.
        if b[j] == q && j + 1 < b.len() && b[j + 1] == b'@' && b[j - 1] == b'\n' {
            return written;
        }
        if q == b'"' && b[j] == b'$' {
            // An expansion: written when it expands written text; text mixed in with a
            // fetched one is written too (hostile review 21).
            let (e, w) = powershell_expansion(b, j, v);
            if e > j + 1 {
                written = written || w;
                j = e;
                continue;
            }
        }
        if q == b'"' && b[j] == b'`' && j + 1 < b.len() && matches!(b[j + 1], b'n' | b'r' | b't') {
            // The escape of a new line, a carriage return or a tab writes no secret.
            j += 2;
            continue;
        }
        if !matches!(b[j], b' ' | b'\t' | b'\r' | b'\n') {
            written = true;
        }
        j += 1;
    }
    false
}

/// The end of the PowerShell expansion at `v` (a `$` in a double-quoted string or
/// here-string that opens at `start`), and whether it expands written text: a variable
/// (`$NAME`, `$env:NAME`, `${NAME}`) last given written text ([`written_before`]); a
/// subexpression (`$(…)`) is skipped as fetched. The end is `v + 1` when no expansion
/// starts there (a `$` written as itself).
const fn powershell_expansion(b: &[u8], v: usize, start: usize) -> (usize, bool) {
    if v + 1 >= b.len() {
        return (v + 1, false);
    }
    let x = b[v + 1];
    if x == b'(' {
        // To the matching `)`, past quoted text in it.
        let mut j = v + 2;
        let mut depth = 1;
        let mut quote = 0u8;
        while j < b.len() {
            let y = b[j];
            if quote != 0 {
                if y == quote {
                    quote = 0;
                }
            } else if y == b'"' || y == b'\'' {
                quote = y;
            } else if y == b'(' {
                depth += 1;
            } else if y == b')' {
                depth -= 1;
                if depth == 0 {
                    return (j + 1, false);
                }
            }
            j += 1;
        }
        return (j, false);
    }
    if x == b'{' {
        let mut j = v + 2;
        while j < b.len() && b[j] != b'}' && b[j] != b'\n' {
            j += 1;
        }
        if j < b.len() && b[j] == b'}' {
            return (j + 1, written_before(b, v, start));
        }
        return (v + 1, false);
    }
    if !(x.is_ascii_alphanumeric() || x == b'_') {
        return (v + 1, false);
    }
    let mut j = v + 1;
    while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_' || b[j] == b':') {
        if b[j] == b':'
            && !(j + 1 < b.len() && (b[j + 1].is_ascii_alphanumeric() || b[j + 1] == b'_'))
        {
            break;
        }
        j += 1;
    }
    (j, written_before(b, v, start))
}

/// Whether the value given to a PowerShell variable at `v` (after `$NAME =`) is written
/// text (hostile review 20): a quoted string, a here-string or a variable as
/// [`windows_written_at`] reads them, a number, a cast of a quoted string (`[string]'…'`),
/// or a subexpression that fetches nothing ([`powershell_subexpression_fetched`]): not a
/// command (`Get-SECSecretValue …`, `[Web.Security.Membership]::GeneratePassword(…)`).
const fn powershell_value_written(b: &[u8], v: usize) -> bool {
    if v >= b.len() {
        return false;
    }
    match b[v] {
        b'"' | b'\'' | b'@' | b'$' => windows_written_at(b, v),
        b'0'..=b'9' => true,
        b'(' => !powershell_subexpression_fetched(b, v),
        b'[' => {
            let mut k = v;
            while k < b.len() && b[k] == b'[' {
                while k < b.len() && b[k] != b']' && b[k] != b'\n' {
                    k += 1;
                }
                k += 1;
            }
            k < b.len()
                && matches!(b[k], b'"' | b'\'' | b'@' | b'$' | b'0'..=b'9')
                && windows_written_at(b, k)
        }
        c => {
            c.is_ascii_alphabetic()
                && (at_ignore_case(b, v, b"write-output")
                    || at_ignore_case(b, v, b"write ")
                    || at_ignore_case(b, v, b"echo "))
        }
    }
}

/// Whether the value at `v` (up to `e`) is written text for PowerShell or a Windows command:
/// a quoted literal (in double quotes, without a `$` that PowerShell expands, or with one
/// of a variable last given written text), a here-string that holds written text (`@'…'@`,
/// `@"…"@`: [`here_string_written`]), a variable last given written text (`$p = 'hunter2'`,
/// `$p = @'…'@`, then `$p`: [`written_before`]), or a bare word that is no variable (`$…`,
/// `%…%`), subexpression or flag (hostile review 20: a here-string copied into a variable
/// and piped into `Out-File` passed).
const fn windows_written_at(b: &[u8], v: usize) -> bool {
    if v >= b.len() {
        return false;
    }
    let q = b[v];
    if q == b'"' || q == b'\'' {
        let mut j = v + 1;
        let (mut written, mut expanded) = (false, false);
        while j < b.len() && b[j] != q && b[j] != b'\n' {
            if b[j] == b'$' && q == b'"' {
                let (e, w) = powershell_expansion(b, j, v);
                if e > j + 1 {
                    // Written text mixed in with a fetched expansion is written
                    // (`"$s-hunter2"`, hostile review 21).
                    expanded = true;
                    written = written || w;
                    j = e;
                    continue;
                }
            }
            if q == b'"'
                && b[j] == b'`'
                && j + 1 < b.len()
                && matches!(b[j + 1], b'n' | b'r' | b't')
            {
                j += 2;
                continue;
            }
            if !matches!(b[j], b' ' | b'\t' | b'\r') {
                written = true;
            }
            j += 1;
        }
        return written || (!expanded && j > v + 1);
    }
    if q == b'@' && v + 1 < b.len() && matches!(b[v + 1], b'"' | b'\'') {
        return here_string_written(b, v);
    }
    if q == b'$' {
        return written_before(b, v, v) || powershell_argument_at(b, v);
    }
    !matches!(
        b[v],
        b'$' | b'%' | b'(' | b'[' | b'-' | b'/' | b'*' | b'\n' | b'\r' | b';' | b'|' | b'&' | b')'
    ) && blank(b, v) == 0
}

/// The end of the word at `s` as the shell reads a file name: quotes (`"/etc/app/db
/// password"`) and a backslash before a byte (`db\ password`) keep its blanks in it
/// (hostile review 19).
const fn file_word_end(b: &[u8], s: usize) -> usize {
    let mut e = s;
    let mut quote = 0u8;
    while e < b.len() && b[e] != b'\n' {
        if quote != 0 {
            if b[e] == quote {
                quote = 0;
            }
        } else if b[e] == b'"' || b[e] == b'\'' {
            quote = b[e];
        } else if b[e] == b'\\' && e + 1 < b.len() && b[e + 1] != b'\n' {
            e += 1;
        } else if matches!(
            b[e],
            b' ' | b'\t' | b'\r' | b';' | b'|' | b'&' | b'<' | b'>' | b')'
        ) {
            break;
        }
        e += 1;
    }
    e
}

/// Whether the `Content-Transfer-Encoding:` header at `i` (at the start of a line) encodes
/// its MIME part: any encoding but `7bit`, `8bit` and `binary` (RFC 2045, section 6), which
/// cloud-init decodes before it runs the part.
const fn transfer_encoded_at(b: &[u8], i: usize) -> bool {
    const HEADER: &[u8] = b"content-transfer-encoding:";
    if !((i == 0 || b[i - 1] == b'\n') && at_ignore_case(b, i, HEADER)) {
        return false;
    }
    let v = skip_quotes(b, skip_blanks(b, i + HEADER.len()));
    !(v >= b.len()
        || matches!(b[v], b'\n' | b'\r')
        || at_ignore_case(b, v, b"7bit")
        || at_ignore_case(b, v, b"8bit")
        || at_ignore_case(b, v, b"binary"))
}

/// Whether the YAML key `encoding:` at `i` encodes a cloud-config `write_files` entry
/// (`b64`, `base64`, `gz`, `gzip`, `gz+b64`, …; cloud-init, "Write Files" module): cloud-init
/// decodes the content before it writes the file.
const fn yaml_encoding_at(b: &[u8], i: usize) -> bool {
    if !(at_ignore_case(b, i, b"encoding:") && yaml_key_start(b, line_start_of(b, i)).0 == i) {
        return false;
    }
    let v = skip_quotes(b, skip_blanks(b, i + 9));
    at_ignore_case(b, v, b"b64") || at_ignore_case(b, v, b"base64") || at_ignore_case(b, v, b"gz")
}

/// Whether the flag at `i` is PowerShell's `-EncodedCommand` (or a prefix of it PowerShell
/// takes: `-e`, `-ec`, `-enc`, …) given to `powershell` or `pwsh` (about_Pwsh,
/// "-EncodedCommand"): its Base64 text runs as the command.
const fn encoded_command_at(b: &[u8], i: usize) -> bool {
    // (Quoted too: `Start-Process powershell -ArgumentList '-EncodedCommand', '…'`.)
    if !(i > 0 && matches!(b[i - 1], b' ' | b'\t' | b'"' | b'\'')) {
        return false;
    }
    const FLAG: &[u8] = b"-encodedcommand";
    let mut e = i + 1;
    while e < b.len() && b[e].is_ascii_alphabetic() {
        e += 1;
    }
    let ec = e == i + 3 && at_ignore_case(b, i, b"-ec");
    if !(ec || (e - i >= 2 && e - i <= FLAG.len() && at_ignore_case(b, i, FLAG.split_at(e - i).0)))
    {
        return false;
    }
    // `powershell` or `pwsh` earlier in the command.
    let mut k = command_start(b, i);
    while k < i {
        if at_ignore_case(b, k, b"powershell") || at_ignore_case(b, k, b"pwsh") {
            return true;
        }
        k += 1;
    }
    false
}

/// The decoders whose call on a literal (`b64decode('…')`, `[Convert]::FromBase64String("…")`)
/// hides what the literal becomes: Python's `base64`, `binascii`, `codecs`, `zlib` and `gzip`,
/// `bytes.fromhex`, .NET's `Convert.FromBase64String`, Ruby's `Base64.decode64`.
const DECODERS: [&str; 16] = [
    "b64decode",
    "b32decode",
    "b16decode",
    "b85decode",
    "a85decode",
    "decodebytes",
    "decodestring",
    "a2b_base64",
    "a2b_hex",
    "unhexlify",
    "fromhex",
    "decompress",
    "frombase64string",
    "decode64",
    "strict_decode64",
    "codecs.decode",
];

/// Whether the `(` at `i` calls a decoder of [`DECODERS`] on a literal (its first argument
/// a quoted string, perhaps after Python's `b`, `r` or `u` prefix).
const fn decoder_call_at(b: &[u8], i: usize) -> bool {
    let mut s = i;
    while s > 0 && (b[s - 1].is_ascii_alphanumeric() || b[s - 1] == b'_' || b[s - 1] == b'.') {
        s -= 1;
    }
    let mut d = 0;
    let mut found = false;
    while d < DECODERS.len() {
        let name = DECODERS[d].as_bytes();
        if i - s >= name.len()
            && at_ignore_case(b, i - name.len(), name)
            && (i - s == name.len() || !name_byte(b[i - name.len() - 1]))
        {
            found = true;
        }
        d += 1;
    }
    if !found {
        return false;
    }
    let mut v = skip_blanks(b, i + 1);
    let mut prefix = 0;
    while prefix < 2 && v < b.len() && matches!(b[v], b'b' | b'B' | b'r' | b'R' | b'u' | b'U') {
        v += 1;
        prefix += 1;
    }
    v < b.len() && matches!(b[v], b'"' | b'\'')
}

/// Whether the stage of a pipeline at `k` is `xargs` that splices the text it is fed into a
/// word (`xargs -I{} mysql -p{}`, `xargs -I{} echo DB_PASSWORD={}`) or after a flag that
/// may take it as its value (`xargs sshpass -p`): the check cannot read the command that
/// runs (xargs(1), `-I`).
const fn xargs_splices_at(b: &[u8], k: usize) -> bool {
    let mut k = after_sudo(b, skip_blanks(b, k));
    // `xargs` after another wrapper too (`env xargs`, `nice -n 5 xargs`; hostile review
    // 29): one of the stage's first words.
    let mut hops = 0;
    while !word_at(b, k, b"xargs") {
        let (s, e) = next_word(b, k);
        let next = skip_blanks(b, e);
        if s == e || hops == 6 || next >= b.len() || command_end_or_line(b, next) {
            return false;
        }
        k = next;
        hops += 1;
    }
    // The replace string: `-I R`, `-IR`, `-i` (`{}`), `--replace[=R]`.
    let mut replace: (usize, usize) = (0, 0);
    let mut e = k + 5;
    let mut last_flag = false;
    let mut command = false;
    let mut tool = TOOL_COUNT;
    loop {
        let (s, we) = next_word(b, e);
        if s == we {
            return last_flag && command;
        }
        let q = skip_quotes(b, s);
        if !command && is_flag(b, s, we) {
            if we >= q + 2 && b[q + 1] == b'I' {
                if we > q + 2 {
                    replace = (q + 2, skip_quotes_back(b, q + 2, we));
                } else {
                    let (rs, re) = next_word(b, we);
                    let rq = skip_quotes(b, rs);
                    replace = (rq, skip_quotes_back(b, rq, re));
                    e = re;
                    continue;
                }
            } else if (we == q + 2 && b[q + 1] == b'i') || at_exactly(b, q, b"--replace") {
                replace = (0, 0);
                if we > q + 10 && b[q + 9] == b'=' {
                    replace = (q + 10, skip_quotes_back(b, q + 10, we));
                }
                if replace.0 == replace.1 {
                    // The default replace string.
                    replace = (usize::MAX, 0);
                }
            }
            e = we;
            if we == q + 2 && matches!(b[q + 1], b'n' | b'L' | b'd' | b'P' | b's' | b'E' | b'a') {
                e = next_word(b, we).1;
            }
            continue;
        }
        if !command {
            // A tool that takes a password after a flag (`sshpass`, `mysql`, …).
            let mut t = 0;
            while t < TOOL_COUNT {
                if tool == TOOL_COUNT && word_at(b, skip_quotes(b, s), TOOL_NAMES[t]) {
                    tool = t;
                }
                t += 1;
            }
        }
        command = true;
        // The text fed is the value of the last word only when that is a password flag of the
        // tool that takes its value after a blank (`xargs sshpass -p`, `xargs curl -fsu`),
        // not any flag (`xargs -n1 curl -fsSLO`; hostile review 29).
        last_flag = tool < TOOL_COUNT && spaced_password_flag(b, s, we, TOOLS[tool].1);
        // A word that holds the replace string with more text (`-p{}`, `NAME={}`).
        let spliced = replace.1 > replace.0 || replace.0 == usize::MAX;
        let mut j = s;
        while spliced && j < we {
            let found = if replace.0 == usize::MAX {
                at_exactly(b, j, b"{}")
            } else {
                j + (replace.1 - replace.0) <= b.len()
                    && names_equal(b, j, replace.0, replace.1 - replace.0)
            };
            let len = if replace.0 == usize::MAX {
                2
            } else {
                replace.1 - replace.0
            };
            if found && (skip_quotes(b, s) != j || skip_quotes(b, j + len) < we) {
                return true;
            }
            j += 1;
        }
        e = we;
    }
}

/// Whether the word `b[s..e]` is one of `flags` that takes its value after a blank, alone
/// (`-p`, `--user`) or ending a cluster of short flags of a tool that reads them (`-fsu`).
const fn spaced_password_flag(b: &[u8], s: usize, e: usize, flags: &[Flag]) -> bool {
    let q = skip_quotes(b, s);
    let e = skip_quotes_back(b, q, e);
    if !(e > q + 1 && b[q] == b'-') {
        return false;
    }
    let mut f = 0;
    while f < flags.len() {
        let flag = &flags[f];
        let name = flag.name.as_bytes();
        if flag.spaced
            && ((e - q == name.len() && at_exactly(b, q, name))
                || (!flag.cluster.is_empty()
                    && name.len() == 2
                    && b[q + 1] != b'-'
                    && b[e - 1] == name[1]))
        {
            return true;
        }
        f += 1;
    }
    false
}

/// The end of a word at `s..e` without the quotes that close it.
const fn skip_quotes_back(b: &[u8], s: usize, mut e: usize) -> usize {
    while e > s && matches!(b[e - 1], b'"' | b'\'') {
        e -= 1;
    }
    e
}

/// Whether the YAML key `path:` at `i` names a file like a secret (`/etc/app/db_password`)
/// in a list entry that gives it written content: cloud-init's `write_files` (`content:`)
/// or Ignition's `storage.files` (`contents:` with `inline:` or a `data:` URL). A file
/// fetched from a URL (`source:`) holds no written content.
const fn written_secret_file_at(b: &[u8], i: usize) -> bool {
    if !at_ignore_case(b, i, b"path:") {
        return false;
    }
    let ls = line_start_of(b, i);
    let (key, dash) = yaml_key_start(b, ls);
    if key != i {
        return false;
    }
    let col = i - ls;
    let s = skip_quotes(b, skip_blanks(b, i + 5));
    let mut e = line_end_of(b, s);
    while e > s && matches!(b[e - 1], b' ' | b'\t' | b'\r' | b'"' | b'\'') {
        e -= 1;
    }
    if !(e > s && secret_file(b, s, e)) {
        return false;
    }
    // The entry: back to the line of its `- `, and on while lines are as deep or deeper
    // and start no other entry.
    let mut first = ls;
    while !dash && first > 0 {
        let p = line_start_of(b, first - 1);
        if blank_line(b, p) {
            first = p;
            continue;
        }
        let (pk, pdash) = yaml_key_start(b, p);
        if pk - p < col {
            break;
        }
        first = p;
        if pk - p == col && pdash {
            break;
        }
    }
    let mut last = line_end_of(b, i);
    while last < b.len() {
        let p = last + 1;
        if p >= b.len() {
            break;
        }
        if !blank_line(b, p) {
            let (pk, pdash) = yaml_key_start(b, p);
            if pk - p < col || (pk - p == col && pdash) {
                break;
            }
        }
        last = line_end_of(b, p);
    }
    // A key `content:` or `contents:` of the entry.
    let mut p = first;
    while p < last {
        let (pk, _) = yaml_key_start(b, p);
        let pe = line_end_of(b, p);
        if pk - p == col {
            if at_ignore_case(b, pk, b"content:") {
                let v = skip_blanks(b, pk + 8);
                let empty =
                    v + 1 < b.len() && matches!((b[v], b[v + 1]), (b'"', b'"') | (b'\'', b'\''));
                return !empty;
            }
            if at_ignore_case(b, pk, b"contents:") {
                let mut j = pk;
                while j < last {
                    if at_ignore_case(b, j, b"inline:") || at_ignore_case(b, j, b"data:") {
                        return true;
                    }
                    j += 1;
                }
            }
        }
        p = pe + 1;
    }
    false
}

/// Whether the YAML key `chpasswd:` at `i` gives a written password in its `list` (`NAME:
/// PASSWORD` lines, in a block, a sequence or a string): cloud-init's "Set Passwords"
/// module sets it, and only `RANDOM` (or `R`) makes it random.
const fn chpasswd_list_at(b: &[u8], i: usize) -> bool {
    if !at_ignore_case(b, i, b"chpasswd:") {
        return false;
    }
    let ls = line_start_of(b, i);
    if yaml_key_start(b, ls).0 != i {
        return false;
    }
    let col = i - ls;
    // The module's text: the rest of its line and the deeper lines after it.
    let mut last = line_end_of(b, i);
    while last + 1 < b.len() {
        let p = last + 1;
        if !blank_line(b, p) && yaml_key_start(b, p).0 - p <= col {
            break;
        }
        last = line_end_of(b, p);
    }
    let mut j = i + 9;
    while j < last {
        // A `NAME:VALUE` word, without a blank after its colon.
        // (After the escape of a new line, `\n`, in a quoted string too.)
        if (b[j].is_ascii_alphanumeric() || b[j] == b'_')
            && (matches!(
                b[j - 1],
                b' ' | b'\t' | b'\n' | b'"' | b'\'' | b'-' | b'[' | b','
            ) || (b[j - 1] == b'n' && j >= 2 && b[j - 2] == b'\\'))
        {
            let mut k = j;
            while k < last && (name_byte(b[k]) || b[k] == b'.') {
                k += 1;
            }
            if k + 1 < last && b[k] == b':' && !matches!(b[k + 1], b' ' | b'\t' | b'\r' | b'\n') {
                let v = k + 1;
                let mut ve = v;
                while ve < last
                    && !matches!(
                        b[ve],
                        b' ' | b'\t' | b'\r' | b'\n' | b'"' | b'\'' | b',' | b']' | b'}' | b'\\'
                    )
                {
                    ve += 1;
                }
                let random =
                    (ve == v + 1 && b[v] == b'R') || (ve == v + 6 && at_exactly(b, v, b"RANDOM"));
                if ve > v && !random {
                    return true;
                }
            }
            j = k;
        }
        j += 1;
    }
    false
}

/// Whether Python's `input=` argument at `i` (of `subprocess.run`, `check_output`,
/// `communicate`, …) or the first argument of `communicate(` at `i` feeds written text
/// ([`python_fed_written`]) to a command that reads a password from its input
/// ([`python_command_reads_password`]): the command of the call itself, or, for
/// `communicate`, of the last `Popen(…)` before it (hostile review 21).
const fn python_fed_password_at(b: &[u8], i: usize) -> bool {
    let v;
    let call;
    if at_exactly(b, i, b"input") && i > 0 && matches!(b[i - 1], b'(' | b',' | b' ' | b'\t' | b'\n')
    {
        let eq = skip_blanks(b, i + 5);
        if !(eq + 1 < b.len() && b[eq] == b'=' && b[eq + 1] != b'=') {
            return false;
        }
        v = skip_blanks(b, eq + 1);
        // The call's `(`: back past balanced parentheses and brackets.
        let mut o = i;
        let mut depth = 0;
        loop {
            if o == 0 {
                return false;
            }
            o -= 1;
            if matches!(b[o], b')' | b']') {
                depth += 1;
            } else if b[o] == b'[' && depth > 0 {
                depth -= 1;
            } else if b[o] == b'(' {
                if depth == 0 {
                    break;
                }
                depth -= 1;
            }
        }
        call = o;
    } else if at_exactly(b, i, b"communicate(") && i > 0 && b[i - 1] == b'.' {
        v = skip_blanks(b, i + 12);
        if at_exactly(b, v, b"input") {
            // Read at its `input=`.
            return false;
        }
        call = i + 11;
    } else {
        return false;
    }
    // The command: of the call itself, or of the last `Popen(` before `communicate`.
    let mut c = call;
    while c > 0 && name_byte(b[c - 1]) {
        c -= 1;
    }
    let mut start = call + 1;
    if at_exactly(b, c, b"communicate(") {
        let mut p = c;
        loop {
            if p == 0 {
                return false;
            }
            p -= 1;
            if at_exactly(b, p, b"Popen(") {
                break;
            }
        }
        start = p + 6;
    }
    let mut end = start;
    let mut depth = 1;
    while end < b.len() {
        if b[end] == b'(' {
            depth += 1;
        } else if b[end] == b')' {
            depth -= 1;
            if depth == 0 {
                break;
            }
        }
        end += 1;
    }
    python_command_reads_password(b, start, end) && python_fed_written(b, v)
}

/// Whether the Python arguments `b[s..e]` (a list of words, `["passwd", "--stdin",
/// "admin"]`, or a command line for a shell) run a command that reads a password from its
/// input: a command of [`PASSWORD_READERS`] (after `sudo` or a `|` too), `sudo -S`,
/// `htpasswd -i`, `mkpasswd -s`, `openssl … -stdin`, `mysql -p` or `psql -W` without a
/// value (which prompt for it), or any command given `--password-stdin`,
/// `--stdin-password` or `--stdin`.
const fn python_command_reads_password(b: &[u8], s: usize, e: usize) -> bool {
    let mut j = s;
    let mut program = [0usize; 2];
    let mut at_program = true;
    while j < e {
        if matches!(
            b[j],
            b' ' | b'\t' | b'\n' | b'\r' | b'"' | b'\'' | b'[' | b']' | b',' | b'(' | b')'
        ) {
            j += 1;
            continue;
        }
        let ws = j;
        while j < e
            && !matches!(
                b[j],
                b' ' | b'\t' | b'\n' | b'\r' | b'"' | b'\'' | b'[' | b']' | b',' | b'(' | b')'
            )
        {
            j += 1;
        }
        // The word without its directory (`/usr/sbin/chpasswd`).
        let mut base = j;
        while base > ws && b[base - 1] != b'/' {
            base -= 1;
        }
        let len = j - base;
        if (len == 16
            && (at_exactly(b, base, b"--password-stdin")
                || at_exactly(b, base, b"--stdin-password")))
            || (len == 7 && at_exactly(b, base, b"--stdin"))
        {
            return true;
        }
        if len == 1 && b[base] == b'|' {
            at_program = true;
            continue;
        }
        if at_program {
            if len == 4 && at_exactly(b, base, b"sudo") {
                program = [base, base + 4];
                continue;
            }
            if b[base] == b'-' && program[1] - program[0] == 4 {
                // `sudo`'s flags: `-S` reads the password.
                if len == 2 && b[base + 1] == b'S' {
                    return true;
                }
                continue;
            }
            let mut r = 0;
            while r < PASSWORD_READERS.len() {
                let reader = PASSWORD_READERS[r].as_bytes();
                let mut rl = 0;
                while rl < reader.len() && reader[rl] != b' ' {
                    rl += 1;
                }
                if len == rl && at_exactly(b, base, reader) {
                    return true;
                }
                r += 1;
            }
            program = [base, j];
            at_program = false;
            continue;
        }
        let name = program[1] - program[0];
        let p = program[0];
        if (name == 5 && at_exactly(b, p, b"mysql")) || (name == 7 && at_exactly(b, p, b"mariadb"))
        {
            if (len == 2 && at_exactly(b, base, b"-p"))
                || (len == 10 && at_exactly(b, base, b"--password"))
            {
                return true;
            }
        } else if name == 4 && at_exactly(b, p, b"psql") {
            if (len == 2 && at_exactly(b, base, b"-W"))
                || (len == 10 && at_exactly(b, base, b"--password"))
            {
                return true;
            }
        } else if name == 8 && at_exactly(b, p, b"htpasswd") {
            if cluster_has(b, base, j, b'i') {
                return true;
            }
        } else if name == 8 && at_exactly(b, p, b"mkpasswd") {
            if len == 2 && at_exactly(b, base, b"-s") {
                return true;
            }
        } else if name == 7 && at_exactly(b, p, b"openssl") {
            if len == 6 && at_exactly(b, base, b"-stdin") {
                return true;
            }
        } else if name == 5
            && at_exactly(b, p, b"realm")
            && len == 4
            && at_exactly(b, base, b"join")
        {
            return true;
        }
    }
    false
}

/// Whether the Python value at `v`, fed to a command's input, is written text: a string
/// that expands no value fetched at boot (a plain string, an f-string with no field or a
/// field the check cannot follow, a `%` or `.format(…)` template given no fetched
/// variable), or an expression the check cannot follow to a fetched value
/// ([`python_value_fetched`]). As `echo "admin:$PW" | chpasswd` in the shell, a string
/// that expands a fetched value is not written (`f"admin:{pw}\n"`).
const fn python_fed_written(b: &[u8], v: usize) -> bool {
    let mut v = v;
    while v < b.len() && matches!(b[v], b'(' | b' ' | b'\t') {
        v += 1;
    }
    // The end of the argument: a `,` or `)` outside brackets, or the end of the line.
    let mut end = v;
    let mut depth = 0;
    let mut quote = 0u8;
    while end < b.len() && b[end] != b'\n' {
        let x = b[end];
        if quote != 0 {
            if x == quote {
                quote = 0;
            }
        } else if x == b'"' || x == b'\'' {
            quote = x;
        } else if matches!(x, b'(' | b'[' | b'{') {
            depth += 1;
        } else if matches!(x, b')' | b']' | b'}') {
            if depth == 0 {
                break;
            }
            depth -= 1;
        } else if x == b',' && depth == 0 {
            break;
        }
        end += 1;
    }
    let mut q = v;
    while q < end && q < v + 2 && matches!(lower!(b[q]), b'f' | b'r' | b'b' | b'u') {
        q += 1;
    }
    if q < end && matches!(b[q], b'"' | b'\'') {
        let mut formatted = false;
        let mut f = v;
        while f < q {
            if lower!(b[f]) == b'f' {
                formatted = true;
            }
            f += 1;
        }
        // The string's end, and whether a field of it is fetched.
        let quote = b[q];
        let mut j = q + 1;
        let mut fetched_field = false;
        while j < end && b[j] != quote {
            if formatted && b[j] == b'{' && j + 1 < end && b[j + 1] != b'{' {
                let fs = skip_blanks(b, j + 1);
                let mut fe = fs;
                while fe < end && !matches!(b[fe], b'}' | b'!' | b':') {
                    fe += 1;
                }
                if !python_value_fetched(b, fs, fe, 4) {
                    return true;
                }
                fetched_field = true;
                j = fe;
            }
            j += 1;
        }
        if fetched_field {
            return false;
        }
        // A template given a fetched variable: `"admin:%s" % pw`, `"{}".format(pw)`.
        let after = skip_blanks(b, j + 1);
        let operand = if after < end && b[after] == b'%' {
            skip_blanks(b, after + 1)
        } else if at_exactly(b, after, b".format(") {
            skip_blanks(b, after + 8)
        } else {
            0
        };
        if operand != 0 && operand < end && (b[operand].is_ascii_alphabetic() || b[operand] == b'_')
        {
            let mut oe = operand;
            while oe < end && name_byte(b[oe]) {
                oe += 1;
            }
            return !python_variable_fetched(b, operand, oe, operand, 4);
        }
        return j > q + 1;
    }
    if !(v < end && (b[v].is_ascii_alphabetic() || b[v] == b'_')) {
        return v < end && b[v].is_ascii_digit();
    }
    if python_value_fetched(b, v, end, 4) {
        return false;
    }
    // A fetched variable given to its own methods (`pw.encode()`, `pw.strip()`), with
    // nothing written beside it.
    let mut ne = v;
    while ne < end && name_byte(b[ne]) {
        ne += 1;
    }
    let mut k = ne;
    while k < end {
        if matches!(b[k], b'+' | b'%' | b'{')
            || at_exactly(b, k, b" or ")
            || at_exactly(b, k, b" if ")
            || at_exactly(b, k, b" and ")
        {
            return true;
        }
        k += 1;
    }
    !(python_variable_fetched(b, v, ne, v, 4) && python_fetch_picked(b, v, end, 4))
}

/// Whether Python's `print(…, file=F)` at `i` prints written text into a file named like a
/// secret: `F` opened there (`file=open("/etc/app/db_password", "w")`) or bound by `with
/// open("…") as F:` before, and a first argument that is written text or a variable the
/// check cannot follow to a fetched value ([`python_string_written`],
/// [`python_value_fetched`]; hostile review 20).
const fn python_print_written_at(b: &[u8], i: usize) -> bool {
    if !(at_exactly(b, i, b"print(") && (i == 0 || !name_byte(b[i - 1]))) {
        return false;
    }
    // The call's arguments, to its `)` on the line.
    let v = skip_blanks(b, i + 6);
    let mut close = v;
    let mut depth = 0;
    let mut file = 0;
    let mut first_end = 0;
    while close < b.len() && b[close] != b'\n' {
        let x = b[close];
        if matches!(x, b'(' | b'[') {
            depth += 1;
        } else if matches!(x, b')' | b']') {
            if depth == 0 {
                break;
            }
            depth -= 1;
        } else if matches!(x, b'"' | b'\'') {
            close += 1;
            while close < b.len() && b[close] != x && b[close] != b'\n' {
                close += 1;
            }
        } else if depth == 0 && x == b',' && first_end == 0 {
            first_end = close;
        } else if depth == 0 && at_exactly(b, close, b"file=") && !name_byte(b[close - 1]) {
            file = skip_blanks(b, close + 5);
        }
        close += 1;
    }
    if file == 0 || first_end == 0 {
        return false;
    }
    let named = if at_exactly(b, file, b"open(") {
        quoted_secret_file(b, skip_blanks(b, file + 5))
    } else {
        let mut fe = file;
        while fe < b.len() && name_byte(b[fe]) {
            fe += 1;
        }
        fe > file && python_handle_names_secret_file(b, file, fe)
    };
    if !named {
        return false;
    }
    let mut q = v;
    while q < v + 2 && q < b.len() && matches!(lower!(b[q]), b'b' | b'r' | b'u' | b'f') {
        q += 1;
    }
    if q < b.len() && matches!(b[q], b'"' | b'\'') {
        !python_only_fetched(b, v, first_end)
    } else {
        v < first_end
            && (b[v].is_ascii_alphabetic() || b[v] == b'_')
            && !python_only_fetched(b, v, first_end)
    }
}

/// Whether the Python name `b[s..e]` is bound by `with open("…") as NAME:` before, on a
/// line that opens a file named like a secret.
const fn python_handle_names_secret_file(b: &[u8], s: usize, e: usize) -> bool {
    let len = e - s;
    let mut k = s;
    while k > 4 {
        k -= 1;
        if b[k] == b' '
            && at_exactly(b, k, b" as ")
            && k + 4 + len < b.len()
            && names_equal(b, k + 4, s, len)
            && b[k + 4 + len] == b':'
        {
            let mut o = line_start_of(b, k);
            while o < k {
                if at_exactly(b, o, b"open(") {
                    return quoted_secret_file(b, skip_blanks(b, o + 5));
                }
                o += 1;
            }
            return false;
        }
    }
    false
}

/// Whether the quoted string at `q` (a Python literal, perhaps after a `b`, `r` or `u`
/// prefix) names a file like a secret.
const fn quoted_secret_file(b: &[u8], q: usize) -> bool {
    let mut q = q;
    let mut prefix = 0;
    while prefix < 2 && q < b.len() && matches!(b[q], b'b' | b'r' | b'u' | b'B' | b'R' | b'U') {
        q += 1;
        prefix += 1;
    }
    if !(q < b.len() && matches!(b[q], b'"' | b'\'')) {
        return false;
    }
    let mut e = q + 1;
    while e < b.len() && b[e] != b[q] && b[e] != b'\n' {
        e += 1;
    }
    e < b.len() && b[e] == b[q] && secret_file(b, q + 1, e)
}

/// Whether Python's `.write(`, `.write_text(` or `.write_bytes(` at `i` (after its `.`)
/// writes a literal into a file named like a secret: the file opened on the same line
/// (`open("/etc/app/db_password", "w").write("…")`, `Path("…/api_token").write_text("…")`)
/// or by `with open("…") as NAME:` before (`NAME.write("…")`; hostile review 19).
const fn python_file_written_at(b: &[u8], i: usize) -> bool {
    let n = if at_exactly(b, i, b"write(") {
        6
    } else if at_exactly(b, i, b"write_text(") || at_exactly(b, i, b"write_bytes(") {
        if b[i + 6] == b't' { 11 } else { 12 }
    } else {
        return false;
    };
    // A literal written: a quoted string, an f-string that writes text or a field the
    // check cannot follow to a fetched value, or a variable last given one
    // ([`python_string_written`], [`python_value_fetched`]; hostile review 20: an f-string
    // was read as fetched).
    let v = skip_blanks(b, i + n);
    let mut q = v;
    while q < v + 2 && q < b.len() && matches!(lower!(b[q]), b'b' | b'r' | b'u' | b'f') {
        q += 1;
    }
    // To the end of the argument: its `,` or the call's `)`. Blanks and their escapes
    // around fetched values are no written text (`f"{s}\n"`, `"%s\n" % s`, `s + "\n"`;
    // hostile review 22).
    let close = python_operand_end(b, v, line_end_of(b, v), true, false);
    let written = if q < b.len() && matches!(b[q], b'"' | b'\'') {
        !python_only_fetched(b, v, close)
    } else {
        v < b.len()
            && (b[v].is_ascii_alphabetic() || b[v] == b'_')
            && !python_only_fetched(b, v, close)
    };
    if !written {
        return false;
    }
    let dot = i - 1;
    if dot > 0 && b[dot - 1] == b')' {
        // The call before: back to its `(`, then its first argument.
        let mut o = dot - 1;
        let mut depth = 0;
        while o > 0 {
            if b[o] == b')' {
                depth += 1;
            } else if b[o] == b'(' {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            } else if b[o] == b'\n' {
                return false;
            }
            o -= 1;
        }
        return b[o] == b'(' && quoted_secret_file(b, skip_blanks(b, o + 1));
    }
    // A name bound by `with open(…) as NAME:` on a line before.
    let mut s = dot;
    while s > 0 && (b[s - 1].is_ascii_alphanumeric() || b[s - 1] == b'_') {
        s -= 1;
    }
    let len = dot - s;
    if len == 0 {
        return false;
    }
    let mut k = s;
    while k > 4 {
        k -= 1;
        if b[k] == b' '
            && at_exactly(b, k, b" as ")
            && k + 4 + len < b.len()
            && names_equal(b, k + 4, s, len)
            && b[k + 4 + len] == b':'
        {
            // The `open(` of that line.
            let mut o = line_start_of(b, k);
            while o < k {
                if at_exactly(b, o, b"open(") {
                    return quoted_secret_file(b, skip_blanks(b, o + 5));
                }
                o += 1;
            }
            return false;
        }
    }
    false
}

/// Whether .NET's `[IO.File]::WriteAllText(PATH, TEXT)` (or `WriteAllLines`,
/// `AppendAllText`) at `i` writes a quoted literal into a file named like a secret
/// (System.IO.File; hostile review 19).
const fn dotnet_file_written_at(b: &[u8], i: usize) -> bool {
    let n = if at_ignore_case(b, i, b"writealltext(") || at_ignore_case(b, i, b"appendalltext(") {
        13 + (lower!(b[i]) == b'a') as usize
    } else if at_ignore_case(b, i, b"writealllines(") {
        14
    } else {
        return false;
    };
    let q = skip_blanks(b, i + n);
    if !(q < b.len() && matches!(b[q], b'"' | b'\'')) {
        return false;
    }
    let mut e = q + 1;
    while e < b.len() && b[e] != b[q] && b[e] != b'\n' {
        e += 1;
    }
    if !(e < b.len() && b[e] == b[q] && secret_file(b, q + 1, e)) {
        return false;
    }
    let c = skip_blanks(b, e + 1);
    if !(c < b.len() && b[c] == b',') {
        return false;
    }
    let v = skip_blanks(b, c + 1);
    v < b.len() && matches!(b[v], b'"' | b'\'' | b'@' | b'$') && windows_written_at(b, v)
}

/// Whether a `data:` URL with Base64 content starts at `i` (`data:;base64,…`,
/// `data:text/plain;base64,…`; RFC 2397), as Ignition reads a file's `source`: its text
/// cannot be read.
const fn base64_data_url_at(b: &[u8], i: usize) -> bool {
    if !(at_ignore_case(b, i, b"data:") && (i == 0 || !name_byte(b[i - 1]))) {
        return false;
    }
    let mut k = i + 5;
    while k < b.len() && k < i + 100 && !matches!(b[k], b',' | b'"' | b'\'' | b' ' | b'\n') {
        k += 1;
    }
    k < b.len() && b[k] == b',' && k >= i + 12 && at_ignore_case(b, k - 7, b";base64")
}

/// Whether the key `path` at `i`, of a JSON object (`"path"`) or a YAML flow mapping
/// (`{path: …, content: …}`), names a file like a secret in a mapping that gives it written
/// content: a `content` key (cloud-init's `write_files`), or a `data:` URL as an Ignition
/// file's `source` (`{"path":"/etc/app/db_password","contents":{"source":"data:,…"}}`).
const fn flow_secret_file_at(b: &[u8], i: usize) -> bool {
    let json = at_exactly(b, i, b"\"path\"");
    let mut p = i;
    while p > 0 && matches!(b[p - 1], b' ' | b'\t') {
        p -= 1;
    }
    let bare = !json && at_exactly(b, i, b"path") && p > 0 && matches!(b[p - 1], b'{' | b',');
    if !(json || bare) {
        return false;
    }
    let mut k = skip_blanks(b, i + if json { 6 } else { 4 });
    if !(k < b.len() && b[k] == b':') {
        return false;
    }
    k = skip_blanks(b, k + 1);
    let quoted = k < b.len() && matches!(b[k], b'"' | b'\'');
    let s = if quoted { k + 1 } else { k };
    let mut e = s;
    while e < b.len()
        && b[e] != b'\n'
        && if quoted {
            b[e] != b[k]
        } else {
            !matches!(b[e], b',' | b'}')
        }
    {
        e += 1;
    }
    while !quoted && e > s && matches!(b[e - 1], b' ' | b'\t' | b'\r') {
        e -= 1;
    }
    if !(e > s && secret_file(b, s, e)) {
        return false;
    }
    // Back to the `{` that opens the mapping, then through it to its `}`.
    let mut o = i;
    let mut depth = 0;
    while o > 0 {
        o -= 1;
        if b[o] == b'}' {
            depth += 1;
        } else if b[o] == b'{' {
            if depth == 0 {
                break;
            }
            depth -= 1;
        }
    }
    let mut j = o;
    let mut depth = 0;
    while j < b.len() {
        if b[j] == b'{' {
            depth += 1;
        } else if b[j] == b'}' {
            if depth <= 1 {
                break;
            }
            depth -= 1;
        } else if at_ignore_case(b, j, b"data:") {
            return true;
        } else if depth == 1
            && j > 0
            && matches!(b[j - 1], b'"' | b' ' | b'{' | b',')
            && at_exactly(b, j, b"content")
        {
            let mut c = j + 7;
            if c < b.len() && b[c] == b'"' {
                c += 1;
            }
            c = skip_blanks(b, c);
            if c < b.len() && b[c] == b':' {
                return true;
            }
        }
        j += 1;
    }
    false
}

/// Whether `ConvertTo-SecureString` at `i` is given a written string (`ConvertTo-SecureString
/// 'hunter2' -AsPlainText -Force`, `-String "hunter2"`): its first operand or the value of
/// `-String` (ConvertTo-SecureString, Microsoft.PowerShell.Security).
const fn secure_string_written_at(b: &[u8], i: usize) -> bool {
    const CMDLET: &[u8] = b"convertto-securestring";
    if !at_ignore_case(b, i, CMDLET) {
        return false;
    }
    let mut k = i + CMDLET.len();
    loop {
        let v = skip_blanks(b, k);
        if v >= b.len() || matches!(b[v], b'\n' | b'|' | b';' | b')') {
            // No string given: one piped in (`'hunter2' | ConvertTo-SecureString …`).
            return piped_quote_before(b, i);
        }
        let (_, e) = next_word(b, v);
        if b[v] == b'-' {
            // `-String VALUE`; `-SecureKey`/`-Key VALUE` take a value to skip; `-AsPlainText`
            // and `-Force` take none.
            let string = e > v + 2 && at_ignore_case(b, v, b"-st");
            let keyed = at_ignore_case(b, v, b"-k") || at_ignore_case(b, v, b"-se");
            if string {
                return windows_written_at(b, skip_blanks(b, e));
            }
            k = if keyed { next_word(b, e).1 } else { e };
            continue;
        }
        return windows_written_at(b, v);
    }
}

/// Whether `net user NAME PASSWORD` at `i` (`net` or `net.exe`, in any case) gives the
/// account a written password (Net user, Windows Server commands): a word after the name
/// that is no switch (`/add`) and no prompt (`*`).
const fn net_user_password_at(b: &[u8], i: usize) -> bool {
    let mut k = match_word(b, i, b"net.exe", true);
    if k == 0 {
        k = match_word(b, i, b"net", true);
    }
    if k == 0 || !(k < b.len() && matches!(b[k], b' ' | b'\t')) {
        return false;
    }
    let (us, ue) = next_word(b, k);
    if !(ue == us + 4 && at_ignore_case(b, us, b"user")) {
        return false;
    }
    let (ns, ne) = next_word(b, ue);
    if ns == ne || matches!(b[ns], b'/' | b'-') {
        return false;
    }
    let (ps, pe) = next_word(b, ne);
    ps < pe && windows_written_at(b, ps)
}

/// Whether `.SetPassword(` or `.ChangePassword(` at `i` (ADSI's `IADsUser`) is given a
/// written argument (`$user.SetPassword("hunter2")`).
const fn adsi_password_at(b: &[u8], i: usize) -> bool {
    if !(i > 0 && b[i - 1] == b'.') {
        return false;
    }
    let n = if at_ignore_case(b, i, b"setpassword(") {
        12
    } else if at_ignore_case(b, i, b"changepassword(") {
        15
    } else {
        return false;
    };
    let mut k = i + n;
    loop {
        let v = skip_blanks(b, k);
        if v >= b.len() || matches!(b[v], b')' | b'\n') {
            return false;
        }
        if matches!(b[v], b'"' | b'\'' | b'@' | b'$') && windows_written_at(b, v) {
            return true;
        }
        // On to the next argument.
        let mut j = v + 1;
        while j < b.len() && !matches!(b[j], b',' | b')' | b'\n') {
            j += 1;
        }
        if !(j < b.len() && b[j] == b',') {
            return false;
        }
        k = j + 1;
    }
}

/// Whether the command at `i` gives a Windows registry value named like a secret a written
/// value (hostile review 20): `reg add KEY /v NAME /d DATA` (reg add, Windows Commands
/// reference: `/v` names the value, `/d` gives its data), or PowerShell's
/// `Set-ItemProperty`, `New-ItemProperty` (`sp`) with `-Name NAME -Value VALUE` or those
/// given by position (`-Path`, `-Name`, `-Value`). The registry is read by any process of
/// the instance, and the text by anyone who may describe it.
const fn registry_secret_at(b: &[u8], i: usize) -> bool {
    let reg = if word_at(b, i, b"reg") || word_at(b, i, b"reg.exe") {
        true
    } else if ((at_ignore_case(b, i, b"set-itemproperty")
        || at_ignore_case(b, i, b"new-itemproperty"))
        && blank(b, i + 16) > 0)
        || word_at(b, i, b"sp")
    {
        false
    } else {
        return false;
    };
    let (_, mut k) = next_word(b, i);
    if reg {
        let (s, e) = next_word(b, k);
        if !(e == s + 3 && at_ignore_case(b, s, b"add")) {
            return false;
        }
        k = e;
    }
    let (mut name, mut value) = (false, false);
    let mut positional = 0;
    loop {
        let (s, e) = next_word(b, k);
        if s == e || matches!(b[s], b'>' | b'<' | b')' | b'}') {
            break;
        }
        k = e;
        let switch = (reg && b[s] == b'/')
            || (!reg && b[s] == b'-' && e > s + 1 && b[s + 1].is_ascii_alphabetic());
        if switch {
            let letter = lower!(b[s + 1]);
            let (vs, ve) = next_word(b, e);
            if (reg && e == s + 2 && letter == b'v')
                || (!reg
                    && letter == b'n'
                    && at_ignore_case(b, s, b"-n")
                    && !at_ignore_case(b, s, b"-ne"))
            {
                let q = skip_quotes(b, vs);
                name = secret_name_ends(b, q, skip_quotes_back(b, q, ve));
                k = ve;
            } else if (reg && e == s + 2 && letter == b'd') || (!reg && letter == b'v') {
                value = windows_written_at(b, vs);
                k = ve;
            } else if !reg && matches!(letter, b'p' | b'l' | b't') {
                // `-Path`, `-LiteralPath`, `-Type` (or `-PropertyType`) take a value.
                k = ve;
            }
            continue;
        }
        if !reg {
            // By position: the path, the name, the value.
            if positional == 1 {
                let q = skip_quotes(b, s);
                name = secret_name_ends(b, q, skip_quotes_back(b, q, e));
            } else if positional == 2 {
                value = windows_written_at(b, s);
            }
            positional += 1;
        }
    }
    name && value
}

/// Whether the name whose secret word is at `i` (ending at `end`) is given, after a spaced
/// `=` (PowerShell or Python, where `NAME = …` is an assignment; the shell runs `NAME` as a
/// command), the result of a call that fetches it from Secrets Manager: PowerShell's
/// `Get-SECSecretValue` or `ConvertTo-SecureString` (whose own string is read at its name),
/// or boto3's `get_secret_value(` with nothing joined to it (`+`, `or`, `if`).
const fn fetched_by_call(b: &[u8], end: usize) -> bool {
    let Some(v) = value_after_name(b, end) else {
        return false;
    };
    if !(v >= 2 && v < b.len() && matches!(b[v - 1], b' ' | b'\t') && b[v].is_ascii_alphabetic()) {
        return false;
    }
    let mut eq = v - 1;
    while eq > 0 && matches!(b[eq], b' ' | b'\t') {
        eq -= 1;
    }
    if !(b[eq] == b'=' && eq > 0 && matches!(b[eq - 1], b' ' | b'\t' | b']')) {
        return false;
    }
    if at_ignore_case(b, v, b"get-secsecretvalue ")
        || at_ignore_case(b, v, b"convertto-securestring ")
    {
        return true;
    }
    python_value_fetched(b, v, line_end_of(b, v), 4)
}

/// The calls whose result Python user data fetches or makes at boot rather than writes:
/// boto3's `get_secret_value`, `get_parameter`, `get_parameters` and `get_random_password`
/// (Secrets Manager and Systems Manager), and the `secrets` module's random tokens.
const PYTHON_FETCHES: [&str; 7] = [
    "get_secret_value(",
    "get_parameter(",
    "get_parameters(",
    "get_random_password(",
    "token_hex(",
    "token_urlsafe(",
    "token_bytes(",
];

/// Whether the Python expression from `v` to `end` gives a value fetched at boot, as far as
/// the check can follow it (hostile review 20; a value it cannot follow is written): nothing
/// joined to it (`+`, `%`, `or`, `if`, `and`), and a call of [`PYTHON_FETCHES`], an f-string
/// whose fields are all fetched and that writes nothing around them, or variables (`pw`,
/// `secret["SecretString"]`, `json.loads(secret["SecretString"])["password"]`) each last
/// given a fetched value ([`python_variable_fetched`]), and no quoted text but subscripts
/// (`["SecretString"]`) and what [`python_fetch_picked`] allows (the key of `.get("…")`,
/// the arguments of a fetch; hostile review 21: a container of a fetch and written text
/// picked by a key passed). `depth` bounds how many assignments are followed.
const fn python_value_fetched(b: &[u8], v: usize, end: usize, depth: u8) -> bool {
    if depth == 0 || v >= end {
        return false;
    }
    // An f-string: fetched when it writes nothing of its own.
    let mut q = v;
    while q < end && q < v + 2 && matches!(b[q], b'f' | b'F' | b'r' | b'R') {
        q += 1;
    }
    if q > v && q < end && matches!(b[q], b'"' | b'\'') {
        let mut f = v;
        while f < q && lower!(b[f]) != b'f' {
            f += 1;
        }
        return f < q && !python_string_written(b, q, depth);
    }
    // A name first (not a literal), and no list, dict, set or tuple written in it
    // (`[get_secret_value(…), "hunter2"][1]`): a bracket or a parenthesis opens only a
    // subscript or a call's arguments, after a name or a closing bracket.
    if !(b[v].is_ascii_alphabetic() || b[v] == b'_') {
        return false;
    }
    let mut j = v;
    let mut fetches = false;
    while j < end {
        let x = b[j];
        if matches!(x, b'"' | b'\'') {
            j += 1;
            while j < end && b[j] != x {
                j += 1;
            }
        } else if matches!(x, b'+' | b'%')
            || at_exactly(b, j, b" or ")
            || at_exactly(b, j, b" if ")
            || at_exactly(b, j, b" and ")
            || at_exactly(b, j, b"lambda")
        {
            return false;
        } else if matches!(x, b'[' | b'(' | b'{') {
            let mut p = j;
            while p > v && matches!(b[p - 1], b' ' | b'\t') {
                p -= 1;
            }
            if x == b'{' || !(p > v && (name_byte(b[p - 1]) || matches!(b[p - 1], b')' | b']'))) {
                return false;
            }
        }
        j += 1;
    }
    let mut c = 0;
    while c < PYTHON_FETCHES.len() {
        if range_holds(b, v, end, PYTHON_FETCHES[c].as_bytes()) {
            fetches = true;
        }
        c += 1;
    }
    if fetches {
        return python_fetch_picked(b, v, end, depth);
    }
    // The variables of the expression: names not after a `.` and not called.
    let mut j = v;
    let mut roots = 0;
    let mut brackets = 0;
    let mut quoted = false;
    while j < end {
        let x = b[j];
        if x == b'#' {
            break;
        }
        if x == b'[' {
            brackets += 1;
        } else if x == b']' && brackets > 0 {
            brackets -= 1;
        } else if matches!(x, b'"' | b'\'') {
            // Past a key in a subscript, or a string read below: a key given to `get`
            // (`json.loads(r["SecretString"]).get("password")`; hostile review 21).
            quoted = quoted || brackets == 0;
            j += 1;
            while j < end && b[j] != x {
                j += 1;
            }
        } else if x.is_ascii_digit() && brackets == 0 && !(j > v && name_byte(b[j - 1])) {
            return false;
        } else if (x.is_ascii_alphabetic() || x == b'_') && !(j > v && name_byte(b[j - 1])) {
            let s = j;
            while j < end && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                j += 1;
            }
            let after = skip_blanks(b, j);
            let attribute = s > v && b[s - 1] == b'.';
            let called = after < end && matches!(b[after], b'(' | b'.');
            if !attribute && !called && brackets == 0 {
                if !python_variable_fetched(b, s, j, v, depth - 1) {
                    return false;
                }
                roots += 1;
            }
            continue;
        }
        j += 1;
    }
    roots > 0 && (!quoted || python_fetch_picked(b, v, end, depth))
}

/// Calls whose quoted arguments name what is fetched rather than give a value: boto3's
/// `client`, `resource` and `Session`, and the fetches of [`PYTHON_FETCHES`].
const PYTHON_NAMING_CALLS: [&str; 10] = [
    "client",
    "resource",
    "Session",
    "get_secret_value",
    "get_parameter",
    "get_parameters",
    "get_random_password",
    "token_hex",
    "token_urlsafe",
    "token_bytes",
];

/// Whether the Python expression from `v` to `end`, which calls a fetch of
/// [`PYTHON_FETCHES`], gives what it fetched rather than text written beside it (hostile
/// review 21: `dict(a=get_secret_value(…), b="hunter2")["b"]` picked the written text):
/// every quoted string or number is a subscript's key (`["SecretString"]`), an argument of
/// a call that names what is fetched ([`PYTHON_NAMING_CALLS`]: `SecretId="db"`), or the
/// first argument of `get`, `decode` or `encode` (a key, a codec); and every variable given
/// to another call (`dict(…)`, `max(…)`, `json.loads(…)`) was last given a fetched value.
const fn python_fetch_picked(b: &[u8], v: usize, end: usize, depth: u8) -> bool {
    // What each open bracket is: a subscript, a naming call, a key call, another call.
    const SUBSCRIPT: u8 = 0;
    const NAMING: u8 = 1;
    const KEYED: u8 = 2;
    const OTHER: u8 = 3;
    let mut kinds = [0u8; 16];
    let mut commas = [0u8; 16];
    let mut open = 0;
    let mut j = v;
    while j < end {
        let x = b[j];
        if x == b'#' {
            break;
        }
        let top = if open > 0 { kinds[open - 1] } else { OTHER };
        let value_allowed = open > 0
            && (top == SUBSCRIPT || top == NAMING || (top == KEYED && commas[open - 1] == 0));
        if matches!(x, b'"' | b'\'') {
            if !value_allowed {
                return false;
            }
            j += 1;
            while j < end && b[j] != x {
                j += 1;
            }
        } else if x.is_ascii_digit() && !(j > v && name_byte(b[j - 1])) {
            if !value_allowed {
                return false;
            }
            while j < end && name_byte(b[j]) {
                j += 1;
            }
            continue;
        } else if x == b'(' || x == b'[' {
            if open == kinds.len() {
                return false;
            }
            let mut kind = SUBSCRIPT;
            if x == b'(' {
                let mut s = j;
                while s > v && name_byte(b[s - 1]) {
                    s -= 1;
                }
                kind = OTHER;
                let mut c = 0;
                while c < PYTHON_NAMING_CALLS.len() {
                    let name = PYTHON_NAMING_CALLS[c].as_bytes();
                    if j - s == name.len() && at_exactly(b, s, name) {
                        kind = NAMING;
                    }
                    c += 1;
                }
                if (j - s == 3 && at_exactly(b, s, b"get"))
                    || (j - s == 6 && (at_exactly(b, s, b"decode") || at_exactly(b, s, b"encode")))
                {
                    kind = KEYED;
                }
            }
            kinds[open] = kind;
            commas[open] = 0;
            open += 1;
        } else if x == b')' || x == b']' {
            open = if open > 0 { open - 1 } else { 0 };
        } else if x == b',' && open > 0 {
            commas[open - 1] = commas[open - 1].saturating_add(1);
        } else if (x.is_ascii_alphabetic() || x == b'_') && !(j > v && name_byte(b[j - 1])) {
            let s = j;
            while j < end && name_byte(b[j]) {
                j += 1;
            }
            if j < end && matches!(b[j], b'"' | b'\'') {
                // A string's prefix (`b"…"`, `f'…'`): read with the string.
                continue;
            }
            let after = skip_blanks(b, j);
            let attribute = s > v && b[s - 1] == b'.';
            let called = after < end && matches!(b[after], b'(' | b'.');
            let keyword = after + 1 < end && b[after] == b'=' && b[after + 1] != b'=';
            if open > 0
                && top == OTHER
                && !attribute
                && !called
                && !keyword
                && !python_variable_fetched(b, s, j, v, depth - 1)
            {
                return false;
            }
            continue;
        }
        j += 1;
    }
    true
}

/// Whether the Python variable `b[s..e]` was last given, on a line of its own before
/// `limit` (`NAME = …`, at the line's indentation), a value fetched at boot
/// ([`python_value_fetched`]). A name never assigned so (a function's parameter, a loop's
/// variable, a name the script reads elsewhere) cannot be followed: not fetched.
const fn python_variable_fetched(b: &[u8], s: usize, e: usize, limit: usize, depth: u8) -> bool {
    let len = e - s;
    let mut k = limit;
    while k > 0 {
        k -= 1;
        if b[k] != b[s] || k + len >= b.len() || !names_equal(b, k, s, len) {
            continue;
        }
        let ls = line_start_of(b, k);
        if skip_blanks(b, ls) != k {
            continue;
        }
        let eq = skip_blanks(b, k + len);
        if !(eq + 1 < b.len() && b[eq] == b'=' && b[eq + 1] != b'=') {
            continue;
        }
        let value = skip_blanks(b, eq + 1);
        if value >= limit {
            continue;
        }
        return python_value_fetched(b, value, line_end_of(b, value), depth);
    }
    false
}

/// Whether the Python string whose quote is at `q` (after its prefix) writes text: a
/// character outside its fields, or, in an f-string (a prefix with `f`), a field the check
/// cannot follow to a fetched value (`f"{'hunter2'}"`, `f"{pw}"` after `pw = "hunter2"`;
/// hostile review 20). A plain string is written when it holds more than blanks and the
/// escapes of a new line, a carriage return or a tab (hostile review 22).
const fn python_string_written(b: &[u8], q: usize, depth: u8) -> bool {
    let mut f = q;
    while f > 0
        && matches!(
            b[f - 1],
            b'f' | b'F' | b'r' | b'R' | b'b' | b'B' | b'u' | b'U'
        )
    {
        f -= 1;
    }
    let mut formatted = false;
    let mut raw = false;
    while f < q {
        if lower!(b[f]) == b'f' {
            formatted = true;
        } else if lower!(b[f]) == b'r' {
            raw = true;
        }
        f += 1;
    }
    let quote = b[q];
    let triple = q + 2 < b.len() && b[q + 1] == quote && b[q + 2] == quote;
    let mut j = if triple { q + 3 } else { q + 1 };
    while j < b.len() {
        let x = b[j];
        if x == quote && (!triple || (j + 2 < b.len() && b[j + 1] == quote && b[j + 2] == quote)) {
            return false;
        }
        if x == b'\n' && !triple {
            return false;
        }
        // The escape of a new line, a carriage return or a tab is no written text
        // (`f"{pw}\n"`; hostile review 22); in a raw string it is a backslash.
        if x == b'\\' && !raw && j + 1 < b.len() && matches!(b[j + 1], b'n' | b'r' | b't') {
            j += 2;
            continue;
        }
        if formatted && x == b'{' {
            if j + 1 < b.len() && b[j + 1] == b'{' {
                return true;
            }
            // The field, to its `}`, `!` or `:` (a format spec).
            let fs = skip_blanks(b, j + 1);
            let mut fe = fs;
            let mut depth_in = 0;
            while fe < b.len() && b[fe] != b'\n' {
                let y = b[fe];
                if y == b'[' || y == b'(' {
                    depth_in += 1;
                } else if (y == b']' || y == b')') && depth_in > 0 {
                    depth_in -= 1;
                } else if depth_in == 0 && matches!(y, b'}' | b'!' | b':') {
                    break;
                }
                fe += 1;
            }
            if !python_value_fetched(b, fs, fe, depth) {
                return true;
            }
            while fe < b.len() && b[fe] != b'}' && b[fe] != b'\n' {
                fe += 1;
            }
            j = fe + 1;
            continue;
        }
        if !matches!(x, b' ' | b'\t') {
            return true;
        }
        j += 1;
    }
    false
}

/// The end of the Python operand at `j` (a string, a name and its calls and subscripts):
/// its first `+` when `plus`, or `,` when `comma`, outside brackets and quotes, or a
/// closing bracket it did not open, or `end`.
const fn python_operand_end(b: &[u8], j: usize, end: usize, comma: bool, plus: bool) -> usize {
    let mut k = j;
    let mut depth = 0;
    while k < end {
        let x = b[k];
        if matches!(x, b'"' | b'\'') {
            k += 1;
            while k < end && b[k] != x {
                if b[k] == b'\\' {
                    k += 1;
                }
                k += 1;
            }
        } else if matches!(x, b'(' | b'[' | b'{') {
            depth += 1;
        } else if matches!(x, b')' | b']' | b'}') {
            if depth == 0 {
                return k;
            }
            depth -= 1;
        } else if depth == 0 && ((plus && x == b'+') || (comma && x == b',')) {
            return k;
        }
        k += 1;
    }
    end
}

/// Whether the Python operand `b[v..end]` is fetched at boot ([`python_value_fetched`]),
/// or is a fetched variable given to its own methods with nothing written beside it
/// (`pw.strip()`, `pw.encode("utf-8")`: [`python_fetch_picked`]).
const fn python_operand_fetched(b: &[u8], v: usize, end: usize) -> bool {
    if python_value_fetched(b, v, end, 4) {
        return true;
    }
    let mut ne = v;
    while ne < end && name_byte(b[ne]) {
        ne += 1;
    }
    ne > v
        && ne < end
        && b[ne] == b'.'
        && python_variable_fetched(b, v, ne, v, 4)
        && python_fetch_picked(b, v, end, 4)
}

/// Whether the Python expression `b[v..end]` gives only values fetched at boot, with
/// nothing written of its own but blanks and the escapes of a new line, a carriage return
/// or a tab (hostile review 22): operands joined by `+`, each a fetched value
/// ([`python_value_fetched`]), a string that writes nothing ([`python_string_written`]:
/// `f"{pw}\n"`, `"\n"`), or a template of placeholders and blanks given fetched values
/// (`"%s\n" % pw`, `"%s\n" % (pw,)`, `"{}\n".format(pw)`). `pw + "x\n"` and
/// `"%sx\n" % pw` write text.
const fn python_only_fetched(b: &[u8], v: usize, end: usize) -> bool {
    let mut j = v;
    loop {
        j = skip_blanks(b, j);
        if j >= end {
            return false;
        }
        let mut q = j;
        while q < end && q < j + 2 && matches!(lower!(b[q]), b'b' | b'r' | b'u' | b'f') {
            q += 1;
        }
        if q < end && matches!(b[q], b'"' | b'\'') {
            let quote = b[q];
            // A triple-quoted string (`f"""{pw}"""`) ends at three quotes (hostile review
            // 23).
            let triple = q + 2 < end && b[q + 1] == quote && b[q + 2] == quote;
            let mut se = if triple { q + 3 } else { q + 1 };
            while se < end
                && !(b[se] == quote
                    && (!triple || (se + 2 < end && b[se + 1] == quote && b[se + 2] == quote)))
            {
                if b[se] == b'\\' {
                    se += 1;
                }
                se += 1;
            }
            if se >= end {
                return false;
            }
            if triple {
                // Past the two quotes after the first closing one.
                if python_string_written(b, q, 4) {
                    return false;
                }
                j = se + 3;
                j = skip_blanks(b, j);
                if j >= end {
                    return true;
                }
                if b[j] != b'+' {
                    return false;
                }
                j += 1;
                continue;
            }
            let after = skip_blanks(b, se + 1);
            let percent = after < end && b[after] == b'%';
            let format = at_exactly(b, after, b".format(");
            if percent || format {
                // A template: placeholders, blanks and the escapes of blanks only.
                if q > j && (lower!(b[j]) == b'f' || lower!(b[q - 1]) == b'f') {
                    return false;
                }
                let mut t = q + 1;
                while t < se {
                    let x = b[t];
                    if matches!(x, b' ' | b'\t') {
                        t += 1;
                    } else if t + 1 < se
                        && ((x == b'\\' && matches!(b[t + 1], b'n' | b'r' | b't'))
                            || (percent && x == b'%' && b[t + 1] == b's'))
                    {
                        // The escape of a blank, or a `%s` placeholder.
                        t += 2;
                    } else if format && x == b'{' {
                        t += 1;
                        while t < se && b[t].is_ascii_digit() {
                            t += 1;
                        }
                        if !(t < se && b[t] == b'}') {
                            return false;
                        }
                        t += 1;
                    } else {
                        return false;
                    }
                }
                // Its values: one operand, or a tuple or the call's arguments.
                let mut a = if percent {
                    skip_blanks(b, after + 1)
                } else {
                    after + 8
                };
                let tuple = format || (a < end && b[a] == b'(');
                if percent && tuple {
                    a += 1;
                }
                loop {
                    a = skip_blanks(b, a);
                    if tuple && a < end && b[a] == b')' {
                        j = a + 1;
                        break;
                    }
                    let ae = python_operand_end(b, a, end, tuple, true);
                    let mut last = ae;
                    while last > a && matches!(b[last - 1], b' ' | b'\t') {
                        last -= 1;
                    }
                    if !python_operand_fetched(b, a, last) {
                        return false;
                    }
                    if !tuple {
                        j = ae;
                        break;
                    }
                    a = ae;
                    if a < end && b[a] == b',' {
                        a += 1;
                    } else if !(a < end && b[a] == b')') {
                        return false;
                    }
                }
            } else {
                if python_string_written(b, q, 4) {
                    return false;
                }
                j = se + 1;
            }
        } else {
            let oe = python_operand_end(b, j, end, false, true);
            let mut last = oe;
            while last > j && matches!(b[last - 1], b' ' | b'\t') {
                last -= 1;
            }
            if !python_operand_fetched(b, j, last) {
                return false;
            }
            j = oe;
        }
        j = skip_blanks(b, j);
        if j >= end {
            return true;
        }
        if b[j] != b'+' {
            return false;
        }
        j += 1;
    }
}

/// Whether the value given at `end` to a name whose secret word is at `i` is a field of a
/// Python f-string (`f"password={pw}"`) that the check follows to a fetched value
/// ([`python_value_fetched`]), with nothing written after it (hostile review 20: a field
/// was read as written text).
const fn python_field_fetched(b: &[u8], i: usize, end: usize) -> bool {
    let Some(v) = value_after_name(b, end) else {
        return false;
    };
    if !(v < b.len() && b[v] == b'{' && v + 1 < b.len() && b[v + 1] != b'{') {
        return false;
    }
    // An f-string opened before the name on its line, not closed before it.
    let ls = line_start_of(b, i);
    let mut o = i;
    let mut opened = false;
    while o > ls {
        o -= 1;
        if matches!(b[o], b'"' | b'\'') {
            opened = o > ls
                && matches!(b[o - 1], b'f' | b'F')
                && !(o > ls + 1 && name_byte(b[o - 2]) && !matches!(b[o - 2], b'r' | b'R'));
            break;
        }
    }
    if !opened {
        return false;
    }
    let fs = skip_blanks(b, v + 1);
    let mut fe = fs;
    while fe < b.len() && !matches!(b[fe], b'}' | b'!' | b':' | b'\n') {
        fe += 1;
    }
    if !(fe < b.len() && b[fe] == b'}' && python_value_fetched(b, fs, fe, 4)) {
        return false;
    }
    // Nothing written right after the field (`{pw}hunter2`).
    !(fe + 1 < b.len() && b[fe + 1].is_ascii_alphanumeric())
}

/// Whether the value given at `end` to a name whose secret word starts at `i` is a setting
/// of cloud-init that holds no secret: the `chpasswd:` module's key, `lock_passwd` given a
/// boolean, or `password` given `RANDOM` (or `R`) in cloud-config (cloud-init, "Set Passwords" and "Users and Groups").
const fn cloud_init_setting(b: &[u8], i: usize, end: usize) -> bool {
    if !(end < b.len() && b[end] == b':') {
        return false;
    }
    let mut s = i;
    while s > 0 && name_byte(b[s - 1]) {
        s -= 1;
    }
    if yaml_key_start(b, line_start_of(b, s)).0 != s {
        return false;
    }
    // The module's key, whose passwords [`chpasswd_list_at`] reads.
    if end - s == 8 && at_ignore_case(b, s, b"chpasswd") {
        return true;
    }
    let v = skip_quotes(b, skip_blanks(b, end + 1));
    let mut ve = v;
    while ve < b.len() && b[ve].is_ascii_alphanumeric() {
        ve += 1;
    }
    let rest = skip_quotes(b, skip_blanks(b, ve));
    if !(rest >= b.len() || matches!(b[rest], b'\n' | b'\r' | b'#')) {
        return false;
    }
    if end - s == 11 && at_ignore_case(b, s, b"lock_passwd") {
        let word = ve - v;
        return (word == 4 && at_ignore_case(b, v, b"true"))
            || (word == 5 && at_ignore_case(b, v, b"false"))
            || (word == 3 && at_ignore_case(b, v, b"yes"))
            || (word == 2 && at_ignore_case(b, v, b"no"));
    }
    end - s == 8
        && ((ve == v + 6 && at_exactly(b, v, b"RANDOM")) || (ve == v + 1 && b[v] == b'R'))
        && at_exactly(b, 0, b"#cloud-config")
}

/// Whether the name whose secret word starts at `i` is a tag of a sudoers rule
/// (`NOPASSWD:` or `PASSWD:` before the commands, `ALL` or a path; sudoers(5), "Tag_Spec"),
/// which holds no password (a false refusal of `app ALL=(ALL) NOPASSWD:ALL` before hostile
/// review 19).
const fn sudoers_tag(b: &[u8], i: usize, end: usize) -> bool {
    let s = if i >= 2 && at_exactly(b, i - 2, b"NOPASSWD") {
        i - 2
    } else {
        i
    };
    if !(end == s + 8 || (s == i && end == i + 6)) {
        return false;
    }
    if !(at_exactly(b, s, b"NOPASSWD:") || at_exactly(b, s, b"PASSWD:")) {
        return false;
    }
    // (After a blank, or the escape of a tab that `sed` or `printf` writes, `\tNOPASSWD:`;
    // hostile review 30.)
    if s > 0 && name_byte(b[s - 1]) && !(b[s - 1] == b't' && s > 1 && b[s - 2] == b'\\') {
        return false;
    }
    // Blanks may follow the tag's colon, and more tags (`NOPASSWD: SETENV: ALL`; hostile
    // review 29); a command may be negated (`!/usr/bin/su`) or be `sudoedit`.
    let mut v = sudoers_blanks(b, end + 1);
    loop {
        let mut t = v;
        while t < b.len() && (b[t].is_ascii_uppercase() || b[t] == b'_') {
            t += 1;
        }
        if !(t < b.len() && b[t] == b':' && sudoers_tag_name(b, v, t)) {
            break;
        }
        v = sudoers_blanks(b, t + 1);
    }
    if v < b.len() && b[v] == b'!' {
        v += 1;
    }
    v < b.len()
        && ((at_exactly(b, v, b"ALL") && (v + 3 == b.len() || !name_byte(b[v + 3])))
            || b[v] == b'/'
            || at_exactly(b, v, b"sudoedit "))
}

/// Skips blanks at `k`, and the ways a `sed` pattern spells them in a sudoers rule (`\s*`,
/// `\s\+`, `\t`, `[[:space:]]*`; hostile review 30).
const fn sudoers_blanks(b: &[u8], mut k: usize) -> usize {
    loop {
        let t = skip_blanks(b, k);
        if t + 1 < b.len() && b[t] == b'\\' && matches!(b[t + 1], b's' | b't') {
            k = t + 2;
            if k < b.len() && b[k] == b'*' {
                k += 1;
            } else if k + 1 < b.len() && b[k] == b'\\' && b[k + 1] == b'+' {
                k += 2;
            }
        } else if at_exactly(b, t, b"[[:space:]]") {
            k = t + 11;
            if k < b.len() && matches!(b[k], b'*' | b'+') {
                k += 1;
            }
        } else {
            return t;
        }
    }
}

/// Whether `b[s..e]` is the name of a tag of a sudoers rule (sudoers(5), "Tag_Spec"):
/// `PASSWD`, `SETENV`, `EXEC`, `FOLLOW`, `LOG_INPUT`, `LOG_OUTPUT`, `MAIL`, `INTERCEPT`,
/// each perhaps after `NO`.
const fn sudoers_tag_name(b: &[u8], s: usize, e: usize) -> bool {
    const TAGS: [&[u8]; 8] = [
        b"PASSWD",
        b"SETENV",
        b"EXEC",
        b"FOLLOW",
        b"LOG_INPUT",
        b"LOG_OUTPUT",
        b"MAIL",
        b"INTERCEPT",
    ];
    let s = if e >= s + 2 && at_exactly(b, s, b"NO") {
        s + 2
    } else {
        s
    };
    let mut t = 0;
    while t < TAGS.len() {
        if e - s == TAGS[t].len() && at_exactly(b, s, TAGS[t]) {
            return true;
        }
        t += 1;
    }
    false
}

/// Whether the name whose secret word starts at `i` (its end at `end`) names a credential
/// loaded from the file after it, not a secret written: systemd's
/// `LoadCredential=NAME:PATH` and `LoadCredentialEncrypted=NAME:PATH` (systemd.exec(5),
/// "Credentials"; `SetCredential=NAME:VALUE` writes the value) and `kubectl create secret
/// generic … --from-file=NAME=PATH` (`--from-literal=NAME=VALUE` writes it; hostile review
/// 29). The path is absolute and plain, not a device or a process's file (`/dev/stdin`,
/// `/proc/self/fd/0`), which would read text fed to the command, nor a file the script
/// writes with a name the check does not read as a secret's (`echo … > /tmp/x`).
const fn credential_file_named(b: &[u8], i: usize, end: usize) -> bool {
    if end >= b.len() {
        return false;
    }
    let mut s = i;
    while s > 0 && (name_byte(b[s - 1]) || b[s - 1] == b'.') {
        s -= 1;
    }
    if s > 0 && matches!(b[s - 1], b'"' | b'\'') {
        s -= 1;
    }
    let form = if b[end] == b':' {
        (s >= 15 && at_exactly(b, s - 15, b"LoadCredential="))
            || (s >= 24 && at_exactly(b, s - 24, b"LoadCredentialEncrypted="))
    } else if b[end] == b'=' {
        s >= 12 && at_exactly(b, s - 12, b"--from-file=")
    } else {
        false
    };
    let v = skip_quotes(b, end + 1);
    if !(form && v < b.len() && b[v] == b'/') {
        return false;
    }
    // The path plain (no expansion, no `..`), its last part from `p`.
    let mut e = v;
    let mut p = v;
    while e < b.len() && (name_byte(b[e]) || matches!(b[e], b'.' | b'/')) {
        if b[e] == b'/' {
            p = e + 1;
        }
        e += 1;
    }
    let pe = skip_quotes(b, e);
    if !(e > p && (pe == b.len() || blank(b, pe) > 0 || command_end_or_line(b, pe))) {
        return false;
    }
    // Not a file the script writes, unless named like a secret, whose text is read as such
    // ([`secret_file_written_at`]); not one that may be a device, a pipe or a link to one.
    !range_holds(b, v, e, b"..")
        && !range_holds(b, v, e, b"/dev/")
        && !range_holds(b, v, e, b"/proc/")
        && !range_holds(b, 0, b.len(), b"/dev/std")
        && !range_holds(b, 0, b.len(), b"/dev/fd")
        && !range_holds(b, 0, b.len(), b"/proc/self")
        && !range_holds(b, 0, b.len(), b"mkfifo")
        && (secret_file(b, v, e) || !file_written_by_script(b, p, e))
}

/// Checks user data text with [`user_data_problem`], as a [`Violation`].
///
/// ```
/// let err = hipaa_stack_syntax::check_user_data("DB_PASSWORD=hunter2").unwrap_err();
/// assert_eq!(err.what(), "user data");
/// ```
pub fn check_user_data(text: &str) -> Result<(), Violation> {
    match user_data_problem(text) {
        None => Ok(()),
        Some(rule) => Err(Violation::new("user data", text, rule)),
    }
}

#[cfg(test)]
mod tests;

//! The reasons written for an exception to a rule (a waiver, a construct's typed exception
//! such as `PublicLoadBalancer::plain_http_to_targets`): prose an auditor can read, checked
//! as text alone, so that the constructs refuse a bad reason when they are added and the
//! compliance engine reads one written by any other way as no waiver, by the same test.

/// Why a waiver's reason is not one an auditor can read, if it is not: the reason is
/// printed by `check` and written into the report (text, Markdown, HTML, JSON, SARIF) and
/// into the templates' metadata, so
/// - it holds no control character (a line break, a carriage return, a tab, an escape
///   sequence) nor an invisible formatting character (the Unicode bidirectional overrides,
///   embeddings and isolates, zero-width characters, line and paragraph separators, tag
///   characters), any of which can make a reader of the report or of a terminal see lines
///   or words that are not there, or not see those that are (CVE-2021-42574, "Trojan
///   Source");
/// - it is a sentence: at least 3 words and 10 letters or digits, so that blank text,
///   punctuation (`..........`) or one word does not stand for a reason.
///
/// [`App::waive`](crate::app::App::waive) refuses such a waiver, and
/// `PublicLoadBalancer::plain_http_to_targets` such a reason when the load balancer is added
/// (hostile review 24); the rule engine reads a waiver with such a reason written by any
/// other way (the metadata of a raw resource) as no waiver.
pub(crate) fn reason_problem(reason: &str) -> Option<&'static str> {
    if reason.chars().any(char::is_control) {
        return Some(
            "the reason holds a control character (a line break, a tab, an escape), which can hide or forge lines of the report; write it on one line of plain text",
        );
    }
    if reason.chars().any(invisible) {
        return Some(
            "the reason holds an invisible formatting character (a bidirectional override or isolate, a zero-width character, a line separator), which can make the report read otherwise than it is written; remove it",
        );
    }
    if states_a_secret(reason) {
        return Some(
            "the reason states what reads as a secret (`password: …`, `the token is …`), which the report prints and the templates' metadata carry; name the secret (its ARN or name), never its value",
        );
    }
    let letters = reason.chars().filter(|c| c.is_alphanumeric()).count();
    let words = reason
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count();
    if letters < 10 || words < 3 {
        return Some(
            "the reason is not a sentence (at least 3 words and 10 letters or digits); write the reason an auditor will read",
        );
    }
    None
}

/// Whether `reason` gives the value of a secret in prose, where rule `P1` (which reads a
/// reason in the metadata for credentials, assignments and tokens of known shapes) reads
/// none: a word naming a secret (`password`, `passphrase`, `secret`, `token`, `api key`,
/// `credentials` …) followed by `:` (or a `=` standing alone) and a value, or by `is`/`was`/`are` and a word
/// shaped like a secret (letters with digits or symbols: `hunter2`, `Winter2024!`).
/// "The password is rotated every 30 days" names no value.
fn states_a_secret(reason: &str) -> bool {
    const NAMES: &[&str] = &[
        "password",
        "passwd",
        "passphrase",
        "pwd",
        "secret",
        "token",
        "apikey",
        "api_key",
        "credential",
        "credentials",
    ];
    const KEYS: &[&str] = &["api", "access", "secret", "private", "signing"];
    let words: Vec<String> = reason.split_whitespace().map(str::to_lowercase).collect();
    let trim = |w: &str| -> String {
        w.trim_matches(|c: char| !c.is_alphanumeric() && c != '_')
            .to_owned()
    };
    let shaped = |w: &str| {
        let w = w.trim_matches(|c: char| matches!(c, '.' | ',' | ';' | ')' | '(' | '"' | '\''));
        w.chars().count() >= 4
            && w.chars().any(char::is_alphabetic)
            && (w.chars().any(|c| c.is_ascii_digit())
                || w.chars().any(|c| "!@#$%^&*+=/\\~?".contains(c)))
    };
    for (i, word) in words.iter().enumerate() {
        // `password=hunter2` is `P1`'s to find (an assignment), which it reads in the
        // metadata.
        if word.contains('=') && word.len() > 1 {
            continue;
        }
        let (head, rest) = match word.find(':') {
            Some(at) => (trim(&word[..at]), Some(&word[at + 1..])),
            None => (trim(word), None),
        };
        let named = NAMES
            .iter()
            .any(|n| head == *n || head.ends_with(&format!("_{n}")))
            || (head == "key" && i > 0 && KEYS.contains(&trim(&words[i - 1]).as_str()));
        if !named {
            continue;
        }
        let next = words.get(i + 1).map(String::as_str);
        let after = words.get(i + 2).map(String::as_str);
        let valued = |v: Option<&str>| v.is_some_and(|v| v.chars().any(char::is_alphanumeric));
        let stated = match rest {
            // `password:hunter2`, `password: hunter2`.
            Some(value) => valued(Some(value)) || valued(next),
            None => match next {
                // `password = hunter2`, `password : hunter2`.
                Some(":" | "=") => valued(after),
                // `the password is hunter2hunter2`.
                Some("is" | "was" | "are" | "were") => after.is_some_and(shaped),
                _ => false,
            },
        };
        if stated {
            return true;
        }
    }
    false
}

/// Whether `c` is a character that changes how text around it is shown without being seen
/// itself: Unicode's bidirectional controls (U+061C, U+200E, U+200F, U+202A–U+202E,
/// U+2066–U+2069), zero-width and invisible characters (U+00AD, U+180E, U+200B–U+200D,
/// U+2060–U+2064, U+FEFF, U+FFF9–U+FFFB), separators that break lines (U+2028, U+2029) and
/// tag characters (U+E0000–U+E007F).
pub(crate) fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{2069}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E007F}'
    )
}

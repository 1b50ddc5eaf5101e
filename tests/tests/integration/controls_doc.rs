//! `docs/CONTROLS.md` is generated from the catalogue and the rules (`hipaa_stack::compliance`)
//! and kept in sync by this test: what each rule checks, on which resource types, which
//! HIPAA and NIST SP 800-53 controls it serves, whether it can be waived, and what to do
//! when it fails.
//!
//! After changing a rule or a control, regenerate it:
//!
//! ```text
//! HIPAA_STACK_UPDATE_DOCS=1 cargo test -p hipaa-stack-tests --test integration controls_doc
//! ```

use std::collections::BTreeSet;
use std::fmt::Write as _;

use hipaa_stack::compliance::{CONTROLS, CUSTOMER_RESPONSIBILITIES, control, rules};

use crate::support::repo_root;

/// Text safe inside a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The document, from the library's own tables.
fn controls_doc() -> String {
    let mut doc = String::new();
    let all: Vec<_> = rules().collect();
    let _ = writeln!(doc, "# HIPAA controls and the rules that check them");
    let _ = writeln!(doc);
    let _ = writeln!(
        doc,
        "Generated from `hipaa_stack::compliance` (`rules()`, `CONTROLS`, \
         `CUSTOMER_RESPONSIBILITIES`) by `tests/tests/integration/controls_doc.rs`, which fails \
         when this file and the code differ. Do not edit it by hand; regenerate it with \
         `HIPAA_STACK_UPDATE_DOCS=1 cargo test -p hipaa-stack-tests --test integration controls_doc`."
    );
    let _ = writeln!(doc);
    let _ = writeln!(
        doc,
        "`synth` runs each of the {} rules on every resource of every stack and refuses an \
         unwaived failure; `check` and `report` show each rule's evidence. A rule marked \
         \"never\" accepts no waiver: such a waiver does not compile.",
        all.len()
    );
    let _ = writeln!(doc);
    let _ = writeln!(doc, "## Rules");
    let _ = writeln!(doc);
    let _ = writeln!(
        doc,
        "| rule | what it checks | resource types | HIPAA | NIST SP 800-53 | waiver | when it fails |"
    );
    let _ = writeln!(doc, "|---|---|---|---|---|---|---|");
    for r in &all {
        let types = if r.applies_to("Custom::NoSuchType") {
            "every type".to_owned()
        } else {
            r.types
                .iter()
                .map(|t| format!("`{t}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let nist: BTreeSet<&str> = r
            .controls
            .iter()
            .filter_map(|id| control(id))
            .flat_map(|c| c.nist.iter().copied())
            .collect();
        let waiver = if r.waivable() {
            "with a reason"
        } else if r.id == "H1" {
            "only `Waiver::never_holds_phi`"
        } else {
            "never"
        };
        let _ = writeln!(
            doc,
            "| {} | {} | {} | {} | {} | {} | {} |",
            r.id,
            cell(r.title),
            types,
            r.controls
                .iter()
                .map(|c| format!("§{c}"))
                .collect::<Vec<_>>()
                .join(", "),
            nist.into_iter().collect::<Vec<_>>().join(", "),
            waiver,
            cell(r.fix)
        );
    }
    let _ = writeln!(doc);
    let _ = writeln!(doc, "## Controls");
    let _ = writeln!(doc);
    let _ = writeln!(
        doc,
        "Each standard and implementation specification of the Security Rule that \
         infrastructure can address, and the rules that check it (none: the customer's, see \
         below)."
    );
    let _ = writeln!(doc);
    let _ = writeln!(
        doc,
        "| HIPAA | title | requirement | NIST SP 800-53 | rules |"
    );
    let _ = writeln!(doc, "|---|---|---|---|---|");
    for c in CONTROLS {
        let checked_by: Vec<&str> = all
            .iter()
            .filter(|r| r.controls.contains(&c.id))
            .map(|r| r.id)
            .collect();
        let requirement = serde_json::to_value(c.requirement).unwrap();
        let _ = writeln!(
            doc,
            "| §{} | {} | {} | {} | {} |",
            c.id,
            cell(c.title),
            requirement.as_str().unwrap_or_default(),
            c.nist.join(", "),
            if checked_by.is_empty() {
                "—".to_owned()
            } else {
                checked_by.join(", ")
            }
        );
    }
    let _ = writeln!(doc);
    let _ = writeln!(doc, "## The customer's part");
    let _ = writeln!(doc);
    let _ = writeln!(doc, "What no template can do, whatever the rules say.");
    let _ = writeln!(doc);
    let _ = writeln!(doc, "| what | detail | HIPAA |");
    let _ = writeln!(doc, "|---|---|---|");
    for r in CUSTOMER_RESPONSIBILITIES {
        let _ = writeln!(
            doc,
            "| {} | {} | {} |",
            cell(r.title),
            cell(r.detail),
            r.controls
                .iter()
                .map(|c| format!("§{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    doc
}

#[test]
fn controls_doc_is_in_sync_with_the_rules_and_the_catalogue() {
    let path = repo_root().join("docs/CONTROLS.md");
    let generated = controls_doc();
    if std::env::var_os("HIPAA_STACK_UPDATE_DOCS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} differs from the rules and the catalogue; regenerate it with \
         `HIPAA_STACK_UPDATE_DOCS=1 cargo test -p hipaa-stack-tests --test integration controls_doc` \
         and review the diff",
        path.display()
    );
    // Every rule and every control is in it.
    for r in rules() {
        assert!(committed.contains(&format!("\n| {} | ", r.id)), "{}", r.id);
    }
    for c in CONTROLS {
        assert!(committed.contains(&format!("\n| §{} | ", c.id)), "{}", c.id);
    }
}

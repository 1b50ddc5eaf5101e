//! The library's layers, checked: each module imports only modules of the layers below
//! its own, so that a reader can start at the bottom and never need a later file to
//! understand an earlier one.
//!
//! The test reads the sources (outside comments and the `tests` modules at the end of
//! each file) for paths into the crate, `crate::module::…` or a name the crate root
//! re-exports, and refuses every path that points up or sideways.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The layers, bottom first. A module may use the modules of lower layers only.
const LAYERS: &[&[&str]] = &[
    // The typed CloudFormation model with JSON-pointer access, content hashes, and work
    // shared between the cores.
    &["cfn", "digest", "parallel", "partition"],
    // Checked literals, and the reasons written for an exception to a rule.
    &["literal", "reason"],
    // The error of building, synthesizing and checking an app.
    &["error"],
    // The assembly folder, written atomically.
    &["outdir"],
    // The app arena and the node contract (`app/node.rs`), with the declaration interface
    // through which constructs declare their exceptions.
    &["app"],
    &["constructs"],
    // The resolver, and function code built as assets.
    &["graph", "asset"],
    &["synth"],
    // Rules, evidence, waivers, the report: over the synthesized templates; the one check
    // of a stack's tags, which `synth`, `check` and `up` make.
    &["compliance", "stack_tags"],
    // The deploy engine: over the assembly.
    &["deploy"],
    // The command line on top.
    &["logging", "cli_events"],
    &["cli"],
];

/// The layer of a top-level module.
fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// The top-level module of a file under `src/`: `constructs/kms_key.rs` is `constructs`.
fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).unwrap_or(file);
    let first = relative
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .unwrap_or_default();
    first.trim_end_matches(".rs").to_owned()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without its comments and without its `#[cfg(test)]` modules (found
/// by counting braces from the module's opening one).
fn code(text: &str) -> String {
    let mut kept = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("#[cfg(test)]\nmod ") {
        kept.push_str(&rest[..at]);
        let module = &rest[at..];
        let Some(open) = module.find('{') else {
            rest = "";
            break;
        };
        let mut depth = 0usize;
        let mut end = module.len();
        for (i, c) in module[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        rest = &module[end..];
    }
    kept.push_str(rest);
    kept.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The names the crate root re-exports, with the module each comes from; a glob
/// re-export (`pub use constructs::*`) gives the module of every other name.
fn root_names(lib: &str) -> (BTreeMap<String, String>, Option<String>) {
    let mut names = BTreeMap::new();
    let mut glob = None;
    let code = code(lib);
    for statement in code.split(';') {
        let Some(rest) = statement.trim().strip_prefix("pub use ") else {
            continue;
        };
        let Some((module, items)) = rest.split_once("::") else {
            continue;
        };
        if matches!(module, "crate" | "self" | "super") {
            continue; // the prelude and hidden modules, which re-export the crate's own names
        }
        if items.trim() == "*" {
            glob = Some(module.to_owned());
            continue;
        }
        for item in items.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
            if !item.is_empty() {
                names.insert(item.to_owned(), module.to_owned());
            }
        }
    }
    (names, glob)
}

/// Every `crate::…` path of `code`, as the top-level module it points into.
fn uses(code: &str, names: &BTreeMap<String, String>, glob: Option<&str>) -> Vec<String> {
    let mut out = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        if at > 0 {
            let before = code.as_bytes()[at - 1];
            if before.is_ascii_alphanumeric() || before == b'_' {
                continue; // `hipaa_stack_crate::`, not ours
            }
        }
        let rest = &code[at + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let module = if layer(&name).is_some() || name == "testing" {
            name
        } else if let Some(module) = names.get(&name) {
            module.clone()
        } else if name.chars().next().is_some_and(char::is_uppercase) {
            glob.unwrap_or("constructs").to_owned()
        } else {
            name
        };
        out.push(module);
    }
    out
}

#[test]
fn every_module_uses_only_the_layers_below_its_own() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("lib.rs");
    let (names, glob) = root_names(&lib);
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    assert!(files.len() > 50, "the sources were not found under {src:?}");
    let mut wrong = Vec::new();
    for file in &files {
        let module = module_of(&src, file);
        let test_only = file
            .file_name()
            .is_some_and(|n| n.to_string_lossy().ends_with("tests.rs"));
        if matches!(module.as_str(), "lib" | "layers" | "testing") || test_only {
            continue;
        }
        let Some(own) = layer(&module) else {
            wrong.push(format!(
                "{}: module `{module}` has no layer",
                file.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(file).expect("a source file");
        for used in uses(&code(&text), &names, glob.as_deref()) {
            if used == module || used == "testing" {
                continue;
            }
            match layer(&used) {
                Some(l) if l < own => {}
                Some(_) => wrong.push(format!(
                    "{}: `{module}` uses `{used}`, which is not below it",
                    file.display()
                )),
                None => wrong.push(format!(
                    "{}: `{module}` uses `crate::{used}`, which names no module of a layer",
                    file.display()
                )),
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn constructs_and_their_tests_use_the_declaration_interface_not_the_rules() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/constructs");
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    assert!(!files.is_empty());
    for file in files {
        let text = std::fs::read_to_string(&file).expect("a source file");
        for pattern in ["crate::compliance", "crate::deploy", "crate::synth"] {
            assert!(
                !text.contains(pattern),
                "{} uses `{pattern}`; constructs declare exceptions through `RenderCx::except`",
                file.display()
            );
        }
    }
}

#[test]
fn the_scanner_sees_paths_through_the_root_and_skips_comments_and_tests() {
    let (names, glob) = root_names("pub use synth::SynthesizedStack;\npub use constructs::*;\n");
    let code = code(
        "use crate::cfn::Resource;\n// crate::deploy in a comment\nfn f() -> crate::SynthesizedStack {}\nlet k = crate::KmsKey::new();\nmy_crate::x();\n#[cfg(test)]\nmod tests { fn t() { use crate::compliance; } }\nuse crate::graph::Edge;\n",
    );
    assert_eq!(
        uses(&code, &names, glob.as_deref()),
        ["cfn", "synth", "constructs", "graph"]
    );
}

//! Compile-fail and compile-pass cases for the public API (trybuild).
//!
//! `ui/refuse/` holds one mistake per file, named after the mistake, with the `.stderr`
//! rustc prints beside it: each must show hipaa-stack's own message, with the caret on the
//! user's token. `ui/accept/` holds programs that must compile and run.
//!
//! The `.stderr` files are rustc's output, which changes between compiler versions, so they
//! are recorded with the toolchain pinned in `rust-toolchain.toml` and this test runs only on
//! that compiler. To re-record them after changing a message or bumping the toolchain (bump
//! the `rustversion` gates below in the same commit):
//!
//! ```text
//! TRYBUILD=overwrite cargo test -p hipaa-stack-compile-fail --test ui
//! ```
//!
//! then review the diff of `tests/ui/` like code: every message should still name the HIPAA
//! control and the method to call, with the caret on the user's token.

/// The toolchain the `.stderr` snapshots were recorded with; the `rustversion` gates below
/// name the same version.
const PINNED: &str = "1.95.0";

#[rustversion::stable(1.95)]
#[test]
fn ui() {
    assert_toolchain_file_pins(PINNED);
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/refuse/*.rs");
    cases.pass("tests/ui/accept/*.rs");
}

#[rustversion::not(stable(1.95))]
#[test]
fn ui() {
    // What is true here: the snapshots belong to the pinned compiler, and this is not it.
    assert_toolchain_file_pins(PINNED);
    eprintln!(
        "skipping the trybuild ui tests: their .stderr snapshots were recorded with rustc \
         {PINNED} (rust-toolchain.toml) and this is another compiler; run `cargo test` in the \
         workspace so rustup picks the pinned one"
    );
}

/// Checks that `rust-toolchain.toml` pins `version`, so the gates and the file agree.
fn assert_toolchain_file_pins(version: &str) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../rust-toolchain.toml");
    let toolchain =
        std::fs::read_to_string(path).unwrap_or_else(|error| panic!("cannot read {path}: {error}"));
    assert!(
        toolchain.contains(&format!("channel = \"{version}\"")),
        "{path} does not pin {version}: re-record the ui snapshots with the new toolchain \
         and update `PINNED` and the `rustversion` gates in tests/tests/ui.rs in the same commit",
    );
}

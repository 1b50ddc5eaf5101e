//! Building and running the example programs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate lives in the repository")
        .to_owned()
}

/// The folder cargo puts binaries in, found from this test binary's own path
/// (`target/debug/deps/integration-…`).
fn bin_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary knows its path");
    exe.parent()
        .and_then(Path::parent)
        .expect("the test binary lives in target/<profile>/deps")
        .to_owned()
}

/// Builds the example package `name` once per test run and returns its binary.
pub fn example_binary(name: &'static str) -> PathBuf {
    static BUILT: OnceLock<Result<(), String>> = OnceLock::new();
    let built = BUILT.get_or_init(|| {
        let status = Command::new(env!("CARGO"))
            .current_dir(repo_root())
            .args([
                "build",
                "--quiet",
                "-p",
                "clinic",
                "-p",
                "telehealth",
                "-p",
                "portal",
                "-p",
                "scale",
                "-p",
                "docproc",
            ])
            .status()
            .map_err(|e| format!("could not run cargo: {e}"))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!(
                "`cargo build -p clinic -p telehealth -p portal -p scale -p docproc` failed: {status}"
            ))
        }
    });
    if let Err(err) = built {
        panic!("{err}");
    }
    let path = bin_dir().join(name);
    assert!(path.exists(), "no binary at {}", path.display());
    path
}

/// Runs an example with arguments.
pub fn run_example(name: &'static str, args: &[&str]) -> Output {
    run_example_with_env(name, args, &[])
}

/// Runs an example with arguments and environment variables (and none of the caller's AWS
/// settings).
pub fn run_example_with_env(name: &'static str, args: &[&str], env: &[(&str, String)]) -> Output {
    let mut command = Command::new(example_binary(name));
    command.args(args);
    for (k, _) in std::env::vars() {
        if k.starts_with("AWS_") {
            command.env_remove(k);
        }
    }
    command.envs(env.iter().map(|(k, v)| (k, v)));
    command.output().expect("the example runs")
}

/// Runs `synth --out DIR` and returns the folder's files, sorted by name.
pub fn synth_example(name: &'static str, out: &Path) -> Vec<(String, String)> {
    let output = run_example(name, &["synth", "--out", out.to_str().expect("UTF-8 path")]);
    assert!(
        output.status.success(),
        "{name} synth failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut files: Vec<(String, String)> = std::fs::read_dir(out)
        .expect("the assembly folder exists")
        // The functions' zips (`asset.<sha256>.zip`) are binary; the rest is text.
        .filter(|entry| {
            entry
                .as_ref()
                .map_or(true, |e| e.path().extension().is_none_or(|x| x != "zip"))
        })
        .map(|entry| {
            let path = entry.expect("a directory entry").path();
            let file = path
                .file_name()
                .and_then(|n| n.to_str())
                .expect("UTF-8 file name")
                .to_owned();
            let text = std::fs::read_to_string(&path).expect("a text file");
            (file, text)
        })
        .collect();
    files.sort();
    files
}

/// The harness's Python (`.venv`, or `HIPAA_STACK_PYTHON`), whose boto3 reads resources back.
pub fn python() -> PathBuf {
    std::env::var_os("HIPAA_STACK_PYTHON")
        .map_or_else(|| repo_root().join(".venv/bin/python"), Into::into)
}

/// Runs `script` with the harness's Python and `args`, and parses what it prints as JSON;
/// a failure shows Python's error.
pub fn python_json(script: &str, args: &[&str]) -> serde_json::Value {
    let output = Command::new(python())
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python runs");
    assert!(
        output.status.success(),
        "the read-back failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the read-back prints JSON")
}

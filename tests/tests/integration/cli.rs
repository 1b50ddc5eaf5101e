//! The command line is the user's program's: its name, version and description, each
//! command's own description, and on each command only the flags it honours.

use crate::support::{repo_root, run_example};

/// A field of an example's `[package]`, as written in its Cargo.toml.
fn package_field(example: &str, field: &str) -> String {
    let path = repo_root().join(format!("examples/{example}/Cargo.toml"));
    let text = std::fs::read_to_string(&path).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with(&format!("{field} = ")))
        .unwrap_or_else(|| panic!("{} has no {field}", path.display()));
    line.split_once(" = ")
        .unwrap()
        .1
        .trim_matches('"')
        .to_owned()
}

fn stdout(example: &'static str, args: &[&str]) -> String {
    let output = run_example(example, args);
    assert!(
        output.status.success(),
        "{example} {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The `NAME  Description` lines under `Commands:`.
fn commands(help: &str) -> Vec<(String, String)> {
    help.lines()
        .skip_while(|l| *l != "Commands:")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .map(|l| {
            let (name, about) = l.trim().split_once(' ').unwrap();
            (name.to_owned(), about.trim().to_owned())
        })
        .collect()
}

#[test]
fn help_and_version_are_the_programs_own() {
    let help = stdout("clinic", &["--help"]);
    let description = package_field("clinic", "description");
    assert!(help.starts_with(&format!("{description}\n")), "{help}");
    assert!(help.contains("Usage: clinic <COMMAND>"), "{help}");
    assert!(!help.contains("Declares HIPAA-compliant"), "{help}");

    let version = stdout("clinic", &["-V"]);
    assert_eq!(
        version,
        format!("clinic {}\n", package_field("clinic", "version"))
    );
    assert!(!version.contains("hipaa-stack"), "{version}");

    let commands = commands(&help);
    let names: Vec<&str> = commands.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "synth", "check", "report", "preview", "up", "destroy", "outputs", "drift", "graph",
            "help"
        ]
    );
    // One line per command, each its own.
    let mut abouts: Vec<&str> = commands.iter().map(|(_, a)| a.as_str()).collect();
    abouts.sort_unstable();
    abouts.dedup();
    assert_eq!(abouts.len(), commands.len(), "{help}");
    assert_eq!(
        commands[4].1,
        "Deploy the stacks through CloudFormation change sets, wave by wave"
    );
}

#[test]
fn a_program_with_arguments_of_its_own_keeps_each_commands_description() {
    let help = stdout("telehealth", &["--help"]);
    assert!(
        help.starts_with(&format!("{}\n", package_field("telehealth", "description"))),
        "{help}"
    );
    for (name, about) in commands(&help) {
        assert!(!about.contains("own flags"), "{name}: {about}");
    }
    let synth = stdout("telehealth", &["synth", "--help"]);
    assert!(
        synth.starts_with("Write the cloud assembly: one CloudFormation template per stack"),
        "{synth}"
    );
    assert!(
        synth.contains("Usage: telehealth synth [OPTIONS]"),
        "{synth}"
    );
    // The program's own flag is on every command.
    assert!(synth.contains("--decommission"), "{synth}");
    assert!(!synth.contains("own flags"), "{synth}");
}

#[test]
fn each_command_shows_only_the_flags_it_honours() {
    let flags = |command: &str| -> Vec<String> {
        stdout("clinic", &[command, "--help"])
            .lines()
            .filter_map(|l| {
                l.split_whitespace()
                    .find(|w| w.starts_with("--"))
                    .map(|w| w.trim_end_matches(',').to_owned())
            })
            .collect()
    };
    let up = flags("up");
    for flag in ["--yes", "--allow-replace", "--stack", "--out", "--adopt"] {
        assert!(up.iter().any(|f| f == flag), "up: {up:?}");
    }
    let preview = flags("preview");
    assert!(
        !preview.iter().any(|f| f == "--yes"),
        "preview: {preview:?}"
    );
    assert!(
        preview.iter().any(|f| f == "--allow-replace"),
        "{preview:?}"
    );
    let destroy = flags("destroy");
    assert!(
        !destroy.iter().any(|f| f == "--allow-replace"),
        "destroy: {destroy:?}"
    );
    assert!(destroy.iter().any(|f| f == "--yes"), "{destroy:?}");
    for read_only in ["outputs", "drift", "synth", "check"] {
        let flags = flags(read_only);
        assert!(
            !flags.iter().any(|f| f == "--yes" || f == "--allow-replace"),
            "{read_only}: {flags:?}"
        );
    }
    // `--yes` is refused where it means nothing.
    let refused = run_example("clinic", &["preview", "--yes"]);
    assert_eq!(refused.status.code(), Some(2));
}

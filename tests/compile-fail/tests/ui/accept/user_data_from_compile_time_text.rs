//! User data from compile-time text: a literal, a file read with `include_str!`, and
//! `concat!`; secrets are fetched at boot, by a shell command, never written in.

use hipaa_stack::{UserData, user_data};

fn main() {
    let boot = UserData::script(user_data!(include_str!("user_data_boot.sh")))
        .text(user_data!("echo ready\n"))
        .text(user_data!(concat!("echo ", "done", "\n")));
    let _ = boot;
    let text = user_data!("export PGPASSWORD=$(aws secretsmanager get-secret-value --secret-id db)\n");
    assert!(text.as_str().starts_with("export PGPASSWORD=$("));
}

//! `Set-Content -Value "…"` writes written text into a file named like a password. (Hostile review 19.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "<powershell>\nSet-Content -Path C:\\app\\db_password.txt -Value \"hunter2\"\n</powershell>\n"
    ));
}

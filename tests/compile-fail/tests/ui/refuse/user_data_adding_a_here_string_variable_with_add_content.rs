//! `Add-Content -Value $p`, `$p` last given a double-quoted here-string of written text, writes it into a file named like a password. (Hostile review 20.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "<powershell>\n$p = @\"\nhunter2\n\"@\nAdd-Content -Path C:\\app\\db_password.txt -Value $p\n</powershell>\n"
    ));
}

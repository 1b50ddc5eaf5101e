//! A PowerShell here-string copied into a variable and piped into `Out-File` writes written text into a file named like a password. (Hostile review 20.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "<powershell>\n$p = @'\nhunter2\n'@\n$p | Out-File C:\\app\\db_password.txt\n</powershell>\n"
    ));
}

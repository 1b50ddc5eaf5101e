//! PowerShell's `Tee-Object -FilePath` writes a here-string held by a variable into a file named like a password. (Hostile review 20.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "<powershell>\n$p = @'\nhunter2\n'@\n$p | Tee-Object -FilePath C:\\app\\db_password.txt\n</powershell>\n"
    ));
}

//! PowerShell calling .NET's `[IO.File]::WriteAllText(PATH, '…')` writes a literal into a file named like a password. (Hostile review 19.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "<powershell>\n[IO.File]::WriteAllText(\"C:\\app\\db_password.txt\", \"hunter2\")\n</powershell>\n"
    ));
}

//! A PowerShell function's parameter holds whatever its caller wrote, which the check cannot follow: written into a file named like a password, it is refused as a shell function's `$1` is. (Hostile review 20.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "<powershell>\nfunction Save-It([string]$p) { $p | Out-File C:\\app\\db_password.txt }\nSave-It 'hunter2'\n</powershell>\n"
    ));
}

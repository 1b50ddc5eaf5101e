//! PowerShell's `Set-Item -Path Env:NAME -Value '…'` gives a variable named like a password a written value. (Hostile review 19.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "<powershell>\nSet-Item -Path Env:DB_PASSWORD -Value 'hunter2'\n</powershell>\n"
    ));
}

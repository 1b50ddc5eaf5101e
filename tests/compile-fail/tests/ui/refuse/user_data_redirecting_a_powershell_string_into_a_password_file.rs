//! A PowerShell string redirected with `>` writes written text into a file named like a password. (Hostile review 20.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "<powershell>\n$p = 'hunter2'\n$p > C:\\app\\db_password.txt\n</powershell>\n"
    ));
}

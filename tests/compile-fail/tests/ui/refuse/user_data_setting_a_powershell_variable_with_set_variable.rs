//! PowerShell's `Set-Variable` alias `sv`, with its name and value given by position, gives `$p` written text as `$p = '…'` does; `$p` is then copied into a password's environment variable. (Hostile review 21.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "<powershell>\nsv p hunter2\n$env:DB_PASSWORD = $p\n</powershell>\n"
    ));
}

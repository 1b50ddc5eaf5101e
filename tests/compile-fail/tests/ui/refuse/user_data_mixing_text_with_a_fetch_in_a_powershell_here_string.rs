//! A double-quoted PowerShell here-string that mixes a fetched variable with written text is written text (as `f"{s}hunter2"` is in Python), here piped into a password's file. (Hostile review 21.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "<powershell>\n$s = (Get-SECSecretValue -SecretId db).SecretString\n$p = @\"\n$s-hunter2\n\"@\n$p | Out-File C:\\app\\db_password.txt\n</powershell>\n"
    ));
}

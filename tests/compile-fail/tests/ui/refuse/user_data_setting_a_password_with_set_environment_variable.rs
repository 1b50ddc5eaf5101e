//! PowerShell's `[Environment]::SetEnvironmentVariable(NAME, VALUE, …)` with a written value.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "<powershell>\n[Environment]::SetEnvironmentVariable(\"DB_PASSWORD\", \"hunter2\", \"Machine\")\n</powershell>\n"
    ));
}

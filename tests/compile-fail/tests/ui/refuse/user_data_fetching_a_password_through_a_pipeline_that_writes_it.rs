//! A PowerShell fetch whose pipeline ends in a stage that gives written text (`| ForEach-Object { … }`) assigns that text. (Hostile review 20.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "<powershell>\n$DbPassword = (aws secretsmanager get-secret-value --secret-id db --query SecretString --output text | ForEach-Object { 'hunter2' })\n</powershell>\n"
    ));
}

//! Boot scripts in other formats that fetch their secrets at boot, and settings that hold
//! none: a cloud-config with a random password, a locked one and a sudoers tag, a
//! PowerShell script that fetches its password with `Get-SECSecretValue`, and a Python
//! script that fetches it with boto3 (false refusals before hostile review 19).

use hipaa_stack::{UserData, user_data};

fn main() {
    let cloud = UserData::script(user_data!(
        "#cloud-config\nchpasswd: { expire: False }\nssh_pwauth: false\nusers:\n  - default\n  - name: app\n    lock_passwd: true\n    sudo: ALL=(ALL) NOPASSWD:ALL\nruncmd:\n  - [ sh, -c, \"echo ready\" ]\n  - export DB_PASSWORD=$(aws secretsmanager get-secret-value --secret-id ehr-db --query SecretString --output text)\n"
    ));
    let windows = UserData::script(user_data!(
        "<powershell>\n$pw = ConvertTo-SecureString (Get-SECSecretValue -SecretId ehr-db).SecretString -AsPlainText -Force\nNew-LocalUser -Name app -Password $pw\n(Get-SECSecretValue -SecretId ehr-api).SecretString | Set-Content -Path C:\\app\\api_token.txt\n</powershell>\n"
    ));
    let python = UserData::script(user_data!(
        "#!/usr/bin/env python3\nimport boto3, os\nos.environ[\"DB_PASSWORD\"] = boto3.client(\"secretsmanager\").get_secret_value(SecretId=\"ehr-db\")[\"SecretString\"]\n"
    ));
    let _ = (cloud, windows, python);
}

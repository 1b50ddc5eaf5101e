//! Boot scripts that copy values fetched or made at boot through variables, here-strings,
//! pipelines and f-strings into files and variables named like secrets (some were false
//! refusals before hostile review 20: `os.environ[…] = x` after `x = …get_secret_value(…)`,
//! an f-string field of a fetched value), and an SSM-style fetch through `ConvertFrom-Json`.

use hipaa_stack::{UserData, user_data};

fn main() {
    let windows = UserData::script(user_data!(
        "<powershell>\n$s = (Get-SECSecretValue -SecretId ehr-db).SecretString\n$p = @\"\n$s\n\"@\n$p | Set-Content -Path C:\\app\\db_password.txt\nWrite-Output $s | Out-File C:\\app\\db_secret.txt\n$env:API_TOKEN = (aws secretsmanager get-secret-value --secret-id ehr-api --query SecretString --output text | ConvertFrom-Json).token\n$k = [System.Web.Security.Membership]::GeneratePassword(32, 4)\n$k | Out-File C:\\app\\session_secret.txt\n$motd = @'\nWelcome to the clinic\n'@\n$motd | Out-File C:\\app\\motd.txt\n</powershell>\n"
    ));
    let python = UserData::script(user_data!(
        "#!/usr/bin/env python3\nimport os, json, boto3\nsecret = boto3.client(\"secretsmanager\").get_secret_value(SecretId=\"ehr-db\")\ns = secret[\"SecretString\"]\nos.environ[\"DB_PASSWORD\"] = s\nos.environ[\"API_TOKEN\"] = json.loads(secret[\"SecretString\"])[\"token\"]\nopen(\"/etc/app/app.conf\", \"w\").write(f\"password={s}\\n\")\nopen(\"/etc/app/db_password\", \"w\").write(f\"{s}\")\n"
    ));
    let _ = (windows, python);
}

//! A fetched value put in place alone: a settings line `key=%s` in `printf` and `key=$S` in a
//! here-document, an escaped quote around it, a fetched value fed alone, and Python's
//! `["sshpass", "-p", pw]`, `f"-p{pw}"` and `f"""{pw}"""` after `pw = …get_secret_value(…)`
//! (false refusals before hostile review 23).

use hipaa_stack::{UserData, user_data};

fn main() {
    let shell = UserData::script(user_data!(
        "#!/bin/bash\nS=$(aws secretsmanager get-secret-value --secret-id ehr-db --query SecretString --output text)\nprintf 'password=%s\\n' \"$S\" > /etc/app.conf\ncat > /etc/app.conf <<EOF\nhost=db\ndb_password=$S\nuser=app\nEOF\necho \"DB_PASSWORD=\\\"$S\\\"\" >> /etc/environment\necho \"$S\" | docker login -u app --password-stdin registry\nexport PGPASSWORD=\"$S\" PGUSER=app\n"
    ));
    let python = UserData::script(user_data!(
        "#!/usr/bin/env python3\nimport subprocess, boto3\npw = boto3.client(\"secretsmanager\").get_secret_value(SecretId=\"ehr-db\")[\"SecretString\"]\nsubprocess.run([\"sshpass\", \"-p\", pw, \"ssh\", \"db\"])\nsubprocess.run([\"mysql\", f\"-p{pw}\"])\nopen(\"/etc/app/db_password\", \"w\").write(f\"\"\"{pw}\"\"\")\n"
    ));
    let _ = (shell, python);
}

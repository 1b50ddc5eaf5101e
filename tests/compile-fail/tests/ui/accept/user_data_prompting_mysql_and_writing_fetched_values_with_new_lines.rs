//! Python that runs `mysql -p` as a list element (which prompts: the fetched password is
//! fed to its input) and writes a fetched value with a new line into a file named like a
//! secret, by f-string, `%`, `format` and `+` (false refusals before hostile review 22).

use hipaa_stack::{UserData, user_data};

fn main() {
    let python = UserData::script(user_data!(
        "#!/usr/bin/env python3\nimport subprocess, boto3\npw = boto3.client(\"secretsmanager\").get_secret_value(SecretId=\"ehr-db\")[\"SecretString\"]\np = subprocess.Popen([\"mysql\", \"-u\", \"app\", \"-p\"], stdin=subprocess.PIPE)\np.communicate(input=pw.encode())\nsubprocess.run([\"mysql\", \"-p\", \"ehr\"], input=pw, text=True)\nopen(\"/etc/app/db_password\", \"w\").write(f\"{pw}\\n\")\nopen(\"/etc/app/db_secret\", \"w\").write(\"%s\\n\" % pw)\nopen(\"/etc/app/api_token\", \"w\").write(\"{}\\n\".format(pw))\nopen(\"/run/secrets/db_password\", \"w\").write(pw + \"\\n\")\n"
    ));
    let shell = UserData::script(user_data!(
        "#!/bin/bash\nS=$(aws secretsmanager get-secret-value --secret-id ehr-db --query SecretString --output text)\necho \"$S\" > /etc/app/db_password\nprintf '%s\\n' \"$S\" > /etc/app/db_secret\ncat > /etc/app/db_credentials <<EOF\n[client]\npassword=$S\nEOF\n"
    ));
    let _ = (python, shell);
}

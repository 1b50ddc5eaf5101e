//! Python list elements followed to their values: a variable given written text, joined to
//! `"-p"`, after it, or in an f-string field, and text joined to a fetched value, are passed
//! by flag and refused. (Hostile review 23.)

use hipaa_stack::{UserData, user_data};

fn main() {
    // A written variable joined to `-p`.
    let _p0 = UserData::script(user_data!(
        "#!/usr/bin/env python3\nimport subprocess, boto3\npw = boto3.client(\"secretsmanager\").get_secret_value(SecretId=\"ehr-db\")[\"SecretString\"]\nX = \"hunter2\"\nsubprocess.run([\"mysql\", \"-u\", \"app\", \"-p\" + X])\n"
    ));
    // A written variable after `-p`.
    let _p1 = UserData::script(user_data!(
        "#!/usr/bin/env python3\nimport subprocess, boto3\npw = boto3.client(\"secretsmanager\").get_secret_value(SecretId=\"ehr-db\")[\"SecretString\"]\nX = \"hunter2\"\nsubprocess.run([\"sshpass\", \"-p\", X, \"ssh\", \"db\"])\n"
    ));
    // A written variable in an f-string.
    let _p2 = UserData::script(user_data!(
        "#!/usr/bin/env python3\nimport subprocess, boto3\npw = boto3.client(\"secretsmanager\").get_secret_value(SecretId=\"ehr-db\")[\"SecretString\"]\nX = \"hunter2\"\nsubprocess.run([\"mysql\", f\"-p{X}\"])\n"
    ));
    // Text joined to a fetched value.
    let _p3 = UserData::script(user_data!(
        "#!/usr/bin/env python3\nimport subprocess, boto3\npw = boto3.client(\"secretsmanager\").get_secret_value(SecretId=\"ehr-db\")[\"SecretString\"]\nsubprocess.run([\"sshpass\", \"-p\", pw + \"x\", \"ssh\", \"db\"])\n"
    ));
}

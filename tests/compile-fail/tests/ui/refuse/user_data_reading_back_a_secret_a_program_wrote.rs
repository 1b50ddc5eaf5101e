//! A secret written by a program the script runs (an SDK's `put_secret_value`, a
//! `PutSecretValueCommand`), whose value the check cannot read, then read back with the AWS
//! CLI as if fetched. Refused. (Hostile review 31.)

use hipaa_stack::{UserData, user_data};

fn main() {
    // boto3 writes the password, the CLI reads it back for `mysql -p`.
    let _s0 = UserData::script(user_data!(
        "#!/bin/bash\npython3 -c \"import boto3; boto3.client('secretsmanager').put_secret_value(SecretId='app', SecretString='hunter2')\"\nX=$(aws secretsmanager get-secret-value --secret-id app --query SecretString --output text)\nmysql -u app -p\"$X\" -h db\n"
    ));
    // The JavaScript SDK does the same.
    let _s1 = UserData::script(user_data!(
        "#!/bin/bash\nnode -e 'new SecretsManagerClient({}).send(new PutSecretValueCommand({SecretId: \"app\", SecretString: \"hunter2\"}))'\nX=$(aws secretsmanager get-secret-value --secret-id app --query SecretString --output text)\nsshpass -p \"$X\" ssh admin@db\n"
    ));
}

//! A Python `dict(…)` that holds a fetch and a literal, picked by the literal's key, then copied into a password's environment variable: the call to `get_secret_value` in it fetches nothing that is assigned. (Hostile review 21.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/usr/bin/env python3\nimport os, boto3\nx = dict(a=boto3.client(\"secretsmanager\").get_secret_value(SecretId=\"db\"), b=\"hunter2\")[\"b\"]\nos.environ[\"DB_PASSWORD\"] = x\n"
    ));
}

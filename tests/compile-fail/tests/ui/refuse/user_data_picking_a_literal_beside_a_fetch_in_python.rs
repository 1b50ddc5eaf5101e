//! A Python list that holds a fetch and a literal, subscripted to the literal: the call to `get_secret_value` in it fetches nothing that is assigned. (Hostile review 20.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/usr/bin/env python3\nimport os, boto3\nos.environ[\"DB_PASSWORD\"] = [boto3.client(\"secretsmanager\").get_secret_value(SecretId=\"db\"), \"hunter2\"][1]\n"
    ));
}

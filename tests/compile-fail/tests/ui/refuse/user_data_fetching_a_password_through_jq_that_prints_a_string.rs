//! A fetch piped into `jq -r '"…"'` prints the string of the program, not the secret: the variable is given written text. (Hostile review 20.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nDB_PASSWORD=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text | jq -r '\"hunter2\"')\n"
    ));
}

//! `aws … --query "'…'"` prints the JMESPath literal, not the secret it fetched: the variable is given written text. (Hostile review 20.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nDB_PASSWORD=$(aws secretsmanager get-secret-value --secret-id db --query \"'hunter2'\" --output text)\n"
    ));
}

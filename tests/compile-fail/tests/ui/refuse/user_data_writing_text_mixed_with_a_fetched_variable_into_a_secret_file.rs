//! A word that mixes a fetched variable with written text, echoed into a file named like a
//! secret: the written text is in the user data (`echo "$S-hunter2" > FILE`). (Hostile
//! review 22.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nS=$(aws secretsmanager get-secret-value --secret-id ehr-db --query SecretString --output text)\necho \"$S-hunter2\" > /etc/app/db_password\n"
    ));
}

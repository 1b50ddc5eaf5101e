//! A shell password given a fetched variable with written text after a dash in the same word (`"$S-hunter2"`): the written part makes it a literal, as in PowerShell and Python. (Hostile review 21.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nS=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)\nexport DB_PASSWORD=\"$S-hunter2\"\n"
    ));
}

//! Words that mix a value fetched at boot with written text, read as the shell splits them:
//! quotes group and `\ ` escapes a blank (`"$S hunter2"`, `$S\ hunter2`, `"$S" hunter2`), every
//! line of a here-document, text after a `printf` conversion, in a secret's file, a password
//! setting, a password flag or a password reader: each is refused. (Hostile review 23.)

use hipaa_stack::{UserData, user_data};

fn main() {
    // A blank inside double quotes.
    let _s0 = UserData::script(user_data!(
        "#!/bin/bash\nS=$(aws secretsmanager get-secret-value --secret-id ehr-db --query SecretString --output text)\necho \"$S hunter2\" > /etc/app/db_password\n"
    ));
    // An escaped blank.
    let _s1 = UserData::script(user_data!(
        "#!/bin/bash\nS=$(aws secretsmanager get-secret-value --secret-id ehr-db --query SecretString --output text)\necho $S\\ hunter2 > /etc/app/db_password\n"
    ));
    // A written word beside the fetched one.
    let _s2 = UserData::script(user_data!(
        "#!/bin/bash\nS=$(aws secretsmanager get-secret-value --secret-id ehr-db --query SecretString --output text)\necho \"$S\" hunter2 > /etc/app/db_password\n"
    ));
    // A here-document line.
    let _s3 = UserData::script(user_data!(
        "#!/bin/bash\nS=$(aws secretsmanager get-secret-value --secret-id ehr-db --query SecretString --output text)\ncat > /etc/app/db_password <<EOF\n$S hunter2\nEOF\n"
    ));
    // A settings line of a here-document.
    let _s4 = UserData::script(user_data!(
        "#!/bin/bash\nS=$(aws secretsmanager get-secret-value --secret-id ehr-db --query SecretString --output text)\ncat > /etc/app.conf <<EOF\nhost=db\ndb_password=$S hunter2\nEOF\n"
    ));
    // Text after a printf conversion.
    let _s5 = UserData::script(user_data!(
        "#!/bin/bash\nS=$(aws secretsmanager get-secret-value --secret-id ehr-db --query SecretString --output text)\nprintf 'password=%s-hunter2\\n' \"$S\" > /etc/app.conf\n"
    ));
    // A quoted assignment.
    let _s6 = UserData::script(user_data!(
        "#!/bin/bash\nS=$(aws secretsmanager get-secret-value --secret-id ehr-db --query SecretString --output text)\nexport DB_PASSWORD=\"$S hunter2\"\n"
    ));
    // A here-string read into a password.
    let _s7 = UserData::script(user_data!(
        "#!/bin/bash\nS=$(aws secretsmanager get-secret-value --secret-id ehr-db --query SecretString --output text)\nread -r DB_PASSWORD <<< \"$S hunter2\"\n"
    ));
    // A password flag.
    let _s8 = UserData::script(user_data!(
        "#!/bin/bash\nS=$(aws secretsmanager get-secret-value --secret-id ehr-db --query SecretString --output text)\nmysql -u app -p\"$S hunter2\" ehr\n"
    ));
    // A password reader.
    let _s9 = UserData::script(user_data!(
        "#!/bin/bash\nS=$(aws secretsmanager get-secret-value --secret-id ehr-db --query SecretString --output text)\necho \"$S hunter2\" | docker login -u app --password-stdin registry\n"
    ));
}

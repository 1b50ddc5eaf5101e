//! A dynamic reference in user data: CloudFormation would put the secret's value into the
//! instance's user data.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\necho {{resolve:secretsmanager:prod/db:SecretString}} > /etc/db.conf\n"
    ));
}

//! `curl -u user:password` in user data: the password is written in the script.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\ncurl -fsS -u deploy:hunter2 https://artifacts.example.com/app.tgz -o /opt/app.tgz\n"
    ));
}

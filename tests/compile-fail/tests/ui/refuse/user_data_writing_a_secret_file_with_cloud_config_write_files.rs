//! `write_files` content of a file named like a secret holds the secret. (Hostile review 19.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#cloud-config\nwrite_files:\n  - content: hunter2\n    path: /etc/app/api_token\n    permissions: '0600'\n"
    ));
}

//! A `bootcmd` entry is a shell command: writing text into a password file there is refused. (Hostile review 19.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#cloud-config\nbootcmd:\n  - echo hunter2 > /etc/app/db_password\n"
    ));
}

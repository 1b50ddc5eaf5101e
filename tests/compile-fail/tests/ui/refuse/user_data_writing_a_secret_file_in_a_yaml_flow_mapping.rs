//! A cloud-config `write_files` entry in a flow mapping (`{path: …, content: …}`) gives a file named like a password written content. (Hostile review 19.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#cloud-config\nwrite_files: [{path: /etc/app/db_password, content: hunter2}]\n"
    ));
}

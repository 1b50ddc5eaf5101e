//! A `chpasswd` list line `NAME:PASSWORD` sets a written password. (Hostile review 19.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#cloud-config\nchpasswd:\n  list: |\n    root:hunter2\n  expire: false\n"
    ));
}

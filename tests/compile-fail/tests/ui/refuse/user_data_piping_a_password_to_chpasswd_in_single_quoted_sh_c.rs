//! `bash -c '… | chpasswd'` feeds written text to `chpasswd` inside single quotes. (Hostile review 19.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#cloud-config\nruncmd:\n  - [ bash, -c, 'echo admin:hunter2 | chpasswd' ]\n"
    ));
}

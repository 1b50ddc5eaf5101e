//! A cloud-config file written from `gz+b64` content holds text the check cannot read. (Hostile review 19.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#cloud-config\nwrite_files:\n  - path: /opt/app/run.sh\n    encoding: gz+b64\n    content: H4sIAAAAAAAAA8utLC5O\n"
    ));
}

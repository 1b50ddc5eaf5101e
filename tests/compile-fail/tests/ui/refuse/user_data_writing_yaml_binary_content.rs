//! A YAML `!!binary` value is Base64 text the check cannot read. (Hostile review 19.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#cloud-config\nwrite_files:\n  - path: /opt/app/run.sh\n    content: !!binary |\n      bXlzcWwgLXBodW50ZXIy\n"
    ));
}

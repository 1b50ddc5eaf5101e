//! A boot script read with `include_str!` that pipes a written password into
//! `docker login --password-stdin`: refused in const evaluation, as a literal would be.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(include_str!(
        "user_data_included_feeding_a_password_to_docker_login.sh"
    )));
}

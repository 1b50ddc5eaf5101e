//! A router image (a CSR 1000v) reads its configuration from user data: `username NAME secret VALUE`.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "ios-config-1=\"hostname ehr-edge\"\nios-config-2=\"username ehr privilege 15 secret 0 Winter2026\"\n"
    ));
}

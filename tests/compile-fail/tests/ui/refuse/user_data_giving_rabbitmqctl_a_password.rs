//! `rabbitmqctl add_user USER PASSWORD` takes the password as an operand after the user's
//! name.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nrabbitmqctl add_user ehr Winter2026\nrabbitmqctl set_permissions ehr \".*\" \".*\" \".*\"\n"
    ));
}

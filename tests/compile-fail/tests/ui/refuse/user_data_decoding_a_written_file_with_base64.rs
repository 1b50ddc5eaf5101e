//! `base64 -d FILE` of a file the script wrote from its own text: what it becomes cannot be read. (Hostile review 20.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\necho aHVudGVyMg== > /tmp/p.b64\nbase64 -d /tmp/p.b64 > /etc/app/db_password\n"
    ));
}

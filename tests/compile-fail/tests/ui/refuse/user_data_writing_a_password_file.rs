//! Written text put into a file named like a password: the file holds the secret, and so
//! does the user data.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nmkdir -p /etc/ehr\necho -n Winter2026 > /etc/ehr/db_password\n"
    ));
}

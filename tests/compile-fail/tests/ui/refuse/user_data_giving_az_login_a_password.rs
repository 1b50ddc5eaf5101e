//! `az login -u USER -p PASSWORD` takes the password on its command line.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\naz login -u admin@example.com -p Winter2026\n"
    ));
}

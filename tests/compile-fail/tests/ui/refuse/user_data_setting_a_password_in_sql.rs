//! SQL run at boot that sets a database user's password to written text: the statement is
//! in the user data, whoever runs it.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\npsql -h ehr.internal -U admin -c \"ALTER USER reporting WITH PASSWORD 'Winter2026'\" ehr\n"
    ));
}

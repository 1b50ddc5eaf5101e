//! `poetry config http-basic.NAME USER PASSWORD` writes a repository's password from the command
//! line.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\npoetry config http-basic.ehr ehr-ci Winter2026\n"
    ));
}

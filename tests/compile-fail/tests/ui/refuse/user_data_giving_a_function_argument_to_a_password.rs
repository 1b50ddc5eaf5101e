//! A secret's variable given a shell function's argument: the check cannot follow what the
//! caller passes (here a written password), so it refuses the assignment.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nset_db() { export DB_PASSWORD=\"$1\"; }\nset_db Winter2026\n"
    ));
}

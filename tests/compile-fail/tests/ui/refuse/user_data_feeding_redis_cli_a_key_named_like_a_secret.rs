//! A Redis client reads commands from its input too: `SET ehr:db_password VALUE` fed to
//! `redis-cli` stores the secret as much as the same command on its command line.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nredis-cli -h cache.internal <<'EOF'\nSET ehr:db_password Winter2026\nEOF\n"
    ));
}

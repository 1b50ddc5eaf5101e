//! A Redis key named like a secret given written text (`SET ehr:db_password …`) stores the secret in the cache, from user data.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nredis-cli -n 0 SET ehr:db_password Winter2026\n"
    ));
}

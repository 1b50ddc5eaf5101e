//! Redis's `AUTH [USERNAME] PASSWORD`, run by `redis-cli` from its operands or its input, passes the password.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nredis-cli -h cache.internal AUTH default Winter2026\n"
    ));
}

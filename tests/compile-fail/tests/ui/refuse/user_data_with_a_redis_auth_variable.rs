//! `REDISCLI_AUTH` holds the password `redis-cli` logs in with: a name that ends in `AUTH`
//! holds a credential as much as one that ends in `PASSWORD`.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nexport REDISCLI_AUTH=Winter2026\nredis-cli -h cache.internal ping\n"
    ));
}

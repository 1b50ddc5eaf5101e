//! A password hash given to `useradd -p`: anyone who may describe the instance can crack it
//! offline, so it is refused as a password is.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nuseradd -m -p '$6$rounds=5000$salt$hash' admin\n"
    ));
}

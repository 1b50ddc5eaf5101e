//! HAProxy's `userlist` takes `user NAME insecure-password VALUE`.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\ncat >> /etc/haproxy/haproxy.cfg <<'EOF'\nuserlist ops\n  user ehr insecure-password Winter2026\nEOF\n"
    ));
}

//! HAProxy's `stats auth USER:PASSWORD` writes the password after the user.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nprintf 'listen stats\\n  bind :8404\\n  stats auth ops:Winter2026\\n' >> /etc/haproxy/haproxy.cfg\n"
    ));
}

//! Redis's `requirepass` setting takes the password after a space, in `redis.conf` or by
//! `CONFIG SET`.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\necho 'requirepass Winter2026' >> /etc/redis/redis.conf\nsystemctl restart redis\n"
    ));
}

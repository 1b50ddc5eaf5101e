//! A line of PgBouncer's user list is `"NAME" "PASSWORD"`.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\necho '\"ehr\" \"Winter2026\"' > /etc/pgbouncer/userlist.txt\n"
    ));
}

//! A `NAME=VALUE` line whose name is a variable, written into a file with a written value:
//! the check cannot read that the line sets `DB_PASSWORD`, so it refuses it.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nk=DB_PASSWORD\nv=Winter2026\necho \"$k=$v\" >> /etc/app.env\n"
    ));
}

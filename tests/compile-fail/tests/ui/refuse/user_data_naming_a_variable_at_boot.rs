//! A variable whose name is made at boot, given written text: the check cannot read that
//! `eval` assigns `DB_PASSWORD` here, so it refuses the assignment.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nN=DB_PASSWORD\neval \"$N=Winter2026\"\nexport \"$N\"\n"
    ));
}

//! A password written in ANSI-C quotes (`$'…'`): a literal, not a variable.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!("#!/bin/bash\nmysql -u admin -p$'hunter2' ehr\n"));
}

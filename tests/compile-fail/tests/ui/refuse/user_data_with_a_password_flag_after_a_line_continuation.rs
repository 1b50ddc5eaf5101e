//! A password flag on the next line of a command continued with `\`: the shell joins the
//! lines, and so does the check.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!("#!/bin/bash\nmysql -u admin \\\n  -phunter2 ehr\n"));
}

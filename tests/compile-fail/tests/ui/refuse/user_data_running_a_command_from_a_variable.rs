//! A command named by a variable and given a password flag: the check cannot read which
//! command it is.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!("#!/bin/bash\na=mysql; $a -phunter2 ehr\n"));
}

//! A carriage return in a line, which the shell does not end a command with: the flag after
//! it is still the tool's.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!("#!/bin/bash\r\nmysql -u admin\r -phunter2 ehr\r\n"));
}

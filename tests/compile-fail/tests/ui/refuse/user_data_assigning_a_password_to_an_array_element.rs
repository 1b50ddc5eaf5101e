//! A password assigned to an element of an array named like a secret: the shell assigns
//! `PGPASSWORD[0]=…` as much as `PGPASSWORD=…`.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!("#!/bin/bash\nDB_PASSWORD[0]=hunter2\n"));
}

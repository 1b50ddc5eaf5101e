//! A literal password in user data: it would be readable by anyone who may describe the
//! instance.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!("#!/bin/bash\nexport PGPASSWORD=hunter2\n"));
}

//! A literal password under an abbreviated name (`DB_PW`): as readable by anyone who may
//! describe the instance as one named `PASSWORD`.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!("#!/bin/bash\nexport DB_PW=hunter2\n"));
}

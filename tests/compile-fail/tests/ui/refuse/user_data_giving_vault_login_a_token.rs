//! `vault login TOKEN` takes the token as its first operand: written, it is in the user data.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nvault login hvs.CAESIJ2x\nvault kv get secret/ehr\n"
    ));
}

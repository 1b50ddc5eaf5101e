//! Windows' `setx NAME VALUE` with a name like a secret.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "setx /M DB_PASSWORD hunter2\r\n"
    ));
}

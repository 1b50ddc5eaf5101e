//! cmd's `set /p="…"` prints its prompt, here into a file named like a password. (Hostile review 20.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "echo|set /p=\"hunter2\" > C:\\app\\db_password.txt\n"
    ));
}

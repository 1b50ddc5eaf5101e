//! `cmd /c "echo … > FILE"` writes written text into a file named like a password. (Hostile review 20.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "cmd /c \"echo hunter2 > C:\\app\\db_password.txt\"\n"
    ));
}

//! `certutil -decode` of a file the script wrote from its own text: what it becomes cannot be read. (Hostile review 20.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "echo aHVudGVyMg== > C:\\tmp\\p.b64\ncertutil -decode C:\\tmp\\p.b64 C:\\app\\db_password.txt\n"
    ));
}

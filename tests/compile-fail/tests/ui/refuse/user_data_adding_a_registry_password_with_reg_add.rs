//! `reg add KEY /v DbPassword /d …` gives a registry value named like a password written data. (Hostile review 20.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "reg add HKLM\\Software\\App /v DbPassword /t REG_SZ /d hunter2 /f\n"
    ));
}

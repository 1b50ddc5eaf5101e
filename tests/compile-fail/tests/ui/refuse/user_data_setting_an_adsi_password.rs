//! ADSI's `SetPassword("…")` given a written password. (Hostile review 19.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "<powershell>\n$admin = [adsi]\"WinNT://./administrator,user\"\n$admin.SetPassword(\"hunter2\")\n</powershell>\n"
    ));
}

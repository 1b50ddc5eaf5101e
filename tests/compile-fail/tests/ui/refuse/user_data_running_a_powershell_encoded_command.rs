//! `powershell -EncodedCommand` runs Base64 text the check cannot read. (Hostile review 19.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "<powershell>\npowershell.exe -NoProfile -EncodedCommand ZQBjAGgAbwAgAGgAaQA=\n</powershell>\n"
    ));
}

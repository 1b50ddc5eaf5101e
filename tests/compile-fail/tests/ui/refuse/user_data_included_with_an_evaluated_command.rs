//! A script read with `include_str!` that joins a command from variables and evaluates
//! it with a password flag: refused in const evaluation, where the macro cannot see the text.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(include_str!(
        "user_data_included_with_an_evaluated_command.sh"
    )));
}

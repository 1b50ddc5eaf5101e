//! A script read with `include_str!` that assigns a literal secret: refused in const
//! evaluation, where the macro cannot see the text.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(include_str!("user_data_included_with_a_secret.sh")));
}

//! A script read with `include_str!` that is longer than the 16 KiB of user data EC2 accepts
//! before base64: refused before it is read, with the limit and what to do. (Hostile review 20.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(include_str!("user_data_included_longer_than_ec2_accepts.sh")));
}

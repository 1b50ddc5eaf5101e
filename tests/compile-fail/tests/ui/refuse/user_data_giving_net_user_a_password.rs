//! `net user NAME PASSWORD /add` writes the account's password in the script. (Hostile review 19.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "<powershell>\nnet user admin Hunter2! /add\nnet localgroup administrators admin /add\n</powershell>\n"
    ));
}

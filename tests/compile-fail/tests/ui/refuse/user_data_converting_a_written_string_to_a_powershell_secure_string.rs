//! `ConvertTo-SecureString 'hunter2' -AsPlainText` writes the password in the script. (Hostile review 19.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "<powershell>\n$pw = ConvertTo-SecureString -String \"hunter2\" -AsPlainText -Force\nNew-LocalUser -Name admin -Password $pw\n</powershell>\n"
    ));
}

//! An Ignition file named like a secret whose `source` is a `data:` URL holds the secret. (Hostile review 19.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "{\"ignition\":{\"version\":\"3.3.0\"},\"storage\":{\"files\":[{\"path\":\"/etc/app/db_password\",\"contents\":{\"source\":\"data:,hunter2\"}}]}}\n"
    ));
}

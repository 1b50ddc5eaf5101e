//! A bearer token written into an HTTP `Authorization` header: no secret's name before an
//! `=`, but a credential all the same, readable by anyone who may describe the instance.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\ncurl -fsS -H 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJlaHIifQ.c2ln' https://ehr.example.org/register\n"
    ));
}

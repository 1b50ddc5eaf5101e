//! A byte string is no script: `user_data!` takes a string literal, whose text it checks.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(b"#!/bin/bash\nexport PGPASSWORD=Winter2026\n"));
}

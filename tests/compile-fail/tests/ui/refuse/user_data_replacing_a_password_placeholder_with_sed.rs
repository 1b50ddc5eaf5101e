//! A placeholder named like a secret replaced by a written value with `sed -i`.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nsed -i 's/__DB_PASSWORD__/Winter2026/' /etc/app/config.ini\n"
    ));
}

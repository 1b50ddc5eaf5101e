//! A YAML line written after a key made at boot (`echo "$K: …" >> FILE.yml`): the check
//! cannot read whether the key names a secret.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nK=$(cat /etc/app/key-name)\necho \"$K: Winter2026\" >> /etc/app/config.yml\n"
    ));
}

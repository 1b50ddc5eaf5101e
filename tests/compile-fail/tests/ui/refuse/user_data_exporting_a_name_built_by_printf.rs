//! A variable whose name `printf` builds at boot, exported with a written value.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nexport $(printf 'DB_%s' PASSWORD)=Winter2026\n"
    ));
}

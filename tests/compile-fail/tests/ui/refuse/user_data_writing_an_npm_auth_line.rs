//! npm's `_auth` setting is a registry credential (`user:password` in base64), written
//! into `.npmrc` by the script.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\necho '_auth=YWRtaW46V2ludGVyMjAyNg==' >> /root/.npmrc\nnpm ci\n"
    ));
}

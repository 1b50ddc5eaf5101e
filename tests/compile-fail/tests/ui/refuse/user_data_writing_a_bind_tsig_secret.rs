//! A TSIG key of BIND writes its shared secret as `secret "BASE64";`.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\ncat >> /etc/named.conf <<'EOF'\nkey \"xfer\" { algorithm hmac-sha256; secret \"V2ludGVyMjAyNg==\"; };\nEOF\n"
    ));
}

//! After white space, `auth` names a method or a key file (OpenVPN's `auth SHA256`, `tls-auth
//! ta.key 0`), and a path names the file that holds a secret (`auth-user-pass
//! /etc/openvpn/creds`): a configuration written by a here-document or by `echo` holds no
//! credential.

use hipaa_stack::{UserData, user_data};

fn main() {
    let boot = UserData::script(user_data!(
        "#!/bin/bash\ncat > /etc/openvpn/server.conf <<'EOF'\nport 1194\nauth SHA256\ntls-auth ta.key 0\nauth-user-pass /etc/openvpn/creds\nEOF\necho 'auth SHA512' >> /etc/openvpn/client.conf\n"
    ));
    let _ = boot;
}

//! A certificate, a public key and Diffie-Hellman parameters are public PEM blocks, not
//! private keys: user data may write them (a company's CA into the trust store).

use hipaa_stack::{UserData, user_data};

fn main() {
    let boot = UserData::script(user_data!(
        "#!/bin/bash\ncat > /etc/pki/ca-trust/source/anchors/ehr-ca.pem <<'EOF'\n-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2VydGlmaWNhdGUgb2YgdGhlIENB\n-----END CERTIFICATE-----\nEOF\nupdate-ca-trust\necho '-----BEGIN PUBLIC KEY-----' > /etc/ehr/verify.pem\n"
    ));
    let _ = boot;
}

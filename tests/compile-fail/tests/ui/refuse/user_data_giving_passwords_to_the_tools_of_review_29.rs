//! Password tools and forms the tables of hostile review 29 added: a global option between a
//! tool and its subcommand, a spaced `--password VALUE`, an option's prefix, a tool the
//! tables missed, a credential in a value not named like a secret, and a password file given
//! the script's own text. Each is refused.

use hipaa_stack::{UserData, user_data};

fn main() {
    // `--debug` between `docker` and `login`.
    let _s0 = UserData::script(user_data!(
        "#!/bin/bash\ndocker --debug login -u admin -p hunter2 registry.example.com\n"
    ));
    // `helm`'s `--password` always takes the next word.
    let _s1 = UserData::script(user_data!(
        "#!/bin/bash\nhelm repo add charts https://charts.example.com --username admin --password hunter2\n"
    ));
    // `--passw=` is `--password=` to getopt_long.
    let _s2 = UserData::script(user_data!(
        "#!/bin/bash\nwget --user=admin --passw=hunter2 https://example.com/a.tgz\n"
    ));
    // `7z -p`.
    let _s3 = UserData::script(user_data!(
        "#!/bin/bash\n7z x -phunter2 /tmp/a.7z -o/opt/app\n"
    ));
    // smbclient reads `USER=user%password`.
    let _s4 = UserData::script(user_data!(
        "#!/bin/bash\nUSER=admin%hunter2 smbclient //files/share -c ls\n"
    ));
    // `ldapsearch -y` reads the password from the here-string.
    let _s5 = UserData::script(user_data!(
        "#!/bin/bash\nldapsearch -x -D cn=admin,dc=example,dc=com -y /dev/stdin <<< hunter2\n"
    ));
}

//! Words bash makes at boot that the text does not spell (a brace expansion, `$''` inside a
//! name, a NUL byte), a password given through a program the tool runs or a file the script
//! copies, a handler bash calls with any command's words, a system file filled from the
//! script's words, and a password prompt given written input. Each is refused. (Hostile review 29, tenth probe.)

use hipaa_stack::{UserData, user_data};

fn main() {
    // `ch{p..p}asswd` is `chpasswd`.
    let _s0 = UserData::script(user_data!(
        "#!/bin/bash\necho root:hunter2 | ch{p..p}asswd\n"
    ));
    // `{h..h}unter2` is written text.
    let _s1 = UserData::script(user_data!(
        "#!/bin/bash\nmysql -u root -p{h..h}unter2 -e 'select 1'\n"
    ));
    // bash drops the NUL byte: `my\0sql` runs `mysql`.
    let _s2 = UserData::script(user_data!(
        "#!/bin/bash\necho start\necho go\nmy\0sql -u root -phunter2\n"
    ));
    // The password command prints written text.
    let _s3 = UserData::script(user_data!(
        "#!/bin/bash\nRESTIC_PASSWORD_COMMAND='echo hunter2' restic -r /srv/repo snapshots\n"
    ));
    // The password file is a copy of one the script wrote.
    let _s4 = UserData::script(user_data!(
        "#!/bin/bash\nprintf hunter2 > ./a\ncp ./a ./b\nldapsearch -x -D cn=admin,dc=ex -y ./b -b dc=ex\n"
    ));
    // bash calls the handler with the words of a command it does not find.
    let _s5 = UserData::script(user_data!(
        "#!/bin/bash\ncommand_not_found_handle() { shift; mysql \"$@\"; }\nrun-query -u root -phunter2\n"
    ));
    // `useradd -c` writes the text into `/etc/passwd`.
    let _s6 = UserData::script(user_data!(
        "#!/bin/bash\nuseradd -c hunter2 bob\nmysql -u root -p\"$(tail -n1 /etc/passwd | cut -d: -f5)\"\n"
    ));
    // With no terminal at boot, the prompt of a bare `-p` reads the here-string.
    let _s7 = UserData::script(user_data!(
        "#!/bin/bash\nmysql -u root -p -e 'select 1' <<< hunter2\n"
    ));
}

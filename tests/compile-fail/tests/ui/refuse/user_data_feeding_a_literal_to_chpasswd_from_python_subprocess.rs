//! Python's `subprocess.run([…chpasswd], input=b"…")` feeds written text to a command that reads passwords from its input, as `echo … | chpasswd` does. (Hostile review 21.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/usr/bin/env python3\nimport subprocess\nsubprocess.run([\"/usr/sbin/chpasswd\"], check=True, input=b\"admin:hunter2\\n\")\n"
    ));
}

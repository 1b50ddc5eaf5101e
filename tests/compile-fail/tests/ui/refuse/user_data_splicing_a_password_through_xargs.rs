//! `xargs -I{}` splices written text into a word of the command it runs, which the check cannot read. (Hostile review 19.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\necho hunter2 | xargs -I{} curl -u admin:{} https://example.com\n"
    ));
}

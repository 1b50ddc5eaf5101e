//! A directive after the escape of a new line is a configuration line, though an earlier one was prose.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nprintf 'rocommunity is disabled\\nrocommunity public\\n'\n"
    ));
}

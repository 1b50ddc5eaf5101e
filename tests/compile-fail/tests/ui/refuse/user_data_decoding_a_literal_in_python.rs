//! Python decoding a Base64 literal runs text the check cannot read. (Hostile review 19.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/usr/bin/env python3\nimport base64, os\nos.system(base64.b64decode('bXlzcWwgLXBodW50ZXIy'))\n"
    ));
}

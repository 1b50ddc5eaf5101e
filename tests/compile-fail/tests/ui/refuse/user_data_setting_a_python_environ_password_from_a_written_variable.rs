//! `os.environ["DB_PASSWORD"] = x`, `x` last given a literal, assigns the literal. (Hostile review 20.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/usr/bin/env python3\nimport os\nx = \"hunter2\"\nos.environ[\"DB_PASSWORD\"] = x\n"
    ));
}

//! A Java `.properties` key ends at white space as at `=` or `:`: `db.password VALUE` sets it.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\ncat > /opt/ehr/app.properties <<'EOF'\ndb.url jdbc:postgresql://db/ehr\ndb.password Winter2026\nEOF\n"
    ));
}

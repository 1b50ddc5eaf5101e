//! A PostgreSQL password file written by user data: `host:port:database:user:password`,
//! which `psql` reads, with the password written in.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\ncat > /root/.pgpass <<'EOF'\nehr.internal:5432:ehr:reporting:Winter2026\nEOF\nchmod 600 /root/.pgpass\n"
    ));
}

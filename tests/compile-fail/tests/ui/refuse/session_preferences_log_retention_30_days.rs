//! `SessionManagerPreferences` whose session logs are kept 30 days: what was typed in a
//! shell on a server of PHI is kept at least a year. (Hostile review 23.)

use hipaa_stack::prelude::*;
use hipaa_stack::SessionManagerPreferences;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    stack.add(
        SessionManagerPreferences::new("Sessions")
            .encryption(&key)
            .log_retention(days!(30)),
    )?;
    Ok(())
}

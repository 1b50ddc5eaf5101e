//! `SessionManagerPreferences` added without `.encryption(&key)`: sessions and their logs
//! would not be encrypted with a key the account controls.

use hipaa_stack::prelude::*;
use hipaa_stack::SessionManagerPreferences;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    stack.add(SessionManagerPreferences::new("Sessions"))?;
    Ok(())
}

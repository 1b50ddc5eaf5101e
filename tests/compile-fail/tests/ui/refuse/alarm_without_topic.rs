//! An `Alarm` added without `.notify(&topic)`: an alarm that notifies no one.

use hipaa_stack::prelude::*;
use hipaa_stack::{Alarm, AlarmMetric};

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    stack.add(Alarm::new("Errors", AlarmMetric::new("Clinic", "Errors")).above(10.0))?;
    Ok(())
}

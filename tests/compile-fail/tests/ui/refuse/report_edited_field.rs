//! A report of hipaa-stack's, edited after the rules ran (no control failed) and written
//! as hipaa-stack's: the report is the evidence an auditor reads (HIPAA
//! 45 CFR §164.316(b)(1), documentation), so a program reads it through its methods and
//! cannot change what the rules found; its fields are private.

use hipaa_stack::compliance::report::Report;
use hipaa_stack::prelude::*;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("clinic");
    let stack = app.stack("clinic")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    stack.add(LogGroup::new("App").encryption(&key))?;
    let mut report = Report::new(&app.check()?);
    report.summary.failed = 0;
    report.write(std::path::Path::new("hipaa.out"))
}

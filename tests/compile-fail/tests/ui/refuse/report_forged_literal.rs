//! A report written by the program itself, posing as hipaa-stack's: the report is the
//! evidence an auditor reads (HIPAA 45 CFR §164.316(b)(1), documentation), so only
//! hipaa-stack makes one, from an assembly it checked (`Report::new(&app.check()?)`); its
//! fields are private.

use hipaa_stack::compliance::report::Report;

fn main() {
    let _forged = Report {
        schema: "hipaa-stack.report/v1",
        app: String::from("clinic"),
        findings: Vec::new(),
    };
}

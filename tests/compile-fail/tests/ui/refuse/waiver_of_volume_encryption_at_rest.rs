//! A waiver of E1 (EBS volumes encrypted with a customer key): rules that protect PHI at
//! rest accept no waiver.

use hipaa_stack::compliance::{Waiver, rule};
use hipaa_stack::prelude::*;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let scratch = stack.add(RawResource::new("Scratch", "AWS::EC2::Volume"))?;
    app.waive(Waiver::new(rule::E1, &scratch, "scratch space is wiped on every boot"))?;
    Ok(())
}

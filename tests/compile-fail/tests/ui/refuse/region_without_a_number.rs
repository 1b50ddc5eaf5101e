//! `region!` with a name that is not a region: a stack pinned to it could never deploy.

use hipaa_stack::prelude::*;

fn main() {
    let app = App::new("clinic");
    let _ = app.stack_in("clinic-dr", region!("us-westward"));
}

//! `#[hipaa_stack::main]` on a function with a third parameter: it takes the app and,
//! optionally, the program's own arguments.

use hipaa_stack::clap;
use hipaa_stack::prelude::*;

#[derive(Debug, clap::Args)]
struct Args {
    #[arg(long)]
    region: String,
}

#[hipaa_stack::main]
fn clinic(app: &mut App, args: Args, verbose: bool) -> Result<()> {
    let stack = app.stack("clinic")?.description(args.region);
    stack.add(KmsKey::new("PhiKey"))?;
    let _ = verbose;
    Ok(())
}

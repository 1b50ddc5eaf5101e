//! A peer of the program's own that would open SSH from anywhere: `Peer` is sealed.

use hipaa_stack::{Peer, Tcp};

struct Anywhere;

impl Peer<Tcp<22>> for Anywhere {}

fn main() {}

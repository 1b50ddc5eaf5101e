//! A type of the program's own posing as a TLS policy, which could name a policy that accepts TLS 1.0: `SecurityPolicy` is sealed.

struct MyPolicy;

impl hipaa_stack::SecurityPolicy for MyPolicy {}

fn main() {}

//! A type of the program's own posing as a target, which would receive PHI without the hardening of SecureInstance: `LoadBalancerTarget` is sealed.

struct MyServer;

impl hipaa_stack::LoadBalancerTarget for MyServer {}

fn main() {}

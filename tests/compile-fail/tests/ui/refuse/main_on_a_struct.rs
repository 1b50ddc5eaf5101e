//! `#[hipaa_stack::main]` on something that is not a function.

#[hipaa_stack::main]
struct Clinic;

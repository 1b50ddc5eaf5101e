//! A type of the program's own posing as a route authorizer, which would let a route in without checking its caller: `RouteAuthorizer` is sealed.

struct MyAuth;

impl hipaa_stack::RouteAuthorizer for MyAuth {}

fn main() {}

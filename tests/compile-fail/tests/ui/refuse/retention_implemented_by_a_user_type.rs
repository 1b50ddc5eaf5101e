//! A type of the program's own posing as a log retention: the retention and interval traits
//! are sealed, so only a `days!(..)` value is one (and which values, hipaa-stack decides).

struct Forever;

impl hipaa_stack::LogRetention for Forever {}

fn main() {}

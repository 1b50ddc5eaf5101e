//! A `SecureQueue` that would keep messages 30 days: SQS keeps them at most 14.

use hipaa_stack::SecureQueue;
use hipaa_stack::prelude::*;

fn main() {
    let _ = SecureQueue::new("Uploads").retention(days!(30));
}

//! Work shared between the cores: each item on whichever thread is free, the results in
//! the order of the items, so that what is made does not depend on which thread made it.
//! Synthesis renders, checks, serializes and writes stacks this way; the resolver and the
//! engine read what each stack of an app names and tests this way.

/// How many threads the work of synthesis is shared between: one per core.
pub(crate) fn workers() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// `work` on each of `items` on `workers` threads (the calling one among them), the results
/// in the order of `items`, whichever thread did which.
pub(crate) fn parallel_map<T: Send>(
    items: std::ops::Range<usize>,
    workers: usize,
    work: impl Fn(usize) -> T + Sync,
) -> Vec<T> {
    let workers = workers.min(items.len());
    if workers <= 1 {
        return items.map(work).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(items.start);
    let take = || {
        let mut done = Vec::new();
        loop {
            let at = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if at >= items.end {
                return done;
            }
            done.push((at, work(at)));
        }
    };
    let mut done: Vec<(usize, T)> = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..workers).map(|_| scope.spawn(take)).collect();
        let mut done = take();
        for helper in helpers {
            match helper.join() {
                Ok(more) => done.extend(more),
                // A worker that panicked: its panic goes on in this thread.
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        done
    });
    done.sort_unstable_by_key(|(at, _)| *at);
    done.into_iter().map(|(_, t)| t).collect()
}

/// `work` on each of `items`, on `workers` threads (the calling one among them).
pub(crate) fn parallel_each<T: Send>(items: Vec<T>, workers: usize, work: impl Fn(T) + Sync) {
    let workers = workers.min(items.len());
    if workers <= 1 {
        items.into_iter().for_each(work);
        return;
    }
    let queue = std::sync::Mutex::new(items.into_iter());
    let take = || {
        loop {
            // The lock is never held while an item is worked on, so a panic cannot poison it.
            let next = queue.lock().ok().and_then(|mut items| items.next());
            match next {
                Some(item) => work(item),
                None => return,
            }
        }
    };
    std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..workers).map(|_| scope.spawn(take)).collect();
        take();
        for helper in helpers {
            if let Err(panic) = helper.join() {
                std::panic::resume_unwind(panic);
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn results_come_in_the_order_of_the_items_on_any_number_of_threads() {
        let one = parallel_map(3..40, 1, |i| i * i);
        assert_eq!(one, (3..40).map(|i| i * i).collect::<Vec<_>>());
        for workers in [0, 2, 3, 8, 100] {
            // Early items take longest, so that later ones finish first.
            let many = parallel_map(3..40, workers, |i| {
                std::thread::sleep(std::time::Duration::from_micros(((40 - i) * 50) as u64));
                i * i
            });
            assert_eq!(many, one, "{workers} workers");
        }
        assert!(parallel_map(5..5, 4, |i| i).is_empty());
    }

    #[test]
    fn each_item_is_worked_on_once() {
        for workers in [0, 1, 2, 5] {
            let seen: Vec<AtomicUsize> = (0..50).map(|_| AtomicUsize::new(0)).collect();
            let threads = std::sync::Mutex::new(std::collections::HashSet::new());
            parallel_each((0..50).collect(), workers, |i: usize| {
                seen[i].fetch_add(1, Ordering::Relaxed);
                threads.lock().unwrap().insert(std::thread::current().id());
                std::thread::sleep(std::time::Duration::from_micros(200));
            });
            assert!(
                seen.iter().all(|n| n.load(Ordering::Relaxed) == 1),
                "{workers} workers"
            );
            let threads = threads.lock().unwrap().len();
            assert!(threads <= workers.max(1), "{threads} threads for {workers}");
        }
        parallel_each(Vec::<usize>::new(), 3, |_| panic!("no item"));
    }

    #[test]
    fn a_panic_on_a_helper_thread_goes_on_in_the_caller() {
        for workers in [1, 2, 4] {
            let caught = std::panic::catch_unwind(|| {
                parallel_each((0..8).collect(), workers, |i: usize| {
                    assert_ne!(i, 5, "item five");
                });
            });
            let panic = caught.unwrap_err();
            let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
            assert!(message.contains("item five"), "{message}");
            assert!(
                std::panic::catch_unwind(|| parallel_map(0..8, workers, |i| assert_ne!(i, 3)))
                    .is_err()
            );
        }
    }
}

//! Running independent pieces of work on the machine's cores.

/// `f` of every item, in order, spread over up to `available_parallelism` threads in contiguous
/// runs of items. Runs on the calling thread when there is one core or one item, or when a
/// thread cannot be started (its items are then done here).
///
/// # Panics
///
/// Only if `f` panics: the panic is passed on from the thread where it happened.
pub(crate) fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let threads = cores.min(items.len());
    if threads <= 1 {
        return items.iter().map(&f).collect();
    }
    let size = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let runs: Vec<_> = items
            .chunks(size)
            .map(|run| {
                let spawned = std::thread::Builder::new()
                    .spawn_scoped(scope, move || run.iter().map(f).collect::<Vec<R>>());
                (run, spawned.ok())
            })
            .collect();
        runs.into_iter()
            .flat_map(|(run, handle)| match handle {
                Some(handle) => handle
                    .join()
                    .unwrap_or_else(|payload| std::panic::resume_unwind(payload)),
                None => run.iter().map(f).collect(),
            })
            .collect()
    })
}

/// `a()` and `b()`, `b` on a thread of its own when one can be started (else after `a`, here).
///
/// # Panics
///
/// Only if `a` or `b` panics: the panic is passed on.
pub(crate) fn join<A, B: Send>(a: impl FnOnce() -> A, b: impl FnOnce() -> B + Send) -> (A, B) {
    if std::thread::available_parallelism().map_or(1, usize::from) <= 1 {
        return (a(), b());
    }
    // `b` waits here for whichever thread runs it: the spawned one, or this one when no thread
    // can be started.
    let slot = std::sync::Mutex::new(Some(b));
    let take = || slot.lock().unwrap_or_else(|e| e.into_inner()).take();
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .spawn_scoped(scope, || take().map(|b| b()))
            .ok();
        let first = a();
        let spawned = handle.and_then(|handle| {
            handle
                .join()
                .unwrap_or_else(|payload| std::panic::resume_unwind(payload))
        });
        let second = match spawned {
            Some(second) => second,
            // Not run on a thread: run here (the slot is only emptied by a run).
            None => match take() {
                Some(b) => b(),
                None => std::panic::resume_unwind(Box::new("a joined task was lost")),
            },
        };
        (first, second)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn joined_tasks_both_run() {
        let (a, b) = super::join(|| 1 + 1, || "two".len());
        assert_eq!((a, b), (2, 3));
    }

    #[test]
    fn results_keep_the_order_of_their_items() {
        for len in [0, 1, 2, 3, 7, 100] {
            let items: Vec<usize> = (0..len).collect();
            assert_eq!(
                super::map(&items, |i| i * i),
                items.iter().map(|i| i * i).collect::<Vec<_>>()
            );
        }
    }
}

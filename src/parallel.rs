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

#[cfg(test)]
mod tests {
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

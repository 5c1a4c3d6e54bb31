//! Counting typed records in one pass: the single-threaded loop with four count lanes, its
//! parallel form over shards, and the weighted loop.

use crate::error::{Error, Result};
use crate::survey::sums::FixedWeight;
use crate::survey::tally::Tally;
use crate::survey::tally::key::Key;

/// Interleaved copies of the counts in the hot loop of [`Tally::count`].
const LANES: usize = 4;

impl Tally {
    /// Counts typed records in one pass: `key` returns a tuple of answers (categories or options of
    /// them), and the tuple's types give the dimensions.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{category, Tally};
    ///
    /// category! {
    ///     /// A yes/no answer.
    ///     pub enum YesNo("answer") {
    ///         /// Yes.
    ///         Yes = "Yes" as "yes",
    ///         /// No.
    ///         No = "No" as "no",
    ///     }
    /// }
    /// let answers = [Some(YesNo::Yes), Some(YesNo::Yes), Some(YesNo::No), None];
    /// let tally = Tally::count(answers, |a| (*a,))?;
    /// assert_eq!(tally.records(), 4);
    /// let margin = tally.margin(0)?;
    /// assert_eq!((margin.cell(0).count(), margin.cell(1).count()), (2, 1));
    /// assert_eq!(margin.missing().count(), 1);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// Only for impossible keys (a category whose `index` is out of range).
    pub fn count<R, K: Key<D>, const D: usize>(
        records: impl IntoIterator<Item = R>,
        key: impl Fn(&R) -> K,
    ) -> Result<Self> {
        let mut tally = Self::new(K::dimensions().into())?;
        // Compile-time sizes and strides: they equal the tally's, which come from the same types,
        // unless a hand-written `Category` lists other categories than it indexes.
        let (sizes, strides) = (K::SLOTS, K::STRIDES);
        if tally.strides[..] != strides[..] || tally.counts.len() != K::CELLS {
            return Err(Error::Undefined {
                what: "typed tally",
                reason: "the key's compile-time sizes disagree with its categories (a hand-written \
                         Category whose ALL and categories() differ)",
            });
        }
        // Four interleaved copies of the counts, one per record position mod 4, so that
        // consecutive records landing in the same cell do not wait on each other's store.
        let mut lanes = vec![0_u64; LANES * K::CELLS];
        // The largest slot seen per dimension: a key out of range is caught once, after the loop,
        // instead of by a test per record (until then `min` keeps its cell in bounds).
        let mut largest = [0_usize; D];
        let mut bump = |lane: usize, record: &R| {
            let mut cell = 0;
            for ((position, stride), top) in key(record)
                .slots()
                .into_iter()
                .zip(strides)
                .zip(&mut largest)
            {
                let slot = position.map_or(0, |i| i.saturating_add(1));
                *top = (*top).max(slot);
                cell += slot.wrapping_mul(stride);
            }
            if let Some(count) = lanes.get_mut(lane * K::CELLS + cell.min(K::CELLS - 1)) {
                *count = count.wrapping_add(1);
            }
        };
        let mut records = records.into_iter();
        loop {
            let Some(a) = records.next() else { break };
            bump(0, &a);
            let Some(b) = records.next() else { break };
            bump(1, &b);
            let Some(c) = records.next() else { break };
            bump(2, &c);
            let Some(d) = records.next() else { break };
            bump(3, &d);
        }
        if let Some(((&top, size), dimension)) = largest
            .iter()
            .zip(sizes)
            .zip(&tally.dimensions)
            .find(|((top, size), _)| **top >= *size)
        {
            return Err(Error::CategoryOutOfRange {
                dimension: dimension.name().to_string(),
                index: top - 1,
                len: size - 1,
            });
        }
        for lane in lanes.chunks_exact(K::CELLS) {
            for (total, count) in tally.counts.iter_mut().zip(lane) {
                *total = total.wrapping_add(*count);
            }
        }
        Ok(tally)
    }

    /// [`Tally::count`] on several threads: the slice is cut into one contiguous shard per
    /// available core (at most `threads`), each shard is tallied on its own thread, and the
    /// partial tallies are merged. Merging is exact, so the result is identical to
    /// [`Tally::count`]'s whatever the number of threads.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{category, Tally};
    ///
    /// category! {
    ///     /// A yes/no answer.
    ///     pub enum YesNo("answer") {
    ///         /// Yes.
    ///         Yes = "Yes" as "yes",
    ///         /// No.
    ///         No = "No" as "no",
    ///     }
    /// }
    /// let answers: Vec<Option<YesNo>> = (0..10_000).map(|i| [Some(YesNo::Yes), Some(YesNo::No), None][i % 3]).collect();
    /// let serial = Tally::count(&answers, |a| (**a,))?;
    /// assert_eq!(Tally::count_parallel(&answers, |a| (*a,), 4)?, serial);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Tally::count`].
    ///
    /// # Panics
    ///
    /// Only if `key` panics: the panic is passed on from the thread where it happened.
    pub fn count_parallel<R, K, const D: usize>(
        records: &[R],
        key: impl Fn(&R) -> K + Sync,
        threads: usize,
    ) -> Result<Self>
    where
        R: Sync,
        K: Key<D>,
    {
        /// Below this many records per thread, spawning costs more than it saves.
        const MIN_SHARD: usize = 1 << 16;
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let shards = threads.min(cores).min(records.len() / MIN_SHARD).max(1);
        if shards == 1 {
            return Self::count(records, |r: &&R| key(r));
        }
        let size = records.len().div_ceil(shards);
        let key = &key;
        let partials: Vec<Result<Tally>> = std::thread::scope(|scope| {
            let handles: Vec<_> = records
                .chunks(size)
                .map(|shard| scope.spawn(move || Self::count(shard, |r: &&R| key(r))))
                .collect();
            handles
                .into_iter()
                // Only a panic in the caller's `key` can end a shard early: pass it on unchanged.
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|payload| std::panic::resume_unwind(payload))
                })
                .collect()
        });
        let mut partials = partials.into_iter();
        let mut total = partials
            .next()
            .unwrap_or_else(|| Self::new(K::dimensions().into()))?;
        for partial in partials {
            total.merge(&partial?)?;
        }
        Ok(total)
    }

    /// Counts typed records with a weight per record, in one pass.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{category, Error, Tally};
    ///
    /// category! {
    ///     /// A yes/no answer.
    ///     pub enum YesNo("answer") {
    ///         /// Yes.
    ///         Yes = "Yes" as "yes",
    ///         /// No.
    ///         No = "No" as "no",
    ///     }
    /// }
    /// let records = [(YesNo::Yes, 2.0), (YesNo::No, 1.0), (YesNo::Yes, 0.5)];
    /// let tally = Tally::count_weighted(&records, |r| (r.0,), |r| r.1)?;
    /// let yes = tally.margin(0)?.cell(0);
    /// assert_eq!((yes.count(), yes.weight()), (2, 2.5));
    ///
    /// let bad = [(YesNo::Yes, 1.0), (YesNo::No, -1.0)];
    /// let err = Tally::count_weighted(&bad, |r| (r.0,), |r| r.1).unwrap_err();
    /// assert_eq!(err, Error::InvalidWeight { value: -1.0, record: Some(1) });
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidWeight`] (naming the record's position) for a weight that is negative, NaN
    /// or infinite.
    pub fn count_weighted<R, K: Key<D>, const D: usize>(
        records: impl IntoIterator<Item = R>,
        key: impl Fn(&R) -> K,
        weight: impl Fn(&R) -> f64,
    ) -> Result<Self> {
        let mut tally = Self::new_weighted(K::dimensions().into())?;
        for (position, record) in records.into_iter().enumerate() {
            let w = FixedWeight::new(weight(&record)).map_err(|e| e.at_record(position))?;
            tally.add_slots(key(&record).slots(), Some(w))?;
        }
        Ok(tally)
    }
}

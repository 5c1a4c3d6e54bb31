//! One-pass counting of single-choice answers over any number of dimensions.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::survey::categories::Categories;
use crate::survey::category::{Category, Slot};
use crate::survey::counts::{CrossCounts, Margin, QuestionKind};
use crate::survey::sums::{FixedWeight, Sums};

/// Largest number of cells a tally may hold (each dimension contributes its categories plus a
/// "no answer" slot): 2^24, about 16.8 million.
const MAX_CELLS: usize = 1 << 24;

/// Interleaved copies of the counts in the hot loop of [`Tally::count`].
const LANES: usize = 4;

/// Counts of records over the combinations of one or more single-choice dimensions (a question,
/// role, team, ...), with weighted sums and sums of squared weights per combination.
///
/// Each dimension has a slot per category plus one for "no answer", so a missing answer is kept
/// and counted, never dropped. The memory is fixed by the dimensions, whatever the number of
/// records. Breakdowns and crosstabs of any dimension (or pair of dimensions) are read off the same
/// tally with [`Tally::margin`] and [`Tally::cross`], so one pass over the data serves them all.
///
/// Tallies merge exactly ([`Tally::merge`], `+`): counts are integers and weights are summed in
/// fixed point ([`Sums`]), so shards, threads or the partial aggregates of a distributed engine
/// combine to the same bits in any order. Tallies serialise with serde.
///
/// ```
/// use survey_analytics::{category, Tally};
///
/// category! {
///     /// Role of the respondent.
///     pub enum Role("role") {
///         /// Leads the department.
///         Leader = "Leader" as "leader",
///         /// Individual contributor.
///         Contributor = "Individual contributor" as "ic",
///     }
/// }
/// category! {
///     /// Does the respondent know how impact is measured?
///     pub enum Knows("knows_impact") {
///         /// Yes.
///         Yes = "Yes" as "yes",
///         /// No.
///         No = "No" as "no",
///     }
/// }
///
/// struct Response { role: Role, knows: Option<Knows> }
/// let responses = [
///     Response { role: Role::Leader, knows: Some(Knows::Yes) },
///     Response { role: Role::Contributor, knows: Some(Knows::No) },
///     Response { role: Role::Contributor, knows: None },
/// ];
/// let tally = Tally::count(&responses, |r| (r.knows, r.role))?;
/// let by_role = tally.cross(0, 1)?;
/// assert_eq!(by_role.cell(0, 0).count(), 1); // leaders who know
/// assert_eq!(by_role.missing(1).count(), 1); // a contributor who did not answer
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawTally")]
pub struct Tally {
    dimensions: Vec<Categories>,
    #[serde(skip)]
    strides: Vec<usize>,
    weighted: bool,
    counts: Vec<u64>,
    /// Fixed-point weight and squared-weight totals per cell; empty when unweighted.
    weights: Vec<[u128; 2]>,
}

#[derive(Deserialize)]
struct RawTally {
    dimensions: Vec<Categories>,
    weighted: bool,
    counts: Vec<u64>,
    weights: Vec<[u128; 2]>,
}

impl TryFrom<RawTally> for Tally {
    type Error = Error;

    fn try_from(raw: RawTally) -> Result<Self> {
        let mut tally = if raw.weighted {
            Tally::new_weighted(raw.dimensions)?
        } else {
            Tally::new(raw.dimensions)?
        };
        let cells = tally.counts.len();
        if raw.counts.len() != cells || raw.weights.len() != tally.weights.len() {
            return Err(Error::LengthMismatch {
                name: "tally cells",
                expected: cells,
                len: raw.counts.len(),
                per: "cell",
            });
        }
        tally.counts = raw.counts;
        tally.weights = raw.weights;
        Ok(tally)
    }
}

/// A tuple of typed answers, one per dimension of a [`Tally`]: each element is a
/// [`Category`](crate::Category) or an `Option` of one (`None` = no answer).
///
/// ```
/// use survey_analytics::{category, Key};
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
/// type Answers = (YesNo, Option<YesNo>);
/// assert_eq!(<Answers as Key<2>>::SLOTS, [3, 3]); // two answers plus "no answer", twice
/// assert_eq!(<Answers as Key<2>>::STRIDES, [1, 3]);
/// assert_eq!(<Answers as Key<2>>::CELLS, 9);
/// ```
pub trait Key<const D: usize>: Copy {
    /// Slots per dimension (categories plus "no answer"), known at compile time so that the
    /// counting loop multiplies by constants.
    const SLOTS: [usize; D];

    /// The tally's strides for these slots (dimension 0 varies fastest).
    const STRIDES: [usize; D] = strides(Self::SLOTS);

    /// Number of cells of the tally.
    const CELLS: usize = cells(Self::SLOTS);

    /// The dimensions, from the element types.
    ///
    /// ```
    /// use survey_analytics::{category, Key};
    /// # category! {
    /// #     /// A yes/no answer.
    /// #     pub enum YesNo("answer") {
    /// #         /// Yes.
    /// #         Yes = "Yes" as "yes",
    /// #         /// No.
    /// #         No = "No" as "no",
    /// #     }
    /// # }
    /// let [first, second] = <(YesNo, Option<YesNo>) as Key<2>>::dimensions();
    /// assert_eq!(first.name(), "answer");
    /// assert_eq!(second.labels(), ["Yes", "No"]);
    /// ```
    fn dimensions() -> [Categories; D];

    /// Each element's position, or `None` when missing.
    ///
    /// ```
    /// use survey_analytics::{category, Key};
    /// # category! {
    /// #     /// A yes/no answer.
    /// #     pub enum YesNo("answer") {
    /// #         /// Yes.
    /// #         Yes = "Yes" as "yes",
    /// #         /// No.
    /// #         No = "No" as "no",
    /// #     }
    /// # }
    /// assert_eq!((YesNo::No, None::<YesNo>).slots(), [Some(1), None]);
    /// assert_eq!((Some(YesNo::Yes),).slots(), [Some(0)]);
    /// ```
    fn slots(self) -> [Option<usize>; D];
}

macro_rules! impl_key {
    ($d:literal; $($t:ident . $i:tt),+) => {
        impl<$($t: Slot),+> Key<$d> for ($($t,)+) {
            const SLOTS: [usize; $d] = [$(<$t::Category as Category>::ALL.len() + 1),+];

            fn dimensions() -> [Categories; $d] {
                [$(Categories::of::<$t::Category>()),+]
            }

            fn slots(self) -> [Option<usize>; $d] {
                [$(self.$i.slot()),+]
            }
        }
    };
}

/// Mixed-radix strides: the first dimension varies fastest.
const fn strides<const D: usize>(slots: [usize; D]) -> [usize; D] {
    let mut strides = [0; D];
    let mut stride: usize = 1;
    let mut d = 0;
    while d < D {
        strides[d] = stride;
        stride = stride.saturating_mul(slots[d]);
        d += 1;
    }
    strides
}

/// Product of the slot counts.
const fn cells<const D: usize>(slots: [usize; D]) -> usize {
    let mut cells: usize = 1;
    let mut d = 0;
    while d < D {
        cells = cells.saturating_mul(slots[d]);
        d += 1;
    }
    cells
}

impl_key!(1; A.0);
impl_key!(2; A.0, B.1);
impl_key!(3; A.0, B.1, C.2);
impl_key!(4; A.0, B.1, C.2, E.3);

/// Category counts and strides of a tally's dimensions in fixed-size arrays, for the hot loops of
/// [`Tally::count`] and [`Tally::count_weighted`].
struct Layout<const D: usize> {
    /// Slots per dimension: its categories plus "no answer".
    slots: [usize; D],
    strides: [usize; D],
    names: [String; D],
}

impl<const D: usize> Layout<D> {
    fn of(tally: &Tally) -> Self {
        let mut layout = Layout {
            slots: [1; D],
            strides: [0; D],
            names: std::array::from_fn(|_| String::new()),
        };
        let parts = tally.dimensions.iter().zip(&tally.strides);
        for (((slot, stride), name), (dimension, &s)) in layout
            .slots
            .iter_mut()
            .zip(&mut layout.strides)
            .zip(&mut layout.names)
            .zip(parts)
        {
            *slot = dimension.len() + 1;
            *stride = s;
            *name = dimension.name().to_string();
        }
        layout
    }

    fn range_error(&self) -> Error {
        Error::CategoryOutOfRange {
            dimension: self.names.join(" x "),
            index: usize::MAX,
            len: self.slots.iter().map(|s| s - 1).max().unwrap_or(0),
        }
    }
}

impl Tally {
    /// An empty unweighted tally over `dimensions`.
    ///
    /// ```
    /// use survey_analytics::{Categories, Error, Tally};
    ///
    /// let tally = Tally::new(vec![Categories::new("q", ["yes", "no"])?])?;
    /// assert_eq!(tally.records(), 0);
    /// assert!(!tally.is_weighted());
    /// assert!(matches!(Tally::new(vec![]), Err(Error::TooFewValues { .. })));
    /// // 5001 x 5001 cells is more than 2^24.
    /// let wide = Categories::new("wide", (0..5000).map(|i| i.to_string()))?;
    /// assert!(matches!(Tally::new(vec![wide.clone(), wide]), Err(Error::CountTooLarge { .. })));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::TooFewValues`] for no dimensions; [`Error::CountTooLarge`] when the dimensions need
    /// more than 2^24 cells.
    pub fn new(dimensions: Vec<Categories>) -> Result<Self> {
        Self::with_dimensions(dimensions, false)
    }

    /// An empty weighted tally over `dimensions`.
    ///
    /// ```
    /// use survey_analytics::{Categories, Tally};
    ///
    /// let mut tally = Tally::new_weighted(vec![Categories::new("q", ["yes", "no"])?])?;
    /// assert!(tally.is_weighted());
    /// tally.add_weighted(&[Some(0)], 2.5)?;
    /// assert_eq!(tally.margin(0)?.base().weight(), 2.5);
    /// assert!(Tally::new_weighted(vec![]).is_err());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Tally::new`].
    pub fn new_weighted(dimensions: Vec<Categories>) -> Result<Self> {
        Self::with_dimensions(dimensions, true)
    }

    fn with_dimensions(dimensions: Vec<Categories>, weighted: bool) -> Result<Self> {
        if dimensions.is_empty() {
            return Err(Error::TooFewValues {
                name: "tally dimensions",
                len: 0,
                min: 1,
            });
        }
        let mut strides = Vec::with_capacity(dimensions.len());
        let mut cells: usize = 1;
        for dimension in &dimensions {
            strides.push(cells);
            cells = cells
                .checked_mul(dimension.len() + 1)
                .filter(|&c| c <= MAX_CELLS)
                .ok_or(Error::CountTooLarge {
                    name: "tally cells",
                    value: u64::MAX,
                    max: MAX_CELLS as u64,
                })?;
        }
        let weights = if weighted {
            vec![[0, 0]; cells]
        } else {
            Vec::new()
        };
        Ok(Self {
            dimensions,
            strides,
            weighted,
            counts: vec![0; cells],
            weights,
        })
    }

    /// Counts typed records in one pass: `key` returns a tuple of answers (categories or options of
    /// them), and the tuple's types give the dimensions.
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
        let layout = Layout::<D>::of(&tally);
        let cells = tally.counts.len();
        // Compile-time sizes and strides (they equal the layout's, which came from the same types).
        let (sizes, strides) = (K::SLOTS, K::STRIDES);
        if sizes != layout.slots || strides != layout.strides || K::CELLS != cells {
            return Err(layout.range_error());
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
        if largest.iter().zip(sizes).any(|(&top, size)| top >= size) {
            return Err(layout.range_error());
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

    /// Adds one unweighted record given each dimension's category position (`None` = no answer).
    ///
    /// ```
    /// use survey_analytics::{Categories, Tally};
    /// let mut tally = Tally::new(vec![Categories::new("q", ["yes", "no"])?])?;
    /// tally.add(&[Some(0)])?;
    /// tally.add(&[None])?;
    /// assert!(tally.add(&[Some(2)]).is_err());
    /// assert_eq!(tally.margin(0)?.missing().count(), 1);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::LengthMismatch`] when `slots` does not have one entry per dimension;
    /// [`Error::CategoryOutOfRange`] for a position past a dimension's categories;
    /// [`Error::WeightedTally`] when the tally is weighted (use [`Tally::add_weighted`]).
    pub fn add(&mut self, slots: &[Option<usize>]) -> Result<()> {
        if self.weighted {
            return Err(Error::WeightedTally { weighted: true });
        }
        let cell = self.cell_index(slots)?;
        if let Some(count) = self.counts.get_mut(cell) {
            *count = count.saturating_add(1);
        }
        Ok(())
    }

    /// Adds one record with a weight to a weighted tally.
    ///
    /// ```
    /// use survey_analytics::{Categories, Error, Tally};
    ///
    /// let q = Categories::new("q", ["yes", "no"])?;
    /// let mut tally = Tally::new_weighted(vec![q.clone()])?;
    /// tally.add_weighted(&[Some(0)], 1.5)?;
    /// tally.add_weighted(&[None], 0.5)?;
    /// assert_eq!(tally.margin(0)?.cell(0).weight(), 1.5);
    /// assert_eq!(tally.margin(0)?.missing().weight(), 0.5);
    /// let err = tally.add_weighted(&[Some(0)], f64::NAN).unwrap_err();
    /// assert!(matches!(err, Error::InvalidWeight { record: None, .. }));
    ///
    /// let mut unweighted = Tally::new(vec![q])?;
    /// let err = unweighted.add_weighted(&[Some(0)], 1.0).unwrap_err();
    /// assert_eq!(err, Error::WeightedTally { weighted: false });
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Tally::add`], plus [`Error::InvalidWeight`] for a weight that is negative, NaN or
    /// infinite, and [`Error::WeightedTally`] when the tally is unweighted.
    pub fn add_weighted(&mut self, slots: &[Option<usize>], weight: f64) -> Result<()> {
        if !self.weighted {
            return Err(Error::WeightedTally { weighted: false });
        }
        let w = FixedWeight::new(weight)?;
        let cell = self.cell_index(slots)?;
        self.bump(cell, Some(w));
        Ok(())
    }

    /// The hot path of [`Tally::count`]: one record, dimensions checked, no allocation.
    fn add_slots<const D: usize>(
        &mut self,
        slots: [Option<usize>; D],
        weight: Option<FixedWeight>,
    ) -> Result<()> {
        let cell = self.cell_index(&slots)?;
        self.bump(cell, weight);
        Ok(())
    }

    fn bump(&mut self, cell: usize, weight: Option<FixedWeight>) {
        if let Some(count) = self.counts.get_mut(cell) {
            *count = count.saturating_add(1);
        }
        if let (Some(w), Some(sums)) = (weight, self.weights.get_mut(cell)) {
            let (fixed, squared) = w.parts();
            sums[0] = sums[0].saturating_add(fixed);
            sums[1] = sums[1].saturating_add(squared);
        }
    }

    #[inline]
    fn cell_index(&self, slots: &[Option<usize>]) -> Result<usize> {
        if slots.len() != self.dimensions.len() {
            return Err(Error::LengthMismatch {
                name: "key",
                expected: self.dimensions.len(),
                len: slots.len(),
                per: "dimension",
            });
        }
        let mut cell = 0;
        for ((slot, dimension), stride) in slots.iter().zip(&self.dimensions).zip(&self.strides) {
            let position = match *slot {
                None => 0,
                Some(i) if i < dimension.len() => i + 1,
                Some(i) => {
                    return Err(Error::CategoryOutOfRange {
                        dimension: dimension.name().to_string(),
                        index: i,
                        len: dimension.len(),
                    });
                }
            };
            cell += position * stride;
        }
        Ok(cell)
    }

    /// Adds another tally's counts to this one (exact, whatever the order of merging).
    ///
    /// ```
    /// use survey_analytics::{Categories, Tally};
    /// let q = Categories::new("q", ["a", "b"])?;
    /// let (mut left, mut right) = (Tally::new(vec![q.clone()])?, Tally::new(vec![q])?);
    /// left.add(&[Some(0)])?;
    /// right.add(&[Some(1)])?;
    /// left.merge(&right)?;
    /// assert_eq!(left.margin(0)?.base().count(), 2);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::IncompatibleTallies`] when the dimensions or the weighting differ.
    pub fn merge(&mut self, other: &Tally) -> Result<()> {
        if self.dimensions != other.dimensions || self.weighted != other.weighted {
            return Err(Error::IncompatibleTallies);
        }
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a = a.saturating_add(*b);
        }
        for (a, b) in self.weights.iter_mut().zip(&other.weights) {
            a[0] = a[0].saturating_add(b[0]);
            a[1] = a[1].saturating_add(b[1]);
        }
        Ok(())
    }

    /// Renames dimension `index` (typed dimensions are named after their type's question, and
    /// `bool` answers are all called "yes_no").
    ///
    /// ```
    /// use survey_analytics::Tally;
    /// let answers = [true, false, true];
    /// let tally = Tally::count(answers, |a| (*a,))?.renamed(0, "wants more transparency")?;
    /// assert_eq!(tally.dimensions()[0].name(), "wants more transparency");
    /// assert!(Tally::count(answers, |a| (*a,))?.renamed(1, "x").is_err());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::CategoryOutOfRange`] for an index past the dimensions.
    pub fn renamed(mut self, index: usize, name: impl Into<String>) -> Result<Self> {
        let len = self.dimensions.len();
        let dimension = self
            .dimensions
            .get_mut(index)
            .ok_or(Error::CategoryOutOfRange {
                dimension: "tally dimensions".to_string(),
                index,
                len,
            })?;
        *dimension = dimension.clone().renamed(name);
        Ok(self)
    }

    /// The dimensions, in key order.
    ///
    /// ```
    /// use survey_analytics::{Categories, Tally};
    ///
    /// let q = Categories::new("q", ["yes", "no"])?;
    /// let role = Categories::new("role", ["leader", "ic"])?;
    /// let tally = Tally::new(vec![q, role])?;
    /// let names: Vec<&str> = tally.dimensions().iter().map(|d| d.name()).collect();
    /// assert_eq!(names, ["q", "role"]);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn dimensions(&self) -> &[Categories] {
        &self.dimensions
    }

    /// Whether records carry weights.
    ///
    /// ```
    /// use survey_analytics::{Categories, Tally};
    ///
    /// let q = Categories::new("q", ["yes", "no"])?;
    /// assert!(!Tally::new(vec![q.clone()])?.is_weighted());
    /// assert!(Tally::new_weighted(vec![q])?.is_weighted());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn is_weighted(&self) -> bool {
        self.weighted
    }

    /// Total number of records counted (answered or not).
    ///
    /// ```
    /// use survey_analytics::{Categories, Tally};
    ///
    /// let mut tally = Tally::new(vec![Categories::new("q", ["yes", "no"])?])?;
    /// tally.add(&[Some(1)])?;
    /// tally.add(&[None])?; // no answer is still a record
    /// assert_eq!(tally.records(), 2);
    /// assert_eq!(tally.margin(0)?.base().count(), 1);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn records(&self) -> u64 {
        self.counts
            .iter()
            .fold(0_u64, |sum, &c| sum.saturating_add(c))
    }

    fn sums(&self, cell: usize) -> Sums {
        let count = self.counts.get(cell).copied().unwrap_or(0);
        match self.weights.get(cell) {
            Some(&[weight, squared]) => Sums::from_parts(count, weight, squared),
            None => Sums::unweighted(count),
        }
    }

    fn dimension(&self, index: usize) -> Result<&Categories> {
        self.dimensions.get(index).ok_or(Error::CategoryOutOfRange {
            dimension: "tally dimensions".to_string(),
            index,
            len: self.dimensions.len(),
        })
    }

    /// Slot (0 = no answer, i + 1 = category i) of dimension `d` in `cell`.
    fn slot_of(&self, cell: usize, d: usize) -> usize {
        match (self.strides.get(d), self.dimensions.get(d)) {
            (Some(stride), Some(dimension)) => (cell / stride) % (dimension.len() + 1),
            _ => 0,
        }
    }

    /// The counts of one dimension, summed over all the others: a question's breakdown.
    ///
    /// ```
    /// use survey_analytics::{Categories, Error, Tally};
    ///
    /// let q = Categories::new("q", ["yes", "no"])?;
    /// let role = Categories::new("role", ["leader", "ic"])?;
    /// let mut tally = Tally::new(vec![q, role])?;
    /// tally.add(&[Some(0), Some(0)])?;
    /// tally.add(&[Some(0), Some(1)])?;
    /// tally.add(&[None, Some(1)])?;
    /// let answers = tally.margin(0)?; // summed over roles
    /// assert_eq!(answers.cell(0).count(), 2);
    /// assert_eq!(answers.missing().count(), 1);
    /// assert_eq!(tally.margin(1)?.cell(1).count(), 2); // two individual contributors
    /// assert!(matches!(tally.margin(2), Err(Error::CategoryOutOfRange { .. })));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::CategoryOutOfRange`] for a dimension index past the tally's;
    /// [`Error::CountTooLarge`] when a weight total saturated.
    pub fn margin(&self, dimension: usize) -> Result<Margin> {
        let categories = self.dimension(dimension)?.clone();
        let mut slots = vec![Sums::default(); categories.len() + 1];
        for cell in 0..self.counts.len() {
            if let Some(total) = slots.get_mut(self.slot_of(cell, dimension)) {
                *total = total.merged(self.sums(cell));
            }
        }
        let missing = slots.first().copied().unwrap_or_default();
        let cells = slots.into_iter().skip(1).collect();
        Margin::new(
            categories,
            QuestionKind::SingleChoice,
            self.weighted,
            cells,
            None,
            missing,
        )
    }

    /// The counts of dimension `rows` (a question) by dimension `columns` (a group), summed over any
    /// other dimensions: the input of a [`Crosstab`](crate::Crosstab).
    ///
    /// ```
    /// use survey_analytics::{Categories, Error, Tally};
    ///
    /// let q = Categories::new("q", ["yes", "no"])?;
    /// let role = Categories::new("role", ["leader", "ic"])?;
    /// let mut tally = Tally::new(vec![q, role])?;
    /// tally.add(&[Some(0), Some(0)])?;
    /// tally.add(&[Some(0), Some(1)])?;
    /// tally.add(&[None, Some(1)])?;
    /// let counts = tally.cross(0, 1)?;
    /// assert_eq!(counts.cell(0, 1).count(), 1); // "yes" among individual contributors
    /// assert_eq!((counts.base(1).count(), counts.missing(1).count()), (1, 1));
    /// assert!(matches!(tally.cross(0, 0), Err(Error::InvalidParameter { .. })));
    /// assert!(matches!(tally.cross(0, 2), Err(Error::CategoryOutOfRange { .. })));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::CategoryOutOfRange`] for a dimension index past the tally's; [`Error::InvalidParameter`]
    /// when `rows == columns`; [`Error::CountTooLarge`] when a weight total saturated.
    pub fn cross(&self, rows: usize, columns: usize) -> Result<CrossCounts> {
        if rows == columns {
            return Err(Error::InvalidParameter {
                name: "columns",
                value: columns as f64,
                requirement: "a crosstab needs two different dimensions",
            });
        }
        let (row_categories, column_categories) = (
            self.dimension(rows)?.clone(),
            self.dimension(columns)?.clone(),
        );
        let width = column_categories.len() + 1;
        let mut grid = vec![Sums::default(); (row_categories.len() + 1) * width];
        for cell in 0..self.counts.len() {
            let index = self.slot_of(cell, rows) * width + self.slot_of(cell, columns);
            if let Some(total) = grid.get_mut(index) {
                *total = total.merged(self.sums(cell));
            }
        }
        CrossCounts::from_slot_grid(
            row_categories,
            column_categories,
            QuestionKind::SingleChoice,
            self.weighted,
            &grid,
        )
    }
}

//! One-pass counting of single-choice answers over any number of dimensions.
//!
//! The type and its accessors (here), the key of typed tallies (`key.rs`), the counting loops
//! (`count.rs`) and the versioned wire format that tallies travel in (`wire.rs`).

mod count;
pub(crate) mod key;
mod wire;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::survey::categories::Categories;
use crate::survey::counts::{CrossCounts, MAX_CELLS, Margin, QuestionKind};
use crate::survey::sums::{FixedWeight, Sums};

pub use wire::{TALLY_FORMAT, TALLY_VERSION};

/// Counts of records over the combinations of one or more single-choice dimensions (a question,
/// role, team, ...), with weighted sums and sums of squared weights per combination.
///
/// Each dimension has a slot per category plus one for "no answer", so a missing answer is kept
/// and counted, never dropped. The memory is fixed by the dimensions, whatever the number of
/// records (at most 2^24 cells). Breakdowns and crosstabs of any dimension (or pair of dimensions)
/// are read off the same tally with [`Tally::margin`] and [`Tally::cross`], so one pass over the
/// data serves them all.
///
/// Tallies merge exactly ([`Tally::merge`]): counts are integers and weights are summed in fixed
/// point ([`Sums`]), so shards, threads or the partial aggregates of a distributed engine combine
/// to the same bits in any order.
///
/// # Wire format
///
/// A tally is what shards, threads and other engines send each other, so its serialised form is a
/// documented, versioned format rather than its memory layout. With serde (JSON shown), version 1:
///
/// ```json
/// {
///   "format": "survey-analytics/tally",
///   "version": 1,
///   "weighted": true,
///   "dimensions": [
///     {"name": "knows_impact", "labels": ["yes", "no"]},
///     {"name": "role", "labels": ["leader", "ic"]}
///   ],
///   "cells": [
///     {"slots": [1, 1], "count": 2, "fixed_weight": "46116860184273879040",
///      "fixed_weight_squared": "59951918239556042752"},
///     {"slots": [0, 2], "count": 1, "fixed_weight": "18446744073709551616",
///      "fixed_weight_squared": "18446744073709551616"}
///   ]
/// }
/// ```
///
/// * `dimensions`: in key order, each with its name and its category labels in order (distinct,
///   non-empty).
/// * `cells`: the non-empty cells only, each once, in any order (written in increasing order of
///   the first dimension fastest). `slots` holds one position per dimension: 0 for "no answer",
///   `i + 1` for category `i`.
/// * `count`: the records in the cell, an integer from 1 to 2^53.
/// * `fixed_weight`, `fixed_weight_squared` (weighted tallies only): the sums of the weights and
///   of the squared weights in units of 2^-64 (fixed point with 64 fractional bits, the tally's
///   exact internal form), as decimal strings so that every JSON reader keeps them exact; divide
///   by 2^64 = 18446744073709551616 for the weight. In the example, the leaders who said "yes"
///   are two records of weights 1 and 1.5 (sums 2.5 and 3.25), and one individual contributor of
///   weight 1 did not answer.
///
/// Every integer a JSON reader meets is at most 2^53. Reading checks everything that constructing
/// does, and more: an unknown `format` or `version` (this build reads version 1), an unknown field,
/// a slot past its dimension, a cell listed twice, a count of 0 or above 2^53, weights on an
/// unweighted tally (or none on a weighted one), and weight sums that no set of non-negative
/// weights can produce are all refused with [`Error::InvalidSerialized`].
///
/// # Examples
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
#[serde(try_from = "wire::TallyWire", into = "wire::TallyWire")]
pub struct Tally {
    dimensions: Vec<Categories>,
    strides: Vec<usize>,
    weighted: bool,
    counts: Vec<u64>,
    /// Fixed-point weight and squared-weight totals per cell; empty when unweighted.
    weights: Vec<[u128; 2]>,
}

impl Tally {
    /// An empty unweighted tally over `dimensions`.
    ///
    /// # Examples
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
    /// # Examples
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
                .ok_or_else(|| {
                    // The product of every dimension's slots, saturated, for the message.
                    let wanted = dimensions.iter().fold(1_u64, |product, d| {
                        product.saturating_mul(
                            u64::try_from(d.len()).unwrap_or(u64::MAX).saturating_add(1),
                        )
                    });
                    Error::CountTooLarge {
                        name: "tally cells (the product of each dimension's categories plus one)",
                        value: wanted,
                        max: MAX_CELLS as u64,
                    }
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

    /// Adds one unweighted record given each dimension's category position (`None` = no answer).
    ///
    /// # Examples
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
    /// # Examples
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
    /// // The record's position: two records were added before it.
    /// assert!(matches!(err, Error::InvalidWeight { record: Some(2), .. }));
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
    /// infinite (naming the record by its position: the number of records added before it), and
    /// [`Error::WeightedTally`] when the tally is unweighted.
    pub fn add_weighted(&mut self, slots: &[Option<usize>], weight: f64) -> Result<()> {
        if !self.weighted {
            return Err(Error::WeightedTally { weighted: false });
        }
        let w = FixedWeight::new(weight).map_err(|e| {
            let position = usize::try_from(self.records()).unwrap_or(usize::MAX);
            e.at_record(position)
        })?;
        let cell = self.cell_index(slots)?;
        self.bump(cell, Some(w));
        Ok(())
    }

    /// One record of [`Tally::count_weighted`]: dimensions checked, no allocation.
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

    /// The cell of wire-format slots (0 = no answer, `i + 1` = category `i`).
    fn cell_of_slots(&self, slots: &[usize]) -> Result<usize> {
        let positions: Vec<Option<usize>> = slots.iter().map(|&s| s.checked_sub(1)).collect();
        self.cell_index(&positions)
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
    /// # Examples
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
    /// # Examples
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
    /// [`Error::DimensionOutOfRange`] for an index past the dimensions.
    pub fn renamed(mut self, index: usize, name: impl Into<String>) -> Result<Self> {
        let len = self.dimensions.len();
        let dimension = self
            .dimensions
            .get_mut(index)
            .ok_or(Error::DimensionOutOfRange { index, len })?;
        *dimension = dimension.clone().renamed(name);
        Ok(self)
    }

    /// The dimensions, in key order.
    ///
    /// # Examples
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
    /// # Examples
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
    /// # Examples
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

    /// The stride of each dimension: a record whose slots (0 for no answer, `i + 1` for category
    /// `i`) are `s_d` falls in cell `sum(s_d * stride_d)`.
    pub(crate) fn strides(&self) -> &[usize] {
        &self.strides
    }

    /// Adds records by their cells (see [`Tally::strides`]), with their weights on a weighted
    /// tally: the bulk path of callers that hold coded columns.
    ///
    /// # Errors
    ///
    /// [`Error::WeightedTally`] when weights are given to an unweighted tally or missing on a
    /// weighted one; [`Error::LengthMismatch`] when they are not one per cell;
    /// [`Error::InvalidWeight`] for a weight that is negative, NaN or infinite (naming its
    /// position among these records); [`Error::CategoryOutOfRange`] for a cell past the table.
    /// Nothing is added when an error is returned.
    pub(crate) fn add_cells(&mut self, cells: &[usize], weights: Option<&[f64]>) -> Result<()> {
        if weights.is_some() != self.weighted {
            return Err(Error::WeightedTally {
                weighted: self.weighted,
            });
        }
        if let Some(weights) = weights
            && weights.len() != cells.len()
        {
            return Err(Error::LengthMismatch {
                name: "weights",
                len: weights.len(),
                expected: cells.len(),
                per: "record",
            });
        }
        if let Some(&index) = cells.iter().find(|&&c| c >= self.counts.len()) {
            return Err(Error::CategoryOutOfRange {
                dimension: "tally cells".to_string(),
                index,
                len: self.counts.len(),
            });
        }
        match weights {
            None => {
                for &cell in cells {
                    self.bump(cell, None);
                }
            }
            Some(weights) => {
                // Checked first, so that nothing is added on error; then converted as added,
                // without holding the converted weights.
                if let Some(i) = weights.iter().position(|&w| !FixedWeight::accepts(w))
                    && let Some(&w) = weights.get(i)
                    && let Err(e) = FixedWeight::new(w)
                {
                    return Err(e.at_record(i));
                }
                for (&cell, &w) in cells.iter().zip(weights) {
                    if let Ok(w) = FixedWeight::new(w) {
                        self.bump(cell, Some(w));
                    }
                }
            }
        }
        Ok(())
    }

    fn sums(&self, cell: usize) -> Sums {
        let count = self.counts.get(cell).copied().unwrap_or(0);
        match self.weights.get(cell) {
            Some(&[weight, squared]) => Sums::from_parts(count, weight, squared),
            None => Sums::unweighted(count),
        }
    }

    fn dimension(&self, index: usize) -> Result<&Categories> {
        self.dimensions
            .get(index)
            .ok_or(Error::DimensionOutOfRange {
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
    /// # Examples
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
    /// assert_eq!(tally.margin(2), Err(Error::DimensionOutOfRange { index: 2, len: 2 }));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::DimensionOutOfRange`] for a dimension index past the tally's;
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
    /// # Examples
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
    /// assert_eq!(tally.cross(0, 0), Err(Error::SameDimension { index: 0 }));
    /// assert_eq!(tally.cross(0, 2), Err(Error::DimensionOutOfRange { index: 2, len: 2 }));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::DimensionOutOfRange`] for a dimension index past the tally's;
    /// [`Error::SameDimension`] when `rows == columns`; [`Error::CountTooLarge`] when a weight
    /// total saturated.
    pub fn cross(&self, rows: usize, columns: usize) -> Result<CrossCounts> {
        let (row_categories, column_categories) = (
            self.dimension(rows)?.clone(),
            self.dimension(columns)?.clone(),
        );
        if rows == columns {
            return Err(Error::SameDimension { index: rows });
        }
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

//! Multi-select questions: a set of options per respondent.

use std::marker::PhantomData;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::survey::categories::Categories;
use crate::survey::category::Category;
use crate::survey::counts::{CrossCounts, MAX_CELLS, Margin, QuestionKind};
use crate::survey::sums::{FixedWeight, Sums};

/// The options a respondent chose in a multi-select question ("select all that apply"), as a set.
///
/// Holds up to 64 options (a bit per option). An empty set is a valid answer ("none of these");
/// a respondent who skipped the question has no `MultiSelect` at all (`None`).
///
/// # Examples
///
/// ```
/// use survey_analytics::{category, MultiSelect};
///
/// category! {
///     /// What generative AI is used for.
///     pub enum AiUse("ai_use") {
///         /// Writing copy.
///         Content = "Content creation" as "content",
///         /// Making images.
///         Images = "Image generation" as "images",
///         /// Planning projects.
///         Planning = "Project planning" as "planning",
///     }
/// }
///
/// let chosen: MultiSelect<AiUse> = [AiUse::Content, AiUse::Planning].into_iter().collect();
/// assert!(chosen.contains(AiUse::Planning) && !chosen.contains(AiUse::Images));
/// assert_eq!(chosen.len(), 2);
/// assert_eq!(chosen.iter().collect::<Vec<_>>(), vec![AiUse::Content, AiUse::Planning]);
/// ```
pub struct MultiSelect<C> {
    bits: u64,
    options: PhantomData<C>,
}

// Manual impls: derives would wrongly require `C` itself to implement each trait.
impl<C> Clone for MultiSelect<C> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<C> Copy for MultiSelect<C> {}
impl<C> PartialEq for MultiSelect<C> {
    fn eq(&self, other: &Self) -> bool {
        self.bits == other.bits
    }
}
impl<C> Eq for MultiSelect<C> {}
impl<C> Default for MultiSelect<C> {
    fn default() -> Self {
        Self {
            bits: 0,
            options: PhantomData,
        }
    }
}
impl<C: Category> std::fmt::Debug for MultiSelect<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl<C: Category> MultiSelect<C> {
    /// The empty set ("none of these").
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{category, MultiSelect};
    /// # category! {
    /// #     /// What generative AI is used for.
    /// #     pub enum AiUse("ai_use") {
    /// #         /// Writing copy.
    /// #         Content = "Content creation" as "content",
    /// #         /// Making images.
    /// #         Images = "Image generation" as "images",
    /// #         /// Planning projects.
    /// #         Planning = "Project planning" as "planning",
    /// #     }
    /// # }
    /// let none_of_these = MultiSelect::<AiUse>::new();
    /// assert!(none_of_these.is_empty());
    /// assert_eq!(none_of_these, MultiSelect::default());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an option. Options past the 64th are ignored (a category type with more than 64
    /// variants cannot be a multi-select answer).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{category, MultiSelect};
    /// # category! {
    /// #     /// What generative AI is used for.
    /// #     pub enum AiUse("ai_use") {
    /// #         /// Writing copy.
    /// #         Content = "Content creation" as "content",
    /// #         /// Making images.
    /// #         Images = "Image generation" as "images",
    /// #         /// Planning projects.
    /// #         Planning = "Project planning" as "planning",
    /// #     }
    /// # }
    /// let mut chosen = MultiSelect::new();
    /// chosen.insert(AiUse::Images);
    /// chosen.insert(AiUse::Images); // a set: no duplicates
    /// assert_eq!(chosen.len(), 1);
    /// assert!(chosen.contains(AiUse::Images));
    /// ```
    pub fn insert(&mut self, option: C) {
        if let Some(bit) = 1_u64
            .checked_shl(option.index() as u32)
            .filter(|_| option.index() < 64)
        {
            self.bits |= bit;
        }
    }

    /// Whether an option was chosen.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{category, MultiSelect};
    /// # category! {
    /// #     /// What generative AI is used for.
    /// #     pub enum AiUse("ai_use") {
    /// #         /// Writing copy.
    /// #         Content = "Content creation" as "content",
    /// #         /// Making images.
    /// #         Images = "Image generation" as "images",
    /// #         /// Planning projects.
    /// #         Planning = "Project planning" as "planning",
    /// #     }
    /// # }
    /// let chosen: MultiSelect<AiUse> = [AiUse::Content].into_iter().collect();
    /// assert!(chosen.contains(AiUse::Content));
    /// assert!(!chosen.contains(AiUse::Planning));
    /// ```
    pub fn contains(&self, option: C) -> bool {
        option.index() < 64 && self.bits & (1 << option.index()) != 0
    }

    /// Number of options chosen.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{category, Category, MultiSelect};
    /// # category! {
    /// #     /// What generative AI is used for.
    /// #     pub enum AiUse("ai_use") {
    /// #         /// Writing copy.
    /// #         Content = "Content creation" as "content",
    /// #         /// Making images.
    /// #         Images = "Image generation" as "images",
    /// #         /// Planning projects.
    /// #         Planning = "Project planning" as "planning",
    /// #     }
    /// # }
    /// let chosen: MultiSelect<AiUse> = AiUse::ALL.iter().copied().collect();
    /// assert_eq!(chosen.len(), 3);
    /// ```
    pub fn len(&self) -> usize {
        self.bits.count_ones() as usize
    }

    /// Whether no option was chosen.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{category, MultiSelect};
    /// # category! {
    /// #     /// What generative AI is used for.
    /// #     pub enum AiUse("ai_use") {
    /// #         /// Writing copy.
    /// #         Content = "Content creation" as "content",
    /// #         /// Making images.
    /// #         Images = "Image generation" as "images",
    /// #         /// Planning projects.
    /// #         Planning = "Project planning" as "planning",
    /// #     }
    /// # }
    /// let mut chosen = MultiSelect::new();
    /// assert!(chosen.is_empty()); // "none of these", a valid answer
    /// chosen.insert(AiUse::Planning);
    /// assert!(!chosen.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.bits == 0
    }

    /// The chosen options, in category order.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{category, MultiSelect};
    /// # category! {
    /// #     /// What generative AI is used for.
    /// #     pub enum AiUse("ai_use") {
    /// #         /// Writing copy.
    /// #         Content = "Content creation" as "content",
    /// #         /// Making images.
    /// #         Images = "Image generation" as "images",
    /// #         /// Planning projects.
    /// #         Planning = "Project planning" as "planning",
    /// #     }
    /// # }
    /// let chosen: MultiSelect<AiUse> = [AiUse::Planning, AiUse::Content].into_iter().collect();
    /// let labels: Vec<String> = chosen.iter().map(|c| c.to_string()).collect();
    /// assert_eq!(labels, ["Content creation", "Project planning"]); // category order
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = C> + '_ {
        C::ALL.iter().copied().filter(|&c| self.contains(c))
    }

    /// Positions of the chosen options.
    fn positions(self) -> impl Iterator<Item = usize> + Clone {
        (0..64).filter(move |i| self.bits & (1_u64 << i) != 0)
    }
}

/// The positions of `chosen` without repeats: as given when strictly increasing, else sorted.
fn distinct(chosen: &[usize]) -> std::borrow::Cow<'_, [usize]> {
    if chosen.windows(2).all(|pair| pair[0] < pair[1]) {
        std::borrow::Cow::Borrowed(chosen)
    } else {
        let mut set = chosen.to_vec();
        set.sort_unstable();
        set.dedup();
        std::borrow::Cow::Owned(set)
    }
}

impl<C: Category> FromIterator<C> for MultiSelect<C> {
    fn from_iter<I: IntoIterator<Item = C>>(iter: I) -> Self {
        let mut set = Self::new();
        for option in iter {
            set.insert(option);
        }
        set
    }
}

/// Counts of a multi-select question by a group, in one pass.
///
/// For each group: the respondents who answered (the base), how many chose each option, and how
/// many skipped the question. A respondent adds to the base once, however many options they chose,
/// so shares are of respondents and need not sum to 1. Weighted and unweighted, mergeable exactly,
/// serialisable, like [`Tally`](crate::Tally).
///
/// # Examples
///
/// ```
/// use survey_analytics::{Categories, MultiSelectTally};
///
/// let uses = Categories::new("ai_use", ["content", "images"])?;
/// let roles = Categories::new("role", ["leader", "ic"])?;
/// let mut tally = MultiSelectTally::new(uses, roles)?;
/// tally.add(Some(&[0, 1]), Some(0))?; // a leader using AI for both
/// tally.add(Some(&[]), Some(1))?;     // an IC using it for neither
/// tally.add(None, Some(1))?;          // an IC who skipped the question
/// let counts = tally.cross()?;
/// assert_eq!(counts.base(1).count(), 1);
/// assert_eq!(counts.missing(1).count(), 1);
/// assert_eq!(counts.cell(0, 0).count(), 1);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawMultiSelectTally")]
pub struct MultiSelectTally {
    options: Categories,
    groups: Categories,
    weighted: bool,
    /// `cells[option * groups + group]`.
    cells: Vec<Sums>,
    bases: Vec<Sums>,
    missing: Vec<Sums>,
    ungrouped: Sums,
}

/// Unvalidated form used to deserialise a [`MultiSelectTally`]: checked as the counts it gives
/// ([`CrossCounts`], which must be consistent) and for its lengths.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMultiSelectTally {
    options: Categories,
    groups: Categories,
    weighted: bool,
    cells: Vec<Sums>,
    bases: Vec<Sums>,
    missing: Vec<Sums>,
    ungrouped: Sums,
}

impl TryFrom<RawMultiSelectTally> for MultiSelectTally {
    type Error = Error;

    fn try_from(raw: RawMultiSelectTally) -> Result<Self> {
        let mut tally = Self::with(raw.options, raw.groups, raw.weighted)?;
        for (name, expected, len, per) in [
            (
                "cells",
                tally.cells.len(),
                raw.cells.len(),
                "option and group",
            ),
            ("bases", tally.bases.len(), raw.bases.len(), "group"),
            ("missing", tally.missing.len(), raw.missing.len(), "group"),
        ] {
            if expected != len {
                return Err(Error::LengthMismatch {
                    name,
                    expected,
                    len,
                    per,
                });
            }
        }
        tally.cells = raw.cells;
        tally.bases = raw.bases;
        tally.missing = raw.missing;
        tally.ungrouped = raw.ungrouped;
        // The same consistency rules as serialised crosstab counts.
        tally.cross()?.check_consistency("multi-select tally")?;
        Ok(tally)
    }
}

impl MultiSelectTally {
    /// An empty unweighted tally of `options` by `groups`.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, Error, MultiSelectTally};
    ///
    /// let uses = Categories::new("ai_use", ["content", "images"])?;
    /// let roles = Categories::new("role", ["leader", "ic"])?;
    /// let mut tally = MultiSelectTally::new(uses, roles)?;
    /// assert_eq!(tally.margin()?.base().count(), 0);
    /// let err = tally.add_weighted(Some(&[0]), Some(0), 2.0).unwrap_err();
    /// assert_eq!(err, Error::WeightedTally { weighted: false });
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn new(options: Categories, groups: Categories) -> Result<Self> {
        Self::with(options, groups, false)
    }

    /// An empty weighted tally of `options` by `groups`.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, MultiSelectTally};
    ///
    /// let uses = Categories::new("ai_use", ["content", "images"])?;
    /// let roles = Categories::new("role", ["leader", "ic"])?;
    /// let mut tally = MultiSelectTally::new_weighted(uses, roles)?;
    /// tally.add_weighted(Some(&[0, 1]), Some(0), 2.0)?;
    /// tally.add_weighted(Some(&[1]), Some(1), 0.5)?;
    /// let margin = tally.margin()?;
    /// assert!(margin.is_weighted());
    /// assert_eq!(margin.base().weight(), 2.5);
    /// assert_eq!((margin.cell(0).weight(), margin.cell(1).weight()), (2.0, 2.5));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn new_weighted(options: Categories, groups: Categories) -> Result<Self> {
        Self::with(options, groups, true)
    }

    fn with(options: Categories, groups: Categories, weighted: bool) -> Result<Self> {
        let g = groups.len();
        let cells = options
            .len()
            .checked_mul(g)
            .filter(|&c| c <= MAX_CELLS)
            .ok_or(Error::CountTooLarge {
                name: "multi-select tally cells (options x groups)",
                value: u64::try_from(options.len().saturating_mul(g)).unwrap_or(u64::MAX),
                max: MAX_CELLS as u64,
            })?;
        Ok(Self {
            cells: vec![Sums::default(); cells],
            bases: vec![Sums::default(); g],
            missing: vec![Sums::default(); g],
            ungrouped: Sums::default(),
            options,
            groups,
            weighted,
        })
    }

    /// Counts typed records: `answer` gives the chosen options (`None` when the question was
    /// skipped) and `group` the respondent's group.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{category, MultiSelect, MultiSelectTally};
    ///
    /// category! {
    ///     /// What generative AI is used for.
    ///     pub enum AiUse("ai_use") {
    ///         /// Writing copy.
    ///         Content = "Content creation" as "content",
    ///         /// Making images.
    ///         Images = "Image generation" as "images",
    ///         /// Planning projects.
    ///         Planning = "Project planning" as "planning",
    ///     }
    /// }
    /// category! {
    ///     /// Role of the respondent.
    ///     pub enum Role("role") {
    ///         /// Leads the department.
    ///         Leader = "Leader" as "leader",
    ///         /// Individual contributor.
    ///         Contributor = "Individual contributor" as "ic",
    ///     }
    /// }
    ///
    /// struct Response { uses: Option<MultiSelect<AiUse>>, role: Option<Role> }
    /// let both = [AiUse::Content, AiUse::Images].into_iter().collect();
    /// let responses = [
    ///     Response { uses: Some(both), role: Some(Role::Leader) },
    ///     Response { uses: Some(MultiSelect::new()), role: Some(Role::Contributor) },
    ///     Response { uses: None, role: Some(Role::Contributor) },
    /// ];
    /// let tally = MultiSelectTally::count(&responses, |r| r.uses, |r| r.role)?;
    /// let counts = tally.cross()?;
    /// assert_eq!(counts.cell(1, 0).count(), 1); // a leader making images
    /// assert_eq!(counts.base(1).count(), 1); // "none of these" is an answer...
    /// assert_eq!(counts.missing(1).count(), 1); // ...skipping the question is not
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// Only for impossible keys (a category whose `index` is out of range).
    pub fn count<R, O: Category, G: Category>(
        records: impl IntoIterator<Item = R>,
        answer: impl Fn(&R) -> Option<MultiSelect<O>>,
        group: impl Fn(&R) -> Option<G>,
    ) -> Result<Self> {
        let mut tally = Self::new(O::categories(), G::categories())?;
        for record in records {
            let chosen = answer(&record).map(MultiSelect::positions);
            tally.record(
                chosen,
                group(&record).map(Category::index),
                FixedWeight::ONE,
            )?;
        }
        Ok(tally)
    }

    /// Adds one unweighted respondent: the positions of the chosen options (`None` = skipped) and
    /// the group's position (`None` = unknown). The options are a set: a position listed twice
    /// counts once.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, Error, MultiSelectTally};
    ///
    /// let uses = Categories::new("ai_use", ["content", "images"])?;
    /// let roles = Categories::new("role", ["leader", "ic"])?;
    /// let mut tally = MultiSelectTally::new(uses, roles)?;
    /// tally.add(Some(&[1]), None)?; // group unknown
    /// assert_eq!(tally.cross()?.ungrouped().count(), 1);
    /// assert!(matches!(tally.add(Some(&[2]), Some(0)), Err(Error::CategoryOutOfRange { .. })));
    /// assert!(matches!(tally.add(Some(&[0]), Some(2)), Err(Error::CategoryOutOfRange { .. })));
    /// assert_eq!(tally.cross()?.base(0).count(), 0); // rejected respondents were not added
    /// assert!(tally.add(Some(&[7]), None).is_err()); // checked even without a group
    /// tally.add(Some(&[1, 1, 0, 1]), Some(1))?; // a set: twice is once
    /// assert_eq!(tally.cross()?.cell(1, 1).count(), 1);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::CategoryOutOfRange`] for a position past the options or groups;
    /// [`Error::WeightedTally`] when the tally is weighted.
    pub fn add(&mut self, chosen: Option<&[usize]>, group: Option<usize>) -> Result<()> {
        if self.weighted {
            return Err(Error::WeightedTally { weighted: true });
        }
        let chosen = chosen.map(distinct);
        self.record(
            chosen.as_deref().map(|c| c.iter().copied()),
            group,
            FixedWeight::ONE,
        )
    }

    /// Adds one respondent with a weight.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, Error, MultiSelectTally};
    ///
    /// let uses = Categories::new("ai_use", ["content", "images"])?;
    /// let roles = Categories::new("role", ["leader", "ic"])?;
    /// let mut tally = MultiSelectTally::new_weighted(uses, roles)?;
    /// tally.add_weighted(Some(&[0]), Some(1), 1.5)?;
    /// assert_eq!(tally.cross()?.cell(0, 1).weight(), 1.5);
    /// let err = tally.add_weighted(Some(&[0]), Some(1), -2.0).unwrap_err();
    /// assert_eq!(err, Error::InvalidWeight { value: -2.0, record: None });
    /// assert!(matches!(tally.add(Some(&[0]), Some(1)), Err(Error::WeightedTally { .. })));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`MultiSelectTally::add`], plus [`Error::InvalidWeight`] for a weight that is negative,
    /// NaN or infinite, and [`Error::WeightedTally`] when the tally is unweighted.
    pub fn add_weighted(
        &mut self,
        chosen: Option<&[usize]>,
        group: Option<usize>,
        weight: f64,
    ) -> Result<()> {
        if !self.weighted {
            return Err(Error::WeightedTally { weighted: false });
        }
        let chosen = chosen.map(distinct);
        self.record(
            chosen.as_deref().map(|c| c.iter().copied()),
            group,
            FixedWeight::new(weight)?,
        )
    }

    fn record(
        &mut self,
        chosen: Option<impl Iterator<Item = usize> + Clone>,
        group: Option<usize>,
        weight: FixedWeight,
    ) -> Result<()> {
        let out_of_range = |categories: &Categories, index: usize| Error::CategoryOutOfRange {
            dimension: categories.name().to_string(),
            index,
            len: categories.len(),
        };
        if let Some(bad) = chosen
            .clone()
            .and_then(|mut options| options.find(|&o| o >= self.options.len()))
        {
            return Err(out_of_range(&self.options, bad));
        }
        let Some(g) = group else {
            self.ungrouped.add_fixed(weight);
            return Ok(());
        };
        if g >= self.groups.len() {
            return Err(out_of_range(&self.groups, g));
        }
        let Some(options) = chosen else {
            if let Some(m) = self.missing.get_mut(g) {
                m.add_fixed(weight);
            }
            return Ok(());
        };
        if let Some(base) = self.bases.get_mut(g) {
            base.add_fixed(weight);
        }
        let width = self.groups.len();
        for option in options {
            if let Some(cell) = self.cells.get_mut(option * width + g) {
                cell.add_fixed(weight);
            }
        }
        Ok(())
    }

    /// Adds another tally's counts (exact, whatever the order of merging).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, Error, MultiSelectTally};
    ///
    /// let uses = Categories::new("ai_use", ["content", "images"])?;
    /// let roles = Categories::new("role", ["leader", "ic"])?;
    /// let mut north = MultiSelectTally::new(uses.clone(), roles.clone())?;
    /// let mut south = north.clone();
    /// north.add(Some(&[0]), Some(0))?;
    /// south.add(Some(&[0, 1]), Some(1))?;
    /// north.merge(&south)?;
    /// assert_eq!(north.margin()?.cell(0).count(), 2);
    /// assert_eq!(north.margin()?.base().count(), 2);
    ///
    /// let weighted = MultiSelectTally::new_weighted(uses, roles)?;
    /// assert_eq!(north.merge(&weighted), Err(Error::IncompatibleTallies));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::IncompatibleTallies`] when the options, groups or weighting differ.
    pub fn merge(&mut self, other: &MultiSelectTally) -> Result<()> {
        if self.options != other.options
            || self.groups != other.groups
            || self.weighted != other.weighted
        {
            return Err(Error::IncompatibleTallies);
        }
        let pairs = self.cells.iter_mut().zip(&other.cells);
        let pairs = pairs.chain(self.bases.iter_mut().zip(&other.bases));
        let pairs = pairs.chain(self.missing.iter_mut().zip(&other.missing));
        for (a, b) in pairs.chain([(&mut self.ungrouped, &other.ungrouped)]) {
            *a = a.merged(*b);
        }
        Ok(())
    }

    /// Options by group, for a [`Crosstab`](crate::Crosstab).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, MultiSelectTally, QuestionKind};
    ///
    /// let uses = Categories::new("ai_use", ["content", "images"])?;
    /// let roles = Categories::new("role", ["leader", "ic"])?;
    /// let mut tally = MultiSelectTally::new(uses, roles)?;
    /// tally.add(Some(&[0, 1]), Some(0))?;
    /// tally.add(Some(&[1]), Some(1))?;
    /// tally.add(Some(&[1]), Some(1))?;
    /// let counts = tally.cross()?;
    /// assert_eq!(counts.kind(), QuestionKind::MultiSelect);
    /// assert_eq!(counts.cell(1, 1).count(), 2); // both individual contributors make images
    /// assert_eq!(counts.base(0).count(), 1); // one leader, with two mentions
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::CountTooLarge`] when a weight total saturated.
    pub fn cross(&self) -> Result<CrossCounts> {
        CrossCounts::new(
            self.options.clone(),
            self.groups.clone(),
            QuestionKind::MultiSelect,
            self.weighted,
            self.cells.clone(),
            Some(self.bases.clone()),
            self.missing.clone(),
            self.ungrouped,
        )
    }

    /// Options over all respondents whose group is known, for a [`Breakdown`](crate::Breakdown).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, MultiSelectTally};
    ///
    /// let uses = Categories::new("ai_use", ["content", "images"])?;
    /// let roles = Categories::new("role", ["leader", "ic"])?;
    /// let mut tally = MultiSelectTally::new(uses, roles)?;
    /// tally.add(Some(&[0, 1]), Some(0))?;
    /// tally.add(Some(&[1]), Some(1))?;
    /// tally.add(Some(&[0]), None)?; // group unknown: left out
    /// let margin = tally.margin()?;
    /// assert_eq!(margin.base().count(), 2);
    /// assert_eq!((margin.cell(0).count(), margin.cell(1).count()), (1, 2));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::CountTooLarge`] when a weight total saturated.
    pub fn margin(&self) -> Result<Margin> {
        let width = self.groups.len().max(1);
        let sum = |sums: &[Sums]| sums.iter().fold(Sums::default(), |a, b| a.merged(*b));
        let cells = self.cells.chunks(width).map(sum).collect();
        let (base, missing) = (sum(&self.bases), sum(&self.missing));
        Margin::new(
            self.options.clone(),
            QuestionKind::MultiSelect,
            self.weighted,
            cells,
            Some(base),
            missing,
        )
    }
}

//! Counts read off a tally: one question's margin, or a question by a group.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::survey::categories::Categories;
use crate::survey::net::Net;
use crate::survey::sums::Sums;

/// Largest number of cells a tally may hold (a [`Tally`](crate::Tally)'s cells are the product of
/// its dimensions' categories plus "no answer"; a multi-select tally's, options times groups):
/// 2^24, about 16.8 million, so that a tally's memory stays below a gigabyte whatever the input.
pub(crate) const MAX_CELLS: usize = 1 << 24;

/// Whether a question takes one answer per respondent or any number of them.
///
/// # Examples
///
/// ```
/// use survey_analytics::{Categories, MultiSelectTally, QuestionKind, Tally};
///
/// let options = Categories::new("ai_use", ["content", "images"])?;
/// let roles = Categories::new("role", ["leader", "ic"])?;
/// let single = Tally::new(vec![options.clone()])?.margin(0)?;
/// let multi = MultiSelectTally::new(options, roles)?.margin()?;
/// assert_eq!(single.kind(), QuestionKind::SingleChoice);
/// assert_eq!(multi.kind(), QuestionKind::MultiSelect);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum QuestionKind {
    /// One answer per respondent: shares of the base sum to 1.
    SingleChoice,
    /// A set of options per respondent: each share is of the respondents who answered, and the
    /// shares need not sum to 1.
    MultiSelect,
}

/// The counts of one question: per category, the base (respondents who answered) and the
/// respondents who gave no answer.
///
/// Built by [`Tally::margin`](crate::Tally::margin) or
/// [`MultiSelectTally::margin`](crate::MultiSelectTally::margin); analysed by
/// [`Breakdown`](crate::Breakdown).
///
/// # Examples
///
/// ```
/// use survey_analytics::{Categories, Tally};
///
/// let mut tally = Tally::new(vec![Categories::new("q", ["yes", "no"])?])?;
/// for answer in [Some(0), Some(0), Some(1), None] {
///     tally.add(&[answer])?;
/// }
/// let margin = tally.margin(0)?;
/// assert_eq!(margin.categories().labels(), ["yes", "no"]);
/// let counts: Vec<u64> = margin.cells().iter().map(|s| s.count()).collect();
/// assert_eq!(counts, [2, 1]);
/// assert_eq!((margin.base().count(), margin.missing().count()), (3, 1));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawMargin")]
pub struct Margin {
    categories: Categories,
    kind: QuestionKind,
    weighted: bool,
    cells: Vec<Sums>,
    base: Sums,
    missing: Sums,
}

/// Unvalidated form used to deserialise a [`Margin`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMargin {
    categories: Categories,
    kind: QuestionKind,
    weighted: bool,
    cells: Vec<Sums>,
    base: Sums,
    missing: Sums,
}

impl TryFrom<RawMargin> for Margin {
    type Error = Error;

    fn try_from(raw: RawMargin) -> Result<Self> {
        let margin = Self::new(
            raw.categories,
            raw.kind,
            raw.weighted,
            raw.cells,
            Some(raw.base),
            raw.missing,
        )?;
        let all = margin.cells.iter().chain([&margin.base, &margin.missing]);
        check_weighting("margin", margin.weighted, all)?;
        check_base("margin", margin.kind, &margin.cells, &margin.base)?;
        Ok(margin)
    }
}

/// Unweighted counts have weight sums equal to their counts.
fn check_weighting<'a>(
    what: &'static str,
    weighted: bool,
    mut sums: impl Iterator<Item = &'a Sums>,
) -> Result<()> {
    if weighted {
        return Ok(());
    }
    match sums.find(|s| **s != Sums::unweighted(s.count())) {
        Some(s) => Err(Error::InvalidSerialized {
            what,
            reason: format!(
                "the counts are marked unweighted but {} records carry a weight of {}",
                s.count(),
                s.weight()
            ),
        }),
        None => Ok(()),
    }
}

/// A single-choice base is the sum of its cells; a multi-select cell is part of its base.
fn check_base(what: &'static str, kind: QuestionKind, cells: &[Sums], base: &Sums) -> Result<()> {
    let consistent = match kind {
        QuestionKind::SingleChoice => {
            cells.iter().fold(Sums::default(), |a, b| a.merged(*b)) == *base
        }
        QuestionKind::MultiSelect => cells.iter().all(|c| {
            c.count() <= base.count()
                && c.weight() <= base.weight()
                && c.weight_squared() <= base.weight_squared()
        }),
    };
    if consistent {
        return Ok(());
    }
    Err(Error::InvalidSerialized {
        what,
        reason: match kind {
            QuestionKind::SingleChoice => {
                "a base differs from the sum of its cells (single choice)".to_string()
            }
            QuestionKind::MultiSelect => {
                "an option was chosen by more respondents than answered (multi-select)".to_string()
            }
        },
    })
}

impl Margin {
    /// `base` defaults to the sum of the cells (single choice).
    pub(crate) fn new(
        categories: Categories,
        kind: QuestionKind,
        weighted: bool,
        cells: Vec<Sums>,
        base: Option<Sums>,
        missing: Sums,
    ) -> Result<Self> {
        if cells.len() != categories.len() {
            return Err(Error::LengthMismatch {
                name: "margin cells",
                expected: categories.len(),
                len: cells.len(),
                per: "category",
            });
        }
        let base = base.unwrap_or_else(|| cells.iter().fold(Sums::default(), |a, b| a.merged(*b)));
        for sums in cells.iter().chain([&base, &missing]) {
            sums.checked()?;
        }
        Ok(Self {
            categories,
            kind,
            weighted,
            cells,
            base,
            missing,
        })
    }

    /// Whether the counts carry weights (shares are then weighted and intervals use the Kish
    /// effective base).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, Tally};
    ///
    /// let q = Categories::new("q", ["yes", "no"])?;
    /// let mut weighted = Tally::new_weighted(vec![q.clone()])?;
    /// weighted.add_weighted(&[Some(0)], 2.0)?;
    /// assert!(weighted.margin(0)?.is_weighted());
    /// assert!(!Tally::new(vec![q])?.margin(0)?.is_weighted());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn is_weighted(&self) -> bool {
        self.weighted
    }

    /// The question's categories.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, Tally};
    ///
    /// let q = Categories::new("q", ["yes", "no"])?;
    /// let margin = Tally::new(vec![q.clone()])?.margin(0)?;
    /// assert_eq!(margin.categories(), &q);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn categories(&self) -> &Categories {
        &self.categories
    }

    /// Single choice or multi-select.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, MultiSelectTally, QuestionKind, Tally};
    ///
    /// let q = Categories::new("q", ["a", "b"])?;
    /// assert_eq!(Tally::new(vec![q.clone()])?.margin(0)?.kind(), QuestionKind::SingleChoice);
    /// let multi = MultiSelectTally::new(q, Categories::new("role", ["leader"])?)?;
    /// assert_eq!(multi.margin()?.kind(), QuestionKind::MultiSelect);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn kind(&self) -> QuestionKind {
        self.kind
    }

    /// Totals for category `index` (empty totals past the end).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, Sums, Tally};
    ///
    /// let mut tally = Tally::new(vec![Categories::new("q", ["yes", "no"])?])?;
    /// tally.add(&[Some(1)])?;
    /// let margin = tally.margin(0)?;
    /// assert_eq!((margin.cell(0).count(), margin.cell(1).count()), (0, 1));
    /// assert_eq!(margin.cell(2), Sums::default()); // past the end
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn cell(&self, index: usize) -> Sums {
        self.cells.get(index).copied().unwrap_or_default()
    }

    /// Totals per category, in order.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, Tally};
    ///
    /// let mut tally = Tally::new(vec![Categories::new("q", ["yes", "no", "unsure"])?])?;
    /// for answer in [0, 2, 2] {
    ///     tally.add(&[Some(answer)])?;
    /// }
    /// let margin = tally.margin(0)?;
    /// let counts: Vec<u64> = margin.cells().iter().map(|s| s.count()).collect();
    /// assert_eq!(counts, [1, 0, 2]);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn cells(&self) -> &[Sums] {
        &self.cells
    }

    /// Respondents who answered.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, MultiSelectTally};
    ///
    /// let uses = Categories::new("ai_use", ["content", "images"])?;
    /// let mut tally = MultiSelectTally::new(uses, Categories::new("role", ["leader"])?)?;
    /// tally.add(Some(&[0, 1]), Some(0))?;
    /// tally.add(Some(&[1]), Some(0))?;
    /// tally.add(None, Some(0))?; // skipped the question: not in the base
    /// let margin = tally.margin()?;
    /// assert_eq!(margin.base().count(), 2); // respondents, not mentions
    /// assert_eq!(margin.cells().iter().map(|s| s.count()).sum::<u64>(), 3);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn base(&self) -> Sums {
        self.base
    }

    /// Respondents who gave no answer.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, Tally};
    ///
    /// let mut tally = Tally::new(vec![Categories::new("q", ["yes", "no"])?])?;
    /// tally.add(&[Some(0)])?;
    /// tally.add(&[None])?;
    /// tally.add(&[None])?;
    /// assert_eq!(tally.margin(0)?.missing().count(), 2);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn missing(&self) -> Sums {
        self.missing
    }
}

/// The counts of a question (rows) by a group (columns): per cell, per column base, per column
/// "no answer", and the records whose group is unknown.
///
/// Built by [`Tally::cross`](crate::Tally::cross) or
/// [`MultiSelectTally::cross`](crate::MultiSelectTally::cross); analysed by
/// [`Crosstab`](crate::Crosstab) and [`Comparison`](crate::Comparison).
///
/// # Examples
///
/// ```
/// use survey_analytics::{Categories, Tally};
///
/// let q = Categories::new("q", ["yes", "no"])?;
/// let mut tally = Tally::new(vec![q, Categories::new("role", ["leader", "ic"])?])?;
/// tally.add(&[Some(0), Some(0)])?; // a leader who said yes
/// tally.add(&[Some(1), Some(1)])?; // an individual contributor who said no
/// tally.add(&[None, Some(1)])?; // an individual contributor who did not answer
/// tally.add(&[Some(0), None])?; // a yes from someone whose role is unknown
/// let counts = tally.cross(0, 1)?;
/// assert_eq!((counts.rows().name(), counts.columns().name()), ("q", "role"));
/// assert_eq!((counts.cell(0, 0).count(), counts.cell(1, 1).count()), (1, 1));
/// assert_eq!((counts.base(1).count(), counts.missing(1).count()), (1, 1));
/// assert_eq!(counts.ungrouped().count(), 1);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawCrossCounts")]
pub struct CrossCounts {
    rows: Categories,
    columns: Categories,
    kind: QuestionKind,
    weighted: bool,
    /// Row-major: `cells[row * columns + column]`.
    cells: Vec<Sums>,
    bases: Vec<Sums>,
    missing: Vec<Sums>,
    ungrouped: Sums,
}

/// Unvalidated form used to deserialise a [`CrossCounts`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCrossCounts {
    rows: Categories,
    columns: Categories,
    kind: QuestionKind,
    weighted: bool,
    cells: Vec<Sums>,
    bases: Vec<Sums>,
    missing: Vec<Sums>,
    ungrouped: Sums,
}

impl TryFrom<RawCrossCounts> for CrossCounts {
    type Error = Error;

    fn try_from(raw: RawCrossCounts) -> Result<Self> {
        let width = raw.columns.len();
        for (name, len) in [("bases", raw.bases.len()), ("missing", raw.missing.len())] {
            if len != width {
                return Err(Error::LengthMismatch {
                    name,
                    expected: width,
                    len,
                    per: "column",
                });
            }
        }
        let counts = Self::new(
            raw.rows,
            raw.columns,
            raw.kind,
            raw.weighted,
            raw.cells,
            Some(raw.bases),
            raw.missing,
            raw.ungrouped,
        )?;
        counts.check_consistency("crosstab counts")?;
        Ok(counts)
    }
}

impl CrossCounts {
    /// Counts already aggregated elsewhere: `table[r][c]` respondents gave answer `r` (a category
    /// of `rows`) in group `c` (a category of `columns`). Unweighted, single choice, with nobody
    /// missing; a column's base is the sum of its cells.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, CrossCounts, Error};
    ///
    /// let knows = Categories::new("knows_impact", ["yes", "no"])?;
    /// let roles = Categories::new("role", ["leader", "manager", "ic"])?;
    /// let counts = CrossCounts::from_table(knows.clone(), roles.clone(), &[[53, 126, 72], [77, 174, 328]])?;
    /// assert_eq!((counts.cell(0, 2).count(), counts.base(2).count()), (72, 400));
    ///
    /// let short = CrossCounts::from_table(knows, roles, &[[53, 126], [77, 174]]).unwrap_err();
    /// assert!(matches!(short, Error::LengthMismatch { name: "table row", expected: 3, len: 2, .. }));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::LengthMismatch`] unless the table has one row per category of `rows` and one cell
    /// per category of `columns` in every row; [`Error::CountTooLarge`] when a column's total
    /// overflows.
    pub fn from_table<R: AsRef<[u64]>>(
        rows: Categories,
        columns: Categories,
        table: &[R],
    ) -> Result<Self> {
        if table.len() != rows.len() {
            return Err(Error::LengthMismatch {
                name: "table",
                expected: rows.len(),
                len: table.len(),
                per: "answer (category of the rows)",
            });
        }
        let mut cells = Vec::with_capacity(rows.len() * columns.len());
        for row in table {
            let row = row.as_ref();
            if row.len() != columns.len() {
                return Err(Error::LengthMismatch {
                    name: "table row",
                    expected: columns.len(),
                    len: row.len(),
                    per: "group (category of the columns)",
                });
            }
            cells.extend(row.iter().map(|&count| Sums::unweighted(count)));
        }
        let missing = vec![Sums::default(); columns.len()];
        Self::new(
            rows,
            columns,
            QuestionKind::SingleChoice,
            false,
            cells,
            None,
            missing,
            Sums::default(),
        )
    }

    /// Checks what serialised counts must satisfy: unweighted counts without weights, single-choice
    /// bases that are the sums of their cells, multi-select cells within their bases.
    pub(crate) fn check_consistency(&self, what: &'static str) -> Result<()> {
        let all = self
            .cells
            .iter()
            .chain(&self.bases)
            .chain(&self.missing)
            .chain([&self.ungrouped]);
        check_weighting(what, self.weighted, all)?;
        for (c, base) in self.bases.iter().enumerate() {
            let column: Vec<Sums> = (0..self.rows.len()).map(|r| self.cell(r, c)).collect();
            check_base(what, self.kind, &column, base)?;
        }
        Ok(())
    }

    /// From a `(rows + 1) x (columns + 1)` grid whose slot 0 on each axis holds "no answer" /
    /// "no group" (single-choice layout: the base of a column is the sum of its answered rows).
    pub(crate) fn from_slot_grid(
        rows: Categories,
        columns: Categories,
        kind: QuestionKind,
        weighted: bool,
        grid: &[Sums],
    ) -> Result<Self> {
        let width = columns.len() + 1;
        let at = |r: usize, c: usize| grid.get(r * width + c).copied().unwrap_or_default();
        let cells: Vec<Sums> = (1..=rows.len())
            .flat_map(|r| (1..=columns.len()).map(move |c| (r, c)))
            .map(|(r, c)| at(r, c))
            .collect();
        let missing: Vec<Sums> = (1..=columns.len()).map(|c| at(0, c)).collect();
        let ungrouped = (0..=rows.len()).fold(Sums::default(), |sum, r| sum.merged(at(r, 0)));
        Self::new(
            rows, columns, kind, weighted, cells, None, missing, ungrouped,
        )
    }

    /// `bases` defaults to the column sums of `cells` (single choice).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        rows: Categories,
        columns: Categories,
        kind: QuestionKind,
        weighted: bool,
        cells: Vec<Sums>,
        bases: Option<Vec<Sums>>,
        missing: Vec<Sums>,
        ungrouped: Sums,
    ) -> Result<Self> {
        let width = columns.len();
        if cells.len() != rows.len() * width {
            return Err(Error::LengthMismatch {
                name: "crosstab cells",
                expected: rows.len() * width,
                len: cells.len(),
                per: "row and column",
            });
        }
        let bases = bases.unwrap_or_else(|| {
            (0..width)
                .map(|c| {
                    cells
                        .iter()
                        .skip(c)
                        .step_by(width)
                        .fold(Sums::default(), |a, b| a.merged(*b))
                })
                .collect()
        });
        for sums in cells
            .iter()
            .chain(&bases)
            .chain(&missing)
            .chain([&ungrouped])
        {
            sums.checked()?;
        }
        Ok(Self {
            rows,
            columns,
            kind,
            weighted,
            cells,
            bases,
            missing,
            ungrouped,
        })
    }

    /// Whether the counts carry weights.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, Tally};
    ///
    /// let (q, role) = (Categories::new("q", ["yes", "no"])?, Categories::new("role", ["ic"])?);
    /// let mut tally = Tally::new_weighted(vec![q, role])?;
    /// tally.add_weighted(&[Some(0), Some(0)], 1.5)?;
    /// let counts = tally.cross(0, 1)?;
    /// assert!(counts.is_weighted());
    /// assert_eq!(counts.cell(0, 0).weight(), 1.5);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn is_weighted(&self) -> bool {
        self.weighted
    }

    /// The question's categories (rows).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, Tally};
    ///
    /// let (q, role) = (Categories::new("q", ["yes", "no"])?, Categories::new("role", ["ic"])?);
    /// let counts = Tally::new(vec![q.clone(), role])?.cross(0, 1)?;
    /// assert_eq!(counts.rows(), &q);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn rows(&self) -> &Categories {
        &self.rows
    }

    /// The groups (columns).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, Tally};
    ///
    /// let (q, role) = (Categories::new("q", ["yes", "no"])?, Categories::new("role", ["ic"])?);
    /// let counts = Tally::new(vec![q.clone(), role.clone()])?.cross(0, 1)?;
    /// assert_eq!(counts.columns(), &role);
    /// // Crossing the other way round swaps rows and columns.
    /// let swapped = Tally::new(vec![q.clone(), role.clone()])?.cross(1, 0)?;
    /// assert_eq!((swapped.rows(), swapped.columns()), (&role, &q));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn columns(&self) -> &Categories {
        &self.columns
    }

    /// Single choice or multi-select.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, MultiSelectTally, QuestionKind, Tally};
    ///
    /// let (q, role) = (Categories::new("q", ["a", "b"])?, Categories::new("role", ["ic"])?);
    /// let single = Tally::new(vec![q.clone(), role.clone()])?.cross(0, 1)?;
    /// assert_eq!(single.kind(), QuestionKind::SingleChoice);
    /// assert_eq!(MultiSelectTally::new(q, role)?.cross()?.kind(), QuestionKind::MultiSelect);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn kind(&self) -> QuestionKind {
        self.kind
    }

    /// Totals of answer `row` in group `column` (empty totals outside the table).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, Sums, Tally};
    ///
    /// let q = Categories::new("q", ["yes", "no"])?;
    /// let mut tally = Tally::new(vec![q, Categories::new("role", ["leader", "ic"])?])?;
    /// tally.add(&[Some(1), Some(0)])?;
    /// let counts = tally.cross(0, 1)?;
    /// assert_eq!(counts.cell(1, 0).count(), 1); // a leader who said no
    /// assert_eq!(counts.cell(0, 0).count(), 0);
    /// assert_eq!(counts.cell(2, 0), Sums::default()); // outside the table
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn cell(&self, row: usize, column: usize) -> Sums {
        if row >= self.rows.len() || column >= self.columns.len() {
            return Sums::default();
        }
        self.cells
            .get(row * self.columns.len() + column)
            .copied()
            .unwrap_or_default()
    }

    /// A net's sums in each group, once it is checked to apply to this question.
    pub(crate) fn net_cells(&self, net: &Net) -> Result<Vec<Sums>> {
        net.check(self.kind, &self.rows)?;
        (0..self.columns.len())
            .map(|c| net.merge(|m| self.cell(m, c)))
            .collect()
    }

    /// Respondents in group `column` who answered.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, Tally};
    ///
    /// let q = Categories::new("q", ["yes", "no"])?;
    /// let mut tally = Tally::new(vec![q, Categories::new("role", ["leader", "ic"])?])?;
    /// tally.add(&[Some(0), Some(1)])?;
    /// tally.add(&[Some(1), Some(1)])?;
    /// tally.add(&[None, Some(1)])?; // no answer: not in the base
    /// let counts = tally.cross(0, 1)?;
    /// assert_eq!((counts.base(0).count(), counts.base(1).count()), (0, 2));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn base(&self, column: usize) -> Sums {
        self.bases.get(column).copied().unwrap_or_default()
    }

    /// Respondents in group `column` who gave no answer.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, Tally};
    ///
    /// let q = Categories::new("q", ["yes", "no"])?;
    /// let mut tally = Tally::new(vec![q, Categories::new("role", ["leader", "ic"])?])?;
    /// tally.add(&[None, Some(0)])?;
    /// tally.add(&[Some(0), Some(0)])?;
    /// let counts = tally.cross(0, 1)?;
    /// assert_eq!((counts.missing(0).count(), counts.missing(1).count()), (1, 0));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn missing(&self, column: usize) -> Sums {
        self.missing.get(column).copied().unwrap_or_default()
    }

    /// Records whose group is unknown (with or without an answer): left out of every column.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, Tally};
    ///
    /// let q = Categories::new("q", ["yes", "no"])?;
    /// let mut tally = Tally::new(vec![q, Categories::new("role", ["leader", "ic"])?])?;
    /// tally.add(&[Some(0), None])?; // answered, role unknown
    /// tally.add(&[None, None])?; // neither
    /// tally.add(&[Some(0), Some(0)])?;
    /// let counts = tally.cross(0, 1)?;
    /// assert_eq!(counts.ungrouped().count(), 2);
    /// assert_eq!(counts.base(0).count() + counts.base(1).count(), 1);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn ungrouped(&self) -> Sums {
        self.ungrouped
    }
}

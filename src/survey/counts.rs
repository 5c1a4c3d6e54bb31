//! Counts read off a tally: one question's margin, or a question by a group.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::survey::categories::Categories;
use crate::survey::sums::Sums;

/// Whether a question takes one answer per respondent or any number of them.
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Margin {
    categories: Categories,
    kind: QuestionKind,
    weighted: bool,
    cells: Vec<Sums>,
    base: Sums,
    missing: Sums,
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
    pub fn is_weighted(&self) -> bool {
        self.weighted
    }

    /// The question's categories.
    pub fn categories(&self) -> &Categories {
        &self.categories
    }

    /// Single choice or multi-select.
    pub fn kind(&self) -> QuestionKind {
        self.kind
    }

    /// Totals for category `index` (empty totals past the end).
    pub fn cell(&self, index: usize) -> Sums {
        self.cells.get(index).copied().unwrap_or_default()
    }

    /// Totals per category, in order.
    pub fn cells(&self) -> &[Sums] {
        &self.cells
    }

    /// Respondents who answered.
    pub fn base(&self) -> Sums {
        self.base
    }

    /// Respondents who gave no answer.
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

impl CrossCounts {
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
    pub fn is_weighted(&self) -> bool {
        self.weighted
    }

    /// The question's categories (rows).
    pub fn rows(&self) -> &Categories {
        &self.rows
    }

    /// The groups (columns).
    pub fn columns(&self) -> &Categories {
        &self.columns
    }

    /// Single choice or multi-select.
    pub fn kind(&self) -> QuestionKind {
        self.kind
    }

    /// Totals of answer `row` in group `column` (empty totals outside the table).
    pub fn cell(&self, row: usize, column: usize) -> Sums {
        if row >= self.rows.len() || column >= self.columns.len() {
            return Sums::default();
        }
        self.cells
            .get(row * self.columns.len() + column)
            .copied()
            .unwrap_or_default()
    }

    /// Respondents in group `column` who answered.
    pub fn base(&self, column: usize) -> Sums {
        self.bases.get(column).copied().unwrap_or_default()
    }

    /// Respondents in group `column` who gave no answer.
    pub fn missing(&self, column: usize) -> Sums {
        self.missing.get(column).copied().unwrap_or_default()
    }

    /// Records whose group is unknown (with or without an answer): left out of every column.
    pub fn ungrouped(&self) -> Sums {
        self.ungrouped
    }
}

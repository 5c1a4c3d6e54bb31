//! Crosstabs: a question by a group, with bases, shares, intervals and significance letters.

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::stats::adjust::PValueAdjustment;
use crate::stats::chi_square::{
    ChiSquareTest, ContinuityCorrection, chi_square_independence, pearson_statistic,
};
use crate::stats::level::{ConfidenceLevel, check_alpha};
use crate::stats::numerics::chi_square_sf;
use crate::stats::proportion::ProportionMethod;
use crate::survey::breakdown::check_net;
use crate::survey::counts::{CrossCounts, QuestionKind};
use crate::survey::estimate::{Base, Estimate, estimate, share_of};
use crate::survey::letters::{PairTest, column_letter, significance};
use crate::survey::net::Net;
use crate::survey::sums::Sums;

/// Settings of a [`Crosstab`]. Defaults: 95% Wilson intervals, Holm adjustment at alpha 0.05,
/// minimum base 30, no nets.
///
/// ```
/// use survey_analytics::{CrosstabOptions, PValueAdjustment};
/// let options = CrosstabOptions::default().adjustment(PValueAdjustment::BenjaminiHochberg).min_base(50);
/// assert_eq!(options.get_min_base(), 50);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CrosstabOptions {
    level: ConfidenceLevel,
    method: ProportionMethod,
    adjustment: PValueAdjustment,
    alpha: f64,
    min_base: u64,
    nets: Vec<Net>,
}

impl Default for CrosstabOptions {
    fn default() -> Self {
        Self {
            level: ConfidenceLevel::NINETY_FIVE,
            method: ProportionMethod::Wilson,
            adjustment: PValueAdjustment::Holm,
            alpha: 0.05,
            min_base: 30,
            nets: Vec::new(),
        }
    }
}

impl CrosstabOptions {
    /// Sets the confidence level of the intervals.
    pub fn level(mut self, level: ConfidenceLevel) -> Self {
        self.level = level;
        self
    }

    /// Sets the interval method.
    pub fn method(mut self, method: ProportionMethod) -> Self {
        self.method = method;
        self
    }

    /// Sets the p-value adjustment applied within each row.
    pub fn adjustment(mut self, adjustment: PValueAdjustment) -> Self {
        self.adjustment = adjustment;
        self
    }

    /// Sets the significance level of the letters (checked by [`Crosstab::new`]).
    pub fn alpha(mut self, alpha: f64) -> Self {
        self.alpha = alpha;
        self
    }

    /// Sets the minimum unweighted base below which a column is shown but not tested.
    pub fn min_base(mut self, min_base: u64) -> Self {
        self.min_base = min_base;
        self
    }

    /// Adds a net row (single-choice questions).
    pub fn net(mut self, net: Net) -> Self {
        self.nets.push(net);
        self
    }

    /// The minimum base.
    pub fn get_min_base(&self) -> u64 {
        self.min_base
    }
}

/// A column (group) of a [`Crosstab`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrosstabColumn {
    /// The group label.
    pub label: String,
    /// Its significance letter: A, B, C, ...
    pub letter: String,
    /// Respondents in the group who answered.
    pub base: Base,
    /// Respondents in the group who did not answer.
    pub missing: Base,
    /// Whether the base reaches the minimum, so the column takes part in the tests.
    pub tested: bool,
}

/// A cell of a [`Crosstab`]: the estimate and the letters of the columns it significantly exceeds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrosstabCell {
    /// Count, share and interval.
    pub estimate: Estimate,
    /// Letters of the columns this cell's share is significantly higher than, e.g. `"AC"`.
    pub letters: String,
}

/// A row (answer or net) of a [`Crosstab`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrosstabRow {
    /// The answer (or net) label.
    pub label: String,
    /// Whether the row is a net.
    pub is_net: bool,
    /// One cell per column.
    pub cells: Vec<CrosstabCell>,
    /// Every pairwise test of the row's tested columns, with raw and adjusted p-values.
    pub tests: Vec<PairTest>,
}

/// A question (rows) by a group (columns), the way a market-research table shows it: per column the
/// base, weighted base and Kish effective base; per cell the count, share, interval and significance
/// letters; an omnibus test of independence; and flags for bases too small to test.
///
/// # The significance-letter convention
///
/// Columns are lettered A, B, C, ... in column order. Within each row, every pair of *tested*
/// columns (unweighted base at least the minimum, 30 by default) is compared with a two-proportion
/// z-test (pooled, no continuity correction, two-sided); the p-values of that row are adjusted
/// together with the chosen adjustment (Holm by default) and compared with alpha (0.05 by default).
/// A cell carries the letter of each column whose share it exceeds with adjusted p < alpha. Columns
/// below the minimum base are shown, with their shares and intervals, but carry and receive no
/// letters. With weights, shares are weighted and the test uses the Kish effective bases in place
/// of the counts: the pooled share is `(p1 n1 + p2 n2) / (n1 + n2)` with `n` the effective bases.
///
/// # The omnibus test
///
/// For a single-choice question, Pearson's chi-square test of independence on the answer rows (nets
/// excluded, all-zero rows dropped) by the tested columns. With weights it is computed on the
/// weighted shares scaled to each column's effective base, a first-order correction for the
/// weighting; a design-based (Rao-Scott) test needs the sample design. Multi-select questions have
/// no omnibus test (their rows overlap).
///
/// ```
/// use survey_analytics::{Categories, Crosstab, CrosstabOptions, Tally};
///
/// let knows = Categories::new("knows_impact", ["yes", "no"])?;
/// let roles = Categories::new("role", ["leader", "manager", "ic"])?;
/// let mut tally = Tally::new(vec![knows, roles])?;
/// for (answer, role, n) in [(0, 0, 53), (1, 0, 77), (0, 1, 126), (1, 1, 174), (0, 2, 72), (1, 2, 328)] {
///     for _ in 0..n {
///         tally.add(&[Some(answer), Some(role)])?;
///     }
/// }
/// let table = Crosstab::new(&tally.cross(0, 1)?, &CrosstabOptions::default())?;
/// let yes = &table.rows()[0];
/// assert_eq!(yes.cells[0].letters, "C"); // leaders (41%) beat individual contributors (18%)
/// assert_eq!(yes.cells[1].letters, "C"); // so do managers (42%)
/// assert_eq!(yes.cells[2].letters, "");
/// assert!(table.omnibus().unwrap().p_value < 1e-9);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Crosstab {
    question: String,
    group_by: String,
    kind: QuestionKind,
    weighted: bool,
    level: ConfidenceLevel,
    method: ProportionMethod,
    adjustment: PValueAdjustment,
    alpha: f64,
    min_base: u64,
    columns: Vec<CrosstabColumn>,
    rows: Vec<CrosstabRow>,
    omnibus: Option<ChiSquareTest>,
    ungrouped: Base,
}

impl Crosstab {
    /// Computes the crosstab of `counts`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidAlpha`](crate::Error::InvalidAlpha) unless `0 < alpha < 1`; net errors as
    /// for [`Breakdown::new`](crate::Breakdown::new).
    pub fn new(counts: &CrossCounts, options: &CrosstabOptions) -> Result<Self> {
        let alpha = check_alpha(options.alpha)?;
        let (rows, groups) = (counts.rows(), counts.columns());
        let weighted = counts.is_weighted();
        let columns: Vec<CrosstabColumn> = (0..groups.len())
            .map(|c| {
                let base = counts.base(c);
                CrosstabColumn {
                    label: groups.label(c).unwrap_or_default().to_string(),
                    letter: column_letter(c),
                    base: Base::from(base),
                    missing: Base::from(counts.missing(c)),
                    tested: base.count() >= options.min_base.max(1),
                }
            })
            .collect();
        let mut row_sums: Vec<(String, bool, Vec<Sums>)> = (0..rows.len())
            .map(|r| {
                let label = rows.label(r).unwrap_or_default().to_string();
                (
                    label,
                    false,
                    (0..groups.len()).map(|c| counts.cell(r, c)).collect(),
                )
            })
            .collect();
        for net in &options.nets {
            check_net(net, counts.kind(), rows)?;
            let cells = (0..groups.len())
                .map(|c| {
                    net.members()
                        .iter()
                        .fold(Sums::default(), |s, &m| s.merged(counts.cell(m, c)))
                        .checked()
                })
                .collect::<Result<Vec<Sums>>>()?;
            row_sums.push((net.label().to_string(), true, cells));
        }
        let mut table_rows = Vec::with_capacity(row_sums.len());
        for (label, is_net, cells) in &row_sums {
            let proportions: Vec<_> = cells
                .iter()
                .zip(&columns)
                .enumerate()
                .map(|(c, (&cell, column))| {
                    if column.tested {
                        share_of(cell, counts.base(c), weighted)
                    } else {
                        None
                    }
                })
                .collect();
            let (tests, beats) = significance(&proportions, options.adjustment, alpha)?;
            let cells = cells
                .iter()
                .zip(beats)
                .enumerate()
                .map(|(c, (&cell, beaten))| CrosstabCell {
                    estimate: estimate(
                        cell,
                        counts.base(c),
                        weighted,
                        options.method,
                        options.level,
                    ),
                    letters: beaten.into_iter().map(column_letter).collect(),
                })
                .collect();
            table_rows.push(CrosstabRow {
                label: label.clone(),
                is_net: *is_net,
                cells,
                tests,
            });
        }
        // An undefined test (for example a row whose weights are all zero) is simply absent.
        let omnibus = match counts.kind() {
            QuestionKind::SingleChoice => omnibus(counts, &columns).ok().flatten(),
            QuestionKind::MultiSelect => None,
        };
        Ok(Self {
            question: rows.name().to_string(),
            group_by: groups.name().to_string(),
            kind: counts.kind(),
            weighted,
            level: options.level,
            method: options.method,
            adjustment: options.adjustment,
            alpha,
            min_base: options.min_base,
            columns,
            rows: table_rows,
            omnibus,
            ungrouped: Base::from(counts.ungrouped()),
        })
    }

    /// The question (rows) name.
    pub fn question(&self) -> &str {
        &self.question
    }

    /// The grouping (columns) name.
    pub fn group_by(&self) -> &str {
        &self.group_by
    }

    /// Single choice or multi-select.
    pub fn kind(&self) -> QuestionKind {
        self.kind
    }

    /// Whether shares are weighted.
    pub fn is_weighted(&self) -> bool {
        self.weighted
    }

    /// The confidence level of the intervals.
    pub fn level(&self) -> ConfidenceLevel {
        self.level
    }

    /// The interval method.
    pub fn method(&self) -> ProportionMethod {
        self.method
    }

    /// The p-value adjustment within rows.
    pub fn adjustment(&self) -> PValueAdjustment {
        self.adjustment
    }

    /// The significance level of the letters.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// The minimum base for testing a column.
    pub fn min_base(&self) -> u64 {
        self.min_base
    }

    /// The columns, in order.
    pub fn columns(&self) -> &[CrosstabColumn] {
        &self.columns
    }

    /// The rows: answers in order, then nets.
    pub fn rows(&self) -> &[CrosstabRow] {
        &self.rows
    }

    /// The omnibus chi-square test, when there is one (single choice, at least two tested columns
    /// and two non-empty answers).
    pub fn omnibus(&self) -> Option<&ChiSquareTest> {
        self.omnibus.as_ref()
    }

    /// Records whose group is unknown, left out of every column.
    pub fn ungrouped(&self) -> Base {
        self.ungrouped
    }
}

/// Pearson's test on the answer rows by the tested columns (see [`Crosstab`]).
fn omnibus(counts: &CrossCounts, columns: &[CrosstabColumn]) -> Result<Option<ChiSquareTest>> {
    let tested: Vec<usize> = columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.tested)
        .map(|(i, _)| i)
        .collect();
    let answer_rows =
        (0..counts.rows().len()).filter(|&r| tested.iter().any(|&c| counts.cell(r, c).count() > 0));
    let answer_rows: Vec<usize> = answer_rows.collect();
    if tested.len() < 2 || answer_rows.len() < 2 {
        return Ok(None);
    }
    if !counts.is_weighted() {
        let table: Vec<Vec<u64>> = answer_rows
            .iter()
            .map(|&r| tested.iter().map(|&c| counts.cell(r, c).count()).collect())
            .collect();
        return chi_square_independence(&table, ContinuityCorrection::None).map(Some);
    }
    // Weighted: shares scaled to each column's effective base.
    let mut cells = Vec::with_capacity(answer_rows.len() * tested.len());
    for &r in &answer_rows {
        for &c in &tested {
            let base = counts.base(c);
            let share = if base.weight() > 0.0 {
                counts.cell(r, c).weight() / base.weight()
            } else {
                0.0
            };
            cells.push(share * base.effective_base());
        }
    }
    let statistic = pearson_statistic(
        &cells,
        answer_rows.len(),
        tested.len(),
        ContinuityCorrection::None,
    )?;
    let df = ((answer_rows.len() - 1) * (tested.len() - 1)) as u64;
    Ok(Some(ChiSquareTest {
        statistic,
        df,
        p_value: chi_square_sf(statistic, df as f64),
    }))
}

//! The crosstab of counts: shares and intervals per cell, pooled z-tests for the letters, and
//! Pearson's chi-square as the omnibus test.

use crate::error::Result;
use crate::stats::chi_square::{
    ChiSquareTest, ContinuityCorrection, chi_square_independence, pearson_statistic,
};
use crate::stats::numerics::chi_square_sf;
use crate::survey::budget;
use crate::survey::counts::{CrossCounts, QuestionKind};
use crate::survey::crosstab::letters::{column_letter, significance};
use crate::survey::crosstab::options::CrosstabOptions;
use crate::survey::crosstab::{Crosstab, CrosstabCell, CrosstabColumn, CrosstabRow};
use crate::survey::estimate::{Base, estimate, share_of};
use crate::survey::sums::Sums;

impl Crosstab {
    /// Computes the crosstab of `counts` (see [`Crosstab`] for the conventions).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, Crosstab, CrosstabOptions, Error, MultiSelectTally, Net};
    ///
    /// let uses = Categories::new("ai_use", ["content", "images"])?;
    /// let mut tally = MultiSelectTally::new(uses, Categories::new("role", ["leader", "ic"])?)?;
    /// tally.add(Some(&[0, 1]), Some(0))?;
    /// tally.add(Some(&[1]), Some(1))?;
    /// let counts = tally.cross()?;
    /// let table = Crosstab::new(&counts, &CrosstabOptions::default())?;
    /// assert_eq!(table.rows()[1].cells[1].estimate.share, Some(1.0));
    ///
    /// // Options of a multi-select question overlap, so a net must be tallied as its own option.
    /// let net = CrosstabOptions::default().net(Net::new("Any", [0, 1])?);
    /// assert!(matches!(Crosstab::new(&counts, &net), Err(Error::InvalidNet { .. })));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// Net errors as for [`Breakdown::new`](crate::Breakdown::new); [`Error::CountTooLarge`]
    /// when a net's weights sum past the fixed-point range; [`Error::TooLarge`] when the table
    /// would take more than about a second: more than 2^24 units of work, counting an interval as
    /// 1 (256 for the exact methods) and a pairwise test as 4 (about 16 million cells with Wilson
    /// intervals, or 65,000 with Clopper-Pearson).
    ///
    /// [`Error::CountTooLarge`]: crate::Error::CountTooLarge
    /// [`Error::TooLarge`]: crate::Error::TooLarge
    pub fn new(counts: &CrossCounts, options: &CrosstabOptions) -> Result<Self> {
        let settings = options.settings;
        let (rows, groups) = (counts.rows(), counts.columns());
        let weighted = counts.is_weighted();
        let table_rows_count = rows.len().saturating_add(options.nets.len());
        let cells =
            u64::try_from(table_rows_count.saturating_mul(groups.len())).unwrap_or(u64::MAX);
        let work = cells
            .saturating_mul(budget::interval_cost(settings.intervals.method))
            .saturating_add(
                u64::try_from(table_rows_count)
                    .unwrap_or(u64::MAX)
                    .saturating_mul(budget::pairs(groups.len()))
                    .saturating_mul(budget::PAIR_TEST),
            );
        budget::check(
            "a crosstab's work (cells x interval cost + pairwise tests x 4)",
            work,
            "split the table, merge categories, or use a closed-form interval method",
        )?;
        let columns: Vec<CrosstabColumn> = (0..groups.len())
            .map(|c| {
                let base = counts.base(c);
                CrosstabColumn {
                    label: groups.label(c).unwrap_or_default().to_string(),
                    letter: column_letter(c),
                    base: Base::from(base),
                    missing: Base::from(counts.missing(c)),
                    tested: base.count() >= settings.min_base.max(1),
                }
            })
            .collect();
        let mut row_sums: Vec<(String, bool, Vec<Sums>)> = (0..rows.len())
            .map(|r| {
                let label = rows.label(r).unwrap_or_default().to_string();
                let cells = (0..groups.len()).map(|c| counts.cell(r, c)).collect();
                (label, false, cells)
            })
            .collect();
        for net in &options.nets {
            let cells = counts.net_cells(net)?;
            row_sums.push((net.label().to_string(), true, cells));
        }
        let intervals = settings.intervals;
        let mut table_rows = Vec::with_capacity(row_sums.len());
        for (label, is_net, cells) in row_sums {
            let proportions: Vec<_> = cells
                .iter()
                .zip(&columns)
                .enumerate()
                .map(|(c, (&cell, column))| {
                    column
                        .tested
                        .then(|| share_of(cell, counts.base(c), weighted))
                        .flatten()
                })
                .collect();
            let (tests, beats) = significance(&proportions, settings.tests)?;
            let cells = cells
                .iter()
                .zip(beats)
                .enumerate()
                .map(|(c, (&cell, beaten))| CrosstabCell {
                    estimate: estimate(cell, counts.base(c), weighted, intervals),
                    letters: beaten.into_iter().map(column_letter).collect(),
                    std_error: None,
                    deff: None,
                })
                .collect();
            table_rows.push(CrosstabRow {
                label,
                is_net,
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
            settings,
            columns,
            rows: table_rows,
            omnibus,
            ungrouped: Base::from(counts.ungrouped()),
            design: None,
            means: Vec::new(),
            nps: Vec::new(),
            paired: Vec::new(),
            covariances: Vec::new(),
        })
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
    let answer_rows: Vec<usize> = (0..counts.rows().len())
        .filter(|&r| tested.iter().any(|&c| counts.cell(r, c).count() > 0))
        .collect();
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

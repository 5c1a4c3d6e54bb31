//! Crosstabs: a question by a group, with bases, shares, intervals and significance letters.

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::stats::adjust::PValueAdjustment;
use crate::stats::chi_square::{
    ChiSquareTest, ContinuityCorrection, chi_square_independence, pearson_statistic,
};
use crate::stats::level::{Alpha, ConfidenceLevel};
use crate::stats::numerics::chi_square_sf;
use crate::stats::proportion::ProportionMethod;
use crate::survey::breakdown::check_net;
use crate::survey::counts::{CrossCounts, QuestionKind};
use crate::survey::design::interval::DesignInterval;
use crate::survey::design::rao_scott::RaoScottTest;
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
    ///
    /// ```
    /// use survey_analytics::{Categories, ConfidenceLevel, Crosstab, CrosstabOptions, Tally};
    /// # let knows = Categories::new("knows_impact", ["yes", "no"])?;
    /// # let roles = Categories::new("role", ["leader", "manager", "ic"])?;
    /// # let mut tally = Tally::new(vec![knows, roles])?;
    /// # for (role, yes, no) in [(0, 53, 77), (1, 126, 174), (2, 72, 328)] {
    /// #     for (answer, n) in [(0, yes), (1, no)] {
    /// #         for _ in 0..n {
    /// #             tally.add(&[Some(answer), Some(role)])?;
    /// #         }
    /// #     }
    /// # }
    /// // Yes: 53/130 leaders (A), 126/300 managers (B), 72/400 individual contributors (C).
    /// let counts = tally.cross(0, 1)?;
    /// let options = CrosstabOptions::default().level(ConfidenceLevel::NINETY);
    /// let narrow = Crosstab::new(&counts, &options)?;
    /// let usual = Crosstab::new(&counts, &CrosstabOptions::default())?;
    /// assert_eq!(narrow.level(), ConfidenceLevel::NINETY);
    /// let width = |t: &Crosstab| t.rows()[0].cells[0].estimate.interval.map(|ci| ci.width());
    /// assert!(width(&narrow) < width(&usual));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn level(mut self, level: ConfidenceLevel) -> Self {
        self.level = level;
        self
    }

    /// Sets the interval method.
    ///
    /// ```
    /// use survey_analytics::{Categories, Crosstab, CrosstabOptions, ProportionMethod, Tally};
    /// # let knows = Categories::new("knows_impact", ["yes", "no"])?;
    /// # let roles = Categories::new("role", ["leader", "manager", "ic"])?;
    /// # let mut tally = Tally::new(vec![knows, roles])?;
    /// # for (role, yes, no) in [(0, 53, 77), (1, 126, 174), (2, 72, 328)] {
    /// #     for (answer, n) in [(0, yes), (1, no)] {
    /// #         for _ in 0..n {
    /// #             tally.add(&[Some(answer), Some(role)])?;
    /// #         }
    /// #     }
    /// # }
    /// // Yes: 53/130 leaders (A), 126/300 managers (B), 72/400 individual contributors (C).
    /// let counts = tally.cross(0, 1)?;
    /// let options = CrosstabOptions::default().method(ProportionMethod::Jeffreys);
    /// let jeffreys = Crosstab::new(&counts, &options)?;
    /// let wilson = Crosstab::new(&counts, &CrosstabOptions::default())?;
    /// assert_eq!(jeffreys.method(), ProportionMethod::Jeffreys);
    /// let interval = |t: &Crosstab| t.rows()[0].cells[0].estimate.interval;
    /// assert_ne!(interval(&jeffreys), interval(&wilson));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn method(mut self, method: ProportionMethod) -> Self {
        self.method = method;
        self
    }

    /// Sets the p-value adjustment applied within each row.
    ///
    /// ```
    /// use survey_analytics::{Categories, Crosstab, CrosstabOptions, PValueAdjustment, Tally};
    /// # let knows = Categories::new("knows_impact", ["yes", "no"])?;
    /// # let roles = Categories::new("role", ["leader", "manager", "ic"])?;
    /// # let mut tally = Tally::new(vec![knows, roles])?;
    /// # for (role, yes, no) in [(0, 53, 77), (1, 126, 174), (2, 72, 328)] {
    /// #     for (answer, n) in [(0, yes), (1, no)] {
    /// #         for _ in 0..n {
    /// #             tally.add(&[Some(answer), Some(role)])?;
    /// #         }
    /// #     }
    /// # }
    /// // Yes: 53/130 leaders (A), 126/300 managers (B), 72/400 individual contributors (C).
    /// let counts = tally.cross(0, 1)?;
    /// let options = CrosstabOptions::default().adjustment(PValueAdjustment::None);
    /// let raw = Crosstab::new(&counts, &options)?;
    /// assert_eq!(raw.adjustment(), PValueAdjustment::None);
    /// assert!(raw.rows()[0].tests.iter().all(|t| t.adjusted_p_value == t.p_value));
    /// let holm = Crosstab::new(&counts, &CrosstabOptions::default())?;
    /// assert!(holm.rows()[0].tests.iter().any(|t| t.adjusted_p_value > t.p_value));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn adjustment(mut self, adjustment: PValueAdjustment) -> Self {
        self.adjustment = adjustment;
        self
    }

    /// Sets the significance level of the letters (checked by [`Crosstab::new`]).
    ///
    /// ```
    /// use survey_analytics::{Categories, Crosstab, CrosstabOptions, Error, Tally};
    /// # let knows = Categories::new("knows_impact", ["yes", "no"])?;
    /// # let roles = Categories::new("role", ["leader", "manager", "ic"])?;
    /// # let mut tally = Tally::new(vec![knows, roles])?;
    /// # for (role, yes, no) in [(0, 53, 77), (1, 126, 174), (2, 72, 328)] {
    /// #     for (answer, n) in [(0, yes), (1, no)] {
    /// #         for _ in 0..n {
    /// #             tally.add(&[Some(answer), Some(role)])?;
    /// #         }
    /// #     }
    /// # }
    /// // Yes: 53/130 leaders (A), 126/300 managers (B), 72/400 individual contributors (C).
    /// let counts = tally.cross(0, 1)?;
    /// let strict = Crosstab::new(&counts, &CrosstabOptions::default().alpha(1e-9))?;
    /// assert_eq!(strict.alpha(), 1e-9);
    /// let yes = &strict.rows()[0];
    /// assert_eq!((yes.cells[0].letters.as_str(), yes.cells[1].letters.as_str()), ("", "C"));
    ///
    /// let err = Crosstab::new(&counts, &CrosstabOptions::default().alpha(1.5)).unwrap_err();
    /// assert_eq!(err, Error::InvalidAlpha { alpha: 1.5 });
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn alpha(mut self, alpha: f64) -> Self {
        self.alpha = alpha;
        self
    }

    /// Sets the minimum unweighted base below which a column is shown but not tested.
    ///
    /// ```
    /// use survey_analytics::{Categories, Crosstab, CrosstabOptions, Tally};
    /// # let knows = Categories::new("knows_impact", ["yes", "no"])?;
    /// # let roles = Categories::new("role", ["leader", "manager", "ic"])?;
    /// # let mut tally = Tally::new(vec![knows, roles])?;
    /// # for (role, yes, no) in [(0, 53, 77), (1, 126, 174), (2, 72, 328)] {
    /// #     for (answer, n) in [(0, yes), (1, no)] {
    /// #         for _ in 0..n {
    /// #             tally.add(&[Some(answer), Some(role)])?;
    /// #         }
    /// #     }
    /// # }
    /// // Yes: 53/130 leaders (A), 126/300 managers (B), 72/400 individual contributors (C).
    /// let counts = tally.cross(0, 1)?;
    /// let table = Crosstab::new(&counts, &CrosstabOptions::default().min_base(200))?;
    /// assert_eq!(table.min_base(), 200);
    /// assert!(!table.columns()[0].tested); // 130 leaders: shown but not tested
    /// assert_eq!(table.rows()[0].cells[0].letters, "");
    /// assert_eq!(table.rows()[0].cells[1].letters, "C");
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn min_base(mut self, min_base: u64) -> Self {
        self.min_base = min_base;
        self
    }

    /// Adds a net row (single-choice questions).
    ///
    /// ```
    /// use survey_analytics::{Categories, Crosstab, CrosstabOptions, Net, Tally};
    /// # let knows = Categories::new("knows_impact", ["yes", "no"])?;
    /// # let roles = Categories::new("role", ["leader", "manager", "ic"])?;
    /// # let mut tally = Tally::new(vec![knows, roles])?;
    /// # for (role, yes, no) in [(0, 53, 77), (1, 126, 174), (2, 72, 328)] {
    /// #     for (answer, n) in [(0, yes), (1, no)] {
    /// #         for _ in 0..n {
    /// #             tally.add(&[Some(answer), Some(role)])?;
    /// #         }
    /// #     }
    /// # }
    /// // Yes: 53/130 leaders (A), 126/300 managers (B), 72/400 individual contributors (C).
    /// let counts = tally.cross(0, 1)?;
    /// let options = CrosstabOptions::default().net(Net::new("Any answer", [0, 1])?);
    /// let table = Crosstab::new(&counts, &options)?;
    /// let net = &table.rows()[2]; // after the two answers
    /// assert!(net.is_net);
    /// assert!(net.cells.iter().all(|c| c.estimate.share == Some(1.0) && c.letters.is_empty()));
    ///
    /// let bad = CrosstabOptions::default().net(Net::new("No such answer", [2])?);
    /// assert!(Crosstab::new(&counts, &bad).is_err());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn net(mut self, net: Net) -> Self {
        self.nets.push(net);
        self
    }

    /// The confidence level.
    pub(crate) fn get_level(&self) -> ConfidenceLevel {
        self.level
    }

    /// The significance level of the letters.
    pub(crate) fn get_alpha(&self) -> f64 {
        self.alpha
    }

    /// The adjustment within rows.
    pub(crate) fn get_adjustment(&self) -> PValueAdjustment {
        self.adjustment
    }

    /// The minimum base.
    ///
    /// ```
    /// use survey_analytics::CrosstabOptions;
    ///
    /// assert_eq!(CrosstabOptions::default().get_min_base(), 30);
    /// assert_eq!(CrosstabOptions::default().min_base(100).get_min_base(), 100);
    /// ```
    pub fn get_min_base(&self) -> u64 {
        self.min_base
    }
}

/// A column (group) of a [`Crosstab`].
///
/// ```
/// use survey_analytics::{Categories, Crosstab, CrosstabOptions, Tally};
/// # let knows = Categories::new("knows_impact", ["yes", "no"])?;
/// # let roles = Categories::new("role", ["leader", "manager", "ic"])?;
/// # let mut tally = Tally::new(vec![knows, roles])?;
/// # for (role, yes, no) in [(0, 53, 77), (1, 126, 174), (2, 72, 328)] {
/// #     for (answer, n) in [(0, yes), (1, no)] {
/// #         for _ in 0..n {
/// #             tally.add(&[Some(answer), Some(role)])?;
/// #         }
/// #     }
/// # }
/// // Yes: 53/130 leaders (A), 126/300 managers (B), 72/400 individual contributors (C).
/// let counts = tally.cross(0, 1)?;
/// let table = Crosstab::new(&counts, &CrosstabOptions::default().min_base(200))?;
/// let leaders = &table.columns()[0];
/// assert_eq!((leaders.label.as_str(), leaders.letter.as_str()), ("leader", "A"));
/// assert_eq!((leaders.base.count, leaders.missing.count), (130, 0));
/// assert!(!leaders.tested); // below the minimum base of 200
/// # Ok::<(), survey_analytics::Error>(())
/// ```
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
///
/// ```
/// use survey_analytics::{Categories, Crosstab, CrosstabOptions, Tally};
/// # let knows = Categories::new("knows_impact", ["yes", "no"])?;
/// # let roles = Categories::new("role", ["leader", "manager", "ic"])?;
/// # let mut tally = Tally::new(vec![knows, roles])?;
/// # for (role, yes, no) in [(0, 53, 77), (1, 126, 174), (2, 72, 328)] {
/// #     for (answer, n) in [(0, yes), (1, no)] {
/// #         for _ in 0..n {
/// #             tally.add(&[Some(answer), Some(role)])?;
/// #         }
/// #     }
/// # }
/// // Yes: 53/130 leaders (A), 126/300 managers (B), 72/400 individual contributors (C).
/// let counts = tally.cross(0, 1)?;
/// let table = Crosstab::new(&counts, &CrosstabOptions::default())?;
/// let managers_yes = &table.rows()[0].cells[1];
/// assert_eq!((managers_yes.estimate.count, managers_yes.estimate.share), (126, Some(0.42)));
/// assert_eq!(managers_yes.letters, "C"); // higher than individual contributors
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrosstabCell {
    /// Count, share and interval.
    pub estimate: Estimate,
    /// Letters of the columns this cell's share is significantly higher than, e.g. `"AC"`.
    pub letters: String,
    /// Design-based standard error of the share (crosstabs built with a [`SampleDesign`]).
    ///
    /// [`SampleDesign`]: crate::SampleDesign
    pub std_error: Option<f64>,
    /// Design effect of the share, as R's `deff = TRUE` (crosstabs built with a design).
    pub deff: Option<f64>,
}

/// A row (answer or net) of a [`Crosstab`].
///
/// ```
/// use survey_analytics::{Categories, Crosstab, CrosstabOptions, Tally};
/// # let knows = Categories::new("knows_impact", ["yes", "no"])?;
/// # let roles = Categories::new("role", ["leader", "manager", "ic"])?;
/// # let mut tally = Tally::new(vec![knows, roles])?;
/// # for (role, yes, no) in [(0, 53, 77), (1, 126, 174), (2, 72, 328)] {
/// #     for (answer, n) in [(0, yes), (1, no)] {
/// #         for _ in 0..n {
/// #             tally.add(&[Some(answer), Some(role)])?;
/// #         }
/// #     }
/// # }
/// // Yes: 53/130 leaders (A), 126/300 managers (B), 72/400 individual contributors (C).
/// let counts = tally.cross(0, 1)?;
/// let table = Crosstab::new(&counts, &CrosstabOptions::default())?;
/// let no = &table.rows()[1];
/// assert_eq!((no.label.as_str(), no.is_net, no.cells.len()), ("no", false, 3));
/// assert_eq!(no.tests.len(), 3); // A-B, A-C and B-C
/// assert_eq!(no.cells[2].letters, "AB"); // individual contributors say no more often
/// # Ok::<(), survey_analytics::Error>(())
/// ```
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
    pub(crate) design: Option<DesignSummary>,
}

/// How a crosstab built from a [`SampleDesign`](crate::SampleDesign) was estimated.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DesignSummary {
    /// The interval method of the cells.
    pub interval: DesignInterval,
    /// The design's degrees of freedom (PSUs minus strata), used by the letters' t-tests.
    pub degrees_of_freedom: f64,
    /// The Rao-Scott test of independence (single-choice questions with at least two testable
    /// columns and answers).
    pub rao_scott: Option<RaoScottTest>,
}

impl Crosstab {
    /// Computes the crosstab of `counts`.
    ///
    /// ```
    /// use survey_analytics::{Categories, Crosstab, CrosstabOptions, Error, MultiSelectTally, Net};
    ///
    /// let uses = Categories::new("ai_use", ["content", "images"])?;
    /// let mut tally = MultiSelectTally::new(uses, Categories::new("role", ["leader", "ic"])?);
    /// tally.add(Some(&[0, 1]), Some(0))?;
    /// tally.add(Some(&[1]), Some(1))?;
    /// let counts = tally.cross()?;
    /// let table = Crosstab::new(&counts, &CrosstabOptions::default())?;
    /// assert_eq!(table.rows()[1].cells[1].estimate.share, Some(1.0));
    ///
    /// let err = Crosstab::new(&counts, &CrosstabOptions::default().alpha(0.0)).unwrap_err();
    /// assert_eq!(err, Error::InvalidAlpha { alpha: 0.0 });
    /// let net = CrosstabOptions::default().net(Net::new("Any", [0, 1])?);
    /// assert!(matches!(Crosstab::new(&counts, &net), Err(Error::InvalidParameter { .. })));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidAlpha`](crate::Error::InvalidAlpha) unless `0 < alpha < 1`; net errors as
    /// for [`Breakdown::new`](crate::Breakdown::new).
    pub fn new(counts: &CrossCounts, options: &CrosstabOptions) -> Result<Self> {
        let alpha = Alpha::new(options.alpha)?.value();
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
                    std_error: None,
                    deff: None,
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
            design: None,
        })
    }

    /// Assembles a crosstab computed elsewhere in the crate (the design-based path).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn assemble(
        question: String,
        group_by: String,
        kind: QuestionKind,
        options: &CrosstabOptions,
        alpha: f64,
        columns: Vec<CrosstabColumn>,
        rows: Vec<CrosstabRow>,
        ungrouped: Base,
        design: DesignSummary,
    ) -> Self {
        Self {
            question,
            group_by,
            kind,
            weighted: true,
            level: options.level,
            method: options.method,
            adjustment: options.adjustment,
            alpha,
            min_base: options.min_base,
            columns,
            rows,
            omnibus: None,
            ungrouped,
            design: Some(design),
        }
    }

    /// How the crosstab was estimated when it was built from a sample design; `None` for
    /// crosstabs of counts.
    pub fn design(&self) -> Option<&DesignSummary> {
        self.design.as_ref()
    }

    /// The options' nets, for the design-based path.
    pub(crate) fn option_nets(options: &CrosstabOptions) -> &[Net] {
        &options.nets
    }

    /// The question (rows) name.
    ///
    /// ```
    /// use survey_analytics::{Categories, Crosstab, CrosstabOptions, Tally};
    /// # let knows = Categories::new("knows_impact", ["yes", "no"])?;
    /// # let roles = Categories::new("role", ["leader", "manager", "ic"])?;
    /// # let mut tally = Tally::new(vec![knows, roles])?;
    /// # for (role, yes, no) in [(0, 53, 77), (1, 126, 174), (2, 72, 328)] {
    /// #     for (answer, n) in [(0, yes), (1, no)] {
    /// #         for _ in 0..n {
    /// #             tally.add(&[Some(answer), Some(role)])?;
    /// #         }
    /// #     }
    /// # }
    /// // Yes: 53/130 leaders (A), 126/300 managers (B), 72/400 individual contributors (C).
    /// let counts = tally.cross(0, 1)?;
    /// let table = Crosstab::new(&counts, &CrosstabOptions::default())?;
    /// assert_eq!(table.question(), "knows_impact");
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn question(&self) -> &str {
        &self.question
    }

    /// The grouping (columns) name.
    ///
    /// ```
    /// use survey_analytics::{Categories, Crosstab, CrosstabOptions, Tally};
    /// # let knows = Categories::new("knows_impact", ["yes", "no"])?;
    /// # let roles = Categories::new("role", ["leader", "manager", "ic"])?;
    /// # let mut tally = Tally::new(vec![knows, roles])?;
    /// # for (role, yes, no) in [(0, 53, 77), (1, 126, 174), (2, 72, 328)] {
    /// #     for (answer, n) in [(0, yes), (1, no)] {
    /// #         for _ in 0..n {
    /// #             tally.add(&[Some(answer), Some(role)])?;
    /// #         }
    /// #     }
    /// # }
    /// // Yes: 53/130 leaders (A), 126/300 managers (B), 72/400 individual contributors (C).
    /// let counts = tally.cross(0, 1)?;
    /// let table = Crosstab::new(&counts, &CrosstabOptions::default())?;
    /// assert_eq!(table.group_by(), "role");
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn group_by(&self) -> &str {
        &self.group_by
    }

    /// Single choice or multi-select.
    ///
    /// ```
    /// use survey_analytics::{Categories, Crosstab, CrosstabOptions, QuestionKind, Tally};
    /// # let knows = Categories::new("knows_impact", ["yes", "no"])?;
    /// # let roles = Categories::new("role", ["leader", "manager", "ic"])?;
    /// # let mut tally = Tally::new(vec![knows, roles])?;
    /// # for (role, yes, no) in [(0, 53, 77), (1, 126, 174), (2, 72, 328)] {
    /// #     for (answer, n) in [(0, yes), (1, no)] {
    /// #         for _ in 0..n {
    /// #             tally.add(&[Some(answer), Some(role)])?;
    /// #         }
    /// #     }
    /// # }
    /// // Yes: 53/130 leaders (A), 126/300 managers (B), 72/400 individual contributors (C).
    /// let counts = tally.cross(0, 1)?;
    /// let table = Crosstab::new(&counts, &CrosstabOptions::default())?;
    /// assert_eq!(table.kind(), QuestionKind::SingleChoice);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn kind(&self) -> QuestionKind {
        self.kind
    }

    /// Whether shares are weighted.
    ///
    /// ```
    /// use survey_analytics::{Categories, Crosstab, CrosstabOptions, Tally};
    ///
    /// let q = Categories::new("q", ["yes", "no"])?;
    /// let mut tally = Tally::new_weighted(vec![q, Categories::new("role", ["leader", "ic"])?])?;
    /// for (answer, role, weight) in [(0, 0, 1.0), (1, 0, 3.0), (0, 1, 2.0), (1, 1, 2.0)] {
    ///     tally.add_weighted(&[Some(answer), Some(role)], weight)?;
    /// }
    /// let table = Crosstab::new(&tally.cross(0, 1)?, &CrosstabOptions::default())?;
    /// assert!(table.is_weighted());
    /// let leaders = table.columns()[0].base;
    /// assert_eq!((leaders.count, leaders.weighted, leaders.effective), (2, 4.0, 1.6));
    /// assert_eq!(table.rows()[0].cells[0].estimate.share, Some(0.25));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn is_weighted(&self) -> bool {
        self.weighted
    }

    /// The confidence level of the intervals.
    ///
    /// ```
    /// use survey_analytics::{Categories, ConfidenceLevel, Crosstab, CrosstabOptions, Tally};
    /// # let knows = Categories::new("knows_impact", ["yes", "no"])?;
    /// # let roles = Categories::new("role", ["leader", "manager", "ic"])?;
    /// # let mut tally = Tally::new(vec![knows, roles])?;
    /// # for (role, yes, no) in [(0, 53, 77), (1, 126, 174), (2, 72, 328)] {
    /// #     for (answer, n) in [(0, yes), (1, no)] {
    /// #         for _ in 0..n {
    /// #             tally.add(&[Some(answer), Some(role)])?;
    /// #         }
    /// #     }
    /// # }
    /// // Yes: 53/130 leaders (A), 126/300 managers (B), 72/400 individual contributors (C).
    /// let counts = tally.cross(0, 1)?;
    /// let table = Crosstab::new(&counts, &CrosstabOptions::default())?;
    /// assert_eq!(table.level(), ConfidenceLevel::NINETY_FIVE);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn level(&self) -> ConfidenceLevel {
        self.level
    }

    /// The interval method.
    ///
    /// ```
    /// use survey_analytics::{Categories, Crosstab, CrosstabOptions, ProportionMethod, Tally};
    /// # let knows = Categories::new("knows_impact", ["yes", "no"])?;
    /// # let roles = Categories::new("role", ["leader", "manager", "ic"])?;
    /// # let mut tally = Tally::new(vec![knows, roles])?;
    /// # for (role, yes, no) in [(0, 53, 77), (1, 126, 174), (2, 72, 328)] {
    /// #     for (answer, n) in [(0, yes), (1, no)] {
    /// #         for _ in 0..n {
    /// #             tally.add(&[Some(answer), Some(role)])?;
    /// #         }
    /// #     }
    /// # }
    /// // Yes: 53/130 leaders (A), 126/300 managers (B), 72/400 individual contributors (C).
    /// let counts = tally.cross(0, 1)?;
    /// let table = Crosstab::new(&counts, &CrosstabOptions::default())?;
    /// assert_eq!(table.method(), ProportionMethod::Wilson);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn method(&self) -> ProportionMethod {
        self.method
    }

    /// The p-value adjustment within rows.
    ///
    /// ```
    /// use survey_analytics::{Categories, Crosstab, CrosstabOptions, PValueAdjustment, Tally};
    /// # let knows = Categories::new("knows_impact", ["yes", "no"])?;
    /// # let roles = Categories::new("role", ["leader", "manager", "ic"])?;
    /// # let mut tally = Tally::new(vec![knows, roles])?;
    /// # for (role, yes, no) in [(0, 53, 77), (1, 126, 174), (2, 72, 328)] {
    /// #     for (answer, n) in [(0, yes), (1, no)] {
    /// #         for _ in 0..n {
    /// #             tally.add(&[Some(answer), Some(role)])?;
    /// #         }
    /// #     }
    /// # }
    /// // Yes: 53/130 leaders (A), 126/300 managers (B), 72/400 individual contributors (C).
    /// let counts = tally.cross(0, 1)?;
    /// let table = Crosstab::new(&counts, &CrosstabOptions::default())?;
    /// assert_eq!(table.adjustment(), PValueAdjustment::Holm);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn adjustment(&self) -> PValueAdjustment {
        self.adjustment
    }

    /// The significance level of the letters.
    ///
    /// ```
    /// use survey_analytics::{Categories, Crosstab, CrosstabOptions, Tally};
    /// # let knows = Categories::new("knows_impact", ["yes", "no"])?;
    /// # let roles = Categories::new("role", ["leader", "manager", "ic"])?;
    /// # let mut tally = Tally::new(vec![knows, roles])?;
    /// # for (role, yes, no) in [(0, 53, 77), (1, 126, 174), (2, 72, 328)] {
    /// #     for (answer, n) in [(0, yes), (1, no)] {
    /// #         for _ in 0..n {
    /// #             tally.add(&[Some(answer), Some(role)])?;
    /// #         }
    /// #     }
    /// # }
    /// // Yes: 53/130 leaders (A), 126/300 managers (B), 72/400 individual contributors (C).
    /// let counts = tally.cross(0, 1)?;
    /// let table = Crosstab::new(&counts, &CrosstabOptions::default())?;
    /// assert_eq!(table.alpha(), 0.05);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// The minimum base for testing a column.
    ///
    /// ```
    /// use survey_analytics::{Categories, Crosstab, CrosstabOptions, Tally};
    /// # let knows = Categories::new("knows_impact", ["yes", "no"])?;
    /// # let roles = Categories::new("role", ["leader", "manager", "ic"])?;
    /// # let mut tally = Tally::new(vec![knows, roles])?;
    /// # for (role, yes, no) in [(0, 53, 77), (1, 126, 174), (2, 72, 328)] {
    /// #     for (answer, n) in [(0, yes), (1, no)] {
    /// #         for _ in 0..n {
    /// #             tally.add(&[Some(answer), Some(role)])?;
    /// #         }
    /// #     }
    /// # }
    /// // Yes: 53/130 leaders (A), 126/300 managers (B), 72/400 individual contributors (C).
    /// let counts = tally.cross(0, 1)?;
    /// let table = Crosstab::new(&counts, &CrosstabOptions::default())?;
    /// assert_eq!(table.min_base(), 30);
    /// assert!(table.columns().iter().all(|c| c.tested)); // every base is at least 30
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn min_base(&self) -> u64 {
        self.min_base
    }

    /// The columns, in order.
    ///
    /// ```
    /// use survey_analytics::{Categories, Crosstab, CrosstabOptions, Tally};
    /// # let knows = Categories::new("knows_impact", ["yes", "no"])?;
    /// # let roles = Categories::new("role", ["leader", "manager", "ic"])?;
    /// # let mut tally = Tally::new(vec![knows, roles])?;
    /// # for (role, yes, no) in [(0, 53, 77), (1, 126, 174), (2, 72, 328)] {
    /// #     for (answer, n) in [(0, yes), (1, no)] {
    /// #         for _ in 0..n {
    /// #             tally.add(&[Some(answer), Some(role)])?;
    /// #         }
    /// #     }
    /// # }
    /// // Yes: 53/130 leaders (A), 126/300 managers (B), 72/400 individual contributors (C).
    /// let counts = tally.cross(0, 1)?;
    /// let table = Crosstab::new(&counts, &CrosstabOptions::default())?;
    /// let letters: Vec<&str> = table.columns().iter().map(|c| c.letter.as_str()).collect();
    /// assert_eq!(letters, ["A", "B", "C"]);
    /// assert_eq!(table.columns()[2].base.count, 400);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn columns(&self) -> &[CrosstabColumn] {
        &self.columns
    }

    /// The rows: answers in order, then nets.
    ///
    /// ```
    /// use survey_analytics::{Categories, Crosstab, CrosstabOptions, Tally};
    /// # let knows = Categories::new("knows_impact", ["yes", "no"])?;
    /// # let roles = Categories::new("role", ["leader", "manager", "ic"])?;
    /// # let mut tally = Tally::new(vec![knows, roles])?;
    /// # for (role, yes, no) in [(0, 53, 77), (1, 126, 174), (2, 72, 328)] {
    /// #     for (answer, n) in [(0, yes), (1, no)] {
    /// #         for _ in 0..n {
    /// #             tally.add(&[Some(answer), Some(role)])?;
    /// #         }
    /// #     }
    /// # }
    /// // Yes: 53/130 leaders (A), 126/300 managers (B), 72/400 individual contributors (C).
    /// let counts = tally.cross(0, 1)?;
    /// let table = Crosstab::new(&counts, &CrosstabOptions::default())?;
    /// let labels: Vec<&str> = table.rows().iter().map(|r| r.label.as_str()).collect();
    /// assert_eq!(labels, ["yes", "no"]);
    /// assert_eq!(table.rows()[0].cells[2].estimate.share, Some(0.18));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn rows(&self) -> &[CrosstabRow] {
        &self.rows
    }

    /// The omnibus chi-square test, when there is one (single choice, at least two tested columns
    /// and two non-empty answers).
    ///
    /// ```
    /// use survey_analytics::{Categories, Crosstab, CrosstabOptions, MultiSelectTally, Tally};
    /// # let knows = Categories::new("knows_impact", ["yes", "no"])?;
    /// # let roles = Categories::new("role", ["leader", "manager", "ic"])?;
    /// # let mut tally = Tally::new(vec![knows, roles])?;
    /// # for (role, yes, no) in [(0, 53, 77), (1, 126, 174), (2, 72, 328)] {
    /// #     for (answer, n) in [(0, yes), (1, no)] {
    /// #         for _ in 0..n {
    /// #             tally.add(&[Some(answer), Some(role)])?;
    /// #         }
    /// #     }
    /// # }
    /// // Yes: 53/130 leaders (A), 126/300 managers (B), 72/400 individual contributors (C).
    /// let counts = tally.cross(0, 1)?;
    /// let table = Crosstab::new(&counts, &CrosstabOptions::default())?;
    /// let test = table.omnibus().unwrap();
    /// assert_eq!(test.df, 2); // (2 answers - 1) x (3 groups - 1)
    /// assert!(test.p_value < 1e-9);
    ///
    /// // Multi-select answers overlap: no omnibus test.
    /// let uses = Categories::new("ai_use", ["content", "images"])?;
    /// let multi = MultiSelectTally::new(uses, Categories::new("role", ["leader", "ic"])?);
    /// assert!(Crosstab::new(&multi.cross()?, &CrosstabOptions::default())?.omnibus().is_none());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn omnibus(&self) -> Option<&ChiSquareTest> {
        self.omnibus.as_ref()
    }

    /// Records whose group is unknown, left out of every column.
    ///
    /// ```
    /// use survey_analytics::{Categories, Crosstab, CrosstabOptions, Tally};
    ///
    /// let q = Categories::new("q", ["yes", "no"])?;
    /// let mut tally = Tally::new(vec![q, Categories::new("role", ["leader", "ic"])?])?;
    /// tally.add(&[Some(0), Some(0)])?;
    /// tally.add(&[Some(1), None])?; // role unknown
    /// let table = Crosstab::new(&tally.cross(0, 1)?, &CrosstabOptions::default())?;
    /// assert_eq!(table.ungrouped().count, 1);
    /// assert_eq!(table.columns().iter().map(|c| c.base.count).sum::<u64>(), 1);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
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

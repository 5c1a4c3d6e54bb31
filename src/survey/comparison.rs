//! Comparing one outcome across groups: every pair's difference, test and verdict.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::stats::adjust::{PValueAdjustment, adjust_p_values};
use crate::stats::alternative::Alternative;
use crate::stats::difference::{DifferenceMethod, difference_interval};
use crate::stats::effect_size::cohens_h;
use crate::stats::interval::Interval;
use crate::stats::level::{Alpha, ConfidenceLevel};
use crate::stats::proportion::{Proportion, ProportionMethod};
use crate::stats::z_test::two_proportion_z_test;
use crate::survey::budget;
use crate::survey::counts::CrossCounts;
use crate::survey::estimate::{Base, share_of};
use crate::survey::net::Net;
use crate::survey::settings::{IntervalSettings, TestSettings};
use crate::survey::sums::Sums;

/// What a [`Comparison`] was computed with: reported by [`Comparison::settings`]. Defaults: 95%
/// Wilson intervals per group, Newcombe intervals for differences, Holm adjustment over all pairs at
/// alpha 5%.
///
/// # Examples
///
/// ```
/// use survey_analytics::{ComparisonSettings, DifferenceMethod, PValueAdjustment};
///
/// let settings = ComparisonSettings::default();
/// assert_eq!(settings.difference, DifferenceMethod::Newcombe);
/// assert_eq!(settings.tests.adjustment, PValueAdjustment::Holm);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct ComparisonSettings {
    /// Confidence level (of every interval) and interval method of each group's share.
    pub intervals: IntervalSettings,
    /// Interval method of each difference.
    pub difference: DifferenceMethod,
    /// Adjustment over all pairs and significance level of the verdicts.
    pub tests: TestSettings,
}

/// Options of a [`Comparison`]: a builder of its [`ComparisonSettings`], with the same shared
/// blocks as [`CrosstabOptions`](crate::CrosstabOptions).
///
/// # Examples
///
/// ```
/// use survey_analytics::{Alpha, Comparison, ComparisonOptions, ConfidenceLevel, DifferenceMethod};
/// use survey_analytics::Proportion;
///
/// let groups = [("PR", Proportion::new(30, 100)?), ("Analytics", Proportion::new(40, 100)?)];
/// let options = ComparisonOptions::default()
///     .level(ConfidenceLevel::NINETY)
///     .difference(DifferenceMethod::Wald)
///     .alpha(Alpha::new(0.2)?);
/// assert_ne!(options, ComparisonOptions::default());
/// let comparison = Comparison::new("uses AI daily", &groups, &options)?;
/// let settings = comparison.settings();
/// assert_eq!((settings.intervals.level, settings.tests.alpha.value()), (ConfidenceLevel::NINETY, 0.2));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ComparisonOptions {
    pub(crate) settings: ComparisonSettings,
}

impl ComparisonOptions {
    /// Sets the confidence level of all intervals.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Comparison, ComparisonOptions, ConfidenceLevel, Proportion};
    ///
    /// let groups = [("PR", Proportion::new(30, 100)?), ("Analytics", Proportion::new(40, 100)?)];
    /// let options = ComparisonOptions::default().level(ConfidenceLevel::NINETY_NINE);
    /// let wide = Comparison::new("uses AI daily", &groups, &options)?;
    /// let usual = Comparison::new("uses AI daily", &groups, &ComparisonOptions::default())?;
    /// assert!(wide.groups()[0].interval.width() > usual.groups()[0].interval.width());
    /// assert!(wide.pairs()[0].interval.width() > usual.pairs()[0].interval.width());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn level(mut self, level: ConfidenceLevel) -> Self {
        self.settings.intervals.level = level;
        self
    }

    /// Sets the interval method for each group's share.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Comparison, ComparisonOptions, Proportion, ProportionMethod};
    ///
    /// let groups = [("PR", Proportion::new(30, 100)?), ("Analytics", Proportion::new(40, 100)?)];
    /// let options = ComparisonOptions::default().method(ProportionMethod::ClopperPearson);
    /// let exact = Comparison::new("uses AI daily", &groups, &options)?;
    /// let usual = Comparison::new("uses AI daily", &groups, &ComparisonOptions::default())?;
    /// assert_ne!(exact.groups()[0].interval, usual.groups()[0].interval);
    /// assert_eq!(exact.pairs(), usual.pairs()); // differences have their own method
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn method(mut self, method: ProportionMethod) -> Self {
        self.settings.intervals.method = method;
        self
    }

    /// Sets the level and the method for each group's share at once.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{ComparisonOptions, ConfidenceLevel, IntervalSettings, ProportionMethod};
    ///
    /// let exact = IntervalSettings { level: ConfidenceLevel::NINETY_NINE, method: ProportionMethod::ClopperPearson };
    /// let options = ComparisonOptions::default().intervals(exact);
    /// assert_eq!(options, ComparisonOptions::default().level(exact.level).method(exact.method));
    /// ```
    pub fn intervals(mut self, intervals: IntervalSettings) -> Self {
        self.settings.intervals = intervals;
        self
    }

    /// Sets the interval method for differences.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Comparison, ComparisonOptions, DifferenceMethod, Proportion};
    ///
    /// let groups = [("PR", Proportion::new(30, 100)?), ("Analytics", Proportion::new(40, 100)?)];
    /// let options = ComparisonOptions::default().difference(DifferenceMethod::Wald);
    /// let wald = Comparison::new("uses AI daily", &groups, &options)?;
    /// let pair = &wald.pairs()[0];
    /// let centre = (pair.interval.lower + pair.interval.upper) / 2.0;
    /// assert!((centre - pair.difference).abs() < 1e-12); // Wald is symmetric; Newcombe is not
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn difference(mut self, difference: DifferenceMethod) -> Self {
        self.settings.difference = difference;
        self
    }

    /// Sets the p-value adjustment over all pairs.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Comparison, ComparisonOptions, PValueAdjustment, Proportion};
    ///
    /// let groups = [
    ///     ("individual contributors", Proportion::new(72, 400)?),
    ///     ("leaders", Proportion::new(53, 130)?),
    ///     ("managers", Proportion::new(126, 300)?),
    /// ];
    /// let options = ComparisonOptions::default().adjustment(PValueAdjustment::Bonferroni);
    /// let comparison = Comparison::new("knows how impact is measured", &groups, &options)?;
    /// for pair in comparison.pairs() {
    ///     assert!((pair.adjusted_p_value - (3.0 * pair.p_value).min(1.0)).abs() < 1e-12);
    /// }
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn adjustment(mut self, adjustment: PValueAdjustment) -> Self {
        self.settings.tests.adjustment = adjustment;
        self
    }

    /// Sets the significance level of the verdicts.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Alpha, Comparison, ComparisonOptions, Proportion, Verdict};
    ///
    /// let groups = [("PR", Proportion::new(30, 100)?), ("Analytics", Proportion::new(40, 100)?)];
    /// let usual = Comparison::new("uses AI daily", &groups, &ComparisonOptions::default())?;
    /// assert_eq!(usual.pairs()[0].verdict, Verdict::NotSignificant); // p is about 0.14
    /// let lenient = ComparisonOptions::default().alpha(Alpha::new(0.2)?);
    /// let comparison = Comparison::new("uses AI daily", &groups, &lenient)?;
    /// assert_eq!(comparison.pairs()[0].verdict, Verdict::SecondHigher);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn alpha(mut self, alpha: Alpha) -> Self {
        self.settings.tests.alpha = alpha;
        self
    }

    /// Sets the adjustment and significance level at once.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Alpha, ComparisonOptions, PValueAdjustment, TestSettings};
    ///
    /// let tests = TestSettings { adjustment: PValueAdjustment::Bonferroni, alpha: Alpha::ONE_PERCENT };
    /// let options = ComparisonOptions::default().tests(tests);
    /// assert_eq!(options, ComparisonOptions::default().adjustment(tests.adjustment).alpha(tests.alpha));
    /// ```
    pub fn tests(mut self, tests: TestSettings) -> Self {
        self.settings.tests = tests;
        self
    }
}

/// Refuses comparisons that would take more than about a second (see [`budget`]).
fn check_work(groups: usize, settings: &ComparisonSettings) -> Result<()> {
    let per_pair = budget::difference_cost(settings.difference) + budget::PAIR_TEST + 1;
    let work = u64::try_from(groups)
        .unwrap_or(u64::MAX)
        .saturating_mul(budget::interval_cost(settings.intervals.method))
        .saturating_add(budget::pairs(groups).saturating_mul(per_pair));
    budget::check(
        "a comparison's work (groups x interval cost + pairs x test and interval costs)",
        work,
        "compare fewer groups at a time",
    )
}

/// One group of a [`Comparison`].
///
/// # Examples
///
/// ```
/// use survey_analytics::{Categories, Comparison, ComparisonOptions, Tally};
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
/// let comparison = Comparison::from_counts(&counts, 0, &ComparisonOptions::default())?;
/// let leaders = &comparison.groups()[0];
/// assert_eq!((leaders.label.as_str(), leaders.count), ("leader", Some(53)));
/// assert_eq!(leaders.base.map(|b| b.count), Some(130));
/// assert_eq!(leaders.estimate, 53.0 / 130.0);
/// assert!(leaders.interval.contains(leaders.estimate));
/// assert_eq!(leaders.proportion.trials(), 130.0);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupEstimate {
    /// The group label.
    pub label: String,
    /// Respondents with the outcome (unweighted), when built from counts.
    pub count: Option<u64>,
    /// The group's base.
    pub base: Option<Base>,
    /// The share with the outcome.
    pub estimate: f64,
    /// Its confidence interval.
    pub interval: Interval,
    /// The proportion (successes and trials, or effective trials when weighted).
    pub proportion: Proportion,
}

/// What the data say about one pair of groups.
///
/// # Examples
///
/// ```
/// use survey_analytics::{Comparison, ComparisonOptions, Proportion, Verdict};
///
/// let groups = [
///     ("individual contributors", Proportion::new(72, 400)?),
///     ("leaders", Proportion::new(53, 130)?),
///     ("managers", Proportion::new(126, 300)?),
/// ];
/// let options = ComparisonOptions::default();
/// let comparison = Comparison::new("knows how impact is measured", &groups, &options)?;
/// let verdicts: Vec<Verdict> = comparison.pairs().iter().map(|p| p.verdict).collect();
/// assert_eq!(verdicts, [Verdict::SecondHigher, Verdict::SecondHigher, Verdict::NotSignificant]);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The first group's share is significantly higher.
    FirstHigher,
    /// The second group's share is significantly higher.
    SecondHigher,
    /// No significant difference at this sample size.
    NotSignificant,
}

impl Verdict {
    /// Whether the difference is significant.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::Verdict;
    ///
    /// assert!(Verdict::FirstHigher.is_significant());
    /// assert!(Verdict::SecondHigher.is_significant());
    /// assert!(!Verdict::NotSignificant.is_significant());
    /// ```
    pub fn is_significant(self) -> bool {
        self != Verdict::NotSignificant
    }

    /// A plain sentence: "higher among leaders than among managers", "no significant difference
    /// between ...".
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::Verdict;
    /// assert_eq!(Verdict::SecondHigher.describe("PR", "Analytics"), "higher among Analytics than among PR");
    /// ```
    pub fn describe(self, first: &str, second: &str) -> String {
        match self {
            Verdict::FirstHigher => format!("higher among {first} than among {second}"),
            Verdict::SecondHigher => format!("higher among {second} than among {first}"),
            Verdict::NotSignificant => {
                format!(
                    "no significant difference between {first} and {second} at this sample size"
                )
            }
        }
    }
}

/// One pair of groups of a [`Comparison`].
///
/// # Examples
///
/// ```
/// use survey_analytics::{Comparison, ComparisonOptions, Proportion, Verdict};
///
/// let groups = [
///     ("individual contributors", Proportion::new(72, 400)?),
///     ("leaders", Proportion::new(53, 130)?),
///     ("managers", Proportion::new(126, 300)?),
/// ];
/// let options = ComparisonOptions::default();
/// let comparison = Comparison::new("knows how impact is measured", &groups, &options)?;
/// let ics_vs_leaders = &comparison.pairs()[0];
/// assert_eq!((ics_vs_leaders.a, ics_vs_leaders.b), (0, 1));
/// assert!((ics_vs_leaders.difference - (0.18 - 53.0 / 130.0)).abs() < 1e-12);
/// assert!(ics_vs_leaders.interval.upper < 0.0); // the whole interval is below zero
/// assert!(ics_vs_leaders.p_value <= ics_vs_leaders.adjusted_p_value);
/// assert!(ics_vs_leaders.cohens_h < -0.5); // a medium effect
/// assert_eq!(ics_vs_leaders.verdict, Verdict::SecondHigher);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairComparison {
    /// Position of the first group.
    pub a: usize,
    /// Position of the second group.
    pub b: usize,
    /// Share of `a` minus share of `b`.
    pub difference: f64,
    /// Confidence interval of the difference.
    pub interval: Interval,
    /// Two-sided p-value of the pooled z-test.
    pub p_value: f64,
    /// p-value adjusted over all pairs.
    pub adjusted_p_value: f64,
    /// Cohen's h of `a` against `b`.
    pub cohens_h: f64,
    /// The verdict at the chosen alpha, from the adjusted p-value.
    pub verdict: Verdict,
}

/// A yes/no outcome (or a net) compared across groups: each group's share and interval, and for
/// every pair the difference with its interval, raw and adjusted p-values, Cohen's h and a verdict.
///
/// This answers "is the gap between 18% of individual contributors and 41% of leaders real?".
/// The verdict is significant when the adjusted p-value of the pooled z-test is below alpha; the
/// difference interval (Newcombe by default) shows how large the gap may be.
///
/// # Examples
///
/// ```
/// use survey_analytics::{Comparison, ComparisonOptions, Proportion, Verdict};
///
/// let groups = [
///     ("individual contributors", Proportion::new(72, 400)?),
///     ("leaders", Proportion::new(53, 130)?),
///     ("managers", Proportion::new(126, 300)?),
/// ];
/// let comparison = Comparison::new("knows how impact is measured", &groups, &ComparisonOptions::default())?;
/// let pairs = comparison.pairs();
/// assert_eq!(pairs.len(), 3);
/// assert_eq!(pairs[0].verdict, Verdict::SecondHigher); // leaders above ICs
/// assert_eq!(pairs[2].verdict, Verdict::NotSignificant); // leaders vs managers
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    outcome: String,
    settings: ComparisonSettings,
    groups: Vec<GroupEstimate>,
    pairs: Vec<PairComparison>,
}

impl Comparison {
    /// Compares the `outcome` share across labelled groups.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Comparison, ComparisonOptions, Error, Proportion};
    ///
    /// let groups = [("PR", Proportion::new(30, 100)?), ("Analytics", Proportion::new(40, 100)?)];
    /// let comparison = Comparison::new("uses AI daily", &groups, &ComparisonOptions::default())?;
    /// assert_eq!(comparison.groups()[1].label, "Analytics");
    /// assert_eq!(comparison.groups()[1].count, None); // built from proportions, not counts
    ///
    /// let one = [("PR", Proportion::new(30, 100)?)];
    /// let options = ComparisonOptions::default();
    /// let err = Comparison::new("uses AI daily", &one, &options).unwrap_err();
    /// assert!(matches!(err, Error::TooFewValues { len: 1, min: 2, .. }));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::TooFewValues`] for fewer than two groups; [`Error::TooLarge`] past 2^24 units of
    /// work (an interval counts 1, or 256 with the exact methods; a pair 7, or 69 with the
    /// Miettinen-Nurminen difference): about 2,000 groups.
    pub fn new<S: AsRef<str>>(
        outcome: impl Into<String>,
        groups: &[(S, Proportion)],
        options: &ComparisonOptions,
    ) -> Result<Self> {
        check_work(groups.len(), &options.settings)?;
        let estimates = groups
            .iter()
            .map(|(label, p)| GroupEstimate {
                label: label.as_ref().to_string(),
                count: None,
                base: None,
                estimate: p.estimate(),
                interval: p.interval(
                    options.settings.intervals.method,
                    options.settings.intervals.level,
                ),
                proportion: *p,
            })
            .collect();
        Self::from_estimates(outcome.into(), estimates, options)
    }

    /// Compares answer `row` of a crosstab's counts across its columns. Columns with an empty base
    /// are left out.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, Comparison, ComparisonOptions, Error, Tally};
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
    /// let no = Comparison::from_counts(&counts, 1, &ComparisonOptions::default())?;
    /// assert_eq!(no.outcome(), "no");
    /// assert_eq!(no.groups()[2].estimate, 0.82); // 328 of 400 individual contributors
    /// assert!(matches!(
    ///     Comparison::from_counts(&counts, 2, &ComparisonOptions::default()),
    ///     Err(Error::CategoryOutOfRange { index: 2, .. })
    /// ));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::CategoryOutOfRange`] for a row past the question's categories; as
    /// [`Comparison::new`].
    pub fn from_counts(
        counts: &CrossCounts,
        row: usize,
        options: &ComparisonOptions,
    ) -> Result<Self> {
        let label = counts
            .rows()
            .label(row)
            .ok_or_else(|| Error::CategoryOutOfRange {
                dimension: counts.rows().name().to_string(),
                index: row,
                len: counts.rows().len(),
            })?;
        let cells = (0..counts.columns().len())
            .map(|c| counts.cell(row, c))
            .collect();
        Self::from_cells(label.to_string(), counts, cells, options)
    }

    /// Compares a net (several answers merged) across a crosstab's columns.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, Comparison, ComparisonOptions, Net, Tally};
    ///
    /// let q = Categories::new("frequency", ["daily", "weekly", "rarely"])?;
    /// let mut tally = Tally::new(vec![q, Categories::new("team", ["PR", "Analytics"])?])?;
    /// for (team, answers) in [(0, [10, 20, 70]), (1, [30, 30, 40])] {
    ///     for (answer, n) in answers.into_iter().enumerate() {
    ///         for _ in 0..n {
    ///             tally.add(&[Some(answer), Some(team)])?;
    ///         }
    ///     }
    /// }
    /// let counts = tally.cross(0, 1)?;
    /// let weekly = Net::new("At least weekly", [0, 1])?;
    /// let comparison = Comparison::from_net(&counts, &weekly, &ComparisonOptions::default())?;
    /// assert_eq!(comparison.outcome(), "At least weekly");
    /// let shares: Vec<f64> = comparison.groups().iter().map(|g| g.estimate).collect();
    /// assert_eq!(shares, [0.3, 0.6]);
    /// assert!(comparison.pairs()[0].verdict.is_significant());
    ///
    /// let bad = Net::new("No such answer", [3])?;
    /// assert!(Comparison::from_net(&counts, &bad, &ComparisonOptions::default()).is_err());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// Net errors as for [`Breakdown::new`](crate::Breakdown::new); as [`Comparison::new`].
    pub fn from_net(counts: &CrossCounts, net: &Net, options: &ComparisonOptions) -> Result<Self> {
        let cells = counts.net_cells(net)?;
        Self::from_cells(net.label().to_string(), counts, cells, options)
    }

    fn from_cells(
        outcome: String,
        counts: &CrossCounts,
        cells: Vec<Sums>,
        options: &ComparisonOptions,
    ) -> Result<Self> {
        check_work(cells.len(), &options.settings)?;
        let mut estimates = Vec::new();
        for (c, cell) in cells.into_iter().enumerate() {
            let base = counts.base(c);
            if let Some(p) = share_of(cell, base, counts.is_weighted()) {
                estimates.push(GroupEstimate {
                    label: counts.columns().label(c).unwrap_or_default().to_string(),
                    count: Some(cell.count()),
                    base: Some(Base::from(base)),
                    estimate: p.estimate(),
                    interval: p.interval(
                        options.settings.intervals.method,
                        options.settings.intervals.level,
                    ),
                    proportion: p,
                });
            }
        }
        Self::from_estimates(outcome, estimates, options)
    }

    fn from_estimates(
        outcome: String,
        groups: Vec<GroupEstimate>,
        options: &ComparisonOptions,
    ) -> Result<Self> {
        let settings = options.settings;
        let alpha = settings.tests.alpha.value();
        if groups.len() < 2 {
            return Err(Error::TooFewValues {
                name: "groups with a base",
                len: groups.len(),
                min: 2,
            });
        }
        let mut pairs = Vec::new();
        for (a, ga) in groups.iter().enumerate() {
            for (b, gb) in groups.iter().enumerate().skip(a + 1) {
                let (pa, pb) = (ga.proportion, gb.proportion);
                let test = two_proportion_z_test(pa, pb, Alternative::TwoSided);
                pairs.push(PairComparison {
                    a,
                    b,
                    difference: test.difference,
                    interval: difference_interval(
                        pa,
                        pb,
                        settings.difference,
                        settings.intervals.level,
                    ),
                    p_value: test.p_value,
                    adjusted_p_value: test.p_value,
                    cohens_h: cohens_h(pa.estimate(), pb.estimate())?,
                    verdict: Verdict::NotSignificant,
                });
            }
        }
        let raw: Vec<f64> = pairs.iter().map(|p| p.p_value).collect();
        for (pair, adjusted) in pairs
            .iter_mut()
            .zip(adjust_p_values(&raw, settings.tests.adjustment)?)
        {
            pair.adjusted_p_value = adjusted;
            pair.verdict = if adjusted >= alpha || pair.difference == 0.0 {
                Verdict::NotSignificant
            } else if pair.difference > 0.0 {
                Verdict::FirstHigher
            } else {
                Verdict::SecondHigher
            };
        }
        Ok(Self {
            outcome,
            settings,
            groups,
            pairs,
        })
    }

    /// The outcome compared.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Comparison, ComparisonOptions, Proportion};
    ///
    /// let groups = [("PR", Proportion::new(30, 100)?), ("Analytics", Proportion::new(40, 100)?)];
    /// let comparison = Comparison::new("uses AI daily", &groups, &ComparisonOptions::default())?;
    /// assert_eq!(comparison.outcome(), "uses AI daily");
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn outcome(&self) -> &str {
        &self.outcome
    }

    /// The settings the comparison was computed with.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Alpha, Comparison, ComparisonOptions, ConfidenceLevel, PValueAdjustment, Proportion};
    ///
    /// let groups = [("PR", Proportion::new(30, 100)?), ("Analytics", Proportion::new(40, 100)?)];
    /// let comparison = Comparison::new("uses AI daily", &groups, &ComparisonOptions::default())?;
    /// let settings = comparison.settings();
    /// assert_eq!(settings.intervals.level, ConfidenceLevel::NINETY_FIVE);
    /// assert_eq!((settings.tests.adjustment, settings.tests.alpha), (PValueAdjustment::Holm, Alpha::FIVE_PERCENT));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn settings(&self) -> &ComparisonSettings {
        &self.settings
    }

    /// The groups, in order.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Comparison, ComparisonOptions, Proportion};
    ///
    /// let groups = [("PR", Proportion::new(30, 100)?), ("Analytics", Proportion::new(40, 100)?)];
    /// let comparison = Comparison::new("uses AI daily", &groups, &ComparisonOptions::default())?;
    /// let shares: Vec<(&str, f64)> =
    ///     comparison.groups().iter().map(|g| (g.label.as_str(), g.estimate)).collect();
    /// assert_eq!(shares, [("PR", 0.3), ("Analytics", 0.4)]);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn groups(&self) -> &[GroupEstimate] {
        &self.groups
    }

    /// Every pair `(a, b)` with `a < b`, in order.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Comparison, ComparisonOptions, Proportion};
    ///
    /// let groups = [
    ///     ("individual contributors", Proportion::new(72, 400)?),
    ///     ("leaders", Proportion::new(53, 130)?),
    ///     ("managers", Proportion::new(126, 300)?),
    /// ];
    /// let options = ComparisonOptions::default();
    /// let comparison = Comparison::new("knows how impact is measured", &groups, &options)?;
    /// let pairs: Vec<(usize, usize)> = comparison.pairs().iter().map(|p| (p.a, p.b)).collect();
    /// assert_eq!(pairs, [(0, 1), (0, 2), (1, 2)]);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn pairs(&self) -> &[PairComparison] {
        &self.pairs
    }
}

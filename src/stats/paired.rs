//! Paired (dependent) proportions: two yes/no items answered by the same respondents, and `k`
//! such items at once.
//!
//! "49% use AI for content, 26% for images" compares two shares of one base: the respondents who
//! said yes to both count in both, so the independent-groups intervals and tests
//! ([`difference_interval`](crate::difference_interval),
//! [`two_proportion_z_test`](crate::two_proportion_z_test)) misstate the uncertainty. Here the
//! information is in the discordant respondents, who said yes to one item and no to the other.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::stats::interval::Interval;
use crate::stats::level::ConfidenceLevel;
use crate::stats::names::method_names;
use crate::stats::numerics::beta;
use crate::stats::numerics::chi_square_sf;
use crate::stats::numerics::dd::Dd;
use crate::stats::numerics::loader::ln_binomial_pmf;
use crate::stats::numerics::root::brent;

/// Largest total accepted by [`PairedCounts`] and [`CochranQ`]: 2^53, below which every count is
/// an exact `f64` (and what a JSON reader can hold exactly).
const MAX_TOTAL: u64 = 1 << 53;

/// Most items [`CochranQ`] accepts, 2^20: the statistic is formed from exact 128-bit integers,
/// `k sum C_j^2 <= k N^2 < 2^126`.
const MAX_ITEMS: usize = 1 << 20;

/// The 2 x 2 table of two yes/no items answered by the same `n` respondents.
///
/// |                    | second: yes   | second: no   |
/// |--------------------|---------------|--------------|
/// | **first: yes**     | `both`        | `first_only` |
/// | **first: no**      | `second_only` | `neither`    |
///
/// The shares are `p1 = (both + first_only) / n` and `p2 = (both + second_only) / n`; their
/// difference `p1 - p2 = (first_only - second_only) / n` depends only on the discordant
/// respondents. The fields are private so that `0 < n <= 2^53` always holds; deserialising goes
/// through the same checks.
///
/// # Examples
///
/// ```
/// use survey_analytics::{Error, PairedCounts};
///
/// // 830 marketers: 180 use AI for both content and images, 227 for content only, 36 for
/// // images only, 387 for neither.
/// let use_of_ai = PairedCounts::new(180, 227, 36, 387)?;
/// assert_eq!(use_of_ai.total(), 830);
/// assert!((use_of_ai.first_share() - 407.0 / 830.0).abs() < 1e-15);
/// assert!((use_of_ai.second_share() - 216.0 / 830.0).abs() < 1e-15);
/// assert!((use_of_ai.difference() - 191.0 / 830.0).abs() < 1e-15);
///
/// assert_eq!(PairedCounts::new(0, 0, 0, 0), Err(Error::EmptyBase));
/// assert!(matches!(PairedCounts::new(1 << 53, 1, 0, 0), Err(Error::CountTooLarge { .. })));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawPairedCounts")]
pub struct PairedCounts {
    both: u64,
    first_only: u64,
    second_only: u64,
    neither: u64,
}

/// Unvalidated form used to deserialise [`PairedCounts`].
#[derive(Deserialize)]
struct RawPairedCounts {
    both: u64,
    first_only: u64,
    second_only: u64,
    neither: u64,
}

impl TryFrom<RawPairedCounts> for PairedCounts {
    type Error = Error;

    fn try_from(raw: RawPairedCounts) -> Result<Self> {
        Self::new(raw.both, raw.first_only, raw.second_only, raw.neither)
    }
}

impl PairedCounts {
    /// The table from its four cells (see the type's docs for their layout).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::PairedCounts;
    /// let table = PairedCounts::new(10, 15, 5, 20)?;
    /// assert_eq!((table.discordant(), table.total()), (20, 50));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::EmptyBase`] when all four cells are 0; [`Error::CountTooLarge`] when the total
    /// exceeds 2^53.
    pub fn new(both: u64, first_only: u64, second_only: u64, neither: u64) -> Result<Self> {
        let total = [both, first_only, second_only, neither]
            .iter()
            .try_fold(0_u64, |sum, &x| sum.checked_add(x));
        match total {
            Some(0) => Err(Error::EmptyBase),
            Some(t) if t <= MAX_TOTAL => Ok(Self {
                both,
                first_only,
                second_only,
                neither,
            }),
            other => Err(Error::CountTooLarge {
                name: "paired table total",
                value: other.unwrap_or(u64::MAX),
                max: MAX_TOTAL,
            }),
        }
    }

    /// The table given row-major as `[[both, first_only], [second_only, neither]]`: rows are the
    /// first item's yes and no, columns the second's (the layout of statsmodels `mcnemar`).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::PairedCounts;
    /// let table = PairedCounts::from_table([[10, 15], [5, 20]])?;
    /// assert_eq!(table, PairedCounts::new(10, 15, 5, 20)?);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`PairedCounts::new`].
    pub fn from_table(table: [[u64; 2]; 2]) -> Result<Self> {
        let [[both, first_only], [second_only, neither]] = table;
        Self::new(both, first_only, second_only, neither)
    }

    /// Respondents who said yes to both items.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(survey_analytics::PairedCounts::new(1, 2, 3, 4)?.both(), 1);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn both(&self) -> u64 {
        self.both
    }

    /// Respondents who said yes to the first item only.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(survey_analytics::PairedCounts::new(1, 2, 3, 4)?.first_only(), 2);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn first_only(&self) -> u64 {
        self.first_only
    }

    /// Respondents who said yes to the second item only.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(survey_analytics::PairedCounts::new(1, 2, 3, 4)?.second_only(), 3);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn second_only(&self) -> u64 {
        self.second_only
    }

    /// Respondents who said yes to neither item.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(survey_analytics::PairedCounts::new(1, 2, 3, 4)?.neither(), 4);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn neither(&self) -> u64 {
        self.neither
    }

    /// All respondents, `n` (at most 2^53).
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(survey_analytics::PairedCounts::new(1, 2, 3, 4)?.total(), 10);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn total(&self) -> u64 {
        // Checked in the constructor: the sum is at most 2^53.
        self.both + self.first_only + self.second_only + self.neither
    }

    /// The discordant respondents, `first_only + second_only`: the only ones that carry
    /// information about the difference.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(survey_analytics::PairedCounts::new(1, 2, 3, 4)?.discordant(), 5);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn discordant(&self) -> u64 {
        self.first_only + self.second_only
    }

    /// The first item's share, `p1 = (both + first_only) / n`.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(survey_analytics::PairedCounts::new(1, 2, 3, 4)?.first_share(), 0.3);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn first_share(&self) -> f64 {
        (self.both + self.first_only) as f64 / self.total() as f64
    }

    /// The second item's share, `p2 = (both + second_only) / n`.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(survey_analytics::PairedCounts::new(1, 2, 3, 4)?.second_share(), 0.4);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn second_share(&self) -> f64 {
        (self.both + self.second_only) as f64 / self.total() as f64
    }

    /// The difference `p1 - p2 = (first_only - second_only) / n`, correctly rounded (the
    /// numerator is an exact integer; `p1 - p2` of the rounded shares could be an ulp off).
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(survey_analytics::PairedCounts::new(1, 2, 3, 4)?.difference(), -0.1);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn difference(&self) -> f64 {
        // Both counts are at most 2^53, so their difference is an exact double.
        (self.first_only as f64 - self.second_only as f64) / self.total() as f64
    }

    /// The same respondents with the two items exchanged: the difference, its intervals and
    /// McNemar's statistic change sign or stay the same, never anything else.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::PairedCounts;
    /// assert_eq!(PairedCounts::new(1, 2, 3, 4)?.swapped(), PairedCounts::new(1, 3, 2, 4)?);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn swapped(&self) -> Self {
        Self {
            first_only: self.second_only,
            second_only: self.first_only,
            ..*self
        }
    }
}

/// How [`mcnemar_test`] computes its p-value.
///
/// With `b = first_only`, `c = second_only`, `m = b + c` discordant pairs and `k = min(b, c)`;
/// under the null hypothesis of equal shares `b` is binomial with `m` trials and probability 1/2:
///
/// * `Exact`: `min(1, 2 P(X <= k))`, the exact conditional test, as statsmodels
///   `mcnemar(exact=True)`.
/// * `MidP` (the default): `2 [P(X <= k) - P(X = k) / 2]`, the exact p-value less the point
///   probability of the observed table (Fagerland, Lydersen & Laake 2013). Equal to 1 when
///   `b = c`.
/// * `ChiSquare`: `(b - c)^2 / m` against chi-square with 1 degree of freedom, as statsmodels
///   `mcnemar(exact=False, correction=False)` and R `mcnemar.test(correct = FALSE)`.
/// * `ChiSquareCorrected`: Edwards' continuity correction, `max(|b - c| - 1, 0)^2 / m`, as R
///   `mcnemar.test` and statsmodels `mcnemar(exact=False, correction=True)`. At `b = c`
///   statsmodels computes `(0 - 1)^2 / m = 1 / m` instead of 0 (a p-value below 1 for perfectly
///   balanced data); this crate follows R there and gives 0 and p = 1.
///
/// With no discordant pairs (`m = 0`) the data cannot tell the shares apart: every method gives
/// `p = 1` and no statistic.
///
/// Fagerland, Lydersen & Laake (2013) found the exact test very conservative and recommend the
/// mid-p test (or the uncorrected asymptotic test when `m` is large); the corrected test is
/// about as conservative as the exact one.
///
/// # References
///
/// McNemar (1947), "Note on the sampling error of the difference between correlated proportions
/// or percentages", Psychometrika 12:153-157; Edwards (1948), Psychometrika 13:185-187;
/// Fagerland, Lydersen & Laake (2013), "The McNemar test for binary matched-pairs data: mid-p and
/// asymptotic are better than exact conditional", BMC Medical Research Methodology 13:91.
///
/// # Examples
///
/// ```
/// use survey_analytics::McNemarMethod;
/// assert_eq!(McNemarMethod::default(), McNemarMethod::MidP);
/// assert_eq!("midp".parse::<McNemarMethod>()?, McNemarMethod::MidP);
/// assert_eq!("edwards".parse::<McNemarMethod>()?, McNemarMethod::ChiSquareCorrected);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum McNemarMethod {
    /// Exact conditional binomial test.
    Exact,
    /// Mid-p binomial test. The default.
    #[default]
    MidP,
    /// Asymptotic chi-square test without continuity correction.
    ChiSquare,
    /// Asymptotic chi-square test with Edwards' continuity correction.
    ChiSquareCorrected,
}

method_names!(McNemarMethod, "McNemar method",
    Exact => "exact" | "binomial",
    MidP => "mid-p" | "midp",
    ChiSquare => "chi-square" | "asymptotic" | "chi2",
    ChiSquareCorrected => "chi-square-corrected" | "edwards" | "corrected",
);

/// Result of [`mcnemar_test`].
///
/// # Examples
///
/// ```
/// use survey_analytics::{mcnemar_test, McNemarMethod, PairedCounts};
/// let test = mcnemar_test(PairedCounts::new(5, 0, 0, 7)?, McNemarMethod::ChiSquare);
/// assert_eq!((test.statistic, test.p_value, test.discordant), (None, 1.0, 0));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct McNemarTest {
    /// The chi-square statistic (1 degree of freedom) of the asymptotic methods; `None` for the
    /// exact and mid-p tests, which have none (statsmodels reports `min(b, c)` there), and when
    /// there are no discordant pairs.
    pub statistic: Option<f64>,
    /// Two-sided p-value, in [0, 1].
    pub p_value: f64,
    /// Discordant pairs, `first_only + second_only`.
    pub discordant: u64,
    /// The method used.
    pub method: McNemarMethod,
}

/// McNemar's test that two yes/no items answered by the same respondents have equal shares.
///
/// See [`McNemarMethod`] for the four p-values. Use it, not
/// [`two_proportion_z_test`](crate::two_proportion_z_test), when the two shares come from the
/// same base.
///
/// # Numerics
///
/// The binomial tails are regularized incomplete beta functions, `P(X <= k) = I_{1/2}(m - k,
/// k + 1)`, from the crate's own incomplete beta (relative precision about 1e-14 however large
/// the shapes), and the point probability from Loader's saddle-point formula; statrs's binomial,
/// which fails near the centre at large `m`, is not used. The chi-square tails come from the
/// crate's incomplete gamma function. The p-values are accurate to 1e-12 relative at every `m` up
/// to 2^53 (tested against mpmath at 60 digits in `tests/fixtures/paired.tsv`; scipy is 3e-9 off
/// near 2^52); the statistics are exact up to one rounding. Cost: microseconds at any `m`.
///
/// # Examples
///
/// ```
/// use survey_analytics::{mcnemar_test, McNemarMethod, PairedCounts};
///
/// // 227 use AI for content but not images, 36 for images but not content.
/// let use_of_ai = PairedCounts::new(180, 227, 36, 387)?;
/// let test = mcnemar_test(use_of_ai, McNemarMethod::ChiSquare);
/// assert!((test.statistic.unwrap() - 191.0 * 191.0 / 263.0).abs() < 1e-12);
/// assert!(test.p_value < 1e-20);
///
/// // 3 against 1 discordant pairs: exact p = 2 (1 + 4) / 16 = 0.625, mid-p = 0.625 - 4/16.
/// let small = PairedCounts::new(10, 3, 1, 10)?;
/// assert!((mcnemar_test(small, McNemarMethod::Exact).p_value - 0.625).abs() < 1e-15);
/// assert!((mcnemar_test(small, McNemarMethod::MidP).p_value - 0.375).abs() < 1e-15);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
pub fn mcnemar_test(counts: PairedCounts, method: McNemarMethod) -> McNemarTest {
    let (b, c) = (counts.first_only, counts.second_only);
    let discordant = counts.discordant();
    let done = |statistic: Option<f64>, p_value: f64| McNemarTest {
        statistic,
        p_value: p_value.clamp(0.0, 1.0),
        discordant,
        method,
    };
    if discordant == 0 {
        return done(None, 1.0);
    }
    let m = discordant as f64;
    let k = b.min(c);
    match method {
        McNemarMethod::Exact | McNemarMethod::MidP => {
            if 2 * k == discordant {
                return done(None, 1.0);
            }
            let k = k as f64;
            // P(X <= k) for X ~ Bin(m, 1/2), k < m / 2.
            let tail = beta::tails(m - k, k + 1.0, 0.5, 0.5).lower;
            let p = if method == McNemarMethod::Exact {
                2.0 * tail
            } else {
                // 2 P(X <= k) - P(X = k) >= P(X <= k): at most a bit of cancellation.
                2.0 * tail - ln_binomial_pmf(k, m, 0.5, 0.5).exp()
            };
            done(None, p)
        }
        McNemarMethod::ChiSquare | McNemarMethod::ChiSquareCorrected => {
            let gap = b.abs_diff(c);
            let gap = if method == McNemarMethod::ChiSquareCorrected {
                gap.saturating_sub(1)
            } else {
                gap
            };
            // gap <= 2^53 is exact; its square is rounded once.
            let gap = gap as f64;
            let statistic = gap * gap / m;
            done(Some(statistic), chi_square_sf(statistic, 1.0))
        }
    }
}

/// How [`paired_difference_interval`] computes a confidence interval for `p1 - p2` of paired
/// shares.
///
/// With the cells `a = both`, `b = first_only`, `c = second_only`, `d = neither`, `n` their
/// total, `D = (b - c) / n` and `z = Phi^-1(1 - alpha/2)`:
///
/// * `Wald`: `D -/+ z sqrt(((b + c) / n - D^2) / n)`, written as
///   `sqrt(((b + c)(a + d) + 4 b c) / n^3)` so that it cannot cancel.
/// * `Newcombe` (the default): method 10 of Newcombe (1998), "square and add" of the Wilson
///   intervals `[l1, u1]` of `p1 = (a + b) / n` and `[l2, u2]` of `p2 = (a + c) / n`, with a
///   correlation correction:
///   `[D - sqrt(dl1^2 - 2 phi dl1 du2 + du2^2), D + sqrt(du1^2 - 2 phi du1 dl2 + dl2^2)]` with
///   `dl1 = p1 - l1`, `du1 = u1 - p1`, `dl2 = p2 - l2`, `du2 = u2 - p2`. Newcombe's `phi` is the
///   phi coefficient with a continuity correction towards 0 for positive association:
///   `phi = C / sqrt((a + b)(c + d)(a + c)(b + d))` with `A = a d - b c` and `C = A - n/2` when
///   `A > n/2`, `C = 0` when `0 <= A <= n/2`, `C = A` when `A < 0`; `phi = 0` when any of the
///   four margins is 0.
/// * `Tango`: the asymptotic score interval of Tango (1998): the `delta` with
///   `|b - c - n delta| <= z sqrt(n (2 q + delta (1 - delta)))`, where `q` is the maximum-likelihood
///   estimate of the `second_only` cell probability under `p1 - p2 = delta`, the positive root of
///   `2n q^2 + [-(b + c) + (2n - b + c) delta] q - c delta (1 - delta) = 0`. The bounds are found
///   by Brent's method.
///
/// Every interval is clipped to [-1, 1] and contains `D`; exchanging the items negates it.
///
/// Newcombe (1998) and Fagerland, Lydersen & Laake (2014) found Wald's interval too narrow for
/// small `n` or shares near 0 or 1; Tango's and Newcombe's both perform well, Tango's closest to
/// the nominal level, Newcombe's in closed form.
///
/// # Numerics
///
/// Every bound is accurate to 1e-13 of itself, also where it is of order `1 / n` at `n = 2^53`
/// (tested against 60-digit mpmath in `tests/fixtures/paired.tsv`; measured 1.6e-14). Newcombe's
/// Wilson deviations `p - l`, `u - p` are computed in a form without subtraction of the bounds
/// (which would leave an absolute 1e-16 on deviations of 1e-8 at `n = 2^53`), and for strongly
/// correlated items `1 - phi` comes from exact products in double-double arithmetic, so the
/// square-and-add does not cancel. Tango's restricted estimate is solved for the rarer of the two
/// discordant cells with the root formula that does not cancel, and each bound is found by Brent's
/// method to a few ulps of itself (measured 1.9e-15 against mpmath roots bracketed to 1e-45).
/// Cost: under a microsecond for the closed forms, a few microseconds for Tango.
///
/// # References
///
/// Newcombe (1998), "Improved confidence intervals for the difference between binomial
/// proportions based on paired data", Statistics in Medicine 17:2635-2650; Tango (1998),
/// "Equivalence test and confidence interval for the difference in proportions for the
/// paired-sample design", Statistics in Medicine 17:891-908; Fagerland, Lydersen & Laake (2014),
/// "Recommended tests and confidence intervals for paired binomial proportions", Statistics in
/// Medicine 33:2850-2875.
///
/// # Examples
///
/// ```
/// use survey_analytics::PairedDifferenceMethod;
/// assert_eq!(PairedDifferenceMethod::default(), PairedDifferenceMethod::Newcombe);
/// assert_eq!("score".parse::<PairedDifferenceMethod>()?, PairedDifferenceMethod::Tango);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum PairedDifferenceMethod {
    /// Normal approximation with the paired variance.
    Wald,
    /// Newcombe's square-and-add interval with the phi correction (method 10). The default.
    #[default]
    Newcombe,
    /// Tango's asymptotic score interval.
    Tango,
}

method_names!(PairedDifferenceMethod, "paired difference method",
    Wald => "wald",
    Newcombe => "newcombe" | "square-and-add" | "hybrid-score",
    Tango => "tango" | "score",
);

/// Confidence interval for `p1 - p2`, the difference between the shares of two yes/no items
/// answered by the same respondents.
///
/// See [`PairedDifferenceMethod`] for the formulas, numerics and references.
///
/// # Examples
///
/// ```
/// use survey_analytics::{paired_difference_interval, ConfidenceLevel, PairedCounts, PairedDifferenceMethod};
///
/// // 49% use AI for content, 26% for images: 23 points apart, on the same 830 respondents.
/// let use_of_ai = PairedCounts::new(180, 227, 36, 387)?;
/// let level = ConfidenceLevel::NINETY_FIVE;
/// let ci = paired_difference_interval(use_of_ai, PairedDifferenceMethod::Newcombe, level);
/// assert!(ci.contains(use_of_ai.difference()));
/// assert!(ci.lower > 0.18 && ci.upper < 0.28);
/// let tango = paired_difference_interval(use_of_ai, PairedDifferenceMethod::Tango, level);
/// assert!((tango.lower - ci.lower).abs() < 0.01);
///
/// // Exchanging the items negates the interval.
/// let swapped = paired_difference_interval(use_of_ai.swapped(), PairedDifferenceMethod::Tango, level);
/// assert_eq!((swapped.lower, swapped.upper), (-tango.upper, -tango.lower));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
pub fn paired_difference_interval(
    counts: PairedCounts,
    method: PairedDifferenceMethod,
    level: ConfidenceLevel,
) -> Interval {
    let z = level.z();
    let n = counts.total() as f64;
    let [a, b, c, d] = [
        counts.both,
        counts.first_only,
        counts.second_only,
        counts.neither,
    ]
    .map(|x| x as f64);
    let estimate = counts.difference();
    let interval = match method {
        PairedDifferenceMethod::Wald => {
            let variance = ((b + c) / n) * ((a + d) / n) + 4.0 * (b / n) * (c / n);
            let half = z * (variance / n).sqrt();
            Interval {
                lower: estimate - half,
                upper: estimate + half,
            }
        }
        PairedDifferenceMethod::Newcombe => newcombe(counts, estimate, z),
        PairedDifferenceMethod::Tango => tango(b / n, c / n, estimate, n, z),
    };
    let interval = interval.clipped(-1.0, 1.0);
    Interval {
        lower: interval.lower.min(estimate),
        upper: interval.upper.max(estimate),
    }
}

/// Newcombe's corrected phi (see [`PairedDifferenceMethod`]) and `1 - phi`, from exact integer
/// products.
fn newcombe_phi(counts: PairedCounts) -> (f64, f64) {
    let PairedCounts {
        both: a,
        first_only: b,
        second_only: c,
        neither: d,
    } = counts;
    let margins = [a + b, c + d, a + c, b + d];
    if margins.contains(&0) {
        return (0.0, 1.0);
    }
    // Products of counts below 2^53 are below 2^106: exact in i128.
    let association = i128::from(a) * i128::from(d) - i128::from(b) * i128::from(c);
    let n = i128::from(counts.total());
    // 2 C, exactly.
    let twice_corrected = if 2 * association > n {
        2 * association - n
    } else if association >= 0 {
        0
    } else {
        2 * association
    };
    let [e, f, g, h] = margins.map(|x| x as f64);
    let scale = (e * f).sqrt() * (g * h).sqrt();
    let corrected = 0.5 * (twice_corrected as f64);
    let phi = (corrected / scale).clamp(-1.0, 1.0);
    // 1 - phi without cancellation: next to 1, phi has lost the digits that matter. With
    // S^2 = e f g h (exact products, summed in double-double) and C > 0,
    // 1 - phi = (S^2 - C^2) / (S (S + C)).
    let complement = if twice_corrected > 0 {
        let high = twice_corrected as f64;
        // The rest of 2 C beyond its nearest double (2 C < 2^107, the double within 2^53 of it).
        let low = (twice_corrected - high as i128) as f64;
        let twice = Dd { hi: high, lo: low };
        let squares = Dd::product(e, f) * Dd::product(g, h) - twice * twice * Dd::new(0.25);
        (squares.value() / (scale * (scale + corrected))).clamp(0.0, 1.0)
    } else {
        1.0 - phi
    };
    (phi, complement)
}

/// `(p - l, u - p)` for the Wilson interval `[l, u]` of `x` of `n`, in a form that keeps their
/// relative precision (subtracting the bounds from `p` would not: at `n = 2^53` the deviations are
/// about 1e-8 and the bounds carry an absolute 1e-16).
///
/// For `p <= 1/2`, with `h = z sqrt(n) sqrt(p q + z^2 / (4n)) / (n + z^2)` the half-width and
/// `t = z^2 (1/2 - p) / (n + z^2)` the centre's shift from `p`: `u - p = h + t` and
/// `p - l = (h^2 - t^2) / (h + t) = (z^2 p q / (n + z^2)) / (h + t)`, sums of positive terms. A share
/// above 1/2 is its complement's mirror image.
fn wilson_deviations(x: f64, n: f64, z: f64) -> (f64, f64) {
    if x > n - x {
        let (below, above) = wilson_deviations(n - x, n, z);
        return (above, below);
    }
    let (p, q) = (x / n, (n - x) / n);
    let z2 = z * z;
    let scale = n + z2;
    let half = z * n.sqrt() / scale * (p * q + z2 / (4.0 * n)).sqrt();
    // 1/2 - p = (n - 2x) / (2n), from exact integers.
    let shift = z2 * ((n - 2.0 * x) / (2.0 * n)) / scale;
    let above = half + shift;
    let below = if above > 0.0 {
        (z2 * p * q / scale) / above
    } else {
        0.0
    };
    (below, above)
}

/// `x^2 - 2 phi x y + y^2` for `x, y >= 0`, as a sum of non-negative terms: for `phi > 0`,
/// `(x - y)^2 + 2 (1 - phi) x y`, which does not cancel when the items are strongly correlated.
/// Symmetric in `x` and `y` to the last bit, so exchanging the items negates the interval exactly.
fn square_and_add(x: f64, y: f64, phi: f64, complement: f64) -> f64 {
    if phi > 0.0 {
        (x - y) * (x - y) + 2.0 * complement * (x * y)
    } else {
        x * x + y * y - 2.0 * phi * (x * y)
    }
}

fn newcombe(counts: PairedCounts, estimate: f64, z: f64) -> Interval {
    let n = counts.total() as f64;
    let x1 = (counts.both + counts.first_only) as f64;
    let x2 = (counts.both + counts.second_only) as f64;
    let (dl1, du1) = wilson_deviations(x1, n, z);
    let (dl2, du2) = wilson_deviations(x2, n, z);
    let (phi, complement) = newcombe_phi(counts);
    let below = square_and_add(dl1, du2, phi, complement).sqrt();
    let above = square_and_add(du1, dl2, phi, complement).sqrt();
    Interval {
        lower: estimate - below,
        upper: estimate + above,
    }
}

/// `V(delta) = p12 + p21 - delta^2` at Tango's restricted estimate, with `r12 = b / n`,
/// `r21 = c / n` the observed discordant shares: `2 q + t (1 - t)`, `t = |delta|`, with `q` the
/// smaller of the two restricted cell probabilities (the `second_only` cell for `delta >= 0`; by
/// symmetry the `first_only` cell for `delta < 0`). `q` is the positive root of
/// `2 q^2 + B q + C = 0`, `B = -(r12 + r21) + (2 - (r_big - r_small)) t`,
/// `C = -r_small t (1 - t) <= 0`, taken in the form that does not cancel.
fn tango_variance(r12: f64, r21: f64, delta: f64) -> f64 {
    let (big, small) = if delta >= 0.0 { (r12, r21) } else { (r21, r12) };
    let t = delta.abs();
    let rest = 1.0 - t;
    let linear = -(r12 + r21) + (2.0 - (big - small)) * t;
    let constant = -small * t * rest;
    let root = (linear * linear - 8.0 * constant).sqrt();
    let q = if linear <= 0.0 {
        (root - linear) / 4.0
    } else {
        -2.0 * constant / (linear + root)
    };
    2.0 * q.max(0.0) + t * rest
}

fn tango(r12: f64, r21: f64, estimate: f64, n: f64, z: f64) -> Interval {
    let z2 = z * z;
    // Negative inside the interval, positive outside, zero at the bounds: n (D - delta)^2 is
    // compared with z^2 V(delta), both divided by n.
    let excess = |delta: f64| {
        let allowed = z2 * tango_variance(r12, r21, delta) / n;
        let value = (estimate - delta).powi(2) - allowed;
        // At delta = D both terms vanish when V(D) = 0 (no discordant pairs, or all of them on
        // one side): the interval extends beyond D.
        if value == 0.0 && delta == estimate {
            -f64::MIN_POSITIVE
        } else {
            value
        }
    };
    let bound = |edge: f64| {
        if estimate == edge || excess(edge) <= 0.0 {
            edge
        } else {
            brent(excess, estimate, edge, 0.0)
        }
    };
    Interval {
        lower: bound(-1.0),
        upper: bound(1.0),
    }
}

/// Cochran's Q test that `k` yes/no items answered by the same respondents have equal shares,
/// accumulated from the respondents' answers without holding them.
///
/// Q needs only the item totals `C_j` (yes answers to item `j`), and two sums over respondents
/// of their row totals `R_i` (yes answers given by respondent `i`): `N = sum R_i = sum C_j` and
/// `sum R_i^2`. Add respondents one at a time ([`CochranQ::add`]), merge accumulators of shards
/// ([`CochranQ::merge`]), or give totals counted elsewhere ([`CochranQ::from_totals`]); then
/// [`CochranQ::test`]. With every row read at once, [`cochrans_q`] does all of it.
///
/// # Examples
///
/// ```
/// use survey_analytics::CochranQ;
///
/// let mut q = CochranQ::new(3)?;
/// for row in [[true, false, false], [true, true, false], [true, false, false], [false, false, true]] {
///     q.add(&row)?;
/// }
/// assert_eq!(q.item_totals(), &[3, 1, 1]);
/// assert_eq!((q.respondents(), q.sum_squared_row_totals()), (4, 7));
/// let test = q.test()?;
/// assert_eq!(test.df, 2);
/// // Q = (k - 1)(k sum C^2 - N^2) / (k N - sum R^2) = 2 (3 * 11 - 25) / (15 - 7) = 2.
/// assert!((test.statistic.unwrap() - 2.0).abs() < 1e-15);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawCochranQ")]
pub struct CochranQ {
    item_totals: Vec<u64>,
    respondents: u64,
    sum_squared_row_totals: u64,
}

/// Unvalidated form used to deserialise [`CochranQ`].
#[derive(Deserialize)]
struct RawCochranQ {
    item_totals: Vec<u64>,
    respondents: u64,
    sum_squared_row_totals: u64,
}

impl TryFrom<RawCochranQ> for CochranQ {
    type Error = Error;

    fn try_from(raw: RawCochranQ) -> Result<Self> {
        Self::from_totals(
            &raw.item_totals,
            raw.respondents,
            raw.sum_squared_row_totals,
        )
    }
}

/// Result of Cochran's Q test ([`CochranQ::test`], [`cochrans_q`]).
///
/// # Examples
///
/// ```
/// use survey_analytics::cochrans_q;
/// // Nobody tells the items apart: no statistic, p = 1.
/// let test = cochrans_q([[true, true], [false, false]])?;
/// assert_eq!((test.statistic, test.p_value, test.df), (None, 1.0, 1));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CochranQTest {
    /// Cochran's Q; `None` when every respondent answered all items alike (all yes or all no),
    /// where it is 0/0.
    pub statistic: Option<f64>,
    /// Degrees of freedom, `k - 1`.
    pub df: u64,
    /// `P(chi2(k - 1) >= Q)`, in [0, 1]; 1 when there is no statistic.
    pub p_value: f64,
    /// Respondents counted.
    pub respondents: u64,
}

impl CochranQ {
    /// An empty accumulator for `items` yes/no items.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{CochranQ, Error};
    /// assert_eq!(CochranQ::new(4)?.item_totals(), &[0, 0, 0, 0]);
    /// assert!(matches!(CochranQ::new(1), Err(Error::TooFewValues { min: 2, .. })));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::TooFewValues`] for fewer than 2 items; [`Error::TooLarge`] for more than 2^20.
    pub fn new(items: usize) -> Result<Self> {
        check_items(items)?;
        Ok(Self {
            item_totals: vec![0; items],
            respondents: 0,
            sum_squared_row_totals: 0,
        })
    }

    /// An accumulator from totals counted elsewhere: each item's yes answers, the number of
    /// respondents, and the sum over respondents of the square of their number of yes answers.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{CochranQ, Error};
    ///
    /// let q = CochranQ::from_totals(&[3, 1, 1], 4, 7)?;
    /// assert!((q.test()?.statistic.unwrap() - 2.0).abs() < 1e-15);
    ///
    /// // Five yes answers cannot square to more than 3 * 5 with three items.
    /// assert!(matches!(CochranQ::from_totals(&[3, 1, 1], 4, 16), Err(Error::InvalidParameter { .. })));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`CochranQ::new`] for the number of items; [`Error::CountTooLarge`] when the
    /// respondents or the yes answers (`N`, the sum of the item totals) exceed 2^53;
    /// [`Error::SuccessesExceedTrials`] when an item total exceeds the respondents;
    /// [`Error::InvalidParameter`] when the sum of squares is impossible for these totals
    /// (outside `[max(N, N^2 / n), k N]`).
    pub fn from_totals(
        item_totals: &[u64],
        respondents: u64,
        sum_squared_row_totals: u64,
    ) -> Result<Self> {
        let k = item_totals.len();
        check_items(k)?;
        if respondents > MAX_TOTAL {
            return Err(Error::CountTooLarge {
                name: "respondents",
                value: respondents,
                max: MAX_TOTAL,
            });
        }
        if let Some(&total) = item_totals.iter().find(|&&c| c > respondents) {
            return Err(Error::SuccessesExceedTrials {
                successes: total,
                trials: respondents,
            });
        }
        let yes = yes_answers(item_totals)?;
        let (yes, n, squares) = (
            u128::from(yes),
            u128::from(respondents),
            u128::from(sum_squared_row_totals),
        );
        // R_i <= R_i^2 <= k R_i, and Cauchy-Schwarz: n sum R_i^2 >= N^2.
        let possible = squares >= yes && squares <= k as u128 * yes && n * squares >= yes * yes;
        if !possible {
            return Err(Error::InvalidParameter {
                name: "sum of squared row totals",
                value: sum_squared_row_totals as f64,
                requirement: "must lie between max(N, N^2 / n) and k N, for N yes answers to k \
                              items from n respondents",
            });
        }
        Ok(Self {
            item_totals: item_totals.to_vec(),
            respondents,
            sum_squared_row_totals,
        })
    }

    /// Adds one respondent's answers, one per item (`true` for yes).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{CochranQ, Error};
    /// let mut q = CochranQ::new(2)?;
    /// q.add(&[true, false])?;
    /// assert!(matches!(q.add(&[true]), Err(Error::LengthMismatch { expected: 2, len: 1, .. })));
    /// assert_eq!(q.respondents(), 1);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::LengthMismatch`] when the row does not have one answer per item;
    /// [`Error::CountTooLarge`] when the respondents or the yes answers would exceed 2^53. The
    /// accumulator is unchanged after an error.
    pub fn add(&mut self, row: &[bool]) -> Result<()> {
        if row.len() != self.item_totals.len() {
            return Err(Error::LengthMismatch {
                name: "answers of a respondent",
                expected: self.item_totals.len(),
                len: row.len(),
                per: "item",
            });
        }
        let yes = row.iter().filter(|&&answer| answer).count() as u64;
        self.add_respondents(1, yes, yes * yes)?;
        for (total, _) in self.item_totals.iter_mut().zip(row).filter(|(_, a)| **a) {
            // At most the respondents, checked above.
            *total += 1;
        }
        Ok(())
    }

    /// Adds the respondents counted by another accumulator of the same items (a shard of the
    /// same survey).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::CochranQ;
    /// let mut first = CochranQ::new(2)?;
    /// first.add(&[true, false])?;
    /// let mut second = CochranQ::new(2)?;
    /// second.add(&[true, true])?;
    /// first.merge(&second)?;
    /// assert_eq!(first, CochranQ::from_totals(&[2, 1], 2, 5)?);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::LengthMismatch`] when the two count different numbers of items;
    /// [`Error::CountTooLarge`] when the merged respondents or yes answers would exceed 2^53.
    /// The accumulator is unchanged after an error.
    pub fn merge(&mut self, other: &CochranQ) -> Result<()> {
        if other.item_totals.len() != self.item_totals.len() {
            return Err(Error::LengthMismatch {
                name: "item totals of the merged accumulator",
                expected: self.item_totals.len(),
                len: other.item_totals.len(),
                per: "item",
            });
        }
        // Both are at most 2^53 (checked when they were built), so the sum does not overflow.
        let yes = yes_answers(&other.item_totals)?;
        self.add_respondents(other.respondents, yes, other.sum_squared_row_totals)?;
        for (total, extra) in self.item_totals.iter_mut().zip(&other.item_totals) {
            *total += extra;
        }
        Ok(())
    }

    /// Checks and records `respondents` more respondents giving `yes` yes answers whose row
    /// totals' squares sum to `squares`.
    fn add_respondents(&mut self, respondents: u64, yes: u64, squares: u64) -> Result<()> {
        let total = self.respondents.saturating_add(respondents);
        if total > MAX_TOTAL {
            return Err(Error::CountTooLarge {
                name: "respondents",
                value: total,
                max: MAX_TOTAL,
            });
        }
        let all_yes = yes_answers(&self.item_totals)?.saturating_add(yes);
        if all_yes > MAX_TOTAL {
            return Err(Error::CountTooLarge {
                name: "yes answers (sum of the item totals)",
                value: all_yes,
                max: MAX_TOTAL,
            });
        }
        // sum R_i^2 <= k N can pass 2^64 only with about a million items all answered yes.
        let Some(all_squares) = self.sum_squared_row_totals.checked_add(squares) else {
            return Err(Error::CountTooLarge {
                name: "sum of squared row totals",
                value: u64::MAX,
                max: u64::MAX,
            });
        };
        self.sum_squared_row_totals = all_squares;
        self.respondents = total;
        Ok(())
    }

    /// Yes answers to each item, `C_j`.
    ///
    /// # Examples
    ///
    /// ```
    /// let q = survey_analytics::CochranQ::from_totals(&[3, 1], 3, 6)?;
    /// assert_eq!(q.item_totals(), &[3, 1]);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn item_totals(&self) -> &[u64] {
        &self.item_totals
    }

    /// Respondents counted, `n`.
    ///
    /// # Examples
    ///
    /// ```
    /// let q = survey_analytics::CochranQ::from_totals(&[3, 1], 3, 6)?;
    /// assert_eq!(q.respondents(), 3);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn respondents(&self) -> u64 {
        self.respondents
    }

    /// `sum R_i^2`, the squares of the respondents' numbers of yes answers, summed.
    ///
    /// # Examples
    ///
    /// ```
    /// let q = survey_analytics::CochranQ::from_totals(&[3, 1], 3, 6)?;
    /// assert_eq!(q.sum_squared_row_totals(), 6);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn sum_squared_row_totals(&self) -> u64 {
        self.sum_squared_row_totals
    }

    /// Cochran's Q test on the respondents counted.
    ///
    /// `Q = (k - 1) (k sum_j C_j^2 - N^2) / (k N - sum_i R_i^2)` against chi-square with `k - 1`
    /// degrees of freedom, as statsmodels `cochrans_q`. With two items Q is McNemar's
    /// uncorrected statistic ([`McNemarMethod::ChiSquare`]). When every respondent answered all
    /// items alike (all yes or all no) the denominator is 0 and nothing distinguishes the items:
    /// no statistic, p = 1.
    ///
    /// # Numerics
    ///
    /// The numerator and denominator are exact 128-bit integers (no cancellation however close
    /// the totals), so Q is exact up to three roundings; the p-value comes from the crate's
    /// incomplete gamma function: 1e-12 relative against mpmath at `k <= 10`
    /// (`tests/fixtures/cochran_q.tsv`).
    ///
    /// # References
    ///
    /// Cochran (1950), "The comparison of percentages in matched samples", Biometrika
    /// 37:256-266.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{CochranQ, Error};
    /// let q = CochranQ::from_totals(&[30, 18, 12], 40, 96)?;
    /// let test = q.test()?;
    /// // Q = 2 (3 (30^2 + 18^2 + 12^2) - 60^2) / (3 * 60 - 96) = 12; P(chi2(2) >= 12) = e^-6.
    /// assert_eq!(test.df, 2);
    /// assert!((test.p_value / (-6.0_f64).exp() - 1.0).abs() < 1e-13);
    /// assert_eq!(CochranQ::new(3)?.test(), Err(Error::EmptyBase));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::EmptyBase`] when no respondent has been counted.
    pub fn test(&self) -> Result<CochranQTest> {
        if self.respondents == 0 {
            return Err(Error::EmptyBase);
        }
        let k = self.item_totals.len() as u128;
        let yes: u128 = self.item_totals.iter().map(|&c| u128::from(c)).sum();
        let squares: u128 = self
            .item_totals
            .iter()
            .map(|&c| u128::from(c) * u128::from(c))
            .sum();
        let df = k as u64 - 1;
        // sum R_i (k - R_i) >= 0; zero exactly when every row is all yes or all no, and then
        // every item total is the same, so the numerator is zero too.
        let denominator = k * yes - u128::from(self.sum_squared_row_totals);
        // k sum C_j^2 >= (sum C_j)^2 (Cauchy-Schwarz).
        let numerator = k * squares - yes * yes;
        if denominator == 0 {
            return Ok(CochranQTest {
                statistic: None,
                df,
                p_value: 1.0,
                respondents: self.respondents,
            });
        }
        let statistic = (df as f64) * (numerator as f64 / denominator as f64);
        Ok(CochranQTest {
            statistic: Some(statistic),
            df,
            p_value: chi_square_sf(statistic, df as f64).clamp(0.0, 1.0),
            respondents: self.respondents,
        })
    }
}

/// Cochran's Q test on respondents' rows of yes/no answers, one answer per item, every row the
/// same length (at least 2). The rows are read once and not kept; see [`CochranQ`] for the
/// formula, numerics and for totals counted elsewhere.
///
/// # Examples
///
/// ```
/// use survey_analytics::{cochrans_q, mcnemar_test, McNemarMethod, PairedCounts};
///
/// // Three AI uses asked of the same six marketers.
/// let rows = vec![
///     vec![true, true, false],
///     vec![true, false, false],
///     vec![true, false, false],
///     vec![true, true, true],
///     vec![false, false, false],
///     vec![true, false, true],
/// ];
/// let test = cochrans_q(&rows)?;
/// assert_eq!(test.df, 2);
/// assert!(test.p_value > 0.05);
///
/// // With two items, Q is McNemar's uncorrected statistic.
/// let two = cochrans_q([[true, false], [true, false], [false, true], [true, true]])?;
/// let mcnemar = mcnemar_test(PairedCounts::new(1, 2, 1, 0)?, McNemarMethod::ChiSquare);
/// assert!((two.statistic.unwrap() - mcnemar.statistic.unwrap()).abs() < 1e-15);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::EmptyBase`] for no rows; [`Error::TooFewValues`] when the first row has fewer than
/// 2 answers; [`Error::TooLarge`] when it has more than 2^20; [`Error::LengthMismatch`] when a
/// later row has a different length; [`Error::CountTooLarge`] past 2^53 respondents or yes
/// answers.
pub fn cochrans_q<I, R>(rows: I) -> Result<CochranQTest>
where
    I: IntoIterator<Item = R>,
    R: AsRef<[bool]>,
{
    let mut rows = rows.into_iter();
    let Some(first) = rows.next() else {
        return Err(Error::EmptyBase);
    };
    let first = first.as_ref();
    let mut q = CochranQ::new(first.len())?;
    q.add(first)?;
    for row in rows {
        q.add(row.as_ref())?;
    }
    q.test()
}

fn check_items(items: usize) -> Result<()> {
    if items < 2 {
        return Err(Error::TooFewValues {
            name: "items of Cochran's Q",
            len: items,
            min: 2,
        });
    }
    if items > MAX_ITEMS {
        return Err(Error::TooLarge {
            what: "Cochran's Q",
            size: items as u64,
            max: MAX_ITEMS as u64,
            hint: "test at most 2^20 items at once",
        });
    }
    Ok(())
}

/// `N = sum C_j`, checked against 2^53.
fn yes_answers(item_totals: &[u64]) -> Result<u64> {
    match item_totals
        .iter()
        .try_fold(0_u64, |sum, &c| sum.checked_add(c))
    {
        Some(total) if total <= MAX_TOTAL => Ok(total),
        other => Err(Error::CountTooLarge {
            name: "yes answers (sum of the item totals)",
            value: other.unwrap_or(u64::MAX),
            max: MAX_TOTAL,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tango_restricted_estimate_maximises_the_constrained_likelihood() {
        // The score of the restricted log-likelihood in p21 must vanish at the estimate.
        for (b, c, n, delta) in [
            (15.0, 5.0, 50.0, 0.1),
            (3.0, 9.0, 40.0, -0.3),
            (0.0, 4.0, 12.0, 0.2),
            (7.0, 0.0, 30.0, -0.05),
        ] {
            let m: f64 = n - b - c;
            let variance = tango_variance(b / n, c / n, delta);
            let t = f64::abs(delta);
            // p21 recovered from V = p12 + p21 - delta^2 with p12 = p21 + delta.
            let p21 = (variance + delta * delta - delta) / 2.0;
            let p12 = p21 + delta;
            assert!(p21 >= 0.0 && p12 >= 0.0 && t <= 1.0);
            let score = b / p12 + c / p21 - 2.0 * m / (1.0 - p12 - p21);
            // Zero cells drop out of the likelihood; the estimate is then at the boundary.
            if b > 0.0 && c > 0.0 {
                assert!(score.abs() < 1e-9, "{score}");
            }
        }
    }

    #[test]
    fn newcombe_phi_follows_the_published_rule() {
        // A = 10 * 20 - 15 * 5 = 125 > n / 2 = 25: C = 100.
        let counts = PairedCounts::new(10, 15, 5, 20).unwrap();
        let expected = 100.0 / (25.0_f64 * 25.0 * 15.0 * 35.0).sqrt();
        let (phi, complement) = newcombe_phi(counts);
        assert!((phi - expected).abs() < 4e-16);
        assert!((complement - (1.0 - expected)).abs() < 4e-16);
        // 0 <= A <= n / 2: C = 0.
        assert_eq!(
            newcombe_phi(PairedCounts::new(1, 1, 1, 2).unwrap()),
            (0.0, 1.0)
        );
        // A < 0: uncorrected.
        let (phi, _) = newcombe_phi(PairedCounts::new(1, 5, 5, 1).unwrap());
        assert!((phi + 24.0 / 36.0).abs() < 1e-16);
        // A margin of 0.
        assert_eq!(
            newcombe_phi(PairedCounts::new(0, 0, 3, 4).unwrap()),
            (0.0, 1.0)
        );
    }
}

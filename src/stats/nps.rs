//! The Net Promoter Score: promoters' share minus detractors' share on a 0-10 "how likely are you to
//! recommend" question, with its standard error, confidence intervals and a comparison of two
//! groups.

use crate::error::{Error, Result};
use crate::stats::alternative::Alternative;
use crate::stats::interval::Interval;
use crate::stats::level::ConfidenceLevel;
use crate::stats::names::method_names;
use crate::stats::numerics::root::brent;
use crate::stats::proportion::check_base;
use crate::stats::z_test::share_difference;
use serde::{Deserialize, Serialize};

/// The answers to one 0-10 "how likely are you to recommend" question, grouped as the Net Promoter
/// Score groups them: promoters (9-10), passives (7-8) and detractors (0-6).
///
/// Three constructors:
///
/// * [`NetPromoter::new`] for counts of promoters, passives and detractors;
/// * [`NetPromoter::from_ratings`] for the eleven counts of the answers 0 to 10;
/// * [`NetPromoter::from_weighted`] for weighted sums of the three groups and the Kish effective base
///   `n_eff = (sum w)^2 / sum w^2` of the respondents, which stands in for the number of
///   respondents in the standard error and the intervals, as with
///   [`Proportion::from_estimate`](crate::Proportion::from_estimate).
///
/// **Scale.** Like every share in this crate, the score is on the proportion scale: the estimate is
/// `p_P - p_D` in [-1, 1] and intervals are in [-1, 1]. Reports quote it in points (-100 to 100):
/// [`NetPromoter::points`] and [`NetPromoter::interval_points`] multiply by 100.
///
/// **Variance.** The three groups are one trinomial sample, so the promoters' and detractors'
/// shares are negatively correlated and
/// `Var(p_P - p_D) = [p_P + p_D - (p_P - p_D)^2] / n`, with `n` the number of respondents (or the
/// effective base), **not** `n - 1`: the convention of Rocks (2016) and of his R package `NPS`
/// (`npvar`, `nps_se`), and the variance Tango's score interval is built on.
///
/// The fields are private so that the shares are in [0, 1] and the base is positive and finite.
///
/// # Examples
///
/// ```
/// use survey_analytics::{ConfidenceLevel, NetPromoter, NpsMethod};
///
/// // 120 promoters, 50 passives and 30 detractors: NPS = 60% - 15% = +45.
/// let nps = NetPromoter::new(120, 50, 30)?;
/// assert!((nps.estimate() - 0.45).abs() < 1e-15);
/// assert!((nps.points() - 45.0).abs() < 1e-12);
/// let ci = nps.interval(NpsMethod::Score, ConfidenceLevel::NINETY_FIVE);
/// assert!(ci.lower < 0.45 && 0.45 < ci.upper);
///
/// // The same from the eleven counts of the answers 0 to 10.
/// let ratings = NetPromoter::from_ratings([2, 1, 0, 3, 4, 8, 12, 20, 30, 50, 70])?;
/// assert_eq!(ratings, nps);
///
/// // Weighted: weighted sums of each group and the Kish effective base of the weights.
/// let weighted = NetPromoter::from_weighted(131.5, 44.0, 24.5, 171.2)?;
/// assert_eq!(weighted.base(), 171.2);
///
/// assert!(NetPromoter::new(0, 0, 0).is_err());
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NetPromoter {
    promoters: f64,
    passives: f64,
    detractors: f64,
    net: f64,
    base: f64,
    /// `net = net_count / net_total` before rounding: promoters minus detractors and the total, as
    /// counts (exact below 2^53) or as the weighted sums scaled by the largest. The difference of
    /// two scores is formed from these, so close scores do not cancel.
    net_count: f64,
    net_total: f64,
}

impl NetPromoter {
    /// Counts of promoters (answers 9-10), passives (7-8) and detractors (0-6).
    ///
    /// Counts above 2^53 are rounded to the nearest `f64`; the score is formed from the exact
    /// difference of the counts.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Error, NetPromoter};
    /// let nps = NetPromoter::new(3, 1, 0)?;
    /// assert_eq!((nps.promoters(), nps.passives(), nps.detractors()), (0.75, 0.25, 0.0));
    /// assert_eq!(NetPromoter::new(0, 0, 0), Err(Error::EmptyBase));
    /// assert!(matches!(NetPromoter::new(u64::MAX, 1, 0), Err(Error::CountTooLarge { .. })));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::EmptyBase`] when all three counts are 0; [`Error::CountTooLarge`] when their sum
    /// exceeds `u64::MAX`.
    pub fn new(promoters: u64, passives: u64, detractors: u64) -> Result<Self> {
        let total = promoters
            .checked_add(passives)
            .and_then(|sum| sum.checked_add(detractors))
            .ok_or(Error::CountTooLarge {
                name: "respondents",
                value: u64::MAX,
                max: u64::MAX,
            })?;
        if total == 0 {
            return Err(Error::EmptyBase);
        }
        // u64 -> f64 is exact below 2^53 and correctly rounded above; the rounding is monotone, so
        // every share stays in [0, 1] and the score in [-1, 1].
        let n = total as f64;
        let net_count = (i128::from(promoters) - i128::from(detractors)) as f64;
        Ok(Self {
            promoters: promoters as f64 / n,
            passives: passives as f64 / n,
            detractors: detractors as f64 / n,
            net: net_count / n,
            base: n,
            net_count,
            net_total: n,
        })
    }

    /// The eleven counts of the answers 0, 1, ..., 10 (`counts[k]` respondents answered `k`):
    /// 9 and 10 are promoters, 7 and 8 passives, 0 to 6 detractors.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::NetPromoter;
    /// let nps = NetPromoter::from_ratings([1, 0, 0, 0, 0, 0, 1, 1, 1, 2, 4])?;
    /// assert_eq!(nps, NetPromoter::new(6, 2, 2)?);
    /// assert!((nps.estimate() - 0.4).abs() < 1e-15);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::EmptyBase`] when every count is 0; [`Error::CountTooLarge`] when their sum exceeds
    /// `u64::MAX`.
    pub fn from_ratings(counts: [u64; 11]) -> Result<Self> {
        let overflow = Error::CountTooLarge {
            name: "respondents",
            value: u64::MAX,
            max: u64::MAX,
        };
        let sum = |range: &[u64]| {
            range
                .iter()
                .try_fold(0_u64, |acc, &c| acc.checked_add(c))
                .ok_or(overflow.clone())
        };
        Self::new(sum(&counts[9..])?, sum(&counts[7..9])?, sum(&counts[..7])?)
    }

    /// Weighted sums of promoters, passives and detractors (each finite and non-negative, not all
    /// 0) observed on a Kish effective base `effective_base` (finite and positive, may be
    /// fractional): the shares are each sum over their total, and `effective_base` stands in for
    /// the number of respondents.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Error, NetPromoter};
    /// // Weights (1, 1, 2, 4) on a promoter, a passive, a promoter and a detractor:
    /// // effective base (1+1+2+4)^2 / (1+1+4+16) = 2.91.
    /// let nps = NetPromoter::from_weighted(3.0, 1.0, 4.0, 64.0 / 22.0)?;
    /// assert_eq!(nps.estimate(), -0.125);
    /// assert!(matches!(
    ///     NetPromoter::from_weighted(f64::NAN, 1.0, 1.0, 3.0),
    ///     Err(Error::InvalidWeight { .. })
    /// ));
    /// assert!(matches!(
    ///     NetPromoter::from_weighted(1.0, 1.0, 1.0, 0.0),
    ///     Err(Error::NotPositive { .. })
    /// ));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidWeight`] when a weighted sum is negative, NaN or infinite;
    /// [`Error::EmptyBase`] when all three are 0; [`Error::NotPositive`] unless the effective base
    /// is finite and positive.
    pub fn from_weighted(
        promoters: f64,
        passives: f64,
        detractors: f64,
        effective_base: f64,
    ) -> Result<Self> {
        for value in [promoters, passives, detractors] {
            if !(value >= 0.0 && value.is_finite()) {
                return Err(Error::InvalidWeight {
                    value,
                    record: None,
                });
            }
        }
        let largest = promoters.max(passives).max(detractors);
        if largest == 0.0 {
            return Err(Error::EmptyBase);
        }
        let base = check_base(effective_base)?;
        // Scaled by the largest sum, the total is in [1, 3]: no overflow near f64::MAX. Summed as
        // (p + d) + m, so exchanging promoters and detractors gives the same total.
        let (p, m, d) = (
            promoters / largest,
            passives / largest,
            detractors / largest,
        );
        let total = (p + d) + m;
        Ok(Self {
            promoters: p / total,
            passives: m / total,
            detractors: d / total,
            net: ((p - d) / total).clamp(-1.0, 1.0),
            base,
            net_count: p - d,
            net_total: total,
        })
    }

    /// The promoters' share `p_P`, in [0, 1].
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(survey_analytics::NetPromoter::new(1, 2, 1)?.promoters(), 0.25);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn promoters(&self) -> f64 {
        self.promoters
    }

    /// The passives' share, in [0, 1].
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(survey_analytics::NetPromoter::new(1, 2, 1)?.passives(), 0.5);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn passives(&self) -> f64 {
        self.passives
    }

    /// The detractors' share `p_D`, in [0, 1].
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(survey_analytics::NetPromoter::new(1, 2, 1)?.detractors(), 0.25);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn detractors(&self) -> f64 {
        self.detractors
    }

    /// The number of respondents, or the effective base of weighted data.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(survey_analytics::NetPromoter::new(5, 3, 2)?.base(), 10.0);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn base(&self) -> f64 {
        self.base
    }

    /// The Net Promoter Score on the share scale, `p_P - p_D` in [-1, 1].
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(survey_analytics::NetPromoter::new(5, 3, 2)?.estimate(), 0.3);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn estimate(&self) -> f64 {
        self.net
    }

    /// The Net Promoter Score in points, `100 (p_P - p_D)` in [-100, 100], as reports quote it.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(survey_analytics::NetPromoter::new(5, 3, 2)?.points(), 30.0);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn points(&self) -> f64 {
        100.0 * self.net
    }

    /// The variance of one respondent's score (+1, 0 or -1): `p_P + p_D - (p_P - p_D)^2`, in
    /// [0, 1]. The variance of the estimate is this over the base.
    ///
    /// Computed as `p_0 (p_P + p_D) + 4 p_P p_D` (`p_0` the passives' share), a sum of positive
    /// terms, so it keeps its relative precision next to 0 (almost all promoters, say).
    ///
    /// # Examples
    ///
    /// ```
    /// // 5 promoters, 3 passives, 2 detractors: 0.5 + 0.2 - 0.3^2 = 0.61.
    /// let nps = survey_analytics::NetPromoter::new(5, 3, 2)?;
    /// assert!((nps.variance() - 0.61).abs() < 1e-15);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn variance(&self) -> f64 {
        unit_variance(self.promoters, self.passives, self.detractors)
    }

    /// The standard error of the estimate, `sqrt([p_P + p_D - (p_P - p_D)^2] / n)` (`n`, not
    /// `n - 1`; see [`NetPromoter`]).
    ///
    /// # Examples
    ///
    /// ```
    /// let nps = survey_analytics::NetPromoter::new(50, 30, 20)?;
    /// assert!((nps.std_error() - 0.61_f64.sqrt() / 10.0).abs() < 1e-15);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn std_error(&self) -> f64 {
        // sqrt(v) / sqrt(n) rather than sqrt(v / n): no overflow for a subnormal effective base.
        self.variance().sqrt() / self.base.sqrt()
    }

    /// The confidence interval for the score by `method`, on the share scale, within [-1, 1].
    ///
    /// See [`NpsMethod`] for the formulas, conventions and numerics.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{ConfidenceLevel, NetPromoter, NpsMethod};
    ///
    /// // 9 of 10 respondents are promoters: Wald reaches past +100 and is clipped there;
    /// // Tango's score interval stays inside.
    /// let nps = NetPromoter::new(9, 1, 0)?;
    /// let level = ConfidenceLevel::NINETY_FIVE;
    /// assert_eq!(nps.interval(NpsMethod::Wald, level).upper, 1.0);
    /// let score = nps.interval(NpsMethod::Score, level);
    /// assert!(score.lower < 0.9 && score.upper < 1.0);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn interval(&self, method: NpsMethod, level: ConfidenceLevel) -> Interval {
        let z = level.z();
        match method {
            NpsMethod::Wald => {
                let half = z * self.std_error();
                Interval {
                    lower: self.net - half,
                    upper: self.net + half,
                }
                .clipped(-1.0, 1.0)
            }
            NpsMethod::Score => tango(self.promoters, self.detractors, self.net, self.base, z),
        }
    }

    /// [`NetPromoter::interval`] in points: both bounds times 100, within [-100, 100].
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{ConfidenceLevel, NetPromoter, NpsMethod};
    /// let nps = NetPromoter::new(120, 50, 30)?;
    /// let level = ConfidenceLevel::NINETY_FIVE;
    /// let points = nps.interval_points(NpsMethod::Score, level);
    /// let share = nps.interval(NpsMethod::Score, level);
    /// assert_eq!(points.lower, 100.0 * share.lower);
    /// assert!(points.lower > 30.0 && points.upper < 60.0);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn interval_points(&self, method: NpsMethod, level: ConfidenceLevel) -> Interval {
        let share = self.interval(method, level);
        Interval {
            lower: 100.0 * share.lower,
            upper: 100.0 * share.upper,
        }
    }
}

/// `p_P + p_D - (p_P - p_D)^2` as `p_0 (p_P + p_D) + 4 p_P p_D`, with `p_0 = 1 - p_P - p_D`.
fn unit_variance(promoters: f64, passives: f64, detractors: f64) -> f64 {
    passives * (promoters + detractors) + 4.0 * promoters * detractors
}

/// How to compute a confidence interval for the Net Promoter Score.
///
/// With shares `p_P`, `p_D` of `n` respondents (or an effective base), estimate `d = p_P - p_D`,
/// level `1 - alpha` and `z = Phi^-1(1 - alpha/2)`:
///
/// * `Wald`: `d -/+ z sqrt([p_P + p_D - d^2] / n)`, clipped to [-1, 1]. When every respondent is in
///   one group (all promoters, all passives or all detractors) the standard error is 0 and the
///   interval is the single point `[d, d]`. It undercovers at small `n` and near +-1 (Rocks 2016).
/// * `Score` (the default): Tango's score interval for the difference of two proportions from one
///   multinomial sample (Tango 1998): the "iterative score" test that Rocks (2016) found, with
///   variations of the adjusted Wald, to have superior performance among common interval methods
///   on a large database of companies' scores. The bounds are the `delta` in [-1, 1] where
///   `(d - delta)^2 = z^2 [2 q_D + delta (1 - delta)] / n`, with `q_D` the maximum-likelihood
///   detractors' share under `p_P - p_D = delta`: the positive root of
///   `2 n q^2 + B q + C = 0`, `B = -(x_P + x_D) + (2n - x_P + x_D) delta`,
///   `C = -x_D delta (1 - delta)` (`x_P = n p_P`, `x_D = n p_D`). These are the formulas of Rocks's
///   R package `NPS` (function `iterative`, with Tango's discordant cells as promoters and
///   detractors); the quadratic is the trinomial likelihood equation under the constraint. The
///   variance is divided by `n`, not `n - 1`. With `t = z^2 / (n + z^2)`, unanimous samples have
///   closed forms: all promoters `[1 - 2t, 1]`, all detractors `[-1, 2t - 1]`, all passives
///   `[-t, t]`.
///
/// Both intervals contain the estimate, have ordered bounds in [-1, 1] and are never NaN, for any
/// counts up to `u64::MAX`, any effective base and any [`ConfidenceLevel`]. Exchanging promoters and
/// detractors negates the estimate and mirrors both intervals.
///
/// # Numerics
///
/// The Wald interval is accurate to a few ulps (1e-15 absolute). For the score interval the
/// restricted estimate is computed without cancellation (for `delta < 0` by exchanging promoters
/// and detractors, so that `C <= 0`, and by the product of the roots when `B > 0`), and each bound is
/// found by Brent's method in `[d, 1]` or `[-1, d]` to a few ulps. Against an independent 50-digit
/// mpmath implementation of Tango's formulas (`tests/fixtures/nps.tsv`, `n` from 1 to 10^9) both
/// agree to 1e-13 of `max(|lower|, |upper|)`. A score interval costs a few microseconds.
///
/// # References
///
/// Tango, T. (1998), "Equivalence test and confidence interval for the difference in proportions
/// for the paired-sample design", *Statistics in Medicine* 17, 891-908 (erratum 18, 1999);
/// Rocks, B. (2016), "Interval Estimation for the 'Net Promoter Score'", *The American
/// Statistician* 70(4), 365-372.
///
/// # Examples
///
/// ```
/// use survey_analytics::NpsMethod;
/// assert_eq!(NpsMethod::default(), NpsMethod::Score);
/// assert_eq!("tango".parse::<NpsMethod>()?, NpsMethod::Score);
/// assert_eq!(NpsMethod::Wald.to_string(), "wald");
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum NpsMethod {
    /// Normal approximation with the trinomial variance.
    Wald,
    /// Tango's score interval (Tango 1998; Rocks 2016). The default.
    #[default]
    Score,
}

method_names!(NpsMethod, "NPS interval method",
    Wald => "wald" | "normal",
    Score => "score" | "tango" | "iterative",
);

/// The maximum-likelihood detractors' share under `p_P - p_D = delta`, for `delta >= 0`: the
/// non-negative root of `2 q^2 + B q + C = 0` (Tango's quadratic divided by `n`), with
/// `B = -(p_P + p_D) + (2 - p_P + p_D) delta` and `C = -p_D delta (1 - delta) <= 0`. The root is
/// `(sqrt(B^2 - 8C) - B) / 4` for `B <= 0`, and `-2C / (B + sqrt(B^2 - 8C))` for `B > 0`: a sum of
/// positive terms either way.
fn restricted_detractors(promoters: f64, detractors: f64, delta: f64) -> f64 {
    let b = -(promoters + detractors) + (2.0 - promoters + detractors) * delta;
    let minus_c = detractors * delta * (1.0 - delta);
    let root = b.hypot((8.0 * minus_c).sqrt());
    if b > 0.0 {
        2.0 * minus_c / (b + root)
    } else {
        (root - b) / 4.0
    }
}

/// `2 q_D + delta (1 - delta)`, the variance of one respondent's score under `p_P - p_D = delta`,
/// at the restricted estimate. For `delta < 0` the groups are exchanged (the variance is symmetric
/// under that exchange), so the restricted estimate is always solved for with `C <= 0`.
fn restricted_variance(promoters: f64, detractors: f64, delta: f64) -> f64 {
    let (p, d, e) = if delta >= 0.0 {
        (promoters, detractors, delta)
    } else {
        (detractors, promoters, -delta)
    };
    2.0 * restricted_detractors(p, d, e) + e * (1.0 - e)
}

/// Tango's score interval: the `delta` with `|d - delta| = s sqrt(V(delta))`, `s = z / sqrt(n)`.
///
/// The restricted variance at the estimate is the ordinary one, which is 0 only for unanimous
/// samples (`d` = -1, 0 with no promoters or detractors, or 1): there the search bracket would end on a
/// spurious root at `d`, and the bounds have closed forms instead. With `t = s^2 / (1 + s^2)`: all
/// passives give `-/+ t`; all promoters `[1 - 2t, 1]`; all detractors `[-1, -1 + 2t]`.
fn tango(promoters: f64, detractors: f64, net: f64, n: f64, z: f64) -> Interval {
    // n >= 5e-324 gives sqrt(n) >= 2.2e-162, so s is finite.
    let s = z / n.sqrt();
    let t = if s <= 1.0 {
        s * s / (1.0 + s * s)
    } else {
        1.0 / (1.0 + (1.0 / s) * (1.0 / s))
    };
    if promoters == 0.0 && detractors == 0.0 {
        // All passives: q_D = 0 for delta >= 0, and the bound solves delta^2 = s^2 delta (1 - delta).
        return Interval {
            lower: -t,
            upper: t,
        };
    }
    // The lower bound is the mirror image of the upper bound of the sample with promoters and
    // detractors exchanged, computed by the same code, so the interval mirrors exactly.
    let upper = tango_upper(promoters, detractors, net, s, t);
    let lower = -tango_upper(detractors, promoters, -net, s, t);
    Interval {
        lower: lower.min(net),
        upper: upper.max(net),
    }
    .clipped(-1.0, 1.0)
}

/// The upper bound of Tango's interval (see [`tango`]), for a sample that is not all passives.
fn tango_upper(promoters: f64, detractors: f64, net: f64, s: f64, t: f64) -> f64 {
    if net >= 1.0 {
        return 1.0;
    }
    if net <= -1.0 {
        // All detractors: (delta + 1)^2 = s^2 (1 + delta)(1 - delta).
        return 2.0 * t - 1.0;
    }
    let spread = |delta: f64| s * restricted_variance(promoters, detractors, delta).sqrt();
    // Above the estimate, (delta - d) - spread(delta) goes from -spread(d) < 0 to 1 - d > 0; Tango's
    // statistic decreased in delta in every case checked (all counts up to n = 11 on a grid of
    // 400 values), so the bracket holds one root.
    brent(|delta| (delta - net) - spread(delta), net, 1.0, 0.0)
}

/// The difference `a - b` between the Net Promoter Scores of two independent groups, with its
/// standard error and Wald interval (on the share scale: the difference is in [-2, 2]).
///
/// # Examples
///
/// ```
/// use survey_analytics::{nps_difference, ConfidenceLevel, NetPromoter};
/// let this_year = NetPromoter::new(120, 50, 30)?;
/// let last_year = NetPromoter::new(90, 60, 50)?;
/// let change = nps_difference(this_year, last_year, ConfidenceLevel::NINETY_FIVE);
/// assert!((change.difference - 0.25).abs() < 1e-15);
/// assert!(change.interval.lower > 0.0);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NpsDifference {
    /// `d_a - d_b`, in [-2, 2].
    pub difference: f64,
    /// `sqrt(V_a / n_a + V_b / n_b)`, the unpooled standard error (the variances add).
    pub std_error: f64,
    /// The Wald interval `difference -/+ z std_error`, clipped to [-2, 2].
    pub interval: Interval,
}

/// The difference between two independent groups' Net Promoter Scores, `a - b`, with its standard
/// error and Wald interval.
///
/// The two samples are independent, so the variances add:
/// `SE = sqrt([p_Pa + p_Da - d_a^2] / n_a + [p_Pb + p_Db - d_b^2] / n_b)` (each over `n`, as in
/// [`NetPromoter`]), and the interval is `d_a - d_b -/+ z SE`, clipped to [-2, 2]; weighted groups
/// enter with their effective bases. It is the two-sample test of Rocks's R package `NPS`
/// (`nps_test`).
///
/// Tango's score interval ([`NpsMethod::Score`]) does not extend in closed form to two independent
/// samples: its restricted estimate would maximise the likelihood of two trinomials (four free
/// shares) under one constraint, which has no closed-form solution and no published definition
/// to test against, so only Wald is offered here.
///
/// # Numerics
///
/// A few ulps: the difference to 1e-15 relative (each score's rounding is added back, so close
/// scores do not cancel), the standard error to 1e-15 relative and the bounds to 1e-15 absolute
/// (tested against mpmath).
///
/// # Examples
///
/// ```
/// use survey_analytics::{nps_difference, ConfidenceLevel, NetPromoter};
/// let a = NetPromoter::new(40, 30, 30)?;
/// let b = NetPromoter::new(30, 30, 40)?;
/// let d = nps_difference(a, b, ConfidenceLevel::NINETY_FIVE);
/// assert!((d.difference - 0.2).abs() < 1e-15);
/// assert!(d.interval.contains(d.difference));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
pub fn nps_difference(a: NetPromoter, b: NetPromoter, level: ConfidenceLevel) -> NpsDifference {
    let difference = score_difference(a, b);
    let std_error = a.std_error().hypot(b.std_error());
    let half = level.z() * std_error;
    NpsDifference {
        difference,
        std_error,
        interval: Interval {
            lower: difference - half,
            upper: difference + half,
        }
        .clipped(-2.0, 2.0),
    }
}

/// `d_a - d_b` to an ulp or two of itself: each score's rounding is added back after the exact
/// subtraction (close scores would otherwise cancel: +40 against +39.998 on 10^9 respondents each
/// loses 1e-12 relative). Clamped to [-2, 2].
fn score_difference(a: NetPromoter, b: NetPromoter) -> f64 {
    share_difference(a.net_count, a.net_total, b.net_count, b.net_total).clamp(-2.0, 2.0)
}

/// Result of [`nps_z_test`].
///
/// # Examples
///
/// ```
/// use survey_analytics::{nps_z_test, Alternative, NetPromoter};
/// let test = nps_z_test(NetPromoter::new(45, 30, 25)?, NetPromoter::new(40, 30, 30)?, Alternative::TwoSided)?;
/// assert!((test.difference - 0.1).abs() < 1e-15);
/// assert!(test.p_value > 0.3); // +20 vs +10 on 100 each: no evidence of a difference
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NpsZTest {
    /// `z = (d_a - d_b) / std_error`.
    pub statistic: f64,
    /// p-value under the chosen alternative.
    pub p_value: f64,
    /// The observed difference `d_a - d_b`.
    pub difference: f64,
    /// The unpooled standard error, as in [`NpsDifference`].
    pub std_error: f64,
    /// The alternative the p-value refers to.
    pub alternative: Alternative,
}

/// Wald z-test of equal Net Promoter Scores in two independent groups:
/// `z = (d_a - d_b) / sqrt(V_a / n_a + V_b / n_b)` (the unpooled standard error of
/// [`nps_difference`]), referred to the standard normal under `alternative` (`Greater`: `a`'s
/// score is higher). This is the two-sample test of Rocks's R package `NPS` (`nps_test`), which
/// reports the two-sided p-value.
///
/// When both standard errors are 0 (each group unanimous) and the scores are equal, the statistic
/// is 0 (two-sided p-value 1). A statistic beyond the largest double (a subnormal standard error,
/// from a huge effective base) is reported as `-/+ f64::MAX`, with its p-value 0.
///
/// # Numerics
///
/// The difference is carried to an ulp of itself (each score's rounding added back), the statistic
/// to a few ulps; p-values come from the crate's normal tail, 1e-14 plus 1e-15 `|ln p|` relative
/// (tested against mpmath).
///
/// # Examples
///
/// ```
/// use survey_analytics::{nps_z_test, Alternative, NetPromoter};
/// let this_year = NetPromoter::new(120, 50, 30)?;
/// let last_year = NetPromoter::new(90, 60, 50)?;
/// let test = nps_z_test(this_year, last_year, Alternative::Greater)?;
/// assert!(test.statistic > 3.0 && test.p_value < 0.001);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::Undefined`] when both standard errors are 0 and the scores differ (say all promoters
/// against all passives): the statistic would be infinite.
pub fn nps_z_test(a: NetPromoter, b: NetPromoter, alternative: Alternative) -> Result<NpsZTest> {
    let difference = score_difference(a, b);
    let std_error = a.std_error().hypot(b.std_error());
    let statistic = if std_error > 0.0 {
        // A subnormal standard error can overflow the ratio: saturate at the largest double.
        (difference / std_error).clamp(-f64::MAX, f64::MAX)
    } else if difference == 0.0 {
        0.0
    } else {
        return Err(Error::Undefined {
            what: "the NPS z-test",
            reason: "each group is unanimous (all promoters, all passives or all detractors), so \
                     the standard error is 0 while the scores differ; report the two scores \
                     without a test",
        });
    };
    Ok(NpsZTest {
        statistic,
        p_value: alternative.normal_p_value(statistic),
        difference,
        std_error,
        alternative,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restricted_estimate_solves_the_likelihood_equation() {
        // d/dq of x_P ln(q + delta) + x_D ln q + x_0 ln(1 - 2q - delta) vanishes at q_D.
        let (p, m, d) = (0.5, 0.3, 0.2);
        for delta in [0.0, 0.1, 0.3, 0.6, 0.9] {
            let q = restricted_detractors(p, d, delta);
            let score = p / (q + delta) + d / q - 2.0 * m / (1.0 - 2.0 * q - delta);
            assert!(score.abs() < 1e-12, "delta {delta}: score {score}");
        }
    }

    #[test]
    fn restricted_variance_is_the_unrestricted_one_at_the_estimate() {
        let nps = NetPromoter::new(7, 2, 4).unwrap();
        let at = restricted_variance(nps.promoters, nps.detractors, nps.net);
        assert!((at - nps.variance()).abs() < 1e-15);
        let nps = NetPromoter::new(2, 2, 7).unwrap();
        let at = restricted_variance(nps.promoters, nps.detractors, nps.net);
        assert!((at - nps.variance()).abs() < 1e-15);
    }
}

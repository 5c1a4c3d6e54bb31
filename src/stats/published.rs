//! Auditing published survey figures when no raw data exist: a rounded percentage and a base
//! determine a range of possible counts, hence intervals and tests that hold for all of them.

use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::portable::serialize_count;
use crate::stats::alternative::Alternative;
use crate::stats::interval::Interval;
use crate::stats::level::{Alpha, ConfidenceLevel};
use crate::stats::proportion::{Proportion, ProportionMethod};
use crate::stats::z_test::{TwoProportionZTest, two_proportion_z_test};

/// A percentage as a report prints it ("41%"), with the base it was computed on.
///
/// A printed figure hides the count behind it: 41% of 130 could be 53 respondents (40.8%) or 54
/// (41.5%). [`PublishedShare::counts`] recovers every count consistent with the rounding, and the
/// interval and tests below hold whichever of them is the true one. The rounding is taken as
/// "nearest", with both half-way points allowed (a report may round halves up or to even).
///
/// # Examples
///
/// ```
/// use survey_analytics::{ConfidenceLevel, ProportionMethod, PublishedShare};
///
/// let leaders = PublishedShare::new(41.0, 130)?;
/// assert_eq!(leaders.counts(), Some(53..=53));
/// let ics = PublishedShare::new(18.0, 400)?;
/// assert_eq!(ics.counts(), Some(70..=74));
/// let ci = ics.interval(ProportionMethod::Wilson, ConfidenceLevel::NINETY_FIVE)?;
/// assert!(ci.lower < 0.15 && ci.upper > 0.21);
/// // 33% of 10 is impossible: no count out of 10 rounds to 33%.
/// assert_eq!(PublishedShare::new(33.0, 10)?.counts(), None);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
///
/// Serialised as `{"percent", "base", "decimals"}` and read back through
/// [`PublishedShare::with_decimals`], so JSON cannot build a share it would refuse; a base above
/// 2^53, which JSON readers would round, is refused when written.
///
/// ```
/// use survey_analytics::PublishedShare;
///
/// let share = PublishedShare::new(41.0, 130)?;
/// let json = serde_json::to_string(&share).unwrap();
/// assert_eq!(serde_json::from_str::<PublishedShare>(&json).unwrap(), share);
/// assert!(serde_json::from_str::<PublishedShare>(r#"{"percent": 141, "base": 130, "decimals": 0}"#).is_err());
/// assert!(serde_json::to_string(&PublishedShare::new(41.0, u64::MAX)?).is_err());
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawPublishedShare")]
pub struct PublishedShare {
    percent: f64,
    #[serde(serialize_with = "serialize_count")]
    base: u64,
    decimals: u32,
}

/// Unvalidated form used to deserialise a [`PublishedShare`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPublishedShare {
    percent: f64,
    base: u64,
    decimals: u32,
}

impl TryFrom<RawPublishedShare> for PublishedShare {
    type Error = Error;

    fn try_from(raw: RawPublishedShare) -> Result<Self> {
        Self::with_decimals(raw.percent, raw.base, raw.decimals)
    }
}

impl PublishedShare {
    /// A whole-number percentage of `base` respondents.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Error, PublishedShare};
    /// assert_eq!(PublishedShare::new(41.0, 130)?.base(), 130);
    /// assert!(matches!(PublishedShare::new(41.0, 0), Err(Error::EmptyBase)));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] unless `0 <= percent <= 100`; [`Error::EmptyBase`] for a zero
    /// base.
    pub fn new(percent: f64, base: u64) -> Result<Self> {
        Self::with_decimals(percent, base, 0)
    }

    /// A percentage printed with `decimals` decimal places (41.5% has one).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::PublishedShare;
    /// let share = PublishedShare::with_decimals(41.5, 130, 1)?;
    /// assert_eq!(share.counts(), Some(54..=54)); // 53/130 is 40.8%, 54/130 41.5%, 55/130 42.3%
    /// assert!(PublishedShare::with_decimals(41.5, 130, 7).is_err());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`PublishedShare::new`], and [`Error::InvalidParameter`] for more than 6 decimals.
    pub fn with_decimals(percent: f64, base: u64, decimals: u32) -> Result<Self> {
        if !(0.0..=100.0).contains(&percent) {
            return Err(Error::InvalidParameter {
                name: "percent",
                value: percent,
                requirement: "must be between 0 and 100",
            });
        }
        if decimals > 6 {
            return Err(Error::InvalidParameter {
                name: "decimals",
                value: f64::from(decimals),
                requirement: "at most 6 decimal places",
            });
        }
        if base == 0 {
            return Err(Error::EmptyBase);
        }
        Ok(Self {
            percent,
            base,
            decimals,
        })
    }

    /// The percentage as printed.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(survey_analytics::PublishedShare::new(41.0, 130)?.percent(), 41.0);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn percent(&self) -> f64 {
        self.percent
    }

    /// The base.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(survey_analytics::PublishedShare::new(41.0, 130)?.base(), 130);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn base(&self) -> u64 {
        self.base
    }

    /// Every count `k` whose percentage `100 k / base` rounds to the printed figure, or `None` when
    /// no count does (the figure and base are inconsistent).
    ///
    /// A figure on the grid of its decimals (41.5 with one decimal) is decided exactly, in integer
    /// arithmetic, at any base: `k` is consistent when `(2P - 1) n <= 200 10^d k <= (2P + 1) n` with
    /// `P` the figure times `10^d`, both half-way points included. A figure off that grid (41.53
    /// declared with one decimal) is taken as the real number it is, to within 1e-14 of the base.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::PublishedShare;
    /// // 41% of 200: 81 (40.5%, a half-way point), 82 and 83 (41.5%, another) respondents.
    /// assert_eq!(PublishedShare::new(41.0, 200)?.counts(), Some(81..=83));
    /// // No count of 3 prints as 50%.
    /// assert_eq!(PublishedShare::new(50.0, 3)?.counts(), None);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn counts(&self) -> Option<RangeInclusive<u64>> {
        let unit = 10_u32.pow(self.decimals);
        let scaled = self.percent * f64::from(unit);
        let grid = scaled.round();
        if (scaled - grid).abs() <= 1e-6 {
            // 2P + 1 <= 2e8 + 1 and 200 10^d <= 2e8, so every product below fits in 128 bits.
            let (n, p) = (u128::from(self.base), grid as u128);
            let denominator = 200 * u128::from(unit);
            let low = ((2 * p).saturating_sub(1) * n).div_ceil(denominator);
            let high = ((2 * p + 1) * n / denominator).min(n);
            return (low <= high)
                .then(|| Some(u64::try_from(low).ok()?..=u64::try_from(high).ok()?))
                .flatten();
        }
        let half = 0.5 / f64::from(unit);
        let n = self.base as f64;
        // The products below carry a few ulps of `n`; the slack keeps a count that close.
        let slack = 1e-14 * n;
        let low = (((self.percent - half) / 100.0) * n - slack)
            .ceil()
            .max(0.0);
        let high = (((self.percent + half) / 100.0) * n + slack).floor().min(n);
        // Float-to-integer conversions saturate; `high <= n` rounds up to 2^64 at most.
        (low <= high).then(|| (low as u64).min(self.base)..=(high as u64).min(self.base))
    }

    fn range(&self) -> Result<RangeInclusive<u64>> {
        self.counts().ok_or(Error::InvalidParameter {
            name: "percent",
            value: self.percent,
            requirement: "no count of the base rounds to this percentage",
        })
    }

    /// The confidence interval that covers the intervals of every consistent count.
    ///
    /// Up to 1,000 consistent counts every one is evaluated. Beyond (a base above 100,000 printed
    /// without decimals), the lower bound is minimised by a binary search on its forward
    /// difference plus the two ends, which finds the minimum of any bound that is monotone or
    /// convex in the count (every method here: Wald and Agresti-Coull bounds are convex near 0 and 1,
    /// the others monotone), and the upper bound likewise: a few dozen evaluations whatever the base
    /// (a base of `u64::MAX` has 1.8e17 consistent counts at 0 decimals).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{ConfidenceLevel, ProportionMethod, PublishedShare};
    ///
    /// let huge = PublishedShare::new(49.0, u64::MAX)?;
    /// let ci = huge.interval(ProportionMethod::ClopperPearson, ConfidenceLevel::NINETY_FIVE)?;
    /// assert!(ci.lower < 0.4850001 && ci.upper > 0.4949999);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] when no count is consistent with the figure.
    pub fn interval(&self, method: ProportionMethod, level: ConfidenceLevel) -> Result<Interval> {
        let counts = self.range()?;
        let base = self.base;
        // Every k in the range is at most the base (counts() clamps it), so new() cannot fail.
        let at = |k: u64| {
            Proportion::new(k, base).map_or(
                Interval {
                    lower: 0.0,
                    upper: 1.0,
                },
                |p| p.interval(method, level),
            )
        };
        Ok(Interval {
            lower: smallest(&counts, |k| at(k).lower),
            upper: -smallest(&counts, |k| -at(k).upper),
        })
    }

    /// Tests `self` against `other` (two independent groups) for every pair of consistent counts:
    /// the pooled two-proportion z-test, two-sided.
    ///
    /// The z statistic increases with the first count and decreases with the second, so the
    /// difference and the smallest p-value are taken at the corners of the two ranges. The largest
    /// p-value is at the pair closest to equal shares: every pair is tried when both ranges hold at
    /// most 100 counts, otherwise, for each count of the shorter range, the two counts of the other
    /// that bracket equal shares (up to 100,000 counts); when both ranges are longer still and
    /// their shares overlap, the largest p-value is reported as 1, an upper bound within about 1e-5
    /// of the truth (some pair then comes that close to equal shares).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::PublishedShare;
    ///
    /// let customer = PublishedShare::new(9.0, 140)?;
    /// let product = PublishedShare::new(11.0, 150)?;
    /// let test = customer.compare(&product)?;
    /// assert!(test.p_value.lower > 0.05); // not significant whichever counts are the true ones
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] when a figure has no consistent count.
    pub fn compare(&self, other: &PublishedShare) -> Result<PublishedComparison> {
        let (mine, theirs) = (self.range()?, other.range()?);
        let (n1, n2) = (self.base, other.base);
        let test = |k1: u64, k2: u64| -> Option<TwoProportionZTest> {
            let (a, b) = (Proportion::new(k1, n1).ok()?, Proportion::new(k2, n2).ok()?);
            Some(two_proportion_z_test(a, b, Alternative::TwoSided))
        };
        let (lo1, hi1, lo2, hi2) = (*mine.start(), *mine.end(), *theirs.start(), *theirs.end());
        let (low_corner, high_corner) = match (test(lo1, hi2), test(hi1, lo2)) {
            (Some(low), Some(high)) => (low, high),
            _ => {
                return Err(Error::InvalidParameter {
                    name: "percent",
                    value: self.percent,
                    requirement: "no count of the base rounds to this percentage",
                });
            }
        };
        let mut p_value = Interval {
            lower: low_corner.p_value.min(high_corner.p_value),
            upper: low_corner.p_value.max(high_corner.p_value),
        };
        let difference = Interval {
            lower: low_corner.difference,
            upper: high_corner.difference,
        };
        let size = |lo: u64, hi: u64| hi - lo + 1;
        let mut consider = |k1: u64, k2: u64| {
            if let Some(t) = test(k1, k2) {
                p_value.lower = p_value.lower.min(t.p_value);
                p_value.upper = p_value.upper.max(t.p_value);
            }
        };
        if size(lo1, hi1) <= 100 && size(lo2, hi2) <= 100 {
            for k1 in mine.clone() {
                for k2 in theirs.clone() {
                    consider(k1, k2);
                }
            }
        } else if low_corner.statistic < 0.0 && high_corner.statistic > 0.0 {
            // Equal shares lie inside the box: the largest p-value is near k2 = k1 n2 / n1.
            let shorter_first = size(lo1, hi1) <= size(lo2, hi2);
            let (short, long, n_short, n_long) = if shorter_first {
                (mine.clone(), theirs.clone(), n1, n2)
            } else {
                (theirs.clone(), mine.clone(), n2, n1)
            };
            if size(*short.start(), *short.end()) <= 100_000 {
                for k in short {
                    // The other count with the same share, exactly in 128-bit arithmetic.
                    let scaled = u128::from(k) * u128::from(n_long);
                    let floor = scaled / u128::from(n_short);
                    for candidate in [floor, floor + 1] {
                        let other = u64::try_from(candidate)
                            .unwrap_or(u64::MAX)
                            .clamp(*long.start(), *long.end());
                        if shorter_first {
                            consider(k, other);
                        } else {
                            consider(other, k);
                        }
                    }
                }
            } else {
                p_value.upper = 1.0;
            }
        }
        Ok(PublishedComparison {
            difference,
            p_value,
        })
    }
}

/// The smallest value of `f` over the range: every count when there are at most 1,000, otherwise
/// the two ends and a binary search on the forward difference (exact for `f` monotone or convex).
fn smallest(range: &RangeInclusive<u64>, f: impl Fn(u64) -> f64) -> f64 {
    const EXHAUSTIVE: u64 = 1_000;
    let (lo, hi) = (*range.start(), *range.end());
    if hi - lo < EXHAUSTIVE {
        return range.clone().map(&f).fold(f64::INFINITY, f64::min);
    }
    let (mut a, mut b) = (lo, hi);
    // The minimum lies in [a, b]: where f still falls at m it lies beyond m.
    while b - a > 2 {
        let m = a + (b - a) / 2;
        if f(m + 1) < f(m) {
            a = m + 1;
        } else {
            b = m;
        }
    }
    (a..=b)
        .chain([lo, hi])
        .map(&f)
        .fold(f64::INFINITY, f64::min)
}

/// What two published figures allow one to conclude, over every pair of counts consistent with
/// their rounding, from [`PublishedShare::compare`].
///
/// # Examples
///
/// ```
/// use survey_analytics::PublishedShare;
/// let test = PublishedShare::new(18.0, 400)?.compare(&PublishedShare::new(41.0, 130)?)?;
/// // 18% of 400 is 70 to 74 respondents (74 is a half-way point), 41% of 130 is 53.
/// assert!(test.difference.lower < -0.23 && test.difference.upper > -0.24);
/// assert!(test.p_value.upper < 1e-6);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PublishedComparison {
    /// The smallest and largest possible observed difference (first minus second).
    pub difference: Interval,
    /// The smallest and largest possible two-sided p-value of the pooled z-test.
    pub p_value: Interval,
}

impl PublishedComparison {
    /// Whether the difference is significant at `alpha` whatever the true counts.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Alpha, PublishedShare};
    /// let test = PublishedShare::new(18.0, 400)?.compare(&PublishedShare::new(41.0, 130)?)?;
    /// assert!(test.significant(Alpha::FIVE_PERCENT));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn significant(&self, alpha: Alpha) -> bool {
        self.p_value.upper < alpha.value()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The interval over every consistent count, the definition the fast search must reproduce.
    fn exhaustive_interval(
        s: &PublishedShare,
        method: ProportionMethod,
        level: ConfidenceLevel,
    ) -> Interval {
        let mut out = Interval {
            lower: f64::INFINITY,
            upper: f64::NEG_INFINITY,
        };
        for k in s.counts().unwrap() {
            let ci = Proportion::new(k, s.base).unwrap().interval(method, level);
            out.lower = out.lower.min(ci.lower);
            out.upper = out.upper.max(ci.upper);
        }
        out
    }

    #[test]
    fn counts_are_exact_at_the_largest_base() {
        // Python integers: ceil((2P - 1) n / (200 10^d)) and floor((2P + 1) n / (200 10^d)). The
        // former slack of 1e-9 n widened the first range by 1.8e10 counts on each side.
        let n = u64::MAX;
        for (percent, decimals, low, high) in [
            (
                50.0,
                6,
                9_223_371_944_621_055_439,
                9_223_372_129_088_496_176,
            ),
            (
                33.3,
                1,
                6_133_542_404_508_425_912,
                6_151_989_148_582_135_463,
            ),
            (0.0, 0, 0, 92_233_720_368_547_758),
            (100.0, 0, 18_354_510_353_341_003_857, u64::MAX),
        ] {
            let share = PublishedShare::with_decimals(percent, n, decimals).unwrap();
            assert_eq!(share.counts(), Some(low..=high), "{percent} {decimals}");
        }
    }

    #[test]
    fn the_search_finds_the_extremes_of_every_method() {
        // Ranges of about 1,200 counts, near 0, 1/2 and 1 where Wald's bounds are convex.
        let levels = [0.5, 0.999].map(|l| ConfidenceLevel::new(l).unwrap());
        for (percent, base, decimals) in [
            (0.0, 240_000, 0),
            (0.1, 1_200_000, 1),
            (49.0, 120_000, 0),
            (100.0, 240_000, 0),
            (99.9, 1_200_000, 1),
        ] {
            let s = PublishedShare::with_decimals(percent, base, decimals).unwrap();
            let counts = s.counts().unwrap();
            assert!(counts.end() - counts.start() >= 1_000, "{percent} {base}");
            for &method in ProportionMethod::ALL {
                for level in levels {
                    let fast = s.interval(method, level).unwrap();
                    let slow = exhaustive_interval(&s, method, level);
                    assert_eq!(fast, slow, "{method} {percent}% of {base} at {level}");
                }
            }
        }
    }

    #[test]
    fn comparisons_bound_every_pair() {
        // Ranges of 101 to 300 counts: the fast path against every pair.
        for (a, b) in [
            ((10.0, 15_000), (11.0, 20_000)),
            ((50.0, 12_000), (50.0, 25_000)),
            ((30.0, 30_000), (31.0, 10_001)),
        ] {
            let (x, y) = (
                PublishedShare::new(a.0, a.1).unwrap(),
                PublishedShare::new(b.0, b.1).unwrap(),
            );
            let fast = x.compare(&y).unwrap();
            let (mut low, mut high) = (f64::INFINITY, f64::NEG_INFINITY);
            for k1 in x.counts().unwrap() {
                for k2 in y.counts().unwrap() {
                    let t = two_proportion_z_test(
                        Proportion::new(k1, x.base).unwrap(),
                        Proportion::new(k2, y.base).unwrap(),
                        Alternative::TwoSided,
                    );
                    low = low.min(t.p_value);
                    high = high.max(t.p_value);
                }
            }
            assert_eq!(
                (fast.p_value.lower, fast.p_value.upper),
                (low, high),
                "{a:?} {b:?}"
            );
        }
    }
}

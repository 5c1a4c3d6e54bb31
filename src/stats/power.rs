//! Power and sample size for comparing two proportions.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::stats::alternative::Alternative;
use crate::stats::level::Alpha;
use crate::stats::numerics::normal;
use crate::stats::planning::{MAX_SAMPLE_SIZE, check_proportion};

/// The power of the pooled two-proportion z-test ([`two_proportion_z_test`]) to detect true shares
/// `p1` and `p2` with `n1` and `n2` respondents at significance level `alpha`.
///
/// With `d = p1 - p2`, the null standard error `s0 = sqrt(pbar (1 - pbar) (1/n1 + 1/n2))`,
/// `pbar = (n1 p1 + n2 p2) / (n1 + n2)`, and the alternative one `s1 = sqrt(p1 (1-p1)/n1 + p2 (1-p2)/n2)`:
///
/// * `Greater`: `P(Z > (z_alpha s0 - d) / s1)`;
/// * `Less`: `P(Z < (-z_alpha s0 - d) / s1)`;
/// * `TwoSided`: the sum of both with `z_(alpha/2)`, counting rejections in the wrong direction too.
///
/// Matches statsmodels `power_proportions_2indep` (Fleiss, Levin & Paik 2003, 4.2). When `p1 = p2`
/// the power is the size of the test, `alpha` (0 when there is no variation at all).
///
/// [`two_proportion_z_test`]: crate::two_proportion_z_test
///
/// # Numerics
///
/// The normal tails are the crate's own (see [`two_proportion_z_test`]): the power is accurate to
/// 1e-14 plus 1e-15 `|ln power|` relative, tested against statsmodels. The variances are formed as
/// shares of the smaller group's, so group sizes anywhere in the positive doubles (subnormal to
/// 1e308) neither overflow nor give NaN; a significance level so small that its critical value is
/// beyond the doubles has power 0.
///
/// # Examples
///
/// ```
/// use survey_analytics::{two_proportion_power, Alpha, Alternative};
///
/// // Could 130 leaders and 400 contributors reveal 41% vs 18%? Almost surely.
/// let power = two_proportion_power(0.41, 0.18, 130.0, 400.0, Alpha::FIVE_PERCENT, Alternative::TwoSided)?;
/// assert!(power > 0.99);
/// // 11% vs 9% with 50 per group: hopeless.
/// let power = two_proportion_power(0.11, 0.09, 50.0, 50.0, Alpha::FIVE_PERCENT, Alternative::TwoSided)?;
/// assert!(power < 0.1);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::InvalidProportion`] for shares outside [0, 1]; [`Error::NotPositive`] for group sizes
/// that are not finite and positive.
pub fn two_proportion_power(
    p1: f64,
    p2: f64,
    n1: f64,
    n2: f64,
    alpha: Alpha,
    alternative: Alternative,
) -> Result<f64> {
    check_proportion("p1", p1)?;
    check_proportion("p2", p2)?;
    for (name, n) in [("n1", n1), ("n2", n2)] {
        if !(n > 0.0 && n.is_finite()) {
            return Err(Error::NotPositive { name, value: n });
        }
    }
    Ok(power(p1, p2, n1, n2, alpha.value(), alternative))
}

fn power(p1: f64, p2: f64, n1: f64, n2: f64, alpha: f64, alternative: Alternative) -> f64 {
    let d = p1 - p2;
    // Group shares w_i = n_i / (n1 + n2) and, with m = min(n1, n2), a_i = m / n_i in (0, 1]: the
    // variances below are m times the true ones, so nothing overflows for sizes from subnormal to
    // 1e308 (1/n1 would, and n1 + n2 too).
    let half_total = 0.5 * n1 + 0.5 * n2;
    let (w1, w2) = (0.5 * n1 / half_total, 0.5 * n2 / half_total);
    let m = n1.min(n2);
    let (a1, a2) = (m / n1, m / n2);
    let (q1, q2) = (1.0 - p1, 1.0 - p2);
    let (pooled, pooled_complement) = (w1 * p1 + w2 * p2, w1 * q1 + w2 * q2);
    let v0 = pooled * pooled_complement * (a1 + a2);
    let v1 = p1 * q1 * a1 + p2 * q2 * a2;
    if v1 == 0.0 {
        // Both shares are 0 or 1: the outcome is certain. Equal shares never reject; different ones
        // always do (in the direction of the difference).
        let detects = match alternative {
            Alternative::TwoSided => d != 0.0,
            Alternative::Greater => d > 0.0,
            Alternative::Less => d < 0.0,
        };
        return if detects { 1.0 } else { 0.0 };
    }
    let tail = if alternative == Alternative::TwoSided {
        0.5 * alpha
    } else {
        alpha
    };
    if tail <= 0.0 {
        // alpha / 2 underflowed (alpha = 5e-324): the test never rejects.
        return 0.0;
    }
    let crit = normal::upper_quantile(tail);
    // (crit s0 - d) / s1 = crit sqrt(v0 / v1) - d sqrt(m / v1).
    let spread = (v0 / v1).sqrt();
    let shift = d * (m.sqrt() / v1.sqrt());
    let upper = || normal::sf(crit * spread - shift);
    let lower = || normal::cdf(-crit * spread - shift);
    let power = match alternative {
        Alternative::Greater => upper(),
        Alternative::Less => lower(),
        // The two rejection regions are disjoint: the sum is at most 1 but for rounding.
        Alternative::TwoSided => (upper() + lower()).min(1.0),
    };
    // NaN only from inf - inf (a huge shift against an infinite critical value): no rejection.
    if power.is_nan() { 0.0 } else { power }
}

/// Group sizes from [`two_proportion_sample_size`].
///
/// # Examples
///
/// ```
/// use survey_analytics::{two_proportion_sample_size, Alpha, Alternative};
/// let size = two_proportion_sample_size(0.41, 0.18, 0.9, Alpha::FIVE_PERCENT, 3.0, Alternative::TwoSided)?;
/// assert_eq!(size.n2, 3 * size.n1);
/// assert!(size.power >= 0.9);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SampleSize {
    /// Respondents needed in the first group.
    pub n1: u64,
    /// Respondents needed in the second group: `ceil(ratio * n1)`.
    pub n2: u64,
    /// The power these sizes achieve (at least the target).
    pub power: f64,
}

/// The smallest group sizes at which the pooled z-test detects `p1` vs `p2` with at least the target
/// `power`, with `n2 = ceil(ratio * n1)`.
///
/// Searches `n1` directly on [`two_proportion_power`] (doubling, then bisection), so the answer is
/// exact for the test actually run rather than the usual closed-form approximation. Both loops are
/// bounded: at most 54 doublings reach 2^53, and the bisection halves a range below 2^53; the whole
/// search takes a few milliseconds at most.
///
/// # Examples
///
/// ```
/// use survey_analytics::{two_proportion_sample_size, Alpha, Alternative};
///
/// // To confirm 11% vs 9% with 80% power, per group:
/// let size = two_proportion_sample_size(0.11, 0.09, 0.8, Alpha::FIVE_PERCENT, 1.0, Alternative::TwoSided)?;
/// assert!(size.n1 > 3000 && size.n1 == size.n2 && size.power >= 0.8);
/// assert!(two_proportion_sample_size(0.2, 0.2, 0.8, Alpha::FIVE_PERCENT, 1.0, Alternative::TwoSided).is_err());
/// # Ok::<(), survey_analytics::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::InvalidProportion`] for shares outside [0, 1] or a target power outside (0, 1);
/// [`Error::InvalidParameter`] when `p1 = p2` (no sample size detects no difference);
/// [`Error::NotPositive`] for a ratio that is not finite and positive;
/// [`Error::CountTooLarge`] when more than 2^53 respondents would be needed.
pub fn two_proportion_sample_size(
    p1: f64,
    p2: f64,
    power_target: f64,
    alpha: Alpha,
    ratio: f64,
    alternative: Alternative,
) -> Result<SampleSize> {
    check_proportion("p1", p1)?;
    check_proportion("p2", p2)?;
    if !(power_target > 0.0 && power_target < 1.0) {
        return Err(Error::InvalidProportion {
            name: "power",
            value: power_target,
        });
    }
    let alpha = alpha.value();
    if !(ratio > 0.0 && ratio.is_finite()) {
        return Err(Error::NotPositive {
            name: "ratio",
            value: ratio,
        });
    }
    let wrong_direction = match alternative {
        Alternative::TwoSided => p1 == p2,
        Alternative::Greater => p1 <= p2,
        Alternative::Less => p1 >= p2,
    };
    if wrong_direction {
        return Err(Error::InvalidParameter {
            name: "p1 - p2",
            value: p1 - p2,
            requirement: "the shares must differ in the direction of the alternative",
        });
    }
    let sizes = |n1: u64| {
        let n1 = n1 as f64;
        let n2 = (ratio * n1).ceil().max(1.0);
        (n1, n2)
    };
    let power_at = |n1: u64| {
        let (a, b) = sizes(n1);
        power(p1, p2, a, b, alpha, alternative)
    };
    let too_large = Error::CountTooLarge {
        name: "sample size",
        value: u64::MAX,
        max: MAX_SAMPLE_SIZE,
    };
    // Doubling from 1 to 2^53 and bisection: at most 106 evaluations.
    let mut high: u64 = 1;
    while power_at(high) < power_target {
        if high >= MAX_SAMPLE_SIZE {
            return Err(too_large);
        }
        high = (high * 2).min(MAX_SAMPLE_SIZE);
    }
    let mut low = high / 2; // power_at(low) < target, or low == 0
    while high - low > 1 {
        let mid = low + (high - low) / 2;
        if power_at(mid) >= power_target {
            high = mid
        } else {
            low = mid
        }
    }
    let (_, n2) = sizes(high);
    if n2 > MAX_SAMPLE_SIZE as f64 {
        return Err(too_large);
    }
    Ok(SampleSize {
        n1: high,
        n2: n2 as u64,
        power: power_at(high),
    })
}

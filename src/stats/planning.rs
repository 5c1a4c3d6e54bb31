//! Survey planning: margins of error and the sample sizes that achieve them.

use crate::error::{Error, Result};
use crate::stats::level::ConfidenceLevel;
use crate::stats::proportion::check_base;

/// Checks a proportion argument in [0, 1].
pub(crate) fn check_proportion(name: &'static str, value: f64) -> Result<f64> {
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(Error::InvalidProportion { name, value })
    }
}

/// Largest sample size the planning functions return: 2^53, beyond which integers are not exact in
/// an `f64`.
pub(crate) const MAX_SAMPLE_SIZE: u64 = 1 << 53;

/// The margin of error `z sqrt(p (1 - p) / n)` of a share `p` on a base (or effective base) `n`.
///
/// This is the "plus or minus" that survey reports print; `p = 0.5` gives the worst case that is
/// quoted for a whole survey ("+/- 3.4 points at 95% for 830 respondents"). For weighted data pass
/// the Kish effective base.
///
/// # Numerics
///
/// A few ulps (1e-15 relative, tested against mpmath) for any base in the positive doubles,
/// subnormal or huge, and any level.
///
/// # Examples
///
/// ```
/// use survey_analytics::{margin_of_error, ConfidenceLevel};
///
/// let worst_case = margin_of_error(0.5, 830.0, ConfidenceLevel::NINETY_FIVE)?;
/// assert!((worst_case - 0.034_015).abs() < 1e-6);
/// assert!(margin_of_error(0.5, 0.0, ConfidenceLevel::NINETY_FIVE).is_err());
/// # Ok::<(), survey_analytics::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::InvalidProportion`] unless `0 <= p <= 1`; [`Error::NotPositive`] unless `n` is finite and
/// positive.
pub fn margin_of_error(p: f64, n: f64, level: ConfidenceLevel) -> Result<f64> {
    check_proportion("p", p)?;
    check_base(n)?;
    Ok(margin_at(p, n, level.z()))
}

/// `z sqrt(p (1 - p)) / sqrt(n)`: finite for any base (a subnormal `n` would overflow
/// `p (1 - p) / n`), and non-increasing in `n`.
fn margin_at(p: f64, n: f64, z: f64) -> f64 {
    z * ((p * (1.0 - p)).sqrt() / n.sqrt())
}

/// The smallest sample size `n` whose margin of error for a share `p` is at most `margin`.
///
/// `n = ceil(z^2 p (1 - p) / margin^2)`, found by bisection on [`margin_of_error`] itself so that
/// rounding can never return one respondent too few or too many. Use `p = 0.5` when nothing is known about the
/// share. Simple random sampling from a large population is assumed; divide by a design effect's
/// reciprocal (multiply `n` by the design effect) for weighted or clustered designs.
///
/// # Examples
///
/// ```
/// use survey_analytics::{sample_size_for_margin, ConfidenceLevel};
///
/// assert_eq!(sample_size_for_margin(0.03, 0.5, ConfidenceLevel::NINETY_FIVE)?, 1068);
/// assert!(sample_size_for_margin(0.0, 0.5, ConfidenceLevel::NINETY_FIVE).is_err());
/// # Ok::<(), survey_analytics::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::NotPositive`] unless `margin` is finite and positive; [`Error::InvalidProportion`] unless
/// `0 <= p <= 1`; [`Error::CountTooLarge`] when the answer exceeds 2^53 (also when the margin is so
/// small that no such base would achieve it).
pub fn sample_size_for_margin(margin: f64, p: f64, level: ConfidenceLevel) -> Result<u64> {
    if !(margin > 0.0 && margin.is_finite()) {
        return Err(Error::NotPositive {
            name: "margin",
            value: margin,
        });
    }
    check_proportion("p", p)?;
    let z = level.z();
    // The margin of error falls with n, so the smallest n that achieves it is found by bisection on
    // the very function `margin_of_error` evaluates: at most 53 steps, whatever the margin (a margin
    // whose square underflows used to send a one-step search towards 2^53).
    let achieves = |n: u64| margin_at(p, n as f64, z) <= margin;
    if !achieves(MAX_SAMPLE_SIZE) {
        return Err(Error::CountTooLarge {
            name: "sample size",
            value: u64::MAX,
            max: MAX_SAMPLE_SIZE,
        });
    }
    let (mut low, mut high) = (0_u64, MAX_SAMPLE_SIZE);
    // achieves(high) holds; achieves(low) does not (or low = 0).
    while high - low > 1 {
        let mid = low + (high - low) / 2;
        if achieves(mid) {
            high = mid;
        } else {
            low = mid;
        }
    }
    Ok(high)
}

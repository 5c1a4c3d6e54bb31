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
    Ok(level.z() * (p * (1.0 - p) / n).sqrt())
}

/// The smallest sample size `n` whose margin of error for a share `p` is at most `margin`.
///
/// `n = ceil(z^2 p (1 - p) / margin^2)`, then checked against [`margin_of_error`] so that rounding
/// can never return one respondent too few or too many. Use `p = 0.5` when nothing is known about the
/// share. Simple random sampling from a large population is assumed; divide by a design effect's
/// reciprocal (multiply `n` by the design effect) for weighted or clustered designs.
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
/// `0 <= p <= 1`; [`Error::CountTooLarge`] when the answer exceeds 2^53.
pub fn sample_size_for_margin(margin: f64, p: f64, level: ConfidenceLevel) -> Result<u64> {
    if !(margin > 0.0 && margin.is_finite()) {
        return Err(Error::NotPositive {
            name: "margin",
            value: margin,
        });
    }
    check_proportion("p", p)?;
    let z = level.z();
    let variance = p * (1.0 - p);
    let needed = z * z * variance / (margin * margin);
    if needed > MAX_SAMPLE_SIZE as f64 {
        return Err(Error::CountTooLarge {
            name: "sample size",
            value: u64::MAX,
            max: MAX_SAMPLE_SIZE,
        });
    }
    let achieves = |n: u64| z * (variance / n as f64).sqrt() <= margin;
    // needed is finite and at most 2^53 here, so the conversion is exact after ceil.
    let mut n = (needed.ceil() as u64).max(1);
    while n > 1 && achieves(n - 1) {
        n -= 1;
    }
    while !achieves(n) && n < MAX_SAMPLE_SIZE {
        n += 1;
    }
    Ok(n)
}

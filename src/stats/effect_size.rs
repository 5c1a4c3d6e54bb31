//! Effect sizes for comparing proportions.

use crate::error::{Error, Result};

/// Cohen's h, the difference of two proportions on the arcsine (variance-stabilised) scale:
/// `h = 2 asin(sqrt(p1)) - 2 asin(sqrt(p2))`.
///
/// Cohen's rule of thumb reads |h| of 0.2 as small, 0.5 as medium and 0.8 as large. Unlike the raw
/// difference, equal values of h are equally detectable wherever the proportions sit, which makes it
/// the effect size for power calculations (statsmodels `proportion_effectsize`).
///
/// # References
///
/// Cohen (1988), *Statistical Power Analysis for the Behavioral Sciences*, ch. 6.
///
/// # Examples
///
/// ```
/// use survey_analytics::cohens_h;
///
/// let h = cohens_h(0.41, 0.18)?; // leaders vs individual contributors
/// assert!((h - 0.5135).abs() < 1e-4);
/// assert!(cohens_h(1.2, 0.5).is_err());
/// # Ok::<(), survey_analytics::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::InvalidProportion`] unless both arguments lie in [0, 1].
pub fn cohens_h(p1: f64, p2: f64) -> Result<f64> {
    for (name, value) in [("p1", p1), ("p2", p2)] {
        if !(0.0..=1.0).contains(&value) {
            return Err(Error::InvalidProportion { name, value });
        }
    }
    Ok(2.0 * p1.sqrt().asin() - 2.0 * p2.sqrt().asin())
}

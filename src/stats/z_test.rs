//! The two-proportion z-test.

use serde::{Deserialize, Serialize};

use crate::stats::alternative::Alternative;
use crate::stats::numerics::dd::Dd;
use crate::stats::proportion::Proportion;

/// Result of [`two_proportion_z_test`].
///
/// # Examples
///
/// ```
/// use survey_analytics::{two_proportion_z_test, Alternative, Proportion};
/// let test = two_proportion_z_test(Proportion::new(9, 100)?, Proportion::new(11, 100)?, Alternative::TwoSided);
/// assert!((test.difference + 0.02).abs() < 1e-15);
/// assert!(test.p_value > 0.6); // 9% vs 11% on 100 each: no evidence of a difference
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TwoProportionZTest {
    /// `z = (p1 - p2) / se`.
    pub statistic: f64,
    /// p-value under the chosen alternative.
    pub p_value: f64,
    /// The observed difference `p1 - p2`.
    pub difference: f64,
    /// The pooled standard error `sqrt(p (1 - p) (1/n1 + 1/n2))`.
    pub std_error: f64,
    /// The alternative the p-value refers to.
    pub alternative: Alternative,
}

/// Two-sample z-test of equal proportions with the pooled variance (no continuity correction), as
/// statsmodels `proportions_ztest(count, nobs)` and R `prop.test(correct = FALSE)` (whose chi-square is
/// `z^2`).
///
/// `p = (x1 + x2) / (n1 + n2)`, `z = (p1 - p2) / sqrt(p (1 - p) (1/n1 + 1/n2))`. For weighted shares
/// built with [`Proportion::from_estimate`] the effective bases stand in for the counts, so the pooled
/// share is `(p1 n1 + p2 n2) / (n1 + n2)` with `n` the effective bases: the convention of the crate's
/// significance letters.
///
/// **Degenerate case.** When the pooled share is 0 or 1 (no variation at all) the data agree exactly
/// with equal proportions: the statistic is taken as 0, so the two-sided p-value is 1 and a one-sided
/// one 1/2 (statsmodels returns NaN).
///
/// # Numerics
///
/// The difference `p1 - p2` is carried to an ulp of itself (each share's rounding is added back,
/// so close shares do not cancel), and the statistic is accurate to 2e-15 relative (plus 1e-15
/// absolute near 0). p-values use the crate's normal tail (through its incomplete gamma function):
/// 1e-14 plus 1e-15 `|ln p|` relative, however far in the tails (a tail of `e^-L` is the exponential
/// of a quantity of order `L`). Tested against mpmath at 60 digits.
///
/// # Examples
///
/// ```
/// use survey_analytics::{two_proportion_z_test, Alternative, Proportion};
///
/// let leaders = Proportion::new(53, 130)?;
/// let contributors = Proportion::new(72, 400)?;
/// let test = two_proportion_z_test(leaders, contributors, Alternative::TwoSided);
/// assert!(test.statistic > 5.0 && test.p_value < 1e-6);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
pub fn two_proportion_z_test(
    a: Proportion,
    b: Proportion,
    alternative: Alternative,
) -> TwoProportionZTest {
    let (n1, n2) = (a.trials(), b.trials());
    let difference = share_difference(a.successes(), n1, b.successes(), n2);
    let (pooled, pooled_complement) = pooled_shares(a, b);
    let std_error = (pooled * pooled_complement).sqrt() * inverse_sizes_sqrt(n1, n2);
    let statistic = if std_error > 0.0 {
        difference / std_error
    } else {
        0.0
    };
    let p_value = alternative.normal_p_value(statistic);
    TwoProportionZTest {
        statistic,
        p_value,
        difference,
        std_error,
        alternative,
    }
}

/// `p1 - p2` to within an ulp or two of the difference itself. Close shares cancel: with each share
/// rounded, `0.99817 - 0.99470` would carry 3e-14 relative, and the p-value with it. Each
/// share's rounding `x - p n` is exact by a fused multiply-add, and is added back after the exact
/// subtraction.
pub(crate) fn share_difference(x1: f64, n1: f64, x2: f64, n2: f64) -> f64 {
    let (p1, p2) = (x1 / n1, x2 / n2);
    let r1 = (-p1).mul_add(n1, x1) / n1;
    let r2 = (-p2).mul_add(n2, x2) / n2;
    (Dd::new(p1) - Dd::new(p2) + Dd::new(r1 - r2)).value()
}

/// The pooled share `(x1 + x2) / (n1 + n2)` and its complement `(y1 + y2) / (n1 + n2)`, each from
/// its own counts, with the sums halved first when they would overflow.
pub(crate) fn pooled_shares(a: Proportion, b: Proportion) -> (f64, f64) {
    let (x1, n1, x2, n2) = (a.successes(), a.trials(), b.successes(), b.trials());
    let (y1, y2) = (n1 - x1, n2 - x2);
    let total = n1 + n2;
    if total.is_finite() {
        ((x1 + x2) / total, (y1 + y2) / total)
    } else {
        let half = 0.5 * n1 + 0.5 * n2;
        ((0.5 * x1 + 0.5 * x2) / half, (0.5 * y1 + 0.5 * y2) / half)
    }
}

/// `sqrt(1/n1 + 1/n2)` for positive sizes, finite even for subnormal ones: with `m = min(n1, n2)`,
/// `sqrt(m/n1 + m/n2) / sqrt(m)`, and `sqrt(m) >= 2.2e-162`.
pub(crate) fn inverse_sizes_sqrt(n1: f64, n2: f64) -> f64 {
    let m = n1.min(n2);
    (m / n1 + m / n2).sqrt() / m.sqrt()
}

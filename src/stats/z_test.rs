//! The two-proportion z-test.

use serde::{Deserialize, Serialize};

use crate::stats::alternative::Alternative;
use crate::stats::proportion::Proportion;

/// Result of [`two_proportion_z_test`].
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
/// **Numerics.** p-values use the normal tail through the incomplete gamma function, about 1e-13
/// relative even far in the tails.
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
    let difference = a.estimate() - b.estimate();
    let pooled = (a.successes() + b.successes()) / (n1 + n2);
    let std_error = (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt();
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

//! One proportion: the share of a base that gave an answer, and its confidence intervals.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::stats::interval::Interval;
use crate::stats::level::ConfidenceLevel;
use crate::stats::names::method_names;
use crate::stats::numerics::beta::{self, Tail};

/// A proportion: `successes` out of `trials`, possibly fractional for weighted data.
///
/// Two constructors:
///
/// * [`Proportion::new`] for counts (`407` of `830` respondents);
/// * [`Proportion::from_estimate`] for a weighted share and its Kish effective base
///   `n_eff = (sum w)^2 / sum w^2`, which stands in for the number of trials in every interval and
///   test of this crate (the "effective sample size" approach of Korn & Graubard 1998).
///
/// The fields are private so that `0 <= successes <= trials` and `trials > 0` always hold.
///
/// # Examples
///
/// ```
/// use survey_analytics::{ConfidenceLevel, Proportion, ProportionMethod};
///
/// let want_transparency = Proportion::new(407, 830)?;
/// assert!((want_transparency.estimate() - 0.490_361).abs() < 1e-6);
/// let ci = want_transparency.interval(ProportionMethod::Wilson, ConfidenceLevel::NINETY_FIVE);
/// assert!(ci.lower < 0.49 && 0.49 < ci.upper);
///
/// // Weighted: a 49% weighted share whose weights leave an effective base of 612.4.
/// let weighted = Proportion::from_estimate(0.49, 612.4)?;
/// assert_eq!(weighted.trials(), 612.4);
///
/// assert!(Proportion::new(5, 0).is_err());
/// assert!(Proportion::from_estimate(1.2, 100.0).is_err());
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawProportion")]
pub struct Proportion {
    successes: f64,
    trials: f64,
}

/// Unvalidated form used to deserialise a [`Proportion`].
#[derive(Deserialize)]
struct RawProportion {
    successes: f64,
    trials: f64,
}

impl TryFrom<RawProportion> for Proportion {
    type Error = Error;

    fn try_from(raw: RawProportion) -> Result<Self> {
        Self::from_real_counts(raw.successes, raw.trials)
    }
}

impl Proportion {
    /// `successes` out of `trials` counted responses.
    ///
    /// Counts above 2^53 are rounded to the nearest `f64`, so shares stay exact to 16 digits.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Error, Proportion};
    /// assert_eq!(Proportion::new(149, 830)?.successes(), 149.0);
    /// assert_eq!(Proportion::new(1, 0), Err(Error::EmptyBase));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::EmptyBase`] when `trials == 0`; [`Error::SuccessesExceedTrials`] when
    /// `successes > trials`.
    pub fn new(successes: u64, trials: u64) -> Result<Self> {
        if trials == 0 {
            return Err(Error::EmptyBase);
        }
        if successes > trials {
            return Err(Error::SuccessesExceedTrials { successes, trials });
        }
        // u64 -> f64 is exact below 2^53 and correctly rounded above.
        Ok(Self {
            successes: successes as f64,
            trials: trials as f64,
        })
    }

    /// A share `estimate` in [0, 1] observed on an effective base of `effective_base` (> 0, may be
    /// fractional): `successes = estimate * effective_base`.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::Proportion;
    /// // Weights (1, 1, 2, 4) give an effective base of (1+1+2+4)^2 / (1+1+4+16) = 2.91.
    /// let p = Proportion::from_estimate(0.75, 64.0 / 22.0)?;
    /// assert!((p.successes() - 0.75 * 64.0 / 22.0).abs() < 1e-15);
    /// assert!(Proportion::from_estimate(0.5, f64::NAN).is_err());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidProportion`] unless `0 <= estimate <= 1`; [`Error::NotPositive`] unless the base
    /// is finite and positive.
    pub fn from_estimate(estimate: f64, effective_base: f64) -> Result<Self> {
        if !(0.0..=1.0).contains(&estimate) {
            return Err(Error::InvalidProportion {
                name: "estimate",
                value: estimate,
            });
        }
        check_base(effective_base)?;
        let successes = (estimate * effective_base).min(effective_base);
        Ok(Self {
            successes,
            trials: effective_base,
        })
    }

    /// Real-valued counts, as used by deserialisation and weighted tallies.
    pub(crate) fn from_real_counts(successes: f64, trials: f64) -> Result<Self> {
        check_base(trials)?;
        if !(successes >= 0.0 && successes <= trials) {
            return Err(Error::InvalidParameter {
                name: "successes",
                value: successes,
                requirement: "must lie between 0 and the number of trials",
            });
        }
        Ok(Self { successes, trials })
    }

    /// The share `successes / trials`, in [0, 1].
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(survey_analytics::Proportion::new(1, 4)?.estimate(), 0.25);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn estimate(&self) -> f64 {
        self.successes / self.trials
    }

    /// Number of successes (fractional for a weighted share: estimate times effective base).
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(survey_analytics::Proportion::new(3, 8)?.successes(), 3.0);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn successes(&self) -> f64 {
        self.successes
    }

    /// Number of trials: the base, or the effective base for weighted data.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(survey_analytics::Proportion::new(3, 8)?.trials(), 8.0);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn trials(&self) -> f64 {
        self.trials
    }

    /// The confidence interval for the true proportion by `method`, clipped to [0, 1].
    ///
    /// See [`ProportionMethod`] for the formula, conventions at 0 and `n` successes, and numerics of
    /// each method.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{ConfidenceLevel, Proportion, ProportionMethod};
    ///
    /// let p = Proportion::new(0, 30)?;
    /// let exact = p.interval(ProportionMethod::ClopperPearson, ConfidenceLevel::NINETY_FIVE);
    /// assert_eq!(exact.lower, 0.0);
    /// assert!((exact.upper - 0.115_703_308_222_027_82).abs() < 1e-15);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn interval(&self, method: ProportionMethod, level: ConfidenceLevel) -> Interval {
        let (x, n) = (self.successes, self.trials);
        match method {
            ProportionMethod::Wald => wald(x, n, level.z()),
            ProportionMethod::Wilson => wilson(x, n, level.z()),
            ProportionMethod::WilsonCorrected => wilson_corrected(x, n, level.z()),
            ProportionMethod::AgrestiCoull => agresti_coull(x, n, level.z()),
            ProportionMethod::ClopperPearson => clopper_pearson(x, n, level.alpha()),
            ProportionMethod::Jeffreys => jeffreys(x, n, level.alpha()),
        }
    }

    /// The conventional margin of error `z * sqrt(p (1 - p) / n)` at this estimate and base.
    ///
    /// This is the half-width of the Wald interval before clipping; survey reports quote it as
    /// "plus or minus". See [`margin_of_error`](crate::margin_of_error) for planning.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{ConfidenceLevel, Proportion};
    /// let moe = Proportion::new(415, 830)?.margin_of_error(ConfidenceLevel::NINETY_FIVE);
    /// assert!((moe - 0.034_015).abs() < 1e-6);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn margin_of_error(&self, level: ConfidenceLevel) -> f64 {
        let (p, q) = shares(self.successes, self.trials);
        level.z() * ((p * q).sqrt() / self.trials.sqrt())
    }
}

/// Checks a base or effective base: finite and > 0.
pub(crate) fn check_base(base: f64) -> Result<f64> {
    if base > 0.0 && base.is_finite() {
        Ok(base)
    } else {
        Err(Error::NotPositive {
            name: "effective base",
            value: base,
        })
    }
}

/// How to compute a confidence interval for one proportion.
///
/// With `x` successes of `n`, `p = x / n`, level `1 - alpha` and `z = Phi^-1(1 - alpha/2)`:
///
/// | method | formula | at `x = 0` / `x = n` |
/// |---|---|---|
/// | `Wald` | `p -/+ z sqrt(p (1-p) / n)`, clipped to [0, 1] | degenerate `[0, 0]` / `[1, 1]` |
/// | `Wilson` | roots of `(p - pi)^2 = z^2 pi (1 - pi) / n` | lower 0 / upper 1 |
/// | `WilsonCorrected` | Wilson with continuity correction (Newcombe 1998, method 4): Wilson's roots for `p -/+ 1/(2n)` | lower 0 / upper 1 (also for a weighted `x` below 1/2, or above `n - 1/2`) |
/// | `AgrestiCoull` | Wald on `x + z^2/2` of `n + z^2`, clipped | never degenerate |
/// | `ClopperPearson` | `Beta(alpha/2; x, n-x+1)`, `Beta(1-alpha/2; x+1, n-x)` quantiles | lower 0, upper `1-(alpha/2)^(1/n)` / mirror |
/// | `Jeffreys` | `Beta(x + 1/2, n - x + 1/2)` quantiles `alpha/2`, `1-alpha/2` | lower 0 / upper 1 |
///
/// Conventions follow statsmodels `proportion_confint` and scipy `binomtest(...).proportion_ci`,
/// including the Jeffreys boundary rule of Brown, Cai & DasGupta (2001): the lower bound is 0 at
/// `x = 0` and the upper bound 1 at `x = n`.
///
/// **Which to use.** `Wilson` (the default) has coverage close to nominal for every `n` and `p`
/// (Brown, Cai & DasGupta 2001) and costs nanoseconds. `ClopperPearson` guarantees at least nominal
/// coverage and is conservative. `Wald` undercovers badly for small `n` or extreme `p` and is here for
/// comparison with published margins of error.
///
/// **What every interval guarantees.** Bounds are finite, in [0, 1] and ordered, for any count or
/// effective base a [`Proportion`] accepts (up to 2^64, or any positive finite double) and any
/// [`ConfidenceLevel`] (1e-300 to `1 - 2^-53`). `Wald`, `Wilson`, `WilsonCorrected` and
/// `ClopperPearson` always contain the estimate `x / n`. Two methods need not:
///
/// * `AgrestiCoull` is centred on `(x + z^2/2) / (n + z^2)`, so at `x = 0` or `n` with small `n` its
///   interval can sit beside the estimate;
/// * `Jeffreys` is built from the posterior `Beta(x + 1/2, n - x + 1/2)`, whose median is not
///   `x / n`: as the level falls towards 0 the interval shrinks onto that median (both bounds equal
///   it below a level of 2^-53, where `1 - level` rounds to 1), and then excludes `x / n`.
///
/// # Numerics
///
/// Closed forms are accurate to a few ulps: Wilson's roots are computed for the smaller of `p` and
/// `1 - p` (each from its own count), the upper root as a sum of positive terms and the lower one
/// from the product of the roots, `p^2 / (1 + z^2/n)`, so no cancellation occurs for small `x`, for
/// `x` near `n` at `n = 2^64`, or for `z` near 0; `z / sqrt(n)` replaces `z^2 / n` so that subnormal
/// effective bases do not overflow. They are tested against statsmodels and scipy at 1e-13
/// relative (plus 1e-15 absolute), the references' own rounding being up to 3.2e-14.
///
/// The exact methods solve for beta quantiles with the crate's own safeguarded Newton iteration on
/// an incomplete beta function evaluated in the smaller of `x` and `1 - x` (see `docs/numerics.md`).
/// Against references computed with mpmath at 50 to 90 digits (`tests/fixtures/one_proportion*.tsv`:
/// `n` from 1 to 2^64 and real effective bases to 1e31, levels from 1e-300 to `1 - 2^-53`) both
/// agree to **1e-14 relative** at every `n` (largest error measured: 6.6e-15), and return in well
/// under a millisecond for any input (statrs's `Beta::inverse_cdf` is not used).
///
/// # References
///
/// Wilson (1927); Clopper & Pearson (1934); Newcombe (1998), "Two-sided confidence intervals for the
/// single proportion"; Agresti & Coull (1998); Brown, Cai & DasGupta (2001), "Interval estimation
/// for a binomial proportion".
///
/// # Examples
///
/// ```
/// use survey_analytics::ProportionMethod;
/// assert_eq!(ProportionMethod::default(), ProportionMethod::Wilson);
/// assert_eq!("clopper-pearson".parse::<ProportionMethod>()?, ProportionMethod::ClopperPearson);
/// assert_eq!("exact".parse::<ProportionMethod>()?, ProportionMethod::ClopperPearson);
/// assert_eq!(ProportionMethod::WilsonCorrected.to_string(), "wilson-corrected");
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ProportionMethod {
    /// Normal approximation (Laplace; "Wald").
    Wald,
    /// Wilson score interval (Wilson 1927). The default.
    #[default]
    Wilson,
    /// Wilson score interval with continuity correction (Newcombe 1998, method 4).
    WilsonCorrected,
    /// Agresti-Coull "add z^2/2 successes and failures" interval (Agresti & Coull 1998).
    AgrestiCoull,
    /// Clopper-Pearson exact interval (Clopper & Pearson 1934).
    ClopperPearson,
    /// Jeffreys equal-tailed Bayesian interval (Brown, Cai & DasGupta 2001).
    Jeffreys,
}

method_names!(ProportionMethod, "interval method",
    Wald => "wald" | "normal",
    Wilson => "wilson" | "score",
    WilsonCorrected => "wilson-corrected" | "wilson-cc" | "wilsoncc",
    AgrestiCoull => "agresti-coull",
    ClopperPearson => "clopper-pearson" | "exact" | "beta",
    Jeffreys => "jeffreys",
);

/// `(x / n, (n - x) / n)`: the share and its complement, each from its own count, so that a
/// complement far below 1 keeps its precision (`1 - x / n` would round it away).
fn shares(x: f64, n: f64) -> (f64, f64) {
    (x / n, (n - x) / n)
}

fn wald(x: f64, n: f64, z: f64) -> Interval {
    let (p, q) = shares(x, n);
    // sqrt(p q) / sqrt(n) rather than sqrt(p q / n): no overflow for a subnormal effective base.
    let half = z * ((p * q).sqrt() / n.sqrt());
    Interval {
        lower: p - half,
        upper: p + half,
    }
    .clipped(0.0, 1.0)
}

/// The Wilson interval for real `0 <= x <= n`, `n > 0`, at critical value `z >= 0`.
///
/// The bounds are the roots of `(p - pi)^2 = s^2 pi (1 - pi)` with `s = z / sqrt(n)`. They are
/// computed for the smaller of `p` and `q = 1 - p` (the other side by symmetry), where the upper root
/// is a sum of positive terms and the lower one comes from the product of the roots,
/// `p^2 / (1 + s^2)`: no cancellation for any count, base or level, and no overflow for subnormal
/// bases (`s` up to 1e163) or `z` down to 1e-300.
pub(crate) fn wilson(x: f64, n: f64, z: f64) -> Interval {
    let (p, q) = shares(x, n);
    let s = z / n.sqrt();
    let (lower, upper) = if p <= q {
        wilson_small_side(p, q, s)
    } else {
        let (lower, upper) = wilson_small_side(q, p, s);
        (1.0 - upper, 1.0 - lower)
    };
    // The roots always enclose p; 1 - (1 - p) can land an ulp beside it (at z near 0).
    Interval {
        lower: lower.min(p),
        upper: upper.max(p),
    }
    .clipped(0.0, 1.0)
}

/// The Wilson roots `(lower, upper)` for `p <= 1/2`, `q = 1 - p`, `s = z / sqrt(n)`.
fn wilson_small_side(p: f64, q: f64, s: f64) -> (f64, f64) {
    // upper = (p + s^2/2 + s sqrt(p q + s^2/4)) / (1 + s^2) and lower = p^2 / ((1 + s^2) upper).
    if s <= 1.0 {
        let s2 = s * s;
        let numerator = p + 0.5 * s2 + s * (p * q + 0.25 * s2).sqrt();
        let lower = if p > 0.0 { p * (p / numerator) } else { 0.0 };
        (lower, numerator / (1.0 + s2))
    } else {
        // The same with numerator and denominator divided by s^2 = 1 / t^2.
        let t2 = (1.0 / s) * (1.0 / s);
        let numerator = p * t2 + 0.5 + (p * q * t2 + 0.25).sqrt();
        let lower = if p > 0.0 {
            p * (p * t2 / numerator)
        } else {
            0.0
        };
        (lower, numerator / (t2 + 1.0))
    }
}

/// Newcombe's method 4 is Wilson's interval for `p - 1/(2n)` (lower) and `p + 1/(2n)` (upper): the
/// quadratic `(|p - pi| - 1/(2n))^2 = z^2 pi (1 - pi) / n`. Written that way it keeps Wilson's
/// precision, and a weighted count below 1/2 gets the lower bound 0 (the shifted share would be
/// negative; the closed form of Newcombe (1998) would return a positive bound above the estimate).
fn wilson_corrected(x: f64, n: f64, z: f64) -> Interval {
    let lower = if x <= 0.5 {
        0.0
    } else {
        wilson(x - 0.5, n, z).lower
    };
    let upper = if x >= n - 0.5 {
        1.0
    } else {
        wilson(x + 0.5, n, z).upper
    };
    Interval { lower, upper }
}

fn agresti_coull(x: f64, n: f64, z: f64) -> Interval {
    let z2 = z * z;
    let n_tilde = n + z2;
    let p_tilde = (x + 0.5 * z2) / n_tilde;
    let q_tilde = (n - x + 0.5 * z2) / n_tilde;
    let half = z * ((p_tilde * q_tilde).sqrt() / n_tilde.sqrt());
    Interval {
        lower: p_tilde - half,
        upper: p_tilde + half,
    }
    .clipped(0.0, 1.0)
}

/// Clopper-Pearson bounds for real `0 <= x <= n`, `n > 0`, at total tail `alpha`.
///
/// The interval always contains `x / n` (each bound is a median or beyond at worst, at `alpha = 1`);
/// a bound computed a rounding error beyond the estimate is moved onto it.
pub(crate) fn clopper_pearson(x: f64, n: f64, alpha: f64) -> Interval {
    let tail = 0.5 * alpha;
    let lower = if x <= 0.0 {
        0.0
    } else if x >= n {
        // (1 - pi)^0 ... : P(X >= n) = pi^n = alpha/2.
        (tail.ln() / n).exp()
    } else {
        beta::quantile(x, n - x + 1.0, tail, Tail::Lower)
    };
    let upper = if x >= n {
        1.0
    } else if x <= 0.0 {
        // P(X <= 0) = (1 - pi)^n = alpha/2.
        -(tail.ln() / n).exp_m1()
    } else {
        beta::quantile(x + 1.0, n - x, tail, Tail::Upper)
    };
    let p = x / n;
    Interval {
        lower: lower.min(p),
        upper: upper.max(p),
    }
}

/// Jeffreys bounds: quantiles `alpha/2` and `1 - alpha/2` of `Beta(x + 1/2, n - x + 1/2)`. As the
/// level falls to 0 both tend to the posterior median, which need not equal `x / n`; at `alpha = 1`
/// (levels below 1.1e-16) they coincide, and a rounding error that would order them the wrong way is
/// removed.
fn jeffreys(x: f64, n: f64, alpha: f64) -> Interval {
    let tail = 0.5 * alpha;
    let (a, b) = (x + 0.5, n - x + 0.5);
    let upper = if x >= n {
        1.0
    } else {
        beta::quantile(a, b, tail, Tail::Upper)
    };
    let lower = if x <= 0.0 {
        0.0
    } else {
        beta::quantile(a, b, tail, Tail::Lower).min(upper)
    };
    Interval { lower, upper }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_bounds_are_the_roots_of_the_score_equation() {
        let z = 1.959_963_984_540_054;
        for (x, n) in [(1.0, 1e8), (407.0, 830.0), (829.0, 830.0), (3.0, 7.0)] {
            let ci = wilson(x, n, z);
            let p = x / n;
            for pi in [ci.lower, ci.upper] {
                let residual = (p - pi).powi(2) - z * z * pi * (1.0 - pi) / n;
                let scale = p * p + pi * pi + z * z * pi / n;
                assert!(residual.abs() < 1e-14 * scale, "x={x} n={n}: {residual:e}");
            }
        }
    }

    #[test]
    fn clopper_pearson_edges_use_closed_forms() {
        let ci = clopper_pearson(0.0, 1e8, 0.05);
        assert_eq!(ci.lower, 0.0);
        // mpmath: 1 - 0.025^(1e-8)
        assert!(((ci.upper - 3.688_879_386_074_779e-8) / ci.upper).abs() < 1e-14);
        let ci = clopper_pearson(1e8, 1e8, 0.05);
        assert_eq!(ci.upper, 1.0);
        assert!((ci.lower - (1.0 - 3.688_879_386_074_779e-8)).abs() < 1e-15);
    }
}

//! Ratios of two Poisson rates: growth of mention counts between periods.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::stats::interval::Interval;
use crate::stats::level::ConfidenceLevel;
use crate::stats::names::method_names;
use crate::stats::numerics::beta::{self, Tail};

/// How to compute a confidence interval for the ratio of two Poisson rates.
///
/// With counts `y1`, `y2` over exposures `e1`, `e2` (days, posts crawled, ...), the ratio is
/// `R = (y1 / e1) / (y2 / e2)` and `N = y1 + y2`:
///
/// * `ExactConditional`: given `N`, `y1` is binomial with `pi = R e1 / (R e1 + e2)`; the
///   Clopper-Pearson interval for `pi` maps to `R = pi / (1 - pi) * e2 / e1` (R `poisson.test`).
///   Guaranteed coverage, conservative.
/// * `Score` (the default): inverts the conditional score test, `(y1 - y2 s)^2 = z^2 N s` with
///   `s = R e1 / e2`, a quadratic with closed-form roots (statsmodels `confint_poisson_2indep`
///   `method="score"`, which finds them numerically).
/// * `Wald`: `R exp(-/+ z sqrt(1/y1 + 1/y2))` on the log scale (statsmodels `"wald-log"`); undefined
///   when a count is zero.
///
/// References: Gu, Ng, Tang & Schucany (2008), "Testing the ratio of two Poisson rates"; Fay (2010),
/// "Two-sided exact tests and matching confidence intervals for discrete data".
///
/// ```
/// use survey_analytics::RateRatioMethod;
/// assert_eq!(RateRatioMethod::default(), RateRatioMethod::Score);
/// assert_eq!("exact".parse::<RateRatioMethod>()?, RateRatioMethod::ExactConditional);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum RateRatioMethod {
    /// Exact conditional (binomial) interval.
    ExactConditional,
    /// Score interval. The default.
    #[default]
    Score,
    /// Wald interval on the log scale.
    Wald,
}

method_names!(RateRatioMethod, "rate ratio method",
    ExactConditional => "exact-conditional" | "exact" | "exact-cond",
    Score => "score",
    Wald => "wald" | "wald-log",
);

/// A ratio of two rates with its confidence interval, from [`rate_ratio_interval`].
///
/// ```
/// use survey_analytics::{Interval, RateRatio};
/// let r = RateRatio { estimate: 1.41, interval: Interval { lower: 1.3, upper: 1.53 } };
/// assert!((r.growth() - 0.41).abs() < 1e-12);
/// assert!((r.growth_interval().lower - 0.3).abs() < 1e-12);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RateRatio {
    /// `(y1 / e1) / (y2 / e2)`; infinite when `y2 = 0`.
    pub estimate: f64,
    /// The confidence interval for the ratio.
    pub interval: Interval,
}

impl RateRatio {
    /// Growth from the second period to the first: `estimate - 1` (0.41 for "+41%").
    pub fn growth(&self) -> f64 {
        self.estimate - 1.0
    }

    /// The interval for the growth: the ratio interval shifted by -1.
    pub fn growth_interval(&self) -> Interval {
        Interval {
            lower: self.interval.lower - 1.0,
            upper: self.interval.upper - 1.0,
        }
    }
}

/// The ratio of the rate `count1 / exposure1` to `count2 / exposure2`, with a confidence interval.
///
/// For year-over-year growth of mentions, put this year's count first: a ratio of 1.41 is "+41%".
///
/// ```
/// use survey_analytics::{rate_ratio_interval, ConfidenceLevel, RateRatioMethod};
///
/// // 1,410 mentions this year against 1,000 last year, over equal periods.
/// let growth = rate_ratio_interval(1410, 365.0, 1000, 365.0, ConfidenceLevel::NINETY_FIVE, RateRatioMethod::Score)?;
/// assert!((growth.growth() - 0.41).abs() < 1e-12);
/// let ci = growth.growth_interval();
/// assert!(ci.lower > 0.29 && ci.upper < 0.54);
///
/// assert!(rate_ratio_interval(0, 1.0, 0, 1.0, ConfidenceLevel::NINETY_FIVE, RateRatioMethod::Score).is_err());
/// # Ok::<(), survey_analytics::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::NotPositive`] for an exposure that is not finite and positive; [`Error::Undefined`] when
/// both counts are zero (nothing to compare), or for `Wald` with a zero count.
pub fn rate_ratio_interval(
    count1: u64,
    exposure1: f64,
    count2: u64,
    exposure2: f64,
    level: ConfidenceLevel,
    method: RateRatioMethod,
) -> Result<RateRatio> {
    for (name, value) in [("exposure1", exposure1), ("exposure2", exposure2)] {
        if !(value > 0.0 && value.is_finite()) {
            return Err(Error::NotPositive { name, value });
        }
    }
    if count1 == 0 && count2 == 0 {
        return Err(Error::Undefined {
            what: "rate ratio",
            reason: "both counts are zero, so neither rate is measured",
        });
    }
    let (y1, y2) = (count1 as f64, count2 as f64);
    // R = s * scale, where s is the ratio of counts scaled by the exposures.
    let scale = exposure2 / exposure1;
    let estimate = y1 / y2 * scale;
    let interval = match method {
        RateRatioMethod::ExactConditional => exact_conditional(y1, y2, level.alpha(), scale),
        RateRatioMethod::Score => score(y1, y2, level.z(), scale),
        RateRatioMethod::Wald => {
            if count1 == 0 || count2 == 0 {
                return Err(Error::Undefined {
                    what: "Wald rate ratio interval",
                    reason: "a count is zero; use RateRatioMethod::Score or ExactConditional",
                });
            }
            let half = level.z() * (1.0 / y1 + 1.0 / y2).sqrt();
            Interval {
                lower: estimate * (-half).exp(),
                upper: estimate * half.exp(),
            }
        }
    };
    Ok(RateRatio { estimate, interval })
}

/// Roots of `y2^2 s^2 - (2 y1 y2 + z^2 N) s + y1^2 = 0`, in cancellation-free form.
fn score(y1: f64, y2: f64, z: f64, scale: f64) -> Interval {
    let z2n = z * z * (y1 + y2);
    let b = 2.0 * y1 * y2 + z2n;
    // b^2 - 4 y1^2 y2^2 = z^2 N (4 y1 y2 + z^2 N), computed without subtraction.
    let root = (z2n * (4.0 * y1 * y2 + z2n)).sqrt();
    let lower = 2.0 * y1 * y1 / (b + root);
    let upper = if y2 > 0.0 {
        (b + root) / (2.0 * y2 * y2)
    } else {
        f64::INFINITY
    };
    Interval {
        lower: lower * scale,
        upper: upper * scale,
    }
}

/// A Beta(a, b) quantile `x` returned as `(x, 1 - x)` with the smaller of the two computed directly,
/// so that `x / (1 - x)` keeps full relative precision when `x` is close to 1.
fn quantile_and_complement(a: f64, b: f64, target: f64, tail: Tail) -> (f64, f64) {
    let x = beta::quantile(a, b, target, tail);
    if x <= 0.5 {
        return (x, 1.0 - x);
    }
    // 1 - X ~ Beta(b, a), with the tails exchanged.
    let flipped = if tail == Tail::Lower {
        Tail::Upper
    } else {
        Tail::Lower
    };
    let y = beta::quantile(b, a, target, flipped);
    (1.0 - y, y)
}

/// Clopper-Pearson for `y1` of `N = y1 + y2`, mapped to the rate-ratio scale.
fn exact_conditional(y1: f64, y2: f64, alpha: f64, scale: f64) -> Interval {
    let n = y1 + y2;
    let tail = 0.5 * alpha;
    // Edge cases in closed form: P(X = 0) = (1 - pi)^N and P(X = N) = pi^N equal alpha / 2.
    let edge = (tail.ln() / n).exp(); // (alpha/2)^(1/N)
    let edge_complement = -(tail.ln() / n).exp_m1(); // 1 - (alpha/2)^(1/N)
    let (lower_pi, lower_rest) = if y1 == 0.0 {
        (0.0, 1.0)
    } else if y2 == 0.0 {
        (edge, edge_complement)
    } else {
        quantile_and_complement(y1, y2 + 1.0, tail, Tail::Lower)
    };
    let (upper_pi, upper_rest) = if y2 == 0.0 {
        (1.0, 0.0)
    } else if y1 == 0.0 {
        (edge_complement, edge)
    } else {
        quantile_and_complement(y1 + 1.0, y2, tail, Tail::Upper)
    };
    let to_ratio = |pi: f64, rest: f64| {
        if rest > 0.0 {
            pi / rest * scale
        } else {
            f64::INFINITY
        }
    };
    Interval {
        lower: to_ratio(lower_pi, lower_rest),
        upper: to_ratio(upper_pi, upper_rest),
    }
}

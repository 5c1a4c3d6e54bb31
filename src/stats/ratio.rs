//! Risk ratios and odds ratios of two independent proportions, with confidence intervals.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::stats::interval::Interval;
use crate::stats::level::ConfidenceLevel;
use crate::stats::names::method_names;
use crate::stats::numerics::root::brent;
use crate::stats::proportion::Proportion;

/// How to compute a confidence interval for the risk ratio `p1 / p2`.
///
/// * `Log` (Katz et al. 1978): `exp(ln(p1/p2) -/+ z sqrt(1/x1 - 1/n1 + 1/x2 - 1/n2))`; undefined when
///   either count is zero.
/// * `Koopman` (the default): inverts the score test of `p1 = R p2` with the Miettinen-Nurminen
///   variance factor `N / (N - 1)` (Koopman 1984; Miettinen & Nurminen 1985), as statsmodels
///   `confint_proportions_2indep(compare="ratio", method="score")`. Defined with zero counts: the
///   lower bound is 0 when `x1 = 0`, the upper bound infinite when `x2 = 0`.
///
/// ```
/// use survey_analytics::RiskRatioMethod;
/// assert_eq!(RiskRatioMethod::default(), RiskRatioMethod::Koopman);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum RiskRatioMethod {
    /// Wald interval on the log scale (Katz).
    Log,
    /// Score interval (Koopman, with the Miettinen-Nurminen factor). The default.
    #[default]
    Koopman,
}

method_names!(RiskRatioMethod, "risk ratio method",
    Log => "log" | "katz",
    Koopman => "koopman" | "score",
);

/// How to compute a confidence interval for the odds ratio `[p1 / (1-p1)] / [p2 / (1-p2)]`.
///
/// * `Woolf` (1955): `exp(ln OR -/+ z sqrt(1/x1 + 1/(n1-x1) + 1/x2 + 1/(n2-x2)))`; undefined when any
///   cell is zero.
/// * `WoolfAdjusted`: Woolf after adding 1/2 to every cell (Haldane 1956; Gart 1966), as statsmodels
///   `method="logit-adjusted"`; always defined.
/// * `MiettinenNurminen` (the default): inverts the score test of the odds ratio with the factor
///   `N / (N - 1)` (Miettinen & Nurminen 1985), as statsmodels `method="score"`.
///
/// ```
/// use survey_analytics::OddsRatioMethod;
/// assert_eq!("logit".parse::<OddsRatioMethod>()?, OddsRatioMethod::Woolf);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum OddsRatioMethod {
    /// Wald interval on the log scale (Woolf).
    Woolf,
    /// Woolf with 1/2 added to every cell.
    WoolfAdjusted,
    /// Score interval (Miettinen-Nurminen). The default.
    #[default]
    MiettinenNurminen,
}

method_names!(OddsRatioMethod, "odds ratio method",
    Woolf => "woolf" | "logit",
    WoolfAdjusted => "woolf-adjusted" | "logit-adjusted" | "haldane",
    MiettinenNurminen => "miettinen-nurminen" | "mn" | "score",
);

/// Confidence interval for the risk ratio `a / b` of two independent proportions.
///
/// Numerics: the score bounds are found by Brent's method on the log scale, to a relative 1e-14.
///
/// References: Katz, Baptista, Azen & Pike (1978); Koopman (1984), "Confidence intervals for the
/// ratio of two binomial proportions"; Miettinen & Nurminen (1985).
///
/// ```
/// use survey_analytics::{risk_ratio_interval, ConfidenceLevel, Proportion, RiskRatioMethod};
///
/// let leaders = Proportion::new(53, 130)?;
/// let contributors = Proportion::new(72, 400)?;
/// let ci = risk_ratio_interval(leaders, contributors, RiskRatioMethod::Koopman, ConfidenceLevel::NINETY_FIVE)?;
/// assert!(ci.lower > 1.5 && ci.upper < 3.2); // leaders are about 2.3 times as likely to know
///
/// let none = Proportion::new(0, 50)?;
/// assert!(risk_ratio_interval(none, none, RiskRatioMethod::Koopman, ConfidenceLevel::NINETY_FIVE).is_err());
/// # Ok::<(), survey_analytics::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::Undefined`] when both proportions are zero (the ratio is 0/0), or for `Log` when either
/// count is zero.
pub fn risk_ratio_interval(
    a: Proportion,
    b: Proportion,
    method: RiskRatioMethod,
    level: ConfidenceLevel,
) -> Result<Interval> {
    let (x1, n1, x2, n2) = (a.successes(), a.trials(), b.successes(), b.trials());
    if x1 == 0.0 && x2 == 0.0 {
        return Err(Error::Undefined {
            what: "risk ratio",
            reason: "both proportions are zero, so the ratio is 0/0; compare differences instead",
        });
    }
    let z = level.z();
    match method {
        RiskRatioMethod::Log => {
            if x1 == 0.0 || x2 == 0.0 {
                return Err(Error::Undefined {
                    what: "log (Katz) risk ratio interval",
                    reason: "a count is zero; use RiskRatioMethod::Koopman",
                });
            }
            let ratio = (x1 / n1) / (x2 / n2);
            let half = z * (1.0 / x1 - 1.0 / n1 + 1.0 / x2 - 1.0 / n2).max(0.0).sqrt();
            Ok(log_scale(ratio, half))
        }
        RiskRatioMethod::Koopman => Ok(koopman(x1, n1, x2, n2, z)),
    }
}

/// Confidence interval for the odds ratio of `a` relative to `b`.
///
/// References: Woolf (1955); Gart (1966); Miettinen & Nurminen (1985), "Comparative analysis of two
/// rates".
///
/// ```
/// use survey_analytics::{odds_ratio_interval, ConfidenceLevel, OddsRatioMethod, Proportion};
///
/// let a = Proportion::new(45, 50)?;
/// let b = Proportion::new(2, 60)?;
/// let ci = odds_ratio_interval(a, b, OddsRatioMethod::MiettinenNurminen, ConfidenceLevel::NINETY_FIVE)?;
/// assert!(ci.lower > 40.0 && ci.contains(261.0 / 1.0_f64.max(1.0)));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::Undefined`] when the odds ratio is 0/0 (no successes at all, or no failures at all) and
/// the method is not `WoolfAdjusted`, or for `Woolf` when any cell is zero.
pub fn odds_ratio_interval(
    a: Proportion,
    b: Proportion,
    method: OddsRatioMethod,
    level: ConfidenceLevel,
) -> Result<Interval> {
    let (x1, n1, x2, n2) = (a.successes(), a.trials(), b.successes(), b.trials());
    let (y1, y2) = (n1 - x1, n2 - x2);
    // The odds ratio x1 y2 / (y1 x2) is 0/0 when both products vanish: no successes at all, or no
    // failures at all. Only the adjusted method, which adds 1/2 to every cell, is defined then.
    if x1 * y2 == 0.0 && y1 * x2 == 0.0 && method != OddsRatioMethod::WoolfAdjusted {
        return Err(Error::Undefined {
            what: "odds ratio",
            reason: "both groups are all successes or all failures, so the odds ratio is 0/0; \
                     use OddsRatioMethod::WoolfAdjusted",
        });
    }
    let z = level.z();
    match method {
        OddsRatioMethod::Woolf => {
            if x1 == 0.0 || y1 == 0.0 || x2 == 0.0 || y2 == 0.0 {
                return Err(Error::Undefined {
                    what: "Woolf odds ratio interval",
                    reason: "a cell is zero; use OddsRatioMethod::WoolfAdjusted or MiettinenNurminen",
                });
            }
            Ok(woolf(x1, y1, x2, y2, z))
        }
        OddsRatioMethod::WoolfAdjusted => Ok(woolf(x1 + 0.5, y1 + 0.5, x2 + 0.5, y2 + 0.5, z)),
        OddsRatioMethod::MiettinenNurminen => Ok(odds_ratio_score(x1, n1, x2, n2, z)),
    }
}

fn log_scale(ratio: f64, half: f64) -> Interval {
    Interval {
        lower: ratio * (-half).exp(),
        upper: ratio * half.exp(),
    }
}

fn woolf(x1: f64, y1: f64, x2: f64, y2: f64, z: f64) -> Interval {
    let ratio = (x1 * y2) / (y1 * x2);
    let half = z * (1.0 / x1 + 1.0 / y1 + 1.0 / x2 + 1.0 / y2).sqrt();
    log_scale(ratio, half)
}

/// The `N / (N - 1)` variance factor of Miettinen & Nurminen.
fn small_sample_factor(n: f64) -> f64 {
    if n > 1.0 { n / (n - 1.0) } else { 1.0 }
}

/// Inverts `statistic(theta)^2 = z^2` on both sides of the estimate `theta_hat`, working on the log
/// scale: `excess(ln theta) = statistic^2 - z^2` is negative inside the interval and positive outside.
/// The bound on the side of a zero (infinite) estimate is 0 (infinity).
fn invert_on_log_scale<F: Fn(f64) -> f64>(excess: F, theta_hat: f64) -> Interval {
    // Largest |ln theta| searched: beyond e^700 a ratio is not representable.
    const FAR: f64 = 700.0;
    // Walks from `start` by doubling steps in `direction` while `keep(excess)` holds; returns the last
    // point where it held and the first where it failed (or None when it held up to FAR).
    let walk = |start: f64, direction: f64, keep: &dyn Fn(f64) -> bool| {
        let mut last = start;
        let mut step = 0.5;
        loop {
            let next = start + direction * step;
            if next.abs() > FAR {
                return (last, None);
            }
            if !keep(excess(next)) {
                return (last, Some(next));
            }
            last = next;
            step *= 2.0;
        }
    };
    let solve = |inside: f64, outside: f64| {
        // `inside` is inside the interval by construction; at a degenerate estimate (zero variance)
        // its excess is exactly 0, which must not be mistaken for the bound.
        let signed = |v: f64| {
            let e = excess(v);
            if v == inside && e >= 0.0 {
                -f64::MIN_POSITIVE
            } else {
                e
            }
        };
        brent(
            signed,
            inside,
            outside,
            1e-14 * inside.abs().max(outside.abs()).max(1.0),
        )
        .exp()
    };
    let side = |direction: f64| -> f64 {
        let beyond = if direction > 0.0 { f64::INFINITY } else { 0.0 };
        if (theta_hat == 0.0 && direction < 0.0) || (theta_hat.is_infinite() && direction > 0.0) {
            return beyond;
        }
        let inside_point = |v: f64| v < 0.0;
        let finite_estimate = theta_hat > 0.0 && theta_hat.is_finite();
        let start = if finite_estimate { theta_hat.ln() } else { 0.0 };
        // A finite estimate is inside its own interval even when its excess is 0 (zero variance).
        if finite_estimate || inside_point(excess(start)) {
            match walk(start, direction, &inside_point) {
                (inside, Some(outside)) => solve(inside, outside),
                (_, None) => beyond,
            }
        } else {
            // A zero or infinite estimate and theta = 1 already outside: walk back towards the
            // estimate until inside.
            match walk(start, -direction, &|v| !inside_point(v)) {
                (outside, Some(inside)) => solve(inside, outside),
                (_, None) => {
                    if direction > 0.0 {
                        0.0
                    } else {
                        f64::INFINITY
                    }
                }
            }
        }
    };
    Interval {
        lower: side(-1.0),
        upper: side(1.0),
    }
}

fn koopman(x1: f64, n1: f64, x2: f64, n2: f64, z: f64) -> Interval {
    let (n, c) = (n1 + n2, x1 + x2);
    let (p1, p2) = (x1 / n1, x2 / n2);
    let factor = small_sample_factor(n);
    let z2 = z * z;
    let excess = |ln_ratio: f64| {
        let ratio = ln_ratio.exp();
        // Restricted MLE of p2 under p1 = ratio * p2: the smaller root of
        // N R q^2 - (n1 R + x1 + n2 + x2 R) q + C = 0, in the cancellation-free form.
        let b = n1 * ratio + x1 + n2 + x2 * ratio;
        let discriminant = (b * b - 4.0 * n * ratio * c).max(0.0);
        let q2 = (2.0 * c / (b + discriminant.sqrt())).min(1.0);
        let q1 = (q2 * ratio).min(1.0);
        let variance = (q1 * (1.0 - q1) / n1 + ratio * ratio * q2 * (1.0 - q2) / n2) * factor;
        (p1 - ratio * p2).powi(2) - z2 * variance
    };
    invert_on_log_scale(excess, p1 / p2)
}

fn odds_ratio_score(x1: f64, n1: f64, x2: f64, n2: f64, z: f64) -> Interval {
    let (n, c) = (n1 + n2, x1 + x2);
    let (p1, p2) = (x1 / n1, x2 / n2);
    let factor = small_sample_factor(n);
    let z2 = z * z;
    let excess = |ln_ratio: f64| {
        let ratio = ln_ratio.exp();
        // Restricted MLE of p2 under odds ratio `ratio`: the root in (0, 1) of
        // n2 (R - 1) q^2 + (n1 R + n2 - C (R - 1)) q - C = 0, in the cancellation-free form.
        let a = n2 * (ratio - 1.0);
        let b = n1 * ratio + n2 - c * (ratio - 1.0);
        let root = (b * b + 4.0 * a * c).max(0.0).sqrt();
        let q2 = if b >= 0.0 {
            2.0 * c / (b + root)
        } else {
            (root - b) / (2.0 * a)
        };
        let q1 = q2 * ratio / (1.0 + q2 * (ratio - 1.0));
        let (v1, v2) = (q1 * (1.0 - q1), q2 * (1.0 - q2));
        if v1 <= 0.0 || v2 <= 0.0 {
            // The restricted fit sits on the boundary: the statistic is infinite.
            return f64::INFINITY;
        }
        let variance = (1.0 / (v1 * n1) + 1.0 / (v2 * n2)) * factor;
        let score = (p1 - q1) / v1 - (p2 - q2) / v2;
        score * score - z2 * variance
    };
    let (y1, y2) = (n1 - x1, n2 - x2);
    let estimate = (x1 * y2) / (y1 * x2);
    invert_on_log_scale(excess, estimate)
}

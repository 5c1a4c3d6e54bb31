//! The difference between two independent proportions, with confidence intervals.

use serde::{Deserialize, Serialize};

use crate::stats::interval::Interval;
use crate::stats::level::ConfidenceLevel;
use crate::stats::names::method_names;
use crate::stats::numerics::root::brent;
use crate::stats::proportion::{Proportion, wilson};
use crate::stats::z_test::share_difference;

/// How to compute a confidence interval for `p1 - p2`, two independent proportions.
///
/// With `p_i = x_i / n_i`, `d = p1 - p2` and `z = Phi^-1(1 - alpha/2)`:
///
/// * `Wald`: `d -/+ z sqrt(p1 (1-p1) / n1 + p2 (1-p2) / n2)`.
/// * `Newcombe` (the default): the hybrid score interval, method 10 of Newcombe (1998). With Wilson
///   intervals `[l_i, u_i]` for each proportion, `[d - sqrt((p1-l1)^2 + (u2-p2)^2),
///   d + sqrt((u1-p1)^2 + (p2-l2)^2)]`.
/// * `AgrestiCaffo`: Wald after adding one success and one failure to each group (Agresti & Caffo
///   2000).
/// * `MiettinenNurminen`: inverts the score test: the bounds are the `delta` where
///   `(d - delta)^2 = z^2 V(delta)`, `V(delta) = [q1 (1-q1) / n1 + q2 (1-q2) / n2] N / (N - 1)`, with
///   `(q1, q2)` the maximum-likelihood proportions under `p1 - p2 = delta` (the closed-form cubic of
///   Farrington & Manning 1990) and `N = n1 + n2` (Miettinen & Nurminen 1985).
///
/// Every interval is clipped to [-1, 1] (statsmodels leaves Wald and Agresti-Caffo bounds unclipped).
///
/// # Numerics
///
/// The closed forms are accurate to a few ulps of the shares: 1e-15 absolute. The score interval is
/// accurate to 1e-14 of `max(|lower|, |upper|)`, even where the bounds are of order `1 / n` at
/// `n = 2^53`: it is computed on the rarer outcome (the interval of the failures is the mirror
/// image), from the difference of the shares carried to an ulp of itself, with the restricted
/// estimate polished by a bracketed Newton iteration (the trigonometric root of the cubic cancels
/// to an absolute 1e-16) and the bounds found by Brent's method to a few ulps. Costs: a few
/// microseconds for the closed forms, under a millisecond for the score interval on any input.
/// statsmodels 0.14-0.15 computes the restricted estimate with `x2` in place of `n2` in the cubic's
/// linear coefficient (statsmodels issue 10269), so its `score` intervals differ from this one in
/// the third or fourth digit; this crate follows the published formula and is tested against a
/// 60-digit mpmath implementation of it.
///
/// Every method but `AgrestiCaffo` (which recentres on the adjusted counts) contains `d`.
///
/// # References
///
/// Newcombe (1998), "Interval estimation for the difference between independent
/// proportions: comparison of eleven methods"; Agresti & Caffo (2000); Miettinen & Nurminen (1985),
/// "Comparative analysis of two rates"; Farrington & Manning (1990).
///
/// # Examples
///
/// ```
/// use survey_analytics::DifferenceMethod;
/// assert_eq!(DifferenceMethod::default(), DifferenceMethod::Newcombe);
/// assert_eq!("mn".parse::<DifferenceMethod>()?, DifferenceMethod::MiettinenNurminen);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum DifferenceMethod {
    /// Normal approximation with unpooled variance.
    Wald,
    /// Newcombe's hybrid score interval (method 10). The default.
    #[default]
    Newcombe,
    /// Agresti-Caffo: Wald with one success and one failure added to each group.
    AgrestiCaffo,
    /// Miettinen-Nurminen score interval.
    MiettinenNurminen,
}

method_names!(DifferenceMethod, "difference method",
    Wald => "wald",
    Newcombe => "newcombe" | "newcomb" | "hybrid-score",
    AgrestiCaffo => "agresti-caffo",
    MiettinenNurminen => "miettinen-nurminen" | "mn" | "score",
);

/// Confidence interval for the difference `a - b` of two independent proportions.
///
/// See [`DifferenceMethod`] for the formulas and numerics. Weighted shares enter through their
/// effective bases ([`Proportion::from_estimate`]).
///
/// # Examples
///
/// ```
/// use survey_analytics::{difference_interval, ConfidenceLevel, DifferenceMethod, Proportion};
///
/// // 41% of 130 leaders vs 18% of 400 individual contributors know how impact is measured.
/// let leaders = Proportion::new(53, 130)?;
/// let contributors = Proportion::new(72, 400)?;
/// let ci = difference_interval(leaders, contributors, DifferenceMethod::Newcombe, ConfidenceLevel::NINETY_FIVE);
/// assert!(ci.lower > 0.13 && ci.upper < 0.33);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
pub fn difference_interval(
    a: Proportion,
    b: Proportion,
    method: DifferenceMethod,
    level: ConfidenceLevel,
) -> Interval {
    let z = level.z();
    let (x1, n1, x2, n2) = (a.successes(), a.trials(), b.successes(), b.trials());
    let interval = match method {
        DifferenceMethod::Wald => wald(x1, n1, x2, n2, z),
        DifferenceMethod::AgrestiCaffo => wald(x1 + 1.0, n1 + 2.0, x2 + 1.0, n2 + 2.0, z),
        DifferenceMethod::Newcombe => {
            let (p1, p2) = (x1 / n1, x2 / n2);
            let (w1, w2) = (wilson(x1, n1, z), wilson(x2, n2, z));
            Interval {
                lower: (p1 - p2) - (p1 - w1.lower).hypot(w2.upper - p2),
                upper: (p1 - p2) + (w1.upper - p1).hypot(p2 - w2.lower),
            }
        }
        DifferenceMethod::MiettinenNurminen => miettinen_nurminen(x1, n1, x2, n2, z),
    };
    interval.clipped(-1.0, 1.0)
}

fn wald(x1: f64, n1: f64, x2: f64, n2: f64, z: f64) -> Interval {
    let (p1, p2) = (x1 / n1, x2 / n2);
    let half = z * (p1 * (1.0 - p1) / n1 + p2 * (1.0 - p2) / n2).sqrt();
    Interval {
        lower: p1 - p2 - half,
        upper: p1 - p2 + half,
    }
}

/// Maximum-likelihood `(q1, q2)` under `q1 - q2 = delta`: the root of the Farrington-Manning cubic,
/// in the trigonometric form of Miettinen & Nurminen (1985), polished by [`polish_restricted_root`].
///
/// The smaller of the two proportions is the unknown solved for (the groups are exchanged for a
/// negative `delta`), so that the other, `q + |delta|`, keeps its relative precision too.
fn restricted_difference_mle(x1: f64, n1: f64, x2: f64, n2: f64, delta: f64) -> (f64, f64) {
    if delta < 0.0 {
        let (q2, q1) = restricted_difference_mle(x2, n2, x1, n1, -delta);
        return (q1, q2);
    }
    let (n, c) = (n1 + n2, x1 + x2);
    if delta == 0.0 {
        let pooled = c / n;
        return (pooled, pooled);
    }
    let l3 = n;
    let l2 = (n1 + 2.0 * n2) * delta - n - c;
    let l1 = (n2 * delta - n - 2.0 * x2) * delta + c;
    let l0 = x2 * delta * (1.0 - delta);
    let shift = l2 / (3.0 * l3);
    let q = shift.powi(3) - l1 * l2 / (6.0 * l3 * l3) + l0 / (2.0 * l3);
    let p = q.signum() * (shift * shift - l1 / (3.0 * l3)).max(0.0).sqrt();
    let q2 = if p == 0.0 {
        -shift
    } else {
        let angle = (std::f64::consts::PI + (q / p.powi(3)).clamp(-1.0, 1.0).acos()) / 3.0;
        2.0 * p * angle.cos() - shift
    };
    // The feasible range of q2 given q1 = q2 + delta in [0, 1], delta > 0.
    let hi = 1.0 - delta;
    let q2 = polish_restricted_root(x1, n1, x2, n2, delta, q2, hi);
    (q2 + delta, q2)
}

/// The root in `[0, hi]` (`hi = 1 - delta`, `delta > 0`) of the restricted score
/// `g(q) = x1 / (q + delta) - y1 / (hi - q) + x2 / q - y2 / (1 - q)`, which decreases strictly there,
/// by Newton's method inside a bracket that every evaluation narrows. `start` (the trigonometric
/// root) loses all relative precision when the proportions are tiny (`2 p cos(angle) - shift`
/// cancels to an absolute 1e-16), so a step that leaves the bracket is replaced by a split that is
/// geometric next to 0: at most about 60 evaluations reach a root of 1e-300, two or three
/// usually polish one.
fn polish_restricted_root(
    x1: f64,
    n1: f64,
    x2: f64,
    n2: f64,
    delta: f64,
    start: f64,
    hi: f64,
) -> f64 {
    let (y1, y2) = (n1 - x1, n2 - x2);
    // Each term is dropped when its count is zero, so the boundaries are not poles then.
    let term = |count: f64, value: f64| if count > 0.0 { count / value } else { 0.0 };
    let square = |count: f64, value: f64| {
        if count > 0.0 {
            count / (value * value)
        } else {
            0.0
        }
    };
    let g = |q: f64| term(x1, q + delta) - term(y1, hi - q) + term(x2, q) - term(y2, 1.0 - q);
    // A boundary whose count is zero can hold the maximum itself (also when the score there is
    // undefined, as at hi = 0).
    let at_boundary = |q: f64| {
        let value = g(q);
        if value.is_nan() { 0.0 } else { value }
    };
    if x2 == 0.0 && at_boundary(0.0) <= 0.0 {
        return 0.0;
    }
    if y1 == 0.0 && at_boundary(hi) >= 0.0 {
        return hi;
    }
    let (mut a, mut b) = (0.0_f64, hi);
    let split = |a: f64, b: f64| {
        if a > 0.0 && b > 4.0 * a {
            (a * b).sqrt()
        } else if a == 0.0 && b > 1e-3 * hi {
            // Towards 0 by factors of 1024 until the root's order is bracketed.
            b / 1024.0
        } else {
            0.5 * (a + b)
        }
    };
    let mut q = if start > a && start < b {
        start
    } else {
        split(a, b)
    };
    for _ in 0..200 {
        let value = g(q);
        if value == 0.0 || value.is_nan() {
            return q;
        }
        if value > 0.0 {
            a = q;
        } else {
            b = q;
        }
        let slope =
            -(square(x1, q + delta) + square(y1, hi - q) + square(x2, q) + square(y2, 1.0 - q));
        let newton = q - value / slope;
        let next = if newton > a && newton < b {
            newton
        } else {
            split(a, b)
        };
        if (next - q).abs() <= 2.0 * f64::EPSILON * q.abs() || b - a <= 2.0 * f64::EPSILON * b {
            return next;
        }
        q = next;
    }
    q
}

/// The score interval is antisymmetric under exchanging successes and failures (`d` becomes `-d`);
/// it is computed on the rarer outcome, so that the restricted proportions are small and their
/// complements `1 - q` exact (next to 1 those would carry `1e-16 / (1 - q)`: all of it at
/// `n = 2^53`).
fn miettinen_nurminen(x1: f64, n1: f64, x2: f64, n2: f64, z: f64) -> Interval {
    let interval = if x1 / n1 + x2 / n2 > 1.0 {
        let flipped = miettinen_nurminen_rare(n1 - x1, n1, n2 - x2, n2, z);
        Interval {
            lower: -flipped.upper,
            upper: -flipped.lower,
        }
    } else {
        miettinen_nurminen_rare(x1, n1, x2, n2, z)
    };
    // The bounds come from the exact difference; the difference of the rounded shares, an ulp
    // away, stays inside too.
    let d = x1 / n1 - x2 / n2;
    Interval {
        lower: interval.lower.min(d),
        upper: interval.upper.max(d),
    }
}

fn miettinen_nurminen_rare(x1: f64, n1: f64, x2: f64, n2: f64, z: f64) -> Interval {
    // The difference to an ulp of itself: the bounds sit about `z / sqrt(n)` from it.
    let d = share_difference(x1, n1, x2, n2);
    let n = n1 + n2;
    // Small-sample factor N / (N - 1); undefined for N <= 1, where no second observation exists.
    let factor = if n > 1.0 { n / (n - 1.0) } else { 1.0 };
    let z2 = z * z;
    // Negative inside the interval, positive outside; zero at the bounds.
    let excess = |delta: f64| {
        let (q1, q2) = restricted_difference_mle(x1, n1, x2, n2, delta);
        let variance = (q1 * (1.0 - q1) / n1 + q2 * (1.0 - q2) / n2) * factor;
        // z^2 underflows to 0 below levels of about 1e-154; next to an infinite variance (subnormal
        // bases) the product is still "inside".
        let allowed = z2 * variance;
        let allowed = if allowed.is_nan() {
            f64::INFINITY
        } else {
            allowed
        };
        let value = (d - delta).powi(2) - allowed;
        // At delta = d both terms can vanish (all or no successes): the interval extends beyond d.
        if value == 0.0 && delta == d {
            -f64::MIN_POSITIVE
        } else {
            value
        }
    };
    let bound = |edge: f64| {
        if d == edge || excess(edge) <= 0.0 {
            edge
        } else {
            // To a few ulps of the bound itself (an absolute 1e-15 would leave bounds of order
            // 1 / n at n = 2^53 uncertain by a factor of 3).
            brent(excess, d, edge, 0.0)
        }
    };
    Interval {
        lower: bound(-1.0),
        upper: bound(1.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restricted_mle_maximises_the_constrained_likelihood() {
        // The score of the restricted log-likelihood in q2 must vanish at the estimate.
        for (x1, n1, x2, n2, delta) in [
            (7.0, 20.0, 12.0, 25.0, 0.1),
            (3.0, 7.0, 1.0, 9.0, -0.4),
            (0.0, 10.0, 4.0, 12.0, 0.2),
        ] {
            let (q1, q2) = restricted_difference_mle(x1, n1, x2, n2, delta);
            assert!((q1 - q2 - delta).abs() < 1e-15);
            let score = x1 / q1 - (n1 - x1) / (1.0 - q1) + x2 / q2 - (n2 - x2) / (1.0 - q2);
            assert!(score.abs() < 1e-9, "{score}");
        }
    }
}

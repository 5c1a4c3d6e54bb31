//! The regularized incomplete beta function and its inverse, for the exact interval methods.
//!
//! statrs's `Beta::inverse_cdf` is never used (it stops on an absolute step of about 1e-8, has no
//! iteration cap and never returns for n >= 1e7 at the edges; `docs/numerics.md`). Instead:
//!
//! * [`tails`] evaluates `I_x(a, b)` and `1 - I_x(a, b)` in whichever of `x` and `y = 1 - x` is
//!   smaller, that coordinate taken as exact and the other carried exactly as a double-double, so a
//!   bound a few ulps from 1 loses nothing to the rounding of `1 - x`. The prefactor
//!   `x^a y^b / B(a, b)` is Loader's binomial probability (about 1e-15 relative at any shape); the
//!   tail is the classical continued fraction (modified Lentz) on the side of the mean where it
//!   converges. Its first terms cancel near the mean of large shapes (by about
//!   `sqrt(min(a, b)) / |z|`) and, in `y` near 1, next to a much larger second shape (by about
//!   `b / (a + b x)`, formerly a loss of `1e-17 b`: 8e-10 at `n = 1e8`); where that loss exceeds 16
//!   the fraction runs in double-double arithmetic, shapes included (`a + 1` is not a double next to
//!   `a = 1e20`). Within 2.5 standard deviations of the mean of a law whose shapes both exceed 2e4,
//!   where the fraction needs a number of steps growing like a power of the shapes (about 2,400 at
//!   1e8, millions at 1e19), the tail is the fraction's value 5 standard deviations out plus the
//!   integral of the density from there, by 10-point Gauss-Legendre on panels of one standard
//!   deviation, in the standardised coordinate (nodes closer than the doubles near the mean keep their
//!   places); beyond shapes of 1e30 the law is normal there to double precision. Measured: about
//!   5e-15 relative for the smaller tail at shapes up to 1e8 (tests below).
//! * [`quantile`] solves `tail(x) = target` in the smaller coordinate by Newton's method on the
//!   logarithm of the tail, inside a bracket that every evaluation narrows, falling back to
//!   (geometric) bisection whenever a step leaves the bracket, with an iteration cap and a stop at a
//!   step of a few ulps. A relative error `e` of the tail moves the root by `e tail / (density x)`,
//!   about `e / sqrt(min(a, b))`, so the search asks for the double-double fraction only where loss
//!   times that conditioning is large, and for none while it is still far from the root. When the
//!   small shape governing the tail is tiny (weighted counts far below 1), the root comes from the
//!   power law `I_x(a, b) = x^a / (a B(a, b))`, exact to double precision once `x (a + b) < 1e-17`;
//!   such roots usually underflow to 0.

use super::dd::Dd;
use super::loader::{ln_binomial_pmf_gap, ln_binomial_pmf_parts, ln_gamma_1p, ln_gamma_ratio};
use super::normal;
use super::quadrature::integrate;

/// Which tail of the distribution a probability refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tail {
    /// `P(X <= x)`.
    Lower,
    /// `P(X > x)`.
    Upper,
}

impl Tail {
    fn flipped(self) -> Self {
        match self {
            Tail::Lower => Tail::Upper,
            Tail::Upper => Tail::Lower,
        }
    }
}

/// Both tails at one point, plus the density there.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BetaPoint {
    /// `I_x(a, b)`.
    pub lower: f64,
    /// `1 - I_x(a, b)`, accurate when small.
    pub upper: f64,
    /// The density `x^(a-1) (1-x)^(b-1) / B(a, b)`.
    pub density: f64,
}

impl BetaPoint {
    /// The same point seen from `1 - X ~ Beta(b, a)`.
    fn mirrored(self) -> Self {
        Self {
            lower: self.upper,
            upper: self.lower,
            density: self.density,
        }
    }

    fn tail(&self, tail: Tail) -> f64 {
        match tail {
            Tail::Lower => self.lower,
            Tail::Upper => self.upper,
        }
    }
}

/// Largest number of continued-fraction steps. Away from the mean, or with a shape below
/// [`QUADRATURE_MIN_SHAPE`], the fraction converges in a few hundred steps at most (tested below);
/// the cap only bounds the cost of an input the callers never make.
const MAX_CF_STEPS: u32 = 20_000;

/// Both shapes at least this large: the region near the mean is integrated (see the module docs).
const QUADRATURE_MIN_SHAPE: f64 = 2e4;

/// Half-width, in standard deviations, of the region integrated by quadrature.
const NEAR_MEAN: f64 = 2.5;

/// Both shapes at least this large: the law is normal to double precision near its mean.
const NORMAL_MIN_SHAPE: f64 = 1e30;

/// Where the quadrature starts, in standard deviations from the mean (beyond [`NEAR_MEAN`], so the
/// anchor is always evaluated by the continued fraction, and far enough out that its tail, below
/// 3e-7, needs little relative precision).
const ANCHOR: f64 = 5.0;

/// `1 / (1/a + 1/b) = a b / (a + b)`, without overflow.
fn harmonic(a: f64, b: f64) -> f64 {
    if a <= b {
        a / (1.0 + a / b)
    } else {
        b / (1.0 + b / a)
    }
}

/// `a / (a + b)`, without overflow.
fn share(a: f64, b: f64) -> f64 {
    1.0 / (1.0 + b / a)
}

/// `x^a y^b / B(a, b) * (a + b) / (a b)`: Loader's binomial probability of `a` successes and `b`
/// failures at success probability `x` (exact) with `y = 1 - x`.
fn binomial_weight(a: f64, b: f64, x: f64, y: f64) -> f64 {
    ln_binomial_pmf_parts(a, b, x, y).exp()
}

/// The continued fraction `1 / (1 + d1 / (1 + d2 / ...))` of `I_x(a, b) * a / (x^a y^b / B(a, b))`,
/// in doubles, for `x` exact.
fn continued_fraction(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let guard = |v: f64| if v.abs() < TINY { TINY } else { v };
    let (up, down) = (a + 1.0, a - 1.0);
    let mut c = 1.0;
    // (a + b) / (a + 1) = 1 + (b - 1) / (a + 1).
    let mut d = 1.0 / guard(1.0 - x - (b - 1.0) * x / up);
    let mut h = d;
    let mut m = 1.0;
    for _ in 0..MAX_CF_STEPS {
        let m2 = 2.0 * m;
        // Products of ratios, (a + m) / (a + 2m) = 1 - m / (a + 2m) and
        // (a + b + m) x / (a + 1 + 2m) = x + (b - 1 - m) x / (a + 1 + 2m), with x multiplied in before
        // dividing, so that shapes up to the largest double cannot overflow.
        let even = (m / (down + m2)) * ((b - m) * x / (a + m2));
        d = 1.0 / guard(1.0 + even * d);
        c = guard(1.0 + even / c);
        h *= d * c;
        let odd = -(1.0 - m / (a + m2)) * (x + (b - 1.0 - m) * x / (up + m2));
        d = 1.0 / guard(1.0 + odd * d);
        c = guard(1.0 + odd / c);
        let step = d * c;
        h *= step;
        if (step - 1.0).abs() <= f64::EPSILON {
            break;
        }
        m += 1.0;
    }
    h
}

/// The same fraction in double-double arithmetic, at a point `x` given as a double-double (used in
/// `y = 1 - x` near 1, where `1 + d_k D` cancels). The shapes enter exactly too: next to a shape of
/// 1e20, `a + 1` and `a + 1/2` are not doubles.
fn continued_fraction_dd(a: f64, b: f64, x: Dd) -> f64 {
    const TINY: f64 = 1e-300;
    let guard = |v: Dd| {
        if v.hi.abs() < TINY { Dd::new(TINY) } else { v }
    };
    let one = Dd::new(1.0);
    let (a, b) = (Dd::new(a), Dd::new(b));
    let mut c = one;
    let mut d = one / guard(one - x - (b - one) * x / (a + one));
    let mut h = d;
    let mut m = one;
    for _ in 0..MAX_CF_STEPS {
        let m2 = m + m;
        let even = (m / (a - one + m2)) * ((b - m) * x / (a + m2));
        d = one / guard(one + even * d);
        c = guard(one + even / c);
        h = h * d * c;
        let odd = -((one - m / (a + m2)) * (x + (b - one - m) * x / (a + one + m2)));
        d = one / guard(one + odd * d);
        c = guard(one + odd / c);
        let step = d * c;
        h = h * step;
        if (step - one).value().abs() <= f64::EPSILON {
            break;
        }
        m = m + one;
    }
    h.value()
}

/// `I_x(a, b)` and its complement at `x`, with `y = 1 - x` given separately (the smaller of the two
/// is used as the exact coordinate, so either may be tiny without losing precision). Requires
/// `a, b > 0` finite and `x, y` in [0, 1] with `x + y = 1` up to rounding.
pub(crate) fn tails(a: f64, b: f64, x: f64, y: f64) -> BetaPoint {
    tails_to(a, b, x, y, Precision::Tail)
}

/// How precise a tail must be: to its last digits (p-values), or only as far as the quantile
/// search needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Precision {
    /// Relative precision of the smaller tail, about 1e-14.
    Tail,
    /// For a quantile search: a relative error `e` of the tail moves the root by
    /// `e tail / (density x)`, about `e / sqrt(min(a, b))`, so a loss of digits near the mean of
    /// large shapes (about `sqrt(min(a, b))`) hardly moves the root; the double-double fraction is
    /// kept where loss times conditioning exceeds 64 (a small shape next to a huge one).
    Quantile,
    /// For the first steps of a quantile search, far from the root: doubles unless the loss
    /// exceeds 1e8 (errors up to about 1e-8 relative, which do not change the next step).
    Rough,
}

impl Precision {
    /// The largest cancellation of the continued fraction's first term accepted in doubles.
    fn largest_loss(self, a: f64, b: f64) -> f64 {
        match self {
            Precision::Tail => 16.0,
            Precision::Quantile => 64.0 * a.min(b).sqrt().max(1.0),
            Precision::Rough => 1e8,
        }
    }
}

fn tails_to(a: f64, b: f64, x: f64, y: f64, precision: Precision) -> BetaPoint {
    if x <= y {
        small_side(a, b, x, precision)
    } else {
        small_side(b, a, y, precision).mirrored()
    }
}

/// [`tails`] at an exact `x` in [0, 1/2], with `1 - x` formed exactly.
fn small_side(a: f64, b: f64, x: f64, precision: Precision) -> BetaPoint {
    if x <= 0.0 || x.is_nan() {
        return BetaPoint {
            lower: 0.0,
            upper: 1.0,
            density: if a < 1.0 {
                f64::INFINITY
            } else if a == 1.0 {
                b
            } else {
                0.0
            },
        };
    }
    let y = Dd::one_minus(x);
    let weight = binomial_weight(a, b, x, y.hi);
    let density = weight * harmonic(a, b) / (x * y.hi);
    if a.min(b) >= QUADRATURE_MIN_SHAPE {
        let mean = share(a, b);
        let sd = (mean * share(b, a)).sqrt() / (a + b + 1.0).sqrt();
        if (x - mean).abs() < NEAR_MEAN * sd {
            return near_mean(a, b, x, mean, sd, density, precision);
        }
    }
    if x < (a + 1.0) / (a + b + 2.0) {
        // I_x(a, b) = x^a y^b / (a B(a, b)) * fraction = weight * b / (a + b) * fraction. The
        // fraction's first term is 1 - (a + b) x / (a + 1): close to the mean it cancels, and the
        // terms after it as well, so beyond a loss of 16 it runs in double-double.
        let fraction = if fraction_loss(a, b, x) > precision.largest_loss(a, b) {
            continued_fraction_dd(a, b, Dd::new(x))
        } else {
            continued_fraction(a, b, x)
        };
        let lower = (weight * share(b, a) * fraction).clamp(0.0, 1.0);
        BetaPoint {
            lower,
            upper: 1.0 - lower,
            density,
        }
    } else {
        // The fraction of I_y(b, a). Its first terms are 1 - (a + b) y / (b + 1) and the like, which
        // cancel to about (1 - a + (a + b) x) / (b + 1): when that is small, double-double.
        let fraction = if fraction_loss(a, b, x) > precision.largest_loss(a, b) {
            continued_fraction_dd(b, a, y)
        } else {
            continued_fraction(b, a, y.hi)
        };
        let upper = (weight * share(a, b) * fraction).clamp(0.0, 1.0);
        BetaPoint {
            lower: 1.0 - upper,
            upper,
            density,
        }
    }
}

/// The factor by which the first term of the continued fraction used at `x` (in [0, 1/2], away
/// from the quadrature region) cancels: `(a + 1) / |a + 1 - (a + b) x|` below the point
/// `(a + 1) / (a + b + 2)`, `(b + 1) / |1 - a + (a + b) x|` above it.
fn fraction_loss(a: f64, b: f64, x: f64) -> f64 {
    if x < (a + 1.0) / (a + b + 2.0) {
        (a + 1.0) / ((a + 1.0) - (a + b) * x).abs()
    } else {
        (b + 1.0) / (1.0 - a + (a + b) * x).abs()
    }
}

/// `a - (a + b) t`, exactly rounded: the distance of `t` below the mean `a / (a + b)`, times `a + b`.
fn gap(a: f64, b: f64, t: f64) -> f64 {
    (Dd::new(a) - Dd::product(a, t) - Dd::product(b, t)).value()
}

/// Tails within [`NEAR_MEAN`] standard deviations of the mean of a beta law with both shapes at
/// least [`QUADRATURE_MIN_SHAPE`], in the standardised coordinate `u = (t - a / (a + b)) / sd`: each
/// point is known through its exact gap `a - (a + b) t = -(a + b) sd u`, so nodes closer together than
/// the doubles near the mean (shapes beyond about 1e28) keep their places.
///
/// The smaller tail is the continued fraction's tail at [`ANCHOR`] standard deviations on the same
/// side, plus the integral of the density from there to `x`. Beyond [`NORMAL_MIN_SHAPE`] the law is
/// normal to double precision (skewness below `2 / sqrt(min(a, b))`), and its tails are the normal
/// ones at `u`.
fn near_mean(
    a: f64,
    b: f64,
    x: f64,
    mean: f64,
    sd: f64,
    density: f64,
    precision: Precision,
) -> BetaPoint {
    // The anchor's tail (below 3e-7) needs an absolute precision of about 1e-17 only: the fraction
    // in doubles, which loses sqrt(min(a, b)) / 5 of its digits there, is enough below shapes of
    // 1e10 (and for quantiles at any shape).
    let anchor_precision = if a.min(b) >= 1e10 {
        precision
    } else {
        Precision::Quantile
    };
    let scale = (a + b) * sd;
    let u_of = |t: f64| -gap(a, b, t) / scale;
    let ux = u_of(x);
    let (lower_side, smaller) = if a.min(b) >= NORMAL_MIN_SHAPE {
        (ux <= 0.0, normal::cdf(-ux.abs()))
    } else {
        let density_at = |u: f64| {
            let t = mean + sd * u;
            let d = -scale * u;
            ln_binomial_pmf_gap(a, b, t, 1.0 - t, d).exp() * harmonic(a, b) / (t * (1.0 - t)) * sd
        };
        if ux <= 0.0 {
            let anchor = mean - ANCHOR * sd;
            let tail = tails_to(a, b, anchor, 1.0 - anchor, anchor_precision).lower;
            (true, tail + integrate(density_at, u_of(anchor), ux, 1.0))
        } else {
            let anchor = mean + ANCHOR * sd;
            let tail = tails_to(a, b, anchor, 1.0 - anchor, anchor_precision).upper;
            (false, tail + integrate(density_at, ux, u_of(anchor), 1.0))
        }
    };
    let smaller = smaller.clamp(0.0, 1.0);
    if lower_side {
        BetaPoint {
            lower: smaller,
            upper: 1.0 - smaller,
            density,
        }
    } else {
        BetaPoint {
            lower: 1.0 - smaller,
            upper: smaller,
            density,
        }
    }
}

/// `ln(a B(a, b)) = ln Gamma(1 + a) + ln Gamma(b) - ln Gamma(a + b)`, accurate for tiny `a`.
fn ln_a_beta(a: f64, b: f64) -> f64 {
    ln_gamma_1p(a) - ln_gamma_ratio(b, a)
}

/// The `x` in [0, 1] with `P(X <= x) = target` (`Tail::Lower`) or `P(X > x) = target` (`Tail::Upper`)
/// for `X ~ Beta(a, b)`. Requires finite `a, b > 0` and `target` in (0, 1).
///
/// Numerics: converges to within a few ulps of the root of the computed tail in the smaller of `x`
/// and `1 - x` (so a root near 1 is returned as `1 - y` with `y` accurate), and the accuracy is that of
/// [`tails`] divided by the local slope: see the tests and `docs/numerics.md`.
pub(crate) fn quantile(a: f64, b: f64, target: f64, tail: Tail) -> f64 {
    // Is the root below 1/2? The tail at 1/2 says (a quick evaluation, precise within 1e-9 of the
    // target); a first guess far from 1/2 says so for less, and a search that ends at 1/2 checks.
    let decide = || {
        let side = |precision| {
            let value = small_side(a, b, 0.5, precision).tail(tail);
            let below = match tail {
                Tail::Lower => value >= target,
                Tail::Upper => value <= target,
            };
            (below, (value - target).abs() > 1e-9 * target)
        };
        match side(Precision::Quantile) {
            (below, true) => below,
            _ => side(Precision::Tail).0,
        }
    };
    // P(X <= x) = P(1 - X >= 1 - x), with 1 - X ~ Beta(b, a).
    let solve = |below_half: bool| {
        if below_half {
            quantile_below_half(a, b, target, tail)
        } else {
            1.0 - quantile_below_half(b, a, target, tail.flipped())
        }
    };
    let guess = initial_guess(a, b, target, tail);
    let at_half = |x: f64| (x - 0.5).abs() <= 1e-9;
    if guess.is_finite() && !(0.25..=0.75).contains(&guess) {
        let x = solve(guess < 0.25);
        if !at_half(x) {
            return x;
        }
    }
    solve(decide())
}

/// The power-law root `(p a B(a, b))^(1/a)` of `I_x(a, b) = p`, where `p` is the lower-tail
/// probability, when that root is so small that the law is exact to double precision; `None`
/// otherwise.
fn power_law_root(a: f64, b: f64, lower_tail: f64) -> Option<f64> {
    let ln_root = (lower_tail.ln() + ln_a_beta(a, b)) / a;
    if ln_root >= 0.0 || ln_root.is_nan() {
        return None;
    }
    let root = ln_root.exp();
    // I_x(a, b) = x^a y^b / (a B) * (1 + (a + b) x / (a + 1) + ...) and y^b = 1 - b x + ...: both
    // corrections vanish to double precision below 1e-17.
    (root * (a + b + 1.0) < 1e-17).then_some(root)
}

/// A first guess at the quantile: a power law in the tail that the small shape governs, otherwise
/// the normal approximation matched to the mean and variance on the logit scale.
fn initial_guess(a: f64, b: f64, target: f64, tail: Tail) -> f64 {
    let mean = share(a, b);
    if a <= 1.0 {
        let lower_tail = match tail {
            Tail::Lower => target,
            Tail::Upper => 1.0 - target,
        };
        let guess = ((lower_tail.ln() + ln_a_beta(a, b)) / a).exp();
        if guess < mean {
            return guess;
        }
    }
    let z = super::normal::upper_quantile(target);
    let z = if tail == Tail::Lower { -z } else { z };
    // logit(X) has mean about ln(a/b) and variance about 1/a + 1/b.
    let logit = (a / b).ln() + z * (1.0 / a + 1.0 / b).sqrt();
    1.0 / (1.0 + (-logit).exp())
}

/// [`quantile`] for a root known to lie in [0, 1/2], searched in `x` itself (exact).
fn quantile_below_half(a: f64, b: f64, target: f64, tail: Tail) -> f64 {
    const MAX_STEPS: u32 = 200;
    let lower_tail = match tail {
        Tail::Lower => Some(target),
        Tail::Upper => (target < 0.5).then_some(1.0 - target),
    };
    if let Some(root) = lower_tail.and_then(|p| power_law_root(a, b, p)) {
        return root;
    }
    let (mut lo, mut hi) = (0.0_f64, 0.5_f64);
    let mut x = initial_guess(a, b, target, tail);
    if !(x > 0.0 && x < 0.5) {
        x = bisect(lo, hi);
    }
    let ln_target = target.ln();
    // Far from the root (the tail off by more than 1e-6 of itself) a rough tail steers as well; once
    // close, every tail is precise, so a root is only ever accepted from a precise one.
    let mut precision = Precision::Rough;
    for _ in 0..MAX_STEPS {
        let mut point = small_side(a, b, x, precision);
        if precision == Precision::Rough && (point.tail(tail) / target - 1.0).abs() < 1e-6 {
            precision = Precision::Quantile;
            // Again only where the precise fraction differs from the rough one.
            if fraction_loss(a, b, x) > Precision::Quantile.largest_loss(a, b) {
                point = small_side(a, b, x, precision);
            }
        }
        let value = point.tail(tail);
        if value == target {
            return x;
        }
        // Lower tail increases with x, upper tail decreases: keep the root inside [lo, hi].
        let below_root = match tail {
            Tail::Lower => value < target,
            Tail::Upper => value > target,
        };
        if below_root {
            lo = x;
        } else {
            hi = x;
        }
        // Newton on ln(tail): the step is (ln value - ln target) * value / slope.
        let slope = match tail {
            Tail::Lower => point.density,
            Tail::Upper => -point.density,
        };
        let newton = x - (value.ln() - ln_target) * value / slope;
        if (newton - x).abs() <= 4.0 * f64::EPSILON * x {
            // The step is below the resolution of x: x is the root to working precision.
            return x;
        }
        let next = if newton > lo && newton < hi && newton.is_finite() {
            newton
        } else {
            bisect(lo, hi)
        };
        let step = (next - x).abs();
        x = next;
        if step <= 4.0 * f64::EPSILON * x || hi - lo <= 4.0 * f64::EPSILON * hi {
            break;
        }
    }
    x
}

/// Midpoint of a bracket in (0, 1/2]: geometric when it spans orders of magnitude, arithmetic
/// otherwise. An open end at 0 counts as the smallest positive double.
fn bisect(lo: f64, hi: f64) -> f64 {
    if lo < 0.25 * hi {
        // Square roots taken separately so that the product cannot underflow.
        lo.max(f64::MIN_POSITIVE * f64::EPSILON).sqrt() * hi.sqrt()
    } else {
        0.5 * (lo + hi)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::numerics::rel;

    #[test]
    fn incomplete_beta_matches_high_precision() {
        // mpmath 50 digits: betainc(a, b, 0, x, regularized=True) and its complement.
        let cases = [
            (2.0, 3.0, 0.4, 0.5248, 0.475_199_999_999_999_96),
            (
                0.5,
                0.5,
                0.01,
                0.063_768_560_858_519_85,
                0.936_231_439_141_480_1,
            ),
            (
                50.0,
                30.0,
                0.7,
                0.920_720_776_176_327_7,
                0.079_279_223_823_672_24,
            ),
        ];
        for (a, b, x, lower, upper) in cases {
            let p = tails(a, b, x, 1.0 - x);
            assert!(
                rel(p.lower, lower) < 1e-13,
                "I_{x}({a},{b}) = {} vs {lower}",
                p.lower
            );
            assert!(
                rel(p.upper, upper) < 1e-13,
                "1 - I_{x}({a},{b}) = {} vs {upper}",
                p.upper
            );
        }
    }

    #[test]
    fn incomplete_beta_keeps_relative_precision_at_large_shapes() {
        // mpmath 60 digits, tanh-sinh quadrature of the density over the smaller tail:
        // x = mean + z sd for z = -6, -3, 3, 6.
        let cases = [
            (1e4, 3e4, 0.23700978131995207, 6.392163649599685e-10),
            (1e4, 3e4, 0.24350489065997605, 0.001281992705081674),
            (1e4, 3e4, 0.25649510934002395, 0.001418431487978801),
            (1e4, 3e4, 0.2629902186800479, 1.4675526414296708e-09),
            (1e6, 1e6, 0.49787868018677023, 9.864372766345144e-10),
            (1e6, 1e6, 0.49893934009338514, 0.0013498880599793087),
            (1e6, 1e6, 0.5021213198132297, 9.864372766354681e-10),
            (1e8, 2e8, 0.33317003401741996, 9.836964734641787e-10),
            (1e8, 2e8, 0.3332516836753766, 0.001349415527238591),
            (1e8, 2e8, 0.33341498299129, 0.001350380484311412),
            (1e8, 2e8, 0.33349663264924667, 9.894842342815166e-10),
        ];
        for (a, b, x, smaller) in cases {
            let p = tails(a, b, x, 1.0 - x);
            let got = if x < a / (a + b) { p.lower } else { p.upper };
            assert!(
                rel(got, smaller) < 1e-14,
                "a={a} b={b} x={x}: {got:e} vs {smaller:e}"
            );
        }
    }

    #[test]
    fn quantile_inverts_tails() {
        for &(a, b) in &[
            (1.0, 830.0),
            (0.5, 10.5),
            (407.0, 424.0),
            (3.0, 1e8),
            (5e6, 5e6 + 1.0),
            (1e18, 3e18),
            (0.7, 1e19),
        ] {
            for &target in &[1e-10, 0.0005, 0.025, 0.1, 0.5] {
                for tail in [Tail::Lower, Tail::Upper] {
                    let x = quantile(a, b, target, tail);
                    let p = tails(a, b, x, 1.0 - x);
                    let got = p.tail(tail);
                    // x is rounded to a double: the tail at x moves by density * ulp(x) / 2.
                    let resolution = p.density * x * f64::EPSILON / got;
                    assert!(
                        rel(got, target) < 1e-13 + 4.0 * resolution,
                        "a={a} b={b} t={target} {tail:?}: x={x} tail={got}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_continued_fraction_converges_wherever_it_is_used() {
        // Count steps over a grid of shapes and points: the fraction is only run away from the
        // mean or below QUADRATURE_MIN_SHAPE, where it must converge far below MAX_CF_STEPS.
        let steps = |a: f64, b: f64, x: f64| {
            let (up, down) = (a + 1.0, a - 1.0);
            let (mut c, mut d) = (1.0_f64, 1.0 / (1.0 - x - (b - 1.0) * x / up));
            let mut m = 1.0;
            for k in 0..MAX_CF_STEPS {
                let m2 = 2.0 * m;
                let even = (m / (down + m2)) * ((b - m) * x / (a + m2));
                d = 1.0 / (1.0 + even * d);
                c = 1.0 + even / c;
                let odd = -(1.0 - m / (a + m2)) * (x + (b - 1.0 - m) * x / (up + m2));
                d = 1.0 / (1.0 + odd * d);
                c = 1.0 + odd / c;
                if (d * c - 1.0).abs() <= f64::EPSILON {
                    return k;
                }
                m += 1.0;
            }
            MAX_CF_STEPS
        };
        let mut worst = 0;
        for &small in &[1.0, 30.0, 1e3, QUADRATURE_MIN_SHAPE * 0.999, 1e8, 1e15] {
            for &ratio in &[1.0, 10.0, 1e6] {
                let (a, b) = (small, small * ratio);
                let mean = share(a, b);
                let sd = (mean * share(b, a)).sqrt() / (a + b + 1.0).sqrt();
                for z in [-40.0, -6.0, -ANCHOR, -1.0, 0.0, 1.0, ANCHOR, 6.0, 40.0] {
                    let x = mean + z * sd;
                    if !(x > 0.0 && x < 1.0) {
                        continue;
                    }
                    let near = a.min(b) >= QUADRATURE_MIN_SHAPE && z.abs() < NEAR_MEAN;
                    if near {
                        continue;
                    }
                    let k = if x < (a + 1.0) / (a + b + 2.0) {
                        steps(a, b, x)
                    } else {
                        steps(b, a, 1.0 - x)
                    };
                    worst = worst.max(k);
                }
            }
        }
        assert!(worst < 2_000, "{worst} steps");
    }
}

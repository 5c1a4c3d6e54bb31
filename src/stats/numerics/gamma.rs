//! The regularized incomplete gamma functions `P(a, x)` and `Q(a, x) = 1 - P(a, x)`.
//!
//! statrs's `gamma_ur` computes the prefactor `x^a e^-x / Gamma(a)` from `ln_gamma` and stops its
//! continued fraction at 1e-15: p-values of 1e-264 come out 2.7e-12 off, and normal tails (shape 1/2)
//! carry about 1e-13. Here the prefactor is Loader's Poisson probability `x^a e^-x / Gamma(a + 1) =
//! exp(-stirlerr(a) - bd0(a, x)) / sqrt(2 pi a)`, accurate to ~1e-15 relative, followed by the power
//! series for `P` when `x < a + 1` and the Legendre continued fraction (modified Lentz) for `Q`
//! otherwise (Numerical Recipes, 6.2). The side not computed directly is `1 -` the other, so the
//! smaller of the two is always the accurate one.
//!
//! The series needs about `5 sqrt(a)` terms (50,000 at `a = 1e8`) and both expansions slow down near
//! the mean, so from a shape of 1e5 on (the Poisson window probabilities of Sison-Glaz intervals
//! reach shapes of 2^53): beyond 2.5 standard deviations above the mean the fraction for `Q`, and
//! below it a continued fraction for `P` (the limit of the incomplete beta function's), each
//! converging in 10 to 70 steps at any shape and run in double-double arithmetic where its first
//! terms cancel; within 2.5 standard deviations the tail is the fraction's value 3 standard
//! deviations out plus the integral of the density from there, by Gauss-Legendre quadrature in the
//! standardised coordinate (as for the incomplete beta function).

use super::dd::Dd;
use super::loader::{bd0, stirlerr};
use super::quadrature::integrate;

/// Both regularized tails at one point.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GammaTails {
    /// `P(a, x)`, the lower tail.
    pub lower: f64,
    /// `Q(a, x)`, the upper tail.
    pub upper: f64,
}

/// `x^a e^-x / Gamma(a + 1)` for `a > 0`, `x > 0`.
fn poisson_prefactor(a: f64, x: f64) -> f64 {
    (-stirlerr(a) - bd0(a, x, a - x)).exp() / (2.0 * std::f64::consts::PI * a).sqrt()
}

/// Shapes from which the fraction is used below the mean and the region near the mean is
/// integrated.
const LARGE_SHAPE: f64 = 1e5;

/// Half-width, in standard deviations, of the region integrated by quadrature.
const NEAR_MEAN: f64 = 2.5;

/// Where the quadrature starts, in standard deviations from the mean.
const ANCHOR: f64 = 3.0;

/// Largest number of series or fraction steps; never reached where each is used (at most a few
/// thousand below [`LARGE_SHAPE`], tested below).
const MAX_STEPS: u32 = 100_000;

/// `P(a, x)` and `Q(a, x)` for `a > 0` and `x >= 0` (NaN in, NaN out).
pub(crate) fn tails(a: f64, x: f64) -> GammaTails {
    if x.is_nan() || a.is_nan() {
        return GammaTails {
            lower: f64::NAN,
            upper: f64::NAN,
        };
    }
    if x <= 0.0 {
        return GammaTails {
            lower: 0.0,
            upper: 1.0,
        };
    }
    if x.is_infinite() {
        return GammaTails {
            lower: 1.0,
            upper: 0.0,
        };
    }
    if a >= LARGE_SHAPE {
        let sd = a.sqrt();
        let z = (x - a) / sd;
        return if z <= -NEAR_MEAN {
            from_lower(lower_fraction(a, x))
        } else if z < NEAR_MEAN {
            near_mean(a, x, sd)
        } else {
            from_upper(continued_fraction(a, x))
        };
    }
    if x < a + 1.0 {
        from_lower(series(a, x))
    } else {
        from_upper(continued_fraction(a, x))
    }
}

fn from_lower(lower: f64) -> GammaTails {
    let lower = lower.clamp(0.0, 1.0);
    GammaTails {
        lower,
        upper: 1.0 - lower,
    }
}

fn from_upper(upper: f64) -> GammaTails {
    let upper = upper.clamp(0.0, 1.0);
    GammaTails {
        lower: 1.0 - upper,
        upper,
    }
}

/// `P(a, x) = front * sum_{n >= 0} x^n / ((a + 1) ... (a + n))`, for `x < a + 1`.
fn series(a: f64, x: f64) -> f64 {
    let (mut term, mut sum, mut denominator) = (1.0, 1.0, a);
    for _ in 0..MAX_STEPS {
        denominator += 1.0;
        term *= x / denominator;
        sum += term;
        if term <= sum * f64::EPSILON {
            break;
        }
    }
    poisson_prefactor(a, x) * sum
}

/// `Q(a, x) = a * front / (x + 1 - a - 1 (1 - a) / (x + 3 - a - 2 (2 - a) / (x + 5 - a - ...)))`.
fn continued_fraction(a: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let guard = |v: f64| if v.abs() < TINY { TINY } else { v };
    let mut b = x + 1.0 - a;
    let mut c = 1.0 / TINY;
    let mut d = 1.0 / guard(b);
    let mut h = d;
    let mut i = 1.0;
    for _ in 0..MAX_STEPS {
        let an = -i * (i - a);
        b += 2.0;
        d = 1.0 / guard(an * d + b);
        c = guard(b + an / c);
        let step = d * c;
        h *= step;
        if (step - 1.0).abs() <= f64::EPSILON {
            break;
        }
        i += 1.0;
    }
    a * poisson_prefactor(a, x) * h
}

/// `P(a, x) = front * fraction` with the continued fraction `1 / (1 + d1 / (1 + d2 / ...))`,
/// `d_2m = m x / ((a + 2m - 1)(a + 2m))` and `d_2m+1 = -(a + m) x / ((a + 2m)(a + 2m + 1))`: the limit
/// of the incomplete beta function's fraction as its second shape grows (`I_(x/b)(a, b) -> P(a, x)`).
/// It converges in 10 to 50 steps below the mean (beyond 2.5 standard deviations) at any shape,
/// where the series needs `5 sqrt(a)`. Its first term `1 - x / (a + 1)` cancels near the mean, and
/// the terms after it as well: beyond a loss of 4 it runs in double-double arithmetic.
fn lower_fraction(a: f64, x: f64) -> f64 {
    let first = (a + 1.0 - x).abs() / (a + 1.0);
    let fraction = if first < 0.25 {
        lower_fraction_dd(a, x)
    } else {
        const TINY: f64 = 1e-300;
        let guard = |v: f64| if v.abs() < TINY { TINY } else { v };
        let mut c = 1.0;
        let mut d = 1.0 / guard(1.0 - x / (a + 1.0));
        let mut h = d;
        let mut m = 1.0;
        for _ in 0..MAX_STEPS {
            let m2 = 2.0 * m;
            let even = (m / (a - 1.0 + m2)) * (x / (a + m2));
            d = 1.0 / guard(1.0 + even * d);
            c = guard(1.0 + even / c);
            h *= d * c;
            let odd = -(1.0 - m / (a + m2)) * (x / (a + 1.0 + m2));
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
    };
    poisson_prefactor(a, x) * fraction
}

/// [`lower_fraction`]'s fraction in double-double arithmetic.
fn lower_fraction_dd(a: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let guard = |v: Dd| {
        if v.hi.abs() < TINY { Dd::new(TINY) } else { v }
    };
    let one = Dd::new(1.0);
    let (a, x) = (Dd::new(a), Dd::new(x));
    let mut c = one;
    let mut d = one / guard(one - x / (a + one));
    let mut h = d;
    let mut m = one;
    for _ in 0..MAX_STEPS {
        let m2 = m + m;
        let even = (m / (a - one + m2)) * (x / (a + m2));
        d = one / guard(one + even * d);
        c = guard(one + even / c);
        h = h * d * c;
        let odd = -((one - m / (a + m2)) * (x / (a + one + m2)));
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

/// Tails within [`NEAR_MEAN`] standard deviations of the mean of a gamma law of shape at least
/// [`LARGE_SHAPE`]: the fraction's tail at [`ANCHOR`] standard deviations on the side of `x`, plus
/// the integral of the density `t^(a-1) e^-t / Gamma(a) = (a / t) front(a, t)` from there to `x`, in
/// the coordinate `u = (t - a) / sd` (each node's gap `a - t = -sd u` exact).
fn near_mean(a: f64, x: f64, sd: f64) -> GammaTails {
    let density = |u: f64| {
        let t = a + sd * u;
        let front =
            (-stirlerr(a) - bd0(a, t, -sd * u)).exp() / (2.0 * std::f64::consts::PI * a).sqrt();
        a / t * front * sd
    };
    let ux = (x - a) / sd;
    if ux <= 0.0 {
        let anchor = a - ANCHOR * sd;
        let lower = lower_fraction(a, anchor);
        from_lower(lower + integrate(density, (anchor - a) / sd, ux, 1.0))
    } else {
        let anchor = a + ANCHOR * sd;
        let upper = continued_fraction(a, anchor);
        from_upper(upper + integrate(density, ux, (anchor - a) / sd, 1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::numerics::rel;

    /// Both tails `(P, Q)` of each `(a, x)` keep their relative precision (the larger one is
    /// 1 - the smaller): 1e-14, plus `4e-16 |ln tail|`, as a tail of `e^-L` is the exponential of
    /// an O(L) quantity known to ~1e-16 relative.
    fn assert_tails(cases: &[(f64, f64, f64, f64)]) {
        let tolerance = |v: f64| 1e-14 + 4e-16 * v.ln().abs();
        for &(a, x, lower, upper) in cases {
            let t = tails(a, x);
            assert!(
                rel(t.lower, lower) < tolerance(lower),
                "P({a}, {x}) = {:e} vs {lower:e}",
                t.lower
            );
            assert!(
                rel(t.upper, upper) < tolerance(upper),
                "Q({a}, {x}) = {:e} vs {upper:e}",
                t.upper
            );
        }
    }

    #[test]
    fn matches_high_precision_values() {
        // mpmath 50 digits: gammainc(a, 0, x, regularized=True) and gammainc(a, x, inf, ...).
        let cases = [
            (0.5, 0.1, 0.345_279_153_981_423, 0.654_720_846_018_577),
            (
                4.0,
                624.898_356_304_594_7,
                1.0,
                1.665_158_653_184_497_5e-264,
            ),
            (2.5, 3.0, 0.693_781_081_586_721_6, 0.306_218_918_413_278_4),
            (
                50_000.0,
                50_100.0,
                0.673_069_989_376_195_4,
                0.326_930_010_623_804_6,
            ),
            (0.5, 700.0, 1.0, 2.101_014_516_264_217_6e-306),
            (5.0, 1e-3, 8.326_391_864_211_503e-18, 1.0),
            (
                1e5,
                9.9e4,
                0.000_757_419_921_174_767_9,
                0.999_242_580_078_825_3,
            ),
        ];
        assert_tails(&cases);
    }

    #[test]
    fn large_shapes_are_fast_and_accurate() {
        // mpmath 60 digits, tanh-sinh quadrature of the density over the smaller tail (and
        // gammainc where it converges, a <= 1e6): x = a + z sqrt(a) for z = -6, -2.4, 0, 1, 3, 13.
        let cases = [
            (
                100000.0,
                98102.63340389897,
                7.834876460449097e-10,
                0.9999999992165124,
            ),
            (
                100000.0,
                99241.05336155959,
                0.008085263007114077,
                0.9919147369928859,
            ),
            (100000.0, 100000.0, 0.5004205221103651, 0.4995794778896348),
            (
                100000.0,
                100316.22776601683,
                0.841345148448325,
                0.15865485155167505,
            ),
            (
                100000.0,
                100948.68329805051,
                0.998612486319167,
                0.001387513680833018,
            ),
            (100000.0, 104110.96095821889, 1.0, 5.783358001971421e-38),
            (1000000.0, 994000.0, 9.178900262302024e-10, 0.99999999908211),
            (
                1000000.0,
                997600.0,
                0.008162012274003741,
                0.9918379877259963,
            ),
            (1000000.0, 1000000.0, 0.5001329807608725, 0.4998670192391274),
            (
                1000000.0,
                1001000.0,
                0.8413447863683403,
                0.15865521363165971,
            ),
            (
                1000000.0,
                1003000.0,
                0.9986382593537824,
                0.0013617406462175915,
            ),
            (1000000.0, 1013000.0, 1.0, 1.2632715952448713e-38),
            (1e10, 9999400000.0, 9.858790146801108e-10, 0.999999999014121),
            (1e10, 9999760000.0, 0.008197180598943903, 0.9918028194010561),
            (1e10, 10000000000.0, 0.5000013298076014, 0.4999986701923987),
            (1e10, 10000100000.0, 0.8413447460725758, 0.15865525392742424),
            (
                1e10,
                10000300000.0,
                0.998649983783308,
                0.0013500162166919065,
            ),
            (1e10, 10001300000.0, 1.0, 6.162117838324951e-39),
            (
                1e15,
                999999810263340.4,
                9.86585400587627e-10,
                0.9999999990134146,
            ),
            (
                1e15,
                999999924105336.1,
                0.008197534779030551,
                0.9918024652209695,
            ),
            (
                1e15,
                1000000000000000.0,
                0.5000000042052208,
                0.4999999957947791,
            ),
            (
                1e15,
                1000000031622776.6,
                0.8413447462469537,
                0.1586552537530464,
            ),
            (
                1e15,
                1000000094868329.8,
                0.9986501015869284,
                0.0013498984130716981,
            ),
            (1e15, 1000000411096095.9, 1.0, 6.117305916082485e-39),
        ];
        assert_tails(&cases);
    }
}

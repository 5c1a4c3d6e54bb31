//! Student's t quantiles and the F distribution's upper tail, through the incomplete beta function.
//!
//! statrs's `StudentsT::inverse_cdf` is 3e-7 off at 3e4 degrees of freedom and never returns at
//! 1e8 (`docs/numerics.md`). Here `P(|T| > t) = I_x(nu/2, 1/2)` with `x = nu / (nu + t^2)`, so a t
//! quantile is a beta quantile from the crate's own safeguarded search, taken on whichever of `x`
//! and `1 - x` is small so that `t = sqrt(nu (1 - x) / x)` keeps full precision. F tails are
//! `P(F > f) = I_z(d2/2, d1/2)` with `z = d2 / (d2 + d1 f)`.

use super::beta::{self, Tail};
use super::normal;

/// Degrees of freedom from which the quantile comes from the Cornish-Fisher expansion about the
/// normal quantile: its first omitted term is below 1e-18 relative there, and it costs a few
/// multiplications where the beta route runs a quantile search on a shape of `nu / 2`.
const EXPANSION_FROM: f64 = 1e5;

/// The `t` with `P(T > t) = q` for Student's t on `df > 0` degrees of freedom; `q` in (0, 1).
pub(crate) fn t_upper_quantile(q: f64, df: f64) -> f64 {
    if df >= EXPANSION_FROM {
        return cornish_fisher(normal::upper_quantile(q), df);
    }
    if q > 0.5 {
        return -t_upper_quantile(1.0 - q, df);
    }
    if q == 0.5 {
        return 0.0;
    }
    // P(|T| > t) = 2q = P(X <= x) for X ~ Beta(df/2, 1/2); 1 - X ~ Beta(1/2, df/2).
    let two_q = 2.0 * q;
    let y = beta::quantile(0.5, 0.5 * df, two_q, Tail::Upper);
    if y <= 0.5 {
        (df * y / (1.0 - y)).sqrt()
    } else {
        let x = beta::quantile(0.5 * df, 0.5, two_q, Tail::Lower);
        (df * (1.0 - x) / x).sqrt()
    }
}

/// Abramowitz & Stegun 26.7.5: the t quantile from the normal quantile `x` in powers of `1/df`.
fn cornish_fisher(x: f64, df: f64) -> f64 {
    let x2 = x * x;
    let g1 = (x2 + 1.0) * x / 4.0;
    let g2 = ((5.0 * x2 + 16.0) * x2 + 3.0) * x / 96.0;
    let g3 = (((3.0 * x2 + 19.0) * x2 + 17.0) * x2 - 15.0) * x / 384.0;
    let g4 = ((((79.0 * x2 + 776.0) * x2 + 1482.0) * x2 - 1920.0) * x2 - 945.0) * x / 92_160.0;
    x + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df
}

/// `P(|T| > |t|)` for Student's t on `df > 0` degrees of freedom: `I_x(df/2, 1/2)` with
/// `x = df / (df + t^2)`.
pub(crate) fn t_two_sided_p(t: f64, df: f64) -> f64 {
    if t.is_nan() || df.is_nan() {
        return f64::NAN;
    }
    if t.is_infinite() {
        return 0.0;
    }
    let t2 = t * t;
    if t2 == 0.0 {
        return 1.0;
    }
    let denominator = df + t2;
    beta::tails(0.5 * df, 0.5, df / denominator, t2 / denominator).lower
}

/// `P(F > f)` for the F distribution on `(d1, d2)` degrees of freedom.
pub(crate) fn f_sf(f: f64, d1: f64, d2: f64) -> f64 {
    if f.is_nan() || d1.is_nan() || d2.is_nan() {
        return f64::NAN;
    }
    if f <= 0.0 {
        return 1.0;
    }
    if f.is_infinite() {
        return 0.0;
    }
    let denominator = d2 + d1 * f;
    beta::tails(0.5 * d2, 0.5 * d1, d2 / denominator, d1 * f / denominator).lower
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::numerics::rel;

    #[test]
    fn t_quantiles_match_high_precision() {
        // mpmath 50 digits: the t with P(T > t) = q.
        for (q, df, expected) in [
            (0.025, 1.0, 12.706_204_736_174_705),
            (0.025, 10.0, 2.228_138_851_986_275),
            (0.005, 39.0, 2.707_913_183_517_662),
            (0.025, 30_000.0, 1.960_043_063_383_935_2),
            (0.05, 2.5, 2.558_218_614_135_936_4),
            (0.975, 10.0, -2.228_138_851_986_275),
        ] {
            let got = t_upper_quantile(q, df);
            assert!(
                rel(got, expected) < 1e-12,
                "q={q} df={df}: {got} vs {expected}"
            );
        }
        // Beyond 1e5 degrees of freedom: the Cornish-Fisher expansion.
        for (df, expected) in [
            (1e6, 1.959_966_356_814_107),
            (1e7, 1.959_964_221_767_205_5),
            (1e8, 1.959_964_008_262_766_8),
            (1e10, 1.959_963_984_777_281_4),
        ] {
            assert!(
                rel(t_upper_quantile(0.025, df), expected) < 1e-14,
                "df={df}"
            );
        }
    }

    #[test]
    fn t_tails_match_high_precision() {
        // mpmath 50 digits: betainc(df/2, 1/2, 0, df/(df+t^2), regularized=True).
        for (t, df, expected) in [
            (2.0, 10.0, 0.073_388_034_770_740_37),
            (-4.5, 39.0, 5.978_381_926_196_158e-5),
        ] {
            let got = t_two_sided_p(t, df);
            assert!(
                rel(got, expected) < 1e-12,
                "t={t} df={df}: {got:e} vs {expected:e}"
            );
        }
        assert_eq!(t_two_sided_p(0.0, 5.0), 1.0);
    }

    #[test]
    fn f_tails_match_high_precision() {
        // mpmath 50 digits: 1 - betainc(d1/2, d2/2, 0, d1 f / (d1 f + d2), regularized=True).
        for (f, d1, d2, expected) in [
            (3.0, 2.0, 10.0, 0.095_367_431_640_625),
            (1.0, 1.5, 45.0, 0.355_228_976_703_192_6),
            (25.0, 3.7, 120.3, 2.202_717_197_942_628_6e-14),
        ] {
            let got = f_sf(f, d1, d2);
            assert!(
                rel(got, expected) < 1e-12,
                "F({d1}, {d2}) > {f}: {got:e} vs {expected:e}"
            );
        }
    }
}

//! Binomial and hypergeometric probabilities by Loader's saddle-point method.
//!
//! `ln C(n, x) p^x q^(n-x)` computed from log-gamma values loses about `n * 1e-16` in absolute terms
//! (the three log-gammas are of order `n ln n` and cancel), which is a relative error of 1e-7 in the
//! probability at `n = 1e7`. Loader's form writes the same quantity as
//!
//! ```text
//! ln b(x; n, p) = stirlerr(n) - stirlerr(x) - stirlerr(n - x)
//!                 - bd0(x, n p) - bd0(n - x, n q) - ln(2 pi x (n - x) / n) / 2
//! ```
//!
//! where `stirlerr(n) = ln n! - ln(sqrt(2 pi n) (n / e)^n)` is small and smooth, and
//! `bd0(x, m) = x ln(x / m) + m - x` is evaluated by a series when `x` is near `m`. No term is large
//! where the probability is not tiny, so the relative error stays near 1e-15 at any `n`. The arguments
//! may be real (non-integer), which the incomplete beta function uses.
//!
//! Reference: C. Loader (2000), "Fast and accurate computation of binomial probabilities".

use statrs::function::gamma::ln_gamma;

/// `ln(sqrt(2 pi))`.
const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;

/// `stirlerr(n)` for n = 0, 1, ..., 15 (mpmath, 40 digits; stirlerr(0) is set to 0 by convention and
/// never used, since `x = 0` and `x = n` take their own branch below).
const STIRLERR_SMALL: [f64; 16] = [
    0.0,
    0.081_061_466_795_327_26,
    0.041_340_695_955_409_3,
    0.027_677_925_684_998_34,
    0.020_790_672_103_765_093,
    0.016_644_691_189_821_193,
    0.013_876_128_823_070_748,
    0.011_896_709_945_891_77,
    0.010_411_265_261_972_096,
    0.009_255_462_182_712_733,
    0.008_330_563_433_362_87,
    0.007_573_675_487_951_841,
    0.006_942_840_107_209_53,
    0.006_408_994_188_004_207,
    0.005_951_370_112_758_847_5,
    0.005_554_733_551_962_801,
];

/// `ln n! - ln(sqrt(2 pi n) (n / e)^n)` for real `n >= 0`.
pub(crate) fn stirlerr(n: f64) -> f64 {
    // Coefficients of the Stirling series 1/(12 n) - 1/(360 n^3) + 1/(1260 n^5) - ...
    const S0: f64 = 1.0 / 12.0;
    const S1: f64 = 1.0 / 360.0;
    const S2: f64 = 1.0 / 1260.0;
    const S3: f64 = 1.0 / 1680.0;
    const S4: f64 = 1.0 / 1188.0;
    if n <= 15.0 {
        let whole = n.floor();
        if whole == n && n >= 0.0 {
            // n is an integer in 0..=15 here, so the conversion is exact.
            return STIRLERR_SMALL[n as usize];
        }
        return ln_gamma(n + 1.0) - (n + 0.5) * n.ln() + n - LN_SQRT_2PI;
    }
    let nn = n * n;
    // Truncation error of each branch is below 3e-16 in absolute terms.
    if n > 500.0 {
        (S0 - S1 / nn) / n
    } else if n > 80.0 {
        (S0 - (S1 - S2 / nn) / nn) / n
    } else if n > 35.0 {
        (S0 - (S1 - (S2 - S3 / nn) / nn) / nn) / n
    } else {
        (S0 - (S1 - (S2 - (S3 - S4 / nn) / nn) / nn) / nn) / n
    }
}

/// The deviance term `x ln(x / m) + m - x`, given the difference `d = x - m` computed accurately by
/// the caller (forming `x - m` from a rounded `m = n p` near `x` would lose `n * 1e-16`).
pub(crate) fn bd0(x: f64, m: f64, d: f64) -> f64 {
    if d.abs() < 0.1 * (x + m) {
        // x ln(x/m) + m - x = d v + 2 x sum_{j >= 1} v^(2j+1) / (2j+1), v = d / (x + m).
        let v = d / (x + m);
        let v2 = v * v;
        let mut sum = d * v;
        let mut term = 2.0 * x * v;
        let mut j = 1.0;
        // |v| < 0.1, so each term shrinks by 100: fewer than 20 terms reach a fixed point.
        while j < 200.0 {
            term *= v2;
            let next = sum + term / (2.0 * j + 1.0);
            if next == sum {
                break;
            }
            sum = next;
            j += 1.0;
        }
        sum
    } else {
        // ln(x / m) = ln(1 + d / m).
        x * (d / m).ln_1p() - d
    }
}

/// `ln[ Gamma(n+1) / (Gamma(x+1) Gamma(n-x+1)) p^x q^(n-x) ]` for real `0 <= x <= n`, with `q = 1 - p`
/// passed separately. The smaller of `p` and `q` is taken as exact and the larger as its rounded
/// complement, so a tiny `p` keeps full precision however large `n` is.
pub(crate) fn ln_binomial_pmf(x: f64, n: f64, p: f64, q: f64) -> f64 {
    if x < 0.0 || x > n {
        return f64::NEG_INFINITY;
    }
    if p == 0.0 {
        return if x == 0.0 { 0.0 } else { f64::NEG_INFINITY };
    }
    if q == 0.0 {
        return if x == n { 0.0 } else { f64::NEG_INFINITY };
    }
    if x == 0.0 {
        return n * if p < 0.5 { (-p).ln_1p() } else { q.ln() };
    }
    if x == n {
        return n * if q < 0.5 { (-q).ln_1p() } else { p.ln() };
    }
    let rest = n - x;
    // Sums grouped so that swapping (x, p) with (n - x, q) gives bit-identical results; exact ties
    // between mirrored tables then compare equal in Fisher's test.
    let stirling = stirlerr(n) - (stirlerr(x) + stirlerr(rest));
    // x - n p, formed from whichever of p and q is exact: x - n p = n q - (n - x).
    let d = if p <= q { x - n * p } else { n * q - rest };
    let deviance = bd0(x, n * p, d) + bd0(rest, n * q, -d);
    let ln_f = 2.0 * LN_SQRT_2PI + (x.ln() + rest.ln()) - n.ln();
    stirling - deviance - 0.5 * ln_f
}

/// Log of the hypergeometric probability of `k` successes in `draws` draws without replacement from a
/// population of `total` items of which `marked` are successes.
///
/// Written as a ratio of binomial probabilities with `p = draws / total` (Loader 2000), each by
/// [`ln_binomial_pmf`].
pub(crate) fn ln_hypergeometric_pmf(k: f64, total: f64, marked: f64, draws: f64) -> f64 {
    let unmarked = total - marked;
    if k < 0.0 || k > marked || draws - k < 0.0 || draws - k > unmarked {
        return f64::NEG_INFINITY;
    }
    let p = draws / total;
    let q = (total - draws) / total;
    ln_binomial_pmf(k, marked, p, q) + ln_binomial_pmf(draws - k, unmarked, p, q)
        - ln_binomial_pmf(draws, total, p, q)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::numerics::rel;

    #[test]
    fn stirlerr_is_continuous_across_branches() {
        // mpmath 40 digits: loggamma(n+1) - (n+1/2) ln n + n - ln sqrt(2 pi).
        for (n, expected) in [
            (15.5, 0.005_375_599_032_926_835),
            (16.0, 0.005_207_655_919_609_640_4),
            (35.5, 0.002_347_355_765_761_607),
            (80.5, 0.001_035_191_362_724_942),
            (600.0, 0.000_138_888_876_028_816_78),
            (2.5, 0.033_162_873_519_936_29),
        ] {
            assert!(rel(stirlerr(n), expected) < 1e-13, "n = {n}");
        }
    }

    #[test]
    fn binomial_pmf_matches_high_precision() {
        // mpmath 50 digits: binomial(n, x) p^x (1-p)^(n-x), p the double given.
        for (x, n, p, expected) in [
            (3.0, 10.0, 0.3, 0.266_827_932),
            (5_000_000.0, 10_000_000.0, 0.5, 0.000_252_313_245_894_184_8),
            (0.0, 1_000_000.0, 1e-6, 0.367_879_257_231_645_1),
            (1.0, 1e8, 2.5e-9, 0.194_700_196_193_757_9),
        ] {
            let got = ln_binomial_pmf(x, n, p, 1.0 - p).exp();
            assert!(
                rel(got, expected) < 1e-12,
                "x = {x}, n = {n}: {got} vs {expected}"
            );
        }
    }

    #[test]
    fn hypergeometric_pmf_matches_high_precision() {
        // The case statrs gets wrong (NUMERICS.md): N = 1030, K = 1, n = 515, k = 0 has pmf 1/2.
        assert!(rel(ln_hypergeometric_pmf(0.0, 1030.0, 1.0, 515.0).exp(), 0.5) < 1e-14);
        // mpmath 40 digits: C(K,k) C(N-K,n-k) / C(N,n).
        let got = ln_hypergeometric_pmf(4_900.0, 18_000.0, 9_000.0, 9_900.0).exp();
        assert!(rel(got, 0.003_891_516_877_100_019) < 1e-12, "{got}");
    }
}

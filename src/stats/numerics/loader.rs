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

use super::dd::Dd;

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
            return STIRLERR_SMALL.get(n as usize).copied().unwrap_or(0.0);
        }
        // stirlerr(m) = stirlerr(m + 1) + (m + 1/2) ln(1 + 1/m) - 1, stepped up past 15 where the
        // series holds. ln Gamma(n + 1) - (n + 1/2) ln n + n - ln sqrt(2 pi) directly would cancel
        // terms of order 20 to a result of order 0.01, losing about 1e-14 absolute.
        let mut m = n;
        let mut sum = 0.0;
        while m <= 15.0 {
            sum += stirlerr_step(m);
            m += 1.0;
        }
        return sum + stirlerr(m);
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

/// `stirlerr(m) - stirlerr(m + 1) = (m + 1/2) ln(1 + 1/m) - 1` for `m > 0`. With `u = 1 / (2m + 1)`
/// it is `u^2/3 + u^4/5 + u^6/7 + ...`, summed directly for `m >= 1/2` (no cancellation).
fn stirlerr_step(m: f64) -> f64 {
    if m < 0.5 {
        return (m + 0.5) * (1.0 / m).ln_1p() - 1.0;
    }
    let u = 1.0 / (2.0 * m + 1.0);
    let u2 = u * u;
    let (mut term, mut sum, mut k) = (u2, 0.0, 3.0);
    // u2 <= 1/4: at most about 25 terms.
    while k < 200.0 {
        let next = sum + term / k;
        if next == sum {
            break;
        }
        sum = next;
        term *= u2;
        k += 2.0;
    }
    sum
}

/// The deviance term `x ln(x / m) + m - x`, given the difference `d = x - m` computed accurately by
/// the caller (forming `x - m` from a rounded `m = n p` near `x` would lose `n * 1e-16`).
pub(crate) fn bd0(x: f64, m: f64, d: f64) -> f64 {
    if d.abs() < 0.1 * (x + m) {
        // x ln(x/m) + m - x = d v + 2 x sum_{j >= 1} v^(2j+1) / (2j+1), v = d / (x + m).
        // Halved first so that x + m cannot overflow for counts near the largest double.
        let v = (0.5 * d) / (0.5 * x + 0.5 * m);
        let v2 = v * v;
        let mut sum = d * v;
        let mut term = 2.0 * (x * v);
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
    } else if d.abs() < 0.5 * m {
        // ln(x / m) = ln(1 + d / m).
        x * (d / m).ln_1p() - d
    } else {
        // x far from m: d / m may round to -1 (x << m), and x / m may underflow.
        x * (x.ln() - m.ln()) - d
    }
}

/// `ln[ Gamma(n+1) / (Gamma(x+1) Gamma(n-x+1)) p^x q^(n-x) ]` for real `0 <= x <= n`, with `q = 1 - p`
/// passed separately. The smaller of `p` and `q` is taken as exact and the larger as its rounded
/// complement, so a tiny `p` keeps full precision however large `n` is.
pub(crate) fn ln_binomial_pmf(x: f64, n: f64, p: f64, q: f64) -> f64 {
    if x < 0.0 || x > n {
        return f64::NEG_INFINITY;
    }
    ln_binomial_pmf_parts(x, n - x, p, q)
}

/// [`ln_binomial_pmf`] with the two counts given separately, `x` successes and `rest` failures
/// (`n = x + rest`), so that a small count next to a huge one is not rounded away in `n - x` (the
/// incomplete beta function calls it with its two shapes).
///
/// Numerics: the gap `x - n p` that the deviance terms need is formed from exact products
/// (`x - x p - rest p`, or `x q + rest q - rest` when `q` is the exact one) in double-double
/// arithmetic, so it keeps full relative precision even when it is a tiny difference of two numbers
/// near `10^19`; formed in doubles it would carry an absolute error of about `1e-16 n p`, which the
/// deviance turns into a relative error of about `1e-16 sqrt(n)` in the probability.
pub(crate) fn ln_binomial_pmf_parts(x: f64, rest: f64, p: f64, q: f64) -> f64 {
    if !(x >= 0.0 && rest >= 0.0) {
        return f64::NEG_INFINITY;
    }
    if p == 0.0 {
        return if x == 0.0 { 0.0 } else { f64::NEG_INFINITY };
    }
    if q == 0.0 {
        return if rest == 0.0 { 0.0 } else { f64::NEG_INFINITY };
    }
    if x == 0.0 {
        return rest * if p < 0.5 { (-p).ln_1p() } else { q.ln() };
    }
    if rest == 0.0 {
        return x * if q < 0.5 { (-q).ln_1p() } else { p.ln() };
    }
    // d = x - n p, formed from whichever of p and q is exact: x - x p - rest p = x q + rest q - rest.
    let d = if p <= q {
        (Dd::new(x) - Dd::product(x, p) - Dd::product(rest, p)).value()
    } else {
        (Dd::product(x, q) + Dd::product(rest, q) - Dd::new(rest)).value()
    };
    ln_binomial_pmf_gap(x, rest, p, q, d)
}

/// [`ln_binomial_pmf_parts`] for `x, rest > 0` and `0 < p, q < 1`, with the gap `d = x - (x + rest) p`
/// supplied by the caller: a point known only through its distance from the mean (closer than the
/// spacing of doubles near `p`) keeps its precision.
pub(crate) fn ln_binomial_pmf_gap(x: f64, rest: f64, p: f64, q: f64, d: f64) -> f64 {
    let n = x + rest;
    // Sums grouped so that swapping (x, p) with (rest, q) gives bit-identical results; exact ties
    // between mirrored tables then compare equal in Fisher's test.
    let stirling = stirlerr(n) - (stirlerr(x) + stirlerr(rest));
    let deviance = bd0(x, n * p, d) + bd0(rest, n * q, -d);
    let ln_f = 2.0 * LN_SQRT_2PI + (x.ln() + rest.ln()) - n.ln();
    stirling - deviance - 0.5 * ln_f
}

/// `ln Gamma(1 + a)` for `a >= 0`, accurate to a few ulps also for tiny `a` (where `1 + a` rounds):
/// the series `-gamma a + sum_k (-1)^k zeta(k) a^k / k` below 0.25, statrs's `ln_gamma` above.
pub(crate) fn ln_gamma_1p(a: f64) -> f64 {
    /// zeta(k) for k = 2..=25 (mpmath).
    const ZETA: [f64; 24] = [
        1.644_934_066_848_226_4,
        1.202_056_903_159_594_2,
        1.082_323_233_711_138_1,
        1.036_927_755_143_37,
        1.017_343_061_984_449_2,
        1.008_349_277_381_923,
        1.004_077_356_197_944_4,
        1.002_008_392_826_082_1,
        1.000_994_575_127_818,
        1.000_494_188_604_119_4,
        1.000_246_086_553_308,
        1.000_122_713_347_578_5,
        1.000_061_248_135_058_8,
        1.000_030_588_236_307,
        1.000_015_282_259_408_6,
        1.000_007_637_197_637_9,
        1.000_003_817_293_265,
        1.000_001_908_212_716_5,
        1.000_000_953_962_033_8,
        1.000_000_476_932_986_9,
        1.000_000_238_450_502_7,
        1.000_000_119_219_926,
        1.000_000_059_608_189,
        1.000_000_029_803_503_4,
    ];
    const EULER_GAMMA: f64 = 0.577_215_664_901_532_9;
    if a >= 0.25 || a.is_nan() {
        return ln_gamma(1.0 + a);
    }
    // |terms| fall like 0.25^k / k: 24 terms reach 1e-16 of the first.
    let mut sum = 0.0;
    let mut power = -a;
    for (k, zeta) in ZETA.iter().enumerate() {
        power *= -a;
        sum += zeta * power / (k as f64 + 2.0);
    }
    -EULER_GAMMA * a + sum
}

/// `ln Gamma(b + a) - ln Gamma(b)` for `a, b > 0`, without the cancellation of two log-gammas of
/// order `b ln b`: with `ln Gamma(z) = (z - 1/2) ln z - z + ln sqrt(2 pi) + stirlerr(z)`,
/// `(b - 1/2) ln(1 + a/b) + a (ln(a + b) - 1) + stirlerr(a + b) - stirlerr(b)`.
pub(crate) fn ln_gamma_ratio(b: f64, a: f64) -> f64 {
    if b < 1.0 {
        // Both log-gammas are small here (|ln Gamma| < 36 on the range used), so no cancellation.
        return ln_gamma(b + a) - ln_gamma(b);
    }
    (b - 0.5) * (a / b).ln_1p() + a * ((a + b).ln() - 1.0) + (stirlerr(a + b) - stirlerr(b))
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
            (9.5, 0.008_768_700_134_139_385),
            (0.5, 0.153_426_409_720_027_35),
            (1e-300, 344.468_825_415_902_2),
        ] {
            // What matters is the absolute error: stirlerr is added to a log-probability.
            let error = (stirlerr(n) - expected).abs();
            assert!(error < 4e-16 * expected.max(1.0), "n = {n}: {error:e}");
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
        // The case statrs gets wrong (`docs/numerics.md`): N = 1030, K = 1, n = 515, k = 0 has pmf 1/2.
        assert!(rel(ln_hypergeometric_pmf(0.0, 1030.0, 1.0, 515.0).exp(), 0.5) < 1e-14);
        // mpmath 40 digits: C(K,k) C(N-K,n-k) / C(N,n).
        let got = ln_hypergeometric_pmf(4_900.0, 18_000.0, 9_000.0, 9_900.0).exp();
        assert!(rel(got, 0.003_891_516_877_100_019) < 1e-12, "{got}");
    }
}

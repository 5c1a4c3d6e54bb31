//! The standard normal distribution: upper-tail quantiles and tail probabilities.
//!
//! Numerics: quantiles come from statrs's `erfc_inv` and `erf_inv` (relative error <= 4.4e-16 for
//! tail areas down to 1e-308, `docs/numerics.md`). Tail probabilities do **not** use statrs's
//! `erfc`, whose coefficients carry about 10 digits (9e-11 relative error); they use the identity
//! `P(Z > z) = Q(1/2, z^2 / 2) / 2` for `z >= 0`, with the crate's own incomplete gamma function
//! (`gamma.rs`, about 1e-15 relative plus the conditioning of `z^2`).

use statrs::function::erf::{erf_inv, erfc_inv};

use super::gamma;

/// The `z` with `P(Z > z) = q` for a standard normal `Z`; `q` must lie in (0, 1).
///
/// Computed as `sqrt(2) * erfc_inv(2 q)`, so small `q` keeps full relative precision (no `1 - q`).
pub(crate) fn upper_quantile(q: f64) -> f64 {
    std::f64::consts::SQRT_2 * erfc_inv(2.0 * q)
}

/// The `z >= 0` with `P(|Z| <= z) = level` for a standard normal `Z`; `level` must lie in (0, 1).
///
/// Below 1/2 this is `sqrt(2) * erf_inv(level)`, which keeps full relative precision for levels down
/// to 1e-300 (where `1 - level` rounds to 1); above, `upper_quantile((1 - level) / 2)`, where
/// `1 - level` is exact.
pub(crate) fn two_sided_quantile(level: f64) -> f64 {
    if level <= 0.5 {
        std::f64::consts::SQRT_2 * erf_inv(level)
    } else {
        upper_quantile(0.5 * (1.0 - level))
    }
}

/// `P(Z > z)` for a standard normal `Z`, accurate to about 1e-13 relative in both tails.
pub(crate) fn sf(z: f64) -> f64 {
    if z.is_nan() {
        return f64::NAN;
    }
    let half_square = 0.5 * z * z;
    if half_square == 0.0 {
        return 0.5;
    }
    let tails = gamma::tails(0.5, half_square);
    if z > 0.0 {
        0.5 * tails.upper
    } else {
        0.5 + 0.5 * tails.lower
    }
}

/// `P(Z <= z)` for a standard normal `Z`.
pub(crate) fn cdf(z: f64) -> f64 {
    sf(-z)
}

/// Density of the standard normal at `z`.
pub(crate) fn pdf(z: f64) -> f64 {
    (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

/// Two-sided p-value `P(|Z| >= |z|)`.
pub(crate) fn two_sided_p(z: f64) -> f64 {
    if z.is_nan() {
        return f64::NAN;
    }
    let half_square = 0.5 * z * z;
    if half_square == 0.0 {
        return 1.0;
    }
    gamma::tails(0.5, half_square).upper
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::numerics::rel;

    #[test]
    fn quantiles_match_known_values() {
        // mpmath 60 digits: root of erfc(z / sqrt(2)) / 2 = q for the upper tail areas q below.
        assert!(rel(upper_quantile(0.025), 1.9599639845400543) < 1e-15);
        assert!(rel(upper_quantile(0.005), 2.575829303548901) < 1e-15);
        assert!(rel(upper_quantile(1e-300), 37.047_096_299_361_2) < 1e-14);
        assert!(rel(upper_quantile(0.9), -1.2815515655446004) < 1e-15);
        // mpmath: sqrt(2) erfinv(level), the two-sided quantile, down to levels where 1 - level
        // rounds to 1.
        assert!(rel(two_sided_quantile(0.95), 1.959_963_984_540_054) < 1e-15);
        assert!(rel(two_sided_quantile(0.3), 0.385_320_466_407_567_6) < 1e-15);
        assert!(rel(two_sided_quantile(1e-300), 1.253_314_137_315_500_3e-300) < 1e-15);
        assert!(rel(two_sided_quantile(1e-16), 1.253_314_137_315_500_3e-16) < 1e-15);
    }

    #[test]
    fn tail_probabilities_match_known_values() {
        // mpmath 60 digits: erfc(z / sqrt(2)) / 2 (two-sided: erfc(z / sqrt(2))).
        assert!(rel(sf(1.959963984540054), 0.025000000000000012) < 1e-13);
        assert!(rel(sf(10.0), 7.619853024160525e-24) < 1e-12);
        assert!(rel(sf(-1.0), 0.8413447460685429) < 1e-14);
        assert!(rel(cdf(-30.0), 4.906713927148187e-198) < 1e-12);
        assert!(rel(two_sided_p(3.0), 0.002699796063260189) < 1e-13);
        assert_eq!(sf(0.0), 0.5);
        assert_eq!(sf(f64::INFINITY), 0.0);
        assert_eq!(sf(f64::NEG_INFINITY), 1.0);
        assert_eq!(two_sided_p(0.0), 1.0);
        assert!(sf(f64::NAN).is_nan());
    }
}

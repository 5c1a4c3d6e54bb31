//! Special functions and root finding, wrapped where statrs falls short (see `../shared/NUMERICS.md`
//! in the project notes, summarised in each file). Private to the crate: the public API exposes
//! statistics, not these building blocks.

pub(crate) mod beta;
pub(crate) mod loader;
pub(crate) mod normal;
pub(crate) mod root;

use statrs::function::gamma::checked_gamma_ur;

/// `P(X > x)` for a chi-square variable with `df > 0` degrees of freedom: `Q(df/2, x/2)` by statrs's
/// regularized upper incomplete gamma (<= 1.1e-13 relative for df <= 10, NUMERICS.md).
pub(crate) fn chi_square_sf(x: f64, df: f64) -> f64 {
    if x.is_nan() || df.is_nan() {
        return f64::NAN;
    }
    if x <= 0.0 {
        return 1.0;
    }
    checked_gamma_ur(0.5 * df, 0.5 * x).unwrap_or(0.0)
}

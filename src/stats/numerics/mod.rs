//! Special functions and root finding, written where statrs falls short (what it gets wrong, and
//! the accuracy of what replaces it, are in `docs/numerics.md`, summarised in each file). Private to
//! the crate: the public API exposes statistics, not these building blocks.

pub(crate) mod beta;
pub(crate) mod dd;
pub(crate) mod gamma;
pub(crate) mod loader;
pub(crate) mod normal;
pub(crate) mod quadrature;
pub(crate) mod root;
pub(crate) mod student_f;

/// `P(X > x)` for a chi-square variable with `df > 0` degrees of freedom: `Q(df/2, x/2)` by the
/// crate's incomplete gamma function (`gamma.rs`).
pub(crate) fn chi_square_sf(x: f64, df: f64) -> f64 {
    if x.is_nan() || df.is_nan() {
        return f64::NAN;
    }
    if x <= 0.0 {
        return 1.0;
    }
    gamma::tails(0.5 * df, 0.5 * x).upper
}

/// Relative difference `|a - b| / |b|`, for the unit tests of this module.
#[cfg(test)]
pub(crate) fn rel(a: f64, b: f64) -> f64 {
    ((a - b) / b).abs()
}

//! Quantiles of unweighted values with exact, distribution-free intervals from order statistics.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::stats::level::ConfidenceLevel;
use crate::stats::numerics::beta;

/// A quantile of unweighted values with its order-statistic interval.
///
/// The quantile is the inverse of the empirical distribution function (the smallest value with
/// at least a share `p` of the values at or below it; R's `quantile(type = 1)`). The interval
/// holds the order statistics `x(l)` and `x(u)` (1-based) with `l` the `alpha / 2` quantile
/// of the binomial `(n, p)` and `u - 1` its upper `alpha / 2` quantile, as scipy's
/// `quantile_test(x, p = p).confidence_interval(level)` takes them: it covers the population
/// quantile with probability at least `level` whatever the distribution. A bound past the data
/// has no value.
///
/// # Examples
///
/// ```
/// use survey_analytics::{ConfidenceLevel, QuantileEstimate};
/// let x = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0, 5.0, 8.0, 9.0, 7.0, 9.0];
/// let median = QuantileEstimate::new(&x, 0.5, ConfidenceLevel::NINETY_FIVE)?;
/// assert_eq!(median.quantile, 5.0);
/// assert_eq!((median.lower, median.upper), (Some(3.0), Some(8.0)));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct QuantileEstimate {
    /// The probability asked for.
    pub probability: f64,
    /// The quantile.
    pub quantile: f64,
    /// Lower bound (`None` when it would lie below the smallest value).
    pub lower: Option<f64>,
    /// Upper bound (`None` when it would lie above the largest value).
    pub upper: Option<f64>,
    /// Values that entered.
    pub count: u64,
    /// Missing values (NaN), left out.
    pub missing: u64,
}

impl QuantileEstimate {
    /// The `p` quantile of `values` (NaN: missing, counted) with its interval at `level`.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{ConfidenceLevel, Error, QuantileEstimate};
    /// let q = QuantileEstimate::new(&[2.0, f64::NAN, 1.0], 0.5, ConfidenceLevel::NINETY_FIVE)?;
    /// assert_eq!((q.quantile, q.count, q.missing), (1.0, 2, 1));
    /// assert_eq!((q.lower, q.upper), (None, None)); // two values say little
    /// assert!(matches!(QuantileEstimate::new(&[], 0.5, ConfidenceLevel::NINETY_FIVE), Err(Error::EmptyBase)));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] unless `0 <= p <= 1`; [`Error::InvalidValue`] for an
    /// infinite value; [`Error::EmptyBase`] without a value.
    pub fn new(values: &[f64], p: f64, level: ConfidenceLevel) -> Result<Self> {
        if !(0.0..=1.0).contains(&p) {
            return Err(Error::InvalidParameter {
                name: "probability",
                value: p,
                requirement: "must be in [0, 1]",
            });
        }
        if let Some((record, &value)) = values.iter().enumerate().find(|(_, v)| v.is_infinite()) {
            return Err(Error::InvalidValue {
                name: "values",
                record,
                value,
            });
        }
        let mut sorted: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
        let missing = (values.len() - sorted.len()) as u64;
        if sorted.is_empty() {
            return Err(Error::EmptyBase);
        }
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        // The smallest k (1-based) with k / n >= p: the first order statistic reaching p.
        let k = ((p * n as f64).ceil() as usize).clamp(1, n);
        let quantile = sorted[k - 1];
        let (lower, upper) = if p > 0.0 && p < 1.0 {
            let tail = 0.5 * (1.0 - level.value());
            // scipy: low = x[ppf(tail) - 1], high = x[isf(tail)] (0-based), each if in range.
            let low = binomial_ppf(n as f64, p, tail);
            let high = binomial_isf(n as f64, p, tail);
            (
                low.checked_sub(1)
                    .and_then(|i| sorted.get(i as usize))
                    .copied(),
                sorted.get(high as usize).copied(),
            )
        } else {
            (None, None)
        };
        Ok(Self {
            probability: p,
            quantile,
            lower,
            upper,
            count: n as u64,
            missing,
        })
    }
}

/// Relative slack at the binomial tails' boundaries: a tail that equals `alpha / 2` up to
/// rounding (one respondent at `p = 0.05`, `level = 0.9`: `P(X > 0) = 0.05` against
/// `(1 - 0.9) / 2 = 0.04999999999999999`) counts as reaching it, as scipy's does.
const BOUNDARY: f64 = 1e-12;

/// `P(X <= k)` and `P(X > k)` for `X ~ Binomial(n, p)`, `k < n`: the incomplete beta
/// `I_{1-p}(n - k, k + 1)` and its complement.
fn binomial_tails(n: f64, p: f64, k: f64) -> (f64, f64) {
    let t = beta::tails(n - k, k + 1.0, 1.0 - p, p);
    (t.lower, t.upper)
}

/// The smallest `k` with `P(X <= k) >= q`.
fn binomial_ppf(n: f64, p: f64, q: f64) -> u64 {
    let (mut lo, mut hi) = (0_u64, n as u64);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if binomial_tails(n, p, mid as f64).0 >= q * (1.0 - BOUNDARY) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo
}

/// The smallest `k` with `P(X > k) <= q`.
fn binomial_isf(n: f64, p: f64, q: f64) -> u64 {
    let (mut lo, mut hi) = (0_u64, n as u64);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if binomial_tails(n, p, mid as f64).1 <= q * (1.0 + BOUNDARY) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo
}

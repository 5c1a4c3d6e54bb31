//! Design-based quantiles with Woodruff (1952) intervals, as R's `svyquantile(~x, design, p,
//! ci = TRUE, interval.type = "mean", qrule = "math")` computes them (survey 4.x).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::stats::level::ConfidenceLevel;
use crate::stats::means::StudentT;
use crate::survey::design::SampleDesign;

/// A quantile of a design, with its Woodruff interval.
///
/// The quantile is the weighted empirical distribution function's inverse (R's `qrule =
/// "math"`): the smallest value whose weighted share of respondents at or below it reaches `p`.
/// The interval (Woodruff 1952) takes the design-based share of respondents at or below the
/// quantile, its t interval on the design's degrees of freedom (those of the respondents with a
/// value), and maps the two bounds back through the same rule; a bound past 0 or 1 has no value.
/// The standard error is the interval's width over twice the t critical value, as R reports it.
///
/// # Examples
///
/// ```
/// use survey_analytics::{ConfidenceLevel, SampleDesign};
/// let design = SampleDesign::new(vec![1.0; 8])?.with_clusters(&[1, 1, 2, 2, 3, 3, 4, 4])?;
/// let spend = [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, f64::NAN];
/// let median = design.quantile(&spend, 0.5, ConfidenceLevel::NINETY_FIVE)?;
/// assert_eq!(median.quantile, 40.0); // 4 of 7 at or below 40
/// assert_eq!(median.observations, 7);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DesignQuantile {
    /// The probability asked for.
    pub probability: f64,
    /// The quantile.
    pub quantile: f64,
    /// Lower bound of the interval (`None` when the share's interval starts below 0).
    pub lower: Option<f64>,
    /// Upper bound (`None` when the share's interval ends above 1).
    pub upper: Option<f64>,
    /// The interval's width over twice the t critical value (`None` without both bounds).
    pub std_error: Option<f64>,
    /// Degrees of freedom of the interval.
    pub degrees_of_freedom: f64,
    /// Respondents with a value and a positive weight.
    pub observations: u64,
}

impl SampleDesign {
    /// The `p` quantile of `values` (NaN: no value, left out as R's `na.rm = TRUE` does) with its
    /// Woodruff interval at `level`; see [`DesignQuantile`].
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{ConfidenceLevel, Error, SampleDesign};
    /// let design = SampleDesign::new(vec![2.0, 1.0, 1.0, 1.0])?.with_clusters(&[1, 1, 2, 2])?;
    /// let q = design.quantile(&[5.0, 1.0, 3.0, 2.0], 0.25, ConfidenceLevel::NINETY_FIVE)?;
    /// assert_eq!(q.quantile, 2.0); // weights 1 (at 1) and 1 (at 2) of 5 reach 2/5 >= 1/4
    /// assert!(matches!(design.quantile(&[1.0; 4], 1.5, ConfidenceLevel::NINETY_FIVE), Err(Error::InvalidParameter { .. })));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] unless `0 <= p <= 1`; [`Error::LengthMismatch`] unless
    /// there is one value per respondent; [`Error::InvalidValue`] for an infinite value;
    /// [`Error::EmptyBase`] when no respondent with a positive weight has a value;
    /// [`Error::Undefined`] when the respondents with a value leave no degrees of freedom; as
    /// [`SampleDesign::mean`].
    pub fn quantile(
        &self,
        values: &[f64],
        p: f64,
        level: ConfidenceLevel,
    ) -> Result<DesignQuantile> {
        if !(0.0..=1.0).contains(&p) {
            return Err(Error::InvalidParameter {
                name: "probability",
                value: p,
                requirement: "must be in [0, 1]",
            });
        }
        self.check_len("values", values.len())?;
        if let Some((record, &value)) = values.iter().enumerate().find(|(_, v)| v.is_infinite()) {
            return Err(Error::InvalidValue {
                name: "values",
                record,
                value,
            });
        }
        // The values with a positive weight, sorted (ties in record order, as R's order()).
        let mut sorted: Vec<(f64, f64)> = values
            .iter()
            .zip(self.weights())
            .filter(|(x, w)| !x.is_nan() && **w > 0.0)
            .map(|(&x, &w)| (x, w))
            .collect();
        if sorted.is_empty() {
            return Err(Error::EmptyBase);
        }
        sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut cumulative = Vec::with_capacity(sorted.len());
        let mut running = 0.0;
        for &(_, w) in &sorted {
            running += w;
            cumulative.push(running);
        }
        let total = running;
        let rule = |p: f64| math_rule(&sorted, &cumulative, total, p);
        let quantile = rule(p);
        // The share at or below the quantile, design-based over the respondents with a value.
        let below: Vec<f64> = values
            .iter()
            .map(|&x| {
                if x.is_nan() {
                    f64::NAN
                } else {
                    f64::from(u8::from(x <= quantile))
                }
            })
            .collect();
        let share = self.mean(&below)?;
        let df = share.degrees_of_freedom;
        let t = StudentT::new(df).map_err(|_| Error::Undefined {
            what: "quantile interval",
            reason: "the respondents with a value leave no degrees of freedom",
        })?;
        let critical = t.quantile(0.5 + 0.5 * level.value())?;
        let (low, high) = (
            share.estimate - critical * share.std_error,
            share.estimate + critical * share.std_error,
        );
        let lower = (low >= 0.0).then(|| rule(low));
        let upper = (high <= 1.0).then(|| rule(high));
        let std_error = lower.zip(upper).map(|(l, u)| (u - l) / (2.0 * critical));
        Ok(DesignQuantile {
            probability: p,
            quantile,
            lower,
            upper,
            std_error,
            degrees_of_freedom: df,
            observations: share.observations,
        })
    }
}

/// R's `qrule_math`: with `pos` the last sorted value whose cumulative weight is at most
/// `p * total` (computed as R computes it), that value when its cumulative share equals `p`
/// exactly, else the next one. Below the first value's share R takes the second value; here the
/// first (the inverse of the distribution function), a deliberate departure.
fn math_rule(sorted: &[(f64, f64)], cumulative: &[f64], total: f64, p: f64) -> f64 {
    let target = p * total;
    let Some(pos) = cumulative.iter().rposition(|&c| c <= target) else {
        return sorted.first().map_or(f64::NAN, |s| s.0);
    };
    let exact = p - cumulative[pos] / total == 0.0;
    let next = (pos + 1).min(sorted.len() - 1);
    if exact { sorted[pos].0 } else { sorted[next].0 }
}

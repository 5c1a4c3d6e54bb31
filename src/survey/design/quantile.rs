//! Design-based quantiles with Woodruff (1952) intervals, as R's `svyquantile(~x, design, p,
//! ci = TRUE, interval.type = "mean", qrule = "math")` computes them (survey 4.x).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::stats::level::ConfidenceLevel;
use crate::stats::means::StudentT;
use crate::survey::codes::Mapped;
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
        // The values with a positive weight, sorted with ties in record order (as R's order()),
        // by a stable radix sort of keys that order as the values do.
        let mut items: Vec<(u64, f64)> = values
            .iter()
            .zip(self.weights())
            .filter(|(x, w)| !x.is_nan() && **w > 0.0)
            .map(|(&x, &w)| (order_key(x), w))
            .collect();
        if items.is_empty() {
            return Err(Error::EmptyBase);
        }
        radix_sort(&mut items);
        // Each sorted value's cumulative weight, in place of its weight.
        let mut running = 0.0;
        for item in items.iter_mut() {
            running += item.1;
            item.1 = running;
        }
        let total = running;
        let rule = |p: f64| math_rule(&items, total, p);
        let quantile = rule(p);
        // The share at or below the quantile, design-based over the respondents with a value.
        let below = |k: usize| {
            let x = values.get(k).copied().unwrap_or(f64::NAN);
            if x.is_nan() {
                f64::NAN
            } else {
                f64::from(u8::from(x <= quantile))
            }
        };
        let answered = Mapped {
            len: values.len(),
            code: |k: usize| (!values.get(k).is_none_or(|x: &f64| x.is_nan())).then_some(0),
        };
        let share = self
            .domain_means_of(below, &answered, 1)?
            .estimates()
            .first()
            .copied()
            .flatten()
            .ok_or(Error::EmptyBase)?;
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

/// R's `qrule_math` on values sorted by key with their cumulative weights: with `pos` the last
/// value whose cumulative weight is at most `p * total` (computed as R computes it), that value
/// when its cumulative share equals `p` exactly, else the next one. Below the first value's share
/// R takes the second value; here the first (the inverse of the distribution function), a
/// deliberate departure.
fn math_rule(sorted: &[(u64, f64)], total: f64, p: f64) -> f64 {
    let target = p * total;
    let value = |i: usize| sorted.get(i).map_or(f64::NAN, |s| from_key(s.0));
    // Cumulative weights only grow: the last at most the target by bisection.
    let Some(pos) = sorted.partition_point(|&(_, c)| c <= target).checked_sub(1) else {
        return value(0);
    };
    let exact = p - sorted[pos].1 / total == 0.0;
    if exact {
        value(pos)
    } else {
        value((pos + 1).min(sorted.len() - 1))
    }
}

/// An integer that orders as `x` does (with -0 as 0).
fn order_key(x: f64) -> u64 {
    let bits = (x + 0.0).to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

/// The value of an [`order_key`].
fn from_key(key: u64) -> f64 {
    if key >> 63 == 1 {
        f64::from_bits(key & !(1 << 63))
    } else {
        f64::from_bits(!key)
    }
}

/// Sorts by key, stably (equal keys keep their order), eleven bits at a time; digits that every
/// key shares are skipped.
fn radix_sort(items: &mut Vec<(u64, f64)>) {
    const DIGIT: u32 = 11;
    let mut buffer = vec![(0_u64, 0.0_f64); items.len()];
    let mut counts = vec![0_usize; 1 << DIGIT];
    for pass in 0..64_u32.div_ceil(DIGIT) {
        let shift = pass * DIGIT;
        let digit = |key: u64| ((key >> shift) & ((1 << DIGIT) - 1)) as usize;
        counts.fill(0);
        for &(key, _) in items.iter() {
            counts[digit(key)] += 1;
        }
        if counts.contains(&items.len()) {
            continue;
        }
        let mut start = 0;
        for count in counts.iter_mut() {
            (*count, start) = (start, start + *count);
        }
        for &item in items.iter() {
            let slot = &mut counts[digit(item.0)];
            buffer[*slot] = item;
            *slot += 1;
        }
        std::mem::swap(items, &mut buffer);
    }
}

#[cfg(test)]
mod tests {
    use super::{from_key, order_key, radix_sort};

    /// Keys order as the values do, and come back as the values; the sort is stable.
    #[test]
    fn keys_order_and_the_radix_sort_is_stable() {
        let values = [
            -1e300, -2.5, -0.0, 0.0, 5e-324, 1.0, 1.0, 3.5, 1e300, -5e-324,
        ];
        for a in values {
            assert_eq!(from_key(order_key(a)), a + 0.0);
            for b in values {
                assert_eq!(
                    order_key(a).cmp(&order_key(b)),
                    (a + 0.0).total_cmp(&(b + 0.0))
                );
            }
        }
        let mut state = 7_u64;
        let mut items: Vec<(u64, f64)> = (0..10_000)
            .map(|i| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (order_key((state % 50) as f64 - 25.0), f64::from(i))
            })
            .collect();
        let mut expected = items.clone();
        expected.sort_by_key(|item| item.0); // stable
        radix_sort(&mut items);
        assert_eq!(items, expected);
    }
}

//! What practitioners look at before trusting weights: their spread and what it costs in
//! precision, overall and per group (Kish 1965; Quantipy's rim-weighting report shows the same).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A summary of weights: how many, their total, smallest and largest, the ratio of the largest
/// to the smallest positive one, the coefficient of variation (population standard deviation over
/// the mean), Kish's design effect of unequal weighting `1 + cv^2 = n sum w^2 / (sum w)^2`, its
/// inverse the efficiency, and the effective base `(sum w)^2 / sum w^2`.
///
/// # Examples
///
/// ```
/// use survey_analytics::WeightSummary;
/// let s = WeightSummary::new(&[1.0, 1.0, 2.0, 4.0])?;
/// assert_eq!((s.count, s.sum, s.min, s.max, s.ratio), (4, 8.0, 1.0, 4.0, Some(4.0)));
/// assert!((s.kish_deff - 4.0 * 22.0 / 64.0).abs() < 1e-15);
/// assert!((s.effective_base - 64.0 / 22.0).abs() < 1e-15);
/// assert!((s.efficiency - 1.0 / s.kish_deff).abs() < 1e-15);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct WeightSummary {
    /// Weights summarised.
    pub count: u64,
    /// Of them, weights of zero.
    pub zero: u64,
    /// Their sum.
    pub sum: f64,
    /// The smallest.
    pub min: f64,
    /// The largest.
    pub max: f64,
    /// The largest over the smallest positive one (`None` when none is positive).
    pub ratio: Option<f64>,
    /// Population standard deviation over the mean.
    pub cv: f64,
    /// Kish's design effect of unequal weighting, `1 + cv^2`.
    pub kish_deff: f64,
    /// `1 / kish_deff`: the share of the sample's information the weights keep.
    pub efficiency: f64,
    /// `(sum w)^2 / sum w^2`.
    pub effective_base: f64,
}

impl WeightSummary {
    /// Summarises `weights`.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Error, WeightSummary};
    /// assert!(matches!(WeightSummary::new(&[]), Err(Error::EmptyBase)));
    /// assert!(matches!(WeightSummary::new(&[1.0, -1.0]), Err(Error::InvalidWeight { record: Some(1), .. })));
    /// assert_eq!(WeightSummary::new(&[0.0, 0.0])?.ratio, None);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::EmptyBase`] without weights; [`Error::InvalidWeight`] for a negative or
    /// non-finite one, naming it; [`Error::Undefined`] when their squares overflow.
    pub fn new(weights: &[f64]) -> Result<Self> {
        let all = Self::by_group(weights, &vec![Some(0); weights.len()], 1)?;
        all.into_iter().flatten().next().ok_or(Error::EmptyBase)
    }

    /// Summaries of the weights in each of `groups` groups (`group[k]`: respondent `k`'s;
    /// `None` for none); `None` for a group without respondents.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::WeightSummary;
    /// let by = WeightSummary::by_group(&[1.0, 3.0, 2.0], &[Some(0), Some(0), Some(2)], 3)?;
    /// assert_eq!(by[0].unwrap().ratio, Some(3.0));
    /// assert_eq!(by[1], None);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::LengthMismatch`] unless there is one group per weight;
    /// [`Error::CategoryOutOfRange`] for a group of `groups` or more; as
    /// [`WeightSummary::new`] for the weights.
    pub fn by_group(
        weights: &[f64],
        group: &[Option<usize>],
        groups: usize,
    ) -> Result<Vec<Option<Self>>> {
        if group.len() != weights.len() {
            return Err(Error::LengthMismatch {
                name: "groups",
                expected: weights.len(),
                len: group.len(),
                per: "weight",
            });
        }
        // Squares scaled by the largest weight, so that they neither overflow nor vanish.
        let largest = weights
            .iter()
            .copied()
            .filter(|w| w.is_finite())
            .fold(0.0_f64, f64::max);
        #[derive(Clone, Copy)]
        struct Sums {
            count: u64,
            zero: u64,
            sum: f64,
            scaled_squares: f64,
            min: f64,
            max: f64,
            min_positive: f64,
        }
        let mut sums = vec![
            Sums {
                count: 0,
                zero: 0,
                sum: 0.0,
                scaled_squares: 0.0,
                min: f64::INFINITY,
                max: 0.0,
                min_positive: f64::INFINITY,
            };
            groups
        ];
        for (record, (&w, &g)) in weights.iter().zip(group).enumerate() {
            let Some(g) = g else { continue };
            let Some(s) = sums.get_mut(g) else {
                return Err(Error::CategoryOutOfRange {
                    dimension: "groups".to_string(),
                    index: g,
                    len: groups,
                });
            };
            if !(w.is_finite() && w >= 0.0) {
                return Err(Error::InvalidWeight {
                    value: w,
                    record: Some(record),
                });
            }
            let scaled = if largest > 0.0 { w / largest } else { 0.0 };
            s.count += 1;
            s.zero += u64::from(w == 0.0);
            s.sum += w;
            s.scaled_squares += scaled * scaled;
            s.min = s.min.min(w);
            s.max = s.max.max(w);
            if w > 0.0 {
                s.min_positive = s.min_positive.min(w);
            }
        }
        sums.iter()
            .map(|s| {
                if s.count == 0 {
                    return Ok(None);
                }
                if !s.sum.is_finite() {
                    return Err(Error::Undefined {
                        what: "weight summary",
                        reason: "the weights sum past the largest double; rescale them",
                    });
                }
                let scaled_sum = if largest > 0.0 { s.sum / largest } else { 0.0 };
                let (kish_deff, effective_base) = if s.scaled_squares > 0.0 {
                    (
                        s.count as f64 * s.scaled_squares / (scaled_sum * scaled_sum),
                        scaled_sum * scaled_sum / s.scaled_squares,
                    )
                } else {
                    (1.0, 0.0)
                };
                Ok(Some(Self {
                    count: s.count,
                    zero: s.zero,
                    sum: s.sum,
                    min: s.min,
                    max: s.max,
                    ratio: s.min_positive.is_finite().then(|| s.max / s.min_positive),
                    cv: (kish_deff - 1.0).max(0.0).sqrt(),
                    kish_deff,
                    efficiency: 1.0 / kish_deff,
                    effective_base,
                }))
            })
            .collect()
    }
}

//! Ratio estimation under a design: `R = sum w y / sum w x` (spend per respondent, cost per
//! click), overall and by domain, with Taylor-linearised variances, as R's `svyratio`.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::survey::design::SampleDesign;

/// Most linearised values (domains times respondents) a ratio estimate holds: 2^26 (512 MiB).
const MAX_COLUMNS: usize = 1 << 26;

/// A design-based ratio `sum w y / sum w x` with its linearised standard error (the values
/// `z = w (y - R x) / sum w x` summed by PSU), on the design's degrees of freedom.
///
/// # Examples
///
/// ```
/// use survey_analytics::SampleDesign;
/// let design = SampleDesign::new(vec![1.0, 2.0, 1.0, 2.0])?.with_clusters(&[1, 1, 2, 2])?;
/// let r = design.ratio(&[10.0, 20.0, 30.0, 10.0], &[1.0, 2.0, 2.0, 1.0])?;
/// assert_eq!(r.estimate, 100.0 / 9.0);
/// assert!(r.std_error > 0.0);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DesignRatio {
    /// `sum w y / sum w x`.
    pub estimate: f64,
    /// Its linearised standard error.
    pub std_error: f64,
    /// The design's degrees of freedom.
    pub degrees_of_freedom: f64,
    /// Respondents with both values.
    pub observations: u64,
}

impl SampleDesign {
    /// The ratio of `numerator` to `denominator` totals; respondents missing either (NaN) are
    /// left out of both, as R's `svyratio(~y, ~x, design, na.rm = TRUE)` does.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Error, SampleDesign};
    /// let design = SampleDesign::new(vec![1.0; 3])?;
    /// let r = design.ratio(&[2.0, f64::NAN, 4.0], &[1.0, 1.0, 1.0])?;
    /// assert_eq!((r.estimate, r.observations), (3.0, 2));
    /// assert!(matches!(design.ratio(&[1.0; 3], &[0.0; 3]), Err(Error::Undefined { .. })));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::LengthMismatch`] unless both have one value per respondent;
    /// [`Error::InvalidValue`] for an infinite value; [`Error::Undefined`] when the denominator's
    /// total is zero; as [`SampleDesign::mean`] for the variance.
    pub fn ratio(&self, numerator: &[f64], denominator: &[f64]) -> Result<DesignRatio> {
        let domains = vec![Some(0); self.len()];
        let mut by = self.domain_ratios(numerator, denominator, &domains, 1)?;
        by.pop().flatten().ok_or(Error::Undefined {
            what: "ratio",
            reason: "the denominator's total is zero",
        })
    }

    /// Ratios in each of `count` domains (`domains[k]`: respondent `k`'s, `None` for none),
    /// each on the full design (R's `svyby(~y, ~g, design, svyratio, denominator = ~x)`); `None`
    /// for a domain whose denominator total is zero.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::SampleDesign;
    /// let design = SampleDesign::new(vec![1.0; 6])?.with_clusters(&[1, 1, 2, 2, 3, 3])?;
    /// let spend = [10.0, 20.0, 30.0, 5.0, 15.0, 25.0];
    /// let visits = [1.0, 2.0, 3.0, 1.0, 1.0, 1.0];
    /// let by = design.domain_ratios(&spend, &visits, &[Some(0), Some(0), Some(0), Some(1), Some(1), Some(1)], 2)?;
    /// assert_eq!(by[0].unwrap().estimate, 10.0);
    /// assert_eq!(by[1].unwrap().estimate, 15.0);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`SampleDesign::ratio`]; [`Error::CategoryOutOfRange`] for a domain of `count` or more;
    /// [`Error::CountTooLarge`] past 2^26 domains times respondents.
    pub fn domain_ratios(
        &self,
        numerator: &[f64],
        denominator: &[f64],
        domains: &[Option<usize>],
        count: usize,
    ) -> Result<Vec<Option<DesignRatio>>> {
        self.check_len("numerator", numerator.len())?;
        self.check_len("denominator", denominator.len())?;
        self.check_len("domains", domains.len())?;
        // One column of linearised values per domain: bounded as domain estimates on calibrated
        // designs are.
        if count.saturating_mul(self.len()) > MAX_COLUMNS {
            return Err(Error::CountTooLarge {
                name: "ratio domains x respondents; estimate fewer domains at a time",
                value: u64::try_from(count.saturating_mul(self.len())).unwrap_or(u64::MAX),
                max: MAX_COLUMNS as u64,
            });
        }
        let weights = self.weights();
        let mut sums = vec![(0.0_f64, 0.0_f64, 0_u64); count];
        for (record, ((&y, &x), d)) in numerator.iter().zip(denominator).zip(domains).enumerate() {
            let Some(d) = *d else { continue };
            for value in [y, x] {
                if value.is_infinite() {
                    return Err(Error::InvalidValue {
                        name: "ratio values",
                        record,
                        value,
                    });
                }
            }
            let Some(s) = sums.get_mut(d) else {
                return Err(Error::CategoryOutOfRange {
                    dimension: "domains".to_string(),
                    index: d,
                    len: count,
                });
            };
            if y.is_nan() || x.is_nan() {
                continue;
            }
            let w = weights.get(record).copied().unwrap_or(0.0);
            s.0 += w * y;
            s.1 += w * x;
            s.2 += u64::from(w != 0.0);
        }
        // One linearised column per domain with a ratio.
        let ratios: Vec<Option<f64>> = sums
            .iter()
            .map(|&(ty, tx, _)| (tx != 0.0).then(|| ty / tx))
            .collect();
        let columns: Vec<Vec<f64>> = (0..count)
            .map(|d| {
                let (Some(r), tx) = (ratios[d], sums[d].1) else {
                    return vec![0.0; self.len()];
                };
                (0..self.len())
                    .map(|k| {
                        let (y, x) = (numerator[k], denominator[k]);
                        if domains[k] != Some(d) || y.is_nan() || x.is_nan() {
                            0.0
                        } else {
                            weights[k] * (y - r * x) / tx
                        }
                    })
                    .collect()
            })
            .collect();
        let covariance = match self.replicates() {
            // Each replicate's ratios from its totals of numerator and denominator.
            Some(replicates) => {
                let slot: Vec<u32> = (0..self.len())
                    .map(|k| match domains[k] {
                        Some(d) if !(numerator[k].is_nan() || denominator[k].is_nan()) => d as u32,
                        _ => u32::MAX,
                    })
                    .collect();
                let values: Vec<f64> = (0..self.len())
                    .flat_map(|k| {
                        if slot[k] == u32::MAX {
                            [0.0, 0.0]
                        } else {
                            [numerator[k], denominator[k]]
                        }
                    })
                    .collect();
                let totals = replicates.totals(weights, &slot, count, Some((&values, 2)))?;
                let thetas = SampleDesign::replicate_ratios(
                    replicates,
                    &totals,
                    count,
                    |d| 2 * d,
                    |d| Some(2 * d + 1),
                );
                let full: Vec<f64> = ratios.iter().map(|r| r.unwrap_or(f64::NAN)).collect();
                let mut covariance = replicates.covariance(&full, &thetas);
                for d in (0..count).filter(|&d| ratios[d].is_none()) {
                    for e in 0..count {
                        covariance[d * count + e] = 0.0;
                        covariance[e * count + d] = 0.0;
                    }
                }
                covariance
            }
            None => self.covariance(&columns)?,
        };
        let df = self.degrees_of_freedom();
        let estimates = (0..count)
            .map(|d| {
                ratios[d].map(|r| DesignRatio {
                    estimate: r,
                    std_error: covariance
                        .get(d * count + d)
                        .copied()
                        .unwrap_or(0.0)
                        .max(0.0)
                        .sqrt(),
                    degrees_of_freedom: df,
                    observations: sums[d].2,
                })
            })
            .collect::<Vec<_>>();
        if estimates
            .iter()
            .flatten()
            .any(|e| !(e.estimate.is_finite() && e.std_error.is_finite()))
        {
            return Err(Error::Undefined {
                what: "ratio",
                reason: "the weighted totals overflow a double; rescale the values",
            });
        }
        Ok(estimates)
    }
}

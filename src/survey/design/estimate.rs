//! Design-based means, proportions and totals, overall and by domain, with standard errors and
//! design effects (R's `svymean`, `svytotal`, `svyby` with `covmat = TRUE`, `svycontrast`).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::stats::names::method_names;
use crate::survey::design::SampleDesign;

/// Which simple random sample a design effect compares the design variance with.
///
/// With `n` respondents of non-zero weight, weight total `W`, and `s^2` the design-weighted
/// variance of the values (`sum w (y - ybar)^2 / W * n / (n - 1)`), the design effect of a mean is
/// its design variance over
///
/// | kind | variance under simple random sampling | R |
/// |---|---|---|
/// | `WithReplacement` (the default) | `s^2 / n` | `deff = "replace"` |
/// | `WithoutReplacement` | `s^2 (W - n) / (W n)`, a sample of `n` from a population of `W` | `deff = TRUE` (R's default) |
///
/// and that of a total the same times `W^2`. The without-replacement effect is only meaningful when
/// the weights are expansion weights (they sum to the population size): survey exports usually scale
/// weights to average 1, so `W` is close to `n`, the finite-population factor `(W - n) / W` is close
/// to 0 and the effect explodes (or is undefined when `W <= n`). Crosstabs and reports therefore
/// use the with-replacement effect unless told otherwise.
///
/// # Examples
///
/// ```
/// use survey_analytics::DesignEffectKind;
///
/// assert_eq!(DesignEffectKind::default(), DesignEffectKind::WithReplacement);
/// assert_eq!("replace".parse::<DesignEffectKind>()?, DesignEffectKind::WithReplacement);
/// assert_eq!(DesignEffectKind::WithoutReplacement.to_string(), "without-replacement");
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DesignEffectKind {
    /// Against simple random sampling with replacement (R's `deff = "replace"`). The default.
    #[default]
    WithReplacement,
    /// Against simple random sampling without replacement from a population of `sum w` (R's
    /// `deff = TRUE`).
    WithoutReplacement,
}

method_names!(DesignEffectKind, "design effect",
    WithReplacement => "with-replacement" | "replace",
    WithoutReplacement => "without-replacement" | "true",
);

/// The two design effects of an estimate (see [`DesignEffectKind`]); each is `None` where it is
/// undefined (fewer than two respondents, no variation, or for the without-replacement effect
/// weights that sum to no more than the number of respondents).
///
/// # Examples
///
/// ```
/// use survey_analytics::{DesignEffectKind, SampleDesign};
///
/// // Weights scaled to average 1, as survey exports ship them.
/// let design = SampleDesign::new(vec![0.5, 1.5, 1.0, 1.0, 0.8, 1.2])?;
/// let mean = design.mean(&[1.0, 0.0, 1.0, 1.0, 0.0, 1.0])?;
/// assert!(mean.deff.with_replacement.is_some_and(|d| d > 0.9 && d < 1.5));
/// assert_eq!(mean.deff.without_replacement, None); // sum(w) = n: no population to sample from
/// assert_eq!(mean.deff.of(DesignEffectKind::WithReplacement), mean.deff.with_replacement);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct DesignEffects {
    /// Against simple random sampling with replacement (R's `deff = "replace"`).
    pub with_replacement: Option<f64>,
    /// Against simple random sampling without replacement from `sum w` (R's `deff = TRUE`).
    pub without_replacement: Option<f64>,
}

impl DesignEffects {
    /// The design effect of one kind.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{DesignEffectKind, DesignEffects};
    ///
    /// let deff = DesignEffects { with_replacement: Some(1.8), without_replacement: None };
    /// assert_eq!(deff.of(DesignEffectKind::WithReplacement), Some(1.8));
    /// assert_eq!(deff.of(DesignEffectKind::WithoutReplacement), None);
    /// ```
    pub fn of(&self, kind: DesignEffectKind) -> Option<f64> {
        match kind {
            DesignEffectKind::WithReplacement => self.with_replacement,
            DesignEffectKind::WithoutReplacement => self.without_replacement,
        }
    }

    /// Both effects scaled by `factor` (a total's effects are a mean's over `W^2`).
    fn scaled(self, factor: f64) -> Self {
        Self {
            with_replacement: self.with_replacement.map(|d| d * factor),
            without_replacement: self.without_replacement.map(|d| d * factor),
        }
    }
}

/// A design-based estimate with its standard error.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DesignEstimate {
    /// The estimate (a mean, proportion or total).
    pub estimate: f64,
    /// Its Taylor-linearised standard error.
    pub std_error: f64,
    /// Its design effects, against simple random sampling with and without replacement (R's
    /// `deff = "replace"` and `deff = TRUE`); see [`DesignEffectKind`].
    pub deff: DesignEffects,
    /// Design degrees of freedom of the estimate's domain (PSUs minus strata with respondents),
    /// used for t-based intervals.
    pub degrees_of_freedom: f64,
    /// Respondents with a non-zero weight that the estimate uses.
    pub observations: u64,
    /// Their total weight.
    pub weight_sum: f64,
}

/// A difference between two domain estimates with its design-based standard error (R's
/// `svycontrast` on `svyby(..., covmat = TRUE)`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DesignContrast {
    /// First estimate minus second.
    pub estimate: f64,
    /// Standard error from the joint design covariance.
    pub std_error: f64,
}

/// Estimates for several domains (subgroups) of one design, with their covariance matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DomainEstimates {
    estimates: Vec<Option<DesignEstimate>>,
    /// Row-major `k x k` covariance of the estimates (zero rows for empty domains).
    covariance: Vec<f64>,
}

impl DomainEstimates {
    /// Estimate for each domain, in order; `None` for a domain with no respondents.
    pub fn estimates(&self) -> &[Option<DesignEstimate>] {
        &self.estimates
    }

    /// The design covariance of the estimates of domains `a` and `b`.
    pub fn covariance(&self, a: usize, b: usize) -> Option<f64> {
        let k = self.estimates.len();
        if a >= k || b >= k {
            return None;
        }
        self.covariance.get(a * k + b).copied()
    }

    /// The difference between domains `a` and `b`, with its standard error from the joint
    /// covariance: `sqrt(v_aa + v_bb - 2 v_ab)`.
    ///
    /// # Errors
    ///
    /// [`Error::CategoryOutOfRange`] for a domain past the estimates; [`Error::EmptyBase`] when a
    /// domain has no respondents.
    pub fn contrast(&self, a: usize, b: usize) -> Result<DesignContrast> {
        let k = self.estimates.len();
        let estimate = |d: usize| -> Result<DesignEstimate> {
            match self.estimates.get(d) {
                None => Err(Error::CategoryOutOfRange {
                    dimension: "domains".to_string(),
                    index: d,
                    len: k,
                }),
                Some(None) => Err(Error::EmptyBase),
                Some(Some(e)) => Ok(*e),
            }
        };
        let (ea, eb) = (estimate(a)?, estimate(b)?);
        let v = |i, j| self.covariance(i, j).unwrap_or(0.0);
        let variance = (v(a, a) + v(b, b) - 2.0 * v(a, b)).max(0.0);
        Ok(DesignContrast {
            estimate: ea.estimate - eb.estimate,
            std_error: variance.sqrt(),
        })
    }
}

/// Per-domain sums for means.
struct DomainSums {
    weight: f64,
    weighted_value: f64,
    observations: u64,
}

impl SampleDesign {
    /// The design-based mean of `values` (NaN marks a missing value, left out as R's
    /// `na.rm = TRUE` does: the mean is then a domain estimate over the full design).
    ///
    /// The linearised values are `w_k (y_k - ybar) / sum w` (Woodruff 1971).
    ///
    /// ```
    /// use survey_analytics::SampleDesign;
    ///
    /// let design = SampleDesign::new(vec![1.0, 2.0, 1.0, 4.0])?.with_clusters(&[1, 1, 2, 2])?;
    /// let mean = design.mean(&[1.0, 0.0, 1.0, f64::NAN])?;
    /// assert!((mean.estimate - 0.5).abs() < 1e-15);
    /// assert_eq!(mean.observations, 3);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::LengthMismatch`] unless there is one value per respondent; [`Error::EmptyBase`]
    /// when no respondent with a positive weight has a value; [`Error::LonelyPsu`] per the
    /// design's lonely-PSU option.
    pub fn mean(&self, values: &[f64]) -> Result<DesignEstimate> {
        let domains: Vec<Option<usize>> =
            values.iter().map(|v| (!v.is_nan()).then_some(0)).collect();
        let estimates = self.domain_means(values, &domains, 1)?;
        estimates
            .estimates
            .into_iter()
            .next()
            .flatten()
            .ok_or(Error::EmptyBase)
    }

    /// The design-based proportion of `true` among the answered (`None` = no answer).
    ///
    /// # Errors
    ///
    /// As [`SampleDesign::mean`].
    pub fn proportion(&self, outcome: &[Option<bool>]) -> Result<DesignEstimate> {
        let values: Vec<f64> = outcome
            .iter()
            .map(|o| o.map_or(f64::NAN, |b| f64::from(u8::from(b))))
            .collect();
        self.mean(&values)
    }

    /// Design-based means of `values` in each of `count` domains (`domains[k]` is the domain of
    /// respondent `k`, `None` for none), with their joint covariance: R's
    /// `svyby(~y, ~domain, design, svymean, covmat = TRUE, deff = TRUE)`. Each domain is estimated
    /// on the full design (respondents outside it count with zero weight), which is what makes the
    /// standard errors and their covariances correct.
    ///
    /// ```
    /// use survey_analytics::SampleDesign;
    ///
    /// let design = SampleDesign::new(vec![1.0; 6])?.with_clusters(&[1, 1, 2, 2, 3, 3])?;
    /// let by_group = design.domain_means(&[1.0, 0.0, 1.0, 1.0, 0.0, 0.0], &[Some(0), Some(1), Some(0), Some(1), Some(0), None], 2)?;
    /// let first = by_group.estimates()[0].unwrap();
    /// assert!((first.estimate - 2.0 / 3.0).abs() < 1e-15);
    /// let gap = by_group.contrast(0, 1)?;
    /// assert!((gap.estimate - (2.0 / 3.0 - 0.5)).abs() < 1e-15);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::LengthMismatch`] unless `values` and `domains` have one entry per respondent;
    /// [`Error::CategoryOutOfRange`] for a domain index of `count` or more; [`Error::LonelyPsu`].
    pub fn domain_means(
        &self,
        values: &[f64],
        domains: &[Option<usize>],
        count: usize,
    ) -> Result<DomainEstimates> {
        self.check_len("values", values.len())?;
        self.check_len("domains", domains.len())?;
        // Pass 1: each respondent's domain (`NONE` when outside every domain or the value is
        // missing) and the domains' weighted sums.
        const NONE: u32 = u32::MAX;
        let mut sums: Vec<DomainSums> = (0..count)
            .map(|_| DomainSums {
                weight: 0.0,
                weighted_value: 0.0,
                observations: 0,
            })
            .collect();
        let mut codes = Vec::with_capacity(self.len());
        for ((&w, &y), domain) in self.weights.iter().zip(values).zip(domains) {
            let Some(d) = *domain else {
                codes.push(NONE);
                continue;
            };
            let sum = sums.get_mut(d).ok_or_else(|| Error::CategoryOutOfRange {
                dimension: "domains".to_string(),
                index: d,
                len: count,
            })?;
            if y.is_nan() {
                codes.push(NONE);
                continue;
            }
            sum.weight += w;
            sum.weighted_value += w * y;
            sum.observations += u64::from(w != 0.0);
            codes.push(d as u32);
        }
        let means: Vec<Option<f64>> = sums
            .iter()
            .map(|s| (s.weight > 0.0).then(|| s.weighted_value / s.weight))
            .collect();
        // Pass 2: linearised values `w (y - mean) / sum w`, added straight into their PSU's total
        // unless calibration needs the whole columns; the weighted squares for the design effects;
        // and which PSUs and strata each domain reaches, for its degrees of freedom.
        let calibrated = self.is_calibrated();
        let mut columns = if calibrated {
            vec![vec![0.0; self.len()]; count]
        } else {
            Vec::new()
        };
        let mut totals = vec![
            0.0;
            if calibrated {
                0
            } else {
                self.psu_count() * count
            }
        ];
        let mut squares = vec![0.0; count];
        let mut psu_reached = vec![false; self.psu_count() * count];
        let mut stratum_reached = vec![false; self.strata * count];
        for (k, (((&w, &y), &code), (&p, &h))) in self
            .weights
            .iter()
            .zip(values)
            .zip(&codes)
            .zip(self.psu.iter().zip(&self.stratum))
            .enumerate()
        {
            let d = code as usize;
            let (Some(Some(mean)), Some(sum)) = (means.get(d), sums.get(d)) else {
                continue;
            };
            let deviation = y - mean;
            let z = w * deviation / sum.weight;
            if calibrated {
                if let Some(slot) = columns.get_mut(d).and_then(|c| c.get_mut(k)) {
                    *slot = z;
                }
            } else if let Some(t) = totals.get_mut(p as usize * count + d) {
                *t += z;
            }
            if let Some(s) = squares.get_mut(d) {
                *s += w * deviation * deviation;
            }
            if w != 0.0 {
                if let Some(r) = psu_reached.get_mut(p as usize * count + d) {
                    *r = true;
                }
                if let Some(r) = stratum_reached.get_mut(h as usize * count + d) {
                    *r = true;
                }
            }
        }
        let covariance = if calibrated {
            self.covariance(&columns)?
        } else {
            self.covariance_of_psu_totals(&totals, count)?
        };
        let reached = |flags: &[bool], d: usize| {
            flags
                .iter()
                .skip(d)
                .step_by(count.max(1))
                .filter(|&&r| r)
                .count() as f64
        };
        let estimates = (0..count)
            .map(|d| {
                let (mean, sum) = (means.get(d).copied().flatten()?, sums.get(d)?);
                let variance = covariance.get(d * count + d).copied().unwrap_or(0.0);
                let square = squares.get(d).copied().unwrap_or(0.0);
                Some(DesignEstimate {
                    estimate: mean,
                    std_error: variance.sqrt(),
                    deff: mean_deff(variance, square, sum.weight, sum.observations),
                    degrees_of_freedom: reached(&psu_reached, d) - reached(&stratum_reached, d),
                    observations: sum.observations,
                    weight_sum: sum.weight,
                })
            })
            .collect();
        Ok(DomainEstimates {
            estimates,
            covariance,
        })
    }

    /// The design-based total of `values` (NaN = missing, counted as zero in the total's domain
    /// as R's `na.rm = TRUE` does).
    ///
    /// ```
    /// use survey_analytics::SampleDesign;
    /// let design = SampleDesign::new(vec![10.0, 20.0, 30.0])?;
    /// let total = design.total(&[1.0, 0.0, 1.0])?;
    /// assert_eq!(total.estimate, 40.0);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`SampleDesign::mean`].
    pub fn total(&self, values: &[f64]) -> Result<DesignEstimate> {
        self.check_len("values", values.len())?;
        let present = |k: usize| values.get(k).is_some_and(|v| !v.is_nan());
        let mut column = vec![0.0; self.len()];
        let (mut total, mut weight, mut observations) = (0.0, 0.0, 0_u64);
        for (k, (&w, slot)) in self.weights.iter().zip(column.iter_mut()).enumerate() {
            if present(k) {
                let y = values.get(k).copied().unwrap_or(0.0);
                *slot = w * y;
                total += w * y;
                weight += w;
                observations += u64::from(w != 0.0);
            }
        }
        if observations == 0 {
            return Err(Error::EmptyBase);
        }
        let variance = self.variance(column)?;
        // R: vsrs = svyvar(y) * psum^2 * (psum - n) / (psum * n) for the total.
        let mean = values
            .iter()
            .zip(&self.weights)
            .enumerate()
            .filter(|(k, _)| present(*k))
            .map(|(_, (y, w))| y * w)
            .sum::<f64>()
            / weight;
        let deff = mean_deff(
            variance,
            self.weighted_squares_in(values, present, mean),
            weight,
            observations,
        )
        .scaled(1.0 / (weight * weight));
        Ok(DesignEstimate {
            estimate: total,
            std_error: variance.sqrt(),
            deff,
            degrees_of_freedom: self.degrees_of_freedom_in(present),
            observations,
            weight_sum: weight,
        })
    }

    /// `sum over kept respondents of w (y - centre)^2`.
    fn weighted_squares_in(
        &self,
        values: &[f64],
        keep: impl Fn(usize) -> bool,
        centre: f64,
    ) -> f64 {
        self.weights
            .iter()
            .enumerate()
            .filter(|(k, _)| keep(*k))
            .map(|(k, &w)| {
                let d = values.get(k).copied().unwrap_or(0.0) - centre;
                w * d * d
            })
            .sum()
    }
}

/// R's design effects of a mean: the variance over `svyvar(y) / n` (with replacement) and over
/// `svyvar(y) (psum - n) / (psum n)` (without), where `svyvar = sum w (y - ybar)^2 / psum * n /
/// (n - 1)`; `squares` is `sum w (y - ybar)^2` and `n` counts the non-zero weights.
fn mean_deff(variance: f64, squares: f64, psum: f64, n: u64) -> DesignEffects {
    let n = n as f64;
    if n < 2.0 || psum.is_nan() || psum <= 0.0 {
        return DesignEffects::default();
    }
    let svyvar = squares / psum * n / (n - 1.0);
    let ratio = |srs: f64| (srs > 0.0 && srs.is_finite()).then(|| variance / srs);
    DesignEffects {
        with_replacement: ratio(svyvar / n),
        // R divides by a negative or zero variance here (with a warning for a mean).
        without_replacement: if psum > n {
            ratio(svyvar * (psum - n) / (psum * n))
        } else {
            None
        },
    }
}

//! Design-based means, proportions and totals, overall and by domain, with standard errors and
//! design effects (R's `svymean`, `svytotal`, `svyby` with `covmat = TRUE`, `svycontrast`).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::stats::means::FTest;
use crate::stats::names::method_names;
use crate::stats::numerics::student_f::f_sf;
use crate::survey::codes::{CodeColumn, Mapped};
use crate::survey::design::SampleDesign;
use crate::survey::design::rao_scott::solve;
use crate::survey::design::replicate::Replicates;
use crate::survey::design::variance::{DENSE_TOTALS, PsuTotals};

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
}

/// A design-based estimate with its standard error.
///
/// # Examples
///
/// ```
/// use survey_analytics::SampleDesign;
///
/// let design = SampleDesign::new(vec![1.0, 2.0, 1.0, 2.0, 3.0])?.with_clusters(&[1, 1, 2, 2, 3])?;
/// let share = design.proportion(&[Some(true), Some(false), Some(true), Some(true), None])?;
/// assert!((share.estimate - 4.0 / 6.0).abs() < 1e-15);
/// assert_eq!((share.observations, share.weight_sum), (4, 6.0)); // the answered only
/// assert_eq!(share.degrees_of_freedom, 1.0); // they are in 2 clusters of 1 stratum
/// assert!(share.std_error > 0.0);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DesignEstimate {
    /// The estimate (a mean, proportion or total).
    pub estimate: f64,
    /// Its standard error: Taylor-linearised, or from the replicates on a replicate design.
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
    /// On a replicate design, the standard error of the estimate's logit from the replicates'
    /// logits (R's `svyglm(y ~ 1, family = quasibinomial)` on an `svrepdesign`, behind
    /// `svyciprop(method = "logit")`), which the logit interval uses; `None` otherwise, or when a
    /// replicate's estimate is 0 or 1 (the interval then transforms `std_error`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logit_std_error: Option<f64>,
}

/// A difference between two domain estimates with its design-based standard error (R's
/// `svycontrast` on `svyby(..., covmat = TRUE)`).
///
/// # Examples
///
/// ```
/// use survey_analytics::SampleDesign;
///
/// let design = SampleDesign::new(vec![1.0; 6])?.with_clusters(&[1, 1, 2, 2, 3, 3])?;
/// let group = [Some(0), Some(1), Some(0), Some(1), Some(0), Some(1)];
/// let by_group = design.domain_means(&[1.0, 0.0, 1.0, 1.0, 0.0, 0.0], &group, 2)?;
/// let gap = by_group.contrast(0, 1)?;
/// assert!((gap.estimate - (2.0 / 3.0 - 1.0 / 3.0)).abs() < 1e-15);
/// let reverse = by_group.contrast(1, 0)?;
/// assert_eq!(reverse.estimate, -gap.estimate);
/// assert!((reverse.std_error - gap.std_error).abs() < 1e-15);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DesignContrast {
    /// First estimate minus second.
    pub estimate: f64,
    /// Standard error from the joint design covariance.
    pub std_error: f64,
}

/// Estimates for several domains (subgroups) of one design, with their covariance matrix.
///
/// Built by [`SampleDesign::domain_means`].
///
/// # Examples
///
/// ```
/// use survey_analytics::SampleDesign;
///
/// let design = SampleDesign::new(vec![1.0; 4])?.with_clusters(&[1, 1, 2, 2])?;
/// let domains = [Some(0), Some(2), Some(0), Some(2)];
/// let by_group = design.domain_means(&[1.0, 0.0, 0.0, 1.0], &domains, 3)?;
/// assert_eq!(by_group.estimates().len(), 3);
/// assert!(by_group.estimates()[1].is_none()); // nobody in domain 1
/// assert_eq!(by_group.covariance(1, 1), Some(0.0));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DomainEstimates {
    estimates: Vec<Option<DesignEstimate>>,
    /// Row-major `k x k` covariance of the estimates (zero rows for empty domains).
    covariance: Vec<f64>,
}

impl DomainEstimates {
    /// Estimate for each domain, in order; `None` for a domain with no respondents.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::SampleDesign;
    ///
    /// let design = SampleDesign::new(vec![1.0, 3.0, 2.0, 2.0])?;
    /// let domains = [Some(0), Some(0), Some(1), None];
    /// let by_group = design.domain_means(&[1.0, 0.0, 1.0, 1.0], &domains, 3)?;
    /// let first = by_group.estimates()[0].unwrap();
    /// assert_eq!((first.estimate, first.observations, first.weight_sum), (0.25, 2, 4.0));
    /// assert_eq!(by_group.estimates()[2], None);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn estimates(&self) -> &[Option<DesignEstimate>] {
        &self.estimates
    }

    /// The design covariance of the estimates of domains `a` and `b`; `None` for a domain past
    /// the estimates.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::SampleDesign;
    ///
    /// let design = SampleDesign::new(vec![1.0; 6])?.with_clusters(&[1, 1, 2, 2, 3, 3])?;
    /// let group = [Some(0), Some(1), Some(0), Some(1), Some(0), Some(1)];
    /// let by_group = design.domain_means(&[1.0, 0.0, 1.0, 1.0, 0.0, 0.0], &group, 2)?;
    /// let se = by_group.estimates()[0].unwrap().std_error;
    /// assert!(by_group.covariance(0, 0).is_some_and(|v| (v - se * se).abs() < 1e-15));
    /// assert_eq!(by_group.covariance(0, 1), by_group.covariance(1, 0));
    /// assert_eq!(by_group.covariance(0, 2), None);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
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
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Error, SampleDesign};
    ///
    /// let design = SampleDesign::new(vec![1.0; 6])?.with_clusters(&[1, 1, 2, 2, 3, 3])?;
    /// let group = [Some(0), Some(1), Some(0), Some(1), Some(0), Some(1)];
    /// let by_group = design.domain_means(&[1.0, 0.0, 1.0, 1.0, 0.0, 0.0], &group, 3)?;
    /// let gap = by_group.contrast(0, 1)?;
    /// let v = |a, b| by_group.covariance(a, b).unwrap_or(f64::NAN);
    /// assert!((gap.std_error - (v(0, 0) + v(1, 1) - 2.0 * v(0, 1)).sqrt()).abs() < 1e-15);
    /// assert!(matches!(by_group.contrast(0, 2), Err(Error::EmptyBase))); // nobody in domain 2
    /// assert!(matches!(by_group.contrast(0, 3), Err(Error::CategoryOutOfRange { index: 3, len: 3, .. })));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
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

    /// One Wald test that the listed domains' means are all equal: `W = (C m)' (C V C')^-1 (C m)`
    /// for the contrasts `C` of each domain against the first, `F = W / (k - 1)` on `k - 1` and
    /// `df - k + 1` degrees of freedom, `df` the design's. R's `regTermTest(svyglm(y ~ group),
    /// ~group)` on the model of the group means (its residual degrees of freedom are
    /// `degf + 1 - k`).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::SampleDesign;
    ///
    /// let design = SampleDesign::new(vec![1.0; 8])?.with_clusters(&[1, 1, 2, 2, 3, 3, 4, 4])?;
    /// let group = [Some(0), Some(1), Some(2), Some(0), Some(1), Some(2), Some(0), Some(1)];
    /// let rating = [4.0, 2.0, 3.0, 5.0, 1.0, 3.0, 4.0, 2.0];
    /// let by_group = design.domain_means(&rating, &group, 3)?;
    /// let test = by_group.equality_test(&[0, 1, 2], design.degrees_of_freedom())?; // 4 PSUs: 3
    /// assert_eq!((test.numerator_df, test.denominator_df), (2.0, 1.0));
    /// assert!(test.p_value > 0.0 && test.p_value < 1.0);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::TooFewValues`] for fewer than two domains; [`Error::CategoryOutOfRange`] for a
    /// domain past the estimates; [`Error::EmptyBase`] for a domain without respondents;
    /// [`Error::Undefined`] when the design leaves no degrees of freedom for the test or the
    /// contrasts' covariance is singular.
    pub fn equality_test(&self, domains: &[usize], degrees_of_freedom: f64) -> Result<FTest> {
        let k = domains.len();
        if k < 2 {
            return Err(Error::TooFewValues {
                name: "domains to compare",
                len: k,
                min: 2,
            });
        }
        let m = k - 1;
        let first = domains[0];
        let mut differences = Vec::with_capacity(m);
        for &d in &domains[1..] {
            differences.push(self.contrast(first, d)?.estimate);
        }
        // (C V C')_ij = v(f, f) - v(f, d_j) - v(d_i, f) + v(d_i, d_j).
        let v = |i: usize, j: usize| self.covariance(i, j).unwrap_or(0.0);
        let mut middle = vec![0.0; m * m];
        for (i, &di) in domains[1..].iter().enumerate() {
            for (j, &dj) in domains[1..].iter().enumerate() {
                middle[i * m + j] = v(first, first) - v(first, dj) - v(di, first) + v(di, dj);
            }
        }
        let denominator_df = degrees_of_freedom - m as f64;
        let singular = Error::Undefined {
            what: "Wald test of equal means",
            reason: "the contrasts' covariance is singular (a domain without variance)",
        };
        if denominator_df.is_nan() || denominator_df <= 0.0 {
            return Err(Error::Undefined {
                what: "Wald test of equal means",
                reason: "the design leaves no degrees of freedom for the test",
            });
        }
        let solved = solve(middle, differences.clone(), m, 1).ok_or(singular)?;
        let wald: f64 = differences.iter().zip(&solved).map(|(a, b)| a * b).sum();
        if !(wald.is_finite() && wald >= 0.0) {
            return Err(Error::Undefined {
                what: "Wald test of equal means",
                reason: "the contrasts' covariance is singular (a domain without variance)",
            });
        }
        let statistic = wald / m as f64;
        Ok(FTest {
            statistic,
            numerator_df: m as f64,
            denominator_df,
            p_value: f_sf(statistic, m as f64, denominator_df).clamp(0.0, 1.0),
        })
    }
}

/// Largest number of domains of [`SampleDesign::domain_means`]: their covariance matrix holds
/// `count^2` numbers (1024 domains: 8 MiB, and three times that in scratch while it is summed).
///
/// # Examples
///
/// ```
/// use survey_analytics::{Error, SampleDesign, MAX_DOMAINS};
///
/// let design = SampleDesign::new(vec![1.0; 4])?;
/// let err = design.domain_means(&[1.0; 4], &[Some(0); 4], 1_000_000_000).unwrap_err();
/// assert!(matches!(err, Error::CountTooLarge { max, .. } if max == MAX_DOMAINS as u64));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
pub const MAX_DOMAINS: usize = 1 << 10;

/// Largest number of residuals (domains times respondents) that domain estimates on a calibrated
/// design may hold: 2^26 (512 MiB).
const MAX_RESIDUALS: usize = 1 << 26;

/// No domain.
const NONE: u32 = u32::MAX;

/// Refuses infinite values (NaN marks a missing one).
fn check_values(values: &[f64]) -> Result<()> {
    match values.iter().position(|v| v.is_infinite()) {
        Some(record) => Err(Error::InvalidValue {
            name: "values",
            record,
            value: values.get(record).copied().unwrap_or(f64::INFINITY),
        }),
        None => Ok(()),
    }
}

/// Values so large that a weighted sum overflows.
fn overflow() -> Error {
    Error::Undefined {
        what: "design-based estimate",
        reason: "the weighted sums of the values overflow a double; rescale the values",
    }
}

/// Which PSUs (`psus[p * count + d]`) and strata (`strata[h * count + d]`) each domain reaches.
struct Reach {
    psus: Vec<bool>,
    strata: Vec<bool>,
}

impl Reach {
    fn mark(&mut self, p: u32, h: u32, d: usize, count: usize) {
        if let Some(r) = self.psus.get_mut(p as usize * count + d) {
            *r = true;
        }
        if let Some(r) = self.strata.get_mut(h as usize * count + d) {
            *r = true;
        }
    }

    /// PSUs minus strata reached, per domain.
    fn degrees(&self, count: usize) -> Vec<f64> {
        let mut degrees = vec![0.0; count];
        for (flags, sign) in [(&self.psus, 1.0), (&self.strata, -1.0)] {
            for row in flags.chunks(count.max(1)) {
                for (degree, &reached) in degrees.iter_mut().zip(row) {
                    if reached {
                        *degree += sign;
                    }
                }
            }
        }
        degrees
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
    /// # Examples
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
    /// [`Error::LengthMismatch`] unless there is one value per respondent; [`Error::InvalidValue`]
    /// for an infinite value (naming its record); [`Error::EmptyBase`] when no respondent with a
    /// positive weight has a value; [`Error::LonelyPsu`] per the design's lonely-PSU option;
    /// [`Error::Undefined`] when the values are so large that their weighted sums overflow a
    /// double.
    pub fn mean(&self, values: &[f64]) -> Result<DesignEstimate> {
        self.check_len("values", values.len())?;
        let value = |k: usize| values.get(k).copied().unwrap_or(f64::NAN);
        let everyone = Mapped {
            len: values.len(),
            code: |k| (!value(k).is_nan()).then_some(0),
        };
        let estimates = self.domain_means_of(value, &everyone, 1)?;
        estimates
            .estimates
            .into_iter()
            .next()
            .flatten()
            .ok_or(Error::EmptyBase)
    }

    /// The design-based proportion of `true` among the answered (`None` = no answer).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Error, SampleDesign};
    ///
    /// let design = SampleDesign::new(vec![1.0, 3.0, 2.0, 2.0])?;
    /// let share = design.proportion(&[Some(true), Some(false), Some(true), None])?;
    /// assert_eq!(share.estimate, 0.5); // weight 3 of the 6 that answered
    /// assert_eq!(share.observations, 3);
    /// assert!(matches!(design.proportion(&[None; 4]), Err(Error::EmptyBase)));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
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
    /// # Examples
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
    /// # Numerics
    ///
    /// Memory is `O(respondents + count^2)` and time `O(respondents + count^2)` for designs that
    /// were not calibrated: only the PSU totals that a domain reaches are formed, and their
    /// deviations are summed exactly (two passes) from them. After post-stratification or raking,
    /// every domain needs a full column of residuals (R's `svyby(covmat = TRUE)` builds the same
    /// matrix), which is refused beyond 2^26 values (count times respondents).
    ///
    /// # Errors
    ///
    /// [`Error::LengthMismatch`] unless `values` and `domains` have one entry per respondent;
    /// [`Error::CategoryOutOfRange`] for a domain index of `count` or more;
    /// [`Error::CountTooLarge`] for more than [`MAX_DOMAINS`](crate::MAX_DOMAINS) domains, or, on
    /// a calibrated design, more than 2^26 residuals; [`Error::InvalidValue`] for an infinite
    /// value of a respondent in a domain (values outside every domain are not read);
    /// [`Error::LonelyPsu`] per the design's lonely-PSU option; [`Error::Undefined`] when
    /// the values are so large that their weighted sums overflow a double.
    pub fn domain_means(
        &self,
        values: &[f64],
        domains: &[Option<usize>],
        count: usize,
    ) -> Result<DomainEstimates> {
        self.check_len("values", values.len())?;
        self.domain_means_of(
            |k| values.get(k).copied().unwrap_or(f64::NAN),
            domains,
            count,
        )
    }

    /// [`SampleDesign::domain_means`] of respondent `k`'s `value(k)` (NaN: missing), its domains
    /// read from any code column.
    pub(crate) fn domain_means_of<D: CodeColumn + ?Sized>(
        &self,
        value: impl Fn(usize) -> f64,
        domains: &D,
        count: usize,
    ) -> Result<DomainEstimates> {
        self.check_len("domains", domains.len())?;
        if count > MAX_DOMAINS {
            return Err(Error::CountTooLarge {
                name: "domains",
                value: u64::try_from(count).unwrap_or(u64::MAX),
                max: MAX_DOMAINS as u64,
            });
        }
        // Pass 1: each respondent's domain (`NONE` when outside every domain or the value is
        // missing) and the domains' weighted sums; the values estimated must be finite.
        let mut sums: Vec<DomainSums> = (0..count)
            .map(|_| DomainSums {
                weight: 0.0,
                weighted_value: 0.0,
                observations: 0,
            })
            .collect();
        let mut codes = Vec::with_capacity(self.len());
        for (record, &w) in self.weights.iter().enumerate() {
            let Some(d) = domains.code(record) else {
                codes.push(NONE);
                continue;
            };
            let sum = sums.get_mut(d).ok_or_else(|| Error::CategoryOutOfRange {
                dimension: "domains".to_string(),
                index: d,
                len: count,
            })?;
            let y = value(record);
            if !y.is_finite() {
                if y.is_nan() {
                    codes.push(NONE);
                    continue;
                }
                return Err(Error::InvalidValue {
                    name: "values",
                    record,
                    value: y,
                });
            }
            sum.weight += w;
            sum.weighted_value += w * y;
            sum.observations += u64::from(w != 0.0);
            // count <= MAX_DOMAINS, so d fits.
            codes.push(d as u32);
        }
        let means: Vec<Option<f64>> = sums
            .iter()
            .map(|s| (s.weight > 0.0).then(|| s.weighted_value / s.weight))
            .collect();
        if let Some(replicates) = self.replicates() {
            return self.replicate_domain_means(replicates, &codes, &value, &sums, &means);
        }
        // Pass 2: linearised values `w (y - mean) / sum w` and the weighted squares for the design
        // effects; records of empty domains drop out. Without calibration and with few PSU totals
        // the values go straight into their PSU's total; otherwise they are kept per record.
        // Where the linearised values go: after calibration, a full column per domain (residuals
        // are taken of whole columns); with few PSU totals, straight into their PSU's total;
        // otherwise per record, for the PSU totals to be gathered.
        let calibrated = self.is_calibrated();
        if calibrated && count.saturating_mul(self.len()) > MAX_RESIDUALS {
            return Err(Error::CountTooLarge {
                name: "residuals of domain estimates on a calibrated design (domains x \
                       respondents); estimate fewer domains at a time",
                value: u64::try_from(count.saturating_mul(self.len())).unwrap_or(u64::MAX),
                max: MAX_RESIDUALS as u64,
            });
        }
        let dense = !calibrated && self.dense_totals_fit(count);
        let mut columns = if calibrated {
            vec![vec![0.0; self.len()]; count]
        } else {
            Vec::new()
        };
        let mut totals = vec![0.0; if dense { self.psu_count() * count } else { 0 }];
        let mut z = vec![0.0; if dense || calibrated { 0 } else { self.len() }];
        // Which PSUs and strata each domain reaches (for its degrees of freedom), when few.
        let mut reach = self.dense_reach(count);
        let mut squares = vec![0.0; count];
        for (k, ((&w, code), (&p, &h))) in self
            .weights
            .iter()
            .zip(codes.iter_mut())
            .zip(self.index().psu.iter().zip(&self.stratum))
            .enumerate()
        {
            let d = *code as usize;
            let (Some(Some(mean)), Some(sum)) = (means.get(d), sums.get(d)) else {
                *code = NONE;
                continue;
            };
            let deviation = value(k) - mean;
            let value = w * deviation / sum.weight;
            let slot = if calibrated {
                columns.get_mut(d).and_then(|c| c.get_mut(k))
            } else if dense {
                totals.get_mut(p as usize * count + d)
            } else {
                z.get_mut(k)
            };
            if let Some(slot) = slot {
                *slot += value;
            }
            if let Some(s) = squares.get_mut(d) {
                *s += w * deviation * deviation;
            }
            if let Some(reach) = reach.as_mut().filter(|_| w != 0.0) {
                reach.mark(p, h, d, count);
            }
        }
        let covariance = if calibrated {
            self.covariance(&columns)?
        } else if dense {
            self.domain_covariance(PsuTotals::Dense(totals), count)?
        } else {
            self.domain_covariance(
                PsuTotals::Sparse {
                    domain: &codes,
                    z: &z,
                },
                count,
            )?
        };
        let degrees = match reach {
            Some(reach) => reach.degrees(count),
            None => self.domain_degrees_of_freedom(&codes, count),
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
                    degrees_of_freedom: degrees.get(d).copied().unwrap_or(0.0),
                    observations: sum.observations,
                    weight_sum: sum.weight,
                    logit_std_error: None,
                })
            })
            .collect::<Vec<_>>();
        let finite = estimates
            .iter()
            .flatten()
            .all(|e| e.estimate.is_finite() && e.std_error.is_finite());
        if !finite || !covariance.iter().all(|c| c.is_finite()) {
            return Err(overflow());
        }
        Ok(DomainEstimates {
            estimates,
            covariance,
        })
    }

    /// [`SampleDesign::domain_means_of`] on a replicate design: each replicate's domain totals of
    /// the values and of the weights in one pass, the means recomputed from them, and their
    /// covariance from the replicates (R's `svyby(~y, ~g, repdesign, svymean, covmat = TRUE)`).
    /// Design effects follow R's `svymean` on replicate designs, whose simple-random-sampling
    /// variance counts every record of the domain with a value (`n = nrow`).
    fn replicate_domain_means(
        &self,
        replicates: &Replicates,
        codes: &[u32],
        value: &impl Fn(usize) -> f64,
        sums: &[DomainSums],
        means: &[Option<f64>],
    ) -> Result<DomainEstimates> {
        let count = sums.len();
        let values: Vec<f64> = codes
            .iter()
            .enumerate()
            .flat_map(|(k, &d)| {
                let y = if d == NONE { 0.0 } else { value(k) };
                [y, 1.0]
            })
            .collect();
        let totals = replicates.totals(&self.weights, codes, count, Some((&values, 2)))?;
        let full: Vec<f64> = means.iter().map(|m| m.unwrap_or(f64::NAN)).collect();
        let thetas = SampleDesign::replicate_ratios(
            replicates,
            &totals,
            count,
            |d| 2 * d,
            |d| Some(2 * d + 1),
        );
        let mut covariance = replicates.covariance(&full, &thetas);
        // Empty domains have no estimate and zero rows.
        for d in (0..count).filter(|&d| means[d].is_none()) {
            for e in 0..count {
                covariance[d * count + e] = 0.0;
                covariance[e * count + d] = 0.0;
            }
        }
        let degrees = replicates.domain_degrees(&self.weights, codes, count);
        let mut records = vec![0_u64; count];
        let mut squares = vec![0.0; count];
        for (k, (&d, &w)) in codes.iter().zip(&self.weights).enumerate() {
            let (Some(n), Some(Some(mean))) = (records.get_mut(d as usize), means.get(d as usize))
            else {
                continue;
            };
            *n += 1;
            let deviation = value(k) - mean;
            squares[d as usize] += w * deviation * deviation;
        }
        let estimates = (0..count)
            .map(|d| {
                let (mean, sum) = (means[d]?, &sums[d]);
                let variance = covariance[d * count + d];
                Some(DesignEstimate {
                    estimate: mean,
                    std_error: variance.sqrt(),
                    deff: mean_deff(variance, squares[d], sum.weight, records[d]),
                    degrees_of_freedom: degrees[d],
                    observations: sum.observations,
                    weight_sum: sum.weight,
                    logit_std_error: replicates.logit_std_error(mean, &thetas, d),
                })
            })
            .collect::<Vec<_>>();
        let finite = estimates
            .iter()
            .flatten()
            .all(|e| e.estimate.is_finite() && e.std_error.is_finite());
        if !finite || !covariance.iter().all(|c| c.is_finite()) {
            return Err(overflow());
        }
        Ok(DomainEstimates {
            estimates,
            covariance,
        })
    }

    /// [`SampleDesign::domain_means`] of several shares of one categorical answer at once: for
    /// each of `rows` (the categories it counts: one, or a net's), the share of respondents whose
    /// `answer(k)` (a category below `categories`; `None`: no answer) is in the row, in each of
    /// `count` domains. One pass over the respondents gathers each PSU's weight per category and
    /// domain; each row's linearised PSU totals are then `(A_p - share B_p) / W`, with `A_p` the
    /// PSU's weight in the row and domain, `B_p` its weight answering in the domain and `W` the
    /// domain's. The same estimates as a pass per row, up to the order of the additions.
    ///
    /// `None` when that form does not apply: on calibrated designs (whose variances take residuals
    /// of whole columns), and when the PSU totals (PSUs x categories x domains) or the domains'
    /// reach are too many to hold densely; the caller then estimates row by row.
    ///
    /// # Errors
    ///
    /// As [`SampleDesign::domain_means`]; [`Error::CategoryOutOfRange`] for an answer or a row's
    /// member of `categories` or more.
    pub(crate) fn domain_shares<D: CodeColumn + ?Sized>(
        &self,
        answer: impl Fn(usize) -> Option<usize>,
        categories: usize,
        rows: &[Vec<usize>],
        domains: &D,
        count: usize,
    ) -> Result<Option<Vec<DomainEstimates>>> {
        self.check_len("domains", domains.len())?;
        if count > MAX_DOMAINS {
            return Err(Error::CountTooLarge {
                name: "domains",
                value: u64::try_from(count).unwrap_or(u64::MAX),
                max: MAX_DOMAINS as u64,
            });
        }
        let out_of_range = |dimension: &str, index: usize, len: usize| Error::CategoryOutOfRange {
            dimension: dimension.to_string(),
            index,
            len,
        };
        if let Some(&c) = rows.iter().flatten().find(|&&c| c >= categories) {
            return Err(out_of_range("answers", c, categories));
        }
        // Per PSU: the weight of each category in each domain (their sum over the categories is
        // the PSU's weight answering in the domain).
        let width = match categories.checked_mul(count) {
            Some(width) if !self.is_calibrated() && self.dense_totals_fit(width) => width,
            _ => return Ok(None),
        };
        // Replicate designs estimate row by row, each from its replicates.
        if self.replicates().is_some() {
            return Ok(None);
        }
        let Some(mut reach) = self.dense_reach(count) else {
            return Ok(None);
        };
        let mut psu_weights = vec![0.0; self.psu_count() * width];
        let mut sums: Vec<DomainSums> = (0..count)
            .map(|_| DomainSums {
                weight: 0.0,
                weighted_value: 0.0,
                observations: 0,
            })
            .collect();
        let mut cells = vec![0.0; categories * count];
        let index = self.index();
        for (k, ((&w, &p), &h)) in self
            .weights
            .iter()
            .zip(&index.psu)
            .zip(&self.stratum)
            .enumerate()
        {
            let (Some(d), Some(a)) = (domains.code(k), answer(k)) else {
                continue;
            };
            if d >= count {
                return Err(out_of_range("domains", d, count));
            }
            if a >= categories {
                return Err(out_of_range("answers", a, categories));
            }
            let sum = &mut sums[d];
            sum.weight += w;
            sum.observations += u64::from(w != 0.0);
            cells[a * count + d] += w;
            let base = p as usize * width;
            if let Some(t) = psu_weights.get_mut(base + a * count + d) {
                *t += w;
            }
            if w != 0.0 {
                reach.mark(p, h, d, count);
            }
        }
        let degrees = reach.degrees(count);
        let psus = self.psu_count();
        let answering: Vec<f64> = (0..psus * count)
            .map(|i| {
                let (p, d) = (i / count, i % count);
                (0..categories)
                    .map(|c| psu_weights[p * width + c * count + d])
                    .sum()
            })
            .collect();
        let mut estimated = Vec::with_capacity(rows.len());
        let mut totals = vec![0.0; psus * count];
        for members in rows {
            // The row's weight and share per domain.
            let in_row: Vec<f64> = (0..count)
                .map(|d| members.iter().map(|&c| cells[c * count + d]).sum())
                .collect();
            let shares: Vec<Option<f64>> = (0..count)
                .map(|d| (sums[d].weight > 0.0).then(|| in_row[d] / sums[d].weight))
                .collect();
            for p in 0..psus {
                let base = p * width;
                for d in 0..count {
                    let slot = &mut totals[p * count + d];
                    *slot = match shares[d] {
                        Some(share) => {
                            let row: f64 = members
                                .iter()
                                .map(|&c| psu_weights[base + c * count + d])
                                .sum();
                            (row - share * answering[p * count + d]) / sums[d].weight
                        }
                        None => 0.0,
                    };
                }
            }
            let covariance =
                self.domain_covariance(PsuTotals::Dense(std::mem::take(&mut totals)), count)?;
            totals = vec![0.0; psus * count];
            let estimates: Vec<Option<DesignEstimate>> = (0..count)
                .map(|d| {
                    let (share, sum) = (shares[d]?, &sums[d]);
                    let variance = covariance.get(d * count + d).copied().unwrap_or(0.0);
                    // The weighted squared deviations of the 0/1 values from the share.
                    let square = in_row[d] * (1.0 - share).powi(2)
                        + (sum.weight - in_row[d]).max(0.0) * share * share;
                    Some(DesignEstimate {
                        estimate: share,
                        std_error: variance.sqrt(),
                        deff: mean_deff(variance, square, sum.weight, sum.observations),
                        degrees_of_freedom: degrees.get(d).copied().unwrap_or(0.0),
                        observations: sum.observations,
                        weight_sum: sum.weight,
                        logit_std_error: None,
                    })
                })
                .collect();
            let finite = estimates
                .iter()
                .flatten()
                .all(|e| e.estimate.is_finite() && e.std_error.is_finite());
            if !finite || !covariance.iter().all(|c| c.is_finite()) {
                return Err(overflow());
            }
            estimated.push(DomainEstimates {
                estimates,
                covariance,
            });
        }
        Ok(Some(estimated))
    }

    /// Flags for which PSUs and strata each of `count` domains reaches, when they are few enough to
    /// hold densely.
    fn dense_reach(&self, count: usize) -> Option<Reach> {
        let psus = self.psu_count().checked_mul(count)?;
        let strata = self.strata.checked_mul(count)?;
        (psus.saturating_add(strata) <= DENSE_TOTALS).then(|| Reach {
            psus: vec![false; psus],
            strata: vec![false; strata],
        })
    }

    /// Degrees of freedom of each domain: its PSUs minus its strata, counting the records with a
    /// non-zero weight (R's `degf` of the domain's subset), by gathering each PSU's records (for
    /// designs whose PSUs times domains are too many to flag densely).
    fn domain_degrees_of_freedom(&self, codes: &[u32], count: usize) -> Vec<f64> {
        let mut degrees = vec![0.0; count];
        // The last PSU and stratum (plus one; 0 = none yet) counted for each domain.
        let (mut last_psu, mut last_stratum) = (vec![0_usize; count], vec![0_usize; count]);
        for h in 0..self.strata {
            for &p in self.index().psus_of(h) {
                for &k in self.index().members_of(p) {
                    let k = k as usize;
                    let d = codes.get(k).copied().unwrap_or(NONE) as usize;
                    if self.weights.get(k).is_none_or(|&w| w == 0.0) {
                        continue;
                    }
                    let (Some(degree), Some(psu), Some(stratum)) = (
                        degrees.get_mut(d),
                        last_psu.get_mut(d),
                        last_stratum.get_mut(d),
                    ) else {
                        continue;
                    };
                    if *psu != p as usize + 1 {
                        *psu = p as usize + 1;
                        *degree += 1.0;
                    }
                    if *stratum != h + 1 {
                        *stratum = h + 1;
                        *degree -= 1.0;
                    }
                }
            }
        }
        degrees
    }

    /// The design-based total of `values` (NaN = missing, counted as zero in the total's domain
    /// as R's `na.rm = TRUE` does).
    ///
    /// # Examples
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
        check_values(values)?;
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
        // Replicate designs: each replicate's total, and R's n for the design effect counts every
        // record with a value.
        let (variance, deff_n) = match self.replicates() {
            Some(replicates) => {
                let slot: Vec<u32> = (0..self.len())
                    .map(|k| if present(k) { 0 } else { NONE })
                    .collect();
                let ys: Vec<f64> = values
                    .iter()
                    .map(|&y| if y.is_nan() { 0.0 } else { y })
                    .collect();
                let totals = replicates.totals(&self.weights, &slot, 1, Some((&ys, 1)))?;
                let variance = replicates.covariance(&[total], &totals)[0];
                let records = slot.iter().filter(|&&s| s == 0).count() as u64;
                (variance, records)
            }
            None => (self.variance(column)?, observations),
        };
        // R: vsrs = svyvar(y) * psum^2 * (psum - n) / (psum * n) for the total.
        let mean = values
            .iter()
            .zip(&self.weights)
            .enumerate()
            .filter(|(k, _)| present(*k))
            .map(|(_, (y, w))| y * w)
            .sum::<f64>()
            / weight;
        // The total's effects are the mean's with both variances times W^2: divide first, so that
        // nothing overflows.
        let deff = mean_deff(
            variance / weight / weight,
            self.weighted_squares_in(values, present, mean),
            weight,
            deff_n,
        );
        if !(total.is_finite() && variance.is_finite()) {
            return Err(overflow());
        }
        Ok(DesignEstimate {
            estimate: total,
            std_error: variance.sqrt(),
            deff,
            degrees_of_freedom: self.degrees_of_freedom_in(present),
            observations,
            weight_sum: weight,
            logit_std_error: None,
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
    let ratio = |srs: f64| {
        (srs > 0.0 && srs.is_finite())
            .then(|| variance / srs)
            .filter(|d| d.is_finite())
    };
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

//! Replicate-weight designs: variances from the spread of estimates recomputed under each set of
//! replicate weights (R's `svrepdesign`, `as.svrepdesign` and `svrVar`).
//!
//! Every estimate of the design layer is a smooth function of weighted totals (a mean, a share, a
//! ratio, a total). Under a replicate design each replicate's totals come from one pass over the
//! records, the estimate is recomputed from them exactly (not linearised), and the covariance is
//! `scale * sum_r rscale_r (theta_r - c)(theta_r - c)'`, centred at the replicates' mean (R's
//! default, `options(survey.replicates.mse = FALSE)`) or at the full-sample estimate (`mse`).

use std::collections::HashSet;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::parallel;
use crate::stats::names::method_names;
use crate::survey::design::SampleDesign;

/// Most accumulators (slots times values times replicates) of one pass over the records: 2^24.
const MAX_ACCUMULATORS: usize = 1 << 24;

/// Relative tolerance of the rank that gives a replicate design's degrees of freedom (R's
/// `qr(weights, tol = 1e-5)$rank - 1`).
const RANK_TOLERANCE: f64 = 1e-5;

/// Most replicates a design may have: 512, more than public-use files ship (the American
/// Community Survey has 80, the Current Population Survey 160); their rank, the degrees of
/// freedom, costs up to replicates^3 per domain.
///
/// # Examples
///
/// ```
/// use survey_analytics::{Error, MAX_REPLICATES, ReplicateMethod, ReplicateWeights, SampleDesign};
/// let columns = vec![vec![1.0; 2]; MAX_REPLICATES + 1];
/// let design = SampleDesign::new(vec![1.0; 2])?;
/// let err = design.with_replicate_weights(ReplicateWeights::new(ReplicateMethod::Other, columns));
/// assert!(matches!(err, Err(Error::TooLarge { .. })));
/// # Ok::<(), Error>(())
/// ```
pub const MAX_REPLICATES: usize = 512;

/// Marks a record outside every slot.
pub(crate) const NONE: u32 = u32::MAX;

/// How a set of replicate weights was formed, which sets the default scale factors of the
/// variance (R's `svrepdesign(type = )`).
///
/// | method | default `scale` | default `rscales` |
/// |---|---|---|
/// | `Brr` | `1 / R` | 1 |
/// | `Fay` (with its `rho`) | `1 / (R (1 - rho)^2)` | 1 |
/// | `Jk1` | `(R - 1) / R` | 1 |
/// | `Jkn` | 1 | must be given: `(n_h - 1) / n_h` of each replicate's stratum |
/// | `Bootstrap` | `1 / (R - 1)` | 1 |
/// | `SuccessiveDifference` | `4 / R` | 1 |
/// | `Other` | 1 | 1 |
///
/// # Examples
///
/// ```
/// use survey_analytics::ReplicateMethod;
/// assert_eq!("sdr".parse::<ReplicateMethod>()?, ReplicateMethod::SuccessiveDifference);
/// assert_eq!(ReplicateMethod::Jkn.name(), "jkn");
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReplicateMethod {
    /// Balanced repeated replication (half samples).
    Brr,
    /// Fay's modified BRR, with its `rho`.
    Fay,
    /// The delete-one-PSU jackknife of an unstratified design.
    Jk1,
    /// The stratified delete-one-PSU jackknife.
    Jkn,
    /// The rescaled bootstrap of Rao and Wu (1988).
    Bootstrap,
    /// Successive-difference replication (Fay and Train 1995), as in the American Community
    /// Survey.
    SuccessiveDifference,
    /// Anything else: the scale factors must be given.
    Other,
}

method_names!(ReplicateMethod, "replicate method",
    Brr => "brr",
    Fay => "fay",
    Jk1 => "jk1",
    Jkn => "jkn",
    Bootstrap => "bootstrap",
    SuccessiveDifference => "successive-difference" | "sdr" | "acs",
    Other => "other",
);

/// Replicate weights supplied with a public-use file, to attach to a design with
/// [`SampleDesign::with_replicate_weights`] (R's `svrepdesign(repweights = , type = , scale = ,
/// rscales = , rho = , combined.weights = , mse = )`).
///
/// By default the columns are *combined* weights (each already includes the sampling weight, as
/// in most public-use files and R's default); [`with_combined`](Self::with_combined)`(false)`
/// reads them as factors that multiply the design's weights.
///
/// # Examples
///
/// ```
/// use survey_analytics::{ReplicateMethod, ReplicateWeights, SampleDesign};
///
/// // Four respondents, two strata of two PSUs, half-sample replicates.
/// let columns = vec![
///     vec![2.0, 0.0, 2.0, 0.0],
///     vec![0.0, 2.0, 2.0, 0.0],
///     vec![2.0, 0.0, 0.0, 2.0],
///     vec![0.0, 2.0, 0.0, 2.0],
/// ];
/// let design = SampleDesign::new(vec![1.0; 4])?
///     .with_replicate_weights(ReplicateWeights::new(ReplicateMethod::Brr, columns))?;
/// let mean = design.mean(&[1.0, 3.0, 2.0, 6.0])?;
/// assert_eq!(mean.estimate, 3.0);
/// assert!((mean.std_error - 1.25_f64.sqrt()).abs() < 1e-15);
/// assert_eq!(design.replicate_count(), 4);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicateWeights {
    method: ReplicateMethod,
    columns: Vec<Vec<f64>>,
    combined: bool,
    rho: Option<f64>,
    scale: Option<f64>,
    rscales: Option<Vec<f64>>,
    mse: bool,
}

impl ReplicateWeights {
    /// Replicate weights formed by `method`, one column per replicate with one weight per
    /// respondent. Checked when attached to a design.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{ReplicateMethod, ReplicateWeights};
    /// let weights = ReplicateWeights::new(ReplicateMethod::Bootstrap, vec![vec![1.0, 2.0]; 3]);
    /// assert_eq!(weights.method(), ReplicateMethod::Bootstrap);
    /// ```
    pub fn new(method: ReplicateMethod, columns: Vec<Vec<f64>>) -> Self {
        Self {
            method,
            columns,
            combined: true,
            rho: None,
            scale: None,
            rscales: None,
            mse: false,
        }
    }

    /// The same settings with other columns (one per replicate, one weight per respondent).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{ReplicateMethod, ReplicateWeights};
    /// let spec = ReplicateWeights::new(ReplicateMethod::Fay, Vec::new()).with_rho(0.5);
    /// let filled = spec.with_columns(vec![vec![1.5, 0.5], vec![0.5, 1.5]]);
    /// assert_eq!(filled.method(), ReplicateMethod::Fay);
    /// ```
    pub fn with_columns(mut self, columns: Vec<Vec<f64>>) -> Self {
        self.columns = columns;
        self
    }

    /// The method the replicates were formed by.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{ReplicateMethod, ReplicateWeights};
    /// assert_eq!(ReplicateWeights::new(ReplicateMethod::Jk1, vec![]).method(), ReplicateMethod::Jk1);
    /// ```
    pub fn method(&self) -> ReplicateMethod {
        self.method
    }

    /// Whether the columns include the sampling weights (`true`, the default, as R's
    /// `combined.weights = TRUE`) or are factors to multiply them by (`false`).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{ReplicateMethod, ReplicateWeights, SampleDesign};
    /// // Factors 0 and 2 of each respondent's weight: the same replicates as combined weights.
    /// let factors = vec![vec![0.0, 2.0, 2.0, 0.0], vec![2.0, 0.0, 0.0, 2.0]];
    /// let combined = vec![vec![0.0, 4.0, 2.0, 0.0], vec![2.0, 0.0, 0.0, 2.0]];
    /// let design = SampleDesign::new(vec![1.0, 2.0, 1.0, 1.0])?;
    /// let a = design.clone().with_replicate_weights(
    ///     ReplicateWeights::new(ReplicateMethod::Brr, factors).with_combined(false))?;
    /// let b = design.with_replicate_weights(ReplicateWeights::new(ReplicateMethod::Brr, combined))?;
    /// let y = [1.0, 2.0, 3.0, 4.0];
    /// assert_eq!(a.mean(&y)?.std_error, b.mean(&y)?.std_error);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn with_combined(mut self, combined: bool) -> Self {
        self.combined = combined;
        self
    }

    /// Fay's `rho` (required for [`ReplicateMethod::Fay`]; the weights of the half left out are
    /// multiplied by `rho`, those kept by `2 - rho`).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{ReplicateMethod, ReplicateWeights};
    /// let fay = ReplicateWeights::new(ReplicateMethod::Fay, vec![vec![1.5, 0.5]; 2]).with_rho(0.5);
    /// assert_eq!(fay.method(), ReplicateMethod::Fay);
    /// ```
    pub fn with_rho(mut self, rho: f64) -> Self {
        self.rho = Some(rho);
        self
    }

    /// The overall scale factor of the variance, in place of the method's default.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{ReplicateMethod, ReplicateWeights};
    /// let jk1 = ReplicateWeights::new(ReplicateMethod::Jk1, vec![vec![1.0; 2]; 3]).with_scale(2.0 / 3.0);
    /// assert_eq!(jk1.method(), ReplicateMethod::Jk1);
    /// ```
    pub fn with_scale(mut self, scale: f64) -> Self {
        self.scale = Some(scale);
        self
    }

    /// Each replicate's own scale factor (`rscales`), in place of the method's default.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{ReplicateMethod, ReplicateWeights};
    /// let jkn = ReplicateWeights::new(ReplicateMethod::Jkn, vec![vec![1.0; 2]; 2]).with_rscales(vec![0.5, 0.5]);
    /// assert_eq!(jkn.method(), ReplicateMethod::Jkn);
    /// ```
    pub fn with_rscales(mut self, rscales: Vec<f64>) -> Self {
        self.rscales = Some(rscales);
        self
    }

    /// Centre the squared deviations at the full-sample estimate (`true`) rather than at the
    /// replicates' mean (`false`, R's default `survey.replicates.mse = FALSE`).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{ReplicateMethod, ReplicateWeights};
    /// let sdr = ReplicateWeights::new(ReplicateMethod::SuccessiveDifference, vec![vec![1.0; 2]; 4]).with_mse(true);
    /// assert_eq!(sdr.method(), ReplicateMethod::SuccessiveDifference);
    /// ```
    pub fn with_mse(mut self, mse: bool) -> Self {
        self.mse = mse;
        self
    }
}

impl std::str::FromStr for ReplicateWeights {
    type Err = Error;

    /// The method of supplied replicate weights, as a command line names it: a
    /// [`ReplicateMethod`] name, and for Fay's method its rho after a colon (`fay:0.5`). The
    /// columns come later ([`with_columns`](Self::with_columns), or
    /// [`DesignBuilder::replicate_weights`](crate::DesignBuilder::replicate_weights) by prefix).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{ReplicateMethod, ReplicateWeights};
    /// let spec: ReplicateWeights = "fay:0.5".parse()?;
    /// assert_eq!(spec.method(), ReplicateMethod::Fay);
    /// assert!("fay:x".parse::<ReplicateWeights>().is_err());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    fn from_str(spec: &str) -> Result<Self> {
        let (method, rho) = match spec.split_once(':') {
            Some((method, rho)) => (method, Some(rho)),
            None => (spec, None),
        };
        let weights = Self::new(method.parse()?, Vec::new());
        match rho {
            None => Ok(weights),
            Some(rho) => match rho.trim().parse() {
                Ok(rho) => Ok(weights.with_rho(rho)),
                Err(_) => Err(Error::InvalidSpecification {
                    what: "replicate method",
                    spec: spec.to_string(),
                    expected: "a method name, with Fay's rho after a colon (fay:0.5)",
                }),
            },
        }
    }
}

/// How to create replicate weights from a design's strata and clusters, with
/// [`SampleDesign::replicate`] (R's `as.svrepdesign(type = )`).
///
/// # Examples
///
/// ```
/// use survey_analytics::ReplicateScheme;
/// let scheme = ReplicateScheme::Bootstrap { replicates: 200, seed: 7 };
/// assert_ne!(scheme, ReplicateScheme::Jkn);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ReplicateScheme {
    /// Delete one PSU at a time from an unstratified design; the others get `n / (n - 1)`.
    Jk1,
    /// Delete one PSU at a time within its stratum; the stratum's other PSUs get
    /// `n_h / (n_h - 1)`.
    Jkn,
    /// Balanced half samples of a design with two PSUs per stratum, from a Hadamard matrix.
    Brr,
    /// Fay's BRR: the half left out keeps `rho` of its weight, the other half `2 - rho`.
    Fay {
        /// The factor of the half left out, in [0, 1).
        rho: f64,
    },
    /// Rao and Wu's bootstrap: each stratum's PSUs resampled with replacement (`n_h` draws),
    /// each PSU's weight multiplied by the times it was drawn.
    Bootstrap {
        /// Number of replicates (R's default is 50).
        replicates: usize,
        /// The seed of the generator: the same seed gives the same replicates.
        seed: u64,
    },
}

impl std::str::FromStr for ReplicateScheme {
    type Err = Error;

    /// `jk1`, `jkn`, `brr`, `fay:RHO` or `bootstrap:REPLICATES:SEED` (`bootstrap` alone: 50
    /// replicates, seed 0).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::ReplicateScheme;
    /// assert_eq!("fay:0.5".parse::<ReplicateScheme>()?, ReplicateScheme::Fay { rho: 0.5 });
    /// assert_eq!("bootstrap:200:7".parse::<ReplicateScheme>()?, ReplicateScheme::Bootstrap { replicates: 200, seed: 7 });
    /// assert!("fay".parse::<ReplicateScheme>().is_err());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    fn from_str(spec: &str) -> Result<Self> {
        let bad = || Error::InvalidSpecification {
            what: "replicate scheme",
            spec: spec.to_string(),
            expected: "jk1, jkn, brr, fay:RHO or bootstrap[:REPLICATES[:SEED]]",
        };
        let mut parts = spec.trim().split(':');
        let kind = parts.next().unwrap_or_default().to_ascii_lowercase();
        let rest: Vec<&str> = parts.collect();
        let scheme = match (kind.as_str(), rest.as_slice()) {
            ("jk1", []) => Self::Jk1,
            ("jkn", []) => Self::Jkn,
            ("brr", []) => Self::Brr,
            ("fay", [rho]) => Self::Fay {
                rho: rho.parse().map_err(|_| bad())?,
            },
            ("bootstrap", numbers) if numbers.len() <= 2 => Self::Bootstrap {
                replicates: match numbers.first() {
                    Some(r) => r.parse().map_err(|_| bad())?,
                    None => 50,
                },
                seed: match numbers.get(1) {
                    Some(s) => s.parse().map_err(|_| bad())?,
                    None => 0,
                },
            },
            _ => return Err(bad()),
        };
        Ok(scheme)
    }
}

/// The replicate weights of a design and the factors of its variance.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Replicates {
    pub(crate) method: ReplicateMethod,
    pub(crate) scale: f64,
    pub(crate) rscales: Vec<f64>,
    pub(crate) mse: bool,
    pub(crate) count: usize,
    storage: Storage,
    /// The design's degrees of freedom: the rank of its replicate weights minus one.
    pub(crate) degrees: f64,
}

/// Replicates created from a design: `factors[p * count + r]` of each PSU `p`, record `k` in PSU
/// `unit[k]`. Their degrees of freedom are set when attached to the design.
pub(crate) fn compressed(
    method: ReplicateMethod,
    scale: f64,
    rscales: Vec<f64>,
    unit: Vec<u32>,
    factors: Vec<f64>,
    count: usize,
) -> Replicates {
    Replicates {
        method,
        scale,
        rscales,
        mse: false,
        count,
        storage: Storage::Compressed { unit, factors },
        degrees: 0.0,
    }
}

/// Where the replicate weights live.
#[derive(Debug, Clone, PartialEq)]
enum Storage {
    /// Each record's replicate weights, record after record: `weights[k * R + r]`.
    Dense(Vec<f64>),
    /// Replicate weight `w_k * factors[unit[k] * R + r]`: the factors of each unit (a PSU), as
    /// designs created from strata and clusters have them.
    Compressed { unit: Vec<u32>, factors: Vec<f64> },
}

impl Replicates {
    /// The replicate weights of record `k` (full-sample weight `w`): borrowed from dense
    /// storage, or formed in `buffer` from the record's unit factors.
    fn row<'a>(&'a self, k: usize, w: f64, buffer: &'a mut [f64]) -> &'a [f64] {
        let r = self.count;
        match &self.storage {
            Storage::Dense(weights) => weights.get(k * r..(k + 1) * r).unwrap_or(&[]),
            Storage::Compressed { unit, factors } => {
                let u = unit.get(k).copied().unwrap_or(0) as usize;
                if let Some(source) = factors.get(u * r..(u + 1) * r) {
                    for (slot, f) in buffer.iter_mut().zip(source) {
                        *slot = w * f;
                    }
                }
                buffer
            }
        }
    }

    /// Replicate totals: `totals[(s * m + j) * R + r]` is the sum, over the records `k` with
    /// `slot[k] == s`, of replicate weight `r` times `values[k * m + j]` (times 1 when `values` is
    /// `None`, `m = 1`). One pass over the records, on every core; for compressed weights the
    /// records are first summed per unit.
    pub(crate) fn totals(
        &self,
        weights: &[f64],
        slot: &[u32],
        slots: usize,
        values: Option<(&[f64], usize)>,
    ) -> Result<Vec<f64>> {
        let m = values.map_or(1, |(_, m)| m);
        let r = self.count;
        let width = slots.saturating_mul(m);
        let size = width.saturating_mul(r);
        if size > MAX_ACCUMULATORS {
            return Err(Error::TooLarge {
                what: "the replicate totals of one estimate (domains x values x replicates)",
                size: u64::try_from(size).unwrap_or(u64::MAX),
                max: MAX_ACCUMULATORS as u64,
                hint: "estimate fewer domains at a time",
            });
        }
        let value = |k: usize, j: usize| match values {
            Some((values, m)) => values.get(k * m + j).copied().unwrap_or(0.0),
            None => 1.0,
        };
        if let Storage::Compressed { unit, factors } = &self.storage {
            let units = factors.len() / r.max(1);
            if units.saturating_mul(width) <= MAX_ACCUMULATORS {
                // Per unit, the weighted sums of each slot's values; then each unit's factors.
                let mut sums = vec![0.0; units * width];
                for (k, (&s, &w)) in slot.iter().zip(weights).enumerate() {
                    if s == NONE || s as usize >= slots || w == 0.0 {
                        continue;
                    }
                    let u = unit.get(k).copied().unwrap_or(0) as usize;
                    for j in 0..m {
                        if let Some(t) = sums.get_mut(u * width + s as usize * m + j) {
                            *t += w * value(k, j);
                        }
                    }
                }
                let mut totals = vec![0.0; size];
                for u in 0..units {
                    let Some(row) = factors.get(u * r..(u + 1) * r) else {
                        continue;
                    };
                    for i in 0..width {
                        let s = sums.get(u * width + i).copied().unwrap_or(0.0);
                        if s == 0.0 {
                            continue;
                        }
                        if let Some(acc) = totals.get_mut(i * r..(i + 1) * r) {
                            for (a, f) in acc.iter_mut().zip(row) {
                                *a += f * s;
                            }
                        }
                    }
                }
                return Ok(totals);
            }
        }
        // Record by record, in runs spread over the cores.
        let runs: Vec<(usize, usize)> = {
            let cores = std::thread::available_parallelism().map_or(1, usize::from);
            let n = slot.len();
            let size = n.div_ceil(cores.max(1)).max(1 << 14);
            (0..n)
                .step_by(size)
                .map(|a| (a, (a + size).min(n)))
                .collect()
        };
        let partial = parallel::map(&runs, |&(a, b)| {
            let mut totals = vec![0.0; size];
            let mut buffer = vec![0.0; r];
            for k in a..b {
                let s = slot.get(k).copied().unwrap_or(NONE);
                if s == NONE || s as usize >= slots {
                    continue;
                }
                let row = self.row(k, weights.get(k).copied().unwrap_or(0.0), &mut buffer);
                for j in 0..m {
                    let v = value(k, j);
                    if v == 0.0 {
                        continue;
                    }
                    let at = (s as usize * m + j) * r;
                    if let Some(acc) = totals.get_mut(at..at + r) {
                        for (t, w) in acc.iter_mut().zip(row) {
                            *t += w * v;
                        }
                    }
                }
            }
            totals
        });
        let mut partial = partial.into_iter();
        let mut totals = partial.next().unwrap_or_else(|| vec![0.0; size]);
        for more in partial {
            for (t, x) in totals.iter_mut().zip(more) {
                *t += x;
            }
        }
        Ok(totals)
    }

    /// The same replicates with each one's weights passed through `step` (the weighting step the
    /// full-sample weights went through, repeated in every replicate as R's `postStratify` and
    /// `rake` do on replicate designs): dense, with their degrees of freedom recomputed.
    pub(crate) fn reweighted(
        &self,
        weights: &[f64],
        new_weights: &[f64],
        step: impl Fn(&[f64]) -> Result<Vec<f64>> + Sync,
    ) -> Result<Replicates> {
        let (n, r) = (weights.len(), self.count);
        let mut columns = vec![vec![0.0; n]; r];
        let mut buffer = vec![0.0; r];
        for (k, &w) in weights.iter().enumerate() {
            for (column, &x) in columns.iter_mut().zip(self.row(k, w, &mut buffer)) {
                column[k] = x;
            }
        }
        let stepped = parallel::map(&columns, |column| step(column));
        drop(columns);
        let mut dense = vec![0.0; n * r];
        for (rep, column) in stepped.into_iter().enumerate() {
            for (k, x) in column?.into_iter().enumerate() {
                if let Some(slot) = dense.get_mut(k * r + rep) {
                    *slot = x;
                }
            }
        }
        let mut built = Replicates {
            storage: Storage::Dense(dense),
            ..self.clone()
        };
        built.degrees = built.design_degrees(new_weights);
        Ok(built)
    }

    /// The replicate standard error of the logit of estimate `i` (full-sample value `full`,
    /// replicates `replicates[i * R + r]`), for a share strictly between 0 and 1 in the full
    /// sample and every replicate whose estimate is a number; `None` otherwise.
    pub(crate) fn logit_std_error(&self, full: f64, replicates: &[f64], i: usize) -> Option<f64> {
        let r = self.count;
        let logit = |p: f64| (p > 0.0 && p < 1.0).then(|| (p / (1.0 - p)).ln());
        let centre = logit(full)?;
        let mut logits = Vec::with_capacity(r);
        for &p in replicates.get(i * r..(i + 1) * r)? {
            logits.push(if p.is_nan() { f64::NAN } else { logit(p)? });
        }
        let variance = self.covariance(&[centre], &logits);
        variance.first().map(|v| v.sqrt()).filter(|s| s.is_finite())
    }

    /// The covariance (row-major, `q x q`) of `q` estimates from their full-sample values `full`
    /// and their replicates `replicates[i * R + r]`: `scale * sum_r rscale_r (t_ri - c_i)(t_rj -
    /// c_j)` with `c` the mean of the replicates whose `rscale` is positive (or `full` under
    /// `mse`). A replicate whose estimate is not a number (an empty domain in that replicate) is
    /// left out of the sums that involve that estimate, as R's `svrVar` drops replicates with
    /// missing results.
    pub(crate) fn covariance(&self, full: &[f64], replicates: &[f64]) -> Vec<f64> {
        let q = full.len();
        let r = self.count;
        let at = |i: usize, rep: usize| replicates.get(i * r + rep).copied().unwrap_or(f64::NAN);
        let centre: Vec<f64> = (0..q)
            .map(|i| {
                if self.mse {
                    return full.get(i).copied().unwrap_or(0.0);
                }
                let (mut sum, mut n) = (0.0, 0.0);
                for (rep, &rs) in self.rscales.iter().enumerate() {
                    let t = at(i, rep);
                    if rs > 0.0 && !t.is_nan() {
                        sum += t;
                        n += 1.0;
                    }
                }
                if n > 0.0 { sum / n } else { 0.0 }
            })
            .collect();
        let mut covariance = vec![0.0; q * q];
        for i in 0..q {
            for j in i..q {
                let mut sum = 0.0;
                for (rep, &rs) in self.rscales.iter().enumerate() {
                    let (a, b) = (at(i, rep), at(j, rep));
                    if a.is_nan() || b.is_nan() {
                        continue;
                    }
                    sum += rs * (a - centre[i]) * (b - centre[j]);
                }
                let value = self.scale * sum;
                covariance[i * q + j] = value;
                covariance[j * q + i] = value;
            }
        }
        covariance
    }

    /// The degrees of freedom of the records `keep` selects: the rank of their replicate weights
    /// minus one (R's `degf` of a replicate design's subset).
    pub(crate) fn degrees_in(&self, weights: &[f64], keep: impl Fn(usize) -> bool) -> f64 {
        let codes: Vec<u32> = (0..weights.len())
            .map(|k| if keep(k) { 0 } else { NONE })
            .collect();
        self.domain_degrees(weights, &codes, 1)
            .first()
            .copied()
            .unwrap_or(-1.0)
    }

    /// The degrees of freedom of each of `count` domains (`codes[k]`: record `k`'s, [`NONE`] for
    /// none), in one pass that stops once every domain's rank is full.
    pub(crate) fn domain_degrees(&self, weights: &[f64], codes: &[u32], count: usize) -> Vec<f64> {
        // A domain holding every record is the design itself, with the design's degrees of
        // freedom: R recomputes `degf` only for a subset, and keeps a calibrated design's.
        if let Some(&first) = codes.first()
            && codes.iter().all(|&c| c == first)
        {
            let mut degrees = vec![-1.0; count];
            if let Some(slot) = degrees.get_mut(first as usize) {
                *slot = self.degrees;
                return degrees;
            }
        }
        self.ranks(weights, codes, count, true)
    }

    /// The design's own degrees of freedom, from every record's replicate weights (what the
    /// shortcut of [`domain_degrees`](Self::domain_degrees) relies on).
    pub(crate) fn design_degrees(&self, weights: &[f64]) -> f64 {
        let codes = vec![0; weights.len()];
        self.ranks(weights, &codes, 1, false)
            .first()
            .copied()
            .unwrap_or(-1.0)
    }

    /// Each domain's rank minus one; `shortcut`: a domain of a created design that reaches every
    /// PSU the design reaches takes the design's degrees of freedom.
    fn ranks(&self, weights: &[f64], codes: &[u32], count: usize, shortcut: bool) -> Vec<f64> {
        // A subset's rank is at most the design's: once there, no later row can raise it. (Only
        // created replicates, unweighted, hold the design's rank: a calibrated design keeps the
        // degrees of freedom it had before, as R does.)
        let most = if shortcut && matches!(self.storage, Storage::Compressed { .. }) {
            ((self.degrees + 1.0).max(0.0) as usize).min(self.count)
        } else {
            self.count
        };
        let mut ranks: Vec<Rank> = (0..count).map(|_| Rank::new(most)).collect();
        // Created designs: a domain that reaches every PSU the design's weights reach has the
        // rows of the whole design, so its rank is the design's.
        let whole = shortcut
            .then(|| self.domains_reaching_every_unit(weights, codes, count))
            .flatten();
        if let Some(whole) = whole {
            for (rank, whole) in ranks.iter_mut().zip(whole) {
                if whole {
                    rank.rank = (self.degrees + 1.0).max(0.0) as usize;
                    rank.width = rank.rank;
                }
            }
        }
        let mut open = ranks.iter().filter(|r| !r.full()).count();
        if open == 0 {
            return ranks.iter().map(|r| r.rank as f64 - 1.0).collect();
        }
        let mut buffer = vec![0.0; self.count];
        // The last unit (compressed) given to each domain: rows of one unit differ by the
        // record's weight only, so a unit counts once per run of its records.
        let mut last = vec![u32::MAX; count];
        for (k, (&d, &w)) in codes.iter().zip(weights).enumerate() {
            let Some(rank) = ranks.get_mut(d as usize) else {
                continue;
            };
            if rank.full() {
                continue;
            }
            let row = match &self.storage {
                Storage::Compressed { unit, factors } => {
                    let u = unit.get(k).copied().unwrap_or(0);
                    if w == 0.0 || last.get(d as usize) == Some(&u) {
                        continue;
                    }
                    last[d as usize] = u;
                    let u = u as usize;
                    factors
                        .get(u * self.count..(u + 1) * self.count)
                        .unwrap_or(&[])
                }
                Storage::Dense(_) => self.row(k, w, &mut buffer),
            };
            if rank.add(row) {
                open -= 1;
                if open == 0 {
                    break;
                }
            }
        }
        ranks.iter().map(|r| r.rank as f64 - 1.0).collect()
    }
}

impl Replicates {
    /// For compressed replicates, whether each domain reaches (with a positive weight) every unit
    /// that the whole design reaches; `None` for dense replicates, or when the flags (domains
    /// times units) would pass 2^24.
    fn domains_reaching_every_unit(
        &self,
        weights: &[f64],
        codes: &[u32],
        count: usize,
    ) -> Option<Vec<bool>> {
        let Storage::Compressed { unit, factors } = &self.storage else {
            return None;
        };
        let units = factors.len() / self.count.max(1);
        if units.checked_mul(count + 1)? > 1 << 24 {
            return None;
        }
        // Flags `reached[d * units + u]`, the whole design's in row `count`.
        let mut reached = vec![false; (count + 1) * units];
        for ((&u, &d), &w) in unit.iter().zip(codes).zip(weights) {
            if w == 0.0 {
                continue;
            }
            let u = u as usize;
            if let Some(flag) = reached.get_mut(count * units + u) {
                *flag = true;
            }
            if (d as usize) < count
                && let Some(flag) = reached.get_mut(d as usize * units + u)
            {
                *flag = true;
            }
        }
        let (domains, whole) = reached.split_at(count * units);
        Some(
            (0..count)
                .map(|d| {
                    domains
                        .get(d * units..(d + 1) * units)
                        .is_some_and(|flags| flags == whole)
                })
                .collect(),
        )
    }
}

/// The numerical rank of rows added one by one: each row is orthogonalised against those kept
/// (modified Gram-Schmidt, twice) and kept when what remains exceeds [`RANK_TOLERANCE`] of its
/// norm. Rows that repeat a row already seen (to about 7 digits after scaling) are skipped, so
/// that the rows of a few units repeated over many records cost a hash each.
struct Rank {
    width: usize,
    basis: Vec<Vec<f64>>,
    seen: HashSet<u64>,
    /// The direction of the last row added, to skip runs of one unit's records cheaply.
    last: u64,
    rank: usize,
}

impl Rank {
    fn new(width: usize) -> Self {
        Self {
            width,
            basis: Vec::new(),
            seen: HashSet::new(),
            last: 0,
            rank: 0,
        }
    }

    fn full(&self) -> bool {
        self.rank >= self.width
    }

    /// Adds a row; `true` when this row made the rank full (no later row can raise it).
    fn add(&mut self, row: &[f64]) -> bool {
        if self.full() {
            return false;
        }
        // The row's direction: scaled by its first non-zero entry, rounded to single precision,
        // folded into a fingerprint (FNV-1a over the bits).
        let Some(&first) = row.iter().find(|x| **x != 0.0) else {
            return false;
        };
        let mut fingerprint = 0xcbf2_9ce4_8422_2325_u64;
        for x in row {
            let bits = u64::from(((x / first) as f32).to_bits());
            fingerprint = (fingerprint ^ bits).wrapping_mul(0x0000_0100_0000_01b3);
        }
        if fingerprint == self.last || !self.seen.insert(fingerprint) {
            return false;
        }
        self.last = fingerprint;
        let norm = row.iter().map(|x| x * x).sum::<f64>().sqrt();
        if !(norm > 0.0 && norm.is_finite()) {
            return false;
        }
        let mut v: Vec<f64> = row.iter().map(|x| x / norm).collect();
        // Orthogonalise, and again when most of the row was cancelled ("twice is enough").
        let mut rest = 1.0;
        for _ in 0..2 {
            for b in &self.basis {
                let dot = dot(&v, b);
                for (x, y) in v.iter_mut().zip(b) {
                    *x -= dot * y;
                }
            }
            let before = rest;
            rest = dot(&v, &v).sqrt();
            if rest > 0.5 * before {
                break;
            }
        }
        if rest > RANK_TOLERANCE {
            v.iter_mut().for_each(|x| *x /= rest);
            self.basis.push(v);
            self.rank += 1;
        }
        self.full()
    }
}

/// `a . b`, in four running sums (which the compiler keeps in vector registers).
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut sums = [0.0; 4];
    let (a4, b4) = (a.chunks_exact(4), b.chunks_exact(4));
    let tail: f64 = a4
        .remainder()
        .iter()
        .zip(b4.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in a4.zip(b4) {
        for i in 0..4 {
            sums[i] += x[i] * y[i];
        }
    }
    (sums[0] + sums[1]) + (sums[2] + sums[3]) + tail
}

/// The default scale factors of `method` for `count` replicates, as R's `svrepdesign` sets them
/// (`combined`: whether the weights include the sampling weights; `first`: the first replicate
/// column, from which R guesses JK1's scale for factors).
fn default_scales(
    weights: &ReplicateWeights,
    count: usize,
    first: &[f64],
) -> Result<(f64, Vec<f64>)> {
    let r = count as f64;
    let fixed = |name: &'static str| Error::InvalidParameter {
        name,
        value: f64::NAN,
        requirement: "the method fixes its scale factors (BRR: 1/R, Fay: 1/(R (1 - rho)^2), \
                      successive differences: 4/R); give them only for the other methods",
    };
    let given_scale = weights.scale;
    let given_rscales = weights.rscales.clone();
    let ones = vec![1.0; count];
    let (scale, rscales) = match weights.method {
        ReplicateMethod::Brr | ReplicateMethod::Fay | ReplicateMethod::SuccessiveDifference => {
            if given_scale.is_some() {
                return Err(fixed("scale"));
            }
            if given_rscales.is_some() {
                return Err(fixed("rscales"));
            }
            let scale = match weights.method {
                ReplicateMethod::Brr => 1.0 / r,
                ReplicateMethod::Fay => {
                    let rho = weights.rho.unwrap_or(f64::NAN);
                    1.0 / (r * (1.0 - rho) * (1.0 - rho))
                }
                _ => 4.0 / r,
            };
            (scale, ones)
        }
        ReplicateMethod::Jk1 => {
            let scale = match given_scale {
                Some(scale) => scale,
                None if weights.combined => (r - 1.0) / r,
                None => {
                    // R: 1 / max(first replicate's factors) = (n - 1) / n.
                    let top = first.iter().copied().fold(0.0_f64, f64::max);
                    if top > 0.0 { 1.0 / top } else { (r - 1.0) / r }
                }
            };
            (scale, given_rscales.unwrap_or(ones))
        }
        ReplicateMethod::Jkn => {
            let Some(rscales) = given_rscales else {
                return Err(Error::InvalidParameter {
                    name: "rscales",
                    value: f64::NAN,
                    requirement: "JKn replicate weights need each replicate's (n_h - 1) / n_h \
                                  (with_rscales), as R's svrepdesign does",
                });
            };
            (given_scale.unwrap_or(1.0), rscales)
        }
        ReplicateMethod::Bootstrap => (
            given_scale.unwrap_or(1.0 / (r - 1.0)),
            given_rscales.unwrap_or(ones),
        ),
        ReplicateMethod::Other => (given_scale.unwrap_or(1.0), given_rscales.unwrap_or(ones)),
    };
    Ok((scale, rscales))
}

/// Checks the scale factors: a finite positive scale, one finite non-negative `rscale` per
/// replicate.
fn check_scales(scale: f64, rscales: &[f64], count: usize) -> Result<()> {
    if !(scale.is_finite() && scale > 0.0) {
        return Err(Error::NotPositive {
            name: "replicate scale",
            value: scale,
        });
    }
    if rscales.len() != count {
        return Err(Error::LengthMismatch {
            name: "rscales",
            expected: count,
            len: rscales.len(),
            per: "replicate",
        });
    }
    if let Some(&value) = rscales.iter().find(|v| !(v.is_finite() && **v >= 0.0)) {
        return Err(Error::InvalidParameter {
            name: "rscales",
            value,
            requirement: "each replicate's scale must be a finite number of at least 0",
        });
    }
    Ok(())
}

impl SampleDesign {
    /// The design with replicate weights: every variance is then the spread of the estimates
    /// recomputed under each replicate (R's `svrepdesign`), in place of the linearisation over
    /// strata and clusters, and the degrees of freedom are the rank of the replicate weights minus
    /// one. The design's own weights are the full-sample weights.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{ReplicateMethod, ReplicateWeights, SampleDesign};
    ///
    /// // Delete-one jackknife of three respondents: combined weights 0 or 1.5.
    /// let columns = vec![vec![0.0, 1.5, 1.5], vec![1.5, 0.0, 1.5], vec![1.5, 1.5, 0.0]];
    /// let design = SampleDesign::new(vec![1.0; 3])?
    ///     .with_replicate_weights(ReplicateWeights::new(ReplicateMethod::Jk1, columns))?;
    /// let mean = design.mean(&[1.0, 2.0, 6.0])?;
    /// // The jackknife variance of a mean is s^2 / n: s^2 = 7, n = 3.
    /// assert!((mean.std_error - (7.0_f64 / 3.0).sqrt()).abs() < 1e-14);
    /// assert_eq!(design.degrees_of_freedom(), 2.0);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::TooFewValues`] for fewer than two replicates; [`Error::LengthMismatch`] for a
    /// column without one weight per respondent, or `rscales` without one per replicate;
    /// [`Error::InvalidReplicateWeight`] for a weight that is not a finite number (naming the
    /// replicate and the record); [`Error::InvalidParameter`] for Fay's method without a `rho` in
    /// [0, 1), JKn weights without `rscales`, scale factors given for a method that fixes them,
    /// or a negative `rscale`; [`Error::NotPositive`] for a scale that is not a finite positive
    /// number; [`Error::TooLarge`] for more than [`MAX_REPLICATES`] replicates;
    /// [`Error::CountTooLarge`] past 2^32 replicate weights in all.
    pub fn with_replicate_weights(mut self, replicates: ReplicateWeights) -> Result<Self> {
        let count = replicates.columns.len();
        if count < 2 {
            return Err(Error::TooFewValues {
                name: "replicate weights",
                len: count,
                min: 2,
            });
        }
        if count > MAX_REPLICATES {
            return Err(Error::TooLarge {
                what: "replicate weights (replicates)",
                size: count as u64,
                max: MAX_REPLICATES as u64,
                hint: "no survey ships that many; check the columns given",
            });
        }
        let n = self.len();
        if count
            .checked_mul(n)
            .is_none_or(|size| size > u32::MAX as usize)
        {
            return Err(Error::CountTooLarge {
                name: "replicate weights (respondents x replicates)",
                value: u64::try_from(count.saturating_mul(n)).unwrap_or(u64::MAX),
                max: u64::from(u32::MAX),
            });
        }
        for (replicate, column) in replicates.columns.iter().enumerate() {
            if column.len() != n {
                return Err(Error::LengthMismatch {
                    name: "replicate weights",
                    expected: n,
                    len: column.len(),
                    per: "respondent",
                });
            }
            if let Some((record, &value)) = column.iter().enumerate().find(|(_, v)| !v.is_finite())
            {
                return Err(Error::InvalidReplicateWeight {
                    replicate,
                    record,
                    value,
                });
            }
        }
        if replicates.method == ReplicateMethod::Fay {
            let rho = replicates.rho.unwrap_or(f64::NAN);
            if !(0.0..1.0).contains(&rho) {
                return Err(Error::InvalidParameter {
                    name: "rho",
                    value: rho,
                    requirement: "Fay's method needs its rho, in [0, 1) (with_rho)",
                });
            }
        }
        let first = replicates.columns.first().cloned().unwrap_or_default();
        let (scale, rscales) = default_scales(&replicates, count, &first)?;
        check_scales(scale, &rscales, count)?;
        // Record-major analysis weights (factors times the design's weights unless combined).
        let mut dense = vec![0.0; n * count];
        for (r, column) in replicates.columns.iter().enumerate() {
            for (k, (&value, &w)) in column.iter().zip(&self.weights).enumerate() {
                dense[k * count + r] = if replicates.combined {
                    value
                } else {
                    value * w
                };
            }
        }
        if dense.iter().any(|w| !w.is_finite()) {
            return Err(Error::Undefined {
                what: "replicate weights",
                reason: "a factor times its sampling weight overflows a double; rescale them",
            });
        }
        let mut built = Replicates {
            method: replicates.method,
            scale,
            rscales,
            mse: replicates.mse,
            count,
            storage: Storage::Dense(dense),
            degrees: 0.0,
        };
        built.degrees = built.design_degrees(&self.weights);
        self.replicates = Some(Arc::new(built));
        Ok(self)
    }

    /// Replicate weights created from the design's strata and clusters (R's `as.svrepdesign`):
    /// the returned design estimates its variances from them. The design's finite population
    /// corrections carry over to the jackknives (as `rscales` or `scale` times `1 - f`); the
    /// bootstrap draws its replicates from the generator seeded by `seed`.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{ReplicateScheme, SampleDesign};
    ///
    /// let design = SampleDesign::new(vec![2.0; 8])?
    ///     .with_strata(&[1, 1, 1, 1, 2, 2, 2, 2])?
    ///     .with_clusters(&[1, 1, 2, 2, 3, 3, 4, 4])?;
    /// let y = [1.0, 2.0, 4.0, 3.0, 5.0, 7.0, 6.0, 9.0];
    /// let linearised = design.mean(&y)?;
    /// let jackknife = design.replicate(ReplicateScheme::Jkn)?.mean(&y)?;
    /// // For a mean of equal weights the stratified jackknife equals the linearisation.
    /// assert!((jackknife.std_error - linearised.std_error).abs() < 1e-14);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] for JK1 on a stratified design, JKn, BRR or Fay on an
    /// unstratified one, BRR or Fay with a stratum that has other than two PSUs, a Fay `rho`
    /// outside [0, 1), or fewer than two bootstrap replicates; [`Error::LonelyPsu`] for a
    /// stratum with one PSU under [`LonelyPsu::Fail`](crate::LonelyPsu::Fail);
    /// [`Error::Undefined`] when every stratum is a census, or for a design already weighted to
    /// totals (create the replicates first, then weight); [`Error::TooLarge`] past
    /// [`MAX_REPLICATES`] replicates (a jackknife has one per PSU) or when PSUs times
    /// replicates pass 2^25.
    pub fn replicate(&self, scheme: ReplicateScheme) -> Result<SampleDesign> {
        if self.is_calibrated() {
            return Err(Error::Undefined {
                what: "replicate weights of a weighted design",
                reason: "the post-stratification or raking would not be repeated in each \
                         replicate; create the replicates from the design before weighting",
            });
        }
        let mut built = super::replicate_create::create(self, scheme)?;
        let mut design = self.clone();
        built.degrees = built.design_degrees(&design.weights);
        design.replicates = Some(Arc::new(built));
        Ok(design)
    }

    /// Whether variances come from replicate weights.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{ReplicateScheme, SampleDesign};
    /// let design = SampleDesign::new(vec![1.0; 3])?;
    /// assert!(!design.is_replicate());
    /// assert!(design.replicate(ReplicateScheme::Jk1)?.is_replicate());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn is_replicate(&self) -> bool {
        self.replicates.is_some()
    }

    /// The number of replicates (0 for a design without replicate weights).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{ReplicateScheme, SampleDesign};
    /// let design = SampleDesign::new(vec![1.0; 5])?.replicate(ReplicateScheme::Jk1)?;
    /// assert_eq!(design.replicate_count(), 5);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn replicate_count(&self) -> usize {
        self.replicates.as_ref().map_or(0, |r| r.count)
    }

    /// The method of the replicate weights, if the design has them.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{ReplicateMethod, ReplicateScheme, SampleDesign};
    /// let design = SampleDesign::new(vec![1.0; 4])?.with_strata(&[1, 1, 2, 2])?;
    /// assert_eq!(design.replicate(ReplicateScheme::Brr)?.replicate_method(), Some(ReplicateMethod::Brr));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn replicate_method(&self) -> Option<ReplicateMethod> {
        self.replicates.as_ref().map(|r| r.method)
    }

    /// Refuses a weighting step that is not yet repeated in every replicate (trimming).
    pub(crate) fn refuse_replicates(&self, step: &'static str) -> Result<()> {
        if self.replicates.is_some() {
            return Err(Error::Undefined {
                what: step,
                reason: "the step would have to be repeated in every replicate, which this \
                         version does not do; use replicate weights that were calibrated when \
                         they were made",
            });
        }
        Ok(())
    }

    /// The replicate weights, when the design has them.
    pub(crate) fn replicates(&self) -> Option<&Replicates> {
        self.replicates.as_deref()
    }

    /// Replicate estimates of ratios of totals: for each of `q` estimates `i`, the ratio of total
    /// `numerator(i)` to total `denominator(i)` (indices into the replicate totals' slots times
    /// values), or the total alone when `denominator(i)` is `None`; `out[i * R + r]`.
    pub(crate) fn replicate_ratios(
        replicates: &Replicates,
        totals: &[f64],
        q: usize,
        numerator: impl Fn(usize) -> usize,
        denominator: impl Fn(usize) -> Option<usize>,
    ) -> Vec<f64> {
        let r = replicates.count;
        let mut out = vec![f64::NAN; q * r];
        for i in 0..q {
            let (a, b) = (numerator(i), denominator(i));
            for rep in 0..r {
                let top = totals.get(a * r + rep).copied().unwrap_or(f64::NAN);
                out[i * r + rep] = match b {
                    Some(b) => {
                        let bottom = totals.get(b * r + rep).copied().unwrap_or(0.0);
                        if bottom != 0.0 {
                            top / bottom
                        } else {
                            f64::NAN
                        }
                    }
                    None => top,
                };
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rank_counts_independent_rows_and_skips_repeats() {
        let mut rank = Rank::new(3);
        assert!(!rank.add(&[1.0, 1.0, 0.0]));
        assert!(!rank.add(&[2.0, 2.0, 0.0]));
        assert!(!rank.add(&[0.0, 0.0, 0.0]));
        assert!(!rank.add(&[1.0, 0.0, 0.0]));
        assert!(!rank.add(&[3.0, 1.0, 0.0]));
        assert_eq!(rank.rank, 2);
        assert!(rank.add(&[0.0, 0.0, 5.0]));
        assert_eq!(rank.rank, 3);
        assert!(rank.full() && !rank.add(&[1.0, 2.0, 3.0]));
    }
}

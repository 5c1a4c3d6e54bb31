//! Weighting to population totals: post-stratification, raking and trimming (R's
//! `postStratify`, `rake` and `trimWeights`).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::survey::design::{Calibration, SampleDesign};

/// Largest number of rounds of strict trimming.
const MAX_TRIM_ROUNDS: usize = 1_000;

/// One calibration margin: the category of each respondent and the population total of each
/// category.
///
/// # Examples
///
/// ```
/// use survey_analytics::CalibrationMargin;
/// let gender = CalibrationMargin::new(vec![0, 1, 1, 0], vec![26_000.0, 24_000.0])?;
/// assert_eq!(gender.total(), 50_000.0);
/// assert_eq!(gender.totals(), &[26_000.0, 24_000.0][..]);
/// assert_eq!(gender.categories()[1], 1);
/// assert!(CalibrationMargin::new(vec![0, 2], vec![1.0, 1.0]).is_err());
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawCalibrationMargin")]
pub struct CalibrationMargin {
    cells: Vec<usize>,
    totals: Vec<f64>,
}

/// Unvalidated form used to deserialise a [`CalibrationMargin`] (through its constructor).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalibrationMargin {
    cells: Vec<usize>,
    totals: Vec<f64>,
}

impl TryFrom<RawCalibrationMargin> for CalibrationMargin {
    type Error = Error;

    fn try_from(raw: RawCalibrationMargin) -> Result<Self> {
        Self::new(raw.cells, raw.totals)
    }
}

impl CalibrationMargin {
    /// A margin from each respondent's category (a position in `totals`) and the population
    /// totals.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{CalibrationMargin, Error};
    ///
    /// let region = CalibrationMargin::new(vec![0, 1, 1], vec![400.0, 600.0])?;
    /// assert_eq!(region.totals()[region.categories()[2]], 600.0); // respondent 2's category
    /// let err = CalibrationMargin::new(vec![0, 2], vec![1.0, 1.0]).unwrap_err();
    /// assert!(matches!(err, Error::CategoryOutOfRange { index: 2, len: 2, .. }));
    /// let err = CalibrationMargin::new(vec![0, 1], vec![1.0, -1.0]).unwrap_err();
    /// assert!(matches!(err, Error::InvalidParameter { value, .. } if value == -1.0));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::CategoryOutOfRange`] for a category past the totals; [`Error::InvalidParameter`]
    /// for a total that is negative, NaN or infinite, or totals whose sum overflows.
    pub fn new(cells: Vec<usize>, totals: Vec<f64>) -> Result<Self> {
        if let Some(&index) = cells.iter().find(|&&c| c >= totals.len()) {
            return Err(Error::CategoryOutOfRange {
                dimension: "margin".to_string(),
                index,
                len: totals.len(),
            });
        }
        if let Some(&value) = totals.iter().find(|t| !(t.is_finite() && **t >= 0.0)) {
            return Err(Error::InvalidParameter {
                name: "population total",
                value,
                requirement: "must be finite and non-negative",
            });
        }
        let sum: f64 = totals.iter().sum();
        if !sum.is_finite() {
            return Err(Error::InvalidParameter {
                name: "sum of the population totals",
                value: sum,
                requirement: "must be finite; rescale the totals",
            });
        }
        Ok(Self { cells, totals })
    }

    /// The population total over all categories.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{CalibrationMargin, Error, RakeOptions, SampleDesign};
    ///
    /// let age = CalibrationMargin::new(vec![0, 1, 2], vec![300.0, 450.0, 250.0])?;
    /// let region = CalibrationMargin::new(vec![0, 0, 1], vec![500.0, 400.0])?;
    /// assert_eq!((age.total(), region.total()), (1000.0, 900.0));
    /// // Margins raked together must describe the same population.
    /// let design = SampleDesign::new(vec![1.0; 3])?;
    /// let err = design.rake(&[age, region], &RakeOptions::default()).unwrap_err();
    /// assert!(matches!(err, Error::InconsistentMargins { margin: 1, total, .. } if total == 900.0));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn total(&self) -> f64 {
        self.totals.iter().sum()
    }

    /// The population total of each category.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{CalibrationMargin, Error, SampleDesign};
    ///
    /// // A category may have no respondent here; calibrating to it then fails.
    /// let region = CalibrationMargin::new(vec![0, 0], vec![70.0, 30.0])?;
    /// assert_eq!(region.totals(), [70.0, 30.0]);
    /// let err = SampleDesign::new(vec![1.0, 1.0])?.post_stratify(&region).unwrap_err();
    /// assert!(matches!(err, Error::EmptyCalibrationCell { category: 1, .. }));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn totals(&self) -> &[f64] {
        &self.totals
    }

    /// Each respondent's category.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::CalibrationMargin;
    ///
    /// let region = CalibrationMargin::new(vec![1, 0, 1], vec![40.0, 60.0])?;
    /// assert_eq!(region.categories(), [1, 0, 1]);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn categories(&self) -> &[usize] {
        &self.cells
    }
}

/// When raking stops.
///
/// # Examples
///
/// ```
/// use survey_analytics::{CalibrationMargin, RakeOptions, SampleDesign};
///
/// let defaults = RakeOptions::default();
/// assert_eq!((defaults.max_iterations, defaults.relative_tolerance), (100, 1e-10));
/// let design = SampleDesign::new(vec![1.0; 4])?;
/// let region = CalibrationMargin::new(vec![0, 0, 1, 1], vec![60.0, 40.0])?;
/// let gender = CalibrationMargin::new(vec![0, 1, 1, 1], vec![50.0, 50.0])?;
/// let margins = [region, gender];
/// let (_, settled) = design.rake(&margins, &defaults)?;
/// assert!(settled.converged && settled.iterations > 1);
/// let (_, early) = design.rake(&margins, &RakeOptions { max_iterations: 1, ..defaults })?;
/// assert_eq!(early.iterations, 1);
/// assert!(!early.converged); // stopped before the passes became stationary
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RakeOptions {
    /// Largest number of full passes over the margins.
    pub max_iterations: usize,
    /// Stop when no cell of the joint table of the raking variables moves by more than this
    /// fraction of the total weight between two passes.
    pub relative_tolerance: f64,
}

impl Default for RakeOptions {
    /// 100 passes, relative tolerance 1e-10: converged to working precision on realistic margins.
    fn default() -> Self {
        Self {
            max_iterations: 100,
            relative_tolerance: 1e-10,
        }
    }
}

/// Largest number of raking passes accepted: each pass costs a sweep of the joint table per
/// margin, so a bound keeps every call short.
///
/// # Examples
///
/// ```
/// use survey_analytics::{CalibrationMargin, Error, MAX_RAKE_ITERATIONS, RakeOptions, SampleDesign};
///
/// let design = SampleDesign::new(vec![1.0; 2])?;
/// let margin = CalibrationMargin::new(vec![0, 1], vec![1.0, 1.0])?;
/// let options = RakeOptions { max_iterations: MAX_RAKE_ITERATIONS + 1, ..RakeOptions::default() };
/// let err = design.rake(&[margin], &options).unwrap_err();
/// assert!(matches!(err, Error::CountTooLarge { max, .. } if max == MAX_RAKE_ITERATIONS as u64));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
pub const MAX_RAKE_ITERATIONS: usize = 10_000;

impl RakeOptions {
    /// Checks the options: at most [`MAX_RAKE_ITERATIONS`] passes, a finite non-negative
    /// tolerance.
    fn check(&self) -> Result<()> {
        if self.max_iterations > MAX_RAKE_ITERATIONS {
            return Err(Error::CountTooLarge {
                name: "raking passes",
                value: u64::try_from(self.max_iterations).unwrap_or(u64::MAX),
                max: MAX_RAKE_ITERATIONS as u64,
            });
        }
        if !(self.relative_tolerance >= 0.0 && self.relative_tolerance.is_finite()) {
            return Err(Error::InvalidParameter {
                name: "relative tolerance",
                value: self.relative_tolerance,
                requirement: "must be finite and non-negative",
            });
        }
        Ok(())
    }

    /// R's defaults (`maxit = 10`, `epsilon = 1` weight unit), for reproducing R's `rake` output
    /// exactly; `total_weight` is the design's total weight before raking.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::RakeOptions;
    ///
    /// let options = RakeOptions::r_defaults(128.0);
    /// assert_eq!(options.max_iterations, 10);
    /// assert_eq!(options.relative_tolerance * 128.0, 1.0); // one weight unit
    /// ```
    pub fn r_defaults(total_weight: f64) -> Self {
        Self {
            max_iterations: 10,
            relative_tolerance: if total_weight > 0.0 {
                1.0 / total_weight
            } else {
                1.0
            },
        }
    }
}

/// What raking did.
///
/// # Examples
///
/// ```
/// use survey_analytics::{CalibrationMargin, RakeOptions, SampleDesign};
///
/// // Region and gender coincide in this sample, so no weights meet both margins.
/// let design = SampleDesign::new(vec![1.0; 4])?;
/// let region = CalibrationMargin::new(vec![0, 0, 1, 1], vec![60.0, 40.0])?;
/// let gender = CalibrationMargin::new(vec![0, 0, 1, 1], vec![50.0, 50.0])?;
/// let (_, report) = design.rake(&[region, gender], &RakeOptions::default())?;
/// assert_eq!(report.iterations, 2); // the second pass changes nothing
/// assert!(!report.converged);
/// assert!((report.largest_margin_error - 10.0).abs() < 1e-9); // region: 50 against 60
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RakeReport {
    /// Full passes over the margins.
    pub iterations: usize,
    /// Whether the passes became stationary (no cell of the joint table moved by more than the
    /// tolerance) *and* every margin is met: within the tolerance times the number of occupied
    /// joint cells. Stationary passes that leave a margin unmet mean the margins contradict each
    /// other on this sample; R's `rake` calls that converged, this report does not.
    pub converged: bool,
    /// The largest difference between a margin's weighted total and its population total after the
    /// last pass, in weight units.
    pub largest_margin_error: f64,
}

impl SampleDesign {
    /// Post-stratifies the weights to population totals: every weight of category `h` is
    /// multiplied by `N_h / W_h` (population over weighted sample total), as R's `postStratify`.
    /// Variances of later estimates use residuals from the post-stratum means (Lumley 2010, 7.2).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{CalibrationMargin, SampleDesign};
    ///
    /// let design = SampleDesign::new(vec![1.0, 1.0, 1.0, 1.0])?;
    /// let adjusted = design.post_stratify(&CalibrationMargin::new(vec![0, 0, 0, 1], vec![50.0, 50.0])?)?;
    /// assert_eq!(adjusted.weights(), [50.0 / 3.0, 50.0 / 3.0, 50.0 / 3.0, 50.0]);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::LengthMismatch`] unless the margin has one category per respondent;
    /// [`Error::EmptyCalibrationCell`] when a category with a positive population total has no
    /// weight in the sample, or the reverse.
    pub fn post_stratify(&self, margin: &CalibrationMargin) -> Result<SampleDesign> {
        self.check_len("margin categories", margin.cells.len())?;
        let mut design = self.clone();
        let old_weights = self.weights.clone();
        design.weights = post_stratified(&self.weights, margin, 0)?;
        check_weights(&design.weights)?;
        design.calibrations.push(Calibration::PostStrata {
            cells: margin.cells.iter().map(|&c| c as u32).collect(),
            old_weights,
            new_weights: design.weights.clone(),
        });
        // Replicate designs post-stratify every replicate to the same totals.
        if let Some(replicates) = self.replicates() {
            let stepped = replicates.reweighted(&self.weights, &design.weights, |w| {
                post_stratified(w, margin, 0)
            })?;
            design.replicates = Some(std::sync::Arc::new(stepped));
        }
        Ok(design)
    }

    /// Rakes the weights to several margins by iterative proportional fitting (Deming & Stephan
    /// 1940), as R's `rake`: each pass post-stratifies to every margin in turn; passes stop when no
    /// cell of the joint table of the raking variables changes by more than the tolerance. Later
    /// variances use R's projection of residuals on the margins of the last pass.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{CalibrationMargin, RakeOptions, SampleDesign};
    ///
    /// let design = SampleDesign::new(vec![1.0; 6])?;
    /// let region = CalibrationMargin::new(vec![0, 0, 1, 1, 1, 1], vec![60.0, 40.0])?;
    /// let gender = CalibrationMargin::new(vec![0, 1, 0, 1, 0, 1], vec![52.0, 48.0])?;
    /// let (raked, report) = design.rake(&[region, gender], &RakeOptions::default())?;
    /// assert!(report.converged && report.largest_margin_error < 1e-6);
    /// let total: f64 = raked.weights().iter().sum();
    /// assert!((total - 100.0).abs() < 1e-9);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::TooFewValues`] for no margins; [`Error::InconsistentMargins`] when the margins'
    /// population totals differ (by more than 1e-9 relative); [`Error::CountTooLarge`] for more
    /// than [`MAX_RAKE_ITERATIONS`] passes and [`Error::InvalidParameter`] for a negative or
    /// non-finite tolerance; as [`SampleDesign::post_stratify`].
    pub fn rake(
        &self,
        margins: &[CalibrationMargin],
        options: &RakeOptions,
    ) -> Result<(SampleDesign, RakeReport)> {
        options.check()?;
        let first = margins.first().ok_or(Error::TooFewValues {
            name: "raking margins",
            len: 0,
            min: 1,
        })?;
        for (index, margin) in margins.iter().enumerate() {
            self.check_len("margin categories", margin.cells.len())?;
            let (a, b) = (first.total(), margin.total());
            if (a - b).abs() > 1e-9 * a.abs().max(b.abs()) {
                return Err(Error::InconsistentMargins {
                    margin: index,
                    total: b,
                    first: a,
                });
            }
        }
        // Every respondent of a joint cell (a combination of the margins' categories) has its
        // weight multiplied by the same factors, so the passes run on the joint table, not on the
        // records: raking a million respondents costs two passes over them.
        let (joint, cells) = joint_cells(self.len(), margins);
        let mut base = vec![0.0; cells];
        let mut category = vec![vec![0_u32; cells]; margins.len()];
        for (k, (&j, &w)) in joint.iter().zip(&self.weights).enumerate() {
            let j = j as usize;
            if let Some(b) = base.get_mut(j) {
                *b += w;
            }
            for (of_margin, margin) in category.iter_mut().zip(margins) {
                if let (Some(slot), Some(&c)) = (of_margin.get_mut(j), margin.cells.get(k)) {
                    *slot = c as u32;
                }
            }
        }
        let total_weight: f64 = self.weights.iter().sum();
        let epsilon = options.relative_tolerance * total_weight;
        // The product of the factors applied so far, per joint cell, and its value after each
        // margin of the latest pass (what the variance's residuals need).
        let mut factor = vec![1.0; cells];
        let mut after_step = vec![vec![1.0; cells]; margins.len()];
        let mut old_table = base.clone();
        let mut new_table = vec![0.0; cells];
        let (mut iterations, mut stationary) = (0, false);
        while iterations < options.max_iterations {
            for (index, ((margin, of_margin), snapshot)) in margins
                .iter()
                .zip(&category)
                .zip(&mut after_step)
                .enumerate()
            {
                let ratio = category_ratios(margin, index, of_margin, &base, &factor)?;
                for (f, &c) in factor.iter_mut().zip(of_margin) {
                    *f *= ratio.get(c as usize).copied().unwrap_or(0.0);
                }
                snapshot.copy_from_slice(&factor);
            }
            for ((t, b), f) in new_table.iter_mut().zip(&base).zip(&factor) {
                *t = b * f;
            }
            let delta = old_table
                .iter()
                .zip(&new_table)
                .fold(0.0_f64, |m, (a, b)| m.max((a - b).abs()));
            iterations += 1;
            if delta < epsilon {
                stationary = true;
                break;
            }
            std::mem::swap(&mut old_table, &mut new_table);
        }
        let largest_margin_error =
            margins
                .iter()
                .zip(&category)
                .fold(0.0_f64, |worst, (margin, of_margin)| {
                    let mut sums = vec![0.0; margin.totals.len()];
                    for ((&c, b), f) in of_margin.iter().zip(&base).zip(&factor) {
                        if let Some(s) = sums.get_mut(c as usize) {
                            *s += b * f;
                        }
                    }
                    sums.iter()
                        .zip(&margin.totals)
                        .fold(worst, |m, (s, t)| m.max((s - t).abs()))
                });
        // Stationary passes that leave a margin unmet mean the margins contradict each other on this
        // sample (no weights satisfy them all): R's `rake` reports that as converged; we do not.
        let occupied = base.iter().filter(|&&w| w != 0.0).count().max(1) as f64;
        let converged = stationary
            && largest_margin_error <= epsilon.max(1e-12 * total_weight.abs()) * occupied;
        let mut design = self.clone();
        design.weights = joint
            .iter()
            .zip(&self.weights)
            .map(|(&j, &w)| w * factor.get(j as usize).copied().unwrap_or(0.0))
            .collect();
        check_weights(&design.weights)?;
        // Replicate designs rake every replicate with as many passes as the full sample took
        // (R's rake post-stratifies the replicates along with the full-sample weights).
        if let Some(replicates) = self.replicates() {
            let stepped = replicates.reweighted(&self.weights, &design.weights, |w| {
                raked_passes(w, margins, &joint, &category, iterations)
            })?;
            design.replicates = Some(std::sync::Arc::new(stepped));
        }
        if iterations > 0 {
            design.calibrations.push(Calibration::Raking {
                joint,
                base_weights: self.weights.clone(),
                categories: category,
                factors: after_step,
            });
        }
        Ok((
            design,
            RakeReport {
                iterations,
                converged,
                largest_margin_error,
            },
        ))
    }

    /// Trims the weights to `[lower, upper]` and spreads the weight removed (or added) equally over
    /// the weights that were inside the bounds, keeping the total, as R's `trimWeights`. With
    /// `strict`, repeats until every weight is within the bounds (spreading can push some out).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::SampleDesign;
    /// let design = SampleDesign::new(vec![1.0, 2.0, 3.0, 10.0])?;
    /// let trimmed = design.trim_weights(0.0, 6.0, false)?;
    /// // 10 is cut to 6, and the 4 removed is shared equally by the other three weights.
    /// let expected = [1.0 + 4.0 / 3.0, 2.0 + 4.0 / 3.0, 3.0 + 4.0 / 3.0, 6.0];
    /// assert!(trimmed.weights().iter().zip(expected).all(|(w, e)| (w - e).abs() < 1e-12));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] when `lower > upper` or a bound is NaN, when the total weight
    /// cannot fit the bounds (`n lower <= sum w <= n upper` fails), or when every weight is outside
    /// the bounds (there is nowhere to spread the trimmed weight); [`Error::Undefined`] when strict
    /// trimming has not settled after 1,000 rounds or spreading would leave a weight negative.
    pub fn trim_weights(&self, lower: f64, upper: f64, strict: bool) -> Result<SampleDesign> {
        self.refuse_replicates("trimming")?;
        if lower.is_nan() || upper.is_nan() || lower > upper {
            return Err(Error::InvalidParameter {
                name: "lower bound",
                value: lower,
                requirement: "must be at most the upper bound (and not NaN)",
            });
        }
        let (total, n) = (self.weights.iter().sum::<f64>(), self.weights.len() as f64);
        if total < n * lower || total > n * upper {
            return Err(Error::InvalidParameter {
                name: "total weight",
                value: total,
                requirement: "trimming keeps the total, which must lie between n x lower and n x \
                              upper for the bounds to be met",
            });
        }
        let mut weights = self.weights.clone();
        // A strict round can push weights that were inside past a bound again; the excess shrinks
        // each round, and the rounds are capped so that the call stays short.
        for _ in 0..MAX_TRIM_ROUNDS {
            let outside = |w: f64| w < lower || w > upper;
            let inside = weights.iter().filter(|&&w| !outside(w)).count();
            if inside == weights.len() {
                break;
            }
            if inside == 0 {
                return Err(Error::InvalidParameter {
                    name: "bounds",
                    value: upper,
                    requirement: "at least one weight must lie within the trimming bounds",
                });
            }
            let trimmed: f64 = weights.iter().map(|&w| w - w.clamp(lower, upper)).sum();
            let share = trimmed / inside as f64;
            for w in &mut weights {
                *w = if outside(*w) {
                    w.clamp(lower, upper)
                } else {
                    *w + share
                };
            }
            if !strict {
                break;
            }
        }
        if strict && weights.iter().any(|&w| w < lower || w > upper) {
            return Err(Error::Undefined {
                what: "strict trimming",
                reason: "the weights have not settled within the bounds after 1,000 rounds; \
                         widen the bounds",
            });
        }
        if weights.iter().any(|&w| !(w >= 0.0 && w.is_finite())) {
            return Err(Error::Undefined {
                what: "trimming",
                reason: "spreading the trimmed weight would leave a weight negative; raise the \
                         lower bound's neighbours or use strict trimming",
            });
        }
        let mut design = self.clone();
        design.weights = weights;
        Ok(design)
    }
}

/// Calibrated weights must stay finite, and so must their sum and the sum of their squares.
pub(super) fn check_weights(weights: &[f64]) -> Result<()> {
    let (sum, squares) = weights
        .iter()
        .fold((0.0_f64, 0.0_f64), |(s, q), w| (s + w, q + w * w));
    if sum.is_finite() && squares.is_finite() {
        Ok(())
    } else {
        Err(Error::Undefined {
            what: "calibrated weights",
            reason: "the population totals are so far from the sample's weights that the \
                     adjusted weights overflow a double; check the totals' scale",
        })
    }
}

/// `weights` post-stratified to one margin (`index` names the margin in errors).
fn post_stratified(weights: &[f64], margin: &CalibrationMargin, index: usize) -> Result<Vec<f64>> {
    let mut sample = vec![0.0; margin.totals.len()];
    for (&c, &w) in margin.cells.iter().zip(weights) {
        if let Some(s) = sample.get_mut(c) {
            *s += w;
        }
    }
    let ratio = ratios(&sample, margin, index)?;
    Ok(margin
        .cells
        .iter()
        .zip(weights)
        .map(|(&c, &w)| w * ratio.get(c).copied().unwrap_or(0.0))
        .collect())
}

/// The joint cell of each respondent in the cross-classification of the margins, numbered densely
/// in order of first appearance, and the number of cells (never more than the respondents, so many
/// margins with many categories cannot overflow).
pub(super) fn joint_cells(len: usize, margins: &[CalibrationMargin]) -> (Vec<u32>, usize) {
    let mut joint = vec![0_usize; len];
    let mut cells = 1_usize;
    for margin in margins {
        let categories = margin.totals.len().max(1);
        match cells.checked_mul(categories) {
            Some(product) if product <= 4 * len.max(1) => {
                for (j, &c) in joint.iter_mut().zip(&margin.cells) {
                    *j = *j * categories + c;
                }
                cells = product;
            }
            _ => {
                let mut ids = std::collections::HashMap::new();
                for (j, &c) in joint.iter_mut().zip(&margin.cells) {
                    let next = ids.len();
                    *j = *ids.entry((*j, c)).or_insert(next);
                }
                cells = ids.len().max(1);
            }
        }
    }
    let mut dense = vec![u32::MAX; cells];
    let mut next = 0_u32;
    let joint = joint
        .iter()
        .map(|&j| match dense.get_mut(j) {
            Some(id) => {
                if *id == u32::MAX {
                    *id = next;
                    next += 1;
                }
                *id
            }
            None => 0,
        })
        .collect();
    (joint, next.max(1) as usize)
}

/// The factor that brings each category of `margin` to its population total, from the joint
/// table (`base` weight times the `factor` applied so far, per joint cell).
///
/// # Errors
///
/// [`Error::EmptyCalibrationCell`] for a category empty on one side only.
/// `weights` after `passes` passes of raking to `margins` (no convergence test: the full sample's
/// passes are repeated), through the joint cells as [`SampleDesign::rake`] runs them.
fn raked_passes(
    weights: &[f64],
    margins: &[CalibrationMargin],
    joint: &[u32],
    category: &[Vec<u32>],
    passes: usize,
) -> Result<Vec<f64>> {
    let cells = category.first().map_or(0, Vec::len);
    let mut base = vec![0.0; cells];
    for (&j, &w) in joint.iter().zip(weights) {
        if let Some(b) = base.get_mut(j as usize) {
            *b += w;
        }
    }
    let mut factor = vec![1.0; cells];
    for _ in 0..passes {
        for (index, (margin, of_margin)) in margins.iter().zip(category).enumerate() {
            let ratio = category_ratios(margin, index, of_margin, &base, &factor)?;
            for (f, &c) in factor.iter_mut().zip(of_margin) {
                *f *= ratio.get(c as usize).copied().unwrap_or(0.0);
            }
        }
    }
    Ok(joint
        .iter()
        .zip(weights)
        .map(|(&j, &w)| w * factor.get(j as usize).copied().unwrap_or(0.0))
        .collect())
}

fn category_ratios(
    margin: &CalibrationMargin,
    index: usize,
    category: &[u32],
    base: &[f64],
    factor: &[f64],
) -> Result<Vec<f64>> {
    let mut sample = vec![0.0; margin.totals.len()];
    for ((&c, b), f) in category.iter().zip(base).zip(factor) {
        if let Some(s) = sample.get_mut(c as usize) {
            *s += b * f;
        }
    }
    ratios(&sample, margin, index)
}

/// `total / sample` per category; a category empty on both sides is ignored (R drops it), empty on
/// one side is an error.
fn ratios(sample: &[f64], margin: &CalibrationMargin, index: usize) -> Result<Vec<f64>> {
    sample
        .iter()
        .zip(&margin.totals)
        .enumerate()
        .map(|(category, (s, t))| match (*s > 0.0, *t > 0.0) {
            (true, true) => Ok(t / s),
            (false, false) => Ok(0.0),
            _ => Err(Error::EmptyCalibrationCell {
                margin: index,
                category,
                sample: *s,
                population: *t,
            }),
        })
        .collect()
}

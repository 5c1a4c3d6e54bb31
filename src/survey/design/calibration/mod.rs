//! Calibration to population totals of categorical and numeric auxiliaries: R's
//! `calibrate(design, formula, population, calfun = , bounds = )` with the linear, raking and
//! logit distances (Deville & Särndal 1992), and the variances that account for it.
//!
//! The auxiliaries are coded as R's `model.matrix` codes `~ m1 + m2 + x1 + x2`: an intercept
//! (the population size) whenever there is a categorical margin or a population size, one
//! indicator per category of each margin but its first (the reference), and each numeric column.
//! With the formula written that way in R, the columns, their totals and R's convergence measure
//! are the same here.
//!
//! R's `aggregate.stage` (calibrating cluster totals), `trim` (trimming the g-weights after
//! calibration), `force` (keeping the weights of a failed calibration), `bounds.const`,
//! `variance` (heteroscedastic calibration) and `sparse` are not offered: trim with
//! [`SampleDesign::trim_weights`] afterwards, and a failure is an error.

mod damped;
mod distance;
mod matrix;
mod solve;

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use damped::settle;
use distance::Distance;
pub(crate) use matrix::{AuxMatrix, regression_residuals};
use matrix::{Column, NONE, pass};
pub(crate) use solve::Cholesky;
use solve::pseudo_solve;

use crate::error::{Error, Result};
use crate::stats::names::method_names;
use crate::survey::design::weighting::{CalibrationMargin, check_weights, joint_cells};
use crate::survey::design::{Calibration, SampleDesign};

/// Largest number of iterations accepted by [`CalibrationOptions`]: each costs a pass over the
/// respondents, so a bound keeps every call short.
///
/// # Examples
///
/// ```
/// use survey_analytics::{CalibrationOptions, CalibrationTargets, Error, MAX_CALIBRATION_ITERATIONS, NumericAuxiliary};
///
/// let targets = CalibrationTargets::new().numeric(NumericAuxiliary::new(vec![1.0, 2.0], 6.0)?);
/// let options = CalibrationOptions { max_iterations: MAX_CALIBRATION_ITERATIONS + 1, ..CalibrationOptions::default() };
/// let err = targets.calibrate_weights(&[1.0, 1.0], &options).unwrap_err();
/// assert!(matches!(err, Error::CountTooLarge { .. }));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
pub const MAX_CALIBRATION_ITERATIONS: usize = 10_000;

/// Largest number of calibration columns (the intercept, the categories but one of each margin,
/// the numeric auxiliaries): each iteration solves a system of that size. Many categories of one
/// variable are better post-stratified ([`SampleDesign::post_stratify`]).
///
/// # Examples
///
/// ```
/// use survey_analytics::{CalibrationMargin, CalibrationOptions, CalibrationTargets, Error, MAX_CALIBRATION_COLUMNS};
///
/// let n = MAX_CALIBRATION_COLUMNS + 1;
/// let margin = CalibrationMargin::new((0..n).collect(), vec![2.0; n])?;
/// let targets = CalibrationTargets::new().margin(margin);
/// let err = targets.calibrate_weights(&vec![1.0; n], &CalibrationOptions::default()).unwrap_err();
/// assert!(matches!(err, Error::TooLarge { .. }));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
pub const MAX_CALIBRATION_COLUMNS: usize = 500;

/// Pivot of the scaled Cholesky factorisation below which `X'WX` is taken as singular: the
/// column's weighted sum of squares left after regressing it on the columns before it, as a
/// fraction of its own.
const COLLINEAR: f64 = 1e-12;

/// Most work accepted for one calibration, in rough operations: the iterations allowed times
/// each one's cost (the records times their non-zero auxiliaries, the joint cells' expansion, the
/// solve). A few seconds in a release build if every iteration runs (calibrations that converge
/// stop after a handful); R's 50 iterations fit for 5 million respondents with one numeric
/// auxiliary.
const CALIBRATION_WORK: u64 = 1 << 30;

/// Up to this many columns, Newton steps after the first use the pseudo-inverse as R does
/// (an eigen-decomposition per step, `O(p^3)` with a larger constant than Cholesky's).
const PSEUDO_INVERSE_COLUMNS: usize = 100;

/// The calibration distance, as R's `calfun`: how the g-weights (new over old weight) depend on
/// the linear predictor `u = x'λ`.
///
/// | function | `g(u)` | R |
/// |---|---|---|
/// | `Linear` (the default) | `1 + u`, clamped to the bounds | `cal.linear` |
/// | `Raking` | `exp(u)`, clamped to the bounds | `cal.raking` |
/// | `Logit` | a logistic curve from the lower to the upper bound (finite bounds needed) | `cal.logit` |
///
/// # Examples
///
/// ```
/// use survey_analytics::CalibrationFunction;
///
/// assert_eq!(CalibrationFunction::default(), CalibrationFunction::Linear);
/// assert_eq!("raking".parse::<CalibrationFunction>()?, CalibrationFunction::Raking);
/// assert_eq!(CalibrationFunction::Logit.to_string(), "logit");
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CalibrationFunction {
    /// Linear (GREG, chi-square distance): closed form without bounds.
    #[default]
    Linear,
    /// Raking ratio (multiplicative): positive g-weights.
    Raking,
    /// Logit: g-weights strictly inside finite bounds.
    Logit,
}

method_names!(CalibrationFunction, "calibration function",
    Linear => "linear" | "cal.linear",
    Raking => "raking" | "cal.raking",
    Logit => "logit" | "cal.logit",
);

/// How calibration runs: R's `calfun`, `bounds`, `maxit` and `epsilon`, with R's defaults.
///
/// Iterations stop when every total is met to `|target - achieved| / (1 + |target|) <
/// tolerance` (R's measure). Linear calibration without bounds is closed form and does not
/// iterate.
///
/// # Examples
///
/// ```
/// use survey_analytics::{CalibrationFunction, CalibrationOptions};
///
/// let defaults = CalibrationOptions::default();
/// assert_eq!(defaults.function, CalibrationFunction::Linear);
/// assert_eq!(defaults.bounds, (f64::NEG_INFINITY, f64::INFINITY));
/// assert_eq!((defaults.max_iterations, defaults.tolerance), (50, 1e-7));
/// let bounded = CalibrationOptions::bounded(CalibrationFunction::Logit, 0.5, 2.0);
/// assert_eq!(bounded.bounds, (0.5, 2.0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CalibrationOptions {
    /// The distance (R's `calfun`).
    pub function: CalibrationFunction,
    /// Bounds `(lower, upper)` on the g-weights, new weight over old (R's `bounds = c(L, U)`):
    /// `lower < 1 < upper`; infinite for none.
    pub bounds: (f64, f64),
    /// Largest number of iterations (R's `maxit`, 50). Where they end short of the totals, the
    /// damped method that follows gets up to as many passes ([`CalibrationReport::damped`]).
    pub max_iterations: usize,
    /// Convergence tolerance on `|target - achieved| / (1 + |target|)` (R's `epsilon`, 1e-7).
    pub tolerance: f64,
}

impl Default for CalibrationOptions {
    /// Linear, unbounded, 50 iterations, tolerance 1e-7: R's defaults.
    fn default() -> Self {
        Self {
            function: CalibrationFunction::Linear,
            bounds: (f64::NEG_INFINITY, f64::INFINITY),
            max_iterations: 50,
            tolerance: 1e-7,
        }
    }
}

impl CalibrationOptions {
    /// R's defaults with the given distance and bounds.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{CalibrationFunction, CalibrationOptions};
    ///
    /// let options = CalibrationOptions::bounded(CalibrationFunction::Raking, 0.8, 1.25);
    /// assert_eq!(options.function, CalibrationFunction::Raking);
    /// assert_eq!(options.max_iterations, 50);
    /// ```
    pub fn bounded(function: CalibrationFunction, lower: f64, upper: f64) -> Self {
        Self {
            function,
            bounds: (lower, upper),
            ..Self::default()
        }
    }

    /// Checks the options.
    fn check(&self) -> Result<()> {
        if self.max_iterations > MAX_CALIBRATION_ITERATIONS {
            return Err(Error::CountTooLarge {
                name: "calibration iterations",
                value: u64::try_from(self.max_iterations).unwrap_or(u64::MAX),
                max: MAX_CALIBRATION_ITERATIONS as u64,
            });
        }
        if !(self.tolerance > 0.0 && self.tolerance.is_finite()) {
            return Err(Error::InvalidParameter {
                name: "calibration tolerance",
                value: self.tolerance,
                requirement: "must be finite and positive",
            });
        }
        let (lower, upper) = self.bounds;
        if lower >= 1.0 || lower.is_nan() {
            return Err(Error::InvalidParameter {
                name: "lower bound of the g-weights",
                value: lower,
                requirement: "must be below 1 (the g-weight of a respondent left as it was)",
            });
        }
        if upper <= 1.0 || upper.is_nan() {
            return Err(Error::InvalidParameter {
                name: "upper bound of the g-weights",
                value: upper,
                requirement: "must be above 1 (the g-weight of a respondent left as it was)",
            });
        }
        if self.function == CalibrationFunction::Logit && !(lower.is_finite() && upper.is_finite())
        {
            return Err(Error::InvalidParameter {
                name: "bounds of logit calibration",
                value: if lower.is_finite() { upper } else { lower },
                requirement: "logit calibration requires finite bounds (as R's cal.logit)",
            });
        }
        Ok(())
    }

    /// Whether the calibration is R's closed-form `regcalibrate`: linear, unbounded.
    fn closed_form(&self) -> bool {
        self.function == CalibrationFunction::Linear
            && self.bounds.0 == f64::NEG_INFINITY
            && self.bounds.1 == f64::INFINITY
    }
}

/// A numeric auxiliary variable: its value for each respondent and its population total (R's
/// numeric terms of the calibration formula).
///
/// # Examples
///
/// ```
/// use survey_analytics::{Error, NumericAuxiliary};
///
/// let enrolment = NumericAuxiliary::new(vec![420.0, 515.0, 380.0], 2_300_000.0)?;
/// assert_eq!(enrolment.total(), 2_300_000.0);
/// assert_eq!(enrolment.values()[1], 515.0);
/// let err = NumericAuxiliary::new(vec![1.0, f64::NAN], 3.0).unwrap_err();
/// assert!(matches!(err, Error::InvalidValue { record: 1, .. }));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct NumericAuxiliary {
    /// Shared with the designs calibrated to it, which keep it for their variances.
    values: Arc<Vec<f64>>,
    total: f64,
}

impl NumericAuxiliary {
    /// An auxiliary from each respondent's value and the population total (which may be
    /// negative, as the values may).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Error, NumericAuxiliary};
    ///
    /// let income = NumericAuxiliary::new(vec![-2.0, 3.5], -10.0)?; // a balance may be negative
    /// assert_eq!(income.total(), -10.0);
    /// let err = NumericAuxiliary::new(vec![1.0], f64::INFINITY).unwrap_err();
    /// assert!(matches!(err, Error::InvalidParameter { .. }));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] (naming the record) for a value that is NaN or infinite;
    /// [`Error::InvalidParameter`] for a total that is.
    pub fn new(values: Vec<f64>, total: f64) -> Result<Self> {
        if let Some((record, &value)) = values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(Error::InvalidValue {
                name: "numeric calibration auxiliary",
                record,
                value,
            });
        }
        if !total.is_finite() {
            return Err(Error::InvalidParameter {
                name: "population total of a numeric auxiliary",
                value: total,
                requirement: "must be finite",
            });
        }
        Ok(Self {
            values: Arc::new(values),
            total,
        })
    }

    /// Each respondent's value.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::NumericAuxiliary;
    /// assert_eq!(NumericAuxiliary::new(vec![1.0, 2.0], 9.0)?.values(), [1.0, 2.0]);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// The population total.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::NumericAuxiliary;
    /// assert_eq!(NumericAuxiliary::new(vec![1.0, 2.0], 9.0)?.total(), 9.0);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn total(&self) -> f64 {
        self.total
    }
}

/// Names of the auxiliaries for error messages (set by the runtime layer).
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct AuxiliaryNames {
    /// Per margin: the column's name and each category's label.
    pub(crate) margins: Vec<(String, Vec<String>)>,
    /// Per numeric auxiliary: the column's name.
    pub(crate) numeric: Vec<String>,
}

/// What the weights are calibrated to: optionally the population size, any number of
/// categorical margins ([`CalibrationMargin`]: the population total of every category) and of
/// numeric auxiliaries ([`NumericAuxiliary`]: the population total of the variable). In R's terms,
/// `calibrate(design, ~ m1 + m2 + x1, population = c(N, ...))`.
///
/// The margins' totals must each add up to the population size (when given) and to one another;
/// numeric auxiliaries without a margin or a population size calibrate without an intercept (R's
/// `~ x - 1`, ratio calibration).
///
/// # Examples
///
/// ```
/// use survey_analytics::{CalibrationMargin, CalibrationOptions, CalibrationTargets, NumericAuxiliary, SampleDesign};
///
/// let design = SampleDesign::new(vec![10.0; 6])?;
/// let targets = CalibrationTargets::new()
///     .margin(CalibrationMargin::new(vec![0, 0, 0, 1, 1, 1], vec![40.0, 30.0])?)
///     .numeric(NumericAuxiliary::new(vec![1.0, 2.0, 3.0, 1.0, 2.0, 4.0], 150.0)?);
/// let (calibrated, report) = design.calibrate_to(&targets, &CalibrationOptions::default())?;
/// let w = calibrated.weights();
/// assert!((w[..3].iter().sum::<f64>() - 40.0).abs() < 1e-9);
/// let x = [1.0, 2.0, 3.0, 1.0, 2.0, 4.0];
/// assert!((w.iter().zip(x).map(|(w, x)| w * x).sum::<f64>() - 150.0).abs() < 1e-9);
/// assert!(report.largest_misfit < 1e-12);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CalibrationTargets {
    population_size: Option<f64>,
    margins: Vec<CalibrationMargin>,
    numeric: Vec<NumericAuxiliary>,
    pub(crate) names: Option<AuxiliaryNames>,
}

/// What calibration did.
///
/// # Examples
///
/// ```
/// use survey_analytics::{CalibrationFunction, CalibrationOptions, CalibrationTargets, NumericAuxiliary};
///
/// let targets = CalibrationTargets::new()
///     .population_size(4.0)
///     .numeric(NumericAuxiliary::new(vec![1.0, 2.0, 3.0, 4.0], 12.0)?);
/// let options = CalibrationOptions::bounded(CalibrationFunction::Raking, 0.2, 5.0);
/// let (weights, report) = targets.calibrate_weights(&[1.0; 4], &options)?;
/// assert!(report.iterations > 1 && report.largest_misfit < 1e-7);
/// assert!(report.min_ratio >= 0.2 && report.max_ratio <= 5.0);
/// assert!((weights.iter().sum::<f64>() - 4.0).abs() < 1e-6);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CalibrationReport {
    /// Newton iterations (1 for the closed-form linear calibration).
    pub iterations: usize,
    /// R's convergence measure at the end: the largest `|target - achieved| / (1 + |target|)`
    /// over the calibration columns.
    pub largest_misfit: f64,
    /// The smallest g-weight (new weight over old) among respondents with a weight.
    pub min_ratio: f64,
    /// The largest g-weight among respondents with a weight.
    pub max_ratio: f64,
    /// Whether R's Newton iteration stopped short of the totals (after `max_iterations`) and a
    /// damped Newton method met them; `iterations` then counts both. R fails in these cases
    /// (its full steps can cycle once records reach their bounds), although the totals are
    /// reachable within the bounds.
    #[serde(default)]
    pub damped: bool,
}

/// A calibration's outcome: the new weights, the report, and what the variance needs.
struct Calibrated {
    weights: Vec<f64>,
    report: CalibrationReport,
    aux: Arc<AuxMatrix>,
    factor: Arc<Cholesky>,
}

impl CalibrationTargets {
    /// No targets yet: add a population size, margins and numeric auxiliaries.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{CalibrationOptions, CalibrationTargets, Error};
    ///
    /// let err = CalibrationTargets::new().calibrate_weights(&[1.0], &CalibrationOptions::default()).unwrap_err();
    /// assert!(matches!(err, Error::TooFewValues { .. })); // nothing to calibrate to
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Calibrates to the population size `n` (R's `(Intercept)` total); implied by any margin.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{CalibrationOptions, CalibrationTargets};
    ///
    /// // The population size alone scales the weights.
    /// let targets = CalibrationTargets::new().population_size(30.0);
    /// let (weights, _) = targets.calibrate_weights(&[1.0, 2.0], &CalibrationOptions::default())?;
    /// assert!((weights[0] - 10.0).abs() < 1e-12 && (weights[1] - 20.0).abs() < 1e-12);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn population_size(mut self, n: f64) -> Self {
        self.population_size = Some(n);
        self
    }

    /// Adds a categorical margin.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{CalibrationMargin, CalibrationOptions, CalibrationTargets};
    ///
    /// // One margin alone is post-stratification.
    /// let targets = CalibrationTargets::new().margin(CalibrationMargin::new(vec![0, 0, 1], vec![6.0, 4.0])?);
    /// let (weights, _) = targets.calibrate_weights(&[1.0; 3], &CalibrationOptions::default())?;
    /// assert!(weights.iter().zip([3.0, 3.0, 4.0]).all(|(w, e)| (w - e).abs() < 1e-12));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn margin(mut self, margin: CalibrationMargin) -> Self {
        self.margins.push(margin);
        self
    }

    /// Adds a numeric auxiliary.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{CalibrationOptions, CalibrationTargets, NumericAuxiliary};
    ///
    /// // Without an intercept (R's `~x - 1`): g = 1 + x λ meets the total of x alone.
    /// let targets = CalibrationTargets::new().numeric(NumericAuxiliary::new(vec![2.0, 3.0], 10.0)?);
    /// let (weights, _) = targets.calibrate_weights(&[1.0, 1.0], &CalibrationOptions::default())?;
    /// assert!((2.0 * weights[0] + 3.0 * weights[1] - 10.0).abs() < 1e-12);
    /// assert!(weights[1] / weights[0] > 1.0); // the larger x gains more
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn numeric(mut self, auxiliary: NumericAuxiliary) -> Self {
        self.numeric.push(auxiliary);
        self
    }

    /// Calibrates one weight vector: the reusable core of [`SampleDesign::calibrate_to`] (apply
    /// it to each replicate weight column of a replicate design). Returns the new weights and
    /// the report.
    ///
    /// Linear calibration without bounds is R's closed form (`regcalibrate`): one pass to form
    /// `X'WX`, a small solve, one pass to apply. Otherwise Newton iterations as R's `grake`, one
    /// pass each, halving a step that makes a g-weight infinite or NaN.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{CalibrationFunction, CalibrationMargin, CalibrationOptions, CalibrationTargets, Error};
    ///
    /// let targets = CalibrationTargets::new().margin(CalibrationMargin::new(vec![0, 0, 1, 1], vec![30.0, 10.0])?);
    /// let (weights, _) = targets.calibrate_weights(&[10.0; 4], &CalibrationOptions::default())?;
    /// assert!(weights.iter().zip([15.0, 15.0, 5.0, 5.0]).all(|(w, e)| (w - e).abs() < 1e-12));
    /// // Bounds of (0.8, 1.25) on the g-weights cannot reach g = 1.5 and 0.5.
    /// let tight = CalibrationOptions::bounded(CalibrationFunction::Raking, 0.8, 1.25);
    /// let err = targets.calibrate_weights(&[10.0; 4], &tight).unwrap_err();
    /// assert!(matches!(err, Error::CalibrationFailed { .. }));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// - [`Error::TooFewValues`] with nothing to calibrate to; [`Error::LengthMismatch`] unless
    ///   every auxiliary has one value per weight; [`Error::InvalidWeight`] for a weight that is
    ///   negative, NaN or infinite.
    /// - [`Error::InvalidParameter`] for options out of range (bounds not around 1, logit without
    ///   finite bounds, a tolerance that is not positive) or a population size that is negative
    ///   or not finite; [`Error::CountTooLarge`] for more than [`MAX_CALIBRATION_ITERATIONS`];
    ///   [`Error::TooLarge`] for more than [`MAX_CALIBRATION_COLUMNS`] columns, or when the
    ///   iterations allowed times each one's cost (respondents times auxiliaries, plus the
    ///   solve) pass 2^30 operations (a few seconds if every iteration runs: R's 50 iterations
    ///   fit for 5 million respondents with one numeric auxiliary; allow fewer for more).
    /// - [`Error::InconsistentMargins`] when margins (or a margin and the population size)
    ///   describe populations of different sizes; [`Error::EmptyCalibrationCell`] for a category
    ///   with a population total but no sample weight, or the reverse.
    /// - [`Error::CollinearAuxiliaries`] when the auxiliaries are linearly dependent on the
    ///   sample (including a numeric auxiliary that is zero for everyone with a weight).
    /// - [`Error::CalibrationFailed`] when the iterations end without meeting the totals (R:
    ///   "Failed to converge"), typically bounds too tight. Where R's Newton steps stop short,
    ///   a damped Newton method continues first (see [`CalibrationReport::damped`]).
    /// - [`Error::Undefined`] when the calibrated weights would be negative (linear calibration
    ///   without a lower bound of 0 or more) or overflow.
    pub fn calibrate_weights(
        &self,
        weights: &[f64],
        options: &CalibrationOptions,
    ) -> Result<(Vec<f64>, CalibrationReport)> {
        let calibrated = self.run(weights, options)?;
        Ok((calibrated.weights, calibrated.report))
    }

    /// A description of column `column` for error messages.
    fn describe(&self, column: Column) -> String {
        let names = self.names.as_ref();
        match column {
            Column::Intercept => "the population size".to_string(),
            Column::Category { margin, category } => {
                match names.and_then(|n| n.margins.get(margin)) {
                    Some((name, labels)) => format!(
                        "the total of {name} = {}",
                        labels
                            .get(category)
                            .cloned()
                            .unwrap_or_else(|| category.to_string())
                    ),
                    None => format!("the total of category {category} of margin {margin}"),
                }
            }
            Column::Numeric { index } => match names.and_then(|n| n.numeric.get(index)) {
                Some(name) => format!("the total of {name}"),
                None => format!("the total of numeric auxiliary {index}"),
            },
        }
    }

    /// The design matrix and the population total of each column, for `weights`.
    fn design_matrix(&self, weights: &[f64]) -> Result<(AuxMatrix, Vec<f64>)> {
        let n = weights.len();
        let check = |name: &'static str, len: usize| {
            if len == n {
                Ok(())
            } else {
                Err(Error::LengthMismatch {
                    name,
                    expected: n,
                    len,
                    per: "respondent",
                })
            }
        };
        for margin in &self.margins {
            check("margin categories", margin.categories().len())?;
        }
        for auxiliary in &self.numeric {
            check("numeric auxiliary", auxiliary.values.len())?;
        }
        if let Some((record, &value)) = weights
            .iter()
            .enumerate()
            .find(|(_, w)| !(w.is_finite() && **w >= 0.0))
        {
            return Err(Error::InvalidWeight {
                value,
                record: Some(record),
            });
        }
        // The population size: given, or the first margin's; every margin must agree with it.
        let size = match (self.population_size, self.margins.first()) {
            (Some(size), _) => {
                if !(size.is_finite() && size >= 0.0) {
                    return Err(Error::InvalidParameter {
                        name: "population size",
                        value: size,
                        requirement: "must be finite and non-negative",
                    });
                }
                Some(size)
            }
            (None, Some(first)) => Some(first.total()),
            (None, None) => None,
        };
        if let Some(size) = size {
            for (index, margin) in self.margins.iter().enumerate() {
                let total = margin.total();
                if (total - size).abs() > 1e-9 * total.abs().max(size.abs()) {
                    return Err(Error::InconsistentMargins {
                        margin: index,
                        total,
                        first: size,
                    });
                }
            }
        }
        let mut columns = Vec::new();
        let mut population = Vec::new();
        if let Some(size) = size {
            columns.push(Column::Intercept);
            population.push(size);
        }
        // The joint cells of the margins, each cell's weight and the category of each margin.
        let m = self.margins.len();
        let (joint, cells) = joint_cells(n, &self.margins);
        let mut base = vec![0.0; cells];
        let mut first = Vec::with_capacity(cells);
        for (k, (&j, &w)) in joint.iter().zip(weights).enumerate() {
            if j as usize == first.len() {
                first.push(k);
            }
            if let Some(b) = base.get_mut(j as usize) {
                *b += w;
            }
        }
        let mut cell_columns = vec![NONE; cells * m];
        for (index, margin) in self.margins.iter().enumerate() {
            let totals = margin.totals();
            let category_of = |c: usize| {
                first
                    .get(c)
                    .and_then(|&k| margin.categories().get(k))
                    .copied()
                    .unwrap_or(0)
            };
            let mut sample = vec![0.0; totals.len()];
            for (c, &b) in base.iter().enumerate() {
                if let Some(s) = sample.get_mut(category_of(c)) {
                    *s += b;
                }
            }
            // Categories empty on both sides drop out (R drops their columns); the first
            // category left is the reference, covered by the intercept.
            let mut column_of = vec![NONE; totals.len()];
            let mut reference = true;
            for (category, (&s, &t)) in sample.iter().zip(totals).enumerate() {
                match (s > 0.0, t > 0.0) {
                    (false, false) => {}
                    (true, true) if reference => reference = false,
                    (true, true) => {
                        if columns.len() >= MAX_CALIBRATION_COLUMNS {
                            return Err(too_many_columns(columns.len() + 1));
                        }
                        column_of[category] = columns.len() as u32;
                        columns.push(Column::Category {
                            margin: index,
                            category,
                        });
                        population.push(t);
                    }
                    _ => {
                        return Err(Error::EmptyCalibrationCell {
                            margin: index,
                            category,
                            sample: s,
                            population: t,
                        });
                    }
                }
            }
            for c in 0..cells {
                if let Some(slot) = cell_columns.get_mut(c * m + index) {
                    *slot = column_of.get(category_of(c)).copied().unwrap_or(NONE);
                }
            }
        }
        let numeric_start = columns.len();
        let mut numeric = Vec::with_capacity(self.numeric.len());
        for (index, auxiliary) in self.numeric.iter().enumerate() {
            // A variable zero for everyone with a weight and in the population drops out (R
            // drops such columns); zero in the sample only is left to the collinearity check.
            let empty = auxiliary
                .values
                .iter()
                .zip(weights)
                .all(|(&v, &w)| v == 0.0 || w == 0.0);
            if empty && auxiliary.total == 0.0 {
                continue;
            }
            if columns.len() >= MAX_CALIBRATION_COLUMNS {
                return Err(too_many_columns(columns.len() + 1));
            }
            columns.push(Column::Numeric { index });
            population.push(auxiliary.total);
            numeric.push(Arc::clone(&auxiliary.values));
        }
        if columns.is_empty() {
            return Err(Error::TooFewValues {
                name: "calibration totals",
                len: 0,
                min: 1,
            });
        }
        // The reference categories point past the last column.
        let reference = columns.len() as u32;
        cell_columns
            .iter_mut()
            .filter(|c| **c == NONE)
            .for_each(|c| *c = reference);
        Ok((
            AuxMatrix {
                intercept: size.is_some(),
                joint,
                cells,
                margins: m,
                cell_columns,
                numeric,
                numeric_start,
                columns,
            },
            population,
        ))
    }

    /// Calibrates `weights`.
    fn run(&self, weights: &[f64], options: &CalibrationOptions) -> Result<Calibrated> {
        options.check()?;
        let (aux, population) = self.design_matrix(weights)?;
        let p = aux.width();
        let work = aux
            .work_per_pass(weights.len())
            .saturating_mul(if options.closed_form() {
                2
            } else {
                options.max_iterations.max(1) as u64
            });
        if work > CALIBRATION_WORK {
            return Err(Error::TooLarge {
                what: "the calibration's work (iterations x (respondents x auxiliaries + columns^3))",
                size: work,
                max: CALIBRATION_WORK,
                hint: "allow fewer iterations, or calibrate to fewer auxiliaries or categories",
            });
        }
        let distance = Distance::new(options);
        // The coefficients, with a last 0 for the reference categories.
        let mut eta = vec![0.0; p + 1];
        let mut g = vec![1.0; weights.len()];
        let (mut t, mut totals) = (vec![0.0; p * p], vec![0.0; p]);
        // The first pass, at g = 1: X'WX (the variance's too) and the sample totals.
        pass(&aux, weights, &eta, &distance, &mut g, &mut t, &mut totals);
        if t.iter().chain(&totals).any(|v| !v.is_finite()) {
            return Err(overflow());
        }
        let factor = Cholesky::new(&t, p).map_err(|j| Error::CollinearAuxiliaries {
            auxiliary: self.describe(aux.columns.get(j).copied().unwrap_or(Column::Intercept)),
        })?;
        let unweighted_cross = t.clone();
        let mut damped = false;
        let misfit_of = |totals: &[f64]| -> Vec<f64> {
            population
                .iter()
                .zip(totals)
                .map(|(pop, s)| (pop - s).abs() / (1.0 + pop.abs()))
                .collect()
        };
        let mut iterations = 1;
        if options.closed_form() {
            let difference: Vec<f64> = population.iter().zip(&totals).map(|(a, b)| a - b).collect();
            eta = factor.solve(&difference);
            eta.push(0.0);
            let mut discard = Vec::new();
            pass(
                &aux,
                weights,
                &eta,
                &distance,
                &mut g,
                &mut discard,
                &mut totals,
            );
        } else {
            // The first step solves with the factor of the first pass (`T = X'WX`, checked
            // above). Later ones use R's `ginv` (the pseudo-inverse, which drops the directions
            // of records held at their bounds: with them `T` is singular or nearly so); past
            // [`PSEUDO_INVERSE_COLUMNS`] columns, a Cholesky factor when `T` has one.
            let mut current: Option<Cholesky> = None;
            let mut first = true;
            loop {
                let difference: Vec<f64> =
                    population.iter().zip(&totals).map(|(a, b)| a - b).collect();
                let mut step = match (first, &current) {
                    (true, _) => factor.solve(&difference),
                    (false, Some(f)) => f.solve(&difference),
                    (false, None) => pseudo_solve(&t, p, &difference),
                };
                eta.iter_mut().zip(&step).for_each(|(e, d)| *e += d);
                let mut finite = pass(&aux, weights, &eta, &distance, &mut g, &mut t, &mut totals);
                while iterations < options.max_iterations && !finite {
                    iterations += 1;
                    step.iter_mut().for_each(|d| *d /= 2.0);
                    eta.iter_mut().zip(&step).for_each(|(e, d)| *e -= d);
                    finite = pass(&aux, weights, &eta, &distance, &mut g, &mut t, &mut totals);
                }
                let misfit = misfit_of(&totals);
                if misfit.iter().all(|&m| m < options.tolerance) {
                    break;
                }
                iterations += 1;
                if iterations > options.max_iterations {
                    let failure =
                        self.failure(&aux, &population, &totals, &misfit, options, iterations);
                    // R stops here. The damped method gets the work left within the bound,
                    // up to R's iterations (each of its passes costs about two of R's).
                    let per_pass = aux.work_per_pass(weights.len()).max(1);
                    let budget = (CALIBRATION_WORK.saturating_sub(work) / per_pass / 2)
                        .min(options.max_iterations as u64)
                        as usize;
                    let settled = settle(
                        &aux,
                        weights,
                        &population,
                        options,
                        &unweighted_cross,
                        budget,
                    );
                    let Some((settled_g, settled_totals, passes)) = settled else {
                        return Err(failure);
                    };
                    (g, totals, damped) = (settled_g, settled_totals, true);
                    iterations = options.max_iterations + passes;
                    break;
                }
                current = if p > PSEUDO_INVERSE_COLUMNS {
                    Cholesky::new(&t, p).ok()
                } else {
                    None
                };
                first = false;
            }
        }
        let largest_misfit = misfit_of(&totals).iter().fold(0.0_f64, |m, &v| m.max(v));
        if options.closed_form() && !largest_misfit.is_finite() {
            return Err(overflow());
        }
        // The g-weights become the new weights in place.
        let (mut min_ratio, mut max_ratio) = (f64::INFINITY, f64::NEG_INFINITY);
        let mut finite = true;
        for (&w, gk) in weights.iter().zip(g.iter_mut()) {
            // A g-weight of zero reached with rounding error (totals of zero) is zero.
            if *gk < 0.0 && *gk > -64.0 * f64::EPSILON {
                *gk = 0.0;
            }
            if w != 0.0 {
                min_ratio = min_ratio.min(*gk);
                max_ratio = max_ratio.max(*gk);
            }
            *gk *= w;
            finite &= gk.is_finite();
        }
        let new_weights = g;
        if min_ratio < 0.0 {
            return Err(Error::Undefined {
                what: "calibrated weights",
                reason: "some would be negative: set a lower bound of 0 or more on the g-weights \
                         (CalibrationOptions::bounds) or calibrate by raking",
            });
        }
        if !finite {
            return Err(overflow());
        }
        check_weights(&new_weights)?;
        if min_ratio > max_ratio {
            (min_ratio, max_ratio) = (1.0, 1.0);
        }
        Ok(Calibrated {
            weights: new_weights,
            report: CalibrationReport {
                iterations,
                largest_misfit,
                min_ratio,
                max_ratio,
                damped,
            },
            aux: Arc::new(aux),
            factor: Arc::new(factor),
        })
    }

    /// The error for iterations that ended before meeting the totals.
    fn failure(
        &self,
        aux: &AuxMatrix,
        population: &[f64],
        totals: &[f64],
        misfit: &[f64],
        options: &CalibrationOptions,
        iterations: usize,
    ) -> Error {
        // The worst total (NaN first: it compares as the largest).
        let worst = misfit
            .iter()
            .enumerate()
            .fold(None, |best: Option<(usize, f64)>, (j, &m)| match best {
                Some((_, b)) if !(m > b || m.is_nan()) || b.is_nan() => best,
                _ => Some((j, m)),
            })
            .map_or(0, |(j, _)| j);
        Error::CalibrationFailed {
            function: options.function.name(),
            iterations: iterations.min(options.max_iterations),
            auxiliary: self.describe(aux.columns.get(worst).copied().unwrap_or(Column::Intercept)),
            target: population.get(worst).copied().unwrap_or(f64::NAN),
            achieved: totals.get(worst).copied().unwrap_or(f64::NAN),
            misfit: misfit.get(worst).copied().unwrap_or(f64::NAN),
            unmet: misfit
                .iter()
                .filter(|&&m| m >= options.tolerance || m.is_nan())
                .count(),
        }
    }
}

fn too_many_columns(columns: usize) -> Error {
    Error::TooLarge {
        what: "the calibration's columns (intercept, categories but one per margin, numeric \
               auxiliaries)",
        size: columns as u64,
        max: MAX_CALIBRATION_COLUMNS as u64,
        hint: "post-stratify on variables with many categories, or merge categories",
    }
}

fn overflow() -> Error {
    Error::Undefined {
        what: "calibrated weights",
        reason: "the auxiliaries, weights or totals are so large that the calibration overflows \
                 a double; rescale them",
    }
}

impl SampleDesign {
    /// Calibrates the weights to population totals of categorical and numeric auxiliaries, as
    /// R's `calibrate(design, formula, population, calfun = , bounds = )`: the new weights
    /// `w g` meet every total, with g-weights `g = F(x'λ)` of the chosen distance
    /// ([`CalibrationFunction`]) within the bounds. Later variances use residuals of the
    /// linearised values from their weighted regression on the auxiliaries, as R's `svyrecvar`
    /// does for calibrated designs (Deville & Särndal 1992; Lumley 2010, 7.4).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{CalibrationFunction, CalibrationMargin, CalibrationOptions, CalibrationTargets, NumericAuxiliary, SampleDesign};
    ///
    /// let design = SampleDesign::new(vec![20.0; 8])?;
    /// let y = [3.0, 4.0, 5.0, 2.0, 6.0, 7.0, 5.0, 4.0];
    /// let x = [1.0, 2.0, 2.0, 1.0, 3.0, 4.0, 2.0, 2.0];
    /// let targets = CalibrationTargets::new()
    ///     .margin(CalibrationMargin::new(vec![0, 0, 0, 0, 1, 1, 1, 1], vec![90.0, 70.0])?)
    ///     .numeric(NumericAuxiliary::new(x.to_vec(), 330.0)?);
    /// let options = CalibrationOptions::bounded(CalibrationFunction::Raking, 0.5, 2.0);
    /// let (calibrated, report) = design.calibrate_to(&targets, &options)?;
    /// assert!(report.largest_misfit < 1e-7);
    /// let x_total: f64 = calibrated.weights().iter().zip(x).map(|(w, x)| w * x).sum();
    /// assert!((x_total - 330.0).abs() < 1e-4);
    /// // The auxiliary itself is estimated without error once calibrated to it.
    /// assert!(calibrated.total(&x)?.std_error < 1e-6);
    /// assert!(calibrated.mean(&y)?.std_error < design.mean(&y)?.std_error);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`CalibrationTargets::calibrate_weights`]; [`Error::LengthMismatch`] names an
    /// auxiliary that does not have one value per respondent.
    pub fn calibrate_to(
        &self,
        targets: &CalibrationTargets,
        options: &CalibrationOptions,
    ) -> Result<(SampleDesign, CalibrationReport)> {
        let calibrated = targets.run(&self.weights, options)?;
        let mut design = self.clone();
        let new_weights = calibrated.weights.clone();
        // A replicate design calibrates every replicate to the same totals (R's `calibrate` on an
        // `svrepdesign`), each from its own weights.
        if let Some(replicates) = self.replicates() {
            let mut stepped = replicates.reweighted(&self.weights, &new_weights, |w| {
                targets.calibrate_weights(w, options).map(|(w, _)| w)
            })?;
            // R's `calibrate` keeps the design's degrees of freedom (its `post_stratify` and
            // `rake` recompute them): the calibration's non-linearity would otherwise lift the
            // rank above the design's (a jackknife's replicates average to the full sample
            // within each stratum, which a raking no longer preserves exactly). Domains still
            // take the rank of their rows, as R's subsets do.
            stepped.degrees = replicates.degrees;
            design.replicates = Some(std::sync::Arc::new(stepped));
        }
        let old_weights = std::mem::replace(&mut design.weights, calibrated.weights);
        design.calibrations.push(Calibration::Regression {
            aux: calibrated.aux,
            old_weights,
            new_weights,
            factor: calibrated.factor,
        });
        Ok((design, calibrated.report))
    }
}

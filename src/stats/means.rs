//! Means of rating and numeric answers: the estimate with its standard deviation, standard error
//! and t interval, unweighted or weighted (on the Kish effective base); differences between two
//! groups' means (Welch or pooled t); and one omnibus test across groups (Welch's or the classic
//! one-way ANOVA). Student's t and the F distribution are public for callers that need them.
//!
//! Weighted means follow statsmodels' `DescrStatsW` with the weights rescaled to sum to the Kish
//! effective base `n_eff = (sum w)^2 / sum w^2`: the standard error is
//! `sqrt(sum w (x - mean)^2 / sum w / (n_eff - 1))` and the t interval has `n_eff - 1` degrees of
//! freedom. Unweighted, that is the usual `s / sqrt(n)` on `n - 1`.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::stats::alternative::Alternative;
use crate::stats::interval::Interval;
use crate::stats::level::ConfidenceLevel;
use crate::stats::names::method_names;
use crate::stats::numerics::normal;
use crate::stats::numerics::student_f::{f_sf, t_two_sided_p, t_upper_quantile};

/// Student's t distribution on `df` degrees of freedom (`f64::INFINITY`: the standard normal).
///
/// Tails come from the regularized incomplete beta function with relative precision far into
/// them, and quantiles from a safeguarded search on it (statrs's `StudentsT::inverse_cdf` is
/// inaccurate and can fail to return at large degrees of freedom).
///
/// # Examples
///
/// ```
/// use survey_analytics::StudentT;
/// let t = StudentT::new(10.0)?;
/// assert!((t.two_sided_p(2.228_138_851_986_274) - 0.05).abs() < 1e-12);
/// assert!((t.quantile(0.975)? - 2.228_138_851_986_274).abs() < 1e-12);
/// assert_eq!(t.cdf(0.0), 0.5);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StudentT {
    df: f64,
}

impl StudentT {
    /// The distribution on `df` degrees of freedom.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::StudentT;
    /// assert_eq!(StudentT::new(4.5)?.degrees_of_freedom(), 4.5);
    /// assert!(StudentT::new(0.0).is_err() && StudentT::new(f64::NAN).is_err());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::NotPositive`] unless `df > 0` (infinity allowed).
    pub fn new(df: f64) -> Result<Self> {
        if df.is_nan() || df <= 0.0 {
            return Err(Error::NotPositive {
                name: "degrees of freedom",
                value: df,
            });
        }
        Ok(Self { df })
    }

    /// The degrees of freedom.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(survey_analytics::StudentT::new(3.0)?.degrees_of_freedom(), 3.0);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn degrees_of_freedom(self) -> f64 {
        self.df
    }

    /// `P(|T| > |t|)`; 1 at `t = 0`, NaN for a NaN `t`.
    ///
    /// # Examples
    ///
    /// ```
    /// let t = survey_analytics::StudentT::new(1.0)?; // Cauchy: P(|T| > 1) = 1/2
    /// assert!((t.two_sided_p(1.0) - 0.5).abs() < 1e-15);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn two_sided_p(self, t: f64) -> f64 {
        if self.df.is_infinite() {
            return normal::two_sided_p(t);
        }
        t_two_sided_p(t, self.df)
    }

    /// `P(T > t)`, NaN for a NaN `t`.
    ///
    /// # Examples
    ///
    /// ```
    /// let t = survey_analytics::StudentT::new(5.0)?;
    /// assert!((t.sf(2.015_048_373_333_023) - 0.05).abs() < 1e-13);
    /// assert!((t.sf(-1.0) + t.sf(1.0) - 1.0).abs() < 1e-15);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn sf(self, t: f64) -> f64 {
        if self.df.is_infinite() {
            return normal::sf(t);
        }
        let half = 0.5 * self.two_sided_p(t);
        if t >= 0.0 { half } else { 1.0 - half }
    }

    /// `P(T <= t)`, NaN for a NaN `t`.
    ///
    /// # Examples
    ///
    /// ```
    /// let t = survey_analytics::StudentT::new(5.0)?;
    /// assert!((t.cdf(-2.015_048_373_333_023) - 0.05).abs() < 1e-13);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn cdf(self, t: f64) -> f64 {
        if t.is_nan() {
            return f64::NAN;
        }
        self.sf(-t)
    }

    /// The `t` with `P(T <= t) = p`: minus infinity at 0, infinity at 1.
    ///
    /// # Examples
    ///
    /// ```
    /// let t = survey_analytics::StudentT::new(30.0)?;
    /// assert!((t.quantile(0.025)? + 2.042_272_456_301_238).abs() < 1e-12);
    /// assert!(t.quantile(1.5).is_err());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] unless `0 <= p <= 1`.
    pub fn quantile(self, p: f64) -> Result<f64> {
        if !(0.0..=1.0).contains(&p) {
            return Err(Error::InvalidParameter {
                name: "probability",
                value: p,
                requirement: "must be in [0, 1]",
            });
        }
        Ok(match p {
            0.0 => f64::NEG_INFINITY,
            1.0 => f64::INFINITY,
            _ if self.df.is_infinite() => -normal::upper_quantile(p),
            _ if p > 0.5 => t_upper_quantile(1.0 - p, self.df),
            _ => -t_upper_quantile(p, self.df),
        })
    }

    /// The `t` with `P(T > t) = q`, precise for small `q` (where `1 - q` would round).
    fn upper_quantile(self, q: f64) -> f64 {
        if self.df.is_infinite() {
            normal::upper_quantile(q)
        } else {
            t_upper_quantile(q, self.df)
        }
    }
}

/// The F distribution on `(d1, d2)` degrees of freedom.
///
/// # Examples
///
/// ```
/// use survey_analytics::FisherF;
/// let f = FisherF::new(2.0, 20.0)?;
/// assert!((f.sf(3.492_828_476_735_632) - 0.05).abs() < 1e-13);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FisherF {
    d1: f64,
    d2: f64,
}

impl FisherF {
    /// The distribution on `(d1, d2)` degrees of freedom.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::FisherF;
    /// assert!(FisherF::new(1.0, 0.0).is_err());
    /// assert_eq!(FisherF::new(3.0, 7.5)?.degrees_of_freedom(), (3.0, 7.5));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::NotPositive`] unless both are positive and finite.
    pub fn new(d1: f64, d2: f64) -> Result<Self> {
        for (name, value) in [
            ("numerator degrees of freedom", d1),
            ("denominator degrees of freedom", d2),
        ] {
            if !(value > 0.0 && value.is_finite()) {
                return Err(Error::NotPositive { name, value });
            }
        }
        Ok(Self { d1, d2 })
    }

    /// The degrees of freedom `(d1, d2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(survey_analytics::FisherF::new(1.0, 2.0)?.degrees_of_freedom(), (1.0, 2.0));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn degrees_of_freedom(self) -> (f64, f64) {
        (self.d1, self.d2)
    }

    /// `P(F > f)`: 1 for `f <= 0`, NaN for a NaN `f`.
    ///
    /// # Examples
    ///
    /// ```
    /// let f = survey_analytics::FisherF::new(1.0, 10.0)?;
    /// // F(1, d) is the square of t(d).
    /// let t = survey_analytics::StudentT::new(10.0)?;
    /// assert!((f.sf(4.0) - t.two_sided_p(2.0)).abs() < 1e-15);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn sf(self, f: f64) -> f64 {
        f_sf(f, self.d1, self.d2)
    }

    /// `P(F <= f)`.
    ///
    /// # Examples
    ///
    /// ```
    /// let f = survey_analytics::FisherF::new(4.0, 9.0)?;
    /// assert!((f.cdf(1.5) + f.sf(1.5) - 1.0).abs() < 1e-15);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn cdf(self, f: f64) -> f64 {
        1.0 - self.sf(f)
    }
}

/// A mean with its spread and precision: unweighted (NaN values are missing answers, counted),
/// weighted on the Kish effective base, or from summary statistics.
///
/// # Examples
///
/// ```
/// use survey_analytics::{ConfidenceLevel, MeanEstimate};
/// // Ratings 1-5 from eight respondents; one did not answer.
/// let m = MeanEstimate::new(&[4.0, 5.0, 3.0, 4.0, f64::NAN, 2.0, 5.0, 4.0])?;
/// assert_eq!((m.count, m.missing), (7, 1));
/// assert!((m.mean - 27.0 / 7.0).abs() < 1e-15);
/// let ci = m.interval(ConfidenceLevel::NINETY_FIVE);
/// assert!(ci.lower < m.mean && m.mean < ci.upper);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MeanEstimate {
    /// The (weighted) mean.
    pub mean: f64,
    /// The standard deviation (n - 1 in the denominator; `n_eff - 1` when weighted).
    pub std_dev: f64,
    /// The standard error of the mean, `std_dev / sqrt(n)` (`n_eff` when weighted).
    pub std_error: f64,
    /// Degrees of freedom of its t interval and tests: `n - 1` (`n_eff - 1` when weighted).
    pub degrees_of_freedom: f64,
    /// Values that entered (with a positive weight, when weighted).
    pub count: u64,
    /// Missing values (NaN), not in the mean.
    pub missing: u64,
    /// The sum of the weights (the count, unweighted).
    pub weight_sum: f64,
    /// The Kish effective base `(sum w)^2 / sum w^2` (the count, unweighted).
    pub effective_base: f64,
}

/// The mean of all `values`, weighted or not.
fn summarise(values: &[f64], weights: Option<&[f64]>) -> Result<MeanEstimate> {
    let all = grouped_means(values, |_| Some(0), weights, 1)?;
    all.into_iter().flatten().next().ok_or(Error::TooFewValues {
        name: "values with an answer (an effective base above 1 when weighted)",
        len: values.iter().filter(|x| !x.is_nan()).count(),
        min: 2,
    })
}

/// The means of `values` in each of `groups` groups (`group(k)`: respondent `k`'s, `None` for
/// none), in two passes over the respondents; `None` for a group with fewer than two values (or
/// an effective base of 1 or less). Missing values (NaN) are counted in their group.
///
/// # Errors
///
/// As [`MeanEstimate::weighted`], for the first invalid value or weight of a grouped respondent.
pub(crate) fn grouped_means(
    values: &[f64],
    group: impl Fn(usize) -> Option<usize> + Sync,
    weights: Option<&[f64]>,
    groups: usize,
) -> Result<Vec<Option<MeanEstimate>>> {
    grouped_means_of(
        values.len(),
        |k| values.get(k).copied().unwrap_or(f64::NAN),
        group,
        weights,
        groups,
    )
}

/// [`grouped_means`] of `len` respondents' values `value(k)`, read in place.
pub(crate) fn grouped_means_of(
    len: usize,
    value: impl Fn(usize) -> f64 + Sync,
    group: impl Fn(usize) -> Option<usize> + Sync,
    weights: Option<&[f64]>,
    groups: usize,
) -> Result<Vec<Option<MeanEstimate>>> {
    /// Respondents per run: runs are summed side by side and merged in order, so the result is
    /// the same on any number of cores.
    const RUN: usize = 1 << 18;
    if let Some(weights) = weights
        && weights.len() != len
    {
        return Err(Error::LengthMismatch {
            name: "weights",
            expected: len,
            len: weights.len(),
            per: "value",
        });
    }
    #[derive(Clone, Copy, Default)]
    struct Sums {
        count: u64,
        missing: u64,
        w: f64,
        w2: f64,
        wx: f64,
        squares: f64,
    }
    let weight = |k: usize| weights.map_or(1.0, |w| w.get(k).copied().unwrap_or(0.0));
    // Weights are scaled by a power of two near the largest (exactly), so that their squares
    // neither overflow nor vanish.
    let largest = weights.map_or(1.0, |w| {
        w.iter()
            .copied()
            .filter(|w| w.is_finite())
            .fold(0.0_f64, f64::max)
    });
    let scale = if largest > 0.0 {
        2f64.powi((-(largest.log2().floor() as i32)).clamp(-1000, 1000))
    } else {
        1.0
    };
    let runs: Vec<(usize, usize)> = (0..len)
        .step_by(RUN)
        .map(|start| (start, (start + RUN).min(len)))
        .collect();
    // Pass 1: counts and weighted sums per group, checking each grouped respondent.
    let partials = crate::parallel::map(&runs, |&(from, to)| -> Result<Vec<Sums>> {
        let mut sums = vec![Sums::default(); groups];
        for record in from..to {
            let Some(s) = group(record).and_then(|g| sums.get_mut(g)) else {
                continue;
            };
            let w = weight(record);
            if !(w.is_finite() && w >= 0.0) {
                return Err(Error::InvalidWeight {
                    value: w,
                    record: Some(record),
                });
            }
            let x = value(record);
            if x.is_infinite() {
                return Err(Error::InvalidValue {
                    name: "values",
                    record,
                    value: x,
                });
            }
            if x.is_nan() {
                s.missing += 1;
                continue;
            }
            let w = w * scale;
            if w == 0.0 {
                continue;
            }
            s.count += 1;
            s.w += w;
            s.w2 += w * w;
            s.wx += w * x;
        }
        Ok(sums)
    });
    let mut sums = vec![Sums::default(); groups];
    for partial in partials {
        for (s, p) in sums.iter_mut().zip(partial?) {
            s.count += p.count;
            s.missing += p.missing;
            s.w += p.w;
            s.w2 += p.w2;
            s.wx += p.wx;
        }
    }
    let means: Vec<f64> = sums.iter().map(|s| s.wx / s.w).collect();
    // Pass 2: squared deviations about the means.
    let partials = crate::parallel::map(&runs, |&(from, to)| {
        let mut squares = vec![0.0_f64; groups];
        for record in from..to {
            let Some(g) = group(record).filter(|&g| g < groups) else {
                continue;
            };
            let x = value(record);
            if x.is_nan() {
                continue;
            }
            let d = x - means[g];
            squares[g] += weight(record) * scale * d * d;
        }
        squares
    });
    for partial in partials {
        for (s, p) in sums.iter_mut().zip(partial) {
            s.squares += p;
        }
    }
    let mut out = Vec::with_capacity(groups);
    for (s, &mean) in sums.iter().zip(&means) {
        let effective_base = if s.w2 > 0.0 { s.w * s.w / s.w2 } else { 0.0 };
        if s.count < 2 || effective_base <= 1.0 {
            out.push(None);
            continue;
        }
        let variance = s.squares / s.w;
        let std_error = (variance / (effective_base - 1.0)).sqrt();
        let std_dev = (variance * effective_base / (effective_base - 1.0)).sqrt();
        if !(mean.is_finite() && std_error.is_finite() && std_dev.is_finite()) {
            return Err(Error::Undefined {
                what: "mean",
                reason: "the values are so large that their squares overflow a double; rescale them",
            });
        }
        out.push(Some(MeanEstimate {
            mean,
            std_dev,
            std_error,
            degrees_of_freedom: effective_base - 1.0,
            count: s.count,
            missing: s.missing,
            weight_sum: s.w / scale,
            effective_base,
        }));
    }
    Ok(out)
}

impl MeanEstimate {
    /// The mean of `values` (NaN marks a missing answer: counted in [`MeanEstimate::missing`],
    /// not in the mean).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Error, MeanEstimate};
    /// let m = MeanEstimate::new(&[1.0, 2.0, 3.0, 4.0])?;
    /// assert_eq!(m.mean, 2.5);
    /// assert!((m.std_dev - (5.0_f64 / 3.0).sqrt()).abs() < 1e-15);
    /// assert!(matches!(MeanEstimate::new(&[1.0, f64::INFINITY]), Err(Error::InvalidValue { record: 1, .. })));
    /// assert!(matches!(MeanEstimate::new(&[1.0, f64::NAN]), Err(Error::TooFewValues { .. })));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] for an infinite value, naming its record;
    /// [`Error::TooFewValues`] with fewer than two values; [`Error::Undefined`] when the squared
    /// deviations overflow.
    pub fn new(values: &[f64]) -> Result<Self> {
        summarise(values, None)
    }

    /// The weighted mean of `values`, with a standard error on the Kish effective base (values
    /// with a zero weight do not enter; NaN values are missing answers).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::MeanEstimate;
    /// let m = MeanEstimate::weighted(&[4.0, 2.0, 5.0, 3.0], &[1.0, 3.0, 1.0, 1.0])?;
    /// assert_eq!(m.mean, 3.0);
    /// assert!((m.effective_base - 36.0 / 12.0).abs() < 1e-15);
    /// assert_eq!(m.degrees_of_freedom, m.effective_base - 1.0);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::LengthMismatch`] unless there is one weight per value; [`Error::InvalidWeight`]
    /// for a negative, NaN or infinite weight (naming its record); [`Error::TooFewValues`] when
    /// the effective base is 1 or less; as [`MeanEstimate::new`].
    pub fn weighted(values: &[f64], weights: &[f64]) -> Result<Self> {
        summarise(values, Some(weights))
    }

    /// A mean known from its summary: the mean, the standard deviation and the (effective) base.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::MeanEstimate;
    /// let m = MeanEstimate::from_summary(3.8, 1.1, 120.0)?;
    /// assert!((m.std_error - 1.1 / 120.0_f64.sqrt()).abs() < 1e-15);
    /// assert!(MeanEstimate::from_summary(3.8, -1.0, 120.0).is_err());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] for a mean that is not finite or a standard deviation that is
    /// negative or not finite; [`Error::TooFewValues`] for a base of 1 or less.
    pub fn from_summary(mean: f64, std_dev: f64, base: f64) -> Result<Self> {
        if !mean.is_finite() {
            return Err(Error::InvalidParameter {
                name: "mean",
                value: mean,
                requirement: "must be finite",
            });
        }
        if !(std_dev.is_finite() && std_dev >= 0.0) {
            return Err(Error::InvalidParameter {
                name: "standard deviation",
                value: std_dev,
                requirement: "must be finite and not negative",
            });
        }
        if !(base > 1.0 && base.is_finite()) {
            return Err(Error::TooFewValues {
                name: "base (above 1)",
                len: if base.is_finite() && base > 0.0 {
                    base as usize
                } else {
                    0
                },
                min: 2,
            });
        }
        Ok(Self {
            mean,
            std_dev,
            std_error: std_dev / base.sqrt(),
            degrees_of_freedom: base - 1.0,
            count: base.ceil() as u64,
            missing: 0,
            weight_sum: base,
            effective_base: base,
        })
    }

    /// The t interval `mean ± t * std_error` on the estimate's degrees of freedom.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{ConfidenceLevel, MeanEstimate};
    /// let m = MeanEstimate::from_summary(10.0, 2.0, 16.0)?; // t(15, 0.975) = 2.131
    /// let ci = m.interval(ConfidenceLevel::NINETY_FIVE);
    /// assert!((ci.upper - (10.0 + 2.131_449_545_559_776 * 0.5)).abs() < 1e-12);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn interval(&self, level: ConfidenceLevel) -> Interval {
        let t = t_critical(self.degrees_of_freedom, level);
        Interval {
            lower: self.mean - t * self.std_error,
            upper: self.mean + t * self.std_error,
        }
    }

    /// The one-sample t-test of the mean against `value`.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Alternative, MeanEstimate};
    /// let m = MeanEstimate::new(&[5.1, 4.9, 5.6, 5.8, 6.0, 5.3])?;
    /// let test = m.t_test(5.0, Alternative::Greater);
    /// assert!(test.statistic > 0.0 && test.p_value < 0.05);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn t_test(&self, value: f64, alternative: Alternative) -> TTest {
        t_test(
            self.mean - value,
            self.std_error,
            self.degrees_of_freedom,
            alternative,
        )
    }
}

/// The two-sided t critical value of `level` on `df` degrees of freedom.
fn t_critical(df: f64, level: ConfidenceLevel) -> f64 {
    let tail = 0.5 * (1.0 - level.value());
    StudentT { df }.upper_quantile(tail)
}

/// A t-test: the statistic, its degrees of freedom and the p-value.
///
/// # Examples
///
/// ```
/// use survey_analytics::{Alternative, MeanEstimate};
/// let test = MeanEstimate::from_summary(1.0, 2.0, 25.0)?.t_test(0.0, Alternative::TwoSided);
/// assert!((test.statistic - 2.5).abs() < 1e-15);
/// assert_eq!(test.degrees_of_freedom, 24.0);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TTest {
    /// The t statistic (infinite when the standard error is 0 and the difference is not).
    pub statistic: f64,
    /// Its degrees of freedom.
    pub degrees_of_freedom: f64,
    /// The p-value of the alternative tested.
    pub p_value: f64,
}

fn t_test(difference: f64, std_error: f64, df: f64, alternative: Alternative) -> TTest {
    let statistic = if std_error > 0.0 {
        difference / std_error
    } else if difference == 0.0 {
        0.0
    } else {
        difference.signum() * f64::INFINITY
    };
    let t = StudentT { df };
    let p_value = match alternative {
        Alternative::TwoSided => t.two_sided_p(statistic),
        Alternative::Greater => t.sf(statistic),
        Alternative::Less => t.cdf(statistic),
    };
    TTest {
        statistic,
        degrees_of_freedom: df,
        p_value: p_value.clamp(0.0, 1.0),
    }
}

/// How the two groups' variances enter a difference of means.
///
/// # Examples
///
/// ```
/// use survey_analytics::VarianceAssumption;
/// assert_eq!(VarianceAssumption::default(), VarianceAssumption::Welch);
/// assert_eq!("pooled".parse::<VarianceAssumption>()?, VarianceAssumption::Pooled);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VarianceAssumption {
    /// Each group its own variance, Welch-Satterthwaite degrees of freedom (scipy's
    /// `ttest_ind(equal_var=False)`).
    #[default]
    Welch,
    /// One pooled variance, `n1 + n2 - 2` degrees of freedom (`ttest_ind(equal_var=True)`).
    Pooled,
}

method_names!(VarianceAssumption, "variance assumption",
    Welch => "welch" | "unequal",
    Pooled => "pooled" | "equal",
);

/// The difference between two independent groups' means, `a - b`, with its interval and test.
///
/// # Examples
///
/// ```
/// use survey_analytics::{mean_difference, Alternative, ConfidenceLevel, MeanEstimate, VarianceAssumption};
/// let leaders = MeanEstimate::from_summary(4.1, 0.8, 130.0)?;
/// let contributors = MeanEstimate::from_summary(3.6, 1.0, 400.0)?;
/// let gap = mean_difference(&leaders, &contributors, VarianceAssumption::Welch, ConfidenceLevel::NINETY_FIVE, Alternative::TwoSided);
/// assert!((gap.estimate - 0.5).abs() < 1e-15 && gap.interval.lower > 0.0 && gap.test.p_value < 1e-6);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MeanDifference {
    /// `a.mean - b.mean`.
    pub estimate: f64,
    /// Its standard error.
    pub std_error: f64,
    /// Its t interval.
    pub interval: Interval,
    /// The t-test of no difference.
    pub test: TTest,
}

/// The difference of two independent groups' means, `a - b`: Welch's t (statsmodels'
/// `CompareMeans.ttest_ind(usevar="unequal")`, scipy's `ttest_ind(equal_var=False)`) or the pooled
/// t, on effective bases for weighted groups.
///
/// # Examples
///
/// ```
/// use survey_analytics::{mean_difference, Alternative, ConfidenceLevel, MeanEstimate, VarianceAssumption};
/// let a = MeanEstimate::new(&[3.0, 4.0, 5.0, 4.0, 5.0])?;
/// let b = MeanEstimate::new(&[2.0, 3.0, 3.0, 4.0, 2.0, 3.0])?;
/// let welch = mean_difference(&a, &b, VarianceAssumption::Welch, ConfidenceLevel::NINETY_FIVE, Alternative::TwoSided);
/// let pooled = mean_difference(&a, &b, VarianceAssumption::Pooled, ConfidenceLevel::NINETY_FIVE, Alternative::TwoSided);
/// assert_eq!(pooled.test.degrees_of_freedom, 9.0);
/// assert!(welch.test.degrees_of_freedom < 9.0);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
pub fn mean_difference(
    a: &MeanEstimate,
    b: &MeanEstimate,
    variance: VarianceAssumption,
    level: ConfidenceLevel,
    alternative: Alternative,
) -> MeanDifference {
    let estimate = a.mean - b.mean;
    let (std_error, df) = match variance {
        VarianceAssumption::Welch => {
            let (va, vb) = (a.std_error * a.std_error, b.std_error * b.std_error);
            let std_error = (va + vb).sqrt();
            let denominator = va * va / a.degrees_of_freedom + vb * vb / b.degrees_of_freedom;
            let df = if denominator > 0.0 {
                (va + vb) * (va + vb) / denominator
            } else {
                a.degrees_of_freedom + b.degrees_of_freedom
            };
            (std_error, df)
        }
        VarianceAssumption::Pooled => {
            let df = a.degrees_of_freedom + b.degrees_of_freedom;
            let pooled = (a.std_dev * a.std_dev * a.degrees_of_freedom
                + b.std_dev * b.std_dev * b.degrees_of_freedom)
                / df;
            let std_error = (pooled * (1.0 / a.effective_base + 1.0 / b.effective_base)).sqrt();
            (std_error, df)
        }
    };
    let t = t_critical(df, level);
    MeanDifference {
        estimate,
        std_error,
        interval: Interval {
            lower: estimate - t * std_error,
            upper: estimate + t * std_error,
        },
        test: t_test(estimate, std_error, df, alternative),
    }
}

/// An F test across groups: the statistic, its degrees of freedom and the p-value.
///
/// # Examples
///
/// ```
/// use survey_analytics::{means_anova, MeanEstimate, VarianceAssumption};
/// let groups = [
///     MeanEstimate::from_summary(3.2, 1.0, 50.0)?,
///     MeanEstimate::from_summary(3.9, 1.2, 60.0)?,
///     MeanEstimate::from_summary(3.4, 0.9, 40.0)?,
/// ];
/// let test = means_anova(&groups, VarianceAssumption::Welch)?;
/// assert_eq!(test.numerator_df, 2.0);
/// assert!(test.p_value < 0.01);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FTest {
    /// The F statistic.
    pub statistic: f64,
    /// Numerator degrees of freedom.
    pub numerator_df: f64,
    /// Denominator degrees of freedom.
    pub denominator_df: f64,
    /// `P(F > statistic)`.
    pub p_value: f64,
}

/// One test that all groups' means are equal: Welch's (1951) heteroscedastic F with its
/// correction, or the classic one-way ANOVA F with a pooled variance; as statsmodels'
/// `anova_generic(means, variances, nobs, use_var="unequal" | "equal", welch_correction=True)` on
/// the groups' means, variances and (effective) bases.
///
/// # Examples
///
/// ```
/// use survey_analytics::{means_anova, MeanEstimate, VarianceAssumption};
/// let same = [MeanEstimate::from_summary(3.0, 1.0, 30.0)?, MeanEstimate::from_summary(3.0, 2.0, 40.0)?];
/// assert!((means_anova(&same, VarianceAssumption::Pooled)?.p_value - 1.0).abs() < 1e-15);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::TooFewValues`] with fewer than two groups; [`Error::Undefined`] when a group's
/// variance is zero under Welch's test (its weight is infinite) or the statistic is not finite.
pub fn means_anova(groups: &[MeanEstimate], variance: VarianceAssumption) -> Result<FTest> {
    let k = groups.len();
    if k < 2 {
        return Err(Error::TooFewValues {
            name: "groups",
            len: k,
            min: 2,
        });
    }
    let kf = k as f64;
    let variances = |g: &MeanEstimate| g.std_dev * g.std_dev;
    let (statistic, denominator_df) = match variance {
        VarianceAssumption::Welch => {
            if groups.iter().any(|g| variances(g) <= 0.0) {
                return Err(Error::Undefined {
                    what: "Welch's test across groups",
                    reason: "a group's values are all equal (zero variance); use the pooled test",
                });
            }
            let weights: Vec<f64> = groups
                .iter()
                .map(|g| g.effective_base / variances(g))
                .collect();
            let total: f64 = weights.iter().sum();
            let centre: f64 = weights
                .iter()
                .zip(groups)
                .map(|(w, g)| w / total * g.mean)
                .sum();
            let spread: f64 = weights
                .iter()
                .zip(groups)
                .map(|(w, g)| w * (g.mean - centre) * (g.mean - centre))
                .sum::<f64>()
                / (kf - 1.0);
            let tmp: f64 = weights
                .iter()
                .zip(groups)
                .map(|(w, g)| (1.0 - w / total).powi(2) / g.degrees_of_freedom)
                .sum::<f64>()
                / (kf * kf - 1.0);
            (spread / (1.0 + 2.0 * (kf - 2.0) * tmp), 1.0 / (3.0 * tmp))
        }
        VarianceAssumption::Pooled => {
            let total: f64 = groups.iter().map(|g| g.effective_base).sum();
            let centre: f64 = groups
                .iter()
                .map(|g| g.effective_base / total * g.mean)
                .sum();
            let between: f64 = groups
                .iter()
                .map(|g| g.effective_base * (g.mean - centre) * (g.mean - centre))
                .sum::<f64>()
                / (kf - 1.0);
            let within: f64 = groups
                .iter()
                .map(|g| g.degrees_of_freedom * variances(g))
                .sum::<f64>()
                / (total - kf);
            let statistic = if within > 0.0 {
                between / within
            } else if between == 0.0 {
                0.0
            } else {
                f64::INFINITY
            };
            (statistic, total - kf)
        }
    };
    if statistic.is_nan() || denominator_df.is_nan() || denominator_df <= 0.0 {
        return Err(Error::Undefined {
            what: "F test across groups",
            reason: "the groups' statistics give no finite test",
        });
    }
    Ok(FTest {
        statistic,
        numerator_df: kf - 1.0,
        denominator_df,
        p_value: f_sf(statistic, kf - 1.0, denominator_df).clamp(0.0, 1.0),
    })
}

//! Confidence intervals for a proportion estimated under a design (R's `svyciprop`).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::stats::interval::Interval;
use crate::stats::level::ConfidenceLevel;
use crate::stats::names::method_names;
use crate::stats::numerics::beta::{self, Tail};
use crate::stats::numerics::student_f::t_upper_quantile;
use crate::survey::design::estimate::DesignEstimate;

/// How to compute a confidence interval for a proportion estimated under a complex design, with
/// Student's t on the design's degrees of freedom (R's `svyciprop`, whose default is `Logit`).
///
/// With estimate `p`, standard error `s` and `t = t(1 - alpha/2, df)`:
///
/// * `Logit` (the default) and `Xlogit`: `expit(logit(p) -/+ t s / (p (1 - p)))`. R computes
///   `logit` from an intercept-only quasi-binomial `svyglm` and `xlogit` by the delta method; the
///   two coincide, and both are computed here in closed form.
/// * `Asin`: `sin^2(asin(sqrt(p)) -/+ t s / (2 sqrt(p (1 - p))))`, the angle clipped to [0, pi/2]
///   (R maps an angle past pi/2 through `sin^2`, which folds the bound back below 1).
/// * `Mean`: `p -/+ t s`, clipped to [0, 1] (R does not clip).
/// * `Beta`: Korn & Graubard (1998): Clopper-Pearson on the effective sample size
///   `n* = p (1 - p) / s^2 * (t(alpha/2, n - 1) / t(alpha/2, df))^2`, with `x = n* p`.
///
/// At `p = 0` or `p = 1` the logit and arcsine intervals collapse to the point (the standard error
/// is zero too); `Beta` gives the one-sided Clopper-Pearson bound there.
///
/// References: Korn & Graubard (1998), "Confidence intervals for proportions with small expected
/// number of positive counts estimated from survey data"; Lumley (2010), *Complex Surveys*, 2.7.
///
/// ```
/// use survey_analytics::DesignInterval;
/// assert_eq!(DesignInterval::default(), DesignInterval::Logit);
/// assert_eq!("korn-graubard".parse::<DesignInterval>()?, DesignInterval::Beta);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum DesignInterval {
    /// Wald on the logit scale. The default.
    #[default]
    Logit,
    /// Wald on the arcsine square-root scale.
    Asin,
    /// Korn-Graubard beta (Clopper-Pearson on the effective sample size).
    Beta,
    /// Wald on the proportion scale.
    Mean,
    /// Wald on the logit scale by the delta method.
    Xlogit,
}

method_names!(DesignInterval, "design interval method",
    Logit => "logit",
    Asin => "asin" | "arcsine",
    Beta => "beta" | "korn-graubard",
    Mean => "mean" | "wald",
    Xlogit => "xlogit",
);

impl DesignEstimate {
    /// The confidence interval of a proportion estimated under a design (see [`DesignInterval`]).
    ///
    /// ```
    /// use survey_analytics::{ConfidenceLevel, DesignInterval, SampleDesign};
    ///
    /// let design = SampleDesign::new(vec![1.0, 2.0, 1.0, 3.0, 2.0, 1.0])?
    ///     .with_clusters(&[1, 1, 2, 2, 3, 3])?;
    /// let p = design.proportion(&[Some(true), Some(false), Some(true), Some(true), Some(false), None])?;
    /// let ci = p.proportion_interval(DesignInterval::Logit, ConfidenceLevel::NINETY_FIVE)?;
    /// assert!(ci.lower < p.estimate && p.estimate < ci.upper);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidProportion`] when the estimate is not in [0, 1]; [`Error::Undefined`] when
    /// the domain has no degrees of freedom (a single PSU per stratum).
    pub fn proportion_interval(
        &self,
        method: DesignInterval,
        level: ConfidenceLevel,
    ) -> Result<Interval> {
        let (p, s, df) = (self.estimate, self.std_error, self.degrees_of_freedom);
        if !(0.0..=1.0).contains(&p) {
            return Err(Error::InvalidProportion {
                name: "estimate",
                value: p,
            });
        }
        if df.is_nan() || df <= 0.0 {
            return Err(Error::Undefined {
                what: "design-based interval",
                reason: "the domain has no degrees of freedom (a single PSU in each stratum)",
            });
        }
        let alpha = level.alpha();
        let t = t_upper_quantile(0.5 * alpha, df);
        let q = 1.0 - p;
        let interval = match method {
            DesignInterval::Logit | DesignInterval::Xlogit => {
                if p == 0.0 || p == 1.0 {
                    Interval { lower: p, upper: p }
                } else {
                    let centre = (p / q).ln();
                    let half = t * s / (p * q);
                    let expit = |x: f64| 1.0 / (1.0 + (-x).exp());
                    Interval {
                        lower: expit(centre - half),
                        upper: expit(centre + half),
                    }
                }
            }
            DesignInterval::Asin => {
                if p == 0.0 || p == 1.0 {
                    Interval { lower: p, upper: p }
                } else {
                    let centre = p.sqrt().asin();
                    let half = t * s / (2.0 * (p * q).sqrt());
                    let back = |x: f64| x.clamp(0.0, std::f64::consts::FRAC_PI_2).sin().powi(2);
                    Interval {
                        lower: back(centre - half),
                        upper: back(centre + half),
                    }
                }
            }
            DesignInterval::Mean => Interval {
                lower: p - t * s,
                upper: p + t * s,
            }
            .clipped(0.0, 1.0),
            DesignInterval::Beta => korn_graubard(p, s, df, self.observations as f64, alpha),
        };
        Ok(interval)
    }
}

/// Clopper-Pearson on the effective sample size, with R's degrees-of-freedom adjustment.
fn korn_graubard(p: f64, s: f64, df: f64, n: f64, alpha: f64) -> Interval {
    let tail = 0.5 * alpha;
    if s <= 0.0 {
        return Interval { lower: p, upper: p };
    }
    let ratio = if n > 1.0 {
        t_upper_quantile(tail, n - 1.0) / t_upper_quantile(tail, df)
    } else {
        1.0
    };
    let n_eff = p * (1.0 - p) / (s * s) * ratio * ratio;
    let x = n_eff * p;
    let lower = if x <= 0.0 {
        0.0
    } else {
        beta::quantile(x, n_eff - x + 1.0, tail, Tail::Lower)
    };
    let upper = if n_eff - x <= 0.0 {
        1.0
    } else {
        beta::quantile(x + 1.0, n_eff - x, tail, Tail::Upper)
    };
    Interval { lower, upper }
}

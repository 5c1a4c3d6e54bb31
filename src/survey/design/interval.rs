//! Confidence intervals for a proportion estimated under a design (R's `svyciprop`).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::stats::interval::Interval;
use crate::stats::level::ConfidenceLevel;
use crate::stats::names::method_names;
use crate::stats::numerics::beta::{self, Tail};
use crate::stats::numerics::root::brent;
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
/// * `Likelihood`: the profile-likelihood interval of the intercept-only quasi-binomial `svyglm`
///   (R's `method = "likelihood"`: the binomial deviance referred to a chi-square scaled by the
///   design effect, as Rao & Scott (1984)): the two `mu` with
///   `KL(p || mu) = n / (n - 1) * t^2 s^2 / (2 p (1 - p))`, where
///   `KL(p || mu) = p ln(p / mu) + (1 - p) ln((1 - p) / (1 - mu))` and `n` counts the
///   respondents (see [`DesignInterval::Likelihood`]). Close to `Logit` widened by `sqrt(n / (n - 1))`, and
///   skewed away from 0 and 1 as the binomial likelihood is.
///
/// At `p = 0` or `p = 1` the logit, arcsine and likelihood intervals collapse to the point (the
/// standard error is zero too; R's likelihood method stops with an error there); `Beta` gives the
/// one-sided Clopper-Pearson bound there.
///
/// # References
///
/// Korn & Graubard (1998), "Confidence intervals for proportions with small expected
/// number of positive counts estimated from survey data"; Rao & Scott (1984), "On chi-squared
/// tests for multiway contingency tables with cell proportions estimated from survey data";
/// Lumley (2010), *Complex Surveys*, 2.7.
///
/// # Examples
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
    /// Profile likelihood of the binomial working model, scaled by the design effect (R's
    /// `svyciprop(method = "likelihood")`).
    ///
    /// R fits `svyglm(y ~ 1, design, family = quasibinomial)` (prior weights `a = w / mean(w)`)
    /// and, in `confint.svyglm`, keeps the intercepts `b` whose signed root deviance
    /// `z(b) = sign(b - b0) sqrt((D(b) - D(b0)) / phi)` lies within `-/+ t sqrt(lambda)`:
    /// `lambda = cov.unscaled / naive.cov` is the design effect of the intercept and `phi` the
    /// dispersion, the design-weighted variance of the Pearson residuals. For an intercept-only
    /// binomial model these are closed forms in the share `p`, its design standard error `s` and
    /// the respondents `n`: `D(b) - D(b0) = 2 A KL(p || expit(b))` with `A = sum a`,
    /// `lambda = s^2 A / (p (1 - p))` and `phi = n / (n - 1)`. `A` cancels, and the bounds are
    /// `expit(b)` at the two roots of
    ///
    /// `KL(p || expit(b)) = n / (n - 1) * t^2 s^2 / (2 p (1 - p))`, `t = t(1 - alpha/2, df)`.
    ///
    /// # Numerics
    ///
    /// Solved for `d = b - logit(p)` by Brent's method with
    /// `KL = p ln(p + (1 - p) e^-d) + (1 - p) ln(1 - p + p e^d)` (through `ln_1p` and `exp_m1`
    /// near `d = 0`, a log-sum-exp beyond), to a couple of ulps of `d`, in a bracket found by
    /// doubling from the Wald half-width (at most 1); roots past `|d| = 1e4` give bounds of
    /// exactly 0 or 1, which is what they are in floating point. R instead tabulates `z(b)` on
    /// MASS's grid of at most nine steps each side and interpolates it by a spline, which puts its bounds up to about 1e-3 (relative) off these
    /// roots on small domains, and returns `NA` when the grid stops short of the cutoff;
    /// `tests/fixtures/design/README.md` has the measurements.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{ConfidenceLevel, DesignInterval, SampleDesign};
    ///
    /// let design = SampleDesign::new(vec![1.0, 2.0, 1.0, 3.0, 2.0, 1.0, 2.0, 1.0])?
    ///     .with_clusters(&[1, 1, 2, 2, 3, 3, 4, 4])?;
    /// let knows = [Some(true), Some(false), Some(true), Some(true), Some(false), Some(true), Some(true), None];
    /// let p = design.proportion(&knows)?;
    /// let level = ConfidenceLevel::NINETY_FIVE;
    /// let profile = p.proportion_interval(DesignInterval::Likelihood, level)?;
    /// let wald = p.proportion_interval(DesignInterval::Logit, level)?;
    /// assert!(profile.lower < p.estimate && p.estimate < profile.upper);
    /// assert!(profile.lower > 0.0 && profile.upper < 1.0);
    /// // Wider than the logit interval here, mostly by the factor sqrt(n / (n - 1)) of R's
    /// // dispersion, with 7 respondents.
    /// assert!(profile.width() > wald.width());
    /// assert_eq!("likelihood".parse::<DesignInterval>()?, DesignInterval::Likelihood);
    ///
    /// // A standard error without two respondents behind it has no dispersion.
    /// let mut lone = p;
    /// lone.observations = 1;
    /// assert!(lone.proportion_interval(DesignInterval::Likelihood, level).is_err());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    Likelihood,
}

method_names!(DesignInterval, "design interval method",
    Logit => "logit",
    Asin => "asin" | "arcsine",
    Beta => "beta" | "korn-graubard",
    Mean => "mean" | "wald",
    Xlogit => "xlogit",
    Likelihood => "likelihood" | "profile-likelihood" | "profile",
);

impl DesignEstimate {
    /// The confidence interval of a proportion estimated under a design (see [`DesignInterval`]).
    ///
    /// # Examples
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
    /// the domain has no degrees of freedom (a single PSU per stratum). For
    /// [`DesignInterval::Likelihood`] also [`Error::InvalidParameter`] when the standard error is
    /// negative or NaN, and [`Error::Undefined`] when a non-zero standard error comes with fewer
    /// than two respondents (the dispersion `n / (n - 1)` is undefined).
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
                    // On a replicate design R's logit interval refits the logit in each
                    // replicate; xlogit transforms the standard error.
                    let half = match (method, self.logit_std_error) {
                        (DesignInterval::Logit, Some(logit)) => t * logit,
                        _ => t * s / (p * q),
                    };
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
            DesignInterval::Likelihood => profile_likelihood(p, s, self.observations as f64, t)?,
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
    // With an effective size near 1e20 both bounds round to `p` give or take an ulp; they stay on
    // their sides of it.
    Interval {
        lower: lower.min(p),
        upper: upper.max(p),
    }
}

/// The profile-likelihood interval (see [`DesignInterval::Likelihood`]): `expit(logit(p) + d)` at
/// the two roots `d` of `KL(d) = n / (n - 1) * t^2 s^2 / (2 p q)`.
fn profile_likelihood(p: f64, s: f64, n: f64, t: f64) -> Result<Interval> {
    if p == 0.0 || p == 1.0 || s == 0.0 {
        return Ok(Interval { lower: p, upper: p });
    }
    if s.is_nan() || s < 0.0 {
        return Err(Error::InvalidParameter {
            name: "standard error",
            value: s,
            requirement: "it must be a number >= 0",
        });
    }
    if n < 2.0 {
        return Err(Error::Undefined {
            what: "likelihood interval",
            reason: "the working model's dispersion n / (n - 1) needs at least two respondents",
        });
    }
    let q = 1.0 - p;
    let (ln_p, ln_q) = (p.ln(), (-p).ln_1p());
    // Divided in steps so that nothing overflows before it must.
    let z = t * (s / p.sqrt()) / q.sqrt();
    let target = 0.5 * (n / (n - 1.0)) * z * z;
    if !target.is_finite() {
        return Ok(Interval {
            lower: 0.0,
            upper: 1.0,
        });
    }
    let kl = |d: f64| p * log_mix(q, ln_p, ln_q, -d) + q * log_mix(p, ln_q, ln_p, d);
    let centre = ln_p - ln_q;
    let expit = |x: f64| 1.0 / (1.0 + (-x).exp());
    // The Wald half-width on the logit scale, where KL is near its quadratic approximation.
    let start = (2.0 * target / (p * q)).sqrt();
    let start = if start.is_finite() && start > 0.0 {
        start
    } else {
        1.0
    };
    let root = |sign: f64| -> f64 {
        // KL grows at least linearly in |d| (exponentially on one side), so doubling from the
        // Wald half-width (or from 1 where that is wider and KL no longer quadratic) brackets the
        // root in a factor of two; past |d| = 1e4 the bound is 0 or 1 in floating point.
        let (mut near, mut far) = (0.0, start.min(1.0));
        while kl(sign * far) < target {
            near = far;
            far *= 2.0;
            if far > 1e4 {
                return sign * f64::INFINITY;
            }
        }
        brent(|d| kl(d) - target, sign * near, sign * far, 0.0)
    };
    // `expit(centre)` can be an ulp off `p`; the bounds stay on their side of it.
    Ok(Interval {
        lower: expit(centre + root(-1.0)).min(p),
        upper: expit(centre + root(1.0)).max(p),
    })
}

/// `ln(a + b e^x)` for `a = 1 - b` in (0, 1), given `ln a` and `ln b`: through
/// `ln_1p(b expm1(x))` near `x = 0`, where the two KL terms nearly cancel, and as a log-sum-exp
/// beyond, where `e^x` could overflow.
fn log_mix(b: f64, ln_a: f64, ln_b: f64, x: f64) -> f64 {
    if x.abs() <= 1.0 {
        (b * x.exp_m1()).ln_1p()
    } else {
        let (hi, lo) = if ln_a >= ln_b + x {
            (ln_a, ln_b + x)
        } else {
            (ln_b + x, ln_a)
        };
        hi + (lo - hi).exp().ln_1p()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Effective sizes near 1e30 leave both beta quantiles within an ulp or two of `p`, on either
    /// side (found by a search over p near 1/2 and standard errors near 1e-15).
    #[test]
    fn beta_bounds_stay_ordered_at_huge_effective_sizes() {
        let cases = [
            (0.49999999999999983, 6.683439175686136e-16, 20.0, 2.0),
            (0.49999999999999983, 5.308844442309879e-16, 38.0, 2.0),
            (0.5, 1e-15, 7.0, 3.0),
        ];
        for (p, s, df, n) in cases {
            let i = korn_graubard(p, s, df, n, 0.05);
            assert!(i.lower <= p && p <= i.upper, "p {p}, s {s}: {i:?}");
        }
    }
}

//! Simultaneous confidence intervals for the shares of a multinomial (single-choice) question.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::stats::interval::Interval;
use crate::stats::level::ConfidenceLevel;
use crate::stats::names::method_names;
use crate::stats::numerics::loader::stirlerr;
use crate::stats::numerics::normal;
use crate::stats::proportion::wilson;
use statrs::function::gamma::{checked_gamma_lr, checked_gamma_ur};

/// How to build intervals that hold for all the shares of one question at once.
///
/// * `Goodman` (1965): each share gets a Wilson score interval at the Bonferroni-adjusted level
///   `1 - alpha / k` (the critical value is the chi-square(1) quantile `chi2(1 - alpha/k, 1)`).
/// * `SisonGlaz` (1995): intervals `[p_i - c/n, p_i + (c + 2 gamma)/n]`, with `c` and `gamma` chosen so
///   that the joint coverage, computed from truncated Poisson moments with an Edgeworth expansion,
///   reaches `1 - alpha`. Shorter than Goodman's when there are many categories. Follows statsmodels
///   `multinomial_proportions_confint(method="sison-glaz")`; costs O(c k) incomplete gamma evaluations,
///   with `c` a few standard deviations of the largest count.
///
/// References: Goodman (1965), "On simultaneous confidence intervals for multinomial proportions";
/// Sison & Glaz (1995), "Simultaneous confidence intervals and sample size determination for
/// multinomial proportions", JASA 90.
///
/// ```
/// use survey_analytics::MultinomialMethod;
/// assert_eq!("sison-glaz".parse::<MultinomialMethod>()?, MultinomialMethod::SisonGlaz);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum MultinomialMethod {
    /// Goodman's Bonferroni-Wilson intervals. The default.
    #[default]
    Goodman,
    /// Sison and Glaz's intervals.
    SisonGlaz,
}

method_names!(MultinomialMethod, "multinomial method",
    Goodman => "goodman",
    SisonGlaz => "sison-glaz" | "sison",
);

/// Confidence intervals for every share of a single-choice question that hold simultaneously with
/// probability `level`, one per count, in the input order.
///
/// ```
/// use survey_analytics::{simultaneous_intervals, ConfidenceLevel, MultinomialMethod};
///
/// // Where are the company's goals documented? (counts per answer)
/// let counts = [190, 108, 372, 160];
/// let cis = simultaneous_intervals(&counts, ConfidenceLevel::NINETY_FIVE, MultinomialMethod::Goodman)?;
/// assert_eq!(cis.len(), 4);
/// assert!(cis[0].contains(190.0 / 830.0));
/// assert!(simultaneous_intervals(&[0, 0], ConfidenceLevel::NINETY_FIVE, MultinomialMethod::Goodman).is_err());
/// # Ok::<(), survey_analytics::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::TooFewValues`] for fewer than 2 categories; [`Error::EmptyBase`] when all counts are zero;
/// [`Error::CountTooLarge`] when the total exceeds 2^53.
pub fn simultaneous_intervals(
    counts: &[u64],
    level: ConfidenceLevel,
    method: MultinomialMethod,
) -> Result<Vec<Interval>> {
    let k = counts.len();
    if k < 2 {
        return Err(Error::TooFewValues {
            name: "category counts",
            len: k,
            min: 2,
        });
    }
    let total = counts.iter().try_fold(0_u64, |sum, &c| sum.checked_add(c));
    let total = match total {
        Some(0) => return Err(Error::EmptyBase),
        Some(t) if t <= 1 << 53 => t as f64,
        other => {
            return Err(Error::CountTooLarge {
                name: "total count",
                value: other.unwrap_or(u64::MAX),
                max: 1 << 53,
            });
        }
    };
    let counts: Vec<f64> = counts.iter().map(|&c| c as f64).collect();
    let alpha = level.alpha();
    Ok(match method {
        MultinomialMethod::Goodman => {
            let z = normal::upper_quantile(alpha / (2.0 * k as f64));
            counts.iter().map(|&c| wilson(c, total, z)).collect()
        }
        MultinomialMethod::SisonGlaz => sison_glaz(&counts, total, alpha),
    })
}

/// `P(lo <= X <= hi)` for `X ~ Poisson(mean)`, from whichever tail keeps precision.
fn poisson_between(lo: f64, hi: f64, mean: f64) -> f64 {
    if hi < lo || hi < 0.0 {
        return 0.0;
    }
    if mean <= 0.0 {
        return if lo <= 0.0 { 1.0 } else { 0.0 };
    }
    // cdf(m) = Q(m + 1, mean) and sf(m) = P(m + 1, mean) for integer m >= 0.
    let cdf = |m: f64| {
        if m < 0.0 {
            0.0
        } else {
            checked_gamma_ur(m + 1.0, mean).unwrap_or(1.0)
        }
    };
    let sf = |m: f64| {
        if m < 0.0 {
            1.0
        } else {
            checked_gamma_lr(m + 1.0, mean).unwrap_or(0.0)
        }
    };
    let value = if lo - 1.0 >= mean {
        sf(lo - 1.0) - sf(hi)
    } else {
        cdf(hi) - cdf(lo - 1.0)
    };
    value.max(0.0)
}

/// Sison-Glaz coverage `nu(c)` of the box `[n_i - c, n_i + c]`.
fn sison_glaz_coverage(counts: &[f64], total: f64, c: f64) -> f64 {
    let mut ln_box = 0.0;
    let (mut mean_sum, mut var_sum, mut mu3_sum, mut mu4_sum, mut var_sq_sum) =
        (0.0, 0.0, 0.0, 0.0, 0.0);
    for &lambda in counts {
        let (lo, hi) = ((lambda - c).max(0.0), (lambda + c).min(total));
        let inside = poisson_between(lo, hi, lambda);
        ln_box += inside.ln();
        // Factorial moments of the Poisson truncated to [lo, hi].
        let factorial = |r: f64| {
            lambda.powf(r)
                * (1.0
                    - (poisson_between(hi - r + 1.0, hi, lambda)
                        - poisson_between(lo - r, lo - 1.0, lambda))
                        / inside)
        };
        let (f1, f2, f3, f4) = (
            factorial(1.0),
            factorial(2.0),
            factorial(3.0),
            factorial(4.0),
        );
        let mu = f1;
        let mu2 = f2 + mu - mu * mu;
        let mu3 = f3 + f2 * (3.0 - 3.0 * mu) + mu - 3.0 * mu * mu + 2.0 * mu.powi(3);
        let mu4 = f4 + f3 * (6.0 - 4.0 * mu) + f2 * (7.0 - 12.0 * mu + 6.0 * mu * mu) + mu
            - 4.0 * mu * mu
            + 6.0 * mu.powi(3)
            - 3.0 * mu.powi(4);
        mean_sum += mu;
        var_sum += mu2;
        mu3_sum += mu3;
        mu4_sum += mu4;
        var_sq_sum += mu2 * mu2;
    }
    let g1 = mu3_sum / var_sum.powf(1.5);
    let g2 = (mu4_sum - 3.0 * var_sq_sum) / (var_sum * var_sum);
    let x = (total - mean_sum) / var_sum.sqrt();
    let (x2, x4) = (x * x, x.powi(4));
    let h3 = x * x2 - 3.0 * x;
    let h4 = x4 - 6.0 * x2 + 3.0;
    let h6 = x4 * x2 - 15.0 * x4 + 45.0 * x2 - 15.0;
    let edgeworth = normal::pdf(x) * (1.0 + g1 * h3 / 6.0 + g2 * h4 / 24.0 + g1 * g1 * h6 / 72.0)
        / var_sum.sqrt();
    // ln P(N = n) for N ~ Poisson(n): -stirlerr(n) - ln(2 pi n) / 2 (Loader).
    let ln_poisson_at_mean = -stirlerr(total) - 0.5 * (2.0 * std::f64::consts::PI * total).ln();
    (ln_box + edgeworth.ln() - ln_poisson_at_mean).exp()
}

fn sison_glaz(counts: &[f64], total: f64, alpha: f64) -> Vec<Interval> {
    let target = 1.0 - alpha;
    // nu(0) is taken as 0 and nu(c) as 1 once c >= n (the box then covers every outcome).
    let coverage = |c: f64| {
        if c >= total {
            1.0
        } else {
            sison_glaz_coverage(counts, total, c)
        }
    };
    let mut c = 0.0;
    let mut nu_c = 0.0;
    let mut nu_next = coverage(1.0);
    // NaN coverage (an Edgeworth term out of range) counts as not yet reaching the target.
    while !(nu_c <= target && target < nu_next) && c < total {
        c += 1.0;
        nu_c = nu_next;
        nu_next = coverage(c + 1.0);
    }
    let gamma = ((target - nu_c) / (nu_next - nu_c)).clamp(0.0, 1.0);
    let gamma = if gamma.is_nan() { 0.0 } else { gamma };
    counts
        .iter()
        .map(|&count| {
            let p = count / total;
            Interval {
                lower: (p - c / total).max(0.0),
                upper: (p + (c + 2.0 * gamma) / total).min(1.0),
            }
        })
        .collect()
}

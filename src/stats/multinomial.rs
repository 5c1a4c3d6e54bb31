//! Simultaneous confidence intervals for the shares of a multinomial (single-choice) question.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::stats::interval::Interval;
use crate::stats::level::ConfidenceLevel;
use crate::stats::names::method_names;
use crate::stats::numerics::gamma;
use crate::stats::numerics::loader::{bd0, stirlerr};
use crate::stats::numerics::normal;
use crate::stats::proportion::wilson;

/// How to build intervals that hold for all the shares of one question at once.
///
/// * `Goodman` (1965): each share gets a Wilson score interval at the Bonferroni-adjusted level
///   `1 - alpha / k` (the critical value is the chi-square(1) quantile `chi2(1 - alpha/k, 1)`).
/// * `SisonGlaz` (1995): intervals `[p_i - c/n, p_i + (c + 2 gamma)/n]`, with `c` the first whole
///   number whose joint coverage `nu(c)`, computed from truncated Poisson moments with an Edgeworth
///   expansion, is at most the level while `nu(c + 1)` exceeds it, and
///   `gamma = (level - nu(c)) / (nu(c + 1) - nu(c))`. Shorter than Goodman's when there are many
///   categories. Follows statsmodels `multinomial_proportions_confint(method="sison-glaz")`, which
///   follows R's `MultinomialCI` (`nu(0) = 0`, `nu(c) = 1` from `c = n` on), but computes the
///   truncated moments about each count where statsmodels cancels large factorial moments (which
///   puts its coverage 1% off for a large count in a narrow window).
///
/// Both intervals contain every share and lie in [0, 1].
///
/// # Numerics
///
/// `Goodman` is a closed form. For `SisonGlaz`, statsmodels scans `c = 0, 1, 2, ...` widening each
/// window one step at a time, `O(c k)` work: 7.6 s for 3 categories at a total of 1e8 and a level of
/// `1 - 1e-16` (where the coverage never reaches the level and the scan runs to `c = n`), 104 s for
/// 1,000 categories at 1e7. Here `nu` is evaluated afresh at any `c` in `O(k)`:
///
/// * categories with equal counts share their work;
/// * a window with at most 4,096 points within 13 standard deviations of its count is summed
///   directly; a larger one takes its probability from the incomplete gamma function and its moments
///   from the closed-form recursion `sum_{j=a..b} (j - l) g(j) P(j) =
///   l [sum_{j=a..b} (g(j+1) - g(j)) P(j) + g(a) P(a-1) - g(b+1) P(b)]` (at most about 4 digits lost,
///   where the window is 4 to 45 times narrower than the standard deviation); while searching, a
///   window more than 45 times narrower uses a local expansion of the Poisson probabilities
///   (relative error below 1e-9), and in the final evaluations one narrower than a sixteenth of its
///   standard deviation is summed directly (up to 2^22 points);
/// * `c` is scanned up to 16 (where `nu` need not increase: for counts 0, 0, 830 it is 1.13 at
///   `c = 1`), then bracketed by doubling and found by bisection, which gives the first crossing
///   wherever `nu` increases with `c` (checked on the reference cases); beyond 13 standard
///   deviations of every count `nu` no longer changes, so a coverage that has not reached the level
///   there gives `c = n - 1`, where the scan would end.
///
/// Against statsmodels' algorithm in mpmath at 50 digits (`tests/fixtures/multinomial.tsv`, totals
/// up to 2e4) the bounds agree to 1e-13 relative (measured 2.1e-14). At large counts (totals to
/// 2^40, up to 1,000 categories; `tests/fixtures/multinomial_edges.tsv`, an independent
/// re-implementation summing every window directly) they agree to 1e-10 relative: `nu` agrees to
/// about 1e-14, and the bounds divide that error by the step `nu(c + 1) - nu(c)`, which is small at
/// levels near 1 (measured 4.8e-11 at 99.9999%, 7e-15 elsewhere). A call takes at most about 0.3 s
/// (1,000 distinct counts near 1e13); more than 1,000 distinct counts are refused.
///
/// # References
///
/// Goodman (1965), "On simultaneous confidence intervals for multinomial proportions"; Sison & Glaz
/// (1995), "Simultaneous confidence intervals and sample size determination for multinomial
/// proportions", JASA 90.
///
/// # Examples
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
/// See [`MultinomialMethod`] for the methods, their numerics and cost.
///
/// # Examples
///
/// ```
/// use survey_analytics::{simultaneous_intervals, ConfidenceLevel, Error, MultinomialMethod};
///
/// // Where are the company's goals documented? (counts per answer)
/// let counts = [190, 108, 372, 160];
/// let cis = simultaneous_intervals(&counts, ConfidenceLevel::NINETY_FIVE, MultinomialMethod::Goodman)?;
/// assert_eq!(cis.len(), 4);
/// assert!(cis[0].contains(190.0 / 830.0));
/// let sg = simultaneous_intervals(&counts, ConfidenceLevel::NINETY_FIVE, MultinomialMethod::SisonGlaz)?;
/// assert!(sg[2].width() < cis[2].width());
/// assert_eq!(
///     simultaneous_intervals(&[0, 0], ConfidenceLevel::NINETY_FIVE, MultinomialMethod::Goodman),
///     Err(Error::EmptyBase)
/// );
/// # Ok::<(), survey_analytics::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::TooFewValues`] for fewer than 2 categories; [`Error::EmptyBase`] when all counts are zero;
/// [`Error::CountTooLarge`] when the total exceeds 2^53; [`Error::InvalidParameter`] for
/// `SisonGlaz` with more than 1,000 distinct nonzero counts (use `Goodman`).
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
        MultinomialMethod::SisonGlaz => sison_glaz(&counts, total, level)?,
    })
}

/// Most distinct nonzero counts Sison-Glaz accepts: each coverage evaluation costs up to about 10
/// microseconds per distinct count, and the search needs a few dozen evaluations at most, so this
/// bounds a call to well under a second (categories with equal counts share their work).
pub(crate) const SISON_GLAZ_MAX_DISTINCT: usize = 1_000;

/// Windows with at most this many points (after dropping points beyond 13 standard deviations) are
/// summed directly.
const DIRECT_POINTS: f64 = 4096.0;

/// In the final, precise evaluations, windows narrower than a sixteenth of their standard deviation
/// are summed directly up to this many points (see [`WindowStats`]).
const NARROW_POINTS: f64 = 4_194_304.0;

/// Statistics of one category's Poisson(`count`) law truncated to the window `[count - c, count + c]`
/// (clipped to `[0, n]`): the window's probability and the 1st to 4th moments about `count` of the
/// truncated law (not yet divided by the probability).
///
/// statsmodels forms the truncated moments from factorial moments, `mu2 = f2 + mu - mu^2` and so on,
/// which cancels catastrophically when the window is narrow and the count large (for a count of 830
/// and `c = 1`, `f2 = 687241` and `mu^2 = 688070.25` leave `mu2 = 0.25`; the fourth moment loses
/// four digits and the coverage `nu(1)` comes out 1% off). Here the moments are taken about the count
/// itself, and computed one of two ways:
///
/// * **directly**, summing `(j - count)^r P(j)` outward from the count (the probabilities by the ratio
///   recurrence from Loader's `P(count)`), over the window's points within 13 standard deviations
///   (beyond, the terms are below 1e-37 of the largest) when they number at most 4,096, or, in the
///   final evaluations, when the window is narrower than a sixteenth of the standard deviation and
///   has at most 2^22 points;
/// * otherwise **in closed form**: `S_0 = P(a <= X <= b) = 1 - Q(a, count) - P(b + 1, count)` from the
///   incomplete gamma function, and `S_r = sum (j - count)^r P(j)` from the identity
///   `sum_{j=a..b} (j - l) g(j) P(j) = l [sum_{j=a..b} (g(j+1) - g(j)) P(j) + g(a) P(a-1) - g(b+1) P(b)]`
///   for `X ~ Poisson(l)`, which with `g(j) = (j - l)^(r-1)` gives each `S_r` from the lower ones and
///   the two boundary probabilities. The recursion cancels when the window is narrow against the
///   standard deviation (it loses about `log10(3 l / c^2)` digits), which is why narrow windows are
///   summed; where it is used the loss is below 3 digits (about 1e-13), or, for windows of more than
///   2^22 points at counts near 2^53, below 4.
#[derive(Debug, Clone, Copy)]
struct WindowStats {
    probability: f64,
    sums: [f64; 4],
}

/// `sum_{j=1..n} j^p` for `p <= 8` and a whole `n >= 0` (Faulhaber's polynomials).
fn power_sum(p: usize, n: f64) -> f64 {
    let (a, b) = (n * (n + 1.0), 2.0 * n + 1.0);
    match p {
        0 => n,
        1 => 0.5 * a,
        2 => a * b / 6.0,
        3 => 0.25 * a * a,
        4 => a * b * (3.0 * a - 1.0) / 30.0,
        5 => a * a * (2.0 * a - 1.0) / 12.0,
        // 3n^4 + 6n^3 - 3n + 1 = 3a^2 - 3a + 1, and so on, with a = n (n + 1).
        6 => a * b * ((3.0 * a - 3.0) * a + 1.0) / 42.0,
        7 => a * a * ((3.0 * a - 4.0) * a + 2.0) / 24.0,
        8 => a * b * (((5.0 * a - 10.0) * a + 9.0) * a - 3.0) / 90.0,
        _ => f64::NAN,
    }
}

/// Poisson probability `P(X = j)` for `X ~ Poisson(l)`, `l > 0`, real `j >= 0` (Loader).
fn poisson_pmf(j: f64, l: f64) -> f64 {
    if j < 0.0 {
        return 0.0;
    }
    if j == 0.0 {
        return (-l).exp();
    }
    (-stirlerr(j) - bd0(j, l, j - l)).exp() / (2.0 * std::f64::consts::PI * j).sqrt()
}

impl WindowStats {
    fn new(count: f64, c: f64, total: f64, precise: bool) -> Self {
        if count <= 0.0 {
            // Poisson(0) is a point mass at 0, which every window contains.
            return Self {
                probability: 1.0,
                sums: [0.0; 4],
            };
        }
        let (low, high) = ((count - c).max(0.0), (count + c).min(total));
        let sd = count.sqrt();
        let reach = (13.0 * sd + 40.0).ceil();
        let points = (high.min(count + reach) - low.max(count - reach) + 1.0).max(1.0);
        let direct = || Self::direct(count, low.max(count - reach), high.min(count + reach));
        if points <= DIRECT_POINTS {
            direct()
        } else if precise {
            if c < sd / 16.0 && high - low < NARROW_POINTS {
                direct()
            } else {
                Self::closed_form(count, low, high)
            }
        } else if c < sd / 45.0 {
            Self::local_expansion(count, low, high)
        } else {
            Self::closed_form(count, low, high)
        }
    }

    /// For a window much narrower than its standard deviation (`c < sd / 45`), in the rough
    /// evaluations of the search: `P(l + j) / P(l) = exp(-S1(j) / l + S2(j) / (2 l^2) - ...)` with
    /// `S_k(j) = sum_{i=1..j} i^k` (the same polynomials for negative `j`), expanded to order
    /// `1 / l^2`,
    /// `1 - (j + j^2) / (2 l) + (j / 12 + 3 j^2 / 8 + 5 j^3 / 12 + j^4 / 8) / l^2`, and summed against
    /// `j^r` with exact power sums: relative error about `(c^2 / l)^3 + c^4 / l^3`, below 1e-9 here.
    fn local_expansion(count: f64, low: f64, high: f64) -> Self {
        let l = count;
        let (lo, hi) = (low - l, high - l);
        // sums[p] = sum_{j = lo..hi} j^p, from the positive and negative parts separately so that
        // odd powers of a symmetric window cancel exactly.
        let mut sums = [0.0; 9];
        for (p, sum) in sums.iter_mut().enumerate() {
            let sign = if p % 2 == 0 { 1.0 } else { -1.0 };
            let below = if lo < 0.0 {
                sign * power_sum(p, -lo)
            } else {
                0.0
            };
            let above = power_sum(p, hi)
                - if lo > 0.0 {
                    power_sum(p, lo - 1.0)
                } else {
                    0.0
                };
            *sum = below + above + if p == 0 && lo <= 0.0 { 1.0 } else { 0.0 };
        }
        let centre = poisson_pmf(l, l);
        let (l1, l2) = (1.0 / l, 1.0 / (l * l));
        let moment = |r: usize| {
            let s = |p: usize| sums.get(r + p).copied().unwrap_or(0.0);
            centre
                * (s(0) - 0.5 * l1 * (s(1) + s(2))
                    + l2 * (s(1) / 12.0 + 0.375 * s(2) + s(3) * 5.0 / 12.0 + 0.125 * s(4)))
        };
        Self {
            probability: moment(0),
            sums: [moment(1), moment(2), moment(3), moment(4)],
        }
    }

    /// Direct sums over `[low, high]`, outward from the count.
    fn direct(count: f64, low: f64, high: f64) -> Self {
        let mut sums = [0.0; 5];
        let mut add = |j: f64, p: f64| {
            let t = j - count;
            let mut power = p;
            for sum in &mut sums {
                *sum += power;
                power *= t;
            }
        };
        // The ratio recurrence drifts by about one rounding per step: every 1,024 steps the
        // probability is recomputed from Loader's formula.
        let centre = poisson_pmf(count, count);
        add(count, centre);
        let (mut j, mut p, mut steps) = (count, centre, 0_u32);
        while j < high {
            j += 1.0;
            steps += 1;
            p = if steps.is_multiple_of(1024) {
                poisson_pmf(j, count)
            } else {
                p * count / j
            };
            add(j, p);
        }
        let (mut j, mut p, mut steps) = (count, centre, 0_u32);
        while j > low {
            p *= j / count;
            j -= 1.0;
            steps += 1;
            if steps.is_multiple_of(1024) {
                p = poisson_pmf(j, count);
            }
            add(j, p);
        }
        let [s0, s1, s2, s3, s4] = sums;
        Self {
            probability: s0,
            sums: [s1, s2, s3, s4],
        }
    }

    /// `S_0` from the incomplete gamma function and `S_1..S_4` by the recursion.
    fn closed_form(count: f64, low: f64, high: f64) -> Self {
        let l = count;
        // P(X <= low - 1) = Q(low, l) and P(X >= high + 1) = P(high + 1, l).
        let below = if low >= 1.0 {
            gamma::tails(low, l).upper
        } else {
            0.0
        };
        let above = gamma::tails(high + 1.0, l).lower;
        let s0 = (1.0 - below - above).max(0.0);
        let (p_before, p_last) = (poisson_pmf(low - 1.0, l), poisson_pmf(high, l));
        let (u, v) = (low - l, high + 1.0 - l);
        let s1 = l * (p_before - p_last);
        let s2 = l * (s0 + u * p_before - v * p_last);
        let s3 = l * (s0 + 2.0 * s1 + u * u * p_before - v * v * p_last);
        let s4 = l * (s0 + 3.0 * s1 + 3.0 * s2 + u * u * u * p_before - v * v * v * p_last);
        Self {
            probability: s0,
            sums: [s1, s2, s3, s4],
        }
    }

    /// The mean (about the count) and the 2nd to 4th central moments of the truncated law.
    fn moments(&self) -> (f64, f64, f64, f64) {
        let s0 = self.probability;
        let [m1, m2, m3, m4] = self.sums.map(|s| s / s0);
        let mu2 = m2 - m1 * m1;
        let mu3 = m3 - 3.0 * m1 * m2 + 2.0 * m1.powi(3);
        let mu4 = m4 - 4.0 * m1 * m3 + 6.0 * m1 * m1 * m2 - 3.0 * m1.powi(4);
        (m1, mu2, mu3, mu4)
    }
}

/// The distinct counts of a question with their multiplicities, in increasing order.
fn distinct_counts(counts: &[f64]) -> Vec<(f64, f64)> {
    let mut sorted = counts.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mut groups: Vec<(f64, f64)> = Vec::new();
    for c in sorted {
        match groups.last_mut() {
            Some((value, multiplicity)) if *value == c => *multiplicity += 1.0,
            _ => groups.push((c, 1.0)),
        }
    }
    groups
}

/// Sison-Glaz coverage `nu(c)`: the product of the window probabilities, times the Edgeworth
/// approximation to the density of the truncated laws' sum at `n`, over `P(N = n)` for
/// `N ~ Poisson(n)`. `nu(0) = 0` and `nu(c) = 1` for `c >= n` (statsmodels, following R's
/// MultinomialCI). NaN where the Edgeworth density is negative.
fn coverage(groups: &[(f64, f64)], total: f64, c: f64, precise: bool) -> f64 {
    if c <= 0.0 {
        return 0.0;
    }
    if c >= total {
        return 1.0;
    }
    let mut ln_box = 0.0;
    let (mut mean_sum, mut var_sum, mut mu3_sum, mut mu4_sum, mut var_sq_sum) =
        (0.0, 0.0, 0.0, 0.0, 0.0);
    for &(count, multiplicity) in groups {
        let window = WindowStats::new(count, c, total, precise);
        let (shift, mu2, mu3, mu4) = window.moments();
        ln_box += multiplicity * window.probability.ln();
        mean_sum += multiplicity * (count + shift);
        var_sum += multiplicity * mu2;
        mu3_sum += multiplicity * mu3;
        mu4_sum += multiplicity * mu4;
        var_sq_sum += multiplicity * mu2 * mu2;
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

/// Largest `c` scanned one step at a time (statsmodels scans every `c` from 0; beyond this the
/// search brackets and bisects, which gives the same `c` wherever `nu` increases).
const SCAN: f64 = 16.0;

fn sison_glaz(counts: &[f64], total: f64, level: ConfidenceLevel) -> Result<Vec<Interval>> {
    let groups = distinct_counts(counts);
    let distinct = groups.iter().filter(|(c, _)| *c > 0.0).count();
    if distinct > SISON_GLAZ_MAX_DISTINCT {
        return Err(Error::InvalidParameter {
            name: "distinct category counts",
            value: distinct as f64,
            requirement: "Sison-Glaz intervals handle at most 1,000 different counts per question; \
                          use MultinomialMethod::Goodman",
        });
    }
    // statsmodels uses 1 - alpha, which is the level itself for levels of 1/2 and above.
    let target = level.value();
    // "Reaches the target": a NaN coverage (negative Edgeworth density) does not.
    let reaches = |nu: f64| nu > target;
    let rough = |c: f64| coverage(&groups, total, c, false);
    // The first c with nu(c) <= target < nu(c + 1): scanned for small c, then bracketed by doubling
    // from SCAN and narrowed by bisection, with the rough coverage.
    let mut c = 0.0;
    let mut found = None;
    while c < SCAN && c < total {
        if reaches(rough(c + 1.0)) {
            found = Some(c);
            break;
        }
        c += 1.0;
    }
    // Beyond 13 standard deviations (plus 40) of every count the windows hold all the probability
    // that matters (the rest is below 1e-37 of it) and nu no longer changes until it jumps to 1 at
    // n: if it has not reached the target there, statsmodels' scan ends at c = n - 1.
    let largest = groups.last().map_or(0.0, |g| g.0);
    let saturated = (13.0 * largest.sqrt() + 41.0).ceil();
    let c = match found {
        Some(c) => c,
        None if c >= total => total,
        None if saturated > c && saturated < total - 1.0 && !reaches(rough(saturated)) => {
            total - 1.0
        }
        None => {
            // nu(lo) does not reach the target; nu(hi) does (it is 1 from n on).
            let (mut lo, mut hi) = (c, 2.0 * c);
            while hi < total && !reaches(rough(hi)) {
                lo = hi;
                hi *= 2.0;
            }
            let mut hi = hi.min(total);
            while hi - lo > 1.0 {
                let mid = (0.5 * (lo + hi)).floor();
                if reaches(rough(mid)) {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            lo
        }
    };
    // The bracket again with the precise coverage, stepping c where it disagrees (at most a few
    // steps: the rough coverage differs from the precise one by far less than one step of c).
    let precise = |c: f64| coverage(&groups, total, c, true);
    let (mut c, mut nu_c, mut nu_next) = (c, precise(c), precise(c + 1.0));
    for _ in 0..8 {
        if reaches(nu_c) && c > 0.0 {
            c -= 1.0;
            nu_next = nu_c;
            nu_c = precise(c);
        } else if !reaches(nu_next) && c + 1.0 < total {
            c += 1.0;
            nu_c = nu_next;
            nu_next = precise(c + 1.0);
        } else {
            break;
        }
    }
    let gamma = ((target - nu_c) / (nu_next - nu_c)).clamp(0.0, 1.0);
    let gamma = if gamma.is_nan() { 0.0 } else { gamma };
    Ok(counts
        .iter()
        .map(|&count| {
            let p = count / total;
            Interval {
                lower: (p - c / total).max(0.0),
                upper: (p + (c + 2.0 * gamma) / total).min(1.0),
            }
        })
        .collect())
}

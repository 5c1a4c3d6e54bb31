//! Rows of means in a crosstab: the mean of a rating or numeric answer in each column, with its
//! interval, letters from pairwise t-tests adjusted within the row, and one test across the
//! columns; weighted on effective bases, or design-based.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::stats::alternative::Alternative;
use crate::stats::interval::Interval;
use crate::stats::means::{
    FTest, MeanEstimate, StudentT, grouped_means_of, mean_difference, means_anova,
};
use crate::stats::nps::{NetPromoter, NpsMethod, nps_z_test};
use crate::stats::paired::{McNemarMethod, PairedCounts, PairedDifferenceMethod};
use crate::survey::categories::Categories;
use crate::survey::codes::CodeColumn;
use crate::survey::counts::{CrossCounts, QuestionKind};
use crate::survey::crosstab::letters::{PairTest, assign_letters, column_letter};
use crate::survey::crosstab::options::CrosstabOptions;
use crate::survey::crosstab::{Crosstab, CrosstabColumn, DesignSummary};
use crate::survey::design::SampleDesign;
use crate::survey::estimate::Base;
use crate::survey::paired::PairedComparison;

/// One column's mean in a [`MeanRow`].
///
/// # Examples
///
/// ```
/// use survey_analytics::{Categories, CrossCounts, Crosstab, CrosstabOptions};
///
/// let counts = CrossCounts::from_table(Categories::new("sat", ["low", "high"])?,
///     Categories::new("role", ["leader", "ic"])?, &[[1, 2], [3, 2]])?;
/// let scores = [4.0, 5.0, 3.0, 5.0, 1.0, 2.0, 4.0, 3.0];
/// let role = [Some(0), Some(0), Some(0), Some(0), Some(1), Some(1), Some(1), Some(1)];
/// let table = Crosstab::new(&counts, &CrosstabOptions::default().min_base(2))?
///     .with_mean_row("Mean", &scores, &role, None)?;
/// let leaders = &table.mean_rows()[0].cells[0];
/// assert_eq!((leaders.count, leaders.mean), (4, Some(4.25)));
/// assert!(leaders.interval.is_some_and(|ci| ci.lower < 4.25 && 4.25 < ci.upper));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeanCell {
    /// Respondents of the column with a value (and a positive weight).
    pub count: u64,
    /// Their weight.
    pub weighted_count: f64,
    /// The mean; `None` with fewer than two values.
    pub mean: Option<f64>,
    /// Its standard error (design-based for a design's row).
    pub std_error: Option<f64>,
    /// Its t interval.
    pub interval: Option<Interval>,
    /// The interval's degrees of freedom: the (effective) base minus one, or the design's.
    pub degrees_of_freedom: Option<f64>,
    /// Letters of the columns whose mean this one significantly exceeds.
    pub letters: String,
}

/// A row of means in a [`Crosstab`]: one [`MeanCell`] per column, every pair of columns with at
/// least the minimum base of values tested (Welch's t, or the design-based t on the design's
/// degrees of freedom) and adjusted within the row as the share rows are, and one test that all
/// those columns' means are equal (Welch's ANOVA, or the design-based Wald F).
///
/// # Examples
///
/// ```
/// use survey_analytics::{Categories, CrossCounts, Crosstab, CrosstabOptions};
///
/// let counts = CrossCounts::from_table(Categories::new("sat", ["low", "high"])?,
///     Categories::new("role", ["leader", "ic"])?, &[[1, 2], [3, 2]])?;
/// let scores = [4.0, 5.0, 3.0, 5.0, 1.0, 2.0, 4.0, 3.0];
/// let role = [Some(0), Some(0), Some(0), Some(0), Some(1), Some(1), Some(1), Some(1)];
/// let table = Crosstab::new(&counts, &CrosstabOptions::default().min_base(2))?
///     .with_mean_row("Mean", &scores, &role, None)?;
/// let row = &table.mean_rows()[0];
/// assert_eq!(row.tests.len(), 1);
/// assert!(row.omnibus.is_some());
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeanRow {
    /// The row's label ("Mean", say).
    pub label: String,
    /// One cell per column, in column order.
    pub cells: Vec<MeanCell>,
    /// Every pair of tested columns: the difference of means and its p-values.
    pub tests: Vec<PairTest>,
    /// The test that the tested columns' means are equal, when at least two are tested.
    pub omnibus: Option<FTest>,
}

impl Crosstab {
    /// Adds a row of the means of `values` (one per respondent; NaN: no value) in the table's
    /// columns, `groups[k]` being respondent `k`'s column (`None`: none), weighted by `weights`
    /// when given (standard errors on each column's Kish effective base, as statsmodels'
    /// `DescrStatsW` with weights rescaled to it). Letters come from Welch's t-tests between
    /// columns with at least the minimum base of values (pooled-variance t-tests when the options
    /// say so, [`CrosstabOptions::means`]), adjusted within the row; the omnibus test is Welch's
    /// ANOVA across them (the classic one-way ANOVA when pooled).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, CrossCounts, Crosstab, CrosstabOptions};
    ///
    /// let counts = CrossCounts::from_table(Categories::new("sat", ["low", "high"])?,
    ///     Categories::new("role", ["leader", "ic"])?, &[[0, 3], [3, 0]])?;
    /// let scores = [5.0, 4.0, 5.0, 1.0, 2.0, 1.0];
    /// let role = [Some(0), Some(0), Some(0), Some(1), Some(1), Some(1)];
    /// let table = Crosstab::new(&counts, &CrosstabOptions::default().min_base(3))?
    ///     .with_mean_row("Mean", &scores, &role, None)?;
    /// assert_eq!(table.mean_rows()[0].cells[0].letters, "B");
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::LengthMismatch`] unless `groups` (and `weights`) have one entry per value;
    /// [`Error::CategoryOutOfRange`] for a group past the table's columns; as
    /// [`MeanEstimate::weighted`] for an invalid value or weight.
    pub fn with_mean_row(
        self,
        label: &str,
        values: &[f64],
        groups: &[Option<usize>],
        weights: Option<&[f64]>,
    ) -> Result<Self> {
        let value = |k: usize| values.get(k).copied().unwrap_or(f64::NAN);
        self.with_mean_row_of(label, values.len(), value, groups, weights)
    }

    /// [`Crosstab::with_mean_row`] of `len` respondents' values `value(k)` and groups read in
    /// place.
    pub(crate) fn with_mean_row_of<G: CodeColumn + ?Sized>(
        self,
        label: &str,
        len: usize,
        value: impl Fn(usize) -> f64 + Sync,
        groups: &G,
        weights: Option<&[f64]>,
    ) -> Result<Self> {
        let g = self.check_codes(len, groups)?;
        let means = grouped_means_of(len, value, |k| groups.code(k), weights, g)?;
        self.with_means(label, &means)
    }

    /// Adds a row of means of a rating question from its counts by column: each answer's
    /// `scores[a]` (NaN: left out, as a "don't know" kept as a category), the weights and squared
    /// weights summed per cell giving each column's mean, variance and Kish effective base
    /// exactly as the respondents' values would (up to the order of the additions), without a
    /// pass over the respondents.
    pub(crate) fn with_mean_row_from_counts(
        self,
        label: &str,
        counts: &CrossCounts,
        scores: &[f64],
    ) -> Result<Self> {
        let means: Vec<Option<MeanEstimate>> = (0..self.columns.len())
            .map(|c| {
                let cells = || {
                    scores
                        .iter()
                        .enumerate()
                        .filter(|(_, s)| s.is_finite())
                        .map(move |(a, &s)| (s, counts.cell(a, c)))
                };
                let (mut n, mut w, mut w2, mut wx) = (0_u64, 0.0_f64, 0.0_f64, 0.0_f64);
                for (s, sums) in cells() {
                    n += sums.count();
                    w += sums.weight();
                    w2 += sums.weight_squared();
                    wx += sums.weight() * s;
                }
                let effective = if w2 > 0.0 { w * w / w2 } else { 0.0 };
                if n < 2 || effective <= 1.0 {
                    return None;
                }
                // Respondents of the column without a score: no answer, or an unscored answer.
                let unscored: u64 = scores
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| !s.is_finite())
                    .map(|(a, _)| counts.cell(a, c).count())
                    .sum();
                let missing = counts.missing(c).count() + unscored;
                let mean = wx / w;
                let squares: f64 = cells()
                    .map(|(s, sums)| sums.weight() * (s - mean) * (s - mean))
                    .sum();
                let variance = squares / w;
                Some(MeanEstimate {
                    mean,
                    std_dev: (variance * effective / (effective - 1.0)).sqrt(),
                    std_error: (variance / (effective - 1.0)).sqrt(),
                    degrees_of_freedom: effective - 1.0,
                    count: n,
                    missing,
                    weight_sum: w,
                    effective_base: effective,
                })
            })
            .collect();
        self.with_means(label, &means)
    }

    /// Adds a row of the columns' means: their cells, letters and test.
    fn with_means(mut self, label: &str, means: &[Option<MeanEstimate>]) -> Result<Self> {
        let g = means.len();
        let variance = self.settings.means;
        let tested = self.tested(means);
        let level = self.settings.intervals.level;
        let mut tests = Vec::new();
        for a in 0..g {
            for b in a + 1..g {
                if let (Some(ma), Some(mb)) = (tested[a], tested[b]) {
                    let d = mean_difference(&ma, &mb, variance, level, Alternative::TwoSided);
                    tests.push(pair(a, b, d.estimate, d.test.p_value));
                }
            }
        }
        let included: Vec<MeanEstimate> = tested.iter().flatten().copied().collect();
        let omnibus = (included.len() >= 2)
            .then(|| means_anova(&included, variance).ok())
            .flatten();
        let cells = means
            .iter()
            .map(|m| MeanCell {
                count: m.map_or(0, |m| m.count),
                weighted_count: m.map_or(0.0, |m| m.weight_sum),
                mean: m.map(|m| m.mean),
                std_error: m.map(|m| m.std_error),
                interval: m.map(|m| m.interval(level)),
                degrees_of_freedom: m.map(|m| m.degrees_of_freedom),
                letters: String::new(),
            })
            .collect();
        self.push_mean_row(label, cells, tests, omnibus)?;
        Ok(self)
    }

    /// Adds a row of design-based means of `values` in the table's columns: each column a domain
    /// of the design (R's `svyby(~y, ~group, design, svymean, covmat = TRUE)`), its t interval on
    /// the design's degrees of freedom, letters from t-tests of each difference with its design
    /// covariance (`svycontrast`), and the Wald F test of equal means across the tested columns
    /// (`regTermTest` on `svyglm(y ~ group)`).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, Crosstab, CrosstabOptions, SampleDesign};
    ///
    /// let design = SampleDesign::new(vec![1.0, 2.0, 1.0, 2.0, 1.0, 2.0, 1.0, 2.0])?
    ///     .with_clusters(&[1, 1, 2, 2, 3, 3, 4, 4])?;
    /// let answers = Categories::new("sat", ["low", "high"])?;
    /// let groups = Categories::new("role", ["leader", "ic"])?;
    /// let high = [Some(1), Some(1), Some(0), Some(1), Some(0), Some(0), Some(1), Some(0)];
    /// let role = [Some(0), Some(1), Some(0), Some(1), Some(0), Some(1), Some(0), Some(1)];
    /// let scores = [5.0, 4.0, 2.0, 4.0, 1.0, 2.0, 5.0, 1.0];
    /// let options = CrosstabOptions::default().min_base(2);
    /// let table = Crosstab::from_design(&design, &answers, &groups, &high, &role, &options)?
    ///     .with_design_mean_row("Mean", &design, &scores, &role)?;
    /// let cell = &table.mean_rows()[0].cells[0];
    /// assert_eq!(cell.degrees_of_freedom, Some(3.0)); // 4 clusters - 1
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Crosstab::with_mean_row`] and [`SampleDesign::domain_means`].
    pub fn with_design_mean_row(
        self,
        label: &str,
        design: &SampleDesign,
        values: &[f64],
        groups: &[Option<usize>],
    ) -> Result<Self> {
        design.check_len("values", values.len())?;
        let value = |k: usize| values.get(k).copied().unwrap_or(f64::NAN);
        self.with_design_mean_row_of(label, design, value, groups)
    }

    /// [`Crosstab::with_design_mean_row`] of values `value(k)` and groups read in place.
    pub(crate) fn with_design_mean_row_of<G: CodeColumn + ?Sized>(
        mut self,
        label: &str,
        design: &SampleDesign,
        value: impl Fn(usize) -> f64,
        groups: &G,
    ) -> Result<Self> {
        let g = self.check_codes(design.len(), groups)?;
        let domains = design.domain_means_of(value, groups, g)?;
        let df = design.degrees_of_freedom();
        let level = self.settings.intervals.level;
        let min_base = self.settings.min_base.max(2);
        let tested: Vec<usize> = (0..g)
            .filter(|&c| {
                domains
                    .estimates()
                    .get(c)
                    .copied()
                    .flatten()
                    .is_some_and(|e| e.observations >= min_base && e.std_error.is_finite())
            })
            .collect();
        let t = StudentT::new(df).ok();
        let mut tests = Vec::new();
        for (i, &a) in tested.iter().enumerate() {
            for &b in &tested[i + 1..] {
                if let (Ok(contrast), Some(t)) = (domains.contrast(a, b), t) {
                    let p = if contrast.std_error > 0.0 {
                        t.two_sided_p(contrast.estimate / contrast.std_error)
                    } else if contrast.estimate == 0.0 {
                        1.0
                    } else {
                        0.0
                    };
                    tests.push(pair(a, b, contrast.estimate, p));
                }
            }
        }
        let omnibus = (tested.len() >= 2)
            .then(|| domains.equality_test(&tested, df).ok())
            .flatten();
        let tail = 0.5 * (1.0 - level.value());
        let critical = t.map(|t| -t.quantile(tail).unwrap_or(f64::NAN));
        let cells = domains
            .estimates()
            .iter()
            .map(|e| {
                let interval = e.zip(critical).map(|(e, c)| Interval {
                    lower: e.estimate - c * e.std_error,
                    upper: e.estimate + c * e.std_error,
                });
                MeanCell {
                    count: e.map_or(0, |e| e.observations),
                    weighted_count: e.map_or(0.0, |e| e.weight_sum),
                    mean: e.map(|e| e.estimate),
                    std_error: e.map(|e| e.std_error),
                    interval: interval.filter(|i| i.lower.is_finite() && i.upper.is_finite()),
                    degrees_of_freedom: e.map(|_| df),
                    letters: String::new(),
                }
            })
            .collect();
        self.push_mean_row(label, cells, tests, omnibus)?;
        Ok(self)
    }

    /// Adds a Net Promoter Score row from 0-10 `ratings` (one per respondent; NaN: no answer):
    /// in each column the share of promoters (9-10) minus that of detractors (0-6), as a
    /// [`MeanRow`] whose means are the scores on the share scale (-1 to 1: the mean of the
    /// +1/0/-1 recode), with the trinomial standard error, Tango's score interval
    /// ([`NpsMethod::Score`](crate::NpsMethod)), letters from z-tests between columns with at least
    /// the minimum base, adjusted within the row; weighted on each column's Kish effective base.
    /// No omnibus test.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, CrossCounts, Crosstab, CrosstabOptions};
    ///
    /// let counts = CrossCounts::from_table(Categories::new("recommend", ["any"])?,
    ///     Categories::new("role", ["leader", "ic"])?, &[[4, 4]])?;
    /// let ratings = [10.0, 9.0, 9.0, 3.0, 6.0, 7.0, 8.0, 2.0];
    /// let role = [Some(0), Some(0), Some(0), Some(0), Some(1), Some(1), Some(1), Some(1)];
    /// let table = Crosstab::new(&counts, &CrosstabOptions::default().min_base(2))?
    ///     .with_nps_row("NPS", &ratings, &role, None)?;
    /// let leaders = &table.nps_rows()[0].cells[0];
    /// assert_eq!(leaders.mean, Some(0.5)); // 3 promoters, 1 detractor of 4
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Crosstab::with_mean_row`]; [`Error::InvalidValue`] for a rating that is not a whole
    /// number from 0 to 10, naming its record.
    pub fn with_nps_row(
        self,
        label: &str,
        ratings: &[f64],
        groups: &[Option<usize>],
        weights: Option<&[f64]>,
    ) -> Result<Self> {
        let rating = |k: usize| ratings.get(k).copied().unwrap_or(f64::NAN);
        self.with_nps_row_of(label, ratings.len(), rating, groups, weights)
    }

    /// [`Crosstab::with_nps_row`] of `len` respondents' ratings `rating(k)` and groups read in
    /// place.
    pub(crate) fn with_nps_row_of<G: CodeColumn + ?Sized>(
        self,
        label: &str,
        len: usize,
        rating_of: impl Fn(usize) -> f64,
        groups: &G,
        weights: Option<&[f64]>,
    ) -> Result<Self> {
        let g = self.check_codes(len, groups)?;
        if let Some(w) = weights
            && w.len() != len
        {
            return Err(Error::LengthMismatch {
                name: "weights",
                expected: len,
                len: w.len(),
                per: "value",
            });
        }
        // Per column: weighted promoters, passives, detractors, squared weights; and counts.
        let mut sums = vec![([0.0_f64; 3], 0.0_f64, 0_u64); g];
        for record in 0..len {
            let Some(c) = groups.code(record) else {
                continue;
            };
            let rating = rating_of(record);
            if rating.is_nan() {
                continue;
            }
            let class = nps_class(rating).ok_or(Error::InvalidValue {
                name: "ratings (whole numbers from 0 to 10)",
                record,
                value: rating,
            })?;
            let w = weights.map_or(1.0, |w| w.get(record).copied().unwrap_or(0.0));
            if !(w.is_finite() && w >= 0.0) {
                return Err(Error::InvalidWeight {
                    value: w,
                    record: Some(record),
                });
            }
            if w == 0.0 {
                continue;
            }
            let Some((classes, squares, count)) = sums.get_mut(c) else {
                continue;
            };
            classes[class] += w;
            *squares += w * w;
            *count += 1;
        }
        self.with_nps_sums(label, &sums, weights.is_some())
    }

    /// Adds a Net Promoter Score row from each column's weighted promoters, passives and
    /// detractors, squared weights and count.
    fn with_nps_sums(
        mut self,
        label: &str,
        sums: &[([f64; 3], f64, u64)],
        weighted: bool,
    ) -> Result<Self> {
        let g = sums.len();
        let level = self.settings.intervals.level;
        let scores: Vec<Option<(NetPromoter, u64, f64)>> = sums
            .iter()
            .map(|&([p, m, d], squares, count)| {
                let total = p + m + d;
                let score = if weighted {
                    NetPromoter::from_weighted(p, m, d, total * total / squares)
                } else {
                    NetPromoter::new(p as u64, m as u64, d as u64)
                };
                score.ok().map(|s| (s, count, total))
            })
            .collect();
        let min_base = self.settings.min_base.max(2);
        let tested = |c: usize| scores[c].filter(|(_, count, _)| *count >= min_base);
        let mut tests = Vec::new();
        for a in 0..g {
            for b in a + 1..g {
                if let (Some((sa, ..)), Some((sb, ..))) = (tested(a), tested(b)) {
                    let p = nps_z_test(sa, sb, Alternative::TwoSided).map_or(
                        if sa.estimate() == sb.estimate() {
                            1.0
                        } else {
                            0.0
                        },
                        |t| t.p_value,
                    );
                    tests.push(pair(a, b, sa.estimate() - sb.estimate(), p));
                }
            }
        }
        let cells = scores
            .iter()
            .map(|s| MeanCell {
                count: s.map_or(0, |s| s.1),
                weighted_count: s.map_or(0.0, |s| s.2),
                mean: s.map(|s| s.0.estimate()),
                std_error: s.map(|s| s.0.std_error()),
                interval: s.map(|s| s.0.interval(NpsMethod::Score, level)),
                degrees_of_freedom: None,
                letters: String::new(),
            })
            .collect();
        let row = self.mean_row(label, cells, tests, None)?;
        self.nps.push(row);
        Ok(self)
    }

    /// Adds a Net Promoter Score row from the counts of a 0-10 question by column (`ratings[a]`:
    /// answer `a`'s rating; NaN or anything else than 0 to 10 leaves it out), as
    /// [`Crosstab::with_nps_row`] gives it from the respondents.
    pub(crate) fn with_nps_row_from_counts(
        self,
        label: &str,
        counts: &CrossCounts,
        ratings: &[f64],
    ) -> Result<Self> {
        let g = self.columns.len();
        let mut sums = vec![([0.0_f64; 3], 0.0_f64, 0_u64); g];
        for (a, &r) in ratings.iter().enumerate() {
            let Some(class) = nps_class(r) else { continue };
            for (c, (classes, squares, count)) in sums.iter_mut().enumerate() {
                let cell = counts.cell(a, c);
                classes[class] += cell.weight();
                *squares += cell.weight_squared();
                *count += cell.count();
            }
        }
        let weighted = self.weighted;
        self.with_nps_sums(label, &sums, weighted)
    }

    /// Adds a design-based Net Promoter Score row: the design-based mean of the +1/0/-1 recode of
    /// the 0-10 `ratings` in each column, as [`Crosstab::with_design_mean_row`] gives it (its t
    /// interval, letters and Wald F on the design's degrees of freedom).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, Crosstab, CrosstabOptions, SampleDesign};
    ///
    /// let design = SampleDesign::new(vec![1.0; 8])?.with_clusters(&[1, 1, 2, 2, 3, 3, 4, 4])?;
    /// let answers = Categories::new("recommend", ["any"])?;
    /// let groups = Categories::new("role", ["leader", "ic"])?;
    /// let ratings = [10.0, 9.0, 9.0, 3.0, 6.0, 7.0, 8.0, 2.0];
    /// let role = [Some(0), Some(0), Some(0), Some(0), Some(1), Some(1), Some(1), Some(1)];
    /// let table = Crosstab::from_design(&design, &answers, &groups, &[Some(0); 8], &role, &CrosstabOptions::default())?
    ///     .with_design_nps_row("NPS", &design, &ratings, &role)?;
    /// assert_eq!(table.nps_rows()[0].cells[0].mean, Some(0.5));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Crosstab::with_design_mean_row`] and [`Crosstab::with_nps_row`].
    pub fn with_design_nps_row(
        self,
        label: &str,
        design: &SampleDesign,
        ratings: &[f64],
        groups: &[Option<usize>],
    ) -> Result<Self> {
        design.check_len("ratings", ratings.len())?;
        self.with_design_nps_row_of(
            label,
            design,
            |k| ratings.get(k).copied().unwrap_or(f64::NAN),
            groups,
        )
    }

    /// [`Crosstab::with_design_nps_row`] of ratings `rating(k)` and groups read in place.
    pub(crate) fn with_design_nps_row_of<G: CodeColumn + ?Sized>(
        mut self,
        label: &str,
        design: &SampleDesign,
        rating: impl Fn(usize) -> f64,
        groups: &G,
    ) -> Result<Self> {
        if let Some((record, value)) = (0..design.len())
            .map(|k| (k, rating(k)))
            .find(|(_, r)| !r.is_nan() && nps_class(*r).is_none())
        {
            return Err(Error::InvalidValue {
                name: "ratings (whole numbers from 0 to 10)",
                record,
                value,
            });
        }
        let recode = |k: usize| match nps_class(rating(k)) {
            Some(0) => 1.0,
            Some(1) => 0.0,
            Some(_) => -1.0,
            None => f64::NAN,
        };
        self = self.with_design_mean_row_of(label, design, recode, groups)?;
        if let Some(row) = self.means.pop() {
            self.nps.push(row);
        }
        Ok(self)
    }

    /// The Net Promoter Score rows, in the order added; each cell's `mean` is the score on the
    /// share scale (-1 to 1).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, CrossCounts, Crosstab, CrosstabOptions};
    /// let counts = CrossCounts::from_table(Categories::new("q", ["yes", "no"])?,
    ///     Categories::new("role", ["leader", "ic"])?, &[[53, 72], [77, 328]])?;
    /// assert!(Crosstab::new(&counts, &CrosstabOptions::default())?.nps_rows().is_empty());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn nps_rows(&self) -> &[MeanRow] {
        &self.nps
    }

    /// The rows of means, in the order added.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, CrossCounts, Crosstab, CrosstabOptions};
    ///
    /// let counts = CrossCounts::from_table(Categories::new("q", ["yes", "no"])?,
    ///     Categories::new("role", ["leader", "ic"])?, &[[53, 72], [77, 328]])?;
    /// assert!(Crosstab::new(&counts, &CrosstabOptions::default())?.mean_rows().is_empty());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn mean_rows(&self) -> &[MeanRow] {
        &self.means
    }

    /// Checks one group code per respondent, each within the columns; the number of columns.
    fn check_codes<G: CodeColumn + ?Sized>(&self, len: usize, groups: &G) -> Result<usize> {
        let g = self.columns.len();
        if groups.len() != len {
            return Err(Error::LengthMismatch {
                name: "groups",
                expected: len,
                len: groups.len(),
                per: "value",
            });
        }
        if let Some(index) = (0..len).filter_map(|k| groups.code(k)).find(|&c| c >= g) {
            return Err(Error::CategoryOutOfRange {
                dimension: self.group_by.clone(),
                index,
                len: g,
            });
        }
        Ok(g)
    }

    /// The columns' means that take part in the tests: at least the minimum base of values.
    fn tested(&self, means: &[Option<MeanEstimate>]) -> Vec<Option<MeanEstimate>> {
        let min_base = self.settings.min_base.max(2);
        means
            .iter()
            .map(|m| m.filter(|m| m.count >= min_base))
            .collect()
    }

    /// Adjusts the row's tests, gives each cell its letters and adds the row.
    fn push_mean_row(
        &mut self,
        label: &str,
        cells: Vec<MeanCell>,
        tests: Vec<PairTest>,
        omnibus: Option<FTest>,
    ) -> Result<()> {
        let row = self.mean_row(label, cells, tests, omnibus)?;
        self.means.push(row);
        Ok(())
    }

    /// A row with its tests adjusted and each cell's letters.
    fn mean_row(
        &self,
        label: &str,
        mut cells: Vec<MeanCell>,
        mut tests: Vec<PairTest>,
        omnibus: Option<FTest>,
    ) -> Result<MeanRow> {
        let beats = assign_letters(&mut tests, cells.len(), self.settings.tests)?;
        for (cell, beaten) in cells.iter_mut().zip(beats) {
            cell.letters = beaten.into_iter().map(column_letter).collect();
        }
        Ok(MeanRow {
            label: label.to_string(),
            cells,
            tests,
            omnibus,
        })
    }
}

/// A 0-10 rating's class: 0 promoter (9-10), 1 passive (7-8), 2 detractor (0-6); `None` for
/// anything else.
fn nps_class(rating: f64) -> Option<usize> {
    if !(0.0..=10.0).contains(&rating) || rating.fract() != 0.0 {
        return None;
    }
    Some(match rating {
        9.0.. => 0,
        7.0.. => 1,
        _ => 2,
    })
}

fn pair(a: usize, b: usize, difference: f64, p_value: f64) -> PairTest {
    PairTest {
        a,
        b,
        difference,
        p_value,
        adjusted_p_value: p_value,
    }
}

/// Two yes/no items compared within each column of a [`Crosstab`], among the column's
/// respondents who answered both ([`Crosstab::with_paired_row`]).
///
/// # Examples
///
/// ```
/// use survey_analytics::{Categories, CrossCounts, Crosstab, CrosstabOptions};
///
/// let counts = CrossCounts::from_table(Categories::new("q", ["any"])?,
///     Categories::new("role", ["leader", "ic"])?, &[[4, 4]])?;
/// let content = [Some(true), Some(true), Some(true), Some(false), Some(true), Some(false), Some(true), None];
/// let images = [Some(false), Some(true), Some(false), Some(false), Some(false), Some(false), Some(true), Some(true)];
/// let role = [Some(0), Some(0), Some(0), Some(0), Some(1), Some(1), Some(1), Some(1)];
/// let table = Crosstab::new(&counts, &CrosstabOptions::default())?
///     .with_paired_row("content", "images", &content, &images, &role)?;
/// let leaders = table.paired_rows()[0].cells[0].as_ref().unwrap();
/// assert_eq!((leaders.first_share, leaders.second_share), (0.75, 0.25));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairedRow {
    /// The first item's name.
    pub first: String,
    /// The second item's name.
    pub second: String,
    /// One per column: `None` where nobody in the column answered both.
    pub cells: Vec<Option<PairedComparison>>,
}

impl Crosstab {
    /// Adds a row comparing two yes/no items answered by the same respondents, within each column:
    /// from the column's counts, Newcombe's paired interval (method 10) and McNemar's mid-p test
    /// ([`PairedComparison::new`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, CrossCounts, Crosstab, CrosstabOptions};
    /// let counts = CrossCounts::from_table(Categories::new("q", ["any"])?, Categories::new("g", ["a"])?, &[[3]])?;
    /// let table = Crosstab::new(&counts, &CrosstabOptions::default())?
    ///     .with_paired_row("x", "y", &[Some(true), Some(true), None], &[Some(false), Some(true), Some(true)], &[Some(0); 3])?;
    /// assert_eq!(table.paired_rows()[0].cells[0].as_ref().unwrap().respondents, 2);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::LengthMismatch`] unless both items and the groups have one entry per
    /// respondent; [`Error::CategoryOutOfRange`] for a group past the table's columns.
    pub fn with_paired_row(
        mut self,
        first: &str,
        second: &str,
        first_answers: &[Option<bool>],
        second_answers: &[Option<bool>],
        groups: &[Option<usize>],
    ) -> Result<Self> {
        let g = self.check_codes(first_answers.len(), groups)?;
        check_items(first_answers.len(), second_answers.len())?;
        let mut tables = vec![[0_u64; 4]; g];
        for ((a, b), group) in first_answers.iter().zip(second_answers).zip(groups) {
            if let (Some(a), Some(b), Some(c)) = (a, b, group) {
                let cell = match (a, b) {
                    (true, true) => 0,
                    (true, false) => 1,
                    (false, true) => 2,
                    (false, false) => 3,
                };
                tables[*c][cell] += 1;
            }
        }
        let level = self.settings.intervals.level;
        let cells = tables
            .iter()
            .map(|&[both, first_only, second_only, neither]| {
                PairedCounts::new(both, first_only, second_only, neither)
                    .ok()
                    .map(|counts| {
                        PairedComparison::new(
                            counts,
                            PairedDifferenceMethod::default(),
                            McNemarMethod::default(),
                            level,
                        )
                    })
            })
            .collect();
        self.paired.push(PairedRow {
            first: first.to_string(),
            second: second.to_string(),
            cells,
        });
        Ok(self)
    }

    /// Adds a row comparing two yes/no items answered by the same respondents within each column,
    /// design-based ([`PairedComparison::from_design`] on each column's domain).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, Crosstab, CrosstabOptions, SampleDesign};
    /// let design = SampleDesign::new(vec![1.0; 6])?.with_clusters(&[1, 1, 2, 2, 3, 3])?;
    /// let answers = Categories::new("q", ["any"])?;
    /// let groups = Categories::new("g", ["a"])?;
    /// let x = [Some(true), Some(true), Some(false), Some(true), Some(true), Some(false)];
    /// let y = [Some(false), Some(true), Some(false), Some(false), Some(true), Some(false)];
    /// let table = Crosstab::from_design(&design, &answers, &groups, &[Some(0); 6], &[Some(0); 6], &CrosstabOptions::default())?
    ///     .with_design_paired_row("x", "y", &design, &x, &y, &[Some(0); 6])?;
    /// let cell = table.paired_rows()[0].cells[0].as_ref().unwrap();
    /// assert!((cell.difference - 2.0 / 6.0).abs() < 1e-15);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Crosstab::with_paired_row`] and [`PairedComparison::from_design`] (except that a
    /// column where nobody answered both gets `None`).
    pub fn with_design_paired_row(
        mut self,
        first: &str,
        second: &str,
        design: &SampleDesign,
        first_answers: &[Option<bool>],
        second_answers: &[Option<bool>],
        groups: &[Option<usize>],
    ) -> Result<Self> {
        let g = self.check_codes(first_answers.len(), groups)?;
        check_items(first_answers.len(), second_answers.len())?;
        let level = self.settings.intervals.level;
        let mut cells = Vec::with_capacity(g);
        for c in 0..g {
            let within = |answers: &[Option<bool>]| -> Vec<Option<bool>> {
                answers
                    .iter()
                    .zip(groups)
                    .map(|(a, group)| a.filter(|_| *group == Some(c)))
                    .collect()
            };
            let cell = match PairedComparison::from_design(
                design,
                &within(first_answers),
                &within(second_answers),
                level,
            ) {
                Ok(cell) => Some(cell),
                Err(Error::EmptyBase) => None,
                Err(e) => return Err(e),
            };
            cells.push(cell);
        }
        self.paired.push(PairedRow {
            first: first.to_string(),
            second: second.to_string(),
            cells,
        });
        Ok(self)
    }

    /// The rows comparing paired items, in the order added.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, CrossCounts, Crosstab, CrosstabOptions};
    /// let counts = CrossCounts::from_table(Categories::new("q", ["yes", "no"])?,
    ///     Categories::new("role", ["leader", "ic"])?, &[[53, 72], [77, 328]])?;
    /// assert!(Crosstab::new(&counts, &CrosstabOptions::default())?.paired_rows().is_empty());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn paired_rows(&self) -> &[PairedRow] {
        &self.paired
    }
}

/// Both items need one answer per respondent.
fn check_items(first: usize, second: usize) -> Result<()> {
    if first != second {
        return Err(Error::LengthMismatch {
            name: "second item's answers",
            expected: first,
            len: second,
            per: "respondent",
        });
    }
    Ok(())
}

impl Crosstab {
    /// A table of a numeric question by `groups`: no share rows (rows of means are added to
    /// it), each column's base the respondents with a value (weighted, with its Kish effective
    /// base, when weights or a design are given), its missing those without.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn for_values<G: CodeColumn + ?Sized>(
        question: &str,
        groups: &Categories,
        len: usize,
        value: impl Fn(usize) -> f64,
        group_codes: &G,
        weights: Option<&[f64]>,
        design: Option<&SampleDesign>,
        options: &CrosstabOptions,
    ) -> Result<Crosstab> {
        let weights = design.map(SampleDesign::weights).or(weights);
        if let Some(w) = weights
            && w.len() != len
        {
            return Err(Error::LengthMismatch {
                name: "weights",
                expected: len,
                len: w.len(),
                per: "respondent",
            });
        }
        let g = groups.len();
        let largest = weights.map_or(1.0, |w| {
            w.iter()
                .copied()
                .filter(|w| w.is_finite())
                .fold(0.0, f64::max)
        });
        // Per column (and for the ungrouped): respondents, weight and scaled squared weight, with a
        // value and without.
        let mut sums = vec![[(0_u64, 0.0_f64, 0.0_f64); 2]; g + 1];
        for k in 0..len {
            let w = weights.map_or(1.0, |w| w.get(k).copied().unwrap_or(0.0));
            if !(w.is_finite() && w >= 0.0) {
                return Err(Error::InvalidWeight {
                    value: w,
                    record: Some(k),
                });
            }
            let column = group_codes.code(k).map_or(g, |c| c.min(g));
            let kind = usize::from(value(k).is_nan());
            let scaled = if largest > 0.0 { w / largest } else { 0.0 };
            if let Some(cell) = sums.get_mut(column).and_then(|s| s.get_mut(kind)) {
                cell.0 += 1;
                cell.1 += w;
                cell.2 += scaled * scaled;
            }
        }
        let base = |(count, weight, squares): (u64, f64, f64)| {
            let scaled = if largest > 0.0 { weight / largest } else { 0.0 };
            Base {
                count,
                weighted: weight,
                effective: if squares > 0.0 {
                    scaled * scaled / squares
                } else {
                    0.0
                },
            }
        };
        let settings = options.settings;
        let columns = (0..g)
            .map(|c| {
                let [with, without] = sums[c];
                CrosstabColumn {
                    label: groups.label(c).unwrap_or_default().to_string(),
                    letter: column_letter(c),
                    base: base(with),
                    missing: base(without),
                    tested: with.0 >= settings.min_base.max(1),
                }
            })
            .collect();
        let [with, without] = sums[g];
        let ungrouped = base((with.0 + without.0, with.1 + without.1, with.2 + without.2));
        Ok(Crosstab {
            question: question.to_string(),
            group_by: groups.name().to_string(),
            kind: QuestionKind::SingleChoice,
            weighted: weights.is_some(),
            settings,
            columns,
            rows: Vec::new(),
            omnibus: None,
            ungrouped,
            design: design.map(|d| DesignSummary::of(d, d.degrees_of_freedom())),
            means: Vec::new(),
            nps: Vec::new(),
            paired: Vec::new(),
            covariances: Vec::new(),
        })
    }
}

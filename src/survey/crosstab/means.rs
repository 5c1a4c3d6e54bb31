//! Rows of means in a crosstab: the mean of a rating or numeric answer in each column, with its
//! interval, letters from pairwise t-tests adjusted within the row, and one test across the
//! columns; weighted on effective bases, or design-based.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::stats::alternative::Alternative;
use crate::stats::interval::Interval;
use crate::stats::means::{
    FTest, MeanEstimate, StudentT, VarianceAssumption, grouped_means, mean_difference, means_anova,
};
use crate::survey::crosstab::Crosstab;
use crate::survey::crosstab::letters::{PairTest, assign_letters, column_letter};
use crate::survey::design::SampleDesign;

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
    /// columns with at least the minimum base of values, adjusted within the row; the omnibus test
    /// is Welch's ANOVA across them.
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
        mut self,
        label: &str,
        values: &[f64],
        groups: &[Option<usize>],
        weights: Option<&[f64]>,
    ) -> Result<Self> {
        let g = self.check_groups(values.len(), groups)?;
        let means = grouped_means(values, |k| groups.get(k).copied().flatten(), weights, g)?;
        let tested = self.tested(&means);
        let level = self.settings.intervals.level;
        let mut tests = Vec::new();
        for a in 0..g {
            for b in a + 1..g {
                if let (Some(ma), Some(mb)) = (tested[a], tested[b]) {
                    let d = mean_difference(
                        &ma,
                        &mb,
                        VarianceAssumption::Welch,
                        level,
                        Alternative::TwoSided,
                    );
                    tests.push(pair(a, b, d.estimate, d.test.p_value));
                }
            }
        }
        let included: Vec<MeanEstimate> = tested.iter().flatten().copied().collect();
        let omnibus = (included.len() >= 2)
            .then(|| means_anova(&included, VarianceAssumption::Welch).ok())
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
        mut self,
        label: &str,
        design: &SampleDesign,
        values: &[f64],
        groups: &[Option<usize>],
    ) -> Result<Self> {
        let g = self.check_groups(values.len(), groups)?;
        let domains = design.domain_means(values, groups, g)?;
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

    /// Checks one group entry per value, each within the columns; the number of columns.
    fn check_groups(&self, values: usize, groups: &[Option<usize>]) -> Result<usize> {
        let g = self.columns.len();
        if groups.len() != values {
            return Err(Error::LengthMismatch {
                name: "groups",
                expected: values,
                len: groups.len(),
                per: "value",
            });
        }
        if let Some(&index) = groups.iter().flatten().find(|&&c| c >= g) {
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
        mut cells: Vec<MeanCell>,
        mut tests: Vec<PairTest>,
        omnibus: Option<FTest>,
    ) -> Result<()> {
        let beats = assign_letters(&mut tests, cells.len(), self.settings.tests)?;
        for (cell, beaten) in cells.iter_mut().zip(beats) {
            cell.letters = beaten.into_iter().map(column_letter).collect();
        }
        self.means.push(MeanRow {
            label: label.to_string(),
            cells,
            tests,
            omnibus,
        });
        Ok(())
    }
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

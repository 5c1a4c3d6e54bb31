//! Crosstabs: a question by a group, with bases, shares, intervals and significance letters.
//!
//! One idea in four files: the result types and their accessors (here), the settings and options
//! builder (`options.rs`), the crosstab of counts with its pooled z-tests and chi-square test
//! (`pooled.rs`), the crosstab under a sample design with its design-based tests and Rao-Scott test
//! (`design.rs`), and the letter assignment both share (`letters.rs`).

pub(crate) mod banners;
mod design;
pub(crate) mod letters;
pub(crate) mod means;
pub(crate) mod options;
mod pooled;
pub(crate) mod versus;

use serde::{Deserialize, Serialize};

use crate::stats::chi_square::ChiSquareTest;
use crate::survey::counts::QuestionKind;
use crate::survey::crosstab::letters::PairTest;
use crate::survey::crosstab::means::{MeanRow, PairedRow};
use crate::survey::crosstab::options::CrosstabSettings;
use crate::survey::design::SampleDesign;
use crate::survey::design::rao_scott::RaoScottTest;
use crate::survey::design::replicate::ReplicateMethod;
use crate::survey::estimate::{Base, Estimate};

/// A column (group) of a [`Crosstab`].
///
/// # Examples
///
/// ```
/// use survey_analytics::{Categories, CrossCounts, Crosstab, CrosstabOptions};
///
/// // Knows how impact is measured: 53/130 leaders (A), 126/300 managers (B), 72/400 ICs (C).
/// let counts = CrossCounts::from_table(Categories::new("knows_impact", ["yes", "no"])?,
///     Categories::new("role", ["leader", "manager", "ic"])?, &[[53, 126, 72], [77, 174, 328]])?;
/// let table = Crosstab::new(&counts, &CrosstabOptions::default().min_base(200))?;
/// let leaders = &table.columns()[0];
/// assert_eq!((leaders.label.as_str(), leaders.letter.as_str()), ("leader", "A"));
/// assert_eq!((leaders.base.count, leaders.missing.count), (130, 0));
/// assert!(!leaders.tested); // below the minimum base of 200
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrosstabColumn {
    /// The group label.
    pub label: String,
    /// Its significance letter: A, B, C, ...
    pub letter: String,
    /// Respondents in the group who answered.
    pub base: Base,
    /// Respondents in the group who did not answer.
    pub missing: Base,
    /// Whether the base reaches the minimum, so the column takes part in the tests.
    pub tested: bool,
}

/// A cell of a [`Crosstab`]: the estimate and the letters of the columns it significantly exceeds.
///
/// # Examples
///
/// ```
/// use survey_analytics::{Categories, CrossCounts, Crosstab, CrosstabOptions};
///
/// // Knows how impact is measured: 53/130 leaders (A), 126/300 managers (B), 72/400 ICs (C).
/// let counts = CrossCounts::from_table(Categories::new("knows_impact", ["yes", "no"])?,
///     Categories::new("role", ["leader", "manager", "ic"])?, &[[53, 126, 72], [77, 174, 328]])?;
/// let table = Crosstab::new(&counts, &CrosstabOptions::default())?;
/// let managers_yes = &table.rows()[0].cells[1];
/// assert_eq!((managers_yes.estimate.count, managers_yes.estimate.share), (126, Some(0.42)));
/// assert_eq!(managers_yes.letters, "C"); // higher than individual contributors
/// assert_eq!((managers_yes.std_error, managers_yes.deff), (None, None)); // design-based only
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrosstabCell {
    /// Count, share and interval.
    pub estimate: Estimate,
    /// Letters of the columns this cell's share is significantly higher than, e.g. `"AC"`.
    pub letters: String,
    /// Design-based standard error of the share (crosstabs built with a
    /// [`SampleDesign`](crate::SampleDesign)).
    pub std_error: Option<f64>,
    /// Design effect of the share (crosstabs built with a design), of the kind named by the
    /// table's [`DesignSettings::design_effect`](crate::DesignSettings::design_effect).
    pub deff: Option<f64>,
}

/// A row (answer or net) of a [`Crosstab`].
///
/// # Examples
///
/// ```
/// use survey_analytics::{Categories, CrossCounts, Crosstab, CrosstabOptions};
///
/// // Knows how impact is measured: 53/130 leaders (A), 126/300 managers (B), 72/400 ICs (C).
/// let counts = CrossCounts::from_table(Categories::new("knows_impact", ["yes", "no"])?,
///     Categories::new("role", ["leader", "manager", "ic"])?, &[[53, 126, 72], [77, 174, 328]])?;
/// let table = Crosstab::new(&counts, &CrosstabOptions::default())?;
/// let no = &table.rows()[1];
/// assert_eq!((no.label.as_str(), no.is_net, no.cells.len()), ("no", false, 3));
/// assert_eq!(no.tests.len(), 3); // A-B, A-C and B-C
/// assert_eq!(no.cells[2].letters, "AB"); // individual contributors say no more often
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrosstabRow {
    /// The answer (or net) label.
    pub label: String,
    /// Whether the row is a net.
    pub is_net: bool,
    /// One cell per column.
    pub cells: Vec<CrosstabCell>,
    /// Every pairwise test of the row's tested columns, with raw and adjusted p-values.
    pub tests: Vec<PairTest>,
}

/// How a crosstab built from a [`SampleDesign`](crate::SampleDesign) was tested: the design's
/// degrees of freedom and the Rao-Scott test. (Its interval method and design effect are in
/// [`Crosstab::settings`]`.design`.)
///
/// # Examples
///
/// ```
/// use survey_analytics::{Categories, Crosstab, CrosstabOptions, SampleDesign};
///
/// let design = SampleDesign::new(vec![1.0, 2.0, 1.0, 2.0, 1.5, 1.0, 2.0, 1.0])?
///     .with_clusters(&[1, 1, 2, 2, 3, 3, 4, 4])?;
/// let answers = Categories::new("knows", ["yes", "no"])?;
/// let groups = Categories::new("role", ["leader", "ic"])?;
/// let knows = [Some(0), Some(1), Some(0), Some(1), Some(0), Some(0), None, Some(1)];
/// let role = [Some(0), Some(1), Some(0), Some(1), Some(0), Some(1), Some(1), Some(0)];
/// let options = CrosstabOptions::default().min_base(2);
/// let table = Crosstab::from_design(&design, &answers, &groups, &knows, &role, &options)?;
/// let summary = table.design().unwrap();
/// assert_eq!(summary.degrees_of_freedom, 3.0); // 4 clusters - 1 stratum
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DesignSummary {
    /// The design's degrees of freedom (PSUs minus strata, or the rank of its replicate weights
    /// minus one), used by the letters' t-tests.
    pub degrees_of_freedom: f64,
    /// The Rao-Scott test of independence (single-choice questions with at least two testable
    /// columns and answers).
    pub rao_scott: Option<RaoScottTest>,
    /// The replicate weights behind the variances, on a replicate-weight design.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicates: Option<ReplicateSummary>,
}

impl DesignSummary {
    /// The summary of `design` (whose degrees of freedom are `degrees_of_freedom`), before any
    /// test.
    pub(crate) fn of(design: &SampleDesign, degrees_of_freedom: f64) -> Self {
        Self {
            degrees_of_freedom,
            rao_scott: None,
            replicates: design.replicate_method().map(|method| ReplicateSummary {
                method,
                count: design.replicate_count(),
            }),
        }
    }
}

/// Which replicate weights a design-based crosstab's variances come from.
///
/// # Examples
///
/// ```
/// use survey_analytics::{Categories, Crosstab, CrosstabOptions, ReplicateMethod, ReplicateScheme, SampleDesign};
///
/// let design = SampleDesign::new(vec![1.0, 2.0, 1.0, 2.0, 1.5, 1.0, 2.0, 1.0])?
///     .with_clusters(&[1, 1, 2, 2, 3, 3, 4, 4])?
///     .replicate(ReplicateScheme::Jk1)?;
/// let answers = Categories::new("knows", ["yes", "no"])?;
/// let groups = Categories::new("role", ["leader", "ic"])?;
/// let knows = [Some(0), Some(1), Some(0), Some(1), Some(0), Some(0), None, Some(1)];
/// let role = [Some(0), Some(1), Some(0), Some(1), Some(0), Some(1), Some(1), Some(0)];
/// let options = CrosstabOptions::default().min_base(2);
/// let table = Crosstab::from_design(&design, &answers, &groups, &knows, &role, &options)?;
/// let replicates = table.design().unwrap().replicates.unwrap();
/// assert_eq!((replicates.method, replicates.count), (ReplicateMethod::Jk1, 4));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplicateSummary {
    /// The replication method.
    pub method: ReplicateMethod,
    /// The number of replicates.
    pub count: usize,
}

/// A question (rows) by a group (columns), the way a market-research table shows it: per column the
/// base, weighted base and Kish effective base; per cell the count, share, interval and significance
/// letters; an omnibus test of independence; and flags for bases too small to test.
///
/// Built from counts ([`Crosstab::new`], from a [`Tally`](crate::Tally),
/// [`MultiSelectTally`](crate::MultiSelectTally) or a table of counts) or from respondents under a
/// sample design ([`Crosstab::from_design`], [`Crosstab::from_design_multi`]).
///
/// # The significance-letter convention
///
/// Columns are lettered A, B, C, ... in column order. Within each row, every pair of *tested*
/// columns (unweighted base at least the minimum, 30 by default) is compared with a two-sided test;
/// the p-values of that row are adjusted together with the chosen adjustment (Holm by default) and
/// compared with alpha (5% by default). A cell carries the letter of each column whose share it
/// exceeds with adjusted p < alpha. Columns below the minimum base are shown, with their shares and
/// intervals, but carry and receive no letters.
///
/// * Counts: the pooled two-proportion z-test (no continuity correction). With weights, shares are
///   weighted and the test uses the Kish effective bases in place of the counts: the pooled share
///   is `(p1 n1 + p2 n2) / (n1 + n2)` with `n` the effective bases.
/// * Under a design: a t-test of the design-based difference of the two domain shares, with its
///   standard error from their joint covariance, on the design's degrees of freedom.
///
/// # The omnibus test
///
/// For a single-choice question of counts, Pearson's chi-square test of independence on the answer
/// rows (nets excluded, all-zero rows dropped) by the tested columns. With weights it is computed
/// on the weighted shares scaled to each column's effective base, a first-order correction for the
/// weighting. Under a design, the Rao-Scott test ([`DesignSummary::rao_scott`]). Multi-select
/// questions have no omnibus test (their rows overlap).
///
/// # Examples
///
/// ```
/// use survey_analytics::{Categories, CrossCounts, Crosstab, CrosstabOptions};
///
/// // Knows how impact is measured: 53/130 leaders (A), 126/300 managers (B), 72/400 ICs (C).
/// let counts = CrossCounts::from_table(Categories::new("knows_impact", ["yes", "no"])?,
///     Categories::new("role", ["leader", "manager", "ic"])?, &[[53, 126, 72], [77, 174, 328]])?;
/// let table = Crosstab::new(&counts, &CrosstabOptions::default())?;
/// let yes = &table.rows()[0];
/// assert_eq!(yes.cells[0].letters, "C"); // leaders (41%) beat individual contributors (18%)
/// assert_eq!(yes.cells[1].letters, "C"); // so do managers (42%)
/// assert_eq!(yes.cells[2].letters, "");
/// assert!(table.omnibus().unwrap().p_value < 1e-9);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Crosstab {
    question: String,
    group_by: String,
    kind: QuestionKind,
    weighted: bool,
    settings: CrosstabSettings,
    columns: Vec<CrosstabColumn>,
    rows: Vec<CrosstabRow>,
    omnibus: Option<ChiSquareTest>,
    ungrouped: Base,
    design: Option<DesignSummary>,
    /// Rows of means, after the share rows ([`Crosstab::with_mean_row`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    means: Vec<MeanRow>,
    /// Net Promoter Score rows ([`Crosstab::with_nps_row`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    nps: Vec<MeanRow>,
    /// Paired items compared within each column ([`Crosstab::with_paired_row`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    paired: Vec<PairedRow>,
    /// Design-based tables: each share row's covariance of its columns' shares (row-major,
    /// columns x columns), for comparisons with the total or the rest.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    covariances: Vec<Vec<f64>>,
}

impl Crosstab {
    /// The question's name.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, CrossCounts, Crosstab, CrosstabOptions};
    ///
    /// let counts = CrossCounts::from_table(Categories::new("knows_impact", ["yes", "no"])?,
    ///     Categories::new("role", ["leader", "ic"])?, &[[53, 72], [77, 328]])?;
    /// let table = Crosstab::new(&counts, &CrosstabOptions::default())?;
    /// assert_eq!((table.question(), table.group_by()), ("knows_impact", "role"));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn question(&self) -> &str {
        &self.question
    }

    /// The grouping (columns) name.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, CrossCounts, Crosstab, CrosstabOptions};
    ///
    /// let counts = CrossCounts::from_table(Categories::new("knows_impact", ["yes", "no"])?,
    ///     Categories::new("role", ["leader", "ic"])?, &[[53, 72], [77, 328]])?;
    /// assert_eq!(Crosstab::new(&counts, &CrosstabOptions::default())?.group_by(), "role");
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn group_by(&self) -> &str {
        &self.group_by
    }

    /// Single choice or multi-select.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, CrossCounts, Crosstab, CrosstabOptions, QuestionKind};
    ///
    /// let counts = CrossCounts::from_table(Categories::new("knows_impact", ["yes", "no"])?,
    ///     Categories::new("role", ["leader", "ic"])?, &[[53, 72], [77, 328]])?;
    /// let table = Crosstab::new(&counts, &CrosstabOptions::default())?;
    /// assert_eq!(table.kind(), QuestionKind::SingleChoice);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn kind(&self) -> QuestionKind {
        self.kind
    }

    /// Whether shares are weighted (always, for crosstabs built from a design).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, Crosstab, CrosstabOptions, Tally};
    ///
    /// let q = Categories::new("q", ["yes", "no"])?;
    /// let mut tally = Tally::new_weighted(vec![q, Categories::new("role", ["leader", "ic"])?])?;
    /// for (answer, role, weight) in [(0, 0, 1.0), (1, 0, 3.0), (0, 1, 2.0), (1, 1, 2.0)] {
    ///     tally.add_weighted(&[Some(answer), Some(role)], weight)?;
    /// }
    /// let table = Crosstab::new(&tally.cross(0, 1)?, &CrosstabOptions::default())?;
    /// assert!(table.is_weighted());
    /// let leaders = table.columns()[0].base;
    /// assert_eq!((leaders.count, leaders.weighted, leaders.effective), (2, 4.0, 1.6));
    /// assert_eq!(table.rows()[0].cells[0].estimate.share, Some(0.25));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn is_weighted(&self) -> bool {
        self.weighted
    }

    /// The settings the table was computed with.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, ConfidenceLevel, CrossCounts, Crosstab, CrosstabOptions, PValueAdjustment};
    ///
    /// let counts = CrossCounts::from_table(Categories::new("knows_impact", ["yes", "no"])?,
    ///     Categories::new("role", ["leader", "ic"])?, &[[53, 72], [77, 328]])?;
    /// let table = Crosstab::new(&counts, &CrosstabOptions::default().level(ConfidenceLevel::NINETY))?;
    /// let settings = table.settings();
    /// assert_eq!(settings.intervals.level, ConfidenceLevel::NINETY);
    /// assert_eq!(settings.tests.adjustment, PValueAdjustment::Holm);
    /// assert_eq!(settings.min_base, 30);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn settings(&self) -> &CrosstabSettings {
        &self.settings
    }

    /// The name of the interval method of the cells: the design-based method for a crosstab built
    /// from a design, the method for a share otherwise.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, CrossCounts, Crosstab, CrosstabOptions};
    ///
    /// let counts = CrossCounts::from_table(Categories::new("knows_impact", ["yes", "no"])?,
    ///     Categories::new("role", ["leader", "ic"])?, &[[53, 72], [77, 328]])?;
    /// assert_eq!(Crosstab::new(&counts, &CrosstabOptions::default())?.interval_method(), "wilson");
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn interval_method(&self) -> &'static str {
        match self.design {
            Some(_) => self.settings.design.interval.name(),
            None => self.settings.intervals.method.name(),
        }
    }

    /// The columns, in order.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, CrossCounts, Crosstab, CrosstabOptions};
    ///
    /// let counts = CrossCounts::from_table(Categories::new("knows_impact", ["yes", "no"])?,
    ///     Categories::new("role", ["leader", "manager", "ic"])?, &[[53, 126, 72], [77, 174, 328]])?;
    /// let table = Crosstab::new(&counts, &CrosstabOptions::default())?;
    /// let letters: Vec<&str> = table.columns().iter().map(|c| c.letter.as_str()).collect();
    /// assert_eq!(letters, ["A", "B", "C"]);
    /// assert_eq!(table.columns()[2].base.count, 400);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn columns(&self) -> &[CrosstabColumn] {
        &self.columns
    }

    /// The rows: answers in order, then nets.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, CrossCounts, Crosstab, CrosstabOptions};
    ///
    /// let counts = CrossCounts::from_table(Categories::new("knows_impact", ["yes", "no"])?,
    ///     Categories::new("role", ["leader", "manager", "ic"])?, &[[53, 126, 72], [77, 174, 328]])?;
    /// let table = Crosstab::new(&counts, &CrosstabOptions::default())?;
    /// let labels: Vec<&str> = table.rows().iter().map(|r| r.label.as_str()).collect();
    /// assert_eq!(labels, ["yes", "no"]);
    /// assert_eq!(table.rows()[0].cells[2].estimate.share, Some(0.18));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn rows(&self) -> &[CrosstabRow] {
        &self.rows
    }

    /// The omnibus chi-square test of a crosstab of counts, when there is one (single choice, at
    /// least two tested columns and two non-empty answers); see [`Crosstab`]. Crosstabs built from a
    /// design carry the Rao-Scott test in [`Crosstab::design`] instead.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, CrossCounts, Crosstab, CrosstabOptions, MultiSelectTally};
    ///
    /// let counts = CrossCounts::from_table(Categories::new("knows_impact", ["yes", "no"])?,
    ///     Categories::new("role", ["leader", "manager", "ic"])?, &[[53, 126, 72], [77, 174, 328]])?;
    /// let test = *Crosstab::new(&counts, &CrosstabOptions::default())?.omnibus().unwrap();
    /// assert_eq!(test.df, 2); // (2 answers - 1) x (3 groups - 1)
    /// assert!(test.p_value < 1e-9);
    ///
    /// // Multi-select answers overlap: no omnibus test.
    /// let uses = Categories::new("ai_use", ["content", "images"])?;
    /// let multi = MultiSelectTally::new(uses, Categories::new("role", ["leader", "ic"])?)?;
    /// assert!(Crosstab::new(&multi.cross()?, &CrosstabOptions::default())?.omnibus().is_none());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn omnibus(&self) -> Option<&ChiSquareTest> {
        self.omnibus.as_ref()
    }

    /// Records whose group is unknown, left out of every column.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, Crosstab, CrosstabOptions, Tally};
    ///
    /// let q = Categories::new("q", ["yes", "no"])?;
    /// let mut tally = Tally::new(vec![q, Categories::new("role", ["leader", "ic"])?])?;
    /// tally.add(&[Some(0), Some(0)])?;
    /// tally.add(&[Some(1), None])?; // role unknown
    /// let table = Crosstab::new(&tally.cross(0, 1)?, &CrosstabOptions::default())?;
    /// assert_eq!(table.ungrouped().count, 1);
    /// assert_eq!(table.columns().iter().map(|c| c.base.count).sum::<u64>(), 1);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn ungrouped(&self) -> Base {
        self.ungrouped
    }

    /// How the crosstab was tested when it was built from a sample design; `None` for crosstabs
    /// of counts.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, CrossCounts, Crosstab, CrosstabOptions};
    ///
    /// let counts = CrossCounts::from_table(Categories::new("knows_impact", ["yes", "no"])?,
    ///     Categories::new("role", ["leader", "ic"])?, &[[53, 72], [77, 328]])?;
    /// assert!(Crosstab::new(&counts, &CrosstabOptions::default())?.design().is_none());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn design(&self) -> Option<&DesignSummary> {
        self.design.as_ref()
    }
}

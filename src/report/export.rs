//! Crosstabs flattened for JSON consumers: dashboards, web APIs, spreadsheets.

use serde::Serialize;

use crate::survey::crosstab::banners::Banners;
use crate::survey::crosstab::{Crosstab, ReplicateSummary};

/// A crosstab flattened for JSON consumers (dashboards, web APIs): the settings at the top, one
/// object per group and per row, every number a plain field. [`Crosstab`] itself serialises its
/// full structure; this is the shape a client renders from.
///
/// Serialised (JSON shown, abridged):
///
/// ```json
/// {"question": "knows_impact", "group_by": "role", "level": 0.95, "method": "wilson",
///  "adjustment": "holm", "alpha": 0.05, "weighted": false,
///  "missing": [{"reason": "no answer", "group": "leader", "count": 3, "weighted_count": 3.0},
///              {"reason": "no group", "count": 1, "weighted_count": 1.0}],
///  "groups": [{"label": "leader", "letter": "A", "base": 130, "weighted_base": 130.0,
///              "effective_base": 130.0, "tested": true}],
///  "rows": [{"label": "yes", "cells": [{"count": 53, "weighted_count": 53.0, "share": 0.4077,
///            "lower": 0.3261, "upper": 0.4943, "letters": "B"}]}],
///  "omnibus": {"statistic": 26.1, "df": 2, "p_value": 2.1e-6}}
/// ```
///
/// Design-based crosstabs add `design_effect` (which definition the cells carry), on a
/// replicate-weight design `replicates` (`{"method": "jkn", "count": 36}`), and, in each
/// cell, `std_error` and `deff`; their `omnibus` is the Rao-Scott test (`statistic`, `ndf`,
/// `ddf`, `p_value`, `chisq`, `p_chisq`). An empty group's cells have `share`, `lower` and
/// `upper` null; `omnibus` is null where no test applies.
///
/// # Examples
///
/// ```
/// use survey_analytics::{Categories, CrossCounts, Crosstab, CrosstabOptions};
///
/// let counts = CrossCounts::from_table(Categories::new("knows_impact", ["yes", "no"])?,
///     Categories::new("role", ["leader", "manager", "ic"])?, &[[53, 126, 72], [77, 174, 328]])?;
/// let export = Crosstab::new(&counts, &CrosstabOptions::default())?.export();
/// let json = serde_json::to_value(&export).unwrap();
/// assert_eq!(json["groups"][0]["letter"], "A");
/// assert_eq!(json["rows"][0]["cells"][1]["letters"], "C");
/// assert_eq!(json["omnibus"]["df"], 2);
/// assert!(json.get("design_effect").is_none());
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CrosstabExport {
    /// The question.
    pub question: String,
    /// The grouping.
    pub group_by: String,
    /// Confidence level of the intervals.
    pub level: f64,
    /// Interval method.
    pub method: &'static str,
    /// P-value adjustment of the letters.
    pub adjustment: &'static str,
    /// Significance level of the letters.
    pub alpha: f64,
    /// Whether the counts are weighted.
    pub weighted: bool,
    /// Respondents without an answer (per group) and without a group.
    pub missing: Vec<ExportMissing>,
    /// The groups (columns).
    pub groups: Vec<ExportGroup>,
    /// The answers and nets (rows).
    pub rows: Vec<ExportRow>,
    /// The omnibus test, where one applies.
    pub omnibus: Option<ExportTest>,
    /// Design-based tables: which design effect the cells carry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub design_effect: Option<&'static str>,
    /// Tables on a replicate-weight design: the method (`jkn`, `bootstrap`, ...) and the number
    /// of replicates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicates: Option<ReplicateSummary>,
    /// Rows of means ([`Crosstab::with_mean_row`]), when the table has any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub means: Vec<ExportMeanRow>,
    /// Net Promoter Score rows ([`Crosstab::with_nps_row`]), in points, when the table has any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub nps: Vec<ExportNpsRow>,
    /// Paired items compared within each group ([`Crosstab::with_paired_row`]), when any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub paired: Vec<ExportPairedRow>,
}

/// Two items answered by the same respondents, compared within each group of a
/// [`CrosstabExport`]: one cell per group (null where nobody in it answered both).
///
/// # Examples
///
/// ```
/// use survey_analytics::{Categories, CrossCounts, Crosstab, CrosstabOptions};
/// let counts = CrossCounts::from_table(Categories::new("q", ["any"])?, Categories::new("g", ["a"])?, &[[3]])?;
/// let table = Crosstab::new(&counts, &CrosstabOptions::default())?
///     .with_paired_row("x", "y", &[Some(true), Some(true), Some(false)], &[Some(false), Some(true), Some(false)], &[Some(0); 3])?;
/// let json = serde_json::to_value(table.export()).unwrap();
/// assert_eq!(json["paired"][0]["cells"][0]["test"], "mcnemar mid-p");
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportPairedRow {
    /// The first item.
    pub first: String,
    /// The second item.
    pub second: String,
    /// One per group.
    pub cells: Vec<Option<ExportPairedCell>>,
}

/// A cell of an [`ExportPairedRow`]: the two shares among the group's respondents who answered
/// both, their difference with its interval, and the test.
///
/// # Examples
///
/// ```
/// use survey_analytics::ExportPairedCell;
/// let cell = ExportPairedCell { respondents: 2329, first_share: 0.58, second_share: 0.27, difference: 0.31, lower: 0.27, upper: 0.34, p_value: 1e-20, test: "design-based t".into() };
/// assert_eq!(serde_json::to_value(&cell).unwrap()["lower"], 0.27);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportPairedCell {
    /// Respondents who answered both.
    pub respondents: u64,
    /// The first item's share among them.
    pub first_share: f64,
    /// The second item's.
    pub second_share: f64,
    /// First minus second.
    pub difference: f64,
    /// Lower bound of the difference's interval.
    pub lower: f64,
    /// Upper bound.
    pub upper: f64,
    /// The test's p-value.
    pub p_value: f64,
    /// The test's name.
    pub test: String,
}

/// A Net Promoter Score row of a [`CrosstabExport`], in points (-100 to 100).
///
/// # Examples
///
/// ```
/// use survey_analytics::{Categories, CrossCounts, Crosstab, CrosstabOptions};
/// let counts = CrossCounts::from_table(Categories::new("q", ["any"])?, Categories::new("g", ["a", "b"])?, &[[3, 3]])?;
/// let ratings = [10.0, 9.0, 2.0, 7.0, 8.0, 0.0];
/// let groups = [Some(0), Some(0), Some(0), Some(1), Some(1), Some(1)];
/// let table = Crosstab::new(&counts, &CrosstabOptions::default())?.with_nps_row("NPS", &ratings, &groups, None)?;
/// let json = serde_json::to_value(table.export()).unwrap();
/// let nps = json["nps"][0]["cells"][0]["nps"].as_f64().unwrap();
/// assert!((nps - 100.0 / 3.0).abs() < 1e-12);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportNpsRow {
    /// The row's label.
    pub label: String,
    /// One per group.
    pub cells: Vec<ExportNpsCell>,
}

/// A cell of an [`ExportNpsRow`], in points.
///
/// # Examples
///
/// ```
/// use survey_analytics::ExportNpsCell;
/// let cell = ExportNpsCell { count: 50, weighted_count: 50.0, nps: Some(24.0), std_error: Some(11.2), lower: Some(1.1), upper: Some(44.0), letters: "B".into() };
/// assert_eq!(serde_json::to_value(&cell).unwrap()["nps"], 24.0);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportNpsCell {
    /// Respondents with a rating.
    pub count: u64,
    /// Their weight.
    pub weighted_count: f64,
    /// The score: promoters' percentage minus detractors'.
    pub nps: Option<f64>,
    /// Its standard error, in points.
    pub std_error: Option<f64>,
    /// Lower bound of its interval.
    pub lower: Option<f64>,
    /// Upper bound.
    pub upper: Option<f64>,
    /// Letters of the groups whose score this one significantly exceeds.
    pub letters: String,
}

/// A row of means of a [`CrosstabExport`]: one cell per group, and the test across groups.
///
/// # Examples
///
/// ```
/// use survey_analytics::{Categories, CrossCounts, Crosstab, CrosstabOptions};
/// let counts = CrossCounts::from_table(Categories::new("q", ["low", "high"])?, Categories::new("g", ["a", "b"])?, &[[1, 2], [2, 1]])?;
/// let scores = [1.0, 4.0, 5.0, 2.0, 1.0, 5.0];
/// let groups = [Some(0), Some(0), Some(0), Some(1), Some(1), Some(1)];
/// let table = Crosstab::new(&counts, &CrosstabOptions::default())?.with_mean_row("Mean", &scores, &groups, None)?;
/// let json = serde_json::to_value(table.export()).unwrap();
/// assert_eq!(json["means"][0]["label"], "Mean");
/// assert_eq!(json["means"][0]["cells"][1]["df"], 2.0);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportMeanRow {
    /// The row's label.
    pub label: String,
    /// One per group.
    pub cells: Vec<ExportMeanCell>,
    /// Welch's F (weighted or not) or the design-based Wald F, when two groups or more are tested.
    pub omnibus: Option<ExportFTest>,
}

/// A cell of an [`ExportMeanRow`].
///
/// # Examples
///
/// ```
/// use survey_analytics::ExportMeanCell;
/// let cell = ExportMeanCell { count: 3, weighted_count: 3.0, mean: Some(2.5), std_error: Some(0.5), lower: Some(0.3), upper: Some(4.7), df: Some(2.0), letters: String::new() };
/// assert_eq!(serde_json::to_value(&cell).unwrap()["mean"], 2.5);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportMeanCell {
    /// Respondents with a value.
    pub count: u64,
    /// Their weight.
    pub weighted_count: f64,
    /// The mean (null with fewer than two values).
    pub mean: Option<f64>,
    /// Its standard error.
    pub std_error: Option<f64>,
    /// Lower bound of its t interval.
    pub lower: Option<f64>,
    /// Upper bound.
    pub upper: Option<f64>,
    /// The interval's degrees of freedom.
    pub df: Option<f64>,
    /// Letters of the groups whose mean this one significantly exceeds.
    pub letters: String,
}

/// An F test of an [`ExportMeanRow`].
///
/// # Examples
///
/// ```
/// use survey_analytics::ExportFTest;
/// let test = ExportFTest { statistic: 3.1, ndf: 2.0, ddf: 40.5, p_value: 0.056 };
/// assert_eq!(serde_json::to_value(&test).unwrap()["ndf"], 2.0);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportFTest {
    /// The F statistic.
    pub statistic: f64,
    /// Numerator degrees of freedom.
    pub ndf: f64,
    /// Denominator degrees of freedom.
    pub ddf: f64,
    /// Its p-value.
    pub p_value: f64,
}

/// Respondents left out of a crosstab's bases; see [`CrosstabExport`].
///
/// # Examples
///
/// ```
/// use survey_analytics::ExportMissing;
/// let m = ExportMissing { reason: "no group", group: None, count: 2, weighted_count: 2.0 };
/// assert_eq!(serde_json::to_value(&m).unwrap(), serde_json::json!({"reason": "no group", "count": 2, "weighted_count": 2.0}));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportMissing {
    /// "no answer" (a group's respondents who did not answer) or "no group".
    pub reason: &'static str,
    /// The group, for "no answer".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Respondents.
    pub count: u64,
    /// Their weight.
    pub weighted_count: f64,
}

/// A column of a [`CrosstabExport`].
///
/// # Examples
///
/// ```
/// use survey_analytics::{Categories, CrossCounts, Crosstab, CrosstabOptions};
/// let counts = CrossCounts::from_table(Categories::new("q", ["yes", "no"])?, Categories::new("g", ["a", "b"])?, &[[5, 6], [7, 8]])?;
/// let group = &Crosstab::new(&counts, &CrosstabOptions::default())?.export().groups[1];
/// assert_eq!((group.letter.as_str(), group.base, group.tested), ("B", 14, false)); // below 30
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportGroup {
    /// The group's label.
    pub label: String,
    /// Its letter.
    pub letter: String,
    /// Respondents who answered.
    pub base: u64,
    /// Their weight.
    pub weighted_base: f64,
    /// Kish effective base.
    pub effective_base: f64,
    /// Whether the column takes part in the tests.
    pub tested: bool,
}

/// A row of a [`CrosstabExport`].
///
/// # Examples
///
/// ```
/// use survey_analytics::{Categories, CrossCounts, Crosstab, CrosstabOptions};
/// let counts = CrossCounts::from_table(Categories::new("q", ["yes", "no"])?, Categories::new("g", ["a", "b"])?, &[[5, 6], [7, 8]])?;
/// let row = &Crosstab::new(&counts, &CrosstabOptions::default())?.export().rows[0];
/// assert_eq!((row.label.as_str(), row.cells.len()), ("yes", 2));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportRow {
    /// The answer or net.
    pub label: String,
    /// One per group.
    pub cells: Vec<ExportCell>,
}

/// A cell of a [`CrosstabExport`].
///
/// # Examples
///
/// ```
/// use survey_analytics::{Categories, CrossCounts, Crosstab, CrosstabOptions};
/// let counts = CrossCounts::from_table(Categories::new("q", ["yes", "no"])?, Categories::new("g", ["a", "b"])?, &[[5, 6], [7, 8]])?;
/// let cell = &Crosstab::new(&counts, &CrosstabOptions::default())?.export().rows[0].cells[0];
/// assert_eq!((cell.count, cell.share), (5, Some(5.0 / 12.0)));
/// assert!(cell.std_error.is_none()); // design-based tables only
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportCell {
    /// Respondents.
    pub count: u64,
    /// Their weight.
    pub weighted_count: f64,
    /// Share of the group's base (null for an empty group).
    pub share: Option<f64>,
    /// Lower bound of the interval.
    pub lower: Option<f64>,
    /// Upper bound of the interval.
    pub upper: Option<f64>,
    /// Letters of the columns this cell is significantly higher than.
    pub letters: String,
    /// Design-based tables: the standard error (null where undefined).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub std_error: Option<Option<f64>>,
    /// Design-based tables: the design effect (null where undefined).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deff: Option<Option<f64>>,
}

/// The omnibus test of a [`CrosstabExport`]: Pearson's chi-square for tables of counts,
/// Rao-Scott's for design-based ones.
///
/// # Examples
///
/// ```
/// use survey_analytics::ExportTest;
/// let test = ExportTest::ChiSquare { statistic: 4.2, df: 2, p_value: 0.12 };
/// assert_eq!(serde_json::to_value(&test).unwrap()["df"], 2);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ExportTest {
    /// Pearson's chi-square test of independence.
    ChiSquare {
        /// The statistic.
        statistic: f64,
        /// Degrees of freedom.
        df: u64,
        /// Its p-value.
        p_value: f64,
    },
    /// Rao-Scott's design-based test.
    RaoScott {
        /// The F statistic.
        statistic: f64,
        /// Numerator degrees of freedom.
        ndf: f64,
        /// Denominator degrees of freedom.
        ddf: f64,
        /// The F test's p-value.
        p_value: f64,
        /// The first-order corrected chi-square.
        chisq: f64,
        /// Its p-value.
        p_chisq: f64,
    },
}

/// [`Banners`] flattened for JSON consumers: the first banner's [`CrosstabExport`] at the top
/// (so one banner exports exactly as its crosstab does), then the Total column's and, with more
/// than one banner, every banner's in order.
///
/// # Examples
///
/// ```
/// use survey_analytics::{Banners, Categories, CrossCounts, Crosstab, CrosstabOptions};
/// let q = Categories::new("q", ["yes", "no"])?;
/// let by = CrossCounts::from_table(q.clone(), Categories::new("g", ["a", "b"])?, &[[5, 6], [7, 8]])?;
/// let total = CrossCounts::from_table(q, Categories::new("Total", ["Total"])?, &[[11], [15]])?;
/// let options = CrosstabOptions::default();
/// let banners = Banners::new(Some(Crosstab::new(&total, &options)?), vec![Crosstab::new(&by, &options)?])?;
/// let json = serde_json::to_value(banners.export()).unwrap();
/// assert_eq!(json["group_by"], "g");
/// assert_eq!(json["total"]["groups"][0]["base"], 26);
/// assert!(json.get("banners").is_none()); // one banner
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BannersExport {
    /// The first banner (the total, when there is no banner; never `None` for banners built
    /// with [`Banners::new`]).
    #[serde(flatten)]
    pub first: Option<CrosstabExport>,
    /// The Total column's table.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<CrosstabExport>,
    /// Every banner, in order, when there are several.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub banners: Vec<CrosstabExport>,
}

impl Crosstab {
    /// The crosstab flattened for JSON consumers; see [`CrosstabExport`].
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, CrossCounts, Crosstab, CrosstabOptions};
    /// let counts = CrossCounts::from_table(Categories::new("q", ["yes", "no"])?, Categories::new("g", ["a", "b"])?, &[[5, 6], [7, 8]])?;
    /// assert_eq!(Crosstab::new(&counts, &CrosstabOptions::default())?.export().question, "q");
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn export(&self) -> CrosstabExport {
        let settings = self.settings();
        let mut missing: Vec<ExportMissing> = self
            .columns()
            .iter()
            .filter(|c| c.missing.count > 0)
            .map(|c| ExportMissing {
                reason: "no answer",
                group: Some(c.label.clone()),
                count: c.missing.count,
                weighted_count: c.missing.weighted,
            })
            .collect();
        let ungrouped = self.ungrouped();
        if ungrouped.count > 0 {
            missing.push(ExportMissing {
                reason: "no group",
                group: None,
                count: ungrouped.count,
                weighted_count: ungrouped.weighted,
            });
        }
        let design = self.design();
        let groups = self
            .columns()
            .iter()
            .map(|c| ExportGroup {
                label: c.label.clone(),
                letter: c.letter.clone(),
                base: c.base.count,
                weighted_base: c.base.weighted,
                effective_base: c.base.effective,
                tested: c.tested,
            })
            .collect();
        let rows = self
            .rows()
            .iter()
            .map(|row| ExportRow {
                label: row.label.clone(),
                cells: row
                    .cells
                    .iter()
                    .map(|cell| ExportCell {
                        count: cell.estimate.count,
                        weighted_count: cell.estimate.weighted_count,
                        share: cell.estimate.share,
                        lower: cell.estimate.interval.map(|i| i.lower),
                        upper: cell.estimate.interval.map(|i| i.upper),
                        letters: cell.letters.clone(),
                        std_error: design.map(|_| cell.std_error),
                        deff: design.map(|_| cell.deff),
                    })
                    .collect(),
            })
            .collect();
        let omnibus = match design {
            Some(d) => d.rao_scott.map(|t| ExportTest::RaoScott {
                statistic: t.statistic,
                ndf: t.ndf,
                ddf: t.ddf,
                p_value: t.p_value,
                chisq: t.chisq,
                p_chisq: t.p_chisq,
            }),
            None => self.omnibus().map(|t| ExportTest::ChiSquare {
                statistic: t.statistic,
                df: t.df,
                p_value: t.p_value,
            }),
        };
        CrosstabExport {
            question: self.question().to_string(),
            group_by: self.group_by().to_string(),
            level: settings.intervals.level.value(),
            method: self.interval_method(),
            adjustment: settings.tests.adjustment.name(),
            alpha: settings.tests.alpha.value(),
            weighted: self.is_weighted(),
            missing,
            groups,
            rows,
            omnibus,
            design_effect: design.map(|_| settings.design.design_effect.name()),
            replicates: design.and_then(|d| d.replicates),
            means: self
                .mean_rows()
                .iter()
                .map(|row| ExportMeanRow {
                    label: row.label.clone(),
                    cells: row
                        .cells
                        .iter()
                        .map(|cell| ExportMeanCell {
                            count: cell.count,
                            weighted_count: cell.weighted_count,
                            mean: cell.mean,
                            std_error: cell.std_error,
                            lower: cell.interval.map(|i| i.lower),
                            upper: cell.interval.map(|i| i.upper),
                            df: cell.degrees_of_freedom,
                            letters: cell.letters.clone(),
                        })
                        .collect(),
                    omnibus: row.omnibus.map(|t| ExportFTest {
                        statistic: t.statistic,
                        ndf: t.numerator_df,
                        ddf: t.denominator_df,
                        p_value: t.p_value,
                    }),
                })
                .collect(),
            nps: self
                .nps_rows()
                .iter()
                .map(|row| {
                    let points = |v: Option<f64>| v.map(|v| 100.0 * v);
                    ExportNpsRow {
                        label: row.label.clone(),
                        cells: row
                            .cells
                            .iter()
                            .map(|cell| ExportNpsCell {
                                count: cell.count,
                                weighted_count: cell.weighted_count,
                                nps: points(cell.mean),
                                std_error: points(cell.std_error),
                                lower: points(cell.interval.map(|i| i.lower)),
                                upper: points(cell.interval.map(|i| i.upper)),
                                letters: cell.letters.clone(),
                            })
                            .collect(),
                    }
                })
                .collect(),
            paired: self
                .paired_rows()
                .iter()
                .map(|row| ExportPairedRow {
                    first: row.first.clone(),
                    second: row.second.clone(),
                    cells: row
                        .cells
                        .iter()
                        .map(|cell| {
                            cell.as_ref().map(|c| ExportPairedCell {
                                respondents: c.respondents,
                                first_share: c.first_share,
                                second_share: c.second_share,
                                difference: c.difference,
                                lower: c.interval.lower,
                                upper: c.interval.upper,
                                p_value: c.p_value,
                                test: c.test.clone(),
                            })
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

impl Banners {
    /// The tables flattened for JSON consumers; see [`BannersExport`].
    ///
    /// # Examples
    ///
    /// ```
    /// # use survey_analytics::{Banners, Categories, CrossCounts, Crosstab, CrosstabOptions};
    /// # let counts = CrossCounts::from_table(Categories::new("q", ["yes", "no"])?, Categories::new("g", ["a", "b"])?, &[[5, 6], [7, 8]])?;
    /// let table = Crosstab::new(&counts, &CrosstabOptions::default())?;
    /// let banners = Banners::new(None, vec![table.clone()])?;
    /// assert_eq!(banners.export().first, Some(table.export()));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn export(&self) -> BannersExport {
        let first = self
            .banners()
            .first()
            .or(self.total())
            .map(Crosstab::export);
        let banners = if self.banners().len() > 1 {
            self.banners().iter().map(Crosstab::export).collect()
        } else {
            Vec::new()
        };
        BannersExport {
            first,
            total: self.total().map(Crosstab::export),
            banners,
        }
    }
}

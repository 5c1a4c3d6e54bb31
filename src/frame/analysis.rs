//! Analyses addressed by column name: the codes handed to the survey layer's own tallies,
//! crosstabs, comparisons and designs, nothing re-implemented.

use std::borrow::Cow;

use crate::error::{Error, Result};
use crate::frame::column::{Codes, Column, NO_ANSWER, parse_number};
use crate::frame::questionnaire::QuestionType;
use crate::frame::responses::Responses;
use crate::stats::means::{MeanEstimate, VarianceAssumption, grouped_means_of};
use crate::survey::breakdown::{Breakdown, BreakdownOptions};
use crate::survey::categories::Categories;
use crate::survey::codes::{CodeColumn, Mapped};
use crate::survey::comparison::{Comparison, ComparisonOptions};
use crate::survey::counts::CrossCounts;
use crate::survey::crosstab::Crosstab;
use crate::survey::crosstab::banners::Banners;
use crate::survey::crosstab::options::CrosstabOptions;
use crate::survey::design::calibration::{
    AuxiliaryNames, CalibrationOptions, CalibrationTargets, NumericAuxiliary,
};
use crate::survey::design::replicate::{ReplicateScheme, ReplicateWeights};
use crate::survey::design::summary::WeightSummary;
use crate::survey::design::weighting::{CalibrationMargin, RakeOptions, RakeReport};
use crate::survey::design::{LonelyPsu, SampleDesign};
use crate::survey::mean_comparison::MeanComparison;
use crate::survey::multi_select::MultiSelectTally;
use crate::survey::net::Net;
use crate::survey::tally::Tally;

/// Records counted per call of the tally's bulk path.
const CHUNK: usize = 4096;

/// Records per run of a tally counted in parallel.
const PARALLEL_RUN: usize = 1 << 20;

impl Codes {
    /// Adds `code * stride` of records `start..start + cells.len()` to `cells`.
    fn add_scaled(&self, start: usize, cells: &mut [usize], stride: usize) {
        let end = start + cells.len();
        match self {
            Codes::U8(v) => {
                for (c, &x) in cells.iter_mut().zip(v.get(start..end).unwrap_or(&[])) {
                    *c += usize::from(x) * stride;
                }
            }
            Codes::U16(v) => {
                for (c, &x) in cells.iter_mut().zip(v.get(start..end).unwrap_or(&[])) {
                    *c += usize::from(x) * stride;
                }
            }
            Codes::U32(v) => {
                for (c, &x) in cells.iter_mut().zip(v.get(start..end).unwrap_or(&[])) {
                    *c += x as usize * stride;
                }
            }
        }
    }
}

impl Responses {
    /// The weights in a numeric column, checked: every respondent needs one, finite and not
    /// negative.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Error, Question, Questionnaire, Responses};
    /// let q = Questionnaire::new(vec![Question::numeric("w")])?;
    /// let ok = Responses::builder(&q).numbers("w", [1.5, 0.0]).build()?;
    /// assert_eq!(ok.weights("w")?, [1.5, 0.0]);
    /// let bad = Responses::builder(&q).numbers("w", [1.0, -2.0]).build()?;
    /// let err = bad.weights("w").unwrap_err();
    /// assert!(matches!(err, Error::InvalidField { ref at, .. } if at.record == 1));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::UnknownColumn`] for a column not loaded; [`Error::InvalidField`], naming the
    /// record (and line, for files), for a missing, negative or non-finite weight; as
    /// [`Responses::numbers`].
    pub fn weights(&self, id: &str) -> Result<Vec<f64>> {
        self.weight_column(id).map(Cow::into_owned)
    }

    /// [`Responses::weights`], borrowed from a numeric column.
    fn weight_column(&self, id: &str) -> Result<Cow<'_, [f64]>> {
        let weights = self.number_column(id)?;
        if let Some(i) = weights.iter().position(|w| !(w.is_finite() && *w >= 0.0)) {
            let value = weights[i];
            return Err(Error::InvalidField {
                at: self.locate(i, id),
                value: if value.is_nan() {
                    String::new()
                } else {
                    value.to_string()
                },
                reason: "is not a weight: weights must be given, finite and not negative",
            });
        }
        Ok(weights)
    }

    /// Weights of `weight` when given.
    fn optional_weights(&self, weight: Option<&str>) -> Result<Option<Cow<'_, [f64]>>> {
        weight.map(|w| self.weight_column(w)).transpose()
    }

    /// A tally of coded questions (single-choice, rating, recommend, identifier), weighted by a
    /// numeric column when one is named: the survey layer's [`Tally`], counted in one pass over
    /// the codes.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Question, Questionnaire, Responses};
    /// let q = Questionnaire::new(vec![
    ///     Question::single("q", [("y", "Yes"), ("n", "No")]),
    ///     Question::single("role", [("1", "Leader"), ("2", "IC")]),
    ///     Question::numeric("w"),
    /// ])?;
    /// let r = Responses::builder(&q)
    ///     .values("q", ["y", "n", "y", ""]).values("role", ["1", "2", "2", "2"]).numbers("w", [2.0, 1.0, 1.0, 1.0])
    ///     .build()?;
    /// let tally = r.tally(&["q", "role"], Some("w"))?;
    /// let by_role = tally.cross(0, 1)?;
    /// assert_eq!(by_role.cell(0, 0).weight(), 2.0); // leaders who said yes
    /// assert_eq!(by_role.missing(1).count(), 1); // an IC without an answer
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::UnknownColumn`] for a column not loaded; [`Error::InvalidParameter`] for a
    /// numeric or multi-select question; as [`Responses::weights`] and [`Tally::new`] (at most
    /// 2^24 cells).
    pub fn tally(&self, ids: &[&str], weight: Option<&str>) -> Result<Tally> {
        self.tally_of(ids, false, weight)
    }

    /// A tally of coded questions, with one more dimension, "Total", holding everyone when
    /// `total` is set.
    fn tally_of(&self, ids: &[&str], total: bool, weight: Option<&str>) -> Result<Tally> {
        let columns = ids
            .iter()
            .map(|id| self.coded(id))
            .collect::<Result<Vec<&Codes>>>()?;
        let mut dimensions = ids
            .iter()
            .map(|id| self.categories(id).cloned())
            .collect::<Result<Vec<Categories>>>()?;
        if total {
            dimensions.push(total_group()?);
        }
        let weights = self.optional_weights(weight)?;
        let empty = match weights {
            Some(_) => Tally::new_weighted(dimensions)?,
            None => Tally::new(dimensions)?,
        };
        let strides = empty.strides().to_vec();
        // Runs of records counted in parallel; tallies sum exactly, so their merge is the
        // tally of all.
        let runs: Vec<(usize, usize)> = (0..self.len())
            .step_by(PARALLEL_RUN)
            .map(|start| (start, (start + PARALLEL_RUN).min(self.len())))
            .collect();
        let count_run = |&(from, to): &(usize, usize)| -> Result<Tally> {
            let mut tally = empty.clone();
            let mut cells = vec![0_usize; CHUNK];
            let mut start = from;
            while start < to {
                let len = CHUNK.min(to - start);
                let chunk = &mut cells[..len];
                // Everyone is in the Total's one category (slot 1).
                chunk.fill(if total {
                    strides.last().copied().unwrap_or(0)
                } else {
                    0
                });
                for (codes, &stride) in columns.iter().zip(&strides) {
                    codes.add_scaled(start, chunk, stride);
                }
                let w = weights.as_deref().and_then(|w| w.get(start..start + len));
                tally.add_cells(chunk, w).map_err(|e| match e {
                    Error::InvalidWeight {
                        value,
                        record: Some(i),
                    } => Error::InvalidField {
                        at: self.locate(start + i, weight.unwrap_or_default()),
                        value: value.to_string(),
                        reason: "is too large a weight to tally: tallies sum weights below 2^64",
                    },
                    other => other,
                })?;
                start += len;
            }
            Ok(tally)
        };
        let mut tally = empty.clone();
        for part in crate::parallel::map(&runs, count_run) {
            tally.merge(&part?)?;
        }
        Ok(tally)
    }

    /// Each respondent's score on a coded question: its answer's code as a number (NaN for no
    /// answer, and for categories whose code is not a number: declared missing codes kept as
    /// categories, "Other").
    fn scores(&self, id: &str) -> Result<Vec<f64>> {
        let (codes, score) = self.score_table(id)?;
        Ok((0..codes.len())
            .map(|k| {
                codes
                    .code(k)
                    .and_then(|c| score.get(c).copied())
                    .unwrap_or(f64::NAN)
            })
            .collect())
    }

    /// A coded question's codes and each category's score (as `scores` gives them), so that
    /// scores are read in place.
    fn score_table(&self, id: &str) -> Result<(&Codes, Vec<f64>)> {
        let (question, _) = self.loaded(id)?;
        let codes = self.coded(id)?;
        let categories = self.categories(id)?;
        // Each category's score: a listed answer's code (or, inferred, its label) as a number.
        let score: Vec<f64> = (0..categories.len())
            .map(|c| {
                let text = match question.answers().get(c) {
                    Some(answer) => answer.code.as_str(),
                    None if question.answers().is_empty() => {
                        categories.label(c).unwrap_or_default()
                    }
                    None => "",
                };
                parse_number(text.as_bytes()).unwrap_or(f64::NAN)
            })
            .collect();
        if !score.iter().any(|s| !s.is_nan()) {
            return Err(Error::InvalidParameter {
                name: "question",
                value: f64::NAN,
                requirement: "a row of means needs answers whose codes are numbers",
            });
        }
        Ok((codes, score))
    }

    /// A yes/no item's answers: a coded column whose answers' codes are 1 (yes) and 0 (no), or
    /// an option of a multi-select question named by its code or label (chosen or not, by the
    /// respondents who answered the question).
    fn item(&self, id: &str) -> Result<Vec<Option<bool>>> {
        let option = self.questionnaire().questions().iter().find_map(|q| {
            (q.kind() == QuestionType::Multi && self.loaded(q.id()).is_ok())
                .then(|| {
                    q.answers()
                        .iter()
                        .position(|a| a.code == id || a.label == id)
                        .map(|o| (q.id(), o))
                })
                .flatten()
        });
        if let (Err(_), Some((question, option))) = (self.loaded(id), option) {
            return Ok(self
                .selections(question)?
                .into_iter()
                .map(|chosen| chosen.map(|set| set.contains(&option)))
                .collect());
        }
        self.scores(id)?
            .into_iter()
            .map(|score| match score {
                s if s.is_nan() => Ok(None),
                1.0 => Ok(Some(true)),
                0.0 => Ok(Some(false)),
                other => Err(Error::InvalidParameter {
                    name: "paired item",
                    value: other,
                    requirement: "a paired item's answers are 1 (yes) and 0 (no)",
                }),
            })
            .collect()
    }

    /// The categories and each record's group position of a coded question, for banners and
    /// comparisons.
    fn group(&self, id: &str) -> Result<(&Categories, Vec<Option<usize>>)> {
        Ok((self.categories(id)?, self.codes(id)?))
    }

    /// A multi-select question's options by a coded question (or over everyone, when `by` is
    /// `None`), weighted by a numeric column when one is named.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Question, Questionnaire, Responses};
    /// let q = Questionnaire::new(vec![
    ///     Question::multi("ai", [("ai_w", "Writing"), ("ai_a", "Analysis")]),
    ///     Question::single("role", [("1", "Leader"), ("2", "IC")]),
    /// ])?;
    /// let r = Responses::builder(&q)
    ///     .values("ai_w", ["1", "1", ""]).values("ai_a", ["0", "1", ""]).values("role", ["1", "2", "2"])
    ///     .build()?;
    /// let counts = r.multi_tally("ai", Some("role"), None)?.cross()?;
    /// assert_eq!(counts.cell(0, 1).count(), 1); // an IC chose writing
    /// assert_eq!(counts.base(1).count(), 1); // one IC answered
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::UnknownColumn`] for a column not loaded; [`Error::InvalidParameter`] when `id` is
    /// not multi-select or `by` not coded; as [`Responses::weights`] and
    /// [`MultiSelectTally::new`].
    pub fn multi_tally(
        &self,
        id: &str,
        by: Option<&str>,
        weight: Option<&str>,
    ) -> Result<MultiSelectTally> {
        let options = self.categories(id)?.clone();
        let chosen = self.selections(id)?;
        let (groups, codes) = match by {
            Some(by) => {
                let (categories, codes) = self.group(by)?;
                (categories.clone(), codes)
            }
            None => (total_group()?, vec![Some(0); self.len()]),
        };
        let weights = self.optional_weights(weight)?;
        let mut tally = match weights {
            Some(_) => MultiSelectTally::new_weighted(options, groups)?,
            None => MultiSelectTally::new(options, groups)?,
        };
        for (i, (chosen, group)) in chosen.iter().zip(codes).enumerate() {
            match &weights {
                Some(w) => tally.add_weighted(
                    chosen.as_deref(),
                    group,
                    w.get(i).copied().unwrap_or(0.0),
                )?,
                None => tally.add(chosen.as_deref(), group)?,
            }
        }
        Ok(tally)
    }

    /// A net of a coded question's answers, each named by its label or by its code in the data.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Question, Questionnaire, Responses};
    /// let q = Questionnaire::new(vec![Question::rating("sat", [("1", "Low"), ("2", "Mid"), ("3", "High")])])?;
    /// let r = Responses::builder(&q).values("sat", ["3"]).build()?;
    /// assert_eq!(r.net("sat", "Top 2", &["2", "High"])?.members(), [1, 2]);
    /// assert!(r.net("sat", "Top", &["4"]).is_err());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::UnknownCategory`] for a member that is neither a label nor a code of the
    /// question; as [`Responses::categories`] and [`Net::new`].
    pub fn net(&self, id: &str, label: &str, members: &[&str]) -> Result<Net> {
        let (question, _) = self.loaded(id)?;
        let categories = self.categories(id)?;
        let positions = members
            .iter()
            .map(|m| {
                categories
                    .index_of(m)
                    .or_else(|| question.answers().iter().position(|a| a.code == *m))
                    .ok_or_else(|| Error::UnknownCategory {
                        dimension: id.to_string(),
                        label: m.to_string(),
                    })
            })
            .collect::<Result<Vec<usize>>>()?;
        Net::new(label, positions)
    }

    /// The breakdown of one question (coded or multi-select), weighted by a numeric column when
    /// one is named.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{BreakdownOptions, Question, Questionnaire, Responses};
    /// let q = Questionnaire::new(vec![Question::single("q", [("y", "Yes"), ("n", "No")])])?;
    /// let r = Responses::builder(&q).values("q", ["y", "y", "n", ""]).build()?;
    /// let breakdown = r.breakdown("q", None, &BreakdownOptions::default())?;
    /// assert_eq!(breakdown.rows()[0].estimate.share, Some(2.0 / 3.0));
    /// assert_eq!(breakdown.missing().count, 1);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Responses::tally`] (or [`Responses::multi_tally`]) and [`Breakdown::new`].
    pub fn breakdown(
        &self,
        id: &str,
        weight: Option<&str>,
        options: &BreakdownOptions,
    ) -> Result<Breakdown> {
        let margin = match &self.loaded(id)?.1.column {
            Column::Multi { .. } => self.multi_tally(id, None, weight)?.margin()?,
            _ => self.tally(&[id], weight)?.margin(0)?,
        };
        Breakdown::new(&margin, options)
    }

    /// The mean of a numeric question, or of a coded one's answers' codes as scores (a rating),
    /// weighted by a numeric column when one is named: the mean counterpart of
    /// [`Responses::breakdown`] (respondents without a value, or with an unscored answer, are
    /// counted as missing).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Question, Questionnaire, Responses};
    /// let q = Questionnaire::new(vec![Question::rating("sat", [("1", "Low"), ("2", "Mid"), ("3", "High")])])?;
    /// let r = Responses::builder(&q).values("sat", ["3", "2", "", "3"]).build()?;
    /// let m = r.mean("sat", None)?;
    /// assert_eq!((m.count, m.missing), (3, 1));
    /// assert!((m.mean - 8.0 / 3.0).abs() < 1e-15);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::UnknownColumn`] for a column not loaded; [`Error::InvalidParameter`] for a
    /// multi-select question or answers whose codes are not numbers; as
    /// [`MeanEstimate::weighted`](crate::MeanEstimate::weighted).
    pub fn mean(&self, id: &str, weight: Option<&str>) -> Result<MeanEstimate> {
        let values = match &self.loaded(id)?.1.column {
            Column::Numeric(values) => Cow::Borrowed(values.as_slice()),
            _ => Cow::Owned(self.scores(id)?),
        };
        match weight {
            Some(w) => MeanEstimate::weighted(&values, &self.weight_column(w)?),
            None => MeanEstimate::new(&values),
        }
    }

    /// Compares the share of respondents giving some answers (`outcome`'s answers in `yes`, by
    /// label or code) across the groups of `by`.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{ComparisonOptions, Question, Questionnaire, Responses};
    /// let q = Questionnaire::new(vec![
    ///     Question::single("knows", [("y", "Yes"), ("n", "No")]),
    ///     Question::single("role", [("1", "Leader"), ("2", "IC")]),
    /// ])?;
    /// let r = Responses::builder(&q)
    ///     .values("knows", ["y", "y", "n", "n", "y", "n"]).values("role", ["1", "1", "1", "2", "2", "2"])
    ///     .build()?;
    /// let comparison = r.comparison("knows", &["Yes"], "role", None, &ComparisonOptions::default())?;
    /// assert!((comparison.groups()[0].estimate - 2.0 / 3.0).abs() < 1e-12);
    /// assert_eq!(comparison.pairs().len(), 1);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Responses::net`], [`Responses::tally`] and [`Comparison::from_net`].
    pub fn comparison(
        &self,
        outcome: &str,
        yes: &[&str],
        by: &str,
        weight: Option<&str>,
        options: &ComparisonOptions,
    ) -> Result<Comparison> {
        let label = yes.join(" or ");
        let net = self.net(outcome, &label, yes)?;
        let counts = self.tally(&[outcome, by], weight)?.cross(0, 1)?;
        Comparison::from_net(&counts, &net, options)
    }

    /// Compares the mean of `outcome` (numeric, or a rating's codes as scores) across the groups
    /// of `by`: the mean counterpart of [`Responses::comparison`] ([`MeanComparison`]); groups
    /// with fewer than two values are left out.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{ComparisonOptions, Question, Questionnaire, Responses, VarianceAssumption};
    /// let q = Questionnaire::new(vec![
    ///     Question::numeric("spend"),
    ///     Question::single("role", [("1", "Leader"), ("2", "IC")]),
    /// ])?;
    /// let r = Responses::builder(&q)
    ///     .numbers("spend", [120.0, 90.0, 150.0, 40.0, 60.0, 50.0]).values("role", ["1", "1", "1", "2", "2", "2"])
    ///     .build()?;
    /// let c = r.mean_comparison("spend", "role", None, VarianceAssumption::Welch, &ComparisonOptions::default())?;
    /// assert_eq!(c.groups()[0].label, "Leader");
    /// assert_eq!(c.pairs()[0].difference, 70.0);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Responses::mean`] and [`MeanComparison::new`] (fewer than two groups with values).
    pub fn mean_comparison(
        &self,
        outcome: &str,
        by: &str,
        weight: Option<&str>,
        variance: VarianceAssumption,
        options: &ComparisonOptions,
    ) -> Result<MeanComparison> {
        let values = match &self.loaded(outcome)?.1.column {
            Column::Numeric(values) => Cow::Borrowed(values.as_slice()),
            _ => Cow::Owned(self.scores(outcome)?),
        };
        let (groups, codes) = (self.categories(by)?, self.coded(by)?);
        let weights = weight.map(|w| self.weight_column(w)).transpose()?;
        let means = grouped_means_of(
            values.len(),
            |k| values.get(k).copied().unwrap_or(f64::NAN),
            |k| codes.code(k),
            weights.as_deref(),
            groups.len(),
        )?;
        let labelled: Vec<(&str, MeanEstimate)> = means
            .iter()
            .enumerate()
            .filter_map(|(g, m)| m.map(|m| (groups.label(g).unwrap_or_default(), m)))
            .collect();
        MeanComparison::new(outcome, &labelled, variance, options)
    }

    /// A crosstab of `question` by one or more banners; see [`CrosstabBuilder`].
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Question, Questionnaire, Responses};
    /// let q = Questionnaire::new(vec![
    ///     Question::single("knows", [("y", "Yes"), ("n", "No")]),
    ///     Question::single("role", [("1", "Leader"), ("2", "IC")]),
    ///     Question::single("team", [("pr", "PR"), ("an", "Analytics")]),
    /// ])?;
    /// let r = Responses::builder(&q)
    ///     .values("knows", ["y", "y", "n", "n", "y", "n"])
    ///     .values("role", ["1", "1", "1", "2", "2", "2"])
    ///     .values("team", ["pr", "an", "pr", "an", "pr", "an"])
    ///     .build()?;
    /// let table = r.crosstab("knows").by("role").by("team").total().run()?;
    /// assert_eq!(table.banners().len(), 2);
    /// assert_eq!(table.total().unwrap().columns()[0].base.count, 6);
    /// assert_eq!(table.banners()[1].group_by(), "team");
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn crosstab(&self, question: &str) -> CrosstabBuilder<'_> {
        CrosstabBuilder {
            responses: self,
            question: question.to_string(),
            banners: Vec::new(),
            total: false,
            weight: None,
            options: CrosstabOptions::default(),
            nets: Vec::new(),
            design: None,
            means: false,
            nps: false,
            paired: Vec::new(),
        }
    }

    /// A sample design from the responses' columns; see [`DesignBuilder`].
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Question, QuestionType, Questionnaire, Responses};
    /// let q = Questionnaire::new(vec![
    ///     Question::numeric("w"),
    ///     Question::new("stratum", QuestionType::Identifier),
    ///     Question::new("cluster", QuestionType::Identifier),
    /// ])?;
    /// let r = Responses::builder(&q)
    ///     .numbers("w", [1.0, 2.0, 1.0, 2.0])
    ///     .values("stratum", ["a", "a", "b", "b"])
    ///     .values("cluster", ["1", "2", "3", "4"])
    ///     .build()?;
    /// let (design, report) = r.design().weight("w").strata("stratum").cluster("cluster").build()?;
    /// assert_eq!(design.degrees_of_freedom(), 2.0);
    /// assert!(report.is_none()); // nothing raked
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn design(&self) -> DesignBuilder<'_> {
        DesignBuilder {
            responses: self,
            weight: None,
            strata: None,
            cluster: None,
            fpc: None,
            lonely: LonelyPsu::default(),
            second_stage_cluster: None,
            second_stage_fpc: None,
            post_strata: None,
            rake: Vec::new(),
            rake_options: RakeOptions::default(),
            replicates: None,
            calibration: BuilderCalibration::default(),
        }
    }

    /// A design variable's levels, numbered from 0 in order of first appearance (as
    /// [`SampleDesign::with_strata`] numbers labels), with their labels: the categories of a
    /// coded column, or a numeric column's distinct values; every respondent needs one.
    fn levels(&self, id: &str) -> Result<(Vec<u32>, Vec<String>)> {
        let missing = |i: usize| Error::InvalidField {
            at: self.locate(i, id),
            value: String::new(),
            reason: "is empty: design variables must be given for every respondent",
        };
        let mut labels = Vec::new();
        match &self.loaded(id)?.1.column {
            Column::Coded(codes) => {
                let categories = self.categories(id).ok();
                // Each category's level, through a table of the column's codes.
                let mut level = vec![u32::MAX; categories.map_or(0, Categories::len) + 1];
                let mut levels = Vec::with_capacity(codes.len());
                for i in 0..codes.len() {
                    let code = codes.get(i);
                    if code == NO_ANSWER {
                        return Err(missing(i));
                    }
                    if level.len() <= code as usize {
                        level.resize(code as usize + 1, u32::MAX);
                    }
                    let slot = &mut level[code as usize];
                    if *slot == u32::MAX {
                        // At most one level per record, and a design has at most u32::MAX.
                        *slot = labels.len() as u32;
                        labels.push(
                            categories
                                .and_then(|c| c.label(code as usize - 1))
                                .map_or_else(|| code.to_string(), str::to_string),
                        );
                    }
                    levels.push(*slot);
                }
                Ok((levels, labels))
            }
            Column::Numeric(values) => {
                let mut seen = std::collections::HashMap::new();
                let mut levels = Vec::with_capacity(values.len());
                for (i, &v) in values.iter().enumerate() {
                    if v.is_nan() {
                        return Err(missing(i));
                    }
                    // 0 and -0 are one level.
                    let key = if v == 0.0 { 0_u64 } else { v.to_bits() };
                    let next = labels.len() as u32;
                    let level = *seen.entry(key).or_insert_with(|| {
                        labels.push(v.to_string());
                        next
                    });
                    levels.push(level);
                }
                Ok((levels, labels))
            }
            Column::Multi { .. } => Err(Error::InvalidParameter {
                name: "design variable",
                value: f64::NAN,
                requirement: "a multi-select question cannot be a design variable",
            }),
        }
    }

    /// A calibration margin of a coded column, population totals given by label (or code).
    fn margin(&self, id: &str, totals: &[(String, f64)]) -> Result<CalibrationMargin> {
        let (question, _) = self.loaded(id)?;
        let categories = self.categories(id)?;
        // For each category, its position among the totals.
        let mut of_category = vec![None; categories.len()];
        for (t, (level, _)) in totals.iter().enumerate() {
            let position = categories
                .index_of(level)
                .or_else(|| question.answers().iter().position(|a| a.code == *level))
                .ok_or_else(|| Error::UnknownCategory {
                    dimension: id.to_string(),
                    label: level.clone(),
                })?;
            if let Some(slot) = of_category.get_mut(position) {
                *slot = Some(t);
            }
        }
        let codes = self.coded(id)?;
        let cells = (0..codes.len())
            .map(|i| {
                let code = codes.get(i);
                match code {
                    NO_ANSWER => Err(Error::InvalidField {
                        at: self.locate(i, id),
                        value: String::new(),
                        reason: "is empty: design variables must be given for every respondent",
                    }),
                    c => of_category
                        .get(c as usize - 1)
                        .copied()
                        .flatten()
                        .ok_or_else(|| Error::InvalidField {
                            at: self.locate(i, id),
                            value: categories
                                .label(c as usize - 1)
                                .unwrap_or_default()
                                .to_string(),
                            reason: "has no population total",
                        }),
                }
            })
            .collect::<Result<Vec<usize>>>()?;
        CalibrationMargin::new(cells, totals.iter().map(|t| t.1).collect())
    }
}

/// The one column of a total.
fn total_group() -> Result<Categories> {
    Categories::new("Total", ["Total"])
}

/// Builds a crosstab of one question by one or more banners (grouping questions), from
/// [`Responses::crosstab`]: each banner with its own letters, a Total column when asked,
/// weighted or design-based.
///
/// # Examples
///
/// ```
/// use survey_analytics::{Alpha, CrosstabOptions, Question, Questionnaire, Responses};
/// let q = Questionnaire::new(vec![
///     Question::rating("sat", [("1", "Low"), ("2", "Mid"), ("3", "High")]),
///     Question::single("role", [("1", "Leader"), ("2", "IC")]),
///     Question::numeric("w"),
/// ])?;
/// let r = Responses::builder(&q)
///     .values("sat", ["3", "2", "1", "3", "3", "1"]).values("role", ["1", "1", "1", "2", "2", "2"])
///     .numbers("w", [1.0, 1.0, 1.0, 2.0, 2.0, 2.0])
///     .build()?;
/// let table = r.crosstab("sat")
///     .by("role")
///     .weight("w")
///     .options(CrosstabOptions::default().alpha(Alpha::TEN_PERCENT))
///     .net("Top 2", &["Mid", "High"])
///     .run()?;
/// let only = &table.banners()[0];
/// assert!(only.is_weighted());
/// assert_eq!(only.rows()[3].label, "Top 2");
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct CrosstabBuilder<'a> {
    responses: &'a Responses,
    question: String,
    banners: Vec<String>,
    total: bool,
    weight: Option<String>,
    options: CrosstabOptions,
    nets: Vec<(String, Vec<String>)>,
    design: Option<&'a SampleDesign>,
    means: bool,
    nps: bool,
    paired: Vec<(String, String)>,
}

impl<'a> CrosstabBuilder<'a> {
    /// Adds a row of means: the answers' codes as scores (a rating's 1-5, say), per column, with
    /// t intervals, letters and a test across the columns ([`Crosstab::with_mean_row`], or
    /// [`Crosstab::with_design_mean_row`] under a design). Categories whose code is not a number
    /// (declared missing codes kept as categories, "Other") are left out of the means. Rating
    /// questions ([`QuestionType::Rating`]) get this row without asking, as tab plans show mean
    /// scores of rating scales.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Missing, Question, Questionnaire, Responses};
    /// let q = Questionnaire::new(vec![
    ///     Question::rating("sat", [("1", "Poor"), ("2", "Fair"), ("3", "Good")])
    ///         .with_missing("dk", "Don't know", Missing::Category),
    ///     Question::single("g", [("a", "A"), ("b", "B")]),
    /// ])?;
    /// let r = Responses::builder(&q)
    ///     .values("sat", ["3", "2", "dk", "1", "1", "2"]).values("g", ["a", "a", "a", "b", "b", "b"])
    ///     .build()?;
    /// let tables = r.crosstab("sat").by("g").means().run()?;
    /// let row = &tables.banners()[0].mean_rows()[0];
    /// assert_eq!((row.cells[0].count, row.cells[0].mean), (2, Some(2.5))); // "dk" left out
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn means(mut self) -> Self {
        self.means = true;
        self
    }

    /// Adds a Net Promoter Score row for a 0-10 question (the answers' codes as ratings): per
    /// column, promoters (9-10) minus detractors (0-6) with its interval and letters
    /// ([`Crosstab::with_nps_row`], or [`Crosstab::with_design_nps_row`] under a design).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Question, QuestionType, Questionnaire, Responses};
    /// let recommend = Question::new("rec", QuestionType::Recommend); // answers 0 to 10
    /// let q = Questionnaire::new(vec![recommend, Question::single("g", [("a", "A"), ("b", "B")])])?;
    /// let r = Responses::builder(&q)
    ///     .values("rec", ["10", "9", "3", "7", "8", "0"]).values("g", ["a", "a", "a", "b", "b", "b"])
    ///     .build()?;
    /// let tables = r.crosstab("rec").by("g").nps().run()?;
    /// let a = &tables.banners()[0].nps_rows()[0].cells[0];
    /// assert!((a.mean.unwrap() - 1.0 / 3.0).abs() < 1e-15); // 2 promoters, 1 detractor of 3
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn nps(mut self) -> Self {
        self.nps = true;
        self
    }

    /// Adds a row comparing two yes/no items answered by the same respondents (0/1 columns, or
    /// options of a multi-select question named by code or label), within each column: their shares among those who answered both and the difference, with
    /// Newcombe's paired interval and McNemar's mid-p test ([`Crosstab::with_paired_row`]), or
    /// design-based ([`Crosstab::with_design_paired_row`]; weights alone make a design too).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Question, Questionnaire, Responses};
    /// let q = Questionnaire::new(vec![
    ///     Question::single("content", [("1", "Yes"), ("0", "No")]),
    ///     Question::single("images", [("1", "Yes"), ("0", "No")]),
    ///     Question::single("g", [("a", "A")]),
    /// ])?;
    /// let r = Responses::builder(&q)
    ///     .values("content", ["1", "1", "0", "1"]).values("images", ["0", "1", "0", "0"]).values("g", ["a"; 4])
    ///     .build()?;
    /// let tables = r.crosstab("content").by("g").paired("content", "images").run()?;
    /// let cell = tables.banners()[0].paired_rows()[0].cells[0].as_ref().unwrap();
    /// assert_eq!((cell.first_share, cell.second_share), (0.75, 0.25));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn paired(mut self, first: &str, second: &str) -> Self {
        self.paired.push((first.to_string(), second.to_string()));
        self
    }

    /// Adds a banner: the question's answers by this coded column's groups.
    ///
    /// # Examples
    ///
    /// ```
    /// # use survey_analytics::{Question, Questionnaire, Responses};
    /// # let q = Questionnaire::new(vec![Question::single("q", [("y", "Yes")]), Question::single("g", [("a", "A")])])?;
    /// # let r = Responses::builder(&q).values("q", ["y"]).values("g", ["a"]).build()?;
    /// assert_eq!(r.crosstab("q").by("g").run()?.banners()[0].group_by(), "g");
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn by(mut self, column: &str) -> Self {
        self.banners.push(column.to_string());
        self
    }

    /// Adds a Total column: every respondent, whatever their groups.
    ///
    /// # Examples
    ///
    /// ```
    /// # use survey_analytics::{Question, Questionnaire, Responses};
    /// # let q = Questionnaire::new(vec![Question::single("q", [("y", "Yes")]), Question::single("g", [("a", "A")])])?;
    /// # let r = Responses::builder(&q).values("q", ["y", "y"]).values("g", ["a", ""]).build()?;
    /// let table = r.crosstab("q").by("g").total().run()?;
    /// assert_eq!(table.total().unwrap().columns()[0].base.count, 2); // one without a group
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn total(mut self) -> Self {
        self.total = true;
        self
    }

    /// Weights the counts by a numeric column (pooled crosstabs; a design carries its own
    /// weights).
    ///
    /// # Examples
    ///
    /// ```
    /// # use survey_analytics::{Question, Questionnaire, Responses};
    /// # let q = Questionnaire::new(vec![Question::single("q", [("y", "Yes")]), Question::single("g", [("a", "A")]), Question::numeric("w")])?;
    /// # let r = Responses::builder(&q).values("q", ["y"]).values("g", ["a"]).numbers("w", [2.5]).build()?;
    /// let table = r.crosstab("q").by("g").weight("w").run()?;
    /// assert_eq!(table.banners()[0].columns()[0].base.weighted, 2.5);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn weight(mut self, column: &str) -> Self {
        self.weight = Some(column.to_string());
        self
    }

    /// Sets the crosstab options (levels, methods, tests, minimum base, nets, design settings).
    ///
    /// # Examples
    ///
    /// ```
    /// # use survey_analytics::{ConfidenceLevel, CrosstabOptions, Question, Questionnaire, Responses};
    /// # let q = Questionnaire::new(vec![Question::single("q", [("y", "Yes")]), Question::single("g", [("a", "A")])])?;
    /// # let r = Responses::builder(&q).values("q", ["y"]).values("g", ["a"]).build()?;
    /// let options = CrosstabOptions::default().level(ConfidenceLevel::NINETY);
    /// let table = r.crosstab("q").by("g").options(options).run()?;
    /// assert_eq!(table.banners()[0].settings().intervals.level, ConfidenceLevel::NINETY);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn options(mut self, options: CrosstabOptions) -> Self {
        self.options = options;
        self
    }

    /// Adds a net row merging answers named by label or by code.
    ///
    /// # Examples
    ///
    /// ```
    /// # use survey_analytics::{Question, Questionnaire, Responses};
    /// # let q = Questionnaire::new(vec![Question::single("q", [("y", "Yes"), ("n", "No")]), Question::single("g", [("a", "A")])])?;
    /// # let r = Responses::builder(&q).values("q", ["y", "n"]).values("g", ["a", "a"]).build()?;
    /// let table = r.crosstab("q").by("g").net("Any", &["y", "No"]).run()?;
    /// assert_eq!(table.banners()[0].rows()[2].cells[0].estimate.share, Some(1.0));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn net(mut self, label: &str, members: &[&str]) -> Self {
        self.nets.push((
            label.to_string(),
            members.iter().map(|m| m.to_string()).collect(),
        ));
        self
    }

    /// Estimates from a sample design (built with [`Responses::design`] on the same responses):
    /// design-based shares, standard errors, design effects, intervals and tests.
    ///
    /// # Examples
    ///
    /// ```
    /// # use survey_analytics::{Question, Questionnaire, Responses};
    /// # let q = Questionnaire::new(vec![Question::single("q", [("y", "Yes"), ("n", "No")]), Question::single("g", [("a", "A"), ("b", "B")]), Question::numeric("w")])?;
    /// # let r = Responses::builder(&q).values("q", ["y", "n", "y", "n"]).values("g", ["a", "a", "b", "b"]).numbers("w", [1.0, 2.0, 1.0, 2.0]).build()?;
    /// let (design, _) = r.design().weight("w").build()?;
    /// let table = r.crosstab("q").by("g").design(&design).run()?;
    /// assert!(table.banners()[0].design().is_some());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn design(mut self, design: &'a SampleDesign) -> Self {
        self.design = Some(design);
        self
    }

    /// Computes the tables. A numeric question's tables have no share rows: their columns' bases
    /// count the respondents with a value, and they have a row of means (and an NPS row when
    /// asked).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Error, Question, Questionnaire, Responses};
    /// let q = Questionnaire::new(vec![
    ///     Question::single("q", [("y", "Yes"), ("n", "No")]),
    ///     Question::single("g", [("a", "A"), ("b", "B")]),
    /// ])?;
    /// let r = Responses::builder(&q).values("q", ["y", "n", "y"]).values("g", ["a", "b", "b"]).build()?;
    /// let tables = r.crosstab("q").by("g").total().run()?;
    /// assert_eq!(tables.total().unwrap().columns()[0].base.count, 3);
    /// assert_eq!(tables.banners()[0].columns()[1].base.count, 2);
    /// // A table needs a banner or a total.
    /// assert!(matches!(r.crosstab("q").run(), Err(Error::TooFewValues { .. })));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::TooFewValues`] without a banner or a total; [`Error::UnknownColumn`] for a
    /// column not loaded; [`Error::InvalidParameter`] for a banner that is not coded; [`Error::LengthMismatch`] for a design of another set of
    /// respondents; as [`Responses::net`], [`Responses::weights`], [`Crosstab::new`] and
    /// [`Crosstab::from_design`].
    pub fn run(&self) -> Result<Banners> {
        if self.banners.is_empty() && !self.total {
            return Err(Error::TooFewValues {
                name: "banners",
                len: 0,
                min: 1,
            });
        }
        let r = self.responses;
        let multi = matches!(r.loaded(&self.question)?.1.column, Column::Multi { .. });
        let mut options = self.options.clone();
        for (label, members) in &self.nets {
            let members: Vec<&str> = members.iter().map(String::as_str).collect();
            options = options.net(r.net(&self.question, label, &members)?);
        }
        let total = self
            .total
            .then(|| self.table(None, multi, &options))
            .transpose()?;
        let banners = self
            .banners
            .iter()
            .map(|by| self.table(Some(by), multi, &options))
            .collect::<Result<Vec<Crosstab>>>()?;
        Banners::new(total, banners)
    }

    /// The table of one banner (`None`: the total), with its row of means when asked.
    fn table(&self, by: Option<&str>, multi: bool, options: &CrosstabOptions) -> Result<Crosstab> {
        if let Column::Numeric(values) = &self.responses.loaded(&self.question)?.1.column {
            return self.numeric_table(by, values, options);
        }
        let (mut table, counts) = self.shares(by, multi, options)?;
        let r = self.responses;
        let rating = r
            .questionnaire()
            .question(&self.question)
            .is_some_and(|q| q.kind() == QuestionType::Rating);
        let means = self.means || rating;
        if !(means || self.nps || !self.paired.is_empty()) {
            return Ok(table);
        }
        // Weights without a design make a design of the weights alone for the paired rows.
        let weighted_design = match (self.design, self.weight.as_deref()) {
            (None, Some(w)) if !self.paired.is_empty() => Some(SampleDesign::new(r.weights(w)?)?),
            _ => None,
        };
        let groups = match (by, self.paired.is_empty()) {
            (_, true) => Vec::new(),
            (Some(by), false) => r.codes(by)?,
            (None, false) => vec![Some(0); r.len()],
        };
        for (first, second) in &self.paired {
            let (a, b) = (r.item(first)?, r.item(second)?);
            table = match self.design.or(weighted_design.as_ref()) {
                Some(design) => {
                    table.with_design_paired_row(first, second, design, &a, &b, &groups)?
                }
                None => table.with_paired_row(first, second, &a, &b, &groups)?,
            };
        }
        if !(means || self.nps) {
            return Ok(table);
        }
        // Scores and groups read in place from the coded columns.
        let (codes, score) = r.score_table(&self.question)?;
        let value = |k: usize| {
            codes
                .code(k)
                .and_then(|c| score.get(c).copied())
                .unwrap_or(f64::NAN)
        };
        let everyone = Mapped {
            len: r.len(),
            code: |_| Some(0),
        };
        let group_codes: &dyn CodeColumn = match by {
            Some(by) => r.coded(by)?,
            None => &everyone,
        };
        // Tables of counts take their rows of means and scores from the counts (each answer's
        // weight and squared weight per column), without another pass over the respondents.
        match (self.design, counts.filter(|_| !multi)) {
            (Some(design), _) => {
                if means {
                    table = table.with_design_mean_row_of("Mean", design, value, group_codes)?;
                }
                if self.nps {
                    table = table.with_design_nps_row_of("NPS", design, value, group_codes)?;
                }
            }
            (None, Some(counts)) => {
                if means {
                    table = table.with_mean_row_from_counts("Mean", &counts, &score)?;
                }
                if self.nps {
                    table = table.with_nps_row_from_counts("NPS", &counts, &score)?;
                }
            }
            // A multi-select question has no scores (`score_table` refused it above).
            (None, None) => {}
        }
        Ok(table)
    }

    /// The table of a numeric question for one banner: the columns' bases of respondents with a
    /// value, a row of means, and a Net Promoter Score row when asked (values 0 to 10).
    fn numeric_table(
        &self,
        by: Option<&str>,
        values: &[f64],
        options: &CrosstabOptions,
    ) -> Result<Crosstab> {
        let r = self.responses;
        let everyone = Mapped {
            len: r.len(),
            code: |_| Some(0),
        };
        let (groups, group_codes): (Categories, &dyn CodeColumn) = match by {
            Some(by) => (r.categories(by)?.clone(), r.coded(by)?),
            None => (total_group()?, &everyone),
        };
        let weights = match (self.design, self.weight.as_deref()) {
            (None, Some(w)) => Some(r.weight_column(w)?),
            _ => None,
        };
        let weights = weights.as_deref();
        let value = |k: usize| values.get(k).copied().unwrap_or(f64::NAN);
        let len = r.len();
        let mut table = Crosstab::for_values(
            &self.question,
            &groups,
            len,
            value,
            group_codes,
            weights,
            self.design,
            options,
        )?;
        table = match self.design {
            Some(d) => table.with_design_mean_row_of("Mean", d, value, group_codes)?,
            None => table.with_mean_row_of("Mean", len, value, group_codes, weights)?,
        };
        if self.nps {
            table = match self.design {
                Some(d) => table.with_design_nps_row_of("NPS", d, value, group_codes)?,
                None => table.with_nps_row_of("NPS", len, value, group_codes, weights)?,
            };
        }
        Ok(table)
    }

    /// The share rows of one banner (`None`: the total), with the counts they came from (tables
    /// of counts only).
    fn shares(
        &self,
        by: Option<&str>,
        multi: bool,
        options: &CrosstabOptions,
    ) -> Result<(Crosstab, Option<CrossCounts>)> {
        let r = self.responses;
        let question = self.question.as_str();
        if let Some(design) = self.design {
            // The coded columns are read in place.
            let everyone = Mapped {
                len: r.len(),
                code: |_| Some(0),
            };
            let (groups, group_codes): (Categories, &dyn CodeColumn) = match by {
                Some(by) => (r.categories(by)?.clone(), r.coded(by)?),
                None => (total_group()?, &everyone),
            };
            let answers = r.categories(question)?;
            let table = if multi {
                Crosstab::from_design_multi_of(
                    design,
                    answers,
                    &groups,
                    &r.selections(question)?,
                    group_codes,
                    options,
                )
            } else {
                Crosstab::from_design_of(
                    design,
                    answers,
                    &groups,
                    r.coded(question)?,
                    group_codes,
                    options,
                )
            };
            return Ok((table?, None));
        }
        let weight = self.weight.as_deref();
        let counts: CrossCounts = if multi {
            r.multi_tally(question, by, weight)?.cross()?
        } else {
            match by {
                Some(by) => r.tally(&[question, by], weight)?.cross(0, 1)?,
                None => r.tally_of(&[question], true, weight)?.cross(0, 1)?,
            }
        };
        Ok((Crosstab::new(&counts, options)?, Some(counts)))
    }
}

/// Builds a [`SampleDesign`] from the responses' columns, from [`Responses::design`]: weights
/// (1 for everyone when none is named), strata and clusters (nested in strata), finite population
/// corrections, a second stage (units nested in the clusters, with their corrections), replicate
/// weights, then post-stratification, raking and calibration (categorical and numeric
/// auxiliaries) to population totals given by label or code.
///
/// # Examples
///
/// ```
/// use survey_analytics::{Question, Questionnaire, Responses};
/// let q = Questionnaire::new(vec![Question::single("gender", [("f", "Female"), ("m", "Male")])])?;
/// let r = Responses::builder(&q).values("gender", ["f", "f", "f", "m"]).build()?;
/// let (design, _) = r.design().post_stratify("gender", &[("Female", 50.0), ("m", 50.0)]).build()?;
/// assert_eq!(design.weights(), [50.0 / 3.0, 50.0 / 3.0, 50.0 / 3.0, 50.0]);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct DesignBuilder<'a> {
    responses: &'a Responses,
    weight: Option<String>,
    strata: Option<String>,
    cluster: Option<String>,
    fpc: Option<String>,
    lonely: LonelyPsu,
    second_stage_cluster: Option<String>,
    second_stage_fpc: Option<String>,
    post_strata: Option<(String, Vec<(String, f64)>)>,
    rake: Vec<(String, Vec<(String, f64)>)>,
    rake_options: RakeOptions,
    replicates: Option<Replicated>,
    calibration: BuilderCalibration,
}

/// What [`DesignBuilder`] calibrates to, by column name.
#[derive(Debug, Clone, Default)]
struct BuilderCalibration {
    population_size: Option<f64>,
    margins: Vec<(String, Vec<(String, f64)>)>,
    numeric: Vec<(String, f64)>,
    options: CalibrationOptions,
}

impl BuilderCalibration {
    fn is_empty(&self) -> bool {
        self.population_size.is_none() && self.margins.is_empty() && self.numeric.is_empty()
    }
}

/// A column's population totals by label, for [`DesignBuilder::post_stratify`] and
/// [`DesignBuilder::rake`]: parsed from `COLUMN=LABEL:TOTAL,LABEL:TOTAL` (labels may hold `:`;
/// the total follows the last one), the form command lines and configuration files give them in.
///
/// # Examples
///
/// ```
/// use survey_analytics::ColumnTotals;
/// let region: ColumnTotals = "region=North:9622,South:15810".parse()?;
/// assert_eq!(region.column, "region");
/// assert_eq!(region.totals, [("North".to_string(), 9622.0), ("South".to_string(), 15810.0)]);
/// assert!("region".parse::<ColumnTotals>().is_err());
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ColumnTotals {
    /// The column (question id).
    pub column: String,
    /// Each label's population total.
    pub totals: Vec<(String, f64)>,
}

impl std::str::FromStr for ColumnTotals {
    type Err = Error;

    fn from_str(spec: &str) -> Result<Self> {
        let bad = || Error::InvalidSpecification {
            what: "set of population totals",
            spec: spec.to_string(),
            expected: "COLUMN=LABEL:TOTAL,LABEL:TOTAL with finite totals",
        };
        let (column, items) = spec.split_once('=').ok_or_else(bad)?;
        let totals = items
            .split(',')
            .map(|item| {
                let (label, total) = item.rsplit_once(':').ok_or_else(bad)?;
                let total: f64 = total.trim().parse().map_err(|_| bad())?;
                if !total.is_finite() || column.is_empty() {
                    return Err(bad());
                }
                Ok((label.to_string(), total))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            column: column.to_string(),
            totals,
        })
    }
}

/// Where a design's replicate weights come from.
#[derive(Debug, Clone)]
enum Replicated {
    /// The columns named by a prefix, with the method and factors of `ReplicateWeights`.
    Supplied(String, ReplicateWeights),
    /// Created from the strata and clusters.
    Created(ReplicateScheme),
}

fn totals<S: AsRef<str>>(totals: &[(S, f64)]) -> Vec<(String, f64)> {
    totals
        .iter()
        .map(|(l, t)| (l.as_ref().to_string(), *t))
        .collect()
}

impl DesignBuilder<'_> {
    /// The sampling weights' column.
    ///
    /// # Examples
    ///
    /// ```
    /// # use survey_analytics::{Question, Questionnaire, Responses};
    /// # let q = Questionnaire::new(vec![Question::numeric("w")])?;
    /// # let r = Responses::builder(&q).numbers("w", [2.0, 3.0]).build()?;
    /// assert_eq!(r.design().weight("w").build()?.0.weights(), [2.0, 3.0]);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn weight(mut self, column: &str) -> Self {
        self.weight = Some(column.to_string());
        self
    }

    /// The strata's column.
    ///
    /// # Examples
    ///
    /// ```
    /// # use survey_analytics::{Question, QuestionType, Questionnaire, Responses};
    /// # let q = Questionnaire::new(vec![Question::new("s", QuestionType::Identifier)])?;
    /// # let r = Responses::builder(&q).values("s", ["a", "a", "b", "b"]).build()?;
    /// assert!(r.design().strata("s").build()?.0.has_strata());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn strata(mut self, column: &str) -> Self {
        self.strata = Some(column.to_string());
        self
    }

    /// The clusters' (primary sampling units') column.
    ///
    /// # Examples
    ///
    /// ```
    /// # use survey_analytics::{Question, QuestionType, Questionnaire, Responses};
    /// # let q = Questionnaire::new(vec![Question::new("c", QuestionType::Identifier)])?;
    /// # let r = Responses::builder(&q).values("c", ["1", "1", "2"]).build()?;
    /// assert_eq!(r.design().cluster("c").build()?.0.degrees_of_freedom(), 1.0);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn cluster(mut self, column: &str) -> Self {
        self.cluster = Some(column.to_string());
        self
    }

    /// The finite population correction's column: each stratum's population size (in PSUs) or
    /// sampling fraction, as R's `svydesign(fpc = )` ([`SampleDesign::with_fpc`]).
    ///
    /// # Examples
    ///
    /// ```
    /// # use survey_analytics::{Question, Questionnaire, Responses};
    /// # let q = Questionnaire::new(vec![Question::numeric("y"), Question::numeric("n")])?;
    /// # let r = Responses::builder(&q).numbers("y", [1.0, 2.0, 4.0]).numbers("n", [3.0; 3]).build()?;
    /// let (census, _) = r.design().fpc("n").build()?; // all 3 of 3 sampled
    /// assert_eq!(census.mean(&r.numbers("y")?)?.std_error, 0.0);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn fpc(mut self, column: &str) -> Self {
        self.fpc = Some(column.to_string());
        self
    }

    /// The second-stage units' column: units sampled within each cluster, nested in it, as R's
    /// `svydesign(ids = ~psu + ssu)` ([`SampleDesign::with_second_stage_clusters`]). Needs
    /// [`DesignBuilder::cluster`].
    ///
    /// # Examples
    ///
    /// ```
    /// # use survey_analytics::{Question, QuestionType, Questionnaire, Responses};
    /// # let q = Questionnaire::new(vec![
    /// #     Question::new("c", QuestionType::Identifier), Question::new("s", QuestionType::Identifier),
    /// # ])?;
    /// # let r = Responses::builder(&q)
    /// #     .values("c", ["1", "1", "2", "2"]).values("s", ["a", "b", "a", "b"]).build()?;
    /// let (design, _) = r.design().cluster("c").second_stage_cluster("s").build()?;
    /// assert!(design.has_second_stage());
    /// assert!(r.design().second_stage_cluster("s").build().is_err()); // no clusters
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn second_stage_cluster(mut self, column: &str) -> Self {
        self.second_stage_cluster = Some(column.to_string());
        self
    }

    /// The second stage's finite population correction's column: each cluster's number of
    /// second-stage units in the population or their sampling fraction, as `N2` in R's
    /// `svydesign(fpc = ~N1 + N2)` ([`SampleDesign::with_second_stage_fpc`]). Without
    /// [`DesignBuilder::second_stage_cluster`] each respondent is its own second-stage unit.
    ///
    /// # Examples
    ///
    /// ```
    /// # use survey_analytics::{Question, QuestionType, Questionnaire, Responses};
    /// # let q = Questionnaire::new(vec![
    /// #     Question::new("c", QuestionType::Identifier), Question::numeric("y"),
    /// #     Question::numeric("n1"), Question::numeric("n2"),
    /// # ])?;
    /// # let r = Responses::builder(&q)
    /// #     .values("c", ["1", "1", "2", "2"]).numbers("y", [1.0, 2.0, 4.0, 8.0])
    /// #     .numbers("n1", [5.0; 4]).numbers("n2", [10.0; 4]).build()?;
    /// // 2 of 5 clusters, then 2 of each cluster's 10 respondents.
    /// let one = r.design().cluster("c").fpc("n1");
    /// let (two, _) = one.clone().second_stage_fpc("n2").build()?;
    /// let y = r.numbers("y")?;
    /// assert!(two.mean(&y)?.std_error > one.build()?.0.mean(&y)?.std_error);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn second_stage_fpc(mut self, column: &str) -> Self {
        self.second_stage_fpc = Some(column.to_string());
        self
    }

    /// How strata with a single PSU are handled.
    ///
    /// # Examples
    ///
    /// ```
    /// # use survey_analytics::{LonelyPsu, Question, QuestionType, Questionnaire, Responses};
    /// # let q = Questionnaire::new(vec![Question::new("s", QuestionType::Identifier)])?;
    /// # let r = Responses::builder(&q).values("s", ["a", "b", "b"]).build()?;
    /// let (design, _) = r.design().strata("s").lonely_psu(LonelyPsu::Remove).build()?;
    /// assert_eq!(design.lonely_psu(), LonelyPsu::Remove);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn lonely_psu(mut self, lonely: LonelyPsu) -> Self {
        self.lonely = lonely;
        self
    }

    /// Replicate weights from the columns named `prefix` followed by a number (`repwt1`,
    /// `repwt2`, ...; in the order of their numbers), formed as `spec` says: its method, `rho`,
    /// scale factors, `mse` and whether they are combined weights (its own columns are not
    /// used). Variances then come from the replicates (see
    /// [`SampleDesign::with_replicate_weights`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Question, Questionnaire, ReplicateMethod, ReplicateWeights, Responses};
    /// let q = Questionnaire::new(vec![Question::numeric("y"), Question::numeric("rw1"), Question::numeric("rw2"), Question::numeric("rw3")])?;
    /// let r = Responses::builder(&q)
    ///     .numbers("y", [1.0, 2.0, 6.0])
    ///     .numbers("rw1", [0.0, 1.5, 1.5])
    ///     .numbers("rw2", [1.5, 0.0, 1.5])
    ///     .numbers("rw3", [1.5, 1.5, 0.0])
    ///     .build()?;
    /// let spec = ReplicateWeights::new(ReplicateMethod::Jk1, Vec::new());
    /// let (design, _) = r.design().replicate_weights("rw", spec).build()?;
    /// assert_eq!(design.replicate_count(), 3);
    /// assert!((design.mean(&r.numbers("y")?)?.std_error - (7.0_f64 / 3.0).sqrt()).abs() < 1e-14);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn replicate_weights(mut self, prefix: &str, spec: ReplicateWeights) -> Self {
        self.replicates = Some(Replicated::Supplied(prefix.to_string(), spec));
        self
    }

    /// Replicate weights created from the strata and clusters (see [`SampleDesign::replicate`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Question, Questionnaire, ReplicateScheme, Responses};
    /// let q = Questionnaire::new(vec![Question::numeric("y")])?;
    /// let r = Responses::builder(&q).numbers("y", [1.0, 2.0, 6.0]).build()?;
    /// let (design, _) = r.design().replicate(ReplicateScheme::Jk1).build()?;
    /// assert_eq!(design.replicate_count(), 3);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn replicate(mut self, scheme: ReplicateScheme) -> Self {
        self.replicates = Some(Replicated::Created(scheme));
        self
    }

    /// Post-stratifies to population totals of a coded column's categories (by label or code).
    ///
    /// # Examples
    ///
    /// ```
    /// # use survey_analytics::{Question, Questionnaire, Responses};
    /// # let q = Questionnaire::new(vec![Question::single("g", [("f", "Female"), ("m", "Male")])])?;
    /// # let r = Responses::builder(&q).values("g", ["f", "m"]).build()?;
    /// let (design, _) = r.design().post_stratify("g", &[("f", 60.0), ("m", 40.0)]).build()?;
    /// assert_eq!(design.weights(), [60.0, 40.0]);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn post_stratify<S: AsRef<str>>(mut self, column: &str, population: &[(S, f64)]) -> Self {
        self.post_strata = Some((column.to_string(), totals(population)));
        self
    }

    /// Adds a raking margin: population totals of a coded column's categories (by label or
    /// code). Margins are raked together, after any post-stratification.
    ///
    /// # Examples
    ///
    /// ```
    /// # use survey_analytics::{Question, Questionnaire, Responses};
    /// # let q = Questionnaire::new(vec![Question::single("g", [("f", "F"), ("m", "M")]), Question::single("a", [("y", "Young"), ("o", "Old")])])?;
    /// # let r = Responses::builder(&q).values("g", ["f", "m", "f", "m"]).values("a", ["y", "y", "o", "o"]).build()?;
    /// let (design, report) = r.design().rake("g", &[("f", 52.0), ("m", 48.0)]).rake("a", &[("y", 30.0), ("o", 70.0)]).build()?;
    /// assert!(report.unwrap().converged);
    /// assert!((design.weights().iter().sum::<f64>() - 100.0).abs() < 1e-9);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn rake<S: AsRef<str>>(mut self, column: &str, population: &[(S, f64)]) -> Self {
        self.rake.push((column.to_string(), totals(population)));
        self
    }

    /// Sets the raking options (R's defaults: [`RakeOptions::r_defaults`]).
    ///
    /// # Examples
    ///
    /// ```
    /// # use survey_analytics::{Question, Questionnaire, RakeOptions, Responses};
    /// # let q = Questionnaire::new(vec![Question::single("g", [("f", "F"), ("m", "M")])])?;
    /// # let r = Responses::builder(&q).values("g", ["f", "m"]).build()?;
    /// let options = RakeOptions { max_iterations: 5, ..RakeOptions::default() };
    /// let (_, report) = r.design().rake("g", &[("f", 1.0), ("m", 1.0)]).rake_options(options).build()?;
    /// assert!(report.unwrap().iterations <= 5);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn rake_options(mut self, options: RakeOptions) -> Self {
        self.rake_options = options;
        self
    }

    /// Adds a categorical auxiliary to calibrate to: population totals of a coded column's
    /// categories (by label or code), as a term `~column` of R's `calibrate`. Calibration runs
    /// after any post-stratification and raking, on every auxiliary added (see
    /// [`SampleDesign::calibrate_to`]).
    ///
    /// # Examples
    ///
    /// ```
    /// # use survey_analytics::{Question, Questionnaire, Responses};
    /// # let q = Questionnaire::new(vec![Question::single("g", [("f", "F"), ("m", "M")]), Question::numeric("age")])?;
    /// # let r = Responses::builder(&q).values("g", ["f", "m", "f", "m"]).numbers("age", [30.0, 40.0, 50.0, 60.0]).build()?;
    /// let (design, _) = r.design().calibrate_margin("g", &[("f", 52.0), ("m", 48.0)]).calibrate_numeric("age", 4_400.0).build()?;
    /// let w = design.weights();
    /// assert!((w[0] + w[2] - 52.0).abs() < 1e-9);
    /// assert!((30.0 * w[0] + 40.0 * w[1] + 50.0 * w[2] + 60.0 * w[3] - 4_400.0).abs() < 1e-9);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn calibrate_margin<S: AsRef<str>>(
        mut self,
        column: &str,
        population: &[(S, f64)],
    ) -> Self {
        self.calibration
            .margins
            .push((column.to_string(), totals(population)));
        self
    }

    /// Adds a numeric auxiliary to calibrate to: a numeric column and its population total, as
    /// a numeric term of R's `calibrate` formula. Every respondent needs a value.
    ///
    /// # Examples
    ///
    /// ```
    /// # use survey_analytics::{Error, Question, Questionnaire, Responses};
    /// # let q = Questionnaire::new(vec![Question::numeric("x")])?;
    /// # let r = Responses::builder(&q).numbers("x", [1.0, 2.0, 3.0]).build()?;
    /// let (design, _) = r.design().calibrate_population(30.0).calibrate_numeric("x", 70.0).build()?;
    /// assert!((design.weights().iter().sum::<f64>() - 30.0).abs() < 1e-9);
    /// # let q = Questionnaire::new(vec![Question::numeric("x")])?;
    /// let r = Responses::builder(&q).numbers("x", [1.0, f64::NAN]).build()?;
    /// let err = r.design().calibrate_numeric("x", 3.0).build().unwrap_err();
    /// assert!(matches!(err, Error::InvalidField { ref at, .. } if at.record == 1));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn calibrate_numeric(mut self, column: &str, total: f64) -> Self {
        self.calibration.numeric.push((column.to_string(), total));
        self
    }

    /// Calibrates to the population size (R's `(Intercept)` total), implied by any categorical
    /// auxiliary; without it and without categorical auxiliaries, numeric ones calibrate without
    /// an intercept.
    ///
    /// # Examples
    ///
    /// ```
    /// # use survey_analytics::{Question, Questionnaire, Responses};
    /// # let q = Questionnaire::new(vec![Question::numeric("w")])?;
    /// # let r = Responses::builder(&q).numbers("w", [1.0, 3.0]).build()?;
    /// let (design, _) = r.design().weight("w").calibrate_population(100.0).build()?;
    /// assert!((design.weights()[0] - 25.0).abs() < 1e-9 && (design.weights()[1] - 75.0).abs() < 1e-9);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn calibrate_population(mut self, size: f64) -> Self {
        self.calibration.population_size = Some(size);
        self
    }

    /// Sets the calibration's distance, bounds and stopping rule (R's defaults:
    /// [`CalibrationOptions::default`]).
    ///
    /// # Examples
    ///
    /// ```
    /// # use survey_analytics::{CalibrationFunction, CalibrationOptions, Error, Question, Questionnaire, Responses};
    /// # let q = Questionnaire::new(vec![Question::single("g", [("f", "F"), ("m", "M")])])?;
    /// # let r = Responses::builder(&q).values("g", ["f", "m", "m", "m"]).build()?;
    /// // Raking within (0.5, 2): the woman would need a g-weight of 2.5.
    /// let options = CalibrationOptions::bounded(CalibrationFunction::Raking, 0.5, 2.0);
    /// let err = r.design().calibrate_margin("g", &[("f", 2.5), ("m", 1.5)]).calibration_options(options).build().unwrap_err();
    /// assert!(matches!(err, Error::CalibrationFailed { ref auxiliary, .. } if auxiliary.contains("g = ")));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn calibration_options(mut self, options: CalibrationOptions) -> Self {
        self.calibration.options = options;
        self
    }

    /// Builds the design; with raking margins, also the raking's report.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Error, Question, Questionnaire, Responses};
    /// let q = Questionnaire::new(vec![
    ///     Question::single("region", [("n", "North"), ("s", "South")]),
    ///     Question::numeric("w"),
    /// ])?;
    /// let r = Responses::builder(&q)
    ///     .values("region", ["n", "n", "s", "s", ""])
    ///     .numbers("w", [1.0, 2.0, 1.0, 1.0, 1.0])
    ///     .build()?;
    /// let margin = [("North", 60.0), ("South", 40.0)];
    /// // Raking needs every respondent's region: the fifth has none.
    /// let err = r.design().weight("w").rake("region", &margin).build().unwrap_err();
    /// assert!(matches!(err, Error::InvalidField { ref at, .. } if at.record == 4));
    /// // Without raking the design is the weights alone.
    /// let (design, report) = r.design().weight("w").build()?;
    /// assert_eq!(design.weights(), [1.0, 2.0, 1.0, 1.0, 1.0]);
    /// assert!(report.is_none());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::UnknownColumn`] for a column not loaded; [`Error::InvalidField`], naming the
    /// record, for an invalid weight, an empty design variable or a category without a
    /// population total; [`Error::UnknownCategory`] for a total of a category the column does
    /// not have, and for a numeric calibration auxiliary without a value; as
    /// [`SampleDesign::new`], [`SampleDesign::with_fpc`],
    /// [`SampleDesign::with_second_stage_clusters`] (a second stage without clusters),
    /// [`SampleDesign::with_second_stage_fpc`], [`SampleDesign::with_replicate_weights`],
    /// [`SampleDesign::replicate`], [`SampleDesign::post_stratify`], [`SampleDesign::rake`] and
    /// [`SampleDesign::calibrate_to`] (whose errors name the columns and categories).
    pub fn build(&self) -> Result<(SampleDesign, Option<RakeReport>)> {
        self.build_steps(&mut |_, _| Ok(()))
    }

    /// The weighting report: the weights' [`WeightSummary`] overall and per group of `by` (when
    /// named), for the weights given ("weights") and after each weighting step
    /// ("post-stratified", "raked", "calibrated"), as practitioners read them before trusting
    /// weighted results.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Question, Questionnaire, Responses};
    /// let q = Questionnaire::new(vec![
    ///     Question::single("gender", [("f", "Female"), ("m", "Male")]),
    ///     Question::numeric("w"),
    /// ])?;
    /// let r = Responses::builder(&q)
    ///     .values("gender", ["f", "f", "f", "m"]).numbers("w", [1.0, 2.0, 1.0, 1.0])
    ///     .build()?;
    /// let report = r.design().weight("w").post_stratify("gender", &[("f", 50.0), ("m", 50.0)]).weighting_report(Some("gender"))?;
    /// assert_eq!(report.steps.iter().map(|s| s.step.as_str()).collect::<Vec<_>>(), ["weights", "post-stratified"]);
    /// let after = &report.steps[1];
    /// assert_eq!(after.overall.sum, 100.0);
    /// assert_eq!(after.groups[1].1.unwrap().max, 50.0); // the one man stands for 50
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`DesignBuilder::build`]; [`Error::UnknownColumn`] or [`Error::InvalidParameter`] for a
    /// `by` column that is not loaded or not coded.
    pub fn weighting_report(&self, by: Option<&str>) -> Result<WeightingReport> {
        let r = self.responses;
        let (labels, codes) = match by {
            Some(by) => (r.categories(by)?.labels().to_vec(), r.codes(by)?),
            None => (Vec::new(), Vec::new()),
        };
        let mut steps = Vec::new();
        self.build_steps(&mut |step, design| {
            let groups = if by.is_some() {
                WeightSummary::by_group(design.weights(), &codes, labels.len())?
            } else {
                Vec::new()
            };
            steps.push(WeightingStep {
                step: step.to_string(),
                overall: WeightSummary::new(design.weights())?,
                groups: labels.iter().cloned().zip(groups).collect(),
            });
            Ok(())
        })?;
        Ok(WeightingReport {
            group_by: by.map(str::to_string),
            steps,
        })
    }

    /// Builds the design, calling `step` with each weighting step's name and design.
    /// The numeric columns named `prefix` and a number, in the order of their numbers.
    fn replicate_columns(&self, prefix: &str) -> Result<Vec<Vec<f64>>> {
        let r = self.responses;
        let mut named: Vec<(u64, &str)> = r
            .questionnaire()
            .questions()
            .iter()
            .filter_map(|q| Some((crate::frame::numbered(q.id(), prefix)?, q.id())))
            .filter(|(_, id)| r.loaded(id).is_ok())
            .collect();
        named.sort_unstable();
        if named.is_empty() {
            return Err(Error::UnknownColumn {
                source_name: r.source_name().to_string(),
                name: format!("{prefix}<number> (replicate weights)"),
                available: crate::frame::responses::list(
                    &r.questionnaire()
                        .questions()
                        .iter()
                        .map(|q| q.id())
                        .collect::<Vec<_>>(),
                ),
            });
        }
        named
            .iter()
            .map(|(_, id)| {
                let values = r.number_column(id)?;
                if let Some(k) = values.iter().position(|v| !v.is_finite()) {
                    return Err(Error::InvalidField {
                        at: r.locate(k, id),
                        value: values[k].to_string(),
                        reason: "is not a replicate weight: it must be a number",
                    });
                }
                Ok(values.into_owned())
            })
            .collect()
    }

    fn build_steps(
        &self,
        step: &mut dyn FnMut(&str, &SampleDesign) -> Result<()>,
    ) -> Result<(SampleDesign, Option<RakeReport>)> {
        let r = self.responses;
        let weights = match &self.weight {
            Some(w) => r.weights(w)?,
            None => vec![1.0; r.len()],
        };
        let mut design = SampleDesign::new(weights)?.with_lonely_psu(self.lonely);
        // The two design variables are coded side by side.
        let (strata, clusters) = crate::parallel::join(
            || self.strata.as_deref().map(|s| r.levels(s)).transpose(),
            || self.cluster.as_deref().map(|c| r.levels(c)).transpose(),
        );
        if let Some((levels, labels)) = strata? {
            design = design.with_stratum_codes(levels, labels)?;
        }
        if let Some((levels, _)) = clusters? {
            design = design.with_cluster_codes(levels)?;
        }
        if let Some(fpc) = &self.fpc {
            let values = r.number_column(fpc)?;
            if let Some(k) = values.iter().position(|v| !(v.is_finite() && *v > 0.0)) {
                return Err(Error::InvalidField {
                    at: r.locate(k, fpc),
                    value: values[k].to_string(),
                    reason: "is not a population size or sampling fraction: it must be positive",
                });
            }
            design = design.with_fpc(&values)?;
        }
        if let Some(column) = &self.second_stage_cluster {
            design = design.with_second_stage_clusters(&r.levels(column)?.0)?;
        }
        if let Some(fpc) = &self.second_stage_fpc {
            let values = r.number_column(fpc)?;
            if let Some(k) = values.iter().position(|v| !(v.is_finite() && *v > 0.0)) {
                return Err(Error::InvalidField {
                    at: r.locate(k, fpc),
                    value: values[k].to_string(),
                    reason: "is not a population size or sampling fraction: it must be positive",
                });
            }
            design = design.with_second_stage_fpc(&values)?;
        }
        match &self.replicates {
            Some(Replicated::Supplied(prefix, spec)) => {
                let columns = self.replicate_columns(prefix)?;
                let spec = spec.clone().with_columns(columns);
                design = design.with_replicate_weights(spec)?;
            }
            Some(Replicated::Created(scheme)) => design = design.replicate(*scheme)?,
            None => {}
        }
        step("weights", &design)?;
        if let Some((column, totals)) = &self.post_strata {
            design = design.post_stratify(&r.margin(column, totals)?)?;
            step("post-stratified", &design)?;
        }
        if self.rake.is_empty() {
            return Ok((self.calibrated(design, step)?, None));
        }
        let margins = self
            .rake
            .iter()
            .map(|(column, totals)| r.margin(column, totals))
            .collect::<Result<Vec<_>>>()?;
        let (raked, report) = design.rake(&margins, &self.rake_options)?;
        step("raked", &raked)?;
        let raked = self.calibrated(raked, step)?;
        Ok((raked, Some(report)))
    }

    /// The design calibrated to the auxiliaries added, when any were (step "calibrated").
    fn calibrated(
        &self,
        design: SampleDesign,
        step: &mut dyn FnMut(&str, &SampleDesign) -> Result<()>,
    ) -> Result<SampleDesign> {
        let calibration = &self.calibration;
        if calibration.is_empty() {
            return Ok(design);
        }
        let r = self.responses;
        let mut targets = CalibrationTargets::new();
        if let Some(size) = calibration.population_size {
            targets = targets.population_size(size);
        }
        let mut names = AuxiliaryNames::default();
        for (column, totals) in &calibration.margins {
            targets = targets.margin(r.margin(column, totals)?);
            names.margins.push((
                column.clone(),
                totals.iter().map(|(label, _)| label.clone()).collect(),
            ));
        }
        for (column, total) in &calibration.numeric {
            let values = r.number_column(column)?;
            if let Some(k) = values.iter().position(|v| !v.is_finite()) {
                return Err(Error::InvalidField {
                    at: r.locate(k, column),
                    value: values.get(k).map_or_else(String::new, |v| {
                        if v.is_nan() {
                            String::new()
                        } else {
                            v.to_string()
                        }
                    }),
                    reason: "is not a number: calibration auxiliaries must be given for every \
                             respondent",
                });
            }
            targets = targets.numeric(NumericAuxiliary::new(values.into_owned(), *total)?);
            names.numeric.push(column.clone());
        }
        targets.names = Some(names);
        let (calibrated, _) = design.calibrate_to(&targets, &calibration.options)?;
        step("calibrated", &calibrated)?;
        Ok(calibrated)
    }
}

/// One step of a [`WeightingReport`]: its name and the weights' summaries after it.
///
/// # Examples
///
/// ```
/// use survey_analytics::{Question, Questionnaire, Responses};
/// let q = Questionnaire::new(vec![Question::numeric("w")])?;
/// let r = Responses::builder(&q).numbers("w", [1.0, 3.0]).build()?;
/// let step = &r.design().weight("w").weighting_report(None)?.steps[0];
/// assert_eq!((step.step.as_str(), step.overall.ratio), ("weights", Some(3.0)));
/// assert!(step.groups.is_empty());
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WeightingStep {
    /// "weights", "post-stratified", "raked" or "calibrated".
    pub step: String,
    /// All the weights.
    pub overall: WeightSummary,
    /// Per group of the report's `by` column, in its order (`None`: nobody in the group).
    pub groups: Vec<(String, Option<WeightSummary>)>,
}

/// The weights before and after each weighting step; see [`DesignBuilder::weighting_report`].
///
/// # Examples
///
/// ```
/// use survey_analytics::{Question, Questionnaire, Responses};
/// let q = Questionnaire::new(vec![Question::numeric("w")])?;
/// let r = Responses::builder(&q).numbers("w", [1.0, 3.0]).build()?;
/// let report = r.design().weight("w").weighting_report(None)?;
/// assert_eq!((report.group_by, report.steps.len()), (None, 1));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WeightingReport {
    /// The column the groups come from, when one was named.
    pub group_by: Option<String>,
    /// The steps, in order.
    pub steps: Vec<WeightingStep>,
}

//! Responses: the columns of a survey export, coded by its questionnaire (given or inferred).

use std::borrow::Cow;
use std::io::Write;

use crate::error::{DataLocation, Error, Result};
use crate::frame::column::{
    Coder, Codes, Column, Dictionary, FieldError, MissingCounts, NO_ANSWER, Unlisted, parse_number,
    trim,
};
use crate::frame::questionnaire::{Missing, Question, QuestionType, Questionnaire};
use crate::survey::categories::Categories;

/// Inference codes a column with at most this many distinct values as a single-choice question;
/// a column of numbers with more becomes numeric, any other an identifier (its labels sorted as
/// a single-choice question's are).
///
/// # Examples
///
/// ```
/// use survey_analytics::{CsvReader, QuestionType, INFER_MAX_CATEGORIES};
/// let mut few = String::from("q\n");
/// let mut many = String::from("q\n");
/// for i in 0..=INFER_MAX_CATEGORIES {
///     few.push_str(&format!("{}\n", i % 10));
///     many.push_str(&format!("{i}\n"));
/// }
/// let kind = |text: &str| {
///     let r = CsvReader::new().read(text.as_bytes(), "data").unwrap();
///     r.questionnaire().question("q").unwrap().kind()
/// };
/// assert_eq!(kind(&few), QuestionType::Single);
/// assert_eq!(kind(&many), QuestionType::Numeric);
/// ```
pub const INFER_MAX_CATEGORIES: usize = 1000;

/// One loaded question.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Loaded {
    pub(crate) column: Column,
    /// The categories of coded and multi-select columns (with "Other" when unlisted values
    /// were counted there); `None` for numeric columns and identifiers without any value.
    pub(crate) categories: Option<Categories>,
    pub(crate) counts: MissingCounts,
}

/// File lines of records, where they differ from "record + 2" (a quoted field spanning lines).
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Lines {
    /// Whether the records came from a file with a header line.
    from_file: bool,
    /// `(record, extra)`: from `record` on, line = record + 2 + extra.
    breaks: Vec<(u64, u64)>,
}

impl Lines {
    #[cfg_attr(not(feature = "csv"), allow(dead_code))]
    pub(crate) fn file() -> Self {
        Self {
            from_file: true,
            breaks: Vec::new(),
        }
    }

    /// Notes that `record` starts on `line`.
    pub(crate) fn note(&mut self, record: u64, line: u64) {
        if !self.from_file {
            return;
        }
        let extra = line.saturating_sub(record + 2);
        if self.breaks.last().map_or(0, |b| b.1) != extra {
            self.breaks.push((record, extra));
        }
    }

    /// The line of `record`, for file sources.
    pub(crate) fn line(&self, record: u64) -> Option<u64> {
        if !self.from_file {
            return None;
        }
        let at = self.breaks.partition_point(|b| b.0 <= record);
        let extra = at.checked_sub(1).map_or(0, |i| self.breaks[i].1);
        Some(record + 2 + extra)
    }

    /// Appends the lines of records that follow these: `other` counted its records from 0 and
    /// its lines as if its first record stood on line 2; here its records start at `offset` and
    /// its first record stands on line `line_offset + 2`.
    pub(crate) fn append(&mut self, other: &Lines, offset: u64, line_offset: u64) {
        // Each record takes at least one line, so the shift is never negative.
        let shift = line_offset.saturating_sub(offset);
        let mut current = self.breaks.last().map_or(0, |b| b.1);
        for (record, extra) in std::iter::once((0, 0)).chain(other.breaks.iter().copied()) {
            let total = extra + shift;
            if total == current {
                continue;
            }
            match self.breaks.last_mut() {
                Some(last) if last.0 == record + offset => last.1 = total,
                _ => self.breaks.push((record + offset, total)),
            }
            current = total;
        }
    }
}

/// The survey's responses, column by column: single-choice, rating, recommend and identifier
/// questions as dictionary codes (one byte per respondent while a question has fewer than 255
/// categories), numeric questions as numbers (NaN where there is no answer), multi-select
/// questions as one bit per option. Built from CSV files
/// ([`CsvReader`](crate::CsvReader), feature `csv`), from in-memory columns
/// ([`Responses::builder`]) or from Arrow record batches (`ArrowReader`, feature `arrow`), the
/// same data giving equal responses every way, and analysed by column
/// name with the survey layer's own analyses.
///
/// Nothing is dropped silently: an empty field, a declared no-answer code and (under
/// [`Unlisted::Other`]) an unlisted value are each counted ([`Responses::missing`]).
///
/// # Examples
///
/// ```
/// use survey_analytics::{Question, Questionnaire, Responses};
///
/// let questionnaire = Questionnaire::new(vec![
///     Question::single("role", [("1", "Leader"), ("2", "IC")]),
///     Question::numeric("weight"),
/// ])?;
/// let responses = Responses::builder(&questionnaire)
///     .values("role", ["1", "2", "2", ""])
///     .numbers("weight", [1.5, 1.0, 0.5, 1.0])
///     .build()?;
/// assert_eq!(responses.len(), 4);
/// assert_eq!(responses.codes("role")?, [Some(0), Some(1), Some(1), None]);
/// assert_eq!(responses.missing("role")?.empty, 1);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Responses {
    questionnaire: Questionnaire,
    source_name: String,
    records: usize,
    /// One per question of the questionnaire: `None` when not loaded.
    loaded: Vec<Option<Loaded>>,
    lines: Lines,
}

/// What was missing in one column, and why.
///
/// # Examples
///
/// ```
/// use survey_analytics::{Missing, Question, Questionnaire, Responses};
///
/// let q = Questionnaire::new(vec![Question::single("q", [("1", "Yes"), ("2", "No")])
///     .with_missing("99", "Don't know", Missing::NoAnswer)])?;
/// let responses = Responses::builder(&q).values("q", ["1", "99", "", "99"]).build()?;
/// let missing = responses.missing("q")?;
/// assert_eq!((missing.empty, missing.declared[0].1, missing.total()), (1, 2, 3));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct MissingReport {
    /// Empty fields.
    pub empty: u64,
    /// Each declared no-answer code's label and count, in the question's order.
    pub declared: Vec<(String, u64)>,
    /// Values the question does not list, counted under "Other" ([`Unlisted::Other`]).
    pub unlisted: u64,
}

impl MissingReport {
    /// Respondents without an answer: empty fields and declared no-answer codes (values counted
    /// under "Other" are answers).
    ///
    /// # Examples
    ///
    /// ```
    /// let report = survey_analytics::MissingReport { empty: 2, declared: vec![("Refused".into(), 3)], unlisted: 1 };
    /// assert_eq!(report.total(), 5);
    /// ```
    pub fn total(&self) -> u64 {
        self.empty + self.declared.iter().map(|d| d.1).sum::<u64>()
    }
}

impl Responses {
    /// Responses from columns already in memory, one call per question.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Question, Questionnaire, Responses};
    ///
    /// let q = Questionnaire::new(vec![Question::single("team", [("pr", "PR"), ("an", "Analytics")])])?;
    /// let responses = Responses::builder(&q).codes("team", [Some(1), None, Some(0)]).build()?;
    /// assert_eq!(responses.labels("team")?, [Some("Analytics"), None, Some("PR")]);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn builder(questionnaire: &Questionnaire) -> ResponsesBuilder {
        ResponsesBuilder {
            questionnaire: questionnaire.clone(),
            source_name: "columns".to_string(),
            unlisted: Unlisted::Refuse,
            columns: Vec::new(),
        }
    }

    /// The questionnaire the responses were read with: the one given, or the one inferred from
    /// the data. Print it as JSON, edit it and pass it back to read the next export.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Question, Questionnaire, Responses};
    /// let q = Questionnaire::new(vec![Question::numeric("age")])?;
    /// let responses = Responses::builder(&q).numbers("age", [31.0]).build()?;
    /// assert_eq!(responses.questionnaire(), &q);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn questionnaire(&self) -> &Questionnaire {
        &self.questionnaire
    }

    /// The source's name (the file, or "columns" for in-memory data).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Question, Questionnaire, Responses};
    /// let q = Questionnaire::new(vec![Question::numeric("age")])?;
    /// let responses = Responses::builder(&q).source_name("panel").numbers("age", [31.0]).build()?;
    /// assert_eq!(responses.source_name(), "panel");
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn source_name(&self) -> &str {
        &self.source_name
    }

    /// Number of respondents (records).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Question, Questionnaire, Responses};
    /// let q = Questionnaire::new(vec![Question::numeric("age")])?;
    /// assert_eq!(Responses::builder(&q).numbers("age", [31.0, 45.0]).build()?.len(), 2);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn len(&self) -> usize {
        self.records
    }

    /// Whether there are no respondents.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Question, Questionnaire, Responses};
    /// let q = Questionnaire::new(vec![Question::numeric("age")])?;
    /// assert!(Responses::builder(&q).numbers("age", []).build()?.is_empty());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.records == 0
    }

    /// Where record `record` stands, in column `column`, for error messages.
    pub(crate) fn locate(&self, record: usize, column: &str) -> DataLocation {
        DataLocation {
            source_name: self.source_name.clone(),
            record: record as u64,
            line: self.lines.line(record as u64),
            column: column.to_string(),
        }
    }

    /// The loaded question `id`.
    pub(crate) fn loaded(&self, id: &str) -> Result<(&Question, &Loaded)> {
        let unknown = || Error::UnknownColumn {
            name: id.to_string(),
            source_name: self.source_name.clone(),
            available: self.describe_columns(),
        };
        let position = self.questionnaire.position(id).ok_or_else(unknown)?;
        match (
            self.questionnaire.questions().get(position),
            self.loaded.get(position),
        ) {
            (Some(question), Some(Some(loaded))) => Ok((question, loaded)),
            _ => Err(unknown()),
        }
    }

    /// The loaded columns, for messages.
    fn describe_columns(&self) -> String {
        let names: Vec<&str> = self
            .questionnaire
            .questions()
            .iter()
            .zip(&self.loaded)
            .filter(|(_, l)| l.is_some())
            .map(|(q, _)| q.id())
            .collect();
        list(&names)
    }

    /// The categories of a coded or multi-select question, as analyses report them.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Question, Questionnaire, Responses, Unlisted};
    /// let q = Questionnaire::new(vec![Question::single("team", [("pr", "PR"), ("an", "Analytics")])])?;
    /// let responses = Responses::builder(&q).unlisted(Unlisted::Other).values("team", ["pr", "sales"]).build()?;
    /// assert_eq!(responses.categories("team")?.labels(), ["PR", "Analytics", "Other"]);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::UnknownColumn`] for a question not loaded; [`Error::InvalidParameter`] for a
    /// numeric question or an identifier without any value.
    pub fn categories(&self, id: &str) -> Result<&Categories> {
        let (question, loaded) = self.loaded(id)?;
        loaded.categories.as_ref().ok_or(Error::InvalidParameter {
            name: "question",
            value: f64::NAN,
            requirement: if question.kind() == QuestionType::Numeric {
                "a numeric question has no categories"
            } else {
                "the column has no values to make categories of"
            },
        })
    }

    /// Each respondent's category position in a coded question (`None` for no answer).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Question, Questionnaire, Responses};
    /// let q = Questionnaire::new(vec![Question::single("q", [("y", "Yes"), ("n", "No")])])?;
    /// let responses = Responses::builder(&q).values("q", ["n", "", "y"]).build()?;
    /// assert_eq!(responses.codes("q")?, [Some(1), None, Some(0)]);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::UnknownColumn`] for a question not loaded; [`Error::InvalidParameter`] for a
    /// numeric or multi-select question.
    pub fn codes(&self, id: &str) -> Result<Vec<Option<usize>>> {
        Ok(self.coded(id)?.positions())
    }

    /// The codes of a coded question.
    pub(crate) fn coded(&self, id: &str) -> Result<&Codes> {
        match &self.loaded(id)?.1.column {
            Column::Coded(codes) => Ok(codes),
            _ => Err(Error::InvalidParameter {
                name: "question",
                value: f64::NAN,
                requirement: "must be single-choice, rating, recommend or identifier",
            }),
        }
    }

    /// Each respondent's answer label in a coded question (`None` for no answer).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Question, Questionnaire, Responses};
    /// let q = Questionnaire::new(vec![Question::single("q", [("y", "Yes"), ("n", "No")])])?;
    /// let responses = Responses::builder(&q).values("q", ["n", ""]).build()?;
    /// assert_eq!(responses.labels("q")?, [Some("No"), None]);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Responses::codes`].
    pub fn labels(&self, id: &str) -> Result<Vec<Option<&str>>> {
        let categories = self.categories(id)?;
        Ok(self
            .codes(id)?
            .into_iter()
            .map(|c| c.and_then(|c| categories.label(c)))
            .collect())
    }

    /// Each respondent's value of a numeric question (NaN for no answer). A coded question whose
    /// labels are all numbers (an inferred column of few distinct values) reads as those
    /// numbers.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Question, Questionnaire, Responses};
    /// let q = Questionnaire::new(vec![Question::numeric("w"), Question::single("k", [("1", "1"), ("2.5", "2.5")])])?;
    /// let responses = Responses::builder(&q).numbers("w", [2.0, f64::NAN]).values("k", ["2.5", ""]).build()?;
    /// assert!(responses.numbers("w")?[1].is_nan());
    /// assert_eq!(responses.numbers("k")?[0], 2.5);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::UnknownColumn`] for a question not loaded; [`Error::InvalidField`] (naming the
    /// first record) for a coded question with a label that is not a number;
    /// [`Error::InvalidParameter`] for a multi-select question.
    pub fn numbers(&self, id: &str) -> Result<Vec<f64>> {
        self.number_column(id).map(Cow::into_owned)
    }

    /// [`Responses::numbers`], borrowed from a numeric column.
    pub(crate) fn number_column(&self, id: &str) -> Result<Cow<'_, [f64]>> {
        let (_, loaded) = self.loaded(id)?;
        match &loaded.column {
            Column::Numeric(values) => Ok(Cow::Borrowed(values)),
            Column::Coded(codes) => {
                let labels = loaded.categories.as_ref().map_or(&[][..], |c| c.labels());
                let values: Vec<Option<f64>> =
                    labels.iter().map(|l| parse_number(l.as_bytes())).collect();
                (0..codes.len())
                    .map(|i| match codes.get(i) {
                        NO_ANSWER => Ok(f64::NAN),
                        c => values
                            .get(c as usize - 1)
                            .copied()
                            .flatten()
                            .ok_or_else(|| Error::InvalidField {
                                at: self.locate(i, id),
                                value: labels.get(c as usize - 1).cloned().unwrap_or_default(),
                                reason: "is not a number",
                            }),
                    })
                    .collect::<Result<Vec<f64>>>()
                    .map(Cow::Owned)
            }
            Column::Multi { .. } => Err(Error::InvalidParameter {
                name: "question",
                value: f64::NAN,
                requirement: "a multi-select question has no numeric value",
            }),
        }
    }

    /// Each respondent's chosen options of a multi-select question (positions among its
    /// options; `None` for no answer).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Question, Questionnaire, Responses};
    /// let q = Questionnaire::new(vec![Question::multi("ch", [("mail", "Email"), ("chat", "Chat")]).separated_by(';')])?;
    /// let responses = Responses::builder(&q).values("ch", ["chat;mail", "", "chat"]).build()?;
    /// assert_eq!(responses.selections("ch")?, [Some(vec![0, 1]), None, Some(vec![1])]);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::UnknownColumn`] for a question not loaded; [`Error::InvalidParameter`] for a
    /// question that is not multi-select.
    pub fn selections(&self, id: &str) -> Result<Vec<Option<Vec<usize>>>> {
        match &self.loaded(id)?.1.column {
            Column::Multi { chosen, answered } => Ok(chosen
                .iter()
                .enumerate()
                .map(|(i, &bits)| {
                    answered
                        .get(i)
                        .then(|| (0..64).filter(|o| bits & (1 << o) != 0).collect())
                })
                .collect()),
            _ => Err(Error::InvalidParameter {
                name: "question",
                value: f64::NAN,
                requirement: "must be multi-select",
            }),
        }
    }

    /// What was missing in a column, and why.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Question, Questionnaire, Responses};
    /// let q = Questionnaire::new(vec![Question::numeric("age")])?;
    /// let responses = Responses::builder(&q).values("age", ["31", "", " "]).build()?;
    /// assert_eq!(responses.missing("age")?.empty, 2);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::UnknownColumn`] for a question not loaded.
    pub fn missing(&self, id: &str) -> Result<MissingReport> {
        let (question, loaded) = self.loaded(id)?;
        let labels = question
            .missing_codes()
            .iter()
            .filter(|m| m.treat_as == Missing::NoAnswer)
            .map(|m| m.label.clone());
        Ok(MissingReport {
            empty: loaded.counts.empty,
            declared: labels.zip(loaded.counts.declared.iter().copied()).collect(),
            unlisted: loaded.counts.unlisted,
        })
    }

    /// Values the questionnaire does not list, counted under "Other" ([`Unlisted::Other`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Question, Questionnaire, Responses, Unlisted};
    /// let q = Questionnaire::new(vec![Question::single("q", [("1", "Yes")])])?;
    /// let responses = Responses::builder(&q).unlisted(Unlisted::Other).values("q", ["1", "7", "8"]).build()?;
    /// assert_eq!(responses.unlisted("q")?, 2);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::UnknownColumn`] for a question not loaded.
    pub fn unlisted(&self, id: &str) -> Result<u64> {
        Ok(self.loaded(id)?.1.counts.unlisted)
    }
}

/// Joins names for a message, the first twenty of them.
/// The order of labels coded in order of first appearance: numeric when every label is a number,
/// the order of the text otherwise; with the map from first-appearance codes to sorted codes
/// (0, no answer, stays 0).
fn sorted_labels(labels: &[String]) -> (Vec<usize>, Vec<u32>) {
    let numbers: Option<Vec<f64>> = labels.iter().map(|l| parse_number(l.as_bytes())).collect();
    let mut order: Vec<usize> = (0..labels.len()).collect();
    match numbers {
        Some(values) => order.sort_by(|&a, &b| {
            values[a]
                .total_cmp(&values[b])
                .then_with(|| labels[a].cmp(&labels[b]))
        }),
        None => order.sort_by(|&a, &b| labels[a].cmp(&labels[b])),
    }
    let mut map = vec![NO_ANSWER; labels.len() + 1];
    for (rank, &i) in order.iter().enumerate() {
        if let Some(slot) = map.get_mut(i + 1) {
            *slot = rank as u32 + 1;
        }
    }
    (order, map)
}

pub(crate) fn list(names: &[&str]) -> String {
    let shown = names
        .iter()
        .take(20)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    match names.len().saturating_sub(20) {
        0 => shown,
        more => format!("{shown} and {more} more"),
    }
}

/// The value an in-memory column gives for one question.
#[derive(Debug, Clone)]
enum Given {
    /// Field text, coded as a file's would be.
    Values(Vec<String>),
    /// Category positions.
    Codes(Vec<Option<usize>>),
    /// Numbers (NaN for no answer).
    Numbers(Vec<f64>),
    /// Chosen options.
    Selections(Vec<Option<Vec<usize>>>),
}

impl Given {
    fn len(&self) -> usize {
        match self {
            Self::Values(v) => v.len(),
            Self::Codes(v) => v.len(),
            Self::Numbers(v) => v.len(),
            Self::Selections(v) => v.len(),
        }
    }
}

/// Builds [`Responses`] from columns in memory; see [`Responses::builder`].
///
/// Each setter names a question of the questionnaire and gives its column; [`ResponsesBuilder::build`]
/// checks them all (question known, kind fitting, one length, values listed) and reports the first
/// problem with its record and column.
///
/// # Examples
///
/// ```
/// use survey_analytics::{Error, Question, Questionnaire, Responses};
///
/// let q = Questionnaire::new(vec![Question::single("q", [("1", "Yes"), ("2", "No")]), Question::numeric("w")])?;
/// let err = Responses::builder(&q).values("q", ["1", "3"]).build().unwrap_err();
/// assert!(matches!(err, Error::UnlistedValue { ref at, .. } if at.record == 1 && at.column == "q"));
/// let err = Responses::builder(&q).values("q", ["1"]).numbers("w", [1.0, 2.0]).build().unwrap_err();
/// assert!(matches!(err, Error::LengthMismatch { .. }));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ResponsesBuilder {
    questionnaire: Questionnaire,
    source_name: String,
    unlisted: Unlisted,
    columns: Vec<(String, Given)>,
}

impl ResponsesBuilder {
    /// Names the source in error messages ("columns" by default).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Question, Questionnaire, Responses};
    /// let q = Questionnaire::new(vec![Question::numeric("age")])?;
    /// let err = Responses::builder(&q).source_name("panel").values("age", ["x"]).build().unwrap_err();
    /// assert!(err.to_string().starts_with("panel, record 0, column 'age'"));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn source_name(mut self, name: impl Into<String>) -> Self {
        self.source_name = name.into();
        self
    }

    /// Chooses what happens to values the questionnaire does not list (refused by default).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Question, Questionnaire, Responses, Unlisted};
    /// let q = Questionnaire::new(vec![Question::single("q", [("1", "Yes")])])?;
    /// assert!(Responses::builder(&q).values("q", ["2"]).build().is_err());
    /// assert!(Responses::builder(&q).unlisted(Unlisted::Other).values("q", ["2"]).build().is_ok());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn unlisted(mut self, unlisted: Unlisted) -> Self {
        self.unlisted = unlisted;
        self
    }

    /// A column of field text, read as a file's would be: codes looked up in the questionnaire,
    /// numbers parsed, multi-select codes split at the separator (0/1 option columns are given
    /// by their own names), empty text for no answer.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Question, Questionnaire, Responses};
    /// let q = Questionnaire::new(vec![Question::multi("ai", [("ai_w", "Writing"), ("ai_a", "Analysis")])])?;
    /// let responses = Responses::builder(&q).values("ai_w", ["1", "0", ""]).values("ai_a", ["1", "0", ""]).build()?;
    /// assert_eq!(responses.selections("ai")?, [Some(vec![0, 1]), Some(vec![]), None]);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn values<S: Into<String>>(
        mut self,
        column: impl Into<String>,
        values: impl IntoIterator<Item = S>,
    ) -> Self {
        let values = values.into_iter().map(Into::into).collect();
        self.columns.push((column.into(), Given::Values(values)));
        self
    }

    /// A column of category positions (in the question's categories; `None` for no answer).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Question, Questionnaire, Responses};
    /// let q = Questionnaire::new(vec![Question::single("q", [("y", "Yes"), ("n", "No")])])?;
    /// assert!(Responses::builder(&q).codes("q", [Some(2)]).build().is_err()); // no third category
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn codes(
        mut self,
        column: impl Into<String>,
        codes: impl IntoIterator<Item = Option<usize>>,
    ) -> Self {
        self.columns
            .push((column.into(), Given::Codes(codes.into_iter().collect())));
        self
    }

    /// A column of numbers (NaN for no answer); infinite values are refused.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Question, Questionnaire, Responses};
    /// let q = Questionnaire::new(vec![Question::numeric("age")])?;
    /// assert!(Responses::builder(&q).numbers("age", [f64::INFINITY]).build().is_err());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn numbers(
        mut self,
        column: impl Into<String>,
        values: impl IntoIterator<Item = f64>,
    ) -> Self {
        self.columns
            .push((column.into(), Given::Numbers(values.into_iter().collect())));
        self
    }

    /// A multi-select question's chosen options (positions; `None` for no answer).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Question, Questionnaire, Responses};
    /// let q = Questionnaire::new(vec![Question::multi("ch", [("mail", "Email"), ("chat", "Chat")]).separated_by(';')])?;
    /// let responses = Responses::builder(&q).selections("ch", [Some(vec![1]), None]).build()?;
    /// assert_eq!(responses.selections("ch")?[0], Some(vec![1]));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn selections(
        mut self,
        question: impl Into<String>,
        chosen: impl IntoIterator<Item = Option<Vec<usize>>>,
    ) -> Self {
        self.columns.push((
            question.into(),
            Given::Selections(chosen.into_iter().collect()),
        ));
        self
    }

    /// Checks the columns and builds the responses. Questions given no column are not loaded.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Error, Question, Questionnaire, Responses};
    /// let q = Questionnaire::new(vec![Question::numeric("age")])?;
    /// let err = Responses::builder(&q).numbers("height", [1.8]).build().unwrap_err();
    /// assert!(matches!(err, Error::UnknownColumn { .. }));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::UnknownColumn`] for a column that is no question's (nor a multi-select option's);
    /// [`Error::InvalidParameter`] for a column given twice or of the wrong kind (codes for a
    /// numeric question, numbers for a coded one, selections for a single-choice one);
    /// [`Error::LengthMismatch`] for columns of different lengths;
    /// [`Error::CategoryOutOfRange`] for a position past the categories; and as a file's fields
    /// would be: [`Error::UnlistedValue`], [`Error::InvalidField`].
    pub fn build(self) -> Result<Responses> {
        let header: Vec<String> = self.columns.iter().map(|(c, _)| c.clone()).collect();
        let records = self.columns.first().map_or(0, |(_, g)| g.len());
        if let Some((name, given)) = self.columns.iter().find(|(_, g)| g.len() != records) {
            return Err(Error::LengthMismatch {
                name: "column",
                len: given.len(),
                expected: records,
                per: if name.is_empty() {
                    "record"
                } else {
                    "record of the first column"
                },
            });
        }
        let mut sink = Sink::new(
            Some(&self.questionnaire),
            &header,
            Selection::Given,
            self.unlisted,
            self.source_name.clone(),
            Lines::default(),
        )?;
        for (c, (name, given)) in self.columns.iter().enumerate() {
            sink.check_given(c, name, given)?;
        }
        let mut text = vec![String::new(); self.columns.len()];
        for record in 0..records {
            for (c, (_, given)) in self.columns.iter().enumerate() {
                match given {
                    Given::Values(values) => {
                        if let (Some(slot), Some(v)) = (text.get_mut(c), values.get(record)) {
                            slot.clone_from(v);
                        }
                    }
                    Given::Codes(codes) => {
                        sink.set_code(c, record, codes.get(record).copied().flatten())?
                    }
                    Given::Numbers(values) => {
                        sink.set_number(c, record, values.get(record).copied().unwrap_or(f64::NAN))?
                    }
                    Given::Selections(chosen) => {
                        sink.set_selection(c, record, chosen.get(record).cloned().flatten())?
                    }
                }
            }
            sink.record(None, |c| match self.columns.get(c) {
                Some((_, Given::Values(_))) => text.get(c).map(|t| t.as_bytes()),
                _ => None,
            })?;
        }
        sink.finish()
    }
}

/// The outcome of loading one column of a batch: a failure is located at its record (so that a
/// reader taking columns one at a time can report the first in record order, as a reader of
/// records would).
pub(crate) type ColumnResult = Result<()>;

/// Which columns a reader loads.
#[derive(Debug, Clone)]
pub(crate) enum Selection<'a> {
    /// Every question of the questionnaire (every column when inferring).
    #[cfg_attr(not(any(feature = "csv", feature = "arrow")), allow(dead_code))]
    All,
    /// These questions (columns when inferring), by id.
    #[cfg_attr(not(any(feature = "csv", feature = "arrow")), allow(dead_code))]
    Only(&'a [String]),
    /// The in-memory builder's columns: exactly those given.
    Given,
}

/// What a source column feeds.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Target {
    Skip,
    /// The column of slot `slot`.
    Field(usize),
    /// Option `option` of the multi-select question in slot `slot`.
    Flag {
        slot: usize,
        option: u32,
    },
}

/// How a slot turns fields into its column.
#[derive(Debug, Clone)]
enum Decoder {
    Coder(Coder),
    Infer(Inference),
}

/// One loaded question (or inferred column) while reading.
#[derive(Debug, Clone)]
struct Slot {
    /// Position in the questionnaire (given), or the column name (inferred).
    question: Option<usize>,
    name: String,
    decoder: Decoder,
    column: Column,
    /// For multi-select questions in 0/1 columns: the record being read.
    pending: (u64, bool),
    /// Values set directly by the in-memory builder for this record.
    direct: bool,
    /// For multi-select questions in 0/1 columns read a batch at a time: each record's options
    /// so far.
    batch: Vec<(u64, bool)>,
}

/// Turns records of fields into columns: the one loading machine behind every source (files,
/// in-memory columns, Arrow), so that each codes, counts and checks fields the same way. Readers
/// that split their input load each part into a sink of its own and append them in order.
#[derive(Debug, Clone)]
pub(crate) struct Sink {
    questionnaire: Option<Questionnaire>,
    header: Vec<String>,
    targets: Vec<Target>,
    /// The source columns read, with what they feed (the others are skipped).
    wanted: Vec<(usize, Target)>,
    /// Whether records need finishing one by one: multi-select options in 0/1 columns, or
    /// values set directly by the in-memory builder.
    per_record: bool,
    slots: Vec<Slot>,
    records: u64,
    source_name: String,
    lines: Lines,
}

impl Sink {
    /// A sink for sources with these column names.
    pub(crate) fn new(
        questionnaire: Option<&Questionnaire>,
        header: &[String],
        selection: Selection<'_>,
        unlisted: Unlisted,
        source_name: String,
        lines: Lines,
    ) -> Result<Self> {
        let unknown = |name: &str| Error::UnknownColumn {
            name: name.to_string(),
            source_name: source_name.clone(),
            available: list(&header.iter().map(String::as_str).collect::<Vec<_>>()),
        };
        let position = |name: &str| -> Result<usize> {
            let mut found = header.iter().enumerate().filter(|(_, h)| h.trim() == name);
            match (found.next(), found.next()) {
                (Some((i, _)), None) => Ok(i),
                (Some(_), Some(_)) => Err(Error::DuplicateColumn {
                    name: name.to_string(),
                    source_name: source_name.clone(),
                }),
                _ => Err(unknown(name)),
            }
        };
        let mut targets = vec![Target::Skip; header.len()];
        let mut slots = Vec::new();
        if let Some(q) = questionnaire {
            let wanted = |question: &Question| match &selection {
                Selection::All => true,
                Selection::Only(ids) => ids.iter().any(|id| id == question.id()),
                Selection::Given => {
                    header.iter().any(|h| h == question.id())
                        || (question.kind() == QuestionType::Multi
                            && question.separator().is_none()
                            && question.answers().iter().any(|a| header.contains(&a.code)))
                }
            };
            if let Selection::Given = &selection
                && let Some(name) = header.iter().find(|h| {
                    !q.questions().iter().any(|question| {
                        question.id() == h.as_str()
                            || (question.kind() == QuestionType::Multi
                                && question.separator().is_none()
                                && question.answers().iter().any(|a| a.code == **h))
                    })
                })
            {
                return Err(Error::UnknownColumn {
                    name: name.clone(),
                    source_name: "the questionnaire".to_string(),
                    available: list(&q.questions().iter().map(|q| q.id()).collect::<Vec<_>>()),
                });
            }
            for (p, question) in q.questions().iter().enumerate() {
                if !wanted(question) {
                    continue;
                }
                let slot = slots.len();
                let categories = question.answers().len() + question.missing_codes().len() + 1;
                slots.push(Slot {
                    question: Some(p),
                    name: question.id().to_string(),
                    decoder: Decoder::Coder(Coder::new(question, unlisted)),
                    column: Column::empty(question.kind(), categories, 0),
                    pending: (0, false),
                    direct: false,
                    batch: Vec::new(),
                });
                let multi_columns =
                    question.kind() == QuestionType::Multi && question.separator().is_none();
                let given_whole = matches!(selection, Selection::Given)
                    && header.iter().any(|h| h == question.id());
                if multi_columns && given_whole {
                    // The in-memory builder's selections of a question held in 0/1 columns.
                    if question.answers().iter().any(|a| header.contains(&a.code)) {
                        return Err(Error::InvalidParameter {
                            name: "column",
                            value: f64::NAN,
                            requirement: "a multi-select question in 0/1 columns is given as \
                                          selections or as its option columns, not both",
                        });
                    }
                    targets[position(question.id())?] = Target::Field(slot);
                } else if multi_columns {
                    for (option, answer) in question.answers().iter().enumerate() {
                        let at = match (&selection, position(&answer.code)) {
                            (_, Ok(at)) => at,
                            (Selection::Given, Err(_)) => continue,
                            (_, Err(e)) => return Err(e),
                        };
                        targets[at] = Target::Flag {
                            slot,
                            option: option as u32,
                        };
                    }
                } else {
                    targets[position(question.id())?] = Target::Field(slot);
                }
            }
        }
        // Columns without a question: every column when there is no questionnaire, else those
        // chosen that the questionnaire does not list; inferred from their values.
        let inferred: Vec<String> = match (&selection, questionnaire) {
            (Selection::Only(ids), Some(q)) => ids
                .iter()
                .filter(|id| q.question(id).is_none())
                .cloned()
                .collect(),
            (Selection::Only(ids), None) => ids.to_vec(),
            (_, None) => header.iter().map(|h| h.trim().to_string()).collect(),
            (_, Some(_)) => Vec::new(),
        };
        for name in inferred {
            let at = position(&name)?;
            if targets[at] != Target::Skip {
                continue;
            }
            targets[at] = Target::Field(slots.len());
            slots.push(Slot {
                question: None,
                name,
                decoder: Decoder::Infer(Inference::default()),
                column: Column::Coded(Codes::default()),
                pending: (0, false),
                direct: false,
                batch: Vec::new(),
            });
        }
        let wanted: Vec<(usize, Target)> = targets
            .iter()
            .enumerate()
            .filter(|(_, t)| **t != Target::Skip)
            .map(|(c, t)| (c, *t))
            .collect();
        let per_record = matches!(selection, Selection::Given)
            || wanted.iter().any(|(_, t)| matches!(t, Target::Flag { .. }));
        Ok(Self {
            questionnaire: questionnaire.cloned(),
            header: header.to_vec(),
            wanted,
            per_record,
            targets,
            slots,
            records: 0,
            source_name,
            lines,
        })
    }

    fn locate(&self, column: usize, line: Option<u64>) -> DataLocation {
        DataLocation {
            source_name: self.source_name.clone(),
            record: self.records,
            line,
            column: self.header.get(column).cloned().unwrap_or_default(),
        }
    }

    fn located(
        &self,
        column: usize,
        line: Option<u64>,
        error: FieldError,
        expected: String,
    ) -> Error {
        let at = self.locate(column, line);
        match error {
            FieldError::Unlisted { value } => Error::UnlistedValue {
                at,
                value,
                expected,
            },
            FieldError::Invalid { value, reason } => Error::InvalidField { at, value, reason },
        }
    }

    /// Reads one record: `field(c)` gives the text of source column `c` (`None` when the source
    /// gives it another way). `line` is the file line the record starts on, for file sources.
    pub(crate) fn record<'f>(
        &mut self,
        line: Option<u64>,
        field: impl Fn(usize) -> Option<&'f [u8]>,
    ) -> Result<()> {
        if let Some(line) = line {
            self.lines.note(self.records, line);
        }
        for i in 0..self.wanted.len() {
            let Some(&(c, target)) = self.wanted.get(i) else {
                break;
            };
            let Some(text) = field(c) else { continue };
            match target {
                Target::Skip => {}
                Target::Field(s) => {
                    let Some(slot) = self.slots.get_mut(s) else {
                        continue;
                    };
                    if slot.direct {
                        continue;
                    }
                    if let Err(e) = slot.read(text) {
                        let expected = match &slot.decoder {
                            Decoder::Coder(coder) => coder.expected(),
                            Decoder::Infer(_) => String::new(),
                        };
                        return Err(self.located(c, line, e, expected));
                    }
                }
                Target::Flag { slot: s, option } => {
                    let Some(slot) = self.slots.get_mut(s) else {
                        continue;
                    };
                    let Decoder::Coder(coder) = &mut slot.decoder else {
                        continue;
                    };
                    match coder.flag(text) {
                        Ok(None) => {}
                        Ok(Some(chosen)) => {
                            slot.pending.1 = true;
                            if chosen {
                                slot.pending.0 |= 1 << option;
                            }
                        }
                        Err(e) => return Err(self.located(c, line, e, String::new())),
                    }
                }
            }
        }
        if !self.per_record {
            self.records += 1;
            return Ok(());
        }
        for slot in &mut self.slots {
            let flags = !slot.direct && slot.pending_is_flags();
            if let Column::Multi { chosen, answered } = &mut slot.column
                && flags
            {
                chosen.push(slot.pending.0);
                answered.push(slot.pending.1);
                if !slot.pending.1
                    && let Decoder::Coder(coder) = &mut slot.decoder
                {
                    coder.counts.empty += 1;
                }
            }
            slot.pending = (0, false);
            slot.direct = false;
        }
        self.records += 1;
        Ok(())
    }

    /// Where record `row` of the batch being read stands, in source column `column`.
    fn located_row(&self, column: usize, row: usize, error: FieldError, expected: String) -> Error {
        let mut error = self.located(column, None, error, expected);
        if let Error::UnlistedValue { at, .. } | Error::InvalidField { at, .. } = &mut error {
            at.record = self.records + row as u64;
        }
        error
    }

    /// Column-at-a-time loading, for sources held by column (Arrow): source column `c` of the
    /// next `rows` records, `field(i, buffer)` giving record `i`'s text (empty for no answer),
    /// or `None` after writing it into `buffer` when the source does not hold it as text. Each field is coded as
    /// [`Sink::record`] codes it. Call it for each read column, then [`Sink::end_batch`].
    ///
    /// # Errors
    ///
    /// The first field that cannot be coded, located at its record.
    #[cfg_attr(not(feature = "arrow"), allow(dead_code))]
    pub(crate) fn column_fields<'f>(
        &mut self,
        c: usize,
        rows: usize,
        mut field: impl FnMut(usize, &mut Vec<u8>) -> Option<&'f [u8]>,
    ) -> ColumnResult {
        let mut buffer = Vec::new();
        let failure = match self.targets.get(c).copied() {
            None | Some(Target::Skip) => None,
            Some(Target::Field(s)) => {
                let Some(slot) = self.slots.get_mut(s) else {
                    return Ok(());
                };
                if let Decoder::Coder(_) = slot.decoder {
                    slot.column.reserve(rows);
                }
                (0..rows).find_map(|i| {
                    let text = field(i, &mut buffer);
                    slot.read(text.unwrap_or(buffer.as_slice()))
                        .err()
                        .map(|e| (i, e, slot.expected()))
                })
            }
            Some(Target::Flag { slot: s, option }) => {
                let Some(slot) = self.slots.get_mut(s) else {
                    return Ok(());
                };
                let Decoder::Coder(coder) = &mut slot.decoder else {
                    return Ok(());
                };
                slot.batch.resize(rows, (0, false));
                slot.batch.iter_mut().enumerate().find_map(|(i, pending)| {
                    let text = field(i, &mut buffer);
                    match coder.flag(text.unwrap_or(buffer.as_slice())) {
                        Ok(None) => None,
                        Ok(Some(chosen)) => {
                            pending.1 = true;
                            if chosen {
                                pending.0 |= 1 << option;
                            }
                            None
                        }
                        Err(e) => Some((i, e, String::new())),
                    }
                })
            }
        };
        match failure {
            Some((i, e, expected)) => Err(self.located_row(c, i, e, expected)),
            None => Ok(()),
        }
    }

    /// Column-at-a-time loading by keys into a table of `values` distinct values (an Arrow
    /// dictionary, or integers of a short range): `key(i)` is record `i`'s key (at or past
    /// `values` for no answer) and `value(k, buffer)` the text of value `k`. For a coded
    /// question, each value used is coded once, on its first record (so an identifier's labels
    /// are those the records use, and a value no record uses is never checked), the
    /// records take their value's code in a tight loop, and what was missing is counted per
    /// record; other columns read each record's text through [`Sink::column_fields`].
    ///
    /// # Errors
    ///
    /// As [`Sink::column_fields`].
    #[cfg_attr(not(feature = "arrow"), allow(dead_code))]
    pub(crate) fn column_keys<'f>(
        &mut self,
        c: usize,
        rows: usize,
        values: usize,
        key: impl Fn(usize) -> usize,
        mut value: impl FnMut(usize, &mut Vec<u8>) -> Option<&'f [u8]>,
    ) -> ColumnResult {
        let slot = match self.targets.get(c) {
            Some(Target::Field(s)) => self.slots.get_mut(*s),
            _ => None,
        };
        let Some(Slot {
            decoder: Decoder::Coder(coder),
            column: Column::Coded(codes),
            ..
        }) = slot
        else {
            return self.column_fields(c, rows, |i, buffer| {
                let k = key(i);
                if k < values {
                    value(k, buffer)
                } else {
                    Some(b"")
                }
            });
        };
        if !coder.is_open() {
            // Listed answers: every value coded up front (coding them changes nothing but the
            // counts, which are kept aside), then one pass over the keys.
            /// A value that cannot be coded (an error only if a record uses it).
            const FAILED: u32 = u32::MAX;
            let mut table = Vec::with_capacity(values + 1);
            let mut counted: Vec<(usize, MissingCounts)> = Vec::new();
            let mut failures: Vec<(usize, FieldError)> = Vec::new();
            let mut buffer = Vec::new();
            for k in 0..values {
                let zero = coder.counts.zeroed();
                let before = std::mem::replace(&mut coder.counts, zero);
                let text = value(k, &mut buffer);
                let result = coder.code(text.unwrap_or(buffer.as_slice()));
                let counts = std::mem::replace(&mut coder.counts, before);
                match result {
                    Ok(code) => table.push(code),
                    Err(e) => {
                        table.push(FAILED);
                        failures.push((k, e));
                    }
                }
                if !counts.is_zero() {
                    counted.push((k, counts));
                }
            }
            table.push(NO_ANSWER);
            let max = table
                .iter()
                .copied()
                .filter(|&c| c != FAILED)
                .max()
                .unwrap_or(NO_ANSWER);
            if counted.is_empty() && failures.is_empty() {
                // Only null keys count (as empty): the tightest loop.
                let mut empty = 0_u64;
                codes.extend_mapped(max, rows, |i| {
                    let k = key(i).min(values);
                    empty += u64::from(k == values);
                    table.get(k).copied().unwrap_or(NO_ANSWER)
                });
                coder.counts.empty += empty;
                return Ok(());
            }
            let mut uses = vec![0_u64; values + 1];
            codes.extend_mapped(max, rows, |i| {
                let k = key(i).min(values);
                if let Some(n) = uses.get_mut(k) {
                    *n += 1;
                }
                match table.get(k) {
                    Some(&code) if code != FAILED => code,
                    _ => NO_ANSWER,
                }
            });
            if failures
                .iter()
                .any(|(k, _)| uses.get(*k).is_some_and(|&n| n > 0))
            {
                let expected = coder.expected();
                let row = (0..rows)
                    .find(|&i| table.get(key(i).min(values)) == Some(&FAILED))
                    .unwrap_or(0);
                let k = key(row).min(values);
                if let Some((_, e)) = failures.into_iter().find(|(j, _)| *j == k) {
                    return Err(self.located_row(c, row, e, expected));
                }
                return Ok(());
            }
            coder.counts.empty += uses.last().copied().unwrap_or(0);
            for (k, counts) in &counted {
                coder
                    .counts
                    .add_times(counts, uses.get(*k).copied().unwrap_or(0));
            }
            return Ok(());
        }
        // Identifiers: each value coded on its first record, so that labels take their codes in
        // order of first appearance, as a file's would.
        /// A value not coded yet.
        const UNSET: u32 = u32::MAX;
        // The codes of the values, and of no answer at `values`.
        let mut table = vec![UNSET; values + 1];
        if let Some(none) = table.last_mut() {
            *none = NO_ANSWER;
        }
        let mut uses = vec![0_u64; values + 1];
        // What each value counted as missing, for the values that counted anything.
        let mut counted: Vec<(usize, MissingCounts)> = Vec::new();
        let mut buffer = Vec::new();
        let mut failure = None;
        for i in 0..rows {
            let k = key(i).min(values);
            if let Some(code) = table.get_mut(k)
                && *code == UNSET
            {
                let zero = coder.counts.zeroed();
                let before = std::mem::replace(&mut coder.counts, zero);
                let text = value(k, &mut buffer);
                let result = coder.code(text.unwrap_or(buffer.as_slice()));
                let counts = std::mem::replace(&mut coder.counts, before);
                match result {
                    Ok(found) => *code = found,
                    Err(e) => {
                        failure = Some((i, e, coder.expected()));
                        break;
                    }
                }
                if !counts.is_zero() {
                    counted.push((k, counts));
                }
            }
            if let Some(n) = uses.get_mut(k) {
                *n += 1;
            }
        }
        if let Some((i, e, expected)) = failure {
            return Err(self.located_row(c, i, e, expected));
        }
        coder.counts.empty += uses.last().copied().unwrap_or(0);
        for (k, counts) in &counted {
            coder
                .counts
                .add_times(counts, uses.get(*k).copied().unwrap_or(0));
        }
        let max = table
            .iter()
            .copied()
            .filter(|&c| c != UNSET)
            .max()
            .unwrap_or(NO_ANSWER);
        codes.extend_mapped(max, rows, |i| {
            table.get(key(i).min(values)).copied().unwrap_or(NO_ANSWER)
        });
        Ok(())
    }

    /// Column-at-a-time loading of numbers (`f32` or `f64`; `None` for no answer): a numeric
    /// question without declared missing codes takes them as they are (refusing infinities and
    /// NaN, as it refuses such text); any other column reads them as text in their type's
    /// shortest round-trip form (`3.0` as "3", `0.1_f32` as "0.1"), so that a number codes as
    /// the same text in a file would.
    ///
    /// # Errors
    ///
    /// As [`Sink::column_fields`].
    #[cfg_attr(not(feature = "arrow"), allow(dead_code))]
    pub(crate) fn column_numbers<N: Copy + Into<f64> + std::fmt::Display>(
        &mut self,
        c: usize,
        rows: usize,
        value: impl Fn(usize) -> Option<N>,
    ) -> ColumnResult {
        if let Some((coder, out)) = self.plain_numeric(c) {
            let mut empty = 0;
            let mut failure = None;
            out.extend((0..rows).map(|i| match value(i).map(Into::into) {
                Some(v) if v.is_finite() => v,
                Some(v) => {
                    failure = failure.or(Some((i, v)));
                    f64::NAN
                }
                None => {
                    empty += 1;
                    f64::NAN
                }
            }));
            coder.counts.empty += empty;
            if let Some((i, v)) = failure {
                let error = FieldError::Invalid {
                    value: v.to_string(),
                    reason: "is not a finite number",
                };
                return Err(self.located_row(c, i, error, String::new()));
            }
            return Ok(());
        }
        self.column_fields(c, rows, |i, buffer| {
            buffer.clear();
            if let Some(v) = value(i) {
                // Writing to a vector cannot fail.
                let _ = write!(buffer, "{v}");
            }
            None
        })
    }

    /// Column-at-a-time loading of integers (`None` for no answer): numbers for a numeric
    /// question without declared missing codes, keys into the table of their range for a coded
    /// question (when it spans at most 2^16 values), text otherwise ("3" for 3, as in a file).
    ///
    /// # Errors
    ///
    /// As [`Sink::column_fields`].
    #[cfg_attr(not(feature = "arrow"), allow(dead_code))]
    pub(crate) fn column_integers(
        &mut self,
        c: usize,
        rows: usize,
        value: impl Fn(usize) -> Option<i128>,
    ) -> ColumnResult {
        /// Integers spanning at most this many values are coded through a table.
        const RANGE: i128 = 1 << 16;
        if self.plain_numeric(c).is_some() {
            // Integers of up to 128 bits are rounded to the nearest f64, as their text would be.
            return self.column_numbers(c, rows, |i| value(i).map(|v| v as f64));
        }
        let coded = matches!(
            self.targets.get(c),
            Some(Target::Field(s)) if matches!(
                self.slots.get(*s),
                Some(Slot { decoder: Decoder::Coder(_), column: Column::Coded(_), .. })
            )
        );
        let range = (0..rows).filter_map(&value).fold(None, |r, v| match r {
            None => Some((v, v)),
            Some((lo, hi)) => Some((v.min(lo), v.max(hi))),
        });
        let write = |v: i128, buffer: &mut Vec<u8>| {
            buffer.clear();
            // Writing to a vector cannot fail.
            let _ = write!(buffer, "{v}");
        };
        match range {
            Some((lo, hi)) if coded && hi - lo < RANGE => {
                let values = usize::try_from(hi - lo + 1).unwrap_or(0);
                self.column_keys(
                    c,
                    rows,
                    values,
                    |i| {
                        value(i)
                            .and_then(|v| usize::try_from(v - lo).ok())
                            .unwrap_or(values)
                    },
                    |k, buffer| {
                        write(lo + k as i128, buffer);
                        None
                    },
                )
            }
            _ => self.column_fields(c, rows, |i, buffer| {
                buffer.clear();
                if let Some(v) = value(i) {
                    write(v, buffer);
                }
                None
            }),
        }
    }

    /// The coder and values of column `c` when it is a numeric question without declared
    /// missing codes.
    fn plain_numeric(&mut self, c: usize) -> Option<(&mut Coder, &mut Vec<f64>)> {
        match self.targets.get(c) {
            Some(Target::Field(s)) => match self.slots.get_mut(*s) {
                Some(Slot {
                    decoder: Decoder::Coder(coder),
                    column: Column::Numeric(values),
                    ..
                }) if !coder.has_missing_codes() => Some((coder, values)),
                _ => None,
            },
            _ => None,
        }
    }

    /// Ends a batch of `rows` records read column by column: multi-select questions in 0/1
    /// columns take each record's options (no answer when no option column gave one).
    #[cfg_attr(not(feature = "arrow"), allow(dead_code))]
    pub(crate) fn end_batch(&mut self, rows: usize) {
        for slot in &mut self.slots {
            let flags = slot.pending_is_flags();
            if let Column::Multi { chosen, answered } = &mut slot.column
                && flags
            {
                slot.batch.resize(rows, (0, false));
                let mut empty = 0;
                for &(bits, any) in &slot.batch {
                    chosen.push(bits);
                    answered.push(any);
                    empty += u64::from(!any);
                }
                if let Decoder::Coder(coder) = &mut slot.decoder {
                    coder.counts.empty += empty;
                }
                slot.batch.clear();
            }
        }
        self.records += rows as u64;
    }

    /// Splits the loading of the columns between `parts` sinks that can load side by side: each
    /// a copy of this one that reads only its share of the questions (by estimated cost: a
    /// numeric column counts double, as it writes eight bytes per record). Join them back with
    /// [`Sink::join`] after each has read the same records.
    #[cfg_attr(not(feature = "arrow"), allow(dead_code))]
    pub(crate) fn split(&self, parts: usize) -> (Vec<Sink>, Vec<usize>) {
        let parts = parts.clamp(1, self.slots.len().max(1));
        // Greedy: each question, costliest first, to the least loaded part.
        let cost = |slot: &Slot| match slot.column {
            Column::Numeric(_) => 2,
            _ => 1,
        };
        let mut order: Vec<usize> = (0..self.slots.len()).collect();
        order.sort_by_key(|&s| std::cmp::Reverse(cost(&self.slots[s])));
        let mut load = vec![0; parts];
        let mut owner = vec![0; self.slots.len()];
        for s in order {
            let least = (0..parts).min_by_key(|&p| load[p]).unwrap_or(0);
            owner[s] = least;
            load[least] += cost(&self.slots[s]);
        }
        let owns = |target: &Target, part: usize| match *target {
            Target::Skip => false,
            Target::Field(s) | Target::Flag { slot: s, .. } => owner.get(s) == Some(&part),
        };
        let sinks = (0..parts)
            .map(|part| {
                let mut sink = self.clone();
                for target in &mut sink.targets {
                    if !owns(target, part) {
                        *target = Target::Skip;
                    }
                }
                sink.wanted.retain(|(_, target)| owns(target, part));
                sink
            })
            .collect();
        (sinks, owner)
    }

    /// Takes each question's column from the part that loaded it ([`Sink::split`]).
    #[cfg_attr(not(feature = "arrow"), allow(dead_code))]
    pub(crate) fn join(&mut self, parts: Vec<Sink>, owner: &[usize]) {
        let mut parts: Vec<Vec<Option<Slot>>> = parts
            .into_iter()
            .map(|part| {
                self.records = part.records;
                part.slots.into_iter().map(Some).collect()
            })
            .collect();
        for (s, slot) in self.slots.iter_mut().enumerate() {
            let taken = owner
                .get(s)
                .and_then(|&p| parts.get_mut(p))
                .and_then(|part| part.get_mut(s))
                .and_then(Option::take);
            if let Some(taken) = taken {
                *slot = taken;
            }
        }
    }

    /// The source columns read (the others are skipped).
    #[cfg_attr(not(feature = "arrow"), allow(dead_code))]
    pub(crate) fn read_columns(&self) -> Vec<usize> {
        self.wanted.iter().map(|(c, _)| *c).collect()
    }

    /// Checks that an in-memory column fits its question.
    fn check_given(&self, c: usize, name: &str, given: &Given) -> Result<()> {
        let wrong = |requirement: &'static str| Error::InvalidParameter {
            name: "column",
            value: f64::NAN,
            requirement,
        };
        if self.header.iter().filter(|h| *h == name).count() > 1 {
            return Err(wrong("each column is given once"));
        }
        let slot = match self.targets.get(c) {
            Some(Target::Field(s)) => self.slots.get(*s),
            Some(Target::Flag { .. }) => {
                return match given {
                    Given::Values(_) => Ok(()),
                    _ => Err(wrong("a 0/1 option column is given as values")),
                };
            }
            _ => None,
        };
        let Some(slot) = slot else { return Ok(()) };
        if slot.pending_is_flags() && !matches!(given, Given::Selections(_)) {
            return Err(wrong(
                "a multi-select question in 0/1 columns is given as selections, or as values of \
                 its option columns",
            ));
        }
        let kind = match &slot.column {
            Column::Coded(_) => 0,
            Column::Numeric(_) => 1,
            Column::Multi { .. } => 2,
        };
        match (given, kind) {
            (Given::Values(_), _)
            | (Given::Codes(_), 0)
            | (Given::Numbers(_), 1)
            | (Given::Selections(_), 2) => Ok(()),
            (Given::Codes(_), _) => Err(wrong("codes are given for coded questions only")),
            (Given::Numbers(_), _) => Err(wrong("numbers are given for numeric questions only")),
            (Given::Selections(_), _) => Err(wrong(
                "selections are given for multi-select questions only",
            )),
        }
    }

    fn given_slot(&mut self, c: usize) -> Option<&mut Slot> {
        match self.targets.get(c) {
            Some(Target::Field(s)) => {
                let s = *s;
                self.slots.get_mut(s)
            }
            _ => None,
        }
    }

    /// Sets a coded question's category position for the record being read.
    fn set_code(&mut self, c: usize, record: usize, code: Option<usize>) -> Result<()> {
        let name = self.header.get(c).cloned().unwrap_or_default();
        let Some(slot) = self.given_slot(c) else {
            return Ok(());
        };
        let len = slot.categories_len();
        let value = match code {
            None => {
                if let Decoder::Coder(coder) = &mut slot.decoder {
                    coder.counts.empty += 1;
                }
                NO_ANSWER
            }
            Some(i) if i < len => i as u32 + 1,
            Some(index) => {
                return Err(Error::CategoryOutOfRange {
                    dimension: format!("{name}' (record {record}"),
                    index,
                    len,
                });
            }
        };
        if let Column::Coded(codes) = &mut slot.column {
            codes.push(value);
        }
        slot.direct = true;
        Ok(())
    }

    /// Sets a numeric question's value for the record being read.
    fn set_number(&mut self, c: usize, record: usize, value: f64) -> Result<()> {
        let at = self.locate(c, None);
        let Some(slot) = self.given_slot(c) else {
            return Ok(());
        };
        if value.is_infinite() {
            return Err(Error::InvalidField {
                at: DataLocation {
                    record: record as u64,
                    ..at
                },
                value: value.to_string(),
                reason: "is not a finite number (NaN marks no answer)",
            });
        }
        if value.is_nan()
            && let Decoder::Coder(coder) = &mut slot.decoder
        {
            coder.counts.empty += 1;
        }
        if let Column::Numeric(values) = &mut slot.column {
            values.push(value);
        }
        slot.direct = true;
        Ok(())
    }

    /// Sets a multi-select question's choices for the record being read.
    fn set_selection(&mut self, c: usize, record: usize, chosen: Option<Vec<usize>>) -> Result<()> {
        let name = self.header.get(c).cloned().unwrap_or_default();
        let Some(slot) = self.given_slot(c) else {
            return Ok(());
        };
        let len = slot.categories_len();
        let mut bits = 0_u64;
        if let Some(options) = &chosen {
            for &o in options {
                if o >= len {
                    return Err(Error::CategoryOutOfRange {
                        dimension: format!("{name}' (record {record}"),
                        index: o,
                        len,
                    });
                }
                bits |= 1 << o;
            }
        } else if let Decoder::Coder(coder) = &mut slot.decoder {
            coder.counts.empty += 1;
        }
        if let Column::Multi {
            chosen: c,
            answered,
        } = &mut slot.column
        {
            c.push(bits);
            answered.push(chosen.is_some());
        }
        slot.direct = true;
        Ok(())
    }

    /// Appends the records of a sink that read the part of the source after this one's (same
    /// header and questionnaire). `lines_before` is the number of file lines this sink's part
    /// spans, so that the other's lines continue from there.
    #[cfg_attr(not(feature = "csv"), allow(dead_code))]
    pub(crate) fn append(&mut self, other: Sink, line_offset: u64) {
        self.lines.append(&other.lines, self.records, line_offset);
        self.records += other.records;
        for (slot, more) in self.slots.iter_mut().zip(other.slots) {
            slot.append(more);
        }
    }

    /// Makes room for `records` records in every column.
    #[cfg_attr(not(any(feature = "csv", feature = "arrow")), allow(dead_code))]
    pub(crate) fn reserve(&mut self, records: usize) {
        for slot in &mut self.slots {
            match &mut slot.decoder {
                Decoder::Infer(inference) => inference.reserve(records),
                Decoder::Coder(_) => slot.column.reserve(records),
            }
        }
    }

    /// Records read so far.
    #[cfg_attr(not(feature = "csv"), allow(dead_code))]
    pub(crate) fn records(&self) -> u64 {
        self.records
    }

    /// The responses: inferred questions decided, identifier dictionaries made categories.
    pub(crate) fn finish(self) -> Result<Responses> {
        let records = usize::try_from(self.records).unwrap_or(usize::MAX);
        let mut questions: Vec<Question> = self
            .questionnaire
            .as_ref()
            .map_or_else(Vec::new, |q| q.questions().to_vec());
        let mut loaded: Vec<Option<Loaded>> = vec![None; questions.len()];
        for slot in self.slots {
            match slot.question {
                Some(p) => {
                    if let (Some(question), Some(l)) = (questions.get(p), loaded.get_mut(p)) {
                        *l = Some(slot.finish_given(question)?);
                    }
                }
                None => {
                    let (question, l) = slot.finish_inferred()?;
                    questions.push(question);
                    loaded.push(Some(l));
                }
            }
        }
        let questionnaire = Questionnaire::new(questions)?;
        Ok(Responses {
            questionnaire,
            source_name: self.source_name,
            records,
            loaded,
            lines: self.lines,
        })
    }
}

impl Slot {
    /// Whether this slot's multi-select column reads 0/1 option columns.
    fn pending_is_flags(&self) -> bool {
        match &self.decoder {
            Decoder::Coder(coder) => coder.is_flag(),
            Decoder::Infer(_) => false,
        }
    }

    /// Categories a direct code may name.
    fn categories_len(&self) -> usize {
        match &self.decoder {
            Decoder::Coder(coder) => coder.categories_len(),
            Decoder::Infer(_) => 0,
        }
    }

    /// The codes a coded column lists, for messages.
    fn expected(&self) -> String {
        match &self.decoder {
            Decoder::Coder(coder) => coder.expected(),
            Decoder::Infer(_) => String::new(),
        }
    }

    fn read(&mut self, text: &[u8]) -> std::result::Result<(), FieldError> {
        match (&mut self.decoder, &mut self.column) {
            (Decoder::Coder(coder), Column::Coded(codes)) => codes.push(coder.code(text)?),
            (Decoder::Coder(coder), Column::Numeric(values)) => values.push(coder.number(text)?),
            (Decoder::Coder(coder), Column::Multi { chosen, answered }) => {
                let choices = coder.choices(text)?;
                chosen.push(choices.unwrap_or(0));
                answered.push(choices.is_some());
            }
            (Decoder::Infer(inference), _) => inference.push(text)?,
        }
        Ok(())
    }

    #[cfg_attr(not(feature = "csv"), allow(dead_code))]
    fn append(&mut self, more: Slot) {
        match (&mut self.decoder, more.decoder) {
            (Decoder::Coder(coder), Decoder::Coder(other)) => {
                coder.counts.merge(&other.counts);
                match (
                    coder.dictionary_mut(),
                    other.dictionary(),
                    &mut self.column,
                    &more.column,
                ) {
                    (
                        Some(dictionary),
                        Some(theirs),
                        Column::Coded(codes),
                        Column::Coded(their_codes),
                    ) => {
                        let mut map = vec![NO_ANSWER];
                        map.extend(theirs.labels().iter().map(|l| dictionary.code(l)));
                        codes.extend(&their_codes.remap(&map));
                    }
                    _ => self.column.extend(&more.column),
                }
            }
            (Decoder::Infer(inference), Decoder::Infer(other)) => inference.append(other),
            _ => {}
        }
    }

    fn finish_given(self, question: &Question) -> Result<Loaded> {
        let Decoder::Coder(coder) = self.decoder else {
            return Err(Error::Undefined {
                what: "column",
                reason: "a questionnaire column was read without its coder",
            });
        };
        let mut column = self.column;
        let categories = match question.kind() {
            QuestionType::Numeric => None,
            QuestionType::Identifier => {
                let labels: Vec<String> = coder
                    .dictionary()
                    .map(|d| {
                        d.labels()
                            .iter()
                            .map(|l| String::from_utf8_lossy(l).into_owned())
                            .collect()
                    })
                    .unwrap_or_default();
                // Sorted as inference sorts an identifier's labels, so that an inferred
                // questionnaire passed back reads the same categories.
                let (order, map) = sorted_labels(&labels);
                if let Column::Coded(codes) = &mut column {
                    *codes = codes.remap(&map);
                }
                (!labels.is_empty())
                    .then(|| Categories::new(question.id(), order.iter().map(|&i| &labels[i])))
                    .transpose()?
            }
            _ => {
                let categories = question.categories()?;
                if coder.counts.unlisted > 0 {
                    let mut labels = categories.labels().to_vec();
                    let mut other = "Other".to_string();
                    while labels.contains(&other) {
                        other.push_str(" (unlisted)");
                    }
                    labels.push(other);
                    Some(Categories::new(question.id(), labels)?)
                } else {
                    Some(categories)
                }
            }
        };
        if let Column::Coded(codes) = &mut column
            && codes.len() == 0
        {
            *codes = Codes::default();
        }
        Ok(Loaded {
            column,
            categories,
            counts: coder.counts,
        })
    }

    fn finish_inferred(self) -> Result<(Question, Loaded)> {
        let Decoder::Infer(inference) = self.decoder else {
            return Err(Error::Undefined {
                what: "column",
                reason: "an inferred column was read with a questionnaire's coder",
            });
        };
        inference.finish(&self.name)
    }
}

/// A column read without a questionnaire: coded as it comes, decided at the end.
#[derive(Debug, Clone)]
struct Inference {
    dictionary: Dictionary,
    codes: Codes,
    /// Whether every distinct label so far is a number.
    all_numeric: bool,
    /// Once a column of numbers has more than [`INFER_MAX_CATEGORIES`] distinct values.
    numbers: Option<Vec<f64>>,
    empty: u64,
}

impl Default for Inference {
    fn default() -> Self {
        Self {
            dictionary: Dictionary::default(),
            codes: Codes::default(),
            all_numeric: true,
            numbers: None,
            empty: 0,
        }
    }
}

impl Inference {
    /// Makes room for `records` more records (as codes, or as numbers once switched).
    fn reserve(&mut self, records: usize) {
        match &mut self.numbers {
            Some(values) => values.reserve(records),
            None => self.codes.reserve(records),
        }
    }

    fn push(&mut self, text: &[u8]) -> std::result::Result<(), FieldError> {
        let field = trim(text);
        if field.is_empty() {
            self.empty += 1;
            match &mut self.numbers {
                Some(values) => values.push(f64::NAN),
                None => self.codes.push(NO_ANSWER),
            }
            return Ok(());
        }
        if let Some(values) = &mut self.numbers {
            match parse_number(field) {
                Some(v) => {
                    values.push(v);
                    return Ok(());
                }
                None => self.become_labels(),
            }
        }
        if let Some(code) = self.dictionary.find(field) {
            self.codes.push(code);
            return Ok(());
        }
        // A new label.
        if std::str::from_utf8(field).is_err() {
            return Err(FieldError::Invalid {
                value: String::from_utf8_lossy(field).into_owned(),
                reason: "is not valid UTF-8",
            });
        }
        let code = self.dictionary.code(field);
        self.codes.push(code);
        self.all_numeric &= parse_number(field).is_some();
        if self.all_numeric && self.dictionary.len() > INFER_MAX_CATEGORIES {
            self.become_numbers();
        }
        Ok(())
    }

    /// Holds the column as numbers from now on.
    fn become_numbers(&mut self) {
        let values: Vec<f64> = self
            .dictionary
            .labels()
            .iter()
            .map(|l| parse_number(l).unwrap_or(f64::NAN))
            .collect();
        let numbers = (0..self.codes.len())
            .map(|i| match self.codes.get(i) {
                NO_ANSWER => f64::NAN,
                c => values.get(c as usize - 1).copied().unwrap_or(f64::NAN),
            })
            .collect();
        self.numbers = Some(numbers);
        self.codes = Codes::default();
        self.dictionary = Dictionary::default();
    }

    /// Holds the column as labels again (a value that is not a number followed many numbers):
    /// the numbers become labels in their shortest round-trip form.
    fn become_labels(&mut self) {
        let Some(values) = self.numbers.take() else {
            return;
        };
        self.all_numeric = false;
        for v in values {
            if v.is_nan() {
                self.codes.push(NO_ANSWER);
            } else {
                let code = self.dictionary.code(v.to_string().as_bytes());
                self.codes.push(code);
            }
        }
    }

    #[cfg_attr(not(feature = "csv"), allow(dead_code))]
    fn append(&mut self, other: Inference) {
        self.empty += other.empty;
        match (self.numbers.is_some(), other.numbers.is_some()) {
            (true, true) => {
                if let (Some(a), Some(b)) = (&mut self.numbers, other.numbers) {
                    a.extend(b);
                }
            }
            (true, false) => {
                let mut other = other;
                if other.all_numeric {
                    other.become_numbers();
                    if let (Some(a), Some(b)) = (&mut self.numbers, other.numbers) {
                        a.extend(b);
                    }
                } else {
                    self.become_labels();
                    self.append_labels(other);
                }
            }
            (false, true) => {
                if self.all_numeric {
                    self.become_numbers();
                    if let (Some(a), Some(b)) = (&mut self.numbers, other.numbers) {
                        a.extend(b);
                    }
                } else {
                    let mut other = other;
                    other.become_labels();
                    self.append_labels(other);
                }
            }
            (false, false) => {
                self.append_labels(other);
                if self.all_numeric && self.dictionary.len() > INFER_MAX_CATEGORIES {
                    self.become_numbers();
                }
            }
        }
    }

    fn append_labels(&mut self, other: Inference) {
        self.all_numeric &= other.all_numeric;
        let mut map = vec![NO_ANSWER];
        map.extend(
            other
                .dictionary
                .labels()
                .iter()
                .map(|l| self.dictionary.code(l)),
        );
        self.codes.extend(&other.codes.remap(&map));
    }

    fn finish(self, name: &str) -> Result<(Question, Loaded)> {
        let counts = MissingCounts {
            empty: self.empty,
            ..MissingCounts::default()
        };
        if let Some(values) = self.numbers {
            return Ok((
                Question::numeric(name),
                Loaded {
                    column: Column::Numeric(values),
                    categories: None,
                    counts,
                },
            ));
        }
        let labels: Vec<String> = self
            .dictionary
            .labels()
            .iter()
            .map(|l| String::from_utf8_lossy(l).into_owned())
            .collect();
        if labels.is_empty() {
            return Ok((
                Question::new(name, QuestionType::Identifier),
                Loaded {
                    column: Column::Coded(self.codes),
                    categories: None,
                    counts,
                },
            ));
        }
        let (order, map) = sorted_labels(&labels);
        let sorted: Vec<&String> = order.iter().map(|&i| &labels[i]).collect();
        let (question, categories) = if labels.len() > INFER_MAX_CATEGORIES {
            let categories = Categories::new(name, sorted.iter().map(|l| l.as_str()))?;
            (Question::new(name, QuestionType::Identifier), categories)
        } else {
            let question = Question::single(name, sorted.iter().map(|l| (l.as_str(), l.as_str())));
            let categories = question.categories()?;
            (question, categories)
        };
        Ok((
            question,
            Loaded {
                column: Column::Coded(self.codes.remap(&map)),
                categories: Some(categories),
                counts,
            },
        ))
    }
}

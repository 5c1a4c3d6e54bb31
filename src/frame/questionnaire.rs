//! The questionnaire: what each column of an export holds, known at run time.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::survey::categories::Categories;

/// Most options a multi-select question may have: each respondent's choices are held as one bit
/// per option in a 64-bit word.
pub(crate) const MAX_OPTIONS: usize = 64;

/// What a question asks for, which decides how its column is read and analysed.
///
/// # Examples
///
/// ```
/// use survey_analytics::QuestionType;
///
/// let kind: QuestionType = serde_json::from_str("\"recommend\"").unwrap();
/// assert_eq!(kind, QuestionType::Recommend);
/// assert!(QuestionType::Rating.is_coded() && !QuestionType::Numeric.is_coded());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum QuestionType {
    /// One answer from a list.
    Single,
    /// Any number of options from a list: one 0/1 column per option (the answers' codes are the
    /// column names), or one column of codes joined by a separator.
    Multi,
    /// One point of an ordered scale (a Likert item): the answers in scale order.
    Rating,
    /// A number (age, spend, hours); missing codes mark values that are not answers.
    Numeric,
    /// The 0-10 "how likely are you to recommend" scale; answers default to the codes 0 to 10.
    Recommend,
    /// Labels whose values are not listed in advance (cluster, stratum or respondent ids):
    /// coded from the data in order of first appearance.
    Identifier,
}

impl QuestionType {
    /// Whether the column is held as one category per respondent (everything but numeric and
    /// multi-select questions).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::QuestionType;
    /// assert!(QuestionType::Identifier.is_coded());
    /// assert!(!QuestionType::Multi.is_coded());
    /// ```
    pub fn is_coded(self) -> bool {
        !matches!(self, Self::Multi | Self::Numeric)
    }

    /// The name used in questionnaire files.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(survey_analytics::QuestionType::Single.name(), "single");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Self::Single => "single",
            Self::Multi => "multi",
            Self::Rating => "rating",
            Self::Numeric => "numeric",
            Self::Recommend => "recommend",
            Self::Identifier => "identifier",
        }
    }
}

/// How a declared missing code is treated.
///
/// # Examples
///
/// ```
/// use survey_analytics::Missing;
/// assert_eq!(Missing::default(), Missing::NoAnswer);
/// let category: Missing = serde_json::from_str("\"category\"").unwrap();
/// assert_eq!(category, Missing::Category);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Missing {
    /// Not an answer: left out of the base and counted as missing, like an empty field (SPSS's
    /// user-missing values).
    #[default]
    NoAnswer,
    /// Kept as a category of its own, after the answers ("Don't know" reported as a row).
    Category,
}

/// One answer of a question: the code that stands in the data, and the label reports show.
///
/// # Examples
///
/// ```
/// use survey_analytics::Answer;
///
/// let answer = Answer::new("1", "Leader");
/// assert_eq!((answer.code.as_str(), answer.label.as_str()), ("1", "Leader"));
/// // In a questionnaire file an answer is an object, or a bare string when the code is the label.
/// let bare: Answer = serde_json::from_str("\"Leader\"").unwrap();
/// assert_eq!(bare, Answer::new("Leader", "Leader"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "RawAnswer")]
pub struct Answer {
    /// The value as it stands in the data (trimmed).
    pub code: String,
    /// What reports show.
    pub label: String,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawAnswer {
    Code(String),
    Full {
        code: String,
        #[serde(default)]
        label: Option<String>,
    },
}

impl From<RawAnswer> for Answer {
    fn from(raw: RawAnswer) -> Self {
        match raw {
            RawAnswer::Code(code) => Self::new(code.clone(), code),
            RawAnswer::Full { code, label } => {
                let label = label.unwrap_or_else(|| code.clone());
                Self::new(code, label)
            }
        }
    }
}

impl Answer {
    /// An answer with its code and label.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(survey_analytics::Answer::new("5", "Very").label, "Very");
    /// ```
    pub fn new(code: impl Into<String>, label: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            label: label.into(),
        }
    }
}

/// A code that stands in the data for something other than an answer ("don't know" = 99,
/// "refused" = 98).
///
/// # Examples
///
/// ```
/// use survey_analytics::{Missing, MissingCode};
///
/// let code: MissingCode = serde_json::from_str(r#"{"code": "99", "label": "Don't know"}"#).unwrap();
/// assert_eq!(code, MissingCode::new("99", "Don't know", Missing::NoAnswer));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MissingCode {
    /// The value as it stands in the data (trimmed).
    pub code: String,
    /// What reports call it (the code when not given).
    #[serde(default)]
    pub label: String,
    /// Whether it is left out of the base or kept as a category.
    #[serde(default, rename = "as")]
    pub treat_as: Missing,
}

impl MissingCode {
    /// A missing code with its label and treatment.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Missing, MissingCode};
    /// assert_eq!(MissingCode::new("98", "Refused", Missing::Category).treat_as, Missing::Category);
    /// ```
    pub fn new(code: impl Into<String>, label: impl Into<String>, treat_as: Missing) -> Self {
        Self {
            code: code.into(),
            label: label.into(),
            treat_as,
        }
    }

    /// The label, or the code when the label is empty.
    fn shown(&self) -> &str {
        if self.label.is_empty() {
            &self.code
        } else {
            &self.label
        }
    }
}

/// One question (one column, or one block of 0/1 columns) of a questionnaire.
///
/// Built with a constructor per kind and chained setters; checked when it joins a
/// [`Questionnaire`].
///
/// # Examples
///
/// ```
/// use survey_analytics::{Missing, Question, QuestionType};
///
/// let role = Question::single("role", [("1", "Leader"), ("2", "Manager"), ("3", "Individual contributor")])
///     .with_text("What is your role?")
///     .with_missing("99", "Prefer not to say", Missing::NoAnswer);
/// assert_eq!(role.kind(), QuestionType::Single);
/// assert_eq!(role.answers()[2].label, "Individual contributor");
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Question {
    id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    text: String,
    kind: QuestionType,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    answers: Vec<Answer>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    missing: Vec<MissingCode>,
    /// Multi-select questions held in one column: the character between the chosen codes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    separator: Option<char>,
}

impl Question {
    /// A question of any kind, with no answers yet.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Question, QuestionType};
    /// let q = Question::new("cluster", QuestionType::Identifier);
    /// assert!(q.answers().is_empty());
    /// ```
    pub fn new(id: impl Into<String>, kind: QuestionType) -> Self {
        Self {
            id: id.into(),
            text: String::new(),
            kind,
            answers: Vec::new(),
            missing: Vec::new(),
            separator: None,
        }
    }

    /// A single-choice question with `(code, label)` answers in questionnaire order.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::Question;
    /// let q = Question::single("knows_impact", [("y", "Yes"), ("n", "No")]);
    /// assert_eq!(q.answers()[0].code, "y");
    /// ```
    pub fn single<C: Into<String>, L: Into<String>>(
        id: impl Into<String>,
        answers: impl IntoIterator<Item = (C, L)>,
    ) -> Self {
        Self::new(id, QuestionType::Single).with_answers(answers)
    }

    /// A rating scale with `(code, label)` points from lowest to highest.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Question, QuestionType};
    /// let q = Question::rating("familiarity", [("1", "Not at all"), ("2", "Slightly"), ("3", "Very")]);
    /// assert_eq!(q.kind(), QuestionType::Rating);
    /// ```
    pub fn rating<C: Into<String>, L: Into<String>>(
        id: impl Into<String>,
        points: impl IntoIterator<Item = (C, L)>,
    ) -> Self {
        Self::new(id, QuestionType::Rating).with_answers(points)
    }

    /// A multi-select question held as one 0/1 column per option: `(column, label)` pairs.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::Question;
    /// let q = Question::multi("ai_use", [("ai_writing", "Writing"), ("ai_analysis", "Analysis")]);
    /// assert_eq!(q.separator(), None);
    /// ```
    pub fn multi<C: Into<String>, L: Into<String>>(
        id: impl Into<String>,
        options: impl IntoIterator<Item = (C, L)>,
    ) -> Self {
        Self::new(id, QuestionType::Multi).with_answers(options)
    }

    /// A numeric question.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Question, QuestionType};
    /// assert_eq!(Question::numeric("weight").kind(), QuestionType::Numeric);
    /// ```
    pub fn numeric(id: impl Into<String>) -> Self {
        Self::new(id, QuestionType::Numeric)
    }

    /// Sets the question's wording (the id when not set).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::Question;
    /// assert_eq!(Question::numeric("age").with_text("How old are you?").text(), "How old are you?");
    /// assert_eq!(Question::numeric("age").text(), "age");
    /// ```
    pub fn with_text(mut self, text: impl Into<String>) -> Self {
        self.text = text.into();
        self
    }

    /// Appends answers, `(code, label)` pairs, in questionnaire order.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Question, QuestionType};
    /// let q = Question::new("team", QuestionType::Single).with_answers([("pr", "PR"), ("an", "Analytics")]);
    /// assert_eq!(q.answers().len(), 2);
    /// ```
    pub fn with_answers<C: Into<String>, L: Into<String>>(
        mut self,
        answers: impl IntoIterator<Item = (C, L)>,
    ) -> Self {
        self.answers.extend(
            answers
                .into_iter()
                .map(|(code, label)| Answer::new(code, label)),
        );
        self
    }

    /// Declares a missing code.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Missing, Question};
    /// let q = Question::numeric("age").with_missing("-1", "Refused", Missing::NoAnswer);
    /// assert_eq!(q.missing_codes()[0].code, "-1");
    /// ```
    pub fn with_missing(
        mut self,
        code: impl Into<String>,
        label: impl Into<String>,
        treat_as: Missing,
    ) -> Self {
        self.missing.push(MissingCode::new(code, label, treat_as));
        self
    }

    /// Holds a multi-select question in one column, its chosen codes joined by `separator`.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::Question;
    /// let q = Question::multi("channels", [("email", "Email"), ("chat", "Chat")]).separated_by(';');
    /// assert_eq!(q.separator(), Some(';'));
    /// ```
    pub fn separated_by(mut self, separator: char) -> Self {
        self.separator = Some(separator);
        self
    }

    /// The id: the column name (for multi-select questions in 0/1 columns, the block's name).
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(survey_analytics::Question::numeric("age").id(), "age");
    /// ```
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The wording, or the id when none was given.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(survey_analytics::Question::numeric("age").text(), "age");
    /// ```
    pub fn text(&self) -> &str {
        if self.text.is_empty() {
            &self.id
        } else {
            &self.text
        }
    }

    /// The kind.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Question, QuestionType};
    /// assert_eq!(Question::numeric("age").kind(), QuestionType::Numeric);
    /// ```
    pub fn kind(&self) -> QuestionType {
        self.kind
    }

    /// The answers in questionnaire order. A recommend question given none gets the codes 0 to
    /// 10 when it joins a questionnaire.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Question, QuestionType, Questionnaire};
    /// let nps = Question::new("nps", QuestionType::Recommend);
    /// assert!(nps.answers().is_empty());
    /// let questionnaire = Questionnaire::new(vec![nps])?;
    /// assert_eq!(questionnaire.question("nps").unwrap().answers().len(), 11);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn answers(&self) -> &[Answer] {
        &self.answers
    }

    /// The declared missing codes.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Missing, Question};
    /// let q = Question::numeric("age").with_missing("-1", "Refused", Missing::NoAnswer);
    /// assert_eq!(q.missing_codes().len(), 1);
    /// ```
    pub fn missing_codes(&self) -> &[MissingCode] {
        &self.missing
    }

    /// The separator of a multi-select question held in one column.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(survey_analytics::Question::numeric("age").separator(), None);
    /// ```
    pub fn separator(&self) -> Option<char> {
        self.separator
    }

    /// The categories analyses report, in order: the answers' labels, then the labels of missing
    /// codes kept as categories. `None` for numeric questions.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Missing, Question};
    /// let q = Question::single("q", [("1", "Yes"), ("2", "No")]).with_missing("9", "Don't know", Missing::Category);
    /// assert_eq!(q.categories()?.labels(), ["Yes", "No", "Don't know"]);
    /// assert!(Question::numeric("age").categories().is_err());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn categories(&self) -> Result<Categories> {
        if self.kind == QuestionType::Numeric {
            return Err(self.invalid("a numeric question has no categories"));
        }
        let kept = self
            .missing
            .iter()
            .filter(|m| m.treat_as == Missing::Category)
            .map(|m| m.shown().to_string());
        let labels: Vec<String> = self
            .answers
            .iter()
            .map(|a| a.label.clone())
            .chain(kept)
            .collect();
        Categories::new(self.id.clone(), labels)
            .map_err(|e| self.invalid(format!("its categories are not valid: {e}")))
    }

    fn invalid(&self, reason: impl Into<String>) -> Error {
        Error::InvalidQuestionnaire {
            question: self.id.clone(),
            reason: reason.into(),
        }
    }

    /// Checks the question on its own and fills in defaults (recommend answers, labels of
    /// missing codes).
    fn checked(mut self) -> Result<Self> {
        if self.id.trim().is_empty() {
            return Err(self.invalid("a question needs a non-empty id"));
        }
        if self.kind == QuestionType::Recommend && self.answers.is_empty() {
            self.answers = (0..=10)
                .map(|p| Answer::new(p.to_string(), p.to_string()))
                .collect();
        }
        for m in &mut self.missing {
            if m.label.is_empty() {
                m.label = m.code.clone();
            }
        }
        match self.kind {
            QuestionType::Numeric | QuestionType::Identifier => {
                if !self.answers.is_empty() {
                    return Err(self.invalid(format!(
                        "{} question lists no answers (its values come from the data)",
                        article(self.kind.name())
                    )));
                }
                if self.missing.iter().any(|m| m.treat_as == Missing::Category) {
                    return Err(self.invalid(format!(
                        "{} question has no categories, so its missing codes can only be \
                         no-answer",
                        article(self.kind.name())
                    )));
                }
            }
            _ if self.answers.is_empty() => {
                return Err(self.invalid("it needs at least one answer"));
            }
            QuestionType::Recommend if self.answers.len() != 11 => {
                return Err(self.invalid(format!(
                    "a recommend question has the 11 points 0 to 10, got {} answers",
                    self.answers.len()
                )));
            }
            QuestionType::Multi if self.answers.len() > MAX_OPTIONS => {
                return Err(self.invalid(format!(
                    "a multi-select question holds up to {MAX_OPTIONS} options, got {}",
                    self.answers.len()
                )));
            }
            _ => {}
        }
        if self.separator.is_some() && self.kind != QuestionType::Multi {
            return Err(self.invalid("only multi-select questions have a separator"));
        }
        if let Some(separator) = self.separator
            && matches!(separator, '"' | '\n' | '\r')
        {
            return Err(self.invalid(format!("{separator:?} cannot separate codes")));
        }
        let mut codes: Vec<&str> = Vec::new();
        for code in self
            .answers
            .iter()
            .map(|a| a.code.as_str())
            .chain(self.missing.iter().map(|m| m.code.as_str()))
        {
            if code.trim() != code || code.is_empty() {
                return Err(self.invalid(format!(
                    "code '{code}' is empty or has surrounding spaces (fields are trimmed)"
                )));
            }
            if let Some(separator) = self.separator
                && code.contains(separator)
            {
                return Err(self.invalid(format!(
                    "code '{code}' contains the separator {separator:?}"
                )));
            }
            codes.push(code);
        }
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        if let Some(pair) = sorted.windows(2).find(|w| w[0] == w[1]) {
            return Err(self.invalid(format!("code '{}' is listed twice", pair[0])));
        }
        if self.kind != QuestionType::Numeric && self.kind != QuestionType::Identifier {
            self.categories()?;
        }
        Ok(self)
    }
}

/// The questions of a survey, each naming its column: what the data mean, known at run time.
///
/// Serialisable, so it can live in JSON, TOML or a database; reading one checks it as
/// [`Questionnaire::new`] does. Ids are unique; a single-choice, rating or recommend question lists
/// its answers in questionnaire order (reports keep that order, not the alphabet); codes are
/// distinct within a question; labels of the categories reported are distinct and non-empty.
///
/// # Examples
///
/// ```
/// use survey_analytics::{Question, QuestionType, Questionnaire};
///
/// let json = r#"{"questions": [
///     {"id": "role", "kind": "single", "answers": [{"code": "1", "label": "Leader"}, {"code": "2", "label": "IC"}]},
///     {"id": "familiarity", "kind": "rating", "answers": ["1", "2", "3", "4", "5"],
///      "missing": [{"code": "99", "label": "Don't know"}]},
///     {"id": "weight", "kind": "numeric"}
/// ]}"#;
/// let questionnaire: Questionnaire = serde_json::from_str(json).unwrap();
/// assert_eq!(questionnaire.question("role").unwrap().answers()[0].label, "Leader");
/// assert_eq!(questionnaire.questions().len(), 3);
/// // Round trip.
/// let back: Questionnaire = serde_json::from_str(&serde_json::to_string(&questionnaire).unwrap()).unwrap();
/// assert_eq!(back, questionnaire);
/// // Checked on the way in.
/// let bad = r#"{"questions": [{"id": "q", "kind": "single", "answers": ["a", "a"]}]}"#;
/// assert!(serde_json::from_str::<Questionnaire>(bad).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawQuestionnaire")]
pub struct Questionnaire {
    questions: Vec<Question>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestionnaire {
    questions: Vec<Question>,
}

impl TryFrom<RawQuestionnaire> for Questionnaire {
    type Error = Error;

    fn try_from(raw: RawQuestionnaire) -> Result<Self> {
        Self::new(raw.questions)
    }
}

impl Questionnaire {
    /// Checks the questions and gathers them.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Error, Question, Questionnaire};
    ///
    /// let q = Questionnaire::new(vec![Question::numeric("age"), Question::single("role", [("1", "Leader")])])?;
    /// assert_eq!(q.questions()[1].id(), "role");
    /// let twice = Questionnaire::new(vec![Question::numeric("age"), Question::numeric("age")]);
    /// assert!(matches!(twice, Err(Error::InvalidQuestionnaire { .. })));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidQuestionnaire`] naming the question and the rule it breaks: a repeated or
    /// empty id; no answers where answers are needed (or answers where the values come from the
    /// data); a repeated code or category label; a code that is empty or has surrounding spaces;
    /// more than 64 options of a multi-select question; a recommend scale without 11 points; a
    /// separator on a question that is not multi-select, or one that codes contain. Multi-select
    /// questions in 0/1 columns name their columns in their codes, which must not be the id of
    /// another question.
    pub fn new(questions: Vec<Question>) -> Result<Self> {
        let questions = questions
            .into_iter()
            .map(Question::checked)
            .collect::<Result<Vec<_>>>()?;
        let mut columns: Vec<(&str, &str)> = Vec::new();
        for q in &questions {
            columns.push((q.id.as_str(), q.id.as_str()));
            if q.kind == QuestionType::Multi && q.separator.is_none() {
                columns.extend(q.answers.iter().map(|a| (a.code.as_str(), q.id.as_str())));
            }
        }
        columns.sort_unstable();
        if let Some(pair) = columns.windows(2).find(|w| w[0].0 == w[1].0) {
            let (name, question) = pair[1];
            return Err(Error::InvalidQuestionnaire {
                question: question.to_string(),
                reason: format!("the column '{name}' is claimed twice"),
            });
        }
        Ok(Self { questions })
    }

    /// The questions, in order.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Question, Questionnaire};
    /// let q = Questionnaire::new(vec![Question::numeric("age")])?;
    /// assert_eq!(q.questions().len(), 1);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn questions(&self) -> &[Question] {
        &self.questions
    }

    /// The question with this id.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Question, Questionnaire};
    /// let q = Questionnaire::new(vec![Question::numeric("age")])?;
    /// assert!(q.question("age").is_some() && q.question("role").is_none());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    /// The position of the question with this id.
    pub(crate) fn position(&self, id: &str) -> Option<usize> {
        self.questions.iter().position(|q| q.id == id)
    }

    /// This questionnaire with one more question (a weight or design variable that the survey's
    /// own questionnaire does not list).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Question, Questionnaire};
    /// let q = Questionnaire::new(vec![Question::numeric("age")])?.with(Question::numeric("weight"))?;
    /// assert!(q.question("weight").is_some());
    /// assert!(q.with(Question::numeric("age")).is_err());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Questionnaire::new`].
    pub fn with(&self, question: Question) -> Result<Self> {
        let mut questions = self.questions.clone();
        questions.push(question);
        Self::new(questions)
    }
}

/// "a numeric", "an identifier": the kind's name with its article.
fn article(name: &str) -> String {
    let vowel = name.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {name}", if vowel { "an" } else { "a" })
}

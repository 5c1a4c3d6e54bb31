//! The crate's one error type.
//!
//! Every fallible function returns [`Result<T>`](Result). Each variant carries the offending value as a
//! named field and its message says what to change, so an error printed to a user is actionable on its
//! own.

use thiserror::Error;

/// Shorthand for `std::result::Result<T, survey_analytics::Error>`.
///
/// # Examples
///
/// ```
/// use survey_analytics::{Error, Proportion, Result};
///
/// fn share(successes: u64, trials: u64) -> Result<f64> {
///     Ok(Proportion::new(successes, trials)?.estimate())
/// }
/// assert_eq!(share(1, 4), Ok(0.25));
/// assert!(matches!(share(1, 0), Err(Error::EmptyBase)));
/// ```
pub type Result<T> = std::result::Result<T, Error>;

/// Everything that can be wrong with an input to this crate.
///
/// Variants are matched by name; the enum is `#[non_exhaustive]` so new checks can be added without a
/// breaking change. `Clone + PartialEq` lets tests compare errors directly.
///
/// # Examples
///
/// ```
/// use survey_analytics::{Error, Proportion};
///
/// let err = Proportion::new(12, 10).unwrap_err();
/// assert_eq!(err, Error::SuccessesExceedTrials { successes: 12, trials: 10 });
/// assert!(err.to_string().contains("cannot exceed"));
/// ```
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum Error {
    /// A confidence level outside the open interval (0, 1), or NaN.
    #[error("confidence level must lie strictly between 0 and 1 (for example 0.95), got {level}")]
    InvalidConfidenceLevel {
        /// The level that was given.
        level: f64,
    },

    /// A significance level (alpha) outside the open interval (0, 1), or NaN.
    #[error(
        "significance level alpha must lie strictly between 0 and 1 (for example 0.05), got {alpha}"
    )]
    InvalidAlpha {
        /// The alpha that was given.
        alpha: f64,
    },

    /// More successes than trials.
    #[error("{successes} successes out of {trials} trials: successes cannot exceed trials")]
    SuccessesExceedTrials {
        /// Number of successes given.
        successes: u64,
        /// Number of trials given.
        trials: u64,
    },

    /// A proportion was asked of an empty base.
    #[error(
        "a proportion needs a base of at least one response, got 0; report the group as having no \
         base instead of estimating a share"
    )]
    EmptyBase,

    /// A value that must be a proportion in [0, 1] was outside it, or NaN.
    #[error("{name} must be a proportion in [0, 1], got {value}")]
    InvalidProportion {
        /// Which argument was wrong.
        name: &'static str,
        /// The value given.
        value: f64,
    },

    /// A value that must be finite and strictly positive (a base, an exposure, a margin) was not.
    #[error("{name} must be a finite number greater than 0, got {value}")]
    NotPositive {
        /// Which argument was wrong.
        name: &'static str,
        /// The value given.
        value: f64,
    },

    /// A list had fewer entries than the computation needs.
    #[error("{name} has {len} entries but at least {min} are needed")]
    TooFewValues {
        /// Which argument was too short.
        name: &'static str,
        /// Its length.
        len: usize,
        /// The smallest length accepted.
        min: usize,
    },

    /// Two lists that must have the same length did not.
    #[error("{name} has {len} entries but {expected} were expected (one per {per})")]
    LengthMismatch {
        /// Which argument had the wrong length.
        name: &'static str,
        /// The length expected.
        expected: usize,
        /// The length given.
        len: usize,
        /// What each entry stands for: `"category"`, `"respondent"`, `"dimension"`, ...
        per: &'static str,
    },

    /// A table row had a different number of cells from the first row.
    #[error(
        "table row {row} has {len} cells but row 0 has {expected}: every row needs one cell per \
         column"
    )]
    RaggedTable {
        /// Index of the offending row.
        row: usize,
        /// Number of cells in row 0.
        expected: usize,
        /// Number of cells in the offending row.
        len: usize,
    },

    /// A row or column of a contingency table sums to zero, so its expected counts are zero.
    #[error("table {axis} {index} sums to zero: drop empty rows and columns before testing")]
    EmptyMargin {
        /// `"row"` or `"column"`.
        axis: &'static str,
        /// Index of the empty row or column.
        index: usize,
    },

    /// A p-value outside [0, 1], or NaN.
    #[error("p-value at position {index} is {value}: p-values must lie in [0, 1]")]
    InvalidPValue {
        /// Position in the input slice.
        index: usize,
        /// The value given.
        value: f64,
    },

    /// The requested statistic is not defined for these data (for example a log interval with a zero
    /// count); the message names a method that is defined.
    #[error("{what} is not defined here: {reason}")]
    Undefined {
        /// The quantity that could not be computed.
        what: &'static str,
        /// Why, and what to use instead.
        reason: &'static str,
    },

    /// A numeric argument broke a documented requirement not covered by a more specific variant.
    #[error("{name} = {value} is not allowed: {requirement}")]
    InvalidParameter {
        /// Which argument was wrong.
        name: &'static str,
        /// The value given.
        value: f64,
        /// What the argument must satisfy.
        requirement: &'static str,
    },

    /// A method, alternative or adjustment name that is not recognised.
    #[error("unknown {kind} '{name}'; expected one of: {expected}")]
    UnknownName {
        /// What kind of name it was (for example `"interval method"`).
        kind: &'static str,
        /// The name given.
        name: String,
        /// The names accepted.
        expected: &'static str,
    },

    /// A weight that is negative, NaN, infinite or at least 2^64.
    #[error("{}", match record {
        Some(r) => format!("record {r} has weight {value}: weights must be finite and non-negative"),
        None => format!("weight {value} is not allowed: weights must be finite and non-negative"),
    })]
    InvalidWeight {
        /// The weight given.
        value: f64,
        /// Position of the record (0-based) when known.
        record: Option<usize>,
    },

    /// A weighted record was added to an unweighted tally, or the reverse.
    #[error("{}", if *weighted {
        "this tally is weighted: add records with add_weighted"
    } else {
        "this tally is unweighted: add records with add, or create it with new_weighted"
    })]
    WeightedTally {
        /// Whether the tally is weighted.
        weighted: bool,
    },

    /// A category position past the end of its dimension.
    #[error("category {index} of '{dimension}' does not exist: it has {len} categories")]
    CategoryOutOfRange {
        /// The dimension (question or group) name.
        dimension: String,
        /// The position given.
        index: usize,
        /// Number of categories.
        len: usize,
    },

    /// A dimension index past a tally's dimensions.
    #[error(
        "dimension {index} does not exist: the tally has {len} dimension(s), numbered from 0 in \
         key order"
    )]
    DimensionOutOfRange {
        /// The index given.
        index: usize,
        /// Number of dimensions.
        len: usize,
    },

    /// An analysis that would take too long: every call returns within about a second, so inputs
    /// past a documented size are refused rather than left to run.
    #[error("{what} is too large: {size} exceeds the limit of {max}; {hint}")]
    TooLarge {
        /// What was measured.
        what: &'static str,
        /// Its size for this input.
        size: u64,
        /// The largest size accepted.
        max: u64,
        /// What to do instead.
        hint: &'static str,
    },

    /// A crosstab asked of one dimension against itself.
    #[error(
        "a crosstab needs two different dimensions, got dimension {index} for both rows and columns"
    )]
    SameDimension {
        /// The dimension given twice.
        index: usize,
    },

    /// A value that must be a finite number was infinite (NaN marks a missing value where
    /// missing values are allowed).
    #[error(
        "record {record} of {name} is {value}: values must be finite numbers (use NaN for a missing \
         value)"
    )]
    InvalidValue {
        /// Which argument held the value.
        name: &'static str,
        /// Position of the record (0-based).
        record: usize,
        /// The value given.
        value: f64,
    },

    /// A net that cannot be used with this question.
    #[error("net '{label}' cannot be used here: {reason}")]
    InvalidNet {
        /// The net's label.
        label: String,
        /// Why, and what to do instead.
        reason: &'static str,
    },

    /// Serialised data that break the rules of the type they describe: an unknown format version,
    /// inconsistent contents, or values out of range. Deserialising goes through the same checks as
    /// constructing.
    #[error("invalid serialised {what}: {reason}")]
    InvalidSerialized {
        /// The type being read.
        what: &'static str,
        /// What is wrong.
        reason: String,
    },

    /// A label that is not one of a dimension's categories.
    #[error("'{label}' is not a category of '{dimension}'")]
    UnknownCategory {
        /// The dimension (question or group) name.
        dimension: String,
        /// The label given.
        label: String,
    },

    /// A category or net label that cannot be used.
    #[error("label '{label}' is not allowed: {reason}")]
    InvalidLabel {
        /// The label given.
        label: String,
        /// Why.
        reason: &'static str,
    },

    /// Two tallies with different dimensions or weighting cannot be merged.
    #[error("tallies with different dimensions or weighting cannot be merged")]
    IncompatibleTallies,

    /// A text specification (a command-line or configuration value) that does not follow its
    /// format.
    #[error("'{spec}' is not a valid {what}: expected {expected}")]
    InvalidSpecification {
        /// What the text specifies.
        what: &'static str,
        /// The text given.
        spec: String,
        /// The format expected.
        expected: &'static str,
    },

    /// A replicate weight that is not a finite number.
    #[error(
        "replicate {replicate}, record {record}: replicate weight {value} is not a finite number"
    )]
    InvalidReplicateWeight {
        /// Position of the replicate (0-based).
        replicate: usize,
        /// Position of the record (0-based).
        record: usize,
        /// The value given.
        value: f64,
    },

    /// A stratum with a single primary sampling unit, whose variance cannot be estimated.
    #[error(
        "stratum '{stratum}' has a single PSU, so its variance cannot be estimated; choose how to \
         treat it with SampleDesign::with_lonely_psu (certainty, remove, adjust or average)"
    )]
    LonelyPsu {
        /// The stratum's label.
        stratum: String,
    },

    /// A calibration cell with a population total but no sample weight, or the reverse.
    #[error(
        "category {category} of margin {margin} has sample weight {sample} but population total \
         {population}: merge it with a neighbouring category or check the totals"
    )]
    EmptyCalibrationCell {
        /// Position of the margin.
        margin: usize,
        /// The category.
        category: usize,
        /// Weighted sample total of the category.
        sample: f64,
        /// Its population total.
        population: f64,
    },

    /// Raking margins whose population totals differ.
    #[error(
        "margin {margin} totals {total} but the first margin totals {first}: every margin must \
         describe the same population"
    )]
    InconsistentMargins {
        /// Position of the inconsistent margin.
        margin: usize,
        /// Its total.
        total: f64,
        /// The first margin's total.
        first: f64,
    },

    /// Counts so large that their sum overflows, or that exceed what the method handles exactly.
    #[error("{name} is too large ({value}); counts up to {max} are supported")]
    CountTooLarge {
        /// Which count or total.
        name: &'static str,
        /// The value given (saturated at `u64::MAX` when the sum overflowed).
        value: u64,
        /// The largest supported value.
        max: u64,
    },

    /// A questionnaire question that breaks a rule (see
    /// [`Questionnaire::new`](crate::Questionnaire::new)).
    #[error("question '{question}' of the questionnaire: {reason}")]
    InvalidQuestionnaire {
        /// The question's id.
        question: String,
        /// The rule it breaks.
        reason: String,
    },

    /// A column that the source does not have, or a question the questionnaire does not list.
    #[error("{source_name} has no column '{name}' (columns: {available})")]
    UnknownColumn {
        /// The column asked for.
        name: String,
        /// The file, batch or questionnaire looked in.
        source_name: String,
        /// The columns it has (the first few, when there are many).
        available: String,
    },

    /// A column name that a header holds more than once, where that column is needed.
    #[error("{source_name} has more than one column '{name}'; rename all but one")]
    DuplicateColumn {
        /// The column name.
        name: String,
        /// The file or batch.
        source_name: String,
    },

    /// A value the questionnaire does not list for its question, under the strict policy (the
    /// lenient one counts such values under "Other").
    #[error("{at}: '{value}' is not an answer of the question (answers: {expected})")]
    UnlistedValue {
        /// Where the value stands.
        at: DataLocation,
        /// The value, as read.
        value: String,
        /// The codes the question lists (the first few, when there are many).
        expected: String,
    },

    /// A value that cannot be read as its column requires: a number that does not parse, a 0/1
    /// field holding something else, an empty design variable, an invalid weight.
    #[error("{at}: '{value}' {reason}")]
    InvalidField {
        /// Where the value stands.
        at: DataLocation,
        /// The value, as read.
        value: String,
        /// What the column requires.
        reason: &'static str,
    },

    /// A row with more or fewer fields than the header.
    #[error("{source_name}:{line}: the row has {found} fields but the header has {expected}")]
    RaggedRow {
        /// The file or stream.
        source_name: String,
        /// Its line (1-based; the header is line 1).
        line: u64,
        /// Fields in the header.
        expected: usize,
        /// Fields in the row.
        found: usize,
    },

    /// A file or stream that could not be read, or that is not valid CSV.
    #[error("{source_name}: {message}")]
    Read {
        /// The file or stream.
        source_name: String,
        /// What went wrong, as the reader reported it.
        message: String,
    },

    /// A column whose data type the reader cannot turn into answers (an Arrow list or struct,
    /// say): cast it to strings, integers, floats, booleans or a dictionary of strings first.
    #[error(
        "{source_name}, column '{column}': type {data_type} cannot be read (give strings, \
         integers, floats, booleans or a dictionary of strings)"
    )]
    UnsupportedColumnType {
        /// The batches read.
        source_name: String,
        /// The column.
        column: String,
        /// Its type, as the source names it.
        data_type: String,
    },

    /// A batch whose columns differ from the first batch's: every batch of one read must share
    /// one schema.
    #[error(
        "{source_name}, batch {batch}: its columns ({found}) differ from the first batch's \
         ({expected}); every batch must share one schema"
    )]
    SchemaMismatch {
        /// The batches read.
        source_name: String,
        /// The batch that differs (0-based).
        batch: usize,
        /// The first batch's columns and types.
        expected: String,
        /// This batch's columns and types.
        found: String,
    },

    /// Calibration whose iterations stopped before meeting the population totals (R's
    /// `calibrate`: "Failed to converge", then "Calibration failed"): R's iterations and then
    /// the damped method that follows them both ended unmet, usually because the bounds are too
    /// tight for the totals to be reachable. The figures are those after R's iterations.
    #[error(
        "{function} calibration did not meet its totals after {iterations} iterations: \
         {auxiliary} reaches {achieved} against a population total of {target} (relative misfit \
         {misfit:e}; {unmet} of the totals unmet); widen the bounds, merge sparse categories or \
         check the totals"
    )]
    CalibrationFailed {
        /// The calibration function ("linear", "raking", "logit").
        function: &'static str,
        /// Iterations run.
        iterations: usize,
        /// The total furthest from its target.
        auxiliary: String,
        /// Its population total.
        target: f64,
        /// Its weighted sample total after the last iteration.
        achieved: f64,
        /// R's convergence measure for it, `|target - achieved| / (1 + |target|)`.
        misfit: f64,
        /// How many totals are not met within the tolerance.
        unmet: usize,
    },

    /// Calibration auxiliaries that are linearly dependent on the sample (a singular `X'WX`),
    /// so that the calibration equations have no unique solution.
    #[error(
        "the calibration auxiliaries are collinear on this sample: {auxiliary} is (nearly) a \
         linear combination of the auxiliaries before it; drop it or merge categories"
    )]
    CollinearAuxiliaries {
        /// The first auxiliary found to depend on the others.
        auxiliary: String,
    },
}

/// Where a value stands in a data source: the source (a file, or the name given to in-memory
/// columns), the record (0-based, among data records) and the file line when there is one, and
/// the column.
///
/// # Examples
///
/// ```
/// use survey_analytics::DataLocation;
///
/// let at = DataLocation { source_name: "export.csv".into(), record: 15, line: Some(17), column: "q1".into() };
/// assert_eq!(at.to_string(), "export.csv:17, column 'q1'");
/// let at = DataLocation { line: None, ..at };
/// assert_eq!(at.to_string(), "export.csv, record 15, column 'q1'");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DataLocation {
    /// The file, or the name of the in-memory source.
    pub source_name: String,
    /// Position of the record among the data records (0-based).
    pub record: u64,
    /// The line in the file (1-based; the header is line 1), when read from a file.
    pub line: Option<u64>,
    /// The column.
    pub column: String,
}

impl std::fmt::Display for DataLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}, column '{}'", self.source_name, self.column),
            None => write!(
                f,
                "{}, record {}, column '{}'",
                self.source_name, self.record, self.column
            ),
        }
    }
}

impl Error {
    /// The same error, located at record `position` where that applies (invalid weights).
    pub(crate) fn at_record(self, position: usize) -> Error {
        match self {
            Error::InvalidWeight { value, .. } => Error::InvalidWeight {
                value,
                record: Some(position),
            },
            other => other,
        }
    }
}

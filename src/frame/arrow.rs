//! Reading Arrow record batches into [`Responses`] (feature `arrow`).

use std::borrow::Borrow;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    ArrowDictionaryKeyType, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type,
    UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, RecordBatch};
use arrow_schema::{DataType, Schema};

use crate::error::{Error, Result};
use crate::frame::column::Unlisted;
use crate::frame::questionnaire::Questionnaire;
use crate::frame::responses::{ColumnResult, Lines, Responses, Selection, Sink};

/// Reads Arrow record batches (from polars, DataFusion or any Arrow producer) into
/// [`Responses`]: with a questionnaire that says what each column holds, or inferring one from
/// the data, exactly as [`CsvReader`](crate::CsvReader) reads a file.
///
/// Batches are read column by column through the same coder as CSV fields, so the same data give
/// equal responses, tallies and crosstabs whichever way they arrive, and the same values are
/// refused. What each Arrow type reads as:
///
/// - strings (`Utf8`, `LargeUtf8`, `Utf8View`): as the text of a CSV field (trimmed; empty for
///   no answer);
/// - dictionaries of strings, with any integer key type: each dictionary value a record uses is
///   coded once, on its first record, and the records take their value's code, without
///   re-reading the strings; what was missing (empty fields, declared no-answer codes, unlisted
///   values counted under "Other") is still counted per record;
/// - integers of any width, signed or unsigned, and `Float32`/`Float64`: numbers for numeric
///   questions, and for coded ones the text a file would hold (`3` and `3.0` code as "3");
/// - booleans: `1` and `0` (the 0/1 columns of multi-select questions);
/// - `Null`: no answer.
///
/// A null is no answer (a null key, or a key to a null dictionary value). Only the columns
/// needed are read (all the questionnaire's questions, or those chosen with
/// [`ArrowReader::columns`]); the others may hold any type. Errors name the source, the record
/// (counted across batches from 0) and the column.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{ArrayRef, DictionaryArray, Float64Array, RecordBatch, types::Int8Type};
/// use survey_analytics::{ArrowReader, Question, Questionnaire};
///
/// let role: DictionaryArray<Int8Type> = vec![Some("1"), Some("2"), Some("2"), None].into_iter().collect();
/// let weight = Float64Array::from(vec![1.5, 0.5, 1.0, 1.0]);
/// let batch = RecordBatch::try_from_iter([
///     ("role", Arc::new(role) as ArrayRef),
///     ("weight", Arc::new(weight) as ArrayRef),
/// ]).unwrap();
/// let questionnaire = Questionnaire::new(vec![
///     Question::single("role", [("1", "Leader"), ("2", "IC")]),
///     Question::numeric("weight"),
/// ])?;
/// let responses = ArrowReader::new().questionnaire(&questionnaire).read(&[batch], "panel")?;
/// assert_eq!(responses.labels("role")?, [Some("Leader"), Some("IC"), Some("IC"), None]);
/// assert_eq!(responses.missing("role")?.empty, 1);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct ArrowReader {
    questionnaire: Option<Questionnaire>,
    columns: Option<Vec<String>>,
    unlisted: Unlisted,
}

impl ArrowReader {
    /// A reader that infers the questionnaire, loads every column and refuses unlisted values.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use arrow_array::{ArrayRef, RecordBatch, StringArray};
    ///
    /// let batch = RecordBatch::try_from_iter([("q", Arc::new(StringArray::from(vec!["a", "b"])) as ArrayRef)]).unwrap();
    /// let responses = survey_analytics::ArrowReader::new().read(&[batch], "data")?;
    /// assert_eq!(responses.categories("q")?.labels(), ["a", "b"]);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads with this questionnaire instead of inferring one.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use arrow_array::{ArrayRef, Int64Array, RecordBatch};
    /// use survey_analytics::{ArrowReader, Question, Questionnaire};
    ///
    /// let q = Questionnaire::new(vec![Question::rating("sat", [("1", "Low"), ("2", "High")])])?;
    /// let batch = RecordBatch::try_from_iter([("sat", Arc::new(Int64Array::from(vec![2, 1])) as ArrayRef)]).unwrap();
    /// let responses = ArrowReader::new().questionnaire(&q).read(&[batch], "data")?;
    /// assert_eq!(responses.labels("sat")?, [Some("High"), Some("Low")]);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn questionnaire(mut self, questionnaire: &Questionnaire) -> Self {
        self.questionnaire = Some(questionnaire.clone());
        self
    }

    /// Loads only these questions (by id; columns, when inferring); the other columns are not
    /// read, whatever their type.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use arrow_array::{ArrayRef, RecordBatch, StringArray};
    ///
    /// let batch = RecordBatch::try_from_iter([
    ///     ("a", Arc::new(StringArray::from(vec!["1", "2"])) as ArrayRef),
    ///     ("b", Arc::new(StringArray::from(vec!["x", "y"])) as ArrayRef),
    /// ]).unwrap();
    /// let responses = survey_analytics::ArrowReader::new().columns(["b"]).read(&[batch], "data")?;
    /// assert!(responses.codes("a").is_err() && responses.codes("b").is_ok());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn columns<S: Into<String>>(mut self, ids: impl IntoIterator<Item = S>) -> Self {
        self.columns = Some(ids.into_iter().map(Into::into).collect());
        self
    }

    /// Chooses what happens to values the questionnaire does not list (refused by default).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use arrow_array::{ArrayRef, RecordBatch, StringArray};
    /// use survey_analytics::{ArrowReader, Question, Questionnaire, Unlisted};
    ///
    /// let q = Questionnaire::new(vec![Question::single("q", [("1", "Yes")])])?;
    /// let batch = RecordBatch::try_from_iter([("q", Arc::new(StringArray::from(vec!["1", "7"])) as ArrayRef)]).unwrap();
    /// assert!(ArrowReader::new().questionnaire(&q).read(&[batch.clone()], "data").is_err());
    /// let responses = ArrowReader::new().questionnaire(&q).unlisted(Unlisted::Other).read(&[batch], "data")?;
    /// assert_eq!(responses.labels("q")?, [Some("Yes"), Some("Other")]);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn unlisted(mut self, unlisted: Unlisted) -> Self {
        self.unlisted = unlisted;
        self
    }

    /// Reads record batches that share one schema; `source_name` names them in errors. The
    /// records are those of the batches in order; with no batch there are no columns.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use arrow_array::{ArrayRef, Int32Array, RecordBatch, StringArray};
    /// use survey_analytics::{ArrowReader, Error, Question, Questionnaire};
    ///
    /// let q = Questionnaire::new(vec![Question::single("q", [("1", "Yes"), ("2", "No")])])?;
    /// let first = RecordBatch::try_from_iter([("q", Arc::new(StringArray::from(vec!["1", "2"])) as ArrayRef)]).unwrap();
    /// let second = RecordBatch::try_from_iter([("q", Arc::new(StringArray::from(vec!["2", "3"])) as ArrayRef)]).unwrap();
    /// let err = ArrowReader::new().questionnaire(&q).read(&[first.clone(), second], "panel").unwrap_err();
    /// // Records are counted across batches.
    /// assert_eq!(err.to_string(), "panel, record 3, column 'q': '3' is not an answer of the question (answers: 1, 2)");
    ///
    /// let other = RecordBatch::try_from_iter([("q", Arc::new(Int32Array::from(vec![1])) as ArrayRef)]).unwrap();
    /// let err = ArrowReader::new().questionnaire(&q).read(&[first, other], "panel").unwrap_err();
    /// assert!(matches!(err, Error::SchemaMismatch { batch: 1, .. }));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::SchemaMismatch`] for a batch whose column names or types differ from the first
    /// batch's; [`Error::UnknownColumn`] for a question (or chosen column) the batches lack;
    /// [`Error::DuplicateColumn`] for a needed column named twice;
    /// [`Error::UnsupportedColumnType`] for a needed column of another type than those listed
    /// on [`ArrowReader`]; and as a file's fields would be, naming the record and column:
    /// [`Error::UnlistedValue`], [`Error::InvalidField`] (a number that is not finite, a 0/1
    /// column holding something else). When several fields are wrong, the first in record
    /// order is reported (the first column's, within a record).
    pub fn read(&self, batches: &[RecordBatch], source_name: &str) -> Result<Responses> {
        let rows = batches.iter().map(RecordBatch::num_rows).sum();
        self.read_all(batches, Some(rows), source_name)
    }

    /// Reads record batches as they come (a stream from a query engine, say), holding only the
    /// coded columns; otherwise as [`ArrowReader::read`].
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use arrow_array::{ArrayRef, RecordBatch, StringArray};
    ///
    /// let batches = (0..3).map(|_| {
    ///     RecordBatch::try_from_iter([("q", Arc::new(StringArray::from(vec!["a", "b"])) as ArrayRef)]).unwrap()
    /// });
    /// let responses = survey_analytics::ArrowReader::new().read_iter(batches, "stream")?;
    /// assert_eq!(responses.len(), 6);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`ArrowReader::read`].
    pub fn read_iter(
        &self,
        batches: impl IntoIterator<Item = RecordBatch>,
        source_name: &str,
    ) -> Result<Responses> {
        self.read_all(batches, None, source_name)
    }

    fn read_all<B: Borrow<RecordBatch>>(
        &self,
        batches: impl IntoIterator<Item = B>,
        rows: Option<usize>,
        source_name: &str,
    ) -> Result<Responses> {
        let mut batches = batches.into_iter().peekable();
        let schema = batches.peek().map(|b| b.borrow().schema());
        let header: Vec<String> = schema
            .as_ref()
            .map(|s| s.fields().iter().map(|f| f.name().clone()).collect())
            .unwrap_or_default();
        let selection = match &self.columns {
            Some(ids) => Selection::Only(ids),
            None => Selection::All,
        };
        let mut sink = Sink::new(
            self.questionnaire.as_ref(),
            &header,
            selection,
            self.unlisted,
            source_name.to_string(),
            Lines::default(),
        )?;
        if let Some(schema) = &schema {
            for c in sink.read_columns() {
                if let Some(field) = schema.fields().get(c)
                    && !supported(field.data_type())
                {
                    return Err(unsupported(source_name, field.name(), field.data_type()));
                }
            }
        }
        let Some(rows) = rows else {
            // A stream: batch after batch, each checked against the first's schema as it comes.
            for (b, batch) in batches.enumerate() {
                let batch = batch.borrow();
                check_schema(schema.as_deref(), batch, b, source_name)?;
                load(&mut sink, batch, &header, source_name)?;
            }
            return sink.finish();
        };
        let held: Vec<B> = batches.collect();
        let batches: Vec<&RecordBatch> = held.iter().map(Borrow::borrow).collect();
        for (b, batch) in batches.iter().enumerate() {
            check_schema(schema.as_deref(), batch, b, source_name)?;
        }
        sink.reserve(rows);
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        if threads <= 1 || rows < PARALLEL_ROWS {
            for batch in &batches {
                load(&mut sink, batch, &header, source_name)?;
            }
            return sink.finish();
        }
        // The questions loaded side by side, each part reading its own columns of every batch;
        // of the parts' failures, the first in record order (then column order) is reported.
        let (parts, owner) = sink.split(threads);
        let loaded = crate::parallel::map(&parts, |part| {
            let mut part = part.clone();
            for batch in &batches {
                load(&mut part, batch, &header, source_name)?;
            }
            Ok(part)
        });
        let mut loaded_parts = Vec::with_capacity(loaded.len());
        let mut first: Option<((u64, usize), Error)> = None;
        for part in loaded {
            match part {
                Ok(part) => loaded_parts.push(part),
                Err(error) => {
                    let key = failure_key(&error, &header);
                    if first.as_ref().is_none_or(|(k, _)| key < *k) {
                        first = Some((key, error));
                    }
                }
            }
        }
        if let Some((_, error)) = first {
            return Err(error);
        }
        sink.join(loaded_parts, &owner);
        sink.finish()
    }
}

/// Rows below which the columns are not loaded side by side.
const PARALLEL_ROWS: usize = 1 << 16;

/// Where a failure stands: its record, then its column's position.
fn failure_key(error: &Error, header: &[String]) -> (u64, usize) {
    match error {
        Error::UnlistedValue { at, .. } | Error::InvalidField { at, .. } => (
            at.record,
            header
                .iter()
                .position(|h| *h == at.column)
                .unwrap_or(usize::MAX),
        ),
        _ => (0, 0),
    }
}

/// Refuses batch `b` unless its columns are the first batch's.
fn check_schema(
    first: Option<&Schema>,
    batch: &RecordBatch,
    b: usize,
    source_name: &str,
) -> Result<()> {
    if let Some(first) = first
        && !same_columns(first, &batch.schema())
    {
        return Err(Error::SchemaMismatch {
            source_name: source_name.to_string(),
            batch: b,
            expected: describe(first),
            found: describe(&batch.schema()),
        });
    }
    Ok(())
}

/// Codes one batch's columns into `sink`; the first failure in record order (then column
/// order), as a reader of records would report it.
fn load(sink: &mut Sink, batch: &RecordBatch, header: &[String], source_name: &str) -> Result<()> {
    let rows = batch.num_rows();
    let mut first: Option<((u64, usize), Error)> = None;
    for c in sink.read_columns() {
        let Some(array) = batch.columns().get(c) else {
            continue;
        };
        let name = header.get(c).map_or("", String::as_str);
        let at = (source_name, name);
        if let Err(error) = read_column(sink, c, rows, array.as_ref(), at) {
            let key = failure_key(&error, header);
            if first.as_ref().is_none_or(|(k, _)| key < *k) {
                first = Some((key, error));
            }
        }
    }
    if let Some((_, error)) = first {
        return Err(error);
    }
    sink.end_batch(rows);
    Ok(())
}

/// Whether the reader turns arrays of this type into answers.
fn supported(data_type: &DataType) -> bool {
    match data_type {
        DataType::Dictionary(key, value) => {
            key.is_dictionary_key_type()
                && matches!(
                    value.as_ref(),
                    DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
                )
        }
        DataType::Utf8
        | DataType::LargeUtf8
        | DataType::Utf8View
        | DataType::Boolean
        | DataType::Null
        | DataType::Float32
        | DataType::Float64 => true,
        other => other.is_integer(),
    }
}

fn unsupported(source_name: &str, column: &str, data_type: &DataType) -> Error {
    Error::UnsupportedColumnType {
        source_name: source_name.to_string(),
        column: column.to_string(),
        data_type: data_type.to_string(),
    }
}

/// Whether two schemas have the same column names and types (metadata and nullability aside).
fn same_columns(a: &Schema, b: &Schema) -> bool {
    a.fields().len() == b.fields().len()
        && a.fields()
            .iter()
            .zip(b.fields().iter())
            .all(|(x, y)| x.name() == y.name() && x.data_type() == y.data_type())
}

/// A schema's columns and types, for messages (the first twenty).
fn describe(schema: &Schema) -> String {
    let shown: Vec<String> = schema
        .fields()
        .iter()
        .take(20)
        .map(|f| format!("{}: {}", f.name(), f.data_type()))
        .collect();
    match schema.fields().len().saturating_sub(20) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

/// Reads one column of a batch into the sink.
fn read_column(
    sink: &mut Sink,
    c: usize,
    rows: usize,
    array: &dyn Array,
    at: (&str, &str),
) -> ColumnResult {
    // Types are checked before any record is read: this is for an array that contradicts its
    // schema's type.
    let refuse = || Err(unsupported(at.0, at.1, array.data_type()));
    macro_rules! integers {
        ($t:ty) => {{
            let Some(a) = array.as_primitive_opt::<$t>() else {
                return refuse();
            };
            let values = a.values();
            match a.nulls().filter(|n| n.null_count() > 0) {
                None => sink.column_integers(c, rows, |i| values.get(i).map(|&v| i128::from(v))),
                Some(nulls) => sink.column_integers(c, rows, |i| {
                    nulls
                        .is_valid(i)
                        .then(|| values.get(i).map(|&v| i128::from(v)))
                        .flatten()
                }),
            }
        }};
    }
    macro_rules! floats {
        ($t:ty) => {{
            let Some(a) = array.as_primitive_opt::<$t>() else {
                return refuse();
            };
            let values = a.values();
            match a.nulls().filter(|n| n.null_count() > 0) {
                None => sink.column_numbers(c, rows, |i| values.get(i).copied()),
                Some(nulls) => sink.column_numbers(c, rows, |i| {
                    nulls.is_valid(i).then(|| values.get(i).copied()).flatten()
                }),
            }
        }};
    }
    match array.data_type() {
        DataType::Utf8 => match array.as_string_opt::<i32>() {
            Some(a) => sink.column_fields(c, rows, |i, _| Some(text(a.is_valid(i), || a.value(i)))),
            None => refuse(),
        },
        DataType::LargeUtf8 => match array.as_string_opt::<i64>() {
            Some(a) => sink.column_fields(c, rows, |i, _| Some(text(a.is_valid(i), || a.value(i)))),
            None => refuse(),
        },
        DataType::Utf8View => match array.as_string_view_opt() {
            Some(a) => sink.column_fields(c, rows, |i, _| Some(text(a.is_valid(i), || a.value(i)))),
            None => refuse(),
        },
        DataType::Dictionary(key, _) => match key.as_ref() {
            DataType::Int8 => dictionary::<Int8Type>(sink, c, rows, array, at),
            DataType::Int16 => dictionary::<Int16Type>(sink, c, rows, array, at),
            DataType::Int32 => dictionary::<Int32Type>(sink, c, rows, array, at),
            DataType::Int64 => dictionary::<Int64Type>(sink, c, rows, array, at),
            DataType::UInt8 => dictionary::<UInt8Type>(sink, c, rows, array, at),
            DataType::UInt16 => dictionary::<UInt16Type>(sink, c, rows, array, at),
            DataType::UInt32 => dictionary::<UInt32Type>(sink, c, rows, array, at),
            DataType::UInt64 => dictionary::<UInt64Type>(sink, c, rows, array, at),
            _ => refuse(),
        },
        DataType::Int8 => integers!(Int8Type),
        DataType::Int16 => integers!(Int16Type),
        DataType::Int32 => integers!(Int32Type),
        DataType::Int64 => integers!(Int64Type),
        DataType::UInt8 => integers!(UInt8Type),
        DataType::UInt16 => integers!(UInt16Type),
        DataType::UInt32 => integers!(UInt32Type),
        DataType::UInt64 => integers!(UInt64Type),
        DataType::Float32 => floats!(Float32Type),
        DataType::Float64 => floats!(Float64Type),
        DataType::Boolean => match array.as_boolean_opt() {
            Some(a) => sink.column_keys(
                c,
                rows,
                2,
                |i| match a.is_valid(i) {
                    true => usize::from(a.value(i)),
                    false => 2,
                },
                |k, _| Some(if k == 1 { b"1" } else { b"0" }),
            ),
            None => refuse(),
        },
        DataType::Null => sink.column_fields(c, rows, |_, _| Some(b"")),
        _ => refuse(),
    }
}

/// A string field's bytes: empty for a null.
fn text<'a>(valid: bool, value: impl FnOnce() -> &'a str) -> &'a [u8] {
    if valid { value().as_bytes() } else { b"" }
}

/// Reads a dictionary array: its values once, then its keys.
fn dictionary<K: ArrowDictionaryKeyType>(
    sink: &mut Sink,
    c: usize,
    rows: usize,
    array: &dyn Array,
    at: (&str, &str),
) -> ColumnResult
where
    i128: From<K::Native>,
{
    let refused = || unsupported(at.0, at.1, array.data_type());
    let Some(d) = array.as_dictionary_opt::<K>() else {
        return Err(refused());
    };
    let values = d.values();
    let texts: Vec<&[u8]> = match values.data_type() {
        DataType::Utf8 => values.as_string_opt::<i32>().map(|a| {
            (0..a.len())
                .map(|k| text(a.is_valid(k), || a.value(k)))
                .collect()
        }),
        DataType::LargeUtf8 => values.as_string_opt::<i64>().map(|a| {
            (0..a.len())
                .map(|k| text(a.is_valid(k), || a.value(k)))
                .collect()
        }),
        DataType::Utf8View => values.as_string_view_opt().map(|a| {
            (0..a.len())
                .map(|k| text(a.is_valid(k), || a.value(k)))
                .collect()
        }),
        _ => None,
    }
    .ok_or_else(refused)?;
    let n = texts.len();
    let keys = d.keys().values();
    let value = |k: usize, _: &mut Vec<u8>| Some(texts.get(k).copied().unwrap_or(b""));
    let index = |k: &K::Native| usize::try_from(i128::from(*k)).unwrap_or(n);
    // Keys are checked against the dictionary when the array is built; a key past it (only
    // under a null) reads as no answer.
    match d.keys().nulls().filter(|nulls| nulls.null_count() > 0) {
        None => sink.column_keys(c, rows, n, |i| keys.get(i).map_or(n, index), value),
        Some(nulls) => sink.column_keys(
            c,
            rows,
            n,
            |i| match nulls.is_valid(i) {
                true => keys.get(i).map_or(n, index),
                false => n,
            },
            value,
        ),
    }
}

//! Columns as loaded: dictionary codes as narrow as their categories allow, numbers with NaN for
//! missing, multi-select choices as one bit per option; and the coders that turn a field's text
//! into them.

use std::collections::HashMap;

use crate::frame::questionnaire::{Missing, Question, QuestionType};
use crate::survey::codes::CodeColumn;

/// The code of "no answer" in a coded column; category `i` is code `i + 1` (the tally's slots).
pub(crate) const NO_ANSWER: u32 = 0;

/// Codes of one coded column, one per record: [`NO_ANSWER`] or a category's position plus one,
/// held in the narrowest width that fits every code so far.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Codes {
    U8(Vec<u8>),
    U16(Vec<u16>),
    U32(Vec<u32>),
}

impl Default for Codes {
    fn default() -> Self {
        Self::U8(Vec::new())
    }
}

/// Codes read as category positions: code `c` is position `c - 1`, and 0 is no answer.
impl CodeColumn for Codes {
    fn len(&self) -> usize {
        Codes::len(self)
    }

    fn code(&self, k: usize) -> Option<usize> {
        (self.get(k) as usize).checked_sub(1)
    }
}

impl Codes {
    /// An empty column for codes up to `max_code`, with room for `capacity` records.
    pub(crate) fn for_codes(max_code: u32, capacity: usize) -> Self {
        if max_code <= u32::from(u8::MAX) {
            Self::U8(Vec::with_capacity(capacity))
        } else if max_code <= u32::from(u16::MAX) {
            Self::U16(Vec::with_capacity(capacity))
        } else {
            Self::U32(Vec::with_capacity(capacity))
        }
    }

    pub(crate) fn len(&self) -> usize {
        match self {
            Self::U8(v) => v.len(),
            Self::U16(v) => v.len(),
            Self::U32(v) => v.len(),
        }
    }

    /// The code of record `i` ([`NO_ANSWER`] past the end).
    pub(crate) fn get(&self, i: usize) -> u32 {
        match self {
            Self::U8(v) => v.get(i).map_or(NO_ANSWER, |&c| u32::from(c)),
            Self::U16(v) => v.get(i).map_or(NO_ANSWER, |&c| u32::from(c)),
            Self::U32(v) => v.get(i).copied().unwrap_or(NO_ANSWER),
        }
    }

    /// Makes room for `additional` more codes.
    pub(crate) fn reserve(&mut self, additional: usize) {
        match self {
            Self::U8(v) => v.reserve(additional),
            Self::U16(v) => v.reserve(additional),
            Self::U32(v) => v.reserve(additional),
        }
    }

    /// Appends a code, widening the column when it does not fit.
    pub(crate) fn push(&mut self, code: u32) {
        match self {
            Self::U8(v) => match u8::try_from(code) {
                Ok(c) => v.push(c),
                Err(_) => {
                    self.widen(code);
                    self.push(code);
                }
            },
            Self::U16(v) => match u16::try_from(code) {
                Ok(c) => v.push(c),
                Err(_) => {
                    self.widen(code);
                    self.push(code);
                }
            },
            Self::U32(v) => v.push(code),
        }
    }

    /// Re-holds the column in a width that fits `code`.
    fn widen(&mut self, code: u32) {
        let old = std::mem::take(self);
        let mut wider = Self::for_codes(code.max(old.max_width()), old.len() + 1);
        for i in 0..old.len() {
            wider.push(old.get(i));
        }
        *self = wider;
    }

    /// The largest code the current width holds.
    fn max_width(&self) -> u32 {
        match self {
            Self::U8(_) => u32::from(u8::MAX),
            Self::U16(_) => u32::from(u16::MAX),
            Self::U32(_) => u32::MAX,
        }
    }

    /// Appends another column's codes.
    #[cfg_attr(not(feature = "csv"), allow(dead_code))]
    pub(crate) fn extend(&mut self, other: &Codes) {
        match (&mut *self, other) {
            (Self::U8(a), Self::U8(b)) => a.extend_from_slice(b),
            (Self::U16(a), Self::U16(b)) => a.extend_from_slice(b),
            (Self::U32(a), Self::U32(b)) => a.extend_from_slice(b),
            _ => {
                for i in 0..other.len() {
                    self.push(other.get(i));
                }
            }
        }
    }

    /// Appends `n` codes, `code(i)` for `i` in `0..n`, none above `max`: the width is chosen
    /// once, then the codes are stored in a tight loop.
    #[cfg_attr(not(feature = "arrow"), allow(dead_code))]
    pub(crate) fn extend_mapped(&mut self, max: u32, n: usize, mut code: impl FnMut(usize) -> u32) {
        if max > self.max_width() {
            self.widen(max);
        }
        match self {
            Self::U8(v) => v.extend((0..n).map(|i| u8::try_from(code(i)).unwrap_or(u8::MAX))),
            Self::U16(v) => v.extend((0..n).map(|i| u16::try_from(code(i)).unwrap_or(u16::MAX))),
            Self::U32(v) => v.extend((0..n).map(code)),
        }
    }

    /// Replaces every code `c` by `map[c]` (codes past the map become [`NO_ANSWER`]), in the
    /// narrowest width that fits the new codes.
    pub(crate) fn remap(&self, map: &[u32]) -> Codes {
        let max = map.iter().copied().max().unwrap_or(NO_ANSWER);
        let mut out = Self::for_codes(max, self.len());
        for i in 0..self.len() {
            out.push(map.get(self.get(i) as usize).copied().unwrap_or(NO_ANSWER));
        }
        out
    }

    /// Every code, as category positions (`None` for no answer).
    pub(crate) fn positions(&self) -> Vec<Option<usize>> {
        (0..self.len())
            .map(|i| match self.get(i) {
                NO_ANSWER => None,
                c => Some(c as usize - 1),
            })
            .collect()
    }
}

/// A set of records, one bit each.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Bits {
    words: Vec<u64>,
    len: usize,
}

impl Bits {
    pub(crate) fn push(&mut self, bit: bool) {
        if self.len.is_multiple_of(64) {
            self.words.push(0);
        }
        if bit && let Some(word) = self.words.last_mut() {
            *word |= 1 << (self.len % 64);
        }
        self.len += 1;
    }

    pub(crate) fn get(&self, i: usize) -> bool {
        self.words
            .get(i / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    #[cfg_attr(not(feature = "csv"), allow(dead_code))]
    pub(crate) fn extend(&mut self, other: &Bits) {
        for i in 0..other.len {
            self.push(other.get(i));
        }
    }
}

/// One loaded column. Equal columns hold the same values, no answer (NaN) included: responses
/// loaded twice from the same data compare equal.
#[derive(Debug, Clone)]
pub(crate) enum Column {
    /// Single-choice, rating, recommend and identifier questions: a code per record.
    Coded(Codes),
    /// Multi-select questions: the chosen options' bits per record, and which records answered.
    Multi { chosen: Vec<u64>, answered: Bits },
    /// Numeric questions: a value per record, NaN where there is none.
    Numeric(Vec<f64>),
}

impl PartialEq for Column {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Coded(a), Self::Coded(b)) => a == b,
            (
                Self::Multi {
                    chosen: a,
                    answered: x,
                },
                Self::Multi {
                    chosen: b,
                    answered: y,
                },
            ) => a == b && x == y,
            (Self::Numeric(a), Self::Numeric(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .zip(b)
                        .all(|(x, y)| x == y || (x.is_nan() && y.is_nan()))
            }
            _ => false,
        }
    }
}

impl Column {
    /// Makes room for `additional` more records.
    pub(crate) fn reserve(&mut self, additional: usize) {
        match self {
            Self::Coded(codes) => codes.reserve(additional),
            Self::Multi { chosen, .. } => chosen.reserve(additional),
            Self::Numeric(values) => values.reserve(additional),
        }
    }

    /// An empty column for a question of this kind with `categories` categories.
    pub(crate) fn empty(kind: QuestionType, categories: usize, capacity: usize) -> Self {
        match kind {
            QuestionType::Multi => Self::Multi {
                chosen: Vec::with_capacity(capacity),
                answered: Bits::default(),
            },
            QuestionType::Numeric => Self::Numeric(Vec::with_capacity(capacity)),
            _ => Self::Coded(Codes::for_codes(
                u32::try_from(categories + 1).unwrap_or(u32::MAX),
                capacity,
            )),
        }
    }

    /// Appends another column of the same kind.
    #[cfg_attr(not(feature = "csv"), allow(dead_code))]
    pub(crate) fn extend(&mut self, other: &Column) {
        match (self, other) {
            (Self::Coded(a), Self::Coded(b)) => a.extend(b),
            (
                Self::Multi { chosen, answered },
                Self::Multi {
                    chosen: more,
                    answered: more_answered,
                },
            ) => {
                chosen.extend_from_slice(more);
                answered.extend(more_answered);
            }
            (Self::Numeric(a), Self::Numeric(b)) => a.extend_from_slice(b),
            // Columns of one question always have one kind.
            _ => {}
        }
    }
}

/// Why a field could not be coded (located by the caller).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FieldError {
    /// A value the question does not list (strict policy).
    Unlisted { value: String },
    /// A value that breaks the column's rule.
    Invalid { value: String, reason: &'static str },
}

/// What to do with values a question does not list.
///
/// # Examples
///
/// ```
/// use survey_analytics::Unlisted;
/// assert_eq!(Unlisted::default(), Unlisted::Refuse);
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Unlisted {
    /// Stop with [`Error::UnlistedValue`](crate::Error::UnlistedValue), naming the file, line
    /// and column.
    #[default]
    Refuse,
    /// Count the value under a category "Other", added after the question's categories (and
    /// reported by [`Responses::unlisted`](crate::Responses::unlisted)).
    Other,
}

/// Counts of the answers that were not answers: empty fields, and each declared no-answer code.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct MissingCounts {
    pub(crate) empty: u64,
    /// One per declared missing code treated as no answer, in the question's order.
    pub(crate) declared: Vec<u64>,
    /// Values the question does not list, counted under "Other" (lenient policy).
    pub(crate) unlisted: u64,
}

impl MissingCounts {
    /// Counts of nothing, with room for as many declared codes as these.
    #[cfg_attr(not(feature = "arrow"), allow(dead_code))]
    pub(crate) fn zeroed(&self) -> Self {
        Self {
            empty: 0,
            declared: vec![0; self.declared.len()],
            unlisted: 0,
        }
    }

    /// Whether nothing was counted.
    #[cfg_attr(not(feature = "arrow"), allow(dead_code))]
    pub(crate) fn is_zero(&self) -> bool {
        self.empty == 0 && self.unlisted == 0 && self.declared.iter().all(|&d| d == 0)
    }

    /// Adds `other`'s counts `times` times (the counts of one value, for each row holding it).
    #[cfg_attr(not(feature = "arrow"), allow(dead_code))]
    pub(crate) fn add_times(&mut self, other: &MissingCounts, times: u64) {
        self.empty += other.empty * times;
        self.unlisted += other.unlisted * times;
        if self.declared.len() < other.declared.len() {
            self.declared.resize(other.declared.len(), 0);
        }
        for (a, b) in self.declared.iter_mut().zip(&other.declared) {
            *a += b * times;
        }
    }

    #[cfg_attr(not(feature = "csv"), allow(dead_code))]
    pub(crate) fn merge(&mut self, other: &MissingCounts) {
        self.empty += other.empty;
        self.unlisted += other.unlisted;
        if self.declared.len() < other.declared.len() {
            self.declared.resize(other.declared.len(), 0);
        }
        for (a, b) in self.declared.iter_mut().zip(&other.declared) {
            *a += b;
        }
    }
}

/// Trims ASCII whitespace from both ends of a field.
pub(crate) fn trim(field: &[u8]) -> &[u8] {
    field.trim_ascii()
}

/// A few labels, found by a scan that compares each label's length and first eight bytes before
/// any call to compare the rest.
#[derive(Debug, Clone, Default)]
struct Scan {
    keys: Vec<(usize, u64)>,
}

impl Scan {
    /// The first eight bytes of `label` (zero-padded) as an integer.
    fn prefix(label: &[u8]) -> u64 {
        let mut eight = [0; 8];
        let n = label.len().min(8);
        eight[..n].copy_from_slice(&label[..n]);
        u64::from_le_bytes(eight)
    }

    fn push(&mut self, label: &[u8]) {
        self.keys.push((label.len(), Self::prefix(label)));
    }

    /// The position of `field` among `labels` (those pushed, in order).
    fn position(&self, labels: &[Box<[u8]>], field: &[u8]) -> Option<usize> {
        let key = (field.len(), Self::prefix(field));
        self.keys.iter().zip(labels).position(|(k, label)| {
            *k == key && (field.len() <= 8 || label.get(8..) == field.get(8..))
        })
    }
}

/// Codes listed in advance, looked up by their bytes: a scan when there are few, a map otherwise.
#[derive(Debug, Clone)]
struct Lookup {
    codes: Vec<Box<[u8]>>,
    scan: Scan,
    map: Option<HashMap<Box<[u8]>, u32>>,
}

impl Lookup {
    /// Up to this many codes are scanned; more are hashed.
    const SCAN: usize = 16;

    fn new(codes: Vec<Box<[u8]>>) -> Self {
        let map = (codes.len() > Self::SCAN).then(|| {
            codes
                .iter()
                .enumerate()
                .map(|(i, c)| (c.clone(), i as u32))
                .collect()
        });
        let mut scan = Scan::default();
        for code in &codes {
            scan.push(code);
        }
        Self { codes, scan, map }
    }

    /// The position of `field` among the codes.
    fn find(&self, field: &[u8]) -> Option<u32> {
        match &self.map {
            Some(map) => map.get(field).copied(),
            None => self.scan.position(&self.codes, field).map(|i| i as u32),
        }
    }

    fn describe(&self) -> String {
        let shown: Vec<String> = self
            .codes
            .iter()
            .take(12)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect();
        let more = self.codes.len().saturating_sub(12);
        if more > 0 {
            format!("{} and {more} more", shown.join(", "))
        } else {
            shown.join(", ")
        }
    }
}

/// Labels coded in order of first appearance (identifier columns and inferred ones). Canonical
/// small integers, the usual cluster and stratum ids, go through a table; other labels through
/// the standard (DoS-resistant) hash map.
#[derive(Debug, Clone, Default)]
pub(crate) struct Dictionary {
    labels: Vec<Box<[u8]>>,
    /// The first labels, up to [`Dictionary::SCAN`], for scanning.
    scan: Scan,
    map: HashMap<Box<[u8]>, u32>,
    small: Vec<u32>,
}

impl Dictionary {
    /// Integers below this are coded through a table.
    const SMALL: usize = 1 << 16;

    /// Up to this many labels are found by comparing them all, before any hashing.
    const SCAN: usize = 8;

    /// The code (position plus one) of `label`, if it is known.
    pub(crate) fn find(&self, label: &[u8]) -> Option<u32> {
        if self.labels.len() <= Self::SCAN {
            return self
                .scan
                .position(&self.labels, label)
                .map(|i| i as u32 + 1);
        }
        match small_integer(label) {
            Some(value) => self.small.get(value).copied().filter(|&c| c != NO_ANSWER),
            None => self.map.get(label).copied(),
        }
    }

    /// The code (position plus one) of `label`, adding it when new.
    pub(crate) fn code(&mut self, label: &[u8]) -> u32 {
        if self.labels.len() <= Self::SCAN
            && let Some(i) = self.scan.position(&self.labels, label)
        {
            return i as u32 + 1;
        }
        if let Some(value) = small_integer(label) {
            if self.small.len() <= value {
                self.small.resize(value + 1, NO_ANSWER);
            }
            if let Some(&code) = self.small.get(value)
                && code != NO_ANSWER
            {
                return code;
            }
            let code = self.insert(label);
            if let Some(slot) = self.small.get_mut(value) {
                *slot = code;
            }
            return code;
        }
        match self.map.get(label) {
            Some(&code) => code,
            None => {
                let code = self.insert(label);
                self.map.insert(label.into(), code);
                code
            }
        }
    }

    fn insert(&mut self, label: &[u8]) -> u32 {
        if self.labels.len() < Self::SCAN {
            self.scan.push(label);
        }
        self.labels.push(label.into());
        u32::try_from(self.labels.len()).unwrap_or(u32::MAX)
    }

    pub(crate) fn len(&self) -> usize {
        self.labels.len()
    }

    pub(crate) fn labels(&self) -> &[Box<[u8]>] {
        &self.labels
    }
}

/// A canonical non-negative integer below [`Dictionary::SMALL`] ("0", "17"; not "017" or "+1").
fn small_integer(label: &[u8]) -> Option<usize> {
    if label.is_empty() || label.len() > 5 || (label.len() > 1 && label[0] == b'0') {
        return None;
    }
    let mut value = 0_usize;
    for &b in label {
        if !b.is_ascii_digit() {
            return None;
        }
        value = value * 10 + usize::from(b - b'0');
    }
    (value < Dictionary::SMALL).then_some(value)
}

/// Parses a trimmed field as a finite number.
pub(crate) fn parse_number(field: &[u8]) -> Option<f64> {
    if let Some(value) = parse_plain_decimal(field) {
        return Some(value);
    }
    let text = std::str::from_utf8(field).ok()?;
    text.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// The common decimal form, `[+-]digits[.digits]`, with at most 19 digits whose integer is
/// below 2^53 and at most 22 of them after the point: then the integer and the power of ten
/// are exact doubles, and their quotient, rounded once, is the correctly rounded value that
/// `str::parse` gives (Clinger's fast path). Anything else is left to `str::parse`.
fn parse_plain_decimal(field: &[u8]) -> Option<f64> {
    /// 10^0 ..= 10^22, each exact as a double.
    const POWERS: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];
    let (negative, digits) = match field.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, field),
    };
    let (mut mantissa, mut count, mut fraction) = (0_u64, 0_usize, None::<usize>);
    for (i, &b) in digits.iter().enumerate() {
        match b {
            b'0'..=b'9' => {
                count += 1;
                if count > 19 {
                    return None;
                }
                mantissa = mantissa * 10 + u64::from(b - b'0');
            }
            b'.' if fraction.is_none() && i > 0 => fraction = Some(i + 1),
            _ => return None,
        }
    }
    // Digits on both sides of a point, and an integer part at least.
    let after = fraction.map_or(0, |start| digits.len() - start);
    if count == 0 || fraction.is_some() && after == 0 || mantissa > 1 << 53 {
        return None;
    }
    let value = mantissa as f64 / *POWERS.get(after)?;
    Some(if negative { -value } else { value })
}

/// Turns the fields of one question's column into codes, numbers or choices, counting what was
/// missing and why. One per question and per thread; their counts merge.
#[derive(Debug, Clone)]
pub(crate) struct Coder {
    kind: CoderKind,
    /// Categories of the question (answers and missing codes kept as categories).
    categories: usize,
    /// Declared missing codes: their bytes, and the code they take (no answer, or their category).
    missing: Vec<(Box<[u8]>, u32)>,
    pub(crate) counts: MissingCounts,
}

#[derive(Debug, Clone)]
enum CoderKind {
    /// Listed answers; `other` is the code of "Other" under the lenient policy.
    Listed {
        lookup: Lookup,
        other: Option<u32>,
    },
    /// Identifier columns: labels coded as they appear.
    Open(Dictionary),
    Numeric,
    /// Multi-select in one column.
    Delimited {
        lookup: Lookup,
        separator: Box<[u8]>,
    },
    /// Multi-select in 0/1 columns: one coder per option column, giving 0 or 1.
    Flag,
}

impl Coder {
    /// The coder of a question's column (for multi-select questions in 0/1 columns, of each
    /// option column).
    pub(crate) fn new(question: &Question, unlisted: Unlisted) -> Self {
        let codes = || -> Vec<Box<[u8]>> {
            question
                .answers()
                .iter()
                .map(|a| a.code.as_bytes().into())
                .collect()
        };
        let answers = u32::try_from(question.answers().len()).unwrap_or(u32::MAX);
        let mut kept = 0_u32;
        let missing: Vec<(Box<[u8]>, u32)> = question
            .missing_codes()
            .iter()
            .map(|m| {
                let code = match m.treat_as {
                    Missing::NoAnswer => NO_ANSWER,
                    Missing::Category => {
                        kept += 1;
                        answers + kept
                    }
                };
                (m.code.as_bytes().into(), code)
            })
            .collect();
        let declared = question
            .missing_codes()
            .iter()
            .filter(|m| m.treat_as == Missing::NoAnswer)
            .count();
        let kind = match question.kind() {
            QuestionType::Numeric => CoderKind::Numeric,
            QuestionType::Identifier => CoderKind::Open(Dictionary::default()),
            QuestionType::Multi => match question.separator() {
                Some(separator) => CoderKind::Delimited {
                    lookup: Lookup::new(codes()),
                    separator: separator.to_string().into_bytes().into(),
                },
                None => CoderKind::Flag,
            },
            _ => CoderKind::Listed {
                lookup: Lookup::new(codes()),
                other: (unlisted == Unlisted::Other).then_some(answers + kept + 1),
            },
        };
        Self {
            kind,
            categories: answers as usize + kept as usize,
            missing,
            counts: MissingCounts {
                declared: vec![0; declared],
                ..MissingCounts::default()
            },
        }
    }

    /// Categories of the question: answers and missing codes kept as categories.
    pub(crate) fn categories_len(&self) -> usize {
        self.categories
    }

    /// Whether the question declares missing codes (which numbers are compared with as text).
    #[cfg_attr(not(feature = "arrow"), allow(dead_code))]
    pub(crate) fn has_missing_codes(&self) -> bool {
        !self.missing.is_empty()
    }

    /// Whether this codes the 0/1 columns of a multi-select question's options.
    pub(crate) fn is_flag(&self) -> bool {
        matches!(self.kind, CoderKind::Flag)
    }

    /// Whether this codes an identifier column (labels coded as they appear).
    #[cfg_attr(not(feature = "arrow"), allow(dead_code))]
    pub(crate) fn is_open(&self) -> bool {
        matches!(self.kind, CoderKind::Open(_))
    }

    /// The dictionary of an identifier column, to add labels to.
    #[cfg_attr(not(feature = "csv"), allow(dead_code))]
    pub(crate) fn dictionary_mut(&mut self) -> Option<&mut Dictionary> {
        match &mut self.kind {
            CoderKind::Open(dictionary) => Some(dictionary),
            _ => None,
        }
    }

    /// The dictionary of an identifier column.
    pub(crate) fn dictionary(&self) -> Option<&Dictionary> {
        match &self.kind {
            CoderKind::Open(dictionary) => Some(dictionary),
            _ => None,
        }
    }

    /// A declared missing code: the code it takes, counting it when it is no answer.
    fn declared(&mut self, field: &[u8]) -> Option<u32> {
        let mut no_answer = 0;
        for (code, value) in &self.missing {
            if **code == *field {
                if *value == NO_ANSWER
                    && let Some(count) = self.counts.declared.get_mut(no_answer)
                {
                    *count += 1;
                }
                return Some(*value);
            }
            if *value == NO_ANSWER {
                no_answer += 1;
            }
        }
        None
    }

    /// The code of a coded column's field.
    pub(crate) fn code(&mut self, field: &[u8]) -> Result<u32, FieldError> {
        let field = trim(field);
        if field.is_empty() {
            self.counts.empty += 1;
            return Ok(NO_ANSWER);
        }
        if let CoderKind::Listed { lookup, .. } = &self.kind
            && let Some(i) = lookup.find(field)
        {
            return Ok(i + 1);
        }
        if let Some(code) = self.declared(field) {
            return Ok(code);
        }
        match &mut self.kind {
            CoderKind::Listed {
                other: Some(other), ..
            } => {
                self.counts.unlisted += 1;
                Ok(*other)
            }
            CoderKind::Listed { other: None, .. } => Err(FieldError::Unlisted {
                value: String::from_utf8_lossy(field).into_owned(),
            }),
            CoderKind::Open(dictionary) => {
                if let Some(code) = dictionary.find(field) {
                    return Ok(code);
                }
                if std::str::from_utf8(field).is_err() {
                    return Err(FieldError::Invalid {
                        value: String::from_utf8_lossy(field).into_owned(),
                        reason: "is not valid UTF-8",
                    });
                }
                Ok(dictionary.code(field))
            }
            _ => Ok(NO_ANSWER),
        }
    }

    /// The value of a numeric column's field (NaN for no answer).
    pub(crate) fn number(&mut self, field: &[u8]) -> Result<f64, FieldError> {
        let field = trim(field);
        if field.is_empty() {
            self.counts.empty += 1;
            return Ok(f64::NAN);
        }
        if let Some(value) = parse_number(field) {
            if self.missing.iter().any(|(code, _)| **code == *field) {
                self.declared(field);
                return Ok(f64::NAN);
            }
            return Ok(value);
        }
        if self.declared(field).is_some() {
            return Ok(f64::NAN);
        }
        Err(FieldError::Invalid {
            value: String::from_utf8_lossy(field).into_owned(),
            reason: "is not a finite number",
        })
    }

    /// The choices of a multi-select field held in one column: `None` for no answer.
    pub(crate) fn choices(&mut self, field: &[u8]) -> Result<Option<u64>, FieldError> {
        let field = trim(field);
        if field.is_empty() {
            self.counts.empty += 1;
            return Ok(None);
        }
        if self.declared(field).is_some() {
            return Ok(None);
        }
        let CoderKind::Delimited { lookup, separator } = &self.kind else {
            return Ok(None);
        };
        let mut bits = 0_u64;
        let mut rest = field;
        loop {
            let (part, tail) = match find(rest, separator) {
                Some(at) => (&rest[..at], Some(&rest[at + separator.len()..])),
                None => (rest, None),
            };
            let part = trim(part);
            if !part.is_empty() {
                match lookup.find(part) {
                    Some(i) => bits |= 1 << i,
                    None => {
                        return Err(FieldError::Unlisted {
                            value: String::from_utf8_lossy(part).into_owned(),
                        });
                    }
                }
            }
            match tail {
                Some(tail) => rest = tail,
                None => break,
            }
        }
        Ok(Some(bits))
    }

    /// A 0/1 field of a multi-select option column: `None` when empty.
    pub(crate) fn flag(&mut self, field: &[u8]) -> Result<Option<bool>, FieldError> {
        match trim(field) {
            b"" => Ok(None),
            b"0" => Ok(Some(false)),
            b"1" => Ok(Some(true)),
            other => Err(FieldError::Invalid {
                value: String::from_utf8_lossy(other).into_owned(),
                reason: "is not 0, 1 or empty",
            }),
        }
    }

    /// The codes the question lists, for messages.
    pub(crate) fn expected(&self) -> String {
        match &self.kind {
            CoderKind::Listed { lookup, .. } | CoderKind::Delimited { lookup, .. } => {
                lookup.describe()
            }
            _ => String::new(),
        }
    }
}

/// The first position of `needle` in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_widen_when_a_code_does_not_fit() {
        let mut codes = Codes::for_codes(3, 0);
        codes.push(1);
        codes.push(300);
        codes.push(70_000);
        assert!(matches!(codes, Codes::U32(_)));
        assert_eq!((codes.get(0), codes.get(1), codes.get(2)), (1, 300, 70_000));
        assert_eq!(codes.get(3), NO_ANSWER);
        let remapped = codes.remap(&[0, 2, 0]);
        assert!(matches!(remapped, Codes::U8(_)));
        assert_eq!(remapped.positions(), [Some(1), None, None]);
    }

    #[test]
    fn dictionaries_code_in_order_of_first_appearance() {
        let mut d = Dictionary::default();
        let codes: Vec<u32> = [&b"17"[..], b"x", b"017", b"17", b"x", b"65536", b"0"]
            .iter()
            .map(|l| d.code(l))
            .collect();
        assert_eq!(codes, [1, 2, 3, 1, 2, 4, 5]);
        assert_eq!(d.labels()[2].as_ref(), b"017");
    }

    /// The fast path gives `str::parse`'s double, bit for bit, and leaves other forms to it.
    #[test]
    fn plain_decimals_parse_as_the_standard_parser_does() {
        let fixed = [
            "0",
            "-0",
            "+0",
            "1",
            "-1",
            "1.305506",
            "0.1",
            "0.30000000000000004",
            "9007199254740992",
            "9007199254740993",
            "1234567890123456789",
            "12345678901234567890",
            "1.5",
            "00012.500",
            "0.0000000000000000000001",
            "0.00000000000000000000001",
            "1.",
            ".5",
            "1e5",
            "inf",
            "NaN",
            "--1",
            "1.2.3",
            "",
            "-",
            "+",
            " 1",
            "1_0",
            "٣",
        ];
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut cases: Vec<String> = fixed.iter().map(|s| s.to_string()).collect();
        for _ in 0..100_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let digits = (state % 10_u64.pow((state >> 60) as u32 % 19 + 1)).to_string();
            let point = (state >> 32) as usize % (digits.len() + 1);
            let sign = ["", "-", "+"][(state >> 20) as usize % 3];
            cases.push(format!("{sign}{}.{}", &digits[..point], &digits[point..]));
            cases.push(format!("{sign}{digits}"));
        }
        for case in cases {
            let expected = case.parse::<f64>().ok().filter(|v| v.is_finite());
            let got = parse_number(case.as_bytes());
            assert_eq!(
                got.map(f64::to_bits),
                expected.map(f64::to_bits),
                "{case:?}"
            );
        }
    }

    #[test]
    fn bits_hold_their_records() {
        let mut bits = Bits::default();
        for i in 0..130 {
            bits.push(i % 3 == 0);
        }
        assert!((0..130).all(|i| bits.get(i) == (i % 3 == 0)));
        assert!(!bits.get(500));
    }
}

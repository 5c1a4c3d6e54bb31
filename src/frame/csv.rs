//! Reading CSV exports into [`Responses`] (feature `csv`).

use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};
use crate::frame::column::Unlisted;
use crate::frame::questionnaire::Questionnaire;
use crate::frame::responses::{Lines, Responses, Selection, Sink};

/// Reads survey exports in CSV into [`Responses`]: with a questionnaire that says what each
/// column holds, or inferring one from the data.
///
/// The file needs a header row. Fields are trimmed; an empty field is no answer. Only the
/// columns needed are coded (all the questionnaire's questions, or those chosen with
/// [`CsvReader::columns`]); the others are skipped unparsed, and memory grows with the coded
/// columns, not with the file's text. Every problem stops the read with a typed error naming the
/// file, the line and the column: a column the questionnaire names but the header lacks
/// ([`Error::UnknownColumn`]), a value the questionnaire does not list
/// ([`Error::UnlistedValue`], unless [`Unlisted::Other`] counts it), a number that does not
/// parse or a 0/1 field holding something else ([`Error::InvalidField`]), a row of the wrong
/// length ([`Error::RaggedRow`]), a file that cannot be read ([`Error::Read`]); and a delimiter
/// that cannot be one (a quote, `\r` or `\n`: [`Error::InvalidParameter`]).
///
/// Without a questionnaire, each column is inferred from its distinct values: up to
/// [`INFER_MAX_CATEGORIES`](crate::INFER_MAX_CATEGORIES) of them make a single-choice question
/// (in numeric order when all are numbers, in the order of their text otherwise), more make a
/// numeric question when all are numbers and an identifier otherwise. The inferred
/// questionnaire is [`Responses::questionnaire`]: print it, edit it, pass it back.
///
/// # Examples
///
/// ```
/// use survey_analytics::{CsvReader, Question, Questionnaire};
///
/// let data = "role,knows,weight\n1,y,1.5\n2,n,0.5\n2,y,1\n,n,1\n";
/// let questionnaire = Questionnaire::new(vec![
///     Question::single("role", [("1", "Leader"), ("2", "IC")]),
///     Question::single("knows", [("y", "Yes"), ("n", "No")]),
///     Question::numeric("weight"),
/// ])?;
/// let responses = CsvReader::new().questionnaire(&questionnaire).read(data.as_bytes(), "export.csv")?;
/// assert_eq!(responses.len(), 4);
/// assert_eq!(responses.labels("role")?, [Some("Leader"), Some("IC"), Some("IC"), None]);
///
/// // Inferred: distinct values, in numeric order when all are numbers.
/// let inferred = CsvReader::new().read(data.as_bytes(), "export.csv")?;
/// assert_eq!(inferred.categories("role")?.labels(), ["1", "2"]);
/// assert_eq!(inferred.categories("knows")?.labels(), ["n", "y"]);
///
/// // Errors name the file, the line and the column.
/// let bad = "role,knows,weight\n1,y,1\n3,n,1\n";
/// let err = CsvReader::new().questionnaire(&questionnaire).read(bad.as_bytes(), "export.csv").unwrap_err();
/// assert!(err.to_string().starts_with("export.csv:3, column 'role': '3' is not an answer"));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct CsvReader {
    questionnaire: Option<Questionnaire>,
    columns: Option<Vec<String>>,
    /// Prefixes whose numbered columns are loaded too, when only some columns are.
    numbered: Vec<String>,
    unlisted: Unlisted,
    delimiter: Option<u8>,
    threads: Option<usize>,
    /// Bytes of text per block (tests cut small blocks to reach their edges).
    block_size: Option<usize>,
}

impl CsvReader {
    /// A reader that infers the questionnaire, loads every column, refuses unlisted values and
    /// expects commas.
    ///
    /// # Examples
    ///
    /// ```
    /// let responses = survey_analytics::CsvReader::new().read("q\na\nb\n".as_bytes(), "data")?;
    /// assert_eq!(responses.len(), 2);
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
    /// use survey_analytics::{CsvReader, Question, Questionnaire};
    /// let q = Questionnaire::new(vec![Question::rating("sat", [("1", "Low"), ("2", "High")])])?;
    /// let responses = CsvReader::new().questionnaire(&q).read("sat\n2\n".as_bytes(), "data")?;
    /// assert_eq!(responses.labels("sat")?, [Some("High")]);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn questionnaire(mut self, questionnaire: &Questionnaire) -> Self {
        self.questionnaire = Some(questionnaire.clone());
        self
    }

    /// Loads only these questions (by id; columns, when inferring): the fastest read of a wide
    /// export for a few analyses.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::CsvReader;
    /// let responses = CsvReader::new().columns(["b"]).read("a,b\n1,x\n2,y\n".as_bytes(), "data")?;
    /// assert!(responses.codes("a").is_err() && responses.codes("b").is_ok());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn columns<S: Into<String>>(mut self, ids: impl IntoIterator<Item = S>) -> Self {
        self.columns = Some(ids.into_iter().map(Into::into).collect());
        self
    }

    /// With [`columns`](Self::columns), also loads every column named `prefix` followed by a
    /// number (replicate weights `repwt1` to `repwt80`, say), whatever their count.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::CsvReader;
    /// let text = "y,rw1,rw2,rwx\n1,2,3,4\n";
    /// let responses = CsvReader::new().columns(["y"]).numbered_columns("rw").read(text.as_bytes(), "data")?;
    /// assert!(responses.numbers("rw2").is_ok() && responses.numbers("rwx").is_err());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn numbered_columns(mut self, prefix: &str) -> Self {
        self.numbered.push(prefix.to_string());
        self
    }

    /// Chooses what happens to values the questionnaire does not list (refused by default).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{CsvReader, Question, Questionnaire, Unlisted};
    /// let q = Questionnaire::new(vec![Question::single("q", [("1", "Yes")])])?;
    /// let responses = CsvReader::new().questionnaire(&q).unlisted(Unlisted::Other).read("q\n1\n7\n".as_bytes(), "data")?;
    /// assert_eq!(responses.labels("q")?, [Some("Yes"), Some("Other")]);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn unlisted(mut self, unlisted: Unlisted) -> Self {
        self.unlisted = unlisted;
        self
    }

    /// Sets the field delimiter (a comma by default).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::CsvReader;
    /// let responses = CsvReader::new().delimiter(b';').read("a;b\n1;2\n".as_bytes(), "data")?;
    /// assert_eq!(responses.categories("b")?.labels(), ["2"]);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn delimiter(mut self, delimiter: u8) -> Self {
        self.delimiter = Some(delimiter);
        self
    }

    /// Reads a CSV file.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{CsvReader, Error};
    /// let err = CsvReader::new().read_path("no/such/file.csv").unwrap_err();
    /// assert!(matches!(err, Error::Read { .. }));
    /// ```
    ///
    /// # Errors
    ///
    /// As [`CsvReader::read`], and [`Error::Read`] when the file cannot be opened.
    pub fn read_path(&self, path: impl AsRef<Path>) -> Result<Responses> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|e| Error::Read {
            source_name: name.clone(),
            message: e.to_string(),
        })?;
        let size = file.metadata().ok().map(|m| m.len());
        self.read_sized(file, &name, size)
    }

    /// Reads with this many threads (by default, as many as the machine has). Records are
    /// coded in blocks of a few megabytes, in parallel, and put back in file order, so the
    /// responses, their codes and any error are those of a reading in one thread.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::CsvReader;
    /// let data = "q\n".to_string() + &"a\nb\n".repeat(1000);
    /// let one = CsvReader::new().threads(1).read(data.as_bytes(), "data")?;
    /// let two = CsvReader::new().threads(2).read(data.as_bytes(), "data")?;
    /// assert_eq!(one, two);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = Some(threads.max(1));
        self
    }

    /// Reads CSV from any reader; `source_name` names it in errors.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{CsvReader, Error};
    /// let err = CsvReader::new().read("a,b\n1,2\n3\n".as_bytes(), "data").unwrap_err();
    /// assert!(matches!(err, Error::RaggedRow { line: 3, expected: 2, found: 1, .. }));
    /// ```
    ///
    /// # Errors
    ///
    /// Those listed on [`CsvReader`], each naming the source, line and column.
    pub fn read(&self, input: impl Read, source_name: &str) -> Result<Responses> {
        self.read_sized(input, source_name, None)
    }

    /// Reads CSV whose total size in bytes may be known (to reserve the columns once).
    fn read_sized(
        &self,
        input: impl Read,
        source_name: &str,
        size_hint: Option<u64>,
    ) -> Result<Responses> {
        let delimiter = self.delimiter.unwrap_or(b',');
        if matches!(delimiter, b'"' | b'\n' | b'\r') {
            return Err(Error::InvalidParameter {
                name: "delimiter",
                value: f64::from(delimiter),
                requirement: "a delimiter is one byte other than a quote, \\r or \\n",
            });
        }
        let mut blocks = Blocks::new(input, source_name, self.block_size, delimiter);
        let (header, header_lines) = self.header(&mut blocks)?;
        let mut columns = self.columns.clone();
        if let Some(ids) = columns.as_mut() {
            let numbered: Vec<String> = header
                .iter()
                .filter(|name| {
                    !ids.contains(name)
                        && self
                            .numbered
                            .iter()
                            .any(|prefix| crate::frame::numbered(name, prefix).is_some())
                })
                .cloned()
                .collect();
            ids.extend(numbered);
        }
        let selection = match &columns {
            Some(ids) => Selection::Only(ids),
            None => Selection::All,
        };
        let template = Sink::new(
            self.questionnaire.as_ref(),
            &header,
            selection,
            self.unlisted,
            source_name.to_string(),
            Lines::file(),
        )?;
        let threads = self
            .threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
        let job = Job {
            template: &template,
            header_len: header.len(),
            delimiter: self.delimiter.unwrap_or(b','),
            source_name,
        };
        let mut assembly = Assembly {
            sink: template.clone(),
            lines_before: header_lines,
            size_hint,
            bytes_seen: 0,
        };
        if threads <= 1 {
            while let Some(block) = blocks.next_block()? {
                let len = block.len();
                assembly.push(job.parse(&block), len)?;
            }
            return assembly.sink.finish();
        }
        job.parallel(&mut blocks, threads, &mut assembly)?;
        assembly.sink.finish()
    }

    /// Reads the header record: the column names (trimmed) and the lines it spans.
    fn header<R: Read>(&self, blocks: &mut Blocks<R>) -> Result<(Vec<String>, u64)> {
        let bytes = blocks.header()?;
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(self.delimiter.unwrap_or(b','))
            .has_headers(false)
            .flexible(true)
            .from_reader(&bytes[..]);
        let mut record = csv::ByteRecord::new();
        let found = reader
            .read_byte_record(&mut record)
            .map_err(|e| blocks.read_error(e))?;
        if !found {
            return Err(Error::Read {
                source_name: blocks.source_name.clone(),
                message: "the file is empty: a header row naming the columns is needed".to_string(),
            });
        }
        let header = record
            .iter()
            .map(|h| String::from_utf8_lossy(h).trim().to_string())
            .collect();
        Ok((header, count_lines(&bytes).max(1)))
    }
}

/// How many records a block holds at most, in bytes of text.
const BLOCK_SIZE: usize = 4 << 20;

/// One block of whole records.
struct Block {
    bytes: Vec<u8>,
}

impl Block {
    fn len(&self) -> usize {
        self.bytes.len()
    }
}

/// A block's records coded, and the file lines it spans.
struct Part {
    sink: Sink,
    lines: u64,
}

/// The responses put together from the parts in file order.
struct Assembly {
    sink: Sink,
    /// File lines before the next part: the header's, then each part's.
    lines_before: u64,
    /// The source's size in bytes, when known, to reserve the columns after the first part.
    size_hint: Option<u64>,
    bytes_seen: u64,
}

impl Assembly {
    /// Appends the next part in file order (`bytes` of text), or returns its error moved to its
    /// place in the file.
    fn push(&mut self, part: Result<Part>, bytes: usize) -> Result<()> {
        let part = part.map_err(|e| relocate(e, self.lines_before - 1, self.sink.records()))?;
        let first = self.bytes_seen == 0;
        self.bytes_seen += bytes as u64;
        self.sink.append(part.sink, self.lines_before - 1);
        self.lines_before += part.lines;
        if first
            && let Some(size) = self.size_hint
            && bytes > 0
        {
            // Records per byte of the first part, times the rest of the file, plus a margin; after
            // the first part, whose columns decided how inferred ones are held.
            let rest = size.saturating_sub(bytes as u64) as f64;
            let estimate = self.sink.records() as f64 / bytes as f64 * rest * 1.02;
            self.sink
                .reserve(estimate.min(f64::from(u32::MAX)) as usize);
        }
        Ok(())
    }
}

/// Cuts a CSV stream into blocks of whole records: each ends after a newline outside quotes.
struct Blocks<R> {
    input: R,
    delimiter: u8,
    source_name: String,
    size: usize,
    /// Bytes read past the last block's end.
    carry: Vec<u8>,
    done: bool,
}

impl<R: Read> Blocks<R> {
    fn new(input: R, source_name: &str, size: Option<usize>, delimiter: u8) -> Self {
        Self {
            input,
            delimiter,
            source_name: source_name.to_string(),
            size: size.unwrap_or(BLOCK_SIZE).max(1),
            carry: Vec::new(),
            done: false,
        }
    }

    fn read_error(&self, e: csv::Error) -> Error {
        Error::Read {
            source_name: self.source_name.clone(),
            message: e.to_string(),
        }
    }

    /// Reads until `carry` holds at least `want` bytes or the input ends.
    fn fill(&mut self, want: usize) -> Result<()> {
        while !self.done && self.carry.len() < want {
            let start = self.carry.len();
            self.carry.resize(want.max(start + 64 * 1024), 0);
            let read = loop {
                match self.input.read(&mut self.carry[start..]) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => {
                        return Err(Error::Read {
                            source_name: self.source_name.clone(),
                            message: e.to_string(),
                        });
                    }
                }
            };
            self.carry.truncate(start + read);
            self.done = read == 0;
        }
        Ok(())
    }

    /// The header record's bytes (a UTF-8 byte-order mark dropped).
    fn header(&mut self) -> Result<Vec<u8>> {
        let mut want = 64 * 1024;
        loop {
            self.fill(want)?;
            if self.carry.starts_with(b"\xEF\xBB\xBF") {
                self.carry.drain(..3);
            }
            // The header record ends where the CSV reader's first record ends (at a `\n`, a
            // `\r\n` or a lone `\r`), once the text read goes past it.
            let mut reader = csv::ReaderBuilder::new()
                .delimiter(self.delimiter)
                .has_headers(false)
                .flexible(true)
                .from_reader(&self.carry[..]);
            let mut record = csv::ByteRecord::new();
            let read = reader.read_byte_record(&mut record).unwrap_or(false);
            let mut end = usize::try_from(reader.position().byte()).unwrap_or(usize::MAX);
            if read && end < self.carry.len() {
                // The reader stops between the `\r` and the `\n` of a `\r\n`.
                if end > 0 && self.carry[end - 1] == b'\r' && self.carry[end] == b'\n' {
                    end += 1;
                }
                return Ok(self.carry.drain(..end).collect());
            }
            if self.done {
                return Ok(std::mem::take(&mut self.carry));
            }
            want = want.saturating_mul(2);
        }
    }

    /// The next block of whole records.
    fn next_block(&mut self) -> Result<Option<Block>> {
        let mut want = self.size;
        loop {
            self.fill(want)?;
            if self.carry.is_empty() {
                return Ok(None);
            }
            let end = if self.done {
                Some(self.carry.len())
            } else {
                record_end(&self.carry, false, self.delimiter)
            };
            if let Some(end) = end {
                let rest = self.carry.split_off(end);
                let bytes = std::mem::replace(&mut self.carry, rest);
                return Ok(Some(Block { bytes }));
            }
            // One record longer than a block: read on.
            want = want.saturating_mul(2);
        }
    }
}

/// Newlines in `bytes` (the lines a block spans, a final line without one counted too).
fn count_lines(bytes: &[u8]) -> u64 {
    let newlines = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
    newlines + u64::from(!bytes.is_empty() && !bytes.ends_with(b"\n"))
}

/// The end (just past its newline) of the first (`first`) or last complete record in `bytes`:
/// a newline outside quoted fields. Without a quote in `bytes`, any newline ends a record;
/// otherwise the quoting is followed as the CSV reader follows it (a quote opens a quoted field
/// only at the start of a field; a doubled quote inside one stands for a quote; a quote inside
/// an unquoted field is an ordinary character).
fn record_end(bytes: &[u8], first: bool, delimiter: u8) -> Option<usize> {
    if !bytes.contains(&b'"') {
        let found = if first {
            bytes.iter().position(|&b| b == b'\n')
        } else {
            bytes.iter().rposition(|&b| b == b'\n')
        };
        return found.map(|i| i + 1);
    }
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let mut state = State::FieldStart;
    let mut last = None;
    for (i, &b) in bytes.iter().enumerate() {
        state = match (state, b) {
            (State::Quoted, b'"') => State::QuoteInQuoted,
            (State::Quoted, _) => State::Quoted,
            (State::QuoteInQuoted, b'"') => State::Quoted,
            (State::FieldStart, b'"') => State::Quoted,
            (_, b'\n') => {
                if first {
                    return Some(i + 1);
                }
                last = Some(i + 1);
                State::FieldStart
            }
            (_, b) if b == delimiter => State::FieldStart,
            _ => State::Unquoted,
        };
    }
    last
}

/// The line of `record` in `bytes`, as if they followed a one-line header: the CSV reader
/// gives the line where its reading began, before the empty lines it skips; the record stands
/// after them.
fn record_line(record: &csv::ByteRecord, bytes: &[u8]) -> u64 {
    let Some(position) = record.position() else {
        return 2;
    };
    let start = usize::try_from(position.byte()).unwrap_or(usize::MAX);
    let skipped = bytes
        .get(start..)
        .unwrap_or_default()
        .iter()
        .take_while(|&&b| b == b'\n' || b == b'\r')
        .filter(|&&b| b == b'\n')
        .count() as u64;
    position.line() + 1 + skipped
}

/// The positions of the bytes that end fields and records (the delimiter, `\n` and `\r`) and
/// of quotes, in order, found eight bytes at a time.
struct Specials<'a> {
    bytes: &'a [u8],
    /// Where the word in `mask` starts.
    base: usize,
    /// The high bit of each special byte of the current word not yet given.
    mask: u64,
    delimiter: u64,
}

impl<'a> Specials<'a> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;

    fn new(bytes: &'a [u8], delimiter: u8) -> Self {
        let mut specials = Self {
            bytes,
            base: 0,
            mask: 0,
            delimiter: Self::ONES * u64::from(delimiter),
        };
        specials.mask = specials.word_mask(0);
        specials
    }

    /// The high bit of each byte of `x` that is zero (exactly: no borrow crosses bytes).
    fn zeros(x: u64) -> u64 {
        !(((x & Self::LOW) + Self::LOW) | x | Self::LOW)
    }

    /// The special bytes of the word at `base`, past the end read as ordinary bytes.
    fn word_mask(&self, base: usize) -> u64 {
        let word = match self.bytes.get(base..base + 8) {
            Some(eight) => u64::from_le_bytes(eight.try_into().unwrap_or([0; 8])),
            None => {
                // Padding that is no special byte.
                let mut padded = [u8::from(self.delimiter & 0xff == 0); 8];
                let tail = self.bytes.get(base..).unwrap_or_default();
                padded[..tail.len()].copy_from_slice(tail);
                u64::from_le_bytes(padded)
            }
        };
        Self::zeros(word ^ self.delimiter)
            | Self::zeros(word ^ (Self::ONES * u64::from(b'\n')))
            | Self::zeros(word ^ (Self::ONES * u64::from(b'\r')))
            | Self::zeros(word ^ (Self::ONES * u64::from(b'"')))
    }

    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            self.base += 8;
            if self.base >= self.bytes.len() {
                return None;
            }
            self.mask = self.word_mask(self.base);
        }
        let at = self.base + (self.mask.trailing_zeros() / 8) as usize;
        self.mask &= self.mask - 1;
        (at < self.bytes.len()).then_some(at)
    }
}

/// What every block's parse needs.
struct Job<'a> {
    template: &'a Sink,
    header_len: usize,
    delimiter: u8,
    source_name: &'a str,
}

impl Job<'_> {
    /// Codes one block's records into a fresh sink, its lines counted as if the block followed a
    /// one-line header (its first record on line 2); errors are located that way too.
    fn parse(&self, block: &Block) -> Result<Part> {
        let mut sink = self.template.clone();
        if let Some(lines) = self.parse_plain(&block.bytes, &mut sink)? {
            return Ok(Part { sink, lines });
        }
        // A quote: the CSV reader reads the block, from the start.
        let mut sink = self.template.clone();
        // The CSV reader drops a byte-order mark that starts its input, which after the header is
        // data: an empty line put before it keeps it (and is counted off the lines below).
        let marked = block.bytes.starts_with(b"\xEF\xBB\xBF");
        let shifted;
        let bytes = if marked {
            shifted = [&b"\n"[..], &block.bytes].concat();
            &shifted[..]
        } else {
            &block.bytes[..]
        };
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(self.delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let mut record = csv::ByteRecord::new();
        loop {
            match reader.read_byte_record(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    return Err(Error::Read {
                        source_name: self.source_name.to_string(),
                        message: e.to_string(),
                    });
                }
            }
            let line = record_line(&record, bytes) - u64::from(marked);
            if record.len() != self.header_len {
                return Err(Error::RaggedRow {
                    source_name: self.source_name.to_string(),
                    line,
                    expected: self.header_len,
                    found: record.len(),
                });
            }
            sink.record(Some(line), |c| record.get(c))?;
        }
        Ok(Part {
            sink,
            lines: count_lines(&block.bytes),
        })
    }

    /// Codes a block without quotes: records end at `\n`, `\r` or `\r\n` and fields at the
    /// delimiter, as the CSV reader reads them (empty lines skipped), without its quoting machine.
    /// Gives the lines the block spans, or `None` at the first quote (the records before it are
    /// read as the CSV reader reads them, so an error among them is the same).
    fn parse_plain(&self, bytes: &[u8], sink: &mut Sink) -> Result<Option<u64>> {
        let mut fields: Vec<(usize, usize)> = Vec::with_capacity(self.header_len + 1);
        // Lines as if the block followed a one-line header.
        let mut line = 2_u64;
        // Where the record and the field being read start.
        let (mut record, mut field) = (0, 0);
        let mut specials = Specials::new(bytes, self.delimiter);
        loop {
            let next = specials.next();
            let end = match next {
                Some(at) if bytes[at] == self.delimiter => {
                    fields.push((field, at));
                    field = at + 1;
                    continue;
                }
                Some(at) if bytes[at] == b'"' => return Ok(None),
                Some(at) => at,
                None => bytes.len(),
            };
            let record_line = line;
            let mut after = end + 1;
            match bytes.get(end) {
                Some(b'\n') => line += 1,
                Some(b'\r') if bytes.get(end + 1) == Some(&b'\n') => {
                    // The `\n` of the `\r\n` is the next special byte.
                    specials.next();
                    after += 1;
                    line += 1;
                }
                _ => {}
            }
            // An empty line holds no record.
            if end > record {
                fields.push((field, end));
                if fields.len() != self.header_len {
                    return Err(Error::RaggedRow {
                        source_name: self.source_name.to_string(),
                        line: record_line,
                        expected: self.header_len,
                        found: fields.len(),
                    });
                }
                sink.record(Some(record_line), |c| {
                    fields.get(c).and_then(|&(a, b)| bytes.get(a..b))
                })?;
            }
            fields.clear();
            (record, field) = (after, after);
            if next.is_none() {
                // Lines counted at each `\n`, and a last one without it.
                let last = u64::from(!bytes.is_empty() && !bytes.ends_with(b"\n"));
                return Ok(Some(line - 2 + last));
            }
        }
    }

    /// Codes the blocks on `threads` threads, appending each part to `assembly` in file order as
    /// soon as the parts before it are in; stops at the first error in file order.
    fn parallel<R: Read>(
        &self,
        blocks: &mut Blocks<R>,
        threads: usize,
        assembly: &mut Assembly,
    ) -> Result<()> {
        use std::collections::BTreeMap;
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::mpsc;
        use std::sync::{Arc, Mutex};

        let (work, queue) = mpsc::sync_channel::<(usize, Block)>(threads);
        let queue = Arc::new(Mutex::new(queue));
        let (done, results) = mpsc::channel::<(usize, Result<Part>, usize)>();
        let failed = AtomicBool::new(false);
        std::thread::scope(|scope| {
            for _ in 0..threads {
                let queue = Arc::clone(&queue);
                let done = done.clone();
                let failed = &failed;
                scope.spawn(move || {
                    loop {
                        let next = queue.lock().ok().and_then(|q| q.recv().ok());
                        let Some((index, block)) = next else { break };
                        let part = self.parse(&block);
                        if part.is_err() {
                            failed.store(true, Ordering::Relaxed);
                        }
                        if done.send((index, part, block.len())).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(done);
            let mut pending = BTreeMap::new();
            let (mut next, mut sent) = (0, 0);
            let (mut outcome, mut read_error) = (Ok(()), None);
            // Appends the parts that are next in order; the first error ends the assembly.
            let mut assemble = |pending: &mut BTreeMap<usize, (Result<Part>, usize)>,
                                outcome: &mut Result<()>| {
                while let Some((part, bytes)) = pending.remove(&next) {
                    if outcome.is_ok() {
                        *outcome = assembly.push(part, bytes);
                    }
                    next += 1;
                }
            };
            loop {
                if failed.load(Ordering::Relaxed) || outcome.is_err() {
                    break;
                }
                match blocks.next_block() {
                    Ok(Some(block)) => {
                        if work.send((sent, block)).is_err() {
                            break;
                        }
                        sent += 1;
                    }
                    Ok(None) => break,
                    Err(e) => {
                        read_error = Some(e);
                        break;
                    }
                }
                while let Ok((index, part, bytes)) = results.try_recv() {
                    pending.insert(index, (part, bytes));
                }
                assemble(&mut pending, &mut outcome);
            }
            drop(work);
            for (index, part, bytes) in results {
                pending.insert(index, (part, bytes));
                assemble(&mut pending, &mut outcome);
            }
            // A failed part was read before the read error (parts after it were never read).
            match (outcome, read_error) {
                (Err(e), _) => Err(e),
                (Ok(()), Some(e)) => Err(e),
                (Ok(()), None) => Ok(()),
            }
        })
    }
}

/// An error located within a block, moved by `lines` lines and `records` records to its place
/// in the file.
fn relocate(error: Error, lines: u64, records: u64) -> Error {
    let moved = |mut at: crate::error::DataLocation| {
        at.line = at.line.map(|l| l + lines);
        at.record += records;
        at
    };
    match error {
        Error::RaggedRow {
            source_name,
            line,
            expected,
            found,
        } => Error::RaggedRow {
            source_name,
            line: line + lines,
            expected,
            found,
        },
        Error::UnlistedValue {
            at,
            value,
            expected,
        } => Error::UnlistedValue {
            at: moved(at),
            value,
            expected,
        },
        Error::InvalidField { at, value, reason } => Error::InvalidField {
            at: moved(at),
            value,
            reason,
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::questionnaire::Question;

    fn reader(block: usize, threads: usize) -> CsvReader {
        CsvReader {
            block_size: Some(block),
            ..CsvReader::new().threads(threads)
        }
    }

    /// Quoted fields with commas, doubled quotes and newlines, CRLF endings, a final line without
    /// a newline: every block size and thread count reads the same responses.
    #[test]
    fn blocks_cut_only_between_records() {
        let data =
            "id,q,note\r\n1,a,\"x, \"\"y\"\"\"\r\n2,b,\"two\nlines\"\n3,a,plain\n4,,\"\"\n5,b,end";
        let expected = reader(1 << 20, 1).read(data.as_bytes(), "d").unwrap();
        assert_eq!(expected.len(), 5);
        assert_eq!(
            expected.codes("q").unwrap(),
            [Some(0), Some(1), Some(0), None, Some(1)]
        );
        for block in 1..data.len() + 2 {
            for threads in [1, 2, 3] {
                let got = reader(block, threads).read(data.as_bytes(), "d").unwrap();
                assert_eq!(got, expected, "block {block}, {threads} threads");
            }
        }
    }

    /// Without quotes, the plain splitter reads what the CSV reader reads: terminators `\n`,
    /// `\r\n` and `\r`, empty lines, empty fields, trailing delimiters, a last line without a
    /// terminator; the same records on the same lines, and the same ragged rows.
    #[test]
    fn the_plain_splitter_reads_as_the_csv_reader_does() {
        let pieces = [
            "a", "b", "", " x ", ",", "\n", "\r\n", "\r", "\n\n", "7", "é",
        ];
        let mut state = 12345_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for case in 0..3000 {
            let mut text = String::from("h1,h2\n");
            for _ in 0..(next() % 12) {
                text.push_str(pieces[(next() % pieces.len() as u64) as usize]);
            }
            let template = Sink::new(
                None,
                &["h1".into(), "h2".into()],
                Selection::All,
                Unlisted::Refuse,
                "d".into(),
                Lines::file(),
            )
            .unwrap();
            let job = Job {
                template: &template,
                header_len: 2,
                delimiter: b',',
                source_name: "d",
            };
            let body = text.as_bytes()[6..].to_vec();
            let plain = job.parse(&Block {
                bytes: body.clone(),
            });
            // The CSV reader's reading of the same block.
            let quoted = {
                let with_quote = body.clone();
                let mut sink = template.clone();
                let mut reader = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .flexible(true)
                    .from_reader(&with_quote[..]);
                let mut record = csv::ByteRecord::new();
                let mut outcome = Ok(());
                while reader.read_byte_record(&mut record).unwrap() {
                    let line = record_line(&record, &with_quote);
                    if record.len() != 2 {
                        outcome = Err(Error::RaggedRow {
                            source_name: "d".into(),
                            line,
                            expected: 2,
                            found: record.len(),
                        });
                        break;
                    }
                    if let Err(e) = sink.record(Some(line), |c| record.get(c)) {
                        outcome = Err(e);
                        break;
                    }
                }
                outcome.map(|()| sink)
            };
            match (plain, quoted) {
                (Ok(p), Ok(q)) => {
                    assert_eq!(
                        p.sink.finish().unwrap(),
                        q.finish().unwrap(),
                        "case {case}: {text:?}"
                    )
                }
                (Err(p), Err(q)) => assert_eq!(p, q, "case {case}: {text:?}"),
                (p, q) => panic!("case {case}: {text:?}: {:?} vs {:?}", p.err(), q.err()),
            }
        }
    }

    /// Errors name the same line and record whatever the blocks: the first in file order.
    #[test]
    fn errors_are_located_in_the_file_whatever_the_blocks() {
        let questionnaire =
            Questionnaire::new(vec![Question::single("q", [("a", "A"), ("b", "B")])]).unwrap();
        let data = "q,note\na,\"multi\nline\"\nb,x\nc,y\nd,z\n";
        for block in 1..data.len() + 2 {
            for threads in [1, 2] {
                let err = reader(block, threads)
                    .questionnaire(&questionnaire)
                    .read(data.as_bytes(), "d")
                    .unwrap_err();
                match err {
                    Error::UnlistedValue { at, value, .. } => {
                        assert_eq!((at.line, at.record, value.as_str()), (Some(5), 2, "c"));
                    }
                    other => panic!("{other}"),
                }
            }
        }
        for block in 1..40 {
            let err = reader(block, 2)
                .read("a,b\n1,2\n\"x\ny\",2\n3\n".as_bytes(), "d")
                .unwrap_err();
            assert!(matches!(err, Error::RaggedRow { line: 5, .. }), "{err}");
        }
    }
}

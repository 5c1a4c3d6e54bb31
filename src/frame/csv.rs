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
/// length ([`Error::RaggedRow`]), a file that cannot be read ([`Error::Read`]).
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
        self.read(file, &name)
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
        let mut blocks = Blocks::new(input, source_name, self.block_size);
        let (header, header_lines) = self.header(&mut blocks)?;
        let selection = match &self.columns {
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
        let mut sink = template.clone();
        // Lines before the next block: the header's, then each block's.
        let mut lines_before = header_lines;
        if threads <= 1 {
            while let Some(block) = blocks.next_block()? {
                let part = job
                    .parse(&block.bytes, lines_before + 1)
                    .map_err(|e| relocate(e, 0, sink.records()))?;
                sink.append(part, lines_before - 1);
                lines_before += block.lines;
            }
            return sink.finish();
        }
        for (part, lines) in job.parallel(&mut blocks, threads, header_lines)? {
            match part {
                Ok(part) => {
                    sink.append(part, lines_before - 1);
                    lines_before += lines;
                }
                Err(e) => return Err(relocate(e, 0, sink.records())),
            }
        }
        sink.finish()
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

/// One block of whole records, and the lines it spans.
struct Block {
    bytes: Vec<u8>,
    lines: u64,
}

/// Cuts a CSV stream into blocks of whole records: each ends after a newline outside quotes.
struct Blocks<R> {
    input: R,
    source_name: String,
    size: usize,
    /// Bytes read past the last block's end.
    carry: Vec<u8>,
    done: bool,
}

impl<R: Read> Blocks<R> {
    fn new(input: R, source_name: &str, size: Option<usize>) -> Self {
        Self {
            input,
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
            if let Some(end) = record_end(&self.carry, true) {
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
                record_end(&self.carry, false)
            };
            if let Some(end) = end {
                let rest = self.carry.split_off(end);
                let bytes = std::mem::replace(&mut self.carry, rest);
                let lines = count_lines(&bytes);
                return Ok(Some(Block { bytes, lines }));
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
/// a newline outside quotes. Without quotes in `bytes`, any newline ends a record.
fn record_end(bytes: &[u8], first: bool) -> Option<usize> {
    let quotes = bytes.iter().filter(|&&b| b == b'"').count();
    if quotes == 0 {
        let found = if first {
            bytes.iter().position(|&b| b == b'\n')
        } else {
            bytes.iter().rposition(|&b| b == b'\n')
        };
        return found.map(|i| i + 1);
    }
    // A doubled quote inside a quoted field flips the state twice, so the parity of the quotes
    // before a newline says whether it is inside a field.
    let mut inside = false;
    let mut last = None;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'"' => inside = !inside,
            b'\n' if !inside => {
                if first {
                    return Some(i + 1);
                }
                last = Some(i + 1);
            }
            _ => {}
        }
    }
    last
}

/// What every block's parse needs.
struct Job<'a> {
    template: &'a Sink,
    header_len: usize,
    delimiter: u8,
    source_name: &'a str,
}

impl Job<'_> {
    /// Codes one block's records into a fresh sink; `first_line` is the file line its first
    /// record starts on.
    fn parse(&self, bytes: &[u8], first_line: u64) -> Result<Sink> {
        let mut sink = self.template.clone();
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
                    let line = e.position().map_or(0, |p| p.line() + first_line - 1);
                    return Err(Error::Read {
                        source_name: format!("{}:{line}", self.source_name),
                        message: e.to_string(),
                    });
                }
            }
            // Lines as if the block followed a one-line header: its first record on line 2.
            let local = record.position().map_or(1, csv::Position::line) + 1;
            if record.len() != self.header_len {
                return Err(Error::RaggedRow {
                    source_name: self.source_name.to_string(),
                    line: local + first_line - 2,
                    expected: self.header_len,
                    found: record.len(),
                });
            }
            sink.record(Some(local), |c| record.get(c))
                .map_err(|e| relocate(e, first_line - 2, 0))?;
        }
        Ok(sink)
    }

    /// Codes the blocks on `threads` threads and returns their sinks in file order, with the
    /// lines each spans, up to the first that failed (its error locates records within it).
    fn parallel<R: Read>(
        &self,
        blocks: &mut Blocks<R>,
        threads: usize,
        header_lines: u64,
    ) -> Result<Vec<(Result<Sink>, u64)>> {
        use std::collections::BTreeMap;
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::mpsc;
        use std::sync::{Arc, Mutex};

        let (work, queue) = mpsc::sync_channel::<(usize, Block, u64)>(threads);
        let queue = Arc::new(Mutex::new(queue));
        let (done, results) = mpsc::channel::<(usize, Result<Sink>, u64)>();
        let failed = AtomicBool::new(false);
        std::thread::scope(|scope| {
            for _ in 0..threads {
                let queue = Arc::clone(&queue);
                let done = done.clone();
                let failed = &failed;
                scope.spawn(move || {
                    loop {
                        let next = queue.lock().ok().and_then(|q| q.recv().ok());
                        let Some((index, block, first_line)) = next else {
                            break;
                        };
                        let parsed = self.parse(&block.bytes, first_line);
                        if parsed.is_err() {
                            failed.store(true, Ordering::Relaxed);
                        }
                        if done.send((index, parsed, block.lines)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(done);
            // Feed the blocks; stop early once one fails (later ones cannot matter).
            let mut line = header_lines + 1;
            let mut sent = 0;
            let mut read_error = None;
            loop {
                match blocks.next_block() {
                    Ok(Some(block)) => {
                        let lines = block.lines;
                        if work.send((sent, block, line)).is_err() {
                            break;
                        }
                        sent += 1;
                        line += lines;
                    }
                    Ok(None) => break,
                    Err(e) => {
                        read_error = Some(e);
                        break;
                    }
                }
                if failed.load(Ordering::Relaxed) {
                    break;
                }
            }
            drop(work);
            let mut ordered = BTreeMap::new();
            for (index, parsed, lines) in results {
                ordered.insert(index, (parsed, lines));
            }
            // Up to the first failure: the blocks after it were not all read.
            let mut parts = Vec::with_capacity(ordered.len());
            for (_, (parsed, lines)) in ordered {
                let stop = parsed.is_err();
                parts.push((parsed, lines));
                if stop {
                    return Ok(parts);
                }
            }
            match read_error {
                Some(e) => Err(e),
                None => Ok(parts),
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

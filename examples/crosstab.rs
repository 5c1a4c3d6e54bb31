//! Crosstab of any survey export: a question (or a multi-select block) by one or more groupings,
//! with bases, shares, intervals, letters and an omnibus test (flags: `USAGE`). A thin client:
//! `CsvReader` reads the columns used, coded by `--questionnaire` or inferred (`--infer` prints
//! it); `Responses::crosstab` and `Responses::design` do the rest: means (rating and `--numeric`
//! questions, `--means`), Net Promoter Scores (`--nps`), paired 0/1 items (`--paired`), a Total,
//! banners (`--by`), design-based estimation as R's `survey`. Bad input: a one-line error.

use std::collections::HashMap;
use std::fmt::Display;
use std::io::Write;
use std::process::ExitCode;
use std::str::FromStr;

use survey_analytics::{
    ColumnTotals, CrosstabBuilder, CrosstabOptions, CrosstabSettings, CsvReader, DesignBuilder,
    Error, Question, Questionnaire, Render,
};

const USAGE: &str = "usage: crosstab FILE.csv --by COLUMN... (--question COLUMN | --multi COL1,COL2,...) \
[--questionnaire FILE.json] [--infer] [--total] [--means] [--nps] [--numeric] [--paired A,B]... [--weight COLUMN] [--net NAME=VALUE,VALUE]... \
[--level 0.95] [--method wilson] [--adjust holm] [--alpha 0.05] [--min-base 30] \
[--format text|markdown|json] [--strata COLUMN] [--cluster COLUMN] [--fpc COLUMN] [--design-interval logit] \
[--design-effect with-replacement] [--rake COLUMN=LEVEL:TOTAL,...]... [--poststratify COLUMN=LEVEL:TOTAL,...] \
[--replicate-weights PREFIX] [--replicate-type jk1|jkn|brr|fay:RHO|bootstrap:R:SEED|sdr|other] [--weighting-report]";

/// Flags: taking a value, switches, naming columns to read, making the table design-based.
const VALUED: &str = "--by --question --multi --questionnaire --weight --net --paired --level --method \
--adjust --alpha --min-base --format --strata --cluster --fpc --design-interval --design-effect --rake \
--poststratify --replicate-weights --replicate-type";
const SWITCHES: &str = "--infer --total --means --nps --numeric --weighting-report";
const COLUMNS: &str = "--by --weight --strata --cluster --fpc --paired";
const DESIGN: &str = "--strata --cluster --fpc --design-interval --design-effect --rake \
--poststratify --replicate-weights --replicate-type";

/// The command line: the file, and each flag's values in order (switches hold an empty one).
struct Args {
    file: String,
    flags: HashMap<String, Vec<String>>,
}

impl Args {
    fn all(&self, flag: &str) -> &[String] {
        self.flags.get(flag).map_or(&[], Vec::as_slice)
    }
    fn one(&self, flag: &str) -> Option<&str> {
        self.all(flag).last().map(String::as_str)
    }
    fn has(&self, flag: &str) -> bool {
        self.flags.contains_key(flag)
    }
    /// `--question`, or the `--multi` columns as one multi-select question.
    fn question(&self) -> String {
        let question = self.one("--question").or(self.one("--multi"));
        question.unwrap_or_default().to_string()
    }
    /// Population totals by level: `COLUMN=LEVEL:TOTAL,LEVEL:TOTAL`, for each use of `flag`.
    fn totals(&self, flag: &str) -> Result<Vec<ColumnTotals>, String> {
        let parse = |spec: &String| spec.parse().map_err(|e: Error| format!("{flag}: {e}"));
        self.all(flag).iter().map(parse).collect()
    }
    /// A flag's value, parsed.
    fn parsed<T: FromStr<Err: Display>>(&self, flag: &str) -> Result<Option<T>, String> {
        let parse = |v: &str| v.parse().map_err(|e| format!("{flag}: {e}"));
        self.one(flag).map(parse).transpose()
    }
    /// The crosstab options the flags set.
    fn options(&self) -> Result<CrosstabOptions, String> {
        let mut s = CrosstabSettings::default();
        s.intervals.level = self.parsed("--level")?.unwrap_or(s.intervals.level);
        s.intervals.method = self.parsed("--method")?.unwrap_or(s.intervals.method);
        s.tests.adjustment = self.parsed("--adjust")?.unwrap_or(s.tests.adjustment);
        s.tests.alpha = self.parsed("--alpha")?.unwrap_or(s.tests.alpha);
        s.min_base = self.parsed("--min-base")?.unwrap_or(s.min_base);
        let d = &mut s.design;
        d.interval = self.parsed("--design-interval")?.unwrap_or(d.interval);
        d.design_effect = self.parsed("--design-effect")?.unwrap_or(d.design_effect);
        Ok(CrosstabOptions::default().with_settings(s))
    }
}

fn parse_args(mut raw: impl Iterator<Item = String>) -> Result<Args, String> {
    let (mut file, mut flags) = (None, HashMap::<String, Vec<String>>::new());
    while let Some(arg) = raw.next() {
        let value = if VALUED.split_whitespace().any(|f| f == arg) {
            raw.next().ok_or_else(|| format!("{arg} needs a value"))?
        } else if SWITCHES.split_whitespace().any(|f| f == arg) {
            String::new()
        } else if arg.starts_with("--") {
            return Err(format!("unknown option {arg}"));
        } else if file.replace(arg.clone()).is_some() {
            return Err(format!("unexpected argument '{arg}'"));
        } else {
            continue;
        };
        flags.entry(arg).or_default().push(value);
    }
    let a = Args {
        file: file.ok_or("no input file")?,
        flags,
    };
    let (q, m, net) = (a.has("--question"), a.has("--multi"), a.has("--net"));
    let format = matches!(a.one("--format"), None | Some("text" | "markdown" | "json"));
    let checks = [
        (a.has("--by"), "--by is required"),
        (q || m, "give --question COLUMN or --multi COL1,COL2,..."),
        (!(q && m), "give --question or --multi, not both"),
        (!(m && net), "--net applies to --question, not to --multi"),
        (format, "--format takes text, markdown or json"),
    ];
    match checks.iter().find(|(fine, _)| !fine && !a.has("--infer")) {
        Some((_, problem)) => Err(problem.to_string()),
        None => Ok(a),
    }
}

/// The questions of `--questionnaire` and `--multi`; the columns they do not cover are inferred.
fn questions(a: &Args) -> Result<Vec<Question>, String> {
    let mut questions = match a.one("--questionnaire") {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
            let q: Questionnaire =
                serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
            q.questions().to_vec()
        }
        None => Vec::new(),
    };
    questions.extend(a.has("--numeric").then(|| Question::numeric(a.question())));
    if let Some(multi) = a.one("--multi") {
        questions.push(Question::multi(multi, multi.split(',').map(|m| (m, m))));
    }
    Ok(questions)
}

fn run() -> Result<(), String> {
    let a = parse_args(std::env::args().skip(1)).map_err(|e| format!("{e}\n{USAGE}"))?;
    let text = |e: Error| e.to_string();
    let question = a.question();
    let (post, rake) = (a.totals("--poststratify")?, a.totals("--rake")?);
    let (mut reader, questions) = (CsvReader::new(), questions(&a)?);
    if !questions.is_empty() {
        reader = reader.questionnaire(&Questionnaire::new(questions).map_err(text)?);
    }
    if !a.has("--infer") {
        // Only the columns used are read (a paired spec "A,B" names two).
        let flags = COLUMNS.split_whitespace();
        let used = flags.flat_map(|f| a.all(f).iter().flat_map(|v| v.split(',')));
        let calibration = post.iter().chain(&rake).map(|t| t.column.as_str());
        let used = used.chain(calibration).chain([question.as_str()]);
        reader = reader.columns(used.collect::<Vec<_>>());
        if let Some(prefix) = a.one("--replicate-weights") {
            reader = reader.numbered_columns(prefix);
        }
    }
    let responses = reader.read_path(&a.file).map_err(text)?;
    if a.has("--infer") {
        let json = serde_json::to_string_pretty(responses.questionnaire());
        return emit(&(json.map_err(|e| e.to_string())? + "\n"));
    }
    let mut crosstab = responses.crosstab(&question).options(a.options()?);
    for by in a.all("--by") {
        crosstab = crosstab.by(by);
    }
    for (flag, add) in [
        ("--total", CrosstabBuilder::total as fn(_) -> _),
        ("--means", CrosstabBuilder::means),
        ("--nps", CrosstabBuilder::nps),
    ] {
        crosstab = if a.has(flag) { add(crosstab) } else { crosstab };
    }
    for spec in a.all("--paired") {
        let (first, second) = spec.split_once(',').ok_or("--paired takes FIRST,SECOND")?;
        crosstab = crosstab.paired(first, second);
    }
    for spec in a.all("--net") {
        let bad = || format!("--net takes NAME=VALUE,VALUE, got '{spec}'");
        let (name, values) = spec.split_once('=').ok_or_else(bad)?;
        crosstab = crosstab.net(name, &values.split(',').collect::<Vec<_>>());
    }
    let mut builder = responses.design();
    for (flag, set) in [
        ("--weight", DesignBuilder::weight as fn(_, &str) -> _),
        ("--strata", DesignBuilder::strata),
        ("--cluster", DesignBuilder::cluster),
        ("--fpc", DesignBuilder::fpc),
    ] {
        if let Some(column) = a.one(flag) {
            builder = set(builder, column);
        }
    }
    // Replicate weights: supplied (TYPE is a method, `fay:RHO` with Fay's rho) or created.
    if let Some(prefix) = a.one("--replicate-weights") {
        let spec = a.one("--replicate-type").unwrap_or("other").parse();
        builder = builder.replicate_weights(prefix, spec.map_err(text)?);
    } else if let Some(scheme) = a.one("--replicate-type") {
        builder = builder.replicate(scheme.parse().map_err(text)?);
    }
    if let Some(t) = post.last() {
        builder = builder.post_stratify(&t.column, &t.totals);
    }
    for t in &rake {
        builder = builder.rake(&t.column, &t.totals);
    }
    let design = if DESIGN.split_whitespace().any(|f| a.has(f)) {
        let (design, report) = builder.build().map_err(text)?;
        if let Some(r) = report.filter(|r| !r.converged) {
            let (n, e) = (r.iterations, r.largest_margin_error);
            eprintln!("warning: raking did not converge ({n} passes, margin error {e:.1e})");
        }
        Some(design)
    } else {
        None
    };
    let report = a
        .has("--weighting-report")
        .then(|| builder.weighting_report(a.one("--by")));
    let weighting = report.transpose().map_err(text)?;
    crosstab = match (&design, a.one("--weight")) {
        (Some(design), _) => crosstab.design(design),
        (None, Some(w)) => crosstab.weight(w),
        (None, None) => crosstab,
    };
    let table = crosstab.run().map_err(text)?;
    let output = match a.one("--format").unwrap_or("text") {
        "markdown" => table.to_markdown() + &weighting.map_or(String::new(), |w| w.to_markdown()),
        "json" => {
            let mut json = serde_json::to_value(table.export()).map_err(|e| e.to_string())?;
            json["rows_read"] = responses.len().into();
            if let Some(w) = weighting {
                json["weighting_report"] = serde_json::to_value(w).map_err(|e| e.to_string())?;
            }
            format!("{json}\n")
        }
        _ => table.to_text() + &weighting.map_or(String::new(), |w| format!("\n{}", w.to_text())),
    };
    emit(&output)
}

/// Prints `output`; a closed pipe (`| head`) ends it quietly.
fn emit(output: &str) -> Result<(), String> {
    match std::io::stdout().lock().write_all(output.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.to_string()),
        _ => Ok(()),
    }
}

fn main() -> ExitCode {
    let failed = run().map_err(|e| eprintln!("error: {e}")).is_err();
    ExitCode::from(u8::from(failed))
}

//! Crosstab of any survey export: a question (or a multi-select block) by a group, with bases,
//! shares, confidence intervals, significance letters and an omnibus test.
//!
//! ```text
//! cargo run --release --example crosstab -- FILE.csv --by COLUMN --question COLUMN
//!     [--weight COLUMN] [--multi COL1,COL2,...] [--net NAME=VALUE,VALUE] [--level 0.95]
//!     [--method wilson|wald|wilson-corrected|agresti-coull|clopper-pearson|jeffreys]
//!     [--adjust holm|bonferroni|hochberg|bh|by|none] [--alpha 0.05] [--min-base 30]
//!     [--format text|markdown|json]
//!     [--strata COLUMN] [--cluster COLUMN]
//!     [--design-interval logit|asin|beta|mean|xlogit|likelihood]
//!     [--design-effect with-replacement|without-replacement]
//!     [--rake COLUMN=LEVEL:TOTAL,LEVEL:TOTAL,...]... [--poststratify COLUMN=LEVEL:TOTAL,...]
//! ```
//!
//! The file needs a header row. Categories are the distinct non-empty values of a column, sorted
//! numerically when every value is a number and alphabetically otherwise; columns are lettered in
//! that order. An empty field is a missing answer (or a missing group): such records are counted and
//! reported, never dropped silently. `--multi` makes each listed 0/1 column a row, with a base of
//! the respondents who answered any of them; `--net` (repeatable) adds a row merging the listed
//! values of the question. Bad input stops with a one-line error naming the file, line and column.
//!
//! Any of `--strata`, `--cluster`, `--design-interval`, `--design-effect`, `--rake` and
//! `--poststratify` switches to
//! design-based estimation (as R's `survey` package): the weights (1 without `--weight`) are first
//! post-stratified and then raked to the population totals given, strata and clusters (nested in
//! strata) define the variance; each cell gets its design-based share, standard error, design
//! effect (`--design-effect`: against sampling with replacement by default, R's `deff =
//! "replace"`; `without-replacement` is R's `deff = TRUE`, meaningless for weights scaled to
//! average 1) and `--design-interval` interval (logit by default), letters come from design-based
//! tests of each difference, and the omnibus test is Rao-Scott's. The JSON then names the
//! `design_effect`, the cells also carry `std_error` and `deff`, and `omnibus` carries the F test
//! (`statistic`, `ndf`, `ddf`, `p_value`) and the first-order test (`chisq`, `p_chisq`).

use std::collections::BTreeSet;
use std::fmt::Display;
use std::process::ExitCode;

use serde_json::{Value, json};
use survey_analytics::{
    Alpha, CalibrationMargin, Categories, ConfidenceLevel, CrossCounts, Crosstab, CrosstabOptions,
    DesignEffectKind, DesignInterval, MultiSelectTally, Net, PValueAdjustment, ProportionMethod,
    RakeOptions, Render, SampleDesign, Tally,
};

const USAGE: &str = "usage: crosstab FILE.csv --by COLUMN (--question COLUMN | --multi COL1,COL2,...) \
[--weight COLUMN] [--net NAME=VALUE,VALUE]... [--level 0.95] [--method wilson] [--adjust holm] \
[--alpha 0.05] [--min-base 30] [--format text|markdown|json] [--strata COLUMN] [--cluster COLUMN] \
[--design-interval logit] [--design-effect with-replacement] [--rake COLUMN=LEVEL:TOTAL,...]... \
[--poststratify COLUMN=LEVEL:TOTAL,...]";

#[derive(Debug, Clone, Copy, PartialEq)]
enum Format {
    Text,
    Markdown,
    Json,
}

struct Args {
    file: String,
    by: String,
    question: Option<String>,
    multi: Vec<String>,
    weight: Option<String>,
    nets: Vec<(String, Vec<String>)>,
    level: ConfidenceLevel,
    method: ProportionMethod,
    adjustment: PValueAdjustment,
    alpha: Alpha,
    min_base: u64,
    format: Format,
    strata: Option<String>,
    cluster: Option<String>,
    design_interval: Option<DesignInterval>,
    design_effect: Option<DesignEffectKind>,
    /// Raking margins: column and (level, population total) pairs.
    rake: Vec<(String, Vec<(String, f64)>)>,
    poststratify: Option<(String, Vec<(String, f64)>)>,
}

impl Args {
    /// Whether any design option was given.
    fn design_based(&self) -> bool {
        self.strata.is_some()
            || self.cluster.is_some()
            || self.design_interval.is_some()
            || self.design_effect.is_some()
            || !self.rake.is_empty()
            || self.poststratify.is_some()
    }

    /// The calibration columns, post-stratification first, then the raking margins.
    fn calibration_columns(&self) -> Vec<&str> {
        self.poststratify
            .iter()
            .chain(&self.rake)
            .map(|(column, _)| column.as_str())
            .collect()
    }
}

/// `COLUMN=LEVEL:TOTAL,LEVEL:TOTAL`.
fn totals_spec(flag: &str, spec: &str) -> Result<(String, Vec<(String, f64)>), String> {
    let bad = || format!("{flag} takes COLUMN=LEVEL:TOTAL,LEVEL:TOTAL, got '{spec}'");
    let (column, items) = spec.split_once('=').ok_or_else(bad)?;
    let totals = items
        .split(',')
        .map(|item| {
            let (level, total) = item.rsplit_once(':').ok_or_else(bad)?;
            let total: f64 = total
                .parse()
                .map_err(|_| format!("{flag}: '{total}' is not a number"))?;
            Ok((level.to_string(), total))
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok((column.to_string(), totals))
}

fn parse_args(mut raw: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut file = None;
    let (mut by, mut question, mut weight) = (None, None, None);
    let mut multi = Vec::new();
    let mut nets = Vec::new();
    let mut level = ConfidenceLevel::NINETY_FIVE;
    let (mut method, mut adjustment) = (ProportionMethod::Wilson, PValueAdjustment::Holm);
    let (mut alpha, mut min_base, mut format) = (Alpha::FIVE_PERCENT, 30, Format::Text);
    let (mut strata, mut cluster, mut design_interval) = (None, None, None);
    let mut design_effect = None;
    let (mut rake, mut poststratify) = (Vec::new(), None);
    while let Some(arg) = raw.next() {
        let mut value = |flag: &str| raw.next().ok_or_else(|| format!("{flag} needs a value"));
        let text = |e: survey_analytics::Error| e.to_string();
        match arg.as_str() {
            "--by" => by = Some(value("--by")?),
            "--question" => question = Some(value("--question")?),
            "--weight" => weight = Some(value("--weight")?),
            "--multi" => multi = value("--multi")?.split(',').map(str::to_string).collect(),
            "--net" => {
                let spec = value("--net")?;
                let (name, values) = spec
                    .split_once('=')
                    .ok_or(format!("--net takes NAME=VALUE,VALUE, got '{spec}'"))?;
                nets.push((
                    name.to_string(),
                    values.split(',').map(str::to_string).collect(),
                ));
            }
            "--level" => {
                let v = value("--level")?;
                let number: f64 = v
                    .parse()
                    .map_err(|_| format!("--level takes a number, got '{v}'"))?;
                level = ConfidenceLevel::new(number).map_err(text)?;
            }
            "--method" => method = value("--method")?.parse().map_err(text)?,
            "--adjust" => adjustment = value("--adjust")?.parse().map_err(text)?,
            "--alpha" => {
                let v = value("--alpha")?;
                let number: f64 = v
                    .parse()
                    .map_err(|_| format!("--alpha takes a number, got '{v}'"))?;
                alpha = Alpha::new(number).map_err(text)?;
            }
            "--min-base" => {
                let v = value("--min-base")?;
                min_base = v
                    .parse()
                    .map_err(|_| format!("--min-base takes a whole number, got '{v}'"))?;
            }
            "--format" => {
                format = match value("--format")?.as_str() {
                    "text" => Format::Text,
                    "markdown" => Format::Markdown,
                    "json" => Format::Json,
                    other => {
                        return Err(format!(
                            "--format takes text, markdown or json, got '{other}'"
                        ));
                    }
                }
            }
            "--strata" => strata = Some(value("--strata")?),
            "--cluster" => cluster = Some(value("--cluster")?),
            "--design-effect" => {
                design_effect = Some(value("--design-effect")?.parse().map_err(text)?)
            }
            "--design-interval" => {
                design_interval = Some(value("--design-interval")?.parse().map_err(text)?)
            }
            "--rake" => rake.push(totals_spec("--rake", &value("--rake")?)?),
            "--poststratify" => {
                poststratify = Some(totals_spec("--poststratify", &value("--poststratify")?)?)
            }
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            _ if file.is_none() => file = Some(arg),
            _ => return Err(format!("unexpected argument '{arg}'")),
        }
    }
    let file = file.ok_or("no input file")?;
    let by = by.ok_or("--by is required")?;
    match (&question, multi.is_empty()) {
        (None, true) => return Err("give --question COLUMN or --multi COL1,COL2,...".to_string()),
        (Some(_), false) => return Err("give --question or --multi, not both".to_string()),
        _ => {}
    }
    if !multi.is_empty() && !nets.is_empty() {
        return Err("--net applies to --question, not to --multi".to_string());
    }
    Ok(Args {
        file,
        by,
        question,
        multi,
        weight,
        nets,
        level,
        method,
        adjustment,
        alpha,
        min_base,
        format,
        strata,
        cluster,
        design_interval,
        design_effect,
        rake,
        poststratify,
    })
}

/// One data row, reduced to the fields the crosstab needs.
struct Row {
    group: Option<String>,
    /// Single choice: the answer. Multi-select: unused.
    answer: Option<String>,
    /// Multi-select: the positions of the columns holding 1, or `None` when all are empty.
    chosen: Option<Vec<usize>>,
    weight: f64,
    stratum: Option<String>,
    cluster: Option<String>,
    /// Values of the calibration columns, in `Args::calibration_columns` order.
    calibration: Vec<String>,
}

/// An error located in the input file.
fn at(file: &str, line: u64, message: impl Display) -> String {
    format!("{file}:{line}: {message}")
}

/// The same, for closures that cannot name `at` (it is shadowed by a local there).
fn at_line(file: &str, line: u64, message: impl Display) -> String {
    at(file, line, message)
}

fn read_rows(args: &Args) -> Result<Vec<Row>, String> {
    let file = &args.file;
    let mut reader = csv::ReaderBuilder::new()
        .from_path(file)
        .map_err(|e| format!("{file}: {e}"))?;
    let headers = reader
        .headers()
        .map_err(|e| format!("{file}: {e}"))?
        .clone();
    let column = |name: &str| {
        headers.iter().position(|h| h == name).ok_or_else(|| {
            let names: Vec<&str> = headers.iter().collect();
            at(
                file,
                1,
                format!("no column '{name}' (columns: {})", names.join(", ")),
            )
        })
    };
    let group_at = column(&args.by)?;
    let answer_at = args.question.as_deref().map(column).transpose()?;
    let multi_at = args
        .multi
        .iter()
        .map(|m| column(m))
        .collect::<Result<Vec<usize>, String>>()?;
    let weight_at = args.weight.as_deref().map(column).transpose()?;
    let strata_at = args.strata.as_deref().map(column).transpose()?;
    let cluster_at = args.cluster.as_deref().map(column).transpose()?;
    let calibration_names = args.calibration_columns();
    let calibration_at = calibration_names
        .iter()
        .map(|c| column(c))
        .collect::<Result<Vec<usize>, String>>()?;
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| match e.kind() {
            csv::ErrorKind::UnequalLengths {
                pos,
                expected_len,
                len,
            } => at(
                file,
                pos.as_ref().map_or(0, |p| p.line()),
                format!("row has {len} fields but the header has {expected_len}"),
            ),
            _ => format!("{file}: {e}"),
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let field = |i: usize| {
            record
                .get(i)
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let weight = match weight_at {
            None => 1.0,
            Some(i) => {
                let text = record.get(i).unwrap_or_default().trim();
                match text.parse::<f64>() {
                    Ok(w) if w.is_finite() && w >= 0.0 => w,
                    _ => {
                        let name = args.weight.as_deref().unwrap_or_default();
                        return Err(at(
                            file,
                            line,
                            format!(
                                "column '{name}': '{text}' is not a finite non-negative number"
                            ),
                        ));
                    }
                }
            }
        };
        let mut chosen: Option<Vec<usize>> = None;
        for (position, (&i, name)) in multi_at.iter().zip(&args.multi).enumerate() {
            match field(i).as_deref() {
                None => {}
                Some("0") => {
                    chosen.get_or_insert_with(Vec::new);
                }
                Some("1") => chosen.get_or_insert_with(Vec::new).push(position),
                Some(other) => {
                    return Err(at(
                        file,
                        line,
                        format!("column '{name}': '{other}' is not 0, 1 or empty"),
                    ));
                }
            }
        }
        // Design variables must be complete: a respondent without a stratum, cluster or
        // calibration category cannot be placed in the design.
        let required = |at: Option<usize>, name: Option<&str>| -> Result<Option<String>, String> {
            match (at, name) {
                (Some(i), Some(name)) => field(i).map(Some).ok_or_else(|| {
                    at_line(
                        file,
                        line,
                        format!("column '{name}' is empty: design variables must be complete"),
                    )
                }),
                _ => Ok(None),
            }
        };
        let stratum = required(strata_at, args.strata.as_deref())?;
        let cluster = required(cluster_at, args.cluster.as_deref())?;
        let calibration = calibration_at
            .iter()
            .zip(&calibration_names)
            .map(|(&i, name)| required(Some(i), Some(name)).map(Option::unwrap_or_default))
            .collect::<Result<Vec<String>, String>>()?;
        rows.push(Row {
            group: field(group_at),
            answer: answer_at.and_then(field),
            chosen,
            weight,
            stratum,
            cluster,
            calibration,
        });
    }
    Ok(rows)
}

/// The distinct values, numerically sorted when all are numbers, alphabetically otherwise.
fn categories(name: &str, values: impl Iterator<Item = String>) -> Result<Categories, String> {
    let distinct: BTreeSet<String> = values.collect();
    let mut labels: Vec<String> = distinct.into_iter().collect();
    if labels.iter().all(|l| l.parse::<f64>().is_ok()) {
        labels.sort_by(|a, b| {
            a.parse::<f64>()
                .unwrap_or(0.0)
                .total_cmp(&b.parse::<f64>().unwrap_or(0.0))
        });
    }
    Categories::new(name, labels).map_err(|e| format!("column '{name}': {e}"))
}

/// The question's rows and the groups, as categories.
fn dimensions(args: &Args, rows: &[Row]) -> Result<(Categories, Categories), String> {
    let located = |e: String| format!("{}: {e}", args.file);
    let groups =
        categories(&args.by, rows.iter().filter_map(|r| r.group.clone())).map_err(located)?;
    let answers =
        match &args.question {
            Some(question) => categories(question, rows.iter().filter_map(|r| r.answer.clone()))
                .map_err(located)?,
            None => Categories::new(args.multi.join(","), args.multi.clone())
                .map_err(|e| e.to_string())?,
        };
    Ok((answers, groups))
}

fn tally(
    args: &Args,
    rows: &[Row],
    answers: &Categories,
    groups: &Categories,
) -> Result<CrossCounts, String> {
    let text = |e: survey_analytics::Error| e.to_string();
    let weighted = args.weight.is_some();
    let group_of = |r: &Row| r.group.as_deref().and_then(|g| groups.index_of(g));
    if args.question.is_some() {
        let dims = vec![answers.clone(), groups.clone()];
        let mut tally = if weighted {
            Tally::new_weighted(dims)
        } else {
            Tally::new(dims)
        }
        .map_err(text)?;
        for row in rows {
            let slots = [
                row.answer.as_deref().and_then(|a| answers.index_of(a)),
                group_of(row),
            ];
            if weighted {
                tally.add_weighted(&slots, row.weight)
            } else {
                tally.add(&slots)
            }
            .map_err(text)?;
        }
        tally.cross(0, 1).map_err(text)
    } else {
        let mut tally = if weighted {
            MultiSelectTally::new_weighted(answers.clone(), groups.clone())
        } else {
            MultiSelectTally::new(answers.clone(), groups.clone())
        }
        .map_err(text)?;
        for row in rows {
            let chosen = row.chosen.as_deref();
            if weighted {
                tally.add_weighted(chosen, group_of(row), row.weight)
            } else {
                tally.add(chosen, group_of(row))
            }
            .map_err(text)?;
        }
        tally.cross().map_err(text)
    }
}

/// A calibration margin from a column's values and `LEVEL:TOTAL` pairs.
fn margin(
    args: &Args,
    rows: &[Row],
    position: usize,
    column: &str,
    totals: &[(String, f64)],
) -> Result<CalibrationMargin, String> {
    let cells = rows
        .iter()
        .enumerate()
        .map(|(k, row)| {
            let value = row
                .calibration
                .get(position)
                .map(String::as_str)
                .unwrap_or_default();
            totals
                .iter()
                .position(|(level, _)| level == value)
                .ok_or_else(|| {
                    // Data rows start on line 2.
                    at(
                        &args.file,
                        k as u64 + 2,
                        format!("column '{column}': '{value}' has no population total"),
                    )
                })
        })
        .collect::<Result<Vec<usize>, String>>()?;
    CalibrationMargin::new(cells, totals.iter().map(|(_, t)| *t).collect())
        .map_err(|e| format!("{column}: {e}"))
}

/// The design-based crosstab: weights calibrated as asked, strata and clusters as given.
fn design_crosstab(
    args: &Args,
    rows: &[Row],
    answers: &Categories,
    groups: &Categories,
    options: &CrosstabOptions,
) -> Result<Crosstab, String> {
    let text = |e: survey_analytics::Error| e.to_string();
    let mut design = SampleDesign::new(rows.iter().map(|r| r.weight).collect()).map_err(text)?;
    if args.strata.is_some() {
        let strata: Vec<&str> = rows
            .iter()
            .map(|r| r.stratum.as_deref().unwrap_or_default())
            .collect();
        design = design.with_strata(&strata).map_err(text)?;
    }
    if args.cluster.is_some() {
        let clusters: Vec<&str> = rows
            .iter()
            .map(|r| r.cluster.as_deref().unwrap_or_default())
            .collect();
        design = design.with_clusters(&clusters).map_err(text)?;
    }
    let mut position = 0;
    if let Some((column, totals)) = &args.poststratify {
        design = design
            .post_stratify(&margin(args, rows, position, column, totals)?)
            .map_err(text)?;
        position += 1;
    }
    if !args.rake.is_empty() {
        let margins = args
            .rake
            .iter()
            .enumerate()
            .map(|(i, (column, totals))| margin(args, rows, position + i, column, totals))
            .collect::<Result<Vec<_>, String>>()?;
        let (raked, report) = design
            .rake(&margins, &RakeOptions::default())
            .map_err(text)?;
        if !report.converged {
            eprintln!(
                "warning: raking did not converge after {} passes (largest margin error {:.3e})",
                report.iterations, report.largest_margin_error
            );
        }
        design = raked;
    }
    let group_codes: Vec<Option<usize>> = rows
        .iter()
        .map(|r| r.group.as_deref().and_then(|g| groups.index_of(g)))
        .collect();
    if args.question.is_some() {
        let answer_codes: Vec<Option<usize>> = rows
            .iter()
            .map(|r| r.answer.as_deref().and_then(|a| answers.index_of(a)))
            .collect();
        Crosstab::from_design(
            &design,
            answers,
            groups,
            &answer_codes,
            &group_codes,
            options,
        )
    } else {
        let chosen: Vec<Option<Vec<usize>>> = rows.iter().map(|r| r.chosen.clone()).collect();
        Crosstab::from_design_multi(&design, answers, groups, &chosen, &group_codes, options)
    }
    .map_err(text)
}

fn to_json(args: &Args, rows_read: usize, table: &Crosstab) -> Value {
    let mut missing: Vec<Value> = table
        .columns()
        .iter()
        .filter(|c| c.missing.count > 0)
        .map(|c| {
            json!({"reason": "no answer", "group": c.label, "count": c.missing.count, "weighted_count": c.missing.weighted})
        })
        .collect();
    if table.ungrouped().count > 0 {
        let u = table.ungrouped();
        missing.push(json!({"reason": "no group", "count": u.count, "weighted_count": u.weighted}));
    }
    let groups: Vec<Value> = table
        .columns()
        .iter()
        .map(|c| {
            json!({"label": c.label, "letter": c.letter, "base": c.base.count, "weighted_base": c.base.weighted,
                   "effective_base": c.base.effective, "tested": c.tested})
        })
        .collect();
    let rows: Vec<Value> = table
        .rows()
        .iter()
        .map(|row| {
            let cells: Vec<Value> = row
                .cells
                .iter()
                .map(|cell| {
                    let e = &cell.estimate;
                    let mut value = json!({"count": e.count, "weighted_count": e.weighted_count, "share": e.share,
                           "lower": e.interval.map(|i| i.lower), "upper": e.interval.map(|i| i.upper),
                           "letters": cell.letters});
                    // Design-based cells also carry their standard error and design effect.
                    if let (Some(_), Value::Object(fields)) = (table.design(), &mut value) {
                        fields.insert("std_error".to_string(), json!(cell.std_error));
                        fields.insert("deff".to_string(), json!(cell.deff));
                    }
                    value
                })
                .collect();
            json!({"label": row.label, "cells": cells})
        })
        .collect();
    let omnibus = match table.design() {
        Some(design) => design.rao_scott.map(|t| {
            json!({"statistic": t.statistic, "ndf": t.ndf, "ddf": t.ddf, "p_value": t.p_value,
                   "chisq": t.chisq, "p_chisq": t.p_chisq})
        }),
        None => table
            .omnibus()
            .map(|t| json!({"statistic": t.statistic, "df": t.df, "p_value": t.p_value})),
    };
    let mut output = json!({
        "question": args.question.clone().unwrap_or_else(|| args.multi.join(",")),
        "group_by": args.by,
        "level": table.settings().intervals.level.value(),
        "method": table.interval_method(),
        "adjustment": table.settings().tests.adjustment.name(),
        "alpha": table.settings().tests.alpha.value(),
        "weighted": table.is_weighted(),
        "rows_read": rows_read,
        "missing": missing,
        "groups": groups,
        "rows": rows,
        "omnibus": omnibus,
    });
    // Design-based tables name the design effect their cells carry.
    if let (Some(_), Value::Object(fields)) = (table.design(), &mut output) {
        let kind = table.settings().design.design_effect.name();
        fields.insert("design_effect".to_string(), json!(kind));
    }
    output
}

fn run() -> Result<(), String> {
    let args = parse_args(std::env::args().skip(1)).map_err(|e| format!("{e}\n{USAGE}"))?;
    let rows = read_rows(&args)?;
    let (answers, groups) = dimensions(&args, &rows)?;
    let mut options = CrosstabOptions::default()
        .level(args.level)
        .method(args.method)
        .adjustment(args.adjustment)
        .alpha(args.alpha)
        .min_base(args.min_base)
        .design_interval(args.design_interval.unwrap_or_default())
        .design_effect(args.design_effect.unwrap_or_default());
    for (name, values) in &args.nets {
        let net = Net::from_labels(name.clone(), &answers, values)
            .map_err(|e| format!("--net '{name}': {e}"))?;
        options = options.net(net);
    }
    let table = if args.design_based() {
        design_crosstab(&args, &rows, &answers, &groups, &options)?
    } else {
        Crosstab::new(&tally(&args, &rows, &answers, &groups)?, &options)
            .map_err(|e| e.to_string())?
    };
    let output = match args.format {
        Format::Text => table.to_text(),
        Format::Markdown => table.to_markdown(),
        Format::Json => format!("{}\n", to_json(&args, rows.len(), &table)),
    };
    // A closed pipe (`| head`) ends the output quietly.
    use std::io::Write;
    match std::io::stdout().lock().write_all(output.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.to_string()),
        _ => Ok(()),
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

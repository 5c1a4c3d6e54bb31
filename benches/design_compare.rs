//! The Rust half of `benches/compare_r.py`: generates a stratified cluster sample, writes it as CSV
//! for R's survey package to read, and prints the median time of each step and the numbers it
//! produced as JSON (the script checks R computed the same numbers before comparing speeds).
//!
//! Usage (normally through the Python script): `cargo bench --bench design_compare -- RECORDS
//! DATA_FILE [RUNS]`. The sample has 50 strata of 20 clusters each (1000 PSUs); every record has
//! a weight (a multiple of 1/64, so that its decimal text is exact), a role (3 levels), a yes/no
//! outcome with about 2% missing, and the region (5), gender (2) and age band (6) used for raking
//! to population totals that differ from the sample's; the margins and the amount are also the
//! auxiliaries of a linear calibration (R's `calibrate`); and 80 replicate weights (the sampling
//! weight times a factor of the record's PSU, from a hash that the R half computes too).

mod common;

use common::design::{Sample, sample};
use survey_analytics::{
    CalibrationMargin, CalibrationOptions, ConfidenceLevel, RakeOptions, ReplicateMethod,
    ReplicateWeights, SampleDesign,
};

/// Replicates of the replicate-weight comparison (as public-use files ship them).
const REPLICATES: u32 = 80;

/// The replicate factor of PSU `p` in replicate `r`: 0, 0.5, 1, 1.5 or 2, from a hash that
/// compare_r.R computes the same way (so the replicate weights need not be written out). The
/// reduction modulo a large prime first makes the 80 replicates independent (rank 80), as those
/// of public-use files are.
fn factor(p: u32, r: u32) -> f64 {
    let (p, r) = (u64::from(p), u64::from(r));
    ((p * 2_654_435_761 + r * 40_503 + p * r * 97) % 1_000_003 % 5) as f64 * 0.5
}

fn write_csv(path: &str, s: &Sample, margins: &[CalibrationMargin], amount_total: f64) {
    use std::fmt::Write as _;
    let mut text = String::with_capacity(48 * s.weight.len());
    text.push_str("stratum,cluster,weight,role,y,region,gender,age,rating,amount\n");
    for k in 0..s.weight.len() {
        let y = s.outcome[k];
        let _ = writeln!(
            text,
            "{},{},{},{},{},{},{},{},{},{}",
            s.stratum[k],
            s.cluster[k],
            s.weight[k],
            s.role[k].unwrap_or(0),
            if y.is_nan() {
                "NA".into()
            } else {
                y.to_string()
            },
            s.region[k],
            s.gender[k],
            s.age[k],
            if s.rating[k].is_nan() {
                "NA".into()
            } else {
                s.rating[k].to_string()
            },
            s.amount[k],
        );
    }
    std::fs::write(path, text).expect("write the data file");
    // The population totals, one line per margin, with full precision.
    let mut totals: Vec<String> = margins
        .iter()
        .map(|m| {
            let t: Vec<String> = m.totals().iter().map(|t| format!("{t:?}")).collect();
            t.join(",")
        })
        .collect();
    // The amount's total, for calibration.
    totals.push(format!("{amount_total:?}"));
    std::fs::write(format!("{path}.totals"), totals.join("\n") + "\n").expect("write the totals");
}

fn main() {
    let (records, path, runs) = common::comparison_args("design_compare", 1_000_000, 11);
    let s = sample(records);
    let total: f64 = s.weight.iter().sum();
    let margins = common::design::margins(&s);
    let (targets, amount_total) = common::design::calibration_targets(&s);
    write_csv(&path, &s, &margins, amount_total);

    let build = || common::design::design(&s);
    let design = build();
    let by_role = design
        .domain_means(&s.outcome, &s.role, 3)
        .expect("estimates");
    let options = RakeOptions::r_defaults(total);
    let (raked, report) = design.rake(&margins, &options).expect("raking");
    let raked_mean = raked.mean(&s.outcome).expect("raked mean");
    let rating_by_role = design
        .domain_means(&s.rating, &s.role, 3)
        .expect("rating estimates");
    // Replicate weights supplied as combined weights, one column per replicate.
    let columns: Vec<Vec<f64>> = (0..REPLICATES)
        .map(|r| {
            s.weight
                .iter()
                .zip(&s.cluster)
                .map(|(w, &p)| w * factor(p, r))
                .collect()
        })
        .collect();
    let replicate = SampleDesign::new(s.weight.clone())
        .and_then(|d| {
            d.with_replicate_weights(
                ReplicateWeights::new(ReplicateMethod::Bootstrap, columns)
                    .with_scale(1.0 / f64::from(REPLICATES - 1)),
            )
        })
        .expect("replicate design");
    assert_eq!(replicate.degrees_of_freedom(), f64::from(REPLICATES - 1));
    let rep_by_role = replicate
        .domain_means(&s.outcome, &s.role, 3)
        .expect("replicate estimates");
    let level = ConfidenceLevel::NINETY_FIVE;
    let median = design.quantile(&s.amount, 0.5, level).expect("median");
    let linear = CalibrationOptions::default();
    let (calibrated, _) = design.calibrate_to(&targets, &linear).expect("calibration");
    let calibrated_mean = calibrated.mean(&s.outcome).expect("calibrated mean");

    let timings = [
        ("design", common::median_ms(runs, build)),
        (
            "by_role",
            common::median_ms(runs, || design.domain_means(&s.outcome, &s.role, 3)),
        ),
        (
            "rake",
            common::median_ms(runs, || design.rake(&margins, &options)),
        ),
        (
            "raked_mean",
            common::median_ms(runs, || raked.mean(&s.outcome)),
        ),
        (
            "rating_by_role",
            common::median_ms(runs, || design.domain_means(&s.rating, &s.role, 3)),
        ),
        (
            "median",
            common::median_ms(runs, || design.quantile(&s.amount, 0.5, level)),
        ),
        (
            "rep_by_role",
            common::median_ms(runs, || replicate.domain_means(&s.outcome, &s.role, 3)),
        ),
        (
            "calibrate",
            common::median_ms(runs, || design.calibrate_to(&targets, &linear)),
        ),
        (
            "calibrated_mean",
            common::median_ms(runs, || calibrated.mean(&s.outcome)),
        ),
    ];
    let estimates: Vec<String> = by_role
        .estimates()
        .iter()
        .map(|e| {
            let e = e.expect("every role is present");
            format!("[{:?},{:?}]", e.estimate, e.std_error)
        })
        .collect();
    let rating: Vec<String> = rating_by_role
        .estimates()
        .iter()
        .map(|e| {
            let e = e.expect("every role is present");
            format!("[{:?},{:?}]", e.estimate, e.std_error)
        })
        .collect();
    let replicated: Vec<String> = rep_by_role
        .estimates()
        .iter()
        .map(|e| {
            let e = e.expect("every role is present");
            format!("[{:?},{:?}]", e.estimate, e.std_error)
        })
        .collect();
    let timings: Vec<String> = timings
        .iter()
        .map(|(name, ms)| format!("\"{name}\":{ms}"))
        .collect();
    println!(
        "{{\"records\":{records},\"runs\":{runs},\"ms\":{{{}}},\"by_role\":[{}],\"rake_iterations\":{},\"raked_mean\":[{:?},{:?}],\"rating_by_role\":[{}],\"median\":[{:?},{:?},{:?}],\"rep_by_role\":[{}],\"calibrated_mean\":[{:?},{:?}],\"calibrated_weights\":[{:?},{:?},{:?}]}}",
        timings.join(","),
        estimates.join(","),
        report.iterations,
        raked_mean.estimate,
        raked_mean.std_error,
        rating.join(","),
        median.quantile,
        median.lower.unwrap_or(f64::NAN),
        median.upper.unwrap_or(f64::NAN),
        replicated.join(","),
        calibrated_mean.estimate,
        calibrated_mean.std_error,
        calibrated.weights()[0],
        calibrated.weights()[records / 2],
        calibrated.weights()[records - 1],
    );
}

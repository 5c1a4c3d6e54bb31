//! The Rust half of `benches/compare_polars.py`: generates the crosstab benchmark's records,
//! writes their three columns for polars to read, and prints the median time of each step as JSON.
//!
//! Usage (normally through the Python script): `cargo bench --bench crosstab_compare -- RECORDS
//! DATA_FILE [RUNS]`. The data file holds one byte per column per record: familiarity slot (0 = no
//! answer, 1-5), role (0-2), team (0-5).

mod common;

use std::hint::black_box;

use survey_analytics::Category;

fn main() {
    let (records, path, runs) = common::comparison_args("crosstab_compare", 10_000_000, 15);
    let data = common::responses(records);
    let mut bytes = Vec::with_capacity(3 * records);
    for r in &data {
        bytes.push(r.familiarity.map_or(0, |f| f.index() as u8 + 1));
        bytes.push(r.role.index() as u8);
        bytes.push(r.team.index() as u8);
    }
    std::fs::write(path, &bytes).expect("write the data file");
    let (by_role, by_team) = common::crosstabs(&data);
    // Every cell of both tables, `[answer slot (0 = no answer, 1-5), group, count]`, for the
    // script to check against polars' counts cell by cell.
    let cells = |table: &survey_analytics::Crosstab| -> String {
        let mut cells: Vec<String> = Vec::new();
        for (c, column) in table.columns().iter().enumerate() {
            cells.push(format!("[0, {c}, {}]", column.missing.count));
            for (r, row) in table.rows().iter().enumerate() {
                cells.push(format!("[{}, {c}, {}]", r + 1, row.cells[c].estimate.count));
            }
        }
        format!("[{}]", cells.join(", "))
    };
    let (role_cells, team_cells) = (cells(&by_role), cells(&by_team));
    let timings = [
        (
            "bare_loop",
            common::median_ms(runs, || common::bare_loop(black_box(&data))),
        ),
        (
            "tally",
            common::median_ms(runs, || common::tally(black_box(&data))),
        ),
        (
            "crosstabs_with_letters",
            common::median_ms(runs, || common::crosstabs(black_box(&data))),
        ),
        (
            "bare_loop_2_threads",
            common::median_ms(runs, || common::bare_loop_parallel(black_box(&data))),
        ),
        (
            "tally_2_threads",
            common::median_ms(runs, || common::tally_parallel(black_box(&data))),
        ),
        (
            "crosstabs_with_letters_2_threads",
            common::median_ms(runs, || common::crosstabs_parallel(black_box(&data))),
        ),
    ];
    let fields: Vec<String> = timings
        .iter()
        .map(|(name, ms)| format!("\"{name}\": {ms:.4}"))
        .collect();
    println!(
        "{{\"records\": {records}, \"role_cells\": {role_cells}, \"team_cells\": {team_cells}, {}}}",
        fields.join(", ")
    );
}

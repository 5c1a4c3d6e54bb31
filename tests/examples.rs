//! Runs every example program and checks what it prints, so that examples and docs cannot drift.

use std::process::Command;

fn run_example(name: &str) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let output = Command::new(cargo)
        .args(["run", "--quiet", "--example", name])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "{name} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

fn percent(cell: &str) -> f64 {
    cell.trim_matches(|c| c == '[' || c == ']' || c == ',')
        .trim_end_matches('%')
        .parse()
        .expect("a percentage")
}

#[test]
fn headline_intervals_prints_every_figure_with_a_sound_interval() {
    let out = run_example("headline_intervals");
    let rows: Vec<&str> = out.lines().filter(|l| l.starts_with('F')).collect();
    let ids: Vec<&str> = rows
        .iter()
        .map(|r| r.split_whitespace().next().unwrap())
        .collect();
    for id in [
        "F1", "F3b", "F8a", "F8b", "F8c", "F11a", "F11b", "F16b", "F17c", "F18b",
    ] {
        assert!(ids.contains(&id), "{id} missing from:\n{out}");
    }
    assert_eq!(rows.len(), 28, "{out}");
    for row in rows {
        // id, who..., published, count, estimate, [lower, upper], margin, "pts"...
        let row = row.replace("[ ", "["); // "[ 7.3%, 11.2%]" pads one-digit bounds
        let cells: Vec<&str> = row.split_whitespace().collect();
        let at = cells
            .iter()
            .position(|c| c.contains('/'))
            .expect("count/base");
        let published = percent(cells[at - 1]);
        let estimate = percent(cells[at + 1]);
        let (lower, upper) = (percent(cells[at + 2]), percent(cells[at + 3]));
        assert!((estimate - published).abs() <= 0.5, "{row}");
        assert!(lower < estimate && estimate < upper, "{row}");
        assert!(upper - lower < 8.0, "{row}");
    }
}

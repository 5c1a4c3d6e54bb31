//! The crosstab benchmark's data: typed survey records of a 5-point question, a role (3) and a
//! team (6), generated deterministically, and the work measured on them.
#![allow(dead_code)] // each bench binary uses a different subset

pub mod design;

use survey_analytics::{Category, Crosstab, CrosstabOptions, Tally, category};

category! {
    /// Familiarity with the department's goals (5-point scale).
    pub ordinal enum Familiarity("familiarity") {
        /// 1.
        NotAtAll = "Not at all familiar" as "1",
        /// 2.
        Slightly = "Slightly familiar" as "2",
        /// 3.
        Somewhat = "Somewhat familiar" as "3",
        /// 4.
        Moderately = "Moderately familiar" as "4",
        /// 5.
        Very = "Very familiar" as "5",
    }
}

category! {
    /// Role of the respondent.
    pub enum Role("role") {
        /// Marketing leader.
        Leader = "Leader" as "leader",
        /// Manager.
        Manager = "Manager" as "manager",
        /// Individual contributor.
        Contributor = "Individual contributor" as "ic",
    }
}

category! {
    /// Team within marketing.
    pub enum Team("team") {
        /// Public relations.
        Pr = "PR" as "pr",
        /// Social media.
        Social = "Social media" as "social",
        /// Customer marketing.
        Customer = "Customer marketing" as "customer",
        /// Product marketing.
        Product = "Product marketing" as "product",
        /// Marketing operations.
        Operations = "Marketing operations" as "operations",
        /// Analytics.
        Analytics = "Analytics" as "analytics",
    }
}

/// One respondent: three bytes in memory (the `Option` uses the enum's niche).
#[derive(Debug, Clone, Copy)]
pub struct Response {
    pub familiarity: Option<Familiarity>,
    pub role: Role,
    pub team: Team,
}

/// `n` records from a fixed-seed xorshift generator; about 3% of answers are missing.
pub fn responses(n: usize) -> Vec<Response> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..n)
        .map(|_| {
            let r = next();
            let answer = (r % 100) as usize;
            let familiarity = if answer < 3 {
                None
            } else {
                Familiarity::from_index(answer % 5)
            };
            Response {
                familiarity,
                role: Role::from_index(((r >> 16) % 3) as usize).unwrap_or(Role::Leader),
                team: Team::from_index(((r >> 32) % 6) as usize).unwrap_or(Team::Pr),
            }
        })
        .collect()
}

/// The baseline: a loop that reads the same three fields of every record and nothing more.
#[inline(never)]
pub fn bare_loop(records: &[Response]) -> u64 {
    records.iter().fold(0_u64, |sum, r| {
        sum + r.familiarity.map_or(0, |f| f.index() as u64 + 1)
            + r.role.index() as u64
            + r.team.index() as u64
    })
}

/// One pass over the records into a question x role x team tally.
#[inline(never)]
pub fn tally(records: &[Response]) -> Tally {
    Tally::count(records, |r| (r.familiarity, r.role, r.team)).expect("typed keys are in range")
}

/// The same tally on two threads ([`Tally::count_parallel`]).
pub fn tally_parallel(records: &[Response]) -> Tally {
    Tally::count_parallel(records, |r| (r.familiarity, r.role, r.team), 2)
        .expect("typed keys are in range")
}

/// The bare loop on two threads, for a like-for-like comparison with [`tally_parallel`].
pub fn bare_loop_parallel(records: &[Response]) -> u64 {
    let (left, right) = records.split_at(records.len() / 2);
    std::thread::scope(|s| {
        let other = s.spawn(|| bare_loop(right));
        bare_loop(left) + other.join().unwrap_or(0)
    })
}

/// The whole job: the tally, then the crosstabs by role and by team with intervals and letters.
pub fn crosstabs(records: &[Response]) -> (Crosstab, Crosstab) {
    crosstabs_from(&tally(records))
}

/// The whole job with the tally on two threads.
pub fn crosstabs_parallel(records: &[Response]) -> (Crosstab, Crosstab) {
    crosstabs_from(&tally_parallel(records))
}

fn crosstabs_from(tally: &Tally) -> (Crosstab, Crosstab) {
    let options = CrosstabOptions::default();
    let by_role =
        Crosstab::new(&tally.cross(0, 1).expect("dimensions"), &options).expect("crosstab");
    let by_team =
        Crosstab::new(&tally.cross(0, 2).expect("dimensions"), &options).expect("crosstab");
    (by_role, by_team)
}

/// Median wall time of `runs` calls, in milliseconds.
pub fn median_ms<T>(runs: usize, mut f: impl FnMut() -> T) -> f64 {
    let mut times: Vec<f64> = (0..runs.max(1))
        .map(|_| {
            let start = std::time::Instant::now();
            std::hint::black_box(f());
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// The comparison binaries' arguments `RECORDS DATA_FILE [RUNS]` (`cargo bench` adds `--bench`,
/// which is skipped); exits with the usage line when the data file is missing.
pub fn comparison_args(
    name: &str,
    default_records: usize,
    default_runs: usize,
) -> (usize, String, usize) {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let number =
        |i: usize, default: usize| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let Some(path) = args.get(1) else {
        eprintln!("usage: {name} RECORDS DATA_FILE [RUNS]");
        std::process::exit(2);
    };
    (
        number(0, default_records),
        path.clone(),
        number(2, default_runs),
    )
}

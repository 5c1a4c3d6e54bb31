#!/usr/bin/env python3
"""Side-by-side timing of the crosstab hot path against polars, printed as ratios.

Run from the crate root:  python3 benches/compare_polars.py [RECORDS] [RUNS]
Needs: polars and numpy (pip install polars numpy), and cargo.

The Rust half (benches/crosstab_compare.rs) generates RECORDS typed survey records (a 5-point
question with ~3% missing answers, a role of 3 levels, a team of 6), writes their three columns to a
file, and reports the median time of: a bare loop that only reads the three fields of every record;
the one-pass tally; and the whole job (tally plus the crosstabs by role and by team with intervals,
significance letters and omnibus tests), each on one thread and on two. This script then loads the
same three columns into a polars DataFrame (already in memory, not timed) and times polars computing
the same counts: the (question, role) and (question, team) group-by counts, eagerly and as one lazy
query set, keeping the faster. All figures are medians of RUNS runs on this machine, which is shared
and noisy: compare the ratios, not the absolute times.
"""

import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import polars as pl

RECORDS = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 15


def median_ms(runs, f):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        f()
        times.append((time.perf_counter() - start) * 1e3)
    return sorted(times)[len(times) // 2]


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with tempfile.TemporaryDirectory() as tmp:
        data_path = os.path.join(tmp, "records.bin")
        out = subprocess.run(
            ["cargo", "bench", "--quiet", "--bench", "crosstab_compare", "--", str(RECORDS), data_path, str(RUNS)],
            cwd=root, check=True, capture_output=True, text=True,
        ).stdout
        rust = json.loads(out.strip().splitlines()[-1])
        raw = np.fromfile(data_path, dtype=np.uint8).reshape(-1, 3)

    # The same columns, in memory: the question as a nullable UInt8 (null = no answer).
    df = pl.DataFrame({
        "q": pl.Series("q", raw[:, 0]).replace(0, None),
        "role": raw[:, 1],
        "team": raw[:, 2],
    })

    def eager():
        a = df.group_by(["q", "role"]).len()
        b = df.group_by(["q", "team"]).len()
        return a, b

    def lazy():
        lf = df.lazy()
        return pl.collect_all([lf.group_by(["q", "role"]).len(), lf.group_by(["q", "team"]).len()])

    # Same counts check, cell by cell: every (answer, group) count of both tables, "no answer"
    # (null) included, equals the Rust crosstabs' count (cells polars does not list are 0).
    a, b = eager()
    for table, group, cells in [(a, "role", rust["role_cells"]), (b, "team", rust["team_cells"])]:
        polars_counts = {(q or 0, g): n for q, g, n in table.select(["q", group, "len"]).iter_rows()}
        rust_counts = {(q, g): n for q, g, n in cells}
        for key in set(polars_counts) | set(rust_counts):
            assert polars_counts.get(key, 0) == rust_counts.get(key, 0), (group, key, polars_counts.get(key), rust_counts.get(key))
    print(f"same counts: all {len(rust['role_cells']) + len(rust['team_cells'])} cells of both tables agree")

    polars_eager = median_ms(RUNS, eager)
    polars_lazy = median_ms(RUNS, lazy)
    polars_best = min(polars_eager, polars_lazy)

    print(f"{RECORDS:,} records, medians of {RUNS} runs (ms); polars {pl.__version__}, {os.cpu_count()} cores")
    print(f"  polars group_by counts, eager      {polars_eager:9.2f}")
    print(f"  polars group_by counts, lazy       {polars_lazy:9.2f}")
    print()
    print(f"  {'':34} {'1 thread':>10} {'2 threads':>10}")
    for label, key in [("bare loop reading the fields", "bare_loop"), ("tally (one pass)", "tally"),
                       ("crosstabs with intervals, letters", "crosstabs_with_letters")]:
        print(f"  {label:34} {rust[key]:10.2f} {rust[key + '_2_threads']:10.2f}")
    print()
    print("Ratios")
    for threads, suffix in [("1 thread", ""), ("2 threads", "_2_threads")]:
        job = rust["crosstabs_with_letters" + suffix]
        bare = rust["bare_loop" + suffix]
        print(f"  {threads:9}: polars / crosstabs = {polars_best / job:5.1f}x   "
              f"crosstabs / bare loop = {job / bare:4.2f}x")


if __name__ == "__main__":
    main()

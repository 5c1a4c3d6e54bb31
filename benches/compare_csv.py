#!/usr/bin/env python3
"""From a survey export to a table: the crosstab example against polars, side by side, as ratios.

Run from the crate root:  python3 benches/compare_csv.py [RECORDS] [RUNS] [FILE]
Needs: polars and numpy (pip install polars numpy), and cargo.

Generates FILE (by default a temporary file; RECORDS rows, 5,000,000 by default, seeded) with the
columns respondent (an id), role (3 labels), answer (1-5, about 3% empty), weight (a float), stratum
(0-49) and cluster (0-999, nested in strata), builds the crosstab example in release and then, RUNS
times in turn (7 by default), runs as separate processes:

- the example, weighted:  crosstab FILE --by role --question answer --weight weight --format json
- the example, with strata and clusters as well (design-based cells, letters and Rao-Scott test);
- polars: read_csv, then group_by(role, answer) counts and weight sums (what the weighted table
  needs before its statistics), in a Python process that also reports its own in-process time.

Each process's wall time is measured here and its peak resident memory by GNU time. The answers are checked: the
example's counts and weighted counts per (role, answer), its missing answers per role, and the rows
read, must equal polars' (weights to 1e-9 relative). Printed: medians, and the ratios the issue asks
for (polars / example time, example / polars peak memory, design / weighted time). The machine is
shared and noisy: read the ratios of the medians, not single runs.
"""

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import polars as pl

RECORDS = int(sys.argv[1]) if len(sys.argv) > 1 else 5_000_000
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 7
ROLES = ["Individual contributor", "Manager", "Executive"]

POLARS = r"""
import json, sys, time
start = time.perf_counter()
import polars as pl
imported = time.perf_counter()
df = pl.read_csv(sys.argv[1])
g = df.group_by(["role", "answer"]).agg(pl.len().alias("n"), pl.col("weight").sum().alias("w"))
done = time.perf_counter()
print(json.dumps({"seconds": done - imported, "import": imported - start, "rows": df.height,
                  "cells": g.rows()}))
"""


def generate(path, records):
    rng = np.random.default_rng(20261130)
    role = rng.choice(3, size=records, p=[0.55, 0.3, 0.15])
    answer = (rng.integers(1, 6, size=records) + (role == 2)).clip(1, 5).astype(object)
    answer[rng.random(records) < 0.03] = None
    stratum = rng.integers(0, 50, size=records)
    df = pl.DataFrame({
        "respondent": [f"R{k:08d}" for k in range(records)],
        "role": np.array(ROLES)[role],
        "answer": pl.Series("answer", answer.tolist(), dtype=pl.Int64),
        "weight": np.round(rng.gamma(8.0, 1 / 8.0, size=records), 6),
        "stratum": stratum,
        "cluster": rng.integers(0, 1000, size=records),
    })
    df.write_csv(path)


def run(command):
    """Wall seconds, peak RSS in MB and stdout of one process. GNU time measures the peak where
    it is installed: Linux counts in a child's peak the image of the process that forked it, and
    this one holds polars and numpy."""
    timer = ["/usr/bin/time", "-f", "%M"] if os.path.exists("/usr/bin/time") else []
    start = time.perf_counter()
    process = subprocess.run(timer + command, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if process.returncode != 0:
        sys.exit(f"{command[0]} failed: {process.stderr}")
    if timer:
        peak = int(process.stderr.strip().splitlines()[-1]) / 1024
    else:
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return wall, peak, process.stdout


def check(table, polars, label):
    """The example's counts, weighted counts and missing answers against polars' group_by."""
    expected = {(role, answer): (n, w) for role, answer, n, w in polars["cells"]}
    assert table["rows_read"] == polars["rows"], label
    groups = [g["label"] for g in table["groups"]]
    for row in table["rows"]:
        for role, cell in zip(groups, row["cells"]):
            n, w = expected.get((role, int(row["label"])), (0, 0.0))
            assert cell["count"] == n, (label, role, row["label"])
            assert abs(cell["weighted_count"] - w) <= 1e-9 * w, (label, role, row["label"])
    for missing in table["missing"]:
        n, w = expected.get((missing["group"], None), (0, 0.0))
        assert missing["count"] == n and abs(missing["weighted_count"] - w) <= 1e-9 * w, label


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    subprocess.run(["cargo", "build", "--quiet", "--release", "--example", "crosstab"], cwd=root,
                   check=True)
    example = os.path.join(root, "target", "release", "examples", "crosstab")
    with tempfile.TemporaryDirectory() as tmp:
        path = sys.argv[3] if len(sys.argv) > 3 else os.path.join(tmp, "survey.csv")
        if not os.path.exists(path):
            generate(path, RECORDS)
        size = os.path.getsize(path) / 1e6
        weighted = [example, path, "--by", "role", "--question", "answer", "--weight", "weight",
                    "--format", "json"]
        design = weighted + ["--strata", "stratum", "--cluster", "cluster"]
        polars = [sys.executable, "-c", POLARS, path]
        times = {name: [] for name in ["weighted", "design", "polars"]}
        memory = {name: [] for name in times}
        inside = []
        for _ in range(RUNS):
            for name, command in [("weighted", weighted), ("design", design), ("polars", polars)]:
                wall, rss, output = run(command)
                times[name].append(wall)
                memory[name].append(rss)
                if name == "polars":
                    answer = json.loads(output)
                    inside.append(answer["seconds"])
                else:
                    tables = output
                    if name == "weighted":
                        weighted_table = json.loads(tables)
                    else:
                        design_table = json.loads(tables)
        check(weighted_table, answer, "weighted")
        check(design_table, answer, "design")
    median = {name: statistics.median(t) for name, t in times.items()}
    rss = {name: statistics.median(m) for name, m in memory.items()}
    polars_inside = statistics.median(inside)
    print(f"file: {RECORDS:,} records, {size:.0f} MB; medians of {RUNS} runs; same answers checked")
    print(f"{'':<34}{'wall s':>8}{'peak MB':>9}")
    for name, label in [("weighted", "crosstab example, weighted"),
                        ("design", "crosstab example, strata+clusters"),
                        ("polars", "polars process")]:
        print(f"{label:<34}{median[name]:>8.3f}{rss[name]:>9.0f}")
    print(f"{'polars read_csv+group_by in-process':<34}{polars_inside:>8.3f}")
    print(f"speed, polars process / weighted example:   {median['polars'] / median['weighted']:.2f}x")
    print(f"speed, polars in-process / weighted example: {polars_inside / median['weighted']:.2f}x"
          " (target >= 1.2)")
    print(f"memory, weighted example / polars:          {rss['weighted'] / rss['polars']:.1%}"
          " (target <= 25%)")
    print(f"memory, design example / polars:            {rss['design'] / rss['polars']:.1%}")
    print(f"time, design / weighted example:            {median['design'] / median['weighted']:.2f}x"
          " (target <= 2)")


if __name__ == "__main__":
    main()

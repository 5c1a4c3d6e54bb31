#!/usr/bin/env python3
"""Side-by-side timing of design-based estimation against R's survey package, printed as ratios.

Run from the crate root:  python3 benches/compare_r.py [RECORDS] [RUST_RUNS] [R_RUNS]
Needs: cargo, and R with the survey package (apt-get install r-base-core r-cran-survey).
Python's standard library only.

The Rust half (benches/design_compare.rs) generates RECORDS respondents in 50 strata of 20
clusters (1,000 PSUs) with unequal weights, three roles, a yes/no item with ~2% missing, and
region (5), gender (2) and age (6) margins; writes them as CSV with the population totals; and
reports the median time of each step. The R half (benches/compare_r.R) reads the same file (not
timed) and times the same steps with survey's functions:

  design      svydesign(ids = ~cluster, strata = ~stratum, weights = ~weight, nest = TRUE)
              vs SampleDesign::new(..).with_strata(..).with_clusters(..)
  by_role     svyby(~y, ~role, design, svymean, na.rm = TRUE)
              vs SampleDesign::domain_means (estimates, standard errors, design effects,
              degrees of freedom and the joint covariance)
  rake        rake(design, list(~region, ~gender, ~age), <population totals>) with R's defaults
              vs SampleDesign::rake with RakeOptions::r_defaults (same stopping rule)
  raked_mean  svymean(~y, raked, na.rm = TRUE) vs SampleDesign::mean on the raked design
  rating_by_role
              svyby(~rating, ~role, design, svymean, na.rm = TRUE) on a 1-5 rating
              vs SampleDesign::domain_means
  median      svyquantile(~amount, design, 0.5, ci = TRUE, interval.type = "mean",
              qrule = "math", na.rm = TRUE) vs SampleDesign::quantile (Woodruff interval)
  rep_by_role svyby(~y, ~role, repdesign, svymean, na.rm = TRUE) on 80 replicate weights
              supplied as combined weights (svrepdesign(type = "bootstrap", scale = 1/79))
              vs SampleDesign::domain_means on SampleDesign::with_replicate_weights
  calibrate   calibrate(design, ~factor(region) + factor(gender) + factor(age) + amount,
              population = <totals>): linear calibration to 12 columns (R's closed form)
              vs SampleDesign::calibrate_to with CalibrationOptions::default()
  calibrated_mean
              svymean(~y, calibrated, na.rm = TRUE) vs SampleDesign::mean on the calibrated
              design (residuals on the 12 auxiliaries)

Before comparing speed, the script checks that both computed the same numbers (per-role estimates
and standard errors for the yes/no item and the rating, the raked mean and its standard error, to
1e-13 relative; the median and its interval's bounds exactly; the replicate estimates to 1e-13
and their standard errors to 1e-10, as R sums the replicates in another order; the calibrated
mean, its standard error and three calibrated weights to 1e-10, as R solves by QR and the crate by
Cholesky). All figures are
medians on this machine, which is shared and noisy: compare the ratios, not the absolute times.
"""

import json
import os
import subprocess
import sys
import tempfile

RECORDS = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
RUST_RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 15
R_RUNS = int(sys.argv[3]) if len(sys.argv) > 3 else 5
TOLERANCE = 1e-13


def close(a, b):
    return abs(a - b) <= TOLERANCE * max(abs(a), abs(b))


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with tempfile.TemporaryDirectory() as tmp:
        data_path = os.path.join(tmp, "sample.csv")
        out = subprocess.run(
            ["cargo", "bench", "--quiet", "--bench", "design_compare", "--",
             str(RECORDS), data_path, str(RUST_RUNS)],
            cwd=root, check=True, capture_output=True, text=True,
        ).stdout
        rust = json.loads(out.strip().splitlines()[-1])
        out = subprocess.run(
            ["Rscript", os.path.join(root, "benches", "compare_r.R"), data_path, str(R_RUNS)],
            cwd=tmp, check=True, capture_output=True, text=True,
        ).stdout
        r = json.loads(out.strip().splitlines()[-1])

    pairs = [(a, b) for ra, rb in zip(rust["by_role"], r["by_role"]) for a, b in zip(ra, rb)]
    pairs += list(zip(rust["raked_mean"], r["raked_mean"]))
    pairs += [(a, b) for ra, rb in zip(rust["rating_by_role"], r["rating_by_role"]) for a, b in zip(ra, rb)]
    if rust["median"] != r["median"]:
        sys.exit(f"the medians disagree: {rust['median']} vs {r['median']}")
    replicated = [(a, b) for ra, rb in zip(rust["rep_by_role"], r["rep_by_role"]) for a, b in zip(ra, rb)]
    if not all(abs(a - b) <= (1e-13 if i % 2 == 0 else 1e-10) * max(abs(a), abs(b))
               for i, (a, b) in enumerate(replicated)):
        sys.exit(f"the replicate estimates disagree: {rust['rep_by_role']} vs {r['rep_by_role']}")
    pairs += [p for i, p in enumerate(replicated) if i % 2 == 0]
    worst = max(abs(a - b) / max(abs(a), abs(b)) for a, b in pairs)
    if len(rust["by_role"]) != len(r["by_role"]) or not all(close(a, b) for a, b in pairs):
        sys.exit(f"the two disagree (largest relative difference {worst:.2e}):\n{rust}\n{r}")
    calibrated = list(zip(rust["calibrated_mean"] + rust["calibrated_weights"],
                          r["calibrated_mean"] + r["calibrated_weights"]))
    worst_calibrated = max(abs(a - b) / max(abs(a), abs(b)) for a, b in calibrated)
    if worst_calibrated > 1e-10:
        sys.exit(f"the calibrations disagree (largest relative difference {worst_calibrated:.2e})")

    print(f"{RECORDS:,} respondents, 50 strata, 1,000 clusters; R survey {r['version']}; "
          f"medians of {RUST_RUNS} (Rust) and {R_RUNS} (R) runs")
    print(f"same numbers: largest relative difference {worst:.1e} "
          f"(Rust raked in {rust['rake_iterations']} passes); calibrated: {worst_calibrated:.1e}")
    print(f"{'step':<16}{'R ms':>10}{'Rust ms':>10}{'R / Rust':>10}")
    for step in ["design", "by_role", "rake", "raked_mean", "rating_by_role", "median",
                 "rep_by_role", "calibrate", "calibrated_mean"]:
        a, b = r["ms"][step], rust["ms"][step]
        print(f"{step:<16}{a:>10.1f}{b:>10.2f}{a / b:>9.0f}x")


if __name__ == "__main__":
    main()

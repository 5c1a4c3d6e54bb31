# The R half of benches/compare_r.py: times R's survey package on the sample that
# benches/design_compare.rs wrote, and prints the medians and the numbers as JSON.
# Usage: Rscript benches/compare_r.R DATA_FILE RUNS
suppressPackageStartupMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
path <- args[1]
runs <- as.integer(args[2])
data <- read.csv(path)
totals <- lapply(strsplit(readLines(paste0(path, ".totals")), ","), as.numeric)
median_ms <- function(f) {
  times <- vapply(seq_len(runs), function(i) {
    gc(FALSE)
    start <- proc.time()[["elapsed"]]
    f()
    (proc.time()[["elapsed"]] - start) * 1000
  }, numeric(1))
  sort(times)[(length(times) %/% 2) + 1]
}
build <- function() svydesign(ids = ~cluster, strata = ~stratum, weights = ~weight, data = data, nest = TRUE)
design <- build()
by_role_fn <- function() svyby(~y, ~role, design, svymean, na.rm = TRUE)
population <- list(
  data.frame(region = seq_along(totals[[1]]) - 1, Freq = totals[[1]]),
  data.frame(gender = seq_along(totals[[2]]) - 1, Freq = totals[[2]]),
  data.frame(age = seq_along(totals[[3]]) - 1, Freq = totals[[3]])
)
rake_fn <- function() rake(design, list(~region, ~gender, ~age), population)
by_role <- by_role_fn()
raked <- rake_fn()
raked_mean_fn <- function() svymean(~y, raked, na.rm = TRUE)
raked_mean <- raked_mean_fn()
rating_fn <- function() svyby(~rating, ~role, design, svymean, na.rm = TRUE)
rating_by_role <- rating_fn()
median_fn <- function() svyquantile(~amount, design, 0.5, ci = TRUE, interval.type = "mean",
                                    qrule = "math", na.rm = TRUE)
med <- median_fn()[[1]]
# 80 replicate weights supplied as combined weights: the weight times a factor of the record's PSU
# (the same hash as design_compare.rs).
factors <- outer(0:999, 0:79, function(p, r) ((p * 2654435761 + r * 40503 + p * r * 97) %% 1000003 %% 5) * 0.5)
repweights <- data$weight * factors[data$cluster + 1, ]
repdesign <- svrepdesign(weights = ~weight, repweights = repweights, type = "bootstrap",
                         scale = 1 / 79, data = data, combined.weights = TRUE)
stopifnot(degf(repdesign) == 79)
rep_fn <- function() svyby(~y, ~role, repdesign, svymean, na.rm = TRUE)
rep_by_role <- rep_fn()
# Linear calibration to the three margins and the amount (12 columns, R's closed form).
calibration_totals <- c(sum(totals[[1]]), totals[[1]][-1], totals[[2]][-1], totals[[3]][-1], totals[[4]])
calibrate_fn <- function() calibrate(design, ~factor(region) + factor(gender) + factor(age) + amount,
                                     population = calibration_totals)
calibrated <- calibrate_fn()
calibrated_mean_fn <- function() svymean(~y, calibrated, na.rm = TRUE)
calibrated_mean <- calibrated_mean_fn()
cw <- weights(calibrated)
ms <- c(
  design = median_ms(build),
  by_role = median_ms(by_role_fn),
  rake = median_ms(rake_fn),
  raked_mean = median_ms(raked_mean_fn),
  rating_by_role = median_ms(rating_fn),
  median = median_ms(median_fn),
  rep_by_role = median_ms(rep_fn),
  calibrate = median_ms(calibrate_fn),
  calibrated_mean = median_ms(calibrated_mean_fn)
)
fmt <- function(x) formatC(x, digits = 17, format = "g")
cat(sprintf('{"version":"%s","ms":{%s},"by_role":[%s],"raked_mean":[%s,%s],"rating_by_role":[%s],"median":[%s,%s,%s],"rep_by_role":[%s],"calibrated_mean":[%s,%s],"calibrated_weights":[%s,%s,%s]}\n',
  as.character(packageVersion("survey")),
  paste(sprintf('"%s":%s', names(ms), fmt(ms)), collapse = ","),
  paste(sprintf("[%s,%s]", fmt(coef(by_role)), fmt(SE(by_role))), collapse = ","),
  fmt(coef(raked_mean)), fmt(SE(raked_mean)),
  paste(sprintf("[%s,%s]", fmt(coef(rating_by_role)), fmt(SE(rating_by_role))), collapse = ","),
  fmt(med[1, 1]), fmt(med[1, 2]), fmt(med[1, 3]),
  paste(sprintf("[%s,%s]", fmt(coef(rep_by_role)), fmt(SE(rep_by_role))), collapse = ","),
  fmt(coef(calibrated_mean)), fmt(SE(calibrated_mean)),
  fmt(cw[1]), fmt(cw[length(cw) %/% 2 + 1]), fmt(cw[length(cw)])))

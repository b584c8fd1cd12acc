#!/usr/bin/env Rscript
# Independent reference values for package listen (spec listening.md §4, §7.2).
# Writes reference.json next to this file: every case carries its inputs and R's answers at
# full double precision; listen/reference_test.go reads it. Run from anywhere:
#   Rscript listen/testdata/reference.R
# Base R only: prop.test (Wilson intervals and the pooled two-proportion test), t.test (t
# intervals and Welch's test), pnorm (the NPS z-test) and the adjusted-Wald formula written out.

args <- commandArgs(trailingOnly = FALSE)
fileArg <- sub("^--file=", "", args[grep("^--file=", args)])
dir <- if (length(fileArg) == 1) dirname(normalizePath(fileArg)) else "."

num <- function(x) {
  if (is.null(x) || length(x) == 0 || is.na(x)) return("null")
  if (x == round(x) && abs(x) < 1e15) sprintf("%.0f", x) else sprintf("%.17g", x)
}
arr <- function(v) paste0("[", paste(sapply(v, num), collapse = ", "), "]")
obj <- function(keys, vals) paste0("{", paste(sprintf("\"%s\": %s", keys, vals), collapse = ", "), "}")
z <- qnorm(0.975)

# ---- NPS: counts per answer 0..10 --------------------------------------------------------
nps_cases <- list(
  spec = c(40, 0, 0, 0, 0, 0, 0, 70, 0, 0, 90),  # P = 90, D = 40, passives 70: n 200
  spec_spread = c(5, 5, 5, 5, 5, 5, 10, 30, 40, 50, 40),
  all_promoters = c(rep(0, 9), 12, 8),
  all_detractors = c(3, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0),
  one = c(rep(0, 10), 1),
  small = c(1, 0, 2, 0, 1, 0, 1, 2, 1, 1, 1),
  big = c(400, 120, 150, 200, 260, 500, 700, 1600, 2400, 2100, 1900)
)
nps_adj <- function(P, D, n) {
  n1 <- n + 3; p <- (P + 0.75) / n1; d <- (D + 0.75) / n1; e <- p - d
  se <- sqrt((p + d - e^2) / n1)
  c(max(-100, 100 * (e - z * se)), min(100, 100 * (e + z * se)))
}
nps_json <- sapply(names(nps_cases), function(k) {
  cnt <- nps_cases[[k]]; n <- sum(cnt); P <- sum(cnt[10:11]); D <- sum(cnt[1:7])
  ci <- nps_adj(P, D, n)
  sprintf("\"%s\": %s", k, obj(c("counts", "n", "promoters", "detractors", "value", "ci"),
    c(arr(cnt), num(n), num(P), num(D), num(100 * (P - D) / n), arr(ci))))
})

# NPS change: z-test of the unadjusted shares, two-sided (§4.4)
nps_change <- list(
  clear = list(nps_cases$big, nps_cases$spec_spread),
  same = list(nps_cases$spec, nps_cases$spec),
  small = list(nps_cases$small, nps_cases$one + c(rep(0, 6), 2, 0, 0, 0, 0)),
  degenerate = list(nps_cases$all_promoters, c(rep(0, 9), 5, 0))   # v1 + v2 = 0
)
npsc_json <- sapply(names(nps_change), function(k) {
  a <- nps_change[[k]][[1]]; b <- nps_change[[k]][[2]]
  sh <- function(cnt) { n <- sum(cnt); p <- sum(cnt[10:11]) / n; d <- sum(cnt[1:7]) / n
    e <- p - d; c(e, (p + d - e^2) / n) }
  s1 <- sh(a); s2 <- sh(b); v <- s1[2] + s2[2]
  zz <- if (v > 0) (s1[1] - s2[1]) / sqrt(v) else NA
  p <- if (v > 0) 2 * pnorm(-abs(zz)) else NA
  sprintf("\"%s\": %s", k, obj(c("a", "b", "diff", "z", "p"),
    c(arr(a), arr(b), num(100 * (s1[1] - s2[1])), num(zz), num(p))))
})

# ---- Wilson intervals: prop.test(S, n, correct = FALSE) ----------------------------------
wilson_cases <- list(c(160, 200), c(0, 10), c(10, 10), c(1, 1), c(0, 1), c(7, 13), c(3, 1000),
                     c(999, 1000), c(55, 100), c(123456, 250000))
wilson_json <- sapply(wilson_cases, function(sn) {
  r <- suppressWarnings(prop.test(sn[1], sn[2], correct = FALSE))
  obj(c("s", "n", "ci"), c(num(sn[1]), num(sn[2]), arr(100 * r$conf.int)))
})

# ---- pooled two-proportion test: prop.test(c(S1, S2), c(n1, n2), correct = FALSE) ---------
prop_cases <- list(c(160, 200, 140, 200), c(30, 50, 45, 60), c(5, 12, 9, 11), c(0, 20, 3, 25),
                   c(500, 1000, 500, 1000), c(4000, 9000, 4300, 9100), c(0, 10, 0, 15), c(10, 10, 8, 8))
prop_json <- sapply(prop_cases, function(v) {
  r <- suppressWarnings(prop.test(v[c(1, 3)], v[c(2, 4)], correct = FALSE))
  obj(c("s1", "n1", "s2", "n2", "p"), c(num(v[1]), num(v[2]), num(v[3]), num(v[4]), num(r$p.value)))
})

# ---- means on a scale: counts per answer value from min --------------------------------------
mean_cases <- list(
  csat = list(min = 1, counts = c(12, 18, 40, 70, 60)),
  csat_b = list(min = 1, counts = c(20, 25, 40, 50, 30)),
  ces = list(min = 1, counts = c(3, 4, 8, 15, 30, 25, 15)),
  ces_b = list(min = 1, counts = c(1, 2, 3, 4, 5, 6, 7)),
  two = list(min = 1, counts = c(1, 0, 0, 0, 1)),
  zero_based = list(min = 0, counts = c(2, 1, 0, 4, 5, 9, 3, 8, 7, 1, 6))
)
expand <- function(cs) rep(cs$min + seq_along(cs$counts) - 1, cs$counts)
mean_json <- sapply(names(mean_cases), function(k) {
  x <- expand(mean_cases[[k]]); r <- t.test(x)
  sprintf("\"%s\": %s", k, obj(c("min", "counts", "mean", "ci"),
    c(num(mean_cases[[k]]$min), arr(mean_cases[[k]]$counts), num(mean(x)), arr(r$conf.int))))
})
welch_pairs <- list(c("csat", "csat_b"), c("ces", "ces_b"), c("ces_b", "two"), c("csat", "two"))
welch_json <- sapply(welch_pairs, function(pr) {
  r <- t.test(expand(mean_cases[[pr[1]]]), expand(mean_cases[[pr[2]]]))
  obj(c("a", "b", "t", "df", "p"), c(sprintf("\"%s\"", pr[1]), sprintf("\"%s\"", pr[2]),
    num(unname(r$statistic)), num(unname(r$parameter)), num(r$p.value)))
})

# ---- compound scores (multiples of 1e-4): mean and t interval --------------------------------
comp <- c(0.9468, -0.5423, 0.0000, 0.4404, 0.7783, -0.0258, 0.0500, -0.0500, 0.9999, -0.8176,
          0.3612, 0.6249)
comp2 <- c(-0.3182, 0.1027, -0.7096, 0.0772, -0.4767, 0.2263, -0.6486, 0.0, -0.1531)
r1 <- t.test(comp); r2 <- t.test(comp, comp2)
comp_json <- obj(c("a", "b", "mean", "ci", "welch_p"),
  c(arr(comp), arr(comp2), num(mean(comp)), arr(r1$conf.int), num(r2$p.value)))

out <- paste0("{\n",
  "\"r_version\": \"", R.version.string, "\",\n",
  "\"nps\": {", paste(nps_json, collapse = ",\n"), "},\n",
  "\"nps_change\": {", paste(npsc_json, collapse = ",\n"), "},\n",
  "\"wilson\": [", paste(wilson_json, collapse = ",\n"), "],\n",
  "\"two_proportion\": [", paste(prop_json, collapse = ",\n"), "],\n",
  "\"means\": {", paste(mean_json, collapse = ",\n"), "},\n",
  "\"welch\": [", paste(welch_json, collapse = ",\n"), "],\n",
  "\"compound\": ", comp_json, "\n}\n")
writeLines(out, file.path(dir, "reference.json"))

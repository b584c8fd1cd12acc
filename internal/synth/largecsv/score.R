#!/usr/bin/env Rscript
# The peer that `cxm score` is timed against (docs/benchmarks.md): the same figures computed the
# way an analyst would in R with psych (Cronbach's alpha) and multilevel (rwg(j)), on the file that
# `go run ./internal/synth/largecsv -o DIR` writes.
#   Rscript internal/synth/largecsv/score.R DIR/framework.yaml DIR/responses.csv
# Needs the Debian packages r-base-core r-cran-psych r-cran-multilevel r-cran-yaml.
suppressPackageStartupMessages({
  library(yaml)
  library(psych)
  library(multilevel)
})

args <- commandArgs(trailingOnly = TRUE)
fw <- yaml::read_yaml(args[1])
d <- read.csv(args[2], colClasses = "character", na.strings = c("", "NA", "na", "dk", "?"),
              check.names = FALSE)
lo <- fw$scale$min
hi <- fw$scale$max
A <- hi - lo + 1
k <- 5

stage_of <- function(s) {
  from <- sapply(fw$stages, `[[`, "from")
  fw$stages[[max(which(from <= s))]]$id
}

idx <- list()
rows <- list()
for (comp in fw$competencies) {
  ids <- sapply(comp$items, `[[`, "id")
  rev <- sapply(comp$items, function(it) isTRUE(it$reverse))
  w <- sapply(comp$items, function(it) if (is.null(it$weight)) 1 else it$weight)
  m <- sapply(ids, function(i) as.numeric(d[[i]]))
  m[, rev] <- lo + hi - m[, rev]
  ans <- !is.na(m)
  J <- length(ids)
  val <- rowSums(sweep(ifelse(ans, m, 0), 2, w, `*`)) / (ans %*% w)
  val[rowSums(ans) < ceiling(J / 2)] <- NA
  x <- 100 * (val - lo) / (hi - lo)
  idx[[comp$id]] <- x
  ok <- x[!is.na(x)]
  n <- length(ok)
  h <- qt(0.975, n - 1) * sd(ok) / sqrt(n)
  complete <- m[rowSums(ans) == J, , drop = FALSE]
  a <- psych::alpha(complete, check.keys = FALSE, warnings = FALSE)$total$raw_alpha
  r <- multilevel::rwg.j(complete, rep(1, nrow(complete)), ranvar = (A^2 - 1) / 12)$rwg.j
  byunit <- tapply(x, d$unit, function(v) if (sum(!is.na(v)) >= k) mean(v, na.rm = TRUE) else NA)
  rows[[comp$id]] <- data.frame(competency = comp$id, n = n, score = mean(ok), lo = mean(ok) - h,
                                hi = mean(ok) + h, alpha = a, rwg = r, stage = stage_of(mean(ok)),
                                gap = max(byunit, na.rm = TRUE) - min(byunit, na.rm = TRUE))
}
res <- do.call(rbind, rows)
weakest <- res$competency[which.min(res$score)]
res$p_vs_weakest <- sapply(res$competency, function(c) {
  if (c == weakest) return(NA)
  both <- !is.na(idx[[c]]) & !is.na(idx[[weakest]])
  t.test(idx[[c]][both], idx[[weakest]][both], paired = TRUE)$p.value
})
print(res, row.names = FALSE)
cat("weakest:", weakest, "\n")

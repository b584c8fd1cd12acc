#!/usr/bin/env Rscript
# Independent reference values for cxm's scoring engine (spec: scoring.md sections 2-5).
# Reads ref-responses.csv (and ref-disagree.csv), framework structure hard-coded below from
# ref-framework.yaml, writes reference.json with full double precision.
# Run from this directory:  Rscript reference.R
# Needs R packages psych and multilevel (Debian: r-cran-psych r-cran-multilevel).

suppressPackageStartupMessages({
  library(psych)
  library(multilevel)
})

args <- commandArgs(trailingOnly = FALSE)
fileArg <- sub("^--file=", "", args[grep("^--file=", args)])
dir <- if (length(fileArg) == 1) dirname(normalizePath(fileArg)) else "."

# ---- framework (hard-coded copy of ref-framework.yaml) --------------------------------------
scale_min <- 1
scale_max <- 5
A <- scale_max - scale_min + 1
weak_below <- 50
stages <- data.frame(id = c("low", "mid", "high"), from = c(0, 40, 70), stringsAsFactors = FALSE)
comps <- list(
  "alpha-c" = list(items = c("a1", "a2", "a3", "a4"), reverse = c(FALSE, TRUE, FALSE, FALSE),
                   weight = c(1, 2, 1, 1)),
  "beta-c"  = list(items = c("b1", "b2", "b3"), reverse = c(FALSE, FALSE, TRUE),
                   weight = c(1, 1, 0.5)),
  "gamma-c" = list(items = c("g1", "g2"), reverse = c(FALSE, FALSE), weight = c(1, 1))
)
group_attrs <- c("department", "level")

# ---- reading ---------------------------------------------------------------------------------
read_responses <- function(path) {
  d <- read.csv(path, colClasses = "character", na.strings = character(0),
                check.names = FALSE, stringsAsFactors = FALSE, strip.white = FALSE)
  items <- unlist(lapply(comps, `[[`, "items"))
  stopifnot(all(items %in% names(d)), anyDuplicated(d$respondent) == 0)
  for (it in items) {
    v <- d[[it]]
    na <- v %in% c("", "NA", "na", "dk", "?")
    ok <- grepl("^[0-9]+$", v) & !na
    if (any(!na & !ok)) stop("bad answer in column ", it)
    x <- rep(NA_real_, length(v))
    x[ok] <- as.numeric(v[ok])
    if (any(x < scale_min | x > scale_max, na.rm = TRUE)) stop("out of scale in column ", it)
    d[[it]] <- x
  }
  d
}

# item values after reversal (matrix respondents x items, NA = no answer)
item_values <- function(d, comp) {
  m <- as.matrix(d[, comp$items, drop = FALSE])
  for (j in seq_along(comp$items)) if (comp$reverse[j]) m[, j] <- scale_min + scale_max - m[, j]
  rownames(m) <- d$respondent
  m
}

# per respondent index (NA when left out: fewer than ceiling(J/2) answers)
indices_of <- function(d, comp) {
  m <- item_values(d, comp)
  J <- ncol(m)
  idx <- apply(m, 1, function(v) {
    ans <- !is.na(v)
    if (sum(ans) < ceiling(J / 2)) return(NA_real_)
    val <- sum(comp$weight[ans] * v[ans]) / sum(comp$weight[ans])
    100 * (val - scale_min) / (scale_max - scale_min)
  })
  names(idx) <- d$respondent
  idx
}

summary_of <- function(idx) {
  x <- idx[!is.na(idx)]
  n <- length(x)
  if (n == 0) return(list(n = 0, score = NA, sd = NA, ci = NULL))
  m <- mean(x)
  if (n < 2) return(list(n = n, score = m, sd = NA, ci = NULL))
  s <- sd(x)
  h <- qt(0.975, n - 1) * s / sqrt(n)
  list(n = n, score = m, sd = s, ci = c(m - h, m + h))
}

alpha_by_hand <- function(m) {
  J <- ncol(m)
  if (nrow(m) < 2) return(NA_real_)
  st2 <- var(rowSums(m))
  if (st2 == 0) return(NA_real_)
  J / (J - 1) * (1 - sum(apply(m, 2, var)) / st2)
}

rwg_by_hand <- function(m, truncate = TRUE) {
  J <- ncol(m)
  if (nrow(m) < 2) return(NA_real_)
  ranvar <- (A^2 - 1) / 12
  s2 <- mean(apply(m, 2, var))
  if (truncate && s2 > ranvar) return(0)
  q <- s2 / ranvar
  J * (1 - q) / (J * (1 - q) + q)
}

reliability_of <- function(d, comp, name) {
  m <- item_values(d, comp)
  m <- m[complete.cases(m), , drop = FALSE]
  k <- nrow(m)
  a_hand <- alpha_by_hand(m)
  a_psych <- NA_real_
  if (!is.na(a_hand)) {
    a_psych <- suppressWarnings(suppressMessages(
      psych::alpha(as.data.frame(m), check.keys = FALSE, warnings = FALSE)))$total$raw_alpha
    if (abs(a_psych - a_hand) > 1e-12)
      stop(sprintf("%s: psych alpha %.17g != hand alpha %.17g", name, a_psych, a_hand))
  }
  r_hand <- rwg_by_hand(m)
  r_raw <- rwg_by_hand(m, truncate = FALSE)
  r_ml <- NA_real_
  if (k >= 2) {
    r_ml <- multilevel::rwg.j(as.data.frame(m), grpid = rep(1, k), ranvar = (A^2 - 1) / 12)$rwg.j
    if (abs(r_ml - r_hand) > 1e-12)
      message(sprintf("NOTE %s: multilevel rwg.j %.17g != spec rwg %.17g (raw formula %.17g)",
                      name, r_ml, r_hand, r_raw))
  }
  list(complete = k, alpha = a_hand, alpha_psych = a_psych, rwg = r_hand, rwg_raw = r_raw,
       rwg_multilevel = r_ml,
       mean_item_var = if (k >= 2) mean(apply(m, 2, var)) else NA_real_)
}

stage_of <- function(score) stages$id[max(which(stages$from <= score))]

# ---- JSON writing ------------------------------------------------------------------------------
jnum <- function(x) if (is.null(x) || length(x) == 0 || is.na(x)) "null" else
  if (x == round(x) && abs(x) < 1e15) sprintf("%.0f", x) else sprintf("%.17g", x)
jstr <- function(s) paste0("\"", gsub("\"", "\\\\\"", s), "\"")
jci <- function(ci) if (is.null(ci)) "null" else paste0("[", jnum(ci[1]), ",", jnum(ci[2]), "]")
jobj <- function(keys, vals) paste0("{", paste0(jstr(keys), ":", vals, collapse = ","), "}")
jsum <- function(s) jobj(c("n", "score", "sd", "ci"), c(jnum(s$n), jnum(s$score), jnum(s$sd), jci(s$ci)))
jbool <- function(b) if (b) "true" else "false"

# ---- main fixture ------------------------------------------------------------------------------
d <- read_responses(file.path(dir, "ref-responses.csv"))

idx <- lapply(comps, indices_of, d = d)
summ <- lapply(idx, summary_of)
rel <- setNames(mapply(reliability_of, list(d), comps, names(comps), SIMPLIFY = FALSE), names(comps))

comp_json <- sapply(names(comps), function(c) {
  s <- summ[[c]]; r <- rel[[c]]
  jobj(c("n", "score", "sd", "ci", "alpha", "rwg", "complete"),
       c(jnum(s$n), jnum(s$score), jnum(s$sd), jci(s$ci), jnum(r$alpha), jnum(r$rwg), jnum(r$complete)))
})

ind_json <- sapply(names(comps), function(c) {
  x <- idx[[c]][!is.na(idx[[c]])]
  x <- x[order(names(x))]
  jobj(names(x), sapply(x, jnum))
})

scores <- sapply(summ, `[[`, "score")
scored <- scores[!is.na(scores)]
weakest <- names(scored)[which.min(scored)]  # which.min: first of ties = earlier in file
diag <- scored[scored < weak_below]
diag <- diag[order(diag)]                    # order() is stable: ties keep file order
overall_json <- jobj(c("mean", "weakest", "stage", "diagnosis"),
  c(jnum(mean(scored)), jstr(weakest), jstr(stage_of(scored[[weakest]])),
    paste0("[", paste0(sapply(names(diag), function(c)
      jobj(c("competency", "score"), c(jstr(c), jnum(diag[[c]])))), collapse = ","), "]")))

groups_json <- sapply(group_attrs, function(a) {
  vals <- sort(unique(d[[a]]))
  jobj(vals, sapply(vals, function(v) {
    sub <- d[d[[a]] == v, , drop = FALSE]
    jobj(c("n", "competencies"),
         c(jnum(nrow(sub)), jobj(names(comps), sapply(comps, function(cp) jsum(summary_of(indices_of(sub, cp)))))))
  }))
})

dfs <- c(1, 2, 3, 4, 5, 9, 19, 29, 99, 999, 99999)
qt_json <- jobj(as.character(dfs), sapply(qt(0.975, dfs), jnum))

# ---- disagreement fixture --------------------------------------------------------------------
dd <- read_responses(file.path(dir, "ref-disagree.csv"))
d_summ <- lapply(comps, function(cp) summary_of(indices_of(dd, cp)))
d_rel <- setNames(mapply(reliability_of, list(dd), comps, names(comps), SIMPLIFY = FALSE), names(comps))
g <- d_rel[["gamma-c"]]
disagree_json <- jobj(
  c("respondents", "gamma_rwg", "gamma_mean_item_variance", "gamma_rwg_raw_formula",
    "gamma_rwg_multilevel", "multilevel_truncates",
    "scores", "competencies"),
  c(jnum(nrow(dd)), jnum(g$rwg), jnum(g$mean_item_var), jnum(g$rwg_raw), jnum(g$rwg_multilevel),
    jbool(isTRUE(all.equal(g$rwg_multilevel, g$rwg))),
    jobj(names(comps), sapply(d_summ, function(s) jnum(s$score))),
    jobj(names(comps), sapply(names(comps), function(c) {
      s <- d_summ[[c]]; r <- d_rel[[c]]
      jobj(c("n", "score", "sd", "ci", "alpha", "rwg", "complete", "mean_item_variance"),
           c(jnum(s$n), jnum(s$score), jnum(s$sd), jci(s$ci), jnum(r$alpha), jnum(r$rwg),
             jnum(r$complete), jnum(r$mean_item_var)))
    }))))

# how multilevel::rwg.j compares with the spec on both fixtures
ml_note <- jobj(c("multilevel_version", "psych_version", "R_version", "rwg_multilevel_main", "rwg_multilevel_disagree_gamma"),
  c(jstr(as.character(packageVersion("multilevel"))), jstr(as.character(packageVersion("psych"))),
    jstr(paste(R.version$major, R.version$minor, sep = ".")),
    jobj(names(comps), sapply(rel, function(r) jnum(r$rwg_multilevel))),
    jnum(g$rwg_multilevel)))

out <- jobj(c("scale", "competencies", "indices", "overall", "groups", "qt975", "disagree", "_meta"),
  c(jobj(c("min", "max"), c(jnum(scale_min), jnum(scale_max))),
    jobj(names(comps), comp_json),
    jobj(names(comps), ind_json),
    overall_json,
    jobj(group_attrs, groups_json),
    qt_json,
    disagree_json,
    ml_note))
writeLines(out, file.path(dir, "reference.json"))
cat("wrote", file.path(dir, "reference.json"), "\n")

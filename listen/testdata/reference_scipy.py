#!/usr/bin/python3
"""Cross-checks listen/testdata/reference.json (written by reference.R) with SciPy.

Every number R wrote is recomputed here independently: Wilson intervals by
scipy.stats.binomtest(...).proportion_ci(method="wilson"), the pooled two-proportion test as
scipy.stats.chi2_contingency(correction=False) on the 2x2 table, t intervals by
scipy.stats.t.interval, Welch's test by scipy.stats.ttest_ind(equal_var=False), the NPS z-test
p by scipy.stats.norm.sf. Exits 1 on any disagreement beyond 1e-9 (relative).
Run with the Debian python that has scipy:  /usr/bin/python3 listen/testdata/reference_scipy.py
"""
import json
import math
import os
import sys

import numpy as np
from scipy import stats

HERE = os.path.dirname(os.path.abspath(__file__))
ref = json.load(open(os.path.join(HERE, "reference.json")))
bad = []


def close(what, got, want, tol=1e-9):
    if want is None or got is None:
        if want is not got and not (want is None and (got is None or math.isnan(got))):
            bad.append(f"{what}: scipy {got} R {want}")
        return
    if abs(got - want) > tol * max(1.0, abs(want)):
        bad.append(f"{what}: scipy {got!r} R {want!r}")


for w in ref["wilson"]:
    ci = stats.binomtest(w["s"], w["n"]).proportion_ci(confidence_level=0.95, method="wilson")
    close(f"wilson {w['s']}/{w['n']} lo", 100 * ci.low, w["ci"][0])
    close(f"wilson {w['s']}/{w['n']} hi", 100 * ci.high, w["ci"][1])

for c in ref["two_proportion"]:
    table = np.array([[c["s1"], c["n1"] - c["s1"]], [c["s2"], c["n2"] - c["s2"]]])
    if (table.sum(axis=0) == 0).any():
        p = None
    else:
        p = stats.chi2_contingency(table, correction=False)[1]
    close(f"prop {c}", p, c["p"])


def expand(m):
    return np.repeat(np.arange(m["min"], m["min"] + len(m["counts"])), m["counts"]).astype(float)


for k, m in ref["means"].items():
    x = expand(m)
    lo, hi = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    close(f"mean {k}", x.mean(), m["mean"])
    close(f"mean {k} lo", lo, m["ci"][0])
    close(f"mean {k} hi", hi, m["ci"][1])

for w in ref["welch"]:
    r = stats.ttest_ind(expand(ref["means"][w["a"]]), expand(ref["means"][w["b"]]), equal_var=False)
    close(f"welch {w['a']} {w['b']} t", r.statistic, w["t"])
    close(f"welch {w['a']} {w['b']} p", r.pvalue, w["p"])

for k, c in ref["nps_change"].items():
    def shares(cnt):
        n = sum(cnt)
        p, d = sum(cnt[9:]) / n, sum(cnt[:7]) / n
        return p - d, (p + d - (p - d) ** 2) / n
    (e1, v1), (e2, v2) = shares(c["a"]), shares(c["b"])
    p = 2 * stats.norm.sf(abs((e1 - e2) / math.sqrt(v1 + v2))) if v1 + v2 > 0 else None
    close(f"nps change {k}", p, c["p"])

comp = ref["compound"]
a = np.array(comp["a"])
lo, hi = stats.t.interval(0.95, len(a) - 1, loc=a.mean(), scale=stats.sem(a))
close("compound lo", lo, comp["ci"][0])
close("compound hi", hi, comp["ci"][1])
close("compound welch", stats.ttest_ind(a, comp["b"], equal_var=False).pvalue, comp["welch_p"])

if bad:
    print("\n".join(bad))
    sys.exit(1)
print("reference.json agrees with SciPy", stats.__name__, __import__("scipy").__version__)

#!/usr/bin/python3
"""Reference values for the next stage of cxm's scoring (spec scoring.md 5.2 and 5.3).

Writes reference_stats.json next to this file:
  welch: Welch's two-sided t-test (scipy.stats.ttest_ind(a, b, equal_var=False)) with the
         Welch-Satterthwaite df computed by formula (checked against result.df when scipy has it)
  percentiles: numpy.percentile (default, linear) p25/median/p75 of peer scores, and for query
         scores x the percentile 100 * (count below + 0.5 * count equal) / n.
Run with the Debian python that has scipy:  /usr/bin/python3 reference_stats.py
"""
import json
import math
import os

import numpy as np
import scipy
from scipy import stats

HERE = os.path.dirname(os.path.abspath(__file__))

WELCH = {
    # a small pair: 8 and 11 respondent indices
    "small": (
        [62.5, 50.0, 75.0, 43.75, 68.75, 56.25, 81.25, 37.5],
        [50.0, 62.5, 75.0, 87.5, 68.75, 93.75, 56.25, 81.25, 62.5, 75.0, 100.0],
    ),
    # a clear difference between the waves
    "clear": (
        [25.0, 37.5, 31.25, 43.75, 18.75, 37.5, 50.0, 25.0, 31.25, 43.75, 37.5, 28.125],
        [75.0, 68.75, 87.5, 81.25, 62.5, 93.75, 75.0, 81.25, 70.0, 87.5],
    ),
    # no difference at all: equal means (t = 0, p = 1)
    "none": (
        [40.0, 50.0, 60.0, 50.0, 45.0, 55.0],
        [30.0, 70.0, 50.0, 50.0, 25.0, 75.0, 50.0, 50.0],
    ),
    # very unequal variances and sizes
    "unequal_var": (
        [50.0, 52.5, 47.5, 50.0, 51.25, 48.75],
        [0.0, 100.0, 12.5, 87.5, 25.0, 75.0, 37.5, 62.5, 6.25, 93.75,
         50.0, 18.75, 81.25, 31.25, 68.75, 43.75, 56.25, 100.0, 0.0, 62.5],
    ),
}

PEERS = {
    # n = 5 and n = 13: quartile positions are whole ranks; ties at them
    "five": ([50.0, 62.5, 50.0, 75.0, 40.0], [30.0, 40.0, 50.0, 55.0, 62.5, 75.0, 90.0]),
    # n = 8: quartile positions 1.75, 3.5, 5.25 fall between ranks (interpolation)
    "eight": ([55.0, 70.0, 52.0, 62.5, 80.0, 45.0, 55.0, 71.0],
              [40.0, 45.0, 55.0, 60.0, 70.0, 80.0, 85.0]),
    "thirteen": ([48.0, 52.5, 61.0, 48.0, 73.25, 66.0, 52.5, 48.0, 90.0, 35.5, 61.0, 70.0, 58.0],
                 [20.0, 35.5, 48.0, 50.0, 52.5, 61.0, 90.0, 95.0]),
    # extra: n = 10, positions 2.25, 4.5, 6.75, ties across a quartile
    "ten": ([66.5, 41.0, 58.25, 41.0, 77.0, 58.25, 58.25, 90.5, 33.0, 70.0],
            [33.0, 41.0, 50.0, 58.25, 60.0, 90.5, 91.0]),
}


def welch(a, b):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    res = stats.ttest_ind(a, b, equal_var=False)
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    t_hand = (a.mean() - b.mean()) / math.sqrt(va + vb)
    p_hand = 2 * stats.t.sf(abs(t_hand), df)
    assert abs(res.statistic - t_hand) <= 1e-12 * max(1, abs(t_hand)), (res.statistic, t_hand)
    assert abs(res.pvalue - p_hand) <= 1e-12, (res.pvalue, p_hand)
    if hasattr(res, "df"):
        assert abs(float(res.df) - df) <= 1e-9 * df, (res.df, df)
    return {"a": a.tolist(), "b": b.tolist(),
            "mean_a": float(a.mean()), "mean_b": float(b.mean()),
            "t": float(res.statistic), "df": float(df), "p": float(res.pvalue)}


def percentile_rank(peers, x):
    below = sum(1 for s in peers if s < x)
    equal = sum(1 for s in peers if s == x)
    return 100.0 * (below + 0.5 * equal) / len(peers)


def percentiles(peers, queries):
    p = np.asarray(peers, dtype=float)
    return {"scores": list(map(float, peers)), "n": len(peers),
            "p25": float(np.percentile(p, 25)), "median": float(np.percentile(p, 50)),
            "p75": float(np.percentile(p, 75)),
            "queries": [{"x": float(x), "percentile": percentile_rank(peers, x)} for x in queries]}


out = {
    "_meta": {"scipy": scipy.__version__, "numpy": np.__version__},
    "welch": {k: welch(a, b) for k, (a, b) in WELCH.items()},
    "percentiles": {k: percentiles(s, q) for k, (s, q) in PEERS.items()},
}
path = os.path.join(HERE, "reference_stats.json")
with open(path, "w") as f:
    # repr of a Python float round-trips exactly (shortest representation)
    json.dump(out, f, indent=1, allow_nan=False)
    f.write("\n")
print("wrote", path)

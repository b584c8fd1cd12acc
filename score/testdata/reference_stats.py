#!/usr/bin/python3
"""Reference values for cxm's scoring (spec scoring.md 4.10, 5.2 and 5.3).

Writes reference_stats.json next to this file:
  paired: the certainty of the verdict (4.10) for response tables of the test framework `tiny`
         (score_test.go: scale 1..5, competencies a, b, c, d of two unweighted items each, so a
         respondent's index is 25 * (mean answer - 1) over the answered items and a respondent
         answering neither item of a competency is left out of it): per competency the score,
         the weakest, and for every other competency m, diff = mean(index(c) - index(w)) over
         the respondents in both and p = scipy.stats.ttest_rel(c, w).pvalue (by the spec's rule
         when the differences do not vary), and tied_with.
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
    # issue 7: the same answers in another order give 67.688679245283 instead of
    # 67.68867924528297; counted equal, the percentile is 71.4, not 64.3
    "issue7": ([40.0, 50.0, 55.5, 60.0, 67.68867924528297, 67.688679245283, 80.0],
               [67.68867924528297, 67.688679245283]),
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


TIE = 1e-9  # spec 5.3: two scores are equal when they differ by at most 1e-9


def percentile_rank(peers, x):
    equal = sum(1 for s in peers if abs(s - x) <= TIE)
    below = sum(1 for s in peers if s < x and abs(s - x) > TIE)
    return 100.0 * (below + 0.5 * equal) / len(peers)


def percentiles(peers, queries):
    p = np.asarray(peers, dtype=float)
    return {"scores": list(map(float, peers)), "n": len(peers),
            "p25": float(np.percentile(p, 25)), "median": float(np.percentile(p, 50)),
            "p75": float(np.percentile(p, 75)),
            "queries": [{"x": float(x), "percentile": percentile_rank(peers, x)} for x in queries]}


N = None  # no answer

PAIRED = {
    # b is clearly the weakest
    "clear": [
        [4, 4, 2, 2, 3, 4, 4, 5], [5, 4, 1, 2, 4, 4, 5, 5], [3, 4, 2, 1, 3, 3, 4, 4],
        [4, 5, 2, 2, 4, 3, 5, 4], [4, 4, 1, 1, 3, 4, 4, 4], [5, 5, 2, 3, 4, 4, 5, 5],
        [3, 3, 2, 2, 2, 3, 3, 4], [4, 4, 3, 2, 4, 4, 4, 5], [5, 4, 2, 2, 3, 3, 5, 4],
        [4, 4, 1, 2, 4, 5, 4, 4], [3, 4, 2, 2, 3, 4, 4, 3], [4, 5, 3, 2, 4, 4, 5, 5],
    ],
    # b and c close: tied; d far above; a somewhat above
    "tied": [
        [3, 4, 2, 3, 3, 2, 5, 5], [4, 3, 3, 2, 2, 3, 4, 5], [3, 3, 2, 2, 3, 3, 5, 4],
        [4, 4, 3, 3, 2, 2, 4, 4], [2, 3, 2, 3, 3, 3, 5, 5], [3, 4, 3, 2, 2, 3, 4, 5],
        [4, 3, 2, 2, 3, 2, 5, 4], [3, 3, 3, 3, 3, 3, 4, 4],
    ],
    # respondents left out of one competency (both items unanswered) or answering one item of
    # two: m differs between pairs
    "missing": [
        [4, N, 2, 2, 3, 3, 4, 4], [5, 4, N, N, 4, 4, 5, 5], [3, 4, 2, 1, N, N, 4, 4],
        [4, 5, 2, 2, 4, 3, N, N], [N, N, 1, 1, 3, 4, 4, 4], [5, 5, 2, N, 4, 4, 5, 5],
        [3, 3, 2, 2, 2, 3, 3, 4], [4, 4, 3, 2, 4, 4, 4, 5], [5, 4, 2, 2, N, 3, 5, 4],
        [4, 4, 1, 2, 4, 5, 4, 4],
    ],
    # c - b is 25 for everyone (sd 0, p 0 by the spec); d - b is 0 for everyone (p 1); a is
    # below b for some and above for others
    "constant": [
        [3, 3, 2, 2, 3, 3, 2, 2], [1, 2, 3, 3, 4, 4, 3, 3], [5, 4, 2, 2, 3, 3, 2, 2],
        [2, 1, 1, 1, 2, 2, 1, 1], [4, 5, 3, 3, 4, 4, 3, 3], [2, 2, 2, 2, 3, 3, 2, 2],
    ],
    # two respondents in common only: m = 2 (df 1); one competency with one respondent
    "few": [
        [4, 4, 2, 2, 3, 3, N, N], [5, 4, 1, 2, 4, 5, N, N], [3, 3, 2, 3, N, N, 4, 4],
    ],
}


def random_table(seed, n):
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(n):
        level = rng.normal(3.2, 0.7)
        row = []
        for c, shift in enumerate([0.3, -0.4, -0.3, 0.5]):
            for _ in range(2):
                if rng.random() < 0.08:
                    row.append(N)
                else:
                    row.append(int(min(5, max(1, round(level + shift + rng.normal(0, 0.8))))))
        rows.append(row)
    return rows


PAIRED["random"] = random_table(7, 150)


def paired(rows):
    comps = "abcd"
    idx = []  # per respondent, per competency: index or None
    for row in rows:
        r = []
        for c in range(4):
            vals = [x for x in row[2 * c:2 * c + 2] if x is not None]
            r.append(None if len(vals) < 1 else 100 * (sum(vals) / len(vals) - 1) / 4)
        idx.append(r)
    scores = {}
    for c in range(4):
        xs = [r[c] for r in idx if r[c] is not None]
        if xs:
            scores[comps[c]] = float(np.mean(xs))
    w = min(scores, key=lambda k: (scores[k], comps.index(k)))  # ties: earlier in the file
    wi = comps.index(w)
    comparisons, tied = [], []
    for c in range(4):
        if comps[c] == w or comps[c] not in scores:
            continue
        both = [(r[c], r[wi]) for r in idx if r[c] is not None and r[wi] is not None]
        m = len(both)
        cv = np.array([b[0] for b in both])
        wv = np.array([b[1] for b in both])
        d = cv - wv
        diff = float(d.mean()) if m else None
        if m < 2:
            p = None
        elif d.std(ddof=1) == 0:
            p = 0.0 if diff != 0 else 1.0
        else:
            res = stats.ttest_rel(cv, wv)
            t_hand = d.mean() / (d.std(ddof=1) / math.sqrt(m))
            assert abs(res.statistic - t_hand) <= 1e-12 * max(1, abs(t_hand)), (res.statistic, t_hand)
            p = float(res.pvalue)
        comparisons.append({"competency": comps[c], "m": m, "diff": diff, "p": p})
        if p is None or diff <= 0 or p >= 0.05:
            tied.append(comps[c])
    return {"rows": [[0 if x is None else x for x in row] for row in rows],
            "scores": scores, "weakest": w, "comparisons": comparisons, "tied_with": tied}


out = {
    "_meta": {"scipy": scipy.__version__, "numpy": np.__version__},
    "welch": {k: welch(a, b) for k, (a, b) in WELCH.items()},
    "percentiles": {k: percentiles(s, q) for k, (s, q) in PEERS.items()},
    "paired": {k: paired(rows) for k, rows in PAIRED.items()},
}
path = os.path.join(HERE, "reference_stats.json")
with open(path, "w") as f:
    # repr of a Python float round-trips exactly (shortest representation)
    json.dump(out, f, indent=1, allow_nan=False)
    f.write("\n")
print("wrote", path)

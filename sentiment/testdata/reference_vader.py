#!/usr/bin/python3
"""Reference compound scores from the original Python vaderSentiment 3.3.2.

Usage:  python3 reference_vader.py VADER_DIR REVIEWS_CSV
  VADER_DIR: a checkout of github.com/cjhutto/vaderSentiment at commit 0150f59 (22 May 2020, the
             3.3.2 release): the directory holding vaderSentiment.py, vader_lexicon.txt and
             emoji_utf8_lexicon.txt (git show 0150f59:vaderSentiment/<file>).
  REVIEWS_CSV: shared/data/fine-foods-reviews.csv (columns id, product, review, label).
Writes vader332.json next to this file: {"sentences": [[text, compound]...] (hand-made
sentences for each rule, then 3,000 seeded random ones dense in rule words),
"reviews": [[id, label, compound]...]}. Each review is scored after replacing HTML line breaks
(<br>, <br/>, <br />, any case) by a space, as cxm's sentiment.StripBreaks does.
"""
import csv
import json
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, sys.argv[1])
from vaderSentiment import SentimentIntensityAnalyzer  # noqa: E402

sia = SentimentIntensityAnalyzer()
BR = re.compile(r"<br */?>", re.IGNORECASE)

# Sentences that exercise each rule (many from vaderSentiment's own demo), and its quirks.
SENTENCES = [
    "VADER is smart, handsome, and funny.",
    "VADER is smart, handsome, and funny!",
    "VADER is very smart, handsome, and funny.",
    "VADER is VERY SMART, handsome, and FUNNY.",
    "VADER is VERY SMART, handsome, and FUNNY!!!",
    "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
    "VADER is not smart, handsome, nor funny.",
    "The book was good.",
    "At least it isn't a horrible book.",
    "The book was only kind of good.",
    "The plot was good, but the characters are uncompelling and the dialog is not great.",
    "Today SUX!",
    "Today only kinda sux! But I'll get by, lol",
    "Make sure you :) or :D today!",
    "Catch utf-8 emoji such as such as 💘 and 💋 and 😁",
    "Not bad at all",
    "the food was good but the service was good too",
    "good good but bad bad",
    "this is so good",
    "I love this so much",
    "never so happy",
    "it was the least helpful answer",
    "at least it was fresh",
    "no good",
    "no way this is good",
    "no problem or worries",
    "this cake is to die for",
    "yeah right, great service",
    "the bomb of all snacks",
    "bad ass coffee",
    "kind of great",
    "sort of great",
    "without a doubt the best",
    "I don't think it is great",
    "Great??",
    "Terrible???? Awful!!!!!",
    "GREAT taste, ok price",
    "ALL CAPS ALL GREAT",
    "",
    "   ",
    "It's not the best, but it's not the worst either.",
    "The product arrived broken heart",
    "Despite the price it is good",
    "This is rarely good",
]



def synthetic(count):
    """Random texts dense in the words the rules react to (negations, boosters, "but", "least",
    idioms, caps, punctuation, emoticons, emojis, tabs and runs of spaces), seeded."""
    rng = random.Random(7)
    vocab = ("good great bad terrible love hate not no never so this but least at very kind of sort "
             "just enough without doubt the shit bomb bad ass yeah right kiss death to die for beating "
             "heart broken bus stop isn't don't cannot rarely despite nor or nothing really extremely "
             "barely slightly kinda sorta fine ok okay happy sad awful amazing :) :( :D ;) <3 lol wtf "
             "meh nice horrible product taste price was is it i a and with").split()
    out = []
    for _ in range(count):
        ws = []
        for _ in range(rng.randint(0, 14)):
            w = rng.choice(vocab)
            r = rng.random()
            if r < 0.12:
                w = w.upper()
            elif r < 0.18:
                w = w.capitalize()
            if rng.random() < 0.15:
                w += rng.choice([".", ",", "!", "?", "!!", "...", "??", "'"])
            if rng.random() < 0.05:
                w = rng.choice(['"', "(", "'"]) + w
            ws.append(w)
        text = rng.choice([" ", " ", " ", "  ", "\t", " \n"]).join(ws)
        if rng.random() < 0.05:
            text += " \U0001F498 \U0001F601"
        out.append(text)
    return out


out = {"vader_file": "vaderSentiment 3.3.2 (github.com/cjhutto/vaderSentiment 0150f59)",
       "sentences": [[s, sia.polarity_scores(s)["compound"]] for s in SENTENCES + synthetic(3000)],
       "reviews": []}
with open(sys.argv[2], newline="", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        out["reviews"].append([row["id"], row["label"],
                               sia.polarity_scores(BR.sub(" ", row["review"]))["compound"]])
with open(os.path.join(HERE, "vader332.json"), "w") as f:
    json.dump(out, f, ensure_ascii=False, separators=(",", ":"))
    f.write("\n")
print(len(out["reviews"]), "reviews scored")

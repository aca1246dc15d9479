"""Near-identical texts without comparing every pair.

Texts are normalised (NFKC, case-folded, only letters and digits kept:
whitespace and punctuation do not make a copy original) and cut into
character 3-gram shingles; two texts are near-identical when the Jaccard
similarity of their shingle sets reaches the threshold t.

Candidates come from an inverted index with prefix filtering (the
"all-pairs" join of Bayardo et al., 2007): order every text's shingles
from the rarest to the most common in the whole corpus; two sets with
Jaccard >= t must share at least one shingle among the first
|x| - ceil(t·|x|) + 1 of each. Only those prefixes are indexed, so a
text meets only the few earlier texts that share one of its rarest
shingles, and of those only the ones whose size allows the threshold
(t·|x| <= |y| <= |x|/t). Every candidate is then verified exactly. The
result is exact (no pair at or above t is missed) while every index
list is short; `NearDuplicates` bounds what it reads per text, so the
work grows with the number of texts, never with its square.

Identical texts are grouped by a dict before any of this, so a sentence
pasted a thousand times costs one index entry.
"""
from __future__ import annotations

import math
import operator
import re
import unicodedata
from collections import Counter
from functools import reduce

_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """What two reports are compared on: NFKC, case-folded, letters and digits only."""
    return _NOT_LETTER_OR_DIGIT.sub("", unicodedata.normalize("NFKC", text).casefold())


def shingles(norm: str) -> frozenset[str]:
    """The character 3-grams of a normalised text (the text itself when shorter)."""
    if len(norm) <= 3:
        return frozenset([norm]) if norm else frozenset()
    return frozenset(map("".join, zip(norm, norm[1:], norm[2:])))


def jaccard(a: frozenset, b: frozenset) -> float:
    if not a and not b:
        return 1.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


class NearDuplicates:
    """For each text in order, an earlier text at or above the threshold.

    `texts` are distinct normalised texts in the order they were written;
    `earlier(i)` answers for text i among texts 0..i-1. `compared` counts
    exact verifications, so a test can see the work stay linear.

    Two bounds keep the work per text constant whatever the corpus: of each
    index list only the newest `SCAN` entries are read, and at most
    `MAX_VERIFY` candidates are verified, those sharing the most prefix
    shingles first. Report texts name their own projects, places and
    figures, so their rarest shingles occur a handful of times and neither
    bound is reached: the answer is then exact. Only texts made entirely
    of shingles that hundreds of other texts share (a template filled with
    different numbers) meet the bounds; they are then compared with their
    newest look-alikes.
    """

    SCAN = 64
    MAX_VERIFY = 32

    def __init__(self, texts: list[str], threshold: float) -> None:
        self.threshold = threshold
        self.sets = [shingles(t) for t in texts]
        self.sizes = [len(x) for x in self.sets]
        freq = Counter(g for x in self.sets for g in x)
        # Rarest first; ties broken by the shingle's hash, one global order for
        # every set (any global order gives the same, exact, result).
        self.rank = {g: (f << 64) | (hash(g) & 0xFFFFFFFFFFFFFFFF) for g, f in freq.items()}
        # A 256-bit fingerprint of each set: a shingle in one set only can flip
        # at most one bit, so popcount(a ^ b) <= |a Δ b|; a pair whose
        # fingerprints differ in more bits than the threshold allows cannot
        # reach it and is rejected without comparing the sets.
        bit = {g: 1 << (r & 255) for g, r in self.rank.items()}
        self.masks = [reduce(operator.or_, map(bit.__getitem__, x), 0) for x in self.sets]
        self._slack = (1 - threshold) / (1 + threshold)
        self.index: dict[str, list[int]] = {}
        self.compared = 0
        self._done = 0

    def _prefix(self, n: int) -> int:
        return n - math.ceil(self.threshold * n - 1e-9) + 1

    def earlier(self, i: int) -> tuple[int, float] | None:
        """(j, similarity) of a text j < i at or above the threshold, else None.

        Must be called for i = 0, 1, 2, ... in order: each call indexes text i.
        """
        if i != self._done:
            raise ValueError("NearDuplicates.earlier must be called in order")
        self._done += 1
        x = self.sets[i]
        n = len(x)
        if not n:
            return None
        prefix = sorted(x, key=self.rank.__getitem__)[:self._prefix(n)]
        index = self.index
        hits: list[int] = []
        for g in prefix:
            entries = index.get(g)
            if entries:
                hits.extend(entries[-self.SCAN:])
        found = None
        if hits:
            low, high = self.threshold * n - 1e-9, n / self.threshold + 1e-9
            sizes, sets = self.sizes, self.sets
            distinct = set(hits)
            if len(distinct) <= self.MAX_VERIFY:
                ranked = sorted(distinct)  # few: verify them all, the earliest first
            else:  # many: those sharing the most prefix shingles first, then the earliest
                ranked = [j for j, _ in sorted(Counter(hits).items(), key=lambda kv: (-kv[1], kv[0]))]
            verified = 0
            mask, masks, slack = self.masks[i], self.masks, self._slack
            for j in ranked:
                if not low <= sizes[j] <= high or (mask ^ masks[j]).bit_count() > slack * (n + sizes[j]) + 1e-9:
                    continue
                verified += 1
                self.compared += 1
                sim = jaccard(x, sets[j])
                if sim >= self.threshold - 1e-9:
                    found = (j, sim)
                    break
                if verified >= self.MAX_VERIFY:
                    break
        for g in prefix:
            index.setdefault(g, []).append(i)
        return found

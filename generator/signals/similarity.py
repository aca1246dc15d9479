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
result is exact (no pair at or above t is missed) and, for t near 0.9,
the work grows with the number of texts, not with its square.

Identical texts are grouped by a dict before any of this, so a sentence
pasted a thousand times costs one index entry.
"""
from __future__ import annotations

import math
import unicodedata
from collections import Counter


def normalise(text: str) -> str:
    """What two reports are compared on: NFKC, case-folded, letters and digits only."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())


def shingles(norm: str, k: int = 3) -> frozenset[str]:
    if len(norm) <= k:
        return frozenset([norm]) if norm else frozenset()
    return frozenset(norm[i:i + k] for i in range(len(norm) - k + 1))


def jaccard(a: frozenset, b: frozenset) -> float:
    if not a and not b:
        return 1.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


class NearDuplicates:
    """For each text in order, the first earlier text at or above the threshold.

    `texts` are distinct normalised texts in the order they were written;
    `earlier(i)` answers for text i among texts 0..i-1. `compared` counts
    exact verifications, so a test can see the work stay near-linear.
    """

    # A text verifies at most this many candidates: a safety bound for
    # adversarial corpora (thousands of texts sharing their rarest shingles);
    # never reached by report texts, where the first candidates match or none do.
    MAX_VERIFY = 2000

    def __init__(self, texts: list[str], threshold: float) -> None:
        self.threshold = threshold
        self.sets = [shingles(t) for t in texts]
        freq = Counter(g for s in self.sets for g in s)
        # Rarest first; ties broken by the shingle's hash, one global order for
        # every set (any global order gives the same, exact, result).
        rank = {g: (f << 64) | (hash(g) & 0xFFFFFFFFFFFFFFFF) for g, f in freq.items()}
        self.ordered = [sorted(s, key=rank.__getitem__) for s in self.sets]
        self.index: dict[str, list[int]] = {}
        self.compared = 0
        self._done = 0

    def _prefix(self, n: int) -> int:
        return n - math.ceil(self.threshold * n - 1e-9) + 1

    def earlier(self, i: int) -> tuple[int, float] | None:
        """(j, similarity) of the earliest text j < i at or above the threshold, else None.

        Must be called for i = 0, 1, 2, ... in order: each call indexes text i.
        """
        if i != self._done:
            raise ValueError("NearDuplicates.earlier must be called in order")
        self._done += 1
        x, order = self.sets[i], self.ordered[i]
        n = len(x)
        found = None
        if n:
            low, high = self.threshold * n - 1e-9, n / self.threshold + 1e-9
            prefix = order[:self._prefix(n)]
            candidates = set()
            for g in prefix:
                for j in self.index.get(g, ()):
                    if low <= len(self.sets[j]) <= high:
                        candidates.add(j)
            for j in sorted(candidates)[:self.MAX_VERIFY]:
                self.compared += 1
                sim = jaccard(x, self.sets[j])
                if sim >= self.threshold - 1e-9:
                    found = (j, sim)
                    break
            for g in prefix:
                self.index.setdefault(g, []).append(i)
        return found

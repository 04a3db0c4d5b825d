"""Quote verification: normalisation with an offset map, and the matcher.

Why a quote was accepted or refused is decided here and nowhere else; the rules are
CONTRACT section 4, explained for analysts in ``docs/matching.md``.
"""

from briefgen.quotes.matcher import (
    Candidate,
    CorpusIndex,
    QuoteMatch,
    SourceIndex,
    match_quote,
    nearest_passage,
)
from briefgen.quotes.normalise import NormalisedText, normalise, normalise_quote

__all__ = [
    "Candidate",
    "CorpusIndex",
    "NormalisedText",
    "QuoteMatch",
    "SourceIndex",
    "match_quote",
    "nearest_passage",
    "normalise",
    "normalise_quote",
]

"""Which viewing session a copy came from. Each session of a restricted film is served its own sequence of A and B
segments: a codeword of a keyed random code (as fingerprinting codes are), so that a copy's bits agree with its own
session's codeword and with any other session's only by chance, one bit in two. A session is accused when so many
of the bits read agree with its codeword that no innocent among a population of POPULATION sessions would, by
chance, more often than once in a million copies; errors and missing segments only weaken the evidence."""

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from math import comb

import numpy as np

POPULATION = 100_000  # the sessions an accusation guards against, whatever the film's own number
ODDS_LIMIT = 1e-6  # the chance, at most, that any innocent session would be accused by chance
MARKED_BITS = 5  # a copy with fewer bits read than this carries no mark of the film
_BLOCK_BITS = 256


def variant_bits(*, secret: bytes, film: str, session: int, segments: int) -> np.ndarray:
    """The variant of each of the first `segments` segments that `session` is served: +1 for A, -1 for B."""
    blocks = -(-segments // _BLOCK_BITS)
    digest = b"".join(
        hmac.new(secret, f"code:{film}:{session}:{block}".encode(), hashlib.sha256).digest() for block in range(blocks)
    )
    bits = np.unpackbits(np.frombuffer(digest, dtype=np.uint8))[:segments]
    return bits.astype(np.int8) * 2 - 1


def variant(*, secret: bytes, film: str, session: int, segment: int) -> str:
    """'a' or 'b': the variant of one segment for one session (what a playlist lists)."""
    bits = variant_bits(secret=secret, film=film, session=session, segments=segment + 1)
    return "a" if bits[segment] > 0 else "b"


def chance_of_agreeing(agreements: int, bits: int) -> float:
    """The chance that a codeword drawn at random agrees with at least `agreements` of `bits` bits."""
    if agreements <= 0:
        return 1.0
    return sum(comb(bits, k) for k in range(agreements, bits + 1)) / 2**bits


@dataclass(frozen=True)
class Suspect:
    session: int
    agreements: int
    bits: int
    odds: float  # the chance that some innocent among the population would agree this well


@dataclass(frozen=True)
class Verdict:
    verdict: str  # identified | several | not_found
    suspects: list[Suspect] = field(default_factory=list)
    bits: int = 0

    @property
    def confidence(self) -> float:
        """For one suspect, the chance that the accusation is not a coincidence; 0 when nobody is named."""
        if self.verdict != "identified":
            return 0.0
        return max(0.0, 1.0 - self.suspects[0].odds)


class Codebook:
    """The codewords of a film's sessions over its first `segments` segments, made once to judge many copies."""

    def __init__(self, *, secret: bytes, film: str, sessions: Iterable[int], segments: int):
        self.sessions = sorted(set(sessions))
        self.segments = segments
        self.codes = np.array(
            [variant_bits(secret=secret, film=film, session=s, segments=segments) for s in self.sessions],
            dtype=np.float32,
        ).reshape(len(self.sessions), segments)


def _suspects(codes: np.ndarray, sessions: list[int], read: np.ndarray, population: int) -> list[Suspect]:
    if len(read) == 0 or len(sessions) == 0:
        return []
    agreements = np.rint((codes @ read + len(read)) / 2).astype(int)
    order = np.argsort(-agreements, kind="stable")
    found = []
    for index in order:
        odds = population * chance_of_agreeing(int(agreements[index]), len(read))
        if odds > ODDS_LIMIT:
            break
        found.append(Suspect(sessions[index], int(agreements[index]), len(read), odds))
    return found


def accuse(bits: Mapping[int, int], codebook: Codebook, *, population: int = POPULATION) -> Verdict:
    """The verdict on a copy whose segments read `bits` (segment -> +1 A or -1 B), among the codebook's sessions.
    identified: one session's codeword explains the copy. several: the copy carries the film's mark but no single
    session is named: two or more codewords explain it (each its own share of the copy, as in a splice), or none
    does (copies averaged, or too little of the film). not_found: the copy carries no mark of the film."""
    bits = {segment: bit for segment, bit in bits.items() if segment < codebook.segments}
    if len(bits) < MARKED_BITS:
        return Verdict("not_found", bits=len(bits))
    sessions = codebook.sessions
    population = max(population, len(sessions))
    segments = np.array(sorted(bits))
    read = np.array([bits[s] for s in segments], dtype=np.float32)
    codes = codebook.codes[:, segments]
    suspects = _suspects(codes, sessions, read, population)
    if not suspects:
        return Verdict("several", bits=len(read))
    first = suspects[0]
    # what the first suspect's codeword does not explain may come from another session: a splice of two copies
    rest = codes[sessions.index(first.session)] != read
    others = [s for s in _suspects(codes[:, rest], sessions, read[rest], population) if s.session != first.session]
    named = [first] + [s for s in suspects[1:] if s.session not in {o.session for o in others}] + others
    if len(named) > 1:
        return Verdict("several", named, bits=len(read))
    return Verdict("identified", named, bits=len(read))

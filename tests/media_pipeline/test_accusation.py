"""Accusing a session from the bits a copy reads: exact odds, and never an innocent by chance."""

from fractions import Fraction

import numpy as np

from media_pipeline import accusation

SECRET = b"a test key of the screeners' mark"
FILM = "film-41"


def codebook(sessions=range(1, 1001), segments=120):
    return accusation.Codebook(secret=SECRET, film=FILM, sessions=sessions, segments=segments)


def bits_of(session, segments, *, skip=()):
    code = accusation.variant_bits(secret=SECRET, film=FILM, session=session, segments=segments)
    return {s: int(code[s]) for s in range(segments) if s not in skip}


def test_the_chance_of_agreeing_is_the_binomial_tail():
    assert accusation.chance_of_agreeing(3, 3) == 1 / 8
    assert accusation.chance_of_agreeing(2, 3) == 4 / 8
    assert accusation.chance_of_agreeing(0, 3) == 1.0
    assert Fraction(accusation.chance_of_agreeing(60, 60)) == Fraction(1, 2**60)


def test_a_playlists_variant_is_the_codewords_bit():
    code = accusation.variant_bits(secret=SECRET, film=FILM, session=7, segments=600)
    assert [accusation.variant(secret=SECRET, film=FILM, session=7, segment=s) for s in (0, 299, 599)] == [
        "a" if code[s] > 0 else "b" for s in (0, 299, 599)
    ]
    other = accusation.variant_bits(secret=SECRET, film=FILM, session=8, segments=600)
    assert 240 < int((code == other).sum()) < 360  # strangers agree one bit in two
    assert not np.array_equal(code, accusation.variant_bits(secret=SECRET, film="film-42", session=7, segments=600))


def test_a_clean_copy_of_37_segments_names_its_session_and_36_do_not():
    # 100,000 x 2**-37 < 1e-6 < 100,000 x 2**-36
    book = codebook()
    named = accusation.accuse(bits_of(321, 37), book)
    assert (named.verdict, [s.session for s in named.suspects], named.bits) == ("identified", [321], 37)
    assert named.suspects[0].odds == 100_000 / 2**37
    short = accusation.accuse(bits_of(321, 36), book)
    assert (short.verdict, short.suspects) == ("several", [])


def test_a_few_wrong_or_missing_bits_still_name_the_session():
    bits = bits_of(321, 120, skip=range(0, 120, 3))
    for segment in (1, 50, 100):
        bits[segment] = -bits[segment]
    verdict = accusation.accuse(bits, codebook())
    assert [s.session for s in verdict.suspects] == [321]
    assert (verdict.suspects[0].agreements, verdict.suspects[0].bits) == (77, 80)


def test_fewer_than_five_bits_are_no_mark():
    verdict = accusation.accuse(bits_of(321, 4), codebook())
    assert (verdict.verdict, verdict.suspects, verdict.confidence) == ("not_found", [], 0.0)


def test_random_readings_never_name_anyone_among_100000_sessions():
    book = codebook(sessions=range(1, 100_001), segments=60)
    rng = np.random.default_rng(2026)
    verdicts = {
        accusation.accuse({s: int(b) for s, b in enumerate(rng.choice([-1, 1], 60))}, book).verdict for _ in range(200)
    }
    assert verdicts == {"several"}  # marked-looking bits that no codeword explains


def test_a_splice_of_two_long_copies_names_both():
    book = codebook(segments=600)
    bits = {**bits_of(11, 300), **{s: b for s, b in bits_of(22, 600).items() if s >= 300}}
    verdict = accusation.accuse(bits, book)
    assert (verdict.verdict, sorted(s.session for s in verdict.suspects)) == ("several", [11, 22])

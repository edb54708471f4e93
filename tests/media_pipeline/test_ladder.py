"""The screener ladder: the rungs a source allows, segments cut at the same instants in every rung and variant, each
starting on a keyframe, variants that can be mixed segment by segment, and the reference taken on the way."""

import av
import pytest

from media_pipeline import ladder, samples

SECRET = b"a test key of the screeners' mark"


@pytest.fixture(scope="module")
def marked(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ladder")
    source = samples.make_film(folder / "source.mp4", duration_s=3.5, width=854, height=480, fps=30)
    return ladder.make_ladder(source, folder / "ladder", secret=SECRET, film="film-41")


def keyframes(path):
    with av.open(str(path)) as media:
        return [packet.is_keyframe for packet in media.demux(media.streams.video[0]) if packet.size]


def test_rungs_follow_the_sources_shorter_side_and_never_upscale():
    assert ladder.rung_sizes(1920, 1080) == [(1080, 1920, 1080), (720, 1280, 720), (480, 854, 480), (360, 640, 360)]
    assert ladder.rung_sizes(1080, 1920) == [(1080, 1080, 1920), (720, 720, 1280), (480, 480, 854), (360, 360, 640)]
    assert ladder.rung_sizes(1280, 720) == [(720, 1280, 720), (480, 854, 480), (360, 640, 360)]
    assert ladder.rung_sizes(320, 180) == [(180, 320, 180)]


def test_every_rung_and_variant_is_cut_at_the_same_seconds(marked):
    assert marked.variants == ("a", "b")
    assert [(rung.lines, rung.width, rung.height) for rung in marked.rungs] == [(480, 854, 480), (360, 640, 360)]
    assert [rung.codec for rung in marked.rungs] == ["avc1.4d401f", "avc1.4d401e"]  # Main, levels 3.1 and 3.0
    for rung in marked.rungs:
        assert rung.segments == [1.0, 1.0, 1.0, 0.5]
        for variant in ("a", "b"):
            files = sorted((marked.folder / str(rung.lines) / variant).iterdir())
            assert [path.name for path in files] == [f"seg0000{i}.ts" for i in range(4)]
            for path in files:
                flags = keyframes(path)
                assert flags[0] and not any(flags[1:])  # one keyframe, first: a player may switch here
    assert len(marked.audio_segments) == 4
    assert sum(marked.audio_segments) == pytest.approx(3.5, abs=0.05)


def test_variants_mix_segment_by_segment(marked, tmp_path):
    mixed = tmp_path / "mixed.ts"
    pieces = [("a", 0), ("b", 1), ("b", 2), ("a", 3)]
    mixed.write_bytes(b"".join((marked.folder / "480" / v / f"seg{i:05d}.ts").read_bytes() for v, i in pieces))
    with av.open(str(mixed)) as media:
        frames = list(media.decode(video=0))
    assert len(frames) == 105
    assert [
        round(float(f.pts * f.time_base) - float(frames[0].pts * frames[0].time_base), 3) for f in frames[::30]
    ] == [
        0.0,
        1.0,
        2.0,
        3.0,
    ]


def test_the_reference_holds_every_frame_of_the_top_rung(marked):
    reference = marked.reference
    assert reference.signatures.shape == (105, 18, 32)
    assert list(reference.segments[[0, 29, 30, 89, 90, 104]]) == [0, 0, 1, 2, 3, 3]
    assert reference.times[30] == pytest.approx(1.0)


def test_a_public_film_gets_one_unmarked_ladder(tmp_path):
    source = samples.make_film(tmp_path / "source.mp4", duration_s=1.2, width=320, height=180, audio=False)
    plain = ladder.make_ladder(source, tmp_path / "ladder", secret=None, film="film-41")
    assert (plain.variants, plain.reference, plain.audio_segments) == (("plain",), None, [])
    assert [(rung.lines, rung.segments) for rung in plain.rungs] == [(180, [1.0, 0.2])]
    assert sorted(path.name for path in (tmp_path / "ladder").iterdir()) == ["180"]

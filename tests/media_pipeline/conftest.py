"""Films made by PyAV once per test session (small: 320×180, a few seconds) and the broken files derived from them."""

import pytest

from media_pipeline import samples


@pytest.fixture(scope="session")
def films(tmp_path_factory):
    """A folder of generated films, made on first use: films.get("h264") -> Path."""
    folder = tmp_path_factory.mktemp("films")
    small = {"width": 320, "height": 180}
    makers = {
        "h264": lambda path: samples.make_film(path, **small),
        "hevc": lambda path: samples.make_hevc(path, **small),
        "vp9": lambda path: samples.make_vp9(path, **small),
        "prores": lambda path: samples.make_prores(path, **small),
        "avi": lambda path: samples.make_film(path, video_codec="mpeg4", **small),
        "mkv": lambda path: samples.make_film(path, duration_s=4, **small),
        "flv": lambda path: samples.make_film(path, **small),
        "moov_at_end": lambda path: samples.make_moov_at_end(path, duration_s=4, **small),
        "rotated": lambda path: samples.make_rotated(path, rotation=90, **small),
        "vfr": lambda path: samples.make_variable_frame_rate(path, **small),
        "no_audio": lambda path: samples.make_without_audio(path, **small),
        "long": lambda path: samples.make_film(path, duration_s=8, fps=10, width=160, height=90),
        "tagged": lambda path: samples.make_film(
            path,
            rotation=90,
            title_tag="Sans voix",
            tags={"artist": "Lycée Jean Moulin", "comment": "v3 finale"},
            **small,
        ),
        "black_silent": lambda path: samples.make_film(path, duration_s=3, black=True, silent=True, **small),
        "loud": lambda path: samples.make_film(path, duration_s=3, amplitude_dbfs=-1, **small),
        "quiet": lambda path: samples.make_film(path, duration_s=3, amplitude_dbfs=-45, **small),
    }
    suffixes = {"vp9": ".webm", "prores": ".mov", "avi": ".avi", "mkv": ".mkv", "flv": ".flv"}
    made = {}

    class Films:
        def get(self, name):
            if name not in made:
                if name == "truncated":
                    made[name] = samples.truncate_copy(self.get("h264"), folder / "truncated.mp4", keep_fraction=0.5)
                elif name == "truncated_moov_at_end":
                    made[name] = samples.truncate_copy(
                        self.get("moov_at_end"), folder / "truncated_end.mp4", keep_fraction=0.5
                    )
                elif name == "truncated_mkv":
                    made[name] = samples.truncate_copy(self.get("mkv"), folder / "truncated.mkv", keep_fraction=0.5)
                elif name == "corrupted":
                    made[name] = samples.corrupt_copy(self.get("h264"), folder / "corrupted.mp4", at_fraction=0.5)
                else:
                    made[name] = makers[name](folder / f"{name}{suffixes.get(name, '.mp4')}")
            return made[name]

    return Films()

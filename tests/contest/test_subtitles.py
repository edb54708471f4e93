"""The team's subtitles read and converted to WebVTT: what reaches the browser's track, and what is refused."""

import pytest

from contest.subtitles import SubtitleError, convert_subtitles


def test_srt_becomes_webvtt():
    srt = (
        "\ufeff1\r\n00:00:01,000 --> 00:00:03,500\r\nElle se tait.\r\n\r\n"
        "2\r\n00:00:04,000 --> 00:00:06,000\r\n<i>Sans voix</i> & <script>alert(1)</script>\r\n"
    )

    assert convert_subtitles(srt) == (
        "WEBVTT\n\n"
        "1\n00:00:01.000 --> 00:00:03.500\nElle se tait.\n\n"
        "2\n00:00:04.000 --> 00:00:06.000\n<i>Sans voix</i> &amp; &lt;script&gt;alert(1)&lt;/script&gt;\n"
    )


def test_webvtt_voice_names_notes_styles_regions_header_and_cue_ids_never_reach_the_track():
    vtt = (
        "WEBVTT - Sans voix, sous-titres de Yanis Bernard\n"
        "Kind: captions\n"
        "Language: fr\n"
        "\n"
        "STYLE\n"
        '::cue(v[voice="Yanis Bernard"]) { color: red }\n'
        "\n"
        "REGION\n"
        "id:yanis width:40%\n"
        "\n"
        "NOTE relu par Yanis Bernard\n"
        "\n"
        "yanis-1\n"
        "00:01.000 --> 00:03.500 region:yanis align:start\n"
        "<v Yanis Bernard>Je ne dirai rien.</v>\n"
        "<v.loud Inès M.><i>Rien</i></v> <c.yellow>du tout</c><00:03.000> <lang en>never</lang>\n"
        "\n"
        "01:02:03.250 --> 01:02:04.000\n"
        "<V Yanis Bernard>\n"
        "<b.x>Fin</b>\n"
    )

    assert convert_subtitles(vtt) == (
        "WEBVTT\n\n"
        "1\n00:00:01.000 --> 00:00:03.500\nJe ne dirai rien.\n<i>Rien</i> du tout never\n\n"
        "2\n01:02:03.250 --> 01:02:04.000\n<b>Fin</b>\n"
    )


def test_a_character_reference_is_shown_once_and_a_bare_ampersand_escaped_once():
    vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nTom &amp; Jerry &lt;3 &#233;t&eacute; Q&A &notre\n"
    srt = '1\n00:00:01,000 --> 00:00:02,000\nR&amp;D & <font color="#ffffff">AT&T</font>\n'

    assert convert_subtitles(vtt) == (
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nTom &amp; Jerry &lt;3 été Q&amp;A &amp;notre\n"
    )
    assert convert_subtitles(srt) == "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nR&amp;D &amp; AT&amp;T\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "1\n00:00:01,000 -> 00:00:02,000\nHi\n",
            "The subtitle file is not valid SRT or WebVTT (line 2: expected a timing line).",
        ),
        (
            "1\n00:00:03,000 --> 00:00:02,000\nHi\n",
            "The subtitle file is not valid SRT or WebVTT (line 2: cue ends before start).",
        ),
        ("1\n00:00:01,000 --> 00:00:02,000\n\n", "The subtitle file is not valid SRT or WebVTT (line 3: empty cue)."),
        ("", "The subtitle file is not valid SRT or WebVTT (line 1: no cues)."),
        ("Bonjour\n", "The subtitle file is not valid SRT or WebVTT (line 1: expected a cue number)."),
    ],
)
def test_invalid_subtitles_raise_subtitle_invalid(text, message):
    with pytest.raises(SubtitleError) as raised:
        convert_subtitles(text)

    assert (raised.value.code, raised.value.message) == ("subtitle_invalid", message)

"""French typography, applied by one helper (accounts/typography.py) to every French page."""

import pytest

from accounts.typography import typography, typography_html
from tests.factories import ContestFactory

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Durée: 8 s", f"Durée{NBSP}: 8 s"),
        ("Durée : 8 s", f"Durée{NBSP}: 8 s"),
        ("Vraiment ? Oui ! Enfin ; bon", f"Vraiment{NBSP}? Oui{NBSP}! Enfin{NBSP}; bon"),
        ("« Sans voix »", f"«{NBSP}Sans voix{NBSP}»"),
        ("le 1 décembre 2026 à 12:30:05", f"le 1er{NBSP}décembre 2026 à 12:30:05"),
        ("le 11 décembre, le 21 mars, 1,1 mars", "le 11 décembre, le 21 mars, 1,1 mars"),
        ("https://palmares.example.org/?page=2", "https://palmares.example.org/?page=2"),
        ("Tom &amp; Jerry, l&#x27;équipe", "Tom &amp; Jerry, l&#x27;équipe"),
        ("ratio 16:9", "ratio 16:9"),
    ],
)
def test_french_spacing_rules(text, expected):
    assert typography(text) == expected


def test_a_page_changes_only_what_is_read():
    html = (
        '<p title="Titre: x" style="color: red" data-saved="Enregistré: ok">Durée: 8 s</p>'
        '<script>a ? b : c</script><textarea>x: y</textarea><pre>p: q</pre><input value="a: b"> Fin!'
    )
    assert typography_html(html) == (
        f'<p title="Titre{NBSP}: x" style="color: red" data-saved="Enregistré{NBSP}: ok">Durée{NBSP}: 8 s</p>'
        f'<script>a ? b : c</script><textarea>x: y</textarea><pre>p: q</pre><input value="a: b"> Fin{NBSP}!'
    )


@pytest.mark.django_db
def test_french_pages_get_the_spaces_and_english_pages_do_not(client):
    contest = ContestFactory(title_fr="Pourquoi ?", title_en="Pourquoi ?")
    french = client.get(f"/c/{contest.slug}/", HTTP_ACCEPT_LANGUAGE="fr")
    english = client.get(f"/c/{contest.slug}/", HTTP_ACCEPT_LANGUAGE="en")
    assert f"Pourquoi{NBSP}?" in french.content.decode()
    assert int(french["Content-Length"]) == len(french.content)
    assert "Pourquoi ?" in english.content.decode() and f"Pourquoi{NBSP}?" not in english.content.decode()

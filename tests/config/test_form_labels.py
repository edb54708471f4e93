import pytest
from django.utils import translation

from judging.forms import AwardForm
from tests.factories import ContestFactory


@pytest.mark.django_db
def test_a_label_written_in_lower_case_starts_with_a_capital_on_the_page():
    with translation.override("fr"):
        html = AwardForm(contest=ContestFactory()).as_div()
    assert '<label for="id_prize">Prix\u00a0:</label>' in html

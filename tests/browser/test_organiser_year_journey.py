"""The organiser's year (issue 16, points 2 and 3): from the dashboard, import the teams from a spreadsheet (checked,
previewed, confirmed), keep the usual release plan as a template, then make next year's edition from this one. Links and buttons only after the login page, at
desktop and phone sizes, in French (tests/browser/journey.py)."""

import pytest

from contest.models import Contest, ContestRole, Invitation, Team
from tests.factories import ContestFactory, ContestRoleFactory, InstitutionFactory, PrizeFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_organiser_imports_the_teams_and_makes_next_years_edition(journey, tmp_path):
    contest = ContestFactory(slug="courts-2026", title_fr="Courts contre les violences")
    contest.institutions.add(InstitutionFactory(name="Lycée Olympe de Gouges"))
    PrizeFactory(contest=contest, name_fr="Prix du public")
    organiser = UserFactory(email="orga@example.org", preferred_language="fr")
    ContestRoleFactory(contest=contest, user=organiser, role=ContestRole.Role.ORGANISER)
    sheet = tmp_path / "equipes.csv"
    sheet.write_text(
        "équipe;établissement;courriel\nLes Voix;Lycée Olympe de Gouges;camille@example.org\n"
        "Les Voix;Lycée Olympe de Gouges;yanis@example.org\n",
        encoding="utf-8",
    )
    page = journey.page

    journey.open("/accounts/login/")
    page.fill("input[name=username]", organiser.email)
    page.fill("input[name=password]", "palmares-test-password")
    journey.submit(page.locator("main form button[type=submit]"), step="login")
    journey.follow("Organisation", exact=False, within=page.locator("header"))
    journey.follow("Importer des équipes ou des jurés")
    page.set_input_files("input[name=file]", str(sheet))
    journey.submit(page.get_by_role("button", name="Vérifier le fichier"), step="aperçu")
    assert page.locator("#preview[data-ok=yes] tr[data-row]").count() == 2
    page.get_by_label("J’ai vérifié les lignes", exact=False).check()
    journey.submit(page.get_by_role("button", name="Importer", exact=True), step="importé")
    assert list(Team.objects.filter(contest=contest).values_list("name", flat=True)) == ["Les Voix"]
    assert Invitation.objects.filter(contest=contest, team__name="Les Voix").count() == 2

    # The school's usual release plan, typed once: the next edition keeps it.
    journey.follow("Calendrier de diffusion", within=page.locator("nav.organiser-nav"))
    journey.follow("Modèles de diffusion")
    page.get_by_label("Nom").fill("Cérémonie, puis la communauté")
    journey.submit(page.get_by_role("button", name="Créer le modèle"), step="modèle créé")
    page.get_by_label("film", exact=True).check()
    page.get_by_label("la communauté", exact=False).check()
    page.get_by_label("Jours après le moment choisi").fill("7")
    journey.submit(page.get_by_role("button", name="Ajouter l’étape"), step="étape du modèle")
    assert page.locator("#template-steps tbody tr").count() == 1
    journey.follow("Tableau de bord", within=page.locator("nav.organiser-nav"))

    journey.follow("Édition de l’an prochain")
    assert page.locator("input[name=slug]").input_value() == "courts-2027"
    journey.submit(page.get_by_role("button", name="Créer l’édition"), step="édition créée")
    new = Contest.objects.get(slug="courts-2027")
    assert new.previous_edition == contest and list(new.prizes.values_list("name_fr", flat=True)) == ["Prix du public"]
    assert not Team.objects.filter(contest=new).exists()
    assert [(t.name, t.steps.get().days) for t in new.release_templates.all()] == [("Cérémonie, puis la communauté", 7)]

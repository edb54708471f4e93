"""The pipeline's state machine: one function moves a film between states, and it refuses a move the pipeline
never makes before touching any row. The pipeline's modules import one another one way only."""

import ast
from pathlib import Path

import pytest
from django.db.models import Q

from media_pipeline import pipeline
from media_pipeline.models import Film, new_upload_key
from tests.factories import EntryFactory

pytestmark = pytest.mark.django_db

State = Film.State


def film_in(state) -> Film:
    return Film.objects.create(entry=EntryFactory(), key=new_upload_key(), original_name="f.mp4", size=1, state=state)


def test_a_move_the_pipeline_never_makes_is_refused_and_changes_nothing():
    film = film_in(State.READY)

    with pytest.raises(pipeline.TransitionNotAllowed) as refused:
        pipeline.transition(Q(pk=film.pk), sources=State.READY, to=State.CHECKING)

    assert str(refused.value) == (
        "A film cannot go from 'ready' to 'checking'; it may reach 'checking' only from 'received', 'checking'."
    )
    assert Film.objects.get(pk=film.pk).state == State.READY


def test_a_list_of_sources_is_refused_whole_when_one_of_them_may_not_lead_there():
    film = film_in(State.FAILED)

    with pytest.raises(pipeline.TransitionNotAllowed):
        pipeline.transition(Q(pk=film.pk), sources=(State.FAILED, State.READY), to=State.RECEIVED)

    assert Film.objects.get(pk=film.pk).state == State.FAILED


def test_an_allowed_move_happens_only_from_the_sources_it_names():
    failed, ready = film_in(State.FAILED), film_in(State.READY)
    both = Q(pk__in=(failed.pk, ready.pk))

    assert pipeline.transition(both, sources=(State.FAILED, State.REJECTED), to=State.RECEIVED, failure="") == 1

    assert Film.objects.get(pk=failed.pk).state == State.RECEIVED
    assert Film.objects.get(pk=ready.pk).state == State.READY


def test_every_state_is_reachable_and_ready_leads_nowhere():
    assert set(pipeline.TRANSITIONS) == set(State.values) - set()
    assert not any(State.READY in sources for sources in pipeline.TRANSITIONS.values())


def _imports(path: Path) -> set[str]:
    """The modules (and names) a file of media_pipeline imports, at module level or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level == 1:
                module = f"media_pipeline.{module}" if module else "media_pipeline"
            found |= {module} | {f"{module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


def test_no_two_modules_of_the_pipeline_import_each_other_and_it_imports_no_app_above_it():
    folder = Path(pipeline.__file__).parent
    modules = {f"media_pipeline.{path.stem}": path for path in folder.glob("*.py")}
    imports = {name: _imports(path) & modules.keys() for name, path in modules.items()}

    mutual = sorted((a, b) for a in modules for b in imports[a] if a < b and a in imports[b])

    assert mutual == []
    assert "media_pipeline.tasks" not in imports["media_pipeline.pipeline"]
    assert not any(name.split(".")[0] == "operations" for name in _imports(Path(pipeline.__file__)))

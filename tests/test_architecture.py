"""Imports run one way and never in a circle (issue 13).

Every module of the project is parsed with `ast` (no import is executed): an import counts wherever it stands, at
module level or inside a function. A module imports only from its own app or from apps below it in `LAYERS`; and no
two files import each other, directly or through others."""

import ast
import itertools
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Lowest first. Apps on one line are on the same level: none of them imports another of that line.
LAYERS = [
    {"accounts"},
    {"contest"},
    {"media_pipeline"},
    {"judging"},
    {"releases"},
    {"audience"},
    {"api", "privacy", "operations"},
    {"config", "demo"},  # the wiring: settings, URLs, Celery, and the demo's orchestration
]


def _modules(root: Path, apps: set[str]) -> dict[str, Path]:
    """Dotted module name -> file, for every .py file of `apps` under `root` (migrations included)."""
    modules = {}
    for app in sorted(apps):
        for path in sorted((root / app).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The project module that `name` (a module, or a module's attribute) lives in; None outside the project."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def _imports(module: str, path: Path, modules: dict[str, Path]):
    """(line, imported project module) for every import in the file, wherever it stands."""
    is_package = path.name == "__init__.py"
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = _resolve(alias.name, modules)
                if target:
                    yield node.lineno, target
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module
            for alias in node.names:
                # `from . import x` names a module x when there is one, else an attribute of the package.
                target = _resolve(f"{prefix}.{alias.name}", modules) if prefix else None
                if target:
                    yield node.lineno, target


def _cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """One circle (a list of modules, first repeated last) per strongly connected group of more than one module."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(start):
        # Tarjan's algorithm, iterative: the project's import chains are deeper than Python's recursion allows.
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph[successor]))))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.add(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)

    circles = []
    for group in groups:
        # The shortest way back to the group's first module, by breadth-first search inside the group.
        start = min(group)
        paths = {start: [start]}
        queue = [start]
        circle = None
        while queue and circle is None:
            node = queue.pop(0)
            for successor in sorted(graph[node]):
                if successor == start:
                    circle = paths[node] + [start]
                    break
                if successor in group and successor not in paths:
                    paths[successor] = paths[node] + [successor]
                    queue.append(successor)
        circles.append(circle)
    return sorted(circles)


def violations(root: Path, layers: list[set[str]], allowed: set[tuple[str, str]] = frozenset()) -> list[str]:
    """Each import against the order of `layers`, and each circle between files, as a line naming file and import."""
    level = {app: number for number, apps in enumerate(layers) for app in apps}
    modules = _modules(root, set(level))
    graph: dict[str, dict[str, int]] = {module: {} for module in modules}
    found = []
    for module, path in modules.items():
        app = module.split(".")[0]
        for line, target in sorted(set(_imports(module, path, modules))):
            if target == module or (module, target) in allowed:
                continue
            graph[module].setdefault(target, line)
            target_app = target.split(".")[0]
            if target_app != app and level[target_app] >= level[app]:
                found.append(
                    f"{path.relative_to(root)}:{line} imports {target}: "
                    f"{app} may import only from its own app or from apps below it"
                )
    for circle in _cycles(graph):
        steps = ", ".join(
            f"{modules[a].relative_to(root)}:{graph[a][b]} imports {b}" for a, b in itertools.pairwise(circle)
        )
        found.append(f"circle {' -> '.join(circle)}: {steps}")
    return found


def test_project_imports_run_one_way_and_never_in_a_circle():
    found = violations(ROOT, LAYERS, set())
    assert found == [], "\n".join(found)


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_a_planted_upward_import_and_a_planted_circle_are_both_reported(tmp_path):
    root = _tree(
        tmp_path,
        {
            "low/__init__.py": "",
            "low/models.py": "X = 1\n",
            "low/services.py": "def f():\n    from high.views import g  # upward, inside a function\n",
            "high/__init__.py": "",
            "high/views.py": "from low.models import X\n\ndef g():\n    pass\n",
            "high/a.py": "from . import b\n",
            "high/b.py": "def h():\n    from .a import thing\n",
        },
    )

    found = violations(root, [{"low"}, {"high"}])

    assert found == [
        "low/services.py:2 imports high.views: low may import only from its own app or from apps below it",
        "circle high.a -> high.b -> high.a: high/a.py:1 imports high.b, high/b.py:2 imports high.a",
    ]


def test_a_circle_through_a_package_and_apps_on_one_level_are_reported(tmp_path):
    root = _tree(
        tmp_path,
        {
            "one/__init__.py": "from .inner import thing\n",
            "one/inner/__init__.py": "import one.inner.deep\n",
            "one/inner/deep.py": "import one\n",
            "two/__init__.py": "",
            "two/x.py": "import three.y\n",
            "three/__init__.py": "",
            "three/y.py": "",
        },
    )

    found = violations(root, [{"one"}, {"two", "three"}])

    assert found == [
        "two/x.py:1 imports three.y: two may import only from its own app or from apps below it",
        "circle one -> one.inner -> one.inner.deep -> one: one/__init__.py:1 imports one.inner, "
        "one/inner/__init__.py:1 imports one.inner.deep, one/inner/deep.py:1 imports one",
    ]


def test_an_allowed_pair_is_left_out_of_both_checks(tmp_path):
    root = _tree(
        tmp_path,
        {
            "low/__init__.py": "",
            "low/a.py": "from high import b\n",
            "high/__init__.py": "",
            "high/b.py": "from low import a\n",
        },
    )

    assert violations(root, [{"low"}, {"high"}], {("low.a", "high.b")}) == []

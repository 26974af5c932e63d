"""The layers point one way: read from the source with `ast`, no module is imported.

Every import of every module of catalog/ counts: at the top or inside a function,
relative ones resolved, and importing `catalog.ingest.store` from outside
catalog.ingest counts as importing `catalog.ingest` (its __init__) as well, which
Python runs first.
"""

import ast
import itertools
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# The models are the bottom layer: what sits above them may import them, never the reverse.
ABOVE_MODELS = (
    "catalog.search",
    "catalog.ingest",
    "catalog.browse",
    "catalog.views",
    "catalog.admin",
    "catalog.api",
)


def module_names(root, package):
    """{dotted name: path} of every module of the package under `root` (packages by __init__)."""
    names = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _is_package(modules, name):
    return modules.get(name, Path()).name == "__init__.py"


def imported_modules(name, path, modules):
    """The modules of `modules` that importing `name` (at `path`) may run, with line numbers."""
    package = name if _is_package(modules, name) else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                base = ".".join([*base, node.module] if node.module else base)
            else:
                base = node.module
            # `from catalog.search import boilerplate` imports a module; `... import search` a name.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            for module in _run_by_importing(target, name, modules):
                found.append((module, node.lineno))
    return found


def _run_by_importing(target, importer, modules):
    """`target` and the packages above it that are not already running for `importer`."""
    run = [target] if target in modules and target != importer else []
    parts = target.split(".")
    for size in range(1, len(parts)):
        ancestor = ".".join(parts[:size])
        inside = importer == ancestor or importer.startswith(f"{ancestor}.")
        if ancestor in modules and not inside:
            run.append(ancestor)
    return run


def import_graph(root, package):
    """{module: {imported module: first line}} for every module of the package."""
    modules = module_names(root, package)
    graph = {}
    for name, path in modules.items():
        edges = graph.setdefault(name, {})
        for module, line in imported_modules(name, path, modules):
            edges.setdefault(module, line)
    return graph


def find_cycle(graph):
    """One import cycle as [a, b, ..., a], or None (depth-first, in a stable order)."""
    state = {}  # module -> "open" while on the path, "done" after
    path = []

    def visit(module):
        state[module] = "open"
        path.append(module)
        for other in sorted(graph.get(module, ())):
            if state.get(other) == "open":
                return [*path[path.index(other) :], other]
            if other not in state and (cycle := visit(other)):
                return cycle
        path.pop()
        state[module] = "done"
        return None

    for module in sorted(graph):
        if module not in state and (cycle := visit(module)):
            return cycle
    return None


def describe(cycle, graph):
    return "\n".join(
        f"  {a} imports {b} (line {graph[a][b]})" for a, b in itertools.pairwise(cycle)
    )


@pytest.fixture(scope="module")
def catalog_graph():
    return import_graph(PROJECT_ROOT, "catalog")


def test_every_module_is_read(catalog_graph):
    assert {"catalog.models.clips", "catalog.ingest", "catalog.search"} <= set(catalog_graph)
    assert "catalog.models" in catalog_graph["catalog.search.query"]


def test_models_import_nothing_above_them(catalog_graph):
    wrong = [
        f"{module} imports {target} (line {line})"
        for module, edges in catalog_graph.items()
        if module == "catalog.models" or module.startswith("catalog.models.")
        for target, line in edges.items()
        if any(target == above or target.startswith(f"{above}.") for above in ABOVE_MODELS)
    ]
    assert not wrong, "\n".join(wrong)


def test_no_import_cycle_in_catalog(catalog_graph):
    cycle = find_cycle(catalog_graph)
    assert cycle is None, "import cycle:\n" + describe(cycle, catalog_graph)


def _write(root, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # A function-level import that only dodges the cycle is still one.
        (
            {
                "pkg/__init__.py": "",
                "pkg/a.py": "from .b import x\n",
                "pkg/b.py": "def f():\n    from pkg import a\nx = 1\n",
            },
            ["pkg.a", "pkg.b", "pkg.a"],
        ),
        # A package's __init__ that imports a module which imports the package back.
        (
            {
                "pkg/__init__.py": "",
                "pkg/sub/__init__.py": "from .jobs import run\n",
                "pkg/sub/jobs.py": "def run():\n    from .. import tasks\n",
                "pkg/tasks.py": "from pkg.sub.results import y\n",
                "pkg/sub/results.py": "y = 1\n",
            },
            ["pkg.sub", "pkg.sub.jobs", "pkg.tasks", "pkg.sub"],
        ),
        # Siblings importing each other through their package are no cycle.
        (
            {
                "pkg/__init__.py": "from .a import x\nfrom .b import y\n",
                "pkg/a.py": "from .b import y\nx = y\n",
                "pkg/b.py": "import pkg.c\ny = 1\n",
                "pkg/c.py": "",
            },
            None,
        ),
    ],
)
def test_the_check_finds_cycles(tmp_path, files, expected):
    _write(tmp_path, files)
    assert find_cycle(import_graph(tmp_path, "pkg")) == expected

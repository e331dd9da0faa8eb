"""The layout shows the pipeline: a folder per stage, imports only run down the floors, and none forms a circle.

Read from the source with ast (nothing is imported), so a new module is checked as soon as it exists.
"""
import ast
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parent.parent

# Floor of each stage, lowest first: a module may import its own floor and the floors below, never above.
FLOORS = {
    "indexer.report": 0,
    "indexer.parent_watch": 0,
    "indexer.allocator": 0,
    "indexer.read": 1,
    "indexer.parse": 2,
    "indexer.pipeline": 3,
    "indexer.index": 4,
    "indexer.search": 5,
    "indexer.research": 6,
    "indexer.cli": 7,
    "indexer.__main__": 7,
    "webui": 7,
}
STAGE_FOLDERS = ("indexer.read", "indexer.parse", "indexer.index", "indexer.search", "indexer.research")


def module_name(path: Path) -> str:
    parts = path.relative_to(REPOSITORY).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def our_modules() -> dict[str, Path]:
    paths = [*REPOSITORY.glob("indexer/**/*.py"), *REPOSITORY.glob("webui/**/*.py")]
    # indexer/__init__.py is empty: the package is only the folder the stages stand in.
    return {module_name(path): path for path in paths if module_name(path) != "indexer"}


KNOWN = set()


def names_bound_in(module: str) -> set[str]:
    """The names a package's __init__.py binds by import or definition (empty for a plain module or none)."""
    path = MODULES.get(module)
    if path is None or path.name != "__init__.py":
        return set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bound = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            bound.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            bound.add(node.name)
    return bound


def imports_of(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every import of our packages, wherever it stands in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from webui import messages` imports the module webui.messages, not only the package.
            # A name the package itself binds (indexer.research's function `concordance`) is the package's.
            exported = names_bound_in(node.module)
            submodules = [f"{node.module}.{alias.name}" for alias in node.names if alias.name not in exported]
            found.extend((node.lineno, name) for name in submodules if name in KNOWN)
            if not all(name in KNOWN for name in submodules):
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
    return [(line, name) for line, name in found if name.split(".")[0] in ("indexer", "webui")]


MODULES = our_modules()
KNOWN.update(MODULES)


def stage_of(module: str) -> str:
    """The longest FLOORS key the module lies in (indexer.parse.places → indexer.parse)."""
    keys = [key for key in FLOORS if module == key or module.startswith(key + ".")]
    if not keys:
        raise AssertionError(f"{module} lies in no stage; add its folder to FLOORS")
    return max(keys, key=len)




@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_run_down_the_floors(module):
    here = stage_of(module)
    for line, imported in imports_of(MODULES[module]):
        there = stage_of(imported)
        assert FLOORS[there] <= FLOORS[here], f"{module}:{line} imports {imported}, a floor above it"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_other_stages_are_imported_through_their_package(module):
    """A stage's package exports what the floors above use; its modules stay its own business. Inside a
    stage, modules import each other directly (importing the half-loaded package would fail)."""
    here = stage_of(module)
    for line, imported in imports_of(MODULES[module]):
        there = stage_of(imported)
        if there not in STAGE_FOLDERS:
            continue
        if there == here:
            assert imported != there, f"{module}:{line} imports its own package {imported}; import the module"
        else:
            assert imported == there, f"{module}:{line} imports {imported}; import it from {there}"


def test_no_import_circle():
    graph = {module: {name for _line, name in imports_of(path) if name in MODULES} for module, path in MODULES.items()}
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(module: str) -> None:
        state[module] = "open"
        path.append(module)
        for imported in sorted(graph[module]):
            if state.get(imported) == "open":
                circle = path[path.index(imported):] + [imported]
                raise AssertionError("import circle: " + " → ".join(circle))
            if imported not in state:
                visit(imported)
        path.pop()
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module)


def test_every_stage_package_says_what_comes_in_and_goes_out():
    for folder in STAGE_FOLDERS:
        path = MODULES[folder]
        docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        assert docstring and " in" in docstring and "out" in docstring, f"{path} needs a docstring: what in, what out"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_passes_about_400_lines(module):
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= 480, f"{module} has {lines} lines; split it by role"


def test_tests_read_the_bundled_reports_only_through_a_copy():
    """Users add reports to corpus/; a test reading it directly would count theirs (tests/bundled.py copies ours)."""
    for path in sorted(REPOSITORY.glob("tests/*.py")):
        if path.name in ("bundled.py", Path(__file__).name):
            continue
        text = path.read_text(encoding="utf-8")
        assert 'parent / "corpus"' not in text and "SHIPPED_CORPUS" not in text, f"{path.name} reads corpus/ directly"

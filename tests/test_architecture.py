"""The house's shape, read from the source: sub-packages per stage, imports only downward, no cycle.

The import graph is built from every ``import`` statement of ``themes/`` (at module level or inside a
function, and the lazy name tables of the package ``__init__`` files), so an import hidden in a
function to dodge a cycle is seen like any other.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from helpers import ROOT

PACKAGE = ROOT / "themes"
FLOOR = ("errors", "files", "environment", "progress", "_lazy")
"""Top-level modules that every stage may import (and that import nothing of the package but each other)."""
LAYERS = (
    "corpus",
    "reference",
    "text",
    "models",
    "selection",
    "comparison",
    "validate",
    "report",
    "study",
    "verify",
)
"""The sub-packages in the order data flows: each may import the floor and the layers before it."""
SAME_LEVEL = {("corpus", "reference"), ("reference", "corpus")}
"""Layers of one level that must not import each other either."""
TOP = ("cli", "__main__", "__init__")
"""Above the layers, in this order: the command line, ``python -m themes``, the package's lazy API."""
MAX_LINES = 400


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> list[tuple[str, int, bool]]:
    """(imported themes module, line, inside a function) for every import of a source file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []

    def visit(node, in_function: bool):
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")
                    base = base[: len(base) - (child.level - 1)]
                    target = ".".join(base + ([child.module] if child.module else []))
                else:
                    target = child.module or ""
                if target == "themes" or target.startswith("themes."):
                    names = [a.name for a in child.names]
                    for n in names:  # `from . import corpus` imports the module themes.corpus
                        sub = f"{target}.{n}"
                        found.append((sub if resolves(sub) else target, child.lineno, inside))
            elif isinstance(child, ast.Import):
                found.extend(
                    (a.name, child.lineno, inside) for a in child.names if a.name.startswith("themes")
                )
            elif isinstance(child, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "_SOURCES" for t in child.targets
            ):  # a package's lazy names: each is an import of that module
                for module in ast.literal_eval(child.value).values():
                    found.append((f"{package}.{module}", child.lineno, False))
            visit(child, inside)

    visit(tree, False)
    return found


def resolves(module: str) -> bool:
    path = ROOT / module.replace(".", "/")
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def level_of(module: str) -> tuple[str, int]:
    """A module's place: its layer's name and rank (the floor 0, the layers 1.., the top last)."""
    parts = module.split(".")
    head = parts[1] if len(parts) > 1 else "__init__"
    if head in FLOOR:
        return head, 0
    if head in LAYERS:
        return head, 1 + LAYERS.index(head)
    if head in TOP:
        return head, 1 + len(LAYERS) + TOP.index(head)
    raise AssertionError(f"{module} is in no layer of the architecture")


SOURCES = sorted(PACKAGE.rglob("*.py"))
EDGES = [(module_name(p), target, line, inside, p) for p in SOURCES for target, line, inside in imports_of(p)]


def test_every_stage_is_a_sub_package_with_a_docstring_saying_what_it_owns():
    for layer in LAYERS:
        init = PACKAGE / layer / "__init__.py"
        assert init.is_file(), f"themes/{layer}/ is not a sub-package"
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and "import" in doc, f"themes/{layer}/__init__.py must say what it owns and may import"
    top = sorted(p.stem for p in PACKAGE.glob("*.py"))
    assert set(top) <= set(FLOOR) | set(TOP), (
        f"modules outside the layers: {set(top) - set(FLOOR) - set(TOP)}"
    )


def test_every_module_has_a_docstring_and_stays_under_400_lines():
    for path in SOURCES:
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines"
        assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))), f"{path} has no docstring"


def test_imports_only_run_downward():
    upward = []
    for source, target, line, _, path in EDGES:
        if target == "themes" or source.split(".")[:2] == target.split(".")[:2]:
            continue  # the package's version, or a module of the same sub-package
        (src_layer, src_rank), (dst_layer, dst_rank) = level_of(source), level_of(target)
        same_level = (src_layer, dst_layer) in SAME_LEVEL
        floor_to_floor = src_rank == dst_rank == 0
        if not floor_to_floor and (dst_rank >= src_rank or same_level) and src_layer not in ("__init__",):
            upward.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    assert not upward, "imports that do not run downward:\n" + "\n".join(upward)


def test_there_is_no_import_cycle():
    graph: dict[str, set[str]] = {}
    for source, target, *_ in EDGES:
        if target != source and target != "themes":
            graph.setdefault(source, set()).add(target)
    # a package __init__ with lazy names points at its own modules; those edges cannot close a cycle
    # at import time, and are left out
    for source in list(graph):
        graph[source] = {t for t in graph[source] if not t.startswith(source + ".")}
    state: dict[str, int] = {}
    stack: list[str] = []

    def walk(node: str):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt) :] + [nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                walk(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            walk(node)


def test_no_module_imports_the_package_inside_a_function():
    """Hiding an import in a function is how the old cycles were dodged. Only the command line, which
    no module imports and whose commands load their stage when run (``themes --help`` stays quick),
    may do it."""
    hidden = [
        f"{path.relative_to(ROOT)}:{line} imports {target} inside a function"
        for source, target, line, inside, path in EDGES
        if inside and not (source == "themes.cli" or source.startswith("themes.cli."))
    ]
    assert not hidden, "\n".join(hidden)


def test_the_graph_checker_sees_an_upward_import_and_a_cycle(tmp_path, monkeypatch):
    """The checks above can fail: a planted upward import and a planted cycle are found."""
    corpus = tmp_path / "themes" / "corpus"
    corpus.mkdir(parents=True)
    (tmp_path / "themes" / "__init__.py").write_text('"""x."""\n')
    (corpus / "__init__.py").write_text('"""x."""\n')
    (corpus / "a.py").write_text('"""x."""\nfrom ..study import run\nfrom .b import y\n')
    (corpus / "b.py").write_text('"""x."""\n\ndef f():\n    from .a import z\n')
    monkeypatch.setattr(__import__(__name__), "ROOT", tmp_path)
    edges = {
        (module_name(p), t, inside)
        for p in sorted((tmp_path / "themes").rglob("*.py"))
        for t, _, inside in imports_of(p)
    }
    assert ("themes.corpus.a", "themes.study", False) in edges
    assert ("themes.corpus.b", "themes.corpus.a", True) in edges
    assert level_of("themes.study")[1] > level_of("themes.corpus.a")[1]

"""No import cycle between the modules of ``framing/`` (DESIGN.md: "nothing imports in a circle").

Every module is parsed (not imported) and each ``import`` / ``from ... import`` statement,
at module level or inside a function, becomes an edge to the ``framing`` module it names:
``from framing.a import b`` points at ``framing.a.b`` when that is a module, else at
``framing.a``; relative imports are resolved against the importing module. Importing
``framing.pkg.mod`` also runs ``framing/pkg/__init__.py``, so it is an edge to the package
``framing.pkg`` too, unless the importing module sits inside that package (a package
re-exporting its own submodules is not a cycle). ``framing/__init__.py`` resolves its names
lazily (``__getattr__``), holds no import statement of its own modules and counts as no edge.
"""

from __future__ import annotations

import ast
from pathlib import Path


PACKAGE = Path(__file__).resolve().parents[1] / "framing"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The framing modules that module ``name`` (file ``path``) imports anywhere in its body."""
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out: set[str] = set()

    def add(target: str) -> None:
        while target and target not in known:  # framing.a.b.attr -> framing.a.b
            target = target.rpartition(".")[0]
        if not target or target == name:
            return
        out.add(target)
        package = target.rpartition(".")[0]
        while package.count("."):  # framing.a.b.c -> framing.a.b, framing.a (not framing itself)
            if not (name == package or name.startswith(package + ".")):
                out.add(package)
            package = package.rpartition(".")[0]

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "framing" or alias.name.startswith("framing."):
                    add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[:len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if not (module == "framing" or module.startswith("framing.")):
                continue
            for alias in node.names:
                sub = f"{module}.{alias.name}"
                add(sub if sub in known else module)
    return out


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def _path_in(component: list[str], graph: dict[str, set[str]]) -> list[str]:
    """One concrete cycle through the first module of a component, for the failure message."""
    start, members = component[0], set(component)
    parent: dict[str, str] = {start: ""}
    frontier = [start]
    while frontier:
        following = []
        for v in frontier:
            for w in sorted(graph[v] & members):
                if w == start:  # back at the start: walk the parents home
                    path = [v]
                    while path[-1] != start:
                        path.append(parent[path[-1]])
                    return [start] + path[::-1][1:] + [start]
                if w not in parent:
                    parent[w] = v
                    following.append(w)
        frontier = following
    return component


def test_walker_sees_function_level_and_relative_imports(tmp_path):
    known = {"framing", "framing.a", "framing.b", "framing.pkg", "framing.pkg.c", "framing.pkg.d"}
    src = tmp_path / "a.py"
    src.write_text("import os\n\ndef f():\n    from framing.b import thing\n    from .pkg import c\n"
                   "    import framing.pkg.c.attr\n")
    assert _imports("framing.a", src, known) == {"framing.b", "framing.pkg", "framing.pkg.c"}
    inside = tmp_path / "d.py"  # framing/pkg/d.py: a sibling import does not run its own package again
    inside.write_text("from framing.pkg.c import x\nfrom . import c\n")
    assert _imports("framing.pkg.d", inside, known) == {"framing.pkg.c"}
    assert _cycles({"x": {"y"}, "y": {"z"}, "z": {"x"}, "w": {"x"}}) == [["x", "y", "z"]]


def _message(cycles: list[list[str]], graph: dict[str, set[str]]) -> str:
    return "import cycles: " + "; ".join(" -> ".join(_path_in(c, graph)) for c in cycles)


def test_no_import_cycles_in_framing():
    graph = _graph()
    assert len(graph) > 50  # the walk found the package
    cycles = _cycles(graph)
    assert not cycles, _message(cycles, graph)

"""docs/architecture.md stays true: each package imports only from the layers
below it."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "ktptui"

#: Lower number = lower layer. A module may import its own package or a lower
#: layer, never a higher one. Keep in step with docs/architecture.md.
LAYERS: dict[str, int] = {
    **dict.fromkeys(("__init__", "paths", "text", "fsutil", "identity", "nik", "i18n", "errors",
                     "model", "config", "crash", "pdf", "locks", "fmt", "logs", "roles",
                     "phone"), 0),
    "store": 1,
    "actions": 2,
    **dict.fromkeys(("central", "printers", "power"), 3),
    "office": 4,
    "station": 5,
    "demo": 6,
    **dict.fromkeys(("tui", "cli", "__main__"), 7),
}
#: The allowed steps between fronts: `python -m ktptui` is the CLI, which starts the TUI.
FRONT_CALLS = {("cli", "tui"), ("__main__", "cli")}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> Iterator[str]:
    """Every ktptui module ``path`` imports, at any depth, except the
    ``if TYPE_CHECKING:`` blocks (annotations only, never run)."""
    mod = _module_name(path)
    here = mod.split(".") if path.name == "__init__.py" else mod.split(".")[:-1]

    def walk(node: ast.AST) -> Iterator[str]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                yield from (x for n in child.orelse for x in walk(n))
                continue
            if isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    up = here[: len(here) - child.level + 1]
                    base = ".".join([*up, *([base] if base else [])])
                if base.startswith("ktptui"):
                    for alias in child.names:
                        yield f"{base}.{alias.name}"
            elif isinstance(child, ast.Import):
                yield from (a.name for a in child.names if a.name.startswith("ktptui"))
            yield from walk(child)

    yield from walk(ast.parse(path.read_text(encoding="utf-8")))


def _modules() -> dict[str, set[str]]:
    names = {_module_name(p) for p in ROOT.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for path in ROOT.rglob("*.py"):
        targets: set[str] = set()
        for target in _imports(path):
            # "from pkg import name": the module if name is one, else pkg
            while target not in names and "." in target:
                target = target.rsplit(".", 1)[0]
            targets.add(target)
        graph[_module_name(path)] = targets - {_module_name(path)}
    return graph


def _top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_every_package_imports_only_from_lower_layers() -> None:
    wrong = []
    for module, targets in _modules().items():
        src = _top(module)
        assert src in LAYERS, f"{module}: add its package to LAYERS and docs/architecture.md"
        for target in targets:
            dst = _top(target)
            # base modules (layer 0) may use each other; the cycle test
            # keeps them from doing so both ways
            upward = LAYERS[dst] > LAYERS[src] or (LAYERS[dst] == LAYERS[src] > 0)
            if dst != src and upward and (src, dst) not in FRONT_CALLS:
                wrong.append(f"{module} -> {target}")
    assert not wrong, wrong


def test_architecture_doc_names_every_package() -> None:
    doc = (ROOT.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    packages = sorted(p.name for p in ROOT.iterdir() if (p / "__init__.py").exists())
    assert packages, "no packages found"
    missing = [p for p in packages if f"`{p}/`" not in doc]
    assert not missing, f"docs/architecture.md does not describe {missing}"


def test_no_import_cycles() -> None:
    graph = _modules()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 = on the path, 2 = done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt):], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert not cycles, cycles


def test_fronts_parse_no_status_text() -> None:
    """The station's status reaches the fronts typed (station.status): no
    module in tui/ or cli/ imports ``re``, the text parser is gone, and the
    store's status record is read only through ``StationStatus.from_json``."""
    fronts = [p for d in ("tui", "cli") for p in (ROOT / d).rglob("*.py")]
    assert fronts
    for path in fronts:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import)
                    for a in n.names} | {n.module for n in ast.walk(tree)
                                         if isinstance(n, ast.ImportFrom) and not n.level}
        assert "re" not in imported, f"{path.name} imports re"
        defined = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        assert not defined & {"link_from_text", "link_from_monitor", "_power_info"}, path.name
        text = path.read_text(encoding="utf-8")
        assert '"engine_status"' not in text, f"{path.name} reads the status record by hand"
        if "STATUS_KEY" in text:
            assert "StationStatus.from_json(" in text, path.name

"""Architecture figures of the code base: app cycles, upward imports, module sizes, long functions, complexity.

    .venv/bin/python benchmarks/architecture_figures.py [SRC_DIR]

SRC_DIR defaults to ./src; give the src folder of another checkout (git worktree) to compare commits.
The layer order below is the one `.importlinter` enforces; an "upward import" is an import from an app
into an app of a higher layer (or a sibling in the same layer), counted per importing module and target.
mypy errors are counted by `scripts/lint.sh`, which prints them next to the recorded baseline.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

import grimp
import networkx as nx
from radon.complexity import cc_rank, cc_visit

PACKAGE = "krachtvansamen"
# Lowest first; apps in one tuple are siblings that must not import each other.
LAYERS: list[tuple[str, ...]] = [
    ("core",),
    ("framework",),
    ("neighbourhoods",),
    ("people",),
    ("privacy",),
    ("coding", "assets"),
    ("assessments", "network"),
    ("instruments", "effectenplein", "documents"),
    ("analysis",),
    ("reports",),
    ("web",),
    ("demo",),
]
EXEMPT_FROM_SIZE = ("migrations", "demo/national.py")


def app_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == PACKAGE else None


def layer_index() -> dict[str, int]:
    return {app: i for i, apps in enumerate(LAYERS) for app in apps}


def import_figures(src: Path) -> None:
    sys.path.insert(0, str(src))
    graph = grimp.build_graph(PACKAGE)
    apps = nx.DiGraph()
    modules = nx.DiGraph()
    layer = layer_index()
    upward: list[tuple[str, str]] = []
    for importer in graph.modules:
        for imported in graph.find_modules_directly_imported_by(importer):
            modules.add_edge(importer, imported)
            a, b = app_of(importer), app_of(imported)
            if not a or not b or a == b:
                continue
            apps.add_edge(a, b)
            if a in layer and b in layer and layer[b] >= layer[a]:
                upward.append((importer, imported))
    app_cycles = [c for c in nx.simple_cycles(apps) if len(c) > 1]
    module_cycles = [c for c in nx.strongly_connected_components(modules) if len(c) > 1]
    print(f"apps that import each other (cycles between apps): {len(app_cycles)}")
    for cycle in sorted(app_cycles, key=len)[:10]:
        print("   ", " -> ".join([*cycle, cycle[0]]))
    print(f"groups of modules importing each other (cycles between modules): {len(module_cycles)}")
    for group in module_cycles[:10]:
        print("   ", ", ".join(sorted(group)))
    print(f"imports upward or sideways across the layers: {len(upward)}")
    for importer, imported in upward[:15]:
        print(f"    {importer} -> {imported}")
    unknown = sorted({a for a in (app_of(m) for m in graph.modules) if a and a not in layer} - {"cli"})
    if unknown:
        print("modules outside the layer list:", ", ".join(unknown))


def code_figures(src: Path) -> None:
    files = [p for p in (src / PACKAGE).rglob("*.py") if "migrations" not in p.parts]
    sizes = []
    long_functions = []
    inner_imports = 0
    grades: dict[str, int] = defaultdict(int)
    for path in files:
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(src / PACKAGE).as_posix()
        sizes.append((len(text.splitlines()), rel))
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > 80:
                    long_functions.append((length, f"{rel}:{node.name}"))
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Import | ast.ImportFrom):
                        inner_imports += 1
        for block in cc_visit(text):
            grades[cc_rank(block.complexity)] += 1
    sizes.sort(reverse=True)
    counted = [
        (n, rel) for n, rel in sizes if not any(rel.startswith(e) or e in rel for e in EXEMPT_FROM_SIZE)
    ]
    print(f"python modules (without migrations): {len(files)}, lines: {sum(n for n, _ in sizes)}")
    print(f"biggest module: {sizes[0][1]} ({sizes[0][0]} lines)")
    over = [f"{rel} ({n})" for n, rel in counted if n > 600]
    print(f"modules over 600 lines (outside migrations and the national generator): {len(over)}")
    for item in over:
        print("   ", item)
    long_functions.sort(reverse=True)
    print(f"functions over 80 lines: {len(long_functions)}")
    for n, name in long_functions[:20]:
        print(f"    {name} ({n})")
    print("radon complexity grades:", ", ".join(f"{g} {grades[g]}" for g in "ABCDEF"))
    print(f"radon grades C or worse: {sum(grades[g] for g in 'CDEF')}, D-F: {sum(grades[g] for g in 'DEF')}")
    print(f"imports inside functions: {inner_imports}")


def main() -> None:
    src = Path(sys.argv[1] if len(sys.argv) > 1 else "src").resolve()
    import_figures(src)
    code_figures(src)


if __name__ == "__main__":
    main()

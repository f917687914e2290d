"""Print the package's import graph and fail on an import circle or an upward import.

Every ``import assistant...`` is counted, at module level or inside a function alike (an import hidden in a
function is still a dependency). Layers, lowest first: a module may import its own layer or lower ones. Inside
``assistant.replies`` the modules are layered too (text and lexicons at the bottom, engine on top). Nothing at run
time may import ``assistant.training`` or ``assistant.bench``.

    python scripts/import_graph.py          # prints a summary; exit 1 on a circle or an upward import
    python scripts/import_graph.py --edges  # also prints every edge
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "assistant"

# package layers (lowest first); a name is matched as the longest prefix
LAYERS: list[tuple[str, ...]] = [
    ("assistant.config", "assistant.privacy"),
    ("assistant.documents",),
    ("assistant.store",),
    ("assistant.ingest", "assistant.users"),
    ("assistant.sessions",),
    ("assistant.retrieval",),
    ("assistant.replies",),
    ("assistant.feedback",),
    ("assistant.practice",),
    ("assistant.ingest_cli", "assistant.firstrun", "assistant.backup"),
    ("assistant.ui",),
    ("assistant.training",),
    ("assistant.bench",),
]
REPLIES_LAYERS: list[tuple[str, ...]] = [
    ("model", "text", "labelled", "endpoint"),
    ("lexicons", "vectors", "classifier", "templates", "checklist", "applicability"),
    ("exemplars",),
    ("emotion", "intent", "risk", "tone", "staff"),
    ("triage",),
    ("nvc", "grounding", "variants", "validator"),
    ("verifier",),
    ("selection",),
    ("composer",),
    ("llm",),
    ("engine",),
    ("__main__",),
]
RUNTIME_FORBIDDEN = ("assistant.training", "assistant.bench")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, name: str) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_pkg = path.name == "__init__.py"
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("assistant"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                pkg = name.split(".") if is_pkg else name.split(".")[:-1]
                pkg = pkg[:len(pkg) - node.level + 1]
                base = ".".join(pkg + ([base] if base else []))
            if base.startswith("assistant"):
                out.add(base)
                out.update(f"{base}.{a.name}" for a in node.names)
    return out


def graph() -> dict[str, set[str]]:
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    edges: dict[str, set[str]] = {}
    for name, path in files.items():
        targets = {t for t in imports_of(path, name) if t in files and t != name}
        edges[name] = targets
    return edges


def layer_of(name: str, layers: list[tuple[str, ...]], prefix: str = "") -> int | None:
    best, best_len = None, -1
    for i, group in enumerate(layers):
        for p in group:
            full = prefix + p
            if (name == full or name.startswith(full + ".")) and len(full) > best_len:
                best, best_len = i, len(full)
    return best


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def violations(edges: dict[str, set[str]]) -> list[str]:
    bad = []
    for src, targets in sorted(edges.items()):
        ls = layer_of(src, LAYERS)
        for dst in sorted(targets):
            ld = layer_of(dst, LAYERS)
            if ls is None or ld is None:
                bad.append(f"{src} -> {dst}: module not in any layer (add it to LAYERS)")
                continue
            if ld > ls:
                bad.append(f"{src} -> {dst}: upward import (layer {ls} imports layer {ld})")
            if any(dst.startswith(f) for f in RUNTIME_FORBIDDEN) and not any(src.startswith(f) for f in RUNTIME_FORBIDDEN):
                bad.append(f"{src} -> {dst}: run-time code imports {dst.split('.')[1]}")
            if src.startswith("assistant.replies.") and dst.startswith("assistant.replies."):
                rs, rd = layer_of(src, REPLIES_LAYERS, "assistant.replies."), layer_of(dst, REPLIES_LAYERS, "assistant.replies.")
                if rs is None or rd is None:
                    bad.append(f"{src} -> {dst}: replies module not in REPLIES_LAYERS")
                elif rd > rs or (rd == rs and src != dst):
                    bad.append(f"{src} -> {dst}: upward or sideways import inside replies/")
    return bad


def main(argv: list[str]) -> int:
    edges = graph()
    if "--edges" in argv:
        for src, targets in sorted(edges.items()):
            for dst in sorted(targets):
                print(f"{src} -> {dst}")
    circles = cycles(edges)
    bad = violations(edges)
    print(f"{len(edges)} modules, {sum(len(t) for t in edges.values())} imports inside assistant/; "
          f"{len(circles)} circles, {len(bad)} layer violations")
    for c in circles:
        print("circle: " + " -> ".join(c))
    for b in bad:
        print(b)
    return 1 if circles or bad else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

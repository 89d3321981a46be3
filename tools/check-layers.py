#!/usr/bin/env python3
"""Checks that the source tree follows the module layers of docs/architecture.md.

    tools/check-layers.py [SOURCE_DIR]      (default: the repository this script is in)

The order is read from the one "Layers (lowest first): a < b < ..." line of docs/architecture.md,
so the document and the check cannot drift apart. Fails (exit 1, one line per problem) when

  - a file in src/<module>/ includes "<other>/..." of a higher module, or of a module that is not
    in the list;
  - a folder of src/ is not in the list (a new module must be placed in the order first);
  - a folder of tests/ names no module of src/ (tests mirror src/; HELPERS are the exceptions).

Exit 2 when the layer line is missing or malformed. Files over the size guidelines are listed as
warnings only: they are a prompt to split, not a rule the build enforces.
"""

import pathlib
import re
import sys

LAYER_LINE = re.compile(r"^Layers \(lowest first\):\s*`?([^`]+?)`?\s*$")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
SOURCE_SUFFIXES = {".h", ".cpp", ".h.in", ".cpp.in"}
# tests/ folders that hold shared fixtures or whole-program tests rather than one module's tests.
HELPERS = {"golden", "cli"}
MAX_LINES = 400
MAX_COMMAND_LINES = 120  # apps/*/cmd_*.cpp: a command should be option parsing and one call


def read_layers(root):
    doc = root / "docs" / "architecture.md"
    try:
        text = doc.read_text(encoding="utf-8")
    except OSError as e:
        print(f"check-layers: cannot read {doc}: {e.strerror}", file=sys.stderr)
        sys.exit(2)
    found = [m.group(1) for m in map(LAYER_LINE.match, text.splitlines()) if m]
    if len(found) != 1:
        print(f"check-layers: {doc} needs exactly one 'Layers (lowest first): a < b < ...' line, "
              f"found {len(found)}", file=sys.stderr)
        sys.exit(2)
    layers = [name.strip() for name in found[0].split("<")]
    if not all(re.fullmatch(r"[a-z_][a-z0-9_]*", name) for name in layers) or len(
            set(layers)) != len(layers):
        print(f"check-layers: malformed layer line in {doc}: {found[0]!r}", file=sys.stderr)
        sys.exit(2)
    return layers


def is_source(path):
    return path.is_file() and any(path.name.endswith(s) for s in SOURCE_SUFFIXES)


def check_includes(root, layers):
    rank = {name: i for i, name in enumerate(layers)}
    problems = []
    src = root / "src"
    for folder in sorted(p for p in src.iterdir() if p.is_dir()):
        module = folder.name
        if module not in rank:
            problems.append(f"src/{module}/: a module missing from the layer line of "
                            "docs/architecture.md")
            continue
        for path in sorted(p for p in folder.rglob("*") if is_source(p)):
            rel = path.relative_to(root)
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                m = INCLUDE.match(line)
                if not m or "/" not in m.group(1):
                    continue  # a header beside the file, or a generated one named without a module
                target = m.group(1).split("/", 1)[0]
                if target not in rank:
                    problems.append(f"{rel}:{number}: includes \"{m.group(1)}\" of unknown "
                                    f"module '{target}'")
                elif rank[target] > rank[module]:
                    problems.append(f"{rel}:{number}: {module} includes \"{m.group(1)}\" of "
                                    f"higher module {target}")
    return problems


def check_tests_mirror_src(root):
    tests = root / "tests"
    if not tests.is_dir():
        return []
    modules = {p.name for p in (root / "src").iterdir() if p.is_dir()}
    problems = []
    for folder in sorted(p for p in tests.iterdir() if p.is_dir()):
        name = folder.name
        if name in HELPERS or name.startswith((".", "_")):
            continue
        if name not in modules:
            problems.append(f"tests/{name}/: names no module of src/ (tests mirror src/; "
                            f"helpers allowed: {', '.join(sorted(HELPERS))})")
    return problems


def size_warnings(root):
    warnings = []
    for top in ("src", "apps"):
        base = root / top
        if not base.is_dir():
            continue
        for path in sorted(p for p in base.rglob("*") if is_source(p)):
            lines = len(path.read_text(encoding="utf-8").splitlines())
            limit = MAX_COMMAND_LINES if (top == "apps" and path.name.startswith("cmd_")
                                          and path.suffix == ".cpp") else MAX_LINES
            if lines > limit:
                warnings.append(f"{path.relative_to(root)}: {lines} lines (guideline {limit})")
    return warnings


def main(argv):
    if len(argv) > 2:
        print("usage: check-layers.py [SOURCE_DIR]", file=sys.stderr)
        return 2
    root = pathlib.Path(argv[1] if len(argv) == 2 else pathlib.Path(__file__).parent.parent)
    if not (root / "src").is_dir():
        print(f"check-layers: {root} has no src/ folder", file=sys.stderr)
        return 2
    layers = read_layers(root)
    problems = check_includes(root, layers) + check_tests_mirror_src(root)
    for w in size_warnings(root):
        print(f"warning: {w}")
    if problems:
        for p in problems:
            print(p)
        print(f"check-layers: {len(problems)} problem(s); layers (lowest first): "
              f"{' < '.join(layers)}")
        return 1
    print(f"check-layers: ok, {len(layers)} modules in order: {' < '.join(layers)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

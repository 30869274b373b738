"""The layout in docs/ARCHITECTURE.md, held against the code: which part may import which.

Every Python module of the project belongs to the most specific part listed in `ALLOWED`;
an import from one part into another must be in that part's allowed set. Imports inside a
part, of the standard library and of third-party packages are not restricted here (that the
pure parts import no Django is tested separately).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "cases", "housing", "matching", "config")

PURE = frozenset()
# part -> the parts it may import. Keep in step with the picture in docs/ARCHITECTURE.md.
ALLOWED: dict[str, frozenset[str]] = {
    "config": frozenset(
        {"accounts", "cases", "housing", "matching.board", "matching.placements"}
        | {"matching.simulation", "matching.aftercare", "matching.monitor"}
    ),
    "accounts": frozenset({"config"}),
    # The template filters every app's templates load (formatting of labels and values):
    # presentation glue that may read the apps' choice labels, never their services.
    "accounts.templatetags": frozenset({"accounts", "config", "cases", "housing"}),
    "housing.capacity": PURE,
    "housing": frozenset({"accounts", "config", "housing.capacity"}),
    "cases": frozenset({"accounts", "config", "housing"}),
    "matching.engine": PURE,
    "matching.engine_input": frozenset({"matching.engine"}),
    "matching.simulation.core": frozenset(
        {"matching.engine", "matching.engine_input", "housing.capacity"}
        | {"matching.simulation.weekly"}
    ),
    "matching.simulation.weekly": frozenset({"matching.engine"}),
    "matching.board": frozenset(
        {"accounts", "config", "cases", "housing", "housing.capacity"}
        | {"matching.engine", "matching.engine_input"}
    ),
    "matching.placements": frozenset(
        {"accounts", "config", "cases", "housing", "housing.capacity", "matching.board"}
    ),
    "matching.simulation": frozenset(
        {"accounts", "config", "cases", "housing", "housing.capacity", "matching.board"}
        | {"matching.engine", "matching.engine_input", "matching.simulation.core"}
        | {"matching.simulation.weekly", "matching.placements"}
    ),
    "matching.aftercare": frozenset(
        {"accounts", "config", "cases", "housing", "matching.board", "matching.placements"}
    ),
    "matching.monitor": frozenset(
        {"accounts", "config", "cases", "housing", "housing.capacity", "matching.board"}
        | {"matching.placements"}
    ),
    # The namespace package itself holds only a docstring.
    "matching": PURE,
}


def part_of(module: str) -> str | None:
    best = None
    for part in ALLOWED:
        if (module == part or module.startswith(part + ".")) and (
            best is None or len(part) > len(best)
        ):
            best = part
    return best


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_module(name: str) -> bool:
    base = ROOT.joinpath(*name.split("."))
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def imported(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every project import in the file, relative ones resolved."""
    module = module_name(path)
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1])
                source = f"{base}.{node.module}" if node.module else base
            else:
                source = node.module or ""
            for alias in node.names:
                # `from pkg import mod` imports pkg.mod when that is a module.
                candidate = f"{source}.{alias.name}"
                found.append((node.lineno, candidate if is_module(candidate) else source))
    return [(line, name) for line, name in found if name.split(".")[0] in APPS]


def project_files() -> list[Path]:
    return sorted(
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    )


def test_every_project_module_belongs_to_a_part():
    assert all(part_of(module_name(path)) for path in project_files())


def test_no_import_crosses_the_layout():
    broken = []
    for path in project_files():
        source = part_of(module_name(path))
        for line, name in imported(path):
            target = part_of(name)
            if target and target != source and target not in ALLOWED[source]:
                broken.append(f"{path.relative_to(ROOT)}:{line}: {source} imports {name}")
    assert not broken, "imports that break docs/ARCHITECTURE.md:\n" + "\n".join(broken)


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("accounts", "cases"),
        ("housing", "matching.board"),
        ("cases", "matching.board"),
        ("matching.engine", "matching.board"),
        ("matching.board", "matching.placements"),
        ("matching.board", "matching.aftercare"),
        ("matching.placements", "matching.aftercare"),
        ("matching.simulation.core", "matching.board"),
    ],
)
def test_the_rule_refuses_imports_against_the_layout(source, target):
    assert target not in ALLOWED[source]


def test_the_architecture_document_lists_every_part():
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text()
    missing = [part for part in ALLOWED if f"`{part}`" not in text]
    assert not missing, f"docs/ARCHITECTURE.md does not describe: {missing}"

"""The package's shape: report/ is grouped by the stages data flows through, a lower stage never
imports a higher one, no module imports itself back through another, and no module is long."""

import ast
from pathlib import Path

from helpers.project import ROOT

PACKAGE = ROOT / "report"
# data → content → publish; workflow (the writers' October round) beside publish, on data and
# content. The command (cli, build, check) sits on top and may use every stage.
MAY_IMPORT = {
    "data": {"data"},
    "content": {"data", "content"},
    "publish": {"data", "content", "publish"},
    "workflow": {"data", "content", "workflow"},
}
MAX_LINES = 350


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every report module `path` imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}  # `from report.data import schema`
    modules = {_module(p) for p in PACKAGE.rglob("*.py")}
    return {name for name in found if name in modules and name != "report"}


def _stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in MAY_IMPORT else None


GRAPH = {_module(p): _imports(p) for p in sorted(PACKAGE.rglob("*.py"))}


def test_report_shows_the_stages_in_its_folders():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert top == ["__init__.py", "__main__.py", "build.py", "check.py", "cli.py", "preview.py"]
    assert {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"} == set(MAY_IMPORT)


def wrong_imports(graph: dict[str, set[str]]) -> list[str]:
    """'report.data.x imports report.content.y' for each import of a higher stage (or the command)."""
    return [f"{module} imports {m}" for module, imported in graph.items() if (stage := _stage(module))
            for m in sorted(imported) if (_stage(m) or "the command") not in MAY_IMPORT[stage]]


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each module that reaches itself again through its imports, with the way round."""
    found = []
    for start in graph:
        stack, seen = [(start, [start])], set()
        while stack:
            node, path = stack.pop()
            if start in graph.get(node, ()):
                found.append(path + [start])
                break
            for nxt in graph.get(node, ()):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, path + [nxt]))
    return found


def test_a_stage_imports_only_its_own_and_lower_stages():
    assert not wrong_imports(GRAPH), "move the shared piece down a stage: " + "; ".join(wrong_imports(GRAPH))


def test_no_import_circles():
    assert not circles(GRAPH), "import circle: " + " → ".join(circles(GRAPH)[0])


def test_the_checks_find_a_wrong_import_and_a_circle():
    assert wrong_imports({"report.data.load": {"report.content.norsk", "report.data.model"},
                          "report.content.blocks": {"report.publish.quarto"},
                          "report.workflow.replies": {"report.cli"}}) == [
        "report.data.load imports report.content.norsk", "report.content.blocks imports report.publish.quarto",
        "report.workflow.replies imports report.cli"]
    assert circles({"report.check": {"report.cli"}, "report.cli": {"report.check"}, "report.build": set()}) == [
        ["report.check", "report.cli", "report.check"], ["report.cli", "report.check", "report.cli"]]


def test_no_module_is_longer_than_a_reader_can_hold():
    long = {str(p.relative_to(ROOT)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"split these by concern: {long}"

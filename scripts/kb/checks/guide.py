"""The rule section of CONTRIBUTING.md, written from the registry (never by hand)."""

from pathlib import Path

from .base import Rule
from .registry import CHECKS

START = "<!-- rules:start (written by `kb check --write-guide` from scripts/kb/checks/; do not edit by hand) -->"
END = "<!-- rules:end -->"
FENCE_LANGUAGE = {"page": "markdown", "file": "markdown", "bib": "bibtex", "custom": "text"}


def _example(label: str, text: str, rule: Rule) -> str:
    return f"{label}：\n\n~~~~{FENCE_LANGUAGE[rule.example]}\n{text.rstrip()}\n~~~~\n"


def rules_markdown() -> str:
    out = []
    for check in CHECKS:
        out.append(f"### {check.title}\n")
        for rule in check.rules:
            note = "（仅提示，不会使检查失败）" if not rule.blocking else ""
            out.append(f"#### {rule.id}\n\n{rule.summary}{note}\n")
            out.append(_example("不符合", rule.bad, rule))
            out.append(_example("符合", rule.good, rule))
    return "\n".join(out)


def rules_text() -> str:
    return "\n".join(f"{rule.id:9} {rule.summary}" + ("" if rule.blocking else "（仅提示）")
                     for check in CHECKS for rule in check.rules)


def section() -> str:
    return f"{START}\n\n{rules_markdown()}\n{END}"


def current_section(guide: str) -> str | None:
    start, end = guide.find(START), guide.find(END)
    return guide[start:end + len(END)] if start >= 0 and end > start else None


def write_guide(path: Path) -> bool:
    """Replace the rule section of the guide; True if it changed."""
    guide = path.read_text(encoding="utf-8")
    old = current_section(guide)
    if old is None:
        raise ValueError(f"{path}: no rule section ({START[:20]}... {END})")
    new = guide.replace(old, section())
    if new != guide:
        path.write_text(new, encoding="utf-8")
    return new != guide

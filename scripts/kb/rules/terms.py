"""Mis-converted terms and typos, fixed only through the reviewed table `data/terms.yaml`."""

import re
from dataclasses import dataclass
from pathlib import Path

from kb import yamlio

# Spans that are never rewritten: fenced code, inline code, math, link targets.
PROTECTED = re.compile(r"(```.*?```|~~~.*?~~~|`[^`\n]*`|\$\$.*?\$\$|\$[^$\n]+\$|\]\([^)\n]*\)|<https?://[^>\n]*>|https?://\S+)", re.S)


@dataclass(frozen=True)
class Term:
    wrong: str
    right: str
    kind: str
    note: str = ""


class TermsTableError(ValueError):
    pass


def load_terms(path: Path) -> list[Term]:
    data = yamlio.load(path.read_text(encoding="utf-8")) or {}
    terms = []
    for kind, entries in data.items():
        for i, entry in enumerate(entries or []):
            if not isinstance(entry, dict) or not entry.get("wrong") or "right" not in entry:
                raise TermsTableError(f"{path}: {kind}[{i}] needs 'wrong' and 'right'")
            terms.append(Term(str(entry["wrong"]), str(entry["right"]), kind, str(entry.get("note", ""))))
    wrongs = [t.wrong for t in terms]
    if len(set(wrongs)) != len(wrongs):
        dup = sorted({w for w in wrongs if wrongs.count(w) > 1})
        raise TermsTableError(f"{path}: listed twice: {', '.join(dup)}")
    # Longest first, so a phrase wins over a word inside it.
    return sorted(terms, key=lambda t: -len(t.wrong))


def apply_terms(text: str, terms: list[Term]) -> str:
    if not terms:
        return text
    pattern = re.compile("|".join(re.escape(t.wrong) for t in terms))
    table = {t.wrong: t.right for t in terms}
    parts = PROTECTED.split(text)
    for i in range(0, len(parts), 2):  # even indexes are unprotected prose
        parts[i] = pattern.sub(lambda m: table[m.group(0)], parts[i])
    return "".join(parts)

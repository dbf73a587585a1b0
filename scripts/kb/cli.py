"""The `kb` command: `kb import`, `kb fmt`, `kb check`."""

import argparse
import sys
from pathlib import Path

from . import bibcheck, fmt
from .problems import Problem
from .errors import KbError
from .importer import import_notes
from .paths import repo_root, terms_file
from .rules.terms import TermsTableError, load_terms


def _error(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)


def cmd_import(args, root: Path) -> int:
    try:
        plans = import_notes([Path(p) for p in args.paths], root, section=args.section,
                             slug=args.slug, title=args.title, force=args.force)
    except ExceptionGroup as group:
        for exc in group.exceptions:
            _error(str(exc))
        return 1
    for plan in plans:
        print(f"imported {plan.source} -> {plan.page.relative_to(root)} ({len(plan.images)} images)")
    return 0


def cmd_fmt(args, root: Path) -> int:
    terms = load_terms(terms_file(root))
    bad = 0
    for page in fmt.pages(root, [Path(p) for p in args.paths]):
        try:
            text = page.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            _error(f"{page}: cannot read ({exc.__class__.__name__})")
            bad += 1
            continue
        wanted = fmt.formatted(text, terms)
        if wanted == text:
            continue
        if args.check:
            line = fmt.first_difference(text, wanted)
            print(f"{page.relative_to(root) if page.is_relative_to(root) else page}:{line}: FMT001 "
                  f"not in normal form (run: kb fmt {page})")
            bad += 1
        else:
            page.write_text(wanted, encoding="utf-8")
            print(f"formatted {page}")
    return 1 if bad else 0


def format_problems(root: Path, paths: list[Path], terms) -> list[Problem]:
    problems = []
    for page in fmt.pages(root, paths):
        text = page.read_text(encoding="utf-8")
        wanted = fmt.formatted(text, terms)
        if wanted != text:
            rel = page.relative_to(root).as_posix() if page.resolve().is_relative_to(root) else str(page)
            problems.append(Problem(rel, fmt.first_difference(text, wanted), "FMT001",
                                    f"not in normal form (run: kb fmt {rel})"))
    return problems


def cmd_check(args, root: Path) -> int:
    """Every content check; `file:line: RULE-ID message`, non-zero exit on any blocking problem."""
    terms = load_terms(terms_file(root))
    paths = [Path(p).resolve() for p in args.paths]
    pages = fmt.pages(root, paths)
    entries, problems = bibcheck.read_store(root / "bib", root)
    problems += bibcheck.check_store(entries)
    all_pages = fmt.pages(root, [])
    citation_problems = bibcheck.check_citations(all_pages, entries, root)
    selected = {p.resolve() for p in pages}
    problems += [p for p in citation_problems
                 if p.rule != "CITE001" or (root / p.path).resolve() in selected]
    problems += format_problems(root, pages, terms)
    for problem in sorted(problems, key=lambda p: (not p.blocking, p.path, p.line)):
        print(("" if problem.blocking else "note: ") + str(problem))
    blocking = sum(p.blocking for p in problems)
    notes = len(problems) - blocking
    print(f"kb check: {len(pages)} pages, {len(entries)} bibliography entries: "
          f"{blocking} problem(s), {notes} note(s)", file=sys.stderr)
    return 1 if blocking else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kb", description="Tools of the LLM study-notes knowledge base.")
    sub = parser.add_subparsers(dest="command", required=True)

    imp = sub.add_parser("import", help="normalise raw notes (Typora, Obsidian, Hexo) into pages under docs/")
    imp.add_argument("paths", nargs="+", metavar="PATH")
    imp.add_argument("--section", default="notes", help="folder under docs/ (default: notes)")
    imp.add_argument("--slug", help="file name of the page, without .md (default: from the note's file name)")
    imp.add_argument("--title", help="page title (default: front matter, first H1, or file name)")
    imp.add_argument("--force", action="store_true", help="overwrite an existing page")
    imp.set_defaults(run=cmd_import)

    fm = sub.add_parser("fmt", help="put pages in normal form; --check only reports")
    fm.add_argument("paths", nargs="*", metavar="PATH")
    fm.add_argument("--check", action="store_true", help="report pages not in normal form, change nothing")
    fm.set_defaults(run=cmd_fmt)

    ck = sub.add_parser("check", help="run every content check: file:line: RULE-ID message")
    ck.add_argument("paths", nargs="*", metavar="PATH", help="pages to check (default: all of docs/)")
    ck.set_defaults(run=cmd_check)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        root = repo_root()
        return args.run(args, root)
    except (FileNotFoundError, TermsTableError, KbError) as exc:
        _error(str(exc))
        return 2


if __name__ == "__main__":
    sys.exit(main())

"""The `kb` command: `kb import`, `kb fmt`, `kb check`, `kb new`, `kb links`, `kb published`, `kb diagrams`."""

import argparse
import sys
from pathlib import Path

from . import fmt
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
        for warning in plan.warnings:
            print(f"warning: {warning}", file=sys.stderr)
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


def cmd_check(args, root: Path) -> int:
    """Every content check; `file:line: RULE-ID message`, non-zero exit on any blocking problem."""
    import time

    from .checks import guide, registry
    from .checks.base import Context

    if args.list_rules:
        print(guide.rules_markdown() if args.markdown else guide.rules_text())
        return 0
    if args.write_guide:
        changed = guide.write_guide(root / "CONTRIBUTING.md")
        print(f"{'updated' if changed else 'unchanged'}: CONTRIBUTING.md (rule section)", file=sys.stderr)
        return 0
    start = time.perf_counter()
    pages = registry.select_pages(root, [Path(p) for p in args.paths])
    timings: dict[str, float] = {}
    problems = registry.run(Context(root), pages, timings=timings)
    if args.paths:  # a partial run (pre-commit): notes only about the files asked for
        selected = {page.path for page in pages}
        problems = [p for p in problems if p.blocking or p.path in selected]
    for problem in sorted(set(problems), key=lambda p: (not p.blocking, p.path, p.line, p.rule)):
        print(("" if problem.blocking else "note: ") + str(problem))
    blocking = sum(p.blocking for p in set(problems))
    notes = len(set(problems)) - blocking
    print(f"kb check: {len(pages)} pages: {blocking} problem(s), {notes} note(s) "
          f"in {time.perf_counter() - start:.1f} s (rules: kb check --list-rules; guide: CONTRIBUTING.md)",
          file=sys.stderr)
    if args.timings:
        for name, seconds in timings.items():
            print(f"  {name:20} {seconds:6.2f} s", file=sys.stderr)
    return 1 if blocking else 0


def cmd_new(args, root: Path) -> int:
    from .new import create_note

    page = create_note(root, section=args.section, title=args.title, slug=args.slug, tags=args.tags or [],
                       topic=args.topic, en=args.en, summary=args.summary, source=args.source)
    print(page.relative_to(root).as_posix())
    return 0


def cmd_links(args, root: Path) -> int:
    from .linkcheck import run_lychee

    return run_lychee(root, [Path(p) for p in args.paths], config=Path(args.config) if args.config else None,
                      cache=not args.no_cache, report=Path(args.report) if args.report else None)


def cmd_published(args, root: Path) -> int:
    from .checks.redirects import HEADER, LIST, published_urls

    site = Path(args.site)
    if not (site / "index.html").is_file():
        raise KbError(str(site), "not a built site (no index.html): run mkdocs build first")
    text = HEADER + "\n".join(published_urls(site)) + "\n"
    if args.write:
        (root / LIST).write_text(text, encoding="utf-8")
        print(f"wrote {LIST}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_bench(args, root: Path) -> int:
    # The benchmark is tooling of this repository (tests/bench/), not part of the installed kb package.
    if not (root / "tests" / "bench" / "run.py").is_file():
        print(f"error: {root}/tests/bench/run.py: kb bench runs from a checkout of the knowledge base", file=sys.stderr)
        return 2
    sys.path.insert(0, str(root / "tests"))
    from bench.run import main as bench_main

    return bench_main(root, args)


def cmd_figures(args, root: Path) -> int:
    """Draw the plots into assets/figures/; --check only reports files that differ."""
    from . import figures  # matplotlib is imported only by this command

    rendered = figures.render_all(root)
    if args.check:
        bad = figures.stale(rendered)
        for path in bad:
            print(f"{path.relative_to(root)}:1: FIG001 differs from what `kb figures` draws (run: kb figures)")
        print(f"kb figures --check: {len(rendered)} figures, {len(bad)} differ", file=sys.stderr)
        return 1 if bad else 0
    changed = figures.write(rendered)
    for path in changed:
        print(f"wrote {path.relative_to(root)}")
    print(f"kb figures: {len(rendered)} figures, {len(changed)} changed", file=sys.stderr)
    return 0


def cmd_diagrams(args, root: Path) -> int:
    """Draw every ```mermaid fence into assets/diagrams/ (kb.diagrams); --check only reports."""
    from . import diagrams

    if args.check:
        found = diagrams.scan(root)
        bad = diagrams.missing(root, found)
        for fence in bad:
            print(f"{fence.path}:{fence.line}: diagram has no current pre-rendered SVG (run kb diagrams)")
        print(f"kb diagrams --check: {len(found)} diagrams, {len(bad)} without an SVG", file=sys.stderr)
        return 1 if bad else 0
    result = diagrams.update(root, force=args.force)
    for path in result.written:
        print(f"wrote {path.relative_to(root)}")
    for path in result.removed:
        print(f"removed {path.relative_to(root)} (no fence uses it)")
    pages = len({f.path for f in result.fences})
    print(f"kb diagrams: {len(result.fences)} diagrams in {pages} pages, {len(result.written)} written, "
          f"{len(result.removed)} removed", file=sys.stderr)
    return 0


def cmd_offline(args, root: Path) -> int:
    """The offline site as a zip (works from file://, search included), one EPUB and one PDF."""
    from . import offline

    out = Path(args.out) if args.out else root / "dist"
    result = offline.build(root, out.resolve(), pdf=not args.no_pdf)
    print(f"wrote {result.zip_path} ({result.zip_path.stat().st_size / 2**20:.1f} MiB, {result.pages} HTML pages)")
    b = result.epub_stats
    print(f"wrote {result.epub_path} ({result.epub_path.stat().st_size / 2**20:.1f} MiB; {b['chapters']} chapters, "
          f"{b['formulas']} formulas as MathML, {b['diagrams']} SVGs, {b['resources']} image files)")
    if not args.no_pdf:
        s = result.print_stats
        print(f"wrote {result.pdf_path} ({result.pdf_path.stat().st_size / 2**20:.1f} MiB; "
              f"{s['formulas']} formulas, {s['diagrams']} diagrams, {s['images']} images drawn)")
    return 0


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
    ck.add_argument("paths", nargs="*", metavar="PATH",
                    help="pages or folders under docs/ to check (default: all of docs/); bib/ is always checked")
    ck.add_argument("--list-rules", action="store_true", help="print every rule with its ID, then exit")
    ck.add_argument("--markdown", action="store_true", help="with --list-rules: the guide's Markdown, with examples")
    ck.add_argument("--write-guide", action="store_true", help="rewrite the rule section of CONTRIBUTING.md")
    ck.add_argument("--timings", action="store_true", help="print the time each group of checks took")
    ck.set_defaults(run=cmd_check)

    nw = sub.add_parser("new", help="create a note from the template and add it to the navigation")
    nw.add_argument("--section", required=True, help="folder under docs/, e.g. foundations")
    nw.add_argument("--title", required=True, help="the note's title, in Chinese")
    nw.add_argument("--slug", required=True, help="file name without .md: lower-case letters, digits and '-'")
    nw.add_argument("--tags", nargs="+", metavar="TAG", help="tags from data/tags.yaml")
    nw.add_argument("--topic", help="section of data/topics.yaml (default: the one whose pages are in --section)")
    nw.add_argument("--en", help="English title for the home-page card (default: from the slug)")
    nw.add_argument("--summary", help="one-line summary for the home-page card (default: 待撰写)")
    nw.add_argument("--source", help="where the note comes from (front matter 'source')")
    nw.set_defaults(run=cmd_new)

    ln = sub.add_parser("links", help="check external links with lychee (the nightly job runs this)")
    ln.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: docs/ and bib/*.bib)")
    ln.add_argument("--config", help="lychee configuration (default: lychee.toml)")
    ln.add_argument("--no-cache", action="store_true", help="ignore lychee's cache of recent results")
    ln.add_argument("--report", help="also write the report (Markdown) to this file")
    ln.set_defaults(run=cmd_links)

    pb = sub.add_parser("published", help="list the page URLs of a built site (data/published-pages.txt)")
    pb.add_argument("--site", default="site", help="the built site (default: site)")
    pb.add_argument("--write", action="store_true", help="write data/published-pages.txt instead of printing")
    pb.set_defaults(run=cmd_published)

    bn = sub.add_parser("bench", help="measure build time, page weight, Lighthouse and live reload, "
                                      "ours vs default Material (copies under a temporary folder)")
    bn.add_argument("--quick", action="store_true", help="synthetic corpus of 1,000 pages only (not 5,000)")
    bn.add_argument("--sizes", type=lambda s: [int(n) for n in s.split(",") if n.strip()], metavar="N,N",
                    help="synthetic corpus sizes in pages (default: 1000,5000; '' for the real site only)")
    bn.add_argument("--no-lighthouse", action="store_true", help="skip the Lighthouse runs")
    bn.add_argument("--lighthouse-runs", type=int, default=3, metavar="N",
                    help="Lighthouse runs per page; each figure is the median of the runs, a11y/bp/seo the lowest (default 3)")
    bn.add_argument("--build-runs", type=int, default=3, metavar="N",
                    help="builds of the real site and of corpora up to 1,000 pages, ours and default in turn; "
                         "the median is shown (default 3; the 5,000-page corpus is built once)")
    bn.add_argument("--no-weight", action="store_true", help="skip the first-load transfer of every page")
    bn.add_argument("--no-serve", action="store_true", help="skip the `mkdocs serve` edit latency")
    bn.add_argument("--json", metavar="PATH", help="also write every figure as JSON to PATH")
    bn.add_argument("--keep", action="store_true", help="keep the temporary folder")
    bn.add_argument("--source", metavar="DIR", help="measure another checkout of the knowledge base "
                                                    "(a git working tree; default: this one)")
    bn.set_defaults(run=cmd_bench)
    fg = sub.add_parser("figures", help="draw the plots into assets/figures/ (constants: data/figures.yaml)")
    fg.add_argument("--check", action="store_true", help="fail when a committed figure differs, write nothing")
    fg.set_defaults(run=cmd_figures)
    dg = sub.add_parser("diagrams", help="draw the ```mermaid diagrams into assets/diagrams/ (the build inlines them)")
    dg.add_argument("--check", action="store_true", help="fail when a diagram has no current SVG, write nothing")
    dg.add_argument("--force", action="store_true", help="redraw every diagram, not only those without an SVG")
    dg.set_defaults(run=cmd_diagrams)
    of = sub.add_parser("offline", help="build the site for offline reading: a zip (file://) and a PDF, into dist/")
    of.add_argument("--out", metavar="DIR", help="folder for the zip and the PDF (default: dist/)")
    of.add_argument("--no-pdf", action="store_true", help="only the zip")
    of.set_defaults(run=cmd_offline)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        root = repo_root()
        return args.run(args, root)
    except (FileNotFoundError, TermsTableError, KbError) as exc:
        _error(str(exc))
        return 2
    except KeyboardInterrupt:  # the writers (kb.atomic, kb.importer) have removed what was half-done
        _error("interrupted; nothing half-written was left")
        return 130


if __name__ == "__main__":
    sys.exit(main())

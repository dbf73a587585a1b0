"""Where a build spends its time: `python -m bench.events build [mkdocs build options]`.

Runs MkDocs in this process with each plugin and hook event handler timed, plus the Markdown
conversion of each page (Page.render) and the theme's templates, and prints the totals, largest
first, to stderr when the build ends (without .cache/ for a cold build's work). cProfile attributes the same time but doubles pure-Python code; this costs
almost nothing, so its figures add up to the build's.
"""

import sys
import time
from collections import Counter

TOTALS: Counter = Counter()
CALLS: Counter = Counter()


def _timed(label: tuple[str, str], call):
    start = time.perf_counter()
    try:
        return call()
    finally:
        TOTALS[label] += time.perf_counter() - start
        CALLS[label] += 1


def install() -> None:
    """Wrap MkDocs' event dispatch, Page.render and jinja2's Template.render."""
    import jinja2
    from mkdocs import plugins
    from mkdocs.structure.pages import Page

    def run_event(self, name, item=None, **kwargs):  # mkdocs.plugins.PluginCollection.run_event, timed
        pass_item = item is not None
        for method in self.events[name]:
            self._current_plugin = self._event_origins.get(method, "<unknown>")
            label = (f"on_{name}", self._current_plugin)
            result = _timed(label, lambda: method(item, **kwargs) if pass_item else method(**kwargs))
            if result is not None:
                item = result
        self._current_plugin = None
        return item

    render, template_render = Page.render, jinja2.Template.render
    plugins.PluginCollection.run_event = run_event
    Page.render = lambda self, config, files: _timed(("Markdown -> HTML", "Page.render"),
                                                     lambda: render(self, config, files))
    jinja2.Template.render = lambda self, *a, **k: _timed(("templates", "jinja2"),
                                                          lambda: template_render(self, *a, **k))


def table(total: float) -> str:
    rows = [f"{'seconds':>8}  {'calls':>6}  event / handler (build {total:.1f} s)"]
    for (event, origin), seconds in TOTALS.most_common():
        if seconds >= 0.005:
            rows.append(f"{seconds:8.2f}  {CALLS[(event, origin)]:6d}  {event} / {origin}")
    return "\n".join(rows)


def main(argv: list[str]) -> int:
    from mkdocs.__main__ import cli

    install()
    start = time.perf_counter()
    try:
        cli.main(args=argv, prog_name="mkdocs", standalone_mode=False)
    finally:
        print(table(time.perf_counter() - start), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

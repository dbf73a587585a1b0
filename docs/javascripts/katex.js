// Formulas in the browser, as a fallback only. The build renders every formula with KaTeX on Node
// (the kb plugin, scripts/kb/site/plugin.py) and links katex.min.css from the <head> of pages with one, so
// normally this loads no JavaScript. On each page (Material's document$ announces every page,
// also after instant navigation):
// - a page with a formula gets katex.min.css if the document has it not yet. After instant
//   navigation from a page without a formula, Material 9 has already copied the new page's <head>
//   links into the document, so this is a safeguard (a theme update that stops doing so, a page
//   whose <head> has no link) that costs one querySelector;
// - a formula left as \( \) or \[ \] (an `.arithmatex` without `.katex` inside: KaTeX on Node could
//   not parse it, or the build had no node) is rendered here with katex.min.js and its auto-render
//   extension, from the site's own vendor/katex/ (copied from npm by the vendor hook), loaded once.
// Relative URLs: works from file:// too.
(() => {
  const base = new URL("../vendor/katex/", document.currentScript.src).href;
  const script = (src) => new Promise((resolve, reject) => {
    const el = document.createElement("script");
    el.src = src;
    el.onload = resolve;
    el.onerror = () => reject(new Error(`cannot load ${src}`));
    document.head.appendChild(el);
  });
  const stylesheet = () => {
    // By the attribute as written: the build's link is relative to the first page's URL.
    if (document.querySelector('link[rel="stylesheet"][href$="vendor/katex/katex.min.css"]')) return;
    const css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = `${base}katex.min.css`;
    document.head.appendChild(css);
  };
  let loading = null;
  const load = () => (loading ||= script(`${base}katex.min.js`).then(() => script(`${base}contrib/auto-render.min.js`)));
  document$.subscribe(({ body }) => {
    const formulas = body.querySelectorAll(".arithmatex");
    if (!formulas.length) return;
    stylesheet();
    const left = [...formulas].filter((el) => !el.querySelector(".katex"));
    if (!left.length) return;
    load().then(() => left.forEach((el) => renderMathInElement(el, {
      delimiters: [
        { left: "\\(", right: "\\)", display: false },
        { left: "\\[", right: "\\]", display: true },
      ],
      throwOnError: false,
    })));
  });
})();

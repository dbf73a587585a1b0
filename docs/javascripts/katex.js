// Render the math that pymdownx.arithmatex (generic mode) leaves as \( \) and \[ \], with KaTeX
// loaded only on pages that have a formula (an `.arithmatex` element): katex.min.css,
// katex.min.js and its auto-render extension come from the site's own vendor/katex/ (copied from
// npm at build time by the vendor hook), once, on the first such page. Works with Material's
// instant navigation (document$ announces every page) and from file:// (relative URLs).
(() => {
  const base = new URL("../vendor/katex/", document.currentScript.src).href;
  const script = (src) => new Promise((resolve, reject) => {
    const el = document.createElement("script");
    el.src = src;
    el.onload = resolve;
    el.onerror = () => reject(new Error(`cannot load ${src}`));
    document.head.appendChild(el);
  });
  let loading = null;
  const load = () => (loading ||= (() => {
    const css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = `${base}katex.min.css`;
    document.head.appendChild(css);
    return script(`${base}katex.min.js`).then(() => script(`${base}contrib/auto-render.min.js`));
  })());
  document$.subscribe(({ body }) => {
    if (!body.querySelector(".arithmatex")) return;
    load().then(() => renderMathInElement(body, {
      delimiters: [
        { left: "\\(", right: "\\)", display: false },
        { left: "\\[", right: "\\]", display: true },
      ],
      throwOnError: false,
    }));
  });
})();

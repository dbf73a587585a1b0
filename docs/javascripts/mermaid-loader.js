// Material for MkDocs draws ```mermaid fences with the global `mermaid`, and fetches Mermaid from a
// CDN when that global does not exist. This stub is the global: it loads the site's own copy
// (vendor/mermaid/, copied from npm at build time by the vendor hook), so no page ever asks a
// third-party host.
//
// It is the fallback for diagrams `kb diagrams` has not drawn yet: the build inlines the SVG of
// every diagram that has one (the kb plugin, kb.site.diagrams). While some diagram has no SVG,
// each page carries a small inline `mermaid` global (the hook's BOOTSTRAP) that loads this script
// on the first diagram Material asks it to draw; this stub then takes its place. Pages whose
// diagrams are all pre-rendered load neither this nor Mermaid.
//
// Mermaid is large (about 1 MB gzip) and runs on the main thread, so even on a page with diagrams
// it is not loaded with the page: a diagram is drawn once the page has loaded and painted, and the
// diagram comes within 200 px of the viewport (IntersectionObserver). Diagrams the reader has
// not scrolled to are drawn a few seconds after the load anyway (and at once before printing and
// on the print-site page), so find-in-page, printing and the PDF see every diagram.
(() => {
  const current = window.mermaid;
  if (typeof current !== "undefined" && !(current instanceof Element) && !current.kbBootstrap) return;
  const src = new URL("../vendor/mermaid/mermaid.min.js", document.currentScript.src).href;
  const LATER_MS = 5000;  // after the load event: draw the diagrams not yet scrolled to
  let config = {};
  let loading = null;
  const load = () => (loading ||= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.onload = () => {  // mermaid.min.js has replaced this stub with the real global
      window.mermaid.initialize(config);
      resolve(window.mermaid);
    };
    script.onerror = () => reject(new Error(`cannot load ${src}`));
    document.head.appendChild(script);
  }));

  // Once the page has loaded and painted (immediately on pages reached by instant navigation).
  const painted = new Promise((resolve) => {
    const afterPaint = () => requestAnimationFrame(() => setTimeout(resolve, 0));
    if (document.readyState === "complete") afterPaint();
    else window.addEventListener("load", afterPaint, { once: true });
  });

  const waiting = new Map();  // <pre class="mermaid"> -> resolve() of its render() call
  const release = (el) => {
    const go = waiting.get(el);
    if (go) { waiting.delete(el); observer?.unobserve(el); go(); }
  };
  const releaseAll = () => [...waiting.keys()].filter((el) => el.isConnected).forEach(release);
  const observer = "IntersectionObserver" in window
    ? new IntersectionObserver((entries) => entries.forEach((e) => e.isIntersecting && release(e.target)),
      { rootMargin: "200px 0px" })
    : null;
  painted.then(() => setTimeout(releaseAll, LATER_MS));
  window.addEventListener("beforeprint", releaseAll);

  // Material calls render(id, text) for each diagram, in page order, while its <pre> is in the page.
  const claimed = new WeakSet();
  const nearViewport = (text) => {
    const el = [...document.querySelectorAll("pre.mermaid")].find((p) => !claimed.has(p) && p.textContent === text);
    if (!el || !observer || document.querySelector(".print-site-page, #print-site-page, section.print-page")) {
      return painted;
    }
    claimed.add(el);
    return painted.then(() => new Promise((resolve) => {
      waiting.set(el, resolve);
      observer.observe(el);
    }));
  };

  window.mermaid = {
    initialize(options) { config = options; },
    render(id, text) {
      return nearViewport(text).then(load).then((mermaid) => mermaid.render(id, text));
    },
  };
})();

// Material for MkDocs draws ```mermaid fences with the global `mermaid`, and fetches Mermaid from a
// CDN when that global does not exist. This stub is the global: on the first diagram it loads the
// site's own copy (vendor/mermaid/, copied from npm at build time by the vendor hook), so pages
// without diagrams load nothing and no page ever asks a third-party host.
(() => {
  if (typeof window.mermaid !== "undefined" && !(window.mermaid instanceof Element)) return;
  const src = new URL("../vendor/mermaid/mermaid.min.js", document.currentScript.src).href;
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
  window.mermaid = {
    initialize(options) { config = options; },
    render(id, text) { return load().then((mermaid) => mermaid.render(id, text)); },
  };
})();

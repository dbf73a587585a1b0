// Render the math that pymdownx.arithmatex (generic mode) leaves as \( \) and \[ \].
// KaTeX itself is served from /vendor/katex/, copied from npm at build time.
document$.subscribe(({ body }) => {
  renderMathInElement(body, {
    delimiters: [
      { left: "\\(", right: "\\)", display: false },
      { left: "\\[", right: "\\]", display: true },
    ],
    throwOnError: false,
  });
});

// KaTeX on Node for the build (scripts/kb/math_render.py starts one per build).
//
//   node katex_render.cjs <path of the katex package>
//
// stdin: one JSON object a line, {"tex": "...", "display": true|false}
// stdout: one JSON object a line for each, in the same order: {"html": "..."} or {"error": "..."}
//
// katex.renderToString with throwOnError, default output (HTML and MathML, so screen readers get
// the MathML). The package path is an argument, not require("katex"): the build finds it in the
// repository's node_modules, the one whose katex.min.css the site serves.
"use strict";

const readline = require("readline");

const katex = require(process.argv[2] || "katex");

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on("line", (line) => {
  if (!line.trim()) return;
  let reply;
  try {
    const { tex, display } = JSON.parse(line);
    reply = { html: katex.renderToString(tex, { displayMode: Boolean(display), throwOnError: true }) };
  } catch (error) {
    reply = { error: error instanceof Error ? error.message : String(error) };
  }
  process.stdout.write(JSON.stringify(reply) + "\n");
});

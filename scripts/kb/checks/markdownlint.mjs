// Lint Markdown strings with markdownlint (npm, pinned in package.json).
// stdin: {"config": {...}, "pages": {"name": "text", ...}}
// stdout: [{"name", "line", "rule", "description", "detail"}, ...]
// Called by kb.checks.markdown_lint, once for all pages (node starts once).
import { readFileSync } from "node:fs";
import { lint } from "markdownlint/sync";

const input = JSON.parse(readFileSync(0, "utf8"));
const results = lint({ strings: input.pages, config: input.config, handleRuleFailures: true });
const out = [];
for (const [name, errors] of Object.entries(results)) {
  for (const e of errors) {
    out.push({ name, line: e.lineNumber, rule: e.ruleNames[0], description: e.ruleDescription,
               detail: e.errorDetail ?? "" });
  }
}
process.stdout.write(JSON.stringify(out));

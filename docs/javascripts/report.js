// Report a mistake where you read it, and cite a page with today's date.
//
// The "报告本页错误" link under each page (overrides/partials/source-file.html) already opens a
// prefilled "纠正错误" issue (the page's title and address). When it is clicked, this adds the
// section being read and, if the reader selected a passage in the article, that passage. On a
// desktop, selecting a passage also shows a small "报告这段文字" button beside it that does the
// same. Everything is delegated from `document`, so it keeps working after Material's instant
// navigation swaps the page; nothing is loaded from anywhere.
(() => {
  const MAX_QUOTE = 1500;  // characters of a selected passage put into the issue's URL
  const article = () => document.querySelector("article.md-content__inner");

  // The heading of the section that holds `node`, or the last heading above the top of the window.
  function sectionHeading(node) {
    const root = article();
    if (!root) return null;
    const headings = [...root.querySelectorAll("h1[id], h2[id], h3[id]")];
    if (node) {
      const before = headings.filter((h) => h.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_FOLLOWING);
      return before[before.length - 1] || null;
    }
    const above = headings.filter((h) => h.getBoundingClientRect().top < 120);
    return above[above.length - 1] || headings[0] || null;
  }

  function selectedPassage() {
    const selection = window.getSelection();
    const root = article();
    if (!selection || selection.isCollapsed || !root) return null;
    const range = selection.getRangeAt(0);
    if (!root.contains(range.commonAncestorContainer)) return null;
    const text = selection.toString().replace(/\s+/g, " ").trim();
    return text ? { text, node: range.startContainer } : null;
  }

  // The issue's address: the link's own prefilled fields ("page" is "ADDRESS (docs/FILE.md)"), plus
  // section and passage.
  function issueUrl(link, passage) {
    const url = new URL(link.href);
    const [, address, file] = /^(\S+) \((.+)\)$/.exec(url.searchParams.get("page") || "") || [, "", ""];
    const heading = sectionHeading(passage && passage.node);
    const title = heading ? heading.textContent.replace("¶", "").trim() : "";
    const page = address + (heading && heading.id ? `#${heading.id}` : "");
    url.searchParams.set("page", `${page} （${file}${title ? `，小节“${title}”` : ""}）`);
    if (passage) {
      const quote = passage.text.length > MAX_QUOTE ? `${passage.text.slice(0, MAX_QUOTE)}…` : passage.text;
      url.searchParams.set("wrong", `> ${quote}`);
    }
    return url.href;
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("a.kb-report, button.kb-report-passage");
    if (!link) return;
    const report = link.matches("a") ? link : document.querySelector("a.kb-report");
    if (!report) return;
    event.preventDefault();
    window.open(issueUrl(report, link.matches("a") ? selectedPassage() : link.kbPassage), "_blank", "noopener");
    hideButton();
  });

  // Desktop: a button beside a selected passage.
  let button = null;
  function hideButton() {
    if (button) button.hidden = true;
  }
  function showButton() {
    const passage = selectedPassage();
    if (!passage || !window.matchMedia("(pointer: fine) and (min-width: 60em)").matches) return hideButton();
    if (!button) {
      button = document.createElement("button");
      button.type = "button";
      button.className = "kb-report-passage";
      button.textContent = "报告这段文字的错误";
      button.title = "在 GitHub 上提交“纠正错误”议题，附上选中的文字（需要联网）";
      document.body.append(button);
    }
    const box = window.getSelection().getRangeAt(0).getBoundingClientRect();
    button.kbPassage = passage;
    button.style.top = `${window.scrollY + box.bottom + 6}px`;
    button.style.left = `${window.scrollX + Math.max(8, box.left)}px`;
    button.hidden = false;
  }
  document.addEventListener("mouseup", () => setTimeout(showButton, 0));
  document.addEventListener("selectionchange", () => {
    if (button && !button.hidden && !selectedPassage()) hideButton();
  });

  // "Cite this page": today's date as the GB/T 7714 citation date, on every page Material shows.
  function citeToday() {
    const today = new Date();
    const pad = (n) => String(n).padStart(2, "0");
    const date = `${today.getFullYear()}-${pad(today.getMonth() + 1)}-${pad(today.getDate())}`;
    for (const code of document.querySelectorAll("code.kb-cite-gbt")) {  // "(updated)[cited]. address."
      code.textContent = code.textContent.replace(/\)\[(?:引用日期|\d{4}-\d{2}-\d{2})\]/, `)[${date}]`);
    }
  }
  if (typeof document$ !== "undefined") document$.subscribe(citeToday);  // every page, instant navigation too
  else document.addEventListener("DOMContentLoaded", citeToday);
})();

"""Formulas that a PDF copy turned into emphasis, back into LaTeX math.

Text copied from a typeset paper arrives as `*β*1 = 0*.*9`, `5 *×* 10−5` or
`*ϵ* = 10*−*8`: italic variables became `*x*`, subscripts and superscripts
became plain digits and minus signs. The rule finds such runs and writes
`$\\beta_1 = 0.9$`, `$5 \\times 10^{-5}$`, `$\\epsilon = 10^{-8}$`.
"""

import re

GREEK = {
    "α": r"\alpha", "β": r"\beta", "γ": r"\gamma", "δ": r"\delta", "ϵ": r"\epsilon",
    "ε": r"\varepsilon", "η": r"\eta", "θ": r"\theta", "λ": r"\lambda", "μ": r"\mu",
    "σ": r"\sigma", "τ": r"\tau", "ϕ": r"\phi", "φ": r"\varphi", "ω": r"\omega",
}
OPERATORS = {"×": r"\times", "−": "-", "·": r"\cdot"}
GREEK_CHARS = "".join(GREEK)

# `0*.*9` -> `0.9`: a decimal point that lost its roman font.
SPLIT_DECIMAL = re.compile(r"(\d)\*\.\*(\d)")
# One emphasised math atom: a variable of up to three letters, a Greek letter,
# an operator, or an operator glued to a variable (`*− k*`, `*, XA*`).
ATOM = rf"\*(?:[−×,]?\s?[A-Za-z{GREEK_CHARS}]{{1,3}}|[−×])\*"
# A token of a formula: an atom, a number, or a relation/operator/bracket.
TOKEN = rf"(?:{ATOM}|\d+(?:\.\d+)?|[=+\[\]−×])"
INLINE_CODE = re.compile(r"(`+[^`\n]*?`+)")
# A run of tokens separated by at most one space or an ASCII comma.
RUN = re.compile(rf"{TOKEN}(?:(?:,?\s)?{TOKEN})*")


def _is_formula(run: str) -> bool:
    atoms = re.findall(ATOM, run)
    if not atoms:
        return False
    if re.search(r"[=×−]", run):
        return True
    # A lone variable or Greek letter, possibly with a subscript digit: `*k*`, `*A*1`.
    return len(atoms) == 1 and re.fullmatch(rf"\*[A-Za-z{GREEK_CHARS}]\*\d*", run.strip()) is not None


def _to_latex(run: str) -> str:
    expr = run.replace("*", "")
    expr = re.sub(r"\s+", " ", expr).strip()
    # Exponents: `10−8`, `10−5`, `k−0.8` lost their superscript.
    expr = re.sub(r"(10|[a-z])\s?−\s?(\d+(?:\.\d+)?)", r"\1^{-\2}", expr)
    # Subscripts: a variable followed directly by digits (`β1`, `A2`, `XA1`).
    expr = re.sub(rf"([A-Za-z{GREEK_CHARS}])(\d+)", r"\1_\2", expr)
    for char, latex in {**GREEK, **OPERATORS}.items():
        expr = expr.replace(char, latex if not latex.startswith("\\") else latex + " ")
    expr = re.sub(r"\\([a-z]+) (?=[_^}\s,=\]])", r"\\\1", expr)
    expr = re.sub(r"\s+", " ", expr).replace("[ ", "[").replace(" ]", "]").strip()
    return f"${expr}$"


def demangle_formulas(text: str) -> str:
    """Turn emphasis-mangled formulas into `$...$` math; leave real emphasis alone."""
    def fix(prose: str) -> str:
        prose = SPLIT_DECIMAL.sub(r"\1.\2", prose)
        return RUN.sub(lambda m: _to_latex(m.group(0)) if _is_formula(m.group(0)) else m.group(0), prose)

    out, in_fence = [], False
    for line in text.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
            out.append(line)
            continue
        # Code (fenced or inline) is left as written.
        parts = INLINE_CODE.split(line) if not in_fence else [line]
        out.append("".join(fix(p) if i % 2 == 0 and not in_fence else p for i, p in enumerate(parts)))
    return "\n".join(out)

"""`kb figures`: draw the site's plots into assets/figures/, the same bytes on every run.

Every constant comes from data/figures.yaml, which names the paper, section and equation of
each. The maths are small pure functions (tested on their own); the drawing uses matplotlib
with everything that could vary pinned: SVG ids (`svg.hashsalt`), no date or creator in the
metadata, text drawn as paths with matplotlib's bundled DejaVu Sans, and noise from numpy's
frozen legacy RandomState stream. `kb figures --check` redraws in memory and fails when a
committed file differs, which CI runs.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import yaml

from . import atomic, yamlio
from .errors import KbError

FIGURES_DIR = Path("assets") / "figures"
CONSTANTS = Path("data") / "figures.yaml"

RC = {
    "svg.hashsalt": "llm-notes-kb",  # fixed ids for clip paths and glyphs
    "svg.fonttype": "path",  # no font needed by the reader; bundled DejaVu Sans only
    "font.family": ["DejaVu Sans"],
    "font.size": 10,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "image.interpolation": "nearest",
    "path.simplify": False,
}
BLUE, ORANGE, GREEN, RED, GREY = "#3949ab", "#ef6c00", "#00897b", "#c62828", "#757575"


# --- the maths: pure functions of the paper's constants -------------------------------------

def power_law(x, scale: float, alpha: float):
    """Kaplan et al. (2020) Eq. (1.1)-(1.3): L(x) = (x_c / x)^alpha."""
    return (scale / np.asarray(x, dtype=float)) ** alpha


def chinchilla_loss(n, d, fit: dict):
    """Hoffmann et al. (2022) Eq. (2) with the fitted values of Eq. (10): E + A/N^alpha + B/D^beta."""
    n, d = np.asarray(n, dtype=float), np.asarray(d, dtype=float)
    return fit["E"] + fit["A"] / n ** fit["alpha"] + fit["B"] / d ** fit["beta"]


def chinchilla_frontier(c, fit: dict, flops_per_param_token: float = 6):
    """Hoffmann et al. (2022) Eq. (4): N_opt = G (C/6)^a, D_opt = G^-1 (C/6)^b."""
    alpha, beta = fit["alpha"], fit["beta"]
    g = (alpha * fit["A"] / (beta * fit["B"])) ** (1 / (alpha + beta))
    a, b = beta / (alpha + beta), alpha / (alpha + beta)
    budget = np.asarray(c, dtype=float) / flops_per_param_token
    return g * budget ** a, budget ** b / g


def lr_schedule(progress, *, peak: float, warmup: float, final_fraction: float):
    """Linear warm-up to `peak` over the first `warmup` of training, then cosine decay to
    `final_fraction * peak` at the end; `progress` is the fraction of steps done (0..1)."""
    p = np.asarray(progress, dtype=float)
    floor = final_fraction * peak
    decay = np.clip((p - warmup) / (1 - warmup), 0, 1)
    cosine = floor + 0.5 * (peak - floor) * (1 + np.cos(np.pi * decay))
    return np.where(p < warmup, peak * p / warmup, cosine)


def ddpm_alpha_bar(T: int, beta_1: float, beta_T: float):
    """Ho et al. (2020) §4 linear schedule beta_1..beta_T and alpha-bar_t = prod (1 - beta_s), t = 1..T."""
    betas = np.linspace(beta_1, beta_T, T)
    return betas, np.cumprod(1 - betas)


def ddpm_noisy(x0, t: int, alpha_bar, noise):
    """Ho et al. (2020) Eq. (4): x_t = sqrt(alpha-bar_t) x_0 + sqrt(1 - alpha-bar_t) eps; t = 0 is x_0."""
    if t == 0:
        return x0
    ab = alpha_bar[t - 1]
    return np.sqrt(ab) * x0 + np.sqrt(1 - ab) * noise


def synthetic_image(size: int):
    """A test picture drawn here (no download), scaled to [-1, 1] as in DDPM §3.3:
    a disc, a square and a diagonal bar on a vertical gradient."""
    y, x = np.mgrid[0:size, 0:size] / (size - 1)
    img = 0.15 + 0.35 * y
    img = np.where((x - 0.33) ** 2 + (y - 0.35) ** 2 < 0.2 ** 2, 0.95, img)
    img = np.where((abs(x - 0.72) < 0.15) & (abs(y - 0.7) < 0.15), 0.05, img)
    img = np.where(abs((x - y) - 0.25) < 0.05, 0.8, img)
    return img * 2 - 1


# --- the plots ---------------------------------------------------------------------------------

def _logspace(lo: float, hi: float, n: int = 200):
    return np.logspace(np.log10(lo), np.log10(hi), n)


def plot_kaplan(k: dict):
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FixedLocator, NullFormatter, ScalarFormatter

    fig, axes = plt.subplots(1, 3, figsize=(10.5, 3.4), sharey=True)
    panels = [("compute", "Compute $C_{min}$ (PF-days, non-embedding)", "C_c^{min}", r"\alpha_C^{min}", BLUE),
              ("data", "Dataset size $D$ (tokens)", "D_c", r"\alpha_D", GREEN),
              ("params", "Parameters $N$ (non-embedding)", "N_c", r"\alpha_N", ORANGE)]
    for ax, (key, xlabel, scale_name, alpha_name, colour) in zip(axes, panels):
        law = k[key]
        x = _logspace(*law["range"])
        ax.loglog(x, power_law(x, law["scale"], law["alpha"]), color=colour, lw=2)
        ax.set_xlabel(xlabel)
        mantissa, exponent = f"{law['scale']:.1e}".split("e")
        ax.set_title(rf"$L = ({scale_name}/x)^{{{alpha_name}}}$" "\n"
                     rf"${alpha_name} = {law['alpha']:.3f},\ {scale_name} = {mantissa}\times 10^{{{int(exponent)}}}$",
                     fontsize=9)
    axes[0].set_ylabel("Test loss $L$ (nats/token)")
    axes[0].yaxis.set_major_locator(FixedLocator([2, 3, 4, 5, 6]))
    axes[0].yaxis.set_major_formatter(ScalarFormatter())
    axes[0].yaxis.set_minor_formatter(NullFormatter())
    fig.tight_layout()
    return fig


def plot_isoflop(h: dict):
    import matplotlib.pyplot as plt

    fit, k = h["fit"], h["flops_per_param_token"]
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    colours = plt.get_cmap("viridis")(np.linspace(0.1, 0.85, len(h["isoflop_budgets"])))
    best = []
    for budget, colour in zip(h["isoflop_budgets"], colours):
        n_opt, _ = chinchilla_frontier(budget, fit, k)
        n = _logspace(n_opt / 100, n_opt * 100)
        loss = chinchilla_loss(n, budget / (k * n), fit)
        ax.semilogx(n, loss, color=colour, lw=1.8, label=f"$C = 10^{{{int(round(np.log10(budget)))}}}$ FLOPs")
        best.append((n_opt, float(chinchilla_loss(n_opt, budget / (k * n_opt), fit))))
    bn, bl = zip(*best)
    ax.plot(bn, bl, "o--", color=RED, ms=5, lw=1, label="minimum of each budget")
    ax.set_xlabel("Parameters $N$ (with $D = C / 6N$ tokens)")
    ax.set_ylabel("Loss $L(N, D)$")
    ax.set_ylim(fit["E"], max(bl) + 1.5)
    ax.legend(fontsize=8, loc="upper right")
    ax.set_title(r"IsoFLOP curves of $L = E + A/N^{\alpha} + B/D^{\beta}$"
                 f"  (E={fit['E']}, A={fit['A']}, B={fit['B']}, α={fit['alpha']}, β={fit['beta']})", fontsize=8.5)
    fig.tight_layout()
    return fig


def plot_frontier(h: dict):
    import matplotlib.pyplot as plt

    fit, k = h["fit"], h["flops_per_param_token"]
    c = _logspace(*h["compute_range"])
    n_opt, d_opt = chinchilla_frontier(c, fit, k)
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    for ax, values, ylabel in ((axes[0], n_opt, "Parameters $N$"), (axes[1], d_opt, "Training tokens $D$")):
        ax.loglog(c, values, color=BLUE, lw=2, label="compute-optimal frontier (Eq. 4)")
        ax.set_xlabel("Training FLOPs $C \\approx 6ND$")
        ax.set_ylabel(ylabel)
    for model, colour, marker in zip(h["models"], (GREY, RED), ("s", "*")):
        flops = k * model["params"] * model["tokens"]
        for ax, value in ((axes[0], model["params"]), (axes[1], model["tokens"])):
            ax.loglog([flops], [value], marker, color=colour, ms=11 if marker == "*" else 8,
                      label=f"{model['name']}: {model['params'] / 1e9:g}B params, {model['tokens'] / 1e9:g}B tokens")
    axes[0].legend(fontsize=8, loc="upper left")
    axes[1].legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    return fig


def plot_lr(s: dict):
    import matplotlib.pyplot as plt

    fig, (full, zoom) = plt.subplots(1, 2, figsize=(10, 3.6), gridspec_kw={"width_ratios": [3, 2]})
    lo, hi = s["peak_range"]
    warm_short, warm_long = s["warmup_fractions"]
    p = np.linspace(0, 1, 401)
    for ax in (full, zoom):
        ax.axhspan(lo, hi, color=GREY, alpha=0.12, lw=0, label=f"usual peak {lo:.0e} – {hi:.0e}")
        ax.axhline(s["final_fraction"] * s["peak"], color=GREY, ls=":", lw=1,
                   label=f"{s['final_fraction']:.0%} of the peak")
    full.plot(p * 100, lr_schedule(p, peak=s["peak"], warmup=warm_long, final_fraction=s["final_fraction"]),
              color=BLUE, lw=2, label=f"GPT-3 peak {s['peak']:.0e}, warm-up {warm_long:.1%}")
    full.set_xlabel("Training progress (% of steps)")
    full.set_ylabel("Learning rate")
    full.set_title("Linear warm-up, then cosine decay", fontsize=9)
    full.legend(fontsize=8, loc="upper right")
    pz = np.linspace(0, 0.01, 401)
    for warm, colour in ((warm_short, ORANGE), (warm_long, BLUE)):
        zoom.plot(pz * 100, lr_schedule(pz, peak=s["peak"], warmup=warm, final_fraction=s["final_fraction"]),
                  color=colour, lw=2, label=f"warm-up {warm:.1%} of steps")
    zoom.set_xlabel("Training progress (% of steps)")
    zoom.set_title("The first 1% of training", fontsize=9)
    zoom.legend(fontsize=8, loc="lower right")
    for ax in (full, zoom):
        ax.ticklabel_format(axis="y", style="sci", scilimits=(0, 0))
        ax.set_ylim(0, hi * 1.08)
    fig.tight_layout()
    return fig


def plot_ddpm(d: dict):
    import matplotlib.pyplot as plt

    betas, alpha_bar = ddpm_alpha_bar(d["T"], d["beta_1"], d["beta_T"])
    x0 = synthetic_image(d["image_size"])
    noise = np.random.RandomState(d["seed"]).standard_normal(x0.shape)
    steps = d["shown_steps"]
    fig = plt.figure(figsize=(10, 4.9))
    grid = fig.add_gridspec(2, len(steps), height_ratios=[1, 1.1], hspace=0.42, wspace=0.12,
                            left=0.06, right=0.93, top=0.92, bottom=0.1)
    for i, t in enumerate(steps):
        ax = fig.add_subplot(grid[0, i])
        ax.imshow(np.clip(ddpm_noisy(x0, t, alpha_bar, noise), -1, 1), cmap="gray", vmin=-1, vmax=1)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
        label = "$x_0$" if t == 0 else f"$x_{{{t}}}$"
        ax.set_title(label + ("" if t == 0 else f"\n" + rf"$\sqrt{{\bar\alpha_t}}$ = {np.sqrt(alpha_bar[t - 1]):.3f}"),
                     fontsize=8.5)
    ax = fig.add_subplot(grid[1, :])
    t = np.arange(1, d["T"] + 1)
    ax.plot(t, np.sqrt(alpha_bar), color=BLUE, lw=2, label=r"$\sqrt{\bar\alpha_t}$: weight of the image $x_0$")
    ax.plot(t, np.sqrt(1 - alpha_bar), color=ORANGE, lw=2, label=r"$\sqrt{1-\bar\alpha_t}$: weight of the noise $\epsilon$")
    ax.set_xlabel("Step $t$")
    ax.set_xlim(0, d["T"])
    ax.set_ylim(0, 1.02)
    beta_ax = ax.twinx()
    beta_ax.plot(t, betas, color=GREY, lw=1.2, ls="--",
                 label=rf"$\beta_t$: linear {d['beta_1']:g} → {d['beta_T']:g} (right axis)")
    beta_ax.set_ylim(0, d["beta_T"] * 1.02)
    beta_ax.grid(False)
    beta_ax.spines["right"].set_visible(True)
    lines = ax.get_legend_handles_labels()
    more = beta_ax.get_legend_handles_labels()
    ax.legend(lines[0] + more[0], lines[1] + more[1], fontsize=8, loc="center right")
    ax.set_title(r"$x_t = \sqrt{\bar\alpha_t}\,x_0 + \sqrt{1-\bar\alpha_t}\,\epsilon$,"
                 rf"  $\bar\alpha_t = \prod_{{s \leq t}} (1-\beta_s)$,  T = {d['T']}", fontsize=9)
    return fig


def plot_zero_shot_cot(k: dict):
    """Kojima et al. (2022), abstract: accuracy of zero-shot vs Zero-shot-CoT prompting, as grouped bars."""
    import matplotlib.pyplot as plt

    tasks = k["benchmarks"]
    x = np.arange(len(tasks))
    width = 0.36
    fig, ax = plt.subplots(figsize=(5.2, 3.2))
    for offset, field, colour, label in ((-width / 2, "zero_shot", GREY, "Zero-shot"),
                                         (width / 2, "zero_shot_cot", BLUE, "Zero-shot-CoT")):
        values = [t[field] for t in tasks]
        bars = ax.bar(x + offset, values, width, color=colour, label=label)
        ax.bar_label(bars, labels=[f"{v:.1f}" for v in values], fontsize=8, padding=2)
    ax.set_xticks(x, [t["name"] for t in tasks])
    ax.set_ylabel("Accuracy (%)")
    ax.set_ylim(0, 100)
    ax.set_title(f"{k['model']}: adding \"Let's think step by step\"", fontsize=9)
    ax.legend(fontsize=8, loc="upper right")
    ax.grid(axis="x", visible=False)
    fig.tight_layout()
    return fig


@dataclass(frozen=True)
class Figure:
    name: str  # file under assets/figures/
    constants: str  # key of data/figures.yaml
    draw: Callable[[dict], object]


FIGURES = [
    Figure("kaplan-scaling-laws.svg", "kaplan2020scaling", plot_kaplan),
    Figure("chinchilla-isoflop.svg", "hoffmann2022training", plot_isoflop),
    Figure("chinchilla-frontier.svg", "hoffmann2022training", plot_frontier),
    Figure("lr-warmup-cosine.svg", "lr_schedule", plot_lr),
    Figure("zero-shot-cot.svg", "kojima2022large", plot_zero_shot_cot),
    Figure("ddpm-linear-schedule.svg", "ho2020denoising", plot_ddpm),
]


# --- files -------------------------------------------------------------------------------------

def load_constants(path: Path) -> dict:
    try:
        data = yamlio.load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise KbError(str(path), f"cannot read ({exc.__class__.__name__})") from exc
    if not isinstance(data, dict):
        raise KbError(str(path), "not a mapping of figure constants")
    for figure in FIGURES:
        if not isinstance(data.get(figure.constants), dict):
            raise KbError(str(path), f"no constants for {figure.name} (key {figure.constants!r})")
        for field in ("cite", "source", "verified"):
            if not data[figure.constants].get(field):
                raise KbError(str(path), f"{figure.constants} has no {field!r}: every constant needs its source")
        for where, value in _leaves(data[figure.constants], figure.constants):
            if isinstance(value, str) and _is_number(value):
                raise KbError(str(path), f"{where} is the text {value!r}, not a number (YAML wants 1.0e+5, not 1.0e5)")
    return data


def _leaves(node, where: str):
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in ("cite", "source", "verified", "name"):
                yield from _leaves(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _leaves(value, f"{where}[{i}]")
    else:
        yield where, node


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def render(figure: Figure, constants: dict) -> bytes:
    """The SVG bytes of one figure; identical on every run with the pinned matplotlib."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with matplotlib.rc_context(RC):
        try:
            fig = figure.draw(constants[figure.constants])
        except (KeyError, TypeError, ValueError) as exc:
            raise KbError(str(CONSTANTS), f"{figure.constants}: bad or missing value ({exc!r})") from exc
        buffer = io.BytesIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        plt.close(fig)
    return buffer.getvalue()


def render_all(root: Path) -> dict[Path, bytes]:
    constants = load_constants(root / CONSTANTS)
    return {root / FIGURES_DIR / f.name: render(f, constants) for f in FIGURES}


def stale(rendered: dict[Path, bytes]) -> list[Path]:
    """Files that are missing or differ from what is drawn now."""
    return [path for path, data in rendered.items() if not path.is_file() or path.read_bytes() != data]


def write(rendered: dict[Path, bytes]) -> list[Path]:
    """Write every drawn figure (all drawn first, so a failure leaves no half-written set)."""
    changed = stale(rendered)
    for path in changed:
        atomic.write_bytes(path, rendered[path])
    return changed

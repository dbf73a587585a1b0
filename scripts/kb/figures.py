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



def kv_cache_bytes(context, *, layers: int, width: int, bytes_per_value: float, batch: int = 1):
    """Bytes of the key-value cache of a multi-head decoder: 2 (key and value) x layers x width x
    bytes per value, per token of context and per sequence in the batch."""
    return 2 * layers * width * bytes_per_value * np.asarray(context, dtype=float) * batch


def speculative_expected_tokens(gamma, alpha: float):
    """Leviathan et al. (2023) Eq. (1): tokens produced per target-model run,
    (1 - alpha^(gamma+1)) / (1 - alpha), for gamma drafted tokens and acceptance rate alpha."""
    g = np.asarray(gamma, dtype=float)
    return (1 - alpha ** (g + 1)) / (1 - alpha)

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


def plot_kv_cache(k: dict):
    import matplotlib.pyplot as plt

    gb = 1e9
    n = np.linspace(0, k["max_context"], 257)
    weights = k["params"] * k["bytes_per_value"] / gb
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    for batch, colour in zip(k["batches"], (BLUE, GREEN, ORANGE)):
        kv = kv_cache_bytes(n, layers=k["layers"], width=k["width"], bytes_per_value=k["bytes_per_value"],
                            batch=batch) / gb
        ax.plot(n, kv, color=colour, lw=2, label=f"KV cache, batch {batch}")
    ax.axhline(weights, color=GREY, ls="--", lw=1.5, label=f"weights: {k['params'] / 1e9:g}B params x {k['bytes_per_value']:g} bytes")
    per_token = kv_cache_bytes(1, layers=k["layers"], width=k["width"], bytes_per_value=k["bytes_per_value"])
    ax.set_title(f"{k['model']}: {k['layers']} layers, d = {k['width']}, FP16"
                 f"  ({per_token / 1e6:.2f} MB per token per sequence)", fontsize=9)
    ax.set_xlabel("Context length n (tokens)")
    ax.set_ylabel("Memory (GB)")
    ax.set_xlim(0, k["max_context"])
    ax.set_ylim(0, None)
    ax.legend(fontsize=8, loc="center left")
    fig.tight_layout()
    return fig


def kaplan_allocation(c_flops, k: dict):
    """Kaplan et al. (2020) Appendix A, Table 6: N_opt = N_e C_min^p_N and D_opt = D_e C_min^p_D,
    C_min in PF-days (1 PF-day = 8.64e19 FLOPs, §1.3); `c_flops` is converted first."""
    c = np.asarray(c_flops, dtype=float) / k["pf_day_flops"]
    law = k["kaplan"]
    return law["n_scale"] * c ** law["n_exponent"], law["d_scale"] * c ** law["d_exponent"]


def metric_from_token_loss(token_loss, target_length: int):
    """Schaeffer et al. (2023) §2: with per-token probability p = exp(-L_CE), exact match over
    `target_length` tokens is p^L (nonlinear in p) and token edit distance is about L(1 - p) (linear)."""
    p = np.exp(-np.asarray(token_loss, dtype=float))
    return p ** target_length, target_length * (1 - p)


def plot_allocation(a: dict):
    import matplotlib.pyplot as plt

    c = _logspace(*a["compute_range"])
    kaplan_n, kaplan_d = kaplan_allocation(c, a)
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.9))
    panels = ((axes[0], kaplan_n, a["kaplan"]["n_exponent"], 0, "Parameters $N_{opt}$"),
              (axes[1], kaplan_d, a["kaplan"]["d_exponent"], 2, "Training tokens $D_{opt}$"))
    for ax, kaplan, exponent, column, ylabel in panels:
        ax.loglog(c, kaplan, color=ORANGE, lw=2, label=rf"Kaplan et al.: $\propto C^{{{exponent}}}$ (Table 6)")
        for rows, colour, marker, label in ((a["chinchilla_approach1"], BLUE, "o", "Hoffmann et al. Approach 1 (Table 3)"),
                                             (a["chinchilla_approach2"], GREEN, "^", "Hoffmann et al. Approach 2 (Table A3)")):
            flops = [row[1] for row in rows]
            values = [row[column] for row in rows]
            ax.loglog(flops, values, marker + "-", color=colour, ms=5, lw=1.2, label=label)
        for model, model_colour, model_marker in zip(a["models"], (GREY, RED), ("s", "*")):
            flops = 6 * model["params"] * model["tokens"]
            value = model["params"] if column == 0 else model["tokens"]
            ax.loglog([flops], [value], model_marker, color=model_colour, ms=11 if model_marker == "*" else 8,
                      label=f"{model['name']} ($C \\approx 6ND$)")
        ax.set_xlabel("Training compute $C$ (FLOPs)")
        ax.set_ylabel(ylabel)
        ax.set_xlim(*a["compute_range"])
    for ax in axes:
        ax.legend(fontsize=7.5, loc="upper left")
    fig.tight_layout()
    return fig


def plot_speculative(s: dict):
    import matplotlib.pyplot as plt

    gamma = np.arange(0, s["max_gamma"] + 1)
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    for alpha, colour in zip(s["alphas"], (BLUE, GREEN, ORANGE)):
        ax.plot(gamma, speculative_expected_tokens(gamma, alpha), "o-", color=colour, ms=3.5, lw=1.8,
                label=rf"$\alpha$ = {alpha:g}")
        ax.axhline(1 / (1 - alpha), color=colour, ls=":", lw=1)
    ax.set_xlabel(r"Drafted tokens per round $\gamma$")
    ax.set_ylabel("Expected tokens per target-model run")
    ax.set_title(r"$E = (1 - \alpha^{\gamma+1}) / (1 - \alpha)$; dotted: limit $1/(1-\alpha)$", fontsize=9)
    ax.set_xlim(0, s["max_gamma"])
    ax.set_ylim(0, None)
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    return fig


def plot_metric_choice(m: dict):
    import matplotlib.pyplot as plt

    loss = _logspace(*m["token_loss_range"])
    fig, (exact, edit) = plt.subplots(1, 2, figsize=(10, 3.6))
    colours = plt.get_cmap("viridis")(np.linspace(0.1, 0.8, len(m["target_lengths"])))
    for length, colour in zip(m["target_lengths"], colours):
        accuracy, distance = metric_from_token_loss(loss, length)
        exact.semilogx(loss, accuracy, color=colour, lw=2, label=rf"target length $\ell$ = {length}")
        edit.semilogx(loss, distance, color=colour, lw=2, label=rf"target length $\ell$ = {length}")
    exact.set_ylabel(r"Exact match $p^{\ell}$")
    exact.set_title("Nonlinear metric: looks sudden", fontsize=9)
    edit.set_ylabel(r"Token edit distance $\ell\,(1-p)$")
    edit.set_title("Linear metric: changes smoothly", fontsize=9)
    for ax in (exact, edit):
        ax.set_xlabel(r"Per-token loss $L_{CE}$ (reversed: larger models to the right)")
        ax.set_xlim(m["token_loss_range"][1], m["token_loss_range"][0])
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def sinusoidal_position_encoding(positions: int, d: int, base: float):
    """Vaswani et al. (2017) §3.5: PE(pos, 2i) = sin(pos / base^(2i/d)), PE(pos, 2i+1) = cos(same)."""
    pos = np.arange(positions)[:, None]
    angle = pos / base ** (np.arange(0, d, 2)[None, :] / d)
    pe = np.empty((positions, d))
    pe[:, 0::2], pe[:, 1::2] = np.sin(angle), np.cos(angle)
    return pe


def pipeline_bubble_fraction(stages, microbatches):
    """Huang et al. (2019) §2.3: idle share of a GPipe step, (K - 1) / (M + K - 1)."""
    return (stages - 1) / (microbatches + stages - 1)


def zero_model_state_bytes(psi: float, nd: int, k: float) -> dict:
    """Rajbhandari et al. (2020) §5, Fig. 1: per-device bytes of (fp16 params, fp16 grads, optimizer
    states) for baseline data parallelism and ZeRO stages P_os, P_os+g, P_os+g+p."""
    params, grads, states = 2 * psi, 2 * psi, k * psi
    return {"Baseline DP": (params, grads, states),
            "P_os": (params, grads, states / nd),
            "P_os+g": (params, grads / nd, states / nd),
            "P_os+g+p": (params / nd, grads / nd, states / nd)}


def plot_sinusoidal_pe(c: dict):
    import matplotlib.pyplot as plt

    pe = sinusoidal_position_encoding(c["positions"], c["d"], c["base"])
    fig, ax = plt.subplots(figsize=(8, 3.6))
    image = ax.imshow(pe, cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto")
    ax.grid(False)
    ax.set_xlabel("Dimension of the encoding (2i: sin, 2i+1: cos)")
    ax.set_ylabel("Position pos")
    ax.set_title(rf"$PE_{{(pos,2i)}} = \sin(pos / {c['base']:g}^{{2i/d}})$, "
                 rf"$PE_{{(pos,2i+1)}} = \cos(pos / {c['base']:g}^{{2i/d}})$,  d = {c['d']}", fontsize=9)
    fig.colorbar(image, ax=ax, fraction=0.03, pad=0.02)
    fig.tight_layout()
    return fig


def plot_pipeline_bubble(c: dict):
    import matplotlib.pyplot as plt

    m = np.arange(1, c["max_microbatches"] + 1)
    fig, ax = plt.subplots(figsize=(7, 3.6))
    for stages, colour in zip(c["stages"], (BLUE, GREEN, ORANGE, RED)):
        ax.plot(m, pipeline_bubble_fraction(stages, m), color=colour, lw=2, label=f"K = {stages} stages")
        rule = c["negligible_from"] * stages  # GPipe: negligible when M >= 4K
        if rule <= m[-1]:
            ax.plot([rule], [pipeline_bubble_fraction(stages, rule)], "o", color=colour, ms=6)
    ax.set_xlabel("Micro-batches per mini-batch M")
    ax.set_ylabel("Bubble share of the step")
    ax.set_ylim(0, 1)
    ax.set_xlim(1, m[-1])
    ax.set_title("(K - 1) / (M + K - 1); dots: M = 4K, where GPipe finds the bubble negligible", fontsize=9)
    ax.legend(fontsize=8, loc="upper right")
    fig.tight_layout()
    return fig


def plot_zero_memory(c: dict):
    import matplotlib.pyplot as plt

    stages = zero_model_state_bytes(c["psi"], c["nd"], c["k"])
    fig, ax = plt.subplots(figsize=(7, 3.6))
    names = list(stages)
    bottom = np.zeros(len(names))
    for part, colour, label in ((0, BLUE, "fp16 parameters (2 bytes)"), (1, ORANGE, "fp16 gradients (2 bytes)"),
                                (2, GREEN, f"optimizer states (K = {c['k']:g} bytes)")):
        gb = np.array([stages[n][part] for n in names]) / 1e9
        ax.bar(names, gb, bottom=bottom, color=colour, label=label, width=0.6)
        bottom += gb
    for i, total in enumerate(bottom):
        ax.text(i, total + 2, f"{total:.1f} GB", ha="center", fontsize=9)
    ax.set_ylabel("Model states per GPU (GB)")
    ax.set_ylim(0, bottom.max() * 1.15)
    ax.set_title(rf"$\Psi$ = {c['psi'] / 1e9:g}B parameters, $N_d$ = {c['nd']} data-parallel GPUs", fontsize=9)
    ax.legend(fontsize=8, loc="upper right")
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
    Figure("kv-cache-opt13b.svg", "kv_cache_opt13b", plot_kv_cache),
    Figure("speculative-expected-tokens.svg", "leviathan2023fast", plot_speculative),
    Figure("compute-optimal-allocation.svg", "compute_optimal_allocation", plot_allocation),
    Figure("emergence-metric-choice.svg", "schaeffer2023emergent", plot_metric_choice),
    Figure("ddpm-linear-schedule.svg", "ho2020denoising", plot_ddpm),
    Figure("sinusoidal-position-encoding.svg", "vaswani2017attention", plot_sinusoidal_pe),
    Figure("pipeline-bubble.svg", "huang2019gpipe", plot_pipeline_bubble),
    Figure("zero-memory.svg", "rajbhandari2020zero", plot_zero_memory),
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

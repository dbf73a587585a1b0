"""`kb figures`: the plots' maths against the papers' constants, same bytes on every run,
the committed SVGs are what the command draws, and bad constants fail with one clear line."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

pytest.importorskip("matplotlib")

from kb import figures  # noqa: E402
from kb.errors import KbError  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def constants():
    return figures.load_constants(ROOT / figures.CONSTANTS)


def test_every_constant_names_its_source_and_a_cited_work(constants):
    keys = " ".join(p.read_text(encoding="utf-8") for p in (ROOT / "bib").glob("*.bib"))
    for figure in figures.FIGURES:
        block = constants[figure.constants]
        assert block["source"] and block["verified"]
        assert "{" + block["cite"] + "," in keys, f"{block['cite']} is not in bib/"


def test_the_papers_numbers(constants):
    k, h, d = constants["kaplan2020scaling"], constants["hoffmann2022training"], constants["ho2020denoising"]
    assert (k["params"]["alpha"], k["params"]["scale"]) == (0.076, 8.8e13)
    assert (k["data"]["alpha"], k["data"]["scale"]) == (0.095, 5.4e13)
    assert (k["compute"]["alpha"], k["compute"]["scale"]) == (0.050, 3.1e8)
    assert h["fit"] == {"E": 1.69, "A": 406.4, "B": 410.7, "alpha": 0.34, "beta": 0.28}
    assert [(m["name"], m["params"], m["tokens"]) for m in h["models"]] == [
        ("Gopher", 280e9, 300e9), ("Chinchilla", 70e9, 1.4e12)]
    assert (d["T"], d["beta_1"], d["beta_T"]) == (1000, 1e-4, 0.02)
    assert constants["lr_schedule"]["peak"] == 6e-5


def test_power_law_halves_at_the_scale():
    assert figures.power_law(8.8e13, 8.8e13, 0.076) == pytest.approx(1.0)
    assert figures.power_law(8.8e13 / 2 ** (1 / 0.076), 8.8e13, 0.076) == pytest.approx(2.0)


def test_frontier_minimises_the_loss_at_fixed_compute(constants):
    fit = constants["hoffmann2022training"]["fit"]
    c = 5.88e23
    n_opt, d_opt = figures.chinchilla_frontier(c, fit)
    assert 6 * n_opt * d_opt == pytest.approx(c)
    n = np.logspace(np.log10(n_opt) - 1, np.log10(n_opt) + 1, 2001)
    best = n[np.argmin(figures.chinchilla_loss(n, c / (6 * n), fit))]
    assert best == pytest.approx(n_opt, rel=0.01)
    assert figures.chinchilla_frontier(c * 10, fit)[0] / n_opt == pytest.approx(10 ** (0.28 / 0.62))


def test_lr_schedule_warms_up_peaks_and_ends_at_ten_percent():
    lr = lambda p: float(figures.lr_schedule(p, peak=6e-5, warmup=0.005, final_fraction=0.1))  # noqa: E731
    assert lr(0) == 0 and lr(0.0025) == pytest.approx(3e-5) and lr(0.005) == pytest.approx(6e-5)
    assert lr(1) == pytest.approx(6e-6)
    assert 6e-6 < lr(0.5) < 6e-5


def test_ddpm_schedule_and_noising(constants):
    d = constants["ho2020denoising"]
    betas, alpha_bar = figures.ddpm_alpha_bar(d["T"], d["beta_1"], d["beta_T"])
    assert len(betas) == 1000 and betas[0] == 1e-4 and betas[-1] == pytest.approx(0.02)
    assert np.all(np.diff(alpha_bar) < 0) and alpha_bar[-1] < 1e-4
    x0 = figures.synthetic_image(16)
    assert x0.min() >= -1 and x0.max() <= 1
    noise = np.random.RandomState(0).standard_normal(x0.shape)
    assert np.array_equal(figures.ddpm_noisy(x0, 0, alpha_bar, noise), x0)
    assert np.allclose(figures.ddpm_noisy(x0, 1000, alpha_bar, noise), noise, atol=0.02)


def test_committed_figures_are_what_kb_figures_draws():
    """Runs the real command: CI fails when a plot or its constants change without `kb figures`."""
    result = subprocess.run([sys.executable, "-m", "kb.cli", "figures", "--check"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(figures.FIGURES)} figures, 0 differ" in result.stderr


def test_drawing_twice_gives_the_same_bytes(constants):
    figure = next(f for f in figures.FIGURES if f.name == "ddpm-linear-schedule.svg")  # random noise and a raster
    assert figures.render(figure, constants) == figures.render(figure, constants)


def test_every_figure_is_on_a_page():
    pages = " ".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs").rglob("*.md"))
    for figure in figures.FIGURES:
        assert f"assets/figures/{figure.name}" in pages


def test_a_number_written_as_text_is_refused(tmp_path):
    data = yaml.safe_load((ROOT / figures.CONSTANTS).read_text(encoding="utf-8"))
    data["kaplan2020scaling"]["params"]["scale"] = "8.8e13"  # PyYAML reads 8.8e13 as a string
    bad = tmp_path / "figures.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(KbError, match=r"kaplan2020scaling\.params\.scale is the text"):
        figures.load_constants(bad)


def test_bad_constants_file_is_one_error_line_and_writes_nothing(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    (tmp_path / "data" / "figures.yaml").write_text("kaplan2020scaling: {cite: x}\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "kb.cli", "figures"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode != 0
    assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not (tmp_path / "assets").exists()


def test_kv_cache_bytes_matches_the_worked_example_on_the_inference_page():
    # OPT-13B in FP16: 2 x 40 layers x 5120 x 2 bytes per token; 2048 tokens per sequence.
    assert figures.kv_cache_bytes(1, layers=40, width=5120, bytes_per_value=2) == 819_200
    assert figures.kv_cache_bytes(2048, layers=40, width=5120, bytes_per_value=2, batch=16) == 819_200 * 2048 * 16


def test_speculative_expected_tokens_is_the_geometric_sum_of_eq_1():
    alpha = 0.8
    for gamma in range(0, 8):
        assert figures.speculative_expected_tokens(gamma, alpha) == pytest.approx(sum(alpha ** i for i in range(gamma + 1)))
    assert figures.speculative_expected_tokens(200, alpha) == pytest.approx(1 / (1 - alpha))
def test_kaplan_allocation_at_one_pf_day_is_the_table_6_scale(constants):
    allocation = constants["compute_optimal_allocation"]
    n_opt, d_opt = figures.kaplan_allocation(allocation["pf_day_flops"], allocation)
    assert np.isclose(n_opt, 1.3e9) and np.isclose(d_opt, 2.0e10)
    n_ten, _ = figures.kaplan_allocation(10 * allocation["pf_day_flops"], allocation)
    assert np.isclose(n_ten / n_opt, 10 ** 0.73)


def test_exact_match_is_sharper_than_edit_distance():
    loss = np.array([2.0, 0.5, 0.05])
    accuracy, distance = figures.metric_from_token_loss(loss, 10)
    p = np.exp(-loss)
    assert np.allclose(accuracy, p ** 10) and np.allclose(distance, 10 * (1 - p))
    single, _ = figures.metric_from_token_loss(loss, 1)
    assert np.allclose(single, p)

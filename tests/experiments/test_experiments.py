"""Experiments: the qualitative results hold, runs are deterministic, outputs keep their schema.

Every test runs the real experiment code on small but faithful settings (the depth,
learning rates and epochs that produce the effect; fewer seeds, narrower layers or
smaller samples where that does not change it).
"""

from __future__ import annotations

import copy
import gzip
import importlib
import json
import math
import struct
from pathlib import Path

import numpy as np
import pytest
import torch

from actdocs import paths
from actdocs import catalog
from actdocs.measure import properties
from actdocs.engine.artifact import REPO_ROOT
from actdocs.render.numbers import format_sig
from actdocs.experiments import site as experiments
from actdocs.experiments import networks, output
from actdocs.experiments import (
    distributions,
    dying_relu,
    gelu_approx,
    gradient_flow,
    mnist,
    relu_vs_tanh,
    self_normalisation,
    training,
)

COMMON_KEYS = {"experiment", "schema_version", "torch", "device", "seed", "params"}


# ---------------------------------------------------------------- small runs, shared


@pytest.fixture(scope="module")
def flow() -> dict:
    return gradient_flow.run(keys=("sigmoid", "relu", "selu"), depth=20, depths=(2, 5, 20), width=64, batch=64)


@pytest.fixture(scope="module")
def dying() -> dict:
    return dying_relu.run(epochs=5, recovery_epochs=1, n_seeds=3)


@pytest.fixture(scope="module")
def selfnorm() -> dict:
    return self_normalisation.run(depth=16, width=64, batch=256)


@pytest.fixture(scope="module")
def trained() -> dict:
    return training.run(n_seeds=1)


@pytest.fixture(scope="module")
def dists() -> dict:
    return distributions.run(keys=("sigmoid", "tanh", "relu", "gelu", "selu"), scales=(1.0, 8.0), samples=20_000)


@pytest.fixture(scope="module")
def gelu() -> dict:
    return gelu_approx.run(per_unit=1000)


# ---------------------------------------------------------------- qualitative results


def test_sigmoid_first_layer_gradient_is_orders_of_magnitude_below_relus(flow):
    sigmoid = flow["at_depth"]["sigmoid"]["default"]
    relu = flow["at_depth"]["relu"]["default"]
    assert len(sigmoid) == len(relu) == 20
    assert sigmoid[0] * 100 <= relu[0]
    # and it is sigmoid's own gradient that vanishes towards the input
    assert sigmoid[0] * 1e6 < sigmoid[-1]


def test_gradient_norms_are_positive_and_finite_for_every_depth(flow):
    for key, by_depth in flow["gradient_norms"].items():
        assert set(by_depth) == {"2", "5", "20"}
        for depth, norms in by_depth.items():
            assert len(norms) == int(depth)
            assert all(math.isfinite(v) and v > 0 for v in norms), (key, depth)


def test_network_is_smaller_than_the_slope_bound_because_of_the_weights(flow):
    bound = flow["bound"]
    m = bound["activations"]["sigmoid"]
    assert bound["max_slope"] == catalog.get("sigmoid").properties.max_grad
    assert m["input_gradient_ratio"] < bound["bound"]
    assert 0 < m["mean_slope"] <= bound["max_slope"]
    assert all(0 < w < 1 for w in m["weight_factors"])
    # slope and weight factors multiply to the measured ratio
    product = math.prod(m["slope_factors"]) * math.prod(m["weight_factors"])
    assert product == pytest.approx(m["input_gradient_ratio"], rel=1e-6)


def test_the_bound_is_measured_under_each_initialisation_and_the_weights_can_break_it(flow):
    """0.25¹⁰ counts slopes only: the slope product stays under it under every initialisation,
    but Kaiming weights amplify the gradient norm past it; the same seed gives the same numbers."""
    bound = flow["bound"]
    inits = bound["inits"]
    assert list(inits) == list(gradient_flow.BOUND_INITS)
    assert inits["default"]["input_gradient_ratio"] == bound["activations"]["sigmoid"]["input_gradient_ratio"]
    for init, m in inits.items():
        assert 0 < m["slope_product"] <= bound["bound"], init
        assert m["slope_product"] * m["weight_product"] == pytest.approx(m["input_gradient_ratio"], rel=1e-6)
    assert inits["kaiming"]["input_gradient_ratio"] > bound["bound"] > inits["default"]["input_gradient_ratio"]
    assert inits["orthogonal"]["weight_product"] == pytest.approx(1, rel=1e-4)  # orthogonal Wᵀ keeps the norm
    again = gradient_flow.run(keys=("sigmoid",), depth=20, depths=(2, 5, 20), width=64, batch=64)
    assert again["bound"]["inits"] == inits


def test_kaiming_init_keeps_relu_gradients_far_flatter_than_default(flow):
    ratios = flow["at_depth"]["relu"]["ratio_first_last"]
    assert ratios["kaiming"] > 1e3 * ratios["default"]


def test_selu_is_also_run_with_lecun_init_and_only_selu(flow):
    assert flow["params"]["extra_inits"] == {"selu": ["lecun"]}
    assert "lecun" in flow["at_depth"]["selu"] and "lecun" not in flow["at_depth"]["relu"]
    lecun = flow["at_depth"]["selu"]
    assert lecun["ratio_first_last"]["lecun"] == pytest.approx(lecun["lecun"][0] / lecun["lecun"][-1])
    assert lecun["lecun"] != lecun["default"]


def test_init_figure_and_summary_quote_each_pair_under_both_inits(flow, tmp_path):
    pairs = gradient_flow._init_pairs(flow)
    assert pairs == [("relu", "kaiming"), ("selu", "lecun")]
    summary = gradient_flow.init_summary_fragment(flow)
    alt = gradient_flow.init_alt_text(flow)
    for key, own in pairs:
        ratio = flow["at_depth"][key]["ratio_first_last"]
        for text in (summary, alt):
            assert format_sig(ratio["default"], 2) in text and format_sig(ratio[own], 2) in text
            assert gradient_flow.INIT_NAMES[own] in text
    # "level" is said only of a ratio within a factor of ten
    level = [0.1 <= flow["at_depth"][k]["ratio_first_last"][own] <= 10 for k, own in pairs]
    assert gradient_flow.LEVEL_FACTOR == 10 and [gradient_flow.is_level(r) for r in (0.09, 0.1, 10, 11)] == [
        False, True, True, False]
    assert summary.count("within a factor of 10 of level") == sum(level)
    paths = [gradient_flow.draw_init(flow, theme, tmp_path / f"{theme}.svg") for theme in ("light", "dark")]
    assert all(p.read_text().startswith("<?xml") for p in paths)
    assert paths[0].read_bytes() != paths[1].read_bytes()


def test_high_learning_rate_kills_relu_units_more_than_leaky_ones(dying):
    share = dying["dead_share"]
    assert share["relu-high-lr"]["trained"] > 0.2  # a large share really dies
    assert share["relu-high-lr"]["trained"] > share["leaky-high-lr"]["trained"]
    assert share["relu-high-lr"]["trained"] > 5 * share["relu-sane-lr"]["trained"]
    assert share["relu-high-lr"]["init"] < 0.05


def test_stuck_relu_units_are_dead_and_stuck_leaky_units_are_not(dying):
    """A stuck ReLU unit gets exactly zero gradient; a stuck Leaky ReLU unit never does."""
    assert dying["zero_gradient_share"]["relu-high-lr"] == 1.0
    assert dying["zero_gradient_share"]["leaky-high-lr"] == 0.0
    for name, runs in dying["runs"].items():
        for run, share in zip(runs, dying["revived_by_seed"][name]):
            stuck = sum(run["dead"]["trained"])
            assert share == (sum(run["revived"]) / stuck if stuck else None)
            assert all(0 <= z <= d for z, d in zip(run["zero_gradient"], run["dead"]["trained"]))


def test_zero_gradient_units_are_counted_from_the_loss():
    torch.manual_seed(0)
    net = networks.mlp("relu", [2, 3, 2])
    with torch.no_grad():
        net[0].bias.copy_(torch.tensor([-100.0, 0.5, 100.0]))  # unit 0 stuck, the others active
    X, y = torch.randn(16, 2), torch.randint(0, 2, (16,))
    masks = dying_relu.dead_masks(net, X)
    assert masks[0].tolist() == [True, False, False]
    assert dying_relu.zero_gradient_units(net, X, y, masks) == [1]
    leaky = networks.mlp("leaky_relu", [2, 3, 2])
    with torch.no_grad():
        leaky[0].bias.copy_(torch.tensor([-100.0, 0.5, 100.0]))
    assert dying_relu.zero_gradient_units(leaky, X, y, dying_relu.dead_masks(leaky, X)) == [0]


@pytest.fixture(scope="module")
def alexnet() -> dict:
    return relu_vs_tanh.run(lrs=(0.03, 0.1), n_seeds=2, max_epochs=4, thresholds=(0.25, 0.1), verdict_threshold=0.1)


def test_alexnet_sense_speedup_is_tanh_steps_over_relu_steps_per_seed(alexnet):
    best = alexnet["best_lr"]
    for thr in ("0.25", "0.1"):
        relu = [r["steps"][thr] for r in alexnet["runs"]["relu"][best["relu"]]]
        tanh = [r["steps"][thr] for r in alexnet["runs"]["tanh"][best["tanh"]]]
        s = alexnet["speedup"][thr]
        assert s["per_seed"] == [t / r for r, t in zip(relu, tanh)]
        assert s["min"] <= s["mean"] <= s["max"]
    steps = alexnet["runs"]["relu"]["0.1"][0]["steps"]
    assert steps["0.25"] <= steps["0.1"]  # the looser threshold is reached first


def test_the_loosest_threshold_is_described_from_the_results_not_typed(alexnet):
    """The page once said 25 % fell "within the first epoch" while its own table gave ReLU 1.34 epochs."""
    per_epoch = alexnet["steps_per_epoch"]
    slowest = max(alexnet["steps"][a]["0.25"]["max"] for a in alexnet["activations"]) / per_epoch
    sentence = relu_vs_tanh.first_threshold_sentence(alexnet)
    assert ("within the first epoch" in sentence) == (slowest <= 1)
    slow = {**alexnet, "steps": {a: {**v, "0.25": {**v["0.25"], "max": 1.34 * per_epoch}}
                                 for a, v in alexnet["steps"].items()}}
    assert "within the first 2 epochs" in relu_vs_tanh.first_threshold_sentence(slow)
    text = (REPO_ROOT / "docs" / "experiments.md").read_text(encoding="utf-8")
    assert "within the first epoch" not in text  # said by the generated summary, from the numbers
    assert "fastest learning rate of" not in relu_vs_tanh.summary_fragment(alexnet)  # one fastest rate each


def test_alexnet_sense_is_deterministic_for_a_seed_and_moves_with_it():
    small = dict(lrs=(0.1,), n_seeds=1, max_epochs=2, thresholds=(0.25,), verdict_threshold=0.25)
    first, second = relu_vs_tanh.run(**small), relu_vs_tanh.run(**small)
    assert output.without_timings(first) == output.without_timings(second)
    assert output.without_timings(relu_vs_tanh.run(**small, seed=1))["runs"] != output.without_timings(first)["runs"]


def test_best_learning_rate_needs_every_seed_and_the_fewest_steps():
    def runs(*steps):
        return [{"steps": {"0.05": s}} for s in steps]

    assert relu_vs_tanh.best_lr({"0.03": runs(90, 100), "0.1": runs(50, 60), "0.3": runs(20, None)}, 0.05) == "0.1"
    assert relu_vs_tanh.best_lr({"0.03": runs(50, 60), "0.1": runs(60, 50)}, 0.05) == "0.03"  # tie: the smaller rate
    assert relu_vs_tanh.best_lr({"0.3": runs(None, 10)}, 0.05) is None


def test_dead_units_are_counted_on_the_pre_activation():
    torch.manual_seed(0)
    net = networks.mlp("relu", [2, 3, 2])
    with torch.no_grad():
        net[0].weight.zero_()
        net[0].bias.copy_(torch.tensor([-1.0, 0.0, 1.0]))
    # unit 0: pre-activation -1 everywhere (dead); unit 1: exactly 0 (dead, ReLU outputs 0); unit 2: alive
    assert dying_relu.dead_units(net, torch.randn(10, 2)) == [2]


def test_selu_stays_normalised_deeper_than_tanh(selfnorm):
    layers = selfnorm["layers"]
    assert layers["selu-lecun"]["kept"] == selfnorm["depth"]
    assert layers["selu-lecun"]["kept"] > layers["tanh-lecun"]["kept"]
    assert abs(layers["selu-lecun"]["mean"][-1]) < 0.1
    assert layers["selu-lecun"]["var"][-1] == pytest.approx(1.0, abs=0.25)
    assert layers["tanh-lecun"]["var"][-1] < 0.5


def test_every_activation_beats_chance_on_digits(trained):
    assert trained["data"]["name"] == "digits"
    assert trained["chance"] == pytest.approx(0.1)
    for key, s in trained["summary"].items():
        assert s["min"] > trained["chance"] + 0.4, key


def test_distributions_show_saturation_and_zeros(dists):
    r = dists["results"]
    assert r["relu"]["1"]["frac_zero"] == pytest.approx(0.5, abs=0.02)
    assert r["sigmoid"]["8"]["frac_saturated"] > r["sigmoid"]["1"]["frac_saturated"] + 0.3
    assert r["tanh"]["1"]["mean"] == pytest.approx(0.0, abs=0.02)
    assert r["sigmoid"]["1"]["mean"] == pytest.approx(0.5, abs=0.01)
    assert r["selu"]["1"]["std"] == pytest.approx(1.0, abs=0.05)
    assert dists["zero_below"]["relu"] == 0.0
    assert dists["zero_below"]["sigmoid"] is None


def test_histogram_fractions_add_up(dists):
    for key, by_scale in dists["results"].items():
        for scale, h in by_scale.items():
            assert len(h["edges"]) == dists["bins"] + 1
            assert len(h["counts"]) == dists["bins"]
            total = sum(h["counts"]) + h["frac_zero"] + h["frac_below"] + h["frac_above"]
            assert total == pytest.approx(1.0, abs=1e-9), (key, scale)


def test_histogram_edges_depend_on_the_function_not_the_sample():
    edges = distributions.edges_for("tanh", 1.0)
    assert float(edges[0]) == pytest.approx(-math.tanh(4.0))
    assert float(edges[-1]) == pytest.approx(math.tanh(4.0))


def test_gelu_tanh_approximation_error(gelu):
    d = gelu["dtypes"]
    assert gelu["range"] == [-10.0, 10.0]
    for dtype in ("float32", "float64"):
        assert 1e-5 < d[dtype]["max_abs_error"] < 1e-3
        assert 1 < d[dtype]["max_at"] < 4
        assert d[dtype]["mean_abs_error"] < d[dtype]["max_abs_error"]
    assert d["float64"]["exact_max_abs_error"] == 0.0
    assert d["float32"]["max_abs_error"] > 10 * d["float32"]["exact_max_abs_error"]


# ---------------------------------------------------------------- the custom activation


def test_custom_activation_meets_the_three_requirements():
    req = training.requirements()
    assert req["gradient_bounded"]["ok"] and req["gradient_bounded"]["min_gradient"] == pytest.approx(0.1, abs=1e-6)
    assert req["slow_growth"]["ok"] and req["slow_growth"]["asymptotic_slope"] == pytest.approx(0.1, rel=1e-6)
    assert req["smooth"]["ok"]
    assert properties.check(training.LEAKY_TANH) == []
    assert properties.check(training.LEAKY_TANH, impl="scratch") == []


@pytest.mark.parametrize("key, failed", [("relu", "gradient_bounded"), ("tanh", "gradient_bounded"), ("elu", "gradient_bounded"), ("softplus", "gradient_bounded")])
def test_requirements_reject_activations_that_fail_them(key, failed):
    assert not training.requirements(catalog.get(key))[failed]["ok"]


@pytest.mark.parametrize("key", ["elu", "softplus"])
def test_requirement_one_is_a_bound_not_a_sign(key):
    """ELU's and softplus's slopes are positive at every grid point (a "non-zero gradient"
    rule would pass them): they fail requirement 1 because the slope falls below the bound."""
    dy = properties.derivative(catalog.get(key), properties.measurement_grid())
    assert float(dy.min()) > 0
    assert float(dy.min()) < training.MIN_GRADIENT
    assert not training.requirements(catalog.get(key))["gradient_bounded"]["ok"]


def test_requirements_reject_fast_growth_and_kinks():
    assert not training.requirements(catalog.get("leaky_relu"))["slow_growth"]["ok"]
    assert not training.requirements(catalog.get("leaky_relu"))["smooth"]["ok"]


def test_custom_module_matches_its_functional():
    x = torch.linspace(-5, 5, 101)
    assert torch.equal(training.LeakyTanh()(x), training.leaky_tanh(x))
    torch.testing.assert_close(training.LEAKY_TANH.scratch(x.double()), training.leaky_tanh(x.double()))


def test_custom_activation_is_trained_and_reported(trained):
    assert training.CUSTOM_KEY in trained["summary"]
    assert trained["custom"]["declared_mismatches"] == []
    assert trained["custom"]["relu_min_gradient"] == 0.0


# ---------------------------------------------------------------- MNIST from a local copy


def _idx(array: np.ndarray, code: int = 0x08) -> bytes:
    header = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(">u1" if code == 0x08 else array.dtype.newbyteorder(">")).tobytes()


def _write_tiny_mnist(folder: Path, gz: bool = False) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(12, 3, 3), dtype=np.uint8)
    labels = np.arange(12, dtype=np.uint8) % 3
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "train-images-idx3-ubyte": _idx(images[:8]),
        "train-labels-idx1-ubyte": _idx(labels[:8]),
        "t10k-images-idx3-ubyte": _idx(images[8:]),
        "t10k-labels-idx1-ubyte": _idx(labels[8:]),
    }
    for name, data in files.items():
        if gz:
            (folder / f"{name}.gz").write_bytes(gzip.compress(data))
        else:
            (folder / name).write_bytes(data)
    return images, labels


@pytest.mark.parametrize("gz", [False, True])
def test_mnist_loader_reads_idx_files(tmp_path, gz):
    images, labels = _write_tiny_mnist(tmp_path / "mnist", gz=gz)
    x_train, y_train, x_test, y_test = mnist.load_mnist(tmp_path / "mnist")
    assert x_train.shape == (8, 9) and x_test.shape == (4, 9)
    assert x_train.dtype == np.float32 and y_train.dtype == np.int64
    np.testing.assert_allclose(x_train, images[:8].reshape(8, 9) / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(y_test, labels[8:])


def test_mnist_loader_reads_npz(tmp_path):
    images, labels = _write_tiny_mnist(tmp_path / "idx")
    np.savez(tmp_path / "mnist.npz", x_train=images[:8], y_train=labels[:8], x_test=images[8:], y_test=labels[8:])
    x_train, y_train, x_test, y_test = mnist.load_mnist(tmp_path / "mnist.npz")
    assert x_train.shape == (8, 9) and y_test.tolist() == labels[8:].tolist()


def test_read_idx_handles_other_types_and_rejects_bad_files(tmp_path):
    floats = np.arange(6, dtype=np.float32).reshape(2, 3)
    (tmp_path / "f.idx").write_bytes(_idx(floats, code=0x0D))
    np.testing.assert_array_equal(mnist.read_idx(tmp_path / "f.idx"), floats)
    (tmp_path / "bad").write_bytes(b"\x01\x02\x08\x01\x00\x00\x00\x02ab")
    with pytest.raises(mnist.IdxError, match="magic"):
        mnist.read_idx(tmp_path / "bad")
    (tmp_path / "short").write_bytes(_idx(np.zeros(4, dtype=np.uint8))[:-1])
    with pytest.raises(mnist.IdxError, match="data bytes"):
        mnist.read_idx(tmp_path / "short")
    with pytest.raises(FileNotFoundError):
        mnist.load_mnist(tmp_path / "missing")


def test_training_runs_on_a_local_mnist_copy(tmp_path):
    _write_tiny_mnist(tmp_path / "mnist")
    r = training.run(keys=("relu",), hidden=(8,), n_seeds=1, epochs=1, batch_size=4, mnist=tmp_path / "mnist")
    assert r["data"] == {"name": "mnist", "train": 8, "test": 4, "features": 9, "classes": 3}
    assert r["sizes"] == [9, 8, 3]
    assert r["custom"] is None


# ---------------------------------------------------------------- determinism


SMALL_RUNS = {
    "gradient_flow": lambda: gradient_flow.run(keys=("tanh", "gelu"), depth=6, depths=(2, 6), width=32, batch=32, bound_depth=4),
    "dying_relu": lambda: dying_relu.run(hidden=(32, 32), epochs=1, recovery_epochs=1, n_seeds=1),
    "distributions": lambda: distributions.run(keys=("relu", "silu"), scales=(0.5, 2.0), samples=2000, bins=10),
    "self_normalisation": lambda: self_normalisation.run(depth=4, width=16, batch=32),
    "training": lambda: training.run(keys=("relu", training.CUSTOM_KEY), n_seeds=2, epochs=1),
    "gelu_approx": lambda: gelu_approx.run(per_unit=100, envelope=20),
    "relu_vs_tanh": lambda: relu_vs_tanh.run(lrs=(0.1,), n_seeds=2, max_epochs=2, thresholds=(0.25, 0.1),
                                             verdict_threshold=0.1),
}


@pytest.mark.parametrize("name", list(SMALL_RUNS))
def test_two_runs_give_identical_numbers(name):
    first, second = SMALL_RUNS[name](), SMALL_RUNS[name]()
    assert output.without_timings(first) == output.without_timings(second)
    assert output.dumps(output.without_timings(first)) == output.dumps(output.without_timings(second))


def test_runs_leave_the_callers_random_state_and_threads_alone():
    threads = torch.get_num_threads()
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    self_normalisation.run(depth=2, width=8, batch=8)
    assert torch.equal(torch.rand(3), expected)
    assert torch.get_num_threads() == threads
    assert not torch.are_deterministic_algorithms_enabled()


def test_different_seeds_give_different_numbers():
    a = self_normalisation.run(depth=3, width=16, batch=32, seed=0)
    b = self_normalisation.run(depth=3, width=16, batch=32, seed=1)
    assert a["layers"] != b["layers"]


# ---------------------------------------------------------------- JSON schemas

#: The documented keys of each experiment's JSON, beyond the common header.
SCHEMA_KEYS = {
    "gradient_flow": {"activations", "depths", "gradient_norms", "depth", "at_depth", "bound"},
    "dying_relu": {"definition", "hidden", "stages", "configurations", "runs", "mean_dead", "dead_share",
                   "mean_accuracy", "revived_share", "revived_by_seed", "zero_gradient_share"},
    "distributions": {"activations", "scales", "samples", "bins", "saturation_threshold", "zero_below", "results"},
    "self_normalisation": {"depth", "width", "batch", "mean_tolerance", "var_tolerance", "configurations", "layers"},
    "training": {"data", "sizes", "chance", "activations", "runs", "summary", "custom"},
    "gelu_approx": {"range", "step", "points", "dtypes"},
    "relu_vs_tanh": {"activations", "lrs", "thresholds", "verdict_threshold", "steps_per_epoch", "runs", "best_lr",
                     "steps", "speedup"},
}


@pytest.mark.parametrize("name", list(SMALL_RUNS))
def test_json_has_the_documented_keys(name):
    data = json.loads(output.dumps(SMALL_RUNS[name]()))
    assert set(data) == COMMON_KEYS | SCHEMA_KEYS[name]
    assert data["experiment"] == name.replace("_", "-")
    assert data["torch"] == torch.__version__.split("+")[0]
    assert data["device"] == "cpu" and data["seed"] == 0
    for key in SCHEMA_KEYS[name]:
        assert key in importlib.import_module(f"actdocs.experiments.{name}").__doc__, f"{key} is not documented in {name}"


def test_nested_schema_of_the_demo_inputs(flow, dists):
    assert set(flow["at_depth"]["relu"]) == {"default", "kaiming", "ratio_first_last"}
    assert set(flow["bound"]["activations"]["sigmoid"]) == {
        "input_gradient_ratio", "slope_factors", "weight_factors", "mean_slope", "pre_activation_std",
        "geomean_slope_factor", "geomean_weight_factor",
    }
    assert set(dists["results"]["relu"]) == {"1", "8"}
    assert set(dists["results"]["relu"]["1"]) == {
        "edges", "counts", "frac_below", "frac_above", "frac_zero", "frac_saturated", "mean", "std",
    }


def test_json_rounds_floats_and_writes_null_for_non_finite():
    text = output.dumps({"a": 1 / 3, "b": [float("nan"), float("inf")], "c": (1, True, None), "d": 1.23456789e-20})
    assert json.loads(text) == {"a": 0.333333, "b": [None, None], "c": [1, True, None], "d": 1.23457e-20}
    assert text.endswith("\n")


# ---------------------------------------------------------------- artifacts


def test_one_device_dependent_artifact_per_experiment():
    found = experiments.artifacts()
    assert [a.name for a in found] == [f"experiment-{m.replace('_', '-')}" for m in experiments.EXPERIMENTS]
    for artifact, module in zip(found, experiments.EXPERIMENTS):
        name = module.replace("_", "-")
        assert artifact.module == f"actdocs.experiments.{module}"
        assert artifact.device_dependent
        assert paths.experiment_data(name) in artifact.outputs
        assert {paths.experiment_figure(name, t) for t in ("light", "dark")} <= set(artifact.outputs)
        assert paths.experiment_table(name) in artifact.outputs
        assert paths.experiment_fragment(name, "figure") in artifact.outputs


def test_every_experiment_is_registered_with_the_build():
    from actdocs.artifacts import all_artifacts

    names = {a.name for a in all_artifacts()}
    assert {a.name for a in experiments.artifacts()} <= names


def test_gelu_artifact_writes_numbers_small_figures_and_no_date(build_record):
    """As the build made it (that a make gives these bytes again: tests/test_determinism.py)."""
    (artifact,) = gelu_approx.artifacts()
    outs = {rel: build_record.path(rel).read_bytes() for rel in artifact.outputs}
    for rel, data in outs.items():
        text = data.decode("utf-8")
        assert "nan" not in text.lower().replace("nanosecond", "")
        if rel.endswith(".svg"):
            assert len(data) < 60_000
            assert "Date" not in text
    data = json.loads(outs[paths.experiment_data("gelu-approx")])
    assert data["dtypes"]["float64"]["max_at"] == pytest.approx(2.7, abs=0.1)


def test_training_table_does_not_change_with_the_runs_times(trained) -> None:
    # two builds of one commit time the runs differently; the page's text must not change
    slower = copy.deepcopy(trained)
    for summary in slower["summary"].values():
        summary.update({k: 7 * v for k, v in summary.items() if k.endswith("seconds")})
    assert training.table(slower) == training.table(trained)
    assert "\u202f%" in training.table(trained) and " ± " in training.table(trained)


def test_tanh_units_do_not_drift_into_their_tails_in_the_gradient_flow_network():
    """The experiments page says the gradient-flow network is no evidence of tanh units drifting
    into their flat tails (review R3, E1): under nn.Linear's default initialisation the
    pre-activations shrink from layer to layer, and none reaches tanh's saturation edge."""
    from actdocs.measure.evidence import SATURATION_EPS, saturation_edge
    from actdocs.experiments import gradient_flow as gf

    edge = saturation_edge("tanh", SATURATION_EPS)
    torch.manual_seed(0)
    h = torch.randn(gf.BATCH, gf.WIDTH)
    stds, largest = [], 0.0
    with torch.no_grad():
        for _ in range(gf.DEPTH):
            z = torch.nn.Linear(gf.WIDTH, gf.WIDTH)(h)
            stds.append(z.std().item())
            largest = max(largest, z.abs().max().item())
            h = torch.tanh(z)
    assert stds[-1] < stds[1] < stds[0]
    assert largest < edge

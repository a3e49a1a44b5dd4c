"""Smoke test: the benchmark runs end to end on a tiny configuration, so it
cannot rot.

Speed itself is not asserted here (timed unit tests are flaky on shared
machines); the benchmark measures it side by side and reports ratios.
"""

import json
import re
import shutil
from pathlib import Path

from benchmarks import benchmark
from tools.book_toc import ROOT


def test_benchmark_tiny_configuration_writes_a_complete_report(
    tmp_path, capsys
):
    output = tmp_path / "results.md"
    chapter = ROOT / "chapters" / "preliminaries" / "tensor_basics.ipynb"
    code = benchmark.main(
        [
            "--epochs",
            "1",
            "--repeats",
            "2",
            "--train",
            "512",
            "--test",
            "128",
            "--batch",
            "64",
            "--chapters",
            str(chapter),
            "--output",
            str(output),
        ]
    )
    assert code == 0
    text = output.read_text(encoding="utf-8")
    for model in ("softmax 回归", "多层感知机", "带 dropout 的多层感知机"):
        assert re.search(rf"^\| {model} \| .*?\| [\d.]+x \|", text, re.M)
    assert "tensor_basics.ipynb" in text and "GFLOP/s" in text
    # a reader's page, not a log
    assert "summary" not in text and "targets missed" not in text
    data = json.loads(
        output.with_suffix(".json").read_text(encoding="utf-8")
    )
    assert {r["model"] for r in data["training"]} == set(benchmark.MODELS)
    assert all(
        len(r["book_s"]) == 2 and len(r["reference_s"]) == 2
        for r in data["training"]
    )
    # a kernel with torch loaded takes a few hundred MiB: ru_maxrss read in
    # the wrong unit (KiB for bytes, or the reverse) is 1024 times off
    assert 50 < data["book"]["chapters"][0]["peak_mib"] < 4096
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "results.json",
        "results.md",
        "results.png",
    ]  # no temp files left
    assert output.with_suffix(".png").read_bytes()[:4] == b"\x89PNG"
    assert "summary: " in capsys.readouterr().out


def test_report_shows_the_fashion_switch_beside_digits():
    machine = {
        "cpu": "x",
        "cores": 2,
        "torch_threads": 1,
        "torch": "2",
        "python": "3",
    }
    config = {"train": 1, "test": 1, "batch": 1, "epochs": 1, "repeats": 1}
    rows = [
        {
            "chapter": "chapters/a.ipynb",
            "digits_s": 5.0,
            "fashion_s": 30.0,
            "peak_mib": 900.0,
        },
        {
            "chapter": "chapters/b.ipynb",
            "digits_s": 5.0,
            "fashion_s": 50.0,
            "peak_mib": 900.0,
        },
    ]
    training = benchmark.TrainingResults(loops=[], gflops=[])
    data = benchmark.results_data(machine, config, training, [], 0.0, rows)
    assert data["fashion"] == rows
    text = benchmark.render(data)
    assert "| chapters/a.ipynb | 5.00 | 30.00 | 6.0x | 900 |" in text
    assert benchmark.missed_targets(data) == [
        "chapters/b.ipynb takes 50 s on Fashion-MNIST-sized data"
    ]


def test_the_published_page_is_rendered_from_the_published_json(tmp_path):
    """benchmarks/results.md is exactly what --render makes of
    results.json: the page cannot drift from the measurements.
    """
    published = ROOT / "benchmarks"
    shutil.copy(published / "results.json", tmp_path)
    assert (
        benchmark.main(
            ["--render", "--output", str(tmp_path / "results.md")]
        )
        == 0
    )
    for name in ("results.md", "results.json"):
        assert (tmp_path / name).read_bytes() == (
            published / name
        ).read_bytes(), name
    stored = json.loads((published / "results.json").read_text("utf-8"))
    assert stored["summary"] == benchmark.summary(stored)


def test_flop_count_of_the_mlp_is_exact():
    cache = {}
    flops, seconds = benchmark.flop_bound_seconds(
        "mlp", num_train=256, num_test=256, batch=256, cache=cache
    )
    # the evaluation products share the forward shapes here
    assert seconds > 0 and len(cache) == 5
    # train: layer 1 forward + weight grad, layer 2 forward + weight grad +
    # input grad; test: forwards
    expected = 256 * (2 * 2 * 784 * 256 + 3 * 2 * 256 * 10) + 256 * 2 * (
        784 * 256 + 256 * 10
    )
    assert flops == expected


def test_a_quick_run_leaves_the_published_results_alone():
    published = ROOT / "benchmarks" / "results.md"
    assert benchmark.output_path(quick=False, output=None) == published
    quick = benchmark.output_path(quick=True, output=None)
    assert quick != published and "_build" in quick.parts
    assert benchmark.output_path(True, Path("x.md")) == Path("x.md")

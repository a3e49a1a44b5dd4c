"""Measure the book's speed side by side in one run, against its anchors and
the machine's limit.

    python benchmarks/benchmark.py           # the full run (~10 min)
    python benchmarks/benchmark.py --quick   # a small first look
    python benchmarks/benchmark.py --render  # redraw from results.json

Four measurements, all at one thread (the book's setting):

1. The machine's limit: float32 matmul throughput (GFLOP/s) at exactly the
   matrix shapes that training the models below performs.
2. Training throughput: 10 epochs on synthetic data shaped like
   Fashion-MNIST (60,000 x 784 train, 10,000 test, 10 classes, batch 256)
   for softmax regression, the MLP 784-256-10 and the dropout MLP
   784-256-256-10, comparing the book's ``utils.train_classifier`` with a
   reference loop written the way Dive into Deep Learning teaches it
   (DataLoader over a TensorDataset, per-batch Python accumulation, test
   accuracy in batches). Repeats are interleaved; the median, the spread,
   the speed-up and each loop's fraction of the FLOP bound are reported.
3. The whole book: each chapter's execution time in a fresh kernel against
   the floor (a fresh kernel that only imports torch, matplotlib and utils),
   and the peak memory of each.
4. The Fashion-MNIST switch: each chapter that offers it, run with
   ``DATASET = "fashion_mnist"`` on a full-size stand-in (60,000 / 10,000
   images in Fashion-MNIST's own files, tools/fashion_standin.py, written to
   a temporary cache), against the same chapter on digits; the target is at
   most 45 s per chapter.

Absolute seconds on a shared machine mean little; ratios measured in the
same run mean a lot. The measurements go to a JSON file; the Markdown
tables and the chart shown by the book's appendix page 运行时间与性能 are
rendered from that JSON alone (so ``--render`` can redraw them after a
change of presentation), and the targets are judged from it separately.
All three files are written atomically.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

import utils
from tools import atomic, book_toc
from tools.book_toc import ROOT
from utils.data import ImageDataset

PUBLISHED = ROOT / "benchmarks" / "results.md"  # shown on 运行时间与性能
QUICK_OUTPUT = ROOT / "_build" / "benchmark-quick" / "results.md"

NUM_INPUTS, NUM_OUTPUTS = 784, 10
MODELS = {
    "softmax": [(784, 10)],
    "mlp": [(784, 256), (256, 10)],
    "dropout_mlp": [(784, 256), (256, 256), (256, 10)],
}
TARGETS = {"softmax": 3.0, "mlp": 1.3, "dropout_mlp": 1.25}
MLP_FLOP_FRACTION_TARGET = 0.70
BOOK_TOTAL_TARGET = 1.6
BOOK_PER_CHAPTER_SLACK = 8.0
FASHION_CHAPTER_TARGET_S = 45.0


# --- the machine ----------------------------------------------------------


def machine_description() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "python": platform.python_version(),
    }


def matmul_seconds(
    kind: str, batch: int, d_in: int, d_out: int, repeats: int = 30
) -> float:
    """Best time of one float32 matmul of a linear layer, in the memory
    layout PyTorch uses.

    ``nn.Linear`` stores W as (out, in). Forward: X @ W.T; weight gradient:
    dO.T @ X; input gradient: dO @ W.
    """
    W = torch.randn(d_out, d_in)
    X, dO = torch.randn(batch, d_in), torch.randn(batch, d_out)
    a, b = {
        "forward": (X, W.t()),
        "weight_grad": (dO.t(), X),
        "input_grad": (dO, W),
    }[kind]
    out = torch.empty(a.shape[0], b.shape[1])
    for _ in range(3):
        torch.mm(a, b, out=out)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        torch.mm(a, b, out=out)
        best = min(best, time.perf_counter() - start)
    return best


def flop_bound_seconds(
    model: str, num_train: int, num_test: int, batch: int, cache: dict
) -> tuple[float, float]:
    """FLOPs of one epoch (training + test evaluation) and the time they
    take at measured matmul speed.

    Per training step and linear layer (in, out): the forward product and
    the weight gradient, 2*batch*in*out FLOPs each, plus the input gradient
    for every layer but the first (the data needs no gradient). Evaluation
    is one forward product per layer. Bias additions, activations and the
    loss are left out: they are the overhead that this bound leaves for the
    loop.
    """
    flops, seconds = 0.0, 0.0
    steps = num_train / batch
    test_batch = min(num_test, 4096)
    for index, (d_in, d_out) in enumerate(MODELS[model]):
        kinds = ["forward", "weight_grad"] + (
            ["input_grad"] if index > 0 else []
        )
        for kind in kinds:
            key = (kind, batch, d_in, d_out)
            if key not in cache:
                cache[key] = matmul_seconds(*key)
            flops += steps * 2 * batch * d_in * d_out
            seconds += steps * cache[key]
        key = ("forward", test_batch, d_in, d_out)
        if key not in cache:
            cache[key] = matmul_seconds(*key, repeats=5)
        flops += 2 * num_test * d_in * d_out
        seconds += cache[key] * num_test / test_batch
    return flops, seconds


def machine_gflops(cache: dict) -> list[tuple[str, float]]:
    """GFLOP/s of every matmul shape measured for the bound."""
    rows = []
    for (kind, batch, d_in, d_out), seconds in sorted(cache.items()):
        rows.append(
            (
                f"{kind} {batch}x{d_in}x{d_out}",
                2 * batch * d_in * d_out / seconds / 1e9,
            )
        )
    return rows


# --- the two training loops -----------------------------------------------


def build_model(name: str, seed: int, book: bool) -> nn.Module:
    """The three models; the book's dropout MLP uses ``utils.Dropout`` where
    D2L uses ``nn.Dropout``.
    """
    torch.manual_seed(seed)
    if name == "softmax":
        return nn.Sequential(nn.Linear(784, 10))
    if name == "mlp":
        return nn.Sequential(
            nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10)
        )
    layer = utils.Dropout if book else nn.Dropout
    return nn.Sequential(
        nn.Linear(784, 256),
        nn.ReLU(),
        layer(0.2),
        nn.Linear(256, 256),
        nn.ReLU(),
        layer(0.5),
        nn.Linear(256, 10),
    )


def reference_loop(
    net, data, num_epochs: int, batch_size: int, lr: float
) -> float:
    """Training as Dive into Deep Learning writes it; returns the final test
    accuracy.
    """
    loss = nn.CrossEntropyLoss(reduction="none")
    trainer = torch.optim.SGD(net.parameters(), lr=lr)
    train_iter = DataLoader(
        TensorDataset(data.X_train, data.y_train), batch_size, shuffle=True
    )
    test_iter = DataLoader(
        TensorDataset(data.X_test, data.y_test), batch_size, shuffle=False
    )
    for _ in range(num_epochs):
        net.train()
        metric = [0.0, 0.0, 0.0]  # loss sum, correct, count
        for X, y in train_iter:
            y_hat = net(X)
            l = loss(y_hat, y)
            trainer.zero_grad()
            l.mean().backward()
            trainer.step()
            metric[0] += float(l.detach().sum())
            metric[1] += float(
                (y_hat.argmax(axis=1).type(y.dtype) == y)
                .type(y.dtype)
                .sum()
            )
            metric[2] += y.numel()
        net.eval()
        correct, count = 0.0, 0
        with torch.no_grad():
            for X, y in test_iter:
                correct += float(
                    (net(X).argmax(axis=1).type(y.dtype) == y)
                    .type(y.dtype)
                    .sum()
                )
                count += y.numel()
    return correct / count


def utils_loop(
    net, data, num_epochs: int, batch_size: int, lr: float
) -> float:
    trainer = torch.optim.SGD(net.parameters(), lr=lr)
    history = utils.train_classifier(
        net,
        nn.CrossEntropyLoss(),
        trainer,
        data,
        num_epochs,
        batch_size,
        plot=False,
    )
    return history.test_acc[-1]


def synthetic_data(
    num_train: int, num_test: int, seed: int = 0
) -> ImageDataset:
    """Fashion-MNIST-shaped data: pixels in [0, 1], labels from a fixed
    random linear teacher.
    """
    generator = torch.Generator().manual_seed(seed)
    X = torch.rand(num_train + num_test, NUM_INPUTS, generator=generator)
    teacher = torch.randn(NUM_INPUTS, NUM_OUTPUTS, generator=generator)
    y = ((X - 0.5) @ teacher).argmax(dim=1)
    return ImageDataset(
        name="synthetic",
        X_train=X[:num_train],
        y_train=y[:num_train],
        X_test=X[num_train:],
        y_test=y[num_train:],
        image_shape=(28, 28),
        class_names=tuple(str(i) for i in range(NUM_OUTPUTS)),
    )


@dataclass
class LoopResult:
    """One model's training times (seconds per repeat) for both loops,
    with the FLOPs of the whole run and the time they take at matmul speed.
    """

    model: str
    reference: list[float]
    book: list[float]
    flops: float
    bound: float


@dataclass
class TrainingResults:
    """Everything :func:`measure_training` measured."""

    loops: list[LoopResult]
    gflops: list[tuple[str, float]]  # (matmul shape, GFLOP/s)


def measure_training(
    num_train, num_test, num_epochs, batch_size, repeats
) -> TrainingResults:
    data = synthetic_data(num_train, num_test)
    cache: dict = {}
    results = []
    for model in MODELS:
        flops, bound = flop_bound_seconds(
            model, num_train, num_test, batch_size, cache
        )
        times = {"reference": [], "book": []}
        for repeat in range(repeats):
            order = (
                ("reference", "book")
                if repeat % 2 == 0
                else ("book", "reference")
            )
            for loop in order:
                net = build_model(model, seed=repeat, book=loop == "book")
                run = reference_loop if loop == "reference" else utils_loop
                start = time.perf_counter()
                run(net, data, num_epochs, batch_size, lr=0.1)
                times[loop].append(time.perf_counter() - start)
        results.append(
            LoopResult(
                model,
                times["reference"],
                times["book"],
                flops * num_epochs,
                bound * num_epochs,
            )
        )
    return TrainingResults(results, machine_gflops(cache))


# --- the whole book -------------------------------------------------------

RUN_ONE = r"""
import sys, time, nbformat
from nbclient import NotebookClient
FLOOR = (
    "import matplotlib.pyplot as plt\nimport torch\n\nimport utils\n\n"
    "utils.set_up(seed=0)"
)
if sys.argv[1] != "-":
    nb = nbformat.read(sys.argv[1], as_version=4)
else:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(FLOOR)])
start = time.perf_counter()
where = {"metadata": {"path": sys.argv[2]}}
NotebookClient(
    nb, timeout=600, kernel_name="python3", resources=where
).execute()
seconds = time.perf_counter() - start
# the kernel has exited and been waited for: its peak RSS is the largest
# among our children; ru_maxrss is in bytes on macOS, KiB on Linux and
# the BSDs, and Windows has no resource module
try:
    import resource
except ImportError:
    peak = float("nan")
else:
    unit = 1 if sys.platform == "darwin" else 1024
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * unit
print(seconds, peak)
"""


def run_notebook_fresh(
    path: str, workdir: str, env: dict | None = None
) -> tuple[float, float]:
    """Execute a notebook (or the floor, path '-') in a fresh kernel; return
    seconds and peak MiB.
    """
    result = subprocess.run(
        [sys.executable, "-c", RUN_ONE, path, workdir],
        capture_output=True,
        text=True,
        check=True,
        cwd=workdir,
        env=env,
    )
    seconds, peak_bytes = result.stdout.strip().splitlines()[-1].split()
    return float(seconds), float(peak_bytes) / 2**20


def measure_book(chapters: list[Path]) -> tuple[list[dict], float]:
    """Each chapter's time in a fresh kernel, and the floor measured between
    them.
    """
    rows, floors = [], []
    for path in chapters:
        floor, _ = run_notebook_fresh("-", str(ROOT))
        seconds, peak = run_notebook_fresh(str(path), str(path.parent))
        floors.append(floor)
        rows.append(
            {
                "chapter": str(path.relative_to(ROOT)),
                "seconds": seconds,
                "peak_mib": peak,
            }
        )
    floor = (
        statistics.median(floors)
        if floors
        else run_notebook_fresh("-", str(ROOT))[0]
    )
    return rows, floor


def measure_fashion_switch(
    chapters: list[Path], book_rows: list[dict]
) -> list[dict]:
    """Each chapter that offers the switch, on a full-size Fashion-MNIST
    stand-in, beside its digits run.
    """
    import nbformat

    from tools import fashion_standin

    switchable = [
        path
        for path in chapters
        if fashion_standin.offers_switch(nbformat.read(path, as_version=4))
    ]
    if not switchable:
        return []
    digits_seconds = {row["chapter"]: row["seconds"] for row in book_rows}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "fashion-mnist"
        checksums = fashion_standin.write_standin(cache, 60_000, 10_000)
        env = fashion_standin.environment(cache)
        for path in switchable:
            switched = fashion_standin.switch_to_fashion(
                nbformat.read(path, as_version=4), checksums
            )
            copy = Path(tmp) / path.name
            nbformat.write(switched, copy)
            name = str(path.relative_to(ROOT))
            if name not in digits_seconds:
                digits_seconds[name] = run_notebook_fresh(
                    str(path), str(path.parent)
                )[0]
            seconds, peak = run_notebook_fresh(
                str(copy), str(path.parent), env
            )
            rows.append(
                {
                    "chapter": name,
                    "digits_s": digits_seconds[name],
                    "fashion_s": seconds,
                    "peak_mib": peak,
                }
            )
    return rows


# --- report ---------------------------------------------------------------


NAMES = {
    "softmax": "softmax 回归",
    "mlp": "多层感知机",
    "dropout_mlp": "带 dropout 的多层感知机",
}
KINDS = {
    "forward": "正向",
    "weight_grad": "权重梯度",
    "input_grad": "输入梯度",
}


SECTIONS = ("machine", "config", "gflops", "training", "book", "fashion")


def results_data(
    machine: dict,
    config: dict,
    training: TrainingResults,
    book_rows: list[dict],
    floor: float,
    fashion_rows: list[dict],
) -> dict:
    """The measurements as the JSON document that :func:`render` and
    :func:`missed_targets` read.
    """
    data = {
        "machine": machine,
        "config": config,
        "gflops": dict(training.gflops),
        "training": [],
        "book": {},
        "fashion": fashion_rows,
    }
    for r in training.loops:
        ref, book = (
            statistics.median(r.reference),
            statistics.median(r.book),
        )
        data["training"].append(
            {
                "model": r.model,
                "reference_s": r.reference,
                "book_s": r.book,
                "speedup": ref / book,
                "gflop": r.flops / 1e9,
                "flop_bound_s": r.bound,
                "book_flop_fraction": r.bound / book,
                "reference_flop_fraction": r.bound / ref,
            }
        )
    if book_rows:
        total = sum(row["seconds"] for row in book_rows)
        data["book"] = {
            "floor_s": floor,
            "chapters": book_rows,
            "total_s": total,
            "total_over_floor": total / (floor * len(book_rows)),
        }
    return data


def missed_targets(data: dict) -> list[str]:
    """The targets that the measurements in ``data`` miss, in words."""
    failures = []
    for row in data["training"]:
        model, ratio = row["model"], row["speedup"]
        if ratio < TARGETS[model]:
            failures.append(
                f"{model} speed-up {ratio:.2f} < {TARGETS[model]}"
            )
        fraction = row["book_flop_fraction"]
        if model == "mlp" and fraction < MLP_FLOP_FRACTION_TARGET:
            failures.append(
                f"mlp at {fraction:.0%} of the FLOP bound < "
                f"{MLP_FLOP_FRACTION_TARGET:.0%}"
            )
    if data["book"]:
        floor = data["book"]["floor_s"]
        for row in data["book"]["chapters"]:
            above = row["seconds"] - floor
            if above > BOOK_PER_CHAPTER_SLACK:
                failures.append(
                    f"{row['chapter']} is {above:.1f} s above the floor"
                )
        ratio = data["book"]["total_over_floor"]
        if ratio > BOOK_TOTAL_TARGET:
            failures.append(
                f"book total {ratio:.2f}x the floor > {BOOK_TOTAL_TARGET}x"
            )
    for row in data["fashion"]:
        if row["fashion_s"] > FASHION_CHAPTER_TARGET_S:
            failures.append(
                f"{row['chapter']} takes {row['fashion_s']:.0f} s on "
                "Fashion-MNIST-sized data"
            )
    return failures


def summary(data: dict) -> str:
    """One line for the person running the benchmark."""
    failures = missed_targets(data)
    return "summary: " + (
        "all targets met"
        if not failures
        else "targets missed: " + "; ".join(failures)
    )


def spread(values: list[float]) -> str:
    return f"{min(values):.2f}–{max(values):.2f}"


def render(data: dict) -> str:
    """The Markdown shown on the book's page 运行时间与性能, from the JSON
    document alone.
    """
    machine, config = data["machine"], data["config"]
    lines = [
        "## 机器",
        "",
        f"- CPU：{machine['cpu']}；核数：{machine['cores']}；PyTorch "
        f"线程数：{machine['torch_threads']}",
        f"- torch {machine['torch']}，Python {machine['python']}",
        f"- 训练循环的配置：{config['train']} "
        f"个训练样本、{config['test']} 个测试样本，批量 "
        f"{config['batch']}，"
        f"{config['epochs']} 个轮次，交替重复 {config['repeats']} 次",
        "",
        "## 机器的上限：单线程 float32 矩阵乘法",
        "",
        "| 乘法(种类 批量×输入×输出) | GFLOP/s |",
        "|---|---|",
    ]
    for shape, rate in data["gflops"].items():
        kind, dims = shape.split(" ", 1)
        lines.append(f"| {KINDS.get(kind, kind)} {dims} | {rate:.1f} |")
    lines += [
        "",
        "## 训练循环：本书与参考实现",
        "",
        "本书 = `utils.train_classifier`；参考实现 = "
        "按《动手学深度学习》写法的循环(`DataLoader` 包装 "
        "`TensorDataset`)。",
        "",
        "| 模型 | 参考实现：中位数 s(最小–最大) | 本书：中位数 "
        "s(最小–最大) | 加速比 | 目标 | 参考实现达到 FLOP 上限的比例 | "
        "本书达到 FLOP 上限的比例 |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in data["training"]:
        model = row["model"]
        lines.append(
            f"| {NAMES.get(model, model)} | "
            f"{statistics.median(row['reference_s']):.2f} "
            f"({spread(row['reference_s'])}) | "
            f"{statistics.median(row['book_s']):.2f} "
            f"({spread(row['book_s'])}) | "
            f"{row['speedup']:.2f}x | ≥ {TARGETS[model]}x | "
            f"{row['reference_flop_fraction']:.0%} | "
            f"{row['book_flop_fraction']:.0%} |"
        )
    lines.append("")
    if data["book"]:
        book = data["book"]
        floor, rows = book["floor_s"], book["chapters"]
        floor_total = floor * len(rows)
        lines += [
            "## 全书：每章在新内核中的执行时间(下限 = 只导入 "
            f"torch、matplotlib、utils 的新内核：{floor:.2f} s)",
            "",
            "| 章节 | 秒 | 高出下限(s) | 内存峰值(MiB) |",
            "|---|---|---|---|",
        ]
        for row in rows:
            lines.append(
                f"| {row['chapter']} | {row['seconds']:.2f} | "
                f"{row['seconds'] - floor:.2f} | {row['peak_mib']:.0f} |"
            )
        lines += [
            f"| **合计** | {book['total_s']:.2f} | "
            f"{book['total_s'] - floor_total:.2f} | |",
            "",
            f"全书共 {book['total_s']:.1f} s，是 {len(rows)} "
            f"个空内核下限({floor_total:.1f} s)的 "
            f"{book['total_over_floor']:.2f} 倍"
            f"(目标：不超过 {BOOK_TOTAL_TARGET} 倍，且每章高出下限不超过 "
            f"{BOOK_PER_CHAPTER_SLACK:.0f} s)。",
            "",
        ]
    if data["fashion"]:
        lines += [
            "## 换成 Fashion-MNIST 之后",
            "",
            '提供数据集开关的各章，把 `DATASET` 改为 `"fashion_mnist"` '
            "后在新内核中的执行时间。数据是与 Fashion-MNIST "
            "同样大小、同样文件格式的替身(60,000 张训练图、10,000 "
            "张测试图，`tools/fashion_standin.py` 生成)，"
            "所以不需要联网；真实数据的运行时间与之相当。"
            f"目标：每章不超过 {FASHION_CHAPTER_TARGET_S:.0f} s。",
            "",
            "| 章节 | digits(s) | Fashion-MNIST 大小(s) | 倍数 | "
            "内存峰值(MiB) |",
            "|---|---|---|---|---|",
        ]
        for row in data["fashion"]:
            lines.append(
                f"| {row['chapter']} | {row['digits_s']:.2f} | "
                f"{row['fashion_s']:.2f} | "
                f"{row['fashion_s'] / row['digits_s']:.1f}x | "
                f"{row['peak_mib']:.0f} |"
            )
        lines.append("")
    return "\n".join(lines)


def draw_chart(data: dict, path: Path) -> bool:
    """Draw the book's timings as a PNG at ``path`` (for 运行时间与性能).

    Left: each chapter's seconds in a fresh kernel against the empty-kernel
    floor and the floor plus the allowed slack. Right: the
    Fashion-MNIST-sized runs against their target. Returns False (and draws
    nothing) when the run timed no chapter.
    """
    chapters = data["book"].get("chapters")
    if not chapters:
        return False
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    floor = data["book"]["floor_s"]
    fashion = data["fashion"]
    columns = 2 if fashion else 1
    fig, axes = plt.subplots(
        1,
        columns,
        figsize=(10, 5.4),
        gridspec_kw={"width_ratios": [3, 1][:columns]},
        squeeze=False,
    )
    ax = axes[0][0]
    names = [Path(row["chapter"]).stem for row in chapters]
    seconds = [row["seconds"] for row in chapters]
    ax.barh(
        names, seconds, color="tab:blue", label="chapter (fresh kernel)"
    )
    ax.axvline(floor, color="black", linestyle="--", label="empty kernel")
    slack = floor + BOOK_PER_CHAPTER_SLACK
    ax.axvline(slack, color="tab:red", label="target: floor + 8 s")
    ax.invert_yaxis()
    ax.set_xlabel("seconds, one thread")
    ax.set_title("Run All per chapter")
    ax.legend(
        loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=3, fontsize=8
    )
    if fashion:
        ax = axes[0][1]
        names = [Path(row["chapter"]).stem for row in fashion]
        ax.barh(names, [r["digits_s"] for r in fashion], label="digits")
        ax.barh(
            names,
            [r["fashion_s"] - r["digits_s"] for r in fashion],
            left=[r["digits_s"] for r in fashion],
            label="Fashion-MNIST size",
        )
        ax.axvline(
            FASHION_CHAPTER_TARGET_S, color="tab:red", label="target"
        )
        ax.invert_yaxis()
        ax.set_xlabel("seconds, one thread")
        ax.set_title("Fashion-MNIST switch")
        ax.legend(
            loc="upper center", bbox_to_anchor=(0.5, -0.13), fontsize=8
        )
    fig.tight_layout()
    with atomic.replacing(path) as temporary:
        fig.savefig(
            temporary, format="png", dpi=100, metadata={"Software": None}
        )
    plt.close(fig)
    return True


def publish(data: dict, output: Path) -> str:
    """Write the JSON document next to ``output``, the page rendered from
    it to ``output`` and its chart beside; return the summary line.
    """
    line = summary(data)
    atomic.write_text(
        output.with_suffix(".json"),
        json.dumps({**data, "summary": line}, indent=2) + "\n",
    )
    atomic.write_text(
        output,
        "<!-- written by benchmarks/benchmark.py; do not edit by hand "
        "-->\n\n" + render(data),
    )
    draw_chart(data, output.with_suffix(".png"))
    return line


def output_path(quick: bool, output: Path | None) -> Path:
    """Where the report goes: --quick never overwrites the published one."""
    if output is not None:
        return output
    return QUICK_OUTPUT if quick else PUBLISHED


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--train", type=int, default=60_000)
    parser.add_argument("--test", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="2 epochs on 10,000 examples, 1 repeat",
    )
    parser.add_argument(
        "--chapters",
        nargs="*",
        type=Path,
        help="chapters to time (default: all in _toc.yml)",
    )
    parser.add_argument(
        "--skip-book", action="store_true", help="do not time the chapters"
    )
    parser.add_argument(
        "--skip-fashion",
        action="store_true",
        help="do not time the Fashion-MNIST switch",
    )
    parser.add_argument(
        "--output",
        type=Path,
        help="where the report goes (default: benchmarks/results.md, the "
        "published one; with --quick, _build/benchmark-quick/results.md)",
    )
    parser.add_argument(
        "--render",
        action="store_true",
        help="measure nothing: render the report and the chart again from "
        "the JSON beside --output (after a change of presentation)",
    )
    args = parser.parse_args(argv)
    args.output = output_path(args.quick, args.output)
    if args.render:
        stored = json.loads(
            args.output.with_suffix(".json").read_text(encoding="utf-8")
        )
        # what results_data writes; older sections and the summary go
        data = {key: stored[key] for key in SECTIONS}
        print(publish(data, args.output))
        return 0
    if args.quick:
        args.epochs, args.train, args.test, args.repeats = (
            2,
            10_000,
            2_000,
            1,
        )
    for name in ("epochs", "repeats", "train", "test", "batch"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be >= 1")

    torch.set_num_threads(1)
    machine = machine_description()
    config = {
        "train": args.train,
        "test": args.test,
        "batch": args.batch,
        "epochs": args.epochs,
        "repeats": args.repeats,
    }
    print(f"machine: {machine}", flush=True)
    training = measure_training(
        args.train, args.test, args.epochs, args.batch, args.repeats
    )
    book_rows, floor, fashion_rows = [], 0.0, []
    if not args.skip_book:
        paths = (
            [p.resolve() for p in args.chapters]
            if args.chapters
            else book_toc.chapters()
        )
        book_rows, floor = measure_book(paths)
        if not args.skip_fashion:
            fashion_rows = measure_fashion_switch(paths, book_rows)
    data = results_data(
        machine, config, training, book_rows, floor, fashion_rows
    )
    print(render(data))
    # for the person running it; the page shows the measurements and targets
    print(publish(data, args.output))
    return 0


if __name__ == "__main__":
    sys.exit(main())

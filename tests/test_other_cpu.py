"""The second nbval pass really runs as if on another CPU, on Intel and on
AMD.

`make test` re-runs every chapter with the variables of tools/other_cpu.py,
and conftest.py probes the environment the pass's kernels inherit before any
of them starts (it stops the pass if ATen does not report its portable
kernels). Here the same probe runs with and without the variables, so each
check is shown to fail when the variables are not applied.

What is proven, per library and vendor:

* ATen (the elementwise, reduction and activation kernels): on every x86
  CPU with AVX2, Intel or AMD, the probe reports ``AVX2``/``AVX512`` without
  the variables and ``DEFAULT`` (the portable kernels) with them.
* oneDNN: its verbose mode names the instruction set, not the vendor
  ("Intel AVX2" on AMD too): limited to AVX2 with the variables on every
  vendor; without them it reports AVX-512 on CPUs that have it.
* MKL (the BLAS behind matrix products): on Intel its banner names the
  instruction set and must say AVX2 with the variables. On AMD MKL runs its
  own code path, which ``MKL_ENABLE_INSTRUCTIONS`` does not steer and the
  banner does not name: nothing about MKL's kernels is proven there, only
  that MKL is the BLAS in use.
"""

import os
from pathlib import Path

import pytest

from tools.other_cpu import OTHER_CPU_ENV, X86, probe

pytestmark = pytest.mark.skipif(
    not X86, reason="the emulated CPU is an x86 CPU; this machine is not"
)


def cpu_vendor() -> str | None:
    cpuinfo = Path("/proc/cpuinfo")
    if not cpuinfo.exists():
        return None
    for line in cpuinfo.read_text().splitlines():
        if line.startswith("vendor_id"):
            return line.split(":", 1)[1].strip()
    return None


@pytest.fixture(scope="module")
def probes():
    plain = {k: v for k, v in os.environ.items() if k not in OTHER_CPU_ENV}
    return probe(plain), probe({**plain, **OTHER_CPU_ENV})


def test_aten_takes_its_portable_kernels(probes):
    plain, other = probes
    assert other["aten"] == "DEFAULT" and other["aten_config"], other
    if plain["aten"] == "DEFAULT":
        pytest.skip(
            "this CPU has no AVX2: the portable kernels are its own"
        )
    assert plain["aten"] in ("AVX2", "AVX512"), plain
    assert not plain["aten_config"], plain


def test_onednn_is_limited_to_avx2(probes):
    plain, other = probes
    isa = other["onednn_isa"]
    assert isa and isa.startswith("Intel AVX2") and "512" not in isa, other
    if "512" not in (plain["onednn_isa"] or ""):
        pytest.skip(f"this CPU tops out at {plain['onednn_isa']!r}")
    assert plain["onednn_isa"] != isa


def test_mkl_says_avx2_where_it_names_an_instruction_set(probes):
    plain, other = probes
    banner = other["mkl_banner"]
    assert banner, "torch's matrix products should go through MKL"
    if cpu_vendor() == "GenuineIntel":
        assert "(Intel(R) AVX2) enabled processors" in banner, banner
        assert plain["mkl_banner"] != banner, plain
    elif "AVX" in banner:  # a future MKL that names it on AMD too
        assert "AVX2" in banner and "512" not in banner, banner

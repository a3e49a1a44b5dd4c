"""Run as if on another x86 CPU: the environment of the test suite's second
nbval pass.

The book's stored outputs must be what the code prints on any reader's
machine, not only on the author's. Readers' CPUs differ in their vector
instructions (AVX-512 on recent servers, AVX2 on most laptops, Intel or
AMD), and PyTorch picks its kernels by them, which can change the last
digits of long floating-point computations. These variables make PyTorch,
MKL and oneDNN behave like a plainer CPU on this one:

* ``ATEN_CPU_CAPABILITY=default``: ATen's portable kernels instead of
  AVX2/AVX-512;
* ``MKL_ENABLE_INSTRUCTIONS=AVX2``: MKL's BLAS (matrix products) limited to
  AVX2 on Intel processors (on AMD ones MKL takes its own code path whatever
  this says);
* ``ONEDNN_MAX_CPU_ISA=AVX2``: oneDNN (convolutions, some fused ops)
  limited to AVX2.

``make test`` runs every chapter under nbval twice: as is, then with these
variables (``pytest chapters --other-cpu``, see ``conftest.py``), so a cell
whose printed output depends on the instruction set fails on the author's
machine first. :func:`probe` reports what each library says it uses under a
given environment.
"""

from __future__ import annotations

import platform
import re
import subprocess
import sys
from collections.abc import Mapping

# The emulation only makes sense on x86 (on ARM there is no AVX to limit)
X86 = platform.machine().lower() in ("x86_64", "amd64", "i686", "i386")

OTHER_CPU_ENV = {
    "ATEN_CPU_CAPABILITY": "default",
    "MKL_ENABLE_INSTRUCTIONS": "AVX2",
    "ONEDNN_MAX_CPU_ISA": "AVX2",
}

_PROBE = """
import torch
print("capability", torch.backends.cpu.get_cpu_capability())
print("config", "CPU capability usage: DEFAULT" in torch.__config__.show())
a = torch.randn(300, 300)
(a @ a).sum()  # a BLAS call: MKL_VERBOSE prints its banner
x, w = torch.randn(8, 3, 32, 32), torch.randn(16, 3, 3, 3)
torch.nn.functional.conv2d(x, w)  # oneDNN: ONEDNN_VERBOSE names its ISA
"""


def probe(env: Mapping[str, str]) -> dict[str, str | bool | None]:
    """What ATen, oneDNN and MKL report in a fresh Python started with
    ``env``.

    Returns a dict: ``aten`` (``torch.backends.cpu.get_cpu_capability()``,
    e.g. ``"DEFAULT"``, ``"AVX2"``, ``"AVX512"``), ``aten_config`` (whether
    torch's build summary says ``DEFAULT`` too), ``onednn_isa`` (the ISA
    oneDNN's verbose mode names, e.g. ``"Intel AVX2"``; oneDNN names the
    ISA, not the vendor, on AMD as well) and ``mkl_banner`` (MKL's verbose
    banner, which names the instruction set only on Intel processors), each
    ``None`` if the library printed nothing.
    """
    verbose = {"MKL_VERBOSE": "1", "ONEDNN_VERBOSE": "1"}
    result = subprocess.run(
        [sys.executable, "-c", _PROBE],
        env={**env, **verbose},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    out = result.stdout + result.stderr
    aten = re.search(r"^capability (\S+)$", out, re.M)
    isa = re.search(r"^onednn_verbose.*,isa:(.*)$", out, re.M)
    mkl = re.search(r"^MKL_VERBOSE .*oneMKL.*$", out, re.M)
    return {
        "aten": aten.group(1) if aten else None,
        "aten_config": "config True" in out,
        "onednn_isa": isa.group(1).strip() if isa else None,
        "mkl_banner": mkl.group(0) if mkl else None,
    }

"""The second nbval pass really runs as if on another CPU.

`make test` re-runs every chapter with the variables of tools/other_cpu.py. Each must
take effect, or that pass proves nothing: ATen reports the portable capability, MKL
announces AVX2 kernels and oneDNN an AVX2 instruction set.
"""

import os
import subprocess
import sys

from tools.other_cpu import OTHER_CPU_ENV

PROBE = """
import torch
print("capability", torch.backends.cpu.get_cpu_capability())
print("config", "CPU capability usage: DEFAULT" in torch.__config__.show())
a = torch.randn(300, 300)
(a @ a).sum()                                     # a BLAS call: MKL_VERBOSE names its kernels
x, w = torch.randn(8, 3, 32, 32), torch.randn(16, 3, 3, 3)
torch.nn.functional.conv2d(x, w)                  # a oneDNN primitive: ONEDNN_VERBOSE names its ISA
"""


def test_the_other_cpu_environment_takes_effect():
    env = {
        **os.environ,
        **OTHER_CPU_ENV,
        "MKL_VERBOSE": "1",
        "ONEDNN_VERBOSE": "1",
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout + result.stderr
    assert "capability DEFAULT" in out
    assert "config True" in out
    mkl = [
        line
        for line in out.splitlines()
        if line.startswith("MKL_VERBOSE") and "oneMKL" in line
    ]
    assert mkl and "(Intel(R) AVX2) enabled processors" in mkl[0], mkl
    isa = [
        line
        for line in out.splitlines()
        if line.startswith("onednn_verbose") and "isa:" in line
    ]
    assert isa and "isa:Intel AVX2" in isa[0] and "AVX-512" not in isa[0], (
        isa
    )

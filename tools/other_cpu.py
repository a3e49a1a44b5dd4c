"""Run as if on another x86 CPU: the environment of the test suite's second nbval pass.

The book's stored outputs must be what the code prints on any reader's machine, not
only on the author's. Readers' CPUs differ in their vector instructions (AVX-512 here,
AVX2 on many laptops and AMD servers), and PyTorch picks its kernels by them, which can
change the last digits of long floating-point computations. These variables make
PyTorch, MKL and oneDNN behave like a plainer CPU on this one:

* ``ATEN_CPU_CAPABILITY=default``: ATen's portable kernels instead of AVX2/AVX-512 ones;
* ``MKL_ENABLE_INSTRUCTIONS=AVX2``: MKL's BLAS (matrix products) limited to AVX2;
* ``ONEDNN_MAX_CPU_ISA=AVX2``: oneDNN (convolutions, some fused ops) limited to AVX2.

``make test`` runs every chapter under nbval twice: as is, then with these variables
(``pytest chapters --other-cpu``, see ``conftest.py``), so a cell whose printed output
depends on the instruction set fails on the author's machine first.
"""

OTHER_CPU_ENV = {
    "ATEN_CPU_CAPABILITY": "default",
    "MKL_ENABLE_INSTRUCTIONS": "AVX2",
    "ONEDNN_MAX_CPU_ISA": "AVX2",
}

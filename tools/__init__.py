"""The book's own tooling: regenerating outputs, checks shared by the tests
and the benchmark.

Installed with the project (``pip install -e .``, done by ``make setup``),
so the tests, the benchmark and the scripts import it as ``tools.<module>``
from any folder.
"""

# One command per task; each first makes sure the virtual environment is installed.
#   make book       build the HTML book into _build/html (open _build/html/index.html)
#   make pdf        build the PDF edition into _build/latex/book.pdf (needs TeX Live, see README)
#   make test       run every test: utils unit tests, nbval on every notebook (twice: as is and
#                   as if on another CPU), browser tests
#   make lab        open the chapters in JupyterLab
#   make notebooks  re-execute every chapter in place (regenerates the stored outputs)
PYTHON ?= python3
# CPU=1: take torch from PyTorch's CPU wheel index (about 200 MB) instead of PyPI, whose
# Linux wheel is the multi-GB CUDA build. For Linux machines without an NVIDIA GPU.
CPU ?=
TORCH_CPU_INDEX := https://download.pytorch.org/whl/cpu
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup book pdf test lab notebooks clean

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(if $(CPU),$(BIN)/python -m pip install --quiet --index-url $(TORCH_CPU_INDEX) "torch==$$(sed -n 's/^torch==//p' requirements.txt)+cpu")
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

# The jupyter-book command and its flags (-W -n --keep-going) are written once, in
# tools/book_build.py, which tests/test_book.py and tests/test_pdf.py use too.
book: $(STAMP)
	$(BIN)/python -m tools.book_build html

# The PDF edition: Jupyter Book's LaTeX builder with xelatex (needs the TeX Live packages in the README).
pdf: $(STAMP)
	$(BIN)/python -m tools.book_build pdf
	mkdir -p _build/html && cp _build/latex/book.pdf _build/html/book.pdf
	@echo "PDF: _build/latex/book.pdf (also copied beside the web edition: _build/html/book.pdf)"

XDIST := -n 2 --dist loadfile

# The whole suite, then every chapter again as if on another x86 CPU (tools/other_cpu.py).
test: $(STAMP)
	$(BIN)/python -m pytest $(XDIST)
	$(BIN)/python -m pytest chapters --other-cpu $(XDIST)

# jupyterlab/overrides.json: quiet defaults (no news pop-up, the kernel starts by itself);
# a reader's own JupyterLab settings still win over them.
lab: $(STAMP)
	$(BIN)/jupyter lab --LabApp.app_settings_dir=$(CURDIR)/jupyterlab chapters/

notebooks: $(STAMP)
	$(BIN)/python tools/run_notebooks.py

clean:
	rm -rf _build

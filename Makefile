# Single entry point for every routine task. `make help` lists the targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.bpkit-installed
EXTRAS := test,browser,postgres,widget
PYTEST_ARGS ?=
# Headless: print the URL instead of opening a browser. As root (containers): jupyter insists on
# being told so.
LAB_FLAGS := $(if $(DISPLAY),,--no-browser) $(if $(filter 0,$(shell id -u)),--allow-root,)

.DEFAULT_GOAL := help
.PHONY: help setup lab lab-solutions test test-unit test-notebooks test-grading test-browser \
        lint format release bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

# The virtual environment is rebuilt when it is missing or older than pyproject.toml.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else \
		"bpkit needs Python >= 3.11 (nbgrader 0.9.6 does); found " + sys.version.split()[0])'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[$(EXTRAS)]"
	touch $(STAMP)

setup: $(STAMP) ## create or refresh .venv from pyproject.toml

lab: setup ## open the course in JupyterLab (prints the URL when there is no display)
	$(BIN)/jupyter lab --notebook-dir=course $(LAB_FLAGS)

lab-solutions: setup ## instructors: open solutions/ in JupyterLab
	$(BIN)/jupyter lab --notebook-dir=. $(LAB_FLAGS)

test: setup ## set everything up and run every test tier
	bash .ci/sysdeps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(BIN)/python -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

test-unit: setup ## only the library's unit tests
	$(BIN)/python -m pytest tests/unit $(PYTEST_ARGS)

test-notebooks: setup ## only the notebook tier (execution, validation, sync, leaks, wrong answers)
	$(BIN)/python -m pytest tests/notebooks $(PYTEST_ARGS)

test-grading: setup ## only the grading pipeline tier
	$(BIN)/python -m pytest tests/grading $(PYTEST_ARGS)

test-browser: setup ## only the JupyterLab-in-Chromium tier
	bash .ci/sysdeps
	$(BIN)/python -m pytest tests/browser $(PYTEST_ARGS)

lint: setup ## ruff check
	$(BIN)/ruff check .

format: setup ## ruff format
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

release: setup ## regenerate course/ from solutions/ with nbgrader
	$(BIN)/python -m bpkit.grading.release

bench: setup ## run the benchmarks and print their figures
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "torch==2.13.0" \
		|| echo "PyTorch not installable here: the PyTorch comparison will be skipped"
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean: ## remove generated files (keeps .venv)
	rm -rf .pytest_cache .ruff_cache test-output gradebook.db submitted autograded feedback

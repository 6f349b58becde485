# The two commands a newcomer runs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast lint docs clean label-studio

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/toolkit demo --out build/demo

lint: $(STAMP)
	$(BIN)/ruff check toolkit tests annotations benchmarks
	$(BIN)/ruff format --check toolkit tests annotations benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

# The documentation site (MkDocs, Material): warnings are errors; the command reference is generated from the CLI.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

# pytest exits 5 when it collects no test; that is not a failure of the build.
test: lint docs
	$(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 0; fi; exit $$rc

# The tests not marked slow (no server, no browser, no whole-corpus training): under two minutes.
test-fast: lint
	$(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

# A local Label Studio for annotators (installs label-studio into ~/.cache/toolkit-ls once).
label-studio: $(STAMP)
	$(BIN)/toolkit ls serve --port $${PORT:-8080}

clean:
	rm -rf build .mypy_cache .pytest_cache .ruff_cache

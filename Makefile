# Two commands on a fresh machine: `make run` (install, translate and align seeds/, open the review app)
# and `make test` (install, run the whole test suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DB ?= cache/bilingual.sqlite3

.PHONY: install run test bench lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# torch first and pinned: the CPU build; an unpinned torch pulls gigabytes of CUDA packages.
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	@$(BIN)/bilingual translate --db $(DB) seeds/*.txt \
	  || echo "bilingual: translation skipped (see the message above); the review app starts anyway."
	@$(BIN)/bilingual align --db $(DB) \
	  || echo "bilingual: alignment skipped (see the message above); the review app starts anyway."
	BILINGUAL_DB=$(DB) $(BIN)/streamlit run app.py

test: install
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/translate_bench.py
	$(BIN)/python bench/align_eval.py
	$(BIN)/python bench/app_open_bench.py
	$(BIN)/python bench/memory_bench.py
	$(BIN)/python bench/factcheck_bench.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache

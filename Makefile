# archgym: `make train` and `make test` set everything up on a fresh machine (Python 3.11, no venv).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# The CPU build of torch is installed first and pinned: a bare `torch` requirement would pull a
# several-GB CUDA build. On a CUDA machine, install the CUDA build of torch in the venv yourself.
TORCH_PIN ?= torch==2.13.0
STAMP  := $(VENV)/.archgym-installed
PYTEST_WORKERS ?= 2

.PHONY: train test lint bench clean help

help:
	@echo "make train   - set up .venv and train a DQN agent on archgym/DigitsMLP-v0 (logs in runs/)"
	@echo "make test    - set up .venv (with test extras) and run the test suite"
	@echo "make lint    - ruff check"
	@echo "make clean   - remove .venv, runs/ and caches"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q "$(TORCH_PIN)"
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $(STAMP)

train: $(STAMP)
	$(BIN)/archgym train --env archgym/DigitsMLP-v0 --agent dqn

test: $(STAMP)
	$(BIN)/python -m pytest -q -n $(PYTEST_WORKERS)

lint: $(STAMP)
	$(BIN)/ruff check archgym tests scripts

clean:
	rm -rf $(VENV) runs .pytest_cache .ruff_cache .hypothesis

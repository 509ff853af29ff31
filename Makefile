# archgym: `make train` and `make test` set everything up on a fresh machine (Python 3.11, no venv).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# The CPU build of torch is installed first and pinned: a bare `torch` requirement would pull a
# several-GB CUDA build. On a CUDA machine, install the CUDA build of torch in the venv yourself.
TORCH_PIN ?= torch==2.13.0
STAMP  := $(VENV)/.archgym-installed
PYTEST_WORKERS ?= 2

LOGDIR ?= runs

.PHONY: train test test-ray test-libs bench gpu-check lint clean help tensorboard list

help:
	@echo "make train   - set up .venv and train a DQN agent on archgym/MNIST1D-v0 (logs in runs/)"
	@echo "make tensorboard - TensorBoard on runs/ (LOGDIR=... for another folder), from .venv"
	@echo "make list    - env ids, agent presets and search strategies (.venv/bin/archgym list)"
	@echo "              (the commands live in .venv/bin: .venv/bin/archgym, or source .venv/bin/activate)"
	@echo "make test    - set up .venv (with test extras) and run the test suite"
	@echo "make test-ray  - RLlib and the Ray search backend, in .venv-ray (its own gymnasium)"
	@echo "make test-libs - TorchRL and Tianshou, in .venv-libs"
	@echo "make bench     - quick env-step and vector-env benchmarks, printed (full runs: scripts/, docs/benchmarks.md)"
	@echo "make lint    - ruff check"
	@echo "make clean   - remove .venv, runs/ and caches"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q "$(TORCH_PIN)"
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $(STAMP)

train: $(STAMP)
	$(BIN)/archgym train --env archgym/MNIST1D-v0 --agent dqn

tensorboard: $(STAMP)
	$(BIN)/tensorboard --logdir $(LOGDIR)

list: $(STAMP)
	$(BIN)/archgym list

# the type checker first (py.typed is shipped; settings in pyproject.toml), then the suite
test: $(STAMP)
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest -q -n $(PYTEST_WORKERS)

# Optional-library venvs reuse .venv's packages (torch, SB3, archgym) through a .pth file and add
# only their library (no second torch); .venv-ray's own gymnasium (RLlib pins one) shadows .venv's.
RAY_VENV  ?= .venv-ray
LIBS_VENV ?= .venv-libs
PURELIB := import sysconfig; print(sysconfig.get_paths()["purelib"])
define shared_venv
	test -x $(1)/bin/python || $(PYTHON) -m venv $(1)
	echo "import site; site.addsitedir('$$($(BIN)/python -c '$(PURELIB)')')" > "$$($(1)/bin/python -c '$(PURELIB)')/_archgym_base.pth"
endef

$(RAY_VENV)/.archgym-installed: $(STAMP)
	$(call shared_venv,$(RAY_VENV))
	$(RAY_VENV)/bin/python -m pip install -q "ray[rllib]>=2.60"
	touch $@

$(LIBS_VENV)/.archgym-installed: $(STAMP)
	$(call shared_venv,$(LIBS_VENV))
	$(LIBS_VENV)/bin/python -m pip install -q "torchrl>=0.14" "tensordict>=0.14" "tianshou>=2.0"
	touch $@

test-ray: $(RAY_VENV)/.archgym-installed
	ARCHGYM_REQUIRE_INTEGRATIONS=1 $(RAY_VENV)/bin/python -m pytest -q -p no:cacheprovider tests/test_ray.py \
		tests/test_tables.py::test_ray_backend_builds_the_same_table

test-libs: $(LIBS_VENV)/.archgym-installed
	ARCHGYM_REQUIRE_INTEGRATIONS=1 $(LIBS_VENV)/bin/python -m pytest -q -p no:cacheprovider tests/test_integrations.py

bench: $(STAMP)
	$(BIN)/python scripts/bench_env.py --quick --no-doc
	$(BIN)/python scripts/bench_vec.py --quick --no-doc

# On a CUDA machine, with a CUDA build of torch in the venv: CUDA tests and GPU benchmark numbers.
gpu-check: $(STAMP)
	OUT=gpu_out PY=$(BIN)/python bash scripts/gpu_check.sh

lint: $(STAMP)
	$(BIN)/ruff check archgym tests scripts
	$(BIN)/python -m mypy

clean:
	rm -rf $(VENV) $(RAY_VENV) $(LIBS_VENV) runs .pytest_cache .ruff_cache .hypothesis

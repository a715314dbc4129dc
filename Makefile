# guidebot: `make run` and `make test` set everything up when needed (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
RASA_VENV := .venv-rasa
BIN := $(VENV)/bin
GUIDEBOT := $(BIN)/guidebot
SHARED ?= $(abspath ../shared)
GDZWFW_EXPORT ?= $(SHARED)/datasets/gdzwfw-items/items.jsonl
PYTEST_ARGS ?=

export RASA_TELEMETRY_ENABLED := false
# With DIET's random_seed this makes training reproducible: the same data gives the same model
# (TensorFlow's parallel reductions otherwise vary run to run on CPU; measured here at no cost in time).
export TF_DETERMINISTIC_OPS := 1
# Deterministic ops alone were not enough here: two trainings of the same data still differed.
# One TensorFlow thread and a fixed hash seed (set iteration order) gave identical predictions and
# confidences on all 364 held-out messages from two fresh NLU trainings. They apply to training
# only, so the server keeps both cores.
REPRODUCIBLE := TF_INTER_OP_PARALLELISM_THREADS=1 TF_INTRA_OP_PARALLELISM_THREADS=1 PYTHONHASHSEED=0
export PYTHON

.PHONY: help setup run shell test eval bench db catalogue demo model widget browser lock clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# Stamps make a second run with nothing changed a no-op (seconds).
$(VENV)/.stamp: requirements/app.lock pyproject.toml scripts/setup-venv.sh
	scripts/setup-venv.sh
	@touch $@

$(RASA_VENV)/.stamp: requirements/rasa.lock scripts/setup-rasa-venv.sh scripts/find-python310.sh
	scripts/setup-rasa-venv.sh
	@touch $@

WIDGET_JS := web_widget/dist/guidebot-widget.js

web_widget/node_modules/.stamp: web_widget/package.json web_widget/package-lock.json
	cd web_widget && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(WIDGET_JS): web_widget/node_modules/.stamp $(wildcard web_widget/src/*)
	cd web_widget && npm run --silent build
	@gzip -9 -c $@ | wc -c | awk '{printf "widget bundle: %.1f KB gzipped (socket.io client included)\n", $$1 / 1024}'

setup: $(VENV)/.stamp $(RASA_VENV)/.stamp $(WIDGET_JS)  ## Create both environments and build the widget (idempotent)

widget: $(WIDGET_JS)  ## Build the chat widget bundle (web_widget/dist)

browser:  ## Install Debian's Chromium for the browser tests when it is missing
	@scripts/ensure-chromium.sh

db: $(VENV)/.stamp  ## Create or upgrade the database schema
	@$(GUIDEBOT) db upgrade

catalogue: db  ## Load the default catalogue (idempotent) and regenerate the shared vocabulary
	@$(GUIDEBOT) import guides/catalogue
	@$(GUIDEBOT) vocab export

demo: catalogue  ## Load the demo applications (示例数据, idempotent)
	@$(GUIDEBOT) demo load

RASA := $(RASA_VENV)/bin/rasa
RASA_ARGS := --domain bot/domain.yml --config config.yml
RASA_DATA := nlu_data/train bot/rules.yml bot/stories.yml

model: setup catalogue  ## Train the Rasa model when its data changed (Rasa reuses an unchanged model)
	$(REPRODUCIBLE) $(RASA) train $(RASA_ARGS) --data $(RASA_DATA) --out models --fixed-model-name guidebot

run: model demo  ## Set up, load the catalogue, train if needed, and start the assistant
	@$(BIN)/python -m guidebot.serve

shell: model demo  ## Chat with the assistant in the terminal
	@$(BIN)/python -m guidebot.serve --shell

test: setup model browser  ## Run every test (SQLite, PostgreSQL, Rasa data and conversations, the widget in Chromium)
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	cd web_widget && npm test --silent

eval: model demo  ## Print search, NLU and end-to-end accuracy figures on the held-out sets
	$(BIN)/python eval/search_eval.py --failures 5
	$(BIN)/python eval/train_rank_model.py
	$(BIN)/python eval/train_answer_model.py
	$(BIN)/python eval/missing_examples_eval.py
	$(RASA_VENV)/bin/python eval/nlu_eval.py --model models/guidebot.tar.gz
	$(BIN)/python eval/e2e_eval.py

bench: model demo browser  ## Search latency/memory vs a BM25 baseline; time to first reply in the browser (not tests)
	$(BIN)/python bench/search_bench.py
	$(BIN)/python bench/widget_bench.py

lock:  ## Re-resolve requirements/*.in into the lock files (needs the package registry)
	scripts/lock.sh

clean:  ## Remove environments and local data
	rm -rf $(VENV) $(RASA_VENV) var .pytest_cache

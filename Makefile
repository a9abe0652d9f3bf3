# Two commands do all the set-up on a fresh machine:
#   make app    - create .venv, install pinned dependencies, open the app on the demo corpus
#   make test   - create .venv, install pinned dependencies and Chromium, run the test suite
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
PYTEST_ARGS ?=
# pytest-xdist: one worker per core (at most 4: each loads the embedding model); a test file stays on one
# worker, so module fixtures (the app server, the browser, the shared analysis) start once
XDIST ?= -n auto --maxprocesses 4 --dist loadfile

.PHONY: app test lint install chromium bench screenshots clean

install: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

app: $(STAMP)
	$(BIN)/framing app

chromium:
	@test -x /usr/bin/chromium || ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null)
	@# fonts for Urdu (Arabic script) and Hindi (Devanagari) text in the browser tests and screenshots
	@test -d /usr/share/fonts/truetype/noto || ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq fonts-noto-core >/dev/null)

lint: $(STAMP)
	$(BIN)/ruff check framing tests bench notebooks

test: $(STAMP) chromium lint
	$(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS)

screenshots: $(STAMP) chromium
	FRAMING_UPDATE_SCREENSHOTS=1 $(BIN)/python -m pytest tests/test_app_browser.py -q

bench: $(STAMP)
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache build dist *.egg-info

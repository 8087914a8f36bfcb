# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck layers pytest bench clean chromium wrk

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/steward lint examples/outserve/fixed
	$(BIN)/steward build examples/outserve/fixed --out build/outserve
	@echo "The seed policy as declared in 2018, and what lint finds wrong with it today:"
	-$(BIN)/steward lint examples/outserve
	@echo
	@echo "Compiled outputs for Outserve are in build/outserve/: privacy-notice.html, cookie-notice.html,"
	@echo "ropa.csv/.xlsx/.json (Art. 30 record), data-audit.html and promise-matrix.html."
	@echo
	@echo "Two data-subject requests across the Outserve estate (PostgreSQL CRM, MariaDB HR,"
	@echo "SQLite tickets, CSV visitor log, HubSpot/Zendesk/Mailchimp contract servers):"
	$(BIN)/python -m examples.outserve.demo_request --out build/demo --people 500
	@echo
	@echo "The web: the privacy centre, the staff console and a company page with the cookie banner"
	@echo "(Ctrl-C stops them):"
	$(BIN)/python -m examples.outserve.demo_web --data build/demo/steward

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy --strict steward

layers: $(STAMP)
	$(BIN)/lint-imports --no-cache

# The layout test drives the machine's own Chromium (never a downloaded browser); under CI=true
# it fails when Chromium is missing, so CI runs `make chromium` first. Idempotent.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	fi

pytest: $(STAMP) $(if $(filter true,$(CI)),chromium)
	$(BIN)/pytest

test: lint typecheck layers pytest

# The web benchmark (benchmarks/bench_web.py) loads the server with wrk; it fails when wrk is
# missing. Idempotent.
wrk:
	@if ! command -v wrk >/dev/null; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y wrk; \
	fi

bench: $(STAMP) wrk
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) build .mypy_cache .pytest_cache .ruff_cache

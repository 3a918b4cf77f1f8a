# Two commands on a fresh machine: `make run` and `make test`. Each sets up .venv when needed.
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8501
# Loopback only by default: the app has no login. `make run HOST=0.0.0.0` listens on every
# interface (put it behind a reverse proxy with TLS and authentication: README, "Serving").
HOST   ?= 127.0.0.1

.PHONY: run test lint bench bench-peers setup chromium postgresql screenshots loadtest

setup: $(STAMP)

# The browser tests drive Debian's Chromium (never a downloaded one). Installed here when missing:
# as root with apt-get, otherwise a message says how.
chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian's chromium for the browser tests…"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
		echo "The browser tests need Chromium at /usr/bin/chromium:"; \
		echo "  sudo apt-get install chromium    (then run make test again)"; exit 1; \
	fi

# The progress tests also run against a real PostgreSQL, which they start themselves from
# Debian's binaries (tests/postgres.py); installed here when missing, like Chromium.
postgresql:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian's postgresql for the progress tests…"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; \
	else \
		echo "The progress tests need PostgreSQL's server binaries:"; \
		echo "  sudo apt-get install postgresql    (then run make test again)"; exit 1; \
	fi

# torch first, pinned: an unpinned torch (pulled in by sentence-transformers) would be a multi-GB
# CUDA build; 2.13.0 is a CPU build installed from local disk.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/explorer build
	$(BIN)/streamlit run streamlit_app.py --server.address $(HOST) --server.port $(PORT) --server.headless true \
		--browser.gatherUsageStats false

test: $(STAMP) lint chromium postgresql
	$(BIN)/lint-imports
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check explorer tests streamlit_app.py

bench: $(STAMP)
	$(BIN)/explorer bench

# This app beside the two usual Streamlit graph apps, in the shared harness (../shared/peers).
bench-peers: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[bench]'
	$(BIN)/explorer bench --peers

# Many users at once (docs/DEPLOY.md): SESSIONS browser contexts against one server for SECONDS;
# PROGRESS_URL=postgresql://… keeps their progress in PostgreSQL. Exits 1 unless it held.
SESSIONS ?= 20
SECONDS  ?= 60
loadtest: $(STAMP) chromium
	$(BIN)/explorer loadtest --sessions $(SESSIONS) --seconds $(SECONDS) --json \
		$(if $(PROGRESS_URL),--progress-url $(PROGRESS_URL))

# The README's screenshots (focus view, whole map, phone, dark), taken from the running app.
screenshots: $(STAMP) chromium
	$(BIN)/python -m explorer.bench.screenshots docs/img

# The two commands of README: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
CHROMIUM := /usr/bin/chromium
NGINX := /usr/sbin/nginx
PORT ?= 8501
PUBLIC_PORT ?= 8080
PUBLIC_DIR ?= .serve/public
# Streamlit alone listens on every interface; the newsroom machine serves itself unless told.
ADDRESS ?= 127.0.0.1

.PHONY: run test lint bench data chromium nginx serve-public clean

$(VENV)/.run-installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@ $(VENV)/.run-installed

run: $(VENV)/.run-installed
	$(PY) -m streamlit run dashboard/app/main.py --server.port $(PORT) --server.address $(ADDRESS)

# Debian's Chromium drives the browser tests and kaleido's exports (no browser download).
chromium:
	@if [ -x $(CHROMIUM) ]; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "installing Debian's chromium and fonts with apt-get"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			chromium fonts-dejavu-core fonts-liberation >/dev/null; \
	else \
		echo "Chromium is missing: run 'sudo apt-get install -y chromium fonts-dejavu-core fonts-liberation'"; \
		exit 1; \
	fi

# Debian's nginx serves the public site (make serve-public, the tests, the benchmarks).
nginx:
	@if [ -x $(NGINX) ]; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "installing Debian's nginx-light with apt-get"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			nginx-light >/dev/null; \
	else \
		echo "nginx is missing: run 'sudo apt-get install -y nginx-light'"; \
		exit 1; \
	fi

# The public edition on http://127.0.0.1:$(PUBLIC_PORT): publish the store, then nginx in the
# foreground (generated config under .serve/, no system service). Ctrl-C stops it.
serve-public: $(VENV)/.run-installed nginx
	$(PY) -m dashboard publish --out $(PUBLIC_DIR)
	$(PY) -m dashboard.public.nginx --site $(PUBLIC_DIR)/current --prefix .serve/nginx \
		--port $(PUBLIC_PORT)

lint: $(VENV)/.test-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

# The tests run first and in parallel; lint runs after them even when they fail, so a style
# slip never hides a test result (and the target still fails on either).
test: $(VENV)/.test-installed chromium nginx
	@status=0; $(PY) -m pytest -q -n auto || status=$$?; \
	$(MAKE) --no-print-directory lint || status=$$((status ? status : 1)); exit $$status

bench: $(VENV)/.test-installed chromium nginx
	for b in bench/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

data: $(VENV)/.run-installed
	for id in $$($(PY) -c "from dashboard import settings; print(*settings.election_ids())"); do \
		$(PY) -m dashboard data build --election $$id || exit 1; \
	done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .serve

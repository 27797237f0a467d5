# One entry point for every routine task; CI (.ci/run) calls `make test`.
# First use of any target creates .venv/ and installs the hash-pinned requirements.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml 2>/dev/null | cksum | cut -d' ' -f1)
SITE   := site
OFFLINE_SITE := site-offline
OFFLINE_ZIP  := dist/healthwise-osh-offline.zip

# Material's end-of-life notice on every build; real warnings still show.
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1
# jieba imports the deprecated pkg_resources; its warning is noise for editors.
export PYTHONWARNINGS := ignore:pkg_resources is deprecated:DeprecationWarning

.PHONY: help serve build test lint links parity new browser-deps offline lock clean

help:
	@echo "make serve   - preview both languages at http://127.0.0.1:8000/ with live reload"
	@echo "make serve LANG=zh - preview one language (zh or en): faster live reload"
	@echo "make build   - strict build of the static site into $(SITE)/"
	@echo "make test    - every test: lint, build, link check, unit and browser tests"
	@echo "make lint    - content checks (translation parity and content linters)"
	@echo "make offline - offline edition of both languages (opens from file://) in $(OFFLINE_ZIP)"
	@echo "make new PAGE=fact-sheets/my-page - create a page in both languages and add it to the navigation"

# The hash-pinned dependencies first, then the project itself (the `hwsite` package with the
# build plugin) as an editable install: no download, no dependency resolution of its own.
$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation --editable .
	@rm -f $(VENV)/.installed-*
	@touch $@

# `make serve LANG=zh` (or LANG=en) previews one language: a save shows sooner because the
# other language's pages are not rebuilt. Without LANG both languages are served.
PREVIEW_LANGUAGE := $(if $(filter command line,$(origin LANG)),$(LANG),)
serve: $(STAMP)
	HWSITE_PREVIEW_LANGUAGE=$(PREVIEW_LANGUAGE) LANG=C.UTF-8 \
	  $(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000 --watch overrides --watch scripts/data

build: $(STAMP)
	$(BIN)/mkdocs build --strict --site-dir $(SITE)

# Both builds as readers get them: the site (both languages, 404 and offline pages)
# and the offline edition.
links: build offline
	$(BIN)/python scripts/check_links.py $(SITE)
	$(BIN)/python scripts/check_links.py $(OFFLINE_SITE)

parity: $(STAMP)
	$(BIN)/python scripts/check_parity.py

# Every checker runs and prints all its findings; the worst exit code decides (2 bad input,
# 1 findings, 0 clean), so one broken file or a parity error never hides the rest.
lint: $(STAMP)
	@worst=0; \
	for check in scripts/check_parity.py scripts/lint_content.py; do \
	  echo "$(BIN)/python $$check"; $(BIN)/python $$check; rc=$$?; [ $$rc -gt $$worst ] && worst=$$rc; \
	done; exit $$worst

new: $(STAMP)
	@test -n "$(PAGE)" || { echo "usage: make new PAGE=section/page-name (e.g. fact-sheets/needlestick-response)"; exit 2; }
	$(BIN)/python scripts/new_page.py $(PAGE)

# Debian's chromium for the browser tests (test tools cannot download their own browser
# here), and a Chinese font: Noto Sans CJK SC, which Android phones ship and site.css names.
# Without any Chinese font Chromium draws boxes and searches every installed font for each
# Chinese character, which made the Chinese pages' layout, and their Lighthouse runs, slower
# than on any phone (bench/REPORT.md).
browser-deps:
	@{ command -v chromium >/dev/null 2>&1 && fc-list :lang=zh 2>/dev/null | grep -q .; } || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    $$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

# The offline edition: works from file:// (search included), no service worker.
offline: $(STAMP)
	OFFLINE=true $(BIN)/mkdocs build --strict --site-dir $(OFFLINE_SITE)
	$(BIN)/python scripts/zip_site.py $(OFFLINE_SITE) $(OFFLINE_ZIP) --exclude '*.map'

# pytest on two processes (pytest-xdist; CI has 2 cores): each builds the real site once
# for its share of the tests, and the browser tests, most of the time, wait on Chromium.
test: $(STAMP) browser-deps lint links
	$(BIN)/python -m pytest -q -n 2

lock:
	$(BIN)/python -m pip install --quiet "pip-tools==7.6.2"
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	  --no-emit-index-url --no-emit-find-links -o requirements.txt requirements.in

clean:
	rm -rf $(SITE) $(OFFLINE_SITE) dist .cache .pytest_cache

# Benchmarks (about 35 minutes on 2 cores): build cost against plain Material +
# static-i18n, live reload, link checker against peers (installed into the git-ignored
# bench/tools/), checkers, and what readers download. Writes bench/REPORT.md and
# bench/results.json. `$(BIN)/python -m bench.bench --quick` for a short trial run.
.PHONY: bench
bench: $(STAMP) browser-deps
	$(BIN)/python -m bench.bench

# The two commands in the README: `make build` and `make test`. Both work on a fresh Debian/Ubuntu
# machine: they install WeasyPrint's system libraries (Pango) with apt-get when they are missing.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# constraints.txt pins every package that make installs to the versions `make test` passed with,
# so that a fresh clone builds and tests with the same ones. It goes through the environment so
# that it also holds inside pip's isolated build environment (hatchling). See `make constraints`.
PIP_INSTALL := PIP_CONSTRAINT=$(CURDIR)/constraints.txt $(BIN)/pip install --quiet
UV := $(BIN)/uv
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# WeasyPrint needs Pango (with HarfBuzz, FreeType and fontconfig); HarfBuzz-Subset makes it
# embed font subsets quickly (without it, WeasyPrint falls back to the much slower fontTools).
DEBIAN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1
SONAMES := libpango-1.0.so.0 libpangoft2-1.0.so.0 libharfbuzz-subset.so.0

.PHONY: build test test-env test-lowest lowest-job constraints system-deps test-system-deps fonts clean

build: system-deps $(BIN)/python
	$(PIP_INSTALL) .
	$(BIN)/handbill build --out dist
	$(BIN)/handbill site --out dist

test: test-env
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/bandit -q -c pyproject.toml -r src
	$(BIN)/lint-imports
	$(BIN)/pytest
	@$(MAKE) --no-print-directory lowest-job

test-env: system-deps test-system-deps $(BIN)/python
	$(PIP_INSTALL) -e ".[test]"

# The lowest-versions job: every lower bound in pyproject.toml is a version that has been built
# and tested, not a guess. .venv-lowest holds handbill installed with the lowest version of each
# direct dependency that pyproject.toml allows (uv's --resolution lowest-direct), on the lowest
# Python it allows where this machine has one. The job lints with the lowest linters, builds and
# checks the example kit, and runs the tests that guard the bounds raised so far; `make test` runs
# it after the main run, `make test-lowest` alone. The environment is made anew only when
# pyproject.toml has changed since it was made (a stamp file holds the copy it was made from).
LOWEST_VENV := .venv-lowest
LOWEST := $(LOWEST_VENV)/bin
LOWEST_STAMP := $(LOWEST_VENV)/made-from-pyproject.toml
# requires-python's 3.10, on PATH or kept by pyenv (whose shim fails for a version not selected);
# where there is none, the bounds are tried on $(PYTHON) instead.
PYTHON_310 := python3.10 $(HOME)/.pyenv/versions/3.10*/bin/python3.10
LOWEST_PYTHON ?= $(or $(firstword $(shell for p in $(PYTHON_310); do \
	"$$p" -c "" 2>/dev/null && command -v "$$p"; done)),$(PYTHON))
# What each test guards: the CLI's messages (click), handbill's speed-ups giving plain WeasyPrint's
# bytes (weasyprint), home sheets' pixels (pypdfium2), the wheel (hatchling), merged letters' and
# Urdu text read back (pypdf).
LOWEST_TESTS := tests/test_cli.py tests/test_linecache.py tests/test_incremental.py \
	tests/test_packaging.py tests/test_merge.py tests/test_plainobjects.py \
	tests/test_languages.py::test_urdu_pdf_text_is_urdu_and_keeps_names_and_addresses

test-lowest: test-env
	@$(MAKE) --no-print-directory lowest-job

lowest-job: $(LOWEST_STAMP)
	@echo "Lowest versions on $$($(LOWEST)/python --version):" $$($(UV) pip freeze --quiet \
		--python $(LOWEST)/python --exclude-editable | grep -iE '^(weasyprint|pypdf|click)==')
	$(LOWEST)/ruff check -q src tests bench
	$(LOWEST)/ruff format -q --check src tests bench
	$(LOWEST)/bandit -q -c pyproject.toml -r src
# The lowest mypy reads .venv's pinned libraries: the lowest Pillow and zxing-cpp carry no types.
	$(LOWEST)/mypy --python-executable $(BIN)/python --cache-dir $(LOWEST_VENV)/mypy-cache
	out=$$(mktemp -d) && trap 'rm -rf "$$out"' EXIT && \
		$(LOWEST)/handbill build --out "$$out" && $(LOWEST)/handbill check --out "$$out"
	$(LOWEST)/pytest -q -p no:cacheprovider $(LOWEST_TESTS)

# --seed puts pip in the environment: test_packaging builds the wheel with `python -m pip wheel`.
# UV_PYTHON_DOWNLOADS=never: uv must use a Python of this machine, never fetch one.
$(LOWEST_STAMP): pyproject.toml | $(UV)
	rm -rf $(LOWEST_VENV)
	UV_PYTHON_DOWNLOADS=never $(UV) venv --quiet --seed --python $(LOWEST_PYTHON) $(LOWEST_VENV)
	$(UV) pip install --quiet --python $(LOWEST)/python --resolution lowest-direct -e ".[test]"
	cp pyproject.toml $@

# uv, at the version constraints.txt pins, makes the lowest environment and constraints.txt.
$(UV): constraints.txt | $(BIN)/python
	$(PIP_INSTALL) uv
	touch $@

# Writes constraints.txt from what .venv holds now: the exact versions of handbill's dependencies,
# its test extras and uv (uv works out which installed packages those are). Run it after upgrading
# .venv (e.g. `.venv/bin/pip install -U -e ".[test]" uv`) and a passing `make test`, then commit it.
constraints: $(UV)
	$(UV) pip freeze --python $(BIN)/python --exclude-editable > $(VENV)/installed.txt
	{ printf '%s\n' \
	    "# The exact versions that make test passed with on $$($(BIN)/python --version), for" \
	    "# the dependencies of handbill, of its test extras and uv. make build and make test" \
	    "# install with them as pip constraints, so a fresh clone gets the versions tested." \
	    "# Regenerate with make constraints after upgrading .venv (see the Makefile)."; \
	  echo uv | $(UV) pip compile --quiet --python $(BIN)/python --no-header --no-annotate \
	    --extra test -c $(VENV)/installed.txt pyproject.toml -; } > constraints.txt.new
	mv constraints.txt.new constraints.txt

system-deps:
	@missing=0; for lib in $(SONAMES); do ldconfig -p | grep -q "$$lib" || missing=1; done; \
	if [ $$missing = 1 ]; then \
		echo "Installing WeasyPrint's system libraries: $(DEBIAN_PACKAGES)"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $(DEBIAN_PACKAGES); \
	fi

# The browser tests drive Debian's Chromium with Playwright (which never downloads a browser);
# the text tests read PDFs back with poppler's pdftotext and pdftoppm (poppler-utils); the press
# tests measure ink with Ghostscript's inkcov and tiff32nc devices (a test tool only: handbill
# itself never runs Ghostscript).
TEST_PACKAGES := chromium poppler-utils ghostscript
test-system-deps:
	@if ! [ -x /usr/bin/chromium ] || ! [ -x /usr/bin/pdftotext ] || ! [ -x /usr/bin/gs ]; then \
		echo "Installing Debian's $(TEST_PACKAGES) for the tests"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(TEST_PACKAGES); \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The bundled Atkinson Hyperlegible faces with a plain zero in place of the slashed one
# (tools/plain_zero.py); a face whose zero is plain already is left as it is.
fonts: $(BIN)/python
	$(BIN)/python tools/plain_zero.py assets/fonts/atkinson-hyperlegible*/*.ttf

clean:
	rm -rf $(VENV) $(LOWEST_VENV) dist build .pytest_cache .mypy_cache .ruff_cache

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

.PHONY: build test constraints system-deps test-system-deps clean

build: system-deps $(BIN)/python
	$(PIP_INSTALL) .
	$(BIN)/handbill build --out dist
	$(BIN)/handbill site --out dist

test: system-deps test-system-deps $(BIN)/python
	$(PIP_INSTALL) -e ".[test]"
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/bandit -q -c pyproject.toml -r src
	$(BIN)/pytest

# uv, at the version constraints.txt pins, works out constraints.txt.
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
# the text tests read PDFs back with poppler's pdftotext and pdftoppm (poppler-utils).
TEST_PACKAGES := chromium poppler-utils
test-system-deps:
	@if ! [ -x /usr/bin/chromium ] || ! [ -x /usr/bin/pdftotext ]; then \
		echo "Installing Debian's $(TEST_PACKAGES) for the tests"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(TEST_PACKAGES); \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

clean:
	rm -rf $(VENV) dist build .pytest_cache .mypy_cache .ruff_cache

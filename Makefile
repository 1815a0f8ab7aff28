# Makefile — the two set-up commands (make run, make test) and the developer targets.
# Each target installs the Debian packages it needs first, so a fresh Debian 12 machine works.
# (chromium: test_sfns_catalog renders the catalog report in headless Chromium.)
BUILD    ?= build
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEPS     := cmake make gcc g++ pkg-config libuv1-dev libhttp-parser-dev libcjson-dev \
            libmbedtls-dev libcurl4-openssl-dev libcmocka-dev libdouble-conversion-dev zlib1g-dev \
            libglib2.0-dev tzdata libcsv-dev libzip-dev jq \
            nginx-light openssl iso-codes chromium
FUZZDEPS := clang libclang-rt-14-dev
CMAKE_FLAGS ?=

.PHONY: all deps build run test fuzz soak bench format clean

all: build

# Install whatever Debian package is missing (apt-get update only when something is).
deps:
	@missing=""; for p in $(DEPS) $(EXTRA_DEPS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make: installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j$(JOBS)

# Serve on the embedded default: 127.0.0.1:8080, every module of hooks/ (build/modules/).
run: build
	./$(BUILD)/hookstack serve

# Every test, plain and under ASan+UBSan, through ctest; ends with ctest's summary.
test: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS) --timeout 900

fuzz:
	$(MAKE) deps EXTRA_DEPS="$(FUZZDEPS)"
	./tests/fuzz/run.sh $(FUZZ_SECONDS)

# 100,000 calls (SOAK_CALLS) through one runner under ASan+UBSan, with module reloads: zero
# errors, zero leaks (tests/soak/run.sh).
soak: build
	BUILD=$(BUILD) ./tests/soak/run.sh

format:
	clang-format -i runner/*.c runner/*.h include/*.h tests/*/*.c tests/*/*.h \
	  $$(find hooks examples/hooks lib tests/modules -name '*.[ch]' 2>/dev/null) 2>/dev/null || true

clean:
	rm -rf $(BUILD)

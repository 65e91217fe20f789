# mamori — build, run and test. See README.md.
#   make          build/mamori (optimised, -Werror) and the web UI
#   make run      install what is missing, build, serve on http://127.0.0.1:8080 with ./var
#   make check    ASan/UBSan build, unit + API (SQLite, PostgreSQL) + browser tests
#   make bench    benchmarks in bench/, as ratios against their baselines

CC      ?= cc
PKGS    := libmicrohttpd jansson sqlite3 libsodium liboath libqrencode libpq xlsxwriter libcmark libcurl libmagic
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter -Wno-missing-field-initializers -Wformat=2 -Wvla
CFLAGS_COMMON := -std=c11 -D_GNU_SOURCE -Isrc -Ibuild/gen $(WARN) $(PKG_CFLAGS) -MMD -MP
CFLAGS_REL  := $(CFLAGS_COMMON) -O2 -g -fstack-protector-strong -D_FORTIFY_SOURCE=2
CFLAGS_SAN  := $(CFLAGS_COMMON) -DMAMORI_FAULTS -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
LDLIBS  := $(PKG_LIBS) -lpthread -lm

SRC      := $(shell find src -name '*.c' | sort)
MIGR     := $(shell find src -path '*/migrations/*.sql' | sort)
GEN      := build/gen/migrations.c
OBJ_REL  := $(patsubst src/%.c,build/obj/%.o,$(SRC)) build/obj/gen/migrations.o
OBJ_SAN  := $(patsubst src/%.c,build/san/obj/%.o,$(SRC)) build/san/obj/gen/migrations.o
LIB_SAN  := $(filter-out build/san/obj/main.o,$(OBJ_SAN))
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,build/san/tests/%,$(UNIT_SRC))

.PHONY: all run check unit api e2e bench clean format format-check lint web deps fuzz fuzz-build screenshots
all: build/mamori web

build/gen/migrations.c: $(MIGR) scripts/embed.sh
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	@scripts/embed.sh migrations $@ $(MIGR)

build/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(dir $@)
	@$(CC) $(CFLAGS_REL) -Isrc/store -c $< -o $@
build/san/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(dir $@)
	@$(CC) $(CFLAGS_SAN) -Isrc/store -c $< -o $@

build/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS_REL) -c $< -o $@
build/san/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "  CC san  $<"
	@$(CC) $(CFLAGS_SAN) -c $< -o $@

build/mamori: $(OBJ_REL)
	@echo "  LINK    $@"
	@$(CC) $(CFLAGS_REL) -o $@ $^ $(LDLIBS)
build/san/mamori: $(OBJ_SAN)
	@echo "  LINK    $@"
	@$(CC) $(CFLAGS_SAN) -o $@ $^ $(LDLIBS)

build/san/tests/%: tests/unit/%.c $(LIB_SAN)
	@mkdir -p $(dir $@)
	@echo "  TEST    $<"
	@$(CC) $(CFLAGS_SAN) -Itests/unit -o $@ $< $(LIB_SAN) $(LDLIBS) -lcmocka

# libFuzzer targets (clang): every parser of outside input. `make fuzz` runs each for
# FUZZ_SECONDS (default 60); `make check` runs each for 30 s on tests/fuzz/corpus/.
FUZZ_CC      := clang
CFLAGS_FUZZ  := $(filter-out -Wformat=2,$(CFLAGS_COMMON)) -O1 -g -fsanitize=fuzzer-no-link,address,undefined
OBJ_FUZZ     := $(filter-out build/fuzz/obj/main.o,$(patsubst src/%.c,build/fuzz/obj/%.o,$(SRC))) build/fuzz/obj/gen/migrations.o
FUZZ_SRC     := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN     := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(FUZZ_SRC))
build/fuzz/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(dir $@)
	@$(FUZZ_CC) $(CFLAGS_FUZZ) -Isrc/store -c $< -o $@
build/fuzz/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "  CC fuzz $<"
	@$(FUZZ_CC) $(CFLAGS_FUZZ) -c $< -o $@
build/fuzz/%: tests/fuzz/%.c $(OBJ_FUZZ)
	@echo "  FUZZ    $@"
	@$(FUZZ_CC) $(CFLAGS_FUZZ) -fsanitize=fuzzer -o $@ $< $(OBJ_FUZZ) $(LDLIBS)
fuzz-build: $(FUZZ_BIN)
fuzz: fuzz-build
	scripts/fuzz.sh $${FUZZ_SECONDS:-60}

web:
	@if [ -f web/package.json ]; then scripts/build-web.sh; fi

deps:
	scripts/deps.sh

run:
	scripts/deps.sh run
	$(MAKE) all
	scripts/run.sh

check:
	scripts/deps.sh check
	$(MAKE) build/san/mamori $(UNIT_BIN) build/mamori web fuzz-build
	scripts/check.sh

bench:
	scripts/deps.sh check
	$(MAKE) all
	scripts/bench.sh

C_FILES = $(SRC) $(shell find src tests/unit tests/fuzz -name '*.h') $(UNIT_SRC) $(wildcard tests/fuzz/*.c)
format:
	clang-format -i $(C_FILES)
# The house style, checked (make check runs it): prints the files that differ.
format-check:
	@clang-format --dry-run --Werror $(C_FILES) 2>&1 | grep -o '^[^:]*\.[ch]' | sort -u | sed 's/^/  not formatted: /'; \
	clang-format --dry-run --Werror $(C_FILES) >/dev/null 2>&1

lint:
	cppcheck --quiet --enable=warning,performance,portability --error-exitcode=1 --include=scripts/cppcheck.h -Isrc -Ibuild/gen src

# The browser journeys' screenshots (build/screenshots) into docs/screenshots for the README.
screenshots: build/mamori web
	tests/e2e/run.sh
	mkdir -p docs/screenshots && cp build/screenshots/*.png docs/screenshots/

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)

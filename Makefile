# ohm - build, test, demo, install. Plain make, no configure step.
#
#   make               library, examples and tests (all variants)
#   make test          every test under ASan+UBSan with gcc and with clang,
#                      the core suite again under valgrind, then the fuzzers
#                      for a short bounded time
#   make demo          the relocation demo and the terminal-page demo
#   make bench         the benchmark against peer maps (bench/README.md)
#   make fuzz          each fuzzer for FUZZ_SECONDS (default 600)
#   make install PREFIX=/usr/local
#   make clean

PREFIX ?= /usr/local
BUILD  := build
WARN   := -std=c11 -Wall -Wextra -Werror -pedantic -Wshadow
INC    := -Iinclude
HDRS   := include/ohm.h include/ohm_map.h
SAN    := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

# Test programs: every tests/test_*.c, each built in every variant.
TESTS    := $(patsubst tests/%.c,%,$(wildcard tests/test_*.c))
# Extra sources a test links (same variant flags): NAME_SRCS := files.
test_simd_SRCS := tests/simd_swar.c
# The core suite run under valgrind (slow ones scaled down).
CORE_TESTS := $(filter-out test_fork% test_stress%,$(TESTS))

# Variants: compiler and flags.
CC_gcc   := gcc
CC_clang := clang
CC_vg    := gcc
FLAGS_gcc   := -O1 -g $(SAN)
FLAGS_clang := -O1 -g $(SAN)
FLAGS_vg    := -O1 -g
VARIANTS := gcc clang vg

EXAMPLES := $(patsubst examples/%.c,%,$(wildcard examples/*.c))

.PHONY: all lib tests examples test test-gcc test-clang test-vg test-examples test-install test-compile-fail demo bench fuzz fuzz-short install clean

all: lib examples tests

lib: $(BUILD)/libohm.a

$(BUILD)/libohm.a: src/ohm.c $(HDRS)
	@mkdir -p $(BUILD)/obj
	$(CC) $(WARN) -O2 $(INC) -c src/ohm.c -o $(BUILD)/obj/ohm.o
	ar rcs $@ $(BUILD)/obj/ohm.o

# --- tests, one set of rules per variant -------------------------------
define VARIANT_RULES
$(BUILD)/$(1)/ohm.o: src/ohm.c $(HDRS)
	@mkdir -p $(BUILD)/$(1)
	$(CC_$(1)) $(WARN) $(FLAGS_$(1)) $(INC) -c $$< -o $$@

$(BUILD)/$(1)/%: tests/%.c $(HDRS) $(wildcard tests/*.h) $(BUILD)/$(1)/ohm.o
	@mkdir -p $(BUILD)/$(1)
	$(CC_$(1)) $(WARN) $(FLAGS_$(1)) $(INC) -Itests $$< $$($$*_SRCS) $(BUILD)/$(1)/ohm.o -o $$@ -lm -pthread
endef
$(foreach v,$(VARIANTS),$(eval $(call VARIANT_RULES,$(v))))

tests: $(foreach v,$(VARIANTS),$(addprefix $(BUILD)/$(v)/,$(TESTS)))

test-gcc: $(addprefix $(BUILD)/gcc/,$(TESTS))
	ASAN_OPTIONS=detect_leaks=1 sh tests/run.sh "" $^
test-clang: $(addprefix $(BUILD)/clang/,$(TESTS))
	sh tests/run.sh "" $^
test-vg: $(addprefix $(BUILD)/vg/,$(CORE_TESTS))
	OHM_TEST_SCALE=0.05 sh tests/run.sh "valgrind -q --error-exitcode=99 --leak-check=full" $^

# Suites that live beside their code, run when present.
EXTRA_TESTS := $(if $(wildcard fuzz/run.sh),fuzz-short) $(if $(wildcard examples/page/Makefile),page-test)

# Every example runs without arguments and exits 0 when what it shows held.
# The README's example (basic.c) checks nothing itself: its output is.
test-examples: examples
	sh tests/run.sh "" $(addprefix $(BUILD)/examples/,$(EXAMPLES))
	test "$$($(BUILD)/examples/basic)" = 144 && echo "basic: prints 144, as the README says"

# make install into a scratch prefix, then build the README example the
# way a user would: through pkg-config.
test-install:
	rm -rf $(BUILD)/prefix
	$(MAKE) -s install PREFIX=$(CURDIR)/$(BUILD)/prefix
	PKG_CONFIG_PATH=$(CURDIR)/$(BUILD)/prefix/lib/pkgconfig sh -c '$(CC) $(WARN) examples/basic.c $$(pkg-config --cflags --libs ohm) -o $(BUILD)/basic-installed'
	test "$$($(BUILD)/basic-installed)" = 144

# Bad template parameters are refused at compile time with a message that
# names the fix (tests/compile_fail/).
test-compile-fail:
	sh tests/compile_fail/run.sh gcc clang

TEST_SUITES := test-gcc test-clang test-vg test-examples test-install test-compile-fail test-cross $(EXTRA_TESTS)
test: $(TEST_SUITES)
	@echo "test suites: $(words $(TEST_SUITES)) passed, 0 failed"

# The tests built for arm64 (NEON) and s390x (big-endian) and run under
# qemu-user, and blocks exchanged between architectures (tests/cross/run.sh).
# The cross compilers and qemu are installed when missing (as root).
CROSS_PACKAGES := qemu-user gcc-aarch64-linux-gnu libc6-dev-arm64-cross gcc-s390x-linux-gnu libc6-dev-s390x-cross
.PHONY: test-cross
test-cross:
	sh tools/ensure-packages.sh $(CROSS_PACKAGES)
	sh tests/cross/run.sh $(BUILD)/cross

# --- fuzzing (fuzz/README.md) ------------------------------------------
FUZZ_SECONDS ?= 600
fuzz:
	sh fuzz/run.sh $(FUZZ_SECONDS)
fuzz-short:
	sh fuzz/run.sh 30

# --- the terminal-page example (examples/page/README.md) ---------------
page-test:
	sh tools/ensure-packages.sh $(PAGE_PACKAGES)
	$(MAKE) -C examples/page test

# --- examples and demo -------------------------------------------------
$(BUILD)/examples/%: examples/%.c $(HDRS) $(BUILD)/libohm.a
	@mkdir -p $(BUILD)/examples
	$(CC) $(WARN) -O2 $(INC) $< $(BUILD)/libohm.a -o $@ -pthread

examples: $(addprefix $(BUILD)/examples/,$(EXAMPLES))

# The relocation demo, then the terminal-page demo (which needs utf8proc and
# GLib: installed here when missing and run as root, as on a fresh machine).
PAGE_PACKAGES := libutf8proc-dev libglib2.0-dev pkg-config
demo: $(BUILD)/examples/relocate
	$(BUILD)/examples/relocate
	@echo
	sh tools/ensure-packages.sh $(PAGE_PACKAGES)
	$(MAKE) -s -C examples/page demo

bench:
	bash bench/run.sh

# --- install -----------------------------------------------------------
install: $(BUILD)/libohm.a ohm.pc.in
	install -d $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 644 $(HDRS) $(DESTDIR)$(PREFIX)/include/
	install -m 644 $(BUILD)/libohm.a $(DESTDIR)$(PREFIX)/lib/
	sed 's|@PREFIX@|$(PREFIX)|g' ohm.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/ohm.pc

clean:
	rm -rf $(BUILD)

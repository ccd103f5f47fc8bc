# ohm - build, test, demo, install. Plain make, no configure step.
#
#   make               the library, build/libohm.a (what a user wants)
#   make all           library, ohmtool, examples and tests (all variants)
#   make tool          build/ohmtool, the command-line tool for blocks
#   make test          every test under ASan+UBSan with gcc and with clang,
#                      the core suite again under valgrind, the lock-free
#                      readers' test under ThreadSanitizer, then the fuzzers
#                      for a short bounded time
#   make demo          the relocation demo and the terminal-page demo
#   make bench         the benchmark against peer maps (bench/README.md)
#   make bench-shared  lock-free readers against mutex readers beside a writer
#   make bench-bulk    N_put_many, N_get_many, N_iter_at against one call per key
#   make fuzz          each fuzzer for FUZZ_SECONDS (default 600)
#   make install PREFIX=/usr/local
#   make clean

PREFIX ?= /usr/local
BUILD  := build
WARN   := -std=c11 -Wall -Wextra -Werror -pedantic -Wshadow
INC    := -Iinclude
HDRS   := include/ohm.h include/ohm_map.h include/ohm_core.h include/ohm_check.h
SAN    := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

# Test programs: every tests/test_*.c, each built in every variant.
TESTS    := $(patsubst tests/%.c,%,$(wildcard tests/test_*.c))
# Extra sources a test links (same variant flags): NAME_SRCS := files.
test_simd_SRCS := tests/simd_swar.c
test_hygiene_SRCS := tests/hygiene_user.c tests/hygiene_members.c
# Every test depends on them: editing one rebuilds the tests (a few files).
TEST_EXTRA_SRCS := $(test_simd_SRCS) $(test_hygiene_SRCS)
# Extra flags a test needs in a variant: NAME_FLAGS_VARIANT. test_layout's 64-byte
# aligned key makes gcc note an ABI change of gcc 4.6 (tests/test_layout.c).
test_layout_FLAGS_gcc := -Wno-psabi
test_layout_FLAGS_vg := -Wno-psabi
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

# The default target: the library alone.
lib: $(BUILD)/libohm.a

.PHONY: all lib tool tests examples test test-suites test-cpp test-modes test-gcc test-clang test-vg test-examples test-install test-compile-fail test-template-macros test-tool test-strict test-crash-mutant test-tsan bench-read bench-shared demo bench fuzz fuzz-short install clean

all: lib tool examples tests

$(BUILD)/libohm.a: src/ohm.c $(HDRS)
	@mkdir -p $(BUILD)/obj
	$(CC) $(WARN) -O2 $(INC) -c src/ohm.c -o $(BUILD)/obj/ohm.o
	ar rcs $@ $(BUILD)/obj/ohm.o

# ohmtool: info, stat, check, dump and recover of block files (docs/ohmtool.md).
tool: $(BUILD)/ohmtool
$(BUILD)/ohmtool: tools/ohmtool.c $(HDRS) $(BUILD)/libohm.a
	$(CC) $(WARN) -O2 $(INC) tools/ohmtool.c $(BUILD)/libohm.a -o $@

# --- tests, one set of rules per variant -------------------------------
define VARIANT_RULES
$(BUILD)/$(1)/ohm.o: src/ohm.c $(HDRS)
	@mkdir -p $(BUILD)/$(1)
	$(CC_$(1)) $(WARN) $(FLAGS_$(1)) $(INC) -c $$< -o $$@

$(BUILD)/$(1)/%: tests/%.c $(HDRS) $(wildcard tests/*.h) $(TEST_EXTRA_SRCS) $(BUILD)/$(1)/ohm.o
	@mkdir -p $(BUILD)/$(1)
	$(CC_$(1)) $(WARN) $(FLAGS_$(1)) $$($$*_FLAGS_$(1)) $(INC) -Itests $$< $$($$*_SRCS) $(BUILD)/$(1)/ohm.o -o $$@ -lm -pthread
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
# way a user would: through pkg-config; and run the installed ohmtool.
test-install:
	rm -rf $(BUILD)/prefix
	$(MAKE) -s install PREFIX=$(CURDIR)/$(BUILD)/prefix
	PKG_CONFIG_PATH=$(CURDIR)/$(BUILD)/prefix/lib/pkgconfig sh -c '$(CC) $(WARN) examples/basic.c $$(pkg-config --cflags --libs ohm) -o $(BUILD)/basic-installed'
	test "$$($(BUILD)/basic-installed)" = 144
	$(BUILD)/prefix/bin/ohmtool --version | grep -q '^ohmtool $(OHM_VERSION) '

# C++: the headers as C++17 and C++20 with g++ and clang++ under ASan and
# UBSan (tests/cpp/test_cpp.cpp), and one program whose C and C++ files
# share a block and one map type, declared in a header (OHM_DECLARE) and
# defined in the C file (OHM_DEFINE).
CXX_PAIRS := g++:gcc clang++:clang
CXX_STDS  := c++17 c++20
CXXWARN   := -Wall -Wextra -Werror -pedantic -Wshadow
test-cpp: $(BUILD)/gcc/ohm.o $(BUILD)/clang/ohm.o
	@mkdir -p $(BUILD)/cpp
	set -e; for pair in $(CXX_PAIRS); do cxx=$${pair%%:*}; cc=$${pair##*:}; \
	  for std in $(CXX_STDS); do \
	    $$cxx -std=$$std $(CXXWARN) $(FLAGS_gcc) $(INC) tests/cpp/test_cpp.cpp $(BUILD)/$$cc/ohm.o -o $(BUILD)/cpp/test_$$cxx-$$std; \
	    $(BUILD)/cpp/test_$$cxx-$$std; \
	    $$cc $(WARN) $(FLAGS_gcc) $(INC) -Itests/cpp -c tests/cpp/mixed_c.c -o $(BUILD)/cpp/mixed_c-$$cc.o; \
	    $$cxx -std=$$std $(CXXWARN) $(FLAGS_gcc) $(INC) -Itests/cpp tests/cpp/mixed_cpp.cpp $(BUILD)/cpp/mixed_c-$$cc.o \
	      $(BUILD)/$$cc/ohm.o -o $(BUILD)/cpp/mixed_$$cxx-$$std; \
	    $(BUILD)/cpp/mixed_$$cxx-$$std; \
	  done; done

# Users' strict warnings: one translation unit of theirs that instantiates
# several maps and compiles the core (tests/strict/strict.c), built with
# -Werror as C11 with gcc and clang and, as strict.cpp, as C++17 and C++20
# with g++ and clang++ (there also -Wold-style-cast and
# -Wzero-as-null-pointer-constant), with the SIMD and the SWAR probe, and
# run. -Wuseless-cast is not among them: the casts it reports are needed
# on other platforms or for other key types (size_t to uint64_t, a user's
# hash to uint64_t).
STRICT_WARN    := -Wall -Wextra -Werror -pedantic -Wshadow -Wcast-qual -Wconversion -Wsign-conversion
STRICT_CXXWARN := $(STRICT_WARN) -Wold-style-cast -Wzero-as-null-pointer-constant
test-strict:
	@mkdir -p $(BUILD)/strict
	set -e; for simd in "" -DOHM_NO_SIMD; do \
	  for cc in gcc clang; do \
	    $$cc -std=c11 $(STRICT_WARN) -O2 $$simd $(INC) tests/strict/strict.c -o $(BUILD)/strict/strict-$$cc$$simd; \
	    printf "strict-$$cc$$simd: "; $(BUILD)/strict/strict-$$cc$$simd; \
	  done; \
	  for cxx in g++ clang++; do for std in $(CXX_STDS); do \
	    $$cxx -std=$$std $(STRICT_CXXWARN) -O2 $$simd $(INC) tests/strict/strict.cpp -o $(BUILD)/strict/strict-$$cxx-$$std$$simd; \
	    printf "strict-$$cxx-$$std$$simd: "; $(BUILD)/strict/strict-$$cxx-$$std$$simd; \
	  done; done; \
	done

# One instantiation shared by many files: tests/modes/words.h declares it
# (OHM_DECLARE), words.c defines it (OHM_DEFINE), count.c and main.c use
# it. The functions must exist once, in words.o, and nowhere else.
MODES_SRCS := words count main
test-modes: $(BUILD)/gcc/ohm.o $(BUILD)/clang/ohm.o
	@mkdir -p $(BUILD)/modes
	set -e; for cc in gcc clang; do \
	  for f in $(MODES_SRCS); do $$cc $(WARN) $(FLAGS_gcc) $(INC) -Itests/modes -c tests/modes/$$f.c -o $(BUILD)/modes/$$f-$$cc.o; done; \
	  $$cc $(FLAGS_gcc) $(addprefix $(BUILD)/modes/,$(addsuffix -$$cc.o,$(MODES_SRCS))) $(BUILD)/$$cc/ohm.o -o $(BUILD)/modes/words-$$cc; \
	  $(BUILD)/modes/words-$$cc; \
	  nm $(BUILD)/modes/words-$$cc.o | grep -q ' T words_put$$'; \
	  ! nm $(BUILD)/modes/main-$$cc.o $(BUILD)/modes/count-$$cc.o | grep -q ' [Tt] words_'; \
	  echo "modes ($$cc): words_* defined once, in words.o"; \
	done

# Bad template parameters are refused at compile time with a message that
# names the fix (tests/compile_fail/): C cases with gcc and clang, C++
# cases with g++ and clang++.
test-compile-fail:
	sh tests/compile_fail/run.sh gcc clang g++ clang++

# No macro of the template outlives an instantiation: the whole macro set
# (-dM -E) after instantiations of ohm_map.h, of every shape, must be the
# one before them, definitions included (tests/macros/run.sh), as C with
# gcc and clang and as C++ with g++ and clang++.
test-template-macros:
	sh tests/macros/run.sh gcc clang g++ clang++

# ohmtool built with gcc under ASan+UBSan, run on blocks that
# tests/ohmtool/mkblock.c writes with the library (output checked against
# what was put), on damaged and garbage files, on blocks whose writer was
# stopped part way (mkblock cut), and fuzz/fuzz_tool.c as a
# standalone mutation loop (tests/test_ohmtool.sh).
TOOL_FUZZ_ITERATIONS ?= 20000
$(BUILD)/gcc/ohmtool: tools/ohmtool.c $(HDRS) $(BUILD)/gcc/ohm.o
	$(CC_gcc) $(WARN) $(FLAGS_gcc) $(INC) tools/ohmtool.c $(BUILD)/gcc/ohm.o -o $@
$(BUILD)/gcc/ohmtool-mkblock: tests/ohmtool/mkblock.c $(HDRS) $(BUILD)/gcc/ohm.o
	$(CC_gcc) $(WARN) $(FLAGS_gcc) $(INC) tests/ohmtool/mkblock.c $(BUILD)/gcc/ohm.o -o $@
$(BUILD)/gcc/ohmtool-fuzz: fuzz/fuzz_tool.c tools/ohmtool.c $(HDRS) $(wildcard fuzz/*.h)
	$(CC_gcc) $(WARN) $(FLAGS_gcc) $(INC) -Ifuzz -DOHMTOOL_FUZZ_MAIN fuzz/fuzz_tool.c -o $@
test-tool: $(BUILD)/gcc/ohmtool $(BUILD)/gcc/ohmtool-mkblock $(BUILD)/gcc/ohmtool-fuzz
	OHMTOOL_FUZZ_ITERATIONS=$(TOOL_FUZZ_ITERATIONS) sh tests/test_ohmtool.sh $(BUILD)/gcc/ohmtool \
	  $(BUILD)/gcc/ohmtool-mkblock $(BUILD)/gcc/ohmtool-fuzz $(BUILD)/ohmtool-test

# ThreadSanitizer: the lock-free readers' test (tests/test_stress_read.c,
# threads only) built with gcc and with clang under -fsanitize=thread; any
# report fails it (ohm.h then uses acquire and release accesses instead of
# fences, which ThreadSanitizer does not model). The same test runs on
# arm64 under qemu in test-cross, and long in tools/shared-long.sh.
TSAN_TESTS := test_stress_read
TSAN_CCS   := gcc clang
$(BUILD)/tsan/%-gcc: tests/%.c $(HDRS) $(wildcard tests/*.h) src/ohm.c
	@mkdir -p $(BUILD)/tsan
	gcc $(WARN) -O1 -g -fsanitize=thread $(INC) -Itests $< src/ohm.c -o $@ -lm -pthread
$(BUILD)/tsan/%-clang: tests/%.c $(HDRS) $(wildcard tests/*.h) src/ohm.c
	@mkdir -p $(BUILD)/tsan
	clang $(WARN) -O1 -g -fsanitize=thread $(INC) -Itests $< src/ohm.c -o $@ -lm -pthread
.PHONY: test-tsan
test-tsan: $(foreach c,$(TSAN_CCS),$(addprefix $(BUILD)/tsan/,$(addsuffix -$(c),$(TSAN_TESTS))))
	TSAN_OPTIONS="halt_on_error=1 exitcode=66" sh tests/run.sh "" $^

# tests/test_crash.c must catch a removal's shift that frees an entry's old
# slot before it publishes the copy (OHM__TEST_FREE_BEFORE_COPY in
# N__move_back, include/ohm_map.h): built so, it must fail, with keys lost.
$(BUILD)/mutant/test_crash: tests/test_crash.c tests/crash_driver.h tests/test.h tests/util.h src/ohm.c $(HDRS)
	@mkdir -p $(BUILD)/mutant
	$(CC_gcc) $(WARN) -O1 -g -DOHM__TEST_FREE_BEFORE_COPY $(INC) -Itests tests/test_crash.c src/ohm.c -o $@ -lm -pthread
test-crash-mutant: $(BUILD)/mutant/test_crash
	@if $< >$(BUILD)/mutant/test_crash.log 2>&1; then \
	  echo "test-crash-mutant: test_crash passed on the mutant: it misses a shift that frees before it copies" >&2; exit 1; fi
	@grep -q 'a key lost' $(BUILD)/mutant/test_crash.log \
	  || { tail -20 $(BUILD)/mutant/test_crash.log; echo "test-crash-mutant: the mutant failed, but not by losing a key" >&2; exit 1; }
	@echo "test-crash-mutant: test_crash fails on the mutant, as it must ($$(grep -c 'a key lost' $(BUILD)/mutant/test_crash.log) reports of a lost key)"

TEST_SUITES := test-gcc test-clang test-vg test-tsan test-crash-mutant test-examples test-install test-cmake test-cpp test-strict test-modes test-compile-fail test-template-macros test-tool test-cross $(EXTRA_TESTS)
# make test first makes sure every package the suites need is installed
# (as root, with apt-get; OHM_NO_INSTALL=1 only reports what is missing),
# then runs the suites.
TEST_PACKAGES = gcc g++ clang make valgrind libclang-rt-14-dev libtsan2 cmake $(PAGE_PACKAGES) $(CROSS_PACKAGES)
test:
	sh tools/ensure-packages.sh $(TEST_PACKAGES)
	$(MAKE) test-suites
test-suites: $(TEST_SUITES)
	@echo "test suites: $(words $(TEST_SUITES)) passed, 0 failed"

# The tests built for arm64 (NEON), s390x (big-endian) and 32-bit x86
# (i686, SWAR) and run under qemu-user (i686 natively when the kernel runs
# it), and blocks exchanged between architectures (tests/cross/run.sh).
# The cross compilers and qemu are installed when missing (as root).
CROSS_PACKAGES := qemu-user gcc-aarch64-linux-gnu libc6-dev-arm64-cross gcc-s390x-linux-gnu libc6-dev-s390x-cross \
                  gcc-i686-linux-gnu libc6-dev-i386-cross
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

# N_read against N_get, N_recover at 2^24 slots (bench/read.c).
.PHONY: bench-read
bench-read: $(BUILD)/bench-read
	$(BUILD)/bench-read
$(BUILD)/bench-read: bench/read.c bench/standalone.h $(HDRS) $(BUILD)/libohm.a
	$(CC) $(WARN) -O2 -DNDEBUG $(INC) bench/read.c $(BUILD)/libohm.a -o $@
# The bulk calls against one call per key: N_put_many, N_get_many and
# N_iter_at at 2^20 and 2^23 slots (bench/bulk.c).
.PHONY: bench-bulk
bench-bulk: $(BUILD)/bench-bulk
	$(BUILD)/bench-bulk
$(BUILD)/bench-bulk: bench/bulk.c bench/standalone.h $(HDRS) $(BUILD)/libohm.a
	$(CC) $(WARN) -O2 -DNDEBUG $(INC) bench/bulk.c $(BUILD)/libohm.a -o $@
# One writer and one reader process on a shared map: lock-free N_read
# against lookups under the writers' robust mutex (bench/shared_rw.c).
BENCH_SHARED_SECONDS ?= 2
$(BUILD)/bench/shared_rw: bench/shared_rw.c $(HDRS) src/ohm.c
	@mkdir -p $(BUILD)/bench
	$(CC) $(WARN) -O2 $(INC) bench/shared_rw.c src/ohm.c -o $@ -pthread
bench-shared: $(BUILD)/bench/shared_rw
	$(BUILD)/bench/shared_rw $(BENCH_SHARED_SECONDS)

# --- install -----------------------------------------------------------
install: check-version $(BUILD)/libohm.a $(BUILD)/ohmtool ohm.pc.in
	install -d $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/lib/cmake/ohm $(DESTDIR)$(PREFIX)/bin
	install -m 644 $(HDRS) $(DESTDIR)$(PREFIX)/include/
	install -m 644 $(BUILD)/libohm.a $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(BUILD)/ohmtool $(DESTDIR)$(PREFIX)/bin/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@OHM_VERSION@|$(OHM_VERSION)|g' ohm.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/ohm.pc
	for f in ohmConfig ohmConfigVersion; do $(OHM_CMAKE_SED) cmake/$$f.cmake.in > $(DESTDIR)$(PREFIX)/lib/cmake/ohm/$$f.cmake || exit 1; done

clean:
	rm -rf $(BUILD)

# --- version -----------------------------------------------------------
# One source of truth: the OHM_VERSION_* macros in include/ohm.h. ohm.pc and
# the CMake package files take their version from there.
ohm_macro = $(shell sed -n 's/^.define OHM_VERSION_$(1)  *//p' include/ohm.h)
OHM_VERSION_MAJOR := $(call ohm_macro,MAJOR)
OHM_VERSION_MINOR := $(call ohm_macro,MINOR)
OHM_VERSION_PATCH := $(call ohm_macro,PATCH)
OHM_VERSION       := $(OHM_VERSION_MAJOR).$(OHM_VERSION_MINOR).$(OHM_VERSION_PATCH)

.PHONY: check-version
# The three numbers are numbers and OHM_VERSION_STRING spells them.
check-version:
	@echo "$(OHM_VERSION)" | grep -Eqx '[0-9]+\.[0-9]+\.[0-9]+' \
	  || { echo "include/ohm.h: OHM_VERSION_MAJOR/MINOR/PATCH missing or not numbers (got '$(OHM_VERSION)')" >&2; exit 1; }
	@test '$(call ohm_macro,STRING)' = '"$(OHM_VERSION)"' \
	  || { echo 'include/ohm.h: OHM_VERSION_STRING is $(call ohm_macro,STRING), not "$(OHM_VERSION)"' >&2; exit 1; }

# --- CMake package and subproject (cmake/, CMakeLists.txt) -------------
# 'make install' writes <prefix>/lib/cmake/ohm/ohmConfig.cmake and
# ohmConfigVersion.cmake from the templates in cmake/, without cmake. The
# pointer size lets a project of the other size find libohm.a unsuitable.
OHM_SIZEOF_VOID_P = $(shell echo __SIZEOF_POINTER__ | $(CC) -E -P -x c - 2>/dev/null | tr -dc 0-9)
OHM_CMAKE_SED = sed -e 's|@OHM_VERSION@|$(OHM_VERSION)|g' -e 's|@OHM_VERSION_MAJOR@|$(OHM_VERSION_MAJOR)|g' \
                    -e 's|@OHM_SIZEOF_VOID_P@|$(OHM_SIZEOF_VOID_P)|g'

# test-cmake: the README example built by cmake the three ways a project
# takes ohm, each consumer project tests/cmake/NAME built in build/cmake/:
# find_package against 'make install' into a scratch prefix, add_subdirectory
# of the repository root, and FetchContent with SOURCE_DIR. Then the
# top-level CMake build (examples under ctest) and its 'cmake --install',
# whose package files and headers must be those of 'make install', and
# find_package against that prefix too.
CMAKE_PREFIX := $(CURDIR)/$(BUILD)/cmake/prefix
# cmake_consumer NAME DIR ARGS: configure and build tests/cmake/NAME in
# build/cmake/DIR, then check that its basic prints 144.
define cmake_consumer
	cmake -S tests/cmake/$(1) -B $(BUILD)/cmake/$(2) -DCMAKE_C_FLAGS="$(WARN)" $(3) >$(BUILD)/cmake/$(2).log 2>&1 \
	  && cmake --build $(BUILD)/cmake/$(2) >>$(BUILD)/cmake/$(2).log 2>&1 \
	  || { cat $(BUILD)/cmake/$(2).log; exit 1; }
	test "$$($(BUILD)/cmake/$(2)/basic)" = 144 && echo "cmake $(2): basic prints 144"
endef

.PHONY: test-cmake
test-cmake:
	@command -v cmake >/dev/null || sh tools/ensure-packages.sh cmake
	rm -rf $(BUILD)/cmake && mkdir -p $(BUILD)/cmake
	$(MAKE) -s install PREFIX=$(CMAKE_PREFIX)
	grep -qx 'Version: $(OHM_VERSION)' $(CMAKE_PREFIX)/lib/pkgconfig/ohm.pc
	$(call cmake_consumer,find_package,find_package,-DCMAKE_PREFIX_PATH=$(CMAKE_PREFIX) -DOHM_EXPECTED_VERSION=$(OHM_VERSION))
	$(call cmake_consumer,subdirectory,subdirectory,)
	$(call cmake_consumer,fetchcontent,fetchcontent,)
	cmake -S . -B $(BUILD)/cmake/top -DCMAKE_C_FLAGS="$(WARN)" >$(BUILD)/cmake/top.log 2>&1 \
	  && cmake --build $(BUILD)/cmake/top >>$(BUILD)/cmake/top.log 2>&1 \
	  && (cd $(BUILD)/cmake/top && ctest --output-on-failure) >>$(BUILD)/cmake/top.log 2>&1 \
	  && cmake --install $(BUILD)/cmake/top --prefix $(CURDIR)/$(BUILD)/cmake/cmake-prefix >>$(BUILD)/cmake/top.log 2>&1 \
	  || { cat $(BUILD)/cmake/top.log; exit 1; }
	diff -r $(CMAKE_PREFIX)/lib/cmake $(BUILD)/cmake/cmake-prefix/lib/cmake
	diff -r $(CMAKE_PREFIX)/include $(BUILD)/cmake/cmake-prefix/include
	for p in $(CMAKE_PREFIX) $(BUILD)/cmake/cmake-prefix; do $$p/bin/ohmtool --version | grep -q '^ohmtool $(OHM_VERSION) ' || exit 1; done
	$(call cmake_consumer,find_package,find_package-cmake-install,-DCMAKE_PREFIX_PATH=$(CURDIR)/$(BUILD)/cmake/cmake-prefix -DOHM_EXPECTED_VERSION=$(OHM_VERSION))

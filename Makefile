# Runnel -- build, run and test.
#
#   make            build src/runnel-server (jemalloc, -O2)
#   make run        build, then start in the foreground on conf/runnel.conf
#   make test       build and run every suite: unit, integration, compat, clients
#   make clients    only the client suite (redis-compat/clients/)
#   make SANITIZE=1 test   the same under AddressSanitizer + UBSan (libc malloc)
#   make MALLOC=libc       build without jemalloc
#   make fuzz       libFuzzer run of the request parser (bounded, clang)
#   make fuzz-aof   libFuzzer run of the AOF scanner (bounded, clang)
#   make fuzz-rdb   libFuzzer run of the RDB loader and RESTORE's decoder (bounded, clang)
#   make bench      redis-benchmark against Runnel and redis-server side by side
#   make bench-memory   bytes per stream entry, both servers
#   make startup-time   start-up to first PONG, both servers
#   make soak           10,000 idle clients + a steady writer: memory, latency, both servers
#   make bench-block    wake latency and ping-pong of blocked readers, both servers
#   make bench-groups   consumer groups: consume rate and PEL scaling, both servers
#   make bench-pubsub   PUBLISH to 1, 10, 100 subscribers: messages delivered/s, both servers
#   make bench-aof      XADD with appendfsync always/everysec, AOF load time, both servers
#   make bench-rdb      SAVE time, start-up load time and BGSAVE fork pause, both servers
#   make bench-psync    resync after a cut link, partial vs full, both servers
#   make bench-repl     full sync time (disk, diskless; all four pairs) and lag under XADD load
#   make crashtest      the AOF SIGKILL crash test, 100 rounds (make test runs 10)
#   make install PREFIX=/usr/local DESTDIR=   binaries, config and systemd unit
#   make uninstall      the same files removed (an edited config is kept)
#
# Objects live in build/<variant>/ so sanitizer and release builds never mix;
# src/runnel-server and src/runnel-check-aof are the binaries of the variant
# built last.

MALLOC   ?= jemalloc
SANITIZE ?=
CC       ?= cc

ifeq ($(SANITIZE),1)
  MALLOC  := libc
  VARIANT := san
  OPT     := -O1 -g -fno-omit-frame-pointer
  SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all
else
  VARIANT := rel-$(MALLOC)
  OPT     := -O2 -g
  SANFLAGS :=
endif

B := build/$(VARIANT)

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wformat=2 -Wno-format-nonliteral -Werror
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) $(SANFLAGS) -MMD -MP

MALLOC_CFLAGS :=
MALLOC_LIBS   :=
ifeq ($(MALLOC),jemalloc)
  MALLOC_CFLAGS := -DUSE_JEMALLOC
  MALLOC_LIBS   := $(shell pkg-config --libs jemalloc 2>/dev/null || echo -ljemalloc)
endif

EVENT_CFLAGS := $(shell pkg-config --cflags libevent 2>/dev/null)
EVENT_LIBS   := $(shell pkg-config --libs libevent 2>/dev/null || echo -levent)
HIREDIS_CFLAGS := $(shell pkg-config --cflags hiredis 2>/dev/null)
HIREDIS_LIBS   := $(shell pkg-config --libs hiredis 2>/dev/null || echo -lhiredis)
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lrt -lm -pthread)

# The engine is a library of its own: no libevent on its compile line, so
# the compiler enforces that it never reaches for sockets or the reactor.
ENGINE_SRC := $(wildcard src/engine/*.c) src/mem.c
ENGINE_OBJ := $(patsubst src/%.c,$(B)/engine-lib/%.o,$(ENGINE_SRC))
ENGINE_LIB := $(B)/libengine.a
ENGINE_CFLAGS := $(BASE_CFLAGS) $(MALLOC_CFLAGS) -Isrc -Isrc/engine

CORE_SRC := $(filter-out src/main.c src/mem.c,$(wildcard src/*.c))
CORE_OBJ := $(patsubst src/%.c,$(B)/core/%.o,$(CORE_SRC))
CORE_LIB := $(B)/libcore.a
CORE_CFLAGS := $(BASE_CFLAGS) $(MALLOC_CFLAGS) $(EVENT_CFLAGS) -Isrc -Isrc/engine

SERVER := $(B)/runnel-server
LIBS := $(EVENT_LIBS) $(MALLOC_LIBS) -lm

# Unit tests: tests/unit/engine/check_*.c link the engine library alone;
# tests/unit/check_*.c link the core.
UNIT_ENGINE_SRC := $(wildcard tests/unit/engine/check_*.c)
UNIT_CORE_SRC   := $(wildcard tests/unit/check_*.c)
UNIT_ENGINE_BIN := $(patsubst tests/unit/engine/%.c,$(B)/tests/unit/engine/%,$(UNIT_ENGINE_SRC))
UNIT_CORE_BIN   := $(patsubst tests/unit/%.c,$(B)/tests/unit/%,$(UNIT_CORE_SRC))
TEST_CFLAGS := $(BASE_CFLAGS) -Wno-missing-prototypes $(CHECK_CFLAGS) $(HIREDIS_CFLAGS) -Isrc -Isrc/engine -Itests

# Integration tests: Check suites that drive a real server through hiredis.
INTEG_SRC := $(wildcard tests/integration/test_*.c)
INTEG_BIN := $(patsubst tests/integration/%.c,$(B)/tests/integration/%,$(INTEG_SRC))
HARNESS_OBJ := $(B)/tests/harness.o

COMPAT_RUNNER := $(B)/redis-compat/compat-runner

# runnel-check-aof: the AOF checker, a standalone tool over the same scanner,
# manifest and RDB loading code the server loads with (src/tools/ stays out
# of CORE_SRC; the tool links the core and engine libraries for them).  The
# unit suite runs it.
CHECK_AOF_SRC := src/tools/check_aof.c src/tools/check_aof_rdb.c
CHECK_AOF_OBJ := $(patsubst src/%.c,$(B)/tools/%.o,$(CHECK_AOF_SRC))
CHECK_AOF := $(B)/runnel-check-aof
CHECK_AOF_ENV := RUNNEL_CHECK_AOF=$(abspath $(CHECK_AOF))

DEPS_STAMP := build/.deps-ok

.PHONY: all run test unit integration compat clients fuzz fuzz-aof fuzz-rdb bench-rdb bench-repl bench bench-memory bench-block bench-groups bench-pubsub bench-aof failover crashtest startup-time soak clean deps
all: $(SERVER) src/runnel-server src/runnel-check-aof

deps: $(DEPS_STAMP)
$(DEPS_STAMP): deps/install.sh
	@sh deps/install.sh build test
	@mkdir -p build && touch $@

# Always refreshed, so src/ holds the variant of this make run even when the
# other variant's copy is newer (make test SANITIZE=1, then make run).
.PHONY: src/runnel-server src/runnel-check-aof
src/runnel-server: $(SERVER)
	@cp $(SERVER) $@.tmp && mv -f $@.tmp $@

src/runnel-check-aof: $(CHECK_AOF)
	@cp $(CHECK_AOF) $@.tmp && mv -f $@.tmp $@

$(CHECK_AOF): $(CHECK_AOF_OBJ) $(CORE_LIB) $(ENGINE_LIB)
	$(CC) $(BASE_CFLAGS) -o $@ $^ $(LIBS)

$(B)/tools/%.o: src/%.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(MALLOC_CFLAGS) $(EVENT_CFLAGS) -Isrc -Isrc/engine -Isrc/tools -c -o $@ $<

$(SERVER): $(DEPS_STAMP) $(B)/core/main.o $(CORE_LIB) $(ENGINE_LIB)
	$(CC) $(BASE_CFLAGS) -o $@ $(B)/core/main.o $(CORE_LIB) $(ENGINE_LIB) $(LIBS)

$(ENGINE_LIB): $(ENGINE_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(CORE_LIB): $(CORE_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/engine-lib/%.o: src/%.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ENGINE_CFLAGS) -c -o $@ $<

$(B)/core/%.o: src/%.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CORE_CFLAGS) -c -o $@ $<

$(B)/tests/unit/engine/%: tests/unit/engine/%.c $(ENGINE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -Isrc/engine -o $@ $< $(ENGINE_LIB) $(CHECK_LIBS) $(MALLOC_LIBS)

$(B)/tests/unit/%: tests/unit/%.c $(CORE_LIB) $(ENGINE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) $(EVENT_CFLAGS) -o $@ $< $(CORE_LIB) $(ENGINE_LIB) $(CHECK_LIBS) $(LIBS)

$(HARNESS_OBJ): tests/harness.c tests/harness.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -c -o $@ $<

$(B)/tests/integration/%: tests/integration/%.c $(HARNESS_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(HARNESS_OBJ) $(HIREDIS_LIBS) $(CHECK_LIBS)

# An LD_PRELOAD shim for test_aof (slow fsyncs on demand); plain, never
# sanitized: it is loaded into the server, before any sanitizer runtime.
SLOW_FSYNC_SHIM := $(B)/tests/slow_fsync.so
$(SLOW_FSYNC_SHIM): tests/shims/slow_fsync.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror -shared -fPIC -o $@ $< -ldl
$(B)/tests/integration/test_aof: $(SLOW_FSYNC_SHIM)

$(COMPAT_RUNNER): $(wildcard redis-compat/*.c) $(wildcard redis-compat/*.h) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -o $@ $(filter %.c,$^) $(HIREDIS_LIBS)

run: all
	./src/runnel-server conf/runnel.conf

unit: $(UNIT_ENGINE_BIN) $(UNIT_CORE_BIN) $(CHECK_AOF)
	@$(CHECK_AOF_ENV) sh tests/run-suite.sh unit $(UNIT_ENGINE_BIN) $(UNIT_CORE_BIN)

integration: $(SERVER) $(INTEG_BIN)
	@RUNNEL_SERVER=$(abspath $(SERVER)) sh tests/run-suite.sh integration $(INTEG_BIN)

compat: $(SERVER) $(COMPAT_RUNNER)
	@RUNNEL_SERVER=$(abspath $(SERVER)) sh redis-compat/run.sh $(COMPAT_RUNNER)

# Real client libraries through the stream workflows (redis-compat/clients/).
clients: $(SERVER)
	@sh deps/install.sh clients
	@RUNNEL_SERVER=$(abspath $(SERVER)) sh redis-compat/clients/run.sh

test: $(SERVER) src/runnel-server $(CHECK_AOF) src/runnel-check-aof $(UNIT_ENGINE_BIN) $(UNIT_CORE_BIN) $(INTEG_BIN) $(COMPAT_RUNNER)
	@sh deps/install.sh clients || echo "deps: the client suite's runtimes are missing: its clients will fail"
	@RUNNEL_SERVER=$(abspath $(SERVER)) $(CHECK_AOF_ENV) sh tests/run-all.sh "$(B)" \
	    "$(UNIT_ENGINE_BIN) $(UNIT_CORE_BIN)" "$(INTEG_BIN)" "$(COMPAT_RUNNER)"

FUZZ_TIME ?= 60
fuzz: $(DEPS_STAMP)
	@sh deps/install.sh fuzz
	@mkdir -p build/fuzz/corpus-resp
	clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
	    -o build/fuzz/fuzz_resp tests/fuzz/fuzz_resp.c src/resp.c src/util.c src/mem.c
	build/fuzz/fuzz_resp -max_total_time=$(FUZZ_TIME) -max_len=4096 build/fuzz/corpus-resp tests/fuzz/corpus-resp

# The AOF scanner: random files, checked against the scan of every prefix
# (see tests/fuzz/fuzz_aof_scan.c).
fuzz-aof: $(DEPS_STAMP)
	@sh deps/install.sh fuzz
	@mkdir -p build/fuzz/corpus-aof
	clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
	    -o build/fuzz/fuzz_aof_scan tests/fuzz/fuzz_aof_scan.c src/aof_scan.c src/resp.c \
	    src/util.c src/mem.c
	build/fuzz/fuzz_aof_scan -max_total_time=$(FUZZ_TIME) -max_len=4096 -dict=tests/fuzz/aof.dict \
	    build/fuzz/corpus-aof tests/fuzz/corpus-aof

# The RDB loader: random images, also taken as DUMP payloads (see
# tests/fuzz/fuzz_rdb.c); it links the whole core, the loader's callers.
FUZZ_RDB_SRC := $(filter-out src/main.c,$(wildcard src/*.c)) $(wildcard src/engine/*.c)
fuzz-rdb: $(DEPS_STAMP)
	@sh deps/install.sh fuzz
	@mkdir -p build/fuzz/corpus-rdb
	clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Isrc -Isrc/engine \
	    $(EVENT_CFLAGS) -o build/fuzz/fuzz_rdb tests/fuzz/fuzz_rdb.c $(FUZZ_RDB_SRC) \
	    $(EVENT_LIBS) -lm -pthread
	build/fuzz/fuzz_rdb -max_total_time=$(FUZZ_TIME) -max_len=8192 build/fuzz/corpus-rdb \
	    tests/fuzz/corpus-rdb

bench: all
	sh utils/bench.sh

bench-memory: all
	sh utils/bench-memory.sh

startup-time: all
	sh utils/startup-time.sh

SOAK_SECONDS ?= 30
soak: all
	sh utils/soak.sh $(SOAK_SECONDS)

bench-block: all
	sh utils/bench-block.sh

bench-groups: all
	sh utils/bench-groups.sh

bench-pubsub: all
	sh utils/bench-pubsub.sh

bench-aof: all
	sh utils/bench-aof.sh

bench-rdb: all
	sh utils/bench-rdb.sh

bench-repl: all
	sh utils/bench-repl.sh

# Sentinel (Redis 7.0) fails a Runnel master over to one of its two replicas;
# then the same with Redis 7.0 servers, for comparison.  ~40 s each on a busy
# 2-core box: not part of make test.
failover: all
	bash utils/failover.sh
	FAILOVER_SERVER=redis bash utils/failover.sh

bench-psync: all
	sh utils/bench-psync.sh

# The AOF crash test with 100 SIGKILL rounds instead of make test's 10.
CRASH_ROUNDS ?= 100
crashtest: $(SERVER) $(B)/tests/integration/test_aof
	@RUNNEL_SERVER=$(abspath $(SERVER)) RUNNEL_CRASH_ROUNDS=$(CRASH_ROUNDS) \
	    CK_RUN_CASE=crash $(B)/tests/integration/test_aof

# Installation.  The config goes to $(SYSCONFDIR)/runnel/runnel.conf
# (/usr/local/etc/runnel/ by default; pass SYSCONFDIR=/etc for /etc/runnel/)
# and is never overwritten; the unit goes where systemd looks for units of
# that prefix, its paths rewritten to match.
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
SYSCONFDIR ?= $(PREFIX)/etc
UNITDIR    ?= $(PREFIX)/lib/systemd/system
INSTALL    ?= install

.PHONY: install uninstall
install: $(SERVER) $(CHECK_AOF)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SYSCONFDIR)/runnel $(DESTDIR)$(UNITDIR)
	$(INSTALL) -m 755 $(SERVER) $(DESTDIR)$(BINDIR)/runnel-server
	$(INSTALL) -m 755 $(CHECK_AOF) $(DESTDIR)$(BINDIR)/runnel-check-aof
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/runnel/runnel.conf ]; then \
	    echo "kept $(DESTDIR)$(SYSCONFDIR)/runnel/runnel.conf (compare with conf/runnel.conf)"; \
	else \
	    echo "$(INSTALL) -m 644 conf/runnel.conf $(DESTDIR)$(SYSCONFDIR)/runnel/runnel.conf"; \
	    $(INSTALL) -m 644 conf/runnel.conf $(DESTDIR)$(SYSCONFDIR)/runnel/runnel.conf; \
	fi
	sed -e 's|/usr/local/bin/|$(BINDIR)/|g' -e 's|/usr/local/etc/|$(SYSCONFDIR)/|g' \
	    utils/runnel.service >$(DESTDIR)$(UNITDIR)/runnel.service.tmp
	chmod 644 $(DESTDIR)$(UNITDIR)/runnel.service.tmp
	mv -f $(DESTDIR)$(UNITDIR)/runnel.service.tmp $(DESTDIR)$(UNITDIR)/runnel.service

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/runnel-server $(DESTDIR)$(BINDIR)/runnel-check-aof
	rm -f $(DESTDIR)$(UNITDIR)/runnel.service
	@if cmp -s conf/runnel.conf $(DESTDIR)$(SYSCONFDIR)/runnel/runnel.conf; then \
	    rm -f $(DESTDIR)$(SYSCONFDIR)/runnel/runnel.conf; \
	    rmdir $(DESTDIR)$(SYSCONFDIR)/runnel 2>/dev/null || true; \
	elif [ -e $(DESTDIR)$(SYSCONFDIR)/runnel/runnel.conf ]; then \
	    echo "kept $(DESTDIR)$(SYSCONFDIR)/runnel/runnel.conf (edited)"; \
	fi

clean:
	rm -rf build src/runnel-server src/runnel-check-aof

-include $(wildcard $(B)/*/*.d $(B)/*/*/*.d $(B)/tests/*.d)

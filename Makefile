# gdviz — the two commands a newcomer needs:
#   make serve   build the release wasm and serve the page (http://127.0.0.1:$(PORT)/)
#   make test    every check: fmt, clippy, docs, native tests, wasm tests in Chromium, end-to-end
#                tests in Chromium, a smoke test in Firefox ESR and WebKitGTK
# Both install whatever the machine lacks first (scripts/setup.sh).

SHELL := /bin/bash
PORT ?= 8000
WASM_TARGET := wasm32-unknown-unknown
WASM_DIR := $(or $(CARGO_TARGET_DIR),target)/$(WASM_TARGET)
export CHROMEDRIVER ?= /usr/bin/chromedriver
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER ?= wasm-bindgen-test-runner

.PHONY: serve test web bench setup-web setup-test clean-web

serve: web
	@node scripts/serve.mjs $(PORT)

# The release web build: three WebAssembly modules from this crate, each built with
# wasm-bindgen for ES modules and wasm-opt, with a brotli copy (`*.wasm.br`) that
# scripts/serve.mjs sends as it is:
#   pkg/gdviz_bg.wasm         the first screen: the surface lab, and the reading of every
#                             scenario (feature `lab` alone; size-optimised profile, -Oz)
#   pkg/gdviz_full_bg.wasm    the whole page: the same, the network lab, the 3-D view, the
#                             learning-rate tuner and the CSV reader (feature `full`, the same
#                             profile), fetched by www/labs.js the first time one of those is
#                             used; from then on the page's lab is this module's
#   pkg/gdviz_digits_bg.wasm  the digits lab (feature `cnn` alone), fetched by www/digits.js with
#                             its data only when that lab first opens; built for speed (profile
#                             wasm-digits, opt-level 3, wasm-opt -O3): its epoch is the hot path
#                             (digits_epoch_ms), and its size does not delay the first screen
# --low-memory-unused lets wasm-opt fold constant address offsets into loads and stores: Rust's
# wasm32 layout puts the 1 MiB stack first, growing down, and its data from 1 MiB, so the first
# 1 KiB is reached only by a stack that has already overflowed.
WASM_OPT := node_modules/.bin/wasm-opt --low-memory-unused --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue

# LLVM's inlining budget (-inline-threshold) for each module. The size-optimised profile's own
# (opt-level "z": 5) leaves the hot loops' iterator adapters as calls (a network epoch took 1.7×
# as long); 75 keeps them inline in the whole page's module and the digits lab's, whose hot path is
# an epoch. The first screen's module takes 25: 256,446 → 247,814 bytes gzipped, and its frames
# cost no more (bench.mjs --only frames, the same session: frame_script_p95_ms_race 2.77 ms at
# 75, 2.63 ms at 25; fps_4x_race 60 at both).
INLINE_FIRST_SCREEN := 25
INLINE_HOT := 75

# $(call wasm_module,FEATURES,OUT_DIR,NAME,PROFILE,WASM_OPT_LEVEL,INLINE): the crate with FEATURES
# alone, built with cargo profile PROFILE and LLVM inlining budget INLINE, as OUT_DIR/NAME.js and
# OUT_DIR/NAME_bg.wasm. (Cargo keeps the dependencies built with each budget apart, so switching
# between modules rebuilds only this crate.)
define wasm_module
	RUSTFLAGS='-Cllvm-args=-inline-threshold=$(6)' cargo build --lib --target $(WASM_TARGET) --profile $(4) --no-default-features --features '$(1)'
	wasm-bindgen --target web --no-typescript --out-dir $(2) --out-name $(3) $(WASM_DIR)/$(4)/gdviz.wasm
	$(WASM_OPT) $(5) $(2)/$(3)_bg.wasm -o $(2)/$(3)_bg.wasm
endef

web: setup-web
	$(call wasm_module,lab,pkg,gdviz,wasm,-Oz,$(INLINE_FIRST_SCREEN))
	$(call wasm_module,full,pkg,gdviz_full,wasm,-Oz,$(INLINE_HOT))
	$(call wasm_module,cnn,pkg,gdviz_digits,wasm-digits,-O3,$(INLINE_HOT))
	@for f in pkg/gdviz_bg.wasm pkg/gdviz_full_bg.wasm pkg/gdviz_digits_bg.wasm; do printf '%s: %s bytes (%s gzipped)\n' "$$f" "$$(wc -c < $$f)" "$$(gzip -9c $$f | wc -c)"; done
	@node scripts/compress.mjs pkg/gdviz_bg.wasm pkg/gdviz_full_bg.wasm pkg/gdviz_digits_bg.wasm

test: setup-test web
	@bash scripts/test.sh

setup-web:
	@bash scripts/setup.sh web

setup-test:
	@bash scripts/setup.sh test

clean-web:
	rm -rf pkg

# Benchmarks: the release wasm timed in headless Chromium (benches/page/, scripts/bench.mjs) and
# natively (benches/native.rs); writes target/bench/results.json and prints the table.
# The benchmark page loads its own builds, target/bench/pkg: the whole page's module and the
# digits module, each plus the timing entry points (feature `bench`), which the page's pkg/ leaves
# out; the digits figures are timed in the digits module. TensorFlow Playground's code,
# timed beside ours, is bundled from its source (benches/peer/) with esbuild and d3 from npm;
# target es2020 lowers class fields as the bundle committed before did, so its figures compare.
bench: setup-test web
	@mkdir -p target/bench
	node_modules/.bin/esbuild benches/peer/playground_bench.ts --bundle --format=iife --target=es2020 --log-level=warning --outfile=target/bench/peer/playground_bench.js
	$(call wasm_module,full bench,target/bench/pkg,gdviz,wasm,-Oz,$(INLINE_HOT))
	$(call wasm_module,cnn bench,target/bench/pkg,gdviz_digits,wasm-digits,-O3,$(INLINE_HOT))
	cargo bench --bench native -- --json target/bench/native.json
	@node scripts/bench.mjs --native target/bench/native.json --out target/bench/results.json

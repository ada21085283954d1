# gdviz — the two commands a newcomer needs:
#   make serve   build the release wasm and serve the page (http://127.0.0.1:$(PORT)/)
#   make test    every check: fmt, clippy, docs, native tests, wasm tests in Chromium, end-to-end
#                tests in Chromium, a smoke test in Firefox ESR and WebKitGTK
# Both install whatever the machine lacks first (scripts/setup.sh).

SHELL := /bin/bash
PORT ?= 8000
WASM_TARGET := wasm32-unknown-unknown
WASM_OUT := $(or $(CARGO_TARGET_DIR),target)/$(WASM_TARGET)/wasm/gdviz.wasm
export CHROMEDRIVER ?= /usr/bin/chromedriver
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER ?= wasm-bindgen-test-runner

.PHONY: serve test web bench setup-web setup-test clean-web

serve: web
	@node scripts/serve.mjs $(PORT)

# The release web build: size-optimised profile, wasm-bindgen for ES modules, wasm-opt -Oz, and
# a brotli copy of the wasm (pkg/gdviz_bg.wasm.br) that scripts/serve.mjs sends as it is.
# --low-memory-unused lets wasm-opt fold constant address offsets into loads and stores: Rust's
# wasm32 layout puts the 1 MiB stack first, growing down, and its data from 1 MiB, so the first
# 1 KiB is reached only by a stack that has already overflowed.
web: setup-web
	cargo build --lib --target $(WASM_TARGET) --profile wasm
	wasm-bindgen --target web --no-typescript --out-dir pkg $(WASM_OUT)
	node_modules/.bin/wasm-opt -Oz --low-memory-unused --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue pkg/gdviz_bg.wasm -o pkg/gdviz_bg.wasm
	@printf 'wasm: %s bytes (%s gzipped)\n' "$$(wc -c < pkg/gdviz_bg.wasm)" "$$(gzip -9c pkg/gdviz_bg.wasm | wc -c)"
	@node scripts/compress.mjs pkg/gdviz_bg.wasm

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
# The benchmark page loads its own build, target/bench/pkg: the release build plus the timing
# entry points (feature `bench`), which the page's pkg/ leaves out. TensorFlow Playground's code,
# timed beside ours, is bundled from its source (benches/peer/) with esbuild and d3 from npm;
# target es2020 lowers class fields as the bundle committed before did, so its figures compare.
bench: setup-test web
	@mkdir -p target/bench
	node_modules/.bin/esbuild benches/peer/playground_bench.ts --bundle --format=iife --target=es2020 --log-level=warning --outfile=target/bench/peer/playground_bench.js
	cargo build --lib --target $(WASM_TARGET) --profile wasm --features bench
	wasm-bindgen --target web --no-typescript --out-dir target/bench/pkg $(WASM_OUT)
	node_modules/.bin/wasm-opt -Oz --low-memory-unused --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue target/bench/pkg/gdviz_bg.wasm -o target/bench/pkg/gdviz_bg.wasm
	cargo bench --bench native -- --json target/bench/native.json
	@node scripts/bench.mjs --native target/bench/native.json --out target/bench/results.json

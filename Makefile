# The two commands a fresh machine needs: `make run` and `make test`. Each installs what is missing
# (scripts/setup.sh), configures and builds, then runs.
BUILD ?= build
JOBS  ?= $(shell nproc)
GB    := $(BUILD)/greenbatch

.PHONY: all setup setup-test configure build build-quiet run test bench format format-check clean

all: build

setup:
	@bash scripts/setup.sh

setup-test:
	@bash scripts/setup.sh --test

$(BUILD)/CMakeCache.txt:
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null

configure: $(BUILD)/CMakeCache.txt

build: setup configure
	@cmake --build $(BUILD) -j $(JOBS)

# Only what `run` needs, quietly: the compiler's output is shown only when the build fails.
build-quiet: setup configure
	@echo "building greenbatch (log: $(BUILD)/build.log) ..."
	@cmake --build $(BUILD) -j $(JOBS) --target greenbatch >$(BUILD)/build.log 2>&1 \
	  || { cat $(BUILD)/build.log; echo "make: the build failed (log above)"; exit 1; }

# A short default experiment: one small model, one rate, three policies; prints its table.
run: build-quiet
	@rm -rf $(BUILD)/make-run  # a fresh demo folder: one from an older greenbatch would refuse appends
	@$(GB) run --model shufflenet_v2_x0_5 --rate 32 --arrival paper \
	  --policy fixed:8 --policy fixed:16 --policy greedy \
	  --requests 192 --warmup-batches 4 --seed 1 --out $(BUILD)/make-run

test: setup-test configure
	@cmake --build $(BUILD) -j $(JOBS)
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

bench: build
	@cmake --build $(BUILD) -j $(JOBS) --target benchmarks
	@bash bench/run_all.sh $(BUILD)

FORMAT_FILES = $(shell git ls-files '*.cpp' '*.h' '*.cc' '*.hpp')
format:
	@clang-format -i $(FORMAT_FILES)

format-check:
	@clang-format --dry-run --Werror $(FORMAT_FILES)

clean:
	@rm -rf $(BUILD)

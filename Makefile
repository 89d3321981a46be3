# The two commands a fresh machine needs: `make run` and `make test`. Each installs what is missing
# (scripts/setup.sh), configures and builds, then runs.
BUILD ?= build
JOBS  ?= $(shell nproc)
GB    := $(BUILD)/greenbatch

.PHONY: all setup setup-test configure build run test bench format format-check clean

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

# A short default experiment: one small model, one rate, three policies; prints its table.
run: build
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

# embody: single entry point. `make test` and `make demo` are the README's two commands.
BUILD ?= build
JOBS  ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps build test test-long test-slurm demo bench asan portable clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) > /dev/null

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# default suite: unit tests + the SLURM test (label slurm); long checks: `make test-long`
test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -LE long

test-long: build
	cd $(BUILD) && ctest --output-on-failure -L long

demo: build
	scripts/demo.sh $(BUILD)/embody

bench: build
	@for b in $(BUILD)/bench_*; do echo "== $$b"; OMP_NUM_THREADS=1 $$b || exit 1; done

# AddressSanitizer + UBSan build of everything, running the unit tests
asan:
	$(MAKE) test BUILD=build-asan CMAKE_FLAGS="-DEMB_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug"

# build for clusters with mixed CPU types (no -march=native)
portable:
	$(MAKE) build BUILD=build-portable CMAKE_FLAGS="-DEMB_NATIVE=OFF"

clean:
	rm -rf build build-asan build-portable

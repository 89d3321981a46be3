# The model zoo's benchmark (included from bench/CMakeLists.txt): images/s of each built-in model
# next to torchvision in Python; bench/models_bench.sh runs both and prints the table.
add_executable(models_bench ${CMAKE_CURRENT_LIST_DIR}/models_bench.cpp)
target_link_libraries(models_bench PRIVATE gb_models)

# The engines' benchmark: bench/engine_bench.py drives this (eager and optimized) and Python's
# torch.jit.optimize_for_inference, interleaved.
add_executable(engine_bench ${CMAKE_CURRENT_LIST_DIR}/engine_bench.cpp)
target_link_libraries(engine_bench PRIVATE gb_models)

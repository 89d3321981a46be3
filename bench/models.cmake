# The model zoo's benchmark (included from bench/CMakeLists.txt): images/s of each built-in model
# next to torchvision in Python; bench/models_bench.sh runs both and prints the table.
add_executable(models_bench ${CMAKE_CURRENT_LIST_DIR}/models_bench.cpp)
target_link_libraries(models_bench PRIVATE gb_models)

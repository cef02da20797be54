# cmake -DOUT=file.cpp -DROOT=dir -DFILES="a.json;b.json" -P embed_cases.cmake
# Writes the case files into a C++ source as raw string literals, so the catalog is part of the
# binary and `wsspec run` needs no files next to it.
set(body "// Generated from cases/*.json by cmake/embed_cases.cmake. Do not edit.\n")
string(APPEND body "#include \"harness/catalog/embedded_cases.hpp\"\n\nnamespace wsspec::catalog::detail {\n")
string(APPEND body "const embedded_file embedded_cases[] = {\n")
set(count 0)
foreach(f IN LISTS FILES)
    file(READ "${f}" text)
    file(RELATIVE_PATH rel "${ROOT}" "${f}")
    string(APPEND body "    {\"${rel}\", R\"wsspec_json(${text})wsspec_json\"},\n")
    math(EXPR count "${count} + 1")
endforeach()
if(count EQUAL 0)
    string(APPEND body "    {\"\", \"\"},\n")
endif()
string(APPEND body "};\nconst std::size_t embedded_case_count = ${count};\n}\n")
file(WRITE "${OUT}.tmp" "${body}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)

# One place for the warning set, applied per target so third-party headers stay quiet.
add_library(wsspec_warnings INTERFACE)
target_compile_options(wsspec_warnings INTERFACE -Wall -Wextra -Wshadow -Wnon-virtual-dtor
                                                 -Wimplicit-fallthrough
                                                 # Options structs have default member
                                                 # initialisers so callers name only what
                                                 # they change; -Wextra would flag every one.
                                                 -Wno-missing-field-initializers)
# GCC 12's flow-based buffer warnings misfire on libstdc++'s own string and vector code once it
# is inlined at -O2 (GCC bug 105329 and its kin: "may overlap up to 9223372036854775813 bytes"),
# so an optimised build was not clean. GCC 13 fixed them; clang and the Debug build keep them.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(wsspec_warnings INTERFACE
                           $<$<NOT:$<CONFIG:Debug>>:-Wno-restrict -Wno-stringop-overflow
                                                    -Wno-stringop-overread>)
endif()
if(WSSPEC_WERROR)
    target_compile_options(wsspec_warnings INTERFACE -Werror)
endif()

# One place for the warning set, applied per target so third-party headers stay quiet.
add_library(wsspec_warnings INTERFACE)
target_compile_options(wsspec_warnings INTERFACE -Wall -Wextra -Wshadow -Wnon-virtual-dtor
                                                 -Wimplicit-fallthrough
                                                 # Options structs have default member
                                                 # initialisers so callers name only what
                                                 # they change; -Wextra would flag every one.
                                                 -Wno-missing-field-initializers)
if(WSSPEC_WERROR)
    target_compile_options(wsspec_warnings INTERFACE -Werror)
endif()

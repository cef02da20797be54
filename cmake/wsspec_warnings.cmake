# One place for the warning set, applied per target so third-party headers stay quiet.
add_library(wsspec_warnings INTERFACE)
target_compile_options(wsspec_warnings INTERFACE -Wall -Wextra -Wshadow -Wnon-virtual-dtor
                                                 -Wimplicit-fallthrough)
if(WSSPEC_WERROR)
    target_compile_options(wsspec_warnings INTERFACE -Werror)
endif()

#pragma once
// Everything the rest of the harness needs from the transport layer.
#include "harness/transport/connect.hpp"
#include "harness/transport/listener.hpp"
#include "harness/transport/socket.hpp"
#include "harness/transport/stream.hpp"
#include "harness/transport/test_cert.hpp"
#include "harness/transport/tls_options.hpp"
#include "harness/transport/url.hpp"

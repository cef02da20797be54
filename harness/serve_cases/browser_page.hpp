#pragma once
// The page serve-cases gives a browser at GET /: it runs Autobahn's client loop with the
// browser's own WebSocket against the server that served it, echoing every message, then asks
// for the reports. `?agent=NAME` names the agent (default: the browser's name and version);
// `?cases=1-20` runs only those case numbers. When it is done the page says so in its title and
// in `document.body.dataset.done` (what `wsspec browser` and the tests wait for).
#include <string_view>

namespace wsspec::serve_cases {

std::string_view browser_page() noexcept;

} // namespace wsspec::serve_cases

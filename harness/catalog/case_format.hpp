#pragma once
// The field names of every object in a case file, in one table. The loader rejects any other
// field with an error naming it; a test checks that cases/case.schema.json lists exactly these,
// so the loader, the schema and cases/README.md cannot drift apart unnoticed.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace wsspec::catalog {

enum class object_kind : std::uint8_t {
    file,          // {"group", "cases", …}
    case_entry,    // one case, or a family template
    params_table,  // "params": {"columns": [...], "rows": [[...]]}
    handshake,     // "handshake"
    http_edits,    // "handshake.request" / "handshake.response"
    extensions,    // "extensions"
    send_step,     // {"send": FRAME, …}
    frame,         // FRAME
    close_step,    // {"close": {…}} as a step
    wait_step,     // {"wait": S, "record": …}
    timer,         // "timer"
    close,         // the close expectation
    message_event, // {"message": {…}}
    close_event,   // {"close": {…}} as an event
    http_event,    // {"http_response": {…}} / {"http_request": {…}}
    added_field,   // {"name": …, "value": PAYLOAD} in an edit's "add"
};

std::span<const std::string_view> fields_of(object_kind k) noexcept;
bool is_field(object_kind k, std::string_view name) noexcept;
std::string field_list(object_kind k); // "a, b, c"
std::string_view to_string(object_kind k) noexcept;
// The schema's name for the object ($defs key in cases/case.schema.json).
std::string_view schema_name(object_kind k) noexcept;
inline constexpr object_kind all_object_kinds[] = {
    object_kind::file,          object_kind::case_entry,  object_kind::params_table,
    object_kind::handshake,     object_kind::http_edits,  object_kind::extensions,
    object_kind::send_step,     object_kind::frame,       object_kind::close_step,
    object_kind::wait_step,     object_kind::timer,       object_kind::close,
    object_kind::message_event, object_kind::close_event, object_kind::http_event,
    object_kind::added_field};

} // namespace wsspec::catalog

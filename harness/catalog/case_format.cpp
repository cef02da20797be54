#include "harness/catalog/case_format.hpp"

#include <algorithm>
#include <array>

namespace wsspec::catalog {
namespace {

using sv = std::string_view;

constexpr std::array file_fields{sv("group"),    sv("title"),     sv("note"),
                                 sv("defaults"), sv("templates"), sv("cases")};
constexpr std::array case_fields{sv("id"),
                                 sv("title"),
                                 sv("description"),
                                 sv("rfc"),
                                 sv("quote"),
                                 sv("requirement"),
                                 sv("note"),
                                 sv("roles"),
                                 sv("headers"),
                                 sv("handshake"),
                                 sv("extensions"),
                                 sv("steps"),
                                 sv("timer"),
                                 sv("expect"),
                                 sv("close"),
                                 sv("close_failure_fatal"),
                                 sv("wrong_endpoint_fatal"),
                                 sv("suppress_close"),
                                 sv("close_after_events"),
                                 sv("pongs_apart"),
                                 sv("informational"),
                                 sv("still_serves"),
                                 sv("client_checks"),
                                 sv("connections"),
                                 sv("quirks"),
                                 sv("params"),
                                 sv("cross"),
                                 sv("use")};
constexpr std::array params_fields{sv("columns"), sv("rows")};
constexpr std::array handshake_fields{
    sv("request"), sv("response"),        sv("raw"), sv("chop"), sv("interval"),
    sv("within"),  sv("with_first_frame")};
constexpr std::array added_field_fields{sv("name"), sv("value")};
constexpr std::array http_edit_fields{
    sv("method"),        sv("target"), sv("version"), sv("status"),
    sv("reason_phrase"), sv("remove"), sv("replace"), sv("add")};
constexpr std::array extension_fields{sv("offer"), sv("require"), sv("accept")};
constexpr std::array send_fields{sv("send"),   sv("fragment"), sv("sync"),   sv("chop"),
                                 sv("pieces"), sv("between"),  sv("repeat"), sv("within"),
                                 sv("slide"),  sv("grow")};
constexpr std::array frame_fields{sv("opcode"),          sv("fin"),       sv("rsv"),
                                  sv("payload"),         sv("mask"),      sv("length"),
                                  sv("declared_length"), sv("compressed")};
constexpr std::array close_step_fields{sv("code"), sv("reason"), sv("payload")};
constexpr std::array wait_fields{sv("wait"), sv("record"), sv("until")};
constexpr std::array timer_fields{sv("kill"), sv("close")};
constexpr std::array close_fields{sv("by"), sv("codes"), sv("clean"), sv("empty"), sv("reason")};
constexpr std::array message_fields{sv("text"), sv("text_hex"), sv("binary")};
constexpr std::array close_event_fields{sv("code"), sv("reason")};
constexpr std::array http_event_fields{sv("status"), sv("method"), sv("fields"), sv("exact"),
                                       sv("absent")};

} // namespace

std::span<const std::string_view> fields_of(object_kind k) noexcept {
    switch (k) {
    case object_kind::file: return file_fields;
    case object_kind::case_entry: return case_fields;
    case object_kind::params_table: return params_fields;
    case object_kind::handshake: return handshake_fields;
    case object_kind::http_edits: return http_edit_fields;
    case object_kind::extensions: return extension_fields;
    case object_kind::send_step: return send_fields;
    case object_kind::frame: return frame_fields;
    case object_kind::close_step: return close_step_fields;
    case object_kind::wait_step: return wait_fields;
    case object_kind::timer: return timer_fields;
    case object_kind::close: return close_fields;
    case object_kind::message_event: return message_fields;
    case object_kind::close_event: return close_event_fields;
    case object_kind::http_event: return http_event_fields;
    case object_kind::added_field: return added_field_fields;
    }
    return {};
}

bool is_field(object_kind k, std::string_view name) noexcept {
    auto f = fields_of(k);
    return std::find(f.begin(), f.end(), name) != f.end();
}

std::string field_list(object_kind k) {
    std::string s;
    for (auto f : fields_of(k))
        s += (s.empty() ? "" : ", ") + std::string(f);
    return s;
}

std::string_view to_string(object_kind k) noexcept {
    switch (k) {
    case object_kind::file: return "case file";
    case object_kind::case_entry: return "case";
    case object_kind::params_table: return "params table";
    case object_kind::handshake: return "handshake";
    case object_kind::http_edits: return "HTTP message edit";
    case object_kind::extensions: return "extensions";
    case object_kind::send_step: return "send step";
    case object_kind::frame: return "frame";
    case object_kind::close_step: return "close step";
    case object_kind::wait_step: return "wait step";
    case object_kind::timer: return "timer";
    case object_kind::close: return "close expectation";
    case object_kind::message_event: return "message event";
    case object_kind::close_event: return "close event";
    case object_kind::http_event: return "HTTP event";
    case object_kind::added_field: return "added header field";
    }
    return "?";
}

std::string_view schema_name(object_kind k) noexcept {
    switch (k) {
    case object_kind::file: return "file";
    case object_kind::case_entry: return "case";
    case object_kind::params_table: return "params_table";
    case object_kind::handshake: return "handshake";
    case object_kind::http_edits: return "http_edits";
    case object_kind::extensions: return "extensions";
    case object_kind::send_step: return "send_step";
    case object_kind::frame: return "frame";
    case object_kind::close_step: return "close_step";
    case object_kind::wait_step: return "wait_step";
    case object_kind::timer: return "timer";
    case object_kind::close: return "close";
    case object_kind::message_event: return "message_event";
    case object_kind::close_event: return "close_event";
    case object_kind::http_event: return "http_event";
    case object_kind::added_field: return "added_field";
    }
    return "?";
}

} // namespace wsspec::catalog

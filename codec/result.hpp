#pragma once
// A small result type: clang 14 with libstdc++ 12 has no std::expected, and the codec must not
// throw. The error is the primary value (simdjson style): `if (!r) use(r.error());`.
#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace wsspec {

// What kind of failure, for code that must act on it (a reset may mean the target died; bad
// input exits 2); the message is for people and is never searched.
enum class error_kind : unsigned char {
    other,
    bad_input, // a case file, spec file or flag
    refused,   // connection refused
    reset,     // the peer reset the connection
    closed,    // the peer closed the connection
    timeout,   // a deadline passed
    tls,       // TLS handshake or certificate
    handshake, // the WebSocket opening handshake
};

// An error with a human-readable message, for layers above the codec (harness, cases, CLI).
struct error_info {
    std::string message;
    error_kind kind = error_kind::other;
};

template <class T, class E = error_info>
class [[nodiscard]] result {
public:
    result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
    result(E error) : v_(std::in_place_index<1>, std::move(error)) {}

    explicit operator bool() const noexcept { return v_.index() == 0; }
    bool has_value() const noexcept { return v_.index() == 0; }

    T& value() & {
        assert(has_value());
        return std::get<0>(v_);
    }
    const T& value() const& {
        assert(has_value());
        return std::get<0>(v_);
    }
    T&& value() && {
        assert(has_value());
        return std::get<0>(std::move(v_));
    }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const E& error() const& {
        assert(!has_value());
        return std::get<1>(v_);
    }
    E&& error() && {
        assert(!has_value());
        return std::get<1>(std::move(v_));
    }

private:
    std::variant<T, E> v_;
};

// result<void>: success carries nothing.
template <class E>
class [[nodiscard]] result<void, E> {
public:
    result() = default;
    result(E error) : err_(std::move(error)), ok_(false) {}
    explicit operator bool() const noexcept { return ok_; }
    bool has_value() const noexcept { return ok_; }
    const E& error() const& {
        assert(!ok_);
        return err_;
    }

private:
    E err_{};
    bool ok_ = true;
};

inline error_info make_error(std::string message, error_kind kind = error_kind::other) {
    return error_info{std::move(message), kind};
}

} // namespace wsspec

#include "harness/engine/compressed_cache.hpp"

#include <algorithm>

namespace wsspec::engine {

std::size_t compressed_cache::key_hash::operator()(const key& k) const noexcept {
    std::uint64_t h = 1469598103934665603ull;
    for (std::uint64_t v :
         {static_cast<std::uint64_t>(k.corpus), k.offset, k.size,
          static_cast<std::uint64_t>(k.window_bits), static_cast<std::uint64_t>(k.level)})
        h = (h ^ v) * 1099511628211ull;
    return static_cast<std::size_t>(h);
}

std::shared_ptr<const compressed_cache::bytes>
compressed_cache::compress(const catalog::payload& message, deflate::deflater& d) {
    auto make = [&] {
        auto out = std::make_shared<bytes>();
        // Generated and compressed 64 KiB at a time: a message is never whole here (pmd.data.3
        // compresses a gibibyte of zeros).
        std::vector<std::uint8_t> part(std::min<std::uint64_t>(message.size(), 64 * 1024));
        for (std::uint64_t at = 0; at < message.size(); at += part.size()) {
            auto n =
                static_cast<std::size_t>(std::min<std::uint64_t>(part.size(), message.size() - at));
            message.generate(at, std::span(part).first(n));
            d.append(std::span(part).first(n), *out);
        }
        d.finish(*out);
        out->shrink_to_fit(); // the deflater reserves room for the worst case
        return std::shared_ptr<const bytes>(std::move(out));
    };
    if (message.kind() != catalog::payload::form::corpus || d.context_takeover()) return make();
    const key k{message.corpus(), message.offset(), message.size(), d.window_bits(), d.level()};
    {
        std::lock_guard lock(m_);
        if (auto it = entries_.find(k); it != entries_.end()) {
            ++hits_;
            lru_.splice(lru_.begin(), lru_, it->second.age);
            return it->second.data;
        }
        ++misses_;
    }
    // Compressed outside the lock: cases compress in parallel. Two cases missing the same
    // window at once both compress it; the first to insert wins.
    auto data = make();
    insert(k, data);
    return data;
}

void compressed_cache::insert(const key& k, std::shared_ptr<const bytes> data) {
    if (data->size() > budget_) return;
    std::lock_guard lock(m_);
    if (entries_.contains(k)) return;
    lru_.push_front(k);
    held_ += data->size();
    entries_.emplace(k, entry{std::move(data), lru_.begin()});
    while (held_ > budget_) {
        auto oldest = entries_.find(lru_.back());
        held_ -= oldest->second.data->size();
        entries_.erase(oldest);
        lru_.pop_back();
    }
}

compressed_cache& compressed_cache::shared() {
    static compressed_cache cache(128u << 20);
    return cache;
}

std::uint64_t compressed_cache::hits() const {
    std::lock_guard lock(m_);
    return hits_;
}

std::uint64_t compressed_cache::misses() const {
    std::lock_guard lock(m_);
    return misses_;
}

std::size_t compressed_cache::held() const {
    std::lock_guard lock(m_);
    return held_;
}

} // namespace wsspec::engine

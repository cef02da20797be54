#pragma once
// The messages wsspec sends compressed, kept so that each distinct one is compressed once.
//
// Without context takeover (every offer of wsspec's, as of Autobahn's, carries
// client_no_context_takeover) a message's compressed bytes depend only on its bytes and the
// deflater's window and level. Categories 12 and 13 send the same corpus windows again and
// again: 12.1 and 13.1-13.7 all cut the JSON corpus at the same sizes, and in every sub-group
// the 131072-byte rows 10 and 15-18 send the same messages in other frame sizes. A catalog run
// so compresses about a tenth of what it sends. Only corpus windows are kept (they are what is
// sent at scale); the least recently used go first once the cache holds `budget` bytes.
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "codec/deflate/message_deflate.hpp"
#include "harness/catalog/payload.hpp"

namespace wsspec::engine {

class compressed_cache {
public:
    using bytes = std::vector<std::uint8_t>;
    explicit compressed_cache(std::size_t budget) : budget_(budget) {}

    // The compressed form of `message` as `d` writes it. Kept only when `message` is a corpus
    // window and `d` has no context takeover; otherwise `d` compresses it on every call.
    std::shared_ptr<const bytes> compress(const catalog::payload& message, deflate::deflater& d);

    // The process's cache (128 MiB), shared by the cases running at once.
    static compressed_cache& shared();

    std::uint64_t hits() const;
    std::uint64_t misses() const;
    std::size_t held() const; // compressed bytes kept

private:
    struct key {
        catalog::corpus_kind corpus;
        std::uint64_t offset, size;
        int window_bits, level;
        bool operator==(const key&) const = default;
    };
    struct key_hash {
        std::size_t operator()(const key& k) const noexcept;
    };
    struct entry {
        std::shared_ptr<const bytes> data;
        std::list<key>::iterator age; // position in lru_
    };

    void insert(const key& k, std::shared_ptr<const bytes> data);

    const std::size_t budget_;
    mutable std::mutex m_;
    std::unordered_map<key, entry, key_hash> entries_;
    std::list<key> lru_; // most recently used first
    std::size_t held_ = 0;
    std::uint64_t hits_ = 0, misses_ = 0;
};

} // namespace wsspec::engine

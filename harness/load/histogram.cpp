#include "harness/load/histogram.hpp"

#include <algorithm>
#include <cmath>

namespace wsspec::load {

log_linear_histogram::log_linear_histogram(unsigned bits, std::uint64_t highest)
    : bits_(std::clamp(bits, 2u, 20u)), exact_(std::uint64_t{1} << bits_),
      half_(std::uint64_t{1} << (bits_ - 1)), highest_(std::max(highest, exact_)) {
    counts_.assign(index_of(highest_) + 1, 0);
}

void log_linear_histogram::merge(const log_linear_histogram& other) noexcept {
    const std::size_t n = std::min(counts_.size(), other.counts_.size());
    for (std::size_t i = 0; i < n; ++i)
        counts_[i] += other.counts_[i];
    total_ += other.total_;
    sum_ += other.sum_;
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
}

void log_linear_histogram::reset() noexcept {
    std::fill(counts_.begin(), counts_.end(), 0);
    total_ = 0;
    sum_ = 0;
    min_ = ~std::uint64_t{0};
    max_ = 0;
}

std::uint64_t log_linear_histogram::highest_equivalent(std::size_t index) const noexcept {
    if (index < exact_) return index;
    const std::uint64_t above = index - exact_;
    const std::uint64_t shift = above / half_ + 1;
    const std::uint64_t sub = above % half_ + half_;
    return ((sub + 1) << shift) - 1;
}

std::uint64_t log_linear_histogram::percentile(double p) const noexcept {
    if (total_ == 0) return 0;
    p = std::clamp(p, 0.0, 100.0);
    // The rank of the sample asked for, counting from 1: the smallest r with r/total >= p/100.
    // (The small slack keeps 99.9 % of 1000 at rank 999 despite 0.999 not being exact in binary.)
    auto rank =
        static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(total_) - 1e-9));
    rank = std::clamp<std::uint64_t>(rank, 1, total_);
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
        seen += counts_[i];
        // The last counter also holds everything clamped to `highest`: only max_ bounds those.
        if (seen >= rank)
            return i + 1 == counts_.size() ? max_ : std::min(highest_equivalent(i), max_);
    }
    return max_;
}

std::vector<std::pair<double, std::uint64_t>>
log_linear_histogram::log_bins(unsigned bins_per_octave) const {
    std::vector<std::pair<double, std::uint64_t>> bins;
    if (!total_ || bins_per_octave == 0) return bins;
    const double step = 1.0 / bins_per_octave;
    // Bin k holds values in (2^((k-1)·step), 2^(k·step)]; value 0 and 1 land in bin 0.
    auto bin_of = [&](std::uint64_t v) {
        return v <= 1
                   ? 0
                   : static_cast<std::size_t>(std::ceil(std::log2(static_cast<double>(v)) / step));
    };
    const std::size_t first = bin_of(min()), last = bin_of(max_);
    bins.resize(last - first + 1);
    for (std::size_t k = 0; k < bins.size(); ++k)
        bins[k] = {std::exp2(static_cast<double>(first + k) * step), 0};
    for (std::size_t i = 0; i < counts_.size(); ++i) {
        if (!counts_[i]) continue;
        auto v = std::min(highest_equivalent(i), max_);
        auto k = std::clamp(bin_of(v), first, last) - first;
        bins[k].second += counts_[i];
    }
    return bins;
}

} // namespace wsspec::load

#pragma once
// A log-linear histogram of non-negative integers, laid out as HdrHistogram lays out its
// counts: values below 2^bits are counted exactly; above, every power-of-two range
// [2^k, 2^(k+1)) is cut into 2^(bits-1) equal sub-buckets. Memory and the cost of a record are
// fixed whatever the number of samples (a sorted vector of samples would grow with the run),
// and histograms of several threads merge by adding counts.
//
// Accuracy: a percentile is reported as the highest value its sub-bucket can hold (capped at
// the exact maximum), so it is never below the true value and at most relative_error() above
// it: 2^-(bits-1), 1/1024 with the default 11 bits.
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace wsspec::load {

class log_linear_histogram {
public:
    // `highest`: larger values are counted as `highest` (the exact maximum is still kept).
    explicit log_linear_histogram(unsigned bits = 11,
                                  std::uint64_t highest = std::uint64_t{1} << 40);

    void record(std::uint64_t value, std::uint64_t count = 1) noexcept {
        const std::uint64_t v = value < highest_ ? value : highest_;
        counts_[index_of(v)] += count;
        total_ += count;
        sum_ += static_cast<double>(value) * static_cast<double>(count);
        if (value < min_) min_ = value;
        if (value > max_) max_ = value;
    }

    // Adds another histogram's counts; both must have been made with the same arguments.
    void merge(const log_linear_histogram& other) noexcept;
    void reset() noexcept;

    std::uint64_t count() const noexcept { return total_; }
    std::uint64_t min() const noexcept { return total_ ? min_ : 0; }
    std::uint64_t max() const noexcept { return max_; }
    double mean() const noexcept { return total_ ? sum_ / static_cast<double>(total_) : 0.0; }

    // The value below or at which `p` percent of the samples lie (0 < p <= 100), as described
    // above; 0 for an empty histogram.
    std::uint64_t percentile(double p) const noexcept;

    double relative_error() const noexcept { return 1.0 / static_cast<double>(half_); }
    unsigned bits() const noexcept { return bits_; }
    std::uint64_t highest() const noexcept { return highest_; }

    // The counts regrouped into bins whose upper bounds grow by 2^(1/bins_per_octave), from
    // the bin of the smallest sample to that of the largest (empty bins between included):
    // what a chart of the distribution draws. Each pair is {upper bound, count}.
    std::vector<std::pair<double, std::uint64_t>> log_bins(unsigned bins_per_octave = 4) const;

    // Bucket index of a value, and the highest value that shares it (for tests).
    std::size_t index_of(std::uint64_t v) const noexcept {
        if (v < exact_) return static_cast<std::size_t>(v);
        const unsigned shift = static_cast<unsigned>(63 - __builtin_clzll(v)) - (bits_ - 1);
        return static_cast<std::size_t>(exact_ + (shift - 1) * half_ + ((v >> shift) - half_));
    }
    std::uint64_t highest_equivalent(std::size_t index) const noexcept;

private:
    unsigned bits_;
    std::uint64_t exact_; // 2^bits: below this every value has its own counter
    std::uint64_t half_;  // 2^(bits-1): sub-buckets per power of two above exact_
    std::uint64_t highest_;
    std::vector<std::uint64_t> counts_;
    std::uint64_t total_ = 0;
    std::uint64_t min_ = ~std::uint64_t{0};
    std::uint64_t max_ = 0;
    double sum_ = 0;
};

} // namespace wsspec::load

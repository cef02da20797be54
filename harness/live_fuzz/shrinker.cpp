#include "harness/live_fuzz/shrinker.hpp"

#include <utility>
#include <vector>

namespace wsspec::live_fuzz {
namespace {

using catalog::case_def;
using catalog::step_def;

class reducer {
public:
    reducer(case_def c, const reproduces_fn& f, std::size_t budget, shrink_stats& s,
            const std::function<bool()>& stop)
        : best_(std::move(c)), reproduces_(f), budget_(budget), stats_(s), stop_(stop) {}

    bool exhausted() const { return stats_.attempts >= budget_ || (stop_ && stop_()); }

    // Runs the candidate; keeps it when the finding is still there.
    bool attempt(case_def candidate) {
        if (exhausted()) return false;
        ++stats_.attempts;
        if (!reproduces_(candidate)) return false;
        ++stats_.accepted;
        best_ = std::move(candidate);
        return true;
    }

    // Delta debugging over the steps before the probe: remove chunks, halving their size.
    bool drop_steps() {
        bool changed = false;
        for (std::size_t chunk = std::max<std::size_t>(1, body() / 2); chunk >= 1 && !exhausted();
             chunk /= 2) {
            for (std::size_t i = 0; i < body() && !exhausted();) {
                auto c = best_;
                auto n = std::min(chunk, body() - i);
                c.steps.erase(c.steps.begin() + static_cast<std::ptrdiff_t>(i),
                              c.steps.begin() + static_cast<std::ptrdiff_t>(i + n));
                if (attempt(std::move(c)))
                    changed = true;
                else
                    i += chunk;
            }
            if (chunk == 1) break;
        }
        return changed;
    }

    bool simplify_steps() {
        bool changed = false;
        for (std::size_t i = 0; i < body() && !exhausted(); ++i) {
            auto variant = [&](auto&& edit) {
                auto c = best_;
                if (!edit(c.steps[i])) return false;
                return attempt(std::move(c));
            };
            changed |= variant([](step_def& s) {
                if (!s.chop && !s.sync) return false;
                s.chop = 0;
                s.sync = false;
                return true;
            });
            changed |= variant([](step_def& s) { return std::exchange(s.fragment, 0) != 0; });
            // Payloads: empty, else halve while it still reproduces.
            for (bool progress = true; progress && !exhausted();) {
                progress = false;
                auto& p = best_.steps[i].type == step_def::kind::raw
                              ? best_.steps[i].raw.edit()
                              : best_.steps[i].frame.data.edit();
                if (p.empty()) break;
                for (std::size_t keep : {std::size_t{0}, p.size() / 2}) {
                    if (keep >= p.size()) continue;
                    bool cut = variant([keep](step_def& s) {
                        auto& q =
                            s.type == step_def::kind::raw ? s.raw.edit() : s.frame.data.edit();
                        if (s.fragment && keep > 0) s.fragment = std::min(s.fragment, keep);
                        q.resize(keep);
                        return s.type != step_def::kind::raw || keep > 0;
                    });
                    if (cut) {
                        changed = progress = true;
                        break;
                    }
                }
            }
        }
        return changed;
    }

    bool drop_headers() {
        bool changed = false;
        if (best_.headers.empty()) return false;
        auto c = best_;
        c.headers.clear();
        if (attempt(std::move(c))) return true;
        for (std::size_t i = 0; i < best_.headers.size() && !exhausted();) {
            auto d = best_;
            d.headers.erase(d.headers.begin() + static_cast<std::ptrdiff_t>(i));
            if (attempt(std::move(d)))
                changed = true;
            else
                ++i;
        }
        return changed;
    }

    case_def result() && { return std::move(best_); }

private:
    // Steps that may go: all but the probe ping at the end.
    std::size_t body() const { return best_.steps.empty() ? 0 : best_.steps.size() - 1; }

    case_def best_;
    const reproduces_fn& reproduces_;
    std::size_t budget_;
    shrink_stats& stats_;
    const std::function<bool()>& stop_;
};

} // namespace

case_def shrink(case_def c, const reproduces_fn& reproduces, std::size_t budget,
                shrink_stats& stats, const std::function<bool()>& stop) {
    reducer r(std::move(c), reproduces, budget, stats, stop);
    // Each pass can open the way for another (a shorter payload makes a step removable...).
    for (bool changed = true; changed && !r.exhausted();) {
        changed = r.drop_steps();
        changed |= r.drop_headers();
        changed |= r.simplify_steps();
    }
    return std::move(r).result();
}

} // namespace wsspec::live_fuzz

#include "harness/engine/scheduler.hpp"

#include <condition_variable>
#include <mutex>
#include <thread>

#include <fmt/format.h>

namespace wsspec::engine {

namespace {

// A case's connection ended badly: worth asking whether the server is still there.
bool suspicious(const report::case_result& r) {
    return r.behavior == report::verdict::error || (!r.was_clean && !r.closed_by_me) ||
           r.peer_reset;
}

// The case wanted a WebSocket connection and got no HTTP answer at all (silence until the
// handshake timeout, a trickle, a reset): the kind of failure that makes every case wait.
bool handshake_unanswered(const catalog::case_def& c, const report::case_result& r) {
    // ERROR (connect or TLS failed) is not counted: crash detection judges those.
    return c.close.by != catalog::close_expectation::endpoint::none && !r.upgraded &&
           r.http_response.empty() && r.behavior != report::verdict::error;
}

// How long a case keeps a worker, roughly: round trips in sequence (a repeat step) longest, then
// large messages and pauses (a wait step: 5.19 and 5.20 pause for the settle time, the longest
// part of a run of categories 1-5), then the rest.
int length_rank(const catalog::case_def& c, std::uint64_t weight) {
    bool waits = false;
    for (const auto& s : c.steps) {
        if (s.repeat) return 2;
        waits = waits || s.type == catalog::step_def::kind::wait;
    }
    return weight > 0 || waits ? 1 : 0;
}

// The order cases are started in: the long ones first, so that the rest overlap them; each rank
// in catalog order.
std::vector<std::size_t> start_order(const std::vector<catalog::case_def>& cases,
                                     const std::vector<std::uint64_t>& weight) {
    std::vector<std::size_t> order;
    for (int rank = 2; rank >= 0; --rank)
        for (std::size_t i = 0; i < cases.size(); ++i)
            if (length_rank(cases[i], weight[i]) == rank) order.push_back(i);
    return order;
}

} // namespace

std::uint64_t memory_weight(const catalog::case_def& c) {
    std::uint64_t largest = 0;
    for (const auto& s : c.steps)
        if (s.type == catalog::step_def::kind::send)
            largest = std::max(largest, s.largest_payload());
    for (const auto& e : c.expect)
        for (const auto& outcome : e.outcomes)
            for (const auto& ev : outcome)
                largest = std::max(largest, ev.data.size());
    return largest >= (std::uint64_t{1} << 20) ? largest : 0;
}

void run_cases(const std::vector<catalog::case_def>& cases, const run_options& o,
               const schedule_options& so, report::run_report& report) {
    std::vector<std::optional<report::case_result>> results(cases.size());
    std::vector<std::uint64_t> weight;
    for (const auto& c : cases)
        weight.push_back(memory_weight(c));
    std::vector<std::size_t> queue = start_order(cases, weight);
    std::mutex qm;
    std::condition_variable qcv;
    std::uint64_t in_flight = 0; // weight of the cases running
    std::atomic<bool> crashed{false};
    std::atomic<bool> gave_up{false};
    std::mutex m;
    std::size_t done = 0;
    std::string crash_case;
    // Opening handshakes that got no answer, in a row (in completion order): after a few the
    // target is not answering, and every case left would only wait for its own timeout.
    std::size_t unanswered = 0;
    std::string give_up_reason;

    auto stopped = [&] { return crashed || gave_up || (so.interrupted && *so.interrupted); };
    // The next case that fits the memory budget; none once all are started or the run stops.
    auto take = [&]() -> std::optional<std::size_t> {
        std::unique_lock lock(qm);
        for (;;) {
            if (stopped() || queue.empty()) return std::nullopt;
            for (auto it = queue.begin(); it != queue.end(); ++it) {
                const std::uint64_t w = weight[*it];
                if (w == 0 || in_flight == 0 || in_flight + w <= so.memory_budget) {
                    const std::size_t i = *it;
                    queue.erase(it);
                    in_flight += w;
                    return i;
                }
            }
            qcv.wait_for(lock, std::chrono::milliseconds(100)); // a large case must end first
        }
    };

    auto worker = [&] {
        for (;;) {
            auto next = take();
            if (!next) return;
            const std::size_t i = *next;
            auto r = run_case(cases[i], o);
            {
                std::lock_guard lock(qm);
                in_flight -= weight[i];
            }
            qcv.notify_all();
            {
                std::lock_guard lock(m);
                if (!handshake_unanswered(cases[i], r)) {
                    if (r.upgraded) unanswered = 0;
                } else if (++unanswered >= so.give_up_after && !gave_up.exchange(true)) {
                    give_up_reason = fmt::format(
                        "the last {} opening handshakes got no answer (the last: {}); the "
                        "remaining cases were not run",
                        unanswered, r.reason);
                }
            }
            if (suspicious(r) && !target_alive(o, std::chrono::milliseconds(1000))) {
                std::lock_guard lock(m);
                if (!crashed.exchange(true)) {
                    crash_case = r.id;
                    r.behavior = r.behavior_close = report::verdict::crashed;
                    r.reason = "the target stopped accepting connections after this case" +
                               (r.reason.empty() ? "" : " (" + r.reason + ")");
                }
            }
            std::lock_guard lock(m);
            ++done;
            if (so.on_result) so.on_result(r, done, cases.size());
            results[i] = std::move(r);
        }
    };
    unsigned n = std::max(1u, std::min<unsigned>(so.jobs, static_cast<unsigned>(cases.size())));
    std::vector<std::thread> threads;
    for (unsigned k = 0; k < n; ++k)
        threads.emplace_back(worker);
    for (auto& t : threads)
        t.join();

    if (crashed)
        report.note = "the target stopped accepting connections after case " + crash_case;
    else if (gave_up)
        report.note = give_up_reason;
    if (so.interrupted && *so.interrupted) report.interrupted = true;
    for (std::size_t i = 0; i < cases.size(); ++i) {
        if (results[i]) {
            report.cases.push_back(std::move(*results[i]));
            continue;
        }
        if (!crashed && !gave_up) continue; // interrupted: the report holds what ran
        report::case_result r = blank_result(cases[i]);
        r.behavior = r.behavior_close = report::verdict::error;
        r.reason =
            crashed ? "not run: the target stopped accepting connections after case " + crash_case
                    : "not run: " + give_up_reason;
        report.cases.push_back(std::move(r));
    }
}

} // namespace wsspec::engine

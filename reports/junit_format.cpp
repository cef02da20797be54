#include "reports/junit_format.hpp"

#include <fmt/format.h>

#include "reports/text.hpp"
#include "reports/write_file.hpp"

namespace wsspec::report {
namespace {

struct counts {
    std::size_t tests = 0, failures = 0, errors = 0, skipped = 0;
    double seconds = 0;
};

enum class outcome { pass, failure, error, skipped };

outcome outcome_of(const case_result& c, bool strict) {
    if (c.behavior == verdict::error || c.behavior == verdict::crashed) return outcome::error;
    if (!passed(c, strict)) return outcome::failure;
    if (c.behavior == verdict::unimplemented) return outcome::skipped;
    return outcome::pass;
}

std::string verdict_pair(const case_result& c) {
    return fmt::format("behavior {}, behaviorClose {}", to_string(c.behavior),
                       to_string(c.behavior_close));
}

// The failure's text: what a developer reads first in the CI log.
std::string failure_body(const case_result& c) {
    std::string s = verdict_pair(c) + "\n";
    if (!c.reason.empty()) s += c.reason + "\n";
    if (!c.rfc.empty()) s += "RFC 6455 §" + c.rfc + (c.quote.empty() ? "" : ": " + c.quote) + "\n";
    if (c.remote_close_code) s += fmt::format("the server closed with {}\n", *c.remote_close_code);
    return s;
}

std::string testcase(const run_report& t, const case_result& c, counts& n) {
    ++n.tests;
    n.seconds += c.duration_ms / 1000;
    std::string group = c.group.empty() ? "cases" : c.group;
    std::string out = fmt::format(R"(    <testcase name="{}" classname="{}.{}" time="{:.3f}")",
                                  markup_escape(c.id + " " + c.title), markup_escape(t.agent),
                                  markup_escape(group), c.duration_ms / 1000);
    std::string message = c.reason.empty() ? verdict_pair(c) : c.reason;
    // A failure and an error are written alike; only the element and its counter differ.
    auto problem = [&](const char* element, std::size_t& counter) {
        ++counter;
        return out + fmt::format(">\n      <{0} message=\"{1}\" type=\"{2}\">{3}</{0}>\n"
                                 "    </testcase>\n",
                                 element, markup_escape(message),
                                 markup_escape(to_string(c.behavior)),
                                 markup_escape(failure_body(c)));
    };
    switch (outcome_of(c, t.strict)) {
    case outcome::pass: return out + "/>\n";
    case outcome::failure: return problem("failure", n.failures);
    case outcome::error: return problem("error", n.errors);
    case outcome::skipped:
        ++n.skipped;
        return out + fmt::format(">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                                 markup_escape(message));
    }
    return out + "/>\n";
}

} // namespace

std::string junit_xml(const std::vector<run_report>& targets) {
    counts all;
    std::string suites;
    for (const auto& t : targets) {
        counts n;
        std::string body;
        if (!t.error.empty()) {
            ++n.tests;
            ++n.errors;
            body += fmt::format("    <testcase name=\"connect\" classname=\"{}\" time=\"0\">\n"
                                "      <error message=\"{}\" type=\"unreachable\"/>\n"
                                "    </testcase>\n",
                                markup_escape(t.agent), markup_escape(t.error));
        }
        for (const auto& c : t.cases)
            body += testcase(t, c, n);
        suites += fmt::format(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" "
            "time=\"{:.3f}\" timestamp=\"{}\">\n"
            "    <properties>\n"
            "      <property name=\"target\" value=\"{}\"/>\n"
            "      <property name=\"strict\" value=\"{}\"/>\n"
            "    </properties>\n{}  </testsuite>\n",
            markup_escape(t.agent), n.tests, n.failures, n.errors, n.skipped, t.duration_ms / 1000,
            markup_escape(t.started), markup_escape(t.target), t.strict, body);
        all.tests += n.tests;
        all.failures += n.failures;
        all.errors += n.errors;
        all.skipped += n.skipped;
        all.seconds += t.duration_ms / 1000;
    }
    return fmt::format("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                       "<testsuites name=\"wsspec\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
                       "skipped=\"{}\" time=\"{:.3f}\">\n{}</testsuites>\n",
                       all.tests, all.failures, all.errors, all.skipped, all.seconds, suites);
}

result<void> write_junit(const std::vector<run_report>& targets, const std::string& path) {
    return write_file(path, junit_xml(targets));
}

} // namespace wsspec::report

#pragma once
// What a person sees: a live progress line on a terminal, plain lines otherwise, and a summary
// table at the end.
#include <cstdio>
#include <string>

#include "reports/report.hpp"

namespace wsspec::cli {

class progress {
public:
    // quiet: only the cases that did not pass, no progress line. label: printed before each
    // line, and no live line, when several targets run side by side and share the terminal.
    explicit progress(std::FILE* out, bool quiet = false, std::string label = "");
    void on_result(const report::case_result& r, std::size_t done, std::size_t total, bool strict);
    void finish();

private:
    std::FILE* out_;
    bool tty_;
    bool quiet_;
    std::string label_;
    std::size_t failed_ = 0;
};

void print_summary(std::FILE* out, const report::run_report& r);

// `run -v`: how long the cases took — a histogram by decade and the slowest ones, so what sets
// the wall time of a run is visible.
void print_durations(std::FILE* out, const report::run_report& r, std::size_t slowest = 10);

} // namespace wsspec::cli

#pragma once
// JUnit XML (`junit.xml`), the format every CI system shows test by test: one <testsuite> per
// agent, one <testcase> per case ("6.4.1 <title>", classname "<agent>.<group>"). A case that did
// not pass is a <failure> whose message is its reason; ERROR and CRASHED are <error>s;
// UNIMPLEMENTED (an extension the server declined) is <skipped>. A target that could not be
// reached is one <error> test case, so CI does not show an empty green suite.
#include <string>
#include <vector>

#include "codec/result.hpp"
#include "reports/report.hpp"

namespace wsspec::report {

std::string junit_xml(const std::vector<run_report>& targets);
result<void> write_junit(const std::vector<run_report>& targets, const std::string& path);

} // namespace wsspec::report

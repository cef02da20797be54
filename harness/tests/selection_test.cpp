// Case selection by Autobahn's patterns (-c / -x): "*" matches any run of characters, every
// other character only itself.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "harness/engine/selection.hpp"

namespace {

using namespace wsspec;

struct glob_case {
    const char* pattern;
    const char* id;
    bool match;
};

void PrintTo(const glob_case& g, std::ostream* os) {
    *os << '"' << g.pattern << "\" vs \"" << g.id << '"';
}

class SelectionGlob : public ::testing::TestWithParam<glob_case> {};

TEST_P(SelectionGlob, Matches) {
    const auto& g = GetParam();
    EXPECT_EQ(engine::glob_match(g.pattern, g.id), g.match) << g.pattern << " vs " << g.id;
}

INSTANTIATE_TEST_SUITE_P(
    SelectionAutobahn, SelectionGlob,
    ::testing::Values(glob_case{"*", "1.1.1", true}, glob_case{"*", "", true},
                      glob_case{"", "", true}, glob_case{"", "1", false},
                      glob_case{"1.*", "1.1.1", true}, glob_case{"1.*", "1.2.8", true},
                      glob_case{"1.*", "10.1.1", false}, glob_case{"1.*", "1", false},
                      glob_case{"1*", "10.1.1", true}, glob_case{"2.1", "2.1", true},
                      glob_case{"2.1", "2.10", false}, glob_case{"2.1", "12.1", false},
                      glob_case{"2.1", "2.1.1", false}, glob_case{"*.1", "2.1", true},
                      glob_case{"*.1", "2.10", false}, glob_case{"*.1.*", "5.1.3", true},
                      glob_case{"*.1.*", "5.11.3", false}, glob_case{"1.*.1", "1.1.1", true},
                      glob_case{"1.*.1", "1.2.1", true}, glob_case{"1.*.1", "1.2.11", false},
                      glob_case{"**", "x", true}, glob_case{"a*b*c", "aXbYc", true},
                      glob_case{"a*b*c", "abcb", false}, glob_case{"6.4.?", "6.4.1", false},
                      glob_case{"1.1.1", "1.1.1 ", false}, glob_case{"hs.*", "hs.10", true}));

TEST(SelectionSplit, CommasAndSpaces) {
    using v = std::vector<std::string>;
    EXPECT_EQ(engine::split_patterns("1.*"), v{"1.*"});
    EXPECT_EQ(engine::split_patterns("1.*,2.1"), (v{"1.*", "2.1"}));
    EXPECT_EQ(engine::split_patterns(" 1.* ,  2.1 , 3.*"), (v{"1.*", "2.1", "3.*"}));
    EXPECT_EQ(engine::split_patterns(""), v{});
    EXPECT_EQ(engine::split_patterns(" , ,"), v{});
    EXPECT_EQ(engine::split_patterns("1.1,,1.2,"), (v{"1.1", "1.2"}));
}

std::vector<catalog::case_def> catalog_of(std::vector<std::string> ids) {
    std::vector<catalog::case_def> all;
    for (auto& id : ids) {
        catalog::case_def c;
        c.id = id;
        all.push_back(c);
    }
    return all;
}

std::vector<std::string> ids(const std::vector<catalog::case_def>& cases) {
    std::vector<std::string> out;
    for (const auto& c : cases)
        out.push_back(c.id);
    return out;
}

TEST(SelectionSelect, IncludeAndExclude) {
    using v = std::vector<std::string>;
    auto all = catalog_of({"1.1.1", "1.1.2", "1.2.1", "2.1", "2.10", "10.1.1"});
    EXPECT_EQ(ids(engine::select(all, {}, {})), ids(all)) << "no pattern: everything";
    EXPECT_EQ(ids(engine::select(all, {"*"}, {})), ids(all));
    EXPECT_EQ(ids(engine::select(all, {"1.*"}, {})), (v{"1.1.1", "1.1.2", "1.2.1"}));
    EXPECT_EQ(ids(engine::select(all, {"2.1"}, {})), v{"2.1"});
    EXPECT_EQ(ids(engine::select(all, {"2.1", "10.*"}, {})), (v{"2.1", "10.1.1"}));
    EXPECT_EQ(ids(engine::select(all, {"1.*"}, {"1.1.*"})), v{"1.2.1"});
    EXPECT_EQ(ids(engine::select(all, {}, {"1.*", "2.1"})), (v{"2.10", "10.1.1"}));
    EXPECT_EQ(ids(engine::select(all, {"1.1.1"}, {"1.1.1"})), v{}) << "exclude wins";
    EXPECT_EQ(ids(engine::select(all, {"3.*"}, {})), v{});
    EXPECT_EQ(ids(engine::select(all, engine::split_patterns("1.1.* , 2.*"),
                                 engine::split_patterns(" 1.1.2 "))),
              (v{"1.1.1", "2.1", "2.10"}));
}

TEST(SelectionSelect, KeepsCatalogOrder) {
    auto all = catalog_of({"2.1", "1.1.1"});
    EXPECT_EQ(ids(engine::select(all, {"1.*", "2.*"}, {})), ids(all));
}

} // namespace

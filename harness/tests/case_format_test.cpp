// cases/case.schema.json against the loader's table of field names (case_format.hpp): the schema
// must list, for every kind of object, exactly the fields the loader accepts.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "harness/catalog/case_format.hpp"

namespace {

using nlohmann::json;
using namespace wsspec::catalog;

json load_schema() {
    std::ifstream in(std::string(WSSPEC_SOURCE_DIR) + "/cases/case.schema.json");
    EXPECT_TRUE(in) << "cannot open " << WSSPEC_SOURCE_DIR << "/cases/case.schema.json";
    return json::parse(in, nullptr, /*allow_exceptions=*/false);
}

TEST(CaseFormat, SchemaIsJsonWithDefs) {
    auto schema = load_schema();
    ASSERT_TRUE(schema.is_object()) << "case.schema.json is not valid JSON";
    EXPECT_EQ(schema.value("$schema", ""), "https://json-schema.org/draft/2020-12/schema");
    EXPECT_EQ(schema.value("$ref", ""), "#/$defs/file");
    ASSERT_TRUE(schema.contains("$defs"));
}

TEST(CaseFormat, SchemaListsExactlyTheLoadersFields) {
    auto schema = load_schema();
    ASSERT_TRUE(schema.is_object() && schema.contains("$defs"));
    for (auto kind : all_object_kinds) {
        std::string name(schema_name(kind));
        SCOPED_TRACE("$defs/" + name);
        ASSERT_TRUE(schema["$defs"].contains(name));
        const json& def = schema["$defs"][name];
        EXPECT_EQ(def.value("type", ""), "object");
        EXPECT_EQ(def.value("additionalProperties", true), false) << "typos must be rejected";
        ASSERT_TRUE(def.contains("properties"));
        std::set<std::string> in_schema, in_loader;
        for (const auto& [field, spec] : def["properties"].items()) {
            in_schema.insert(field);
            EXPECT_TRUE(spec.contains("description") && spec["description"].is_string() &&
                        !spec["description"].get<std::string>().empty())
                << field << " has no description";
        }
        for (auto f : fields_of(kind))
            in_loader.insert(std::string(f));
        EXPECT_EQ(in_schema, in_loader);
    }
}

TEST(CaseFormat, NamesAreDistinct) {
    std::set<std::string_view> names;
    for (auto kind : all_object_kinds) {
        EXPECT_TRUE(names.insert(schema_name(kind)).second) << schema_name(kind);
        EXPECT_NE(to_string(kind), "?");
        EXPECT_FALSE(fields_of(kind).empty());
    }
}

TEST(CaseFormat, FieldLookup) {
    EXPECT_TRUE(is_field(object_kind::frame, "opcode"));
    EXPECT_FALSE(is_field(object_kind::frame, "opcod"));
    EXPECT_FALSE(is_field(object_kind::frame, ""));
    EXPECT_EQ(field_list(object_kind::timer), "kill, close");
    EXPECT_EQ(field_list(object_kind::params_table), "columns, rows");
}

} // namespace

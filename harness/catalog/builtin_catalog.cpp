#include "harness/catalog/case_loader.hpp"
#include "harness/catalog/embedded_cases.hpp"

namespace wsspec::catalog {

result<std::vector<case_def>> builtin_catalog() {
    std::vector<case_def> all;
    for (std::size_t i = 0; i < detail::embedded_case_count; ++i) {
        const auto& f = detail::embedded_cases[i];
        auto r = load_case_file(f.text, f.name);
        if (!r) return r.error();
        all.reserve(all.size() + r->size());
        for (auto& c : *r) {
            for (const auto& e : all)
                if (e.id == c.id)
                    return make_error(std::string(f.name) + ": case " + c.id + " is also in " +
                                      e.source);
            all.push_back(std::move(c));
        }
    }
    merge_cases(all, {}); // sorts by id
    return all;
}

namespace {

void number(std::vector<case_def>& all) {
    for (std::size_t i = 0; i < all.size(); ++i)
        all[i].number = i + 1;
}

} // namespace

result<std::vector<case_def>> load_catalog(const std::string& case_dir, bool replace_builtin) {
    auto all = builtin_catalog();
    if (!all) return make_error("built-in catalog: " + all.error().message);
    if (case_dir.empty()) {
        number(*all);
        return all;
    }
    auto more = load_case_dir(case_dir);
    if (!more) return more.error();
    if (!replace_builtin)
        for (const auto& c : *more)
            for (const auto& b : *all)
                if (b.id == c.id)
                    return make_error(c.source + ": case " + c.id +
                                          " has the id of a built-in case; give it an id of its "
                                          "own, or pass --replace-builtin to run it instead of "
                                          "the built-in one",
                                      error_kind::bad_input);
    merge_cases(*all, std::move(*more));
    number(*all);
    return all;
}

} // namespace wsspec::catalog

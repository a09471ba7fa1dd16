#pragma once
// The small template language of the schema patterns (patterns/*.toml): just enough to write SQL
// with names filled in from the catalog, and nothing that could run code.
//
//   {{a.b}}                 a value of the context (string, number or bool); a missing one is an error
//   {{#if a}} … {{else}} … {{/if}}, {{#unless a}} … {{/unless}}
//                           truthy: true, a non-empty string or list, a non-zero number
//   {{#each list}} … {{/each}}
//                           once per element; inside, names resolve in the element first, `.` is
//                           the element itself, `@first`/`@last` tell the position
//   {{> fragment}}          a shared fragment, rendered in the current scope
//
// A line holding nothing but one block tag ({{#if}}, {{else}}, {{/each}}, ...) disappears with its
// line break, so templates can be laid out like the SQL they produce.
#include <map>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace pgsafe::patterns {

struct TemplateError : std::runtime_error {
  TemplateError(const std::string& what, size_t offset) : std::runtime_error(what), offset(offset) {}
  size_t offset;  // byte offset in the template
};

// Renders `text` with `context`; `fragments` are the templates `{{> name}}` includes.
// Throws TemplateError on a syntax error or a name the context lacks.
std::string render_template(const std::string& text, const nlohmann::json& context,
                            const std::map<std::string, std::string>& fragments = {});

// The value at a dotted path (`table.pk.type`) of an object, or null when any part is missing.
const nlohmann::json* template_lookup(const nlohmann::json& v, const std::string& dotted_path);

// What {{#if}} takes for true: true, a non-empty string, list or object, a non-zero number.
bool template_truthy(const nlohmann::json& v);

// Checks the syntax only (balanced blocks, known tags): "" when fine, else the problem.
std::string check_template_syntax(const std::string& text);

}  // namespace pgsafe::patterns

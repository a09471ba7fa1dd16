#include "analyzer/pattern_template.h"

#include <memory>
#include <vector>

namespace pgsafe::patterns {
namespace {

using nlohmann::json;

struct Node {
  enum Kind { Text, Var, If, Unless, Each, Partial } kind = Text;
  std::string text;              // Text: the bytes; others: the name or path
  size_t offset = 0;
  std::vector<Node> body, otherwise;
};

struct Tag {
  size_t begin = 0, end = 0;     // the tag's bytes, braces included
  std::string inner;             // trimmed contents
};

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

bool is_block_tag(const std::string& inner) {
  return !inner.empty() && (inner[0] == '#' || inner[0] == '/' || inner == "else");
}

// Splits the template into text and tags, removing the line of a standalone block tag.
class Parser {
 public:
  explicit Parser(const std::string& text) : text_(text) {}

  std::vector<Node> parse() {
    std::vector<Node> out;
    std::string closer = parse_into(out);
    if (!closer.empty()) throw TemplateError("{{" + closer + "}} without its opening block", last_tag_.begin);
    return out;
  }

 private:
  // Reads nodes until a closing tag ({{/x}} or {{else}}); returns that tag's inner text, "" at the end.
  std::string parse_into(std::vector<Node>& out) {
    while (pos_ < text_.size()) {
      size_t at = text_.find("{{", pos_);
      if (at == std::string::npos) {
        add_text(out, text_.substr(pos_));
        pos_ = text_.size();
        break;
      }
      size_t close = text_.find("}}", at + 2);
      if (close == std::string::npos) throw TemplateError("`{{` without `}}`", at);
      Tag tag{at, close + 2, trim(text_.substr(at + 2, close - at - 2))};
      last_tag_ = tag;
      size_t text_end = at;
      size_t resume = tag.end;
      if (is_block_tag(tag.inner)) standalone(tag, text_end, resume);
      add_text(out, text_.substr(pos_, text_end - pos_));
      pos_ = resume;
      const std::string& in = tag.inner;
      if (in.empty()) throw TemplateError("empty tag {{}}", at);
      if (in[0] == '/' || in == "else") return in;
      if (in[0] == '#') {
        size_t sp = in.find(' ');
        std::string word = in.substr(1, sp == std::string::npos ? std::string::npos : sp - 1);
        std::string arg = sp == std::string::npos ? "" : trim(in.substr(sp + 1));
        if (arg.empty()) throw TemplateError("{{" + in + "}} names no value", at);
        Node n;
        n.offset = at;
        n.text = arg;
        if (word == "if") n.kind = Node::If;
        else if (word == "unless") n.kind = Node::Unless;
        else if (word == "each") n.kind = Node::Each;
        else throw TemplateError("unknown block {{#" + word + "}} (if, unless, each)", at);
        std::string end = parse_into(n.body);
        if (end == "else") {
          if (n.kind == Node::Each) throw TemplateError("{{else}} inside {{#each}}", last_tag_.begin);
          end = parse_into(n.otherwise);
        }
        if (end.empty()) throw TemplateError("{{#" + word + " " + arg + "}} is never closed", at);
        if (end != "/" + word) throw TemplateError("{{" + end + "}} closes {{#" + word + "}}", last_tag_.begin);
        out.push_back(std::move(n));
        continue;
      }
      Node n;
      n.offset = at;
      if (in[0] == '>') {
        n.kind = Node::Partial;
        n.text = trim(in.substr(1));
      } else {
        n.kind = Node::Var;
        n.text = in;
      }
      if (n.text.empty()) throw TemplateError("{{" + in + "}} names nothing", at);
      out.push_back(std::move(n));
    }
    return "";
  }

  // A block tag alone on its line takes the line with it (its indentation and line break).
  void standalone(const Tag& tag, size_t& text_end, size_t& resume) const {
    size_t line_begin = tag.begin;
    while (line_begin > 0 && text_[line_begin - 1] != '\n') --line_begin;
    if (line_begin < pos_) return;  // other template output shares the line
    for (size_t i = line_begin; i < tag.begin; ++i)
      if (text_[i] != ' ' && text_[i] != '\t') return;
    size_t after = tag.end;
    while (after < text_.size() && (text_[after] == ' ' || text_[after] == '\t')) ++after;
    if (after < text_.size() && text_[after] != '\n') return;
    text_end = line_begin;
    resume = after < text_.size() ? after + 1 : after;
  }

  static void add_text(std::vector<Node>& out, std::string s) {
    if (s.empty()) return;
    Node n;
    n.kind = Node::Text;
    n.text = std::move(s);
    out.push_back(std::move(n));
  }

  const std::string& text_;
  size_t pos_ = 0;
  Tag last_tag_;
};

struct Scope {
  const json* value;
  const Scope* outer;
  bool first = false, last = false;
  bool in_each = false;
};

}  // namespace

const nlohmann::json* template_lookup(const nlohmann::json& v, const std::string& path) {
  const json* cur = &v;
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(key);
    if (it == cur->end()) return nullptr;
    cur = &*it;
    if (dot == std::string::npos) return cur;
    start = dot + 1;
  }
}

namespace {

class Renderer {
 public:
  Renderer(const std::map<std::string, std::string>& fragments) : fragments_(fragments) {}

  void render(const std::vector<Node>& nodes, const Scope& scope, std::string& out, int depth) {
    if (depth > 16) throw TemplateError("fragments include each other too deeply", 0);
    for (const auto& n : nodes) {
      switch (n.kind) {
        case Node::Text: out += n.text; break;
        case Node::Var: out += scalar(resolve(n, scope), n); break;
        case Node::If:
        case Node::Unless: {
          bool t = template_truthy(resolve(n, scope));
          if (n.kind == Node::Unless) t = !t;
          render(t ? n.body : n.otherwise, scope, out, depth);
          break;
        }
        case Node::Each: {
          json v = resolve(n, scope);
          if (!v.is_array()) throw TemplateError("{{#each " + n.text + "}}: not a list", n.offset);
          for (size_t i = 0; i < v.size(); ++i) {
            Scope inner{&v[i], &scope, i == 0, i + 1 == v.size(), true};
            render(n.body, inner, out, depth);
          }
          break;
        }
        case Node::Partial: {
          auto it = fragments_.find(n.text);
          if (it == fragments_.end()) throw TemplateError("no fragment named '" + n.text + "'", n.offset);
          auto parsed = parsed_fragment(it->first, it->second);
          render(*parsed, scope, out, depth + 1);
          break;
        }
      }
    }
  }

 private:
  json resolve(const Node& n, const Scope& scope) const {
    const std::string& path = n.text;
    for (const Scope* s = &scope; s; s = s->outer) {
      if (s->in_each) {
        if (path == ".") return *s->value;
        if (path == "@first") return s->first;
        if (path == "@last") return s->last;
      }
      if (const json* v = template_lookup(*s->value, path)) return *v;
      // An option that was not given is "": its fields (`owner.bare`) are "" too.
      size_t dot = path.find('.');
      if (dot != std::string::npos) {
        const json* head = template_lookup(*s->value, path.substr(0, dot));
        if (head && head->is_string() && head->get_ref<const std::string&>().empty()) return "";
      }
    }
    throw TemplateError("the template uses '" + path + "', which this pattern's context does not have", n.offset);
  }

  static std::string scalar(const json& v, const Node& n) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (v.is_number_integer()) return std::to_string(v.get<long long>());
    if (v.is_number()) return v.dump();
    if (v.is_object() && v.contains("sql") && v["sql"].is_string()) return v["sql"].get<std::string>();
    throw TemplateError("{{" + n.text + "}} is a " + std::string(v.type_name()) + ", not a value to print", n.offset);
  }

  std::shared_ptr<std::vector<Node>> parsed_fragment(const std::string& name, const std::string& text) {
    auto it = cache_.find(name);
    if (it != cache_.end()) return it->second;
    auto nodes = std::make_shared<std::vector<Node>>(Parser(text).parse());
    cache_[name] = nodes;
    return nodes;
  }

  const std::map<std::string, std::string>& fragments_;
  std::map<std::string, std::shared_ptr<std::vector<Node>>> cache_;
};

}  // namespace

std::string render_template(const std::string& text, const nlohmann::json& context,
                            const std::map<std::string, std::string>& fragments) {
  std::vector<Node> nodes = Parser(text).parse();
  Renderer r(fragments);
  std::string out;
  Scope root{&context, nullptr};
  r.render(nodes, root, out, 0);
  return out;
}

bool template_truthy(const nlohmann::json& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_string()) return !v.get_ref<const std::string&>().empty();
  if (v.is_array() || v.is_object()) return !v.empty();
  if (v.is_number()) return v.get<double>() != 0;
  return false;
}

std::string check_template_syntax(const std::string& text) {
  try {
    Parser(text).parse();
  } catch (const TemplateError& e) {
    return e.what();
  }
  return "";
}

}  // namespace pgsafe::patterns

#include "model/ddl.h"

#include <cctype>

namespace binlake {
namespace {

struct Token {
  std::string text;
  bool quoted = false;  // a `quoted` identifier: never a keyword
  bool Is(const char* keyword) const {
    if (quoted || text.size() != std::char_traits<char>::length(keyword)) return false;
    for (size_t i = 0; i < text.size(); ++i) {
      if (std::toupper(static_cast<unsigned char>(text[i])) != keyword[i]) return false;
    }
    return true;
  }
};

// Identifiers, keywords and punctuation; comments and string literals are dropped.
std::vector<Token> Tokenize(const std::string& sql) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < sql.size()) {
    char c = sql[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      size_t end = sql.find("*/", i + 2);
      i = end == std::string::npos ? sql.size() : end + 2;
    } else if (c == '#' || (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-')) {
      size_t end = sql.find('\n', i);
      i = end == std::string::npos ? sql.size() : end + 1;
    } else if (c == '`') {
      Token t;
      t.quoted = true;
      ++i;
      while (i < sql.size()) {
        if (sql[i] == '`' && i + 1 < sql.size() && sql[i + 1] == '`') {
          t.text.push_back('`');
          i += 2;
        } else if (sql[i] == '`') {
          ++i;
          break;
        } else {
          t.text.push_back(sql[i++]);
        }
      }
      out.push_back(std::move(t));
    } else if (c == '\'' || c == '"') {
      ++i;
      while (i < sql.size() && sql[i] != c) i += sql[i] == '\\' ? 2 : 1;
      ++i;
      out.push_back(Token{"''", false});
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
               static_cast<unsigned char>(c) >= 0x80) {
      Token t;
      while (i < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[i])) || sql[i] == '_' ||
                                sql[i] == '$' || static_cast<unsigned char>(sql[i]) >= 0x80)) {
        t.text.push_back(sql[i++]);
      }
      out.push_back(std::move(t));
    } else {
      out.push_back(Token{std::string(1, c), false});
      ++i;
    }
  }
  return out;
}

class Parser {
 public:
  Parser(std::vector<Token> tokens, std::string database)
      : t_(std::move(tokens)), database_(std::move(database)) {}

  bool Accept(const char* keyword) {
    if (pos_ < t_.size() && t_[pos_].Is(keyword)) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool AcceptPunct(char p) {
    if (pos_ < t_.size() && !t_[pos_].quoted && t_[pos_].text.size() == 1 &&
        t_[pos_].text[0] == p) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool Ident(std::string* out) {
    if (pos_ >= t_.size()) return false;
    const Token& t = t_[pos_];
    if (!t.quoted && (t.text.empty() ||
                      !(std::isalnum(static_cast<unsigned char>(t.text[0])) || t.text[0] == '_' ||
                        t.text[0] == '$' || static_cast<unsigned char>(t.text[0]) >= 0x80))) {
      return false;
    }
    *out = t.text;
    ++pos_;
    return true;
  }
  bool Name(DdlTable* out) {
    std::string first;
    if (!Ident(&first)) return false;
    if (AcceptPunct('.')) {
      out->database = first;
      return Ident(&out->table);
    }
    out->database = database_;
    out->table = first;
    return true;
  }
  bool AtEnd() const { return pos_ >= t_.size(); }
  // Whether the rest of the current spec (up to a comma at depth 0) has one of the keywords.
  bool SpecHas(std::initializer_list<const char*> keywords) const {
    int depth = 0;
    for (size_t i = pos_; i < t_.size(); ++i) {
      const Token& t = t_[i];
      if (!t.quoted && t.text.size() == 1) {
        if (t.text[0] == '(') ++depth;
        if (t.text[0] == ')') --depth;
        if (t.text[0] == ',' && depth == 0) return false;
      }
      for (const char* k : keywords) {
        if (t.Is(k)) return true;
      }
    }
    return false;
  }
  // Skips to the next comma at parenthesis depth 0 (consumed) or the end.
  void SkipSpec() {
    int depth = 0;
    while (pos_ < t_.size()) {
      const Token& t = t_[pos_++];
      if (t.quoted || t.text.size() != 1) continue;
      if (t.text[0] == '(') ++depth;
      if (t.text[0] == ')') --depth;
      if (t.text[0] == ',' && depth == 0) return;
    }
  }

 private:
  std::vector<Token> t_;
  std::string database_;
  size_t pos_ = 0;
};

void ParseAlter(Parser& p, DdlEffect* out) {
  DdlTable table;
  if (!p.Name(&table)) return;
  while (!p.AtEnd()) {
    if (p.Accept("RENAME")) {
      if (p.Accept("COLUMN")) {
        DdlEffect::ColumnRename r{table, "", ""};
        if (p.Ident(&r.from) && p.Accept("TO") && p.Ident(&r.to)) {
          out->renamed_columns.push_back(r);
        }
      } else if (p.Accept("INDEX") || p.Accept("KEY")) {
        // an index rename: no effect on rows
      } else {
        if (!p.Accept("TO")) p.Accept("AS");
        DdlTable to;
        if (p.Name(&to)) {
          out->renamed_tables.emplace_back(table, to);
          table = to;
        }
      }
    } else if (p.Accept("ADD")) {
      bool column = p.Accept("COLUMN");
      if (column || !p.SpecHas({"INDEX", "KEY", "CONSTRAINT", "PRIMARY", "UNIQUE", "FOREIGN",
                                "FULLTEXT", "SPATIAL", "PARTITION", "CHECK", "PERIOD", "SYSTEM"})) {
        if (p.SpecHas({"DEFAULT", "NOT", "AS", "GENERATED", "AUTO_INCREMENT"})) {
          out->reload.push_back(table);
        }
      }
    } else if (p.Accept("CHANGE")) {
      p.Accept("COLUMN");
      if (p.Accept("IF")) p.Accept("EXISTS");
      DdlEffect::ColumnRename r{table, "", ""};
      if (p.Ident(&r.from) && p.Ident(&r.to) && r.from != r.to) {
        out->renamed_columns.push_back(r);
      }
    }
    p.SkipSpec();
  }
}

}  // namespace

DdlEffect ParseDdl(const SchemaChange& change) {
  DdlEffect out;
  Parser p(Tokenize(change.sql), change.database);
  if (p.Accept("TRUNCATE")) {
    p.Accept("TABLE");
    DdlTable t;
    if (p.Name(&t)) {
      out.emptied.push_back(t);
      out.truncated.push_back(t);
    }
  } else if (p.Accept("DROP")) {
    p.Accept("TEMPORARY");
    if (!p.Accept("TABLE")) return out;
    if (p.Accept("IF")) p.Accept("EXISTS");
    do {
      DdlTable t;
      if (!p.Name(&t)) break;
      out.emptied.push_back(t);
    } while (p.AcceptPunct(','));
  } else if (p.Accept("RENAME")) {
    if (!p.Accept("TABLE")) return out;
    do {
      DdlTable from, to;
      if (!p.Name(&from) || !p.Accept("TO") || !p.Name(&to)) break;
      out.renamed_tables.emplace_back(from, to);
    } while (p.AcceptPunct(','));
  } else if (p.Accept("ALTER")) {
    p.Accept("ONLINE");
    p.Accept("IGNORE");
    if (!p.Accept("TABLE")) return out;
    if (p.Accept("IF")) p.Accept("EXISTS");
    ParseAlter(p, &out);
  }
  return out;
}

}  // namespace binlake

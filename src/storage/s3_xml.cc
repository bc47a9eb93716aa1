#include "storage/s3_xml.h"

#include <charconv>

namespace binlake {
namespace {

constexpr int kMaxDepth = 64;

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

class Parser {
 public:
  explicit Parser(std::string_view doc) : doc_(doc) {}

  Result<XmlElement> Parse() {
    RETURN_IF_ERROR(SkipMisc());
    if (pos_ >= doc_.size() || doc_[pos_] != '<') return Error("expected the root element");
    XmlElement root;
    RETURN_IF_ERROR(ParseElement(&root, 0));
    RETURN_IF_ERROR(SkipMisc());
    if (pos_ != doc_.size()) return Error("content after the root element");
    return root;
  }

 private:
  Status Error(std::string_view what) const { return ErrorAt(pos_, what); }
  static Status ErrorAt(size_t offset, std::string_view what) {
    return CorruptionError("malformed XML at byte {}: {}", offset, what);
  }

  bool StartsWith(std::string_view s) const { return doc_.substr(pos_).starts_with(s); }

  // Skips `open ... close`; REQUIRES: StartsWith(open).
  Status SkipPast(std::string_view close) {
    size_t end = doc_.find(close, pos_);
    if (end == std::string_view::npos) return Error("unterminated construct");
    pos_ = end + close.size();
    return Status::OK();
  }

  // Whitespace, comments, processing instructions and DOCTYPE between elements.
  Status SkipMisc() {
    while (pos_ < doc_.size()) {
      char c = doc_[pos_];
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        ++pos_;
      } else if (StartsWith("<?")) {
        RETURN_IF_ERROR(SkipPast("?>"));
      } else if (StartsWith("<!--")) {
        RETURN_IF_ERROR(SkipPast("-->"));
      } else if (StartsWith("<!DOCTYPE")) {
        RETURN_IF_ERROR(SkipPast(">"));
      } else {
        break;
      }
    }
    return Status::OK();
  }

  Result<std::string> ParseName() {
    size_t start = pos_;
    while (pos_ < doc_.size()) {
      char c = doc_[pos_];
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '>' || c == '/' || c == '=') {
        break;
      }
      ++pos_;
    }
    if (pos_ == start) return Error("expected a tag name");
    return std::string(doc_.substr(start, pos_ - start));
  }

  static std::string LocalName(const std::string& name) {
    size_t colon = name.find(':');
    return colon == std::string::npos ? name : name.substr(colon + 1);
  }

  Status DecodeEntity(std::string* out) {
    size_t semi = doc_.find(';', pos_);
    if (semi == std::string_view::npos || semi - pos_ > 12) return Error("unterminated entity");
    std::string_view ent = doc_.substr(pos_ + 1, semi - pos_ - 1);
    if (ent == "amp") {
      out->push_back('&');
    } else if (ent == "lt") {
      out->push_back('<');
    } else if (ent == "gt") {
      out->push_back('>');
    } else if (ent == "quot") {
      out->push_back('"');
    } else if (ent == "apos") {
      out->push_back('\'');
    } else if (ent.size() >= 2 && ent[0] == '#') {
      bool hex = ent[1] == 'x' || ent[1] == 'X';
      std::string_view digits = ent.substr(hex ? 2 : 1);
      uint32_t cp = 0;
      auto [p, ec] =
          std::from_chars(digits.data(), digits.data() + digits.size(), cp, hex ? 16 : 10);
      if (digits.empty() || ec != std::errc() || p != digits.data() + digits.size() || cp == 0 ||
          cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return Error("bad character reference");
      }
      AppendUtf8(cp, out);
    } else {
      return Error("unknown entity");
    }
    pos_ = semi + 1;
    return Status::OK();
  }

  // REQUIRES: doc_[pos_] == '<' starting a start tag.
  Status ParseElement(XmlElement* element, int depth) {
    if (depth >= kMaxDepth) return Error("elements nested too deeply");
    ++pos_;
    ASSIGN_OR_RETURN(std::string name, ParseName());
    element->name = LocalName(name);
    // Attributes: skipped, minding quoted values that may contain '>'.
    while (true) {
      if (pos_ >= doc_.size()) return Error("unterminated start tag");
      char c = doc_[pos_];
      if (c == '"' || c == '\'') {
        size_t end = doc_.find(c, pos_ + 1);
        if (end == std::string_view::npos) return Error("unterminated attribute value");
        pos_ = end + 1;
      } else if (StartsWith("/>")) {
        pos_ += 2;
        return Status::OK();
      } else if (c == '>') {
        ++pos_;
        break;
      } else {
        ++pos_;
      }
    }
    // Content.
    while (true) {
      if (pos_ >= doc_.size()) return Error("unclosed element <" + name + ">");
      char c = doc_[pos_];
      if (c == '&') {
        RETURN_IF_ERROR(DecodeEntity(&element->text));
      } else if (c != '<') {
        element->text.push_back(c);
        ++pos_;
      } else if (StartsWith("</")) {
        const size_t tag_start = pos_;
        pos_ += 2;
        ASSIGN_OR_RETURN(std::string end_name, ParseName());
        if (end_name != name)
          return ErrorAt(tag_start, "</" + end_name + "> closes <" + name + ">");
        while (pos_ < doc_.size() && doc_[pos_] != '>') ++pos_;
        if (pos_ >= doc_.size()) return Error("unterminated end tag");
        ++pos_;
        return Status::OK();
      } else if (StartsWith("<![CDATA[")) {
        size_t end = doc_.find("]]>", pos_);
        if (end == std::string_view::npos) return Error("unterminated CDATA section");
        element->text.append(doc_.substr(pos_ + 9, end - pos_ - 9));
        pos_ = end + 3;
      } else if (StartsWith("<!--")) {
        RETURN_IF_ERROR(SkipPast("-->"));
      } else if (StartsWith("<?")) {
        RETURN_IF_ERROR(SkipPast("?>"));
      } else {
        element->children.emplace_back();
        RETURN_IF_ERROR(ParseElement(&element->children.back(), depth + 1));
      }
    }
  }

  std::string_view doc_;
  size_t pos_ = 0;
};

}  // namespace

const XmlElement* XmlElement::Child(std::string_view child_name) const {
  for (const XmlElement& c : children) {
    if (c.name == child_name) return &c;
  }
  return nullptr;
}

std::string XmlElement::ChildText(std::string_view child_name) const {
  const XmlElement* c = Child(child_name);
  return c ? c->text : std::string();
}

Result<XmlElement> ParseXml(std::string_view document) { return Parser(document).Parse(); }

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

}  // namespace binlake

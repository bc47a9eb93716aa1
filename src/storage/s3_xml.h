#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace binlake {

// A parsed XML element: just enough of XML for S3 responses (elements and text; attributes,
// comments, processing instructions and DOCTYPEs are skipped). Text has entities and
// character references decoded and CDATA sections taken verbatim.
struct XmlElement {
  std::string name;  // local name, namespace prefix dropped
  std::string text;  // character data directly inside this element, concatenated
  std::vector<XmlElement> children;

  // The first child called `name`, or null.
  const XmlElement* Child(std::string_view name) const;
  // The text of the first child called `name`, or "" when there is none.
  std::string ChildText(std::string_view name) const;
};

// Parses a whole document into its root element. kCorruption naming the byte offset for
// malformed input (unclosed or mismatched tags, unknown entities, nesting deeper than 64).
Result<XmlElement> ParseXml(std::string_view document);

// Escapes &, <, >, " and ' for use in element text.
std::string XmlEscape(std::string_view text);

}  // namespace binlake

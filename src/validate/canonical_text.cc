// The change log's text formats in canonical form: CSV fields as their unquoted text, JSON
// lines values as compact JSON. Source rows go through the same writer (CSV / JSON lines) and
// the same reading, so equal values give equal bytes.

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "format/inflate.h"
#include "validate/canonical.h"

namespace binlake::validate {
namespace {

void AppendText(char tag, std::string_view text, std::string* out) {
  out->push_back(tag);
  if (tag != 'V') return;
  uint32_t n = static_cast<uint32_t>(text.size());
  out->append(reinterpret_cast<const char*>(&n), 4);
  out->append(text);
}

struct CsvField {
  std::string text;
  bool quoted = false;
};

// Splits CSV text (RFC 4180 quoting, the configured delimiters) into rows of fields.
class CsvParser {
 public:
  CsvParser(std::string_view text, std::string delimiter, std::string row_delimiter)
      : text_(text), delimiter_(std::move(delimiter)), row_delimiter_(std::move(row_delimiter)) {}

  // The next row; false at the end of the text.
  Result<bool> Next(std::vector<CsvField>* row) {
    row->clear();
    if (pos_ >= text_.size()) return false;
    for (;;) {
      CsvField f;
      if (pos_ < text_.size() && text_[pos_] == '"') {
        f.quoted = true;
        ++pos_;
        for (;;) {
          size_t q = text_.find('"', pos_);
          if (q == std::string_view::npos)
            return CorruptionError("a quoted CSV field is not closed");
          f.text.append(text_.substr(pos_, q - pos_));
          pos_ = q + 1;
          if (pos_ < text_.size() && text_[pos_] == '"') {
            f.text.push_back('"');
            ++pos_;
            continue;
          }
          break;
        }
      } else {
        size_t end = pos_;
        while (end < text_.size() && !At(end, delimiter_) && !At(end, row_delimiter_)) ++end;
        f.text.assign(text_.substr(pos_, end - pos_));
        pos_ = end;
      }
      row->push_back(std::move(f));
      if (pos_ >= text_.size()) return true;
      if (At(pos_, delimiter_)) {
        pos_ += delimiter_.size();
        continue;
      }
      if (At(pos_, row_delimiter_)) {
        pos_ += row_delimiter_.size();
        return true;
      }
      return CorruptionError("unexpected text after a quoted CSV field at byte {}", pos_);
    }
  }

 private:
  bool At(size_t at, const std::string& what) const {
    return text_.compare(at, what.size(), what) == 0;
  }
  std::string_view text_;
  const std::string delimiter_, row_delimiter_;
  size_t pos_ = 0;
};

}  // namespace

Status Canonicalizer::ReadText(std::string_view bytes, const std::string& origin,
                               const std::vector<std::string>& layout, bool header,
                               const std::function<Status(char op, CanonicalRow&& row)>& on_row) {
  std::string inflated;
  if (bytes.size() >= 2 && bytes[0] == '\x1f' && bytes[1] == '\x8b') {
    ASSIGN_OR_RETURN(inflated, Inflate(bytes, DeflateWrapping::kGzip, origin));
    bytes = inflated;
  }
  const size_t ncols = table_->columns.size();
  std::vector<std::string> fields(ncols);
  std::vector<char> tags(ncols);
  auto emit = [&](char op) -> Status {
    CanonicalRow row;
    for (size_t i = 0; i < ncols; ++i) AppendText(tags[i], fields[i], &row.row);
    for (int k : key_) {
      if (tags[k] == 'A') {
        return CorruptionError("{}: a row without the key column {}", origin,
                               table_->columns[k].name);
      }
      AppendText(tags[k], fields[k], &row.key);
    }
    return on_row(op, std::move(row));
  };
  if (output_.format == OutputFormat::kJsonl) {
    for (size_t pos = 0; pos < bytes.size();) {
      size_t end = bytes.find('\n', pos);
      if (end == std::string_view::npos) end = bytes.size();
      std::string_view line = bytes.substr(pos, end - pos);
      pos = end + 1;
      if (line.empty()) continue;
      nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_discarded() || !j.is_object()) {
        return CorruptionError("{}: a line is not a JSON object", origin);
      }
      char op = 'I';
      if (auto o = j.find("op"); o != j.end() && o->is_string() && !o->get<std::string>().empty()) {
        op = o->get<std::string>()[0];
      }
      const nlohmann::json& data = j.contains("data") ? j["data"] : j;
      for (size_t i = 0; i < ncols; ++i) {
        auto v = data.find(table_->columns[i].name);
        tags[i] = v == data.end() ? 'A' : v->is_null() ? 'N' : 'V';
        fields[i] = tags[i] == 'V' ? v->dump() : std::string();
      }
      RETURN_IF_ERROR(emit(op));
    }
    return Status::OK();
  }
  // CSV: the header names the columns when there is one, else `layout` does.
  CsvParser parser(bytes, output_.csv_delimiter, output_.csv_row_delimiter);
  std::vector<CsvField> row;
  std::vector<std::string> names = layout;
  for (;;) {
    Result<bool> more = parser.Next(&row);
    if (!more.ok()) return more.status().Context(origin);
    if (!*more) break;
    if (header) {
      names.clear();
      for (CsvField& f : row) names.push_back(std::move(f.text));
      header = false;
      continue;
    }
    if (row.size() != names.size()) {
      return CorruptionError("{}: a row has {} fields where {} columns were expected", origin,
                             row.size(), names.size());
    }
    char op = 'I';
    std::fill(tags.begin(), tags.end(), 'A');
    for (size_t p = 0; p < row.size(); ++p) {
      if (names[p] == "Op" && !row[p].text.empty()) {
        op = row[p].text[0];
        continue;
      }
      int i = table_->FindColumn(names[p]);
      if (i < 0) continue;
      const CsvField& f = row[p];
      char tag = 'V';
      if (!f.quoted && f.text == output_.csv_null_value) tag = 'N';
      if (!f.quoted && output_.use_csv_no_sup_value && f.text == output_.csv_no_sup_value) {
        tag = 'A';
      }
      tags[i] = tag;
      fields[i] = tag == 'V' ? f.text : std::string();
    }
    RETURN_IF_ERROR(emit(op));
  }
  return Status::OK();
}

}  // namespace binlake::validate

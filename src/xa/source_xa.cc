#include "xa/source_xa.h"

#include <charconv>

#include "binlog/xa.h"
#include "common/logging.h"

namespace binlake {
namespace {

std::optional<int64_t> Number(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || end != text->data() + text->size()) return std::nullopt;
  return v;
}

}  // namespace

Result<std::vector<std::string>> PreparedOnSource(Connection* c) {
  ASSIGN_OR_RETURN(QueryResult r, c->Query("XA RECOVER"));
  std::vector<std::string> out;
  for (const auto& row : r.rows) {
    // formatID, gtrid_length, bqual_length, data (gtrid then bqual).
    std::optional<int64_t> format = row.size() == 4 ? Number(row[0]) : std::nullopt;
    std::optional<int64_t> gtrid = row.size() == 4 ? Number(row[1]) : std::nullopt;
    if (!format || !gtrid || !row[3] || *gtrid < 0 ||
        static_cast<size_t>(*gtrid) > row[3]->size()) {
      return CorruptionError("XA RECOVER returned a row binlake cannot read");
    }
    const std::string& data = *row[3];
    out.push_back(XidText(*format, std::string_view(data).substr(0, static_cast<size_t>(*gtrid)),
                          std::string_view(data).substr(static_cast<size_t>(*gtrid))));
  }
  return out;
}

void WarnOfPreparedOnSource(Connection* c) {
  Result<std::vector<std::string>> xids = PreparedOnSource(c);
  if (!xids.ok()) {
    LOG_DEBUG("XA RECOVER: {}", xids.status().ToString());
    return;
  }
  if (xids->empty()) return;
  std::string list;
  for (size_t i = 0; i < xids->size() && i < 8; ++i) list += (i ? ", " : "") + (*xids)[i];
  if (xids->size() > 8) list += fmt::format(" and {} more", xids->size() - 8);
  LOG_WARN(
      "{} XA transactions are prepared on the source but not committed ({}). Their XA "
      "PREPARE is before the position replication starts from, so binlake has not read their "
      "rows, and their XA COMMIT would stop it. Commit or roll them back (XA COMMIT / XA "
      "ROLLBACK) before binlake starts on a new lake; if one commits later, run the full load "
      "of the tables it changed again",
      xids->size(), list);
}

}  // namespace binlake

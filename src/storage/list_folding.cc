#include "storage/list_folding.h"

#include <string>
#include <utility>

namespace binlake {

ListResult FoldListResult(std::vector<ObjectInfo> objects, std::string_view prefix,
                          std::optional<char> delimiter) {
  ListResult result;
  if (!delimiter.has_value()) {
    result.objects = std::move(objects);
    return result;
  }
  for (ObjectInfo& info : objects) {
    size_t pos = info.key.find(*delimiter, prefix.size());
    if (pos == std::string::npos) {
      result.objects.push_back(std::move(info));
      continue;
    }
    // Keys are sorted, so equal common prefixes are adjacent.
    std::string_view common(info.key.data(), pos + 1);
    if (result.common_prefixes.empty() || result.common_prefixes.back() != common) {
      result.common_prefixes.emplace_back(common);
    }
  }
  return result;
}

}  // namespace binlake

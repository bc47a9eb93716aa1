#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "storage/object_store.h"

namespace binlake {

// Builds a List answer from every object matching `prefix`, the way S3 folds keys with a
// delimiter: a key with the delimiter somewhere after the prefix is reported once as the
// common prefix up to and including that delimiter. Used by backends that see all their
// keys at once (memory, local).
// REQUIRES: every object's key starts with `prefix`; `objects` is sorted by key.
ListResult FoldListResult(std::vector<ObjectInfo> objects, std::string_view prefix,
                          std::optional<char> delimiter);

}  // namespace binlake

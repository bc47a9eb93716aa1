// libFuzzer entry point: arbitrary bytes as each file of an Iceberg table that binlake reads
// back, which other engines may have written (a Spark rewrite_data_files, an
// expire_snapshots): table metadata JSON, manifest lists and manifests (Avro), and Parquet
// data and position-delete files, read whole and by row group as the key index rebuild does.
// Errors are fine; a crash, sanitizer report or hang is a bug.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "format/parquet_reader.h"
#include "iceberg/avro.h"
#include "iceberg/key_index.h"
#include "iceberg/manifest.h"
#include "iceberg/table_metadata.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  using namespace binlake;
  TableMetadata::Parse(bytes, "fuzz").status().IgnoreError();
  ReadAvroFile(bytes, "fuzz").status().IgnoreError();
  ReadManifestList(bytes, "fuzz").status().IgnoreError();
  ReadManifest(bytes, ManifestFile{}).status().IgnoreError();
  std::map<std::string, std::vector<int64_t>> deletes;
  ReadPositionDeletes(bytes, "fuzz", &deletes).IgnoreError();
  Result<std::unique_ptr<ParquetReader>> whole = ParquetReader::Open(bytes, "fuzz");
  if (whole.ok()) {
    std::vector<std::optional<std::string>> values;
    for (size_t c = 0; c < (*whole)->columns().size(); ++c) {
      (*whole)->ReadColumn(static_cast<int>(c), &values).IgnoreError();
    }
  }
  // By row group, from the tail, as StoredParquetFile reads a stored file.
  Result<std::unique_ptr<ParquetReader>> tail =
      ParquetReader::OpenTail(std::string(bytes), size, "fuzz");
  if (tail.ok()) {
    std::vector<std::optional<std::string>> values;
    for (size_t g = 0; g < (*tail)->num_row_groups() && g < 8; ++g) {
      auto [offset, length] = (*tail)->RowGroupSpan(g);
      if (offset > size || length > size - offset) continue;
      if (!(*tail)->LoadRowGroup(g, std::string(bytes.substr(offset, length))).ok()) continue;
      for (size_t c = 0; c < (*tail)->columns().size(); ++c) {
        (*tail)->ReadColumnGroup(static_cast<int>(c), g, &values).IgnoreError();
      }
    }
  }
  return 0;
}

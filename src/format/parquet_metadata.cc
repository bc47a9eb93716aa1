#include "format/parquet_metadata.h"

#include "format/thrift_compact_writer.h"

namespace binlake {
namespace {

using TType = ThriftCompactWriter::Type;

void WriteStatistics(const ParquetStatistics& s, ThriftCompactWriter* w) {
  w->BeginStruct();
  w->I64Field(3, s.null_count);
  if (s.has_min_max) {
    // Only the v2 fields (max_value/min_value), whose ordering is the column's sort order;
    // the deprecated min/max (fields 1, 2) were signed-bytewise for every type.
    w->BinaryField(5, s.max);
    w->BinaryField(6, s.min);
  }
  w->EndStruct();
}

void WriteColumnChunk(const ColumnChunkMeta& c, bool statistics, ThriftCompactWriter* w) {
  w->BeginStruct();
  // ColumnChunk.file_offset: where the chunk's first page starts.
  w->I64Field(2, c.dictionary_page_offset >= 0 ? c.dictionary_page_offset : c.data_page_offset);
  w->StructField(3);
  w->BeginStruct();  // ColumnMetaData
  w->I32Field(1, static_cast<int32_t>(c.type));
  w->ListField(2, TType::kI32, static_cast<uint32_t>(c.encodings.size()));
  for (int32_t e : c.encodings) w->I32(e);
  w->ListField(3, TType::kBinary, 1);
  w->Binary(c.path);
  w->I32Field(4, c.codec);
  w->I64Field(5, c.num_values);
  w->I64Field(6, c.total_uncompressed_size);
  w->I64Field(7, c.total_compressed_size);
  w->I64Field(9, c.data_page_offset);
  if (c.dictionary_page_offset >= 0) w->I64Field(11, c.dictionary_page_offset);
  if (statistics) {
    w->StructField(12);
    WriteStatistics(c.stats, w);
  }
  w->EndStruct();  // ColumnMetaData
  w->EndStruct();  // ColumnChunk
}

}  // namespace

void WriteDataPageHeader(int32_t uncompressed_size, int32_t compressed_size, int32_t num_values,
                         int32_t encoding, const ParquetStatistics* stats, std::string* out) {
  ThriftCompactWriter w(out);
  w.BeginStruct();
  w.I32Field(1, 0);  // DATA_PAGE
  w.I32Field(2, uncompressed_size);
  w.I32Field(3, compressed_size);
  w.StructField(5);
  w.BeginStruct();
  w.I32Field(1, num_values);
  w.I32Field(2, encoding);
  w.I32Field(3, kEncodingRle);  // definition levels
  w.I32Field(4, kEncodingRle);  // repetition levels (none in a flat schema)
  if (stats != nullptr) {
    w.StructField(5);
    WriteStatistics(*stats, &w);
  }
  w.EndStruct();
  w.EndStruct();
}

void WriteDictionaryPageHeader(int32_t uncompressed_size, int32_t compressed_size,
                               int32_t num_values, std::string* out) {
  ThriftCompactWriter w(out);
  w.BeginStruct();
  w.I32Field(1, 2);  // DICTIONARY_PAGE
  w.I32Field(2, uncompressed_size);
  w.I32Field(3, compressed_size);
  w.StructField(7);
  w.BeginStruct();
  w.I32Field(1, num_values);
  w.I32Field(2, kEncodingPlain);
  w.EndStruct();
  w.EndStruct();
}

void WriteFileMetaData(const std::vector<ParquetColumnPlan>& columns,
                       const std::vector<RowGroupMeta>& row_groups, int64_t num_rows,
                       const std::string& created_by,
                       const std::vector<std::pair<std::string, std::string>>& key_values,
                       bool statistics, std::string* out) {
  ThriftCompactWriter w(out);
  w.BeginStruct();
  w.I32Field(1, 2);  // version: logical types and v2 statistics are used
  w.ListField(2, TType::kStruct, static_cast<uint32_t>(columns.size() + 1));
  w.BeginStruct();  // root
  w.BinaryField(4, "schema");
  w.I32Field(5, static_cast<int32_t>(columns.size()));
  w.EndStruct();
  for (const ParquetColumnPlan& c : columns) WriteSchemaElement(c, &w);
  w.I64Field(3, num_rows);
  w.ListField(4, TType::kStruct, static_cast<uint32_t>(row_groups.size()));
  for (size_t i = 0; i < row_groups.size(); ++i) {
    const RowGroupMeta& rg = row_groups[i];
    w.BeginStruct();
    w.ListField(1, TType::kStruct, static_cast<uint32_t>(rg.columns.size()));
    for (const ColumnChunkMeta& c : rg.columns) WriteColumnChunk(c, statistics, &w);
    w.I64Field(2, rg.total_byte_size);
    w.I64Field(3, rg.num_rows);
    w.I64Field(5, rg.file_offset);
    w.I64Field(6, rg.total_compressed_size);
    if (i <= 32767) w.I16Field(7, static_cast<int16_t>(i));  // ordinal is an i16
    w.EndStruct();
  }
  if (!key_values.empty()) {
    w.ListField(5, TType::kStruct, static_cast<uint32_t>(key_values.size()));
    for (const auto& [key, value] : key_values) {
      w.BeginStruct();
      w.BinaryField(1, key);
      w.BinaryField(2, value);
      w.EndStruct();
    }
  }
  w.BinaryField(6, created_by);
  // column_orders: TypeDefinedOrder for every leaf, so readers trust min_value/max_value.
  w.ListField(7, TType::kStruct, static_cast<uint32_t>(columns.size()));
  for (size_t i = 0; i < columns.size(); ++i) {
    w.BeginStruct();
    w.StructField(1);
    w.BeginStruct();
    w.EndStruct();
    w.EndStruct();
  }
  w.EndStruct();
}

}  // namespace binlake

#include "pipeline/writer_factory.h"

#include "format/csv_writer.h"
#include "format/parquet_writer.h"

namespace binlake {

Result<std::unique_ptr<RowWriter>> NewRowWriter(const OutputConfig& output,
                                                std::vector<Column> columns,
                                                const std::vector<JsonPlace>& places,
                                                OutputStream* out) {
  switch (output.format) {
    case OutputFormat::kCsv: {
      CsvOptions o;
      o.delimiter = output.csv_delimiter;
      o.row_delimiter = output.csv_row_delimiter;
      o.null_value = output.csv_null_value;
      o.header = output.add_column_name;
      if (output.use_csv_no_sup_value) o.no_sup_value = output.csv_no_sup_value;
      o.gzip = output.compression == Compression::kGzip;
      ASSIGN_OR_RETURN(std::unique_ptr<CsvWriter> w, CsvWriter::Create(std::move(columns), o, out));
      return std::unique_ptr<RowWriter>(std::move(w));
    }
    case OutputFormat::kJsonl: {
      JsonLinesOptions o;
      o.places = places;
      o.gzip = output.compression == Compression::kGzip;
      ASSIGN_OR_RETURN(std::unique_ptr<JsonLinesWriter> w,
                       JsonLinesWriter::Create(std::move(columns), o, out));
      return std::unique_ptr<RowWriter>(std::move(w));
    }
    case OutputFormat::kParquet: {
      ParquetOptions o;
      switch (output.compression) {
        case Compression::kNone:
          o.codec = ParquetCodec::kNone;
          break;
        case Compression::kGzip:
          o.codec = ParquetCodec::kGzip;
          break;
        case Compression::kSnappy:
          o.codec = ParquetCodec::kSnappy;
          break;
        case Compression::kZstd:
          o.codec = ParquetCodec::kZstd;
          break;
      }
      o.timestamp_millis = output.parquet_timestamp_in_millisecond;
      o.wide_decimal_as_string = output.parquet_wide_decimal_as_string;
      o.row_group_bytes = 16ull << 20;
      o.row_group_rows = output.row_group_length;
      o.page_bytes = output.data_page_size;
      o.dictionary = output.parquet_dictionary;
      o.dictionary_page_bytes = output.dict_page_size_limit;
      o.statistics = output.enable_statistics;
      // output.parquet_version changes nothing: both versions are written alike.
      return ParquetWriter::Create(std::move(columns), o, out);
    }
  }
  return InternalError("unknown output format");
}

}  // namespace binlake

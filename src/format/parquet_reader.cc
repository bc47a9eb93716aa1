#include "format/parquet_reader.h"

#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace binlake {
namespace {

// A value of the Thrift compact protocol, parsed generically: structs keep their fields by
// id, lists their elements; binary values point into the file.
struct TField;

struct TValue {
  uint8_t type = 0;
  int64_t i = 0;
  std::string_view bin;
  // A struct's fields (a vector of a type still incomplete here: allowed for std::vector, not
  // for a std::pair holding TValue).
  std::vector<TField> fields;
  std::vector<TValue> elems;

  const TValue* Field(int16_t id) const;
  int64_t Int(int16_t id, int64_t fallback = 0) const {
    const TValue* f = Field(id);
    return f ? f->i : fallback;
  }
};

struct TField {
  int16_t id = 0;
  TValue value;
};

const TValue* TValue::Field(int16_t id) const {
  for (const TField& f : fields) {
    if (f.id == id) return &f.value;
  }
  return nullptr;
}

class ThriftParser {
 public:
  ThriftParser(std::string_view data, const std::string& origin) : d_(data), origin_(origin) {}
  size_t pos() const { return pos_; }

  Status Struct(TValue* out, int depth = 0) {
    out->type = 12;
    int16_t last = 0;
    for (;;) {
      ASSIGN_OR_RETURN(uint8_t h, Byte());
      if (h == 0) return Status::OK();
      uint8_t type = h & 0x0f;
      int16_t delta = h >> 4;
      int16_t id;
      if (delta != 0) {
        id = static_cast<int16_t>(last + delta);
      } else {
        ASSIGN_OR_RETURN(int64_t z, Varint());
        id = static_cast<int16_t>(Unzig(z));
      }
      last = id;
      TValue v;
      RETURN_IF_ERROR(Value(type, &v, depth + 1));
      out->fields.push_back(TField{id, std::move(v)});
    }
  }

 private:
  Status Fail(std::string_view what) const {
    return CorruptionError("{}: Parquet metadata: {} at byte {}", origin_, what, pos_);
  }
  static int64_t Unzig(int64_t z) {
    uint64_t u = static_cast<uint64_t>(z);
    return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
  }
  Result<uint8_t> Byte() {
    if (pos_ >= d_.size()) return Fail("truncated");
    return static_cast<uint8_t>(d_[pos_++]);
  }
  Result<int64_t> Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      ASSIGN_OR_RETURN(uint8_t b, Byte());
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return static_cast<int64_t>(v);
    }
    return Fail("varint too long");
  }
  Status Value(uint8_t type, TValue* v, int depth) {
    if (depth > 32) return Fail("nested too deeply");
    v->type = type;
    switch (type) {
      case 1:
      case 2:
        v->i = type == 1;
        return Status::OK();
      case 3: {
        ASSIGN_OR_RETURN(uint8_t b, Byte());
        v->i = static_cast<int8_t>(b);
        return Status::OK();
      }
      case 4:
      case 5:
      case 6: {
        ASSIGN_OR_RETURN(int64_t z, Varint());
        v->i = Unzig(z);
        return Status::OK();
      }
      case 7:
        if (d_.size() - pos_ < 8) return Fail("truncated double");
        pos_ += 8;
        return Status::OK();
      case 8: {
        ASSIGN_OR_RETURN(int64_t n, Varint());
        if (n < 0 || static_cast<uint64_t>(n) > d_.size() - pos_) return Fail("bad binary length");
        v->bin = d_.substr(pos_, static_cast<size_t>(n));
        pos_ += static_cast<size_t>(n);
        return Status::OK();
      }
      case 9:
      case 10: {
        ASSIGN_OR_RETURN(uint8_t h, Byte());
        int64_t n = h >> 4;
        if (n == 15) {
          ASSIGN_OR_RETURN(n, Varint());
        }
        uint8_t et = h & 0x0f;
        if (n < 0 || static_cast<uint64_t>(n) > d_.size() - pos_ + 1) return Fail("bad list size");
        for (int64_t k = 0; k < n; ++k) {
          TValue e;
          if (et == 1 || et == 2) {  // booleans in lists are whole bytes
            ASSIGN_OR_RETURN(uint8_t b, Byte());
            e.type = 1;
            e.i = b == 1;
          } else {
            RETURN_IF_ERROR(Value(et, &e, depth + 1));
          }
          v->elems.push_back(std::move(e));
        }
        return Status::OK();
      }
      case 11: {
        ASSIGN_OR_RETURN(int64_t n, Varint());
        if (n == 0) return Status::OK();
        // Every entry takes at least a byte, so a count past the bytes left is damage (and
        // would loop for as long as it says).
        if (n < 0 || static_cast<uint64_t>(n) > d_.size() - pos_) return Fail("bad map size");
        ASSIGN_OR_RETURN(uint8_t kv, Byte());
        for (int64_t k = 0; k < n; ++k) {
          TValue key, value;
          for (auto [type, out] : {std::pair{kv >> 4, &key}, std::pair{kv & 0x0f, &value}}) {
            if (type == 1 || type == 2) {  // booleans in maps are whole bytes, as in lists
              ASSIGN_OR_RETURN(uint8_t b, Byte());
              out->type = 1;
              out->i = b == 1;
            } else {
              RETURN_IF_ERROR(Value(static_cast<uint8_t>(type), out, depth + 1));
            }
          }
        }
        return Status::OK();
      }
      case 12:
        return Struct(v, depth);
      default:
        return Fail("unknown Thrift type");
    }
  }

  std::string_view d_;
  const std::string& origin_;
  size_t pos_ = 0;
};

// Decodes Parquet's RLE / bit-packing hybrid into `count` values.
Status DecodeHybrid(std::string_view data, int bit_width, int64_t count, std::vector<uint32_t>* out,
                    const std::string& origin) {
  out->clear();
  size_t pos = 0;
  auto fail = [&] { return CorruptionError("{}: malformed RLE/bit-packed run", origin); };
  const size_t value_bytes = static_cast<size_t>((bit_width + 7) / 8);
  while (static_cast<int64_t>(out->size()) < count) {
    uint64_t header = 0;
    for (int shift = 0;; shift += 7) {
      if (pos >= data.size() || shift > 63) return fail();
      uint8_t b = static_cast<uint8_t>(data[pos++]);
      header |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) break;
    }
    if (header & 1) {
      uint64_t groups = header >> 1;
      size_t bytes = static_cast<size_t>(groups) * static_cast<size_t>(bit_width);
      if (bytes > data.size() - pos) return fail();
      uint64_t n = groups * 8;
      for (uint64_t k = 0; k < n && static_cast<int64_t>(out->size()) < count; ++k) {
        uint64_t bit = k * static_cast<uint64_t>(bit_width);
        uint32_t v = 0;
        for (int b = 0; b < bit_width; ++b, ++bit) {
          uint8_t byte = static_cast<uint8_t>(data[pos + bit / 8]);
          v |= static_cast<uint32_t>((byte >> (bit % 8)) & 1) << b;
        }
        out->push_back(v);
      }
      pos += bytes;
    } else {
      uint64_t n = header >> 1;
      if (value_bytes > data.size() - pos) return fail();
      uint32_t v = 0;
      for (size_t b = 0; b < value_bytes; ++b) {
        v |= static_cast<uint32_t>(static_cast<uint8_t>(data[pos + b])) << (8 * b);
      }
      pos += value_bytes;
      for (uint64_t k = 0; k < n && static_cast<int64_t>(out->size()) < count; ++k) {
        out->push_back(v);
      }
    }
  }
  return Status::OK();
}

// The largest page binlake reads: a value as large as MySQL's max_allowed_packet (1 GiB),
// with room for its page's framing. A page header declaring more is damaged.
constexpr int64_t kMaxPageBytes = (int64_t{1} << 30) + (int64_t{64} << 20);

Status Decompress(int32_t codec, std::string_view in, size_t uncompressed, std::string* out,
                  const std::string& origin) {
  if (codec == 0) {
    out->assign(in);
    return Status::OK();
  }
  if (uncompressed > static_cast<size_t>(kMaxPageBytes)) {
    return CorruptionError("{}: a page declares {} bytes uncompressed, more than a page can hold",
                           origin, uncompressed);
  }
  out->resize(uncompressed);
  switch (codec) {
    case 1: {
      size_t n = uncompressed;
      if (snappy_uncompress(in.data(), in.size(), out->data(), &n) != SNAPPY_OK ||
          n != uncompressed) {
        return CorruptionError("{}: a snappy page does not decompress", origin);
      }
      return Status::OK();
    }
    case 2: {
      z_stream zs{};
      if (inflateInit2(&zs, 15 + 32) != Z_OK) return InternalError("inflateInit2 failed");
      zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
      zs.avail_in = static_cast<uInt>(in.size());
      zs.next_out = reinterpret_cast<Bytef*>(out->data());
      zs.avail_out = static_cast<uInt>(out->size());
      int rc = inflate(&zs, Z_FINISH);
      inflateEnd(&zs);
      if (rc != Z_STREAM_END || zs.avail_out != 0) {
        return CorruptionError("{}: a gzip page does not decompress", origin);
      }
      return Status::OK();
    }
    case 6: {
      size_t n = ZSTD_decompress(out->data(), out->size(), in.data(), in.size());
      if (ZSTD_isError(n) || n != uncompressed) {
        return CorruptionError("{}: a zstd page does not decompress", origin);
      }
      return Status::OK();
    }
    default:
      return UnimplementedError("{}: Parquet compression codec {} is not supported", origin, codec);
  }
}

}  // namespace

Result<std::unique_ptr<ParquetReader>> ParquetReader::Open(std::string_view file,
                                                           std::string origin) {
  std::unique_ptr<ParquetReader> r(new ParquetReader(file, std::move(origin)));
  RETURN_IF_ERROR(r->ParseFooter());
  return r;
}

Result<uint32_t> ParquetReader::FooterLength(std::string_view tail, const std::string& origin) {
  if (tail.size() < 8 || tail.substr(tail.size() - 4) != "PAR1") {
    return CorruptionError("{} is not a Parquet file (no PAR1 magic)", origin);
  }
  uint32_t len;
  std::memcpy(&len, tail.data() + tail.size() - 8, 4);
  return len;
}

Result<std::unique_ptr<ParquetReader>> ParquetReader::OpenTail(std::string tail, uint64_t file_size,
                                                               std::string origin) {
  if (tail.size() > file_size) {
    return InvalidArgumentError("{}: {} tail bytes of a {}-byte file", origin, tail.size(),
                                file_size);
  }
  std::unique_ptr<ParquetReader> r(new ParquetReader(std::string_view(), std::move(origin)));
  r->owned_ = std::move(tail);
  r->file_ = r->owned_;
  r->file_size_ = file_size;
  r->window_offset_ = file_size - r->file_.size();
  RETURN_IF_ERROR(r->ParseFooter());
  return r;
}

std::pair<uint64_t, uint64_t> ParquetReader::RowGroupSpan(size_t group) const {
  if (group >= row_groups_.size()) return {0, 0};
  uint64_t from = UINT64_MAX, to = 0;
  for (const Chunk& c : row_groups_[group]) {
    from = std::min(from, static_cast<uint64_t>(c.offset));
    to = std::max(to, static_cast<uint64_t>(c.offset + c.size));
  }
  return from < to ? std::pair<uint64_t, uint64_t>{from, to - from}
                   : std::pair<uint64_t, uint64_t>{0, 0};
}

Status ParquetReader::LoadRowGroup(size_t group, std::string bytes) {
  if (group >= row_groups_.size()) {
    return InvalidArgumentError("{} has {} row groups; there is no row group {}", origin_,
                                row_groups_.size(), group);
  }
  const auto [offset, length] = RowGroupSpan(group);
  if (bytes.size() != length) {
    return CorruptionError("{}: row group {} spans {} bytes, {} were read", origin_, group, length,
                           bytes.size());
  }
  owned_ = std::move(bytes);
  file_ = owned_;
  window_offset_ = offset;
  return Status::OK();
}

Status ParquetReader::ParseFooter() {
  // The whole file, or (OpenTail) its last bytes: the leading magic is checked when present.
  const bool whole = window_offset_ == 0;
  if (file_size_ < 12 || (whole && file_.substr(0, 4) != "PAR1")) {
    return CorruptionError("{} is not a Parquet file (no PAR1 magic)", origin_);
  }
  ASSIGN_OR_RETURN(uint32_t len, FooterLength(file_, origin_));
  if (len > file_size_ - 12 || len > file_.size() - 8) {
    return CorruptionError("{}: footer length out of range", origin_);
  }
  ThriftParser p(file_.substr(file_.size() - 8 - len, len), origin_);
  TValue meta;
  RETURN_IF_ERROR(p.Struct(&meta));
  num_rows_ = meta.Int(3);
  const TValue* schema = meta.Field(2);
  if (!schema || schema->elems.empty()) return CorruptionError("{}: no schema", origin_);
  // Walk the schema tree; every leaf gets a column (chunks are per leaf), nested leaves are
  // marked unreadable by a negative field id and an empty name.
  struct Frame {
    int64_t remaining;
  };
  std::vector<Frame> stack{{schema->elems[0].Int(5)}};
  for (size_t i = 1; i < schema->elems.size(); ++i) {
    while (!stack.empty() && stack.back().remaining == 0) stack.pop_back();
    if (stack.empty()) return CorruptionError("{}: schema tree is malformed", origin_);
    --stack.back().remaining;
    const TValue& e = schema->elems[i];
    int64_t children = e.Int(5);
    if (children > 0) {
      stack.push_back({children});
      continue;
    }
    ColumnInfo c;
    if (stack.size() == 1) {
      if (const TValue* n = e.Field(4)) c.name.assign(n->bin);
      c.field_id = static_cast<int32_t>(e.Int(9, -1));
    }
    c.type = static_cast<ParquetType>(e.Int(1));
    c.type_length = static_cast<int>(e.Int(2));
    int64_t repetition = e.Int(3);
    if (repetition == 2) c.name.clear();  // repeated: not a flat column
    c.optional = repetition == 1;
    columns_.push_back(std::move(c));
  }
  if (const TValue* groups = meta.Field(4)) {
    for (const TValue& g : groups->elems) {
      row_group_rows_.push_back(static_cast<size_t>(std::max<int64_t>(0, g.Int(3))));
      std::vector<Chunk> chunks;
      const TValue* cols = g.Field(1);
      if (!cols || cols->elems.size() != columns_.size()) {
        return CorruptionError("{}: a row group has the wrong number of columns", origin_);
      }
      for (const TValue& cc : cols->elems) {
        const TValue* md = cc.Field(3);
        if (!md) return CorruptionError("{}: a column chunk has no metadata", origin_);
        Chunk ch;
        int64_t dict = md->Int(11, 0);
        int64_t data = md->Int(9, 0);
        ch.offset = dict > 0 && dict < data ? dict : data;
        ch.size = md->Int(7);
        ch.num_values = md->Int(5);
        ch.codec = static_cast<int32_t>(md->Int(4));
        if (ch.offset < 4 || ch.size < 0 ||
            static_cast<uint64_t>(ch.offset + ch.size) > file_size_) {
          return CorruptionError("{}: a column chunk lies outside the file", origin_);
        }
        chunks.push_back(ch);
      }
      row_groups_.push_back(std::move(chunks));
    }
  }
  if (const TValue* kvs = meta.Field(5)) {
    for (const TValue& kv : kvs->elems) {
      const TValue* k = kv.Field(1);
      const TValue* v = kv.Field(2);
      key_values_.emplace_back(k ? std::string(k->bin) : "", v ? std::string(v->bin) : "");
    }
  }
  return Status::OK();
}

int ParquetReader::FindByFieldId(int32_t field_id) const {
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i].field_id == field_id && !columns_[i].name.empty()) return static_cast<int>(i);
  }
  return -1;
}

int ParquetReader::FindByName(std::string_view name) const {
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

std::optional<std::string> ParquetReader::KeyValue(std::string_view key) const {
  for (const auto& [k, v] : key_values_) {
    if (k == key) return v;
  }
  return std::nullopt;
}

Status ParquetReader::ReadColumn(int column, std::vector<std::optional<std::string>>* out) const {
  out->clear();
  if (column < 0 || static_cast<size_t>(column) >= columns_.size() ||
      columns_[static_cast<size_t>(column)].name.empty()) {
    return InvalidArgumentError("{}: column {} is not a flat top-level column", origin_, column);
  }
  for (const auto& group : row_groups_) {
    RETURN_IF_ERROR(ReadChunk(column, group[static_cast<size_t>(column)], out));
  }
  return Status::OK();
}

Status ParquetReader::ReadColumnGroup(int column, size_t group,
                                      std::vector<std::optional<std::string>>* out) const {
  out->clear();
  if (column < 0 || static_cast<size_t>(column) >= columns_.size() ||
      columns_[static_cast<size_t>(column)].name.empty() || group >= row_groups_.size()) {
    return InvalidArgumentError("{}: column {} of row group {} cannot be read", origin_, column,
                                group);
  }
  return ReadChunk(column, row_groups_[group][static_cast<size_t>(column)], out);
}

Status ParquetReader::ReadChunk(int column, const Chunk& chunk,
                                std::vector<std::optional<std::string>>* out) const {
  const ColumnInfo& info = columns_[static_cast<size_t>(column)];
  auto fail = [&](std::string_view what) {
    return CorruptionError("{}: column '{}': {}", origin_, info.name, what);
  };
  // Reads one PLAIN value at *pos of `data`.
  size_t bool_bit = 0;
  auto plain = [&](std::string_view data, size_t* pos, std::string* v) -> Status {
    size_t width = 0;
    switch (info.type) {
      case ParquetType::kBoolean: {
        size_t byte = *pos + bool_bit / 8;
        if (byte >= data.size()) return fail("truncated BOOLEAN values");
        v->assign(1, static_cast<char>((static_cast<uint8_t>(data[byte]) >> (bool_bit % 8)) & 1));
        ++bool_bit;
        return Status::OK();
      }
      case ParquetType::kInt32:
      case ParquetType::kFloat:
        width = 4;
        break;
      case ParquetType::kInt64:
      case ParquetType::kDouble:
        width = 8;
        break;
      case ParquetType::kFixedLenByteArray:
        width = static_cast<size_t>(info.type_length);
        break;
      case ParquetType::kByteArray: {
        if (data.size() - *pos < 4) return fail("truncated BYTE_ARRAY length");
        uint32_t n;
        std::memcpy(&n, data.data() + *pos, 4);
        *pos += 4;
        width = n;
        break;
      }
      default:
        return UnimplementedError("{}: column '{}': INT96 values are not read", origin_, info.name);
    }
    if (width > data.size() - *pos) return fail("truncated values");
    v->assign(data.substr(*pos, width));
    *pos += width;
    return Status::OK();
  };

  std::vector<std::string> dictionary;
  std::string page;
  std::vector<uint32_t> levels;
  std::vector<uint32_t> indices;
  int64_t done = 0;
  // Offsets are the file's; file_ holds its bytes from window_offset_ on.
  if (static_cast<uint64_t>(chunk.offset) < window_offset_ ||
      static_cast<uint64_t>(chunk.offset + chunk.size) - window_offset_ > file_.size()) {
    return FailedPreconditionError("{}: column '{}': its row group's bytes were not loaded",
                                   origin_, info.name);
  }
  size_t pos = static_cast<size_t>(static_cast<uint64_t>(chunk.offset) - window_offset_);
  const size_t end = pos + static_cast<size_t>(chunk.size);
  while (done < chunk.num_values) {
    if (pos >= end) return fail("column chunk ends before all its values");
    ThriftParser p(file_.substr(pos, end - pos), origin_);
    TValue header;
    RETURN_IF_ERROR(p.Struct(&header));
    pos += p.pos();
    int64_t page_type = header.Int(1);
    if (header.Int(2) < 0 || header.Int(2) > kMaxPageBytes || header.Int(3) < 0) {
      return fail("page header with sizes out of range");
    }
    size_t uncompressed = static_cast<size_t>(header.Int(2));
    size_t compressed = static_cast<size_t>(header.Int(3));
    if (compressed > end - pos) return fail("page runs past the chunk");
    std::string_view body = file_.substr(pos, compressed);
    pos += compressed;
    if (page_type == 2) {  // dictionary page
      RETURN_IF_ERROR(Decompress(chunk.codec, body, uncompressed, &page, origin_));
      const TValue* dh = header.Field(7);
      int64_t n = dh ? dh->Int(1) : 0;
      dictionary.clear();
      size_t at = 0;
      bool_bit = 0;
      for (int64_t k = 0; k < n; ++k) {
        std::string v;
        RETURN_IF_ERROR(plain(page, &at, &v));
        dictionary.push_back(std::move(v));
      }
      continue;
    }
    if (page_type != 0 && page_type != 3) continue;  // index pages and the like
    int64_t num_values = 0;
    int64_t encoding = 0;
    std::string_view values;
    levels.clear();
    if (page_type == 0) {
      const TValue* dh = header.Field(5);
      if (!dh) return fail("data page without header");
      num_values = dh->Int(1);
      if (num_values < 0 || num_values > chunk.num_values - done) {
        return fail("a page holds more values than its column chunk");
      }
      encoding = dh->Int(2);
      RETURN_IF_ERROR(Decompress(chunk.codec, body, uncompressed, &page, origin_));
      values = page;
      if (info.optional) {
        if (values.size() < 4) return fail("truncated definition levels");
        uint32_t n;
        std::memcpy(&n, values.data(), 4);
        if (n > values.size() - 4) return fail("definition levels past the page");
        RETURN_IF_ERROR(DecodeHybrid(values.substr(4, n), 1, num_values, &levels, origin_));
        values.remove_prefix(4 + n);
      }
    } else {
      const TValue* dh = header.Field(8);
      if (!dh) return fail("v2 data page without header");
      num_values = dh->Int(1);
      if (num_values < 0 || num_values > chunk.num_values - done) {
        return fail("a page holds more values than its column chunk");
      }
      encoding = dh->Int(4);
      if (dh->Int(5) < 0 || dh->Int(6) < 0 || dh->Int(5) > kMaxPageBytes ||
          dh->Int(6) > kMaxPageBytes) {
        return fail("v2 page header with level sizes out of range");
      }
      size_t def_len = static_cast<size_t>(dh->Int(5));
      size_t rep_len = static_cast<size_t>(dh->Int(6));
      bool is_compressed = dh->Int(7, 1) != 0;
      if (rep_len + def_len > body.size() || rep_len + def_len > uncompressed) {
        return fail("levels past the page");
      }
      if (info.optional) {
        RETURN_IF_ERROR(
            DecodeHybrid(body.substr(rep_len, def_len), 1, num_values, &levels, origin_));
      }
      std::string_view rest = body.substr(rep_len + def_len);
      if (is_compressed && chunk.codec != 0) {
        RETURN_IF_ERROR(
            Decompress(chunk.codec, rest, uncompressed - rep_len - def_len, &page, origin_));
        values = page;
      } else {
        values = rest;
      }
    }
    int64_t present = num_values;
    if (info.optional) {
      present = 0;
      for (uint32_t l : levels) present += l != 0;
    }
    bool dict = encoding == 2 || encoding == 8;
    if (dict) {
      if (values.empty()) {
        if (present > 0) return fail("dictionary page body is empty");
      } else {
        int bw = static_cast<uint8_t>(values[0]);
        if (bw > 32) return fail("dictionary index width above 32");
        if (bw == 0) {
          indices.assign(static_cast<size_t>(present), 0);
        } else {
          RETURN_IF_ERROR(DecodeHybrid(values.substr(1), bw, present, &indices, origin_));
        }
      }
    } else if (encoding != 0) {
      return UnimplementedError(
          "{}: column '{}' uses Parquet encoding {}; binlake reads PLAIN and dictionary pages",
          origin_, info.name, encoding);
    }
    size_t at = 0;
    bool_bit = 0;
    int64_t next_index = 0;
    for (int64_t k = 0; k < num_values; ++k) {
      if (info.optional && levels[static_cast<size_t>(k)] == 0) {
        out->emplace_back(std::nullopt);
        continue;
      }
      if (dict) {
        uint32_t ix = indices[static_cast<size_t>(next_index++)];
        if (ix >= dictionary.size()) return fail("dictionary index out of range");
        out->emplace_back(dictionary[ix]);
      } else {
        std::string v;
        RETURN_IF_ERROR(plain(values, &at, &v));
        out->emplace_back(std::move(v));
      }
    }
    done += num_values;
  }
  return Status::OK();
}

}  // namespace binlake

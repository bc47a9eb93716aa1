#include "iceberg/avro.h"

#include <cstring>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "format/inflate.h"

namespace binlake {
namespace {

using Json = nlohmann::ordered_json;
using Type = AvroSchema::Type;

constexpr std::string_view kMagic("Obj\x01", 4);
constexpr int64_t kBlockRecords = 4096;

const char* TypeName(Type t) {
  switch (t) {
    case Type::kNull:
      return "null";
    case Type::kBoolean:
      return "boolean";
    case Type::kInt:
      return "int";
    case Type::kLong:
      return "long";
    case Type::kFloat:
      return "float";
    case Type::kDouble:
      return "double";
    case Type::kBytes:
      return "bytes";
    case Type::kString:
      return "string";
    case Type::kFixed:
      return "fixed";
    case Type::kEnum:
      return "enum";
    case Type::kRecord:
      return "record";
    case Type::kArray:
      return "array";
    case Type::kMap:
      return "map";
    case Type::kUnion:
      return "union";
  }
  return "?";
}

Json SchemaJson(const AvroSchema& s) {
  switch (s.type) {
    case Type::kRecord: {
      Json fields = Json::array();
      for (const auto& f : s.fields) {
        Json jf{{"name", f.name}, {"type", SchemaJson(*f.type)}};
        if (f.default_null) jf["default"] = nullptr;
        if (f.field_id >= 0) jf["field-id"] = f.field_id;
        fields.push_back(std::move(jf));
      }
      return Json{{"type", "record"}, {"name", s.name}, {"fields", std::move(fields)}};
    }
    case Type::kArray: {
      Json j{{"type", "array"}, {"items", SchemaJson(*s.items)}};
      if (!s.logical_type.empty()) j["logicalType"] = s.logical_type;
      if (s.element_id >= 0) j["element-id"] = s.element_id;
      return j;
    }
    case Type::kMap:
      return Json{{"type", "map"}, {"values", SchemaJson(*s.items)}};
    case Type::kUnion: {
      Json j = Json::array();
      for (const auto& b : s.branches) j.push_back(SchemaJson(*b));
      return j;
    }
    case Type::kFixed:
      return Json{{"type", "fixed"}, {"name", s.name}, {"size", s.size}};
    case Type::kEnum:
      return Json{{"type", "enum"}, {"name", s.name}, {"symbols", Json::array()}};
    default:
      if (!s.logical_type.empty())
        return Json{{"type", TypeName(s.type)}, {"logicalType", s.logical_type}};
      return TypeName(s.type);
  }
}

Result<Type> PrimitiveType(const std::string& name) {
  static const std::map<std::string, Type> kTypes = {
      {"null", Type::kNull},   {"boolean", Type::kBoolean}, {"int", Type::kInt},
      {"long", Type::kLong},   {"float", Type::kFloat},     {"double", Type::kDouble},
      {"bytes", Type::kBytes}, {"string", Type::kString}};
  auto it = kTypes.find(name);
  if (it == kTypes.end()) return InvalidArgumentError("unknown Avro type '{}'", name);
  return it->second;
}

class SchemaParser {
 public:
  Result<AvroSchemaPtr> Parse(const Json& j) {
    auto s = std::make_shared<AvroSchema>();
    if (j.is_string()) {
      std::string name = j.get<std::string>();
      auto named = named_.find(name);
      if (named != named_.end()) {
        // A record holding itself would be a cycle of shared pointers, never freed; no
        // Iceberg file has one.
        if (open_.count(name)) {
          return InvalidArgumentError(
              "Avro record '{}' refers to itself; binlake reads no recursive Avro schemas", name);
        }
        return named->second;
      }
      ASSIGN_OR_RETURN(s->type, PrimitiveType(name));
      return AvroSchemaPtr(s);
    }
    if (j.is_array()) {
      s->type = Type::kUnion;
      for (const auto& b : j) {
        ASSIGN_OR_RETURN(auto branch, Parse(b));
        s->branches.push_back(std::move(branch));
      }
      return AvroSchemaPtr(s);
    }
    if (!j.is_object() || !j.contains("type")) {
      return InvalidArgumentError("Avro schema node {} has no type", j.dump());
    }
    const Json& type = j.at("type");
    if (!type.is_string()) return Parse(type);
    std::string t = type.get<std::string>();
    if (j.contains("logicalType")) s->logical_type = j.at("logicalType").get<std::string>();
    if (t == "record" || t == "error") {
      s->type = Type::kRecord;
      s->name = j.value("name", "");
      named_[s->name] = s;  // fields may refer to the record only by name after this
      open_.insert(s->name);
      for (const auto& jf : j.at("fields")) {
        AvroSchema::Field f;
        f.name = jf.at("name").get<std::string>();
        ASSIGN_OR_RETURN(f.type, Parse(jf.at("type")));
        if (jf.contains("field-id")) f.field_id = jf.at("field-id").get<int32_t>();
        f.default_null = jf.contains("default") && jf.at("default").is_null();
        s->fields.push_back(std::move(f));
      }
      open_.erase(s->name);
    } else if (t == "array") {
      s->type = Type::kArray;
      ASSIGN_OR_RETURN(s->items, Parse(j.at("items")));
      if (j.contains("element-id")) s->element_id = j.at("element-id").get<int32_t>();
    } else if (t == "map") {
      s->type = Type::kMap;
      ASSIGN_OR_RETURN(s->items, Parse(j.at("values")));
    } else if (t == "fixed") {
      s->type = Type::kFixed;
      s->name = j.value("name", "");
      s->size = j.at("size").get<int32_t>();
      named_[s->name] = s;
    } else if (t == "enum") {
      s->type = Type::kEnum;
      s->name = j.value("name", "");
      named_[s->name] = s;
    } else {
      ASSIGN_OR_RETURN(s->type, PrimitiveType(t));
    }
    return AvroSchemaPtr(s);
  }

 private:
  std::map<std::string, AvroSchemaPtr> named_;
  std::set<std::string> open_;  // records whose fields are being parsed
};

void PutLong(int64_t v, std::string* out) {
  uint64_t z = (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  while (z >= 0x80) {
    out->push_back(static_cast<char>((z & 0x7f) | 0x80));
    z >>= 7;
  }
  out->push_back(static_cast<char>(z));
}

void PutBytes(std::string_view b, std::string* out) {
  PutLong(static_cast<int64_t>(b.size()), out);
  out->append(b);
}

Status Mismatch(const AvroSchema& s, const AvroDatum& d) {
  return InvalidArgumentError("Avro value of kind {} does not fit schema type {} {}",
                              static_cast<int>(d.kind), TypeName(s.type), s.name);
}

// Reads Avro binary from a buffer; every failure names the origin and the offset.
class Decoder {
 public:
  Decoder(std::string_view data, std::string_view origin) : data_(data), origin_(origin) {}

  size_t offset() const { return pos_; }
  bool at_end() const { return pos_ >= data_.size(); }

  Status Fail(std::string_view what) const {
    return CorruptionError("{}: {} at byte {}", origin_, what, pos_);
  }

  Result<int64_t> Long() {
    uint64_t z = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (pos_ >= data_.size()) return Fail("truncated varint");
      uint8_t b = static_cast<uint8_t>(data_[pos_++]);
      z |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return static_cast<int64_t>((z >> 1) ^ (~(z & 1) + 1));
    }
    return Fail("varint longer than 10 bytes");
  }

  Result<std::string_view> Raw(size_t n) {
    if (n > data_.size() - pos_) return Fail("length past the end");
    std::string_view v = data_.substr(pos_, n);
    pos_ += n;
    return v;
  }

  Result<std::string_view> Bytes() {
    ASSIGN_OR_RETURN(int64_t n, Long());
    if (n < 0) return Fail("negative length");
    return Raw(static_cast<size_t>(n));
  }

  Status Value(const AvroSchema& s, AvroDatum* d, int depth = 0) {
    if (depth > 64) return Fail("schema nested too deeply");
    switch (s.type) {
      case Type::kNull:
        d->kind = AvroDatum::Kind::kNull;
        return Status::OK();
      case Type::kBoolean: {
        ASSIGN_OR_RETURN(auto b, Raw(1));
        d->kind = AvroDatum::Kind::kBool;
        d->b = b[0] != 0;
        return Status::OK();
      }
      case Type::kInt:
      case Type::kLong:
      case Type::kEnum: {
        d->kind = AvroDatum::Kind::kLong;
        ASSIGN_OR_RETURN(d->l, Long());
        return Status::OK();
      }
      case Type::kFloat: {
        ASSIGN_OR_RETURN(auto b, Raw(4));
        float f;
        std::memcpy(&f, b.data(), 4);
        d->kind = AvroDatum::Kind::kFloat;
        d->d = f;
        return Status::OK();
      }
      case Type::kDouble: {
        ASSIGN_OR_RETURN(auto b, Raw(8));
        std::memcpy(&d->d, b.data(), 8);
        d->kind = AvroDatum::Kind::kDouble;
        return Status::OK();
      }
      case Type::kBytes:
      case Type::kString: {
        ASSIGN_OR_RETURN(auto b, Bytes());
        d->kind = AvroDatum::Kind::kBytes;
        d->s.assign(b);
        return Status::OK();
      }
      case Type::kFixed: {
        ASSIGN_OR_RETURN(auto b, Raw(static_cast<size_t>(s.size)));
        d->kind = AvroDatum::Kind::kBytes;
        d->s.assign(b);
        return Status::OK();
      }
      case Type::kRecord:
        d->kind = AvroDatum::Kind::kList;
        d->items.resize(s.fields.size());
        for (size_t i = 0; i < s.fields.size(); ++i) {
          RETURN_IF_ERROR(Value(*s.fields[i].type, &d->items[i], depth + 1));
        }
        return Status::OK();
      case Type::kArray:
      case Type::kMap: {
        d->kind = AvroDatum::Kind::kList;
        d->items.clear();
        AvroSchema key;
        key.type = Type::kString;
        for (;;) {
          ASSIGN_OR_RETURN(int64_t n, Long());
          if (n == 0) break;
          if (n == std::numeric_limits<int64_t>::min()) return Fail("block count out of range");
          if (n < 0) {
            n = -n;
            RETURN_IF_ERROR(Long().status());  // block size in bytes
          }
          if (static_cast<uint64_t>(n) > data_.size() - pos_) return Fail("block count too large");
          for (int64_t i = 0; i < n; ++i) {
            AvroDatum item;
            if (s.type == Type::kMap) {
              item.kind = AvroDatum::Kind::kList;
              item.items.resize(2);
              RETURN_IF_ERROR(Value(key, &item.items[0], depth + 1));
              RETURN_IF_ERROR(Value(*s.items, &item.items[1], depth + 1));
            } else {
              RETURN_IF_ERROR(Value(*s.items, &item, depth + 1));
            }
            d->items.push_back(std::move(item));
          }
        }
        return Status::OK();
      }
      case Type::kUnion: {
        ASSIGN_OR_RETURN(int64_t branch, Long());
        if (branch < 0 || static_cast<size_t>(branch) >= s.branches.size()) {
          return Fail("union branch out of range");
        }
        return Value(*s.branches[static_cast<size_t>(branch)], d, depth + 1);
      }
    }
    return Fail("unknown schema type");
  }

 private:
  std::string_view data_;
  std::string_view origin_;
  size_t pos_ = 0;
};

}  // namespace

int AvroSchema::FieldIndex(std::string_view field_name) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == field_name) return static_cast<int>(i);
  }
  return -1;
}

int AvroSchema::FieldIndexById(int32_t id) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].field_id == id) return static_cast<int>(i);
  }
  return -1;
}

std::string AvroSchema::ToJson() const { return SchemaJson(*this).dump(); }

Result<AvroSchemaPtr> AvroSchema::Parse(std::string_view json) {
  try {
    SchemaParser parser;
    return parser.Parse(Json::parse(json));
  } catch (const std::exception& e) {
    return InvalidArgumentError("Avro schema is not valid JSON: {}", e.what());
  }
}

AvroSchemaPtr AvroPrimitive(AvroSchema::Type type) {
  auto s = std::make_shared<AvroSchema>();
  s->type = type;
  return s;
}

AvroSchemaPtr AvroOptional(AvroSchemaPtr type) {
  auto s = std::make_shared<AvroSchema>();
  s->type = Type::kUnion;
  s->branches = {AvroPrimitive(Type::kNull), std::move(type)};
  return s;
}

AvroSchemaPtr AvroRecord(std::string name, std::vector<AvroSchema::Field> fields) {
  auto s = std::make_shared<AvroSchema>();
  s->type = Type::kRecord;
  s->name = std::move(name);
  s->fields = std::move(fields);
  return s;
}

AvroSchemaPtr AvroArray(AvroSchemaPtr items, int32_t element_id) {
  auto s = std::make_shared<AvroSchema>();
  s->type = Type::kArray;
  s->items = std::move(items);
  s->element_id = element_id;
  return s;
}

AvroSchemaPtr AvroIntKeyMap(std::string record_name, int32_t key_id, AvroSchemaPtr value,
                            int32_t value_id) {
  auto entry = AvroRecord(std::move(record_name), {{"key", AvroPrimitive(Type::kInt), key_id},
                                                   {"value", std::move(value), value_id}});
  auto s = std::make_shared<AvroSchema>();
  s->type = Type::kArray;
  s->items = std::move(entry);
  s->logical_type = "map";
  return s;
}

Status EncodeAvro(const AvroSchema& s, const AvroDatum& d, std::string* out) {
  using K = AvroDatum::Kind;
  switch (s.type) {
    case Type::kNull:
      if (d.kind != K::kNull) return Mismatch(s, d);
      return Status::OK();
    case Type::kBoolean:
      if (d.kind != K::kBool) return Mismatch(s, d);
      out->push_back(d.b ? 1 : 0);
      return Status::OK();
    case Type::kInt:
    case Type::kLong:
    case Type::kEnum:
      if (d.kind != K::kLong) return Mismatch(s, d);
      PutLong(d.l, out);
      return Status::OK();
    case Type::kFloat: {
      if (d.kind != K::kFloat && d.kind != K::kDouble) return Mismatch(s, d);
      float f = static_cast<float>(d.d);
      out->append(reinterpret_cast<const char*>(&f), 4);
      return Status::OK();
    }
    case Type::kDouble:
      if (d.kind != K::kFloat && d.kind != K::kDouble) return Mismatch(s, d);
      out->append(reinterpret_cast<const char*>(&d.d), 8);
      return Status::OK();
    case Type::kBytes:
    case Type::kString:
      if (d.kind != K::kBytes) return Mismatch(s, d);
      PutBytes(d.s, out);
      return Status::OK();
    case Type::kFixed:
      if (d.kind != K::kBytes || d.s.size() != static_cast<size_t>(s.size)) return Mismatch(s, d);
      out->append(d.s);
      return Status::OK();
    case Type::kRecord:
      if (d.kind != K::kList || d.items.size() != s.fields.size()) return Mismatch(s, d);
      for (size_t i = 0; i < s.fields.size(); ++i) {
        RETURN_IF_ERROR_CTX(EncodeAvro(*s.fields[i].type, d.items[i], out), "field {}",
                            s.fields[i].name);
      }
      return Status::OK();
    case Type::kArray:
    case Type::kMap: {
      if (d.kind != K::kList) return Mismatch(s, d);
      if (!d.items.empty()) {
        PutLong(static_cast<int64_t>(d.items.size()), out);
        for (const auto& item : d.items) {
          if (s.type == Type::kMap) {
            if (item.items.size() != 2 || item.items[0].kind != K::kBytes) return Mismatch(s, item);
            PutBytes(item.items[0].s, out);
            RETURN_IF_ERROR(EncodeAvro(*s.items, item.items[1], out));
          } else {
            RETURN_IF_ERROR(EncodeAvro(*s.items, item, out));
          }
        }
      }
      PutLong(0, out);
      return Status::OK();
    }
    case Type::kUnion: {
      // The first branch that accepts the datum: null goes to the null branch.
      for (size_t i = 0; i < s.branches.size(); ++i) {
        bool is_null_branch = s.branches[i]->type == Type::kNull;
        if (is_null_branch != d.is_null()) continue;
        PutLong(static_cast<int64_t>(i), out);
        return EncodeAvro(*s.branches[i], d, out);
      }
      return Mismatch(s, d);
    }
  }
  return Mismatch(s, d);
}

AvroFileWriter::AvroFileWriter(AvroSchemaPtr schema, std::map<std::string, std::string> metadata)
    : schema_(std::move(schema)) {
  metadata["avro.schema"] = schema_->ToJson();
  metadata["avro.codec"] = "null";
  // A deterministic sync marker: 16 bytes of FNV-1a over the metadata.
  uint64_t h = 1469598103934665603ull;
  for (const auto& [k, v] : metadata) {
    for (char c : k + '\0' + v) {
      h ^= static_cast<uint8_t>(c);
      h *= 1099511628211ull;
    }
  }
  for (int i = 0; i < 16; ++i) {
    h ^= static_cast<uint64_t>(i);
    h *= 1099511628211ull;
    sync_.push_back(static_cast<char>(h >> 56));
  }
  out_.append(kMagic);
  PutLong(static_cast<int64_t>(metadata.size()), &out_);
  for (const auto& [k, v] : metadata) {
    PutBytes(k, &out_);
    PutBytes(v, &out_);
  }
  PutLong(0, &out_);
  out_.append(sync_);
}

Status AvroFileWriter::Append(const AvroDatum& record) {
  size_t had = block_.size();
  Status s = EncodeAvro(*schema_, record, &block_);
  if (!s.ok()) {
    block_.resize(had);
    return s;
  }
  if (++block_count_ >= kBlockRecords) FlushBlock();
  return Status::OK();
}

void AvroFileWriter::FlushBlock() {
  if (block_count_ == 0) return;
  PutLong(block_count_, &out_);
  PutBytes(block_, &out_);
  out_.append(sync_);
  block_.clear();
  block_count_ = 0;
}

std::string AvroFileWriter::Finish() {
  FlushBlock();
  return std::move(out_);
}

Result<AvroFile> ReadAvroFile(std::string_view bytes, std::string_view origin) {
  Decoder header(bytes, origin);
  ASSIGN_OR_RETURN(auto magic, header.Raw(4));
  if (magic != kMagic) return header.Fail("not an Avro container file (bad magic)");
  AvroFile file;
  for (;;) {
    ASSIGN_OR_RETURN(int64_t n, header.Long());
    if (n == 0) break;
    if (n == std::numeric_limits<int64_t>::min()) {
      return header.Fail("metadata block count out of range");
    }
    if (n < 0) {
      n = -n;
      RETURN_IF_ERROR(header.Long().status());
    }
    for (int64_t i = 0; i < n; ++i) {
      ASSIGN_OR_RETURN(auto k, header.Bytes());
      ASSIGN_OR_RETURN(auto v, header.Bytes());
      file.metadata[std::string(k)] = std::string(v);
    }
  }
  ASSIGN_OR_RETURN(auto sync, header.Raw(16));
  auto schema_it = file.metadata.find("avro.schema");
  if (schema_it == file.metadata.end()) return header.Fail("no avro.schema in the header");
  ASSIGN_OR_RETURN_CTX(file.schema, AvroSchema::Parse(schema_it->second), "{}", origin);
  std::string codec = file.metadata.count("avro.codec") ? file.metadata["avro.codec"] : "null";
  if (codec != "null" && codec != "deflate") {
    return UnimplementedError("{}: Avro codec '{}' is not supported (null and deflate are)", origin,
                              codec);
  }
  size_t pos = header.offset();
  while (pos < bytes.size()) {
    Decoder block_header(bytes.substr(pos), origin);
    ASSIGN_OR_RETURN(int64_t count, block_header.Long());
    ASSIGN_OR_RETURN(auto data, block_header.Bytes());
    ASSIGN_OR_RETURN(auto marker, block_header.Raw(16));
    if (marker != sync) return block_header.Fail("sync marker mismatch");
    std::string inflated;
    if (codec == "deflate") {
      ASSIGN_OR_RETURN(inflated, Inflate(data, DeflateWrapping::kRawDeflate, origin));
      data = inflated;
    }
    Decoder d(data, origin);
    for (int64_t i = 0; i < count; ++i) {
      AvroDatum record;
      RETURN_IF_ERROR(d.Value(*file.schema, &record));
      file.records.push_back(std::move(record));
    }
    pos += block_header.offset();
  }
  return file;
}

}  // namespace binlake

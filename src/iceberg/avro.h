#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace binlake {

// The Avro object container format (Avro 1.11 spec), as much as Iceberg's manifests and
// manifest lists use: records, arrays, maps, unions, the primitive types and fixed. Written
// by our own encoder because Iceberg needs a `field-id` on every field and key-value file
// metadata, which Debian's avro-c cannot write.

// One node of an Avro schema. Records carry their fields (with Iceberg field ids); arrays
// and maps their item type; unions their branches. Logical-type annotations and
// element/key/value ids are kept as given so that written schemas say what Iceberg expects.
struct AvroSchema {
  enum class Type : uint8_t {
    kNull,
    kBoolean,
    kInt,
    kLong,
    kFloat,
    kDouble,
    kBytes,
    kString,
    kFixed,
    kEnum,
    kRecord,
    kArray,
    kMap,
    kUnion,
  };
  struct Field {
    std::string name;
    std::shared_ptr<const AvroSchema> type;
    int32_t field_id = -1;      // -1: none
    bool default_null = false;  // writes "default": null (optional Iceberg fields)
  };

  Type type = Type::kNull;
  std::string name;                         // records, fixed, enums
  std::string logical_type;                 // e.g. "map" on an array of key/value records
  int32_t size = 0;                         // fixed
  std::vector<Field> fields;                // records
  std::shared_ptr<const AvroSchema> items;  // arrays and maps
  std::vector<std::shared_ptr<const AvroSchema>> branches;  // unions
  int32_t element_id = -1;                                  // arrays: "element-id"

  // The index of a record field by name, or -1.
  int FieldIndex(std::string_view field_name) const;
  // The index of a record field by Iceberg field id, or -1.
  int FieldIndexById(int32_t id) const;

  // The schema as Avro JSON.
  std::string ToJson() const;
  // Parses Avro schema JSON (named types may be referenced by name after their definition).
  static Result<std::shared_ptr<const AvroSchema>> Parse(std::string_view json);
};
using AvroSchemaPtr = std::shared_ptr<const AvroSchema>;

// Builders for schemas.
AvroSchemaPtr AvroPrimitive(AvroSchema::Type type);
AvroSchemaPtr AvroOptional(AvroSchemaPtr type);  // ["null", type]
AvroSchemaPtr AvroRecord(std::string name, std::vector<AvroSchema::Field> fields);
AvroSchemaPtr AvroArray(AvroSchemaPtr items, int32_t element_id);
// Iceberg's map with non-string keys: an array of {key, value} records, logicalType "map".
AvroSchemaPtr AvroIntKeyMap(std::string record_name, int32_t key_id, AvroSchemaPtr value,
                            int32_t value_id);

// One value. Unions hold the chosen branch's value directly (a null or not); records hold
// their fields in schema order; arrays their items; maps {key, value} pairs as two-field
// records (string key first).
struct AvroDatum {
  enum class Kind : uint8_t { kNull, kBool, kLong, kFloat, kDouble, kBytes, kList };
  Kind kind = Kind::kNull;
  bool b = false;
  int64_t l = 0;                 // int, long, enum index
  double d = 0;                  // float, double
  std::string s;                 // bytes, string, fixed
  std::vector<AvroDatum> items;  // record fields, array items, map entries

  static AvroDatum Null() { return AvroDatum(); }
  static AvroDatum Long(int64_t v) {
    AvroDatum x;
    x.kind = Kind::kLong;
    x.l = v;
    return x;
  }
  static AvroDatum Bytes(std::string v) {
    AvroDatum x;
    x.kind = Kind::kBytes;
    x.s = std::move(v);
    return x;
  }
  static AvroDatum List(std::vector<AvroDatum> v) {
    AvroDatum x;
    x.kind = Kind::kList;
    x.items = std::move(v);
    return x;
  }
  bool is_null() const { return kind == Kind::kNull; }
};

// Writes an Avro object container file into a string: header (magic, metadata with
// avro.schema and avro.codec "null", sync marker), then blocks of records. The sync marker
// is derived from the content given at construction so output is deterministic.
// Not thread-safe.
class AvroFileWriter {
 public:
  AvroFileWriter(AvroSchemaPtr schema, std::map<std::string, std::string> metadata);

  // Appends one record. kInvalidArgument when the datum does not fit the schema.
  Status Append(const AvroDatum& record);
  // The complete file. REQUIRES: called once, after the last Append.
  std::string Finish();

 private:
  void FlushBlock();

  AvroSchemaPtr schema_;
  std::string out_;
  std::string block_;
  int64_t block_count_ = 0;
  std::string sync_;
};

// A decoded container file: the writer's schema, the file metadata and every record.
struct AvroFile {
  AvroSchemaPtr schema;
  std::map<std::string, std::string> metadata;
  std::vector<AvroDatum> records;
};

// Reads a container file written with the "null" or "deflate" codec. kCorruption naming
// `origin` and the offset for anything malformed.
Result<AvroFile> ReadAvroFile(std::string_view bytes, std::string_view origin);

// Encodes one datum in Avro binary (exposed for tests).
Status EncodeAvro(const AvroSchema& schema, const AvroDatum& datum, std::string* out);

}  // namespace binlake

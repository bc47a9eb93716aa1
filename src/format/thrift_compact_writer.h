#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace binlake {

// Serialises Thrift structs in the compact protocol (thrift-compact-protocol.md) into a
// std::string it borrows. Parquet page headers and the file footer are Thrift structs; the
// handful we write are encoded field by field instead of through generated code.
//
// Usage: BeginStruct(); I32Field(1, x); ... EndStruct(). Fields of one struct must be written
// in increasing id order (the writer uses the delta form of field headers). Nested structs
// and list elements that are structs are opened with BeginStruct/EndStruct too.
//
// The output string is owned by the caller and must outlive the writer. Not thread-safe.
class ThriftCompactWriter {
 public:
  // Compact-protocol type ids (the low nibble of a field header).
  enum class Type : uint8_t {
    kBoolTrue = 1,
    kBoolFalse = 2,
    kByte = 3,
    kI16 = 4,
    kI32 = 5,
    kI64 = 6,
    kDouble = 7,
    kBinary = 8,
    kList = 9,
    kSet = 10,
    kMap = 11,
    kStruct = 12,
  };

  explicit ThriftCompactWriter(std::string* out) : out_(out) {}

  // Starts a struct: the top-level one, a list element, or (after StructField) a field value.
  void BeginStruct();
  // Writes the STOP byte and returns to the enclosing struct.
  void EndStruct();

  void BoolField(int16_t id, bool v) { FieldHeader(id, v ? Type::kBoolTrue : Type::kBoolFalse); }
  void ByteField(int16_t id, int8_t v) {
    FieldHeader(id, Type::kByte);
    out_->push_back(static_cast<char>(v));
  }
  void I16Field(int16_t id, int16_t v) {
    FieldHeader(id, Type::kI16);
    Varint(ZigZag(v));
  }
  void I32Field(int16_t id, int32_t v) {
    FieldHeader(id, Type::kI32);
    Varint(ZigZag(v));
  }
  void I64Field(int16_t id, int64_t v) {
    FieldHeader(id, Type::kI64);
    Varint(ZigZag(v));
  }
  void BinaryField(int16_t id, std::string_view v) {
    FieldHeader(id, Type::kBinary);
    Binary(v);
  }
  // Header of a field whose value is a struct; follow with BeginStruct ... EndStruct.
  void StructField(int16_t id) { FieldHeader(id, Type::kStruct); }
  // Header of a list field with `size` elements of `element_type`; follow with the elements
  // (I32/Binary values, or BeginStruct ... EndStruct per struct element).
  void ListField(int16_t id, Type element_type, uint32_t size) {
    FieldHeader(id, Type::kList);
    ListHeader(element_type, size);
  }

  // Bare values, for list elements.
  void I32(int32_t v) { Varint(ZigZag(v)); }
  void Binary(std::string_view v) {
    Varint(v.size());
    out_->append(v);
  }

  static uint64_t ZigZag(int64_t v) {
    return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  }

 private:
  void FieldHeader(int16_t id, Type type);
  void ListHeader(Type element_type, uint32_t size);
  void Varint(uint64_t v);

  std::string* out_;
  int16_t last_field_id_ = 0;
  // Last field id of each enclosing struct, restored by EndStruct.
  std::vector<int16_t> stack_;
};

}  // namespace binlake

#include "format/thrift_compact_writer.h"

namespace binlake {

void ThriftCompactWriter::BeginStruct() {
  stack_.push_back(last_field_id_);
  last_field_id_ = 0;
}

void ThriftCompactWriter::EndStruct() {
  out_->push_back('\0');  // STOP
  last_field_id_ = stack_.empty() ? 0 : stack_.back();
  if (!stack_.empty()) stack_.pop_back();
}

void ThriftCompactWriter::FieldHeader(int16_t id, Type type) {
  const int delta = id - last_field_id_;
  if (delta > 0 && delta <= 15) {
    out_->push_back(static_cast<char>((delta << 4) | static_cast<uint8_t>(type)));
  } else {
    // Long form: the type byte, then the id as a zigzag varint i16.
    out_->push_back(static_cast<char>(type));
    Varint(ZigZag(id));
  }
  last_field_id_ = id;
}

void ThriftCompactWriter::ListHeader(Type element_type, uint32_t size) {
  const uint8_t t = static_cast<uint8_t>(element_type);
  if (size < 15) {
    out_->push_back(static_cast<char>((size << 4) | t));
  } else {
    out_->push_back(static_cast<char>(0xF0 | t));
    Varint(size);
  }
}

void ThriftCompactWriter::Varint(uint64_t v) {
  while (v >= 0x80) {
    out_->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out_->push_back(static_cast<char>(v));
}

}  // namespace binlake

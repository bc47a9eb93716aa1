#include "format/rle_hybrid_encoder.h"

namespace binlake {

int RleHybridEncoder::BitWidthFor(uint32_t max_value) {
  int width = 1;
  while (width < 32 && (max_value >> width) != 0) ++width;
  return width;
}

void RleHybridEncoder::Reset(int bit_width, std::string* out) {
  bit_width_ = bit_width;
  out_ = out;
  num_buffered_ = 0;
  current_ = 0;
  repeat_count_ = 0;
  literal_.clear();
  literal_groups_ = 0;
}

void RleHybridEncoder::FlushBuffered() {
  if (repeat_count_ >= 8) {
    // The whole group is one value: it joins the RLE run, which ends the literal run first.
    num_buffered_ = 0;
    if (literal_groups_ > 0) FlushLiteralRun();
    return;
  }
  PackGroup(buffered_);
  ++literal_groups_;
  num_buffered_ = 0;
  repeat_count_ = 0;
}

void RleHybridEncoder::FlushRepeatedRun() {
  PutVarint(static_cast<uint64_t>(repeat_count_) << 1);
  const int value_bytes = (bit_width_ + 7) / 8;
  for (int i = 0; i < value_bytes; ++i) out_->push_back(static_cast<char>(current_ >> (8 * i)));
  repeat_count_ = 0;
  num_buffered_ = 0;
}

void RleHybridEncoder::FlushLiteralRun() {
  PutVarint((static_cast<uint64_t>(literal_groups_) << 1) | 1);
  out_->append(literal_);
  literal_.clear();
  literal_groups_ = 0;
}

void RleHybridEncoder::PackGroup(const uint32_t* values) {
  // 8 values of bit_width_ bits are exactly bit_width_ bytes, packed from the least
  // significant bit of the first byte.
  uint64_t acc = 0;
  int bits = 0;
  for (int i = 0; i < 8; ++i) {
    acc |= static_cast<uint64_t>(values[i]) << bits;
    bits += bit_width_;
    while (bits >= 8) {
      literal_.push_back(static_cast<char>(acc & 0xFF));
      acc >>= 8;
      bits -= 8;
    }
  }
}

void RleHybridEncoder::Flush() {
  if (repeat_count_ >= 8) {
    if (literal_groups_ > 0) FlushLiteralRun();
    FlushRepeatedRun();
    return;
  }
  if (num_buffered_ > 0) {
    // A short tail goes out as one zero-padded literal group; the reader knows the count.
    for (int i = num_buffered_; i < 8; ++i) buffered_[i] = 0;
    PackGroup(buffered_);
    ++literal_groups_;
    num_buffered_ = 0;
  }
  repeat_count_ = 0;
  if (literal_groups_ > 0) FlushLiteralRun();
}

void RleHybridEncoder::PutVarint(uint64_t v) {
  while (v >= 0x80) {
    out_->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out_->push_back(static_cast<char>(v));
}

}  // namespace binlake

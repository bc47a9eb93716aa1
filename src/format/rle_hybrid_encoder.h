#pragma once

#include <cstdint>
#include <string>

namespace binlake {

// Encodes unsigned integers of a fixed bit width with Parquet's RLE / bit-packing hybrid
// (Encodings.md): runs of 8 or more equal values become RLE runs, everything else goes into
// bit-packed groups of 8. Used for definition levels and dictionary indices.
//
// Appends to a std::string owned by the caller, which must outlive the encoder; the output is
// complete only after Flush(). Reusable: Reset() starts a new stream. Not thread-safe.
class RleHybridEncoder {
 public:
  // REQUIRES: 1 <= bit_width <= 32.
  RleHybridEncoder(int bit_width, std::string* out) : bit_width_(bit_width), out_(out) {}

  // REQUIRES: value < 2^bit_width.
  void Put(uint32_t value) {
    if (value == current_ && repeat_count_ > 0) {
      // Past 8 repeats the run is already committed to RLE: only count it.
      if (++repeat_count_ > 8) return;
    } else {
      if (repeat_count_ >= 8) FlushRepeatedRun();
      repeat_count_ = 1;
      current_ = value;
    }
    buffered_[num_buffered_++] = value;
    if (num_buffered_ == 8) FlushBuffered();
  }

  // Writes every pending run. Call once at the end of the stream.
  void Flush();

  // Starts a new stream appending to `out` with the given width.
  void Reset(int bit_width, std::string* out);

  // The smallest width (at least 1) that can hold values 0..max_value.
  static int BitWidthFor(uint32_t max_value);

 private:
  void FlushBuffered();
  void FlushRepeatedRun();
  void FlushLiteralRun();
  void PackGroup(const uint32_t* values);
  void PutVarint(uint64_t v);

  int bit_width_;
  std::string* out_;
  uint32_t buffered_[8] = {};
  int num_buffered_ = 0;
  uint32_t current_ = 0;
  // Consecutive values equal to current_, counted from the start of the current group of 8
  // (reset whenever a group goes out as literals), so reaching 8 means the whole group repeats.
  int repeat_count_ = 0;
  // Bit-packed groups not yet preceded by their run header.
  std::string literal_;
  uint32_t literal_groups_ = 0;
};

}  // namespace binlake

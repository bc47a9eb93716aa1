#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "binlog/event_source.h"
#include "common/result.h"

namespace binlake {

// Reads a binlog (or relay log) FILE: checks the 4-byte magic 0xfe 'b' 'i' 'n', then yields
// each event with its file offset. Events are not decoded here (EventDecoder does that);
// only the framing is checked: every event must fit the file and declare a size of at least
// a header, else kCorruption naming the file and offset. A file that ends exactly after an
// event ends cleanly; one that ends inside an event is truncated (kCorruption).
//
// The file is memory-mapped read-only; event bytes are views into the mapping, valid until
// the reader is destroyed. Not thread-safe.
class BinlogFileReader : public EventSource {
 public:
  static Result<std::unique_ptr<BinlogFileReader>> Open(const std::string& path);
  // Reads events from bytes already in memory (tests, fuzzing). `name` is the binlog file name
  // the bytes represent. The bytes must outlive the reader.
  static Result<std::unique_ptr<BinlogFileReader>> FromBuffer(std::string_view bytes,
                                                              std::string name);

  ~BinlogFileReader() override;
  BinlogFileReader(const BinlogFileReader&) = delete;
  BinlogFileReader& operator=(const BinlogFileReader&) = delete;

  Result<bool> Next(RawEvent* event) override;
  std::string_view description() const override { return description_; }
  std::string_view binlog_name() const override { return name_; }

  // Positions the reader at `offset` (must be an event boundary, >= 4).
  Status Seek(uint64_t offset);
  uint64_t offset() const { return offset_; }
  uint64_t size() const { return data_.size(); }

 private:
  BinlogFileReader(std::string_view data, std::string name, std::string description);

  std::string_view data_;
  std::string name_;         // file name without directories
  std::string description_;  // "file /path/binlog.000001"
  void* mapping_ = nullptr;  // munmap'ed on destruction when non-null
  size_t mapping_size_ = 0;
  uint64_t offset_ = 4;
};

}  // namespace binlake

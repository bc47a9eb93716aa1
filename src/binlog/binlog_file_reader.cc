#include "binlog/binlog_file_reader.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "binlog/event_type.h"
#include "binlog/format_description.h"
#include "common/byte_reader.h"

namespace binlake {
namespace {

constexpr std::string_view kMagic(
    "\xfe"
    "bin",
    4);

Status CheckMagic(std::string_view data, std::string_view description) {
  if (data.size() < kMagic.size() || data.substr(0, kMagic.size()) != kMagic) {
    return CorruptionError(
        "{} is not a binlog: it does not start with the magic bytes fe 62 69 "
        "6e at offset 0 ({} bytes long)",
        description, data.size());
  }
  return Status::OK();
}

std::string BaseName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

BinlogFileReader::BinlogFileReader(std::string_view data, std::string name, std::string description)
    : data_(data), name_(std::move(name)), description_(std::move(description)) {}

BinlogFileReader::~BinlogFileReader() {
  if (mapping_ != nullptr) munmap(mapping_, mapping_size_);
}

Result<std::unique_ptr<BinlogFileReader>> BinlogFileReader::Open(const std::string& path) {
  std::string description = "file " + path;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT) return NotFoundError("binlog {} does not exist", path);
    if (err == EACCES) {
      return PermissionDeniedError(
          "cannot read binlog {}: permission denied (run as a user "
          "that can read the server's binlog directory)",
          path);
    }
    return UnavailableError("cannot open binlog {}: {}", path, std::strerror(err));
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return UnavailableError("cannot stat binlog {}: {}", path, std::strerror(err));
  }
  size_t size = static_cast<size_t>(st.st_size);
  void* mapping = nullptr;
  if (size > 0) {
    mapping = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (mapping == MAP_FAILED) {
      int err = errno;
      ::close(fd);
      return UnavailableError("cannot map binlog {} ({} bytes): {}", path, size,
                              std::strerror(err));
    }
    madvise(mapping, size, MADV_SEQUENTIAL);
  }
  ::close(fd);
  std::string_view data(static_cast<const char*>(mapping), size);
  std::unique_ptr<BinlogFileReader> reader(
      new BinlogFileReader(data, BaseName(path), std::move(description)));
  reader->mapping_ = mapping;
  reader->mapping_size_ = size;
  RETURN_IF_ERROR(CheckMagic(data, reader->description_));
  return reader;
}

Result<std::unique_ptr<BinlogFileReader>> BinlogFileReader::FromBuffer(std::string_view bytes,
                                                                       std::string name) {
  std::string description = "file " + name;
  RETURN_IF_ERROR(CheckMagic(bytes, description));
  return std::unique_ptr<BinlogFileReader>(
      new BinlogFileReader(bytes, std::move(name), std::move(description)));
}

Status BinlogFileReader::Seek(uint64_t offset) {
  if (offset < kMagic.size() || offset > data_.size()) {
    return InvalidArgumentError(
        "{}: cannot start at offset {}: the file has {} bytes and events "
        "start at offset 4",
        description_, offset, data_.size());
  }
  offset_ = offset;
  return Status::OK();
}

Result<bool> BinlogFileReader::Next(RawEvent* event) {
  if (offset_ == data_.size()) return false;
  size_t left = data_.size() - offset_;
  // The size field sits at bytes 9..12 in every header version (v1's 13 bytes and v3/v4's 19).
  if (left < kEventHeaderSizeV1) {
    return CorruptionError(
        "{} is truncated: {} bytes at offset {} are too few for an event "
        "header (the server was probably still writing the file, or it was "
        "cut short when copied)",
        description_, left, offset_);
  }
  const uint8_t* p = reinterpret_cast<const uint8_t*>(data_.data()) + offset_;
  uint32_t size = LoadLE32(p + 9);
  if (size < kEventHeaderSizeV1) {
    return CorruptionError(
        "{}: event at offset {} declares size {}, smaller than an event header; "
        "the file is damaged here",
        description_, offset_, size);
  }
  if (size > left) {
    return CorruptionError(
        "{} is truncated: the {} event at offset {} declares {} bytes but "
        "only {} remain",
        description_, EventTypeName(p[4]), offset_, size, left);
  }
  event->bytes = data_.substr(offset_, size);
  event->offset = offset_;
  offset_ += size;
  return true;
}

}  // namespace binlake

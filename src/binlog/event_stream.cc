#include "binlog/event_stream.h"

#include <zstd.h>

#include "binlog/event_type.h"
#include "common/byte_reader.h"

namespace binlake {
namespace {
// MySQL caps a transaction payload at binlog_transaction_compression's 4 GiB; more than that
// from a damaged size field must not allocate.
constexpr uint64_t kMaxPayload = 4ULL << 30;
}  // namespace

Status InflateZstd(std::string_view data, uint64_t expected_size, uint64_t offset,
                   std::string* out) {
  out->clear();
  if (expected_size > kMaxPayload) {
    return CorruptionError("transaction payload at offset {} declares {} uncompressed bytes",
                           offset, expected_size);
  }
  ZSTD_DCtx* ctx = ZSTD_createDCtx();
  if (ctx == nullptr) return ResourceExhaustedError("cannot allocate a zstd decoder");
  out->resize(expected_size > 0 ? expected_size : std::max<size_t>(data.size() * 4, 4096));
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  size_t produced = 0;
  Status status;
  while (true) {
    ZSTD_outBuffer o{out->data() + produced, out->size() - produced, 0};
    size_t rc = ZSTD_decompressStream(ctx, &o, &in);
    produced += o.pos;
    if (ZSTD_isError(rc)) {
      status = CorruptionError(
          "transaction payload at offset {} does not decompress: zstd says "
          "{}",
          offset, ZSTD_getErrorName(rc));
      break;
    }
    if (rc == 0 && in.pos == in.size) break;  // frame complete, input consumed
    if (in.pos == in.size && o.pos < o.size) {
      status =
          CorruptionError("transaction payload at offset {} ends inside its zstd frame", offset);
      break;
    }
    if (produced == out->size()) {
      if (out->size() >= kMaxPayload) {
        status = CorruptionError("transaction payload at offset {} inflates past {} bytes", offset,
                                 kMaxPayload);
        break;
      }
      out->resize(std::min<uint64_t>(out->size() * 2, kMaxPayload));
    }
  }
  ZSTD_freeDCtx(ctx);
  if (!status.ok()) return status;
  out->resize(produced);
  if (expected_size != 0 && produced != expected_size) {
    return CorruptionError(
        "transaction payload at offset {} inflates to {} bytes, not the "
        "declared {}",
        offset, produced, expected_size);
  }
  return Status::OK();
}

EventStream::EventStream(EventSource* source) : source_(source), decoder_("") {
  decoder_.set_where(std::string(source->description()));
}

Status EventStream::OpenPayload(const TransactionPayloadEvent& payload, const Event& outer) {
  uint64_t at = outer.position;
  if (payload.compression == kPayloadZstd) {
    RETURN_IF_ERROR(InflateZstd(payload.payload, payload.uncompressed_size, at, &payload_));
  } else if (payload.compression == kPayloadNone) {
    payload_.assign(payload.payload);
  } else {
    return UnimplementedError(
        "{}: TRANSACTION_PAYLOAD at offset {} uses compression type {}; "
        "binlake knows zstd (0) and none (255)",
        decoder_.where(), at, payload.compression);
  }
  payload_pos_ = 0;
  payload_start_ = outer.position;
  payload_end_ = outer.next_position;
  in_payload_ = true;
  return Status::OK();
}

Result<const Event*> EventStream::Next() {
  if (in_payload_) {
    if (payload_pos_ < payload_.size()) {
      size_t left = payload_.size() - payload_pos_;
      if (left < kEventHeaderSize) {
        return CorruptionError("{}: TRANSACTION_PAYLOAD at offset {} ends with {} stray bytes",
                               decoder_.where(), payload_start_, left);
      }
      uint32_t size =
          LoadLE32(reinterpret_cast<const uint8_t*>(payload_.data()) + payload_pos_ + 9);
      if (size < kEventHeaderSize || size > left) {
        return CorruptionError(
            "{}: event {} bytes into the TRANSACTION_PAYLOAD at offset {} "
            "declares size {} ({} bytes left)",
            decoder_.where(), payload_pos_, payload_start_, size, left);
      }
      std::string_view bytes(payload_.data() + payload_pos_, size);
      payload_pos_ += size;
      // Error offsets inside a payload name the payload event: the inner bytes exist only
      // after decompression.
      Status s = decoder_.DecodeInner(bytes, payload_start_, &event_);
      if (!s.ok()) {
        return s.Context(fmt::format("inside TRANSACTION_PAYLOAD at offset {}", payload_start_));
      }
      if (event_.header.type == event_type::kTransactionPayload) {
        return CorruptionError("{}: TRANSACTION_PAYLOAD at offset {} nests another payload",
                               decoder_.where(), payload_start_);
      }
      event_.in_payload = true;
      event_.position = payload_start_;
      event_.next_position = payload_pos_ == payload_.size() ? payload_end_ : payload_start_;
      return &event_;
    }
    in_payload_ = false;
  }
  RawEvent raw;
  ASSIGN_OR_RETURN(bool more, source_->Next(&raw));
  if (!more) return nullptr;
  RETURN_IF_ERROR(decoder_.Decode(raw, &event_));
  if (auto* p = std::get_if<TransactionPayloadEvent>(&event_.body)) {
    RETURN_IF_ERROR(OpenPayload(*p, event_));
  }
  return &event_;
}

}  // namespace binlake

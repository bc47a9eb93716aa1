#include "binlog/event_decoder.h"

#include "binlog/event_type.h"
#include "binlog/mariadb_compression.h"
#include "binlog/xa.h"
#include "common/byte_reader.h"

namespace binlake {
namespace {

// Query event status variable codes (MySQL and MariaDB).
enum : uint8_t {
  kQFlags2 = 0,
  kQSqlMode = 1,
  kQCatalog = 2,
  kQAutoIncrement = 3,
  kQCharset = 4,
  kQTimeZone = 5,
  kQCatalogNz = 6,
  kQLcTimeNames = 7,
  kQCharsetDatabase = 8,
  kQTableMapForUpdate = 9,
  kQMasterDataWritten = 10,
  kQInvoker = 11,
  kQUpdatedDbNames = 12,
  kQMicroseconds = 13,
  kQExplicitDefaultsForTimestamp = 16,
  kQDdlLoggedWithXid = 17,
  kQDefaultCollationForUtf8mb4 = 18,
  kQSqlRequirePrimaryKey = 19,
  kQDefaultTableEncryption = 20,
  kQHrnow = 128,
  kQXid = 129,
  kQGtidFlags3 = 130,
  kQCharacterSetCollations = 131,
};

constexpr uint8_t kOverMaxDbsInEventMts = 254;

// Reads a length-prefixed (1 byte) string status variable.
Status SkipCountedString(ByteReader* in) {
  ASSIGN_OR_RETURN(uint8_t n, in->U8());
  return in->Skip(n);
}

Result<int64_t> ReadVarlenSigned(ByteReader* in) {
  ASSIGN_OR_RETURN(uint64_t u, ReadVarlenUnsigned(in));
  uint64_t magnitude = u >> 1;
  return (u & 1) ? -static_cast<int64_t>(magnitude) - 1 : static_cast<int64_t>(magnitude);
}

}  // namespace

std::string GtidEvent::Text() const {
  switch (kind) {
    case Kind::kAnonymous:
      return "";
    case Kind::kMariaDb:
      return fmt::format("{}-{}-{}", domain, server, seq);
    case Kind::kMySql:
      break;
  }
  if (tag.empty()) return fmt::format("{}:{}", FormatUuid(uuid), gno);
  return fmt::format("{}:{}:{}", FormatUuid(uuid), tag, gno);
}

EventDecoder::EventDecoder(std::string where)
    : where_(std::move(where)), format_(FormatDescription::ForVersion(4)) {}

Status EventDecoder::Decode(const RawEvent& raw, Event* out) {
  std::string_view bytes = raw.bytes;
  uint8_t type = bytes.size() > 4 ? static_cast<uint8_t>(bytes[4]) : 0;
  // START_V3 (binlog v1/v3) and FORMAT_DESCRIPTION reset the format; they are handled before
  // the header is read with the current format because they define it.
  if (type == event_type::kFormatDescription && bytes.size() >= kEventHeaderSize) {
    ASSIGN_OR_RETURN(EventHeader header, ParseEventHeader(bytes, raw.offset));
    ASSIGN_OR_RETURN(FormatDescription fd, ParseFormatDescription(bytes, where_, raw.offset));
    format_ = fd;
    has_format_ = true;
    out->header = header;
    out->position = raw.offset;
    out->next_position = raw.offset + bytes.size();
    out->in_payload = false;
    out->body = std::move(fd);
    return Status::OK();
  }
  if (type == event_type::kStartV3 && !has_format_) {
    ASSIGN_OR_RETURN(FormatDescription fd, ParseStartV3(bytes, where_, raw.offset));
    format_ = fd;
    has_format_ = true;
    ASSIGN_OR_RETURN(EventHeader header, ParseEventHeader(bytes, raw.offset, fd.header_length));
    out->header = header;
    out->position = raw.offset;
    out->next_position = raw.offset + bytes.size();
    out->in_payload = false;
    out->body = std::move(fd);
    return Status::OK();
  }
  size_t header_size = format_.binlog_version == 1 ? kEventHeaderSizeV1 : kEventHeaderSize;
  ASSIGN_OR_RETURN(EventHeader header, ParseEventHeader(bytes, raw.offset, header_size));
  header.type = format_.CurrentType(header.type);
  if (header.event_size != bytes.size()) {
    return CorruptionError("{}: {} event at offset {} declares {} bytes but {} were delivered",
                           where_, EventTypeName(header.type), raw.offset, header.event_size,
                           bytes.size());
  }
  if (format_.checksum == ChecksumAlgorithm::kCrc32) {
    RETURN_IF_ERROR(VerifyChecksum(bytes, where_, raw.offset));
    bytes.remove_suffix(kChecksumSize);
  }
  out->header = header;
  out->position = raw.offset;
  out->next_position = raw.offset + raw.bytes.size();
  out->in_payload = false;
  return DecodeBody(header, bytes, raw.offset, out);
}

Status EventDecoder::DecodeInner(std::string_view bytes, uint64_t at, Event* out) {
  ASSIGN_OR_RETURN(EventHeader header, ParseEventHeader(bytes, at));
  if (header.event_size != bytes.size()) {
    return CorruptionError(
        "{}: {} event inside the transaction payload at offset {} declares {} "
        "bytes but {} were delivered",
        where_, EventTypeName(header.type), at, header.event_size, bytes.size());
  }
  out->header = header;
  return DecodeBody(header, bytes, at, out);
}

Status EventDecoder::DecodeBody(const EventHeader& header, std::string_view event, uint64_t offset,
                                Event* out) {
  using namespace event_type;
  uint8_t type = header.type;
  // FORMAT_DESCRIPTION and ROTATE always use the 19-byte header; others the declared length.
  size_t header_len = (type == kRotate || type == kFormatDescription)
                          ? std::min<size_t>(kEventHeaderSize, format_.header_length)
                          : format_.header_length;
  if (event.size() < header_len) {
    return CorruptionError("{}: {} event at offset {} is {} bytes, shorter than its header", where_,
                           EventTypeName(type), offset, event.size());
  }
  std::string_view body = event.substr(header_len);
  uint64_t body_offset = offset + header_len;
  auto fail = [&](Status s) {
    return s.Context(fmt::format("{}: {} event at offset {}", where_, EventTypeName(type), offset));
  };
  switch (type) {
    case kQuery:
    case kQueryCompressed: {
      QueryEvent q;
      Status s = DecodeQuery(type, body, body_offset, &q);
      if (!s.ok()) return fail(s);
      if (q.start_micros >= 0) q.start_micros += int64_t{header.timestamp} * 1000000;
      out->body = q;
      return Status::OK();
    }
    case kRotate: {
      RotateEvent r;
      ByteReader in(body, body_offset);
      if (format_.binlog_version > 1) {
        auto pos = in.U64LE();
        if (!pos.ok()) return fail(pos.status());
        r.position = *pos;
      } else {
        r.position = 4;
      }
      r.next_file = in.Rest();
      out->body = r;
      return Status::OK();
    }
    case kXid: {
      ByteReader in(body, body_offset);
      auto xid = in.U64LE();
      if (!xid.ok()) return fail(xid.status());
      out->body = XidEvent{*xid};
      return Status::OK();
    }
    case kTableMap: {
      TableMapEvent t;
      Status s = DecodeTableMap(body, body_offset, &t);
      if (!s.ok()) return fail(s);
      out->body = std::move(t);
      return Status::OK();
    }
    case kWriteRowsV0:
    case kUpdateRowsV0:
    case kDeleteRowsV0:
    case kWriteRowsV1:
    case kUpdateRowsV1:
    case kDeleteRowsV1:
    case kWriteRowsV2:
    case kUpdateRowsV2:
    case kDeleteRowsV2:
    case kPartialUpdateRows:
    case kWriteRowsCompressedV1:
    case kUpdateRowsCompressedV1:
    case kDeleteRowsCompressedV1:
    case kWriteRowsCompressed:
    case kUpdateRowsCompressed:
    case kDeleteRowsCompressed: {
      uint8_t fallback = (type >= kWriteRowsV2 && type <= kDeleteRowsV2) ||
                                 type == kPartialUpdateRows ||
                                 (type >= kWriteRowsCompressed && type <= kDeleteRowsCompressed)
                             ? 10
                             : 8;
      // MariaDB's compressed events are not in its post-header table: their layout follows
      // the uncompressed v1/v2 events.
      uint8_t declared =
          type >= kWriteRowsCompressedV1 ? fallback : format_.PostHeaderLength(type, fallback);
      RowsEvent rows;
      Status s = ParseRowsEvent(type, body, body_offset, declared, &inflated_, &rows);
      if (!s.ok()) return fail(s);
      out->body = rows;
      return Status::OK();
    }
    case kGtid:
    case kAnonymousGtid:
    case kGtidTagged:
    case kMariaDbGtid: {
      GtidEvent g;
      Status s = type == kGtidTagged    ? DecodeTaggedGtid(body, body_offset, &g)
                 : type == kMariaDbGtid ? DecodeMariaDbGtid(header, body, body_offset, &g)
                                        : DecodeGtid(header, body, body_offset, &g);
      if (!s.ok()) return fail(s);
      out->body = std::move(g);
      return Status::OK();
    }
    case kPreviousGtids: {
      ByteReader in(body, body_offset);
      auto set = GtidSet::DecodeMySql(&in);
      if (!set.ok()) return fail(set.status());
      out->body = GtidSetEvent{std::move(*set)};
      return Status::OK();
    }
    case kMariaDbGtidList: {
      ByteReader in(body, body_offset);
      auto parse = [&]() -> Result<GtidSet> {
        ASSIGN_OR_RETURN(uint32_t head, in.U32LE());
        uint32_t count = head & ((1u << 28) - 1);
        if (count > in.remaining() / 16) {
          return CorruptionError("GTID list declares {} entries in {} bytes", count,
                                 in.remaining());
        }
        GtidSet set;
        for (uint32_t i = 0; i < count; ++i) {
          GtidSet::MariaDbGtid g;
          ASSIGN_OR_RETURN(g.domain, in.U32LE());
          ASSIGN_OR_RETURN(g.server, in.U32LE());
          ASSIGN_OR_RETURN(g.seq, in.U64LE());
          if (!set.ContainsMariaDb(g)) RETURN_IF_ERROR(set.AddMariaDb(g));
        }
        return set;
      };
      auto set = parse();
      if (!set.ok()) return fail(set.status());
      out->body = GtidSetEvent{std::move(*set)};
      return Status::OK();
    }
    case kTransactionPayload: {
      TransactionPayloadEvent p;
      ByteReader in(body, body_offset);
      auto parse = [&]() -> Status {
        while (true) {
          ASSIGN_OR_RETURN(uint64_t field, in.LengthEncodedInt());
          if (field == 0) break;  // end of header fields
          ASSIGN_OR_RETURN(uint64_t len, in.LengthEncodedInt());
          ASSIGN_OR_RETURN(std::string_view value, in.Bytes(len));
          ByteReader v(value, in.absolute_position() - len);
          uint64_t n = 0;
          if (field >= 1 && field <= 3) {
            ASSIGN_OR_RETURN(n, v.LengthEncodedInt());
          }
          if (field == 1) p.payload_size = n;
          if (field == 2) p.compression = n;
          if (field == 3) p.uncompressed_size = n;
        }
        p.payload = in.Rest();
        if (p.payload_size != 0 && p.payload_size != p.payload.size()) {
          return CorruptionError("payload declares {} bytes but {} follow its header",
                                 p.payload_size, p.payload.size());
        }
        return Status::OK();
      };
      Status s = parse();
      if (!s.ok()) return fail(s);
      out->body = p;
      return Status::OK();
    }
    case kHeartbeat: {
      out->body = HeartbeatEvent{body, header.log_pos};
      return Status::OK();
    }
    case kHeartbeatV2: {
      HeartbeatEvent hb;
      ByteReader in(body, body_offset);
      auto parse = [&]() -> Status {
        while (!in.empty()) {
          ASSIGN_OR_RETURN(uint64_t field, in.LengthEncodedInt());
          if (field == 0) break;
          ASSIGN_OR_RETURN(uint64_t len, in.LengthEncodedInt());
          ASSIGN_OR_RETURN(std::string_view value, in.Bytes(len));
          if (field == 1) hb.file = value;
          if (field == 2) {
            ByteReader v(value);
            ASSIGN_OR_RETURN(hb.position, v.LengthEncodedInt());
          }
        }
        return Status::OK();
      };
      Status s = parse();
      if (!s.ok()) return fail(s);
      out->body = hb;
      return Status::OK();
    }
    case kRowsQuery: {
      // One length byte (truncated at 255, so ignored) then the statement to the end.
      out->body = RowsQueryEvent{body.empty() ? body : body.substr(1)};
      return Status::OK();
    }
    case kAnnotateRows:
      out->body = RowsQueryEvent{body};
      return Status::OK();
    case kIncident: {
      IncidentEvent inc;
      ByteReader in(body, body_offset);
      auto code = in.U16LE();
      if (!code.ok()) return fail(code.status());
      inc.code = *code;
      auto len = in.U8();
      if (len.ok()) {
        auto msg = in.Bytes(*len);
        if (msg.ok()) inc.message = *msg;
      }
      out->body = inc;
      return Status::OK();
    }
    case kBinlogCheckpoint: {
      ByteReader in(body, body_offset);
      auto len = in.U32LE();
      if (!len.ok()) return fail(len.status());
      auto file = in.Bytes(*len);
      if (!file.ok()) return fail(file.status());
      out->body = BinlogCheckpointEvent{*file};
      return Status::OK();
    }
    case kXaPrepare: {
      // one_phase (1), formatID (4), gtrid length (4), bqual length (4), gtrid, bqual.
      ByteReader in(body, body_offset);
      XaPrepareEvent x;
      auto one_phase = in.U8();
      auto format_id = in.U32LE();
      auto gtrid_length = in.U32LE();
      auto bqual_length = in.U32LE();
      if (!one_phase.ok() || !format_id.ok() || !gtrid_length.ok() || !bqual_length.ok() ||
          *gtrid_length > 64 || *bqual_length > 64) {
        return fail(CorruptionError("XA_PREPARE event with a malformed xid"));
      }
      auto gtrid = in.Bytes(*gtrid_length);
      if (!gtrid.ok()) return fail(gtrid.status());
      auto bqual = in.Bytes(*bqual_length);
      if (!bqual.ok()) return fail(bqual.status());
      x.one_phase = *one_phase != 0;
      x.xid = XidText(static_cast<int32_t>(*format_id), *gtrid, *bqual);
      out->body = std::move(x);
      return Status::OK();
    }
    case kStartEncryption:
      return UnimplementedError(
          "{}: START_ENCRYPTION event at offset {}: the binlog is encrypted "
          "(encrypt_binlog=ON) and binlake cannot decrypt it; read it through a replication "
          "connection, which the server decrypts, instead of from the file",
          where_, offset);
    case kStartV3:
    case kStop:
    case kIntvar:
    case kLoad:
    case kSlave:
    case kCreateFile:
    case kAppendBlock:
    case kExecLoad:
    case kDeleteFile:
    case kNewLoad:
    case kRand:
    case kUserVar:
    case kBeginLoadQuery:
    case kExecuteLoadQuery:
    case kIgnorable:
    case kTransactionContext:
    case kViewChange:
      out->body = SkippedEvent{};
      return Status::OK();
    default:
      if (header.flags & kEventFlagIgnorable) {
        out->body = SkippedEvent{};
        return Status::OK();
      }
      return UnimplementedError(
          "{}: event type {} ({}) at offset {} is unknown to binlake and not marked ignorable, so "
          "skipping it could lose changes; this server version writes events binlake does not "
          "support",
          where_, type, EventTypeName(type), offset);
  }
}

Status EventDecoder::DecodeQuery(uint8_t type, std::string_view body, uint64_t offset,
                                 QueryEvent* q) {
  ByteReader in(body, offset);
  uint8_t post = format_.PostHeaderLength(event_type::kQuery, 13);
  ASSIGN_OR_RETURN(q->thread_id, in.U32LE());
  ASSIGN_OR_RETURN(q->exec_time, in.U32LE());
  ASSIGN_OR_RETURN(uint8_t db_len, in.U8());
  ASSIGN_OR_RETURN(q->error_code, in.U16LE());
  uint16_t vars_len = 0;
  if (post >= 13) {
    ASSIGN_OR_RETURN(vars_len, in.U16LE());
    if (post > 13) RETURN_IF_ERROR(in.Skip(post - 13));
  }
  ASSIGN_OR_RETURN(std::string_view vars, in.Bytes(vars_len));
  // Walk the status variables for the few binlake uses. An unknown code ends the walk: the
  // block's length already told us where the database name starts.
  ByteReader v(vars, in.absolute_position() - vars_len);
  bool known = true;
  while (known && !v.empty()) {
    ASSIGN_OR_RETURN(uint8_t code, v.U8());
    switch (code) {
      case kQFlags2:
        RETURN_IF_ERROR(v.Skip(4));
        break;
      case kQSqlMode:
        RETURN_IF_ERROR(v.Skip(8));
        break;
      case kQCatalog: {
        ASSIGN_OR_RETURN(uint8_t n, v.U8());
        RETURN_IF_ERROR(v.Skip(n + 1u));
        break;
      }
      case kQAutoIncrement:
        RETURN_IF_ERROR(v.Skip(4));
        break;
      case kQCharset:
        RETURN_IF_ERROR(v.Skip(6));
        break;
      case kQTimeZone:
        RETURN_IF_ERROR(SkipCountedString(&v));
        break;
      case kQCatalogNz:
        RETURN_IF_ERROR(SkipCountedString(&v));
        break;
      case kQLcTimeNames:
        RETURN_IF_ERROR(v.Skip(2));
        break;
      case kQCharsetDatabase:
        RETURN_IF_ERROR(v.Skip(2));
        break;
      case kQTableMapForUpdate:
        RETURN_IF_ERROR(v.Skip(8));
        break;
      case kQMasterDataWritten:
        RETURN_IF_ERROR(v.Skip(4));
        break;
      case kQInvoker:
        RETURN_IF_ERROR(SkipCountedString(&v));
        RETURN_IF_ERROR(SkipCountedString(&v));
        break;
      case kQUpdatedDbNames: {
        ASSIGN_OR_RETURN(uint8_t n, v.U8());
        if (n != kOverMaxDbsInEventMts) {
          for (uint8_t i = 0; i < n; ++i) RETURN_IF_ERROR(v.NulTerminated().status());
        }
        break;
      }
      case kQMicroseconds:
        RETURN_IF_ERROR(v.Skip(3));
        break;
      case kQExplicitDefaultsForTimestamp:
        RETURN_IF_ERROR(v.Skip(1));
        break;
      case kQDdlLoggedWithXid: {
        ASSIGN_OR_RETURN(q->ddl_xid, v.U64LE());
        q->has_ddl_xid = true;
        break;
      }
      case kQDefaultCollationForUtf8mb4:
        RETURN_IF_ERROR(v.Skip(2));
        break;
      case kQSqlRequirePrimaryKey:
        RETURN_IF_ERROR(v.Skip(1));
        break;
      case kQDefaultTableEncryption:
        RETURN_IF_ERROR(v.Skip(1));
        break;
      case kQHrnow: {
        ASSIGN_OR_RETURN(uint32_t micros, v.U24LE());
        q->start_micros = micros;  // the caller adds the header's seconds
        break;
      }
      case kQXid:
        RETURN_IF_ERROR(v.Skip(8));
        break;
      case kQGtidFlags3:
        RETURN_IF_ERROR(v.Skip(1));
        break;
      case kQCharacterSetCollations: {
        ASSIGN_OR_RETURN(uint8_t n, v.U8());
        RETURN_IF_ERROR(v.Skip(n * 4u));
        break;
      }
      default:
        known = false;
    }
  }
  ASSIGN_OR_RETURN(q->database, in.Bytes(db_len));
  RETURN_IF_ERROR(in.Skip(1));  // NUL after the database name
  if (type == event_type::kQueryCompressed) {
    RETURN_IF_ERROR(InflateMariaDb(in.Rest(), in.absolute_position(), &inflated_));
    q->sql = inflated_;
  } else {
    q->sql = in.Rest();
  }
  return Status::OK();
}

Status EventDecoder::DecodeGtid(const EventHeader& header, std::string_view body, uint64_t offset,
                                GtidEvent* g) {
  ByteReader in(body, offset);
  g->kind = header.type == event_type::kAnonymousGtid ? GtidEvent::Kind::kAnonymous
                                                      : GtidEvent::Kind::kMySql;
  ASSIGN_OR_RETURN(g->flags, in.U8());
  ASSIGN_OR_RETURN(std::string_view sid, in.Bytes(16));
  std::memcpy(g->uuid.data(), sid.data(), 16);
  ASSIGN_OR_RETURN(uint64_t gno, in.U64LE());
  g->gno = static_cast<int64_t>(gno);
  if (g->kind == GtidEvent::Kind::kMySql && g->gno <= 0) {
    return CorruptionError("GTID {}:{} has a transaction number below 1", FormatUuid(g->uuid),
                           g->gno);
  }
  // Fields added by later versions; each is present only if the server wrote it.
  if (in.remaining() >= 17) {
    ASSIGN_OR_RETURN(uint8_t clock_type, in.U8());
    if (clock_type == 2) {
      ASSIGN_OR_RETURN(uint64_t lc, in.U64LE());
      ASSIGN_OR_RETURN(uint64_t sn, in.U64LE());
      g->last_committed = static_cast<int64_t>(lc);
      g->sequence_number = static_cast<int64_t>(sn);
    }
  }
  if (in.remaining() >= 7) {
    ASSIGN_OR_RETURN(uint64_t ts, in.UintLE(7));
    constexpr uint64_t kHasOriginal = 1ULL << 55;
    g->immediate_commit_micros = ts & (kHasOriginal - 1);
    g->original_commit_micros = g->immediate_commit_micros;
    if (ts & kHasOriginal) {
      ASSIGN_OR_RETURN(uint64_t orig, in.UintLE(7));
      g->original_commit_micros = orig;
    }
  }
  if (!in.empty()) {
    ASSIGN_OR_RETURN(g->transaction_length, in.LengthEncodedInt());
  }
  return Status::OK();
}

Status EventDecoder::DecodeTaggedGtid(std::string_view body, uint64_t offset, GtidEvent* g) {
  // mysql::serialization message: version, size (of the whole message), last non-ignorable
  // field id, then (field id, value) pairs; optional fields may be absent.
  ByteReader in(body, offset);
  g->kind = GtidEvent::Kind::kMySql;
  ASSIGN_OR_RETURN(uint64_t version, ReadVarlenUnsigned(&in));
  (void)version;
  ASSIGN_OR_RETURN(uint64_t size, ReadVarlenUnsigned(&in));
  ASSIGN_OR_RETURN(uint64_t last_non_ignorable, ReadVarlenUnsigned(&in));
  if (size > body.size()) {
    return CorruptionError("tagged GTID message declares {} bytes but the event body has {}", size,
                           body.size());
  }
  ByteReader msg(body.substr(0, size), offset);
  RETURN_IF_ERROR(msg.Skip(in.position()));
  bool has_original = false;
  while (!msg.empty()) {
    uint64_t at = msg.absolute_position();
    ASSIGN_OR_RETURN(uint64_t id, ReadVarlenUnsigned(&msg));
    switch (id) {
      case 0: {
        ASSIGN_OR_RETURN(uint64_t flags, ReadVarlenUnsigned(&msg));
        g->flags = static_cast<uint8_t>(flags);
        break;
      }
      case 1:
        for (size_t i = 0; i < 16; ++i) {
          ASSIGN_OR_RETURN(uint64_t b, ReadVarlenUnsigned(&msg));
          if (b > 255) return CorruptionError("tagged GTID uuid byte at offset {} is {}", at, b);
          g->uuid[i] = static_cast<uint8_t>(b);
        }
        break;
      case 2: {
        ASSIGN_OR_RETURN(g->gno, ReadVarlenSigned(&msg));
        break;
      }
      case 3: {
        ASSIGN_OR_RETURN(uint64_t len, ReadVarlenUnsigned(&msg));
        if (len > 32) return CorruptionError("GTID tag at offset {} is {} bytes long", at, len);
        ASSIGN_OR_RETURN(std::string_view tag, msg.Bytes(len));
        g->tag.assign(tag);
        break;
      }
      case 4: {
        ASSIGN_OR_RETURN(g->last_committed, ReadVarlenSigned(&msg));
        break;
      }
      case 5: {
        ASSIGN_OR_RETURN(g->sequence_number, ReadVarlenSigned(&msg));
        break;
      }
      case 6: {
        ASSIGN_OR_RETURN(g->immediate_commit_micros, ReadVarlenUnsigned(&msg));
        break;
      }
      case 7: {
        ASSIGN_OR_RETURN(g->original_commit_micros, ReadVarlenUnsigned(&msg));
        has_original = true;
        break;
      }
      case 8: {
        ASSIGN_OR_RETURN(g->transaction_length, ReadVarlenUnsigned(&msg));
        break;
      }
      case 9:
      case 10: {
        ASSIGN_OR_RETURN(uint64_t server_version, ReadVarlenUnsigned(&msg));
        (void)server_version;
        break;
      }
      case 11: {
        ASSIGN_OR_RETURN(uint64_t ticket, ReadVarlenUnsigned(&msg));
        (void)ticket;
        break;
      }
      default:
        // A field from a newer server: its size is unknown, so nothing after it can be read.
        if (id <= last_non_ignorable) {
          return UnimplementedError(
              "tagged GTID event carries field {} at offset {} that a "
              "reader must understand; upgrade binlake",
              id, at);
        }
        msg.Rest();
    }
  }
  if (!has_original) g->original_commit_micros = g->immediate_commit_micros;
  if (g->gno <= 0) {
    return CorruptionError("tagged GTID {}:{}:{} has a transaction number below 1",
                           FormatUuid(g->uuid), g->tag, g->gno);
  }
  return Status::OK();
}

Status EventDecoder::DecodeMariaDbGtid(const EventHeader& header, std::string_view body,
                                       uint64_t offset, GtidEvent* g) {
  ByteReader in(body, offset);
  g->kind = GtidEvent::Kind::kMariaDb;
  ASSIGN_OR_RETURN(g->seq, in.U64LE());
  ASSIGN_OR_RETURN(g->domain, in.U32LE());
  ASSIGN_OR_RETURN(g->flags, in.U8());
  g->server = header.server_id;
  if (g->flags & kMariaDbGtidGroupCommitId) {
    ASSIGN_OR_RETURN(g->commit_id, in.U64LE());
  }
  return Status::OK();
}

Status EventDecoder::DecodeTableMap(std::string_view body, uint64_t offset, TableMapEvent* t) {
  uint8_t post = format_.PostHeaderLength(event_type::kTableMap, 8);
  // Reuse the parsed map when this table id's definition bytes did not change (the common
  // case: one TABLE_MAP per table per transaction).
  size_t id_bytes = post == 6 ? 4 : 6;
  size_t def_at = std::max<size_t>(post, id_bytes + 2);
  if (body.size() >= def_at) {
    uint64_t id = LoadLE(reinterpret_cast<const uint8_t*>(body.data()), static_cast<int>(id_bytes));
    auto it = table_maps_.find(id);
    if (it != table_maps_.end() && it->second->definition == body.substr(def_at)) {
      t->map = it->second;
      return Status::OK();
    }
  }
  ASSIGN_OR_RETURN(TableMap map, ParseTableMap(body, offset, post, format_.IsMariaDb()));
  // Table ids grow over a server's life; maps are re-sent before every use, so forgetting
  // them all now and then is safe and bounds memory.
  if (table_maps_.size() >= 4096) table_maps_.clear();
  auto shared = std::make_shared<const TableMap>(std::move(map));
  table_maps_[shared->table_id] = shared;
  t->map = std::move(shared);
  return Status::OK();
}

}  // namespace binlake

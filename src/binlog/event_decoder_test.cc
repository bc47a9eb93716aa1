// Decoder tests on hand-built event bytes.
#include "binlog/event_decoder.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <memory>

#include "binlog/binlog_file_reader.h"
#include "binlog/event_stream.h"
#include "binlog/event_type.h"
#include "binlog/transaction_assembler.h"
#include "common/byte_reader.h"

namespace binlake {
namespace {

// A v4 event: 19-byte header, body, and a CRC32 when `crc`.
std::string MakeEvent(uint8_t type, std::string_view body, bool crc, uint16_t flags = 0,
                      uint32_t timestamp = 1700000000, uint32_t server_id = 7) {
  std::string e;
  uint32_t size = static_cast<uint32_t>(kEventHeaderSize + body.size() + (crc ? 4 : 0));
  AppendLE(&e, timestamp, 4);
  e.push_back(static_cast<char>(type));
  AppendLE(&e, server_id, 4);
  AppendLE(&e, size, 4);
  AppendLE(&e, 0, 4);  // log_pos
  AppendLE(&e, flags, 2);
  e.append(body);
  if (crc) {
    uint32_t c = static_cast<uint32_t>(
        crc32(0L, reinterpret_cast<const Bytef*>(e.data()), static_cast<uInt>(e.size())));
    AppendLE(&e, c, 4);
  }
  return e;
}

std::string FdeBody(std::string_view version, bool crc) {
  std::string b;
  AppendLE(&b, 4, 2);
  std::string v(version);
  v.resize(50, '\0');
  b += v;
  AppendLE(&b, 0, 4);
  b.push_back(19);
  // Post-header lengths as MySQL 8.0 declares them for types 1..42.
  static const uint8_t kLens[] = {0,  13, 0,  8,  0,  0,  0, 0,  0,  0, 0,  0,  0, 0,
                                  98, 0,  4,  26, 8,  0,  0, 0,  8,  8, 8,  2,  0, 0,
                                  0,  10, 10, 10, 42, 42, 0, 18, 52, 0, 10, 40, 0, 59};
  b.append(reinterpret_cast<const char*>(kLens), sizeof(kLens));
  b.push_back(crc ? 1 : 0);
  return b;
}

std::string Fde(bool crc) {
  std::string body = FdeBody("8.0.32", crc);
  if (crc) return MakeEvent(event_type::kFormatDescription, body, true);
  body.append(4, '\0');  // checksum slot present even with checksums off
  return MakeEvent(event_type::kFormatDescription, body, false);
}

// A file of events; returns decoded events (or the first error).
struct Decoded {
  std::vector<std::string> types;
  std::vector<Event> events;  // their views point into `file`
  Status status;
  std::unique_ptr<std::string> file;
};

Decoded DecodeFile(const std::vector<std::string>& events) {
  Decoded d;
  d.file = std::make_unique<std::string>(
      "\xfe"
      "bin",
      4);
  std::string& file = *d.file;
  for (const auto& e : events) file += e;
  auto reader = BinlogFileReader::FromBuffer(file, "t.000001");
  EventStream stream(reader->get());
  while (true) {
    auto e = stream.Next();
    if (!e.ok()) {
      d.status = e.status();
      return d;
    }
    if (*e == nullptr) return d;
    d.types.emplace_back(EventTypeName((*e)->header.type));
    d.events.push_back(**e);
  }
}

TEST(EventDecoderTest, FormatDescriptionAndChecksums) {
  Decoded d = DecodeFile(
      {Fde(true), MakeEvent(event_type::kXid, std::string("\x2a\0\0\0\0\0\0\0", 8), true)});
  ASSERT_TRUE(d.status.ok()) << d.status.ToString();
  ASSERT_EQ(d.events.size(), 2u);
  const auto& fd = std::get<FormatDescription>(d.events[0].body);
  EXPECT_EQ(fd.server_version, "8.0.32");
  EXPECT_EQ(fd.checksum, ChecksumAlgorithm::kCrc32);
  EXPECT_EQ(fd.PostHeaderLength(event_type::kWriteRowsV2, 0), 10);
  EXPECT_EQ(std::get<XidEvent>(d.events[1].body).xid, 42u);
  EXPECT_EQ(d.events[1].position, 4u + d.events[0].header.event_size);

  std::string bad = MakeEvent(event_type::kXid, std::string("\x2a\0\0\0\0\0\0\0", 8), true);
  bad[20] ^= 0x40;
  d = DecodeFile({Fde(true), bad});
  ASSERT_FALSE(d.status.ok());
  EXPECT_EQ(d.status.code(), StatusCode::kCorruption);
  size_t at = 4 + Fde(true).size();
  EXPECT_NE(d.status.message().find("file t.000001: checksum mismatch in XID event at offset " +
                                    std::to_string(at)),
            std::string::npos)
      << d.status.message();
}

TEST(EventDecoderTest, NoChecksumsWhenOff) {
  Decoded d = DecodeFile(
      {Fde(false), MakeEvent(event_type::kXid, std::string("\x05\0\0\0\0\0\0\0", 8), false)});
  ASSERT_TRUE(d.status.ok()) << d.status.ToString();
  EXPECT_EQ(std::get<XidEvent>(d.events[1].body).xid, 5u);
}

TEST(EventDecoderTest, UnknownEventsSkippedOnlyWhenIgnorable) {
  Decoded ok = DecodeFile({Fde(true), MakeEvent(100, "junk", true, kEventFlagIgnorable)});
  ASSERT_TRUE(ok.status.ok()) << ok.status.ToString();
  EXPECT_TRUE(std::holds_alternative<SkippedEvent>(ok.events[1].body));
  Decoded bad = DecodeFile({Fde(true), MakeEvent(100, "junk", true)});
  ASSERT_FALSE(bad.status.ok());
  EXPECT_EQ(bad.status.code(), StatusCode::kUnimplemented);
  EXPECT_NE(bad.status.message().find("event type 100 (UNKNOWN_100) at offset " +
                                      std::to_string(4 + Fde(true).size())),
            std::string::npos)
      << bad.status.message();
}

TEST(EventDecoderTest, StartEncryptionIsUnimplemented) {
  Decoded d = DecodeFile({Fde(true), MakeEvent(event_type::kStartEncryption, "xxxxx", true)});
  ASSERT_FALSE(d.status.ok());
  EXPECT_EQ(d.status.code(), StatusCode::kUnimplemented);
  EXPECT_NE(d.status.message().find("encrypted"), std::string::npos);
}

TEST(EventDecoderTest, MySqlGtidWithCommitTimestamps) {
  std::string b;
  b.push_back(1);  // commit flag
  for (int i = 0; i < 16; ++i) b.push_back(static_cast<char>(0x10 + i));
  AppendLE(&b, 77, 8);  // gno
  b.push_back(2);       // logical clock
  AppendLE(&b, 5, 8);
  AppendLE(&b, 6, 8);
  AppendLE(&b, (1ULL << 55) | 1700000000123456ULL, 7);  // immediate, original follows
  AppendLE(&b, 1690000000000001ULL, 7);
  AppendLengthEncodedInt(&b, 300);
  Decoded d = DecodeFile({Fde(true), MakeEvent(event_type::kGtid, b, true)});
  ASSERT_TRUE(d.status.ok()) << d.status.ToString();
  const auto& g = std::get<GtidEvent>(d.events[1].body);
  EXPECT_EQ(g.Text(), "10111213-1415-1617-1819-1a1b1c1d1e1f:77");
  EXPECT_EQ(g.last_committed, 5);
  EXPECT_EQ(g.sequence_number, 6);
  EXPECT_EQ(g.immediate_commit_micros, 1700000000123456u);
  EXPECT_EQ(g.original_commit_micros, 1690000000000001u);
  EXPECT_EQ(g.transaction_length, 300u);
}

TEST(EventDecoderTest, TaggedGtidMessage) {
  // mysql::serialization message: version 1, size, last non-ignorable 0, fields.
  std::string fields;
  auto field = [&](uint64_t id) { AppendVarlenUnsigned(&fields, id); };
  field(0);
  AppendVarlenUnsigned(&fields, 0);  // flags
  field(1);
  for (int i = 0; i < 16; ++i) AppendVarlenUnsigned(&fields, 0xf0 + i);
  field(2);
  AppendVarlenUnsigned(&fields, 1000000ULL << 1);  // gno 1000000 (signed: zigzag)
  field(3);
  AppendVarlenUnsigned(&fields, 3);
  fields += "abc";
  field(6);
  AppendVarlenUnsigned(&fields, 1700000000654321ULL);
  std::string msg;
  AppendVarlenUnsigned(&msg, 1);
  // size counts the whole message; one byte for it as long as the total stays < 128
  size_t total = 1 + 1 + 1 + fields.size();
  AppendVarlenUnsigned(&msg, total);
  AppendVarlenUnsigned(&msg, 0);
  msg += fields;
  ASSERT_EQ(msg.size(), total);
  Decoded d = DecodeFile({Fde(true), MakeEvent(event_type::kGtidTagged, msg, true)});
  ASSERT_TRUE(d.status.ok()) << d.status.ToString();
  const auto& g = std::get<GtidEvent>(d.events[1].body);
  EXPECT_EQ(g.Text(), "f0f1f2f3-f4f5-f6f7-f8f9-fafbfcfdfeff:abc:1000000");
  EXPECT_EQ(g.immediate_commit_micros, 1700000000654321u);
  EXPECT_EQ(g.original_commit_micros, 1700000000654321u);
}

TEST(EventDecoderTest, HeartbeatV2AndRowsQuery) {
  std::string hb;
  AppendLengthEncodedInt(&hb, 1);
  AppendLengthEncodedString(&hb, "binlog.000009");
  AppendLengthEncodedInt(&hb, 2);
  std::string pos;
  AppendLengthEncodedInt(&pos, 123456);
  AppendLengthEncodedString(&hb, pos);
  AppendLengthEncodedInt(&hb, 0);
  Decoded d = DecodeFile({Fde(true), MakeEvent(event_type::kHeartbeatV2, hb, true),
                          MakeEvent(event_type::kRowsQuery, std::string("\x05insert", 7), true)});
  ASSERT_TRUE(d.status.ok()) << d.status.ToString();
  const auto& h = std::get<HeartbeatEvent>(d.events[1].body);
  EXPECT_EQ(h.file, "binlog.000009");
  EXPECT_EQ(h.position, 123456u);
}

TEST(EventDecoderTest, MariaDbQueryCompressed) {
  std::string sql = "CREATE TABLE t (a INT, b VARCHAR(100)) -- " + std::string(200, 'x');
  std::string z(compressBound(sql.size()), '\0');
  uLongf zlen = z.size();
  ASSERT_EQ(compress(reinterpret_cast<Bytef*>(z.data()), &zlen,
                     reinterpret_cast<const Bytef*>(sql.data()), sql.size()),
            Z_OK);
  z.resize(zlen);
  std::string b;
  AppendLE(&b, 11, 4);  // thread
  AppendLE(&b, 0, 4);   // exec time
  b.push_back(2);       // db len
  AppendLE(&b, 0, 2);   // error
  AppendLE(&b, 0, 2);   // status vars
  b += "db";
  b.push_back('\0');
  b.push_back(static_cast<char>(0x82));  // zlib, 2 length bytes, big-endian
  AppendBE(&b, sql.size(), 2);
  b += z;
  std::string fde =
      MakeEvent(event_type::kFormatDescription, FdeBody("10.11.6-MariaDB-log", true), true);
  Decoded d = DecodeFile({fde, MakeEvent(event_type::kQueryCompressed, b, true)});
  ASSERT_TRUE(d.status.ok()) << d.status.ToString();
  // The view points into the decoder's buffer; check through a fresh decode instead.
  std::string file(
      "\xfe"
      "bin",
      4);
  file += fde + MakeEvent(event_type::kQueryCompressed, b, true);
  auto reader = BinlogFileReader::FromBuffer(file, "m.000001");
  EventStream stream(reader->get());
  ASSERT_TRUE(stream.Next().ok());
  auto e = stream.Next();
  ASSERT_TRUE(e.ok() && *e != nullptr);
  const auto& q = std::get<QueryEvent>((*e)->body);
  EXPECT_EQ(q.database, "db");
  EXPECT_EQ(q.sql, sql);
}

TEST(EventDecoderTest, BinlogV3StartEventAndOldQueryLayout) {
  std::string start;
  AppendLE(&start, 3, 2);
  std::string v("4.0.18-log");
  v.resize(50, '\0');
  start += v;
  AppendLE(&start, 0, 4);
  std::string q;
  AppendLE(&q, 1, 4);  // thread
  AppendLE(&q, 0, 4);  // exec time
  q.push_back(4);      // db len
  AppendLE(&q, 0, 2);  // error code; no status-variable block before v4
  q += "test";
  q.push_back('\0');
  q += "INSERT INTO t VALUES (1)";
  Decoded d = DecodeFile(
      {MakeEvent(event_type::kStartV3, start, false), MakeEvent(event_type::kQuery, q, false)});
  ASSERT_TRUE(d.status.ok()) << d.status.ToString();
  ASSERT_EQ(d.events.size(), 2u);
  const auto& fd = std::get<FormatDescription>(d.events[0].body);
  EXPECT_EQ(fd.binlog_version, 3);
  EXPECT_EQ(fd.server_version, "4.0.18-log");
  const auto& query = std::get<QueryEvent>(d.events[1].body);
  EXPECT_EQ(query.database, "test");
  EXPECT_EQ(query.sql, "INSERT INTO t VALUES (1)");
}

// TABLE_MAP with FULL optional metadata, built by hand.
std::string TableMapBody() {
  std::string b;
  AppendLE(&b, 0x010203, 6);  // table id
  AppendLE(&b, 1, 2);         // flags
  b.push_back(2);
  b += "db";
  b.push_back('\0');
  b.push_back(1);
  b += "t";
  b.push_back('\0');
  AppendLengthEncodedInt(&b, 5);
  // INT, VARCHAR(40), STRING hiding ENUM, JSON, STRING hiding SET
  b += std::string("\x03\x0f\xfe\xf5\xfe", 5);
  std::string meta;
  AppendLE(&meta, 160, 2);             // VARCHAR max bytes, little-endian
  meta += std::string("\xf7\x01", 2);  // ENUM, 1 byte
  meta.push_back(4);                   // JSON length bytes
  meta += std::string("\xf8\x01", 2);  // SET, 1 byte
  AppendLengthEncodedInt(&b, meta.size());
  b += meta;
  b.push_back(static_cast<char>(0x1e));  // columns 1..4 nullable
  auto tlv = [&](uint8_t type, const std::string& value) {
    b.push_back(static_cast<char>(type));
    AppendLengthEncodedInt(&b, value.size());
    b += value;
  };
  tlv(1, std::string("\x80", 1));  // signedness: the one numeric column is unsigned
  std::string charset;
  AppendLengthEncodedInt(&charset, 255);  // default collation utf8mb4_0900_ai_ci
  tlv(2, charset);
  std::string names;
  for (const char* n : {"id", "name", "mood", "doc", "tags"}) AppendLengthEncodedString(&names, n);
  tlv(4, names);
  std::string sets;
  AppendLengthEncodedInt(&sets, 2);
  AppendLengthEncodedString(&sets, "red");
  AppendLengthEncodedString(&sets, "blue");
  tlv(5, sets);
  std::string enums;
  AppendLengthEncodedInt(&enums, 3);
  AppendLengthEncodedString(&enums, "happy");
  AppendLengthEncodedString(&enums, "sad");
  AppendLengthEncodedString(&enums, "ok");
  tlv(6, enums);
  std::string pk;
  AppendLengthEncodedInt(&pk, 0);
  AppendLengthEncodedInt(&pk, 0);
  AppendLengthEncodedInt(&pk, 1);
  AppendLengthEncodedInt(&pk, 10);
  tlv(9, pk);
  std::string es_charset;
  AppendLengthEncodedInt(&es_charset, 8);  // latin1 for ENUM/SET
  tlv(10, es_charset);
  tlv(12, std::string("\xe8", 1));  // visibility: columns 0,1,2,4 visible, doc invisible
  tlv(200, "future field");         // unknown fields are stepped over
  return b;
}

TEST(EventDecoderTest, TableMapOptionalMetadata) {
  std::string body = TableMapBody();
  auto map = ParseTableMap(body, 100, 8, false);
  ASSERT_TRUE(map.ok()) << map.status().ToString();
  EXPECT_EQ(map->table_id, 0x010203u);
  EXPECT_EQ(map->database, "db");
  EXPECT_EQ(map->table, "t");
  ASSERT_EQ(map->columns.size(), 5u);
  EXPECT_EQ(map->columns[1].metadata, 160);
  EXPECT_EQ(map->columns[2].metadata, 0xf701);
  EXPECT_EQ(RealType(map->columns[2]), MysqlType::kEnum);
  EXPECT_EQ(map->nullable, (std::vector<bool>{false, true, true, true, true}));
  EXPECT_EQ(map->is_unsigned, (std::vector<bool>{true, false, false, false, false}));
  EXPECT_EQ(map->collations, (std::vector<uint16_t>{0, 255, 8, 0, 8}));
  EXPECT_EQ(map->names, (std::vector<std::string>{"id", "name", "mood", "doc", "tags"}));
  EXPECT_EQ(map->elements[2], (std::vector<std::string>{"happy", "sad", "ok"}));
  EXPECT_EQ(map->elements[4], (std::vector<std::string>{"red", "blue"}));
  EXPECT_EQ(map->primary_key, (std::vector<int>{0, 1}));
  EXPECT_EQ(map->primary_key_prefix, (std::vector<uint32_t>{0, 10}));
  EXPECT_EQ(map->visible, (std::vector<bool>{true, true, true, false, true}));

  TableMapCache cache;
  auto entry = cache.Update(std::make_shared<const TableMap>(*map));
  ASSERT_TRUE(entry.ok());
  const TableSchema& s = *(*entry)->schema;
  EXPECT_EQ(s.QualifiedName(), "db.t");
  EXPECT_EQ(s.key_columns, (std::vector<int>{0, 1}));
  EXPECT_EQ(s.columns[0].type, LogicalType::kInt32);
  EXPECT_TRUE(s.columns[0].is_unsigned);
  EXPECT_FALSE(s.columns[0].nullable);
  EXPECT_EQ(s.columns[1].precision, 160);
  EXPECT_EQ(s.columns[2].type, LogicalType::kEnum);
  EXPECT_EQ(s.columns[4].type, LogicalType::kSet);
  EXPECT_TRUE(s.columns[3].invisible);
  EXPECT_EQ(s.columns[3].field_id, 4);
  EXPECT_FALSE((*entry)->names_guessed);
  TableSchemaPtr first = (*entry)->schema;
  // Same bytes under a new table id: same schema object. Different bytes: version 2.
  auto again = ParseTableMap(body, 100, 8, false);
  auto same = cache.Update(std::make_shared<const TableMap>(*again));
  EXPECT_EQ((*same)->schema, first);
  std::string changed = body;
  changed[changed.find("mood")] = 'M';
  auto m2 = ParseTableMap(changed, 100, 8, false);
  ASSERT_TRUE(m2.ok());
  auto v2 = cache.Update(std::make_shared<const TableMap>(*m2));
  EXPECT_NE((*v2)->schema, first);
  EXPECT_EQ((*v2)->schema->version, 2);
  EXPECT_EQ((*v2)->schema->columns[2].name, "Mood");
  EXPECT_EQ((*v2)->schema->columns[2].field_id, 3);  // same name, case-insensitive
}

TEST(EventDecoderTest, TableMapCorruptionNamesOffset) {
  std::string body = TableMapBody();
  body.resize(20);
  auto map = ParseTableMap(body, 500, 8, false);
  ASSERT_FALSE(map.ok());
  EXPECT_EQ(map.status().code(), StatusCode::kCorruption);
  EXPECT_NE(map.status().message().find("TABLE_MAP at offset 500"), std::string::npos)
      << map.status().message();
}

class Recorder : public ChangeSink {
 public:
  Status Begin(const TransactionBegin&) override { return Status::OK(); }
  Status Row(RowChange c) override {
    rows.push_back(std::move(c));
    return Status::OK();
  }
  Status Schema(const SchemaChange&) override { return Status::OK(); }
  Status Commit(const TransactionEnd& e) override {
    ends.push_back(e);
    return Status::OK();
  }
  void Discard() override {}
  std::vector<RowChange> rows;
  std::vector<TransactionEnd> ends;
};

TEST(EventDecoderTest, PartialJsonUpdateAppliesDiffToBeforeImage) {
  // TABLE_MAP: id INT, doc JSON (4-byte length), names via metadata.
  std::string tm;
  AppendLE(&tm, 9, 6);
  AppendLE(&tm, 1, 2);
  tm.push_back(1);
  tm += "d";
  tm.push_back('\0');
  tm.push_back(1);
  tm += "j";
  tm.push_back('\0');
  AppendLengthEncodedInt(&tm, 2);
  tm += std::string("\x03\xf5", 2);
  AppendLengthEncodedInt(&tm, 1);
  tm.push_back(4);
  tm.push_back(2);
  std::string names;
  AppendLengthEncodedString(&names, "id");
  AppendLengthEncodedString(&names, "doc");
  tm.push_back(4);
  AppendLengthEncodedInt(&tm, names.size());
  tm += names;

  // {"a":1} in MySQL binary JSON: small object, one key, int16 inlined.
  std::string doc(
      "\x00\x01\x00\x0c\x00\x0b\x00\x01\x00\x05\x01\x00"
      "a",
      13);
  // Diff: REPLACE $.a with int16 2.
  std::string diff;
  diff.push_back(0);
  AppendLengthEncodedString(&diff, "$.a");
  AppendLengthEncodedString(&diff, std::string("\x05\x02\x00", 3));

  std::string rows;
  AppendLE(&rows, 9, 6);
  AppendLE(&rows, 1, 2);
  AppendLE(&rows, 2, 2);  // v2 extra data: none
  AppendLengthEncodedInt(&rows, 2);
  rows.push_back(3);  // before: both columns
  rows.push_back(3);  // after: both columns
  rows.push_back(0);  // before NULL bitmap
  AppendLE(&rows, 1, 4);
  AppendLE(&rows, doc.size(), 4);
  rows += doc;
  AppendLengthEncodedInt(&rows, 1);  // value_options: PARTIAL_JSON_UPDATES
  rows.push_back(1);                 // partial bits: the only JSON column
  rows.push_back(0);                 // after NULL bitmap
  AppendLE(&rows, 1, 4);
  AppendLE(&rows, diff.size(), 4);
  rows += diff;

  std::string file(
      "\xfe"
      "bin",
      4);
  file += Fde(true) + MakeEvent(event_type::kTableMap, tm, true) +
          MakeEvent(event_type::kPartialUpdateRows, rows, true) +
          MakeEvent(event_type::kXid, std::string(8, '\0'), true);
  auto reader = BinlogFileReader::FromBuffer(file, "j.000001");
  EventStream stream(reader->get());
  Recorder sink;
  AssemblerOptions options;
  options.binlog_file = "j.000001";
  TransactionAssembler assembler(&sink, options);
  while (true) {
    auto e = stream.Next();
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    if (*e == nullptr) break;
    Status s = assembler.Consume(**e);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  ASSERT_EQ(sink.rows.size(), 1u);
  const RowChange& c = sink.rows[0];
  EXPECT_EQ(c.op, Op::kUpdate);
  ASSERT_EQ(c.before.size(), 2u);
  EXPECT_EQ(c.before[0], Value::Int(1));
  EXPECT_EQ(c.before[1].kind(), Value::Kind::kJson);
  EXPECT_EQ(c.before[1].bytes(), "{\"a\": 1}");
  EXPECT_EQ(c.after[1].bytes(), "{\"a\": 2}");
  ASSERT_EQ(sink.ends.size(), 1u);
  EXPECT_EQ(sink.ends[0].next_position.ToString(), "j.000001:" + std::to_string(file.size()));
}

TEST(EventDecoderTest, RowsWithoutTableMapFailWithPosition) {
  std::string rows;
  AppendLE(&rows, 77, 6);
  AppendLE(&rows, 1, 2);
  AppendLE(&rows, 2, 2);
  AppendLengthEncodedInt(&rows, 1);
  rows.push_back(1);
  rows += std::string("\x00\x01\x00\x00\x00", 5);
  std::string file(
      "\xfe"
      "bin",
      4);
  file += Fde(true) + MakeEvent(event_type::kWriteRowsV2, rows, true);
  auto reader = BinlogFileReader::FromBuffer(file, "r.000001");
  EventStream stream(reader->get());
  Recorder sink;
  TransactionAssembler assembler(&sink, AssemblerOptions{nullptr, "r.000001", {}});
  Status last;
  while (true) {
    auto e = stream.Next();
    ASSERT_TRUE(e.ok());
    if (*e == nullptr) break;
    last = assembler.Consume(**e);
    if (!last.ok()) break;
  }
  ASSERT_FALSE(last.ok());
  EXPECT_NE(last.message().find("r.000001:" + std::to_string(4 + Fde(true).size()) +
                                ": rows event for table id 77 without a preceding TABLE_MAP"),
            std::string::npos)
      << last.message();
}

std::string QueryBody(std::string_view db, std::string_view sql) {
  std::string q;
  AppendLE(&q, 1, 4);
  AppendLE(&q, 0, 4);
  q.push_back(static_cast<char>(db.size()));
  AppendLE(&q, 0, 2);
  AppendLE(&q, 0, 2);  // no status variables
  q += db;
  q.push_back('\0');
  q += sql;
  return q;
}

class CallLog : public ChangeSink {
 public:
  Status Begin(const TransactionBegin& b) override {
    calls.push_back("begin @" + std::to_string(b.position.offset));
    return Status::OK();
  }
  Status Row(RowChange c) override {
    calls.push_back(std::string("row ") + OpLetter(c.op) + " " + c.after[0].DebugString());
    return Status::OK();
  }
  Status Schema(const SchemaChange& s) override {
    calls.push_back("schema " + s.sql);
    return Status::OK();
  }
  Status Commit(const TransactionEnd& e) override {
    calls.push_back("commit @" + std::to_string(e.next_position.offset));
    return Status::OK();
  }
  void Discard() override { calls.push_back("discard"); }
  std::vector<std::string> calls;
};

TEST(EventDecoderTest, CreateTableSelectIsOneTransaction) {
  std::string tm;
  AppendLE(&tm, 5, 6);
  AppendLE(&tm, 1, 2);
  tm += std::string(
      "\x01"
      "d\0"
      "\x01"
      "t\0",
      6);
  AppendLengthEncodedInt(&tm, 1);
  tm.push_back(3);                 // INT
  AppendLengthEncodedInt(&tm, 0);  // no metadata
  tm.push_back(0);                 // not nullable
  std::string rows;
  AppendLE(&rows, 5, 6);
  AppendLE(&rows, 1, 2);
  AppendLE(&rows, 2, 2);
  AppendLengthEncodedInt(&rows, 1);
  rows.push_back(1);
  rows.push_back(0);  // NULL bitmap
  AppendLE(&rows, 42, 4);
  std::vector<std::string> events = {
      Fde(true),
      MakeEvent(event_type::kQuery,
                QueryBody("d", "CREATE TABLE t SELECT 42 AS a START TRANSACTION"), true),
      MakeEvent(event_type::kTableMap, tm, true),
      MakeEvent(event_type::kWriteRowsV2, rows, true),
      MakeEvent(event_type::kXid, std::string(8, '\0'), true),
      MakeEvent(event_type::kQuery, QueryBody("d", "DROP TABLE t"), true),
  };
  std::string file(
      "\xfe"
      "bin",
      4);
  std::vector<size_t> ends;
  for (const auto& e : events) {
    file += e;
    ends.push_back(file.size());
  }
  auto reader = BinlogFileReader::FromBuffer(file, "c.000001");
  EventStream stream(reader->get());
  CallLog sink;
  TransactionAssembler assembler(&sink, AssemblerOptions{nullptr, "c.000001", {}});
  while (true) {
    auto e = stream.Next();
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    if (*e == nullptr) break;
    Status s = assembler.Consume(**e);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  std::vector<std::string> want = {
      "begin @" + std::to_string(ends[0]),
      "schema CREATE TABLE t SELECT 42 AS a START TRANSACTION",
      "row I " + Value::Int(42).DebugString(),
      "commit @" + std::to_string(ends[4]),
      "begin @" + std::to_string(ends[4]),
      "schema DROP TABLE t",
      "commit @" + std::to_string(ends[5]),
  };
  EXPECT_EQ(sink.calls, want);
  EXPECT_EQ(assembler.resume_position().ToString(), "c.000001:" + std::to_string(file.size()));
}

TEST(EventDecoderTest, RowImagesWithNoColumnsAreCorruptNotAnEndlessLoop) {
  std::string tm;
  AppendLE(&tm, 5, 6);
  AppendLE(&tm, 1, 2);
  tm += std::string(
      "\x01"
      "d\0"
      "\x01"
      "t\0",
      6);
  AppendLengthEncodedInt(&tm, 1);
  tm.push_back(3);
  AppendLengthEncodedInt(&tm, 0);
  tm.push_back(0);
  std::string rows;
  AppendLE(&rows, 5, 6);
  AppendLE(&rows, 1, 2);
  AppendLE(&rows, 2, 2);
  AppendLengthEncodedInt(&rows, 1);
  rows.push_back(0);  // no column present in the image
  rows += "zz";       // bytes no image can consume
  std::string file(
      "\xfe"
      "bin",
      4);
  file += Fde(true) + MakeEvent(event_type::kTableMap, tm, true);
  size_t at = file.size();
  file += MakeEvent(event_type::kWriteRowsV2, rows, true);
  auto reader = BinlogFileReader::FromBuffer(file, "z.000001");
  EventStream stream(reader->get());
  CallLog sink;
  TransactionAssembler assembler(&sink, AssemblerOptions{nullptr, "z.000001", {}});
  Status last;
  while (last.ok()) {
    auto e = stream.Next();
    ASSERT_TRUE(e.ok());
    if (*e == nullptr) break;
    last = assembler.Consume(**e);
  }
  ASSERT_FALSE(last.ok());
  EXPECT_EQ(last.code(), StatusCode::kCorruption);
  EXPECT_NE(last.message().find("z.000001:" + std::to_string(at) +
                                ": rows event for d.t declares no columns in its row images "
                                "but has 2 bytes of rows"),
            std::string::npos)
      << last.message();
}

TEST(EventDecoderTest, MariaDbCompressedRowsV1) {
  std::string tm;
  AppendLE(&tm, 5, 6);
  AppendLE(&tm, 1, 2);
  tm += std::string(
      "\x01"
      "d\0"
      "\x01"
      "t\0",
      6);
  AppendLengthEncodedInt(&tm, 1);
  tm.push_back(3);
  AppendLengthEncodedInt(&tm, 0);
  tm.push_back(0);
  std::string plain;  // two row images of one INT column
  plain.push_back(0);
  AppendLE(&plain, 123456, 4);
  plain.push_back(0);
  AppendLE(&plain, static_cast<uint32_t>(-7), 4);
  std::string z(compressBound(plain.size()), '\0');
  uLongf zlen = z.size();
  ASSERT_EQ(compress(reinterpret_cast<Bytef*>(z.data()), &zlen,
                     reinterpret_cast<const Bytef*>(plain.data()), plain.size()),
            Z_OK);
  z.resize(zlen);
  std::string rows;
  AppendLE(&rows, 5, 6);
  AppendLE(&rows, 1, 2);
  AppendLengthEncodedInt(&rows, 1);
  rows.push_back(1);
  rows.push_back(static_cast<char>(0x81));  // zlib, one length byte
  rows.push_back(static_cast<char>(plain.size()));
  rows += z;
  std::string fde =
      MakeEvent(event_type::kFormatDescription, FdeBody("10.6.16-MariaDB-log", true), true);
  std::string file(
      "\xfe"
      "bin",
      4);
  file += fde + MakeEvent(event_type::kTableMap, tm, true) +
          MakeEvent(event_type::kWriteRowsCompressedV1, rows, true);
  auto reader = BinlogFileReader::FromBuffer(file, "m.000001");
  EventStream stream(reader->get());
  CallLog sink;
  TransactionAssembler assembler(&sink, AssemblerOptions{nullptr, "m.000001", {}});
  while (true) {
    auto e = stream.Next();
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    if (*e == nullptr) break;
    Status st = assembler.Consume(**e);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  ASSERT_EQ(sink.calls.size(), 3u);
  EXPECT_EQ(sink.calls[1], "row I " + Value::Int(123456).DebugString());
  EXPECT_EQ(sink.calls[2], "row I " + Value::Int(-7).DebugString());
}

}  // namespace
}  // namespace binlake

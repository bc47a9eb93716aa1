#include "binlog/gtid_start.h"

#include <fmt/format.h>

#include "binlog/event_stream.h"
#include "common/logging.h"

namespace binlake {
namespace {

// Opens a non-blocking dump with the decoder's checksum set for the stream's fake ROTATE.
struct Dump {
  std::unique_ptr<ReplicationSource> source;
  std::unique_ptr<EventStream> stream;
};

Result<Dump> OpenDump(ReplicationOptions options) {
  options.non_blocking = true;
  Dump d;
  ASSIGN_OR_RETURN(d.source, ReplicationSource::Open(options));
  d.stream = std::make_unique<EventStream>(d.source.get());
  d.stream->mutable_decoder()->set_checksum(d.source->info().checksums ? ChecksumAlgorithm::kCrc32
                                                                       : ChecksumAlgorithm::kOff);
  return d;
}

Status AddGtid(const GtidEvent& g, GtidSet* set) {
  if (g.kind == GtidEvent::Kind::kMariaDb) return set->AddMariaDb({g.domain, g.server, g.seq});
  if (g.kind == GtidEvent::Kind::kMySql) {
    return set->AddMySql(g.uuid, g.tag, static_cast<uint64_t>(g.gno));
  }
  return Status::OK();
}

}  // namespace

Result<GtidSet> GtidStateAt(const ReplicationOptions& options, const BinlogPosition& position) {
  ReplicationOptions o = options;
  o.start_gtid.reset();
  o.start = {position.file, 4};
  ASSIGN_OR_RETURN(Dump d, OpenDump(o));
  GtidSet state;
  bool seen_list = false;
  while (true) {
    ASSIGN_OR_RETURN(const Event* e, d.stream->Next());
    if (e == nullptr || d.source->binlog_name() != position.file) break;
    // The fake ROTATE (position 0) and FORMAT_DESCRIPTION open the stream; events from the
    // file itself have positions from 4 on.
    if (e->position >= position.offset && e->position >= 4 && !e->in_payload) break;
    if (const auto* list = std::get_if<GtidSetEvent>(&e->body); list && !seen_list) {
      state = list->set;
      seen_list = true;
    } else if (const auto* g = std::get_if<GtidEvent>(&e->body)) {
      RETURN_IF_ERROR(AddGtid(*g, &state));
    }
  }
  return state;
}

Result<BinlogPosition> FindGtidStart(const ReplicationOptions& options, const GtidSet& captured) {
  ASSIGN_OR_RETURN(std::unique_ptr<Connection> c, Connection::Connect(options.connect));
  RETURN_IF_ERROR(CheckSource(c.get()).status());
  ASSIGN_OR_RETURN(BinlogPosition end, CurrentBinlogEnd(c.get()));
  std::string peer = c->peer();
  c.reset();

  ReplicationOptions o = options;
  o.start_gtid = captured;
  ASSIGN_OR_RETURN(Dump d, OpenDump(o));
  BinlogPosition first = end;
  while (true) {
    ASSIGN_OR_RETURN(const Event* e, d.stream->Next());
    if (e == nullptr) break;
    const auto* g = std::get_if<GtidEvent>(&e->body);
    if (g != nullptr && g->kind != GtidEvent::Kind::kAnonymous) {
      first = {std::string(d.source->binlog_name()), e->position};
      break;
    }
  }
  d = Dump();

  ASSIGN_OR_RETURN(GtidSet state, GtidStateAt(options, first));
  if (!state.Contains(captured) || !captured.Contains(state)) {
    return FailedPreconditionError(
        "no binlog position of {} starts exactly after GTID set '{}': at {}, where the first "
        "transaction not in the set begins, the server had executed '{}'. The set has gaps "
        "or leaves out transactions the binlog interleaves with it (several MariaDB domains). "
        "Start from a GTID set the server reported (SELECT @@gtid_binlog_pos / "
        "@@gtid_executed), or give start.file and start.pos",
        peer, captured.ToString(), first.ToString(), state.ToString());
  }
  LOG_INFO("GTID set '{}' ends at {} on {}", captured.ToString(), first.ToString(), peer);
  return first;
}

}  // namespace binlake

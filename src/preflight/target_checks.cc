// The target checks of binlake check: one probe object written, listed, read and deleted the
// way the lake's records are, and the lake's checkpoint compared with the source's binlog.

#include <fmt/format.h>
#include <unistd.h>

#include "checkpoint/checkpoint_store.h"
#include "common/clock.h"
#include "preflight/checks.h"
#include "storage/open_object_store.h"

namespace binlake::preflight {
namespace {

// Each step of the probe; the first failure names the step.
Status Probe(ObjectStore* store, const std::string& key, bool* conditional) {
  const std::string body = "binlake check probe\n";
  RETURN_IF_ERROR(store->Put(key, body, PutOptions::CreateOnly()).Context("create " + key));
  ASSIGN_OR_RETURN(ListResult listed, store->List("_binlake/check/"));
  bool found = false;
  for (const ObjectInfo& o : listed.objects) found = found || o.key == key;
  if (!found) return UnavailableError("list of _binlake/check/ does not show {} just written", key);
  ASSIGN_OR_RETURN(std::string back, store->Get(key));
  if (back != body) return CorruptionError("{} read back differs from what was written", key);
  // A second create of the same key must be refused and leave the object as it is.
  Status again = store->Put(key, "overwritten\n", PutOptions::CreateOnly());
  ASSIGN_OR_RETURN(std::string after, store->Get(key));
  *conditional = again.code() == StatusCode::kAlreadyExists && after == body;
  RETURN_IF_ERROR(store->Delete(key).Context("delete " + key));
  Result<ObjectInfo> gone = store->Head(key);
  if (gone.ok()) return UnavailableError("{} is still there after its delete", key);
  return Status::OK();
}

void CheckResume(ObjectStore* store, const SourceFacts& facts, CheckReport* report) {
  CheckpointStore checkpoints(store);
  Result<std::optional<Checkpoint>> latest = checkpoints.LoadLatest();
  if (!latest.ok()) {
    report->Add("resume position", Verdict::kFail, latest.status().ToString(),
                "the lake's _binlake/ records cannot be read: check the target's permissions");
    return;
  }
  if (!*latest) {
    report->Add("resume position", Verdict::kPass,
                "the lake holds no checkpoint: the first run starts with a full load");
    return;
  }
  const BinlogPosition& at = (*latest)->position;
  if (facts.binlogs.empty()) {
    report->Add(
        "resume position", Verdict::kSkip,
        fmt::format("checkpoint at {}; the source's binlog list is unknown", at.ToString()));
    return;
  }
  uint64_t behind = 0;
  bool found = false;
  for (const auto& [file, size] : facts.binlogs) {
    if (file == at.file) {
      found = true;
      behind += size > at.offset ? size - at.offset : 0;
    } else if (found) {
      behind += size;
    }
  }
  if (found) {
    report->Add("resume position", Verdict::kPass,
                fmt::format("checkpoint at {}, {} binlog bytes behind the source's end",
                            at.ToString(), behind));
  } else {
    report->Add("resume position", Verdict::kFail,
                fmt::format("checkpoint at {}, but the source no longer has {} (purged; its "
                            "oldest is {}): the changes in between are lost to this lake",
                            at.ToString(), at.file, facts.binlogs.front().first),
                "re-load into a new lake (docs/operations.md, \"the binlog was purged\")");
  }
}

}  // namespace

void CheckTarget(const PreflightOptions& options, const SourceFacts& facts, CheckReport* report) {
  Result<std::unique_ptr<ObjectStore>> opened =
      OpenObjectStore(options.target_url, options.s3, Clock::System());
  if (!opened.ok()) {
    report->Add("target writable", Verdict::kFail,
                fmt::format("{}: {}", options.target_url, opened.status().ToString()),
                "fix target.url and target.s3 (docs/object-store.md)");
    return;
  }
  ObjectStore* store = opened->get();
  std::string key =
      fmt::format("_binlake/check/probe-{}-{}", getpid(), Clock::System()->NowMicros());
  bool conditional = false;
  Status probe = Probe(store, key, &conditional);
  if (!probe.ok()) {
    (void)store->Delete(key);
    report->Add("target writable", Verdict::kFail,
                fmt::format("{}: {}", options.target_url, probe.ToString()),
                "binlake needs to create, list, read and delete objects under the target: check "
                "the bucket or directory, the credentials and their policy (s3:PutObject, "
                "s3:GetObject, s3:ListBucket, s3:DeleteObject)");
    report->Add("conditional create", Verdict::kSkip, "not tried", "fix the target first");
    return;
  }
  report->Add(
      "target writable", Verdict::kPass,
      fmt::format("{}: a probe object created, listed, read and deleted", options.target_url));
  if (conditional) {
    report->Add("conditional create", Verdict::kPass,
                "a second create of the same key was refused (If-None-Match)");
  } else {
    report->Add("conditional create", Verdict::kFail,
                "a second create of the same key was not refused: the store ignores If-None-Match "
                "and binlake's exactly-once records need it",
                "use a store with conditional writes (AWS S3, Ceph RGW 18+, MinIO 2024+) or a "
                "local directory");
  }
  CheckResume(store, facts, report);
}

}  // namespace binlake::preflight

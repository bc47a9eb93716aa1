#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "cascade/row_state.h"
#include "common/result.h"
#include "storage/object_store.h"

namespace binlake {

// Copies of the row state (docs/cascades.md) in the lake, as
// _binlake/state/<UTC yyyymmdd-hhmmssfff>.lmdb (LMDB's own compact file format), so that
// another machine, or this one after a reboot, takes the state over exactly instead of reading
// it again from the source. A copy holds the rows, the undo records and the position: the
// replicator rewinds or rolls it forward to the outputs' checkpoint as after kill -9.
//
// The newest two copies are kept; older ones are deleted once a new one is in the lake.
class StateBackup {
 public:
  static constexpr const char* kPrefix = "_binlake/state/";

  // `store` and `state` must outlive the object; temporary files go to `spill_dir`.
  StateBackup(ObjectStore* store, RowState* state, std::string spill_dir);
  ~StateBackup();
  StateBackup(const StateBackup&) = delete;
  StateBackup& operator=(const StateBackup&) = delete;

  // Backs up every `interval` from a background thread, when the state committed something
  // since the last copy. A failed backup is logged and tried again at the next interval.
  void Start(std::chrono::milliseconds interval);
  // Stops the thread, waiting for a backup in progress.
  void Stop();
  // One backup now, when the state changed since the last. REQUIRES: the thread is stopped.
  Status BackUp();

  // Replaces `state` with the newest copy in the lake. Returns the copy's key, or nullopt when
  // the lake holds none.
  static Result<std::optional<std::string>> Restore(ObjectStore* store, RowState* state,
                                                    const std::string& spill_dir);

 private:
  void Loop(std::chrono::milliseconds interval);

  ObjectStore* store_;
  RowState* state_;
  std::string spill_dir_;
  std::optional<uint64_t> copied_commits_;  // state_->commits() at the last copy
  int64_t last_key_ms_ = 0;                 // the time in the last copy's key
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace binlake

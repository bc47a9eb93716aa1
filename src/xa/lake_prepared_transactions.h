#pragma once

#include <string>
#include <vector>

#include "binlog/xa.h"
#include "storage/object_store.h"

namespace binlake {

// Prepared XA transactions parked in the lake, so that their rows survive any restart
// between the XA PREPARE and the XA COMMIT: one object per prepare,
// `_binlake/xa/<hex of the xid>/<binlog file>@<offset of the prepare>`, written before the
// assembler reads past the XA PREPARE and so before any checkpoint can pass it. It holds the
// rows and the table shapes they were decoded with (the schema record's JSON).
//
// Objects are deleted once every output holds the end of their XA COMMIT or XA ROLLBACK
// (Release). A kill -9 in between can leave one behind; Prune, at start, keeps at most the
// newest prepare of each xid before the position reading starts from.
class LakePreparedTransactions : public PreparedTransactions {
 public:
  explicit LakePreparedTransactions(ObjectStore* store) : store_(store) {}

  Status Park(const std::string& xid, const BinlogPosition& position,
              const std::vector<RowChange>& rows) override;
  Result<Parked> Find(const std::string& xid, const BinlogPosition& before) override;
  void Ended(const std::string& xid, const BinlogPosition& prepared,
             const BinlogPosition& end) override;
  Status Release(const BinlogPosition& durable) override;

  // Reading starts at `from`: every prepare at or after it is read (and parked) again, and of
  // those before it only the newest of each xid can still wait for its XA COMMIT. Deletes
  // the rest.
  Status Prune(const BinlogPosition& from);

  static constexpr char kPrefix[] = "_binlake/xa/";
  // The object of `xid` prepared at `position`.
  static std::string Key(const std::string& xid, const BinlogPosition& position);

 private:
  struct Ending {
    std::string key;
    BinlogPosition end;
  };
  // The prepares of `xid` in the lake, oldest first.
  Result<std::vector<BinlogPosition>> Prepares(const std::string& xid);

  ObjectStore* const store_;
  std::vector<Ending> ended_;
};

// The object's bytes; exposed for tests.
std::string EncodeParked(const std::string& xid, const BinlogPosition& position,
                         const std::vector<RowChange>& rows);
Result<PreparedTransactions::Parked> DecodeParked(std::string_view bytes, std::string_view origin);

}  // namespace binlake

#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "model/change.h"

namespace binlake {

// An XA transaction id as the server writes it in the binlog's XA statements:
// X'<gtrid hex>',X'<bqual hex>',<formatID>, with lower-case hex.
std::string XidText(int64_t format_id, std::string_view gtrid, std::string_view bqual);
// The xid of an "XA COMMIT <xid>" or "XA ROLLBACK <xid>" statement's text after the verb, in
// XidText's form: quoted strings ('a1'), hex (X'6131', 0x6131) and a missing bqual or
// formatID (formatID 1) are accepted. Nullopt when it is not an xid.
std::optional<std::string> ParseXid(std::string_view text);

// Where the rows of prepared XA transactions wait for their XA COMMIT. An XA PREPARE ends
// its event group in the binlog; the XA COMMIT comes later, in a group of its own, possibly
// after many other transactions, and after any number of restarts in between. An xid may be
// used again once its transaction ended, so what is parked is told apart by the position of
// its XA PREPARE, and kept until Release passes the end of its XA COMMIT or XA ROLLBACK: a
// restart before then reads that XA COMMIT again and needs the same rows.
class PreparedTransactions {
 public:
  struct Parked {
    BinlogPosition position;  // where the XA PREPARE's event group starts
    std::vector<RowChange> rows;
  };
  virtual ~PreparedTransactions() = default;
  // Keeps the rows of `xid`, prepared in the group that starts at `position`. Durable when it
  // returns.
  virtual Status Park(const std::string& xid, const BinlogPosition& position,
                      const std::vector<RowChange>& rows) = 0;
  // The transaction of `xid` prepared last before `before` (an XA COMMIT's position);
  // NotFound when none was.
  virtual Result<Parked> Find(const std::string& xid, const BinlogPosition& before) = 0;
  // The transaction of `xid` prepared at `prepared` was committed or rolled back by the group
  // that ends at `end`.
  virtual void Ended(const std::string& xid, const BinlogPosition& prepared,
                     const BinlogPosition& end) = 0;
  // Everything before `durable` is in every output: drops what transactions that ended by
  // then parked.
  virtual Status Release(const BinlogPosition& durable) = 0;
};

// Parked rows in memory only: for reading a binlog once (the dump command, a full load's
// window), where nothing needs to survive the process.
class InMemoryPreparedTransactions : public PreparedTransactions {
 public:
  Status Park(const std::string& xid, const BinlogPosition& position,
              const std::vector<RowChange>& rows) override;
  Result<Parked> Find(const std::string& xid, const BinlogPosition& before) override;
  void Ended(const std::string& xid, const BinlogPosition& prepared,
             const BinlogPosition& end) override;
  Status Release(const BinlogPosition& durable) override;

 private:
  struct Ending {
    std::string xid;
    BinlogPosition prepared, end;
  };
  std::map<std::pair<std::string, BinlogPosition>, std::vector<RowChange>> parked_;
  std::vector<Ending> ended_;
};

}  // namespace binlake

#include "model/change.h"

namespace binlake {

char OpLetter(Op op) {
  switch (op) {
    case Op::kInsert:
      return 'I';
    case Op::kUpdate:
      return 'U';
    case Op::kDelete:
      return 'D';
  }
  return '?';
}

std::string_view OriginName(ChangeOrigin origin) {
  switch (origin) {
    case ChangeOrigin::kLogged:
      return "";
    case ChangeOrigin::kCascade:
      return "cascade";
    case ChangeOrigin::kTruncate:
      return "truncate";
  }
  return "";
}

}  // namespace binlake

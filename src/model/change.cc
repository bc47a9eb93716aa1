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

}  // namespace binlake

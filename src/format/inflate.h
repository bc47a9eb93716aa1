#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace binlake {

// Decompresses a whole deflate stream: kRawDeflate (Avro's "deflate" codec) or kGzip (a .gz
// file; concatenated members are read one after another). kCorruption naming `origin` when
// the bytes do not decompress.
enum class DeflateWrapping { kRawDeflate, kGzip };
Result<std::string> Inflate(std::string_view in, DeflateWrapping wrapping, std::string_view origin);

}  // namespace binlake

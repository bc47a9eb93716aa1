#include "format/inflate.h"

#include <zlib.h>

#include <algorithm>

namespace binlake {

Result<std::string> Inflate(std::string_view in, DeflateWrapping wrapping,
                            std::string_view origin) {
  const int bits = wrapping == DeflateWrapping::kGzip ? 15 + 16 : -15;
  std::string out;
  size_t at = 0;
  do {  // one gzip member (or the raw stream) per pass
    z_stream zs{};
    if (inflateInit2(&zs, bits) != Z_OK) return InternalError("inflateInit2 failed");
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data() + at));
    zs.avail_in = static_cast<uInt>(in.size() - at);
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
      size_t had = out.size();
      out.resize(had + std::max<size_t>(in.size() * 4, 4096));
      zs.next_out = reinterpret_cast<Bytef*>(out.data() + had);
      zs.avail_out = static_cast<uInt>(out.size() - had);
      rc = inflate(&zs, Z_NO_FLUSH);
      out.resize(out.size() - zs.avail_out);
      if (rc != Z_OK && rc != Z_STREAM_END) {
        inflateEnd(&zs);
        return CorruptionError("{}: the compressed bytes do not inflate (zlib error {})", origin,
                               rc);
      }
      if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) {
        inflateEnd(&zs);
        if (wrapping == DeflateWrapping::kRawDeflate) return out;  // input ended
        return CorruptionError("{}: the gzip stream ends early", origin);
      }
    }
    at = in.size() - zs.avail_in;
    inflateEnd(&zs);
  } while (wrapping == DeflateWrapping::kGzip && at < in.size());
  return out;
}

}  // namespace binlake

#include <cstring>

#include "format/typed_column_encoders.h"

namespace binlake {
namespace {

// A word-at-a-time multiplicative hash; dictionary keys only, never persisted.
uint64_t HashBytes(std::string_view v) {
  const char* p = v.data();
  size_t n = v.size();
  uint64_t h = 0x9E3779B97F4A7C15ull ^ (n * 0xC2B2AE3D27D4EB4Full);
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * 0xFF51AFD7ED558CCDull;
    h ^= h >> 32;
    p += 8;
    n -= 8;
  }
  uint64_t w = 0;
  std::memcpy(&w, p, n);
  h = (h ^ w) * 0xC4CEB9FE1A85EC53ull;
  h ^= h >> 29;
  return h;
}

}  // namespace

ByteArrayColumnEncoder::ByteArrayColumnEncoder(const ParquetColumnPlan* plan,
                                               const ParquetOptions* options,
                                               PageCompressor* compressor)
    : ColumnEncoder(plan, options, compressor),
      fixed_(plan->type == ParquetType::kFixedLenByteArray),
      signed_order_(plan->order == StatsOrder::kSignedBytes),
      dictionary_enabled_(options->dictionary) {
  dictionary_active_ = dictionary_enabled_;
}

Status ByteArrayColumnEncoder::Stage(const Value& v) {
  staged_null_ = false;
  if (v.is_null() || v.is_absent()) return StageNull(v);
  return ConvertToBytes(*plan_, v, &scratch_, &staged_);
}

void ByteArrayColumnEncoder::AppendPlain(std::string_view v, std::string* out) const {
  if (!fixed_) AppendLittleEndian(static_cast<uint32_t>(v.size()), out);
  out->append(v);
}

Status ByteArrayColumnEncoder::Commit() {
  if (staged_null_) {
    CommitLevel(false);
    return MaybeClosePage();
  }
  const std::string_view v = staged_;
  const uint64_t plain_size = v.size() + (fixed_ ? 0 : 4);
  if (dictionary_active_) {
    const uint64_t hash = HashBytes(v);
    uint32_t index = LookupOrInsert(v, hash, false);
    if (index == kMissing) {
      if (dict_plain_.size() + plain_size > options_->dictionary_page_bytes ||
          dict_plain_.size() + plain_size > 0xFFFFFFFFull) {
        // The dictionary is full: what is encoded so far keeps it, the rest goes PLAIN.
        if (page_rows() > 0) RETURN_IF_ERROR(ClosePage());
        dictionary_active_ = false;
      } else {
        index = LookupOrInsert(v, hash, true);
      }
    }
    if (dictionary_active_) {
      indices_.push_back(index);
      if (++dictionary_probe_ == kDictionaryProbeValues && MostlyDistinct(entries_.size())) {
        // Mostly distinct values (keys, free text): a dictionary only costs. Pages so far keep
        // it; the rest of the chunk is PLAIN.
        CommitLevel(true);
        chunk_value_bytes_ += plain_size;
        RETURN_IF_ERROR(ClosePage());
        dictionary_active_ = false;
        return Status::OK();
      }
    }
  }
  if (!dictionary_active_) {
    AppendPlain(v, &plain_);
    UpdateStats(v);  // dictionary pages get theirs from their distinct entries at close
  }
  CommitLevel(true);
  chunk_value_bytes_ += plain_size;
  return MaybeClosePage();
}

uint32_t ByteArrayColumnEncoder::LookupOrInsert(std::string_view v, uint64_t hash, bool insert) {
  if (insert && (entries_.size() + 1) * 2 > slots_.size()) Grow();
  if (slots_.empty()) return kMissing;
  const size_t mask = slots_.size() - 1;
  size_t i = static_cast<size_t>(hash) & mask;
  for (;; i = (i + 1) & mask) {
    const uint32_t s = slots_[i];
    if (s == kMissing) break;
    const Entry& e = entries_[s];
    if (e.hash == hash && EntryBytes(e) == v) return s;
  }
  if (!insert) return kMissing;
  const uint32_t index = static_cast<uint32_t>(entries_.size());
  AppendPlain(v, &dict_plain_);
  entries_.push_back(Entry{hash, static_cast<uint32_t>(dict_plain_.size() - v.size()),
                           static_cast<uint32_t>(v.size())});
  entry_page_.push_back(0);
  slots_[i] = index;
  return index;
}

void ByteArrayColumnEncoder::Place(uint32_t index) {
  const size_t mask = slots_.size() - 1;
  size_t i = static_cast<size_t>(entries_[index].hash) & mask;
  while (slots_[i] != kMissing) i = (i + 1) & mask;
  slots_[i] = index;
}

void ByteArrayColumnEncoder::Grow() {
  slots_.assign(slots_.empty() ? 1024 : slots_.size() * 2, kMissing);
  for (uint32_t i = 0; i < entries_.size(); ++i) Place(i);
}

uint64_t ByteArrayColumnEncoder::PageValueBytes() const {
  return dictionary_active_ ? indices_.size() * sizeof(uint32_t) : plain_.size();
}

int32_t ByteArrayColumnEncoder::TakePageValues(std::string* body) {
  if (!indices_.empty() || (dictionary_active_ && !entries_.empty())) {
    const uint32_t max_index = entries_.empty() ? 0 : entries_.size() - 1;
    const int width = RleHybridEncoder::BitWidthFor(max_index);
    DictionaryPageStats();
    body->push_back(static_cast<char>(width));
    RleHybridEncoder enc(width, body);
    for (uint32_t i : indices_) enc.Put(i);
    enc.Flush();
    indices_.clear();
    return kEncodingRleDictionary;
  }
  body->append(plain_);
  plain_.clear();
  return kEncodingPlain;
}

bool ByteArrayColumnEncoder::Less(std::string_view a, std::string_view b) const {
  if (signed_order_ && !a.empty() && !b.empty() && a[0] != b[0]) {
    // Big-endian two's complement of equal width: the sign lives in the first byte.
    return static_cast<int8_t>(a[0]) < static_cast<int8_t>(b[0]);
  }
  // Unsigned bytewise lexicographic (std::string_view compares as unsigned char).
  return a < b;
}

void ByteArrayColumnEncoder::UpdateStats(std::string_view v) {
  if (page_too_long_) return;
  if (v.size() > kMaxStatsBytes) {
    page_too_long_ = true;
    return;
  }
  if (!page_has_) {
    page_min_.assign(v);
    page_max_.assign(v);
    page_has_ = true;
    return;
  }
  if (Less(v, page_min_)) page_min_.assign(v);
  if (Less(page_max_, v)) page_max_.assign(v);
}

void ByteArrayColumnEncoder::DictionaryPageStats() {
  for (uint32_t i : indices_) {
    if (entry_page_[i] == page_number_) continue;
    entry_page_[i] = page_number_;
    UpdateStats(EntryBytes(entries_[i]));
  }
  ++page_number_;
}

void ByteArrayColumnEncoder::TakePageStats(ParquetStatistics* stats) {
  if (page_too_long_) {
    chunk_too_long_ = true;
  } else if (page_has_) {
    stats->has_min_max = true;
    stats->min = page_min_;
    stats->max = page_max_;
    if (!chunk_has_ || Less(page_min_, chunk_min_)) chunk_min_ = page_min_;
    if (!chunk_has_ || Less(chunk_max_, page_max_)) chunk_max_ = page_max_;
    chunk_has_ = true;
  }
  page_has_ = false;
  page_too_long_ = false;
}

void ByteArrayColumnEncoder::TakeChunkStats(ParquetStatistics* stats) {
  if (chunk_has_ && !chunk_too_long_) {
    stats->has_min_max = true;
    stats->min = chunk_min_;
    stats->max = chunk_max_;
  }
  chunk_has_ = false;
  chunk_too_long_ = false;
}

int32_t ByteArrayColumnEncoder::TakeDictionary(std::string* out) {
  const int32_t n = static_cast<int32_t>(entries_.size());
  out->append(dict_plain_);
  dict_plain_.clear();
  entries_.clear();
  entry_page_.clear();
  dictionary_probe_ = 0;
  std::fill(slots_.begin(), slots_.end(), kMissing);
  dictionary_active_ = dictionary_enabled_;
  return n;
}

}  // namespace binlake

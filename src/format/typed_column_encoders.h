#pragma once

#include <bit>
#include <cmath>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "format/column_encoder.h"
#include "format/parquet_value_converter.h"

namespace binlake {

// The typed halves of ColumnEncoder, one per physical type family. Internal to the Parquet
// writer; see column_encoder.h for the contract.

static_assert(std::endian::native == std::endian::little,
              "PLAIN encoding is written from the in-memory layout");

template <typename T>
void AppendLittleEndian(T v, std::string* out) {
  char b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));  // every supported target is little-endian, as PLAIN is
  out->append(b, sizeof(T));
}

// INT32, INT64, FLOAT, DOUBLE: PLAIN or RLE_DICTIONARY, dictionary keyed by bit pattern (so
// -0.0 and +0.0, and NaN payloads, stay distinct).
template <typename T>
class NumericColumnEncoder final : public ColumnEncoder {
 public:
  NumericColumnEncoder(const ParquetColumnPlan* plan, const ParquetOptions* options,
                       PageCompressor* compressor)
      : ColumnEncoder(plan, options, compressor),
        unsigned_order_(plan->order == StatsOrder::kUnsigned),
        dictionary_enabled_(options->dictionary) {
    dictionary_active_ = dictionary_enabled_;
  }

  Status Stage(const Value& v) override {
    staged_null_ = false;
    if (v.is_null() || v.is_absent()) return StageNull(v);
    bool zero_date_null = false;
    Status s;
    if constexpr (std::is_same_v<T, int32_t>) {
      s = ConvertToInt32(*plan_, options_->zero_date, v, &staged_, &zero_date_null);
    } else if constexpr (std::is_same_v<T, int64_t>) {
      s = ConvertToInt64(*plan_, options_->zero_date, v, &staged_, &zero_date_null);
    } else if constexpr (std::is_same_v<T, float>) {
      s = ConvertToFloat(*plan_, v, &staged_);
    } else {
      s = ConvertToDouble(*plan_, v, &staged_);
    }
    staged_null_ = zero_date_null;
    return s;
  }

  Status Commit() override {
    if (staged_null_) {
      CommitLevel(false);
      return MaybeClosePage();
    }
    const T x = staged_;
    bool give_up = false;
    if (dictionary_active_) {
      const uint32_t index = Lookup(x);
      if (index == kMissing &&
          (dict_values_.size() + 1) * sizeof(T) > options_->dictionary_page_bytes) {
        // The dictionary is full: what is encoded so far keeps it, the rest goes PLAIN.
        if (page_rows() > 0) RETURN_IF_ERROR(ClosePage());
        dictionary_active_ = false;
      } else {
        indices_.push_back(index == kMissing ? Insert(x) : index);
        // Mostly distinct values (keys, instants): a dictionary only costs.
        give_up =
            ++dictionary_probe_ == kDictionaryProbeValues && MostlyDistinct(dict_values_.size());
      }
    }
    if (!dictionary_active_) plain_.push_back(x);
    CommitLevel(true);
    UpdateStats(x);
    chunk_value_bytes_ += sizeof(T);
    if (give_up) {
      // Pages so far keep the dictionary; the rest of the chunk is PLAIN.
      RETURN_IF_ERROR(ClosePage());
      dictionary_active_ = false;
      return Status::OK();
    }
    return MaybeClosePage();
  }

 protected:
  uint64_t PageValueBytes() const override {
    return dictionary_active_ ? indices_.size() * sizeof(uint32_t) : plain_.size() * sizeof(T);
  }
  uint64_t DictionaryBytes() const override { return dict_values_.size() * sizeof(T); }

  int32_t TakePageValues(std::string* body) override {
    if (!indices_.empty() || (dictionary_active_ && !dict_values_.empty())) {
      const uint32_t max_index = dict_values_.empty() ? 0 : dict_values_.size() - 1;
      const int width = RleHybridEncoder::BitWidthFor(max_index);
      body->push_back(static_cast<char>(width));
      RleHybridEncoder enc(width, body);
      for (uint32_t i : indices_) enc.Put(i);
      enc.Flush();
      indices_.clear();
      return kEncodingRleDictionary;
    }
    // PLAIN is the values' little-endian bytes, which is their in-memory layout here.
    body->append(reinterpret_cast<const char*>(plain_.data()), plain_.size() * sizeof(T));
    plain_.clear();
    return kEncodingPlain;
  }

  void TakePageStats(ParquetStatistics* stats) override {
    if (page_has_) {
      Encode(page_min_, page_max_, stats);
      if (!chunk_has_ || Less(page_min_, chunk_min_)) chunk_min_ = page_min_;
      if (!chunk_has_ || Less(chunk_max_, page_max_)) chunk_max_ = page_max_;
      chunk_has_ = true;
    }
    page_has_ = false;
  }

  void TakeChunkStats(ParquetStatistics* stats) override {
    if (chunk_has_) Encode(chunk_min_, chunk_max_, stats);
    chunk_has_ = false;
  }

  int32_t TakeDictionary(std::string* out) override {
    const int32_t n = static_cast<int32_t>(dict_values_.size());
    out->append(reinterpret_cast<const char*>(dict_values_.data()),
                dict_values_.size() * sizeof(T));
    dict_values_.clear();
    std::fill(slots_.begin(), slots_.end(), Slot{0, kMissing});
    dictionary_probe_ = 0;
    dictionary_active_ = dictionary_enabled_;
    return n;
  }

 private:
  static constexpr uint32_t kMissing = 0xFFFFFFFFu;

  static uint64_t Bits(T v) {
    if constexpr (sizeof(T) == 4) {
      uint32_t b;
      std::memcpy(&b, &v, 4);
      return b;
    } else {
      uint64_t b;
      std::memcpy(&b, &v, 8);
      return b;
    }
  }
  static size_t Hash(uint64_t b) { return static_cast<size_t>((b * 0x9E3779B97F4A7C15ull) >> 32); }

  // Open addressing; each slot holds the key's bits beside its index so that a probe touches
  // one cache line, not the slot and then the dictionary.
  struct Slot {
    uint64_t bits;
    uint32_t index;  // kMissing: empty
  };

  uint32_t Lookup(T v) const {
    if (slots_.empty()) return kMissing;
    const uint64_t b = Bits(v);
    const size_t mask = slots_.size() - 1;
    for (size_t i = Hash(b) & mask;; i = (i + 1) & mask) {
      const Slot& s = slots_[i];
      if (s.index == kMissing) return kMissing;
      if (s.bits == b) return s.index;
    }
  }

  uint32_t Insert(T v) {
    if ((dict_values_.size() + 1) * 2 > slots_.size()) Grow();
    const uint32_t index = static_cast<uint32_t>(dict_values_.size());
    dict_values_.push_back(v);
    Place(index);
    return index;
  }
  void Place(uint32_t index) {
    const uint64_t b = Bits(dict_values_[index]);
    const size_t mask = slots_.size() - 1;
    size_t i = Hash(b) & mask;
    while (slots_[i].index != kMissing) i = (i + 1) & mask;
    slots_[i] = Slot{b, index};
  }
  void Grow() {
    slots_.assign(slots_.empty() ? 1024 : slots_.size() * 2, Slot{0, kMissing});
    for (uint32_t i = 0; i < dict_values_.size(); ++i) Place(i);
  }

  bool Less(T a, T b) const {
    if constexpr (std::is_integral_v<T>) {
      if (unsigned_order_) {
        using U = std::make_unsigned_t<T>;
        return static_cast<U>(a) < static_cast<U>(b);
      }
    }
    return a < b;
  }

  void UpdateStats(T x) {
    if constexpr (std::is_floating_point_v<T>) {
      if (std::isnan(x)) return;  // NaN has no place in the order: left out of min/max
    }
    if (!page_has_) {
      page_min_ = page_max_ = x;
      page_has_ = true;
      return;
    }
    if (Less(x, page_min_)) page_min_ = x;
    if (Less(page_max_, x)) page_max_ = x;
  }

  static void Encode(T min, T max, ParquetStatistics* stats) {
    if constexpr (std::is_floating_point_v<T>) {
      // A zero bound is written as -0.0 for min and +0.0 for max, so either zero in the
      // data falls inside [min, max] for readers that compare signed zeros.
      if (min == 0) min = -T(0);
      if (max == 0) max = T(0);
    }
    stats->has_min_max = true;
    stats->min.clear();
    stats->max.clear();
    AppendLittleEndian(min, &stats->min);
    AppendLittleEndian(max, &stats->max);
  }

  const bool unsigned_order_;
  const bool dictionary_enabled_;
  bool dictionary_active_;
  // Values dictionary-encoded in this chunk, up to kDictionaryProbeValues.
  uint64_t dictionary_probe_ = 0;
  T staged_{};
  std::vector<T> plain_;
  std::vector<uint32_t> indices_;
  std::vector<T> dict_values_;
  std::vector<Slot> slots_;
  bool page_has_ = false;
  T page_min_{};
  T page_max_{};
  bool chunk_has_ = false;
  T chunk_min_{};
  T chunk_max_{};
};

// BOOLEAN: PLAIN only (bit-packed, least significant bit first).
class BoolColumnEncoder final : public ColumnEncoder {
 public:
  BoolColumnEncoder(const ParquetColumnPlan* plan, const ParquetOptions* options,
                    PageCompressor* compressor)
      : ColumnEncoder(plan, options, compressor) {}

  Status Stage(const Value& v) override {
    staged_null_ = false;
    if (v.is_null() || v.is_absent()) return StageNull(v);
    return ConvertToBool(*plan_, v, &staged_);
  }

  Status Commit() override {
    if (staged_null_) {
      CommitLevel(false);
      return MaybeClosePage();
    }
    if (bit_count_ % 8 == 0) plain_.push_back('\0');
    if (staged_) plain_.back() = static_cast<char>(plain_.back() | (1 << (bit_count_ % 8)));
    ++bit_count_;
    page_false_ |= !staged_;
    page_true_ |= staged_;
    CommitLevel(true);
    chunk_value_bytes_ += 1;
    return MaybeClosePage();
  }

 protected:
  uint64_t PageValueBytes() const override { return plain_.size(); }
  uint64_t DictionaryBytes() const override { return 0; }
  int32_t TakePageValues(std::string* body) override {
    body->append(plain_);
    plain_.clear();
    bit_count_ = 0;
    return kEncodingPlain;
  }
  void TakePageStats(ParquetStatistics* stats) override {
    if (page_false_ || page_true_) {
      stats->has_min_max = true;
      stats->min.assign(1, page_false_ ? '\0' : '\1');
      stats->max.assign(1, page_true_ ? '\1' : '\0');
    }
    chunk_false_ |= page_false_;
    chunk_true_ |= page_true_;
    page_false_ = page_true_ = false;
  }
  void TakeChunkStats(ParquetStatistics* stats) override {
    if (chunk_false_ || chunk_true_) {
      stats->has_min_max = true;
      stats->min.assign(1, chunk_false_ ? '\0' : '\1');
      stats->max.assign(1, chunk_true_ ? '\1' : '\0');
    }
    chunk_false_ = chunk_true_ = false;
  }
  int32_t TakeDictionary(std::string*) override { return 0; }

 private:
  bool staged_ = false;
  std::string plain_;
  uint64_t bit_count_ = 0;
  bool page_false_ = false;
  bool page_true_ = false;
  bool chunk_false_ = false;
  bool chunk_true_ = false;
};

// BYTE_ARRAY (strings, JSON, binary, TIME text) and FIXED_LEN_BYTE_ARRAY (wide decimals).
class ByteArrayColumnEncoder final : public ColumnEncoder {
 public:
  ByteArrayColumnEncoder(const ParquetColumnPlan* plan, const ParquetOptions* options,
                         PageCompressor* compressor);

  Status Stage(const Value& v) override;
  Status Commit() override;

 protected:
  uint64_t PageValueBytes() const override;
  uint64_t DictionaryBytes() const override { return dict_plain_.size(); }
  int32_t TakePageValues(std::string* body) override;
  void TakePageStats(ParquetStatistics* stats) override;
  void TakeChunkStats(ParquetStatistics* stats) override;
  int32_t TakeDictionary(std::string* out) override;

 private:
  static constexpr uint32_t kMissing = 0xFFFFFFFFu;
  // Min/max are kept only while every value is at most this long; past it the chunk carries
  // no min/max (copying large values on every new bound would cost more than they help).
  static constexpr size_t kMaxStatsBytes = 1024;

  struct Entry {
    uint64_t hash;
    uint32_t offset;  // of the value's bytes in dict_plain_
    uint32_t length;
  };

  std::string_view EntryBytes(const Entry& e) const {
    return std::string_view(dict_plain_).substr(e.offset, e.length);
  }
  uint32_t LookupOrInsert(std::string_view v, uint64_t hash, bool insert);
  void Place(uint32_t index);
  void Grow();
  bool Less(std::string_view a, std::string_view b) const;
  void AppendPlain(std::string_view v, std::string* out) const;
  void UpdateStats(std::string_view v);
  // Folds the distinct dictionary entries used by the open page into the page's min/max.
  void DictionaryPageStats();

  const bool fixed_;
  const bool signed_order_;
  const bool dictionary_enabled_;
  bool dictionary_active_;
  std::string scratch_;
  std::string_view staged_;
  std::string plain_;
  std::vector<uint32_t> indices_;
  std::string dict_plain_;
  std::vector<Entry> entries_;
  std::vector<uint32_t> slots_;
  // Per entry: the last page (by page_number_) whose statistics already include it.
  std::vector<uint32_t> entry_page_;
  uint32_t page_number_ = 1;
  // Values dictionary-encoded in this chunk, up to kDictionaryProbeValues.
  uint64_t dictionary_probe_ = 0;
  bool page_has_ = false;
  bool page_too_long_ = false;
  std::string page_min_;
  std::string page_max_;
  bool chunk_has_ = false;
  bool chunk_too_long_ = false;
  std::string chunk_min_;
  std::string chunk_max_;
};

}  // namespace binlake

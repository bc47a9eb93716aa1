#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/civil_time.h"
#include "common/status.h"
#include "format/parquet_options.h"
#include "format/parquet_schema.h"
#include "model/value.h"

namespace binlake {

// Turns one non-NULL model Value into the physical value of a Parquet column, following the
// column's plan (type mapping in docs/type-mapping.md). Each function checks the value's kind
// and range; a mismatch is kInvalidArgument naming the column. Calendar values that are not
// real dates follow the ZeroDateRule: *is_null is set for kNull (the caller writes a NULL).
//
// Stateless; safe to call from any thread.

// REQUIRES: plan.type == kInt32 (integers, YEAR, DATE, DECIMAL p <= 9).
Status ConvertToInt32(const ParquetColumnPlan& plan, ZeroDateRule rule, const Value& v,
                      int32_t* out, bool* is_null);
// REQUIRES: plan.type == kInt64 (BIGINT, BIT(n>1), DECIMAL p <= 18, DATETIME, TIMESTAMP, TIME).
Status ConvertToInt64(const ParquetColumnPlan& plan, ZeroDateRule rule, const Value& v,
                      int64_t* out, bool* is_null);
Status ConvertToBool(const ParquetColumnPlan& plan, const Value& v, bool* out);
Status ConvertToFloat(const ParquetColumnPlan& plan, const Value& v, float* out);
Status ConvertToDouble(const ParquetColumnPlan& plan, const Value& v, double* out);
// BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY columns. *out points into v or into *scratch, valid
// until the next call with the same scratch.
Status ConvertToBytes(const ParquetColumnPlan& plan, const Value& v, std::string* scratch,
                      std::string_view* out);

// True when month and day name a real day of that year (year 0..9999).
bool IsRealDate(int32_t year, unsigned month, unsigned day);

// Replaces *out with FormatDuration(t, fsp) (the canonical TIME text) without allocating
// once *out has the capacity.
void AppendTimeText(const Duration& t, int fsp, std::string* out);

// "STRING", "DATETIME", ... for error messages.
std::string_view ValueKindName(Value::Kind kind);

}  // namespace binlake

#include "iceberg/manifest.h"

#include "iceberg/avro.h"

namespace binlake {
namespace {

using Type = AvroSchema::Type;
using Field = AvroSchema::Field;

AvroSchemaPtr Int() { return AvroPrimitive(Type::kInt); }
AvroSchemaPtr Long() { return AvroPrimitive(Type::kLong); }
AvroSchemaPtr String() { return AvroPrimitive(Type::kString); }
AvroSchemaPtr Bytes() { return AvroPrimitive(Type::kBytes); }

Field Optional(std::string name, AvroSchemaPtr type, int32_t id) {
  return Field{std::move(name), AvroOptional(std::move(type)), id, true};
}

AvroSchemaPtr DataFileSchema() {
  return AvroRecord(
      "r2", {
                {"content", Int(), 134},
                {"file_path", String(), 100},
                {"file_format", String(), 101},
                {"partition", AvroRecord("r102", {}), 102},
                {"record_count", Long(), 103},
                {"file_size_in_bytes", Long(), 104},
                Optional("column_sizes", AvroIntKeyMap("k117_v118", 117, Long(), 118), 108),
                Optional("value_counts", AvroIntKeyMap("k119_v120", 119, Long(), 120), 109),
                Optional("null_value_counts", AvroIntKeyMap("k121_v122", 121, Long(), 122), 110),
                Optional("lower_bounds", AvroIntKeyMap("k126_v127", 126, Bytes(), 127), 125),
                Optional("upper_bounds", AvroIntKeyMap("k129_v130", 129, Bytes(), 130), 128),
                Optional("split_offsets", AvroArray(Long(), 133), 132),
                Optional("referenced_data_file", String(), 143),
            });
}

AvroSchemaPtr EntrySchema() {
  return AvroRecord("manifest_entry", {
                                          {"status", Int(), 0},
                                          Optional("snapshot_id", Long(), 1),
                                          Optional("sequence_number", Long(), 3),
                                          Optional("file_sequence_number", Long(), 4),
                                          {"data_file", DataFileSchema(), 2},
                                      });
}

AvroSchemaPtr ManifestFileSchema() {
  return AvroRecord("manifest_file", {
                                         {"manifest_path", String(), 500},
                                         {"manifest_length", Long(), 501},
                                         {"partition_spec_id", Int(), 502},
                                         {"content", Int(), 517},
                                         {"sequence_number", Long(), 515},
                                         {"min_sequence_number", Long(), 516},
                                         {"added_snapshot_id", Long(), 503},
                                         {"added_files_count", Int(), 504},
                                         {"existing_files_count", Int(), 505},
                                         {"deleted_files_count", Int(), 506},
                                         {"added_rows_count", Long(), 512},
                                         {"existing_rows_count", Long(), 513},
                                         {"deleted_rows_count", Long(), 514},
                                     });
}

AvroDatum Str(std::string s) { return AvroDatum::Bytes(std::move(s)); }
AvroDatum OptLong(const std::optional<int64_t>& v) {
  return v ? AvroDatum::Long(*v) : AvroDatum::Null();
}

template <typename V, typename Fn>
AvroDatum IntMap(const std::map<int32_t, V>& m, Fn value) {
  if (m.empty()) return AvroDatum::Null();
  std::vector<AvroDatum> items;
  for (const auto& [k, v] : m) items.push_back(AvroDatum::List({AvroDatum::Long(k), value(v)}));
  return AvroDatum::List(std::move(items));
}

AvroDatum DataFileDatum(const DataFile& f) {
  auto long_value = [](int64_t v) { return AvroDatum::Long(v); };
  auto bytes_value = [](const std::string& v) { return AvroDatum::Bytes(v); };
  std::vector<AvroDatum> offsets;
  for (int64_t o : f.split_offsets) offsets.push_back(AvroDatum::Long(o));
  return AvroDatum::List({
      AvroDatum::Long(static_cast<int64_t>(f.content)),
      Str(f.path),
      Str(f.format),
      AvroDatum::List({}),
      AvroDatum::Long(f.record_count),
      AvroDatum::Long(f.file_size),
      IntMap(f.column_sizes, long_value),
      IntMap(f.value_counts, long_value),
      IntMap(f.null_value_counts, long_value),
      IntMap(f.lower_bounds, bytes_value),
      IntMap(f.upper_bounds, bytes_value),
      offsets.empty() ? AvroDatum::Null() : AvroDatum::List(std::move(offsets)),
      f.referenced_data_file ? Str(*f.referenced_data_file) : AvroDatum::Null(),
  });
}

// Reads fields of a record datum by name, whatever the writer's field order.
class RecordView {
 public:
  RecordView(const AvroSchema& schema, const AvroDatum& datum, std::string_view origin)
      : schema_(schema), datum_(datum), origin_(origin) {}

  const AvroDatum* Find(std::string_view name) const {
    int i = schema_.FieldIndex(name);
    if (i < 0 || static_cast<size_t>(i) >= datum_.items.size()) return nullptr;
    const AvroDatum* d = &datum_.items[static_cast<size_t>(i)];
    return d->is_null() ? nullptr : d;
  }
  const AvroSchema* SchemaOf(std::string_view name) const {
    int i = schema_.FieldIndex(name);
    if (i < 0) return nullptr;
    const AvroSchema* s = schema_.fields[static_cast<size_t>(i)].type.get();
    if (s->type == Type::kUnion) {
      for (const auto& b : s->branches) {
        if (b->type != Type::kNull) return b.get();
      }
    }
    return s;
  }
  Result<int64_t> Long(std::string_view name) const {
    const AvroDatum* d = Find(name);
    if (!d || d->kind != AvroDatum::Kind::kLong) {
      return CorruptionError("{}: required field '{}' is missing", origin_, name);
    }
    return d->l;
  }
  std::optional<int64_t> OptionalLong(std::string_view name) const {
    const AvroDatum* d = Find(name);
    if (!d || d->kind != AvroDatum::Kind::kLong) return std::nullopt;
    return d->l;
  }
  Result<std::string> String(std::string_view name) const {
    const AvroDatum* d = Find(name);
    if (!d || d->kind != AvroDatum::Kind::kBytes) {
      return CorruptionError("{}: required field '{}' is missing", origin_, name);
    }
    return d->s;
  }

 private:
  const AvroSchema& schema_;
  const AvroDatum& datum_;
  std::string_view origin_;
};

template <typename V>
void ReadIntMap(const AvroDatum* d, std::map<int32_t, V>* out) {
  if (!d) return;
  for (const auto& kv : d->items) {
    if (kv.items.size() != 2) continue;
    const AvroDatum& k = kv.items[0];
    const AvroDatum& v = kv.items[1];
    if constexpr (std::is_same_v<V, int64_t>) {
      (*out)[static_cast<int32_t>(k.l)] = v.l;
    } else {
      (*out)[static_cast<int32_t>(k.l)] = v.s;
    }
  }
}

Result<DataFile> ReadDataFile(const AvroSchema& schema, const AvroDatum& d,
                              std::string_view origin) {
  RecordView r(schema, d, origin);
  DataFile f;
  f.content = static_cast<FileContent>(r.OptionalLong("content").value_or(0));
  ASSIGN_OR_RETURN(f.path, r.String("file_path"));
  ASSIGN_OR_RETURN(f.format, r.String("file_format"));
  ASSIGN_OR_RETURN(f.record_count, r.Long("record_count"));
  ASSIGN_OR_RETURN(f.file_size, r.Long("file_size_in_bytes"));
  ReadIntMap(r.Find("column_sizes"), &f.column_sizes);
  ReadIntMap(r.Find("value_counts"), &f.value_counts);
  ReadIntMap(r.Find("null_value_counts"), &f.null_value_counts);
  ReadIntMap(r.Find("lower_bounds"), &f.lower_bounds);
  ReadIntMap(r.Find("upper_bounds"), &f.upper_bounds);
  if (const AvroDatum* o = r.Find("split_offsets")) {
    for (const auto& x : o->items) f.split_offsets.push_back(x.l);
  }
  if (const AvroDatum* e = r.Find("equality_ids")) {
    for (const auto& x : e->items) f.equality_ids.push_back(static_cast<int32_t>(x.l));
  }
  if (const AvroDatum* ref = r.Find("referenced_data_file")) f.referenced_data_file = ref->s;
  if (const AvroDatum* p = r.Find("partition")) f.partitioned = !p->items.empty();
  return f;
}

}  // namespace

Result<std::string> WriteManifest(const std::vector<ManifestEntry>& entries, bool deletes,
                                  const std::string& schema_json, int32_t schema_id) {
  AvroFileWriter w(EntrySchema(), {
                                      {"schema", schema_json},
                                      {"schema-id", std::to_string(schema_id)},
                                      {"partition-spec", "[]"},
                                      {"partition-spec-id", "0"},
                                      {"format-version", "2"},
                                      {"content", deletes ? "deletes" : "data"},
                                  });
  for (const ManifestEntry& e : entries) {
    RETURN_IF_ERROR(w.Append(AvroDatum::List({
        AvroDatum::Long(static_cast<int64_t>(e.status)),
        OptLong(e.snapshot_id),
        OptLong(e.sequence_number),
        OptLong(e.file_sequence_number),
        DataFileDatum(e.file),
    })));
  }
  return w.Finish();
}

Result<std::vector<ManifestEntry>> ReadManifest(std::string_view bytes,
                                                const ManifestFile& manifest) {
  ASSIGN_OR_RETURN(AvroFile file, ReadAvroFile(bytes, manifest.path));
  const AvroSchema& schema = *file.schema;
  int data_index = schema.FieldIndex("data_file");
  if (schema.type != Type::kRecord || data_index < 0) {
    return CorruptionError("{}: not an Iceberg manifest (no data_file field)", manifest.path);
  }
  const AvroSchema& data_schema = *schema.fields[static_cast<size_t>(data_index)].type;
  std::vector<ManifestEntry> out;
  for (const AvroDatum& d : file.records) {
    RecordView r(schema, d, manifest.path);
    ManifestEntry e;
    ASSIGN_OR_RETURN(int64_t status, r.Long("status"));
    e.status = static_cast<EntryStatus>(status);
    e.snapshot_id = r.OptionalLong("snapshot_id");
    e.sequence_number = r.OptionalLong("sequence_number");
    e.file_sequence_number = r.OptionalLong("file_sequence_number");
    // Inheritance (spec "Sequence Number Inheritance"): null means the manifest's values,
    // which only ADDED entries may rely on.
    if (!e.snapshot_id) e.snapshot_id = manifest.added_snapshot_id;
    if (!e.sequence_number || !e.file_sequence_number) {
      if (e.status != EntryStatus::kAdded) {
        return CorruptionError("{}: an entry that is not ADDED has no sequence number",
                               manifest.path);
      }
      if (!e.sequence_number) e.sequence_number = manifest.sequence_number;
      if (!e.file_sequence_number) e.file_sequence_number = manifest.sequence_number;
    }
    ASSIGN_OR_RETURN(
        e.file, ReadDataFile(data_schema, d.items[static_cast<size_t>(data_index)], manifest.path));
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::string> WriteManifestList(const std::vector<ManifestFile>& manifests,
                                      int64_t snapshot_id, std::optional<int64_t> parent_id,
                                      int64_t sequence_number) {
  std::map<std::string, std::string> meta = {
      {"snapshot-id", std::to_string(snapshot_id)},
      {"sequence-number", std::to_string(sequence_number)},
      {"format-version", "2"},
  };
  meta["parent-snapshot-id"] = parent_id ? std::to_string(*parent_id) : "null";
  AvroFileWriter w(ManifestFileSchema(), std::move(meta));
  for (const ManifestFile& m : manifests) {
    RETURN_IF_ERROR(w.Append(AvroDatum::List({
        Str(m.path),
        AvroDatum::Long(m.length),
        AvroDatum::Long(m.spec_id),
        AvroDatum::Long(m.content),
        AvroDatum::Long(m.sequence_number),
        AvroDatum::Long(m.min_sequence_number),
        AvroDatum::Long(m.added_snapshot_id),
        AvroDatum::Long(m.added_files),
        AvroDatum::Long(m.existing_files),
        AvroDatum::Long(m.deleted_files),
        AvroDatum::Long(m.added_rows),
        AvroDatum::Long(m.existing_rows),
        AvroDatum::Long(m.deleted_rows),
    })));
  }
  return w.Finish();
}

Result<std::vector<ManifestFile>> ReadManifestList(std::string_view bytes,
                                                   std::string_view origin) {
  ASSIGN_OR_RETURN(AvroFile file, ReadAvroFile(bytes, origin));
  std::vector<ManifestFile> out;
  for (const AvroDatum& d : file.records) {
    RecordView r(*file.schema, d, origin);
    ManifestFile m;
    ASSIGN_OR_RETURN(m.path, r.String("manifest_path"));
    ASSIGN_OR_RETURN(m.length, r.Long("manifest_length"));
    m.spec_id = static_cast<int32_t>(r.OptionalLong("partition_spec_id").value_or(0));
    m.content = static_cast<int32_t>(r.OptionalLong("content").value_or(0));
    m.sequence_number = r.OptionalLong("sequence_number").value_or(0);
    m.min_sequence_number = r.OptionalLong("min_sequence_number").value_or(0);
    m.added_snapshot_id = r.OptionalLong("added_snapshot_id").value_or(0);
    m.added_files = static_cast<int32_t>(r.OptionalLong("added_files_count").value_or(0));
    m.existing_files = static_cast<int32_t>(r.OptionalLong("existing_files_count").value_or(0));
    m.deleted_files = static_cast<int32_t>(r.OptionalLong("deleted_files_count").value_or(0));
    m.added_rows = r.OptionalLong("added_rows_count").value_or(0);
    m.existing_rows = r.OptionalLong("existing_rows_count").value_or(0);
    m.deleted_rows = r.OptionalLong("deleted_rows_count").value_or(0);
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace binlake

#pragma once

namespace binlake {

// Hands the heap's free memory back to the kernel (glibc keeps freed blocks in its arenas,
// one per thread that allocated, which a process's resident memory otherwise keeps counting).
// Called after a large batch of memory is freed: an Iceberg commit round, a full-load file.
// Costs a few milliseconds; a no-op with other C libraries.
void ReleaseFreeMemory();

}  // namespace binlake

# Live integration tests of column decoding against the rig MariaDB (included by
# CMakeLists.txt when present).
binlake_integration_test(values_live_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/values_live_test.cc
  DEPS binlake_binlog OpenSSL::Crypto
  FIXTURES mariadb)

# start.timestamp against a private rig MariaDB (it purges binlog files).
binlake_integration_test(timestamp_start_live_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/timestamp_start_live_test.cc
  DEPS binlake_binlog)

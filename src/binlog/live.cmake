# Live integration tests of column decoding against the rig MariaDB (included by
# CMakeLists.txt when present).
binlake_integration_test(values_live_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/values_live_test.cc
  DEPS binlake_binlog OpenSSL::Crypto
  FIXTURES mariadb)

#pragma once

#include <string>
#include <vector>

namespace binlake::cli {

// Every command takes the arguments after its command words and returns the process exit
// code: 0 success, 1 failure (message already printed), 2 usage error.
using CommandFn = int (*)(const std::vector<std::string>& args);

struct Command {
  const char* words;    // "binlog dump"
  const char* summary;  // one line for `binlake help`
  CommandFn fn;
};

// The command table, defined in main.cc.
const std::vector<Command>& AllCommands();

int PrintVersion(const std::vector<std::string>& args);
int RunCommand(const std::vector<std::string>& args);
int StatusCommand(const std::vector<std::string>& args);    // status_command.cc
int BinlogDump(const std::vector<std::string>& args);       // binlog_dump_command.cc
int CheckCommand(const std::vector<std::string>& args);     // check_command.cc
int ValidateCommand(const std::vector<std::string>& args);  // validate_command.cc

}  // namespace binlake::cli

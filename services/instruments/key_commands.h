// Admin CLI commands for the key hierarchy (see README "Key management"). Each returns a process
// exit code, writes results as JSON to stdout and progress and problems to stderr.
//   kek-add --key_file=F                       append a new random KEK version to the key file
//   kek-activate --version=N                   wrap new and rewrapped DEKs under KEK N
//   rewrap-deks                                rewrap every DEK under the active KEK
//   kek-retire --version=N                     refuse KEKs below N (after rewrap-deks)
//   rotate-dek --application=AP                new active DEK, then reencrypt
//   reencrypt --application=AP [--batch_size]  move rows off older DEKs, retire unused DEKs
// Commands that touch the database take --database_url; those that unwrap take --key_file.
#ifndef PI_SERVICES_INSTRUMENTS_KEY_COMMANDS_H_
#define PI_SERVICES_INSTRUMENTS_KEY_COMMANDS_H_

#include <string>
#include <vector>

namespace pi::instruments {

// Runs key command `command`; returns -1 when `command` is not a key command.
int RunKeyCommand(const std::string& command, const std::vector<std::string>& args, char** env);

}  // namespace pi::instruments

#endif  // PI_SERVICES_INSTRUMENTS_KEY_COMMANDS_H_

// Runs one of the project's binaries as a child process for end-to-end tests: stdout and stderr
// go to a log file, the environment is exactly the one given (plus PATH). The destructor kills a
// child still running. Not thread-safe.
#ifndef PI_TESTS_SUPPORT_CHILD_PROCESS_H_
#define PI_TESTS_SUPPORT_CHILD_PROCESS_H_

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace pi::testing {

class ChildProcess {
 public:
  static absl::StatusOr<ChildProcess> Start(const std::string& binary,
                                            const std::vector<std::string>& args,
                                            const std::map<std::string, std::string>& env,
                                            const std::string& log_path);
  ChildProcess(ChildProcess&& other) noexcept : pid_(other.pid_) { other.pid_ = -1; }
  ChildProcess& operator=(ChildProcess&&) = delete;
  ~ChildProcess();

  // Sends `signal` and waits up to `timeout` for the exit. Returns the exit code, or
  // DEADLINE_EXCEEDED (the child is then killed), or INTERNAL if it died from a signal.
  absl::StatusOr<int> Stop(int signal, absl::Duration timeout);
  bool running() const { return pid_ > 0; }
  // True once the child has exited (it is then reaped and running() turns false); never blocks.
  bool Exited();
  pid_t pid() const { return pid_; }

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_;
};

// Runs `binary` to completion and returns its exit code; its stdout goes to `*out`.
absl::StatusOr<int> RunToCompletion(const std::string& binary, const std::vector<std::string>& args,
                                    const std::map<std::string, std::string>& env, std::string* out);

// Waits up to `timeout` for `path` to hold a port number, and returns it.
absl::StatusOr<int> WaitForPortFile(const std::string& path, absl::Duration timeout);

// The whole content of `path` ("" when unreadable).
std::string ReadFile(const std::string& path);

}  // namespace pi::testing

#endif  // PI_TESTS_SUPPORT_CHILD_PROCESS_H_

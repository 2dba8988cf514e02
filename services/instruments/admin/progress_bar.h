// A progress bar on stderr for long admin commands: redrawn in place on a terminal, one line per
// tenth of the work otherwise (logs, CI). Not thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_ADMIN_PROGRESS_BAR_H_
#define PI_SERVICES_INSTRUMENTS_ADMIN_PROGRESS_BAR_H_

#include <cstdint>
#include <string>

namespace pi::instruments::admin {

class ProgressBar {
 public:
  explicit ProgressBar(std::string label);
  void Update(int64_t done, int64_t total);
  // Ends the bar's line.
  void Finish();

 private:
  std::string label_;
  bool terminal_;
  int last_tenth_ = -1;
  bool drawn_ = false;
};

}  // namespace pi::instruments::admin

#endif  // PI_SERVICES_INSTRUMENTS_ADMIN_PROGRESS_BAR_H_

#include "services/instruments/admin/progress_bar.h"

#include <unistd.h>

#include <cstdio>

namespace pi::instruments::admin {

ProgressBar::ProgressBar(std::string label)
    : label_(std::move(label)), terminal_(isatty(STDERR_FILENO) == 1) {}

void ProgressBar::Update(int64_t done, int64_t total) {
  constexpr int kWidth = 30;
  double fraction = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
  int filled = static_cast<int>(fraction * kWidth);
  int tenth = static_cast<int>(fraction * 10);
  if (!terminal_ && tenth == last_tenth_) return;
  last_tenth_ = tenth;
  std::string bar(static_cast<size_t>(filled), '#');
  bar.resize(kWidth, '.');
  std::fprintf(stderr, "%s%s [%s] %3d%% %lld/%lld%s", terminal_ ? "\r" : "", label_.c_str(),
               bar.c_str(), static_cast<int>(fraction * 100), static_cast<long long>(done),
               static_cast<long long>(total), terminal_ ? "" : "\n");
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressBar::Finish() {
  if (terminal_ && drawn_) std::fputc('\n', stderr);
}

}  // namespace pi::instruments::admin

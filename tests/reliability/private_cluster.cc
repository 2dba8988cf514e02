#include "tests/reliability/private_cluster.h"

#include <filesystem>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "tests/support/child_process.h"

namespace pi::reliability {
namespace {

constexpr char kScript[] = PI_SOURCE_DIR "/scripts/pg-cluster.sh";

absl::StatusOr<std::string> RunScript(const std::vector<std::string>& args) {
  // The script needs the sbin directories too (runuser, as root).
  std::vector<std::string> command = {
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", kScript};
  command.insert(command.end(), args.begin(), args.end());
  std::string out;
  absl::StatusOr<int> code = testing::RunToCompletion("/usr/bin/env", command, {}, &out);
  if (!code.ok()) return code.status();
  if (*code != 0) {
    return absl::InternalError(absl::StrCat("pg-cluster.sh ", args[0], " exited ", *code));
  }
  return std::string(absl::StripAsciiWhitespace(out));
}

}  // namespace

absl::StatusOr<std::unique_ptr<PrivateCluster>> PrivateCluster::Start(const std::string& dir,
                                                                      bool durable) {
  auto cluster = std::unique_ptr<PrivateCluster>(new PrivateCluster);
  std::filesystem::create_directories(dir);
  cluster->dir_ = std::filesystem::canonical(dir).string();
  std::vector<std::string> args = {"start", "--throwaway"};
  if (durable) args.push_back("--durable");
  args.push_back(cluster->dir_);
  absl::StatusOr<std::string> url = RunScript(args);
  if (!url.ok()) return url.status();
  cluster->url_ = *url;
  cluster->running_ = true;
  std::string out;
  absl::StatusOr<int> migrated = testing::RunToCompletion(
      PI_SERVER_BINARY, {"migrate", "--database_url=" + cluster->url_}, {}, &out);
  if (!migrated.ok() || *migrated != 0) return absl::InternalError("pi-server migrate failed");
  return cluster;
}

PrivateCluster::~PrivateCluster() { Stop(); }

absl::Status PrivateCluster::Crash() {
  absl::StatusOr<std::string> done = RunScript({"crash", dir_});
  if (done.ok()) running_ = false;
  return done.status();
}

absl::Status PrivateCluster::Restart() {
  absl::StatusOr<std::string> url = RunScript({"start", dir_});
  if (!url.ok()) return url.status();
  if (*url != url_) return absl::InternalError(absl::StrCat("restarted at ", *url));
  running_ = true;
  return absl::OkStatus();
}

void PrivateCluster::Stop() {
  if (dir_.empty()) return;
  (void)RunScript({"stop", dir_});
  dir_.clear();
  running_ = false;
}

}  // namespace pi::reliability

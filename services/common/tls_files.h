// TLS material named by configuration: a certificate chain and its private key (PEM), and an
// optional CA bundle that peers must chain to. Both pi-server (gRPC listener, mTLS) and
// pi-gateway (HTTPS listener, TLS client of pi-server) read their settings through this.
#ifndef PI_SERVICES_COMMON_TLS_FILES_H_
#define PI_SERVICES_COMMON_TLS_FILES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/common/secret.h"
#include "services/common/settings.h"

namespace pi::common {

struct TlsFiles {
  std::string cert_file;  // PEM certificate chain
  std::string key_file;   // PEM private key
  std::string ca_file;    // PEM CA bundle that peers must chain to; "" for none

  bool enabled() const { return !cert_file.empty(); }

  // Reads settings `<prefix>cert_file`, `<prefix>key_file` and `<prefix>ca_file`. Appends to
  // `problems` when only one of cert and key is set, or a CA is set without them and
  // `ca_needs_cert` (a server cannot verify clients without its own certificate).
  static TlsFiles FromSettings(const Settings& settings, const std::string& prefix,
                               bool ca_needs_cert, std::vector<std::string>& problems);
  // The setting names FromSettings reads, for Settings::Parse's allow list.
  static std::vector<std::string> SettingNames(const std::string& prefix);
};

// The contents of the PEM files (the key as a Secret). NOT_FOUND naming the file that cannot be
// read.
struct TlsMaterial {
  std::string cert_chain;
  Secret private_key;
  std::string ca_bundle;
};
absl::StatusOr<TlsMaterial> LoadTlsFiles(const TlsFiles& files);

}  // namespace pi::common

#endif  // PI_SERVICES_COMMON_TLS_FILES_H_

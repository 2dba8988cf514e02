#include "services/common/tls_files.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace pi::common {
namespace {

absl::StatusOr<std::string> ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

}  // namespace

TlsFiles TlsFiles::FromSettings(const Settings& settings, const std::string& prefix,
                                bool ca_needs_cert, std::vector<std::string>& problems) {
  TlsFiles files{settings.Get(prefix + "cert_file"), settings.Get(prefix + "key_file"),
                 settings.Get(prefix + "ca_file")};
  if (files.cert_file.empty() != files.key_file.empty()) {
    problems.push_back(absl::StrCat(prefix, "cert_file and ", prefix,
                                    "key_file: set both or neither"));
  }
  if (ca_needs_cert && !files.ca_file.empty() && files.cert_file.empty()) {
    problems.push_back(absl::StrCat(prefix, "ca_file: needs ", prefix, "cert_file and ", prefix,
                                    "key_file"));
  }
  return files;
}

std::vector<std::string> TlsFiles::SettingNames(const std::string& prefix) {
  return {prefix + "cert_file", prefix + "key_file", prefix + "ca_file"};
}

absl::StatusOr<TlsMaterial> LoadTlsFiles(const TlsFiles& files) {
  TlsMaterial material;
  if (!files.cert_file.empty()) {
    absl::StatusOr<std::string> cert = ReadWhole(files.cert_file);
    if (!cert.ok()) return cert.status();
    material.cert_chain = *std::move(cert);
    absl::StatusOr<std::string> key = ReadWhole(files.key_file);
    if (!key.ok()) return key.status();
    material.private_key = Secret(*std::move(key));
  }
  if (!files.ca_file.empty()) {
    absl::StatusOr<std::string> ca = ReadWhole(files.ca_file);
    if (!ca.ok()) return ca.status();
    material.ca_bundle = *std::move(ca);
  }
  return material;
}

}  // namespace pi::common

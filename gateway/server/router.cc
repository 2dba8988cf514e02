#include "gateway/server/router.h"

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"

namespace pi::gateway::server {
namespace {

std::vector<std::string> Segments(absl::string_view path) {
  return absl::StrSplit(path, '/', absl::SkipEmpty());
}

bool IsParameter(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// Matches and, on success, fills `params`.
bool Matches(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
             std::map<std::string, std::string>& params) {
  if (pattern.size() != path.size()) return false;
  std::map<std::string, std::string> found;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (IsParameter(pattern[i])) {
      found[pattern[i].substr(1, pattern[i].size() - 2)] = path[i];
    } else if (pattern[i] != path[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

}  // namespace

Response PlainError(const HttpError& error, const Exchange& exchange) {
  Response response(error.status, exchange.request.version());
  response.set(http::field::content_type, "text/plain");
  response.body() = error.message;
  response.prepare_payload();
  return response;
}

void Router::Mount(std::string prefix, ErrorRenderer renderer) {
  mounts_.push_back({std::move(prefix), std::move(renderer),
                     std::make_unique<const RouteName>(RouteName{dialect_, "unmatched"})});
}

void Router::Add(http::verb method, std::string pattern, Handler handler) {
  std::vector<std::string> segments = Segments(pattern);
  routes_.push_back({method, std::move(segments), std::move(handler),
                     std::make_unique<const RouteName>(RouteName{dialect_, std::move(pattern)})});
}

bool Router::Wrap(http::verb method, absl::string_view pattern,
                  const std::function<Handler(Handler)>& decorate) {
  std::vector<std::string> segments = Segments(pattern);
  for (Route& route : routes_) {
    if (route.method == method && route.segments == segments) {
      route.handler = decorate(std::move(route.handler));
      return true;
    }
  }
  return false;
}

const Router::MountPoint* Router::MountFor(absl::string_view path) const {
  const MountPoint* best = nullptr;
  for (const MountPoint& m : mounts_) {
    bool covers = m.prefix == "/" || path == m.prefix ||
                  absl::StartsWith(path, m.prefix + "/");
    if (covers && (best == nullptr || m.prefix.size() > best->prefix.size())) best = &m;
  }
  return best;
}

const ErrorRenderer& Router::RendererFor(absl::string_view path) const {
  static const ErrorRenderer kPlain = PlainError;
  const MountPoint* mount = MountFor(path);
  return mount ? mount->renderer : kPlain;
}

const RouteName& Router::UnmatchedFor(absl::string_view path) const {
  static const RouteName kNone = {"", "unmatched"};
  const MountPoint* mount = MountFor(path);
  return mount ? *mount->unmatched : kNone;
}

void Router::Dispatch(Exchange& exchange, const Responder& respond) const {
  std::vector<std::string> path = Segments(exchange.path);
  bool path_known = false;
  for (const Route& route : routes_) {
    std::map<std::string, std::string> params;
    if (!Matches(route.segments, path, params)) continue;
    path_known = true;
    if (route.method != exchange.request.method()) continue;
    exchange.params = std::move(params);
    exchange.route = route.name.get();
    route.handler(exchange, respond);
    return;
  }
  exchange.route = &UnmatchedFor(exchange.path);
  HttpError error = path_known
                        ? HttpError{http::status::method_not_allowed,
                                    "the method is not allowed on this resource"}
                        : HttpError{http::status::not_found, "no such resource"};
  respond(RendererFor(exchange.path)(error, exchange));
}

}  // namespace pi::gateway::server

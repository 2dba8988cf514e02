#include "gateway/server/router.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pi::gateway::server {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::SizeIs;

constexpr char kRendererHeader[] = "X-Renderer";

// An exchange as the server hands it to the router: `path` and `query` already split.
Exchange MakeExchange(http::verb method, std::string path, std::string query = "") {
  Exchange exchange;
  exchange.request.method(method);
  exchange.request.version(11);
  exchange.request.target(query.empty() ? path : path + "?" + query);
  exchange.request_id = "req-1";
  exchange.path = std::move(path);
  exchange.query = std::move(query);
  return exchange;
}

// A renderer that names itself in a header and echoes the error's message in the body.
ErrorRenderer TaggedRenderer(std::string tag) {
  return [tag](const HttpError& error, const Exchange& exchange) {
    Response response(error.status, exchange.request.version());
    response.set(kRendererHeader, tag);
    response.body() = error.message;
    response.prepare_payload();
    return response;
  };
}

std::string RendererOf(const Response& response) {
  auto it = response.find(kRendererHeader);
  return it == response.end() ? "" : std::string(it->value());
}

// Answers `status` with `body`.
Handler Answer(http::status status, std::string body) {
  return [status, body](const Exchange& exchange, Responder respond) {
    Response response(status, exchange.request.version());
    response.body() = body;
    response.prepare_payload();
    respond(std::move(response));
  };
}

// Collects every response the router sends.
struct Recorder {
  std::vector<Response> responses;
  Responder responder() {
    return [this](Response response) { responses.push_back(std::move(response)); };
  }
};

// Records what a handler saw.
struct Seen {
  int calls = 0;
  std::string path;
  std::string query;
  std::string request_id;
  std::map<std::string, std::string> params;
};

Handler Spy(Seen& seen, std::string body) {
  return [&seen, body](const Exchange& exchange, Responder respond) {
    ++seen.calls;
    seen.path = exchange.path;
    seen.query = exchange.query;
    seen.request_id = exchange.request_id;
    seen.params = exchange.params;
    Response response(http::status::ok, exchange.request.version());
    response.body() = body;
    respond(std::move(response));
  };
}

// Two dialects: a root mount and an Ahrvo-style mount under /payments/na.
class RouterTest : public ::testing::Test {
 protected:
  RouterTest() {
    router_.Mount("/", TaggedRenderer("root"));
    router_.Mount("/payments/na", TaggedRenderer("ahrvo"));
    router_.Add(http::verb::get, "/health", Answer(http::status::ok, "healthy"));
    router_.Add(http::verb::post, "/payments/na/payment_instruments",
                Answer(http::status::created, "created"));
    router_.Add(http::verb::get, "/payments/na/payment_instruments/{id}",
                Answer(http::status::ok, "got"));
  }

  Response Dispatch(http::verb method, std::string path, std::string query = "") {
    Exchange exchange = MakeExchange(method, std::move(path), std::move(query));
    Recorder recorder;
    router_.Dispatch(exchange, recorder.responder());
    EXPECT_THAT(recorder.responses, SizeIs(1));
    return recorder.responses.empty() ? Response() : std::move(recorder.responses.front());
  }

  Router router_;
};

TEST_F(RouterTest, LiteralRouteCallsItsHandler) {
  Response response = Dispatch(http::verb::get, "/health");

  EXPECT_EQ(response.result(), http::status::ok);
  EXPECT_EQ(response.body(), "healthy");
  EXPECT_EQ(RendererOf(response), "");
}

TEST_F(RouterTest, MethodSelectsTheRouteAmongSamePathRoutes) {
  router_.Add(http::verb::get, "/payments/na/payment_instruments",
              Answer(http::status::ok, "listed"));

  EXPECT_EQ(Dispatch(http::verb::post, "/payments/na/payment_instruments").body(), "created");
  EXPECT_EQ(Dispatch(http::verb::get, "/payments/na/payment_instruments").body(), "listed");
}

TEST_F(RouterTest, ParameterRouteExtractsTheParameter) {
  Router router;
  Seen seen;
  router.Add(http::verb::get, "/payment_instruments/{id}", Spy(seen, "got"));
  Exchange exchange = MakeExchange(http::verb::get, "/payment_instruments/PIabc123");
  Recorder recorder;

  router.Dispatch(exchange, recorder.responder());

  EXPECT_EQ(seen.calls, 1);
  EXPECT_THAT(seen.params, ElementsAre(Pair("id", "PIabc123")));
  EXPECT_THAT(exchange.params, ElementsAre(Pair("id", "PIabc123")));
  ASSERT_THAT(recorder.responses, SizeIs(1));
  EXPECT_EQ(recorder.responses[0].body(), "got");
}

TEST_F(RouterTest, SeveralParametersAreExtracted) {
  Router router;
  Seen seen;
  router.Add(http::verb::delete_, "/v0.1/customers/{customer_id}/payment-instruments/{token}",
             Spy(seen, "deleted"));
  Exchange exchange =
      MakeExchange(http::verb::delete_, "/v0.1/customers/CUST-7/payment-instruments/TOK9");
  Recorder recorder;

  router.Dispatch(exchange, recorder.responder());

  EXPECT_EQ(seen.calls, 1);
  EXPECT_THAT(seen.params, ElementsAre(Pair("customer_id", "CUST-7"), Pair("token", "TOK9")));
}

TEST_F(RouterTest, ParamsComeOnlyFromTheRouteThatMatched) {
  Router router;
  Seen seen;
  router.Add(http::verb::get, "/a/{first}/b", Answer(http::status::ok, "b"));
  router.Add(http::verb::get, "/a/{second}/c", Spy(seen, "c"));
  Exchange exchange = MakeExchange(http::verb::get, "/a/1/c");
  Recorder recorder;

  router.Dispatch(exchange, recorder.responder());

  EXPECT_EQ(seen.calls, 1);
  EXPECT_THAT(seen.params, ElementsAre(Pair("second", "1")));
}

TEST_F(RouterTest, LiteralRouteHasNoParams) {
  Router router;
  Seen seen;
  router.Add(http::verb::get, "/payment_instruments", Spy(seen, "listed"));
  Exchange exchange = MakeExchange(http::verb::get, "/payment_instruments");
  Recorder recorder;

  router.Dispatch(exchange, recorder.responder());

  EXPECT_EQ(seen.calls, 1);
  EXPECT_THAT(seen.params, IsEmpty());
}

TEST_F(RouterTest, QueryStringIsNotPartOfMatching) {
  Router router;
  Seen seen;
  router.Add(http::verb::get, "/payment_instruments/{id}", Spy(seen, "got"));
  Exchange exchange =
      MakeExchange(http::verb::get, "/payment_instruments/PI1", "expand=card&limit=2");
  Recorder recorder;

  router.Dispatch(exchange, recorder.responder());

  EXPECT_EQ(seen.calls, 1);
  EXPECT_THAT(seen.params, ElementsAre(Pair("id", "PI1")));
  EXPECT_EQ(seen.path, "/payment_instruments/PI1");
  EXPECT_EQ(seen.query, "expand=card&limit=2");
}

TEST_F(RouterTest, HandlerGetsTheExchangeAndRespondsThroughTheResponder) {
  Router router;
  std::string seen_body;
  std::string seen_request_id;
  router.Add(http::verb::post, "/payment_instruments",
             [&](const Exchange& exchange, Responder respond) {
               seen_body = exchange.request.body();
               seen_request_id = exchange.request_id;
               Response response(http::status::created, exchange.request.version());
               response.set(http::field::content_type, "application/json");
               response.body() = R"({"id":"PI1"})";
               respond(std::move(response));
             });
  Exchange exchange = MakeExchange(http::verb::post, "/payment_instruments");
  exchange.request.body() = R"({"type":"PAYMENT_CARD"})";
  exchange.request_id = "req-42";
  Recorder recorder;

  router.Dispatch(exchange, recorder.responder());

  EXPECT_EQ(seen_body, R"({"type":"PAYMENT_CARD"})");
  EXPECT_EQ(seen_request_id, "req-42");
  ASSERT_THAT(recorder.responses, SizeIs(1));
  EXPECT_EQ(recorder.responses[0].result(), http::status::created);
  EXPECT_EQ(recorder.responses[0][http::field::content_type], "application/json");
  EXPECT_EQ(recorder.responses[0].body(), R"({"id":"PI1"})");
}

TEST_F(RouterTest, UnknownPathIs404FromTheRootMount) {
  Response response = Dispatch(http::verb::get, "/nope");

  EXPECT_EQ(response.result(), http::status::not_found);
  EXPECT_EQ(RendererOf(response), "root");
  EXPECT_EQ(response.body(), "no such resource");
}

TEST_F(RouterTest, UnknownPathUnderAPrefixIs404FromThatMount) {
  Response response = Dispatch(http::verb::get, "/payments/na/nope");

  EXPECT_EQ(response.result(), http::status::not_found);
  EXPECT_EQ(RendererOf(response), "ahrvo");
}

TEST_F(RouterTest, WrongMethodOnAKnownPathIs405FromThatMount) {
  Response response = Dispatch(http::verb::delete_, "/payments/na/payment_instruments/PI1");

  EXPECT_EQ(response.result(), http::status::method_not_allowed);
  EXPECT_EQ(RendererOf(response), "ahrvo");
  EXPECT_EQ(response.body(), "the method is not allowed on this resource");
}

TEST_F(RouterTest, WrongMethodOnARootPathIs405FromTheRootMount) {
  Response response = Dispatch(http::verb::post, "/health");

  EXPECT_EQ(response.result(), http::status::method_not_allowed);
  EXPECT_EQ(RendererOf(response), "root");
}

TEST_F(RouterTest, SegmentCountMustMatch) {
  Response too_long = Dispatch(http::verb::get, "/payments/na/payment_instruments/PI1/extra");
  Response too_short = Dispatch(http::verb::get, "/payments");

  EXPECT_EQ(too_long.result(), http::status::not_found);
  EXPECT_EQ(RendererOf(too_long), "ahrvo");
  EXPECT_EQ(too_short.result(), http::status::not_found);
  EXPECT_EQ(RendererOf(too_short), "root");
}

TEST_F(RouterTest, PrefixMustEndAtASegmentBoundary) {
  Response response = Dispatch(http::verb::get, "/payments/nax/payment_instruments/PI1");

  EXPECT_EQ(response.result(), http::status::not_found);
  EXPECT_EQ(RendererOf(response), "root");
}

TEST_F(RouterTest, RendererReceivesTheExchange) {
  Router router;
  std::string seen_path;
  std::string seen_request_id;
  router.Mount("/", [&](const HttpError& error, const Exchange& exchange) {
    seen_path = exchange.path;
    seen_request_id = exchange.request_id;
    return Response(error.status, exchange.request.version());
  });
  Exchange exchange = MakeExchange(http::verb::get, "/missing", "a=b");
  Recorder recorder;

  router.Dispatch(exchange, recorder.responder());

  EXPECT_EQ(seen_path, "/missing");
  EXPECT_EQ(seen_request_id, "req-1");
  ASSERT_THAT(recorder.responses, SizeIs(1));
  EXPECT_EQ(recorder.responses[0].result(), http::status::not_found);
}

TEST(RouterRendererForTest, LongestMatchingPrefixWins) {
  struct Case {
    const char* path;
    const char* renderer;
  };
  const Case kCases[] = {
      {"/", "root"},
      {"/payment_instruments", "root"},
      {"/payments", "root"},
      {"/payments/nax", "root"},
      {"/payments/na", "ahrvo"},
      {"/payments/na/", "ahrvo"},
      {"/payments/na/payment_instruments/PI1", "ahrvo"},
      {"/payments/na/cab", "ahrvo"},
      {"/payments/na/ca", "ahrvo-ca"},
      {"/payments/na/ca/payment_instruments", "ahrvo-ca"},
  };
  // Mount order must not matter: try both.
  Router root_first;
  root_first.Mount("/", TaggedRenderer("root"));
  root_first.Mount("/payments/na", TaggedRenderer("ahrvo"));
  root_first.Mount("/payments/na/ca", TaggedRenderer("ahrvo-ca"));
  Router root_last;
  root_last.Mount("/payments/na/ca", TaggedRenderer("ahrvo-ca"));
  root_last.Mount("/payments/na", TaggedRenderer("ahrvo"));
  root_last.Mount("/", TaggedRenderer("root"));
  Exchange exchange = MakeExchange(http::verb::get, "/x");

  for (const Case& c : kCases) {
    HttpError error{http::status::not_found, "x"};
    EXPECT_EQ(RendererOf(root_first.RendererFor(c.path)(error, exchange)), c.renderer) << c.path;
    EXPECT_EQ(RendererOf(root_last.RendererFor(c.path)(error, exchange)), c.renderer) << c.path;
  }
}

TEST(RouterRendererForTest, WithoutMountsErrorsArePlainText) {
  Router router;
  Exchange exchange = MakeExchange(http::verb::get, "/anything");
  Recorder recorder;

  router.Dispatch(exchange, recorder.responder());

  ASSERT_THAT(recorder.responses, SizeIs(1));
  const Response& response = recorder.responses[0];
  EXPECT_EQ(response.result(), http::status::not_found);
  EXPECT_EQ(response[http::field::content_type], "text/plain");
  EXPECT_EQ(response.body(), "no such resource");
  EXPECT_EQ(response[http::field::content_length], "16");
}

TEST(RouterRendererForTest, PrefixMountDoesNotCoverOtherPaths) {
  Router router;
  router.Mount("/payments/na", TaggedRenderer("ahrvo"));
  Exchange exchange = MakeExchange(http::verb::get, "/payment_instruments");
  Recorder recorder;

  router.Dispatch(exchange, recorder.responder());

  ASSERT_THAT(recorder.responses, SizeIs(1));
  EXPECT_EQ(RendererOf(recorder.responses[0]), "");
  EXPECT_EQ(recorder.responses[0][http::field::content_type], "text/plain");
}

// Metrics and logs name a request by its dialect and pattern, never by its path.
TEST(RouterRouteNameTest, MatchedRoutesCarryDialectAndPatternUnmatchedTheirMount) {
  Router router;
  router.SetDialect("finix");
  router.Mount("/", TaggedRenderer("finix"));
  router.Add(http::verb::get, "/payment_instruments/{id}", Answer(http::status::ok, "got"));
  router.SetDialect("ahrvo");
  router.Mount("/payments/na", TaggedRenderer("ahrvo"));
  router.Add(http::verb::get, "/payments/na/payment_instruments/{id}",
             Answer(http::status::ok, "got"));

  struct Case {
    http::verb method;
    const char* path;
    const char* dialect;
    const char* pattern;
  };
  const Case kCases[] = {
      {http::verb::get, "/payment_instruments/PI123", "finix", "/payment_instruments/{id}"},
      {http::verb::get, "/payments/na/payment_instruments/PI9", "ahrvo",
       "/payments/na/payment_instruments/{id}"},
      {http::verb::get, "/nowhere/PI123", "finix", "unmatched"},
      {http::verb::delete_, "/payment_instruments/PI123", "finix", "unmatched"},
      {http::verb::get, "/payments/na/other", "ahrvo", "unmatched"},
  };
  for (const Case& c : kCases) {
    Exchange exchange = MakeExchange(c.method, c.path);
    Recorder recorder;
    router.Dispatch(exchange, recorder.responder());
    ASSERT_NE(exchange.route, nullptr) << c.path;
    EXPECT_EQ(exchange.route->dialect, c.dialect) << c.path;
    EXPECT_EQ(exchange.route->pattern, c.pattern) << c.path;
  }
  EXPECT_EQ(router.UnmatchedFor("/payments/na/x").dialect, "ahrvo");
  EXPECT_EQ(Router().UnmatchedFor("/x").pattern, "unmatched");
}

TEST(PlainErrorTest, KeepsStatusMessageAndVersion) {
  Exchange exchange = MakeExchange(http::verb::get, "/x");
  exchange.request.version(10);

  Response response =
      PlainError(HttpError{http::status::payload_too_large, "body too large"}, exchange);

  EXPECT_EQ(response.result(), http::status::payload_too_large);
  EXPECT_EQ(response.version(), 10u);
  EXPECT_EQ(response[http::field::content_type], "text/plain");
  EXPECT_EQ(response.body(), "body too large");
}

}  // namespace
}  // namespace pi::gateway::server

-- wrk script for pi-gateway's Finix dialect, driven by bench/run:
--
--   PI_AUTHORIZATION="Basic ..." wrk -t T -c C -d 10s --timeout 10s -s rest_load.lua URL \
--     -- create OWNERS_FILE T      POST /payment_instruments, a valid card body each time
--   PI_AUTHORIZATION="Basic ..." wrk ... -s rest_load.lua URL -- get IDS_FILE T
--                                 GET /payment_instruments/{id}, ids picked at random
--
-- A create carries the same fields as bench/load/bench_requests.cc sends over gRPC: a 16-digit
-- card under a sandbox BIN with random middle digits and its Luhn check digit, expiry, security
-- code, holder name and a US address. Thread t of T takes owners t, t + T, t + 2T, ... in turn,
-- so concurrent creates almost never wait on one owner's row lock.
--
-- done() prints one JSON line. wrk counts every response with a status above 399 as an error
-- ("Non-2xx or 3xx responses"); the line reports them as non_2xx, with the socket errors, and
-- bench/run fails when either is not zero. The authorization comes from the environment so the
-- secret stays out of argv.

local bins = { "411111", "520082", "424242" }
local counter = 0

function setup(thread)
  thread:set("thread_index", counter)
  counter = counter + 1
end

local function read_lines(path)
  local lines = {}
  local file = assert(io.open(path, "r"), "cannot read " .. path)
  for line in file:lines() do
    if line ~= "" then lines[#lines + 1] = line end
  end
  file:close()
  assert(#lines > 0, "no ids in " .. path)
  return lines
end

local function card_number()
  local digits = { bins[math.random(#bins)] }
  for _ = 1, 9 do digits[#digits + 1] = tostring(math.random(0, 9)) end
  local partial = table.concat(digits)
  -- Luhn: double every second digit from the right, starting with the one left of the check digit.
  local sum = 0
  for i = #partial, 1, -1 do
    local d = partial:byte(i) - 48
    if (#partial - i) % 2 == 0 then
      d = d * 2
      if d > 9 then d = d - 9 end
    end
    sum = sum + d
  end
  return partial .. tostring((10 - sum % 10) % 10)
end

local body_format = '{"type":"PAYMENT_CARD","identity":"%s","number":"%s",' ..
  '"expiration_month":%d,"expiration_year":2030,"security_code":"123","name":"Amy White",' ..
  '"address":{"line1":"900 Metro Center Blv","city":"San Francisco","region":"CA",' ..
  '"postal_code":"94404","country":"USA"}}'

function init(args)
  op = args[1]
  lines = read_lines(args[2])
  thread_count = tonumber(args[3]) or 1
  n = 0
  math.randomseed(os.time() * 1000 + thread_index * 7919)
  local authorization = os.getenv("PI_AUTHORIZATION")
  assert(authorization and authorization ~= "", "PI_AUTHORIZATION is not set")
  headers = { ["Authorization"] = authorization, ["Content-Type"] = "application/json" }
  get_headers = { ["Authorization"] = authorization }
  assert(op == "create" or op == "get", "first argument: create or get")
end

function request()
  if op == "get" then
    return wrk.format("GET", "/payment_instruments/" .. lines[math.random(#lines)], get_headers)
  end
  local owner = lines[(thread_index + thread_count * n) % #lines + 1]
  n = n + 1
  local body = string.format(body_format, owner, card_number(), math.random(1, 12))
  return wrk.format("POST", "/payment_instruments", headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  local ok = summary.requests - e.status
  io.write(string.format(
    '{"path":"rest","window_s":%.3f,"requests":%d,"ok":%d,"throughput":%.1f,' ..
    '"p50_ms":%.3f,"p99_ms":%.3f,"non_2xx":%d,"socket_errors":%d}\n',
    seconds, summary.requests, ok, ok / seconds, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, e.status, e.connect + e.read + e.write + e.timeout))
end

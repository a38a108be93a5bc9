-- wrk script for tests/bench/webhook_load: each request is a new Telegram
-- Update (a text message) from a new private chat, posted to
-- /webhooks/telegram with the secret-token header, so every request starts
-- a conversation and is answered once its replies are durable. Update ids
-- and chat ids are distinct across wrk's threads and, through FIRST, across
-- runs against one server (a repeated update id would be a duplicate,
-- answered without work).
--   wrk -s webhook.lua URL -- webhook SECRET FIRST
--   wrk -s webhook.lua URL -- healthz          (GET /healthz: the baseline)
-- At the end it prints one line:
--   result mode=... requests=... seconds=... rps=... p50_ms=... p90_ms=...
--          p99_ms=... max_ms=... status_2xx=... status_other=...
--          socket_errors=... timeouts=...

local threads = {}
local per_thread = 100000000  -- ids a thread may use in one run

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

function init(args)
  mode = args[1] or "webhook"
  secret = args[2] or ""
  next_id = (tonumber(args[3]) or 1) + index * per_thread
  ok = 0
  other = 0
  if mode == "healthz" then
    fixed = wrk.format("GET", "/healthz")
  end
end

local body_format = '{"update_id":%s,"message":{"message_id":1,' ..
  '"from":{"id":%s,"is_bot":false,"first_name":"Sam","language_code":"en"},' ..
  '"chat":{"id":%s,"first_name":"Sam","type":"private"},"date":1732550400,' ..
  '"text":"my left calf is swollen and sore since the flight on tuesday"}}'

function request()
  if fixed then return fixed end
  local id = string.format("%.0f", next_id)
  next_id = next_id + 1
  return wrk.format("POST", "/webhooks/telegram",
                    {["Content-Type"] = "application/json",
                     ["X-Telegram-Bot-Api-Secret-Token"] = secret},
                    string.format(body_format, id, id, id))
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok = ok + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local ok_total, other_total = 0, 0
  for _, t in ipairs(threads) do
    ok_total = ok_total + t:get("ok")
    other_total = other_total + t:get("other")
  end
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "result mode=%s requests=%d seconds=%.2f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f " ..
    "max_ms=%.2f status_2xx=%d status_other=%d socket_errors=%d timeouts=%d\n",
    threads[1]:get("mode"), summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, ok_total, other_total, e.connect + e.read + e.write, e.timeout))
end

-- Full claim lifecycles for wrk: each wrk thread has one connection (run with -t N -c N) and walks it
-- through report, accept, start_review, decide and pay, one claim after another. Driven by
-- benchmarks/lifecycles_wrk.py, which passes: <config file> <first claim index>.
-- The config file holds "key value" lines: handler, reviewer, finance (bearer tokens), run (a tag for
-- idempotency keys), then one "policy NUMBER" line per policy.

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local cfg, policies = {}, {}
local nthreads, first, step, number = 1, 0, 0, nil
-- globals: done() reads them from each thread
index, lifecycles, failed, bad = 0, 0, 0, ""

function init(args)
  for line in io.lines(args[1]) do
    local key, value = line:match("^(%S+) (.+)$")
    if key == "policy" then table.insert(policies, value) elseif key then cfg[key] = value end
  end
  first = tonumber(args[2])
  nthreads = tonumber(args[3])
  index = first + id
end

local today = os.time()

local function report()
  -- one claim per policy and incident day: same-day claims on a policy are duplicates for review
  local p = #policies
  local policy = policies[(index % p) + 1]
  local day = os.date("!%Y-%m-%d", today - 86400 * (1 + math.floor(index / p) % 3000))
  local body = '{"policy_number":"' .. policy .. '","incident_date":"' .. day ..
    '","description":"bench","claimed_amount":"1200.00"}'
  return wrk.format("POST", "/api/v1/claims?view=light",
    {["Authorization"] = "Bearer " .. cfg.handler, ["Content-Type"] = "application/json"}, body)
end

local DECIDE = '{"outcome":"approved","assessed_loss":"1200.00","payment_method":"bank_transfer",' ..
  '"override_missing_documents":true,"override_reason":"bench"}'

function request()
  local json = {["Content-Type"] = "application/json"}
  if step == 0 then return report() end
  local path = "/api/v1/claims/" .. number
  if step == 1 then
    json["Authorization"] = "Bearer " .. cfg.handler
    return wrk.format("POST", path .. "/accept", json, "{}")
  elseif step == 2 then
    json["Authorization"] = "Bearer " .. cfg.reviewer
    return wrk.format("POST", path .. "/start_review", json, "{}")
  elseif step == 3 then
    json["Authorization"] = "Bearer " .. cfg.reviewer
    return wrk.format("POST", path .. "/decide", json, DECIDE)
  end
  json["Authorization"] = "Bearer " .. cfg.finance
  json["Idempotency-Key"] = "wrk-" .. cfg.run .. "-" .. number
  return wrk.format("POST", path .. "/payments", json,
    '{"method":"bank_transfer","payee":{"name":"bench"}}')
end

local EXPECTED = {[0] = 201, 200, 200, 200, 201}

function response(status, headers, body)
  if status ~= EXPECTED[step] then
    -- a failed step abandons its claim; the next request starts a new one
    failed = failed + 1
    if bad == "" then bad = step .. " " .. status .. " " .. body:sub(1, 200) end
    step, index = 0, index + nthreads
    return
  end
  if step == 0 then number = body:match('"claim_number":"([^"]+)"') end
  if step == 4 then
    lifecycles = lifecycles + 1
    step, index = 0, index + nthreads
  else
    step = step + 1
  end
end

function done(summary, latency, requests)
  local n, f, last, sample = 0, 0, 0, ""
  for _, t in ipairs(threads) do
    n = n + t:get("lifecycles")
    f = f + t:get("failed")
    last = math.max(last, t:get("index"))
    if sample == "" then sample = t:get("bad") end
  end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"duration_us":%d,"requests":%d,"lifecycles":%d,"failed_steps":%d,"next_index":%d,' ..
    '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,' ..
    '"p99_us":%d,"max_us":%d}\n',
    summary.duration, summary.requests, n, f, last + 1, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
  if sample ~= "" then io.write("FIRST_FAILURE " .. sample .. "\n") end
end

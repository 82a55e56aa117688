-- wrk script of benchmarks/load.sh.
--   wrk ... -s load.lua URL -- MODE READERS_FILE NAME
-- MODE: "trivial" (GET /sante, no cookie), "meeting" (GET /reunions/<id> as a signed-in
-- reader, going round the (reader, meeting) pairs of READERS_FILE) or "dashboard"
-- (GET / as each reader in turn). Any answer but 200 counts as an error (a redirect to
-- /connexion would otherwise pass as a success). Prints one line:
-- RESULT name requests seconds p50_ms p99_ms non200 socket_errors

local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  mode, name = args[1], args[3]
  if mode ~= "trivial" then
    dofile(args[2]) -- defines readers = {{cookie, meeting_id}, ...} and user_agent
  end
  -- Threads start at different places of the list, so that they do not read in step.
  index = ((id - 1) * 7919) % (readers and #readers or 1)
  non200 = 0
end

function request()
  if mode == "trivial" then
    return wrk.format("GET", "/sante")
  end
  index = index % #readers + 1
  local pair = readers[index]
  local path = mode == "meeting" and ("/reunions/" .. pair[2]) or "/"
  return wrk.format("GET", path, {["Cookie"] = pair[1], ["User-Agent"] = user_agent})
end

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non200")
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT %s %d %.3f %.2f %.2f %d %d\n",
    threads[1]:get("name"), summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    bad, e.connect + e.read + e.write + e.timeout
  ))
end

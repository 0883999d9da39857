-- wrk script of the ingest benchmark: POSTs Lund partner events to /v1/events.
--
-- Arguments (after `--`): the data file `bench.load` writes (API key and event templates),
-- events per request (1: one structured event; more: a batch), a run id, and "duplicates"
-- to resend one event over and over instead of new ones.
--
-- Every event gets an id no request used before (run id, thread, counter), so the service
-- does all it does for a partner's new report: a register row and an outbox row each.

local templates, size, prefix, duplicates
local sent = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

function init(args)
  local data = dofile(args[1])
  templates = data.events
  size = tonumber(args[2])
  prefix = args[3] .. "-" .. thread_number .. "-"
  duplicates = args[4] == "duplicates"
  wrk.method = "POST"
  wrk.path = "/v1/events"
  wrk.headers["Authorization"] = "Bearer " .. data.key
  if size == 1 then
    wrk.headers["Content-Type"] = "application/cloudevents+json"
  else
    wrk.headers["Content-Type"] = "application/cloudevents-batch+json"
  end
end

local function event()
  sent = sent + 1
  if duplicates then
    return templates[1][1] .. prefix .. "again" .. templates[1][2]
  end
  local template = templates[sent % #templates + 1]
  return template[1] .. prefix .. sent .. template[2]
end

function request()
  local body
  if size == 1 then
    body = event()
  else
    local batch = {}
    for i = 1, size do
      batch[i] = event()
    end
    body = "[" .. table.concat(batch, ",") .. "]"
  end
  return wrk.format(nil, nil, nil, body)
end

-- One JSON line after wrk's own report; latencies in microseconds.
function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "non_2xx": %d, "socket_errors": %d, '
      .. '"timeouts": %d, "p50_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, errors.status,
    errors.connect + errors.read + errors.write, errors.timeout,
    latency:percentile(50), latency:percentile(99)
  ))
end

-- wrk script of the ingest benchmark: POSTs Lund partner events to /v1/events.
--
-- Arguments (after `--`): the data file `bench.load` writes (API key and event templates),
-- events per request (1: one structured event; more: a batch), a run id, and how many
-- distinct events to send over and over (0: every event new).
--
-- A new event gets an id no request used before (run id, thread, counter), so the service
-- does all it does for a partner's new report: a register row and an outbox row each. With
-- a number of distinct events, the first of them are new and the rest resends, spread over
-- enough ids that connections seldom resend the same event at the same moment.

local templates, size, prefix, distinct
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
  distinct = tonumber(args[4])
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
  local number = sent
  if distinct > 0 then
    number = sent % distinct
  end
  sent = sent + 1
  -- The same number is the same template, so a resend is the very same event.
  local template = templates[number % #templates + 1]
  return template[1] .. prefix .. number .. template[2]
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

-- wrk script: every request deletes a different activity id (thread t of N sends t+1, t+1+N, t+1+2N, ...),
-- so that each call really deletes instead of answering "Activity is not found.".
-- Set WRK_THREADS to the -t value (default 2) and WEBHOOK_CODE if it is not "simulator".
-- Usage: WRK_THREADS=2 wrk -t2 -c32 -d15s -s src/test/wrk/delete-distinct-ids.lua http://127.0.0.1:8089
local next_thread = 0

function setup(thread)
  thread:set("offset", next_thread)
  next_thread = next_thread + 1
end

function init(args)
  count = 0
  step = tonumber(os.getenv("WRK_THREADS") or "2")
  code = os.getenv("WEBHOOK_CODE") or "simulator"
end

function request()
  local id = offset + 1 + count * step
  count = count + 1
  return wrk.format("GET", "/rest/1/" .. code .. "/crm.activity.delete?id=" .. id)
end

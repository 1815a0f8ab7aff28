-- post.lua — wrk script for the load benchmark: every request is POST /function with one body file
-- and the system token as a Bearer token, like integrator.io's calls to a server stack.
-- Usage: wrk ... -s bench/post.lua http://HOST:PORT/function -- BODY_FILE TOKEN
-- At the end it prints one machine-readable line (latencies in microseconds):
--   HSBENCH requests=N duration_us=N p50_us=N p90_us=N p99_us=N max_us=N status_errors=N
--           connect_errors=N read_errors=N write_errors=N timeouts=N bytes=N

function init(args)
   local path, token = args[1], args[2]
   if path == nil or token == nil then
      error("post.lua: usage: -- BODY_FILE TOKEN")
   end
   local f = assert(io.open(path, "rb"))
   wrk.body = f:read("*a")
   f:close()
   wrk.method = "POST"
   wrk.headers["Content-Type"] = "application/json"
   wrk.headers["Authorization"] = "Bearer " .. token
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      "HSBENCH requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
      "status_errors=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d bytes=%d\n",
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency.max, e.status, e.connect, e.read, e.write, e.timeout,
      summary.bytes))
end

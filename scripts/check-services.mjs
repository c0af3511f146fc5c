// Fails with a clear message when the PostgreSQL or Redis that the tests are pointed at cannot be
// reached. Speaks just enough of each wire protocol to know a real server answered.
import { connect } from "node:net";

function probe(name, url, hello, isAnswer) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const timer = setTimeout(() => socket.destroy(new Error("no answer within 5s")), 5000);
    socket.once("connect", () => socket.write(hello));
    socket.once("data", (data) => {
      clearTimeout(timer);
      socket.destroy();
      if (isAnswer(data)) resolve();
      else reject(new Error(`${name} at ${url} answered something unexpected`));
    });
    socket.once("error", (err) => {
      clearTimeout(timer);
      reject(new Error(`${name} at ${url} is unreachable: ${err.message}`));
    });
  });
}

// PostgreSQL SSLRequest: a server answers a single 'S' or 'N' byte.
const sslRequest = Buffer.from([0, 0, 0, 8, 4, 210, 22, 47]);
const checks = [];
const dbUrl = process.env.SKEIN_TEST_DATABASE_URL;
const redisUrl = process.env.SKEIN_TEST_REDIS_URL;
if (!dbUrl || !redisUrl) {
  console.error("SKEIN_TEST_DATABASE_URL and SKEIN_TEST_REDIS_URL must both be set under CI.");
  process.exit(1);
}
checks.push(probe("PostgreSQL", dbUrl, sslRequest, (d) => d.length === 1 && (d[0] === 0x53 || d[0] === 0x4e)));
checks.push(probe("Redis", redisUrl, "PING\r\n", (d) => d.toString().startsWith("+PONG")));
const results = await Promise.allSettled(checks);
const failures = results.filter((r) => r.status === "rejected").map((r) => r.reason.message);
if (failures.length > 0) {
  for (const f of failures) console.error(`CI needs its services: ${f}`);
  process.exit(1);
}
console.log(`services reachable: PostgreSQL (${dbUrl}), Redis (${redisUrl})`);

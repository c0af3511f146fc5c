export { cronProblem, isKnownTimeZone, nextCronTime, parseCron } from "./cron.js";
export type { CronSpec } from "./cron.js";
export { nextFixedRateTime } from "./fixed-rate.js";

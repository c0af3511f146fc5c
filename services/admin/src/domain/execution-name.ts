import { randomInt } from "node:crypto";

// Lowercase letters and digits: every name is a valid DNS label and matches the API's name pattern.
const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** A fresh execution name: `a` followed by 19 random characters (about 98 bits of randomness). */
export function randomExecutionName(): string {
  let name = "a";
  for (let i = 0; i < 19; i++) name += ALPHABET.charAt(randomInt(ALPHABET.length));
  return name;
}

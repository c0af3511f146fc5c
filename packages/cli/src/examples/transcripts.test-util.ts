// Reads the console transcripts and code excerpts of the Markdown docs, so the docs are the source
// of truth of the test that runs them.
//
// A ```console block holds commands (`$ npx skein ...`), each followed by the output it prints:
//   - stdout only, unless the command ends in `2>&1` (then stdout and stderr as written, in order);
//   - `$ echo $?` after a command gives its exit code; a command without one must exit 0;
//   - a line that is just `...` stands for any number of lines, and `...` inside a line for any text;
//   - elapsed times in progress lines (`[   0.12s]`, `0.03s`) are not compared; retry delays are.
// A ```ts block whose first line is `// examples/<path>.ts` is an excerpt: its other lines must
// appear in that file as they are (`// ...` lines separate excerpts that appear in this order).

export interface Step {
  /** The command as written after `$ ` (continuation lines joined). */
  readonly command: string;
  /** The arguments after `npx skein`; empty for a curl step. */
  readonly argv: readonly string[];
  /** For `curl -H ... -d BODY URL`: the request to make instead of running skein. */
  readonly http?: HttpStep;
  /** True when stderr is shown with stdout (`2>&1`). */
  readonly merged: boolean;
  readonly expected: string;
  exitCode: number;
  /** 1-based line of the command in its file. */
  readonly line: number;
}

/** A JSON POST, as `curl -H 'Content-Type: application/json' -d BODY URL` sends it. */
export interface HttpStep {
  readonly url: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface Excerpt {
  readonly file: string;
  readonly fragments: readonly string[];
  readonly line: number;
}

interface Block {
  readonly lang: string;
  readonly lines: readonly string[];
  /** 1-based line of the block's first content line. */
  readonly line: number;
}

function blocksOf(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i] ?? "");
    if (!open) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end] ?? "")) end++;
    if (end === lines.length) throw new Error(`line ${i + 1}: the code block is never closed`);
    blocks.push({ lang: open[1] ?? "", lines: lines.slice(start, end), line: start + 1 });
    i = end;
  }
  return blocks;
}

/** Splits a command line as a POSIX shell would (quotes and backslashes); other shell syntax is refused. */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? "";
    if (c === " " || c === "\t") {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end === -1) throw new Error(`unclosed ' in: ${text}`);
      word = (word ?? "") + text.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      word ??= "";
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === "\\" && '"\\$`'.includes(text[i + 1] ?? "")) i++;
        if (text[i] === "$" || text[i] === "`") throw new Error(`expansions are not supported: ${text}`);
        word += text[i] ?? "";
      }
      if (i === text.length) throw new Error(`unclosed " in: ${text}`);
    } else if (c === "\\") {
      word = (word ?? "") + (text[++i] ?? "");
    } else if ("|;&<>$`*?(){}".includes(c)) {
      throw new Error(`shell syntax "${c}" is not supported in a transcript: ${text}`);
    } else {
      word = (word ?? "") + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

function stepOf(command: string, line: number): Step {
  const merged = / 2>&1$/.test(command);
  const words = shellWords(merged ? command.slice(0, -" 2>&1".length) : command);
  if (words[0] === "curl") return { command, argv: [], http: curlRequest(words.slice(1), line), merged, expected: "", exitCode: 0, line };
  if (words[0] !== "npx" || words[1] !== "skein") throw new Error(`line ${line}: only "npx skein ...", "curl ..." and "echo $?" can be run: ${command}`);
  return { command, argv: words.slice(2), merged, expected: "", exitCode: 0, line };
}

// The curl options the docs use: headers, a body, one URL.
function curlRequest(words: readonly string[], line: number): HttpStep {
  const headers: Record<string, string> = {};
  let body: string | undefined;
  let url: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? "";
    if (word === "-H") {
      const [name = "", ...value] = (words[++i] ?? "").split(":");
      headers[name.trim()] = value.join(":").trim();
    } else if (word === "-d") body = words[++i];
    else if (word.startsWith("-")) throw new Error(`line ${line}: curl option ${word} is not supported in a transcript`);
    else if (url === undefined) url = word;
    else throw new Error(`line ${line}: curl with more than one URL`);
  }
  if (url === undefined || body === undefined) throw new Error(`line ${line}: a curl step needs -d BODY and a URL`);
  return { url, body, headers };
}

/** The commands of every ```console block, with their expected output and exit code. */
export function transcriptsOf(markdown: string): Step[] {
  const steps: Step[] = [];
  for (const block of blocksOf(markdown).filter((b) => b.lang === "console")) {
    let current: { step: Step; output: string[] } | undefined;
    // Set after `$ echo $?`: the next line is the previous command's exit code.
    let awaitingExit = false;
    const finish = () => {
      if (current) steps.push({ ...current.step, expected: trimEnd(current.output) });
      current = undefined;
    };
    // A command line ending in a backslash continues on the next line, as in a shell.
    let continued: { text: string; line: number } | undefined;
    block.lines.forEach((raw, index) => {
      let line = block.line + index;
      let text = raw;
      if (continued) {
        text = `${continued.text} ${raw.trim()}`;
        line = continued.line;
        continued = undefined;
      }
      if (text.startsWith("$ ") && text.endsWith("\\")) {
        continued = { text: text.slice(0, -1).trimEnd(), line };
        return;
      }
      if (text.startsWith("$ ")) {
        const command = text.slice(2).trim();
        if (command === "echo $?") {
          if (!current) throw new Error(`line ${line}: "echo $?" follows no command`);
          awaitingExit = true;
          finish();
          return;
        }
        if (awaitingExit) throw new Error(`line ${line}: "echo $?" needs its output line`);
        finish();
        current = { step: stepOf(command, line), output: [] };
      } else if (awaitingExit) {
        const step = steps.at(-1);
        if (!step || !/^\d+$/.test(text)) throw new Error(`line ${line}: "echo $?" prints a number, not "${text}"`);
        step.exitCode = Number(text);
        awaitingExit = false;
      } else if (current) current.output.push(text);
      else if (text.trim() !== "") throw new Error(`line ${line}: output before any command: ${text}`);
    });
    if (continued) throw new Error(`line ${continued.line}: the command continues past the end of its block`);
    finish();
  }
  return steps;
}

function trimEnd(lines: readonly string[]): string {
  const kept = [...lines];
  while (kept.length > 0 && (kept.at(-1) ?? "").trim() === "") kept.pop();
  return kept.map((l) => l.trimEnd()).join("\n");
}

/** The ```ts excerpts that name their source file. */
export function excerptsOf(markdown: string): Excerpt[] {
  const excerpts: Excerpt[] = [];
  for (const block of blocksOf(markdown).filter((b) => b.lang === "ts")) {
    const source = /^\/\/ (examples\/\S+\.ts)$/.exec(block.lines[0] ?? "")?.[1];
    if (!source) continue;
    const fragments: string[][] = [[]];
    for (const text of block.lines.slice(1)) {
      if (text.trim() === "// ...") fragments.push([]);
      else fragments.at(-1)?.push(text);
    }
    excerpts.push({ file: source, fragments: fragments.map((f) => trimEnd(f).replace(/^\n+/, "")).filter((f) => f !== ""), line: block.line });
  }
  return excerpts;
}

/** Output with what varies from run to run replaced: elapsed times, trailing spaces. */
export function normalize(text: string): string {
  return text
    .split("\n")
    .map((line) => line.replace(/\[\s*\d+\.\d{2}s\]/g, "[T]").replace(/(?<!retry in )\b\d+\.\d{2}s\b/g, "Ts").trimEnd())
    .join("\n")
    .replace(/\n+$/, "");
}

/** True when `actual` fits `expected`, whose `...` lines and `...` inside lines match anything. */
export function matchesOutput(expected: string, actual: string): boolean {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const lines = normalize(expected).split("\n");
  if (lines.length === 1 && lines[0] === "") return normalize(actual) === "";
  const pattern = lines
    .map((line) => (line === "..." ? "(?:[^\\n]*\\n)*?" : `${line.split("...").map(escape).join("[^\\n]*")}\\n`))
    .join("");
  return new RegExp(`^${pattern}$`).test(`${normalize(actual)}\n`);
}

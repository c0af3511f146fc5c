import { DataLoadingFormat, SimpleType } from "@skein/idl";
import { describe, expect, it } from "vitest";
import { DefinitionError } from "../definition-error.js";
import { fromLiteral, toLiteral } from "../types/convert.js";
import { literalTypeOf } from "../types/literal-type-of.js";
import { blobType, listType, optionalType, simpleType } from "../types/literal-types.js";
import { t } from "../types/t.js";
import { workflow } from "../workflow/workflow.js";
import { inputArgText, inputFileText, parseOutputFile } from "./container-protocol.js";
import { containerTask } from "./container-task.js";

const wc = containerTask({
  name: "word_count",
  image: "busybox:1.36",
  command: ["sh", "-c", "wc -w < {{.inputs.text}} > {{.outputDir}}/count"],
  args: ["--in", "{{ .inputDir }}"],
  inputs: { text: t.file("txt") },
  outputs: { count: t.int() },
  retries: 1,
});

describe("containerTask", () => {
  it("builds a container template with templated command and the files protocol", () => {
    expect(wc.template.type).toBe("container");
    expect(wc.execute).toBeUndefined();
    const target = wc.template.target;
    expect(target.case).toBe("container");
    if (target.case !== "container") return;
    expect(target.value.image).toBe("busybox:1.36");
    expect(target.value.command).toEqual(["sh", "-c", "wc -w < {{.inputs.text}} > {{.outputDir}}/count"]);
    expect(target.value.args).toEqual(["--in", "{{ .inputDir }}"]);
    expect(target.value.dataConfig).toMatchObject({ enabled: true, format: DataLoadingFormat.JSON, inputPath: "/var/skein/inputs", outputPath: "/var/skein/outputs" });
    expect(wc.template.metadata?.retries?.retries).toBe(1);
  });

  it("is callable in workflows like any task", () => {
    const wf = workflow({ name: "count_words", inputs: { doc: t.file("txt") }, outputs: t.int() }, ({ doc }) => wc({ text: doc }).count);
    expect(wf.tasks.get("word_count")).toBe(wc);
  });

  it("rejects unknown placeholders and missing images or commands", () => {
    const base = { name: "c", image: "img", command: ["run"] };
    const cases: [() => unknown, string][] = [
      [() => containerTask({ ...base, command: ["cat", "{{.inputs.nope}}"], inputs: { text: t.string() } }), 'task "c": command[1]: {{.inputs.nope}} is not {{.inputs.<name>}} of a declared input, {{.inputDir}} or {{.outputDir}}'],
      [() => containerTask({ ...base, args: ["{{.Input}}"] }), 'task "c": args[0]: {{.Input}} is not'],
      [() => containerTask({ ...base, image: "" }), 'task "c": image: a container task needs an image'],
      [() => containerTask({ ...base, command: [] }), 'task "c": command: expected a non-empty list of strings'],
      [() => containerTask({ ...base, comand: ["x"] } as never), 'task "c": unknown option "comand"'],
      [() => containerTask({ ...base, workers: "warm" }), 'task "c": workers: "warm" needs a TypeScript task; a container task always runs in a fresh process'],
      [() => containerTask({ ...base, workers: "tepid" as never }), 'task "c": workers: expected "fresh" or "warm", got "tepid"'],
    ];
    for (const [define, message] of cases) {
      expect(define).toThrow(DefinitionError);
      expect(define).toThrow(message);
    }
  });
});

describe("container files protocol", () => {
  it("writes inputs as JSON values and substitutes plain text into arguments", () => {
    const INT = simpleType(SimpleType.INTEGER);
    expect(inputFileText(toLiteral(2n ** 62n, INT), INT)).toBe("4611686018427387904");
    expect(inputFileText(toLiteral("a\"b", simpleType(SimpleType.STRING)), simpleType(SimpleType.STRING))).toBe('"a\\"b"');
    const DT = simpleType(SimpleType.DATETIME);
    expect(inputFileText(toLiteral(new Date("2024-05-06T07:08:09Z"), DT), DT)).toBe('"2024-05-06T07:08:09.000Z"');
    const files = listType(blobType("", false));
    expect(inputFileText(toLiteral([{ uri: "s3://b/k" }], files), files)).toBe('["s3://b/k"]');
    const cfg = literalTypeOf(t.struct({ n: t.int(), name: t.string() }));
    expect(inputFileText(toLiteral({ name: "x", n: 1 }, cfg), cfg)).toBe('{"n":1,"name":"x"}');
    expect(inputFileText(toLiteral(null, optionalType(INT)), optionalType(INT))).toBe("null");
    expect(inputFileText(toLiteral(5, optionalType(INT)), optionalType(INT))).toBe("5");
    expect(inputArgText(toLiteral("hello world", simpleType(SimpleType.STRING)), simpleType(SimpleType.STRING))).toBe("hello world");
    expect(inputArgText(toLiteral({ uri: "file:///data/in.txt" }, blobType("", false)), blobType("", false))).toBe("/data/in.txt");
    expect(inputArgText(toLiteral([1, 2], listType(INT)), listType(INT))).toBe("[1,2]");
  });

  it("reads outputs from JSON files, checked against the output type", () => {
    const INT = simpleType(SimpleType.INTEGER);
    expect(fromLiteral(parseOutputFile("42\n", INT, "count"), INT)).toBe(42n);
    expect(fromLiteral(parseOutputFile('"s3://b/out"', blobType("", true), "out"), blobType("", true))).toEqual({ uri: "s3://b/out" });
    expect(() => parseOutputFile('"many"', INT, "count")).toThrow('outputs.count: expected int, got "many"');
  });
});

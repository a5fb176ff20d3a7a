// Validates Kubernetes objects offline against the API schemas that kubernetes-models ships (generated from the
// Kubernetes OpenAPI definitions): every object of every YAML stream given (files, or standard input for "-") is
// checked against the schema of its apiVersion and kind. Exit code 1 on any error, an unknown kind included.
// Note: these schemas check types, required fields and formats; they do not refuse unknown fields.
//   node validate.mjs rendered.yaml [more.yaml ...]      kubectl kustomize ../overlays/x | node validate.mjs -
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const inputs = process.argv.slice(2);
if (inputs.length === 0) {
  console.error("usage: node validate.mjs <file.yaml | -> ...");
  process.exit(2);
}

let objects = 0;
let failures = 0;
const fail = (where, message) => {
  failures++;
  console.error(`FAIL ${where}: ${message}`);
};

for (const input of inputs) {
  const text = readFileSync(input === "-" ? 0 : input, "utf8");
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0) {
      fail(input, `not YAML: ${document.errors.map((e) => e.message).join("; ")}`);
      continue;
    }

    const object = document.toJS();
    if (object === null || object === undefined) {
      continue;
    }

    objects++;
    const { apiVersion, kind } = object;
    const where = `${input}: ${apiVersion}/${kind} ${object.metadata?.name ?? "(no name)"}`;
    if (typeof apiVersion !== "string" || typeof kind !== "string") {
      fail(where, "apiVersion and kind are required");
      continue;
    }

    if (typeof object.metadata?.name !== "string" || object.metadata.name.length === 0) {
      fail(where, "metadata.name is required");
    }

    // "v1" is the core group; "apps/v1" and "policy/v1" are folders of the same name in kubernetes-models.
    let Model;
    try {
      const module = await import(`kubernetes-models/${apiVersion}/${kind}`);
      Model = module[kind];
    } catch {
      Model = undefined;
    }

    if (typeof Model !== "function") {
      fail(where, "no schema for this apiVersion and kind");
      continue;
    }

    try {
      new Model(object).validate();
      console.log(`ok   ${where}`);
    } catch (error) {
      const details = Array.isArray(error.errors)
        ? error.errors.map((e) => `${e.instancePath || "/"} ${e.message}`).join("; ")
        : String(error.message ?? error);
      fail(where, details);
    }
  }
}

if (objects === 0) {
  fail(inputs.join(" "), "no Kubernetes object found");
}

console.log(`${objects} objects, ${failures} errors`);
process.exit(failures === 0 ? 0 : 1);

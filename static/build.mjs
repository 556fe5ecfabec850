// Builds static/build/ from the govuk-frontend npm package: never hand-copied (DESIGN §8).
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
const out = join(root, "static", "build");

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "css"), { recursive: true });
mkdirSync(join(out, "js"), { recursive: true });

const css = sass.compile(join(root, "static", "src", "cocharter.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "css", "cocharter.css"), css.css);

cpSync(join(govuk, "govuk-frontend.min.js"), join(out, "govuk", "govuk-frontend.min.js"), {
  recursive: true,
});
cpSync(join(govuk, "assets", "images"), join(out, "govuk", "assets", "images"), { recursive: true });
for (const script of ["init.mjs", "signup_progress.mjs"]) {
  cpSync(join(root, "static", "src", script), join(out, "js", script));
}
console.log("built static/build");

// Builds what the browser loads into static/build/ (committed; `make assets` reruns this).
//   - every frontend/entries/<name>.js bundled by esbuild into static/build/<name>.js;
//   - the fonts listed in FONTS copied into static/build/fonts/;
//   - the icons named in frontend/icons.txt assembled into one SVG sprite, static/build/icons.svg.
// `node frontend/build.mjs --out DIR` writes elsewhere (the test compares it with the committed files).
import { build } from "esbuild";
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outFlag = process.argv.indexOf("--out");
const out = outFlag > 0 ? process.argv[outFlag + 1] : join(root, "static", "build");
const modules = join(root, "node_modules");

// Atkinson Hyperlegible Next (SIL OFL), drawn by the Braille Institute for low-vision readers:
// 400, 700, their italics; latin holds every French letter, latin-ext the names from elsewhere.
const ATKINSON = "@fontsource/atkinson-hyperlegible-next/files/atkinson-hyperlegible-next";
const FONTS = [
  // [package file, name served]
  [`${ATKINSON}-latin-400-normal.woff2`, "atkinson-latin-400.woff2"],
  [`${ATKINSON}-latin-700-normal.woff2`, "atkinson-latin-700.woff2"],
  [`${ATKINSON}-latin-400-italic.woff2`, "atkinson-latin-400-italic.woff2"],
  // bold italic: for the documents (static/css/print.css, document.css)
  [`${ATKINSON}-latin-700-italic.woff2`, "atkinson-latin-700-italic.woff2"],
  [`${ATKINSON}-latin-ext-400-normal.woff2`, "atkinson-latin-ext-400.woff2"],
  [`${ATKINSON}-latin-ext-700-normal.woff2`, "atkinson-latin-ext-700.woff2"],
  [`${ATKINSON}-latin-ext-400-italic.woff2`, "atkinson-latin-ext-400-italic.woff2"],
  ["@fontsource/atkinson-hyperlegible-next/LICENSE", "atkinson-LICENSE.txt"],
];

async function bundleEntries() {
  const dir = join(root, "frontend", "entries");
  const entries = (await readdir(dir)).filter((name) => name.endsWith(".js")).sort();
  if (!entries.length) return;
  await build({
    entryPoints: entries.map((name) => join(dir, name)),
    outdir: out,
    bundle: true,
    minify: true,
    format: "iife",
    target: ["es2020"],
    legalComments: "eof",
    logLevel: "warning",
  });
}

async function copyFonts() {
  if (!FONTS.length) return;
  await mkdir(join(out, "fonts"), { recursive: true });
  for (const [source, name] of FONTS) {
    await copyFile(join(modules, source), join(out, "fonts", name));
  }
}

async function iconSprite() {
  let names;
  try {
    names = (await readFile(join(root, "frontend", "icons.txt"), "utf8"))
      .split("\n").map((line) => line.trim()).filter((line) => line && !line.startsWith("#"));
  } catch {
    return;
  }
  const symbols = [];
  for (const name of [...new Set(names)].sort()) {
    const svg = await readFile(join(modules, "lucide-static", "icons", `${name}.svg`), "utf8");
    const inner = svg.replace(/^[\s\S]*?<svg[^>]*>/, "").replace(/<\/svg>\s*$/, "").trim();
    symbols.push(`<symbol id="i-${name}" viewBox="0 0 24 24">${inner.replace(/\s*\n\s*/g, "")}</symbol>`);
  }
  const sprite =
    '<svg xmlns="http://www.w3.org/2000/svg" fill="none" stroke="currentColor" stroke-width="2" ' +
    'stroke-linecap="round" stroke-linejoin="round">\n' +
    "<!-- Lucide icons (ISC licence), https://lucide.dev -->\n" +
    symbols.join("\n") + "\n</svg>\n";
  await writeFile(join(out, "icons.svg"), sprite);
}

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
await writeFile(join(out, ".keep"), "");
await bundleEntries();
await copyFonts();
await iconSprite();

// Prettier (`npm run format`; `npm run lint` checks it). The options are the code's own style:
// double quotes, semicolons, trailing commas (Prettier's defaults) and lines up to 160 characters.
/** @type {import("prettier").Config} */
export default {
  printWidth: 160,
  trailingComma: "all",
  overrides: [
    {
      // JSON in JSON.stringify's layout, the one npm and cdktf write when they rewrite
      // package.json or cdktf.json: their rewrites stay formatted.
      files: "*.json",
      options: { parser: "json-stringify" },
    },
  ],
};

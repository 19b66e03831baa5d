// Prints which test tiers ran (jest projects, package.json) and which did not, so a run never
// looks like more than it was, then one plain closing line, "N passed, N failed, N skipped", which
// CI systems that do not parse jest's own summary can read.
const { jest } = require("../package.json");

const ALL_TIERS = jest.projects.map((project) => project.displayName);

class SummaryReporter {
  onRunComplete(contexts, results) {
    const ran = ALL_TIERS.filter((tier) => [...contexts].some((context) => tierOf(context.config) === tier));
    const notRun = ALL_TIERS.filter((tier) => !ran.includes(tier));
    const rest = notRun.length > 0 ? `; not run: ${notRun.join(", ")} (npm run test:all runs every tier)` : " (every tier)";
    process.stdout.write(`\ntiers run: ${ran.join(", ")}${rest}`);
    const skipped = results.numPendingTests + results.numTodoTests;
    process.stdout.write(`\njest: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped\n`);
  }
}

/** A project's displayName: a string, or { name, color }. */
function tierOf(config) {
  const name = config.displayName;
  return typeof name === "string" ? name : name?.name;
}

module.exports = SummaryReporter;

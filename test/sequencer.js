// Jest's order for a run: the replays (*.replay.test.ts, a minute or more each) before the unit
// tier (seconds each), each group in jest's own order (slowest first once jest has timed them,
// else largest first). With the long files first, the short ones fill the workers at the end
// instead of a long one starting last and running alone, as it would in a fresh clone where jest
// has no timings yet.
const Sequencer = require("@jest/test-sequencer").default;

class ReplaysFirst extends Sequencer {
  sort(tests) {
    const ordered = super.sort(tests);
    const isReplay = (test) => test.path.endsWith(".replay.test.ts");
    return [...ordered.filter(isReplay), ...ordered.filter((test) => !isReplay(test))];
  }
}

module.exports = ReplaysFirst;
